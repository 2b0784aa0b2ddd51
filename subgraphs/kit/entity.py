"""Declare an entity once: a table becomes a GraphQL type, its rows objects, its key an `@key`.

    @entity(tables.puskesmas, key="kode", hide=["kode_kecamatan"])
    class Puskesmas:
        kunjungan = has_many("Kunjungan", "kode_puskesmas", order_by=["-waktu"], limit=10)

Every column of the table becomes a field (camelCase in GraphQL) typed from its SQL type —
String → String, Integer → Int, Boolean, Date → Tanggal, DateTime → WaktuWITA, NUMERIC with no
scale → Rupiah (otherwise Decimal), a SQLAlchemy Enum → its enum — or from the data standard by
column name (`nik…` → NIK, `nomor_kk` → NomorKK, `kode_kelurahan` → KodeWilayah, `nop` → NOP,
`nib` → NIB, `telepon…` → NomorTelepon). A nullable column is a nullable field. An annotation
written on the class overrides the derived one (it may carry a description or schema directives);
`hide` keeps a column on the object (relations use it) but out of the schema.

Rows are read in batches (`Type.rows`, a `SqlEntity`): the gateway's N `_entities`
representations are one `SELECT … WHERE key IN (…)`, a list relation of N parents one statement
with its ORDER BY and per-parent LIMIT done by the database. A row whose value fails the data
standard is logged with its table and key, and becomes an error at that item's path only.
"""

from __future__ import annotations

import dataclasses
import decimal
import enum
import inspect
import logging
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast

import strawberry
from sqlalchemy import FromClause
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import RowMapping
from strawberry.federation.schema_directives import ListSize
from strawberry.types import Info

from subgraphs.kit import scalars as std
from subgraphs.kit.sql import DEFAULT_PAGE_SIZE, SqlEntity

T = TypeVar("T")
logger = logging.getLogger("splp.subgraph.data")

# Data-standard scalars by column name, the way Makassar's OPD tables name them.
_BY_NAME: tuple[tuple[Callable[[str], bool], Any], ...] = (
    (lambda n: n == "nik" or n.startswith("nik_"), std.NIK),
    (lambda n: n in ("nomor_kk", "no_kk"), std.NomorKK),
    (lambda n: n in ("kode_wilayah", "kode_kelurahan", "kode_kecamatan", "kode_kota", "kode_provinsi"),
     std.KodeWilayah),
    (lambda n: n == "nop" or n.startswith("nop_"), std.NOP),
    (lambda n: n == "nib" or n.startswith("nib_"), std.NIB),
    (lambda n: n == "npwp" or n.startswith("npwp_"), std.NPWP),
    (lambda n: n.startswith("telepon") or n.startswith("nomor_telepon"), std.NomorTelepon),
)

# The checks behind each data-standard scalar, to find a dirty row while it is built.
_CHECKS = std.CHECKS


def standard_scalar(name: str) -> Any:
    """The data-standard scalar a column or property is by its name (`nik_pemilik` → NIK), or None."""
    return next((scalar for matches, scalar in _BY_NAME if matches(name)), None)


def python_type(name: str, column_type: sqltypes.TypeEngine[Any]) -> Any:
    """The GraphQL-facing Python type of a column, by data-standard name first, then SQL type."""
    for matches, scalar in _BY_NAME:
        if matches(name) and isinstance(column_type, sqltypes.String):
            return scalar
    if isinstance(column_type, sqltypes.Enum) and column_type.enum_class is not None:
        return column_type.enum_class
    if isinstance(column_type, sqltypes.Boolean):
        return bool
    if isinstance(column_type, sqltypes.Integer):
        return int
    if isinstance(column_type, sqltypes.DateTime):
        return std.WaktuWITA
    if isinstance(column_type, sqltypes.Date):
        return std.Tanggal
    if isinstance(column_type, sqltypes.Float):
        return float
    if isinstance(column_type, sqltypes.Numeric):
        return std.Rupiah if not column_type.scale else decimal.Decimal
    if isinstance(column_type, sqltypes.String | sqltypes.Enum):
        return str
    raise TypeError(f"column {name!r} has type {column_type!r}, which the kit does not map; annotate it")


@dataclasses.dataclass(frozen=True)
class _Column:
    name: str
    kind: Any  # the Python type without Optional
    convert: Callable[[object], object] | None
    check: Callable[[object], object] | None


def _unwrap_optional(annotation: Any) -> Any:
    args = [a for a in getattr(annotation, "__args__", ()) if a is not type(None)]
    if type(None) in getattr(annotation, "__args__", ()) and len(args) == 1:
        return args[0]
    return annotation


