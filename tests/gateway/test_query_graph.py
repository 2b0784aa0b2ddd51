"""The federated query graph (federation.planner.query_graph), on the conformance suite's
supergraphs and the planner's golden cases: its vertices and edges, each as the spec says."""

from __future__ import annotations

from pathlib import Path

from graphql import print_ast

from federation.planner.query_graph import QueryGraph, Vertex, query_graph
from federation.supergraph import Supergraph

TESTS = Path(__file__).resolve().parent.parent
CONFORMANCE = TESTS / "conformance" / "supergraphs"
CASES = TESTS / "gateway" / "planner_cases"
NONE: frozenset[str] = frozenset()


def graph_of(path: Path) -> QueryGraph:
    return QueryGraph.build(Supergraph.from_file(str(path)))


def test_a_field_edge_leads_to_the_type_the_subgraph_declares() -> None:
    graph = graph_of(CASES / "union-intersection.graphql")
    # Query.book is a Media in the supergraph, a Book in subgraph a, a Media in b.
    assert graph.field_edge(Vertex("Query", "a"), "book", NONE).tail == Vertex("Book", "a")  # type: ignore[union-attr]
    assert graph.field_edge(Vertex("Query", "b"), "book", NONE).tail == Vertex("Media", "b")  # type: ignore[union-attr]


def test_only_the_subgraphs_resolving_a_field_have_its_edge() -> None:
    graph = graph_of(CONFORMANCE / "requires.graphql")
    # Item.shippingCost is @external in insurance: it has no edge there.
    assert graph.resolving_graphs("Item", "shippingCost", NONE) == ["shipping"]
    assert graph.field_edge(Vertex("Item", "insurance"), "shippingCost", NONE) is None


def test_requires_is_a_condition_of_the_field_edge() -> None:
    graph = graph_of(CONFORMANCE / "requires.graphql")
    edge = graph.field_edge(Vertex("Item", "shipping"), "shippingCost", NONE)
    assert edge is not None and edge.requires is not None
    assert print_ast(edge.requires) == "{\n  weight\n}"
    assert graph.field_edge(Vertex("Item", "catalog"), "name", NONE).requires is None  # type: ignore[union-attr]


def test_provided_fields_exist_only_under_the_providing_field() -> None:
    graph = graph_of(CONFORMANCE / "requires.graphql")
    # deals: Deal.item @provides(fields: "name dimensions { width }"), Item.name @external there.
    item = graph.field_edge(Vertex("Deal", "deals"), "item", NONE)
    assert item is not None and item.tail == Vertex("Item", "deals", "Deal.item")
    assert graph.field_edge(item.tail, "name", NONE) is not None
    assert graph.field_edge(Vertex("Item", "deals"), "name", NONE) is None  # not elsewhere in deals
    dimensions = graph.field_edge(item.tail, "dimensions", NONE)
    assert dimensions is not None and dimensions.tail is not None
    assert graph.field_edge(dimensions.tail, "width", NONE) is not None
    assert graph.field_edge(dimensions.tail, "height", NONE) is None  # deals provides the width only
    assert graph.provided_under("Deal", "item", "deals") == item.tail
    assert graph.provided_under("Query", "dealOfTheDay", "deals") is None


def test_key_jumps_never_target_a_key_that_is_not_resolvable() -> None:
    graph = graph_of(CONFORMANCE / "entities.graphql")
    # Product: @key(upc) in reviews, @key(upc, resolvable: false) in warehouse.
    assert [k.fields for k, _ in graph.keys_into("Product", "reviews")] == ["upc"]
    assert graph.keys_into("Product", "warehouse") == ()
    targets = {(e.tail.graph, e.key.fields) for e in graph.key_edges(Vertex("Product", "warehouse"))}
    assert ("products", "upc") in targets and ("products", "sku") in targets
    assert all(graph_name != "warehouse" for graph_name, _ in targets)
    assert all(e.tail.graph != "warehouse" for e in graph.key_edges(Vertex("Product", "products")))


def test_a_type_is_entered_through_the_interface_object_a_subgraph_sees() -> None:
    graph = graph_of(CONFORMANCE / "abstract.graphql")
    # ratings knows Media only as an @interfaceObject: a Book enters it as a Media.
    assert [(k.fields, entity) for k, entity in graph.keys_into("Book", "ratings")] == [("id", "Media")]
    edges = graph.key_edges(Vertex("Book", "library"))
    assert any(e.tail == Vertex("Media", "ratings") for e in edges)


def test_downcasts_follow_each_subgraphs_own_members() -> None:
    graph = graph_of(CONFORMANCE / "abstract.graphql")
    assert graph.downcasts(Vertex("SearchResult", "extras")) == (Vertex("Movie", "extras"), Vertex("Trailer", "extras"))
    assert graph.downcasts(Vertex("SearchResult", "search")) == (Vertex("Article", "search"), Vertex("Book", "search"))
    # an @interfaceObject knows no implementation: no downcast there
    assert graph.downcasts(Vertex("Media", "ratings")) == ()
    assert graph.possible_types("SearchResult", "search") == ["Article", "Book"]
    assert graph.possible_types("Book", "search") == ["Book"]
    assert graph.possible_types("Media", "ratings") == []


def test_progressive_override_edges_follow_the_label() -> None:
    graph = graph_of(CONFORMANCE / "override.graphql")
    # Account.tier: overridden from legacy to billing at percent(100).
    assert graph.resolving_graphs("Account", "tier", frozenset({"percent(100)"})) == ["billing"]
    assert graph.resolving_graphs("Account", "tier", NONE) == ["legacy"]
    # Account.plan: overridden for good, legacy keeps no edge.
    assert graph.resolving_graphs("Account", "plan", NONE) == ["billing"]


def test_root_jumps_connect_the_query_roots() -> None:
    graph = graph_of(CONFORMANCE / "context.graphql")
    assert [e.tail for e in graph.root_edges("aduan")] == [Vertex("Query", "wilayah")]


def test_context_arguments_are_conditions_of_the_field_edge() -> None:
    graph = graph_of(CONFORMANCE / "context.graphql")
    edge = graph.field_edge(Vertex("Kelurahan", "wilayah"), "sapaan", NONE)
    assert edge is not None
    assert [(a.name, a.context) for a in edge.context_arguments] == [("bahasa", "wilayah__kecamatan")]


def test_the_graph_is_built_once_and_reused_for_the_same_supergraph_text() -> None:
    text = (CONFORMANCE / "context.graphql").read_text()
    first = Supergraph.from_sdl(text)
    graph = query_graph(first)
    assert query_graph(first) is graph
    reloaded = Supergraph.from_sdl(text)  # a reload of an unchanged file
    assert query_graph(reloaded) is graph
    changed = Supergraph.from_sdl(text + "\n# changed\n")
    assert query_graph(changed) is not graph
