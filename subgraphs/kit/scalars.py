"""The data-standard scalars every OPD subgraph shares.

Each scalar validates what comes in (arguments, variables, entity keys) and what goes out
(values read from an OPD's database), so a malformed NIK is caught at the edge of the graph
instead of travelling between agencies. A refused value is a GraphQL error whose extensions
carry a `code`, the bad `value` and the `reason`.

The checks are pure functions (`parse_nik`, `parse_rupiah`, …) so seeders, REST stand-ins and
tests use exactly the rules the graph enforces.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, NewType

import strawberry
from graphql import FloatValueNode, GraphQLError, IntValueNode, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

# Kota Makassar's zone: Waktu Indonesia Tengah, UTC+8, no daylight saving.
WITA = timezone(timedelta(hours=8), "WITA")

# Kemendagri province codes (Permendagri 72/2019 and the 2022 Papua provinces).
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53}
    | {61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}
)


# How much of a refused value an error shows.
MAX_SHOWN = 40


class ScalarValueError(GraphQLError):
    """A value refused by a data-standard scalar; extensions say which code, value and why."""

    def __init__(self, scalar: str, value: object, reason: str) -> None:
        self.scalar = scalar
        self.value = value
        self.reason = reason
        shown = value if isinstance(value, str | int | float | bool) or value is None else repr(value)
        if isinstance(shown, str) and len(shown) > MAX_SHOWN:
            # An error never echoes a whole (possibly huge, possibly someone's) value back.
            shown = shown[:MAX_SHOWN] + "…"
        super().__init__(
            f"Invalid {scalar} {shown!r}: {reason}",
            extensions={"code": f"INVALID_{_code_name(scalar)}", "value": shown, "reason": reason},
        )


def _code_name(scalar: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", scalar).upper()


# Control characters (C0, DEL, C1) and the line and paragraph separators: never part of a value,
# often the trace of a copy from a spreadsheet or a broken export.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _clean(scalar: str, value: object) -> None:
    """Refuse a string with a control character or leading/trailing whitespace: `"7371… "` is not a NIK
    a database lookup would find, and accepting it would make two spellings of one value."""
    if not isinstance(value, str):
        return
    control = _CONTROL.search(value)
    if control is not None:
        raise ScalarValueError(scalar, value, f"must not contain the control character U+{ord(control.group()):04X}")
    if value != value.strip():
        raise ScalarValueError(scalar, value, "must not begin or end with whitespace")


def _digits(scalar: str, value: object, length: int) -> str:
    _clean(scalar, value)
    if not isinstance(value, str):
        raise ScalarValueError(scalar, value, f"must be a string of {length} digits")
    if len(value) != length or not value.isascii() or not value.isdigit():
        raise ScalarValueError(scalar, value, f"must be exactly {length} digits, got {len(value)} characters")
    return value


def _check_region(scalar: str, value: object, province: str, regency: str, district: str | None) -> None:
    if int(province) not in PROVINCE_CODES:
        raise ScalarValueError(scalar, value, f"province code {province} does not exist")
    if regency in ("00", "70"):
        raise ScalarValueError(
            scalar, value, f"regency/city code {regency} is not used (regencies 01-69, cities 71-99)"
        )
    if district is not None and int(district) == 0:
        raise ScalarValueError(scalar, value, "district (kecamatan) code 00 is not used")


def _check_date(scalar: str, value: object, digits: str, what: str, *, women_add_40: bool) -> None:
    """A DDMMYY date part: the month a month, the day a day of it in 19YY or 20YY."""
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    if women_add_40 and day > 40:  # women's birth day is written with 40 added
        day -= 40
    if not 1 <= month <= 12:
        raise ScalarValueError(scalar, value, f"{what} month {digits[2:4]} is not a month")
    # Two-digit years are ambiguous between centuries; 29 February is valid if either century allows.
    longest = max(calendar.monthrange(1900 + year, month)[1], calendar.monthrange(2000 + year, month)[1])
    if not 1 <= day <= longest:
        hint = " (women add 40 to the day)" if women_add_40 else ""
        raise ScalarValueError(scalar, value, f"{what} day {digits[0:2]} is not a day of month {month:02d}{hint}")


def parse_nik(value: object) -> str:
    """NIK: PP RR DD DDMMYY SSSS (region of first registration, birth date, serial)."""
    nik = _digits("NIK", value, 16)
    _check_region("NIK", value, nik[0:2], nik[2:4], nik[4:6])
    _check_date("NIK", value, nik[6:12], "birth", women_add_40=True)
    if nik[12:16] == "0000":
        raise ScalarValueError("NIK", value, "serial number 0000 is not issued")
    return nik


def nik_sex(nik: str) -> str:
    """'P' (perempuan) when the NIK's birth day carries the +40, otherwise 'L'."""
    return "P" if int(nik[6:8]) > 40 else "L"


