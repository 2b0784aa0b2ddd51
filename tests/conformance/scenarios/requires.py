"""@requires, @provides and @external.

Data (apps/requires.py): items i1 "Sarung Sutera" (weight 2, size 10), i2 "Kopi Toraja" (5, 3);
shippingCost = weight * 7; deals d1 -> i1, d2 -> i2; dealOfTheDay -> i2.
"""

from __future__ import annotations

from functools import partial

from ..harness import Scenario

S = partial(Scenario, area="requires")

SCENARIOS = [
    S(
        name="requires_fetches_the_required_field_first",
        query="{ catalog { id shippingCost } }",
        expected={"data": {"catalog": [{"id": "i1", "shippingCost": 14}, {"id": "i2", "shippingCost": 35}]}},
        fetches={"catalog": 1, "shipping": 1},
    ),
    S(
        name="required_field_not_selected_stays_out_of_the_response",
        query='{ item(id: "i1") { shippingCost } }',
        expected={"data": {"item": {"shippingCost": 14}}},
    ),
    S(
        name="requires_two_fields",
        query='{ item(id: "i2") { shippingLabel } }',
        expected={"data": {"item": {"shippingLabel": "i2: 5 kg, 3 dm3"}}},
    ),
    S(
        name="required_field_also_selected_by_the_client",
        query='{ item(id: "i1") { weight shippingCost name } }',
        expected={"data": {"item": {"weight": 2, "shippingCost": 14, "name": "Sarung Sutera"}}},
    ),
    S(
        name="requires_with_an_alias",
        query='{ item(id: "i1") { cost: shippingCost w: weight } }',
        expected={"data": {"item": {"cost": 14, "w": 2}}},
    ),
    S(
        name="two_requiring_fields_in_one_list",
        query="{ catalog { shippingCost shippingLabel } }",
        expected={"data": {"catalog": [
            {"shippingCost": 14, "shippingLabel": "i1: 2 kg, 10 dm3"},
            {"shippingCost": 35, "shippingLabel": "i2: 5 kg, 3 dm3"},
        ]}},
        fetches={"catalog": 1, "shipping": 1},
    ),
    S(
        name="requires_needs_a_jump_before_the_requiring_jump",
        query="{ deals { title item { shippingCost } } }",
        expected={"data": {"deals": [
            {"title": "Diskon sarung", "item": {"shippingCost": 14}},
            {"title": "Promo kopi", "item": {"shippingCost": 35}},
        ]}},
        fetches={"deals": 1, "catalog": 1, "shipping": 1},
    ),
    S(
        name="provides_avoids_a_jump",
        query="{ deals { title item { id name } } }",
        expected={"data": {"deals": [
            {"title": "Diskon sarung", "item": {"id": "i1", "name": "Sarung Sutera"}},
            {"title": "Promo kopi", "item": {"id": "i2", "name": "Kopi Toraja"}},
        ]}},
        fetches={"deals": 1, "catalog": 0},
    ),
    S(
        name="provided_and_not_provided_fields_together",
        query="{ deals { item { name weight } } }",
        expected={"data": {"deals": [
            {"item": {"name": "Sarung Sutera", "weight": 2}},
            {"item": {"name": "Kopi Toraja", "weight": 5}},
        ]}},
        fetches={"deals": 1, "catalog": 1},
    ),
    S(
        name="external_field_without_provides_is_fetched_from_its_owner",
        query="{ dealOfTheDay { name } }",
        expected={"data": {"dealOfTheDay": {"name": "Kopi Toraja"}}},
        fetches={"deals": 1, "catalog": 1},
    ),
    S(
        name="key_field_of_an_entity_needs_no_jump",
        query="{ dealOfTheDay { id } }",
        expected={"data": {"dealOfTheDay": {"id": "i2"}}},
        fetches={"deals": 1, "catalog": 0, "shipping": 0},
    ),
    S(
        name="requires_a_nested_selection",
        query="{ catalog { id footprint } }",
        expected={"data": {"catalog": [{"id": "i1", "footprint": 4}, {"id": "i2", "footprint": 6}]}},
        fetches={"catalog": 1, "shipping": 1},
    ),
    S(
        name="requires_a_field_that_itself_requires_another",
        query='{ item(id: "i2") { insuranceFee } }',
        expected={"data": {"item": {"insuranceFee": 36}}},
        fetches={"catalog": 1, "shipping": 1, "insurance": 1},
    ),
    S(
        name="requires_chain_with_the_intermediate_field_selected",
        query="{ catalog { shippingCost insuranceFee } }",
        expected={"data": {"catalog": [
            {"shippingCost": 14, "insuranceFee": 15}, {"shippingCost": 35, "insuranceFee": 36},
        ]}},
    ),
    S(
        name="required_field_excluded_by_include_is_still_fetched_not_returned",
        query='query W($w: Boolean!) { item(id: "i1") { weight @include(if: $w) shippingCost } }',
        variables={"w": False},
        expected={"data": {"item": {"shippingCost": 14}}},
    ),
    # Apollo's JS gateway sends the client's `weight: name` value in the representation (shipping then
    # fails on a non-Int weight); an alias never changes what a field is (GraphQL spec 2.7).
    S(
        name="client_alias_named_like_the_required_field",
        query='{ item(id: "i1") { weight: name shippingCost } }',
        expected={"data": {"item": {"weight": "Sarung Sutera", "shippingCost": 14}}},
    ),
    S(
        name="requiring_field_with_arguments_under_two_aliases",
        query='{ item(id: "i2") { one: footprint big: footprint(scale: 10) } }',
        expected={"data": {"item": {"one": 6, "big": 60}}},
        fetches={"catalog": 1, "shipping": 1},
    ),
    S(
        name="requiring_field_with_an_argument_from_a_variable",
        query="query Fp($s: Int!) { catalog { footprint(scale: $s) } }",
        variables={"s": 2},
        expected={"data": {"catalog": [{"footprint": 8}, {"footprint": 12}]}},
    ),
    S(
        name="nested_provides_avoids_a_jump",
        query="{ deals { item { name dimensions { width } } } }",
        expected={"data": {"deals": [
            {"item": {"name": "Sarung Sutera", "dimensions": {"width": 4}}},
            {"item": {"name": "Kopi Toraja", "dimensions": {"width": 2}}},
        ]}},
        fetches={"deals": 1, "catalog": 0},
    ),
    S(
        name="nested_provides_covering_part_of_the_selection",
        query="{ deals { item { dimensions { width height } } } }",
        expected={"data": {"deals": [
            {"item": {"dimensions": {"width": 4, "height": 1}}},
            {"item": {"dimensions": {"width": 2, "height": 3}}},
        ]}},
        fetches={"deals": 1, "catalog": 1},
    ),
    S(
        name="requires_a_selection_only_partly_provided",
        query="{ deals { item { footprint } } }",
        expected={"data": {"deals": [{"item": {"footprint": 4}}, {"item": {"footprint": 6}}]}},
        fetches={"deals": 1, "catalog": 1, "shipping": 1},
    ),
    S(
        name="aliased_value_type_field_one_provided_one_not",
        query="{ deals { item { d: dimensions { w: width } dd: dimensions { height } } } }",
        expected={"data": {"deals": [
            {"item": {"d": {"w": 4}, "dd": {"height": 1}}},
            {"item": {"d": {"w": 2}, "dd": {"height": 3}}},
        ]}},
        fetches={"deals": 1, "catalog": 1},
    ),
]
