"""Field errors and null propagation (GraphQL spec 6.4.4 "Handling Field Errors"), errors carried
from subgraphs (message, client path, extensions plus `serviceName`), and failing subgraphs.

Data (apps/errors.py): p1 Ana, p2 Budi (email null although String!, nickname raises
NICKNAME_HIDDEN, score raises), p3 Citra (rank null although Int!); p1's bonus raises BONUS_SECRET.
people: [Person!]!, peopleOrNull: [Person]!, peopleOrNothing: [Person!], strictPerson: Person!,
crowd: [Person]! = [p2, p1, p2]; bestFriend: Person! (p1 -> p2 -> p3 -> p1), friends: [Person!]!.

6.4.4: a field error makes the field null; if the field is Non-Null the null propagates to the
parent field, up to the nearest nullable one (or to `data` itself); one error per failing field.
Apollo's JS gateway gives exactly these answers for every PROPAGATION scenario.

Then: FAILURES (subgraphs down, slow, non-JSON, HTTP 500, JSON without data), REJECTIONS (subgraph
errors without path), MALFORMED (an `_entities` list too short) and WRONG_TYPES (values no field
type can represent).
"""

from __future__ import annotations

from functools import partial

from ..harness import Scenario

S = partial(Scenario, area="errors")
# The `slow` subgraph sleeps 2 s; with this timeout the gateway must give up long before.
SLOW = partial(Scenario, area="errors", subgraph_timeout=0.5)


def people_error(path: list[object], message: str | None = None, **extensions: object) -> dict[str, object]:
    error: dict[str, object] = {"path": path, "extensions": {**extensions, "serviceName": "people"}}
    if message is not None:
        error["message"] = message
    return error


def scores_error(path: list[object], message: str, **extensions: object) -> dict[str, object]:
    return {"message": message, "path": path, "extensions": {**extensions, "serviceName": "scores"}}


def null_error(field: str) -> str:
    return f"Cannot return null for non-nullable field {field}."


def failed(service: str, path: list[object] | None = None) -> dict[str, object]:
    """The error for a fetch that failed: its message is the gateway's, the subgraph is named."""
    error: dict[str, object] = {"extensions": {"serviceName": service}}
    if path is not None:
        error["path"] = path
    return error


