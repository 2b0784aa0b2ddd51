"""Subgraphs of the `requires` supergraph: @requires, @provides and @external.

catalog   Query.catalog/item; Item @key(id) with name (@shareable), weight and size.
shipping  Item.weight/size/dimensions @external; shippingCost @requires(weight); shippingLabel
          @requires(weight size); footprint(scale) @requires(dimensions { width height }) (a nested selection).
insurance Item.shippingCost @external; insuranceFee @requires(shippingCost): a requirement that is
          itself a @requires field of another subgraph (catalog -> shipping -> insurance).
deals     Query.deals: Deal.item @provides(fields: "name dimensions { width }") with Item.name and
          Item.dimensions @external (deals knows only the width of Dimensions);
          Query.dealOfTheDay returns an Item without providing anything.
"""

from __future__ import annotations

from typing import Any, Literal

import strawberry
from strawberry.federation import Schema

# The Federation versions the subgraphs are built for: 2.11 (strawberry's default, join v0.5
# once composed) and 2.0 (join v0.3), so the gateway is checked on both supergraph formats.
FederationVersion = Literal["2.0", "2.11"]

ITEMS: list[dict[str, Any]] = [
    {"id": "i1", "name": "Sarung Sutera", "weight": 2, "size": 10, "width": 4, "height": 1},
    {"id": "i2", "name": "Kopi Toraja", "weight": 5, "size": 3, "width": 2, "height": 3},
]
DEALS: list[dict[str, Any]] = [
    {"id": "d1", "title": "Diskon sarung", "item": "i1"},
    {"id": "d2", "title": "Promo kopi", "item": "i2"},
]


def item_row(id: str) -> dict[str, Any] | None:
    return next((i for i in ITEMS if i["id"] == id), None)


# ---------------------------------------------------------------- catalog


@strawberry.federation.type(name="Dimensions", shareable=True)
class CatalogDimensions:
    width: int
    height: int


@strawberry.federation.type(name="Item", keys=["id"])
class CatalogItem:
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)
    weight: int
    size: int
    dimensions: CatalogDimensions = strawberry.federation.field(shareable=True)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CatalogItem:
        return cls(
            id=strawberry.ID(row["id"]), name=row["name"], weight=row["weight"], size=row["size"],
            dimensions=CatalogDimensions(width=row["width"], height=row["height"]),
        )

    @classmethod
    def resolve_reference(cls, id: str) -> CatalogItem | None:
        row = item_row(id)
        return None if row is None else cls.from_row(row)


@strawberry.type(name="Query")
class CatalogQuery:
    @strawberry.field
    def catalog(self) -> list[CatalogItem]:
        return [CatalogItem.from_row(i) for i in ITEMS]

    @strawberry.field
    def item(self, id: strawberry.ID) -> CatalogItem | None:
        return CatalogItem.resolve_reference(id)



# ---------------------------------------------------------------- shipping


@strawberry.federation.type(name="Dimensions", shareable=True)
class ShippingDimensions:
    width: int
    height: int


@strawberry.federation.type(name="Item", keys=["id"])
class ShippingItem:
    id: strawberry.ID
    dimensions: ShippingDimensions | None = strawberry.federation.field(
        external=True, default=None, graphql_type=ShippingDimensions
    )
    weight: int | None = strawberry.federation.field(external=True, default=None, graphql_type=int)
    size: int | None = strawberry.federation.field(external=True, default=None, graphql_type=int)

    @strawberry.federation.field(requires=["weight"])
    def shipping_cost(self) -> int:
        # The representation must carry the required field: without it this is an error, not a guess.
        if self.weight is None:
            raise ValueError("weight was not provided in the representation")
        return self.weight * 7

    @strawberry.federation.field(requires=["weight size"])
    def shipping_label(self) -> str:
        if self.weight is None or self.size is None:
            raise ValueError("weight and size were not provided in the representation")
        return f"{self.id}: {self.weight} kg, {self.size} dm3"

    @strawberry.federation.field(requires=["dimensions { width height }"])
    def footprint(self, scale: int = 1) -> int:
        if self.dimensions is None:
            raise ValueError("dimensions were not provided in the representation")
        return self.dimensions.width * self.dimensions.height * scale

    @classmethod
    def resolve_reference(
        cls, id: str, weight: int | None = None, size: int | None = None, dimensions: dict[str, int] | None = None
    ) -> ShippingItem:
        box = None if dimensions is None else ShippingDimensions(width=dimensions["width"], height=dimensions["height"])
        return cls(id=strawberry.ID(id), weight=weight, size=size, dimensions=box)


@strawberry.type(name="Query")
class ShippingQuery:
    @strawberry.field
    def carriers(self) -> list[str]:
        return ["Pos Indonesia", "JNE"]



# ---------------------------------------------------------------- deals


@strawberry.federation.type(name="Dimensions", shareable=True)
class DealsDimensions:
    # Only the width is known here (and provided); the height is the catalog's to answer.
    width: int


@strawberry.federation.type(name="Item", keys=["id"])
class DealsItem:
    id: strawberry.ID
    name: str = strawberry.federation.field(external=True)
    dimensions: DealsDimensions = strawberry.federation.field(external=True)


@strawberry.type(name="Deal")
class Deal:
    id: strawberry.ID
    title: str
    item: DealsItem = strawberry.federation.field(provides=["name dimensions { width }"])


def deals_item(id: str) -> DealsItem:
    row = item_row(id)
    assert row is not None
    return DealsItem(id=strawberry.ID(id), name=row["name"], dimensions=DealsDimensions(width=row["width"]))


@strawberry.type(name="Query")
class DealsQuery:
    @strawberry.field
    def deals(self) -> list[Deal]:
        return [Deal(id=strawberry.ID(d["id"]), title=d["title"], item=deals_item(d["item"])) for d in DEALS]

    @strawberry.field
    def deal_of_the_day(self) -> DealsItem:
        return deals_item("i2")



# ---------------------------------------------------------------- insurance


@strawberry.federation.type(name="Item", keys=["id"])
class InsuranceItem:
    id: strawberry.ID
    shipping_cost: int | None = strawberry.federation.field(external=True, default=None, graphql_type=int)

    @strawberry.federation.field(requires=["shippingCost"])
    def insurance_fee(self) -> int:
        if self.shipping_cost is None:
            raise ValueError("shippingCost was not provided in the representation")
        return self.shipping_cost + 1

    @classmethod
    def resolve_reference(cls, id: str, shippingCost: int | None = None) -> InsuranceItem:
        return cls(id=strawberry.ID(id), shipping_cost=shippingCost)


@strawberry.type(name="Query")
class InsuranceQuery:
    @strawberry.field
    def insurer(self) -> str:
        return "Asuransi Sulawesi"



def build(federation_version: FederationVersion = "2.11") -> dict[str, Schema]:
    """The area's subgraphs, linking the given Federation version (2.0 composes to join v0.3)."""
    return {
        "catalog": Schema(query=CatalogQuery, federation_version=federation_version),
        "shipping": Schema(query=ShippingQuery, types=[ShippingItem], federation_version=federation_version),
        "deals": Schema(query=DealsQuery, federation_version=federation_version),
        "insurance": Schema(query=InsuranceQuery, types=[InsuranceItem], federation_version=federation_version),
    }


SUBGRAPHS = build()
