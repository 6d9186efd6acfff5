"""The admin shows Min planering's reads and representations read only, and logs the reads."""

import datetime as dt

from django.utils import timezone

from audit.models import AccessLog
from portal.models import CitizenRead
from portal.tests.citizens import log_in
from tests.factories import TEST_IDENTIFIERS, admit


def test_the_admin_lists_citizens_reads_for_the_log_review_and_logs_whom_it_shows(org, client):
    episode = admit(org)
    log_in(client, TEST_IDENTIFIERS[0])
    client.get(f"/min-planering/{episode.individual.public_id}/")
    client.post(
        f"/min-planering/{episode.individual.public_id}/narstaende/",
        {
            "identifier": TEST_IDENTIFIERS[1],
            "name": "Karin Testsson",
            "relation": "dotter",
            "valid_to": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        },
    )
    client.force_login(org.admin)
    listing = client.get("/admin/portal/citizenread/")
    assert listing.status_code == 200
    assert "portal.overview" in listing.content.decode()
    assert AccessLog.objects.filter(
        user=org.admin, action="admin.citizenread.list", individual=episode.individual
    ).exists()
    read = CitizenRead.objects.filter(individual=episode.individual).first()
    assert client.get(f"/admin/portal/citizenread/{read.pk}/change/").status_code == 200
    assert client.get("/admin/portal/citizenread/add/").status_code == 403
    representations = client.get("/admin/portal/representation/")
    assert "Karin Testsson" in representations.content.decode()
    assert AccessLog.objects.filter(action="admin.representation.list").exists()
