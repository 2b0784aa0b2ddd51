"""The merged (supergraph) schema as composition builds it, before printing."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import ConstValueNode, DirectiveDefinitionNode, TypeNode


@dataclass
class MergedInputValue:
    name: str
    type: TypeNode
    default: ConstValueNode | None = None
    directives: list[str] = field(default_factory=list)
    description: str | None = None


@dataclass
class MergedField:
    name: str
    type: TypeNode
    args: dict[str, MergedInputValue] = field(default_factory=dict)
    directives: list[str] = field(default_factory=list)
    description: str | None = None


@dataclass
class MergedEnumValue:
    name: str
    directives: list[str] = field(default_factory=list)
    description: str | None = None


@dataclass
class MergedType:
    name: str
    kind: str
    description: str | None = None
    directives: list[str] = field(default_factory=list)
    fields: dict[str, MergedField] = field(default_factory=dict)
    input_fields: dict[str, MergedInputValue] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, MergedEnumValue] = field(default_factory=dict)


@dataclass
class Supergraph:
    """Everything the printer needs: spec links, definitions, graphs and merged types."""

    links: list[str]  # printed @link applications on the schema
    roots: dict[str, str]
    schema_directives: list[str]
    directive_definitions: list[str]  # printed SDL
    spec_types: list[str]  # printed SDL of the spec types (join__*, link__*, ...)
    types: dict[str, MergedType]
    custom_directive_nodes: list[DirectiveDefinitionNode] = field(default_factory=list)
    description: str | None = None
