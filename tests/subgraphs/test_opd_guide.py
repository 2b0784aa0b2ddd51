"""docs/opd-guide.md works as written: its blocks run literally, in order, in an empty folder.

`python file=PATH` blocks are written to PATH, other `python` blocks executed, `sh` blocks run
by one bash (so the guide's variables carry from block to block), with `set -euo pipefail`: a
command of the guide that fails fails the test.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.subgraphs.conftest import free_port

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "opd-guide.md"
BLOCK = re.compile(r"^```([^\n]*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
END = "SPLP_GUIDE_BLOCK_END"


def script(guide: str) -> str:
    """The guide as one bash script."""
    parts = ["set -euo pipefail"]
    for info, body in BLOCK.findall(guide):
        language, _, options = info.strip().partition(" ")
        assert END not in body
        if language == "python" and options.startswith("file="):
            path = options.removeprefix("file=").strip()
            parts.append(f"mkdir -p \"$(dirname '{path}')\"\ncat > '{path}' <<'{END}'\n{body}{END}")
        elif language == "python":
            parts.append(f"python - <<'{END}'\n{body}{END}")
        elif language == "sh":
            parts.append(body)
        else:
            pytest.fail(f"the guide has a ```{info} block this test does not run: make it python or sh")
    return "\n".join(parts) + "\n"


def test_the_guide_has_blocks_of_every_kind() -> None:
    kinds = {info.strip().split(" ")[0] + (" file" if "file=" in info else "") for info, _ in BLOCK.findall(
        GUIDE.read_text(encoding="utf-8"))}
    assert kinds == {"python", "python file", "sh"}


def test_the_guide_runs_as_written(tmp_path: Path) -> None:
    (tmp_path / "guide.sh").write_text(script(GUIDE.read_text(encoding="utf-8")), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPLP_")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        # Free ports instead of the guide's defaults (4107, 4108, 4100), which other tests may hold.
        SUBGRAPH_PORT=str(free_port()), KATALOG_PORT=str(free_port()), REGISTRY_PORT=str(free_port()),
    )
    process = subprocess.Popen(["bash", "guide.sh"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=300)
    finally:
        # The guide stops its servers; if it failed half-way, they are stopped here.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    logs = "".join(f"\n--- {log.name}\n{log.read_text()}" for log in tmp_path.glob("*.log"))
    assert process.returncode == 0, output + logs
    assert "published perpustakaan: supergraph version 2" in output
    assert (tmp_path / "tests" / "test_perpustakaan.py").is_file()  # scaffolded, then rewritten by the guide
