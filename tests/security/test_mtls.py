"""Mutual TLS between the gateway and a subgraph, on real sockets: a kit subgraph served as
`splp subgraph serve --tls-cert --tls-key --tls-client-ca` serves it, and answers only a gateway
presenting a certificate its CA signed; the gateway trusts only the CA in its `subgraphs.tls`."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import json
import os
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
import strawberry
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from httpx_sse import aconnect_sse
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from federation import config
from federation.compose import SubgraphSource, compose
from federation.gateway_cli import gateway_app
from federation.supergraph import Supergraph
from subgraphs.kit.app import create_schema, create_subgraph_app
from subgraphs.kit.tls import uvicorn_tls_options
from tests.gateway.servers import Server, free_port

REPOSITORY = str(Path(__file__).resolve().parents[2])
QUERY = '{ kecamatan(kode: "73.71.01") { nama } }'
SERVED: list[str] = []  # the kode of each request the subgraph executed


@strawberry.type
class Kecamatan:
    kode: str
    nama: str


@strawberry.type
class Query:
    @strawberry.field
    def kecamatan(self, kode: str) -> Kecamatan | None:
        SERVED.append(kode)
        return Kecamatan(kode=kode, nama="Mariso")


def wilayah_app() -> Any:
    return create_subgraph_app("wilayah", create_schema(Query), signing_keys={})


@strawberry.type
class SiaranQuery:
    @strawberry.field
    def siaran_aktif(self) -> bool:
        return True


@strawberry.type
class Siaran:
    @strawberry.subscription
    async def hitung(self) -> AsyncIterator[int]:
        for i in (1, 2):
            yield i


def siaran_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(query=SiaranQuery, subscription=Siaran)


@dataclass
class Issuer:
    """A CA that signs certificates into files of a directory."""

    name: str
    directory: Path

    def __post_init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, self.name)])
        self.certificate = (
            self._builder(subject, self.key.public_key())
            .issuer_name(subject)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                              data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                              encipher_only=False, decipher_only=False),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )
        self.ca_file = self.directory / f"{self.name}-ca.pem"
        self.ca_file.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))

    @staticmethod
    def _builder(subject: x509.Name, public_key: Any) -> x509.CertificateBuilder:
        now = datetime.datetime.now(datetime.UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        )

    def issue(self, name: str, usage: x509.ObjectIdentifier) -> tuple[Path, Path]:
        """A certificate for 127.0.0.1 and localhost with `usage` (server or client); its files."""
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (
            self._builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]), key.public_key())
            .issuer_name(self.certificate.subject)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        cert_file, key_file = self.directory / f"{name}.pem", self.directory / f"{name}.key"
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
        )
        return cert_file, key_file


@dataclass
class Pki:
    city: Issuer  # signs the subgraphs' and the gateway's certificates
    gateway_cert: Path
    gateway_key: Path
    subgraph_url: str  # requires a client certificate from the city's CA
    impostor_url: str  # a certificate from another CA; asks for no client certificate
    siaran_url: str  # subscriptions over graphql-ws, requiring a client certificate as wilayah


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    directory = tmp_path_factory.mktemp("pki")
    city, other = Issuer("makassar", directory), Issuer("rogue", directory)
    gateway_cert, gateway_key = city.issue("gateway", ExtendedKeyUsageOID.CLIENT_AUTH)
    cert, key = city.issue("wilayah", ExtendedKeyUsageOID.SERVER_AUTH)
    # the options `splp subgraph serve --tls-cert --tls-key --tls-client-ca` gives uvicorn
    subgraph = Server(wilayah_app(), **uvicorn_tls_options(str(cert), str(key), str(city.ca_file))).start()
    cert, key = other.issue("impostor", ExtendedKeyUsageOID.SERVER_AUTH)
    impostor = Server(wilayah_app(), **uvicorn_tls_options(str(cert), str(key), None)).start()
    cert, key = city.issue("siaran", ExtendedKeyUsageOID.SERVER_AUTH)
    siaran = Server(GraphQL(siaran_schema(), subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL]),
                    **uvicorn_tls_options(str(cert), str(key), str(city.ca_file))).start()
    yield Pki(city, gateway_cert, gateway_key, f"https://127.0.0.1:{subgraph.port}/graphql",
              f"https://127.0.0.1:{impostor.port}/graphql", f"https://127.0.0.1:{siaran.port}/graphql")
    for server in (subgraph, impostor, siaran):
        server.stop()


def with_client_certificate(pki: Pki) -> str:
    return f"""
