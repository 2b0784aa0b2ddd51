"""Who is asking, as the gateway tells a subgraph: the verified client and person behind a request.

The gateway authenticates the caller and sends the result to every subgraph request in one header,
`X-SPLP-Principal` (base64url of a JSON object), covered by the gateway's request signature so a
subgraph can trust it. A resolver reads it with `principal_of(info.context.request)` and checks the
role and OPD before a step; the person's identity always comes from here, never from an argument.

Roles (the `role` claim of the person's token):
    warga             a citizen; `nik` is theirs
    meja_aduan        the complaint desk (verifies, rejects, dispatches complaints)
    koordinator       an OPD's coordinator (assigns field officers, sends misrouted complaints back)
    petugas_lapangan  a field officer of an OPD
    operator          an OPD's back-office operator
    kepala_opd        the head of an OPD (receives escalations)
    admin_kota        the city's administrator (receives the last escalation, edits deadlines)
    dpo               the data-protection officer
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

HEADER: Final = "x-splp-principal"

ROLES: Final = frozenset(
    {"warga", "meja_aduan", "koordinator", "petugas_lapangan", "operator", "kepala_opd", "admin_kota", "dpo"}
)


@dataclass(frozen=True)
class Principal:
    subject: str | None = None  # the person (the token's `sub`), None when anonymous
    client: str | None = None  # the registered client application the request came through
    role: str | None = None
    opd: str | None = None  # the OPD the person works for (a subgraph name such as "pendapatan")
    nik: str | None = None  # a citizen's own NIK
    name: str | None = None  # the person's display name, for histories
    scopes: frozenset[str] = field(default_factory=frozenset)
    purpose: str | None = None  # the purpose the request stated (X-SPLP-Purpose)

    @property
    def anonymous(self) -> bool:
        return self.subject is None

    def to_json(self) -> dict[str, Any]:
        return {
            "sub": self.subject, "client": self.client, "role": self.role, "opd": self.opd,
            "nik": self.nik, "name": self.name, "scopes": sorted(self.scopes), "purpose": self.purpose,
        }


ANONYMOUS: Final = Principal()


def encode_principal(principal: Principal) -> str:
    raw = json.dumps(principal.to_json(), separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class PrincipalError(ValueError):
    """The principal header is not what the gateway sends."""


def decode_principal(value: str) -> Principal:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise PrincipalError("the principal header is not base64url JSON") from error
    if not isinstance(claims, dict):
        raise PrincipalError("the principal header is not a JSON object")

    def text(name: str) -> str | None:
        item = claims.get(name)
        return item if isinstance(item, str) and item else None

    scopes = claims.get("scopes") or []
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise PrincipalError("scopes must be a list of strings")
    return Principal(
        subject=text("sub"), client=text("client"), role=text("role"), opd=text("opd"), nik=text("nik"),
        name=text("name"), scopes=frozenset(scopes), purpose=text("purpose"),
    )


def principal_from_headers(headers: Mapping[str, str]) -> Principal:
    """The request's principal; anonymous without the header. Trust it only behind the kit's
    signature check, which refuses requests the gateway did not sign."""
    value = headers.get(HEADER)
    return decode_principal(value) if value else ANONYMOUS
