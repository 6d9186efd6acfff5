"""What the citizen portal does with SIPs, for a citizen who is not a staff user (no `User`):
the individual, or someone acting for them, identified by personal identity number and name.

Writes (each one transaction, validated, refusing with a Swedish `ActionError`):
- `record_own_words`: "Det som är viktigt för mig", the individual's own words ahead of the
  SIP meeting: a new `OwnWords` row beside the staff-written plan (never overwriting it),
  shown to the participants on the SIP page with who wrote it and when; each participating
  unit gets a notice ("Den enskilde har skrivit vad som är viktigt") on "Mina SIP".
- `request_sip`: "Jag vill ha en SIP": a `SipRequest` to the individual's health centre and
  the units taking part in the individual's open SIPs ("Förfrågningar" on "Mina SIP").

Reads (for the portal to show a citizen their SIPs): `sips_for_citizen`, `sip_for_citizen`,
`current_plan`, `own_words_of`, `requests_for_citizen`. Whether a citizen may act for another
person (as a representative) is the portal's rule: these functions take its word for it and
check only that a citizen acting for themselves is the SIP's individual.
"""

from __future__ import annotations

from django.db.models import Max, QuerySet
from django.utils import timezone

from core.errors import ActionError
from episodes import events as episode_events
from episodes.actions.common import check_text
from individuals.identifiers import parse_identifier
from individuals.models import Individual
from organisations.models import Unit
from sip.inbox import MAX_REQUEST_TEXT, create_request
from sip.models import (
    OPEN_REQUEST_STATES,
    OPEN_STATES,
    Notice,
    NoticeKind,
    OwnWords,
    Participant,
    PlanVersion,
    RequestKind,
    Sip,
    SipRequest,
)

MAX_OWN_WORDS = 4000


def _identifier(text: str, field: str) -> str:
    try:
        return parse_identifier(text).number
    except ActionError as error:
        raise ActionError(error.message, code=error.code, field=field) from None


def _individual_for(
    citizen_identifier: str, as_representative: bool, individual_identifier: str | None
) -> tuple[str, Individual | None]:
    """The citizen's normalised number, and the individual they act for (None: unknown)."""
    own = _identifier(citizen_identifier, "citizen_identifier")
    if as_representative:
        if not individual_identifier:
            raise ActionError(
                "Ange personnumret för den du företräder.",
                code="required",
                field="individual_identifier",
            )
        number = _identifier(individual_identifier, "individual_identifier")
    else:
        number = own
    return own, Individual.objects.filter(identifier=number).first()


def _name(citizen_name: str) -> str:
    return check_text(citizen_name, field_name="citizen_name", required=True, limit=200)


# -- writes ------------------------------------------------------------------------------------


@episode_events.action
def record_own_words(
    sip_id,
    *,
    citizen_identifier: str,
    citizen_name: str,
    as_representative: bool,
    text: str,
) -> OwnWords:
    """Record "Det som är viktigt för mig" for the SIP `sip_id` (its public id), written by
    the individual (`as_representative=False`: `citizen_identifier` must be the SIP's
    individual) or by a representative the portal has checked. Each call adds a version."""
    own = _identifier(citizen_identifier, "citizen_identifier")
    name = _name(citizen_name)
    text = check_text(text, field_name="text", required=True, limit=MAX_OWN_WORDS)
    try:
        sip = (
            Sip.objects.select_for_update(of=("self",))
            .select_related("individual")
            .get(public_id=sip_id)
        )
    except (Sip.DoesNotExist, ValueError, TypeError):
        raise ActionError("SIP:en finns inte.", code="not_found", field="sip") from None
    if not as_representative and sip.individual.identifier != own:
        raise ActionError(
            "Du kan bara skriva i din egen SIP, eller som företrädare.",
            code="not_your_sip",
            field="sip",
        )
    if sip.state not in OPEN_STATES:
        raise ActionError(
            "SIP:en är avslutad och kan inte längre ändras.", code="sip_closed", field="sip"
        )
    last = sip.own_words.order_by("-number").first()
    if last is not None and last.text == text:
        raise ActionError(
            "Texten är densamma som förra gången: inget nytt har sparats.",
            code="unchanged",
            field="text",
        )
    now = timezone.now()
    words = OwnWords.objects.create(
        sip=sip,
        number=(last.number if last else 0) + 1,
        text=text,
        written_at=now,
        written_by_name=name,
        written_by_identifier=own,
        as_representative=as_representative,
    )
    # Every participating unit is told, so the words are read before the meeting.
    units = Participant.objects.filter(
        sip=sip, unit__isnull=False, removed_at__isnull=True
    ).values_list("unit_id", flat=True)
    Notice.objects.bulk_create(
        [
            Notice(sip=sip, unit_id=unit_id, kind=NoticeKind.OWN_WORDS, sent_at=now)
            for unit_id in units
        ]
    )
    return words


