"""A raw HTTP/1.1 subgraph that misbehaves on demand, on a loopback socket of the test's loop.

Each request's body names what it does (`{"query": "...", "mode": "endless"}` is not
needed: the mode is set on the server between tests), so tests see exactly what the
gateway's client does with a subgraph that is down, hangs, answers forever, too much,
HTML, 503 once, gzip, or closes each connection; as the entity side of a two-subgraph
graph (`entity_supergraph`), it lists items or answers `_entities` with fewer, more or
other-typed items than the representations it was sent.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from typing import Any

OK = json.dumps({"data": {"value": 1}}).encode()


class FaultySubgraph:
    def __init__(self) -> None:
        self.mode = "ok"
        self.requests = 0
        self.connections = 0
        self.fail_first = 0  # with mode "503-then-ok": how many 503s before answering
        self.body = b""  # the last request's body
        self.server: asyncio.Server | None = None
        self.closed_by_client = asyncio.Event()

    async def start(self) -> FaultySubgraph:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    @property
    def url(self) -> str:
        assert self.server is not None
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/graphql"

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                self.body = await reader.readexactly(length)
                self.requests += 1
                if not await self._answer(reader, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            self.closed_by_client.set()
        finally:
            writer.close()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        mode = self.mode
        if mode == "503-then-ok" and self.fail_first > 0:
            self.fail_first -= 1
            writer.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")
            await writer.drain()
            return True
        if mode in ("ok", "503-then-ok"):
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(OK), OK)
            )
        elif mode == "close":
            writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(OK), OK))
            await writer.drain()
            return False
        elif mode == "html500":
            page = b"<html><body>Internal Server Error</body></html>"
            head = b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
            writer.write(head % len(page) + page)
        elif mode == "hang":
            await reader.read()  # until the client closes the connection
            self.closed_by_client.set()
            return False
        elif mode == "drop":
            return False  # closes without an answer
        elif mode == "endless":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"[" * 65536
            while True:
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
        elif mode == "gzip":
            packed = gzip.compress(OK)
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s" % (len(packed), packed)
            )
        elif mode == "gzip-bomb":
            packed = gzip.compress(b'{"data": "' + b"0" * 50_000_000 + b'"}')
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s" % (len(packed), packed)
            )
        elif mode == "items":
            self._json(writer, {"data": {"items": [{"__typename": "Item", "id": str(i)} for i in range(1, 4)]}})
        elif mode.startswith("entities"):
            representations = json.loads(self.body)["variables"]["representations"]
            entities: list[Any] = [{"__typename": "Item", "value": int(r["id"]) * 10} for r in representations]
            if mode == "entities-too-few":
                entities.pop(0)
            elif mode == "entities-too-many":
                entities.append({"__typename": "Item", "value": 0})
            elif mode == "entities-wrong-type":
                entities[1] = {"__typename": "Other", "value": 20}
            self._json(writer, {"data": {"_entities": entities}})
        elif mode == "chunked":
            parts = [OK[:5], OK[5:]]
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            for part in parts:
                writer.write(b"%x\r\n%s\r\n" % (len(part), part))
            writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True


    @staticmethod
    def _json(writer: asyncio.StreamWriter, answer: Any) -> None:
        body = json.dumps(answer).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                     % (len(body), body))


def request(query: str = "{ value }") -> bytes:
    body: dict[str, Any] = {"query": query}
    return json.dumps(body).encode()


def supergraph(url: str) -> str:
    """A one-subgraph supergraph over the faulty subgraph: `{ value }`."""
    return f"""
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
{{
  query: Query
}}

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String,
  external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
  repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

scalar join__FieldSet
scalar link__Import
enum link__Purpose {{ SECURITY EXECUTION }}
enum join__Graph {{ FAULTY @join__graph(name: "faulty", url: "{url}") }}

type Query @join__type(graph: FAULTY) {{
  value: Int
}}
"""


def entity_supergraph(items_url: str, entities_url: str) -> str:
    """Two subgraphs: `items` lists `Item`s by key, `entities` resolves their `value`.

    `{ items { id value } }` is a root fetch to the first and an `_entities` fetch to the
    second; `{ items { id } }` asks only the first (a plain query to run beside a failing one).
    """
    return f"""
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
{{
  query: Query
}}

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String,
  external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
  repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

scalar join__FieldSet
scalar link__Import
enum link__Purpose {{ SECURITY EXECUTION }}
enum join__Graph {{
  ITEMS @join__graph(name: "items", url: "{items_url}")
  ENTITIES @join__graph(name: "entities", url: "{entities_url}")
}}

type Query @join__type(graph: ITEMS) @join__type(graph: ENTITIES) {{
  items: [Item] @join__field(graph: ITEMS)
}}

type Item @join__type(graph: ITEMS, key: "id") @join__type(graph: ENTITIES, key: "id") {{
  id: ID!
  value: Int @join__field(graph: ENTITIES)
}}
"""