PROPAGATION = [
    S(
        name="no_errors_no_errors_key",
        query='{ person(id: "p1") { name nickname } }',
        expected={"data": {"person": {"name": "Ana", "nickname": "ana"}}},
    ),
    S(
        name="nullable_field_error_keeps_the_parent_with_extensions",
        query='{ person(id: "p2") { name nickname } }',
        expected={
            "data": {"person": {"name": "Budi", "nickname": None}},
            "errors": [people_error(["person", "nickname"], "nickname is hidden", code="NICKNAME_HIDDEN")],
        },
    ),
    S(
        name="non_null_field_null_nulls_the_nullable_parent",
        query='{ person(id: "p2") { id email } }',
        expected={
            "data": {"person": None},
            "errors": [people_error(["person", "email"], null_error("Person.email"))],
        },
    ),
    S(
        name="null_in_a_list_of_non_null_nulls_the_whole_data",
        query="{ people { id email } }",
        expected={"data": None, "errors": [people_error(["people", 1, "email"], null_error("Person.email"))]},
    ),
    S(
        name="null_in_a_list_of_nullable_nulls_only_the_item",
        query="{ peopleOrNull { id email } }",
        expected={
            "data": {"peopleOrNull": [
                {"id": "p1", "email": "ana@makassarkota.go.id"},
                None,
                {"id": "p3", "email": "citra@makassarkota.go.id"},
            ]},
            "errors": [people_error(["peopleOrNull", 1, "email"], null_error("Person.email"))],
        },
    ),
    S(
        name="null_in_a_nullable_list_of_non_null_nulls_the_list",
        query="{ peopleOrNothing { id email } }",
        expected={
            "data": {"peopleOrNothing": None},
            "errors": [people_error(["peopleOrNothing", 1, "email"], null_error("Person.email"))],
        },
    ),
    S(
        name="null_under_a_non_null_root_field_nulls_data",
        query='{ strictPerson(id: "p2") { email } }',
        expected={"data": None, "errors": [people_error(["strictPerson", "email"], null_error("Person.email"))]},
    ),
    S(
        name="error_in_a_jumped_non_null_field_nulls_the_parent",
        query='{ person(id: "p2") { name score } }',
        expected={"data": {"person": None}, "errors": [scores_error(["person", "score"], "score unavailable")]},
    ),
    S(
        name="error_in_a_jumped_non_null_field_nulls_the_nullable_list_item",
        query="{ peopleOrNull { id score } }",
        expected={
            "data": {"peopleOrNull": [{"id": "p1", "score": 90}, None, {"id": "p3", "score": 75}]},
            "errors": [scores_error(["peopleOrNull", 1, "score"], "score unavailable")],
        },
    ),
    S(
        name="error_in_a_jumped_field_under_non_null_lists_nulls_data_and_siblings",
        query='{ person(id: "p1") { name } people { id score } }',
        expected={"data": None, "errors": [scores_error(["people", 1, "score"], "score unavailable")]},
    ),
    S(
        name="jumped_nullable_field_error_keeps_its_extensions",
        query='{ person(id: "p1") { name bonus } }',
        expected={
            "data": {"person": {"name": "Ana", "bonus": None}},
            "errors": [scores_error(["person", "bonus"], "bonus is secret", code="BONUS_SECRET")],
        },
    ),
    S(
        name="jumped_non_null_field_returned_null_by_the_subgraph",
        query='{ person(id: "p3") { name rank } }',
        expected={"data": {"person": None}, "errors": [scores_error(["person", "rank"], null_error("Person.rank"))]},
    ),
    S(
        name="error_path_uses_aliases",
        query='{ p: person(id: "p2") { n: nickname } }',
        expected={
            "data": {"p": {"n": None}},
            "errors": [people_error(["p", "n"], "nickname is hidden", code="NICKNAME_HIDDEN")],
        },
    ),
    S(
        name="jumped_error_path_uses_aliases",
        query='{ p: person(id: "p2") { s: score } }',
        expected={"data": {"p": None}, "errors": [scores_error(["p", "s"], "score unavailable")]},
    ),
    S(
        name="jumped_error_propagates_through_two_non_null_levels",
        query='{ person(id: "p1") { name bestFriend { name score } } }',
        expected={
            "data": {"person": None},
            "errors": [scores_error(["person", "bestFriend", "score"], "score unavailable")],
        },
    ),
    S(
        name="jumped_error_propagates_through_a_non_null_list_to_the_nullable_parent",
        query='{ person(id: "p3") { name friends { id score } } }',
        expected={
            "data": {"person": None},
            "errors": [scores_error(["person", "friends", 1, "score"], "score unavailable")],
        },
    ),
    S(
        name="jumped_error_deep_in_a_list_nulls_only_its_nullable_item",
        query="{ peopleOrNull { id bestFriend { score } } }",
        expected={
            "data": {"peopleOrNull": [
                None, {"id": "p2", "bestFriend": {"score": 75}}, {"id": "p3", "bestFriend": {"score": 90}},
            ]},
            "errors": [scores_error(["peopleOrNull", 0, "bestFriend", "score"], "score unavailable")],
        },
    ),
    S(
        name="errors_of_a_nulled_object_are_all_reported",
        query='{ person(id: "p2") { nickname score } }',
        expected={
            "data": {"person": None},
            "errors": [
                people_error(["person", "nickname"], "nickname is hidden", code="NICKNAME_HIDDEN"),
                scores_error(["person", "score"], "score unavailable"),
            ],
        },
    ),
    # crowd = [p2, p1, p2]: a gateway may send p2's representation once, but the failing field is in
    # two places of the response, and each is a field error of its own (spec 6.4.4).
    S(
        name="error_of_a_deduplicated_entity_reaches_every_place_it_appears",
        query="{ crowd { id score } }",
        expected={
            "data": {"crowd": [None, {"id": "p1", "score": 90}, None]},
            "errors": [
                scores_error(["crowd", 0, "score"], "score unavailable"),
                scores_error(["crowd", 2, "score"], "score unavailable"),
            ],
        },
    ),
    S(
        name="root_field_error_leaves_sibling_root_fields",
        query='{ failingRoot person(id: "p1") { name } }',
        expected={
            "data": {"failingRoot": None, "person": {"name": "Ana"}},
            "errors": [people_error(["failingRoot"], "root field failed", code="ROOT_FAILED", retryable=False)],
        },
    ),
    S(
        name="errors_from_two_subgraphs_in_one_response",
        query='{ a: person(id: "p2") { nickname } b: person(id: "p1") { bonus } }',
        expected={
            "data": {"a": {"nickname": None}, "b": {"bonus": None}},
            "errors": [
                people_error(["a", "nickname"], "nickname is hidden", code="NICKNAME_HIDDEN"),
                scores_error(["b", "bonus"], "bonus is secret", code="BONUS_SECRET"),
            ],
        },
    ),
]

