"""REST sources declared: auth, retries, and @rest_entity's batched calls, against a real HTTP server.

The server (aiohttp on a socket) plays a library's book API behind OAuth2: it checks every
call's headers and token, counts calls, and serves the token endpoint.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import strawberry
from aiohttp import web

from subgraphs.kit import (
    NIK,
    ApiKey,
    Bearer,
    Ctx,
    Get,
    OAuth2ClientCredentials,
    Post,
    RestSource,
    SubgraphContext,
    Tanggal,
    UpstreamError,
    create_schema,
    reference,
    rest_entity,
    rest_rows,
    rest_type,
)
from subgraphs.serve import Servers
from tests.subgraphs.conftest import free_port

BOOKS = {
    "9786020000011": {"isbn": "9786020000011", "judul": "Laskar Pelangi", "terbit": "2005-09-01",
                      "pengarang": {"nama": "Andrea Hirata"}, "peminjam": "7371041203800001"},
    "9786020000028": {"isbn": "9786020000028", "judul": "Bumi Manusia", "terbit": "1980-08-25",
                      "pengarang": {"nama": "Pramoedya Ananta Toer"}, "peminjam": None},
    "9786020000035": {"isbn": "9786020000035", "judul": "Ronggeng Dukuh Paruk", "terbit": "1982-01-01",
                      "pengarang": {"nama": "Ahmad Tohari"}, "peminjam": "7371 dirty"},
}


@dataclass
class Library:
    """What the server saw."""

    url: str
    tokens_issued: int = 0
    token_lifetime: int = 3600
    revoked: set[str] = field(default_factory=set)
    calls: list[tuple[str, str, list[str]]] = field(default_factory=list)
    failures_left: int = 0


@pytest.fixture
async def library() -> AsyncIterator[Library]:
    port = free_port()
    state = Library(f"http://127.0.0.1:{port}")

    async def token(request: web.Request) -> web.Response:
        form = await request.post()
        if request.headers.get("Authorization") != "Basic cGVycHVzdGFrYWFuOnJhaGFzaWE=":  # perpustakaan:rahasia
            return web.json_response({"error": "invalid_client"}, status=401)
        if form.get("grant_type") != "client_credentials" or form.get("scope") != "buku.baca":
            return web.json_response({"error": "invalid_request"}, status=400)
        state.tokens_issued += 1
        return web.json_response({"access_token": f"t-{state.tokens_issued}", "token_type": "Bearer",
                                  "expires_in": state.token_lifetime})

    def authorised(request: web.Request) -> bool:
        bearer = request.headers.get("Authorization", "")
        return (bearer.startswith("Bearer t-") and bearer[7:] not in state.revoked
                and request.headers.get("X-Instansi") == "perpustakaan")

    async def books(request: web.Request) -> web.Response:
        if not authorised(request):
            return web.Response(status=401)
        isbns = request.query.getall("isbn", [])
        if request.method == "POST":
            isbns = (await request.json())["isbn"]
        state.calls.append((request.method, request.path, isbns))
        return web.json_response({"data": {"buku": [BOOKS[i] for i in isbns if i in BOOKS]}})

    async def one_book(request: web.Request) -> web.Response:
        if not authorised(request):
            return web.Response(status=401)
        isbn = request.match_info["isbn"]
        state.calls.append(("GET", "/buku/{isbn}", [isbn]))
        if isbn not in BOOKS:
            raise web.HTTPNotFound()
        return web.json_response(BOOKS[isbn])

    async def flaky(request: web.Request) -> web.Response:
        state.calls.append((request.method, request.path, []))
        if state.failures_left > 0:
            state.failures_left -= 1
            return web.Response(status=503, text="busy")
        return web.json_response({"ok": True})

    async def busy(request: web.Request) -> web.Response:
        state.calls.append((request.method, request.path, []))
        if state.failures_left > 0:
            state.failures_left -= 1
            return web.Response(status=429, headers={"Retry-After": request.query.get("wait", "0")})
        return web.json_response({"ok": True})

    async def slow(request: web.Request) -> web.Response:
        state.calls.append((request.method, request.path, []))
        await asyncio.sleep(1)
        return web.json_response({"ok": True})

    async def keyed(request: web.Request) -> web.Response:
        return web.json_response({"header": request.headers.get("X-API-Key"),
                                  "query": request.query.get("api_key"),
                                  "authorization": request.headers.get("Authorization")})

    app = web.Application()
    app.router.add_post("/oauth/token", token)
    app.router.add_get("/buku", books)
    app.router.add_post("/buku/cari", books)
    app.router.add_get("/buku/{isbn}", one_book)
    app.router.add_route("*", "/flaky", flaky)
    app.router.add_get("/keyed", keyed)
    app.router.add_get("/busy", busy)
    app.router.add_get("/slow", slow)
    servers = Servers()
    await servers.start_aiohttp(app, "127.0.0.1", port)
    yield state
    await servers.stop()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def oauth(library: Library, clock: Clock | None = None, secret: str = "rahasia") -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(f"{library.url}/oauth/token", "perpustakaan", secret, scope="buku.baca",
                                   clock=clock or Clock())


async def opened(source: RestSource) -> RestSource:
    await source.open()
    return source


@pytest.fixture
async def api(library: Library) -> AsyncIterator[RestSource]:
    source = await opened(RestSource("perpustakaan", library.url, headers={"X-Instansi": "perpustakaan"},
                                     auth=oauth(library), backoff=0.01))
    yield source
    await source.close()


async def test_an_oauth2_token_is_fetched_once_for_concurrent_calls_and_reused(library: Library,
                                                                             api: RestSource) -> None:
    await asyncio.gather(*(api.get_json("/buku", {"isbn": ["9786020000011"]}) for _ in range(5)))
    await api.get_json("/buku", {"isbn": ["9786020000028"]})
    assert library.tokens_issued == 1
    assert len(library.calls) == 6


async def test_an_oauth2_token_is_fetched_again_once_it_expires(library: Library) -> None:
    clock = Clock()
    library.token_lifetime = 120
    source = await opened(RestSource("perpustakaan", library.url, headers={"X-Instansi": "perpustakaan"},
                                     auth=oauth(library, clock)))
    try:
        await source.get_json("/buku")
        clock.now += 80  # within the lifetime, less the 30 s margin
        await source.get_json("/buku")
        assert library.tokens_issued == 1
        clock.now += 11
        await source.get_json("/buku")
        assert library.tokens_issued == 2
    finally:
        await source.close()


async def test_a_token_revoked_before_its_expiry_is_replaced_once(library: Library, api: RestSource) -> None:
    await api.get_json("/buku")
    library.revoked.add("t-1")
    assert await api.get_json("/buku") == {"data": {"buku": []}}
    assert library.tokens_issued == 2


async def test_refused_client_credentials_are_an_error_naming_the_upstream(library: Library) -> None:
    source = await opened(RestSource("perpustakaan", library.url, auth=oauth(library, secret="salah")))
    try:
        with pytest.raises(UpstreamError) as raised:
            await source.get_json("/buku")
    finally:
        await source.close()
    assert raised.value.extensions == {"code": "UPSTREAM_AUTH_FAILED", "upstream": "perpustakaan", "status": 401}
    assert "invalid_client" in raised.value.message


async def test_calls_without_the_expected_credentials_are_refused_as_unauthorized(library: Library) -> None:
    source = await opened(RestSource("perpustakaan", library.url, auth=Bearer("palsu")))
    try:
        with pytest.raises(UpstreamError) as raised:
            await source.get_json("/buku")
    finally:
        await source.close()
    assert raised.value.extensions == {"code": "UPSTREAM_UNAUTHORIZED", "upstream": "perpustakaan", "status": 401}


@pytest.mark.parametrize(("auth", "seen"), [
    (ApiKey("k-123"), {"header": "k-123", "query": None, "authorization": None}),
    (ApiKey("k-123", query="api_key"), {"header": None, "query": "k-123", "authorization": None}),
    (Bearer("b-456"), {"header": None, "query": None, "authorization": "Bearer b-456"}),
])
async def test_an_api_key_or_bearer_token_goes_where_it_is_declared(
    library: Library, auth: Any, seen: dict[str, str | None]
) -> None:
    source = await opened(RestSource("perpustakaan", library.url, auth=auth))
    try:
        assert await source.get_json("/keyed") == seen
    finally:
        await source.close()


async def test_an_idempotent_call_is_retried_until_the_upstream_recovers(library: Library) -> None:
    source = await opened(RestSource("perpustakaan", library.url, retries=2, backoff=0.01))
    try:
        library.failures_left = 2
        assert await source.get_json("/flaky") == {"ok": True}
        assert len(library.calls) == 3
        library.failures_left = 3
        with pytest.raises(UpstreamError) as raised:
            await source.get_json("/flaky")
        assert raised.value.extensions == {"code": "UPSTREAM_HTTP_ERROR", "upstream": "perpustakaan", "status": 503}
        assert len(library.calls) == 6
    finally:
        await source.close()


async def test_a_429_is_retried_after_the_wait_it_asks_for_unless_the_wait_is_too_long(library: Library) -> None:
    source = await opened(RestSource("perpustakaan", library.url, retries=2))
    try:
        library.failures_left = 1
        assert await source.get_json("/busy", {"wait": "0"}) == {"ok": True}
        assert len(library.calls) == 2
        library.failures_left = 1
        with pytest.raises(UpstreamError) as raised:
            await source.get_json("/busy", {"wait": "3600"})
        assert raised.value.extensions == {"code": "UPSTREAM_HTTP_ERROR", "upstream": "perpustakaan", "status": 429}
        assert len(library.calls) == 3
    finally:
        await source.close()


async def test_a_timeout_is_not_retried(library: Library) -> None:
    source = await opened(RestSource("perpustakaan", library.url, timeout=0.2, retries=2))
    try:
        with pytest.raises(UpstreamError) as raised:
            await source.get_json("/slow")
    finally:
        await source.close()
    assert raised.value.extensions == {"code": "UPSTREAM_TIMEOUT", "upstream": "perpustakaan"}
    assert len(library.calls) == 1


async def test_a_post_is_retried_only_when_declared_idempotent(library: Library) -> None:
    source = await opened(RestSource("perpustakaan", library.url, retries=2, backoff=0.01))
    try:
        library.failures_left = 1
        with pytest.raises(UpstreamError):
            await source.post_json("/flaky", {"catat": "pinjaman"})
        assert len(library.calls) == 1
        library.failures_left = 1
        assert await source.post_json("/flaky", {"cari": "buku"}, idempotent=True) == {"ok": True}
        assert len(library.calls) == 3
    finally:
        await source.close()


# -- a REST-backed entity, declared once -------------------------------------------------------------------


@rest_type()
class Pengarang:
    nama: str


@rest_entity("perpustakaan", key="isbn", call=Get("/buku", batch="isbn", size=2, items="data.buku"),
             paths={"nama_pengarang": "pengarang.nama"}, federated=True)
class Buku:
    isbn: str
    judul: str
    terbit: Tanggal
    nama_pengarang: str
    pengarang: Pengarang
    peminjam: NIK | None


@rest_entity("perpustakaan", key="isbn", call=Post("/buku/cari", batch="isbn", size=100, items="data.buku"))
class BukuDicari:
    isbn: str
    judul: str


@rest_entity("perpustakaan", key="isbn", call=Get("/buku/{isbn}"))
class SatuBuku:
    isbn: str
    judul: str


@strawberry.type
class Peminjaman:
    isbn: str
    buku = reference(Buku, "isbn")


@strawberry.type
class Query:
    @strawberry.field
    async def buku(self, info: Ctx, isbn: list[str]) -> list[Buku | None]:
        return list(await asyncio.gather(*(rest_rows(Buku).get(info.context, i) for i in isbn)))

    @strawberry.field
    async def cari(self, info: Ctx, isbn: list[str]) -> list[BukuDicari | None]:
        return list(await asyncio.gather(*(rest_rows(BukuDicari).get(info.context, i) for i in isbn)))

    @strawberry.field
    async def satu(self, info: Ctx, isbn: list[str]) -> list[SatuBuku | None]:
        return list(await asyncio.gather(*(rest_rows(SatuBuku).get(info.context, i) for i in isbn)))

    @strawberry.field
    def peminjaman(self, isbn: list[str]) -> list[Peminjaman]:
        return [Peminjaman(isbn=i) for i in isbn]


schema = create_schema(Query)
ALL = list(BOOKS)


async def run(api: RestSource, query: str, **variables: Any) -> Any:
    return await schema.execute(query, variable_values=variables,
                                context_value=SubgraphContext(rest={api.name: api}))


async def test_fields_are_read_at_their_paths_and_typed(api: RestSource) -> None:
    result = await run(api, "query($i: [String!]!) { buku(isbn: $i) { judul terbit namaPengarang "
                            "pengarang { nama } peminjam } }", i=ALL[:2])
    assert result.errors is None
    assert result.data == {"buku": [
        {"judul": "Laskar Pelangi", "terbit": "2005-09-01", "namaPengarang": "Andrea Hirata",
         "pengarang": {"nama": "Andrea Hirata"}, "peminjam": "7371041203800001"},
        {"judul": "Bumi Manusia", "terbit": "1980-08-25", "namaPengarang": "Pramoedya Ananta Toer",
         "pengarang": {"nama": "Pramoedya Ananta Toer"}, "peminjam": None},
    ]}


async def test_keys_are_sent_in_batches_of_the_declared_size(library: Library, api: RestSource) -> None:
    result = await run(api, "query($i: [String!]!) { buku(isbn: $i) { isbn } }", i=[*ALL[:2], "9780000000000"])
    assert result.data == {"buku": [{"isbn": ALL[0]}, {"isbn": ALL[1]}, None]}  # unknown: null, no error
    assert library.calls == [("GET", "/buku", ALL[:2]), ("GET", "/buku", ["9780000000000"])]


async def test_a_post_batch_sends_every_key_in_one_body(library: Library, api: RestSource) -> None:
    result = await run(api, "query($i: [String!]!) { cari(isbn: $i) { judul } }", i=ALL)
    assert result.errors is None
    assert [b["judul"] for b in result.data["cari"]] == ["Laskar Pelangi", "Bumi Manusia", "Ronggeng Dukuh Paruk"]
    assert library.calls == [("POST", "/buku/cari", ALL)]


async def test_without_a_batch_each_key_is_its_own_call_and_a_404_is_null(library: Library,
                                                                          api: RestSource) -> None:
    result = await run(api, "query($i: [String!]!) { satu(isbn: $i) { judul } }", i=[ALL[0], "9780000000000"])
    assert result.errors is None
    assert result.data == {"satu": [{"judul": "Laskar Pelangi"}, None]}
    assert sorted(library.calls) == [("GET", "/buku/{isbn}", ["9780000000000"]), ("GET", "/buku/{isbn}", [ALL[0]])]


async def test_a_key_is_one_path_segment_whatever_it_holds(library: Library, api: RestSource) -> None:
    result = await run(api, 'query { satu(isbn: ["../keyed", "x?y=1"]) { judul } }')
    assert result.errors is None
    assert result.data == {"satu": [None, None]}
    assert sorted(library.calls) == [("GET", "/buku/{isbn}", ["../keyed"]), ("GET", "/buku/{isbn}", ["x?y=1"])]


async def test_a_reference_to_a_rest_entity_is_batched_like_a_table(library: Library, api: RestSource) -> None:
    result = await run(api, "query($i: [String!]!) { peminjaman(isbn: $i) { buku { judul } } }", i=ALL[:2])
    assert result.errors is None
    assert result.data == {"peminjaman": [{"buku": {"judul": "Laskar Pelangi"}}, {"buku": {"judul": "Bumi Manusia"}}]}
    assert len(library.calls) == 1


async def test_a_dirty_upstream_value_is_an_error_at_its_field_only(api: RestSource) -> None:
    result = await run(api, "query($i: [String!]!) { buku(isbn: $i) { judul peminjam } }", i=[ALL[0], ALL[2]])
    assert result.data == {"buku": [{"judul": "Laskar Pelangi", "peminjam": "7371041203800001"},
                                    {"judul": "Ronggeng Dukuh Paruk", "peminjam": None}]}
    assert result.errors is not None and len(result.errors) == 1
    assert result.errors[0].path == ["buku", 1, "peminjam"]
    assert result.errors[0].extensions is not None and result.errors[0].extensions["code"] == "INVALID_NIK"


async def test_the_gateway_resolves_a_federated_rest_entity_by_its_key(library: Library, api: RestSource) -> None:
    result = await run(api, "query($r: [_Any!]!) { _entities(representations: $r) { ... on Buku { judul } } }",
                       r=[{"__typename": "Buku", "isbn": i} for i in ALL[:2]])
    assert result.errors is None
    assert result.data == {"_entities": [{"judul": "Laskar Pelangi"}, {"judul": "Bumi Manusia"}]}
    assert library.calls == [("GET", "/buku", ALL[:2])]


async def test_an_answer_without_the_declared_list_is_an_upstream_error(library: Library) -> None:
    @rest_entity("perpustakaan", key="isbn", call=Get("/keyed", batch="isbn", items="data.buku"))
    class Salah:
        isbn: str

    source = await opened(RestSource("perpustakaan", library.url))
    try:
        with pytest.raises(UpstreamError) as raised:
            await rest_rows(Salah).load_many(SubgraphContext(rest={"perpustakaan": source}), ["1"])
    finally:
        await source.close()
    assert raised.value.extensions == {"code": "UPSTREAM_BAD_RESPONSE", "upstream": "perpustakaan"}
