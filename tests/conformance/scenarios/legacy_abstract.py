"""Interfaces and unions across subgraphs on join v0.2 and v0.3 supergraphs (Federation 2.0
subgraphs, apps/legacy_abstract.py). In join v0.2 a union lists no @join__unionMember: which members
a subgraph can return follows from the types that subgraph defines (search: Book, Article; extras:
Movie, Trailer), and a type condition on a member a subgraph does not define must not be sent to it.
"""

from __future__ import annotations

from ..harness import Scenario

SCENARIOS = [
    Scenario(
        name="interface_members_from_one_subgraph",
        area="legacy_abstract",
        query="{ shelf { __typename title ... on Book { pages } ... on Movie { minutes } } }",
        expected={"data": {"shelf": [
            {"__typename": "Book", "title": "Sureq Galigo", "pages": 300},
            {"__typename": "Movie", "title": "Athirah", "minutes": 82},
            {"__typename": "Book", "title": "La Galigo", "pages": 120},
        ]}},
        fetches={"shelf": 1, "extras": 0},
    ),
    Scenario(
        name="member_field_from_another_subgraph",
        area="legacy_abstract",
        query="{ shelf { id ... on Movie { director } } }",
        expected={"data": {"shelf": [{"id": "m1"}, {"id": "m2", "director": "Riri Riza"}, {"id": "m3"}]}},
        fetches={"shelf": 1, "extras": 1},
        representations={"extras": 1},
    ),
    Scenario(
        name="union_member_fields_from_another_subgraph",
        area="legacy_abstract",
        query='{ search(term: "") { __typename ... on Book { title pages } ... on Article { headline } } }',
        expected={"data": {"search": [
            {"__typename": "Book", "title": "Sureq Galigo", "pages": 300},
            {"__typename": "Book", "title": "La Galigo", "pages": 120},
            {"__typename": "Article", "headline": "Pantai Losari bersih"},
        ]}},
        fetches={"search": 1, "shelf": 1},
    ),
    Scenario(
        name="type_conditions_on_members_the_subgraph_does_not_define",
        area="legacy_abstract",
        query=(
            "{ suggest { __typename ... on Movie { title director } ... on Trailer { url } "
            "... on Book { pages } ... on Article { headline } } }"
        ),
        expected={"data": {"suggest": [
            {"__typename": "Movie", "title": "Athirah", "director": "Riri Riza"},
            {"__typename": "Trailer", "url": "https://example.org/athirah"},
        ]}},
        fetches={"extras": 1, "shelf": 1, "search": 0},
    ),
    Scenario(
        name="interface_fragment_inside_a_union_from_a_subgraph_without_the_interface",
        area="legacy_abstract",
        query='{ search(term: "galigo") { ... on Media { id title } } }',
        expected={"data": {"search": [{"id": "m1", "title": "Sureq Galigo"}, {"id": "m3", "title": "La Galigo"}]}},
    ),
]
