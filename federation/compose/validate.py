"""Checks of one subgraph on its own, before merging (Apollo's subgraph validation)."""

from __future__ import annotations

from graphql import TypeNode, print_ast

from federation.compose.graphql_rules import graphql_errors
from federation.compose.merge import BUILTIN_SCALARS, CONTEXT_FIELD, Problem
from federation.compose.subgraph import Field, SubgraphSchema, TypeDef, field_set_targets, named_type


def graphql_problems(schema: SubgraphSchema) -> list[Problem]:
    """GraphQL validity of the subgraph's SDL (INVALID_GRAPHQL), before any federation rule."""
    problems: list[Problem] = []
    name = schema.name
    for type_def in schema.types.values():
        if type_def.name in BUILTIN_SCALARS and type_def.kind != "scalar":
            problem = _builtin_redefined(schema, type_def)
            if problem is not None:
                problems.append(problem)
    if problems:
        return problems
    for type_def in schema.types.values():
        for referenced, where in _references(type_def):
            if referenced not in schema.types and referenced not in BUILTIN_SCALARS:
                problems.append(Problem("INVALID_GRAPHQL", f'[{name}] Unknown type "{referenced}" (used by {where}).'))
        for member in type_def.members:
            if member not in schema.types:
                problems.append(
                    Problem("INVALID_GRAPHQL", f'[{name}] Unknown type "{member}" in union "{type_def.name}".')
                )
    if problems:
        return problems
    if schema.document is not None:
        problems += [
            Problem("INVALID_GRAPHQL", f"[{name}] {message}") for message in graphql_errors(schema, schema.document)
        ]
    return problems


def validate_subgraph(schema: SubgraphSchema) -> list[Problem]:
    """The federation rules one subgraph must follow on its own (field sets, externals, shareable)."""
    name = schema.name
    problems = [] if schema.fed1 else _directive_placement(schema)
    for type_def in schema.object_like():
        for key in schema.keys(type_def):
            problems += _check_field_set(schema, type_def, None, "key", key.fields, type_def.name)
        for field_def in type_def.fields.values():
            requires = schema.field_set(field_def, "requires")
            if requires is not None:
                problems += _check_field_set(schema, type_def, field_def, "requires", requires, type_def.name)
            provides = schema.field_set(field_def, "provides")
            if provides is not None:
                target = named_type(field_def.type)
                if schema.types.get(target, TypeDef("", "scalar")).kind not in ("object", "interface", "union"):
                    problems.append(
                        Problem(
                            "PROVIDES_ON_NON_OBJECT_FIELD",
                            f'[{name}] Invalid @provides directive on field "{type_def.name}.{field_def.name}": field '
                            f'has type "{named_type(field_def.type)}" which is not a Composite Type',
                        )
                    )
                else:
                    problems += _check_field_set(schema, type_def, field_def, "provides", provides, target)
    if not schema.fed1:
        problems += _unused_externals(schema)
        problems += _context_selections(schema)
    return problems


def _context_selections(schema: SubgraphSchema) -> list[Problem]:
    """Each @fromContext selection must be valid on every type that sets its @context."""
    setters: dict[str, list[TypeDef]] = {}
    for type_def in schema.types.values():
        for applied in schema.applications(type_def.directives, "context"):
            setters.setdefault(applied.string_arg("name") or "", []).append(type_def)
    problems = []
    for type_def in schema.object_like():
        for field_def in type_def.fields.values():
            for arg in field_def.args.values():
                for applied in schema.applications(arg.directives, "fromContext"):
                    where = f'"{type_def.name}.{field_def.name}({arg.name}:)"'
                    problems += _check_context(schema, setters, where, applied.string_arg("field") or "")
    return problems


def _check_context(schema: SubgraphSchema, setters: dict[str, list[TypeDef]], where: str, field: str) -> list[Problem]:
    match = CONTEXT_FIELD.match(field)
    if match is None:
        message = f'[{schema.name}] @fromContext argument does not reference a context "{field}" on {where}.'
        return [Problem("NO_CONTEXT_IN_SELECTION", message)]
    context, selection = match.group(1), match.group(2).strip().removeprefix("{").removesuffix("}")
    if context not in setters:
        message = f'[{schema.name}] Context "{context}" is used at location {where} but is never set.'
        return [Problem("CONTEXT_NOT_SET", message)]
    problems = []
    for setter in setters[context]:
        try:
            field_set_targets(schema, setter.name, selection, strict=True)
        except ValueError as error:
            message = (
                f'[{schema.name}] Context "{context}" is used in {where} but the selection is invalid for type '
                f"{setter.name}. Error: {error}"
            )
            problems.append(Problem("CONTEXT_INVALID_SELECTION", message))
    return problems


