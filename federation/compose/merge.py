"""Merging subgraph schemas into one supergraph schema, as the Federation spec says.

Follows the steps of Apollo's composition (`Merger` in `@apollo/composition`): kinds must agree;
object and interface fields are the union over subgraphs, each field's subgraphs recorded with
`@join__field` when they differ from the type's; input objects keep only the fields every
subgraph has; enums keep every value when only read (output), only the common ones when only
written (input) and require equal values when both; output types merge to the common supertype
and argument types to the common subtype; a field resolved by several subgraphs must be
`@shareable` in all of them. Errors carry Apollo's codes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ConstValueNode,
    DirectiveNode,
    ListTypeNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    TypeNode,
    parse,
    print_ast,
    value_from_ast_untyped,
)
from graphql.language.print_string import print_string

from federation.compose.model import (
    MergedEnumValue,
    MergedField,
    MergedInputValue,
    MergedType,
    Supergraph,
)
from federation.compose.specs import (
    ACCESS_CONTROL,
    FEATURE_OF_DIRECTIVE,
    JOIN_DEFINITIONS,
    LINK_DEFINITIONS,
    Feature,
    default_name,
    join_version,
)
from federation.compose.subgraph import (
    Applied,
    Field,
    InputValue,
    SubgraphSchema,
    TypeDef,
    named_type,
)

BUILTIN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}
EXECUTABLE_LOCATIONS = (
    "QUERY",
    "MUTATION",
    "SUBSCRIPTION",
    "FIELD",
    "FRAGMENT_DEFINITION",
    "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT",
    "VARIABLE_DEFINITION",
)
# `$context { selection }` in @fromContext(field:), as Apollo's parseContext reads it.
CONTEXT_FIELD = re.compile(r"^(?:[\n\r\t ,]|#[^\n\r]*)*\$(?:[\n\r\t ,]|#[^\n\r]*)*([A-Za-z_]\w*)([\s\S]*)$")
BUILTIN_DIRECTIVES = {"deprecated", "specifiedBy"}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


# --- printing values ------------------------------------------------------------------------


def print_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return print_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(print_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {print_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot print {value!r}")


def directive(name: str, args: Sequence[tuple[str, Any]] = ()) -> str:
    printed = [f"{key}: {value}" for key, value in args if value is not None]
    return f"@{name}" + (f"({', '.join(printed)})" if printed else "")


def _graph_args(graph: str | None, **extra: Any) -> list[tuple[str, Any]]:
    args: list[tuple[str, Any]] = [("graph", graph)] if graph is not None else []
    for key, value in extra.items():
        if value is None:
            continue
        args.append((key, print_value(value)))
    return args


def type_str(type_node: TypeNode) -> str:
    return print_ast(type_node)


def same_type(a: TypeNode, b: TypeNode) -> bool:
    return type_str(a) == type_str(b)


def _application_key(node: DirectiveNode) -> str:
    args = sorted((a.name.value, print_ast(a.value)) for a in node.arguments or ())
    return node.name.value + repr(args)


# --- the merger -----------------------------------------------------------------------------


@dataclass
class _Context:
    """What @override decided for one field (see `Merger._validate_override`)."""

    used_overridden: set[int] = field(default_factory=set)
    unused_overridden: set[int] = field(default_factory=set)
    labels: dict[int, str] = field(default_factory=dict)


class Merger:
    def __init__(self, subgraphs: list[SubgraphSchema]) -> None:
        self.subgraphs = subgraphs
        self.names = [s.name for s in subgraphs]
        self.errors: list[Problem] = []
        self.types: dict[str, MergedType] = {}
        self.enum_usage: dict[str, str] = {}
        self.version = max(s.version for s in subgraphs)
        self.join_version = join_version(self.version)
        self.graph_names = _graph_enum_names(self.names)
        # federation directive -> name in the supergraph, for the spec directives in use
        self.spec_directives: dict[str, str] = {}
        # name in the supergraph -> (identity url, definition node) for @composeDirective ones
        self.composed: dict[str, tuple[SubgraphSchema, str]] = {}
        self.composed_links: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        self.pending_directives: list[tuple[list[list[Applied] | None], list[str], list[str]]] = []
        self._access_extra_cache: dict[str, list[list[Applied]]] | None = None

    # --- helpers --------------------------------------------------------------------------
    def error(self, code: str, message: str) -> None:
        self.errors.append(Problem(code, message))

    def graph(self, idx: int) -> str:
        return self.graph_names[self.names[idx]]

    def _subgraph_list(self, indices: Sequence[int]) -> str:
        names = [f'"{self.names[i]}"' for i in indices]
        if len(names) == 1:
            return f"subgraph {names[0]}"
        return "subgraphs " + ", ".join(names[:-1]) + " and " + names[-1]

    def is_merged_directive(self, subgraph: SubgraphSchema, applied: Applied) -> bool:
        if applied.name in BUILTIN_DIRECTIVES:
            return True
        fed = subgraph.fed(applied)
        if fed is not None:
            return fed in self.spec_directives and self.spec_directives[fed] == applied.name
        return applied.name in self.composed and self._composes(subgraph, applied.name)

    def _composes(self, subgraph: SubgraphSchema, name: str) -> bool:
        return name in subgraph.directive_definitions

    # --- entry point ----------------------------------------------------------------------
    def merge(self) -> Supergraph | None:
        self._collect_spec_directives()
        self._collect_composed_directives()
        if self.errors:
            return None
        # Types of mismatched kinds are left out; merging goes on to report what else is wrong.
        self._add_types_shallow()
        for type_name, merged in self.types.items():
            if merged.kind in ("object", "interface"):
                self._merge_implements(type_name, merged)
        for type_name, merged in self.types.items():
            if merged.kind == "union":
                self._merge_type(type_name, merged)
        roots = self._roots = self._merge_roots()
        self.schema_directives: list[str] = []
        self.schema_description = _merge_description([s.schema_description for s in self.subgraphs])
        self._record_directives([s.schema_directives for s in self.subgraphs], self.schema_directives)
        for kind in ("scalar", "input", "interface", "object"):
            for type_name, merged in list(self.types.items()):
                if merged.kind == kind:
                    self._merge_type(type_name, merged)
        for type_name, merged in list(self.types.items()):
            if merged.kind == "enum":
                self._merge_type(type_name, merged)
        if "query" not in roots or roots["query"] not in self.types:
            self.error("NO_QUERIES", "No queries found in any subgraph: a supergraph must have a query root type.")
        for kind, name in list(roots.items()):
            if name not in self.types:
                del roots[kind]
        self._merge_pending_directives()
        self._add_missing_interface_object_fields()
        if not self.errors:
            self._post_merge_validations()
        if self.errors:
            return None
        return self._supergraph(roots)

    # --- spec and composed directives ------------------------------------------------------
    def _collect_spec_directives(self) -> None:
        """The spec directives used anywhere, in the order Apollo adds their specs (subgraphs by name,
        each in its own import order)."""
        used: dict[str, dict[int, str]] = {}
        for idx, subgraph in enumerate(self.subgraphs):
            applied_names = {a.name for a in _all_applications(subgraph)}
            for local, fed in subgraph.federation_names.items():
                if fed in FEATURE_OF_DIRECTIVE and local in applied_names:
                    used.setdefault(fed, {})[idx] = local
        for fed, per_subgraph in used.items():
            names = set(per_subgraph.values())
            if len(names) > 1:
                detail = " and ".join(f'"@{n}" in subgraph "{self.names[i]}"' for i, n in per_subgraph.items())
                self.error(
                    "LINK_IMPORT_NAME_MISMATCH",
                    f'The "@{fed}" directive (from {FEATURE_OF_DIRECTIVE[fed].url}) is imported with '
                    f"mismatched name between subgraphs: it is imported as {detail}",
                )
                continue
            self.spec_directives[fed] = names.pop()

    def _collect_composed_directives(self) -> None:
        for subgraph in self.subgraphs:
            for applied in subgraph.schema_directives:
                if subgraph.fed(applied) != "composeDirective":
                    continue
                raw = applied.string_arg("name") or ""
                name = raw.removeprefix("@")
                if not raw.startswith("@") or name not in subgraph.directive_definitions:
                    self.error(
                        "DIRECTIVE_COMPOSITION_ERROR",
                        f"Could not find matching directive definition for argument to @composeDirective "
                        f'"{raw}" in subgraph "{subgraph.name}".',
                    )
                    continue
                self.composed[name] = (subgraph, name)
                for link in subgraph.links:
                    for original, local in link.imports.items():
                        if local == "@" + name:
                            current = self.composed_links.get(link.identity)
                            imports = current[1] if current else []
                            if (original[1:], name) not in imports:
                                imports.append((original[1:], name))
                            url = (
                                link.url
                                if current is None or _url_version(link.url) > _url_version(current[0])
                                else current[0]
                            )
                            self.composed_links[link.identity] = (url, imports)

    # --- types ---------------------------------------------------------------------------
    def _sources(self, type_name: str, kind: str) -> list[TypeDef | None]:
        result: list[TypeDef | None] = []
        for subgraph in self.subgraphs:
            type_def = subgraph.types.get(type_name)
            if type_def is not None:
                effective = "interface" if subgraph.is_interface_object(type_def) else type_def.kind
                result.append(type_def if effective == kind else None)
            else:
                result.append(None)
        return result

    def _add_types_shallow(self) -> None:
        kinds: dict[str, dict[str, list[int]]] = {}
        interface_objects: set[str] = set()
        for idx, subgraph in enumerate(self.subgraphs):
            for type_def in subgraph.types.values():
                kind = type_def.kind
                if subgraph.is_interface_object(type_def):
                    kind = "interface"
                    interface_objects.add(type_def.name)
                kinds.setdefault(type_def.name, {}).setdefault(kind, []).append(idx)
        for type_name, by_kind in kinds.items():
            if type_name in BUILTIN_SCALARS and set(by_kind) != {"scalar"}:
                detail = " but ".join(
                    f"{_kind_label(k)} in {self._subgraph_list(indices)}"
                    for k, indices in by_kind.items()
                    if k != "scalar"
                )
                self.error(
                    "TYPE_KIND_MISMATCH",
                    f'Type "{type_name}" has mismatched kind: it is defined as Scalar Type (built in) but {detail}',
                )
                continue
            if len(by_kind) > 1:
                detail = " but ".join(
                    f"{_kind_label(k)} in {self._subgraph_list(indices)}" for k, indices in by_kind.items()
                )
                self.error("TYPE_KIND_MISMATCH", f'Type "{type_name}" has mismatched kind: it is defined as {detail}')
                continue
            self.types[type_name] = MergedType(type_name, next(iter(by_kind)))
        for type_name in interface_objects:
            if type_name in self.types and not any(
                s.types.get(type_name) is not None and s.types[type_name].kind == "interface" for s in self.subgraphs
            ):
                holders = [i for i, s in enumerate(self.subgraphs) if type_name in s.types]
                self.error(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f'Type "{type_name}" is declared with @interfaceObject in all the subgraphs in which it '
                    f"is defined (it is defined in {self._subgraph_list(holders)} but should be defined as "
                    "an interface in at least one subgraph)",
                )

    def _merge_implements(self, type_name: str, merged: MergedType) -> None:
        for idx, source in enumerate(self._sources(type_name, merged.kind)):
            if source is None:
                continue
            for interface in source.interfaces:
                if interface not in merged.interfaces:
                    merged.interfaces.append(interface)
                merged.directives.append(
                    directive("join__implements", [("graph", self.graph(idx)), ("interface", print_value(interface))])
                )

    def _merge_roots(self) -> dict[str, str]:
        roots: dict[str, str] = {}
        for subgraph in self.subgraphs:
            for kind, name in subgraph.roots.items():
                if name in subgraph.types:
                    roots.setdefault(kind, name)
        return roots

    def _merge_type(self, type_name: str, merged: MergedType) -> None:
        sources = self._sources(type_name, merged.kind)
        self._check_extension_with_no_base(type_name, sources)
        merged.description = _merge_description([s.description if s else None for s in sources])
        self._add_join_type(sources, merged)
        self._record_directives(
            [s.directives if s else None for s in sources],
            merged.directives,
            access_key=merged.name if merged.kind == "interface" else None,
        )
        if merged.kind == "object":
            self._merge_object(sources, merged)
        elif merged.kind == "interface":
            self._merge_interface(sources, merged)
        elif merged.kind == "union":
            self._merge_union(sources, merged)
        elif merged.kind == "enum":
            self._merge_enum(sources, merged)
        elif merged.kind == "input":
            self._merge_input(sources, merged)

    def _check_extension_with_no_base(self, type_name: str, sources: list[TypeDef | None]) -> None:
        if any(s.root_kind(type_name) for s in self.subgraphs):
            return
        present = [(i, s) for i, s in enumerate(sources) if s is not None]
        if present and not any(s.has_definition for _, s in present):
            for i, _ in present:
                self.error(
                    "EXTENSION_WITH_NO_BASE",
                    f'[{self.names[i]}] Type "{type_name}" is an extension type, but there is no type '
                    f'definition for "{type_name}" in any subgraph.',
                )

    def _add_join_type(self, sources: list[TypeDef | None], merged: MergedType) -> None:
        for idx, source in enumerate(sources):
            if source is None:
                continue
            subgraph = self.subgraphs[idx]
            interface_object = True if subgraph.is_interface_object(source) else None
            keys = subgraph.keys(source) if source.kind in ("object", "interface") else []
            if not keys:
                merged.directives.append(
                    directive("join__type", _graph_args(self.graph(idx), isInterfaceObject=interface_object))
                )
            for key in keys:
                merged.directives.append(
                    directive(
                        "join__type",
                        _graph_args(
                            self.graph(idx),
                            key=key.fields,
                            extension=True if key.extension else None,
                            resolvable=False if not key.resolvable else None,
                            isInterfaceObject=interface_object,
                        ),
                    )
                )

    # --- objects and interfaces ------------------------------------------------------------
    def _field_sources(self, sources: list[TypeDef | None], merged: MergedType) -> dict[str, dict[int, Field | None]]:
        """Per field name, the subgraphs that define the type (None where the field is missing)."""
        extra: dict[int, Field | None] = {}
        for idx, subgraph in enumerate(self.subgraphs):
            for interface in merged.interfaces:
                itf = subgraph.types.get(interface)
                if itf is not None and subgraph.is_interface_object(itf):
                    extra[idx] = None
            if merged.name in subgraph.types:
                extra[idx] = None
        added: dict[str, dict[int, Field | None]] = {}
        for idx, source in enumerate(sources):
            if source is None:
                continue
            for field_def in source.fields.values():
                per_field = added.setdefault(field_def.name, dict(extra))
                per_field[idx] = field_def
        return {name: dict(sorted(f.items())) for name, f in added.items()}

    def _merge_object(self, sources: list[TypeDef | None], merged: MergedType) -> None:
        is_subscription = self._roots.get("subscription") == merged.name
        for field_name, field_sources in self._field_sources(sources, merged).items():
            context = self._validate_override(merged, field_name, field_sources)
            if is_subscription:
                shareable = [
                    i
                    for i, f in field_sources.items()
                    if f is not None and self.subgraphs[i].has(f.directives, "shareable")
                ]
                if shareable:
                    self.error(
                        "INVALID_FIELD_SHARING",
                        f"Fields on root level subscription object cannot be marked as shareable: "
                        f'"{merged.name}.{field_name}" is @shareable in {self._subgraph_list(shareable)}',
                    )
            dest = self._merge_field(merged, field_name, field_sources, context)
            if dest is not None:
                merged.fields[field_name] = dest
            self._validate_field_sharing(merged, field_name, field_sources, context)
        if not merged.fields:
            del self.types[merged.name]

    def _merge_interface(self, sources: list[TypeDef | None], merged: MergedType) -> None:
        self._validate_interface_keys(sources, merged)
        for field_name, field_sources in self._field_sources(sources, merged).items():
            context = self._validate_override(merged, field_name, field_sources)
            dest = self._merge_field(merged, field_name, field_sources, context)
            if dest is not None:
                merged.fields[field_name] = dest

    def _implementations(self, interface: str) -> list[str]:
        return [t.name for t in self.types.values() if interface in t.interfaces]

    def _validate_interface_keys(self, sources: list[TypeDef | None], merged: MergedType) -> None:
        supergraph_implementations = self._implementations(merged.name)
        for idx, source in enumerate(sources):
            if source is None:
                continue
            subgraph = self.subgraphs[idx]
            if subgraph.is_interface_object(source):
                defined = [t for t in supergraph_implementations if t in subgraph.types]
                if defined:
                    self.error(
                        "INTERFACE_OBJECT_USAGE_ERROR",
                        f'[{subgraph.name}] Interface type "{merged.name}" is defined as an @interfaceObject '
                        f'in subgraph "{subgraph.name}" so that subgraph should not define any of the '
                        f'implementation types of "{merged.name}", but it defines '
                        + ", ".join(f'"{t}"' for t in defined),
                    )
                continue
            if source.kind != "interface" or not any(k.resolvable for k in subgraph.keys(source)):
                continue
            in_subgraph = {t.name for t in subgraph.types.values() if merged.name in t.interfaces}
            missing = [t for t in supergraph_implementations if t not in in_subgraph]
            if missing:
                self.error(
                    "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
                    f'[{subgraph.name}] Interface type "{merged.name}" has a resolvable key in subgraph '
                    f'"{subgraph.name}" but that subgraph is missing some of the supergraph implementation '
                    f'types of "{merged.name}". Subgraph "{subgraph.name}" should define '
                    + ", ".join(f'"{t}"' for t in missing)
                    + f' (and have them implement "{merged.name}").',
                )

    def _parent(self, idx: int, type_name: str) -> TypeDef:
        return self.subgraphs[idx].types[type_name]

    def _is_external(self, idx: int, type_name: str, field_def: Field) -> bool:
        return self.subgraphs[idx].is_external(self._parent(idx, type_name), field_def)

    def _validate_override(self, merged: MergedType, field_name: str, sources: dict[int, Field | None]) -> _Context:
        context = _Context()
        with_override: dict[int, Applied] = {}
        for idx, source in sources.items():
            if source is not None:
                override = self.subgraphs[idx].override_from(source)
                if override is not None:
                    with_override[idx] = override
        coordinate = f"{merged.name}.{field_name}"
        for idx, override in with_override.items():
            name = self.names[idx]
            source_type = self._parent(idx, merged.name)
            if source_type.kind == "interface":
                self.error(
                    "OVERRIDE_ON_INTERFACE",
                    f'@override cannot be used on field "{coordinate}" on subgraph "{name}": @override is '
                    "not supported on interface type fields.",
                )
                continue
            if self.subgraphs[idx].is_interface_object(source_type):
                self.error(
                    "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                    f"@override is not yet supported on fields of @interfaceObject types: cannot be used on "
                    f'field "{coordinate}" on subgraph "{name}".',
                )
                continue
            from_name = override.string_arg("from") or ""
            label = override.string_arg("label")
            if from_name not in self.names:
                continue
            if from_name == name:
                self.error(
                    "OVERRIDE_FROM_SELF_ERROR",
                    f'Source and destination subgraphs "{from_name}" are the same for overridden field "{coordinate}"',
                )
                continue
            from_idx = self.names.index(from_name)
            if from_idx in with_override:
                self.error(
                    "OVERRIDE_SOURCE_HAS_OVERRIDE",
                    f'Field "{coordinate}" on subgraph "{name}" is also marked with directive @override in '
                    f'subgraph "{from_name}". Only one @override directive is allowed per field.',
                )
                continue
            from_field = sources.get(from_idx)
            if from_field is None:
                continue
            from_subgraph = self.subgraphs[from_idx]
            conflicting = next(
                (d for d in ("requires", "provides") if from_subgraph.has(from_field.directives, d)), None
            )
            own_field = sources[idx]
            if conflicting is None and own_field is not None and self._is_external(idx, merged.name, own_field):
                conflicting = "external"
            if conflicting is not None:
                self.error(
                    "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                    f'@override cannot be used on field "{coordinate}" on subgraph "{name}" since '
                    f'"{coordinate}" on "{from_name}" is marked with directive "@{conflicting}"',
                )
                continue
            if self._is_external(from_idx, merged.name, from_field):
                pass
            elif from_subgraph.field_used(merged.name, field_name):
                context.used_overridden.add(from_idx)
            else:
                context.unused_overridden.add(from_idx)
            if label is not None:
                if _valid_label(label):
                    context.labels[idx] = label
                    context.labels[from_idx] = label
                else:
                    self.error(
                        "OVERRIDE_LABEL_INVALID",
                        f'Invalid @override label "{label}" on field "{coordinate}" on subgraph "{name}": '
                        "labels must start with a letter and after that may contain alphanumerics, "
                        "underscores, minuses, colons, periods, or slashes. Alternatively, labels may be "
                        'of the form "percent(x)" where x is a float between 0-100 inclusive.',
                    )
        return context

    def _merge_field(
        self, merged: MergedType, field_name: str, sources: dict[int, Field | None], context: _Context
    ) -> MergedField | None:
        coordinate = f"{merged.name}.{field_name}"
        present = {i: f for i, f in sources.items() if f is not None}
        if all(self._is_external(i, merged.name, f) for i, f in present.items()) and not self._abstracted(
            merged, field_name, sources
        ):
            self.error(
                "EXTERNAL_MISSING_ON_BASE",
                f'Field "{coordinate}" is marked @external on all the subgraphs in which it is listed '
                f"({self._subgraph_list(list(present))}).",
            )
            return None
        without_external: dict[int, Field | None] = {
            i: (f if f is not None and not self._is_external(i, merged.name, f) else None) for i, f in sources.items()
        }
        for i, f in present.items():
            if self._is_external(i, merged.name, f):
                for applied in f.directives:
                    if self.is_merged_directive(self.subgraphs[i], applied) and applied.name not in BUILTIN_DIRECTIVES:
                        self.error(
                            "MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL",
                            f"[{self.names[i]}] Cannot apply merged directive {print_ast(applied.node)} to "
                            f'external field "{coordinate}"',
                        )
        non_external = {i: f for i, f in without_external.items() if f is not None}
        first = next(iter(non_external.values()), None) or next(iter(present.values()))
        dest = MergedField(field_name, first.type)
        if non_external:
            dest.description = _merge_description([f.description for f in non_external.values()])
            self._record_directives(
                [f.directives if f else None for f in without_external.values()],
                dest.directives,
                indices=list(without_external),
                access_key=coordinate,
            )
            dest.args = self._merge_arguments(coordinate, without_external)
        type_sources = non_external or present
        dest.type, all_types_equal = self._merge_type_reference(
            coordinate, "field", [(i, f.type) for i, f in type_sources.items()], input_position=False
        )
        if any(self._is_external(i, merged.name, f) for i, f in present.items()):
            self._validate_external(merged, dest, present, all_types_equal)
        self._add_join_field(merged, dest, sources, all_types_equal, context)
        return dest

    def _abstracted(self, merged: MergedType, field_name: str, sources: dict[int, Field | None]) -> bool:
        """Whether some subgraph provides the field through an @interfaceObject (not external)."""
        for idx, source in sources.items():
            if source is not None:
                continue
            subgraph = self.subgraphs[idx]
            if merged.name in subgraph.types:
                continue
            for interface in merged.interfaces:
                itf = subgraph.types.get(interface)
                if (
                    itf is not None
                    and subgraph.is_interface_object(itf)
                    and field_name in itf.fields
                    and not (subgraph.is_external(itf, itf.fields[field_name]))
                ):
                    return True
        return False

    def _merge_arguments(self, coordinate: str, sources: dict[int, Field | None]) -> dict[str, MergedInputValue]:
        names: list[str] = []
        for source in sources.values():
            if source is not None:
                names += [a for a in source.args if a not in names]
        result: dict[str, MergedInputValue] = {}
        for arg_name in names:
            arg_sources = {
                i: (f.args.get(arg_name) if f is not None else None) for i, f in sources.items() if f is not None
            }
            contextual = {
                i
                for i, a in arg_sources.items()
                if a is not None and self.subgraphs[i].has(a.directives, "fromContext")
            }
            if contextual:
                # Filled by the gateway from an enclosing @context: never part of the supergraph's field.
                for i, a in arg_sources.items():
                    if a is not None and i not in contextual and _is_required(a):
                        self.error(
                            "CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS",
                            f'Argument "{coordinate}({arg_name}:)" is contextual in at least one subgraph but '
                            f'in subgraph "{self.names[i]}" it does not have @fromContext, is not nullable '
                            "and has no default value.",
                        )
                continue
            missing = [i for i, a in arg_sources.items() if a is None]
            if missing:
                required = [i for i, a in arg_sources.items() if a is not None and _is_required(a)]
                if required:
                    self.error(
                        "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                        f'Argument "{coordinate}({arg_name}:)" is required in some subgraphs but does not '
                        f"appear in all subgraphs: it is required in {self._subgraph_list(required)} but "
                        f"does not appear in {self._subgraph_list(missing)}",
                    )
                continue
            result[arg_name] = self._merge_input_value(
                f"{coordinate}({arg_name}:)", "Argument", {i: a for i, a in arg_sources.items() if a is not None}
            )
        return result

    def _merge_input_value(self, coordinate: str, kind: str, sources: dict[int, InputValue]) -> MergedInputValue:
        first = next(iter(sources.values()))
        dest = MergedInputValue(first.name, first.type)
        dest.description = _merge_description([a.description for a in sources.values()])
        self._record_directives([a.directives for a in sources.values()], dest.directives, indices=list(sources))
        dest.type, _ = self._merge_type_reference(
            coordinate,
            "argument" if kind == "Argument" else "field",
            [(i, a.type) for i, a in sources.items()],
            input_position=True,
        )
        dest.default = self._merge_default(coordinate, kind, sources)
        return dest

    def _merge_default(self, coordinate: str, kind: str, sources: dict[int, InputValue]) -> ConstValueNode | None:
        dest: ConstValueNode | None = None
        seen = inconsistent = incompatible = False
        for source in sources.values():
            if dest is None:
                dest = source.default
                if seen and source.default is not None:
                    inconsistent = True
            elif source.default is None or print_ast(source.default) != print_ast(dest):
                inconsistent = True
                if source.default is not None:
                    incompatible = True
            seen = True
        if incompatible:
            defaults = ", ".join(
                f'{print_ast(s.default) if s.default is not None else "no default value"} in "{self.names[i]}"'
                for i, s in sources.items()
            )
            self.error(
                "FIELD_ARGUMENT_DEFAULT_MISMATCH" if kind == "Argument" else "INPUT_FIELD_DEFAULT_MISMATCH",
                f'{kind} "{coordinate}" has incompatible default values across subgraphs: it has {defaults}',
            )
        return dest if (not inconsistent or incompatible) else None

    def _merge_type_reference(
        self, coordinate: str, element: str, sources: list[tuple[int, TypeNode]], *, input_position: bool
    ) -> tuple[TypeNode, bool]:
        dest: TypeNode | None = None
        has_subtypes = incompatible = False
        for _, source in sources:
            if dest is None or same_type(dest, source):
                dest = source
            elif self._is_strict_subtype(dest, source):
                has_subtypes = True
                if input_position:
                    dest = source
            elif self._is_strict_subtype(source, dest):
                has_subtypes = True
                if not input_position:
                    dest = source
            else:
                incompatible = True
        assert dest is not None
        base = named_type(dest)
        if base in self.types and self.types[base].kind == "enum":
            position = "Input" if input_position else "Output"
            existing = self.enum_usage.get(base)
            self.enum_usage[base] = "Both" if existing and existing != position else position
        if incompatible:
            detail = " and ".join(f'type "{type_str(t)}" in subgraph "{self.names[i]}"' for i, t in sources)
            self.error(
                "FIELD_ARGUMENT_TYPE_MISMATCH" if element == "argument" else "FIELD_TYPE_MISMATCH",
                f'Type of {element} "{coordinate}" is incompatible across subgraphs: it has {detail}',
            )
            return dest, False
        return dest, not has_subtypes

    def _is_strict_subtype(self, parent: TypeNode, candidate: TypeNode) -> bool:
        """Whether `candidate` is a strict subtype of `parent` under Apollo's default rules."""
        if isinstance(candidate, NonNullTypeNode):
            if isinstance(parent, NonNullTypeNode):
                return self._is_strict_subtype(parent.type, candidate.type)
            return same_type(parent, candidate.type) or self._is_strict_subtype(parent, candidate.type)
        if isinstance(parent, NonNullTypeNode):
            return False
        if isinstance(parent, ListTypeNode) and isinstance(candidate, ListTypeNode):
            return self._is_strict_subtype(parent.type, candidate.type)
        if isinstance(parent, NamedTypeNode) and isinstance(candidate, NamedTypeNode):
            parent_type = self.types.get(parent.name.value)
            child = candidate.name.value
            if parent_type is None:
                return False
            if parent_type.kind == "union":
                return child in parent_type.members
            if parent_type.kind == "interface":
                child_type = self.types.get(child)
                return child_type is not None and parent_type.name in child_type.interfaces
        return False

    def _validate_external(
        self, merged: MergedType, dest: MergedField, present: dict[int, Field], all_types_equal: bool
    ) -> None:
        coordinate = f"{merged.name}.{dest.name}"
        invalid_type = False
        for idx, source in present.items():
            if not self._is_external(idx, merged.name, source):
                continue
            if not (
                same_type(dest.type, source.type)
                or (not all_types_equal and self._is_strict_subtype(dest.type, source.type))
            ):
                invalid_type = True
            for arg_name, arg in dest.args.items():
                own = source.args.get(arg_name)
                if own is None:
                    self.error(
                        "EXTERNAL_ARGUMENT_MISSING",
                        f'Field "{coordinate}" is missing argument "{coordinate}({arg_name}:)" in some '
                        f'subgraphs where it is marked @external: subgraph "{self.names[idx]}"',
                    )
                else:
                    if not same_type(arg.type, own.type) and not self._is_strict_subtype(own.type, arg.type):
                        self.error(
                            "EXTERNAL_ARGUMENT_TYPE_MISMATCH",
                            f'Type of argument "{coordinate}({arg_name}:)" is incompatible across subgraphs '
                            f'(where "{coordinate}" is marked @external)',
                        )
                    ours = print_ast(arg.default) if arg.default is not None else None
                    theirs = print_ast(own.default) if own.default is not None else None
                    if ours != theirs:
                        self.error(
                            "EXTERNAL_ARGUMENT_DEFAULT_MISMATCH",
                            f'Argument "{coordinate}({arg_name}:)" has incompatible defaults across subgraphs '
                            f'(where "{coordinate}" is marked @external): it has '
                            f"{'default value ' + ours if ours else 'no default value'} in the supergraph but "
                            f"{'default value ' + theirs if theirs else 'no default value'} in subgraph "
                            f'"{self.names[idx]}"',
                        )
        if invalid_type:
            detail = " and ".join(
                f'type "{type_str(f.type)}" in subgraph "{self.names[i]}"' for i, f in present.items()
            )
            self.error(
                "EXTERNAL_TYPE_MISMATCH",
                f'Type of field "{coordinate}" is incompatible across subgraphs (where marked @external): it '
                f"has {detail}",
            )

    def _context_arguments(self, idx: int, field_def: Field) -> list[dict[str, str]]:
        subgraph = self.subgraphs[idx]
        found = []
        for arg in field_def.args.values():
            applied = subgraph.applications(arg.directives, "fromContext")
            if not applied:
                continue
            match = CONTEXT_FIELD.match(applied[0].string_arg("field") or "")
            if match is None:
                continue
            found.append(
                {
                    "context": f"{subgraph.name}__{match.group(1)}",
                    "name": arg.name,
                    "type": type_str(arg.type),
                    "selection": match.group(2),
                }
            )
        return found

    def _needs_join_field(
        self, type_name: str, sources: dict[int, Field | None], all_types_equal: bool, context: _Context
    ) -> bool:
        if not all_types_equal or context.used_overridden or context.labels:
            return True
        if any(f is not None and self._context_arguments(i, f) for i, f in sources.items()):
            return True
        for idx, source in sources.items():
            if source is not None and idx not in context.unused_overridden:
                subgraph = self.subgraphs[idx]
                if (
                    self._is_external(idx, type_name, source)
                    or subgraph.has(source.directives, "provides")
                    or subgraph.has(source.directives, "requires")
                ):
                    return True
            elif type_name in self.subgraphs[idx].types:
                return True
        return False

    def _add_join_field(
        self,
        merged: MergedType,
        dest: MergedField,
        sources: dict[int, Field | None],
        all_types_equal: bool,
        context: _Context,
    ) -> None:
        if not self._needs_join_field(merged.name, sources, all_types_equal, context):
            return
        for idx, source in sources.items():
            label = context.labels.get(idx)
            if source is None or (idx in context.unused_overridden and label is None):
                continue
            subgraph = self.subgraphs[idx]
            override = subgraph.override_from(source)
            dest.directives.append(
                directive(
                    "join__field",
                    _graph_args(
                        self.graph(idx),
                        requires=subgraph.field_set(source, "requires"),
                        provides=subgraph.field_set(source, "provides"),
                        type=None if all_types_equal else type_str(source.type),
                        external=True if self._is_external(idx, merged.name, source) else None,
                        override=override.string_arg("from") if override is not None else None,
                        usedOverridden=True if idx in context.used_overridden else None,
                        overrideLabel=label,
                        contextArguments=self._context_arguments(idx, source) or None,
                    ),
                ),
            )

    def _validate_field_sharing(
        self, merged: MergedType, field_name: str, sources: dict[int, Field | None], context: _Context
    ) -> None:
        shareable: list[int] = []
        non_shareable: list[int] = []
        resolving: list[int] = []
        for idx, source in sources.items():
            subgraph = self.subgraphs[idx]
            if source is None:
                for interface in merged.interfaces:
                    itf = subgraph.types.get(interface)
                    if (
                        merged.name not in subgraph.types
                        and itf is not None
                        and subgraph.is_interface_object(itf)
                        and field_name in itf.fields
                    ):
                        itf_field = itf.fields[field_name]
                        if not subgraph.is_fully_external(itf, itf_field):
                            resolving.append(idx)
                            (shareable if subgraph.is_shareable(itf, itf_field) else non_shareable).append(idx)
                continue
            if idx in context.used_overridden or idx in context.unused_overridden:
                continue
            parent = self._parent(idx, merged.name)
            if subgraph.is_fully_external(parent, source):
                continue
            resolving.append(idx)
            (shareable if subgraph.is_shareable(parent, source) else non_shareable).append(idx)
        if non_shareable and (shareable or len(non_shareable) > 1):
            which = self._subgraph_list(non_shareable) if shareable else "all of them"
            self.error(
                "INVALID_FIELD_SHARING",
                f'Non-shareable field "{merged.name}.{field_name}" is resolved from multiple subgraphs: it is '
                f"resolved from {self._subgraph_list(resolving)} and defined as non-shareable in {which}",
            )

    # --- unions, enums, inputs -------------------------------------------------------------
    def _merge_union(self, sources: list[TypeDef | None], merged: MergedType) -> None:
        for source in sources:
            if source is not None:
                merged.members += [m for m in source.members if m not in merged.members]
        for member in merged.members:
            for idx, source in enumerate(sources):
                if source is not None and member in source.members:
                    merged.directives.append(
                        directive("join__unionMember", [("graph", self.graph(idx)), ("member", print_value(member))])
                    )

    def _merge_enum(self, sources: list[TypeDef | None], merged: MergedType) -> None:
        usage = self.enum_usage.get(merged.name, "Output")
        names: list[str] = []
        for source in sources:
            if source is not None:
                names += [v for v in source.values if v not in names]
        for value_name in names:
            value_sources = {i: s.values.get(value_name) for i, s in enumerate(sources) if s is not None}
            present = {i: v for i, v in value_sources.items() if v is not None}
            value = MergedEnumValue(value_name)
            value.description = _merge_description([v.description for v in present.values()])
            self._record_directives([v.directives for v in present.values()], value.directives, indices=list(present))
            for idx in present:
                value.directives.append(directive("join__enumValue", [("graph", self.graph(idx))]))
            inaccessible = self.spec_directives.get("inaccessible")
            is_inaccessible = inaccessible is not None and any(
                a.name == inaccessible for v in present.values() for a in v.directives
            )
            missing = [i for i, v in value_sources.items() if v is None]
            if not is_inaccessible and usage != "Output" and missing:
                if usage == "Both":
                    self.error(
                        "ENUM_VALUE_MISMATCH",
                        f'Enum type "{merged.name}" is used as both input type and output type, but value '
                        f'"{value_name}" is not defined in all the subgraphs defining "{merged.name}": '
                        f'"{value_name}" is defined in {self._subgraph_list(list(present))} but not in '
                        f"{self._subgraph_list(missing)}",
                    )
                continue
            merged.values[value_name] = value
        if not merged.values:
            self.error(
                "EMPTY_MERGED_ENUM_TYPE",
                f'None of the values of enum type "{merged.name}" are defined consistently in all the '
                "subgraphs defining that type. As only values common to all subgraphs are merged, this "
                "would result in an empty type.",
            )

    def _merge_input(self, sources: list[TypeDef | None], merged: MergedType) -> None:
        names: list[str] = []
        for source in sources:
            if source is not None:
                names += [f for f in source.input_fields if f not in names]
        inaccessible = self.spec_directives.get("inaccessible")
        for field_name in names:
            field_sources = {i: s.input_fields.get(field_name) for i, s in enumerate(sources) if s is not None}
            present = {i: f for i, f in field_sources.items() if f is not None}
            coordinate = f"{merged.name}.{field_name}"
            dest = self._merge_input_value(coordinate, "Input field", present)
            all_equal = len({type_str(f.type) for f in present.values()}) == 1
            missing = [i for i, f in field_sources.items() if f is None]
            if not all_equal or missing:
                for idx, input_source in present.items():
                    dest.directives.append(
                        directive(
                            "join__field",
                            _graph_args(self.graph(idx), type=None if all_equal else type_str(input_source.type)),
                        ),
                    )
            is_inaccessible = inaccessible is not None and any(
                a.name == inaccessible for f in present.values() for a in f.directives
            )
            if missing and not is_inaccessible:
                required = [i for i, f in present.items() if _is_required(f)]
                if required:
                    self.error(
                        "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                        f'Input object field "{coordinate}" is required in some subgraphs but does not '
                        f"appear in all subgraphs: it is required in {self._subgraph_list(required)} but "
                        f"does not appear in {self._subgraph_list(missing)}",
                    )
                continue
            merged.input_fields[field_name] = dest
        if not merged.input_fields:
            self.error(
                "EMPTY_MERGED_INPUT_TYPE",
                f'None of the fields of input object type "{merged.name}" are consistently defined in all '
                "the subgraphs defining that type. As only fields common to all subgraphs are merged, this "
                "would result in an empty type.",
            )

    # --- applied directives ---------------------------------------------------------------
    def _record_directives(
        self,
        sources: list[list[Applied] | None],
        dest: list[str],
        indices: list[int] | None = None,
        access_key: str | None = None,
    ) -> None:
        """Remembers which merged directives to apply to `dest` once all types are merged.

        `access_key` ("Type" for an interface, "Type.field" for a field) adds the access control
        directives of implementations, which secure the interface (or its field) as well.
        """
        if indices is None:
            indices = list(range(len(sources)))
        names: dict[str, None] = {}  # in the order the subgraphs apply them
        transformed: list[list[Applied] | None] = []
        for idx, applications in zip(indices, sources, strict=True):
            for applied in applications or ():
                if self.is_merged_directive(self.subgraphs[idx], applied):
                    names[applied.name] = None
            transformed.append(None if applications is None else [self._static_transform(idx, a) for a in applications])
        inaccessible = self.spec_directives.get("inaccessible")
        if inaccessible in names:
            # Apollo merges @inaccessible at once (before the join directives of fields and values).
            self._merge_applied(inaccessible, transformed, dest)
            del names[inaccessible]
        if access_key is not None:
            for federation_name in self.spec_directives:
                if federation_name not in ACCESS_CONTROL:
                    continue
                name = self.spec_directives[federation_name]
                extras = self._access_extra().get(f"{access_key}_{federation_name}", [])
                if name in names or extras:
                    self.pending_directives.append(([*transformed, *extras], dest, [name]))
                    names.pop(name, None)
        if names:
            self.pending_directives.append((transformed, dest, list(names)))

    def _features_in_use(self) -> list[Feature]:
        features: list[Feature] = []
        for fed in self.spec_directives:
            feature = FEATURE_OF_DIRECTIVE[fed]
            if feature not in features:
                features.append(feature)
        return features

    def _static_transform(self, idx: int, applied: Applied) -> Applied:
        """@context names are per subgraph: the supergraph prefixes them with the subgraph's name."""
        if self.subgraphs[idx].fed(applied) != "context":
            return applied
        name = applied.string_arg("name") or ""
        node = (
            parse(f"type T @{applied.name}(name: {print_value(f'{self.names[idx]}__{name}')})", no_location=True)
            .definitions[0]
            .directives[0]  # type: ignore[attr-defined]
        )
        return Applied(node, applied.from_extension)

    def _access_extra(self) -> dict[str, list[list[Applied]]]:
        """Access control on implementations, keyed by "Interface_directive" / "Interface.field_directive"."""
        if self._access_extra_cache is not None:
            return self._access_extra_cache
        extra: dict[str, list[list[Applied]]] = {}
        for subgraph in self.subgraphs:
            for federation_name in ACCESS_CONTROL:
                if federation_name not in self.spec_directives:
                    continue
                for type_def in subgraph.types.values():
                    if type_def.kind != "object":
                        continue
                    merged = self.types.get(type_def.name)
                    if merged is None:
                        continue
                    interface_object = subgraph.is_interface_object(type_def)
                    if subgraph.has(type_def.directives, federation_name) and not interface_object:
                        for interface in merged.interfaces:
                            extra.setdefault(f"{interface}_{federation_name}", []).append(type_def.directives)
                    for field_def in type_def.fields.values():
                        if not subgraph.has(field_def.directives, federation_name) or subgraph.is_external(
                            type_def, field_def
                        ):
                            continue
                        if interface_object:
                            keys = set()
                            for implementation in self._implementations(type_def.name):
                                keys.add(f"{implementation}.{field_def.name}")
                                keys |= {
                                    f"{i}.{field_def.name}"
                                    for i in self.types[implementation].interfaces
                                    if i != type_def.name
                                }
                        else:
                            keys = {f"{i}.{field_def.name}" for i in merged.interfaces}
                        for key in keys:
                            extra.setdefault(f"{key}_{federation_name}", []).append(field_def.directives)
        self._access_extra_cache = extra
        return extra

    def _merge_pending_directives(self) -> None:
        for sources, dest, names in self.pending_directives:
            for name in names:
                self._merge_applied(name, sources, dest)
        self.pending_directives = []

    def _merge_applied(self, name: str, sources: list[list[Applied] | None], dest: list[str]) -> None:
        per_source = [[a.node for a in applications if a.name == name] for applications in sources if applications]
        per_source = [p for p in per_source if p]
        if not per_source:
            return
        fed = next((f for f, n in self.spec_directives.items() if n == name), None)
        repeatable = fed == "tag" or (name in self.composed and self._composed_definition(name).repeatable)
        if repeatable:
            seen: set[str] = set()
            for nodes in per_source:
                for node in nodes:
                    key = _application_key(node)
                    if key not in seen:
                        seen.add(key)
                        dest.append(print_ast(node))
            return
        counts: Counter[str] = Counter()
        by_key: dict[str, DirectiveNode] = {}
        for nodes in per_source:
            key = _application_key(nodes[0])
            counts[key] += 1
            by_key.setdefault(key, nodes[0])
        if len(by_key) == 1:
            dest.append(print_ast(next(iter(by_key.values()))))
            return
        feature = FEATURE_OF_DIRECTIVE.get(fed) if fed else None
        if fed is not None and feature is not None and feature.merge_strategy:
            dest.append(_merge_arguments_of(name, fed, feature, list(by_key.values())))
            return
        dest.append(print_ast(by_key[counts.most_common(1)[0][0]]))

    def _merge_executable_directives(self) -> list[str]:
        """Directives clients may use in operations: kept when every subgraph defines them, with the
        locations, arguments and repeatability all subgraphs accept."""
        names: list[str] = []
        for subgraph in self.subgraphs:
            for name, definition in subgraph.directive_definitions.items():
                if (
                    name not in names
                    and name not in self.composed
                    and any(loc.value in EXECUTABLE_LOCATIONS for loc in definition.locations)
                ):
                    names.append(name)
        printed = []
        for name in names:
            definitions = [s.directive_definitions.get(name) for s in self.subgraphs]
            if any(d is None for d in definitions):
                continue
            present = [d for d in definitions if d is not None]
            locations = [loc.value for loc in present[0].locations if loc.value in EXECUTABLE_LOCATIONS]
            locations = [loc for loc in locations if all(loc in {x.value for x in d.locations} for d in present)]
            if not locations:
                continue
            repeatable = all(d.repeatable for d in present)
            as_fields: dict[int, Field | None] = {
                i: Field(
                    name,
                    NamedTypeNode(name=NameNode(value="Boolean")),
                    {
                        a.name.value: InputValue(a.name.value, a.type, a.default_value, [], _node_description(a))
                        for a in d.arguments or ()
                    },
                    [],
                    None,
                    False,
                )
                for i, d in enumerate(present)
            }
            args = self._merge_arguments(f"@{name}", as_fields)
            text = f"directive @{name}"
            if args:
                text += "(" + ", ".join(_print_input_value(a) for a in args.values()) + ")"
            printed.append(text + (" repeatable" if repeatable else "") + " on " + " | ".join(locations))
        return printed

    def _composed_definition(self, name: str) -> Any:
        subgraph, local = self.composed[name]
        return subgraph.directive_definitions[local]

    def _add_missing_interface_object_fields(self) -> None:
        for merged in self.types.values():
            if merged.kind != "object":
                continue
            for interface in merged.interfaces:
                itf = self.types.get(interface)
                if itf is None:
                    continue
                for field_name, itf_field in itf.fields.items():
                    if field_name in merged.fields or not self._provided_by_interface_object(field_name, interface):
                        continue
                    copied = MergedField(
                        field_name,
                        itf_field.type,
                        dict(itf_field.args),
                        [d for d in itf_field.directives if not d.startswith("@join__")],
                        itf_field.description,
                    )
                    copied.directives.insert(0, "@join__field")
                    merged.fields[field_name] = copied

    def _provided_by_interface_object(self, field_name: str, interface: str) -> bool:
        for subgraph in self.subgraphs:
            type_def = subgraph.types.get(interface)
            if (
                type_def is not None
                and subgraph.is_interface_object(type_def)
                and field_name in type_def.fields
                and not subgraph.is_external(type_def, type_def.fields[field_name])
            ):
                return True
        return False

    def _is_inaccessible(self, directives: list[str]) -> bool:
        name = self.spec_directives.get("inaccessible")
        return name is not None and any(d == f"@{name}" for d in directives)

    def _validate_inaccessible(self) -> None:
        """The API schema (without @inaccessible elements) must still be a valid schema."""
        if "inaccessible" not in self.spec_directives:
            return
        hidden = {name for name, t in self.types.items() if self._is_inaccessible(t.directives)}
        for name, merged in self.types.items():
            if name in hidden:
                if name in self._roots.values() and name == self._roots.get("query"):
                    self.error(
                        "QUERY_ROOT_TYPE_INACCESSIBLE",
                        f'Type "{name}" is @inaccessible but is the query root type, which must be visible '
                        "in the API schema.",
                    )
                continue
            for field_name, field_def in merged.fields.items():
                if not self._is_inaccessible(field_def.directives):
                    continue
                for interface in merged.interfaces:
                    itf = self.types.get(interface)
                    if (
                        itf is not None
                        and interface not in hidden
                        and field_name in itf.fields
                        and not self._is_inaccessible(itf.fields[field_name].directives)
                    ):
                        self.error(
                            "IMPLEMENTED_BY_INACCESSIBLE",
                            f'Field "{name}.{field_name}" is @inaccessible but implements the interface '
                            f'field "{interface}.{field_name}", which is in the API schema.',
                        )
            visible_fields = [f for f in merged.fields.values() if not self._is_inaccessible(f.directives)]
            if merged.kind in ("object", "interface") and not visible_fields:
                self.error(
                    "ONLY_INACCESSIBLE_CHILDREN",
                    f'Type "{name}" is in the API schema but all of its fields are @inaccessible.',
                )
            children = {
                "input": [f.directives for f in merged.input_fields.values()],
                "enum": [v.directives for v in merged.values.values()],
            }.get(merged.kind)
            if children is not None and all(self._is_inaccessible(d) for d in children):
                self.error(
                    "ONLY_INACCESSIBLE_CHILDREN",
                    f'Type "{name}" is in the API schema but all of its '
                    f"{'values' if merged.kind == 'enum' else 'input fields'} are @inaccessible.",
                )
            if merged.kind == "union" and all(m in hidden for m in merged.members):
                self.error(
                    "ONLY_INACCESSIBLE_CHILDREN",
                    f'Type "{name}" is in the API schema but all of its members are @inaccessible.',
                )
            for field_def in visible_fields:
                coordinate = f"{name}.{field_def.name}"
                if named_type(field_def.type) in hidden:
                    self.error(
                        "REFERENCED_INACCESSIBLE",
                        f'Type "{named_type(field_def.type)}" is @inaccessible but is referenced by '
                        f'"{coordinate}", which is in the API schema.',
                    )
                for arg in field_def.args.values():
                    if self._is_inaccessible(arg.directives):
                        if isinstance(arg.type, NonNullTypeNode) and arg.default is None:
                            self.error(
                                "REQUIRED_INACCESSIBLE",
                                f'Argument "{coordinate}({arg.name}:)" is @inaccessible but is a required '
                                f"argument of its field.",
                            )
                    elif named_type(arg.type) in hidden:
                        self.error(
                            "REFERENCED_INACCESSIBLE",
                            f'Type "{named_type(arg.type)}" is @inaccessible but is referenced by '
                            f'"{coordinate}({arg.name}:)", which is in the API schema.',
                        )
            for input_field in merged.input_fields.values():
                coordinate = f"{name}.{input_field.name}"
                if self._is_inaccessible(input_field.directives):
                    if isinstance(input_field.type, NonNullTypeNode) and input_field.default is None:
                        self.error(
                            "REQUIRED_INACCESSIBLE",
                            f'Input field "{coordinate}" is @inaccessible but is a required input field of its type.',
                        )
                elif named_type(input_field.type) in hidden:
                    self.error(
                        "REFERENCED_INACCESSIBLE",
                        f'Type "{named_type(input_field.type)}" is @inaccessible but is referenced by '
                        f'"{coordinate}", which is in the API schema.',
                    )

    def _post_merge_validations(self) -> None:
        self._validate_inaccessible()
        for merged in self.types.values():
            if merged.kind not in ("object", "interface"):
                continue
            for interface in merged.interfaces:
                itf = self.types.get(interface)
                if itf is None:
                    continue
                for field_name in itf.fields:
                    if field_name in merged.fields:
                        continue
                    with_field = [
                        i
                        for i, s in enumerate(self.subgraphs)
                        if interface in s.types and field_name in s.types[interface].fields
                    ]
                    implementing = [
                        i
                        for i, s in enumerate(self.subgraphs)
                        if merged.name in s.types and interface in s.types[merged.name].interfaces
                    ]
                    self.error(
                        "INTERFACE_FIELD_NO_IMPLEM",
                        f'Interface field "{interface}.{field_name}" is declared in '
                        f'{self._subgraph_list(with_field)} but type "{merged.name}", which implements '
                        f'"{interface}" only in {self._subgraph_list(implementing)} does not have field '
                        f'"{field_name}".',
                    )

    # --- output ---------------------------------------------------------------------------
    def _supergraph(self, roots: dict[str, str]) -> Supergraph:
        links = ['@link(url: "https://specs.apollo.dev/link/v1.0")']
        major, minor = self.join_version
        links.append(f'@link(url: "https://specs.apollo.dev/join/v{major}.{minor}", for: EXECUTION)')
        definitions: list[str] = [LINK_DEFINITIONS, JOIN_DEFINITIONS[self.join_version]]
        spec_types: list[str] = []
        for feature in self._features_in_use():
            used = [(d, self.spec_directives[d]) for d, _ in feature.directives if d in self.spec_directives]
            if not used:
                continue
            imports = [(d, n) for d, n in used if n != default_name(feature, d)]
            args = [("url", print_value(feature.url))]
            if feature.purpose:
                args.append(("for", feature.purpose))
            if imports:
                args.append(
                    (
                        "import",
                        "["
                        + ", ".join(
                            print_value("@" + d) if d == n else f'{{name: "@{d}", as: "@{n}"}}' for d, n in imports
                        )
                        + "]",
                    )
                )
            links.append(directive("link", args))
            for directive_name, template in feature.directives:
                name = self.spec_directives.get(directive_name, default_name(feature, directive_name))
                definitions.append(template.format(name=name, prefix=feature.name))
            spec_types += [t.format(prefix=feature.name) for t in feature.types]
        definitions += self._merge_executable_directives()
        for url, imports in self.composed_links.values():
            printed = ", ".join(print_value("@" + o) if o == n else f'{{name: "@{o}", as: "@{n}"}}' for o, n in imports)
            links.append(directive("link", [("url", print_value(url)), ("import", f"[{printed}]")]))
        custom = [self._composed_definition(name) for name in self.composed]
        graphs = "\n".join(
            f"  {self.graph_names[s.name]} "
            + directive("join__graph", [("name", print_value(s.name)), ("url", print_value(s.url))])
            for s in self.subgraphs
        )
        spec_types.append("enum join__Graph {\n" + graphs + "\n}")
        return Supergraph(
            links=links,
            roots=roots,
            schema_directives=self.schema_directives,
            directive_definitions=definitions,
            spec_types=spec_types,
            types=self.types,
            custom_directive_nodes=custom,
            description=self.schema_description,
        )