subgraphs:
  tls: {{ca_file: {pki.city.ca_file}, cert_file: {pki.gateway_cert}, key_file: {pki.gateway_key}}}
"""


def _supergraph(url: str, siaran_url: str | None = None) -> Supergraph:
    sources = [SubgraphSource("wilayah", url, wilayah_app().state.schema.as_str())]
    if siaran_url is not None:
        sources.append(SubgraphSource("siaran", siaran_url, siaran_schema().as_str()))
    result = compose(sources)
    assert result.supergraph_sdl is not None, result.errors
    return Supergraph.from_sdl(result.supergraph_sdl)


@contextlib.contextmanager
def serving_gateway(supergraph: Supergraph, settings_yaml: str, **options: Any) -> Iterator[str]:
    """A gateway made from these splp.yaml settings, as `splp gateway` makes it; its base URL."""
    settings = config.parse(settings_yaml)
    _, app = gateway_app(supergraph, {"settings": settings, "telemetry": False, "expose_subgraph_errors": True,
                                      **options})
    gateway = Server(app).start()
    try:
        yield gateway.url
    finally:
        gateway.stop()


async def ask_gateway(url: str, settings_yaml: str) -> tuple[int, dict[str, Any]]:
    """`QUERY` through a gateway in front of the subgraph at `url`."""
    with serving_gateway(_supergraph(url), settings_yaml) as base:
        async with aiohttp.ClientSession() as http, http.post(base + "/graphql", json={"query": QUERY}) as r:
            return r.status, await r.json()


async def test_the_gateway_with_its_client_certificate_gets_the_data(pki: Pki) -> None:
    status, body = await ask_gateway(pki.subgraph_url, with_client_certificate(pki))
    assert (status, body) == (200, {"data": {"kecamatan": {"nama": "Mariso"}}})


async def test_without_a_client_certificate_the_subgraph_refuses_and_the_client_gets_an_error_at_the_field(
    pki: Pki,
) -> None:
    SERVED.clear()
    status, body = await ask_gateway(pki.subgraph_url, f"subgraphs: {{tls: {{ca_file: {pki.city.ca_file}}}}}\n")
    assert status == 200 and body["data"] == {"kecamatan": None}
    [error] = body["errors"]
    assert error["path"] == ["kecamatan"]
    assert error["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
    assert error["extensions"]["reason"].startswith(
        "the subgraph closed the TLS connection before answering; a subgraph requiring mutual TLS does so when "
        "the gateway presents no client certificate or one it does not accept"
    )
    assert SERVED == []


async def test_a_subgraph_certificate_from_another_ca_is_refused_by_the_gateway(pki: Pki) -> None:
    SERVED.clear()
    status, body = await ask_gateway(pki.impostor_url, with_client_certificate(pki))
    assert status == 200 and body["data"] == {"kecamatan": None}
    [error] = body["errors"]
    assert error["path"] == ["kecamatan"]
    assert "the subgraph's TLS certificate is not trusted (unable to get local issuer certificate)" in (
        error["extensions"]["reason"]
    )
    assert SERVED == []  # the request was never sent


async def test_a_subgraph_s_own_entry_replaces_the_global_ca(pki: Pki) -> None:
    # globally the impostor's CA (which did not sign the subgraph); wilayah's entry names the city's
    rogue_ca = pki.city.directory / "rogue-ca.pem"
    status, body = await ask_gateway(pki.subgraph_url, f"""
subgraphs:
  tls:
    ca_file: {rogue_ca}
    cert_file: {pki.gateway_cert}
    key_file: {pki.gateway_key}
    per_subgraph: {{wilayah: {{ca_file: {pki.city.ca_file}}}}}
