"""`python -m bench.run`: SPLP's gateway against Apollo Gateway and Hive Gateway on the
public gateway benchmark scenario (shared/bench-data), in one run.

Fairness on a 2-core machine: every gateway is pinned to core 0, the subgraphs and the
load generator to core 1. All gateways run side by side (idle ones cost nothing) and are
measured interleaved, round after round, each round preceded by a warm-up; medians are
reported. A round in which something else used the cores is flagged and repeated.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import cpu, install, load, processes, report
from bench.gateways import Gateway, peer_gateways, splp_gateways

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "bench-data"
SUBGRAPH_PORT = 4200  # the supergraph's subgraph URLs
GATEWAY_CORE, LOAD_CORE = "0", "1"


@dataclass
class Round:
    rps: float
    p50_ms: float
    p99_ms: float
    subgraph_requests_per_request: float
    bad: dict[str, int]
    foreign_share: dict[int, float]  # per core
    load_core_busy: float  # share of core 1 busy: below 1, the gateway was the bottleneck
    gateway_core_busy: float
    noisy: bool
    attempt: int


@dataclass
class Measured:
    gateway: Gateway
    server: processes.Server | None = None
    failure: str = ""
    subgraph_requests_single: int = 0  # for one lone request
    rounds: list[Round] = field(default_factory=list)
    peak_rss_kib: int = 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per round")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds before each round")
    parser.add_argument("--connections", type=int, default=50, help="requests kept in flight")
    parser.add_argument(
        "--max-foreign",
        type=float,
        default=0.05,
        help="share of a core used by other programs that makes a round noisy",
    )
    parser.add_argument("--retries", type=int, default=2, help="repeats of a noisy round")
    parser.add_argument("--only", default="", help="comma-separated gateway names (default: all)")
    parser.add_argument("--splp-arg", action="append", default=[], help="extra argument for splp gateway")
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="the bench-data folder")
    return parser.parse_args(argv)


def post(url: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def subgraph_counts() -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{SUBGRAPH_PORT}/_stats", timeout=10) as response:
        counts: dict[str, int] = json.loads(response.read())
    return sum(counts.values())


def gateway_url(measured: Measured) -> str:
    assert measured.server is not None
    return f"http://127.0.0.1:{measured.server.port}{measured.gateway.path}"


def check_answer(measured: Measured, body: bytes, expected: bytes) -> None:
    """One lone request: the exact expected answer, and how many subgraph requests it took."""
    before = subgraph_counts()
    status, answer = post(gateway_url(measured), body)
    measured.subgraph_requests_single = subgraph_counts() - before
    if status != 200 or answer.rstrip(b"\n") != expected:
        measured.failure = f"wrong answer (status {status}, {len(answer)} bytes): {answer[:300]!r}"


def measure_round(
    measured: Measured, wrk: str, args: argparse.Namespace, files: tuple[Path, Path], subgraphs: processes.Server
) -> Round:
    server = measured.server
    assert server is not None
    body_file, expected_file = files
    run = {
        "url": gateway_url(measured),
        "body_file": body_file,
        "expected_file": expected_file,
        "connections": args.connections,
        "cores": LOAD_CORE,
    }
    for attempt in range(1, args.retries + 2):
        cpu.wait_until_quiet([0, 1], threshold=args.max_foreign)
        load.run(wrk, seconds=args.warmup, **run)
        requests_before, gateway_cpu, subgraph_cpu = subgraph_counts(), server.cpu_seconds(), subgraphs.cpu_seconds()
        cores_before, started = cpu.sample(), time.monotonic()
        result = load.run(wrk, seconds=args.seconds, **run)
        cores_after, wall = cpu.sample(), time.monotonic() - started
        ours = {
            0: server.cpu_seconds() - gateway_cpu,
            1: subgraphs.cpu_seconds() - subgraph_cpu + result.cpu_seconds,
        }
        usage = cpu.usage(cores_before, cores_after, wall, ours)
        noisy = any(core.foreign_share > args.max_foreign for core in usage.values())
        outcome = Round(
            rps=result.rps,
            p50_ms=result.p50_ms,
            p99_ms=result.p99_ms,
            # An upper bound: requests still in flight when wrk stops are not counted.
            subgraph_requests_per_request=(subgraph_counts() - requests_before) / max(result.requests, 1),
            bad=result.bad,
            foreign_share={core: round(u.foreign_share, 4) for core, u in usage.items()},
            load_core_busy=usage[1].busy_share,
            gateway_core_busy=usage[0].busy_share,
            noisy=noisy,
            attempt=attempt,
        )
        print(report.round_line(measured.gateway.name, outcome), flush=True)
        if not noisy:
            break
    return outcome


def start_gateway(measured: Measured, supergraph: Path, log_dir: Path) -> None:
    gateway, port = measured.gateway, processes.free_port()
    try:
        measured.server = processes.start(
            gateway.name,
            gateway.argv(supergraph, port),
            cores=GATEWAY_CORE,
            port=port,
            log_dir=log_dir,
            cwd=gateway.cwd,
            env=gateway.env,
        )
        processes.wait_for_port(measured.server)
    except RuntimeError as error:
        measured.failure = str(error)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = install.ensure_wrk()
    peers_dir = install.ensure_node_side()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = install.RESULTS_DIR / stamp
    run_dir.mkdir(parents=True)

    query = (args.data / "query.graphql").read_text()
    expected = (args.data / "expected-response.json").read_bytes().rstrip(b"\n")
    body = json.dumps({"query": query, "operationName": "TestQuery"}).encode()
    body_file, expected_file = run_dir / "request.json", run_dir / "expected.json"
    body_file.write_bytes(body)
    expected_file.write_bytes(expected)
    # The supergraph names 0.0.0.0 as the subgraphs' host: a listening address, not one to connect to.
    supergraph = run_dir / "supergraph.graphql"
    supergraph.write_text(
        (args.data / "supergraph.upstream.graphql").read_text().replace("http://0.0.0.0:", "http://127.0.0.1:")
    )

    gateways = splp_gateways(tuple(args.splp_arg)) + peer_gateways()
    if not any(g.is_splp for g in gateways):
        print("note: `splp gateway` is not available yet; measuring the peers only", flush=True)
    if args.only:
        wanted = set(args.only.split(","))
        gateways = [g for g in gateways if g.name in wanted]
    everything = [Measured(g) for g in gateways]

    subgraphs = processes.start(
        "subgraphs",
        ["node", "subgraphs.mjs", str(args.data / "data.json"), str(SUBGRAPH_PORT)],
        cores=LOAD_CORE,
        port=SUBGRAPH_PORT,
        log_dir=run_dir,
        cwd=peers_dir,
    )
    try:
        processes.wait_for_port(subgraphs)
        for measured in everything:
            start_gateway(measured, supergraph, run_dir)
        for measured in everything:
            if not measured.failure:
                check_answer(measured, body, expected)
            status = measured.failure or f"answers correctly with {measured.subgraph_requests_single} subgraph requests"
            print(f"{measured.gateway.name}: {status}", flush=True)
        capacity = measure_subgraphs(wrk, run_dir, args, peers_dir)
        ready = [m for m in everything if not m.failure]
        for number in range(args.rounds):
            print(f"-- round {number + 1} of {args.rounds}", flush=True)
            shift = number % max(len(ready), 1)
            for measured in ready[shift:] + ready[:shift]:
                measured.rounds.append(measure_round(measured, wrk, args, (body_file, expected_file), subgraphs))
        for measured in ready:
            assert measured.server is not None
            measured.peak_rss_kib = measured.server.peak_rss_kib()
    finally:
        for measured in everything:
            if measured.server is not None:
                measured.server.stop()
        subgraphs.stop()

    results = summarize(everything, capacity, args)
    print()
    print(report.table(results))
    (run_dir / "results.json").write_text(json.dumps(results, indent=2))
    shutil.copyfile(run_dir / "results.json", install.RESULTS_DIR / "latest.json")
    print(f"\nresults: {run_dir / 'results.json'}")
    return 0 if all(not m.failure for m in everything) else 1


def measure_subgraphs(wrk: str, run_dir: Path, args: argparse.Namespace, peers_dir: Path) -> dict[str, float]:
    """The subgraphs' own throughput on the requests the gateways actually sent them
    (recorded by the subgraph server), replayed by wrk from the gateways' core: as run
    in the benchmark, and with every request executed anew (--no-memo)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{SUBGRAPH_PORT}/_requests", timeout=10) as response:
        recorded = json.loads(response.read())
    requests_file = run_dir / "subgraph-requests.txt"
    with requests_file.open("wb") as out:
        for entry in recorded:
            payload = entry["body"].encode()
            out.write(f"/{entry['subgraph']} {len(payload)}\n".encode() + payload)
    capacity: dict[str, float] = {"distinct_requests": len(recorded)}
    port = processes.free_port()
    unmemoized = processes.start(
        "subgraphs-no-memo",
        ["node", "subgraphs.mjs", str(args.data / "data.json"), str(port), "--no-memo"],
        cores=LOAD_CORE,
        port=port,
        log_dir=run_dir,
        cwd=peers_dir,
    )
    try:
        processes.wait_for_port(unmemoized)
        for label, target in (("", SUBGRAPH_PORT), ("no_memo_", port)):
            replay = {
                "url": f"http://127.0.0.1:{target}",
                "requests_file": requests_file,
                "connections": args.connections,
                "cores": GATEWAY_CORE,
            }
            load.replay(wrk, seconds=args.warmup, **replay)
            result = load.replay(wrk, seconds=args.seconds, **replay)
            print(
                f"subgraphs{' --no-memo' if label else ''}: {result.rps:.0f} req/s replaying {len(recorded)} "
                f"distinct recorded requests (p50 {result.p50_ms:.1f} ms, bad {result.bad or 'none'})",
                flush=True,
            )
            capacity |= {f"{label}rps": result.rps, f"{label}p50_ms": result.p50_ms}
    finally:
        unmemoized.stop()
    return capacity


