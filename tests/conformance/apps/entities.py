"""Subgraphs of the `entities` supergraph: root fields split across subgraphs and entity jumps.

products   Query.products/product/topProducts; Product @key(upc) @key(sku); Variant with a nested,
           compound key `product { upc } color`; Category (BOOKS, GAMES, TOYS); an @inaccessible field,
           an @inaccessible type, an @inaccessible enum value (Condition.REFURBISHED, product 3's) and an
           @inaccessible argument (topProducts(cheapestFirst));
           arguments of list and input-object types (productsByUpc, findProducts).
inventory  Product known only by its second key `sku` (stock, inStock).
           Query.catalogVersion is @shareable in products and inventory.
warehouse  Variant by its nested key (restockDate raises for sold-out variants, sealed: Boolean! for
           black ones); Product as a `resolvable: false` reference; Shelf by its
           flat compound key `aisle number` (products references it with `resolvable: false`).
reviews    Query.latestReviews; Review @key(id); Product.reviews(minRating); Product.name @shareable;
           User @key(id, resolvable: false); its own Category with only BOOKS and GAMES;
           SortOrder with a value (RATING_DESC) that products' input enum lacks.
accounts   Query.me/users/user; User @key(id) @key(email).
newsletter User known only by `email` (declared `extend type`), so reaching it from a review's author
           takes two jumps.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal

import strawberry
from graphql import GraphQLError
from strawberry.federation import Schema
from strawberry.federation.schema_directives import Inaccessible, Key
from strawberry.federation.types import FieldSet

# The Federation versions the subgraphs are built for: 2.11 (strawberry's default, join v0.5
# once composed) and 2.0 (join v0.3), so the gateway is checked on both supergraph formats.
FederationVersion = Literal["2.0", "2.11"]

# ---------------------------------------------------------------- data

PRODUCTS: list[dict[str, Any]] = [
    {"upc": "1", "sku": "LON-1", "name": "Lontara", "price": 50, "category": "BOOKS", "colors": ["red"]},
    {"upc": "2", "sku": "CON-2", "name": "Congklak", "price": 30, "category": "GAMES",
     "colors": ["brown", "black"]},
    {"upc": "3", "sku": "PIN-3", "name": "Pinisi", "price": 120, "category": "TOYS", "colors": []},
]
SHELVES = {"1": ("A", 1), "2": ("A", 2), "3": ("B", 1)}
TEMPERATURES = {("A", 1): 24, ("A", 2): 25, ("B", 1): 18}
STOCK = {"LON-1": 10, "CON-2": 0, "PIN-3": 4}
VARIANT_QUANTITY = {("1", "red"): 3, ("2", "brown"): 5, ("2", "black"): 0}
REVIEWS: list[dict[str, Any]] = [
    {"id": "r1", "upc": "1", "author": "u1", "body": "Bagus", "rating": 5},
    {"id": "r2", "upc": "1", "author": "u2", "body": "Lumayan", "rating": 3},
    {"id": "r3", "upc": "2", "author": "u1", "body": "Seru", "rating": 4},
]
USERS: list[dict[str, Any]] = [
    {"id": "u1", "email": "ana@makassarkota.go.id", "username": "ana", "name": "Ana"},
    {"id": "u2", "email": "budi@makassarkota.go.id", "username": "budi", "name": None},
]
CATALOG_VERSION = "2026.11"
SUBSCRIBED = {"ana@makassarkota.go.id": True, "budi@makassarkota.go.id": False}


def product_by(key: str, value: Any) -> dict[str, Any] | None:
    return next((p for p in PRODUCTS if p[key] == value), None)


# ---------------------------------------------------------------- products


@strawberry.enum(name="Category")
class ProductsCategory(enum.Enum):
    BOOKS = "BOOKS"
    GAMES = "GAMES"
    TOYS = "TOYS"


@strawberry.enum(name="Condition")
class Condition(enum.Enum):
    NEW = "NEW"
    USED = "USED"
    # Hidden from the public schema: a client can never be sent this value.
    REFURBISHED = strawberry.enum_value("REFURBISHED", directives=[Inaccessible()])


@strawberry.federation.type(name="Variant", keys=["product { upc } color"])
class ProductsVariant:
    product: ProductsProduct
    color: str

    @strawberry.field
    def label(self) -> str:
        return f"{self.product.name} ({self.color})"

    @classmethod
    def resolve_reference(cls, product: dict[str, Any], color: str) -> ProductsVariant:
        return cls(product=ProductsProduct.from_row(product_by("upc", product["upc"])), color=color)


@strawberry.federation.type(name="Shelf", keys=[Key(fields=FieldSet("aisle number"), resolvable=False)])
class ProductsShelf:
    aisle: str
    number: int


@strawberry.federation.type(name="InternalInfo", inaccessible=True)
class InternalInfo:
    code: str


@strawberry.federation.type(name="Product", keys=["upc", "sku"])
class ProductsProduct:
    upc: str
    sku: str
    name: str = strawberry.federation.field(shareable=True)
    price: int = strawberry.federation.field(tags=["public"])
    category: ProductsCategory
    internal_code: str | None = strawberry.federation.field(inaccessible=True, default=None)

    @strawberry.federation.field(inaccessible=True)
    def internal(self) -> InternalInfo | None:
        return InternalInfo(code=f"internal-{self.upc}")

    @strawberry.field
    def condition(self) -> Condition | None:
        return {"1": Condition.NEW, "2": Condition.USED, "3": Condition.REFURBISHED}[self.upc]

    @strawberry.field
    def shelf(self) -> ProductsShelf:
        aisle, number = SHELVES[self.upc]
        return ProductsShelf(aisle=aisle, number=number)

    @strawberry.field
    def variants(self) -> list[ProductsVariant]:
        row = product_by("upc", self.upc)
        assert row is not None
        return [ProductsVariant(product=self, color=c) for c in row["colors"]]

    @classmethod
    def from_row(cls, row: dict[str, Any] | None) -> ProductsProduct:
        assert row is not None
        return cls(
            upc=row["upc"], sku=row["sku"], name=row["name"], price=row["price"],
            category=ProductsCategory(row["category"]), internal_code=f"internal-{row['upc']}",
        )

    @classmethod
    def resolve_reference(cls, **key: Any) -> ProductsProduct | None:
        field = "upc" if "upc" in key else "sku"
        row = product_by(field, key[field])
        return None if row is None else cls.from_row(row)


@strawberry.enum(name="SortOrder")
class SortOrder(enum.Enum):
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"


@strawberry.input(name="ProductFilter")
class ProductFilter:
    max_price: int | None = None
    upcs: list[str] | None = None
    order: SortOrder = SortOrder.PRICE_ASC


@strawberry.type(name="Query")
class ProductsQuery:
    @strawberry.federation.field(shareable=True)
    def catalog_version(self) -> str:
        return CATALOG_VERSION

    @strawberry.field
    def products_by_upc(self, upcs: list[str]) -> list[ProductsProduct | None]:
        return [None if product_by("upc", u) is None else ProductsProduct.from_row(product_by("upc", u)) for u in upcs]

    @strawberry.field
    def find_products(self, filter: ProductFilter) -> list[ProductsProduct]:
        found = [
            p for p in PRODUCTS
            if (filter.max_price is None or p["price"] <= filter.max_price)
            and (filter.upcs is None or p["upc"] in filter.upcs)
        ]
        found.sort(key=lambda p: p["price"], reverse=filter.order is SortOrder.PRICE_DESC)
        return [ProductsProduct.from_row(p) for p in found]

    @strawberry.field
    def products(self) -> list[ProductsProduct]:
        return [ProductsProduct.from_row(p) for p in PRODUCTS]

    @strawberry.field
    def product(self, upc: str) -> ProductsProduct | None:
        row = product_by("upc", upc)
        return None if row is None else ProductsProduct.from_row(row)

    @strawberry.field
    def top_products(
        self,
        first: int = 2,
        cheapest_first: Annotated[bool, strawberry.argument(directives=[Inaccessible()])] = False,
    ) -> list[ProductsProduct]:
        ranked = sorted(PRODUCTS, key=lambda p: p["price"] if cheapest_first else -p["price"])
        return [ProductsProduct.from_row(p) for p in ranked[:first]]



# ---------------------------------------------------------------- inventory


@strawberry.federation.type(name="Product", keys=["sku"])
class InventoryProduct:
    sku: str

    @strawberry.field
    def stock(self) -> int:
        return STOCK[self.sku]

    @strawberry.field
    def in_stock(self) -> bool:
        return STOCK[self.sku] > 0

    @classmethod
    def resolve_reference(cls, sku: str) -> InventoryProduct:
        return cls(sku=sku)


@strawberry.type(name="Query")
class InventoryQuery:
    @strawberry.federation.field(shareable=True)
    def catalog_version(self) -> str:
        return CATALOG_VERSION

    @strawberry.field
    def total_stock(self) -> int:
        return sum(STOCK.values())



# ---------------------------------------------------------------- warehouse


@strawberry.federation.type(name="Product", keys=[Key(fields=FieldSet("upc"), resolvable=False)])
class WarehouseProduct:
    upc: str


@strawberry.federation.type(name="Variant", keys=["product { upc } color"])
class WarehouseVariant:
    product: WarehouseProduct
    color: str

    @strawberry.field
    def quantity(self) -> int:
        return VARIANT_QUANTITY[(self.product.upc, self.color)]

    @strawberry.field
    def restock_date(self) -> str | None:
        if VARIANT_QUANTITY[(self.product.upc, self.color)] == 0:
            raise GraphQLError("no restock planned", extensions={"code": "NO_RESTOCK"})
        return None

    @strawberry.field
    def sealed(self) -> bool:
        if self.color == "black":
            raise GraphQLError("seal unknown")
        return True

    @classmethod
    def resolve_reference(cls, product: dict[str, Any], color: str) -> WarehouseVariant:
        return cls(product=WarehouseProduct(upc=product["upc"]), color=color)


@strawberry.federation.type(name="Shelf", keys=["aisle number"])
class WarehouseShelf:
    aisle: str
    number: int

    @strawberry.field
    def temperature(self) -> int:
        return TEMPERATURES[(self.aisle, self.number)]

    @classmethod
    def resolve_reference(cls, aisle: str, number: int) -> WarehouseShelf:
        return cls(aisle=aisle, number=number)


@strawberry.type(name="Query")
class WarehouseQuery:
    @strawberry.field
    def warehouse_name(self) -> str:
        return "Gudang Paotere"



# ---------------------------------------------------------------- reviews


@strawberry.enum(name="Category")
class ReviewsCategory(enum.Enum):
    BOOKS = "BOOKS"
    GAMES = "GAMES"


@strawberry.federation.type(name="User", keys=[Key(fields=FieldSet("id"), resolvable=False)])
class ReviewsUser:
    id: strawberry.ID


@strawberry.federation.type(name="Review", keys=["id"])
class Review:
    id: strawberry.ID
    body: str
    rating: int
    author: ReviewsUser
    product: ReviewsProduct

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Review:
        return cls(
            id=strawberry.ID(row["id"]), body=row["body"], rating=row["rating"],
            author=ReviewsUser(id=strawberry.ID(row["author"])),
            product=ReviewsProduct.by_upc(row["upc"]),
        )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Review | None:
        row = next((r for r in REVIEWS if r["id"] == id), None)
        return None if row is None else cls.from_row(row)


@strawberry.federation.type(name="Product", keys=["upc"])
class ReviewsProduct:
    upc: str
    # Nullable here, String! in products: the supergraph says String with @join__field(type: ...).
    name: str | None = strawberry.federation.field(shareable=True)

    @strawberry.field
    def reviews(self, min_rating: int = 0) -> list[Review]:
        return [Review.from_row(r) for r in REVIEWS if r["upc"] == self.upc and r["rating"] >= min_rating]

    @classmethod
    def by_upc(cls, upc: str) -> ReviewsProduct:
        row = product_by("upc", upc)
        assert row is not None
        return cls(upc=upc, name=row["name"])

    @classmethod
    def resolve_reference(cls, upc: str) -> ReviewsProduct | None:
        return None if product_by("upc", upc) is None else cls.by_upc(upc)


@strawberry.enum(name="SortOrder")
class ReviewsSortOrder(enum.Enum):
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    RATING_DESC = "RATING_DESC"  # only this subgraph knows it: composition leaves it out of the input enum


@strawberry.type(name="Query")
class ReviewsQuery:
    @strawberry.field
    def reviews_sorted(self, order: ReviewsSortOrder) -> list[Review]:
        def price(row: dict[str, Any]) -> int:
            product = product_by("upc", row["upc"])
            assert product is not None
            return int(product["price"])

        if order is ReviewsSortOrder.RATING_DESC:
            rows = sorted(REVIEWS, key=lambda r: -r["rating"])
        else:
            rows = sorted(REVIEWS, key=price, reverse=order is ReviewsSortOrder.PRICE_DESC)
        return [Review.from_row(r) for r in rows]

    @strawberry.field
    def latest_reviews(self) -> list[Review]:
        return [Review.from_row(r) for r in REVIEWS]

    @strawberry.field
    def review(self, id: strawberry.ID) -> Review | None:
        return Review.resolve_reference(id)

    @strawberry.field
    def orphan_review(self) -> Review | None:
        # Its product is unknown to `products`, whose _entities answers null for it without an error.
        return Review(
            id=strawberry.ID("r9"), body="Barangnya hilang", rating=1,
            author=ReviewsUser(id=strawberry.ID("u2")), product=ReviewsProduct(upc="9", name="Hilang"),
        )

    @strawberry.field
    def reviewed_categories(self) -> list[ReviewsCategory]:
        return [ReviewsCategory.BOOKS, ReviewsCategory.GAMES]



# ---------------------------------------------------------------- accounts


@strawberry.federation.type(name="User", keys=["id", "email"])
class AccountsUser:
    id: strawberry.ID
    email: str
    username: str
    name: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AccountsUser:
        return cls(id=strawberry.ID(row["id"]), email=row["email"], username=row["username"], name=row["name"])

    @classmethod
    def resolve_reference(cls, **key: Any) -> AccountsUser | None:
        field = "id" if "id" in key else "email"
        row = next((u for u in USERS if u[field] == key[field]), None)
        return None if row is None else cls.from_row(row)


@strawberry.type(name="Query")
class AccountsQuery:
    @strawberry.field
    def me(self) -> AccountsUser:
        return AccountsUser.from_row(USERS[0])

    @strawberry.field
    def users(self) -> list[AccountsUser]:
        return [AccountsUser.from_row(u) for u in USERS]

    @strawberry.field
    def user(self, id: strawberry.ID) -> AccountsUser | None:
        return AccountsUser.resolve_reference(id=id)



# ---------------------------------------------------------------- newsletter


@strawberry.federation.type(name="User", keys=["email"], extend=True)
class NewsletterUser:
    email: str

    @strawberry.field
    def subscribed(self) -> bool:
        return SUBSCRIBED[self.email]

    @classmethod
    def resolve_reference(cls, email: str) -> NewsletterUser:
        return cls(email=email)


@strawberry.type(name="Query")
class NewsletterQuery:
    @strawberry.field
    def subscriber_count(self) -> int:
        return sum(SUBSCRIBED.values())




def build(federation_version: FederationVersion = "2.11") -> dict[str, Schema]:
    """The area's subgraphs, linking the given Federation version (2.0 composes to join v0.3)."""
    return {
        "products": Schema(query=ProductsQuery, federation_version=federation_version),
        "inventory": Schema(query=InventoryQuery, types=[InventoryProduct], federation_version=federation_version),
        "warehouse": Schema(
            query=WarehouseQuery, types=[WarehouseVariant, WarehouseShelf], federation_version=federation_version
        ),
        "reviews": Schema(query=ReviewsQuery, federation_version=federation_version),
        "accounts": Schema(query=AccountsQuery, federation_version=federation_version),
        "newsletter": Schema(query=NewsletterQuery, types=[NewsletterUser], federation_version=federation_version),
    }


SUBGRAPHS = build()
