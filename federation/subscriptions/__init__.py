"""Subscriptions through the gateway: clients over graphql-ws (`graphql-transport-ws`) or
graphql-sse (distinct connections), the subgraph owning the field over graphql-ws, and every
event completed through the query plan like a query.

`federation.http.app` mounts `GraphQLWebSocket(subscriptions)` on the WebSocket /graphql and
wraps its POST handler with `with_event_stream` for `Accept: text/event-stream`.
"""

from federation.subscriptions.service import Limits, Subscriptions
from federation.subscriptions.sse import EventStream, wants_event_stream, with_event_stream
from federation.subscriptions.ws import GraphQLWebSocket

__all__ = ["EventStream", "GraphQLWebSocket", "Limits", "Subscriptions", "wants_event_stream", "with_event_stream"]
