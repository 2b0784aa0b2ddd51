"""Demand control: what an operation will cost, from the supergraph's `@cost` and
`@listSize` (the IBM GraphQL Cost Directives spec that Apollo Router and strawberry use),
estimated before any subgraph is asked, and refused above a budget.

The static estimate, as Apollo Router's:
- a field of an object, interface or union type costs 1, a scalar or enum field 0,
  unless its definition says `@cost(weight: N)`; a mutation's root field costs 10;
- a list multiplies the cost of what it holds by its size: the value of its
  `slicingArguments` (the largest one given, or its default), else its `assumedSize`,
  else `default_list_size`; with `sizedFields` the size applies to those child fields
  (a connection's `nodes`), not to the field itself;
- arguments whose definition carries `@cost` add their weight.

The cyclic `daftarKecamatan { kelurahan { kecamatan { kelurahan ... } } }` costs what it
is, 15 x 15 x ... per level, and is refused with its estimate and the budget
(`COST_ESTIMATED_TOO_EXPENSIVE`). The actual cost of each answer (the same sum over the
lists the subgraphs really returned) is measured and exported in /health.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    TypeNode,
    get_named_type,
    is_composite_type,
    is_list_type,
    is_non_null_type,
    parse,
    value_from_ast_untyped,
)

from federation.gateway import GraphQLRequest, Prepared, RequestError
from federation.http.app import RequestGuard
from federation.supergraph import Supergraph

COST_NAMES = ("cost", "cost__cost", "federation__cost")
LIST_SIZE_NAMES = ("listSize", "cost__listSize", "federation__listSize")
MUTATION_ROOT_COST = 10


@dataclass(frozen=True)
class ListSize:
    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] = ()
    sized_fields: tuple[str, ...] = ()


@dataclass
class CostModel:
    """The `@cost`/`@listSize` of one supergraph, by `Type.field` (and `Type.field(arg:)`)."""

    field_weights: dict[str, int] = field(default_factory=dict)
    argument_weights: dict[str, dict[str, int]] = field(default_factory=dict)
    list_sizes: dict[str, ListSize] = field(default_factory=dict)

    @classmethod
    def from_supergraph(cls, supergraph: Supergraph) -> CostModel:
        return cls.from_document(parse(supergraph.sdl, no_location=True))

    @classmethod
    def from_document(cls, document: DocumentNode) -> CostModel:
        model = cls()
        kinds = (
            ObjectTypeDefinitionNode,
            ObjectTypeExtensionNode,
            InterfaceTypeDefinitionNode,
            InterfaceTypeExtensionNode,
        )
        for definition in document.definitions:
            if not isinstance(definition, kinds):
                continue
            for field_def in definition.fields or ():
                coordinate = f"{definition.name.value}.{field_def.name.value}"
                for directive in field_def.directives or ():
                    arguments = {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}
                    if directive.name.value in COST_NAMES and isinstance(arguments.get("weight"), int):
                        model.field_weights[coordinate] = arguments["weight"]
                    elif directive.name.value in LIST_SIZE_NAMES:
                        model.list_sizes[coordinate] = ListSize(
                            arguments.get("assumedSize") if isinstance(arguments.get("assumedSize"), int) else None,
                            tuple(arguments.get("slicingArguments") or ()),
                            tuple(arguments.get("sizedFields") or ()),
                        )
                for argument in field_def.arguments or ():
                    for directive in argument.directives or ():
                        if directive.name.value in COST_NAMES:
                            weight = {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}
                            if isinstance(weight.get("weight"), int):
                                model.argument_weights.setdefault(coordinate, {})[argument.name.value] = weight[
                                    "weight"
                                ]
        return model


def _is_list(type_node: TypeNode) -> bool:
    while isinstance(type_node, NonNullTypeNode):
        type_node = type_node.type
    return isinstance(type_node, ListTypeNode)


class CostEstimator:
    def __init__(self, schema: GraphQLSchema, model: CostModel, default_list_size: int = 10) -> None:
        self.schema = schema
        self.model = model
        self.default_list_size = default_list_size

    def estimate(
        self, document: DocumentNode, operation: OperationDefinitionNode, variables: dict[str, Any] | None = None
    ) -> int:
        """The static cost of `operation` (its fragments expanded; the operation limits
        have bounded their expansion before this runs)."""
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        is_mutation = operation.operation is OperationType.MUTATION
        return self._selection_set(operation.selection_set, root, fragments, variables or {}, is_mutation, {})

    def _selection_set(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        is_root_mutation: bool,
        sized: dict[str, int],
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, fragments, variables, is_root_mutation, sized)
            elif isinstance(selection, InlineFragmentNode):
                condition = (
                    self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else None
                )
                total += self._selection_set(
                    selection.selection_set, condition or parent, fragments, variables, is_root_mutation, sized
                )
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    condition = self.schema.get_type(fragment.type_condition.name.value)
                    total += self._selection_set(
                        fragment.selection_set, condition or parent, fragments, variables, is_root_mutation, sized
                    )
        return total

    def _field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        is_root_mutation: bool,
        sized: dict[str, int],
    ) -> int:
        name = node.name.value
        fields: dict[str, GraphQLField] = getattr(parent, "fields", {})
        definition = fields.get(name)
        if definition is None:  # __typename and the like
            return 0
        coordinate = f"{parent.name}.{name}"
        named = get_named_type(definition.type)
        own = self.model.field_weights.get(coordinate, 1 if is_composite_type(named) else 0)
        if is_root_mutation:
            own = max(own, MUTATION_ROOT_COST)
        arguments = self._arguments(node, definition, variables)
        for argument, weight in self.model.argument_weights.get(coordinate, {}).items():
            if argument in arguments:
                own += weight
        list_size = self.model.list_sizes.get(coordinate)
        size = self._size(list_size, arguments)
        child_sized: dict[str, int] = {}
        if list_size is not None and list_size.sized_fields:
            child_sized = dict.fromkeys(list_size.sized_fields, size)
            multiplier = 1
        else:
            multiplier = size if _unwrapped_is_list(definition.type) else 1
        if name in sized:
            multiplier = sized[name]
        children = self._selection_set(node.selection_set, named, fragments, variables, False, child_sized)
        return multiplier * (own + children)

    def _size(self, list_size: ListSize | None, arguments: dict[str, Any]) -> int:
        if list_size is None:
            return self.default_list_size
        given: list[int] = [arguments[a] for a in list_size.slicing_arguments if isinstance(arguments.get(a), int)]
        if given:
            return max(0, max(given))
        if list_size.assumed_size is not None:
            return list_size.assumed_size
        return self.default_list_size

    @staticmethod
    def _arguments(node: FieldNode, definition: GraphQLField, variables: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: arg.default_value for name, arg in definition.args.items() if arg.default_value is not None
        }
        for argument in node.arguments or ():
            values[argument.name.value] = value_from_ast_untyped(argument.value, variables)
        return {k: v for k, v in values.items() if not _is_undefined(v)}


def _is_undefined(value: Any) -> bool:
    from graphql.pyutils import Undefined

    return value is Undefined


def _unwrapped_is_list(type_: Any) -> bool:
    return is_list_type(type_.of_type) if is_non_null_type(type_) else is_list_type(type_)


def actual_cost(payload: bytes) -> int:
    """The cost of an answer as it came: one per object in it (lists counted item by item),
    what the static estimate bounds for fields of the default weights. Counted on the
    serialized answer, as its `{` less the response's and `data`'s own: a C-speed count
    rather than a walk of every value (which cost 3 ms on an 87 KB answer); a `{` inside
    a string value is counted too, an overestimate only."""
    return max(0, payload.count(b"{") - 2)


@dataclass(frozen=True)
class DemandLimits:
    max_cost: int = 50_000  # per operation; 0 turns demand control off
    default_list_size: int = 10
    client_budgets: tuple[tuple[str, int], ...] = ()  # per client name (apollographql-client-name)


class CostTooHigh(RequestError):
    pass


class DemandControl(RequestGuard):
    """Refuses an operation whose estimate is over the client's budget; measures answers."""

    def __init__(self, limits: DemandLimits | None = None) -> None:
        self.limits = limits or DemandLimits()
        self.budgets = dict(self.limits.client_budgets)
        self._estimators: dict[int, tuple[Supergraph, CostEstimator]] = {}
        self._costs: weakref.WeakKeyDictionary[Prepared, dict[bytes, int]] = weakref.WeakKeyDictionary()
        self.estimated_total = 0
        self.actual_total = 0
        self.actual_max = 0
        self.measured = 0
        self.refused = 0

    def estimator(self, supergraph: Supergraph) -> CostEstimator:
        found = self._estimators.get(id(supergraph))
        if found is None or found[0] is not supergraph:
            estimator = CostEstimator(
                supergraph.api_schema, CostModel.from_supergraph(supergraph), self.limits.default_list_size
            )
            self._estimators = {id(supergraph): (supergraph, estimator)}  # only the current supergraph's
            return estimator
        return found[1]

    def budget_for(self, request: GraphQLRequest) -> int:
        client = request.headers.get("apollographql-client-name") or request.headers.get("x-client-name") or ""
        return self.budgets.get(client, self.limits.max_cost)

    async def prepared(self, request: GraphQLRequest) -> None:
        prepared = request.prepared
        budget = self.budget_for(request)
        if prepared is None or budget <= 0:
            return
        # once per document and variable values (slicing arguments may come from variables)
        costs = self._costs.get(prepared)
        if costs is None:
            costs = self._costs[prepared] = {}
        key = orjson.dumps(request.variables, option=orjson.OPT_SORT_KEYS) if request.variables else b""
        cost = costs.get(key)
        if cost is None:
            cost = self.estimator(prepared.supergraph).estimate(
                prepared.document, prepared.operation, request.variables
            )
            if len(costs) < 64:
                costs[key] = cost
        if cost > budget:
            self.refused += 1
            raise CostTooHigh.of(
                f"The operation is estimated to cost {cost}, over this client's budget of {budget}; "
                "ask for fewer items (first/limit) or fewer nested lists.",
                "COST_ESTIMATED_TOO_EXPENSIVE",
                cost={"estimated": cost, "max": budget},
            )
        self.estimated_total += cost

    async def completed(self, request: GraphQLRequest, response: dict[str, Any], payload: bytes) -> None:
        cost = actual_cost(payload)
        self.measured += 1
        self.actual_total += cost
        self.actual_max = max(self.actual_max, cost)

    def health(self) -> dict[str, Any]:
        return {
            "demand_control": {
                "max_cost": self.limits.max_cost,
                "refused": self.refused,
                "answers_measured": self.measured,
                "actual_cost_total": self.actual_total,
                "actual_cost_max": self.actual_max,
                "estimated_cost_total": self.estimated_total,
            }
        }
