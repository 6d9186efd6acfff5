"""The individual (den enskilde): identifier, residence, listing, relatives."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicIdModel
from individuals.identifiers import PERSONNUMMER, RESERVNUMMER, SAMORDNINGSNUMMER, format_identifier


class IdentifierKind(models.TextChoices):
    PERSONNUMMER = PERSONNUMMER, _("Personnummer")
    SAMORDNINGSNUMMER = SAMORDNINGSNUMMER, _("Samordningsnummer")
    RESERVNUMMER = RESERVNUMMER, _("Reservnummer")


class Individual(PublicIdModel):
    # 12-digit normal form (YYYYMMDDNNNC) or a reserve number as given.
    identifier = models.CharField(max_length=20, unique=True)
    identifier_kind = models.CharField(max_length=20, choices=IdentifierKind.choices)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    birth_date = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    municipality = models.ForeignKey(
        "organisations.Principal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
    )
    residence_area = models.ForeignKey(
        "organisations.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
    )
    listed_unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listed_individuals",
    )
    protected_identity = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name"]

    @property
    def display_identifier(self) -> str:
        return format_identifier(self.identifier, self.identifier_kind)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def __str__(self) -> str:
        return f"{self.full_name} ({self.display_identifier})"


class Relative(models.Model):
    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="relatives")
    name = models.CharField(max_length=200)
    relation = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_legal_representative = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"
