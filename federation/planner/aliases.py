"""Valid subgraph operations when one response key has two types in a subgraph.

GraphQL validation (FieldsInSetCanMerge, spec section 5.3.2) lets fields of one response
key in fragments on different object types differ in arguments but not in *shape*: `id: ID!`
on `User` and `id: ID` on `Admin` cannot both be selected as `id` in one selection set. The
client may do it in the gateway's schema (where both are `ID`), but the subgraph's own
types (`@join__field(type:)`) may differ. The planner then sends the field under an alias
(`id__alias_0: id`, as Apollo does) and the executor renames it back (`Rename`) before the
answer is merged, so nothing downstream sees the alias.

The fields validation merges are those of one selection set and its fragments, and, below
them, the sub-selections of same-key fields taken together; within those, a field whose
shape differs from the first one's is aliased, with one alias per (key, shape).
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
    has another shape among the fields validation merges with it. Returns how to rename the
    answer back, or None when nothing needed an alias."""
    aliased: dict[int, str] = {}  # id of a SubField -> its alias
    _find(supergraph, graph, [(selection, parent_type)], aliased, {})
    if not aliased:
        return None
    return _rewrite(supergraph, graph, selection, parent_type, aliased)


def _merged_fields(
    selections: list[tuple[SubSelection, str]],
) -> dict[str, list[tuple[SubField, str]]]:
    """The fields validation merges (FieldsInSetCanMerge), by response key: those of the
    selection sets and of their fragments, each with its parent type."""
    result: dict[str, list[tuple[SubField, str]]] = {}
    stack = list(selections)
    while stack:
        selection, parent_type = stack.pop(0)
        for key, f in selection.fields.items():
            result.setdefault(key, []).append((f, parent_type))
        stack.extend((sub, condition) for condition, sub in selection.fragments.items())
    return result


def _find(
    supergraph: Supergraph,
    graph: str,
    selections: list[tuple[SubSelection, str]],
    aliased: dict[int, str],
    names: dict[tuple[str, str], str],
) -> None:
    for key, fields in _merged_fields(selections).items():
        first: str | None = None
        below: list[tuple[SubSelection, str]] = []
        for f, parent_type in fields:
            typed = _field_type(supergraph, graph, parent_type, f)
            if typed is None:
                continue
            if first is None:
                first = typed[0]
            elif typed[0] != first:
                aliased[id(f)] = names.get((key, typed[0])) or names.setdefault(
                    (key, typed[0]), f"{key}__alias_{len(names)}"
                )
                if f.selection is not None:
                    _find(supergraph, graph, [(f.selection, typed[1])], aliased, names)
                continue
            if f.selection is not None:
                below.append((f.selection, typed[1]))
        if below:
            _find(supergraph, graph, below, aliased, names)


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


def _rewrite(
    supergraph: Supergraph, graph: str, selection: SubSelection, parent_type: str, aliased: dict[int, str]
) -> Rename | None:
    rename = Rename()
    fields: dict[str, SubField] = {}
    for key, f in selection.fields.items():
        below = None
        if f.selection is not None:
            typed = _field_type(supergraph, graph, parent_type, f)
            named = typed[1] if typed is not None else parent_type
            below = _rewrite(supergraph, graph, f.selection, named, aliased)
        fetched = aliased.get(id(f), key)
        if fetched != key:
            f.alias = fetched
        fields[fetched] = f
        if fetched != key or below is not None:
            rename.fields[fetched] = (key, below)
    selection.fields = fields
    for condition, sub in selection.fragments.items():
        below = _rewrite(supergraph, graph, sub, condition, aliased)
        if below is not None:
            rename.fragments[condition] = below
    return rename if rename.fields or rename.fragments else None
