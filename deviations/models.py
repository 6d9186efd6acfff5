"""Deviations in collaboration (avvikelser i samverkan): an agreement, guideline or routine drawn
up in collaboration that was not followed, reported by one party about another.

- `DeviationCategory`: the categories, as dated configuration (loaded by
  `deviations.configuration`); a deviation keeps the category row it was reported under.
- `DeviationDeadline`: the days to acknowledge and to answer, as dated configuration, read by
  `deadline_days` only.
- `Deviation`: one deviation, its state and its stored due times; changed only by
  `deviations.actions`.
- `DeviationEvent`: append-only, one row per change of a deviation (who, when, what).
- `CandidateDecision`: what the deviation contacts of a party let down did with a sweeper
  candidate (`process.DeviationCandidate`): sent it as a deviation, or dismissed it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicIdModel


class DeviationCategory(models.Model):
    """One category, in force from `valid_from` to `valid_to` (both included; no end: until
    further notice). Read through `categories_in_force`, never by filtering this directly."""

    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=160)
    description = models.CharField(max_length=400, blank=True)
    order = models.PositiveIntegerField(default=0)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["order", "key", "valid_from"]
        verbose_name = _("avvikelsekategori")
        verbose_name_plural = _("avvikelsekategorier")
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="one_category_per_start")
        ]

    def __str__(self) -> str:
        return self.label

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def categories_in_force(day: dt.date | None = None) -> list[DeviationCategory]:
    """The categories a deviation may be reported under on `day` (today), in their order;
    where two rows of one key overlap, the one that started last."""
    day = day or timezone.localdate()
    rows = (
        DeviationCategory.objects.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("order", "key", "-valid_from")
    )
    seen: dict[str, DeviationCategory] = {}
    for row in rows:
        seen.setdefault(row.key, row)
    return list(seen.values())


class DeadlineKey(models.TextChoices):
    ACKNOWLEDGE = "acknowledge_working_days", _("Kvittera avvikelsen inom (arbetsdagar)")
    ANSWER = "answer_working_days", _("Besvara avvikelsen inom (arbetsdagar)")


class DeviationDeadline(models.Model):
    """How many working days the receiving organisation has, from the day a deviation is
    reported, to acknowledge or to answer it; a dated row, read by `deadline_days`."""

    key = models.CharField(max_length=40, choices=DeadlineKey.choices)
    working_days = models.PositiveIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    # True while the figure is Samsyn's proposal, not yet confirmed by the regional routine.
    is_proposal = models.BooleanField(default=False)

    class Meta:
        ordering = ["key", "valid_from"]
        verbose_name = _("tidsfrist för avvikelser")
        verbose_name_plural = _("tidsfrister för avvikelser")

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.working_days}"

    def clean(self) -> None:
        overlapping = DeviationDeadline.objects.filter(key=self.key).exclude(pk=self.pk)
        overlapping = overlapping.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if self.valid_to is not None:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        if overlapping.exists():
            raise ValidationError(_("Perioden överlappar en annan rad för samma tidsfrist."))


class MissingDeadline(LookupError):
    def __init__(self, key: str, day: dt.date):
        super().__init__(
            f"Ingen tidsfrist ”{DeadlineKey(key).label}” gäller {day.isoformat()}. "
            "Lägg till en rad under Tidsfrister för avvikelser i administrationen."
        )


def deadline_row(key: str, day: dt.date) -> DeviationDeadline:
    """The row of `key` in force on the local day `day` (the latest start wins)."""
    row = (
        DeviationDeadline.objects.filter(key=key, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )
    if row is None:
        raise MissingDeadline(key, day)
    return row


def deadline_days(key: str, day: dt.date) -> int:
    """The working days of `key` in force on `day`: the one reader of the deadlines."""
    return deadline_row(key, day).working_days


class DeviationState(models.TextChoices):
    REPORTED = "reported", _("Inskickad")
    ACKNOWLEDGED = "acknowledged", _("Kvitterad, utreds")
    QUESTION = "question", _("Fråga till rapportören")
    ANSWERED = "answered", _("Besvarad")
    SENT_BACK = "sent_back", _("Återsänd")
    CLOSED = "closed", _("Avslutad")


# The states in which the receiving organisation has something to do.
RECEIVER_STATES = (
    DeviationState.REPORTED,
    DeviationState.ACKNOWLEDGED,
    DeviationState.SENT_BACK,
)
OPEN_STATES = (*RECEIVER_STATES, DeviationState.QUESTION, DeviationState.ANSWERED)


class Deviation(PublicIdModel):
    """One deviation in collaboration, about one episode, from one unit to another.

    The text says what happened, not who: it is written for learning, and managers and
    process leaders read it without the episode's patient details.
    """

    episode = models.ForeignKey("episodes.Episode", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(DeviationCategory, on_delete=models.PROTECT, related_name="+")
    event_date = models.DateField()
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reporting_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+"
    )
    reporting_principal = models.ForeignKey(
        "organisations.Principal", on_delete=models.PROTECT, related_name="+"
    )
    receiving_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+"
    )
    receiving_principal = models.ForeignKey(
        "organisations.Principal", on_delete=models.PROTECT, related_name="+"
    )
    # The unit of the receiving organisation that investigates now (passed on within it).
    handling_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+"
    )
    # The NOSAM area the deviation is counted under: the reporting or receiving unit's, else
    # the individual's home area, fixed when reported.
    area = models.ForeignKey(
        "organisations.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    what_happened = models.TextField()
    consequence = models.TextField(blank=True)
    # The text contained what looked like an identity number or the individual's name when it
    # was sent (the reporter was warned, not refused).
    personal_data_warned = models.BooleanField(default=False)
    candidate = models.ForeignKey(
        "process.DeviationCandidate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        max_length=16, choices=DeviationState.choices, default=DeviationState.REPORTED
    )
    reported_at = models.DateTimeField(default=timezone.now)
    acknowledge_due_at = models.DateTimeField()
    answer_due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    cause = models.TextField(blank=True)
    measures = models.TextField(blank=True)
    systemic = models.BooleanField(null=True, blank=True)
    question = models.TextField(blank=True)
    sent_back_at = models.DateTimeField(null=True, blank=True)
    sent_back_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            # A contact's "Att göra nu": open deviations handled by the contact's units.
            models.Index(fields=["handling_unit", "state"], name="deviation_handling"),
            # A reporter's unit: its deviations waiting for it (answered, question).
            models.Index(fields=["reporting_unit", "state"], name="deviation_reporting"),
            # Statistics by month of reporting.
            models.Index(fields=["reported_at"], name="deviation_reported_at"),
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.reported_at:%Y-%m-%d})"

    def acknowledge_missed(self, now: dt.datetime | None = None) -> bool:
        """Acknowledged after its due time, or still not acknowledged when it has passed."""
        moment = self.acknowledged_at or now or timezone.now()
        return moment > self.acknowledge_due_at

    def answer_missed(self, now: dt.datetime | None = None) -> bool:
        """First answered after its due time, or still unanswered when it has passed."""
        moment = self.first_answered_at or now or timezone.now()
        return moment > self.answer_due_at

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class DeviationEventKind(models.TextChoices):
    REPORTED = "reported", _("Avvikelse rapporterad")
    ACKNOWLEDGED = "acknowledged", _("Kvitterad")
    QUESTION_ASKED = "question_asked", _("Fråga till rapportören")
    QUESTION_ANSWERED = "question_answered", _("Rapportören svarade")
    PASSED_ON = "passed_on", _("Lämnad vidare inom organisationen")
    ANSWERED = "answered", _("Besvarad")
    SENT_BACK = "sent_back", _("Återsänd till mottagaren")
    CLOSED = "closed", _("Avslutad")


class DeviationEvent(models.Model):
    """Append-only: one change of a deviation."""

    deviation = models.ForeignKey(Deviation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=DeviationEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class CandidateDecisionKind(models.TextChoices):
    SENT = "sent", _("Skickad som avvikelse")
    DISMISSED = "dismissed", _("Avfärdad")


class CandidateDecision(models.Model):
    """What the organisation (`principal`) let down by a missed deadline did with the sweeper's
    candidate: one decision per candidate and organisation, counted either way."""

    candidate = models.ForeignKey(
        "process.DeviationCandidate", on_delete=models.CASCADE, related_name="+"
    )
    principal = models.ForeignKey(
        "organisations.Principal", on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=16, choices=CandidateDecisionKind.choices)
    reason = models.TextField(blank=True)
    deviation = models.ForeignKey(
        Deviation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "principal"], name="one_decision_per_candidate_and_principal"
            )
        ]
