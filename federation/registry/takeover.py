"""One OPD cannot take another's data: a publish that would make this subgraph resolve a field
another subgraph already resolves — through `@override(from: …)`, a `@shareable` root field, or a
new `@key` with fields of its own on another subgraph's entity — is a takeover, refused unless
two different admins approved it (a two-party approval record, `splp registry approve`).

Only entity types (a `@key` in some subgraph) and the root types count: sharing a value type such
as `PageInfo` takes nobody's data. A key's own fields are shared by every subgraph that extends the
entity, and what this subgraph resolved in its previous version stays its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    DirectiveNode,
    GraphQLError,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    StringValueNode,
    parse,
)

ROOT_TYPES = frozenset({"Query", "Mutation", "Subscription"})


@dataclass(frozen=True)
class Takeover:
    coordinate: str  # `Type.field`
    owner: str  # the subgraph that resolves it today
    how: str  # "@override" | "root field" | "entity field"

    def describe(self, name: str) -> str:
        return f"{name} would take {self.coordinate} from {self.owner} ({self.how})"


@dataclass
class _Resolved:
    fields: dict[str, str | None]  # coordinate → @override(from:), for fields this subgraph resolves
    entities: set[str]
    key_fields: dict[str, set[str]]


def _name(directive: DirectiveNode) -> str:
    return directive.name.value.removeprefix("federation__")


def _argument(directive: DirectiveNode, name: str) -> str | None:
    for argument in directive.arguments or ():
        if argument.name.value == name and isinstance(argument.value, StringValueNode):
            return argument.value.value
    return None


def _read(sdl: str) -> _Resolved:
    resolved = _Resolved({}, set(), {})
    try:
        document = parse(sdl)
    except GraphQLError:
        return resolved  # composition reports it
    for definition in document.definitions:
        if not isinstance(definition, ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            continue
        type_name = definition.name.value
        for directive in definition.directives or ():
            if _name(directive) == "key":
                resolved.entities.add(type_name)
                fields = _argument(directive, "fields") or ""
                # the key's top-level fields: `id`, `nik`, `kode { provinsi }` → kode
                depth, top = 0, set()
                for token in fields.replace("{", " { ").replace("}", " } ").split():
                    if token == "{":
                        depth += 1
                    elif token == "}":
                        depth -= 1
                    elif depth == 0:
                        top.add(token)
                resolved.key_fields.setdefault(type_name, set()).update(top)
        for field in definition.fields or ():
            directives = {_name(d): d for d in field.directives or ()}
            if "external" in directives:
                continue
            override = directives.get("override")
            resolved.fields[f"{type_name}.{field.name.value}"] = _argument(override, "from") if override else None
    return resolved


def takeovers(name: str, new_sdl: str, previous_sdl: str | None, others: Mapping[str, str]) -> list[Takeover]:
    """What publishing `new_sdl` as subgraph `name` would take from the `others` (name → SDL)."""
    new = _read(new_sdl)
    previous = set(_read(previous_sdl).fields) if previous_sdl else set()
    read_others = {other: _read(sdl) for other, sdl in others.items() if other != name}
    entities = new.entities.union(*(r.entities for r in read_others.values()))
    owners: dict[str, str] = {}
    for other, resolved in sorted(read_others.items()):
        for coordinate in resolved.fields:
            owners.setdefault(coordinate, other)
    found = []
    for coordinate, override_from in sorted(new.fields.items()):
        type_name, _, field_name = coordinate.partition(".")
        if coordinate in previous:
            continue
        if override_from is not None and override_from in read_others:
            found.append(Takeover(coordinate, override_from, "@override"))
            continue
        if type_name not in entities and type_name not in ROOT_TYPES:
            continue
        if field_name in new.key_fields.get(type_name, ()):
            continue
        owner = owners.get(coordinate)
        if owner is not None:
            found.append(Takeover(coordinate, owner, "root field" if type_name in ROOT_TYPES else "entity field"))
    return found
