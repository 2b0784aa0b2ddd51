"""Filing a complaint and taking a step: each one transaction that appends to the history.

A step is refused, changing nothing, when the caller's role or OPD does not fit, the complaint is
in a state the step does not start from, or a concurrent step got there first (the UPDATE is
guarded by the version read, so of two concurrent steps exactly one commits). A client key
(`Idempotency-Key`) makes a retry return the complaint as the first try left it.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from subgraphs.aduan import tables, tenggat
from subgraphs.aduan.access import can_see, refuse, require_identity
from subgraphs.aduan.workflow import LANGKAH, KategoriAduan, Pelaku, StatusAduan, next_steps, opd_of_claim
from subgraphs.kit.principal import Principal
from subgraphs.kit.scalars import WITA
from subgraphs.kit.wilayah import KELURAHAN

# Makassar's bounding box, the Sangkarrang islands included (lintang = latitude, bujur = longitude).
LINTANG: Final = (-5.26, -4.90)
BUJUR: Final = (119.05, 119.55)
KODE_KELURAHAN: Final = frozenset(k.kode for k in KELURAHAN)
# How long the citizen may confirm or reopen a finished complaint.
JENDELA_KONFIRMASI: Final = timedelta(days=7)
MAX_KUNCI: Final = 100
_URL: Final = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def utcnow() -> datetime:
    """Now, naive in UTC, the way the tables store instants."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_nomor(now: datetime) -> str:
    """`ADU-<WITA date>-<10 random characters>`: about 50 bits, so numbers cannot be guessed."""
    local = tenggat.to_wita(now)
    return f"ADU-{local:%Y%m%d}-" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


# -- input checks ------------------------------------------------------------------------------

def text(name: str, value: str | None, limit: int, *, required: bool = True) -> str | None:
    if value is None:
        if required:
            raise refuse(f"{name} is required", "BAD_USER_INPUT", field=name)
        return None
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise refuse(f"{name} must not be empty", "BAD_USER_INPUT", field=name)
        return None
    if len(cleaned) > limit:
        raise refuse(f"{name} is longer than {limit} characters", "BAD_USER_INPUT", field=name, batas=limit)
    return cleaned


def location(lintang: float | None, bujur: float | None) -> None:
    if (lintang is None) != (bujur is None):
        raise refuse("lintang and bujur go together", "BAD_USER_INPUT", field="lintang")
    if lintang is None or bujur is None:
        return
    if not (LINTANG[0] <= lintang <= LINTANG[1] and BUJUR[0] <= bujur <= BUJUR[1]):
        raise refuse(f"({lintang}, {bujur}) is outside Kota Makassar", "OUTSIDE_MAKASSAR", field="lintang",
                     lintang=lintang, bujur=bujur)


def photos(urls: list[str] | None) -> list[str]:
    found = list(urls or [])
    if len(found) > tables.MAX_FOTO:
        raise refuse(f"at most {tables.MAX_FOTO} photos", "BAD_USER_INPUT", field="foto")
    for url in found:
        if len(url) > tables.MAX_URL or not _URL.match(url):
            raise refuse(f"foto {url[:80]!r} is not an http(s) URL", "BAD_USER_INPUT", field="foto")
    return found


def kelurahan(code: str | None) -> None:
    if code is not None and code not in KODE_KELURAHAN:
        raise refuse(f"{code} is not a kelurahan of Kota Makassar", "UNKNOWN_KELURAHAN", field="kodeKelurahan")


# -- events ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Peristiwa:
    """What one step did, published to NATS after the commit (subscriptions, notifications)."""

    id: int  # the history row
    nomor: str
    langkah: str
    status: str
    opd: str | None
    petugas_sub: str | None
    nik_pelapor: str
    rahasia: bool
    waktu: str
    # Where it was before the step: a queue it left (sent back, reassigned) hears of it too.
    opd_sebelum: str | None = None
    petugas_sebelum: str | None = None

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Peristiwa:
        return cls(**json.loads(raw))

    def row(self) -> dict[str, Any]:
        """The columns `can_see` reads."""
        return {"opd_tujuan": self.opd, "petugas_sub": self.petugas_sub, "nik_pelapor": self.nik_pelapor,
                "rahasia": self.rahasia}


def event_of(history_id: int, row: Mapping[str, Any], langkah: str, when: datetime,
             before: Mapping[str, Any] | None = None) -> Peristiwa:
    return Peristiwa(
        id=history_id, nomor=row["nomor"], langkah=langkah, status=row["status"], opd=row["opd_tujuan"],
        petugas_sub=row["petugas_sub"], nik_pelapor=row["nik_pelapor"], rahasia=bool(row["rahasia"]),
        waktu=tenggat.to_wita(when).isoformat(),
        opd_sebelum=before["opd_tujuan"] if before is not None else None,
        petugas_sebelum=before["petugas_sub"] if before is not None else None,
    )


Publish = Callable[[Peristiwa], Awaitable[None]]


# -- the transaction ---------------------------------------------------------------------------

