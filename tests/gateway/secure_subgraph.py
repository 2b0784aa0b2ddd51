"""A subgraph of citizen data whose supergraph marks fields with @authenticated,
@requiresScopes and @policy. It records the operations it receives, so a test can check
that what a principal may not read is never asked for."""

import strawberry
from strawberry.asgi import GraphQL

RECEIVED: list[str] = []


@strawberry.type
class Citizen:
    nik: str
    nama: str
    alamat: str | None
    catatan: str | None


@strawberry.type
class Health:
    status: str | None


@strawberry.type
class Query:
    @strawberry.field
    def citizen(self, info: strawberry.Info) -> Citizen | None:
        RECEIVED.append(info.context["request"].scope.get("query_text", ""))
        return Citizen(nik="7371014101900001", nama="Andi", alamat="Jl. Somba Opu 1", catatan="diperiksa")

    @strawberry.field
    def health(self) -> Health | None:
        return Health(status="sehat")


class RecordingGraphQL(GraphQL):
    async def get_context(self, request, response):  # type: ignore[no-untyped-def, override]
        body = await request.json()
        RECEIVED.append(body["query"])
        return await super().get_context(request, response)


def app() -> GraphQL:
    return RecordingGraphQL(strawberry.federation.Schema(query=Query))


def supergraph(url: str) -> str:
    return f"""
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)
{{
  query: Query
}}

directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String,
  external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
  repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

scalar join__FieldSet
scalar link__Import
scalar requiresScopes__Scope
scalar policy__Policy
enum link__Purpose {{ SECURITY EXECUTION }}
enum join__Graph {{ CITIZENS @join__graph(name: "citizens", url: "{url}") }}

type Query @join__type(graph: CITIZENS) {{
  citizen: Citizen
  health: Health
}}

type Citizen @join__type(graph: CITIZENS) {{
  nik: String! @authenticated
  nama: String!
  alamat: String @requiresScopes(scopes: [["penduduk:read", "alamat:read"], ["admin"]])
  catatan: String @policy(policies: [["dpo"]])
}}

type Health @join__type(graph: CITIZENS) @authenticated {{
  status: String
}}
"""
