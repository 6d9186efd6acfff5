"""The MLLP listener: a real asyncio TCP server (`hl7.mllp`), one ACK per message.

Each connection is read block by block with a timeout, so a slow or half-open client is
disconnected without holding up anyone else; a block over the size limit is answered AR and
the connection closed (the rest of it cannot be framed). Messages are applied one at a time on
one worker thread (`intake.receive` uses the ORM, which is synchronous), in arrival order.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection
from hl7.mllp import InvalidBlockError, start_hl7_server

from interop.hl7 import intake

logger = logging.getLogger("samsyn.hl7")


def decode(block: bytes) -> str:
    """The message text: UTF-8, or ISO 8859-1 when MSH-18 says so."""
    head = block[:400]
    if b"8859/1" in head or b"8859-1" in head:
        return block.decode("latin-1")
    return block.decode("utf-8")


def _apply(block: bytes) -> bytes | None:
    """The ACK of one block; None when it could not be processed for an internal reason
    (e.g. the database is gone): then no ACK is sent, so the sender resends it later."""
    try:
        try:
            text = decode(block)
        except UnicodeDecodeError:
            return intake.build_ack(
                None, "AR", "Meddelandet är inte korrekt UTF-8 (ange MSH-18)."
            ).encode()
        answer = intake.receive(text)
        return answer.ack.encode("latin-1" if b"8859" in block[:400] else "utf-8", "replace")
    except Exception:
        logger.exception("HL7 message could not be processed; no ACK sent")
        connection.close()  # a broken connection is opened afresh for the next message
        return None


def _close_connection() -> None:
    connection.close()  # the calling thread's own connection


class Listener:
    """Serve MLLP on `host`:`port` until `stop`; `port` 0 picks a free one (see `.port`)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        max_bytes: int | None = None,
        read_timeout: float | None = None,
        tls: ssl.SSLContext | None = None,
    ):
        self.host = host
        self.port = port
        self.max_bytes = max_bytes or settings.SAMSYN_MLLP_MAX_BYTES
        self.read_timeout = read_timeout or settings.SAMSYN_MLLP_READ_TIMEOUT_SECONDS
        self.tls = tls
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hl7-intake")
        self.server: asyncio.Server | None = None

    async def start(self) -> None:
        self.server = await start_hl7_server(
            self._serve, self.host, self.port, limit=self.max_bytes, ssl=self.tls
        )
        self.port = self.server.sockets[0].getsockname()[1]

    async def serve_forever(self) -> None:
        await self.start()
        assert self.server is not None
        async with self.server:
            await self.server.serve_forever()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        # The worker thread's database connection ends with it.
        await asyncio.get_running_loop().run_in_executor(self.worker, _close_connection)
        self.worker.shutdown(wait=True)

    async def _serve(self, reader, writer) -> None:
        loop = asyncio.get_running_loop()
        peer = writer.get_extra_info("peername")
        try:
            while True:
                try:
                    block = await asyncio.wait_for(reader.readblock(), self.read_timeout)
                except asyncio.IncompleteReadError:
                    break  # the client closed (between or in the middle of a message)
                except TimeoutError:
                    logger.info("MLLP client %s timed out", peer)
                    break
                except ValueError:
                    text = f"Meddelandet är större än gränsen ({self.max_bytes} byte)."
                    writer.writeblock(intake.build_ack(None, "AR", text).encode())
                    await writer.drain()
                    break
                except InvalidBlockError:
                    text = "Ogiltig MLLP-inramning (blocket börjar inte med <VT>)."
                    writer.writeblock(intake.build_ack(None, "AR", text).encode())
                    await writer.drain()
                    break
                ack = await loop.run_in_executor(self.worker, _apply, block)
                if ack is None:
                    break
                writer.writeblock(ack)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except ConnectionError:
                pass


class ListenerThread:
    """A listener on its own event loop in a background thread (tests, the benchmark):
    `with ListenerThread() as listener: ... listener.port`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **options):
        self.listener = Listener(host, port, **options)
        self.loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.listener.port

    def __enter__(self) -> ListenerThread:
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.listener.start())
            started.set()
            self.loop.run_forever()

        self._thread = threading.Thread(target=run, name="mllp-listener", daemon=True)
        self._thread.start()
        started.wait()
        return self

    def __exit__(self, *exc_info) -> None:
        asyncio.run_coroutine_threadsafe(self.listener.stop(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        assert self._thread is not None
        self._thread.join()
        self.loop.close()