async def read(connection: AsyncConnection, nomor: str) -> RowMapping:
    row = (await connection.execute(select(tables.aduan).where(tables.aduan.c.nomor == nomor))).mappings().first()
    if row is None:
        raise refuse(f"No complaint numbered {nomor}", "NOT_FOUND", nomor=nomor)
    return row


def _actor_name(principal: Principal) -> str:
    return (principal.name or principal.subject or "?")[: tables.MAX_NAMA]


async def _claim_key(connection: AsyncConnection, principal: Principal, key: str | None, nomor: str,
                     langkah: str, now: datetime) -> None:
    if key is None:
        return
    await connection.execute(insert(tables.kunci_langkah).values(
        kunci=f"{principal.subject}:{key}", nomor_aduan=nomor, langkah=langkah, waktu=now))


async def _replay(engine: AsyncEngine, principal: Principal, key: str, langkah: str) -> RowMapping:
    """The answer to a retried key: the complaint now, if the key was used for the same step."""
    async with engine.connect() as connection:
        used = (await connection.execute(select(tables.kunci_langkah).where(
            tables.kunci_langkah.c.kunci == f"{principal.subject}:{key}"))).mappings().first()
        if used is None or used["langkah"] != langkah:
            raise refuse("This Idempotency-Key was already used for another step", "IDEMPOTENCY_KEY_REUSED")
        return await read(connection, used["nomor_aduan"])


def check_key(key: str | None) -> str | None:
    if key is not None and not (0 < len(key) <= MAX_KUNCI):
        raise refuse(f"the Idempotency-Key must be 1 to {MAX_KUNCI} characters", "BAD_USER_INPUT",
                     field="kunci")
    return key


