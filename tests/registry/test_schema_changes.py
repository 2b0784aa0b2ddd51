"""Which schema changes break clients, and the coordinates whose use they break."""

from __future__ import annotations

import pytest
from graphql import build_schema

from federation.registry.schema_changes import find_breaking_changes

BASE = """
type Query {
  penduduk(nik: String, limit: Int!): Penduduk
  kecamatan: [Kecamatan!]!
  cari(filter: Filter): [Penduduk]
}
type Penduduk { nik: String! nama: String agama: Agama }
type Kecamatan { nama: String! }
enum Agama { ISLAM KRISTEN KATOLIK HINDU BUDDHA KONGHUCU }
input Filter { nama: String rentang: Rentang }
input Rentang { dari: Int sampai: Int }
"""


def changes(old: str, new: str) -> list[tuple[str, str]]:
    return [(c.kind, c.coordinate) for c in find_breaking_changes(build_schema(old), build_schema(new))]


def test_adding_fields_types_and_optional_arguments_breaks_nothing() -> None:
    new = (
        BASE.replace("nama: String agama", "nama: String alamat: String agama").replace(
            "limit: Int!)", "limit: Int!, aktif: Boolean)"
        )
        + "type Kelurahan { nama: String }"
    )
    assert changes(BASE, new) == []


@pytest.mark.parametrize(
    ("old_part", "new_part", "expected"),
    [
        ("nama: String agama", "agama", [("FIELD_REMOVED", "Penduduk.nama")]),
        ("nama: String agama", "namaLengkap: String agama", [("FIELD_REMOVED", "Penduduk.nama")]),
        ("nik: String!", "nik: String", [("FIELD_CHANGED_KIND", "Penduduk.nik")]),
        ("nik: String!", "nik: Int!", [("FIELD_CHANGED_KIND", "Penduduk.nik")]),
        ("[Kecamatan!]!", "Kecamatan", [("FIELD_CHANGED_KIND", "Query.kecamatan")]),
        ("penduduk(nik: String,", "penduduk(nik: String!,", [("ARG_CHANGED_KIND", "Query.penduduk(nik:)")]),
        ("penduduk(nik: String,", "penduduk(", [("ARG_REMOVED", "Query.penduduk(nik:)")]),
        ("limit: Int!)", "limit: Int!, asal: String!)", [("REQUIRED_ARG_ADDED", "Query.penduduk(asal:)")]),
        ("HINDU BUDDHA", "HINDU", [("VALUE_REMOVED_FROM_ENUM", "Agama.BUDDHA")]),
        ("dari: Int sampai", "dari: Int! sampai", [("FIELD_CHANGED_KIND", "Rentang.dari")]),
        ("sampai: Int }", "sampai: Int tahun: Int! }", [("REQUIRED_INPUT_FIELD_ADDED", "Rentang.tahun")]),
    ],
)
def test_breaking_changes_are_found_with_their_coordinate(
    old_part: str, new_part: str, expected: list[tuple[str, str]]
) -> None:
    assert old_part in BASE
    assert changes(BASE, BASE.replace(old_part, new_part)) == expected


def test_making_a_field_non_null_or_an_argument_nullable_is_safe() -> None:
    new = BASE.replace("nama: String agama", "nama: String! agama").replace("limit: Int!)", "limit: Int)")
    assert changes(BASE, new) == []


def test_removing_a_type_breaks_every_field_that_returns_it() -> None:
    new = BASE.replace("kecamatan: [Kecamatan!]!", "").replace("type Kecamatan { nama: String! }", "")
    removed = {c.coordinate: c for c in find_breaking_changes(build_schema(BASE), build_schema(new))}

    assert set(removed) == {"Query.kecamatan", "Kecamatan"}
    assert removed["Kecamatan"].affected == {"Kecamatan", "Kecamatan.nama", "Query.kecamatan"}


def test_a_removed_enum_value_affects_the_fields_that_return_or_take_the_enum() -> None:
    (change,) = find_breaking_changes(build_schema(BASE), build_schema(BASE.replace(" KONGHUCU", "")))
    assert change.affected == {"Agama.KONGHUCU", "Penduduk.agama"}


def test_a_nested_input_change_affects_the_fields_taking_the_outer_input() -> None:
    (change,) = find_breaking_changes(build_schema(BASE), build_schema(BASE.replace("dari: Int sampai", "sampai")))
    assert change.affected == {"Rentang.dari", "Query.cari"}
