"""The graphql-ws protocol (`graphql-transport-ws`,
https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md) on the gateway's /graphql.

Close codes as the protocol sets them: 4400 a malformed message, 4401 subscribe before the
connection was acknowledged, 4403 a connection_init whose credentials do not verify, 4406 a
subprotocol other than graphql-transport-ws, 4408 no connection_init in time, 4409 a
subscription id already in use, 4429 a second connection_init.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from federation.gateway import GraphQLRequest, RequestError
from federation.subscriptions.service import LimitExceeded, Subscriptions

log = logging.getLogger("splp.subscriptions")
PROTOCOL = "graphql-transport-ws"
MAX_MESSAGE = 1_000_000


class GraphQLWebSocket:
    def __init__(self, subscriptions: Subscriptions, init_timeout: float = 10.0) -> None:
        self.subscriptions = subscriptions
        self.init_timeout = init_timeout

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        websocket = WebSocket(scope, receive, send)
        offered = scope.get("subprotocols") or []
        if PROTOCOL not in offered:
            await websocket.accept()
            await websocket.close(4406, "Subprotocol not acceptable")
            return
        await websocket.accept(subprotocol=PROTOCOL)
        await Connection(self, websocket).run()


class Connection:
    def __init__(self, server: GraphQLWebSocket, websocket: WebSocket) -> None:
        self.server = server
        self.websocket = websocket
        self.headers = {k.lower(): v for k, v in websocket.headers.items()}
        self.acknowledged = False
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.peer = websocket.client.host if websocket.client else "?"
        self.closed = False

    async def send(self, message: dict[str, Any]) -> None:
        if not self.closed:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await self.websocket.send_text(orjson.dumps(message).decode())

    async def close(self, code: int, reason: str) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await self.websocket.close(code, reason)

    async def run(self) -> None:
        try:
            try:
                first = await asyncio.wait_for(self.websocket.receive_text(), self.server.init_timeout)
            except TimeoutError:
                await self.close(4408, "Connection initialisation timeout")
                return
            await self.handle(first)
            while not self.closed:
                await self.handle(await self.websocket.receive_text())
        except KeyError:  # a binary frame: the protocol speaks text only
            await self.close(4400, "Invalid message")
        except (WebSocketDisconnect, RuntimeError):
            pass  # the client went away
        finally:
            self.closed = True
            for task in list(self.tasks.values()):
                task.cancel()
            for task in list(self.tasks.values()):
                with contextlib.suppress(BaseException):
                    await task

    async def handle(self, raw: str) -> None:
        message = None
        if len(raw) <= MAX_MESSAGE:
            with contextlib.suppress(orjson.JSONDecodeError):
                message = orjson.loads(raw)
        kind = message.get("type") if isinstance(message, dict) else None
        if not isinstance(message, dict) or not isinstance(kind, str):
            await self.close(4400, "Invalid message")
            return
        if kind == "connection_init":
            await self.initialise(message.get("payload"))
        elif kind == "ping":
            await self.send({"type": "pong", **({"payload": message["payload"]} if "payload" in message else {})})
        elif kind == "pong":
            return
        elif kind == "subscribe":
            await self.subscribe(message)
        elif kind == "complete":
            task = self.tasks.pop(str(message.get("id")), None)
            if task is not None:
                task.cancel()
        else:
            await self.close(4400, f"Invalid message type {kind[:40]!r}")

    async def initialise(self, payload: object) -> None:
        if self.acknowledged:
            await self.close(4429, "Too many initialisation requests")
            return
        # Browsers cannot set headers on a WebSocket: clients send them in the init payload.
        if isinstance(payload, dict):
            for name, value in payload.items():
                if isinstance(name, str) and isinstance(value, str) and len(name) < 100:
                    self.headers.setdefault(name.lower(), value)
        try:
            await self.server.subscriptions.gateway.authenticate(GraphQLRequest(query="", headers=self.headers))
        except RequestError:
            await self.close(4403, "Forbidden")
            return
        self.acknowledged = True
        await self.send({"type": "connection_ack"})

    async def subscribe(self, message: dict[str, Any]) -> None:
        if not self.acknowledged:
            await self.close(4401, "Unauthorized")
            return
        sub_id, payload = message.get("id"), message.get("payload")
        if not isinstance(sub_id, str) or not sub_id or len(sub_id) > 200 or not isinstance(payload, dict):
            await self.close(4400, "Invalid subscribe message")
            return
        if sub_id in self.tasks:
            await self.close(4409, f"Subscriber for {sub_id} already exists")
            return
        query, variables = payload.get("query"), payload.get("variables")
        name, extensions = payload.get("operationName"), payload.get("extensions")
        if (
            not isinstance(query, str)
            or not isinstance(variables, dict | None)
            or not isinstance(name, str | None)
            or not isinstance(extensions, dict | None)
        ):
            await self.close(4400, "Invalid subscribe payload")
            return
        request = GraphQLRequest(
            query=query, operation_name=name, variables=variables, extensions=extensions, headers=dict(self.headers)
        )
        limit = self.server.subscriptions.limits.per_connection
        if len(self.tasks) >= limit:
            await self.send(
                {
                    "id": sub_id,
                    "type": "error",
                    "payload": LimitExceeded(f"Too many subscriptions on this connection (limit {limit}).").errors,
                }
            )
            return
        self.tasks[sub_id] = asyncio.create_task(self.operate(sub_id, request))

    async def operate(self, sub_id: str, request: GraphQLRequest) -> None:
        client = await self.server.subscriptions.client_of(request, self.peer)
        try:
            async for result in self.server.subscriptions.results(request, client):
                if self.tasks.get(sub_id) is not asyncio.current_task():
                    return
                await self.send({"id": sub_id, "type": "next", "payload": result})
            await self.send({"id": sub_id, "type": "complete"})
        except RequestError as e:
            await self.send({"id": sub_id, "type": "error", "payload": e.errors})
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("subscription %s failed", sub_id)
            await self.send({"id": sub_id, "type": "error", "payload": [{"message": "Internal server error"}]})
        finally:
            if self.tasks.get(sub_id) is asyncio.current_task():
                del self.tasks[sub_id]
