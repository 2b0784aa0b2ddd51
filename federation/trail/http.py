"""`GET /trail/me`: a citizen's own processing history through the gateway (UU PDP art. 32):
who read their data (client, role, person), when, which fields and why. Reading it is itself
recorded. Needs a citizen's token (one carrying a NIK)."""

from __future__ import annotations

import time
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from federation.gateway import Gateway, GraphQLRequest, RequestError

HISTORY_FIELD = "trail.history"
SHOWN = ("at", "client", "role", "subject", "purpose", "operation", "fields", "outcome")


def _json(body: dict[str, Any], status: int) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def history_endpoint(gateway: Gateway) -> Any:
    async def history(request: Request) -> Response:
        trail = gateway.trail
        if trail is None:
            return _json(
                {"errors": [{"message": "this gateway keeps no access trail", "extensions": {"code": "NOT_FOUND"}}]},
                404,
            )
        graphql_request = GraphQLRequest(query="", headers={k.lower(): v for k, v in request.headers.items()})
        try:
            principal = await gateway.authenticate(graphql_request)
        except RequestError as e:
            return _json({"errors": e.errors}, e.status)
        if principal.nik is None:
            return _json(
                {
                    "errors": [
                        {
                            "message": "the processing history is a citizen's own: use a token with a NIK",
                            "extensions": {"code": "FORBIDDEN"},
                        }
                    ]
                },
                403,
            )
        if not trail.accepting:
            return _json(
                {
                    "errors": [
                        {"message": "The access trail is unavailable.", "extensions": {"code": "TRAIL_UNAVAILABLE"}}
                    ]
                },
                503,
            )
        try:
            found = await trail.history(principal.nik)
        except Exception:  # the database went away between the check and the read
            return _json(
                {
                    "errors": [
                        {"message": "The access trail is unavailable.", "extensions": {"code": "TRAIL_UNAVAILABLE"}}
                    ]
                },
                503,
            )
        trail.record(
            {
                "at": time.time(),
                "client": principal.client,
                "subject": principal.subject,
                "role": principal.role,
                "purpose": principal.purpose or "riwayat_pemrosesan",
                "operation": "GET /trail/me",
                "fields": [HISTORY_FIELD],
                "niks": [principal.nik],
                "outcome": "ok",
            }
        )
        return _json({"nik": principal.nik, "records": [{k: r.get(k) for k in SHOWN} for r in found]}, 200)

    return history