async def _history(connection: AsyncConnection, values: dict[str, Any]) -> int:
    result = await connection.execute(insert(tables.riwayat_aduan).values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


@dataclass
class Pengajuan:
    """A new complaint, already checked by the schema's input type."""

    nik_pelapor: str | None
    kategori: KategoriAduan
    lokasi: str
    deskripsi: str
    kode_kelurahan: str | None = None
    telepon_pelapor: str | None = None
    lintang: float | None = None
    bujur: float | None = None
    foto: list[str] | None = None
    rahasia: bool = False


async def file(engine: AsyncEngine, principal: Principal, new: Pengajuan, key: str | None,
               publish: Publish | None = None, now: datetime | None = None) -> RowMapping:
    """A citizen files (their NIK from the token); the desk may file for a caller by phone."""
    require_identity(principal)
    key = check_key(key)
    if principal.role == "warga":
        if principal.nik is None:
            raise refuse("The token carries no NIK", "FORBIDDEN")
        if new.nik_pelapor is not None and new.nik_pelapor != principal.nik:
            raise refuse("A citizen files complaints in their own name", "FORBIDDEN", field="nikPelapor")
        nik = principal.nik
    elif principal.role == "meja_aduan":
        if new.nik_pelapor is None:
            raise refuse("nikPelapor is required when the desk files for a caller", "BAD_USER_INPUT",
                         field="nikPelapor")
        nik = new.nik_pelapor
    else:
        raise refuse(f"The role {principal.role} cannot file complaints", "FORBIDDEN", role=principal.role)
    lokasi = text("lokasi", new.lokasi, tables.MAX_LOKASI)
    deskripsi = text("deskripsi", new.deskripsi, tables.MAX_DESKRIPSI)
    location(new.lintang, new.bujur)
    kelurahan(new.kode_kelurahan)
    foto = photos(new.foto)
    now = now or utcnow()
    nomor = new_nomor(now)
    try:
        async with engine.begin() as connection:
            await _claim_key(connection, principal, key, nomor, "ajukan", now)
            batas = await tenggat.deadline_for(connection, StatusAduan.DITERIMA, new.kategori, now)
            await connection.execute(insert(tables.aduan).values(
                nomor=nomor, nik_pelapor=nik, telepon_pelapor=new.telepon_pelapor, kategori=new.kategori.value,
                lokasi=lokasi, kode_kelurahan=new.kode_kelurahan, deskripsi=deskripsi,
                foto_url=foto[0] if foto else None, status=StatusAduan.DITERIMA.value, diterima=now,
                lintang=new.lintang, bujur=new.bujur, rahasia=new.rahasia, langkah_mulai=now, batas_langkah=batas,
                eskalasi=0, versi=0,
            ))
            if foto:
                await connection.execute(insert(tables.foto_aduan), [
                    {"nomor_aduan": nomor, "url": url, "oleh": "pelapor", "waktu": now} for url in foto])
            history_id = await _history(connection, {
                "nomor_aduan": nomor, "status": StatusAduan.DITERIMA.value, "waktu": now, "petugas": "Lontara Plus",
                "catatan": None, "langkah": "ajukan", "pelaku_sub": principal.subject, "peran": principal.role,
                "batas": batas, "awal": True, "terbit": False,
            })
            row = await read(connection, nomor)
    except IntegrityError:
        if key is None:
            raise
        return await _replay(engine, principal, key, "ajukan")
    if publish is not None:
        await publish(event_of(history_id, row, "ajukan", now))
    return row


async def _check_actor(connection: AsyncConnection, principal: Principal, pelaku: Pelaku,
                       row: Mapping[str, Any], now: datetime) -> None:
    role = principal.role
    if role != pelaku.value:
        raise refuse(f"Only the role {pelaku.value} takes this step (you are {role})", "FORBIDDEN",
                     role=role, perlu=pelaku.value)
    if pelaku is Pelaku.KOORDINATOR_OPD:
        opd = opd_of_claim(principal.opd)
        if opd is None or row["opd_tujuan"] != opd.value:
            raise refuse(f"Complaint {row['nomor']} was not dispatched to your OPD", "FORBIDDEN",
                         opd=principal.opd)
    elif pelaku is Pelaku.PETUGAS_DITUGASKAN:
        if row["petugas_sub"] != principal.subject:
            raise refuse(f"Complaint {row['nomor']} is not assigned to you", "FORBIDDEN")
    elif pelaku is Pelaku.PELAPOR:
        if principal.nik is None or row["nik_pelapor"] != principal.nik:
            raise refuse(f"Only the citizen who filed {row['nomor']} answers it", "FORBIDDEN")
        finished = row["langkah_mulai"] or row["selesai"]
        if finished is not None and now > finished + JENDELA_KONFIRMASI:
            raise refuse(f"The {JENDELA_KONFIRMASI.days}-day window to answer has closed", "WINDOW_CLOSED",
                         nomor=row["nomor"])


async def take_step(
    engine: AsyncEngine,
    principal: Principal,
    nomor: str,
    langkah: str,
    *,
    key: str | None = None,
    catatan: str | None = None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    prepare: Callable[[AsyncConnection, RowMapping], Awaitable[dict[str, Any]]] | None = None,
    publish: Publish | None = None,
    now: datetime | None = None,
) -> RowMapping:
    """Take the step named `langkah` on complaint `nomor`, in one transaction."""
    require_identity(principal)
    key = check_key(key)
    step = LANGKAH[langkah]
    now = now or utcnow()
    try:
        async with engine.begin() as connection:
            await _claim_key(connection, principal, key, nomor, langkah, now)
            row = before = await read(connection, nomor)
            current = StatusAduan(row["status"])
            await _check_actor(connection, principal, step.pelaku, row, now)
            if current not in step.dari:
                allowed = next_steps(current)
                raise refuse(
                    f"Complaint {nomor} is {current.value}; the step {langkah} cannot be taken now"
                    + (f" (possible steps: {', '.join(allowed)})" if allowed else " (it is closed)"),
                    "INVALID_TRANSITION", nomor=nomor, dari=current.value, langkah=langkah, diizinkan=allowed,
                )
            values = dict(changes or {})
            if prepare is not None:
                values.update(await prepare(connection, row))
            starts_state = step.ke is not current
            batas = None
            if starts_state:
                batas = await tenggat.deadline_for(connection, step.ke, KategoriAduan(row["kategori"]), now)
                values.update(langkah_mulai=now, batas_langkah=batas, eskalasi=0)
            if step.ke in (StatusAduan.SELESAI, StatusAduan.DITOLAK):
                values["selesai"] = now
            table = tables.aduan
            moved = await connection.execute(
                update(table).where(table.c.nomor == nomor, table.c.versi == row["versi"])
                .values(status=step.ke.value, versi=row["versi"] + 1, **values)
            )
            if moved.rowcount != 1:
                raise refuse(f"Complaint {nomor} changed meanwhile; read it again", "CONFLICT", nomor=nomor)
            history = tables.riwayat_aduan
            if starts_state:
                await connection.execute(update(history).where(
                    history.c.nomor_aduan == nomor, history.c.awal.is_(True), history.c.berakhir.is_(None)
                ).values(berakhir=now))
            history_id = await _history(connection, {
                "nomor_aduan": nomor, "status": step.ke.value, "waktu": now, "petugas": _actor_name(principal),
                "catatan": catatan, "langkah": langkah, "pelaku_sub": principal.subject, "peran": principal.role,
                "batas": batas, "awal": starts_state, "terbit": False,
                "data": json.dumps(data, separators=(",", ":")) if data else None,
            })
            row = await read(connection, nomor)
    except IntegrityError:
        if key is None:
            raise
        return await _replay(engine, principal, key, langkah)
    if publish is not None:
        await publish(event_of(history_id, row, langkah, now, before))
    return row


def visible_or_refuse(principal: Principal, row: Mapping[str, Any]) -> None:
    if not can_see(principal, row):
        raise refuse(f"No complaint numbered {row['nomor']} that you may see", "NOT_FOUND", nomor=row["nomor"])


async def assignable_officer(connection: AsyncConnection, sub: str, opd: str | None) -> RowMapping:
    found = (await connection.execute(select(tables.petugas).where(tables.petugas.c.sub == sub))).mappings().first()
    if found is None or not found["aktif"] or found["opd"] != opd:
        raise refuse(f"{sub} is not an active field officer of {opd}", "UNKNOWN_PETUGAS", petugas=sub)
    return found


def wita(instant: datetime) -> datetime:
    return tenggat.to_wita(instant).astimezone(WITA)
