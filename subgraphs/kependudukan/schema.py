"""Kependudukan (population registry): citizens, family cards and the region tree of Makassar.

Owns the `Penduduk` entity (key: nik) that every other OPD extends.
"""

from __future__ import annotations

from enum import Enum

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry.types import Info

from subgraphs.kependudukan import tables
from subgraphs.kit import KodeWilayah, NomorKK, SubgraphContext, Tanggal, create_schema
from subgraphs.kit.scalars import NIK, parse_kode_wilayah, parse_nik, parse_nomor_kk
from subgraphs.kit.sql import DEFAULT_PAGE_SIZE, SqlEntity
from subgraphs.kit.types import Connection

Ctx = Info[SubgraphContext, None]


@strawberry.enum
class JenisKelamin(Enum):
    LAKI_LAKI = "LAKI_LAKI"
    PEREMPUAN = "PEREMPUAN"


@strawberry.enum
class Agama(Enum):
    ISLAM = "ISLAM"
    KRISTEN = "KRISTEN"
    KATOLIK = "KATOLIK"
    HINDU = "HINDU"
    BUDDHA = "BUDDHA"
    KONGHUCU = "KONGHUCU"
    KEPERCAYAAN = "KEPERCAYAAN"


@strawberry.enum
class StatusPerkawinan(Enum):
    BELUM_KAWIN = "BELUM_KAWIN"
    KAWIN = "KAWIN"
    CERAI_HIDUP = "CERAI_HIDUP"
    CERAI_MATI = "CERAI_MATI"


@strawberry.enum
class HubunganKeluarga(Enum):
    KEPALA_KELUARGA = "KEPALA_KELUARGA"
    SUAMI = "SUAMI"
    ISTRI = "ISTRI"
    ANAK = "ANAK"
    MENANTU = "MENANTU"
    CUCU = "CUCU"
    ORANG_TUA = "ORANG_TUA"
    MERTUA = "MERTUA"
    FAMILI_LAIN = "FAMILI_LAIN"


@strawberry.federation.type(keys=["kode"], description="A kecamatan (district) of Kota Makassar")
class Kecamatan:
    kode: KodeWilayah
    nama: str

    @strawberry.field
    async def kelurahan(self, info: Ctx) -> list[Kelurahan]:
        return await KELURAHAN.list_by(info.context, "kode_kecamatan", self.kode)

    @classmethod
    async def resolve_reference(cls, info: Ctx, kode: str) -> Kecamatan | None:
        return await KECAMATAN.get(info.context, parse_kode_wilayah(kode))


@strawberry.type(description="A kelurahan (urban village)")
class Kelurahan:
    kode: KodeWilayah
    nama: str
    kode_pos: str
    kode_kecamatan: strawberry.Private[str]

    @strawberry.field
    async def kecamatan(self, info: Ctx) -> Kecamatan:
        return await _kecamatan(info.context, self.kode_kecamatan)


@strawberry.type(description="An address down to RT/RW")
class Alamat:
    jalan: str
    rt: str
    rw: str
    kode_kelurahan: strawberry.Private[str]

    @strawberry.field
    async def kelurahan(self, info: Ctx) -> Kelurahan:
        return await _kelurahan(info.context, self.kode_kelurahan)

    @strawberry.field
    async def kecamatan(self, info: Ctx) -> Kecamatan:
        kelurahan = await _kelurahan(info.context, self.kode_kelurahan)
        return await _kecamatan(info.context, kelurahan.kode_kecamatan)


@strawberry.federation.type(keys=["nik"], description="A citizen registered in Kota Makassar")
class Penduduk:
    nik: NIK
    nama: str
    tempat_lahir: str
    tanggal_lahir: Tanggal
    jenis_kelamin: JenisKelamin
    agama: Agama
    status_perkawinan: StatusPerkawinan
    pekerjaan: str
    hubungan_keluarga: HubunganKeluarga
    alamat: Alamat
    nomor_kk: strawberry.Private[str]

    @strawberry.field
    async def kartu_keluarga(self, info: Ctx) -> KartuKeluarga | None:
        return await KARTU_KELUARGA.get(info.context, self.nomor_kk)

    @classmethod
    async def resolve_reference(cls, info: Ctx, nik: str) -> Penduduk | None:
        return await PENDUDUK.get(info.context, parse_nik(nik))


