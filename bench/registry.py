"""`python -m bench.registry`: how fast the schema registry publishes, checks and propagates.

With the six reference OPD subgraphs, on SQLite and on the machine's PostgreSQL (skipped
when it does not answer; a database of its own, dropped at the end):

- publish: one OPD's changed schema composed with the five others and stored as a version;
- check: the same, plus the API schema diff and the usage lookup, without storing;
- propagation: from sending a publish to a gateway's long-poll receiving the new version;
- record: the gateway-side cost of `UsageRecorder.record` for one operation.

Prints medians and maxima in milliseconds (record: microseconds per operation).
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from federation.registry.app import create_registry_app
from federation.registry.client import RegistryClient
from federation.registry.usage import UsageRecorder
from subgraphs.opds import OPDS

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
ADMIN = "bench_admin_" + secrets.token_hex(8)
ROUNDS = 10


def opd_sources() -> dict[str, str]:
    sources = {}
    for name, opd in OPDS.items():
        result = opd.schema.execute_sync("{ _service { sdl } }")
        assert result.data is not None, result.errors
        sources[name] = result.data["_service"]["sdl"]
    return sources


class Registry:
    def __init__(self, database_url: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(
            create_registry_app(database_url, admin_token=ADMIN), host="127.0.0.1", port=self.port, log_level="error"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Registry:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join()


def ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:8.1f} {max(samples) * 1000:8.1f}"


async def measure(url: str, sources: dict[str, str]) -> dict[str, list[float]]:
    async with RegistryClient(url, ADMIN) as admin:
        for name, sdl in sources.items():
            await admin.publish(name, f"http://127.0.0.1:4001/{name}", sdl)
        gateway_token = (await admin.create_token("gateway", [], "bench-gateway"))["token"]
        recorder = UsageRecorder(url, gateway_token)
        recorder.record("super-app", frozenset({"Query.penduduk", "Penduduk.nama"}))
        await recorder.close()

        base = sources["kependudukan"]
        publish, check, propagation = [], [], []
        latest = await admin.supergraph()
        assert latest is not None
        version = latest.version
        async with RegistryClient(url) as follower:
            for i in range(ROUNDS):
                changed = base.replace("type Query {", f"type Query {{\n  benchField{i}: Int", 1)
                started = time.perf_counter()
                waiting = asyncio.ensure_future(follower.supergraph(after=version, wait=30))
                await admin.publish("kependudukan", "http://127.0.0.1:4001/kependudukan", changed)
                publish.append(time.perf_counter() - started)
                received = await waiting
                propagation.append(time.perf_counter() - started)
                assert received is not None and received.version == version + 1
                version = received.version

                started = time.perf_counter()
                await admin.check("kependudukan", base)
                check.append(time.perf_counter() - started)
    return {"publish": publish, "check": check, "propagation": propagation}


async def postgres_database() -> str | None:
    try:
        engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        name = f"splp_registry_bench_{secrets.token_hex(4)}"
        async with engine.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await engine.dispose()
    except OSError:
        return None
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


async def drop_postgres_database(url: str) -> None:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    await engine.dispose()


def record_cost() -> float:
    """Seconds per `record` of an operation using 20 coordinates."""
    recorder = UsageRecorder("http://127.0.0.1:9", "unused")
    coordinates = frozenset(f"Penduduk.field{i}" for i in range(20))
    record: Callable[[str, frozenset[str]], None] = recorder.record
    n = 50_000
    started = time.perf_counter()
    for _ in range(n):
        record("super-app", coordinates)
    return (time.perf_counter() - started) / n


def main() -> None:
    sources = opd_sources()
    print(f"registry with the {len(sources)} reference OPD subgraphs, {ROUNDS} rounds; ms: median max")
    print(f"{'database':<12}{'publish':>17}{'check':>17}{'propagation':>17}")
    with tempfile.TemporaryDirectory() as tmp:
        databases = [("sqlite", f"sqlite:///{Path(tmp) / 'registry.sqlite3'}")]
        postgres = asyncio.run(postgres_database())
        if postgres is not None:
            databases.append(("postgresql", postgres))
        try:
            for label, url in databases:
                with Registry(url) as registry:
                    figures = asyncio.run(measure(registry.url, sources))
                print(
                    f"{label:<12}{ms(figures['publish']):>17}{ms(figures['check']):>17}{ms(figures['propagation']):>17}"
                )
        finally:
            if postgres is not None:
                asyncio.run(drop_postgres_database(postgres))
    print(f"UsageRecorder.record, 20 coordinates: {record_cost() * 1e6:.2f} µs per operation")


if __name__ == "__main__":
    main()
