"""The last good supergraph a registry-following gateway served, kept on disk.

A gateway that follows the registry saves every version it starts serving; when it starts
while the registry is down it serves the saved one instead of refusing to start, says so
in its log and `/health`, and catches up once the registry answers again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from federation.registry.client import PublishedSupergraph


def default_path(registry_url: str) -> Path:
    """Per registry, under $SPLP_STATE_DIR (default ~/.cache/splp)."""
    folder = Path(os.environ.get("SPLP_STATE_DIR") or Path.home() / ".cache" / "splp")
    digest = hashlib.sha256(registry_url.rstrip("/").encode()).hexdigest()[:12]
    return folder / f"registry-supergraph-{digest}.json"


class SupergraphCache:
    def __init__(self, path: str | Path, registry_url: str) -> None:
        self.path = Path(path)
        self.registry_url = registry_url

    def save(self, published: PublishedSupergraph) -> None:
        """Write atomically (a temporary file renamed over the old one): a crash mid-write
        never leaves a half file where the last good supergraph was."""
        record = {
            "registry": self.registry_url, "version": published.version, "sdl": published.sdl,
            "saved": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(orjson.dumps(record))
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def load(self) -> tuple[PublishedSupergraph, dict[str, Any]] | None:
        """The saved supergraph and its record, or None when there is none (or it is unreadable)."""
        try:
            record = orjson.loads(self.path.read_bytes())
            published = PublishedSupergraph(version=int(record["version"]), sdl=str(record["sdl"]))
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None
        return published, record