def _evaluate(annotation: Any, namespace: dict[str, Any]) -> Any:
    """The Python type an annotation written on the class names (None if not yet defined)."""
    if isinstance(annotation, str):
        try:
            annotation = eval(annotation, namespace, {"strawberry": strawberry})
        except NameError:
            return None
    if getattr(annotation, "__metadata__", None) is not None:  # strawberry.Private[X]
        annotation = annotation.__origin__
    return _unwrap_optional(annotation)


def _converter(kind: Any) -> Callable[[object], object] | None:
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        members = cast(type[enum.Enum], kind)

        def to_enum(value: object) -> object:
            # An unknown value stays raw: serialising it is an error at this field only.
            try:
                return members(value)
            except ValueError:
                return value

        return to_enum
    if kind is std.Rupiah or kind is int:
        return lambda value: int(value) if isinstance(value, decimal.Decimal) and value == value.to_integral() \
            else value
    if kind is bool:
        return lambda value: bool(value) if isinstance(value, int) else value
    return None


class EntityInfo:
    """What `@entity` knows of a type: its table, columns and batched rows."""

    def __init__(self, cls: type, table: FromClause, key: str, columns: list[_Column]) -> None:
        self.cls = cls
        self.table = table
        self.key = key
        self.columns = columns
        self.table_name = str(getattr(table, "name", table))

    def _values(self, row: RowMapping) -> tuple[dict[str, object], list[Problem]]:
        values: dict[str, object] = {}
        problems: list[Problem] = []
        for column in self.columns:
            value = row[column.name]
            if value is not None and column.convert is not None:
                value = column.convert(value)
            if value is not None and column.check is not None:
                try:
                    column.check(value)
                except std.ScalarValueError as error:
                    problems.append(Problem(self.table_name, self.key, row[self.key], column.name,
                                            error.scalar, error.reason))
            elif isinstance(column.kind, type) and issubclass(column.kind, enum.Enum) and isinstance(value, str):
                problems.append(Problem(self.table_name, self.key, row[self.key], column.name, column.kind.__name__,
                                        f"{value[:40]!r} is not one of {', '.join(m.name for m in column.kind)}"))
            values[column.name] = value
        return values, problems

    def build(self, row: RowMapping) -> Any:
        values, problems = self._values(row)
        for problem in problems:
            # Dirty legacy data: the item errors at its path; the OPD finds the row in the log.
            logger.warning("%s", problem)
        return self.cls(**values)

    def problems(self, row: RowMapping) -> list[Problem]:
        """Why `row` fails the data standard (empty when it does not): what `lint-data` reports."""
        return self._values(row)[1]


@dataclasses.dataclass(frozen=True)
class Problem:
    """A value of a row that fails its field's scalar or enum."""

    table: str
    key: str
    key_value: object
    column: str
    scalar: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table} {self.key}={self.key_value}: column {self.column} fails {self.scalar}: {self.reason}"


def entity(
    table: FromClause | type,
    *,
    key: str | None = None,
    hide: Iterable[str] = (),
    types: Mapping[str, Any] | None = None,
    order_by: Sequence[str] = (),
    federated: bool = True,
    name: str | None = None,
    description: str | None = None,
    directives: Sequence[object] = (),
) -> Callable[[type[T]], type[T]]:
    """Make `cls` a strawberry type over `table` keyed by the column `key` (an `@key` when `federated`).

    `table` is a Table (declared, or reflected by `subgraphs.kit.reflect`), a select, or a
    SQLAlchemy model (its `__table__`); `key` defaults to the table's one-column primary key, or
    else its one-column unique key. `types` maps a column to its type by declaration (a scalar,
    an enum); `order_by` orders lists and pages (then by key); the class's own annotations and
    fields win over derived ones.
    """
    hidden = set(hide)
    declared = dict(types or {})
    source: FromClause = getattr(table, "__table__", table)
    if not isinstance(source, FromClause):
        raise TypeError(f"{table!r} is neither a table, a select nor a SQLAlchemy model")
    key = key or _default_key(source)
    if key not in source.columns:
        raise TypeError(f"{getattr(source, 'name', source)} has no column {key!r} to be the key")
    table = source

    def decorate(cls: type[T]) -> type[T]:
        own = dict(inspect.get_annotations(cls))
        annotations: dict[str, Any] = {}
        columns: list[_Column] = []
        namespace = sys.modules[cls.__module__].__dict__
        for column in table.columns:
            column_name = column.key
            if column_name in own:
                annotation = own[column_name]
                kind = _evaluate(annotation, namespace)

            else:
                kind = declared.get(column_name) or python_type(column_name, column.type)
                annotation = kind | None if column.nullable else kind
                if column_name in hidden:
                    annotation = strawberry.Private[annotation]
            annotations[column_name] = annotation
            columns.append(_Column(column_name, kind, _converter(kind), _check(column_name, kind)))
        for attribute, annotation in own.items():
            annotations.setdefault(attribute, annotation)
        cls.__annotations__ = annotations
        info = EntityInfo(cls, table, key, columns)
        rows: SqlEntity[Any] = SqlEntity(table, info.build, key=key, order_by=order_by)
        cls.__kit_entity__ = info  # type: ignore[attr-defined]
        cls.__kit_key__ = key  # type: ignore[attr-defined]
        cls.rows = rows  # type: ignore[attr-defined]
        if federated and "resolve_reference" not in cls.__dict__:
            field_name = _camel(key)
            check = _check(key, next(c.kind for c in columns if c.name == key))

            async def resolve_reference(cls_: type, info: Info[Any, None], **representation: Any) -> Any:
                value = representation[field_name]
                return await rows.get(info.context, check(value) if check is not None else value)

            cls.resolve_reference = classmethod(resolve_reference)  # type: ignore[attr-defined]
        if federated:
            return cast(type[T], strawberry.federation.type(
                cls, keys=[_camel(key)], name=name, description=description, directives=directives))
        return cast(type[T], strawberry.type(cls, name=name, description=description, directives=directives))

    return decorate


