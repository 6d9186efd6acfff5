"""The coordinated individual plan (SIP), in a stay and outside one.

Modelled on Socialstyrelsen's national information structure for the individual plan
(2022): a SIP is a process (identify need → prepare → invite → meeting → follow up → close)
around a plan whose content is versioned. `docs/sip.md` says where Samsyn departs from it.

`Sip` keeps its current state and a few cached columns for lists; `SipEvent` rows are the
truth of what happened (append-only, one function per kind in `sip/events.py`). A SIP tied to
a stay (`episode`) also has the episode's own SIP events, written by the episode actions that
the SIP actions call: the episode events count for the stay's process and its deadlines, the
SIP rows carry the richer record (who consented, participants, meeting, plan versions).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicIdModel, choice_label


class SipState(models.TextChoices):
    IDENTIFIED = "identified", _("Behov identifierat")
    CONSENTED = "consented", _("Samtycke finns")
    INVITED = "invited", _("Kallad")
    ACTIVE = "active", _("Plan upprättad")
    CLOSED = "closed", _("Avslutad")
    STOPPED = "stopped", _("Stoppad (samtycket återtaget)")
    DECLINED = "declined", _("Avböjd")
    WITHOUT_SIP = "without_sip", _("Planeras utan SIP")


# States in which the SIP still runs (participants act, follow-ups are due).
OPEN_STATES = frozenset(
    {SipState.IDENTIFIED, SipState.CONSENTED, SipState.INVITED, SipState.ACTIVE}
)


class SipKind(models.TextChoices):
    """A SIP, or the coordinated care plan (samordnad vårdplan) that compulsory psychiatric
    care (LPT/LRV) moving to compulsory outpatient care uses instead: the same plan machinery,
    led by the psychiatric outpatient clinic, without the consent step and the payment clock."""

    SIP = "sip", _("SIP")
    COORDINATED_CARE_PLAN = "coordinated_care_plan", _("Samordnad vårdplan (LPT/LRV)")


class Requester(models.TextChoices):
    """Who asked for the SIP (outside a stay the individual, a relative or an agency may)."""

    UNIT = "unit", _("Enheten som startar SIP")
    INDIVIDUAL = "individual", _("Den enskilde")
    RELATIVE = "relative", _("Närstående")
    OTHER_PRINCIPAL = "other_principal", _("Den andra huvudmannen")
    OTHER_AGENCY = "other_agency", _("Annan aktör (skola, Försäkringskassan …)")


class Consent(models.TextChoices):
    """Who answered the offer of a SIP, and so whether the SIP can go on."""

    INDIVIDUAL = "individual", _("Den enskilde samtycker")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal företrädare samtycker")
    RELATIVE_CONTACTED = (
        "relative_contacted",
        _("Den enskilde kan inte uttrycka sin vilja – närstående har kontaktats"),
    )
    NOBODY = (
        "nobody",
        _("Ingen kan föra den enskildes talan – planering utifrån den enskildes bästa utan SIP"),
    )
    DECLINED = "declined", _("Den enskilde avböjer SIP")


# Answers with which a SIP can be held.
CONSENTING = frozenset(
    {Consent.INDIVIDUAL, Consent.LEGAL_REPRESENTATIVE, Consent.RELATIVE_CONTACTED}
)

# The episode's own vocabulary for the same answer (`episodes.actions.SIP_CONSENT`,
# `SIP_CONSENT_BY`): the stay's process counts the offer from the episode event.
EPISODE_CONSENT = {
    Consent.INDIVIDUAL: ("accepted", "individual"),
    Consent.LEGAL_REPRESENTATIVE: ("accepted", "legal_representative"),
    Consent.RELATIVE_CONTACTED: ("unable", "relative"),
    Consent.NOBODY: ("unable", "individual"),
    Consent.DECLINED: ("declined", "individual"),
}


class MeetingForm(models.TextChoices):
    IN_PERSON = "in_person", _("Fysiskt möte")
    VIDEO = "video", _("Videomöte")
    PHONE = "phone", _("Telefonmöte")


class ParticipantKind(models.TextChoices):
    UNIT = "unit", _("Enhet")
    INDIVIDUAL = "individual", _("Den enskilde")
    RELATIVE = "relative", _("Närstående")
    OTHER = "other", _("Annan aktör")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planerad")
    ONGOING = "ongoing", _("Pågår")
    DONE = "done", _("Utförd")
    CHANGED = "changed", _("Ändrad")
    STOPPED = "stopped", _("Avslutad utan att utföras")


class CloseReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Målen är uppnådda")
    NO_LONGER_NEEDED = "no_longer_needed", _("Samordning behövs inte längre")
    INDIVIDUAL_DECLINES = "individual_declines", _("Den enskilde vill avsluta")
    MOVED = "moved", _("Den enskilde har flyttat")
    DECEASED = "deceased", _("Den enskilde har avlidit")
    OTHER = "other", _("Annat")


class Sip(PublicIdModel):
    individual = models.ForeignKey(
        "individuals.Individual", on_delete=models.PROTECT, related_name="sips"
    )
    # The stay it started in, if any; a SIP started in hospital goes on after discharge.
    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="sips"
    )
    kind = models.CharField(max_length=24, choices=SipKind.choices, default=SipKind.SIP)
    state = models.CharField(max_length=20, choices=SipState.choices, default=SipState.IDENTIFIED)
    started_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    requested_by = models.CharField(max_length=20, choices=Requester.choices, default="unit")
    need_note = models.TextField(blank=True)
    consent = models.CharField(max_length=24, choices=Consent.choices, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_scope = models.TextField(blank=True)
    relatives_may_take_part = models.BooleanField(default=False)
    invited_at = models.DateTimeField(null=True, blank=True)
    meeting_form = models.CharField(max_length=20, choices=MeetingForm.choices, blank=True)
    meeting_at = models.DateTimeField(null=True, blank=True)
    meeting_place = models.CharField(max_length=200, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    individual_took_part = models.BooleanField(null=True)
    follow_up_date = models.DateField(null=True, blank=True)  # of the current plan
    last_followed_up_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # closed, stopped, declined …
    close_reason = models.CharField(max_length=24, choices=CloseReason.choices, blank=True)
    # The number of the current plan version (0: no plan yet); a save names the version it
    # was based on and is refused when another save came first (optimistic versioning).
    plan_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # "Mina SIP": the open SIPs whose follow-up is due, earliest first.
            models.Index(fields=["state", "follow_up_date"], name="sip_state_follow_up"),
            # Statistics by month of start.
            models.Index(fields=["started_at"], name="sip_started_at"),
        ]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def follow_up_overdue(self, today: dt.date | None = None) -> bool:
        """Whether the plan's follow-up date has passed without a follow-up on or after it."""
        if self.state != SipState.ACTIVE or self.follow_up_date is None:
            return False
        return self.follow_up_date < (today or timezone.localdate())

    @property
    def is_coordinated_care_plan(self) -> bool:
        return self.kind == SipKind.COORDINATED_CARE_PLAN

    def get_state_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(SipState, self.state)

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(SipKind, self.kind)

    def get_consent_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(Consent, self.consent) if self.consent else ""

    def get_meeting_form_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(MeetingForm, self.meeting_form) if self.meeting_form else ""

    def __str__(self) -> str:
        return f"SIP {self.public_id} ({self.get_state_display()})"


