"""Governance of the collaboration: its groups, their action plans and the governing documents.

- `Group`: a group of the collaboration structure (steering group, theme group, NOSAM …) and
  the group it reports to; `GroupMember`: who sits in it, for which organisation, in which role
  and with which mandate.
- `ActionPlan` → `FocusArea` → `SubGoal` → `PlanActivity` and `Metric`: a group's action plan
  for a period, in the shape of the seeds' plans. A metric is *live* (an indicator of
  `indicators.definitions` with filters, computed by `indicators.queries.compute`) or *manual*
  (`ManualValue` rows, each with its date).
- `FollowUp` → `ActivityStatus`, `MetricReading`: a follow-up meeting records each activity's
  status and result and the metrics' values at the time; earlier follow-ups stay (history).
- `GoverningDocument`: the register of what applies: laws, agreements, guidelines, routines.
- `ChangeRecord`: append-only, one row per change made through `governance.actions`.

Nothing here is patient data. Every change goes through `governance.actions`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicIdModel
from governance.files import document_storage


class GroupKind(models.TextChoices):
    POLITICAL = "political", _("Politisk nivå")
    LGS = "lgs", _("Ledningsgrupp för samverkan (LGS)")
    STEERING_GROUP = "steering_group", _("Styrgrupp")
    COLLABORATION_OFFICE = "collaboration_office", _("Samverkanskansli")
    THEME_GROUP = "theme_group", _("Temagrupp")
    DEVELOPMENT_GROUP = "development_group", _("Utvecklingsgrupp")
    NOSAM = "nosam", _("NOSAM")
    OTHER = "other", _("Annan grupp")


class GroupRole(models.TextChoices):
    PROCESS_OWNER = "process_owner", _("Processägare")
    PROCESS_LEADER = "process_leader", _("Processledare")
    MEMBER = "member", _("Ledamot")
    AMBASSADOR = "ambassador", _("Samverkansambassadör")


# The roles that may change a group's plans (besides administrators).
EDITING_ROLES = frozenset({GroupRole.PROCESS_OWNER, GroupRole.PROCESS_LEADER})


class Group(PublicIdModel):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=GroupKind.choices)
    # The group this one reports to; None at the top of the structure.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The NOSAM area a group works for: the default filter of its live metrics.
    area = models.ForeignKey(
        "organisations.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("grupp")
        verbose_name_plural = _("grupper")

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """A seat in a group: a user of Samsyn, or a named function without a login."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)  # e.g. "Enhetschef hemtjänst"
    organisation = models.ForeignKey(
        "organisations.Principal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=30, choices=GroupRole.choices, default=GroupRole.MEMBER)
    mandate = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["group", "role", "id"]
        verbose_name = _("gruppmedlem")
        verbose_name_plural = _("gruppmedlemmar")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.title or "–"


class ActionPlan(PublicIdModel):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    purpose = models.TextField(blank=True)
    target_group = models.TextField(blank=True)
    goal = models.TextField(blank=True)
    basis = models.TextField(blank=True)
    follow_ups_per_year = models.PositiveSmallIntegerField(default=2)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "group__name"]
        verbose_name = _("handlingsplan")
        verbose_name_plural = _("handlingsplaner")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="plan_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def covers(self, day: dt.date) -> bool:
        return self.period_start <= day <= self.period_end


class FocusArea(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="focus_areas")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)

    class Meta:
        ordering = ["plan", "position", "id"]


class SubGoal(models.Model):
    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="sub_goals")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    communication_plan = models.TextField(blank=True)
    result = models.TextField(blank=True)

    class Meta:
        ordering = ["focus_area", "position", "id"]


