"""Rate limits per client address, per client and per operation: token buckets, shared
by every gateway process through Redis (one Lua script, atomic, on Redis's own clock so
replicas agree), or kept in the process without a Redis URL.

A refusal is HTTP 429 with `Retry-After` (whole seconds) and the error
`{code: RATE_LIMITED, scope, limit, retryAfterSeconds}`.

Who is "a client address": the socket's peer, unless that peer is a trusted proxy (by
default loopback: the city's ingress runs beside the gateway), in which case it is the
last address in `X-Forwarded-For` that a trusted proxy added. Traffic from a trusted proxy
with no forwarded address (a local health check, a benchmark) is not an outside client
and is not limited per address.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from federation.gateway import GraphQLRequest
from federation.http.app import BadRequest, RequestGuard

log = logging.getLogger("splp.ratelimit")

# KEYS[1]: the bucket; ARGV: capacity, refill per second, cost. Returns {allowed, wait ms}.
TOKEN_BUCKET_LUA = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1])
local stamp = tonumber(state[2])
if tokens == nil then
  tokens = capacity
  stamp = now
end
tokens = math.min(capacity, tokens + (now - stamp) * rate / 1000)
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = math.ceil((cost - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * 1000 / rate) + 1000)
return {allowed, wait}
"""


@dataclass(frozen=True)
class Rate:
    """`per_second` requests a second sustained, bursts of `burst`; 0 is off."""

    per_second: float
    burst: int

    @property
    def on(self) -> bool:
        return self.per_second > 0 and self.burst > 0


@dataclass(frozen=True)
class RateLimits:
    per_address: Rate = Rate(50, 100)
    per_client: Rate = Rate(200, 400)  # identified clients: a token's subject or a client name
    per_operation: Rate = Rate(0, 0)  # per operation name (or document hash), all clients together
    trusted_proxies: tuple[str, ...] = ("127.0.0.1/32", "::1/128")
    redis_url: str | None = None
    key_prefix: str = "splp:rl:"


class RateLimited(BadRequest):
    def __init__(self, scope: str, rate: Rate, wait_seconds: float) -> None:
        retry_after = max(1, int(wait_seconds + 0.999))
        super().__init__(
            f"Too many requests ({scope}): at most {rate.per_second:g} a second, bursts of {rate.burst}; "
            f"retry in {retry_after} s.",
            429,
            {"retry-after": str(retry_after)},
            code="RATE_LIMITED",
            scope=scope,
            limit=rate.per_second,
            burst=rate.burst,
            retryAfterSeconds=retry_after,
        )


class MemoryBuckets:
    """Token buckets in this process, at most `max_keys` of them (least recently used go)."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def take(self, key: str, rate: Rate, cost: float = 1.0) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        tokens, stamp = self._buckets.pop(key, (float(rate.burst), now))
        tokens = min(rate.burst, tokens + (now - stamp) * rate.per_second)
        wait = 0.0
        if tokens >= cost:
            tokens -= cost
        else:
            wait = (cost - tokens) / rate.per_second
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


class RedisBuckets:
    """Token buckets in Redis, shared by every gateway process; the process's own buckets
    stand in while Redis does not answer (limits stay on, per process)."""

    def __init__(self, url: str) -> None:
        import redis.asyncio

        self.client: Any = redis.asyncio.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.script = self.client.register_script(TOKEN_BUCKET_LUA)
        self.fallback = MemoryBuckets()
        self._down_since: float | None = None

    async def take(self, key: str, rate: Rate, cost: float = 1.0) -> float:
        if self._down_since is not None and time.monotonic() - self._down_since < 5.0:
            return await self.fallback.take(key, rate, cost)
        try:
            allowed, wait_ms = await self.script(keys=[key], args=[rate.burst, rate.per_second, cost])
        except Exception as e:  # any Redis failure: connection, timeout, script
            if self._down_since is None:
                log.warning("rate limits: Redis does not answer (%s); limiting per process meanwhile", e)
            self._down_since = time.monotonic()
            return await self.fallback.take(key, rate, cost)
        if self._down_since is not None:
            log.info("rate limits: Redis answers again")
            self._down_since = None
        return 0.0 if int(allowed) else int(wait_ms) / 1000

    async def close(self) -> None:
        await self.client.aclose()


class RateLimitGuard(RequestGuard):
    def __init__(self, limits: RateLimits | None = None) -> None:
        self.limits = limits or RateLimits()
        self.buckets: MemoryBuckets | RedisBuckets = (
            RedisBuckets(self.limits.redis_url) if self.limits.redis_url else MemoryBuckets()
        )
        self.proxies = [ipaddress.ip_network(p, strict=False) for p in self.limits.trusted_proxies]
        self._trusted_cache: dict[str, bool] = {}

    def client_address(self, request: GraphQLRequest) -> str | None:
        """The outside client's address, or None for traffic of a trusted proxy itself."""
        peer = request.client_address
        if not self._trusted(peer):
            return peer or None
        forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",") if a.strip()]
        for address in reversed(forwarded):
            if not self._trusted(address):
                return address
        return None

    def _trusted(self, address: str) -> bool:
        found = self._trusted_cache.get(address)
        if found is None:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                found = False
            else:
                found = any(ip in network for network in self.proxies)
            if len(self._trusted_cache) > 4096:  # addresses repeat: parsing each costs 10 us
                self._trusted_cache.clear()
            self._trusted_cache[address] = found
        return found

    async def _take(self, scope: str, key: str, rate: Rate) -> None:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # bounded key length, no raw values
        wait = await self.buckets.take(f"{self.limits.key_prefix}{scope}:{digest}", rate)
        if wait > 0:
            raise RateLimited(scope, rate, wait)

    async def before(self, request: GraphQLRequest) -> None:
        if self.limits.per_address.on:
            address = self.client_address(request)
            if address is not None:
                await self._take("address", address, self.limits.per_address)

    async def prepared(self, request: GraphQLRequest) -> None:
        if self.limits.per_client.on:
            subject = request.principal.subject if request.principal is not None else None
            client = subject or request.headers.get("apollographql-client-name") or request.headers.get("x-client-name")
            if client:
                await self._take("client", str(client), self.limits.per_client)
        if self.limits.per_operation.on:
            operation = request.operation_name or hashlib.sha256(request.query.encode()).hexdigest()
            await self._take("operation", operation, self.limits.per_operation)
