"""The written summary at discharge (PROCESS.md step 7): what Samsyn knows of the stay, what
the nurse adds, what is missing before it can be given, and giving it.

The facts are gathered into a plain dict (`facts`) that is both rendered and kept with the
copy, so the kept copy says what the individual was told even after the episode changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from continuity.models import UnitContact
from core.pdf import render_pdf
from episodes import actions as episode_actions
from episodes.access import acting_membership
from episodes.models import DischargeDestination, Episode
from episodes.rules import Step
from organisations.models import Lane, User
from portal.models import DischargeSummary, Variant
from process.models import ActivityStatus, EpisodeActivity
from sip.views import current_version, episode_panel

TEXT_LIMIT = 2000

# The language each variant is rendered in (the labels of choices, the month names).
VARIANT_LANGUAGE = {Variant.PLAIN: "sv", Variant.EASY_READ: "sv", Variant.ENGLISH: "en"}


@dataclass
class NurseInput:
    """What the nurse adds to the summary."""

    variant: str = Variant.PLAIN
    care_given: str = ""
    medication_changes: str = ""
    watch_for: str = ""
    contact_reach: str = ""
    # Only asked while the discharge is not yet registered.
    destination: str = ""
    discharge_date: dt.date | None = None
    submission_key: str | None = None


@dataclass
class Missing:
    """A piece the summary cannot be given without, and what to do about it (Swedish)."""

    field: str | None
    message: str


def care_contact_phone(episode: Episode) -> str:
    """The telephone of the care contact's unit (its reserve contact), for prefilling how the
    individual reaches them; empty when the unit has none."""
    if episode.care_contact_unit_id is None:
        return ""
    contact = UnitContact.objects.filter(unit_id=episode.care_contact_unit_id).first()
    return contact.phone if contact else ""


def care_contact_required(episode: Episode) -> bool:
    """Whether the work description asks for a designated care contact in this stay: its
    activity for the appointment is in force (the process engine decides when it applies)."""
    return (
        EpisodeActivity.objects.filter(episode=episode, definition__step=Step.APPOINT_CARE_CONTACT)
        .exclude(status=ActivityStatus.NOT_APPLICABLE)
        .exists()
    )


def missing(episode: Episode, given: NurseInput) -> list[Missing]:
    """What is missing before the summary can be given, in the order the nurse fixes it."""
    found = []
    if not episode.discharged_at:
        if not given.destination:
            found.append(
                Missing(
                    "destination",
                    _(
                        "Vart den enskilde skrivs ut saknas: utskrivningen är inte registrerad. "
                        "Välj vart den enskilde ska."
                    ),
                )
            )
        if not given.discharge_date:
            found.append(
                Missing(
                    "discharge_date",
                    _(
                        "Utskrivningsdagen saknas: utskrivningen är inte registrerad. "
                        "Ange vilken dag den enskilde skrivs ut."
                    ),
                )
            )
    if care_contact_required(episode) and not episode.care_contact_name:
        found.append(
            Missing(
                None,
                _(
                    "Fast vårdkontakt är inte utsedd. Vårdcentralen utser den i vårdtillfället "
                    "(steget ”Utse fast vårdkontakt”) innan sammanfattningen kan ges."
                ),
            )
        )
    if not given.care_given.strip():
        found.append(Missing("care_given", _("Skriv vilken vård den enskilde har fått.")))
    return found


def _sip_facts(user: User, episode: Episode) -> dict:
    """The stay's SIP as the user may read it (through SIP's own need-to-know), else what the
    episode itself says about the SIP."""
    sip = episode_panel(user, episode)["sip"]
    if sip is not None:
        version = current_version(sip)
        follow_up = version.follow_up_date if version else sip.follow_up_date
        return {
            "status": "plan" if version else ("meeting" if sip.meeting_at else "started"),
            "meeting_at": sip.meeting_at.isoformat() if sip.meeting_at else None,
            "place": sip.meeting_place,
            "follow_up": follow_up.isoformat() if follow_up else None,
            "lead": version.lead_principal.name if version and version.lead_principal else "",
        }
    if episode.sip_invited_at:
        return {"status": "invited"}
    if episode.sip_needed is False:
        return {"status": "not_needed"}
    if episode.sip_needed:
        return {"status": "needed"}
    return {"status": "none"}


def facts(user: User, episode: Episode, given: NurseInput) -> dict:
    """The summary's content: the episode's facts and the nurse's additions, JSON-ready.

    No address or telephone of the individual is ever part of it (a summary may be lost; a
    protected identity must not be revealed by it)."""
    parties = episode.parties.filter(removed_at__isnull=True).select_related("unit")
    by_lane: dict[str, list[str]] = {}
    for party in parties:
        by_lane.setdefault(party.unit.lane, []).append(party.unit.name)
    discharge_date = (
        timezone.localdate(episode.discharged_at) if episode.discharged_at else given.discharge_date
    )
    listed = episode.individual.listed_unit
    return {
        "name": episode.individual.full_name,
        "ward": episode.ward.name,
        "admitted": timezone.localdate(episode.admitted_at).isoformat(),
        "discharge_date": discharge_date.isoformat() if discharge_date else None,
        "destination": episode.discharge_destination or given.destination,
        "care_given": given.care_given.strip(),
        "medication_changes": given.medication_changes.strip(),
        "watch_for": given.watch_for.strip(),
        "care_contact": {
            "name": episode.care_contact_name,
            "unit": episode.care_contact_unit.name if episode.care_contact_unit else "",
            "reach": given.contact_reach.strip(),
        },
        "health_centre": listed.name if listed else "",
        "home_health_care": sorted(by_lane.get(Lane.MUNICIPAL_HEALTH_CARE, [])),
        "social_services": sorted(by_lane.get(Lane.SOCIAL_SERVICES, [])),
        "sip": _sip_facts(user, episode),
    }


def for_template(data: dict) -> dict:
    """`data` with its dates as dates and the destination as its label, for the templates."""
    shown = dict(data)
    for key in ("admitted", "discharge_date"):
        shown[key] = dt.date.fromisoformat(data[key]) if data.get(key) else None
    sip = dict(data["sip"])
    if sip.get("meeting_at"):
        sip["meeting_at"] = timezone.localtime(dt.datetime.fromisoformat(sip["meeting_at"]))
    if sip.get("follow_up"):
        sip["follow_up"] = dt.date.fromisoformat(sip["follow_up"])
    shown["sip"] = sip
    destination = data.get("destination")
    shown["destination_label"] = (
        DischargeDestination(destination).label
        if destination in DischargeDestination.values
        else ""
    )
    return shown


def render_body(variant: str, data: dict) -> dict:
    """The context of the summary's templates for `variant`."""
    return {"s": for_template(data), "variant": variant, "printed": timezone.localdate()}


