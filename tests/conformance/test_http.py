"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/) at the gateway's /graphql,
and introspection answered from the public API schema (join/link machinery and @inaccessible hidden).

Request errors (the operation cannot be executed: parse, validation, unknown operation, variable
coercion) give a response with `errors` and no `data`: with `application/graphql-response+json` the
status is 4xx (400), with `application/json` it is 200. A body that is not a well-formed
GraphQL-over-HTTP request is 400 whatever the media type.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin

import aiohttp
import pytest
from graphql import build_client_schema, get_introspection_query

from .apps.mutations import EXECUTION_LOG
from .conftest import Gateways
from .harness import GRAPHQL_RESPONSE_JSON

JSON = "application/json"


class Reply:
    def __init__(self, status: int, content_type: str, text: str, headers: Any) -> None:
        self.status = status
        self.content_type = content_type
        self.text = text
        self.headers = headers

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError:
            raise AssertionError(f"HTTP {self.status} {self.content_type}: not JSON: {self.text[:300]!r}") from None


@pytest.fixture
def url(gateways: Gateways) -> str:
    return gateways.url("entities")


async def post(
    http: aiohttp.ClientSession, url: str, body: Any = None, *, data: str | None = None,
    accept: str = GRAPHQL_RESPONSE_JSON, content_type: str = JSON,
) -> Reply:
    payload = data if data is not None else json.dumps(body)
    headers = {"Accept": accept, "Content-Type": content_type}
    async with http.post(url, data=payload.encode(), headers=headers) as response:
        return Reply(response.status, response.headers.get("Content-Type", ""), await response.text(), response.headers)


async def get(
    http: aiohttp.ClientSession, url: str, params: dict[str, str], *, accept: str = GRAPHQL_RESPONSE_JSON
) -> Reply:
    # CSRF prevention: a GET must carry a header only a script can set (GraphQL over HTTP, Apollo)
    headers = {"Accept": accept, "GraphQL-Require-Preflight": "1"}
    async with http.get(url, params=params, headers=headers) as response:
        return Reply(response.status, response.headers.get("Content-Type", ""), await response.text(), response.headers)


def assert_request_error(reply: Reply, status: int) -> None:
    assert reply.status == status, (reply.status, reply.text)
    body = reply.json()
    assert "data" not in body, body
    assert body["errors"] and all(isinstance(e["message"], str) for e in body["errors"]), body


# ---------------------------------------------------------------- media types


async def test_post_answers_graphql_response_json_when_accepted(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ totalStock }"})
    assert (reply.status, reply.content_type.split(";")[0]) == (200, GRAPHQL_RESPONSE_JSON)
    assert reply.json() == {"data": {"totalStock": 14}}


async def test_post_answers_application_json_when_accepted(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ totalStock }"}, accept=JSON)
    assert (reply.status, reply.content_type.split(";")[0]) == (200, JSON)
    assert reply.json() == {"data": {"totalStock": 14}}


async def test_post_accepts_a_charset_parameter(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ totalStock }"}, content_type="application/json; charset=utf-8")
    assert (reply.status, reply.json()) == (200, {"data": {"totalStock": 14}})


async def test_null_operation_name_and_variables_are_allowed(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ totalStock }", "operationName": None, "variables": None})
    assert (reply.status, reply.json()) == (200, {"data": {"totalStock": 14}})


async def test_no_accept_header_is_answered_as_application_json(http: aiohttp.ClientSession, url: str) -> None:
    # GraphQL over HTTP: a request without Accept is treated as if it had `Accept: application/json`.
    body = json.dumps({"query": "{ products { colour } }"}).encode()
    async with http.post(
        url, data=body, headers={"Content-Type": JSON}, skip_auto_headers=["Accept"]
    ) as response:
        status, content_type = response.status, response.headers.get("Content-Type", "")
        payload = await response.json(content_type=None)
    assert (status, content_type.split(";")[0]) == (200, JSON)
    assert "data" not in payload and payload["errors"]


async def test_request_extensions_are_accepted(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ totalStock }", "extensions": {"clientTrace": "abc"}})
    assert (reply.status, reply.json()) == (200, {"data": {"totalStock": 14}})


async def test_unsupported_content_type_is_415(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, data='{"query": "{ totalStock }"}', content_type="text/plain")
    assert reply.status == 415, reply.text


# ---------------------------------------------------------------- malformed requests


