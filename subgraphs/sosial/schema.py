"""Sosial (social aid): welfare registration (DTKS) of a family and aid disbursements."""

from __future__ import annotations

from enum import Enum

import strawberry
from sqlalchemy.engine import RowMapping
from strawberry.types import Info

from subgraphs.kit import NIK, NomorKK, Rupiah, SubgraphContext, Tanggal, WaktuWITA, create_schema
from subgraphs.kit.scalars import parse_nik, parse_nomor_kk
from subgraphs.kit.sql import DEFAULT_PAGE_SIZE, SqlEntity
from subgraphs.kit.types import Connection
from subgraphs.sosial import tables

Ctx = Info[SubgraphContext, None]


@strawberry.enum(description="Social aid programmes")
class ProgramBantuan(Enum):
    PKH = "PKH"
    SEMBAKO = "SEMBAKO"
    BLT = "BLT"
    ATENSI = "ATENSI"


@strawberry.enum
class StatusPenyaluran(Enum):
    DIJADWALKAN = "DIJADWALKAN"
    DISALURKAN = "DISALURKAN"
    GAGAL = "GAGAL"


@strawberry.enum
class StatusDtks(Enum):
    AKTIF = "AKTIF"
    DIVERIFIKASI_ULANG = "DIVERIFIKASI_ULANG"
    NONAKTIF = "NONAKTIF"


@strawberry.type(description="A family's entry in the integrated social welfare data (DTKS)")
class RegistrasiDtks:
    desil: int = strawberry.field(description="Welfare decile, 1 = poorest")
    terdaftar: Tanggal
    status: StatusDtks


@strawberry.type(description="One disbursement of a social aid programme")
class PenyaluranBantuan:
    program: ProgramBantuan
    periode: str = strawberry.field(description="Month of the disbursement, YYYY-MM")
    jumlah: Rupiah
    status: StatusPenyaluran
    disalurkan: WaktuWITA | None
    nik_penerima: strawberry.Private[str]
    nomor_kk: strawberry.Private[str]

    @strawberry.field
    def penerima(self) -> Penduduk:
        return Penduduk(nik=NIK(self.nik_penerima))

    @strawberry.field
    def keluarga(self) -> KartuKeluarga:
        return KartuKeluarga(nomor_kk=NomorKK(self.nomor_kk))


@strawberry.federation.type(keys=["nomorKk"])
class KartuKeluarga:
    nomor_kk: NomorKK

    @strawberry.field(description="The family's DTKS registration; null when not registered")
    async def registrasi_dtks(self, info: Ctx) -> RegistrasiDtks | None:
        return await DTKS.get(info.context, self.nomor_kk)

    @strawberry.field(description="Aid disbursed to the family, the latest period first")
    async def bantuan_sosial(self, info: Ctx) -> list[PenyaluranBantuan]:
        found = await PENYALURAN.list_by(info.context, "nomor_kk", self.nomor_kk)
        return list(reversed(found))

    @classmethod
    def resolve_reference(cls, nomorKk: str) -> KartuKeluarga:
        return KartuKeluarga(nomor_kk=NomorKK(parse_nomor_kk(nomorKk)))


@strawberry.federation.type(keys=["nik"])
class Penduduk:
    nik: NIK

    @strawberry.field(description="Aid received by this citizen, the latest period first")
    async def bantuan_sosial(self, info: Ctx, program: ProgramBantuan | None = None) -> list[PenyaluranBantuan]:
        found = await PENYALURAN.list_by(
            info.context, "nik_penerima", self.nik, program=program.value if program is not None else None
        )
        return list(reversed(found))

    @classmethod
    def resolve_reference(cls, nik: str) -> Penduduk:
        return Penduduk(nik=NIK(parse_nik(nik)))


def _penyaluran(row: RowMapping) -> PenyaluranBantuan:
    return PenyaluranBantuan(
        program=ProgramBantuan(row["program"]), periode=row["periode"], jumlah=row["jumlah"],
        status=StatusPenyaluran(row["status"]), disalurkan=row["disalurkan"],
        nik_penerima=row["nik_penerima"], nomor_kk=row["nomor_kk"],
    )


DTKS = SqlEntity(
    tables.registrasi_dtks,
    lambda row: RegistrasiDtks(desil=row["desil"], terdaftar=row["terdaftar"], status=StatusDtks(row["status"])),
    key="nomor_kk",
)
PENYALURAN = SqlEntity(tables.penyaluran_bantuan, _penyaluran, key="id", order_by=["periode", "program"])


@strawberry.type
class Query:
    @strawberry.field(description="Disbursements in order of record, filtered by programme, period and status")
    async def penyaluran_bantuan(
        self,
        info: Ctx,
        program: ProgramBantuan | None = None,
        periode: str | None = None,
        status: StatusPenyaluran | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[PenyaluranBantuan]:
        filters = {
            "program": program.value if program is not None else None,
            "periode": periode,
            "status": status.value if status is not None else None,
        }
        return Connection.of(await PENYALURAN.page(info.context, first=first, after=after, filters=filters))


schema = create_schema(Query, types=[Penduduk, KartuKeluarga])
