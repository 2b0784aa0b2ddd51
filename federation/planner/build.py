"""Building a query plan: which subgraph fetches which field, and in what order.

The planner walks the client's normalized operation. It keeps a *fetch group* per
(subgraph, response path, parent group): the fields one subgraph request returns for the
objects at that path. For each field it stays in the current group's subgraph when that
subgraph resolves the field (directly, or because a parent field `@provides` it);
otherwise it jumps to a subgraph that does, through an `@key` whose fields the current
subgraph can return — an `_entities` fetch that depends on the current group. A field
with `@requires` first plans the required fields on the same object, and its group also
depends on the groups that fetch them.

Where Federation allows several ways — a root field shared by subgraphs, a field several
subgraphs reachable by key resolve — the planner searches: it plans the field's whole
selection along each alternative in a trial planner of its own and takes the cheapest
(`Cost`: fewest fetches, then fewest sequential steps, then fewest fields selected). Trials
are memoized and spend the same planning budget, so a hostile operation is refused rather
than planned forever.

Groups are then scheduled by dependency (a group runs when the groups it depends on have
finished), and entity groups to one subgraph that start together share one request
(`BatchFetch`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from graphql import (
    ArgumentNode,
    FieldNode,
    InlineFragmentNode,
    ListValueNode,
    NameNode,
    ObjectValueNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    print_ast,
)

from federation.planner.aliases import Rename, alias_conflicts
from federation.planner.operation import FieldSelection, FragmentSelection, Operation, Selection
from federation.planner.plan import (
    BatchFetch,
    ContextFetch,
    ContextRead,
    Fetch,
    Parallel,
    QueryPlan,
    Sequence,
    SubSelection,
)
from federation.planner.query_graph import FieldEdge, Vertex, query_graph
from federation.supergraph import ContextArgument, Key, Supergraph

DEFAULT_BUDGET = 50_000
# The variant of an entity fetch carrying contextual arguments (see `entity_group`): never the
# usual fetch of its place, whose representations need no ancestor.
CONTEXT_VARIANT = -1


class PlanningError(Exception):
    """The operation cannot be planned over this supergraph (or would cost too much to)."""


@dataclass(frozen=True, order=True)
class Cost:
    """What a (part of a) plan costs, compared in the issue's order: fewest fetches, then
    fewest sequential steps (the longest chain of fetches waiting on one another), then
    fewest fields selected in the subgraph operations."""

    fetches: int
    steps: int
    selected: int


UNPLANNABLE = Cost(1 << 30, 1 << 30, 1 << 30)


@dataclass(eq=False)
class FetchGroup:
    id: int
    graph: str
    path: tuple[str, ...]
    entity_type: str | None  # None for a root group
    selection: SubSelection = field(default_factory=SubSelection)
    requires: SubSelection | None = None
    depends_on: set[int] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    representation_typename: str | None = None
    only_type: str | None = None
    renames: Rename | None = None
    context_reads: list[ContextRead] = field(default_factory=list)


@dataclass(frozen=True)
class Anchor:
    """The nearest entity (or the root) above a position of a fetch: where to enter another
    subgraph, by key (or at its root), when a field below it is not resolvable where the
    value came from, nor by a key of the value itself (e.g. under a partial @provides, or a
    value type only another subgraph returns). `chain` is the fields (and type conditions)
    from the entity down to the position; `parent` is the anchor above the entity, tried
    next: the key path may go through an ancestor."""

    group: FetchGroup
    sub: SubSelection
    entity_type: str
    path: tuple[str, ...]
    chain: tuple[FieldSelection | str, ...] = ()
    parent: Anchor | None = None
    is_root: bool = False

    def below(self, link: FieldSelection | str) -> Anchor:
        return Anchor(self.group, self.sub, self.entity_type, self.path, (*self.chain, link), self.parent, self.is_root)


class _Planner:
    def __init__(
        self,
        supergraph: Supergraph,
        operation: Operation,
        labels: frozenset[str],
        budget: int,
        trial_costs: dict[tuple[object, ...], tuple[FieldSelection, Cost]] | None = None,
    ) -> None:
        self.supergraph = supergraph
        # Which subgraphs resolve a field at a position, and by which keys a subgraph is
        # entered, are the query graph's edges (built once per supergraph).
        self.graph = query_graph(supergraph)
        self.operation = operation
        self.labels = labels
        self.budget = budget
        self.groups: list[FetchGroup] = []
        self.entity_groups: dict[tuple[str, tuple[str, ...], int, str, int], FetchGroup] = {}
        self.touch_stack: list[set[int]] = []
        self.unsafe_keys = _client_keys_unsafe_for_internal_fields(operation.selections)
        self.anchors: dict[int, Anchor] = {}  # by id of a SubSelection
        self.root_groups: dict[str, FetchGroup] = {}  # of a query, by subgraph
        self.argument_aliases: dict[tuple[str, str], str] = {}  # (field, printed arguments) -> alias
        # id of the selection of a shared abstract field -> the object types all its subgraphs return
        self.shared_members: dict[int, set[str]] = {}
        # The positions above the one being planned whose objects set a @context, innermost
        # last: (contexts, type, group, selection, path).
        self.context_stack: list[tuple[frozenset[str], str, FetchGroup, SubSelection, tuple[str, ...]]] = []
        # id of a fragment's selection below an abstract position -> the object types it is on:
        # the response paths of fetches below it carry them (Apollo's `@|[UserReview]`).
        self.conditions: dict[int, tuple[str, ...]] = {}
        self.client_variables = {
            vd.variable.name.value for vd in operation.definition.variable_definitions or ()
        }
        # The cost of planning a field's selection along one alternative, shared by every trial
        # of one planning: a trial's plan depends only on the alternative, not on where the
        # field is, so nested alternatives are each planned once.
        # Each entry keeps the field it is about alive, so its id in the key is never reused.
        self.trial_costs: dict[tuple[object, ...], tuple[FieldSelection, Cost]] = (
            {} if trial_costs is None else trial_costs
        )

    def internal_key(self, field_name: str) -> str:
        """The response key of a field the plan needs but the client may not have asked for.

        It is the field's name, unless the client uses that name as the response key of
        something else anywhere in the operation: then an alias no client would pick.
        """
        return f"_splp_{field_name}" if field_name in self.unsafe_keys else field_name

    # -- groups ---------------------------------------------------------------------------

    def new_group(self, graph: str, path: tuple[str, ...], entity_type: str | None) -> FetchGroup:
        group = FetchGroup(id=len(self.groups), graph=graph, path=path, entity_type=entity_type)
        self.groups.append(group)
        return group

    def new_root_group(self, graph: str) -> FetchGroup:
        group = self.root_groups[graph] = self.new_group(graph, (), None)
        root = self.operation.root_type.name
        self.anchors[id(group.selection)] = Anchor(group, group.selection, root, (), is_root=True)
        return group

    def touch(self, group: FetchGroup) -> None:
        for touched in self.touch_stack:
            touched.add(group.id)

    def spend(self) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise PlanningError("the operation is too complex to plan: planning budget exceeded")

    # -- root -----------------------------------------------------------------------------

    def plan(self) -> list[FetchGroup]:
        root = self.operation.root_type.name
        fields = _flatten_root(self.operation.selections)
        is_mutation = self.operation.kind is OperationType.MUTATION
        root_groups = self.root_groups
        last: FetchGroup | None = None
        for f in fields:
            if f.name == "__typename" or f.is_introspection or f.denied:
                continue
            graphs = self.graph.resolving_graphs(root, f.name, self.labels)
            if not graphs:
                raise PlanningError(f"no subgraph resolves {root}.{f.name}")
            if is_mutation:
                # Mutation fields run strictly in order: one group per run of fields of the
                # same subgraph, each after everything the previous ones started.
                if last is not None and last.graph in graphs:
                    group = last
                else:
                    graph = graphs[0]
                    group = self.new_group(graph, (), None)
                    group.depends_on = {g.id for g in self.groups if g is not group}
                    last = group
            else:
                graph = self.best_root_graph(graphs, f, root_groups)
                group = root_groups.get(graph) or self.new_root_group(graph)
            self.add_local(group, group.selection, root, f, (), None)
            if is_mutation:
                # later root fields wait for this one's whole subtree
                assert last is not None
        return self.groups

    def trial(self) -> _Planner:
        """A planner of its own, for planning one alternative apart (its groups are thrown away)."""
        trial = _Planner(self.supergraph, self.operation, self.labels, self.budget, self.trial_costs)
        trial.unsafe_keys = self.unsafe_keys
        return trial

    def trial_cost(
        self, f: FieldSelection, memo_key: tuple[object, ...], run: Callable[[_Planner], list[FetchGroup]]
    ) -> Cost:
        """The cost of the groups `run` plans for `f` in a trial planner (UNPLANNABLE when it
        cannot), spending this planner's budget."""
        memo_key = (id(f), *memo_key)
        found = self.trial_costs.get(memo_key)
        if found is not None:
            return found[1]
        trial = self.trial()
        try:
            cost = _cost(run(trial))
        except PlanningError:
            cost = UNPLANNABLE
        self.budget = min(self.budget, trial.budget)
        if self.budget < 0:
            raise PlanningError("the operation is too complex to plan: planning budget exceeded")
        self.trial_costs[memo_key] = (f, cost)
        return cost

    def best_root_graph(self, graphs: list[str], f: FieldSelection, used: dict[str, FetchGroup]) -> str:
        """Among the subgraphs sharing a root field, the one whose plan of the field's whole
        selection costs least (a subgraph it cannot be planned from at all is never chosen,
        and a root fetch already made costs no new fetch); on a tie, one already fetched
        from, then the first."""
        if len(graphs) == 1:
            return graphs[0]
        root = self.operation.root_type.name

        def plan_from(graph: str) -> Callable[[_Planner], list[FetchGroup]]:
            def run(trial: _Planner) -> list[FetchGroup]:
                group = trial.new_root_group(graph)
                trial.add_local(group, group.selection, root, f, (), None)
                return trial.groups

            return run

        def rank(index: int) -> tuple[int, int, int, int, int]:
            graph = graphs[index]
            cost = self.trial_cost(f, ("root", graph), plan_from(graph))
            shared = 1 if graph in used and cost is not UNPLANNABLE else 0
            return (cost.fetches - shared, cost.steps, cost.selected, 1 - shared, index)

        return graphs[min(range(len(graphs)), key=rank)]

    def best_jump(
        self, group: FetchGroup, parent_type: str, f: FieldSelection, path: tuple[str, ...], direct: list[Jump]
    ) -> Jump:
        """Among the subgraphs resolving `f` that this group can enter by a key, the one whose
        plan of `f`'s whole selection from there costs least. An entity fetch from this group
        into it that already exists costs no new fetch; on a tie, the subgraph resolving more
        of `f`'s direct fields, then the first."""
        if len(direct) == 1:
            return direct[0]
        existing = {jump[0] for jump in direct if (jump[0], path, group.id, jump[2], 0) in self.entity_groups}
        if not f.selections and existing:
            return next(jump for jump in direct if jump[0] in existing)

        def plan_along(jump: Jump) -> Callable[[_Planner], list[FetchGroup]]:
            def run(trial: _Planner) -> list[FetchGroup]:
                source = trial.new_group(group.graph, path, parent_type)
                trial.anchors[id(source.selection)] = Anchor(source, source.selection, parent_type, path)
                trial.jump_to(source, source.selection, parent_type, f, path, [jump])
                return [g for g in trial.groups if g is not source]

            return run

        def local_count(graph: str) -> int:
            child_type = f.type_name
            return sum(
                1
                for sel in f.selections or ()
                if isinstance(sel, FieldSelection) and self.can_resolve(graph, child_type, sel.name, None)
            )

        def rank(index: int) -> tuple[int, int, int, int, int, int]:
            jump = direct[index]
            cost = self.trial_cost(f, ("jump", group.graph, parent_type, jump[0]), plan_along(jump))
            shared = 1 if jump[0] in existing and cost is not UNPLANNABLE else 0
            return (cost.fetches - shared, cost.steps, cost.selected, 1 - shared, -local_count(jump[0]), index)

        return direct[min(range(len(direct)), key=rank)]

    # -- selections -----------------------------------------------------------------------

    def plan_selections(
        self,
        group: FetchGroup,
        sub: SubSelection,
        parent_type: str,
        selections: list[Selection],
        path: tuple[str, ...],
        provided: Vertex | None,
    ) -> None:
        for sel in selections:
            self.spend()
            if isinstance(sel, FieldSelection):
                self.plan_field(group, sub, parent_type, sel, path, provided)
            else:
                self.plan_fragment(group, sub, parent_type, sel, path, provided)

    def plan_fragment(
        self,
        group: FetchGroup,
        sub: SubSelection,
        parent_type: str,
        fragment: FragmentSelection,
        path: tuple[str, ...],
        provided: Vertex | None,
    ) -> None:
        if fragment.denied:
            return
        condition = fragment.type_condition
        types = self.supergraph.types
        shared = self.shared_members.get(id(sub))
        if shared is not None and types[condition].kind == "object" and condition not in shared:
            # Apollo's reading of a union (or interface) field shared by subgraphs that know
            # different members: only the members every one of them returns are selected; an
            # object of another member keeps its __typename and its fields are null. The
            # public audit (partial-union-complex) follows it, so do we.
            return
        if condition != parent_type and self.supergraph.is_interface_object(parent_type, group.graph):
            # Implementations are unknown here: read the fragment where the interface is owned.
            owner, owner_sub = self.enter_interface_owner(group, sub, parent_type, path)
            self.plan_fragment(owner, owner_sub, parent_type, fragment, path, None)
            return
        if condition == parent_type or types[parent_type].kind == "object":
            # On an object type a fragment either applies entirely or (by validation) is on
            # an abstract type the object belongs to: its fields are the object's.
            if condition == parent_type or parent_type in self.supergraph.possible_types(condition):
                self.plan_selections(group, sub, parent_type, fragment.selections, path, provided)
            return
        possible_here = self.graph.possible_types(parent_type, group.graph)
        if types[condition].kind == "object":
            if condition in possible_here:
                self.plan_below_condition(group, sub, condition, fragment, path, provided)
            return
        if (
            self.supergraph.type_in_graph(condition, group.graph)
            and not self.supergraph.is_interface_object(condition, group.graph)
            and self.same_runtime_types(condition, possible_here, group.graph)
        ):
            self.plan_below_condition(group, sub, condition, fragment, path, provided)
            return
        for runtime in self.supergraph.possible_types(condition):
            if runtime in possible_here:
                self.plan_below_condition(group, sub, runtime, fragment, path, provided)

    def plan_below_condition(
        self,
        group: FetchGroup,
        sub: SubSelection,
        condition: str,
        fragment: FragmentSelection,
        path: tuple[str, ...],
        provided: Vertex | None,
    ) -> None:
        """A fragment's selections under `... on condition` of an abstract position."""
        child = self.fragment_sub(group, sub, condition, path)
        with self.setting_contexts(condition, group, child, path):
            self.plan_selections(group, child, condition, fragment.selections, path, provided)

    def same_runtime_types(self, condition: str, possible_here: list[str], graph: str) -> bool:
        """Whether `graph` knows every object type of `possible_here` that is a `condition` in
        the supergraph as a `condition` too: otherwise a fragment on `condition` sent to it
        would miss some (e.g. an implementation it does not declare), and is expanded instead."""
        in_graph = self.graph.possible_types(condition, graph)
        return all(t in in_graph for t in self.supergraph.possible_types(condition) if t in possible_here)

    def plan_field(
        self,
        group: FetchGroup,
        sub: SubSelection,
        parent_type: str,
        f: FieldSelection,
        path: tuple[str, ...],
        provided: Vertex | None,
    ) -> None:
        if f.denied:
            return
        if f.name == "__typename":
            if self.supergraph.is_interface_object(parent_type, group.graph):
                # This subgraph only knows the interface: the concrete type comes from a
                # subgraph that owns the interface.
                target, target_sub = self.enter_interface_owner(group, sub, parent_type, path)
                target_sub.add_field("__typename", _alias(f), "", False)
                self.touch(target)
                return
            sub.add_field("__typename", _alias(f), "", False)
            self.touch(group)
            return
        if f.is_introspection:
            return
        contextual = self.contextual_edge(parent_type, f.name)
        if contextual is not None:
            self.plan_contextual(group, sub, parent_type, f, path, contextual)
            return
        if self.can_resolve(group.graph, parent_type, f.name, provided) and self.interface_field_safe(
            group.graph, parent_type, f.name, provided
        ):
            if self.requires_of(group.graph, parent_type, f.name) is None:
                self.add_local(group, sub, parent_type, f, path, provided)
            else:
                # The subgraph resolves the field only from a representation carrying the
                # required fields: enter it again, by key, once they are fetched.
                self.plan_self_jump(group, sub, parent_type, f, path)
            return
        parent = self.supergraph.types[parent_type]
        runtimes = self.graph.possible_types(parent_type, group.graph)
        if parent.kind != "object" and runtimes and not self.jump_targets(group.graph, parent_type, f.name, provided):
            # Not every implementation is resolvable the same way: plan per object type.
            for runtime in runtimes:
                child = self.fragment_sub(group, sub, runtime, path)
                with self.setting_contexts(runtime, group, child, path):
                    self.plan_field(group, child, runtime, f, path, provided)
            return
        # (An abstract type with no implementation here cannot be planned as nothing: the
        # field must be reachable some other way, or the operation is refused.)
        self.plan_jump(group, sub, parent_type, f, path, provided)

    def interface_field_safe(
        self, graph: str, parent_type: str, field_name: str, provided: Vertex | None
    ) -> bool:
        """Whether a field of an abstract type may be read on the abstract type in `graph`.

        Only when every implementation `graph` knows resolves the field itself there (not
        @external, not @requires, not overridden away): otherwise a subgraph would answer for
        an implementation whose field belongs elsewhere (Apollo's `isDirectlyProvidedByType`),
        and the field is planned per implementation instead.
        """
        if self.supergraph.types[parent_type].kind == "object" or self.supergraph.is_interface_object(
            parent_type, graph
        ):
            return True
        if provided is not None and self.provided_child(provided, parent_type, field_name) is not False:
            return True
        for runtime in self.graph.possible_types(parent_type, graph):
            if graph not in self.graph.resolving_graphs(runtime, field_name, self.labels):
                return False
            if self.requires_of(graph, runtime, field_name) is not None:
                return False
        return True

    def provided_child(self, provided: Vertex, parent_type: str, field_name: str) -> Vertex | bool | None:
        """The provided vertex below `field_name` of a `parent_type` at the provided vertex
        `provided`, None if provided as a leaf, False if not provided: the query graph's
        provided edges, which exist only under the providing field."""
        edge = self.graph.provided_edge(provided, parent_type, field_name)
        if edge is None:
            return False
        return edge.tail

    def can_resolve(self, graph: str, parent_type: str, field_name: str, provided: Vertex | None) -> bool:
        if provided is not None and self.provided_child(provided, parent_type, field_name) is not False:
            return True
        return graph in self.graph.resolving_graphs(parent_type, field_name, self.labels)

    def add_local(
        self,
        group: FetchGroup,
        sub: SubSelection,
        parent_type: str,
        f: FieldSelection,
        path: tuple[str, ...],
        provided: Vertex | None,
    ) -> None:
        self.touch(group)
        arguments = _print_arguments(f.arguments)
        for arg in f.arguments:
            _collect_variables(arg.value, group.variables)
        sub_field = sub.add_field(f.name, _alias(f), arguments, f.selections is not None)
        if f.selections is None:
            return
        assert sub_field.selection is not None
        sfield = self.supergraph.types[parent_type].fields[f.name]
        conditions = self.conditions.get(id(sub))
        base = _with_conditions(path, conditions) if conditions else path
        child_path = (*base, f.response_key, *("@",) * sfield.list_depth)
        join = sfield.joins.get(group.graph)
        child_provided: Vertex | None = None
        if join is not None and join.provides is not None:
            child_provided = self.graph.provided_under(parent_type, f.name, group.graph)
        elif provided is not None:
            found = self.provided_child(provided, parent_type, f.name)
            child_provided = found if isinstance(found, Vertex) else None
        self.anchor_child(sub, sub_field.selection, group, f, child_path)
        child_type = self.supergraph.types[f.type_name]
        if child_type.kind != "object":
            graphs = self.reaching_graphs(group, sub, parent_type, f)
            if len(graphs) > 1:
                members = [set(self.graph.possible_types(f.type_name, g)) for g in graphs]
                common = set.intersection(*members)
                if any(m != common for m in members):
                    self.shared_members[id(sub_field.selection)] = common
        if child_type.kind != "object":
            # Shaping an abstract position needs the runtime type. A subgraph seeing the
            # interface as an @interfaceObject answers the interface's name, which is enough
            # unless the client asks for the concrete type.
            if self.supergraph.is_interface_object(f.type_name, group.graph) and _needs_concrete_type(
                f.selections, f.type_name
            ):
                typename = FieldSelection("__typename", "__typename", (), None, "String", None)
                self.plan_field(group, sub_field.selection, f.type_name, typename, child_path, child_provided)
            else:
                sub_field.selection.add_field("__typename", None, "", False)
        # The subgraph's own type for the field (`@join__field(type:)`) decides which fragments
        # its schema accepts below it: a field that is a union in the supergraph may be a
        # single member there.
        own_type = f.type_name
        if join is not None and join.type is not None:
            named = join.type.strip("[]!")
            if named in self.supergraph.types and named != own_type:
                own_type = named
        with self.setting_contexts(f.type_name, group, sub_field.selection, child_path):
            self.plan_selections(group, sub_field.selection, own_type, f.selections, child_path, child_provided)
        if sub_field.selection.is_empty():
            # Every field below was skipped (@skip/@include), denied, or is fetched elsewhere:
            # `x {}` is not GraphQL, and the object itself must still come back (as Apollo does).
            sub_field.selection.add_field("__typename", None, "", False)

    def reaching_graphs(self, group: FetchGroup, sub: SubSelection, parent_type: str, f: FieldSelection) -> list[str]:
        """The subgraphs that could answer `f` at this position: this one, and those resolving
        the chain of fields from the entity (or root) above, which can be entered there."""
        graphs = self.graph.resolving_graphs(parent_type, f.name, self.labels)
        anchor = self.anchors.get(id(sub))
        result = []
        for graph in graphs:
            if graph == group.graph or (
                anchor is not None
                and self.chain_resolvable(graph, anchor.below(f))
                and (anchor.is_root or self.keys_into(graph, anchor.entity_type))
            ):
                result.append(graph)
        return result

    def is_entity(self, type_name: str) -> bool:
        return any(jt.keys for jt in self.supergraph.types[type_name].graphs.values())

    def anchor_child(
        self, sub: SubSelection, child: SubSelection, group: FetchGroup, f: FieldSelection, path: tuple[str, ...]
    ) -> None:
        if id(child) in self.anchors:
            return
        parent = self.anchors.get(id(sub))
        if self.is_entity(f.type_name):
            above = parent.below(f) if parent is not None else None
            self.anchors[id(child)] = Anchor(group, child, f.type_name, path, parent=above)
        elif parent is not None:
            self.anchors[id(child)] = parent.below(f)

    def fragment_sub(self, group: FetchGroup, sub: SubSelection, condition: str, path: tuple[str, ...]) -> SubSelection:
        child = sub.fragment(condition)
        if id(child) not in self.conditions:
            types = {condition} if self.supergraph.types[condition].kind == "object" else set(
                self.supergraph.possible_types(condition)
            )
            outer = self.conditions.get(id(sub))
            if outer is not None:
                types &= set(outer)
            self.conditions[id(child)] = tuple(sorted(types))
        if id(child) not in self.anchors:
            parent = self.anchors.get(id(sub))
            if self.is_entity(condition):
                above = parent.below(condition) if parent is not None else None
                self.anchors[id(child)] = Anchor(group, child, condition, path, parent=above)
            elif parent is not None:
                self.anchors[id(child)] = parent.below(condition)
        return child

    def plan_from_anchor(self, anchor: Anchor, value_type: str, f: FieldSelection, path: tuple[str, ...]) -> bool:
        """Plan `f` by entering another subgraph at `anchor` or an anchor above it, then the
        chain of fields down to `f`'s parent. Prefers a subgraph resolving `f` there, then one
        that can reach it by a key from there. False when no anchor allows it."""
        current: Anchor | None = anchor
        chain: tuple[FieldSelection | str, ...] = ()
        candidates: list[tuple[Anchor, str, Key | None, str]] = []
        while current is not None:
            # `parent` is the anchor of the entity's own position: its chain leads there.
            chain = (*current.chain, *chain)
            # Not below a type condition: the implementations of an abstract position are
            # planned together, from one subgraph (Apollo's simultaneous paths).
            if chain and not any(isinstance(link, str) for link in chain):
                entry = Anchor(
                    current.group, current.sub, current.entity_type, current.path, chain, None, current.is_root
                )
                candidates.extend(self.anchor_entries(entry))
            current = current.parent
        for direct in (True, False):
            for entry, graph, key, entity_type in candidates:
                if direct:
                    if not self.can_resolve(graph, value_type, f.name, None) or not self.interface_field_safe(
                        graph, value_type, f.name, None
                    ):
                        continue
                elif not self.jump_targets(graph, value_type, f.name):
                    continue
                target, target_sub = self.enter_anchor(entry, graph, key, entity_type)
                self.plan_field(target, target_sub, value_type, f, path, None)
                return True
        return False

    def anchor_entries(self, anchor: Anchor) -> list[tuple[Anchor, str, Key | None, str]]:
        """The subgraphs (other than the anchor's) that resolve the anchor's whole chain and can
        be entered at the anchor: by a key the anchor's subgraph can return, or at the root."""
        result: list[tuple[Anchor, str, Key | None, str]] = []
        if anchor.is_root:
            if self.operation.kind is not OperationType.QUERY:
                return result
            for graph in self.supergraph.graph_names_of(anchor.entity_type):
                if graph != anchor.group.graph and self.chain_resolvable(graph, anchor):
                    result.append((anchor, graph, None, anchor.entity_type))
            return result
        for graph in self.supergraph.graph_names_of(anchor.entity_type):
            if graph == anchor.group.graph or not self.chain_resolvable(graph, anchor):
                continue
            for key, entity_type in self.keys_into(graph, anchor.entity_type):
                if self.can_fetch_key(anchor.group.graph, anchor.entity_type, key):
                    result.append((anchor, graph, key, entity_type))
                    break
        return result

    def enter_anchor(
        self, anchor: Anchor, graph: str, key: Key | None, entity_type: str
    ) -> tuple[FetchGroup, SubSelection]:
        if key is None:
            target = self.root_groups.get(graph) or self.new_root_group(graph)
            target_sub = target.selection
        else:
            target, target_sub = self.entity_group(anchor.group, anchor.sub, entity_type, graph, key, anchor.path)
        for link in anchor.chain:
            if isinstance(link, str):
                target_sub = self.fragment_sub(target, target_sub, link, anchor.path)
                continue
            for arg in link.arguments:
                _collect_variables(arg.value, target.variables)
            step = target_sub.add_field(link.name, _alias(link), _print_arguments(link.arguments), True)
            assert step.selection is not None
            if self.supergraph.types[link.type_name].kind != "object":
                step.selection.add_field("__typename", None, "", False)
            self.anchor_child(target_sub, step.selection, target, link, anchor.path)
            target_sub = step.selection
        self.touch(target)
        return target, target_sub

    def chain_resolvable(self, graph: str, anchor: Anchor) -> bool:
        parent = anchor.entity_type
        for link in anchor.chain:
            if isinstance(link, str):
                if not self.supergraph.type_in_graph(link, graph):
                    return False
                parent = link
                continue
            if graph not in self.graph.resolving_graphs(parent, link.name, self.labels):
                return False
            parent = link.type_name
        return True

    # -- entity jumps ---------------------------------------------------------------------

    def keys_into(self, graph: str, type_name: str) -> tuple[tuple[Key, str], ...]:
        """The keys by which `graph` can be entered at `type_name`, with the entity type to use:
        the key jumps of the query graph into it (an object type the graph does not know is
        entered through an interface it sees as an @interfaceObject)."""
        return self.graph.keys_into(type_name, graph)

    def jump_targets(
        self, from_graph: str, parent_type: str, field_name: str, provided: Vertex | None = None
    ) -> list[Jump]:
        """Subgraphs resolving the field that `from_graph` can enter directly by a key (whose
        fields it resolves, or returns here because a parent field @provides them)."""
        result = []
        for graph in self.graph.resolving_graphs(parent_type, field_name, self.labels):
            if graph == from_graph:
                continue
            for key, entity_type in self.keys_into(graph, parent_type):
                if self.can_fetch_key(from_graph, parent_type, key, provided):
                    result.append((graph, key, entity_type))
                    break
        return result

    def enter_interface_owner(
        self, group: FetchGroup, sub: SubSelection, interface: str, path: tuple[str, ...]
    ) -> tuple[FetchGroup, SubSelection]:
        """Jump from a subgraph that sees `interface` as an @interfaceObject to one that owns it."""
        for graph, jt in self.supergraph.types[interface].graphs.items():
            if graph == group.graph or jt.is_interface_object:
                continue
            for key in self.supergraph.resolvable_keys(interface, graph):
                if self.can_fetch_key(group.graph, interface, key):
                    target, target_sub = self.entity_group(group, sub, interface, graph, key, path)
                    target_sub.add_field("__typename", None, "", False)
                    return target, target_sub
        raise PlanningError(
            f"cannot find the concrete type of {interface} from subgraph '{group.graph}': "
            "no subgraph owning the interface can be entered by a key"
        )

    def is_external(self, graph: str, type_name: str, field_name: str) -> bool:
        sfield = self.supergraph.types[type_name].fields.get(field_name)
        join = sfield.joins.get(graph) if sfield is not None else None
        return join is not None and join.external

    def can_fetch_key(self, graph: str, type_name: str, key: Key, provided: Vertex | None = None) -> bool:
        """Whether `graph` can return the fields of `key` at this position: its own fields, or
        fields provided here by a parent's @provides. A key field @external in `graph` cannot
        (its value would be whatever the subgraph makes up)."""
        join_type = self.supergraph.types[type_name].graphs.get(graph)
        own_keys = {
            sel.name.value
            for k in (join_type.keys if join_type is not None else ())
            for sel in k.selection.selections
            if isinstance(sel, FieldNode)
        }
        return self.fields_fetchable(graph, type_name, key.selection, own_keys, provided)

    def fields_fetchable(
        self,
        graph: str,
        type_name: str,
        selection_set: SelectionSetNode,
        own_keys: set[str],
        provided: Vertex | None,
    ) -> bool:
        for sel in selection_set.selections:
            if not isinstance(sel, FieldNode):
                return False
            name = sel.name.value
            if not (name in own_keys and not self.is_external(graph, type_name, name)) and not self.can_resolve(
                graph, type_name, name, provided
            ):
                return False
            if sel.selection_set is not None:
                sfield = self.supergraph.types[type_name].fields.get(name)
                if sfield is None:
                    return False
                child = self.provided_child(provided, type_name, name) if provided is not None else None
                child = child if isinstance(child, Vertex) else None
                if not self.fields_fetchable(
                    graph,
                    sfield.type_name,
                    sel.selection_set,
                    set(),
                    child,
                ):
                    return False
        return True

    def route(self, from_graph: str, parent_type: str, field_name: str) -> list[Jump]:
        """The shortest chain of key jumps from `from_graph` to a subgraph resolving the field."""
        targets = set(self.graph.resolving_graphs(parent_type, field_name, self.labels))
        if not targets:
            raise PlanningError(f"no subgraph resolves {parent_type}.{field_name}")
        type_graphs = list(self.supergraph.graph_names_of(parent_type))
        frontier: list[tuple[str, list[Jump]]] = [(from_graph, [])]
        seen = {from_graph}
        while frontier:
            next_frontier = []
            for graph, hops in frontier:
                for other in type_graphs:
                    if other in seen:
                        continue
                    for key, entity_type in self.keys_into(other, parent_type):
                        if self.can_fetch_key(graph, parent_type, key):
                            route = [*hops, (other, key, entity_type)]
                            if other in targets:
                                return route
                            seen.add(other)
                            next_frontier.append((other, route))
                            break
            frontier = next_frontier
        raise PlanningError(
            f"cannot plan {parent_type}.{field_name}: no @key lets subgraph '{from_graph}' "
            f"reach a subgraph that resolves it ({', '.join(sorted(targets))})"
        )

    # -- @fromContext ----------------------------------------------------------------------

    @contextmanager
    def setting_contexts(
        self, type_name: str, group: FetchGroup, sub: SubSelection, path: tuple[str, ...]
    ) -> Iterator[None]:
        """While planning below a position of `type_name` (a field's type, or a fragment's type
        condition), the contexts its objects set are the nearest ones."""
        contexts = self.supergraph.contexts_of(type_name)
        if contexts:
            self.context_stack.append((contexts, type_name, group, sub, path))
        try:
            yield
        finally:
            if contexts:
                self.context_stack.pop()

    def contextual_edge(self, parent_type: str, field_name: str) -> FieldEdge | None:
        """The edge of the field in the subgraph resolving it with contextual arguments, or None
        when no subgraph resolving it here takes an argument from a context."""
        for edge in self.graph.fields.get((parent_type, field_name), ()):
            if edge.context_arguments and edge.active(self.labels):
                return edge
        return None

    def plan_contextual(
        self,
        group: FetchGroup,
        sub: SubSelection,
        parent_type: str,
        f: FieldSelection,
        path: tuple[str, ...],
        edge: FieldEdge,
    ) -> None:
        """A field with @fromContext arguments, as Apollo plans it: each context's selection is
        fetched on the nearest enclosing object setting that context (from wherever it is
        resolvable), then the field by an entity fetch of its own whose arguments are variables,
        filled per object from its ancestor when the plan runs."""
        touched: set[int] = set()
        reads: list[tuple[ContextArgument, str, int, SubSelection]] = []
        self.touch_stack.append(touched)
        try:
            for argument in edge.context_arguments:
                found = next((e for e in reversed(self.context_stack) if argument.context in e[0]), None)
                if found is None:
                    raise PlanningError(
                        f"cannot plan {parent_type}.{f.name}: its argument {argument.name!r} comes from the "
                        f"context {argument.context!r}, which no enclosing object of this selection sets"
                    )
                _, ancestor_type, ancestor_group, ancestor_sub, ancestor_path = found
                selections = self.internal_selections(ancestor_type, argument.selection)
                self.plan_selections(ancestor_group, ancestor_sub, ancestor_type, selections, ancestor_path, None)
                read = SubSelection()
                _add_read_fields(read, argument.selection, self.required_key)
                reads.append((argument, ancestor_type, len(ancestor_path), read))
        finally:
            self.touch_stack.pop()
        graph = edge.head.graph
        for key, entity_type in self.keys_into(graph, parent_type):
            if not self.can_fetch_key(group.graph, parent_type, key):
                continue
            only_type = parent_type if entity_type != parent_type else None
            target, target_sub = self.entity_group(
                group, sub, entity_type, graph, key, path, only_type, CONTEXT_VARIANT
            )
            if self.would_cycle(target, touched - {target.id}):
                raise PlanningError(f"cannot plan {parent_type}.{f.name}: its context depends on its own fetch")
            touched.discard(target.id)
            target.depends_on.update(touched)
            arguments = list(f.arguments)
            for argument, ancestor_type, depth, read in reads:
                variable = self.context_variable(target, len(target.context_reads))
                target.context_reads.append(ContextRead(variable, argument.type, depth, ancestor_type, read))
                arguments.append(
                    ArgumentNode(name=NameNode(value=argument.name), value=VariableNode(name=NameNode(value=variable)))
                )
            self.add_local(target, target_sub, parent_type, replace(f, arguments=tuple(arguments)), path, None)
            target.variables -= {r.variable for r in target.context_reads}
            return
        raise PlanningError(
            f"cannot plan {parent_type}.{f.name}: its contextual arguments need an entity fetch into "
            f"subgraph '{graph}', and no resolvable @key of {parent_type} there can be fetched from '{group.graph}'"
        )

    def context_variable(self, group: FetchGroup, index: int) -> str:
        """Apollo's name for a contextual argument's variable, unless the client uses it."""
        name = f"contextualArgument_{group.id}_{index}"
        while name in self.client_variables:
            name = "_" + name
        return name

    def requires_of(self, graph: str, parent_type: str, field_name: str) -> SelectionSetNode | None:
        """The @requires of the field in `graph`: the condition on its edge in the query graph."""
        edge = self.graph.field_edge(Vertex(parent_type, graph), field_name, self.labels)
        return edge.requires if edge is not None else None

    def plan_self_jump(
        self, group: FetchGroup, sub: SubSelection, parent_type: str, f: FieldSelection, path: tuple[str, ...]
    ) -> None:
        for key, entity_type in self.keys_into(group.graph, parent_type):
            if self.can_fetch_key(group.graph, parent_type, key):
                requires = self.requires_of(group.graph, parent_type, f.name)
                assert requires is not None
                only_type = parent_type if entity_type != parent_type else None
                target, target_sub = self.requires_target(
                    group, sub, entity_type, group.graph, key, path, only_type, parent_type, requires
                )
                self.add_local(target, target_sub, parent_type, f, path, None)
                return
        raise PlanningError(
            f"cannot plan {parent_type}.{f.name}: its @requires needs a resolvable @key of "
            f"{parent_type} in subgraph '{group.graph}'"
        )

    def plan_jump(
        self,
        group: FetchGroup,
        sub: SubSelection,
        parent_type: str,
        f: FieldSelection,
        path: tuple[str, ...],
        provided: Vertex | None = None,
    ) -> None:
        direct = self.jump_targets(group.graph, parent_type, f.name, provided)
        if direct:
            hops = [self.best_jump(group, parent_type, f, path, direct)]
        else:
            try:
                hops = self.route(group.graph, parent_type, f.name)
            except PlanningError:
                if self.plan_key_as_plan(group, sub, parent_type, f, path):
                    return
                anchor = self.anchors.get(id(sub))
                if anchor is None or not self.plan_from_anchor(anchor, parent_type, f, path):
                    raise
                return
        self.jump_to(group, sub, parent_type, f, path, hops)

    def jump_to(
        self,
        group: FetchGroup,
        sub: SubSelection,
        parent_type: str,
        f: FieldSelection,
        path: tuple[str, ...],
        hops: list[Jump],
    ) -> None:
        """Plan `f` in the subgraph at the end of `hops`, key jumps from `group`."""
        current, current_sub = group, sub
        for graph, key, entity_type in hops[:-1]:
            current, current_sub = self.entity_group(current, current_sub, entity_type, graph, key, path)
        graph, key, entity_type = hops[-1]
        requires = self.requires_of(graph, parent_type, f.name)
        if requires is None:
            target, target_sub = self.entity_group(current, current_sub, entity_type, graph, key, path)
        else:
            only_type = parent_type if entity_type != parent_type else None
            target, target_sub = self.requires_target(
                current, current_sub, entity_type, graph, key, path, only_type, parent_type, requires
            )
        self.add_local(target, target_sub, parent_type, f, path, None)

    def plan_key_as_plan(
        self, group: FetchGroup, sub: SubSelection, parent_type: str, f: FieldSelection, path: tuple[str, ...]
    ) -> bool:
        """Enter a subgraph resolving `f` by a key whose fields no one subgraph returns here:
        the key is then a condition planned like a @requires (each field from here, or by one
        key jump from here), and the entity fetch waits for those fetches."""
        for graph in self.graph.resolving_graphs(parent_type, f.name, self.labels):
            if graph == group.graph or self.requires_of(graph, parent_type, f.name) is not None:
                continue
            for key, entity_type in self.keys_into(graph, parent_type):
                if not self.key_plannable(group.graph, parent_type, key.selection):
                    continue
                sub.add_field("__typename", None, "", False)
                touched: set[int] = set()
                self.touch_stack.append(touched)
                try:
                    selections = self.internal_selections(parent_type, key.selection)
                    self.plan_selections(group, sub, parent_type, selections, path, None)
                finally:
                    self.touch_stack.pop()
                variant = 0
                while True:
                    target, target_sub = self.entity_group(
                        group, sub, entity_type, graph, key, path, None, variant, read_key=False
                    )
                    if not self.would_cycle(target, touched):
                        break
                    variant += 1
                touched.discard(target.id)
                target.depends_on.update(touched)
                assert target.requires is not None
                _add_read_fields(target.requires, key.selection, self.required_key)
                self.add_local(target, target_sub, parent_type, f, path, None)
                return True
        return False

    def key_plannable(self, graph: str, type_name: str, selection_set: SelectionSetNode) -> bool:
        """Whether every field of a key can be fetched from `graph` at `type_name`: resolved
        there, or by one key jump from there; sub-selections likewise."""
        for node in selection_set.selections:
            if not isinstance(node, FieldNode):
                return False
            name = node.name.value
            sfield = self.supergraph.types[type_name].fields.get(name)
            if sfield is None:
                return False
            if self.can_resolve(graph, type_name, name, None):
                if node.selection_set is not None and not self.key_plannable(
                    graph, sfield.type_name, node.selection_set
                ):
                    return False
                continue
            if node.selection_set is not None or not self.jump_targets(graph, type_name, name):
                return False
        return True

    def entity_group(
        self,
        source: FetchGroup,
        source_sub: SubSelection,
        entity_type: str,
        graph: str,
        key: Key,
        path: tuple[str, ...],
        only_type: str | None = None,
        variant: int = 0,
        read_key: bool = True,
    ) -> tuple[FetchGroup, SubSelection]:
        """The fetch into `graph` at `path` entered from `source` (made on first use).

        `only_type` limits it to objects of one implementation of the entity interface: a
        field's @requires, read under a type condition, exists only on those objects.
        `variant` tells apart fetches of one place whose representations cannot be one (see
        `requires_target`).
        """
        source_sub.add_field("__typename", None, "", False)
        self.touch(source)
        type_key = entity_type if only_type is None else f"{entity_type}/{only_type}"
        group_key = (graph, path, source.id, type_key, variant)
        group = self.entity_groups.get(group_key)
        if group is None:
            group = self.new_group(graph, path, entity_type)
            group.only_type = only_type
            group.requires = SubSelection()
            group.requires.add_field("__typename", None, "", False)
            group.depends_on.add(source.id)
            if self.supergraph.is_interface_object(entity_type, graph):
                group.representation_typename = entity_type
            self.entity_groups[group_key] = group
            self.anchors[id(group.selection)] = Anchor(
                group, group.selection, entity_type, path, parent=self.anchors.get(id(source_sub))
            )
        assert group.requires is not None
        if read_key:
            self.add_internal_fields(source_sub, group.requires, key.selection)
        return group, group.selection

    def add_internal_fields(
        self, source: SubSelection, requires: SubSelection, selection_set: SelectionSetNode
    ) -> None:
        """Fetch a key's fields in `source` and read them from there into representations."""
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                name = node.name.value
                key = self.internal_key(name)
                has_selection = node.selection_set is not None
                fetched = source.add_field(name, key if key != name else None, "", has_selection)
                read = requires.add_field(name, None, "", has_selection)
                read.source_key = key
                if node.selection_set is not None:
                    assert fetched.selection is not None and read.selection is not None
                    self.add_internal_fields(fetched.selection, read.selection, node.selection_set)
            elif isinstance(node, InlineFragmentNode) and node.type_condition is not None:
                condition = node.type_condition.name.value
                self.add_internal_fields(source.fragment(condition), requires.fragment(condition), node.selection_set)

    def requires_target(
        self,
        source: FetchGroup,
        source_sub: SubSelection,
        entity_type: str,
        graph: str,
        key: Key,
        path: tuple[str, ...],
        only_type: str | None,
        parent_type: str,
        requires: SelectionSetNode,
    ) -> tuple[FetchGroup, SubSelection]:
        """The entity fetch of a field with @requires, after planning the required fields.

        Its representations carry the required fields, so it depends on every fetch that
        returns them. It is the usual fetch of that place unless that one cannot be: when the
        requirements themselves pass through it (a chain back and forth between subgraphs:
        using it would be a cycle), or when it already carries a field of the same name with
        other arguments (one representation cannot hold both). Then it is another fetch of
        the same place.
        """
        # The key first, as Apollo prints it: the fetch returns __typename and key, then the rest.
        source_sub.add_field("__typename", None, "", False)
        self.add_internal_fields(source_sub, SubSelection(), key.selection)
        touched: set[int] = set()
        self.touch_stack.append(touched)
        try:
            selections = self.internal_selections(parent_type, requires)
            self.plan_selections(source, source_sub, parent_type, selections, path, None)
        finally:
            self.touch_stack.pop()
        variant = 0
        while True:
            target, target_sub = self.entity_group(
                source, source_sub, entity_type, graph, key, path, only_type, variant
            )
            assert target.requires is not None
            if not self.would_cycle(target, touched) and not _read_conflicts(
                target.requires, requires, self.required_key
            ):
                break
            variant += 1
        touched.discard(target.id)
        target.depends_on.update(touched)
        _add_read_fields(target.requires, requires, self.required_key)
        return target, target_sub

    def would_cycle(self, target: FetchGroup, touched: set[int]) -> bool:
        """Whether `target` depending on the `touched` fetches closes a cycle."""
        if target.id in touched:
            return True
        by_id = self.groups
        stack = list(touched)
        seen: set[int] = set()
        while stack:
            gid = stack.pop()
            if gid == target.id:
                return True
            if gid in seen:
                continue
            seen.add(gid)
            stack.extend(by_id[gid].depends_on)
        return False

    def required_key(self, node: FieldNode) -> str:
        """The response key a required field is fetched under. A field with arguments gets an
        alias of its own per distinct arguments: the client may select the same field with
        other arguments under its name (and two requirements may differ in arguments)."""
        name = node.name.value
        if not node.arguments:
            return self.internal_key(name)
        printed = _print_arguments(tuple(node.arguments))
        alias = self.argument_aliases.get((name, printed))
        if alias is None:
            alias = self.argument_aliases[(name, printed)] = f"_splp_{name}_{len(self.argument_aliases)}"
        return alias

    def internal_selections(self, parent_type: str, selection_set: SelectionSetNode) -> list[Selection]:
        """A field set (from @requires) as selections the planner can plan like a client's."""
        result: list[Selection] = []
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                sfield = self.supergraph.types[parent_type].fields.get(node.name.value)
                type_name = sfield.type_name if sfield else "String"
                children = self.internal_selections(type_name, node.selection_set) if node.selection_set else None
                key = self.required_key(node)
                arguments = tuple(node.arguments or ())
                result.append(FieldSelection(key, node.name.value, arguments, None, type_name, children))
            elif isinstance(node, InlineFragmentNode) and node.type_condition is not None:
                condition = node.type_condition.name.value
                result.append(FragmentSelection(condition, self.internal_selections(condition, node.selection_set)))
        return result


