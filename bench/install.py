"""What the benchmark needs beyond the virtualenv, installed by the benchmark itself.

`wrk` comes from Debian's packages; the Node side (subgraphs and peer gateways) from
the npm registry into `bench/peers/` (git-ignored), pinned by `bench/node/package.json`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
NODE_SOURCES = BENCH_DIR / "node"
PEERS_DIR = BENCH_DIR / "peers"
RESULTS_DIR = BENCH_DIR / "results"
WRK_SCRIPTS = BENCH_DIR / "wrk"


class InstallError(RuntimeError):
    pass


def _run(command: list[str], *, cwd: Path | None = None) -> None:
    print("$", " ".join(command), flush=True)
    completed = subprocess.run(command, cwd=cwd, check=False)
    if completed.returncode != 0:
        raise InstallError(f"`{' '.join(command)}` failed with exit code {completed.returncode}")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise InstallError("wrk is missing and there is no apt-get to install it: install wrk")
    _run(["apt-get", "update", "-qq"])
    _run(["apt-get", "install", "-y", "-qq", "wrk"])
    found = shutil.which("wrk")
    if not found:
        raise InstallError("apt-get installed wrk but it is not on PATH")
    return found


def ensure_node_side() -> Path:
    """Copy the Node sources into bench/peers/ and npm-install their pinned packages
    when the installed ones are missing or older than package.json."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise InstallError(f"{tool} is missing: the peers and the benchmark subgraphs run on Node 20+")
    PEERS_DIR.mkdir(exist_ok=True)
    for source in NODE_SOURCES.iterdir():
        shutil.copyfile(source, PEERS_DIR / source.name)
    manifest = (NODE_SOURCES / "package.json").read_text()
    stamp = PEERS_DIR / "node_modules" / ".splp-bench-installed"
    if not stamp.exists() or stamp.read_text() != manifest:
        _run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEERS_DIR)
        stamp.write_text(manifest)
    return PEERS_DIR
