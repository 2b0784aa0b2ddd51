"""The gateway: one GraphQL request in, one GraphQL response out.

    authenticate ─► prepared-document cache ─(miss)─► parse ─► limits ─► validate ─┐
                          │ hit (valid documents only)                              │
                          ▼                                                         ▼
                coerce variables ─► plan cache ─(miss)─► normalize ─► plan
                                        │ hit                           │
                                        ▼                               ▼
                               execute plan ─► shape (null propagation) ─► response

A request that cannot be executed raises one of the `RequestError` types below, made
afresh for each request (never a cached exception: re-raising one would grow its
traceback and keep earlier requests alive); everything after planning yields a response
with data.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import random
import re
import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    execute,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values
from graphql.validation.rules import overlapping_fields_can_be_merged
from graphql.validation.validate import ValidationAbortedError

from federation import limits
from federation.cache import WeightedLRU
from federation.executor.fetch import SubgraphClient
from federation.executor.run import Execution
from federation.executor.shape import Shaper
from federation.executor.tls import SubgraphTls
from federation.executor.traffic import ShapedSubgraphClient, TrafficPolicy
from federation.planner.build import PlanningError, build_plan
from federation.planner.operation import (
    FieldSelection,
    Operation,
    Selection,
    normalize,
    skip_include_variables,
)
from federation.planner.plan import QueryPlan
from federation.planner.query_graph import query_graph
from federation.security.authenticate import PurposeError
from federation.security.authorization import ANONYMOUS, Principal
from federation.security.guard import Guard, build_guard
from federation.security.jwt import AuthenticationError
from federation.security.policies import PolicyRegistry
from federation.security.principal_header import principal_header
from federation.supergraph import Supergraph, SupergraphError
from federation.telemetry.core import plan_cache_hit, planning

# Bytes the caches may hold (estimated: a parsed document is about ten times its text).
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024
DEFAULT_PERSISTED_BYTES = 16 * 1024 * 1024
AST_BYTES_PER_CHAR = 10
PLAN_BYTES_PER_CHAR = 20  # a plan and its normalized operation, by the document's length
PLANS_PER_DOCUMENT = 16  # variants by @skip/@include values, labels and access decision
MAX_QUERY_BYTES = 1_000_000
# The city's supergraph is about 100 KB; a file of this size is not one (a stray dump).
MAX_SUPERGRAPH_BYTES = 32 * 1024 * 1024
# Parser limit (Apollo Router's default is of the same order).
MAX_TOKENS = 15_000
MAX_DEPTH = limits.OperationLimits().max_depth
# graphql-core's budget for comparing same-named fields (its default, 500,000, is about 2 s of
# one core on 1,500 `f(x: i)` siblings). Identical siblings are dropped before validation
# (see limits.without_duplicate_selections), so only fields that differ and share a
# response name spend it: 100,000 is over 200 such fields in one selection set, far beyond
# any real query, and a tenth of a second at worst. Read by the rule when it starts.
VALIDATION_BUDGET = 100_000
overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = VALIDATION_BUDGET


class RequestError(Exception):
    """The request cannot be executed; `errors` go to the client without data.

    `status` is the HTTP status under `application/graphql-response+json`; under legacy
    `application/json` a well-formed request is answered 200 (GraphQL over HTTP, 6.4.1)
    unless `always` says the status holds whatever the media type."""

    status: ClassVar[int] = 400
    always: ClassVar[bool] = False

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        super().__init__(errors[0]["message"] if errors else type(self).__name__)

    @classmethod
    def of(cls, message: str, code: str | None = None, **extensions: Any) -> RequestError:
        error: dict[str, Any] = {"message": message}
        if code is not None:
            error["extensions"] = {"code": code, **extensions}
        return cls([error])


class DocumentInvalid(RequestError):
    """The document does not parse or does not validate against the schema."""


class LimitExceeded(RequestError):
    """The operation asks for more than a limit allows (depth, aliases, expanded size...)."""


class OperationNotChosen(RequestError):
    """No operation of the document can be chosen (unknown name, several without a name...)."""


class VariablesInvalid(RequestError):
    """The variables do not coerce to the operation's variable types."""


