"""The data-standard scalars: every valid and invalid case a subgraph relies on, through GraphQL."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry

from subgraphs.kit import (
    NIB,
    NIK,
    NOP,
    KodeWilayah,
    NomorKK,
    NomorTelepon,
    Rupiah,
    Tanggal,
    WaktuWITA,
    create_schema,
)
from subgraphs.kit.scalars import nik_sex


@strawberry.type
class Query:
    @strawberry.field
    def nik(self, value: NIK) -> NIK:
        return value

    @strawberry.field
    def nomor_kk(self, value: NomorKK) -> NomorKK:
        return value

    @strawberry.field
    def kode_wilayah(self, value: KodeWilayah) -> KodeWilayah:
        return value

    @strawberry.field
    def nop(self, value: NOP) -> NOP:
        return value

    @strawberry.field
    def nib(self, value: NIB) -> NIB:
        return value

    @strawberry.field
    def rupiah(self, value: Rupiah) -> Rupiah:
        return value

    @strawberry.field
    def telepon(self, value: NomorTelepon) -> NomorTelepon:
        return value

    @strawberry.field
    def tanggal(self, value: Tanggal) -> Tanggal:
        return value

    @strawberry.field
    def waktu(self, value: WaktuWITA) -> WaktuWITA:
        return value

    @strawberry.field(description="A NIK as a broken database row would hold it")
    def stored_nik(self) -> NIK:
        return NIK("7371041203800000")


schema = create_schema(Query)

TYPES = {"nik": "NIK", "nomorKk": "NomorKK", "kodeWilayah": "KodeWilayah", "nop": "NOP", "nib": "NIB",
         "rupiah": "Rupiah", "telepon": "NomorTelepon", "tanggal": "Tanggal", "waktu": "WaktuWITA"}


async def echo(field: str, value: Any) -> Any:
    """Pass `value` as a variable and return the field's result (or raise with the errors)."""
    result = await schema.execute(
        f"query($v: {TYPES[field]}!) {{ {field}(value: $v) }}", variable_values={"v": value}
    )
    if result.errors:
        raise AssertionError(result.errors)
    assert result.data is not None
    return result.data[field]


async def refusal(field: str, value: Any) -> dict[str, Any]:
    result = await schema.execute(
        f"query($v: {TYPES[field]}!) {{ {field}(value: $v) }}", variable_values={"v": value}
    )
    assert result.errors, f"{value!r} was accepted as {TYPES[field]}"
    assert len(result.errors) == 1
    extensions = result.errors[0].extensions
    assert extensions is not None
    return extensions


VALID = [
    ("nik", "7371041203800001", "7371041203800001"),  # man born 12 March 1980 in Ujung Pandang
    ("nik", "7371045506830002", "7371045506830002"),  # woman born 15 June 1983 (15 + 40)
    ("nik", "7371137112960015", "7371137112960015"),  # woman born 31 December 1996 (31 + 40)
    ("nik", "7371136902000001", "7371136902000001"),  # woman born 29 February 2000
    ("nik", "3171010101010001", "3171010101010001"),  # Jakarta Pusat
    ("nomorKk", "7371042001100001", "7371042001100001"),
    ("kodeWilayah", "73", "73"),
    ("kodeWilayah", "73.71", "73.71"),
    ("kodeWilayah", "73.71.04", "73.71.04"),
    ("kodeWilayah", "73.71.04.1001", "73.71.04.1001"),
    ("kodeWilayah", "73.01.01.2001", "73.01.01.2001"),  # a desa in Kabupaten Selayar
    ("nop", "737104005001000010", "737104005001000010"),
    ("nop", "73.71.040.050.010-0001.0", "737104005001000010"),  # as printed on the bill
    ("nib", "9120000000011", "9120000000011"),
    ("rupiah", 0, 0),
    ("rupiah", 2_766_000, 2_766_000),
    ("rupiah", 5_000_000_000, 5_000_000_000),  # beyond GraphQL Int's 32 bits
    ("rupiah", "750000", 750_000),
    ("telepon", "+6281234567890", "+6281234567890"),
    ("telepon", "081234567890", "+6281234567890"),
    ("telepon", "62 812-3456-7890", "+6281234567890"),
    ("telepon", "+62411872345", "+62411872345"),  # a Makassar landline (0411)
    ("tanggal", "2026-06-30", "2026-06-30"),
    ("waktu", "2026-06-30T09:30:00+08:00", "2026-06-30T09:30:00+08:00"),
    ("waktu", "2026-06-30T01:30:00Z", "2026-06-30T09:30:00+08:00"),
    ("waktu", "2026-06-30T08:30:00+07:00", "2026-06-30T09:30:00+08:00"),  # from WIB
]

