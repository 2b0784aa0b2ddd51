"""The client's operation, normalized for planning and response shaping.

Named fragment spreads become inline fragments, `@skip`/`@include` are decided with the
request's variables, and every field knows its parent type and its type in the public
schema. Fields are not merged here: `collect_fields` does that per runtime type, as the
spec's CollectFields does (section 6.3.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef

INTROSPECTION_ROOT_FIELDS = ("__schema", "__type")


@dataclass(eq=False)
class FieldSelection:
    response_key: str
    name: str
    arguments: tuple[ArgumentNode, ...]
    # The field's type in the public schema; None for fields the planner adds itself
    # (keys, @requires), which the client never sees.
    type: GraphQLOutputType | None
    type_name: str
    selections: list[Selection] | None
    node: FieldNode | None = None
    # The principal may not read it (federation.security): not fetched, answered null.
    denied: bool = False
    # Fetched for the gateway itself (an entity's key for a policy, federation.security.guard),
    # never shown to the client.
    hidden: bool = False

    @property
    def is_introspection(self) -> bool:
        return self.name in INTROSPECTION_ROOT_FIELDS


@dataclass(eq=False)
class FragmentSelection:
    type_condition: str
    selections: list[Selection]
    denied: bool = False  # on a type the principal may not read: dropped


Selection = FieldSelection | FragmentSelection


@dataclass(eq=False)
class Operation:
    kind: OperationType
    name: str | None
    root_type: GraphQLObjectType
    selections: list[Selection]
    definition: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    # collect_fields cache: (id of a selection list, runtime type) -> fields by response key
    _collected: dict[tuple[int, str], dict[str, list[FieldSelection]]] = field(default_factory=dict)
    # sub-selections of same-key fields merged, by the ids of those fields
    merged_selections: dict[tuple[int, ...], list[Selection]] = field(default_factory=dict)
    # executor.shape's compiled shape of the response, kept with the (cached) operation
    root_shape: Any = None

    @cached_property
    def introspection_fields(self) -> list[FieldNode]:
        """Root `__schema` / `__type` fields, answered by the gateway itself."""
        return _introspection_fields(self.selections)

    def collect_fields(
        self, selections: list[Selection], runtime_type: str, schema: GraphQLSchema
    ) -> dict[str, list[FieldSelection]]:
        cache_key = (id(selections), runtime_type)
        found = self._collected.get(cache_key)
        if found is None:
            found = {}
            _collect(selections, runtime_type, schema, found)
            self._collected[cache_key] = found
        return found


def _introspection_fields(selections: list[Selection]) -> list[FieldNode]:
    found: list[FieldNode] = []
    for sel in selections:
        if isinstance(sel, FieldSelection):
            if sel.is_introspection and sel.node is not None:
                found.append(sel.node)
        else:
            found.extend(_introspection_fields(sel.selections))
    return found


def _collect(
    selections: list[Selection], runtime_type: str, schema: GraphQLSchema, into: dict[str, list[FieldSelection]]
) -> None:
    for sel in selections:
        if isinstance(sel, FieldSelection):
            into.setdefault(sel.response_key, []).append(sel)
        elif not sel.denied and does_fragment_apply(schema, sel.type_condition, runtime_type):
            _collect(sel.selections, runtime_type, schema, into)


def does_fragment_apply(schema: GraphQLSchema, type_condition: str, runtime_type: str) -> bool:
    if type_condition == runtime_type:
        return True
    condition = schema.get_type(type_condition)
    obj = schema.get_type(runtime_type)
    if condition is None or obj is None or not is_abstract_type(condition):
        return False
    return schema.is_sub_type(condition, obj)  # type: ignore[arg-type]


def skip_include_variables(document: DocumentNode) -> tuple[str, ...]:
    """Variables that decide a @skip or @include: plans differ by their values."""
    names: set[str] = set()

    def walk(selection_set: SelectionSetNode | None) -> None:
        if selection_set is None:
            return
        for sel in selection_set.selections:
            for d in sel.directives or ():
                if d.name.value in ("skip", "include"):
                    for arg in d.arguments or ():
                        if isinstance(arg.value, VariableNode):
                            names.add(arg.value.name.value)
            walk(getattr(sel, "selection_set", None))

    for definition in document.definitions:
        walk(getattr(definition, "selection_set", None))
    return tuple(sorted(names))


def _included(node: Any, variables: dict[str, Any]) -> bool:
    for d in node.directives or ():
        if d.name.value not in ("skip", "include"):
            continue
        arg = next((a for a in d.arguments or () if a.name.value == "if"), None)
        if arg is None:
            continue
        if isinstance(arg.value, BooleanValueNode):
            value = arg.value.value
        elif isinstance(arg.value, VariableNode):
            value = bool(variables.get(arg.value.name.value))
        else:
            value = False
        if d.name.value == "skip" and value:
            return False
        if d.name.value == "include" and not value:
            return False
    return True


class _Normalizer:
    def __init__(
        self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def selection_set(self, parent: GraphQLCompositeType, selection_set: SelectionSetNode) -> list[Selection]:
        result: list[Selection] = []
        for node in selection_set.selections:
            if not _included(node, self.variables):
                continue
            if isinstance(node, FieldNode):
                result.append(self.field(parent, node))
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else parent.name
                cond_type = self.schema.get_type(condition)
                result.append(FragmentSelection(condition, self.selection_set(cond_type, node.selection_set)))  # type: ignore[arg-type]
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                condition = fragment.type_condition.name.value
                cond_type = self.schema.get_type(condition)
                result.append(FragmentSelection(condition, self.selection_set(cond_type, fragment.selection_set)))  # type: ignore[arg-type]
        return result

    def field(self, parent: GraphQLCompositeType, node: FieldNode) -> FieldSelection:
        name = node.name.value
        if name == "__typename":
            field_def = TypeNameMetaFieldDef
        elif name == "__schema":
            field_def = SchemaMetaFieldDef
        elif name == "__type":
            field_def = TypeMetaFieldDef
        else:
            field_def = parent.fields[name]  # type: ignore[union-attr]
        named = get_named_type(field_def.type)
        children = None
        if node.selection_set is not None and name not in INTROSPECTION_ROOT_FIELDS:
            children = self.selection_set(named, node.selection_set)  # type: ignore[arg-type]
        return FieldSelection(
            response_key=node.alias.value if node.alias else name,
            name=name,
            arguments=tuple(node.arguments or ()),
            type=field_def.type,
            type_name=named.name,
            selections=children,
            node=node,
        )


def normalize(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: dict[str, Any]
) -> Operation:
    """Normalize a validated operation of `document`. `variables` are coerced values."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    assert root is not None, "validation guarantees the root type exists"
    normalizer = _Normalizer(schema, fragments, variables)
    return Operation(
        kind=operation.operation,
        name=operation.name.value if operation.name else None,
        root_type=root,
        selections=normalizer.selection_set(root, operation.selection_set),
        definition=operation,
        fragments=fragments,
    )
