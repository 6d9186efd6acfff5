"""Each step's rule, declared once: who may take it (the lane of the acting unit and the
actor's role), in which states of the episode, and what the episode must already have.

The actions enforce it (`check_step`, through `episodes.actions.common.begin`); the pages and
the API ask the same declaration which steps to offer (`available_steps`). Need-to-know comes
first: the acting unit must be a party (`episodes.access`). It mirrors the process clock in
PROCESS.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from core.errors import ActionError
from episodes.models import Episode, EpisodeState
from organisations.models import CARE_LANES, CARE_ROLES, Lane, Role, User

# The lanes units work in (the individual's own lane has no units).
ALL_LANES = frozenset(CARE_LANES)
INPATIENT = frozenset({Lane.INPATIENT})
MUNICIPAL = frozenset({Lane.MUNICIPAL_HEALTH_CARE, Lane.SOCIAL_SERVICES})
CLINICAL = frozenset({Role.NURSE, Role.PHYSICIAN, Role.COORDINATOR, Role.INTEGRATION})

ACTIVE = frozenset({EpisodeState.ADMITTED, EpisodeState.READY})
# SIP and the paperwork of the discharge day still make sense after discharge.
NOT_EXITED = ACTIVE | {EpisodeState.DISCHARGED}
ANY_STATE = frozenset(EpisodeState)


class Step(StrEnum):
    ADMIT = "admit"
    CORRECT_ADMISSION = "correct_admission"
    ASSESS_HELP_NEED = "assess_help_need"
    SET_ESTIMATED_DATE = "set_estimated_date"
    EDIT_PARTIES = "edit_parties"
    SEND_ADMISSION_NOTICE = "send_admission_notice"
    SEND_PLANNING_MESSAGE = "send_planning_message"
    SEND_CARE_REQUEST = "send_care_request"
    SEND_FREE_MESSAGE = "send_free_message"
    APPOINT_CARE_CONTACT = "appoint_care_contact"
    ASSESS_SIP_NEED = "assess_sip_need"
    RECORD_SIP_OFFER = "record_sip_offer"
    RECORD_SIP_INVITATION = "record_sip_invitation"
    SEND_READY_NOTICE = "send_ready_notice"
    REVOKE_READY_NOTICE = "revoke_ready_notice"
    RECORD_INFORMATION_TRANSFER = "record_information_transfer"
    RECORD_SUMMARY = "record_summary"
    DISCHARGE = "discharge"
    CANCEL_DISCHARGE = "cancel_discharge"
    EXIT = "exit"


@dataclass(frozen=True)
class Requirement:
    """Something the episode must have before the step (else the step is not offered and the
    action refuses with `message`)."""

    holds: Callable[[Episode], bool]
    message: str
    code: str


# What a step says when the episode is in a state it does not allow (a step may say more).
STATE_REFUSALS: dict[EpisodeState, tuple[str, str]] = {
    EpisodeState.ADMITTED: (
        "Steget kan inte tas innan patienten är utskrivningsklar.",
        "not_ready",
    ),
    EpisodeState.READY: ("Patienten är redan utskrivningsklar.", "already_ready"),
    EpisodeState.DISCHARGED: ("Patienten är redan utskriven.", "already_discharged"),
    EpisodeState.EXITED: ("Vårdtillfället är avslutat.", "episode_closed"),
}

# A discharge registered by mistake (HL7 ADT A13, or the ward) may be cancelled for a week:
# long enough for the hospital record to be corrected after a weekend, short enough that the
# follow-ups the units concerned started on the discharge notice, and a month's statistics
# and payment basis (by month of discharge), are not changed long afterwards.
CANCEL_DISCHARGE_WINDOW = dt.timedelta(days=7)

SIP_NEEDED = Requirement(
    lambda e: e.sip_needed is True, "Bedöm först att SIP behövs.", "sip_not_needed"
)


@dataclass(frozen=True)
class StepRule:
    lanes: frozenset[Lane]
    roles: frozenset[str]
    states: frozenset[EpisodeState] = ACTIVE
    requires: tuple[Requirement, ...] = ()
    refusals: tuple[tuple[EpisodeState, str, str], ...] = ()

    def refusal(self, episode: Episode) -> ActionError | None:
        """Why the step cannot be taken on `episode` now (None: it can)."""
        if episode.state not in self.states:
            for state, message, code in self.refusals:
                if state == episode.state:
                    return ActionError(message, code=code)
            message, code = STATE_REFUSALS[EpisodeState(episode.state)]
            return ActionError(message, code=code)
        for requirement in self.requires:
            if not requirement.holds(episode):
                return ActionError(requirement.message, code=requirement.code)
        return None


RULES: dict[Step, StepRule] = {
    Step.ADMIT: StepRule(INPATIENT, CLINICAL),
    Step.CORRECT_ADMISSION: StepRule(INPATIENT, CLINICAL),
    Step.ASSESS_HELP_NEED: StepRule(INPATIENT, CLINICAL),
    Step.SET_ESTIMATED_DATE: StepRule(INPATIENT, CLINICAL),
    Step.EDIT_PARTIES: StepRule(INPATIENT, CLINICAL),
    Step.SEND_ADMISSION_NOTICE: StepRule(
        INPATIENT,
        CLINICAL,
        requires=(
            Requirement(
                lambda e: e.may_need_help,
                "Inskrivningsmeddelande skickas när läkaren bedömt att patienten kan behöva "
                "insatser efter utskrivning.",
                "no_help_need",
            ),
        ),
    ),
    Step.SEND_PLANNING_MESSAGE: StepRule(ALL_LANES, CARE_ROLES),
    Step.SEND_CARE_REQUEST: StepRule(INPATIENT, CLINICAL),
    Step.SEND_FREE_MESSAGE: StepRule(ALL_LANES, CARE_ROLES, states=ANY_STATE),
    Step.APPOINT_CARE_CONTACT: StepRule(frozenset({Lane.REGIONAL_PRIMARY_CARE}), CARE_ROLES),
    Step.ASSESS_SIP_NEED: StepRule(ALL_LANES, CARE_ROLES, states=NOT_EXITED),
    Step.RECORD_SIP_OFFER: StepRule(
        ALL_LANES - INPATIENT, CARE_ROLES, states=NOT_EXITED, requires=(SIP_NEEDED,)
    ),
    Step.RECORD_SIP_INVITATION: StepRule(
        frozenset({Lane.REGIONAL_PRIMARY_CARE}) | MUNICIPAL,
        CARE_ROLES,
        states=NOT_EXITED,
        requires=(
            SIP_NEEDED,
            Requirement(
                lambda e: e.sip_invited_at is None,
                "Kallelse till SIP är redan skickad.",
                "already_invited",
            ),
        ),
    ),
    Step.SEND_READY_NOTICE: StepRule(
        INPATIENT, CLINICAL, states=frozenset({EpisodeState.ADMITTED})
    ),
    Step.REVOKE_READY_NOTICE: StepRule(
        INPATIENT,
        CLINICAL,
        states=frozenset({EpisodeState.READY}),
        refusals=(
            (
                EpisodeState.ADMITTED,
                "Det finns inget meddelande om utskrivningsklar att återta.",
                "no_ready_notice",
            ),
        ),
    ),
    Step.RECORD_INFORMATION_TRANSFER: StepRule(INPATIENT, CLINICAL, states=NOT_EXITED),
    Step.RECORD_SUMMARY: StepRule(INPATIENT, CLINICAL, states=NOT_EXITED),
    Step.DISCHARGE: StepRule(INPATIENT, CLINICAL),
    Step.CANCEL_DISCHARGE: StepRule(
        INPATIENT,
        CLINICAL,
        states=frozenset({EpisodeState.DISCHARGED}),
        requires=(
            Requirement(
                lambda e: (
                    e.discharged_at is not None
                    and timezone.now() - e.discharged_at <= CANCEL_DISCHARGE_WINDOW
                ),
                "Utskrivningen kan bara makuleras inom 7 dygn.",
                "cancel_window_passed",
            ),
        ),
        refusals=(
            (EpisodeState.ADMITTED, "Patienten är inte utskriven.", "not_discharged"),
            (EpisodeState.READY, "Patienten är inte utskriven.", "not_discharged"),
        ),
    ),
    Step.EXIT: StepRule(INPATIENT, CLINICAL),
}


def may(step: Step, lane: str, role: str) -> bool:
    """Whether a `role` at a unit in `lane` may take `step` (need-to-know aside)."""
    rule = RULES[step]
    return lane in rule.lanes and role in rule.roles


def check_step(step: Step, episode: Episode) -> None:
    """Raise the step's refusal if `episode`'s state or content does not allow it now."""
    refusal = RULES[step].refusal(episode)
    if refusal is not None:
        raise refusal


def available_steps(user: User, episode: Episode, steps: Iterable[Step]) -> list[Step]:
    """Of `steps` (in their order), those `user` may take on `episode` now: through a care
    membership at a unit that is a party, in a state and with the content the rule asks."""
    party_unit_ids = set(
        episode.parties.filter(removed_at__isnull=True).values_list("unit_id", flat=True)
    )
    lanes_and_roles = [
        (m.unit.lane, m.role) for m in user.active_memberships() if m.unit_id in party_unit_ids
    ]
    return steps_allowed(episode, lanes_and_roles, steps)


def steps_allowed(
    episode: Episode, lanes_and_roles: Iterable[tuple[str, str]], steps: Iterable[Step]
) -> list[Step]:
    """Of `steps` (in their order), those that an actor with one of `lanes_and_roles` at a
    party may take on `episode` now."""
    lanes_and_roles = list(lanes_and_roles)
    return [
        step
        for step in steps
        if any(may(step, lane, role) for lane, role in lanes_and_roles)
        and RULES[step].refusal(episode) is None
    ]
