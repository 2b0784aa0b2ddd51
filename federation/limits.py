"""Operation limits: how much work one document may ask for, decided from its syntax alone.

Counted with every fragment spread expanded, yet in time linear in the document: each
fragment is measured once and its measure added wherever it is spread, so an 800-byte
"fragment bomb" that expands 2^20 times is refused after reading 800 bytes, not after
building a million fields. The checks run before validation (whose own cost grows with
what they bound) and refuse with the limit and its code, as Apollo Router's
`limits` do (MAX_DEPTH_LIMIT, MAX_ALIASES_LIMIT, MAX_ROOT_FIELDS_LIMIT...).

`without_duplicate_selections` makes validation's cost follow the distinct selections:
1,000 copies of `__typename` are one field to the overlapping-fields rule (their pairwise
comparison is what made graphql-core give up on a valid query).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
)


@dataclass(frozen=True)
class OperationLimits:
    """Per-operation limits, every one on by default (0 turns a limit off)."""

    max_depth: int = 32  # field nesting; the city's deepest real query is 9
    max_aliases: int = 200
    max_root_fields: int = 64
    max_directives: int = 200
    # fields of the operation with its fragments expanded, the work it asks the gateway
    max_expanded_fields: int = 5_000

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> OperationLimits:
        return replace(cls(), **values)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


# name of the limit -> (its error code, what it counts)
CODES = {
    "max_depth": ("MAX_DEPTH_LIMIT", "nested deeper than {limit} levels"),
    "max_aliases": ("MAX_ALIASES_LIMIT", "more than {limit} aliases"),
    "max_root_fields": ("MAX_ROOT_FIELDS_LIMIT", "more than {limit} root fields (distinct response names)"),
    "max_directives": ("MAX_DIRECTIVES_LIMIT", "more than {limit} directives"),
    "max_expanded_fields": ("MAX_EXPANDED_SIZE_LIMIT", "more than {limit} fields once its fragments are expanded"),
}


@dataclass(frozen=True)
class Exceeded:
    """One limit an operation is over: what the client is told."""

    limit_name: str
    limit: int
    measured: int
    operation: str | None

    @property
    def code(self) -> str:
        return CODES[self.limit_name][0]

    def to_graphql_error(self) -> dict[str, Any]:
        code, what = CODES[self.limit_name]
        subject = f"The operation '{self.operation}'" if self.operation else "The operation"
        return {
            "message": f"{subject} has {what.format(limit=self.limit)} ({self.measured}).",
            "extensions": {"code": code, "limit": self.limit, "measured": self.measured},
        }


@dataclass
class _Measure:
    fields: int = 0
    aliases: int = 0
    directives: int = 0
    depth: int = 0
    # response names at this selection set's own level, through fragments (a name selected
    # twice is one field of the response)
    root_names: set[str] = field(default_factory=set)

    def add(self, other: _Measure) -> None:
        self.fields += other.fields
        self.aliases += other.aliases
        self.directives += other.directives
        self.depth = max(self.depth, other.depth)
        self.root_names |= other.root_names


class _Measurer:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.memo: dict[str, _Measure] = {}
        self.visiting: set[str] = set()

    def fragment(self, name: str) -> _Measure:
        found = self.memo.get(name)
        if found is not None:
            return found
        definition = self.fragments.get(name)
        if definition is None or name in self.visiting:
            # unknown or cyclic: validation refuses the document; count nothing here
            return _Measure()
        self.visiting.add(name)
        measure = self.selection_set(definition.selection_set)
        measure.directives += len(definition.directives or ())
        self.visiting.discard(name)
        self.memo[name] = measure
        return measure

    def selection_set(self, selection_set: SelectionSetNode | None) -> _Measure:
        total = _Measure()
        if selection_set is None:
            return total
        for selection in selection_set.selections:
            total.directives += len(selection.directives or ())
            if isinstance(selection, FieldNode):
                inner = self.selection_set(selection.selection_set)
                total.fields += 1 + inner.fields
                total.aliases += (1 if selection.alias else 0) + inner.aliases
                total.directives += inner.directives
                total.depth = max(total.depth, 1 + inner.depth)
                total.root_names.add(selection.alias.value if selection.alias else selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                total.add(self.selection_set(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                total.add(self.fragment(selection.name.value))
        return total


def check(document: DocumentNode, limits: OperationLimits) -> list[Exceeded]:
    """The limits each operation of `document` is over (none: it may go on to validation)."""
    measurer = _Measurer(document)
    exceeded: list[Exceeded] = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        measure = measurer.selection_set(definition.selection_set)
        measure.directives += len(definition.directives or ())
        name = definition.name.value if definition.name else None
        for limit_name, measured in (
            ("max_expanded_fields", measure.fields),
            ("max_depth", measure.depth),
            ("max_aliases", measure.aliases),
            ("max_root_fields", len(measure.root_names)),
            ("max_directives", measure.directives),
        ):
            limit = getattr(limits, limit_name)
            if limit and measured > limit:
                exceeded.append(Exceeded(limit_name, limit, measured, name))
    return exceeded


def without_duplicate_selections(document: DocumentNode) -> DocumentNode:
    """`document` with textually identical sibling selections kept once (the first).

    The same selection twice in one selection set means, by the spec's field collection,
    what it means once; dropping the copies changes no result and no validation outcome,
    and keeps the overlapping-fields rule (quadratic in same-named siblings) linear in them.
    Returns `document` itself when it has no such copies (the common case).
    """
    loc = document.loc
    if loc is None:
        return document
    body = loc.source.body
    changed = False

    def selection_set(node: SelectionSetNode | None) -> SelectionSetNode | None:
        nonlocal changed
        if node is None:
            return None
        seen: set[str] = set()
        kept: list[SelectionNode] = []
        for selection in node.selections:
            text = body[selection.loc.start : selection.loc.end] if selection.loc else None
            if text is not None:
                if text in seen:
                    changed = True
                    continue
                seen.add(text)
            inner = getattr(selection, "selection_set", None)
            if inner is not None:
                new_inner = selection_set(inner)
                if new_inner is not inner:
                    selection = _with_selection_set(selection, new_inner)
            kept.append(selection)
        if len(kept) == len(node.selections) and all(a is b for a, b in zip(kept, node.selections, strict=True)):
            return node
        return SelectionSetNode(selections=tuple(kept), loc=node.loc)

    definitions = []
    for definition in document.definitions:
        if isinstance(definition, (OperationDefinitionNode, FragmentDefinitionNode)):
            new = selection_set(definition.selection_set)
            if new is not definition.selection_set:
                definition = _with_selection_set(definition, new)
        definitions.append(definition)
    if not changed:
        return document
    return DocumentNode(definitions=tuple(definitions), loc=document.loc)


def _with_selection_set(node: Any, selection_set: SelectionSetNode | None) -> Any:
    return replace(node, selection_set=selection_set)
