"""The load generator: wrk with a fixed number of connections, each keeping one request
in flight, and a Lua script checking every response (bench/wrk/check.lua)."""

from __future__ import annotations

import json
import resource
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.install import WRK_SCRIPTS


@dataclass(frozen=True)
class LoadResult:
    requests: int
    good: int
    bad: dict[str, int]  # kind -> count, kinds with a zero count left out
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_seconds: float  # wrk's own CPU time

    @property
    def rps(self) -> float:
        return self.good / self.seconds


class LoadError(RuntimeError):
    pass


def _wrk(
    wrk: str,
    *,
    cores: str,
    connections: int,
    seconds: float,
    url: str,
    script: str,
    args: list[str],
    bad_kinds: tuple[str, ...],
) -> LoadResult:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [
        "taskset", "-c", cores, wrk,
        "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "30s",
        "-s", str(WRK_SCRIPTS / script), url, "--", *args,
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH "):
            figures: dict[str, float] = json.loads(line[len("BENCH ") :])
            return LoadResult(
                requests=int(figures["requests"]),
                good=int(figures["good"]),
                bad={kind: int(figures[kind]) for kind in bad_kinds if figures[kind]},
                seconds=figures["duration_us"] / 1e6,
                p50_ms=figures["p50_us"] / 1000,
                p99_ms=figures["p99_us"] / 1000,
                cpu_seconds=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            )
    raise LoadError(f"wrk printed no figures (exit {completed.returncode}): {completed.stderr.strip()[-500:]}")


def run(
    wrk: str, *, url: str, body_file: Path, expected_file: Path, connections: int, seconds: float, cores: str
) -> LoadResult:
    return _wrk(
        wrk, cores=cores, connections=connections, seconds=seconds, url=url, script="check.lua",
        args=[str(body_file), str(expected_file)],
        bad_kinds=("bad_status", "bad_errors", "bad_size", "bad_bytes", "socket_errors", "timeouts"),
    )  # fmt: skip


def replay(wrk: str, *, url: str, requests_file: Path, connections: int, seconds: float, cores: str) -> LoadResult:
    """Replays recorded subgraph requests (bench/wrk/replay.lua) against `url`."""
    return _wrk(
        wrk, cores=cores, connections=connections, seconds=seconds, url=url, script="replay.lua",
        args=[str(requests_file)], bad_kinds=("bad", "socket_errors", "timeouts"),
    )  # fmt: skip
