"""The access log: every read of patient data, as patientdatalagen (4 kap. 3 §) requires."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicIdModel
from organisations.models import CARE_ROLES


class AccessLog(models.Model):
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    individual = models.ForeignKey(
        "individuals.Individual", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What was read or tried: "episode.view", "individual.search", "api.episode.get", …
    action = models.CharField(max_length=64)
    # False when the user asked for something they may not see: the attempt is logged too.
    granted = models.BooleanField(default=True)
    path = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # Log review per individual and per user, newest first.
            models.Index(fields=["individual", "at"], name="accesslog_individual"),
            models.Index(fields=["user", "at"], name="accesslog_user"),
        ]


class ChangeKind(models.TextChoices):
    MEMBERSHIP_ADDED = "membership_added", _("Behörighet tillagd")
    MEMBERSHIP_CHANGED = "membership_changed", _("Behörighet ändrad")
    MEMBERSHIP_REMOVED = "membership_removed", _("Behörighet borttagen")
    USER_PRIVILEGES_CHANGED = "user_privileges_changed", _("Administratörsrätt ändrad")
    CONTACT_REDACTED = "contact_redacted", _("Kontaktuppgifter borttagna ur meddelanden")
    LOG_PURGED = "log_purged", _("Loggrader gallrade")


class ChangeRecord(models.Model):
    """An audit row for a change that decides who may read patient data, or that removes
    patient data: who changed what, when, with the values before and after (zulip's
    RealmAuditLog). Written only by `audit.changes`; never updated."""

    at = models.DateTimeField(default=timezone.now)
    # Who made the change; None for a management command or the system itself.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=ChangeKind.choices)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    individual = models.ForeignKey(
        "individuals.Individual", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=32, blank=True)
    # Values before and after, and whatever else names the change (the user's name, kept
    # should the user row go).
    data = models.JSONField(default=dict, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The review's list of changes in a period.
            models.Index(fields=["at"], name="changerecord_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @property
    def is_own_care_role(self) -> bool:
        """A user who gave themselves a role that reads patient data: the review flags it."""
        return (
            self.kind in (ChangeKind.MEMBERSHIP_ADDED, ChangeKind.MEMBERSHIP_CHANGED)
            and self.actor_id is not None
            and self.actor_id == self.subject_user_id
            and self.role in CARE_ROLES
        )


class LogRetention(models.Model):
    """How many years access-log rows are kept, in force from `valid_from` (dated
    configuration: a longer period later never resurrects purged rows; a shorter one takes
    effect from its date)."""

    valid_from = models.DateField(_("gäller från"), unique=True)
    years = models.PositiveSmallIntegerField(_("år"), validators=[MinValueValidator(1)])
    source = models.CharField(_("källa"), max_length=300, blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("gallringsfrist för loggen")
        verbose_name_plural = _("gallringsfrister för loggen")

    def __str__(self) -> str:
        return f"{self.years} år från {self.valid_from.isoformat()}"


class SampleKind(models.TextChoices):
    USER = "user", _("En användare")
    UNIT = "unit", _("En enhet")
    INDIVIDUAL = "individual", _("En individ")
    PROTECTED = "protected", _("Skyddade personuppgifter")
    WITHOUT_ROLE = "without_role", _("Läsning utan aktiv vårdroll")
    OUTSIDE_HOURS = "outside_hours", _("Läsning utanför arbetstid")
    MANY_INDIVIDUALS = "many_individuals", _("Många individer på kort tid")


class LogReview(PublicIdModel):
    """One systematic review: a sample of access-log rows drawn by a rule over a period, each
    row then marked with a conclusion, the review closed with a summary (HSLF-FS 2016:40
    4 kap. 9 §: systematic and recurring log review, documented)."""

    created_at = models.DateTimeField(default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sample_kind = models.CharField(max_length=32, choices=SampleKind.choices)
    # The period sampled: access rows whose local date is from `period_from` to `period_to`.
    period_from = models.DateField()
    period_to = models.DateField()
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    individual = models.ForeignKey(
        "individuals.Individual", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # How many rows matched the rule; the sample is every k-th of them.
    population = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_sample_kind_display()} {self.period_from}–{self.period_to}"


class Conclusion(models.TextChoices):
    JUSTIFIED = "justified", _("Befogad")
    FOLLOW_UP = "follow_up", _("Följs upp")
    UNJUSTIFIED = "unjustified", _("Obefogad")


class LogReviewItem(models.Model):
    """One sampled access-log row of a review and what the reviewer concluded about it."""

    review = models.ForeignKey(LogReview, on_delete=models.CASCADE, related_name="items")
    # A purged log row takes its review item with it; the review keeps its summary.
    entry = models.ForeignKey(AccessLog, on_delete=models.CASCADE, related_name="+")
    conclusion = models.CharField(max_length=16, choices=Conclusion.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entry__at", "entry_id"]
        constraints = [models.UniqueConstraint(fields=["review", "entry"], name="review_item_once")]
