"""The `self` policy: a citizen's token reads only their own record. The gateway decides it per
entity, whatever path the entity is reached by (a root field, a list, an entity fetch from
another subgraph, aliases, fragments); the refused entities' fields are null with an
UNAUTHORIZED_FIELD_OR_TYPE error at their path. Officers read through a request policy."""

from __future__ import annotations

from typing import Any

from tests.security import world
from tests.security.conftest import Jwks, ask


def unauthorized(*path: str | int) -> dict[str, Any]:
    return {"message": "Unauthorized field or type", "path": list(path),
            "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"}}


def andi(jwks: tuple[Jwks, str]) -> str:
    return jwks[0].token(nik=world.ANDI, role="warga")


async def test_a_citizen_reads_another_citizen_s_record_as_nulls_with_errors(
    gateway_url: str, jwks: tuple[Jwks, str]
) -> None:
    status, body = await ask(gateway_url, f'{{ penduduk(nik: "{world.BUDI}") {{ nik nama alamat }} }}', andi(jwks))
    assert (status, body) == (200, {
        "data": {"penduduk": {"nik": world.BUDI, "nama": None, "alamat": None}},
        "errors": [unauthorized("penduduk", "nama"), unauthorized("penduduk", "alamat")],
    })


async def test_in_a_list_only_the_citizen_s_own_entry_shows_personal_fields(
    gateway_url: str, jwks: tuple[Jwks, str]
) -> None:
    status, body = await ask(gateway_url, "{ semuaWarga { nama diagnosa } }", andi(jwks))
    assert status == 200
    assert body["data"]["semuaWarga"] == [
        {"nama": "Andi", "diagnosa": "sehat"}, {"nama": None, "diagnosa": None}, {"nama": None, "diagnosa": None},
    ]
    paths = sorted(e["path"] for e in body["errors"])
    assert paths == [["semuaWarga", i, f] for i in (1, 2) for f in ("diagnosa", "nama")]


async def test_aliases_and_fragments_do_not_bypass_the_self_policy(gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    query = """
      query { semuaWarga { a: nama ...F ... on Penduduk { z: diagnosa } } }
      fragment F on Penduduk { b: alamat }
    """
    status, body = await ask(gateway_url, query, andi(jwks))
    assert status == 200
    values = [(e["a"], e["b"], e["z"]) for e in body["data"]["semuaWarga"]]
    assert values == [("Andi", "Jl. Somba Opu 1", "sehat"), (None, None, None), (None, None, None)]
    assert len(body["errors"]) == 6


async def test_an_officer_policy_reads_every_record(gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    officer = jwks[0].token(role="operator", client_id="backoffice")
    status, body = await ask(gateway_url, "{ semuaWarga { nama diagnosa } }", officer, purpose="pelayanan_adminduk")
    assert (status, "errors" in body) == (200, False)
    assert [e["nama"] for e in body["data"]["semuaWarga"]] == ["Andi", "Budi", "Citra"]


async def test_an_anonymous_request_gets_no_personal_value_and_none_is_fetched(gateway_url: str) -> None:
    world.RECEIVED.clear()
    status, body = await ask(gateway_url, "{ semuaWarga { nik kecamatan nama diagnosa } }", purpose=None)
    assert status == 200
    assert all(e["nama"] is None and e["diagnosa"] is None for e in body["data"]["semuaWarga"])
    assert len(body["errors"]) == 6
    assert len(world.RECEIVED) == 1  # only the root list: no entity fetch for the denied diagnoses


async def test_a_token_without_a_nik_passes_no_self_policy(gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    status, body = await ask(gateway_url, f'{{ penduduk(nik: "{world.ANDI}") {{ nama }} }}', jwks[0].token())
    assert (status, body) == (200, {"data": {"penduduk": {"nama": None}}, "errors": [unauthorized("penduduk", "nama")]})


async def test_reading_personal_fields_without_a_purpose_is_403(gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    status, body = await ask(gateway_url, f'{{ penduduk(nik: "{world.ANDI}") {{ nama }} }}', andi(jwks), purpose=None)
    assert status == 403
    assert body["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"
    status, body = await ask(gateway_url, "{ puskesmas }", andi(jwks), purpose=None)  # nothing personal: no purpose
    assert (status, body) == (200, {"data": {"puskesmas": "Puskesmas Kassi-Kassi"}})


async def test_bulk_listing_needs_an_operator_scope(gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    status, body = await ask(gateway_url, "{ daftarPenduduk { nik } }", andi(jwks))
    assert (status, body) == (200, {"data": None, "errors": [unauthorized("daftarPenduduk")]})
