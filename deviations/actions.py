"""Every change to a deviation: each `do_*` checks, writes and records its event in one
transaction, or raises `ActionError` and changes nothing. E-mail (no patient data, only a
link) goes out through `core.mail.notify` once the transaction has committed.

The story: the reporter's unit reports (`do_report`, or `do_send_candidate` from a missed
deadline); the receiving organisation's deviation contact acknowledges, may ask the reporter
(`do_ask_question` / `do_reply`) or pass it on within the organisation, and answers (cause,
measures, systemic or not); the reporter closes it, or sends it back once with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import submissions
from core.errors import ActionError
from core.mail import absolute_url, notify
from core.timerules import add_working_days, end_of_local_day, local_date
from deviations.access import contact_principal_ids, contacts_for, is_contact_for
from deviations.candidates import let_down_principal_ids
from deviations.models import (
    RECEIVER_STATES,
    CandidateDecision,
    CandidateDecisionKind,
    DeadlineKey,
    Deviation,
    DeviationCategory,
    DeviationEvent,
    DeviationEventKind,
    DeviationState,
    categories_in_force,
    deadline_days,
)
from deviations.privacy import text_warnings
from episodes.access import care_unit_ids, visible_parties
from episodes.models import Episode, Party
from organisations.models import CARE_ROLES, Unit, User
from process.models import DeviationCandidate

MAX_WHAT = 4000
MAX_CONSEQUENCE = 2000
MAX_ANSWER = 4000
MAX_SHORT = 1000


@dataclass
class ReportResult:
    deviation: Deviation
    warnings: list[str]


def _text(value: str | None, *, field: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("Fältet måste fyllas i."), code="required", field=field)
    if len(value) > limit:
        raise ActionError(
            _("Texten är för lång (%(length)d tecken, högst %(limit)d).")
            % {"length": len(value), "limit": limit},
            code="too_long",
            field=field,
        )
    return value


def _category(key: str | None, day: dt.date) -> DeviationCategory:
    for category in categories_in_force(day):
        if category.key == key:
            return category
    if not key:
        raise ActionError(_("Välj en kategori."), code="required", field="category")
    raise ActionError(
        _("Kategorin finns inte eller gäller inte längre."),
        code="invalid_category",
        field="category",
    )


def _event(
    deviation: Deviation,
    kind: DeviationEventKind,
    *,
    by: User | None,
    unit: Unit | None,
    at: dt.datetime,
    **data,
) -> DeviationEvent:
    return DeviationEvent.objects.create(
        deviation=deviation, kind=kind, at=at, actor=by, actor_unit=unit, data=data
    )


def _link(deviation: Deviation) -> str:
    return absolute_url(reverse("deviations:detail", args=[deviation.public_id]))


def _tell_contacts(deviation: Deviation, subject: str) -> None:
    notify(
        [u.email for u in contacts_for(deviation.handling_unit)],
        subject,
        _(
            "%(subject)s för %(unit)s väntar på dig i Samsyn.\n\n%(link)s\n\n"
            "Meddelandet innehåller inga patientuppgifter."
        )
        % {"subject": subject, "unit": deviation.handling_unit.name, "link": _link(deviation)},
    )


def _tell_reporter(deviation: Deviation, subject: str) -> None:
    notify(
        [deviation.reporter.email],
        subject,
        _(
            "%(subject)s. Läs mer i Samsyn:\n\n%(link)s\n\n"
            "Meddelandet innehåller inga patientuppgifter."
        )
        % {"subject": subject, "link": _link(deviation)},
    )


def _due(day: dt.date, key: str) -> dt.datetime:
    return end_of_local_day(add_working_days(day, deadline_days(key, day)))


def _check_event_date(event_date: dt.date | None, episode: Episode, today: dt.date) -> dt.date:
    if event_date is None:
        raise ActionError(_("Ange händelsedatum."), code="required", field="event_date")
    if event_date > today:
        raise ActionError(
            _("Händelsedatumet ligger i framtiden."), code="future_date", field="event_date"
        )
    if event_date < local_date(episode.admitted_at):
        raise ActionError(
            _("Händelsedatumet ligger före vårdtillfällets inskrivning (%(day)s).")
            % {"day": local_date(episode.admitted_at).isoformat()},
            code="before_episode",
            field="event_date",
        )
    return event_date


def _create(
    user: User,
    episode: Episode,
    *,
    reporting_unit: Unit,
    receiving_unit: Unit | None,
    category_key: str | None,
    event_date: dt.date | None,
    what_happened: str,
    consequence: str,
    candidate: DeviationCandidate | None = None,
) -> ReportResult:
    now = timezone.now()
    today = local_date(now)
    if receiving_unit is None:
        raise ActionError(
            _("Välj den mottagande enheten (den part avvikelsen gäller)."),
            code="required",
            field="receiving_unit",
        )
    if receiving_unit.pk == reporting_unit.pk:
        raise ActionError(
            _(
                "En avvikelse inom den egna enheten är ingen avvikelse i samverkan. Rapportera "
                "den i din organisations egen avvikelsehantering (regionens eller kommunens "
                "avvikelsesystem)."
            ),
            code="own_unit",
            field="receiving_unit",
        )
    if not receiving_unit.is_active:
        raise ActionError(
            _("Den mottagande enheten är inte längre aktiv."),
            code="inactive_unit",
            field="receiving_unit",
        )
    category = _category(category_key, today)
    event_date = _check_event_date(event_date, episode, today)
    what_happened = _text(what_happened, field="what_happened", limit=MAX_WHAT, required=True)
    consequence = _text(consequence, field="consequence", limit=MAX_CONSEQUENCE)
    individual = episode.individual
    warnings = text_warnings(
        f"{what_happened}\n{consequence}", names=[individual.given_name, individual.family_name]
    )
    # A protected identity's home area is not written beside the deviation.
    home_area = None if individual.protected_identity else individual.residence_area
    area = reporting_unit.area or receiving_unit.area or home_area
    deviation = Deviation.objects.create(
        episode=episode,
        category=category,
        event_date=event_date,
        reporter=user,
        reporting_unit=reporting_unit,
        reporting_principal_id=reporting_unit.principal_id,
        receiving_unit=receiving_unit,
        receiving_principal_id=receiving_unit.principal_id,
        handling_unit=receiving_unit,
        area=area,
        what_happened=what_happened,
        consequence=consequence,
        personal_data_warned=bool(warnings),
        candidate=candidate,
        reported_at=now,
        acknowledge_due_at=_due(today, DeadlineKey.ACKNOWLEDGE),
        answer_due_at=_due(today, DeadlineKey.ANSWER),
    )
    _event(
        deviation,
        DeviationEventKind.REPORTED,
        by=user,
        unit=reporting_unit,
        at=now,
        category=category.key,
        receiving_unit=str(receiving_unit.public_id),
        candidate=str(candidate.public_id) if candidate else None,
        personal_data_warned=bool(warnings),
    )
    _tell_contacts(deviation, _("En ny avvikelse i samverkan"))
    return ReportResult(deviation, warnings)


def reporting_units(user: User, episode: Episode) -> list[Unit]:
    """The units through which `user` may report about `episode`: their care units that are
    (or were, within the need-to-know window) parties to it."""
    unit_ids = visible_parties(care_unit_ids(user)).filter(episode=episode).values("unit_id")
    return list(Unit.objects.filter(id__in=unit_ids).select_related("principal", "area"))


def proposed_receiving_units(episode: Episode, reporting_unit: Unit | None) -> list[Unit]:
    """The episode's other parties, the ward first: whom a deviation is most likely about."""
    parties = Party.objects.filter(episode=episode).select_related("unit").order_by("id")
    units: dict[int, Unit] = {}
    for party in parties:
        if reporting_unit is None or party.unit_id != reporting_unit.pk:
            units.setdefault(party.unit_id, party.unit)
    return sorted(units.values(), key=lambda u: (u.pk != episode.ward_id, u.name))


