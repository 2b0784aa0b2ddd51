"""`splp subgraph openapi`: a REST source's declarations generated from its OpenAPI 3 document, and run."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import strawberry

from federation.cli import main
from subgraphs.kit import Ctx, SubgraphContext, create_schema, rest_rows
from tests.subgraphs import world as w
from tests.subgraphs.helpers import sources

REPOSITORY = Path(__file__).resolve().parents[2]
BPJS = REPOSITORY / "subgraphs/standins/bpjs.openapi.yaml"


@pytest.fixture
def generated(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    assert main(["subgraph", "openapi", str(BPJS)]) == 0
    module = tmp_path / "bpjs_generated.py"
    module.write_text(capsys.readouterr().out, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return module


def test_the_declarations_name_the_batch_call_and_the_types(generated: Path) -> None:
    text = generated.read_text(encoding="utf-8")
    assert 'call=Get("/peserta", batch="nik", size=100, items="peserta")' in text
    assert "    nik: NIK\n" in text  # the data standard, by the property's name
    assert "class StatusPeserta(Enum):" in text and 'NONAKTIF = "NONAKTIF"' in text


def test_the_generated_module_passes_the_linter(generated: Path) -> None:
    ruff = Path(sys.executable).parent / "ruff"
    checked = subprocess.run([str(ruff), "check", "--config", str(REPOSITORY / "pyproject.toml"), str(generated)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


async def test_the_generated_entity_reads_the_api(generated: Path, world_url: str, standins: dict[str, str]) -> None:
    module: Any = importlib.import_module(generated.stem)
    Peserta = module.Peserta

    async def peserta(info: Ctx, nik: str) -> Any:
        return await rest_rows(Peserta).get(info.context, nik)

    peserta.__annotations__["return"] = Peserta | None  # the class exists only now
    schema = create_schema(strawberry.type(type("Query", (), {"peserta": strawberry.field(resolver=peserta)})))
    async with sources(None, {"bpjs": standins["bpjs"]}) as ctx:
        result = await schema.execute(
            "query($a: String!, $b: String!) { a: peserta(nik: $a) { nik segmen status kelas } "
            "b: peserta(nik: $b) { nik } }", variable_values={"a": w.HEAD, "b": "7371010101900001"},
            context_value=SubgraphContext(rest=ctx.rest))
    assert result.errors is None
    assert result.data == {"a": {"nik": w.HEAD, "segmen": "PBPU", "status": "AKTIF", "kelas": "2"}, "b": None}


def test_a_document_that_is_not_openapi_3_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    swagger = tmp_path / "lama.json"
    swagger.write_text('{"swagger": "2.0", "paths": {}}', encoding="utf-8")
    assert main(["subgraph", "openapi", str(swagger)]) == 2
    assert capsys.readouterr().err == f"error: {swagger}: not an OpenAPI 3 document (no `openapi: 3.x` at its top)\n"
    assert main(["subgraph", "openapi", str(tmp_path / "tidak-ada.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err


USAHA_API = """
openapi: 3.1.0
info: {title: OSS daerah, version: "2"}
paths:
  /usaha/{nib}:
    get:
      parameters: [{name: nib, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {content: {application/json: {schema: {$ref: "#/components/schemas/Usaha"}}}}
components:
  schemas:
    Usaha:
      type: object
      required: [nib, namaUsaha, terdaftarPada, alamat]
      properties:
        nib: {type: string}
        namaUsaha: {type: string}
        terdaftarPada: {type: string, format: date}
        modal: {type: [integer, "null"]}
        pemilik: {$ref: "#/components/schemas/Nik"}
        alamat: {$ref: "#/components/schemas/Alamat"}
        izin: {type: array, items: {$ref: "#/components/schemas/Izin"}}
    Nik: {type: string, pattern: "^[0-9]{16}$"}
    Alamat:
      type: object
      required: [jalan]
      properties:
        jalan: {type: string}
        kodeKelurahan: {type: string}
    Izin:
      type: object
      properties:
        nomor: {type: string}
        diterbitkan: {type: string, format: date-time}
"""


async def test_camel_case_properties_nested_objects_and_a_path_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiohttp import web

    from subgraphs.kit import RestSource
    from subgraphs.serve import Servers
    from tests.subgraphs.conftest import free_port

    (tmp_path / "oss.yaml").write_text(USAHA_API, encoding="utf-8")
    assert main(["subgraph", "openapi", str(tmp_path / "oss.yaml")]) == 0
    text = capsys.readouterr().out
    assert 'call=Get("/usaha/{nib}")' in text
    assert 'paths={"nama_usaha": "namaUsaha", "terdaftar_pada": "terdaftarPada"}' in text
    assert "    kode_kelurahan: KodeWilayah | None\n" in text and "    izin: list[Izin] | None\n" in text
    assert "    modal: int | None\n" in text and "    pemilik: str | None\n" in text  # 3.1's null; an alias
    (tmp_path / "oss_generated.py").write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module: Any = importlib.import_module("oss_generated")

    async def usaha(request: web.Request) -> web.Response:
        if request.match_info["nib"] != "9120000000011":
            raise web.HTTPNotFound()
        return web.json_response({"nib": "9120000000011", "namaUsaha": "Coto Daeng", "terdaftarPada": "2024-02-01",
                                  "alamat": {"jalan": "Jl. Gagak", "kodeKelurahan": "73.71.04.1001"},
                                  "izin": [{"nomor": "IZN-1", "diterbitkan": "2024-02-01T01:00:00Z"}]})

    app = web.Application()
    app.router.add_get("/usaha/{nib}", usaha)
    servers, port = Servers(), free_port()
    await servers.start_aiohttp(app, "127.0.0.1", port)
    api = RestSource("oss", f"http://127.0.0.1:{port}")
    await api.open()

    async def find(info: Ctx, nib: str) -> Any:
        return await rest_rows(module.Usaha).get(info.context, nib)

    find.__annotations__["return"] = module.Usaha | None
    schema = create_schema(strawberry.type(type("Query", (), {"usaha": strawberry.field(resolver=find)})))
    try:
        result = await schema.execute(
            '{ a: usaha(nib: "9120000000011") { namaUsaha terdaftarPada modal alamat { jalan kodeKelurahan } '
            'izin { nomor diterbitkan } } b: usaha(nib: "9120000000099") { nib } }',
            context_value=SubgraphContext(rest={"oss": api}))
    finally:
        await api.close()
        await servers.stop()
    assert result.errors is None
    assert result.data == {"a": {"namaUsaha": "Coto Daeng", "terdaftarPada": "2024-02-01", "modal": None,
                                 "alamat": {"jalan": "Jl. Gagak", "kodeKelurahan": "73.71.04.1001"},
                                 "izin": [{"nomor": "IZN-1", "diterbitkan": "2024-02-01T09:00:00+08:00"}]},
                           "b": None}