Jump = tuple[str, Key, str]  # (subgraph, key, entity type to enter it at)


def _cost(groups: list[FetchGroup]) -> Cost:
    """The cost of a set of fetch groups (dependencies on groups outside it are not steps)."""
    if not groups:
        return Cost(0, 0, 0)
    known = {g.id for g in groups}
    inside = [replace(g, depends_on={d for d in g.depends_on if d in known}) for g in groups]
    return Cost(len(groups), len(_levels(inside)), sum(_selected(g.selection) for g in groups))


def _selected(sub: SubSelection) -> int:
    count = 0
    for f in sub.fields.values():
        count += 1 if f.selection is None else 1 + _selected(f.selection)
    for fragment in sub.fragments.values():
        count += _selected(fragment)
    return count


def _alias(f: FieldSelection) -> str | None:
    return f.response_key if f.response_key != f.name else None


def _with_conditions(path: tuple[str, ...], types: tuple[str, ...]) -> tuple[str, ...]:
    """`path` whose last step keeps only objects of `types`, as Apollo writes it: `@|[A,B]`."""
    if not path:
        return path
    last = path[-1].split("|", 1)[0]
    return (*path[:-1], f"{last}|[{','.join(types)}]")


def _flatten_root(selections: list[Selection]) -> list[FieldSelection]:
    result: list[FieldSelection] = []
    for sel in selections:
        if isinstance(sel, FieldSelection):
            result.append(sel)
        elif not sel.denied:
            result.extend(_flatten_root(sel.selections))
    return result


