"""Deadlines as data: how long each state may last, in clock or working time, in WITA.

The rules live in the `tenggat` table (per state, optionally per category) and the holidays in
`hari_libur`, so the city edits them without code. Working time is Monday to Friday,
08:00-16:00 WITA, outside the holidays. Defaults (written when the tables are empty):

- SP4N-LAPOR! (PermenPANRB 3/2015): verified and forwarded within 3 working days (1 to verify,
  2 to dispatch), the agency's follow-up within 5 working days, finished within 60 days;
- the mayor's 2x24-hour rule: an OPD answers a dispatched complaint (assigns an officer) within
  48 clock hours; urgent categories (floods, health) are handled within 24 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Final

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.aduan import tables
from subgraphs.aduan.workflow import TIMED, KategoriAduan, StatusAduan
from subgraphs.kit.scalars import WITA

MULAI_KERJA: Final = time(8, 0)
AKHIR_KERJA: Final = time(16, 0)
JAM_PER_HARI_KERJA: Final = 8
# A rule longer than this is refused: deadlines are computed by walking the calendar.
MAX_HARI: Final = 366


class Satuan(Enum):
    JAM = "JAM"
    HARI = "HARI"
    JAM_KERJA = "JAM_KERJA"
    HARI_KERJA = "HARI_KERJA"


@dataclass(frozen=True)
class Aturan:
    status: StatusAduan
    kategori: KategoriAduan | None
    jumlah: int
    satuan: Satuan
    dasar: str


DEFAULTS: Final = [
    Aturan(StatusAduan.DITERIMA, None, 1, Satuan.HARI_KERJA, "SP4N-LAPOR!: verifikasi"),
    Aturan(StatusAduan.DIVERIFIKASI, None, 2, Satuan.HARI_KERJA, "SP4N-LAPOR!: diteruskan dalam 3 hari kerja"),
    Aturan(StatusAduan.DIDISPOSISIKAN, None, 48, Satuan.JAM, "Aturan Wali Kota: tindak lanjut 2x24 jam"),
    Aturan(StatusAduan.DITUGASKAN, None, 5, Satuan.HARI_KERJA, "SP4N-LAPOR!: tindak lanjut OPD 5 hari kerja"),
    Aturan(StatusAduan.DITANGANI, None, 55, Satuan.HARI, "SP4N-LAPOR!: selesai dalam 60 hari"),
    Aturan(StatusAduan.DITUGASKAN, KategoriAduan.BANJIR, 24, Satuan.JAM, "Kedaruratan: 24 jam"),
    Aturan(StatusAduan.DITUGASKAN, KategoriAduan.PELAYANAN_KESEHATAN, 24, Satuan.JAM, "Kedaruratan: 24 jam"),
    Aturan(StatusAduan.DITANGANI, KategoriAduan.SAMPAH, 48, Satuan.JAM, "Aturan Wali Kota: 2x24 jam"),
    Aturan(StatusAduan.DITANGANI, KategoriAduan.PENERANGAN_JALAN, 3, Satuan.HARI_KERJA, "Dishub: 3 hari kerja"),
    Aturan(StatusAduan.DITANGANI, KategoriAduan.BANJIR, 3, Satuan.HARI, "Kedaruratan"),
]

# 2026 national public holidays and collective leave (SKB 3 Menteri), observed in Makassar.
LIBUR_2026: Final = [
    (date(2026, 1, 1), "Tahun Baru Masehi"), (date(2026, 1, 16), "Isra Mikraj"),
    (date(2026, 2, 17), "Tahun Baru Imlek"), (date(2026, 3, 19), "Hari Suci Nyepi"),
    (date(2026, 3, 20), "Idulfitri"), (date(2026, 3, 21), "Idulfitri"),
    (date(2026, 3, 23), "Cuti bersama Idulfitri"), (date(2026, 3, 24), "Cuti bersama Idulfitri"),
    (date(2026, 4, 3), "Wafat Yesus Kristus"), (date(2026, 5, 1), "Hari Buruh"),
    (date(2026, 5, 14), "Kenaikan Yesus Kristus"), (date(2026, 5, 27), "Iduladha"),
    (date(2026, 5, 31), "Waisak"), (date(2026, 6, 1), "Hari Lahir Pancasila"),
    (date(2026, 6, 16), "Tahun Baru Islam"), (date(2026, 8, 17), "Hari Kemerdekaan"),
    (date(2026, 8, 25), "Maulid Nabi"), (date(2026, 12, 25), "Natal"),
]


def to_wita(instant: datetime) -> datetime:
    return instant.replace(tzinfo=UTC).astimezone(WITA)


def to_utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(tzinfo=None)


def _working(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_hours(start: datetime, hours: float, holidays: frozenset[date]) -> datetime:
    """`start` (naive UTC) plus `hours` of working time, naive UTC. Time outside working hours
    does not count: a complaint filed on Saturday evening starts counting on Monday 08:00."""
    local = to_wita(start)
    remaining = timedelta(hours=hours)
    day = local.date()
    for _ in range(MAX_HARI * 2):
        if _working(day, holidays):
            opens = datetime.combine(day, MULAI_KERJA, WITA)
            closes = datetime.combine(day, AKHIR_KERJA, WITA)
            begin = max(opens, local)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return to_utc(begin + remaining)
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("a deadline must fall within a year")


def deadline(start: datetime, jumlah: int, satuan: Satuan, holidays: frozenset[date]) -> datetime:
    if satuan is Satuan.JAM:
        return start + timedelta(hours=jumlah)
    if satuan is Satuan.HARI:
        return start + timedelta(days=jumlah)
    hours = jumlah * JAM_PER_HARI_KERJA if satuan is Satuan.HARI_KERJA else jumlah
    return add_working_hours(start, hours, holidays)


def working_hours_between(start: datetime, end: datetime, holidays: frozenset[date]) -> float:
    """Working hours from `start` to `end` (naive UTC), for 'how long did this step take'."""
    if end <= start:
        return 0.0
    local, stop = to_wita(start), to_wita(end)
    total = timedelta()
    day = local.date()
    while day <= stop.date():
        if _working(day, holidays):
            opens = max(datetime.combine(day, MULAI_KERJA, WITA), local)
            closes = min(datetime.combine(day, AKHIR_KERJA, WITA), stop)
            if closes > opens:
                total += closes - opens
        day += timedelta(days=1)
    return total.total_seconds() / 3600


async def ensure_defaults(connection: AsyncConnection) -> None:
    """Write the default rules and the holiday calendar into empty tables."""
    if (await connection.execute(select(tables.tenggat.c.id).limit(1))).first() is None:
        await connection.execute(insert(tables.tenggat), [
            {"status": a.status.value, "kategori": a.kategori.value if a.kategori else None, "jumlah": a.jumlah,
             "satuan": a.satuan.value, "dasar": a.dasar} for a in DEFAULTS
        ])
    if (await connection.execute(select(tables.hari_libur.c.tanggal).limit(1))).first() is None:
        await connection.execute(insert(tables.hari_libur), [{"tanggal": d, "nama": n} for d, n in LIBUR_2026])


async def holidays(connection: AsyncConnection, start: datetime, days: int = MAX_HARI) -> frozenset[date]:
    first = to_wita(start).date()
    rows = await connection.execute(
        select(tables.hari_libur.c.tanggal).where(
            tables.hari_libur.c.tanggal >= first, tables.hari_libur.c.tanggal <= first + timedelta(days=days)
        )
    )
    return frozenset(row[0] for row in rows)


async def rule_for(
    connection: AsyncConnection, status: StatusAduan, kategori: KategoriAduan
) -> tuple[int, Satuan] | None:
    """The category's own rule for `status`, else the default one, else None (untimed)."""
    if status not in TIMED:
        return None
    rows = (await connection.execute(
        select(tables.tenggat.c.kategori, tables.tenggat.c.jumlah, tables.tenggat.c.satuan)
        .where(tables.tenggat.c.status == status.value)
    )).all()
    chosen: tuple[int, Satuan] | None = None
    for row in rows:
        if row.kategori == kategori.value:
            return int(row.jumlah), Satuan(row.satuan)
        if row.kategori is None:
            chosen = (int(row.jumlah), Satuan(row.satuan))
    return chosen


async def deadline_for(
    connection: AsyncConnection, status: StatusAduan, kategori: KategoriAduan, start: datetime
) -> datetime | None:
    rule = await rule_for(connection, status, kategori)
    if rule is None:
        return None
    return deadline(start, rule[0], rule[1], await holidays(connection, start))

