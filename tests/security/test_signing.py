"""Subgraphs accept only the gateway: a kit subgraph refuses an unsigned, stale, replayed,
altered or unknown-key request with 401 before executing anything, and receives the
verified principal from the gateway."""

from __future__ import annotations

import time

import aiohttp

from federation.security.signing import RequestSigner
from subgraphs.kit.principal import HEADER as PRINCIPAL_HEADER
from subgraphs.kit.principal import Principal, encode_principal
from subgraphs.kit.signing import HEADER, sign
from tests.security import world
from tests.security.conftest import Jwks, ask

BODY = b'{"query":"{ penduduk(nik: \\"7371014101900001\\") { nama } }"}'


async def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as http, http.post(
        url, data=body, headers={"content-type": "application/json", **headers}
    ) as response:
        return response.status, await response.json(content_type=None)


def signed(
    url: str, body: bytes = BODY, principal: str = "", kid: str = "k2", now: float | None = None
) -> dict[str, str]:
    headers = {PRINCIPAL_HEADER: principal} if principal else {}
    return {**headers, HEADER: sign(kid, world.KEYS[kid], "POST", "/graphql", body, principal, now)}


async def test_the_gateway_s_requests_carry_the_verified_principal(
    gateway_url: str, jwks: tuple[Jwks, str]
) -> None:
    world.RECEIVED.clear()
    token = jwks[0].token(nik=world.ANDI, role="warga", name="Andi")
    assert (await ask(gateway_url, f'{{ penduduk(nik: "{world.ANDI}") {{ nama diagnosa }} }}', token))[0] == 200
    assert world.RECEIVED and all(
        p == Principal(subject="warga-andi", client="superapp", role="warga", nik=world.ANDI, name="Andi",
                       purpose="layanan_publik")
        for p in world.RECEIVED
    )


async def test_an_unsigned_request_is_401_and_never_executed(subgraph_urls: dict[str, str]) -> None:
    world.RECEIVED.clear()
    status, body = await post(subgraph_urls["penduduk"], BODY, {})
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]
    assert world.RECEIVED == []


async def test_a_request_signed_with_the_previous_key_is_accepted_while_subgraphs_keep_it(
    subgraph_urls: dict[str, str],
) -> None:
    status, body = await post(subgraph_urls["penduduk"], BODY, signed(subgraph_urls["penduduk"], kid="k1"))
    assert (status, body) == (200, {"data": {"penduduk": {"nama": "Andi"}}})


async def test_a_stale_signature_is_401(subgraph_urls: dict[str, str]) -> None:
    world.RECEIVED.clear()
    headers = signed(subgraph_urls["penduduk"], now=time.time() - 120)
    status, body = await post(subgraph_urls["penduduk"], BODY, headers)
    assert (status, body["errors"][0]["message"]) == (401, "the signature is stale")  # type: ignore[index]
    assert world.RECEIVED == []


async def test_a_replayed_request_is_401(subgraph_urls: dict[str, str]) -> None:
    headers = signed(subgraph_urls["penduduk"])
    assert (await post(subgraph_urls["penduduk"], BODY, headers))[0] == 200
    world.RECEIVED.clear()
    status, body = await post(subgraph_urls["penduduk"], BODY, headers)
    assert (status, body["errors"][0]["message"]) == (401, "the request is a replay")  # type: ignore[index]
    assert world.RECEIVED == []


async def test_a_signature_does_not_cover_another_body_or_principal(subgraph_urls: dict[str, str]) -> None:
    url = subgraph_urls["penduduk"]
    headers = signed(url)
    other = BODY.replace(b"0001", b"0002")
    assert (await post(url, other, headers))[0] == 401
    forged = encode_principal(Principal(subject="x", role="admin_kota"))
    assert (await post(url, BODY, {**signed(url), PRINCIPAL_HEADER: forged}))[0] == 401


async def test_a_key_the_subgraph_does_not_hold_is_401(subgraph_urls: dict[str, str]) -> None:
    signer = RequestSigner("k9", b"kunci-yang-tidak-dikenal-subgraf")
    status, body = await post(subgraph_urls["penduduk"], BODY, signer(subgraph_urls["penduduk"], BODY, None))
    assert (status, body["errors"][0]["message"]) == (401, "the request is signed with an unknown key")  # type: ignore[index]
