"""Who may read a field: the authorization directives of Federation (`@authenticated`,
`@requiresScopes`, `@policy`) put on fields the kit derived, or on resolvers already declared.

    protect(Penduduk, "nama", "alamat", policy=PERSONAL["penduduk"])
    protect(Query, "daftar_penduduk", scopes=[["penduduk:daftar"]])

The gateway enforces them (see `federation.security`): what a request may not read is never
asked of the subgraph, and a `self` policy is decided per entity. `personal(scope)` is the rule
of the reference graph for a person's data: the person themself, or an officer holding `scope`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.federation.schema_directives import Authenticated, Policy, RequiresScopes


def personal(*scopes: str) -> list[list[str]]:
    """`@policy` alternatives: the citizen the record is about (`self`), or a holder of any of `scopes`
    (`scope:NAME`, a policy the gateway grants to a principal holding scope NAME)."""
    return [["self"], *([f"scope:{scope}"] for scope in scopes)]


def protect(
    cls: Any,
    *fields: str,
    policy: Sequence[Sequence[str]] | None = None,
    scopes: Sequence[Sequence[str]] | None = None,
    authenticated: bool = False,
) -> None:
    """Add the directives to `fields` (Python names) of the strawberry type `cls`, before
    `create_schema`. An unknown field name is an error, so a renamed field is never left open."""
    definition = cls.__strawberry_definition__
    by_name = {f.python_name: f for f in definition.fields}
    missing = [name for name in fields if name not in by_name]
    if missing:
        raise ValueError(f"{definition.name} has no field {', '.join(missing)} to protect")
    for name in fields:
        directives = list(by_name[name].directives)
        if authenticated:
            directives.append(Authenticated())
        if scopes:
            directives.append(RequiresScopes(scopes=[list(s) for s in scopes]))
        if policy:
            directives.append(Policy(policies=[list(p) for p in policy]))
        by_name[name].directives = directives