@strawberry.federation.type(keys=["nomorKk"], description="A family card (Kartu Keluarga)")
class KartuKeluarga:
    nomor_kk: NomorKK
    tanggal_terbit: Tanggal
    alamat: Alamat
    nik_kepala: strawberry.Private[str]

    @strawberry.field
    async def kepala_keluarga(self, info: Ctx) -> Penduduk | None:
        return await PENDUDUK.get(info.context, self.nik_kepala)

    @strawberry.field(description="Members of the family, the head first")
    async def anggota(self, info: Ctx) -> list[Penduduk]:
        members = await PENDUDUK.list_by(info.context, "nomor_kk", self.nomor_kk)
        return sorted(members, key=lambda p: (p.nik != self.nik_kepala, p.tanggal_lahir, p.nik))

    @classmethod
    async def resolve_reference(cls, info: Ctx, nomorKk: str) -> KartuKeluarga | None:
        return await KARTU_KELUARGA.get(info.context, parse_nomor_kk(nomorKk))


async def _kelurahan(ctx: SubgraphContext, kode: str) -> Kelurahan:
    found = await KELURAHAN.get(ctx, kode)
    if found is None:
        raise LookupError(f"kelurahan {kode} is missing from the region tree")
    return found


async def _kecamatan(ctx: SubgraphContext, kode: str) -> Kecamatan:
    found = await KECAMATAN.get(ctx, kode)
    if found is None:
        raise LookupError(f"kecamatan {kode} is missing from the region tree")
    return found


def _alamat(row: RowMapping) -> Alamat:
    return Alamat(jalan=row["jalan"], rt=row["rt"], rw=row["rw"], kode_kelurahan=row["kode_kelurahan"])


def _penduduk(row: RowMapping) -> Penduduk:
    return Penduduk(
        nik=NIK(row["nik"]),
        nama=row["nama"],
        tempat_lahir=row["tempat_lahir"],
        tanggal_lahir=Tanggal(row["tanggal_lahir"]),
        jenis_kelamin=JenisKelamin(row["jenis_kelamin"]),
        agama=Agama(row["agama"]),
        status_perkawinan=StatusPerkawinan(row["status_perkawinan"]),
        pekerjaan=row["pekerjaan"],
        hubungan_keluarga=HubunganKeluarga(row["hubungan_keluarga"]),
        alamat=_alamat(row),
        nomor_kk=row["nomor_kk"],
    )


def _kartu_keluarga(row: RowMapping) -> KartuKeluarga:
    return KartuKeluarga(
        nomor_kk=NomorKK(row["nomor_kk"]),
        tanggal_terbit=Tanggal(row["tanggal_terbit"]),
        alamat=_alamat(row),
        nik_kepala=row["nik_kepala"],
    )


PENDUDUK = SqlEntity(tables.penduduk, _penduduk, key="nik")
KARTU_KELUARGA = SqlEntity(tables.kartu_keluarga, _kartu_keluarga, key="nomor_kk")
KECAMATAN = SqlEntity(tables.kecamatan, lambda row: Kecamatan(kode=row["kode"], nama=row["nama"]), key="kode")
KELURAHAN = SqlEntity(
    tables.kelurahan,
    lambda row: Kelurahan(kode=row["kode"], nama=row["nama"], kode_pos=row["kode_pos"],
                          kode_kecamatan=row["kode_kecamatan"]),
    key="kode",
)


@strawberry.type
class Query:
    @strawberry.field(description="A citizen by NIK; null when the NIK is not registered in Makassar")
    async def penduduk(self, info: Ctx, nik: NIK) -> Penduduk | None:
        return await PENDUDUK.get(info.context, nik)

    @strawberry.field(description="Citizens in NIK order, optionally of one kelurahan and/or sex")
    async def daftar_penduduk(
        self,
        info: Ctx,
        kode_kelurahan: KodeWilayah | None = None,
        jenis_kelamin: JenisKelamin | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[Penduduk]:
        filters = {
            "kode_kelurahan": kode_kelurahan,
            "jenis_kelamin": jenis_kelamin.value if jenis_kelamin is not None else None,
        }
        page = await PENDUDUK.page(info.context, first=first, after=after, filters=filters)
        return Connection.of(page)

    @strawberry.field
    async def kartu_keluarga(self, info: Ctx, nomor_kk: NomorKK) -> KartuKeluarga | None:
        return await KARTU_KELUARGA.get(info.context, nomor_kk)

    @strawberry.field(description="The 15 kecamatan of Kota Makassar")
    async def daftar_kecamatan(self, info: Ctx) -> list[Kecamatan]:
        page = await KECAMATAN.page(info.context, first=100)
        return page.items

    @strawberry.field
    async def kecamatan(self, info: Ctx, kode: KodeWilayah) -> Kecamatan | None:
        return await KECAMATAN.get(info.context, kode)

    @strawberry.field
    async def kelurahan(self, info: Ctx, kode: KodeWilayah) -> Kelurahan | None:
        return await KELURAHAN.get(info.context, kode)


schema = create_schema(Query)
