"""A real SMTP server for the tests (aiosmtpd on loopback), so e-mail goes over the wire.

Use it from an app's `tests/conftest.py`: `from tests.smtp import smtp_server  # noqa: F401`.
The fixture points Django's SMTP backend at the server and yields it; `smtp_server.messages`
holds what arrived, as `email.message.Message` objects.
"""

from __future__ import annotations

import email
import socket
from email.message import Message

import pytest
from aiosmtpd.controller import Controller


class _Collector:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


class SmtpServer:
    def __init__(self, collector: _Collector, port: int) -> None:
        self._collector = collector
        self.port = port

    @property
    def messages(self) -> list[Message]:
        return self._collector.messages

    def bodies(self) -> list[str]:
        return [bytes(m.get_payload(decode=True)).decode() for m in self.messages]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    collector = _Collector()
    port = _free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield SmtpServer(collector, port)
    finally:
        controller.stop()
