"""The access trail: one record per personal-data request (who, why, which fields, whose NIKs),
hash-chained with signed checkpoints, written off the request path; `splp trail verify` names
the first broken record; `splp trail export` gives the DPO a citizen's records; the citizen reads
their own history through the gateway; a trail that cannot be written refuses personal data."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from federation.cli import main
from federation.http.app import create_app
from federation.trail.chain import SigningKey
from federation.trail.store import TrailWriter, verify
from tests.conftest import POSTGRES
from tests.gateway.servers import Server
from tests.security import world
from tests.security.conftest import Jwks, TcpProxy, ask, make_gateway


def entry(nik: str, **extra: Any) -> dict[str, Any]:
    return {"at": time.time(), "client": "superapp", "subject": "s", "role": "warga", "purpose": "layanan_publik",
            "operation": "Q", "operation_hash": "0" * 64, "fields": ["Penduduk.nama"], "niks": [nik],
            "outcome": "ok", **extra}


@pytest.fixture
def keys(tmp_path: Path) -> tuple[SigningKey, str]:
    key = SigningKey.generate()
    public = tmp_path / "trail.pub"
    public.write_bytes(key.public_pem())
    return key, str(public)


async def write(url: str, entries: list[dict[str, Any]], key: SigningKey | None, **options: Any) -> None:
    writer = TrailWriter(url, key=key, checkpoint_every=options.pop("checkpoint_every", 3), **options)
    await writer.start()
    for e in entries:
        writer.record(e)
    await writer.close()


@pytest.fixture
async def sqlite_trail(tmp_path: Path, keys: tuple[SigningKey, str]) -> str:
    url = f"sqlite:///{tmp_path / 'trail.db'}"
    await write(url, [entry(world.ANDI if i % 2 else world.BUDI) for i in range(10)], keys[0])
    return url


def test_an_intact_trail_verifies_with_exit_0(sqlite_trail: str, keys: tuple[SigningKey, str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trail", "verify", "--database", sqlite_trail, "--public-key", keys[1]]) == 0
    assert "trail intact: 12 records" in capsys.readouterr().out  # start + 10 + stop


TAMPERING = {
    "edit": ("UPDATE splp_trail SET purpose = 'pemasaran' WHERE seq = 5", "record 5 was changed"),
    "delete": ("DELETE FROM splp_trail WHERE seq = 6", "record 6 is missing"),
    "reorder": (
        "UPDATE splp_trail SET seq = -4 WHERE seq = 4; UPDATE splp_trail SET seq = 4 WHERE seq = 7;"
        "UPDATE splp_trail SET seq = 7 WHERE seq = -4",
        "record 4 does not follow record 3",
    ),
    "truncate": ("DELETE FROM splp_trail WHERE seq >= 11", "truncated"),
}


@pytest.mark.parametrize("kind", TAMPERING)
def test_verify_names_the_first_tampered_record(
    sqlite_trail: str, keys: tuple[SigningKey, str], capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    statement, message = TAMPERING[kind]
    with sqlite3.connect(sqlite_trail.removeprefix("sqlite:///")) as db:
        db.executescript(statement)
    assert main(["trail", "verify", "--database", sqlite_trail, "--public-key", keys[1]]) == 1
    assert message in capsys.readouterr().err


def test_a_checkpoint_signed_by_another_key_fails_verification(
    sqlite_trail: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.pub"
    other.write_bytes(SigningKey.generate().public_pem())
    assert main(["trail", "verify", "--database", sqlite_trail, "--public-key", str(other)]) == 1
    assert "signed by another key" in capsys.readouterr().err


def test_export_gives_the_dpo_one_citizen_s_records_in_json_and_csv(
    sqlite_trail: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert main(["trail", "export", "--database", sqlite_trail, "--nik", world.ANDI, "--from", today,
                 "--to", today]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["nik"] == world.ANDI and len(report["records"]) == 5
    assert {r["purpose"] for r in report["records"]} == {"layanan_publik"}
    out = tmp_path / "andi.csv"
    assert main(["trail", "export", "--database", sqlite_trail, "--nik", world.ANDI, "--format", "csv",
                 "--output", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0][:3] == ["seq", "at", "client"] and len(rows) == 6
    assert main(["trail", "export", "--database", sqlite_trail, "--nik", world.ANDI, "--to", "2000-01-01"]) == 0
    assert json.loads(capsys.readouterr().out)["records"] == []


async def test_eight_concurrent_writers_make_one_chain_without_gap_or_fork(
    trail_postgres: str, keys: tuple[SigningKey, str]
) -> None:
    per_writer = 60
    await asyncio.gather(*(
        write(trail_postgres, [entry(world.ANDI, subject=f"w{w}-{i}") for i in range(per_writer)], keys[0],
              writer=f"gateway-{w}", batch=7, checkpoint_every=20)
        for w in range(8)
    ))
    verdict = await verify(trail_postgres)
    assert verdict.ok, verdict
    assert verdict.records == 8 * (per_writer + 2)
    from federation.trail.chain import load_public_key

    assert (await verify(trail_postgres, load_public_key(keys[1]))).ok


@pytest.fixture
def trail_gateway(
    jwks: tuple[Jwks, str], subgraph_urls: dict[str, str], tmp_path: Path, keys: tuple[SigningKey, str]
) -> Iterator[tuple[str, Any]]:
    writer = TrailWriter(f"sqlite:///{tmp_path / 'gateway-trail.db'}", key=keys[0], interval=0.05)
    gateway = make_gateway(jwks[1], subgraph_urls, trail=writer)
    server = Server(create_app(gateway.supergraph, gateway=gateway)).start()
    yield server.url, writer
    server.stop()


async def written(writer: TrailWriter) -> None:
    for _ in range(200):
        if not writer.pending:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the trail was not written")


async def history(base: str, token: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.get(
        base + "/trail/me", headers={"authorization": f"Bearer {token}"}
    ) as response:
        return response.status, await response.json()


async def test_a_personal_data_request_is_recorded_with_its_fields_and_niks_and_the_citizen_sees_it(
    trail_gateway: tuple[str, TrailWriter], jwks: tuple[Jwks, str]
) -> None:
    base, writer = trail_gateway
    officer = jwks[0].token(sub="petugas-7", role="operator", client_id="backoffice")
    query = "query Cek { semuaWarga { nama } }"
    assert (await ask(base + "/graphql", query, officer, purpose="pelayanan_adminduk"))[0] == 200
    await ask(base + "/graphql", "{ puskesmas }", officer)  # nothing personal: no record
    await written(writer)
    status, body = await history(base, jwks[0].token(nik=world.BUDI, sub="warga-budi"))
    assert status == 200
    assert body["records"] == [{
        "at": body["records"][0]["at"], "client": "backoffice", "role": "operator", "subject": "petugas-7",
        "purpose": "pelayanan_adminduk", "operation": "Cek", "fields": ["Penduduk.nama"], "outcome": "ok",
    }]
    await written(writer)
    status, body = await history(base, jwks[0].token(nik=world.BUDI, sub="warga-budi"))
    assert [r["fields"] for r in body["records"]] == [["trail.history"], ["Penduduk.nama"]]  # the read is recorded


async def test_only_the_niks_actually_returned_are_recorded(
    trail_gateway: tuple[str, TrailWriter], jwks: tuple[Jwks, str]
) -> None:
    base, writer = trail_gateway
    andi = jwks[0].token(nik=world.ANDI, sub="warga-andi")
    await ask(base + "/graphql", "{ semuaWarga { nama } }", andi)  # the others' names are refused
    await written(writer)
    assert (await history(base, jwks[0].token(nik=world.CITRA)))[1]["records"] == []
    assert len((await history(base, andi))[1]["records"]) == 1


async def test_the_history_is_a_citizen_s_own(trail_gateway: tuple[str, TrailWriter], jwks: tuple[Jwks, str]) -> None:
    status, body = await history(trail_gateway[0], jwks[0].token(role="operator"))
    assert status == 403 and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_personal_data_is_refused_while_the_trail_database_is_down(
    trail_postgres: str, jwks: tuple[Jwks, str], subgraph_urls: dict[str, str]
) -> None:
    proxy = TcpProxy(POSTGRES)
    proxy.up()
    url = trail_postgres.replace(f":{POSTGRES[1]}/", f":{proxy.port}/")
    writer = TrailWriter(url, interval=0.05)
    gateway = make_gateway(jwks[1], subgraph_urls, trail=writer)
    server = Server(create_app(gateway.supergraph, gateway=gateway)).start()
    query, token = "{ semuaWarga { nama } }", jwks[0].token(nik=world.ANDI)
    try:
        assert (await ask(server.url + "/graphql", query, token))[0] == 200
        await written(writer)  # else the cut may catch this record, and the next request is refused unrecorded
        proxy.down()
        await ask(server.url + "/graphql", query, token)  # its record cannot be written: the trail notices
        for _ in range(100):
            if not writer.accepting:
                break
            await asyncio.sleep(0.05)
        status, body = await ask(server.url + "/graphql", query, token)
        assert status == 503 and body["errors"][0]["extensions"]["code"] == "TRAIL_UNAVAILABLE"
        assert (await ask(server.url + "/graphql", "{ puskesmas }", token))[0] == 200  # nothing personal
        proxy.up()
        for _ in range(100):
            if writer.accepting and not writer.pending:
                break
            await asyncio.sleep(0.05)
        assert (await ask(server.url + "/graphql", query, token))[0] == 200
    finally:
        server.stop()
        proxy.close()
    verdict = await verify(trail_postgres)
    assert verdict.ok and verdict.records == 5  # start, the two served before and after, the one kept, stop


async def test_a_connection_the_database_dropped_costs_the_trail_no_refusal(
    trail_postgres: str, postgres_url: str, keys: tuple[SigningKey, str]
) -> None:
    """PostgreSQL ends the trail's idle connection (a restart, `idle_session_timeout`): the next
    batch is written on a new one, and the trail never counts as down meanwhile."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    writer = TrailWriter(trail_postgres, key=keys[0], checkpoint_every=3)
    await writer.start()
    writer.record(entry(world.ANDI))
    assert await writer.flush()
    database = trail_postgres.rsplit("/", 1)[1]
    admin = create_async_engine(postgres_url)
    async with admin.connect() as connection:
        ended = await connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"
        ), {"d": database})
        assert ended.all(), "the trail's pooled connection was open"
    await admin.dispose()
    writer.record(entry(world.BUDI))
    assert await writer.flush()
    assert writer.healthy and writer.accepting
    await writer.close()
    verdict = await verify(trail_postgres)
    assert verdict.ok and verdict.records == 4, verdict  # start, two records, stop


