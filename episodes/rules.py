"""Who may do what to an episode: the lane of the acting unit and the actor's role.

Need-to-know comes first (the acting unit must be a party); this table then says which
parties may take which step. It mirrors the process clock in PROCESS.md.
"""

from __future__ import annotations

from enum import StrEnum

from organisations.models import CARE_ROLES, Lane, Role

ALL_LANES = frozenset(Lane)
INPATIENT = frozenset({Lane.INPATIENT})
MUNICIPAL = frozenset({Lane.MUNICIPAL_HEALTH_CARE, Lane.SOCIAL_SERVICES})
CLINICAL = frozenset({Role.NURSE, Role.PHYSICIAN, Role.COORDINATOR, Role.INTEGRATION})


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
    EXIT = "exit"


# step -> (lanes of the acting unit, roles of the actor)
PERMISSIONS: dict[Step, tuple[frozenset, frozenset]] = {
    Step.ADMIT: (INPATIENT, CLINICAL),
    Step.CORRECT_ADMISSION: (INPATIENT, CLINICAL),
    Step.ASSESS_HELP_NEED: (INPATIENT, CLINICAL),
    Step.SET_ESTIMATED_DATE: (INPATIENT, CLINICAL),
    Step.EDIT_PARTIES: (INPATIENT, CLINICAL),
    Step.SEND_ADMISSION_NOTICE: (INPATIENT, CLINICAL),
    Step.SEND_PLANNING_MESSAGE: (ALL_LANES, CARE_ROLES),
    Step.SEND_CARE_REQUEST: (INPATIENT, CLINICAL),
    Step.SEND_FREE_MESSAGE: (ALL_LANES, CARE_ROLES),
    Step.APPOINT_CARE_CONTACT: (frozenset({Lane.REGIONAL_PRIMARY_CARE}), CARE_ROLES),
    Step.ASSESS_SIP_NEED: (ALL_LANES, CARE_ROLES),
    Step.RECORD_SIP_OFFER: (ALL_LANES - INPATIENT, CARE_ROLES),
    Step.RECORD_SIP_INVITATION: (frozenset({Lane.REGIONAL_PRIMARY_CARE}) | MUNICIPAL, CARE_ROLES),
    Step.SEND_READY_NOTICE: (INPATIENT, CLINICAL),
    Step.REVOKE_READY_NOTICE: (INPATIENT, CLINICAL),
    Step.RECORD_INFORMATION_TRANSFER: (INPATIENT, CLINICAL),
    Step.RECORD_SUMMARY: (INPATIENT, CLINICAL),
    Step.DISCHARGE: (INPATIENT, CLINICAL),
    Step.EXIT: (INPATIENT, CLINICAL),
}


def may(step: Step, lane: str, role: str) -> bool:
    lanes, roles = PERMISSIONS[step]
    return lane in lanes and role in roles
