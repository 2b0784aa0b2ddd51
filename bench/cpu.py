"""Who used the cores during a round: /proc/stat per core against our own processes.

Foreign CPU time on a core is its busy time (user, nice, system, steal) minus the CPU
time of the benchmark's processes pinned to it. Interrupt time is left out of both
sides: loopback networking is accounted there and belongs to the benchmark itself.
Steal (the hypervisor running someone else) counts as foreign.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bench.processes import CLOCK_TICKS


@dataclass(frozen=True)
class CoreTimes:
    busy: float  # seconds of user + nice + system + steal
    steal: float
    idle: float  # seconds of idle + iowait


def sample() -> dict[int, CoreTimes]:
    cores: dict[int, CoreTimes] = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if not name.startswith("cpu") or name == "cpu":
            continue
        user, nice, system, idle, iowait, _irq, _softirq, steal = (int(v) for v in values[:8])
        cores[int(name[3:])] = CoreTimes(
            busy=(user + nice + system + steal) / CLOCK_TICKS,
            steal=steal / CLOCK_TICKS,
            idle=(idle + iowait) / CLOCK_TICKS,
        )
    return cores


@dataclass(frozen=True)
class Usage:
    busy_share: float  # of the group's cores over the wall time
    foreign_share: float  # busy time not spent by our processes running on these cores
    steal_share: float


def usage(
    before: dict[int, CoreTimes],
    after: dict[int, CoreTimes],
    wall: float,
    groups: dict[str, tuple[list[int], float]],
) -> dict[str, Usage]:
    """Per group of cores (name -> cores, CPU seconds our processes pinned to exactly
    these cores used): shares of the group's capacity over `wall` seconds."""
    result = {}
    for name, (cores, ours) in groups.items():
        busy = sum(after[c].busy - before[c].busy for c in cores)
        steal = sum(after[c].steal - before[c].steal for c in cores)
        capacity = wall * len(cores)
        result[name] = Usage(
            busy_share=busy / capacity,
            foreign_share=max(0.0, busy - ours) / capacity,
            steal_share=steal / capacity,
        )
    return result


def wait_until_quiet(cores: list[int], *, threshold: float, settle: float = 1.0, patience: float = 20.0) -> float:
    """Wait (at most `patience` seconds) for a `settle`-second window in which the given
    cores are busier than `threshold` with nothing (our servers are idle between
    rounds). Answers the last window's highest busy share."""
    deadline = time.monotonic() + patience
    while True:
        before, started = sample(), time.monotonic()
        time.sleep(settle)
        after, wall = sample(), time.monotonic() - started
        worst = max((after[c].busy - before[c].busy) / wall for c in cores)
        if worst <= threshold or time.monotonic() >= deadline:
            return worst
