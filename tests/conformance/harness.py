"""What the conformance tests share: servers on loopback threads, scenarios and the response check."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


class ServerThread:
    """Serves an ASGI app with uvicorn on a random loopback port, in a thread with its own event loop."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None
        self.url = ""

    def start(self) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="auto")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)


def closed_port_url() -> str:
    """A loopback URL with nothing listening: the port was free a moment ago and is closed again."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/graphql"


@dataclass(frozen=True)
class Scenario:
    """One operation sent to a gateway and the exact response the specs call for.

    expected: {"data": ..., "errors": [...]}. An expected error is compared on the keys it has:
    `message` and `path` exactly, `extensions` as a subset of the actual extensions (the gateway
    may add more, e.g. a `code`). Errors are matched in any order (the spec orders none);
    `data` is compared exactly, key order included (the response follows the selection order).
    errors_at_least: the actual errors may include more than the expected ones (used where the
    number of errors for a failed fetch, or whether there is one at all, is the gateway's choice).
    fetches: how many requests each listed subgraph must receive (to see a jump avoided, or
    representations batched into one request).
    representations: how many entity representations each listed subgraph must receive in all
    (identical representations are sent once).
    execution_log: the order in which the `mutations` subgraphs must have run their resolvers.
    subgraph_timeout: passed to the gateway (`create_app(..., subgraph_timeout=...)`); only the
    scenarios with the slow subgraph set it, so that no other scenario depends on timing.
    """

    name: str
    area: str
    query: str
    expected: dict[str, Any]
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    fetches: dict[str, int] | None = None
    representations: dict[str, int] | None = None
    errors_at_least: bool = False
    execution_log: list[str] | None = None
    subgraph_timeout: float | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"query": self.query}
        if self.variables is not None:
            body["variables"] = self.variables
        if self.operation_name is not None:
            body["operationName"] = self.operation_name
        return body


def ordered(value: Any) -> Any:
    """A form of a JSON value whose equality also compares the order of object keys."""
    if isinstance(value, dict):
        return [(key, ordered(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [ordered(item) for item in value]
    return value


def error_matches(expected: dict[str, Any], actual: Any) -> bool:
    if not isinstance(actual, dict):
        return False
    if "message" in expected and actual.get("message") != expected["message"]:
        return False
    if "path" in expected and actual.get("path") != expected["path"]:
        return False
    if "extensions" in expected:
        extensions = actual.get("extensions") or {}
        if any(extensions.get(key) != value for key, value in expected["extensions"].items()):
            return False
    return True


def response_problems(scenario: Scenario, response: Any) -> list[str]:
    """Every way `response` differs from what the scenario expects (empty when it conforms)."""
    problems: list[str] = []
    if not isinstance(response, dict):
        return [f"response is not a JSON object: {response!r}"]
    extra = set(response) - {"data", "errors", "extensions"}
    if extra:
        problems.append(f"unexpected top-level keys {sorted(extra)}")
    expected = scenario.expected
    if "data" in expected:
        if "data" not in response:
            problems.append("`data` is missing")
        elif ordered(response["data"]) != ordered(expected["data"]):
            problems.append(
                f"data differs:\n  expected {json.dumps(expected['data'])}\n  actual   {json.dumps(response['data'])}"
            )
    elif "data" in response:
        problems.append(f"`data` must be absent for a request error, got {json.dumps(response['data'])}")
    expected_errors = expected.get("errors", [])
    actual_errors = response.get("errors")
    if not expected_errors:
        if actual_errors is not None and not scenario.errors_at_least:
            problems.append(f"no errors expected (and no `errors` key), got {json.dumps(actual_errors)}")
        return problems
    if not isinstance(actual_errors, list) or not actual_errors:
        problems.append(f"errors expected {json.dumps(expected_errors)}, got {json.dumps(actual_errors)}")
        return problems
    for error in actual_errors:
        if not isinstance(error, dict) or not isinstance(error.get("message"), str):
            problems.append(f"an error without a message: {json.dumps(error)}")
    unmatched = list(actual_errors)
    for wanted in expected_errors:
        match = next((e for e in unmatched if error_matches(wanted, e)), None)
        if match is None:
            problems.append(f"no error matches {json.dumps(wanted)}")
        else:
            unmatched.remove(match)
    if unmatched and not scenario.errors_at_least:
        problems.append(f"unexpected errors {json.dumps(unmatched)}")
    if problems:
        problems.append(f"all errors: {json.dumps(actual_errors)}")
    return problems


def _representation_count(body: dict[str, Any]) -> int:
    """Representations in one request: `$representations`, or in a request of several
    `_entities` calls, each one's `$r0`, `$r1`..."""
    variables = body.get("variables") or {}
    return sum(
        len(value) for name, value in variables.items()
        if isinstance(value, list) and (name == "representations" or re.fullmatch(r"r\d+", name))
    )


def traffic_problems(scenario: Scenario) -> list[str]:
    """How the requests the subgraphs received differ from the scenario's `fetches`/`representations`."""
    from .apps import requests_to
    from .apps.mutations import EXECUTION_LOG

    problems: list[str] = []
    for name, count in (scenario.fetches or {}).items():
        actual = len(requests_to(scenario.area, name))
        if actual != count:
            problems.append(f"subgraph {name} received {actual} request(s), expected {count}")
    for name, count in (scenario.representations or {}).items():
        sent = [_representation_count(body) for body in requests_to(scenario.area, name)]
        if sum(sent) != count:
            problems.append(f"subgraph {name} received representations {sent}, expected {count} in all")
    if scenario.execution_log is not None and scenario.execution_log != EXECUTION_LOG:
        problems.append(f"execution order {EXECUTION_LOG}, expected {scenario.execution_log}")
    return problems
