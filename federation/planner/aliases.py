"""Valid subgraph operations when one response key has two types in a subgraph.

GraphQL validation (FieldsInSetCanMerge, spec section 5.3.2) lets fields of one response
key in fragments on different object types differ in arguments but not in *shape*: `id: ID!`
on `User` and `id: ID` on `Admin` cannot both be selected as `id` in one selection set. The
client may do it in the gateway's schema (where both are `ID`), but the subgraph's own
types (`@join__field(type:)`) may differ. The planner then sends the field under an alias
(`id__alias_0: id`, as Apollo does) and the executor renames it back (`Rename`) before the
answer is merged, so nothing downstream sees the alias.

Every occurrence of a key whose type is not the first type seen for that key in the fetch
is aliased, at any depth: the subselections of same-key fields are merged by validation
too, so a decision per selection set would not be enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from federation.planner.plan import SubField, SubSelection
from federation.supergraph import Supergraph


@dataclass(eq=False)
class Rename:
    """How to undo the aliases of one selection set in a fetched value: by fetched key, the
    client-side key and the rename of the value below it; per type condition, the same."""

    fields: dict[str, tuple[str, Rename | None]] = field(default_factory=dict)
    fragments: dict[str, Rename] = field(default_factory=dict)

    def apply(self, value: object, supergraph: Supergraph) -> None:
        if isinstance(value, list):
            for item in value:
                self.apply(item, supergraph)
            return
        if not isinstance(value, dict):
            return
        for fetched, (original, below) in self.fields.items():
            if fetched not in value:
                continue
            item = value.pop(fetched) if fetched != original else value[fetched]
            if below is not None and item is not None:
                below.apply(item, supergraph)
            if fetched != original and original in value:
                # The same field was also selected under its own key (e.g. on the interface):
                # both answers are parts of one value.
                value[original] = _combine(value[original], item)
            else:
                value[original] = item
        typename = value.get("__typename")
        for condition, rename in self.fragments.items():
            if isinstance(typename, str) and supergraph.fragment_applies(condition, typename):
                rename.apply(value, supergraph)


def _combine(a: object, b: object) -> object:
    if isinstance(a, dict) and isinstance(b, dict):
        for key, item in b.items():
            a[key] = _combine(a[key], item) if key in a else item
        return a
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [_combine(x, y) for x, y in zip(a, b, strict=True)]
    return a if b is None else b


def alias_conflicts(supergraph: Supergraph, graph: str, selection: SubSelection, parent_type: str) -> Rename | None:
    """Alias the fields of `selection` (sent to `graph`, on `parent_type`) whose response key
    has another type elsewhere in it. Returns how to rename the answer back, or None when
    nothing needed an alias."""
    seen: dict[str, set[str]] = {}
    _collect(supergraph, graph, selection, parent_type, seen)
    conflicting = {key: types for key, types in seen.items() if len(types) > 1}
    if not conflicting:
        return None
    first: dict[str, str] = {}
    _first_types(supergraph, graph, selection, parent_type, first)
    aliases: dict[tuple[str, str], str] = {}
    return _rewrite(supergraph, graph, selection, parent_type, conflicting, first, aliases)


def _field_type(supergraph: Supergraph, graph: str, parent_type: str, f: SubField) -> tuple[str, str] | None:
    """The field's response shape in `graph` (its type as `graph` declares it, printed, with
    any composite named type as `{}`: SameResponseShape compares leaf types and wrappers
    only), and its named type."""
    sfield = supergraph.types.get(parent_type)
    definition = sfield.fields.get(f.name) if sfield is not None else None
    if definition is None:
        return None
    join = definition.joins.get(graph)
    if join is not None and join.type is not None:
        printed = join.type
    else:
        api_type = supergraph.api_schema.get_type(parent_type)
        api_field = getattr(api_type, "fields", {}).get(f.name) if api_type is not None else None
        if api_field is None:
            return None
        printed = str(api_field.type)
    named = printed.strip("[]!")
    named_type = supergraph.types.get(named)
    if named_type is not None and named_type.kind in ("object", "interface", "union"):
        printed = printed.replace(named, "{}")
    return printed, named


def _collect(
    supergraph: Supergraph, graph: str, selection: SubSelection, parent_type: str, seen: dict[str, set[str]]
) -> None:
    for key, f in selection.fields.items():
        typed = _field_type(supergraph, graph, parent_type, f)
        if typed is None:
            continue
        seen.setdefault(key, set()).add(typed[0])
        if f.selection is not None:
            _collect(supergraph, graph, f.selection, typed[1], seen)
    for condition, sub in selection.fragments.items():
        _collect(supergraph, graph, sub, condition, seen)


def _first_types(
    supergraph: Supergraph, graph: str, selection: SubSelection, parent_type: str, first: dict[str, str]
) -> None:
    for key, f in selection.fields.items():
        typed = _field_type(supergraph, graph, parent_type, f)
        if typed is None:
            continue
        first.setdefault(key, typed[0])
        if f.selection is not None:
            _first_types(supergraph, graph, f.selection, typed[1], first)
    for condition, sub in selection.fragments.items():
        _first_types(supergraph, graph, sub, condition, first)


def _rewrite(
    supergraph: Supergraph,
    graph: str,
    selection: SubSelection,
    parent_type: str,
    conflicting: dict[str, set[str]],
    first: dict[str, str],
    aliases: dict[tuple[str, str], str],
) -> Rename | None:
    rename = Rename()
    fields: dict[str, SubField] = {}
    for key, f in selection.fields.items():
        typed = _field_type(supergraph, graph, parent_type, f)
        below = None
        if typed is not None and f.selection is not None:
            below = _rewrite(supergraph, graph, f.selection, typed[1], conflicting, first, aliases)
        fetched = key
        if typed is not None and key in conflicting and typed[0] != first[key]:
            fetched = aliases.get((key, typed[0])) or aliases.setdefault(
                (key, typed[0]), f"{key}__alias_{len(aliases)}"
            )
            f.alias = fetched
        fields[fetched] = f
        if fetched != key or below is not None:
            rename.fields[fetched] = (key, below)
    selection.fields = fields
    for condition, sub in selection.fragments.items():
        below = _rewrite(supergraph, graph, sub, condition, conflicting, first, aliases)
        if below is not None:
            rename.fragments[condition] = below
    return rename if rename.fields or rename.fragments else None
