"""Write each OPD subgraph's SDL (as `_service { sdl }` returns it) into a folder.

    python -m subgraphs.demo.export /tmp/sdl
    NODE_PATH=/path/to/node_modules node subgraphs/demo/apollo-compose.js \\
        subgraphs/demo/supergraph.graphql /tmp/api.graphql \\
        kependudukan=http://127.0.0.1:4001/graphql=/tmp/sdl/kependudukan.graphql …

The second step (Apollo's composition from npm, installed outside the repo) produced the
checked-in `subgraphs/demo/supergraph.graphql` first; `make schema` now regenerates it and
schema.graphql with `splp compose` (byte-identical to Apollo's output).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from subgraphs.opds import OPDS, subgraph_url


async def export(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, opd in OPDS.items():
        result = await opd.schema.execute("{ _service { sdl } }")
        assert result.data is not None, result.errors
        (folder / f"{name}.graphql").write_text(result.data["_service"]["sdl"])
        print(f"{name}={subgraph_url(name)}={folder / f'{name}.graphql'}")


if __name__ == "__main__":
    asyncio.run(export(Path(sys.argv[1] if len(sys.argv) > 1 else "var/sdl")))
