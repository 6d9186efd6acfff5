"""A process leader imports a training file with a bad row, and sees coverage and the
priority list change.

Staff with a requirement: the `org` fixture's seven and the process leader — 8. The nurse has
done four of the five inpatient modules; the file's good row gives the fifth (LP-5), so the
ward goes from 0 of 2 to 1 of 2 covered, and 0 of 8 becomes 1 of 8 (13 %). The ward has one
missed deadline (a late admission notice): first on the priority list both times.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from competence.catalogue import install_standard_courses
from competence.models import Completion, Module
from conftest import assert_accessible, login
from organisations.models import Role
from tests.factories import admit, make_user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_importing_a_file_with_a_bad_row_raises_the_wards_coverage(page, org):
    install_standard_courses()
    leader = make_user("leader", org.needs_assessment, Role.PROCESS_LEADER)
    earlier = timezone.localdate() - dt.timedelta(days=30)
    for code in ["LP-1", "LP-2", "LP-3A", "LP-4"]:
        Completion.objects.create(
            user=org.nurse, module=Module.objects.get(code=code), completed_on=earlier
        )
    admit(org, admitted_at=timezone.now() - dt.timedelta(hours=30), send_notice=False)
    call_command("sweep_process", verbosity=0)

    login(page, leader)
    page.goto(page.base_url + "/kompetens/")
    assert "0 av 8 medarbetare" in page.locator("#coverage-total").inner_text()
    first = page.locator("#priority tbody tr").first
    assert "Medicinavdelning 1" in first.inner_text() and "0 %" in first.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Importera från lärplattform").click()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    csv = f"HSA-id;Modul;Genomförd\nnurse;LP-5;{yesterday}\nokand.person;LP-5;{yesterday}\n"
    page.get_by_label("CSV-fil från lärplattformen").set_input_files(
        {"name": "larportalen.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    page.get_by_role("button", name="Ladda upp och förhandsgranska").click()
    refused = page.locator("#refused")
    assert "Rad 3: okänd person ”okand.person” – finns inte i Samsyn." in refused.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Importera 1 ny rad").click()
    assert "1 nya genomförda moduler" in page.locator("#import-done").inner_text()

    page.get_by_role("link", name="Täckning").click()
    assert "1 av 8 medarbetare" in page.locator("#coverage-total").inner_text()
    assert "13 %" in page.locator("#coverage-total").inner_text()
    first = page.locator("#priority tbody tr").first
    assert "Medicinavdelning 1" in first.inner_text() and "50 %" in first.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Kurser och krav").click()
    assert "Del 3D: Simbana D – kommunal socialtjänst" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Registrera genomförd modul").click()
    assert_accessible(page)