# A failed fetch (nothing listening, timeout, non-JSON, HTTP 500, JSON without data): the fields
# it should have produced are null (propagated as any field error), everything else is returned,
# and the errors name the subgraph. A root field's failure can be associated with that field, so
# its error carries the path (spec 7.1.2: "If an error can be associated to a particular field in
# the GraphQL result, it must contain an entry with the key path").
# Apollo's JS gateway returns the same data for every FAILURES scenario but its errors carry
# neither `serviceName` (issue 2 asks for it on subgraph errors) nor a path; and for a subgraph
# answering JSON without `data` it reports no error at all, although the fields it was asked for
# are missing (GraphQL over HTTP: a response with neither `data` nor `errors` is not a GraphQL
# response). Here the issue and the specs win.
FAILURES = [
    S(
        name="subgraph_down_nullable_entity_field_is_null",
        query='{ person(id: "p1") { name downField } }',
        expected={"data": {"person": {"name": "Ana", "downField": None}}, "errors": [failed("down")]},
        errors_at_least=True,
    ),
    S(
        name="subgraph_down_non_null_entity_field_nulls_the_parent",
        query='{ person(id: "p1") { name downStrict } }',
        expected={"data": {"person": None}, "errors": [failed("down")]},
        errors_at_least=True,
    ),
    S(
        name="subgraph_down_root_field_is_null_with_its_path",
        query='{ downRoot person(id: "p1") { name } }',
        expected={"data": {"downRoot": None, "person": {"name": "Ana"}}, "errors": [failed("down", ["downRoot"])]},
        errors_at_least=True,
    ),
    S(
        # Issue 13 item 2: one error per field path the failed entity fetch could not fill,
        # naming the subgraph (not one error at the entity's path).
        name="subgraph_down_errors_name_every_field_path_it_left_null",
        query="{ people { id downField } }",
        expected={
            "data": {"people": [
                {"id": "p1", "downField": None}, {"id": "p2", "downField": None}, {"id": "p3", "downField": None},
            ]},
            "errors": [failed("down", ["people", i, "downField"]) for i in range(3)],
        },
    ),
    S(
        name="subgraph_down_for_a_list_of_entities",
        query="{ people { id downField } }",
        expected={
            "data": {"people": [
                {"id": "p1", "downField": None}, {"id": "p2", "downField": None}, {"id": "p3", "downField": None},
            ]},
            "errors": [failed("down")],
        },
        errors_at_least=True,
    ),
    S(
        name="subgraph_down_does_not_spoil_other_subgraphs_fields",
        query='{ person(id: "p1") { name score downField bonus } }',
        expected={
            "data": {"person": {"name": "Ana", "score": 90, "downField": None, "bonus": None}},
            "errors": [failed("down"), scores_error(["person", "bonus"], "bonus is secret", code="BONUS_SECRET")],
        },
        errors_at_least=True,
    ),
    SLOW(
        name="slow_subgraph_root_field_times_out",
        query="{ slowRoot }",
        expected={"data": {"slowRoot": None}, "errors": [failed("slow", ["slowRoot"])]},
        errors_at_least=True,
    ),
    SLOW(
        name="slow_subgraph_entity_field_times_out",
        query='{ person(id: "p3") { name slowField } }',
        expected={"data": {"person": {"name": "Citra", "slowField": None}}, "errors": [failed("slow")]},
        errors_at_least=True,
    ),
    S(
        name="non_json_subgraph_root_field",
        query='{ garbageRoot person(id: "p1") { name } }',
        expected={
            "data": {"garbageRoot": None, "person": {"name": "Ana"}},
            "errors": [failed("garbage", ["garbageRoot"])],
        },
        errors_at_least=True,
    ),
    S(
        name="non_json_subgraph_entity_field",
        query='{ person(id: "p1") { name garbageField } }',
        expected={"data": {"person": {"name": "Ana", "garbageField": None}}, "errors": [failed("garbage")]},
        errors_at_least=True,
    ),
    S(
        name="http_500_subgraph_root_field",
        query="{ brokenRoot }",
        expected={"data": {"brokenRoot": None}, "errors": [failed("broken", ["brokenRoot"])]},
        errors_at_least=True,
    ),
    S(
        name="http_500_subgraph_non_null_entity_field",
        query='{ peopleOrNull { id brokenStrict } }',
        expected={"data": {"peopleOrNull": [None, None, None]}, "errors": [failed("broken")]},
        errors_at_least=True,
    ),
    S(
        name="json_without_data_root_field",
        query="{ nodataRoot }",
        expected={"data": {"nodataRoot": None}, "errors": [failed("nodata", ["nodataRoot"])]},
        errors_at_least=True,
    ),
    S(
        name="json_without_data_entity_field",
        query='{ person(id: "p2") { name nodataField } }',
        expected={"data": {"person": {"name": "Budi", "nodataField": None}}, "errors": [failed("nodata")]},
        errors_at_least=True,
    ),
]

