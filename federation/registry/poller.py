"""A gateway following the registry: each new supergraph version is loaded between requests.

`follow_registry` long-polls `GET /supergraph?after=VERSION&wait=INTERVAL`, so a new
version reaches the gateway as soon as it is published, and calls `gateway.reload(sdl)`.
A supergraph the gateway refuses (`SupergraphError`) is logged and skipped: the gateway
keeps serving the one it has. While the registry is unreachable the gateway keeps its last
good supergraph and the poller retries with a growing pause (at most `interval`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import NoReturn, Protocol

from federation.registry.client import PublishedSupergraph, RegistryClient, RegistryError, RegistryUnavailable
from federation.supergraph import SupergraphError

log = logging.getLogger(__name__)


class Reloadable(Protocol):
    def reload(self, sdl: str) -> None: ...

    async def reload_in_worker(self, sdl: str) -> None: ...


async def first_supergraph(url: str, *, timeout: float = 30.0, token: str | None = None) -> PublishedSupergraph:
    """The registry's latest supergraph, waiting up to `timeout` seconds for a first publish.

    Raises RegistryUnavailable when the registry cannot be reached and RegistryError when
    nothing is published in time, each with a message fit for the gateway's operator.
    """
    async with RegistryClient(url, token) as client:
        published = await client.supergraph(after=0, wait=timeout)
    if published is None:
        raise RegistryError(404, f"the registry at {url} has no supergraph yet (waited {timeout:g}s)")
    return published


async def follow_registry(
    gateway: Reloadable,
    url: str,
    interval: float = 30.0,
    *,
    after: int = 0,
    token: str | None = None,
    on_served: Callable[[PublishedSupergraph], None] | None = None,
) -> NoReturn:
    """Keep `gateway` on the registry's latest supergraph; runs until cancelled.

    `after` is the version the gateway already serves (0: none yet); `on_served` is called
    with each version the gateway starts serving.
    """
    version = after  # the newest version seen
    served = after  # the version the gateway serves
    retry = 0.5
    async with RegistryClient(url, token) as client:
        while True:
            try:
                published = await client.supergraph(after=version, wait=interval)
            except (RegistryUnavailable, RegistryError) as e:
                retry = min(retry * 2, interval)
                log.warning(
                    "registry unreachable (%s); keeping supergraph version %d, retrying in %gs",
                    e,
                    served,
                    retry,
                )
                await asyncio.sleep(retry)
                continue
            retry = 0.5
            if published is None:
                continue
            try:
                await gateway.reload_in_worker(published.sdl)  # read off the event loop
            except SupergraphError as e:
                log.error(
                    "supergraph version %d from the registry was refused (%s); still serving version %d",
                    published.version,
                    e,
                    served,
                )
            else:
                served = published.version
                log.info("now serving supergraph version %d from the registry", published.version)
                if on_served is not None:
                    on_served(published)
            # a refused version is not retried: the next publish brings a new one
            version = published.version
