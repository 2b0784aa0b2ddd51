"""`python -m bench.otlp_sink PORT`: an OTLP/HTTP receiver that accepts trace exports and
counts their spans (GET /_stats), so the telemetry benchmark exports over a real socket."""

from __future__ import annotations

import sys

from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


def app() -> web.Application:
    counts = {"exports": 0, "spans": 0}

    async def receive(request: web.Request) -> web.Response:
        export = ExportTraceServiceRequest()
        export.ParseFromString(await request.read())
        counts["exports"] += 1
        counts["spans"] += sum(len(s.spans) for r in export.resource_spans for s in r.scope_spans)
        return web.Response(body=b"", content_type="application/x-protobuf")

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(counts)

    application = web.Application(client_max_size=64 * 1024 * 1024)
    application.router.add_post("/v1/traces", receive)
    application.router.add_get("/_stats", stats)
    return application


if __name__ == "__main__":
    web.run_app(app(), host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
