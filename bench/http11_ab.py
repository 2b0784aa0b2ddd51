"""`python -m bench.http11_ab [--requests 20000]`: the gateway's own HTTP/1.1 client
(federation/executor/http11.py) against aiohttp's client, on the same subgraph traffic.

A subgraph stand-in in a process of its own (a raw asyncio server answering every POST
with a fixed GraphQL response of the benchmark's size per fetch, keep-alive) is sent the
same requests by each client, 50 in flight at a time, interleaved over several rounds;
the figure is client CPU time per request (process_time of this process, which runs only
the client), so the server's own cost and other load on the machine count little. Prints
requests per CPU second for each and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

import aiohttp
import orjson

from bench.processes import free_port

SERVER = r"""
import asyncio, sys
body = sys.argv[2].encode()
head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
async def serve(reader, writer):
    try:
        while True:
            request = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in request.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            writer.write(head + body)
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()
asyncio.run(main())
"""

QUERY = orjson.dumps(
    {
        "query": "query($representations: [_Any!]!) { _entities(representations: $representations) "
        "{ ... on Product { name price } } }",
        "variables": {"representations": [{"upc": "1"}]},
    }
)


def answer(size: int) -> str:
    items = [{"name": f"Product {i}", "price": i * 1000, "upc": str(i)} for i in range(size // 48)]
    return orjson.dumps({"data": {"_entities": items}}).decode()


async def with_http11(url: str, requests: int, concurrency: int) -> float:
    from federation.executor.http11 import Pool

    pool = Pool(url)
    start = time.process_time()
    await _run(lambda: pool.post(QUERY), requests, concurrency)
    spent = time.process_time() - start
    pool.close()
    return spent


async def with_aiohttp(url: str, requests: int, concurrency: int) -> float:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as http:

        async def post() -> tuple[int, bytes]:
            headers = {"content-type": "application/json", "accept": "application/graphql-response+json"}
            async with http.post(url, data=QUERY, headers=headers) as response:
                return response.status, await response.read()

        start = time.process_time()
        await _run(post, requests, concurrency)
        return time.process_time() - start


async def _run(post, requests: int, concurrency: int) -> None:  # type: ignore[no-untyped-def]
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            status, raw = await post()
            assert status == 200 and raw
            orjson.loads(raw)  # what the gateway does with every answer

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=20_000, help="per client per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--answer-bytes", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args(argv)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port), answer(args.answer_bytes)])
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        time.sleep(1.0)
        results: dict[str, list[float]] = {"http11": [], "aiohttp": []}
        for round_number in range(args.rounds):
            order = [("http11", with_http11), ("aiohttp", with_aiohttp)]
            if round_number % 2:
                order.reverse()
            for name, run in order:
                spent = asyncio.run(run(url, args.requests, args.concurrency))
                results[name].append(args.requests / spent)
    finally:
        server.terminate()
        server.wait(timeout=10)
    http11, aio = statistics.median(results["http11"]), statistics.median(results["aiohttp"])
    print(
        f"subgraph client, {args.answer_bytes} B answers, {args.concurrency} in flight, "
        f"median of {args.rounds} rounds (requests per CPU second of the client):"
    )
    print(f"  http11.py  {http11:10.0f}")
    print(f"  aiohttp    {aio:10.0f}")
    print(f"  ratio http11/aiohttp: {http11 / aio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
