"""The supergraph: who can resolve what, and the public API schema clients see.

A supergraph is the SDL Apollo's composition writes: the merged schema plus `@join__*`
directives saying which subgraph (graph) knows each type and resolves each field. This
module reads it into two things the rest of the gateway uses:

- the *resolution index* (`SupergraphType`, `JoinType`, `JoinField`): per type and graph,
  the keys, and per field the graphs that resolve it with their requires/provides;
- the *API schema*: the merged schema with the join and link machinery removed and
  `@inaccessible` elements hidden, which clients validate against and introspect.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphql import (
    BooleanValueNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    EnumValueNode,
    FieldDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ObjectValueNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    SelectionSetNode,
    StringValueNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    ValueNode,
    build_ast_schema,
    parse,
    print_schema,
    validate_schema,
)
from graphql.language import Node

from federation.security.authorization import AccessRules, Requirement

T = TypeVar("T")

# Features whose directives only describe how to resolve or secure fields. A gateway must
# refuse a supergraph that links an EXECUTION or SECURITY feature it does not implement
# (link spec); these are the ones SPLP understands.
SUPPORTED_FEATURES = {
    "core": ("v0.1", "v0.2"),
    "link": ("v1.0",),
    "join": ("v0.2", "v0.3", "v0.4", "v0.5"),
    "inaccessible": ("v0.1", "v0.2"),
    "tag": ("v0.1", "v0.2", "v0.3"),
    "authenticated": ("v0.1",),
    "requiresScopes": ("v0.1",),
    "policy": ("v0.1",),
    "cost": ("v0.1",),
    "listSize": ("v0.1",),
    "context": ("v0.1",),
}


# Features whose directives say who may read an element (enforced by federation.security).
ACCESS_FEATURES = ("authenticated", "requiresScopes", "policy")


class SupergraphError(Exception):
    """A supergraph the gateway cannot serve, with the line it failed on where known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line else reason)


@dataclass(frozen=True)
class SubgraphInfo:
    name: str
    url: str
    enum_value: str


@dataclass(frozen=True)
class Key:
    fields: str
    selection: SelectionSetNode
    resolvable: bool


@dataclass
class JoinType:
    """A type as one graph knows it (`@join__type`)."""

    graph: str
    keys: list[Key] = field(default_factory=list)
    is_interface_object: bool = False
    extension: bool = False


@dataclass(frozen=True)
class JoinField:
    """A field as one graph knows it (`@join__field`)."""

    graph: str
    requires: SelectionSetNode | None = None
    provides: SelectionSetNode | None = None
    external: bool = False
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False
    type: str | None = None
    # Arguments the gateway fills from an enclosing @context (@fromContext, Federation 2.8).
    context_arguments: tuple[ContextArgument, ...] = ()


@dataclass(frozen=True)
class ContextArgument:
    """One `@join__field(contextArguments:)` item: the argument `name` of type `type` takes the
    value `selection` selects on the nearest enclosing object that sets `context`."""

    name: str
    type: str
    context: str
    selection: SelectionSetNode


@dataclass
class SupergraphField:
    name: str
    type_name: str  # the named (innermost) type
    list_depth: int = 0  # how many lists wrap the named type: a path steps "@" that often
    # graph name -> how that graph knows the field. Empty when the field carries no
    # @join__field: then every graph of the parent type resolves it.
    joins: dict[str, JoinField] = field(default_factory=dict)
    # A bare `@join__field` (no graph): the field comes from an @interfaceObject of one of
    # the type's interfaces, and only the graphs holding that interface object resolve it.
    from_interface_object: bool = False