# --- small helpers --------------------------------------------------------------------------


def _all_applications(subgraph: SubgraphSchema) -> list[Applied]:
    found: list[Applied] = list(subgraph.schema_directives)
    for type_def in subgraph.types.values():
        found += type_def.directives
        for field_def in type_def.fields.values():
            found += field_def.directives
            for arg in field_def.args.values():
                found += arg.directives
        for input_field in type_def.input_fields.values():
            found += input_field.directives
        for value in type_def.values.values():
            found += value.directives
    return found


def _node_description(node: Any) -> str | None:
    return node.description.value if getattr(node, "description", None) is not None else None


def _print_input_value(value: MergedInputValue) -> str:
    text = f"{value.name}: {type_str(value.type)}"
    if value.default is not None:
        text += f" = {print_ast(value.default)}"
    return text


def _merge_description(descriptions: list[str | None]) -> str | None:
    present = [d for d in descriptions if d is not None]
    if not present:
        return None
    distinct = list(dict.fromkeys(present))
    if len(distinct) == 1:
        return distinct[0]
    non_empty = [d for d in distinct if d != ""]
    if len(non_empty) == 1:
        return non_empty[0]
    counts = Counter(d for d in present if d != "")
    return counts.most_common(1)[0][0]


def _is_required(value: InputValue) -> bool:
    return isinstance(value.type, NonNullTypeNode) and value.default is None


