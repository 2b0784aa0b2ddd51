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
from federation.security.authenticate import Authenticator
from federation.security.clients import ClientRegistry
from federation.security.jwt import JwtAuthenticator
from federation.security.policies import PolicyRegistry
from federation.security.signing import RequestSigner
from federation.supergraph import Supergraph, SupergraphError
from federation.telemetry import Telemetry
from federation.telemetry.tracing import tracer_provider
from federation.trail.chain import SigningKey
from federation.trail.store import TrailWriter
from subgraphs.kit.signing import keys_from_env, parse_keys

log = logging.getLogger("splp.gateway")

ENV_CONFIG = "SPLP_GATEWAY_CONFIG"


def add_commands(subparsers: Any) -> None:
    gateway = subparsers.add_parser("gateway", help="serve a supergraph: GraphQL over HTTP and GraphiQL")
    gateway.add_argument(
        "--config",
        metavar="FILE",
        default=os.environ.get("SPLP_CONFIG"),
        help="splp.yaml with every gateway setting (limits, timeouts, CORS, rate limits...); flags override it "
        "(default: $SPLP_CONFIG)",
    )
    source = gateway.add_mutually_exclusive_group()
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
    gateway.add_argument("--host", help="default 127.0.0.1")
    gateway.add_argument("--port", type=int, help="default 4000")
    gateway.add_argument("--workers", type=int, help="processes sharing the port (default 1)")
    gateway.add_argument("--subgraph-timeout", type=float, help="seconds per subgraph request (default 30)")
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
    auth.add_argument("--jwks-url", help="URL of the identity provider's JWK set (cached, refreshed on a new kid)")
    auth.add_argument("--clients", metavar="FILE", help="registered clients: scopes, purposes, hashed API keys")
    auth.add_argument("--require-auth", action="store_true", help="answer anonymous requests 401")
    auth.add_argument(
        "--policy-module",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE and call its register(policies) to add @policy callables (repeatable)",
    )
    auth.add_argument(
        "--signing-keys-file",
        default=os.environ.get("SPLP_SIGNING_KEYS_FILE"),
        help="`kid:secret` lines; the first signs every subgraph request (default: $SPLP_SIGNING_KEYS_FILE "
        "or $SPLP_SIGNING_KEYS)",
    )
    auth.add_argument("--introspection", action="store_true",
                      help="answer __schema/__type queries (off by default; GraphiQL's docs need it)")
    auth.add_argument("--expose-subgraph-errors", action="store_true",
                      help="send subgraph error messages to every client (default: only to tokens with the "
                      "splp:debug scope; others get 'Unexpected error' with the code)")
    trail = gateway.add_argument_group("access trail", "one hash-chained record per personal-data request")
    trail.add_argument("--trail-database", metavar="URL", help="postgresql://… or sqlite:///… (enables the trail)")
    trail.add_argument("--trail-key", metavar="FILE", help="Ed25519 private key signing the trail's checkpoints")
    trail.add_argument(
        "--trail-writer",
        metavar="NAME",
        help="this process's name in the trail, unique among running gateways (default: HOST:PID)",
    )
    trail.add_argument(
        "--trail-fail-open",
        action="store_true",
        help="serve personal data even while the trail's database is down (default: refuse, 503)",
    )
    gateway.add_argument("--poll-interval", type=float, help="seconds between supergraph file checks (default 1)")
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
    plan.add_argument(
        "--json", action="store_true", help="print the plan as data, in the shape of Apollo's QueryPlan JSON"
    )
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
    print(json.dumps(plan.to_json(), indent=2) if args.json else plan.print())
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
            # read and parsed in a worker thread: a huge file must not stall serving
            sdl = await asyncio.to_thread(_read_supergraph_file, path)
            await gateway.reload_in_worker(sdl)
        except (OSError, SupergraphError) as e:
            log.error("supergraph %s changed but was not loaded, still serving the previous one: %s", path, e)
        else:
            log.info("supergraph %s reloaded", path)


