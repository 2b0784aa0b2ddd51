"""One client subscription: planned like a query, its root fetch held open on the owning
subgraph over graphql-ws, every event completed through the rest of the plan.

    subscription { aduanBerubah { status pelapor { nama } } }
        root fetch  ──► aduan (graphql-ws: `subscription { aduanBerubah { status pelapor { __typename nik } } }`)
        each event  ──► the plan's entity fetches (kependudukan: `_entities` for nama) ──► shaped ──► client

- Authorization applies per event: the principal is authenticated again (an expired token ends
  the stream) and the plan was built for what the principal may read, so every event is shaped
  with the same `@authenticated`/`@requiresScopes` decisions as a query; entity policies
  (`self`) are decided per entity of each event, and each event carrying personal data is one
  access-trail record (none is sent while the trail cannot record it).
- A supergraph reload keeps a subscription the new schema still validates and plans (its
  upstream stream is kept when the root fetch is unchanged) and ends the others with an error
  saying why (code SUBSCRIPTION_ENDED_BY_RELOAD).
- Limits: subscriptions per connection and per client (the client name header, else the
  token's subject, else the peer address).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import OperationType

from federation.executor.run import Execution, merge
from federation.gateway import Gateway, GraphQLRequest, PlanningFailed, Prepared, RequestError, Schema
from federation.planner.operation import Operation
from federation.planner.plan import BatchFetch, Fetch, Parallel, QueryPlan, Sequence
from federation.security.authorization import ANONYMOUS
from federation.security.principal_header import principal_header
from federation.security.signing import RequestSigner
from federation.subscriptions.shared import Member, SharedUpstreams
from federation.subscriptions.upstream import SubgraphRefused, Upstream, UpstreamError
from subgraphs.kit.principal import HEADER as PRINCIPAL_HEADER
from subgraphs.kit.signing import HEADER as SIGNATURE
from subgraphs.kit.signing import sign

PlanNode = Fetch | BatchFetch | Sequence | Parallel
_IDLE = object()  # no event within reload_check


@dataclass(frozen=True)
class Limits:
    per_connection: int = 100
    per_client: int = 1000
    # How often a stream with no events checks whether the supergraph was reloaded.
    reload_check: float = 1.0
    # Events re-authenticate the subscriber at most this often (seconds): a token's expiry ends
    # the stream at the first event after it, without verifying a signature for every event.
    reauthenticate: float = 1.0
    # Identical subscriptions share one upstream and one completion per event (shared.py).
    share: bool = True


class LimitExceeded(RequestError):
    status = 429

    def __init__(self, message: str) -> None:
        super().__init__([{"message": message, "extensions": {"code": "SUBSCRIPTION_LIMIT"}}])


@dataclass
class _Planned:
    schema: Schema
    prepared: Prepared
    operation: Operation
    root: Fetch
    rest: list[PlanNode]


def _split(plan: QueryPlan) -> tuple[Fetch, list[PlanNode]]:
    """The root fetch (the subscription field's subgraph) and what completes each event."""
    node = plan.node
    if isinstance(node, Fetch) and node.requires is None:
        return node, []
    if (
        isinstance(node, Sequence)
        and node.nodes
        and isinstance(node.nodes[0], Fetch)
        and node.nodes[0].requires is None
    ):
        return node.nodes[0], list(node.nodes[1:])
    raise PlanningFailed.of("This subscription cannot be planned as one subgraph's stream.", "QUERY_PLANNING_FAILED")


class Subscriptions:
    def __init__(self, gateway: Gateway, limits: Limits | None = None) -> None:
        self.gateway = gateway
        self.limits = limits or Limits()
        self.per_client: Counter[str] = Counter()
        self.shared = SharedUpstreams()

    async def client_of(self, request: GraphQLRequest, peer: str) -> str:
        headers = request.headers
        named = headers.get("apollographql-client-name") or headers.get("x-client-name")
        if named:
            return f"name:{named}"
        try:
            principal = await self.gateway.authenticate(request)
        except RequestError:
            return f"peer:{peer}"
        return f"sub:{principal.subject}" if principal.subject else f"peer:{peer}"

    async def _plan(self, request: GraphQLRequest, schema: Schema) -> _Planned:
        principal = await self.gateway.authenticate(request)
        prepared = self.gateway.prepare(request, schema)
        coerced = self.gateway.coerce_variables(prepared, request, schema)
        operation, plan = self.gateway.plan_for(prepared, coerced, schema, principal)
        guard = prepared.guards.get(operation)
        if guard is not None and guard.personal:  # personal fields: the purpose rule, as for a query
            self.gateway._admit_personal(request, prepared, principal)
        root, rest = _split(plan)
        return _Planned(schema, prepared, operation, root, rest)

    def _headers(self, request: GraphQLRequest) -> dict[str, str]:
        """What subgraph requests carry: the propagated headers and, behind authentication,
        the principal header (covered by the signature, as the gateway's HTTP fetches)."""
        headers = {name: request.headers[name] for name in self.gateway.propagate_headers if name in request.headers}
        if self.gateway.authenticator is not None and request.principal is not None:
            headers.update(principal_header(request.principal))
        return headers

    def _upgrade_headers(self, request: GraphQLRequest, schema: Schema, url: str) -> dict[str, str]:
        headers = self._headers(request)
        signer = schema.client.signer
        if isinstance(signer, RequestSigner):
            # The upgrade is a GET with no body: signed as such, principal included.
            headers[SIGNATURE] = sign(
                signer.kid, signer.key, "GET", signer.path_of(url), b"", headers.get(PRINCIPAL_HEADER, "")
            )
        return headers

    async def start(self, request: GraphQLRequest, client: str) -> AsyncIterator[dict[str, Any]]:
        """Check and plan the operation now (a request error raises `RequestError` here, before
        any stream is opened); then its results: each event of a subscription, or the one result
        of a query or mutation."""
        await self.gateway.authenticate(request)
        prepared = self.gateway.prepare(request)
        if prepared.kind is not OperationType.SUBSCRIPTION:
            return _single(await self.gateway.execute(request, prepared))
        if self.per_client[client] >= self.limits.per_client:
            raise LimitExceeded(f"Too many subscriptions for this client (limit {self.limits.per_client}).")
        planned = await self._plan(request, self.gateway.current)
        return self._counted(request, planned, client)

    async def _counted(self, request: GraphQLRequest, planned: _Planned, client: str) -> AsyncIterator[dict[str, Any]]:
        self.per_client[client] += 1
        try:
            async for result in self._stream(request, planned):
                yield result
        finally:
            self.per_client[client] -= 1
            if self.per_client[client] <= 0:
                del self.per_client[client]

    async def _open(self, request: GraphQLRequest, planned: _Planned) -> Upstream | Member:
        root = planned.root
        url = planned.schema.client.urls.get(root.service)
        if url is None:
            raise UpstreamError(f"the subgraph {root.service} has no URL")
        variables = {n: (request.variables or {})[n] for n in root.variable_names if n in (request.variables or {})}
        headers = self._upgrade_headers(request, planned.schema, url)

        async def open_upstream() -> Upstream:
            upstream = Upstream(
                url, root.operation, variables, headers, ssl_context=planned.schema.client.ssl_context(root.service)
            )
            await upstream.open()
            return upstream

        guard = planned.prepared.guards.get(planned.operation)
        if not self.limits.share or (guard is not None and guard.personal):
            # Personal data is completed per subscriber: each one's reads are their own trail
            # records (a shared completion would record only the first subscriber's).
            return await open_upstream()
        sent = self._headers(request)  # as they are now: the opener's principal is re-authenticated per event

        async def complete(payload: dict[str, Any]) -> dict[str, Any]:
            return await self._complete(request, planned, payload, sent)

        return await self.shared.join(
            _share_key(request, planned, url, headers), open_upstream, planned, _plan_key(planned), complete
        )

    async def _completed(
        self, upstream: Upstream | Member, request: GraphQLRequest, planned: _Planned, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The event completed through the plan: once per event for all the members of a shared
        upstream with this plan (they send the same headers and variables: the same result)."""
        if isinstance(upstream, Member):
            return await upstream.complete(_plan_key(planned), lambda p: self._complete(request, planned, p))
        return await self._complete(request, planned, payload)

    async def _stream(self, request: GraphQLRequest, planned: _Planned) -> AsyncIterator[dict[str, Any]]:
        try:
            upstream = await self._open(request, planned)
        except UpstreamError as e:
            yield _upstream_error(planned.root.service, str(e))
            return
        authenticated = time.monotonic()
        try:
            while True:
                # One coroutine per event, no task: the wait is cut every `reload_check` seconds
                # to notice a reload even on a quiet stream.
                payload: dict[str, Any] | object | None
                try:
                    async with asyncio.timeout(self.limits.reload_check):
                        payload = await upstream.next_payload()
                except TimeoutError:
                    payload = _IDLE
                except SubgraphRefused as e:
                    yield {"errors": [_with_service(err, planned.root.service) for err in e.errors]}
                    return
                except UpstreamError as e:
                    yield _upstream_error(planned.root.service, str(e))
                    return
                if self.gateway.current is not planned.schema:
                    replanned = await self._replan(request, planned)
                    if isinstance(replanned, dict):
                        yield replanned
                        return
                    if (replanned.root.service, replanned.root.operation) != (
                        planned.root.service,
                        planned.root.operation,
                    ):
                        await upstream.close()
                        planned = replanned
                        try:
                            upstream = await self._open(request, planned)
                        except UpstreamError as e:
                            yield _upstream_error(planned.root.service, str(e))
                            return
                        continue
                    planned = replanned
                if payload is _IDLE:
                    continue
                if not isinstance(payload, dict):
                    return  # the subgraph completed the subscription
                if time.monotonic() - authenticated >= self.limits.reauthenticate:
                    try:
                        request.principal = None  # per event: a token that expired ends the stream
                        await self.gateway.authenticate(request)
                    except RequestError as e:
                        yield {"errors": e.errors}
                        return
                    authenticated = time.monotonic()
                guard = planned.prepared.guards.get(planned.operation)
                if guard is not None and guard.personal:
                    try:  # an event of personal data the trail cannot record is not sent (fail closed)
                        self.gateway._admit_personal(request, planned.prepared, request.principal or ANONYMOUS)
                    except RequestError as e:
                        yield {"errors": e.errors}
                        return
                yield await self._completed(upstream, request, planned, payload)
        finally:
            await upstream.close()

    async def _replan(self, request: GraphQLRequest, planned: _Planned) -> _Planned | dict[str, Any]:
        try:
            return await self._plan(request, self.gateway.current)
        except RequestError as e:
            reason = "; ".join(str(err.get("message")) for err in e.errors)
            return {
                "errors": [
                    {
                        "message": f"The supergraph was reloaded and no longer serves this subscription: {reason}",
                        "extensions": {"code": "SUBSCRIPTION_ENDED_BY_RELOAD"},
                    }
                ]
            }

    async def _complete(
        self, request: GraphQLRequest, planned: _Planned, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        schema = planned.schema
        sent = self._headers(request) if headers is None else headers
        execution = Execution(schema.supergraph, schema.client, request.variables or {}, headers=sent or None)
        data = payload.get("data")
        if isinstance(data, dict):
            merge(execution.data, data)
        for error in payload.get("errors") or ():
            if isinstance(error, dict):
                execution.errors.append(_with_service(error, planned.root.service))
        for node in planned.rest:
            await execution.run_node(node)
        # As a query's response: `self` decided per entity of this event, its personal data
        # recorded in the trail, subgraph messages masked.
        return self.gateway.answer(
            request,
            planned.prepared,
            planned.operation,
            request.principal or ANONYMOUS,
            schema,
            execution.data if isinstance(data, dict) else None,
            execution.errors,
        )


def _plan_key(planned: _Planned) -> tuple[int, ...]:
    # By identity: plans are cached per document and what the principal may read.
    return (id(planned.schema), id(planned.operation), *map(id, planned.rest))


def _share_key(request: GraphQLRequest, planned: _Planned, url: str, headers: dict[str, str]) -> tuple[Any, ...]:
    sent = tuple(sorted((k.lower(), v) for k, v in headers.items() if k.lower() != SIGNATURE.lower()))
    credentials = request.headers.get("authorization", "")
    variables = orjson.dumps(request.variables or {}, option=orjson.OPT_SORT_KEYS)
    return (url, planned.root.operation, variables, sent, credentials, _plan_key(planned))


async def _single(result: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    yield result


def _with_service(error: dict[str, Any], service: str) -> dict[str, Any]:
    extensions = dict(error.get("extensions") or {})
    extensions.setdefault("serviceName", service)
    return {**error, "extensions": extensions}


def _upstream_error(service: str, reason: str) -> dict[str, Any]:
    return {
        "errors": [
            {
                "message": f"The subscription's subgraph '{service}' is unavailable: {reason}",
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": service},
            }
        ]
    }
