"""Declare a REST-backed entity once: the call that fetches it, how its fields are found in the answer.

    @rest_entity("bpjs", key="nik", call=Get("/peserta", batch="nik", size=100, items="peserta"),
                 paths={"faskes_pertama": "faskes.nama"})
    class KepesertaanJkn:
        nik: NIK
        nomor_kartu: str
        faskes_pertama: str

The class's annotations are its GraphQL fields (as with `strawberry.type`); each is read from
the answer at its path (the field's name unless `paths` gives a dotted one, `a.b.0.c`) and
converted to its type: enums from their values, `Tanggal` and `WaktuWITA` from ISO 8601,
another declared type (or a list of one) built from the nested object. A value failing the
data standard is logged with the upstream and key and becomes an error at that field only.

`rows(Type).get(ctx, key)` loads one object; every load of a request is batched: with `batch`
the keys go `size` at a time into one call (`?nik=…&nik=…` for `Get`, `{"nik": [...]}` for
`Post`); without it, a path with `{key}` is called once per key, concurrently, a 404 being
None. `reference(Type, column)` in another type reads it the same way, like a SQL `@entity`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import inspect
import logging
import sys
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from subgraphs.kit import scalars as std
from subgraphs.kit.rest_errors import UpstreamError

T = TypeVar("T")
logger = logging.getLogger("splp.subgraph.data")

# The data standard's checks, to log a dirty value while an object is built.
_CHECKS = std.CHECKS


@dataclasses.dataclass(frozen=True)
class Get:
    """Fetch by GET: `path` ("/usaha/{nib}" for one key per call), or `batch` the query parameter
    repeated for each key (`?nik=1&nik=2`, at most `size` per call) with the list at `items`."""

    path: str
    batch: str | None = None
    size: int = 100
    items: str | None = None
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)

    method = "GET"


@dataclasses.dataclass(frozen=True)
class Post:
    """Fetch by POST: `batch` the JSON body's field holding the keys (`{"nik": [...]}`), `body`
    fixed fields sent along. A lookup changes nothing, so it is retried unless `idempotent=False`."""

    path: str
    batch: str | None = None
    size: int = 100
    items: str | None = None
    body: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    idempotent: bool = True

    method = "POST"


Call = Get | Post


def value_at(answer: Any, path: str) -> Any:
    """The value at a dotted path (`faskes.nama`, `alamat.0.jalan`); None where the path runs out."""
    current = answer
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
        if current is None:
            return None
    return current


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    path: str
    convert: Callable[[Any], Any]
    check: Callable[[object], object] | None


class RestType:
    """What `@rest_type` / `@rest_entity` know of a class: where each field is in an answer."""

    def __init__(self, cls: type, paths: Mapping[str, str], annotations: dict[str, Any]) -> None:
        self.cls = cls
        self.paths = dict(paths)
        self.annotations = annotations
        self._fields: list[_Field] | None = None

    def fields(self) -> list[_Field]:
        # Resolved on first use: a field may name a class defined further down the module.
        if self._fields is None:
            namespace = {**vars(sys.modules[self.cls.__module__]), "strawberry": strawberry}
            self._fields = [
                _Field(name, self.paths.get(name, name), *_converter(_evaluate(annotation, namespace)))
                for name, annotation in self.annotations.items()
            ]
        return self._fields

    def build(self, item: Any, *, upstream: str = "", key: object = None) -> Any:
        """The object an answer's item describes."""
        values: dict[str, Any] = {}
        for field in self.fields():
            raw = value_at(item, field.path)
            value = field.convert(raw) if raw is not None else None
            if value is not None and field.check is not None:
                try:
                    field.check(value)
                except std.ScalarValueError as error:
                    # Dirty upstream data: the field errors at its path; the OPD finds the record in the log.
                    logger.warning("%s %s=%s: field %s fails %s: %s", upstream or "rest", self.cls.__name__,
                                   key, field.path, error.scalar, error.reason)
            values[field.name] = value
        return self.cls(**values)


def _evaluate(annotation: Any, namespace: dict[str, Any]) -> Any:
    if isinstance(annotation, str):
        annotation = eval(annotation, namespace)
    if getattr(annotation, "__metadata__", None) is not None:  # strawberry.Private[X]
        annotation = annotation.__origin__
    return annotation


def _optional_inner(annotation: Any) -> Any:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _converter(annotation: Any) -> tuple[Callable[[Any], Any], Callable[[object], object] | None]:
    kind = _optional_inner(annotation)
    if typing.get_origin(kind) is list:
        (inner,) = typing.get_args(kind)
        convert_item, _ = _converter(inner)
        return (lambda value: [convert_item(v) if v is not None else None for v in value]
                if isinstance(value, list) else value), None
    declared = getattr(kind, "__kit_rest_type__", None)
    if isinstance(declared, RestType):
        return (lambda value: declared.build(value) if isinstance(value, Mapping) else value), None
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        members: type[enum.Enum] = kind

        def to_enum(value: Any) -> Any:
            # An unknown value stays raw: serialising it is an error at this field only.
            try:
                return members(value)
            except ValueError:
                return value

        return to_enum, None
    if kind is std.Tanggal or kind is date:
        return _lenient(lambda v: date.fromisoformat(v) if isinstance(v, str) else v), None
    if kind is std.WaktuWITA or kind is datetime:
        return _lenient(std.parse_waktu), None
    if kind is int:
        return _lenient(lambda v: int(v) if isinstance(v, str) and v.isascii() and v.isdigit() else v), None
    return (lambda value: value), _CHECKS.get(kind)