def _read_supergraph_file(path: str) -> str:
    from federation.gateway import MAX_SUPERGRAPH_BYTES

    if os.stat(path).st_size > MAX_SUPERGRAPH_BYTES:
        raise SupergraphError(f"the file is larger than {MAX_SUPERGRAPH_BYTES} bytes")
    with open(path, encoding="utf-8") as f:
        return f.read()


def _stamp(path: str) -> tuple[float, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime, st.st_size)


def _authenticator(config: dict[str, Any]) -> Authenticator | None:
    secret_file, jwks_file, jwks_url = config.get("jwt_secret_file"), config.get("jwks_file"), config.get("jwks_url")
    clients_file = config.get("clients")
    if not (secret_file or jwks_file or jwks_url or clients_file or config.get("require_auth")):
        return None
    verifier = None
    if secret_file or jwks_file or jwks_url:
        secret = Path(secret_file).read_text().strip() if secret_file else None
        jwks = json.loads(Path(jwks_file).read_text()) if jwks_file else None
        verifier = JwtAuthenticator(
            secret=secret,
            jwks=jwks,
            jwks_url=jwks_url if not (secret or jwks) else None,
            audience=config.get("jwt_audience"),
            issuer=config.get("jwt_issuer"),
        )
    policies = PolicyRegistry()
    for module in config.get("policy_modules", ()):
        policies.load_module(module)
    return Authenticator(
        jwt=verifier,
        clients=ClientRegistry.from_file(clients_file) if clients_file else None,
        policies=policies,
        require_auth=bool(config.get("require_auth")),
    )


def _signer(config: dict[str, Any]) -> RequestSigner | None:
    path = config.get("signing_keys_file")
    if path:
        return RequestSigner.from_keys(parse_keys(Path(path).read_text()))
    keys = keys_from_env()
    return RequestSigner.from_keys(keys) if keys else None


def _trail(config: dict[str, Any]) -> TrailWriter | None:
    url = config.get("trail_database")
    if not url:
        return None
    key = SigningKey.load(config["trail_key"]) if config.get("trail_key") else None
    if key is None:
        log.warning("access trail without --trail-key: its checkpoints are not signed")
    return TrailWriter(url, key=key, fail_closed=not config.get("trail_fail_open"), writer=config.get("trail_writer"))


