"""Field usage the gateway reports to the registry, for usage-weighted schema checks.

The gateway calls, once per executed operation:

    recorder.record(client_name, coordinates)

with `client_name` taken from the `apollographql-client-name` (or `x-client-name`) request
header ("" when absent) and `coordinates` the frozenset of schema coordinates the
operation selected: `Type.field` for every field, with `Type` the parent type the field
was selected on (`Query.penduduk`, `Penduduk.nama`); `Enum.VALUE` coordinates are
understood too. `federation.gateway.Gateway` makes exactly this call for each listener in
`gateway.usage_listeners`, passing the coordinate set it keeps per prepared operation (so
recording is one dict update). Recording only bumps in-memory counters; a background task
flushes them to the registry's `POST /usage` every `flush_interval` seconds:

    recorder = UsageRecorder(registry_url, token)   # a "gateway" role token
    gateway.usage_listeners.append(recorder.record)
    recorder.start()                                # in the gateway's startup
    ...
    await recorder.close()                          # in its shutdown: a last flush

(`splp gateway --registry URL --registry-token TOKEN` does this: `gateway_app.py`.)

When the registry is unreachable the counts are kept for the next flush (up to
`max_pending` distinct operations and client/coordinate pairs, beyond which counts are
dropped and the loss is logged), so usage is not lost to a short outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter

from federation.registry.client import RegistryClient, RegistryError, RegistryUnavailable

log = logging.getLogger(__name__)

UNNAMED_CLIENT = "(unnamed)"


class UsageRecorder:
    def __init__(
        self, registry_url: str, token: str, *, flush_interval: float = 10.0, max_pending: int = 100_000
    ) -> None:
        self._client = RegistryClient(registry_url, token)
        self.flush_interval = flush_interval
        self.max_pending = max_pending
        # keyed by the operation's coordinate set as the gateway passes it (one frozenset per
        # prepared operation, its hash cached), so recording is one dict update per operation
        self._pending: Counter[tuple[str, frozenset[str]]] = Counter()
        self._unsent: Counter[tuple[str, str]] = Counter()  # per coordinate, from failed flushes
        self._dropped = 0
        self._task: asyncio.Task[None] | None = None

    def record(self, client: str, coordinates: frozenset[str]) -> None:
        """Count one operation by `client` using each of `coordinates`."""
        key = (client, coordinates)
        pending = self._pending
        if key in pending or len(pending) < self.max_pending:
            pending[key] += 1
        else:
            self._dropped += 1

    def _take_pending(self) -> Counter[tuple[str, str]]:
        batch, self._unsent = self._unsent, Counter()
        pending, self._pending = self._pending, Counter()
        for (client, coordinates), operations in pending.items():
            name = client.strip()[:200] or UNNAMED_CLIENT
            for coordinate in coordinates:
                batch[name, coordinate] += operations
        return batch

    async def flush(self) -> bool:
        """Send what was recorded; on failure keep it for the next flush. True when sent."""
        batch = self._take_pending()
        if not batch:
            return True
        entries = [{"client": c, "coordinate": k, "operations": n} for (c, k), n in batch.items()]
        try:
            await self._client.report_usage(entries)
        except (RegistryUnavailable, RegistryError) as e:
            if len(batch) > self.max_pending:
                self._dropped += sum(batch.values())
                log.warning("usage not reported to the registry (%s); %d counts dropped", e, len(batch))
            else:
                # what was recorded meanwhile is added to these at the next flush
                self._unsent = batch
                log.warning("usage not reported to the registry yet (%s); %d counts kept", e, len(batch))
            return False
        if self._dropped:
            log.warning("usage buffer was full: %d operations were not recorded", self._dropped)
            self._dropped = 0
        return True

    def start(self) -> None:
        """Flush every `flush_interval` seconds in the background until `close()`."""
        if self._task is None:
            self._task = asyncio.create_task(self._flush_periodically(), name="splp-usage-flush")

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.flush_interval)
            await self.flush()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
        await self._client.close()
