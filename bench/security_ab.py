"""`python -m bench.security_ab [--rounds 9] [--breakdown] [--database postgresql://…]`: what data protection costs.

1. The benchmark query through the gateway app of `splp gateway` (federation.gateway_cli.gateway_app),
   built several times in this process over the benchmark's four subgraphs (bench/scenario/, in a
   process of their own), and sent the benchmark query through ASGI directly, 20 at a time:
   - *open*: the gateway with its defaults, no authentication;
   - *protected*: the supergraph marks the root lists `@authenticated`, review bodies
     `@requiresScopes`, users' names `@policy(policies: [["pemilik"], ["scope:pengguna:baca"]])`
     (the reference graph's rule: the person themself, or an officer holding a scope); each
     request carries a JWT (HS256, verified) of a registered client stating its purpose, the
     officer's scopes meet every rule; every subgraph request is signed (HMAC, principal
     header); every request writes one access-trail record to PostgreSQL (hash chain, signed
     checkpoints);
   - *protected, per entity*: the same, but the token lacks `pengguna:baca`, so `pemilik` (an
     entity policy, as `self` for a citizen) is decided by the gateway on each of the answer's
     65 User objects (it allows an operator, so the answer is the same).
   `--breakdown` adds the parts one at a time (token; directives; signing).
   The figure is CPU time per request of this process. Each round measures every variant once,
   back to back, in an order that alternates; a variant's ratio to *open* is taken within each
   round and the median over the rounds is reported with its quartiles, so the machine's drift
   between rounds cancels out. A round of a variant with a trail ends when its records are
   written, so each round pays for its own records and no other's. This process runs on one
   core and the subgraphs on the other (where there are two); before each round the heap is
   collected, and after the warm-up the apps' long-lived objects are frozen out of the
   collector's reach: six gateways live in this process where a deployed one holds one, and a
   full collection over all six would fall on whichever round it happens to hit.
   `--instructions` runs the same rounds under callgrind and reports instructions per request
   instead: the figure that repeats run after run (see count_instructions).
2. Trail records per second on PostgreSQL: one `TrailWriter` (its default batch and interval)
   given records as fast as it writes them, chain and signed checkpoints included.

Each run uses fresh databases on the server of `--database`, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.limits_ab import ON, per_request_us
from bench.processes import free_port, start, wait_for_port
from bench.soak import REPO_DIR, SCENARIO, SUBGRAPHS_SCRIPT

SECRET = "bench-rahasia-jwt-0123456789abcdef0123456789"
PURPOSE = "layanan_publik"
WARM_UP = "warm-up: "  # a round counted under callgrind, then left out
SECURITY_LINKS = """    @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)
    @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)
    @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY) {"""
SECURITY_DEFINITIONS = """
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
scalar requiresScopes__Scope
scalar policy__Policy
"""
# (what the open supergraph says, what the protected one says instead)
MARKS = [
    ("users: [User] @join__field(graph: ACCOUNTS)", "users: [User] @join__field(graph: ACCOUNTS) @authenticated"),
    ("topProducts(first: Int = 5): [Product] @join__field(graph: PRODUCTS)",
     "topProducts(first: Int = 5): [Product] @join__field(graph: PRODUCTS) @authenticated"),
    ("    body: String\n", '    body: String @requiresScopes(scopes: [["ulasan:baca"]])\n'),
    ("    name: String @join__field(graph: ACCOUNTS)",
     '    name: String @join__field(graph: ACCOUNTS) @policy(policies: [["pemilik"], ["scope:pengguna:baca"]])'),
]


def protected_supergraph() -> str:
    sdl = (SCENARIO / "supergraph.upstream.graphql").read_text()
    head = '    @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) {'
    assert head in sdl
    sdl = sdl.replace(head, head[:-2] + "\n" + SECURITY_LINKS, 1) + SECURITY_DEFINITIONS
    for open_text, protected in MARKS:
        assert sdl.count(open_text) == 1, open_text
        sdl = sdl.replace(open_text, protected)
    return sdl


def register(policies: Any) -> None:
    """The entity policy of the protected run (`--policy-module bench.security_ab`): an officer,
    or the user themself. Decided for every User object of the answer."""
    policies.entity("pemilik", lambda p, e: p.role == "operator" or e.get("id") == p.subject, fields=("id",))


def token(scope: str = "ulasan:baca pengguna:baca") -> str:
    import jwt

    now = int(time.time())
    claims = {"sub": "petugas-bench", "role": "operator", "client_id": "superapp", "scope": scope,
              "iat": now, "exp": now + 24 * 3600}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def write_files(directory: Path) -> dict[str, str]:
    from federation.trail.chain import SigningKey

    files = {
        "jwt_secret_file": directory / "jwt.secret",
        "clients": directory / "clients.json",
        "signing_keys_file": directory / "signing.keys",
        "trail_key": directory / "trail.key",
    }
    files["jwt_secret_file"].write_text(SECRET)
    files["clients"].write_text(json.dumps({"clients": {"superapp": {"scopes": ["ulasan:baca", "pengguna:baca"],
                                                                      "purposes": [PURPOSE]}}}))
    files["signing_keys_file"].write_text("k1:" + secrets.token_hex(16) + "\n")
    files["trail_key"].write_bytes(SigningKey.generate().private_pem())
    return {k: str(v) for k, v in files.items()}


def app_for(sdl: str, urls: dict[str, str], config: dict[str, Any]) -> tuple[Any, Any]:
    from federation.gateway_cli import gateway_app
    from federation.supergraph import Supergraph

    # Each request executed (no sharing of identical in-flight queries, as `splp` in `make bench`),
    # no access-log line on stdout; metrics on, as by default.
    base = {"subgraph_urls": urls, "settings": ON, "dedupe": False, "access_log": False}
    return gateway_app(Supergraph.from_sdl(sdl), {**base, **config})


async def own_database(server_url: str) -> tuple[str, Any]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    from federation.trail.store import database_url

    name = f"splp_bench_trail_{secrets.token_hex(4)}"
    admin = create_async_engine(database_url(server_url), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"CREATE DATABASE {name}"))

    async def drop() -> None:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await admin.dispose()

    return make_url(database_url(server_url)).set(database=name).render_as_string(hide_password=False), drop


def with_headers(app: Any, headers: list[tuple[bytes, bytes]]) -> Any:
    """The app, each request given these headers too (the token, the purpose)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await app({**scope, "headers": [*scope["headers"], *headers]}, receive, send)

    return wrapped


async def trail_records_per_second(url: str, count: int) -> float:
    from federation.trail.chain import SigningKey
    from federation.trail.store import TrailWriter, verify

    writer = TrailWriter(url, key=SigningKey.generate(), writer="bench")
    await writer.start()
    entry = {"at": time.time(), "client": "superapp", "subject": "petugas-bench", "role": "operator",
             "purpose": PURPOSE, "operation": "TestQuery", "operation_hash": "0" * 64,
             "fields": ["User.name", "Review.body"], "niks": ["7371014101900001"], "outcome": "ok"}
    began = time.perf_counter()
    for i in range(count):
        writer.record({**entry, "subject": f"petugas-{i}"})
        if i % writer.batch == 0:
            await asyncio.sleep(0)  # let the writer run, as a serving gateway does between requests
    while writer.pending:
        await asyncio.sleep(0.005)
    elapsed = time.perf_counter() - began
    await writer.close()
    verdict = await verify(url)
    assert verdict.ok and verdict.records == count + 2, verdict
    return count / elapsed


def main(argv: list[str] | None = None) -> int:
    import orjson

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--batches", type=int, default=5, help="batches of 20 requests per variant and round")
    parser.add_argument("--breakdown", action="store_true", help="also measure each part alone")
    parser.add_argument("--records", type=int, default=50_000, help="records written in the trail measurement")
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="a PostgreSQL server (a database of its own is made and dropped)")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions per request under callgrind instead (repeatable; slow)")
    parser.add_argument("--warm-up", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument("--marks", help=argparse.SUPPRESS)  # set by --instructions for the run under callgrind
    args = parser.parse_args(argv)
    if args.instructions:
        return count_instructions(args)
    logs = Path(tempfile.mkdtemp(prefix="splp-security-ab-"))
    ports = [free_port() for _ in range(4)]
    script = logs / "subgraphs.py"
    script.write_text(SUBGRAPHS_SCRIPT.format(repo=str(REPO_DIR), ports=ports))
    gateway_core, subgraph_cores = split_cores()
    subgraphs = start("subgraphs", [sys.executable, str(script)], cores=subgraph_cores, port=ports[-1], log_dir=logs)
    if gateway_core is not None:
        os.sched_setaffinity(0, {gateway_core})
    files = write_files(logs)
    try:
        wait_for_port(subgraphs)
        names = ["accounts", "inventory", "products", "reviews"]
        urls = {n: f"http://127.0.0.1:{p}/graphql" for n, p in zip(names, ports, strict=True)}
        body = orjson.dumps({"query": (SCENARIO / "query.graphql").read_text()})
        expected = json.loads((SCENARIO / "expected-response.json").read_text())

        async def measure() -> tuple[dict[str, list[float]], int, float]:
            trail_url, drop = await own_database(args.database)
            rate_url, drop_rate = await own_database(args.database)
            try:
                protected_sdl, open_sdl = protected_supergraph(), (SCENARIO / "supergraph.upstream.graphql").read_text()
                auth = {k: files[k] for k in ("jwt_secret_file", "clients")}
                policies = {"policy_modules": ["bench.security_ab"]}
                headers = [(b"authorization", f"Bearer {token()}".encode()), (b"x-splp-purpose", PURPOSE.encode())]
                per_entity = [(b"authorization", f"Bearer {token('ulasan:baca')}".encode()),
                              (b"x-splp-purpose", PURPOSE.encode())]
                protected_gateway, protected = app_for(protected_sdl, urls, {
                    **files, **policies, "trail_database": trail_url})
                trail = protected_gateway.trail
                assert trail is not None and trail.key is not None and protected_gateway.signer is not None
                await trail.start()
                apps = {
                    "open": app_for(open_sdl, urls, {})[1],
                    "protected": with_headers(protected, headers),
                    "protected, per entity": with_headers(protected, per_entity),
                }
                if args.breakdown:  # the parts one at a time, each on top of the one before
                    apps["+ token, client, purpose"] = with_headers(app_for(open_sdl, urls, auth)[1], headers)
                    apps["+ @authenticated/@requiresScopes/@policy"] = with_headers(
                        app_for(protected_sdl, urls, {**auth, **policies})[1], headers)
                    apps["+ signed subgraph requests"] = with_headers(app_for(protected_sdl, urls, {
                        **auth, **policies, "signing_keys_file": files["signing_keys_file"]})[1], headers)
                for sent in (headers, per_entity):
                    answer = await protected_gateway.execute(_request(body, sent))
                    assert answer == expected, "the protected gateway must give the benchmark's exact answer"

                async def written() -> None:
                    await trail.flush()

                settle = {"protected": written, "protected, per entity": written}
                for name, app in apps.items():  # warm up: plans cached, connections open
                    await per_request_us(app, body, args.warm_up, settle=settle.get(name))
                gc.collect()
                gc.freeze()
                # and one round thrown away: under callgrind, the first round counted (the first
                # counts zeroed and written) took 20% more instructions than any later round
                marks: list[str] = []
                for name, app in apps.items():
                    gc.collect()
                    if args.marks:
                        os.getpgrp()
                    await per_request_us(app, body, args.batches, settle=settle.get(name))
                    if args.marks:
                        os.getppid()
                        marks.append(WARM_UP + name)
                results: dict[str, list[float]] = {name: [] for name in apps}
                for round_number in range(args.rounds):
                    for name in list(apps) if round_number % 2 == 0 else list(reversed(apps)):
                        gc.collect()
                        if args.marks:
                            os.getpgrp()  # callgrind: zero the counts (--zero-before=getpgrp)
                        results[name].append(await per_request_us(apps[name], body, args.batches,
                                                                  settle=settle.get(name)))
                        if args.marks:
                            os.getppid()  # callgrind: write the counts since the zero (--dump-before=getppid)
                            marks.append(name)
                if args.marks:
                    Path(args.marks).write_text(json.dumps(marks))
                count = trail.written
                await trail.close()
                rate = await trail_records_per_second(rate_url, args.records) if args.records else 0.0
                return results, count, rate
            finally:
                await drop()
                await drop_rate()

        results, count, rate = asyncio.run(measure())
    finally:
        subgraphs.stop()
    print(f"benchmark query through the gateway app, 20 at a time, {args.rounds} rounds of "
          f"{args.batches * 20} requests per variant (gateway on core {gateway_core}, subgraphs on {subgraph_cores}):")
    print(f"  {'':42} {'us CPU/request':>14} {'req/s/core':>10}   req/s ratio to open: median [quartiles]")
    for name, values in results.items():
        us = statistics.median(values)
        ratios = sorted(o / v for o, v in zip(results["open"], values, strict=True))
        q1, _, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
        print(f"  {name:42} {us:14.0f} {1e6 / us:10.0f}   {statistics.median(ratios):.3f} [{q1:.3f}, {q3:.3f}]")
    print(f"  ({count} trail records written on PostgreSQL)")
    print(f"trail on PostgreSQL: {rate:,.0f} records/s ({args.records} records, hash chain and signed checkpoints)")
    return 0


def count_instructions(args: argparse.Namespace) -> int:
    """The same rounds in a process run under callgrind, which counts the instructions each
    measured round executed: the same figure run after run, whatever else the machine does,
    where CPU time on a shared 2-core machine moves by a third between rounds. The process
    marks each round by calling two libc functions nothing else in it calls: callgrind zeroes
    its counts before `getpgrp` and writes them out before `getppid`."""
    if shutil.which("valgrind") is None:
        print("--instructions needs valgrind (Debian: apt install valgrind)", file=sys.stderr)
        return 2
    out = Path(tempfile.mkdtemp(prefix="splp-security-ab-callgrind-"))
    marks = out / "marks.json"
    command = [
        "valgrind", "--tool=callgrind", "--zero-before=getpgrp", "--dump-before=getppid", "--dump-instr=no",
        f"--callgrind-out-file={out}/callgrind.out", sys.executable, "-m", "bench.security_ab",
        "--rounds", str(args.rounds), "--batches", str(args.batches), "--warm-up", "3", "--records", "0",
        "--database", args.database, "--marks", str(marks), *(["--breakdown"] if args.breakdown else []),
    ]
    began = time.monotonic()
    run = subprocess.run(command, cwd=REPO_DIR, capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout[-4000:], run.stderr[-4000:], sep="\n", file=sys.stderr)
        return run.returncode
    names = json.loads(marks.read_text())
    dumps = sorted(out.glob("callgrind.out.*"), key=lambda f: int(f.name.rsplit(".", 1)[1]))
    assert len(dumps) == len(names), f"{len(dumps)} counts written for {len(names)} rounds"
    requests = args.batches * 20
    counts: dict[str, list[float]] = {}
    for name, dump in zip(names, dumps, strict=True):
        if name.startswith(WARM_UP):
            continue
        total = next(int(line.split()[1]) for line in dump.read_text().splitlines() if line.startswith("totals:"))
        counts.setdefault(name, []).append(total / requests)
    shutil.rmtree(out)
    print(f"benchmark query through the gateway app, 20 at a time, {args.rounds} rounds of {requests} requests "
          f"per variant, instructions counted by callgrind ({time.monotonic() - began:.0f} s):")
    print(f"  {'':42} {'instructions/request':>20}   open's instructions over its own: median [min, max]")
    for name, values in counts.items():
        ratios = [o / v for o, v in zip(counts["open"], values, strict=True)]
        print(f"  {name:42} {statistics.median(values):20,.0f}   "
              f"{statistics.median(ratios):.3f} [{min(ratios):.3f}, {max(ratios):.3f}]")
    return 0


def split_cores() -> tuple[int | None, str]:
    """This process's core and the subgraphs' cores: apart where there are two or more."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, ",".join(map(str, cores))
    return cores[-1], ",".join(map(str, cores[:-1]))


def _request(body: bytes, headers: list[tuple[bytes, bytes]]) -> Any:
    from federation.gateway import GraphQLRequest

    return GraphQLRequest(json.loads(body)["query"], headers={k.decode(): v.decode() for k, v in headers})


if __name__ == "__main__":
    sys.exit(main())
