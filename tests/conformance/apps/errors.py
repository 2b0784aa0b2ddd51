"""Subgraphs of the `errors` supergraph: field errors, null propagation and failing subgraphs.

people   Query.person/people/peopleOrNull/peopleOrNothing/crowd/strictPerson/failingRoot; Person @key(id)
         with name, email (String!, null for p2), nickname (raises for p2, with extensions),
         bestFriend: Person! (p1 -> p2 -> p3 -> p1) and friends: [Person!]! (everyone else).
scores   Person.score (Int!, raises for p2), bonus (Int, raises for p1 with extensions),
         rank (Int!, returns null for p3).
down     a subgraph whose URL has nothing listening (the schema is only used for composition).
slow     a real subgraph whose resolvers sleep past the gateway's subgraph_timeout.
garbage  answers 200 with an HTML body instead of JSON.
broken   answers HTTP 500.
nodata   answers 200 with JSON that has neither `data` nor `errors`.
rejects  answers `{"data": null, "errors": [...]}` with an error that has no path (FORBIDDEN).
short    answers `_entities` with an empty list, whatever the representations.
wrongtype answers values of the wrong type (an object, a list) for its String fields.
"""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.federation import Schema

PEOPLE: list[dict[str, Any]] = [
    {"id": "p1", "name": "Ana", "email": "ana@makassarkota.go.id"},
    {"id": "p2", "name": "Budi", "email": None},
    {"id": "p3", "name": "Citra", "email": "citra@makassarkota.go.id"},
]
BEST_FRIENDS = {"p1": "p2", "p2": "p3", "p3": "p1"}
SLOW_SECONDS = 2.0


def person_row(id: str) -> dict[str, Any] | None:
    return next((p for p in PEOPLE if p["id"] == id), None)


# ---------------------------------------------------------------- people


@strawberry.federation.type(name="Person", keys=["id"])
class PeoplePerson:
    id: strawberry.ID
    name: str
    email: str = strawberry.field(graphql_type=str)  # null for p2 on purpose: a non-null violation

    @strawberry.field
    def best_friend(self) -> PeoplePerson:
        row = person_row(BEST_FRIENDS[self.id])
        assert row is not None
        return PeoplePerson.from_row(row)

    @strawberry.field
    def friends(self) -> list[PeoplePerson]:
        return [PeoplePerson.from_row(p) for p in PEOPLE if p["id"] != self.id]

    @strawberry.field
    def nickname(self) -> str | None:
        if self.id == "p2":
            raise GraphQLError("nickname is hidden", extensions={"code": "NICKNAME_HIDDEN"})
        return self.name.lower()

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PeoplePerson:
        return cls(id=strawberry.ID(row["id"]), name=row["name"], email=row["email"])

    @classmethod
    def resolve_reference(cls, id: str) -> PeoplePerson | None:
        row = person_row(id)
        return None if row is None else cls.from_row(row)


def everyone() -> list[PeoplePerson]:
    return [PeoplePerson.from_row(p) for p in PEOPLE]


@strawberry.type(name="Query")
class PeopleQuery:
    @strawberry.field
    def person(self, id: strawberry.ID) -> PeoplePerson | None:
        return PeoplePerson.resolve_reference(id)

    @strawberry.field
    def people(self) -> list[PeoplePerson]:
        return everyone()

    @strawberry.field
    def people_or_null(self) -> list[PeoplePerson | None]:
        return list(everyone())

    @strawberry.field
    def people_or_nothing(self) -> list[PeoplePerson] | None:
        return everyone()

    @strawberry.field
    def crowd(self) -> list[PeoplePerson | None]:
        # p2 twice: one deduplicated representation, but two places in the response.
        return [PeoplePerson.from_row(PEOPLE[i]) for i in (1, 0, 1)]

    @strawberry.field
    def strict_person(self, id: strawberry.ID) -> PeoplePerson:
        row = person_row(id)
        assert row is not None
        return PeoplePerson.from_row(row)

    @strawberry.field
    def failing_root(self) -> str | None:
        raise GraphQLError("root field failed", extensions={"code": "ROOT_FAILED", "retryable": False})


people = Schema(query=PeopleQuery)

# ---------------------------------------------------------------- scores


@strawberry.federation.type(name="Person", keys=["id"])
class ScoresPerson:
    id: strawberry.ID

    @strawberry.field
    def score(self) -> int:
        if self.id == "p2":
            raise GraphQLError("score unavailable")
        return {"p1": 90, "p3": 75}[self.id]

    @strawberry.field
    def bonus(self) -> int | None:
        if self.id == "p1":
            raise GraphQLError("bonus is secret", extensions={"code": "BONUS_SECRET"})
        return 5

    @strawberry.field(graphql_type=int)
    def rank(self) -> Any:
        return {"p1": 1, "p2": 2}.get(self.id)  # null for p3: a non-null violation in this subgraph

    @classmethod
    def resolve_reference(cls, id: str) -> ScoresPerson:
        return cls(id=strawberry.ID(id))


@strawberry.type(name="Query")
class ScoresQuery:
    @strawberry.field
    def top_score(self) -> int:
        return 90


scores = Schema(query=ScoresQuery, types=[ScoresPerson])

# ---------------------------------------------------------------- failing subgraphs


def failing_subgraph(name: str, *, slow: bool = False) -> Schema:
    """A subgraph with Query.<name>Root: String and Person.<name>Field: String / <name>Strict: String!."""

    async def value(self: Any) -> str:
        if slow:
            await asyncio.sleep(SLOW_SECONDS)
        return f"{name} answered"

    person = type(f"{name.title()}Person", (), {
        "__annotations__": {"id": strawberry.ID},
        f"{name}_field": strawberry.field(resolver=value, graphql_type=str | None),  # type: ignore[arg-type]
        f"{name}_strict": strawberry.field(resolver=value, graphql_type=str),
        "resolve_reference": classmethod(lambda cls, id: cls(id=id)),
    })
    person_type = strawberry.federation.type(person, name="Person", keys=["id"])
    query = type(f"{name.title()}Query", (), {
        f"{name}_root": strawberry.field(resolver=value, graphql_type=str | None),  # type: ignore[arg-type]
    })
    return Schema(query=strawberry.type(query, name="Query"), types=[person_type])


SUBGRAPHS = {
    "people": people,
    "scores": scores,
    "down": failing_subgraph("down"),
    "slow": failing_subgraph("slow", slow=True),
    "garbage": failing_subgraph("garbage"),
    "broken": failing_subgraph("broken"),
    "nodata": failing_subgraph("nodata"),
    "rejects": failing_subgraph("rejects"),
    "short": failing_subgraph("short"),
    "wrongtype": failing_subgraph("wrongtype"),
}
