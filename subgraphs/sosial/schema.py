"""Sosial (social aid): welfare registration (DTKS) of a family and aid disbursements."""

from __future__ import annotations

from enum import Enum

import strawberry

from subgraphs.kit import Rupiah, create_schema, entity, has_many, kartu_keluarga, page_field, penduduk, reference
from subgraphs.kit.access import personal, protect
from subgraphs.sosial import tables


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


@entity(tables.registrasi_dtks, key="nomor_kk", hide=["nomor_kk"], types={"status": StatusDtks}, federated=False,
        description="A family's entry in the integrated social welfare data (DTKS)")
class RegistrasiDtks:
    desil: int = strawberry.field(description="Welfare decile, 1 = poorest")


@entity(tables.penyaluran_bantuan, key="id", hide=["id", "nomor_kk", "nik_penerima"], federated=False,
        types={"program": ProgramBantuan, "jumlah": Rupiah, "status": StatusPenyaluran},
        description="One disbursement of a social aid programme")
class PenyaluranBantuan:
    periode: str = strawberry.field(description="Month of the disbursement, YYYY-MM")
    penerima = reference("Penduduk", "nik_penerima", nullable=False)
    keluarga = reference("KartuKeluarga", "nomor_kk", nullable=False)


_LATEST_FIRST = ["-periode", "-program", "-id"]


@kartu_keluarga
class KartuKeluarga:
    registrasi_dtks = reference(RegistrasiDtks, "nomor_kk",
                                description="The family's DTKS registration; null when not registered")
    bantuan_sosial = has_many(PenyaluranBantuan, "nomor_kk", order_by=_LATEST_FIRST, assumed_size=24,
                              description="Aid disbursed to the family, the latest period first")


@penduduk
class Penduduk:
    bantuan_sosial = has_many(PenyaluranBantuan, "nik_penerima", order_by=_LATEST_FIRST, nullable=True,
                              filters={"program": ProgramBantuan}, assumed_size=24,
                              description="Aid received by this citizen, the latest period first")


@strawberry.type
class Query:
    penyaluran_bantuan = page_field(
        PenyaluranBantuan, filters={"program": ProgramBantuan, "periode": str, "status": StatusPenyaluran},
        description="Disbursements in order of record, filtered by programme, period and status")


protect(Penduduk, "bantuan_sosial", policy=personal("sosial:baca"))
protect(KartuKeluarga, "registrasi_dtks", "bantuan_sosial", scopes=[["sosial:baca"]])
protect(Query, "penyaluran_bantuan", scopes=[["sosial:baca"]])

schema = create_schema(Query, types=[Penduduk, KartuKeluarga])