def _lenient(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Convert when the value allows it; otherwise keep it, for the field's scalar to refuse at its path."""

    def attempt(value: Any) -> Any:
        try:
            return convert(value)
        except (ValueError, TypeError, std.ScalarValueError):
            return value

    return attempt


class RestEntity:
    """The batched loads of one REST-backed entity: `await rest_rows(Type).get(ctx, key)`."""

    def __init__(self, source: str, key: str, call: Call, declared: RestType) -> None:
        if call.batch is None and "{" + key + "}" not in call.path:
            raise TypeError(f"{call.path!r} neither batches keys (batch=…) nor has a {{{key}}} in its path")
        self.source = source
        self.key = key
        self.call = call
        self.declared = declared

    async def get(self, context: Any, key: object) -> Any:
        async def load(keys: list[Any]) -> list[Any]:
            return await self.load_many(context, keys)

        return await context.loader(("rest", id(self)), load).load(key)

    async def load_many(self, context: Any, keys: Sequence[Any]) -> list[Any]:
        api = context.upstream(self.source)
        if self.call.batch is None:
            answers = await asyncio.gather(*(self._one(api, key) for key in keys))
            return [self.declared.build(a, upstream=self.source, key=k) if a is not None else None
                    for k, a in zip(keys, answers, strict=True)]
        found: dict[str, Any] = {}
        size = max(1, self.call.size)
        for start in range(0, len(keys), size):
            chunk = [str(k) for k in keys[start : start + size]]
            for item in _items(self.source, self.call, await self._batch(api, chunk)):
                found[str(value_at(item, self.declared.paths.get(self.key, self.key)))] = item
        return [self.declared.build(found[str(k)], upstream=self.source, key=k) if str(k) in found else None
                for k in keys]

    async def _one(self, api: Any, key: object) -> Any:
        # Encoded whole: a key is one path segment, never `../admin` or `x?y=z` reaching another resource.
        path = self.call.path.replace("{" + self.key + "}", quote(str(key), safe=""))
        if isinstance(self.call, Post):
            return await api.post_json(path, dict(self.call.body), missing_ok=True, idempotent=self.call.idempotent)
        return await api.request("GET", path, params=dict(self.call.params), missing_ok=True)

    async def _batch(self, api: Any, keys: list[str]) -> Any:
        assert self.call.batch is not None
        if isinstance(self.call, Post):
            return await api.post_json(self.call.path, {**self.call.body, self.call.batch: keys},
                                       idempotent=self.call.idempotent)
        return await api.get_json(self.call.path, {**self.call.params, self.call.batch: keys})


def _items(source: str, call: Call, answer: Any) -> list[Any]:
    items = value_at(answer, call.items) if call.items is not None else answer
    if not isinstance(items, list):
        where = f"at {call.items!r}" if call.items is not None else "as its answer"
        raise UpstreamError(source, f"{source} gave no list {where} for {call.path}", code="UPSTREAM_BAD_RESPONSE")
    return [item for item in items if isinstance(item, Mapping)]


def rest_type(
    *, paths: Mapping[str, str] | None = None, name: str | None = None, description: str | None = None,
    directives: Sequence[object] = (),
) -> Callable[[type[T]], type[T]]:
    """A strawberry type built from a JSON object (a nested part of an answer), fields at `paths`."""

    def decorate(cls: type[T]) -> type[T]:
        cls.__kit_rest_type__ = RestType(cls, paths or {}, dict(inspect.get_annotations(cls)))  # type: ignore[attr-defined]
        return strawberry.type(cls, name=name, description=description, directives=directives)

    return decorate


def rest_entity(
    source: str,
    *,
    key: str,
    call: Call,
    paths: Mapping[str, str] | None = None,
    federated: bool = False,
    name: str | None = None,
    description: str | None = None,
    directives: Sequence[object] = (),
) -> Callable[[type[T]], type[T]]:
    """A type fetched from the REST source named `source` by its `key` field (an `@key` when `federated`)."""

    def decorate(cls: type[T]) -> type[T]:
        annotations = dict(inspect.get_annotations(cls))
        if key not in annotations:
            raise TypeError(f"{cls.__name__} declares no field {key!r}, its key")
        declared = RestType(cls, paths or {}, annotations)
        loads = RestEntity(source, key, call, declared)
        cls.__kit_rest_type__ = declared  # type: ignore[attr-defined]
        cls.__kit_key__ = key  # type: ignore[attr-defined]
        cls.rows = loads  # type: ignore[attr-defined]
        if not federated:
            return strawberry.type(cls, name=name, description=description, directives=directives)
        field_name = key.split("_")[0] + "".join(p.capitalize() for p in key.split("_")[1:])
        if "resolve_reference" not in cls.__dict__:
            async def resolve_reference(cls_: type, info: Info[Any, None], **representation: Any) -> Any:
                value = representation[field_name]
                namespace = vars(sys.modules[cls.__module__])
                check = _CHECKS.get(_optional_inner(_evaluate(annotations[key], namespace)))
                return await loads.get(info.context, check(value) if check is not None else value)

            cls.resolve_reference = classmethod(resolve_reference)  # type: ignore[attr-defined,arg-type]
        return strawberry.federation.type(
            cls, keys=[field_name], name=name, description=description, directives=directives)

    return decorate


def rest_rows(cls: type[T]) -> RestEntity:
    """The batched loads of a type declared with `@rest_entity`."""
    found = cls.__dict__.get("rows")
    if not isinstance(found, RestEntity):
        raise TypeError(f"{cls.__name__} is not declared with @rest_entity")
    return found


__all__ = ["Get", "Post", "RestEntity", "RestType", "rest_entity", "rest_rows", "rest_type", "value_at"]
