"""Files of governing documents (PDF, DOCX, ODT; type read from the content; a size limit;
stored under VAR_DIR; served only to logged-in users, the old file kept with its version), and
the e-mail to a document's owner when someone asks how to read it (a real SMTP server)."""

import datetime as dt
import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import ActionError
from governance import actions, files
from governance.models import GoverningDocument

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in entries.items():
            package.writestr(name, content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": files.ODT.encode(), "content.xml": b"<office:document-content/>"})


def _stored() -> set:
    media = settings.VAR_DIR / "media"
    return set(media.rglob("*")) if media.exists() else set()


def _post(client, name, content, **extra):
    return client.post(
        "/styrning/dokument/nytt/",
        {
            "title": "Rutin för samordnad utskrivning",
            "kind": "routine",
            "valid_from": "2026-01-01",
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            **extra,
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("rutin.pdf", PDF, files.PDF),
        ("rutin.docx", DOCX, files.DOCX),
        ("rutin.odt", ODT, files.ODT),
    ],
)
def test_a_pdf_docx_or_odt_is_kept_and_served_to_logged_in_users(
    client, org, groups, name, content, content_type
):
    client.force_login(groups["leader"])
    assert _post(client, name, content).status_code == 302
    document = GoverningDocument.objects.get()
    assert (document.file_name, document.file_type, document.file_size) == (
        name,
        content_type,
        len(content),
    )
    assert document.file.path.startswith(str(settings.VAR_DIR / "media"))
    page = client.get(f"/styrning/dokument/{document.public_id}/").content.decode()
    assert f"/styrning/dokument/{document.public_id}/fil/" in page

    client.force_login(groups["member"])
    response = client.get(f"/styrning/dokument/{document.public_id}/fil/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    client.logout()
    response = client.get(f"/styrning/dokument/{document.public_id}/fil/")
    assert response.status_code == 302  # to the login page, no content
    assert not response.content.startswith(content[:4])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rutin.pdf", "Det här är ingen PDF.".encode()),  # the name lies
        ("rutin.docx", PDF),  # a PDF called .docx
        ("rutin.exe", PDF),
        ("rutin.docx", _zip({"a.txt": b"x"})),  # a zip, but no Word document
    ],
)
def test_a_file_of_a_wrong_type_is_refused_and_nothing_written(client, org, groups, name, content):
    client.force_login(groups["leader"])
    before = _stored()
    response = _post(client, name, content)
    assert response.status_code == 400
    assert "Filen måste vara en PDF-, Word- (DOCX) eller OpenDocument-fil (ODT)" in (
        response.content.decode()
    )
    assert not GoverningDocument.objects.exists()
    assert _stored() == before


def test_a_too_large_file_is_refused(client, org, groups, monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1024 * 1024)
    client.force_login(groups["leader"])
    response = _post(client, "stor.pdf", PDF + b"0" * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert "Filen är för stor (1,0 MB, högst 1 MB)." in response.content.decode()
    assert not GoverningDocument.objects.exists()


def test_a_new_version_has_its_own_file_and_the_old_one_keeps_its(client, org, groups):
    client.force_login(groups["leader"])
    _post(client, "rutin-1.pdf", PDF + b"% version 1\n", version="1")
    old = GoverningDocument.objects.get()
    _post(client, "rutin-2.pdf", PDF + b"% version 2\n", version="2", replaces=old.public_id)
    new = GoverningDocument.objects.exclude(pk=old.pk).get()
    old.refresh_from_db()
    assert old.replaced_by == new
    first = client.get(f"/styrning/dokument/{old.public_id}/fil/")
    second = client.get(f"/styrning/dokument/{new.public_id}/fil/")
    assert b"version 1" in b"".join(first.streaming_content)
    assert b"version 2" in b"".join(second.streaming_content)


def test_a_version_without_a_file_gets_one_but_never_a_second(client, org, groups):
    client.force_login(groups["leader"])
    client.post(
        "/styrning/dokument/nytt/",
        {"title": "Riktlinje", "kind": "guideline", "valid_from": "2026-01-01"},
    )
    document = GoverningDocument.objects.get()
    url = f"/styrning/dokument/{document.public_id}/fil/"
    assert client.get(url).status_code == 404
    client.force_login(groups["member"])
    assert client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 403
    client.force_login(groups["leader"])
    assert client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 302
    response = client.post(url, {"file": SimpleUploadedFile("b.pdf", PDF + b"%b")})
    assert response.status_code == 400
    assert "Versionen har redan en fil" in response.content.decode()
    document.refresh_from_db()
    assert document.file_name == "a.pdf"


def test_an_uploaded_name_cannot_climb_out_of_the_storage(org, groups):
    checked = files.check_upload(SimpleUploadedFile("../../etc/rutin.pdf", PDF))
    assert checked.name == "rutin.pdf"
    with pytest.raises(ActionError):
        files.check_upload(SimpleUploadedFile("tom.pdf", b""))


def test_a_question_mails_the_owner_groups_process_leader(
    client,
    org,
    groups,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    leader = groups["leader"]
    leader.email = "processledare@example.org"
    leader.save(update_fields=["email"])
    document = actions.do_register_document(
        org.admin,
        actions.DocumentInput(
            title="Rutin för samordnad utskrivning",
            kind="routine",
            valid_from=dt.date(2026, 1, 1),
            owner_group=groups["nosam"],
            contact="samverkan@example.org",
        ),
    )
    client.force_login(groups["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/styrning/dokument/{document.public_id}/",
            {"text": "Gäller rutinen även korttidsboende?"},
        )
    assert response.status_code == 302
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "processledare@example.org",
        "samverkan@example.org",
    ]
    body = smtp_server.bodies()[0]
    assert "Rutin för samordnad utskrivning" in body
    assert f"/styrning/dokument/{document.public_id}/" in body
    assert "korttidsboende" not in body  # the question is read in Samsyn
