"""Care episodes (vårdtillfällen), their parties, their append-only events and messages.

The events are the truth: every indicator of PROCESS.md is computed from `Event` rows. The
columns kept on `Episode` (state, ready_at, …) are a cache of the latest events for fast pages,
written by the same action in the same transaction as the event.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicIdModel, choice_label


class EpisodeState(models.TextChoices):
    ADMITTED = "admitted", _("Inskriven")
    READY = "ready", _("Utskrivningsklar")
    DISCHARGED = "discharged", _("Utskriven")
    EXITED = "exited", _("Avslutad")


class ExitReason(models.TextChoices):
    DEATH = "death", _("Avliden")
    TRANSFER = "transfer", _("Överflyttad till annat sjukhus")
    DECLINED = "declined", _("Den enskilde avböjer insatser")
    CANCELLED = "cancelled", _("Inskrivningen makulerad")


class DischargeDestination(models.TextChoices):
    HOME = "home", _("Ordinärt boende")
    HOME_WITH_SUPPORT = "home_with_support", _("Ordinärt boende med insatser")
    SHORT_TERM_CARE = "short_term_care", _("Korttidsboende")
    NURSING_HOME = "nursing_home", _("Särskilt boende")
    OTHER_HOSPITAL = "other_hospital", _("Annan sjukhusvård")
    OTHER = "other", _("Annat")


class Episode(PublicIdModel):
    individual = models.ForeignKey(
        "individuals.Individual", on_delete=models.PROTECT, related_name="episodes"
    )
    ward = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    admitted_at = models.DateTimeField()
    may_need_help = models.BooleanField(default=False)
    help_assessed_at = models.DateTimeField(null=True, blank=True)
    is_compulsory_care = models.BooleanField(default=False)  # LPT/LRV
    estimated_discharge_date = models.DateField(null=True, blank=True)
    state = models.CharField(
        max_length=20, choices=EpisodeState.choices, default=EpisodeState.ADMITTED
    )
    admission_notice_sent_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)  # the ready notice in force
    care_contact_name = models.CharField(max_length=200, blank=True)
    care_contact_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sip_needed = models.BooleanField(null=True)  # None: not yet judged
    sip_invited_at = models.DateTimeField(null=True, blank=True)
    information_transferred_at = models.DateTimeField(null=True, blank=True)
    summary_given_at = models.DateTimeField(null=True, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharge_destination = models.CharField(
        max_length=32, choices=DischargeDestination.choices, blank=True
    )
    exit_reason = models.CharField(max_length=20, choices=ExitReason.choices, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # discharge or exit
    readmission_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="readmissions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The ward's worklist: its active episodes.
            models.Index(fields=["ward", "state"], name="episode_ward_state"),
            # Readmission lookup: the individual's latest discharge.
            models.Index(
                fields=["individual", "discharged_at"], name="episode_individual_discharge"
            ),
            # Statistics by month of discharge.
            models.Index(fields=["discharged_at"], name="episode_discharged_at"),
            models.Index(fields=["admitted_at"], name="episode_admitted_at"),
            # Need-to-know: the episodes still open or ended within the access window.
            models.Index(fields=["ended_at"], name="episode_ended_at"),
        ]

    @property
    def is_active(self) -> bool:
        return self.state in (EpisodeState.ADMITTED, EpisodeState.READY)

    @property
    def ready_date(self) -> dt.date | None:
        from core.timerules import local_date

        return local_date(self.ready_at) if self.ready_at else None

    def get_state_display(self) -> str:
        return choice_label(EpisodeState, self.state)

    def __str__(self) -> str:
        return f"Vårdtillfälle {self.public_id} ({self.get_state_display()})"


class PartyRole(models.TextChoices):
    WARD = "ward", _("Vårdande avdelning")
    CONCERNED = "concerned", _("Berörd enhet")


class Party(models.Model):
    """A unit taking part in an episode: the ward, or a unit concerned (berörd enhet)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="parties")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(max_length=20, choices=PartyRole.choices)
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "unit"], name="one_party_row_per_unit")
        ]
        indexes = [
            # Need-to-know and worklists: the episodes a unit takes part in (index-only on
            # PostgreSQL: a busy unit has tens of thousands of rows over the years).
            models.Index(
                fields=["unit", "episode"], include=["removed_at"], name="party_unit_episode"
            ),
        ]


