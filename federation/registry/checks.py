"""`subgraph check`: would publishing this schema compose, and whom would it break?

A check composes the proposed subgraph with the current ones, compares the resulting
public API schema with the current supergraph's, and for each breaking change looks up
which clients used an affected coordinate in the last `days` days. A breaking change no
recorded operation used is reported as safe; the check passes when the subgraphs compose
and every breaking change is safe.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from graphql import GraphQLSchema

from federation.compose import CompositionError
from federation.registry.schema_changes import BreakingChange, find_breaking_changes
from federation.registry.store import RegistryStore, Reviewer, load_supergraph
from federation.supergraph import SupergraphError

log = logging.getLogger("splp.registry")

DEFAULT_USAGE_DAYS = 30


@dataclass(frozen=True)
class ChangeUsage:
    change: BreakingChange
    clients: dict[str, int]  # client name -> operations that used an affected coordinate

    @property
    def safe(self) -> bool:
        return not self.clients


@dataclass(frozen=True)
class CheckReport:
    subgraph: str
    base_version: int | None  # the supergraph version compared against
    days: int
    errors: tuple[CompositionError, ...]
    changes: tuple[ChangeUsage, ...]

    @property
    def ok(self) -> bool:
        return not self.errors and all(change.safe for change in self.changes)


def api_schema(supergraph_sdl: str) -> GraphQLSchema:
    return load_supergraph(supergraph_sdl).api_schema


async def check_subgraph(
    store: RegistryStore, name: str, url: str | None, sdl: str, days: int = DEFAULT_USAGE_DAYS
) -> CheckReport:
    # compose on top of the very version the changes are measured against
    current = await store.latest()
    base = None if current is None else current.number
    result = await store.compose_with(current.subgraphs if current else (), name, url, sdl)
    if result.supergraph_sdl is None:
        return CheckReport(subgraph=name, base_version=base, days=days, errors=result.errors, changes=())
    if current is None:
        return CheckReport(subgraph=name, base_version=None, days=days, errors=(), changes=())

    changes = await breaking_changes(store, current.supergraph_sdl, result.supergraph_sdl, days)
    return CheckReport(subgraph=name, base_version=base, days=days, errors=(), changes=changes)


async def breaking_changes(store: RegistryStore, old_sdl: str, new_sdl: str, days: int) -> tuple[ChangeUsage, ...]:
    """The breaking changes from supergraph `old_sdl` to `new_sdl`, with their recent users."""
    try:
        old_schema = api_schema(old_sdl)
    except SupergraphError as e:
        # only a registry of another release could have stored it: nothing to compare against
        log.warning("the current supergraph cannot be loaded (%s); no breaking changes measured against it", e)
        return ()
    since = (datetime.now(UTC) - timedelta(days=days)).date()
    changes = []
    for change in find_breaking_changes(old_schema, api_schema(new_sdl)):
        changes.append(ChangeUsage(change, await store.clients_using(change.affected, since)))
    return tuple(changes)


def usage_guard(days: int = DEFAULT_USAGE_DAYS) -> Reviewer:
    """A publish reviewer refusing breaking changes that clients used in the last `days` days."""

    async def review(store: RegistryStore, current_sdl: str, new_sdl: str) -> tuple[CompositionError, ...]:
        return tuple(
            CompositionError("BREAKING_CHANGE", f"{c.change.description} Used by: {describe_clients(c.clients)}")
            for c in await breaking_changes(store, current_sdl, new_sdl, days)
            if not c.safe
        )

    return review


def describe_clients(clients: dict[str, int]) -> str:
    return ", ".join(f"{name} ({n} operations)" for name, n in clients.items())
