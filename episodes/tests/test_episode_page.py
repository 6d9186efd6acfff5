import datetime as dt

from django.test import Client
from django.utils import timezone

from episodes.models import Episode, Event, EventKind, Message
from tests.factories import admit


def post_step(client, episode, step, **data):
    page = client.get(f"/vardtillfallen/{episode.public_id}/")
    key = page.context["forms"][[f["step"] for f in page.context["forms"]].index(step)][
        "form"
    ].initial["submission_key"]
    return client.post(
        f"/vardtillfallen/{episode.public_id}/steg/{step}/", {"submission_key": key, **data}
    )


def test_the_ward_sends_the_ready_notice_and_every_unit_is_told(org, client):
    episode = admit(org)
    client.force_login(org.physician)
    response = post_step(client, episode, "send_ready_notice")
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.state == "ready"
    assert Message.objects.filter(episode=episode, kind="ready_notice").count() == 3


def test_a_revocation_without_a_ready_notice_is_refused_with_a_message(org, client):
    episode = admit(org)
    client.force_login(org.physician)
    page = client.get(f"/vardtillfallen/{episode.public_id}/")
    assert "revoke_ready_notice" not in [f["step"] for f in page.context["forms"]]
    before = Event.objects.count()
    response = client.post(
        f"/vardtillfallen/{episode.public_id}/steg/revoke_ready_notice/", {"reason": "x"}
    )
    assert response.status_code == 400
    assert "Det finns inget meddelande om utskrivningsklar att återta" in response.text
    assert Event.objects.count() == before


def test_a_discharge_before_the_admission_is_refused_and_nothing_changes(org, client):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(hours=5))
    client.force_login(org.nurse)
    before = timezone.localtime(episode.admitted_at - dt.timedelta(hours=3))
    response = post_step(
        client,
        episode,
        "discharge",
        destination="home",
        discharged_at=before.strftime("%Y-%m-%dT%H:%M"),
    )
    assert response.status_code == 400
    assert "Utskrivningen kan inte ligga före inskrivningen" in response.text
    assert Episode.objects.get(pk=episode.pk).state == "admitted"


def test_submitting_the_same_form_twice_changes_nothing_the_second_time(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    page = client.get(f"/vardtillfallen/{episode.public_id}/")
    form = next(f for f in page.context["forms"] if f["step"] == "set_estimated_date")["form"]
    data = {"submission_key": form.initial["submission_key"], "date": "2030-01-01"}
    new_date = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    data["date"] = new_date
    assert (
        client.post(
            f"/vardtillfallen/{episode.public_id}/steg/set_estimated_date/", data
        ).status_code
        == 302
    )
    second = client.post(f"/vardtillfallen/{episode.public_id}/steg/set_estimated_date/", data)
    assert second.status_code == 400
    assert "redan skickats" in second.text
    assert Event.objects.filter(episode=episode, kind=EventKind.ESTIMATED_DATE_CHANGED).count() == 1


def test_a_date_far_in_the_future_is_refused(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    response = post_step(client, episode, "set_estimated_date", date="2099-01-01")
    assert response.status_code == 400
    assert "mer än ett år fram" in response.text


def test_text_over_the_limit_is_refused_and_kept_in_the_form(org, client):
    episode = admit(org)
    client.force_login(org.needs_assessor)
    long_text = "å" * 4001
    response = post_step(client, episode, "send_planning_message", status=long_text)
    assert response.status_code == 400
    assert "för lång" in response.text
    assert long_text in response.text


def test_a_unit_not_in_the_episode_cannot_act_on_it(org, client):
    episode = admit(org)
    client.force_login(org.outsider)
    response = client.post(
        f"/vardtillfallen/{episode.public_id}/steg/send_planning_message/", {"status": "hej"}
    )
    assert response.status_code == 404
    assert not Event.objects.filter(kind=EventKind.PLANNING_MESSAGE_SENT).exists()


def test_a_forged_csrf_token_is_refused(org):
    episode = admit(org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.nurse)
    response = client.post(
        f"/vardtillfallen/{episode.public_id}/steg/send_ready_notice/",
        {"csrfmiddlewaretoken": "forged"},
    )
    assert response.status_code == 403
    assert Episode.objects.get(pk=episode.pk).state == "admitted"


def test_moving_the_planned_date_tells_the_units_and_is_counted_in_the_timeline(org, client):
    episode = admit(org)
    client.force_login(org.nurse)
    new_date = episode.estimated_discharge_date + dt.timedelta(days=2)
    post_step(client, episode, "set_estimated_date", date=new_date.isoformat())
    assert Message.objects.filter(episode=episode, kind="estimated_date_changed").count() == 3
    page = client.get(f"/vardtillfallen/{episode.public_id}/")
    assert "Beräknat utskrivningsdatum ändrat" in page.text


def test_the_timeline_and_the_messages_say_when_who_and_from_where(org, client):
    """The texts the page formats itself (issue 17): each event's moment in Swedish with its
    ISO time, the person and unit who recorded it, "registrerat" for a late entry; each
    message's time, kind, sender, recipient and acknowledgement."""
    from episodes.actions.inbox import do_acknowledge
    from episodes.templatetags.samsyn_dates import sv_datetime

    admitted_at = timezone.now() - dt.timedelta(hours=2)
    episode = admit(org, admitted_at=admitted_at)
    admission = episode.events.get(kind=EventKind.ADMITTED)
    notice = Message.objects.get(
        episode=episode, kind="admission_notice", recipient_unit=org.needs_assessment
    )
    do_acknowledge(org.needs_assessor, notice)
    notice.refresh_from_db()
    client.force_login(org.nurse)
    html = client.get(f"/vardtillfallen/{episode.public_id}/").text
    local = timezone.localtime(admission.occurred_at)
    assert f'<time datetime="{local.isoformat()}">{sv_datetime(local)}</time>' in html
    # Recorded two hours after it happened: a late entry, with when it was recorded.
    assert (
        f"{org.nurse.get_full_name()}, {org.ward.name} · registrerat "
        f"{sv_datetime(admission.recorded_at)}" in html
    )
    sent = timezone.localtime(notice.sent_at)
    assert f'<time datetime="{sent.isoformat()}">{sent:%Y-%m-%d %H:%M}</time>' in html
    assert f'href="/meddelanden/{notice.public_id}/">Inskrivningsmeddelande</a>' in html
    acknowledged = timezone.localtime(notice.acknowledged_at)
    assert f"Kvitterat {acknowledged:%Y-%m-%d %H:%M}" in html
