"""`subgraph check`: composition errors and breaking changes weighed by recorded usage."""

from __future__ import annotations

import pytest
from registry_harness import FEDERATION_LINK, Registry, subgraph_sdl

from federation.registry.client import RegistryError
from federation.registry.usage import UsageRecorder

DUKCAPIL = """
type Query {
  penduduk(nik: String): Penduduk
  jumlah: Int
}
type Penduduk {
  nik: String!
  nama: String
  agama: String
}
"""


def dukcapil(old: str = "", new: str = "") -> str:
    assert old in DUKCAPIL
    return FEDERATION_LINK + DUKCAPIL.replace(old, new)


async def publish_dukcapil(registry: Registry, token: str) -> None:
    async with registry.client(token) as client:
        await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", dukcapil())
        await client.publish("bapenda", "http://127.0.0.1:9002/graphql", subgraph_sdl("pbb(nik: String): Int"))


async def record_usage(registry: Registry, *operations: tuple[str, frozenset[str]]) -> None:
    recorder = UsageRecorder(registry.url, await registry.token(role="gateway", label="gateway"))
    for client, coordinates in operations:
        recorder.record(client, coordinates)
    await recorder.close()


async def test_a_check_against_an_empty_registry_only_composes(registry: Registry) -> None:
    async with registry.client(await registry.token("dukcapil")) as client:
        report = await client.check("dukcapil", subgraph_sdl("nik: String"))

    assert report["ok"] is True
    assert report["base_version"] is None
    assert report["errors"] == [] and report["changes"] == []


async def test_a_check_reports_composition_errors_without_changing_anything(registry: Registry) -> None:
    token = await registry.token("dukcapil", "bapenda")
    await publish_dukcapil(registry, token)
    async with registry.client(token) as client:
        report = await client.check("bapenda", subgraph_sdl("jumlah: String"))
        history = await client.history()

    assert report["ok"] is False
    assert report["errors"] and report["errors"][0]["code"]
    assert len(history) == 2


async def test_a_removed_field_some_client_used_fails_the_check_naming_the_client(registry: Registry) -> None:
    token = await registry.token("dukcapil", "bapenda")
    await publish_dukcapil(registry, token)
    await record_usage(
        registry,
        ("super-app", frozenset({"Query.penduduk", "Penduduk.nama", "Penduduk.agama"})),
        ("super-app", frozenset({"Query.penduduk", "Penduduk.agama"})),
        ("dashboard-camat", frozenset({"Query.penduduk", "Penduduk.agama"})),
        ("dashboard-camat", frozenset({"Query.jumlah"})),
    )
    async with registry.client(token) as client:
        report = await client.check("dukcapil", dukcapil("  agama: String\n", ""))

    assert report["ok"] is False
    assert report["base_version"] == 2
    (change,) = report["changes"]
    assert (change["kind"], change["coordinate"], change["safe"]) == ("FIELD_REMOVED", "Penduduk.agama", False)
    assert change["clients"] == [
        {"name": "dashboard-camat", "operations": 1},
        {"name": "super-app", "operations": 2},
    ]


async def test_a_breaking_change_no_recorded_operation_uses_is_safe(registry: Registry) -> None:
    token = await registry.token("dukcapil", "bapenda")
    await publish_dukcapil(registry, token)
    await record_usage(registry, ("super-app", frozenset({"Query.penduduk", "Penduduk.nama"})))
    async with registry.client(token) as client:
        report = await client.check("dukcapil", dukcapil("  agama: String\n", ""))

    assert report["ok"] is True
    (change,) = report["changes"]
    assert (change["coordinate"], change["safe"], change["clients"]) == ("Penduduk.agama", True, [])


async def test_a_field_made_nullable_breaks_the_clients_that_read_it(registry: Registry) -> None:
    token = await registry.token("dukcapil", "bapenda")
    await publish_dukcapil(registry, token)
    await record_usage(registry, ("super-app", frozenset({"Query.penduduk", "Penduduk.nik"})))
    async with registry.client(token) as client:
        report = await client.check("dukcapil", dukcapil("nik: String!", "nik: String"))

    assert report["ok"] is False
    (change,) = report["changes"]
    assert (change["kind"], change["coordinate"]) == ("FIELD_CHANGED_KIND", "Penduduk.nik")
    assert [c["name"] for c in change["clients"]] == ["super-app"]