@dataclass
class SupergraphType:
    name: str
    kind: str  # "object" | "interface" | "union" | "enum" | "input" | "scalar"
    graphs: dict[str, JoinType] = field(default_factory=dict)
    fields: dict[str, SupergraphField] = field(default_factory=dict)
    # graph -> interfaces this type implements in that graph
    implements: dict[str, set[str]] = field(default_factory=dict)
    # graph -> members of this union in that graph
    union_members: dict[str, set[str]] = field(default_factory=dict)
    # graph -> enum values that graph knows
    enum_values: dict[str, set[str]] = field(default_factory=dict)
    # the contexts this type sets (`@context(name:)`, names as composition prefixed them)
    contexts: set[str] = field(default_factory=set)


def _memoized(method: Callable[..., T]) -> Callable[..., T]:
    """Cache a query of the (immutable) supergraph on the instance: the planner asks the same
    questions many times, and the cache goes away with the supergraph on reload."""
    name = method.__name__

    @functools.wraps(method)
    def wrapper(self: Supergraph, *args: Any) -> T:
        memo = self.__dict__.setdefault("_memo", {})
        key = (name, *args)
        try:
            return memo[key]  # type: ignore[no-any-return]
        except KeyError:
            value = memo[key] = method(self, *args)
            return value

    return wrapper


@dataclass
class Supergraph:
    sdl: str
    subgraphs: dict[str, SubgraphInfo]
    types: dict[str, SupergraphType]
    api_schema: GraphQLSchema
    query_type: str
    mutation_type: str | None
    subscription_type: str | None
    # progressive override labels found in the supergraph (e.g. "percent(20)")
    override_labels: frozenset[str]
    # who may read what: @authenticated, @requiresScopes, @policy by "Type" or "Type.field"
    access: AccessRules = field(default_factory=lambda: AccessRules({}))

    @classmethod
    def from_sdl(cls, sdl: str) -> Supergraph:
        return _Reader(sdl).read()

    @classmethod
    def from_file(cls, path: str) -> Supergraph:
        try:
            with open(path, encoding="utf-8") as f:
                sdl = f.read()
        except OSError as e:
            raise SupergraphError(f"cannot read supergraph file {path}: {e.strerror}") from e
        return cls.from_sdl(sdl)

    def api_sdl(self) -> str:
        return print_schema(self.api_schema)

    # -- resolution index queries -------------------------------------------------------

    def type_in_graph(self, type_name: str, graph: str) -> bool:
        t = self.types.get(type_name)
        return t is not None and graph in t.graphs

    @_memoized
    def field_graphs(self, type_name: str, field_name: str, enabled_labels: frozenset[str]) -> list[str]:
        """The graphs that can resolve `type_name.field_name` (not merely mention it)."""
        t = self.types[type_name]
        f = t.fields.get(field_name)
        if f is None:
            return []
        if f.from_interface_object and not f.joins:
            graphs: list[str] = []
            for interface in sorted(self.interfaces_of(type_name)):
                if field_name in self.types[interface].fields:
                    for g in self.field_graphs(interface, field_name, enabled_labels):
                        if self.is_interface_object(interface, g) and g not in graphs:
                            graphs.append(g)
            return graphs
        if not f.joins:
            return [g for g, jt in t.graphs.items() if not jt.is_interface_object or t.kind == "interface"]
        result = []
        for g, jf in f.joins.items():
            if jf.external or jf.used_overridden:
                continue
            if jf.override_label is not None:
                enabled = jf.override_label in enabled_labels
                # The overriding graph resolves the field only while its label is enabled;
                # the overridden graph only while it is not.
                if (jf.override is not None) != enabled:
                    continue
            result.append(g)
        return result

    @_memoized
    def resolvable_keys(self, type_name: str, graph: str) -> list[Key]:
        t = self.types.get(type_name)
        if t is None or graph not in t.graphs:
            return []
        return [k for k in t.graphs[graph].keys if k.resolvable]

    @_memoized
    def possible_types_in_graph(self, type_name: str, graph: str) -> list[str]:
        """Object types a value of `type_name` returned by `graph` can have."""
        t = self.types[type_name]
        if t.kind == "object":
            return [type_name]
        if t.kind == "union":
            return sorted(t.union_members.get(graph, set()))
        result = []
        for name, other in self.types.items():
            if other.kind == "object" and type_name in other.implements.get(graph, set()):
                result.append(name)
        return sorted(result)

    @_memoized
    def possible_types(self, type_name: str) -> list[str]:
        t = self.types[type_name]
        if t.kind == "object":
            return [type_name]
        api_type = self.api_schema.get_type(type_name)
        if api_type is None:
            return []
        return sorted(o.name for o in self.api_schema.get_possible_types(api_type))  # type: ignore[arg-type]

    @_memoized
    def fragment_applies(self, type_condition: str, typename: str) -> bool:
        """Whether a fragment on `type_condition` applies to an object of type `typename`, in
        any subgraph's view (inaccessible types included: representations carry them)."""
        if type_condition == typename:
            return True
        condition = self.types.get(type_condition)
        if condition is None or typename not in self.types:
            return False
        if condition.kind == "union":
            return any(typename in members for members in condition.union_members.values())
        return type_condition in self.interfaces_of(typename)

    @_memoized
    def contexts_of(self, type_name: str) -> frozenset[str]:
        """The contexts an object at a position of type `type_name` sets: the type's own
        `@context`s, and those of the interfaces and unions it belongs to."""
        t = self.types.get(type_name)
        if t is None:
            return frozenset()
        found = set(t.contexts)
        for other in self.types.values():
            if other.contexts and other.name != type_name and self.fragment_applies(other.name, type_name):
                found |= other.contexts
        return frozenset(found)

    @_memoized
    def interfaces_of(self, type_name: str) -> set[str]:
        """Interfaces `type_name` implements in any graph."""
        t = self.types.get(type_name)
        return set().union(*t.implements.values()) if t is not None and t.implements else set()

    def graph_names_of(self, type_name: str) -> list[str]:
        """Graphs that know `type_name`, or see one of its interfaces as an @interfaceObject."""
        graphs = list(self.types[type_name].graphs)
        for interface in sorted(self.interfaces_of(type_name)):
            for graph, jt in self.types[interface].graphs.items():
                if jt.is_interface_object and graph not in graphs:
                    graphs.append(graph)
        return graphs

    def entity_typenames(self, type_name: str) -> frozenset[str]:
        """The `__typename`s an object at an entity fetch of `type_name` may carry."""
        cache = self.__dict__.setdefault("_entity_typenames", {})
        found = cache.get(type_name)
        if found is None:
            names = set(self.possible_types(type_name))
            if self.types[type_name].kind == "interface":
                names.add(type_name)  # as returned by a subgraph seeing it as an @interfaceObject
            found = cache[type_name] = frozenset(names)
        return found  # type: ignore[no-any-return]

    def is_interface_object(self, type_name: str, graph: str) -> bool:
        t = self.types.get(type_name)
        return t is not None and graph in t.graphs and t.graphs[graph].is_interface_object


