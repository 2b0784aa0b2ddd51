"""Apollo's MISSING_TRANSITIVE_AUTH_REQUIREMENTS: a field whose resolver receives data through
`@requires` or `@fromContext` must carry at least the `@authenticated`, `@requiresScopes` and `@policy` of every
field (and type) that selection reads, or a caller who may not read the protected field would
get data derived from it.

Checked on the composed supergraph, where each element's requirements are already merged across
subgraphs. A field's requirements are those on it and on its parent type; they cover the
selection's when every alternative the field accepts implies one alternative the selection needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DirectiveNode,
    EnumTypeDefinitionNode,
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    ObjectValueNode,
    SelectionSetNode,
    StringValueNode,
    TypeDefinitionNode,
    ValueNode,
    parse,
)
from graphql.language import InterfaceTypeDefinitionNode, ListTypeNode, NonNullTypeNode, TypeNode

CODE = "MISSING_TRANSITIVE_AUTH_REQUIREMENTS"
Alternatives = tuple[frozenset[str], ...]


@dataclass(frozen=True)
class Access:
    authenticated: bool = False
    scopes: Alternatives = ()
    policies: Alternatives = ()

    def and_(self, other: Access) -> Access:
        return Access(self.authenticated or other.authenticated, _and(self.scopes, other.scopes),
                      _and(self.policies, other.policies))

    def covers(self, needed: Access) -> bool:
        """Whoever meets `self` meets `needed`."""
        if needed.authenticated and not (self.authenticated or self.scopes):
            return False
        return _implies(self.scopes, needed.scopes) and _implies(self.policies, needed.policies)


def _and(a: Alternatives, b: Alternatives) -> Alternatives:
    if not a or not b:
        return a or b
    return tuple(x | y for x in a for y in b)


def _implies(given: Alternatives, needed: Alternatives) -> bool:
    if not needed:
        return True
    return bool(given) and all(any(n <= g for n in needed) for g in given)


def _strings(value: ValueNode) -> Alternatives:
    if not isinstance(value, ListValueNode):
        return ()
    found = []
    for inner in value.values:
        if isinstance(inner, ListValueNode):
            found.append(frozenset(v.value for v in inner.values if isinstance(v, StringValueNode)))
    return tuple(found)


def _access(directives: tuple[DirectiveNode, ...] | None) -> Access:
    access = Access()
    for directive in directives or ():
        name = directive.name.value
        if name == "authenticated":
            access = access.and_(Access(authenticated=True))
        elif name in ("requiresScopes", "policy"):
            argument = next((a.value for a in directive.arguments or () if a.name.value in ("scopes", "policies")),
                            None)
            alternatives = _strings(argument) if argument is not None else ()
            access = access.and_(Access(scopes=alternatives) if name == "requiresScopes"
                                 else Access(policies=alternatives))
    return access


def _named(type_node: TypeNode) -> str:
    while isinstance(type_node, ListTypeNode | NonNullTypeNode):
        type_node = type_node.type
    return type_node.name.value  # type: ignore[attr-defined, no-any-return]


def missing_transitive_auth(supergraph_sdl: str) -> list[tuple[str, str]]:
    """(code, message) for each field whose @requires reads data it is less protected than."""
    document = parse(supergraph_sdl)
    types = {d.name.value: d for d in document.definitions if isinstance(d, TypeDefinitionNode)}
    graphs: dict[str, str] = {}
    graph_enum = types.get("join__Graph")
    if isinstance(graph_enum, EnumTypeDefinitionNode):
        for value in graph_enum.values or ():
            for directive in value.directives or ():
                if directive.name.value == "join__graph":
                    name = next((a.value for a in directive.arguments or () if a.name.value == "name"), None)
                    if isinstance(name, StringValueNode):
                        graphs[value.name.value] = name.value

    def lacking(type_name: str, selection_set: SelectionSetNode, given: Access) -> str | None:
        definition = types.get(type_name)
        if not isinstance(definition, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            return None
        fields = {f.name.value: f for f in definition.fields or ()}
        for selection in selection_set.selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else type_name
                target = types.get(condition)
                if target is not None and not given.covers(_access(target.directives)):
                    return condition
                found = lacking(condition, selection.selection_set, given)
            elif isinstance(selection, FieldNode):
                if selection.name.value == "__typename":
                    continue
                field = fields.get(selection.name.value)
                if field is None:
                    continue
                coordinate = f"{type_name}.{field.name.value}"
                output = types.get(_named(field.type))
                if not given.covers(_access(field.directives)):
                    return coordinate
                if output is not None and not given.covers(_access(output.directives)):
                    return coordinate
                found = lacking(_named(field.type), selection.selection_set, given) if selection.selection_set else None
            else:
                found = None
            if found:
                return found
        return None

    # context name → the types providing it (`@context(name:)` in the supergraph)
    providers: dict[str, list[str]] = {}
    for provider_type in types.values():
        for directive in provider_type.directives or ():
            if directive.name.value == "context":
                name = next((a.value for a in directive.arguments or () if a.name.value == "name"), None)
                if isinstance(name, StringValueNode):
                    providers.setdefault(name.value, []).append(provider_type.name.value)

    def from_context(argument: ValueNode, given: Access) -> str | None:
        """What one `contextArguments` entry reads that `given` does not cover: the message's tail."""
        if not isinstance(argument, ObjectValueNode):
            return None
        entry = {f.name.value: f.value for f in argument.fields}
        context, selection = entry.get("context"), entry.get("selection")
        if not isinstance(context, StringValueNode) or not isinstance(selection, StringValueNode):
            return None
        text = selection.value.strip()
        try:
            selection_set = parse(text if text.startswith("{") else "{" + text + "}").definitions[0].selection_set  # type: ignore[attr-defined]
        except GraphQLError:
            return None  # composition reported it
        for provider in providers.get(context.value, ()):
            if not given.covers(_access(types[provider].directives)):
                return f"data in context {context.value}"
            found = lacking(provider, selection_set, given)
            if found:
                return f'field "{found}" data' if "." in found else f'type "{found}" data'
        return None

    problems = []
    for definition in document.definitions:
        if not isinstance(definition, ObjectTypeDefinitionNode):
            continue
        type_access = _access(definition.directives)
        for field in definition.fields or ():
            for directive in field.directives or ():
                if directive.name.value != "join__field":
                    continue
                arguments = {a.name.value: a.value for a in directive.arguments or ()}
                contexts, graph = arguments.get("contextArguments"), arguments.get("graph")
                graph_name = graphs.get(getattr(graph, "value", ""), getattr(graph, "value", "?"))
                given = type_access.and_(_access(field.directives))
                for argument in contexts.values if isinstance(contexts, ListValueNode) else ():
                    missing = from_context(argument, given)
                    if missing:
                        problems.append((CODE, (
                            f'[{graph_name}] Field "{definition.name.value}.{field.name.value}" does not specify '
                            "necessary @authenticated, @requiresScopes and/or @policy auth requirements to access "
                            f"the transitive {missing} from @fromContext selection set."
                        )))
                        break
                requires = arguments.get("requires")
                if not isinstance(requires, StringValueNode):
                    continue
                try:
                    selection = parse("{" + requires.value + "}").definitions[0].selection_set  # type: ignore[attr-defined]
                except GraphQLError:
                    continue  # composition reported it
                given = type_access.and_(_access(field.directives))
                found = lacking(definition.name.value, selection, given)
                if found:
                    graph_name = graphs.get(getattr(graph, "value", ""), getattr(graph, "value", "?"))
                    what = f'field "{found}"' if "." in found else f'type "{found}"'
                    problems.append((CODE, (
                        f'[{graph_name}] Field "{definition.name.value}.{field.name.value}" does not specify necessary '
                        "@authenticated, @requiresScopes and/or @policy auth requirements to access the transitive "
                        f"{what} data from @requires selection set."
                    )))
    return problems
