"""`python -m bench.limits_ab [--rounds 7]`: what the default limits cost a request.

The gateway app of `splp gateway` (federation.gateway_cli.gateway_app) is built twice in
this process over the benchmark's four subgraphs (bench/scenario/, started in a process
of their own): once with every default (operation limits, body cap, CSRF prevention, rate
limits, demand control, traffic shaping) and once with each of them off. Both are sent
the benchmark query through ASGI directly (no sockets on the gateway side, so only the
gateway's own work is timed), 20 at a time, in interleaved rounds; the figure is CPU time
per request (process_time of this process), median of the rounds, and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.processes import free_port, start, wait_for_port
from bench.soak import REPO_DIR, SCENARIO, SUBGRAPHS_SCRIPT

# The defaults, but the per-address rate so high that this one client address is never
# refused: its bucket is still taken for every request, which is the cost to measure.
ON: dict[str, Any] = {"rate_limits": {"per_address": {"per_second": 1e9, "burst": 10**9}}}
OFF: dict[str, Any] = {
    "limits": {
        "max_depth": 0,
        "max_aliases": 0,
        "max_root_fields": 0,
        "max_directives": 0,
        "max_expanded_fields": 0,
        "max_body_bytes": 1 << 40,
        "max_in_flight": 1 << 30,
    },
    "csrf": {"enabled": False},
    "rate_limits": {
        "per_address": {"per_second": 0, "burst": 0},
        "per_client": {"per_second": 0, "burst": 0},
        "per_operation": {"per_second": 0, "burst": 0},
    },
    "demand_control": {"max_cost": 0},
    "subgraphs": {"retries": 0, "circuit_breaker": {"failure_threshold": 0}},
}


def app_for(urls: dict[str, str], settings: dict[str, Any]) -> Any:
    from federation.gateway_cli import gateway_app
    from federation.supergraph import Supergraph

    supergraph = Supergraph.from_file(str(SCENARIO / "supergraph.upstream.graphql"))
    return gateway_app(supergraph, {"subgraph_urls": urls, "settings": settings})[1]


async def per_request_us(
    app: Any, body: bytes, batches: int, width: int = 20, settle: Callable[[], Awaitable[Any]] | None = None
) -> float:
    """CPU µs per request of `batches` times `width` requests, `width` at a time; `settle` (awaited
    before the clock stops) finishes work the requests left behind, such as trail records."""
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        "client": ("203.0.113.5", 50000),
        "server": ("127.0.0.1", 4000),
        "scheme": "http",
        "root_path": "",
        "http_version": "1.1",
        "asgi": {"version": "3.0"},
    }

    async def one() -> None:
        done = asyncio.Event()
        first = True

        async def receive() -> dict[str, Any]:
            nonlocal first
            if first:
                first = False
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        statuses: list[int] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app(dict(scope), receive, send)
        done.set()
        assert statuses == [200], statuses

    start_time = time.process_time()
    for _ in range(batches):
        await asyncio.gather(*(one() for _ in range(width)))
    if settle is not None:
        await settle()
    return (time.process_time() - start_time) / (batches * width) * 1e6


def main(argv: list[str] | None = None) -> int:
    import orjson

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--batches", type=int, default=40)
    args = parser.parse_args(argv)
    logs = Path(tempfile.mkdtemp(prefix="splp-limits-ab-"))
    ports = [free_port() for _ in range(4)]
    script = logs / "subgraphs.py"
    script.write_text(SUBGRAPHS_SCRIPT.format(repo=str(REPO_DIR), ports=ports))
    subgraphs = start("subgraphs", [sys.executable, str(script)], cores="0-1", port=ports[-1], log_dir=logs)
    try:
        wait_for_port(subgraphs)
        names = ["accounts", "inventory", "products", "reviews"]
        urls = {n: f"http://127.0.0.1:{p}/graphql" for n, p in zip(names, ports, strict=True)}
        body = orjson.dumps({"query": (SCENARIO / "query.graphql").read_text()})

        async def measure() -> dict[str, list[float]]:
            apps = {"limits on": app_for(urls, ON), "limits off": app_for(urls, OFF)}
            for app in apps.values():  # warm up: plans cached, connections open
                await per_request_us(app, body, 5)
            results: dict[str, list[float]] = {name: [] for name in apps}
            for round_number in range(args.rounds):
                names_in_order = list(apps) if round_number % 2 == 0 else list(reversed(apps))
                for name in names_in_order:
                    results[name].append(await per_request_us(apps[name], body, args.batches))
            return results

        results = asyncio.run(measure())
    finally:
        subgraphs.stop()
    on, off = statistics.median(results["limits on"]), statistics.median(results["limits off"])
    print(f"benchmark query through the gateway app, 20 at a time, median of {args.rounds} rounds:")
    print(f"  limits on   {on:8.0f} us CPU per request")
    print(f"  limits off  {off:8.0f} us CPU per request")
    print(f"  ratio on/off: {on / off:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
