"""One subgraph's schema, read the way composition needs it.

A subgraph's SDL is parsed and folded into `SubgraphSchema`: its types (definitions and
extensions merged, each element remembering whether it came from an extension), which of its
directive names are federation directives (from `@link` imports and renames, or implicitly for
Federation 1 subgraphs), and the federation facts composition asks about: keys, externals,
shareable fields, requires/provides/override. Federation 1 subgraphs are upgraded to Federation 2
semantics on the way, as Apollo's schema upgrader does (implicit `@shareable`, fake externals on
key fields of extensions, unused externals dropped, type extensions turned into definitions).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    BooleanValueNode,
    ConstValueNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ObjectValueNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    SelectionSetNode,
    StringValueNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from graphql.language.print_string import print_string

FEDERATION_SPEC = "https://specs.apollo.dev/federation"

# Directive names a Federation 2 subgraph may import from the federation spec.
FEDERATION_DIRECTIVES = (
    # In the federation spec's order, which is the order Apollo composes their specs in.
    "key", "requires", "provides", "external", "tag", "extends", "shareable", "inaccessible", "override",
    "composeDirective", "interfaceObject", "authenticated", "requiresScopes", "policy", "context",
    "fromContext", "cost", "listSize",
)  # fmt: skip
# Federation 1 knew these by their plain names, without any @link.
FEDERATION1_DIRECTIVES = ("key", "external", "requires", "provides", "extends", "tag")
# Types and fields every subgraph exposes for the gateway only; they never reach the supergraph.
FEDERATION_TYPES = {
    "_Any",
    "_Entity",
    "_Service",
    "FieldSet",
    "_FieldSet",
    "link__Import",
    "link__Purpose",
    "federation__FieldSet",
    "federation__Scope",
    "federation__Policy",
    "federation__ContextFieldValue",
}
FEDERATION_QUERY_FIELDS = {"_service", "_entities"}
ROOT_KINDS = ("query", "mutation", "subscription")
DEFAULT_ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
# A Federation 1 subgraph composes as if it linked this version.
FEDERATION1_AS_VERSION = (2, 4)


class SubgraphReadError(Exception):
    """The SDL cannot be read as a subgraph (syntax error, bad @link, unknown version)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Applied:
    """A directive application, with its name as written in the subgraph."""

    node: DirectiveNode
    from_extension: bool = False

    @property
    def name(self) -> str:
        return self.node.name.value

    def arg(self, name: str) -> ConstValueNode | None:
        for argument in self.node.arguments or ():
            if argument.name.value == name:
                return argument.value  # type: ignore[return-value]
        return None

    def string_arg(self, name: str) -> str | None:
        value = self.arg(name)
        return value.value if isinstance(value, StringValueNode) else None


@dataclass
class InputValue:
    """An argument or an input field."""

    name: str
    type: TypeNode
    default: ConstValueNode | None
    directives: list[Applied]
    description: str | None


@dataclass
class Field:
    name: str
    type: TypeNode
    args: dict[str, InputValue]
    directives: list[Applied]
    description: str | None
    from_extension: bool


@dataclass
class EnumValue:
    name: str
    directives: list[Applied]
    description: str | None


@dataclass
class TypeDef:
    name: str
    kind: str  # object, interface, union, enum, input, scalar
    description: str | None = None
    directives: list[Applied] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)
    input_fields: dict[str, InputValue] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValue] = field(default_factory=dict)
    has_definition: bool = False
    has_extension: bool = False


@dataclass
class Link:
    url: str
    identity: str  # the url without its version
    name: str
    version: tuple[int, int]
    alias: str | None
    imports: dict[str, str]  # name in the feature (with @ for directives) -> name in the schema


@dataclass
class KeyInfo:
    fields: str
    resolvable: bool
    extension: bool


