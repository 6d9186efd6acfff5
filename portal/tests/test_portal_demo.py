"""The demo of Min planering is played through the portal's own actions."""

from django.core.management import call_command

from audit.models import AccessLog
from portal.models import Representation, RepresentationEvent
from sip.tests.builders import planned
from tests.factories import TEST_IDENTIFIERS, admit


def test_the_demo_gives_a_daughter_access_takes_a_neighbours_back_and_records_a_guardian(org):
    sip = planned(org)
    admit(org, identifier=TEST_IDENTIFIERS[3])
    call_command("seed_portal_demo", verbosity=0)
    daughter, neighbour = Representation.objects.filter(individual=sip.individual).order_by("id")
    assert daughter.relation == "dotter" and daughter.revoked_at is None
    assert neighbour.revoked_at is not None
    guardian = Representation.objects.exclude(individual=sip.individual).get()
    assert guardian.kind == "forvaltare" and guardian.granted_by_user is not None
    assert RepresentationEvent.objects.count() == 4  # three granted, one revoked
    assert AccessLog.objects.filter(individual=sip.individual, action="episode.view").exists()
    call_command("seed_portal_demo", verbosity=0)  # idempotent
    assert Representation.objects.count() == 3
