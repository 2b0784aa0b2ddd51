"""Subgraphs of the `abstract` supergraph: interfaces, unions and @interfaceObject across subgraphs.

library  interface Media @key(id) { id title }, Book and Movie implement it; Query.media/mediaItem.
ratings  Media as an @interfaceObject (it only knows the interface, not Book or Movie): rating,
         reviewCount: Int! (raises for m3), and
         stars @requires(fields: "title") with title @external (resolved by library);
         Query.topRated returns Media whose concrete type only `library` knows.
search   union SearchResult = Book | Article; Book here is a reference by key, Article lives only here.
extras   Movie @key(id) with fields only this subgraph has (director; boxOffice, which raises); its own
         `union SearchResult = Movie | Trailer` (composed with search's into Book | Article | Movie |
         Trailer: each subgraph knows only its members) and Query.suggest.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.federation import Schema
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

MEDIA: list[dict[str, Any]] = [
    {"id": "m1", "kind": "Book", "title": "Sureq Galigo", "pages": 300},
    {"id": "m2", "kind": "Movie", "title": "Athirah", "minutes": 82},
    {"id": "m3", "kind": "Book", "title": "La Galigo", "pages": 120},
]
RATINGS = {"m1": 5, "m2": 4, "m3": 3}
DIRECTORS = {"m2": "Riri Riza"}


def media_row(id: str) -> dict[str, Any] | None:
    return next((m for m in MEDIA if m["id"] == id), None)


# ---------------------------------------------------------------- library


@strawberry.federation.interface(name="Media", keys=["id"])
class LibraryMedia:
    id: strawberry.ID
    title: str

    @classmethod
    def resolve_reference(cls, id: str) -> LibraryMedia | None:
        return library_media(id)


@strawberry.federation.type(name="Book", keys=["id"])
class LibraryBook(LibraryMedia):
    pages: int

    @classmethod
    def resolve_reference(cls, id: str) -> LibraryMedia | None:
        return library_media(id)


@strawberry.federation.type(name="Movie", keys=["id"])
class LibraryMovie(LibraryMedia):
    minutes: int

    @classmethod
    def resolve_reference(cls, id: str) -> LibraryMedia | None:
        return library_media(id)


def library_media(id: str) -> LibraryMedia | None:
    row = media_row(id)
    if row is None:
        return None
    if row["kind"] == "Book":
        return LibraryBook(id=strawberry.ID(id), title=row["title"], pages=row["pages"])
    return LibraryMovie(id=strawberry.ID(id), title=row["title"], minutes=row["minutes"])


@strawberry.type(name="Query")
class LibraryQuery:
    @strawberry.field
    def media(self) -> list[LibraryMedia]:
        return [m for m in (library_media(r["id"]) for r in MEDIA) if m is not None]

    @strawberry.field
    def media_item(self, id: strawberry.ID) -> LibraryMedia | None:
        return library_media(id)


library = Schema(query=LibraryQuery, types=[LibraryBook, LibraryMovie])

# ---------------------------------------------------------------- ratings


@strawberry.federation.interface_object(name="Media", keys=["id"])
class RatingsMedia:
    id: strawberry.ID
    title: str | None = strawberry.federation.field(external=True, default=None, graphql_type=str)

    @strawberry.field
    def rating(self) -> int:
        return RATINGS[self.id]

    @strawberry.field
    def review_count(self) -> int:
        if self.id == "m3":
            raise GraphQLError("review count unavailable")
        return 10 * RATINGS[self.id]

    @strawberry.federation.field(requires=["title"])
    def stars(self) -> str:
        if self.title is None:
            raise ValueError("title was not provided in the representation")
        return f"{self.title} " + "*" * RATINGS[self.id]

    @classmethod
    def resolve_reference(cls, id: str, title: str | None = None) -> RatingsMedia:
        return cls(id=strawberry.ID(id), title=title)


@strawberry.type(name="Query")
class RatingsQuery:
    @strawberry.field
    def top_rated(self) -> list[RatingsMedia]:
        ranked = sorted(RATINGS, key=lambda id: -RATINGS[id])
        return [RatingsMedia(id=strawberry.ID(id)) for id in ranked[:2]]


ratings = Schema(query=RatingsQuery)

# ---------------------------------------------------------------- search


@strawberry.federation.type(name="Book", keys=[Key(fields=FieldSet("id"), resolvable=False)])
class SearchBook:
    id: strawberry.ID


@strawberry.type(name="Article")
class Article:
    id: strawberry.ID
    headline: str


SearchResult = Annotated[SearchBook | Article, strawberry.union("SearchResult")]

ARTICLES = [{"id": "a1", "headline": "Pantai Losari bersih"}]


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


search = Schema(query=SearchQuery)

# ---------------------------------------------------------------- extras


@strawberry.federation.type(name="Movie", keys=["id"])
class ExtrasMovie:
    id: strawberry.ID

    @strawberry.field
    def director(self) -> str:
        return DIRECTORS[self.id]

    @strawberry.field
    def box_office(self) -> int | None:
        raise GraphQLError("box office figures are embargoed", extensions={"code": "EMBARGOED"})

    @classmethod
    def resolve_reference(cls, id: str) -> ExtrasMovie:
        return cls(id=strawberry.ID(id))


@strawberry.type(name="Trailer")
class Trailer:
    url: str


ExtrasSearchResult = Annotated[ExtrasMovie | Trailer, strawberry.union("SearchResult")]


@strawberry.type(name="Query")
class ExtrasQuery:
    @strawberry.field
    def festival(self) -> str:
        return "Makassar International Eight Festival"

    @strawberry.field
    def suggest(self) -> list[ExtrasSearchResult]:
        return [ExtrasMovie(id=strawberry.ID("m2")), Trailer(url="https://example.org/athirah")]


extras = Schema(query=ExtrasQuery, types=[ExtrasMovie])

SUBGRAPHS = {"library": library, "ratings": ratings, "search": search, "extras": extras}
