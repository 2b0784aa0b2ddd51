"""A supergraph reload is read off the event loop, and a file far too large is refused."""

from __future__ import annotations

import asyncio

import pytest

from federation.gateway import MAX_SUPERGRAPH_BYTES, Gateway
from federation.supergraph import Supergraph, SupergraphError
from tests.gateway.bench_subgraphs import BENCH_DATA


async def test_serving_goes_on_while_a_large_supergraph_is_read() -> None:
    sdl = (BENCH_DATA / "supergraph.upstream.graphql").read_text()
    gateway = Gateway(Supergraph.from_sdl(sdl))
    large = sdl + "\n" + "\n".join(f"# comment line {i} " + "x" * 80 for i in range(100_000))  # ~10 MB
    ticks = 0
    reload = asyncio.ensure_future(gateway.reload_in_worker(large))
    while not reload.done():
        await asyncio.sleep(0.005)
        ticks += 1
    await reload
    assert ticks > 5  # the loop kept running while the file was read
    await gateway.close()


async def test_a_supergraph_over_the_cap_is_refused_and_the_old_one_kept() -> None:
    sdl = (BENCH_DATA / "supergraph.upstream.graphql").read_text()
    gateway = Gateway(Supergraph.from_sdl(sdl))
    served = gateway.supergraph
    with pytest.raises(SupergraphError, match="larger than"):
        await gateway.reload_in_worker("#" * (MAX_SUPERGRAPH_BYTES + 1))
    assert gateway.supergraph is served
    await gateway.close()
