"""Two `splp gateway` processes writing one access trail on PostgreSQL, as two replicas do:
every request of both is one record of one chain (no gap, no fork), checkpoints signed, and
`splp trail verify` finds it intact once both have stopped."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from federation.trail.chain import SigningKey
from federation.trail.store import export
from tests.gateway.servers import free_port
from tests.security import world
from tests.security.conftest import AUDIENCE, ISSUER, Jwks, ask

PER_GATEWAY = 25


@pytest.fixture
def gateways(
    jwks: tuple[Jwks, str], subgraph_urls: dict[str, str], trail_postgres: str, tmp_path: Path
) -> Iterator[tuple[list[str], list[subprocess.Popen[bytes]]]]:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(world.supergraph(subgraph_urls))
    keys = tmp_path / "signing.keys"
    keys.write_text("".join(f"{kid}:{key.decode()}\n" for kid, key in world.KEYS.items()))
    key = SigningKey.generate()
    (tmp_path / "trail.key").write_bytes(key.private_pem())
    (tmp_path / "trail.pub").write_bytes(key.public_pem())
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "federation.cli", "gateway", "--supergraph", str(supergraph), "--port", str(port),
             "--jwks-url", jwks[1], "--jwt-audience", AUDIENCE, "--jwt-issuer", ISSUER,
             "--signing-keys-file", str(keys), "--trail-database", trail_postgres.replace("+asyncpg", ""),
             "--trail-key", str(tmp_path / "trail.key"), "--no-access-log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        yield [f"http://127.0.0.1:{port}" for port in ports], processes
    finally:
        stop(processes)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM, as a deployment stops a replica: each writes what it holds, a stop record, a checkpoint."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        if process.poll() is None:
            process.kill()


async def started(base: str) -> None:
    for _ in range(200):
        with contextlib.suppress(aiohttp.ClientError):
            async with aiohttp.ClientSession() as http, http.get(base + "/health") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the gateway at {base} did not start")


async def test_two_gateway_processes_write_one_unbroken_chain(
    gateways: tuple[list[str], list[subprocess.Popen[bytes]]], jwks: tuple[Jwks, str], trail_postgres: str,
    tmp_path: Path,
) -> None:
    bases, processes = gateways
    await asyncio.gather(*(started(base) for base in bases))
    token = jwks[0].token(nik=world.ANDI, sub="warga-andi")
    query = f'query Nama {{ penduduk(nik: "{world.ANDI}") {{ nama }} }}'
    answers = await asyncio.gather(*(
        ask(base + "/graphql", query, token) for base in bases for _ in range(PER_GATEWAY)
    ))
    assert {status for status, _ in answers} == {200}
    assert {body["data"]["penduduk"]["nama"] for _, body in answers} == {"Andi"}
    stop(processes)
    assert all(p.returncode in (0, -signal.SIGTERM) for p in processes)  # uvicorn re-raises it once done
    url = trail_postgres.replace("+asyncpg", "")
    records = await export(url, world.ANDI, None, None)
    assert len(records) == 2 * PER_GATEWAY  # every request of both
    verdict = subprocess.run(
        [sys.executable, "-m", "federation.cli", "trail", "verify", "--database", url,
         "--public-key", str(tmp_path / "trail.pub")], capture_output=True, text=True, timeout=60,
    )
    assert verdict.returncode == 0, verdict.stderr
    # one chain: both processes' start and stop records and every request, each seq once
    assert f"trail intact: {2 * PER_GATEWAY + 4} records" in verdict.stdout


def write_config(jwks: tuple[Jwks, str], subgraph_urls: dict[str, str], tmp_path: Path) -> tuple[Path, str, str]:
    """A splp.yaml requiring authentication, signing subgraph requests and keeping a trail on SQLite."""
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(world.supergraph(subgraph_urls))
    keys = tmp_path / "signing.keys"
    keys.write_text("".join(f"{kid}:{key.decode()}\n" for kid, key in world.KEYS.items()))
    trail = f"sqlite:///{tmp_path / 'trail.db'}"
    port = free_port()
    config = tmp_path / "splp.yaml"
    config.write_text(f"""
supergraph: {supergraph}
port: {port}
jwt: {{jwks_url: "{jwks[1]}", audience: {AUDIENCE}, issuer: "{ISSUER}"}}
security: {{require_auth: true, signing_keys_file: {keys}}}
trail: {{database: "{trail}"}}
""")
    return config, f"http://127.0.0.1:{port}", trail


def gateway_process(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "federation.cli", "gateway", "--config", str(config),
                             "--no-access-log"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


NAMA = f'{{ penduduk(nik: "{world.ANDI}") {{ nama }} }}'


async def test_the_config_file_sets_up_authentication_and_the_trail(
    jwks: tuple[Jwks, str], subgraph_urls: dict[str, str], tmp_path: Path
) -> None:
    config, base, trail = write_config(jwks, subgraph_urls, tmp_path)
    process = gateway_process(config)
    try:
        await started(base)
        status, body = await ask(base + "/graphql", NAMA)
        assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        status, body = await ask(base + "/graphql", NAMA, jwks[0].token(nik=world.ANDI))
        assert (status, body) == (200, {"data": {"penduduk": {"nama": "Andi"}}})  # signed: the subgraph accepted
    finally:
        stop([process])
    found = await export(trail, world.ANDI, None, None)
    assert len(found) == 1, found


async def test_after_a_crash_the_gateway_says_at_start_up_that_a_batch_may_be_lost(
    jwks: tuple[Jwks, str], subgraph_urls: dict[str, str], tmp_path: Path
) -> None:
    config, base, _ = write_config(jwks, subgraph_urls, tmp_path)
    crashed = gateway_process(config)
    try:
        await started(base)
        assert (await ask(base + "/graphql", NAMA, jwks[0].token(nik=world.ANDI)))[0] == 200
    finally:
        crashed.kill()  # no shutdown: no stop record
        crashed.wait(timeout=20)
    restarted = gateway_process(config)
    try:
        await started(base)
    finally:
        stop([restarted])
    assert restarted.stderr is not None
    log = restarted.stderr.read().decode()
    assert "ended without closing the trail" in log and "batch window may be lost" in log
