"""The HTTP/1.1 server protocol of the gateway: uvicorn's, with the limits slow clients need.

uvicorn times out an idle keep-alive connection, but not one that sends half a header and
waits: 3,000 such connections stayed open for minutes. Here every connection must send a
complete request head within `header_timeout` (from its start, or from the end of its
previous response) and its body within `body_timeout` (from the end of its head); a head
larger than `max_header_bytes` is refused (431); past `max_connections` a new connection is
answered 503 at once and closed; a keep-alive connection serves at most
`max_requests_per_connection` requests. A timed-out request gets a 408 when nothing of its
response was sent yet, and its connection is closed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


@dataclass(frozen=True)
class ServerLimits:
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keep_alive_timeout: float = 5.0  # idle between requests (uvicorn's timeout_keep_alive)
    max_header_bytes: int = 32 * 1024
    max_connections: int = 4096  # per worker process
    max_requests_per_connection: int = 10_000


def _status(code: int, reason: str, message: str) -> bytes:
    body = b'{"errors":[{"message":"%s","extensions":{"code":"%s"}}]}' % (
        message.encode(),
        reason.upper().replace(" ", "_").encode(),
    )
    return b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n%s" % (
        code,
        reason.encode(),
        len(body),
        body,
    )


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with header/body deadlines and connection limits.

    The limits are a class attribute: uvicorn makes the protocol itself (also in each
    worker process), so the gateway sets them before serving (see `configure`)."""

    limits: ClassVar[ServerLimits] = ServerLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._in_head = True
        self._served = 0

    @classmethod
    def configure(cls, limits: ServerLimits) -> None:
        cls.limits = limits

    # deadlines ---------------------------------------------------------------------------

    def _arm(self, seconds: float, status: bytes) -> None:
        self._disarm()
        if seconds > 0:
            self._deadline = self.loop.call_later(seconds, self._expire, status)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self, status: bytes) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if self._in_head:
            # a half-sent head gets its 408; an idle keep-alive connection is just closed, as a
            # client may be about to reuse it and would read the 408 as its next answer
            if self._head_bytes:
                self.transport.write(status)
        elif cycle is not None and not cycle.response_started:
            self.transport.write(status)
        self.transport.close()

    # protocol ----------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            transport.write(_status(503, "Service Unavailable", "Too many connections to this gateway; retry later."))
            transport.close()
            return
        self._arm(self.limits.header_timeout, _status(408, "Request Timeout", "The request head came too slowly."))

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        in_head = self._in_head
        super().data_received(data)
        if in_head and self._in_head and not self.transport.is_closing():
            # still no complete head: count what it has taken so far
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_header_bytes:
                self._disarm()
                self.transport.write(_status(431, "Request Header Fields Too Large", "The request head is too large."))
                self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True

    def on_headers_complete(self) -> None:
        self._in_head = False
        if sum(len(k) + len(v) + 4 for k, v in self.headers) + len(self.url) > self.limits.max_header_bytes:
            self._disarm()
            self.transport.write(_status(431, "Request Header Fields Too Large", "The request head is too large."))
            self.transport.close()
            return
        self._served += 1
        self._arm(self.limits.body_timeout, _status(408, "Request Timeout", "The request body came too slowly."))
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.transport.is_closing():
            return
        if self._served >= self.limits.max_requests_per_connection:
            self.transport.close()
            return
        # the next request's head, if any, must come within the header timeout
        self._head_bytes = 0
        self._in_head = True
        self._arm(
            max(self.limits.header_timeout, self.limits.keep_alive_timeout),
            _status(408, "Request Timeout", "The request head came too slowly."),
        )
