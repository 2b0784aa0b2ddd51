"""Mutations: root fields run strictly one after another, in document order (GraphQL spec 6.2.2,
"Mutation": executed serially), even across subgraphs and even when an earlier one is slower."""

from __future__ import annotations

from functools import partial

from ..harness import Scenario

S = partial(Scenario, area="mutations")

SCENARIOS = [
    S(
        name="root_mutation_fields_run_serially_across_subgraphs",
        query=(
            'mutation { a: addEntry(text: "a", delayMs: 200) { id } b: logEvent(text: "b") '
            'c: addEntry(text: "c") { id text } }'
        ),
        expected={"data": {"a": {"id": "1"}, "b": "logged b", "c": {"id": "2", "text": "c"}}},
        execution_log=["start a", "end a", "start b", "end b", "start c", "end c"],
    ),
    S(
        name="root_mutation_fields_of_one_subgraph_run_serially",
        query='mutation { first: addEntry(text: "1", delayMs: 150) { id } second: addEntry(text: "2") { id } }',
        expected={"data": {"first": {"id": "1"}, "second": {"id": "2"}}},
        execution_log=["start 1", "end 1", "start 2", "end 2"],
    ),
    S(
        name="entity_jump_after_a_mutation",
        query='mutation { addEntry(text: "x") { text auditTrail } }',
        expected={"data": {"addEntry": {"text": "x", "auditTrail": ["created #1"]}}},
        fetches={"ledger": 1, "audit": 1},
    ),
    S(
        name="mutation_with_variables",
        query="mutation Add($t: String!) { addEntry(text: $t) { id text } }",
        variables={"t": "halo"},
        expected={"data": {"addEntry": {"id": "1", "text": "halo"}}},
        execution_log=["start halo", "end halo"],
    ),
    S(
        name="typename_on_the_mutation_root",
        query='mutation { __typename logEvent(text: "t") }',
        expected={"data": {"__typename": "Mutation", "logEvent": "logged t"}},
    ),
    S(
        name="query_operation_does_not_run_mutations",
        query="query { entries { id } auditSize }",
        expected={"data": {"entries": [], "auditSize": 0}},
        execution_log=[],
    ),
    S(
        name="nullable_mutation_field_error_does_not_stop_the_next_ones",
        query=(
            'mutation { a: addEntry(text: "a") { id } b: refuseEntry(text: "b") { id } '
            'c: logEvent(text: "c") d: addEntry(text: "d") { id } }'
        ),
        expected={
            "data": {"a": {"id": "1"}, "b": None, "c": "logged c", "d": {"id": "2"}},
            "errors": [{
                "message": "entry b refused", "path": ["b"],
                "extensions": {"code": "REFUSED", "serviceName": "ledger"},
            }],
        },
        execution_log=["start a", "end a", "start b", "refuse b", "start c", "end c", "start d", "end d"],
    ),
    S(
        name="unicode_variable_round_trip",
        query="mutation Add($t: String!) { addEntry(text: $t) { text auditTrail } }",
        variables={"t": "ᨆᨀᨔᨑ Makassar — selamat datang 👋"},
        expected={"data": {"addEntry": {"text": "ᨆᨀᨔᨑ Makassar — selamat datang 👋", "auditTrail": ["created #1"]}}},
    ),
    S(
        name="escaped_string_literal_reaches_the_subgraph_unchanged",
        query='mutation { addEntry(text: "quote \\" backslash \\\\ tab\\t \\u00e9") { text } }',
        expected={"data": {"addEntry": {"text": 'quote " backslash \\ tab\t \u00e9'}}},
    ),
    S(
        name="block_string_literal_reaches_the_subgraph_unchanged",
        query='mutation { addEntry(text: """\n    baris satu\n      baris "dua"\n""") { text } }',
        expected={"data": {"addEntry": {"text": 'baris satu\n  baris "dua"'}}},
    ),
]
