"""Shaping the fetched data into the client's response, with null propagation.

This is the spec's CompleteValue (GraphQL spec, section 6.4.3) run over data already
fetched: fields in the client's order under the client's response keys, `__typename`
answered from the runtime type, fields only the plan needed left out, and a null in a
non-null position propagated to the nearest nullable parent (section 6.4.4) with one
error at the field where it happened — unless an error already explains it.

Shaping runs for every response, so what can be decided once per operation is: each
selection set becomes an `ObjectShape` holding, per runtime type, the flat list of fields
to copy and how to complete each (`Entry`). Shapes are cached on the operation, which the
plan cache keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson
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
from federation.security.authorization import unauthorized_error

# A linked list of path segments, built cheaply as the walk descends: (parent, segment).
LinkedPath = tuple[Any, str | int] | None

_PROPAGATE = object()  # "this non-null position is null: null the parent"

# Entry kinds
TYPENAME, LEAF, ENUM, OBJECT, LIST, VERBATIM, DENIED, SCALAR = range(8)

# What a subgraph may send for a built-in scalar (custom scalars are passed on as they come).
SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    "String": (str,),
    "ID": (str, int),
    "Int": (int,),
    "Float": (float, int),
    "Boolean": (bool,),
}


def path_list(path: LinkedPath) -> list[str | int]:
    segments: list[str | int] = []
    while path is not None:
        path, segment = path
        segments.append(segment)
    segments.reverse()
    return segments


@dataclass(eq=False)
class ValueShape:
    """How to complete a value of one (nullable) type: a leaf, an enum, an object or a list."""

    kind: int
    type: Any  # the GraphQL type without its non-null wrapper
    object_shape: ObjectShape | None = None
    item: ValueShape | None = None
    item_non_null: bool = False
    allowed: tuple[type, ...] = ()  # SCALAR: the Python types a value may have


# One response field of an object: (response key, kind, non-null?, how to complete it, field name).
# A plain tuple: shaping reads millions of them.
Entry = tuple[str, int, bool, ValueShape | None, str]


class ObjectShape:
    def __init__(self, compiler: _Compiler, static_type: Any, selections: list[Selection]) -> None:
        self.compiler = compiler
        self.static_type = static_type
        self.is_object = isinstance(static_type, GraphQLObjectType)
        self.selections = selections
        self._entries: dict[str, list[Entry]] = {}
        self._static: list[Entry] | None = None

    @cached_property
    def compiled(self) -> Callable[[Shaper, Any, LinkedPath], Any]:
        """For an object type: a generated function shaping one object (see `_generate`)."""
        return _generate(self)

    def static_entries(self) -> list[Entry]:
        """The entries of an object type (whose runtime type is always itself)."""
        if self._static is None:
            self._static = self.entries(self.static_type.name)
        return self._static

    def entries(self, runtime: str) -> list[Entry]:
        found = self._entries.get(runtime)
        if found is None:
            found = self._entries[runtime] = self.compiler.entries(self.selections, runtime)
        return found


class _Compiler:
    def __init__(self, schema: GraphQLSchema, operation: Operation) -> None:
        self.schema = schema
        self.operation = operation

    def entries(self, selections: list[Selection], runtime: str) -> list[Entry]:
        result: list[Entry] = []
        for key, fields in self.operation.collect_fields(selections, runtime, self.schema).items():
            f = fields[0]
            if f.hidden:
                continue
            if f.name == "__typename":
                result.append((key, TYPENAME, False, None, f.name))
                continue
            if f.is_introspection:
                result.append((key, VERBATIM, False, None, f.name))
                continue
            assert f.type is not None
            field_type: GraphQLOutputType = f.type
            non_null = isinstance(field_type, GraphQLNonNull)
            if f.denied:
                result.append((key, DENIED, non_null, None, f.name))
                continue
            nullable = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
            value_shape = self.value_shape(nullable, fields)
            result.append((key, value_shape.kind, non_null, value_shape, f.name))
        return result

    def value_shape(self, t: Any, fields: list[FieldSelection]) -> ValueShape:
        if isinstance(t, GraphQLList):
            item_type = t.of_type
            item_non_null = isinstance(item_type, GraphQLNonNull)
            inner = item_type.of_type if item_non_null else item_type
            return ValueShape(LIST, t, item=self.value_shape(inner, fields), item_non_null=item_non_null)
        if isinstance(t, GraphQLEnumType):
            return ValueShape(ENUM, t)
        if t.name in SCALAR_TYPES:
            return ValueShape(SCALAR, t, allowed=SCALAR_TYPES[t.name])
        if is_leaf_type(t):
            return ValueShape(LEAF, t)
        return ValueShape(OBJECT, t, object_shape=ObjectShape(self, t, self.selections_of(fields)))

    def selections_of(self, fields: list[FieldSelection]) -> list[Selection]:
        if len(fields) == 1:
            return fields[0].selections or []
        key = tuple(id(f) for f in fields)
        merged = self.operation.merged_selections.get(key)
        if merged is None:
            merged = [s for f in fields for s in f.selections or ()]
            self.operation.merged_selections[key] = merged
        return merged


def _generate(shape: ObjectShape) -> Callable[[Shaper, Any, LinkedPath], Any]:
    """Straight-line code for one object type's selection: a `get` per field, checks only where
    the field needs one, and one dict display at the end. It does what `Shaper.complete_object`
    does, without the loop and the tuple unpacking, which dominate shaping time."""
    runtime = shape.static_type.name
    env: dict[str, Any] = {"shape": shape, "_PROPAGATE": _PROPAGATE}
    lines = [
        "def shape_object(s, obj, path):",
        "    if type(obj) is not dict:",
        "        return s.bad_object(shape, obj, path)",
        "    get = obj.get",
    ]
    output = []
    for i, (key, kind, non_null, value_shape, field_name) in enumerate(shape.static_entries()):
        k = repr(key)
        if kind == TYPENAME:
            output.append(f"{k}: {runtime!r}")
            continue
        v = f"v{i}"
        output.append(f"{k}: {v}")
        if kind == DENIED:
            lines += [f"    s.unauthorized((path, {k}))", f"    {v} = None"]
            if non_null:
                lines += ["    return _PROPAGATE"]
            continue
        lines.append(f"    {v} = get({k})")
        null_error = [f"s.null_error({runtime!r}, {field_name!r}, (path, {k}))", "return _PROPAGATE"]
        if kind == SCALAR:
            env[f"shape{i}"] = value_shape
            lines += [
                f"    if {v} is not None and type({v}) not in shape{i}.allowed:",
                f"        {v} = s.bad_scalar(shape{i}, {v}, (path, {k}))",
            ]
        if kind in (LEAF, VERBATIM, SCALAR):
            if non_null:
                lines += [f"    if {v} is None:", *(f"        {x}" for x in null_error)]
            continue
        env[f"shape{i}"] = value_shape
        if kind == OBJECT and value_shape is not None and value_shape.object_shape is not None:
            if value_shape.object_shape.is_object:
                env[f"child{i}"] = value_shape.object_shape
                call = f"child{i}.compiled(s, {v}, (path, {k}))"
            else:
                call = f"s.complete_object(shape{i}.object_shape, {v}, (path, {k}))"
        else:
            call = f"s.complete_value(shape{i}, {v}, (path, {k}), {runtime!r}, {field_name!r})"
        lines += [f"    if {v} is not None:", f"        {v} = {call}"]
        if non_null:
            lines += [f"        if {v} is _PROPAGATE or {v} is None:", "            return _PROPAGATE"]
            lines += ["    else:", *(f"        {x}" for x in null_error)]
        else:
            lines += [f"        if {v} is _PROPAGATE:", f"            {v} = None"]
    lines.append("    return {" + ", ".join(output) + "}")
    exec(compile("\n".join(lines), f"<shape {runtime}>", "exec"), env)
    return env["shape_object"]  # type: ignore[no-any-return]


def root_shape(schema: GraphQLSchema, operation: Operation) -> ObjectShape:
    """The shape of the whole response, compiled on first use and kept with the operation."""
    if operation.root_shape is None:
        operation.root_shape = ObjectShape(_Compiler(schema, operation), operation.root_type, operation.selections)
    return operation.root_shape  # type: ignore[no-any-return]


class Shaper:
    def __init__(
        self,
        schema: GraphQLSchema,
        operation: Operation,
        errors: list[dict[str, Any]],
        explained: list[tuple[str | int, ...]] | None = None,
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.errors = errors
        # Paths whose nulls errors already explain though no error names them (see
        # Execution.explained).
        self.explained = explained or []
        self._error_paths: set[tuple[Any, ...]] | None = None
        self._error_prefixes: set[tuple[Any, ...]] | None = None

    def shape(self, data: dict[str, Any] | None) -> dict[str, Any] | None:
        if data is None:
            return None
        result = self.complete_object(root_shape(self.schema, self.operation), data, None)
        return result if isinstance(result, dict) else None

    # -- errors ---------------------------------------------------------------------------

    def _index_errors(self) -> None:
        self._error_paths = set(self.explained)
        self._error_prefixes = {t[:i] for t in self.explained for i in range(len(t) + 1)}
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
        self.add_error(f"Cannot return null for non-nullable field {parent_type}.{field_name}.", path)

    def bad_scalar(self, shape: ValueShape, value: Any, path: LinkedPath) -> Any:
        """A subgraph value the scalar cannot represent: a field error (spec, 6.4.3 CompleteValue)."""
        shown = orjson.dumps(value, default=str).decode()[:100]
        self.add_error(f"{shape.type.name} cannot represent value: {shown}", path)
        return None

    def unauthorized(self, path: LinkedPath) -> None:
        """A field the principal may not read: null, with the error Apollo Router gives."""
        self.errors.append(unauthorized_error(path_list(path)))
        self._error_paths = None

    def add_error(self, message: str, path: LinkedPath) -> None:
        segments = path_list(path)
        if self._explained(segments):
            return
        self.errors.append({"message": message, "path": segments})
        self._error_paths = None

    # -- completion -----------------------------------------------------------------------

    def bad_object(self, shape: ObjectShape, obj: Any, path: LinkedPath) -> None:
        self.add_error(f"Expected an object for {shape.static_type.name}, got {type(obj).__name__}.", path)
        return None

    def complete_object(self, shape: ObjectShape, obj: Any, path: LinkedPath) -> Any:
        """The object shaped to the selection, None on a bad value, _PROPAGATE on a null in a non-null field."""
        if shape.is_object:
            return shape.compiled(self, obj, path)
        if type(obj) is not dict:
            return self.bad_object(shape, obj, path)
        else:
            typename = obj.get("__typename")
            if typename == shape.static_type.name:
                # From a subgraph that sees the interface as an @interfaceObject, and the
                # client asked nothing that needs the concrete type.
                runtime_type = shape.static_type
            else:
                runtime_type = self.schema.get_type(typename) if isinstance(typename, str) else None
            if runtime_type is not shape.static_type and (
                not isinstance(runtime_type, GraphQLObjectType)
                or not self.schema.is_sub_type(shape.static_type, runtime_type)
            ):
                self.add_error(
                    f"Abstract type {shape.static_type.name} resolved to an unknown type {typename!r}.", path
                )
                return None
            runtime = runtime_type.name
            entries = shape.entries(runtime)
        result: dict[str, Any] = {}
        get = obj.get
        for key, kind, non_null, value_shape, field_name in entries:
            if kind == TYPENAME:
                result[key] = runtime
                continue
            if kind == DENIED:
                self.unauthorized((path, key))
                result[key] = None
                if non_null:
                    return _PROPAGATE
                continue
            value = get(key)
            if value is None:
                if non_null:
                    self.null_error(runtime, field_name, (path, key))
                    return _PROPAGATE
                result[key] = None
                continue
            if kind in (LEAF, VERBATIM):
                result[key] = value
                continue
            assert value_shape is not None
            if kind == SCALAR:
                if type(value) not in value_shape.allowed:
                    value = self.bad_scalar(value_shape, value, (path, key))
                    if value is None and non_null:
                        return _PROPAGATE
                result[key] = value
                continue
            if kind == OBJECT:
                value = self.complete_object(value_shape.object_shape, value, (path, key))  # type: ignore[arg-type]
            else:
                value = self.complete_value(value_shape, value, (path, key), runtime, field_name)
            if value is _PROPAGATE or value is None:
                if non_null:
                    return _PROPAGATE  # the error is already recorded
                value = None
            result[key] = value
        return result

    def complete_value(self, shape: ValueShape, value: Any, path: LinkedPath, parent: str, field_name: str) -> Any:
        kind = shape.kind
        if kind is OBJECT:
            assert shape.object_shape is not None
            return self.complete_object(shape.object_shape, value, path)
        if kind is LIST:
            if type(value) is not list:
                self.add_error(f"Expected a list for {parent}.{field_name}.", path)
                return None
            item = shape.item
            assert item is not None
            items: list[Any] = []
            item_kind = item.kind
            for i, element in enumerate(value):
                if element is None:
                    if shape.item_non_null:
                        self.null_error(parent, field_name, (path, i))
                        return _PROPAGATE
                    items.append(None)
                    continue
                if item_kind == LEAF or (item_kind == SCALAR and type(element) in item.allowed):
                    items.append(element)
                    continue
                if item_kind == OBJECT:
                    completed = self.complete_object(item.object_shape, element, (path, i))  # type: ignore[arg-type]
                else:
                    completed = self.complete_value(item, element, (path, i), parent, field_name)
                if completed is _PROPAGATE or (completed is None and shape.item_non_null):
                    if shape.item_non_null:
                        return _PROPAGATE
                    completed = None
                items.append(completed)
            return items
        if kind == SCALAR:
            return value if type(value) in shape.allowed else self.bad_scalar(shape, value, path)
        if kind is ENUM:
            if value not in shape.type.values:
                self.add_error(f"Enum {shape.type.name} cannot represent value {value!r}.", path)
                return None
            return value
        return value
