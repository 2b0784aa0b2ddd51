"""The benchmark's printed output: one line per round, one table at the end."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.run import Round


def round_line(name: str, outcome: Round) -> str:
    cores = "  ".join(
        f"{group} busy {outcome.busy[group]:4.0%} foreign {outcome.foreign[group]:4.0%}" for group in outcome.busy
    )
    flags = []
    if outcome.noisy:
        flags.append(f"NOISY (attempt {outcome.attempt})")
    if outcome.bad:
        flags.append(f"BAD RESPONSES {outcome.bad}")
    return (
        f"  {name:<12} {outcome.rps:8.1f} req/s  p50 {outcome.p50_ms:8.1f} ms  p99 {outcome.p99_ms:8.1f} ms"
        f"  req/cpu-s {outcome.per_cpu_second:7.1f}  sub/req {outcome.subgraph_requests_per_request:5.2f}  {cores}"
        f"  {' '.join(flags)}"
    ).rstrip()


def _ratio(splp: float, peer: float) -> str:
    return f"{splp / peer:.2f}x" if peer else "-"


def _rows(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"{'gateway':<12} {'req/s':>8} {'req/cpu-s':>9} {'p50 ms':>8} {'p99 ms':>8} {'peak RSS':>10} {'sub/req':>7} "
        f"{'@load':>6} {'noisy':>6} {'foreign':>9} {'bad':>4}"
    ]
    for row in rows:
        if row["failure"]:
            lines.append(f"{row['name']:<12} FAILED: {row['failure'][:300]}")
            continue
        foreign = "/".join(f"{share:.0%}" for share in row["median_foreign"].values())
        lines.append(
            f"{row['name']:<12} {row['rps']:8.1f} {row['per_cpu_second']:9.1f} "
            f"{row['p50_ms']:8.1f} {row['p99_ms']:8.1f} "
            f"{row['peak_rss_mib']:6.0f} MiB {row['subgraph_requests_single']:7d} "
            f"{row['subgraph_requests_under_load']:6.2f} {row['noisy_rounds']:>3}/{len(row['rounds']):<2} "
            f"{foreign:>9} {row['bad_responses']:4d}"
        )
    return lines


def _load_side(rows: list[dict[str, Any]]) -> list[str]:
    """How much of core 1 the subgraphs and wrk themselves needed, per gateway."""
    if not rows:
        return []
    shares = ", ".join(
        f"{row['name']} {row['median_busy']['cpu1'] - row['median_foreign']['cpu1']:.0%}" for row in rows
    )
    return [f"Subgraphs + wrk used this share of core 1 (median per round): {shares}."]


def table(results: dict[str, Any]) -> str:
    settings = results["settings"]
    rows = results["gateways"]
    lines = [
        f"Gateway benchmark: {settings['connections']} requests in flight; gateway pinned to core 0, subgraphs "
        f"and wrk to core 1; medians of {settings['rounds']} interleaved rounds of {settings['seconds']:g} s "
        f"(each after {settings['warmup']:g} s of warm-up)",
        "",
        *_rows(rows),
    ]
    measured = [row for row in rows if not row["failure"] and row["rounds"]]
    splps = [row for row in measured if row["splp"]]
    peers = [row for row in measured if not row["splp"]]
    if splps and peers:
        lines += ["", "SPLP / peer (req/s: higher is better; p50, p99, peak RSS: lower is better)"]
        for splp in splps:
            for peer in peers:
                lines.append(
                    f"  {splp['name']:<11} / {peer['name']:<11} req/s {_ratio(splp['rps'], peer['rps']):>7}"
                    f"   req/cpu-s {_ratio(splp['per_cpu_second'], peer['per_cpu_second']):>7}"
                    f"   p50 {_ratio(splp['p50_ms'], peer['p50_ms']):>7}"
                    f"   p99 {_ratio(splp['p99_ms'], peer['p99_ms']):>7}"
                    f"   RSS {_ratio(splp['peak_rss_mib'], peer['peak_rss_mib']):>7}"
                )
    workers = results["workers"]
    if workers:
        lines += [
            "",
            "splp --workers (no deduplication): gateway, subgraphs and wrk all share cores 0-1",
            *_rows(workers),
        ]
        one, two = (row for row in workers)
        if "rps" in one and "rps" in two:
            lines.append(f"  2 workers / 1 worker: req/s {_ratio(two['rps'], one['rps'])}")
    capacity = results["subgraphs"]
    lines += [
        "",
        f"Subgraphs alone, replaying the {capacity['distinct_requests']} distinct subgraph requests the gateways "
        f"sent (subgraphs on core 1, wrk on core 0): {capacity['rps']:.0f} req/s, p50 {capacity['p50_ms']:.1f} ms; "
        f"executing every request anew (--no-memo): {capacity['no_memo_rps']:.0f} req/s.",
        *_load_side(measured),
        "req/cpu-s: good responses per CPU second of the gateway (its throughput on a core of its own; "
        "much less disturbed by other programs than req/s).",
        "sub/req: subgraph requests for one lone client request. @load: per completed response under load, an "
        "upper bound (a round's last requests in flight count their subgraph requests only).",
        f"noisy: rounds in which other programs used over {settings['max_foreign']:.0%} of the gateway's core (or "
        "of core 1 when it was full and wrk with the subgraphs needed over a third of it), after repeats; "
        "foreign: median share of each core (gateway's/load's) used by other programs; they gather on the core "
        "the benchmark leaves idle, so a light load side draws them to core 1.",
    ]
    return "\n".join(lines)