@transaction.atomic
def do_report(
    user: User,
    episode: Episode,
    *,
    receiving_unit: Unit | None,
    category_key: str | None,
    event_date: dt.date | None,
    what_happened: str,
    consequence: str = "",
    reporting_unit: Unit | None = None,
    submission_key: str | None = None,
) -> ReportResult:
    """Report a deviation about `episode` from one of the user's care units that takes part in
    it, to `receiving_unit`; returns it and the warnings about personal data in the text
    (shown, not refused)."""
    submissions.claim(submission_key, user)
    units = reporting_units(user, episode)
    if reporting_unit is not None:
        units = [u for u in units if u.pk == reporting_unit.pk]
    if not units:
        raise ActionError(
            _("Du arbetar inte på någon enhet som deltar i det här vårdtillfället."),
            code="not_a_party",
        )
    return _create(
        user,
        episode,
        reporting_unit=units[0],
        receiving_unit=receiving_unit,
        category_key=category_key,
        event_date=event_date,
        what_happened=what_happened,
        consequence=consequence,
    )


def _lock(deviation: Deviation) -> Deviation:
    return (
        Deviation.objects.select_for_update()
        .select_related("handling_unit", "reporting_unit", "reporter", "receiving_unit")
        .get(pk=deviation.pk)
    )


