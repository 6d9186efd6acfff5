"""The demo's ADT feed goes through the listener's own intake: what the feed page then shows."""

from django.core.management import call_command
from django.test import Client

from episodes.models import Episode
from interop.models import AdtMessage, MessageStatus, ResolutionItem


def test_the_demo_feed_admits_updates_queues_and_rejects_through_the_intake(org):
    call_command("seed_adt_demo", verbosity=0)
    statuses = list(AdtMessage.objects.order_by("id").values_list("ack_code", "status"))
    assert statuses == [
        ("AA", MessageStatus.APPLIED),
        ("AA", MessageStatus.APPLIED),
        ("AA", MessageStatus.APPLIED),
        ("AE", MessageStatus.QUEUED),
        ("AR", MessageStatus.REJECTED),
    ]  # the resend of the first admission was answered from its stored ACK, not stored again
    ward_stays = Episode.objects.filter(ward=org.ward)
    assert ward_stays.count() == 2
    assert ward_stays.exclude(estimated_discharge_date=None).count() == 1  # the A08
    assert ResolutionItem.objects.count() == 1  # the ward the register does not have yet
    client = Client()
    client.force_login(org.nurse)
    assert ward_stays.first().individual.family_name in client.get("/").content.decode()
    call_command("seed_adt_demo", verbosity=0)  # a second run adds nothing
    assert AdtMessage.objects.count() == 5
