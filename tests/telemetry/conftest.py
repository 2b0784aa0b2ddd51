"""The city (six OPDs on SQLite, loaded with the hand-written world) behind an observed gateway."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from federation.telemetry import Telemetry
from subgraphs.seed import TARGETS, load_batches
from tests.subgraphs import world as w
from tests.superapp.city import City, running_city

CITIZEN = """query Warga($nik: NIK!) { penduduk(nik: $nik) {
  nama tagihanPbb { tahun lunas } izin { nomor } aduan { nomor } } }"""


@pytest.fixture
async def world_database(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'city.db'}"
    await load_batches(dict.fromkeys(TARGETS, url), [w.world()])
    return url


class Observed:
    def __init__(self, city: City, telemetry: Telemetry, log: io.StringIO) -> None:
        self.city = city
        self.telemetry = telemetry
        self.log = log

    async def post(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
        """As the citizen w.HEAD (a demo token, with its purpose)."""
        assert self.city.security is not None
        token = self.city.security.identity.token("warga", nik=w.HEAD)
        auth = {"authorization": f"Bearer {token}", "x-splp-purpose": "layanan_publik"}
        async with aiohttp.ClientSession() as session, session.post(
            self.city.gateway_url + "/graphql", json={"query": query, "variables": variables or {}},
            headers={"accept": "application/json", **auth, **headers},
        ) as response:
            body: dict[str, Any] = await response.json()
            return body

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as session, session.get(self.city.gateway_url + path) as response:
            return response.status, await response.text()


@pytest.fixture
async def observed(world_database: str) -> AsyncIterator[Observed]:
    log = io.StringIO()
    telemetry = Telemetry(access_log=log, required_subgraphs=("kependudukan", "pendapatan"))
    async with running_city(world_database, w.HEAD, telemetry=telemetry) as city:
        yield Observed(city, telemetry, log)
