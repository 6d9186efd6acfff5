"""Serve HL7 v2 ADT over MLLP: `manage.py mllp_listener --host 127.0.0.1 --port 2575`."""

from __future__ import annotations

import asyncio
import ssl

from django.core.management.base import BaseCommand

from interop.hl7.listener import Listener


class Command(BaseCommand):
    help = "Tar emot HL7 v2 ADT över MLLP (TCP), med kvittens (ACK) per meddelande."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2575)
        parser.add_argument("--max-bytes", type=int, default=None)
        parser.add_argument("--read-timeout", type=float, default=None)
        parser.add_argument("--tls-cert", default="", help="PEM certificate (TLS optional)")
        parser.add_argument("--tls-key", default="")

    def handle(self, *args, **options):
        tls = None
        if options["tls_cert"]:
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.load_cert_chain(options["tls_cert"], options["tls_key"] or None)
        listener = Listener(
            options["host"],
            options["port"],
            max_bytes=options["max_bytes"],
            read_timeout=options["read_timeout"],
            tls=tls,
        )

        async def run():
            await listener.start()
            self.stdout.write(f"MLLP listener on {listener.host}:{listener.port}")
            self.stdout.flush()
            try:
                assert listener.server is not None
                await listener.server.serve_forever()
            finally:
                await listener.stop()

        try:
            asyncio.run(run())
        except KeyboardInterrupt:
            pass
