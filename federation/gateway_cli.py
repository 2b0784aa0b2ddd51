"""`splp gateway` (serve a supergraph) and `splp plan` (print a query plan)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from federation.gateway import Gateway, GraphQLRequest, RequestError
from federation.security.jwt import JwtAuthenticator
from federation.supergraph import Supergraph, SupergraphError
from federation.telemetry import Telemetry
from federation.telemetry.tracing import tracer_provider

log = logging.getLogger("splp.gateway")

ENV_CONFIG = "SPLP_GATEWAY_CONFIG"


def add_commands(subparsers: Any) -> None:
    gateway = subparsers.add_parser("gateway", help="serve a supergraph: GraphQL over HTTP and GraphiQL")
    source = gateway.add_mutually_exclusive_group(required=True)
    source.add_argument("--supergraph", help="supergraph SDL file (reloaded when it changes)")
    source.add_argument("--registry", metavar="URL", help="serve and follow the schema registry's supergraph")
    gateway.add_argument(
        "--registry-token",
        default=os.environ.get("SPLP_REGISTRY_TOKEN"),
        help="gateway token for --registry; reports field usage for schema checks (default: $SPLP_REGISTRY_TOKEN)",
    )
    gateway.add_argument("--registry-interval", type=float, default=30.0, help="seconds a registry long-poll waits")
    gateway.add_argument(
        "--registry-cache", metavar="FILE",
        help="where the last good supergraph from --registry is kept, to start from while the registry is down "
        "(default: $SPLP_STATE_DIR or ~/.cache/splp, one file per registry URL)",
    )
    gateway.add_argument("--host", default="127.0.0.1")
    gateway.add_argument("--port", type=int, default=4000)
    gateway.add_argument("--workers", type=int, default=1, help="processes sharing the port")
    gateway.add_argument("--subgraph-timeout", type=float, default=30.0, help="seconds per subgraph request")
    gateway.add_argument(
        "--subgraph-url", action="append", default=[], metavar="NAME=URL", help="override a subgraph's URL"
    )
    gateway.add_argument(
        "--no-dedupe",
        action="store_true",
        help="do not share one execution between identical queries in flight, nor one fetch between "
        "identical subgraph requests",
    )
    gateway.add_argument(
        "--propagate-header",
        action="append",
        default=[],
        metavar="NAME",
        help="pass this client request header on to every subgraph request (repeatable), e.g. authorization",
    )
    auth = gateway.add_argument_group(
        "authentication",
        "verify `Authorization: Bearer <JWT>`; its claims decide @authenticated, @requiresScopes and @policy",
    )
    auth.add_argument("--jwt-secret-file", help="file holding the shared secret of HS256 tokens")
    auth.add_argument("--jwks-file", help="JSON Web Key Set file with the public keys of RS256/ES256 tokens")
    auth.add_argument("--jwt-audience", help="the `aud` tokens must carry")
    auth.add_argument("--jwt-issuer", help="the `iss` tokens must carry")
    gateway.add_argument("--poll-interval", type=float, default=1.0, help="seconds between supergraph file checks")
    ops = gateway.add_argument_group("operations", "metrics at /metrics, the access log, traces, readiness")
    ops.add_argument("--no-telemetry", action="store_true", help="no /metrics, no access log, no traces")
    ops.add_argument("--no-access-log", action="store_true", help="no JSON access-log line per request on stdout")
    ops.add_argument(
        "--otlp-endpoint",
        help="export OpenTelemetry traces over OTLP/HTTP to this base URL (default: $OTEL_EXPORTER_OTLP_ENDPOINT)",
    )
    ops.add_argument(
        "--trace-sample", type=float, metavar="RATIO",
        help="share of requests traced when the client's traceparent does not decide (default: "
        "$OTEL_TRACES_SAMPLER_ARG or 0.1)",
    )
    ops.add_argument(
        "--ready-subgraph", action="append", default=[], metavar="NAME",
        help="/ready answers 503 unless this subgraph answers (repeatable)",
    )
    gateway.set_defaults(func=run_gateway)

    plan = subparsers.add_parser("plan", help="print the query plan of an operation")
    plan.add_argument("--supergraph", required=True)
    plan.add_argument("query_file")
    plan.add_argument("--operation-name")
    plan.add_argument("--variables", help="JSON object of variables (they decide @skip/@include)")
    plan.set_defaults(func=run_plan)


def run_plan(args: argparse.Namespace) -> int:
    try:
        supergraph = Supergraph.from_file(args.supergraph)
        with open(args.query_file, encoding="utf-8") as f:
            query = f.read()
    except SupergraphError as e:
        print(f"error: {args.supergraph}: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    gateway = Gateway(supergraph)
    request = GraphQLRequest(query, args.operation_name, json.loads(args.variables) if args.variables else None)
    try:
        prepared = gateway.prepare(request)
        coerced = gateway.coerce_variables(prepared, request, gateway.current)
        _, plan = gateway.plan_for(prepared, coerced, gateway.current)
    except RequestError as e:
        for error in e.errors:
            print(f"error: {error['message']}", file=sys.stderr)
        return 1
    print(plan.print())
    return 0


def _parse_urls(pairs: list[str]) -> dict[str, str]:
    urls = {}
    for pair in pairs:
        name, _, url = pair.partition("=")
        if not url:
            raise SystemExit(f"--subgraph-url takes NAME=URL, got {pair!r}")
        urls[name] = url
    return urls


async def watch_file(gateway: Gateway, path: str, interval: float) -> None:
    """Reload the supergraph when its file changes; keep the old one when the new one is broken."""
    last = _stamp(path)
    while True:
        await asyncio.sleep(interval)
        stamp = _stamp(path)
        if stamp == last:
            continue
        last = stamp
        try:
            with open(path, encoding="utf-8") as f:
                sdl = f.read()
            gateway.reload(sdl)
        except (OSError, SupergraphError) as e:
            log.error("supergraph %s changed but was not loaded, still serving the previous one: %s", path, e)
        else:
            log.info("supergraph %s reloaded", path)


def _stamp(path: str) -> tuple[float, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime, st.st_size)


def _authenticator(config: dict[str, Any]) -> JwtAuthenticator | None:
    secret_file, jwks_file = config.get("jwt_secret_file"), config.get("jwks_file")
    if not secret_file and not jwks_file:
        return None
    secret = Path(secret_file).read_text().strip() if secret_file else None
    jwks = json.loads(Path(jwks_file).read_text()) if jwks_file else None
    return JwtAuthenticator(
        secret=secret, jwks=jwks, audience=config.get("jwt_audience"), issuer=config.get("jwt_issuer")
    )


def gateway_app(supergraph: Supergraph, config: dict[str, Any]) -> tuple[Gateway, Starlette]:
    """The gateway for `supergraph` set up with the command's options (`config`), and its app."""
    from federation.http.app import create_app

    dedupe = config.get("dedupe", True)
    gateway = Gateway(
        supergraph,
        subgraph_urls=config.get("subgraph_urls"),
        subgraph_timeout=config.get("subgraph_timeout", 30.0),
        dedupe_subgraph_requests=dedupe,
        propagate_headers=config.get("propagate_headers", ()),
        authenticator=_authenticator(config),
    )
    telemetry = telemetry_for(config)
    app = create_app(supergraph, gateway=gateway, dedupe_requests=dedupe, telemetry=telemetry)
    if telemetry is not None:
        inner = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(a: Starlette) -> AsyncIterator[None]:
            try:
                async with inner(a):
                    yield
            finally:
                telemetry.close()  # exports the spans still buffered

        app.router.lifespan_context = lifespan
    return gateway, app


