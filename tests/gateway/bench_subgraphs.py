"""The public benchmark scenario's four subgraphs (accounts, inventory, products, reviews) in
strawberry, serving `bench/scenario/data.json` with the scenario's quirks: every review's
author is user 1, every user's reviews are reviews 1 and 2, shippingEstimate is null."""

import json
from pathlib import Path
from typing import Any, Optional

import strawberry
from strawberry.asgi import GraphQL

BENCH_DATA = Path(__file__).resolve().parents[2] / "bench" / "scenario"
DATA: dict[str, Any] = json.loads((BENCH_DATA / "data.json").read_text()) if BENCH_DATA.is_dir() else {}


# -- accounts -----------------------------------------------------------------------------
@strawberry.federation.type(keys=["id"], name="User")
class AccountsUser:
    id: strawberry.ID
    name: str | None
    username: str | None
    birthday: int | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Optional["AccountsUser"]:
        return _user(id)


def _user(id: str) -> AccountsUser | None:
    u = next((u for u in DATA["users"] if u["id"] == id), None)
    return AccountsUser(id=u["id"], name=u["name"], username=u["username"], birthday=u["birthday"]) if u else None


@strawberry.type(name="Query")
class AccountsQuery:
    @strawberry.field
    def me(self) -> AccountsUser | None:
        return _user("1")

    @strawberry.field
    def user(self, id: strawberry.ID) -> AccountsUser | None:
        return _user(id)

    @strawberry.field
    def users(self) -> list[AccountsUser | None] | None:
        return [_user(u["id"]) for u in DATA["users"]]


# -- inventory ----------------------------------------------------------------------------
@strawberry.federation.type(keys=["upc"], name="Product")
class InventoryProduct:
    upc: str
    weight: int | None = strawberry.federation.field(external=True, default=None)
    price: int | None = strawberry.federation.field(external=True, default=None)
    in_stock: bool | None = None

    @strawberry.federation.field(requires=["price", "weight"])
    def shipping_estimate(self) -> int | None:
        return None  # the scenario's quirk: always null

    @classmethod
    def resolve_reference(cls, upc: str, **fields: Any) -> "InventoryProduct":
        item = next((p for p in DATA["inventory"] if p["upc"] == upc), {})
        return InventoryProduct(
            upc=upc, weight=fields.get("weight"), price=fields.get("price"), in_stock=item.get("inStock")
        )


# -- products -----------------------------------------------------------------------------
@strawberry.federation.type(keys=["upc"], name="Product")
class ProductsProduct:
    upc: str
    name: str | None
    price: int | None
    weight: int | None

    @classmethod
    def resolve_reference(cls, upc: str) -> Optional["ProductsProduct"]:
        return _product(upc)


def _product(upc: str) -> ProductsProduct | None:
    p = next((p for p in DATA["products"] if p["upc"] == upc), None)
    return ProductsProduct(upc=p["upc"], name=p["name"], price=p["price"], weight=p["weight"]) if p else None


@strawberry.type(name="Query")
class ProductsQuery:
    @strawberry.field
    def top_products(self, first: int | None = 5) -> list[ProductsProduct | None] | None:
        return [_product(p["upc"]) for p in DATA["products"][: first or 0]]


# -- reviews ------------------------------------------------------------------------------
@strawberry.federation.type(keys=["id"], name="User")
class ReviewsUser:
    id: strawberry.ID
    username: str | None = strawberry.federation.field(external=True, default=None)

    @strawberry.field
    def reviews(self) -> list[Optional["Review"]] | None:
        return [_review(r) for r in DATA["reviews"][:2]]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "ReviewsUser":
        return ReviewsUser(id=id)


@strawberry.federation.type(keys=["upc"], name="Product")
class ReviewsProduct:
    upc: str

    @strawberry.field
    def reviews(self) -> list[Optional["Review"]] | None:
        return [_review(r) for r in DATA["reviews"] if r["product"]["upc"] == self.upc]

    @classmethod
    def resolve_reference(cls, upc: str) -> "ReviewsProduct":
        return ReviewsProduct(upc=upc)


@strawberry.federation.type(keys=["id"])
class Review:
    id: strawberry.ID
    body: str | None
    product: ReviewsProduct | None
    author: ReviewsUser | None = strawberry.federation.field(provides=["username"], default=None)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Optional["Review"]:
        found = next((r for r in DATA["reviews"] if r["id"] == id), None)
        return _review(found) if found else None


def _review(r: dict[str, Any]) -> Review:
    author = ReviewsUser(id=strawberry.ID("1"), username=DATA["users"][0]["username"])
    return Review(id=r["id"], body=r["body"], product=ReviewsProduct(upc=r["product"]["upc"]), author=author)


@strawberry.type(name="Query")
class ReviewsQuery:
    @strawberry.field
    def review(self, id: strawberry.ID) -> Review | None:
        return Review.resolve_reference(id)


def _app(query: type, types: list[type] | None = None) -> GraphQL:
    return GraphQL(strawberry.federation.Schema(query=query, types=types or []))


def apps() -> dict[str, GraphQL]:
    return {
        "accounts": _app(AccountsQuery),
        "inventory": _app(InventoryQuery, [InventoryProduct]),
        "products": _app(ProductsQuery),
        "reviews": _app(ReviewsQuery, [ReviewsUser, ReviewsProduct, Review]),
    }


@strawberry.type(name="Query")
class InventoryQuery:
    @strawberry.field
    def inventory_size(self) -> int:
        return len(DATA["inventory"])
