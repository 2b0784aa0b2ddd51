"""What an OPD developer reads when composition refuses their subgraph."""

from __future__ import annotations

import pytest

from federation.compose import CompositionResult, SubgraphSource, compose
from federation.supergraph import Supergraph

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'


def _compose(**subgraphs: str) -> CompositionResult:
    return compose([SubgraphSource(name, f"http://{name}:4000/graphql", LINK + sdl) for name, sdl in subgraphs.items()])


def _only_error(result: CompositionResult) -> str:
    assert result.supergraph_sdl is None
    assert len(result.errors) == 1, result.errors
    return f"{result.errors[0].code}: {result.errors[0].message}"


def test_a_field_resolved_by_two_subgraphs_must_be_shareable() -> None:
    result = _compose(
        penduduk='type Query { warga: Warga } type Warga @key(fields: "nik") { nik: ID! nama: String }',
        dinsos='type Warga @key(fields: "nik") { nik: ID! nama: String }',
    )

    assert _only_error(result) == (
        'INVALID_FIELD_SHARING: Non-shareable field "Warga.nama" is resolved from multiple subgraphs: it is '
        'resolved from subgraphs "dinsos" and "penduduk" and defined as non-shareable in all of them'
    )


def test_incompatible_field_types_name_each_subgraphs_type() -> None:
    result = _compose(
        penduduk='type Query { warga: Warga } type Warga @key(fields: "nik") { nik: ID! umur: Int @shareable }',
        dinsos='type Warga @key(fields: "nik") { nik: ID! umur: String @shareable }',
    )

    assert _only_error(result) == (
        'FIELD_TYPE_MISMATCH: Type of field "Warga.umur" is incompatible across subgraphs: it has type "String" in '
        'subgraph "dinsos" and type "Int" in subgraph "penduduk"'
    )


def test_an_unreachable_field_comes_with_an_example_query_and_the_reason() -> None:
    result = _compose(
        penduduk="type Query { kartu: Kartu } type Kartu @shareable { nomor: ID! }",
        dinsos="type Kartu @shareable { nomor: ID! bantuan: Int }",
    )

    message = _only_error(result)
    assert message.startswith("SATISFIABILITY_ERROR: The following supergraph API query:\n{\n  kartu {\n    bantuan\n")
    assert 'cannot find field "Kartu.bantuan"' in message
    assert 'cannot move to subgraph "dinsos"' in message
    assert 'type "Kartu" has no @key defined in subgraph "dinsos"' in message


def test_a_syntax_error_names_the_subgraph_and_line() -> None:
    result = _compose(penduduk="type Query {\n  warga: String\n")

    assert _only_error(result) == "INVALID_GRAPHQL: [penduduk] Syntax Error: Expected Name, found <EOF>. (line 4)"


def test_unknown_directive_is_a_graphql_error_of_that_subgraph() -> None:
    result = _compose(penduduk="type Query { warga: String @cache }")

    assert _only_error(result) == "INVALID_GRAPHQL: [penduduk] Unknown directive '@cache'."


def test_two_subgraphs_with_one_name_are_refused() -> None:
    result = compose([SubgraphSource("a", "http://a", LINK + "type Query { a: Int }")] * 2)

    assert [e.code for e in result.errors] == ["INVALID_SUBGRAPH_NAME"]
    assert '"a" is given more than once' in result.errors[0].message


def test_nothing_to_compose_is_refused() -> None:
    assert [e.code for e in compose([]).errors] == ["NO_SUBGRAPHS"]


@pytest.mark.parametrize(
    "sdl",
    [
        "",
        "query { a }",
        'extend schema @link(url: "not-a-spec")\ntype Query { a: Int }',
        LINK + "type Query { x: X } type X @key(fields: 42) { id: ID! }",
        LINK + 'type Query { x: X } type X @key(fields: "{") { id: ID! }',
        LINK + "type Query { a: A } type A implements Missing { a: Int }",
        LINK + 'type Query { a(x: Int = "s"): Int }',
        LINK + "type Query { a: Int } extend type Nowhere { b: Int }",
        "schema { query: Root }\ntype Query { a: Int }",
    ],
    ids=[
        "empty",
        "operation",
        "bad-link",
        "key-not-string",
        "key-syntax",
        "unknown-interface",
        "bad-default",
        "extension-only",
        "unknown-root",
    ],
)
def test_malformed_subgraphs_get_errors_not_exceptions(sdl: str) -> None:
    result = compose([SubgraphSource("opd", "http://opd", sdl)])

    assert result.supergraph_sdl is None
    assert result.errors
    assert all(error.code and error.message for error in result.errors)


def test_the_supergraph_loads_in_the_gateway_with_routing_urls_and_hidden_fields() -> None:
    result = compose(
        [
            SubgraphSource(
                "penduduk",
                "http://penduduk:4001/graphql",
                'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
                'import: ["@key", "@inaccessible"])\n'
                "type Query { warga(nik: ID!): Warga } "
                'type Warga @key(fields: "nik") { nik: ID! nama: String rahasia: String @inaccessible }',
            ),
            SubgraphSource(
                "dinsos",
                "http://dinsos:4002/graphql",
                LINK + 'type Warga @key(fields: "nik") { nik: ID! bantuan: [String!]! }',
            ),
        ]
    )
    assert result.supergraph_sdl is not None

    supergraph = Supergraph.from_sdl(result.supergraph_sdl)

    assert {info.name: info.url for info in supergraph.subgraphs.values()} == {
        "penduduk": "http://penduduk:4001/graphql",
        "dinsos": "http://dinsos:4002/graphql",
    }
    assert "rahasia" in result.supergraph_sdl
    assert "rahasia" not in supergraph.api_sdl()
    assert "bantuan: [String!]!" in supergraph.api_sdl()
