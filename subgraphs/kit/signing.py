"""Subgraphs accept only the gateway: every subgraph request carries the gateway's signature.

    X-SPLP-Signature: v1 kid=<key id>,ts=<unix seconds>,nonce=<hex unique to the sender>,sig=<base64url HMAC>

The HMAC-SHA256 covers the method, the path, the timestamp, the nonce, the SHA-256 of the
body and the principal header (`X-SPLP-Principal`), so neither the operation nor who it is for
can be changed in transit. A subgraph refuses with 401, before executing anything, a request
that is unsigned, signed with an unknown key, signed for another body or path, older (or
newer) than `max_skew` seconds, or a replay of a nonce it has seen in that window.

Keys rotate by id: give subgraphs both keys (`old:…,new:…`), then switch the gateway to the
new one, then drop the old one. Keys come from `SPLP_SIGNING_KEYS` (`kid:secret,...`, the
first one is the one the gateway signs with) or a file named by `SPLP_SIGNING_KEYS_FILE`.

Replays are remembered per process: run one process per subgraph, or require mutual TLS
(`subgraphs.kit.tls`) where several workers share a port.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from subgraphs.kit.principal import HEADER as PRINCIPAL_HEADER

HEADER: Final = "x-splp-signature"
ENV_KEYS: Final = "SPLP_SIGNING_KEYS"
ENV_KEYS_FILE: Final = "SPLP_SIGNING_KEYS_FILE"
DEFAULT_MAX_SKEW: Final = 30.0
MAX_SEEN: Final = 1_000_000  # nonces remembered at most (memory stays bounded under a flood)


class SignatureError(Exception):
    """The request does not carry a valid, fresh gateway signature."""


def parse_keys(text: str) -> dict[str, bytes]:
    """`kid:secret,kid2:secret2` (or one per line) → {kid: secret}, in order."""
    keys: dict[str, bytes] = {}
    for item in text.replace("\n", ",").split(","):
        item = item.strip()
        if not item:
            continue
        kid, sep, secret = item.partition(":")
        if not sep or not kid or len(secret) < 16:
            raise ValueError("signing keys are `kid:secret` pairs with secrets of at least 16 characters")
        keys[kid] = secret.encode()
    return keys


def keys_from_env(environ: Mapping[str, str] = os.environ) -> dict[str, bytes] | None:
    if environ.get(ENV_KEYS_FILE):
        with open(environ[ENV_KEYS_FILE], encoding="utf-8") as f:
            return parse_keys(f.read())
    if environ.get(ENV_KEYS):
        return parse_keys(environ[ENV_KEYS])
    return None


_keyed: dict[bytes, hmac.HMAC] = {}


def _mac(key: bytes, method: str, path: str, ts: str, nonce: str, body: bytes, principal: str) -> str:
    message = "\n".join(
        ("SPLP-v1", method.upper(), path, ts, nonce, hashlib.sha256(body).hexdigest(), principal)
    ).encode()
    # The key's HMAC state is set up once and copied per message: setting it up is a third of
    # the cost of a short message, and the gateway signs every subgraph request.
    keyed = _keyed.get(key)
    if keyed is None:
        if len(_keyed) > 64:
            _keyed.clear()
        keyed = _keyed[key] = hmac.new(key, digestmod=hashlib.sha256)
    mac = keyed.copy()
    mac.update(message)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


class _Nonces:
    """Nonces unique to this process: a random prefix and a counter. A replay check needs them
    unique, not unpredictable (the HMAC covers them); a counter costs no system call, where
    random bytes cost one per request. A forked worker draws a prefix of its own."""

    def __init__(self) -> None:
        self._pid = -1
        self._prefix = ""
        self._count = 0

    def next(self) -> str:
        if self._pid != os.getpid():
            self._pid, self._prefix, self._count = os.getpid(), secrets.token_hex(8), 0
        self._count += 1
        return f"{self._prefix}{self._count:x}"


_nonces = _Nonces()


def sign(
    kid: str, key: bytes, method: str, path: str, body: bytes, principal: str = "", now: float | None = None
) -> str:
    """The X-SPLP-Signature value for one request."""
    ts = str(int(time.time() if now is None else now))
    nonce = _nonces.next()
    return f"v1 kid={kid},ts={ts},nonce={nonce},sig={_mac(key, method, path, ts, nonce, body, principal)}"


class Verifier:
    def __init__(self, keys: Mapping[str, bytes], max_skew: float = DEFAULT_MAX_SKEW) -> None:
        if not keys:
            raise ValueError("a verifier needs at least one key")
        self.keys = dict(keys)
        self.max_skew = max_skew
        self._seen: OrderedDict[str, float] = OrderedDict()

    def verify(self, method: str, path: str, body: bytes, headers: Mapping[str, str]) -> None:
        value = headers.get(HEADER)
        if not value:
            raise SignatureError("the request is not signed by the gateway")
        version, _, rest = value.partition(" ")
        fields = dict(part.partition("=")[::2] for part in rest.split(","))
        if version != "v1" or not all(fields.get(n) for n in ("kid", "ts", "nonce", "sig")):
            raise SignatureError("the signature header is malformed")
        key = self.keys.get(fields["kid"])
        if key is None:
            raise SignatureError("the request is signed with an unknown key")
        try:
            ts = int(fields["ts"])
        except ValueError:
            raise SignatureError("the signature header is malformed") from None
        now = time.time()
        if abs(now - ts) > self.max_skew:
            raise SignatureError("the signature is stale")
        expected = _mac(key, method, path, fields["ts"], fields["nonce"], body, headers.get(PRINCIPAL_HEADER, ""))
        if not hmac.compare_digest(expected, fields["sig"]):
            raise SignatureError("the signature does not match the request")
        self._remember(fields["nonce"], now)

    def _remember(self, nonce: str, now: float) -> None:
        seen = self._seen
        while seen:
            oldest, at = next(iter(seen.items()))
            if now - at <= 2 * self.max_skew and len(seen) < MAX_SEEN:
                break
            del seen[oldest]
        if nonce in seen:
            raise SignatureError("the request is a replay")
        seen[nonce] = now


MAX_BODY: Final = 16 * 1024 * 1024


class RequireGatewaySignature:
    """ASGI middleware: POST /graphql must carry the gateway's signature (401 otherwise),
    checked before the app sees the request; the body read for the check is handed on."""

    def __init__(self, app: ASGIApp, verifier: Verifier, paths: tuple[str, ...] = ("/graphql",)) -> None:
        self.app = app
        self.verifier = verifier
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                await _refuse(send, 413, "the request body is too large")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            self.verifier.verify("POST", scope["path"], body, headers)
        except SignatureError as e:
            await _refuse(send, 401, str(e))
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _refuse(send: Send, status: int, message: str) -> None:
    payload = json.dumps({"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}).encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
    })
    await send({"type": "http.response.body", "body": payload})
