"""Personal data in one operation: which fields it reads, whose data it returns, and the
per-entity policies (`self`) the gateway decides on each object before answering.

A field is *personal* when the supergraph protects it (`@authenticated`, `@requiresScopes`,
`@policy` on it or on the type it returns). For each plan (one per what-the-principal-may-read)
a `Guard` is built once: the personal fields the operation may read, and the fields allowed
only through an entity policy. It adds, hidden from the client, the entity fields those
policies and the trail need (`nik`) to the operation before it is planned. After the fetches,
`inspect` walks the response tree once: nulls each field an entity policy refuses (with an
`UNAUTHORIZED_FIELD_OR_TYPE` error at its path) and collects the personal coordinates and the
NIKs actually returned, for the access trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, get_named_type, is_leaf_type

from federation.planner.operation import FieldSelection, FragmentSelection, Operation, Selection
from federation.security.authorization import AccessRules, Principal, Requirement, unauthorized_error
from federation.security.policies import PolicyRegistry

HIDDEN_PREFIX = "_splp_"
SUBJECT_FIELD = "nik"  # whose data an object is, for the trail


@dataclass
class Returned:
    """What one response carried of personal data."""

    coordinates: set[str] = field(default_factory=set)
    niks: set[str] = field(default_factory=set)
    refused: int = 0  # entity-policy refusals


@dataclass
class Guard:
    personal: frozenset[str]  # personal coordinates the operation may read
    conditional: dict[int, Requirement]  # id(FieldSelection) → requirement held only via entity policies

    @property
    def active(self) -> bool:
        return bool(self.personal or self.conditional)

    def inspect(
        self,
        schema: GraphQLSchema,
        operation: Operation,
        data: dict[str, Any],
        principal: Principal,
        policies: PolicyRegistry,
        errors: list[dict[str, Any]],
    ) -> Returned:
        returned = Returned()
        if self.active:
            self._walk(
                schema,
                operation,
                operation.root_type.name,
                operation.selections,
                data,
                [],
                principal,
                policies,
                errors,
                returned,
            )
        return returned

    def _walk(
        self,
        schema: GraphQLSchema,
        operation: Operation,
        static: str,
        selections: list[Selection],
        obj: Any,
        path: list[str | int],
        principal: Principal,
        policies: PolicyRegistry,
        errors: list[dict[str, Any]],
        returned: Returned,
    ) -> None:
        if not isinstance(obj, dict):
            return
        typename = obj.get("__typename")
        runtime = typename if isinstance(typename, str) else static
        entity: dict[str, Any] | None = None
        personal_here = False
        for key, fields in operation.collect_fields(selections, runtime, schema).items():
            f = fields[0]
            if f.hidden or f.denied or f.name.startswith("__"):
                continue
            coordinate = f"{runtime}.{f.name}"
            requirement = next((self.conditional[id(x)] for x in fields if id(x) in self.conditional), None)
            if requirement is not None and key in obj:
                if entity is None:
                    entity = _entity(obj)
                if not _entity_allows(requirement, principal, policies, entity):
                    obj[key] = None
                    errors.append(unauthorized_error([*path, key]))
                    returned.refused += 1
                    continue
            value = obj.get(key)
            if value is None:
                continue
            if coordinate in self.personal or f"{static}.{f.name}" in self.personal:
                returned.coordinates.add(coordinate)
                personal_here = True
            children = [s for x in fields for s in x.selections or ()]
            if children:
                if isinstance(value, list):
                    for i, item in enumerate(value):
                        self._walk(
                            schema,
                            operation,
                            f.type_name,
                            children,
                            item,
                            [*path, key, i],
                            principal,
                            policies,
                            errors,
                            returned,
                        )
                else:
                    self._walk(
                        schema,
                        operation,
                        f.type_name,
                        children,
                        value,
                        [*path, key],
                        principal,
                        policies,
                        errors,
                        returned,
                    )
        if personal_here:
            nik = obj.get(HIDDEN_PREFIX + SUBJECT_FIELD, obj.get(SUBJECT_FIELD))
            if isinstance(nik, str):
                returned.niks.add(nik)


def _entity(obj: dict[str, Any]) -> dict[str, Any]:
    entity = {k: v for k, v in obj.items() if not isinstance(v, dict | list)}
    for k, v in obj.items():
        if k.startswith(HIDDEN_PREFIX):
            entity[k[len(HIDDEN_PREFIX) :]] = v
    return entity


def _entity_allows(
    requirement: Requirement, principal: Principal, policies: PolicyRegistry, entity: dict[str, Any]
) -> bool:
    for alternative in requirement.policies:
        entity_names = alternative - principal.policies
        if all(name in policies.entities and policies.entity_allows(name, principal, entity) for name in entity_names):
            return True
    return False


def build_guard(
    schema: GraphQLSchema,
    access: AccessRules,
    operation: Operation,
    conditional: frozenset[int],
    policies: PolicyRegistry,
) -> Guard:
    """The guard of one normalized, marked operation; adds the hidden entity fields it needs."""
    personal: set[str] = set()
    held: dict[int, Requirement] = {}
    wanted = {SUBJECT_FIELD, *(f for rule in policies.entities.values() for f in rule.fields)}

    def walk(parent: str, selections: list[Selection]) -> None:
        needs_entity = False
        for sel in selections:
            if isinstance(sel, FragmentSelection):
                if not sel.denied:
                    walk(sel.type_condition, sel.selections)
                continue
            if sel.denied or sel.hidden or sel.name.startswith("__"):
                continue
            coordinate = f"{parent}.{sel.name}"
            for requirement in (access.requirements.get(coordinate), access.requirements.get(sel.type_name)):
                if requirement is None:
                    continue
                personal.add(coordinate)
                needs_entity = True
                if access.index[requirement] in conditional:
                    held[id(sel)] = requirement if id(sel) not in held else held[id(sel)].and_(requirement)
            if sel.selections:
                walk(sel.type_name, sel.selections)
        if needs_entity:
            _add_hidden(schema, parent, selections, wanted)

    walk(operation.root_type.name, operation.selections)
    return Guard(frozenset(personal), held)


def _add_hidden(schema: GraphQLSchema, parent: str, selections: list[Selection], wanted: set[str]) -> None:
    parent_type = schema.get_type(parent)
    if not isinstance(parent_type, GraphQLObjectType):
        return
    present = {s.response_key for s in selections if isinstance(s, FieldSelection)}
    for name in sorted(wanted):
        field_def = parent_type.fields.get(name)
        key = HIDDEN_PREFIX + name
        if field_def is None or key in present or not is_leaf_type(get_named_type(field_def.type)):
            continue
        selections.append(
            FieldSelection(
                response_key=key,
                name=name,
                arguments=(),
                type=field_def.type,
                type_name=get_named_type(field_def.type).name,
                selections=None,
                hidden=True,
            )
        )
