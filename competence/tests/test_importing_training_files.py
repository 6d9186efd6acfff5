"""Importing a learning platform's CSV export: mapping, preview, refused rows by line, once."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from competence.catalogue import install_standard_courses
from competence.imports import do_import, do_map_columns, do_upload, preview
from competence.models import Completion, ImportBatch
from core.errors import ActionError
from organisations.models import Role
from tests.factories import make_user


@pytest.fixture
def leader(org):
    install_standard_courses()
    return make_user("leader", org.needs_assessment, Role.PROCESS_LEADER)


def export(today: dt.date) -> bytes:
    """Six data rows (lines 2–7): lines 2, 3 and 7 are good; 4 names nobody, 5 repeats line 2
    and 6 is dated tomorrow."""
    past = today - dt.timedelta(days=10)
    tomorrow = today + dt.timedelta(days=1)
    return (
        "Användarnamn;Förnamn;Modulkod;Slutförd\n"
        f"nurse;Nurse;LP-1;{past}\n"
        f"nurse;Nurse;LP-2;{past}\n"
        f"nobody;Okänd;LP-1;{past}\n"
        f"nurse;Nurse;LP-1;{past}\n"
        f"assessor;Assessor;LP-1;{tomorrow}\n"
        f"assessor;Assessor;LP-3D;{past} 14:05\n"
    ).encode()


def test_the_columns_are_guessed_from_their_names(leader):
    batch = do_upload(leader, filename="lp.csv", raw=export(timezone.localdate()), delimiter=";")
    assert (batch.person_column, batch.module_column, batch.date_column) == (
        "Användarnamn",
        "Modulkod",
        "Slutförd",
    )


def test_the_preview_refuses_bad_rows_by_their_line_and_saves_nothing(leader):
    batch = do_upload(leader, filename="lp.csv", raw=export(timezone.localdate()), delimiter=";")
    result = preview(batch)
    assert [r.line for r in result.new] == [2, 3, 7]
    messages = [r.message for r in result.refused]
    assert messages[0] == "Rad 4: okänd person ”nobody” – finns inte i Samsyn."
    assert "Rad 5: samma person, modul och datum som rad 2" in messages[1]
    assert messages[2].startswith("Rad 6: slutdatumet") and "framtiden" in messages[2]
    assert not Completion.objects.exists()


def test_the_import_writes_the_good_rows_once(leader, org):
    raw = export(timezone.localdate())
    batch = do_upload(leader, filename="lp.csv", raw=raw, delimiter=";")
    do_import(leader, batch)
    assert Completion.objects.count() == 3
    assert set(
        Completion.objects.filter(user=org.nurse).values_list("module__code", flat=True)
    ) == {
        "LP-1",
        "LP-2",
    }
    with pytest.raises(ActionError, match="redan importerad"):
        do_import(leader, ImportBatch.objects.get(pk=batch.pk))
    again = do_upload(leader, filename="lp.csv", raw=raw, delimiter=";")
    result = do_import(leader, again)
    assert len(result.new) == 0 and len(result.existing) == 3
    assert Completion.objects.count() == 3


def test_a_file_in_windows_1252_is_refused_with_its_line(leader):
    raw = "Användarnamn;Modulkod;Slutförd\nnurse;LP-1;2026-01-01\n".encode("cp1252")
    with pytest.raises(ActionError, match="rad 1 .*UTF-8") as refused:
        do_upload(leader, filename="lp.csv", raw=raw, delimiter=";")
    assert refused.value.code == "wrong_encoding"
    assert not ImportBatch.objects.exists()


def test_a_comma_file_uploaded_as_semicolon_is_refused(leader):
    raw = b"Anvandarnamn,Modulkod,Slutford\nnurse,LP-1,2026-01-01\n"
    with pytest.raises(ActionError, match="Fel avgränsare: rubrikraden delas av komma"):
        do_upload(leader, filename="lp.csv", raw=raw, delimiter=";")


def test_a_row_with_too_few_fields_is_refused_by_its_line(leader):
    raw = b"Anvandarnamn;Modulkod;Slutford\nnurse;LP-1;2026-01-01\nnurse,LP-2,2026-01-01\n"
    batch = do_upload(leader, filename="lp.csv", raw=raw, delimiter=";")
    assert [r.message for r in preview(batch).refused] == [
        "Rad 3 har 1 fält men rubrikraden har 3 (fel avgränsare eller ett citattecken som saknas?)."
    ]


def test_mapping_two_targets_to_one_column_is_refused(leader):
    batch = do_upload(leader, filename="lp.csv", raw=export(timezone.localdate()), delimiter=";")
    with pytest.raises(ActionError, match="tre olika kolumner"):
        do_map_columns(
            leader,
            batch,
            person_column="Användarnamn",
            module_column="Modulkod",
            date_column="Modulkod",
        )


def test_the_import_pages_show_the_refused_line_and_import_on_confirmation(client, leader):
    client.force_login(leader)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("lp.csv", export(timezone.localdate()), "text/csv")
    answer = client.post(reverse("competence:import_new"), {"file": upload, "delimiter": ";"})
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert "Rad 4: okänd person" in page.content.decode()
    done = client.post(
        answer["Location"],
        {
            "person_column": "Användarnamn",
            "module_column": "Modulkod",
            "date_column": "Slutförd",
            "do": "import",
        },
    )
    assert "3 nya genomförda moduler" in done.content.decode()
    assert Completion.objects.count() == 3


def test_a_nurse_cannot_reach_the_import(client, org):
    client.force_login(org.nurse)
    assert client.get(reverse("competence:import_new")).status_code == 403