def telemetry_for(config: dict[str, Any]) -> Telemetry | None:
    """Metrics (on unless `telemetry` is false), the access log on stdout (unless `access_log`
    is false), traces when an OTLP endpoint is configured, the subgraphs /ready requires."""
    if not config.get("telemetry", True):
        return None
    return Telemetry(
        access_log=sys.stdout if config.get("access_log", True) else None,
        tracer_provider=tracer_provider("splp-gateway", config.get("otlp_endpoint"), config.get("trace_sample")),
        required_subgraphs=tuple(config.get("ready_subgraphs") or ()),
    )


def build_app(config: dict[str, Any]) -> Starlette:
    gateway, app = gateway_app(Supergraph.from_file(config["supergraph"]), config)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Starlette) -> AsyncIterator[None]:
        watcher = asyncio.ensure_future(watch_file(gateway, config["supergraph"], config.get("poll_interval", 1.0)))
        try:
            async with inner(a):
                yield
        finally:
            watcher.cancel()

    app.router.lifespan_context = lifespan
    return app


def app_from_env() -> Starlette:
    """The app factory uvicorn's worker processes call (`--workers N`)."""
    return build_app(json.loads(os.environ[ENV_CONFIG]))


def run_gateway(args: argparse.Namespace) -> int:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = {
        "supergraph": args.supergraph,
        "subgraph_urls": _parse_urls(args.subgraph_url),
        "subgraph_timeout": args.subgraph_timeout,
        "poll_interval": args.poll_interval,
        "dedupe": not args.no_dedupe,
        "propagate_headers": args.propagate_header,
        "jwt_secret_file": args.jwt_secret_file,
        "jwks_file": args.jwks_file,
        "jwt_audience": args.jwt_audience,
        "jwt_issuer": args.jwt_issuer,
        "telemetry": not args.no_telemetry,
        "access_log": not args.no_access_log,
        "otlp_endpoint": args.otlp_endpoint,
        "trace_sample": args.trace_sample,
        "ready_subgraphs": args.ready_subgraph,
    }
    if args.registry:
        from federation.registry.gateway_app import run_registry_gateway

        return run_registry_gateway(args, config)
    try:
        Supergraph.from_file(args.supergraph)
    except SupergraphError as e:
        print(f"error: {args.supergraph}: {e}", file=sys.stderr)
        return 1
    from federation.http.server import GuardedHttpToolsProtocol

    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": "warning",
        "access_log": False,
        # header/body deadlines and connection limits for slow and idle clients
        "http": GuardedHttpToolsProtocol,
        "timeout_keep_alive": GuardedHttpToolsProtocol.limits.keep_alive_timeout,
    }
    try:
        import uvloop  # noqa: F401

        options["loop"] = "uvloop"
    except ImportError:
        pass
    print(f"SPLP gateway: GraphQL and GraphiQL at http://{args.host}:{args.port}/graphql", flush=True)
    if args.workers > 1:
        os.environ[ENV_CONFIG] = json.dumps(config)
        uvicorn.run("federation.gateway_cli:app_from_env", factory=True, workers=args.workers, **options)
    else:
        uvicorn.run(build_app(config), **options)
    return 0
