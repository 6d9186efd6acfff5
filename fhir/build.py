"""Samsyn's rows as FHIR R4 resources (plain dicts; `fhir.http.answer` validates each with
`fhir.resources` before it leaves).

Only elements that exist unchanged in R4 4.0.1 are written. Every id is the row's public id
(a UUID), except PractitionerRole (a membership) and AuditEvent (an access-log row), whose
rows have none and are named by their number.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from audit.models import AccessLog
from episodes.actions.parties import contact_removed
from episodes.models import Episode, EpisodeState, ExitReason, Message
from individuals.identifiers import FHIR_SYSTEMS, PERSONNUMMER, RESERVNUMMER, SAMORDNINGSNUMMER
from individuals.models import Individual
from organisations.models import Membership, Principal, Unit
from process.models import ActivityStatus, EpisodeActivity
from sip.models import CONSENTING, ActionStatus, Consent, Sip, SipKind, SipState

SE_BASE_PATIENT = "http://hl7.se/fhir/ig/base/StructureDefinition/SEBasePatient"
# HL7 Sweden's identifier systems (SEBasePatient's slices), by Samsyn's identifier kind.
SE_IDENTIFIER_SYSTEMS = {
    PERSONNUMMER: "http://electronichealth.se/identifier/personnummer",
    SAMORDNINGSNUMMER: "http://electronichealth.se/identifier/samordningsnummer",
}
# The HSA id's OID (Inera's HSA catalogue), for units, principals and staff.
HSA_SYSTEM = "urn:oid:1.2.752.29.4.19"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def local_system(name: str) -> str:
    """A code or identifier system of this Samsyn installation (its own vocabulary: the work
    description's activity keys, roles, reserve numbers)."""
    return f"{settings.SAMSYN_BASE_URL.rstrip('/')}/fhir/CodeSystem/{name}"


def instant(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def ref(resource_type: str, public_id, display: str = "") -> dict:
    reference: dict = {"reference": f"{resource_type}/{public_id}"}
    if display:
        reference["display"] = display
    return reference


def organization_ref(unit: Unit | Principal | None) -> dict | None:
    return ref("Organization", unit.public_id, unit.name) if unit is not None else None


def _text(label: str) -> dict:
    return {"text": label}


# -- Patient -------------------------------------------------------------------------------------


def patient_identifiers(individual: Individual) -> list[dict]:
    """SEBasePatient's identifier (HL7 Sweden's system) and, for partners that use them, the
    same number under its OID; a reserve number under this installation's own system."""
    if individual.identifier_kind == RESERVNUMMER:
        return [
            {
                "use": "temp",
                "system": local_system("reservnummer"),
                "value": individual.identifier,
                "type": _text("Reservnummer"),
            }
        ]
    return [
        {
            "use": "official",
            "system": SE_IDENTIFIER_SYSTEMS[individual.identifier_kind],
            "value": individual.identifier,
        },
        {
            "use": "official",
            "system": FHIR_SYSTEMS[individual.identifier_kind],
            "value": individual.identifier,
        },
    ]


def patient(individual: Individual) -> dict:
    """The individual under SEBasePatient. With protected identity (skyddad identitet) no
    address and no telephone, and the restricted confidentiality label, as everywhere in
    Samsyn where the individual is shown."""
    data: dict = {
        "resourceType": "Patient",
        "id": str(individual.public_id),
        "meta": {"profile": [SE_BASE_PATIENT]},
        "identifier": patient_identifiers(individual),
        "name": [
            {
                "use": "official",
                "text": individual.full_name,
                "family": individual.family_name,
                "given": [individual.given_name],
            }
        ],
    }
    if individual.birth_date:
        data["birthDate"] = individual.birth_date.isoformat()
    if individual.protected_identity:
        data["meta"]["security"] = [
            {"system": CONFIDENTIALITY, "code": "R", "display": "restricted"}
        ]
    else:
        if individual.phone:
            data["telecom"] = [{"system": "phone", "value": individual.phone, "use": "home"}]
        if individual.address or individual.postal_code or individual.city:
            address: dict = {"use": "home", "type": "physical", "country": "SE"}
            if individual.address:
                address["line"] = [individual.address]
            if individual.postal_code:
                address["postalCode"] = individual.postal_code
            if individual.city:
                address["city"] = individual.city
            data["address"] = [address]
    if individual.listed_unit_id:
        data["generalPractitioner"] = [organization_ref(individual.listed_unit)]
    return data


# -- Encounter -----------------------------------------------------------------------------------


def encounter_status(episode: Episode) -> str:
    """The stay's status: admitted or ready for discharge is still `in-progress` (the person
    is on the ward); discharged or ended `finished`; an admission voided (`makulerad`)
    `entered-in-error`."""
    if episode.state in (EpisodeState.ADMITTED, EpisodeState.READY):
        return "in-progress"
    if episode.state == EpisodeState.EXITED and episode.exit_reason == ExitReason.CANCELLED:
        return "entered-in-error"
    return "finished"


def encounter(episode: Episode) -> dict:
    period: dict = {"start": instant(episode.admitted_at)}
    end = episode.discharged_at or episode.ended_at
    if end:
        period["end"] = instant(end)
    data: dict = {
        "resourceType": "Encounter",
        "id": str(episode.public_id),
        "meta": {"lastUpdated": instant(episode.updated_at)},
        "status": encounter_status(episode),
        "class": {"system": ACT_CODE, "code": "IMP", "display": "inpatient encounter"},
        "subject": ref("Patient", episode.individual.public_id, episode.individual.full_name),
        "period": period,
        "serviceProvider": organization_ref(episode.ward),
    }
    hospitalization: dict = {}
    if episode.discharge_destination:
        hospitalization["dischargeDisposition"] = {
            "coding": [
                {
                    "system": local_system("discharge-destination"),
                    "code": episode.discharge_destination,
                    "display": episode.get_discharge_destination_display(),
                }
            ],
            "text": episode.get_discharge_destination_display(),
        }
    if hospitalization:
        data["hospitalization"] = hospitalization
    return data


# -- Task ----------------------------------------------------------------------------------------

TASK_STATUS = {
    ActivityStatus.OPEN: "ready",
    ActivityStatus.OVERDUE: "ready",
    ActivityStatus.DONE: "completed",
    ActivityStatus.NOT_APPLICABLE: "cancelled",
}


def task(activity: EpisodeActivity, now: dt.datetime | None = None) -> dict:
    """An activity of the work description for the stay: ready while open (its state,
    e.g. overdue, as the business status), completed when done, cancelled when not
    applicable; the due time is the end of `restriction.period`."""
    definition = activity.definition
    episode = activity.episode
    state = activity.state(now or timezone.now())
    data: dict = {
        "resourceType": "Task",
        "id": str(activity.public_id),
        "meta": {"lastUpdated": instant(activity.updated_at)},
        "status": TASK_STATUS[ActivityStatus(activity.status)],
        "businessStatus": {
            "coding": [
                {
                    "system": local_system("activity-state"),
                    "code": state.value,
                    "display": str(state.label),
                }
            ],
            "text": str(state.label),
        },
        "intent": "plan",
        "code": {
            "coding": [
                {
                    "system": local_system("work-description"),
                    "code": definition.key,
                    "display": definition.title,
                }
            ],
            "text": definition.title,
        },
        "description": definition.title,
        "for": ref("Patient", episode.individual.public_id, episode.individual.full_name),
        "encounter": ref("Encounter", episode.public_id),
        "lastModified": instant(activity.updated_at),
    }
    if activity.status == ActivityStatus.NOT_APPLICABLE and activity.not_applicable_reason:
        data["statusReason"] = _text(activity.not_applicable_reason)
    if activity.unit_id:
        data["owner"] = organization_ref(activity.unit)
    if activity.due_at:
        data["restriction"] = {"period": {"end": instant(activity.due_at)}}
    if activity.completed_at:
        data["executionPeriod"] = {"end": instant(activity.completed_at)}
    if activity.note:
        data["note"] = [{"text": activity.note}]
    return data


# -- Communication -------------------------------------------------------------------------------


def communication(message: Message) -> dict:
    """A message between units about a stay. The structured content (an admission notice's
    name and address, …) is given as text lines, without contact data for a protected
    identity whatever copy is stored."""
    episode = message.episode
    individual = episode.individual
    payload = []
    if message.body:
        payload.append({"contentString": message.body})
    for key, value in contact_removed(message.data or {}, individual).items():
        if value not in ("", None, [], {}):
            payload.append({"contentString": f"{key}: {value}"})
    data: dict = {
        "resourceType": "Communication",
        "id": str(message.public_id),
        "status": "completed",
        "category": [
            {
                "coding": [
                    {
                        "system": local_system("message-kind"),
                        "code": message.kind,
                        "display": message.get_kind_display(),
                    }
                ],
                "text": message.get_kind_display(),
            }
        ],
        "subject": ref("Patient", individual.public_id, individual.full_name),
        "encounter": ref("Encounter", episode.public_id),
        "sent": instant(message.sent_at),
        "recipient": [organization_ref(message.recipient_unit)],
        "sender": organization_ref(message.sender_unit),
    }
    if message.acknowledged_at:
        data["received"] = instant(message.acknowledged_at)
    if payload:
        data["payload"] = payload
    return data


# -- CarePlan (the SIP) and Consent ---------------------------------------------------------------

CAREPLAN_STATUS = {
    SipState.IDENTIFIED: "draft",
    SipState.CONSENTED: "draft",
    SipState.INVITED: "draft",
    SipState.ACTIVE: "active",
    SipState.CLOSED: "completed",
    SipState.STOPPED: "revoked",
    SipState.DECLINED: "revoked",
    SipState.WITHOUT_SIP: "revoked",
}
ACTIVITY_STATUS = {
    ActionStatus.PLANNED: "not-started",
    ActionStatus.ONGOING: "in-progress",
    ActionStatus.DONE: "completed",
    ActionStatus.CHANGED: "stopped",
    ActionStatus.STOPPED: "cancelled",
}
SIP_CATEGORY = {
    SipKind.SIP: ("sip", "Samordnad individuell plan (SIP)"),
    SipKind.COORDINATED_CARE_PLAN: ("coordinated-care-plan", "Samordnad vårdplan (LPT/LRV)"),
}


def care_plan(sip: Sip, version=None) -> dict:
    """The SIP: its state as the plan's status, the plan in force (`version`, with its
    actions) as description, notes and activities, the units taking part as contributors."""
    code, label = SIP_CATEGORY[SipKind(sip.kind)]
    individual = sip.individual
    data: dict = {
        "resourceType": "CarePlan",
        "id": str(sip.public_id),
        "meta": {"lastUpdated": instant(sip.updated_at)},
        "status": CAREPLAN_STATUS[SipState(sip.state)],
        "intent": "plan",
        "category": [
            {
                "coding": [{"system": local_system("plan-kind"), "code": code, "display": label}],
                "text": label,
            }
        ],
        "title": label,
        "subject": ref("Patient", individual.public_id, individual.full_name),
        "period": {"start": instant(sip.started_at)},
        "created": instant(sip.started_at),
        "author": organization_ref(sip.started_unit),
    }
    if sip.ended_at:
        data["period"]["end"] = instant(sip.ended_at)
    if sip.episode is not None:
        data["encounter"] = ref("Encounter", sip.episode.public_id)
    contributors = [
        organization_ref(p.unit) for p in sip.participants.all() if p.unit_id and not p.removed_at
    ]
    if contributors:
        data["contributor"] = contributors
    if sip.consent:
        data["supportingInfo"] = [ref("Consent", sip.public_id)]
    if version is not None:
        data["description"] = version.what_matters or label
        notes = [
            (label_text, text)
            for label_text, text in (
                ("Vad är viktigt för dig", version.what_matters),
                ("Behov", version.needs),
                ("Mål", version.goals),
                ("Den enskildes och närståendes del", version.individual_part),
                ("Andra aktörers insatser", version.others_part),
                ("Egenvård", version.self_care),
            )
            if text
        ]
        if notes:
            data["note"] = [{"text": f"{heading}: {text}"} for heading, text in notes]
        activities = []
        for action in version.actions.all():
            detail: dict = {
                "status": ACTIVITY_STATUS[ActionStatus(action.status)],
                "description": action.description,
            }
            if action.unit_id:
                detail["performer"] = [organization_ref(action.unit)]
            elif action.principal_id:
                detail["performer"] = [organization_ref(action.principal)]
            if action.start:
                detail["scheduledPeriod"] = {"start": action.start.isoformat()}
            activities.append({"detail": detail})
        if activities:
            data["activity"] = activities
    return data


def consent_status(sip: Sip) -> str:
    """Active while a consenting answer stands; inactive once withdrawn (the SIP stopped);
    rejected when the individual declined or nobody could speak for them."""
    if sip.consent in CONSENTING:
        return "inactive" if sip.state == SipState.STOPPED else "active"
    return "rejected"


def consent(sip: Sip) -> dict:
    """The answer to the offer of a SIP: consent to the plan and to sharing the information
    it needs between the principals (SoL 12 kap. 6 §, OSL 25 kap., HSL 16 kap. 4 §)."""
    individual = sip.individual
    answer_label = sip.get_consent_display()
    data: dict = {
        "resourceType": "Consent",
        "id": str(sip.public_id),
        "status": consent_status(sip),
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                    "display": "Privacy Consent",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://loinc.org",
                        "code": "59284-0",
                        "display": "Patient Consent",
                    }
                ],
                "text": "Samtycke till SIP och informationsdelning",
            }
        ],
        "patient": ref("Patient", individual.public_id, individual.full_name),
        "organization": [organization_ref(sip.started_unit)],
        "policyRule": {
            "text": "Samtycke till samordnad individuell plan och till att de enheter som "
            "deltar delar den information planen behöver."
        },
        "provision": {
            "type": "permit" if sip.consent in CONSENTING else "deny",
            "purpose": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                    "code": "TREAT",
                    "display": "treatment",
                }
            ],
        },
    }
    if sip.consent_at:
        data["dateTime"] = instant(sip.consent_at)
    performer = {
        Consent.INDIVIDUAL: ref("Patient", individual.public_id, individual.full_name),
        Consent.DECLINED: ref("Patient", individual.public_id, individual.full_name),
    }.get(Consent(sip.consent))
    data["performer"] = [performer or {"display": answer_label}]
    if sip.consent_scope:
        data["policyRule"]["text"] = sip.consent_scope
    data["sourceReference"] = ref("CarePlan", sip.public_id)
    return data


