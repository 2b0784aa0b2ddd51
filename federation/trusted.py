"""Trusted documents: the operations the super app ships with, from a manifest file or
the registry (`federation.registry.trusted`, which a registry-following gateway polls).

A client sends an operation by its id (`extensions.persistedQuery.sha256Hash`, or
`documentId`) and the gateway runs the manifest's text. With `enforce`, that is the only
way in: any other document is refused (`PERSISTED_QUERY_NOT_IN_LIST`, as Apollo Router's
safelisting), so a production gateway runs only operations that were reviewed and
shipped; without it, listed operations run by id and others run as usual.

The manifest is Apollo's persisted-query manifest
(`{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "body", ...}]}`,
what `generate-persisted-query-manifest` writes) or a plain JSON object of id -> text.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from federation.gateway import GraphQLRequest
from federation.http.app import BadRequest, RequestGuard

if TYPE_CHECKING:
    from federation.registry.client import RegistryClient

log = logging.getLogger("splp.gateway")


class ManifestError(Exception):
    pass


def read_manifest(path: str) -> dict[str, str]:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ManifestError(f"{path}: cannot be read: {e.strerror or e}") from None
    except ValueError as e:
        raise ManifestError(f"{path}: is not JSON: {e}") from None
    return manifest_documents(raw, path)


def manifest_documents(raw: Any, source: str = "manifest") -> dict[str, str]:
    """id -> text of a parsed manifest (either form above); `source` names it in errors."""
    documents: dict[str, str] = {}
    if isinstance(raw, dict) and raw.get("format") == "apollo-persisted-query-manifest":
        operations = raw.get("operations")
        if not isinstance(operations, list):
            raise ManifestError(f"{source}: `operations` must be a list")
        for i, operation in enumerate(operations):
            if not isinstance(operation, dict) or not isinstance(operation.get("body"), str):
                raise ManifestError(f"{source}: operations[{i}] must have a string `body`")
            documents[str(operation.get("id") or document_id(operation["body"]))] = operation["body"]
    elif isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values()):
        documents = {str(k): v for k, v in raw.items()}
    else:
        raise ManifestError(f"{source}: neither an Apollo persisted-query manifest nor an object of id -> text")
    return documents


def documents_etag(operations: list[tuple[str, str]]) -> str:
    """The version tag of a registry's list of (client, id): the registry sends it as ETag and
    a gateway asks with it, so an unchanged list is answered 304."""
    return hashlib.sha256("".join(f"{client}/{i};" for client, i in operations).encode()).hexdigest()[:32]


async def follow_registry_documents(
    guard: TrustedDocuments,
    url: str,
    token: str | None,
    interval: float = 30.0,
    on_changed: Callable[[dict[str, str]], None] | None = None,
) -> NoReturn:
    """Keep `guard` on the registry's trusted documents (every client's list); runs until
    cancelled. While the registry is unreachable the guard keeps the list it has.
    `on_changed` gets each new list (id -> text), to save it for a start without the registry."""
    from federation.registry.client import RegistryClient, RegistryError, RegistryUnavailable

    etag: str | None = None
    async with RegistryClient(url, token) as client:
        while True:
            try:
                new = await refresh_from_registry(guard, client, etag)
                if new != etag and on_changed is not None:
                    on_changed(guard.by_id)
                etag = new
            except (RegistryUnavailable, RegistryError) as e:
                log.warning("trusted documents: registry unreachable (%s); keeping the %d operations known",
                            e, len(guard.by_id))
            await asyncio.sleep(interval)


async def refresh_from_registry(
    guard: TrustedDocuments, client: RegistryClient, etag: str | None = None
) -> str | None:
    """One poll of the registry; returns the list's new tag."""
    operations = await client.trusted_documents(etag)
    if operations is None:
        return etag
    guard.replace({o["id"]: o["body"] for o in operations})
    log.info("trusted documents: %d operations from the registry", len(operations))
    return documents_etag([(o["client"], o["id"]) for o in operations])


def document_id(text: str) -> str:
    """A trusted document's id: the sha256 (hex) of its text, as Apollo's manifests use."""
    return hashlib.sha256(text.encode()).hexdigest()


class TrustedDocuments(RequestGuard):
    def __init__(self, documents: dict[str, str], enforce: bool = True) -> None:
        self.enforce = enforce
        self.replace(documents)

    def replace(self, documents: dict[str, str]) -> None:
        """Serve this list from the next request on (a new app release, from the registry)."""
        # no await between the two: a request sees the old list or the new, never a mix
        self.by_id = {k.lower(): v for k, v in documents.items()}
        self.texts = frozenset(documents.values())

    async def before(self, request: GraphQLRequest) -> None:
        document_id = _requested_id(request)
        if document_id is not None:
            text = self.by_id.get(document_id.lower())
            if text is not None:
                if request.query and request.query != text:
                    raise BadRequest(
                        "The query sent differs from the trusted document of that id.",
                        code="PERSISTED_QUERY_HASH_MISMATCH",
                    )
                request.query = text
                # answered from the manifest: not an automatic persisted query
                request.extensions = {k: v for k, v in (request.extensions or {}).items() if k != "persistedQuery"}
                return
        if self.enforce and request.query not in self.texts:
            raise BadRequest(
                "This gateway runs trusted documents only: send the operation's id from the app's "
                "manifest (extensions.persistedQuery.sha256Hash).",
                code="PERSISTED_QUERY_NOT_IN_LIST",
            )


def _requested_id(request: GraphQLRequest) -> str | None:
    extensions: dict[str, Any] = request.extensions or {}
    persisted = extensions.get("persistedQuery")
    if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
        return str(persisted["sha256Hash"])
    document_id = extensions.get("documentId")
    return document_id if isinstance(document_id, str) else None