class PersistedQueryError(RequestError):
    """An automatic persisted query that is unknown, mismatched or of an unknown version."""


class AuthenticationFailed(RequestError):
    """Credentials were sent and do not verify: 401 whatever the media type."""

    status = 401
    always = True


class PurposeRefused(RequestError):
    """Personal data asked for without a purpose, or with one the client may not state: 403."""

    status = 403
    always = True


class TrailUnavailable(RequestError):
    """Personal data cannot be served while the access trail cannot record it: 503 (fail closed)."""

    status = 503
    always = True


class IntrospectionDisabled(RequestError):
    """`__schema` or `__type` asked of a gateway that does not answer introspection."""


class PlanningFailed(RequestError):
    """A valid operation the gateway cannot plan: answered with `data: null`, not a client error."""


@dataclass
class GraphQLRequest:
    """One request from the HTTP layer to the response: what the client sent and what the
    gateway learns about it on the way (its principal, its prepared document)."""

    query: str
    operation_name: str | None = None
    variables: dict[str, Any] | None = None
    extensions: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"
    client_address: str = ""
    principal: Principal | None = None
    prepared: Prepared | None = None


@dataclass(eq=False)
class Prepared:
    """A parsed and validated document with its chosen operation; plans hang off it."""

    document: DocumentNode
    operation: OperationDefinitionNode
    skip_include: tuple[str, ...]
    supergraph: Supergraph  # validated against this one
    key: tuple[str, str | None] = ("", None)  # its key in the prepared-document cache
    plans: OrderedDict[tuple[Any, ...], tuple[Operation, QueryPlan]] = field(default_factory=OrderedDict)
    coordinates: frozenset[str] = frozenset()
    # The personal-data guard of each of its plans' operations (federation.security.guard).
    guards: weakref.WeakKeyDictionary[Operation, Guard] = field(default_factory=weakref.WeakKeyDictionary)

    @property
    def kind(self) -> OperationType:
        return self.operation.operation

    @cached_property
    def operation_hash(self) -> str:
        """The SHA-256 of the document's text (the trail's `operation_hash`), taken once."""
        return hashlib.sha256(self.key[0].encode()).hexdigest()


@dataclass
class Schema:
    """Everything derived from one supergraph; swapped whole on reload."""

    supergraph: Supergraph
    client: SubgraphClient
    prepared: WeightedLRU[tuple[str, str | None], Prepared] = field(
        default_factory=lambda: WeightedLRU(DEFAULT_CACHE_BYTES)
    )


