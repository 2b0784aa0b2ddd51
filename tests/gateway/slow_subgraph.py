"""A one-subgraph graph whose `slow` field waits and counts its calls, with its supergraph."""

import asyncio

import strawberry
from strawberry.asgi import GraphQL

CALLS = {"slow": 0, "touch": 0}


@strawberry.type
class Query:
    @strawberry.field
    async def slow(self, delay: float) -> int:
        CALLS["slow"] += 1
        await asyncio.sleep(delay)
        return CALLS["slow"]

    @strawberry.field
    def fast(self) -> int:
        return 7

    @strawberry.field
    def header(self, info: strawberry.Info, name: str) -> str | None:
        value: str | None = info.context["request"].headers.get(name)
        return value


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def touch(self, delay: float) -> int:
        CALLS["touch"] += 1
        await asyncio.sleep(delay)
        return CALLS["touch"]


def app() -> GraphQL:
    return GraphQL(strawberry.federation.Schema(query=Query, mutation=Mutation))


def supergraph(url: str, with_fast: bool = False) -> str:
    fast = "  fast: Int!\n" if with_fast else ""
    return f"""
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
{{
  query: Query
  mutation: Mutation
}}

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String,
  external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
  repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

scalar join__FieldSet
scalar link__Import
enum link__Purpose {{ SECURITY EXECUTION }}
enum join__Graph {{ SLOW @join__graph(name: "slow", url: "{url}") }}

type Query @join__type(graph: SLOW) {{
  slow(delay: Float!): Int!
  header(name: String!): String
{fast}}}

type Mutation @join__type(graph: SLOW) {{
  touch(delay: Float!): Int!
}}
"""
