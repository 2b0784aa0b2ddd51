"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) over Lontara Plus, answered
through the gateway like any client's GraphQL request."""

from federation.open311.app import open311_app

__all__ = ["open311_app"]