# -- AuditEvent ----------------------------------------------------------------------------------


def audit_event(row: AccessLog) -> dict:
    """One access-log row: who read (or tried to read) whose data, when, from where."""
    user = row.user
    agent: dict = {
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/extra-security-role-type",
                    "code": "humanuser",
                    "display": "human user",
                }
            ]
        },
        "who": {"display": str(user)},
        "requestor": True,
    }
    if user.hsa_id:
        agent["who"]["identifier"] = {"system": HSA_SYSTEM, "value": user.hsa_id}
    if row.ip:
        agent["network"] = {"address": row.ip, "type": "2"}
    entities = []
    if row.individual is not None:
        entities.append(
            {
                "what": ref("Patient", row.individual.public_id),
                "type": {
                    "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                    "code": "1",
                    "display": "Person",
                },
                "role": {
                    "system": "http://terminology.hl7.org/CodeSystem/object-role",
                    "code": "1",
                    "display": "Patient",
                },
            }
        )
    if row.episode is not None:
        entities.append({"what": ref("Encounter", row.episode.public_id)})
    data: dict = {
        "resourceType": "AuditEvent",
        "id": str(row.pk),
        "type": {
            "system": "http://dicom.nema.org/resources/ontology/DCM",
            "code": "110110",
            "display": "Patient Record",
        },
        "subtype": [{"system": local_system("access-action"), "code": row.action}],
        "action": "R",
        "recorded": instant(row.at),
        # 0 success; 4 minor failure: the read was refused (the attempt is logged too).
        "outcome": "0" if row.granted else "4",
        "agent": [agent],
        "source": {"observer": {"display": "Samsyn"}},
    }
    if row.unit_id:
        data["agent"].append(
            {
                "type": {"text": "Enhet"},
                "who": organization_ref(row.unit),
                "requestor": False,
            }
        )
    if row.detail:
        data["outcomeDesc"] = row.detail
    if entities:
        data["entity"] = entities
    return data