class Participant(PublicIdModel):
    """Someone invited to the SIP: a unit of a principal (which makes the unit a party with
    need-to-know), the individual, a relative or another agency (named only)."""

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(max_length=20, choices=ParticipantKind.choices)
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sip_participations",
    )
    name = models.CharField(max_length=200, blank=True)  # a person, or the other agency
    invited_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True)  # None: no meeting yet
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sip", "unit"],
                condition=models.Q(unit__isnull=False),
                name="sip_one_participant_row_per_unit",
            )
        ]
        indexes = [
            # Need-to-know: the SIPs a unit takes part in.
            models.Index(fields=["unit", "sip"], name="sip_participant_unit"),
        ]

    @property
    def label(self) -> str:
        if self.unit is not None:
            return f"{self.unit.name}" + (f" ({self.name})" if self.name else "")
        return self.name or choice_label(ParticipantKind, self.kind)

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(ParticipantKind, self.kind)


class Meeting(PublicIdModel):
    """A further SIP meeting on an existing SIP (the second, third …), with its own
    attendance. The first meeting is the SIP's own (`Sip.meeting_at`, `held_at`,
    `Participant.attended`), which the statistics and the stay's clock read."""

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="meetings")
    number = models.PositiveIntegerField()  # 2, 3, … (1 is the SIP's first meeting)
    form = models.CharField(max_length=20, choices=MeetingForm.choices)
    at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    scheduled_at = models.DateTimeField(default=timezone.now)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(null=True, blank=True)
    individual_took_part = models.BooleanField(null=True)
    attended = models.ManyToManyField(Participant, blank=True, related_name="meetings_attended")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["sip", "number"], name="sip_one_meeting_number")
        ]

    def get_form_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(MeetingForm, self.form)


