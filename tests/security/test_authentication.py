"""Who is asking: tokens verified against a JWKS fetched over HTTP (rotated without restart),
registered clients with their scopes and purposes, API keys for machine clients, and
`require_auth`. Every credential that does not verify is a 401 before anything is parsed."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives import serialization

from federation.http.app import create_app
from federation.security.clients import ClientConfigError, ClientRegistry
from tests.gateway.servers import Server
from tests.security import world
from tests.security.conftest import AUDIENCE, ISSUER, MACHINE_KEY, Jwks, ask, make_gateway

NAMA = f"{{ penduduk(nik: \"{world.ANDI}\") {{ nama }} }}"


async def test_a_citizen_token_from_the_jwks_reads_their_own_record(gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    status, body = await ask(gateway_url, NAMA, jwks[0].token(nik=world.ANDI, role="warga"))
    assert (status, body) == (200, {"data": {"penduduk": {"nama": "Andi"}}})


async def test_a_key_added_to_the_jwks_works_without_a_restart(gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    provider, _ = jwks
    provider.add("kid-rotated")
    status, body = await ask(gateway_url, NAMA, provider.token("kid-rotated", nik=world.ANDI))
    assert (status, body) == (200, {"data": {"penduduk": {"nama": "Andi"}}})


async def test_a_key_rotated_out_of_the_jwks_stops_its_tokens(gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    provider, _ = jwks
    provider.add("kid-old")
    old = provider.token("kid-old", nik=world.ANDI)
    assert (await ask(gateway_url, NAMA, old))[0] == 200
    assert (await ask(gateway_url, NAMA, old))[0] == 200  # remembered, not verified again
    del provider.keys["kid-old"]  # the identity provider rotates: a new key, the old one withdrawn
    provider.add("kid-new")
    assert (await ask(gateway_url, NAMA, provider.token("kid-new", nik=world.ANDI)))[0] == 200
    status, body = await ask(gateway_url, NAMA, old)
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_made_up_key_ids_do_not_flood_the_identity_provider(gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    provider, _ = jwks
    provider.add("kid-unpublished")
    token = provider.token("kid-unpublished")
    del provider.keys["kid-unpublished"]
    before = provider.fetches
    for _ in range(20):
        status, _body = await ask(gateway_url, NAMA, token)
        assert status == 401
    assert provider.fetches - before <= 2


def _forgeries(provider: Jwks) -> dict[str, str]:
    now = int(time.time())
    other = Jwks()  # a key the identity provider never published, under a published kid
    public_pem = provider.keys["kid-1"].public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def unsigned(claims: dict[str, object]) -> str:
        def part(obj: dict[str, object]) -> str:
            return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

        return f"{part({'alg': 'none', 'typ': 'JWT', 'kid': 'kid-1'})}.{part(claims)}."

    good = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "client_id": "superapp", "exp": now + 600}
    # PyJWT itself refuses to HMAC with a PEM key, so the attacker's token is made by hand
    hmac_with_public_key = _hs256(good, public_pem)
    return {
        "forged": other.token("kid-1"),
        "expired": provider.token(exp=now - 120, iat=now - 700),
        "not yet valid": provider.token(nbf=now + 600),
        "wrong audience": provider.token(aud="another-gateway"),
        "wrong issuer": provider.token(iss="https://evil.example"),
        "alg none": unsigned(good),
        "HS256 signed with the RS256 public key": hmac_with_public_key,
        "unregistered client": provider.token(client_id="aplikasi-liar"),
        "garbage": "not.a.jwt",
    }


def _hs256(claims: dict[str, object], secret: bytes) -> str:
    import hashlib
    import hmac

    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    signing_input = part(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "kid-1"}).encode()) + "." + part(
        json.dumps(claims).encode()
    )
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"


@pytest.mark.parametrize(
    "kind",
    ["forged", "expired", "not yet valid", "wrong audience", "wrong issuer", "alg none",
     "HS256 signed with the RS256 public key", "unregistered client", "garbage"],
)
async def test_a_token_that_does_not_verify_is_401_without_data(
    gateway_url: str, jwks: tuple[Jwks, str], kind: str
) -> None:
    status, body = await ask(gateway_url, NAMA, _forgeries(jwks[0])[kind])
    assert status == 401, body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in body


async def test_a_token_a_little_past_expiry_is_accepted_within_the_clock_skew(
    gateway_url: str, jwks: tuple[Jwks, str]
) -> None:
    now = int(time.time())
    token = jwks[0].token(nik=world.ANDI, exp=now - 5, iat=now - 600)
    assert (await ask(gateway_url, NAMA, token))[0] == 200


async def test_a_token_s_scopes_are_cut_to_its_client_s(gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    # the super app may not list citizens, whatever scope a token claims
    token = jwks[0].token(scope="penduduk:daftar warga")
    status, body = await ask(gateway_url, "{ daftarPenduduk { nik } }", token)
    assert status == 200 and body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    backoffice = jwks[0].token(scope="penduduk:daftar", client_id="backoffice")
    status, body = await ask(gateway_url, "{ daftarPenduduk { nik } }", backoffice, purpose="pelayanan_adminduk")
    assert (status, len(body["data"]["daftarPenduduk"])) == (200, 3)


async def test_a_purpose_the_client_may_not_state_is_403(gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    status, body = await ask(gateway_url, NAMA, jwks[0].token(nik=world.ANDI), purpose="pemasaran")
    assert status == 403
    assert body["errors"][0]["extensions"]["code"] == "PURPOSE_NOT_ALLOWED"


async def test_a_machine_client_authenticates_with_its_api_key(gateway_url: str) -> None:
    status, body = await ask(gateway_url, NAMA, headers={"x-api-key": MACHINE_KEY}, purpose="verifikasi_jkn")
    assert (status, body) == (200, {"data": {"penduduk": {"nama": "Andi"}}})  # an operator: the petugas policy
    status, body = await ask(gateway_url, NAMA, headers={"x-api-key": MACHINE_KEY + "x"})
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_clients_file_holding_a_plain_api_key_is_refused() -> None:
    with pytest.raises(ClientConfigError, match="sha256"):
        ClientRegistry.from_dict({"clients": {"bpjs": {"api_keys": [MACHINE_KEY]}}})


@pytest.fixture(scope="module")
def strict_gateway_url(jwks: tuple[Jwks, str], subgraph_urls: dict[str, str]) -> Iterator[str]:
    gateway = make_gateway(jwks[1], subgraph_urls, require_auth=True)
    server = Server(create_app(gateway.supergraph, gateway=gateway)).start()
    yield server.url + "/graphql"
    server.stop()


async def test_require_auth_answers_anonymous_requests_401_before_parsing(strict_gateway_url: str) -> None:
    # not even a parse error: the document is never read
    status, body = await ask(strict_gateway_url, "{ this is not graphql")
    assert status == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_require_auth_serves_an_authenticated_request(strict_gateway_url: str, jwks: tuple[Jwks, str]) -> None:
    status, body = await ask(strict_gateway_url, NAMA, jwks[0].token(nik=world.ANDI))
    assert (status, body) == (200, {"data": {"penduduk": {"nama": "Andi"}}})


async def test_a_remembered_token_still_expires() -> None:
    import asyncio

    import jwt as pyjwt

    from federation.security.jwt import AuthenticationError, JwtAuthenticator

    secret = "rahasia-pengujian-token-diingat-0123456789"
    verifier = JwtAuthenticator(secret=secret, leeway=0)
    token = pyjwt.encode({"sub": "warga-andi", "exp": time.time() + 1}, secret)
    assert (await verifier.verify(token))["sub"] == "warga-andi"
    await asyncio.sleep(1.2)
    with pytest.raises(AuthenticationError, match="expired"):
        await verifier.verify(token)


def test_splp_security_makes_an_api_key_whose_digest_the_clients_file_takes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from federation.cli import main

    assert main(["security", "api-key"]) == 0
    lines = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines())
    key, digest = lines["key"].strip(), lines["digest"].strip()
    assert main(["security", "hash-key", key]) == 0
    assert capsys.readouterr().out.strip() == digest
    clients = ClientRegistry.from_dict({"clients": {"bpjs": {"api_keys": [digest]}}})
    assert clients.by_api_key(key) is not None and clients.by_api_key(key + "x") is None
