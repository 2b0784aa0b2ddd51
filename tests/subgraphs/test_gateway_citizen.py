"""One citizen query across all six OPDs through the gateway, everything on real loopback sockets."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import event

from federation.gateway import Gateway
from federation.http.app import create_app as create_gateway
from federation.security.demo import AUDIENCE, ISSUER, OPD_SCOPES, DemoIdentity
from federation.supergraph import Supergraph
from subgraphs.opds import OPDS, STANDINS, Sources
from subgraphs.seed import TARGETS, load_batches
from subgraphs.serve import Servers
from tests.subgraphs import world as w
from tests.subgraphs.conftest import free_port

SUPERGRAPH = Path(__file__).resolve().parents[2] / "subgraphs" / "demo" / "supergraph.graphql"
IDENTITY = DemoIdentity("rahasia-demo-untuk-pengujian-gateway-warga")


def officer_token() -> str:
    """A back-office reader of every OPD's records, with no role in the complaint workflow."""
    import time

    import jwt

    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "petugas-uji", "client_id": "backoffice", "iat": now,
              "exp": now + 600, "scope": " ".join([*OPD_SCOPES, "penduduk:daftar"])}
    return jwt.encode(claims, IDENTITY.secret, algorithm="HS256")


class Stack:
    def __init__(self, gateway_url: str, statements: dict[str, list[str]]) -> None:
        self.gateway_url = gateway_url
        self.statements = statements

    async def post(self, query: str, **variables: Any) -> str:
        # Personal data needs an identity and a purpose (federation.security).
        headers = {"accept": "application/json", "authorization": f"Bearer {officer_token()}",
                   "x-splp-purpose": "pelayanan_adminduk"}
        async with aiohttp.ClientSession() as session, session.post(
            self.gateway_url, json={"query": query, "variables": variables}, headers=headers,
        ) as response:
            assert response.status == 200, await response.text()
            return await response.text()


async def start_stack(database_url: str) -> AsyncIterator[Stack]:
    servers = Servers()
    statements: dict[str, list[str]] = {}
    try:
        api = {}
        for name, (_, create) in STANDINS.items():
            port = free_port()
            await servers.start_aiohttp(create(database_url), "127.0.0.1", port)
            api[name] = f"http://127.0.0.1:{port}"
        urls = {}
        for name, opd in OPDS.items():
            app = opd.create_app(Sources(database_url=database_url, bpjs_url=api["bpjs"],
                                         perizinan_api_url=api["perizinan"]))
            if app.state.sql is not None:
                seen = statements[name] = []
                event.listen(app.state.sql.engine.sync_engine, "before_cursor_execute",
                             lambda *args, seen=seen: seen.append(args[2]))
            port = free_port()
            await servers.start_asgi(app, "127.0.0.1", port)
            urls[name] = f"http://127.0.0.1:{port}/graphql"
        gateway_port = free_port()
        gateway = Gateway(Supergraph.from_sdl(SUPERGRAPH.read_text()), subgraph_urls=urls,
                          authenticator=IDENTITY.authenticator(), require_purpose=True)
        await servers.start_asgi(create_gateway(gateway.supergraph, gateway=gateway), "127.0.0.1", gateway_port)
        yield Stack(f"http://127.0.0.1:{gateway_port}/graphql", statements)
    finally:
        await servers.stop()


@pytest.fixture
async def stack(world_url: str) -> AsyncIterator[Stack]:
    async for running in start_stack(world_url):
        yield running


CITIZEN = """query Warga($nik: NIK!) {
  penduduk(nik: $nik) {
    nama
    alamat { kelurahan { nama } kecamatan { nama } }
    kartuKeluarga { anggota { nama } }
    tagihanPbb { tahun jumlah lunas }
    kunjungan { waktu poli puskesmas { nama } }
    jkn { status }
    bantuanSosial { program periode jumlah status }
    izin { nomor jenis status }
    aduan { nomor status terlambat }
  }
}"""


