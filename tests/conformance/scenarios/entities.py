"""Root fields split across subgraphs, entity jumps through @key, @shareable, enums, and the
operation features (arguments, variables, aliases, fragments, @skip/@include) across jumps.

Data (apps/entities.py): products 1 Lontara (50, BOOKS, red), 2 Congklak (30, GAMES, brown/black),
3 Pinisi (120, TOYS); stock 10/0/4; reviews r1 (1, ana, 5), r2 (1, budi, 3), r3 (2, ana, 4);
users u1 ana (Ana, subscribed), u2 budi (no name, not subscribed).
"""

from __future__ import annotations

from functools import partial

from ..harness import Scenario

S = partial(Scenario, area="entities")

STOCK_BY_UPC = [{"upc": "1", "stock": 10}, {"upc": "2", "stock": 0}, {"upc": "3", "stock": 4}]
LONTARA_REVIEWS = [{"id": "r1", "body": "Bagus"}, {"id": "r2", "body": "Lumayan"}]

SCENARIOS = [
    S(
        name="root_field_from_one_subgraph",
        query="{ products { upc name price } }",
        expected={"data": {"products": [
            {"upc": "1", "name": "Lontara", "price": 50},
            {"upc": "2", "name": "Congklak", "price": 30},
            {"upc": "3", "name": "Pinisi", "price": 120},
        ]}},
        fetches={"products": 1, "reviews": 0, "inventory": 0},
    ),
    S(
        name="root_fields_split_across_subgraphs_keep_client_order",
        query="{ me { username } totalStock latestReviews { id } warehouseName }",
        expected={"data": {
            "me": {"username": "ana"},
            "totalStock": 14,
            "latestReviews": [{"id": "r1"}, {"id": "r2"}, {"id": "r3"}],
            "warehouseName": "Gudang Paotere",
        }},
        fetches={"accounts": 1, "inventory": 1, "reviews": 1, "warehouse": 1},
    ),
    S(
        name="typename_at_root_and_on_entities",
        query="{ __typename products { __typename upc } }",
        expected={"data": {"__typename": "Query", "products": [
            {"__typename": "Product", "upc": "1"},
            {"__typename": "Product", "upc": "2"},
            {"__typename": "Product", "upc": "3"},
        ]}},
    ),
    S(
        name="only_typename_at_root_needs_no_subgraph",
        query="{ __typename }",
        expected={"data": {"__typename": "Query"}},
        fetches={"products": 0, "reviews": 0, "accounts": 0, "inventory": 0},
    ),
    S(
        name="entity_jump_through_the_second_key",
        query="{ products { name stock inStock } }",
        expected={"data": {"products": [
            {"name": "Lontara", "stock": 10, "inStock": True},
            {"name": "Congklak", "stock": 0, "inStock": False},
            {"name": "Pinisi", "stock": 4, "inStock": True},
        ]}},
        fetches={"products": 1, "inventory": 1},
        representations={"inventory": 3},
    ),
    S(
        name="fields_from_two_subgraphs_interleaved_in_client_order",
        query='{ product(upc: "2") { stock upc inStock name } }',
        expected={"data": {"product": {"stock": 0, "upc": "2", "inStock": False, "name": "Congklak"}}},
    ),
    S(
        name="entity_jump_to_a_list_field",
        query='{ product(upc: "1") { name reviews { id body } } }',
        expected={"data": {"product": {"name": "Lontara", "reviews": LONTARA_REVIEWS}}},
        fetches={"products": 1, "reviews": 1},
    ),
    S(
        name="nested_entity_jumps_from_a_list",
        query="{ latestReviews { body product { name price } } }",
        expected={"data": {"latestReviews": [
            {"body": "Bagus", "product": {"name": "Lontara", "price": 50}},
            {"body": "Lumayan", "product": {"name": "Lontara", "price": 50}},
            {"body": "Seru", "product": {"name": "Congklak", "price": 30}},
        ]}},
        fetches={"reviews": 1, "products": 1},
    ),
    # Apollo's JS gateway sends the duplicate representation again ([3]); issue 2 asks for identical
    # representations to be deduplicated, as Apollo Router does.
    S(
        name="identical_representations_sent_once_in_one_batch",
        query="{ latestReviews { product { price } } }",
        expected={"data": {"latestReviews": [
            {"product": {"price": 50}}, {"product": {"price": 50}}, {"product": {"price": 30}},
        ]}},
        fetches={"products": 1},
        representations={"products": 2},
    ),
    S(
        name="two_jumps_to_reach_a_subgraph_that_knows_only_another_key",
        query="{ latestReviews { id author { subscribed } } }",
        expected={"data": {"latestReviews": [
            {"id": "r1", "author": {"subscribed": True}},
            {"id": "r2", "author": {"subscribed": False}},
            {"id": "r3", "author": {"subscribed": True}},
        ]}},
        fetches={"reviews": 1, "accounts": 1, "newsletter": 1},
    ),
    S(
        name="key_field_of_a_non_resolvable_reference_needs_no_jump",
        query="{ latestReviews { author { id } } }",
        expected={"data": {"latestReviews": [
            {"author": {"id": "u1"}}, {"author": {"id": "u2"}}, {"author": {"id": "u1"}},
        ]}},
        fetches={"reviews": 1, "accounts": 0},
    ),
    # Two distinct authors among three reviews: two representations (Apollo's JS gateway sends three).
    S(
        name="non_resolvable_reference_is_resolved_in_the_owning_subgraph",
        query="{ latestReviews { author { username name } } }",
        expected={"data": {"latestReviews": [
            {"author": {"username": "ana", "name": "Ana"}},
            {"author": {"username": "budi", "name": None}},
            {"author": {"username": "ana", "name": "Ana"}},
        ]}},
        fetches={"reviews": 1, "accounts": 1},
        representations={"accounts": 2},
    ),
    S(
        name="shareable_field_is_taken_from_the_subgraph_already_visited",
        query="{ latestReviews { product { upc name } } }",
        expected={"data": {"latestReviews": [
            {"product": {"upc": "1", "name": "Lontara"}},
            {"product": {"upc": "1", "name": "Lontara"}},
            {"product": {"upc": "2", "name": "Congklak"}},
        ]}},
        fetches={"reviews": 1, "products": 0},
    ),
    S(
        name="nested_compound_key_jump",
        query='{ product(upc: "2") { variants { color label quantity } } }',
        expected={"data": {"product": {"variants": [
            {"color": "brown", "label": "Congklak (brown)", "quantity": 5},
            {"color": "black", "label": "Congklak (black)", "quantity": 0},
        ]}}},
        fetches={"products": 1, "warehouse": 1},
    ),
    S(
        name="nested_key_fields_selected_by_the_client_with_a_jump",
        query="{ products { upc variants { product { upc } color quantity } } }",
        expected={"data": {"products": [
            {"upc": "1", "variants": [{"product": {"upc": "1"}, "color": "red", "quantity": 3}]},
            {"upc": "2", "variants": [
                {"product": {"upc": "2"}, "color": "brown", "quantity": 5},
                {"product": {"upc": "2"}, "color": "black", "quantity": 0},
            ]},
            {"upc": "3", "variants": []},
        ]}},
        representations={"warehouse": 3},
    ),
    S(
        name="list_of_lists_of_jumped_entities",
        query="{ products { variants { quantity } } }",
        expected={"data": {"products": [
            {"variants": [{"quantity": 3}]},
            {"variants": [{"quantity": 5}, {"quantity": 0}]},
            {"variants": []},
        ]}},
    ),
    S(
        name="enum_value_known_by_only_one_subgraph",
        query="{ products { category } }",
        expected={"data": {"products": [{"category": "BOOKS"}, {"category": "GAMES"}, {"category": "TOYS"}]}},
    ),
    S(
        name="enum_from_the_subgraph_knowing_fewer_values",
        query="{ reviewedCategories }",
        expected={"data": {"reviewedCategories": ["BOOKS", "GAMES"]}},
    ),
    S(
        name="literal_argument",
        query='{ product(upc: "3") { name } }',
        expected={"data": {"product": {"name": "Pinisi"}}},
    ),
    S(
        name="argument_default_value",
        query="{ topProducts { name } }",
        expected={"data": {"topProducts": [{"name": "Pinisi"}, {"name": "Lontara"}]}},
    ),
    S(
        name="argument_given",
        query="{ topProducts(first: 1) { name } }",
        expected={"data": {"topProducts": [{"name": "Pinisi"}]}},
    ),
    S(
        name="variable_in_a_root_argument",
        query="query Top($n: Int!) { topProducts(first: $n) { upc } }",
        variables={"n": 3},
        expected={"data": {"topProducts": [{"upc": "3"}, {"upc": "1"}, {"upc": "2"}]}},
    ),
    S(
        name="variable_default_value",
        query='query Find($upc: String = "2") { product(upc: $upc) { name } }',
        expected={"data": {"product": {"name": "Congklak"}}},
    ),
    S(
        name="variable_in_an_argument_of_a_jumped_field",
        query='query Good($min: Int!) { product(upc: "1") { reviews(minRating: $min) { id } } }',
        variables={"min": 4},
        expected={"data": {"product": {"reviews": [{"id": "r1"}]}}},
    ),
    S(
        name="null_root_entity_needs_no_jump",
        query='{ product(upc: "404") { name stock } }',
        expected={"data": {"product": None}},
        fetches={"products": 1, "inventory": 0},
    ),
    S(
        name="aliases_same_root_field_different_arguments",
        query='{ cheap: product(upc: "2") { name } dear: product(upc: "3") { name } }',
        expected={"data": {"cheap": {"name": "Congklak"}, "dear": {"name": "Pinisi"}}},
    ),
    S(
        name="aliases_same_jumped_field_different_arguments",
        query='{ product(upc: "1") { good: reviews(minRating: 4) { id } all: reviews { id } } }',
        expected={"data": {"product": {"good": [{"id": "r1"}], "all": [{"id": "r1"}, {"id": "r2"}]}}},
    ),
    S(
        name="aliases_on_key_and_jumped_fields",
        query="{ products { code: upc left: stock } }",
        expected={"data": {"products": [
            {"code": "1", "left": 10}, {"code": "2", "left": 0}, {"code": "3", "left": 4},
        ]}},
    ),
    S(
        name="named_fragment_spanning_subgraphs",
        query="{ products { ...Stock } } fragment Stock on Product { name inStock }",
        expected={"data": {"products": [
            {"name": "Lontara", "inStock": True},
            {"name": "Congklak", "inStock": False},
            {"name": "Pinisi", "inStock": True},
        ]}},
    ),
    S(
        name="inline_fragment_fields_come_first_in_document_order",
        query='{ product(upc: "1") { ... on Product { stock reviews { rating } } name } }',
        expected={"data": {"product": {"stock": 10, "reviews": [{"rating": 5}, {"rating": 3}], "name": "Lontara"}}},
    ),
    S(
        name="fragments_selecting_the_same_field_are_merged",
        query=(
            '{ product(upc: "1") { name ...A ...B } } '
            "fragment A on Product { reviews { id } } "
            "fragment B on Product { reviews { body } stock }"
        ),
        expected={"data": {"product": {"name": "Lontara", "reviews": LONTARA_REVIEWS, "stock": 10}}},
    ),
    S(
        name="skip_true_removes_a_field_and_its_jump",
        query='{ product(upc: "1") { name stock @skip(if: true) } }',
        expected={"data": {"product": {"name": "Lontara"}}},
        fetches={"inventory": 0},
    ),
    S(
        name="include_variable_false_removes_a_field_and_its_jump",
        query="query Stock($withStock: Boolean!) { products { upc stock @include(if: $withStock) } }",
        variables={"withStock": False},
        expected={"data": {"products": [{"upc": "1"}, {"upc": "2"}, {"upc": "3"}]}},
        fetches={"inventory": 0},
    ),
    S(
        name="include_variable_true_keeps_a_jumped_field",
        query="query Stock($withStock: Boolean!) { products { upc stock @include(if: $withStock) } }",
        variables={"withStock": True},
        expected={"data": {"products": STOCK_BY_UPC}},
    ),
    S(
        name="skip_on_an_inline_fragment",
        query='query Skip($s: Boolean!) { product(upc: "2") { name ... @skip(if: $s) { stock } } }',
        variables={"s": True},
        expected={"data": {"product": {"name": "Congklak"}}},
    ),
    S(
        name="skip_false_and_include_false_excludes",
        query='{ product(upc: "2") { name stock @skip(if: false) @include(if: false) } }',
        expected={"data": {"product": {"name": "Congklak"}}},
    ),
    S(
        name="skip_on_a_named_fragment_spread",
        query=(
            "query S($s: Boolean!) { products { upc ...Stock @skip(if: $s) } } "
            "fragment Stock on Product { stock }"
        ),
        variables={"s": False},
        expected={"data": {"products": STOCK_BY_UPC}},
    ),
    S(
        name="operation_name_selects_the_operation",
        query="query A { me { username } } query B { totalStock }",
        operation_name="B",
        expected={"data": {"totalStock": 14}},
        fetches={"accounts": 0, "inventory": 1},
    ),
    S(
        name="deep_query_across_four_subgraphs",
        query="{ topProducts { name stock reviews { author { username subscribed } } } }",
        expected={"data": {"topProducts": [
            {"name": "Pinisi", "stock": 4, "reviews": []},
            {"name": "Lontara", "stock": 10, "reviews": [
                {"author": {"username": "ana", "subscribed": True}},
                {"author": {"username": "budi", "subscribed": False}},
            ]},
        ]}},
    ),
    S(
        name="entity_fetched_by_root_field_of_another_subgraph",
        query='{ review(id: "r3") { rating product { upc category inStock } author { name } } }',
        expected={"data": {"review": {
            "rating": 4,
            "product": {"upc": "2", "category": "GAMES", "inStock": False},
            "author": {"name": "Ana"},
        }}},
    ),
    S(
        name="list_argument_literal_with_null_items_in_the_result",
        query='{ productsByUpc(upcs: ["3", "404", "1"]) { upc stock } }',
        expected={"data": {"productsByUpc": [{"upc": "3", "stock": 4}, None, {"upc": "1", "stock": 10}]}},
        representations={"inventory": 2},
    ),
    S(
        name="list_argument_from_a_variable",
        query="query ByUpc($upcs: [String!]!) { productsByUpc(upcs: $upcs) { name } }",
        variables={"upcs": ["2"]},
        expected={"data": {"productsByUpc": [{"name": "Congklak"}]}},
    ),
    S(
        name="single_value_for_a_list_argument_is_coerced_to_a_list",
        query='{ productsByUpc(upcs: "1") { name } }',
        expected={"data": {"productsByUpc": [{"name": "Lontara"}]}},
    ),
    S(
        name="input_object_literal_with_a_nested_variable_and_an_enum",
        query="query Cheap($max: Int) { findProducts(filter: {maxPrice: $max, order: PRICE_DESC}) { name } }",
        variables={"max": 60},
        expected={"data": {"findProducts": [{"name": "Lontara"}, {"name": "Congklak"}]}},
    ),
    S(
        name="input_object_field_default_value",
        query="{ findProducts(filter: {maxPrice: 60}) { name } }",
        expected={"data": {"findProducts": [{"name": "Congklak"}, {"name": "Lontara"}]}},
    ),
    S(
        name="input_object_from_a_variable_with_jumped_fields",
        query="query F($f: ProductFilter!) { findProducts(filter: $f) { upc inStock } }",
        variables={"f": {"upcs": ["1", "2"], "order": "PRICE_DESC"}},
        expected={"data": {"findProducts": [{"upc": "1", "inStock": True}, {"upc": "2", "inStock": False}]}},
    ),
    S(
        name="shareable_root_field_served_with_the_other_root_field_of_its_subgraph",
        query="{ totalStock catalogVersion }",
        expected={"data": {"totalStock": 14, "catalogVersion": "2026.11"}},
        fetches={"inventory": 1, "products": 0},
    ),
    S(
        name="shareable_root_field_served_by_either_subgraph",
        query="{ products { upc } catalogVersion }",
        expected={"data": {"products": [{"upc": "1"}, {"upc": "2"}, {"upc": "3"}], "catalogVersion": "2026.11"}},
        fetches={"products": 1, "inventory": 0},
    ),
    # `products` answers null for an unknown representation without an error; completing the
    # non-null Product.price with null is then a field error raised by the gateway (spec 6.4.3,
    # "Value Completion"), and it propagates through the non-null Review.product. Apollo's JS
    # gateway returns the same data but puts that error under `extensions.valueCompletion` instead
    # of `errors`; the spec wins (a field error belongs in `errors`, 7.1.2).
    S(
        name="entity_unknown_to_its_subgraph_makes_a_non_null_field_error",
        query="{ orphanReview { body product { price } } }",
        expected={
            "data": {"orphanReview": None},
            "errors": [{
                "message": "Cannot return null for non-nullable field Product.price.",
                "path": ["orphanReview", "product", "price"],
            }],
        },
    ),
    S(
        name="entity_unknown_to_its_subgraph_nullable_field_is_null",
        query="{ orphanReview { body product { upc name } } }",
        expected={"data": {"orphanReview": {"body": "Barangnya hilang", "product": {"upc": "9", "name": "Hilang"}}}},
        fetches={"products": 0},
    ),
    S(
        name="skipped_key_field_still_allows_the_jump",
        query="{ products { upc @skip(if: true) stock } }",
        expected={"data": {"products": [{"stock": 10}, {"stock": 0}, {"stock": 4}]}},
    ),
    # An alias is only the client's response key (GraphQL spec 2.7, "Field Alias"). Apollo's JS
    # gateway answers the real `sku` values here (its merge confuses the alias with the key field).
    S(
        name="client_alias_named_like_a_key_field",
        query="{ products { sku: name stock } }",
        expected={"data": {"products": [
            {"sku": "Lontara", "stock": 10}, {"sku": "Congklak", "stock": 0}, {"sku": "Pinisi", "stock": 4},
        ]}},
    ),
    S(
        name="client_alias_named_like_a_field_of_the_next_subgraph",
        query="{ products { stock: price inStock } }",
        expected={"data": {"products": [
            {"stock": 50, "inStock": True}, {"stock": 30, "inStock": False}, {"stock": 120, "inStock": True},
        ]}},
    ),
    S(
        name="alias_on_typename",
        query='{ product(upc: "3") { kind: __typename upc } }',
        expected={"data": {"product": {"kind": "Product", "upc": "3"}}},
    ),
    S(
        name="operation_variable_default_used_in_a_jumped_argument",
        query='query Good($min: Int = 4) { product(upc: "1") { reviews(minRating: $min) { id } } }',
        expected={"data": {"product": {"reviews": [{"id": "r1"}]}}},
    ),
    S(
        name="same_entities_reached_by_two_root_fields",
        query="{ products { stock } topProducts { upc stock } }",
        expected={"data": {
            "products": [{"stock": 10}, {"stock": 0}, {"stock": 4}],
            "topProducts": [{"upc": "3", "stock": 4}, {"upc": "1", "stock": 10}],
        }},
    ),
    S(
        name="empty_list_needs_no_jump",
        query="{ productsByUpc(upcs: []) { stock } }",
        expected={"data": {"productsByUpc": []}},
        fetches={"products": 1, "inventory": 0},
    ),
    S(
        name="list_of_only_nulls_needs_no_jump",
        query='{ productsByUpc(upcs: ["404"]) { stock } }',
        expected={"data": {"productsByUpc": [None]}},
        fetches={"products": 1, "inventory": 0},
    ),
    S(
        name="path_back_through_the_same_subgraph",
        query='{ review(id: "r3") { product { name reviews { author { username } } } } }',
        expected={"data": {"review": {"product": {"name": "Congklak", "reviews": [{"author": {"username": "ana"}}]}}}},
    ),
    S(
        name="input_enum_value_known_by_every_subgraph",
        query="{ reviewsSorted(order: PRICE_ASC) { id } }",
        expected={"data": {"reviewsSorted": [{"id": "r3"}, {"id": "r1"}, {"id": "r2"}]}},
    ),
    S(
        name="input_enum_value_from_a_variable",
        query="query Sorted($order: SortOrder!) { reviewsSorted(order: $order) { id product { price } } }",
        variables={"order": "PRICE_DESC"},
        expected={"data": {"reviewsSorted": [
            {"id": "r1", "product": {"price": 50}},
            {"id": "r2", "product": {"price": 50}},
            {"id": "r3", "product": {"price": 30}},
        ]}},
    ),
    S(
        name="include_false_on_a_root_field_skips_its_subgraph",
        query="query Me($me: Boolean!) { me @include(if: $me) { username } totalStock }",
        variables={"me": False},
        expected={"data": {"totalStock": 14}},
        fetches={"accounts": 0, "inventory": 1},
    ),
    S(
        name="typename_of_a_referenced_entity_needs_no_jump",
        query="{ latestReviews { product { __typename } } }",
        expected={"data": {"latestReviews": [
            {"product": {"__typename": "Product"}}, {"product": {"__typename": "Product"}},
            {"product": {"__typename": "Product"}},
        ]}},
        fetches={"reviews": 1, "products": 0},
    ),
    S(
        name="skip_with_a_variable_inside_a_jumped_selection",
        query=(
            "query R($noBody: Boolean!) { product(upc: \"1\") { reviews { id body @skip(if: $noBody) "
            "author { username @include(if: $noBody) } } } }"
        ),
        variables={"noBody": True},
        expected={"data": {"product": {"reviews": [
            {"id": "r1", "author": {"username": "ana"}}, {"id": "r2", "author": {"username": "budi"}},
        ]}}},
    ),
    S(
        name="compound_key_jump",
        query="{ products { upc shelf { aisle number temperature } } }",
        expected={"data": {"products": [
            {"upc": "1", "shelf": {"aisle": "A", "number": 1, "temperature": 24}},
            {"upc": "2", "shelf": {"aisle": "A", "number": 2, "temperature": 25}},
            {"upc": "3", "shelf": {"aisle": "B", "number": 1, "temperature": 18}},
        ]}},
        fetches={"products": 1, "warehouse": 1},
        representations={"warehouse": 3},
    ),
    S(
        name="compound_key_fields_not_selected_by_the_client",
        query='{ product(upc: "3") { shelf { temperature } } }',
        expected={"data": {"product": {"shelf": {"temperature": 18}}}},
    ),
    S(
        name="jumps_at_several_levels_of_nested_lists",
        query='{ product(upc: "1") { variants { quantity product { reviews { author { subscribed } } } } } }',
        expected={"data": {"product": {"variants": [{"quantity": 3, "product": {"reviews": [
            {"author": {"subscribed": True}}, {"author": {"subscribed": False}},
        ]}}]}}},
    ),
    S(
        name="skip_on_typename",
        query='{ product(upc: "1") { __typename @skip(if: true) name } }',
        expected={"data": {"product": {"name": "Lontara"}}},
    ),
    S(
        name="explicit_null_in_an_input_object_is_passed_on",
        query="{ findProducts(filter: {maxPrice: null}) { name } }",
        expected={"data": {"findProducts": [{"name": "Congklak"}, {"name": "Lontara"}, {"name": "Pinisi"}]}},
    ),
    S(
        name="variables_the_operation_does_not_define_are_ignored",
        query="{ totalStock }",
        variables={"unused": 1},
        expected={"data": {"totalStock": 14}},
    ),
    # Spec 5.8.5 (All Variable Usages Are Allowed): a nullable variable may feed a non-null argument
    # that has a default. Omitted, the argument's default applies (CoerceArgumentValues) ...
    S(
        name="omitted_nullable_variable_for_a_non_null_argument_uses_its_default",
        query="query Top($c: Int) { topProducts(first: $c) { upc } }",
        variables={},
        expected={"data": {"topProducts": [{"upc": "3"}, {"upc": "1"}]}},
    ),
    # ... but an explicit null is a field error of that field (which is non-null here, so data is null).
    S(
        name="explicit_null_variable_for_a_non_null_argument_is_a_field_error",
        query="query Top($c: Int) { topProducts(first: $c) { upc } }",
        variables={"c": None},
        expected={"data": None, "errors": [{"path": ["topProducts"]}]},
    ),
    # Input coercion of lists (spec 3.11): a single value for a list variable is a list of one.
    S(
        name="single_value_for_a_list_variable_is_coerced_to_a_list",
        query="query ByUpc($u: [String!]!) { productsByUpc(upcs: $u) { upc stock } }",
        variables={"u": "1"},
        expected={"data": {"productsByUpc": [{"upc": "1", "stock": 10}]}},
    ),
    S(
        name="error_path_through_two_levels_of_lists_after_a_jump",
        query="{ products { upc variants { color restockDate } } }",
        expected={
            "data": {"products": [
                {"upc": "1", "variants": [{"color": "red", "restockDate": None}]},
                {"upc": "2", "variants": [
                    {"color": "brown", "restockDate": None}, {"color": "black", "restockDate": None},
                ]},
                {"upc": "3", "variants": []},
            ]},
            "errors": [{
                "message": "no restock planned", "path": ["products", 1, "variants", 1, "restockDate"],
                "extensions": {"code": "NO_RESTOCK", "serviceName": "warehouse"},
            }],
        },
    ),
    S(
        name="non_null_error_in_a_nested_list_nulls_the_nearest_nullable_ancestor",
        query='{ product(upc: "2") { name variants { color sealed } } }',
        expected={
            "data": {"product": None},
            "errors": [{
                "message": "seal unknown", "path": ["product", "variants", 1, "sealed"],
                "extensions": {"serviceName": "warehouse"},
            }],
        },
    ),
    # REFURBISHED is @inaccessible: not a value of Condition in the public schema, so completing it
    # is a field error (6.4.3 CompleteValue -> CoerceResult for enums: "not a valid value"). Apollo's
    # JS gateway nulls it too but reports the error under `extensions.valueCompletion`.
    S(
        name="inaccessible_enum_value_from_a_subgraph_is_a_field_error",
        query="{ products { upc condition } }",
        expected={
            "data": {"products": [
                {"upc": "1", "condition": "NEW"}, {"upc": "2", "condition": "USED"}, {"upc": "3", "condition": None},
            ]},
            "errors": [{"path": ["products", 2, "condition"]}],
        },
    ),
    # The same entity twice, asked for the same field with different arguments: deduplicating the
    # representation must not merge the two selections.
    S(
        name="same_entity_same_field_different_arguments_on_two_paths",
        query=(
            "query Two($a: Int!, $b: Int!) { x: product(upc: \"1\") { reviews(minRating: $a) { id } } "
            "y: product(upc: \"1\") { reviews(minRating: $b) { id } } }"
        ),
        variables={"a": 4, "b": 1},
        expected={"data": {"x": {"reviews": [{"id": "r1"}]}, "y": {"reviews": [{"id": "r1"}, {"id": "r2"}]}}},
    ),
]
