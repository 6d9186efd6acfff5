"""An MLLP sender (tests, the benchmark, an engineer's smoke test), by the library's
`open_hl7_connection`: one message at a time, waiting for each ACK, as interface engines do."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from hl7.mllp import open_hl7_connection

T = TypeVar("T")


async def exchange(
    host: str, port: int, messages: Sequence[str | bytes], *, timeout: float = 30
) -> list[str]:
    """Send `messages` over one connection; the ACKs in order (text)."""
    reader, writer = await open_hl7_connection(host, port)
    acks: list[str] = []
    try:
        for message in messages:
            data = message.encode("utf-8") if isinstance(message, str) else message
            writer.writeblock(data)
            await writer.drain()
            block = await asyncio.wait_for(reader.readblock(), timeout)
            acks.append(block.decode("utf-8", "replace"))
    finally:
        writer.close()
        await writer.wait_closed()
    return acks


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to its end from synchronous code, also where this thread already runs an
    event loop (a test process in which Playwright's sync API has started one): then in a
    thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def send(host: str, port: int, messages: Sequence[str | bytes], **options) -> list[str]:
    """`exchange` for synchronous callers."""
    return run_sync(exchange(host, port, messages, **options))
