"""/metrics in Prometheus text: what operators graph and alert on."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from federation.telemetry.metrics import OTHER
from tests.subgraphs import world as w
from tests.telemetry.conftest import CITIZEN, Observed


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, parsed by Prometheus' own client (so the format is checked)."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_metrics_count_requests_by_operation_and_client(observed: Observed) -> None:
    for _ in range(3):
        await observed.post(CITIZEN, {"nik": w.HEAD}, **{"apollographql-client-name": "super-app"})
    await observed.post("{ daftarKecamatan { nama } }")
    status, text = await observed.get("/metrics")
    assert status == 200
    found = samples(text)
    key = ("operation", "Warga"), ("client", "super-app"), ("status", "200")
    assert found[("splp_requests_total", tuple(sorted(key)))] == 3
    anonymous = ("operation", ""), ("client", ""), ("status", "200")
    assert found[("splp_requests_total", tuple(sorted(anonymous)))] == 1
    assert found[("splp_request_duration_seconds_count", (("operation", "Warga"),))] == 3
    # The citizen asks kependudukan, then the other OPDs; each fetch counted with its latency.
    assert found[("splp_subgraph_fetches_total", (("outcome", "ok"), ("subgraph", "pendapatan")))] == 3
    assert found[("splp_subgraph_fetch_duration_seconds_count", (("subgraph", "pendapatan"),))] == 3
    assert found[("splp_plan_cache_total", (("result", "miss"),))] == 2
    assert found[("splp_plan_cache_total", (("result", "hit"),))] == 2
    assert found[("splp_requests_in_flight", ())] == 0
    assert found[("splp_subscriptions_open", ())] == 0


async def test_a_failing_subgraph_is_counted_with_its_error_code(observed: Observed) -> None:
    await observed.city.stop_opd("pendapatan")
    await observed.post(CITIZEN, {"nik": w.HEAD})
    found = samples((await observed.get("/metrics"))[1])
    failed = ("outcome", "SUBREQUEST_HTTP_ERROR"), ("subgraph", "pendapatan")
    assert found[("splp_subgraph_fetches_total", failed)] == 1
    assert found[("splp_subgraph_fetches_total", (("outcome", "ok"), ("subgraph", "kependudukan")))] == 1


async def test_client_chosen_names_cannot_grow_the_series_without_end(observed: Observed) -> None:
    limit = observed.telemetry.operations.limit
    for i in range(limit + 20):
        await observed.post(f"query Op{i} {{ daftarKecamatan {{ kode }} }}", **{"x-client-name": f"c{i}"})
    found = samples((await observed.get("/metrics"))[1])
    series = [labels for name, labels in found if name == "splp_requests_total"]
    operations = {dict(labels)["operation"] for labels in series}
    clients = {dict(labels)["client"] for labels in series}
    assert len(operations) == limit + 1 and OTHER in operations
    assert len(clients) == observed.telemetry.clients.limit + 1 and OTHER in clients
    assert found[("splp_requests_total", (("client", OTHER), ("operation", OTHER), ("status", "200")))] == 20


async def test_requests_that_are_not_graphql_are_not_counted(observed: Observed) -> None:
    await observed.get("/health")
    await observed.get("/app")
    text = (await observed.get("/metrics"))[1]
    assert "splp_requests_total{" not in text
