"""The specs a supergraph links (`link`, `join`, and the composed federation features).

The definitions are the ones Apollo's composition prints for each spec version; which join
version a supergraph uses follows the highest federation version its subgraphs link.
"""

from __future__ import annotations

from dataclasses import dataclass

SPECS = "https://specs.apollo.dev"

LINK_DEFINITIONS = """
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

scalar link__Import

enum link__Purpose {
  \"\"\"
  `SECURITY` features provide metadata necessary to securely resolve fields.
  \"\"\"
  SECURITY

  \"\"\"
  `EXECUTION` features provide metadata necessary for operation execution.
  \"\"\"
  EXECUTION
}
"""

_JOIN_COMMON = """
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE

directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

scalar join__FieldSet
"""  # noqa: E501

_JOIN_FIELD_03 = (
    "directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, "
    "type: String, external: Boolean, override: String, usedOverridden: Boolean"
)
_JOIN_DIRECTIVE = """
directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION

scalar join__DirectiveArguments
"""  # noqa: E501
_JOIN_CONTEXT = """
input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}

scalar join__FieldValue
"""
_FIELD_LOCATIONS = ") repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION\n"

JOIN_DEFINITIONS = {
    (0, 3): _JOIN_COMMON + "\n" + _JOIN_FIELD_03 + _FIELD_LOCATIONS,
    (0, 4): _JOIN_COMMON + _JOIN_DIRECTIVE + "\n" + _JOIN_FIELD_03 + ", overrideLabel: String" + _FIELD_LOCATIONS,
    (0, 5): _JOIN_COMMON
    + _JOIN_DIRECTIVE
    + _JOIN_CONTEXT
    + "\n"
    + _JOIN_FIELD_03
    + ", overrideLabel: String, contextArguments: [join__ContextArgument!]"
    + _FIELD_LOCATIONS,
}


def join_version(federation_version: tuple[int, int]) -> tuple[int, int]:
    """The join spec version Apollo's composition picks for the highest federation version used."""
    if federation_version >= (2, 8):
        return (0, 5)
    if federation_version >= (2, 7):
        return (0, 4)
    return (0, 3)


_ALL_LOCATIONS = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE "
    "| INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)
_ACCESS_LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"


@dataclass(frozen=True)
class Feature:
    """A spec whose directives composition copies into the supergraph."""

    name: str  # the spec's name, also the default prefix of its elements
    version: str
    purpose: str | None
    # federation directive name -> definition, with {name} for the name in the supergraph
    # and {prefix} for the spec's prefix
    directives: tuple[tuple[str, str], ...]
    types: tuple[str, ...] = ()
    # How differing arguments of a non-repeatable directive combine (see `merge_arguments`).
    merge_strategy: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return f"{SPECS}/{self.name}/{self.version}"


FEATURES = (
    Feature(
        "tag",
        "v0.3",
        None,
        (("tag", "directive @{name}(name: String!) repeatable on " + _ALL_LOCATIONS + " | SCHEMA"),),
    ),
    Feature("inaccessible", "v0.2", "SECURITY", (("inaccessible", "directive @{name} on " + _ALL_LOCATIONS),)),
    Feature("authenticated", "v0.1", "SECURITY", (("authenticated", "directive @{name} on " + _ACCESS_LOCATIONS),)),
    Feature(
        "requiresScopes",
        "v0.1",
        "SECURITY",
        (("requiresScopes", "directive @{name}(scopes: [[{prefix}__Scope!]!]!) on " + _ACCESS_LOCATIONS),),
        ("scalar {prefix}__Scope",),
        (("scopes", "DNF_CONJUNCTION"),),
    ),
    Feature(
        "policy",
        "v0.1",
        "SECURITY",
        (("policy", "directive @{name}(policies: [[{prefix}__Policy!]!]!) on " + _ACCESS_LOCATIONS),),
        ("scalar {prefix}__Policy",),
        (("policies", "DNF_CONJUNCTION"),),
    ),
    Feature(
        "cost",
        "v0.1",
        None,
        (
            (
                "cost",
                "directive @{name}(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION "
                "| INPUT_FIELD_DEFINITION | OBJECT | SCALAR",
            ),
            (
                "listSize",
                "directive @{name}(assumedSize: Int, slicingArguments: [String!], "
                "sizedFields: [String!], requireOneSlicingArgument: Boolean = true) "
                "on FIELD_DEFINITION",
            ),
        ),
        (),
        (
            ("weight", "MAX"),
            ("assumedSize", "NULLABLE_MAX"),
            ("slicingArguments", "NULLABLE_UNION"),
            ("sizedFields", "NULLABLE_UNION"),
            ("requireOneSlicingArgument", "NULLABLE_AND"),
        ),
    ),
    Feature(
        "context",
        "v0.1",
        "SECURITY",
        (
            ("context", "directive @{name}(name: String!) repeatable on INTERFACE | OBJECT | UNION"),
            ("fromContext", "directive @{name}(field: {prefix}__ContextFieldValue) on ARGUMENT_DEFINITION"),
        ),
        ("scalar {prefix}__ContextFieldValue",),
    ),
)

# Directives whose applications composition copies (fromContext only shapes join__field).
NOT_COPIED = {"fromContext"}
FEATURE_OF_DIRECTIVE = {
    directive: feature for feature in FEATURES for directive, _ in feature.directives if directive not in NOT_COPIED
}
ACCESS_CONTROL = ("authenticated", "requiresScopes", "policy")


def default_name(feature: Feature, directive: str) -> str:
    """The name a spec directive has in a schema linking the spec without imports."""
    return feature.name if directive == feature.name else f"{feature.name}__{directive}"
