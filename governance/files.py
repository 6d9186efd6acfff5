"""Files of governing documents: PDF, DOCX or ODT, at most `MAX_FILE_BYTES`, their type read
from their content (not from the name or the browser's word), stored under the settings'
VAR_DIR (`media/governance/…`), and served only to logged-in users through a view.

A version's file is never replaced: a new version of the document (a new register row) gets
its own file, and the old one stays with the old version.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

from core.errors import ActionError

MAX_FILE_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSION = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}


def document_storage() -> FileSystemStorage:
    """Outside the static files and any web server's reach: read through the view only."""
    return FileSystemStorage(location=settings.VAR_DIR / "media")


def sniff(upload) -> str | None:
    """The file's type from its content: a PDF header, or a zip package that is a Word
    document (its `word/document.xml`) or an OpenDocument text (its `mimetype` entry)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
            if "mimetype" in names and package.getinfo("mimetype").file_size < 100:
                if package.read("mimetype").strip() == ODT.encode():
                    return ODT
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    finally:
        upload.seek(0)
    return None


@dataclass
class CheckedFile:
    upload: object
    name: str  # the name it was uploaded with, made safe
    content_type: str
    size: int


def check_upload(upload) -> CheckedFile:
    """Refuses an empty or too large file, or one that is not a PDF, DOCX or ODT with the
    matching extension."""
    size = upload.size or 0
    if size == 0:
        raise ActionError(_("Filen är tom."), code="empty_file", field="file")
    if size > MAX_FILE_BYTES:
        raise ActionError(
            _("Filen är för stor (%(size)s MB, högst %(limit)s MB).")
            % {
                "size": f"{size / 1024 / 1024:.1f}".replace(".", ","),
                "limit": MAX_FILE_BYTES // 1024 // 1024,
            },
            code="file_too_large",
            field="file",
        )
    content_type = sniff(upload)
    name = safe_name(upload.name or "dokument")
    if content_type is None or not name.lower().endswith(EXTENSION[content_type]):
        raise ActionError(
            _(
                "Filen måste vara en PDF-, Word- (DOCX) eller OpenDocument-fil (ODT), och "
                "innehållet måste stämma med filändelsen."
            ),
            code="wrong_file_type",
            field="file",
        )
    return CheckedFile(upload, name, content_type, size)


def safe_name(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\- ]", "_", name).strip(" .")
    return name[-150:] or "dokument"
