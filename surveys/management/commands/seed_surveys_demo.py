"""Demo data for the individual's survey: a questionnaire, its easy-read variant, a
measurement plan and a year of anonymous answers, on top of `seed_demo`.

1. Saves the questionnaire "Din utskrivning" and its easy-read variant through the actions.
2. Makes a plan whose baseline began a year ago (three months), so a year of answers fills
   the baseline and quarters 1-3; today is in quarter 4.
3. Writes the year's invitations and answers per area as the answer page leaves them (used
   codes without an episode, anonymous answers); Öckerö gets so few that it is suppressed.
4. Hands out invitations for some of the demo's discharged stays today, through the ward's
   action, so the ward side is the real one (their codes are not printed anywhere).

Idempotent: a database that already has the questionnaire is left as it is. Fictional only.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.core.management.base import BaseCommand
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from core.errors import ActionError
from episodes.models import Episode
from organisations.models import Area, Unit, User
from surveys import actions
from surveys.models import (
    Answer,
    Channel,
    Invitation,
    QuestionKind,
    Questionnaire,
    Respondent,
    Response,
    hash_code,
)

SCALE = {"kind": "scale", "scale_min": 1, "scale_max": 5}
QUESTIONNAIRE = {
    "title": "Din utskrivning från sjukhuset",
    "introduction": "Vi vill veta hur du upplevde tiden när du skrevs ut och kom hem. "
    "Det tar ungefär fem minuter. Dina svar är anonyma.",
    "questions": [
        {
            **SCALE,
            "key": "helhet",
            "text": "Upplevde du att vården och omsorgen hängde ihop?",
            "min_label": "Inte alls",
            "max_label": "Helt och hållet",
            "required": True,
        },
        {
            **SCALE,
            "key": "delaktig",
            "text": "Fick du vara med och bestämma om din planering?",
            "min_label": "Inte alls",
            "max_label": "Helt och hållet",
        },
        {
            **SCALE,
            "key": "trygg",
            "text": "Kände du dig trygg när du kom hem?",
            "min_label": "Inte alls",
            "max_label": "Helt och hållet",
        },
        {
            **SCALE,
            "key": "information",
            "text": "Visste du vem du skulle kontakta efteråt?",
            "min_label": "Nej, inte alls",
            "max_label": "Ja, helt",
        },
        {"kind": "text", "key": "ovrigt", "text": "Vill du berätta något mer?"},
    ],
}
EASY_READ = {
    "title": "Hur var det att komma hem?",
    "easy_read": True,
    "introduction": "Vi vill veta vad du tycker. Ingen ser vem som svarar.",
    "questions": [
        {
            **SCALE,
            "key": "helhet",
            "text": "Hjälpte alla dig tillsammans?",
            "min_label": "Nej",
            "max_label": "Ja",
            "required": True,
        },
        {
            **SCALE,
            "key": "delaktig",
            "text": "Fick du säga vad du ville?",
            "min_label": "Nej",
            "max_label": "Ja",
        },
        {
            **SCALE,
            "key": "trygg",
            "text": "Kändes det bra att komma hem?",
            "min_label": "Nej",
            "max_label": "Ja",
        },
        {
            **SCALE,
            "key": "information",
            "text": "Vet du vem du ska ringa?",
            "min_label": "Nej",
            "max_label": "Ja",
        },
        {"kind": "text", "key": "ovrigt", "text": "Vill du säga något mer?"},
    ],
}
COMMENTS = [
    "Bra att någon ringde dagen efter.",
    "Jag visste inte vem jag skulle ringa.",
    "Hemtjänsten kom samma dag, det kändes tryggt.",
    "Det gick för fort, jag hann inte fråga.",
]
# area -> invitations per period (Öckerö so few that its answers are never shown)
AREAS = {"Partille": 22, "Angered": 18, "Centrum": 16, "Mölndal": 14, "Öckerö": 3}


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, min(day.day, 28))


class Command(BaseCommand):
    help = "Demodata för enkäten: frågeformulär, mätplan och ett års anonyma svar."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if Questionnaire.objects.filter(key="utskrivning").exists():
            self.stdout.write("Enkätens demodata finns redan.")
            return
        rng = random.Random(options["seed"])
        with transaction.atomic():
            plan = self._plan()
            answered = self._history(plan, rng)
        invited = self._today()
        self.stdout.write(
            f"Enkät: {answered} svar under baslinjen och kvartal 1–3, {invited} inbjudningar i dag."
        )

    def _plan(self):
        main = actions.save_questionnaire(None, "utskrivning", QUESTIONNAIRE).questionnaire
        easy = actions.save_questionnaire(None, "utskrivning-lattlast", EASY_READ).questionnaire
        start = _months_back(timezone.localdate(), 12)
        end = _months_back(timezone.localdate(), 9) - dt.timedelta(days=1)
        return actions.create_plan(
            None,
            name="Utvärdering med GPCC 2026–2028",
            questionnaire=main,
            easy_read_questionnaire=easy,
            baseline_start=start,
            baseline_end=end,
        )

    def _history(self, plan, rng: random.Random) -> int:
        nurse = User.objects.get(username="sjukskoterska")
        ward = Unit.objects.get(memberships__user=nurse)
        versions = [
            plan.questionnaire.current_version(),
            plan.easy_read_questionnaire.current_version(),
        ]
        questions = {v.pk: list(v.questions.all()) for v in versions}
        lanes = [
            "inpatient+regional_primary_care",
            "inpatient+regional_primary_care+social_services",
            "inpatient+regional_primary_care+municipal_health_care+social_services",
        ]
        bands = ["65-74", "75-84", "75-84", "85-", "0-64"]
        count = 0
        for period in range(0, 4):
            lift = 0.25 * period  # the new way of working shows, a little each quarter
            for name, invitations in AREAS.items():
                area = Area.objects.select_related("municipality").get(name=name)
                for _ in range(invitations + (rng.randint(-2, 2) if invitations > 5 else 0)):
                    facts = dict(
                        plan=plan,
                        period=period,
                        area=area,
                        municipality=area.municipality,
                        lane_pattern=rng.choice(lanes),
                        age_band=rng.choice(bands),
                    )
                    day_from, _day_to = plan.period_range(period)
                    created = timezone.make_aware(
                        dt.datetime.combine(
                            day_from + dt.timedelta(days=rng.randint(0, 80)), dt.time(13)
                        )
                    )
                    answers = rng.random() < 0.62
                    Invitation.objects.create(
                        **facts,
                        ward=ward,
                        created_by=nurse,
                        created_at=created,
                        code_hash=hash_code(secrets.token_hex(8)),
                        expires_at=created + dt.timedelta(days=plan.code_valid_days),
                        opened_at=created + dt.timedelta(days=2) if answers else None,
                    )
                    if not answers:
                        continue
                    version = versions[1] if rng.random() < 0.15 else versions[0]
                    response = Response.objects.create(
                        **facts,
                        version=version,
                        respondent=Respondent.RELATIVE
                        if rng.random() < 0.3
                        else Respondent.INDIVIDUAL,
                        channel=Channel.PAPER if rng.random() < 0.12 else Channel.WEB,
                        submitted_at=created + dt.timedelta(days=rng.randint(2, 20)),
                    )
                    rows = []
                    for question in questions[version.pk]:
                        if question.kind == QuestionKind.TEXT:
                            if rng.random() < 0.2:
                                rows.append(
                                    Answer(
                                        response=response,
                                        question=question,
                                        text=rng.choice(COMMENTS),
                                    )
                                )
                            continue
                        value = round(rng.gauss(2.9 + lift, 1.0))
                        rows.append(
                            Answer(
                                response=response, question=question, value=max(1, min(5, value))
                            )
                        )
                    Answer.objects.bulk_create(rows)
                    count += 1
        return count

    def _today(self) -> int:
        nurse = User.objects.get(username="sjukskoterska")
        made = 0
        discharged = Episode.objects.filter(
            discharged_at__isnull=False, ward__memberships__user=nurse
        )
        for episode in discharged.order_by("-discharged_at")[:5]:
            try:
                actions.create_invitation(nurse, episode.public_id)
            except (ActionError, Http404):  # outside the ward's window: no invitation
                continue
            made += 1
        return made