def _default_key(table: FromClause) -> str:
    from sqlalchemy import Table

    from subgraphs.kit.reflect import unique_keys

    keys = unique_keys(table) if isinstance(table, Table) else []
    single = [k[0] for k in keys if len(k) == 1]
    if not single:
        raise TypeError(f"{getattr(table, 'name', table)} has no one-column primary or unique key: give key=…")
    return single[0]


def _check(name: str, kind: Any) -> Callable[[object], object] | None:
    """The data standard's check of a column: a KodeWilayah named for a level is checked at that level."""
    if kind is std.KodeWilayah and name in std.LEVEL_BY_NAME:
        return lambda value: std.check_level(name, value)
    return _CHECKS.get(kind)


def _filter_values(arguments: Mapping[str, Any], kinds: Mapping[str, Any]) -> dict[str, object]:
    """Filter arguments as column values; a region code of the wrong level is refused, not matched to
    nothing (a kelurahan code given as `kodeKecamatan` would otherwise be an empty answer)."""
    values: dict[str, object] = {}
    for name, value in arguments.items():
        if value is not None and kinds.get(name) is std.KodeWilayah:
            std.check_level(name, value)
        values[name] = value.value if isinstance(value, enum.Enum) else value
    return values


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _target_rows(target: Any, module: str) -> Any:
    resolved = sys.modules[module].__dict__[target] if isinstance(target, str) else target
    return resolved


def _resolver(
    module: str, function: Callable[..., Any], parameters: Sequence[inspect.Parameter], returns: str
) -> Callable[..., Any]:
    """Give a generated resolver the signature strawberry reads (its arguments and return type)."""
    function.__module__ = module
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("root", inspect.Parameter.POSITIONAL_OR_KEYWORD),
         inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Info),
         *parameters],
        return_annotation=returns,
    )
    return function


def _caller_module() -> str:
    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None and frame.f_back.f_back is not None
    return cast(str, frame.f_back.f_back.f_globals["__name__"])


def has_many(
    target: type | str,
    column: str,
    *,
    by: str | None = None,
    order_by: Sequence[str] = (),
    limit: int | None = None,
    filters: Mapping[str, Any] | None = None,
    source: SqlEntity[Any] | None = None,
    assumed_size: int | None = None,
    description: str | None = None,
    directives: Sequence[object] = (),
    nullable: bool = False,
) -> Any:
    """A list field: the `target` rows whose `column` equals this object's `by` (its key by default).

    `order_by` ("-waktu" for descending) and `limit` (then a `limit` argument, the default given)
    run in the database, per parent, in the one statement of the batch. `filters` name equality
    arguments (column → type). The list's items are nullable: a dirty row is null with an error.
    """
    module = _caller_module()
    filter_types = dict(filters or {})
    parameters = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind | None)
        for name, kind in filter_types.items()
    ]
    if limit is not None:
        parameters.append(inspect.Parameter("limit", inspect.Parameter.KEYWORD_ONLY, default=limit,
                                            annotation=int))
        directives = (*directives, ListSize(slicing_arguments=["limit"], require_one_slicing_argument=False))
    elif assumed_size is not None:
        directives = (*directives, ListSize(assumed_size=assumed_size, require_one_slicing_argument=False))
    name = target if isinstance(target, str) else target.__name__

    async def resolve(root: Any, info: Info[Any, None], **arguments: Any) -> list[Any]:
        rows: SqlEntity[Any] = source or _target_rows(target, module).rows
        value = getattr(root, by or type(root).__kit_key__)
        count = arguments.pop("limit", None)
        active = _filter_values(arguments, filter_types)
        return await rows.list_by(info.context, column, value, order_by=order_by, limit=count, **active)

    returns = f"list[{name} | None] | None" if nullable else f"list[{name} | None]"
    return strawberry.field(resolver=_resolver(module, resolve, parameters, returns),
                            description=description, directives=directives)


