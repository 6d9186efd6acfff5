"""The kill-mid-stream drill: the listener runs as its own process (`manage.py mllp_listener`),
a sender streams messages one at a time waiting for each ACK, the listener is killed
(SIGKILL) while a message is in flight, restarted, and the sender resends what was not
acknowledged, as an interface engine does. Used by `manage.py mllp_drill` and the tests."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hl7.mllp import open_hl7_connection

from interop.hl7.client import run_sync

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"
STARTUP_SECONDS = 60


class ListenerProcess:
    """`manage.py mllp_listener` in a child process on a free port (`.port`), with `env`."""

    def __init__(self, env: dict[str, str] | None = None, *options: str, host: str = "127.0.0.1"):
        self.env = {**os.environ, **(env or {})}
        self.options = options
        self.host = host
        self.process: subprocess.Popen[str] | None = None
        self.port = 0
        # The child's log, in a file: a pipe nobody reads would fill up and stall it.
        self.log = tempfile.TemporaryFile(mode="w+")

    def start(self) -> ListenerProcess:
        command = [sys.executable, str(MANAGE), "mllp_listener", "--host", self.host]
        self.process = subprocess.Popen(
            [*command, "--port", "0", *self.options],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # "MLLP listener on host:port"
        if not line.startswith("MLLP listener on "):
            self.process.wait(timeout=STARTUP_SECONDS)
            self.log.seek(0)
            raise RuntimeError(f"the listener did not start: {line}{self.log.read()[-2000:]}")
        self.port = int(line.rsplit(":", 1)[1])
        return self

    def kill(self) -> None:
        """SIGKILL: no clean-up, no last ACK, as when the server loses power."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()

    def close(self) -> None:
        self.stop()
        self.log.close()

    def __enter__(self) -> ListenerProcess:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.close()


@dataclass
class DrillReport:
    sent: int = 0  # blocks written, resends included
    acks: list[str] = field(default_factory=list)  # the ACK of each message, in order
    kills: int = 0
    resent: int = 0
    seconds: float = 0.0
    restart_seconds: list[float] = field(default_factory=list)


IN_FLIGHT = "in_flight"  # killed right after the message was written, before its ACK
ACK_LOST = "ack_lost"  # killed after the ACK arrived; the sender acts as if it had not


async def _stream(
    listener: ListenerProcess, messages: Sequence[str], kill_at: dict[int, str], timeout: float
) -> DrillReport:
    report = DrillReport(acks=[""] * len(messages))
    index = 0
    killed: set[int] = set()
    started = time.perf_counter()
    while index < len(messages):
        reader, writer = await open_hl7_connection(listener.host, listener.port)
        try:
            while index < len(messages):
                writer.writeblock(messages[index].encode("utf-8"))
                await writer.drain()
                report.sent += 1
                mode = kill_at.get(index) if index not in killed else None
                if mode == IN_FLIGHT:
                    killed.add(index)
                    listener.kill()  # while the message is in flight
                    report.kills += 1
                block = await asyncio.wait_for(reader.readblock(), timeout)
                if mode == ACK_LOST:
                    # Applied and answered, but the ACK is lost with the server: resend.
                    killed.add(index)
                    listener.kill()
                    report.kills += 1
                    raise ConnectionResetError("the ACK was lost")
                report.acks[index] = block.decode("utf-8", "replace")
                index += 1
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            # No ACK for messages[index]: restart the listener and resend it.
            report.resent += 1
            restarting = time.perf_counter()
            listener.stop()
            listener.start()
            report.restart_seconds.append(time.perf_counter() - restarting)
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass
    report.seconds = time.perf_counter() - started
    return report


def run_drill(
    messages: Sequence[str],
    *,
    kill_at: Sequence[int],
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> DrillReport:
    """Stream `messages` to a listener process and kill it at each index of `kill_at`: in
    turn with the message in flight and with its ACK lost; every message is resent until
    acknowledged."""
    modes = {index: (IN_FLIGHT, ACK_LOST)[n % 2] for n, index in enumerate(kill_at)}
    with ListenerProcess(env) as listener:
        return run_sync(_stream(listener, messages, modes, timeout))


def check(controls: Sequence[str], identifiers: Sequence[str]) -> list[str]:
    """What is wrong after a drill (empty: nothing): each control id recorded once and
    applied, no conflict row; each person exactly one episode."""
    from django.db.models import Count

    from episodes.models import Episode
    from interop.models import AdtMessage, MessageStatus

    problems = []
    rows = AdtMessage.objects.filter(control_id__in=controls)
    counted = dict(rows.values("control_id").annotate(n=Count("id")).values_list("control_id", "n"))
    for control in controls:
        if counted.get(control, 0) != 1:
            problems.append(f"{control}: recorded {counted.get(control, 0)} times")
    not_applied = rows.exclude(status=MessageStatus.APPLIED).values_list("control_id", flat=True)
    problems += [f"{control}: not applied" for control in not_applied]
    episodes = dict(
        Episode.objects.filter(individual__identifier__in=identifiers)
        .values("individual__identifier")
        .annotate(n=Count("id"))
        .values_list("individual__identifier", "n")
    )
    for identifier in identifiers:
        if episodes.get(identifier, 0) != 1:
            problems.append(f"a person has {episodes.get(identifier, 0)} episodes, expected 1")
    return problems
