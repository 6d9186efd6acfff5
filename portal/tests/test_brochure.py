"""The information brochure about the way from hospital to home: a public page and a leaflet
to print, for the individual and their relatives."""

import shutil
import subprocess

import pytest
from django.urls import reverse


def test_the_brochure_is_a_public_page_in_plain_swedish(client, db):
    response = client.get(reverse("portal:brochure"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Från sjukhuset till hemmet" in page
    for heading in (
        "Vem gör vad",
        "Din fasta vårdkontakt",
        "SIP – samordnad individuell plan",
        "Det här kan du göra",
        "Om hjälpen inte är klar",
    ):
        assert heading in page
    assert reverse("portal:brochure_pdf") in page


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing")
def test_the_brochure_prints_as_a_leaflet(client, db, tmp_path):
    response = client.get(reverse("portal:brochure_pdf"))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "brochure.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())
    assert "Från sjukhuset till hemmet" in text
    assert "Du kan själv be om en SIP." in text
    assert "Du ska inte behöva åka hem utan den hjälp du behöver." in text
    assert "Det gör avdelningen inom 24 timmar." in text  # the region's count in force