@dataclass
class SubgraphSchema:
    name: str
    url: str
    fed1: bool
    version: tuple[int, int]
    types: dict[str, TypeDef]
    roots: dict[str, str]
    schema_directives: list[Applied]
    directive_definitions: dict[str, DirectiveDefinitionNode]
    links: list[Link]
    # name as written in this subgraph -> federation directive name
    federation_names: dict[str, str]
    document: DocumentNode | None = None
    schema_description: str | None = None
    upgraded_shareable_types: set[str] = field(default_factory=set)
    upgraded_shareable_fields: set[tuple[str, str]] = field(default_factory=set)
    removed_externals: set[tuple[str, str]] = field(default_factory=set)

    # --- federation directives ------------------------------------------------------------
    def local_name(self, federation_name: str) -> str | None:
        for local, fed in self.federation_names.items():
            if fed == federation_name:
                return local
        return None

    def fed(self, applied: Applied) -> str | None:
        """The federation name of a directive application, None for other directives."""
        return self.federation_names.get(applied.name)

    def applications(self, directives: Iterable[Applied], federation_name: str) -> list[Applied]:
        return [d for d in directives if self.fed(d) == federation_name]

    def has(self, directives: Iterable[Applied], federation_name: str) -> bool:
        return bool(self.applications(directives, federation_name))

    # --- types ----------------------------------------------------------------------------
    def is_interface_object(self, type_def: TypeDef) -> bool:
        return type_def.kind == "object" and self.has(type_def.directives, "interfaceObject")

    def keys(self, type_def: TypeDef) -> list[KeyInfo]:
        result = []
        extends = self.has(type_def.directives, "extends")
        for applied in self.applications(type_def.directives, "key"):
            fields_arg = applied.string_arg("fields") or ""
            resolvable_arg = applied.arg("resolvable")
            resolvable = not (isinstance(resolvable_arg, BooleanValueNode) and not resolvable_arg.value)
            result.append(KeyInfo(fields_arg, resolvable, applied.from_extension or extends))
        return result

    def root_kind(self, type_name: str) -> str | None:
        for kind, name in self.roots.items():
            if name == type_name:
                return kind
        return None

    def object_like(self) -> Iterator[TypeDef]:
        for type_def in self.types.values():
            if type_def.kind in ("object", "interface"):
                yield type_def

    # --- fields ---------------------------------------------------------------------------
    def is_external(self, type_def: TypeDef, field_def: Field) -> bool:
        if (type_def.name, field_def.name) in self.fake_externals:
            return False
        if self.has(field_def.directives, "external"):
            return True
        # Federation 2 lets @external on a type mark all its fields.
        return not self.fed1 and self.has(type_def.directives, "external")

    def is_provided(self, type_name: str, field_name: str) -> bool:
        return (type_name, field_name) in self.provided_fields

    def is_fully_external(self, type_def: TypeDef, field_def: Field) -> bool:
        return self.is_external(type_def, field_def) and not self.is_provided(type_def.name, field_def.name)

    def is_shareable(self, type_def: TypeDef, field_def: Field) -> bool:
        key = (type_def.name, field_def.name)
        if key in self.shareable_fields or key in self.upgraded_shareable_fields:
            return True
        if type_def.name in self.upgraded_shareable_types:
            return True
        if self.has(field_def.directives, "shareable"):
            return True
        return any(
            d.from_extension == field_def.from_extension for d in self.applications(type_def.directives, "shareable")
        )

    def field_used(self, type_name: str, field_name: str) -> bool:
        return (type_name, field_name) in self.used_fields

    def override_from(self, field_def: Field) -> Applied | None:
        found = self.applications(field_def.directives, "override")
        return found[0] if found and not self.fed1 else None

    def field_set(self, field_def: Field, federation_name: str) -> str | None:
        found = self.applications(field_def.directives, federation_name)
        return found[0].string_arg("fields") if found else None

    # Computed once the types are final (see `_finish`).
    fake_externals: set[tuple[str, str]] = field(default_factory=set)
    provided_fields: set[tuple[str, str]] = field(default_factory=set)
    shareable_fields: set[tuple[str, str]] = field(default_factory=set)
    used_fields: set[tuple[str, str]] = field(default_factory=set)


# --- field sets -----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def parse_field_set(text: str) -> SelectionSetNode:
    """Parses a `FieldSet` string (`"id organization { id }"`) into a selection set."""
    document = parse("{" + text + "}", no_location=True)
    return document.definitions[0].selection_set  # type: ignore[attr-defined,no-any-return]


