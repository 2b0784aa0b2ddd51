"""The test subgraphs, grouped by area (one supergraph per area), and the ASGI app serving them.

Every subgraph is served by one Starlette app at `/<area>/<subgraph>/graphql`. Each request body is
recorded in REQUEST_LOG so a test can see which subgraphs the gateway asked, and with what.
Some subgraphs of the `errors` area misbehave on purpose (FAULTS); `down` is not served at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import DirectiveDefinitionNode, SchemaDefinitionNode, SchemaExtensionNode, parse, print_ast
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from strawberry.federation import Schema

from . import abstract, conditions, context, entities, errors, legacy_abstract, mutations, override, planning, requires


@dataclass(frozen=True)
class Area:
    subgraphs: dict[str, Schema]
    reset: Callable[[], None] | None = None
    faults: dict[str, str] = field(default_factory=dict)
    # Which release of Apollo's composition composes the supergraph (tools/compose.py).
    composer: str = "2.14"


AREAS: dict[str, Area] = {
    "entities": Area(entities.SUBGRAPHS),
    "requires": Area(requires.SUBGRAPHS),
    # The same subgraphs linking Federation 2.0: composed by today's composition their supergraphs
    # use join v0.3; by composition 2.0.5 (the first Federation 2 release), join v0.2.
    "entities_join03": Area(entities.build("2.0")),
    "requires_join03": Area(requires.build("2.0")),
    "entities_join02": Area(entities.build("2.0"), composer="2.0"),
    "requires_join02": Area(requires.build("2.0"), composer="2.0"),
    "legacy_abstract_join03": Area(legacy_abstract.SUBGRAPHS),
    "legacy_abstract_join02": Area(legacy_abstract.SUBGRAPHS, composer="2.0"),
    "override": Area(override.SUBGRAPHS),
    "abstract": Area(abstract.SUBGRAPHS),
    "mutations": Area(mutations.SUBGRAPHS, reset=mutations.reset),
    "planning": Area(planning.SUBGRAPHS),
    "context": Area(context.SUBGRAPHS),
    "conditions": Area(conditions.SUBGRAPHS),
    "errors": Area(
        errors.SUBGRAPHS,
        faults={"down": "down", "garbage": "garbage", "broken": "http500", "nodata": "nodata", "rejects": "rejects",
                "short": "short", "wrongtype": "wrongtype"},
    ),
}

# (area, subgraph, request body) for every request a subgraph received.
REQUEST_LOG: list[tuple[str, str, dict[str, Any]]] = []
# (area, subgraph, client port) for every request: the connections the gateway used.
CONNECTION_LOG: list[tuple[str, str, int]] = []

# The subgraphs raise errors on purpose; strawberry would log each with a traceback.
logging.getLogger("strawberry.execution").setLevel(logging.CRITICAL)


def subgraph_sdl(schema: Schema) -> str:
    result = schema.execute_sync("{ _service { sdl } }")
    assert result.data is not None, result.errors
    return str(result.data["_service"]["sdl"])


def subgraphs_digest(area: str) -> str:
    """A digest of the area's subgraphs (names and type definitions): what its supergraph was composed from.

    The schema definition (with its @link, whose federation version follows strawberry's) and the
    directive definitions are left out, and definitions are sorted, so that another strawberry
    release printing the same schema differently does not make the supergraph look stale.
    """
    typedefs = {}
    for name, schema in sorted(AREAS[area].subgraphs.items()):
        definitions = parse(subgraph_sdl(schema)).definitions
        kept = (d for d in definitions if not isinstance(d, SKIPPED_DEFINITIONS))
        typedefs[name] = sorted(print_ast(definition) for definition in kept)
    return hashlib.sha256(json.dumps(typedefs, sort_keys=True).encode()).hexdigest()


SKIPPED_DEFINITIONS = (SchemaDefinitionNode, SchemaExtensionNode, DirectiveDefinitionNode)


def subgraph_path(area: str, name: str) -> str:
    return f"/{area}/{name}/graphql"


def requests_to(area: str, name: str) -> list[dict[str, Any]]:
    return [body for a, n, body in REQUEST_LOG if (a, n) == (area, name)]


async def serve_subgraph(request: Request) -> Response:
    area_name, name = request.path_params["area"], request.path_params["subgraph"]
    area = AREAS.get(area_name)
    if area is None or name not in area.subgraphs:
        return PlainTextResponse("no such subgraph", status_code=404)
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse({"errors": [{"message": "body is not JSON"}]}, status_code=400)
    REQUEST_LOG.append((area_name, name, body))
    CONNECTION_LOG.append((area_name, name, request.client.port if request.client else 0))
    fault = area.faults.get(name)
    if fault == "garbage":
        return HTMLResponse("<html><body><h1>502 Bad Gateway</h1></body></html>")
    if fault == "http500":
        return PlainTextResponse("Internal Server Error", status_code=500)
    if fault == "nodata":
        return JSONResponse({"unexpected": True})
    if fault == "short":
        # An answer whose `_entities` has fewer items than the representations sent.
        short: dict[str, Any] = {"_entities": []} if "_entities" in body["query"] else {"shortRoot": "ok"}
        return JSONResponse({"data": short})
    if fault == "wrongtype":
        # Values that no String can represent: an object at the root, a list in each entity.
        if "_entities" in body["query"]:
            count = len(body.get("variables", {}).get("representations", []))
            wrong: dict[str, Any] = {"_entities": [{"__typename": "Person", "wrongtypeField": ["a"]}] * count}
        else:
            wrong = {"wrongtypeRoot": {"nested": True}}
        return JSONResponse({"data": wrong})
    if fault == "rejects":
        error = {"message": "Forbidden by policy", "extensions": {"code": "FORBIDDEN"}}
        return JSONResponse({"data": None, "errors": [error]})
    result = await area.subgraphs[name].execute(
        body["query"], variable_values=body.get("variables"), operation_name=body.get("operationName")
    )
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    return JSONResponse(payload)


def build_server_app() -> Starlette:
    return Starlette(routes=[Route("/{area}/{subgraph}/graphql", serve_subgraph, methods=["POST"])])