class Gateway:
    def __init__(
        self,
        supergraph: Supergraph,
        *,
        subgraph_urls: dict[str, str] | None = None,
        subgraph_timeout: float = 30.0,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
        persisted_bytes: int = DEFAULT_PERSISTED_BYTES,
        dedupe_subgraph_requests: bool = True,
        override_labels: frozenset[str] = frozenset(),
        propagate_headers: Sequence[str] = (),
        authenticator: Callable[[dict[str, str]], Principal | Awaitable[Principal]] | None = None,
        policies: PolicyRegistry | None = None,
        signer: Callable[[str, bytes, dict[str, str] | None], dict[str, str]] | None = None,
        trail: Any = None,
        require_purpose: bool = False,
        mask_errors: bool = False,
        introspection: bool = True,
        operation_limits: limits.OperationLimits | None = None,
        traffic: TrafficPolicy | None = None,
        client_factory: Callable[[dict[str, str]], SubgraphClient] | None = None,
        subgraph_tls: SubgraphTls | None = None,
    ) -> None:
        self.subgraph_urls = dict(subgraph_urls or {})
        self.subgraph_timeout = subgraph_timeout
        self.cache_bytes = cache_bytes
        self.dedupe = dedupe_subgraph_requests
        self.override_labels = override_labels
        # Client request headers passed on to every subgraph request (lower-case names).
        self.propagate_headers = tuple(h.lower() for h in propagate_headers)
        self.persisted: WeightedLRU[str, str] = WeightedLRU(persisted_bytes)
        self.authenticator = authenticator
        self.policies = policies or getattr(authenticator, "policies", None) or PolicyRegistry()
        # Signs every subgraph request (federation.security.signing); subgraphs refuse unsigned ones.
        self.signer = signer
        # The access trail (federation.trail.store.TrailWriter): one record per personal-data request.
        self.trail = trail
        # A request reading personal fields must state its purpose (X-SPLP-Purpose).
        self.require_purpose = require_purpose
        # Subgraph error messages become "Unexpected error" (codes kept) for principals
        # without the debug scope, as Hive Router's masking; off in the library, on in `splp gateway`.
        self.mask_errors = mask_errors
        # `__schema` / `__type` answered; off in `splp gateway` unless configured (`__typename` always).
        self.introspection = introspection
        self.limits = operation_limits or limits.OperationLimits()
        self.client_factory = client_factory
        # CAs and client certificates for https subgraphs (mutual TLS), built once, shared by every reload.
        self.subgraph_tls = subgraph_tls
        self.traffic = traffic or TrafficPolicy(timeout=subgraph_timeout)
        self.usage_listeners: list[Callable[[str, frozenset[str]], None]] = []
        self.current = self._schema_for(supergraph)
        self._retired: list[SubgraphClient] = []
        self._closing: set[asyncio.Future[None]] = set()

    # -- supergraph -----------------------------------------------------------------------

    def _schema_for(self, supergraph: Supergraph) -> Schema:
        urls = {info.name: self.subgraph_urls.get(info.name, info.url) for info in supergraph.subgraphs.values()}
        if self.client_factory is not None:
            client = self.client_factory(urls)
        else:
            client = ShapedSubgraphClient(urls, self.traffic, dedupe=self.dedupe, tls=self.subgraph_tls)
        if self.subgraph_tls is not None:
            self.subgraph_tls.warn_about(urls)
        if self.signer is not None:
            client.signer = self.signer
        query_graph(supergraph)  # built now, not by the first request that plans over it
        return Schema(supergraph, client, WeightedLRU(self.cache_bytes))

    @property
    def supergraph(self) -> Supergraph:
        return self.current.supergraph

    def reload(self, sdl: str) -> None:
        """Serve a new supergraph from the next request on; requests in flight finish on the old one.

        Raises `SupergraphError` (and keeps the current supergraph) when `sdl` is unusable.
        """
        self.swap(Supergraph.from_sdl(sdl))

    async def reload_in_worker(self, sdl: str) -> None:
        """`reload`, with the supergraph read in a worker thread so that serving goes on meanwhile
        (a large supergraph takes seconds to read). Raises `SupergraphError` as `reload` does,
        also for a supergraph over `MAX_SUPERGRAPH_BYTES`."""
        if len(sdl) > MAX_SUPERGRAPH_BYTES:
            raise SupergraphError(f"the supergraph is larger than {MAX_SUPERGRAPH_BYTES} bytes")
        self.swap(await asyncio.to_thread(Supergraph.from_sdl, sdl))

    def swap(self, supergraph: Supergraph) -> None:
        """Serve an already read supergraph (read off the event loop by the caller)."""
        new = self._schema_for(supergraph)
        old, self.current = self.current, new
        self._retired.append(old.client)
        asyncio.get_event_loop().call_later(max(self.traffic.timeout, 1.0) + 5.0, self._close_retired)

    def _close_retired(self) -> None:
        retired, self._retired = self._retired, []
        for client in retired:
            task = asyncio.ensure_future(client.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        await self.current.client.close()
        for client in self._retired:
            await client.close()

    # -- requests -------------------------------------------------------------------------

    async def authenticate(self, request: GraphQLRequest) -> Principal:
        """The request's principal from its credentials, before its document is even parsed."""
        if request.principal is not None:
            return request.principal
        if self.authenticator is None:
            principal = ANONYMOUS
        else:
            try:
                found = self.authenticator(request.headers)
                principal = await found if inspect.isawaitable(found) else found
            except AuthenticationError as e:
                raise AuthenticationFailed.of(str(e), "UNAUTHENTICATED") from None
            except PurposeError as e:
                raise PurposeRefused.of(str(e), e.code) from None
        request.principal = principal
        return principal

    def resolve_persisted_query(self, request: GraphQLRequest) -> None:
        """Automatic persisted queries: a client sends a query's SHA-256 instead of its text and,
        told PERSISTED_QUERY_NOT_FOUND, sends both once; the gateway keeps the text by hash."""
        extension = (request.extensions or {}).get("persistedQuery")
        if not isinstance(extension, dict):
            if not request.query:
                raise DocumentInvalid.of("A GraphQL request must have a `query` string.")
            return
        digest = extension.get("sha256Hash")
        if extension.get("version") != 1 or not isinstance(digest, str):
            raise PersistedQueryError.of(
                "Unsupported persisted query: use version 1 with a sha256Hash.", "PERSISTED_QUERY_NOT_SUPPORTED"
            )
        digest = digest.lower()
        if request.query:
            if hashlib.sha256(request.query.encode()).hexdigest() != digest:
                raise PersistedQueryError.of("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
            # Kept once the document proves valid (see prepare): never a rejected text.
            return
        stored = self.persisted.get(digest)
        if stored is None:
            raise PersistedQueryError.of("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        request.query = stored

    def prepare(self, request: GraphQLRequest, schema: Schema | None = None) -> Prepared:
        """Parse, validate and choose the operation, once per distinct valid document and name."""
        schema = schema or self.current
        if not request.query or request.extensions:
            self.resolve_persisted_query(request)
        key = (request.query, request.operation_name)
        prepared = schema.prepared.get(key)
        if prepared is None:
            prepared = self._prepare(schema.supergraph, request)
            schema.prepared.put(key, prepared, AST_BYTES_PER_CHAR * len(request.query) + 1024)
        if request.extensions:
            extension = request.extensions.get("persistedQuery")
            if isinstance(extension, dict) and isinstance(extension.get("sha256Hash"), str):
                digest = extension["sha256Hash"].lower()
                if digest not in self.persisted:
                    self.persisted.put(digest, request.query, len(request.query) + 128)
        request.prepared = prepared
        return prepared

    def _prepare(self, supergraph: Supergraph, request: GraphQLRequest) -> Prepared:
        if len(request.query) > MAX_QUERY_BYTES:
            raise LimitExceeded.of(
                f"The query is larger than {MAX_QUERY_BYTES} bytes.", "MAX_QUERY_SIZE_LIMIT", limit=MAX_QUERY_BYTES
            )
        try:
            document = parse(request.query, max_tokens=MAX_TOKENS, allow_empty_selection_sets=False)
        except GraphQLError as e:
            code = "MAX_TOKENS_LIMIT" if "token limit" in e.message else "GRAPHQL_PARSE_FAILED"
            raise DocumentInvalid([_error(e, code)]) from None
        except RecursionError:
            raise LimitExceeded.of("The query is nested too deeply to be read.", "MAX_DEPTH_LIMIT") from None
        exceeded = limits.check(document, self.limits)
        if exceeded:
            raise LimitExceeded([e.to_graphql_error() for e in exceeded])
        errors = validate(supergraph.api_schema, limits.without_duplicate_selections(document))
        if errors:
            if any(isinstance(e, ValidationAbortedError) for e in errors):
                # graphql-core's own work budget: within our limits this should not happen
                raise LimitExceeded.of(
                    "The query has too many different fields of one response name to validate "
                    f"(more than {VALIDATION_BUDGET} comparisons); give them distinct aliases or remove the copies.",
                    "VALIDATION_COMPLEXITY_LIMIT",
                    limit=VALIDATION_BUDGET,
                )
            raise DocumentInvalid([_error(e, "GRAPHQL_VALIDATION_FAILED") for e in errors])
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if request.operation_name is None:
            if len(operations) != 1:
                raise OperationNotChosen.of("Must provide operation name if query contains multiple operations.")
            operation = operations[0]
        else:
            found = [o for o in operations if o.name and o.name.value == request.operation_name]
            if not found:
                raise OperationNotChosen.of(f"Unknown operation named '{request.operation_name}'.")
            operation = found[0]
        key = (request.query, request.operation_name)
        return Prepared(document, operation, skip_include_variables(document), supergraph, key)

    def coerce_variables(self, prepared: Prepared, request: GraphQLRequest, schema: Schema) -> dict[str, Any]:
        definitions = prepared.operation.variable_definitions or ()
        if not definitions:
            return {}
        coerced = get_variable_values(schema.supergraph.api_schema, definitions, request.variables or {})
        if isinstance(coerced, list):
            raise VariablesInvalid([_error(e, "BAD_USER_INPUT") for e in coerced])
        # graphql-core 3.3 wraps the values with their sources; 3.2 returns them bare
        values: dict[str, Any] = getattr(coerced, "coerced", coerced)  # type: ignore[arg-type]
        return dict(values)

    def enabled_labels(self, supergraph: Supergraph) -> frozenset[str]:
        """Progressive @override labels on for this request: `percent(N)` by chance, others by config."""
        if not supergraph.override_labels:
            return frozenset()
        enabled = set(self.override_labels & supergraph.override_labels)
        for label in supergraph.override_labels:
            if label.startswith("percent(") and label.endswith(")"):
                try:
                    percent = float(label[len("percent(") : -1])
                except ValueError:
                    continue
                if random.uniform(0, 100) < percent:
                    enabled.add(label)
        return frozenset(enabled)

    def plan_for(
        self, prepared: Prepared, coerced: dict[str, Any], schema: Schema, principal: Principal = ANONYMOUS
    ) -> tuple[Operation, QueryPlan]:
        """The plan for these variable values; raises `PlanningFailed`.

        A document's plans are an LRU of `PLANS_PER_DOCUMENT`: one document sent with
        thousands of `@include` values keeps at most that many plans."""
        labels = self.enabled_labels(schema.supergraph)
        access = schema.supergraph.access
        # Plans differ by what the principal may read, not by who the principal is; entity
        # policies (`self`) it might pass are decided per entity after the fetch.
        decision: frozenset[int] = frozenset()
        conditional: frozenset[int] = frozenset()
        if access:
            decision, conditional = access.decide(principal, self.policies.possible(principal))
        key = (tuple(bool(coerced.get(name)) for name in prepared.skip_include), labels, decision, conditional)
        plans = prepared.plans
        found = plans.get(key)
        if found is None:
            operation = normalize(schema.supergraph.api_schema, prepared.document, prepared.operation, coerced)
            guard = None
            if access:
                access.mark_denied(operation, decision)
                guard = build_guard(schema.supergraph.api_schema, access, operation, conditional, self.policies)
            try:
                with planning():
                    plan = build_plan(schema.supergraph, operation, labels)
            except PlanningError as e:
                raise PlanningFailed.of(str(e), "QUERY_PLANNING_FAILED") from None
            found = plans[key] = (operation, plan)
            if guard is not None and guard.active:
                prepared.guards[operation] = guard
            if len(plans) > PLANS_PER_DOCUMENT:
                plans.popitem(last=False)
            else:
                schema.prepared.grow(prepared.key, PLAN_BYTES_PER_CHAR * len(prepared.key[0]) + 2048)
            if not prepared.coordinates:
                prepared.coordinates = _coordinates(operation)
        else:
            plan_cache_hit()
            if len(plans) > 1:
                plans.move_to_end(key)
        return found

    async def execute(self, request: GraphQLRequest, prepared: Prepared | None = None) -> dict[str, Any]:
        """Execute a request; raises `RequestError` when it cannot be executed at all.

        `prepared`: the request's prepared document when the caller already has it (from
        `prepare` on the current supergraph), so the hot path looks it up once."""
        schema = self.current
        principal = await self.authenticate(request)
        prepared = prepared or request.prepared
        if prepared is None or prepared.supergraph is not schema.supergraph:  # none, or from before a reload
            prepared = self.prepare(request, schema)
        if prepared.kind is OperationType.SUBSCRIPTION:
            # federation.subscriptions serves them; a plain request cannot carry a stream.
            raise OperationNotChosen.of(
                "Subscriptions are served over WebSocket (graphql-transport-ws) "
                "or Server-Sent Events (POST with Accept: text/event-stream)."
            )
        coerced = self.coerce_variables(prepared, request, schema)
        try:
            operation, plan = self.plan_for(prepared, coerced, schema, principal)
        except PlanningFailed as e:
            # The request is valid; the gateway could not serve it: no data, not a client error.
            return {"data": None, "errors": e.errors}
        if operation.introspection_fields and not self.introspection:
            raise IntrospectionDisabled.of(
                "GraphQL introspection is not allowed on this gateway, but the query asked for __schema or __type.",
                "INTROSPECTION_DISABLED",
            )
        guard = prepared.guards.get(operation)
        if guard is not None and guard.personal:
            self._admit_personal(request, prepared, principal)
        if self.usage_listeners:
            client_name = request.headers.get("apollographql-client-name") or request.headers.get("x-client-name") or ""
            for listener in self.usage_listeners:
                listener(client_name, prepared.coordinates)
        headers = None
        if self.propagate_headers:
            headers = {name: request.headers[name] for name in self.propagate_headers if name in request.headers}
        if self.authenticator is not None:
            # Who the request is for, covered by the request signature, so an OPD can check and log too.
            headers = {**(headers or {}), **principal_header(principal)}
        execution = Execution(
            schema.supergraph,
            schema.client,
            request.variables or {},
            headers=headers or None,
            is_mutation=prepared.kind is OperationType.MUTATION,
        )
        await execution.run(plan)
        introspection = operation.introspection_fields
        if introspection:
            self._introspect(schema, prepared, introspection, request, execution)
        return self.answer(request, prepared, operation, principal, schema, execution.data, execution.errors,
                           execution.explained)

    def answer(
        self,
        request: GraphQLRequest,
        prepared: Prepared,
        operation: Operation,
        principal: Principal,
        schema: Schema,
        fetched: dict[str, Any] | None,
        errors: list[dict[str, Any]],
        explained: list[tuple[str | int, ...]] | None = None,
    ) -> dict[str, Any]:
        """The response to what the fetches returned: a query's, or one subscription event's.
        Entity policies (`self`) are decided per object, the personal data returned is recorded
        in the trail, subgraph messages are masked, and the data is shaped to the selection."""
        guard = prepared.guards.get(operation)
        if guard is not None and fetched is not None:
            returned = guard.inspect(schema.supergraph.api_schema, operation, fetched, principal, self.policies, errors)
            if guard.personal and self.trail is not None:
                outcome = "ok" if not errors else ("partial" if returned.coordinates else "denied")
                self.trail.record(
                    self.trail_entry(
                        request, prepared, principal, sorted(returned.coordinates), sorted(returned.niks), outcome
                    )
                )
        if errors and self.mask_errors and DEBUG_SCOPE not in principal.scopes:
            _mask(errors)
        data = Shaper(schema.supergraph.api_schema, operation, errors, explained).shape(fetched)
        response: dict[str, Any] = {"data": data}
        if errors:
            response["errors"] = errors
        return response

    def _admit_personal(self, request: GraphQLRequest, prepared: Prepared, principal: Principal) -> None:
        """A request reading personal fields states its purpose, and is recorded or not answered."""
        if self.trail is not None and not self.trail.accepting:
            # Fail closed: personal data is not served while it cannot be recorded.
            raise TrailUnavailable.of(
                "The access trail is unavailable; personal data cannot be served now.", "TRAIL_UNAVAILABLE"
            )
        if self.require_purpose and principal.purpose is None:
            if self.trail is not None:
                self.trail.record(self.trail_entry(request, prepared, principal, [], [], "refused:PURPOSE_REQUIRED"))
            raise PurposeRefused.of(
                "A request reading personal data must state its purpose (X-SPLP-Purpose).", "PURPOSE_REQUIRED"
            )

    def trail_entry(
        self,
        request: GraphQLRequest,
        prepared: Prepared,
        principal: Principal,
        fields: list[str],
        niks: list[str],
        outcome: str,
    ) -> dict[str, Any]:
        """The access trail's record of one request (federation.trail)."""
        return {
            "at": time.time(),
            "client": principal.client,
            "subject": principal.subject,
            "role": principal.role,
            "purpose": principal.purpose,
            "operation": prepared.operation.name.value if prepared.operation.name else None,
            "operation_hash": prepared.operation_hash,
            "fields": fields,
            "niks": niks,
            "outcome": outcome,
        }

    def _introspect(
        self,
        schema: Schema,
        prepared: Prepared,
        fields: list[FieldNode],
        request: GraphQLRequest,
        execution: Execution,
    ) -> None:
        operation = OperationDefinitionNode(
            operation=OperationType.QUERY,
            variable_definitions=prepared.operation.variable_definitions,
            selection_set=SelectionSetNode(selections=tuple(fields)),
        )
        fragments = [d for d in prepared.document.definitions if not isinstance(d, OperationDefinitionNode)]
        document = DocumentNode(definitions=(operation, *fragments))
        result = execute(schema.supergraph.api_schema, document, variable_values=request.variables)
        assert not isinstance(result, Awaitable), "introspection resolvers are synchronous"
        if isinstance(result.data, dict):
            execution.data.update(result.data)
        for error in result.errors or ():
            execution.errors.append(dict(error.formatted))


DEBUG_SCOPE = "splp:debug"
REDACTED_MESSAGE = "Unexpected error"
UNMASKED_EXTENSIONS = ("code", "serviceName")


def _mask(errors: list[dict[str, Any]]) -> None:
    """Subgraph errors (those carrying `serviceName`) keep their path, code and service only."""
    for error in errors:
        extensions = error.get("extensions")
        if isinstance(extensions, dict) and "serviceName" in extensions:
            error["message"] = REDACTED_MESSAGE
            error["extensions"] = {k: extensions[k] for k in UNMASKED_EXTENSIONS if k in extensions}


# A value a client sent, quoted back in an error (a name, a string, an invalid variable), is cut
# to this many characters: a 5 MB invalid value is never echoed whole.
ECHO_LIMIT = 40
MESSAGE_LIMIT = 1000  # and whatever the cut missed (a value with quotes in it), the whole message
_QUOTED = re.compile(r"""(['"])([^'"]*)\1""")


def cut_echoes(message: str) -> str:
    def cut(m: re.Match[str]) -> str:
        return m[0] if len(m[2]) <= ECHO_LIMIT else f"{m[1]}{m[2][:ECHO_LIMIT]}…{m[1]}"

    message = _QUOTED.sub(cut, message)
    return message if len(message) <= MESSAGE_LIMIT else message[:MESSAGE_LIMIT] + "…"


def _error(error: GraphQLError, code: str) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    formatted["message"] = cut_echoes(str(formatted.get("message", "")))
    extensions: dict[str, Any] = dict(formatted.get("extensions") or {})
    extensions.setdefault("code", code)
    formatted["extensions"] = extensions
    return formatted


def _coordinates(operation: Operation) -> frozenset[str]:
    """Schema coordinates (`Type.field`) the operation uses, for usage reporting."""
    found: set[str] = set()

    def walk(parent: str, selections: list[Selection]) -> None:
        for sel in selections:
            if isinstance(sel, FieldSelection):
                if not sel.name.startswith("__"):
                    found.add(f"{parent}.{sel.name}")
                if sel.selections:
                    walk(sel.type_name, sel.selections)
            else:
                walk(sel.type_condition, sel.selections)

    walk(operation.root_type.name, operation.selections)
    return frozenset(found)
