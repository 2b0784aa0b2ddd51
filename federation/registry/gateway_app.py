"""`splp gateway --registry URL`: a gateway that serves and follows the registry's supergraph.

The app starts on the registry's latest supergraph, then `follow_registry` swaps in each
new version between requests. With a gateway token it also reports field usage (for
usage-weighted checks) through a `UsageRecorder` listening to every executed operation.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from federation.gateway import Gateway
from federation.http.app import create_app
from federation.registry.poller import first_supergraph, follow_registry
from federation.registry.usage import UsageRecorder
from federation.supergraph import Supergraph


async def gateway_app_from_registry(
    url: str,
    *,
    token: str | None = None,
    interval: float = 30.0,
    wait: float = 30.0,
    subgraph_urls: dict[str, str] | None = None,
    subgraph_timeout: float = 30.0,
    usage_flush_interval: float = 10.0,
) -> Starlette:
    """The gateway app for the registry at `url`.

    It fetches the first supergraph (waiting up to `wait` seconds for one to be
    published) before the app exists; the app may then be served on any loop. Raises
    `RegistryUnavailable`, `RegistryError` or `SupergraphError` with the reason when it
    cannot start. `token` (a "gateway" role token) enables usage reporting.
    """
    published = await first_supergraph(url, timeout=wait, token=token)
    supergraph = Supergraph.from_sdl(published.sdl)
    gateway = Gateway(supergraph, subgraph_urls=subgraph_urls, subgraph_timeout=subgraph_timeout)
    app = create_app(supergraph, gateway=gateway)
    app.state.registry_version = published.version
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
