"""Subgraphs of the `planning` supergraph: cases a greedy planner gets wrong (issue 11).

wilayah  Query.kecamatanUtama @shareable: Kecamatan, a value type (no key) shared with layanan;
         Kecamatan.luas is only here.
layanan  the same root field; Kecamatan.jumlahPuskesmas is only here. A client selecting both
         fields must get one root fetch from each subgraph (the value has no key to jump by).
usaha    Query.daftarUsaha; Usaha @key(id) with nama and omzet(tahun: Int!).
pajak    Usaha.omzet(tahun:) @external; pajak @requires(omzet(tahun: 2025)) and pajakLalu
         @requires(omzet(tahun: 2024)): a required field with arguments (the client may select
         the same field with other arguments), and two requirements of one field name with
         different arguments (one representation cannot carry both).
izin     Query.daftarIzin: Izin @key(id) with pemohon: Pemohon @key(id) (nama); Query.berkas: a
         union of Surat @key(id) (kode: String!) and Foto (kode: String).
arsip    Izin @key(id) with pemohon (@shareable), where Pemohon has no key and only `jumlahBerkas`:
         reachable only through the key of its parent Izin. Surat.kode: String here, so the
         supergraph's Surat.kode is String, and izin's own types conflict (String! vs String)
         in `... on Surat { kode } ... on Foto { kode }`: the planner must alias one.
dukcapil Query.daftarWarga: Warga @key(id) with nama.
domisili Warga.alamat (@shareable): Alamat {jalan, wilayah: Wilayah {nama}}, value types.
pos      Warga.alamat (@shareable) too, where Wilayah also has kodePos. Both resolve `alamat`
         and its direct fields, so counting them cannot tell the two apart; only the cost of
         the whole selection can: `alamat { jalan wilayah { kodePos } }` from domisili needs a
         third fetch (pos, for kodePos), from pos none.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.federation import Schema

OMZET: dict[str, dict[int, int]] = {"u1": {2024: 100, 2025: 200}, "u2": {2024: 50, 2025: 80}}
USAHA: list[dict[str, Any]] = [{"id": "u1", "nama": "Warung Coto"}, {"id": "u2", "nama": "Toko Kain"}]


# ---------------------------------------------------------------- wilayah


@strawberry.federation.type(name="Kecamatan", shareable=True)
class WilayahKecamatan:
    nama: str
    luas: int


@strawberry.type(name="Query")
class WilayahQuery:
    @strawberry.federation.field(shareable=True)
    def kecamatan_utama(self) -> WilayahKecamatan:
        return WilayahKecamatan(nama="Ujung Pandang", luas=3)


# ---------------------------------------------------------------- layanan


@strawberry.federation.type(name="Kecamatan", shareable=True)
class LayananKecamatan:
    nama: str
    jumlah_puskesmas: int


@strawberry.type(name="Query")
class LayananQuery:
    @strawberry.federation.field(shareable=True)
    def kecamatan_utama(self) -> LayananKecamatan:
        return LayananKecamatan(nama="Ujung Pandang", jumlah_puskesmas=2)


# ---------------------------------------------------------------- usaha


@strawberry.federation.type(name="Usaha", keys=["id"])
class UsahaUsaha:
    id: strawberry.ID
    nama: str

    @strawberry.field
    def omzet(self, tahun: int) -> int | None:
        return OMZET[str(self.id)].get(tahun)

    @classmethod
    def resolve_reference(cls, id: str) -> UsahaUsaha:
        row = next(u for u in USAHA if u["id"] == id)
        return cls(id=strawberry.ID(id), nama=row["nama"])


@strawberry.type(name="Query")
class UsahaQuery:
    @strawberry.field
    def daftar_usaha(self) -> list[UsahaUsaha]:
        return [UsahaUsaha(id=strawberry.ID(u["id"]), nama=u["nama"]) for u in USAHA]


# ---------------------------------------------------------------- pajak


@strawberry.federation.type(name="Usaha", keys=["id"])
class PajakUsaha:
    id: strawberry.ID
    # The representation's `omzet`: whatever arguments the requiring field asked it with.
    received_omzet: strawberry.Private[int | None] = None

    @strawberry.federation.field(external=True)
    def omzet(self, tahun: int) -> int | None:
        return None  # never asked of this subgraph (external)

    @strawberry.federation.field(requires=["omzet(tahun: 2025)"])
    def pajak(self) -> int:
        if self.received_omzet is None:
            raise ValueError("omzet was not provided in the representation")
        return self.received_omzet // 10

    @strawberry.federation.field(requires=["omzet(tahun: 2024)"])
    def pajak_lalu(self) -> int:
        if self.received_omzet is None:
            raise ValueError("omzet was not provided in the representation")
        return self.received_omzet // 10

    @classmethod
    def resolve_reference(cls, id: str, omzet: int | None = None) -> PajakUsaha:
        return cls(id=strawberry.ID(id), received_omzet=omzet)


@strawberry.type(name="Query")
class PajakQuery:
    @strawberry.field
    def tarif(self) -> int:
        return 10


# ---------------------------------------------------------------- izin

IZIN: list[dict[str, Any]] = [{"id": "z1", "pemohon": "p1"}, {"id": "z2", "pemohon": "p2"}]
PEMOHON: dict[str, dict[str, Any]] = {"p1": {"nama": "Andi", "berkas": 3}, "p2": {"nama": "Sitti", "berkas": 1}}


@strawberry.federation.type(name="Pemohon", keys=["id"])
class IzinPemohon:
    id: strawberry.ID

    @strawberry.field
    def nama(self) -> str:
        return str(PEMOHON[str(self.id)]["nama"])

    @classmethod
    def resolve_reference(cls, id: str) -> IzinPemohon:
        return cls(id=strawberry.ID(id))


@strawberry.federation.type(name="Izin", keys=["id"])
class IzinIzin:
    id: strawberry.ID
    pemohon_id: strawberry.Private[str]

    @strawberry.federation.field(shareable=True)
    def pemohon(self) -> IzinPemohon:
        return IzinPemohon(id=strawberry.ID(self.pemohon_id))

    @classmethod
    def resolve_reference(cls, id: str) -> IzinIzin:
        row = next(z for z in IZIN if z["id"] == id)
        return cls(id=strawberry.ID(id), pemohon_id=row["pemohon"])


@strawberry.federation.type(name="Surat", keys=["id"])
class IzinSurat:
    id: strawberry.ID
    kode: str = strawberry.federation.field(shareable=True)


@strawberry.type(name="Foto")
class IzinFoto:
    kode: str | None


Berkas = Annotated[IzinSurat | IzinFoto, strawberry.union("Berkas")]


@strawberry.type(name="Query")
class IzinQuery:
    @strawberry.field
    def daftar_izin(self) -> list[IzinIzin]:
        return [IzinIzin(id=strawberry.ID(z["id"]), pemohon_id=z["pemohon"]) for z in IZIN]

    @strawberry.field
    def berkas(self) -> list[Berkas]:
        return [IzinSurat(id=strawberry.ID("s1"), kode="SK-1"), IzinFoto(kode=None), IzinFoto(kode="F-2")]


# ---------------------------------------------------------------- arsip


@strawberry.type(name="Pemohon")
class ArsipPemohon:
    pemohon_id: strawberry.Private[str]

    @strawberry.field
    def jumlah_berkas(self) -> int:
        return int(PEMOHON[self.pemohon_id]["berkas"])


@strawberry.federation.type(name="Izin", keys=["id"])
class ArsipIzin:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def pemohon(self) -> ArsipPemohon:
        row = next(z for z in IZIN if z["id"] == str(self.id))
        return ArsipPemohon(pemohon_id=row["pemohon"])

    @classmethod
    def resolve_reference(cls, id: str) -> ArsipIzin:
        return cls(id=strawberry.ID(id))


@strawberry.federation.type(name="Surat", keys=["id"])
class ArsipSurat:
    id: strawberry.ID
    kode: str | None = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, id: str) -> ArsipSurat:
        return cls(id=strawberry.ID(id), kode="SK-1")


@strawberry.type(name="Query")
class ArsipQuery:
    @strawberry.field
    def rak(self) -> int:
        return 12


# ---------------------------------------------------------------- dukcapil, domisili, pos

WARGA: dict[str, dict[str, str]] = {
    "w1": {"nama": "Daeng Naba", "jalan": "Jl. Somba Opu", "wilayah": "Ujung Pandang", "kodePos": "90111"},
    "w2": {"nama": "Besse", "jalan": "Jl. Veteran", "wilayah": "Makassar", "kodePos": "90142"},
}


@strawberry.federation.type(name="Warga", keys=["id"])
class DukcapilWarga:
    id: strawberry.ID

    @strawberry.field
    def nama(self) -> str:
        return WARGA[str(self.id)]["nama"]

    @classmethod
    def resolve_reference(cls, id: str) -> DukcapilWarga:
        return cls(id=strawberry.ID(id))


@strawberry.type(name="Query")
class DukcapilQuery:
    @strawberry.field
    def daftar_warga(self) -> list[DukcapilWarga]:
        return [DukcapilWarga(id=strawberry.ID(key)) for key in WARGA]


@strawberry.federation.type(name="Wilayah", shareable=True)
class DomisiliWilayah:
    nama: str


@strawberry.federation.type(name="Alamat", shareable=True)
class DomisiliAlamat:
    jalan: str
    wilayah: DomisiliWilayah


@strawberry.federation.type(name="Warga", keys=["id"])
class DomisiliWarga:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def alamat(self) -> DomisiliAlamat:
        row = WARGA[str(self.id)]
        return DomisiliAlamat(jalan=row["jalan"], wilayah=DomisiliWilayah(nama=row["wilayah"]))

    @classmethod
    def resolve_reference(cls, id: str) -> DomisiliWarga:
        return cls(id=strawberry.ID(id))


@strawberry.type(name="Query")
class DomisiliQuery:
    @strawberry.field
    def jumlah_rt(self) -> int:
        return 7


@strawberry.federation.type(name="Wilayah", shareable=True)
class PosWilayah:
    nama: str
    kode_pos: str


@strawberry.federation.type(name="Alamat", shareable=True)
class PosAlamat:
    jalan: str
    wilayah: PosWilayah


@strawberry.federation.type(name="Warga", keys=["id"])
class PosWarga:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def alamat(self) -> PosAlamat:
        row = WARGA[str(self.id)]
        return PosAlamat(jalan=row["jalan"], wilayah=PosWilayah(nama=row["wilayah"], kode_pos=row["kodePos"]))

    @classmethod
    def resolve_reference(cls, id: str) -> PosWarga:
        return cls(id=strawberry.ID(id))


@strawberry.type(name="Query")
class PosQuery:
    @strawberry.field
    def jumlah_kantor_pos(self) -> int:
        return 3


SUBGRAPHS: dict[str, Schema] = {
    "wilayah": Schema(query=WilayahQuery),
    "layanan": Schema(query=LayananQuery),
    "usaha": Schema(query=UsahaQuery, types=[UsahaUsaha]),
    "pajak": Schema(query=PajakQuery, types=[PajakUsaha]),
    "izin": Schema(query=IzinQuery, types=[IzinIzin, IzinPemohon, IzinSurat, IzinFoto]),
    "arsip": Schema(query=ArsipQuery, types=[ArsipIzin, ArsipSurat]),
    "dukcapil": Schema(query=DukcapilQuery, types=[DukcapilWarga]),
    "domisili": Schema(query=DomisiliQuery, types=[DomisiliWarga]),
    "pos": Schema(query=PosQuery, types=[PosWarga]),
}
