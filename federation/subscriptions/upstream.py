"""The gateway as a graphql-ws client of the subgraph that owns a subscription field."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.typing import Subprotocol

PROTOCOL = "graphql-transport-ws"


class UpstreamError(Exception):
    """The subgraph could not be reached, refused, or ended the stream abnormally."""


def websocket_url(http_url: str) -> str:
    if http_url.startswith("https://"):
        return "wss://" + http_url[len("https://") :]
    if http_url.startswith("http://"):
        return "ws://" + http_url[len("http://") :]
    return http_url


class Upstream:
    """One subscription on one subgraph connection: `events()` yields each `next` payload."""

    def __init__(
        self,
        url: str,
        query: str,
        variables: dict[str, Any],
        headers: dict[str, str],
        timeout: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.url = websocket_url(url)
        # for wss: the same CA and client certificate as the gateway's HTTP requests to the subgraph
        self.ssl_context = ssl_context
        self.query = query
        self.variables = variables
        self.headers = headers
        self.timeout = timeout
        self.connection: ClientConnection | None = None

    async def open(self) -> None:
        # ws:// refuses an `ssl` argument, even None; wss:// without one uses the system's CAs
        tls: dict[str, Any] = {"ssl": self.ssl_context} if self.ssl_context is not None else {}
        try:
            connection: ClientConnection = await asyncio.wait_for(
                connect(
                    self.url,
                    subprotocols=[Subprotocol(PROTOCOL)],
                    additional_headers=self.headers,
                    open_timeout=self.timeout,
                    close_timeout=1.0,
                    max_size=4 * 1024 * 1024,
                    # Between gateway and subgraph (one network, small JSON), deflating every
                    # event costs both sides more CPU than the bytes it saves.
                    compression=None,
                    **tls,
                ),
                self.timeout,
            )
            self.connection = connection
            await connection.send(orjson.dumps({"type": "connection_init", "payload": {}}).decode())
            while True:
                message = orjson.loads(await asyncio.wait_for(connection.recv(), self.timeout))
                if message.get("type") == "connection_ack":
                    break
                if message.get("type") == "ping":
                    await connection.send('{"type":"pong"}')
            payload: dict[str, Any] = {"query": self.query}
            if self.variables:
                payload["variables"] = self.variables
            await connection.send(orjson.dumps({"id": "1", "type": "subscribe", "payload": payload}).decode())
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI, ConnectionClosed, orjson.JSONDecodeError) as e:
            await self.close()
            raise UpstreamError(f"{type(e).__name__}: {e}" if str(e) else type(e).__name__) from None

    async def next_payload(self) -> dict[str, Any] | None:
        """The next event's payload ({data, errors}), None on `complete`; raises UpstreamError.
        Safe to cancel while waiting (a timeout loses no message: `recv` is cancellation-safe)."""
        assert self.connection is not None
        while True:
            try:
                raw = await self.connection.recv()
                message = orjson.loads(raw)
            except ConnectionClosed as e:
                raise UpstreamError(f"the subgraph closed the connection ({e.rcvd.code if e.rcvd else 1006})") from None
            except orjson.JSONDecodeError:
                raise UpstreamError("the subgraph sent a message that is not JSON") from None
            kind = message.get("type") if isinstance(message, dict) else None
            if kind == "next" and isinstance(message.get("payload"), dict):
                payload: dict[str, Any] = message["payload"]
                return payload
            if kind == "error":
                errors = message.get("payload")
                raise SubgraphRefused(errors if isinstance(errors, list) else [{"message": str(errors)}])
            if kind == "complete":
                return None
            if kind == "ping":
                await self.connection.send('{"type":"pong"}')

    async def close(self) -> None:
        if self.connection is not None:
            connection, self.connection = self.connection, None
            with contextlib.suppress(ConnectionClosed):
                await connection.send('{"id":"1","type":"complete"}')
            await connection.close()


class SubgraphRefused(UpstreamError):
    """The subgraph answered the subscription with GraphQL errors (`error` message)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__(errors[0].get("message", "refused") if errors else "refused")
