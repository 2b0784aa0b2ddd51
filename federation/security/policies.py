"""Policies: named Python callables an operator registers, named by `@policy(policies: [[...]])`.

Two kinds:

- a *request* policy, `(principal) -> bool`, is decided once per request, when the request is
  authenticated; the principal then holds it (as Apollo Router's coprocessor grants policies);
- an *entity* policy, `(principal, entity) -> bool`, is decided by the gateway for each object
  it is about to return, with the entity's `fields` (its key, e.g. `nik`) fetched for it. A
  field whose `@policy` alternative needs an entity policy is fetched, then nulled with an
  `UNAUTHORIZED_FIELD_OR_TYPE` error at its path for each entity the policy refuses.

`self` (built in): the token's NIK equals the entity's `nik` — a citizen reads their own record.

Register your own in a module given to the gateway with `--policy-module`:

    from federation.security.policies import PolicyRegistry

    def register(policies: PolicyRegistry) -> None:
        policies.request("petugas_dinkes", lambda p: p.role == "operator" and p.opd == "kesehatan")
        policies.entity("satu_kecamatan", lambda p, e: e.get("kodeKecamatan") == p.opd,
                        fields=("kodeKecamatan",))
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from federation.security.authorization import Principal

RequestPolicy = Callable[[Principal], bool]
EntityPolicy = Callable[[Principal, Mapping[str, Any]], bool]


def _always(principal: Principal) -> bool:
    return True


SCOPE_PREFIX = "scope:"


@dataclass(frozen=True)
class EntityRule:
    check: EntityPolicy
    fields: tuple[str, ...]
    # Whether the principal can pass the policy on any entity at all: when not, fields it guards
    # are denied at planning and never fetched.
    possible: RequestPolicy = _always


def is_self(principal: Principal, entity: Mapping[str, Any]) -> bool:
    return principal.nik is not None and entity.get("nik") == principal.nik


def has_nik(principal: Principal) -> bool:
    return principal.nik is not None


class PolicyRegistry:
    def __init__(self) -> None:
        self.requests: dict[str, RequestPolicy] = {}
        self.entities: dict[str, EntityRule] = {"self": EntityRule(is_self, ("nik",), has_nik)}

    def request(self, name: str, check: RequestPolicy) -> None:
        self._free(name)
        self.requests[name] = check

    def entity(
        self, name: str, check: EntityPolicy, fields: tuple[str, ...] = ("nik",), possible: RequestPolicy = _always
    ) -> None:
        self._free(name)
        self.entities[name] = EntityRule(check, tuple(fields), possible)

    def possible(self, principal: Principal) -> frozenset[str]:
        """The entity policies `principal` might pass, decided per entity after the fetch."""
        if not principal.authenticated:
            return frozenset()
        return frozenset(name for name, rule in self.entities.items() if _safe(rule.possible, principal))

    def _free(self, name: str) -> None:
        if name.startswith(SCOPE_PREFIX):
            raise ValueError(f"policy names starting with {SCOPE_PREFIX!r} are the built-in scope policies")
        if name in self.requests or (name in self.entities and name != "self"):
            raise ValueError(f"a policy named {name!r} is already registered")
        self.entities.pop(name, None)

    def granted(self, principal: Principal) -> frozenset[str]:
        """The request policies `principal` meets. A policy that raises is not met (fail closed)."""
        found = {f"{SCOPE_PREFIX}{scope}" for scope in principal.scopes}
        for name, check in self.requests.items():
            try:
                if check(principal):
                    found.add(name)
            except Exception:
                continue
        return frozenset(found)

    def entity_allows(self, name: str, principal: Principal, entity: Mapping[str, Any]) -> bool:
        rule = self.entities.get(name)
        if rule is None:
            return False
        try:
            return bool(rule.check(principal, entity))
        except Exception:
            return False

    def load_module(self, module_name: str) -> None:
        """Import an operator's module and call its `register(policies)`."""
        module = importlib.import_module(module_name)
        register = getattr(module, "register", None)
        if not callable(register):
            raise ValueError(f"policy module {module_name!r} has no register(policies) function")
        register(self)


def _safe(check: RequestPolicy, principal: Principal) -> bool:
    try:
        return bool(check(principal))
    except Exception:
        return False
