"""Replay N ADT messages through the MLLP listener and print messages per second.

`manage.py mllp_bench --count 10000` starts a listener in this process on a free port (or
sends to `--host`/`--port`), admits N/2 fictional people (A01) and updates each (A08), one
message at a time per connection waiting for each ACK, then resends the first hundred to
check that nothing is applied twice. It writes to the database it runs against: use a
scratch one (e.g. `DATABASE_URL=sqlite:////tmp/bench.sqlite3`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from episodes.models import Episode
from individuals.identifiers import luhn_ok
from individuals.models import Individual
from interop.hl7.client import exchange, run_sync
from interop.hl7.listener import ListenerThread
from organisations.models import Lane, Principal, PrincipalKind, Unit, UnitKind

BENCH_WARD_HSA_ID = "SE-BENCH-HL7-WARD"
OID = "1.2.752.129.2.1.3.1"


def _identifiers(count: int) -> list[str]:
    """`count` fictional test personnummer (serials 980–999) not yet in the register."""
    taken = set(Individual.objects.values_list("identifier", flat=True))
    found: list[str] = []
    day = dt.date(1921, 1, 1)
    while len(found) < count:
        for serial in range(980, 1000):
            nine = f"{day:%y%m%d}{serial:03d}"
            check = next(d for d in range(10) if luhn_ok(f"{nine}{d}"))
            number = f"{day:%Y%m%d}{serial:03d}{check}"
            if number not in taken:
                found.append(number)
        day += dt.timedelta(days=1)
    return found[:count]


def _message(
    event: str,
    control: str,
    identifier: str,
    visit: str,
    ward: str,
    extra: str,
    name: str = "Benchsson^Test",
) -> str:
    pv1 = [""] * 46
    pv1[:4] = ["PV1", "1", "I", f"{ward}^^^BENCH"]
    pv1[19] = visit
    pv1[44] = extra if event == "A01" else ""
    pv2 = f"PV2|||||||||{extra}" if event == "A08" else "PV2|"
    return "\r".join(
        [
            f"MSH|^~\\&|BENCH|SU|SAMSYN|VGR|20261201083000||ADT^{event}^ADT_{event}|{control}|P|2.5",
            f"EVN|{event}|20261201083000",
            f"PID|1||{identifier}^^^&{OID}&ISO||{name}",
            "|".join(pv1),
            pv2,
        ]
    )


class Command(BaseCommand):
    help = "Spelar upp N ADT-meddelanden genom MLLP-lyssnaren och skriver meddelanden/s."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--connections", type=int, default=1)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=0, help="0: a listener in-process")
        parser.add_argument("--ward-hsa-id", default=BENCH_WARD_HSA_ID)

    def handle(self, *args, **options):
        count, connections = options["count"], max(1, options["connections"])
        ward_hsa = options["ward_hsa_id"]
        if not Unit.objects.filter(hsa_id=ward_hsa).exists():
            if ward_hsa != BENCH_WARD_HSA_ID:
                raise CommandError(f"No unit has HSA id {ward_hsa}.")
            principal, _ = Principal.objects.get_or_create(
                name="Benchmarkregionen (HL7)", defaults={"kind": PrincipalKind.REGION}
            )
            Unit.objects.create(
                name="Benchavdelning (HL7)",
                principal=principal,
                lane=Lane.INPATIENT,
                kind=UnitKind.WARD,
                hsa_id=ward_hsa,
            )
        run = timezone.now().strftime("%Y%m%d%H%M%S")
        admitted = timezone.localtime() - dt.timedelta(hours=6)
        admitted_ts = admitted.strftime("%Y%m%d%H%M%S%z")
        estimated = (timezone.localdate() + dt.timedelta(days=4)).strftime("%Y%m%d")
        people = _identifiers((count + 1) // 2)
        messages: list[str] = []
        for index, identifier in enumerate(people):
            visit = f"B{run}-{index}"
            messages.append(
                _message("A01", f"{run}-{index}-1", identifier, visit, ward_hsa, admitted_ts)
            )
            messages.append(
                _message("A08", f"{run}-{index}-2", identifier, visit, ward_hsa, estimated)
            )
        messages = messages[:count]
        # Each person's two messages go over the same connection, in order.
        chunks = [messages[i::connections] for i in range(connections)]
        if connections > 1:
            pairs = [messages[i : i + 2] for i in range(0, len(messages), 2)]
            chunks = [sum(pairs[i::connections], []) for i in range(connections)]
        episodes_before = Episode.objects.count()

        def replay(port: int) -> tuple[float, Counter]:
            async def all_connections():
                return await asyncio.gather(
                    *(exchange(options["host"], port, chunk) for chunk in chunks if chunk)
                )

            started = time.perf_counter()
            results = run_sync(all_connections())
            elapsed = time.perf_counter() - started
            codes = Counter(ack.split("MSA|")[1][:2] for acks in results for ack in acks)
            return elapsed, codes

        if options["port"]:
            elapsed, codes = replay(options["port"])
            resend = run_sync(exchange(options["host"], options["port"], messages[:100]))
        else:
            with ListenerThread(options["host"], 0) as listener:
                elapsed, codes = replay(listener.port)
                resend = run_sync(exchange(options["host"], listener.port, messages[:100]))
        admitted_now = Episode.objects.count() - episodes_before
        self.stdout.write(
            f"{len(messages)} messages over {connections} connection(s) in {elapsed:.1f} s: "
            f"{len(messages) / elapsed:.0f} messages/s; ACKs {dict(codes)}"
        )
        resend_codes = Counter(ack.split("MSA|")[1][:2] for ack in resend)
        self.stdout.write(
            f"episodes created: {admitted_now} (expected {len(people)}); "
            f"resent {len(resend)}: ACKs {dict(resend_codes)}, nothing applied twice: "
            f"{Episode.objects.count() - episodes_before == admitted_now}"
        )
