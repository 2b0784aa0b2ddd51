"""Run every conformance scenario through Apollo's reference gateway and report where its answers
differ from the suite's expected ones. A developer tool, not part of the test run or CI.

    .venv/bin/python tests/conformance/tools/crosscheck.py [AREA ...] [-v]

APOLLO_GATEWAY_DIR (default /work/tools/apollo-gateway) holds node_modules with @apollo/gateway,
@apollo/server and graphql; it is installed with npm when missing. Where Apollo and the specs
differ the specs win: such scenarios carry a comment saying so.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFORMANCE = HERE.parent
sys.path.insert(0, str(CONFORMANCE.parent))

from conformance.apps import AREAS, REQUEST_LOG, build_server_app, subgraph_path  # noqa: E402
from conformance.harness import (  # noqa: E402
    GRAPHQL_RESPONSE_JSON,
    ServerThread,
    closed_port_url,
    response_problems,
    traffic_problems,
)
from conformance.scenarios import ALL_SCENARIOS  # noqa: E402

TOOLS_DIR = Path(os.environ.get("APOLLO_GATEWAY_DIR", "/work/tools/apollo-gateway"))
SUBGRAPH_TIMEOUT_MS = 500


def ensure_installed() -> None:
    if (TOOLS_DIR / "node_modules" / "@apollo" / "gateway").is_dir():
        return
    TOOLS_DIR.mkdir(parents=True, exist_ok=True)
    packages = ["@apollo/gateway", "@apollo/server", "graphql"]
    subprocess.run(["npm", "install", "--prefix", str(TOOLS_DIR), *packages], check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_apollo(area: str, subgraphs_url: str) -> tuple[subprocess.Popen[str], str]:
    urls = {name: subgraphs_url + subgraph_path(area, name) for name in AREAS[area].subgraphs}
    for name, fault in AREAS[area].faults.items():
        if fault == "down":
            urls[name] = closed_port_url()
    env = {
        **os.environ,
        "NODE_PATH": str(TOOLS_DIR / "node_modules"),
        "SUPERGRAPH": str(CONFORMANCE / "supergraphs" / f"{area}.graphql"),
        "SUBGRAPH_URLS": json.dumps(urls),
        "SUBGRAPH_TIMEOUT_MS": str(SUBGRAPH_TIMEOUT_MS),
        "PORT": str(free_port()),
    }
    process = subprocess.Popen(
        ["node", str(HERE / "apollo_gateway.cjs")], env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("ready "):
        process.kill()
        raise SystemExit(f"[{area}] the Apollo gateway did not start: {line!r}")
    return process, line.split()[1].rstrip("/") + "/graphql"


def post(url: str, body: dict[str, object]) -> tuple[int, str]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Accept": GRAPHQL_RESPONSE_JSON},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    areas = [a for a in argv if not a.startswith("-")] or list(AREAS)
    ensure_installed()
    subgraphs = ServerThread(build_server_app())
    subgraphs_url = subgraphs.start()
    differing = 0
    total = 0
    try:
        for area in areas:
            process, gateway_url = start_apollo(area, subgraphs_url)
            try:
                for scenario in (s for s in ALL_SCENARIOS if s.area == area):
                    total += 1
                    REQUEST_LOG.clear()
                    if AREAS[area].reset is not None:
                        AREAS[area].reset()  # type: ignore[misc]
                    status, text = post(gateway_url, scenario.body())
                    try:
                        problems = response_problems(scenario, json.loads(text))
                    except ValueError:
                        problems = [f"body is not JSON: {text[:300]!r}"]
                    if status != 200:
                        problems.insert(0, f"HTTP {status}")
                    problems += traffic_problems(scenario)
                    if problems:
                        differing += 1
                        print(f"DIFF {area}/{scenario.name}")
                        for problem in problems:
                            print("    " + problem.replace("\n", "\n    "))
                    elif verbose:
                        print(f"same {area}/{scenario.name}")
            finally:
                process.terminate()
                process.wait(timeout=10)
    finally:
        subgraphs.stop()
    print(f"{total - differing} of {total} scenarios answered by Apollo's gateway as expected, {differing} differ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
