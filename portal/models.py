"""What the individual is given: the written summary at discharge, kept with the episode."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicIdModel, choice_label


class Variant(models.TextChoices):
    """The summary's language: each variant is its own template (`portal/summary/<value>.html`),
    written in that language; another language is added as another template."""

    PLAIN = "sv", _("Svenska (klarspråk)")
    EASY_READ = "lattlast", _("Lättläst svenska")
    ENGLISH = "en", _("Engelska")


class DischargeSummary(models.Model):
    """One written summary as given to the individual: the PDF exactly as printed, the data it
    was written from, and who produced it when. A new summary is a new row (`number`)."""

    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, related_name="discharge_summaries"
    )
    number = models.PositiveIntegerField()
    variant = models.CharField(max_length=10, choices=Variant.choices, default=Variant.PLAIN)
    # What the nurse added, and the facts from the episode as they were when it was written.
    data = models.JSONField(default=dict)
    pdf = models.BinaryField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sammanfattning vid utskrivning")
        verbose_name_plural = _("sammanfattningar vid utskrivning")
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="one_summary_per_number")
        ]


# -- Min planering: who may see an individual's planning, and what they read -------------------


class RepresentationKind(models.TextChoices):
    """Why someone else may see the individual's planning: the individual's own choice (a
    relative or anyone they trust), or a legal representative recorded by staff."""

    RELATIVE = "relative", _("Närstående med den enskildes tillåtelse")
    GOD_MAN = "god_man", _("God man")
    FORVALTARE = "forvaltare", _("Förvaltare")
    VARDNADSHAVARE = "vardnadshavare", _("Vårdnadshavare")


LEGAL_KINDS = frozenset(
    {RepresentationKind.GOD_MAN, RepresentationKind.FORVALTARE, RepresentationKind.VARDNADSHAVARE}
)


class Representation(PublicIdModel):
    """One person's right to see an individual's "Min planering", from `valid_from` to
    `valid_to` (inclusive, Stockholm dates), until revoked. Given by the individual in the
    portal (`granted_by_identifier`), or recorded by staff for a legal representative
    (`granted_by_user`, with its `basis`). The row's dates and revocation are its state; its
    history is `RepresentationEvent`, which is never changed."""

    individual = models.ForeignKey(
        "individuals.Individual", on_delete=models.PROTECT, related_name="representations"
    )
    # The representative's personal identity number in 12-digit normal form: what their
    # e-identification carries at login.
    representative_identifier = models.CharField(max_length=12)
    representative_name = models.CharField(max_length=200)
    relation = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=RepresentationKind.choices)
    basis = models.CharField(max_length=300, blank=True)  # the decision, for a legal kind
    valid_from = models.DateField()
    valid_to = models.DateField()
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by_identifier = models.CharField(max_length=12, blank=True)
    granted_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("företrädare i Min planering")
        verbose_name_plural = _("företrädare i Min planering")
        indexes = [
            # At every portal request: the individuals the logged-in person represents.
            models.Index(fields=["representative_identifier"], name="representation_by_person"),
        ]

    def is_valid_on(self, day: dt.date) -> bool:
        """Whether the access holds on `day`: not revoked, and `day` within its dates."""
        return self.revoked_at is None and self.valid_from <= day <= self.valid_to

    @property
    def is_legal(self) -> bool:
        return self.kind in LEGAL_KINDS

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(RepresentationKind, self.kind)


class RepresentationEventKind(models.TextChoices):
    GRANTED = "granted", _("Tillgång given")
    REVOKED = "revoked", _("Tillgång återkallad")
    EXPIRED = "expired", _("Tillgången gick ut")


class RepresentationEvent(models.Model):
    """The append-only history of a representation: granted, revoked, expired (each at most
    once). Who acted is a citizen (`actor_identifier`), a staff user, or nobody (expiry)."""

    representation = models.ForeignKey(
        Representation, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(max_length=10, choices=RepresentationEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor_identifier = models.CharField(max_length=12, blank=True)
    actor_name = models.CharField(max_length=200, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The representation as it was (name, relation, kind, basis, dates).
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("händelse för företrädare")
        verbose_name_plural = _("händelser för företrädare")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["representation", "kind"], name="one_representation_event_per_kind"
            )
        ]

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(RepresentationEventKind, self.kind)


class CitizenRead(models.Model):
    """A read in Min planering by the individual or a representative: the portal's own access
    log, since `audit.AccessLog` names a staff user. Granted or refused, every read is a row;
    the individual sees the representatives' rows in "Vem har läst mina uppgifter"."""

    at = models.DateTimeField(default=timezone.now)
    # Whom it was about; None when the page named nobody the reader may see (a refusal).
    individual = models.ForeignKey(
        "individuals.Individual", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reader_identifier = models.CharField(max_length=12)
    reader_name = models.CharField(max_length=200)
    representation = models.ForeignKey(
        Representation, on_delete=models.PROTECT, null=True, blank=True, related_name="reads"
    )
    action = models.CharField(max_length=64)  # "portal.overview", "portal.plan_pdf", …
    granted = models.BooleanField(default=True)
    path = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("läsning i Min planering")
        verbose_name_plural = _("läsningar i Min planering")
        ordering = ["-at", "-id"]
        indexes = [
            # "Vem har läst mina uppgifter": one individual's reads, newest first.
            models.Index(fields=["individual", "at"], name="citizenread_individual"),
        ]
