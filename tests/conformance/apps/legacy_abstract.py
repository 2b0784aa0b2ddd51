"""Subgraphs of the `legacy_abstract_join02` / `_join03` supergraphs: interfaces and unions across
subgraphs with Federation 2.0 only (no entity interfaces, no @interfaceObject), so that they compose
to join v0.2 (composition 2.0.5) — whose supergraphs have no @join__implements / @join__unionMember,
leaving the gateway to work out which subgraph knows which member — and to join v0.3.

shelf    interface Media { id title }, Book and Movie implement it (entities by id); Query.shelf.
search   union SearchResult = Book | Article; Book is only a key here; Query.search(term).
extras   Movie @key(id) { director }; its own union SearchResult = Movie | Trailer; Query.suggest.
Data: apps/abstract.py's (m1 Book "Sureq Galigo", m2 Movie "Athirah", m3 Book "La Galigo").
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.federation import Schema

from .abstract import ARTICLES, DIRECTORS, MEDIA, Article, Trailer, media_row


@strawberry.interface(name="Media")
class ShelfMedia:
    id: strawberry.ID
    title: str


@strawberry.federation.type(name="Book", keys=["id"])
class ShelfBook(ShelfMedia):
    pages: int

    @classmethod
    def resolve_reference(cls, id: str) -> ShelfMedia | None:
        return shelf_media(id)


@strawberry.federation.type(name="Movie", keys=["id"])
class ShelfMovie(ShelfMedia):
    minutes: int

    @classmethod
    def resolve_reference(cls, id: str) -> ShelfMedia | None:
        return shelf_media(id)


def shelf_media(id: str) -> ShelfMedia | None:
    row = media_row(id)
    if row is None:
        return None
    if row["kind"] == "Book":
        return ShelfBook(id=strawberry.ID(id), title=row["title"], pages=row["pages"])
    return ShelfMovie(id=strawberry.ID(id), title=row["title"], minutes=row["minutes"])


@strawberry.type(name="Query")
class ShelfQuery:
    @strawberry.field
    def shelf(self) -> list[ShelfMedia]:
        return [m for m in (shelf_media(r["id"]) for r in MEDIA) if m is not None]


@strawberry.federation.type(name="Book", keys=["id"])
class SearchBook:
    id: strawberry.ID


SearchResult = Annotated[SearchBook | Article, strawberry.union("SearchResult")]


@strawberry.type(name="Query")
class SearchQuery:
    @strawberry.field
    def search(self, term: str) -> list[SearchResult]:
        found: list[Any] = [
            SearchBook(id=strawberry.ID(m["id"]))
            for m in MEDIA
            if m["kind"] == "Book" and term.lower() in m["title"].lower()
        ]
        found += [Article(id=strawberry.ID(a["id"]), headline=a["headline"])
                  for a in ARTICLES if term.lower() in a["headline"].lower()]
        return found


@strawberry.federation.type(name="Movie", keys=["id"])
class ExtrasMovie:
    id: strawberry.ID

    @strawberry.field
    def director(self) -> str:
        return DIRECTORS[self.id]

    @classmethod
    def resolve_reference(cls, id: str) -> ExtrasMovie:
        return cls(id=strawberry.ID(id))


ExtrasResult = Annotated[ExtrasMovie | Trailer, strawberry.union("SearchResult")]


@strawberry.type(name="Query")
class ExtrasQuery:
    @strawberry.field
    def suggest(self) -> list[ExtrasResult]:
        return [ExtrasMovie(id=strawberry.ID("m2")), Trailer(url="https://example.org/athirah")]


SUBGRAPHS = {
    "shelf": Schema(query=ShelfQuery, types=[ShelfBook, ShelfMovie], federation_version="2.0"),
    "search": Schema(query=SearchQuery, federation_version="2.0"),
    "extras": Schema(query=ExtrasQuery, types=[ExtrasMovie], federation_version="2.0"),
}