def parse_nomor_kk(value: object) -> str:
    """Nomor Kartu Keluarga: PP RR DD (issuing region) DDMMYY (issue date) SSSS."""
    kk = _digits("NomorKK", value, 16)
    _check_region("NomorKK", value, kk[0:2], kk[2:4], kk[4:6])
    _check_date("NomorKK", value, kk[6:12], "issue", women_add_40=False)
    if kk[12:16] == "0000":
        raise ScalarValueError("NomorKK", value, "serial number 0000 is not issued")
    return kk


_KODE_WILAYAH = re.compile(r"(\d{2})(?:\.(\d{2})(?:\.(\d{2})(?:\.(\d{4}))?)?)?")


# The levels of a Kemendagri region code, by how many parts it has.
LEVELS = {1: "provinsi", 2: "kota", 3: "kecamatan", 4: "kelurahan"}
_EXAMPLES = {"provinsi": "73", "kota": "73.71", "kecamatan": "73.71.04", "kelurahan": "73.71.04.1001"}


def parse_kode_wilayah(value: object, level: str | None = None) -> str:
    """Kemendagri region code at any level: `73`, `73.71`, `73.71.04` or `73.71.04.1001`.

    With `level` ("provinsi", "kota", "kecamatan" or "kelurahan") a code of another level is refused.
    """
    _clean("KodeWilayah", value)
    if level is not None and isinstance(value, str) and _KODE_WILAYAH.fullmatch(value):
        found = LEVELS[value.count(".") + 1]
        if found != level:
            raise ScalarValueError(
                "KodeWilayah", value, f"is a {found} code; a {level} code is expected, e.g. {_EXAMPLES[level]}"
            )
    if not isinstance(value, str):
        raise ScalarValueError("KodeWilayah", value, "must be a string like 73.71.04.1001")
    match = _KODE_WILAYAH.fullmatch(value)
    if match is None:
        raise ScalarValueError(
            "KodeWilayah", value,
            "must be province.regency.district.village with 2.2.2.4 digits, e.g. 73.71.04.1001",
        )
    province, regency, district, village = match.groups()
    if int(province) not in PROVINCE_CODES:
        raise ScalarValueError("KodeWilayah", value, f"province code {province} does not exist")
    if regency is not None and (regency == "00" or regency == "70"):
        raise ScalarValueError(
            "KodeWilayah", value, f"regency/city code {regency} is not used (regencies 01-69, cities 71-99)"
        )
    if district is not None and district == "00":
        raise ScalarValueError("KodeWilayah", value, "district (kecamatan) code 00 is not used")
    if village is not None and village[0] not in "12":
        raise ScalarValueError(
            "KodeWilayah", value, f"village code {village} must start with 1 (kelurahan) or 2 (desa)"
        )
    if village is not None and village[1:] == "000":
        raise ScalarValueError("KodeWilayah", value, f"village code {village} is not used")
    return value


_NOP_FORMATTED = re.compile(r"(\d{2})\.(\d{2})\.(\d{3})\.(\d{3})\.(\d{3})-(\d{4})\.(\d)")


