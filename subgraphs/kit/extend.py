"""Extend an entity another subgraph owns: the city's `Penduduk`, a `KartuKeluarga`, a `Kecamatan`.

    @penduduk
    class Penduduk:
        objek_pajak = has_many(ObjekPajak, "nik_pemilik")

gives this subgraph's `Penduduk @key(fields: "nik")`: the key field, a `resolve_reference` that
checks the key against the data standard (a malformed NIK is an error at that representation, not
a silent null) and the fields the class declares. Every field an OPD adds to `Penduduk` must be
nullable, so one OPD being down nulls only its part of a citizen (`create_schema` checks it).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry
from strawberry.types import Info

from subgraphs.kit import scalars as std
from subgraphs.kit.context import SubgraphContext

T = TypeVar("T")

# The context every resolver of a kit subgraph receives: `info: Ctx`, then `info.context`.
Ctx = Info[SubgraphContext, None]


def extension(
    key: str, kind: Any, check: Callable[[object], object], *, all_nullable: bool = False
) -> Callable[[type[T]], type[T]]:
    """A decorator making a class this subgraph's part of an entity keyed by `key` of type `kind`."""
    field_name = key.split("_")[0] + "".join(p.capitalize() for p in key.split("_")[1:])

    def decorate(cls: type[T]) -> type[T]:
        annotations = dict(inspect.get_annotations(cls))
        annotations = {key: kind, **annotations}
        cls.__annotations__ = annotations

        def resolve_reference(cls_: type[T], **representation: Any) -> T:
            return cls_(**{key: check(representation[field_name])})

        if "resolve_reference" not in cls.__dict__:
            cls.resolve_reference = classmethod(resolve_reference)  # type: ignore[attr-defined]
        cls.__kit_key__ = key  # type: ignore[attr-defined]
        if all_nullable:
            cls.__kit_all_nullable__ = key  # type: ignore[attr-defined]
        return cast(type[T], strawberry.federation.type(cls, keys=[field_name]))

    return decorate


penduduk = extension("nik", std.NIK, std.parse_nik, all_nullable=True)
"""`@penduduk class Penduduk: …` — this OPD's fields of a citizen (all nullable)."""

kartu_keluarga = extension("nomor_kk", std.NomorKK, std.parse_nomor_kk)
"""`@kartu_keluarga class KartuKeluarga: …` — this OPD's fields of a family card."""


def kecamatan(cls: type[T]) -> type[T]:
    """`@kecamatan class Kecamatan: …` — this OPD's fields of a kecamatan (key: its code)."""
    return extension("kode", std.KodeWilayah, lambda v: std.parse_kode_wilayah(v, level="kecamatan"))(cls)


__all__ = ["Ctx", "extension", "kartu_keluarga", "kecamatan", "penduduk"]
