"""`splp subgraph serve|sdl|new|lint-data|standin`, `splp seed` and `splp demo`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from federation.registry.cli import subgraph_parser
from subgraphs.seed.write import TARGETS

# `splp subgraph serve` over TLS (subgraphs.kit.tls); not imported here: the kit is heavy to load
ENV_CERT_FILE, ENV_KEY_FILE, ENV_CLIENT_CA_FILE = "SPLP_TLS_CERT_FILE", "SPLP_TLS_KEY_FILE", "SPLP_TLS_CLIENT_CA_FILE"


def add_commands(subparsers: Any) -> None:
    # `splp subgraph` is shared with the registry's publish/check/list.
    actions = subgraph_parser(subparsers)
    serve = actions.add_parser("serve", help="serve a subgraph: POST /graphql, GraphiQL, /health")
    serve.add_argument("name", help="MODULE:ATTR (a strawberry schema, an ASGI app or an app factory) or a "
                                    "built-in: kependudukan, pendapatan, kesehatan, sosial, perizinan, aduan")
    serve.add_argument("--database", help="SQLAlchemy URL, e.g. postgresql+asyncpg://…, mysql+aiomysql://…, "
                                          "sqlite+aiosqlite:///file.db")
    serve.add_argument("--bpjs-url", help="BPJS membership API (kesehatan)")
    serve.add_argument("--perizinan-api-url", help="the permits system's API (perizinan)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, help="default: the OPD's demo port (4001-4006); 4000+ otherwise")
    tls = serve.add_argument_group("TLS", "serve https; with a client CA, answer only clients holding a certificate "
                                          "it signed (the gateway's: mutual TLS)")
    tls.add_argument("--tls-cert", metavar="FILE", default=os.environ.get(ENV_CERT_FILE),
                     help=f"the subgraph's certificate, PEM (default: ${ENV_CERT_FILE})")
    tls.add_argument("--tls-key", metavar="FILE", default=os.environ.get(ENV_KEY_FILE),
                     help=f"its private key, PEM, unencrypted (default: ${ENV_KEY_FILE})")
    tls.add_argument("--tls-client-ca", metavar="FILE", default=os.environ.get(ENV_CLIENT_CA_FILE),
                     help=f"require client certificates signed by this CA (default: ${ENV_CLIENT_CA_FILE})")
    serve.set_defaults(func=run_serve)

    sdl = actions.add_parser("sdl", help="print a subgraph's SDL (what _service { sdl } answers)")
    sdl.add_argument("name", help="MODULE:ATTR (a strawberry schema or an app) or a built-in subgraph name")
    sdl.set_defaults(func=run_sdl)

    new = actions.add_parser("new", help="scaffold a subgraph package (a table, its entity, its test)")
    new.add_argument("name", help="the package name, e.g. perpustakaan")
    new.add_argument("--directory", default=".", help="where the package and its test go (default: here)")
    new.set_defaults(func=run_new)

    openapi = actions.add_parser("openapi", help="print the declarations of a REST source from its OpenAPI 3 "
                                                 "document (YAML or JSON)")
    openapi.add_argument("file", help="the OpenAPI document")
    openapi.add_argument("--source", help="the REST source's name (default: the file's name, e.g. bpjs)")
    openapi.set_defaults(func=run_openapi)

    lint = actions.add_parser("lint-data", help="list the rows of each table that fail the data standard")
    lint.add_argument("name", help="MODULE:ATTR or a built-in subgraph name")
    lint.add_argument("--database", required=True, help="the subgraph's database URL")
    lint.add_argument("--format", choices=["text", "json"], default="text", help="json: one object per line")
    lint.set_defaults(func=run_lint_data)

    standin = actions.add_parser("standin", help="serve a STAND-IN external API (bpjs or perizinan)")
    standin.add_argument("name", help="bpjs or perizinan")
    standin.add_argument("--database", required=True)
    standin.add_argument("--host", default="127.0.0.1")
    standin.add_argument("--port", type=int, help="default: 4011 (bpjs) or 4012 (perizinan)")
    standin.set_defaults(func=run_standin)

    seed = subparsers.add_parser("seed", help="write deterministic Makassar data into the OPD databases")
    seed.add_argument("--citizens", type=int, default=10_000)
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument("--database", action="append", default=[], metavar="[TARGET=]URL",
                      help=f"a URL for every target, or TARGET=URL for one of: {', '.join(TARGETS)} "
                           "(repeatable)")
    seed.add_argument("--batch-size", type=int, default=20_000, help="citizens per write")
    seed.set_defaults(func=run_seed)

    demo = subparsers.add_parser("demo", help="seed SQLite, start the six subgraphs and the gateway on :4000")
    demo.add_argument("--citizens", type=int, default=10_000)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--data-dir", default="var/demo", help="where the SQLite files go")
    demo.add_argument("--reseed", action="store_true", help="seed again even if the data is there")
    demo.set_defaults(func=run_demo)
    demo_commands = demo.add_subparsers(dest="demo_command")
    token = demo_commands.add_parser("token", help="print a demo token for a role (warga needs --nik)")
    token.add_argument("role", help="warga, operator, meja_aduan, koordinator, petugas_lapangan, kepala_opd, "
                       "admin_kota or dpo")
    token.add_argument("--nik", help="the citizen's NIK (role warga)")
    token.add_argument("--opd", help="the operator's OPD (role operator; default kependudukan)")
    token.add_argument("--name", help="the person's display name")
    token.add_argument("--data-dir", default="var/demo", help="the demo's data folder (holds the token secret)")
    token.set_defaults(func=run_demo_token)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


class TargetError(ValueError):
    """MODULE:ATTR names nothing a subgraph can be made of."""


def load_target(spec: str) -> Any:
    """The object `MODULE:ATTR` names (imported from the current directory too)."""
    import importlib

    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise TargetError(f"{spec!r} is not MODULE:ATTR (e.g. subgraphs.kependudukan.schema:schema)")
    if "" not in sys.path and "." not in sys.path:
        sys.path.insert(0, "")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        raise TargetError(f"cannot import {module_name!r}: {error}") from None
    target = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise TargetError(f"{module_name} has no attribute {attribute!r}")
        target = getattr(target, part)
    return target


def _schema_of(target: Any) -> Any:
    """The strawberry schema a target serves: itself, or an app's (`app.state.schema`)."""
    import strawberry

    if isinstance(target, strawberry.Schema):
        return target
    state = getattr(target, "state", None)
    schema = getattr(state, "schema", None)
    if isinstance(schema, strawberry.Schema):
        return schema
    raise TargetError("the target is neither a strawberry schema nor an app made by create_subgraph_app")