def field_set_targets(
    schema: SubgraphSchema, type_name: str, text: str, *, strict: bool = False
) -> list[tuple[str, str]]:
    """The (type, field) pairs a field set selects, nested ones included.

    With `strict`, raises `ValueError` naming the first selection that does not exist.
    """
    try:
        selection_set = parse_field_set(text)
    except GraphQLError as error:
        raise ValueError(f"invalid field set syntax: {error.message}") from None
    found: list[tuple[str, str]] = []

    def visit(parent: str, selections: SelectionSetNode) -> None:
        type_def = schema.types.get(parent)
        for selection in selections.selections:
            if isinstance(selection, InlineFragmentNode):
                target = selection.type_condition.name.value if selection.type_condition else parent
                visit(target, selection.selection_set)
                continue
            if not isinstance(selection, FieldNode):
                continue
            name = selection.name.value
            if name == "__typename":
                continue
            if type_def is None or name not in type_def.fields:
                if strict:
                    raise ValueError(f'Cannot query field "{name}" on type "{parent}"')
                continue
            found.append((parent, name))
            if selection.selection_set is not None:
                visit(named_type(type_def.fields[name].type), selection.selection_set)
            elif strict and schema.types.get(named_type(type_def.fields[name].type), TypeDef("", "scalar")).kind == (
                "object"
            ):
                raise ValueError(f'Field "{parent}.{name}" of composite type must have a selection of subfields')

    visit(type_name, selection_set)
    return found


def named_type(type_node: TypeNode) -> str:
    while isinstance(type_node, (ListTypeNode, NonNullTypeNode)):
        type_node = type_node.type
    assert isinstance(type_node, NamedTypeNode)
    return type_node.name.value


# --- reading --------------------------------------------------------------------------------

_VERSION = re.compile(r"^v(\d+)\.(\d+)$")


def _parse_link(applied: Applied) -> Link:
    url = applied.string_arg("url")
    if url is None:
        raise SubgraphReadError("INVALID_LINK_DIRECTIVE_USAGE", "@link is missing its url argument")
    base, _, last = url.rstrip("/").rpartition("/")
    match = _VERSION.match(last)
    if not match:
        raise SubgraphReadError("INVALID_LINK_IDENTIFIER", f'Invalid @link url "{url}": it has no version')
    version = (int(match.group(1)), int(match.group(2)))
    spec_name = base.rpartition("/")[2]
    alias = applied.string_arg("as")
    imports: dict[str, str] = {}
    import_arg = applied.arg("import")
    if isinstance(import_arg, ListValueNode):
        for item in import_arg.values:
            if isinstance(item, StringValueNode):
                imports[item.value] = item.value
            elif isinstance(item, ObjectValueNode):
                values = {f.name.value: f.value for f in item.fields}
                name_node, as_node = values.get("name"), values.get("as")
                if isinstance(name_node, StringValueNode):
                    imports[name_node.value] = (
                        as_node.value if isinstance(as_node, StringValueNode) else name_node.value
                    )
    return Link(url, base, spec_name, version, alias, imports)


def _description(node: object) -> str | None:
    description = getattr(node, "description", None)
    return description.value if description is not None else None


def _applied(nodes: Iterable[DirectiveNode], from_extension: bool) -> list[Applied]:
    return [Applied(node, from_extension) for node in nodes]


def _input_values(nodes: Iterable[Any], from_extension: bool) -> dict[str, InputValue]:
    result: dict[str, InputValue] = {}
    for node in nodes:
        name = node.name.value
        result[name] = InputValue(
            name, node.type, node.default_value, _applied(node.directives or (), from_extension), _description(node)
        )
    return result


_KINDS: dict[type, str] = {
    ObjectTypeDefinitionNode: "object",
    ObjectTypeExtensionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    InterfaceTypeExtensionNode: "interface",
    UnionTypeDefinitionNode: "union",
    UnionTypeExtensionNode: "union",
    EnumTypeDefinitionNode: "enum",
    EnumTypeExtensionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    InputObjectTypeExtensionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
    ScalarTypeExtensionNode: "scalar",
}
_EXTENSIONS = (
    ObjectTypeExtensionNode,
    InterfaceTypeExtensionNode,
    UnionTypeExtensionNode,
    EnumTypeExtensionNode,
    InputObjectTypeExtensionNode,
    ScalarTypeExtensionNode,
)


def read_subgraph(name: str, url: str, sdl: str) -> SubgraphSchema:
    """Reads one subgraph's SDL; raises `SubgraphReadError` when it cannot be read."""
    try:
        document = parse(sdl)
    except GraphQLError as error:
        where = f" (line {error.locations[0].line})" if error.locations else ""
        raise SubgraphReadError("INVALID_GRAPHQL", f"[{name}] {error.message}{where}") from None
    try:
        document = _with_default_root_names(document)
    except SubgraphReadError as error:
        raise SubgraphReadError(error.code, f"[{name}] {error.message}") from None
    return _build(name, url, document)


