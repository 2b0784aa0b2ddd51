"""@override, plain and progressive. Each subgraph puts its own name in the values it returns.

billing overrides Account.plan from legacy; Account.status with label percent(0) (the migration has
not started: legacy keeps serving it); Account.tier with label percent(100) (billing serves it).
Apollo's JS gateway ignores progressive-override labels and keeps serving `tier` from legacy;
Apollo Router and the Federation docs for @override(label: "percent(N)") route N% of requests to
the overriding subgraph, so percent(100) is billing, always.
"""

from __future__ import annotations

from functools import partial

from ..harness import Scenario

S = partial(Scenario, area="override")

SCENARIOS = [
    S(
        name="overridden_field_is_served_by_the_overriding_subgraph",
        query='{ account(id: "a1") { plan } }',
        expected={"data": {"account": {"plan": "billing-plan-a1"}}},
        fetches={"legacy": 1, "billing": 1},
    ),
    S(
        name="progressive_override_at_percent_0_keeps_the_old_subgraph",
        query='{ account(id: "a1") { status } }',
        expected={"data": {"account": {"status": "legacy-status-a1"}}},
        fetches={"legacy": 1, "billing": 0},
    ),
    S(
        name="progressive_override_at_percent_100_uses_the_new_subgraph",
        query='{ account(id: "a1") { tier } }',
        expected={"data": {"account": {"tier": "billing-tier-a1"}}},
        fetches={"legacy": 1, "billing": 1},
    ),
    S(
        name="override_mixed_with_fields_that_stay",
        query="{ accounts { id owner plan status tier } }",
        expected={"data": {"accounts": [
            {"id": "a1", "owner": "owner-a1", "plan": "billing-plan-a1", "status": "legacy-status-a1",
             "tier": "billing-tier-a1"},
            {"id": "a2", "owner": "owner-a2", "plan": "billing-plan-a2", "status": "legacy-status-a2",
             "tier": "billing-tier-a2"},
        ]}},
        fetches={"legacy": 1, "billing": 1},
    ),
    S(
        name="fields_not_overridden_need_no_jump",
        query='{ account(id: "a2") { id owner } }',
        expected={"data": {"account": {"id": "a2", "owner": "owner-a2"}}},
        fetches={"legacy": 1, "billing": 0},
    ),
    S(
        name="null_parent_of_an_overridden_field_needs_no_jump",
        query='{ account(id: "zz") { plan } }',
        expected={"data": {"account": None}},
        fetches={"legacy": 1, "billing": 0},
    ),
]
