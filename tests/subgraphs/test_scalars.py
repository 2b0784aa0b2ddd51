"""The data-standard scalars: every valid and invalid case a subgraph relies on, through GraphQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import strawberry

from subgraphs.kit import (
    NIB,
    NIK,
    NOP,
    NPWP,
    KodeWilayah,
    NomorKK,
    NomorTelepon,
    Rupiah,
    RupiahKoreksi,
    SubgraphContext,
    Tanggal,
    WaktuWITA,
    create_schema,
)
from subgraphs.kit.scalars import SCALAR_MAP, nik_sex


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
    def npwp(self, value: NPWP) -> NPWP:
        return value

    @strawberry.field
    def rupiah_koreksi(self, value: RupiahKoreksi) -> RupiahKoreksi:
        return value

    @strawberry.field(description="A NUMERIC(18, 0) column's value, as the driver gives it")
    def stored_tagihan(self) -> Rupiah:
        return Rupiah(Decimal("2766000"))  # type: ignore[arg-type]

    @strawberry.field(description="A correction read from a NUMERIC column")
    def stored_koreksi(self) -> RupiahKoreksi:
        return RupiahKoreksi(Decimal("-150000"))  # type: ignore[arg-type]

    @strawberry.field(description="A fraction of a rupiah, which no bill holds")
    def stored_pecahan(self) -> Rupiah:
        return Rupiah(Decimal("12.50"))  # type: ignore[arg-type]

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
         "rupiah": "Rupiah", "npwp": "NPWP",
         "rupiahKoreksi": "RupiahKoreksi", "telepon": "NomorTelepon", "tanggal": "Tanggal", "waktu": "WaktuWITA"}


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
    ("npwp", "7371041203800001", "7371041203800001"),  # a person's NPWP is their NIK
    ("npwp", "0012345678901000", "0012345678901000"),  # a company's: the former NPWP with a leading 0
    ("npwp", "01.234.567.8-901.000", "0012345678901000"),  # the former NPWP as printed on its card
    ("npwp", "012345678901000", "0012345678901000"),
    ("rupiahKoreksi", -150_000, -150_000),
    ("rupiahKoreksi", "-150000", -150_000),
    ("rupiahKoreksi", 2_766_000, 2_766_000),
    ("rupiahKoreksi", 0, 0),
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
    ("nomorKk", "7371043102100001", "INVALID_NOMOR_KK", "issue day 31 is not a day of month 02"),
    ("nomorKk", "7371042013100001", "INVALID_NOMOR_KK", "issue month 13"),
    ("nomorKk", "7371046001100001", "INVALID_NOMOR_KK", "issue day 60"),  # no +40 on a family card
    ("npwp", "7371043203800001", "INVALID_NPWP", "a person's NPWP is their NIK, and this is not one: birth day 32"),
    ("npwp", "0000000000000000", "INVALID_NPWP", "serial 000000000"),
    ("npwp", "01234567890", "INVALID_NPWP", "exactly 16 digits"),
    ("rupiahKoreksi", -1.5, "INVALID_RUPIAH_KOREKSI", "never a float"),
    ("rupiahKoreksi", "--5", "INVALID_RUPIAH_KOREKSI", "digits only"),
    ("rupiah", -150_000, "INVALID_RUPIAH", "a correction is a RupiahKoreksi"),
    # What a copy from a spreadsheet leaves behind: never part of a value.
    ("nik", "7371041203800001 ", "INVALID_NIK", "must not begin or end with whitespace"),
    ("nik", " 7371041203800001", "INVALID_NIK", "must not begin or end with whitespace"),
    ("nomorKk", "7371042001100001\n", "INVALID_NOMOR_KK", "control character U+000A"),
    ("kodeWilayah", "73.71.04\n", "INVALID_KODE_WILAYAH", "control character U+000A"),
    ("kodeWilayah", "73.71.04 ", "INVALID_KODE_WILAYAH", "whitespace"),
    ("nop", "73.71.040.050.010-0001.0\u0000", "INVALID_NOP", "control character U+0000"),
    ("nib", "9120000000011\r", "INVALID_NIB", "control character U+000D"),
    ("rupiah", "750000 ", "INVALID_RUPIAH", "whitespace"),
    ("telepon", "081234567890\t", "INVALID_NOMOR_TELEPON", "control character U+0009"),
    ("telepon", "0812\u20283456789", "INVALID_NOMOR_TELEPON", "control character U+2028"),
    ("tanggal", "2026-06-30 ", "INVALID_TANGGAL", "whitespace"),
    ("waktu", "2026-06-30T09:30:00+08:00\u0085", "INVALID_WAKTU_WITA", "control character U+0085"),
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


async def test_a_whole_rupiah_amount_from_a_numeric_column_is_answered_as_an_integer() -> None:
    result = await schema.execute("{ storedTagihan storedKoreksi }")
    assert result.errors is None
    assert result.data == {"storedTagihan": 2_766_000, "storedKoreksi": -150_000}


async def test_a_fraction_of_a_rupiah_from_the_database_is_an_error_at_its_field() -> None:
    result = await schema.execute("{ storedPecahan }")
    assert result.errors is not None
    assert result.errors[0].path == ["storedPecahan"]
    assert result.errors[0].extensions == {"code": "INVALID_RUPIAH", "value": "12.50",
                                           "reason": "must be a whole number of rupiah"}


async def test_every_scalar_states_its_format_in_the_schema() -> None:
    result = await schema.execute('{ __schema { types { name kind description } } }')
    assert result.data is not None
    described = {t["name"]: t["description"] for t in result.data["__schema"]["types"] if t["kind"] == "SCALAR"}
    for definition in SCALAR_MAP.values():
        description = described[definition.name]
        assert any(hint in description for hint in ("digits", "ISO 8601", "region code")), definition.name
        assert any(c.isdigit() for c in description), f"{definition.name} gives no example"


@pytest.mark.parametrize(("query", "reason"), [
    ('{ kecamatan(kode: "73.71.04.1001") { nama } }', "is a kelurahan code; a kecamatan code is expected"),
    ('{ kelurahan(kode: "73.71.04") { nama } }', "is a kecamatan code; a kelurahan code is expected"),
    ('{ daftarPenduduk(kodeKelurahan: "73.71") { nodes { nik } } }', "is a kota code; a kelurahan code"),
])
async def test_a_region_code_of_another_level_than_the_field_expects_is_an_error(query: str, reason: str) -> None:
    from subgraphs.kependudukan.schema import schema as kependudukan

    result = await kependudukan.execute(query, context_value=SubgraphContext())
    assert result.errors is not None and len(result.errors) == 1
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "INVALID_KODE_WILAYAH"
    assert reason in result.errors[0].extensions["reason"]


async def test_a_puskesmas_list_of_a_kelurahan_code_is_an_error_not_an_empty_list() -> None:
    from subgraphs.kesehatan.schema import schema as kesehatan

    result = await kesehatan.execute('{ daftarPuskesmas(kodeKecamatan: "73.71.04.1001") { nama } }',
                                     context_value=SubgraphContext())
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["reason"].startswith("is a kelurahan code; a kecamatan code is expected")
