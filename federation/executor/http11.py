"""A small HTTP/1.1 client for subgraph requests: keep-alive connections, POST only.

A general client (aiohttp) spends most of a subgraph round trip on generality the gateway
never uses: cookies, redirects, multipart, per-request header objects. Here a request is
one precomputed head plus the body, written to an idle keep-alive connection, and the
response is parsed by httptools (the parser uvicorn uses) into a status and a body.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import zlib
from collections import deque
from urllib.parse import urlsplit

import httptools


class HTTPError(Exception):
    """The request did not get a complete response (connection refused or lost, bad response)."""

    # True when the request surely never reached the subgraph's application (refused
    # connection, connect timeout, or a stale keep-alive connection closed before any
    # response): sending it again cannot do anything twice.
    unsent: bool = False


class ResponseTooLarge(HTTPError):
    """The response body (after decompression) is over the pool's cap; it was not read further."""


class ConnectError(HTTPError):
    unsent = True


DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024


_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _tls_refusal(error: ssl.SSLError) -> str:
    """What a failed TLS handshake means, for the GraphQL error (and the operator reading it)."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"the subgraph's TLS certificate is not trusted ({error.verify_message})"
    return f"the TLS handshake failed ({error.reason or error})"


class _Connection(asyncio.Protocol):
    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.chunks: list[bytes] = []
        self.headers_done = False
        self.closed = False
        self.received_any = False
        self.answered = False  # a whole response came on this connection
        self.size = 0
        self.decoder: zlib._Decompress | None = None
        self._header_name = b""

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.received_any = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as e:
            self._fail(HTTPError(f"malformed HTTP response: {e}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.pool.forget(self)
        waiter = self.waiter
        if waiter is not None and not waiter.done() and self.headers_done and exc is None:
            # A response without Content-Length or chunks ends with its connection.
            self.waiter = None
            waiter.set_result((self.parser.get_status_code(), b"".join(self.chunks)))
            return
        detail = f": {exc}" if exc else ""
        if self.pool.ssl is not None and not self.answered and not self.received_any:
            # With TLS 1.3 a subgraph checks the client certificate after the handshake looks
            # complete here: its refusal is this close (the alert itself is seldom read).
            self._fail(HTTPError(
                "the subgraph closed the TLS connection before answering; a subgraph requiring mutual TLS "
                "does so when the gateway presents no client certificate or one it does not accept" + detail
            ))
            return
        self._fail(HTTPError("the connection was closed before a complete response" + detail))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"content-encoding":
            encoding = value.strip().lower()
            if encoding in (b"gzip", b"x-gzip"):
                self.decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            elif encoding == b"deflate":
                self.decoder = zlib.decompressobj()
            elif encoding not in (b"", b"identity"):
                self._fail(HTTPError(f"unsupported Content-Encoding {encoding.decode('latin-1')!r}"))
                self.close()

    def on_headers_complete(self) -> None:
        self.headers_done = True

    def on_body(self, body: bytes) -> None:
        if self.waiter is None:
            return  # the request failed (too large): the rest is not read
        if self.decoder is not None:
            # decompressed in bounded steps, so a small "zip bomb" cannot inflate past the cap
            try:
                body = self.decoder.decompress(body, self.pool.max_response_bytes - self.size + 1)
            except zlib.error as e:
                self._fail(HTTPError(f"the compressed response does not decompress: {e}"))
                self.close()
                return
            if self.decoder.unconsumed_tail:
                self.size = self.pool.max_response_bytes + 1
        self.size += len(body)
        if self.size > self.pool.max_response_bytes:
            self._fail(ResponseTooLarge(f"the response is larger than {self.pool.max_response_bytes} bytes"))
            self.close()
            return
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        status = self.parser.get_status_code()
        if self.decoder is not None:
            self.chunks.append(self.decoder.flush())
            self.decoder = None
        body = b"".join(self.chunks)
        self.chunks = []
        self.size = 0
        self.headers_done = False
        keep_alive = self.parser.should_keep_alive()
        self.answered = True
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((status, body))
        if keep_alive and not self.closed:
            self.pool.release(self)
        else:
            self.close()

    def _fail(self, error: Exception) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    def send(self, data: bytes) -> asyncio.Future[tuple[int, bytes]]:
        assert self.transport is not None and self.waiter is None
        self.waiter = asyncio.get_running_loop().create_future()
        self.received_any = False
        self.size = 0
        self.transport.write(data)
        return self.waiter

    def close(self) -> None:
        self.closed = True
        self.pool.forget(self)
        if self.transport is not None:
            self.transport.close()


class Pool:
    """Keep-alive connections to one origin, at most `limit` open at once."""

    def __init__(
        self,
        url: str,
        limit: int = 100,
        *,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        connect_timeout: float = 5.0,
        compression: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """`ssl_context` (CA and client certificate, federation.executor.tls) is used for an
        https URL; without one, the system's CAs verify the subgraph."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = (ssl_context or ssl.create_default_context()) if parts.scheme == "https" else None
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        host_header = parts.netloc.rsplit("@", 1)[-1]
        self.head = (
            f"POST {target} HTTP/1.1\r\nHost: {host_header}\r\nContent-Type: application/json\r\n"
            "Accept: application/graphql-response+json, application/json\r\n"
            + ("Accept-Encoding: gzip, deflate\r\n" if compression else "")
        ).encode("latin-1")
        self.max_response_bytes = max_response_bytes
        self.connect_timeout = connect_timeout
        self.idle: deque[_Connection] = deque()
        self.slots = asyncio.Semaphore(limit)
        self.open: set[_Connection] = set()

    def release(self, connection: _Connection) -> None:
        self.idle.append(connection)

    def forget(self, connection: _Connection) -> None:
        self.open.discard(connection)
        with contextlib.suppress(ValueError):
            self.idle.remove(connection)

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            _, protocol = await asyncio.wait_for(
                loop.create_connection(lambda: _Connection(self), self.host, self.port, ssl=self.ssl),
                self.connect_timeout,
            )
        except TimeoutError:
            raise ConnectError(
                f"cannot connect to {self.host}:{self.port}: no answer within {self.connect_timeout:g} s"
            ) from None
        except ssl.SSLError as e:
            raise ConnectError(f"cannot connect to {self.host}:{self.port}: {_tls_refusal(e)}") from None
        except OSError as e:
            raise ConnectError(f"cannot connect to {self.host}:{self.port}: {e.strerror or e}") from None
        self.open.add(protocol)
        return protocol

    def _request_bytes(self, body: bytes, headers: dict[str, str] | None) -> bytes:
        extra = b""
        if headers:
            for name, value in headers.items():
                # a header value passed on from a client must not smuggle a header or a request
                if not _TOKEN.issuperset(name) or "\r" in value or "\n" in value or "\0" in value:
                    raise HTTPError(f"refusing to send the header {name!r}: invalid name or value")
            try:
                extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode("latin-1")
            except UnicodeEncodeError:
                raise HTTPError("refusing to send a header value that is not Latin-1") from None
        return b"%s%sContent-Length: %d\r\n\r\n%s" % (self.head, extra, len(body), body)

    async def post(self, body: bytes, headers: dict[str, str] | None = None, retry: bool = True) -> tuple[int, bytes]:
        """POST `body`; the status and the response body. Raises `HTTPError`.

        A reused connection the server has meanwhile closed fails before any response byte
        arrives: with `retry`, the request goes again on a new connection.
        """
        data = self._request_bytes(body, headers)
        async with self.slots:
            while self.idle:
                connection = self.idle.pop()
                if connection.closed:
                    continue
                try:
                    return await self._exchange(connection, data)
                except HTTPError:
                    if not retry or connection.received_any:
                        raise
                    # stale keep-alive connection: try a fresh one
                    break
            connection = await self._connect()
            return await self._exchange(connection, data)

    async def _exchange(self, connection: _Connection, data: bytes) -> tuple[int, bytes]:
        try:
            return await connection.send(data)
        except asyncio.CancelledError:
            # A timeout or a cancelled request leaves the connection mid-response.
            connection.close()
            raise

    def close(self) -> None:
        for connection in list(self.open):
            connection.close()
        self.idle.clear()
