"""Kependudukan (population registry): citizens, family cards and the region tree of Makassar.

Owns the `Penduduk` entity (key: nik) that every other OPD extends.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from subgraphs.kependudukan import tables
from subgraphs.kit import NIK, Ctx, KodeWilayah, NomorKK, create_schema, entity, has_many, page_field, reference, rows
from subgraphs.kit.access import personal, protect
from subgraphs.kit.scalars import parse_kode_wilayah


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


@entity(tables.kecamatan, key="kode", types={"kode": KodeWilayah},
        description="A kecamatan (district) of Kota Makassar")
class Kecamatan:
    kelurahan = has_many("Kelurahan", "kode_kecamatan", assumed_size=15)

    @classmethod
    async def resolve_reference(cls, info: Ctx, kode: str) -> Kecamatan | None:
        return await rows(Kecamatan).get(info.context, parse_kode_wilayah(kode, level="kecamatan"))


@entity(tables.kelurahan, key="kode", types={"kode": KodeWilayah}, hide=["kode_kecamatan"], federated=False,
        description="A kelurahan (urban village)")
class Kelurahan:
    kecamatan = reference(Kecamatan, "kode_kecamatan", nullable=False)


@strawberry.type(description="An address down to RT/RW")
class Alamat:
    jalan: str
    rt: str
    rw: str
    kode_kelurahan: strawberry.Private[str]
    kelurahan = reference(Kelurahan, "kode_kelurahan", nullable=False)

    @strawberry.field
    async def kecamatan(self, info: Ctx) -> Kecamatan:
        kelurahan = await rows(Kelurahan).get(info.context, self.kode_kelurahan)
        found = await rows(Kecamatan).get(info.context, kelurahan.kode_kecamatan) if kelurahan else None
        if found is None:
            raise LookupError(f"kelurahan {self.kode_kelurahan} is missing from the region tree")
        return found


def _alamat(holder: Any) -> Alamat:
    return Alamat(jalan=holder.jalan, rt=holder.rt, rw=holder.rw, kode_kelurahan=holder.kode_kelurahan)


_ADDRESS = ["jalan", "rt", "rw", "kode_kelurahan"]


@entity(tables.penduduk, key="nik", hide=["nomor_kk", *_ADDRESS],
        types={"hubungan_keluarga": HubunganKeluarga, "jenis_kelamin": JenisKelamin, "agama": Agama,
               "status_perkawinan": StatusPerkawinan},
        description="A citizen registered in Kota Makassar")
class Penduduk:
    kartu_keluarga = reference("KartuKeluarga", "nomor_kk")

    @strawberry.field
    def alamat(self) -> Alamat:
        return _alamat(self)


@entity(tables.kartu_keluarga, key="nomor_kk", hide=["nik_kepala", *_ADDRESS],
        description="A family card (Kartu Keluarga)")
class KartuKeluarga:
    kepala_keluarga = reference(Penduduk, "nik_kepala")

    @strawberry.field
    def alamat(self) -> Alamat:
        return _alamat(self)

    @strawberry.field(description="Members of the family, the head first")
    async def anggota(self, info: Ctx) -> list[Penduduk | None]:
        members = await rows(Penduduk).list_by(info.context, "nomor_kk", self.nomor_kk, order_by=["tanggal_lahir"])
        return sorted(members, key=lambda member: member.nik != self.nik_kepala)


@strawberry.type
class Query:
    @strawberry.field(description="A citizen by NIK; null when the NIK is not registered in Makassar")
    async def penduduk(self, info: Ctx, nik: NIK) -> Penduduk | None:
        return await rows(Penduduk).get(info.context, nik)

    daftar_penduduk = page_field(Penduduk, filters={"kode_kelurahan": KodeWilayah, "jenis_kelamin": JenisKelamin},
                                 description="Citizens in NIK order, optionally of one kelurahan and/or sex")

    @strawberry.field
    async def kartu_keluarga(self, info: Ctx, nomor_kk: NomorKK) -> KartuKeluarga | None:
        return await rows(KartuKeluarga).get(info.context, nomor_kk)

    @strawberry.field(description="The 15 kecamatan of Kota Makassar")
    async def daftar_kecamatan(self, info: Ctx) -> list[Kecamatan]:
        return (await rows(Kecamatan).page(info.context, first=100)).items

    @strawberry.field(description="A kecamatan by its code (73.71.DD); a code of another level is an error")
    async def kecamatan(self, info: Ctx, kode: KodeWilayah) -> Kecamatan | None:
        return await rows(Kecamatan).get(info.context, parse_kode_wilayah(kode, level="kecamatan"))

    @strawberry.field(description="A kelurahan by its code (73.71.DD.VVVV); a code of another level is an error")
    async def kelurahan(self, info: Ctx, kode: KodeWilayah) -> Kelurahan | None:
        return await rows(Kelurahan).get(info.context, parse_kode_wilayah(kode, level="kelurahan"))


# Personal data (UU 27/2022): the citizen themself, or an officer with the OPD's scope; the NIK is
# also readable by the other OPDs' officers who hold a citizen's records under it.
PERSONAL_FIELDS = [f.python_name for f in Penduduk.__strawberry_definition__.fields if f.python_name != "nik"]
protect(Penduduk, *PERSONAL_FIELDS, policy=personal("penduduk:baca"))
protect(Penduduk, "nik", policy=personal("penduduk:baca", "pendapatan:baca", "kesehatan:baca", "sosial:baca",
                                         "perizinan:baca", "aduan:baca"))
protect(KartuKeluarga, "alamat", "anggota", "kepala_keluarga", scopes=[["penduduk:baca"]])
protect(Query, "kartu_keluarga", scopes=[["penduduk:baca"]])
protect(Query, "daftar_penduduk", scopes=[["penduduk:daftar"]])  # bulk listing: operators only

schema = create_schema(Query)
