"""Property-based fuzzing of documents, variables and request bodies against a real gateway
(Hypothesis, a bounded number of examples): never a 500, never a traceback, always a
GraphQL response; the gateway's caches stay within their byte bounds."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NAMES = ["slow", "header", "fast", "__typename", "__schema", "a", "b", "F", "G", "v", "Query", "Mutation", "touch"]
PUNCTUATION = ["{", "}", "(", ")", ":", "...", "@", "$", "!", "[", "]", "=", ",", '"x"', "0", "1.5", "true", "null"]
KEYWORDS = ["query", "mutation", "subscription", "fragment", "on", "include", "skip", "if", "delay", "name"]

DELAYS = ["0", "-1", "$v", "1e309", '"x"']
HEADER_NAMES = ['"a"', "$v", "1", "null"]
tokens = st.lists(st.sampled_from(NAMES + PUNCTUATION + KEYWORDS), min_size=1, max_size=60).map(" ".join)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def selections(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["slow", "header", "typename", "alias", "fragment", "inline", "directive"]))
        if kind == "slow":
            parts.append("slow(delay: " + draw(st.sampled_from(DELAYS)) + ")")
        elif kind == "header":
            parts.append("header(name: " + draw(st.sampled_from(HEADER_NAMES)) + ")")
        elif kind == "typename":
            parts.append("__typename")
        elif kind == "alias":
            parts.append(f"{draw(st.sampled_from(['a', 'b', 'slow']))}: __typename")
        elif kind == "fragment":
            parts.append("...F")
        elif kind == "inline" and depth < 3:
            parts.append("... on Query { " + draw(selections(depth + 1)) + " }")
        else:
            parts.append(f"__typename @{draw(st.sampled_from(['include', 'skip', 'nope']))}(if: $b)")
    return " ".join(parts)


@st.composite
def documents(draw: st.DrawFn) -> str:
    variables = draw(st.sampled_from(["", "($v: Float)", "($v: String, $b: Boolean!)", "($b: Boolean = true)"]))
    body = f"query Q{variables} {{ {draw(selections())} }}"
    if draw(st.booleans()):
        body += " fragment F on Query { " + draw(selections()) + " }"
    if draw(st.booleans()):
        body += " " + draw(tokens)
    return body


def send(url: str, payload: bytes, content_type: str = "application/json") -> tuple[int, Any]:
    request = urllib.request.Request(
        url, data=payload, headers={"content-type": content_type, "accept": "application/graphql-response+json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    text = raw.decode("utf-8", "replace")
    assert "Traceback" not in text and 'File "' not in text, text[:500]
    return status, json.loads(raw)


def check(status: int, body: Any) -> None:
    assert status in (200, 400, 405, 413, 415, 429, 503), (status, body)
    assert isinstance(body, dict) and ("data" in body or body.get("errors")), body
    for error in body.get("errors", ()):
        assert isinstance(error["message"], str) and error["message"]


FUZZ = settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(query=documents(), variables=st.none() | st.dictionaries(st.sampled_from(["v", "b", "x"]), json_values))
def test_fuzzed_documents_and_variables_get_a_graphql_answer(gateway_url: str, query: str, variables: Any) -> None:
    check(*send(gateway_url, json.dumps({"query": query, "variables": variables}).encode()))


@FUZZ
@given(query=tokens)
def test_token_soup_gets_a_graphql_answer(gateway_url: str, query: str) -> None:
    check(*send(gateway_url, json.dumps({"query": query}).encode()))


@FUZZ
@given(body=json_values)
def test_any_json_body_gets_a_graphql_answer(gateway_url: str, body: Any) -> None:
    check(*send(gateway_url, json.dumps(body).encode()))


@FUZZ
@given(raw=st.binary(max_size=200))
def test_any_bytes_get_a_graphql_answer(gateway_url: str, raw: bytes) -> None:
    check(*send(gateway_url, raw))
