"""A subgraph's GraphiQL works offline: its page loads only the subgraph's own copies of the gateway's assets."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlparse

import aiohttp
import pytest

from subgraphs.kependudukan.app import create_app
from subgraphs.serve import Servers
from tests.subgraphs.conftest import free_port
from tests.superapp.city import CHROMIUM, CHROMIUM_FLAGS, chromium_missing, in_ci

GATEWAY_STATIC = Path(__file__).resolve().parents[2] / "federation/http/static"


@pytest.fixture
async def base(sqlite_world_url: str) -> AsyncIterator[str]:
    servers = Servers()
    port = free_port()
    await servers.start_asgi(create_app(sqlite_world_url), "127.0.0.1", port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await servers.stop()


async def graphiql_page(base: str) -> str:
    async with aiohttp.ClientSession() as session, session.get(
        f"{base}/graphql", headers={"accept": "text/html"}
    ) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        return await response.text()


async def test_the_page_references_no_other_host(base: str) -> None:
    page = await graphiql_page(base)
    references = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert references, "the page loads no assets"
    assert all(urlparse(ref).netloc == "" and ref.startswith("/graphiql/assets/") for ref in references), references
    assert not re.search(r"https?://|//[a-z]", page, re.IGNORECASE)


async def test_its_assets_are_the_gateways_bundled_files(base: str) -> None:
    page = await graphiql_page(base)
    async with aiohttp.ClientSession() as session:
        for ref in re.findall(r'(?:src|href)="([^"]*)"', page):
            async with session.get(f"{base}{ref}") as response:
                assert response.status == 200, ref
                assert await response.read() == (GATEWAY_STATIC / ref.rsplit("/", 1)[1]).read_bytes()
        async with session.get(f"{base}/graphiql/assets/..%2Fapp.py") as response:
            assert response.status == 404
        async with session.get(f"{base}/graphiql/assets/roles.js") as response:
            assert response.status == 404  # the gateway demo's role picker is not a subgraph's


async def test_graphiql_runs_in_chromium_without_the_internet(base: str) -> None:
    reason = chromium_missing()
    if reason:
        if in_ci():
            pytest.fail(f"{reason} (in CI a missing browser is a failure)")
        pytest.skip(reason)
    from playwright.async_api import Route, async_playwright

    elsewhere: list[str] = []
    introspected: list[str] = []

    async def offline(route: Route) -> None:
        # The network has no internet: anything not on this machine fails, and is noted.
        if urlparse(route.request.url).hostname != "127.0.0.1":
            elsewhere.append(route.request.url)
            await route.abort()
            return
        if route.request.method == "POST" and "IntrospectionQuery" in (route.request.post_data or ""):
            introspected.append(route.request.url)
        await route.continue_()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            tab = await browser.new_page()
            await tab.route("**/*", offline)
            async with tab.expect_request(lambda r: r.method == "POST" and "IntrospectionQuery" in
                                          (r.post_data or ""), timeout=15_000):
                await tab.goto(f"{base}/graphql")
            await tab.wait_for_selector(".graphiql-query-editor", timeout=15_000)
        finally:
            await browser.close()
    assert elsewhere == []
    assert introspected == [f"{base}/graphql"]
