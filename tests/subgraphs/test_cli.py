"""`splp subgraph serve|sdl|new|lint-data|standin`: run and inspect any subgraph; refusals are one line."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import aiohttp
import pytest

from federation.cli import main
from tests.subgraphs.conftest import free_port

REPOSITORY = str(Path(__file__).resolve().parents[2])


def test_an_unknown_subgraph_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subgraph", "serve", "dishub"]) == 2
    assert capsys.readouterr().err == (
        "error: no subgraph named 'dishub'; choose one of kependudukan, pendapatan, kesehatan, sosial, "
        "perizinan, aduan\n"
    )


def test_a_subgraph_missing_its_sources_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subgraph", "serve", "kesehatan", "--database", "sqlite+aiosqlite:///x.db"]) == 2
    assert capsys.readouterr().err == "error: the kesehatan subgraph needs --bpjs-url\n"


def test_serving_over_tls_with_an_unreadable_certificate_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "kependudukan.pem"
    key = tmp_path / "kependudukan.key"
    key.write_text("not read: the certificate is missing first\n")
    assert main(["subgraph", "serve", "kependudukan", "--tls-cert", str(missing), "--tls-key", str(key)]) == 2
    assert capsys.readouterr().err == f"error: --tls-cert {missing}: cannot be read: No such file or directory\n"


def test_a_client_ca_without_a_server_certificate_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["subgraph", "serve", "kependudukan", "--tls-client-ca", str(tmp_path / "ca.pem")]) == 2
    assert capsys.readouterr().err == (
        "error: --tls-cert and --tls-key go together (a client CA needs them too: mTLS is TLS first)\n"
    )


def test_an_unknown_standin_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subgraph", "standin", "dukcapil", "--database", "sqlite+aiosqlite:///x.db"]) == 2
    assert "no stand-in named 'dukcapil'" in capsys.readouterr().err


def test_sdl_prints_a_schema_named_by_module_and_attribute(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subgraph", "sdl", "subgraphs.kependudukan.schema:schema"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith('schema @link(url: "https://specs.apollo.dev/federation/v2.9"')
    assert 'type Penduduk @key(fields: "nik")' in printed


def test_sdl_reads_the_schema_of_an_app(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subgraph", "sdl", "tests.subgraphs.test_cli:APP"]) == 0
    assert 'type Penduduk @key(fields: "nik")' in capsys.readouterr().out


def test_sdl_of_something_that_is_not_a_schema_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subgraph", "sdl", "subgraphs.kependudukan.schema:Query"]) == 2
    assert capsys.readouterr().err == (
        "error: the target is neither a strawberry schema nor an app made by create_subgraph_app\n")
    assert main(["subgraph", "sdl", "subgraphs.tidak_ada:schema"]) == 2
    assert "cannot import 'subgraphs.tidak_ada'" in capsys.readouterr().err
    assert main(["subgraph", "sdl", "subgraphs.kependudukan.schema"]) == 2
    assert "or give MODULE:ATTR" in capsys.readouterr().err


def _kependudukan_app() -> object:
    from subgraphs.kependudukan.app import create_app

    return create_app("sqlite+aiosqlite://")


APP = _kependudukan_app()


def test_new_scaffolds_a_package_whose_test_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subgraph", "new", "perpustakaan", "--directory", str(tmp_path)]) == 0
    assert (tmp_path / "perpustakaan" / "schema.py").exists()
    ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPOSITORY}"})
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "1 passed" in ran.stdout


def test_new_refuses_a_bad_name_or_an_existing_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subgraph", "new", "Dinas-Perpustakaan", "--directory", str(tmp_path)]) == 2
    assert "is not a package name" in capsys.readouterr().err
    (tmp_path / "arsip").mkdir()
    assert main(["subgraph", "new", "arsip", "--directory", str(tmp_path)]) == 2
    assert "exists already; nothing written" in capsys.readouterr().err


async def test_lint_data_lists_the_rows_failing_the_data_standard(
    own_data_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import insert

    from subgraphs.kependudukan import tables
    from subgraphs.kit.sql import create_engine
    from subgraphs.seed import TARGETS, load_batches
    from tests.subgraphs.world import world

    await load_batches(dict.fromkeys(TARGETS, own_data_url), [world()])
    engine = create_engine(own_data_url)
    async with engine.begin() as connection:
        await connection.execute(insert(tables.penduduk).values(
            nik="737104120380", nomor_kk="7371042001100001", hubungan_keluarga="ANAK", nama="Legacy",
            tempat_lahir="Makassar", tanggal_lahir=date(2001, 1, 1), jenis_kelamin="L", agama="ISLAM",
            status_perkawinan="BELUM_KAWIN", pekerjaan="-", jalan="-", rt="001", rw="001",
            kode_kelurahan="73.71.04.1008"))
    await engine.dispose()
    code = await asyncio.to_thread(main, ["subgraph", "lint-data", "kependudukan", "--database", own_data_url])
    printed = capsys.readouterr().out
    assert code == 1
    assert "  penduduk nik=737104120380: column nik fails NIK: must be exactly 16 digits, got 12 characters\n" \
        in printed
    assert "  penduduk nik=737104120380: column jenis_kelamin fails JenisKelamin: 'L' is not one of LAKI_LAKI, " \
        "PEREMPUAN\n" in printed
    assert "penduduk: 5 rows, 1 failing the data standard\n" in printed
    assert "kecamatan: 15 rows, 0 failing the data standard\n" in printed


async def test_lint_data_of_a_clean_database_exits_0(world_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = await asyncio.to_thread(main, ["subgraph", "lint-data", "pendapatan", "--database", world_url,
                                          "--format", "json"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert {"table": "objek_pajak", "rows": 1, "dirtyRows": 0} in lines


async def test_serve_runs_a_schema_named_by_module_and_attribute(sqlite_world_url: str) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "federation.cli", "subgraph", "serve", "subgraphs.kependudukan.schema:schema",
        "--database", sqlite_world_url, "--port", str(port), cwd=REPOSITORY,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.post(f"http://127.0.0.1:{port}/graphql",
                                            json={"query": '{ penduduk(nik: "7371134402750001") { nama } }'}) as r:
                        body = await r.json()
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("the subgraph never answered")
        assert body == {"data": {"penduduk": {"nama": "Hasnah Saleh"}}}
    finally:
        process.terminate()
        await process.wait()
