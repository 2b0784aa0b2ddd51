"""Query plan nodes: a small tree that can be printed, cached and tested by itself.

- `Fetch`: one operation sent to one subgraph. A root fetch writes into the response root;
  an entity fetch (`requires` set) reads representations from the objects at its `path`
  and writes the `_entities` results back into them.
- `BatchFetch`: several entity fetches to the same subgraph sent as one request, each
  `_entities` call under its own alias.
- `Sequence`: children one after the other; `Parallel`: children concurrently.

`Flatten` appears in the printed plan, as in Apollo's, around every entity fetch: it is the
fetch's `path`, kept on the fetch itself so that the executor needs no separate node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class SubField:
    name: str
    alias: str | None
    arguments: str  # printed, e.g. `(id: $id, first: 5)`, or ""
    selection: SubSelection | None
    # In a representation (`Fetch.requires`): the response key the value was fetched under.
    source_key: str | None = None

    @property
    def response_key(self) -> str:
        return self.alias or self.name


@dataclass(eq=False)
class SubSelection:
    """A selection set of a subgraph operation: fields by response key, then fragments."""

    fields: dict[str, SubField] = field(default_factory=dict)
    fragments: dict[str, SubSelection] = field(default_factory=dict)

    def add_field(self, name: str, alias: str | None, arguments: str, has_selection: bool) -> SubField:
        key = alias or name
        existing = self.fields.get(key)
        if existing is None:
            existing = SubField(name, alias, arguments, SubSelection() if has_selection else None)
            self.fields[key] = existing
        return existing

    def fragment(self, type_condition: str) -> SubSelection:
        found = self.fragments.get(type_condition)
        if found is None:
            found = self.fragments[type_condition] = SubSelection()
        return found

    def is_empty(self) -> bool:
        return not self.fields and all(f.is_empty() for f in self.fragments.values())

    def print(self, indent: str = "") -> str:
        """Print as `{ ... }` over several lines, fields in insertion order."""
        inner = indent + "  "
        lines = ["{"]
        for f in self.fields.values():
            head = f"{f.alias}: {f.name}" if f.alias else f.name
            head += f.arguments
            if f.selection is not None:
                lines.append(f"{inner}{head} {f.selection.print(inner)}")
            else:
                lines.append(inner + head)
        for condition, sub in self.fragments.items():
            if not sub.is_empty():
                lines.append(f"{inner}... on {condition} {sub.print(inner)}")
        lines.append(indent + "}")
        return "\n".join(lines)

    def compact(self) -> str:
        """Print on one line with single spaces: the form sent to subgraphs."""
        parts = []
        for f in self.fields.values():
            head = f"{f.alias}: {f.name}" if f.alias else f.name
            head += f.arguments
            parts.append(f"{head} {f.selection.compact()}" if f.selection is not None else head)
        for condition, sub in self.fragments.items():
            if not sub.is_empty():
                parts.append(f"... on {condition} {sub.compact()}")
        return "{" + " ".join(parts) + "}"


@dataclass(eq=False)
class ContextRead:
    """A contextual argument of an entity fetch (@fromContext): the variable `variable` of
    GraphQL type `type` takes what `selection` reads (response keys in `source_key`) on the
    ancestor found after the first `depth` segments of the fetch's path."""

    variable: str
    type: str
    depth: int
    ancestor_type: str
    selection: SubSelection


