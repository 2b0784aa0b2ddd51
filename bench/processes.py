"""Servers started by the benchmark: pinned to a core, watched through /proc, stopped by pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    port: int
    log: BinaryIO | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def tree(self) -> list[int]:
        """This server's pid and its descendants' (workers, forks)."""
        return process_tree(self.pid)

    def peak_rss_kib(self) -> int:
        """VmHWM summed over the process tree: each process's own peak resident set."""
        return sum(_status_kib(pid, "VmHWM") for pid in self.tree())

    def cpu_seconds(self) -> float:
        return sum(_cpu_ticks(pid) for pid in self.tree()) / CLOCK_TICKS

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM to this server's own process group (it was started as its leader),
        then SIGKILL if it has not gone within five seconds."""
        if self.process.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
                self.process.wait(timeout=5)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if self.log is not None:
            self.log.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start(
    name: str,
    command: list[str],
    *,
    cores: str,
    port: int,
    log_dir: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Server:
    """Start `command` under `taskset -c cores` in a new session (so stop() can signal
    its whole group) with stdout and stderr in log_dir/name.log."""
    if port_in_use(port):
        raise RuntimeError(f"{name}: port {port} is already in use by another program")
    log_path = log_dir / f"{name}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        ["taskset", "-c", cores, *command],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Server(name=name, process=process, log_path=log_path, port=port, log=log)


def wait_for_port(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with code {server.process.returncode} before listening:\n" + server.log_tail()
            )
        if port_in_use(server.port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not listen on port {server.port} within {timeout:.0f}s")


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name, which is in parentheses and may hold spaces.
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_ticks(pid: int) -> int:
    """utime + stime of all the process's threads."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])
