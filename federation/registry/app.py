"""The registry's HTTP API (Starlette).

Every request but /health needs a bearer token (reads any registry token, writes the role shown):

    GET  /health
    GET  /subgraphs                       current subgraphs (without SDL)
    GET  /subgraphs/{name}                one subgraph with its SDL
    PUT  /subgraphs/{name}                publish {"url", "sdl", "allow_breaking"?, "days"?}
                                          publisher of name, admin
    DELETE /subgraphs/{name}              remove it (?allow_breaking=true) publisher of name, admin
    POST /subgraphs/{name}/check          check {"sdl", "url"?, "days"?}   publisher of name, admin
    GET  /supergraph                      latest version and SDL; ETag, ?after=N&wait=S long-poll
    GET  /supergraph/versions             history, newest first (?limit=N)
    GET  /supergraph/versions/{number}    one version with its SDL
    POST /supergraph/rollback             {"version"}                      admin
    POST /tokens                          {"role", "subgraphs", "label"}   admin
    GET  /tokens                          tokens (never their secrets)     admin
    DELETE /tokens/{id}                   revoke a token                   admin
    POST /usage                           {"usage": [{"client", "coordinate", "operations"}]}  gateway, admin
    PUT  /trusted-documents/{client}      the client's release: an Apollo persisted-query manifest  admin
    GET  /trusted-documents               every client's operations; ETag      gateway, admin

Every error is JSON `{"error": reason}` with a 4xx status; a publish that does not compose
answers 422 with the composition errors `{"errors": [{"code", "message"}]}`, and one with
breaking changes that clients used in the last `days` (30) days answers 409 with those
changes as errors (code BREAKING_CHANGE), unless it says `"allow_breaking": true`.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
from graphql import GraphQLError, GraphQLSchema, parse, validate
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from federation.compose import compose
from federation.registry.checks import (
    DEFAULT_USAGE_DAYS,
    CheckReport,
    breaking_changes,
    check_subgraph,
    describe_clients,
    usage_guard,
)
from federation.registry.store import (
    ROLES,
    TAKEOVER_APPROVERS,
    TAKEOVER_CODE,
    Composer,
    NotFound,
    RegistryStore,
    StoredSubgraph,
    StoreError,
    SupergraphVersion,
    Token,
    VersionInfo,
    hash_token,
    load_supergraph,
)
from federation.trusted import ManifestError, documents_etag, manifest_documents
from federation.trusted import document_id as trusted_document_id

log = logging.getLogger("splp.registry")

# the admin whose token the registry is started with (SPLP_REGISTRY_ADMIN_TOKEN)
BOOTSTRAP_ADMIN = Token(id=0, label="admin", role="admin", subgraphs=frozenset(), created_at=datetime.now(UTC))

COORDINATE = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,99}\.[_A-Za-z][_0-9A-Za-z]{0,99}$")
SUBGRAPH_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")
MAX_WAIT_SECONDS = 60.0
MAX_USAGE_ENTRIES = 50_000
CLIENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


class HTTPProblem(Exception):
    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(reason)


def json_response(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type="application/json", headers=headers)


def subgraph_json(subgraph: StoredSubgraph, *, with_sdl: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": subgraph.name,
        "url": subgraph.url,
        "owner": subgraph.owner,
        "updated_at": subgraph.updated_at.isoformat(),
    }
    if with_sdl:
        data["sdl"] = subgraph.sdl
    return data


def version_json(version: VersionInfo) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": version.number,
        "created_at": version.created_at.isoformat(),
        "action": version.action,
        "subgraph": version.subgraph,
        "actor": version.actor,
        "rollback_of": version.rollback_of,
        "subgraphs": list(version.subgraph_names),
    }
    if isinstance(version, SupergraphVersion):
        data["sdl"] = version.supergraph_sdl
    return data


def token_json(token: Token) -> dict[str, Any]:
    return {
        "id": token.id,
        "label": token.label,
        "role": token.role,
        "subgraphs": sorted(token.subgraphs),
        "created_at": token.created_at.isoformat(),
    }


def check_json(report: CheckReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "subgraph": report.subgraph,
        "base_version": report.base_version,
        "days": report.days,
        "errors": [{"code": e.code, "message": e.message} for e in report.errors],
        "changes": [
            {
                "kind": c.change.kind,
                "coordinate": c.change.coordinate,
                "description": c.change.description,
                "safe": c.safe,
                "clients": [{"name": name, "operations": n} for name, n in c.clients.items()],
            }
            for c in report.changes
        ],
    }


# A subgraph's SDL is rarely over 200 KB; a 20,000-type SDL (about 2 MB) is refused here,
# before it is composed (it held the write lock 27 s and stalled every gateway).
MAX_SDL_BYTES = 1_000_000
MAX_BODY_BYTES = MAX_SDL_BYTES + 64 * 1024


async def read_json_object(request: Request) -> dict[str, Any]:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPProblem(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPProblem(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    try:
        body = orjson.loads(b"".join(chunks))
    except orjson.JSONDecodeError as e:
        raise HTTPProblem(400, f"the request body is not valid JSON: {e}") from e
    if not isinstance(body, dict):
        raise HTTPProblem(400, "the request body must be a JSON object")
    return body


def checked_sdl(body: dict[str, Any]) -> str:
    sdl = required_string(body, "sdl")
    if len(sdl.encode()) > MAX_SDL_BYTES:
        raise HTTPProblem(413, f'"sdl" is larger than {MAX_SDL_BYTES} bytes')
    return sdl


def required_string(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise HTTPProblem(400, f'"{key}" must be a non-empty string')
    return value


def optional_string(body: dict[str, Any], key: str) -> str | None:
    return None if body.get(key) is None else required_string(body, key)


def checked_subgraph_name(request: Request) -> str:
    name: str = request.path_params["name"]
    if not SUBGRAPH_NAME.match(name):
        raise HTTPProblem(
            400,
            f"invalid subgraph name {name!r}: use a letter, then letters, digits, '_' or '-' (100 at most)",
        )
    return name


def checked_routing_url(url: str) -> str:
    """An http(s) URL with a host, no credentials, no whitespace or control characters: what the
    gateway will send citizens' requests to."""
    shown = repr(url[:200])
    if len(url) > 2000 or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise HTTPProblem(400, f"invalid routing URL {shown}: no whitespace or control characters, 2000 at most")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise HTTPProblem(400, f"invalid routing URL {shown}: not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HTTPProblem(400, f"invalid routing URL {shown}: expected an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise HTTPProblem(400, f"invalid routing URL {shown}: credentials do not belong in a routing URL")
    if parts.fragment or (port is not None and not 0 < port < 65536):
        raise HTTPProblem(400, f"invalid routing URL {shown}: no fragment, a port from 1 to 65535")
    return url


def checked_days(body: dict[str, Any]) -> int:
    days = body.get("days", DEFAULT_USAGE_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3660:
        raise HTTPProblem(400, '"days" must be a whole number of days between 1 and 3660')
    return days


class RegistryAPI:
    store: RegistryStore  # opened by the app's lifespan

    def __init__(self, admin_token: str | None) -> None:
        self._admin_hash = hash_token(admin_token) if admin_token else None

    async def principal(self, request: Request) -> Token:
        header = request.headers.get("authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise HTTPProblem(401, "this request needs a registry token: send 'Authorization: Bearer TOKEN'")
        secret = secret.strip()
        if self._admin_hash is not None and hmac.compare_digest(hash_token(secret), self._admin_hash):
            return BOOTSTRAP_ADMIN
        token = await self.store.token(secret)
        if token is None:
            raise HTTPProblem(401, "unknown registry token")
        return token

    async def publisher(self, request: Request, name: str) -> Token:
        token = await self.principal(request)
        if not token.may_publish(name):
            raise HTTPProblem(403, f"token {token.label!r} may not publish subgraph {name!r}")
        return token

    async def admin(self, request: Request) -> Token:
        token = await self.principal(request)
        if token.role != "admin":
            raise HTTPProblem(403, f"token {token.label!r} is not an admin token")
        return token

    # -- endpoints

    async def health(self, request: Request) -> Response:
        return json_response({"status": "ok"})

    async def list_subgraphs(self, request: Request) -> Response:
        await self.principal(request)  # SDLs and internal URLs are for registry tokens only
        subgraphs = await self.store.subgraphs()
        return json_response({"subgraphs": [subgraph_json(s, with_sdl=False) for s in subgraphs]})

    async def get_subgraph(self, request: Request) -> Response:
        name = checked_subgraph_name(request)
        await self.principal(request)
        subgraph = await self.store.subgraph(name)
        if subgraph is None:
            raise HTTPProblem(404, f"there is no subgraph {name!r}")
        return json_response(subgraph_json(subgraph, with_sdl=True))

    async def publish(self, request: Request) -> Response:
        name = checked_subgraph_name(request)
        token = await self.publisher(request, name)
        body = await read_json_object(request)
        url = checked_routing_url(required_string(body, "url"))
        sdl = checked_sdl(body)
        allow_breaking = body.get("allow_breaking", False)
        if not isinstance(allow_breaking, bool):
            raise HTTPProblem(400, '"allow_breaking" must be true or false')
        review = None if allow_breaking else usage_guard(checked_days(body))
        outcome = await self.store.publish(name, url, sdl, actor=token.label, review=review)
        if outcome.version is None:
            errors = [{"code": e.code, "message": e.message} for e in outcome.errors]
            if all(e.code == TAKEOVER_CODE for e in outcome.errors):
                reason = (f"publishing {name!r} would take fields another subgraph owns; two admins must approve "
                          "it first (splp subgraph approve)")
                return json_response({"error": reason, "errors": errors}, 403)
            if all(e.code == "BREAKING_CHANGE" for e in outcome.errors):
                reason = f"publishing {name!r} would break clients (send allow_breaking to publish anyway)"
                return json_response({"error": reason, "errors": errors}, 409)
            return json_response({"error": f"subgraph {name!r} does not compose", "errors": errors}, 422)
        return json_response({"version": outcome.version.number, "changed": outcome.changed})

    async def remove(self, request: Request) -> Response:
        name = checked_subgraph_name(request)
        token = await self.publisher(request, name)
        allow_breaking = request.query_params.get("allow_breaking", "false")
        if allow_breaking not in ("true", "false"):
            raise HTTPProblem(400, "?allow_breaking must be true or false")
        review = None if allow_breaking == "true" else usage_guard()
        try:
            outcome = await self.store.remove(name, actor=token.label, review=review)
        except NotFound as e:
            raise HTTPProblem(404, str(e)) from e
        except StoreError as e:
            raise HTTPProblem(409, str(e)) from e
        if outcome.version is None:
            errors = [{"code": e.code, "message": e.message} for e in outcome.errors]
            if all(e.code == "BREAKING_CHANGE" for e in outcome.errors):
                reason = f"removing {name!r} would break clients (add ?allow_breaking=true to remove it anyway)"
                return json_response({"error": reason, "errors": errors}, 409)
            return json_response({"error": f"the subgraphs do not compose without {name!r}", "errors": errors}, 422)
        return json_response({"version": outcome.version.number, "changed": True})

    async def approve(self, request: Request) -> Response:
        """POST /subgraphs/{name}/approvals {coordinates, reason}: one admin's half of a takeover approval."""
        name = checked_subgraph_name(request)
        token = await self.admin(request)
        body = await read_json_object(request)
        coordinates = body.get("coordinates")
        if (not isinstance(coordinates, list) or not coordinates or len(coordinates) > 1000
                or not all(isinstance(c, str) and COORDINATE.match(c) for c in coordinates)):
            raise HTTPProblem(400, '"coordinates" must be a list of Type.field coordinates')
        reason = required_string(body, "reason")[:2000]
        await self.store.approve_takeover(name, coordinates, token, reason)
        approvals = await self.store.takeover_approvals(name)
        return json_response({
            "subgraph": name,
            "approvals": {c: sorted(label for _, label in approvals.get(c, ())) for c in sorted(set(coordinates))},
            "needed": TAKEOVER_APPROVERS,
        })

    async def check(self, request: Request) -> Response:
        name = checked_subgraph_name(request)
        await self.publisher(request, name)
        body = await read_json_object(request)
        sdl = checked_sdl(body)
        url = optional_string(body, "url")
        if url is not None:
            checked_routing_url(url)
        report = await check_subgraph(self.store, name, url, sdl, checked_days(body))
        return json_response(check_json(report))

    async def supergraph(self, request: Request) -> Response:
        await self.principal(request)
        after = _int_param(request, "after")
        wait = _float_param(request, "wait")
        if after is None:
            etag = request.headers.get("if-none-match", "").strip().strip('"')
            after = int(etag) if etag.isdigit() else None
        if after is not None and wait:
            version = await self.store.wait_for_version_after(after, min(wait, MAX_WAIT_SECONDS))
        else:
            version = await self.store.latest()
        if version is None and after is None:
            raise HTTPProblem(404, "nothing has been published yet")
        if version is None or (after is not None and version.number <= after):
            return Response(status_code=304, headers={"ETag": f'"{after}"'})
        return json_response(version_json(version), headers={"ETag": f'"{version.number}"'})

    async def history(self, request: Request) -> Response:
        await self.principal(request)
        versions = await self.store.history(_int_param(request, "limit"))
        return json_response({"versions": [version_json(v) for v in versions]})

    async def get_version(self, request: Request) -> Response:
        await self.principal(request)
        raw = request.path_params["number"]
        if not raw.isdigit():
            raise HTTPProblem(400, f"invalid version number {raw!r}")
        version = await self.store.version(int(raw))
        if version is None:
            raise HTTPProblem(404, f"there is no supergraph version {raw}")
        return json_response(version_json(version))

    async def rollback(self, request: Request) -> Response:
        token = await self.admin(request)
        body = await read_json_object(request)
        number = body.get("version")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise HTTPProblem(400, '"version" must be a supergraph version number')
        force = body.get("force", False)
        if not isinstance(force, bool):
            raise HTTPProblem(400, '"force" must be true or false')
        target, current = await self.store.version(number), await self.store.latest()
        if target is None:
            raise HTTPProblem(404, f"there is no supergraph version {number}")
        if current is not None and not force:
            removed = sorted({s.name for s in current.subgraphs} - {s.name for s in target.subgraphs})
            if removed:
                used = [c for c in await breaking_changes(self.store, current.supergraph_sdl, target.supergraph_sdl,
                                                          DEFAULT_USAGE_DAYS) if not c.safe]
                errors = [{"code": "BREAKING_CHANGE",
                           "message": f"{c.change.description} Used by: {describe_clients(c.clients)}"} for c in used]
                reason = (f"rolling back to version {number} removes {', '.join(removed)}"
                          + (f", breaking {len(used)} change(s) clients used" if used else "")
                          + " (send force to roll back anyway)")
                return json_response({"error": reason, "removed": removed, "errors": errors}, 409)
        try:
            version = await self.store.rollback(number, actor=token.label)
        except NotFound as e:
            raise HTTPProblem(404, str(e)) from e
        return json_response(version_json(version))

    async def create_token(self, request: Request) -> Response:
        await self.admin(request)
        body = await read_json_object(request)
        role = body.get("role", "publisher")
        if role not in ROLES:
            raise HTTPProblem(400, f'"role" must be one of {", ".join(ROLES)}')
        names = body.get("subgraphs", [])
        if not isinstance(names, list) or not all(isinstance(n, str) and SUBGRAPH_NAME.match(n) for n in names):
            raise HTTPProblem(400, '"subgraphs" must be a list of subgraph names')
        label = required_string(body, "label")
        try:
            secret, token = await self.store.create_token(role, names, label)
        except StoreError as e:
            raise HTTPProblem(400, str(e)) from e
        return json_response(dict(token_json(token), token=secret), 201)

    async def list_tokens(self, request: Request) -> Response:
        await self.admin(request)
        tokens = await self.store.tokens()
        return json_response({"tokens": [token_json(t) for t in tokens]})

    async def revoke_token(self, request: Request) -> Response:
        await self.admin(request)
        raw = request.path_params["id"]
        if not raw.isdigit():
            raise HTTPProblem(400, f"invalid token id {raw!r}")
        try:
            await self.store.revoke_token(int(raw))
        except NotFound as e:
            raise HTTPProblem(404, str(e)) from e
        return json_response({"revoked": int(raw)})

    async def record_usage(self, request: Request) -> Response:
        token = await self.principal(request)
        if token.role not in ("gateway", "admin"):
            raise HTTPProblem(403, f"token {token.label!r} may not report usage (needs a gateway token)")
        body = await read_json_object(request)
        entries = body.get("usage")
        if not isinstance(entries, list) or len(entries) > MAX_USAGE_ENTRIES:
            raise HTTPProblem(400, f'"usage" must be a list of at most {MAX_USAGE_ENTRIES} entries')
        rows = []
        for entry in entries:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("client"), str)
                and isinstance(entry.get("coordinate"), str)
                and isinstance(entry.get("operations"), int)
                and not isinstance(entry.get("operations"), bool)
                and entry["operations"] > 0
                and 0 < len(entry["client"]) <= 200
                and 0 < len(entry["coordinate"]) <= 300
            ):
                raise HTTPProblem(
                    400,
                    'each usage entry must be {"client": str, "coordinate": str, "operations": positive int}',
                )
            rows.append((entry["client"], entry["coordinate"], entry["operations"]))
        await self.store.record_usage(rows)
        return json_response({"recorded": len(rows)})

    async def publish_trusted_documents(self, request: Request) -> Response:
        token = await self.admin(request)
        client = request.path_params["client"]
        if not CLIENT_NAME.match(client):
            raise HTTPProblem(400, f"{client[:40]!r} is not a client name (letters, digits, '.', '_', '-')")
        try:
            documents = manifest_documents(await read_json_object(request), "the manifest")
        except ManifestError as e:
            raise HTTPProblem(400, str(e)) from None
        latest = await self.store.latest()
        schema = load_supergraph(latest.supergraph_sdl).api_schema if latest is not None else None
        errors = await asyncio.to_thread(trusted_document_errors, documents, schema)
        if errors:
            return json_response({"error": f"the manifest of {client!r} has operations this graph cannot run",
                                  "errors": errors}, 422)
        await self.store.publish_trusted_documents(client, documents, actor=token.label)
        return json_response({"client": client, "operations": len(documents)})

    async def trusted_documents(self, request: Request) -> Response:
        token = await self.principal(request)
        if token.role not in ("gateway", "admin"):
            raise HTTPProblem(403, f"token {token.label!r} may not read trusted documents (needs a gateway token)")
        operations = await self.store.trusted_documents()
        etag = documents_etag([(c, i) for c, i, _ in operations])
        if request.headers.get("if-none-match", "").strip().strip('"') == etag:
            return Response(status_code=304, headers={"ETag": f'"{etag}"'})
        content = {"operations": [{"client": c, "id": i, "body": body} for c, i, body in operations]}
        return json_response(content, headers={"ETag": f'"{etag}"'})


def trusted_document_errors(documents: dict[str, str], schema: GraphQLSchema | None) -> list[dict[str, str]]:
    """Why each listed operation cannot be trusted: its id is not its text's sha256, it does
    not parse, or (with the latest supergraph's API schema) it does not validate."""
    errors = []
    for document_id, text in sorted(documents.items()):
        if trusted_document_id(text) != document_id.lower():
            errors.append({"id": document_id[:64], "code": "ID_NOT_SHA256",
                           "message": f"{document_id[:16]}: the id must be the sha256 (hex) of the operation's text"})
            continue
        try:
            document = parse(text)
        except GraphQLError as e:
            errors.append({"id": document_id, "code": "GRAPHQL_PARSE_FAILED",
                           "message": f"{document_id[:16]}: {e.message}"})
            continue
        if schema is not None:
            for error in validate(schema, document)[:3]:
                errors.append({"id": document_id, "code": "GRAPHQL_VALIDATION_FAILED",
                               "message": f"{document_id[:16]}: {error.message}"})
    return errors


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise HTTPProblem(400, f"?{name} must be a whole number, got {raw!r}")
    return int(raw)


def _float_param(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise HTTPProblem(400, f"?{name} must be a number of seconds, got {raw!r}")
    return value


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return json_response({"error": exc.detail}, exc.status_code)


async def _database_error(request: Request, exc: Exception) -> Response:
    log.error("registry database error on %s %s: %s", request.method, request.url.path, exc)
    return json_response({"error": "the registry database is unavailable; try again later"}, 503)


async def _unexpected(request: Request, exc: Exception) -> Response:
    return json_response({"error": f"the registry failed unexpectedly: {exc!r}"}, 500)


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPProblem)
    return json_response({"error": exc.reason}, exc.status)


def create_registry_app(
    database_url: str, *, admin_token: str | None = None, composer: Composer = compose
) -> Starlette:
    """The registry on the database at `database_url` (its tables are created if missing).

    `admin_token` is the bootstrap admin secret (from SPLP_REGISTRY_ADMIN_TOKEN); admin
    tokens created through the API work as well.
    """
    api = RegistryAPI(admin_token)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        api.store = await RegistryStore.open(database_url, composer)
        try:
            yield
        finally:
            await api.store.close()

    routes = [
        Route("/health", api.health, methods=["GET"]),
        Route("/subgraphs", api.list_subgraphs, methods=["GET"]),
        Route("/subgraphs/{name}", api.get_subgraph, methods=["GET"]),
        Route("/subgraphs/{name}", api.publish, methods=["PUT"]),
        Route("/subgraphs/{name}", api.remove, methods=["DELETE"]),
        Route("/subgraphs/{name}/check", api.check, methods=["POST"]),
        Route("/subgraphs/{name}/approvals", api.approve, methods=["POST"]),
        Route("/supergraph", api.supergraph, methods=["GET"]),
        Route("/supergraph/versions", api.history, methods=["GET"]),
        Route("/supergraph/versions/{number}", api.get_version, methods=["GET"]),
        Route("/supergraph/rollback", api.rollback, methods=["POST"]),
        Route("/tokens", api.create_token, methods=["POST"]),
        Route("/tokens", api.list_tokens, methods=["GET"]),
        Route("/tokens/{id}", api.revoke_token, methods=["DELETE"]),
        Route("/usage", api.record_usage, methods=["POST"]),
        Route("/trusted-documents/{client}", api.publish_trusted_documents, methods=["PUT"]),
        Route("/trusted-documents", api.trusted_documents, methods=["GET"]),
    ]
    handlers = {
        HTTPProblem: _problem,
        HTTPException: _http_exception,
        SQLAlchemyError: _database_error,
        OSError: _database_error,
        Exception: _unexpected,  # a bug: still a JSON answer (the traceback goes to the log)
    }
    return Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)  # type: ignore[arg-type]