def _with_default_root_names(document: DocumentNode) -> DocumentNode:
    """Renames root types declared with other names (`schema { query: RootQuery }`) to Query,
    Mutation and Subscription, as federation does: the supergraph's root types have those names."""
    renames: dict[str, str] = {}
    defined = {d.name.value for d in document.definitions if type(d) in _KINDS}  # type: ignore[attr-defined]
    for definition in document.definitions:
        if isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
            for operation in definition.operation_types or ():
                default = DEFAULT_ROOT_NAMES[operation.operation.value]
                if operation.type.name.value not in defined:
                    raise SubgraphReadError(
                        "INVALID_GRAPHQL",
                        f"Cannot set schema {operation.operation.value} root to unknown type "
                        f"{operation.type.name.value}",
                    )
                if operation.type.name.value != default:
                    renames[operation.type.name.value] = default
    if not renames:
        return document

    return visit(document, _TypeNameRenamer(renames))  # type: ignore[no-any-return]


class _TypeNameRenamer(Visitor):
    """Renames type names where a type is defined or referenced (not fields or arguments)."""

    def __init__(self, renames: dict[str, str]) -> None:
        super().__init__()
        self.renames = renames

    def _renamed(self, node: Any) -> Any:
        name = node.name.value
        if name in self.renames:
            return node.__class__(
                **{**{k: getattr(node, k) for k in node.keys}, "name": NameNode(value=self.renames[name])}
            )
        return None

    def enter_named_type(self, node: NamedTypeNode, *_args: object) -> Any:
        return self._renamed(node)

    def enter_object_type_definition(self, node: ObjectTypeDefinitionNode, *_args: object) -> Any:
        return self._renamed(node)

    def enter_object_type_extension(self, node: ObjectTypeExtensionNode, *_args: object) -> Any:
        return self._renamed(node)


def _build(name: str, url: str, document: DocumentNode) -> SubgraphSchema:
    schema_directives: list[Applied] = []
    roots: dict[str, str] = {}
    directive_definitions: dict[str, DirectiveDefinitionNode] = {}
    types: dict[str, TypeDef] = {}
    schema_description: str | None = None
    for definition in document.definitions:
        if isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
            schema_directives += _applied(definition.directives or (), False)
            schema_description = _description(definition) or schema_description
            for operation in definition.operation_types or ():
                roots[operation.operation.value] = operation.type.name.value
        elif isinstance(definition, DirectiveDefinitionNode):
            directive_definitions[definition.name.value] = definition
        elif type(definition) in _KINDS:
            _add_type(name, types, definition)
        else:
            raise SubgraphReadError(
                "INVALID_GRAPHQL", f"[{name}] a subgraph schema cannot contain executable definitions"
            )
    for kind, default in DEFAULT_ROOT_NAMES.items():
        if kind not in roots and default in types:
            roots[kind] = default

    links = [_parse_link(a) for a in schema_directives if a.name == "link"]
    federation_link = next((link for link in links if link.identity == FEDERATION_SPEC), None)
    federation_names: dict[str, str] = {}
    if federation_link is None:
        fed1 = True
        version = FEDERATION1_AS_VERSION
        for directive in FEDERATION1_DIRECTIVES:
            federation_names[directive] = directive
    else:
        fed1 = False
        version = federation_link.version
        if version[0] != 2 or version[1] > 14:
            raise SubgraphReadError(
                "UNKNOWN_FEDERATION_LINK_VERSION",
                f"[{name}] Invalid version {version[0]}.{version[1]} for the federation feature in @link "
                f"direction on schema",
            )
        prefix = federation_link.alias or "federation"
        for directive in FEDERATION_DIRECTIVES:
            imported = federation_link.imports.get("@" + directive)
            federation_names[imported[1:] if imported else f"{prefix}__{directive}"] = directive
        for imported in federation_link.imports:
            if imported.startswith("@") and imported[1:] not in FEDERATION_DIRECTIVES:
                raise SubgraphReadError(
                    "INVALID_LINK_DIRECTIVE_USAGE",
                    f'[{name}] Cannot import unknown element "{imported}".',
                )

    for type_name in list(types):
        if type_name in FEDERATION_TYPES or type_name.startswith(("federation__", "link__")):
            del types[type_name]
    # Every subgraph has a query root: federation adds `_service` and `_entities` to it.
    query_root = roots.setdefault("query", "Query")
    if query_root not in types:
        types[query_root] = TypeDef(query_root, "object", has_definition=True)
    for field_name in FEDERATION_QUERY_FIELDS:
        types[query_root].fields.pop(field_name, None)
    for directive_name in list(directive_definitions):
        if directive_name in federation_names or directive_name in ("link", "core"):
            del directive_definitions[directive_name]

    schema = SubgraphSchema(
        name=name,
        url=url,
        fed1=fed1,
        version=version,
        types=types,
        roots=roots,
        schema_directives=schema_directives,
        directive_definitions=directive_definitions,
        links=links,
        federation_names=federation_names,
        document=document,
        schema_description=schema_description,
    )
    _finish(schema)
    return schema


