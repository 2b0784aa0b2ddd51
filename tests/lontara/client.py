"""A client of the aduan subgraph over HTTP, calling as the people of Lontara Plus."""

from __future__ import annotations

from typing import Any

import httpx

from subgraphs.kit.principal import Principal, encode_principal
from tests.subgraphs import world as w

CITIZEN = Principal(subject="warga-hasnah", role="warga", nik=w.HASNAH, name="Hasnah")
OTHER_CITIZEN = Principal(subject="warga-lain", role="warga", nik=w.HEAD, name="Rahman")
DESK = Principal(subject="meja-1", role="meja_aduan", name="Nurul Hidayah")
KOORDINATOR_PU = Principal(subject="koord-pu", role="koordinator", opd="DINAS_PU", name="Syamsul Bahri")
KOORDINATOR_DLH = Principal(subject="koord-dlh", role="koordinator", opd="DLH", name="Wahyuni Nur")
PETUGAS_PU = Principal(subject="ptg-pu-1", role="petugas_lapangan", opd="DINAS_PU", name="Irfan Hakim")
PETUGAS_PU_2 = Principal(subject="ptg-pu-2", role="petugas_lapangan", opd="DINAS_PU", name="Andi Rahmat")
KEPALA_PU = Principal(subject="kepala-pu", role="kepala_opd", opd="DINAS_PU", name="Ir. Andi Zulkifli")
ADMIN = Principal(subject="admin-kota", role="admin_kota", name="Admin Kota")
OPERATOR_DLH = Principal(subject="op-dlh", role="operator", opd="DLH", name="Operator DLH")
ANON = Principal()

# The staff directory the coordinators assign from.
OFFICERS = {"ptg-pu-1": ("Irfan Hakim", "DINAS_PU"), "ptg-pu-2": ("Andi Rahmat", "DINAS_PU"),
            "ptg-dlh-1": ("Hasnah Saleh", "DLH")}

EVERYONE = [CITIZEN, OTHER_CITIZEN, DESK, KOORDINATOR_PU, KOORDINATOR_DLH, PETUGAS_PU, PETUGAS_PU_2, KEPALA_PU,
            ADMIN, OPERATOR_DLH, ANON]

FIELDS = """nomor status opdTujuan petugas batasWaktu terlambat eskalasi nikPelapor langkahBerikutnya
            riwayat { status langkah petugas peran catatan batasWaktu berakhir }"""

NEW = {"kategori": "JALAN_RUSAK", "lokasi": "Jl. Rappocini Raya depan masjid", "kodeKelurahan": w.RAPPOCINI,
       "deskripsi": "Jalan berlubang dalam", "lintang": -5.1620, "bujur": 119.4400,
       "foto": ["https://example.org/lubang.jpg"], "teleponPelapor": "0811-4455-667"}

STEPS = {
    "verifikasi": ("verifikasiAduan(nomor: $nomor, kunci: $kunci)", DESK),
    "tolak": ('tolakAduan(nomor: $nomor, alasan: "Jalan nasional", kunci: $kunci)', DESK),
    "disposisi": ("disposisikanAduan(nomor: $nomor, opd: DINAS_PU, kunci: $kunci)", DESK),
    "tugaskan": ('tugaskanPetugas(nomor: $nomor, petugas: "ptg-pu-1", kunci: $kunci)', KOORDINATOR_PU),
    "kembalikan": ('kembalikanAduan(nomor: $nomor, alasan: "Bukan kewenangan PU", kunci: $kunci)', KOORDINATOR_PU),
    "tangani": ('tanganiAduan(nomor: $nomor, catatan: "Tim turun ke lokasi", foto: ["https://example.org/t.jpg"], '
                "lintang: -5.162, bujur: 119.44, kunci: $kunci)", PETUGAS_PU),
    "selesaikan": ('selesaikanAduan(nomor: $nomor, catatan: "Jalan sudah ditambal", kunci: $kunci)', PETUGAS_PU),
    "konfirmasi": ('konfirmasiAduan(nomor: $nomor, penilaian: 5, ulasan: "Cepat", kunci: $kunci)', CITIZEN),
    "bukaKembali": ('bukaKembaliAduan(nomor: $nomor, alasan: "Lubang muncul lagi", kunci: $kunci)', CITIZEN),
}
# The steps that bring a new complaint to the state a step starts from.
BEFORE = {
    "verifikasi": [], "tolak": [], "disposisi": ["verifikasi"], "tugaskan": ["verifikasi", "disposisi"],
    "kembalikan": ["verifikasi", "disposisi"], "tangani": ["verifikasi", "disposisi", "tugaskan"],
    "selesaikan": ["verifikasi", "disposisi", "tugaskan", "tangani"],
    "konfirmasi": ["verifikasi", "disposisi", "tugaskan", "tangani", "selesaikan"],
    "bukaKembali": ["verifikasi", "disposisi", "tugaskan", "tangani", "selesaikan"],
}


