"""Prints how long composition takes: each corpus set, and synthetic graphs of growing size.

    .venv/bin/python tests/compose/tools/timing.py

A developer tool (figures, not a test): every set is composed 3 times and the best time is shown.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from federation.compose import SubgraphSource, compose  # noqa: E402

CORPUS = ROOT / "tests" / "compose" / "corpus" / "valid"
LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'


def best_of(sources: list[SubgraphSource], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        result = compose(sources)
        best = min(best, time.perf_counter() - start)
        assert not result.errors, result.errors
    return best


def corpus_sources(case: Path) -> list[SubgraphSource]:
    urls_file = case / "urls.json"
    urls = json.loads(urls_file.read_text()) if urls_file.exists() else {}
    return [
        SubgraphSource(p.stem, urls.get(p.stem, f"http://{p.stem}"), p.read_text())
        for p in sorted(case.glob("*.graphql"))
        if p.name != "supergraph.graphql"
    ]


def synthetic(subgraphs: int, types: int) -> list[SubgraphSource]:
    """Every subgraph knows every entity type (two keys each) and links them in cycles."""
    sources = []
    for s in range(subgraphs):
        parts = [LINK, "type Query { " + " ".join(f"s{s}t{t}: T{t}" for t in range(types)) + " }"]
        for t in range(types):
            parts.append(
                f'type T{t} @key(fields: "id") @key(fields: "code") {{ id: ID! code: String! f{s}: Int '
                f"next: T{(t + 1) % types} @shareable other: T{(t * 7 + 3) % types} @shareable }}"
            )
        sources.append(SubgraphSource(f"s{s}", f"http://s{s}", "\n".join(parts)))
    return sources


def main() -> None:
    for name in ("bench", "opd_six", "conformance_entities", "conformance_abstract"):
        print(f"corpus {name:<24} {best_of(corpus_sources(CORPUS / name)) * 1000:8.1f} ms")
    for subgraphs, types in ((2, 10), (6, 20), (10, 30)):
        label = f"{subgraphs} subgraphs x {types} entities"
        print(f"synthetic {label:<21} {best_of(synthetic(subgraphs, types)) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
