"""A least-recently-used map bounded by the bytes its entries are estimated to hold.

The gateway's caches hold what clients send (documents, persisted queries, their plans):
bounded by count, 40 cached 10 MB documents were 877 MB. Bounded by weight, the cache
holds many small entries or few large ones and never more than its capacity; an entry
heavier than a quarter of the capacity is not kept at all, so one client cannot flush it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class WeightedLRU(Generic[K, V]):
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.weight = 0
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V, weight: int) -> bool:
        """Keep `value` (evicting the least recently used); False when it is too heavy to keep."""
        self.pop(key)
        if weight > self.capacity // 4:
            return False
        self._entries[key] = (value, weight)
        self.weight += weight
        self._evict()
        return True

    def grow(self, key: K, delta: int) -> None:
        """`key`'s entry now holds `delta` more bytes (a plan added to a cached document)."""
        found = self._entries.get(key)
        if found is None:
            return
        self._entries[key] = (found[0], found[1] + delta)
        self.weight += delta
        self._evict(keep=key)

    def pop(self, key: K) -> V | None:
        found = self._entries.pop(key, None)
        if found is None:
            return None
        self.weight -= found[1]
        return found[0]

    def clear(self) -> None:
        self._entries.clear()
        self.weight = 0

    def _evict(self, keep: K | None = None) -> None:
        while self.weight > self.capacity and self._entries:
            key, (_, weight) = next(iter(self._entries.items()))
            if key == keep and len(self._entries) == 1:
                break
            if key == keep:
                self._entries.move_to_end(key)
                continue
            del self._entries[key]
            self.weight -= weight
