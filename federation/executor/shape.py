"""Shaping the fetched data into the client's response, with null propagation.

This is the spec's CompleteValue (GraphQL spec, section 6.4.3) run over data already
fetched: fields in the client's order under the client's response keys, `__typename`
answered from the runtime type, fields only the plan needed left out, and a null in a
non-null position propagated to the nearest nullable parent (section 6.4.4) with one
error at the field where it happened — unless an error already explains it.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    is_leaf_type,
)

from federation.planner.operation import FieldSelection, Operation, Selection

# A linked list of path segments, built cheaply as the walk descends: (parent, segment).
LinkedPath = tuple[Any, str | int] | None

_PROPAGATE = object()  # "this non-null position is null: null the parent"


def _to_list(path: LinkedPath) -> list[str | int]:
    segments: list[str | int] = []
    while path is not None:
        path, segment = path
        segments.append(segment)
    segments.reverse()
    return segments


class Shaper:
    def __init__(self, schema: GraphQLSchema, operation: Operation, errors: list[dict[str, Any]]) -> None:
        self.schema = schema
        self.operation = operation
        self.errors = errors
        self._error_paths: set[tuple[Any, ...]] | None = None
        self._error_prefixes: set[tuple[Any, ...]] | None = None
        self._merged = operation.merged_selections

    def shape(self, data: dict[str, Any] | None) -> dict[str, Any] | None:
        if data is None:
            return None
        result = self.complete_object(self.operation.root_type, data, self.operation.selections, None)
        return result if isinstance(result, dict) else None

    # -- errors ---------------------------------------------------------------------------

    def _index_errors(self) -> None:
        self._error_paths = set()
        self._error_prefixes = set()
        for e in self.errors:
            path = e.get("path")
            if isinstance(path, list):
                t = tuple(path)
                self._error_paths.add(t)
                for i in range(len(t) + 1):
                    self._error_prefixes.add(t[:i])

    def _explained(self, path: list[str | int]) -> bool:
        """An error already stands at this path, above it or below it."""
        if self._error_paths is None:
            self._index_errors()
        assert self._error_paths is not None and self._error_prefixes is not None
        t = tuple(path)
        if t in self._error_prefixes:
            return True
        return any(t[:i] in self._error_paths for i in range(len(t)))

    def null_error(self, parent_type: str, field_name: str, path: LinkedPath) -> None:
        segments = _to_list(path)
        if self._explained(segments):
            return
        self.errors.append(
            {"message": f"Cannot return null for non-nullable field {parent_type}.{field_name}.", "path": segments}
        )
        self._error_paths = None

    def value_error(self, message: str, path: LinkedPath) -> None:
        segments = _to_list(path)
        if self._explained(segments):
            return
        self.errors.append({"message": message, "path": segments})
        self._error_paths = None

    # -- completion -----------------------------------------------------------------------

    def complete_object(
        self, static_type: Any, obj: Any, selections: list[Selection], path: LinkedPath
    ) -> Any:
        if not isinstance(obj, dict):
            self.value_error(f"Expected an object for {static_type.name}, got {type(obj).__name__}.", path)
            return None
        runtime: str
        if isinstance(static_type, GraphQLObjectType):
            runtime = static_type.name
        else:
            typename = obj.get("__typename")
            runtime_type = self.schema.get_type(typename) if isinstance(typename, str) else None
            if not isinstance(runtime_type, GraphQLObjectType) or not self.schema.is_sub_type(
                static_type, runtime_type
            ):
                self.value_error(f"Abstract type {static_type.name} resolved to an unknown type {typename!r}.", path)
                return None
            runtime = runtime_type.name
        fields = self.operation.collect_fields(selections, runtime, self.schema)
        result: dict[str, Any] = {}
        for key, field_list in fields.items():
            f = field_list[0]
            if f.name == "__typename":
                result[key] = runtime
                continue
            if f.is_introspection:
                result[key] = obj.get(key)
                continue
            assert f.type is not None
            value = self.complete(f.type, obj.get(key), field_list, (path, key), runtime, f.name)
            if value is _PROPAGATE:
                return _PROPAGATE
            result[key] = value
        return result

    def complete(
        self,
        field_type: GraphQLOutputType,
        value: Any,
        fields: list[FieldSelection],
        path: LinkedPath,
        parent_type: str,
        field_name: str,
    ) -> Any:
        if isinstance(field_type, GraphQLNonNull):
            result = self.complete_nullable(field_type.of_type, value, fields, path, parent_type, field_name)
            if result is None:
                self.null_error(parent_type, field_name, path)
                return _PROPAGATE
            return result
        result = self.complete_nullable(field_type, value, fields, path, parent_type, field_name)
        return None if result is _PROPAGATE else result

    def complete_nullable(
        self,
        field_type: Any,
        value: Any,
        fields: list[FieldSelection],
        path: LinkedPath,
        parent_type: str,
        field_name: str,
    ) -> Any:
        if value is None:
            return None
        if isinstance(field_type, GraphQLList):
            if not isinstance(value, list):
                self.value_error(f"Expected a list for {parent_type}.{field_name}.", path)
                return None
            item_type = field_type.of_type
            items = []
            for i, item in enumerate(value):
                completed = self.complete(item_type, item, fields, (path, i), parent_type, field_name)
                if completed is _PROPAGATE:
                    return _PROPAGATE
                items.append(completed)
            return items
        if is_leaf_type(field_type):
            if isinstance(field_type, GraphQLEnumType) and value not in field_type.values:
                self.value_error(f"Enum {field_type.name} cannot represent value {value!r}.", path)
                return None
            return value
        selections = self.selections_of(fields)
        return self.complete_object(field_type, value, selections, path)

    def selections_of(self, fields: list[FieldSelection]) -> list[Selection]:
        if len(fields) == 1:
            return fields[0].selections or []
        key = tuple(id(f) for f in fields)
        merged = self._merged.get(key)
        if merged is None:
            merged = [s for f in fields for s in f.selections or ()]
            self._merged[key] = merged
        return merged
