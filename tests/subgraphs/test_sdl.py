"""`_service { sdl }`: the subgraph's own schema without the spec's additions, as Apollo's libraries print it."""

from __future__ import annotations

import strawberry

from federation.compose import SubgraphSource, compose
from subgraphs.kependudukan.schema import schema as kependudukan
from subgraphs.kit import SubgraphContext, create_schema, penduduk
from tests.subgraphs import world as w


@penduduk
class Penduduk:
    jumlah_kunjungan_perpustakaan: int | None = strawberry.field(default=None)


only_extends = create_schema(types=[Penduduk])


async def sdl_of(schema: strawberry.federation.Schema) -> str:
    result = await schema.execute("{ _service { sdl } }")
    assert result.data is not None, result.errors
    sdl: str = result.data["_service"]["sdl"]
    return sdl


async def test_the_sdl_leaves_out_the_spec_additions_which_still_answer() -> None:
    sdl = await sdl_of(kependudukan)
    for added in ("_entities", "_service", "_Any", "_Entity", "_Service"):
        assert added not in sdl
    assert "type Query {\n  \"\"\"A citizen by NIK" in sdl
    result = await only_extends.execute(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Penduduk { nik } } }',
        variable_values={"r": [{"__typename": "Penduduk", "nik": w.HEAD}]}, context_value=SubgraphContext())
    assert result.errors is None
    assert result.data == {"_entities": [{"nik": w.HEAD}]}


async def test_a_subgraph_without_root_fields_extends_the_schema_and_composes() -> None:
    sdl = await sdl_of(only_extends)
    assert sdl.startswith('extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n')
    assert "type Query" not in sdl
    composed = compose([
        SubgraphSource(name="kependudukan", url="http://127.0.0.1:4001/graphql", sdl=await sdl_of(kependudukan)),
        SubgraphSource(name="perpustakaan", url="http://127.0.0.1:4107/graphql", sdl=sdl),
    ])
    assert not composed.errors, composed.errors
    assert composed.supergraph_sdl is not None
    assert "jumlahKunjunganPerpustakaan: Int @join__field(graph: PERPUSTAKAAN)" in composed.supergraph_sdl
