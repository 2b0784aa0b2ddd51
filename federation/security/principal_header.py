"""The principal as the gateway sends it to subgraphs: `X-SPLP-Principal`, the contract of
`subgraphs.kit.principal`, covered by the request signature."""

from __future__ import annotations

from federation.security.authorization import Principal
from subgraphs.kit.principal import HEADER, encode_principal
from subgraphs.kit.principal import Principal as SubgraphPrincipal

_cache: dict[Principal, dict[str, str]] = {}


def principal_header(principal: Principal) -> dict[str, str]:
    """`{X-SPLP-Principal: …}` for an authenticated principal, `{}` for an anonymous one."""
    if not principal.authenticated:
        return {}
    found = _cache.get(principal)
    if found is None:
        found = {
            HEADER: encode_principal(
                SubgraphPrincipal(
                    subject=principal.subject,
                    client=principal.client,
                    role=principal.role,
                    opd=principal.opd,
                    nik=principal.nik,
                    name=principal.name,
                    scopes=principal.scopes,
                    purpose=principal.purpose,
                )
            )
        }
        if len(_cache) > 4096:  # bounded: one entry per distinct principal seen lately
            _cache.clear()
        _cache[principal] = found
    return found