async def test_a_citizen_across_all_six_opds(stack: Stack) -> None:
    answer = await stack.post(CITIZEN, nik=w.HEAD)
    expected = {"data": {"penduduk": {
        "nama": "Andi Baso Rahman",
        "alamat": {"kelurahan": {"nama": "Losari"}, "kecamatan": {"nama": "Ujung Pandang"}},
        "kartuKeluarga": {"anggota": [{"nama": "Andi Baso Rahman"}, {"nama": "Siti Nurhaliza"},
                                      {"nama": "Muhammad Fajar"}]},
        "tagihanPbb": [{"tahun": 2026, "jumlah": 2480000, "lunas": False},
                       {"tahun": 2025, "jumlah": 2480000, "lunas": True}],
        "kunjungan": [
            {"waktu": "2026-05-02T09:15:00+08:00", "poli": "UMUM", "puskesmas": {"nama": "Puskesmas Makkasau"}},
            {"waktu": "2025-11-03T10:00:00+08:00", "poli": "GIGI", "puskesmas": {"nama": "Puskesmas Makkasau"}},
        ],
        "jkn": {"status": "AKTIF"},
        "bantuanSosial": [{"program": "SEMBAKO", "periode": "2026-06", "jumlah": 200000, "status": "DIJADWALKAN"},
                          {"program": "SEMBAKO", "periode": "2026-05", "jumlah": 200000, "status": "DISALURKAN"}],
        "izin": [{"nomor": "IZN/2024/0000001", "jenis": "Sertifikat Standar", "status": "BERLAKU"}],
        # A citizen's complaints are personal data: none without the citizen's or the desk's identity.
        "aduan": [],
    }}}
    # Field order included: the answer follows the query.
    assert json.loads(answer) == expected
    assert json.dumps(json.loads(answer)) == json.dumps(expected)


async def test_an_unknown_citizen_is_null_across_the_graph(stack: Stack) -> None:
    answer = json.loads(await stack.post(CITIZEN, nik="7371041203800009"))
    assert answer == {"data": {"penduduk": None}}


async def test_a_malformed_nik_is_refused_with_the_scalars_reason(stack: Stack) -> None:
    answer = json.loads(await stack.post(CITIZEN, nik="7371041203800000"))
    assert answer["errors"][0]["extensions"]["code"] == "INVALID_NIK"
    assert answer["errors"][0]["extensions"]["reason"] == "serial number 0000 is not issued"


@pytest.fixture
async def hundred_stack(own_data_url: str) -> AsyncIterator[Stack]:
    batch, _ = w.hundred_citizens()
    await load_batches(dict.fromkeys(TARGETS, own_data_url), [batch])
    async for running in start_stack(own_data_url):
        yield running


async def test_a_query_touching_100_citizens_costs_one_select_per_subgraph_level(hundred_stack: Stack) -> None:
    for seen in hundred_stack.statements.values():
        seen.clear()  # what the apps ran starting up (aduan prepares its tables) is not the query's
    answer = json.loads(await hundred_stack.post("""{ daftarPenduduk(first: 100) { nodes {
        nik alamat { kecamatan { nama } } kartuKeluarga { anggota { nik } }
        tagihanPbb { tahun } kunjungan { poli } bantuanSosial { program } aduan { status } } } }"""))
    nodes = answer["data"]["daftarPenduduk"]["nodes"]
    assert len(nodes) == 100
    assert all(len(node["tagihanPbb"]) == 2 for node in nodes)
    assert all(len(node["kartuKeluarga"]["anggota"]) == 100 for node in nodes)
    # One select per level, never one per citizen: in kependudukan the page, the kelurahan, the
    # kecamatan, the family cards and their members; one batched select in each other OPD.
    assert {name: len(seen) for name, seen in hundred_stack.statements.items()} == {
        # aduan: one batched select too, for this authenticated back-office reader
        "kependudukan": 5, "pendapatan": 1, "kesehatan": 1, "sosial": 1, "aduan": 1,
    }