@dataclass(eq=False)
class ContextFetch:
    """What an entity fetch with contextual arguments needs to send objects whose contexts
    differ in one request: one `_entities` per distinct set of values, aliased `_0`, `_1`...,
    each with its own representations (`$r0`) and variables (`$contextualArgument_1_0_0`)."""

    reads: tuple[ContextRead, ...]
    name: str  # the operation name part, e.g. " Sapa__wilayah__1", or ""
    client_definitions: tuple[str, ...]  # printed definitions of the client variables it uses
    body: str  # `{... on Kelurahan {sapaan(bahasa: $contextualArgument_1_0)}}`
    operations: dict[int, str] = field(default_factory=dict)  # by number of distinct contexts

    def operation(self, count: int) -> str:
        found = self.operations.get(count)
        if found is None:
            names = "|".join(re.escape(r.variable) for r in self.reads)
            pattern = re.compile(rf"\$({names})\b")
            definitions = list(self.client_definitions)
            parts = []
            for i in range(count):
                definitions.append(f"$r{i}: [_Any!]!")
                definitions.extend(f"${r.variable}_{i}: {r.type}" for r in self.reads)
                body = pattern.sub(lambda m, i=i: f"${m.group(1)}_{i}", self.body)  # type: ignore[misc]
                parts.append(f"_{i}: _entities(representations: $r{i}) {body}")
            found = f"query{self.name}({', '.join(definitions)}) {{{' '.join(parts)}}}"
            self.operations[count] = found
        return found


@dataclass(eq=False)
class Fetch:
    service: str
    operation: str  # the full subgraph operation text
    variable_names: tuple[str, ...]  # client variables the operation uses
    selection: SubSelection
    # Entity fetches only:
    path: tuple[str, ...] = ()
    entity_type: str | None = None
    requires: SubSelection | None = None  # representation: __typename, key and @requires fields
    # The __typename sent in representations when the subgraph sees the entity through an
    # @interfaceObject (the interface's name) rather than the concrete type.
    representation_typename: str | None = None
    # Only objects of this type (an implementation of `entity_type`) are sent.
    only_type: str | None = None
    id: int = 0
    # How to rename aliased fields of the answer back (federation.planner.aliases.Rename), or None.
    renames: Any = None
    # Contextual arguments (@fromContext) read from ancestors, or None.
    context: ContextFetch | None = None


@dataclass(eq=False)
class BatchFetch:
    service: str
    operation: str
    variable_names: tuple[str, ...]
    fetches: list[Fetch]


@dataclass(eq=False)
class Sequence:
    nodes: list[Fetch | BatchFetch | Sequence | Parallel]


@dataclass(eq=False)
class Parallel:
    nodes: list[Fetch | BatchFetch | Sequence | Parallel]


@dataclass(eq=False)
class QueryPlan:
    node: Fetch | BatchFetch | Sequence | Parallel | None
    fetch_count: int

    def print(self) -> str:
        if self.node is None:
            return "QueryPlan {\n}"
        return "QueryPlan {\n" + _print_node(self.node, "  ") + "\n}"

    def __str__(self) -> str:
        return self.print()

    def to_json(self) -> dict[str, Any]:
        """The plan as data, in the shape of Apollo's QueryPlan JSON (see `plan_json`)."""
        return plan_json(self)


def _print_fetch(fetch: Fetch, indent: str) -> str:
    inner = indent + "  "
    if fetch.requires is None:
        body = f"{inner}{fetch.selection.print(inner)}"
        return f'{indent}Fetch(service: "{fetch.service}") {{\n{body}\n{indent}}}'
    entity = fetch.representation_typename or fetch.entity_type
    wrapper = SubSelection(fragments={entity or "": fetch.requires})
    selection = SubSelection(fragments={entity or "": fetch.selection})
    deeper = inner + "  "
    body = f"{deeper}{wrapper.print(deeper)} =>\n{deeper}{selection.print(deeper)}"
    fetch_text = f'{inner}Fetch(service: "{fetch.service}") {{\n{body}\n{inner}}}'
    return f'{indent}Flatten(path: "{".".join(fetch.path)}") {{\n{fetch_text}\n{indent}}}'


def _print_node(node: Fetch | BatchFetch | Sequence | Parallel, indent: str) -> str:
    inner = indent + "  "
    if isinstance(node, Fetch):
        return _print_fetch(node, indent)
    if isinstance(node, BatchFetch):
        children = ",\n".join(_print_fetch(f, inner) for f in node.fetches)
        return f'{indent}BatchFetch(service: "{node.service}") {{\n{children}\n{indent}}}'
    name = "Sequence" if isinstance(node, Sequence) else "Parallel"
    children = ",\n".join(_print_node(n, inner) for n in node.nodes)
    return f"{indent}{name} {{\n{children}\n{indent}}}"


