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
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Receive, Scope, Send

PROPAGATOR = TraceContextTextMapPropagator()


def otlp_traces_endpoint(endpoint: str | None = None) -> str | None:
    """The OTLP/HTTP traces URL from an explicit base endpoint or the standard environment."""
    if endpoint:
        return endpoint.rstrip("/") + "/v1/traces"
    if os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        return os.environ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"].rstrip("/") + "/v1/traces"
    return None


def tracer_provider(service_name: str, endpoint: str | None = None) -> TracerProvider | None:
    """A provider exporting to the configured OTLP endpoint, or None when none is configured."""
    url = otlp_traces_endpoint(endpoint)
    if url is None:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    exporter = OTLPSpanExporter(endpoint=url, timeout=5)
    provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=1000))
    return provider


def extract(headers: Mapping[str, str]) -> Context:
    """The caller's trace context from `traceparent`/`tracestate` (an empty context without)."""
    return PROPAGATOR.extract(headers)


def inject(span: trace.Span, headers: dict[str, str]) -> None:
    PROPAGATOR.inject(headers, context=trace.set_span_in_context(span))


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
