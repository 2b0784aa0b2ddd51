"""`splp demo`: seed SQLite databases, compose the six subgraphs, serve them and the gateway.

Everything runs in this one process on 127.0.0.1: the gateway on port 4000 (GraphiQL at
/graphql), the subgraphs on 4001-4006, the stand-ins on 4011-4012. Ctrl-C stops it all.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import socket
from pathlib import Path

from sqlalchemy import select
from starlette.applications import Starlette

from federation.compose import SubgraphSource, compose
from federation.http.app import create_app as create_gateway
from federation.security.demo import DemoSecurity, people_tokens
from federation.telemetry import Telemetry, observe
from subgraphs.aduan.tables import aduan
from subgraphs.kesehatan.tables import kunjungan
from subgraphs.kit.sql import create_engine
from subgraphs.opds import OPDS, STANDINS, Sources, subgraph_url
from subgraphs.pendapatan.tables import objek_pajak
from subgraphs.seed import TARGETS, seed_databases
from subgraphs.serve import Servers
from subgraphs.sosial.tables import penyaluran_bantuan
from subgraphs.standins.tables import izin

HOST = "127.0.0.1"
GATEWAY_PORT = 4000

CITIZEN_QUERY = """query Warga($nik: NIK!) {
  penduduk(nik: $nik) {
    nik
    nama
    tanggalLahir
    jenisKelamin
    alamat { jalan rt rw kelurahan { nama } kecamatan { nama } }
    kartuKeluarga { nomorKk anggota { nama hubunganKeluarga } }
    tagihanPbb { tahun jumlah lunas }
    kunjungan(limit: 3) { waktu poli puskesmas { nama } }
    jkn { nomorKartu status }
    bantuanSosial { program periode jumlah status }
    izin { nomor jenis status }
    aduan { nomor kategori status terlambat }
  }
}"""


def database_urls(folder: Path) -> dict[str, str]:
    """One SQLite file per OPD and stand-in, as each OPD has its own database in production."""
    return {target: f"sqlite+aiosqlite:///{(folder / f'{target}.db').resolve()}" for target in TARGETS}


def seed_fingerprint() -> str:
    """Changes whenever the tables or the generator change, so old demo data is never reused."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted([*root.glob("*/tables.py"), *root.glob("seed/*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


async def ensure_seeded(folder: Path, citizens: int, seed: int, *, reseed: bool) -> None:
    marker = folder / "seed.json"
    wanted = {"citizens": citizens, "seed": seed, "fingerprint": seed_fingerprint()}
    if not reseed and marker.exists() and json.loads(marker.read_text()) == wanted:
        print(f"Using the databases in {folder}/ ({citizens} citizens, seed {seed}).")
        return
    folder.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    print(f"Seeding {citizens} citizens (seed {seed}) into {folder}/ …", flush=True)
    report = await seed_databases(database_urls(folder), citizens=citizens, seed=seed)
    marker.write_text(json.dumps(wanted))
    print(f"Seeded {sum(report.rows.values())} rows in {report.seconds:.1f} s.")


async def compose_supergraph(host: str = HOST) -> str:
    """Compose the six subgraphs' SDL (read from `_service`) with their demo URLs."""
    sources = []
    for name, opd in OPDS.items():
        result = await opd.schema.execute("{ _service { sdl } }")
        assert result.data is not None, result.errors
        sources.append(SubgraphSource(name=name, url=subgraph_url(name, host), sdl=result.data["_service"]["sdl"]))
    composed = compose(sources)
    if composed.errors or composed.supergraph_sdl is None:
        raise RuntimeError("composition failed:\n" + "\n".join(str(error) for error in composed.errors))
    return composed.supergraph_sdl


async def sample_nik(urls: dict[str, str]) -> str:
    """A citizen with data in as many OPDs as possible, so the printed query shows them all."""
    columns = [
        ("pendapatan", objek_pajak.c.nik_pemilik), ("kesehatan", kunjungan.c.nik),
        ("sosial", penyaluran_bantuan.c.nik_penerima), ("perizinan", izin.c.nik_pemohon),
        ("aduan", aduan.c.nik_pelapor),
    ]
    counts: dict[str, int] = {}
    for target, column in columns:
        engine = create_engine(urls[target])
        try:
            async with engine.connect() as connection:
                for nik in set((await connection.execute(select(column))).scalars()):
                    counts[nik] = counts.get(nik, 0) + 1
        finally:
            await engine.dispose()
    return min(counts, key=lambda nik: (-counts[nik], nik))


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


async def start_all(servers: Servers, urls: dict[str, str], supergraph_sdl: str, host: str = HOST,
                    gateway_port: int = GATEWAY_PORT, gateway: Starlette | None = None) -> None:
    for name, (port, create) in STANDINS.items():
        await servers.start_aiohttp(create(urls[name]), host, port)
    sources = {
        name: Sources(
            database_url=urls.get(name),
            bpjs_url=f"http://{host}:{STANDINS['bpjs'][0]}",
            perizinan_api_url=f"http://{host}:{STANDINS['perizinan'][0]}",
        )
        for name in OPDS
    }
    for name, opd in OPDS.items():
        await servers.start_asgi(opd.create_app(sources[name]), host, opd.port)
    # Who is asking, signed subgraph requests and the access trail: federation.security.demo
    # (`gateway`); without it, a plain gateway.
    await servers.start_asgi(gateway or create_gateway(supergraph_sdl), host, gateway_port)


async def run_demo(folder: Path, citizens: int, seed: int, *, reseed: bool = False) -> int:
    await ensure_seeded(folder, citizens, seed, reseed=reseed)
    urls = database_urls(folder)
    supergraph_sdl = await compose_supergraph()
    (folder / "supergraph.graphql").write_text(supergraph_sdl)
    nik = await sample_nik(urls)
    # Tokens per role, signed subgraph requests, the access trail (federation.security.demo).
    security = DemoSecurity(folder)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    servers = Servers()
    # Complaint photos are uploaded and read through the gateway (federation.superapp.photos).
    os.environ.setdefault("SPLP_ADUAN_PUBLIC_URL", f"http://{HOST}:{GATEWAY_PORT}/aduan")
    os.environ.setdefault("SPLP_FOTO_DIR", str(folder / "foto"))
    if _answers(HOST, 4222):  # live complaint status and notifications when NATS runs here
        os.environ.setdefault("SPLP_NATS_URL", f"nats://{HOST}:4222")
    try:
        gateway = security.gateway_app(supergraph_sdl, nik)
        observe(gateway, Telemetry())  # /metrics; no access log on the demo's console
        await start_all(servers, urls, supergraph_sdl, gateway=gateway)
        address = f"http://{HOST}:{GATEWAY_PORT}/graphql"
        body = json.dumps({"query": CITIZEN_QUERY, "variables": {"nik": nik}})
        tokens = people_tokens(security.identity, nik)
        print(f"""
SPLP demo is running.
  Gateway + GraphiQL: {address}
  Super app page:     http://{HOST}:{GATEWAY_PORT}/app  (pick a demo role and log in)
  Subgraphs:          {', '.join(f'{name} :{opd.port}' for name, opd in OPDS.items())}
  Stand-ins (not part of the product): BPJS :{STANDINS['bpjs'][0]}, permits :{STANDINS['perizinan'][0]}

Personal data needs a token and a purpose: pick a role in GraphiQL's bar (a citizen, an
operator of an OPD, the complaint desk, the DPO…), or `splp demo token ROLE [--nik NIK]`.
Anonymous requests get no personal value.

A citizen across all six OPDs (role "warga" with NIK {nik}, variables {{"nik": "{nik}"}}):

{CITIZEN_QUERY}

or: curl -s {address} -H 'content-type: application/json' -H 'x-splp-purpose: layanan_publik' \\
      -H "authorization: Bearer $(splp demo token warga --nik {nik})" -d '{body}'

Their processing history: curl -s http://{HOST}:{GATEWAY_PORT}/trail/me -H "authorization: Bearer ..."
The access trail: splp trail verify --database {security.trail_url} --public-key {security.trail_public}

Lontara Plus, one complaint from the citizen to the field officer and back: pick a role by
sending its headers (README, "Lontara Plus"); tokens for 8 hours, each with
X-SPLP-Purpose: penanganan_aduan (the citizen: layanan_publik):
{chr(10).join(f"  {role:17} Authorization: Bearer {value}" for role, value in tokens.items())}
Subscriptions: ws://{HOST}:{GATEWAY_PORT}/graphql (graphql-transport-ws) or POST with Accept: text/event-stream.
Open311 GeoReport v2: http://{HOST}:{GATEWAY_PORT}/open311/v2/services.json

Ctrl-C stops everything.""", flush=True)
        await stop.wait()
    finally:
        print("\nStopping…", flush=True)
        await servers.stop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    print("Stopped.")
    return 0
