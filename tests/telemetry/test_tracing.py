"""Traces over OTLP: a span per request, for planning and per subgraph fetch, and the OPDs'
spans in the same trace (W3C trace context sent by the gateway, continued by the kit)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from federation.telemetry import Telemetry
from federation.telemetry.tracing import tracer_provider
from subgraphs.seed import TARGETS, load_batches
from tests.subgraphs import world as w
from tests.subgraphs.conftest import free_port
from tests.superapp.city import City, running_city
from tests.telemetry.conftest import CITIZEN


class Collector:
    """A minimal OTLP/HTTP trace receiver: decodes every export with the OTLP protobuf schema."""

    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        self.url = ""

    async def receive(self, request: web.Request) -> web.Response:
        export = ExportTraceServiceRequest()
        export.ParseFromString(await request.read())
        for resource_spans in export.resource_spans:
            attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    self.spans.append({
                        "service": attributes.get("service.name"), "name": span.name,
                        "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                        "parent": span.parent_span_id.hex(), "kind": span.kind,
                    })
        return web.Response(body=b"", content_type="application/x-protobuf")


@pytest.fixture
async def collector() -> AsyncIterator[Collector]:
    found = Collector()
    app = web.Application()
    app.router.add_post("/v1/traces", found.receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    found.url = f"http://127.0.0.1:{port}"
    yield found
    await runner.cleanup()


@pytest.fixture
async def traced(tmp_path: Path, collector: Collector, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[City]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'city.db'}"
    await load_batches(dict.fromkeys(TARGETS, url), [w.world()])
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url)  # the kit's apps read it
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "1")  # every trace the OPDs start themselves
    telemetry = Telemetry(tracer_provider=tracer_provider("splp-gateway", collector.url, ratio=0.0))
    async with running_city(url, w.HEAD, telemetry=telemetry) as city:
        city.telemetry = telemetry  # type: ignore[attr-defined]
        yield city


def citizen(city: City) -> dict[str, str]:
    assert city.security is not None
    token = city.security.identity.token("warga", nik=w.HEAD)
    return {"authorization": f"Bearer {token}", "x-splp-purpose": "layanan_publik"}


async def flush(city: City) -> None:
    # The exporters post from their own threads to the collector on this loop: never block it.
    providers = [city.telemetry.tracer_provider]  # type: ignore[attr-defined]
    providers += [app.state.tracer_provider for app in city.opd_apps.values()]
    for provider in providers:
        await asyncio.to_thread(provider.force_flush)


async def test_the_gateway_and_the_opds_report_one_trace(traced: City, collector: Collector) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    async with aiohttp.ClientSession() as session, session.post(
        traced.gateway_url + "/graphql", json={"query": CITIZEN, "variables": {"nik": w.HEAD}},
        headers={**citizen(traced), "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"},
    ) as response:
        assert response.status == 200
    await flush(traced)
    spans = [s for s in collector.spans if s["trace_id"] == trace_id]
    (request,) = [s for s in spans if s["service"] == "splp-gateway" and s["name"] == "Warga"]
    assert request["parent"] == "00f067aa0ba902b7"  # the client's span: its trace continues
    (plan,) = [s for s in spans if s["name"] == "plan"]
    assert plan["parent"] == request["span_id"]
    fetches = {s["name"]: s for s in spans if s["name"].startswith("fetch ")}
    assert set(fetches) == {"fetch kependudukan", "fetch pendapatan", "fetch perizinan", "fetch aduan"}
    assert all(f["parent"] == request["span_id"] for f in fetches.values())
    for opd in ("kependudukan", "pendapatan", "aduan"):
        (served,) = [s for s in spans if s["service"] == f"splp-{opd}"]
        assert served["parent"] == fetches[f"fetch {opd}"]["span_id"], opd


async def test_a_request_the_client_did_not_sample_is_not_recorded_anywhere(traced: City, collector: Collector) -> None:
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    async with aiohttp.ClientSession() as session, session.post(
        traced.gateway_url + "/graphql", json={"query": CITIZEN, "variables": {"nik": w.HEAD}},
        headers={**citizen(traced), "traceparent": f"00-{trace_id}-b7ad6b7169203331-00"},
    ) as response:
        assert response.status == 200
    await flush(traced)
    # Not by the gateway, and not by the OPDs (which would record everything they start).
    assert [s for s in collector.spans if s["trace_id"] == trace_id] == []


async def test_requests_without_trace_context_are_sampled_at_the_configured_ratio(
    traced: City, collector: Collector
) -> None:
    for _ in range(5):
        async with aiohttp.ClientSession() as session, session.post(
            traced.gateway_url + "/graphql", json={"query": "{ daftarKecamatan { kode } }"},
        ) as response:
            assert response.status == 200
    await flush(traced)
    # This gateway samples none (ratio 0): their traces are not recorded by the OPD either.
    assert collector.spans == []