# ---------------------------------------------------------------------------------------
# Reading


@dataclass
class _Links:
    """Which directive names the linked specs use in this document (`@link(as:, import:)`)."""

    join_prefix: str = "join__"
    inaccessible: set[str] = field(default_factory=lambda: {"inaccessible"})
    machinery_prefixes: set[str] = field(default_factory=set)
    machinery_names: set[str] = field(default_factory=set)
    has_join: bool = False
    # directive name in this document -> "authenticated" | "requiresScopes" | "policy"
    access: dict[str, str] = field(default_factory=dict)
    context: str = "context"  # the name of the context spec's @context here


_OBJECT_NODES = (ObjectTypeDefinitionNode, ObjectTypeExtensionNode)
_INTERFACE_NODES = (InterfaceTypeDefinitionNode, InterfaceTypeExtensionNode)
_UNION_NODES = (UnionTypeDefinitionNode, UnionTypeExtensionNode)
_ENUM_NODES = (EnumTypeDefinitionNode, EnumTypeExtensionNode)
_INPUT_NODES = (InputObjectTypeDefinitionNode, InputObjectTypeExtensionNode)
_SCALAR_NODES = (ScalarTypeDefinitionNode, ScalarTypeExtensionNode)
_KIND_OF = (
    (_OBJECT_NODES, "object"),
    (_INTERFACE_NODES, "interface"),
    (_UNION_NODES, "union"),
    (_ENUM_NODES, "enum"),
    (_INPUT_NODES, "input"),
    (_SCALAR_NODES, "scalar"),
)
_FEATURE_URL = re.compile(r"^https://specs\.apollo\.dev/(?P<name>[A-Za-z_]+)/(?P<version>v\d+\.\d+)$")


