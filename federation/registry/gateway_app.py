"""`splp gateway --registry URL`: a gateway that serves and follows the registry's supergraph.

The app starts on the registry's latest supergraph, then `follow_registry` swaps in each
new version between requests. Each version served is saved on disk (`SupergraphCache`):
when the registry is down at start, the gateway starts from the saved one, says so in its
log and `/health`, and follows the registry again once it answers. With a gateway token it also reports field usage (for
usage-weighted checks) through a `UsageRecorder` listening to every executed operation.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from federation.registry.cache import SupergraphCache, default_path
from federation.registry.client import PublishedSupergraph, RegistryClient, RegistryError, RegistryUnavailable
from federation.registry.poller import first_supergraph, follow_registry
from federation.registry.usage import UsageRecorder
from federation.supergraph import Supergraph, SupergraphError
from federation.trusted import TrustedDocuments, follow_registry_documents, refresh_from_registry

ENV_CONFIG = "SPLP_REGISTRY_GATEWAY_CONFIG"
log = logging.getLogger("splp.gateway")


def registry_gateway_app(
    url: str,
    published: PublishedSupergraph,
    config: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    interval: float = 30.0,
    usage_flush_interval: float = 10.0,
    cache: SupergraphCache | None = None,
    from_cache: dict[str, Any] | None = None,
) -> Starlette:
    """The gateway app serving `published` and following the registry at `url` from there.

    `config` holds the `splp gateway` options (subgraph URLs and timeout, deduplication,
    propagated headers, JWT verification), as `federation.gateway_cli` builds it. Raises
    `SupergraphError` when `published` cannot be served. `token` (a "gateway" role token)
    enables usage reporting. `cache` saves each version served; `from_cache` is the saved
    record `published` comes from when the registry could not be reached at start.
    """
    from federation.gateway_cli import gateway_app

    gateway, app = gateway_app(Supergraph.from_sdl(published.sdl), config or {})
    inner = app.router.lifespan_context
    if from_cache is not None:
        app.state.health = {"supergraph": {
            "version": published.version, "source": "cache", "saved": from_cache.get("saved"),
            "note": "the registry did not answer at start: serving the last good supergraph saved on disk",
        }}
    else:
        app.state.health = {"supergraph": {"version": published.version, "source": "registry"}}
        if cache is not None:
            _save(cache, published)

    def served(new: PublishedSupergraph) -> None:
        app.state.health = {"supergraph": {"version": new.version, "source": "registry"}}
        if cache is not None:
            _save(cache, new)

    trusted = ((config or {}).get("settings") or {}).get("trusted_documents", {})
    guard = app.state.trusted_documents if trusted.get("registry") else None

    @asynccontextmanager
    async def lifespan(a: Starlette) -> AsyncIterator[None]:
        documents = None
        if guard is not None:  # the list is known before the first request is served
            await first_trusted_documents(guard, url, token, cache)
            documents = asyncio.ensure_future(
                follow_registry_documents(guard, url, token, float(trusted.get("refresh", 30.0)), _saver(cache))
            )
        recorder = None
        if token:
            recorder = UsageRecorder(url, token, flush_interval=usage_flush_interval)
            gateway.usage_listeners.append(recorder.record)
            recorder.start()
        follower = asyncio.ensure_future(
            follow_registry(gateway, url, interval, after=published.version, token=token, on_served=served)
        )
        try:
            async with inner(a):
                yield
        finally:
            for task in (follower, documents):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if recorder is not None:
                gateway.usage_listeners.remove(recorder.record)
                await recorder.close()

    app.router.lifespan_context = lifespan
    return app


async def first_trusted_documents(
    guard: TrustedDocuments, url: str, token: str | None, cache: SupergraphCache | None
) -> None:
    """Fill `guard` from the registry or, when it does not answer, from the copy saved beside
    the supergraph's; with neither, an enforcing gateway refuses every operation until the
    registry answers (fail closed), and says so."""
    try:
        async with RegistryClient(url, token, timeout=10.0) as client:
            await refresh_from_registry(guard, client)
    except (RegistryUnavailable, RegistryError) as e:
        saved = _trusted_path(cache)
        if saved is not None and saved.exists():
            guard.replace(json.loads(saved.read_text(encoding="utf-8")))
            log.warning("trusted documents: registry at %s did not answer (%s); %d operations from %s",
                        url, e, len(guard.by_id), saved)
        else:
            log.error("trusted documents: registry at %s did not answer (%s) and none are saved: "
                      "no operation runs until it answers", url, e)
        return
    _saver(cache)(guard.by_id)


def _trusted_path(cache: SupergraphCache | None) -> Path | None:
    return None if cache is None else Path(str(cache.path) + ".trusted-documents.json")


def _saver(cache: SupergraphCache | None) -> Callable[[dict[str, str]], None]:
    def save(documents: dict[str, str]) -> None:
        path = _trusted_path(cache)
        if path is None:
            return
        try:
            partial = path.with_suffix(".partial")
            partial.write_text(json.dumps(documents), encoding="utf-8")
            partial.replace(path)
        except OSError as e:  # as for the supergraph: only the fallback is lost
            log.warning("could not save trusted documents to %s: %s", path, e)

    return save


def _save(cache: SupergraphCache, published: PublishedSupergraph) -> None:
    try:
        cache.save(published)
    except OSError as e:  # a read-only disk must not stop the gateway; it only loses the fallback
        log.warning("could not save supergraph version %d to %s: %s", published.version, cache.path, e)


async def starting_supergraph(
    url: str, *, wait: float, token: str | None, cache: SupergraphCache | None
) -> tuple[PublishedSupergraph, dict[str, Any] | None]:
    """The registry's latest supergraph or, when the registry cannot give one, the saved one
    (with its record). Raises what `first_supergraph` raised when there is nothing saved."""
    try:
        return await first_supergraph(url, timeout=wait, token=token), None
    except (RegistryUnavailable, RegistryError) as e:
        saved = cache.load() if cache is not None else None
        if saved is None:
            raise
        published, record = saved
        try:
            Supergraph.from_sdl(published.sdl)
        except SupergraphError:
            raise e from None
        assert cache is not None
        log.warning(
            "registry at %s gave no supergraph (%s); starting from the last good one, version %d saved %s in %s",
            url, e, published.version, record.get("saved"), cache.path,
        )
        return published, record


async def gateway_app_from_registry(
    url: str,
    config: dict[str, Any] | None = None,
    *,
    wait: float = 30.0,
    cache: SupergraphCache | None = None,
    **options: Any,
) -> Starlette:
    """`registry_gateway_app` on the registry's latest supergraph (or `cache`'s, when the
    registry is down and a supergraph was saved there).

    Waits up to `wait` seconds for a first publish; raises `RegistryUnavailable`,
    `RegistryError` or `SupergraphError` with the reason when the gateway cannot start.
    """
    published, record = await starting_supergraph(url, wait=wait, token=options.get("token"), cache=cache)
    return registry_gateway_app(url, published, config, cache=cache, from_cache=record, **options)


def app_from_env() -> Starlette:
    """The app factory uvicorn's worker processes call (`--workers N`): each follows the registry."""
    settings = json.loads(os.environ[ENV_CONFIG])
    with open(settings["sdl_file"], encoding="utf-8") as f:
        published = PublishedSupergraph(version=settings["version"], sdl=f.read())
    cache = SupergraphCache(settings["cache"], settings["url"]) if settings.get("cache") else None
    return registry_gateway_app(
        settings["url"], published, settings["config"], token=settings["token"], interval=settings["interval"],
        cache=cache, from_cache=settings.get("from_cache"),
    )


