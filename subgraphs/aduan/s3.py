"""Photos in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, SeaweedFS, ...), spoken to
with plain AWS Signature Version 4 over aiohttp: no SDK, and the same code for every vendor.

The subgraph stays the only door to the bucket: an upload is checked (size, image type) before
a signed PUT stores it, and `/foto/<name>` reads it back with a signed GET, so the bucket needs
no public access and no CORS, and clients never learn its address or credentials.

SigV4 is https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html;
objects are addressed path-style (`<endpoint>/<bucket>/<key>`), which every S3-compatible server
accepts (virtual-hosted style needs DNS per bucket).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlsplit

import aiohttp

ALGORITHM: Final = "AWS4-HMAC-SHA256"
UNSIGNED: Final = "UNSIGNED-PAYLOAD"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _uri_encode(text: str, *, slash: bool) -> str:
    # SigV4's URI encoding: every byte but the unreserved characters, '/' kept in paths only.
    return quote(text, safe="-_.~/" if slash else "-_.~")


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    region: str = "us-east-1"
    service: str = "s3"


def signing_key(credentials: Credentials, day: str) -> bytes:
    key = _hmac(f"AWS4{credentials.secret_key}".encode(), day)
    key = _hmac(key, credentials.region)
    key = _hmac(key, credentials.service)
    return _hmac(key, "aws4_request")


def _canonical_query(query: list[tuple[str, str]]) -> str:
    encoded = sorted((_uri_encode(k, slash=False), _uri_encode(v, slash=False)) for k, v in query)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _string_to_sign(credentials: Credentials, stamp: str, canonical: str) -> tuple[str, str]:
    scope = f"{stamp[:8]}/{credentials.region}/{credentials.service}/aws4_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return f"{ALGORITHM}\n{stamp}\n{scope}\n{digest}", scope


def _canonical_request(method: str, path: str, query: str, headers: dict[str, str], payload_hash: str) -> tuple[
    str, str
]:
    lowered = {name.lower(): " ".join(value.strip().split()) for name, value in headers.items()}
    names = sorted(lowered)
    canonical_headers = "".join(f"{name}:{lowered[name]}\n" for name in names)
    signed = ";".join(names)
    return f"{method}\n{path}\n{query}\n{canonical_headers}\n{signed}\n{payload_hash}", signed


def sign_headers(
    credentials: Credentials,
    method: str,
    url: str,
    headers: dict[str, str],
    payload_hash: str,
    now: dt.datetime,
    query: list[tuple[str, str]] | None = None,
) -> dict[str, str]:
    """`headers` plus `x-amz-date` and the `Authorization` header signing all of them (and host).

    `url`'s path is taken as already URI-encoded (S3 signs the path as sent, encoded once)."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    parts = urlsplit(url)
    signed_headers = {"host": parts.netloc, **headers, "x-amz-date": stamp}
    canonical, names = _canonical_request(
        method, parts.path or "/", _canonical_query(query or []), signed_headers, payload_hash
    )
    to_sign, scope = _string_to_sign(credentials, stamp, canonical)
    signature = hmac.new(signing_key(credentials, stamp[:8]), to_sign.encode(), hashlib.sha256).hexdigest()
    authorization = (
        f"{ALGORITHM} Credential={credentials.access_key}/{scope}, SignedHeaders={names}, Signature={signature}"
    )
    return {**headers, "x-amz-date": stamp, "Authorization": authorization}


