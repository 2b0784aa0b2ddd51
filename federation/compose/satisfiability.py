"""The satisfiability check: every field a client can select must be reachable.

A client query starts at a root type and selects fields; the gateway must find, for every
selection, a subgraph that resolves it, starting in a subgraph that resolves the root field and
moving between subgraphs only through resolvable `@key`s whose fields the current subgraph can
give. This walks every (subgraph, type) state the API schema lets a client reach and reports each
field no subgraph reachable from there resolves, with an example query, the way Apollo's
composition does (`SATISFIABILITY_ERROR`). A query path may be served by several subgraph states
(the gateway picks one); a field fails only when none of them can resolve it.

It accounts for keys (transitively, `resolvable: false` excluded), root types (reachable from any
subgraph), `@provides`, `@external`, `@override`, `@interfaceObject` and abstract types. The
top-level fields a `@requires` needs must be resolvable in a subgraph reachable from the
requiring one; nested required selections are not planned precisely.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from federation.compose.merge import Problem, type_str
from federation.compose.model import MergedType, Supergraph
from federation.compose.subgraph import SubgraphSchema, TypeDef, field_set_targets, named_type


@dataclass(frozen=True)
class _State:
    subgraph: int
    type_name: str
    provided: frozenset[str]


@dataclass(frozen=True)
class _Step:
    field: str | None  # None for a type condition
    type_condition: str | None = None


class _Checker:
    def __init__(self, subgraphs: list[SubgraphSchema], supergraph: Supergraph) -> None:
        self.subgraphs = subgraphs
        self.types = supergraph.types
        self.roots = supergraph.roots
        self.problems: list[Problem] = []
        self.reported: set[tuple[str, str]] = set()
        self.reach_cache: dict[tuple[int, str], list[int]] = {}
        self.resolve_cache: dict[tuple[_State, str], set[_State]] = {}
        self.overridden: set[tuple[str, str, str]] | None = None
        self.labeled: set[tuple[str, str, str]] | None = None

    # --- API schema ------------------------------------------------------------------------
    def inaccessible(self, directives: list[str]) -> bool:
        return any(d == "@inaccessible" or d.startswith("@inaccessible(") for d in directives)

    def api_fields(self, merged: MergedType) -> list[str]:
        return [
            name
            for name, f in merged.fields.items()
            if not self.inaccessible(f.directives) and not name.startswith("__")
        ]

    def possible_types(self, type_name: str) -> list[str]:
        merged = self.types.get(type_name)
        if merged is None:
            return []
        if merged.kind == "object":
            return [type_name]
        if merged.kind == "union":
            return [m for m in merged.members if m in self.types]
        return [t.name for t in self.types.values() if t.kind == "object" and type_name in t.interfaces]

    # --- moving between subgraphs ------------------------------------------------------------
    def _fields_available(self, idx: int, type_name: str, fields: str) -> bool:
        subgraph = self.subgraphs[idx]
        try:
            targets = field_set_targets(subgraph, type_name, fields, strict=True)
        except (ValueError, KeyError):
            return False
        for parent, name in targets:
            parent_type = subgraph.types[parent]
            if subgraph.is_fully_external(parent_type, parent_type.fields[name]) or self._overridden_away(
                idx, parent, name
            ):
                return False
        return True

    def key_holders(self, type_name: str) -> list[tuple[int, str]]:
        """(subgraph, key fields) for each resolvable key on the type or on an @interfaceObject of it."""
        holders: list[tuple[int, str]] = []
        for idx, subgraph in enumerate(self.subgraphs):
            type_def = subgraph.types.get(type_name)
            if type_def is not None:
                holders += [(idx, k.fields) for k in subgraph.keys(type_def) if k.resolvable]
        return holders

    def reach(self, start: int, type_name: str) -> list[int]:
        """Subgraphs the gateway can reach for an entity of this type, starting in `start`."""
        cached = self.reach_cache.get((start, type_name))
        if cached is not None:
            return cached
        if type_name in self.roots.values():
            # A root type is reachable in every subgraph that has it: the gateway can always start
            # a new fetch there, no key needed.
            reached = [start] + [i for i, s in enumerate(self.subgraphs) if type_name in s.types and i != start]
            self.reach_cache[(start, type_name)] = reached
            return reached
        reached = [start]
        queue = deque([start])
        holders = self.key_holders(type_name)
        while queue:
            current = queue.popleft()
            for target, fields in holders:
                if target not in reached and self._fields_available(current, type_name, fields):
                    reached.append(target)
                    queue.append(target)
        self.reach_cache[(start, type_name)] = reached
        return reached

    def interface_object_reach(self, start: int, type_name: str) -> list[tuple[int, str]]:
        """(subgraph, interface) pairs reachable through @interfaceObject keys of the type's interfaces."""
        found: list[tuple[int, str]] = []
        merged = self.types.get(type_name)
        if merged is None:
            return found
        for interface in merged.interfaces:
            for idx, subgraph in enumerate(self.subgraphs):
                itf = subgraph.types.get(interface)
                if itf is None or not subgraph.is_interface_object(itf):
                    continue
                for key in subgraph.keys(itf):
                    if key.resolvable and any(
                        self._fields_available(s, type_name, key.fields) for s in self.reach(start, type_name)
                    ):
                        found.append((idx, interface))
                        break
        return found

    # --- resolving fields -----------------------------------------------------------------
    def resolves(self, idx: int, type_def: TypeDef, field_name: str, provided: frozenset[str], here: bool) -> bool:
        subgraph = self.subgraphs[idx]
        field_def = type_def.fields.get(field_name)
        if field_def is None:
            return False
        if subgraph.is_external(type_def, field_def) and not (here and field_name in provided):
            return False
        return not self._overridden_away(idx, type_def.name, field_name)

    def _overridden_away(self, idx: int, type_name: str, field_name: str) -> bool:
        if self.overridden is None:
            # (subgraph, type, field) that another subgraph took over entirely (@override without label)
            self.overridden = set()
            for other in self.subgraphs:
                for other_type in other.types.values():
                    for other_field in other_type.fields.values():
                        override = other.override_from(other_field)
                        if override is not None and override.string_arg("label") is None:
                            self.overridden.add((override.string_arg("from") or "", other_type.name, other_field.name))
        return (self.subgraphs[idx].name, type_name, field_name) in self.overridden

    def requires_satisfied(self, idx: int, type_name: str, field_name: str) -> bool:
        subgraph = self.subgraphs[idx]
        field_def = subgraph.types[type_name].fields[field_name]
        requires = subgraph.field_set(field_def, "requires")
        if requires is None:
            return True
        try:
            targets = field_set_targets(subgraph, type_name, requires)
        except ValueError:
            return False
        for parent, name in targets:
            if parent != type_name:
                continue
            # The gateway gathers required fields starting from the requiring subgraph; a field in
            # progressive override (@override with a label) may move at any time, so, as in
            # Apollo's composition, neither side of it counts for a @requires.
            if not any(
                name in self.subgraphs[c].types.get(type_name, TypeDef("", "object")).fields
                and self.resolves(c, self.subgraphs[c].types[type_name], name, frozenset(), False)
                and (self.subgraphs[c].name, type_name, name) not in self._labeled_overrides()
                for c in self.reach(idx, type_name)
            ):
                return False
        return True

    def _labeled_overrides(self) -> set[tuple[str, str, str]]:
        """(subgraph, type, field) on either side of an @override with a label."""
        if self.labeled is None:
            self.labeled = set()
            for other in self.subgraphs:
                for other_type in other.types.values():
                    for other_field in other_type.fields.values():
                        override = other.override_from(other_field)
                        if override is not None and override.string_arg("label") is not None:
                            self.labeled.add((other.name, other_type.name, other_field.name))
                            self.labeled.add((override.string_arg("from") or "", other_type.name, other_field.name))
        return self.labeled

    # --- the walk -------------------------------------------------------------------------
    # A client's query path can be served by any of several subgraph states (the gateway picks
    # one); a field is unsatisfiable on a path only when no state of that path can resolve it.
    def run(self) -> list[Problem]:
        for root in self.roots.values():
            if root not in self.types:
                continue
            states = frozenset(_State(i, root, frozenset()) for i, s in enumerate(self.subgraphs) if root in s.types)
            self.walk(root, states)
        return self.problems

    def provided(self, idx: int, field_def: object) -> frozenset[str]:
        provides = self.subgraphs[idx].field_set(field_def, "provides")  # type: ignore[arg-type]
        if provides is None:
            return frozenset()
        target = named_type(field_def.type)  # type: ignore[attr-defined]
        try:
            return frozenset(f"{p}.{n}" for p, n in field_set_targets(self.subgraphs[idx], target, provides))
        except ValueError:
            return frozenset()

    def walk(self, root: str, start: frozenset[_State]) -> None:
        seen: set[tuple[str, frozenset[_State]]] = set()
        queue: deque[tuple[str, frozenset[_State], list[_Step]]] = deque([(root, start, [])])
        while queue:
            type_name, states, path = queue.popleft()
            if (type_name, states) in seen or len(path) > 24:
                continue
            seen.add((type_name, states))
            merged = self.types.get(type_name)
            if merged is None or merged.kind not in ("object", "interface", "union"):
                continue
            if merged.kind != "object":
                for possible in self.possible_types(type_name):
                    if self.inaccessible(self.types[possible].directives):
                        continue
                    narrowed = frozenset(
                        _State(s.subgraph, possible, s.provided)
                        for s in states
                        if self._can_return(s.subgraph, type_name, possible)
                    )
                    narrowed |= self.through_interface_object(states, type_name, possible)
                    if narrowed:
                        queue.append((possible, narrowed, [*path, _Step(None, possible)]))
                interface_objects = frozenset(s for s in states if self._is_interface_object(s.subgraph, type_name))
                if merged.kind == "union" or not interface_objects:
                    # Interface fields are checked on each implementation the subgraphs can return.
                    continue
                states = interface_objects
            for field_name in self.api_fields(merged):
                next_states: set[_State] = set()
                for state in states:
                    next_states |= self.resolve_field(state, field_name)
                step_path = [*path, _Step(field_name)]
                if not next_states:
                    self.report(type_name, field_name, path, sorted({s.subgraph for s in states}))
                    continue
                field_type = named_type(merged.fields[field_name].type)
                if not self.runtime_types_intersect(type_name, field_name, field_type, next_states, step_path):
                    continue
                queue.append((field_type, frozenset(next_states), step_path))

    def runtime_types_intersect(
        self, parent: str, field_name: str, field_type: str, states: set[_State], path: list[_Step]
    ) -> bool:
        """A field several subgraphs resolve, returning an abstract type, must be able to return a
        common concrete type in all of them (SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES otherwise)."""
        merged = self.types.get(field_type)
        # Only subgraphs where the type is abstract too (not an @interfaceObject) take part.
        subgraphs = sorted(
            {
                s.subgraph
                for s in states
                if self.subgraphs[s.subgraph].types.get(field_type, TypeDef("", "object")).kind
                in ("interface", "union")
            }
        )
        if merged is None or merged.kind not in ("interface", "union") or len(subgraphs) < 2:
            return True
        everywhere = sorted(self.possible_types(field_type))
        intersection = list(everywhere)
        per_subgraph: dict[str, list[str]] = {}
        all_empty = True
        for idx in subgraphs:
            own = sorted(t for t in self.subgraphs[idx].types if self._can_return(idx, field_type, t))
            if len(own) == 1 and own[0] not in everywhere:
                continue
            if own:
                all_empty = False
            described = ("types " if len(own) > 1 else "type ") + _join(own) if own else "no runtime type is defined"
            per_subgraph.setdefault(described, []).append(self.subgraphs[idx].name)
            intersection = [t for t in intersection if t in own]
        if all_empty or intersection:
            return True
        lines = "\n".join(f" - in {_subgraph_names(names)}, {described}" for described, names in per_subgraph.items())
        field_type_text = type_str(self.types[parent].fields[field_name].type)
        self.problems.append(
            Problem(
                "SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES",
                f"For the following supergraph API query:\n{_print_query(path)}\nShared field "
                f'"{parent}.{field_name}" return type "{field_type_text}" has a non-intersecting set of possible '
                f"runtime types across subgraphs. Runtime types in subgraphs are:\n{lines};\nThis is not allowed "
                "as shared fields must resolve the same way in all subgraphs, and that implies at least some common "
                "runtime types between the subgraphs.",
            )
        )
        return False

    def _can_return(self, idx: int, abstract: str, possible: str) -> bool:
        """Whether the subgraph knows `possible` as a member/implementation of `abstract`."""
        types = self.subgraphs[idx].types
        own, candidate = types.get(abstract), types.get(possible)
        if own is None or candidate is None:
            return False
        return possible in own.members if own.kind == "union" else abstract in candidate.interfaces

    def _is_interface_object(self, idx: int, type_name: str) -> bool:
        own = self.subgraphs[idx].types.get(type_name)
        return own is not None and self.subgraphs[idx].is_interface_object(own)

    def through_interface_object(self, states: frozenset[_State], interface: str, possible: str) -> frozenset[_State]:
        """From a subgraph that only knows the interface as an @interfaceObject, the gateway finds
        the concrete type through the interface's key in a subgraph that has the implementations."""
        found: set[_State] = set()
        for state in states:
            if not self._is_interface_object(state.subgraph, interface):
                continue
            for idx in self.reach(state.subgraph, interface):
                if possible in self.subgraphs[idx].types:
                    found.add(_State(idx, possible, frozenset()))
        return frozenset(found)

    def resolve_field(self, state: _State, field_name: str) -> set[_State]:
        cached = self.resolve_cache.get((state, field_name))
        if cached is None:
            cached = self.resolve_cache[(state, field_name)] = self._resolve_field(state, field_name)
        return cached

    def _resolve_field(self, state: _State, field_name: str) -> set[_State]:
        type_name = state.type_name
        provided = frozenset(p.split(".", 1)[1] for p in state.provided if p.split(".", 1)[0] == type_name)
        candidates = self.reach(state.subgraph, type_name)
        results: set[_State] = set()
        for idx in candidates:
            type_def = self.subgraphs[idx].types.get(type_name)
            if type_def is None:
                continue
            if self.resolves(idx, type_def, field_name, provided, idx == state.subgraph) and self.requires_satisfied(
                idx, type_name, field_name
            ):
                field_def = type_def.fields[field_name]
                nested = self.provided(idx, field_def)
                if idx == state.subgraph:
                    nested |= frozenset(p for p in state.provided if p.split(".", 1)[0] != type_name)
                results.add(_State(idx, named_type(field_def.type), nested))
        for idx, interface in self.interface_object_reach(state.subgraph, type_name):
            itf = self.subgraphs[idx].types[interface]
            if self.resolves(idx, itf, field_name, frozenset(), False):
                results.add(_State(idx, named_type(itf.fields[field_name].type), frozenset()))
        return results

    def report(self, type_name: str, field_name: str, path: list[_Step], starts: list[int]) -> None:
        if (type_name, field_name) in self.reported:
            return
        self.reported.add((type_name, field_name))
        query = _print_query([*path, _Step(field_name)])
        reasons = []
        for start in starts:
            name = self.subgraphs[start].name
            lines = [f'- from subgraph "{name}":', f'  - cannot find field "{type_name}.{field_name}".']
            for idx, other in enumerate(self.subgraphs):
                other_type = other.types.get(type_name)
                if idx == start or other_type is None or field_name not in other_type.fields:
                    continue
                keys = other.keys(other_type)
                if not keys:
                    why = f'type "{type_name}" has no @key defined in subgraph "{other.name}"'
                elif not any(k.resolvable for k in keys):
                    why = (
                        f'none of the @key defined on type "{type_name}" in subgraph "{other.name}" are '
                        'resolvable (they are all declared with their "resolvable" argument set to false)'
                    )
                else:
                    why = (
                        f'none of the @key defined on type "{type_name}" in subgraph "{other.name}" can be '
                        f'fetched from subgraph "{name}"'
                    )
                lines.append(
                    f'  - cannot move to subgraph "{other.name}", which has field '
                    f'"{type_name}.{field_name}", because {why}.'
                )
            reasons += lines
        if not starts:
            reasons.append(f'- no subgraph resolves field "{type_name}.{field_name}".')
        self.problems.append(
            Problem(
                "SATISFIABILITY_ERROR",
                f"The following supergraph API query:\n{query}\ncannot be satisfied by the subgraphs because:\n"
                + "\n".join(reasons),
            )
        )


def _join(names: list[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _subgraph_names(names: list[str]) -> str:
    return ("subgraph " if len(names) == 1 else "subgraphs ") + _join(names)


def _print_query(steps: list[_Step]) -> str:
    lines = ["{"]
    depth = 1
    for step in steps:
        text = f"... on {step.type_condition}" if step.field is None else step.field
        if step is steps[-1]:
            lines.append("  " * depth + text)
        else:
            lines.append("  " * depth + text + " {")
            depth += 1
    for level in range(depth - 1, 0, -1):
        lines.append("  " * level + "}")
    lines.append("}")
    return "\n".join(lines)


def check_satisfiability(subgraphs: list[SubgraphSchema], supergraph: Supergraph) -> list[Problem]:
    """Problems (SATISFIABILITY_ERROR) for fields clients can select but no subgraph can reach."""
    return _Checker(subgraphs, supergraph).run()
