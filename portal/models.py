"""What the individual is given: the written summary at discharge, kept with the episode."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
