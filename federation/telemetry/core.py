"""What the gateway records about each request: metrics, the access log and the trace.

`Telemetry.serve` wraps every HTTP request to the GraphQL endpoint. While the request runs,
a context variable holds its `RequestRecord`, so the few places deeper in the request path
that know something (the operation chosen, a plan found in the cache or built, a subgraph
fetched) add it with one call, and do nothing at all when telemetry is off.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

import orjson
from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from federation.telemetry.metrics import Bounded, Counter, Gauge, Histogram, Registry
from federation.telemetry.tracing import extract, inject

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

    from federation.gateway import Prepared

OBSERVED_PATHS = frozenset({"/graphql", "/"})
CLIENT_HEADERS = (b"apollographql-client-name", b"x-client-name")
TRACE_HEADERS = (b"traceparent", b"tracestate")


class RequestRecord:
    __slots__ = ("client", "operation", "span", "started", "subgraphs", "telemetry")

    def __init__(self, telemetry: Telemetry, client: str, span: trace.Span | None) -> None:
        self.telemetry = telemetry
        self.started = time.perf_counter()
        self.client = client
        self.operation: str | None = None  # None until the document is prepared
        self.subgraphs: list[str] = []
        self.span = span


CURRENT: ContextVar[RequestRecord | None] = ContextVar("splp_request", default=None)


class Telemetry:
    """One gateway's metrics registry, access log and tracer.

    `access_log`: a text stream receiving one JSON line per request (None: no log).
    `tracer_provider`: OpenTelemetry provider (see `tracing.tracer_provider`), or None.
    `required_subgraphs`: subgraphs `/ready` checks answer (empty: ready with a supergraph).
    """

    def __init__(
        self,
        *,
        access_log: TextIO | None = None,
        tracer_provider: TracerProvider | None = None,
        required_subgraphs: tuple[str, ...] = (),
        operation_limit: int = 200,
        client_limit: int = 50,
    ) -> None:
        self.access_log = access_log
        self.tracer_provider = tracer_provider
        self.tracer = tracer_provider.get_tracer("splp.gateway") if tracer_provider is not None else None
        self.required_subgraphs = required_subgraphs
        self.operations = Bounded(operation_limit)
        self.clients = Bounded(client_limit)
        self.subgraph_names = Bounded(200)
        self.codes = Bounded(50)
        self.registry = r = Registry()
        self.requests = r.register(Counter(
            "splp_requests", "GraphQL requests answered, by operation name, client name and HTTP status",
            ("operation", "client", "status")))
        self.request_seconds = r.register(Histogram(
            "splp_request_duration_seconds", "Time to answer a GraphQL request, by operation name", ("operation",)))
        self.in_flight = r.register(Gauge("splp_requests_in_flight", "GraphQL requests being answered now"))
        self.fetches = r.register(Counter(
            "splp_subgraph_fetches", "Requests sent to subgraphs, by subgraph and outcome (ok, or the error code)",
            ("subgraph", "outcome")))
        self.fetch_seconds = r.register(Histogram(
            "splp_subgraph_fetch_duration_seconds", "Time a subgraph took to answer, by subgraph", ("subgraph",)))
        self.plan_cache = r.register(Counter(
            "splp_plan_cache", "Query plans looked up, by result (hit: found in the cache; miss: planned)",
            ("result",)))
        self.subscriptions = r.register(Gauge("splp_subscriptions_open", "Subscriptions open now"))

    # -- the request ----------------------------------------------------------------------

    async def serve(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        if scope["type"] != "http" or scope["path"] not in OBSERVED_PATHS:
            await app(scope, receive, send)
            return
        client = ""
        for name, value in scope["headers"]:
            if name in CLIENT_HEADERS:
                client = value.decode("latin-1")
                break
        span = None
        if self.tracer is not None:
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"] if k in TRACE_HEADERS}
            span = self.tracer.start_span(
                f"{scope['method']} {scope['path']}", context=extract(headers), kind=trace.SpanKind.SERVER,
                attributes={"http.request.method": scope["method"], "url.path": scope["path"]},
            )
        record = RequestRecord(self, client, span)
        status = 500  # what the client sees when the app fails before answering

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        token = CURRENT.set(record)
        self.in_flight.add(1)
        try:
            await app(scope, receive, observed_send)
        finally:
            CURRENT.reset(token)
            self.in_flight.add(-1)
            self._finish(record, scope, status)

    def _finish(self, record: RequestRecord, scope: Scope, status: int) -> None:
        seconds = time.perf_counter() - record.started
        # "" for an anonymous operation, "(none)" when the request never got to one (a parse error...)
        operation = self.operations(record.operation) if record.operation is not None else "(none)"
        self.requests.inc((operation, self.clients(record.client), str(status)))
        self.request_seconds.observe(seconds, (operation,))
        trace_id = ""
        if record.span is not None and record.span.is_recording():
            if record.operation:
                record.span.update_name(record.operation)
                record.span.set_attribute("graphql.operation.name", record.operation)
            record.span.set_attribute("http.response.status_code", status)
            if status >= 500:
                record.span.set_status(trace.StatusCode.ERROR)
            trace_id = format(record.span.get_span_context().trace_id, "032x")
            record.span.end()
        if self.access_log is not None:
            line: dict[str, Any] = {
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "method": scope["method"], "path": scope["path"], "status": status,
                "duration_ms": round(seconds * 1000, 3), "client": record.client or None,
                "operation": record.operation, "subgraphs": record.subgraphs,
            }
            if trace_id:
                line["trace_id"] = trace_id
            self.access_log.write(orjson.dumps(line).decode() + "\n")
            self.access_log.flush()

    def expose(self) -> str:
        return self.registry.expose()

    def close(self) -> None:
        if self.tracer_provider is not None:
            self.tracer_provider.shutdown()


class TelemetryMiddleware:
    """ASGI middleware observing each GraphQL request with `telemetry`."""

    def __init__(self, app: ASGIApp, telemetry: Telemetry) -> None:
        self.app = app
        self.telemetry = telemetry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.telemetry.serve(scope, receive, send, self.app)


# -- hooks the request path calls -------------------------------------------------------------


def note_operation(prepared: Prepared) -> None:
    """The request's operation is known (its document prepared)."""
    record = CURRENT.get()
    if record is not None:
        name = prepared.operation.name
        record.operation = name.value if name else ""