def run_registry_gateway(args: argparse.Namespace, config: dict[str, Any]) -> int:
    """Serve `splp gateway --registry URL`; `config` holds the command's other options."""
    import uvicorn

    cache_path = getattr(args, "registry_cache", None) or str(default_path(args.registry))
    cache = SupergraphCache(cache_path, args.registry)
    try:
        published, record = asyncio.run(
            starting_supergraph(args.registry, wait=args.registry_interval, token=args.registry_token, cache=cache)
        )
        Supergraph.from_sdl(published.sdl)
    except (RegistryUnavailable, RegistryError, SupergraphError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    from federation.http.server import GuardedHttpToolsProtocol

    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": "warning",
        "access_log": False,
        "http": GuardedHttpToolsProtocol,  # slow and idle clients (see federation.http.server)
    }
    with contextlib.suppress(ImportError):
        import uvloop  # noqa: F401

        options["loop"] = "uvloop"
    source = f"the copy saved in {cache_path}" if record is not None else args.registry
    logging.getLogger("splp.gateway").info("serving supergraph version %d from %s", published.version, source)
    print(f"SPLP gateway: GraphQL and GraphiQL at http://{args.host}:{args.port}/graphql", flush=True)
    follow: dict[str, Any] = {"token": args.registry_token, "interval": args.registry_interval}
    if args.workers > 1:
        with tempfile.NamedTemporaryFile("w", suffix=".graphql", encoding="utf-8", delete=False) as f:
            f.write(published.sdl)
        try:
            os.environ[ENV_CONFIG] = json.dumps(
                dict(follow, url=args.registry, version=published.version, sdl_file=f.name, config=config,
                     cache=cache_path, from_cache=record)
            )
            uvicorn.run("federation.registry.gateway_app:app_from_env", factory=True, workers=args.workers, **options)
        finally:
            os.unlink(f.name)
    else:
        app = registry_gateway_app(args.registry, published, config, cache=cache, from_cache=record, **follow)
        uvicorn.run(app, **options)
    return 0
