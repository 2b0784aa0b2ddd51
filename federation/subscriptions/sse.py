"""graphql-sse, distinct connections mode
(https://github.com/enisdenjo/graphql-sse/blob/master/PROTOCOL.md): `POST /graphql` with
`Accept: text/event-stream` answers a stream of `next` events and one `complete`.

A request that cannot execute (not JSON, invalid, unknown operation, over a limit) is answered
before the stream, as GraphQL over HTTP would: a 4xx with `{"errors": [...]}`.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from federation.gateway import GraphQLRequest, RequestError
from federation.subscriptions.service import Subscriptions

EVENT_STREAM = "text/event-stream"
MAX_BODY = 1_000_000
KEEP_ALIVE = 12.0


class with_event_stream:  # read as a function; a class so that Starlette's Route sees an ASGI app
    """`endpoint`, except that a POST asking for `text/event-stream` is answered by graphql-sse."""

    def __init__(self, endpoint: ASGIApp, subscriptions: Subscriptions) -> None:
        self.endpoint = endpoint
        self.stream = EventStream(subscriptions)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and wants_event_stream(scope):
            await self.stream(scope, receive, send)
        else:
            await self.endpoint(scope, receive, send)


def wants_event_stream(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"accept":
            return EVENT_STREAM.encode() in value.lower()
    return False


class EventStream:
    def __init__(self, subscriptions: Subscriptions, keep_alive: float = KEEP_ALIVE) -> None:
        self.subscriptions = subscriptions
        self.keep_alive = keep_alive

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > MAX_BODY:
                await _reply(send, 413, {"errors": [{"message": f"The body is larger than {MAX_BODY} bytes."}]})
                return
            if not message.get("more_body", False):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            request = _read(body, headers)
        except ValueError as e:
            await _reply(send, 400, {"errors": [{"message": str(e)}]})
            return
        peer = scope.get("client") or ("?", 0)
        client = await self.subscriptions.client_of(request, str(peer[0]))
        results = self.subscriptions.results(request, client).__aiter__()
        try:
            first = await results.__anext__()
        except StopAsyncIteration:
            first = None
        except RequestError as e:
            await _reply(send, e.status, {"errors": e.errors})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-cache"),
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        disconnected = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            disconnected.set()

        watcher = asyncio.create_task(watch())
        try:
            if first is not None:
                await _event(send, "next", first)
                await self._pump(results, send, disconnected)
            if not disconnected.is_set():
                await send({"type": "http.response.body", "body": b"event: complete\ndata: \n\n", "more_body": True})
                await send({"type": "http.response.body", "body": b""})
        except OSError:
            pass  # the client went away mid-write
        finally:
            watcher.cancel()
            with contextlib.suppress(BaseException):
                await watcher
            with contextlib.suppress(BaseException):
                await results.aclose()  # type: ignore[attr-defined]

    async def _pump(self, results: Any, send: Send, disconnected: asyncio.Event) -> None:
        ended = asyncio.ensure_future(disconnected.wait())
        try:
            while True:
                step = asyncio.ensure_future(results.__anext__())
                while True:
                    done, _ = await asyncio.wait(
                        {step, ended}, timeout=self.keep_alive, return_when=asyncio.FIRST_COMPLETED
                    )
                    if ended in done:
                        step.cancel()
                        with contextlib.suppress(BaseException):
                            await step
                        return
                    if step in done:
                        break
                    await send({"type": "http.response.body", "body": b":\n\n", "more_body": True})
                try:
                    result = step.result()
                except StopAsyncIteration:
                    return
                await _event(send, "next", result)
        finally:
            ended.cancel()


def _read(body: bytes, headers: dict[str, str]) -> GraphQLRequest:
    try:
        params = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ValueError("The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise ValueError("The request body must be a JSON object.")
    query, variables = params.get("query"), params.get("variables")
    name, extensions = params.get("operationName"), params.get("extensions")
    if not isinstance(query, str) or not query.strip():
        raise ValueError("A GraphQL request must have a `query` string.")
    if (
        not isinstance(variables, dict | None)
        or not isinstance(name, str | None)
        or not isinstance(extensions, dict | None)
    ):
        raise ValueError("`variables` and `extensions` must be objects, `operationName` a string.")
    return GraphQLRequest(query=query, operation_name=name, variables=variables, extensions=extensions, headers=headers)


async def _event(send: Send, event: str, data: dict[str, Any]) -> None:
    await send(
        {
            "type": "http.response.body",
            "body": b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n",
            "more_body": True,
        }
    )


async def _reply(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = orjson.dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