def _builtin_redefined(schema: SubgraphSchema, type_def: TypeDef) -> Problem | None:
    """GraphQL errors of a type named like a built-in scalar; otherwise merging reports the kind
    mismatch (TYPE_KIND_MISMATCH), as Apollo does."""
    name = type_def.name
    if not type_def.has_definition:
        return Problem("INVALID_GRAPHQL", f'[{schema.name}] Cannot extend built-in type "{name}"')
    inputs: list[tuple[str, TypeNode]] = [
        (f"@{d.name.value}({a.name.value}:)", a.type)
        for d in schema.directive_definitions.values()
        for a in d.arguments or ()
    ]
    for other in schema.types.values():
        inputs += [
            (f"{other.name}.{f.name}({a.name}:)", a.type) for f in other.fields.values() for a in f.args.values()
        ]
        inputs += [(f"{other.name}.{f.name}", f.type) for f in other.input_fields.values()]
    for coordinate, value_type in inputs:
        if named_type(value_type) == name:
            return Problem(
                "INVALID_GRAPHQL",
                f'[{schema.name}] The type of "{coordinate}" must be Input Type but got "{name}", '
                f"a {type_def.kind} type.",
            )
    return None


def _directive_placement(schema: SubgraphSchema) -> list[Problem]:
    """Federation directives where Federation 2 does not allow them."""
    problems = []
    name = schema.name
    for type_def in schema.object_like():
        blocks: dict[bool, int] = {}
        for applied in schema.applications(type_def.directives, "shareable"):
            blocks[applied.from_extension] = blocks.get(applied.from_extension, 0) + 1
        if any(count > 1 for count in blocks.values()):
            problems.append(
                Problem(
                    "INVALID_SHAREABLE_USAGE",
                    f'[{name}] Invalid duplicate application of @shareable on type "{type_def.name}": @shareable is '
                    "only repeatable on types so it can be used simultaneously on a type definition and its "
                    "extensions, but it should not be duplicated on the same definition/extension declaration",
                )
            )
        for field_def in type_def.fields.values():
            coordinate = f"{type_def.name}.{field_def.name}"
            shareable = schema.applications(field_def.directives, "shareable")
            if type_def.kind == "interface":
                if shareable:
                    problems.append(
                        Problem(
                            "INVALID_SHAREABLE_USAGE",
                            f'[{name}] Invalid use of @shareable on field "{coordinate}": only object type fields can '
                            "be marked with @shareable",
                        )
                    )
                if schema.has(field_def.directives, "external"):
                    problems.append(
                        Problem(
                            "EXTERNAL_ON_INTERFACE",
                            f'[{name}] Interface type field "{coordinate}" is marked @external but @external is not '
                            "allowed on interface fields (it is nonsensical).",
                        )
                    )
                for kind in ("requires", "provides"):
                    if schema.has(field_def.directives, kind):
                        problems.append(
                            Problem(
                                f"{kind.upper()}_UNSUPPORTED_ON_INTERFACE",
                                f'[{name}] Cannot use @{kind} on field "{coordinate}" of parent type '
                                f'"{type_def.name}": @{kind} is not yet supported within interfaces',
                            )
                        )
            elif len(shareable) > 1:
                problems.append(
                    Problem(
                        "INVALID_SHAREABLE_USAGE",
                        f'[{name}] Invalid duplicate application of @shareable on field "{coordinate}": @shareable is '
                        "only repeatable on types so it can be used simultaneously on a type definition and its "
                        "extensions, but it should not be duplicated on the same definition/extension declaration",
                    )
                )
            if schema.has(field_def.directives, "provides") and schema.has(field_def.directives, "external"):
                problems.append(
                    Problem(
                        "EXTERNAL_COLLISION_WITH_ANOTHER_DIRECTIVE",
                        f'[{name}] Cannot have both @provides and @external on field "{coordinate}"',
                    )
                )
    return problems


