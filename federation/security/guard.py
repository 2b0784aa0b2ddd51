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

from graphql import GraphQLObjectType, GraphQLSchema, get_named_type, is_abstract_type, is_leaf_type

from federation.executor.shape import LinkedPath, path_list
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


@dataclass(slots=True)
class _Step:
    """One response key of a selection on one runtime type, compiled once per plan."""

    key: str
    coordinate: str
    personal: bool
    requirement: Requirement | None  # held only through entity policies
    entity_fields: tuple[str, ...]  # what the requirement's entity policies read of the object
    children: list[Selection] | None  # None: a leaf, or nothing personal below
    child_type: str
    child_abstract: bool  # its objects' steps depend on their __typename
    # The personal coordinates below, when nothing below is decided per object or names a
    # data subject (no entity policy, no `nik`, no abstract type): once the response has
    # recorded them all, the rest of such subtrees need no walk.
    closed: frozenset[str] | None
    child_steps: list[_Step] | None = None  # a concrete child type's steps, once compiled


@dataclass
class Guard:
    personal: frozenset[str]  # personal coordinates the operation may read
    conditional: dict[int, Requirement]  # id(FieldSelection) → requirement held only via entity policies
    # (id(selections), static type, runtime type) → its steps: the walk over a response is then
    # a few dict lookups per field (the benchmark query's answer has 337 objects).
    _steps: dict[tuple[int, str, str], list[_Step]] = field(default_factory=dict)

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
            _Inspection(self, schema, operation, principal, policies, errors, returned).walk(
                operation.root_type.name, operation.selections, data, None
            )
        return returned

    def steps(self, schema: GraphQLSchema, operation: Operation, policies: PolicyRegistry, static: str,
              selections: list[Selection], runtime: str) -> list[_Step]:
        cache_key = (id(selections), static, runtime)
        found = self._steps.get(cache_key)
        if found is not None:
            return found
        found = []
        for key, fields in operation.collect_fields(selections, runtime, schema).items():
            f = fields[0]
            if f.hidden or f.denied or f.name.startswith("__"):
                continue
            requirement = next((self.conditional[id(x)] for x in fields if id(x) in self.conditional), None)
            personal = f"{runtime}.{f.name}" in self.personal or f"{static}.{f.name}" in self.personal
            children: list[Selection] | None = None
            if any(x.selections for x in fields):
                merged = [s for x in fields for s in x.selections or ()]
                children = merged if self._matters(merged) else None
            if not (personal or requirement is not None or children is not None):
                continue  # nothing to decide or record here, nor below
            entity_fields: tuple[str, ...] = ()
            if requirement is not None:
                names = {n for alternative in requirement.policies for n in alternative}
                entity_fields = tuple(sorted({x for n in names if n in policies.entities
                                              for x in policies.entities[n].fields}))
            child = schema.get_type(f.type_name)
            closed = self._closed(schema, f.type_name, children) if children is not None else None
            found.append(_Step(key, f"{runtime}.{f.name}", personal, requirement, entity_fields, children,
                               f.type_name, child is not None and is_abstract_type(child), closed))
        self._steps[cache_key] = found
        return found

    def _closed(self, schema: GraphQLSchema, parent: str, selections: list[Selection]) -> frozenset[str] | None:
        """`_Step.closed` of a sub-selection on `parent`, or None when it is not closed."""
        found: set[str] = set()

        def walk(parent: str, sels: list[Selection]) -> bool:
            parent_type = schema.get_type(parent)
            if not isinstance(parent_type, GraphQLObjectType) or SUBJECT_FIELD in parent_type.fields:
                return False
            for sel in sels:
                if isinstance(sel, FragmentSelection):
                    if sel.denied:
                        continue
                    if sel.type_condition != parent or not walk(parent, sel.selections):
                        return False
                    continue
                if sel.denied or sel.hidden:
                    continue
                if id(sel) in self.conditional:
                    return False
                if f"{parent}.{sel.name}" in self.personal:
                    found.add(f"{parent}.{sel.name}")
                if sel.selections and not walk(sel.type_name, sel.selections):
                    return False
            return True

        return frozenset(found) if walk(parent, selections) else None

    def _matters(self, selections: list[Selection]) -> bool:
        """Whether a sub-selection holds, at any depth, a personal or entity-policy field (by
        name, whatever the runtime type: an over-approximation, never a miss). Decided once per
        compiled step."""
        names = {c.rsplit(".", 1)[1] for c in self.personal}

        def walk(sels: list[Selection]) -> bool:
            for sel in sels:
                if isinstance(sel, FragmentSelection):
                    if walk(sel.selections):
                        return True
                elif sel.name in names or id(sel) in self.conditional or (sel.selections and walk(sel.selections)):
                    return True
            return False

        return walk(selections)