async def test_body_that_is_not_json_is_400(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, data='{"query": "{ totalStock }"')
    assert reply.status == 400, reply.text


async def test_body_that_is_not_json_is_400_for_application_json_too(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, data="query=totalStock", accept=JSON)
    assert reply.status == 400, reply.text


async def test_body_without_query_is_400(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"variables": {}})
    assert reply.status == 400, reply.text


async def test_query_that_is_not_a_string_is_400(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": {"totalStock": True}})
    assert reply.status == 400, reply.text


async def test_variables_that_are_not_an_object_is_400(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ totalStock }", "variables": ["upc"]})
    assert reply.status == 400, reply.text


async def test_body_that_is_a_json_array_is_400(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, [{"query": "{ totalStock }"}])
    assert reply.status == 400, reply.text


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe not utf-8",
        rb'{"query": "{ totalStock \u0000 }"}',
        b'{"query": "' + b"{ products " * 300 + b'"}',
        b"[" * 5000 + b"]" * 5000,
        b'{"query": null}',
        b'{"query": "{ totalStock }", "operationName": 42}',
        b'{"query": "{ totalStock }", "extensions": "yes"}',
        b"",
    ],
    ids=["invalid_utf8", "nul_character", "unclosed_nesting", "deep_json", "null_query",
         "operation_name_not_a_string", "extensions_not_an_object", "empty_body"],
)
async def test_garbage_body_gets_a_clear_4xx_json_error(http: aiohttp.ClientSession, url: str, raw: bytes) -> None:
    headers = {"Accept": GRAPHQL_RESPONSE_JSON, "Content-Type": JSON}
    async with http.post(url, data=raw, headers=headers) as response:
        status, text = response.status, await response.text()
    assert 400 <= status < 500, (status, text[:300])
    body = json.loads(text)
    assert "data" not in body and body["errors"][0]["message"], body


# ---------------------------------------------------------------- request errors


async def test_parse_error_is_400(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ products { upc "})
    assert_request_error(reply, 400)
    assert reply.json()["errors"][0].get("locations"), "a syntax error says where it is"


async def test_validation_error_is_400_with_graphql_response_json(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ products { upc colour } }"})
    assert_request_error(reply, 400)


async def test_validation_error_is_200_with_application_json(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ products { upc colour } }"}, accept=JSON)
    assert_request_error(reply, 200)


async def test_validation_error_reaches_no_subgraph(http: aiohttp.ClientSession, url: str) -> None:
    from .apps import REQUEST_LOG

    await post(http, url, {"query": "{ totalStock products { upc colour } }"})
    assert REQUEST_LOG == []


async def test_unknown_argument_is_a_validation_error(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": '{ product(upc: "1", sku: "LON-1") { name } }'})
    assert_request_error(reply, 400)


async def test_missing_required_argument_is_a_validation_error(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ product { name } }"})
    assert_request_error(reply, 400)


@pytest.mark.parametrize(
    "query",
    [
        "{ topProducts(first: 2147483648) { upc } }",  # Int is 32-bit (spec 3.5.1)
        "{ totalStock } fragment Unused on Product { upc }",  # 5.5.1.4 Fragments Must Be Used
        "query Q { product(upc: $upc) { name } }",  # 5.8.3 All Variable Uses Defined
        "query Q($n: Int) { totalStock }",  # 5.8.4 All Variables Used
        "query Q { totalStock } query Q { me { id } }",  # 5.2.1.1 Operation Name Uniqueness
        "{ products { upc } products: me { id } }",  # 5.3.2 Field Selection Merging
        "{ totalStock @include }",  # 5.7.1 / argument `if` is required
    ],
    ids=["int_out_of_range", "unused_fragment", "undefined_variable", "unused_variable",
         "duplicate_operation_name", "fields_cannot_merge", "directive_missing_argument"],
)
async def test_document_invalid_per_the_spec_is_a_validation_error(
    http: aiohttp.ClientSession, url: str, query: str
) -> None:
    reply = await post(http, url, {"query": query, "operationName": "Q" if "query Q" in query else None})
    assert_request_error(reply, 400)


async def test_variable_of_the_wrong_type_is_400(http: aiohttp.ClientSession, url: str) -> None:
    query = "query Q($n: Int!) { topProducts(first: $n) { upc } }"
    reply = await post(http, url, {"query": query, "variables": {"n": "three"}})
    assert_request_error(reply, 400)


async def test_variable_of_the_wrong_type_is_200_with_application_json(
    http: aiohttp.ClientSession, url: str
) -> None:
    query = "query Q($n: Int!) { topProducts(first: $n) { upc } }"
    reply = await post(http, url, {"query": query, "variables": {"n": "three"}}, accept=JSON)
    assert_request_error(reply, 200)


async def test_missing_required_variable_is_400(http: aiohttp.ClientSession, url: str) -> None:
    query = "query Q($upc: String!) { product(upc: $upc) { name } }"
    reply = await post(http, url, {"query": query, "variables": {}})
    assert_request_error(reply, 400)


async def test_null_for_a_non_null_variable_is_400(http: aiohttp.ClientSession, url: str) -> None:
    query = "query Q($upc: String!) { product(upc: $upc) { name } }"
    reply = await post(http, url, {"query": query, "variables": {"upc": None}})
    assert_request_error(reply, 400)


async def test_input_enum_value_left_out_by_composition_is_a_validation_error(
    http: aiohttp.ClientSession, url: str
) -> None:
    # RATING_DESC is in the `reviews` subgraph only; composition keeps the intersection of input enums.
    reply = await post(http, url, {"query": "{ reviewsSorted(order: RATING_DESC) { id } }"})
    assert_request_error(reply, 400)


async def test_input_enum_value_left_out_by_composition_is_refused_in_variables(
    http: aiohttp.ClientSession, url: str
) -> None:
    query = "query Sorted($order: SortOrder!) { reviewsSorted(order: $order) { id } }"
    reply = await post(http, url, {"query": query, "variables": {"order": "RATING_DESC"}})
    assert_request_error(reply, 400)


async def test_unknown_operation_name_is_400(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "query A { totalStock }", "operationName": "B"})
    assert_request_error(reply, 400)


async def test_several_operations_without_a_name_is_400(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "query A { totalStock } query B { me { id } }"})
    assert_request_error(reply, 400)


async def test_subscription_is_refused_as_a_request_error(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "subscription { totalStock }"})
    assert_request_error(reply, 400)