def _app_of(target: Any, name: str, database_url: str | None) -> Any:
    """An ASGI app from a schema (served with `--database`), an app, or an app factory."""
    import inspect

    import strawberry

    from subgraphs.kit import create_subgraph_app

    if isinstance(target, strawberry.Schema):
        return create_subgraph_app(name, target, database_url=database_url)
    if inspect.isfunction(target) or inspect.ismethod(target):
        parameters = inspect.signature(target).parameters
        if "database_url" in parameters:
            if database_url is None and parameters["database_url"].default is inspect.Parameter.empty:
                raise TargetError(f"{target.__name__} needs --database")
            return target(database_url=database_url) if database_url is not None else target()
        return target()
    if callable(target):
        return target
    raise TargetError("the target is not a strawberry schema, an ASGI app or an app factory")


def run_openapi(args: argparse.Namespace) -> int:
    import yaml

    from subgraphs.kit.openapi import OpenApiError, declarations

    path = Path(args.file)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        return _fail(f"cannot read {path}: {error.strerror}")
    except yaml.YAMLError as error:
        return _fail(f"{path} is neither YAML nor JSON: {error}")
    source = args.source or path.name.split(".")[0]
    try:
        print(declarations(document, source), end="")
    except OpenApiError as error:
        return _fail(f"{path}: {error}")
    return 0


def _builtin_schema(name: str) -> Any:
    from subgraphs.opds import OPDS

    opd = OPDS.get(name)
    if opd is None:
        raise TargetError(f"no subgraph named {name!r}; choose one of {', '.join(OPDS)} or give MODULE:ATTR")
    return opd.schema


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from subgraphs.kit.tls import TlsError, uvicorn_tls_options
    from subgraphs.opds import OPDS, Sources

    try:
        tls = uvicorn_tls_options(args.tls_cert, args.tls_key, args.tls_client_ca)
    except TlsError as error:
        return _fail(str(error))
    if ":" in args.name:
        try:
            app = _app_of(load_target(args.name), args.name.partition(":")[0].split(".")[-1], args.database)
        except TargetError as error:
            return _fail(str(error))
        uvicorn.run(app, host=args.host, port=args.port or 4000, log_level="info", **tls)
        return 0
    opd = OPDS.get(args.name)
    if opd is None:
        return _fail(f"no subgraph named {args.name!r}; choose one of {', '.join(OPDS)}")
    sources = Sources(database_url=args.database, bpjs_url=args.bpjs_url, perizinan_api_url=args.perizinan_api_url)
    try:
        app = opd.create_app(sources)
    except ValueError as error:
        return _fail(str(error))
    uvicorn.run(app, host=args.host, port=args.port or opd.port, log_level="info", **tls)
    return 0


