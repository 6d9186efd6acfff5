"""The work description as data, and each episode's activities with their stored due times.

- `DefinitionVersion`: one loaded version of the definition file (process/definitions/).
  Versions are never changed after loading; an episode keeps the one it was admitted under.
- `ActivityDefinition`: one activity of one version (goal, purpose, performer, timing rule…).
- `EpisodeProcess`: binds an episode to its version.
- `EpisodeActivity`: one activity of one episode: its responsible unit, stored `due_at`,
  status and completion. Written only by `process.engine` and `process.actions`.
- `ActivityLog`: append-only record of what happened to an episode's activities and why.
- `DeviationCandidate`: a missed legal or agreed deadline, found by the sweeper.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.configuration import regional_count
from core.models import PublicIdModel
from core.timerules import local_date
from organisations.models import Lane

# How close a due time must be for an open activity to count as "due" rather than "upcoming".
DUE_SOON = dt.timedelta(hours=48)


class Phase(models.TextChoices):
    ADMISSION = "admission", _("Före och vid inskrivning")
    STAY = "stay", _("Under vårdtiden")
    READY = "ready", _("Vid utskrivningsklar")
    DISCHARGE = "discharge", _("Vid utskrivning")
    AFTER_DISCHARGE = "after_discharge", _("Efter utskrivning")


class DeadlineKind(models.TextChoices):
    LEGAL = "legal", _("Lagkrav")
    AGREED = "agreed", _("Överenskommet i samverkan")
    GUIDANCE = "guidance", _("Riktmärke i arbetsbeskrivningen")


class DefinitionVersion(models.Model):
    number = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    valid_from = models.DateField()
    # SHA-256 of the source text: loading the same file twice creates no new version.
    source_sha256 = models.CharField(max_length=64, unique=True)
    source = models.TextField()
    source_path = models.CharField(max_length=300, blank=True)
    # The parsed definition (effect goals, references, phases…), for pages and diffs.
    content = models.JSONField(default=dict)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @classmethod
    def current(cls) -> DefinitionVersion | None:
        """The version new episodes take: the latest loaded one."""
        return cls.objects.order_by("-number").first()


class ActivityDefinition(models.Model):
    version = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="activities"
    )
    key = models.CharField(max_length=40)  # the id in the file, e.g. "SV-01"
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    lane = models.CharField(max_length=32, choices=Lane.choices)
    phase = models.CharField(max_length=32, choices=Phase.choices)
    # Who may perform / check it off: staff lanes and roles (organisations.Role values).
    performer_lanes = models.JSONField(default=list)
    performer_roles = models.JSONField(default=list)
    performer_label = models.CharField(max_length=200, blank=True)
    goal = models.TextField()
    purpose = models.TextField()
    # {"anchor": "...", "amount": n, "unit": "hours|calendar_days|working_days"},
    # {"anchor": "...", "count": "<core.models.CountKey>", "unit": ...} or
    # {"before": "<anchor or activity key>"}; see process.definition.
    timing = models.JSONField(default=dict)
    # As loaded; a regional count stands as "{count}" (see `timing_text`).
    timing_label = models.CharField(max_length=200, blank=True)
    deadline_kind = models.CharField(max_length=16, choices=DeadlineKind.choices)
    conditions = models.JSONField(default=list)
    # {"event": "<EventKind>", ...filters} or {"manual": true}
    completion = models.JSONField(default=dict)
    reopened_by = models.JSONField(default=list)
    step = models.CharField(max_length=40, blank=True)  # episodes.rules.Step of the action
    # The individual (or their representative) may mark it done in Min planering; and the
    # individual's own action there that completes it ("own_words", "ask_sip"; see
    # process.definition.INDIVIDUAL_ACTIONS). Staff may check it off as well.
    individual_marks = models.BooleanField(default=False)
    individual_action = models.CharField(max_length=20, blank=True)
    effect_goals = models.JSONField(default=list)
    references = models.JSONField(default=list)  # [{"id","title","url"}], resolved at load

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="activity_key_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def is_manual(self) -> bool:
        """Checked off by a person (possibly also completed by an event)."""
        return bool(self.completion.get("manual") or self.completion.get("or_manual"))

    @property
    def timing_text(self) -> str:
        """The timing rule for people: with a regional count, the number in force today."""
        if "count" not in self.timing:
            return self.timing_label
        count = regional_count(self.timing["count"], local_date(timezone.now()))
        return self.timing_label.replace("{count}", str(count))

    @property
    def goal_line(self) -> str:
        """The first sentence of the goal: the one-line "why" of the to-do list."""
        text = " ".join(self.goal.split())
        head, dot, _rest = text.partition(". ")
        return head + ("." if dot else "")


class EpisodeProcess(models.Model):
    episode = models.OneToOneField(
        "episodes.Episode", on_delete=models.CASCADE, related_name="process"
    )
    version = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="episodes"
    )
    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.episode_id} v{self.version_id}"


class ActivityStatus(models.TextChoices):
    OPEN = "open", _("Öppen")
    OVERDUE = "overdue", _("Försenad")  # marked by the sweeper
    DONE = "done", _("Klar")
    NOT_APPLICABLE = "not_applicable", _("Ej aktuell")
    # An activity of a phase before discharge not done when the stay was discharged: it can
    # no longer be done in its phase, so it leaves the open rows (the to-do list's index), but
    # it is still undone: shown as before, a miss the sweeper records, under "Missade".
    MISSED = "missed", _("Ej gjord före utskrivning")


class ActivityState(models.TextChoices):
    """What a user sees: the status and the clock together."""

    UPCOMING = "upcoming", _("Kommande")
    DUE = "due", _("Att göra")
    OVERDUE = "overdue", _("Försenad")
    DONE_ON_TIME = "done_on_time", _("Klar i tid")
    DONE_LATE = "done_late", _("Klar, försenad")
    NOT_APPLICABLE = "not_applicable", _("Ej aktuell")


class CitizenRole(models.TextChoices):
    """Who marked an activity done in Min planering."""

    INDIVIDUAL = "individual", _("Den enskilde")
    REPRESENTATIVE = "representative", _("Företrädare")


OPEN_STATUSES = (ActivityStatus.OPEN, ActivityStatus.OVERDUE)
# Applicable and not done: the open ones and those closed undone at discharge.
UNDONE_STATUSES = (*OPEN_STATUSES, ActivityStatus.MISSED)


class EpisodeActivity(PublicIdModel):
    # No index of its own (issue 17): the unique (episode, definition) leads with it, and
    # serves an episode's activities and the cascade.
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.CASCADE, related_name="activities", db_index=False
    )
    definition = models.ForeignKey(ActivityDefinition, on_delete=models.PROTECT, related_name="+")
    # The party that performs it (the ward, or the unit concerned in the activity's lane).
    # No index of its own (issue 17): `activity_worklist` leads with it.
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(
        max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.OPEN
    )
    not_applicable_reason = models.CharField(max_length=200, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Completed in Min planering (no staff user): the citizen's name, whether they acted as
    # the individual or as a representative, and the representation's relation.
    citizen_name = models.CharField(max_length=200, blank=True)
    citizen_role = models.CharField(max_length=16, choices=CitizenRole.choices, blank=True)
    citizen_relation = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    # Set by the sweeper when it has dealt with the miss of the current `due_at`; cleared when
    # the due time moves, so a new miss is found again.
    missed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "definition"], name="one_activity_per_definition"
            )
        ]
        indexes = [
            # The sweeper: open activities whose due time has passed and whose miss is not
            # yet recorded (status, missed_at IS NULL, due_at < now).
            models.Index(fields=["status", "missed_at", "due_at"], name="activity_sweep"),
            # "What do I do now": open activities of the user's units, soonest first.
            models.Index(fields=["unit", "status", "due_at"], name="activity_worklist"),
            # "What is overdue now" across the region: the open activities soonest due first,
            # one range scan of a partial index that holds only the open rows.
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="activity_open_due",
            ),
        ]

    def state(self, now: dt.datetime | None = None) -> ActivityState:
        now = now or timezone.now()
        if self.status == ActivityStatus.NOT_APPLICABLE:
            return ActivityState.NOT_APPLICABLE
        if self.status == ActivityStatus.DONE:
            if self.due_at and self.completed_at and self.completed_at > self.due_at:
                return ActivityState.DONE_LATE
            return ActivityState.DONE_ON_TIME
        if self.due_at is None:
            return ActivityState.UPCOMING
        if self.due_at < now:
            return ActivityState.OVERDUE
        if self.due_at - now <= DUE_SOON:
            return ActivityState.DUE
        return ActivityState.UPCOMING

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def citizen_completion(self) -> str:
        """ "Markerad av den enskilde (namn)" / "… av företrädare (relation)" when the
        individual or a representative marked it done in Min planering, else ''."""
        if self.status != ActivityStatus.DONE or not self.citizen_role or self.completed_by_id:
            return ""
        if self.citizen_role == CitizenRole.REPRESENTATIVE:
            return _("Markerad av företrädare (%(relation)s)") % {
                "relation": self.citizen_relation or self.citizen_name
            }
        return _("Markerad av den enskilde (%(name)s)") % {"name": self.citizen_name}


class LogKind(models.TextChoices):
    INSTANTIATED = "instantiated", _("Aktiviteter skapade")
    CLOSED_AT_DISCHARGE = "closed_at_discharge", _("Stängd vid utskrivning, inte gjord")
    DUE_CHANGED = "due_changed", _("Tidpunkt räknad om")
    COMPLETED = "completed", _("Klar genom steg i Samsyn")
    CHECKED_OFF = "checked_off", _("Avbockad")
    MARKED_BY_CITIZEN = "marked_by_citizen", _("Markerad i Min planering")
    REOPENED = "reopened", _("Öppnad igen")
    NOT_APPLICABLE = "not_applicable", _("Inte längre aktuell")
    APPLICABLE = "applicable", _("Aktuell igen")
    OVERDUE = "overdue", _("Tidsfrist passerad")
    CANDIDATE_WITHDRAWN = "candidate_withdrawn", _("Avvikelsekandidat återkallad")


class ActivityLog(models.Model):
    """Append-only: what happened to an episode's activities, and the cause."""

    # No index of its own (issue 17): `activitylog_episode` (episode, at) leads with it.
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    activity = models.ForeignKey(
        EpisodeActivity, on_delete=models.CASCADE, null=True, blank=True, related_name="log"
    )
    kind = models.CharField(max_length=32, choices=LogKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The episode event that caused it, when one did.
    event = models.ForeignKey(
        "episodes.Event", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["episode", "at"], name="activitylog_episode")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class DeviationCandidate(PublicIdModel):
    """A missed legal or agreed deadline, kept for the deviation module.

    One per activity and missed due time: a rerun of the sweeper never duplicates it.
    """

    activity = models.ForeignKey(
        EpisodeActivity, on_delete=models.CASCADE, related_name="candidates"
    )
    episode = models.ForeignKey("episodes.Episode", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    rule_key = models.CharField(max_length=40)
    rule_title = models.CharField(max_length=200)
    deadline_kind = models.CharField(max_length=16, choices=DeadlineKind.choices)
    due_at = models.DateTimeField()
    detected_at = models.DateTimeField(default=timezone.now)
    # When the activity was finally done (late), if it was.
    completed_at = models.DateTimeField(null=True, blank=True)
    # A corrected anchor can show that the deadline was not missed after all.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "due_at"], name="one_candidate_per_miss")
        ]
        indexes = [
            # The manager's page: a unit's candidates, newest first.
            models.Index(fields=["unit", "detected_at"], name="candidate_unit"),
        ]

    def late_by(self, now: dt.datetime | None = None) -> dt.timedelta:
        """How late: to completion if done, else to now."""
        return (self.completed_at or now or timezone.now()) - self.due_at
