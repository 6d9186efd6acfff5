"""Demo data of Min planering, through the portal's own actions.

1. The first individual with a stay and a SIP plan (`seed_sip_demo`) gives a daughter access to
   their planning for six months, and once gave a neighbour access they have taken back.
2. Another individual with an active stay gets a förvaltare, recorded by the needs
   assessor of a unit taking part, with the decision it rests on.
3. The staff reads of those stays that the demo history did not log (the episode page, the
   SIP page) are logged through `audit.log`, so "Vem har läst mina uppgifter" has rows.

Idempotent: a database that already has representations is left as it is. Fictional people
only: the relatives' numbers are test numbers (serial 98/99).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from audit.log import log_access
from episodes.models import Episode, EpisodeState
from identity import demo
from identity.citizen import Citizen
from individuals.identifiers import luhn_ok
from organisations.models import CARE_ROLES, Membership
from portal import actions
from portal.models import Representation, RepresentationKind
from sip.models import Sip, SipState

# The demo's relatives (not in the register of individuals): name, relation, birth date.
DAUGHTER = ("Karin", "dotter", dt.date(1968, 4, 12))
NEIGHBOUR = ("Per Granström", "granne", dt.date(1950, 9, 3))
GUARDIAN = ("Lena Åkesson", "förvaltare", dt.date(1972, 1, 30))


def test_number(birth: dt.date, serial: str = "98") -> str:
    """A Skatteverket-style test number for `birth` (serial 98x: not given to real people)."""
    stem = f"{birth:%Y%m%d}{serial}1"
    for check in range(10):
        if luhn_ok(stem[2:] + str(check)):
            return stem + str(check)
    raise AssertionError("no check digit")


def demo_citizen(individual) -> Citizen:
    return Citizen(
        personal_identity_number=individual.identifier,
        name=individual.full_name,
        assurance="demo",
        method="demo",
        logged_in_at=timezone.now().isoformat(),
    )


def _staff_of(unit_id):
    membership = (
        Membership.objects.filter(unit_id=unit_id, role__in=CARE_ROLES)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


class Command(BaseCommand):
    help = "Create Min planering's demo: relatives' access, a legal representative, log rows."

    @transaction.atomic
    def handle(self, *args, **options):
        if Representation.objects.exists():
            self.stdout.write("Demo för Min planering finns redan.")
            return
        sip = (
            Sip.objects.filter(state=SipState.ACTIVE, episode__isnull=False)
            .select_related("individual", "episode")
            .order_by("started_at")
            .first()
        )
        if sip is None:
            self.stdout.write("Ingen SIP med plan i demon: Min planering-demon hoppas över.")
            return
        individual = sip.individual
        citizen = demo_citizen(individual)
        today = timezone.localdate()
        name, relation, birth = DAUGHTER
        daughter = actions.do_grant_access(
            citizen,
            individual,
            actions.GrantInput(
                identifier=test_number(birth),
                name=f"{name} {individual.family_name}",
                relation=relation,
                valid_to=actions.add_months(today, 6),
            ),
        )
        name, relation, birth = NEIGHBOUR
        neighbour = actions.do_grant_access(
            citizen,
            individual,
            actions.GrantInput(
                identifier=test_number(birth),
                name=name,
                relation=relation,
                valid_to=actions.add_months(today, 1),
            ),
        )
        actions.do_revoke_by_citizen(citizen, neighbour)
        self._log_staff_reads(sip.episode, sip)

        other = (
            Episode.objects.filter(
                state=EpisodeState.ADMITTED, individual__protected_identity=False
            )
            .exclude(individual=individual)
            .select_related("individual")
            .order_by("admitted_at")
            .first()
        )
        guardian = None
        if other is not None:
            assessor = next(
                (
                    user
                    for party in other.parties.filter(removed_at__isnull=True)
                    if (user := _staff_of(party.unit_id)) is not None
                ),
                None,
            )
            if assessor is not None:
                name, _relation, birth = GUARDIAN
                guardian = actions.do_record_legal_representative(
                    assessor,
                    other,
                    actions.LegalInput(
                        identifier=test_number(birth, "99"),
                        name=name,
                        kind=RepresentationKind.FORVALTARE,
                        basis="Tingsrättens beslut 2026-09-14 (påhittat för demon)",
                        valid_from=today,
                        valid_to=actions.add_months(today, 24),
                    ),
                )
        shown = [demo.Persona(individual.identifier, individual.full_name, "den enskilde")]
        shown.append(
            demo.Persona(daughter.representative_identifier, daughter.representative_name, "dotter")
        )
        if guardian is not None:
            shown.append(
                demo.Persona(
                    guardian.representative_identifier, guardian.representative_name, "förvaltare"
                )
            )
        demo.remember_personas(shown)
        self.stdout.write("\nMin planering (Testlegitimation i demon):")
        self.stdout.write(f"  den enskilde  {individual.display_identifier} {individual.full_name}")
        self.stdout.write(
            f"  närstående    {daughter.representative_identifier[:8]}-"
            f"{daughter.representative_identifier[8:]} {daughter.representative_name} (dotter)"
        )
        if guardian is not None:
            self.stdout.write(
                f"  förvaltare    {guardian.representative_identifier[:8]}-"
                f"{guardian.representative_identifier[8:]} {guardian.representative_name}"
            )

    def _log_staff_reads(self, episode, sip) -> None:
        """The episode page and SIP page reads of each party's staff, as the pages log them."""
        for party in episode.parties.filter(removed_at__isnull=True).order_by("id"):
            user = _staff_of(party.unit_id)
            if user is not None:
                log_access(user, "episode.view", episode=episode, unit_id=party.unit_id)
        user = _staff_of(sip.started_unit_id)
        if user is not None:
            log_access(user, "sip.view", episode=episode, unit_id=sip.started_unit_id)
