"""Composition refuses a `@requires` of a protected field from a field that is not protected as
much (Apollo's MISSING_TRANSITIVE_AUTH_REQUIREMENTS): otherwise an anonymous caller would get
data derived from the protected field."""

from __future__ import annotations

from federation.compose import SubgraphSource, compose

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", '
        '"@requires", "@authenticated", "@requiresScopes", "@policy"])\n')
KESEHATAN = LINK + """
type Query { penduduk(nik: String!): Penduduk }
type Penduduk @key(fields: "nik") {
  nik: String!
  diagnosa: String @requiresScopes(scopes: [["kesehatan:baca"]])
  golonganDarah: String @authenticated
  kecamatan: String
}
"""


def sosial(field: str) -> str:
    required = field.split('@requires(fields: "')[1].split('"')[0]
    return LINK + f"""
type Query {{ bantuan: String }}
type Penduduk @key(fields: "nik") {{
  nik: String!
  {required}: String @external
  {field}
}}
"""


def errors(field: str) -> list[tuple[str, str]]:
    result = compose([SubgraphSource("kesehatan", "http://k/graphql", KESEHATAN),
                      SubgraphSource("sosial", "http://s/graphql", sosial(field))])
    return [(e.code, e.message) for e in result.errors]


def test_requiring_a_scoped_field_from_an_open_field_is_refused() -> None:
    assert errors('layakBantuan: Boolean @requires(fields: "diagnosa")') == [(
        "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
        '[sosial] Field "Penduduk.layakBantuan" does not specify necessary @authenticated, @requiresScopes '
        'and/or @policy auth requirements to access the transitive field "Penduduk.diagnosa" data from '
        "@requires selection set.",
    )]


def test_requiring_an_authenticated_field_needs_authentication_at_least() -> None:
    assert errors('a: Boolean @requires(fields: "golonganDarah")')[0][0] == "MISSING_TRANSITIVE_AUTH_REQUIREMENTS"
    assert errors('a: Boolean @requires(fields: "golonganDarah") @authenticated') == []


def test_the_same_or_stronger_requirements_compose() -> None:
    assert errors('layakBantuan: Boolean @requires(fields: "diagnosa") '
                  '@requiresScopes(scopes: [["kesehatan:baca", "sosial:baca"]])') == []


def test_other_scopes_are_not_enough() -> None:
    assert errors('layakBantuan: Boolean @requires(fields: "diagnosa") '
                  '@requiresScopes(scopes: [["sosial:baca"]])')[0][0] == "MISSING_TRANSITIVE_AUTH_REQUIREMENTS"


def test_requiring_an_open_field_needs_nothing() -> None:
    assert errors('puskesmas: String @requires(fields: "kecamatan")') == []


CONTEXT_LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@context", '
                '"@fromContext", "@authenticated", "@requiresScopes"])\n')


def context_errors(provider: str, field: str) -> list[tuple[str, str]]:
    """Kependudukan's `Keluarga` gives a context its members' fields read with @fromContext."""
    kependudukan = CONTEXT_LINK + f"""
type Query {{ keluarga(noKk: String!): Keluarga }}
type Keluarga @key(fields: "noKk") @context(name: "kk") {provider} {{
  noKk: String!
  pendapatan: Int @requiresScopes(scopes: [["sosial:baca"]])
  alamat: String
  anggota: [Penduduk!]!
}}
type Penduduk @key(fields: "nik") {{
  nik: String!
  {field}
}}
"""
    other = CONTEXT_LINK + 'type Penduduk @key(fields: "nik") { nik: String! umur: Int }\n'
    result = compose([SubgraphSource("kependudukan", "http://k/graphql", kependudukan),
                      SubgraphSource("sosial", "http://s/graphql", other)])
    return [(e.code, e.message) for e in result.errors]


def test_reading_a_scoped_field_through_from_context_is_refused() -> None:
    field = 'layak(p: Int @fromContext(field: "$kk { pendapatan }")): Boolean'
    assert context_errors("", field) == [(
        "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
        '[kependudukan] Field "Penduduk.layak" does not specify necessary @authenticated, @requiresScopes '
        'and/or @policy auth requirements to access the transitive field "Keluarga.pendapatan" data from '
        "@fromContext selection set.",
    )]
    assert context_errors("", field + ' @requiresScopes(scopes: [["sosial:baca"]])') == []


def test_a_protected_context_type_protects_what_its_members_read() -> None:
    field = 'domisili(a: String @fromContext(field: "$kk { alamat }")): String'
    assert context_errors("", field) == []
    assert context_errors("@authenticated", field) == [(
        "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
        '[kependudukan] Field "Penduduk.domisili" does not specify necessary @authenticated, @requiresScopes '
        "and/or @policy auth requirements to access the transitive data in context kependudukan__kk from "
        "@fromContext selection set.",
    )]
    assert context_errors("@authenticated", field + " @authenticated") == []