def _add_type(subgraph: str, types: dict[str, TypeDef], node: object) -> None:
    kind = _KINDS[type(node)]
    name = node.name.value  # type: ignore[attr-defined]
    is_extension = isinstance(node, _EXTENSIONS)
    type_def = types.get(name)
    if type_def is None:
        type_def = types[name] = TypeDef(name, kind)
    elif type_def.kind != kind:
        raise SubgraphReadError(
            "INVALID_GRAPHQL", f'[{subgraph}] Type "{name}" is defined both as {type_def.kind} and {kind}'
        )
    if is_extension:
        type_def.has_extension = True
    else:
        type_def.has_definition = True
        type_def.description = _description(node) or type_def.description
    type_def.directives += _applied(node.directives or (), is_extension)  # type: ignore[attr-defined]
    if kind in ("object", "interface"):
        type_def.interfaces += [i.name.value for i in node.interfaces or ()]  # type: ignore[attr-defined]
        for field_node in node.fields or ():  # type: ignore[attr-defined]
            field_name = field_node.name.value
            if field_name in type_def.fields:
                raise SubgraphReadError(
                    "INVALID_GRAPHQL", f'[{subgraph}] Field "{name}.{field_name}" can only be defined once.'
                )
            type_def.fields[field_name] = Field(
                field_name,
                field_node.type,
                _input_values(field_node.arguments or (), is_extension),
                _applied(field_node.directives or (), is_extension),
                _description(field_node),
                is_extension,
            )
    elif kind == "input":
        type_def.input_fields.update(_input_values(node.fields or (), is_extension))  # type: ignore[attr-defined]
    elif kind == "union":
        type_def.members += [m.name.value for m in node.types or ()]  # type: ignore[attr-defined]
    elif kind == "enum":
        for value in node.values or ():  # type: ignore[attr-defined]
            type_def.values[value.name.value] = EnumValue(
                value.name.value, _applied(value.directives or (), is_extension), _description(value)
            )


# --- derived facts and the Federation 1 upgrade ---------------------------------------------


def _finish(schema: SubgraphSchema) -> None:
    """Federation facts of a Federation 2 subgraph (Federation 1 ones wait for `prepare_subgraphs`)."""
    if not schema.fed1:
        _collect_facts(schema)


def _collect_facts(schema: SubgraphSchema) -> None:
    _collect_fake_externals(schema)
    _collect_provided(schema)
    _collect_shareable(schema)
    _collect_used(schema)


def prepare_subgraphs(schemas: list[SubgraphSchema]) -> list[SubgraphReadError]:
    """Upgrades the Federation 1 subgraphs to Federation 2 semantics, in the order of Apollo's
    schema upgrader: externals that Federation 1 implied are removed, inactive @provides and
    @requires trimmed, type extensions made definitions, keys and field sets dropped from
    interfaces, unused externals removed, and what Federation 1 shared implicitly marked shareable."""
    fed1 = [s for s in schemas if s.fed1]
    problems = []
    for schema in fed1:
        for type_def in schema.object_like():
            if (
                schema.root_kind(type_def.name) is None
                and _is_type_extension(schema, type_def)
                and not any(
                    other.types.get(type_def.name) is not None
                    and other.types[type_def.name].has_definition
                    and not (other.fed1 and _is_type_extension(other, other.types[type_def.name]))
                    for other in schemas
                )
            ):
                problems.append(
                    SubgraphReadError(
                        "EXTENSION_WITH_NO_BASE",
                        f'[{schema.name}] Type "{type_def.name}" is an extension type, but there is no type definition '
                        f'for "{type_def.name}" in any subgraph.',
                    )
                )
    interface_keys = {t.name: s.name for s in fed1 for t in s.types.values() if t.kind == "interface" and s.keys(t)}
    for schema in schemas:
        for type_def in schema.types.values():
            if not schema.fed1 and schema.is_interface_object(type_def) and type_def.name in interface_keys:
                problems.append(
                    SubgraphReadError(
                        "INTERFACE_OBJECT_USAGE_ERROR",
                        f'The @interfaceObject directive is used on type "{type_def.name}" in subgraph '
                        f'"{schema.name}", which requires other subgraphs to resolve its type name via an interface '
                        "@key. However, @key on an interface in a federation 1 subgraph does not mean it can fulfill "
                        "the __typename-resolution requirement that @interfaceObject depends on. For subgraph "
                        f'"{interface_keys[type_def.name]}", either upgrade it to a federation 2 subgraph or remove '
                        "@key from the type.",
                    )
                )
    if problems:
        return problems
    for schema in fed1:
        _upgrade_structure(schema, schemas)
    for schema in fed1:
        _collect_facts(schema)
        for type_def in list(schema.object_like()):
            for field_def in list(type_def.fields.values()):
                if schema.is_external(type_def, field_def) and not schema.field_used(type_def.name, field_def.name):
                    del type_def.fields[field_def.name]
                    schema.removed_externals.add((type_def.name, field_def.name))
    for schema in fed1:
        _add_shareable(schema, schemas)
        _remove_tags_on_externals(schema, schemas)
    return []


