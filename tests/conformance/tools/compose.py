"""Regenerate tests/conformance/supergraphs/<area>.graphql from the test subgraphs' own SDL.

Each area's subgraphs print their SDL (`{ _service { sdl } }`), Apollo's composition
(@apollo/composition, installed from npm outside the repository) composes them, and the
supergraph is written next to the tests. Usage, from the repository root:

    .venv/bin/python tests/conformance/tools/compose.py [AREA ...]

APOLLO_COMPOSE_DIR (default /work/tools/apollo-compose) holds node_modules of today's composition,
APOLLO_COMPOSE_2_0_DIR (default /work/tools/apollo-compose-2.0) those of composition 2.0.5 for the
join v0.2 areas; each is installed with npm when missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFORMANCE = HERE.parent
sys.path.insert(0, str(CONFORMANCE.parent))

from conformance.apps import AREAS, subgraph_sdl, subgraphs_digest  # noqa: E402

# Composition releases: where their npm packages live and what to install there. 2.0.5 (the first
# Federation 2 release) writes join v0.2; its internal packages are pinned to the same release.
COMPOSERS = {
    "2.14": (
        Path(os.environ.get("APOLLO_COMPOSE_DIR", "/work/tools/apollo-compose")),
        ["@apollo/composition@2.14", "graphql@16"],
    ),
    "2.0": (
        Path(os.environ.get("APOLLO_COMPOSE_2_0_DIR", "/work/tools/apollo-compose-2.0")),
        ["@apollo/composition@2.0.5", "@apollo/federation-internals@2.0.5", "@apollo/query-graphs@2.0.5", "graphql@16"],
    ),
}


def ensure_installed(composer: str) -> Path:
    folder, packages = COMPOSERS[composer]
    if not (folder / "node_modules" / "@apollo" / "composition").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(folder), *packages], check=True)
    return folder / "node_modules"


def compose(area: str) -> str:
    node_modules = ensure_installed(AREAS[area].composer)
    services = [
        {"name": name, "url": f"http://{name}.{area}.conformance.invalid/graphql", "sdl": subgraph_sdl(schema)}
        for name, schema in AREAS[area].subgraphs.items()
    ]
    result = subprocess.run(
        ["node", str(HERE / "compose.cjs")],
        input=json.dumps(services), capture_output=True, text=True,
        env={**os.environ, "NODE_PATH": str(node_modules)},
    )
    if result.stderr:
        print(f"[{area}] {result.stderr.strip()}", file=sys.stderr)
    if result.returncode != 0:
        raise SystemExit(f"[{area}] composition failed")
    return result.stdout


def main(areas: list[str]) -> None:
    for area in areas or list(AREAS):
        path = CONFORMANCE / "supergraphs" / f"{area}.graphql"
        # The digest lets test_supergraphs.py notice a subgraph changed without this being re-run.
        path.write_text(f"# subgraphs-sha256: {subgraphs_digest(area)}\n" + compose(area))
        print(f"wrote {path.relative_to(CONFORMANCE.parent.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
