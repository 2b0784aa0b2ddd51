"""The registry's commands: `splp registry`, `splp subgraph publish|check|list`, `splp supergraph`."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import strawberry
from registry_harness import FEDERATION_LINK, Registry, ServerThread, free_port
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

from federation.cli import main
from federation.registry.usage import UsageRecorder

V1 = FEDERATION_LINK + "type Query {\n  nik: String\n  nama: String\n}\n"
V2 = FEDERATION_LINK + "type Query {\n  nik: String\n  nama: String\n  alamat: String\n}\n"
WITHOUT_NAMA = FEDERATION_LINK + "type Query {\n  nik: String\n}\n"


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    # the commands talk to the HTTP API; the database kinds are covered by the API's tests
    return f"sqlite:///{tmp_path / 'registry.sqlite3'}"


def splp(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def schema_file(tmp_path: Path, sdl: str, name: str = "schema.graphql") -> str:
    path = tmp_path / name
    path.write_text(sdl, encoding="utf-8")
    return str(path)


def new_token(capsys: pytest.CaptureFixture[str], registry: Registry, *options: str) -> str:
    code, out, _ = splp(capsys, "registry", "token", "create", "--database", registry.database_url, *options)
    assert code == 0
    return out.strip()


def test_an_opd_publishes_lists_and_reads_the_history(
    capsys: pytest.CaptureFixture[str], registry: Registry, tmp_path: Path
) -> None:
    token = new_token(capsys, registry, "--subgraphs", "dukcapil", "--label", "Disdukcapil")
    common = ["--registry", registry.url, "--token", token]
    url = "http://127.0.0.1:9001/graphql"

    first = splp(
        capsys,
        "subgraph",
        "publish",
        "--name",
        "dukcapil",
        "--url",
        url,
        "--schema",
        schema_file(tmp_path, V1),
        *common,
    )
    second = splp(
        capsys,
        "subgraph",
        "publish",
        "--name",
        "dukcapil",
        "--url",
        url,
        "--schema",
        schema_file(tmp_path, V2),
        *common,
    )
    again = splp(
        capsys,
        "subgraph",
        "publish",
        "--name",
        "dukcapil",
        "--url",
        url,
        "--schema",
        schema_file(tmp_path, V2),
        *common,
    )
    listed = splp(capsys, "subgraph", "list", *common)
    history = splp(capsys, "supergraph", "history", *common)

    assert first == (0, "published dukcapil: supergraph version 1\n", "")
    assert second == (0, "published dukcapil: supergraph version 2\n", "")
    assert again == (0, "dukcapil is unchanged: supergraph version 2 stays current\n", "")
    assert listed[0] == 0 and listed[1].startswith(f"dukcapil\t{url}\towner=Disdukcapil\t")
    lines = history[1].splitlines()
    assert [line.split("\t")[0] for line in lines] == ["2", "1"]
    assert "publish of dukcapil\tby Disdukcapil\t[dukcapil]" in lines[0]


def test_a_publish_that_does_not_compose_exits_1_with_the_errors(
    capsys: pytest.CaptureFixture[str], registry: Registry, tmp_path: Path
) -> None:
    token = new_token(capsys, registry, "--subgraphs", "dukcapil")
    broken = schema_file(tmp_path, FEDERATION_LINK + "type Query { nik: Nik }")
    code, out, err = splp(
        capsys, "subgraph", "publish", "--name", "dukcapil", "--url", "http://127.0.0.1:9001/graphql",
        "--schema", broken, "--registry", registry.url, "--token", token,
    )  # fmt: skip

    assert code == 1 and out == ""
    assert err.startswith("error: subgraph 'dukcapil' does not compose\n  [")
    assert "Nik" in err


def test_check_names_the_clients_a_breaking_change_would_break(
    capsys: pytest.CaptureFixture[str], registry: Registry, tmp_path: Path
) -> None:
    token = new_token(capsys, registry, "--subgraphs", "dukcapil")
    common = ["--registry", registry.url, "--token", token]
    splp(capsys, "subgraph", "publish", "--name", "dukcapil", "--url", "http://127.0.0.1:9001/graphql",
         "--schema", schema_file(tmp_path, V1), *common)  # fmt: skip
    safe = splp(
        capsys, "subgraph", "check", "--name", "dukcapil", "--schema", schema_file(tmp_path, WITHOUT_NAMA), *common
    )

    recorder = UsageRecorder(registry.url, new_token(capsys, registry, "--role", "gateway"))
    recorder.record("super-app", frozenset({"Query.nama"}))
    asyncio.run(recorder.close())
    breaking = splp(
        capsys, "subgraph", "check", "--name", "dukcapil", "--schema", schema_file(tmp_path, WITHOUT_NAMA), *common
    )

    assert safe[0] == 0
    assert safe[1] == (
        "safe     Query.nama was removed. (no client used it in the last 30 days)\n"
        "check passed for dukcapil against supergraph version 1\n"
    )
    assert breaking[0] == 1
    assert breaking[1] == (
        "BREAKING Query.nama was removed. Used by: super-app (1 operations)\ncheck failed for dukcapil\n"
    )


def test_an_admin_rolls_back_and_fetches_a_version(
    capsys: pytest.CaptureFixture[str], registry: Registry, tmp_path: Path
) -> None:
    admin = new_token(capsys, registry, "--role", "admin", "--label", "ops")
    common = ["--registry", registry.url, "--token", admin]
    url = "http://127.0.0.1:9001/graphql"
    splp(
        capsys,
        "subgraph",
        "publish",
        "--name",
        "dukcapil",
        "--url",
        url,
        "--schema",
        schema_file(tmp_path, V1),
        *common,
    )
    splp(
        capsys,
        "subgraph",
        "publish",
        "--name",
        "dukcapil",
        "--url",
        url,
        "--schema",
        schema_file(tmp_path, V2),
        *common,
    )

    rolled = splp(capsys, "supergraph", "rollback", "1", *common)  # it removes no subgraph: no --force
    output = tmp_path / "supergraph.graphql"
    fetched = splp(capsys, "supergraph", "fetch", "--output", str(output), *common)
    first = splp(capsys, "supergraph", "fetch", "--version", "1", *common)

    assert rolled == (0, "rolled back to version 1: supergraph version 3\n", "")
    assert fetched[0] == 0
    assert output.read_text(encoding="utf-8") == first[1]
    assert "alamat" not in first[1] and "nama" in first[1]


def test_a_missing_schema_file_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = splp(
        capsys, "subgraph", "publish", "--name", "dukcapil", "--url", "http://x/graphql",
        "--schema", str(tmp_path / "missing.graphql"),
    )  # fmt: skip

    assert code == 2
    assert err == f"error: cannot read schema file {tmp_path / 'missing.graphql'}: No such file or directory\n"


def test_an_unreachable_registry_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = splp(capsys, "subgraph", "list", "--registry", f"http://127.0.0.1:{free_port()}")

    assert code == 2
    assert err.startswith("error: cannot reach the registry at http://127.0.0.1:")


def test_registry_serve_serves_the_api(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ, SPLP_REGISTRY_ADMIN_TOKEN="splp_serve_admin")
    database = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    process = subprocess.Popen(
        [sys.executable, "-m", "federation.cli", "registry", "serve", "--database", database, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                    health = response.read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)

    assert health == b'{"status":"ok"}'
    assert (tmp_path / "served.sqlite3").exists()


def test_an_admin_lists_and_revokes_tokens(capsys: pytest.CaptureFixture[str], registry: Registry) -> None:
    admin = new_token(capsys, registry, "--role", "admin", "--label", "ops")
    new_token(capsys, registry, "--subgraphs", "dukcapil,capil", "--label", "Disdukcapil")
    common = ["--registry", registry.url, "--token", admin]

    listed = splp(capsys, "registry", "token", "list", *common)
    rows = [line.split("\t")[:4] for line in listed[1].splitlines()]
    revoked = splp(capsys, "registry", "token", "revoke", rows[1][0], *common)
    after = splp(capsys, "registry", "token", "list", *common)

    assert rows == [["1", "admin", "ops", "-"], ["2", "publisher", "Disdukcapil", "capil,dukcapil"]]
    assert revoked == (0, "token 2 revoked\n", "")
    assert [line.split("\t")[2] for line in after[1].splitlines()] == ["ops"]


@strawberry.federation.type(keys=["nik"])
class Penduduk:
    nik: str
    nama: str


@strawberry.type
class PendudukQuery:
    @strawberry.field
    def penduduk(self, nik: str) -> Penduduk:
        return Penduduk(nik=nik, nama="Andi Makkasau")


def test_publish_without_a_schema_file_reads_the_running_subgraph(
    capsys: pytest.CaptureFixture[str], registry: Registry
) -> None:
    schema = strawberry.federation.Schema(query=PendudukQuery)
    subgraph = ServerThread(Starlette(routes=[Route("/graphql", GraphQL(schema))]))
    subgraph.start()
    try:
        token = new_token(capsys, registry, "--subgraphs", "dukcapil")
        url = subgraph.url + "/graphql"
        published = splp(
            capsys,
            "subgraph",
            "publish",
            "--name",
            "dukcapil",
            "--url",
            url,
            "--registry",
            registry.url,
            "--token",
            token,
        )
    finally:
        subgraph.stop()
    fetched = splp(capsys, "supergraph", "fetch", "--registry", registry.url, "--token", token)

    assert published == (0, "published dukcapil: supergraph version 1\n", "")
    assert 'join__type(graph: DUKCAPIL, key: "nik")' in fetched[1]


def test_publish_from_a_subgraph_that_does_not_answer_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], registry: Registry
) -> None:
    url = f"http://127.0.0.1:{free_port()}/graphql"
    code, _, err = splp(capsys, "subgraph", "publish", "--name", "dukcapil", "--url", url, "--registry", registry.url)

    assert code == 2
    assert err.startswith(f"error: subgraph 'dukcapil': cannot reach {url}")


def test_an_opd_removes_its_subgraph(capsys: pytest.CaptureFixture[str], registry: Registry, tmp_path: Path) -> None:
    token = new_token(capsys, registry, "--subgraphs", "dukcapil,bapenda")
    common = ["--registry", registry.url, "--token", token]
    pbb = schema_file(tmp_path, FEDERATION_LINK + "type Query { pbb: Int }", "pbb.graphql")
    splp(capsys, "subgraph", "publish", "--name", "dukcapil", "--url", "http://127.0.0.1:9001/graphql",
         "--schema", schema_file(tmp_path, V1), *common)  # fmt: skip
    splp(capsys, "subgraph", "publish", "--name", "bapenda", "--url", "http://127.0.0.1:9002/graphql",
         "--schema", pbb, *common)  # fmt: skip

    removed = splp(capsys, "subgraph", "remove", "--name", "bapenda", *common)
    history = splp(capsys, "supergraph", "history", "--limit", "1", *common)

    assert removed == (0, "removed bapenda: supergraph version 3\n", "")
    assert "\tremoval of bapenda\t" in history[1] and history[1].endswith("[dukcapil]\n")


def test_publish_refuses_a_change_that_breaks_a_client_unless_allowed(
    capsys: pytest.CaptureFixture[str], registry: Registry, tmp_path: Path
) -> None:
    token = new_token(capsys, registry, "--subgraphs", "dukcapil")
    publish = ["subgraph", "publish", "--name", "dukcapil", "--url", "http://127.0.0.1:9001/graphql"]
    common = ["--registry", registry.url, "--token", token]
    splp(capsys, *publish, "--schema", schema_file(tmp_path, V1), *common)
    recorder = UsageRecorder(registry.url, new_token(capsys, registry, "--role", "gateway"))
    recorder.record("super-app", frozenset({"Query.nama"}))
    asyncio.run(recorder.close())
    without_nama = schema_file(tmp_path, WITHOUT_NAMA, "without-nama.graphql")

    refused = splp(capsys, *publish, "--schema", without_nama, *common)
    allowed = splp(capsys, *publish, "--schema", without_nama, "--allow-breaking", *common)

    assert refused == (
        1,
        "",
        "error: publishing 'dukcapil' would break clients (send allow_breaking to publish anyway)\n"
        "  [BREAKING_CHANGE] Query.nama was removed. Used by: super-app (1 operations)\n",
    )
    assert allowed == (0, "published dukcapil: supergraph version 2\n", "")