def _add_read_fields(
    requires: SubSelection, selection_set: SelectionSetNode, key_of: Callable[[FieldNode], str]
) -> None:
    """Read @requires fields (fetched under their internal keys) into representations."""
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            read = requires.add_field(node.name.value, None, "", node.selection_set is not None)
            read.source_key = key_of(node)
            if node.selection_set is not None and read.selection is not None:
                _add_read_fields(read.selection, node.selection_set, key_of)
        elif isinstance(node, InlineFragmentNode) and node.type_condition is not None:
            _add_read_fields(requires.fragment(node.type_condition.name.value), node.selection_set, key_of)


def _read_conflicts(
    requires: SubSelection, selection_set: SelectionSetNode, key_of: Callable[[FieldNode], str]
) -> bool:
    """Whether reading `selection_set` into `requires` would put two values under one name."""
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            read = requires.fields.get(node.name.value)
            if read is None:
                continue
            if (read.source_key or read.name) != key_of(node):
                return True
            if (
                node.selection_set is not None
                and read.selection is not None
                and _read_conflicts(read.selection, node.selection_set, key_of)
            ):
                return True
        elif isinstance(node, InlineFragmentNode) and node.type_condition is not None:
            sub = requires.fragments.get(node.type_condition.name.value)
            if sub is not None and _read_conflicts(sub, node.selection_set, key_of):
                return True
    return False