def parse_nop(value: object) -> str:
    """Nomor Objek Pajak: 18 digits, bare or written PP.RR.CCC.VVV.BBB-NNNN.J; returns the bare digits."""
    _clean("NOP", value)
    formatted = _NOP_FORMATTED.fullmatch(value) if isinstance(value, str) else None
    nop = "".join(formatted.groups()) if formatted is not None else _digits("NOP", value, 18)
    _check_region("NOP", value, nop[0:2], nop[2:4], None)
    if nop[4:7] == "000":
        raise ScalarValueError("NOP", value, "district (kecamatan) code 000 is not used")
    if nop[13:17] == "0000":
        raise ScalarValueError("NOP", value, "object serial number 0000 is not issued")
    return nop


def format_nop(nop: str) -> str:
    """The way a NOP is printed on a PBB bill: 73.71.010.001.001-0001.0."""
    return f"{nop[0:2]}.{nop[2:4]}.{nop[4:7]}.{nop[7:10]}.{nop[10:13]}-{nop[13:17]}.{nop[17]}"


def parse_nib(value: object) -> str:
    """Nomor Induk Berusaha (OSS business number): 13 digits."""
    nib = _digits("NIB", value, 13)
    if nib == "0" * 13:
        raise ScalarValueError("NIB", value, "0000000000000 is not issued")
    return nib


_NPWP_15_FORMATTED = re.compile(r"(\d{2})\.(\d{3})\.(\d{3})\.(\d)-(\d{3})\.(\d{3})")


def parse_npwp(value: object) -> str:
    """NPWP, 16 digits (PMK 112/2022): a person's is their NIK, anyone else's the former 15-digit
    NPWP with a 0 in front. A 15-digit NPWP (bare or written 01.234.567.8-901.000) is given its 0."""
    _clean("NPWP", value)
    formatted = _NPWP_15_FORMATTED.fullmatch(value) if isinstance(value, str) else None
    bare = "".join(formatted.groups()) if formatted is not None else value
    if isinstance(bare, str) and len(bare) == 15 and bare.isascii() and bare.isdigit():
        value_16 = "0" + bare  # the former 15-digit NPWP
    else:
        value_16 = _digits("NPWP", value, 16)
    if value_16.startswith("0"):
        if value_16[1:10] == "0" * 9:
            raise ScalarValueError("NPWP", value, "taxpayer serial 000000000 is not issued")
        return value_16
    try:
        parse_nik(value_16)
    except ScalarValueError as error:
        raise ScalarValueError(
            "NPWP", value, f"a person's NPWP is their NIK, and this is not one: {error.reason}"
        ) from None
    return value_16


def parse_rupiah(value: object) -> int:
    """Whole rupiah, zero or more; never a float, even 1.0, so no amount is rounded on the way."""
    if isinstance(value, bool):
        raise ScalarValueError("Rupiah", value, "must be a whole number of rupiah, not a boolean")
    if isinstance(value, float):
        raise ScalarValueError("Rupiah", value, "must be a whole number of rupiah, never a float")
    if isinstance(value, Decimal):
        # A NUMERIC column gives a Decimal: whole rupiah pass, a fraction of a rupiah does not.
        if not value.is_finite() or value != value.to_integral_value():
            raise ScalarValueError("Rupiah", str(value), "must be a whole number of rupiah")
        value = int(value)
    if isinstance(value, str):
        _clean("Rupiah", value)
        if not (value.isascii() and value.isdigit()):
            raise ScalarValueError("Rupiah", value, "must be a whole number of rupiah (digits only)")
        value = int(value)
    if not isinstance(value, int):
        raise ScalarValueError("Rupiah", value, "must be a whole number of rupiah")
    if value < 0:
        raise ScalarValueError("Rupiah", value, "must not be negative (a correction is a RupiahKoreksi)")
    return value


def parse_rupiah_koreksi(value: object) -> int:
    """Whole rupiah that may be negative: a correction, a refund, a reversed payment."""
    if isinstance(value, str) and value.startswith("-"):
        return -_whole_rupiah("RupiahKoreksi", value[1:], value)
    if isinstance(value, int | Decimal) and not isinstance(value, bool) and value < 0:
        return -_whole_rupiah("RupiahKoreksi", -value, value)
    return _whole_rupiah("RupiahKoreksi", value, value)


