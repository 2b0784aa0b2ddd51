"""Interfaces and unions whose members live in different subgraphs, and @interfaceObject.

Data (apps/abstract.py): m1 Book "Sureq Galigo" (300 pages, rating 5), m2 Movie "Athirah"
(82 minutes, rating 4, director Riri Riza in `extras`), m3 Book "La Galigo" (120 pages, rating 3);
topRated = m1, m2; search(term) = books whose title contains term, then matching articles
(a1 "Pantai Losari bersih").
"""

from __future__ import annotations

from functools import partial

from ..harness import Scenario

S = partial(Scenario, area="abstract")

SCENARIOS = [
    S(
        name="interface_field_typename_on_each_member",
        query="{ media { __typename id title } }",
        expected={"data": {"media": [
            {"__typename": "Book", "id": "m1", "title": "Sureq Galigo"},
            {"__typename": "Movie", "id": "m2", "title": "Athirah"},
            {"__typename": "Book", "id": "m3", "title": "La Galigo"},
        ]}},
    ),
    S(
        name="type_conditions_on_interface_members",
        query="{ media { title ... on Book { pages } ... on Movie { minutes } } }",
        expected={"data": {"media": [
            {"title": "Sureq Galigo", "pages": 300},
            {"title": "Athirah", "minutes": 82},
            {"title": "La Galigo", "pages": 120},
        ]}},
        fetches={"library": 1},
    ),
    S(
        name="member_field_from_another_subgraph_only_for_that_member",
        query="{ media { id ... on Movie { director } } }",
        expected={"data": {"media": [{"id": "m1"}, {"id": "m2", "director": "Riri Riza"}, {"id": "m3"}]}},
        fetches={"library": 1, "extras": 1},
        representations={"extras": 1},
    ),
    S(
        name="interface_object_field_on_interface_results",
        query="{ media { title rating } }",
        expected={"data": {"media": [
            {"title": "Sureq Galigo", "rating": 5},
            {"title": "Athirah", "rating": 4},
            {"title": "La Galigo", "rating": 3},
        ]}},
        fetches={"library": 1, "ratings": 1},
    ),
    S(
        name="interface_object_root_field_needs_no_jump_for_its_own_fields",
        query="{ topRated { id rating } }",
        expected={"data": {"topRated": [{"id": "m1", "rating": 5}, {"id": "m2", "rating": 4}]}},
        fetches={"ratings": 1, "library": 0},
    ),
    S(
        name="interface_object_typename_comes_from_the_subgraph_knowing_the_members",
        query="{ topRated { __typename id } }",
        expected={"data": {"topRated": [{"__typename": "Book", "id": "m1"}, {"__typename": "Movie", "id": "m2"}]}},
        fetches={"ratings": 1, "library": 1},
    ),
    S(
        name="interface_object_interface_field_from_another_subgraph",
        query="{ topRated { title rating } }",
        expected={"data": {"topRated": [{"title": "Sureq Galigo", "rating": 5}, {"title": "Athirah", "rating": 4}]}},
    ),
    S(
        name="interface_object_with_type_conditions_across_three_subgraphs",
        query="{ topRated { rating ... on Book { pages } ... on Movie { minutes director } } }",
        expected={"data": {"topRated": [
            {"rating": 5, "pages": 300},
            {"rating": 4, "minutes": 82, "director": "Riri Riza"},
        ]}},
    ),
    S(
        name="union_members_resolved_in_different_subgraphs",
        query='{ search(term: "") { __typename ... on Book { title pages } ... on Article { headline } } }',
        expected={"data": {"search": [
            {"__typename": "Book", "title": "Sureq Galigo", "pages": 300},
            {"__typename": "Book", "title": "La Galigo", "pages": 120},
            {"__typename": "Article", "headline": "Pantai Losari bersih"},
        ]}},
        fetches={"search": 1, "library": 1},
    ),
    S(
        name="union_typename_only",
        query='{ search(term: "losari") { __typename } }',
        expected={"data": {"search": [{"__typename": "Article"}]}},
        fetches={"search": 1, "library": 0},
    ),
    S(
        name="interface_fragment_inside_a_union_selection",
        query='{ search(term: "galigo") { ... on Media { id title } } }',
        expected={"data": {"search": [{"id": "m1", "title": "Sureq Galigo"}, {"id": "m3", "title": "La Galigo"}]}},
    ),
    S(
        name="union_member_field_from_an_interface_object",
        query='{ search(term: "sureq") { ... on Book { rating } } }',
        expected={"data": {"search": [{"rating": 5}]}},
    ),
    S(
        name="named_fragment_on_an_interface",
        query='{ mediaItem(id: "m2") { ...M } } fragment M on Media { title ... on Movie { director } }',
        expected={"data": {"mediaItem": {"title": "Athirah", "director": "Riri Riza"}}},
    ),
    S(
        name="type_condition_not_matching_gives_an_empty_object",
        query='{ mediaItem(id: "m1") { ... on Movie { minutes } } }',
        expected={"data": {"mediaItem": {}}},
    ),
    S(
        name="null_interface_result_needs_no_jump",
        query='{ mediaItem(id: "none") { title rating } }',
        expected={"data": {"mediaItem": None}},
        fetches={"library": 1, "ratings": 0},
    ),
    S(
        name="typename_inside_a_type_condition",
        query="{ media { ... on Book { __typename title } } }",
        expected={"data": {"media": [
            {"__typename": "Book", "title": "Sureq Galigo"}, {}, {"__typename": "Book", "title": "La Galigo"},
        ]}},
    ),
    S(
        name="interface_object_fields_through_an_interface_fragment_in_a_union",
        query='{ search(term: "galigo") { __typename ... on Media { rating } ... on Article { headline } } }',
        expected={"data": {"search": [{"__typename": "Book", "rating": 5}, {"__typename": "Book", "rating": 3}]}},
    ),
    S(
        name="same_alias_for_fields_of_different_members_from_different_subgraphs",
        query="{ media { id ... on Book { info: title } ... on Movie { info: director } } }",
        expected={"data": {"media": [
            {"id": "m1", "info": "Sureq Galigo"}, {"id": "m2", "info": "Riri Riza"}, {"id": "m3", "info": "La Galigo"},
        ]}},
    ),
    S(
        name="interface_fragment_on_interface_object_results",
        query="{ topRated { ... on Media { id rating } ... on Movie { title } } }",
        expected={"data": {"topRated": [{"id": "m1", "rating": 5}, {"id": "m2", "rating": 4, "title": "Athirah"}]}},
    ),
    S(
        name="include_on_a_type_condition_with_a_variable",
        query="query M($d: Boolean!) { media { id ... on Movie @include(if: $d) { director } } }",
        variables={"d": True},
        expected={"data": {"media": [{"id": "m1"}, {"id": "m2", "director": "Riri Riza"}, {"id": "m3"}]}},
    ),
    S(
        name="skip_on_a_type_condition_with_a_variable_avoids_the_jump",
        query="query M($d: Boolean!) { media { id ... on Movie @skip(if: $d) { director } } }",
        variables={"d": True},
        expected={"data": {"media": [{"id": "m1"}, {"id": "m2"}, {"id": "m3"}]}},
        fetches={"library": 1, "extras": 0},
    ),
    S(
        name="interface_object_field_requiring_an_interface_field",
        query="{ media { stars } }",
        expected={"data": {"media": [
            {"stars": "Sureq Galigo *****"}, {"stars": "Athirah ****"}, {"stars": "La Galigo ***"},
        ]}},
        fetches={"library": 1, "ratings": 1},
    ),
    S(
        name="interface_object_requires_from_its_own_root_field",
        query="{ topRated { id stars } }",
        expected={"data": {"topRated": [
            {"id": "m1", "stars": "Sureq Galigo *****"}, {"id": "m2", "stars": "Athirah ****"},
        ]}},
        fetches={"ratings": 2, "library": 1},
    ),
    S(
        name="interface_object_requires_inside_a_type_condition",
        query='{ mediaItem(id: "m2") { ... on Movie { stars director } } }',
        expected={"data": {"mediaItem": {"stars": "Athirah ****", "director": "Riri Riza"}}},
    ),
    S(
        name="interface_fields_from_four_subgraphs_at_once",
        query="{ media { title rating stars ... on Movie { director } } }",
        expected={"data": {"media": [
            {"title": "Sureq Galigo", "rating": 5, "stars": "Sureq Galigo *****"},
            {"title": "Athirah", "rating": 4, "stars": "Athirah ****", "director": "Riri Riza"},
            {"title": "La Galigo", "rating": 3, "stars": "La Galigo ***"},
        ]}},
    ),
    S(
        name="nested_fragments_through_union_and_interface",
        query=(
            '{ search(term: "a") { ...Result } } '
            "fragment Result on SearchResult { __typename ... on Media { ...MediaFields } ... on Article { id } } "
            "fragment MediaFields on Media { id ... on Book { pages } }"
        ),
        expected={"data": {"search": [
            {"__typename": "Book", "id": "m1", "pages": 300},
            {"__typename": "Book", "id": "m3", "pages": 120},
            {"__typename": "Article", "id": "a1"},
        ]}},
    ),
    S(
        name="union_member_unknown_to_the_subgraph_is_not_asked_of_it",
        query='{ search(term: "sureq") { __typename ... on Movie { title } ... on Book { title } } }',
        expected={"data": {"search": [{"__typename": "Book", "title": "Sureq Galigo"}]}},
    ),
    S(
        name="union_defined_differently_in_two_subgraphs",
        query=(
            "{ suggest { __typename ... on Movie { title director } ... on Trailer { url } "
            "... on Book { pages } ... on Article { headline } } }"
        ),
        expected={"data": {"suggest": [
            {"__typename": "Movie", "title": "Athirah", "director": "Riri Riza"},
            {"__typename": "Trailer", "url": "https://example.org/athirah"},
        ]}},
        fetches={"extras": 1, "library": 1, "search": 0},
    ),
    S(
        name="interface_object_fields_under_different_type_conditions",
        query="{ topRated { ... on Book { stars } ... on Movie { rating } } }",
        expected={"data": {"topRated": [{"stars": "Sureq Galigo *****"}, {"rating": 4}]}},
    ),
    S(
        name="interface_object_fields_under_different_type_conditions_swapped",
        query="{ topRated { ... on Movie { stars } ... on Book { rating } } }",
        expected={"data": {"topRated": [{"rating": 5}, {"stars": "Athirah ****"}]}},
    ),
    # Apollo's JS gateway asks `ratings` for `stars` of the Movie too (without its required title)
    # and answers data null with "title was not provided"; the Movie's selection has no `stars`.
    S(
        name="interface_object_fields_under_type_conditions_from_the_interface_subgraph",
        query="{ media { ... on Book { stars } ... on Movie { rating } } }",
        expected={"data": {"media": [{"stars": "Sureq Galigo *****"}, {"rating": 4}, {"stars": "La Galigo ***"}]}},
    ),
    # Apollo's JS gateway reports this error at ["media", 0, "boxOffice"]: the index of the Movie among
    # the representations it sent, not its place in the response (spec 7.1.2: the response path).
    S(
        name="error_in_a_member_field_from_another_subgraph",
        query="{ media { id ... on Movie { boxOffice } } }",
        expected={
            "data": {"media": [{"id": "m1"}, {"id": "m2", "boxOffice": None}, {"id": "m3"}]},
            "errors": [{
                "message": "box office figures are embargoed", "path": ["media", 1, "boxOffice"],
                "extensions": {"code": "EMBARGOED", "serviceName": "extras"},
            }],
        },
    ),
    S(
        name="error_in_a_non_null_interface_object_field_nulls_the_interface_value",
        query='{ mediaItem(id: "m3") { title reviewCount } }',
        expected={
            "data": {"mediaItem": None},
            "errors": [{
                "message": "review count unavailable", "path": ["mediaItem", "reviewCount"],
                "extensions": {"serviceName": "ratings"},
            }],
        },
    ),
    S(
        name="error_in_a_non_null_interface_object_field_under_a_non_null_list_nulls_data",
        query="{ topRated { id } media { reviewCount } }",
        expected={
            "data": None,
            "errors": [{
                "message": "review count unavailable", "path": ["media", 2, "reviewCount"],
                "extensions": {"serviceName": "ratings"},
            }],
        },
    ),
]
