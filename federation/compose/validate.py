"""Checks of one subgraph on its own, before merging (Apollo's subgraph validation)."""

from __future__ import annotations

from federation.compose.merge import BUILTIN_SCALARS, Problem
from federation.compose.subgraph import Field, SubgraphSchema, TypeDef, field_set_targets, named_type


def validate_subgraph(schema: SubgraphSchema) -> list[Problem]:
    problems: list[Problem] = []
    name = schema.name
    for type_def in schema.types.values():
        for referenced, where in _references(type_def):
            if referenced not in schema.types and referenced not in BUILTIN_SCALARS:
                problems.append(Problem("INVALID_GRAPHQL", f'[{name}] Unknown type "{referenced}" (used by {where}).'))
        for member in type_def.members:
            if member not in schema.types:
                problems.append(Problem("INVALID_GRAPHQL", f'[{name}] Unknown type "{member}" in union '
                                                           f'"{type_def.name}".'))
    if problems:
        return problems
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
                    problems.append(Problem(
                        "PROVIDES_ON_NON_OBJECT_FIELD",
                        f'[{name}] Invalid @provides directive on field "{type_def.name}.{field_def.name}": field '
                        f'has type "{named_type(field_def.type)}" which is not a Composite Type'))
                else:
                    problems += _check_field_set(schema, type_def, field_def, "provides", provides, target)
    if not schema.fed1:
        problems += _unused_externals(schema)
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
    code = {"key": "KEY_INVALID_FIELDS", "requires": "REQUIRES_INVALID_FIELDS",
            "provides": "PROVIDES_INVALID_FIELDS"}[kind]
    where = f'type "{type_def.name}"' if field_def is None else f'field "{type_def.name}.{field_def.name}"'
    application = f'@{kind}(fields: "{fields}")'
    try:
        targets = field_set_targets(schema, target, fields, strict=True)
    except ValueError as error:
        hint = (" (the field should either be added to this subgraph or, if it should not be resolved by this "
                "subgraph, you need to add it to this subgraph with @external)")
        return [Problem(code, f"[{schema.name}] On {where}, for {application}: {error}"
                        + (hint if "Cannot query" in str(error) else ""))]
    if kind == "key" or schema.fed1:
        return []
    problems = []
    for parent, name in targets:
        parent_type = schema.types[parent]
        selected = parent_type.fields[name]
        if not schema.is_external(parent_type, selected) and parent == target:
            missing = "REQUIRES_FIELDS_MISSING_EXTERNAL" if kind == "requires" else "PROVIDES_FIELDS_MISSING_EXTERNAL"
            already = "provided" if kind == "provides" else "resolved"
            problems.append(Problem(
                missing,
                f'[{schema.name}] On {where}, for {application}: field "{parent}.{name}" should not be part of a '
                f"@{kind} since it is already {already} by this subgraph (it is not marked @external)"))
    return problems


def _unused_externals(schema: SubgraphSchema) -> list[Problem]:
    problems = []
    for type_def in schema.object_like():
        for field_def in type_def.fields.values():
            if schema.is_external(type_def, field_def) and not schema.field_used(type_def.name, field_def.name) and (
                not _implements_interface_field(schema, type_def, field_def.name)
            ):
                problems.append(Problem(
                    "EXTERNAL_UNUSED",
                    f'[{schema.name}] Field "{type_def.name}.{field_def.name}" is marked @external but is not used '
                    "in any federation directive (@key, @provides, @requires) or to satisfy an interface; the field "
                    "declaration has no use and should be removed (or the field should not be @external)."))
    return problems


def _implements_interface_field(schema: SubgraphSchema, type_def: TypeDef, field_name: str) -> bool:
    return any(field_name in schema.types[i].fields for i in type_def.interfaces if i in schema.types)
