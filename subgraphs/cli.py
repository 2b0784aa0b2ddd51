"""`splp subgraph serve|standin`, `splp seed` and `splp demo`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from federation.registry.cli import subgraph_parser
from subgraphs.seed.write import TARGETS


def add_commands(subparsers: Any) -> None:
    # `splp subgraph` is shared with the registry's publish/check/list.
    actions = subgraph_parser(subparsers)
    serve = actions.add_parser("serve", help="serve one OPD subgraph: POST /graphql, GraphiQL, /health")
    serve.add_argument("name", help="kependudukan, pendapatan, kesehatan, sosial, perizinan or aduan")
    serve.add_argument("--database", help="SQLAlchemy URL, e.g. postgresql+asyncpg://…, mysql+aiomysql://…, "
                                          "sqlite+aiosqlite:///file.db")
    serve.add_argument("--bpjs-url", help="BPJS membership API (kesehatan)")
    serve.add_argument("--perizinan-api-url", help="the permits system's API (perizinan)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, help="default: the OPD's demo port (4001-4006)")
    serve.set_defaults(func=run_serve)

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


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from subgraphs.opds import OPDS, Sources

    opd = OPDS.get(args.name)
    if opd is None:
        return _fail(f"no subgraph named {args.name!r}; choose one of {', '.join(OPDS)}")
    sources = Sources(database_url=args.database, bpjs_url=args.bpjs_url, perizinan_api_url=args.perizinan_api_url)
    try:
        app = opd.create_app(sources)
    except ValueError as error:
        return _fail(str(error))
    uvicorn.run(app, host=args.host, port=args.port or opd.port, log_level="info")
    return 0


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
