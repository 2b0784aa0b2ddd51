"""`python -m bench.soak [--seconds 600] [--rate 100]`: the gateway under a steady mix of
valid, invalid and hostile requests; prints errors on valid requests (the target is 0),
latency percentiles of valid requests, refusals by kind, and the gateway's RSS at start
and end (memory must stay bounded).

The four benchmark subgraphs (bench/scenario/, strawberry, in one process of their own)
and `splp gateway` with its defaults (every limit on) are started on free ports. Requests
are sent at a fixed rate (open loop: a slow answer does not slow the sending), each
drawn from the mix:
- 70% valid: the benchmark query, and a small query with a variable;
- 10% invalid: unknown fields, syntax errors, wrong variable types;
- 20% hostile: a fragment bomb, a query 40 levels deep, 300 aliases, a 3 MB body,
  a GET without a CSRF preflight header, a cyclic list query over the cost budget.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from bench.processes import Server, _status_kib, free_port, start, wait_for_port

REPO_DIR = Path(__file__).resolve().parent.parent
SCENARIO = REPO_DIR / "bench" / "scenario"

SUBGRAPHS_SCRIPT = """
import sys, threading, time
sys.path.insert(0, {repo!r})
import uvicorn
from tests.gateway.bench_subgraphs import apps
ports = {ports!r}
for (name, app), port in zip(apps().items(), ports):
    # Idle connections kept 10 minutes, not uvicorn's 5 s: an A/B benchmark's gateway waits
    # seconds for its turn, and would otherwise reconnect at the start of each round.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           timeout_keep_alive=600))
    threading.Thread(target=server.run, daemon=True).start()
while True:
    time.sleep(60)
