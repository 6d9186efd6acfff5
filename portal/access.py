"""Who may see whose "Min planering", and the portal's own access log.

A logged-in citizen (`identity.citizen.Citizen`) sees the individual whose personal identity
number is theirs, and every individual who has given them access (or for whom staff recorded
them as legal representative) that holds today. Nothing else: another person's page by URL
is the same neutral "not found" as a page that does not exist. Every read, granted or
refused, is a `CitizenRead` row.

Expiry is checked at each request, so an access that has run out denies at once; the first
request (or staff page) that finds it expired writes its "expired" history row, and the
periodic job (`sweep_expired`) writes it for those nobody looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from identity.citizen import Citizen
from individuals.identifiers import InvalidIdentifier, parse_identifier
from individuals.models import Individual
from portal.models import (
    CitizenRead,
    Representation,
    RepresentationEvent,
    RepresentationEventKind,
)
from process.actions import CitizenActor


@dataclass(frozen=True)
class Subject:
    """An individual the citizen may see, and through which access (None: themselves)."""

    individual: Individual
    representation: Representation | None

    @property
    def is_self(self) -> bool:
        return self.representation is None


def individual_of(identifier: str) -> Individual | None:
    """The individual with this personal identity number, in any spelling people type (read
    through the individuals app's own parser), or None."""
    try:
        number = parse_identifier(identifier).number
    except InvalidIdentifier:
        return None
    # A duplicate merged into another row (ADT A40) is history, not a person to show.
    return Individual.objects.filter(identifier=number, merged_into=None).first()


def normal_identifier(citizen: Citizen) -> str:
    """The citizen's number in the 12-digit normal form ('' if it cannot be read)."""
    try:
        return parse_identifier(citizen.personal_identity_number).number
    except InvalidIdentifier:
        return ""


def record_expiry(representation: Representation) -> bool:
    """Write the "expired" history row of a representation past its last day, once; whether
    this call wrote it."""
    if representation.revoked_at is not None:
        return False
    if representation.valid_to >= timezone.localdate():
        return False
    if representation.events.filter(kind=RepresentationEventKind.EXPIRED).exists():
        return False
    try:
        with transaction.atomic():
            RepresentationEvent.objects.create(
                representation=representation,
                kind=RepresentationEventKind.EXPIRED,
                data=snapshot(representation),
            )
    except IntegrityError:
        return False  # another request (or sweep) wrote it first
    return True


def sweep_expired() -> int:
    """The periodic job's pass (`jobs.tasks`): the "expired" history row for every
    representation that ran out since, so the history says so even if nobody looked; the
    number written. Safe to run concurrently with itself and with the requests."""
    ran_out = (
        Representation.objects.filter(revoked_at__isnull=True, valid_to__lt=timezone.localdate())
        .exclude(events__kind=RepresentationEventKind.EXPIRED)
        .order_by("id")
    )
    return sum(1 for representation in ran_out.iterator() if record_expiry(representation))


def snapshot(representation: Representation) -> dict:
    return {
        "name": representation.representative_name,
        "relation": representation.relation,
        "kind": representation.kind,
        "basis": representation.basis,
        "valid_from": representation.valid_from.isoformat(),
        "valid_to": representation.valid_to.isoformat(),
    }


def representations_of(citizen: Citizen) -> list[Representation]:
    """The representations in force today through which `citizen` sees someone else (expired
    ones found on the way get their history row)."""
    number = normal_identifier(citizen)
    if not number:
        return []
    today = timezone.localdate()
    found = []
    for representation in (
        Representation.objects.filter(representative_identifier=number, revoked_at__isnull=True)
        .select_related("individual")
        .order_by("individual__family_name", "individual__given_name", "id")
    ):
        if representation.is_valid_on(today):
            found.append(representation)
        else:
            record_expiry(representation)
    return found


def subjects_of(citizen: Citizen) -> list[Subject]:
    """Everyone `citizen` may see now: themselves first (when Samsyn knows them), then those
    they represent (one entry per individual, through the first access found)."""
    subjects: list[Subject] = []
    own = individual_of(citizen.personal_identity_number)
    if own is not None:
        subjects.append(Subject(own, None))
    seen = {own.pk} if own is not None else set()
    for representation in representations_of(citizen):
        if representation.individual_id not in seen:
            seen.add(representation.individual_id)
            subjects.append(Subject(representation.individual, representation))
    return subjects


def actor_for(citizen: Citizen, subject: Subject) -> CitizenActor:
    """Who acts when `citizen` does something in `subject`'s planning: the individual, or a
    representative with their representation's relation (a legal kind names itself)."""
    representation = subject.representation
    if representation is None:
        return CitizenActor(
            name=citizen.name or subject.individual.full_name,
            identifier=normal_identifier(citizen),
        )
    return CitizenActor(
        name=citizen.name or representation.representative_name,
        identifier=normal_identifier(citizen),
        as_representative=True,
        relation=representation.relation or representation.get_kind_display(),
    )


def log_read(
    request: HttpRequest,
    citizen: Citizen,
    action: str,
    *,
    subject: Subject | None,
    granted: bool = True,
    detail: str = "",
) -> CitizenRead:
    """One row of the portal's access log: `citizen` read (or tried to read) `subject`."""
    return CitizenRead.objects.create(
        individual=subject.individual if subject is not None else None,
        reader_identifier=normal_identifier(citizen),
        # A demo login may carry no name: the representation knows whom it was given to.
        reader_name=(
            citizen.name
            or (
                subject.representation.representative_name
                if subject and subject.representation
                else ""
            )
        )[:200],
        representation=subject.representation if subject is not None else None,
        action=action,
        granted=granted,
        path=request.get_full_path()[:300],
        ip=request.META.get("REMOTE_ADDR"),
        detail=detail[:300],
    )


def get_subject(request: HttpRequest, citizen: Citizen, public_id, *, action: str) -> Subject:
    """The individual `public_id` if `citizen` may see them now, else Http404 (the same for a
    stranger, an expired or revoked access and an unknown id); logged either way."""
    for subject in subjects_of(citizen):
        if str(subject.individual.public_id) == str(public_id):
            log_read(request, citizen, action, subject=subject)
            return subject
    # The refusal names the person asked for (for the log review), never shown to the reader.
    asked = Individual.objects.filter(public_id=public_id).first()
    log_read(
        request,
        citizen,
        action,
        subject=Subject(asked, None) if asked is not None else None,
        granted=False,
        detail="ingen tillgång",
    )
    raise Http404("not found")
