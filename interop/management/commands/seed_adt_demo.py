"""The demo's ADT feed: a handful of messages from the hospital's record system, applied through
the same intake as the MLLP listener (`interop.hl7.intake.receive`), so the feed page and the
queue show what an integration engineer would see — admissions, an update, a resend answered
with its stored ACK, a message for a ward not yet in the register (queued), a malformed one (AR).
Run by `seed_demo`; fictional test personnummer only."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from interop.hl7.intake import receive
from interop.management.commands.mllp_bench import _identifiers, _message
from interop.models import AdtMessage
from organisations.models import Unit

DEMO_WARD = (
    "Medicinavdelning 1, Sjukhuset Öst"  # the demo nurse's ward: ADT stays on her start page
)
DEMO_WARD_HSA_ID = "SE2321000131-E000000001001"  # fictional, in Inera's shape
UNKNOWN_WARD_HSA_ID = "SE2321000131-E000000009999"  # a ward the register does not have yet


class Command(BaseCommand):
    help = "Skapar demons ADT-flöde (HL7 v2) genom samma mottagning som MLLP-lyssnaren."

    def handle(self, *args, **options):
        if AdtMessage.objects.exists():
            return
        ward = Unit.objects.filter(name=DEMO_WARD).first()
        if ward is None:
            self.stdout.write("ADT-demo: ingen avdelning att koppla, hoppar över.")
            return
        if not ward.hsa_id:
            ward.hsa_id = DEMO_WARD_HSA_ID
            ward.save(update_fields=["hsa_id"])
        now = timezone.localtime()
        admitted = (now - dt.timedelta(hours=5)).strftime("%Y%m%d%H%M%S%z")
        estimated = (timezone.localdate() + dt.timedelta(days=3)).strftime("%Y%m%d")
        first, second, third = _identifiers(3)
        run = now.strftime("%Y%m%d%H%M")
        hsa = ward.hsa_id
        astrid, holger, greta = "Nyberg^Astrid", "Sandberg^Holger", "Åström^Greta"  # invented
        admit_first = _message("A01", f"DEMO-{run}-1", first, f"DV{run}1", hsa, admitted, astrid)
        messages = [
            admit_first,
            _message("A01", f"DEMO-{run}-2", second, f"DV{run}2", hsa, admitted, holger),
            _message("A08", f"DEMO-{run}-3", second, f"DV{run}2", hsa, estimated, holger),
            admit_first,  # the interface engine resent it: the stored ACK, nothing applied twice
            _message(
                "A01", f"DEMO-{run}-4", third, f"DV{run}4", UNKNOWN_WARD_HSA_ID, admitted, greta
            ),
            f"MSH|^~\\&|PAS|SU|SAMSYN|VGR|{now:%Y%m%d%H%M%S}||ADT^A01^ADT_A01|DEMO-{run}-5|P|2.5",
        ]
        answers = [receive(raw).ack_code for raw in messages]
        self.stdout.write(
            f"ADT-flöde: {len(messages)} meddelanden till {ward.name} ({', '.join(answers)})."
        )