def _as_contact(user: User, deviation: Deviation, what: str) -> None:
    if not is_contact_for(user, deviation.handling_unit):
        raise ActionError(
            _("Bara avvikelsekontakten för %(unit)s kan %(what)s.")
            % {"unit": deviation.handling_unit.name, "what": what},
            code="not_contact",
        )


def may_act_as_reporter(user: User, deviation: Deviation) -> bool:
    """The reporter, a care-role colleague at the reporting unit, or its deviation contact."""
    if user.pk == deviation.reporter_id:
        return True
    if any(
        m.unit_id == deviation.reporting_unit_id and m.role in CARE_ROLES
        for m in user.active_memberships()
    ):
        return True
    return is_contact_for(user, deviation.reporting_unit)


def _as_reporter(user: User, deviation: Deviation) -> None:
    if not may_act_as_reporter(user, deviation):
        raise ActionError(
            _("Bara den rapporterande enheten kan göra det här."), code="not_reporter"
        )


def _state(deviation: Deviation, allowed: tuple[str, ...], message: str, code: str) -> None:
    if deviation.state not in allowed:
        raise ActionError(message, code=code)


@transaction.atomic
def do_acknowledge(
    user: User, deviation: Deviation, *, submission_key: str | None = None
) -> Deviation:
    """The receiving contact acknowledges (kvitterar) that the deviation has arrived."""
    submissions.claim(submission_key, user)
    deviation = _lock(deviation)
    _as_contact(user, deviation, _("kvittera avvikelsen"))
    _state(
        deviation,
        (DeviationState.REPORTED,),
        _("Avvikelsen är redan kvitterad."),
        "already_acknowledged",
    )
    now = timezone.now()
    deviation.state = DeviationState.ACKNOWLEDGED
    deviation.acknowledged_at = now
    deviation.save(update_fields=["state", "acknowledged_at"])
    _event(
        deviation, DeviationEventKind.ACKNOWLEDGED, by=user, unit=deviation.handling_unit, at=now
    )
    return deviation


def _acknowledge_implicitly(deviation: Deviation, now: dt.datetime) -> None:
    if deviation.acknowledged_at is None:
        deviation.acknowledged_at = now


@transaction.atomic
def do_ask_question(
    user: User, deviation: Deviation, question: str, *, submission_key: str | None = None
) -> Deviation:
    """The contact asks the reporter something; the deviation waits for the reply."""
    submissions.claim(submission_key, user)
    deviation = _lock(deviation)
    _as_contact(user, deviation, _("ställa en fråga"))
    _state(
        deviation,
        RECEIVER_STATES,
        _("Avvikelsen väntar inte på er just nu."),
        "wrong_state",
    )
    question = _text(question, field="question", limit=MAX_SHORT, required=True)
    now = timezone.now()
    _acknowledge_implicitly(deviation, now)
    deviation.state = DeviationState.QUESTION
    deviation.question = question
    deviation.save(update_fields=["state", "question", "acknowledged_at"])
    _event(
        deviation,
        DeviationEventKind.QUESTION_ASKED,
        by=user,
        unit=deviation.handling_unit,
        at=now,
        question=question,
    )
    _tell_reporter(deviation, _("Mottagaren av din avvikelse har en fråga"))
    return deviation


@transaction.atomic
def do_reply(
    user: User, deviation: Deviation, reply: str, *, submission_key: str | None = None
) -> Deviation:
    """The reporting side answers the contact's question; the investigation goes on."""
    submissions.claim(submission_key, user)
    deviation = _lock(deviation)
    _as_reporter(user, deviation)
    _state(
        deviation,
        (DeviationState.QUESTION,),
        _("Det finns ingen fråga att svara på."),
        "no_question",
    )
    reply = _text(reply, field="reply", limit=MAX_SHORT, required=True)
    now = timezone.now()
    deviation.state = (
        DeviationState.SENT_BACK if deviation.sent_back_at else DeviationState.ACKNOWLEDGED
    )
    deviation.save(update_fields=["state"])
    _event(
        deviation,
        DeviationEventKind.QUESTION_ANSWERED,
        by=user,
        unit=deviation.reporting_unit,
        at=now,
        reply=reply,
    )
    _tell_contacts(deviation, _("Rapportören har svarat på er fråga om en avvikelse"))
    return deviation