def summarize(everything: list[Measured], capacity: dict[str, float], args: argparse.Namespace) -> dict[str, object]:
    rows = []
    for measured in everything:
        rounds = measured.rounds
        row: dict[str, object] = {
            "name": measured.gateway.name,
            "description": measured.gateway.description,
            "splp": measured.gateway.is_splp,
            "deduplicates": measured.gateway.deduplicates,
            "failure": measured.failure,
            "subgraph_requests_single": measured.subgraph_requests_single,
            "peak_rss_mib": measured.peak_rss_kib / 1024,
            "rounds": [asdict(r) for r in rounds],
        }
        if rounds:
            row |= {
                "rps": statistics.median(r.rps for r in rounds),
                "p50_ms": statistics.median(r.p50_ms for r in rounds),
                "p99_ms": statistics.median(r.p99_ms for r in rounds),
                "subgraph_requests_under_load": statistics.median(r.subgraph_requests_per_request for r in rounds),
                "load_core_busy": statistics.median(r.load_core_busy for r in rounds),
                "noisy_rounds": sum(r.noisy for r in rounds),
                "repeated_rounds": sum(r.attempt > 1 for r in rounds),
                "bad_responses": sum(sum(r.bad.values()) for r in rounds),
            }
        rows.append(row)
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {
            "rounds": args.rounds,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "connections": args.connections,
            "max_foreign": args.max_foreign,
            "gateway_core": GATEWAY_CORE,
            "load_core": LOAD_CORE,
        },
        "subgraphs": capacity,
        "gateways": rows,
    }


if __name__ == "__main__":
    sys.exit(main())
