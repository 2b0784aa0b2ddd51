"""A real Chromium (Debian's) driven by Playwright against the city on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from subgraphs.seed import TARGETS, load_batches
from tests.conftest import require_service
from tests.subgraphs import world as w
from tests.superapp.city import CHROMIUM, CHROMIUM_FLAGS, City, chromium_missing, in_ci, running_city

# Screenshots are kept as test artifacts (gitignored).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "superapp"


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    reason = chromium_missing()
    if reason:
        if in_ci():
            pytest.fail(f"{reason} (in CI a missing browser is a failure)")
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def world_database(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'city.db'}"
    await load_batches(dict.fromkeys(TARGETS, url), [w.world()])
    return url


@pytest.fixture
async def city(world_database: str) -> AsyncIterator[City]:
    async with running_city(world_database, w.HEAD) as running:
        yield running


@pytest.fixture
async def live_city(world_database: str) -> AsyncIterator[City]:
    """The city with live complaint status: the aduan subgraph's events on the machine's NATS."""
    require_service("NATS", "127.0.0.1", 4222)
    async with running_city(world_database, w.HEAD, nats_url="nats://127.0.0.1:4222") as running:
        yield running


@pytest.fixture
async def page(browser: Any, city: City, request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    async for tab in _tab(browser, request):
        yield tab


@pytest.fixture
async def live_page(browser: Any, live_city: City, request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    async for tab in _tab(browser, request):
        yield tab


async def _tab(browser: Any, request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    # At Pantai Losari, when the page asks where the phone is.
    context = await browser.new_context(
        locale="id-ID", timezone_id="Asia/Makassar", viewport={"width": 1200, "height": 900},
        geolocation={"latitude": -5.14361, "longitude": 119.40750}, permissions=["geolocation"],
    )
    tab = await context.new_page()
    tab.set_default_timeout(15_000)
    try:
        yield tab
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        await context.close()
