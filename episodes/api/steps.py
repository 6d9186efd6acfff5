"""The steps of an episode: one POST per action of `episodes.actions`.

Each endpoint opens the same way (`open_step`: the episode for this user, the checked acting
unit, the idempotency key), calls its action, and answers with the episode or the messages
the step sent. An action's refusal becomes the structured error in `samsyn/api.py`.
"""

from uuid import UUID

from episodes import actions
from episodes.api.common import (
    EpisodesRouter,
    IdempotencyKey,
    acting_options,
    action_fields,
    created_messages,
    load_episode,
    open_step,
    reloaded,
    unit_by_id,
    units_by_id,
)
from episodes.rules import Step
from episodes.schemas import (
    AdmissionCorrectionIn,
    CareContactIn,
    CareRequestIn,
    DischargeIn,
    EpisodeOut,
    EstimatedDateIn,
    ExitIn,
    FreeMessageIn,
    HelpNeedIn,
    MessageOut,
    MomentNoteIn,
    NoteIn,
    PartiesIn,
    PlanningIn,
    ReadyNoticeIn,
    ReasonIn,
    SipInvitationIn,
    SipNeedIn,
    SipOfferIn,
)

router = EpisodesRouter()


@router.post(
    "/episodes/{id}/admission-notice",
    response={201: list[MessageOut]},
    summary="Skicka inskrivningsmeddelande",
)
def send_admission_notice(
    request, id: UUID, payload: NoteIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request, id, Step.SEND_ADMISSION_NOTICE, payload, idempotency_key, log_as="admission_notice"
    )
    messages = actions.do_send_admission_notice(request.auth, episode, note=payload.note, **acting)
    return created_messages(messages)


@router.post(
    "/episodes/{id}/estimated-discharge-date",
    response=EpisodeOut,
    summary="Sätt eller flytta beräknat utskrivningsdatum",
)
def set_estimated_date(
    request, id: UUID, payload: EstimatedDateIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request, id, Step.SET_ESTIMATED_DATE, payload, idempotency_key, log_as="estimated_date"
    )
    with action_fields(estimated_discharge_date="date"):
        actions.do_set_estimated_date(request.auth, episode, payload.date, **acting)
    return reloaded(episode)


@router.post(
    "/episodes/{id}/parties", response=EpisodeOut, summary="Lägg till eller ta bort berörda enheter"
)
def edit_parties(request, id: UUID, payload: PartiesIn, idempotency_key: IdempotencyKey = None):
    episode = load_episode(request, id, "parties")
    add = units_by_id(payload.add, "add")
    remove = units_by_id(payload.remove, "remove")
    acting = acting_options(request, episode, Step.EDIT_PARTIES, payload, idempotency_key)
    with action_fields(units="add"):
        actions.do_edit_parties(request.auth, episode, add=add, remove=remove, **acting)
    return reloaded(episode)


@router.post(
    "/episodes/{id}/planning-messages",
    response={201: list[MessageOut]},
    summary="Skicka planeringsmeddelande",
)
def send_planning_message(
    request, id: UUID, payload: PlanningIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request, id, Step.SEND_PLANNING_MESSAGE, payload, idempotency_key, log_as="planning_message"
    )
    data = actions.PlanningInput(
        status=payload.status,
        remaining_needs=payload.remaining_needs,
        planned_actions=payload.planned_actions,
    )
    return created_messages(actions.do_send_planning_message(request.auth, episode, data, **acting))


@router.post(
    "/episodes/{id}/care-requests", response={201: list[MessageOut]}, summary="Skicka vårdbegäran"
)
def send_care_request(
    request, id: UUID, payload: CareRequestIn, idempotency_key: IdempotencyKey = None
):
    episode = load_episode(request, id, "care_request")
    to_unit = unit_by_id(payload.to_unit, "to_unit")
    acting = acting_options(request, episode, Step.SEND_CARE_REQUEST, payload, idempotency_key)
    with action_fields(unit="to_unit"):
        message = actions.do_send_care_request(
            request.auth, episode, to_unit, payload.body, **acting
        )
    return created_messages([message])


@router.post(
    "/episodes/{id}/messages", response={201: list[MessageOut]}, summary="Skicka fritt meddelande"
)
def send_free_message(
    request, id: UUID, payload: FreeMessageIn, idempotency_key: IdempotencyKey = None
):
    episode = load_episode(request, id, "free_message")
    to_units = units_by_id(payload.to_units, "to_units")
    acting = acting_options(request, episode, Step.SEND_FREE_MESSAGE, payload, idempotency_key)
    with action_fields(units="to_units"):
        messages = actions.do_send_free_message(
            request.auth, episode, to_units, payload.body, **acting
        )
    return created_messages(messages)


@router.post("/episodes/{id}/care-contact", response=EpisodeOut, summary="Utse fast vårdkontakt")
def appoint_care_contact(
    request, id: UUID, payload: CareContactIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request, id, Step.APPOINT_CARE_CONTACT, payload, idempotency_key, log_as="care_contact"
    )
    actions.do_appoint_care_contact(request.auth, episode, payload.name, **acting)
    return reloaded(episode)


@router.post(
    "/episodes/{id}/help-need",
    response=EpisodeOut,
    summary="Bedöm behov av insatser efter utskrivning",
)
def assess_help_need(
    request, id: UUID, payload: HelpNeedIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request, id, Step.ASSESS_HELP_NEED, payload, idempotency_key, log_as="help_need"
    )
    with action_fields(help_assessed_at="assessed_at"):
        actions.do_assess_help_need(
            request.auth, episode, payload.may_need_help, assessed_at=payload.assessed_at, **acting
        )
    return reloaded(episode)


