from io import StringIO

from django.core.management import call_command

from episodes.models import Episode, Message


def test_the_demo_is_played_through_the_actions_and_offices_work_their_inboxes(db):
    out = StringIO()
    call_command("seed_demo", episodes=30, stdout=out, stderr=StringIO())
    assert "sjukskoterska" in out.getvalue() and "samsyn-demo" in out.getvalue()
    assert Episode.objects.count() >= 25
    messages = Message.objects.filter(forwarded_to__isnull=True)
    waiting = messages.filter(acknowledged_at__isnull=True)
    # Most mail is acknowledged; what waits is mostly recent.
    assert 0 < waiting.count() < messages.count() / 2
    for message in messages.exclude(acknowledged_at=None):
        assert message.acknowledged_at >= message.sent_at
    # A second run leaves the data as it is.
    before = (Episode.objects.count(), Message.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Episode.objects.count(), Message.objects.count()) == before