def _line(node: Node | None) -> int | None:
    if node is None or node.loc is None:
        return None
    return node.loc.start_token.line


def _args(directive: DirectiveNode) -> dict[str, ValueNode]:
    return {a.name.value: a.value for a in directive.arguments or ()}


def _string(value: ValueNode | None) -> str | None:
    if isinstance(value, StringValueNode):
        return value.value
    return None


def _bool(value: ValueNode | None, default: bool = False) -> bool:
    if isinstance(value, BooleanValueNode):
        return value.value
    return default


def _enum(value: ValueNode | None) -> str | None:
    if isinstance(value, EnumValueNode):
        return value.value
    return None


def _named_type(type_node: object) -> str:
    while not isinstance(type_node, NamedTypeNode):
        type_node = type_node.type  # type: ignore[attr-defined]
    return type_node.name.value


def _string_matrix(value: ValueNode | None) -> tuple[frozenset[str], ...] | None:
    if not isinstance(value, ListValueNode):
        return None
    result = []
    for row in value.values:
        if not isinstance(row, ListValueNode):
            return None
        result.append(frozenset(v.value for v in row.values if isinstance(v, StringValueNode)))
    return tuple(result)


def _list_depth(type_node: object) -> int:
    depth = 0
    while not isinstance(type_node, NamedTypeNode):
        if isinstance(type_node, ListTypeNode):
            depth += 1
        type_node = type_node.type  # type: ignore[attr-defined]
    return depth


def parse_field_set(text: str, line: int | None = None) -> SelectionSetNode:
    try:
        doc = parse("{" + text + "}", no_location=True)
    except GraphQLError as e:
        raise SupergraphError(f"invalid field set {text!r}: {e.message}", line) from e
    return doc.definitions[0].selection_set  # type: ignore[attr-defined, no-any-return]


def _context_arguments(value: ValueNode | None, line: int | None) -> tuple[ContextArgument, ...]:
    if not isinstance(value, ListValueNode):
        return ()
    result = []
    for item in value.values:
        if not isinstance(item, ObjectValueNode):
            raise SupergraphError("contextArguments: each item is an object {name, type, context, selection}", line)
        fields = {f.name.value: _string(f.value) for f in item.fields}
        name, type_, context, selection = (fields.get(k) for k in ("name", "type", "context", "selection"))
        if not (name and type_ and context and selection):
            raise SupergraphError("contextArguments: each item needs name, type, context and selection", line)
        text = selection.strip()
        # Composition writes the selection after `$context`: ` { field }` or `... on T { field }`.
        if text.startswith("{") and text.endswith("}"):
            text = text[1:-1]
        result.append(ContextArgument(name, type_, context, parse_field_set(text, line)))
    return tuple(result)


