"""An aiohttp client for the registry's HTTP API (used by the CLI, the poller and usage)."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp
import orjson


class RegistryError(Exception):
    """The registry refused a request; `reason` is its explanation."""

    def __init__(self, status: int, reason: str, errors: list[dict[str, str]] | None = None) -> None:
        self.status = status
        self.reason = reason
        self.errors = errors or []
        super().__init__(f"registry answered {status}: {reason}")


class RegistryUnavailable(Exception):
    """The registry could not be reached."""


@dataclass(frozen=True)
class PublishedSupergraph:
    version: int
    sdl: str


class RegistryClient:
    def __init__(self, url: str, token: str | None = None, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> RegistryClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
            self._session = aiohttp.ClientSession(headers=headers)
        return self._session

    async def _request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        timeout: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        session = self._client_session()
        data = None if body is None else orjson.dumps(body)
        headers = dict(headers or {})
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            async with session.request(
                method,
                self.url + path,
                data=data,
                params=params,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=timeout or self._timeout),
            ) as response:
                raw = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as e:
            raise RegistryUnavailable(f"cannot reach the registry at {self.url}: {e or type(e).__name__}") from e
        if status == 304:
            return status, None
        try:
            content = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError as e:
            raise RegistryUnavailable(f"{self.url} did not answer like a registry (status {status})") from e
        if status >= 400:
            reason = content.get("error", "") if isinstance(content, dict) else ""
            errors = content.get("errors") if isinstance(content, dict) else None
            raise RegistryError(status, reason or f"HTTP {status}", errors)
        return status, content

    async def publish(self, name: str, url: str, sdl: str, *, allow_breaking: bool = False) -> dict[str, Any]:
        """Publish; raises RegistryError with `errors` when it does not compose (422) or would
        break clients (409, unless `allow_breaking`)."""
        body = {"url": url, "sdl": sdl, "allow_breaking": allow_breaking}
        _, content = await self._request("PUT", f"/subgraphs/{name}", body)
        return dict(content)

    async def remove(self, name: str, *, allow_breaking: bool = False) -> dict[str, Any]:
        """Remove a subgraph; raises RegistryError with `errors` when the rest does not compose
        (422) or the removal would break clients (409, unless `allow_breaking`)."""
        params = {"allow_breaking": "true" if allow_breaking else "false"}
        _, content = await self._request("DELETE", f"/subgraphs/{name}", params=params)
        return dict(content)

    async def check(self, name: str, sdl: str, url: str | None = None, days: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"sdl": sdl}
        if url is not None:
            body["url"] = url
        if days is not None:
            body["days"] = days
        _, content = await self._request("POST", f"/subgraphs/{name}/check", body)
        return dict(content)

    async def subgraphs(self) -> list[dict[str, Any]]:
        _, content = await self._request("GET", "/subgraphs")
        return list(content["subgraphs"])

    async def subgraph(self, name: str) -> dict[str, Any]:
        """One subgraph with its SDL."""
        _, content = await self._request("GET", f"/subgraphs/{name}")
        return dict(content)

    async def history(self, limit: int | None = None) -> list[dict[str, Any]]:
        params = None if limit is None else {"limit": str(limit)}
        _, content = await self._request("GET", "/supergraph/versions", params=params)
        return list(content["versions"])

    async def version(self, number: int) -> dict[str, Any]:
        _, content = await self._request("GET", f"/supergraph/versions/{number}")
        return dict(content)

    async def rollback(self, number: int, *, force: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {"version": number}
        if force:
            body["force"] = True
        _, content = await self._request("POST", "/supergraph/rollback", body)
        return dict(content)

    async def approve(self, name: str, coordinates: list[str], reason: str) -> dict[str, Any]:
        _, content = await self._request(
            "POST", f"/subgraphs/{name}/approvals", {"coordinates": coordinates, "reason": reason}
        )
        return dict(content)

    async def create_token(self, role: str, subgraphs: list[str], label: str) -> dict[str, Any]:
        body = {"role": role, "subgraphs": subgraphs, "label": label}
        _, content = await self._request("POST", "/tokens", body)
        return dict(content)

    async def tokens(self) -> list[dict[str, Any]]:
        _, content = await self._request("GET", "/tokens")
        return list(content["tokens"])

    async def revoke_token(self, token_id: int) -> None:
        await self._request("DELETE", f"/tokens/{token_id}")

    async def report_usage(self, entries: list[dict[str, Any]]) -> None:
        await self._request("POST", "/usage", {"usage": entries})

    async def publish_trusted_documents(self, client: str, manifest: dict[str, Any]) -> dict[str, Any]:
        """Replace `client`'s trusted documents with `manifest`'s (Apollo's persisted-query
        manifest); raises RegistryError with `errors` for operations the graph cannot run (422)."""
        _, content = await self._request("PUT", f"/trusted-documents/{client}", manifest)
        return dict(content)

    async def trusted_documents(self, etag: str | None = None) -> list[dict[str, str]] | None:
        """Every client's trusted operations ({"client", "id", "body"}); None when they are
        still those whose `trusted_documents_etag` is `etag`."""
        headers = {"If-None-Match": f'"{etag}"'} if etag else None
        status, content = await self._request("GET", "/trusted-documents", headers=headers)
        if status == 304 or content is None:
            return None
        return list(content["operations"])

    async def supergraph(self, after: int | None = None, wait: float = 0.0) -> PublishedSupergraph | None:
        """The latest supergraph; with `after`, only one newer than that version (None if none).

        With `wait`, the registry holds the request up to that many seconds until a newer
        version appears (long-polling).
        """
        params = {}
        if after is not None:
            params["after"] = str(after)
            if wait > 0:
                params["wait"] = str(wait)
        try:
            status, content = await self._request("GET", "/supergraph", params=params, timeout=wait + self._timeout)
        except RegistryError as e:
            if e.status == 404:
                return None
            raise
        if status == 304 or content is None:
            return None
        return PublishedSupergraph(version=int(content["version"]), sdl=str(content["sdl"]))
