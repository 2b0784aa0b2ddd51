"""The city on loopback for browser tests and the page's benchmark: stand-ins, the six OPDs (each
its own server, so one can be stopped) and a gateway with the demo login, as `splp demo` runs it."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from federation.http.app import create_app as create_gateway
from federation.security.jwt import JwtAuthenticator
from federation.superapp import DemoLogin, DemoPerson, demo_people
from federation.telemetry import Telemetry
from subgraphs.kit.principal import HEADER
from subgraphs.opds import OPDS, STANDINS, Sources
from subgraphs.serve import Servers
from tests.subgraphs.conftest import free_port

SUPERGRAPH = Path(__file__).resolve().parents[2] / "subgraphs" / "demo" / "supergraph.graphql"
CHROMIUM = "/usr/bin/chromium"
# Flags a closed network needs: no background calls home, no QUIC, no component updates.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class City:
    gateway_url: str
    opd_servers: dict[str, Servers] = field(default_factory=dict)
    opd_apps: dict[str, Any] = field(default_factory=dict)
    demo_people: dict[str, DemoPerson] = field(default_factory=dict)

    async def stop_opd(self, name: str) -> None:
        await self.opd_servers[name].stop()


@asynccontextmanager
async def running_city(
    database_url: str, nik: str, name: str, telemetry: Telemetry | None = None, **gateway_options: Any
) -> AsyncIterator[City]:
    servers = Servers()
    city = City("")
    try:
        api = {}
        for standin, (_, create) in STANDINS.items():
            port = free_port()
            await servers.start_aiohttp(create(database_url), "127.0.0.1", port)
            api[standin] = f"http://127.0.0.1:{port}"
        urls = {}
        for opd_name, opd in OPDS.items():
            app = opd.create_app(Sources(database_url=database_url, bpjs_url=api["bpjs"],
                                         perizinan_api_url=api["perizinan"]))
            port = free_port()
            city.opd_apps[opd_name] = app
            city.opd_servers[opd_name] = Servers()
            await city.opd_servers[opd_name].start_asgi(app, "127.0.0.1", port)
            urls[opd_name] = f"http://127.0.0.1:{port}/graphql"
        login = DemoLogin(secrets.token_urlsafe(32), demo_people(nik, name))
        city.demo_people = login.people
        gateway = create_gateway(SUPERGRAPH.read_text(), subgraph_urls=urls, subgraph_timeout=5.0,
                                 telemetry=telemetry, **gateway_options)
        gateway.state.gateway.authenticator = JwtAuthenticator(secret=login.secret)
        if HEADER not in gateway.state.gateway.propagate_headers:  # see test_app_page.log_in
            gateway.state.gateway.propagate_headers = (*gateway.state.gateway.propagate_headers, HEADER)
        gateway.state.demo_login = login
        port = free_port()
        await servers.start_asgi(gateway, "127.0.0.1", port)
        city.gateway_url = f"http://127.0.0.1:{port}"
        yield city
    finally:
        for opd_servers in city.opd_servers.values():
            await opd_servers.stop()
        await servers.stop()


def chromium_missing() -> str | None:
    """Why a browser test cannot run here, or None."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"Chromium is not installed ({CHROMIUM}; `make test` installs Debian's chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed (`make install` installs it)"
    return None


def in_ci() -> bool:
    return os.environ.get("CI") == "true"
