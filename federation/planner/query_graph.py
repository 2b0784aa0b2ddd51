"""The federated query graph: what each subgraph can resolve, and how to move between subgraphs.

The model behind Apollo's query planner (query-graphs-js) and Hive Router's, written from
the Federation spec. Vertices are a type as one subgraph knows it, `(type, subgraph)`; a vertex
reached only through a field's `@provides` is a vertex of its own (`provided` names the field),
so provided fields exist only under the providing field. Edges:

- a *field edge* for each field a subgraph resolves, to the field's type *as that subgraph
  declares it* (`@join__field(type:)`); its conditions are the field's `@requires`, its
  progressive-override label and its `@fromContext` arguments;
- a *key jump* into `(type, subgraph)` for each resolvable `@key` of the type there
  (`resolvable: false` is never a target), from every other subgraph knowing the type — or,
  for a type the subgraph does not know, through an interface it sees as an @interfaceObject;
- a *root jump* between the query roots of two subgraphs;
- a *downcast* from an abstract type to each implementation (or union member) as that
  subgraph knows it (`@join__implements`, `@join__unionMember`).

Built once per supergraph (`query_graph`), and reused across reloads while the supergraph's
text is unchanged. The planner asks it which subgraphs resolve a field at a position and by
which keys a subgraph can be entered; whether the source can return a key's fields is a
condition the planner checks where it stands (it depends on what was provided there).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from federation.supergraph import ContextArgument, JoinField, Key, Supergraph


@dataclass(frozen=True, slots=True)
class Vertex:
    type_name: str
    graph: str
    provided: str | None = None  # "Deal.item": reached only through that field's @provides


@dataclass(frozen=True, slots=True)
class FieldEdge:
    head: Vertex
    field: str
    # The field's named type as the subgraph declares it; None for a leaf (scalar, enum).
    tail: Vertex | None
    requires: SelectionSetNode | None = None
    # Progressive @override: the edge exists only while `label` is enabled (`when_enabled`),
    # or only while it is not.
    label: str | None = None
    when_enabled: bool = True
    context_arguments: tuple[ContextArgument, ...] = ()

    def active(self, labels: frozenset[str]) -> bool:
        return self.label is None or (self.label in labels) == self.when_enabled


@dataclass(frozen=True, slots=True)
class KeyEdge:
    """A jump by `key` into `tail`, an entity of `tail.graph` (its type may be an interface the
    subgraph sees as an @interfaceObject, when the head's type is one of its implementations)."""

    head: Vertex
    tail: Vertex
    key: Key


@dataclass(frozen=True, slots=True)
class RootEdge:
    head: Vertex
    tail: Vertex


@dataclass(eq=False)
class Provided:
    """The fields a @provides names at one position (a provided vertex): field edges (to the
    provided vertex of a nested selection, or a leaf), then fragments on a type condition."""

    vertex: Vertex
    fields: dict[str, FieldEdge] = field(default_factory=dict)
    fragments: list[tuple[str, Provided]] = field(default_factory=list)


@dataclass(eq=False)
class QueryGraph:
    supergraph: Supergraph
    # (type, field) -> the field edges of every subgraph resolving it, in the supergraph's order
    fields: dict[tuple[str, str], tuple[FieldEdge, ...]] = field(default_factory=dict)
    # (type, subgraph) -> the keys it can be entered by, with the entity type to enter it at
    entries: dict[tuple[str, str], tuple[tuple[Key, str], ...]] = field(default_factory=dict)
    # abstract vertex -> its object types in that subgraph
    downcast_targets: dict[Vertex, tuple[Vertex, ...]] = field(default_factory=dict)
    # provided vertex -> the fields the @provides names there
    provided_at: dict[Vertex, Provided] = field(default_factory=dict)
    root_type: str = "Query"
    _by_labels: dict[tuple[str, str, frozenset[str]], list[str]] = field(default_factory=dict)
    _static: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    _possible: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    # -- questions the planner asks ------------------------------------------------------

    def resolving_graphs(self, type_name: str, field_name: str, labels: frozenset[str]) -> list[str]:
        """The subgraphs with an edge for `type_name.field_name` (under these override labels)."""
        key = (type_name, field_name)
        static = self._static.get(key)
        if static is not None:
            return static
        memo = (type_name, field_name, labels)
        found = self._by_labels.get(memo)
        if found is None:
            found = self._by_labels[memo] = [e.head.graph for e in self.fields.get(key, ()) if e.active(labels)]
        return found

    def field_edge(self, vertex: Vertex, field_name: str, labels: frozenset[str]) -> FieldEdge | None:
        """The edge for `field_name` out of `vertex`: under a @provides, a provided field first."""
        if vertex.provided is not None:
            provided = self.provided_edge(vertex, vertex.type_name, field_name)
            if provided is not None:
                return provided
        for edge in self.fields.get((vertex.type_name, field_name), ()):
            if edge.head.graph == vertex.graph and edge.active(labels):
                return edge
        return None

    def provided_edge(self, at: Vertex, type_name: str, field_name: str) -> FieldEdge | None:
        """The provided edge for `field_name` of an object of `type_name` at the provided
        vertex `at`: a field the @provides names there, or in a fragment whose type condition
        is `type_name` or one of its abstract types."""
        found = self.provided_at.get(at)
        return self._provided_edge(found, type_name, field_name) if found is not None else None

    def _provided_edge(self, provided: Provided, type_name: str, field_name: str) -> FieldEdge | None:
        edge = provided.fields.get(field_name)
        if edge is not None:
            return edge
        for condition, sub in provided.fragments:
            if condition != type_name and type_name not in self.supergraph.possible_types(condition):
                continue
            edge = self._provided_edge(sub, type_name, field_name)
            if edge is not None:
                return edge
        return None

    def provided_under(self, type_name: str, field_name: str, graph: str) -> Vertex | None:
        """The provided vertex a field's @provides in `graph` leads to, if it provides."""
        for edge in self.fields.get((type_name, field_name), ()):
            if edge.head.graph == graph:
                tail = edge.tail
                return tail if tail is not None and tail.provided is not None else None
        return None

    def keys_into(self, type_name: str, graph: str) -> tuple[tuple[Key, str], ...]:
        """The keys by which `graph` can be entered at `type_name`, with the entity type to use."""
        return self.entries.get((type_name, graph), ())

    def key_edges(self, vertex: Vertex) -> list[KeyEdge]:
        """Every key jump out of `vertex` into another subgraph."""
        result = []
        for graph in self.supergraph.graph_names_of(vertex.type_name):
            if graph == vertex.graph:
                continue
            for key, entity_type in self.keys_into(vertex.type_name, graph):
                result.append(KeyEdge(vertex, Vertex(entity_type, graph), key))
        return result

    def root_edges(self, graph: str) -> list[RootEdge]:
        """From the query root of `graph` to the query root of every other subgraph."""
        head = Vertex(self.root_type, graph)
        t = self.supergraph.types[self.root_type]
        return [RootEdge(head, Vertex(self.root_type, other)) for other in t.graphs if other != graph]

    def downcasts(self, vertex: Vertex) -> tuple[Vertex, ...]:
        return self.downcast_targets.get(Vertex(vertex.type_name, vertex.graph), ())

    def possible_types(self, type_name: str, graph: str) -> list[str]:
        """The object types a value of `type_name` returned by `graph` can have: the type
        itself, or the targets of its downcasts there."""
        found = self._possible.get((type_name, graph))
        if found is None:
            t = self.supergraph.types[type_name]
            if t.kind == "object":
                found = [type_name]
            else:
                found = [v.type_name for v in self.downcast_targets.get(Vertex(type_name, graph), ())]
            self._possible[(type_name, graph)] = found
        return found

    # -- building ------------------------------------------------------------------------

    @classmethod
    def build(cls, supergraph: Supergraph) -> QueryGraph:
        graph = cls(supergraph, root_type=supergraph.query_type)
        for t in supergraph.types.values():
            if t.kind not in ("object", "interface"):
                if t.kind == "union":
                    graph._add_downcasts(t.name)
                continue
            for f in t.fields.values():
                edges = graph._field_edges(t.name, f.name)
                graph.fields[(t.name, f.name)] = edges
                if all(e.label is None for e in edges):
                    graph._static[(t.name, f.name)] = [e.head.graph for e in edges]
            if t.kind == "interface":
                graph._add_downcasts(t.name)
        for t in supergraph.types.values():
            if t.kind in ("object", "interface"):
                for g in supergraph.graph_names_of(t.name):
                    entries = graph._entries(t.name, g)
                    if entries:
                        graph.entries[(t.name, g)] = entries
        return graph

    def _field_edges(self, type_name: str, field_name: str) -> tuple[FieldEdge, ...]:
        supergraph = self.supergraph
        t = supergraph.types[type_name]
        f = t.fields[field_name]
        if f.from_interface_object and not f.joins:
            # A bare @join__field: the field comes from an @interfaceObject of an interface.
            result: list[FieldEdge] = []
            seen: set[str] = set()
            for interface in sorted(supergraph.interfaces_of(type_name)):
                if field_name not in supergraph.types[interface].fields:
                    continue
                for edge in self._field_edges(interface, field_name):
                    g = edge.head.graph
                    if supergraph.is_interface_object(interface, g) and g not in seen:
                        seen.add(g)
                        result.append(_moved(edge, Vertex(type_name, g)))
            return tuple(result)
        if not f.joins:
            graphs = [g for g, jt in t.graphs.items() if not jt.is_interface_object or t.kind == "interface"]
            return tuple(self._edge(type_name, field_name, g, None) for g in graphs)
        edges = []
        for g, join in f.joins.items():
            if join.external or join.used_overridden:
                continue
            edges.append(self._edge(type_name, field_name, g, join))
        return tuple(edges)

    def _edge(self, type_name: str, field_name: str, graph: str, join: JoinField | None) -> FieldEdge:
        f = self.supergraph.types[type_name].fields[field_name]
        head = Vertex(type_name, graph)
        own_type = f.type_name
        if join is not None and join.type is not None:
            named = join.type.strip("[]!")
            if named in self.supergraph.types:
                own_type = named
        tail = None
        if self.supergraph.types.get(own_type) is not None and self.supergraph.types[own_type].kind in (
            "object",
            "interface",
            "union",
        ):
            provides = join.provides if join is not None else None
            if provides is not None:
                tail = Vertex(own_type, graph, f"{type_name}.{field_name}")
                self._add_provided(tail, provides)
            else:
                tail = Vertex(own_type, graph)
        if join is None:
            return FieldEdge(head, field_name, tail)
        label = join.override_label
        return FieldEdge(
            head,
            field_name,
            tail,
            requires=join.requires,
            label=label,
            when_enabled=join.override is not None,
            context_arguments=join.context_arguments,
        )

    def _add_provided(self, vertex: Vertex, provides: SelectionSetNode) -> Provided:
        """The fields a @provides names, as edges out of the provided vertex only (a nested
        selection leads to a provided vertex of its own; a fragment provides on its type)."""
        provided = Provided(vertex)
        self.provided_at[vertex] = provided
        for node in provides.selections:
            if isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else vertex.type_name
                inner = Vertex(condition, vertex.graph, f"{vertex.provided}|{condition}")
                provided.fragments.append((condition, self._add_provided(inner, node.selection_set)))
                continue
            if not isinstance(node, FieldNode):
                continue
            name = node.name.value
            sfield = self.supergraph.types[vertex.type_name].fields.get(name)
            if name in provided.fields or (sfield is None and node.selection_set is not None):
                continue
            tail = None
            if sfield is not None and node.selection_set is not None:
                tail = Vertex(sfield.type_name, vertex.graph, f"{vertex.provided}.{name}")
                self._add_provided(tail, node.selection_set)
            provided.fields[name] = FieldEdge(vertex, name, tail)
        return provided

    def _add_downcasts(self, type_name: str) -> None:
        for g in self.supergraph.types[type_name].graphs:
            vertex = Vertex(type_name, g)
            if self.supergraph.is_interface_object(type_name, g):
                continue  # its implementations are unknown there: reached by a key jump to an owner
            self.downcast_targets[vertex] = tuple(
                Vertex(o, g) for o in self.supergraph.possible_types_in_graph(type_name, g)
            )

    def _entries(self, type_name: str, graph: str) -> tuple[tuple[Key, str], ...]:
        supergraph = self.supergraph
        keys = [(k, type_name) for k in supergraph.resolvable_keys(type_name, graph)]
        if keys or supergraph.type_in_graph(type_name, graph):
            return tuple(keys)
        # An object type the subgraph does not know, entered through an interface it sees as
        # an @interfaceObject.
        for interface in sorted(supergraph.interfaces_of(type_name)):
            if supergraph.is_interface_object(interface, graph):
                keys.extend((k, interface) for k in supergraph.resolvable_keys(interface, graph))
        return tuple(keys)


def _moved(edge: FieldEdge, head: Vertex) -> FieldEdge:
    return FieldEdge(head, edge.field, edge.tail, edge.requires, edge.label, edge.when_enabled, edge.context_arguments)


# Built query graphs by the digest of their supergraph's text: a reload of the same text (or a
# registry publishing an unchanged supergraph) reuses the graph. A few are kept, for the
# overlap of a reload (requests in flight on the old supergraph).
_CACHE: OrderedDict[str, QueryGraph] = OrderedDict()
_CACHE_SIZE = 4
_LOCK = Lock()


def query_graph(supergraph: Supergraph) -> QueryGraph:
    """The query graph of `supergraph`: built on first use, then kept on it and by its text."""
    found = supergraph.__dict__.get("_query_graph")
    if found is not None:
        return found  # type: ignore[no-any-return]
    digest = hashlib.sha256(supergraph.sdl.encode()).hexdigest()
    with _LOCK:
        found = _CACHE.get(digest)
        if found is not None:
            _CACHE.move_to_end(digest)
    if found is None:
        found = QueryGraph.build(supergraph)
        with _LOCK:
            _CACHE[digest] = found
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    supergraph.__dict__["_query_graph"] = found
    return found
