"""The aduan subgraph app: the kit's app, plus subscriptions over graphql-ws, the NATS event bus,
the escalation job and the notifier.

Several replicas may share one database and one NATS: each publishes its steps to NATS and
serves its subscribers from NATS; the escalation job runs on the one holding the lease, and the
notifier's durable consumer hands each event to one replica.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from federation import migrations
from subgraphs.aduan import tenggat
from subgraphs.aduan.eskalasi import EscalationJob
from subgraphs.aduan.events import EventBus
from subgraphs.aduan.foto import Uploads, from_env
from subgraphs.aduan.notify import LogSender, Notifier, Sender, WebhookSender
from subgraphs.aduan.schema import schema
from subgraphs.kit import SubgraphContext, create_subgraph_app
from subgraphs.kit.principal import ANONYMOUS, Principal, PrincipalError, principal_from_headers
from subgraphs.kit.signing import SignatureError, Verifier, keys_from_env
from subgraphs.kit.sql import SqlSource

log = logging.getLogger("splp.aduan")


@dataclass
class AduanContext(SubgraphContext):
    """A websocket's context: the principal is read once, from the upgrade request."""

    principal: Principal = ANONYMOUS
    bus: EventBus | None = None


class _Subscriptions(GraphQL[SubgraphContext, None]):
    """graphql-ws on /graphql. With signing keys, the upgrade must carry the gateway's signature
    (a GET with no body, principal included), as the kit requires of every POST."""

    def __init__(self, sql: SqlSource, bus: EventBus | None, verifier: Verifier | None) -> None:
        super().__init__(schema, subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
                         connection_init_wait_timeout=timedelta(seconds=10))
        self.sql = sql
        self.bus = bus
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and self.verifier is not None:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            try:
                self.verifier.verify("GET", scope["path"], b"", headers)
            except SignatureError as error:
                log.warning("refused an unsigned subscription: %s", error)
                await send({"type": "websocket.close", "code": 4403, "reason": "not signed by the gateway"})
                return
        await super().__call__(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Any) -> SubgraphContext:
        try:
            principal = principal_from_headers(request.headers)
        except PrincipalError:
            principal = ANONYMOUS
        return AduanContext(request=None, sql=self.sql, principal=principal, bus=self.bus)


def create_app(
    database_url: str,
    *,
    nats_url: str | None = None,
    nats_prefix: str = "splp.aduan",
    nats_stream: str = "SPLP_ADUAN",
    escalation_interval: float = 60.0,
    senders: Sequence[Sender] | None = None,
    notify_backoff: float = 2.0,
    signing_keys: Mapping[str, bytes] | None = None,
    uploads: Uploads | None = None,
) -> Starlette:
    """`nats_url` (default: $SPLP_NATS_URL) turns on live events and notifications; without it steps
    still work. `senders` default to the log, plus a webhook when $SPLP_NOTIFY_WEBHOOK is set."""
    app = create_subgraph_app("aduan", schema, database_url=database_url, signing_keys=signing_keys)
    sql: SqlSource = app.state.sql
    nats_url = nats_url if nats_url is not None else os.environ.get("SPLP_NATS_URL")
    bus = EventBus(nats_url, nats_prefix, nats_stream) if nats_url else None
    app.state.aduan_bus = bus
    job = EscalationJob(sql.engine, bus.publish if bus else None, interval=escalation_interval)
    app.state.escalation = job
    if senders is None:
        webhook = os.environ.get("SPLP_NOTIFY_WEBHOOK")
        senders = [LogSender(), *([WebhookSender(webhook)] if webhook else [])]
    notifier = Notifier(sql.engine, bus, senders, backoff=notify_backoff) if bus is not None else None
    app.state.notifier = notifier
    keys = signing_keys if signing_keys is not None else keys_from_env()
    verifier = Verifier(keys) if keys else None
    app.router.routes.append(WebSocketRoute("/graphql", _Subscriptions(sql, bus, verifier)))
    # Photos: a signed upload URL (mintaUnggahFoto), stored on disk ($SPLP_FOTO_DIR).
    app.state.aduan_uploads = uploads = uploads or from_env("")
    app.router.routes.extend(uploads.routes())
    kit_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(starlette: Starlette) -> AsyncIterator[None]:
        async with kit_lifespan(starlette):
            await prepare_database(sql)
            if bus is not None:
                try:
                    await bus.open(sql.engine)
                except Exception as error:  # serve steps without live events rather than not at all
                    log.warning("NATS at %s unavailable, no live events: %s", bus.url, error)
            if escalation_interval > 0:
                job.start()
            if notifier is not None:
                notifier.start()
            try:
                yield
            finally:
                await job.stop()
                if notifier is not None:
                    await notifier.stop()
                if bus is not None:
                    await bus.close()

    app.router.lifespan_context = lifespan
    return app


async def prepare_database(sql: SqlSource) -> None:
    """Create missing tables and write the default deadlines and holidays (replicas may race)."""
    try:
        async with sql.engine.begin() as connection:
            await migrations.upgrade_connection(connection, "aduan")  # tables.py, as migrations/versions/ make it
        async with sql.engine.begin() as connection:
            await tenggat.ensure_defaults(connection)
    except Exception as error:  # another replica did it first
        log.info("tables already being prepared: %s", error)
