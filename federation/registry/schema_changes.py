"""Breaking changes between two public API schemas, each with the coordinates it affects.

The rules are graphql-core's `find_breaking_changes` (same change kinds, same notion of a
safe type change), rewritten here so that every change carries schema coordinates:
`coordinate` names what changed (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`,
`@directive`) and `affected` names the coordinates whose use by an operation the change
can break. Usage is recorded per field coordinate (`Type.field`), so a check asks which
clients used any of `affected`; when none did, no recorded operation breaks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    get_named_type,
    is_list_type,
    is_non_null_type,
    is_required_argument,
    is_required_input_field,
)


@dataclass(frozen=True)
class BreakingChange:
    kind: str  # graphql-core's BreakingChangeType name, e.g. FIELD_REMOVED
    coordinate: str
    description: str
    affected: frozenset[str]


def find_breaking_changes(old: GraphQLSchema, new: GraphQLSchema) -> list[BreakingChange]:
    users = _type_users(old)
    changes: list[BreakingChange] = []
    for name, old_type in old.type_map.items():
        if name.startswith("__"):
            continue
        new_type = new.type_map.get(name)
        if new_type is None:
            changes.append(
                BreakingChange("TYPE_REMOVED", name, f"{name} was removed.", _type_affected(old_type, users))
            )
        elif type(old_type) is not type(new_type):
            changes.append(
                BreakingChange(
                    "TYPE_CHANGED_KIND",
                    name,
                    f"{name} changed from {_kind(old_type)} to {_kind(new_type)}.",
                    _type_affected(old_type, users),
                )
            )
        elif isinstance(old_type, GraphQLEnumType):
            assert isinstance(new_type, GraphQLEnumType)
            changes.extend(_enum_changes(old_type, new_type, users))
        elif isinstance(old_type, GraphQLUnionType):
            assert isinstance(new_type, GraphQLUnionType)
            changes.extend(_union_changes(old_type, new_type, users))
        elif isinstance(old_type, GraphQLInputObjectType):
            assert isinstance(new_type, GraphQLInputObjectType)
            changes.extend(_input_changes(old_type, new_type, users))
        elif isinstance(old_type, GraphQLObjectType | GraphQLInterfaceType):
            assert isinstance(new_type, GraphQLObjectType | GraphQLInterfaceType)
            changes.extend(_interface_changes(old_type, new_type, users))
            changes.extend(_field_changes(old_type, new_type))
    changes.extend(_directive_changes(old, new))
    return changes


def _kind(named: GraphQLNamedType) -> str:
    kinds = {
        GraphQLObjectType: "an Object type",
        GraphQLInterfaceType: "an Interface type",
        GraphQLUnionType: "a Union type",
        GraphQLEnumType: "an Enum type",
        GraphQLInputObjectType: "an Input type",
    }
    return kinds.get(type(named), "a Scalar type")


def _type_users(schema: GraphQLSchema) -> dict[str, set[str]]:
    """For each named type: the field coordinates whose result or arguments involve it.

    Input types count through their nesting: a field taking `FilterA` whose field is a
    `FilterB` is a user of both.
    """
    direct: dict[str, set[str]] = defaultdict(set)
    input_parents: dict[str, set[str]] = defaultdict(set)  # input/enum/scalar -> inputs containing it
    for name, named in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                coordinate = f"{name}.{field_name}"
                direct[get_named_type(field.type).name].add(coordinate)
                for arg in field.args.values():
                    direct[get_named_type(arg.type).name].add(coordinate)
        elif isinstance(named, GraphQLInputObjectType):
            for input_field in named.fields.values():
                input_parents[get_named_type(input_field.type).name].add(name)
    users: dict[str, set[str]] = {}
    for name in schema.type_map:
        seen = {name}
        pending = [name]
        found: set[str] = set()
        while pending:
            current = pending.pop()
            found |= direct.get(current, set())
            for parent in input_parents.get(current, set()) - seen:
                seen.add(parent)
                pending.append(parent)
        users[name] = found
    return users


def _fields_of(named: GraphQLNamedType) -> set[str]:
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        return {f"{named.name}.{field_name}" for field_name in named.fields}
    if isinstance(named, GraphQLEnumType):
        return {f"{named.name}.{value}" for value in named.values}
    return set()


def _type_affected(named: GraphQLNamedType, users: dict[str, set[str]]) -> frozenset[str]:
    return frozenset({named.name} | _fields_of(named) | users.get(named.name, set()))


def _enum_changes(old: GraphQLEnumType, new: GraphQLEnumType, users: dict[str, set[str]]) -> list[BreakingChange]:
    return [
        BreakingChange(
            "VALUE_REMOVED_FROM_ENUM",
            f"{old.name}.{value}",
            f"{value} was removed from enum type {old.name}.",
            frozenset({f"{old.name}.{value}"} | users.get(old.name, set())),
        )
        for value in old.values
        if value not in new.values
    ]


def _union_changes(old: GraphQLUnionType, new: GraphQLUnionType, users: dict[str, set[str]]) -> list[BreakingChange]:
    new_members = {member.name for member in new.types}
    return [
        BreakingChange(
            "TYPE_REMOVED_FROM_UNION",
            old.name,
            f"{member.name} was removed from union type {old.name}.",
            frozenset(_fields_of(member) | users.get(old.name, set())),
        )
        for member in old.types
        if member.name not in new_members
    ]


def _interface_changes(
    old: GraphQLObjectType | GraphQLInterfaceType,
    new: GraphQLObjectType | GraphQLInterfaceType,
    users: dict[str, set[str]],
) -> list[BreakingChange]:
    new_interfaces = {interface.name for interface in new.interfaces}
    return [
        BreakingChange(
            "IMPLEMENTED_INTERFACE_REMOVED",
            old.name,
            f"{old.name} no longer implements interface {interface.name}.",
            frozenset(_fields_of(old) | users.get(interface.name, set())),
        )
        for interface in old.interfaces
        if interface.name not in new_interfaces
    ]


def _field_changes(
    old: GraphQLObjectType | GraphQLInterfaceType, new: GraphQLObjectType | GraphQLInterfaceType
) -> list[BreakingChange]:
    changes: list[BreakingChange] = []
    for field_name, old_field in old.fields.items():
        coordinate = f"{old.name}.{field_name}"
        used = frozenset({coordinate})
        new_field = new.fields.get(field_name)
        if new_field is None:
            changes.append(BreakingChange("FIELD_REMOVED", coordinate, f"{coordinate} was removed.", used))
            continue
        if not _safe_output_change(old_field.type, new_field.type):
            changes.append(
                BreakingChange(
                    "FIELD_CHANGED_KIND",
                    coordinate,
                    f"{coordinate} changed type from {old_field.type} to {new_field.type}.",
                    used,
                )
            )
        for arg_name, old_arg in old_field.args.items():
            arg_coordinate = f"{coordinate}({arg_name}:)"
            new_arg = new_field.args.get(arg_name)
            if new_arg is None:
                changes.append(BreakingChange("ARG_REMOVED", arg_coordinate, f"{arg_coordinate} was removed.", used))
            elif not _safe_input_change(old_arg.type, new_arg.type):
                changes.append(
                    BreakingChange(
                        "ARG_CHANGED_KIND",
                        arg_coordinate,
                        f"{arg_coordinate} changed type from {old_arg.type} to {new_arg.type}.",
                        used,
                    )
                )
        for arg_name, new_arg in new_field.args.items():
            if arg_name not in old_field.args and is_required_argument(new_arg):
                arg_coordinate = f"{coordinate}({arg_name}:)"
                changes.append(
                    BreakingChange(
                        "REQUIRED_ARG_ADDED",
                        arg_coordinate,
                        f"A required argument {arg_coordinate} was added.",
                        used,
                    )
                )
    return changes


def _input_changes(
    old: GraphQLInputObjectType, new: GraphQLInputObjectType, users: dict[str, set[str]]
) -> list[BreakingChange]:
    used = frozenset(users.get(old.name, set()))
    changes: list[BreakingChange] = []
    for field_name, old_field in old.fields.items():
        coordinate = f"{old.name}.{field_name}"
        new_field = new.fields.get(field_name)
        if new_field is None:
            changes.append(
                BreakingChange("FIELD_REMOVED", coordinate, f"{coordinate} was removed.", used | {coordinate})
            )
        elif not _safe_input_change(old_field.type, new_field.type):
            changes.append(
                BreakingChange(
                    "FIELD_CHANGED_KIND",
                    coordinate,
                    f"{coordinate} changed type from {old_field.type} to {new_field.type}.",
                    used | {coordinate},
                )
            )
    for field_name, new_field in new.fields.items():
        if field_name not in old.fields and is_required_input_field(new_field):
            coordinate = f"{old.name}.{field_name}"
            changes.append(
                BreakingChange(
                    "REQUIRED_INPUT_FIELD_ADDED",
                    coordinate,
                    f"A required field {field_name} on input type {old.name} was added.",
                    used,
                )
            )
    return changes


def _directive_changes(old: GraphQLSchema, new: GraphQLSchema) -> list[BreakingChange]:
    new_directives = {directive.name: directive for directive in new.directives}
    changes: list[BreakingChange] = []
    for directive in old.directives:
        coordinate = f"@{directive.name}"
        used = frozenset({coordinate})
        replacement = new_directives.get(directive.name)
        if replacement is None:
            changes.append(BreakingChange("DIRECTIVE_REMOVED", coordinate, f"{coordinate} was removed.", used))
            continue
        for arg_name, old_arg in directive.args.items():
            new_arg = replacement.args.get(arg_name)
            if new_arg is None:
                changes.append(
                    BreakingChange("DIRECTIVE_ARG_REMOVED", coordinate, f"{coordinate}({arg_name}:) was removed.", used)
                )
            elif not _safe_input_change(old_arg.type, new_arg.type):
                changes.append(
                    BreakingChange(
                        "ARG_CHANGED_KIND",
                        coordinate,
                        f"{coordinate}({arg_name}:) changed type from {old_arg.type} to {new_arg.type}.",
                        used,
                    )
                )
        for arg_name, new_arg in replacement.args.items():
            if arg_name not in directive.args and is_required_argument(new_arg):
                changes.append(
                    BreakingChange(
                        "REQUIRED_DIRECTIVE_ARG_ADDED",
                        coordinate,
                        f"A required argument {coordinate}({arg_name}:) was added.",
                        used,
                    )
                )
        for location in directive.locations:
            if location not in replacement.locations:
                changes.append(
                    BreakingChange(
                        "DIRECTIVE_LOCATION_REMOVED",
                        coordinate,
                        f"{location.name} was removed from {coordinate}.",
                        used,
                    )
                )
    return changes


def _safe_output_change(old: GraphQLType, new: GraphQLType) -> bool:
    """Whether every response valid for `old` stays valid for a client expecting `new`.

    A field may become non-null, never nullable; lists stay lists; names stay the same.
    """
    if is_non_null_type(new) and not is_non_null_type(old):
        return _safe_output_change(old, new.of_type)  # type: ignore[attr-defined]
    if is_non_null_type(old):
        return is_non_null_type(new) and _safe_output_change(old.of_type, new.of_type)  # type: ignore[attr-defined]
    if is_list_type(old):
        return is_list_type(new) and _safe_output_change(old.of_type, new.of_type)  # type: ignore[attr-defined]
    return not is_list_type(new) and get_named_type(old).name == get_named_type(new).name


def _safe_input_change(old: GraphQLType, new: GraphQLType) -> bool:
    """Whether every value a client sent for `old` is still accepted by `new`.

    An argument may become nullable, never required; lists stay lists; names stay the same.
    """
    if is_non_null_type(old) and not is_non_null_type(new):
        return _safe_input_change(old.of_type, new)  # type: ignore[attr-defined]
    if is_non_null_type(new):
        return is_non_null_type(old) and _safe_input_change(old.of_type, new.of_type)  # type: ignore[attr-defined]
    if is_list_type(old):
        return is_list_type(new) and _safe_input_change(old.of_type, new.of_type)  # type: ignore[attr-defined]
    return not is_list_type(new) and get_named_type(old).name == get_named_type(new).name
