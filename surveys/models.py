"""The individual's experience survey: questionnaires as versioned data, measurement plans,
invitations with one-time codes, and anonymous answers.

Anonymity by construction: a `Response` keeps only the area, municipality, lane pattern, age
band and measurement period copied from the episode when the invitation was made; it has no
key to the episode, the individual or the invitation. An invitation names its episode only
until its code is first used: then the link is cleared (see `actions.open_response`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicIdModel

QUARTERS = 8  # quarterly for 24 months after the baseline
BASELINE = 0  # the measurement period of the baseline; 1..QUARTERS are the quarters


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Skala")
    TEXT = "text", _("Fritext")


class Questionnaire(PublicIdModel):
    """A questionnaire by its stable key; its questions live in versions."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    def current_version(self) -> QuestionnaireVersion | None:
        return self.versions.order_by("-number").first()


class QuestionnaireVersion(models.Model):
    """One version of a questionnaire's text. An answer keeps the version it was given on;
    a version with answers is never changed (a change makes the next version)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    easy_read = models.BooleanField(default=False)  # lättläst: short sentences, one idea each
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "organisations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class Question(models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField()
    key = models.SlugField(max_length=60)  # the same key across versions: compared in results
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    scale_min = models.SmallIntegerField(null=True, blank=True)
    scale_max = models.SmallIntegerField(null=True, blank=True)
    min_label = models.CharField(max_length=100, blank=True)
    max_label = models.CharField(max_length=100, blank=True)
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="one_question_key_per_version")
        ]

    def __str__(self) -> str:
        return self.text

    def scale(self) -> range:
        assert self.scale_min is not None and self.scale_max is not None
        return range(self.scale_min, self.scale_max + 1)


class MeasurementPlan(PublicIdModel):
    """A baseline period, then `QUARTERS` quarters of three months from the day after it."""

    name = models.CharField(max_length=200)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="plans")
    easy_read_questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    baseline_start = models.DateField()
    baseline_end = models.DateField()  # the last day of the baseline
    code_valid_days = models.PositiveIntegerField(default=60)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    def quarter_start(self, number: int) -> dt.date:
        """The first day of quarter `number` (1..QUARTERS, and QUARTERS + 1 for the day after
        the plan): three calendar months apart, from the day after the baseline."""
        first = self.baseline_end + dt.timedelta(days=1)
        months = first.month - 1 + 3 * (number - 1)
        year, month = first.year + months // 12, months % 12 + 1
        # The 31st falls on a month's last day where it has none (30 April, 28 February).
        return dt.date(year, month, min(first.day, calendar.monthrange(year, month)[1]))

    def end(self) -> dt.date:
        """The last day of the plan: the day before the quarter after the last one."""
        return self.quarter_start(QUARTERS + 1) - dt.timedelta(days=1)

    def period_of(self, day: dt.date) -> int | None:
        """The measurement period of `day`: BASELINE (0), a quarter 1..QUARTERS, or None
        outside the plan."""
        if self.baseline_start <= day <= self.baseline_end:
            return BASELINE
        for number in range(1, QUARTERS + 1):
            if self.quarter_start(number) <= day < self.quarter_start(number + 1):
                return number
        return None

    def period_range(self, period: int) -> tuple[dt.date, dt.date]:
        if period == BASELINE:
            return self.baseline_start, self.baseline_end
        return self.quarter_start(period), self.quarter_start(period + 1) - dt.timedelta(days=1)


def period_label(period: int) -> str:
    return str(_("Baslinje")) if period == BASELINE else str(_("Kvartal %(n)s") % {"n": period})


class AgeBand(models.TextChoices):
    UNDER_65 = "0-64", _("Under 65 år")
    FROM_65 = "65-74", _("65–74 år")
    FROM_75 = "75-84", _("75–84 år")
    FROM_85 = "85-", _("85 år eller äldre")
    UNKNOWN = "", _("Okänd ålder")


def age_band(birth_date: dt.date | None, on: dt.date) -> str:
    """The age band of someone born on `birth_date`, on the day `on`."""
    if birth_date is None:
        return AgeBand.UNKNOWN
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 65:
        return AgeBand.UNDER_65
    if age < 75:
        return AgeBand.FROM_65
    if age < 85:
        return AgeBand.FROM_75
    return AgeBand.FROM_85


class Cohort(models.Model):
    """What an answer may say about who gave it: copied from the episode at invitation."""

    plan = models.ForeignKey(MeasurementPlan, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveSmallIntegerField()
    area = models.ForeignKey(
        "organisations.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    municipality = models.ForeignKey(
        "organisations.Principal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lane_pattern = models.CharField(max_length=200, blank=True)  # sorted lanes joined by "+"
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, blank=True)

    class Meta:
        abstract = True


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class Invitation(Cohort):
    """A one-time code handed over at discharge. `episode` is cleared when the code is first
    used, so no answer can be followed back to a person."""

    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ward = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey("organisations.User", on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)  # the code's first use
    response = models.OneToOneField(
        "Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            # Response rates: invitations per plan and period.
            models.Index(fields=["plan", "period"], name="invitation_plan_period"),
        ]


class Respondent(models.TextChoices):
    INDIVIDUAL = "individual", _("Den enskilde själv")
    RELATIVE = "relative", _("En närstående för den enskildes räkning")


class Channel(models.TextChoices):
    WEB = "web", _("Webb")
    PAPER = "paper", _("Pappersenkät, inmatad av personal")


class Response(Cohort):
    """An anonymous answer. `submitted_at` is None while it is paused."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    respondent = models.CharField(max_length=12, choices=Respondent.choices, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Results: submitted answers per plan and period.
            models.Index(fields=["plan", "period", "submitted_at"], name="response_plan_period"),
        ]


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]
