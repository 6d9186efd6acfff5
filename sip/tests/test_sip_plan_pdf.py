"""The plan prints as "Min plan", a PDF in plain Swedish for the individual."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from sip.pdf import render_plan_pdf
from sip.tests import builders


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing")
def test_min_plan_says_what_matters_who_does_what_whom_to_call_and_when_we_meet(org, tmp_path):
    sip = builders.planned(org)
    data = render_plan_pdf(sip, sip.versions.get())
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "Min plan" in text
    assert "Det här är viktigt för mig" in text
    assert "Att få bo kvar hemma och gå till affären själv." in text
    assert "Hemsjukvård: dosett varje vecka" in text and "Hemsjukvård Partille" in text
    assert "Vem jag kan ringa" in text and "031-1" in text
    assert "När vi ses igen" in text
    assert sip.individual.address not in text  # no address in a plan that may be lost
    if shutil.which("pdftoppm"):
        # A picture of the first page, for a person to look at (kept under the test's tmp dir).
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                str(tmp_path / "plan.pdf"),
                str(tmp_path / "page"),
            ],
            check=True,
        )
        assert list(tmp_path.glob("page*.png"))


def test_the_pdf_is_served_to_a_participant_only(org, client):
    sip = builders.planned(org)
    client.force_login(org.home_care_nurse)
    response = client.get(reverse("sip_pdf", args=[sip.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(org.outsider)
    assert client.get(reverse("sip_pdf", args=[sip.public_id])).status_code == 404
