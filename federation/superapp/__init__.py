"""The Makassar Super App's page at `/app`: one citizen's whole picture through the one endpoint.

The page is a small bundle shipped in the package (`static/`: HTML, one script, one style
sheet, no CDN), so it works on a network without internet. It talks to the gateway's own
`/graphql` like any client, with a bearer token and the purpose it states
(`X-SPLP-Purpose`). On the demo it logs in through the demo's identity provider
(`/demo/roles`, `/demo/token`, `federation.security.demo`); elsewhere a person pastes the
token the city's identity provider gave them. `routes()` is what the gateway's app mounts.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

STATIC = Path(__file__).parent / "static"
ASSETS = {"app.js": "text/javascript", "app.css": "text/css"}


async def page(request: Request) -> Response:
    # no-cache: a new release's page must not be mixed with an old script.
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                        headers={"cache-control": "no-cache"})


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        return Response("not found", status_code=404)
    return FileResponse(STATIC / name, media_type=f"{ASSETS[name]}; charset=utf-8",
                        headers={"cache-control": "no-cache"})


def routes() -> list[BaseRoute]:
    return [
        Route("/app", page, methods=["GET"]),
        Route("/app/", page, methods=["GET"]),
        Route("/app/assets/{name}", asset, methods=["GET"]),
    ]
