"""Demo data for deviations in collaboration, on top of `seed_demo`'s episodes.

1. Creates the demo deviation contacts: one for the region (at Medicinavdelning 1, Sjukhuset
   Öst, covering every regional unit without a contact of its own), the MAS of Partille kommun
   and of Göteborgs stad.
2. Runs the sweeper, then sends some of the missed deadlines it found as deviations, dismisses
   some with a reason and leaves the rest as drafts.
3. Reports deviations about the demo episodes through the real actions, with a simulated clock,
   across the categories and areas, and takes each one to a state: reported (some with missed
   deadlines), acknowledged, a question to the reporter, answered, sent back, closed.

Idempotent: a database that already has deviations is left as it is. Fictional text only.
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from unittest import mock

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from core.errors import ActionError
from deviations import actions
from deviations.access import contacts_for
from deviations.candidates import drafts_for_user
from deviations.configuration import CATEGORIES
from deviations.models import Deviation
from episodes.models import Episode, Party
from organisations.models import CARE_ROLES, Lane, Membership, Role, Unit, User
from process.models import DeviationCandidate
from process.sweeper import sweep

DEMO_PASSWORD = "samsyn-demo"

# username, first, last, title, unit, e-mail
CONTACTS = [
    (
        "avvikelse_region",
        "Birgitta",
        "Holm",
        "Avvikelsesamordnare, Västra Götalandsregionen",
        "Medicinavdelning 1, Sjukhuset Öst",
        "avvikelse.region@example.org",
    ),
    (
        "mas_partille",
        "Sofia",
        "Lund",
        "Medicinskt ansvarig sjuksköterska (MAS), Partille kommun",
        "Hemsjukvård Partille",
        "mas.partille@example.org",
    ),
    (
        "mas_goteborg",
        "Anders",
        "Wik",
        "Medicinskt ansvarig sjuksköterska (MAS), Göteborgs stad",
        "Hemsjukvård Centrum",
        "mas.goteborg@example.org",
    ),
]

WHAT = {
    "admission_notice": "Inskrivningsmeddelandet kom först dagen före planerad utskrivning.",
    "planning_not_started": "Ingen planering var påbörjad när utskrivningsklar meddelades.",
    "ready_not_ready": "Utskrivningsklar meddelades, men den enskilde hade feber och nytt dropp.",
    "ready_revoked_late": "Utskrivningsklar återkallades samma dag som hemgången var planerad.",
    "care_contact_missing": "Ingen fast vårdkontakt var utsedd vid utskrivningen.",
    "sip_late": "Kallelsen till SIP kom sju dagar efter utskrivningsklar.",
    "information_transfer": "Informationsöverföringen saknade omvårdnadsepikris.",
    "medication_list": "Den enskilde kom hem utan aktuell läkemedelslista.",
    "aids_missing": "Rullator och toalettförhöjning fanns inte på plats vid hemkomsten.",
    "unagreed_discharge_time": "Hemgång kl 21 på en fredag, trots överenskommelse om dagtid.",
    "other": "Telefonnumret till avdelningen i meddelandet gick inte fram.",
}
CONSEQUENCE = "Hemsjukvården fick ringa runt; den enskilde blev orolig och fick vänta."
CAUSES = [
    "Rutinen för inskrivningsmeddelande följdes inte vid hög beläggning.",
    "Ny personal kände inte till den gemensamma rutinen.",
    "Meddelandet skickades till fel enhet i registret.",
    "Checklistan vid utskrivning användes inte under helgen.",
]
MEASURES = [
    "Rutinen tas upp på nästa APT; checklistan sätts upp i expeditionen.",
    "Enhetens uppgifter i registret är rättade.",
    "Vi inför dubbelkontroll av läkemedelslistan före hemgång.",
    "Frågan lyfts i NOSAM-gruppen som en brist i samverkansrutinen.",
]
# The state each demo deviation is taken to, in turn (every state, several times).
PLAN = [
    "reported",
    "reported_late",
    "acknowledged",
    "question",
    "answered",
    "sent_back",
    "closed",
    "closed",
    "closed_systemic",
]


class SimulatedClock:
    def __init__(self) -> None:
        self.now = timezone.now()

    @contextmanager
    def at(self, moment: dt.datetime):
        previous, self.now = self.now, moment
        try:
            yield
        finally:
            self.now = previous


class Command(BaseCommand):
    help = "Create demo deviations in every state, across categories and areas."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=36)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if Deviation.objects.exists():
            self.stdout.write("Avvikelsedemo finns redan.")
            return
        if not Episode.objects.exists():
            self.stdout.write("Inga vårdtillfällen: kör seed_demo först.")
            return
        # The demo's history is not news: its e-mail goes nowhere (locmem), not to the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._seed(options["count"], random.Random(options["seed"]))
        for username, first, last, title, unit, _email in CONTACTS:
            self.stdout.write(f"  {username:<16} {first} {last} – {title}, {unit}")

    @transaction.atomic
    def _seed(self, count: int, rng: random.Random) -> None:
        contacts = self._contacts()
        sweep()
        made = self._from_candidates(contacts, rng)
        clock = SimulatedClock()
        with mock.patch("django.utils.timezone.now", lambda: clock.now):
            made += self._reports(clock, count, rng)
        self.stdout.write(
            f"Skapade {Deviation.objects.count()} avvikelser ({made} via åtgärderna). "
            f"Avvikelsekontakter (lösenord {DEMO_PASSWORD}):"
        )

    def _contacts(self) -> list[User]:
        users = []
        for username, first, last, title, unit_name, email in CONTACTS:
            unit = Unit.objects.filter(name=unit_name).first()
            if unit is None:
                continue
            user, created = User.objects.get_or_create(
                username=username,
                defaults=dict(first_name=first, last_name=last, title=title, email=email),
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, unit=unit, role=Role.DEVIATION_CONTACT)
            users.append(user)
        return users

    def _from_candidates(self, contacts: list[User], rng: random.Random) -> int:
        """Send a third of each contact's drafts, dismiss a third, leave the rest as drafts."""
        made = 0
        for contact in contacts:
            for index, draft in enumerate(drafts_for_user(contact, limit=40)):
                candidate = DeviationCandidate.objects.get(pk=draft.candidate.pk)
                try:
                    if index % 3 == 0 and draft.reporting_units:
                        actions.do_send_candidate(
                            contact,
                            candidate,
                            reporting_unit=draft.reporting_units[0],
                            category_key=draft.category_key,
                            what_happened=draft.what_happened,
                        )
                        made += 1
                    elif index % 3 == 1:
                        actions.do_dismiss_candidate(
                            contact,
                            candidate,
                            "Meddelandet kom per telefon i tid; registrerades sent i Samsyn.",
                        )
                except ActionError as error:
                    self.stderr.write(f"Utkast hoppades över: {error.message}")
        return made

    def _reporter(self, unit: Unit) -> User | None:
        membership = (
            Membership.objects.filter(unit=unit, role__in=CARE_ROLES)
            .select_related("user")
            .order_by("id")
            .first()
        )
        return membership.user if membership else None

    def _reports(self, clock: SimulatedClock, count: int, rng: random.Random) -> int:
        now = timezone.now()
        episodes = list(
            Episode.objects.filter(admitted_at__lt=now - dt.timedelta(days=3))
            .select_related("ward", "individual")
            .order_by("admitted_at")
        )
        rng.shuffle(episodes)
        made = 0
        categories = [key for key, _label in CATEGORIES]
        for episode in episodes:
            if made >= count:
                break
            parties = list(
                Party.objects.filter(episode=episode, removed_at__isnull=True).select_related(
                    "unit__principal"
                )
            )
            municipal = [
                p.unit
                for p in parties
                if p.unit.lane in (Lane.MUNICIPAL_HEALTH_CARE, Lane.SOCIAL_SERVICES)
                and contacts_for(p.unit)
            ]
            if not municipal:
                continue
            # Mostly the municipality about the ward; every third the other way round.
            if made % 3 == 2:
                reporting, receiving = episode.ward, rng.choice(municipal)
            else:
                reporting, receiving = rng.choice(municipal), episode.ward
            reporter = self._reporter(reporting)
            if reporter is None or not contacts_for(receiving):
                continue
            category = categories[made % len(categories)]
            reported_at = min(
                episode.admitted_at + dt.timedelta(hours=rng.uniform(20, 24 * 6)),
                now - dt.timedelta(hours=2),
            )
            try:
                self._play(
                    clock,
                    rng,
                    episode,
                    reporter,
                    reporting,
                    receiving,
                    category,
                    reported_at,
                    PLAN[made % len(PLAN)],
                    now,
                )
                made += 1
            except ActionError as error:
                self.stderr.write(f"Avvikelse hoppades över: {error.message}")
        return made

    def _play(self, clock, rng, episode, reporter, reporting, receiving, category, at, plan, now):
        def step(hours: float) -> bool:
            nonlocal at
            at = at + dt.timedelta(hours=hours)
            return at < now

        with clock.at(at):
            deviation = actions.do_report(
                reporter,
                episode,
                reporting_unit=reporting,
                receiving_unit=receiving,
                category_key=category,
                event_date=timezone.localdate(at),
                what_happened=WHAT[category],
                consequence=CONSEQUENCE if rng.random() < 0.7 else "",
            ).deviation
        if plan in ("reported", "reported_late"):
            return
        contact = contacts_for(receiving)[0]
        # A late one now and then: acknowledged after the two working days.
        if not step(rng.uniform(2, 30) if rng.random() < 0.8 else rng.uniform(80, 120)):
            return
        with clock.at(at):
            actions.do_acknowledge(contact, deviation)
        if plan == "acknowledged":
            return
        if plan == "question":
            if step(rng.uniform(2, 24)):
                with clock.at(at):
                    actions.do_ask_question(contact, deviation, "Vilken tid kom den enskilde hem?")
            return
        if not step(rng.uniform(24, 24 * 12)):
            return
        with clock.at(at):
            actions.do_answer(
                contact,
                deviation,
                cause=rng.choice(CAUSES),
                measures=rng.choice(MEASURES),
                systemic=plan == "closed_systemic" or rng.random() < 0.3,
            )
        if plan == "answered":
            return
        if plan == "sent_back":
            if step(rng.uniform(4, 48)):
                with clock.at(at):
                    actions.do_send_back(
                        reporter, deviation, "Svaret beskriver inte vad som görs under helger."
                    )
            return
        if step(rng.uniform(4, 72)):
            with clock.at(at):
                actions.do_close(reporter, deviation)