class PlanActivity(PublicIdModel):
    """An activity under a sub-goal; someone is always responsible (organisation, role or
    person, at least one)."""

    sub_goal = models.ForeignKey(SubGoal, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    responsible_organisation = models.ForeignKey(
        "organisations.Principal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_role = models.CharField(max_length=200, blank=True)
    responsible_person = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["sub_goal", "position", "id"]

    @property
    def responsible(self) -> str:
        parts = [
            self.responsible_organisation.name if self.responsible_organisation else "",
            self.responsible_role,
            self.responsible_person,
        ]
        return ", ".join(p for p in parts if p)


class MetricKind(models.TextChoices):
    LIVE = "live", _("Mäts i Samsyn")
    MANUAL = "manual", _("Förs in för hand")


class MetricUnit(models.TextChoices):
    PERCENT = "percent", _("procent")
    COUNT = "count", _("antal")
    DAYS = "days", _("dagar")
    HOURS = "hours", _("timmar")
    NUMBER = "number", _("tal")


# The unit of an indicator's figure, by its measure (indicators.definitions.Indicator.measure).
UNIT_OF_MEASURE = {
    "share": MetricUnit.PERCENT,
    "count": MetricUnit.COUNT,
    "mean_days": MetricUnit.DAYS,
    "mean_hours": MetricUnit.HOURS,
    "mean": MetricUnit.NUMBER,
}


class Metric(PublicIdModel):
    sub_goal = models.ForeignKey(SubGoal, on_delete=models.CASCADE, related_name="metrics")
    kind = models.CharField(max_length=10, choices=MetricKind.choices)
    name = models.CharField(max_length=300)  # live: the indicator's name when created
    indicator_key = models.CharField(max_length=60, blank=True)
    # Live: the statistics' filters as their GET parameters (`indicators.filters.Filters.as_query`).
    filters = models.JSONField(default=dict, blank=True)
    unit = models.CharField(max_length=10, choices=MetricUnit.choices)
    target = models.FloatField(null=True, blank=True)  # in `unit` (percent as 0–100)

    class Meta:
        ordering = ["sub_goal", "id"]


class ManualValue(models.Model):
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="values")
    value = models.FloatField()
    measured_on = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["metric", "-measured_on", "-id"]


class FollowUp(PublicIdModel):
    """One follow-up meeting: the part of the plan period it follows up, and what it found."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="follow_ups")
    held_on = models.DateField()
    covers_start = models.DateField()
    covers_end = models.DateField()
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-held_on", "-id"]


class ActivityState(models.TextChoices):
    NOT_STARTED = "not_started", _("Inte påbörjad")
    ONGOING = "ongoing", _("Pågår")
    DONE = "done", _("Klar")
    CANCELLED = "cancelled", _("Avbruten")


class ActivityStatus(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="statuses")
    activity = models.ForeignKey(PlanActivity, on_delete=models.CASCADE, related_name="statuses")
    state = models.CharField(max_length=20, choices=ActivityState.choices)
    result = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "activity"], name="one_status_per_follow_up"
            )
        ]


class MetricReading(models.Model):
    """A metric's value as the follow-up saw it (a live value is kept as it was then)."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="readings")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="readings")
    value = models.FloatField(null=True)  # in the metric's unit


class DocumentKind(models.TextChoices):
    LAW = "law", _("Lag eller förordning")
    AGREEMENT = "agreement", _("Överenskommelse")
    GUIDELINE = "guideline", _("Riktlinje")
    ROUTINE = "routine", _("Rutin")
    QUICK_GUIDE = "quick_guide", _("Snabbguide")
    OTHER = "other", _("Annat styrande dokument")


class GoverningDocument(PublicIdModel):
    """One version of a governing document. It applies from `valid_from` to `valid_to` (both
    included; none: until further notice) unless replaced; `in_force` says so for a day."""

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    owner_group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    owner_organisation = models.ForeignKey(
        "organisations.Principal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.CharField(max_length=40, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    next_review = models.DateField(null=True, blank=True)
    link = models.URLField(max_length=500, blank=True)
    summary = models.TextField(blank=True)  # searched with the title
    lanes = models.JSONField(default=list, blank=True)  # organisations.Lane values
    activity_keys = models.JSONField(default=list, blank=True)  # the work description's keys
    contact = models.CharField(max_length=300, blank=True)  # whom to ask about interpretation
    # The version's file (governance.files): kept with this version when a new one replaces it.
    file = models.FileField(
        storage=document_storage, upload_to="governance/documents/", blank=True, max_length=300
    )
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "-valid_from"]
        verbose_name = _("styrande dokument")
        verbose_name_plural = _("styrande dokument")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="document_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}".strip()

    @property
    def owner_name(self) -> str:
        if self.owner_group is not None:
            return self.owner_group.name
        return self.owner_organisation.name if self.owner_organisation is not None else ""

    def in_force(self, day: dt.date) -> bool:
        return (
            self.replaced_by_id is None
            and self.valid_from <= day
            and (self.valid_to is None or day <= self.valid_to)
        )


def in_force_q(day: dt.date) -> Q:
    """The documents that apply on `day` (see `GoverningDocument.in_force`)."""
    return Q(replaced_by__isnull=True, valid_from__lte=day) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


class DocumentQuestion(PublicIdModel):
    """A question about how a document is to be read; the owner's answer is published beside
    the document."""

    document = models.ForeignKey(
        GoverningDocument, on_delete=models.CASCADE, related_name="questions"
    )
    text = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["document", "-asked_at", "-id"]


class Assignment(PublicIdModel):
    """An assignment (uppdragshandling) to a group, in the sections of the seed. Once decided
    it is changed only by a new version (`previous` names the one it replaces)."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="assignments")
    title = models.CharField(max_length=300)
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    commissioner = models.CharField(max_length=300, blank=True)  # uppdragsgivare
    decided_by = models.CharField(max_length=300, blank=True)
    recipients = models.TextField(blank=True)
    background = models.TextField(blank=True)
    purpose = models.TextField(blank=True)
    goal = models.TextField(blank=True)
    activities = models.TextField(blank=True)
    target_group = models.TextField(blank=True)
    communication = models.TextField(blank=True)
    timeline = models.TextField(blank=True)
    resources = models.TextField(blank=True)
    parties = models.TextField(blank=True)
    # The questions every report-back answers, and the dates they are due.
    report_questions = models.JSONField(default=list, blank=True)
    report_due_dates = models.JSONField(default=list, blank=True)  # ISO dates
    documents = models.ManyToManyField(GoverningDocument, blank=True, related_name="assignments")
    decided_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "title", "-version"]


class ReportBack(PublicIdModel):
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports")
    due_on = models.DateField()
    answers = models.JSONField(default=list)  # one text per question, in order
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["assignment", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "due_on"], name="one_report_per_due_date")
        ]


class ChangeRecord(models.Model):
    """Append-only: who changed what in governance, when, with the details."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=60)  # e.g. plan_created, follow_up_held
    subject = models.CharField(max_length=60)  # model name
    subject_id = models.CharField(max_length=40)  # public id or pk
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # the history of one plan or document: WHERE subject = … AND subject_id = …
            models.Index(fields=["subject", "subject_id"], name="governance_change_subject")
        ]


