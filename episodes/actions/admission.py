"""Admission: registering it, correcting its time, the help-need judgement, the estimated
discharge date, and the link to an earlier stay (readmission)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.log import log_access
from core import submissions
from core.configuration import regional_count
from core.errors import ActionError
from core.models import CountKey
from core.timerules import local_date
from episodes import events
from episodes.access import membership_for_unit
from episodes.actions.common import (
    MAX_STAY_DAYS,
    begin,
    check_moment,
    check_text,
    concerned_units,
    send,
)
from episodes.actions.parties import add_party, send_admission_notice
from episodes.models import Episode, EpisodeState, MessageKind, Party, PartyRole
from episodes.rules import Step
from individuals.identifiers import parse_identifier
from individuals.models import Individual
from organisations.models import Membership, Unit, UnitKind, User


def propose_concerned_units(individual: Individual) -> list[Unit]:
    """The units normally responsible after discharge: the home municipality's needs
    assessment and home health care (of the individual's area when known) and the health
    centre where the individual is listed."""
    proposed: list[Unit] = []
    if individual.municipality_id:
        municipal = list(
            Unit.objects.filter(
                principal_id=individual.municipality_id,
                is_active=True,
                kind__in=[UnitKind.NEEDS_ASSESSMENT, UnitKind.HOME_HEALTH_CARE],
            ).order_by("kind", "name")
        )
        if individual.residence_area_id:
            # The units of the area when it has any (one read for both, issue 17).
            in_area = [u for u in municipal if u.area_id == individual.residence_area_id]
            municipal = in_area or municipal
        by_kind: dict[str, Unit] = {}
        for unit in municipal:
            by_kind.setdefault(unit.kind, unit)
        proposed.extend(by_kind.values())
    listed = individual.listed_unit if individual.listed_unit_id else None
    if listed is not None and listed.is_active:
        proposed.append(listed)
    return proposed


@dataclass
class AdmissionInput:
    identifier: str
    given_name: str = ""
    family_name: str = ""
    reserve_number: bool = False
    admitted_at: dt.datetime | None = None
    may_need_help: bool = False
    help_assessed_at: dt.datetime | None = None
    estimated_discharge_date: dt.date | None = None
    is_compulsory_care: bool = False
    concerned_units: list[Unit] | None = None  # None: the proposed units
    send_admission_notice: bool = False
    notice_note: str = ""
    individual_defaults: dict = field(default_factory=dict)


# -- readmission ---------------------------------------------------------------------------------


def readmission_gap(admitted_at: dt.datetime, discharged_at: dt.datetime) -> int | None:
    """Calendar days from an earlier discharge to `admitted_at` when the admission counts as
    a readmission (1 up to the regional count in force on the admission day), else None."""
    gap = (local_date(admitted_at) - local_date(discharged_at)).days
    limit = regional_count(CountKey.READMISSION_DAYS, local_date(admitted_at))
    return gap if 1 <= gap <= limit else None


def _previous_stay(individual: Individual, episode: Episode | None = None) -> Episode | None:
    """The individual's latest discharged stay other than `episode`."""
    stays = Episode.objects.filter(individual=individual, discharged_at__isnull=False)
    if episode is not None:
        stays = stays.exclude(pk=episode.pk)
    return stays.order_by("-discharged_at").first()


def _check_after_previous(previous: Episode | None, admitted_at: dt.datetime) -> None:
    if previous and previous.discharged_at and previous.discharged_at > admitted_at:
        raise ActionError(
            "Inskrivningen ligger före utskrivningen från förra vårdtillfället.",
            code="overlapping_episode",
            field="admitted_at",
        )


def _link_readmission(
    episode: Episode, membership: Membership | None, previous: Episode | None, *, at: dt.datetime
) -> None:
    """Link `episode` to `previous` when its admission time makes it a readmission, and
    unlink a link its (corrected) admission time no longer supports."""
    gap = None
    if previous is not None and previous.discharged_at is not None:
        gap = readmission_gap(episode.admitted_at, previous.discharged_at)
    should_link = previous if gap is not None else None
    linked = episode.readmission_of if episode.readmission_of_id else None
    if linked is not None and linked.pk != getattr(should_link, "pk", None):
        events.readmission_unlinked(episode, by=membership, at=at, previous_episode=linked)
    if should_link is not None and gap is not None and episode.readmission_of_id != should_link.pk:
        events.readmission_linked(
            episode, by=membership, at=at, previous_episode=should_link, days_since_discharge=gap
        )


# -- admission -----------------------------------------------------------------------------------


@events.action
def do_admit(
    user: User,
    ward: Unit,
    data: AdmissionInput,
    *,
    submission_key: str | None = None,
    log_read_as: str = "",
    request=None,
) -> Episode:
    """Register an admission at `ward`; optionally send the admission notice at once.

    `log_read_as`, for an answer that shows the new episode: the admitting ward's read of it
    is logged under that name in the action's own transaction (issue 17: one commit per
    admission), and the episode is returned as the action wrote it with what `EpisodeOut`
    reads (individual, ward, the earlier stay, and `parties.all()` answered from the parties
    just written), so the answer need not read it again. The read is need-to-know by
    construction: the user admits through a membership at the ward, in a care role, and the
    ward is the episode's first party."""
    submissions.claim(submission_key, user)
    membership = membership_for_unit(user, ward, Step.ADMIT)
    parsed = parse_identifier(data.identifier, reserve=data.reserve_number)
    admitted_at = check_moment(data.admitted_at, field_name="admitted_at")

    individual = Individual.objects.filter(identifier=parsed.number).first()
    previous = None
    if individual is None:
        given = check_text(data.given_name, field_name="given_name", required=True, limit=100)
        family = check_text(data.family_name, field_name="family_name", required=True, limit=100)
        # A person new to Samsyn has no earlier stay to check against or link to.
        individual = Individual.objects.create(
            identifier=parsed.number,
            identifier_kind=parsed.kind,
            birth_date=parsed.birth_date,
            given_name=given,
            family_name=family,
            **data.individual_defaults,
        )
    else:
        if Episode.objects.filter(
            individual=individual, state__in=[EpisodeState.ADMITTED, EpisodeState.READY]
        ).exists():
            raise ActionError(
                "Personen har redan ett pågående vårdtillfälle.",
                code="active_episode_exists",
                field="identifier",
            )
        previous = _previous_stay(individual)
        _check_after_previous(previous, admitted_at)
    episode = Episode.objects.create(
        individual=individual,
        ward=ward,
        admitted_at=admitted_at,
        is_compulsory_care=data.is_compulsory_care,
    )
    parties = [
        Party.objects.create(episode=episode, unit=ward, role=PartyRole.WARD, added_at=admitted_at)
    ]
    events.admitted(episode, by=membership, at=admitted_at, ward=ward)
    _link_readmission(episode, membership, previous, at=admitted_at)
    if data.may_need_help:
        _assess_help_need(episode, membership, True, data.help_assessed_at or admitted_at)
    if data.estimated_discharge_date:
        _set_estimated_date(
            episode, membership, data.estimated_discharge_date, occurred_at=admitted_at
        )
    units = (
        propose_concerned_units(individual)
        if data.concerned_units is None
        else data.concerned_units
    )
    for unit in dict.fromkeys(units):  # a unit named twice takes part once
        parties.append(
            add_party(episode, membership, unit, occurred_at=admitted_at, new_episode=True)
        )
    if data.send_admission_notice:
        send_admission_notice(
            episode,
            membership,
            note=check_text(data.notice_note, field_name="note"),
            # The units just added are the episode's concerned parties: no need to read them.
            only=[p.unit for p in parties if p.role == PartyRole.CONCERNED] or None,
            new_episode=True,
        )
    if log_read_as:
        log_access(user, log_read_as, episode=episode, unit_id=ward.pk, request=request)
        _keep_parties(episode, parties)
    return episode


def _keep_parties(episode: Episode, parties: list[Party]) -> None:
    """Hand `parties` (all of a new episode's, in creation order) to `episode.parties.all()`,
    as a prefetch would."""
    kept = Party.objects.filter(episode=episode)
    kept._result_cache = parties
    kept._prefetch_done = True  # type: ignore[attr-defined]
    episode._prefetched_objects_cache = {"parties": kept}  # type: ignore[attr-defined]


@dataclass
class BatchAdmission:
    """One admission of a batch: its input and the client's one-time key for it (None: none)."""

    data: AdmissionInput
    submission_key: str | None = None


def do_admit_many(
    user: User,
    ward: Unit,
    admissions: Iterable[BatchAdmission],
    *,
    log_read_as: str = "",
    request=None,
) -> list[Episode | ActionError]:
    """Admit each of `admissions` at `ward` through `do_admit` (the same checks, rules and
    process engine), in the order given; for a feed or a bulk API (issue 17).

    Each admission is atomic on its own (a savepoint): a refused one changes nothing and does
    not stop the others; its place in the result holds the refusal. The lot is one
    transaction and one commit, which is where a batch saves time; if that commit fails,
    nothing of the batch was recorded and every key may be sent again. A key already used
    (a resend) is refused as `duplicate_submission`, never admitted twice."""
    results: list[Episode | ActionError] = []
    with transaction.atomic():
        for admission in admissions:
            try:
                episode = do_admit(
                    user,
                    ward,
                    admission.data,
                    submission_key=admission.submission_key,
                    log_read_as=log_read_as,
                    request=request,
                )
            except ActionError as error:
                results.append(error)
            else:
                results.append(episode)
    return results


def _assess_help_need(
    episode: Episode, membership: Membership, may_need_help: bool, at: dt.datetime
) -> None:
    at = check_moment(
        at,
        field_name="help_assessed_at",
        not_before=episode.admitted_at,
        not_before_message="Bedömningen kan inte ligga före inskrivningen.",
    )
    events.help_need_assessed(episode, by=membership, at=at, may_need_help=may_need_help)


@events.action
def do_assess_help_need(
    user: User,
    episode: Episode,
    may_need_help: bool,
    *,
    assessed_at: dt.datetime | None = None,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """The physician's judgement that the patient may (or no longer may) need help afterwards."""
    episode, membership = begin(
        user, episode, Step.ASSESS_HELP_NEED, submission_key=submission_key, acting_unit=acting_unit
    )
    if episode.may_need_help == may_need_help:
        raise ActionError(
            "Bedömningen är redan registrerad.", code="unchanged", field="may_need_help"
        )
    _assess_help_need(episode, membership, may_need_help, assessed_at or timezone.now())
    return episode


@events.action
def do_correct_admission(
    user: User,
    episode: Episode,
    admitted_at: dt.datetime,
    reason: str,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Correct the admission time of a running stay (e.g. entered wrongly); the old value stays
    in the event. A help-need judgement made at admission moves with it, and the link to an
    earlier stay is made or removed as the corrected time implies."""
    episode, membership = begin(
        user,
        episode,
        Step.CORRECT_ADMISSION,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    reason = check_text(reason, field_name="reason", required=True, limit=500)
    admitted_at = check_moment(admitted_at, field_name="admitted_at")
    if episode.ready_at and admitted_at > episode.ready_at:
        raise ActionError(
            "Inskrivningen kan inte ligga efter utskrivningsklar.",
            code="after_later_step",
            field="admitted_at",
        )
    previous_admission = episode.admitted_at
    if previous_admission == admitted_at:
        raise ActionError("Tiden är oförändrad.", code="unchanged", field="admitted_at")
    previous_stay = _previous_stay(episode.individual, episode)
    _check_after_previous(previous_stay, admitted_at)
    now = timezone.now()
    events.admission_corrected(
        episode,
        by=membership,
        at=now,
        previous=previous_admission,
        admitted_at=admitted_at,
        reason=reason,
    )
    _link_readmission(episode, membership, previous_stay, at=now)
    return episode


# -- the estimated discharge date --------------------------------------------------------------


def _set_estimated_date(
    episode: Episode, membership: Membership, date: dt.date, *, occurred_at: dt.datetime
) -> None:
    admitted_on = local_date(episode.admitted_at)
    if date < admitted_on:
        raise ActionError(
            "Beräknat utskrivningsdatum kan inte ligga före inskrivningen.",
            code="before_admission",
            field="estimated_discharge_date",
        )
    if date > admitted_on + dt.timedelta(days=MAX_STAY_DAYS):
        raise ActionError(
            "Beräknat utskrivningsdatum ligger mer än ett år fram.",
            code="too_far_ahead",
            field="estimated_discharge_date",
        )
    previous = episode.estimated_discharge_date
    if previous == date:
        raise ActionError(
            "Datumet är redan satt till det värdet.",
            code="unchanged",
            field="estimated_discharge_date",
        )
    if previous is None:
        events.estimated_date_set(episode, by=membership, at=occurred_at, date=date)
        return
    events.estimated_date_changed(
        episode, by=membership, at=occurred_at, date=date, previous=previous
    )
    if episode.admission_notice_sent_at:
        send(
            episode,
            MessageKind.ESTIMATED_DATE_CHANGED,
            membership,
            concerned_units(episode),
            sent_at=occurred_at,
            date=date.isoformat(),
            previous=previous.isoformat(),
        )


@events.action
def do_set_estimated_date(
    user: User,
    episode: Episode,
    date: dt.date,
    *,
    submission_key: str | None = None,
    acting_unit: Unit | None = None,
) -> Episode:
    """Set or move the estimated discharge date; a move is counted and the units told."""
    episode, membership = begin(
        user,
        episode,
        Step.SET_ESTIMATED_DATE,
        submission_key=submission_key,
        acting_unit=acting_unit,
    )
    _set_estimated_date(episode, membership, date, occurred_at=timezone.now())
    return episode
