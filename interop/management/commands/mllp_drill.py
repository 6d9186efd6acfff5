"""The kill-mid-stream drill against the database this runs on (use a scratch one):

`manage.py mllp_drill --count 400 --kills 4` starts `mllp_listener` as a child process,
streams N ADT messages (A01 + A08 per fictional person, one at a time waiting for each ACK),
SIGKILLs the listener while a message is in flight `--kills` times (evenly spread), restarts
it, resends what was not acknowledged, then checks that every message is recorded exactly
once and applied and that no episode is duplicated. Exit status 1 when a check fails.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from interop.hl7.drill import check, run_drill
from interop.management.commands.mllp_bench import BENCH_WARD_HSA_ID, _identifiers, _message
from interop.models import AdtMessage
from organisations.models import Lane, Principal, PrincipalKind, Unit, UnitKind


def drill_messages(count: int, ward_hsa: str) -> tuple[list[str], list[str], list[str]]:
    """(messages, their control ids, the people's identity numbers) for `count` messages."""
    run = timezone.now().strftime("%Y%m%d%H%M%S")
    admitted = (timezone.localtime() - dt.timedelta(hours=6)).strftime("%Y%m%d%H%M%S%z")
    estimated = (timezone.localdate() + dt.timedelta(days=4)).strftime("%Y%m%d")
    people = _identifiers((count + 1) // 2)
    messages, controls = [], []
    for index, identifier in enumerate(people):
        visit = f"D{run}-{index}"
        for event, extra, part in (("A01", admitted, 1), ("A08", estimated, 2)):
            control = f"D{run}-{index}-{part}"
            messages.append(_message(event, control, identifier, visit, ward_hsa, extra))
            controls.append(control)
    return messages[:count], controls[:count], people


def ensure_ward(ward_hsa: str) -> Unit:
    unit = Unit.objects.filter(hsa_id=ward_hsa).first()
    if unit is not None:
        return unit
    principal, _ = Principal.objects.get_or_create(
        name="Benchmarkregionen (HL7)", defaults={"kind": PrincipalKind.REGION}
    )
    return Unit.objects.create(
        name="Benchavdelning (HL7)",
        principal=principal,
        lane=Lane.INPATIENT,
        kind=UnitKind.WARD,
        hsa_id=ward_hsa,
    )


class Command(BaseCommand):
    help = "Övning: dödar MLLP-lyssnaren mitt i flödet, startar om och kontrollerar exakt en gång."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=400)
        parser.add_argument("--kills", type=int, default=4)

    def handle(self, *args, **options):
        count, kills = options["count"], options["kills"]
        if count < 2 or kills < 0:
            raise CommandError("--count must be at least 2 and --kills not negative.")
        ensure_ward(BENCH_WARD_HSA_ID)
        messages, controls, people = drill_messages(count, BENCH_WARD_HSA_ID)
        kill_at = [count * (k + 1) // (kills + 1) for k in range(kills)]
        before = AdtMessage.objects.count()
        connection.close()  # the listener processes own the database while the drill runs
        report = run_drill(messages, kill_at=kill_at)
        codes = Counter(ack.split("MSA|")[1][:2] for ack in report.acks)
        problems = check(controls, people[: (count + 1) // 2])
        restarts = report.restart_seconds
        self.stdout.write(
            f"{count} messages, {report.kills} kills (at {kill_at}), {report.resent} resent, "
            f"{report.sent} blocks written in {report.seconds:.1f} s "
            f"({count / report.seconds:.0f} messages/s with the restarts); "
            f"restart {min(restarts, default=0):.1f}–{max(restarts, default=0):.1f} s; "
            f"ACKs {dict(codes)}; rows recorded {AdtMessage.objects.count() - before}"
        )
        if problems:
            for problem in problems[:20]:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} problems")
        self.stdout.write("every message recorded exactly once, no episode duplicated")
