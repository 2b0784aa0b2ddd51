"""One JSON access-log line per GraphQL request: who asked what, how it went, which OPDs were asked."""

from __future__ import annotations

import json

from tests.subgraphs import world as w
from tests.telemetry.conftest import CITIZEN, Observed


async def test_each_request_writes_one_json_line(observed: Observed) -> None:
    await observed.post(CITIZEN, {"nik": w.HEAD}, **{"apollographql-client-name": "super-app"})
    await observed.post("{ tidakAda }")  # refused by validation: no operation runs
    await observed.get("/health")  # not a GraphQL request: not logged
    lines = [json.loads(line) for line in observed.log.getvalue().splitlines()]
    assert len(lines) == 2
    first, second = lines
    assert first["client"] == "super-app" and first["operation"] == "Warga" and first["status"] == 200
    assert first["method"] == "POST" and first["path"] == "/graphql"
    assert set(first["subgraphs"]) == {"kependudukan", "pendapatan", "perizinan", "aduan"}
    assert first["duration_ms"] > 0 and first["time"].endswith("+00:00")
    assert second["operation"] is None and second["subgraphs"] == [] and second["client"] is None


async def test_the_log_names_the_subgraph_that_failed_the_request(observed: Observed) -> None:
    await observed.city.stop_opd("pendapatan")
    answer = await observed.post(CITIZEN, {"nik": w.HEAD})
    assert any(e.get("extensions", {}).get("serviceName") == "pendapatan" for e in answer["errors"])
    (line,) = [json.loads(line) for line in observed.log.getvalue().splitlines()]
    assert "pendapatan" in line["subgraphs"]
