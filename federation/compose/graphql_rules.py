"""GraphQL's own validation of a subgraph schema, with the federation definitions in scope.

Apollo builds each subgraph as a GraphQL schema first, so plain GraphQL mistakes (a duplicate
field, an unknown directive, an argument value of the wrong type, an object missing an interface
field, a bad default value) are reported as `INVALID_GRAPHQL` before any federation rule. We do
the same with graphql-core: the subgraph's SDL plus the definitions of the federation directives
it links (under the names it links them as) is validated as SDL, built and validated as a schema.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    ConstDirectiveNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    ObjectTypeDefinitionNode,
    OperationTypeDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    Undefined,
    Visitor,
    build_ast_schema,
    parse,
    validate_schema,
    value_from_ast,
    visit,
)
from graphql.validation.rules.known_type_names import KnownTypeNamesRule
from graphql.validation.rules.possible_type_extensions import PossibleTypeExtensionsRule
from graphql.validation.specified_rules import specified_sdl_rules
from graphql.validation.validate import validate_sdl

from federation.compose.subgraph import SubgraphSchema

_ALL = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE "
    "| INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)
_ACCESS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"

# Federation directive -> its definition, with {name} for the name it has in the subgraph.
_DEFINITIONS = {
    "key": "directive @{name}(fields: federation__FieldSet!, resolvable: Boolean = true) repeatable on OBJECT "
    "| INTERFACE",
    "requires": "directive @{name}(fields: federation__FieldSet!) on FIELD_DEFINITION",
    "provides": "directive @{name}(fields: federation__FieldSet!) on FIELD_DEFINITION",
    "external": "directive @{name}(reason: String) on OBJECT | FIELD_DEFINITION",
    "extends": "directive @{name} on OBJECT | INTERFACE",
    "shareable": "directive @{name} repeatable on OBJECT | FIELD_DEFINITION",
    "tag": "directive @{name}(name: String!) repeatable on " + _ALL + " | SCHEMA",
    "inaccessible": "directive @{name} on " + _ALL,
    "override": "directive @{name}(from: String!, label: String) on FIELD_DEFINITION",
    "composeDirective": "directive @{name}(name: String!) repeatable on SCHEMA",
    "interfaceObject": "directive @{name} on OBJECT",
    "authenticated": "directive @{name} on " + _ACCESS,
    "requiresScopes": "directive @{name}(scopes: [[federation__Scope!]!]!) on " + _ACCESS,
    "policy": "directive @{name}(policies: [[federation__Policy!]!]!) on " + _ACCESS,
    "cost": "directive @{name}(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION "
    "| INPUT_FIELD_DEFINITION | OBJECT | SCALAR",
    "listSize": "directive @{name}(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], "
    "requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION",
    "context": "directive @{name}(name: String!) repeatable on INTERFACE | OBJECT | UNION",
    "fromContext": "directive @{name}(field: federation__ContextFieldValue) on ARGUMENT_DEFINITION",
}
_SUPPORT = """
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
scalar federation__FieldSet
scalar federation__Scope
scalar federation__Policy
scalar federation__ContextFieldValue
"""
_SUPPORT_DEFINITIONS = parse(_SUPPORT, no_location=True).definitions
_RULES = [r for r in specified_sdl_rules if r not in (KnownTypeNamesRule, PossibleTypeExtensionsRule)]


def graphql_errors(schema: SubgraphSchema, document: DocumentNode) -> list[str]:
    """Messages of the GraphQL errors of the subgraph's SDL (empty when it is a valid schema)."""
    augmented = _augmented(schema, document)
    errors = [e.message for e in validate_sdl(augmented, rules=_RULES)]
    if errors:
        return errors
    try:
        built = build_ast_schema(augmented, assume_valid_sdl=True)
    except (TypeError, GraphQLError) as error:
        return [str(error)]
    try:
        schema_errors = validate_schema(built)
    except (TypeError, GraphQLError) as error:  # graphql-core trips on some invalid schemas instead of reporting
        return [str(error)]
    errors = [e.message for e in schema_errors if "root type" not in e.message]
    return errors or _directive_argument_errors(built, augmented)


