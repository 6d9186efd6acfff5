"""Demo SIPs, played through the real actions (`sip/actions.py`) with a simulated clock.

1. In stays: active Partille stays (the demo logins' units) get a SIP started by the health
   centre, each taken a different distance: need identified, consent, invited, meeting and
   plan, followed up, closed, consent withdrawn.
2. Outside stays: individuals living at home in several areas (Partille and others) get a
   SIP started by a needs assessor, home health care or a health centre, in every state:
   declined, without SIP, invited, a plan with its follow-up ahead, one overdue, one followed
   up, one closed.
3. Compulsory psychiatric care (LPT/LRV): a stay at a psychiatric ward moving to compulsory
   outpatient care, with a coordinated care plan (samordnad vårdplan) led by the psychiatric
   outpatient clinic: invited, the meeting held, the plan written.
4. Requests outside a stay: a care request (vårdbegäran) from a health centre to home health
   care, a SIP request from psychiatric outpatient care to social services, and a citizen's
   "Jag vill ha en SIP"; and the individual's own words ("Det som är viktigt för mig") on one
   SIP, as the citizen portal writes them.

Idempotent: a database that already has SIPs is left as it is. Fictional people only.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.errors import ActionError
from episodes.models import Episode, EpisodeState, Party
from individuals.fictional import FAMILY, GIVEN
from individuals.identifiers import luhn_ok
from individuals.models import Individual
from organisations.models import CARE_ROLES, Area, Membership, Principal, Unit, UnitKind, User
from sip import actions
from sip.models import Consent, MeetingForm, Requester, Sip

# In stays, the most demanding first (they go to the stays quiet longest).
STAY_STAGES = [
    "closed",
    "followed_up",
    "stopped",
    "overdue",
    "planned",
    "invited",
    "consented",
    "identified",
]
OUTSIDE = [
    ("Partille", "needs_assessment", "planned"),
    ("Partille", "home_health_care", "overdue"),
    ("Partille", "health_centre", "invited"),
    ("Partille", "needs_assessment", "declined"),
    ("Partille", "needs_assessment", "closed"),
    ("Centrum", "health_centre", "followed_up"),
    ("Centrum", "needs_assessment", "without_sip"),
    ("Öckerö", "needs_assessment", "planned"),
    ("Öckerö", "home_health_care", "consented"),
]


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()

    @contextmanager
    def at(self, moment: dt.datetime):
        previous, self.now = self.now, moment
        try:
            yield
        finally:
            self.now = previous


def staff_at(unit: Unit) -> User | None:
    """A care user at `unit` (a demo login first, then the unit's demo staff)."""
    membership = (
        Membership.objects.filter(unit=unit, role__in=CARE_ROLES)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


class Command(BaseCommand):
    help = "Create demo SIPs in every state, in stays and outside them, in several areas."

    def handle(self, *args, **options):
        if Sip.objects.exists():
            self.stdout.write("Demo-SIP finns redan.")
            return
        clock = Clock()
        with mock.patch("django.utils.timezone.now", lambda: clock.now), transaction.atomic():
            made = self._in_stays(clock) + self._outside(clock) + self._care_plan(clock)
            requests = self._requests(clock)
        self.stdout.write(f"Skapade {made} SIP och {requests} förfrågningar.")

    # -- in stays ------------------------------------------------------------------------------

    def _in_stays(self, clock: Clock) -> int:
        health_centre = Unit.objects.get(name="Vårdcentralen Partille")
        episodes = list(
            Episode.objects.filter(
                state__in=[EpisodeState.ADMITTED, EpisodeState.READY],
                sip_invited_at__isnull=True,
                id__in=Party.objects.filter(unit=health_centre, removed_at__isnull=True).values(
                    "episode_id"
                ),
            ).order_by("admitted_at")[:200]
        )
        # The stays quiet longest get the stages that need the most days before now.
        quiet = []
        for episode in episodes:
            last = episode.events.order_by("-occurred_at").values_list("occurred_at", flat=True)
            quiet.append((episode, last.first() or episode.admitted_at))
        quiet.sort(key=lambda pair: pair[1])
        made = 0
        for stage, (episode, last_moment) in zip(STAY_STAGES, quiet, strict=False):
            start = max(last_moment, clock.now - dt.timedelta(days=12))
            try:
                self._play(
                    clock,
                    stage,
                    start=start + dt.timedelta(minutes=30),
                    starter=health_centre,
                    episode=episode,
                )
                made += 1
            except ActionError as error:
                self.stderr.write(f"Skipped one demo SIP: {error.message}")
        return made

    # -- outside stays -------------------------------------------------------------------------

    def _outside(self, clock: Clock) -> int:
        made = 0
        numbers = self._identity_numbers(len(OUTSIDE))
        for index, (area_name, kind, stage) in enumerate(OUTSIDE):
            area = Area.objects.select_related("municipality").get(name=area_name)
            unit_kind = {
                "needs_assessment": UnitKind.NEEDS_ASSESSMENT,
                "home_health_care": UnitKind.HOME_HEALTH_CARE,
                "health_centre": UnitKind.HEALTH_CENTRE,
            }[kind]
            starter = Unit.objects.filter(area=area, kind=unit_kind).order_by("name").first()
            if starter is None:
                continue
            individual = Individual.objects.create(
                identifier=numbers[index],
                identifier_kind="personnummer",
                birth_date=dt.date(
                    int(numbers[index][:4]), int(numbers[index][4:6]), int(numbers[index][6:8])
                ),
                given_name=GIVEN[(index * 7) % len(GIVEN)],
                family_name=FAMILY[(index * 5 + 3) % len(FAMILY)],
                address=f"Hemvägen {index + 2}",
                city=area_name,
                municipality=area.municipality,
                residence_area=area,
                listed_unit=Unit.objects.filter(area=area, kind=UnitKind.HEALTH_CENTRE).first(),
            )
            start = clock.now - dt.timedelta(days=20 - index)
            try:
                self._play(clock, stage, start=start, starter=starter, individual=individual)
                made += 1
            except ActionError as error:
                self.stderr.write(f"Skipped one demo SIP: {error.message}")
        return made

    # -- compulsory care: the coordinated care plan -------------------------------------------

    def _care_plan(self, clock: Clock) -> int:
        from episodes.actions import AdmissionInput, do_admit

        clinic = Unit.objects.filter(kind=UnitKind.PSYCHIATRIC_OUTPATIENT).order_by("name").first()
        # A psychiatric ward when the register has one (the full register), else a ward.
        wards = sorted(
            Unit.objects.filter(kind=UnitKind.WARD, is_active=True),
            key=lambda w: (not w.name.startswith("Psykiatri"), w.name),
        )
        ward = next((w for w in wards if staff_at(w) is not None), None)
        if clinic is None or ward is None or clinic.area is None:
            return 0
        social = Unit.objects.filter(area=clinic.area, kind=UnitKind.NEEDS_ASSESSMENT).first()
        ward_user, clinic_user = staff_at(ward), staff_at(clinic)
        if ward_user is None or clinic_user is None or social is None:
            return 0
        number = self._identity_numbers(len(OUTSIDE) + 1)[-1]
        start = clock.now - dt.timedelta(days=8)
        try:
            with clock.at(start):
                episode = do_admit(
                    ward_user,
                    ward,
                    AdmissionInput(
                        identifier=number,
                        given_name="Tove",
                        family_name="Lindqvist",
                        admitted_at=start,
                        may_need_help=True,
                        estimated_discharge_date=timezone.localdate(start) + dt.timedelta(days=14),
                        is_compulsory_care=True,
                        concerned_units=[clinic, social],
                        send_admission_notice=True,
                        individual_defaults={
                            "municipality": clinic.area.municipality,
                            "residence_area": clinic.area,
                        },
                    ),
                )
            t = start + dt.timedelta(days=1)
            with clock.at(t):
                plan = actions.do_start_sip(
                    clinic_user,
                    episode=episode,
                    note="Övergång till öppen psykiatrisk tvångsvård (LPT) planeras.",
                    acting_unit=clinic,
                )
                meeting_at = t + dt.timedelta(days=2)
                actions.do_invite(
                    clinic_user,
                    plan,
                    actions.InvitationInput(
                        units=[social, ward],
                        meeting_form=MeetingForm.IN_PERSON,
                        meeting_at=meeting_at,
                        place=f"{ward.name}, konferensrummet",
                    ),
                    acting_unit=clinic,
                )
            with clock.at(meeting_at + dt.timedelta(hours=1)):
                actions.do_record_meeting(
                    clinic_user, plan, list(plan.participants.all()), acting_unit=clinic
                )
                region = clinic.principal
                actions.do_save_plan(
                    clinic_user,
                    plan,
                    actions.PlanInput(
                        what_matters="Att få bo i min lägenhet och träffa min syster.",
                        needs="Regelbunden kontakt med psykiatrin, stöd i vardagen.",
                        goals="Stabil vardag utan ny inläggning.",
                        actions=[
                            actions.ActionInput(
                                description="Öppen psykiatrisk tvångsvård: besök varje vecka "
                                "och läkemedel enligt villkoren i förvaltningsrättens beslut",
                                principal=region,
                                unit=clinic,
                            ),
                            actions.ActionInput(
                                description="Boendestöd två gånger i veckan",
                                principal=social.principal,
                                unit=social,
                            ),
                        ],
                        lead_principal=region,
                        follow_up_date=timezone.localdate(meeting_at) + dt.timedelta(days=21),
                        individual_part="Kommer till mottagningen på tisdagar.",
                    ),
                    base_version=0,
                    acting_unit=clinic,
                )
        except ActionError as error:
            self.stderr.write(f"Skipped the demo care plan: {error.message}")
            return 0
        return 1

    # -- requests outside a stay, and the individual's own words -------------------------------

    def _requests(self, clock: Clock) -> int:
        from sip import citizen, inbox

        made = 0
        partille = Area.objects.filter(name="Partille").first()
        people = list(
            Individual.objects.filter(residence_area=partille, sips__isnull=True).order_by(
                "family_name", "given_name"
            )[:3]
        )
        health_centre = Unit.objects.filter(name="Vårdcentralen Partille").first()
        home_care = Unit.objects.filter(name="Hemsjukvård Partille").first()
        clinic = Unit.objects.filter(kind=UnitKind.PSYCHIATRIC_OUTPATIENT).order_by("name").first()
        social = Unit.objects.filter(name="Biståndshandläggning Partille").first()
        gp = staff_at(health_centre) if health_centre else None
        psychiatry = staff_at(clinic) if clinic else None
        try:
            if len(people) >= 1 and home_care and gp is not None:
                with clock.at(clock.now - dt.timedelta(days=1)):
                    inbox.do_send_request(
                        gp,
                        kind="care",
                        individual=people[0],
                        to_units=[home_care],
                        text="Såromläggning på underbenet tre gånger i veckan, från måndag.",
                        acting_unit=health_centre,
                    )
                made += 1
            if len(people) >= 2 and social and psychiatry is not None:
                with clock.at(clock.now - dt.timedelta(hours=5)):
                    inbox.do_send_request(
                        psychiatry,
                        kind="sip",
                        individual=people[1],
                        to_units=[social],
                        text="Behöver samordning mellan psykiatrin och socialtjänsten: "
                        "boendestöd och sysselsättning.",
                        acting_unit=clinic,
                    )
                made += 1
            if len(people) >= 3:
                citizen.request_sip(
                    citizen_identifier=people[2].identifier,
                    citizen_name=people[2].full_name,
                    as_representative=False,
                    text="Jag vill att vårdcentralen och hemtjänsten pratar med varandra.",
                )
                made += 1
            planned = (
                Sip.objects.filter(episode__isnull=True, state="active", kind="sip")
                .order_by("started_at")
                .first()
            )
            if planned is not None:
                citizen.record_own_words(
                    planned.public_id,
                    citizen_identifier=planned.individual.identifier,
                    citizen_name=planned.individual.full_name,
                    as_representative=False,
                    text="Att jag får fortsätta sjunga i kören på torsdagar, och att ni ringer "
                    "innan ni kommer.",
                )
        except ActionError as error:
            self.stderr.write(f"Skipped a demo request: {error.message}")
        return made

    def _identity_numbers(self, count: int) -> list[str]:
        numbers: list[str] = []
        serial = 9870
        while len(numbers) < count:
            serial += 1
            stem = f"19{40 + len(numbers)}0{(len(numbers) % 9) + 1}15{serial % 1000:03d}"
            for check in range(10):
                if (
                    luhn_ok(stem[2:] + str(check))
                    and not Individual.objects.filter(identifier=stem + str(check)).exists()
                ):
                    numbers.append(stem + str(check))
                    break
        return numbers

    # -- one SIP -------------------------------------------------------------------------------

    def _play(
        self,
        clock: Clock,
        stage: str,
        *,
        start: dt.datetime,
        starter: Unit,
        episode: Episode | None = None,
        individual: Individual | None = None,
    ) -> None:
        user = staff_at(starter)
        if user is None:
            return
        t = start
        with clock.at(t):
            sip = actions.do_start_sip(
                user,
                episode=episode,
                individual=individual,
                requested_by=Requester.UNIT if episode else Requester.INDIVIDUAL,
                note="Behöver insatser från både kommun och region.",
                acting_unit=starter,
            )
        if stage == "identified":
            return
        consent = {"declined": Consent.DECLINED, "without_sip": Consent.NOBODY}.get(
            stage, Consent.INDIVIDUAL
        )
        t += dt.timedelta(hours=2)
        with clock.at(t):
            actions.do_record_consent(
                user,
                sip,
                consent,
                scope="SIP och informationsdelning",
                relatives_may_take_part=True,
                acting_unit=starter,
            )
        if stage in ("consented", "declined", "without_sip"):
            return
        other = self._other_principal_units(sip, starter)
        t += dt.timedelta(hours=2)
        meeting_at = t + dt.timedelta(days=2)
        with clock.at(t):
            actions.do_invite(
                user,
                sip,
                actions.InvitationInput(
                    units=other,
                    meeting_form=MeetingForm.IN_PERSON if len(other) > 1 else MeetingForm.VIDEO,
                    meeting_at=meeting_at,
                    place=f"{starter.name}, samtalsrummet",
                    relatives=["Närstående (dotter)"],
                ),
                acting_unit=starter,
            )
        if stage == "invited" or meeting_at + dt.timedelta(hours=1) > timezone.now():
            return
        t = meeting_at + dt.timedelta(hours=1)
        with clock.at(t):
            actions.do_record_meeting(user, sip, list(sip.participants.all()), acting_unit=starter)
            follow_up = timezone.localdate(t) + dt.timedelta(days=2 if stage == "overdue" else 30)
            if stage in ("followed_up", "closed"):
                follow_up = timezone.localdate(t) + dt.timedelta(days=3)
            actions.do_save_plan(
                user,
                sip,
                self._plan(sip, starter, other, follow_up),
                base_version=0,
                acting_unit=starter,
            )
        if stage in ("planned", "overdue"):
            return
        if stage == "stopped":
            with clock.at(t + dt.timedelta(days=1)):
                actions.do_withdraw_consent(
                    user, sip, "Vill inte längre ha SIP.", acting_unit=starter
                )
            return
        t = timezone.make_aware(dt.datetime.combine(follow_up, dt.time(10)))
        if t > timezone.now():
            return
        sip.refresh_from_db()
        keys = [str(a.key) for a in sip.versions.get(number=1).actions.all()]
        with clock.at(t):
            actions.do_follow_up(
                user,
                sip,
                {keys[0]: "done"} if keys else {},
                base_version=1,
                next_date=None
                if stage == "closed"
                else timezone.localdate(t) + dt.timedelta(days=60),
                close_reason="goals_met" if stage == "closed" else "",
                note="Uppföljning på mötet.",
                acting_unit=starter,
            )

    def _other_principal_units(self, sip: Sip, starter: Unit) -> list[Unit]:
        area = sip.individual.residence_area
        kinds = [UnitKind.NEEDS_ASSESSMENT, UnitKind.HOME_HEALTH_CARE, UnitKind.HEALTH_CENTRE]
        units = []
        for kind in kinds:
            unit = (
                Unit.objects.filter(area=area, kind=kind)
                .exclude(pk=starter.pk)
                .order_by("name")
                .first()
            )
            if unit is not None:
                units.append(unit)
        return units

    def _plan(self, sip: Sip, starter: Unit, others: list[Unit], follow_up: dt.date):
        region = Principal.objects.get(kind="region")
        municipal = [u for u in [starter, *others] if u.principal_id != region.pk]
        municipality = municipal[0].principal if municipal else None
        health_centre = next(
            (u for u in [starter, *others] if u.kind == UnitKind.HEALTH_CENTRE), None
        )
        home_care = next(
            (u for u in [starter, *others] if u.kind == UnitKind.HOME_HEALTH_CARE), None
        )
        plan_actions = [
            actions.ActionInput(
                description="Läkemedelsgenomgång",
                principal=region,
                unit=health_centre,
                start=follow_up - dt.timedelta(days=1),
            ),
        ]
        if municipality is not None:
            plan_actions.append(
                actions.ActionInput(
                    description="Hemtjänst morgon och kväll",
                    principal=municipality,
                    start=follow_up - dt.timedelta(days=1),
                )
            )
        if home_care is not None and municipality is not None:
            plan_actions.append(
                actions.ActionInput(
                    description="Hemsjukvård: dosett och såromläggning",
                    principal=municipality,
                    unit=home_care,
                )
            )
        lead = starter.principal
        return actions.PlanInput(
            what_matters="Att få bo kvar hemma och klara frukosten själv.",
            needs="Stöd med läkemedel, hygien och inköp.",
            goals="Känna sig trygg hemma; inga nya sjukhusbesök.",
            actions=plan_actions,
            lead_principal=lead,
            follow_up_date=follow_up,
            individual_part="Går en promenad varje dag. Dottern handlar på lördagar.",
            self_care=(
                "Blodtrycksmätning varje morgon (bedömd av vårdcentralen), den enskilde själv."
            ),
            contacts=[
                actions.ContactInput(
                    unit=starter, name=f"Kontaktperson, {starter.name}", phone="031-123 45 67"
                )
            ],
        )
