"""The coverage page and the JSON API: the same figures, for managers and process leaders."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from competence.catalogue import install_standard_courses
from competence.models import Completion, Module


@pytest.fixture
def trained(org):
    """The nurse completed the five inpatient modules: 1 of the 7 staff covered."""
    install_standard_courses()
    for code in ["LP-1", "LP-2", "LP-3A", "LP-4", "LP-5"]:
        Completion.objects.create(
            user=org.nurse,
            module=Module.objects.get(code=code),
            completed_on=timezone.localdate() - dt.timedelta(days=5),
        )
    return org


def test_the_manager_sees_the_coverage_figure(client, trained):
    client.force_login(trained.manager)
    page = client.get(reverse("competence:overview"), {"by": "lane"})
    text = page.content.decode()
    assert "14 %" in text and "1 av 7 medarbetare" in text
    assert "Slutenvård" in text


def test_a_bad_filter_is_a_swedish_message(client, trained):
    client.force_login(trained.manager)
    page = client.get(reverse("competence:overview"), {"unit": "inte-ett-id"})
    assert page.status_code == 400
    assert "Enhet finns inte" in page.content.decode()


def test_a_nurse_does_not_see_coverage(client, trained):
    client.force_login(trained.nurse)
    assert client.get(reverse("competence:overview")).status_code == 403


def test_the_api_gives_the_same_figure(client, trained):
    client.force_login(trained.manager)
    answer = client.get("/api/competence/coverage", {"by": "lane"}).json()
    assert answer["total"] == {"staff": 7, "covered": 1, "share": pytest.approx(1 / 7)}
    inpatient = [g for g in answer["groups"] if g["key"] == "inpatient"]
    assert inpatient[0]["figure"]["covered"] == 1


def test_the_api_refuses_a_future_day_with_a_structured_error(client, trained):
    client.force_login(trained.manager)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    answer = client.get("/api/competence/coverage", {"day": tomorrow.isoformat()})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "day"


def test_the_api_refuses_a_completion_from_a_nurse(client, trained):
    client.force_login(trained.nurse)
    answer = client.post(
        "/api/competence/completions",
        {"person": "physician", "module": "LP-1", "completed_on": "2026-01-05"},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["code"] == "forbidden"


def test_a_user_sees_their_own_modules_in_the_api(client, trained):
    client.force_login(trained.nurse)
    mine = client.get("/api/competence/me").json()
    assert len(mine) == 5 and all(m["completed_on"] for m in mine)


def test_the_api_import_previews_then_imports_and_names_the_refused_line(client, trained):
    from competence.models import ImportBatch
    from organisations.models import Role
    from tests.factories import make_user

    leader = make_user("leader", trained.needs_assessment, Role.PROCESS_LEADER)
    client.force_login(leader)
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    body = {"content": f"Användarnamn;Modulkod;Slutförd\nphysician;LP-1;{day}\nnobody;LP-1;{day}\n"}
    preview = client.post(
        "/api/competence/imports", {**body, "dry_run": True}, content_type="application/json"
    )
    assert preview.status_code == 200
    assert preview.json()["new"] == 1 and not ImportBatch.objects.exists()
    done = client.post("/api/competence/imports", body, content_type="application/json")
    assert done.status_code == 201
    assert done.json()["refused"] == [
        {"line": 3, "message": "Rad 3: okänd person ”nobody” – finns inte i Samsyn."}
    ]
    assert Completion.objects.filter(user=trained.physician).count() == 1


def test_the_api_import_refuses_a_wrong_delimiter_as_a_structured_error(client, trained):
    client.force_login(trained.admin)
    answer = client.post(
        "/api/competence/imports",
        {"content": "a,b,c\nx,y,z\n", "delimiter": ";"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "wrong_delimiter"


def test_the_coverage_downloads_as_csv(client, trained):
    client.force_login(trained.manager)
    answer = client.get(reverse("competence:export"), {"by": "lane"})
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Simbana;Klara;Personal med krav;Täckning (%);Dag"
    assert lines[-1].startswith("Totalt;1;7;14;")
