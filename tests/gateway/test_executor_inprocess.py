"""The executor and the shaper through the in-process transport: no sockets, subgraphs as
functions, every request they receive recorded.

The supergraph (inprocess_supergraph.graphql) is small and hand-written (join v0.3): `Person` is an entity of subgraphs
`people` (root fields, `name`, the mutations) and `scores` (`score: Int!`, `rank: Int`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphql import parse

from federation.executor.fetch import FetchError
from federation.executor.transport import InProcessTransport
from federation.gateway import Gateway, GraphQLRequest
from federation.supergraph import Supergraph

SUPERGRAPH = (Path(__file__).parent / "inprocess_supergraph.graphql").read_text()

PEOPLE = [{"__typename": "Person", "id": "p1", "name": "Ana"}, {"__typename": "Person", "id": "p2", "name": "Budi"}]


def people(payload: dict[str, Any]) -> dict[str, Any]:
    return {"data": {"people": [{k: v for k, v in p.items() if k in payload["query"]} for p in PEOPLE]}}


async def run(transport: InProcessTransport, query: str) -> dict[str, Any]:
    gateway = Gateway(Supergraph.from_sdl(SUPERGRAPH), client_factory=lambda urls: transport)  # type: ignore[arg-type,return-value]
    return await gateway.execute(GraphQLRequest(query, None, None))


async def test_entity_fields_come_from_the_subgraph_that_resolves_them_and_keys_do_not_leak() -> None:
    def scores(payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "data": {"_entities": [{"score": 10 * i} for i, _ in enumerate(payload["variables"]["representations"])]}
        }

    transport = InProcessTransport({"people": people, "scores": scores})
    response = await run(transport, "{ people { name score } }")
    assert response == {"data": {"people": [{"name": "Ana", "score": 0}, {"name": "Budi", "score": 10}]}}
    service, payload = transport.requests[1]
    assert service == "scores"
    assert payload["variables"]["representations"] == [
        {"__typename": "Person", "id": "p1"},
        {"__typename": "Person", "id": "p2"},
    ]


async def test_an_entities_answer_with_a_missing_item_is_an_error_at_each_field_not_a_shift() -> None:
    def scores(payload: dict[str, Any]) -> dict[str, Any]:
        return {"data": {"_entities": [{"rank": 2}]}}  # one item for two representations

    response = await run(InProcessTransport({"people": people, "scores": scores}), "{ people { name rank } }")
    assert response["data"] == {"people": [{"name": "Ana", "rank": None}, {"name": "Budi", "rank": None}]}
    assert [(e["path"], e["extensions"]["serviceName"]) for e in response["errors"]] == [
        (["people", 0, "rank"], "scores"),
        (["people", 1, "rank"], "scores"),
    ]
    assert response["errors"][0]["message"] == "Expected data._entities to contain 2 elements, got 1"


async def test_an_entities_item_of_another_type_is_an_error_at_its_paths() -> None:
    def scores(payload: dict[str, Any]) -> dict[str, Any]:
        return {"data": {"_entities": [{"__typename": "Person", "rank": 1}, {"__typename": "Robot", "rank": 9}]}}

    response = await run(InProcessTransport({"people": people, "scores": scores}), "{ people { rank } }")
    assert response["data"] == {"people": [{"rank": 1}, {"rank": None}]}
    assert [e["path"] for e in response["errors"]] == [["people", 1, "rank"]]


async def test_a_failed_entity_fetch_reports_each_field_path_it_left_null() -> None:
    def scores(payload: dict[str, Any]) -> dict[str, Any]:
        raise FetchError("scores", "connection refused")

    response = await run(InProcessTransport({"people": people, "scores": scores}), "{ people { name rank } }")
    assert response["data"] == {"people": [{"name": "Ana", "rank": None}, {"name": "Budi", "rank": None}]}
    assert [(e["path"], e["extensions"]["serviceName"]) for e in response["errors"]] == [
        (["people", 0, "rank"], "scores"),
        (["people", 1, "rank"], "scores"),
    ]


async def test_a_mutation_answered_data_null_carries_the_subgraphs_errors_only() -> None:
    # GraphQL spec 6.4.4: the subgraph nulled its root; its errors explain every field it was
    # asked for. "Cannot return null" for `renamePerson`, which it did not fail, would be false.
    def failing(payload: dict[str, Any]) -> dict[str, Any]:
        return {"data": None, "errors": [{"message": "name taken", "path": ["createPerson"]}]}

    query = 'mutation { createPerson(name: "Ana") { id } renamePerson(id: "p1", name: "B") { id } }'
    response = await run(InProcessTransport({"people": failing}), query)
    assert response["data"] is None
    assert response["errors"] == [
        {"message": "name taken", "path": ["createPerson"], "extensions": {"serviceName": "people"}}
    ]


async def test_independent_entity_fetches_share_one_request_per_subgraph() -> None:
    def scores(payload: dict[str, Any]) -> dict[str, Any]:
        # One request, one `_entities` per place: aliased _0, _1 over variables r0, r1.
        variables = payload["variables"]
        return {"data": {f"_{i}": [{"score": 1, "rank": 2}] * len(variables[f"r{i}"]) for i in range(2)}}

    def aliased_people(payload: dict[str, Any]) -> dict[str, Any]:
        found = [{"__typename": "Person", "id": p["id"]} for p in PEOPLE]
        return {"data": {"a": found, "b": found}}

    transport = InProcessTransport({"people": aliased_people, "scores": scores})
    response = await run(transport, "{ a: people { score } b: people { rank } }")
    assert response == {"data": {"a": [{"score": 1}, {"score": 1}], "b": [{"rank": 2}, {"rank": 2}]}}
    assert [service for service, _ in transport.requests] == ["people", "scores"]


async def test_subgraph_operations_are_valid_graphql_whatever_the_subgraph_is_named() -> None:
    # A subgraph called `my-scores`: the operation name built from it must still be a GraphQL name.
    sdl = SUPERGRAPH.replace('name: "scores"', 'name: "my-scores"')

    def scores(payload: dict[str, Any]) -> dict[str, Any]:
        parse(payload["query"])
        return {"data": {"_entities": [{"score": 7}] * len(payload["variables"]["representations"])}}

    transport = InProcessTransport({"people": people, "my-scores": scores})
    gateway = Gateway(Supergraph.from_sdl(sdl), client_factory=lambda urls: transport)  # type: ignore[arg-type,return-value]
    response = await gateway.execute(GraphQLRequest("query Skor { people { score } }", "Skor", None))
    assert response == {"data": {"people": [{"score": 7}, {"score": 7}]}}
    assert "Skor__my_scores__" in transport.requests[1][1]["query"]


async def test_a_selection_whose_fields_are_all_skipped_is_not_sent_empty() -> None:
    def strict_people(payload: dict[str, Any]) -> dict[str, Any]:
        parse(payload["query"])  # `people {}` would not parse
        return {"data": {"people": [{"__typename": "Person"}, {"__typename": "Person"}]}}

    transport = InProcessTransport({"people": strict_people})
    gateway = Gateway(Supergraph.from_sdl(SUPERGRAPH), client_factory=lambda urls: transport)  # type: ignore[arg-type,return-value]
    query = "query ($yes: Boolean!) { people { name @include(if: $yes) } }"
    response = await gateway.execute(GraphQLRequest(query, None, {"yes": False}))
    assert response == {"data": {"people": [{}, {}]}}