def run_sdl(args: argparse.Namespace) -> int:
    try:
        schema = _schema_of(load_target(args.name)) if ":" in args.name else _builtin_schema(args.name)
    except TargetError as error:
        return _fail(str(error))
    result = asyncio.run(schema.execute("{ _service { sdl } }"))
    if result.errors or not result.data:
        return _fail("the schema is not a federated subgraph (it has no _service { sdl })")
    sys.stdout.write(result.data["_service"]["sdl"].rstrip("\n") + "\n")
    return 0


def run_new(args: argparse.Namespace) -> int:
    from subgraphs.kit.scaffold import ScaffoldError, scaffold

    try:
        written = scaffold(args.name, Path(args.directory))
    except ScaffoldError as error:
        return _fail(str(error))
    for path in written:
        print(path)
    print(f"next: cd {args.directory} && python -m pytest -q tests/test_{args.name}.py")
    return 0


def run_lint_data(args: argparse.Namespace) -> int:
    import json

    from subgraphs.kit.lint import TableReport, lint_data

    try:
        schema = _schema_of(load_target(args.name)) if ":" in args.name else _builtin_schema(args.name)
    except TargetError as error:
        return _fail(str(error))

    async def run() -> int:
        dirty = 0
        async for item in lint_data(schema, args.database):
            if isinstance(item, TableReport):
                dirty += item.dirty_rows
                if args.format == "json":
                    print(json.dumps({"table": item.table, "rows": item.rows, "dirtyRows": item.dirty_rows}))
                else:
                    print(f"{item.table}: {item.rows} rows, {item.dirty_rows} failing the data standard")
            elif args.format == "json":
                print(json.dumps({"table": item.table, "key": {item.key: str(item.key_value)},
                                  "column": item.column, "scalar": item.scalar, "reason": item.reason}))
            else:
                print(f"  {item}")
        return 1 if dirty else 0

    try:
        return asyncio.run(run())
    except Exception as error:  # a database that cannot be read: one line, not a traceback
        return _fail(f"cannot read the database: {getattr(error, 'message', None) or type(error).__name__}")


def run_standin(args: argparse.Namespace) -> int:
    from aiohttp import web

    from subgraphs.opds import STANDINS

    if args.name not in STANDINS:
        return _fail(f"no stand-in named {args.name!r}; choose one of {', '.join(STANDINS)}")
    port, create = STANDINS[args.name]
    print(f"STAND-IN {args.name} (not part of the product) on http://{args.host}:{args.port or port}")
    web.run_app(create(args.database), host=args.host, port=args.port or port, print=None)
    return 0


def parse_targets(values: list[str]) -> dict[str, str]:
    """`URL` sets every target; `TARGET=URL` sets one (later values win)."""
    urls: dict[str, str] = {}
    for value in values:
        name, sep, url = value.partition("=")
        if sep and name in TARGETS:
            urls[name] = url
        elif "://" in value:
            urls.update(dict.fromkeys(TARGETS, value))
        else:
            raise ValueError(f"{value!r} is neither a database URL nor TARGET=URL ({', '.join(TARGETS)})")
    return urls


def run_seed(args: argparse.Namespace) -> int:
    from subgraphs.seed import seed_databases

    if args.citizens < 1:
        return _fail("--citizens must be at least 1")
    try:
        urls = parse_targets(args.database)
    except ValueError as error:
        return _fail(str(error))
    if not urls:
        return _fail("give --database URL (or TARGET=URL)")

    def progress(citizens: int, seconds: float) -> None:
        print(f"  {citizens:>9} citizens  {seconds:7.1f} s", file=sys.stderr, flush=True)

    try:
        report = asyncio.run(seed_databases(urls, citizens=args.citizens, seed=args.seed,
                                            batch_size=args.batch_size, progress=progress))
    except OSError as error:
        return _fail(f"cannot reach the database: {error}")
    for name, count in sorted(report.rows.items()):
        print(f"{name:32} {count:>10}")
    print(f"seeded {report.citizens} citizens ({sum(report.rows.values())} rows) in {report.seconds:.1f} s")
    return 0


def run_demo_token(args: argparse.Namespace) -> int:
    from federation.security.demo import DemoIdentity

    try:
        print(DemoIdentity.in_folder(Path(args.data_dir)).token(args.role, nik=args.nik, opd=args.opd, name=args.name))
    except ValueError as e:
        return _fail(str(e))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from subgraphs.demo.run import run_demo as demo

    return asyncio.run(demo(Path(args.data_dir), args.citizens, args.seed, reseed=args.reseed))
