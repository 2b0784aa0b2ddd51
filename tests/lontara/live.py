"""The live stack: kependudukan, two aduan replicas sharing one database and one NATS, and two
gateways (one routed to each replica), everything on loopback sockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport
from httpx_sse import aconnect_sse
from starlette.applications import Starlette

from federation.gateway import Gateway
from federation.http.app import create_app as create_gateway
from federation.supergraph import Supergraph
from subgraphs.aduan.app import create_app as create_aduan
from subgraphs.kependudukan.app import create_app as create_kependudukan
from subgraphs.kit.principal import Principal, encode_principal
from subgraphs.serve import Servers
from tests.subgraphs.conftest import free_port

SUPERGRAPH = (Path(__file__).resolve().parents[2] / "subgraphs" / "demo" / "supergraph.graphql").read_text()
HEADER = "x-splp-principal"


@dataclass
class Live:
    gateways: list[str]  # http://host:port/graphql of each gateway
    gateway_apps: list[Starlette]
    servers: Servers
    aduan_urls: list[str]
    nats: dict[str, str]
    extra: list[Any] = field(default_factory=list)

    def ws(self, index: int) -> str:
        return self.gateways[index].replace("http://", "ws://")

    def gateway(self, index: int) -> Gateway:
        found: Gateway = self.gateway_apps[index].state.gateway
        return found

    async def post(self, index: int, query: str, as_: Principal, **variables: Any) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=20) as http:
            response = await http.post(self.gateways[index], json={"query": query, "variables": variables},
                                       headers={HEADER: encode_principal(as_), "accept": "application/json"})
        body: dict[str, Any] = response.json()
        return body


async def start_live(kependudukan_url: str, aduan_url: str, nats_url: str, nats: dict[str, str]) -> Live:
    servers = Servers()
    port = free_port()
    await servers.start_asgi(create_kependudukan(kependudukan_url), "127.0.0.1", port)
    kependudukan = f"http://127.0.0.1:{port}/graphql"
    aduan_urls = []
    for _ in range(2):
        port = free_port()
        await servers.start_asgi(create_aduan(aduan_url, nats_url=nats_url, escalation_interval=0, **nats),
                                 "127.0.0.1", port)
        aduan_urls.append(f"http://127.0.0.1:{port}/graphql")
    gateways, apps = [], []
    for replica in aduan_urls:
        gateway = Gateway(Supergraph.from_sdl(SUPERGRAPH), propagate_headers=[HEADER],
                          subgraph_urls={"kependudukan": kependudukan, "aduan": replica})
        app = create_gateway(SUPERGRAPH, gateway=gateway)
        port = free_port()
        await servers.start_asgi(app, "127.0.0.1", port)
        gateways.append(f"http://127.0.0.1:{port}/graphql")
        apps.append(app)
    return Live(gateways, apps, servers, aduan_urls, nats)


async def graphql_ws(url: str, query: str, as_: Principal, received: list[dict[str, Any]],
                     ready: asyncio.Event, **variables: Any) -> None:
    """Subscribe with gql's graphql-transport-ws client, appending each result until cancelled."""
    transport = WebsocketsTransport(url=url, headers={HEADER: encode_principal(as_)},
                                    subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL])
    async with Client(transport=transport, fetch_schema_from_transport=False) as session:
        document = gql(query)
        document.variable_values = variables or None
        stream = session.subscribe(document, get_execution_result=True)
        ready.set()
        async for result in stream:
            received.append({"data": result.data, **({"errors": result.errors} if result.errors else {})})


async def sse(url: str, query: str, as_: Principal, received: list[dict[str, Any]], ready: asyncio.Event,
              **variables: Any) -> None:
    """Subscribe over graphql-sse (distinct connections) with httpx-sse, until `complete`."""
    async with httpx.AsyncClient(timeout=None) as http, aconnect_sse(
        http, "POST", url, json={"query": query, "variables": variables},
        headers={HEADER: encode_principal(as_)},
    ) as source:
        ready.set()
        async for event in source.aiter_sse():
            if event.event == "complete":
                return
            if event.event == "next":
                received.append(json.loads(event.data))


async def wait_for(received: list[Any], count: int, timeout: float = 10.0) -> None:
    async def until() -> None:
        while len(received) < count:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(until(), timeout)


async def running(task_list: list[asyncio.Task[None]]) -> AsyncIterator[None]:
    try:
        yield
    finally:
        for task in task_list:
            task.cancel()
