"""Complaint photos through the gateway: the page (and any browser) reaches only the gateway, so
`/aduan/unggah/<token>` and `/aduan/foto/<name>` are passed on to the aduan subgraph's own routes
(subgraphs.aduan.foto: one-use signed upload URLs, checked images of at most 5 MB).

Set `SPLP_ADUAN_PUBLIC_URL` on the aduan subgraph to `<the gateway's public address>/aduan`, so the
upload URLs and photo addresses it hands out are these. Nothing is stored here: the token the
subgraph signed is what allows an upload, and the subgraph checks it.
"""

from __future__ import annotations

import re
from typing import Final

import aiohttp
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from federation.gateway import Gateway

SUBGRAPH: Final = "aduan"
MAX_BYTES: Final = 5 * 1024 * 1024  # the subgraph's limit: more is refused here without being read
_TOKEN: Final = re.compile(r"[A-Za-z0-9_=-]{1,1000}")
_NAME: Final = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp)")
_TIMEOUT: Final = aiohttp.ClientTimeout(total=60, connect=5)


def _base(gateway: Gateway) -> str | None:
    url = gateway.current.client.urls.get(SUBGRAPH)
    if url is None:
        return None
    return url[: -len("/graphql")] if url.endswith("/graphql") else url.rstrip("/")


def _unavailable() -> Response:
    return JSONResponse({"error": "Lontara Plus (aduan) is not served by this gateway"}, 404)


def photo_routes(gateway: Gateway) -> list[BaseRoute]:
    async def upload(request: Request) -> Response:
        token = request.path_params["token"]
        base = _base(gateway)
        if base is None:
            return _unavailable()
        if not _TOKEN.fullmatch(token):
            return JSONResponse({"error": "not an upload token"}, 403)
        declared = request.headers.get("content-length", "")
        too_big = JSONResponse({"error": f"a photo is at most {MAX_BYTES // 1024 // 1024} MB"}, 413)
        if declared.isdigit() and int(declared) > MAX_BYTES:
            return too_big
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BYTES:
                return too_big
        headers = {"content-type": request.headers.get("content-type", "application/octet-stream")}
        try:
            async with aiohttp.ClientSession(timeout=_TIMEOUT) as session, session.put(
                f"{base}/unggah/{token}", data=bytes(body), headers=headers
            ) as answer:
                return Response(await answer.read(), answer.status, media_type="application/json")
        except (aiohttp.ClientError, TimeoutError):
            return JSONResponse({"error": "Lontara Plus (aduan) is unavailable; try again later"}, 502)

    async def photo(request: Request) -> Response:
        name = request.path_params["name"]
        base = _base(gateway)
        if base is None:
            return _unavailable()
        if not _NAME.fullmatch(name):
            return JSONResponse({"error": "no such photo"}, 404)
        try:
            async with aiohttp.ClientSession(timeout=_TIMEOUT) as session, session.get(f"{base}/foto/{name}") as answer:
                content = await answer.read()
                media = answer.headers.get("content-type", "application/octet-stream")
                return Response(content, answer.status, media_type=media,
                                headers={"x-content-type-options": "nosniff", "cache-control": "private, max-age=3600"})
        except (aiohttp.ClientError, TimeoutError):
            return JSONResponse({"error": "Lontara Plus (aduan) is unavailable; try again later"}, 502)

    return [
        Route("/aduan/unggah/{token}", upload, methods=["PUT", "POST"]),
        Route("/aduan/foto/{name}", photo, methods=["GET"]),
    ]