# ---------------------------------------------------------------------------------------
# As data: the shape of Apollo's QueryPlan JSON (query-planner-js QueryPlan.ts, as the router
# serializes it), so that a plan can be diffed with Apollo's. One addition: `BatchFetch`
# (several entity fetches to one subgraph in one request, each `_entities` under its own
# alias `_0`, `_1`...), which Apollo does not have; its `nodes` are the Flatten(Fetch) it
# batches, in Apollo's shape.


def _selections_json(selection: SubSelection) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for f in selection.fields.values():
        item: dict[str, Any] = {"kind": "Field", "name": f.name}
        if f.alias:
            item["alias"] = f.alias
        if f.selection is not None:
            item["selections"] = _selections_json(f.selection)
        result.append(item)
    for condition, sub in selection.fragments.items():
        if not sub.is_empty():
            result.append({"kind": "InlineFragment", "typeCondition": condition, "selections": _selections_json(sub)})
    return result


def _operation_kind(operation: str) -> str:
    for kind in ("mutation", "subscription"):
        if operation.startswith(kind):
            return kind
    return "query"


def _operation_name(operation: str) -> str | None:
    head = operation.split("{", 1)[0].split("(", 1)[0].split()
    return head[1] if len(head) > 1 else None


def _fetch_json(fetch: Fetch) -> dict[str, Any]:
    node: dict[str, Any] = {"kind": "Fetch", "serviceName": fetch.service, "variableUsages": list(fetch.variable_names)}
    if fetch.requires is not None:
        entity = fetch.representation_typename or fetch.entity_type or ""
        node["requires"] = [
            {"kind": "InlineFragment", "typeCondition": entity, "selections": _selections_json(fetch.requires)}
        ]
    node["operation"] = fetch.operation
    if fetch.context is not None:
        node["contextRewrites"] = [_context_rewrite(fetch, read) for read in fetch.context.reads]
    name = _operation_name(fetch.operation)
    if name is not None:
        node["operationName"] = name
    node["operationKind"] = _operation_kind(fetch.operation)
    if fetch.requires is None:
        return node
    return {"kind": "Flatten", "path": list(fetch.path), "node": node}


def _context_rewrite(fetch: Fetch, read: ContextRead) -> dict[str, Any]:
    """Apollo's KeyRenamer: from the entity up (`..` per field, lists not counted) to the
    ancestor, then down the fields the argument's value is read from."""
    ups = [".." for segment in fetch.path[read.depth :] if not segment.startswith("@")]
    down: list[str] = []
    selection: SubSelection | None = read.selection
    while selection is not None and selection.fields:
        first = next(iter(selection.fields.values()))
        down.append(first.source_key or first.name)
        selection = first.selection
    return {"kind": "KeyRenamer", "path": [*ups, f"... on {read.ancestor_type}", *down], "renameKeyTo": read.variable}


def node_json(node: Fetch | BatchFetch | Sequence | Parallel) -> dict[str, Any]:
    if isinstance(node, Fetch):
        return _fetch_json(node)
    if isinstance(node, BatchFetch):
        result: dict[str, Any] = {
            "kind": "BatchFetch",
            "serviceName": node.service,
            "variableUsages": list(node.variable_names),
            "operation": node.operation,
        }
        name = _operation_name(node.operation)
        if name is not None:
            result["operationName"] = name
        result["operationKind"] = "query"
        result["nodes"] = [_fetch_json(f) for f in node.fetches]
        return result
    kind = "Sequence" if isinstance(node, Sequence) else "Parallel"
    return {"kind": kind, "nodes": [node_json(n) for n in node.nodes]}


def plan_json(plan: QueryPlan) -> dict[str, Any]:
    """The plan in the shape of Apollo's QueryPlan JSON."""
    result: dict[str, Any] = {"kind": "QueryPlan"}
    if plan.node is not None:
        result["node"] = node_json(plan.node)
    return result
