"""Traffic shaping toward subgraphs: what keeps one failing subgraph from hurting the rest.

- an answer size cap (streamed: a larger answer is refused while it arrives, never buffered
  whole), a connect timeout and a total timeout per request, a cap on connections;
- retries with exponential backoff and jitter, for requests that can be sent twice: reads
  only (queries, `_entities`), never a mutation, and only for failures that say the
  subgraph did not answer (refused or lost connection, 502/503/504); at most `retry_ratio`
  of recent requests may be retries (a retry budget, so retries cannot multiply an outage);
- a circuit breaker per subgraph: after `failure_threshold` failures in a row it opens and
  requests fail at once (`SUBREQUEST_CIRCUIT_OPEN`) for `open_seconds`; then one probe is let
  through (half-open) and its outcome closes or reopens it. States are shown by /health.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from typing import Any

from federation.executor.fetch import FetchError, SubgraphClient, _parse_response
from federation.executor.http11 import HTTPError, Pool
from federation.executor.tls import SubgraphTls

RETRYABLE_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class TrafficPolicy:
    timeout: float = 30.0  # total, per subgraph request, retries included
    connect_timeout: float = 5.0
    max_response_bytes: int = 64 * 1024 * 1024
    max_connections: int = 100  # per subgraph, per worker
    compression: bool = True  # ask for gzip/deflate answers
    retries: int = 2
    backoff_base: float = 0.05  # seconds; doubled each attempt, with full jitter
    backoff_max: float = 1.0
    retry_ratio: float = 0.2  # retries allowed per request sent, over the budget's window
    retry_min_per_second: float = 5.0
    failure_threshold: int = 5
    open_seconds: float = 10.0


class RetryBudget:
    """Retries as a share of requests: each request deposits `ratio` of a retry, each retry
    spends one; a trickle of `min_per_second` keeps lone requests retryable."""

    def __init__(self, ratio: float, min_per_second: float) -> None:
        self.ratio = ratio
        self.min_per_second = min_per_second
        self.capacity = max(10.0, min_per_second * 10)
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def deposit(self) -> None:
        self._refill()
        self.tokens = min(self.capacity, self.tokens + self.ratio)

    def spend(self) -> bool:
        self._refill()
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.min_per_second)
        self.stamp = now


class CircuitBreaker:
    CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"

    def __init__(self, threshold: int, open_seconds: float) -> None:
        self.threshold = threshold
        self.open_seconds = open_seconds
        self.state = self.CLOSED
        self.failures = 0
        self.opened_at = 0.0
        self.probing = False

    def allow(self) -> bool:
        if self.state == self.CLOSED or self.threshold <= 0:
            return True
        if self.state == self.OPEN and time.monotonic() - self.opened_at >= self.open_seconds:
            self.state = self.HALF_OPEN
        if self.state == self.HALF_OPEN and not self.probing:
            self.probing = True  # one probe at a time
            return True
        return False

    def succeeded(self) -> None:
        self.state, self.failures, self.probing = self.CLOSED, 0, False

    def failed(self) -> None:
        self.failures += 1
        self.probing = False
        if self.state == self.HALF_OPEN or (self.threshold > 0 and self.failures >= self.threshold):
            self.state = self.OPEN
            self.opened_at = time.monotonic()

    def report(self) -> dict[str, Any]:
        report: dict[str, Any] = {"state": self.state, "consecutive_failures": self.failures}
        if self.state == self.OPEN:
            report["retry_in_seconds"] = round(max(0.0, self.open_seconds - (time.monotonic() - self.opened_at)), 1)
        return report


class _Unanswered(Exception):
    """A failure after which the same request may be sent again."""

    def __init__(self, error: FetchError) -> None:
        self.error = error


class ShapedSubgraphClient(SubgraphClient):
    """`SubgraphClient` with the policy above applied to every subgraph request."""

    def __init__(
        self,
        urls: dict[str, str],
        policy: TrafficPolicy | None = None,
        dedupe: bool = True,
        tls: SubgraphTls | None = None,
    ) -> None:
        self.policy = policy or TrafficPolicy()
        super().__init__(urls, timeout=self.policy.timeout, dedupe=dedupe, tls=tls)
        self.breakers: dict[str, CircuitBreaker] = {}
        self.budgets: dict[str, RetryBudget] = {}

    def pool(self, service: str) -> Pool:
        pool = self._pools.get(service)
        if pool is None:
            url = self.urls.get(service)
            if url is None:
                raise FetchError(service, "the subgraph has no URL")
            try:
                pool = self._pools[service] = Pool(
                    url,
                    self.policy.max_connections,
                    max_response_bytes=self.policy.max_response_bytes,
                    connect_timeout=self.policy.connect_timeout,
                    compression=self.policy.compression,
                    ssl_context=self.ssl_context(service),
                )
            except ValueError as e:
                raise FetchError(service, str(e)) from None
        return pool

    def breaker(self, service: str) -> CircuitBreaker:
        breaker = self.breakers.get(service)
        if breaker is None:
            breaker = self.breakers[service] = CircuitBreaker(self.policy.failure_threshold, self.policy.open_seconds)
        return breaker

    def health(self) -> dict[str, Any]:
        return {"subgraphs": {name: self.breaker(name).report() for name in sorted(self.urls)}}

    # `_post`: what `SubgraphClient._send` calls once it has noted the fetch for telemetry.
    async def _post(self, service: str, body: bytes, headers: dict[str, str] | None, retry: bool) -> dict[str, Any]:
        breaker = self.breaker(service)
        if not breaker.allow():
            raise FetchError(
                service,
                f"the circuit breaker is open after {breaker.failures} failures in a row; "
                f"the next try is in {breaker.report().get('retry_in_seconds', 0)} s",
                "SUBREQUEST_CIRCUIT_OPEN",
            )
        try:
            response = await asyncio.wait_for(self._attempts(service, body, headers, retry), self.policy.timeout)
        except TimeoutError:
            breaker.failed()
            raise FetchError(service, f"timed out after {self.policy.timeout:g} s") from None
        except FetchError:
            breaker.failed()
            raise
        except BaseException:
            # cancelled (the client went away): the subgraph said nothing; the probe slot is free
            breaker.probing = False
            raise
        breaker.succeeded()
        return response

    async def _attempts(self, service: str, body: bytes, headers: dict[str, str] | None, retry: bool) -> dict[str, Any]:
        budget = self.budgets.get(service)
        if budget is None:
            budget = self.budgets[service] = RetryBudget(self.policy.retry_ratio, self.policy.retry_min_per_second)
        budget.deposit()
        attempt = 0
        while True:
            try:
                return await self._attempt(service, body, headers, retry)
            except _Unanswered as e:
                if not retry or attempt >= self.policy.retries or not budget.spend():
                    raise e.error from None
            delay = min(self.policy.backoff_max, self.policy.backoff_base * 2**attempt)
            await asyncio.sleep(random.uniform(0, delay))
            attempt += 1

    async def _attempt(self, service: str, body: bytes, headers: dict[str, str] | None, retry: bool) -> dict[str, Any]:
        pool = self.pool(service)
        if self.signer is not None:
            # signed afresh for each attempt: a retry is not a replay of an old signature
            headers = self.signer(self.urls[service], body, headers)
        try:
            status, raw = await pool.post(body, headers, retry=retry)
        except HTTPError as e:
            error = FetchError(service, str(e))
            if e.unsent:
                raise _Unanswered(error) from None
            raise error from None
        if status in RETRYABLE_STATUSES:
            try:
                return _parse_response(service, status, raw)
            except FetchError as e:
                raise _Unanswered(e) from None
        return _parse_response(service, status, raw)