def _augmented(schema: SubgraphSchema, document: DocumentNode) -> DocumentNode:
    user_defined = {d.name.value for d in document.definitions if isinstance(d, DirectiveDefinitionNode)}
    user_types = {d.name.value for d in document.definitions if isinstance(d, TypeDefinitionNode)}
    extra: list[str] = []
    for local, federation_name in schema.federation_names.items():
        if local not in user_defined and federation_name in _DEFINITIONS:
            text = _DEFINITIONS[federation_name]
            if federation_name == "override" and schema.version < (2, 7):
                text = "directive @{name}(from: String!) on FIELD_DEFINITION"
            elif federation_name == "shareable" and schema.version < (2, 2):
                text = "directive @{name} on OBJECT | FIELD_DEFINITION"
            extra.append(text.format(name=local))
    support = _SUPPORT_DEFINITIONS
    definitions: list[Any] = [
        d
        for d in support
        if d.name.value not in user_types and d.name.value not in user_defined  # type: ignore[attr-defined]
    ]
    if extra:
        definitions += parse("\n".join(extra), no_location=True).definitions
    defined = {d.name.value for d in document.definitions if isinstance(d, TypeDefinitionNode)}
    schema_directives: list[ConstDirectiveNode] = []
    operation_types: list[OperationTypeDefinitionNode] = []
    for definition in document.definitions:
        if isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
            schema_directives += definition.directives or ()
            operation_types += definition.operation_types or ()
        elif isinstance(definition, TypeExtensionNode) and definition.name.value not in defined:
            # Federation allows extending a type defined in another subgraph: build it as a definition.
            defined.add(definition.name.value)
            definitions.append(_as_definition(definition))
        else:
            definitions.append(definition)
    if schema_directives or operation_types:
        if not operation_types and "Query" in defined:
            root = parse("schema { query: Query }").definitions[0]
            operation_types = list(root.operation_types)  # type: ignore[attr-defined]
        definitions.append(
            SchemaDefinitionNode(directives=tuple(schema_directives), operation_types=tuple(operation_types))
        )
    return DocumentNode(definitions=tuple(definitions))


def _as_definition(extension: TypeExtensionNode) -> Any:
    kind = type(extension).__name__.replace("Extension", "Definition")
    import graphql.language.ast as ast

    definition_class = getattr(ast, kind)
    values = {key: getattr(extension, key, None) for key in extension.keys if key != "loc"}
    if definition_class is ObjectTypeDefinitionNode or "description" in definition_class.keys:
        values.setdefault("description", None)
    return definition_class(**values)


class _DirectiveCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[DirectiveNode, str]] = []
        self.where: list[str] = []

    def enter(self, node: Any, *_args: Any) -> None:
        name = getattr(node, "name", None)
        if isinstance(node, DirectiveNode):
            self.found.append((node, ".".join(self.where)))
        elif name is not None and not isinstance(node, DirectiveDefinitionNode):
            self.where.append(name.value)

    def leave(self, node: Any, *_args: Any) -> None:
        if getattr(node, "name", None) is not None and not isinstance(node, (DirectiveNode, DirectiveDefinitionNode)):
            self.where.pop()


def _directive_argument_errors(built: GraphQLSchema, document: DocumentNode) -> list[str]:
    collector = _DirectiveCollector()
    visit(document, collector)
    errors = []
    for node, where in collector.found:
        directive = built.get_directive(node.name.value)
        if directive is None:
            continue
        for argument in node.arguments or ():
            definition = directive.args.get(argument.name.value)
            if definition is None:
                continue
            if value_from_ast(argument.value, definition.type) is Undefined:
                errors.append(
                    f'Invalid value for "@{node.name.value}({argument.name.value}:)" of type '
                    f'"{definition.type}" in application of "@{node.name.value}" to "{where}".'
                )
    return errors


def supergraph_graphql_errors(supergraph_sdl: str) -> list[str]:
    """GraphQL errors of the merged schema (an object whose field type no longer fits the
    interface it implements once merged, for example)."""
    try:
        built = build_ast_schema(parse(supergraph_sdl), assume_valid_sdl=True)
        return [e.message for e in validate_schema(built)]
    except (TypeError, GraphQLError) as error:
        return [str(error)]
