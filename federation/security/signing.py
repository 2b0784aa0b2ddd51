"""The gateway's side of request signing (see `subgraphs.kit.signing` for the format and the
subgraph's check): each subgraph request is signed just before it is sent, so a deduplicated
fetch or a retried one carries a signature of its own bytes."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from subgraphs.kit.principal import HEADER as PRINCIPAL_HEADER
from subgraphs.kit.signing import HEADER, sign


class RequestSigner:
    def __init__(self, kid: str, key: bytes) -> None:
        self.kid = kid
        self.key = key
        self._paths: dict[str, str] = {}

    @classmethod
    def from_keys(cls, keys: Mapping[str, bytes]) -> RequestSigner:
        """The first key of a `kid:secret,...` list signs; the others are only accepted by subgraphs."""
        kid, key = next(iter(keys.items()))
        return cls(kid, key)

    def path_of(self, url: str) -> str:
        path = self._paths.get(url)
        if path is None:
            parts = urlsplit(url)
            path = self._paths[url] = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return path

    def __call__(self, url: str, body: bytes, headers: dict[str, str] | None) -> dict[str, str]:
        signed = dict(headers) if headers else {}
        signed[HEADER] = sign(self.kid, self.key, "POST", self.path_of(url), body, signed.get(PRINCIPAL_HEADER, ""))
        return signed
