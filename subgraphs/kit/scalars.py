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


def _digits(scalar: str, value: object, length: int) -> str:
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


def parse_nik(value: object) -> str:
    """NIK: PP RR DD DDMMYY SSSS (region of first registration, birth date, serial)."""
    nik = _digits("NIK", value, 16)
    _check_region("NIK", value, nik[0:2], nik[2:4], nik[4:6])
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:  # women's birth day is written with 40 added
        day -= 40
    if not 1 <= month <= 12:
        raise ScalarValueError("NIK", value, f"birth month {nik[8:10]} is not a month")
    # Two-digit years are ambiguous between centuries; 29 February is valid if either century allows.
    longest = max(calendar.monthrange(1900 + year, month)[1], calendar.monthrange(2000 + year, month)[1])
    if not 1 <= day <= longest:
        raise ScalarValueError(
            "NIK", value, f"birth day {nik[6:8]} is not a day of month {month:02d} (women add 40 to the day)"
        )
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
    if kk[12:16] == "0000":
        raise ScalarValueError("NomorKK", value, "serial number 0000 is not issued")
    return kk


_KODE_WILAYAH = re.compile(r"^(\d{2})(?:\.(\d{2})(?:\.(\d{2})(?:\.(\d{4}))?)?)?$")


# The levels of a Kemendagri region code, by how many parts it has.
LEVELS = {1: "provinsi", 2: "kota", 3: "kecamatan", 4: "kelurahan"}
_EXAMPLES = {"provinsi": "73", "kota": "73.71", "kecamatan": "73.71.04", "kelurahan": "73.71.04.1001"}


def parse_kode_wilayah(value: object, level: str | None = None) -> str:
    """Kemendagri region code at any level: `73`, `73.71`, `73.71.04` or `73.71.04.1001`.

    With `level` ("provinsi", "kota", "kecamatan" or "kelurahan") a code of another level is refused.
    """
    if level is not None and isinstance(value, str) and _KODE_WILAYAH.match(value):
        found = LEVELS[value.count(".") + 1]
        if found != level:
            raise ScalarValueError(
                "KodeWilayah", value, f"is a {found} code; a {level} code is expected, e.g. {_EXAMPLES[level]}"
            )
    if not isinstance(value, str):
        raise ScalarValueError("KodeWilayah", value, "must be a string like 73.71.04.1001")
    match = _KODE_WILAYAH.match(value)
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


_NOP_FORMATTED = re.compile(r"^(\d{2})\.(\d{2})\.(\d{3})\.(\d{3})\.(\d{3})-(\d{4})\.(\d)$")


def parse_nop(value: object) -> str:
    """Nomor Objek Pajak: 18 digits, bare or written PP.RR.CCC.VVV.BBB-NNNN.J; returns the bare digits."""
    formatted = _NOP_FORMATTED.match(value) if isinstance(value, str) else None
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
        if not (value.isascii() and value.isdigit()):
            raise ScalarValueError("Rupiah", value, "must be a whole number of rupiah (digits only)")
        value = int(value)
    if not isinstance(value, int):
        raise ScalarValueError("Rupiah", value, "must be a whole number of rupiah")
    if value < 0:
        raise ScalarValueError("Rupiah", value, "must not be negative")
    return value


_PHONE = re.compile(r"^\+62[1-9]\d{7,11}$")


def parse_nomor_telepon(value: object) -> str:
    """Indonesian phone number in +62 form; 08… and 628… are rewritten to +628…."""
    if not isinstance(value, str):
        raise ScalarValueError("NomorTelepon", value, "must be a string like +6281234567890")
    compact = re.sub(r"[\s-]", "", value)
    if compact.startswith("0"):
        compact = "+62" + compact[1:]
    elif compact.startswith("62"):
        compact = "+" + compact
    if not _PHONE.match(compact):
        raise ScalarValueError(
            "NomorTelepon", value, "must be +62 followed by 8 to 12 digits not starting with 0"
        )
    return compact


def parse_tanggal(value: object) -> date:
    """A calendar date in ISO 8601 (YYYY-MM-DD)."""
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
Tanggal = NewType("Tanggal", date)
WaktuWITA = NewType("WaktuWITA", datetime)

SCALAR_MAP: dict[object, ScalarDefinition] = {
    NIK: _scalar("NIK", parse_nik, "Nomor Induk Kependudukan: 16 digits, region + birth date (women +40) "
                 "+ serial"),
    NomorKK: _scalar("NomorKK", parse_nomor_kk, "Nomor Kartu Keluarga: 16 digits"),
    KodeWilayah: _scalar("KodeWilayah", parse_kode_wilayah, "Kemendagri region code, e.g. 73.71.04.1001"),
    NOP: _scalar("NOP", parse_nop, "Nomor Objek Pajak (PBB): 18 digits"),
    NIB: _scalar("NIB", parse_nib, "Nomor Induk Berusaha: 13 digits"),
    Rupiah: _scalar("Rupiah", parse_rupiah, "An amount in whole rupiah (a JSON integer, never a float)"),
    NomorTelepon: _scalar("NomorTelepon", parse_nomor_telepon, "Phone number in +62 form"),
    Tanggal: _scalar("Tanggal", parse_tanggal, "Calendar date, ISO 8601 YYYY-MM-DD",
                     serialize=_serialize_tanggal),
    WaktuWITA: _scalar("WaktuWITA", parse_waktu, "Instant in ISO 8601, given in WITA (UTC+08:00)",
                       serialize=_serialize_waktu),
}
