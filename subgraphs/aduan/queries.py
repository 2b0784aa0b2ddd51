"""Work queues, filtered lists and dashboards, each one SQL statement (aggregates in SQL, on
SQLite, PostgreSQL and MariaDB alike: percentiles by nearest rank over window functions)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, case, false, func, literal_column, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.aduan import tables
from subgraphs.aduan.access import OPD_STAFF, refuse, visible_filter
from subgraphs.aduan.workflow import OPEN, TIMED, StatusAduan, opd_of_claim
from subgraphs.kit.principal import Principal

MAX_PAGE: Final = 100


@dataclass
class Saringan:
    opd: str | None = None
    kategori: str | None = None
    status: list[str] | None = None
    kode_kelurahan: str | None = None
    dari: datetime | None = None
    sampai: datetime | None = None
    terlambat: bool | None = None


def conditions(saringan: Saringan, now: datetime) -> list[ColumnElement[bool]]:
    table = tables.aduan
    found: list[ColumnElement[bool]] = []
    if saringan.opd is not None:
        found.append(table.c.opd_tujuan == saringan.opd)
    if saringan.kategori is not None:
        found.append(table.c.kategori == saringan.kategori)
    if saringan.status:
        found.append(table.c.status.in_(saringan.status))
    if saringan.kode_kelurahan is not None:
        found.append(table.c.kode_kelurahan == saringan.kode_kelurahan)
    if saringan.dari is not None:
        found.append(table.c.diterima >= saringan.dari)
    if saringan.sampai is not None:
        found.append(table.c.diterima < saringan.sampai)
    if saringan.terlambat is not None:
        late = and_(table.c.status.in_([s.value for s in TIMED]), table.c.batas_langkah < now)
        found.append(late if saringan.terlambat else ~late)
    return found


def queue_of(principal: Principal) -> ColumnElement[bool]:
    """Each role's work queue: what waits for this person's next step."""
    table = tables.aduan
    role = principal.role
    if role == "meja_aduan":
        return table.c.status.in_([StatusAduan.DITERIMA.value, StatusAduan.DIVERIFIKASI.value])
    if role in OPD_STAFF:
        opd = opd_of_claim(principal.opd)
        if opd is None:
            return false()
        if role == "kepala_opd":  # the head's queue: what was escalated
            return and_(table.c.opd_tujuan == opd.value, table.c.eskalasi > 0,
                        table.c.status.in_([s.value for s in OPEN]))
        return and_(table.c.opd_tujuan == opd.value,
                    table.c.status.in_([StatusAduan.DIDISPOSISIKAN.value, StatusAduan.DITUGASKAN.value]))
    if role == "petugas_lapangan" and principal.subject:
        return and_(table.c.petugas_sub == principal.subject,
                    table.c.status.in_([StatusAduan.DITUGASKAN.value, StatusAduan.DITANGANI.value]))
    if role == "admin_kota":
        return and_(table.c.eskalasi > 1, table.c.status.in_([s.value for s in OPEN]))
    if role == "warga" and principal.nik:
        return and_(table.c.nik_pelapor == principal.nik, table.c.status == StatusAduan.SELESAI.value)
    return false()


def _cursor(row: RowMapping) -> str:
    raw = json.dumps([row["diterima"].isoformat(), row["nomor"]]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _after(cursor: str) -> ColumnElement[bool]:
    try:
        when, nomor = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        instant = datetime.fromisoformat(when)
    except (ValueError, TypeError):
        raise refuse("`after` is not a cursor this list gave", "BAD_USER_INPUT", field="after") from None
    table = tables.aduan
    # Newest first: the next page holds older complaints (ties broken by number).
    return or_(table.c.diterima < instant, and_(table.c.diterima == instant, table.c.nomor < str(nomor)))


async def page(
    connection: AsyncConnection, where: list[ColumnElement[bool]], first: int, after: str | None
) -> tuple[list[RowMapping], str | None, bool]:
    if not 0 < first <= MAX_PAGE:
        raise refuse(f"`first` must be between 1 and {MAX_PAGE}", "BAD_USER_INPUT", field="first")
    table = tables.aduan
    if after:
        where = [*where, _after(after)]
    rows = (await connection.execute(
        select(table).where(*where).order_by(table.c.diterima.desc(), table.c.nomor.desc()).limit(first + 1)
    )).mappings().all()
    more = len(rows) > first
    rows = rows[:first]
    return list(rows), (_cursor(rows[-1]) if rows else None), more


def _seconds(dialect: str, start: Any, end: Any) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.extract("epoch", end - start)
    if dialect in ("mysql", "mariadb"):
        return func.timestampdiff(literal_column("SECOND"), start, end)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


async def statistics(
    connection: AsyncConnection, principal: Principal, dari: datetime | None, sampai: datetime | None,
    now: datetime,
) -> dict[str, list[dict[str, Any]]]:
    table, history = tables.aduan, tables.riwayat_aduan
    visible = visible_filter(principal)
    period: list[ColumnElement[bool]] = []
    if dari is not None:
        period.append(table.c.diterima >= dari)
    if sampai is not None:
        period.append(table.c.diterima < sampai)
    counts = (await connection.execute(
        select(table.c.opd_tujuan, table.c.status, func.count().label("jumlah"))
        .where(visible, *period).group_by(table.c.opd_tujuan, table.c.status)
        .order_by(table.c.opd_tujuan, table.c.status)
    )).all()
    late = (await connection.execute(
        select(table.c.opd_tujuan, func.count().label("jumlah"))
        .where(visible, *period, table.c.status.in_([s.value for s in TIMED]), table.c.batas_langkah < now)
        .group_by(table.c.opd_tujuan).order_by(table.c.opd_tujuan)
    )).all()
    seconds = _seconds(connection.dialect.name, history.c.waktu, history.c.berakhir)
    ranked = (
        select(
            history.c.status.label("status"), seconds.label("d"),
            func.row_number().over(partition_by=history.c.status, order_by=seconds).label("rn"),
            func.count().over(partition_by=history.c.status).label("n"),
            case((history.c.berakhir > history.c.batas, 1), else_=0).label("late"),
        )
        .join(table, table.c.nomor == history.c.nomor_aduan)
        .where(visible, *period, history.c.awal.is_(True), history.c.berakhir.is_not(None))
        .subquery()
    )
    # Nearest rank: the median is the ceil(n/2)-th duration, p90 the ceil(0.9 n)-th.
    median = and_(ranked.c.rn * 2 >= ranked.c.n, (ranked.c.rn - 1) * 2 < ranked.c.n)
    p90 = and_(ranked.c.rn * 10 >= ranked.c.n * 9, (ranked.c.rn - 1) * 10 < ranked.c.n * 9)
    steps = (await connection.execute(
        select(ranked.c.status, func.max(ranked.c.n), func.max(case((median, ranked.c.d))),
               func.max(case((p90, ranked.c.d))), func.sum(ranked.c.late))
        .group_by(ranked.c.status).order_by(ranked.c.status)
    )).all()
    return {
        "per_opd_status": [{"opd": r[0], "status": r[1], "jumlah": int(r[2])} for r in counts],
        "terlambat_per_opd": [{"opd": r[0], "jumlah": int(r[1])} for r in late],
        "waktu_langkah": [
            {"status": r[0], "jumlah": int(r[1]), "median_jam": round(float(r[2]) / 3600, 2),
             "p90_jam": round(float(r[3]) / 3600, 2), "terlambat": int(r[4] or 0)}
            for r in steps
        ],
    }
