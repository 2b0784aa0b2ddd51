"""GraphQL types the kit offers every subgraph."""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry

from subgraphs.kit.sql import Page

T = TypeVar("T")


@strawberry.type(description="One page of a list: pass endCursor as `after` to get the next page")
class Connection(Generic[T]):
    nodes: list[T | None] = strawberry.field(
        description="The items; an item whose row fails the data standard is null, with an error at its path")
    end_cursor: str | None
    has_next_page: bool

    @classmethod
    def of(cls, page: Page[T]) -> Connection[T]:
        return cls(nodes=page.items, end_cursor=page.end_cursor, has_next_page=page.has_next_page)
