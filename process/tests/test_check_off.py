import pytest
from django.urls import reverse

from core.errors import ActionError
from process.actions import do_check_off
from process.models import ActivityLog, ActivityState, LogKind
from tests.factories import admit


def test_a_nurse_at_the_ward_checks_off_a_manual_activity(org, activity):
    episode = admit(org)
    do_check_off(org.nurse, activity(episode, "SV-05"), "Informerat patient och dotter")
    row = activity(episode, "SV-05")
    assert row.state() == ActivityState.DONE_ON_TIME
    assert row.completed_by == org.nurse and row.completed_unit == org.ward
    assert ActivityLog.objects.filter(
        activity=row, kind=LogKind.CHECKED_OFF, actor=org.nurse
    ).exists()


def test_it_refuses_a_check_off_by_the_wrong_role(org, activity):
    episode = admit(org)
    with pytest.raises(ActionError) as error:
        do_check_off(org.physician, activity(episode, "SV-05"))  # nurse or coordinator only
    assert error.value.code == "forbidden"
    assert activity(episode, "SV-05").state() != ActivityState.DONE_ON_TIME


def test_it_refuses_a_check_off_by_another_lane(org, activity):
    episode = admit(org)
    with pytest.raises(ActionError) as error:
        do_check_off(org.needs_assessor, activity(episode, "SV-05"))
    assert error.value.code == "forbidden"


def test_it_refuses_a_check_off_by_a_unit_that_is_not_a_party(org, activity):
    episode = admit(org)
    with pytest.raises(ActionError) as error:
        do_check_off(org.outsider, activity(episode, "ST-02"))
    assert error.value.code == "not_a_party"


def test_it_refuses_checking_off_twice(org, activity):
    episode = admit(org)
    do_check_off(org.needs_assessor, activity(episode, "ST-02"))
    with pytest.raises(ActionError) as error:
        do_check_off(org.needs_assessor, activity(episode, "ST-02"))
    assert error.value.code == "already_done"


def test_it_refuses_to_check_off_what_a_step_in_samsyn_completes(org, activity):
    episode = admit(org, send_notice=False)
    with pytest.raises(ActionError) as error:
        do_check_off(org.nurse, activity(episode, "SV-04"))
    assert error.value.code == "not_manual"


def test_the_check_off_form_returns_to_the_episode_page(org, activity, client):
    episode = admit(org)
    row = activity(episode, "SV-05")
    client.force_login(org.nurse)
    response = client.post(reverse("process:check_off", args=[row.public_id]), {"note": ""})
    assert response.status_code == 302
    assert response["Location"] == f"/vardtillfallen/{episode.public_id}/#activity-SV-05"
    assert activity(episode, "SV-05").state() == ActivityState.DONE_ON_TIME


def test_an_outsider_posting_a_check_off_gets_not_found(org, activity, client):
    episode = admit(org)
    row = activity(episode, "ST-02")
    client.force_login(org.outsider)
    response = client.post(reverse("process:check_off", args=[row.public_id]))
    assert response.status_code == 404
    assert activity(episode, "ST-02").state() != ActivityState.DONE_ON_TIME
