"""Authorization directives of the supergraph: `@authenticated`, `@requiresScopes`, `@policy`.

A field is readable when the request's principal meets what the field and the type it
returns require. What a principal may not read is taken out of the plan (no subgraph is asked
for it) and answered null with an `UNAUTHORIZED_FIELD_OR_TYPE` error at its path, as Apollo
Router does; a fragment on a type the principal may not read is dropped.

`@requiresScopes(scopes: [["a", "b"], ["c"]])` reads: (a and b) or c. `@policy` likewise, with
the policies the authenticator granted. Several directives on one element must all hold.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the supergraph module imports this one
    from federation.planner.operation import Operation, Selection

UNAUTHORIZED_MESSAGE = "Unauthorized field or type"
UNAUTHORIZED_CODE = "UNAUTHORIZED_FIELD_OR_TYPE"


@dataclass(frozen=True)
class Requirement:
    authenticated: bool = False
    scopes: tuple[frozenset[str], ...] = ()  # any one set, all of its scopes
    policies: tuple[frozenset[str], ...] = ()

    def and_(self, other: Requirement) -> Requirement:
        return Requirement(
            self.authenticated or other.authenticated,
            _and_alternatives(self.scopes, other.scopes),
            _and_alternatives(self.policies, other.policies),
        )


def _and_alternatives(a: tuple[frozenset[str], ...], b: tuple[frozenset[str], ...]) -> tuple[frozenset[str], ...]:
    if not a:
        return b
    if not b:
        return a
    return tuple(x | y for x in a for y in b)


@dataclass(frozen=True)
class Principal:
    """Who is asking: what the authenticator established for one request.

    `client` is the registered client application the request came through; `role`, `opd`,
    `nik` and `name` are the person's claims (see `subgraphs.kit.principal`, the same identity
    as a subgraph receives it); `purpose` is the purpose the request stated (X-SPLP-Purpose)."""

    authenticated: bool = False
    scopes: frozenset[str] = frozenset()
    policies: frozenset[str] = frozenset()
    subject: str | None = None
    client: str | None = None
    role: str | None = None
    opd: str | None = None
    nik: str | None = None
    name: str | None = None
    purpose: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return not self.authenticated

    def meets(self, requirement: Requirement) -> bool:
        if requirement.authenticated and not self.authenticated:
            return False
        if requirement.scopes and not any(s <= self.scopes for s in requirement.scopes):
            return False
        return not requirement.policies or any(p <= self.policies for p in requirement.policies)


ANONYMOUS = Principal()


class AccessRules:
    """Requirements by schema element: `"Type"` or `"Type.field"`."""

    def __init__(self, requirements: dict[str, Requirement]) -> None:
        self.requirements = requirements
        # Distinct requirements, numbered: a principal's decision is which of them it meets,
        # and plans are cached by that decision, not by the principal.
        self.distinct = sorted(set(requirements.values()), key=repr)
        self.index = {r: i for i, r in enumerate(self.distinct)}
        # (authenticated, scopes, policies, tentative) → (decision, conditional): a handful of
        # distinct keys (one per kind of client and role) for every request of a city.
        self._decided: dict[tuple[bool, frozenset[str], frozenset[str], frozenset[str]],
                            tuple[frozenset[int], frozenset[int]]] = {}

    def __bool__(self) -> bool:
        return bool(self.requirements)

    def decide(
        self, principal: Principal, tentative: frozenset[str] = frozenset()
    ) -> tuple[frozenset[int], frozenset[int]]:
        """(decision, conditional): the requirements the principal meets, counting the entity
        policies in `tentative` as held (those are decided per entity after the fetch, in
        federation.security.guard), and which of them it meets only through such a policy.
        Remembered: both depend only on what the principal holds, not on who it is."""
        key = (principal.authenticated, principal.scopes, principal.policies, tentative)
        found = self._decided.get(key)
        if found is None:
            held = principal
            if tentative - principal.policies:
                held = dataclasses.replace(principal, policies=principal.policies | tentative)
            decision = frozenset(i for i, r in enumerate(self.distinct) if held.meets(r))
            found = (decision, frozenset(i for i in decision if not principal.meets(self.distinct[i])))
            if len(self._decided) >= 4096:  # bounded under scopes sent by the million
                self._decided.clear()
            self._decided[key] = found
        return found

    def allows(self, coordinate: str, decision: frozenset[int]) -> bool:
        requirement = self.requirements.get(coordinate)
        return requirement is None or self.index[requirement] in decision

    def mark_denied(self, operation: Operation, decision: frozenset[int]) -> None:
        """Mark, in this (per-decision) normalized operation, what the principal may not read."""
        self._mark(operation.root_type.name, operation.selections, decision)

    def _mark(self, parent: str, selections: list[Selection], decision: frozenset[int]) -> None:
        from federation.planner.operation import FieldSelection, FragmentSelection

        for sel in selections:
            if isinstance(sel, FragmentSelection):
                if not self.allows(sel.type_condition, decision):
                    sel.denied = True
                else:
                    self._mark(sel.type_condition, sel.selections, decision)
            elif isinstance(sel, FieldSelection):
                if sel.name.startswith("__"):
                    continue
                if not (self.allows(f"{parent}.{sel.name}", decision) and self.allows(sel.type_name, decision)):
                    sel.denied = True
                elif sel.selections:
                    self._mark(sel.type_name, sel.selections, decision)


def unauthorized_error(path: list[str | int]) -> dict[str, object]:
    return {"message": UNAUTHORIZED_MESSAGE, "path": path, "extensions": {"code": UNAUTHORIZED_CODE}}