# -- Organization and PractitionerRole ------------------------------------------------------------


def organization(unit: Unit | Principal) -> dict:
    """A unit of the register, or a principal (region, municipality) as its parent."""
    data: dict = {
        "resourceType": "Organization",
        "id": str(unit.public_id),
        "name": unit.name,
    }
    if unit.hsa_id:
        data["identifier"] = [{"use": "official", "system": HSA_SYSTEM, "value": unit.hsa_id}]
    if isinstance(unit, Unit):
        data["active"] = unit.is_active
        data["type"] = [
            {
                "coding": [
                    {
                        "system": local_system("unit-kind"),
                        "code": unit.kind,
                        "display": unit.get_kind_display(),
                    }
                ],
                "text": unit.get_kind_display(),
            }
        ]
        data["partOf"] = organization_ref(unit.principal)
    else:
        data["active"] = True
        data["type"] = [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                        "code": "govt",
                        "display": "Government",
                    }
                ],
                "text": unit.get_kind_display(),
            }
        ]
        if unit.code:
            data.setdefault("identifier", []).append(
                {"system": local_system("kommunkod"), "value": unit.code}
            )
    return data


def practitioner_role(membership: Membership, today: dt.date | None = None) -> dict:
    """A membership: the user works at the unit in the role, in the period. The user is named
    by display and HSA id (there is no Practitioner resource here)."""
    today = today or timezone.localdate()
    user = membership.user
    practitioner: dict = {"display": str(user)}
    if user.hsa_id:
        practitioner["identifier"] = {"system": HSA_SYSTEM, "value": user.hsa_id}
    period: dict = {"start": membership.valid_from.isoformat()}
    if membership.valid_to:
        period["end"] = membership.valid_to.isoformat()
    active = (
        membership.valid_from <= today
        and (membership.valid_to is None or membership.valid_to >= today)
        and membership.unit.is_active
        and user.is_active
    )
    return {
        "resourceType": "PractitionerRole",
        "id": str(membership.pk),
        "active": active,
        "period": period,
        "practitioner": practitioner,
        "organization": organization_ref(membership.unit),
        "code": [
            {
                "coding": [
                    {
                        "system": local_system("role"),
                        "code": membership.role,
                        "display": membership.get_role_display(),
                    }
                ],
                "text": membership.get_role_display(),
            }
        ],
    }