async def test_identical_concurrent_requests_are_each_recorded(
    jwks: tuple[Jwks, str], subgraph_urls: dict[str, str], tmp_path: Path
) -> None:
    # a gateway sharing identical in-flight queries still records each request: each is a processing
    writer = TrailWriter(f"sqlite:///{tmp_path / 'trail.db'}", interval=0.05)
    gateway = make_gateway(jwks[1], subgraph_urls, trail=writer)
    server = Server(create_app(gateway.supergraph, gateway=gateway, dedupe_requests=True)).start()
    try:
        andi = jwks[0].token(nik=world.ANDI, sub="warga-andi")
        answers = await asyncio.gather(*(ask(server.url + "/graphql", "{ semuaWarga { nama } }", andi)
                                         for _ in range(10)))
        assert {status for status, _ in answers} == {200}
        await written(writer)
        assert len((await history(server.url, andi))[1]["records"]) == 10
    finally:
        server.stop()


def _stopped_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


async def _crash(url: str, writer_name: str) -> None:
    """A writer that started and never stopped: its process died without closing the trail."""
    writer = TrailWriter(url, writer=writer_name)
    await writer.start()
    assert writer._task is not None
    writer._task.cancel()
    await writer.engine.dispose()


async def test_gateway_processes_on_one_host_write_under_names_of_their_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'trail.db'}"
    first, second = TrailWriter(url), TrailWriter(url)
    assert first.writer == second.writer == f"{socket.gethostname()}:{os.getpid()}"
    await first.engine.dispose()
    await second.engine.dispose()


