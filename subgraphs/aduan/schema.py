"""Aduan (Lontara Plus complaints): the GraphQL face of the workflow, queues and live events.

Every step reads who is asking from the gateway's principal (`X-SPLP-Principal`), never from an
argument; the step's client key is the `Idempotency-Key` header or the `kunci` argument.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Mapping
from datetime import UTC, date, datetime
from typing import Any

import strawberry
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from subgraphs.aduan import queries, steps, tables, tenggat
from subgraphs.aduan.access import (
    OPD_STAFF,
    can_see,
    can_see_identity,
    principal_of,
    refuse,
    require_identity,
    visible_filter,
)
from subgraphs.aduan.events import EventBus
from subgraphs.aduan.steps import Pengajuan, Peristiwa, utcnow
from subgraphs.aduan.tenggat import Satuan
from subgraphs.aduan.workflow import TIMED, KategoriAduan, OpdTujuan, StatusAduan, next_steps, opd_of_claim
from subgraphs.kit import NIK, KodeWilayah, NomorTelepon, SubgraphContext, Tanggal, WaktuWITA
from subgraphs.kit.app import FEDERATION_VERSION, SubgraphSchema
from subgraphs.kit.principal import ANONYMOUS, Principal
from subgraphs.kit.scalars import SCALAR_MAP, parse_nik
from subgraphs.kit.types import Connection

Ctx = Info[SubgraphContext, None]

strawberry.enum(StatusAduan, description="States of a complaint")
strawberry.enum(KategoriAduan, description="Complaint categories")
strawberry.enum(OpdTujuan, description="The OPD a complaint is dispatched to")
strawberry.enum(Satuan, name="SatuanTenggat", description="JAM, HARI (calendar), JAM_KERJA, HARI_KERJA "
                                                         "(Mon-Fri 08:00-16:00 WITA, holidays excluded)")


def _engine(info: Ctx) -> AsyncEngine:
    return info.context.database.engine


def _bus(info: Ctx) -> EventBus | None:
    found = getattr(info.context, "bus", None)
    if found is None and info.context.request is not None:
        found = getattr(info.context.request.app.state, "aduan_bus", None)
    return found if isinstance(found, EventBus) else None


def _key(info: Ctx, kunci: str | None) -> str | None:
    if kunci is not None:
        return kunci
    request = info.context.request
    return request.headers.get("idempotency-key") if request is not None else None


@strawberry.type(description="One entry of a complaint's history: a step, a handling record or an escalation")
class LangkahAduan:
    status: StatusAduan = strawberry.field(description="The state after this entry")
    langkah: str | None = strawberry.field(description="ajukan, verifikasi, tolak, disposisi, tugaskan, kembalikan, "
                                                       "tangani, selesaikan, konfirmasi, bukaKembali or eskalasi")
    waktu: WaktuWITA
    petugas: str = strawberry.field(description="Who, by name (the citizen's own steps: their name)")
    peran: str | None
    catatan: str | None
    batas_waktu: WaktuWITA | None = strawberry.field(description="The deadline of the state this entry began")
    berakhir: WaktuWITA | None = strawberry.field(description="When that state ended")
    foto: list[str]
    lintang: float | None
    bujur: float | None
    libur: strawberry.Private[frozenset[date]] = frozenset()

    @strawberry.field(description="How long the state this entry began lasted (so far), in clock hours")
    def durasi_jam(self) -> float | None:
        if self.batas_waktu is None and self.langkah not in (None, "ajukan"):
            return None
        end = self.berakhir or utcnow()
        return round((end - self.waktu).total_seconds() / 3600, 2)

    @strawberry.field(description="The same in working hours (Mon-Fri 08:00-16:00 WITA, holidays excluded)")
    def durasi_jam_kerja(self) -> float | None:
        if self.durasi_jam() is None:
            return None
        return round(tenggat.working_hours_between(self.waktu, self.berakhir or utcnow(), self.libur), 2)

    @strawberry.field(description="Whether that state outlived its deadline")
    def terlambat(self) -> bool | None:
        if self.batas_waktu is None:
            return None
        return (self.berakhir or utcnow()) > self.batas_waktu


def _history(row: RowMapping, libur: frozenset[date] = frozenset()) -> LangkahAduan:
    data = json.loads(row["data"]) if row["data"] else {}
    return LangkahAduan(
        status=StatusAduan(row["status"]), langkah=row["langkah"], waktu=row["waktu"], petugas=row["petugas"],
        peran=row["peran"], catatan=row["catatan"], batas_waktu=row["batas"], berakhir=row["berakhir"],
        foto=list(data.get("foto", [])), lintang=data.get("lintang"), bujur=data.get("bujur"), libur=libur,
    )


@strawberry.type(description="A notification of a step, and whether it reached its recipient")
class Notifikasi:
    penerima: str
    saluran: str
    status: str = strawberry.field(description="MENUNGGU, TERKIRIM or GAGAL")
    percobaan: int
    waktu: WaktuWITA
    terkirim: WaktuWITA | None


@strawberry.type(description="A complaint filed through Lontara Plus")
class Aduan:
    row: strawberry.Private[Mapping[str, Any]]
    viewer: strawberry.Private[Principal]

    @strawberry.field
    def nomor(self) -> str:
        return str(self.row["nomor"])

    @strawberry.field
    def kategori(self) -> KategoriAduan:
        return KategoriAduan(self.row["kategori"])

    @strawberry.field
    def status(self) -> StatusAduan:
        return StatusAduan(self.row["status"])

    @strawberry.field
    def opd_tujuan(self) -> OpdTujuan | None:
        return OpdTujuan(self.row["opd_tujuan"]) if self.row["opd_tujuan"] else None

    @strawberry.field
    def lokasi(self) -> str:
        return str(self.row["lokasi"])

    @strawberry.field
    def kode_kelurahan(self) -> KodeWilayah | None:
        return self.row["kode_kelurahan"]  # type: ignore[no-any-return]

    @strawberry.field(description="Latitude (WGS 84), inside Kota Makassar")
    def lintang(self) -> float | None:
        return self.row["lintang"]  # type: ignore[no-any-return]

    @strawberry.field(description="Longitude (WGS 84)")
    def bujur(self) -> float | None:
        return self.row["bujur"]  # type: ignore[no-any-return]

    @strawberry.field
    def deskripsi(self) -> str:
        return str(self.row["deskripsi"])

    @strawberry.field(description="The first photo of the citizen's report")
    def foto_url(self) -> str | None:
        return self.row["foto_url"]  # type: ignore[no-any-return]

    @strawberry.field(description="Every photo: the citizen's, then the officer's")
    async def foto(self, info: Ctx) -> list[str]:
        async with _engine(info).connect() as connection:
            rows = await connection.execute(select(tables.foto_aduan.c.url).where(
                tables.foto_aduan.c.nomor_aduan == self.row["nomor"]).order_by(tables.foto_aduan.c.id))
            found = [r[0] for r in rows]
        return found or ([self.row["foto_url"]] if self.row["foto_url"] else [])

    @strawberry.field
    def alasan_penolakan(self) -> str | None:
        return self.row["alasan_penolakan"]  # type: ignore[no-any-return]

    @strawberry.field
    def diterima(self) -> WaktuWITA:
        return WaktuWITA(self.row["diterima"])

    @strawberry.field(description="When the officer finished it (SELESAI) or the desk refused it (DITOLAK)")
    def selesai(self) -> WaktuWITA | None:
        return self.row["selesai"]  # type: ignore[no-any-return]

    @strawberry.field(description="A confidential report: the complainant is known to the desk only")
    def rahasia(self) -> bool:
        return bool(self.row["rahasia"])

    @strawberry.field(description="The field officer assigned, by name")
    def petugas(self) -> str | None:
        return self.row["petugas_nama"]  # type: ignore[no-any-return]

    @strawberry.field(description="When the complaint last changed state")
    def diperbarui(self) -> WaktuWITA:
        return WaktuWITA(self.row["langkah_mulai"] or self.row["diterima"])

    @strawberry.field(description="The current state's deadline (none once it waits on the citizen or is closed)")
    def batas_waktu(self) -> WaktuWITA | None:
        if StatusAduan(self.row["status"]) not in TIMED:
            return None
        return self.row["batas_langkah"]  # type: ignore[no-any-return]

    @strawberry.field(description="Whether the current state is past its deadline")
    def terlambat(self) -> bool:
        deadline = self.row["batas_langkah"]
        if StatusAduan(self.row["status"]) in TIMED:
            return deadline is not None and utcnow() > deadline
        return False

    @strawberry.field(description="0: on time or not escalated; 1: raised to the OPD head; 2: raised to the city")
    def eskalasi(self) -> int:
        return int(self.row["eskalasi"] or 0)

    @strawberry.field(description="The steps that can follow now")
    def langkah_berikutnya(self) -> list[str]:
        return next_steps(StatusAduan(self.row["status"]))

    @strawberry.field(description="The citizen's rating of the handling, 1 to 5")
    def penilaian(self) -> int | None:
        return self.row["penilaian"]  # type: ignore[no-any-return]

    @strawberry.field
    def ulasan(self) -> str | None:
        return self.row["ulasan"]  # type: ignore[no-any-return]

    @strawberry.field(description="The complainant's NIK: to the complainant, the desk and (unless confidential) "
                                  "the OPD handling it; null for anyone else")
    def nik_pelapor(self) -> NIK | None:
        return NIK(self.row["nik_pelapor"]) if can_see_identity(self.viewer, self.row) else None

    @strawberry.field(description="Where officers reach the citizen (same rule as nikPelapor)")
    def telepon_pelapor(self) -> NomorTelepon | None:
        return self.row["telepon_pelapor"] if can_see_identity(self.viewer, self.row) else None

    @strawberry.field(description="The complainant (same rule as nikPelapor); a NIK the civil registry does not "
                                  "know still files a complaint")
    def pelapor(self) -> Penduduk | None:
        if not can_see_identity(self.viewer, self.row):
            return None
        return Penduduk(nik=NIK(self.row["nik_pelapor"]))

    @strawberry.field(description="Every step, handling record and escalation, in order")
    async def riwayat(self, info: Ctx) -> list[LangkahAduan]:
        history = tables.riwayat_aduan
        async with _engine(info).connect() as connection:
            rows = (await connection.execute(select(history).where(history.c.nomor_aduan == self.row["nomor"])
                                             .order_by(history.c.waktu, history.c.id))).mappings().all()
            libur = await tenggat.holidays(connection, rows[0]["waktu"]) if rows else frozenset()
        entries = [_history(r, libur) for r in rows]
        if not can_see(self.viewer, self.row):
            for entry in entries:  # the public sees that steps happened, not who took them
                entry.petugas = "Lontara Plus"
                entry.catatan = None
        return entries

    @strawberry.field(description="Notifications of the steps, with their delivery (staff and the complainant)")
    async def notifikasi(self, info: Ctx) -> list[Notifikasi]:
        if not can_see(self.viewer, self.row):
            return []
        table = tables.notifikasi
        async with _engine(info).connect() as connection:
            rows = (await connection.execute(select(table).where(table.c.nomor_aduan == self.row["nomor"])
                                             .order_by(table.c.id))).mappings().all()
        return [Notifikasi(penerima=r["penerima"], saluran=r["saluran"], status=r["status"],
                           percobaan=r["percobaan"], waktu=r["waktu"], terkirim=r["terkirim"]) for r in rows]


@strawberry.federation.type(keys=["nik"])
class Penduduk:
    nik: NIK

    @strawberry.field(description="Complaints this citizen filed, the latest first: to the citizen themself, the "
                                  "desk, and the OPD staff handling a complaint that is not confidential")
    async def aduan(self, info: Ctx, status: StatusAduan | None = None) -> list[Aduan]:
        viewer = principal_of(info.context)
        if viewer.anonymous:
            return []  # personal data: not even a query without an identity
        engine = _engine(info)

        async def load(niks: list[str]) -> list[list[RowMapping]]:
            table = tables.aduan
            async with engine.connect() as connection:
                rows = (await connection.execute(select(table).where(table.c.nik_pelapor.in_(set(niks)))
                                                 .order_by(table.c.diterima.desc()))).mappings().all()
            found: dict[str, list[RowMapping]] = {}
            for row in rows:
                found.setdefault(row["nik_pelapor"], []).append(row)
            return [found.get(nik, []) for nik in niks]

        rows = await info.context.loader(("aduan_by_nik", engine), load).load(self.nik)
        return [Aduan(row=r, viewer=viewer) for r in rows
                if can_see_identity(viewer, r) and (status is None or r["status"] == status.value)]

    @classmethod
    def resolve_reference(cls, nik: str) -> Penduduk:
        return Penduduk(nik=NIK(parse_nik(nik)))


@strawberry.input(description="A new complaint")
class AduanBaru:
    kategori: KategoriAduan
    lokasi: str
    deskripsi: str
    nik_pelapor: NIK | None = strawberry.field(
        default=None, description="Only when the desk files for a caller; a citizen's NIK comes from their token")
    kode_kelurahan: KodeWilayah | None = None
    lintang: float | None = None
    bujur: float | None = None
    foto_url: str | None = None
    foto: list[str] | None = None
    telepon_pelapor: NomorTelepon | None = None
    rahasia: bool = False


@strawberry.input(description="Filters of a complaint list (all optional, combined with AND)")
class SaringanAduan:
    opd: OpdTujuan | None = None
    kategori: KategoriAduan | None = None
    status: list[StatusAduan] | None = None
    kode_kelurahan: KodeWilayah | None = None
    dari: WaktuWITA | None = strawberry.field(default=None, description="Filed at or after")
    sampai: WaktuWITA | None = strawberry.field(default=None, description="Filed before")
    terlambat: bool | None = strawberry.field(default=None, description="Only (or never) past the current deadline")


@strawberry.type
class JumlahPerOpdStatus:
    opd: OpdTujuan | None
    status: StatusAduan
    jumlah: int


@strawberry.type
class JumlahPerOpd:
    opd: OpdTujuan | None
    jumlah: int


@strawberry.type(description="How long complaints stayed in a state over the period")
class WaktuLangkah:
    status: StatusAduan
    jumlah: int
    median_jam: float
    p90_jam: float
    terlambat: int


@strawberry.type(description="Dashboard figures, computed in SQL over what the caller may see")
class StatistikAduan:
    per_opd_status: list[JumlahPerOpdStatus]
    terlambat_per_opd: list[JumlahPerOpd]
    waktu_langkah: list[WaktuLangkah]


@strawberry.type(description="A deadline rule")
class Tenggat:
    status: StatusAduan
    kategori: KategoriAduan | None
    jumlah: int
    satuan: Satuan
    dasar: str | None


@strawberry.type
class HariLibur:
    tanggal: Tanggal
    nama: str


def _aduan(row: Mapping[str, Any], viewer: Principal) -> Aduan:
    return Aduan(row=row, viewer=viewer)


def _naive(value: datetime | None) -> datetime | None:
    return tenggat.to_utc(value) if value is not None and value.tzinfo is not None else value


def _staff(principal: Principal) -> None:
    require_identity(principal)
    if principal.role == "warga":
        raise refuse("Lists of complaints are for staff; a citizen reads antrianSaya and Penduduk.aduan",
                     "FORBIDDEN")


@strawberry.type
class Query:
    @strawberry.field(description="A complaint by its number: its public part to anyone holding the number")
    async def aduan(self, info: Ctx, nomor: str) -> Aduan | None:
        viewer = principal_of(info.context)
        async with _engine(info).connect() as connection:
            row = (await connection.execute(select(tables.aduan).where(tables.aduan.c.nomor == nomor[:40]))
                   ).mappings().first()
        return _aduan(row, viewer) if row is not None else None

    @strawberry.field(description="Complaints the caller may see, newest first, filtered")
    async def daftar_aduan(
        self, info: Ctx, saringan: SaringanAduan | None = None, first: int = 20, after: str | None = None
    ) -> Connection[Aduan]:
        viewer = principal_of(info.context)
        _staff(viewer)
        s = saringan or SaringanAduan()
        filters = queries.Saringan(
            opd=s.opd.value if s.opd else None, kategori=s.kategori.value if s.kategori else None,
            status=[x.value for x in s.status] if s.status else None, kode_kelurahan=s.kode_kelurahan,
            dari=_naive(s.dari), sampai=_naive(s.sampai), terlambat=s.terlambat,
        )
        async with _engine(info).connect() as connection:
            rows, cursor, more = await queries.page(
                connection, [visible_filter(viewer), *queries.conditions(filters, utcnow())], first, after)
        return Connection(nodes=[_aduan(r, viewer) for r in rows], end_cursor=cursor, has_next_page=more)

    @strawberry.field(description="The public list (as Open311 publishes it): every complaint but the confidential "
                                  "ones, newest first; who filed them is never part of it")
    async def aduan_publik(
        self, info: Ctx, kategori: KategoriAduan | None = None, terbuka: bool | None = None,
        dari: WaktuWITA | None = None, sampai: WaktuWITA | None = None, first: int = 20, after: str | None = None,
    ) -> Connection[Aduan]:
        table = tables.aduan
        filters = queries.Saringan(kategori=kategori.value if kategori else None, dari=_naive(dari),
                                   sampai=_naive(sampai))
        where = [table.c.rahasia.is_(False), *queries.conditions(filters, utcnow())]
        if terbuka is not None:
            still = table.c.status.in_([s.value for s in TIMED])
            where.append(still if terbuka else ~still)
        async with _engine(info).connect() as connection:
            rows, cursor, more = await queries.page(connection, where, first, after)
        return Connection(nodes=[_aduan(r, ANONYMOUS) for r in rows], end_cursor=cursor, has_next_page=more)

    @strawberry.field(description="What waits for the caller's next step: the desk's unverified and undispatched, "
                                  "an OPD's unassigned and assigned, an officer's own, a head's escalated, "
                                  "a citizen's finished awaiting confirmation")
    async def antrian_saya(self, info: Ctx, first: int = 20, after: str | None = None) -> Connection[Aduan]:
        viewer = principal_of(info.context)
        require_identity(viewer)
        async with _engine(info).connect() as connection:
            rows, cursor, more = await queries.page(connection, [queries.queue_of(viewer)], first, after)
        return Connection(nodes=[_aduan(r, viewer) for r in rows], end_cursor=cursor, has_next_page=more)

    @strawberry.field(description="Counts per OPD and state, overdue per OPD, median and p90 time per state")
    async def statistik_aduan(
        self, info: Ctx, dari: WaktuWITA | None = None, sampai: WaktuWITA | None = None
    ) -> StatistikAduan:
        viewer = principal_of(info.context)
        _staff(viewer)
        async with _engine(info).connect() as connection:
            found = await queries.statistics(connection, viewer, _naive(dari), _naive(sampai), utcnow())
        return StatistikAduan(
            per_opd_status=[JumlahPerOpdStatus(opd=OpdTujuan(r["opd"]) if r["opd"] else None,
                                               status=StatusAduan(r["status"]), jumlah=r["jumlah"])
                            for r in found["per_opd_status"]],
            terlambat_per_opd=[JumlahPerOpd(opd=OpdTujuan(r["opd"]) if r["opd"] else None, jumlah=r["jumlah"])
                               for r in found["terlambat_per_opd"]],
            waktu_langkah=[WaktuLangkah(status=StatusAduan(r["status"]), jumlah=r["jumlah"],
                                        median_jam=r["median_jam"], p90_jam=r["p90_jam"], terlambat=r["terlambat"])
                           for r in found["waktu_langkah"]],
        )

    @strawberry.field(description="The deadline rules in force")
    async def tenggat_aduan(self, info: Ctx) -> list[Tenggat]:
        table = tables.tenggat
        async with _engine(info).connect() as connection:
            rows = (await connection.execute(select(table).order_by(table.c.status, table.c.kategori))).mappings()
            return [Tenggat(status=StatusAduan(r["status"]),
                            kategori=KategoriAduan(r["kategori"]) if r["kategori"] else None,
                            jumlah=r["jumlah"], satuan=Satuan(r["satuan"]), dasar=r["dasar"]) for r in rows]

    @strawberry.field(description="Public holidays and collective leave of a year (no working hours)")
    async def hari_libur(self, info: Ctx, tahun: int) -> list[HariLibur]:
        table = tables.hari_libur
        async with _engine(info).connect() as connection:
            rows = await connection.execute(select(table).where(
                table.c.tanggal >= date(tahun, 1, 1), table.c.tanggal <= date(tahun, 12, 31)).order_by(table.c.tanggal))
            return [HariLibur(tanggal=Tanggal(r.tanggal), nama=r.nama) for r in rows]


async def _step(info: Ctx, nomor: str, langkah: str, kunci: str | None, **options: Any) -> Aduan:
    viewer = principal_of(info.context)
    bus = _bus(info)
    row = await steps.take_step(_engine(info), viewer, nomor[:40], langkah, key=_key(info, kunci),
                                publish=bus.publish if bus is not None else None, **options)
    return _aduan(row, viewer)


KUNCI = strawberry.argument(description="The client key of this step (or the Idempotency-Key header): "
                                        "a retry with the same key does not repeat the step")


@strawberry.type(description="Where to PUT one photo (JPEG, PNG or WebP, at most 5 MB), once, before it expires")
class UnggahFoto:
    url: str
    kedaluwarsa: WaktuWITA


@strawberry.type
class Mutation:
    @strawberry.mutation(description="A one-use upload URL for a photo of a complaint: its complainant, or its "
                                     "assigned field officer; without `nomor`, a citizen's photo for the complaint "
                                     "they are filing. PUT the image there; pass the address it answers in `foto:`")
    async def minta_unggah_foto(self, info: Ctx, nomor: str | None = None) -> UnggahFoto:
        viewer = principal_of(info.context)
        require_identity(viewer)
        row: Any = None
        if nomor is None:
            # The photo comes before the complaint: ajukanAduan(foto:) takes the address.
            if not (viewer.role == "warga" and viewer.nik):
                raise refuse("Without a number, only a citizen filing a complaint adds photos", "FORBIDDEN")
        else:
            async with _engine(info).connect() as connection:
                row = await steps.read(connection, nomor[:40])
        if row is None or (viewer.role == "warga" and viewer.nik == row["nik_pelapor"]):
            oleh = "pelapor"
        elif viewer.role == "petugas_lapangan" and viewer.subject == row["petugas_sub"]:
            oleh = "petugas"
        else:
            raise refuse("Only the complainant or the assigned officer adds photos", "FORBIDDEN")
        request = info.context.request
        uploads = getattr(request.app.state, "aduan_uploads", None) if request is not None else None
        if uploads is None:
            raise refuse("Uploads are not configured on this subgraph", "UPLOADS_UNAVAILABLE")
        token, expires = uploads.sign(row["nomor"] if row is not None else "", oleh)
        base = uploads.public_url or str(request.base_url).rstrip("/")  # type: ignore[union-attr]
        return UnggahFoto(url=f"{base}/unggah/{token}",
                          kedaluwarsa=WaktuWITA(datetime.fromtimestamp(expires, UTC).replace(tzinfo=None)))

    @strawberry.mutation(description="File a complaint (a citizen, or the desk for a caller); it starts DITERIMA")
    async def ajukan_aduan(
        self, info: Ctx, aduan: AduanBaru, kunci: str | None = None
    ) -> Aduan:
        viewer = principal_of(info.context)
        bus = _bus(info)
        foto = list(aduan.foto or [])
        if aduan.foto_url is not None:
            foto.insert(0, aduan.foto_url)
        row = await steps.file(_engine(info), viewer, Pengajuan(
            nik_pelapor=aduan.nik_pelapor, kategori=aduan.kategori, lokasi=aduan.lokasi, deskripsi=aduan.deskripsi,
            kode_kelurahan=aduan.kode_kelurahan, telepon_pelapor=aduan.telepon_pelapor, lintang=aduan.lintang,
            bujur=aduan.bujur, foto=foto, rahasia=aduan.rahasia,
        ), _key(info, kunci), publish=bus.publish if bus is not None else None)
        return _aduan(row, viewer)

    @strawberry.mutation(description="The desk: DITERIMA → DIVERIFIKASI")
    async def verifikasi_aduan(self, info: Ctx, nomor: str, catatan: str | None = None,
                               kunci: str | None = None) -> Aduan:
        note = steps.text("catatan", catatan, tables.MAX_CATATAN, required=False)
        return await _step(info, nomor, "verifikasi", kunci, catatan=note)

    @strawberry.mutation(description="The desk: refuse (DITERIMA or DIVERIFIKASI → DITOLAK) with the reason")
    async def tolak_aduan(self, info: Ctx, nomor: str, alasan: str, kunci: str | None = None) -> Aduan:
        reason = steps.text("alasan", alasan, tables.MAX_ALASAN)
        return await _step(info, nomor, "tolak", kunci, catatan=reason, changes={"alasan_penolakan": reason})

    @strawberry.mutation(description="The desk: DIVERIFIKASI → DIDISPOSISIKAN to the OPD in charge")
    async def disposisikan_aduan(self, info: Ctx, nomor: str, opd: OpdTujuan, catatan: str | None = None,
                                 kunci: str | None = None) -> Aduan:
        note = steps.text("catatan", catatan, tables.MAX_CATATAN, required=False)
        return await _step(info, nomor, "disposisi", kunci, catatan=note, changes={"opd_tujuan": opd.value},
                           data={"opd": opd.value})

    @strawberry.mutation(description="The OPD's coordinator: assign a field officer of the OPD (DITUGASKAN); "
                                     "again to reassign")
    async def tugaskan_petugas(self, info: Ctx, nomor: str, petugas: str, catatan: str | None = None,
                               kunci: str | None = None) -> Aduan:
        note = steps.text("catatan", catatan, tables.MAX_CATATAN, required=False)
        officer = petugas[:80]

        async def assign(connection: AsyncConnection, row: RowMapping) -> dict[str, Any]:
            found = await steps.assignable_officer(connection, officer, row["opd_tujuan"])
            return {"petugas_sub": found["sub"], "petugas_nama": found["nama"]}

        return await _step(info, nomor, "tugaskan", kunci, catatan=note, prepare=assign,
                           data={"petugas": officer})

    @strawberry.mutation(description="The OPD's coordinator: send a misrouted complaint back to the desk "
                                     "(DIDISPOSISIKAN → DIVERIFIKASI) with the reason")
    async def kembalikan_aduan(self, info: Ctx, nomor: str, alasan: str, kunci: str | None = None) -> Aduan:
        reason = steps.text("alasan", alasan, tables.MAX_ALASAN)
        return await _step(info, nomor, "kembalikan", kunci, catatan=reason,
                           changes={"opd_tujuan": None, "petugas_sub": None, "petugas_nama": None})

    @strawberry.mutation(description="The assigned officer: record the handling (notes, photos, where) → DITANGANI; "
                                     "repeatable")
    async def tangani_aduan(
        self, info: Ctx, nomor: str, catatan: str, foto: list[str] | None = None, lintang: float | None = None,
        bujur: float | None = None, kunci: str | None = None,
    ) -> Aduan:
        note = steps.text("catatan", catatan, tables.MAX_CATATAN)
        urls = steps.photos(foto)
        steps.location(lintang, bujur)
        return await _step(info, nomor, "tangani", kunci, catatan=note, prepare=_add_photos(urls),
                           data={"foto": urls, "lintang": lintang, "bujur": bujur})

    @strawberry.mutation(description="The assigned officer: DITANGANI → SELESAI")
    async def selesaikan_aduan(self, info: Ctx, nomor: str, catatan: str, foto: list[str] | None = None,
                               kunci: str | None = None) -> Aduan:
        note = steps.text("catatan", catatan, tables.MAX_CATATAN)
        urls = steps.photos(foto)
        return await _step(info, nomor, "selesaikan", kunci, catatan=note, prepare=_add_photos(urls),
                           data={"foto": urls} if urls else None)

    @strawberry.mutation(description="The citizen who filed it, within 7 days: confirm (SELESAI → DIKONFIRMASI) "
                                     "and rate 1-5")
    async def konfirmasi_aduan(self, info: Ctx, nomor: str, penilaian: int, ulasan: str | None = None,
                               kunci: str | None = None) -> Aduan:
        if not 1 <= penilaian <= 5:
            raise refuse("penilaian is 1 to 5", "BAD_USER_INPUT", field="penilaian")
        review = steps.text("ulasan", ulasan, tables.MAX_ALASAN, required=False)
        return await _step(info, nomor, "konfirmasi", kunci, catatan=review,
                           changes={"penilaian": penilaian, "ulasan": review}, data={"penilaian": penilaian})

    @strawberry.mutation(description="The citizen who filed it, within 7 days: reopen (SELESAI → DITUGASKAN, "
                                     "back to the officer) with the reason")
    async def buka_kembali_aduan(self, info: Ctx, nomor: str, alasan: str, kunci: str | None = None) -> Aduan:
        reason = steps.text("alasan", alasan, tables.MAX_ALASAN)
        return await _step(info, nomor, "bukaKembali", kunci, catatan=reason, changes={"selesai": None})

    @strawberry.mutation(description="The city (admin_kota): set a deadline rule, for one category or all")
    async def atur_tenggat(self, info: Ctx, status: StatusAduan, jumlah: int, satuan: Satuan,
                           kategori: KategoriAduan | None = None, dasar: str | None = None) -> Tenggat:
        _admin(principal_of(info.context))
        if status not in TIMED:
            raise refuse(f"{status.value} has no deadline", "BAD_USER_INPUT", field="status")
        days = jumlah / 24 if satuan is Satuan.JAM else jumlah / 8 if satuan is Satuan.JAM_KERJA else jumlah
        if jumlah <= 0 or days > 180:
            raise refuse("a deadline is positive and at most 180 days", "BAD_USER_INPUT", field="jumlah")
        basis = steps.text("dasar", dasar, 200, required=False)
        table = tables.tenggat
        async with _engine(info).begin() as connection:
            match = table.c.kategori.is_(None) if kategori is None else table.c.kategori == kategori.value
            await connection.execute(delete(table).where(table.c.status == status.value, match))
            await connection.execute(insert(table).values(
                status=status.value, kategori=kategori.value if kategori else None, jumlah=jumlah,
                satuan=satuan.value, dasar=basis))
        return Tenggat(status=status, kategori=kategori, jumlah=jumlah, satuan=satuan, dasar=basis)

    @strawberry.mutation(description="The city (admin_kota): add a holiday (or rename one)")
    async def atur_hari_libur(self, info: Ctx, tanggal: Tanggal, nama: str) -> HariLibur:
        _admin(principal_of(info.context))
        name = steps.text("nama", nama, 120)
        table = tables.hari_libur
        async with _engine(info).begin() as connection:
            changed = await connection.execute(update(table).where(table.c.tanggal == tanggal).values(nama=name))
            if changed.rowcount == 0:
                await connection.execute(insert(table).values(tanggal=tanggal, nama=name))
        return HariLibur(tanggal=tanggal, nama=str(name))


def _admin(principal: Principal) -> None:
    require_identity(principal)
    if principal.role != "admin_kota":
        raise refuse("Only the city's administrator edits deadlines", "FORBIDDEN", role=principal.role)


def _add_photos(urls: list[str]) -> Any:
    async def add(connection: AsyncConnection, row: RowMapping) -> dict[str, Any]:
        if urls:
            await connection.execute(insert(tables.foto_aduan), [
                {"nomor_aduan": row["nomor"], "url": url, "oleh": "petugas", "waktu": utcnow()} for url in urls])
        return {}

    return add


# -- live events -----------------------------------------------------------------------------------

async def _events(info: Ctx, wanted: Any) -> AsyncGenerator[Aduan, None]:
    viewer = principal_of(info.context)
    bus = _bus(info)
    if bus is None:
        raise refuse("Live events are not configured on this subgraph", "SUBSCRIPTIONS_UNAVAILABLE")
    try:
        events = bus.listen()
    except RuntimeError as error:
        raise refuse(str(error), "SUBSCRIPTIONS_UNAVAILABLE") from None
    async for event in events:
        if not wanted(viewer, event):
            continue
        row = await bus.row_after(event, _engine(info))
        if row is not None:
            yield _aduan(row, viewer)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Every change of one complaint (anyone holding its number), or of every "
                                         "complaint the caller may see")
    async def aduan_berubah(self, info: Ctx, nomor: str | None = None) -> AsyncGenerator[Aduan, None]:
        def wanted(viewer: Principal, event: Peristiwa) -> bool:
            if nomor is not None:
                return event.nomor == nomor
            return can_see(viewer, {"nomor": event.nomor, **event.row()})

        if nomor is None:
            require_identity(principal_of(info.context))
        events = _events(info, wanted)
        if nomor is not None:
            # The complaint as it is now first, so the client never misses a change made
            # while it was subscribing (the stream is listening before this is read).
            first = asyncio.ensure_future(events.__anext__())
            await asyncio.sleep(0)
            async with _engine(info).connect() as connection:
                row = (await connection.execute(select(tables.aduan).where(tables.aduan.c.nomor == nomor[:40]))
                       ).mappings().first()
            if row is None:
                first.cancel()
                raise refuse(f"No complaint numbered {nomor}", "NOT_FOUND", nomor=nomor)
            yield _aduan(row, principal_of(info.context))
            yield await first
        async for item in events:
            yield item

    @strawberry.subscription(description="Changes to the caller's OPD's complaints (coordinator, operator, head)")
    async def antrian_opd_berubah(self, info: Ctx) -> AsyncGenerator[Aduan, None]:
        viewer = principal_of(info.context)
        require_identity(viewer)
        opd = opd_of_claim(viewer.opd)
        if viewer.role not in OPD_STAFF or opd is None:
            raise refuse("An OPD's queue is for its staff", "FORBIDDEN", role=viewer.role)
        async for item in _events(info, lambda _v, e: opd.value in (e.opd, e.opd_sebelum)):
            yield item

    @strawberry.subscription(description="Changes to the complaints assigned to the calling field officer")
    async def antrian_petugas_berubah(self, info: Ctx) -> AsyncGenerator[Aduan, None]:
        viewer = principal_of(info.context)
        require_identity(viewer)
        if viewer.role != "petugas_lapangan":
            raise refuse("An officer's queue is for field officers", "FORBIDDEN", role=viewer.role)
        async for item in _events(info, lambda v, e: v.subject in (e.petugas_sub, e.petugas_sebelum)):
            yield item


# The kit's create_schema takes no subscription type: the same schema class and config, with one.
schema = SubgraphSchema(query=Query, mutation=Mutation, subscription=Subscription, types=[Penduduk],
                        config=StrawberryConfig(scalar_map=SCALAR_MAP), federation_version=FEDERATION_VERSION)
