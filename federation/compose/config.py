"""Reading a supergraph config (rover's `supergraph.yaml` format) into subgraph sources.

    federation_version: =2.9.0        # optional; "2", "=2.x.y" or "2.x"
    subgraphs:
      penduduk:
        routing_url: http://penduduk:4001/graphql
        schema:
          file: ./subgraphs/penduduk.graphql        # relative to the config file
      perizinan:
        routing_url: http://perizinan:4002/graphql
        schema:
          subgraph_url: http://127.0.0.1:4002/graphql   # read with `query { _service { sdl } }`
          introspection_headers: {Authorization: "Bearer ..."}

`routing_url` defaults to `subgraph_url` when the schema is read from the running subgraph.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from federation.compose import SubgraphSource

SERVICE_SDL_QUERY = "query SubgraphIntrospectQuery { _service { sdl } }"


class ConfigError(Exception):
    """The config or a subgraph it names cannot be read; the message says which and why."""


@dataclass(frozen=True)
class SubgraphEntry:
    name: str
    routing_url: str
    file: Path | None = None
    subgraph_url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SupergraphConfig:
    federation_version: str | None
    subgraphs: tuple[SubgraphEntry, ...]


_VERSION = re.compile(r"^=?2(\.\d+){0,2}$")


def load_config(path: str | Path) -> SupergraphConfig:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read config {path}: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with a `subgraphs` key")
    version = data.get("federation_version")
    if version is not None:
        version = str(version)
        if not _VERSION.match(version):
            raise ConfigError(
                f"{path}: federation_version {version!r} is not supported: this composer writes Federation 2 "
                'supergraphs (use "2" or "=2.x.y"; Federation 1 subgraphs compose under it as they are)'
            )
    subgraphs = data.get("subgraphs")
    if not isinstance(subgraphs, dict) or not subgraphs:
        raise ConfigError(f"{path}: `subgraphs` must map each subgraph name to its routing_url and schema")
    entries = [_entry(path, str(name), spec) for name, spec in subgraphs.items()]
    return SupergraphConfig(version, tuple(entries))


def _entry(path: Path, name: str, spec: Any) -> SubgraphEntry:
    where = f"{path}: subgraph {name!r}"
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: expected routing_url and schema")
    schema = spec.get("schema")
    if not isinstance(schema, dict):
        raise ConfigError(f"{where}: `schema` must have `file` or `subgraph_url`")
    routing_url = spec.get("routing_url")
    if "file" in schema:
        if not isinstance(routing_url, str) or not routing_url:
            raise ConfigError(f"{where}: `routing_url` is required when the schema comes from a file")
        return SubgraphEntry(name, routing_url, file=(path.parent / str(schema["file"])))
    if "subgraph_url" in schema:
        url = str(schema["subgraph_url"])
        headers = schema.get("introspection_headers") or {}
        if not isinstance(headers, dict):
            raise ConfigError(f"{where}: `introspection_headers` must be a mapping")
        return SubgraphEntry(
            name, str(routing_url or url), subgraph_url=url, headers={str(k): str(v) for k, v in headers.items()}
        )
    raise ConfigError(f"{where}: `schema` must have `file` or `subgraph_url` (graph refs are not supported)")


async def read_sources(config: SupergraphConfig, timeout: float = 10.0) -> list[SubgraphSource]:
    """The subgraphs' SDL: files read from disk, running subgraphs asked for `_service { sdl }`."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        return list(await asyncio.gather(*(_read(session, entry) for entry in config.subgraphs)))


async def _read(session: aiohttp.ClientSession, entry: SubgraphEntry) -> SubgraphSource:
    if entry.file is not None:
        try:
            return SubgraphSource(entry.name, entry.routing_url, entry.file.read_text(encoding="utf-8"))
        except OSError as error:
            raise ConfigError(f"subgraph {entry.name!r}: cannot read {entry.file}: {error.strerror or error}") from None
    assert entry.subgraph_url is not None
    try:
        async with session.post(
            entry.subgraph_url,
            json={"query": SERVICE_SDL_QUERY},
            headers={"Content-Type": "application/json", **entry.headers},
        ) as response:
            body = await response.json(content_type=None)
            status = response.status
    except (TimeoutError, aiohttp.ClientError) as error:
        reason = str(error) or "timed out"
        raise ConfigError(f"subgraph {entry.name!r}: cannot reach {entry.subgraph_url}: {reason}") from None
    except ValueError:
        raise ConfigError(f"subgraph {entry.name!r}: {entry.subgraph_url} did not answer with JSON") from None
    sdl = _service_sdl(body)
    if sdl is None:
        errors = body.get("errors") if isinstance(body, dict) else None
        detail = (
            f": {errors[0].get('message')}"
            if isinstance(errors, list) and errors and isinstance(errors[0], dict)
            else f" (HTTP {status})"
        )
        raise ConfigError(f"subgraph {entry.name!r}: {entry.subgraph_url} gave no `_service {{ sdl }}`{detail}")
    return SubgraphSource(entry.name, entry.routing_url, sdl)


def _service_sdl(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    data = body.get("data")
    service = data.get("_service") if isinstance(data, dict) else None
    sdl = service.get("sdl") if isinstance(service, dict) else None
    return sdl if isinstance(sdl, str) else None
