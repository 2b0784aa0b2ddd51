"""`splp gateway --registry URL`: a gateway that serves and follows the registry's supergraph.

The app starts on the registry's latest supergraph, then `follow_registry` swaps in each
new version between requests. With a gateway token it also reports field usage (for
usage-weighted checks) through a `UsageRecorder` listening to every executed operation.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette

from federation.registry.client import PublishedSupergraph, RegistryError, RegistryUnavailable
from federation.registry.poller import first_supergraph, follow_registry
from federation.registry.usage import UsageRecorder
from federation.supergraph import Supergraph, SupergraphError

ENV_CONFIG = "SPLP_REGISTRY_GATEWAY_CONFIG"


def registry_gateway_app(
    url: str,
    published: PublishedSupergraph,
    config: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    interval: float = 30.0,
    usage_flush_interval: float = 10.0,
) -> Starlette:
    """The gateway app serving `published` and following the registry at `url` from there.

    `config` holds the `splp gateway` options (subgraph URLs and timeout, deduplication,
    propagated headers, JWT verification), as `federation.gateway_cli` builds it. Raises
    `SupergraphError` when `published` cannot be served. `token` (a "gateway" role token)
    enables usage reporting.
    """
    from federation.gateway_cli import gateway_app

    gateway, app = gateway_app(Supergraph.from_sdl(published.sdl), config or {})
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Starlette) -> AsyncIterator[None]:
        recorder = None
        if token:
            recorder = UsageRecorder(url, token, flush_interval=usage_flush_interval)
            gateway.usage_listeners.append(recorder.record)
            recorder.start()
        follower = asyncio.ensure_future(follow_registry(gateway, url, interval, after=published.version, token=token))
        try:
            async with inner(a):
                yield
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower
            if recorder is not None:
                gateway.usage_listeners.remove(recorder.record)
                await recorder.close()

    app.router.lifespan_context = lifespan
    return app


async def gateway_app_from_registry(
    url: str, config: dict[str, Any] | None = None, *, wait: float = 30.0, **options: Any
) -> Starlette:
    """`registry_gateway_app` on the registry's latest supergraph.

    Waits up to `wait` seconds for a first publish; raises `RegistryUnavailable`,
    `RegistryError` or `SupergraphError` with the reason when the gateway cannot start.
    """
    published = await first_supergraph(url, timeout=wait, token=options.get("token"))
    return registry_gateway_app(url, published, config, **options)


def app_from_env() -> Starlette:
    """The app factory uvicorn's worker processes call (`--workers N`): each follows the registry."""
    settings = json.loads(os.environ[ENV_CONFIG])
    with open(settings["sdl_file"], encoding="utf-8") as f:
        published = PublishedSupergraph(version=settings["version"], sdl=f.read())
    return registry_gateway_app(
        settings["url"], published, settings["config"], token=settings["token"], interval=settings["interval"]
    )


def run_registry_gateway(args: argparse.Namespace, config: dict[str, Any]) -> int:
    """Serve `splp gateway --registry URL`; `config` holds the command's other options."""
    import uvicorn

    try:
        published = asyncio.run(
            first_supergraph(args.registry, timeout=args.registry_interval, token=args.registry_token)
        )
        Supergraph.from_sdl(published.sdl)
    except (RegistryUnavailable, RegistryError, SupergraphError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    from federation.http.server import GuardedHttpToolsProtocol

    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": "warning",
        "access_log": False,
        "http": GuardedHttpToolsProtocol,  # slow and idle clients (see federation.http.server)
    }
    with contextlib.suppress(ImportError):
        import uvloop  # noqa: F401

        options["loop"] = "uvloop"
    logging.getLogger("splp.gateway").info("serving supergraph version %d from %s", published.version, args.registry)
    print(f"SPLP gateway: GraphQL and GraphiQL at http://{args.host}:{args.port}/graphql", flush=True)
    follow = {"token": args.registry_token, "interval": args.registry_interval}
    if args.workers > 1:
        with tempfile.NamedTemporaryFile("w", suffix=".graphql", encoding="utf-8", delete=False) as f:
            f.write(published.sdl)
        try:
            os.environ[ENV_CONFIG] = json.dumps(
                dict(follow, url=args.registry, version=published.version, sdl_file=f.name, config=config)
            )
            uvicorn.run("federation.registry.gateway_app:app_from_env", factory=True, workers=args.workers, **options)
        finally:
            os.unlink(f.name)
    else:
        uvicorn.run(registry_gateway_app(args.registry, published, config, **follow), **options)
    return 0
