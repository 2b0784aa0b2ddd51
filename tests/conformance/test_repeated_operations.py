"""A repeated operation (which the gateway may plan once and cache) still answers each request for
its own variables, operation name and directives' arguments."""

from __future__ import annotations

from typing import Any

from .conftest import RunScenario
from .harness import Scenario

STOCK_QUERY = "query Stock($withStock: Boolean!) { products { upc stock @include(if: $withStock) } }"
PRODUCT_QUERY = "query P($upc: String!) { product(upc: $upc) { name stock } }"
TWO_OPERATIONS = "query A { me { username } } query B { totalStock }"


async def test_same_operation_other_variables(run_scenario: RunScenario) -> None:
    for upc, name, stock in [("1", "Lontara", 10), ("3", "Pinisi", 4), ("1", "Lontara", 10)]:
        await run_scenario(Scenario(
            name=f"product {upc}", area="entities", query=PRODUCT_QUERY, variables={"upc": upc},
            expected={"data": {"product": {"name": name, "stock": stock}}},
        ))


async def test_same_operation_include_flips_between_requests(run_scenario: RunScenario) -> None:
    with_stock: dict[str, Any] = {
        "data": {"products": [{"upc": "1", "stock": 10}, {"upc": "2", "stock": 0}, {"upc": "3", "stock": 4}]}
    }
    without_stock: dict[str, Any] = {"data": {"products": [{"upc": "1"}, {"upc": "2"}, {"upc": "3"}]}}
    for flag, expected in [(True, with_stock), (False, without_stock), (True, with_stock)]:
        await run_scenario(Scenario(
            name=f"withStock {flag}", area="entities", query=STOCK_QUERY, variables={"withStock": flag},
            expected=expected,
        ))


async def test_same_document_other_operation_name(run_scenario: RunScenario) -> None:
    for operation, expected in [("A", {"me": {"username": "ana"}}), ("B", {"totalStock": 14}),
                                ("A", {"me": {"username": "ana"}})]:
        await run_scenario(Scenario(
            name=operation, area="entities", query=TWO_OPERATIONS, operation_name=operation,
            expected={"data": expected},
        ))
