"""Care episodes (vårdtillfällen), their parties, their append-only events and messages.

The events are the truth: every indicator of PROCESS.md is computed from `Event` rows. The
columns kept on `Episode` (state, ready_at, …) are a cache of the events for fast pages, folded
from each event by one function (`fold`, through `Episode.apply`) in the transaction that
records it; the bench generator and the consistency check fold with the same function.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, models
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
    # The legal deadlines of the admission notice and the SIP invitation as the work
    # description gives them (None: not applicable, or not yet anchored). Written by the
    # process engine each time it evaluates the episode (`process.engine.deadline_of`); the
    # start page, the statistics and the payment rules read these, never a restated rule.
    admission_notice_due_at = models.DateTimeField(null=True, blank=True)
    sip_invitation_due_at = models.DateTimeField(null=True, blank=True)
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

    # Django's generated get_FOO_display translates every label per call (core.models).
    def get_state_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(EpisodeState, self.state)

    def __str__(self) -> str:
        return f"Vårdtillfälle {self.public_id} ({self.get_state_display()})"

    def apply(self, event: Event) -> list[str]:
        """Fold `event` into the cached columns (in memory) and return the names of the
        fields it changed, for `save(update_fields=...)`."""
        columns = {name: getattr(self, name) for name in FOLDED_COLUMNS}
        fold(columns, event.kind, event.occurred_at, event.data, event.unit_id)
        changed = [name for name in FOLDED_COLUMNS if columns[name] != getattr(self, name)]
        for name in changed:
            setattr(self, name, columns[name])
        if "readmission_of" in columns:
            public_id = columns["readmission_of"]
            previous = Episode.objects.only("id").get(public_id=public_id) if public_id else None
            if (previous.pk if previous else None) != self.readmission_of_id:
                self.readmission_of = previous
                changed.append("readmission_of")
        return changed


# The columns of `Episode` that `fold` keeps, with their value before the first event.
INITIAL_COLUMNS: dict = {
    "state": EpisodeState.ADMITTED,
    "may_need_help": False,
    "help_assessed_at": None,
    "estimated_discharge_date": None,
    "admission_notice_sent_at": None,
    "ready_at": None,
    "care_contact_name": "",
    "care_contact_unit_id": None,
    "sip_needed": None,
    "sip_invited_at": None,
    "information_transferred_at": None,
    "summary_given_at": None,
    "discharged_at": None,
    "discharge_destination": "",
    "exit_reason": "",
    "ended_at": None,
}
FOLDED_COLUMNS = ("admitted_at", *INITIAL_COLUMNS)


def fold(
    columns: dict, kind: str, occurred_at: dt.datetime, data: dict, unit_id: int | None
) -> None:
    """Change `columns` (an episode's cached columns by field name) as one event implies.

    The one fold from events to the cache: `Episode.apply` (the live actions), the bench
    generator and `bench.consistency` all call it. A readmission link or unlink sets
    `columns["readmission_of"]` to the previous episode's public id (or None).
    """
    if kind == EventKind.ADMITTED:
        columns["admitted_at"] = occurred_at
    elif kind == EventKind.ADMISSION_CORRECTED:
        previous, corrected = columns["admitted_at"], dt.datetime.fromisoformat(data["admitted_at"])
        columns["admitted_at"] = corrected
        assessed = columns["help_assessed_at"]
        # A judgement made at admission moves with the corrected admission time; a later
        # judgement never lies before the admission (Lag 2017:612: 24 hours from admission,
        # or from a later judgement).
        if assessed is not None and (assessed == previous or assessed < corrected):
            columns["help_assessed_at"] = corrected
    elif kind == EventKind.READMISSION_LINKED:
        columns["readmission_of"] = data["previous_episode"]
    elif kind == EventKind.READMISSION_UNLINKED:
        columns["readmission_of"] = None
    elif kind == EventKind.HELP_NEED_ASSESSED:
        columns["may_need_help"] = data["may_need_help"]
        columns["help_assessed_at"] = occurred_at if data["may_need_help"] else None
    elif kind in (EventKind.ESTIMATED_DATE_SET, EventKind.ESTIMATED_DATE_CHANGED):
        columns["estimated_discharge_date"] = dt.date.fromisoformat(data["date"])
    elif kind == EventKind.ADMISSION_NOTICE_SENT:
        if columns["admission_notice_sent_at"] is None:
            columns["admission_notice_sent_at"] = occurred_at
    elif kind == EventKind.CARE_CONTACT_APPOINTED:
        columns["care_contact_name"], columns["care_contact_unit_id"] = data["name"], unit_id
    elif kind == EventKind.SIP_NEED_ASSESSED:
        columns["sip_needed"] = data["needed"]
    elif kind == EventKind.SIP_INVITATION_SENT:
        columns["sip_invited_at"] = occurred_at
    elif kind == EventKind.READY_NOTICE_SENT:
        columns["state"], columns["ready_at"] = EpisodeState.READY, occurred_at
    elif kind == EventKind.READY_NOTICE_REVOKED:
        columns["state"], columns["ready_at"] = EpisodeState.ADMITTED, None
    elif kind == EventKind.INFORMATION_TRANSFERRED:
        columns["information_transferred_at"] = occurred_at
    elif kind == EventKind.SUMMARY_GIVEN:
        columns["summary_given_at"] = occurred_at
    elif kind == EventKind.DISCHARGED:
        columns["state"] = EpisodeState.DISCHARGED
        columns["discharged_at"] = columns["ended_at"] = occurred_at
        columns["discharge_destination"] = data["destination"]
    elif kind == EventKind.DISCHARGE_CANCELLED:
        # The stay goes on as before the discharge: ready when a ready notice is in force
        # (a discharge keeps `ready_at`), else admitted; the discharge's columns are cleared,
        # so the statistics and the payment no longer count it.
        columns["state"] = EpisodeState.READY if columns["ready_at"] else EpisodeState.ADMITTED
        columns["discharged_at"] = columns["ended_at"] = None
        columns["discharge_destination"] = ""
    elif kind == EventKind.EXITED:
        columns["state"], columns["exit_reason"] = EpisodeState.EXITED, data["reason"]
        columns["ended_at"] = occurred_at


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
    # When the unit's read access through this row ends (`visibility_end`); None: no end yet.
    # A cache of `removed_at`, the episode's `ended_at` and the individual's protected
    # identity, kept by `refresh_visibility` wherever one of them changes, so need-to-know
    # finds a unit's visible parties without reading its whole history.
    visible_until = models.DateTimeField(null=True, blank=True)

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
            # Need-to-know (`episodes.access.visible_parties`): a unit's parties with no end
            # of access yet (its open stays) ...
            models.Index(
                fields=["unit", "episode"],
                condition=models.Q(visible_until__isnull=True),
                name="party_unit_visible_open",
            ),
            # ... and those whose access ends after now (recently ended or removed).
            models.Index(
                fields=["unit", "visible_until"],
                include=["episode"],
                condition=models.Q(visible_until__isnull=False),
                name="party_unit_visible_until",
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        # A row created for a stay already ended or a party already removed (an import, a
        # builder) starts with its end of access; the usual new party of an open stay has
        # none, and asks nothing more.
        if self._state.adding and (self.removed_at or self.episode.ended_at):
            self.visible_until = visibility_end(
                self.removed_at, self.episode.ended_at, self.episode.individual.protected_identity
            )
        super().save(*args, **kwargs)


def visibility_end(
    removed_at: dt.datetime | None,
    ended_at: dt.datetime | None,
    protected_identity: bool,
    *,
    removal_days: int | None = None,
    end_days: int | None = None,
) -> dt.datetime | None:
    """The moment a party's unit stops seeing the episode (None: not yet known to end).

    A unit sees an episode while it is a party, for `SAMSYN_ACCESS_AFTER_REMOVAL_DAYS` after
    its removal (not at all after removal for a protected identity: the removal moment), and
    while the episode is open or for `SAMSYN_ACCESS_AFTER_END_DAYS` after it ended; the
    earlier of the two ends. The unit sees the episode at `now` while `now` <= this moment.
    """
    if removal_days is None:
        removal_days = settings.SAMSYN_ACCESS_AFTER_REMOVAL_DAYS
    if end_days is None:
        end_days = settings.SAMSYN_ACCESS_AFTER_END_DAYS
    ends = []
    if removed_at is not None:
        ends.append(
            removed_at if protected_identity else removed_at + dt.timedelta(days=removal_days)
        )
    if ended_at is not None:
        ends.append(ended_at + dt.timedelta(days=end_days))
    return min(ends) if ends else None


def refresh_visibility(episode_ids) -> int:
    """Write `Party.visible_until` (`visibility_end`) for every party of the episodes
    `episode_ids` (ids, or a queryset of ids); the one writer of the column. Called wherever
    a party's `removed_at`, an episode's `ended_at` or an individual's protected identity
    changes, and by `refresh_party_visibility` after the access-days settings change.
    Returns how many rows changed; one SELECT, and one UPDATE only when something changed."""
    rows = Party.objects.filter(episode_id__in=episode_ids).values_list(
        "id",
        "removed_at",
        "visible_until",
        "episode__ended_at",
        "episode__individual__protected_identity",
    )
    changed = []
    for pk, removed_at, old, ended_at, protected in rows:
        new = visibility_end(removed_at, ended_at, protected)
        if new != old:
            changed.append((pk, new))
    store_visibility(Party._meta.db_table, changed)
    return len(changed)


def store_visibility(table: str, values: list[tuple[int, dt.datetime | None]]) -> None:
    """UPDATE `visible_until` of the party rows [(id, value), …] as one prepared statement
    run for every row: ~20 times faster than `bulk_update`'s CASE for a whole history."""
    if not values:
        return
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET visible_until = %s WHERE id = %s",  # noqa: S608 (our table)
            [(adapt(value), pk) for pk, value in values],
        )


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
    DISCHARGE_CANCELLED = "discharge_cancelled", _("Utskrivning makulerad")
    EXITED = "exited", _("Processen avbruten")
    READMISSION_LINKED = "readmission_linked", _("Återinskrivning kopplad")
    READMISSION_UNLINKED = "readmission_unlinked", _("Koppling till återinskrivning borttagen")


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

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
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
    DISCHARGE_CANCELLED = "discharge_cancelled", _("Makulerad utskrivning")
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

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(MessageKind, self.kind)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} till {self.recipient_unit}"