def presign(credentials: Credentials, method: str, url: str, expires: int, now: dt.datetime) -> str:
    """A URL that performs `method` on `url` without credentials until `expires` seconds from
    `now` (query-string SigV4, the payload unsigned)."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    parts = urlsplit(url)
    scope = f"{stamp[:8]}/{credentials.region}/{credentials.service}/aws4_request"
    query = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", f"{credentials.access_key}/{scope}"),
        ("X-Amz-Date", stamp),
        ("X-Amz-Expires", str(expires)),
        ("X-Amz-SignedHeaders", "host"),
    ]
    canonical_query = _canonical_query(query)
    canonical, _ = _canonical_request(method, parts.path or "/", canonical_query, {"host": parts.netloc}, UNSIGNED)
    to_sign, _ = _string_to_sign(credentials, stamp, canonical)
    signature = hmac.new(signing_key(credentials, stamp[:8]), to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{canonical_query}&X-Amz-Signature={signature}"


class S3Error(Exception):
    """The object store refused or could not be reached."""


class S3Store:
    """A bucket as the photo store: `put` and `get` by object name (a prefix may namespace them)."""

    def __init__(
        self,
        endpoint: str,
        bucket: str,
        credentials: Credentials,
        prefix: str = "",
        timeout: float = 30.0,
        redirect: bool = False,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.bucket = bucket
        self.credentials = credentials
        self.prefix = prefix.strip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        # Serve photos by redirecting to a presigned GET (the bytes then never pass through the
        # subgraph); only when clients can reach the store's endpoint.
        self.redirect = redirect

    def presigned_get(self, name: str, valid_for: int = 300) -> str:
        return presign(self.credentials, "GET", self.url_of(name), valid_for, dt.datetime.now(dt.UTC))

    def url_of(self, name: str) -> str:
        key = f"{self.prefix}/{name}" if self.prefix else name
        return f"{self.endpoint}/{_uri_encode(self.bucket, slash=False)}/{_uri_encode(key, slash=True)}"

    async def put(self, name: str, data: bytes, media_type: str) -> None:
        url = self.url_of(name)
        digest = hashlib.sha256(data).hexdigest()
        headers = sign_headers(
            self.credentials,
            "PUT",
            url,
            {"content-type": media_type, "x-amz-content-sha256": digest},
            digest,
            dt.datetime.now(dt.UTC),
        )
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as http, http.put(
                url, data=data, headers=headers
            ) as answer:
                if answer.status // 100 != 2:
                    raise S3Error(f"the object store answered {answer.status} to PUT: {(await answer.text())[:200]}")
        except (aiohttp.ClientError, TimeoutError) as e:
            raise S3Error(f"the object store is unreachable: {type(e).__name__}") from None

    async def get(self, name: str) -> bytes | None:
        url = self.url_of(name)
        empty = hashlib.sha256(b"").hexdigest()
        headers = sign_headers(
            self.credentials, "GET", url, {"x-amz-content-sha256": empty}, empty, dt.datetime.now(dt.UTC)
        )
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as http, http.get(url, headers=headers) as answer:
                if answer.status == 404:
                    return None
                if answer.status != 200:
                    raise S3Error(f"the object store answered {answer.status} to GET")
                return await answer.read()
        except (aiohttp.ClientError, TimeoutError) as e:
            raise S3Error(f"the object store is unreachable: {type(e).__name__}") from None


def store_from_env() -> S3Store | None:
    """An S3 store when `SPLP_FOTO_S3_BUCKET` is set (`SPLP_FOTO_S3_ENDPOINT`, `_REGION`,
    `_PREFIX`, `_REDIRECT=1`; keys in `SPLP_FOTO_S3_ACCESS_KEY`/`_SECRET_KEY`, else the AWS_* variables)."""
    bucket = os.environ.get("SPLP_FOTO_S3_BUCKET", "")
    if not bucket:
        return None
    region = os.environ.get("SPLP_FOTO_S3_REGION") or os.environ.get("AWS_REGION") or "us-east-1"
    endpoint = os.environ.get("SPLP_FOTO_S3_ENDPOINT") or f"https://s3.{region}.amazonaws.com"
    credentials = Credentials(
        os.environ.get("SPLP_FOTO_S3_ACCESS_KEY") or os.environ.get("AWS_ACCESS_KEY_ID", ""),
        os.environ.get("SPLP_FOTO_S3_SECRET_KEY") or os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
        region,
    )
    redirect = os.environ.get("SPLP_FOTO_S3_REDIRECT", "") in ("1", "true")
    return S3Store(endpoint, bucket, credentials, os.environ.get("SPLP_FOTO_S3_PREFIX", ""), redirect=redirect)
