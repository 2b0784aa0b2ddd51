"""Running the gateway in the city: what operators and the super app's page need beside GraphQL.

`gateway_routes(gateway)` is the one call the gateway's app makes to mount them.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from federation.gateway import Gateway


def gateway_routes(gateway: Gateway) -> list[BaseRoute]:
    """The routes beside /graphql: the super app's page at /app."""
    from federation.superapp import routes as app_routes

    return [*app_routes()]
