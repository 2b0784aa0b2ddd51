"""Send ad-hoc operations to SPLP's gateway and to Apollo's gateway, both in front of the same test
subgraphs, and print where their answers differ. A developer tool for exploring (a difference found
here becomes a scenario once the spec says which answer is right).

    .venv/bin/python tests/conformance/tools/compare.py AREA OPERATIONS.json

OPERATIONS.json is a JSON list; each item is a query string or a request body
({"query": ..., "variables": ..., "operationName": ...}). Error messages and extensions are not
compared (their wording is each gateway's own), only data, error paths and status codes.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))

from conformance.apps import build_server_app  # noqa: E402
from conformance.conftest import Gateways  # noqa: E402
from conformance.harness import GRAPHQL_RESPONSE_JSON, ServerThread  # noqa: E402
from crosscheck import ensure_installed, start_apollo  # noqa: E402


def post(url: str, body: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Accept": GRAPHQL_RESPONSE_JSON},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def comparable(reply: tuple[int, Any]) -> tuple[int, Any, list[Any]]:
    status, body = reply
    if not isinstance(body, dict):
        return status, body, []
    paths = sorted(json.dumps(e.get("path")) for e in body.get("errors") or [])
    return status, body.get("data", "<absent>"), paths


def main(area: str, operations_file: str) -> int:
    operations = json.loads(Path(operations_file).read_text())
    ensure_installed()
    subgraphs = ServerThread(build_server_app())
    gateways = Gateways(subgraphs.start())
    apollo, apollo_url = start_apollo(area, gateways.subgraphs_url)
    differing = 0
    try:
        ours_url = gateways.url(area, 0.5 if area == "errors" else None)
        for operation in operations:
            body = operation if isinstance(operation, dict) else {"query": operation}
            ours, theirs = post(ours_url, body), post(apollo_url, body)
            if comparable(ours) == comparable(theirs):
                print(f"same  {json.dumps(body)[:110]}")
                continue
            differing += 1
            print(f"DIFF  {json.dumps(body)}\n  splp   {json.dumps(ours)}\n  apollo {json.dumps(theirs)}")
    finally:
        apollo.terminate()
        apollo.wait(timeout=10)
        gateways.stop()
        subgraphs.stop()
    print(f"{differing} of {len(operations)} operations answered differently")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
