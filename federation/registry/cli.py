"""Registry commands: `splp registry serve|token`, `splp subgraph publish|check|remove|list`,
`splp supergraph history|rollback|fetch`.

The client commands find the registry with `--registry` (or SPLP_REGISTRY_URL) and
authenticate with `--token` (or SPLP_REGISTRY_TOKEN).

Other areas add their own subcommands under `splp subgraph` through `subgraph_parser`,
which creates the shared `subgraph` parser on first use (argparse allows a command name to
be added only once).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from federation.registry.client import RegistryClient, RegistryError, RegistryUnavailable

DEFAULT_REGISTRY_URL = "http://127.0.0.1:4100"
DEFAULT_DATABASE = "sqlite:///splp-registry.sqlite3"


def subgraph_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> Any:
    """The subcommands of `splp subgraph` (an argparse subparsers action), created once.

    Whichever area's module runs first creates the `subgraph` parser; later calls (from any
    module) get the same subcommands to add theirs to.
    """
    parser = subparsers.choices.get("subgraph")
    if parser is None:
        parser = subparsers.add_parser("subgraph", help="publish, check, list and serve subgraphs")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest="subgraph_command", required=True)


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    _add_registry_commands(subparsers)
    _add_subgraph_commands(subgraph_parser(subparsers))
    _add_supergraph_commands(subparsers)


def _client_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--registry",
        default=os.environ.get("SPLP_REGISTRY_URL", DEFAULT_REGISTRY_URL),
        help="registry URL (default: $SPLP_REGISTRY_URL or %(default)s)",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("SPLP_REGISTRY_TOKEN"),
        help="registry token (default: $SPLP_REGISTRY_TOKEN)",
    )


def _add_registry_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    registry = subparsers.add_parser("registry", help="run the schema registry and manage its tokens")
    commands = registry.add_subparsers(dest="registry_command", required=True)

    serve = commands.add_parser(
        "serve",
        help="serve the registry's HTTP API",
        description="Serve the registry. The bootstrap admin token is read from SPLP_REGISTRY_ADMIN_TOKEN.",
    )
    serve.add_argument("--database", default=DEFAULT_DATABASE, help="SQLAlchemy URL (default: %(default)s)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=4100)
    serve.set_defaults(func=_serve)

    token = commands.add_parser("token", help="manage registry tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser(
        "create",
        help="create a token",
        description="Create a token through the registry (with an admin --token), or directly in its "
        "--database (to bootstrap the first admin token). Prints the new token once.",
    )
    create.add_argument("--subgraphs", default="", help="comma-separated subgraph names a publisher may publish")
    create.add_argument("--role", choices=("publisher", "gateway", "admin"), default="publisher")
    create.add_argument("--label", help="who holds the token, e.g. the OPD (default: the subgraph names)")
    create.add_argument("--database", help="create the token directly in this registry database")
    _client_options(create)
    create.set_defaults(func=_create_token)

    list_ = token_commands.add_parser("list", help="list the tokens that are not revoked (admin)")
    _client_options(list_)
    list_.set_defaults(func=_list_tokens)

    revoke = token_commands.add_parser("revoke", help="revoke a token by its id (admin)")
    revoke.add_argument("id", type=int)
    _client_options(revoke)
    revoke.set_defaults(func=_revoke_token)


    trusted = commands.add_parser("trusted-documents", help="the operations a client's release may run")
    trusted_commands = trusted.add_subparsers(dest="trusted_command", required=True)
    publish = trusted_commands.add_parser(
        "publish",
        help="make a manifest the client's trusted documents (admin)",
        description="Replace the client's trusted documents with the operations of MANIFEST (Apollo's "
        "persisted-query manifest, as generate-persisted-query-manifest writes it). Gateways with "
        "`trusted_documents: {registry: true}` serve them at their next refresh.",
    )
    publish.add_argument("manifest", help="the manifest file")
    publish.add_argument("--client", required=True, help="the client's name, e.g. makassar-super-app")
    _client_options(publish)
    publish.set_defaults(func=_publish_trusted_documents)


def _publish_trusted_documents(args: argparse.Namespace) -> int:
    try:
        with open(args.manifest, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"error: {args.manifest}: {e}", file=sys.stderr)
        return 2

    async def action(client: RegistryClient) -> int:
        result = await client.publish_trusted_documents(args.client, manifest)
        print(f"{args.client}: {result['operations']} trusted operations")
        return 0

    return _run(args, action)


def _add_subgraph_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    publish = commands.add_parser("publish", help="publish a subgraph schema to the registry")
    publish.add_argument("--name", required=True)
    publish.add_argument("--url", required=True, help="the URL the gateway routes to")
    publish.add_argument("--schema", help="the subgraph's SDL file (default: ask --url for `_service { sdl }`)")
    publish.add_argument(
        "--allow-breaking", action="store_true", help="publish even breaking changes that clients used recently"
    )
    _client_options(publish)
    publish.set_defaults(func=_publish)

    check = commands.add_parser(
        "check", help="check a subgraph schema: composition errors and breaking changes weighed by usage"
    )
    check.add_argument("--name", required=True)
    check.add_argument("--schema", help="the subgraph's SDL file (default: ask --url for `_service { sdl }`)")
    check.add_argument("--url", help="the URL the gateway would route to (default: the current one)")
    check.add_argument("--days", type=int, default=30, help="usage window in days (default: %(default)s)")
    _client_options(check)
    check.set_defaults(func=_check)

    remove = commands.add_parser("remove", help="remove a subgraph from the supergraph (a new version)")
    remove.add_argument("--name", required=True)
    remove.add_argument(
        "--allow-breaking", action="store_true", help="remove it even if clients used its fields recently"
    )
    _client_options(remove)
    remove.set_defaults(func=_remove)

    approve = commands.add_parser(
        "approve", help="approve (as one of two admins) a subgraph taking fields another subgraph owns"
    )
    approve.add_argument("--name", required=True, help="the subgraph that will take the fields")
    approve.add_argument("--coordinate", action="append", required=True, metavar="Type.field",
                         help="a field it may take (repeatable), as the refused publish listed them")
    approve.add_argument("--reason", required=True, help="why, for the record")
    _client_options(approve)
    approve.set_defaults(func=_approve)

    list_ = commands.add_parser("list", help="list the registry's subgraphs")
    _client_options(list_)
    list_.set_defaults(func=_list)


def _add_supergraph_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    supergraph = subparsers.add_parser("supergraph", help="the registry's supergraph versions")
    commands = supergraph.add_subparsers(dest="supergraph_command", required=True)

    history = commands.add_parser("history", help="list every supergraph version, newest first")
    history.add_argument("--limit", type=int, help="only the newest LIMIT versions")
    _client_options(history)
    history.set_defaults(func=_history)

    rollback = commands.add_parser("rollback", help="make an earlier version current again (admin)")
    rollback.add_argument("version", type=int)
    rollback.add_argument("--force", action="store_true",
                          help="roll back even when it removes subgraphs whose fields clients use")
    _client_options(rollback)
    rollback.set_defaults(func=_rollback)

    fetch = commands.add_parser("fetch", help="print (or write) a supergraph version's SDL")
    fetch.add_argument("--version", type=int, help="version number (default: the latest)")
    fetch.add_argument("--output", help="write to this file instead of printing")
    _client_options(fetch)
    fetch.set_defaults(func=_fetch)


# -- running commands


def _run(args: argparse.Namespace, action: Callable[[RegistryClient], Awaitable[int]]) -> int:
    async def main() -> int:
        async with RegistryClient(args.registry, args.token) as client:
            return await action(client)

    try:
        return asyncio.run(main())
    except RegistryUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except RegistryError as e:
        print(f"error: {e.reason}", file=sys.stderr)
        for error in e.errors:
            print(f"  [{error.get('code')}] {error.get('message')}", file=sys.stderr)
        return 1


def _read_schema(args: argparse.Namespace) -> str | None:
    """The SDL of `--schema FILE`, or else of the running subgraph at `--url`."""
    if args.schema:
        try:
            with open(args.schema, encoding="utf-8") as f:
                return f.read()
        except OSError as e:
            print(f"error: cannot read schema file {args.schema}: {e.strerror}", file=sys.stderr)
        except UnicodeDecodeError:
            print(f"error: schema file {args.schema} is not UTF-8 text", file=sys.stderr)
        return None
    if not args.url:
        print("error: give the schema with --schema FILE, or --url of the running subgraph", file=sys.stderr)
        return None
    from federation.compose.config import ConfigError, SubgraphEntry, SupergraphConfig, read_sources

    config = SupergraphConfig(None, (SubgraphEntry(args.name, args.url, subgraph_url=args.url),))
    try:
        (source,) = asyncio.run(read_sources(config))
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return None
    return source.sdl


def _in_database(database: str, action: Callable[[Any], Awaitable[Any]]) -> tuple[int, Any]:
    """Run `action(store)` on the registry database; (exit code, result) with clear errors."""
    from sqlalchemy.exc import SQLAlchemyError

    from federation.compose import compose
    from federation.registry.store import RegistryStore, StoreError

    async def main() -> Any:
        store = await RegistryStore.open(database, compose)
        try:
            return await action(store)
        finally:
            await store.close()

    try:
        return 0, asyncio.run(main())
    except StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1, None
    except (OSError, SQLAlchemyError) as e:
        reason = getattr(e, "orig", None) or e
        print(f"error: cannot use the registry database {database}: {reason}", file=sys.stderr)
        return 2, None


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from federation.registry.app import create_registry_app

    async def reachable(store: Any) -> None:
        await store.latest()

    # open it once first, so that a wrong URL or a database that is down is one clear line
    code, _ = _in_database(args.database, reachable)
    if code:
        return code
    admin_token = os.environ.get("SPLP_REGISTRY_ADMIN_TOKEN") or None
    if admin_token is None:
        print(
            "note: SPLP_REGISTRY_ADMIN_TOKEN is not set; create tokens with "
            "`splp registry token create --database ...`",
            file=sys.stderr,
        )
    app = create_registry_app(args.database, admin_token=admin_token)
    # long-polls would hold a shutdown for their whole wait; gateways simply poll again
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", timeout_graceful_shutdown=3)
    return 0


def _create_token(args: argparse.Namespace) -> int:
    names = [n.strip() for n in args.subgraphs.split(",") if n.strip()]
    label = args.label or (",".join(names) if names else args.role)
    if args.database:

        async def create(store: Any) -> str:
            secret, _ = await store.create_token(args.role, names, label)
            return str(secret)

        code, secret = _in_database(args.database, create)
        if code == 0:
            print(secret)
        return code

    async def action(client: RegistryClient) -> int:
        created = await client.create_token(args.role, names, label)
        print(created["token"])
        return 0

    return _run(args, action)


def _list_tokens(args: argparse.Namespace) -> int:
    async def action(client: RegistryClient) -> int:
        for token in await client.tokens():
            names = ",".join(token["subgraphs"]) or "-"
            print(f"{token['id']}\t{token['role']}\t{token['label']}\t{names}\t{token['created_at']}")
        return 0

    return _run(args, action)


def _revoke_token(args: argparse.Namespace) -> int:
    async def action(client: RegistryClient) -> int:
        await client.revoke_token(args.id)
        print(f"token {args.id} revoked")
        return 0

    return _run(args, action)


def _publish(args: argparse.Namespace) -> int:
    sdl = _read_schema(args)
    if sdl is None:
        return 2

    async def action(client: RegistryClient) -> int:
        result = await client.publish(args.name, args.url, sdl, allow_breaking=args.allow_breaking)
        if result["changed"]:
            print(f"published {args.name}: supergraph version {result['version']}")
        else:
            print(f"{args.name} is unchanged: supergraph version {result['version']} stays current")
        return 0

    return _run(args, action)


def _approve(args: argparse.Namespace) -> int:
    async def action(client: RegistryClient) -> int:
        result = await client.approve(args.name, args.coordinate, args.reason)
        for coordinate, approvers in result["approvals"].items():
            print(f"{args.name} may take {coordinate}: approved by {', '.join(approvers)} "
                  f"({len(approvers)} of {result['needed']})")
        return 0

    return _run(args, action)


def _remove(args: argparse.Namespace) -> int:
    async def action(client: RegistryClient) -> int:
        result = await client.remove(args.name, allow_breaking=args.allow_breaking)
        print(f"removed {args.name}: supergraph version {result['version']}")
        return 0

    return _run(args, action)


def _check(args: argparse.Namespace) -> int:
    sdl = _read_schema(args)
    if sdl is None:
        return 2

    async def action(client: RegistryClient) -> int:
        report = await client.check(args.name, sdl, args.url, args.days)
        print(format_check(report))
        return 0 if report["ok"] else 1

    return _run(args, action)


def format_check(report: dict[str, Any]) -> str:
    lines = []
    for error in report["errors"]:
        lines.append(f"composition error [{error['code']}] {error['message']}")
    base = report["base_version"]
    for change in report["changes"]:
        if change["safe"]:
            lines.append(f"safe     {change['description']} (no client used it in the last {report['days']} days)")
        else:
            clients = ", ".join(f"{c['name']} ({c['operations']} operations)" for c in change["clients"])
            lines.append(f"BREAKING {change['description']} Used by: {clients}")
    if report["ok"]:
        against = f"supergraph version {base}" if base else "an empty registry"
        lines.append(f"check passed for {report['subgraph']} against {against}")
    else:
        lines.append(f"check failed for {report['subgraph']}")
    return "\n".join(lines)


def _list(args: argparse.Namespace) -> int:
    async def action(client: RegistryClient) -> int:
        subgraphs = await client.subgraphs()
        if not subgraphs:
            print("no subgraphs published yet")
        for s in subgraphs:
            print(f"{s['name']}\t{s['url']}\towner={s['owner']}\tupdated={s['updated_at']}")
        return 0

    return _run(args, action)


def _history(args: argparse.Namespace) -> int:
    async def action(client: RegistryClient) -> int:
        versions = await client.history(args.limit)
        if not versions:
            print("no supergraph versions yet")
        for v in versions:
            if v["action"] == "rollback":
                what = f"rollback to version {v['rollback_of']}"
            elif v["action"] == "remove":
                what = f"removal of {v['subgraph']}"
            else:
                what = f"publish of {v['subgraph']}"
            print(f"{v['version']}\t{v['created_at']}\t{what}\tby {v['actor']}\t[{', '.join(v['subgraphs'])}]")
        return 0

    return _run(args, action)


def _rollback(args: argparse.Namespace) -> int:
    async def action(client: RegistryClient) -> int:
        version = await client.rollback(args.version, force=args.force)
        print(f"rolled back to version {args.version}: supergraph version {version['version']}")
        return 0

    return _run(args, action)


def _fetch(args: argparse.Namespace) -> int:
    async def action(client: RegistryClient) -> int:
        if args.version is None:
            published = await client.supergraph()
            if published is None:
                print("error: nothing has been published yet", file=sys.stderr)
                return 1
            sdl = published.sdl
        else:
            sdl = str((await client.version(args.version))["sdl"])
        if args.output:
            try:
                with open(args.output, "w", encoding="utf-8") as f:
                    f.write(sdl)
            except OSError as e:
                print(f"error: cannot write {args.output}: {e.strerror}", file=sys.stderr)
                return 2
        else:
            sys.stdout.write(sdl)
        return 0

    return _run(args, action)