def _whole_rupiah(scalar: str, magnitude: object, shown: object) -> int:
    try:
        return parse_rupiah(magnitude)
    except ScalarValueError as error:
        raise ScalarValueError(scalar, shown, error.reason) from None


_PHONE = re.compile(r"\+62[1-9]\d{7,11}")


def parse_nomor_telepon(value: object) -> str:
    """Indonesian phone number in +62 form; 08… and 628… are rewritten to +628…."""
    _clean("NomorTelepon", value)
    if not isinstance(value, str):
        raise ScalarValueError("NomorTelepon", value, "must be a string like +6281234567890")
    compact = re.sub(r"[\s-]", "", value)
    if compact.startswith("0"):
        compact = "+62" + compact[1:]
    elif compact.startswith("62"):
        compact = "+" + compact
    if not _PHONE.fullmatch(compact):
        raise ScalarValueError(
            "NomorTelepon", value, "must be +62 followed by 8 to 12 digits not starting with 0"
        )
    return compact


def parse_tanggal(value: object) -> date:
    """A calendar date in ISO 8601 (YYYY-MM-DD)."""
    _clean("Tanggal", value)
    if isinstance(value, datetime):
        raise ScalarValueError("Tanggal", str(value), "must be a date without a time")
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ScalarValueError("Tanggal", value, "must be an ISO 8601 date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ScalarValueError("Tanggal", value, str(error)) from None


def parse_waktu(value: object) -> datetime:
    """An instant in ISO 8601 with its UTC offset (a time without one is ambiguous); returned in WITA."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        _clean("WaktuWITA", value)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ScalarValueError(
                "WaktuWITA", value, "must be an ISO 8601 date and time, e.g. 2026-01-31T09:30:00+08:00"
            ) from None
        if moment.tzinfo is None:
            raise ScalarValueError(
                "WaktuWITA", value, "must carry a UTC offset, e.g. +08:00 for WITA or Z for UTC"
            )
    else:
        raise ScalarValueError("WaktuWITA", value, "must be an ISO 8601 date and time string")
    if moment.tzinfo is None:
        # Databases store instants in UTC without a zone (SQLite and MariaDB have no zone type).
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(WITA)


def _serialize_tanggal(value: object) -> str:
    return parse_tanggal(value).isoformat()


def _serialize_waktu(value: object) -> str:
    return parse_waktu(value).isoformat()


def _literal(parse: Callable[[object], Any], scalar: str) -> Callable[..., Any]:
    """Parse an inline argument: strings and ints as written, floats kept as floats (for Rupiah's check)."""

    def parse_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> Any:
        if isinstance(node, StringValueNode):
            return parse(node.value)
        if isinstance(node, IntValueNode):
            return parse(int(node.value))
        if isinstance(node, FloatValueNode):
            return parse(float(node.value))
        raise ScalarValueError(scalar, type(node).__name__, "must be written as a string or a number")

    return parse_literal


def _scalar(name: str, parse: Callable[[object], Any], description: str,
            serialize: Callable[[object], Any] | None = None) -> ScalarDefinition:
    return strawberry.scalar(
        name=name,
        description=description,
        serialize=serialize or parse,
        parse_value=parse,
        parse_literal=_literal(parse, name),
    )


NIK = NewType("NIK", str)
NomorKK = NewType("NomorKK", str)
KodeWilayah = NewType("KodeWilayah", str)
NOP = NewType("NOP", str)
NIB = NewType("NIB", str)
Rupiah = NewType("Rupiah", int)
NomorTelepon = NewType("NomorTelepon", str)
NPWP = NewType("NPWP", str)
RupiahKoreksi = NewType("RupiahKoreksi", int)
Tanggal = NewType("Tanggal", date)
WaktuWITA = NewType("WaktuWITA", datetime)

# Each description states the format, so GraphiQL and every client's tooling show it.
SCALAR_MAP: dict[object, ScalarDefinition] = {
    NIK: _scalar("NIK", parse_nik, "Nomor Induk Kependudukan: a string of exactly 16 digits, PPRRDD DDMMYY "
                 "SSSS: province, regency/city and kecamatan of first registration (Kemendagri codes), birth "
                 "date (women add 40 to the day), serial 0001-9999. Example: \"7371041203800001\""),
    NomorKK: _scalar("NomorKK", parse_nomor_kk, "Nomor Kartu Keluarga: a string of exactly 16 digits, PPRRDD "
                     "DDMMYY SSSS: the issuing kecamatan's Kemendagri code, the issue date, serial 0001-9999. "
                     "Example: \"7371042001100001\""),
    KodeWilayah: _scalar("KodeWilayah", parse_kode_wilayah, "Kemendagri region code (Kepmendagri "
                         "300.2.2-2430/2025) at one of four levels: provinsi \"73\", kota/kabupaten \"73.71\", "
                         "kecamatan \"73.71.04\", kelurahan (1xxx) or desa (2xxx) \"73.71.04.1001\". A field "
                         "or argument named for a level (kodeKecamatan) takes a code of that level only"),
    NOP: _scalar("NOP", parse_nop, "Nomor Objek Pajak (PBB-P2): 18 digits PPRRCCCVVVBBBNNNNJ; accepted bare or "
                 "as printed on the bill, \"73.71.040.050.010-0001.0\"; always answered bare"),
    NIB: _scalar("NIB", parse_nib, "Nomor Induk Berusaha (OSS): a string of exactly 13 digits, e.g. "
                 "\"9120000000011\""),
    NPWP: _scalar("NPWP", parse_npwp, "Nomor Pokok Wajib Pajak: a string of 16 digits; a person's is their "
                  "NIK, others' the former 15-digit NPWP with a leading 0. A 15-digit NPWP (bare or "
                  "01.234.567.8-901.000) is accepted and answered with its 0"),
    Rupiah: _scalar("Rupiah", parse_rupiah, "An amount in whole rupiah, zero or more: a JSON integer (or a "
                    "string of digits), never a float, no thousands separators. Example: 2766000"),
    RupiahKoreksi: _scalar("RupiahKoreksi", parse_rupiah_koreksi, "An amount in whole rupiah that may be "
                           "negative (a correction, a refund): a JSON integer (or a string of digits with an "
                           "optional leading -), never a float. Example: -150000"),
    NomorTelepon: _scalar("NomorTelepon", parse_nomor_telepon, "Indonesian phone number, answered as +62 "
                          "followed by 8 to 12 digits (\"+6281234567890\"); 08… and 62… are accepted and "
                          "rewritten, spaces and dashes between digits dropped"),
    Tanggal: _scalar("Tanggal", parse_tanggal, "Calendar date, ISO 8601 YYYY-MM-DD, e.g. \"2026-06-30\"",
                     serialize=_serialize_tanggal),
    WaktuWITA: _scalar("WaktuWITA", parse_waktu, "Instant in ISO 8601 with its UTC offset (Z, +08:00, …), "
                       "answered in WITA: \"2026-06-30T09:30:00+08:00\"", serialize=_serialize_waktu),
}

# The check behind each data-standard scalar, for code that validates a value outside GraphQL
# (a row being built, a lint of a table).
CHECKS: dict[object, Callable[[object], object]] = {
    NIK: parse_nik, NomorKK: parse_nomor_kk, KodeWilayah: parse_kode_wilayah, NOP: parse_nop, NIB: parse_nib,
    NPWP: parse_npwp, NomorTelepon: parse_nomor_telepon, Rupiah: parse_rupiah, RupiahKoreksi: parse_rupiah_koreksi,
}

# A column, field or argument named for a region level takes a KodeWilayah of that level only.
LEVEL_BY_NAME = {"kode_provinsi": "provinsi", "kode_kota": "kota", "kode_kabupaten": "kota",
                 "kode_kecamatan": "kecamatan", "kode_kelurahan": "kelurahan", "kode_desa": "kelurahan"}


def check_level(name: str, value: object) -> object:
    """`value` checked as the KodeWilayah level `name` stands for (any level when it names none)."""
    return parse_kode_wilayah(value, level=LEVEL_BY_NAME.get(name))