@transaction.atomic
def do_pass_on(
    user: User,
    deviation: Deviation,
    to_unit: Unit | None,
    reason: str = "",
    *,
    submission_key: str | None = None,
) -> Deviation:
    """The contact passes the deviation to the right unit within the receiving organisation."""
    submissions.claim(submission_key, user)
    deviation = _lock(deviation)
    _as_contact(user, deviation, _("lämna avvikelsen vidare"))
    _state(
        deviation,
        RECEIVER_STATES,
        _("Avvikelsen väntar inte på er just nu."),
        "wrong_state",
    )
    if to_unit is None:
        raise ActionError(_("Välj en enhet."), code="required", field="unit")
    if to_unit.principal_id != deviation.receiving_principal_id:
        raise ActionError(
            _("Avvikelsen kan bara lämnas vidare inom den mottagande organisationen."),
            code="other_principal",
            field="unit",
        )
    if to_unit.pk == deviation.handling_unit_id:
        raise ActionError(
            _("Välj en annan enhet än den som har avvikelsen nu."), code="same_unit", field="unit"
        )
    reason = _text(reason, field="reason", limit=MAX_SHORT)
    now = timezone.now()
    from_unit = deviation.handling_unit
    deviation.handling_unit = to_unit
    deviation.save(update_fields=["handling_unit"])
    _event(
        deviation,
        DeviationEventKind.PASSED_ON,
        by=user,
        unit=from_unit,
        at=now,
        from_unit=str(from_unit.public_id),
        to_unit=str(to_unit.public_id),
        reason=reason,
    )
    _tell_contacts(deviation, _("En avvikelse i samverkan har lämnats vidare till er"))
    return deviation


@transaction.atomic
def do_answer(
    user: User,
    deviation: Deviation,
    *,
    cause: str,
    measures: str,
    systemic: bool | None,
    submission_key: str | None = None,
) -> Deviation:
    """The contact answers: what caused it, what is done about it, and whether it is a fault
    in the system of collaboration rather than a single slip."""
    submissions.claim(submission_key, user)
    deviation = _lock(deviation)
    _as_contact(user, deviation, _("besvara avvikelsen"))
    _state(
        deviation,
        RECEIVER_STATES,
        _(
            "Avvikelsen kan inte besvaras nu (den är besvarad, väntar på svar från rapportören "
            "eller är avslutad)."
        ),
        "wrong_state",
    )
    cause = _text(cause, field="cause", limit=MAX_ANSWER, required=True)
    measures = _text(measures, field="measures", limit=MAX_ANSWER, required=True)
    if systemic is None:
        raise ActionError(
            _("Ange om det är en brist i systemet för samverkan."),
            code="required",
            field="systemic",
        )
    now = timezone.now()
    _acknowledge_implicitly(deviation, now)
    deviation.state = DeviationState.ANSWERED
    deviation.cause, deviation.measures, deviation.systemic = cause, measures, systemic
    deviation.answered_at = now
    if deviation.first_answered_at is None:
        deviation.first_answered_at = now
    deviation.save(
        update_fields=[
            "state",
            "cause",
            "measures",
            "systemic",
            "answered_at",
            "first_answered_at",
            "acknowledged_at",
        ]
    )
    _event(
        deviation,
        DeviationEventKind.ANSWERED,
        by=user,
        unit=deviation.handling_unit,
        at=now,
        cause=cause,
        measures=measures,
        systemic=systemic,
    )
    _tell_reporter(deviation, _("Din avvikelse i samverkan är besvarad"))
    return deviation


@transaction.atomic
def do_close(
    user: User, deviation: Deviation, comment: str = "", *, submission_key: str | None = None
) -> Deviation:
    """The reporting side accepts the answer and closes the deviation."""
    submissions.claim(submission_key, user)
    deviation = _lock(deviation)
    _as_reporter(user, deviation)
    if deviation.state == DeviationState.CLOSED:
        raise ActionError(_("Avvikelsen är redan avslutad."), code="already_closed")
    _state(
        deviation,
        (DeviationState.ANSWERED,),
        _("Avvikelsen kan avslutas först när mottagaren har besvarat den."),
        "not_answered",
    )
    comment = _text(comment, field="comment", limit=MAX_SHORT)
    now = timezone.now()
    deviation.state = DeviationState.CLOSED
    deviation.closed_at = now
    deviation.save(update_fields=["state", "closed_at"])
    _event(
        deviation,
        DeviationEventKind.CLOSED,
        by=user,
        unit=deviation.reporting_unit,
        at=now,
        comment=comment,
    )
    return deviation


