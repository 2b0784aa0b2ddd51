"""`python -m bench.app_page`: the super app page's time to show a citizen, in Debian's Chromium.

The demo's setup on this machine: citizens seeded into SQLite (`--citizens`, the demo's seed),
the six OPDs and the stand-ins each on a loopback port, the gateway with the demo login. A
fresh browser context per run opens /app, picks the citizen role and logs in; the time runs
from the click on "Masuk" until the whole picture is on screen (the page marks its body with
the citizen's NIK after rendering every part). The page's own figure (`data-waktu-tampil-ms`:
from sending the query to the picture drawn) is printed beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from subgraphs.demo.run import sample_nik
from subgraphs.seed import TARGETS, seed_databases
from tests.superapp.city import CHROMIUM, CHROMIUM_FLAGS, chromium_missing, running_city


async def measure(citizens: int, runs: int) -> None:
    reason = chromium_missing()
    if reason:
        raise SystemExit(reason)
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'city.db'}"
        await seed_databases(dict.fromkeys(TARGETS, url), citizens=citizens, seed=1)
        urls = dict.fromkeys(TARGETS, url)
        nik = await sample_nik(urls)
        async with running_city(url, nik) as city, async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            clicks: list[float] = []
            drawn: list[float] = []
            for run in range(runs + 1):  # the first run warms the caches and is not counted
                context = await browser.new_context()
                page = await context.new_page()
                await page.goto(city.gateway_url + "/app")
                await page.select_option("#peran", "warga")
                start = time.perf_counter()
                await page.click("#tombol-masuk")
                await page.wait_for_selector(f"body[data-warga='{nik}']", timeout=30_000)
                elapsed = (time.perf_counter() - start) * 1000
                own = float(await page.get_attribute("body", "data-waktu-tampil-ms") or "nan")
                await context.close()
                if run:
                    clicks.append(elapsed)
                    drawn.append(own)
            await browser.close()
    print(f"super app page, {citizens} citizens seeded, {runs} runs (Chromium {CHROMIUM}):")
    print(f"  log-in click to citizen shown: median {statistics.median(clicks):.0f} ms, "
          f"max {max(clicks):.0f} ms")
    print(f"  query sent to picture drawn:   median {statistics.median(drawn):.0f} ms, "
          f"max {max(drawn):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(measure(args.citizens, args.runs))


if __name__ == "__main__":
    main()
