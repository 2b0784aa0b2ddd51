"""Query plans, printed, for the benchmark scenario's supergraph: pure planning, no network."""

from __future__ import annotations

import textwrap

import pytest
from graphql import OperationDefinitionNode, parse

from federation.planner import PlanningError, QueryPlan, build_plan, normalize
from federation.supergraph import Supergraph
from tests.gateway.bench_subgraphs import BENCH_DATA


@pytest.fixture(scope="module")
def supergraph() -> Supergraph:
    return Supergraph.from_file(str(BENCH_DATA / "supergraph.upstream.graphql"))


def plan(supergraph: Supergraph, query: str, variables: dict[str, object] | None = None) -> QueryPlan:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return build_plan(supergraph, normalize(supergraph.api_schema, document, operation, variables or {}))


def printed(text: str) -> str:
    return textwrap.dedent(text).strip()


def test_a_field_of_one_subgraph_is_one_fetch(supergraph: Supergraph) -> None:
    assert plan(supergraph, "{ me { name } }").print() == printed(
        """
        QueryPlan {
          Fetch(service: "accounts") {
            {
              me {
                name
              }
            }
          }
        }
        """
    )


def test_root_fields_of_two_subgraphs_are_fetched_in_parallel(supergraph: Supergraph) -> None:
    assert plan(supergraph, "{ me { id } topProducts { upc } }").print() == printed(
        """
        QueryPlan {
          Parallel {
            Fetch(service: "accounts") {
              {
                me {
                  id
                }
              }
            },
            Fetch(service: "products") {
              {
                topProducts {
                  upc
                }
              }
            }
          }
        }
        """
    )


def test_a_field_of_another_subgraph_is_an_entity_fetch_by_key(supergraph: Supergraph) -> None:
    assert plan(supergraph, "{ me { reviews { body } } }").print() == printed(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "reviews") {
                {
                  ... on User {
                    __typename
                    id
                  }
                } =>
                {
                  ... on User {
                    reviews {
                      body
                    }
                  }
                }
              }
            }
          }
        }
        """
    )


def test_requires_fetches_the_required_fields_first_and_sends_them(supergraph: Supergraph) -> None:
    assert plan(supergraph, "{ topProducts { shippingEstimate } }").print() == printed(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "products") {
              {
                topProducts {
                  __typename
                  upc
                  price
                  weight
                }
              }
            },
            Flatten(path: "topProducts.@") {
              Fetch(service: "inventory") {
                {
                  ... on Product {
                    __typename
                    upc
                    price
                    weight
                  }
                } =>
                {
                  ... on Product {
                    shippingEstimate
                  }
                }
              }
            }
          }
        }
        """
    )


def test_a_provided_field_needs_no_jump(supergraph: Supergraph) -> None:
    # Review.author @provides(fields: "username"): username comes with the review.
    result = plan(supergraph, "{ topProducts { reviews { author { username } } } }")
    assert result.fetch_count == 2
    assert '"accounts"' not in result.print()


def test_a_field_not_provided_jumps_to_its_subgraph(supergraph: Supergraph) -> None:
    result = plan(supergraph, "{ topProducts { reviews { author { name } } } }")
    assert result.fetch_count == 3
    assert 'Flatten(path: "topProducts.@.reviews.@.author")' in result.print()


def test_fetches_to_one_subgraph_in_the_same_step_share_a_request(supergraph: Supergraph) -> None:
    result = plan(supergraph, (BENCH_DATA / "query.graphql").read_text())
    # accounts+products, then reviews (batched)+inventory, then products+accounts, then inventory
    assert result.fetch_count == 7
    assert result.print().count('BatchFetch(service: "reviews")') == 1


def test_an_internal_key_never_takes_a_client_alias(supergraph: Supergraph) -> None:
    # The client calls `name` "id": the key `id` the plan needs is fetched under another key.
    text = plan(supergraph, "{ me { id: name reviews { body } } }").print()
    assert "id: name" in text
    assert "_splp_id: id" in text


def test_skip_and_include_decide_the_plan(supergraph: Supergraph) -> None:
    query = "query($withReviews: Boolean!) { me { name reviews @include(if: $withReviews) { body } } }"
    assert plan(supergraph, query, {"withReviews": False}).fetch_count == 1
    assert plan(supergraph, query, {"withReviews": True}).fetch_count == 2


def test_planning_budget_stops_a_runaway_operation(supergraph: Supergraph) -> None:
    document = parse("{ topProducts { reviews { author { reviews { product { name } } } } } }")
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    with pytest.raises(PlanningError, match="budget"):
        build_plan(supergraph, normalize(supergraph.api_schema, document, operation, {}), budget=3)


def test_a_fetch_starts_when_the_fetch_it_depends_on_finishes_not_a_whole_level() -> None:
    # Issue 11: `me { reviews }` must not wait for `topProducts`, nor `inStock` for `me`.
    sg = Supergraph.from_file(str(BENCH_DATA / "supergraph.upstream.graphql"))
    node = plan(sg, "{ me { reviews { body } } topProducts { inStock } }").to_json()["node"]
    assert node["kind"] == "Parallel"
    chains = [
        [(n["node"] if n["kind"] == "Flatten" else n)["serviceName"] for n in branch["nodes"]]
        for branch in node["nodes"]
    ]
    assert chains == [["accounts", "reviews"], ["products", "inventory"]]
