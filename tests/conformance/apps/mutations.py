"""Subgraphs of the `mutations` supergraph: root mutation fields in two subgraphs.

ledger  Mutation.addEntry(text, delayMs) -> Entry @key(id), refuseEntry (raises); Query.entries,
        Query.ledgerWait(ms).
audit   Mutation.logEvent(text) -> String; Entry.auditTrail (an entity field reached after a mutation);
        Query.auditWait(ms). The two *Wait fields show whether independent fetches overlap.
Every resolver appends to EXECUTION_LOG when it starts and when it ends, so a test sees the order in
which the gateway ran the mutation's root fields (GraphQL spec 6.2.2: serially, in document order).
"""

from __future__ import annotations

import asyncio

import strawberry
from graphql import GraphQLError
from strawberry.federation import Schema

EXECUTION_LOG: list[str] = []
ENTRIES: list[str] = []


def reset() -> None:
    EXECUTION_LOG.clear()
    ENTRIES.clear()


@strawberry.federation.type(name="Entry", keys=["id"])
class LedgerEntry:
    id: strawberry.ID
    text: str

    @classmethod
    def resolve_reference(cls, id: str) -> LedgerEntry:
        return cls(id=strawberry.ID(id), text=ENTRIES[int(id) - 1])


async def logged_wait(name: str, ms: int) -> str:
    EXECUTION_LOG.append(f"start {name}")
    await asyncio.sleep(ms / 1000)
    EXECUTION_LOG.append(f"end {name}")
    return f"{name} waited"


@strawberry.type(name="Query")
class LedgerQuery:
    @strawberry.field
    async def ledger_wait(self, ms: int) -> str:
        return await logged_wait("ledger", ms)

    @strawberry.field
    def entries(self) -> list[LedgerEntry]:
        return [LedgerEntry(id=strawberry.ID(str(n)), text=t) for n, t in enumerate(ENTRIES, start=1)]


@strawberry.type(name="Mutation")
class LedgerMutation:
    @strawberry.mutation
    async def add_entry(self, text: str, delay_ms: int = 0) -> LedgerEntry:
        EXECUTION_LOG.append(f"start {text}")
        # The delay makes a gateway that runs root mutation fields concurrently visibly wrong.
        await asyncio.sleep(delay_ms / 1000)
        ENTRIES.append(text)
        EXECUTION_LOG.append(f"end {text}")
        return LedgerEntry(id=strawberry.ID(str(len(ENTRIES))), text=text)

    @strawberry.mutation
    async def refuse_entry(self, text: str) -> LedgerEntry | None:
        EXECUTION_LOG.append(f"start {text}")
        EXECUTION_LOG.append(f"refuse {text}")
        raise GraphQLError(f"entry {text} refused", extensions={"code": "REFUSED"})


ledger = Schema(query=LedgerQuery, mutation=LedgerMutation)


@strawberry.federation.type(name="Entry", keys=["id"])
class AuditEntry:
    id: strawberry.ID

    @strawberry.field
    def audit_trail(self) -> list[str]:
        return [f"created #{self.id}"]

    @classmethod
    def resolve_reference(cls, id: str) -> AuditEntry:
        return cls(id=strawberry.ID(id))


@strawberry.type(name="Query")
class AuditQuery:
    @strawberry.field
    async def audit_wait(self, ms: int) -> str:
        return await logged_wait("audit", ms)

    @strawberry.field
    def audit_size(self) -> int:
        return len(EXECUTION_LOG)


@strawberry.type(name="Mutation")
class AuditMutation:
    @strawberry.mutation
    async def log_event(self, text: str) -> str:
        EXECUTION_LOG.append(f"start {text}")
        await asyncio.sleep(0)
        EXECUTION_LOG.append(f"end {text}")
        return f"logged {text}"


audit = Schema(query=AuditQuery, mutation=AuditMutation, types=[AuditEntry])

SUBGRAPHS = {"ledger": ledger, "audit": audit}
