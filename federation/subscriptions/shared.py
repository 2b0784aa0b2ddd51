"""Identical subscriptions share one upstream stream and one completion per event.

A thousand dashboards of one desk, or every tab a citizen has open, subscribe with the same
document, variables and credentials: each would open its own graphql-ws connection to the
subgraph, and the gateway would receive, complete (entity fetches included) and shape the same
event a thousand times. Here they join one `Group`:

- the group key is everything the upstream answer and the completion depend on: the subgraph
  URL, the root fetch's operation and variables, the headers sent (the principal as the subgraph
  sees it; the signature excluded, it changes per request) and the plan object itself (plans are
  cached per document and per what the principal may read, so identical subscribers get the
  same one, and one plan means one shaping);
- a group takes new members only until its first event: a member joining later would miss what
  the subgraph sends first to every new subscription (`aduanBerubah(nomor:)` starts with the
  complaint's current state), so it starts a new group instead, which bursts of identical
  subscriptions (a page opened by many, clients reconnecting after a restart) share again;
- the group completes each event once, through the plan it was opened with, before handing it
  to its members; each member still does its own per-event work (re-authentication, reload
  checks) in the service, and one replanned by a reload completes the event through its own
  plan (memoised per event and plan);
- a member that falls `MAX_BEHIND` events behind is ended with an error instead of holding the
  others back (or growing without bound).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Final

import orjson

from federation.subscriptions.upstream import Upstream, UpstreamError

MAX_BEHIND: Final = 1000
Completion = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class _OpenerLeft(UpstreamError):
    """The subscription opening a group's upstream was cancelled before it was open."""


class Event:
    """One upstream payload as every member sees it, with its completions by plan."""

    __slots__ = ("completions", "payload")

    def __init__(self, payload: dict[str, Any] | None) -> None:
        self.payload = payload
        self.completions: dict[Hashable, asyncio.Future[dict[str, Any]]] = {}


class Member:
    """A subscriber's view of its group, used by the service like its own `Upstream`."""

    def __init__(self, group: Group) -> None:
        self.group = group
        self.queue: asyncio.Queue[Event | UpstreamError] = asyncio.Queue()
        self.current: Event | None = None

    def push(self, item: Event | UpstreamError) -> None:
        if self.queue.qsize() >= MAX_BEHIND:
            # Too slow: replace its backlog by the error that ends it.
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(UpstreamError(f"the subscriber fell {MAX_BEHIND} events behind"))
            self.group.leave(self)
            return
        self.queue.put_nowait(item)

    async def next_payload(self) -> dict[str, Any] | None:
        """As `Upstream.next_payload`: cancellation-safe (a queue get loses nothing)."""
        item = await self.queue.get()
        if isinstance(item, UpstreamError):
            raise item
        self.current = item
        return item.payload

    async def complete(self, plan: Hashable, completion: Completion) -> dict[str, Any]:
        """The current event completed through `plan`: computed by the first member to ask,
        awaited by the others (in a task, so a member leaving does not cancel it for the rest)."""
        event = self.current
        assert event is not None and event.payload is not None
        found = event.completions.get(plan)
        if found is not None and found.done():
            return found.result()  # the usual case: completed by the group before it was handed out
        if found is None:
            # Completion merges entity data into the payload it is given: each plan gets a copy
            # (members of one group have one plan, unless a reload replanned some of them).
            payload = orjson.loads(orjson.dumps(event.payload))
            found = event.completions[plan] = asyncio.ensure_future(completion(payload))
        return await asyncio.shield(found)

    async def close(self) -> None:
        await self.group.leave_and_maybe_close(self)


class Group:
    def __init__(self, hub: SharedUpstreams, key: Hashable, upstream: Upstream, keep: object, plan: Hashable,
                 completion: Completion | None) -> None:
        self.hub = hub
        self.key = key
        self.upstream = upstream
        self.keep = keep  # what the key names by identity stays alive while the group can be joined
        self.plan = plan
        self.completion = completion
        self.members: set[Member] = set()
        self.reader: asyncio.Task[None] | None = None

    def join(self) -> Member:
        member = Member(self)
        self.members.add(member)
        if self.reader is None:
            self.reader = asyncio.create_task(self._read())
        return member

    def leave(self, member: Member) -> None:
        self.members.discard(member)

    async def leave_and_maybe_close(self, member: Member) -> None:
        self.leave(member)
        if not self.members:
            self.hub.forget(self)
            if self.reader is not None:
                self.reader.cancel()
                with contextlib.suppress(BaseException):
                    await self.reader
            await self.upstream.close()

    async def _read(self) -> None:
        try:
            while True:
                payload = await self.upstream.next_payload()
                self.hub.forget(self)  # from its first event on, new subscribers start a new group
                event = Event(payload)
                if payload is not None and self.completion is not None and self.members:
                    done: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
                    try:
                        done.set_result(await self.completion(orjson.loads(orjson.dumps(payload))))
                    except Exception as error:  # given to each member, as its own completion would
                        done.set_exception(error)
                        done.exception()
                    event.completions[self.plan] = done
                for member in list(self.members):
                    member.push(event)
                if payload is None:
                    return
        except UpstreamError as error:
            self.hub.forget(self)
            for member in list(self.members):
                member.push(error)


class SharedUpstreams:
    """The groups still open to new members, by key."""

    def __init__(self) -> None:
        self.joinable: dict[Hashable, Group] = {}
        self.opening: dict[Hashable, asyncio.Future[Group]] = {}

    async def join(
        self,
        key: Hashable,
        open_upstream: Callable[[], Awaitable[Upstream]],
        keep: object = None,
        plan: Hashable = None,
        completion: Completion | None = None,
    ) -> Member:
        """A member of the joinable group of `key`, opening its upstream when there is none
        (concurrent joiners wait for one opening; if it fails, each gets the error)."""
        group = self.joinable.get(key)
        if group is not None:
            return group.join()
        pending = self.opening.get(key)
        if pending is not None:
            try:
                group = await asyncio.shield(pending)
            except _OpenerLeft:  # its subscriber went away while opening: open it ourselves
                return await self.join(key, open_upstream, keep, plan, completion)
            if self.joinable.get(key) is group:
                return group.join()
            # It already delivered its first event.
            return await self.join(key, open_upstream, keep, plan, completion)
        future: asyncio.Future[Group] = asyncio.get_running_loop().create_future()
        self.opening[key] = future
        try:
            upstream = await open_upstream()
        except BaseException as error:
            del self.opening[key]
            future.set_exception(error if isinstance(error, Exception) else _OpenerLeft())
            future.exception()  # retrieved: waiting joiners re-raise it, nobody else must
            raise
        group = Group(self, key, upstream, keep, plan, completion)
        del self.opening[key]
        self.joinable[key] = group
        member = group.join()
        future.set_result(group)
        return member

    def forget(self, group: Group) -> None:
        if self.joinable.get(group.key) is group:
            del self.joinable[group.key]
