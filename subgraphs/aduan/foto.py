"""Photo uploads by signed URL: the app asks `mintaUnggahFoto` (the complainant or the assigned
officer), gets a one-use URL valid 15 minutes, PUTs the image there, and passes the returned
address in `foto:` of `ajukanAduan`, `tanganiAduan` or `selesaikanAduan`.

The upload is checked before it is kept: at most 5 MB (refused while reading, never buffered
beyond it) and a JPEG, PNG or WebP by its first bytes, whatever the client claims. Images are
stored under a random name, on disk (`SPLP_FOTO_DIR`) or in an S3-compatible bucket
(`SPLP_FOTO_S3_BUCKET`, see `subgraphs.aduan.s3`), and served at `/foto/<name>` either way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
import time
from pathlib import Path
from typing import Final, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from subgraphs.aduan.s3 import S3Error, S3Store, store_from_env

log = logging.getLogger("splp.aduan.foto")
MAX_BYTES: Final = 5 * 1024 * 1024
VALID_FOR: Final = 15 * 60
KINDS: Final = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}
_STORED: Final = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp)")


def kind_of(head: bytes) -> tuple[str, str] | None:
    for magic, kind in KINDS.items():
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


class Store(Protocol):
    """Where photos are kept; `get` is only ever asked for names `put` was given (checked by
    `stored_name` first), and answers None when there is no such photo."""

    async def put(self, name: str, data: bytes, media_type: str) -> None: ...

    async def get(self, name: str) -> bytes | None: ...


def stored_name(name: str) -> bool:
    return _STORED.fullmatch(name) is not None  # only names a store was given: no paths, no dot files


class DiskStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def put(self, name: str, data: bytes, media_type: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f".{name}.part"
        partial.write_bytes(data)
        partial.replace(self.folder / name)  # whole or not at all

    async def get(self, name: str) -> bytes | None:
        found = self.folder / name
        return found.read_bytes() if stored_name(name) and found.is_file() else None


class Uploads:
    def __init__(self, secret: bytes, store: Store, public_url: str) -> None:
        self.secret = secret
        self.store = store
        self.public_url = public_url.rstrip("/")
        self.used: dict[str, float] = {}

    def sign(self, nomor: str, oleh: str, now: float | None = None) -> tuple[str, int]:
        """A one-use upload token for a complaint; and when it expires (unix seconds)."""
        expires = int((now or time.time()) + VALID_FOR)
        body = f"{nomor}|{oleh}|{expires}|{secrets.token_hex(8)}"
        mac = hmac.new(self.secret, body.encode(), hashlib.sha256).digest()
        token = base64.urlsafe_b64encode(body.encode() + b"|" + base64.urlsafe_b64encode(mac)).decode()
        return token, expires

    def check(self, token: str) -> tuple[str, str]:
        try:
            raw = base64.urlsafe_b64decode(token.encode()).decode()
            body, mac = raw.rsplit("|", 1)
            nomor, oleh, expires, _ = body.split("|")
        except (ValueError, UnicodeDecodeError):
            raise PermissionError("not an upload token") from None
        expected = base64.urlsafe_b64encode(hmac.new(self.secret, body.encode(), hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(expected, mac):
            raise PermissionError("not an upload token")
        if time.time() > int(expires):
            raise PermissionError("the upload token expired")
        if token in self.used:
            raise PermissionError("the upload token was used")
        now = time.time()
        self.used = {t: e for t, e in self.used.items() if e > now}
        self.used[token] = float(expires)
        return nomor, oleh

    def routes(self) -> list[Route]:
        return [Route("/unggah/{token}", self.upload, methods=["PUT", "POST"]),
                Route("/foto/{name}", self.serve, methods=["GET"])]

    async def upload(self, request: Request) -> Response:
        try:
            self.check(request.path_params["token"])
        except PermissionError as error:
            return JSONResponse({"error": str(error)}, 403)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BYTES:
            return JSONResponse({"error": f"a photo is at most {MAX_BYTES // 1024 // 1024} MB"}, 413)
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > MAX_BYTES:
                return JSONResponse({"error": f"a photo is at most {MAX_BYTES // 1024 // 1024} MB"}, 413)
        kind = kind_of(bytes(data[:16]))
        if kind is None:
            return JSONResponse({"error": "a photo is a JPEG, PNG or WebP image"}, 415)
        name = f"{secrets.token_hex(16)}.{kind[1]}"
        try:
            await self.store.put(name, bytes(data), kind[0])
        except S3Error as error:
            log.warning("photo not stored: %s", error)
            return JSONResponse({"error": "the photo store is unavailable, try again"}, 503)
        base = self.public_url or str(request.base_url).rstrip("/")
        return JSONResponse({"url": f"{base}/foto/{name}"}, 201)

    async def serve(self, request: Request) -> Response:
        name = request.path_params["name"]
        if isinstance(self.store, S3Store) and self.store.redirect and stored_name(name):
            return RedirectResponse(self.store.presigned_get(name), 307)
        try:
            found = await self.store.get(name) if stored_name(name) else None
        except S3Error as error:
            log.warning("photo not read: %s", error)
            return JSONResponse({"error": "the photo store is unavailable, try again"}, 503)
        if found is None:
            return JSONResponse({"error": "no such photo"}, 404)
        media = kind_of(found[:16])  # the type from the bytes, as checked at upload
        return Response(found, media_type=media[0] if media else "application/octet-stream",
                        headers={"x-content-type-options": "nosniff", "cache-control": "private, max-age=3600"})


def from_env(public_url: str) -> Uploads:
    store: Store = store_from_env() or DiskStore(Path(os.environ.get("SPLP_FOTO_DIR", "var/foto")))
    secret = os.environ.get("SPLP_FOTO_SECRET", "").encode() or secrets.token_bytes(32)
    return Uploads(secret, store, os.environ.get("SPLP_ADUAN_PUBLIC_URL", public_url))
