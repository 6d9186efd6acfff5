"""An MLLP sender (tests, the benchmark, an engineer's smoke test), by the library's
`open_hl7_connection`: one message at a time, waiting for each ACK, as interface engines do."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from hl7.mllp import open_hl7_connection


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


def send(host: str, port: int, messages: Sequence[str | bytes], **options) -> list[str]:
    """`exchange` for synchronous callers."""
    return asyncio.run(exchange(host, port, messages, **options))
