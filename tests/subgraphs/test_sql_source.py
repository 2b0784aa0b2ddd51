"""SQL sources: N entity representations or N parents cost one statement, never N."""

from __future__ import annotations

from subgraphs.kependudukan.schema import schema as kependudukan
from subgraphs.pendapatan.schema import schema as pendapatan
from subgraphs.seed import TARGETS, load_batches
from tests.subgraphs.helpers import entities, sources
from tests.subgraphs.world import hundred_citizens


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
