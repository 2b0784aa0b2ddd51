"""Subgraphs of the `override` supergraph: @override, plain and progressive (labels).

legacy   Query.account/accounts; Account @key(id) with plan, status, tier and owner.
billing  Account.plan @override(from: "legacy");
         Account.status @override(from: "legacy", label: "percent(0)")   -> still served by legacy;
         Account.tier @override(from: "legacy", label: "percent(100)")   -> always served by billing.
Each subgraph answers with its own name in the value, so a response shows which one was asked.
"""

from __future__ import annotations

import strawberry
from strawberry.federation import Schema
from strawberry.federation.schema_directives import Override

ACCOUNT_IDS = ["a1", "a2"]


@strawberry.federation.type(name="Account", keys=["id"])
class LegacyAccount:
    id: strawberry.ID

    @strawberry.field
    def plan(self) -> str:
        return f"legacy-plan-{self.id}"

    @strawberry.field
    def status(self) -> str:
        return f"legacy-status-{self.id}"

    @strawberry.field
    def tier(self) -> str:
        return f"legacy-tier-{self.id}"

    @strawberry.field
    def owner(self) -> str:
        return f"owner-{self.id}"

    @classmethod
    def resolve_reference(cls, id: str) -> LegacyAccount:
        return cls(id=strawberry.ID(id))


@strawberry.type(name="Query")
class LegacyQuery:
    @strawberry.field
    def account(self, id: strawberry.ID) -> LegacyAccount | None:
        return LegacyAccount(id=id) if id in ACCOUNT_IDS else None

    @strawberry.field
    def accounts(self) -> list[LegacyAccount]:
        return [LegacyAccount(id=strawberry.ID(i)) for i in ACCOUNT_IDS]


legacy = Schema(query=LegacyQuery)


@strawberry.federation.type(name="Account", keys=["id"])
class BillingAccount:
    id: strawberry.ID

    @strawberry.federation.field(override="legacy")
    def plan(self) -> str:
        return f"billing-plan-{self.id}"

    @strawberry.federation.field(override=Override(override_from="legacy", label="percent(0)"))
    def status(self) -> str:
        return f"billing-status-{self.id}"

    @strawberry.federation.field(override=Override(override_from="legacy", label="percent(100)"))
    def tier(self) -> str:
        return f"billing-tier-{self.id}"

    @classmethod
    def resolve_reference(cls, id: str) -> BillingAccount:
        return cls(id=strawberry.ID(id))


@strawberry.type(name="Query")
class BillingQuery:
    @strawberry.field
    def billing_currency(self) -> str:
        return "IDR"


billing = Schema(query=BillingQuery, types=[BillingAccount])

SUBGRAPHS = {"legacy": legacy, "billing": billing}
