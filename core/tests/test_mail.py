"""Notifications reach a real SMTP server, only after the action commits."""

import pytest
from django.db import transaction

from core.mail import absolute_url, notify
from tests.smtp import smtp_server  # noqa: F401


@pytest.mark.django_db(transaction=True)
def test_a_notification_arrives_after_the_commit_with_a_link(smtp_server, settings):  # noqa: F811
    settings.SAMSYN_BASE_URL = "https://samsyn.example"
    with transaction.atomic():
        notify(["a@example.org", "a@example.org", ""], "Nytt i Samsyn", absolute_url("/inkorg/"))
        assert smtp_server.messages == []
    assert [m["To"] for m in smtp_server.messages] == ["a@example.org"]
    assert smtp_server.messages[0]["Subject"] == "Nytt i Samsyn"
    assert "https://samsyn.example/inkorg/" in smtp_server.bodies()[0]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_action_sends_nothing(smtp_server):  # noqa: F811
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(["a@example.org"], "Nytt", "x")
        raise RuntimeError
    assert smtp_server.messages == []