# A subgraph answering `{"data": null, "errors": [...]}`: its errors reach the client with their
# message and extensions, plus serviceName.
FORBIDDEN = {"message": "Forbidden by policy", "extensions": {"code": "FORBIDDEN", "serviceName": "rejects"}}
REJECTIONS = [
    S(
        name="subgraph_error_without_path_keeps_message_and_extensions",
        query='{ rejectsRoot person(id: "p1") { name } }',
        expected={
            "data": {"rejectsRoot": None, "person": {"name": "Ana"}},
            "errors": [FORBIDDEN],
        },
    ),
    S(
        name="subgraph_error_without_path_in_an_entity_fetch",
        query='{ person(id: "p3") { name rejectsField } }',
        expected={
            "data": {"person": {"name": "Citra", "rejectsField": None}},
            "errors": [FORBIDDEN],
        },
    ),
]

# A subgraph answering `_entities` with fewer items than representations: the missing entities'
# fields are null (whether the gateway also reports an error is its choice), never a 500.
MALFORMED = [
    S(
        name="entities_answer_shorter_than_the_representations",
        query="{ peopleOrNull { id shortField } }",
        expected={"data": {"peopleOrNull": [
            {"id": "p1", "shortField": None}, {"id": "p2", "shortField": None}, {"id": "p3", "shortField": None},
        ]}},
        errors_at_least=True,
    ),
    S(
        # As Apollo's gateway: an answer (here empty) with fewer items than representations is
        # not matched item by item (each later item would land on the wrong object); every
        # field it was to fill is null with an error naming the subgraph.
        name="entities_answer_shorter_than_the_representations_is_an_error_at_each_field",
        query="{ peopleOrNull { id shortField } }",
        expected={"data": {"peopleOrNull": [
            {"id": "p1", "shortField": None}, {"id": "p2", "shortField": None}, {"id": "p3", "shortField": None},
        ]}, "errors": [
            {
                "message": "Expected data._entities to contain 3 elements, got 0",
                "path": ["peopleOrNull", i, "shortField"],
                "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE", "serviceName": "short"},
            }
            for i in range(3)
        ]},
    ),
    S(
        name="entities_answer_shorter_than_the_representations_non_null_field",
        query='{ person(id: "p1") { id shortStrict } shortRoot }',
        # A non-null field completed as null is a field error: there must be an error (any).
        expected={"data": {"person": None, "shortRoot": "ok"}, "errors": [{}]},
        errors_at_least=True,
    ),
]

# A subgraph answering a value its field's type cannot represent: the gateway completes values
# against the schema (spec 6.4.3, CompleteValue -> CoerceResult: "otherwise raise a field error"),
# so the field is null with an error, and the client never sees a non-String where String is promised.
# Apollo's JS gateway nulls both values too but reports the errors under `extensions.valueCompletion`
# instead of `errors`.
WRONG_TYPES = [
    S(
        name="root_value_of_the_wrong_type_is_a_field_error",
        query='{ wrongtypeRoot person(id: "p1") { name } }',
        expected={"data": {"wrongtypeRoot": None, "person": {"name": "Ana"}}, "errors": [{"path": ["wrongtypeRoot"]}]},
    ),
    S(
        name="entity_value_of_the_wrong_type_is_a_field_error",
        query='{ person(id: "p1") { name wrongtypeField } }',
        expected={
            "data": {"person": {"name": "Ana", "wrongtypeField": None}},
            "errors": [{"path": ["person", "wrongtypeField"]}],
        },
    ),
]

SCENARIOS = PROPAGATION + FAILURES + REJECTIONS + MALFORMED + WRONG_TYPES