# ---------------------------------------------------------------- GET


async def test_get_runs_a_query(http: aiohttp.ClientSession, url: str) -> None:
    reply = await get(http, url, {"query": "{ totalStock }"})
    assert (reply.status, reply.json()) == (200, {"data": {"totalStock": 14}})


async def test_get_with_variables_and_operation_name(http: aiohttp.ClientSession, url: str) -> None:
    params = {
        "query": "query A { totalStock } query Q($upc: String!) { product(upc: $upc) { name stock } }",
        "variables": json.dumps({"upc": "1"}),
        "operationName": "Q",
    }
    reply = await get(http, url, params)
    assert (reply.status, reply.json()) == (200, {"data": {"product": {"name": "Lontara", "stock": 10}}})


async def test_get_with_variables_that_are_not_json_is_400(http: aiohttp.ClientSession, url: str) -> None:
    reply = await get(http, url, {"query": "{ totalStock }", "variables": "{upc: 1"})
    assert reply.status == 400, reply.text


async def test_get_validation_error_is_400(http: aiohttp.ClientSession, url: str) -> None:
    reply = await get(http, url, {"query": "{ products { colour } }"})
    assert_request_error(reply, 400)


async def test_get_without_query_from_a_client_is_400(http: aiohttp.ClientSession, url: str) -> None:
    reply = await get(http, url, {"variables": "{}"})
    assert reply.status == 400, reply.text


async def test_methods_other_than_get_and_post_are_405(http: aiohttp.ClientSession, url: str) -> None:
    async with http.put(url, json={"query": "{ totalStock }"}) as response:
        assert response.status == 405


async def test_get_mutation_is_405_and_does_not_run(http: aiohttp.ClientSession, gateways: Gateways) -> None:
    reply = await get(http, gateways.url("mutations"), {"query": 'mutation { logEvent(text: "via GET") }'})
    assert reply.status == 405, reply.text
    assert EXECUTION_LOG == []


async def test_get_may_select_the_query_of_a_document_with_a_mutation(
    http: aiohttp.ClientSession, gateways: Gateways
) -> None:
    params = {"query": 'query Q { auditSize } mutation M { logEvent(text: "x") }', "operationName": "Q"}
    reply = await get(http, gateways.url("mutations"), params)
    assert (reply.status, reply.json()) == (200, {"data": {"auditSize": 0}})
    assert EXECUTION_LOG == []