class _Reader:
    def __init__(self, sdl: str) -> None:
        self.sdl = sdl
        self.links = _Links()

    def read(self) -> Supergraph:
        try:
            document = parse(self.sdl)
        except GraphQLError as e:
            line = e.locations[0].line if e.locations else None
            raise SupergraphError(f"not valid GraphQL SDL: {e.message}", line) from e
        self._read_links(document)
        subgraphs = self._read_graphs(document)
        types = self._read_types(document, subgraphs)
        api_schema = self._build_api_schema(document)
        query = api_schema.query_type
        if query is None:
            raise SupergraphError("the supergraph has no query type")
        labels = frozenset(
            jf.override_label
            for t in types.values()
            for f in t.fields.values()
            for jf in f.joins.values()
            if jf.override_label
        )
        return Supergraph(
            sdl=self.sdl,
            subgraphs=subgraphs,
            types=types,
            api_schema=api_schema,
            query_type=query.name,
            mutation_type=api_schema.mutation_type.name if api_schema.mutation_type else None,
            subscription_type=api_schema.subscription_type.name if api_schema.subscription_type else None,
            override_labels=labels,
            access=AccessRules(self._read_access(document)),
        )

    # -- @link / @core ------------------------------------------------------------------

    def _read_links(self, document: DocumentNode) -> None:
        schema_nodes = [d for d in document.definitions if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode)]
        if not schema_nodes:
            raise SupergraphError("no schema definition: a supergraph declares its features with @link on `schema`")
        for node in schema_nodes:
            for directive in node.directives or ():
                if directive.name.value not in ("link", "core"):
                    continue
                args = _args(directive)
                url = _string(args.get("url")) or _string(args.get("feature"))
                if url is None:
                    raise SupergraphError(f"@{directive.name.value} without a url", _line(directive))
                self._register_feature(url, args, directive)
        if not self.links.has_join:
            raise SupergraphError(
                "the schema does not link the join spec (https://specs.apollo.dev/join): "
                "this is not a supergraph composed by Federation"
            )

    def _register_feature(self, url: str, args: dict[str, ValueNode], directive: DirectiveNode) -> None:
        match = _FEATURE_URL.match(url)
        purpose = _enum(args.get("for"))
        if match is None:
            if purpose in ("EXECUTION", "SECURITY"):
                raise SupergraphError(f"unsupported {purpose} feature {url}", _line(directive))
            return  # a custom feature that only annotates the schema
        name, version = match["name"], match["version"]
        supported = SUPPORTED_FEATURES.get(name)
        if (supported is None or version not in supported) and (
            purpose in ("EXECUTION", "SECURITY") or name in ("join", "context")
        ):
            raise SupergraphError(
                f"unsupported feature {name} {version} ({url}); SPLP supports "
                + ", ".join(f"{n} {'/'.join(v)}" for n, v in SUPPORTED_FEATURES.items()),
                _line(directive),
            )
        alias = _string(args.get("as")) or name
        self.links.machinery_prefixes.add(alias + "__")
        self.links.machinery_names.add(alias)
        if name in ACCESS_FEATURES:
            self.links.access[alias] = name
        imports = args.get("import")
        if isinstance(imports, ListValueNode):
            for item in imports.values:
                imported, local = _string(item), None
                if isinstance(item, ObjectValueNode):  # {name: "@x", as: "@y"}
                    fields = {f.name.value: _string(f.value) for f in item.fields}
                    imported, local = fields.get("name"), fields.get("as")
                if imported:
                    local_name = (local or imported).lstrip("@")
                    self.links.machinery_names.add(local_name)
                    if name in ACCESS_FEATURES and imported.lstrip("@") == name:
                        self.links.access[local_name] = name
        if name == "join":
            self.links.join_prefix = alias + "__"
            self.links.has_join = True
        elif name == "inaccessible":
            self.links.inaccessible.add(alias)
        elif name == "context":
            self.links.context = alias
        if name in ("link", "core"):
            self.links.machinery_names.update({"link", "core"})
            self.links.machinery_prefixes.update({"link__", "core__"})

    # -- @authenticated, @requiresScopes, @policy --------------------------------------------

    def _read_access(self, document: DocumentNode) -> dict[str, Requirement]:
        if not self.links.access:
            return {}
        found: dict[str, Requirement] = {}

        def read(coordinate: str, directives: tuple[DirectiveNode, ...] | None) -> None:
            for directive in directives or ():
                kind = self.links.access.get(directive.name.value)
                if kind is None:
                    continue
                if kind == "authenticated":
                    requirement = Requirement(authenticated=True)
                else:
                    argument = "scopes" if kind == "requiresScopes" else "policies"
                    alternatives = _string_matrix(_args(directive).get(argument))
                    if alternatives is None:
                        raise SupergraphError(
                            f"@{directive.name.value} needs `{argument}: [[String!]!]!`", _line(directive)
                        )
                    requirement = (
                        Requirement(authenticated=True, scopes=alternatives)
                        if kind == "requiresScopes"
                        else Requirement(policies=alternatives)
                    )
                previous = found.get(coordinate)
                found[coordinate] = requirement if previous is None else previous.and_(requirement)

        for d in document.definitions:
            name = getattr(getattr(d, "name", None), "value", None)
            if name is None or self._is_machinery(name):
                continue
            read(name, getattr(d, "directives", None))
            for f in getattr(d, "fields", None) or ():
                if isinstance(f, FieldDefinitionNode):
                    read(f"{name}.{f.name.value}", f.directives)
        return found

    # -- join__Graph ----------------------------------------------------------------------

    def _read_graphs(self, document: DocumentNode) -> dict[str, SubgraphInfo]:
        enum_name = self.links.join_prefix + "Graph"
        graph_directive = self.links.join_prefix + "graph"
        for d in document.definitions:
            if isinstance(d, EnumTypeDefinitionNode) and d.name.value == enum_name:
                result: dict[str, SubgraphInfo] = {}
                for value in d.values or ():
                    directive = next((x for x in value.directives or () if x.name.value == graph_directive), None)
                    if directive is None:
                        raise SupergraphError(f"{enum_name}.{value.name.value} has no @{graph_directive}", _line(value))
                    args = _args(directive)
                    name = _string(args.get("name"))
                    url = _string(args.get("url"))
                    if name is None or url is None:
                        raise SupergraphError(f"@{graph_directive} needs a name and a url", _line(directive))
                    result[value.name.value] = SubgraphInfo(name=name, url=url, enum_value=value.name.value)
                return result
        raise SupergraphError(f"no {enum_name} enum: the supergraph names no subgraphs")

    # -- types ----------------------------------------------------------------------------

    def _is_machinery(self, name: str) -> bool:
        return name in self.links.machinery_names or any(name.startswith(p) for p in self.links.machinery_prefixes)

    def _read_types(self, document: DocumentNode, by_enum: dict[str, SubgraphInfo]) -> dict[str, SupergraphType]:
        jp = self.links.join_prefix
        types: dict[str, SupergraphType] = {}

        def graph_of(directive: DirectiveNode) -> str:
            value = _enum(_args(directive).get("graph"))
            if value is None or value not in by_enum:
                raise SupergraphError(f"@{directive.name.value} names an unknown graph {value!r}", _line(directive))
            return by_enum[value].name

        for d in document.definitions:
            if not isinstance(d, TypeDefinitionNode) and not hasattr(d, "name"):
                continue
            kind = next((k for nodes, k in _KIND_OF if isinstance(d, nodes)), None)
            if kind is None:
                continue
            name = d.name.value  # type: ignore[attr-defined]
            if self._is_machinery(name):
                continue
            t = types.setdefault(name, SupergraphType(name=name, kind=kind))
            for directive in d.directives or ():  # type: ignore[attr-defined]
                dname = directive.name.value
                if dname == jp + "type":
                    args = _args(directive)
                    g = graph_of(directive)
                    jt = t.graphs.setdefault(g, JoinType(graph=g))
                    jt.extension = jt.extension or _bool(args.get("extension"))
                    jt.is_interface_object = jt.is_interface_object or _bool(args.get("isInterfaceObject"))
                    key = _string(args.get("key"))
                    if key is not None:
                        jt.keys.append(
                            Key(key, parse_field_set(key, _line(directive)), _bool(args.get("resolvable"), True))
                        )
                elif dname == jp + "implements":
                    args = _args(directive)
                    t.implements.setdefault(graph_of(directive), set()).add(_string(args.get("interface")) or "")
                elif dname == jp + "unionMember":
                    args = _args(directive)
                    t.union_members.setdefault(graph_of(directive), set()).add(_string(args.get("member")) or "")
                elif dname == self.links.context:
                    t.contexts.add(_string(_args(directive).get("name")) or "")
                elif dname == jp + "owner":
                    raise SupergraphError(
                        "join v0.1 (@join__owner) supergraphs are Federation 1; compose with Federation 2",
                        _line(directive),
                    )
            if isinstance(d, _OBJECT_NODES + _INTERFACE_NODES):
                for fdef in d.fields or ():
                    t.fields[fdef.name.value] = self._read_field(fdef, graph_of)
            if isinstance(d, _ENUM_NODES):
                for value in d.values or ():
                    for directive in value.directives or ():
                        if directive.name.value == jp + "enumValue":
                            t.enum_values.setdefault(graph_of(directive), set()).add(value.name.value)
            if isinstance(d, _INPUT_NODES):
                for ifield in d.fields or ():
                    t.fields[ifield.name.value] = SupergraphField(ifield.name.value, _named_type(ifield.type))

        # Without @join__type a type belongs to every graph (join v0.1 habits, scalars).
        all_graphs = [info.name for info in by_enum.values()]
        for t in types.values():
            if not t.graphs:
                t.graphs = {g: JoinType(graph=g) for g in all_graphs}
        self._default_implements(document, types)
        return types

    def _default_implements(self, document: DocumentNode, types: dict[str, SupergraphType]) -> None:
        """join v0.2 had no @join__implements / @join__unionMember: without them, a type is an
        implementation (a member) in every graph that knows both it and the interface (the union)."""
        jp = self.links.join_prefix
        for d in document.definitions:
            if isinstance(d, _OBJECT_NODES + _INTERFACE_NODES):
                memberships = [(d.name.value, i.name.value) for i in d.interfaces or ()]
                directive, owner_of = jp + "implements", "implements"
            elif isinstance(d, _UNION_NODES):
                memberships = [(d.name.value, m.name.value) for m in d.types or ()]
                directive, owner_of = jp + "unionMember", "union_members"
            else:
                continue
            t = types.get(d.name.value)
            if t is None or not memberships or any(x.name.value == directive for x in d.directives or ()):
                continue
            target: dict[str, set[str]] = getattr(t, owner_of)
            for graph in t.graphs:
                for _, other in memberships:
                    if other in types and graph in types[other].graphs:
                        target.setdefault(graph, set()).add(other)

    def _read_field(self, fdef: FieldDefinitionNode, graph_of: object) -> SupergraphField:
        jp = self.links.join_prefix
        f = SupergraphField(name=fdef.name.value, type_name=_named_type(fdef.type), list_depth=_list_depth(fdef.type))
        for directive in fdef.directives or ():
            if directive.name.value != jp + "field":
                continue
            args = _args(directive)
            if "graph" not in args:
                f.from_interface_object = True
                continue
            g: str = graph_of(directive)  # type: ignore[operator]
            requires = _string(args.get("requires"))
            provides = _string(args.get("provides"))
            f.joins[g] = JoinField(
                graph=g,
                requires=parse_field_set(requires, _line(directive)) if requires else None,
                provides=parse_field_set(provides, _line(directive)) if provides else None,
                external=_bool(args.get("external")),
                override=_string(args.get("override")),
                override_label=_string(args.get("overrideLabel")),
                used_overridden=_bool(args.get("usedOverridden")),
                type=_string(args.get("type")),
                context_arguments=_context_arguments(args.get("contextArguments"), _line(directive)),
            )
        return f

    # -- API schema -----------------------------------------------------------------------

    def _is_inaccessible(self, node: Node) -> bool:
        directives = getattr(node, "directives", None) or ()
        return any(d.name.value in self.links.inaccessible for d in directives)

    def _strip_directives(self, directives: tuple[DirectiveNode, ...] | None) -> tuple[DirectiveNode, ...]:
        return tuple(d for d in directives or () if not self._is_machinery(d.name.value))

    def _build_api_schema(self, document: DocumentNode) -> GraphQLSchema:
        hidden_types = {
            d.name.value  # type: ignore[attr-defined]
            for d in document.definitions
            if hasattr(d, "name") and d.name is not None and self._is_inaccessible(d)  # type: ignore[attr-defined]
        }
        definitions: list[Any] = []
        for d in document.definitions:
            if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode):
                definitions.append(
                    type(d)(
                        operation_types=d.operation_types, directives=(), description=getattr(d, "description", None)
                    )
                )
                continue
            name = getattr(getattr(d, "name", None), "value", None)
            if name is None or self._is_machinery(name) or name in hidden_types:
                continue
            if isinstance(d, DirectiveDefinitionNode):
                definitions.append(d)
                continue
            definitions.append(self._clean_type(d, hidden_types))
        try:
            schema = build_ast_schema(DocumentNode(definitions=tuple(definitions)), assume_valid_sdl=False)
        except (GraphQLError, TypeError) as e:
            raise SupergraphError(f"the public API schema is not valid: {e}") from e
        errors = validate_schema(schema)
        if errors:
            raise SupergraphError(
                f"the public API schema is not valid: {errors[0].message}",
                _line(errors[0].nodes[0]) if errors[0].nodes else None,
            )
        return schema

    def _clean_type(self, d: Node, hidden: set[str]) -> Node:
        kwargs = {k: getattr(d, k) for k in d.keys if k != "loc"}
        kwargs["directives"] = self._strip_directives(getattr(d, "directives", None))
        if isinstance(d, _OBJECT_NODES + _INTERFACE_NODES):
            kwargs["fields"] = tuple(
                self._clean_field(f, hidden)
                for f in d.fields or ()
                if not self._is_inaccessible(f) and _named_type(f.type) not in hidden
            )
            kwargs["interfaces"] = tuple(i for i in d.interfaces or () if i.name.value not in hidden)
        elif isinstance(d, _UNION_NODES):
            kwargs["types"] = tuple(t for t in d.types or () if t.name.value not in hidden)
        elif isinstance(d, _ENUM_NODES):
            kwargs["values"] = tuple(
                type(v)(
                    **{
                        **{k: getattr(v, k) for k in v.keys if k != "loc"},
                        "directives": self._strip_directives(v.directives),
                    }
                )
                for v in d.values or ()
                if not self._is_inaccessible(v)
            )
        elif isinstance(d, _INPUT_NODES):
            kwargs["fields"] = tuple(
                type(f)(
                    **{
                        **{k: getattr(f, k) for k in f.keys if k != "loc"},
                        "directives": self._strip_directives(f.directives),
                    }
                )
                for f in d.fields or ()
                if not self._is_inaccessible(f) and _named_type(f.type) not in hidden
            )
        return type(d)(**kwargs)

    def _clean_field(self, f: FieldDefinitionNode, hidden: set[str]) -> FieldDefinitionNode:
        arguments = tuple(
            type(a)(
                **{
                    **{k: getattr(a, k) for k in a.keys if k != "loc"},
                    "directives": self._strip_directives(a.directives),
                }
            )
            for a in f.arguments or ()
            if not self._is_inaccessible(a) and _named_type(a.type) not in hidden
        )
        return FieldDefinitionNode(
            name=f.name,
            description=f.description,
            arguments=arguments,
            type=f.type,
            directives=self._strip_directives(f.directives),  # type: ignore[arg-type]
        )


__all__ = [
    "JoinField",
    "JoinType",
    "Key",
    "SubgraphInfo",
    "Supergraph",
    "SupergraphError",
    "SupergraphField",
    "SupergraphType",
    "parse_field_set",
]
