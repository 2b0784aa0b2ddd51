"""Run several ASGI apps (uvicorn) and aiohttp stand-ins in one event loop, and stop them together.

The demo and the tests both use it: every app listens on a real loopback socket.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator
from dataclasses import dataclass, field

import uvicorn
from aiohttp import web
from starlette.applications import Starlette


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signals to its owner (several share one loop)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


@dataclass
class Servers:
    """Apps started on host:port; `stop()` shuts every one down."""

    uvicorn_servers: list[uvicorn.Server] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    runners: list[web.AppRunner] = field(default_factory=list)

    async def start_asgi(self, app: Starlette, host: str, port: int) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
        server = _QuietServer(config)
        task = asyncio.create_task(server.serve())
        self.uvicorn_servers.append(server)
        self.tasks.append(task)
        while not server.started:
            if task.done():
                task.result()  # raises why it could not start (port in use…)
                raise RuntimeError(f"server on {host}:{port} stopped while starting")
            await asyncio.sleep(0.02)

    async def start_aiohttp(self, app: web.Application, host: str, port: int) -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self.runners.append(runner)

    async def stop(self) -> None:
        for server in self.uvicorn_servers:
            server.should_exit = True
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for runner in self.runners:
            await runner.cleanup()
        self.uvicorn_servers.clear()
        self.tasks.clear()
        self.runners.clear()
