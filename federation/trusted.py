"""Trusted documents: the operations the super app ships with, from a manifest file.

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

import hashlib
import json
from pathlib import Path
from typing import Any

from federation.gateway import GraphQLRequest
from federation.http.app import BadRequest, RequestGuard


class ManifestError(Exception):
    pass


def read_manifest(path: str) -> dict[str, str]:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ManifestError(f"{path}: cannot be read: {e.strerror or e}") from None
    except ValueError as e:
        raise ManifestError(f"{path}: is not JSON: {e}") from None
    documents: dict[str, str] = {}
    if isinstance(raw, dict) and raw.get("format") == "apollo-persisted-query-manifest":
        operations = raw.get("operations")
        if not isinstance(operations, list):
            raise ManifestError(f"{path}: `operations` must be a list")
        for i, operation in enumerate(operations):
            if not isinstance(operation, dict) or not isinstance(operation.get("body"), str):
                raise ManifestError(f"{path}: operations[{i}] must have a string `body`")
            documents[str(operation.get("id") or _sha256(operation["body"]))] = operation["body"]
    elif isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values()):
        documents = {str(k): v for k, v in raw.items()}
    else:
        raise ManifestError(f"{path}: neither an Apollo persisted-query manifest nor an object of id -> text")
    return documents


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class TrustedDocuments(RequestGuard):
    def __init__(self, documents: dict[str, str], enforce: bool = True) -> None:
        self.by_id = {k.lower(): v for k, v in documents.items()}
        self.texts = frozenset(documents.values())
        self.enforce = enforce

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
