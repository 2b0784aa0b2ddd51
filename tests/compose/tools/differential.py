"""Differential check against Apollo's composition on mutated corpus cases (a developer tool).

    .venv/bin/python tests/compose/tools/differential.py [--seed N] [--trials N] [--out DIR]

Each valid corpus case is mutated at random (a federation directive added to a field, a type
reference renamed, a directive or `!` removed, a field copied from another subgraph's type); sets
our composer finds to be GraphQL-valid are written under DIR, composed there by Apollo's published
composition (tools/apollo-compose.mjs, APOLLO_COMPOSE_DIR as in README.md), then compared: same
supergraph, or our error codes including Apollo's. It prints the counts and each disagreement.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from federation.compose import SubgraphSource, compose  # noqa: E402
from tests.compose.normalize import canonical  # noqa: E402

CORPUS = ROOT / "tests" / "compose" / "corpus" / "valid"
DIRECTIVES = [
    '@key(fields: "id")', "@external", "@shareable", '@requires(fields: "id")', '@provides(fields: "id")',
    '@override(from: "a")', '@override(from: "b", label: "percent(5)")', "@inaccessible", "@interfaceObject",
    '@tag(name: "z")', '@key(fields: "id", resolvable: false)', "@authenticated", "@cost(weight: 3)",
]  # fmt: skip


def mutate(text: str, files: list[Path], rng: random.Random) -> str:
    op = rng.random()
    names = sorted(set(re.findall(r"\b[A-Z][A-Za-z0-9]*\b", text)))
    if op < 0.15:
        types = re.findall(r"type (\w+)[^{]*\{([^}]*)\}", rng.choice(files).read_text())
        if types:
            type_name, body = rng.choice(types)
            fields = re.findall(r"(\w+(?:\([^)]*\))?: [\[\]\w!]+)", body)
            if fields:
                added = rng.choice(fields) + (" @shareable" if rng.random() < 0.7 else "")
                text = re.sub(rf"(type {type_name}\b[^{{]*\{{)", lambda m: f"{m.group(1)} {added} ", text, count=1)
    elif op < 0.5:
        spots = [m.end() for m in re.finditer(r"(: \[?[A-Za-z]+!?\]?!?)", text)]
        if spots:
            i = rng.choice(spots)
            text = text[:i] + " " + rng.choice(DIRECTIVES) + text[i:]
    elif op < 0.8 and names:
        text = re.sub(rf"\b{rng.choice(names)}\b", rng.choice(names), text, count=1)
    elif rng.random() < 0.5:
        text = re.sub(r"\s@\w+(\([^)]*\))?", "", text, count=1)
    else:
        text = text.replace("!", "", 1)
    return text


def sources(case: Path) -> list[SubgraphSource]:
    urls = json.loads((case / "urls.json").read_text()) if (case / "urls.json").exists() else {}
    return [
        SubgraphSource(p.stem, urls.get(p.stem, f"http://{p.stem}.example/graphql"), p.read_text())
        for p in sorted(case.glob("*.graphql"))
        if p.name != "supergraph.graphql"
    ]


def generate(out: Path, seed: int, trials: int) -> None:
    rng = random.Random(seed)
    for case in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        files = [p for p in sorted(case.glob("*.graphql")) if p.name != "supergraph.graphql"]
        for trial in range(trials):
            texts = {
                p.name: (mutate(p.read_text(), files, rng) if rng.random() < 0.5 else p.read_text()) for p in files
            }
            result = compose([SubgraphSource(n.removesuffix(".graphql"), "http://x", t) for n, t in texts.items()])
            if any(e.code == "INVALID_GRAPHQL" for e in result.errors):
                continue
            target = out / f"{case.name}_{seed}_{trial}"
            target.mkdir(parents=True)
            for name, text in texts.items():
                (target / name).write_text(text)
            if (case / "urls.json").exists():
                (target / "urls.json").write_text((case / "urls.json").read_text())


def compare(out: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for case in sorted(p for p in out.iterdir() if p.is_dir()):
        result = compose(sources(case))
        if (case / "supergraph.graphql").exists():
            expected = (case / "supergraph.graphql").read_text()
            if result.errors:
                verdict = "we reject what Apollo composes"
            elif canonical(expected) == canonical(result.supergraph_sdl or ""):
                verdict = "same supergraph"
            else:
                verdict = "different supergraph"
        elif (case / "errors.json").exists():
            apollo = {e["code"] for e in json.loads((case / "errors.json").read_text())}
            ours = {e.code for e in result.errors}
            if not ours:
                verdict = "we compose what Apollo rejects"
            elif apollo <= ours:
                verdict = "same error codes"
            else:
                verdict = "other error codes"
                print(f"{case.name}: Apollo {sorted(apollo)}, ours {sorted(ours)}")
        else:
            continue  # Apollo's composition threw
        if verdict not in ("same supergraph", "same error codes", "other error codes"):
            print(f"{case.name}: {verdict}")
        counts[verdict] = counts.get(verdict, 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("/tmp/splp-compose-differential"))
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        raise SystemExit(f"{args.out} is not empty")
    generate(args.out, args.seed, args.trials)
    cases = [str(p) for p in sorted(args.out.iterdir())]
    env = {**os.environ, "APOLLO_COMPOSE_DIR": os.environ.get("APOLLO_COMPOSE_DIR", "/work/tools/apollo-compose")}
    script = Path(__file__).parent / "apollo-compose.mjs"
    subprocess.run(["node", str(script), *cases], check=True, env=env, stdout=subprocess.DEVNULL)
    print(json.dumps(compare(args.out), indent=2))


if __name__ == "__main__":
    main()
