"""Dated configuration of the municipal payment responsibility (betalningsansvar).

Which model applies, with which parameters, and the daily rate are agreements between the
parties that change over time: rows with a validity period, edited in the admin, never
constants in code. A row with no region applies to every region without a row of its own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentModel(models.TextChoices):
    LAW_DEFAULT = "law_default", _("Lagens modell: från tre kalenderdagar efter utskrivningsklar")
    VGR_AVERAGE = "vgr_average", _("VGR: kommunens genomsnitt mot 3,0 dagar och 7-dagarsregel")


class Confidence(models.TextChoices):
    VERIFIED = "verified", _("Bekräftad i källa")
    PROBABLE = "probable", _("Trolig (en andrahandskälla)")


class _Dated(models.Model):
    region = models.ForeignKey(
        "organisations.Principal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "region"},
        verbose_name=_("region"),
        help_text=_("Tom: gäller alla regioner som inte har en egen rad."),
    )
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till och med"), null=True, blank=True)
    source = models.CharField(_("källa"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def in_force(cls, day: dt.date, region=None):
        """The row in force on `day`: the region's own row first, else the general one."""
        rows = cls.objects.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )
        if region is not None:
            own = rows.filter(region=region).order_by("-valid_from").first()
            if own is not None:
                return own
        return rows.filter(region__isnull=True).order_by("-valid_from").first()


class PaymentAgreement(_Dated):
    """The payment model in force for a region over a period, with its parameters."""

    model = models.CharField(_("modell"), max_length=20, choices=PaymentModel.choices)
    # law_default: days 0 .. free_days-1 after the ready notice are free; each further night
    # is billed. vgr_average uses it for the episodes billed individually.
    free_days = models.PositiveSmallIntegerField(_("fria dagar"), default=3)
    average_limit = models.DecimalField(
        _("gräns för genomsnitt (dagar)"), max_digits=4, decimal_places=2, default=Decimal("3.00")
    )
    individual_after_days = models.PositiveSmallIntegerField(
        _("individuell debitering efter (dagar)"),
        default=7,
        help_text=_(
            "VGR: den som väntar fler dagar än så tas ur genomsnittet och debiteras individuellt."
        ),
    )
    note = models.TextField(_("anmärkning"), blank=True)

    class Meta:
        verbose_name = _("betalningsmodell")
        verbose_name_plural = _("betalningsmodeller")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agreement_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_model_display()} från {self.valid_from}"


class DailyRate(_Dated):
    """The amount per day of payment responsibility (Socialstyrelsen's, unless agreed)."""

    amount = models.DecimalField(_("belopp per dygn (kr)"), max_digits=8, decimal_places=0)
    confidence = models.CharField(
        _("säkerhet"), max_length=20, choices=Confidence.choices, default=Confidence.VERIFIED
    )

    class Meta:
        verbose_name = _("dygnskostnad")
        verbose_name_plural = _("dygnskostnader")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="daily_rate_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} kr från {self.valid_from}"
