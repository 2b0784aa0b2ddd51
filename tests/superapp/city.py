"""The city on loopback for browser tests and the page's benchmark: stand-ins, the six OPDs (each
its own server, so one can be stopped) and a gateway with the demo login, as `splp demo` runs it."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from federation.gateway import Gateway
from federation.http.app import create_app as create_gateway
from federation.security.demo import DemoSecurity, demo_routes
from federation.security.signing import RequestSigner
from federation.supergraph import Supergraph
from federation.telemetry import Telemetry
from federation.trail.store import TrailWriter
from subgraphs.aduan.app import create_app as aduan_app
from subgraphs.aduan.foto import DiskStore, Uploads
from subgraphs.kit.signing import ENV_KEYS
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
    security: DemoSecurity | None = None

    async def stop_opd(self, name: str) -> None:
        await self.opd_servers[name].stop()


def _aduan_app(database_url: str, folder: Path, public_url: str, nats_url: str, tag: str) -> Any:
    """Lontara Plus as the demo runs it: photos stored in `folder`, their URLs through the gateway
    (`public_url`, SPLP_ADUAN_PUBLIC_URL), live events on NATS in a stream of this city's own."""
    uploads = Uploads(secrets.token_bytes(32), DiskStore(folder / "foto"), public_url)
    return aduan_app(database_url, nats_url=nats_url, nats_prefix=f"test.{tag}.aduan",
                     nats_stream=f"TEST_ADUAN_{tag.upper()}", uploads=uploads)


@asynccontextmanager
async def running_city(
    database_url: str, nik: str, telemetry: Telemetry | None = None, nats_url: str = ""
) -> AsyncIterator[City]:
    """`nik`: the demo's citizen (the one the "warga" role logs in as); `nats_url`: live complaint
    status (subscriptions) on that NATS, none without it."""
    servers = Servers()
    city = City("")
    saved_keys = os.environ.get(ENV_KEYS)
    folder = tempfile.mkdtemp(prefix="splp-city-")
    tag = secrets.token_hex(4)
    gateway_port = free_port()
    city.gateway_url = f"http://127.0.0.1:{gateway_port}"
    try:
        # As the demo runs: tokens per role, signed subgraph requests (the OPD apps made below
        # read the keys from the environment, restored afterwards), the access trail.
        city.security = security = DemoSecurity(Path(folder))
        api = {}
        for standin, (_, create) in STANDINS.items():
            port = free_port()
            await servers.start_aiohttp(create(database_url), "127.0.0.1", port)
            api[standin] = f"http://127.0.0.1:{port}"
        urls = {}
        for opd_name, opd in OPDS.items():
            if opd_name == "aduan":
                app = _aduan_app(database_url, Path(folder), city.gateway_url + "/aduan", nats_url, tag)
            else:
                app = opd.create_app(Sources(database_url=database_url, bpjs_url=api["bpjs"],
                                             perizinan_api_url=api["perizinan"]))
            port = free_port()
            city.opd_apps[opd_name] = app
            city.opd_servers[opd_name] = Servers()
            await city.opd_servers[opd_name].start_asgi(app, "127.0.0.1", port)
            urls[opd_name] = f"http://127.0.0.1:{port}/graphql"
        gateway = Gateway(
            Supergraph.from_sdl(SUPERGRAPH.read_text()), subgraph_urls=urls, subgraph_timeout=5.0,
            authenticator=security.identity.authenticator(), signer=RequestSigner.from_keys(security.signing_keys),
            trail=TrailWriter(security.trail_url, key=security.trail_key, writer="test-gateway"),
            require_purpose=True, mask_errors=True, introspection=True,
        )
        app = create_gateway(gateway.supergraph, gateway=gateway, telemetry=telemetry)
        app.router.routes[:0] = demo_routes(security.identity, nik)
        await servers.start_asgi(app, "127.0.0.1", gateway_port)
        yield city
    finally:
        for opd_servers in city.opd_servers.values():
            await opd_servers.stop()
        await servers.stop()
        if saved_keys is None:
            os.environ.pop(ENV_KEYS, None)
        else:
            os.environ[ENV_KEYS] = saved_keys
        shutil.rmtree(folder, ignore_errors=True)
        if nats_url:
            await _delete_stream(nats_url, f"TEST_ADUAN_{tag.upper()}")


async def _delete_stream(nats_url: str, stream: str) -> None:
    import nats

    connection = await nats.connect(nats_url)
    try:
        with contextlib.suppress(Exception):  # never made: nothing to delete
            await connection.jetstream().delete_stream(stream)
    finally:
        await connection.close()


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
