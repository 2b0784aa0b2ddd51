"""OpenTelemetry traces over OTLP/HTTP, with W3C trace context (`traceparent`) across hops.

Tracing is on only when an OTLP endpoint is configured (`--otlp-endpoint`, or the standard
OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): spans are batched and
exported from a background thread, never on the event loop. Each app gets its own
`TracerProvider` (no global state), so several gateways or subgraphs in one process, as in
the tests and the demo, each report under their own service name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Receive, Scope, Send

PROPAGATOR = TraceContextTextMapPropagator()
DEFAULT_SAMPLE_RATIO = 0.1


def otlp_traces_endpoint(endpoint: str | None = None) -> str | None:
    """The OTLP/HTTP traces URL from an explicit base endpoint or the standard environment."""
    if endpoint:
        return endpoint.rstrip("/") + "/v1/traces"
    if os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return os.environ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"].rstrip("/") + "/v1/traces"
    return None


def sample_ratio(ratio: float | None = None) -> float:
    """The share of traces recorded: `ratio`, else $OTEL_TRACES_SAMPLER_ARG, else 10%."""
    if ratio is None:
        try:
            ratio = float(os.environ.get("OTEL_TRACES_SAMPLER_ARG", DEFAULT_SAMPLE_RATIO))
        except ValueError:
            ratio = DEFAULT_SAMPLE_RATIO
    return min(max(ratio, 0.0), 1.0)


def tracer_provider(
    service_name: str, endpoint: str | None = None, ratio: float | None = None
) -> TracerProvider | None:
    """A provider exporting to the configured OTLP endpoint, or None when none is configured.

    Sampling is parent-based: a request whose `traceparent` says sampled (or not) is recorded
    (or not) accordingly, so a trace is whole or absent across the gateway and the OPDs;
    other requests are recorded at `ratio` (see `sample_ratio`). Recording every request
    costs the gateway a good part of its throughput (spans are Python objects, encoded to
    protobuf): `bench.telemetry` measures it."""
    url = otlp_traces_endpoint(endpoint)
    if url is None:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    provider = TracerProvider(
        resource=Resource.create({"service.name": service_name}),
        sampler=ParentBased(TraceIdRatioBased(sample_ratio(ratio))),
    )
    exporter = OTLPSpanExporter(endpoint=url, timeout=5)
    provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=1000))
    return provider


def extract(headers: Mapping[str, str]) -> Context:
    """The caller's trace context from `traceparent`/`tracestate` (an empty context without)."""
    return PROPAGATOR.extract(headers)


def inject(span: trace.Span, headers: dict[str, str]) -> None:
    """`traceparent` (W3C trace context, version 00) naming `span` as the parent."""
    context = span.get_span_context()
    if context.is_valid:
        headers["traceparent"] = f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"
        if context.trace_state:
            headers["tracestate"] = context.trace_state.to_header()


class TracingMiddleware:
    """ASGI middleware for a subgraph: one SERVER span per HTTP request, continuing the
    gateway's trace from the request's `traceparent`."""

    def __init__(self, app: ASGIApp, provider: TracerProvider) -> None:
        self.app = app
        self.tracer = provider.get_tracer("splp.subgraph")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        span = self.tracer.start_span(
            f"{scope['method']} {scope['path']}", context=extract(headers), kind=trace.SpanKind.SERVER,
            attributes={"http.request.method": scope["method"], "url.path": scope["path"]},
        )
        status: list[int] = []

        async def observed_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            with trace.use_span(span, end_on_exit=False):
                await self.app(scope, receive, observed_send)
        finally:
            if status:
                span.set_attribute("http.response.status_code", status[0])
                if status[0] >= 500:
                    span.set_status(trace.StatusCode.ERROR)
            span.end()
