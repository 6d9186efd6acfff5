"""Each SIP step's rule, declared once: in which states of the SIP it may be taken, and what
it says otherwise. The actions enforce it (`check_step`); the pages and the API ask
`available_steps` which steps to offer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.errors import ActionError
from organisations.models import CARE_LANES, Lane
from sip.models import OPEN_STATES, Sip, SipState


class SipStep(StrEnum):
    RECORD_CONSENT = "consent"
    INVITE = "invite"
    RECORD_MEETING = "meeting"
    SAVE_PLAN = "plan"
    FOLLOW_UP = "follow_up"
    CLOSE = "close"
    WITHDRAW_CONSENT = "withdraw"
    ADD_PARTICIPANTS = "participants"
    SCHEDULE_MEETING = "new_meeting"
    RECORD_NEXT_MEETING = "next_meeting"


# Outside a stay any care lane but the ward's may start a SIP and invite to it; in a stay the
# episode's own rules decide (`episodes.rules`, through the episode actions).
STARTING_LANES = frozenset(CARE_LANES) - {Lane.INPATIENT}

CLOSED_REFUSAL = ("SIP:en är avslutad och kan inte längre ändras.", "sip_closed")


@dataclass(frozen=True)
class SipRule:
    states: frozenset[str]
    # What the step says in a state it does not allow (a closed SIP says CLOSED_REFUSAL).
    refusals: tuple[tuple[str, str, str], ...] = ()
    default_refusal: tuple[str, str] = (
        "Steget kan inte tas i SIP:ens nuvarande läge.",
        "wrong_state",
    )
    lanes: frozenset[str] = frozenset(CARE_LANES)

    def refusal(self, sip: Sip) -> ActionError | None:
        if sip.state in self.states:
            return None
        for state, message, code in self.refusals:
            if state == sip.state:
                return ActionError(message, code=code)
        if sip.state not in OPEN_STATES:
            return ActionError(CLOSED_REFUSAL[0], code=CLOSED_REFUSAL[1])
        message, code = self.default_refusal
        return ActionError(message, code=code)


NO_CONSENT = "Kallelse kan inte skickas innan samtycke är registrerat."
RULES: dict[SipStep, SipRule] = {
    SipStep.RECORD_CONSENT: SipRule(
        frozenset({SipState.IDENTIFIED}),
        default_refusal=("Svaret på erbjudandet är redan registrerat.", "already_recorded"),
        lanes=STARTING_LANES,
    ),
    SipStep.INVITE: SipRule(
        frozenset({SipState.CONSENTED}),
        refusals=(
            (SipState.IDENTIFIED, NO_CONSENT, "no_consent"),
            (
                SipState.WITHOUT_SIP,
                "Ingen kan föra den enskildes talan: planeringen sker utifrån den enskildes "
                "bästa utan SIP, och ingen kallelse skickas.",
                "no_consent",
            ),
            (SipState.DECLINED, "Den enskilde har avböjt SIP.", "no_consent"),
        ),
        default_refusal=("Kallelsen är redan skickad.", "already_invited"),
        lanes=STARTING_LANES,
    ),
    SipStep.RECORD_MEETING: SipRule(
        frozenset({SipState.INVITED}),
        refusals=((SipState.CONSENTED, "Kalla till SIP-mötet först.", "not_invited"),),
        default_refusal=("Mötet är redan registrerat.", "already_held"),
    ),
    SipStep.SAVE_PLAN: SipRule(
        frozenset({SipState.ACTIVE}),
        default_refusal=(
            "Planen skrivs på SIP-mötet: registrera först vilka som deltog.",
            "no_meeting",
        ),
    ),
    SipStep.FOLLOW_UP: SipRule(
        frozenset({SipState.ACTIVE}),
        default_refusal=("Det finns ingen plan att följa upp ännu.", "no_plan"),
    ),
    SipStep.CLOSE: SipRule(OPEN_STATES),
    SipStep.ADD_PARTICIPANTS: SipRule(
        frozenset({SipState.INVITED, SipState.ACTIVE}),
        refusals=((SipState.CONSENTED, "Kalla till SIP-mötet först.", "not_invited"),),
        default_refusal=("Kalla till SIP-mötet först.", "not_invited"),
        lanes=STARTING_LANES,
    ),
    SipStep.SCHEDULE_MEETING: SipRule(
        frozenset({SipState.ACTIVE}),
        default_refusal=(
            "Ett nytt möte bokas efter det första SIP-mötet.",
            "no_meeting",
        ),
    ),
    SipStep.RECORD_NEXT_MEETING: SipRule(
        frozenset({SipState.ACTIVE}),
        default_refusal=("Det finns inget inbokat möte att registrera.", "no_pending_meeting"),
    ),
    SipStep.WITHDRAW_CONSENT: SipRule(
        frozenset({SipState.CONSENTED, SipState.INVITED, SipState.ACTIVE}),
        default_refusal=("Det finns inget samtycke att återta.", "no_consent"),
    ),
}


# The coordinated care plan of compulsory care (LPT/LRV) has no consent step: it invites
# from the start, and consent cannot be withdrawn from it.
CARE_PLAN_RULES: dict[SipStep, SipRule] = {
    SipStep.RECORD_CONSENT: SipRule(
        frozenset(),
        default_refusal=(
            "En samordnad vårdplan vid öppen tvångsvård kräver inget samtycke.",
            "no_consent_step",
        ),
    ),
    SipStep.INVITE: SipRule(
        frozenset({SipState.IDENTIFIED}),
        default_refusal=("Kallelsen är redan skickad.", "already_invited"),
        lanes=STARTING_LANES,
    ),
    SipStep.WITHDRAW_CONSENT: SipRule(
        frozenset(),
        default_refusal=(
            "En samordnad vårdplan vid öppen tvångsvård kräver inget samtycke.",
            "no_consent_step",
        ),
    ),
}


def rule_for(step: SipStep, sip: Sip) -> SipRule:
    """The rule of `step` for this kind of plan."""
    if sip.is_coordinated_care_plan and step in CARE_PLAN_RULES:
        return CARE_PLAN_RULES[step]
    return RULES[step]


def check_step(step: SipStep, sip: Sip) -> None:
    """Raise the step's refusal if the SIP's state does not allow it now."""
    refusal = rule_for(step, sip).refusal(sip)
    if refusal is None and step == SipStep.FOLLOW_UP and sip.plan_version == 0:
        refusal = ActionError("Det finns ingen plan att följa upp ännu.", code="no_plan")
    if refusal is None and step in (SipStep.SCHEDULE_MEETING, SipStep.RECORD_NEXT_MEETING):
        pending = sip.meetings.filter(held_at__isnull=True).exists()
        if step == SipStep.SCHEDULE_MEETING and pending:
            refusal = ActionError(
                "Det finns redan ett inbokat möte: registrera det först.",
                code="meeting_pending",
            )
        if step == SipStep.RECORD_NEXT_MEETING and not pending:
            refusal = ActionError(
                "Det finns inget inbokat möte att registrera.", code="no_pending_meeting"
            )
    if refusal is not None:
        raise refusal


def steps_allowed(sip: Sip, lanes: set[str]) -> list[SipStep]:
    """The steps an actor working in one of `lanes` at a participating unit may take now."""
    allowed = []
    for step in RULES:
        rule = rule_for(step, sip)
        if not lanes & set(rule.lanes):
            continue
        try:
            check_step(step, sip)
        except ActionError:
            continue
        allowed.append(step)
    return allowed
