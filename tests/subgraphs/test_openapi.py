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
