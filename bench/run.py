"""`python -m bench.run`: SPLP's gateway against Apollo Gateway and Hive Gateway (with its own
planner, and with Hive Router's Rust query planner) on the public gateway benchmark scenario
(bench/scenario/, a copy of the public scenario), in one run.

Fairness on a 2-core machine: every gateway is pinned to core 0, the subgraphs and the
load generator to core 1. All gateways run side by side (idle ones cost nothing) and are
measured interleaved, round after round, each round preceded by a warm-up; medians are
reported. A round in which something else used the cores is flagged and repeated.

Then `splp gateway --workers 2` against `--workers 1`: there the gateway, the subgraphs
and the load generator all share both cores (two workers need both).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cpu, install, load, processes, report
from bench.gateways import Gateway, peer_gateways, splp_gateways, splp_help

SHARED_DATA = Path(__file__).resolve().parent / "scenario"
SUPERGRAPH_SUBGRAPH_ORIGIN = "http://0.0.0.0:4200"  # in the supergraph's subgraph URLs


@dataclass(frozen=True)
class Layout:
    """Which cores the gateway, and the subgraphs with the load generator, run on."""

    gateway_cores: str
    load_cores: str

    def groups(self, gateway_cpu: float, load_cpu: float) -> dict[str, tuple[list[int], float]]:
        """Core groups for cpu.usage, with our CPU seconds on each."""
        gateway = [int(c) for c in self.gateway_cores.split(",")]
        if self.gateway_cores == self.load_cores:
            return {f"cpu{self.gateway_cores}": (gateway, gateway_cpu + load_cpu)}
        load_side = [int(c) for c in self.load_cores.split(",")]
        return {f"cpu{self.gateway_cores}": (gateway, gateway_cpu), f"cpu{self.load_cores}": (load_side, load_cpu)}

    def noisy(self, usage: dict[str, cpu.Usage], max_foreign: float) -> bool:
        """Other programs on the gateway's cores disturb it directly. On the load side's core
        they gather anyway (the scheduler moves them to the less busy core), and they matter
        only when that core was full and wrk with the subgraphs needed a good part of it:
        otherwise, mostly asleep, they are woken ahead of the others."""
        gateway = usage[f"cpu{self.gateway_cores}"]
        load_side = usage[f"cpu{self.load_cores}"]
        load_side_own = load_side.busy_share - load_side.foreign_share
        return gateway.foreign_share > max_foreign or (
            load_side.foreign_share > max_foreign and load_side.busy_share > 0.95 and load_side_own > 1 / 3
        )


PINNED = Layout(gateway_cores="0", load_cores="1")
SHARED = Layout(gateway_cores="0,1", load_cores="0,1")


@dataclass
class Round:
    rps: float
    p50_ms: float
    p99_ms: float
    subgraph_requests_per_request: float
    # Good responses per CPU second the gateway used: what it would serve on a core of its
    # own, and far less sensitive to other programs than req/s.
    per_cpu_second: float
    bad: dict[str, int]
    busy: dict[str, float]  # per core group, share of its capacity
    foreign: dict[str, float]  # per core group, share used by other programs
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

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}{self.gateway.path}"


@dataclass
class Bench:
    args: argparse.Namespace
    wrk: str
    run_dir: Path
    supergraph: Path
    body: bytes
    expected: bytes
    body_file: Path
    expected_file: Path
    subgraphs: processes.Server
    repeats_left: int = 0

    @property
    def subgraphs_url(self) -> str:
        return f"http://127.0.0.1:{self.subgraphs.port}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per round")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds before each round")
    parser.add_argument(
        "--first-warmup", type=float, default=10.0, help="warm-up seconds for each gateway before the first round"
    )
    parser.add_argument("--connections", type=int, default=50, help="requests kept in flight")
    parser.add_argument(
        "--max-foreign",
        type=float,
        default=0.05,
        help="share of a core used by other programs that makes a round noisy",
    )
    parser.add_argument("--retries", type=int, default=2, help="repeats of a noisy round")
    parser.add_argument(
        "--max-repeats", type=int, default=10, help="repeats of noisy rounds in all, so a busy machine ends the run too"
    )
    parser.add_argument("--only", default="", help="comma-separated gateway names (default: all)")
    parser.add_argument("--no-workers", action="store_true", help="skip the --workers scaling measurement")
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


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def subgraph_requests(bench: Bench) -> int:
    return sum(get_json(bench.subgraphs_url + "/_stats").values())


def start_gateway(bench: Bench, measured: Measured, layout: Layout) -> None:
    gateway, port = measured.gateway, processes.free_port()
    try:
        measured.server = processes.start(
            gateway.name,
            gateway.argv(bench.supergraph, port),
            cores=layout.gateway_cores,
            port=port,
            log_dir=bench.run_dir,
            cwd=gateway.cwd,
            env=gateway.env,
        )
        processes.wait_for_port(measured.server)
    except RuntimeError as error:
        measured.failure = str(error)


def check_answer(bench: Bench, measured: Measured) -> None:
    """One lone request: the exact expected answer, and how many subgraph requests it took."""
    before = subgraph_requests(bench)
    status, answer = post(measured.url, bench.body)
    measured.subgraph_requests_single = subgraph_requests(bench) - before
    if status != 200 or answer.rstrip(b"\n") != bench.expected:
        measured.failure = f"wrong answer (status {status}, {len(answer)} bytes): {answer[:300]!r}"


def load_settings(bench: Bench, measured: Measured, layout: Layout) -> dict[str, Any]:
    return {
        "url": measured.url,
        "body_file": bench.body_file,
        "expected_file": bench.expected_file,
        "connections": bench.args.connections,
        "cores": layout.load_cores,
    }


def measure_round(bench: Bench, measured: Measured, layout: Layout) -> Round:
    server, args = measured.server, bench.args
    assert server is not None
    run = load_settings(bench, measured, layout)
    attempts: list[Round] = []
    while True:
        attempt = len(attempts) + 1
        cpu.wait_until_quiet([0, 1], threshold=args.max_foreign, patience=5.0)
        load.run(bench.wrk, seconds=args.warmup, **run)
        requests_before = subgraph_requests(bench)
        gateway_cpu, subgraph_cpu = server.cpu_seconds(), bench.subgraphs.cpu_seconds()
        cores_before, started = cpu.sample(), time.monotonic()
        result = load.run(bench.wrk, seconds=args.seconds, **run)
        cores_after, wall = cpu.sample(), time.monotonic() - started
        gateway_cpu = server.cpu_seconds() - gateway_cpu
        groups = layout.groups(gateway_cpu, bench.subgraphs.cpu_seconds() - subgraph_cpu + result.cpu_seconds)
        usage = cpu.usage(cores_before, cores_after, wall, groups)
        noisy = layout.noisy(usage, args.max_foreign)
        outcome = Round(
            rps=result.rps,
            p50_ms=result.p50_ms,
            p99_ms=result.p99_ms,
            # An upper bound: requests still in flight when wrk stops are not counted.
            subgraph_requests_per_request=(subgraph_requests(bench) - requests_before) / max(result.requests, 1),
            per_cpu_second=result.good / gateway_cpu if gateway_cpu > 0 else 0.0,
            bad=result.bad,
            busy={name: round(u.busy_share, 3) for name, u in usage.items()},
            foreign={name: round(u.foreign_share, 3) for name, u in usage.items()},
            noisy=noisy,
            attempt=attempt,
        )
        print(report.round_line(measured.gateway.name, outcome), flush=True)
        attempts.append(outcome)
        if not noisy or attempt > args.retries or bench.repeats_left <= 0:
            # The cleanest attempt stands for the round.
            return min(attempts, key=lambda r: max(r.foreign.values()))
        bench.repeats_left -= 1


def compare(bench: Bench, gateways: list[Gateway], layout: Layout, title: str) -> list[Measured]:
    """Start the gateways, check their answers, measure them interleaved, stop them."""
    print(f"== {title}", flush=True)
    everything = [Measured(g) for g in gateways]
    try:
        for measured in everything:
            start_gateway(bench, measured, layout)
        for measured in everything:
            if not measured.failure:
                check_answer(bench, measured)
            verdict = measured.failure or f"answers exactly, with {measured.subgraph_requests_single} subgraph requests"
            print(f"{measured.gateway.name}: {verdict}", flush=True)
        ready = [m for m in everything if not m.failure]
        for measured in ready:
            # Let the JITs (V8's, CPython's specializing interpreter) and caches settle once.
            load.run(bench.wrk, seconds=bench.args.first_warmup, **load_settings(bench, measured, layout))
        for number in range(bench.args.rounds):
            print(f"-- round {number + 1} of {bench.args.rounds}", flush=True)
            shift = number % max(len(ready), 1)
            for measured in ready[shift:] + ready[:shift]:
                measured.rounds.append(measure_round(bench, measured, layout))
        for measured in ready:
            assert measured.server is not None
            measured.peak_rss_kib = measured.server.peak_rss_kib()
    finally:
        for measured in everything:
            if measured.server is not None:
                measured.server.stop()
    return everything


def measure_subgraphs(bench: Bench, peers_dir: Path) -> dict[str, float]:
    """The subgraphs' own throughput on the requests the gateways actually sent them
    (recorded by the subgraph server), replayed by wrk from the gateways' core: as run
    in the benchmark, and with every request executed anew (--no-memo)."""
    recorded = get_json(bench.subgraphs_url + "/_requests")
    requests_file = bench.run_dir / "subgraph-requests.txt"
    with requests_file.open("wb") as out:
        for entry in recorded:
            payload = entry["body"].encode()
            out.write(f"/{entry['subgraph']} {len(payload)}\n".encode() + payload)
    capacity: dict[str, float] = {"distinct_requests": len(recorded)}
    port = processes.free_port()
    unmemoized = processes.start(
        "subgraphs-no-memo",
        ["node", "subgraphs.mjs", str(bench.args.data / "data.json"), str(port), "--no-memo"],
        cores=PINNED.load_cores,
        port=port,
        log_dir=bench.run_dir,
        cwd=peers_dir,
    )
    try:
        processes.wait_for_port(unmemoized)
        for label, target in (("", bench.subgraphs.port), ("no_memo_", port)):
            replay = {
                "url": f"http://127.0.0.1:{target}",
                "requests_file": requests_file,
                "connections": bench.args.connections,
                "cores": PINNED.gateway_cores,
            }
            load.replay(bench.wrk, seconds=bench.args.warmup, **replay)
            result = load.replay(bench.wrk, seconds=bench.args.seconds, **replay)
            print(
                f"subgraphs{' --no-memo' if label else ''}: {result.rps:.0f} req/s replaying {len(recorded)} "
                f"distinct recorded requests (p50 {result.p50_ms:.1f} ms, bad {result.bad or 'none'})",
                flush=True,
            )
            capacity |= {f"{label}rps": result.rps, f"{label}p50_ms": result.p50_ms}
    finally:
        unmemoized.stop()
    return capacity


def summarize(everything: list[Measured]) -> list[dict[str, Any]]:
    rows = []
    for measured in everything:
        rounds = measured.rounds
        row: dict[str, Any] = {
            "name": measured.gateway.name,
            "description": measured.gateway.description,
            "splp": measured.gateway.is_splp,
            "deduplicates": measured.gateway.deduplicates,
            "failure": measured.failure,
            "subgraph_requests_single": measured.subgraph_requests_single,
            "peak_rss_mib": measured.peak_rss_kib / 1024,
            "rounds": [dataclasses.asdict(r) for r in rounds],
        }
        if rounds:
            row |= {
                "rps": statistics.median(r.rps for r in rounds),
                "per_cpu_second": statistics.median(r.per_cpu_second for r in rounds),
                "p50_ms": statistics.median(r.p50_ms for r in rounds),
                "p99_ms": statistics.median(r.p99_ms for r in rounds),
                "subgraph_requests_under_load": statistics.median(r.subgraph_requests_per_request for r in rounds),
                "noisy_rounds": sum(r.noisy for r in rounds),
                "repeated_rounds": sum(r.attempt > 1 for r in rounds),
                "bad_responses": sum(sum(r.bad.values()) for r in rounds),
                "median_foreign": {
                    group: statistics.median(r.foreign[group] for r in rounds) for group in rounds[0].foreign
                },
                "median_busy": {group: statistics.median(r.busy[group] for r in rounds) for group in rounds[0].busy},
            }
        rows.append(row)
    return rows


def workers_variants(gateways: list[Gateway]) -> list[Gateway]:
    """SPLP without deduplication (so that every request is real work) at 1 and 2 workers."""
    if "--workers" not in splp_help():
        return []
    plain = next((g for g in gateways if g.is_splp and not g.deduplicates), None)
    if plain is None:
        return []
    return [
        dataclasses.replace(
            plain,
            name=f"splp-{n}w",
            description=f"{plain.description}, --workers {n}",
            command=(*plain.command, "--workers", str(n)),
        )
        for n in (1, 2)
    ]


def repin(pid: int, cores: str) -> None:
    """Move a running process, all its threads, to other cores."""
    subprocess.run(["taskset", "-a", "-p", "-c", cores, str(pid)], check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = install.ensure_wrk()
    peers_dir = install.ensure_node_side()
    run_dir = install.RESULTS_DIR / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir.mkdir(parents=True)

    query = (args.data / "query.graphql").read_text()
    expected = (args.data / "expected-response.json").read_bytes().rstrip(b"\n")
    body = json.dumps({"query": query, "operationName": "TestQuery"}).encode()
    (run_dir / "request.json").write_bytes(body)
    (run_dir / "expected.json").write_bytes(expected)
    # The supergraph's subgraphs are at 0.0.0.0:4200, a listening address, not one to connect
    # to; and port 4200 may be taken by someone else's subgraphs on a shared machine.
    port = 4200 if not processes.port_in_use(4200) else processes.free_port()
    supergraph = run_dir / "supergraph.graphql"
    upstream = (args.data / "supergraph.upstream.graphql").read_text()
    supergraph.write_text(upstream.replace(SUPERGRAPH_SUBGRAPH_ORIGIN, f"http://127.0.0.1:{port}"))

    gateways = splp_gateways(tuple(args.splp_arg)) + peer_gateways()
    if not any(g.is_splp for g in gateways):
        print("note: `splp gateway` is not available; measuring the peers only", flush=True)
    scaling = [] if args.no_workers else workers_variants(gateways)
    if args.only:
        wanted = set(args.only.split(","))
        gateways = [g for g in gateways if g.name in wanted]
        scaling = [g for g in scaling if g.name in wanted]

    subgraphs = processes.start(
        "subgraphs",
        ["node", "subgraphs.mjs", str(args.data / "data.json"), str(port)],
        cores=PINNED.load_cores,
        port=port,
        log_dir=run_dir,
        cwd=peers_dir,
    )
    bench = Bench(
        args,
        wrk,
        run_dir,
        supergraph,
        body,
        expected,
        run_dir / "request.json",
        run_dir / "expected.json",
        subgraphs,
        repeats_left=args.max_repeats,
    )
    try:
        processes.wait_for_port(subgraphs)
        title = "gateways pinned to core 0, subgraphs and wrk to core 1"
        compared = compare(bench, gateways, PINNED, title) if gateways else []
        capacity = measure_subgraphs(bench, peers_dir)
        scaled: list[Measured] = []
        if scaling:
            repin(subgraphs.pid, SHARED.load_cores)
            scaled = compare(
                bench, scaling, SHARED, "splp --workers 1 and 2; gateway, subgraphs and wrk share cores 0-1"
            )
    finally:
        subgraphs.stop()

    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {
            "rounds": args.rounds,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "connections": args.connections,
            "max_foreign": args.max_foreign,
        },
        "subgraphs": capacity,
        "gateways": summarize(compared),
        "workers": summarize(scaled),
    }
    print()
    print(report.table(results))
    (run_dir / "results.json").write_text(json.dumps(results, indent=2))
    shutil.copyfile(run_dir / "results.json", install.RESULTS_DIR / "latest.json")
    print(f"\nresults: {run_dir / 'results.json'}")
    return 0 if all(not m.failure for m in compared + scaled) else 1


if __name__ == "__main__":
    sys.exit(main())
