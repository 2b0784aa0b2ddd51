"""The Makassar Super App's page at `/app`: one citizen's whole picture through the one endpoint.

The page is a small bundle shipped in the package (`static/`: HTML, one script, one style
sheet, no CDN), so it works on a network without internet. It talks to the gateway's own
`/graphql` like any client. `routes()` is what the gateway's app mounts.

Demo login (`/app/demo/token`): only when the app is given a `DemoLogin` (the demo does),
the page can ask for a short-lived HS256 token of a demo role, signed with the demo's
secret, the same secret the demo gateway verifies tokens with. A production gateway has no
`DemoLogin` and that route answers 404: people log in with the city's identity provider.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import orjson
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

STATIC = Path(__file__).parent / "static"
ASSETS = {"app.js": "text/javascript", "app.css": "text/css"}


@dataclass(frozen=True)
class DemoPerson:
    role: str
    name: str
    nik: str | None = None
    opd: str | None = None
    scopes: tuple[str, ...] = ()


@dataclass
class DemoLogin:
    """Signs demo tokens for the people of `people` (by role) with `secret` (HS256)."""

    secret: str
    people: dict[str, DemoPerson] = field(default_factory=dict)
    lifetime: int = 3600

    def token(self, role: str) -> tuple[str, DemoPerson]:
        person = self.people[role]
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": f"demo-{role}", "role": role, "name": person.name, "iat": now, "exp": now + self.lifetime,
            "scope": " ".join(person.scopes), "client_id": "splp-app",
        }
        if person.nik:
            claims["nik"] = person.nik
        if person.opd:
            claims["opd"] = person.opd
        return jwt.encode(claims, self.secret, algorithm="HS256"), person


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status, media_type="application/json")


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


async def demo_roles(request: Request) -> Response:
    login: DemoLogin | None = getattr(request.app.state, "demo_login", None)
    if login is None:
        return _json({"roles": []})
    return _json({"roles": [{"role": p.role, "name": p.name} for p in login.people.values()]})


async def demo_token(request: Request) -> Response:
    login: DemoLogin | None = getattr(request.app.state, "demo_login", None)
    if login is None:
        return _json({"error": "demo login is not enabled on this gateway"}, 404)
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return _json({"error": "the body must be JSON: {\"role\": ROLE}"}, 400)
    role = body.get("role") if isinstance(body, dict) else None
    if not isinstance(role, str) or role not in login.people:
        return _json({"error": f"unknown demo role; one of {sorted(login.people)}"}, 400)
    token, person = login.token(role)
    return _json({"token": token, "role": role, "name": person.name, "nik": person.nik, "opd": person.opd})


def routes() -> list[BaseRoute]:
    return [
        Route("/app", page, methods=["GET"]),
        Route("/app/", page, methods=["GET"]),
        Route("/app/assets/{name}", asset, methods=["GET"]),
        Route("/app/demo/roles", demo_roles, methods=["GET"]),
        Route("/app/demo/token", demo_token, methods=["POST"]),
    ]


def demo_people(citizen_nik: str, citizen_name: str) -> dict[str, DemoPerson]:
    """The demo's people: one citizen (the demo's sample) and officers of the city."""
    people = [
        DemoPerson("warga", citizen_name, nik=citizen_nik),
        DemoPerson("meja_aduan", "Petugas Meja Aduan Lontara Plus", opd="aduan"),
        DemoPerson("operator", "Operator Bapenda", opd="pendapatan"),
        DemoPerson("admin_kota", "Admin Kota Makassar"),
        DemoPerson("dpo", "Pejabat Pelindungan Data Pribadi"),
    ]
    return {person.role: person for person in people}
