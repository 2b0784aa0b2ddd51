"""`python -m bench.telemetry`: what telemetry costs the gateway, on vs off in one run.

The `make bench` scenario and harness (bench/run.py: the same subgraphs, wrk checking every
answer, gateways pinned to core 0, interleaved rounds, medians), with these variants of
`splp gateway --no-dedupe` (every request executed, so every one is observed):

  off           --no-telemetry
  metrics       /metrics only (--no-access-log)
  metrics+trace /metrics and OpenTelemetry traces exported over OTLP/HTTP to a receiver
                (bench/otlp_sink.py, on core 1): spans for the request, planning, each fetch,
                at the default sampling (10% of requests recorded; all carry traceparent)
  trace-every   the same with every request recorded (--trace-sample 1)
  all           metrics+trace and the JSON access log (to the log file)

Target: metrics and tracing on cost at most 5% of req/s (and req/cpu-s) against off.
Short run: `python -m bench.telemetry --rounds 3 --seconds 5 --first-warmup 3`.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import urllib.request
from datetime import UTC, datetime

from bench import install, processes
from bench.gateways import REPO_DIR as ROOT
from bench.gateways import SPLP_COMMAND, Gateway
from bench.run import PINNED, SUPERGRAPH_SUBGRAPH_ORIGIN, Bench, Measured, compare, parse_args


def variants(otlp: str) -> list[Gateway]:
    base = (*SPLP_COMMAND, "--no-dedupe")
    flags = {
        "off": ("--no-telemetry",),
        "metrics": ("--no-access-log",),
        "metrics+trace": ("--no-access-log", "--otlp-endpoint", otlp),
        "trace-every": ("--no-access-log", "--otlp-endpoint", otlp, "--trace-sample", "1"),
        "all": ("--otlp-endpoint", otlp),
    }
    return [Gateway(name, f"splp gateway {' '.join(f)}", (*base, *f), "/graphql", ROOT, False, True)
            for name, f in flags.items()]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = install.ensure_wrk()
    peers_dir = install.ensure_node_side()
    run_dir = install.RESULTS_DIR / ("telemetry-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))
    run_dir.mkdir(parents=True)
    query = (args.data / "query.graphql").read_text()
    expected = (args.data / "expected-response.json").read_bytes().rstrip(b"\n")
    body = json.dumps({"query": query, "operationName": "TestQuery"}).encode()
    (run_dir / "request.json").write_bytes(body)
    (run_dir / "expected.json").write_bytes(expected)
    port = processes.free_port()
    supergraph = run_dir / "supergraph.graphql"
    upstream = (args.data / "supergraph.upstream.graphql").read_text()
    supergraph.write_text(upstream.replace(SUPERGRAPH_SUBGRAPH_ORIGIN, f"http://127.0.0.1:{port}"))
    subgraphs = processes.start("subgraphs", ["node", "subgraphs.mjs", str(args.data / "data.json"), str(port)],
                                cores=PINNED.load_cores, port=port, log_dir=run_dir, cwd=peers_dir)
    sink_port = processes.free_port()
    sink = processes.start("otlp-sink", [sys.executable, "-m", "bench.otlp_sink", str(sink_port)],
                           cores=PINNED.load_cores, port=sink_port, log_dir=run_dir, cwd=ROOT)
    bench = Bench(args, wrk, run_dir, supergraph, body, expected, run_dir / "request.json",
                  run_dir / "expected.json", subgraphs, repeats_left=args.max_repeats)
    try:
        processes.wait_for_port(subgraphs)
        processes.wait_for_port(sink)
        measured = compare(bench, variants(f"http://127.0.0.1:{sink_port}"), PINNED, "telemetry on vs off")
        time.sleep(2)  # the last batches of spans
        with urllib.request.urlopen(f"http://127.0.0.1:{sink_port}/_stats", timeout=5) as response:
            spans = json.loads(response.read())["spans"]
    finally:
        subgraphs.stop()
        sink.stop()
    print(report(measured, spans))
    return 0 if all(not m.failure for m in measured) else 1


def report(measured: list[Measured], spans: int) -> str:
    by_name = {m.gateway.name: m for m in measured if m.rounds}
    off = by_name.get("off")
    lines = ["", "variant        req/s    req/cpu-s   p50 ms  p99 ms   req/s vs off  req/cpu-s vs off"]
    for name, m in by_name.items():
        rps = statistics.median(r.rps for r in m.rounds)
        per_cpu = statistics.median(r.per_cpu_second for r in m.rounds)
        p50 = statistics.median(r.p50_ms for r in m.rounds)
        p99 = statistics.median(r.p99_ms for r in m.rounds)
        ratios = ""
        if off is not None:
            off_rps = statistics.median(r.rps for r in off.rounds)
            off_cpu = statistics.median(r.per_cpu_second for r in off.rounds)
            ratios = f"{(rps / off_rps - 1) * 100:+12.1f}%  {(per_cpu / off_cpu - 1) * 100:+15.1f}%"
        lines.append(f"{name:<13} {rps:7.0f}  {per_cpu:10.0f}  {p50:7.2f} {p99:7.2f}  {ratios}")
    failed = [f"{m.gateway.name}: {m.failure}" for m in measured if m.failure]
    lines += [f"spans received by the OTLP sink: {spans}", *failed]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