async def test_post_mutation_runs(http: aiohttp.ClientSession, gateways: Gateways) -> None:
    reply = await post(http, gateways.url("mutations"), {"query": 'mutation { logEvent(text: "via POST") }'})
    assert (reply.status, reply.json()) == (200, {"data": {"logEvent": "logged via POST"}})
    assert EXECUTION_LOG == ["start via POST", "end via POST"]


# ---------------------------------------------------------------- introspection

HIDDEN_TYPE_NAMES = re.compile(r"^(join__|link__|_Entity$|_Service$|_Any$)")


async def query_data(http: aiohttp.ClientSession, url: str, query: str) -> Any:
    reply = await post(http, url, {"query": query})
    body = reply.json()
    assert (reply.status, body.get("errors")) == (200, None), body
    return body["data"]


async def test_introspection_of_an_entity_type_hides_inaccessible_fields(
    http: aiohttp.ClientSession, url: str
) -> None:
    data = await query_data(http, url, '{ __type(name: "Product") { kind name fields { name } } }')
    assert data["__type"]["kind"] == "OBJECT"
    assert sorted(f["name"] for f in data["__type"]["fields"]) == sorted(
        ["upc", "sku", "name", "price", "category", "condition", "shelf", "variants", "stock", "inStock",
         "reviews"]
    )


async def test_introspection_of_query_has_no_federation_fields(http: aiohttp.ClientSession, url: str) -> None:
    data = await query_data(http, url, '{ __type(name: "Query") { fields { name } } }')
    assert sorted(f["name"] for f in data["__type"]["fields"]) == sorted([
        "products", "product", "topProducts", "totalStock", "warehouseName", "latestReviews", "review",
        "reviewedCategories", "me", "users", "user", "subscriberCount", "productsByUpc", "findProducts",
        "catalogVersion", "orphanReview", "reviewsSorted",
    ])


async def test_introspection_schema_has_no_join_or_link_machinery(http: aiohttp.ClientSession, url: str) -> None:
    data = await query_data(
        http, url, "{ __schema { queryType { name } mutationType { name } types { name } directives { name } } }"
    )
    schema = data["__schema"]
    names = {t["name"] for t in schema["types"]}
    assert (schema["queryType"], schema["mutationType"]) == ({"name": "Query"}, None)
    assert {"Product", "Variant", "Review", "User", "Category", "Query"} <= names
    assert [n for n in names if HIDDEN_TYPE_NAMES.match(n)] == []
    assert [d["name"] for d in schema["directives"] if d["name"].startswith(("join__", "link"))] == []


async def test_introspection_of_an_enum_lists_every_value(http: aiohttp.ClientSession, url: str) -> None:
    data = await query_data(http, url, '{ __type(name: "Category") { enumValues { name } } }')
    assert data == {"__type": {"enumValues": [{"name": "BOOKS"}, {"name": "GAMES"}, {"name": "TOYS"}]}}


async def test_introspection_hides_an_inaccessible_enum_value(http: aiohttp.ClientSession, url: str) -> None:
    data = await query_data(http, url, '{ __type(name: "Condition") { enumValues { name } } }')
    assert data == {"__type": {"enumValues": [{"name": "NEW"}, {"name": "USED"}]}}


async def test_introspection_hides_an_inaccessible_argument(http: aiohttp.ClientSession, url: str) -> None:
    data = await query_data(http, url, '{ __type(name: "Query") { fields { name args { name } } } }')
    top = next(f for f in data["__type"]["fields"] if f["name"] == "topProducts")
    assert top["args"] == [{"name": "first"}]


async def test_inaccessible_argument_cannot_be_given(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ topProducts(cheapestFirst: true) { upc } }"})
    assert_request_error(reply, 400)


async def test_introspection_of_an_inaccessible_type_is_null(http: aiohttp.ClientSession, url: str) -> None:
    data = await query_data(http, url, '{ __type(name: "InternalInfo") { name } }')
    assert data == {"__type": None}


async def test_inaccessible_type_cannot_be_used_in_a_fragment(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ products { upc ... on InternalInfo { code } } }"})
    assert_request_error(reply, 400)