@transaction.atomic
def do_send_back(
    user: User, deviation: Deviation, reason: str, *, submission_key: str | None = None
) -> Deviation:
    """The reporting side sends the answer back, once, with a reason."""
    submissions.claim(submission_key, user)
    deviation = _lock(deviation)
    _as_reporter(user, deviation)
    if deviation.sent_back_at is not None:
        raise ActionError(
            _(
                "Avvikelsen har redan skickats tillbaka en gång. Avsluta den, eller ta upp frågan "
                "i samverkansgruppen."
            ),
            code="already_sent_back",
        )
    _state(
        deviation,
        (DeviationState.ANSWERED,),
        _("Bara ett svar kan skickas tillbaka."),
        "not_answered",
    )
    reason = _text(reason, field="reason", limit=MAX_SHORT, required=True)
    now = timezone.now()
    deviation.state = DeviationState.SENT_BACK
    deviation.sent_back_at = now
    deviation.sent_back_reason = reason
    deviation.save(update_fields=["state", "sent_back_at", "sent_back_reason"])
    _event(
        deviation,
        DeviationEventKind.SENT_BACK,
        by=user,
        unit=deviation.reporting_unit,
        at=now,
        reason=reason,
    )
    _tell_contacts(deviation, _("Ett svar på en avvikelse har skickats tillbaka"))
    return deviation


# -- candidates from the sweeper ----------------------------------------------------------------


def _decidable(user: User, candidate: DeviationCandidate, principal_id: int | None) -> int:
    """The let-down principal through which `user` decides on `candidate`, or a refusal."""
    if candidate.withdrawn_at is not None:
        raise ActionError(
            _("Kandidaten är återkallad: tidsfristen missades inte."), code="withdrawn"
        )
    mine = contact_principal_ids(user) & let_down_principal_ids(candidate)
    if principal_id is not None:
        mine &= {principal_id}
    if not mine:
        raise ActionError(
            _("Bara avvikelsekontakterna hos den part som drabbades kan hantera utkastet."),
            code="not_contact",
        )
    chosen = min(mine)
    if CandidateDecision.objects.filter(candidate=candidate, principal_id=chosen).exists():
        raise ActionError(_("Utkastet är redan skickat eller avfärdat."), code="already_decided")
    return chosen


@transaction.atomic
def do_send_candidate(
    user: User,
    candidate: DeviationCandidate,
    *,
    reporting_unit: Unit | None,
    category_key: str | None,
    what_happened: str,
    consequence: str = "",
    event_date: dt.date | None = None,
    submission_key: str | None = None,
) -> ReportResult:
    """A deviation contact of the party let down sends the prepared draft: a deviation from
    their organisation's unit in the episode to the unit that missed the deadline."""
    submissions.claim(submission_key, user)
    candidate = (
        DeviationCandidate.objects.select_for_update()
        .select_related("unit", "episode__individual")
        .get(pk=candidate.pk)
    )
    principal_id = reporting_unit.principal_id if reporting_unit is not None else None
    principal_id = _decidable(user, candidate, principal_id)
    if reporting_unit is None:
        raise ActionError(
            _("Välj den rapporterande enheten."), code="required", field="reporting_unit"
        )
    if not Party.objects.filter(episode=candidate.episode, unit=reporting_unit).exists():
        raise ActionError(
            _("Den rapporterande enheten deltar inte i vårdtillfället."),
            code="not_a_party",
            field="reporting_unit",
        )
    result = _create(
        user,
        candidate.episode,
        reporting_unit=reporting_unit,
        receiving_unit=candidate.unit,
        category_key=category_key,
        event_date=event_date or local_date(candidate.due_at),
        what_happened=what_happened,
        consequence=consequence,
        candidate=candidate,
    )
    CandidateDecision.objects.create(
        candidate=candidate,
        principal_id=principal_id,
        decision=CandidateDecisionKind.SENT,
        deviation=result.deviation,
        decided_by=user,
    )
    return result


@transaction.atomic
def do_dismiss_candidate(
    user: User,
    candidate: DeviationCandidate,
    reason: str,
    *,
    submission_key: str | None = None,
) -> CandidateDecision:
    """A deviation contact of the party let down dismisses the draft, with a reason."""
    submissions.claim(submission_key, user)
    candidate = DeviationCandidate.objects.select_for_update().get(pk=candidate.pk)
    principal_id = _decidable(user, candidate, None)
    reason = _text(reason, field="reason", limit=MAX_SHORT, required=True)
    return CandidateDecision.objects.create(
        candidate=candidate,
        principal_id=principal_id,
        decision=CandidateDecisionKind.DISMISSED,
        reason=reason,
        decided_by=user,
    )
