from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The translated label of one value. Django's generic `get_FOO_display` rebuilds a dict of
    every label of the field (translating each) on every call; a timeline of fifty events
    with forty kinds paid for two thousand translations."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class PublicIdModel(models.Model):
    """A model whose rows are named outside the database (URLs, API) by a UUID, never by pk."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class SubmissionKey(models.Model):
    """A form or API request already carried out, so that a resubmission changes nothing.

    Pages put a fresh key in every form; the API takes an `Idempotency-Key` header.
    """

    key = models.CharField(max_length=64, unique=True)
    user_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # What the request created (API paths, space-separated), for the 409 of a repeated key.
    resource = models.CharField(max_length=1000, blank=True, default="")


class CountKey(models.TextChoices):
    """The regional counts (hours, days) that rules read from dated configuration."""

    ADMISSION_NOTICE_HOURS = "admission_notice_hours", _("Inskrivningsmeddelande inom (timmar)")
    SIP_INVITATION_DAYS = (
        "sip_invitation_days",
        _("Kallelse till SIP inom (kalenderdagar efter utskrivningsklar)"),
    )
    READMISSION_DAYS = (
        "readmission_days",
        _("Återinskrivning räknas inom (dagar efter utskrivning)"),
    )


class RegionalCount(models.Model):
    """One regional count with the period it is in force, from `valid_from` to `valid_to`
    (both days included; no end: until further notice). Read it with
    `core.configuration.regional_count`, never from this model directly.

    A change of a count is a new row: end the old one the day before the new one starts, so
    that episodes and statistics of earlier days keep the value that was in force then.
    """

    key = models.CharField(_("avser"), max_length=40, choices=CountKey.choices)
    value = models.PositiveIntegerField(_("antal"), validators=[MinValueValidator(1)])
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(
        _("gäller till och med"),
        null=True,
        blank=True,
        help_text=_("Tom: gäller tills vidare."),
    )
    source = models.TextField(
        _("källa"), blank=True, help_text=_("Lag, föreskrift eller överenskommelse.")
    )

    class Meta:
        verbose_name = _("regionalt antal")
        verbose_name_plural = _("regionala antal")
        ordering = ["key", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="regional_count_valid_range",
            ),
            models.CheckConstraint(condition=Q(value__gte=1), name="regional_count_positive"),
            # Overlapping periods are refused by clean(); two rows starting on the same day are
            # refused by the database too, whoever writes them.
            models.UniqueConstraint(fields=["key", "valid_from"], name="regional_count_one_start"),
        ]

    def __str__(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else _("tills vidare")
        return f"{self.get_key_display()}: {self.value} ({self.valid_from.isoformat()}–{end})"

    def overlapping(self) -> models.QuerySet[RegionalCount]:
        """The other rows of the same key whose period shares at least one day with this one."""
        rows = RegionalCount.objects.filter(key=self.key).exclude(pk=self.pk)
        rows = rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.valid_to is not None:
            rows = rows.filter(valid_from__lte=self.valid_to)
        return rows

    def clean(self) -> None:
        super().clean()
        if self.valid_from is None or not self.key:
            return  # the field errors say what is missing
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("Slutdatumet kan inte ligga före startdatumet.")},
                code="invalid_range",
            )
        other = self.overlapping().order_by("valid_from").first()
        if other is not None:
            raise ValidationError(
                _(
                    "Perioden överlappar en annan rad för samma antal (%(other)s). "
                    "Avsluta den raden dagen före den nya perioden börjar."
                ),
                code="overlap",
                params={"other": other},
            )