class EventKind(models.TextChoices):
    ADMITTED = "admitted", _("Inskriven")
    ADMISSION_CORRECTED = "admission_corrected", _("Inskrivningstid rättad")
    HELP_NEED_ASSESSED = "help_need_assessed", _("Bedömt behov av insatser efter utskrivning")
    ESTIMATED_DATE_SET = "estimated_date_set", _("Beräknat utskrivningsdatum satt")
    ESTIMATED_DATE_CHANGED = "estimated_date_changed", _("Beräknat utskrivningsdatum ändrat")
    PARTY_ADDED = "party_added", _("Berörd enhet tillagd")
    PARTY_REMOVED = "party_removed", _("Berörd enhet borttagen")
    ADMISSION_NOTICE_SENT = "admission_notice_sent", _("Inskrivningsmeddelande skickat")
    MESSAGE_ACKNOWLEDGED = "message_acknowledged", _("Meddelande kvitterat")
    MESSAGE_FORWARDED = "message_forwarded", _("Felsänt meddelande vidarebefordrat")
    PLANNING_MESSAGE_SENT = "planning_message_sent", _("Planeringsmeddelande skickat")
    CARE_REQUEST_SENT = "care_request_sent", _("Vårdbegäran skickad")
    FREE_MESSAGE_SENT = "free_message_sent", _("Meddelande skickat")
    CARE_CONTACT_APPOINTED = "care_contact_appointed", _("Fast vårdkontakt utsedd")
    SIP_NEED_ASSESSED = "sip_need_assessed", _("Behov av SIP bedömt")
    SIP_OFFERED = "sip_offered", _("SIP erbjuden")
    SIP_INVITATION_SENT = "sip_invitation_sent", _("Kallelse till SIP skickad")
    READY_NOTICE_SENT = "ready_notice_sent", _("Meddelande om utskrivningsklar skickat")
    READY_NOTICE_REVOKED = "ready_notice_revoked", _("Utskrivningsklar återtagen")
    INFORMATION_TRANSFERRED = "information_transferred", _("Informationsöverföring gjord")
    SUMMARY_GIVEN = "summary_given", _("Skriftlig sammanfattning given")
    DISCHARGED = "discharged", _("Utskriven")
    EXITED = "exited", _("Processen avbruten")
    READMISSION_LINKED = "readmission_linked", _("Återinskrivning kopplad")


class Event(models.Model):
    """One step of an episode. Append-only: rows are never updated or deleted."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The unit the event is about, when not the actor's: the unit added, acknowledging, …
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        "Message", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            # The timeline of an episode.
            models.Index(fields=["episode", "occurred_at"], name="event_episode_time"),
            # Indicators: events of a kind in a period.
            models.Index(fields=["kind", "occurred_at"], name="event_kind_time"),
            # Statistics: the events that have no column on the Episode row, joined to the
            # discharged episodes: planned-date moves (a change to a different date) and
            # SIP offered.
            models.Index(
                fields=["episode"],
                name="event_estimated_date_moves",
                condition=models.Q(kind="estimated_date_changed")
                & ~models.Q(data__date=models.F("data__previous")),
            ),
            models.Index(
                fields=["episode"],
                name="event_sip_offered",
                condition=models.Q(kind="sip_offered"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

    def get_kind_display(self) -> str:
        return choice_label(EventKind, self.kind)


class MessageKind(models.TextChoices):
    ADMISSION_NOTICE = "admission_notice", _("Inskrivningsmeddelande")
    ESTIMATED_DATE_CHANGED = "estimated_date_changed", _("Ändrat beräknat utskrivningsdatum")
    PLANNING = "planning", _("Planeringsmeddelande")
    CARE_REQUEST = "care_request", _("Vårdbegäran")
    READY_NOTICE = "ready_notice", _("Meddelande om utskrivningsklar")
    READY_REVOKED = "ready_revoked", _("Återtagen utskrivningsklar")
    SIP_INVITATION = "sip_invitation", _("Kallelse till SIP")
    DISCHARGE_NOTICE = "discharge_notice", _("Utskrivningsmeddelande")
    PROCESS_INTERRUPTED = "process_interrupted", _("Avbrott i processen")
    FREE = "free", _("Meddelande")


class Message(PublicIdModel):
    """A message to a unit's inbox. A person at the unit reads and acknowledges it."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=32, choices=MessageKind.choices)
    sender_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="inbox"
    )
    sent_at = models.DateTimeField()
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forwarded_to = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="forwarded_from"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            # A unit's inbox: its unacknowledged messages, newest first.
            models.Index(
                fields=["recipient_unit", "acknowledged_at", "sent_at"], name="message_inbox"
            ),
            models.Index(fields=["episode", "sent_at"], name="message_episode"),
            # Statistics, time to acknowledge: the admission notices of the episodes admitted
            # in a period (covering on PostgreSQL).
            models.Index(
                fields=["episode"],
                name="message_admission_notice",
                include=["id", "sent_at", "acknowledged_at", "recipient_unit"],
                condition=models.Q(kind="admission_notice", forwarded_to__isnull=True),
            ),
        ]

    @property
    def needs_acknowledgement(self) -> bool:
        return self.acknowledged_at is None and self.forwarded_to_id is None

    def get_kind_display(self) -> str:
        return choice_label(MessageKind, self.kind)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} till {self.recipient_unit}"