def recipients_for(individual: Individual) -> list[Unit]:
    """Whom a citizen's SIP request reaches: the health centre the individual is listed at,
    and the units taking part in the individual's open SIPs."""
    units: list[Unit] = []
    listed = individual.listed_unit
    if listed is not None and listed.is_active:
        units.append(listed)
    taking_part = (
        Participant.objects.filter(
            sip__individual=individual,
            sip__state__in=OPEN_STATES,
            unit__isnull=False,
            unit__is_active=True,
            removed_at__isnull=True,
        )
        .select_related("unit")
        .order_by("id")
    )
    for p in taking_part:
        if p.unit is not None and p.unit.pk not in {u.pk for u in units}:
            units.append(p.unit)
    return units


@episode_events.action
def request_sip(
    *,
    citizen_identifier: str,
    citizen_name: str,
    as_representative: bool,
    text: str = "",
    individual_identifier: str | None = None,
) -> SipRequest:
    """ "Jag vill ha en SIP": the individual (or a representative, naming the individual by
    `individual_identifier`) asks for a SIP. The request reaches the individual's health
    centre and the units of their open SIPs, where staff acknowledge it, answer it or turn
    it into a SIP (`sip.inbox`)."""
    own, individual = _individual_for(citizen_identifier, as_representative, individual_identifier)
    name = _name(citizen_name)
    text = check_text(text, field_name="text", limit=MAX_REQUEST_TEXT)
    if individual is None:
        raise ActionError(
            "Samsyn vet inte vilken vårdcentral du hör till. Kontakta din vårdcentral direkt "
            "och be om en SIP.",
            code="unknown_individual",
            field="individual_identifier" if as_representative else "citizen_identifier",
        )
    Individual.objects.select_for_update().filter(pk=individual.pk).first()  # one at a time
    waiting = SipRequest.objects.filter(
        individual=individual,
        from_unit__isnull=True,
        kind=RequestKind.SIP,
        state__in=OPEN_REQUEST_STATES,
    ).first()
    if waiting is not None:
        raise ActionError(
            "Det finns redan en begäran om SIP som väntar på svar, skickad "
            f"{timezone.localtime(waiting.sent_at):%Y-%m-%d}.",
            code="already_requested",
        )
    units = recipients_for(individual)
    if not units:
        raise ActionError(
            "Samsyn vet inte vilken vårdcentral du hör till. Kontakta din vårdcentral direkt "
            "och be om en SIP.",
            code="no_recipient",
        )
    return create_request(
        kind=RequestKind.SIP,
        individual=individual,
        recipients=units,
        text=text or "Jag vill ha en SIP.",
        citizen_name=name,
        citizen_identifier=own,
        as_representative=as_representative,
    )


# -- reads -------------------------------------------------------------------------------------


def sips_for_citizen(individual_identifier: str) -> QuerySet[Sip]:
    """The SIPs (and coordinated care plans) of the individual, newest first: open ones and
    ended ones alike (the individual's own plans). Raises ActionError on a bad number."""
    number = _identifier(individual_identifier, "individual_identifier")
    return (
        Sip.objects.filter(individual__identifier=number)
        .select_related("individual", "started_unit")
        .annotate(own_words_count=Max("own_words__number"))
        .order_by("-started_at")
    )


def sip_for_citizen(individual_identifier: str, sip_id) -> Sip:
    """One SIP of the individual, or ActionError `not_found` (also for another's SIP)."""
    sip = sips_for_citizen(individual_identifier).filter(public_id=sip_id).first()
    if sip is None:
        raise ActionError("SIP:en finns inte.", code="not_found", field="sip")
    return sip


def current_plan(sip: Sip) -> PlanVersion | None:
    """The plan's current version (None before the meeting), its actions prefetched."""
    return (
        sip.versions.select_related("lead_principal")
        .prefetch_related("actions__principal", "actions__unit")
        .order_by("-number")
        .first()
    )


def own_words_of(sip: Sip) -> QuerySet[OwnWords]:
    """Every "Det som är viktigt för mig" entry of the SIP, newest first."""
    return sip.own_words.order_by("-number")


def requests_for_citizen(individual_identifier: str) -> QuerySet[SipRequest]:
    """The individual's requests (sent from the portal or by units), newest first, with their
    state and answer."""
    number = _identifier(individual_identifier, "individual_identifier")
    return (
        SipRequest.objects.filter(individual__identifier=number)
        .select_related("answered_unit", "sip")
        .prefetch_related("recipients__unit")
        .order_by("-sent_at")
    )