class GraphQLErrors(AssertionError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__(errors)


class AduanClient:
    def __init__(self, url: str, database_url: str) -> None:
        self.url = url
        self.database_url = database_url
        self.http = httpx.AsyncClient(timeout=30)

    async def __aenter__(self) -> AduanClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def post(self, query: str, as_: Principal, headers: dict[str, str] | None = None,
                   **variables: Any) -> dict[str, Any]:
        sent = {"x-splp-principal": encode_principal(as_), **(headers or {})}
        response = await self.http.post(self.url, json={"query": query, "variables": variables}, headers=sent)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def run(self, query: str, as_: Principal, headers: dict[str, str] | None = None,
                  **variables: Any) -> dict[str, Any]:
        body = await self.post(query, as_, headers, **variables)
        if body.get("errors"):
            raise GraphQLErrors(body["errors"])
        data: dict[str, Any] = body["data"]
        return data

    async def errors(self, query: str, as_: Principal, **variables: Any) -> list[dict[str, Any]]:
        body = await self.post(query, as_, **variables)
        assert body.get("errors"), f"expected errors, got {body}"
        found: list[dict[str, Any]] = body["errors"]
        return found

    async def file(self, as_: Principal = CITIZEN, fields: str = FIELDS, kunci: str | None = None,
                   **changes: Any) -> dict[str, Any]:
        data = await self.run(f"mutation($a: AduanBaru!, $k: String) {{ ajukanAduan(aduan: $a, kunci: $k) "
                              f"{{ {fields} }} }}", as_, a={**NEW, **changes}, k=kunci)
        filed: dict[str, Any] = data["ajukanAduan"]
        return filed

    def step_query(self, step: str, fields: str = FIELDS) -> str:
        return f"mutation($nomor: String!, $kunci: String) {{ moved: {STEPS[step][0]} {{ {fields} }} }}"

    async def step(self, nomor: str, step: str, as_: Principal | None = None, kunci: str | None = None,
                   fields: str = FIELDS) -> dict[str, Any]:
        data = await self.run(self.step_query(step, fields), as_ or STEPS[step][1], nomor=nomor, kunci=kunci)
        moved: dict[str, Any] = data["moved"]
        return moved

    async def refused(self, nomor: str, step: str, as_: Principal) -> dict[str, Any]:
        errors = await self.errors(self.step_query(step, "status"), as_, nomor=nomor, kunci=None)
        extensions: dict[str, Any] = errors[0]["extensions"]
        return extensions

    async def read(self, nomor: str, as_: Principal = DESK, fields: str = FIELDS) -> dict[str, Any]:
        found: dict[str, Any] = (await self.run(f"query($n: String!) {{ aduan(nomor: $n) {{ {fields} }} }}",
                                                as_, n=nomor))["aduan"]
        return found

    async def walk(self, nomor: str, steps: list[str]) -> None:
        for step in steps:
            await self.step(nomor, step)
