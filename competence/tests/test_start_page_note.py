"""The start page tells each staff member which modules their lane requires and which are done."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from competence.catalogue import install_standard_courses
from competence.models import Completion, Module


def test_the_nurse_sees_two_of_five_inpatient_modules_done(client, org):
    install_standard_courses()
    for code in ["LP-1", "LP-3A"]:
        Completion.objects.create(
            user=org.nurse,
            module=Module.objects.get(code=code),
            completed_on=timezone.localdate() - dt.timedelta(days=2),
        )
    client.force_login(org.nurse)
    text = client.get(reverse("home")).content.decode()
    assert "Du har gjort 2 av 5 moduler som din simbana kräver." in text
    assert "Del 3A: Simbana A – slutenvård: klar" in text
    assert "Del 2: Flödesschemat: <strong>inte gjord</strong>" in text
    assert "Simbana D" not in text


def test_without_requirements_the_start_page_has_no_note(client, org):
    client.force_login(org.nurse)
    assert "Min utbildning" not in client.get(reverse("home")).content.decode()