def _is_type_extension(schema: SubgraphSchema, type_def: TypeDef) -> bool:
    extends = schema.has(type_def.directives, "extends")
    return (
        (type_def.has_extension or extends)
        and type_def.kind in ("object", "interface")
        and (extends or not type_def.has_definition)
    )


def _without(schema: SubgraphSchema, directives: list[Applied], *names: str) -> list[Applied]:
    return [d for d in directives if schema.fed(d) not in names]


def _upgrade_structure(schema: SubgraphSchema, schemas: list[SubgraphSchema]) -> None:
    for type_def in schema.object_like():
        if type_def.kind == "interface":
            for field_def in type_def.fields.values():
                field_def.directives = _without(schema, field_def.directives, "external")
        else:
            type_def.directives = _without(schema, type_def.directives, "external")
    extensions = [
        t
        for t in schema.object_like()
        if _is_type_extension(schema, t) or (schema.root_kind(t.name) is not None and not t.has_definition)
    ]
    for type_def in extensions:
        _remove_external_on_extension(schema, type_def, schemas)
    _trim_inactive_field_sets(schema)
    for type_def in extensions:
        # The upgrader turns extensions into plain definitions; @extends stays and still marks
        # the keys as coming from an extension.
        type_def.has_extension = False
        type_def.has_definition = True
        type_def.directives = [Applied(d.node, False) for d in type_def.directives]
        for field_def in type_def.fields.values():
            field_def.from_extension = False
    for type_def in schema.object_like():
        if type_def.kind == "interface":
            type_def.directives = _without(schema, type_def.directives, "key")
            for field_def in type_def.fields.values():
                field_def.directives = _without(schema, field_def.directives, "provides", "requires")
            continue
        for field_def in type_def.fields.values():
            target = schema.types.get(named_type(field_def.type))
            if target is None or target.kind not in ("object", "interface", "union"):
                field_def.directives = _without(schema, field_def.directives, "provides")


def _remove_external_on_extension(schema: SubgraphSchema, type_def: TypeDef, schemas: list[SubgraphSchema]) -> None:
    """Key fields of an extension were implicitly external in Federation 1: their @external goes."""
    keys = schema.keys(type_def)
    sources: list[tuple[SubgraphSchema, TypeDef, str]] = [(schema, type_def, k.fields) for k in keys]
    if not keys:
        # Without its own key, the extension follows the first key the type has elsewhere.
        for other in schemas:
            other_type = other.types.get(type_def.name)
            if other is schema or other_type is None:
                continue
            other_keys = other.keys(other_type)
            if other_keys:
                sources.append((other, other_type, other_keys[0].fields))
    for holder, holder_type, fields in sources:
        try:
            targets = field_set_targets(holder, holder_type.name, fields)
        except ValueError:
            continue
        for parent, field_name in targets:
            own = type_def.fields.get(field_name)
            if parent == type_def.name and own is not None:
                own.directives = _without(schema, own.directives, "external")


