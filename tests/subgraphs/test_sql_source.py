"""SQL sources: N entity representations or N parents cost one statement, never N."""

from __future__ import annotations

from datetime import date

from subgraphs.kependudukan.schema import schema as kependudukan
from subgraphs.pendapatan.schema import schema as pendapatan
from subgraphs.seed import TARGETS, Batch, load_batches
from subgraphs.seed.generate import static_batch
from tests.subgraphs.helpers import entities, sources


def hundred_citizens() -> tuple[Batch, list[str]]:
    """100 citizens of Losari, each owning one tax object with two yearly bills."""
    batch = static_batch()
    niks = []
    for n in range(1, 101):
        nik = f"737104120380{n:04d}"
        niks.append(nik)
        batch.add("kependudukan", "penduduk", {
            "nik": nik, "nomor_kk": "7371042001100001", "hubungan_keluarga": "FAMILI_LAIN", "nama": f"Warga {n}",
            "tempat_lahir": "Makassar", "tanggal_lahir": date(1980, 3, 12), "jenis_kelamin": "LAKI_LAKI",
            "agama": "ISLAM", "status_perkawinan": "KAWIN", "pekerjaan": "Wiraswasta", "jalan": "Jl. Penghibur",
            "rt": "001", "rw": "001", "kode_kelurahan": "73.71.04.1005",
        })
        nop = f"7371040050010{n:04d}0"
        batch.add("pendapatan", "objek_pajak", {
            "nop": nop, "nik_pemilik": nik, "letak": "Jl. Penghibur",
            "kode_kelurahan": "73.71.04.1005", "luas_tanah": 100, "luas_bangunan": 50, "njop": 500_000_000,
        })
        for year in (2025, 2026):
            batch.add("pendapatan", "tagihan_pbb", {
                "id": n * 10 + year - 2024, "nop": nop, "tahun": year, "jumlah": 490_000,
                "jatuh_tempo": date(year, 8, 31), "lunas": year == 2025,
            })
    batch.add("kependudukan", "kartu_keluarga", {
        "nomor_kk": "7371042001100001", "nik_kepala": niks[0], "jalan": "Jl. Penghibur", "rt": "001", "rw": "001",
        "kode_kelurahan": "73.71.04.1005", "tanggal_terbit": date(2010, 1, 20),
    })
    return batch, niks


async def test_100_citizen_representations_are_one_select(own_data_url: str) -> None:
    batch, niks = hundred_citizens()
    await load_batches(dict.fromkeys(TARGETS, own_data_url), [batch])
    async with sources(own_data_url) as ctx:
        data = await ctx.run(kependudukan, entities("Penduduk", "nik nama"),
                             representations=[{"__typename": "Penduduk", "nik": nik} for nik in reversed(niks)])
        statements = list(ctx.statements)
    assert [item["nik"] for item in data["_entities"]] == list(reversed(niks))
    assert len(statements) == 1, statements
    assert " IN " in statements[0].upper()


async def test_fields_of_100_citizens_are_one_select_per_level(own_data_url: str) -> None:
    batch, niks = hundred_citizens()
    await load_batches(dict.fromkeys(TARGETS, own_data_url), [batch])
    async with sources(own_data_url) as ctx:
        fields = "tagihanPbb { tahun } objekPajak { nop tagihan { lunas } }"
        data = await ctx.run(pendapatan, entities("Penduduk", fields),
                             representations=[{"__typename": "Penduduk", "nik": nik} for nik in niks])
        statements = list(ctx.statements)
    assert all(len(item["tagihanPbb"]) == 2 for item in data["_entities"])
    # Bills by owner, objects by owner, bills by object: three statements for 100 citizens.
    assert len(statements) == 3, statements


async def test_nested_lists_of_a_family_are_batched(own_data_url: str) -> None:
    batch, niks = hundred_citizens()
    await load_batches(dict.fromkeys(TARGETS, own_data_url), [batch])
    async with sources(own_data_url) as ctx:
        data = await ctx.run(kependudukan, entities(
            "Penduduk", "alamat { kelurahan { nama } kecamatan { nama } } kartuKeluarga { nomorKk }"),
            representations=[{"__typename": "Penduduk", "nik": nik} for nik in niks])
        statements = list(ctx.statements)
    assert data["_entities"][99]["alamat"]["kecamatan"] == {"nama": "Ujung Pandang"}
    # citizens, kelurahan, kecamatan, family cards
    assert len(statements) == 4, statements
