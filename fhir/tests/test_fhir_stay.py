"""Encounter, Task and Communication: the stay, its activities of the work description and its
messages, as a unit taking part sees them, and not at all for another unit."""

import datetime as dt
import uuid

from django.utils import timezone

from episodes import actions
from episodes.models import Episode, ExitReason, Message
from fhir.tests.conftest import parsed, resources
from process.models import ActivityStatus, EpisodeActivity
from tests.factories import TEST_IDENTIFIERS, admit


def test_the_stay_reads_as_an_inpatient_encounter_at_its_ward(org, fhir):
    episode = admit(org)
    encounter = parsed(fhir.nurse.get(f"/fhir/Encounter/{episode.public_id}"))
    assert encounter["status"] == "in-progress"
    assert encounter["class"]["code"] == "IMP"
    assert encounter["subject"]["reference"] == f"Patient/{episode.individual.public_id}"
    assert encounter["serviceProvider"] == {
        "reference": f"Organization/{org.ward.public_id}",
        "display": org.ward.name,
    }
    start = dt.datetime.fromisoformat(encounter["period"]["start"])
    assert start == episode.admitted_at and "end" not in encounter["period"]


def test_the_encounter_status_follows_the_episode_and_a_cancelled_admission_is_in_error(org, fhir):
    kept = admit(org)
    cancelled = admit(org, identifier=TEST_IDENTIFIERS[1])
    actions.do_exit(org.nurse, cancelled, ExitReason.CANCELLED)
    died = admit(org, identifier=TEST_IDENTIFIERS[2])
    actions.do_exit(org.nurse, died, ExitReason.DEATH)
    status = {e["id"]: e["status"] for e in resources(parsed(fhir.nurse.get("/fhir/Encounter")))}
    assert status == {
        str(kept.public_id): "in-progress",
        str(cancelled.public_id): "entered-in-error",
        str(died.public_id): "finished",
    }
    finished = resources(parsed(fhir.nurse.get("/fhir/Encounter?status=finished")))
    assert [e["id"] for e in finished] == [str(died.public_id)]
    assert "end" in finished[0]["period"]
    by_patient = parsed(
        fhir.nurse.get(f"/fhir/Encounter?patient=Patient/{kept.individual.public_id}")
    )
    assert [e["id"] for e in resources(by_patient)] == [str(kept.public_id)]


def test_tasks_are_the_activities_with_status_owner_and_due_time(org, fhir):
    episode = admit(org)
    bundle = parsed(
        fhir.gp_nurse.get(f"/fhir/Task?encounter=Encounter/{episode.public_id}&_count=200")
    )
    activities = EpisodeActivity.objects.filter(episode=episode)
    assert bundle["total"] == activities.count() > 0
    by_id = {t["id"]: t for t in resources(bundle)}
    for activity in activities.select_related("definition"):
        task = by_id[str(activity.public_id)]
        assert task["code"]["coding"][0]["code"] == activity.definition.key
        assert task["encounter"]["reference"] == f"Encounter/{episode.public_id}"
        expected = {
            ActivityStatus.OPEN: "ready",
            ActivityStatus.OVERDUE: "ready",
            ActivityStatus.DONE: "completed",
            ActivityStatus.NOT_APPLICABLE: "cancelled",
        }[activity.status]
        assert task["status"] == expected
        if activity.due_at:
            due = dt.datetime.fromisoformat(task["restriction"]["period"]["end"])
            assert due == activity.due_at
        if activity.unit_id:
            assert task["owner"]["display"] == activity.unit.name
    ready = parsed(fhir.gp_nurse.get(f"/fhir/Task?encounter={episode.public_id}&status=ready"))
    open_count = activities.filter(status__in=[ActivityStatus.OPEN, ActivityStatus.OVERDUE]).count()
    assert ready["total"] == open_count
    assert {t["status"] for t in resources(ready)} <= {"ready"}
    one = activities.first()
    read = parsed(fhir.gp_nurse.get(f"/fhir/Task/{one.public_id}"))
    assert read["id"] == str(one.public_id)


def test_an_overdue_activity_says_so_in_its_business_status(org, fhir):
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(days=3))
    overdue = [
        a
        for a in EpisodeActivity.objects.filter(episode=episode)
        if a.is_open and a.due_at and a.due_at < timezone.now()
    ]
    assert overdue, "the fixture needs an activity past its due time"
    task = parsed(fhir.nurse.get(f"/fhir/Task/{overdue[0].public_id}"))
    assert task["status"] == "ready"
    assert task["businessStatus"]["coding"][0]["code"] == "overdue"


