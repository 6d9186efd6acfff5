"""What a row of the start page's lists and of the inbox shows (issue 17: the rows are now
slim rows formatted in Python; the user sees the same): the patient with a link to the stay,
the identity number, the ward, the state, the next step with its deadline in Stockholm time
and whether it is late; the inbox row's kind, patient, sent time and the checkbox's label."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from episodes.models import Message
from process.models import EpisodeActivity
from tests.factories import admit


def _cells(html: str, marker: str) -> str:
    """The table row of `html` that holds `marker`, with its tags' whitespace collapsed."""
    row = next(r for r in html.split("<tr") if marker in r)
    return re.sub(r"\s+", " ", row)


def test_the_worklist_row_shows_the_patient_the_next_step_and_its_late_deadline(org, client):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    episode.refresh_from_db()
    client.force_login(org.nurse)
    html = client.get("/").content.decode()
    worklist = html[html.index('id="worklist-title"') :]
    row = _cells(worklist, reverse("episode", args=[episode.public_id]))
    due = timezone.localtime(episode.admission_notice_due_at).strftime("%Y-%m-%d %H:%M")
    assert "Sven Testsson" in row and "19410708-9981" in row
    assert f"<td>{org.ward.name}</td>" in row and "<td>Inskriven</td>" in row
    assert "<td>Skicka inskrivningsmeddelande</td>" in row
    assert due in row and "Försenad" in row


def test_the_to_do_row_shows_its_deadline_in_stockholm_time_and_links_to_the_step(org, client):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    notice = EpisodeActivity.objects.get(
        episode=episode, definition__step="send_admission_notice", unit=org.ward
    )
    client.force_login(org.nurse)
    html = client.get("/").content.decode()
    todo = html[html.index('id="todo-heading"') : html.index('id="worklist-title"')]
    local = timezone.localtime(notice.due_at)
    row = _cells(todo, "Skicka inskrivningsmeddelande")
    assert f'<time datetime="{local.isoformat()}">{local:%Y-%m-%d %H:%M}</time>' in row
    assert (
        f'href="{reverse("episode", args=[episode.public_id])}#step-send_admission_notice"' in row
    )
    assert "Försenad" in row
    patient = todo[: todo.index("Skicka inskrivningsmeddelande")]
    assert f'<a href="{reverse("episode", args=[episode.public_id])}">Sven Testsson</a>' in patient


def test_the_inbox_row_shows_the_kind_the_patient_and_when_it_was_sent(org, client):
    episode = admit(org)
    message = Message.objects.get(episode=episode, recipient_unit=org.needs_assessment)
    client.force_login(org.needs_assessor)
    row = _cells(client.get("/inkorg/").content.decode(), str(message.public_id))
    sent = timezone.localtime(message.sent_at)
    assert f'<time datetime="{sent.isoformat()}">{sent:%Y-%m-%d %H:%M}</time>' in row
    assert (
        f'<a href="{reverse("message", args=[message.public_id])}">Inskrivningsmeddelande</a>'
        in row
    )
    assert f'<a href="{reverse("episode", args=[episode.public_id])}">Sven Testsson</a>' in row
    assert 'aria-label="Kvittera Inskrivningsmeddelande om Sven Testsson"' in row