async def test_a_nullable_argument_made_required_breaks_the_clients_of_its_field(registry: Registry) -> None:
    token = await registry.token("dukcapil", "bapenda")
    await publish_dukcapil(registry, token)
    await record_usage(registry, ("lontara", frozenset({"Query.penduduk", "Penduduk.nama"})))
    async with registry.client(token) as client:
        report = await client.check("dukcapil", dukcapil("(nik: String)", "(nik: String!)"))

    assert report["ok"] is False
    (change,) = report["changes"]
    assert (change["kind"], change["coordinate"]) == ("ARG_CHANGED_KIND", "Query.penduduk(nik:)")
    assert [c["name"] for c in change["clients"]] == ["lontara"]


async def test_a_check_changes_nothing_in_the_registry(registry: Registry) -> None:
    token = await registry.token("dukcapil", "bapenda")
    await publish_dukcapil(registry, token)
    async with registry.client(token) as client:
        before = await client.supergraph()
        await client.check("dukcapil", dukcapil("  jumlah: Int\n", ""))
        after = await client.supergraph()
        stored = await client.subgraph("dukcapil")

    assert after == before
    assert stored["sdl"] == dukcapil()


async def test_a_publish_that_would_break_a_client_is_refused_and_changes_nothing(registry: Registry) -> None:
    token = await registry.token("dukcapil", "bapenda")
    await publish_dukcapil(registry, token)
    await record_usage(registry, ("super-app", frozenset({"Query.penduduk", "Penduduk.agama"})))
    async with registry.client(token) as client:
        with pytest.raises(RegistryError) as refused:
            await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", dukcapil("  agama: String\n", ""))
        latest = await client.supergraph()

    assert refused.value.status == 409
    assert refused.value.errors == [
        {"code": "BREAKING_CHANGE", "message": "Penduduk.agama was removed. Used by: super-app (1 operations)"}
    ]
    assert latest is not None and latest.version == 2


async def test_a_breaking_publish_goes_through_when_allowed(registry: Registry) -> None:
    token = await registry.token("dukcapil", "bapenda")
    await publish_dukcapil(registry, token)
    await record_usage(registry, ("super-app", frozenset({"Query.penduduk", "Penduduk.agama"})))
    async with registry.client(token) as client:
        published = await client.publish(
            "dukcapil", "http://127.0.0.1:9001/graphql", dukcapil("  agama: String\n", ""), allow_breaking=True
        )

    assert published == {"version": 3, "changed": True}


async def test_a_breaking_change_no_client_used_is_published(registry: Registry) -> None:
    token = await registry.token("dukcapil", "bapenda")
    await publish_dukcapil(registry, token)
    await record_usage(registry, ("super-app", frozenset({"Query.penduduk", "Penduduk.nama"})))
    async with registry.client(token) as client:
        published = await client.publish("dukcapil", "http://127.0.0.1:9001/graphql", dukcapil("  agama: String\n", ""))

    assert published == {"version": 3, "changed": True}


async def test_removing_a_subgraph_whose_fields_a_client_uses_is_refused_unless_allowed(registry: Registry) -> None:
    token = await registry.token("dukcapil", "bapenda")
    await publish_dukcapil(registry, token)
    await record_usage(registry, ("lontara", frozenset({"Query.pbb"})))
    async with registry.client(token) as client:
        with pytest.raises(RegistryError) as refused:
            await client.remove("bapenda")
        still_there = [s["name"] for s in await client.subgraphs()]
        removed = await client.remove("bapenda", allow_breaking=True)

    assert refused.value.status == 409
    assert refused.value.errors == [
        {"code": "BREAKING_CHANGE", "message": "Query.pbb was removed. Used by: lontara (1 operations)"}
    ]
    assert still_there == ["bapenda", "dukcapil"]
    assert removed == {"version": 3, "changed": True}
