"""The written summary at discharge (PROCESS.md step 7): the nurse adds what only she knows,
previews it, and makes the PDF given to the individual; a copy is kept with the episode and
the summary is recorded as given (the work description's SV-16)."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from episodes import actions
from individuals.models import Individual
from portal.models import DischargeSummary
from process.models import ActivityState, EpisodeActivity
from sip.tests import builders
from tests.factories import TEST_IDENTIFIERS, admit, make_individual

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing"
)

NURSE_TEXT = {
    "variant": "sv",
    "care_given": "Du har fått behandling mot lunginflammation med antibiotika i dropp.",
    "medication_changes": "Ny medicin: Kåvepenin 1 g tre gånger om dagen i sju dagar.",
    "watch_for": "Feber över 38,5 eller svårt att andas.",
    "contact_reach": "031-123 45 67, vardagar 8–16",
}


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def ready_to_go(org, **kw):
    """A stay with a designated care contact (Eva Ek at the health centre), discharged home
    with support an hour ago."""
    episode = admit(org, admitted_at=timezone.now() - dt.timedelta(days=4), **kw)
    actions.do_appoint_care_contact(org.gp_nurse, episode, "Eva Ek")
    actions.do_discharge(
        org.nurse,
        episode,
        "home_with_support",
        discharged_at=timezone.now() - dt.timedelta(hours=1),
    )
    episode.refresh_from_db()
    return episode


def give(client, episode, **changes):
    return client.post(
        reverse("portal:summary", args=[episode.public_id]),
        {**NURSE_TEXT, **changes, "give": "1"},
    )


@needs_poppler
def test_the_summary_pdf_says_the_care_the_care_contact_how_to_reach_them_and_the_help_at_home(
    org, client, tmp_path
):
    episode = ready_to_go(org)
    client.force_login(org.nurse)
    response = give(client, episode)
    assert response.status_code == 302
    kept = DischargeSummary.objects.get(episode=episode)
    assert (kept.number, kept.created_by, kept.created_unit) == (1, org.nurse, org.ward)
    download = client.get(reverse("portal:summary_pdf", args=[episode.public_id, 1]))
    assert download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content) if download.streaming else download.content
    assert data.startswith(b"%PDF")
    text = " ".join(pdf_text(data, tmp_path).split())
    assert "Sammanfattning av din vård på sjukhuset" in text
    assert "Till Sven Testsson." in text
    assert "Medicinavdelning 1, Sjukhuset Öst" in text
    assert "ordinärt boende med insatser" in text
    assert "lunginflammation med antibiotika" in text
    assert "Kåvepenin 1 g" in text
    assert "Eva Ek, Vårdcentralen Partille" in text
    assert "031-123 45 67, vardagar 8–16" in text
    assert "Hemsjukvård: Hemsjukvård Partille" in text
    assert "Biståndshandläggning Partille" in text
    assert "Feber över 38,5" in text
    assert "ring 1177" in text and "ring 112" in text
    assert "Testgatan" not in text  # the individual's address is never in it
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1"]
            + [str(tmp_path / "summary.pdf"), str(tmp_path / "page")],
            check=True,
        )
        assert list(tmp_path.glob("page*.png"))


def test_giving_the_summary_records_it_and_completes_the_work_descriptions_activity(org, client):
    episode = ready_to_go(org)
    assert (
        EpisodeActivity.objects.get(episode=episode, definition__key="SV-16").state()
        != ActivityState.DONE_ON_TIME
    )
    client.force_login(org.nurse)
    give(client, episode)
    episode.refresh_from_db()
    assert episode.summary_given_at is not None
    activity = EpisodeActivity.objects.get(episode=episode, definition__key="SV-16")
    assert activity.state() == ActivityState.DONE_ON_TIME
    page = client.get(reverse("portal:summary", args=[episode.public_id])).content.decode()
    assert "Sammanfattning 1 (PDF)" in page


def test_a_summary_before_the_discharge_and_the_care_contact_says_exactly_what_is_missing(
    org, client
):
    episode = admit(org)
    client.force_login(org.nurse)
    response = client.post(
        reverse("portal:summary", args=[episode.public_id]),
        {"variant": "sv", "care_given": "", "give": "1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Sammanfattningen kan inte skapas än. Det här saknas:" in page
    assert "Vart den enskilde skrivs ut saknas" in page
    assert "Utskrivningsdagen saknas" in page
    assert "Fast vårdkontakt är inte utsedd" in page
    assert "Skriv vilken vård den enskilde har fått." in page
    episode.refresh_from_db()
    assert episode.summary_given_at is None
    assert not DischargeSummary.objects.exists()


def test_before_the_discharge_the_nurse_gives_the_destination_and_the_day(org, client):
    episode = admit(org)
    actions.do_appoint_care_contact(org.gp_nurse, episode, "Eva Ek")
    client.force_login(org.nurse)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("portal:summary", args=[episode.public_id]),
        {**NURSE_TEXT, "destination": "short_term_care", "discharge_date": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Förhandsgranskning" in page and "till: korttidsboende" in page
    assert "Skapa PDF och spara kopia" in page
    assert not DischargeSummary.objects.exists()  # a preview keeps nothing


def test_the_sip_meeting_is_in_the_summary_as_far_as_the_writer_may_see_the_sip(org, client):
    sip = builders.invited(org)  # started by the health centre; the ward is no participant
    episode = sip.episode
    actions.do_appoint_care_contact(org.gp_nurse, episode, "Eva Ek")
    form = {**NURSE_TEXT, "destination": "home", "discharge_date": timezone.localdate()}
    url = reverse("portal:summary", args=[episode.public_id])
    client.force_login(org.gp_nurse)
    seen_by_participant = client.post(url, form).content.decode()
    meeting = timezone.localtime(sip.meeting_at).strftime("kl. %H:%M")
    assert f"Ett SIP-möte är bokat {timezone.localtime(sip.meeting_at).day} " in seen_by_participant
    assert f"{meeting}, Vårdcentralen Partille, rum 3" in seen_by_participant
    client.force_login(org.nurse)
    seen_by_ward = client.post(url, form).content.decode()
    assert (
        "Du ska få en SIP" in seen_by_ward
        and "Tiden meddelas av din fasta vårdkontakt" in seen_by_ward
    )
    assert "rum 3" not in seen_by_ward


def test_a_unit_that_is_no_party_gets_not_found_and_the_attempt_is_logged(org, client):
    episode = ready_to_go(org)
    client.force_login(org.nurse)
    give(client, episode)
    client.force_login(org.outsider)
    assert client.get(reverse("portal:summary", args=[episode.public_id])).status_code == 404
    pdf = reverse("portal:summary_pdf", args=[episode.public_id, 1])
    assert client.get(pdf).status_code == 404
    refused = AccessLog.objects.filter(user=org.outsider, granted=False)
    assert set(refused.values_list("action", flat=True)) == {"summary.view", "summary.pdf"}


def test_every_read_of_the_summary_is_logged(org, client):
    episode = ready_to_go(org)
    client.force_login(org.nurse)
    url = reverse("portal:summary", args=[episode.public_id])
    client.get(url)
    client.post(url, NURSE_TEXT)
    give(client, episode)
    client.get(reverse("portal:summary_pdf", args=[episode.public_id, 1]))
    rows = AccessLog.objects.filter(user=org.nurse, individual=episode.individual, granted=True)
    logged = sorted(rows.filter(action__startswith="summary.").values_list("action", flat=True))
    assert logged == ["summary.give", "summary.pdf", "summary.preview", "summary.view"]


def test_a_unit_concerned_reads_the_kept_copy_but_only_the_ward_gives_it(org, client):
    episode = ready_to_go(org)
    client.force_login(org.home_care_nurse)
    page = client.get(reverse("portal:summary", args=[episode.public_id])).content.decode()
    assert "Sammanfattningen ges av vårdavdelningen" in page
    response = give(client, episode)
    assert response.status_code == 400
    assert not DischargeSummary.objects.exists()


@needs_poppler
def test_a_protected_identity_gets_a_summary_without_any_address(org, client, tmp_path):
    Individual.objects.create(
        identifier=TEST_IDENTIFIERS[1],
        identifier_kind="personnummer",
        given_name="Gun",
        family_name="Skyddad",
        address="Hemliga vägen 7",
        postal_code="43331",
        city="Partille",
        municipality=org.partille_area.municipality,
        residence_area=org.partille_area,
        listed_unit=org.health_centre,
        protected_identity=True,
    )
    episode = ready_to_go(org, identifier=TEST_IDENTIFIERS[1])
    client.force_login(org.nurse)
    give(client, episode)
    text = pdf_text(bytes(DischargeSummary.objects.get().pdf), tmp_path)
    assert "Gun Skyddad" in text
    assert "Hemliga" not in text and "43331" not in text


@needs_poppler
def test_the_english_and_the_easy_read_summaries(org, client, tmp_path):
    episode = ready_to_go(org)
    client.force_login(org.nurse)
    give(client, episode, variant="en")
    give(client, episode, variant="lattlast")
    english, easy = DischargeSummary.objects.order_by("number")
    english_text = " ".join(pdf_text(bytes(english.pdf), tmp_path).split())
    assert "Summary of your hospital care" in english_text
    assert "Your designated care contact" in english_text
    assert "own home with help" in english_text
    easy_text = " ".join(pdf_text(bytes(easy.pdf), tmp_path).split())
    assert "Det här har hänt på sjukhuset" in easy_text
    assert "Kommer inte hjälpen? Ring din kontakt." in easy_text
    # The staff page around it stays Swedish.
    page = client.get(reverse("portal:summary", args=[episode.public_id])).content.decode()
    assert "Engelska" in page and "Lättläst svenska" in page


def test_a_second_click_on_give_keeps_one_copy(org, client):
    episode = ready_to_go(org)
    client.force_login(org.nurse)
    assert give(client, episode, submission_key="k-1").status_code == 302
    again = give(client, episode, submission_key="k-1")
    assert again.status_code == 400
    assert "Det här formuläret har redan skickats. Inget har ändrats." in again.content.decode()
    assert DischargeSummary.objects.filter(episode=episode).count() == 1


def test_text_over_the_limit_is_refused_at_its_field_and_nothing_is_kept(org, client):
    episode = ready_to_go(org)
    client.force_login(org.nurse)
    response = give(client, episode, care_given="x" * 2001)
    assert response.status_code == 400
    assert "högst 2000 tecken" in response.content.decode()
    episode.refresh_from_db()
    assert episode.summary_given_at is None and not DischargeSummary.objects.exists()


def test_a_stay_that_needs_no_help_afterwards_needs_no_care_contact(org, client):
    make_individual(org, TEST_IDENTIFIERS[2])
    episode = actions.do_admit(
        org.nurse,
        org.ward,
        actions.AdmissionInput(
            identifier=TEST_IDENTIFIERS[2],
            admitted_at=timezone.now() - dt.timedelta(hours=3),
            may_need_help=False,
        ),
    )
    client.force_login(org.nurse)
    response = client.post(
        reverse("portal:summary", args=[episode.public_id]),
        {**NURSE_TEXT, "destination": "home", "discharge_date": timezone.localdate()},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Fast vårdkontakt är inte utsedd" not in page
    assert "Har du frågor om din vård kontaktar du Vårdcentralen Partille." in page