def _trim_inactive_field_sets(schema: SubgraphSchema) -> None:
    """Federation 1 ignored @provides/@requires on fields that are not external: drop those parts."""
    for type_def in schema.object_like():
        for field_def in type_def.fields.values():
            kept: list[Applied] = []
            for applied in field_def.directives:
                kind = schema.fed(applied)
                fields = applied.string_arg("fields") if kind in ("provides", "requires") else None
                if fields is None:
                    kept.append(applied)
                    continue
                parent = named_type(field_def.type) if kind == "provides" else type_def.name
                try:
                    selection = parse_field_set(fields)
                    field_set_targets(schema, parent, fields, strict=True)
                except (GraphQLError, ValueError):
                    kept.append(applied)  # invalid: left for validation to report
                    continue
                if not _selects_non_external_leaf(schema, parent, selection):
                    kept.append(applied)
                    continue
                trimmed = _external_part(schema, parent, selection)
                if trimmed:
                    node = (
                        parse(f"type T @{applied.name}(fields: {_quote(trimmed)})", no_location=True)
                        .definitions[0]
                        .directives[0]  # type: ignore[attr-defined]
                    )
                    kept.append(Applied(node, applied.from_extension))
            field_def.directives = kept


def _quote(text: str) -> str:
    return print_string(text)


def _external_or_implementations(schema: SubgraphSchema, parent: str, name: str) -> bool:
    type_def = schema.types.get(parent)
    if type_def is None or name not in type_def.fields:
        return False
    if schema.has(type_def.fields[name].directives, "external"):
        return True
    if type_def.kind == "interface":
        for implementation in _implementations(schema, parent):
            field_def = schema.types[implementation].fields.get(name)
            if field_def is not None and schema.has(field_def.directives, "external"):
                return True
    return False


def _selects_non_external_leaf(schema: SubgraphSchema, parent: str, selection_set: SelectionSetNode) -> bool:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if _external_or_implementations(schema, parent, name):
                continue
            if selection.selection_set is None:
                return True
            field_def = schema.types.get(parent, TypeDef("", "object")).fields.get(name)
            child = named_type(field_def.type) if field_def is not None else parent
            if _selects_non_external_leaf(schema, child, selection.selection_set):
                return True
        elif isinstance(selection, InlineFragmentNode):
            child = selection.type_condition.name.value if selection.type_condition else parent
            if _selects_non_external_leaf(schema, child, selection.selection_set):
                return True
    return False


def _external_part(schema: SubgraphSchema, parent: str, selection_set: SelectionSetNode) -> str:
    """The field set without its non-external leaves, printed as Apollo prints field sets."""
    parts: list[str] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if _external_or_implementations(schema, parent, name):
                parts.append(_print_selection(selection))
            elif selection.selection_set is not None:
                field_def = schema.types.get(parent, TypeDef("", "object")).fields.get(name)
                child = named_type(field_def.type) if field_def is not None else parent
                inner = _external_part(schema, child, selection.selection_set)
                if inner:
                    parts.append(f"{name} {{ {inner} }}")
        elif isinstance(selection, InlineFragmentNode):
            child = selection.type_condition.name.value if selection.type_condition else parent
            inner = _external_part(schema, child, selection.selection_set)
            if inner:
                parts.append(f"... on {child} {{ {inner} }}")
    return " ".join(parts)


def _print_selection(selection: FieldNode) -> str:
    text = selection.name.value
    if selection.arguments:
        text += "(" + ", ".join(f"{a.name.value}: {print_ast(a.value)}" for a in selection.arguments) + ")"
    if selection.selection_set is not None:
        inner = " ".join(
            _print_selection(s) if isinstance(s, FieldNode) else print_ast(s)
            for s in selection.selection_set.selections
        )
        text += f" {{ {inner} }}"
    return text


def _add_shareable(schema: SubgraphSchema, others: list[SubgraphSchema]) -> None:
    """Fields of entities and root types also resolved elsewhere, and value types defined
    elsewhere, become shareable: Federation 1 allowed sharing them implicitly."""
    for type_def in schema.types.values():
        if type_def.kind != "object" or schema.root_kind(type_def.name) == "subscription":
            continue
        elsewhere = [
            (other, other.types[type_def.name])
            for other in others
            if type_def.name in other.types and other.name != schema.name
        ]
        if schema.keys(type_def) or schema.root_kind(type_def.name):
            for field_def in type_def.fields.values():
                for other, other_type in elsewhere:
                    other_field = other_type.fields.get(field_def.name)
                    if other_field is not None and (
                        not other.is_external(other_type, other_field)
                        or other.is_provided(other_type.name, other_field.name)
                    ):
                        schema.upgraded_shareable_fields.add((type_def.name, field_def.name))
                        break
        elif elsewhere:
            schema.upgraded_shareable_types.add(type_def.name)