def plan_cache_hit() -> None:
    """The request's plan was in the plan cache."""
    record = CURRENT.get()
    if record is not None:
        record.telemetry.plan_cache.inc(("hit",))


@contextmanager
def planning() -> Iterator[None]:
    """Around planning the request (its plan was not in the cache)."""
    record = CURRENT.get()
    if record is None:
        yield
        return
    record.telemetry.plan_cache.inc(("miss",))
    tracer = record.telemetry.tracer
    if tracer is None or record.span is None or not record.span.is_recording():
        yield
        return
    span = tracer.start_span("plan", context=trace.set_span_in_context(record.span))
    try:
        yield
    finally:
        span.end()


class FetchObservation:
    __slots__ = ("headers", "record", "service", "span", "started")

    def __init__(self, record: RequestRecord, service: str, headers: dict[str, str] | None) -> None:
        self.record = record
        self.service = service
        self.started = time.perf_counter()
        self.headers = headers
        self.span: trace.Span | None = None
        tracer = record.telemetry.tracer
        if tracer is not None and record.span is not None:
            # The subgraph continues this trace (W3C trace context), recorded or not.
            parent: trace.Span = record.span
            if record.span.is_recording():
                parent = self.span = tracer.start_span(
                    f"fetch {service}", context=trace.set_span_in_context(record.span),
                    kind=trace.SpanKind.CLIENT, attributes={"splp.subgraph": service},
                )
            self.headers = dict(headers or {})
            inject(parent, self.headers)

    def finish(self, error: str | None) -> None:
        telemetry = self.record.telemetry
        service = telemetry.subgraph_names(self.service)
        telemetry.fetches.inc((service, telemetry.codes(error) if error else "ok"))
        telemetry.fetch_seconds.observe(time.perf_counter() - self.started, (service,))
        if self.span is not None:
            if error:
                self.span.set_status(trace.StatusCode.ERROR, error)
            self.span.end()


def observe_fetch(service: str, headers: dict[str, str] | None) -> FetchObservation | None:
    """A subgraph request is about to be sent (None when no request is being observed)."""
    record = CURRENT.get()
    if record is None:
        return None
    if service not in record.subgraphs:
        record.subgraphs.append(service)
    return FetchObservation(record, service, headers)