async def test_field_nullable_in_one_subgraph_is_nullable_in_the_public_schema(
    http: aiohttp.ClientSession, url: str
) -> None:
    query = '{ __type(name: "Product") { fields { name type { kind name ofType { name } } } } }'
    data = await query_data(http, url, query)
    name = next(f for f in data["__type"]["fields"] if f["name"] == "name")
    assert name["type"] == {"kind": "SCALAR", "name": "String", "ofType": None}


async def test_introspection_of_a_join_type_is_null(http: aiohttp.ClientSession, url: str) -> None:
    data = await query_data(http, url, '{ __type(name: "join__Graph") { name } }')
    assert data == {"__type": None}


async def test_introspection_needs_no_subgraph(http: aiohttp.ClientSession, url: str) -> None:
    from .apps import REQUEST_LOG

    await query_data(http, url, '{ __schema { types { name } } __type(name: "User") { name } }')
    assert REQUEST_LOG == []


async def test_full_introspection_builds_the_public_schema(http: aiohttp.ClientSession, url: str) -> None:
    data = await query_data(http, url, get_introspection_query())
    schema = build_client_schema(data)
    product = schema.get_type("Product")
    assert product is not None and "internalCode" not in product.fields  # type: ignore[attr-defined]
    assert schema.get_type("_Entity") is None


async def test_introspection_of_an_entity_interface_lists_its_members(
    http: aiohttp.ClientSession, gateways: Gateways
) -> None:
    query = (
        '{ media: __type(name: "Media") { kind possibleTypes { name } fields { name } } '
        'book: __type(name: "Book") { interfaces { name } } '
        'result: __type(name: "SearchResult") { kind possibleTypes { name } } }'
    )
    data = await query_data(http, gateways.url("abstract"), query)
    assert data["media"]["kind"] == "INTERFACE"
    assert sorted(t["name"] for t in data["media"]["possibleTypes"]) == ["Book", "Movie"]
    assert sorted(f["name"] for f in data["media"]["fields"]) == ["id", "rating", "reviewCount", "stars", "title"]
    assert data["book"] == {"interfaces": [{"name": "Media"}]}
    assert data["result"]["kind"] == "UNION"
    assert sorted(t["name"] for t in data["result"]["possibleTypes"]) == ["Article", "Book", "Movie", "Trailer"]


async def test_inaccessible_field_cannot_be_queried(http: aiohttp.ClientSession, url: str) -> None:
    reply = await post(http, url, {"query": "{ products { upc internalCode } }"})
    assert_request_error(reply, 400)


async def test_entities_root_field_cannot_be_queried(http: aiohttp.ClientSession, url: str) -> None:
    query = '{ _entities(representations: [{__typename: "Product", upc: "1"}]) { __typename } }'
    reply = await post(http, url, {"query": query})
    assert_request_error(reply, 400)


async def test_introspection_mixed_with_a_federated_query(http: aiohttp.ClientSession, url: str) -> None:
    data = await query_data(http, url, '{ __type(name: "Variant") { name } totalStock }')
    assert data == {"__type": {"name": "Variant"}, "totalStock": 14}


# ---------------------------------------------------------------- GraphiQL and probes


async def test_graphiql_for_a_browser_uses_no_outside_assets(http: aiohttp.ClientSession, url: str) -> None:
    async with http.get(url, headers={"Accept": "text/html,application/xhtml+xml"}) as response:
        status, content_type, html = response.status, response.headers["Content-Type"], await response.text()
    assert (status, content_type.split(";")[0]) == (200, "text/html")
    assert "graphiql" in html.lower()
    outside = re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//[^"']+""", html)
    assert outside == [], "GraphiQL must work on a network without internet"

    # Every asset the page loads is served by the gateway itself.
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"'#]+)""", html)
    assert assets, "GraphiQL's page loads its scripts and styles"
    for asset in assets:
        async with http.get(urljoin(url, asset)) as response:
            assert response.status == 200, asset


async def test_browser_get_with_a_query_runs_it(http: aiohttp.ClientSession, url: str) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    reply = await get(http, url, {"query": "{ totalStock }"}, accept=browser)
    assert (reply.status, reply.json()) == (200, {"data": {"totalStock": 14}})


@pytest.mark.parametrize("probe", ["/health", "/ready"])
async def test_health_and_readiness_probes(http: aiohttp.ClientSession, url: str, probe: str) -> None:
    async with http.get(url.removesuffix("/graphql") + probe) as response:
        assert response.status == 200
