"""The benchmark's printed output: one line per round, one table at the end."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.run import Round


def round_line(name: str, outcome: Round) -> str:
    foreign = " ".join(f"cpu{core} {share:.0%}" for core, share in sorted(outcome.foreign_share.items()))
    flags = []
    if outcome.noisy:
        flags.append(f"NOISY (attempt {outcome.attempt})")
    if outcome.bad:
        flags.append(f"BAD RESPONSES {outcome.bad}")
    return (
        f"  {name:<12} {outcome.rps:8.1f} req/s  p50 {outcome.p50_ms:8.1f} ms  p99 {outcome.p99_ms:8.1f} ms"
        f"  sub/req {outcome.subgraph_requests_per_request:5.2f}  core0 busy {outcome.gateway_core_busy:4.0%}"
        f"  core1 busy {outcome.load_core_busy:4.0%}  foreign: {foreign}  {' '.join(flags)}"
    ).rstrip()


def _ratio(splp: float, peer: float) -> str:
    return f"{splp / peer:.2f}x" if peer else "-"


def table(results: dict[str, Any]) -> str:
    rows = [row for row in results["gateways"] if "rps" in row]
    failed = [row for row in results["gateways"] if row["failure"]]
    settings = results["settings"]
    lines = [
        f"Gateway benchmark: {settings['connections']} requests in flight, gateway on core "
        f"{settings['gateway_core']}, subgraphs + wrk on core {settings['load_core']}, medians of "
        f"{settings['rounds']} rounds of {settings['seconds']:g} s (after {settings['warmup']:g} s warm-up)",
        "",
        f"{'gateway':<12} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'peak RSS':>10} {'sub/req':>8} "
        f"{'sub/req@load':>13} {'noisy':>6} {'bad':>5}",
    ]
    for row in rows:
        lines.append(
            f"{row['name']:<12} {row['rps']:9.1f} {row['p50_ms']:9.1f} {row['p99_ms']:9.1f} "
            f"{row['peak_rss_mib']:7.0f} MiB {row['subgraph_requests_single']:8d} "
            f"{row['subgraph_requests_under_load']:13.2f} {row['noisy_rounds']:>3}/{len(row['rounds']):<2} "
            f"{row['bad_responses']:5d}"
        )
    for row in failed:
        lines.append(f"{row['name']:<12} FAILED: {row['failure'][:200]}")

    splps = [row for row in rows if row["splp"]]
    peers = [row for row in rows if not row["splp"]]
    if splps and peers:
        lines += ["", "SPLP's ratio to each peer (req/s: higher is better; p50, p99, RSS: lower is better)"]
        for splp in splps:
            for peer in peers:
                lines.append(
                    f"  {splp['name']:<11} / {peer['name']:<11} req/s {_ratio(splp['rps'], peer['rps']):>7}"
                    f"   p50 {_ratio(splp['p50_ms'], peer['p50_ms']):>7}"
                    f"   p99 {_ratio(splp['p99_ms'], peer['p99_ms']):>7}"
                    f"   RSS {_ratio(splp['peak_rss_mib'], peer['peak_rss_mib']):>7}"
                )
    capacity = results["subgraphs"]
    load_busy = max((row["load_core_busy"] for row in rows), default=0.0)
    lines += [
        "",
        f"Subgraphs alone (replaying the gateways' {capacity['distinct_requests']} distinct subgraph requests, "
        f"wrk on the other core): {capacity['rps']:.0f} req/s, p50 {capacity['p50_ms']:.1f} ms "
        f"(executing every request anew: {capacity['no_memo_rps']:.0f} req/s). "
        f"Core 1 (subgraphs + wrk) was at most {load_busy:.0%} busy during the gateway rounds.",
        "sub/req: subgraph requests for one lone client request; sub/req@load: per completed response "
        "under load (an upper bound: requests in flight when a round ends count their subgraph requests only).",
        f"noisy: rounds in which another program used over {settings['max_foreign']:.0%} of a core, after repeats.",
    ]
    return "\n".join(lines)