@dataclass
class _Inspection:
    """One walk over one response."""

    guard: Guard
    schema: GraphQLSchema
    operation: Operation
    principal: Principal
    policies: PolicyRegistry
    errors: list[dict[str, Any]]
    returned: Returned
    # (id of a requirement, the values its policies read) → allowed: a policy decides from the
    # principal and the fields it names, so one author of 20 reviews is decided once, not 20
    # times. The id, not the requirement: the plan holds it while the walk runs, and hashing
    # the frozen requirement cost more than deciding.
    _decided: dict[tuple[int, tuple[Any, ...]], bool] = field(default_factory=dict)

    def walk(self, static: str, selections: list[Selection], obj: Any, path: LinkedPath) -> None:
        if isinstance(obj, dict):
            self._object(self._steps_of(static, selections, obj), obj, path)

    def _steps_of(self, static: str, selections: list[Selection], obj: dict[str, Any]) -> list[_Step]:
        typename = obj.get("__typename")
        runtime = typename if isinstance(typename, str) else static
        return self.guard.steps(self.schema, self.operation, self.policies, static, selections, runtime)

    def _object(self, steps: list[_Step], obj: dict[str, Any], path: LinkedPath) -> None:
        # `path` is linked, (parent, segment): a list is made only for an error's path.
        personal_here = False
        for step in steps:
            key = step.key
            if step.requirement is not None and key in obj and not self._allows(step, obj):
                obj[key] = None
                self.errors.append(unauthorized_error(path_list((path, key))))
                self.returned.refused += 1
                continue
            value = obj.get(key)
            if value is None:
                continue
            if step.personal:
                self.returned.coordinates.add(step.coordinate)
                personal_here = True
            children = step.children
            if children is None or (step.closed is not None and step.closed <= self.returned.coordinates):
                continue
            items = enumerate(value) if isinstance(value, list) else ((None, value),)
            for i, item in items:
                if not isinstance(item, dict):
                    continue
                if step.child_abstract:
                    child_steps = self._steps_of(step.child_type, children, item)
                elif step.child_steps is not None:
                    child_steps = step.child_steps
                else:
                    child_steps = step.child_steps = self.guard.steps(
                        self.schema, self.operation, self.policies, step.child_type, children, step.child_type
                    )
                self._object(child_steps, item, (path, key) if i is None else ((path, key), i))
        if personal_here:
            nik = obj.get(HIDDEN_PREFIX + SUBJECT_FIELD, obj.get(SUBJECT_FIELD))
            if isinstance(nik, str):
                self.returned.niks.add(nik)

    def _allows(self, step: _Step, obj: dict[str, Any]) -> bool:
        assert step.requirement is not None
        values = tuple([obj.get(HIDDEN_PREFIX + f, obj.get(f)) for f in step.entity_fields])
        try:
            key = (id(step.requirement), values)
            found = self._decided.get(key)
        except TypeError:  # a value that cannot be a key (a list the client selected): decided each time
            key, found = None, None
        if found is None:
            entity = dict(zip(step.entity_fields, values, strict=True))
            found = _entity_allows(step.requirement, self.principal, self.policies, entity)
            if key is not None:
                self._decided[key] = found
        return found


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
            _add_hidden(schema, access, parent, selections, wanted)

    walk(operation.root_type.name, operation.selections)
    return Guard(frozenset(personal), held)


def _add_hidden(
    schema: GraphQLSchema, access: AccessRules, parent: str, selections: list[Selection], wanted: set[str]
) -> None:
    parent_type = schema.get_type(parent)
    if not isinstance(parent_type, GraphQLObjectType):
        return
    present = {s.response_key for s in selections if isinstance(s, FieldSelection)}
    # A field the client selected as itself is read from its own key (the walk falls back to
    # it): asking the subgraph for it twice would cost every request a field per object. Not
    # a protected one: a policy may null it in the answer before the others are decided.
    plain = {s.name for s in selections if isinstance(s, FieldSelection) and s.response_key == s.name
             and not s.arguments and not s.denied and not s.hidden
             and f"{parent}.{s.name}" not in access.requirements and s.type_name not in access.requirements}
    for name in sorted(wanted):
        field_def = parent_type.fields.get(name)
        key = HIDDEN_PREFIX + name
        if field_def is None or key in present or name in plain or not is_leaf_type(get_named_type(field_def.type)):
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