def _kind_label(kind: str) -> str:
    return {
        "object": "Object Type",
        "interface": "Interface Type",
        "union": "Union Type",
        "enum": "Enum Type",
        "input": "Input Object Type",
        "scalar": "Scalar Type",
    }[kind]


def _url_version(url: str) -> tuple[int, ...]:
    last = url.rstrip("/").rpartition("/")[2].lstrip("v")
    try:
        return tuple(int(p) for p in last.split("."))
    except ValueError:
        return (0,)


def _valid_label(label: str) -> bool:
    import re

    if re.fullmatch(r"[a-zA-Z][a-zA-Z0-9_\-:./]*", label):
        return True
    match = re.fullmatch(r"percent\((\d{1,2}(\.\d{1,8})?|100)\)", label)
    return bool(match) and 0 <= float(match.group(1)) <= 100  # type: ignore[union-attr]


def _graph_enum_names(names: list[str]) -> dict[str, str]:
    import re

    sanitized: dict[str, list[str]] = {}
    for name in names:
        value = re.sub(r"[^A-Za-z0-9_]", "_", name).upper()
        if value and value[0].isdigit():
            value = "_" + value
        sanitized.setdefault(value, []).append(name)
    result: dict[str, str] = {}
    for value, holders in sanitized.items():
        if len(holders) == 1:
            result[holders[0]] = value
        else:
            for index, holder in enumerate(holders, 1):
                result[holder] = f"{value}_{index}"
    return result


