"""The GraphQL error a failing REST upstream becomes: it names the upstream and its HTTP status."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError


class UpstreamError(GraphQLError):
    """The upstream API failed; extensions carry the upstream's name and HTTP status (if it answered)."""

    def __init__(self, upstream: str, message: str, *, code: str, status: int | None = None) -> None:
        extensions: dict[str, Any] = {"code": code, "upstream": upstream}
        if status is not None:
            extensions["status"] = status
        super().__init__(message, extensions=extensions)


__all__ = ["UpstreamError"]
