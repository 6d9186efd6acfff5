"""Looking a person up to admit them: the ward's read is logged; anyone else is refused."""

import pytest

from audit.models import AccessLog
from core.errors import ActionError
from episodes.access import find_individual_to_admit
from tests.factories import TEST_IDENTIFIERS, make_individual


def test_the_admission_page_shows_a_known_person_and_logs_the_wards_lookup(org, client):
    person = make_individual(org)
    client.force_login(org.nurse)
    response = client.get("/inskrivning/ny/", {"identifier": TEST_IDENTIFIERS[0]})
    assert response.status_code == 200
    assert "Sven Testsson" in response.content.decode()
    lookup = AccessLog.objects.get(user=org.nurse, action="admission.lookup")
    assert (lookup.granted, lookup.individual) == (True, person)


def test_a_lookup_by_someone_who_may_not_admit_is_refused_and_logged(org):
    person = make_individual(org)
    with pytest.raises(ActionError) as refusal:
        find_individual_to_admit(org.gp_nurse, person.identifier)
    assert refusal.value.code == "forbidden"
    attempt = AccessLog.objects.get(user=org.gp_nurse, action="admission.lookup")
    assert (attempt.granted, attempt.individual) == (False, person)


def test_a_person_samsyn_does_not_know_is_no_read(org):
    unknown = TEST_IDENTIFIERS[4]
    assert find_individual_to_admit(org.nurse, unknown) is None
    assert not AccessLog.objects.filter(user=org.nurse).exists()
