"""The gateway: one GraphQL request in, one GraphQL response out.

    request ─► prepared-document cache ─(miss)─► parse ─► validate ─┐
                     │ hit                                           │
                     ▼                                               ▼
           coerce variables ─► plan cache ─(miss)─► normalize ─► plan
                                   │ hit                           │
                                   ▼                               ▼
                          execute plan ─► shape (null propagation) ─► response

A request error (parse, validation, variables, unknown operation) is a `RequestError` with
the errors to send and no data; everything after planning yields a response with data.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    execute,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from federation.executor.fetch import SubgraphClient
from federation.executor.run import Execution
from federation.executor.shape import Shaper
from federation.planner.build import PlanningError, build_plan
from federation.planner.operation import (
    FieldSelection,
    Operation,
    Selection,
    normalize,
    skip_include_variables,
)
from federation.planner.plan import QueryPlan
from federation.security.authorization import ANONYMOUS, Principal
from federation.security.jwt import AuthenticationError
from federation.supergraph import Supergraph
from federation.telemetry.core import plan_cache_hit, planning

DEFAULT_CACHE_SIZE = 1024
MAX_QUERY_BYTES = 1_000_000
# Limits that keep one request from costing the gateway unbounded work (Apollo Router's
# parser defaults are of the same order).
MAX_TOKENS = 15_000
MAX_DEPTH = 100


class RequestError(Exception):
    """The request cannot be executed; `errors` go to the client without data."""

    def __init__(self, errors: list[dict[str, Any]], kind: str = "validation") -> None:
        self.errors = errors
        self.kind = kind  # "parse" | "validation" | "variables" | "operation" | "method"
        super().__init__(errors[0]["message"] if errors else kind)


@dataclass
class GraphQLRequest:
    query: str
    operation_name: str | None = None
    variables: dict[str, Any] | None = None
    extensions: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class Prepared:
    """A parsed and validated document with its chosen operation; plans hang off it."""

    document: DocumentNode
    operation: OperationDefinitionNode
    skip_include: tuple[str, ...]
    supergraph: Supergraph  # validated against this one
    plans: dict[tuple[Any, ...], tuple[Operation, QueryPlan]] = field(default_factory=dict)
    coordinates: frozenset[str] = frozenset()

    @property
    def kind(self) -> OperationType:
        return self.operation.operation


@dataclass
class Schema:
    """Everything derived from one supergraph; swapped whole on reload."""

    supergraph: Supergraph
    client: SubgraphClient
    prepared: OrderedDict[tuple[str, str | None], Prepared | RequestError] = field(default_factory=OrderedDict)


class Gateway:
    def __init__(
        self,
        supergraph: Supergraph,
        *,
        subgraph_urls: dict[str, str] | None = None,
        subgraph_timeout: float = 30.0,
        cache_size: int = DEFAULT_CACHE_SIZE,
        dedupe_subgraph_requests: bool = True,
        override_labels: frozenset[str] = frozenset(),
        propagate_headers: Sequence[str] = (),
        authenticator: Callable[[dict[str, str]], Principal] | None = None,
    ) -> None:
        self.subgraph_urls = dict(subgraph_urls or {})
        self.subgraph_timeout = subgraph_timeout
        self.cache_size = cache_size
        self.dedupe = dedupe_subgraph_requests
        self.override_labels = override_labels
        # Client request headers passed on to every subgraph request (lower-case names).
        self.propagate_headers = tuple(h.lower() for h in propagate_headers)
        self.persisted: OrderedDict[str, str] = OrderedDict()
        self.authenticator = authenticator
        self.usage_listeners: list[Callable[[str, frozenset[str]], None]] = []
        self.current = self._schema_for(supergraph)
        self._retired: list[SubgraphClient] = []
        self._closing: set[asyncio.Future[None]] = set()

    # -- supergraph -----------------------------------------------------------------------

    def _schema_for(self, supergraph: Supergraph) -> Schema:
        urls = {info.name: self.subgraph_urls.get(info.name, info.url) for info in supergraph.subgraphs.values()}
        return Schema(supergraph, SubgraphClient(urls, timeout=self.subgraph_timeout, dedupe=self.dedupe))

    @property
    def supergraph(self) -> Supergraph:
        return self.current.supergraph

    def reload(self, sdl: str) -> None:
        """Serve a new supergraph from the next request on; requests in flight finish on the old one.

        Raises `SupergraphError` (and keeps the current supergraph) when `sdl` is unusable.
        """
        new = self._schema_for(Supergraph.from_sdl(sdl))
        old, self.current = self.current, new
        self._retired.append(old.client)
        asyncio.get_event_loop().call_later(max(self.subgraph_timeout, 1.0) + 5.0, self._close_retired)

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

    def resolve_persisted_query(self, request: GraphQLRequest) -> None:
        """Automatic persisted queries: a client sends a query's SHA-256 instead of its text and,
        told PERSISTED_QUERY_NOT_FOUND, sends both once; the gateway keeps the text by hash."""
        extension = (request.extensions or {}).get("persistedQuery")
        if not isinstance(extension, dict):
            if not request.query:
                raise RequestError([{"message": "A GraphQL request must have a `query` string."}], "parse")
            return
        digest = extension.get("sha256Hash")
        if extension.get("version") != 1 or not isinstance(digest, str):
            raise RequestError(
                [
                    {
                        "message": "Unsupported persisted query: use version 1 with a sha256Hash.",
                        "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"},
                    }
                ],
                "parse",
            )
        if request.query:
            if hashlib.sha256(request.query.encode()).hexdigest() != digest.lower():
                raise RequestError(
                    [
                        {
                            "message": "provided sha does not match query",
                            "extensions": {"code": "PERSISTED_QUERY_HASH_MISMATCH"},
                        }
                    ],
                    "parse",
                )
            self.persisted[digest.lower()] = request.query
            if len(self.persisted) > self.cache_size * 4:
                self.persisted.popitem(last=False)
            return
        stored = self.persisted.get(digest.lower())
        if stored is None:
            raise RequestError(
                [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}],
                "persisted",
            )
        self.persisted.move_to_end(digest.lower())
        request.query = stored

    def prepare(self, request: GraphQLRequest, schema: Schema | None = None) -> Prepared:
        """Parse, validate and choose the operation, once per distinct document and name."""
        schema = schema or self.current
        if not request.query or request.extensions:
            self.resolve_persisted_query(request)
        key = (request.query, request.operation_name)
        cached = schema.prepared.get(key)
        if cached is None:
            cached = self._prepare(schema.supergraph, request)
            schema.prepared[key] = cached
            if len(schema.prepared) > self.cache_size:
                schema.prepared.popitem(last=False)
        else:
            schema.prepared.move_to_end(key)
        if isinstance(cached, RequestError):
            raise cached
        return cached

    def _prepare(self, supergraph: Supergraph, request: GraphQLRequest) -> Prepared | RequestError:
        if len(request.query) > MAX_QUERY_BYTES:
            return RequestError([{"message": f"The query is larger than {MAX_QUERY_BYTES} bytes."}], "parse")
        try:
            document = parse(request.query, max_tokens=MAX_TOKENS, allow_empty_selection_sets=False)
            errors = validate(supergraph.api_schema, document)
            if not errors and _depth(document) > MAX_DEPTH:
                return RequestError([{"message": f"The query is nested deeper than {MAX_DEPTH} levels."}], "validation")
        except GraphQLError as e:
            return RequestError([dict(e.formatted)], "parse")
        except RecursionError:
            return RequestError([{"message": "The query is nested too deeply to be read."}], "parse")
        if errors:
            return RequestError([dict(e.formatted) for e in errors], "validation")
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if request.operation_name is None:
            if len(operations) != 1:
                return RequestError(
                    [{"message": "Must provide operation name if query contains multiple operations."}], "operation"
                )
            operation = operations[0]
        else:
            found = [o for o in operations if o.name and o.name.value == request.operation_name]
            if not found:
                return RequestError([{"message": f"Unknown operation named '{request.operation_name}'."}], "operation")
            operation = found[0]
        if operation.operation is OperationType.SUBSCRIPTION:
            return RequestError([{"message": "Subscriptions are not supported by this gateway."}], "operation")
        return Prepared(document, operation, skip_include_variables(document), supergraph)

    def coerce_variables(self, prepared: Prepared, request: GraphQLRequest, schema: Schema) -> dict[str, Any]:
        definitions = prepared.operation.variable_definitions or ()
        if not definitions:
            return {}
        coerced = get_variable_values(schema.supergraph.api_schema, definitions, request.variables or {})
        if isinstance(coerced, list):
            raise RequestError([dict(e.formatted) for e in coerced], "variables")
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

    def authenticate(self, request: GraphQLRequest) -> Principal:
        if self.authenticator is None:
            return ANONYMOUS
        try:
            return self.authenticator(request.headers)
        except AuthenticationError as e:
            raise RequestError([{"message": str(e), "extensions": {"code": "UNAUTHENTICATED"}}], "auth") from e

    def plan_for(
        self, prepared: Prepared, coerced: dict[str, Any], schema: Schema, principal: Principal = ANONYMOUS
    ) -> tuple[Operation, QueryPlan]:
        labels = self.enabled_labels(schema.supergraph)
        access = schema.supergraph.access
        # Plans differ by what the principal may read, not by who the principal is.
        decision = access.decision(principal) if access else frozenset()
        key = (tuple(bool(coerced.get(name)) for name in prepared.skip_include), labels, decision)
        found = prepared.plans.get(key)
        if found is None:
            operation = normalize(schema.supergraph.api_schema, prepared.document, prepared.operation, coerced)
            if access:
                access.mark_denied(operation, decision)
            try:
                with planning():
                    plan = build_plan(schema.supergraph, operation, labels)
            except PlanningError as e:
                raise RequestError(
                    [{"message": str(e), "extensions": {"code": "QUERY_PLANNING_FAILED"}}], "plan"
                ) from e
            found = prepared.plans[key] = (operation, plan)
            if not prepared.coordinates:
                prepared.coordinates = _coordinates(operation)
        else:
            plan_cache_hit()
        return found

    async def execute(self, request: GraphQLRequest, prepared: Prepared | None = None) -> dict[str, Any]:
        """Execute a request; raises `RequestError` when it cannot be executed at all.

        `prepared`: the request's prepared document when the caller already has it (from
        `prepare` on the current supergraph), so the hot path looks it up once."""
        schema = self.current
        if prepared is None or prepared.supergraph is not schema.supergraph:  # none, or from before a reload
            prepared = self.prepare(request, schema)
        principal = self.authenticate(request)
        coerced = self.coerce_variables(prepared, request, schema)
        try:
            operation, plan = self.plan_for(prepared, coerced, schema, principal)
        except RequestError as e:
            if e.kind != "plan":
                raise
            # The request is valid; the gateway could not serve it: no data, not a client error.
            return {"data": None, "errors": e.errors}
        if self.usage_listeners:
            client_name = request.headers.get("apollographql-client-name") or request.headers.get("x-client-name") or ""
            for listener in self.usage_listeners:
                listener(client_name, prepared.coordinates)
        headers = None
        if self.propagate_headers:
            headers = {name: request.headers[name] for name in self.propagate_headers if name in request.headers}
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
        errors = execution.errors
        data = Shaper(schema.supergraph.api_schema, operation, errors).shape(execution.data)
        response: dict[str, Any] = {"data": data}
        if errors:
            response["errors"] = errors
        return response

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


def _depth(document: DocumentNode) -> int:
    """The deepest field nesting of any operation, fragments followed (validation ruled out cycles)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    memo: dict[str, int] = {}

    def depth(selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        deepest = 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                deepest = max(deepest, 1 + depth(sel.selection_set))
            elif isinstance(sel, InlineFragmentNode):
                deepest = max(deepest, depth(sel.selection_set))
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name not in memo:
                    memo[name] = depth(fragments[name].selection_set) if name in fragments else 0
                deepest = max(deepest, memo[name])
        return deepest

    return max(
        (depth(d.selection_set) for d in document.definitions if isinstance(d, OperationDefinitionNode)), default=0
    )


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