def summary_pdf(variant: str, data: dict) -> bytes:
    """The summary as the PDF given to the individual, in the variant's language."""
    with translation.override(VARIANT_LANGUAGE[Variant(variant)]):
        return render_pdf(
            "portal/summary_pdf.html",
            {**render_body(variant, data), "body": f"portal/summary/{variant}.html"},
        )


def give_summary(user: User, episode: Episode, given: NurseInput) -> DischargeSummary:
    """Write the summary, keep a copy with the episode and record it as given (through
    `do_record_summary`, so the work description's activity is completed by the same event).

    Refuses (ActionError) when the user's unit may not record the summary; the caller has
    checked `missing` first. One transaction: no copy without the recorded step, or back."""
    data = facts(user, episode, given)
    pdf = summary_pdf(given.variant, data)
    with transaction.atomic():
        episode_actions.do_record_summary(
            user,
            episode,
            note=_("Skriftlig sammanfattning given"),
            submission_key=given.submission_key,
        )
        membership = acting_membership(user, episode, Step.RECORD_SUMMARY)
        number = (
            DischargeSummary.objects.filter(episode=episode).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        return DischargeSummary.objects.create(
            episode=episode,
            number=number,
            variant=given.variant,
            data=data,
            pdf=pdf,
            created_by=user,
            created_unit=membership.unit,
        )