def test_messages_are_communications_between_the_units(org, fhir):
    episode = admit(org)  # the admission notice goes to the units concerned
    bundle = parsed(fhir.gp_nurse.get(f"/fhir/Communication?encounter={episode.public_id}"))
    notices = [
        c for c in resources(bundle) if c["category"][0]["coding"][0]["code"] == "admission_notice"
    ]
    to_health_centre = [
        c for c in notices if c["recipient"][0]["display"] == org.health_centre.name
    ]
    assert len(to_health_centre) == 1
    notice = to_health_centre[0]
    assert notice["sender"]["display"] == org.ward.name
    assert notice["subject"]["reference"] == f"Patient/{episode.individual.public_id}"
    assert any("Testgatan 1" in p["contentString"] for p in notice["payload"])
    read = parsed(fhir.gp_nurse.get(f"/fhir/Communication/{notice['id']}"))
    assert read["id"] == notice["id"]


def test_a_protected_identitys_address_is_not_in_its_messages(org, fhir):
    from individuals.models import Individual

    episode = admit(org)
    individual = Individual.objects.get(pk=episode.individual_id)
    individual.protected_identity = True
    individual.save()
    bundle = parsed(fhir.gp_nurse.get(f"/fhir/Communication?encounter={episode.public_id}"))
    texts = [p["contentString"] for c in resources(bundle) for p in c.get("payload", [])]
    assert texts and not any("Testgatan" in text for text in texts)


def test_reading_a_message_through_fhir_does_not_mark_it_read(org, fhir):
    episode = admit(org)
    message = episode.messages.get(recipient_unit=org.health_centre)
    assert fhir.gp_nurse.get(f"/fhir/Communication/{message.public_id}").status_code == 200
    message.refresh_from_db()
    assert message.read_at is None


def test_another_units_token_gets_404_for_the_stay_its_tasks_and_messages(org, fhir):
    episode = admit(org)
    activity = EpisodeActivity.objects.filter(episode=episode).first()
    message = episode.messages.first()
    for path in (
        f"/fhir/Encounter/{episode.public_id}",
        f"/fhir/Task/{activity.public_id}",
        f"/fhir/Communication/{message.public_id}",
    ):
        theirs = fhir.outsider.get(path)
        missing = fhir.outsider.get(path.rsplit("/", 1)[0] + f"/{uuid.uuid4()}")
        assert theirs.status_code == missing.status_code == 404, path
        assert parsed(theirs)["issue"] == parsed(missing)["issue"]
    for search in ("Encounter", "Task", "Communication"):
        assert parsed(fhir.outsider.get(f"/fhir/{search}"))["total"] == 0, search


def test_last_updated_and_sent_find_what_changed_since_a_moment(org, fhir):
    old = admit(org)
    new = admit(org, identifier=TEST_IDENTIFIERS[1])
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    # The first stay, its messages and activities as they would be after two quiet days.
    Episode.objects.filter(pk=old.pk).update(updated_at=two_days_ago)
    Message.objects.filter(episode=old).update(sent_at=two_days_ago)
    EpisodeActivity.objects.filter(episode=old).update(updated_at=two_days_ago)
    since = (timezone.now() - dt.timedelta(days=1)).astimezone(dt.UTC).isoformat()
    changed = parsed(fhir.nurse.get("/fhir/Encounter", {"_lastUpdated": f"ge{since}"}))
    assert [e["id"] for e in resources(changed)] == [str(new.public_id)]
    before = parsed(fhir.nurse.get("/fhir/Encounter", {"_lastUpdated": f"lt{since}"}))
    assert [e["id"] for e in resources(before)] == [str(old.public_id)]
    today = timezone.localdate().isoformat()
    sent_today = parsed(fhir.nurse.get("/fhir/Communication", {"sent": today, "_count": "200"}))
    assert {c["encounter"]["reference"] for c in resources(sent_today)} == {
        f"Encounter/{new.public_id}"
    }
    tasks = parsed(fhir.nurse.get("/fhir/Task", {"_lastUpdated": f"ge{since}", "_count": "0"}))
    assert tasks["total"] == EpisodeActivity.objects.filter(episode=new).count()
    for bad in ("yesterday", "ge2026-12-01T10:00:00", "ne2026-12-01"):
        response = fhir.nurse.get("/fhir/Encounter", {"_lastUpdated": bad})
        assert response.status_code == 400, bad
        assert parsed(response)["issue"][0]["expression"] == ["_lastUpdated"]