@router.post("/episodes/{id}/sip-need", response=EpisodeOut, summary="Bedöm behov av SIP")
def assess_sip_need(request, id: UUID, payload: SipNeedIn, idempotency_key: IdempotencyKey = None):
    episode, acting = open_step(
        request, id, Step.ASSESS_SIP_NEED, payload, idempotency_key, log_as="sip_need"
    )
    actions.do_assess_sip_need(request.auth, episode, payload.needed, payload.note, **acting)
    return reloaded(episode)


@router.post(
    "/episodes/{id}/sip-offer", response=EpisodeOut, summary="Registrera erbjudande om SIP"
)
def record_sip_offer(
    request, id: UUID, payload: SipOfferIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request, id, Step.RECORD_SIP_OFFER, payload, idempotency_key, log_as="sip_offer"
    )
    actions.do_record_sip_offer(
        request.auth, episode, payload.consent, payload.consent_by, payload.note, **acting
    )
    return reloaded(episode)


@router.post(
    "/episodes/{id}/sip-invitation",
    response={201: list[MessageOut]},
    summary="Skicka kallelse till SIP",
)
def send_sip_invitation(
    request, id: UUID, payload: SipInvitationIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request, id, Step.RECORD_SIP_INVITATION, payload, idempotency_key, log_as="sip_invitation"
    )
    messages = actions.do_record_sip_invitation(
        request.auth, episode, payload.meeting_at, payload.note, **acting
    )
    return created_messages(messages)


@router.post(
    "/episodes/{id}/ready-notice",
    response=EpisodeOut,
    summary="Skicka meddelande om utskrivningsklar",
)
def send_ready_notice(
    request, id: UUID, payload: ReadyNoticeIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request, id, Step.SEND_READY_NOTICE, payload, idempotency_key, log_as="ready_notice"
    )
    actions.do_send_ready_notice(request.auth, episode, occurred_at=payload.occurred_at, **acting)
    return reloaded(episode)


@router.post(
    "/episodes/{id}/ready-notice/revoke", response=EpisodeOut, summary="Återta utskrivningsklar"
)
def revoke_ready_notice(
    request, id: UUID, payload: ReasonIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request,
        id,
        Step.REVOKE_READY_NOTICE,
        payload,
        idempotency_key,
        log_as="ready_notice_revoke",
    )
    actions.do_revoke_ready_notice(request.auth, episode, payload.reason, **acting)
    return reloaded(episode)


@router.post(
    "/episodes/{id}/information-transfer",
    response=EpisodeOut,
    summary="Registrera informationsöverföring",
)
def record_information_transfer(
    request, id: UUID, payload: MomentNoteIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request,
        id,
        Step.RECORD_INFORMATION_TRANSFER,
        payload,
        idempotency_key,
        log_as="information_transfer",
    )
    actions.do_record_information_transfer(
        request.auth, episode, payload.note, occurred_at=payload.occurred_at, **acting
    )
    return reloaded(episode)


@router.post(
    "/episodes/{id}/summary", response=EpisodeOut, summary="Registrera skriftlig sammanfattning"
)
def record_summary(
    request, id: UUID, payload: MomentNoteIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request, id, Step.RECORD_SUMMARY, payload, idempotency_key, log_as="summary"
    )
    actions.do_record_summary(
        request.auth, episode, payload.note, occurred_at=payload.occurred_at, **acting
    )
    return reloaded(episode)


@router.post("/episodes/{id}/discharge", response=EpisodeOut, summary="Skriv ut patienten")
def discharge(request, id: UUID, payload: DischargeIn, idempotency_key: IdempotencyKey = None):
    episode, acting = open_step(
        request, id, Step.DISCHARGE, payload, idempotency_key, log_as="discharge"
    )
    actions.do_discharge(
        request.auth,
        episode,
        payload.destination,
        discharged_at=payload.discharged_at,
        note=payload.note,
        **acting,
    )
    return reloaded(episode)


@router.post(
    "/episodes/{id}/discharge/cancel", response=EpisodeOut, summary="Makulera utskrivningen"
)
def cancel_discharge(request, id: UUID, payload: ReasonIn, idempotency_key: IdempotencyKey = None):
    episode, acting = open_step(
        request, id, Step.CANCEL_DISCHARGE, payload, idempotency_key, log_as="discharge_cancel"
    )
    actions.do_cancel_discharge(request.auth, episode, payload.reason, **acting)
    return reloaded(episode)


@router.post("/episodes/{id}/exit", response=EpisodeOut, summary="Avbryt processen")
def exit_process(request, id: UUID, payload: ExitIn, idempotency_key: IdempotencyKey = None):
    episode, acting = open_step(request, id, Step.EXIT, payload, idempotency_key, log_as="exit")
    actions.do_exit(
        request.auth,
        episode,
        payload.reason,
        payload.note,
        occurred_at=payload.occurred_at,
        **acting,
    )
    return reloaded(episode)


@router.post(
    "/episodes/{id}/admission-correction", response=EpisodeOut, summary="Rätta inskrivningstid"
)
def correct_admission(
    request, id: UUID, payload: AdmissionCorrectionIn, idempotency_key: IdempotencyKey = None
):
    episode, acting = open_step(
        request,
        id,
        Step.CORRECT_ADMISSION,
        payload,
        idempotency_key,
        log_as="admission_correction",
    )
    actions.do_correct_admission(
        request.auth, episode, payload.admitted_at, payload.reason, **acting
    )
    return reloaded(episode)
