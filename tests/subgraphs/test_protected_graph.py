"""The reference graph protected end to end (six OPDs behind the gateway, real sockets): an
anonymous caller gets no personal value, a citizen's token reads only their own record, a
payment needs the payment scope."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.subgraphs import world as w
from tests.subgraphs.test_gateway_citizen import CITIZEN, IDENTITY, Stack, start_stack


@pytest.fixture
async def stack(world_url: str) -> AsyncIterator[Stack]:
    async for running in start_stack(world_url):
        yield running


async def post(stack: Stack, query: str, token: str | None, purpose: str | None = None, **variables: Any) -> Any:
    headers = {"accept": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    if purpose:
        headers["x-splp-purpose"] = purpose
    async with aiohttp.ClientSession() as session, session.post(
        stack.gateway_url, json={"query": query, "variables": variables}, headers=headers
    ) as response:
        return response.status, json.loads(await response.text())


def values(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [v for item in node.values() for v in values(item)]
    if isinstance(node, list):
        return [v for item in node for v in values(item)]
    return [node]


async def test_an_anonymous_caller_gets_no_personal_value(stack: Stack) -> None:
    status, body = await post(stack, CITIZEN, None, nik=w.HEAD)
    assert status == 200
    assert values(body["data"]) == [None]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UNAUTHORIZED_FIELD_OR_TYPE"}


async def test_a_citizen_reads_their_own_record(stack: Stack) -> None:
    token = IDENTITY.token("warga", nik=w.HEAD)
    status, body = await post(stack, "query($nik: NIK!) { penduduk(nik: $nik) { nik nama tagihanPbb { tahun } "
                                     "jkn { status } } }", token, "layanan_publik", nik=w.HEAD)
    assert (status, body["data"]["penduduk"]["nama"]) == (200, "Andi Baso Rahman")
    assert body["data"]["penduduk"]["jkn"] == {"status": "AKTIF"} and "errors" not in body


async def test_a_citizen_reads_no_other_citizen_s_record(stack: Stack) -> None:
    token = IDENTITY.token("warga", nik=w.HEAD)
    status, body = await post(stack, "query($nik: NIK!) { penduduk(nik: $nik) { nama jkn { status } } }", token,
                              "layanan_publik", nik=w.WIFE)
    assert status == 200
    assert values(body["data"]) == [None]


async def test_paying_a_tax_bill_needs_the_payment_scope(stack: Stack) -> None:
    mutation = f'mutation {{ bayarTagihanPbb(nop: "{w.NOP_RAHMAN}", tahun: 2026, kanal: "attacker") {{ lunas }} }}'
    status, body = await post(stack, mutation, IDENTITY.token("warga", nik=w.HEAD), "layanan_publik")
    assert status == 200 and body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