def _needs_concrete_type(selections: list[Selection], interface: str) -> bool:
    for sel in selections:
        if isinstance(sel, FieldSelection):
            if sel.name == "__typename":
                return True
        elif sel.type_condition != interface or _needs_concrete_type(sel.selections, interface):
            return True
    return False


def _client_keys_unsafe_for_internal_fields(selections: list[Selection]) -> set[str]:
    """Response keys the client uses for anything but the plain, argument-less field of that name."""
    unsafe: set[str] = set()
    for sel in selections:
        if isinstance(sel, FieldSelection):
            if sel.response_key != sel.name or sel.arguments:
                unsafe.add(sel.response_key)
            if sel.selections:
                unsafe |= _client_keys_unsafe_for_internal_fields(sel.selections)
        else:
            unsafe |= _client_keys_unsafe_for_internal_fields(sel.selections)
    return unsafe


def _print_arguments(arguments: tuple[ArgumentNode, ...]) -> str:
    if not arguments:
        return ""
    return "(" + ", ".join(print_ast(a) for a in arguments) + ")"


def _collect_variables(value: ValueNode, into: set[str]) -> None:
    if isinstance(value, VariableNode):
        into.add(value.name.value)
    elif isinstance(value, ListValueNode):
        for v in value.values:
            _collect_variables(v, into)
    elif isinstance(value, ObjectValueNode):
        for f in value.fields:
            _collect_variables(f.value, into)