"""


def fragment_bomb(levels: int = 24) -> str:
    fragments = ["fragment F0 on Query { __typename }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return f"{{ ...F{levels} }} " + " ".join(fragments)


def mix() -> list[tuple[str, float, dict[str, Any]]]:
    """(kind, weight, request) — a request is {"json": body} or {"get": params} or {"raw": bytes}."""
    bench = (SCENARIO / "query.graphql").read_text()
    deep = "{ me { " + "reviews { author { " * 20 + "id" + " } }" * 20 + " } }"
    aliases = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(300)) + " }"
    cyclic = "{ topProducts { " + "reviews { product { " * 4 + "upc" + " } }" * 4 + " } }"  # cost 222,210
    return [
        ("valid", 0.5, {"json": {"query": bench}}),
        ("valid", 0.2, {"json": {"query": "query($id: ID!) { user(id: $id) { name } }", "variables": {"id": "1"}}}),
        ("invalid", 0.04, {"json": {"query": "{ me { colour } }"}}),
        ("invalid", 0.03, {"json": {"query": "{ me { id "}}),
        ("invalid", 0.03, {"json": {"query": "query($id: ID!) { user(id: $id) { name } }", "variables": {"id": []}}}),
        ("hostile", 0.04, {"json": {"query": fragment_bomb()}}),
        ("hostile", 0.03, {"json": {"query": deep}}),
        ("hostile", 0.03, {"json": {"query": aliases}}),
        ("hostile", 0.03, {"raw": b'{"query": "{ me { id } }", "pad": "' + b"x" * 3_000_000 + b'"}'}),
        ("hostile", 0.03, {"get": {"query": "{ me { id } }"}}),
        ("hostile", 0.04, {"json": {"query": cyclic}}),
    ]


async def send(http: aiohttp.ClientSession, url: str, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    headers = {"accept": "application/graphql-response+json"}
    if "get" in request:
        context = http.get(url, params=request["get"], headers=headers)
    else:
        data = request["raw"] if "raw" in request else orjson.dumps(request["json"])
        context = http.post(url, data=data, headers={**headers, "content-type": "application/json"})
    async with context as response:
        raw = await response.read()
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        body = {"not_json": raw[:200].decode("utf-8", "replace")}
    return response.status, body


async def soak(url: str, gateway: Server, seconds: float, rate: float, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    kinds = mix()
    weights = [w for _, w, _ in kinds]
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    valid_errors: Counter[str] = Counter()
    pending: set[asyncio.Task[None]] = set()
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as http:

        async def one(kind: str, request: dict[str, Any]) -> None:
            start_time = time.perf_counter()
            try:
                status, body = await send(http, url, request)
            except (aiohttp.ClientError, TimeoutError) as e:
                outcomes[f"{kind}: {type(e).__name__}"] += 1
                if kind == "valid":
                    valid_errors[type(e).__name__] += 1
                return
            elapsed = time.perf_counter() - start_time
            if kind == "valid":
                latencies.append(elapsed)
                if status != 200 or body.get("errors") or "data" not in body:
                    valid_errors[f"{status} {str(body)[:120]}"] += 1
            code = ((body.get("errors") or [{}])[0].get("extensions") or {}).get("code", "") if body else ""
            outcomes[f"{kind}: {status} {code}".strip()] += 1

        rss_start = _status_kib(gateway.pid, "VmRSS")
        began = time.monotonic()
        sent = 0
        while (now := time.monotonic()) - began < seconds:
            due = int((now - began) * rate)
            while sent < due:
                kind, _, request = rng.choices(kinds, weights)[0]
                task = asyncio.ensure_future(one(kind, request))
                pending.add(task)
                task.add_done_callback(pending.discard)
                sent += 1
            await asyncio.sleep(0.005)
        if pending:
            await asyncio.wait(pending, timeout=60)
        rss_end = _status_kib(gateway.pid, "VmRSS")
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0

    return {
        "seconds": seconds,
        "rate": rate,
        "sent": sent,
        "valid": sum(n for k, n in outcomes.items() if k.startswith("valid")),
        "errors_on_valid": sum(valid_errors.values()),
        "error_kinds_on_valid": dict(valid_errors.most_common(5)),
        "p50_ms": round(percentile(0.50), 1),
        "p99_ms": round(percentile(0.99), 1),
        "median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else 0.0,
        "rss_start_mib": round(rss_start / 1024, 1),
        "rss_end_mib": round(rss_end / 1024, 1),
        "outcomes": dict(sorted(outcomes.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--rate", type=float, default=100.0, help="requests a second, all kinds together")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)

    logs = Path(tempfile.mkdtemp(prefix="splp-soak-"))
    ports = [free_port() for _ in range(4)]
    names = ["accounts", "inventory", "products", "reviews"]
    script = logs / "subgraphs.py"
    script.write_text(SUBGRAPHS_SCRIPT.format(repo=str(REPO_DIR), ports=ports))
    subgraphs = start("subgraphs", [sys.executable, str(script)], cores="0-1", port=ports[-1], log_dir=logs)
    gateway: Server | None = None
    try:
        wait_for_port(subgraphs)
        port = free_port()
        urls = [f"--subgraph-url={n}=http://127.0.0.1:{p}/graphql" for n, p in zip(names, ports, strict=True)]
        command = [
            sys.executable,
            "-m",
            "federation.cli",
            "gateway",
            "--supergraph",
            str(SCENARIO / "supergraph.upstream.graphql"),
            "--port",
            str(port),
            *urls,
        ]
        gateway = start("gateway", command, cores="0-1", port=port, log_dir=logs, cwd=REPO_DIR)
        wait_for_port(gateway)
        result = asyncio.run(soak(f"http://127.0.0.1:{port}/graphql", gateway, args.seconds, args.rate, args.seed))
    finally:
        if gateway is not None:
            gateway.stop()
        subgraphs.stop()
    print(f"soak: {result['sent']} requests in {result['seconds']:g} s at {result['rate']:g}/s")
    print(f"  errors on valid requests: {result['errors_on_valid']} {result['error_kinds_on_valid'] or ''}")
    print(f"  valid latency: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms")
    print(f"  gateway RSS: {result['rss_start_mib']} MiB at start, {result['rss_end_mib']} MiB at end")
    for outcome, count in result["outcomes"].items():
        print(f"  {count:7d}  {outcome}")
    out = REPO_DIR / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "soak.json").write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    return 0 if result["errors_on_valid"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