def _remove_tags_on_externals(schema: SubgraphSchema, others: list[SubgraphSchema]) -> None:
    """A Federation 1 @tag on an external field, repeated where the field is defined, is dropped."""
    tag = schema.local_name("tag")
    for type_def in schema.object_like():
        for field_def in type_def.fields.values():
            if not schema.has(field_def.directives, "external"):
                continue
            kept = []
            for applied in field_def.directives:
                if applied.name == tag and _tag_used_elsewhere(schema, others, type_def.name, field_def.name, applied):
                    continue
                kept.append(applied)
            field_def.directives = kept


def _tag_used_elsewhere(
    schema: SubgraphSchema, others: list[SubgraphSchema], type_name: str, field_name: str, tag: Applied
) -> bool:
    printed = print_ast(tag.arg("name")) if tag.arg("name") is not None else None  # type: ignore[arg-type]
    for other in others:
        if other is schema or type_name not in other.types:
            continue
        other_field = other.types[type_name].fields.get(field_name)
        if other_field is None or other.has(other_field.directives, "external"):
            continue
        for applied in other.applications(other_field.directives, "tag"):
            value = applied.arg("name")
            if value is not None and print_ast(value) == printed:
                return True
    return False


def _collect_fake_externals(schema: SubgraphSchema) -> None:
    for type_def in schema.object_like():
        for key in schema.keys(type_def):
            if not key.extension:
                continue
            try:
                targets = field_set_targets(schema, type_def.name, key.fields)
            except ValueError:
                continue
            for parent, field_name in targets:
                field_def = schema.types[parent].fields[field_name]
                if schema.has(field_def.directives, "external"):
                    schema.fake_externals.add((parent, field_name))


def _collect_provided(schema: SubgraphSchema) -> None:
    for type_def in schema.object_like():
        for field_def in type_def.fields.values():
            provides = schema.field_set(field_def, "provides")
            if provides is None:
                continue
            target = named_type(field_def.type)
            try:
                targets = field_set_targets(schema, target, provides)
            except ValueError:
                continue
            for parent, field_name in targets:
                schema.provided_fields.add((parent, field_name))
                for implementation in _implementations(schema, parent):
                    schema.provided_fields.add((implementation, field_name))


def _implementations(schema: SubgraphSchema, interface: str) -> list[str]:
    return [t.name for t in schema.types.values() if interface in t.interfaces]


def _collect_shareable(schema: SubgraphSchema) -> None:
    for type_def in schema.types.values():
        if type_def.kind != "object":
            continue
        for key in schema.keys(type_def):
            try:
                targets = field_set_targets(schema, type_def.name, key.fields)
            except ValueError:
                continue
            for parent, field_name in targets:
                schema.shareable_fields.add((parent, field_name))
                for implementation in _implementations(schema, parent):
                    schema.shareable_fields.add((implementation, field_name))
        for field_def in type_def.fields.values():
            provides = schema.field_set(field_def, "provides")
            if provides is None:
                continue
            try:
                targets = field_set_targets(schema, named_type(field_def.type), provides)
            except ValueError:
                continue
            for parent, field_name in targets:
                target_type = schema.types[parent]
                if schema.is_external(target_type, target_type.fields[field_name]):
                    schema.shareable_fields.add((parent, field_name))


def _collect_used(schema: SubgraphSchema) -> None:
    for type_def in schema.object_like():
        for key in schema.keys(type_def):
            with contextlib.suppress(ValueError):
                schema.used_fields.update(field_set_targets(schema, type_def.name, key.fields))
        for field_def in type_def.fields.values():
            requires = schema.field_set(field_def, "requires")
            if requires is not None:
                with contextlib.suppress(ValueError):
                    schema.used_fields.update(field_set_targets(schema, type_def.name, requires))
            provides = schema.field_set(field_def, "provides")
            if provides is not None:
                with contextlib.suppress(ValueError):
                    schema.used_fields.update(field_set_targets(schema, named_type(field_def.type), provides))
        if type_def.kind == "interface":
            for implementation in _implementations(schema, type_def.name):
                for field_name in type_def.fields:
                    if field_name in schema.types[implementation].fields:
                        schema.used_fields.add((implementation, field_name))
