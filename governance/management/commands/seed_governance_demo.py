"""Demo governance: the collaboration structure of the 2026 presentation, two action plans
taken from the seeds (NOSAM Psykiatri's plan of 2022, carried into this year with live
metrics, and the development group's plan of 2020), and a few governing documents.

No personal names from the seeds: members are functions. Idempotent: does nothing when the
steering group exists. Runs through `governance.actions` like a user would.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from governance import actions
from governance.actions import ActivityInput as A
from governance.actions import FocusAreaInput, MetricInput, PlanInput, SubGoalInput
from governance.models import ActionPlan, EventKind, Group, GroupKind, GroupRole
from organisations.models import Area, Principal, Unit, User


class Command(BaseCommand):
    help = "Skapar demodata för styrning: samverkansstrukturen, handlingsplaner och dokument."

    def handle(self, *args, **options):
        if Group.objects.filter(name="Styrgrupp för samverkan").exists():
            self.stdout.write("Demodata för styrning finns redan.")
            return
        admin = User.objects.filter(is_superuser=True).order_by("id").first()
        if admin is None:
            self.stdout.write("Ingen administratör: kör seed_demo först.")
            return
        groups = self._structure(admin)
        self._plans(admin, groups)
        self._documents(admin, groups)
        self._assignment(admin, groups)
        self._live_metrics(admin, groups)
        self._events(admin, groups)
        self._annual_report(admin)
        self.stdout.write("Demodata för styrning skapad.")

    def _structure(self, admin: User) -> dict[str, Group]:
        def group(name, kind, parent=None, area=None):
            return actions.do_create_group(admin, name=name, kind=kind, parent=parent, area=area)

        political = group("Politiskt samråd", GroupKind.POLITICAL)
        lgs = group("Ledningsgrupp för samverkan (LGS)", GroupKind.LGS, political)
        steering = group("Styrgrupp för samverkan", GroupKind.STEERING_GROUP, lgs)
        group("Samverkanskontoret", GroupKind.COLLABORATION_OFFICE, steering)
        themes = {
            name: group(f"Temagrupp {name}", GroupKind.THEME_GROUP, steering)
            for name in ("Barn och unga", "Rehabilitering och habilitering", "Psykiatri", "Äldre")
        }
        result = {"steering": steering, **themes}
        for area in Area.objects.order_by("name"):
            result[f"NOSAM {area.name}"] = group(
                f"NOSAM {area.name}", GroupKind.NOSAM, themes["Äldre"], area
            )
        result["NOSAM Psykiatri Östra Göteborg"] = group(
            "NOSAM Psykiatri Östra Göteborg",
            GroupKind.NOSAM,
            themes["Psykiatri"],
            Area.objects.filter(name="Östra Göteborg").first(),
        )
        result["UG"] = group(
            "Utvecklingsgrupp Samverkan vid in- och utskrivning",
            GroupKind.DEVELOPMENT_GROUP,
            steering,
        )
        leader = User.objects.filter(username="processledare").first()
        region = Principal.objects.filter(kind="region").first()
        goteborg = Principal.objects.filter(name="Göteborgs stad").first()
        for name in ("Psykiatri", "Äldre"):
            actions.do_add_member(
                admin,
                themes[name],
                user=leader,
                title="Processledare",
                organisation=goteborg,
                role=GroupRole.PROCESS_LEADER,
                mandate="Leder gruppens arbete och handlingsplan",
            )
            actions.do_add_member(
                admin,
                themes[name],
                title="Verksamhetschef, sjukhusets psykiatri"
                if name == "Psykiatri"
                else "Verksamhetschef, geriatrik",
                organisation=region,
                role=GroupRole.PROCESS_OWNER,
                mandate="Beslutar för sin huvudman i gruppens frågor",
            )
        for key in ("NOSAM Psykiatri Östra Göteborg", "UG", "NOSAM Partille"):
            actions.do_add_member(
                admin,
                result[key],
                user=leader,
                title="Processledare",
                organisation=goteborg,
                role=GroupRole.PROCESS_LEADER,
            )
            actions.do_add_member(
                admin,
                result[key],
                title="Enhetschef hemsjukvård",
                organisation=goteborg,
                role=GroupRole.AMBASSADOR,
                mandate="Samverkansambassadör för sin enhet",
            )
        return result

    def _plans(self, admin: User, groups: dict[str, Group]) -> None:
        year = timezone.localdate().year
        actions.do_create_plan(
            admin,
            groups["NOSAM Psykiatri Östra Göteborg"],
            PlanInput(
                title=f"Handlingsplan {year} NOSAM Psykiatri Östra Göteborg",
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                purpose="Utjämna skillnader i hälsa: utveckla samordnad vård, tandvård, stöd och "
                "omsorg för individen.",
                target_group="Vuxna personer med psykisk ohälsa eller sjukdom, som har behov av "
                "insatser från två eller flera huvudmän, även personer med substansbruk.",
                goal="God kännedom om och följsamhet till överenskommelser, avtal och riktlinjer "
                "framtagna för samverkan i Göteborgsområdet.",
                basis="Den överenskomna Basnivå i samverkan i Göteborgsområdet.",
                focus_areas=[
                    FocusAreaInput(
                        "In- och utskrivningsprocessen",
                        [
                            SubGoalInput(
                                "Alla patienter som skrivs ut från slutenvården har en planering.",
                                communication_plan="En–två gånger per år som punkt på agendan "
                                "för fördjupad diskussion per huvudman.",
                                activities=[
                                    A(
                                        "Gå igenom avvikelser, stäm av med PSYKSAM.",
                                        responsible_role="NOSAM Psykiatris representanter",
                                    ),
                                    A(
                                        "Skicka medarbetare på utbildningen Basnivå i samverkan.",
                                        responsible_role="Enhetschefer",
                                    ),
                                ],
                                metrics=[
                                    MetricInput(
                                        "live", "admission_notice_on_time", None, target=90
                                    ),
                                    MetricInput("live", "ready_days_vgr", None, target=3),
                                    MetricInput(
                                        "manual",
                                        name="Deltagare på Basnivå i samverkan",
                                        unit="count",
                                        target=40,
                                    ),
                                ],
                            )
                        ],
                    ),
                    FocusAreaInput(
                        "Tidiga samordnade insatser för att främja hälsa och förebygga ohälsa",
                        [
                            SubGoalInput(
                                "Integrera den enskildes perspektiv i samverkan mellan huvudmän.",
                                activities=[
                                    A(
                                        "Ta del av statistik, rapporter och analyser om "
                                        "brukarmedverkan.",
                                        responsible_role="Processledare",
                                    )
                                ],
                                metrics=[MetricInput("live", "sip_offered", None, target=80)],
                            )
                        ],
                    ),
                    FocusAreaInput(
                        "Fysisk hälsa vid psykisk ohälsa/sjukdom",
                        [
                            SubGoalInput(
                                "Medarbetare får ökad kunskap om fysisk hälsa vid psykisk ohälsa.",
                                activities=[
                                    A(
                                        "Hälsosamtal om kost, motion och sömn.",
                                        responsible_role="Öppenvård i samverkan med boenden",
                                    ),
                                    A(
                                        "Ta reda på mer om webbutbildningen i tandhälsa.",
                                        responsible_role="Nätverket för fysisk hälsa",
                                    ),
                                ],
                                metrics=[
                                    MetricInput(
                                        "manual",
                                        name="Gått webbutbildningen i tandhälsa",
                                        unit="count",
                                    )
                                ],
                            )
                        ],
                    ),
                ],
            ),
        )
        actions.do_create_plan(
            admin,
            groups["UG"],
            PlanInput(
                title="Handlingsplan 2020 Utvecklingsgrupp Samverkan vid in- och utskrivning",
                period_start=dt.date(2020, 1, 1),
                period_end=dt.date(2020, 12, 31),
                follow_ups_per_year=1,
                purpose="Att patientens övergång från slutenvård till öppenvård ska vara trygg "
                "och säker med den enskildes behov, inflytande och självbestämmande som "
                "utgångspunkt.",
                goal="Att hålla ihop arbetet i samverkan vid in- och utskrivning för en effektiv "
                "informationsprocess och ett rationellt nyttjande av gemensamma resurser.",
                target_group="Personer i alla åldrar som efter utskrivning behöver insatser "
                "från socialtjänsten, kommunal hälso- och sjukvård eller regionens öppna vård.",
                focus_areas=[
                    FocusAreaInput(
                        "In- och utskrivning från slutenvård oavsett målgrupp",
                        [
                            SubGoalInput(
                                "Samtliga individer med samordnade insatser erbjuds en SIP vid "
                                "utskrivning, enligt rutin.",
                                result="Samverkansdialog pausad till 2021.",
                                activities=[
                                    A(
                                        "Ta fram en delregional rutin för arbetssättet.",
                                        responsible_role="Delregional samordnare",
                                    ),
                                    A("Ny samverkansdialog våren 2020.", responsible_role="UG"),
                                ],
                                metrics=[MetricInput("live", "sip_offered", {}, target=100)],
                            ),
                            SubGoalInput(
                                "Den enskilde är delaktig i sin egen vårdprocess.",
                                result="Implementerat under 2020.",
                                activities=[
                                    A(
                                        "Kartlägga informationsmaterialet till patienter och "
                                        "närstående.",
                                        responsible_role="Delregional samordnare",
                                    )
                                ],
                            ),
                        ],
                    )
                ],
            ),
        )

    def _documents(self, admin: User, groups: dict[str, Group]) -> None:
        old = actions.do_register_document(
            admin,
            actions.DocumentInput(
                title="Riktlinje för samverkan vid in- och utskrivning",
                kind="guideline",
                version="2019",
                valid_from=dt.date(2019, 1, 1),
                owner_group=groups["steering"],
                activity_keys=["SV-01"],
                summary="Inskrivningsmeddelande, planering och utskrivning i samverkan.",
                contact="Samverkanskontoret",
            ),
        )
        actions.do_register_document(
            admin,
            actions.DocumentInput(
                title="Riktlinje för samverkan vid in- och utskrivning",
                kind="guideline",
                version="2024",
                valid_from=dt.date(2024, 1, 1),
                next_review=dt.date(timezone.localdate().year + 1, 1, 1),
                owner_group=groups["steering"],
                activity_keys=["SV-01"],
                lanes=["inpatient", "regional_primary_care", "municipal_health_care"],
                summary="Inskrivningsmeddelande inom 24 timmar, planering och utskrivning i "
                "samverkan enligt lagen om samverkan vid utskrivning (2017:612).",
                contact="Samverkanskontoret",
                replaces=old,
            ),
        )
        actions.do_register_document(
            admin,
            actions.DocumentInput(
                title="Lag (2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård",
                kind="law",
                valid_from=dt.date(2018, 1, 1),
                link="https://www.riksdagen.se/sv/dokument-och-lagar/dokument/"
                "svensk-forfattningssamling/lag-2017612-om-samverkan-vid-utskrivning-fran_sfs-2017-612/",
                activity_keys=["SV-01"],
                summary="Samverkan vid utskrivning, fast vårdkontakt, SIP och betalningsansvar.",
                contact="Regionens jurist",
            ),
        )

    def _assignment(self, admin: User, groups: dict[str, Group]) -> None:
        year = timezone.localdate().year
        nosam = groups.get("NOSAM Angered") or groups["steering"]
        assignment = actions.do_create_assignment(
            admin,
            nosam,
            actions.AssignmentInput(
                title="Uppdragshandling för implementering av riktlinjen för in- och "
                "utskrivning från slutenvården, öppenvårdsprocessen och SIP",
                texts={
                    "commissioner": "Lokal NOSAM Angered",
                    "decided_by": "Lokal NOSAM Angered",
                    "recipients": "Professioner som arbetar i in- och utskrivningsprocessen: "
                    "socialsekreterare planering, sjuksköterska, arbetsterapeut, "
                    "fysioterapeut och berörd första linjens chef.",
                    "background": "NOSAM Angered uppmärksammar en ojämnhet i verksamheternas "
                    "implementering av den regionala riktlinjen för in- och utskrivning, "
                    "öppenvårdsprocessen och SIP som arbetssätt.",
                    "purpose": "Informationsflödet om den enskilde ska stärkas.",
                    "activities": "Tillsätta en arbetsgrupp för ett breddinförande av det "
                    "personcentrerade arbetssättet: kunskap om riktlinjen och SIP.",
                },
                report_questions=[
                    "Vad har arbetsgruppen gjort sedan förra återrapporteringen?",
                    "Vilka hinder har ni mött, och vad behöver ni från NOSAM?",
                ],
                report_due_dates=[dt.date(year, 6, 15), dt.date(year, 12, 15)],
            ),
        )
        actions.do_decide_assignment(admin, assignment, dt.date(year, 1, 20))

    def _live_metrics(self, admin: User, groups: dict[str, Group]) -> None:
        """Deviation counts and training coverage on the psychiatry NOSAM's plan: read from
        the deviation statistics and competence, like the statistics' indicators."""
        plan = ActionPlan.objects.filter(group=groups["NOSAM Psykiatri Östra Göteborg"]).first()
        if plan is None:
            return
        focus = plan.focus_areas.order_by("position").first()
        sub_goal = focus.sub_goals.order_by("position").first() if focus else None
        if sub_goal is None:
            return
        actions.do_add_metric(
            admin, sub_goal, MetricInput(kind="live", indicator_key="deviations", filters={})
        )
        actions.do_add_metric(
            admin,
            sub_goal,
            MetricInput(kind="live", indicator_key="training_coverage", filters={}, target=80),
        )

    def _events(self, admin: User, groups: dict[str, Group]) -> None:
        """Events in the shape of the 2019 annual report's, with invented attendance."""
        today = timezone.localdate()
        principals = list(Principal.objects.order_by("name")[:4])
        if not principals:
            return

        def rows(*counts: int) -> list[actions.ParticipationInput]:
            result = []
            for principal, count in zip(principals, counts, strict=False):
                unit = Unit.objects.filter(principal=principal, is_active=True).order_by("name")
                result.append(
                    actions.ParticipationInput(
                        principal, unit.first() if count > 30 else None, count + 4, count
                    )
                )
            return result

        office = next(
            (g for g in groups.values() if g.kind == GroupKind.COLLABORATION_OFFICE),
            groups["steering"],
        )
        events = [
            (
                groups["Barn och unga"],
                "Temadag om familjecentrerat arbetssätt och Västbus",
                EventKind.THEME_DAY,
                200,
                "Folkets hus",
                rows(60, 40, 25, 15),
            ),
            (
                groups["Barn och unga"],
                "Föreläsning: mötet med ensamkommande unga med psykisk ohälsa",
                EventKind.LECTURE,
                120,
                "Stadsbiblioteket",
                rows(20, 12, 8),
            ),
            (
                groups["Psykiatri"],
                "Mötesledarutbildning med fokus på psykisk ohälsa",
                EventKind.MEETING_LEADER_TRAINING,
                60,
                "Samverkanskontoret",
                rows(14, 10),
            ),
            (
                office,
                "Nätverksträff för processledare",
                EventKind.NETWORK_MEETING,
                10,
                "Digitalt möte",
                rows(9, 6, 3, 2),
            ),
        ]
        for group, title, kind, days_ago, place, participants in events:
            actions.do_create_event(
                admin,
                group,
                actions.EventInput(
                    title=title,
                    kind=kind,
                    held_on=today - dt.timedelta(days=days_ago),
                    place=place,
                    participants=participants,
                ),
            )

    def _annual_report(self, admin: User) -> None:
        """A draft of this year's report for the whole area; its figures are read live."""
        actions.do_save_annual_report(
            admin,
            None,
            timezone.localdate().year,
            introduction="Samverkansdialogen har gått från stuprörstänk till ömsesidigt "
            "beroende. Här är årets arbete i grupperna, och årets siffror ur Samsyn.",
            challenges="Upprätta fler SIP, mäta SIP och följa statistik över SIP\n"
            "Representation, närvaro och kontinuitet på möten\n"
            "Förankring i den egna verksamheten",
            group_texts={},
        )