def _references(type_def: TypeDef) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for field_def in type_def.fields.values():
        coordinate = f'"{type_def.name}.{field_def.name}"'
        found.append((named_type(field_def.type), coordinate))
        found += [(named_type(a.type), coordinate) for a in field_def.args.values()]
    found += [(named_type(f.type), f'"{type_def.name}.{f.name}"') for f in type_def.input_fields.values()]
    found += [(i, f'"{type_def.name}"') for i in type_def.interfaces]
    return found


def _check_field_set(
    schema: SubgraphSchema, type_def: TypeDef, field_def: Field | None, kind: str, fields: str, target: str
) -> list[Problem]:
    code = f"{kind.upper()}_INVALID_FIELDS"
    where = f'type "{type_def.name}"' if field_def is None else f'field "{type_def.name}.{field_def.name}"'
    directives = type_def.directives if field_def is None else field_def.directives
    applied = next((a for a in schema.applications(directives, kind) if a.string_arg("fields") == fields), None)
    if applied is None:
        raw = next((a for a in schema.applications(directives, kind)), None)
        value = raw.arg("fields") if raw is not None else None
        printed = print_ast(value) if value is not None else "nothing"
        return [
            Problem(
                f"{kind.upper()}_INVALID_FIELDS_TYPE",
                f"[{schema.name}] On {where}, for @{kind}(fields: {printed}): Invalid value for argument "
                '"fields": must be a string.',
            )
        ]
    application = f'@{kind}(fields: "{fields}")'
    try:
        targets = field_set_targets(schema, target, fields, strict=True)
    except ValueError as error:
        hint = (
            " (the field should either be added to this subgraph or, if it should not be resolved by this "
            "subgraph, you need to add it to this subgraph with @external)"
        )
        return [
            Problem(
                code,
                f"[{schema.name}] On {where}, for {application}: {error}"
                + (hint if "Cannot query" in str(error) else ""),
            )
        ]
    if kind == "key":
        return _check_key_selections(schema, where, application, targets)
    if schema.fed1:
        return []
    problems = []
    for parent, name in targets:
        parent_type = schema.types[parent]
        selected = parent_type.fields[name]
        if not schema.is_external(parent_type, selected) and parent == target:
            missing = "REQUIRES_FIELDS_MISSING_EXTERNAL" if kind == "requires" else "PROVIDES_FIELDS_MISSING_EXTERNAL"
            already = "provided" if kind == "provides" else "resolved"
            problems.append(
                Problem(
                    missing,
                    f'[{schema.name}] On {where}, for {application}: field "{parent}.{name}" should not be part of a '
                    f"@{kind} since it is already {already} by this subgraph (it is not marked @external)",
                )
            )
    return problems


def _check_key_selections(
    schema: SubgraphSchema, where: str, application: str, targets: list[tuple[str, str]]
) -> list[Problem]:
    """Keys identify an entity by plain values: no field arguments, no abstract types."""
    problems = []
    for parent, name in targets:
        selected = schema.types[parent].fields[name]
        if selected.args:
            problems.append(
                Problem(
                    "KEY_FIELDS_HAS_ARGS",
                    f"[{schema.name}] On {where}, for {application}: field {parent}.{name} cannot be included because "
                    "it has arguments (fields with argument are not allowed in @key)",
                )
            )
        target = schema.types.get(named_type(selected.type))
        if target is not None and target.kind in ("interface", "union"):
            kind = "Interface" if target.kind == "interface" else "Union"
            problems.append(
                Problem(
                    "KEY_FIELDS_SELECT_INVALID_TYPE",
                    f'[{schema.name}] On {where}, for {application}: field "{parent}.{name}" is a {kind} type which is '
                    "not allowed in @key",
                )
            )
    return problems


def _unused_externals(schema: SubgraphSchema) -> list[Problem]:
    problems = []
    for type_def in schema.object_like():
        for field_def in type_def.fields.values():
            if (
                schema.is_external(type_def, field_def)
                and not schema.field_used(type_def.name, field_def.name)
                and (not _implements_interface_field(schema, type_def, field_def.name))
            ):
                problems.append(
                    Problem(
                        "EXTERNAL_UNUSED",
                        f'[{schema.name}] Field "{type_def.name}.{field_def.name}" is marked @external but is not '
                        "used in any federation directive (@key, @provides, @requires) or to satisfy an interface; the "
                        "field declaration has no use and should be removed (or the field should not be @external).",
                    )
                )
    return problems


def _implements_interface_field(schema: SubgraphSchema, type_def: TypeDef, field_name: str) -> bool:
    return any(field_name in schema.types[i].fields for i in type_def.interfaces if i in schema.types)