""")
    assert (status, body) == (200, {"data": {"kecamatan": {"nama": "Mariso"}}})


async def test_ready_checks_a_required_subgraph_with_the_gateway_s_client_certificate(pki: Pki) -> None:
    options = {"telemetry": True, "access_log": False, "ready_subgraphs": ["wilayah"]}
    with serving_gateway(_supergraph(pki.subgraph_url), with_client_certificate(pki), **options) as base:
        async with aiohttp.ClientSession() as http, http.get(base + "/ready") as r:
            assert (r.status, (await r.json())["status"]) == (200, "READY")


async def test_a_subscription_reaches_its_subgraph_over_mutual_tls(pki: Pki) -> None:
    received = []
    with serving_gateway(_supergraph(pki.subgraph_url, pki.siaran_url), with_client_certificate(pki)) as base:
        async with httpx.AsyncClient(timeout=20) as http, aconnect_sse(
            http, "POST", base + "/graphql", json={"query": "subscription { hitung }"},
            headers={"accept": "text/event-stream"},
        ) as source:
            async for event in source.aiter_sse():
                if event.event == "complete":
                    break
                received.append(json.loads(event.data))
    assert received == [{"data": {"hitung": 1}}, {"data": {"hitung": 2}}]


def test_a_missing_certificate_file_stops_the_gateway_at_start_naming_the_file(pki: Pki, tmp_path: Path) -> None:
    missing = tmp_path / "gateway-lost.pem"
    path = tmp_path / "splp.yaml"
    tls = f"{{cert_file: {missing}, key_file: {pki.gateway_key}}}"
    path.write_text(f"supergraph: x.graphql\nsubgraphs: {{tls: {tls}}}\n")
    completed = subprocess.run(
        [sys.executable, "-m", "federation.cli", "gateway", "--config", str(path)],
        capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode == 2
    assert completed.stderr.strip() == (
        f"error: {path}: subgraphs.tls: cert_file {missing}: cannot be read: No such file or directory"
    )


def test_a_certificate_that_is_not_its_key_s_stops_the_start_naming_both(pki: Pki) -> None:
    other_cert, _ = pki.city.issue("other", ExtendedKeyUsageOID.CLIENT_AUTH)
    settings = config.parse(f"subgraphs: {{tls: {{per_subgraph: {{wilayah: {{cert_file: {other_cert}, "
                            f"key_file: {pki.gateway_key}}}}}}}}}")
    with pytest.raises(config.ConfigError) as raised:
        config.subgraph_tls(settings)
    [error] = raised.value.errors
    assert error.startswith(f"subgraphs.tls.per_subgraph.wilayah: cert_file {other_cert} and key_file "
                            f"{pki.gateway_key}: not a certificate and its key (")


async def test_splp_subgraph_serve_with_a_client_ca_answers_only_holders_of_a_certificate_it_signed(
    pki: Pki,
) -> None:
    cert, key = pki.city.issue("wilayah-cli", ExtendedKeyUsageOID.SERVER_AUTH)
    port = free_port()
    environment = {**os.environ, "SPLP_TLS_CERT_FILE": str(cert), "SPLP_TLS_KEY_FILE": str(key),
                   "SPLP_TLS_CLIENT_CA_FILE": str(pki.city.ca_file)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "federation.cli", "subgraph", "serve", "tests.security.test_mtls:wilayah_app",
        "--port", str(port), cwd=REPOSITORY, env=environment,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    url = f"https://127.0.0.1:{port}/graphql"
    holder = ssl.create_default_context(cafile=str(pki.city.ca_file))
    holder.load_cert_chain(pki.gateway_cert, pki.gateway_key)
    stranger = ssl.create_default_context(cafile=str(pki.city.ca_file))
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.post(url, json={"query": QUERY}, ssl=holder) as r:
                        body = await r.json()
                        break
                except aiohttp.ClientConnectorError:  # not listening yet
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("the subgraph never answered")
            assert body == {"data": {"kecamatan": {"nama": "Mariso"}}}
            with pytest.raises(aiohttp.ClientError):
                async with http.post(url, json={"query": QUERY}, ssl=stranger) as r:
                    await r.read()
    finally:
        process.terminate()
        await process.wait()


def test_a_per_subgraph_entry_naming_no_subgraph_of_the_supergraph_is_warned_about_at_start(
    pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    settings = config.parse(f"subgraphs: {{tls: {{per_subgraph: {{wilyah: {{ca_file: {pki.city.ca_file}}}}}}}}}")
    with caplog.at_level("WARNING", logger="splp"):
        gateway_app(_supergraph(pki.subgraph_url), {"settings": settings, "telemetry": False})
    assert "subgraphs.tls.per_subgraph.wilyah: the supergraph has no subgraph 'wilyah' (its subgraphs: wilayah)" in [
        r.getMessage() for r in caplog.records
    ]


def test_a_subgraph_reached_over_plain_http_while_tls_is_configured_is_warned_about_at_start(
    pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    plain = "http://127.0.0.1:9/graphql"
    with caplog.at_level("WARNING", logger="splp"):
        gateway_app(_supergraph(plain), {"settings": config.parse(with_client_certificate(pki)), "telemetry": False})
    assert (
        f"subgraph 'wilayah' is reached over plain http ({plain}): subgraphs.tls does not apply to it"
        in [r.getMessage() for r in caplog.records]
    )
