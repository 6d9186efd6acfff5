"""What the HL7 v2 intake received and answered, the visits it knows, and the queue of
messages an administrator must resolve."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    APPLIED = "applied", _("Genomfört")
    ERROR = "error", _("Fel (AE)")
    REJECTED = "rejected", _("Avvisat (AR)")
    QUEUED = "queued", _("Väntar i kön")
    CONFLICT = "conflict", _("Dubblett med annat innehåll")


class AdtMessage(models.Model):
    """One received ADT message, keyed on its control id (MSH-10) so it is applied exactly once:
    a resend with the same content gets the stored answer; the same control id with other
    content is kept as a `CONFLICT` row (answered AE)."""

    control_id = models.CharField(_("kontroll-id (MSH-10)"), max_length=64)
    content_hash = models.CharField(_("innehållets SHA-256"), max_length=64)
    message_type = models.CharField(_("meddelandetyp"), max_length=20, blank=True)
    received_at = models.DateTimeField(_("mottaget"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices)
    ack_code = models.CharField(_("kvittens"), max_length=2)
    error_code = models.CharField(_("felkod"), max_length=40, blank=True)
    error = models.TextField(_("fel"), blank=True)
    # The message itself, kept for a replay after the queue is resolved; emptied when the
    # retention has passed (`interop.hl7.retention`), the rest of the row stays.
    raw = models.TextField(_("meddelande"), blank=True)
    raw_purged_at = models.DateTimeField(_("meddelandet gallrat"), null=True, blank=True)
    ward_hsa_id = models.CharField(_("avdelningens HSA-id (PV1-3)"), max_length=64, blank=True)
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ADT-meddelande")
        verbose_name_plural = _("ADT-meddelanden")
        constraints = [
            models.UniqueConstraint(
                fields=["control_id"],
                condition=~models.Q(status="conflict") & ~models.Q(control_id=""),
                name="adt_control_id_once",
            )
        ]


class Visit(models.Model):
    """The hospital's visit number (PV1-19) of an episode admitted by ADT."""

    visit_number = models.CharField(_("besöksnummer (PV1-19)"), max_length=64, unique=True)
    episode = models.OneToOneField(
        "episodes.Episode", on_delete=models.PROTECT, related_name="hl7_visit"
    )


class ResolutionReason(models.TextChoices):
    UNKNOWN_WARD = "unknown_ward", _("Okänd avdelning")
    UNKNOWN_IDENTITY = "unknown_identity", _("Okänd person")
    MERGE_REFUSED = "merge_refused", _("Sammanslagning kräver en person")


class ResolutionItem(models.Model):
    """A message that could not be applied until an administrator acts: maps its ward
    (`interop.hl7.intake.resolve_ward`, which replays it), or, for an unknown person or a
    merge that needs a person, replays it once that is sorted out or dismisses it
    (`replay_item`, `dismiss_item`)."""

    message = models.OneToOneField(AdtMessage, on_delete=models.CASCADE, related_name="resolution")
    reason = models.CharField(_("orsak"), max_length=20, choices=ResolutionReason.choices)
    hsa_id = models.CharField(_("HSA-id"), max_length=64)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    resolved_at = models.DateTimeField(_("löst"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        "organisations.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ärende att lösa")
        verbose_name_plural = _("ärenden att lösa")