def _merge_arguments_of(name: str, federation_name: str, feature: Feature, applications: list[DirectiveNode]) -> str:
    strategies = dict(feature.merge_strategy)
    values = [{a.name.value: value_from_ast_untyped(a.value) for a in node.arguments or ()} for node in applications]
    args: list[tuple[str, Any]] = []
    template = dict(feature.directives)[federation_name]
    order = [arg for arg, _ in feature.merge_strategy if f"({arg}:" in template or f", {arg}:" in template]
    for arg in order:
        if all(arg not in v for v in values) and strategies[arg].startswith("NULLABLE"):
            continue
        merged = _STRATEGIES[strategies[arg]]([v.get(arg) for v in values])
        if merged is not None:
            args.append((arg, print_value(merged)))
    return directive(name, args)


def _nullable(merge: Callable[[list[Any]], Any]) -> Callable[[list[Any]], Any]:
    def run(values: list[Any]) -> Any:
        present = [v for v in values if v is not None]
        return merge(present) if present else None

    return run


def _union(values: list[Any]) -> list[Any]:
    result: list[Any] = []
    for value in values:
        result += [v for v in value if v not in result]
    return result


def _dnf_conjunction(values: list[Any]) -> list[list[str]]:
    normalized = []
    for value in values:
        value = [sorted(inner) for inner in value] or [[]]
        value.sort(key=json.dumps)
        if value not in normalized:
            normalized.append(value)
    result = normalized[0]
    for current in normalized[1:]:
        accumulated: list[list[str]] = []
        seen: set[str] = set()
        for left in result:
            for right in current:
                candidate = sorted(left + [e for e in right if e not in left])
                key = json.dumps(candidate)
                if key not in seen:
                    seen.add(key)
                    accumulated.append(candidate)
        accumulated.sort(key=len)
        deduplicated: list[list[str]] = []
        for candidate in accumulated:
            if not any(all(e in candidate for e in kept) for kept in deduplicated):
                deduplicated.append(candidate)
        result = deduplicated
    return result


_STRATEGIES: dict[str, Callable[[list[Any]], Any]] = {
    "MAX": lambda values: max(values),
    "NULLABLE_MAX": _nullable(max),
    "NULLABLE_UNION": _nullable(_union),
    "NULLABLE_AND": _nullable(all),
    "DNF_CONJUNCTION": _dnf_conjunction,
}
