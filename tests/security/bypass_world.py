"""Three subgraphs whose protected data can be reached by roundabout paths: an interface and a
union over citizens and businesses (kependudukan), a field `@requires`-ing a scoped field
(kesehatan), and an `@interfaceObject` adding a scoped field to the interface (sosial). Each
records the operations it receives, so a test can check that nothing denied was asked for."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.asgi import GraphQL

from federation.compose import SubgraphSource, compose

RECEIVED: list[str] = []
WARGA = {"7371014101900001": ("Andi", "O"), "7371014101900002": ("Budi", "AB")}
BACA = [["penduduk:baca"]]


class _Recording(GraphQL[Any, Any]):
    async def get_context(self, request: Any, response: Any) -> Any:
        if request.method == "POST":
            RECEIVED.append((await request.json())["query"])
        return await super().get_context(request, response)


@strawberry.federation.interface(keys=["nik"])
class Subjek:
    nik: str
    nama: str | None = strawberry.federation.field(requires_scopes=BACA)


@strawberry.federation.type(keys=["nik"])
class Penduduk(Subjek):
    golongan_darah: str | None = strawberry.federation.field(requires_scopes=BACA)

    @classmethod
    def resolve_reference(cls, nik: str) -> Penduduk:
        nama, darah = WARGA[nik]
        return Penduduk(nik=nik, nama=nama, golongan_darah=darah)


@strawberry.federation.type(keys=["nik"])
class Badan(Subjek):
    """A business registered under a NIK-like number: open data, but a Subjek's name is protected."""

    bidang: str = "perdagangan"

    @classmethod
    def resolve_reference(cls, nik: str) -> Badan:
        return Badan(nik=nik, nama="CV Maju")


@strawberry.federation.type
class Bangunan:
    alamat: str = "Jl. Somba Opu 1"


Hasil = Annotated[Penduduk | Bangunan, strawberry.union("Hasil")]


@strawberry.type
class KependudukanQuery:
    @strawberry.field
    def subjek(self) -> list[Subjek]:
        return [Penduduk.resolve_reference(n) for n in WARGA] + [Badan.resolve_reference("9120001")]

    @strawberry.field
    def cari(self) -> list[Hasil]:
        return [Penduduk.resolve_reference("7371014101900001"), Bangunan()]

    @strawberry.field
    def penduduk(self, nik: str) -> Penduduk | None:
        return Penduduk.resolve_reference(nik) if nik in WARGA else None


@strawberry.federation.type(keys=["nik"], name="Penduduk")
class PendudukKesehatan:
    nik: str
    golongan_darah: str | None = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["golonganDarah"], requires_scopes=BACA)
    def boleh_donor(self) -> bool | None:
        return self.golongan_darah in ("O", "A")

    @classmethod
    def resolve_reference(cls, nik: str, **required: Any) -> PendudukKesehatan:
        return PendudukKesehatan(nik=nik, golongan_darah=required.get("golonganDarah"))


@strawberry.type
class KesehatanQuery:
    @strawberry.field
    def puskesmas(self) -> str:
        return "Puskesmas Kassi-Kassi"


@strawberry.federation.interface_object(keys=["nik"], name="Subjek")
class SubjekSosial:
    nik: str
    bantuan: str | None = strawberry.federation.field(requires_scopes=[["sosial:baca"]])

    @classmethod
    def resolve_reference(cls, nik: str) -> SubjekSosial:
        return SubjekSosial(nik=nik, bantuan="PKH")


@strawberry.type
class SosialQuery:
    @strawberry.field
    def program(self) -> str:
        return "PKH"


def schemas() -> dict[str, strawberry.federation.Schema]:
    return {
        "kependudukan": strawberry.federation.Schema(query=KependudukanQuery, types=[Penduduk, Badan, Bangunan]),
        "kesehatan": strawberry.federation.Schema(query=KesehatanQuery, types=[PendudukKesehatan]),
        "sosial": strawberry.federation.Schema(query=SosialQuery, types=[SubjekSosial]),
    }


def apps() -> dict[str, GraphQL[Any, Any]]:
    return {name: _Recording(schema) for name, schema in schemas().items()}


def supergraph(urls: dict[str, str]) -> str:
    result = compose([SubgraphSource(name, urls[name], schema.as_str()) for name, schema in schemas().items()])
    assert result.supergraph_sdl is not None, result.errors
    return result.supergraph_sdl
