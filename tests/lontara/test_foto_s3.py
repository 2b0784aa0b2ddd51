"""Photos kept in an S3-compatible bucket: the aduan subgraph signs its PUT and GET with SigV4
(no SDK), against a real S3 server on a socket (moto's server, with signature checking on, so a
wrongly signed request is refused as AWS would), and its signing matches AWS's published examples."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import re
import secrets
import subprocess
import sys
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import httpx
import pytest

from subgraphs.aduan.app import create_app
from subgraphs.aduan.foto import Uploads
from subgraphs.aduan.s3 import Credentials, S3Store, presign, sign_headers
from subgraphs.serve import Servers
from tests.lontara.client import CITIZEN, AduanClient
from tests.lontara.conftest import _prepare
from tests.subgraphs.conftest import free_port

PNG = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(64)
ASK = "mutation($n: String!) { mintaUnggahFoto(nomor: $n) { url } }"
EMPTY = hashlib.sha256(b"").hexdigest()


async def _iam(http: aiohttp.ClientSession, url: str, action: str, **params: str) -> str:
    body = urllib.parse.urlencode({"Action": action, "Version": "2010-05-08", **params}).encode()
    headers = sign_headers(Credentials("AKIDSETUP", "setup", service="iam"), "POST", url,
                           {"content-type": "application/x-www-form-urlencoded"}, hashlib.sha256(body).hexdigest(),
                           dt.datetime.now(dt.UTC))
    async with http.post(url, data=body, headers=headers) as answer:
        text = await answer.text()
        assert answer.status == 200, text
        return text


@pytest.fixture(scope="module")
async def s3() -> AsyncIterator[tuple[str, Credentials]]:
    """An S3 server with a bucket `foto-aduan` and a user allowed on it; every later request is
    authenticated (signature checked against the user's secret)."""
    port = free_port()
    moto = Path(sys.executable).with_name("moto_server")
    server = subprocess.Popen([str(moto), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"{url}/moto-api/"):
                        break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.05)
            # The three IAM calls below are the last unauthenticated ones.
            async with http.post(f"{url}/moto-api/reset-auth", data=b"3") as answer:
                assert answer.status == 200
            await _iam(http, url, "CreateUser", UserName="aduan")
            policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
            await _iam(http, url, "PutUserPolicy", UserName="aduan", PolicyName="foto",
                       PolicyDocument=json.dumps(policy))
            key = await _iam(http, url, "CreateAccessKey", UserName="aduan")
            found = [re.search(f"<{tag}>(.*?)</{tag}>", key) for tag in ("AccessKeyId", "SecretAccessKey")]
            credentials = Credentials(*(m.group(1) for m in found if m))
            bucket = sign_headers(credentials, "PUT", f"{url}/foto-aduan", {"x-amz-content-sha256": EMPTY}, EMPTY,
                                  dt.datetime.now(dt.UTC))
            async with http.put(f"{url}/foto-aduan", headers=bucket) as answer:
                assert answer.status == 200, await answer.text()
        yield url, credentials
    finally:
        server.terminate()
        server.wait()


@pytest.fixture
async def aduan_s3(s3: tuple[str, Credentials], sqlite_aduan: str) -> AsyncIterator[tuple[AduanClient, S3Store]]:
    endpoint, credentials = s3
    store = S3Store(endpoint, "foto-aduan", credentials, prefix="aduan")
    servers, port = Servers(), free_port()
    app = create_app(await _prepare(sqlite_aduan), escalation_interval=0, nats_url="",
                     uploads=Uploads(secrets.token_bytes(16), store, ""))
    await servers.start_asgi(app, "127.0.0.1", port)
    try:
        async with AduanClient(f"http://127.0.0.1:{port}/graphql", sqlite_aduan) as client:
            yield client, store
    finally:
        await servers.stop()


async def test_a_photo_uploaded_to_the_subgraph_is_kept_in_the_bucket_and_served_back(
    aduan_s3: tuple[AduanClient, S3Store],
) -> None:
    client, store = aduan_s3
    nomor = (await client.file())["nomor"]
    upload = (await client.run(ASK, CITIZEN, n=nomor))["mintaUnggahFoto"]["url"]
    async with httpx.AsyncClient() as http:
        stored = await http.put(upload, content=PNG, headers={"content-type": "image/png"})
        assert stored.status_code == 201, stored.text
        photo = stored.json()["url"]
        served = await http.get(photo)
        missing = await http.get(photo.rsplit("/", 1)[0] + "/" + "0" * 32 + ".png")
    assert served.status_code == 200 and served.content == PNG and served.headers["content-type"] == "image/png"
    assert missing.status_code == 404
    assert await store.get(photo.rsplit("/", 1)[1]) == PNG  # in the bucket, under the store's prefix


async def test_photos_can_be_served_by_a_presigned_redirect_to_the_bucket(
    aduan_s3: tuple[AduanClient, S3Store],
) -> None:
    client, store = aduan_s3
    nomor = (await client.file())["nomor"]
    upload = (await client.run(ASK, CITIZEN, n=nomor))["mintaUnggahFoto"]["url"]
    async with httpx.AsyncClient() as http:
        photo = (await http.put(upload, content=PNG)).json()["url"]
        store.redirect = True
        redirected = await http.get(photo)
        # moto checks header signatures only (its presigned signature is proven against AWS's
        # example below): this one GET goes unauthenticated, the next ones are checked again.
        await http.post(f"{store.endpoint}/moto-api/reset-auth", content=b"1")
        followed = await http.get(redirected.headers["location"])
    location = redirected.headers["location"]
    assert redirected.status_code == 307 and location.startswith(f"{store.endpoint}/foto-aduan/aduan/")
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=300" in location
    assert followed.status_code == 200 and followed.content == PNG


async def test_a_store_whose_credentials_are_refused_answers_a_clear_503(
    s3: tuple[str, Credentials], sqlite_aduan: str,
) -> None:
    endpoint, credentials = s3
    wrong = S3Store(endpoint, "foto-aduan", Credentials(credentials.access_key, "not-the-secret"))
    servers, port = Servers(), free_port()
    app = create_app(await _prepare(sqlite_aduan), escalation_interval=0, nats_url="",
                     uploads=Uploads(secrets.token_bytes(16), wrong, ""))
    await servers.start_asgi(app, "127.0.0.1", port)
    try:
        async with AduanClient(f"http://127.0.0.1:{port}/graphql", sqlite_aduan) as client:
            nomor = (await client.file())["nomor"]
            upload = (await client.run(ASK, CITIZEN, n=nomor))["mintaUnggahFoto"]["url"]
            async with httpx.AsyncClient() as http:
                refused = await http.put(upload, content=PNG)
    finally:
        await servers.stop()
    assert refused.status_code == 503 and "store is unavailable" in refused.json()["error"]


# AWS's published examples: the SigV4 test suite's get-vanilla, and the S3 documentation's
# "GET Object" (header signing) and presigned URL examples.
def test_header_signing_matches_the_sigv4_test_suite() -> None:
    credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service")
    signed = sign_headers(credentials, "GET", "https://example.amazonaws.com/", {}, EMPTY,
                          dt.datetime(2015, 8, 30, 12, 36, tzinfo=dt.UTC))
    assert signed["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")


EXAMPLE = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
MAY_24 = dt.datetime(2013, 5, 24, tzinfo=dt.UTC)


def test_s3_get_object_signing_matches_the_s3_documentation() -> None:
    signed = sign_headers(EXAMPLE, "GET", "https://examplebucket.s3.amazonaws.com/test.txt",
                          {"range": "bytes=0-9", "x-amz-content-sha256": EMPTY}, EMPTY, MAY_24)
    assert signed["Authorization"].endswith(
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")


def test_presigned_urls_match_the_s3_documentation() -> None:
    url = presign(EXAMPLE, "GET", "https://examplebucket.s3.amazonaws.com/test.txt", 86400, MAY_24)
    assert url.endswith("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