def gateway_app(supergraph: Supergraph, config: dict[str, Any]) -> tuple[Gateway, Starlette]:
    """The gateway for `supergraph` set up with the command's options (`config`), and its app.

    `config["settings"]` holds the validated `splp.yaml` (see federation.config); the other
    keys are the command line's, which win over the file."""
    from federation import config as splp_config
    from federation.demand import DemandControl
    from federation.http.app import RequestGuard, create_app
    from federation.http.server import GuardedHttpToolsProtocol
    from federation.ratelimit import RateLimitGuard

    settings: dict[str, Any] = config.get("settings") or {}
    dedupe = config.get("dedupe", True)
    limits = settings.get("limits", {})
    subgraph_timeout = config.get("subgraph_timeout") or settings.get("subgraphs", {}).get("timeout") or 30.0
    authenticator = _authenticator(config)
    gateway = Gateway(
        supergraph,
        subgraph_urls={**settings.get("subgraphs", {}).get("urls", {}), **(config.get("subgraph_urls") or {})},
        subgraph_timeout=subgraph_timeout,
        dedupe_subgraph_requests=dedupe,
        propagate_headers=config.get("propagate_headers", ()),
        authenticator=authenticator,
        signer=_signer(config),
        trail=_trail(config),
        # with registered clients, every personal-data request states a purpose they allow
        require_purpose=authenticator is not None and authenticator.clients is not None,
        mask_errors=not config.get("expose_subgraph_errors", False),
        introspection=bool(config.get("introspection", False)),
        operation_limits=splp_config.operation_limits(settings),
        traffic=splp_config.traffic_policy(settings, subgraph_timeout),
        subgraph_tls=splp_config.subgraph_tls(settings),
        **{k: limits[k] for k in ("cache_bytes", "persisted_bytes") if k in limits},
    )
    GuardedHttpToolsProtocol.configure(splp_config.server_limits(settings))
    guards: list[RequestGuard] = []
    trusted = settings.get("trusted_documents", {})
    trusted_guard = None
    if trusted.get("manifest") or trusted.get("registry"):
        from federation.trusted import TrustedDocuments, read_manifest

        # from the registry: empty until its first answer (registry_gateway_app asks before serving)
        documents = read_manifest(trusted["manifest"]) if trusted.get("manifest") else {}
        trusted_guard = TrustedDocuments(documents, trusted.get("enforce", True))
        guards.append(trusted_guard)
    guards.append(RateLimitGuard(splp_config.rate_limits(settings)))
    guards.append(DemandControl(splp_config.demand_limits(settings)))
    telemetry = telemetry_for(config)
    app = create_app(
        supergraph,
        gateway=gateway,
        dedupe_requests=dedupe,
        http_options=splp_config.http_options(settings),
        cors=splp_config.cors_options(settings),
        guards=guards,
        telemetry=telemetry,
    )
    app.state.trusted_documents = trusted_guard
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
    from federation import config as splp_config

    settings: dict[str, Any] = {}
    if args.config:
        try:
            settings = splp_config.load(args.config)
            # the certificates are read now, so a missing file stops the start with its name;
            # each process builds its own contexts from the same settings (gateway_app)
            splp_config.subgraph_tls(settings, args.config)
        except splp_config.ConfigError as e:
            for error in e.errors:
                print(f"error: {e.source}: {error}", file=sys.stderr)
            return 2
    # flags win over the file, the file over the defaults
    for name, default in (("host", "127.0.0.1"), ("port", 4000), ("workers", 1), ("poll_interval", 1.0)):
        if getattr(args, name) is None:
            setattr(args, name, settings.get(name, default))
    if not args.supergraph and not args.registry:
        args.supergraph, args.registry = settings.get("supergraph"), settings.get("registry")
    if not args.supergraph and not args.registry:
        print("error: give --supergraph FILE or --registry URL (or either in --config)", file=sys.stderr)
        return 2
    if not args.registry_token:
        args.registry_token = settings.get("registry_token")
    jwt = settings.get("jwt", {})
    security, trail = settings.get("security", {}), settings.get("trail", {})
    config = {
        "settings": settings,
        "supergraph": args.supergraph,
        "subgraph_urls": _parse_urls(args.subgraph_url),
        "subgraph_timeout": args.subgraph_timeout or settings.get("subgraphs", {}).get("timeout", 30.0),
        "poll_interval": args.poll_interval,
        "dedupe": not args.no_dedupe and settings.get("dedupe", True),
        "propagate_headers": args.propagate_header or settings.get("propagate_headers", []),
        "jwt_secret_file": args.jwt_secret_file or jwt.get("secret_file"),
        "jwks_file": args.jwks_file or jwt.get("jwks_file"),
        "jwt_audience": args.jwt_audience or jwt.get("audience"),
        "jwt_issuer": args.jwt_issuer or jwt.get("issuer"),
        "jwks_url": args.jwks_url or jwt.get("jwks_url"),
        "clients": args.clients or security.get("clients"),
        "require_auth": args.require_auth or security.get("require_auth", False),
        "policy_modules": args.policy_module or security.get("policy_modules", []),
        "signing_keys_file": args.signing_keys_file or security.get("signing_keys_file"),
        "trail_database": args.trail_database or trail.get("database"),
        "trail_key": args.trail_key or trail.get("key"),
        "trail_fail_open": args.trail_fail_open or trail.get("fail_open", False),
        "trail_writer": args.trail_writer or trail.get("writer"),
        "introspection": args.introspection or security.get("introspection", False),
        "expose_subgraph_errors": args.expose_subgraph_errors or security.get("expose_subgraph_errors", False),
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
        "timeout_keep_alive": max(1, int(splp_config.server_limits(settings).keep_alive_timeout)),
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