class EventKind(models.TextChoices):
    THEME_DAY = "theme_day", _("Temadag")
    LECTURE = "lecture", _("Föreläsning")
    EDUCATION_DAY = "education_day", _("Utbildningsdag")
    MEETING_LEADER_TRAINING = "meeting_leader_training", _("Mötesledarutbildning")
    NETWORK_MEETING = "network_meeting", _("Nätverksmöte")
    DIALOGUE_MEETING = "dialogue_meeting", _("Dialogmöte")
    OTHER = "other", _("Annat")


class Event(PublicIdModel):
    """Something a group held (a theme day, a process-leader network meeting …), with its
    participants counted by organisation or unit; shown in the group and its annual report."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="events")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    held_on = models.DateField()
    place = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "title"]

    def __str__(self) -> str:
        return self.title


class EventParticipation(models.Model):
    """Participants from one organisation (or one of its units): how many were registered and
    how many came."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        "organisations.Principal", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organisations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["event", "organisation__name", "unit__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation", "unit"], name="one_participation_row_per_unit"
            ),
            models.UniqueConstraint(
                fields=["event", "organisation"],
                condition=Q(unit__isnull=True),
                name="one_participation_row_per_organisation",
            ),
        ]

    @property
    def label(self) -> str:
        return (
            f"{self.organisation.name}, {self.unit.name}" if self.unit else self.organisation.name
        )


class AnnualReport(PublicIdModel):
    """The year's report of a group (or of the whole area: no group), compiled from what
    Samsyn holds; the texts around the figures are the process leader's. Once published the
    texts are fixed and the PDF as published is kept."""

    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField()
    introduction = models.TextField(blank=True)
    challenges = models.TextField(blank=True)  # "Utmaningar för diskussion", one per line
    group_texts = models.JSONField(default=dict, blank=True)  # group public id → text
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_pdf = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year", "group__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "year"], name="one_annual_report_per_group_and_year"
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(group__isnull=True),
                name="one_annual_report_of_the_area_per_year",
            ),
        ]
