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
    identifier = models.CharField(_("personnummer"), max_length=20, unique=True)
    identifier_kind = models.CharField(
        _("slag av nummer"), max_length=20, choices=IdentifierKind.choices
    )
    given_name = models.CharField(_("förnamn"), max_length=100)
    family_name = models.CharField(_("efternamn"), max_length=100)
    birth_date = models.DateField(_("födelsedatum"), null=True, blank=True)
    address = models.CharField(_("adress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=10, blank=True)
    city = models.CharField(_("ort"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    municipality = models.ForeignKey(
        "organisations.Principal",
        verbose_name=_("folkbokföringskommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
    )
    residence_area = models.ForeignKey(
        "organisations.Area",
        verbose_name=_("område"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
    )
    listed_unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("listad vid"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listed_individuals",
    )
    protected_identity = models.BooleanField(_("skyddad identitet"), default=False)
    created_at = models.DateTimeField(_("registrerad"), default=timezone.now)
    # A duplicate identity the region's record merged into another (ADT^A40): its stays were
    # moved to `merged_into`; the row stays for the history (the access log names it).
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("sammanslagen med"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )

    class Meta:
        verbose_name = _("enskild")
        verbose_name_plural = _("enskilda")
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
    individual = models.ForeignKey(
        Individual, on_delete=models.CASCADE, related_name="relatives", verbose_name=_("enskild")
    )
    name = models.CharField(_("namn"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    is_legal_representative = models.BooleanField(_("legal företrädare"), default=False)

    class Meta:
        verbose_name = _("närstående")
        verbose_name_plural = _("närstående")

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class IndividualMerge(models.Model):
    """The audit trail of one merge: who (or which message) merged the duplicate `prior` into
    `surviving`, when, and the stays that moved. Written only by
    `episodes.actions.merge.do_merge_individuals`; never updated."""

    at = models.DateTimeField(_("tidpunkt"), default=timezone.now)
    actor = models.ForeignKey(
        "organisations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    surviving = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="merges_received"
    )
    prior = models.ForeignKey(Individual, on_delete=models.PROTECT, related_name="merges_given")
    # The numbers as they were at the merge (the rows themselves may change later).
    surviving_identifier = models.CharField(_("kvarvarande nummer"), max_length=20)
    prior_identifier = models.CharField(_("tidigare nummer"), max_length=20)
    episodes = models.JSONField(_("flyttade vårdtillfällen"), default=list)
    source = models.CharField(_("källa"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sammanslagning av enskilda")
        verbose_name_plural = _("sammanslagningar av enskilda")