async def test_a_crashed_process_is_reported_once_and_a_running_neighbour_never(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'trail.db'}"
    host = socket.gethostname()
    crashed = f"{host}:{_stopped_pid()}"
    neighbour = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        await _crash(url, crashed)
        await _crash(url, f"{host}:{neighbour.pid}")  # still running: it has not closed the trail yet
        caplog.set_level(logging.WARNING, "splp.trail")
        await write(url, [], None)
        warnings = [r.getMessage() for r in caplog.records if "ended without closing" in r.getMessage()]
        assert len(warnings) == 1 and repr(crashed) in warnings[0], warnings
        caplog.clear()
        await write(url, [], None)
        assert not [r for r in caplog.records if "ended without closing" in r.getMessage()]
    finally:
        neighbour.kill()
        neighbour.wait()
    assert (await verify(url)).ok


async def test_a_named_writer_is_checked_by_its_name(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'trail.db'}"
    await _crash(url, "gateway-a")
    caplog.set_level(logging.WARNING, "splp.trail")
    await write(url, [], None, writer="gateway-b")
    assert not [r for r in caplog.records if "ended without closing" in r.getMessage()]
    await write(url, [], None, writer="gateway-a")
    assert [r for r in caplog.records if "'gateway-a'" in r.getMessage() and "ended without closing" in r.getMessage()]