class PlanVersion(models.Model):
    """One saved version of the plan; never changed after it is written."""

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    what_matters = models.TextField(blank=True)  # "Vad är viktigt för dig?", own words
    needs = models.TextField(blank=True)
    goals = models.TextField(blank=True)
    individual_part = models.TextField(blank=True)  # what the individual and relatives do
    others_part = models.TextField(blank=True)  # actions by others (school, Försäkringskassan)
    self_care = models.TextField(blank=True)  # egenvård: assessed by health care, who does it
    lead_principal = models.ForeignKey(
        "organisations.Principal", on_delete=models.PROTECT, related_name="+"
    )
    contacts = models.JSONField(default=list, blank=True)  # [{"unit": public id, "name", "phone"}]
    follow_up_date = models.DateField()
    changed = models.JSONField(default=list, blank=True)  # field names changed from the last
    note = models.TextField(blank=True)  # why it changed (a follow-up, a correction …)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["sip", "number"], name="sip_one_version_number")
        ]


class PlanAction(models.Model):
    """An action (insats) of one plan version, with the responsible principal and unit."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveIntegerField()
    # The same action across versions keeps its key (the first version's public id).
    key = models.UUIDField()
    description = models.TextField()
    principal = models.ForeignKey(
        "organisations.Principal", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.CharField(max_length=200, blank=True)
    start = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default="planned")

    class Meta:
        ordering = ["position"]

    def get_status_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(ActionStatus, self.status)


class FollowUp(models.Model):
    """A follow-up of the plan: when, by whom, and what it led to (a new version)."""

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="follow_ups")
    held_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()  # the follow-up date it answered
    on_time = models.BooleanField()
    note = models.TextField(blank=True)
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+")
    next_date = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=24, choices=CloseReason.choices, blank=True)


class SipEventKind(models.TextChoices):
    STARTED = "started", _("SIP startad (behov bedömt)")
    CONSENT_RECORDED = "consent_recorded", _("Svar på erbjudande om SIP")
    INVITED = "invited", _("Kallelse skickad")
    NOTICE_ACKNOWLEDGED = "notice_acknowledged", _("Kallelse kvitterad")
    MEETING_HELD = "meeting_held", _("SIP-möte hållet")
    PLAN_SAVED = "plan_saved", _("Plan sparad")
    FOLLOWED_UP = "followed_up", _("Plan uppföljd")
    CLOSED = "closed", _("SIP avslutad")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Samtycket återtaget")
    PARTICIPANTS_ADDED = "participants_added", _("Deltagare tillagda")
    MEETING_SCHEDULED = "meeting_scheduled", _("Nytt SIP-möte inbokat")


class SipEvent(models.Model):
    """One step of a SIP. Append-only; written only by `sip/events.py`."""

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=SipEventKind.choices)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    # The episode's own event for the same step (need, offer, invitation), when in a stay.
    episode_event = models.ForeignKey(
        "episodes.Event", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            # Statistics: events of a kind in a period.
            models.Index(fields=["kind", "occurred_at"], name="sip_event_kind_time"),
        ]

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(SipEventKind, self.kind)


class NoticeKind(models.TextChoices):
    INVITATION = "invitation", _("Kallelse till SIP")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("SIP stoppad: samtycket återtaget")
    CLOSED = "closed", _("SIP avslutad")
    PARTICIPANT_ADDED = "participant_added", _("Inbjudan till pågående SIP")
    MEETING = "meeting", _("Kallelse till nytt SIP-möte")
    OWN_WORDS = "own_words", _("Den enskilde har skrivit vad som är viktigt")


class Notice(PublicIdModel):
    """A notice to a participating unit about a SIP (outside a stay there is no episode
    message to carry it). It names no patient: the SIP page behind it is need-to-know."""

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=NoticeKind.choices)
    sent_at = models.DateTimeField()
    # None: from the individual (or their representative) in the citizen portal.
    sent_by_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            # A unit's waiting SIP notices.
            models.Index(fields=["unit", "acknowledged_at"], name="sip_notice_waiting"),
        ]

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(NoticeKind, self.kind)


class OwnWords(models.Model):
    """ "Det som är viktigt för mig": what the individual (or their representative) writes in
    the citizen portal ahead of the SIP meeting, in their own words. Each entry is a new row
    (`number`), never changed; it stands beside the staff-written plan, never overwrites it.
    A citizen is not a staff user: who wrote it is kept by name and identity number."""

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="own_words")
    number = models.PositiveIntegerField()
    text = models.TextField()
    written_at = models.DateTimeField(default=timezone.now)
    written_by_name = models.CharField(max_length=200)
    written_by_identifier = models.CharField(max_length=20)
    as_representative = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["sip", "number"], name="sip_one_own_words_number")
        ]


class RequestKind(models.TextChoices):
    SIP = "sip", _("Begäran om SIP")
    CARE = "care", _("Vårdbegäran")


class RequestState(models.TextChoices):
    SENT = "sent", _("Skickad")
    ACKNOWLEDGED = "acknowledged", _("Kvitterad")
    ANSWERED = "answered", _("Besvarad")
    SIP_STARTED = "sip_started", _("SIP startad")


# A request still waiting for an answer or a SIP.
OPEN_REQUEST_STATES = frozenset({RequestState.SENT, RequestState.ACKNOWLEDGED})


class SipRequest(PublicIdModel):
    """A request about an individual outside a stay: a SIP request (from the individual in the
    portal, or from a unit) or a care request (vårdbegäran) from one principal's unit to the
    other's. It reaches each recipient unit's list ("Mina SIP"), is acknowledged there,
    answered, or turned into a SIP. Not an episode message: there is no episode."""

    kind = models.CharField(max_length=8, choices=RequestKind.choices)
    individual = models.ForeignKey(
        "individuals.Individual", on_delete=models.PROTECT, related_name="sip_requests"
    )
    state = models.CharField(max_length=16, choices=RequestState.choices, default="sent")
    # The sender: a user at a unit, or a citizen (the individual, or a representative).
    from_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_citizen_name = models.CharField(max_length=200, blank=True)
    from_citizen_identifier = models.CharField(max_length=20, blank=True)
    from_citizen_as_representative = models.BooleanField(default=False)
    text = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(blank=True)
    sip = models.ForeignKey(
        Sip, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REQUEST_STATES

    @property
    def from_citizen(self) -> bool:
        return self.from_unit_id is None

    @property
    def sender_label(self) -> str:
        if self.from_unit_id is not None and self.from_unit is not None:
            return self.from_unit.name
        if self.from_citizen_as_representative:
            return f"{self.from_citizen_name} ({_('företrädare')})"
        return f"{self.from_citizen_name} ({_('den enskilde')})"

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(RequestKind, self.kind)

    def get_state_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(RequestState, self.state)


class RequestRecipient(models.Model):
    """A unit a request was sent to (need-to-know for the request), and its acknowledgement."""

    request = models.ForeignKey(SipRequest, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="sip_requests_received"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "unit"], name="sip_one_recipient_per_unit")
        ]
        indexes = [models.Index(fields=["unit", "request"], name="sip_request_recipient_unit")]