def reference(
    target: type | str,
    column: str,
    *,
    nullable: bool = True,
    description: str | None = None,
    directives: Sequence[object] = (),
) -> Any:
    """A field holding the `target` whose key is this object's `column`.

    A target declared with `@entity` is read (batched); any other (an entity of another
    subgraph, such as `Penduduk`) is a reference the gateway resolves: `Target(key=value)`.
    """
    module = _caller_module()
    name = target if isinstance(target, str) else target.__name__

    async def resolve(root: Any, info: Info[Any, None]) -> Any:
        resolved = _target_rows(target, module)
        value = getattr(root, column)
        if value is None:
            return None
        if getattr(resolved, "__kit_entity__", None) is not None or \
                getattr(resolved, "__kit_rest_type__", None) is not None:  # an @entity or a @rest_entity
            return await resolved.rows.get(info.context, value)
        return resolved(**{resolved.__kit_key__: value})

    returns = f"{name} | None" if nullable else name
    return strawberry.field(resolver=_resolver(module, resolve, [], returns),
                            description=description, directives=directives)


def page_field(
    target: type | str,
    *,
    filters: Mapping[str, Any] | None = None,
    fixed: Mapping[str, object] | None = None,
    description: str | None = None,
    directives: Sequence[object] = (),
) -> Any:
    """A root list field: `Connection` pages of `target` in key order (`first`, `after`), with
    equality `filters` as arguments (column → type) and `fixed` ones always applied."""
    from subgraphs.kit.types import Connection

    module = _caller_module()
    name = target if isinstance(target, str) else target.__name__
    filter_types = dict(filters or {})
    parameters = [
        inspect.Parameter(arg, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=kind | None)
        for arg, kind in filter_types.items()
    ]
    parameters += [
        inspect.Parameter("first", inspect.Parameter.KEYWORD_ONLY, default=DEFAULT_PAGE_SIZE, annotation=int),
        inspect.Parameter("after", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=str | None),
    ]
    sized = ListSize(slicing_arguments=["first"], sized_fields=["nodes"], require_one_slicing_argument=False)

    async def resolve(root: Any, info: Info[Any, None], first: int, after: str | None,
                      **arguments: Any) -> Any:
        rows: SqlEntity[Any] = _target_rows(target, module).rows
        active = _filter_values(arguments, filter_types)
        active.update(fixed or {})
        return Connection.of(await rows.page(info.context, first=first, after=after, filters=active))

    namespace = sys.modules[module].__dict__
    namespace.setdefault("Connection", Connection)
    return strawberry.field(resolver=_resolver(module, resolve, parameters, f"Connection[{name}]"),
                            description=description, directives=(*directives, sized))


def declared_entities(schema: Any) -> list[EntityInfo]:
    """The `@entity` types a strawberry schema serves, in the schema's order."""
    found: list[EntityInfo] = []
    for graphql_type in schema._schema.type_map.values():
        definition = getattr(graphql_type, "extensions", None) or {}
        origin = getattr(definition.get("strawberry-definition"), "origin", None)
        info = getattr(origin, "__kit_entity__", None)
        if isinstance(info, EntityInfo) and info not in found:
            found.append(info)
    return found


def rows(cls: type[T]) -> SqlEntity[T]:
    """The batched rows of a type declared with `@entity`: `await rows(Puskesmas).get(ctx, kode)`."""
    found = cls.__dict__.get("rows")
    if not isinstance(found, SqlEntity):
        raise TypeError(f"{cls.__name__} is not declared with @entity")
    return found


__all__ = [
    "EntityInfo", "Problem", "declared_entities", "entity", "has_many", "page_field", "python_type", "reference",
    "rows", "standard_scalar",
]
