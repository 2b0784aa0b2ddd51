"""Kependudukan: citizens, family cards and the region tree, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from subgraphs.kependudukan.schema import schema
from tests.subgraphs import world as w
from tests.subgraphs.helpers import entities, sources


async def test_a_citizen_is_read_by_nik_with_address_and_family(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, """query($nik: NIK!) { penduduk(nik: $nik) {
            nik nama tempatLahir tanggalLahir jenisKelamin agama statusPerkawinan pekerjaan hubunganKeluarga
            alamat { jalan rt rw kelurahan { kode nama kodePos } kecamatan { kode nama } }
            kartuKeluarga { nomorKk tanggalTerbit kepalaKeluarga { nama } anggota { nama hubunganKeluarga } }
        } }""", nik=w.WIFE)
    assert data == {"penduduk": {
        "nik": w.WIFE, "nama": "Siti Nurhaliza", "tempatLahir": "Makassar", "tanggalLahir": "1983-06-15",
        "jenisKelamin": "PEREMPUAN", "agama": "ISLAM", "statusPerkawinan": "KAWIN", "pekerjaan": "Guru",
        "hubunganKeluarga": "ISTRI",
        "alamat": {"jalan": "Jl. Penghibur No. 12", "rt": "003", "rw": "002",
                   "kelurahan": {"kode": w.LOSARI, "nama": "Losari", "kodePos": "90112"},
                   "kecamatan": {"kode": "73.71.04", "nama": "Ujung Pandang"}},
        "kartuKeluarga": {"nomorKk": w.KK_RAHMAN, "tanggalTerbit": "2010-01-20",
                          "kepalaKeluarga": {"nama": "Andi Baso Rahman"},
                          "anggota": [{"nama": "Andi Baso Rahman", "hubunganKeluarga": "KEPALA_KELUARGA"},
                                      {"nama": "Siti Nurhaliza", "hubunganKeluarga": "ISTRI"},
                                      {"nama": "Muhammad Fajar", "hubunganKeluarga": "ANAK"}]},
    }}


async def test_an_unregistered_nik_is_null(world_url: str) -> None:
    async with sources(world_url) as ctx:
        assert await ctx.run(schema, '{ penduduk(nik: "7371041203800009") { nama } }') == {"penduduk": None}


async def test_a_malformed_nik_is_refused_before_the_database(world_url: str) -> None:
    async with sources(world_url) as ctx:
        errors = await ctx.errors(schema, '{ penduduk(nik: "1234") { nama } }')
        assert errors[0][1]["code"] == "INVALID_NIK"
        assert ctx.statements == []


async def test_the_region_tree_has_the_15_kecamatan_of_makassar(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, "{ daftarKecamatan { kode nama kelurahan { kode } } }")
    kecamatan = data["daftarKecamatan"]
    assert [k["kode"] for k in kecamatan] == [f"73.71.{n:02d}" for n in range(1, 16)]
    assert kecamatan[0]["nama"] == "Mariso"
    assert kecamatan[14]["nama"] == "Kepulauan Sangkarrang"
    assert sum(len(k["kelurahan"]) for k in kecamatan) == 153  # Kepmendagri 300.2.2-2430/2025


async def test_kelurahan_carry_the_codes_of_the_official_register(world_url: str) -> None:
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, '{ losari: kelurahan(kode: "73.71.04.1008") { nama kodePos } '
                                     'bontoDuri: kelurahan(kode: "73.71.10.1011") { nama kodePos } '
                                     'ujungTanah: kecamatan(kode: "73.71.08") { kelurahan { kode } } }')
    assert data["losari"] == {"nama": "Losari", "kodePos": "90112"}
    assert data["bontoDuri"] == {"nama": "Bonto Duri", "kodePos": None}  # no postal code on record: not guessed
    # The register's numbers, gaps included (1001, 1007 and 1008 went to Kepulauan Sangkarrang).
    assert [k["kode"][-4:] for k in data["ujungTanah"]["kelurahan"]] == [
        "1002", "1003", "1004", "1005", "1006", "1009", "1010", "1011", "1012"]


async def test_citizens_page_by_cursor_and_filter(world_url: str) -> None:
    query = """query($after: String, $kel: KodeWilayah) {
        daftarPenduduk(first: 2, after: $after, kodeKelurahan: $kel) { nodes { nik } endCursor hasNextPage } }"""
    async with sources(world_url) as ctx:
        first = (await ctx.run(schema, query))["daftarPenduduk"]
        second = (await ctx.run(schema, query, after=first["endCursor"]))["daftarPenduduk"]
        losari = (await ctx.run(schema, query, kel=w.LOSARI, after=None))["daftarPenduduk"]
    assert [n["nik"] for n in first["nodes"]] == [w.SON, w.HEAD]
    assert first["hasNextPage"] is True
    assert [n["nik"] for n in second["nodes"]] == [w.WIFE, w.HASNAH]
    assert second["hasNextPage"] is False
    assert [n["nik"] for n in losari["nodes"]] == [w.SON, w.HEAD]


async def test_a_bad_cursor_or_page_size_is_a_clear_error(world_url: str) -> None:
    async with sources(world_url) as ctx:
        bad_cursor = await ctx.errors(schema, '{ daftarPenduduk(after: "%%%") { nodes { nik } } }')
        too_many = await ctx.errors(schema, "{ daftarPenduduk(first: 1000) { nodes { nik } } }")
    assert bad_cursor[0][1]["code"] == "INVALID_CURSOR"
    assert too_many[0][1]["code"] == "INVALID_PAGE_SIZE"


async def test_entities_resolve_citizens_family_cards_and_kecamatan(world_url: str) -> None:
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Penduduk { nama } ... on KartuKeluarga { kepalaKeluarga { nama } } ... on Kecamatan { nama } } }"""
    async with sources(world_url) as ctx:
        data = await ctx.run(schema, query, r=[
            {"__typename": "Penduduk", "nik": w.HASNAH},
            {"__typename": "KartuKeluarga", "nomorKk": w.KK_RAHMAN},
            {"__typename": "Kecamatan", "kode": "73.71.13"},
            {"__typename": "Penduduk", "nik": "7371041203800009"},
        ])
    assert data == {"_entities": [
        {"nama": "Hasnah Saleh"}, {"kepalaKeluarga": {"nama": "Andi Baso Rahman"}}, {"nama": "Rappocini"}, None,
    ]}


async def test_an_entity_with_a_malformed_key_is_an_error_for_that_entity(world_url: str) -> None:
    async with sources(world_url) as ctx:
        errors = await ctx.errors(schema, entities("Penduduk", "nama"),
                                  representations=[{"__typename": "Penduduk", "nik": "12"}])
    assert errors[0][1]["code"] == "INVALID_NIK"


async def test_the_service_sdl_is_federation_v2(world_url: str) -> None:
    async with sources(world_url) as ctx:
        sdl = (await ctx.run(schema, "{ _service { sdl } }"))["_service"]["sdl"]
    assert '@link(url: "https://specs.apollo.dev/federation/v2.9"' in sdl
    assert 'type Penduduk @key(fields: "nik")' in sdl