INVALID = [
    ("nik", "737104120380001", "INVALID_NIK", "exactly 16 digits"),
    ("nik", "73710412038000012", "INVALID_NIK", "exactly 16 digits"),
    ("nik", "7371O41203800001", "INVALID_NIK", "exactly 16 digits"),
    ("nik", 7371041203800001, "INVALID_NIK", "string"),
    ("nik", "9971041203800001", "INVALID_NIK", "province code 99"),
    ("nik", "7370041203800001", "INVALID_NIK", "regency/city code 70"),
    ("nik", "7300041203800001", "INVALID_NIK", "regency/city code 00"),
    ("nik", "7371001203800001", "INVALID_NIK", "district"),
    ("nik", "7371043203800001", "INVALID_NIK", "birth day 32"),
    ("nik", "7371047203800001", "INVALID_NIK", "birth day 72"),
    ("nik", "7371040003800001", "INVALID_NIK", "birth day 00"),
    ("nik", "7371041213800001", "INVALID_NIK", "birth month 13"),
    ("nik", "7371043102800001", "INVALID_NIK", "birth day 31"),  # 31 February
    ("nik", "7371042902010001", "INVALID_NIK", "birth day 29"),  # 1901 and 2001 are not leap years
    ("nik", "7371041203800000", "INVALID_NIK", "serial number 0000"),
    ("nomorKk", "737104200110000", "INVALID_NOMOR_KK", "exactly 16 digits"),
    ("nomorKk", "7371042001100000", "INVALID_NOMOR_KK", "serial number 0000"),
    ("nomorKk", "0071042001100001", "INVALID_NOMOR_KK", "province code 00"),
    ("kodeWilayah", "73.71.4.1001", "INVALID_KODE_WILAYAH", "2.2.2.4 digits"),
    ("kodeWilayah", "7371041001", "INVALID_KODE_WILAYAH", "2.2.2.4 digits"),
    ("kodeWilayah", "73.70.04.1001", "INVALID_KODE_WILAYAH", "regency/city code 70"),
    ("kodeWilayah", "73.00", "INVALID_KODE_WILAYAH", "regency/city code 00"),
    ("kodeWilayah", "20.71", "INVALID_KODE_WILAYAH", "province code 20"),
    ("kodeWilayah", "73.71.00", "INVALID_KODE_WILAYAH", "district"),
    ("kodeWilayah", "73.71.04.3001", "INVALID_KODE_WILAYAH", "must start with 1 (kelurahan) or 2 (desa)"),
    ("kodeWilayah", "73.71.04.1000", "INVALID_KODE_WILAYAH", "village code 1000"),
    ("nop", "73710400500100001", "INVALID_NOP", "exactly 18 digits"),
    ("nop", "73.71.040.050.010-0000.0", "INVALID_NOP", "serial number 0000"),
    ("nop", "737000005001000010", "INVALID_NOP", "regency/city code 70"),
    ("nib", "912000000001", "INVALID_NIB", "exactly 13 digits"),
    ("nib", "0000000000000", "INVALID_NIB", "not issued"),
    ("rupiah", 1.5, "INVALID_RUPIAH", "never a float"),
    ("rupiah", 1.0, "INVALID_RUPIAH", "never a float"),
    ("rupiah", -500, "INVALID_RUPIAH", "negative"),
    ("rupiah", "12.500", "INVALID_RUPIAH", "digits only"),
    ("rupiah", True, "INVALID_RUPIAH", "boolean"),
    ("telepon", "+6581234567", "INVALID_NOMOR_TELEPON", "+62"),
    ("telepon", "+620812345678", "INVALID_NOMOR_TELEPON", "not starting with 0"),
    ("telepon", "0812", "INVALID_NOMOR_TELEPON", "8 to 12 digits"),
    ("tanggal", "30-06-2026", "INVALID_TANGGAL", "YYYY-MM-DD"),
    ("tanggal", "2026-02-30", "INVALID_TANGGAL", "day is out of range"),
    ("waktu", "2026-06-30T09:30:00", "INVALID_WAKTU_WITA", "UTC offset"),
    ("waktu", "yesterday", "INVALID_WAKTU_WITA", "ISO 8601"),
]


@pytest.mark.parametrize(("field", "value", "expected"), VALID)
async def test_valid_values_are_accepted_and_normalised(field: str, value: Any, expected: Any) -> None:
    assert await echo(field, value) == expected


@pytest.mark.parametrize(("field", "value", "code", "reason"), INVALID)
async def test_invalid_values_are_refused_with_code_value_and_reason(
    field: str, value: Any, code: str, reason: str
) -> None:
    extensions = await refusal(field, value)
    assert extensions["code"] == code
    assert extensions["value"] == value
    assert reason in extensions["reason"]


async def test_a_refused_inline_argument_names_the_scalar_value_and_reason() -> None:
    result = await schema.execute('{ nik(value: "7371041203800000") }')
    assert result.errors is not None
    error = result.errors[0]
    assert error.message == "Invalid NIK '7371041203800000': serial number 0000 is not issued"
    assert error.extensions == {
        "code": "INVALID_NIK", "value": "7371041203800000", "reason": "serial number 0000 is not issued",
    }


async def test_an_inline_float_is_refused_as_rupiah() -> None:
    result = await schema.execute("{ rupiah(value: 1500.0) }")
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "INVALID_RUPIAH"


async def test_a_malformed_value_from_the_database_is_an_error_not_an_answer() -> None:
    result = await schema.execute("{ storedNik }")
    assert result.data is None
    assert result.errors is not None
    assert result.errors[0].path == ["storedNik"]
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "INVALID_NIK"


def test_the_sex_is_read_from_the_birth_day() -> None:
    assert nik_sex("7371041203800001") == "L"
    assert nik_sex("7371045506830002") == "P"
