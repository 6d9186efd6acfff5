"""Training: courses and their modules, sessions, what each lane and role requires, and who
completed what (by hand or imported from a learning platform's CSV export)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicIdModel
from organisations.models import UNIT_LANES, Role, User


class CourseKind(models.TextChoices):
    DIGITAL = "digital", _("Webbutbildning")
    CLASSROOM = "classroom", _("Lärarledd utbildning")
    SIP_LEADER = "sip_leader", _("SIP-samtalsledarutbildning")
    OTHER = "other", _("Annan")


class Course(PublicIdModel):
    """A course: the digital course in the learning platform (five parts), Basnivå i samverkan,
    the SIP meeting-leader training, or another."""

    name = models.CharField(_("namn"), max_length=160, unique=True)
    kind = models.CharField(_("typ"), max_length=20, choices=CourseKind.choices)
    description = models.TextField(_("beskrivning"), blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kurs")
        verbose_name_plural = _("kurser")

    def __str__(self) -> str:
        return self.name

    def modules_for_lane(self, lane: str) -> list[Module]:
        """The modules a participant working in `lane` takes: those for every lane and their
        lane's own (part 3 of the digital course has one module per lane)."""
        return [m for m in self.modules.all() if not m.lane or m.lane == lane]


class Module(models.Model):
    """A part or module of a course; `code` names it in a learning platform's export."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    code = models.CharField(_("kod"), max_length=40, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    part = models.PositiveSmallIntegerField(_("del"), default=1)
    # Set for a module meant for one lane only (the digital course's part 3, A–D).
    lane = models.CharField(_("simbana"), max_length=32, choices=UNIT_LANES, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minuter"), null=True, blank=True)

    class Meta:
        ordering = ["course__name", "part", "code"]
        verbose_name = _("modul")
        verbose_name_plural = _("moduler")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Session(PublicIdModel):
    """One occasion of a course (a two-day Basnivå group, a SIP leader training round)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_on = models.DateField(_("startdag"))
    ends_on = models.DateField(_("slutdag"), null=True, blank=True)
    place = models.CharField(_("plats"), max_length=160, blank=True)
    capacity = models.PositiveIntegerField(_("platser"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("kurstillfälle")
        verbose_name_plural = _("kurstillfällen")

    def __str__(self) -> str:
        return f"{self.course} {self.starts_on:%Y-%m-%d}"


class Requirement(models.Model):
    """Staff working in `lane` (blank: any lane) in `role` (blank: any role) must complete
    `module`."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="requirements")
    lane = models.CharField(_("simbana"), max_length=32, choices=UNIT_LANES, blank=True)
    role = models.CharField(_("roll"), max_length=32, choices=Role.choices, blank=True)

    class Meta:
        verbose_name = _("krav")
        verbose_name_plural = _("krav")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "lane", "role"], name="one_requirement_per_lane_role"
            )
        ]

    def __str__(self) -> str:
        lane = self.get_lane_display() or "*"
        return f"{self.module.code}: {lane} / {self.get_role_display() or '*'}"

    def applies_to(self, lane: str, role: str) -> bool:
        return (not self.lane or self.lane == lane) and (not self.role or self.role == role)


class CompletionSource(models.TextChoices):
    MANUAL = "manual", _("Registrerad för hand")
    IMPORT = "import", _("Importerad")


class ImportState(models.TextChoices):
    PREVIEW = "preview", _("Förhandsgranskning")
    IMPORTED = "imported", _("Importerad")


class ImportBatch(PublicIdModel):
    """An uploaded export of a learning platform: kept while its columns are mapped and
    previewed, then imported once (a second confirmation changes nothing)."""

    filename = models.CharField(max_length=200)
    content = models.TextField()  # decoded UTF-8; a file that is not is refused at upload
    delimiter = models.CharField(max_length=1, default=";")
    person_column = models.CharField(max_length=120, blank=True)
    module_column = models.CharField(max_length=120, blank=True)
    date_column = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=16, choices=ImportState.choices, default="preview")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")

    def __str__(self) -> str:
        return self.filename


class Completion(models.Model):
    """`user` completed `module` on `completed_on`. One row per user, module and day, so the
    same export imported twice adds nothing."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="completions")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField(_("slutförd"))
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="completions"
    )
    source = models.CharField(max_length=16, choices=CompletionSource.choices, default="manual")
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="completions"
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = _("genomförd modul")
        verbose_name_plural = _("genomförda moduler")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module", "completed_on"], name="one_completion_per_day"
            )
        ]
        indexes = [
            # coverage: a module's completions up to a day
            models.Index(fields=["module", "completed_on"], name="completion_module_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.module.code} {self.completed_on}"
