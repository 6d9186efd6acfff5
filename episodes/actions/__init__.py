"""Every change to an episode: each `do_*` checks, writes and records its event(s) in one
transaction, or raises `ActionError` and changes nothing.

Pages and the API only parse input and call these. One module per concept: `admission`,
`parties` (units concerned, the admission notice, messages between the parties), `inbox`,
`sip`, `discharge`; `common` holds the opening every action shares (`begin`).
"""

from episodes.actions.admission import (
    AdmissionInput,
    BatchAdmission,
    do_admit,
    do_admit_many,
    do_assess_help_need,
    do_correct_admission,
    do_set_estimated_date,
    propose_concerned_units,
    readmission_gap,
)
from episodes.actions.common import MAX_TEXT, MUNICIPAL_LANES
from episodes.actions.discharge import (
    do_cancel_discharge,
    do_discharge,
    do_exit,
    do_record_information_transfer,
    do_record_summary,
    do_revoke_ready_notice,
    do_send_ready_notice,
)
from episodes.actions.inbox import do_acknowledge, do_forward, do_mark_read
from episodes.actions.parties import (
    PlanningInput,
    do_edit_parties,
    do_send_admission_notice,
    do_send_care_request,
    do_send_free_message,
    do_send_planning_message,
)
from episodes.actions.sip import (
    SIP_CONSENT,
    SIP_CONSENT_BY,
    do_appoint_care_contact,
    do_assess_sip_need,
    do_record_sip_invitation,
    do_record_sip_offer,
)

__all__ = [
    "MAX_TEXT",
    "MUNICIPAL_LANES",
    "SIP_CONSENT",
    "SIP_CONSENT_BY",
    "AdmissionInput",
    "BatchAdmission",
    "PlanningInput",
    "do_acknowledge",
    "do_admit",
    "do_admit_many",
    "do_appoint_care_contact",
    "do_assess_help_need",
    "do_assess_sip_need",
    "do_cancel_discharge",
    "do_correct_admission",
    "do_discharge",
    "do_edit_parties",
    "do_exit",
    "do_forward",
    "do_mark_read",
    "do_record_information_transfer",
    "do_record_sip_invitation",
    "do_record_sip_offer",
    "do_record_summary",
    "do_revoke_ready_notice",
    "do_send_admission_notice",
    "do_send_care_request",
    "do_send_free_message",
    "do_send_planning_message",
    "do_send_ready_notice",
    "do_set_estimated_date",
    "propose_concerned_units",
    "readmission_gap",
]
