"""Courses with their lane modules, and completions registered by hand."""

import datetime as dt

import pytest
from django.utils import timezone

from competence.actions import do_record_completion
from competence.catalogue import install_standard_courses
from competence.models import Completion, Module
from core.errors import ActionError
from organisations.models import Lane, Role
from tests.factories import make_user


@pytest.fixture
def leader(org):
    return make_user("leader", org.needs_assessment, Role.PROCESS_LEADER)


def test_the_digital_course_gives_each_lane_its_own_part_3_module(db):
    course = install_standard_courses()
    codes = [m.code for m in course.modules_for_lane(Lane.SOCIAL_SERVICES)]
    assert codes == ["LP-1", "LP-2", "LP-3D", "LP-4", "LP-5"]


def test_installing_the_courses_twice_adds_nothing(db):
    install_standard_courses()
    install_standard_courses()
    assert Module.objects.count() == 10


def test_a_process_leader_records_a_completion_by_hand(org, leader):
    install_standard_courses()
    module = Module.objects.get(code="LP-1")
    day = timezone.localdate() - dt.timedelta(days=3)
    do_record_completion(leader, person=org.nurse, module=module, completed_on=day)
    assert Completion.objects.get(user=org.nurse).completed_on == day


def test_a_completion_in_the_future_is_refused(org, leader):
    install_standard_courses()
    module = Module.objects.get(code="LP-1")
    with pytest.raises(ActionError, match="framtiden"):
        do_record_completion(
            leader,
            person=org.nurse,
            module=module,
            completed_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert not Completion.objects.exists()


def test_the_same_completion_twice_is_refused(org, leader):
    install_standard_courses()
    module = Module.objects.get(code="LP-1")
    day = timezone.localdate()
    do_record_completion(leader, person=org.nurse, module=module, completed_on=day)
    with pytest.raises(ActionError, match="redan"):
        do_record_completion(leader, person=org.nurse, module=module, completed_on=day)
    assert Completion.objects.count() == 1


def test_a_nurse_may_not_record_completions(org):
    install_standard_courses()
    with pytest.raises(ActionError) as refused:
        do_record_completion(
            org.nurse,
            person=org.nurse,
            module=Module.objects.get(code="LP-1"),
            completed_on=timezone.localdate(),
        )
    assert refused.value.code == "forbidden"


def test_the_record_page_registers_and_shows_a_refusal_at_its_field(client, org, leader):
    from django.urls import reverse

    install_standard_courses()
    module = Module.objects.get(code="LP-2")
    client.force_login(leader)
    url = reverse("competence:record")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused = client.post(
        url, {"person": org.nurse.pk, "module": module.pk, "completed_on": tomorrow.isoformat()}
    )
    assert refused.status_code == 400
    assert "ligger i framtiden" in refused.content.decode()
    assert not Completion.objects.exists()
    done = client.post(
        url,
        {"person": org.nurse.pk, "module": module.pk, "completed_on": "2026-01-05"},
        follow=True,
    )
    assert "har LP-2 registrerad 2026-01-05" in done.content.decode()