# ---------------------------------------------------------------------------------------
# From groups to plan nodes


def _levels(groups: list[FetchGroup]) -> list[list[FetchGroup]]:
    by_id = {g.id: g for g in groups}
    level: dict[int, int] = {}

    def level_of(group: FetchGroup, visiting: frozenset[int]) -> int:
        if group.id in level:
            return level[group.id]
        if group.id in visiting:
            raise PlanningError("cyclic dependency between fetches (a @requires that needs its own result)")
        deps = [by_id[d] for d in group.depends_on if d in by_id]
        value = 1 + max((level_of(d, visiting | {group.id}) for d in deps), default=-1)
        level[group.id] = value
        return value

    for g in groups:
        level_of(g, frozenset())
    result: list[list[FetchGroup]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for g in groups:
        result[level[g.id]].append(g)
    return result


def _variable_definitions(operation: Operation, names: set[str] | tuple[str, ...], extra: list[str]) -> str:
    defs = list(extra)
    for vd in operation.definition.variable_definitions or ():
        if vd.variable.name.value in names:
            defs.append(print_ast(vd))
    return "(" + ", ".join(defs) + ")" if defs else ""


def _operation_name(operation: Operation, service: str, index: int) -> str:
    if not operation.name:
        return ""
    # A subgraph's name may be anything (`my-service`); a GraphQL name is [_A-Za-z][_0-9A-Za-z]*.
    return f" {operation.name}__{re.sub(r'[^_0-9A-Za-z]', '_', service)}__{index}"


def _entity_body(group: FetchGroup, variable: str, alias: str | None) -> str:
    entity = group.representation_typename or group.entity_type
    head = f"{alias}: _entities" if alias else "_entities"
    return f"{head}(representations: ${variable}) {{... on {entity} {group.selection.compact()}}}"


def _to_fetch(operation: Operation, group: FetchGroup, index: int) -> Fetch:
    kind = operation.kind.value if group.entity_type is None else "query"
    name = _operation_name(operation, group.graph, index)
    if group.entity_type is None:
        text = f"{kind}{name}{_variable_definitions(operation, group.variables, [])} {group.selection.compact()}"
    else:
        extra = ["$representations: [_Any!]!", *(f"${r.variable}: {r.type}" for r in group.context_reads)]
        variables = _variable_definitions(operation, group.variables, extra)
        text = f"query{name}{variables} {{{_entity_body(group, 'representations', None)}}}"
    context = None
    if group.context_reads:
        entity = group.representation_typename or group.entity_type
        context = ContextFetch(
            reads=tuple(group.context_reads),
            name=name,
            client_definitions=tuple(
                print_ast(vd)
                for vd in operation.definition.variable_definitions or ()
                if vd.variable.name.value in group.variables
            ),
            body=f"{{... on {entity} {group.selection.compact()}}}",
        )
    return Fetch(
        service=group.graph,
        operation=text,
        variable_names=tuple(sorted(group.variables)),
        selection=group.selection,
        path=group.path,
        entity_type=group.entity_type,
        requires=group.requires,
        representation_typename=group.representation_typename,
        only_type=group.only_type,
        id=group.id,
        renames=group.renames,
        context=context,
    )


def _to_batch(operation: Operation, groups: list[FetchGroup], index: int) -> BatchFetch:
    service = groups[0].graph
    variables: set[str] = set()
    for g in groups:
        variables |= g.variables
    extra = [f"$r{i}: [_Any!]!" for i in range(len(groups))]
    bodies = " ".join(_entity_body(g, f"r{i}", f"_{i}") for i, g in enumerate(groups))
    name = _operation_name(operation, service, index)
    text = f"query{name}{_variable_definitions(operation, variables, extra)} {{{bodies}}}"
    return BatchFetch(
        service=service,
        operation=text,
        variable_names=tuple(sorted(variables)),
        fetches=[_to_fetch(operation, g, index) for g in groups],
    )


def build_plan(
    supergraph: Supergraph,
    operation: Operation,
    override_labels: frozenset[str] = frozenset(),
    budget: int = DEFAULT_BUDGET,
) -> QueryPlan:
    groups = _Planner(supergraph, operation, override_labels, budget).plan()
    for g in groups:
        parent_type = g.entity_type or operation.root_type.name
        g.renames = alias_conflicts(supergraph, g.graph, g.selection, parent_type)
    # The cost order: fewest fetches first, then fewest sequential waits. Scheduling by
    # dependency never waits longer; batching by level can save requests (one BatchFetch for
    # entity fetches under different parents), at the price of a wait: it wins only then.
    by_dependency = _layout(operation, groups)
    by_level = _level_layout(operation, groups)
    return by_level if by_level.fetch_count < by_dependency.fetch_count else by_dependency


PlanNode = Fetch | BatchFetch | Sequence | Parallel


def _layout(operation: Operation, groups: list[FetchGroup]) -> QueryPlan:
    """Fetch groups as plan nodes, scheduled by dependency: a fetch that depends on one other
    fetch starts as soon as that one finishes (Sequence(parent, Parallel(children))), not when
    a whole level has. A fetch depending on several waits, in a later step, for the steps
    that hold them. Entity fetches to one subgraph that start together are one request
    (BatchFetch): merging them adds no waiting."""
    levels = _levels(groups)  # refuses cycles
    level_of = {g.id: i for i, level in enumerate(levels) for g in level}
    known = {g.id for g in groups}
    children: dict[int, list[FetchGroup]] = {}
    roots: list[FetchGroup] = []
    joins: list[FetchGroup] = []
    for g in groups:
        deps = {d for d in g.depends_on if d in known and d != g.id}
        if not deps:
            roots.append(g)
        elif len(deps) == 1:
            children.setdefault(next(iter(deps)), []).append(g)
        else:
            joins.append(g)
    counter = [0]

    def stage(members: list[FetchGroup]) -> list[PlanNode]:
        units: dict[tuple[str, bool], list[FetchGroup]] = {}
        for g in members:
            units.setdefault(_unit(g), []).append(g)
        nodes: list[PlanNode] = []
        for (_, is_root), unit in units.items():
            batches = [[g] for g in unit] if is_root or len(unit) == 1 else [unit]
            for batch in batches:
                node: PlanNode = (
                    _to_fetch(operation, batch[0], counter[0])
                    if len(batch) == 1
                    else _to_batch(operation, batch, counter[0])
                )
                counter[0] += 1
                kids = [c for g in batch for c in children.get(g.id, [])]
                nodes.append(_sequence([node, _together(stage(kids))]) if kids else node)
        return nodes

    steps: list[PlanNode] = []
    if roots:
        steps.append(_together(stage(roots)))
    for level in sorted({level_of[g.id] for g in joins}):
        steps.append(_together(stage([g for g in joins if level_of[g.id] == level])))
    if not steps:
        return QueryPlan(None, 0)
    return QueryPlan(_sequence(steps), counter[0])


def _level_layout(operation: Operation, groups: list[FetchGroup]) -> QueryPlan:
    """Fetch groups in levels (a group runs after every group of the levels before), the
    entity fetches of one level to one subgraph in one request."""
    steps: list[PlanNode] = []
    index = 0
    for level in _levels(groups):
        by_service: dict[tuple[str, bool], list[FetchGroup]] = {}
        for g in level:
            by_service.setdefault(_unit(g), []).append(g)
        nodes: list[PlanNode] = []
        for (_, is_root), members in by_service.items():
            if is_root or len(members) == 1:
                for g in members:
                    nodes.append(_to_fetch(operation, g, index))
                    index += 1
            else:
                nodes.append(_to_batch(operation, members, index))
                index += 1
        steps.append(_together(nodes))
    if not steps:
        return QueryPlan(None, 0)
    return QueryPlan(steps[0] if len(steps) == 1 else Sequence(steps), index)


def _unit(group: FetchGroup) -> tuple[str, bool]:
    """What fetches may share a request: entity fetches to one subgraph (the flag: whether the
    group goes alone). A root fetch is alone, and so is one with contextual arguments (its
    request depends on the values the plan finds)."""
    if group.context_reads:
        return f"{group.graph}#{group.id}", True
    return group.graph, group.entity_type is None


def _sequence(nodes: list[PlanNode]) -> PlanNode:
    """Nodes one after the other, a Sequence inside a Sequence flattened."""
    flat: list[PlanNode] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, Sequence) else [node])
    return flat[0] if len(flat) == 1 else Sequence(flat)


def _together(nodes: list[PlanNode]) -> PlanNode:
    return nodes[0] if len(nodes) == 1 else Parallel(nodes)
