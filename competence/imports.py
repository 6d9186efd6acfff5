"""Importing a learning platform's CSV export of completed modules.

1. `do_upload` decodes the file (UTF-8, with or without BOM; anything else is refused with the
   line of the first unreadable byte), checks the delimiter against the header row and keeps
   the text as an `ImportBatch` in preview, with the columns guessed from their names.
2. `do_map_columns` names which column holds the person (user name or HSA id), the module
   code and the completion date.
3. `preview` reads every row: new, already registered (skipped: the import is idempotent) or
   refused with its line number — unknown person or module, an unreadable or future date, a
   row repeating an earlier one, a row with the wrong number of fields.
4. `do_import` writes the new rows in one transaction, once: a second confirmation is refused
   and changes nothing. Refused rows are not imported; the page lists them by line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from competence.access import may_manage
from competence.models import Completion, CompletionSource, ImportBatch, ImportState, Module
from core import submissions
from core.errors import ActionError
from organisations.models import User

DELIMITERS = {";": "semikolon (;)", ",": "komma (,)", "\t": "tabb"}
MAX_ROWS = 20000

# Header names a platform's export commonly uses, lower case, for the guessed mapping.
GUESSES = {
    "person_column": (
        "hsa-id",
        "hsaid",
        "hsa id",
        "användarnamn",
        "anvandarnamn",
        "användare",
        "person",
        "username",
        "user",
    ),
    "module_column": ("modulkod", "modul", "kurskod", "kursmodul", "module", "course code", "kod"),
    "date_column": (
        "slutförd",
        "slutford",
        "genomförd",
        "genomford",
        "datum",
        "klar",
        "completed",
        "date",
    ),
}
LABELS = {
    "person_column": "Person (användarnamn eller HSA-id)",
    "module_column": "Modulkod",
    "date_column": "Slutdatum",
}


def _refuse_manage(actor: User) -> None:
    if not may_manage(actor):
        raise ActionError(
            "Bara processledare och administratörer importerar utbildningsdata.", code="forbidden"
        )


def decode(raw: bytes) -> str:
    """The file's text; a file that is not UTF-8 is refused naming the first unreadable line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ActionError(
            f"Filen är inte sparad som UTF-8: rad {line} innehåller tecken som inte kan läsas "
            "(troligen Windows-1252/ANSI från Excel). Spara filen som ”CSV UTF-8” och försök "
            "igen. Inget har importerats.",
            code="wrong_encoding",
            field="file",
        ) from None


def _header(text: str, delimiter: str) -> list[str]:
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise ActionError(
            "Filen är tom eller saknar rubrikrad. Inget har importerats.",
            code="empty_file",
            field="file",
        )
    header = [cell.strip() for cell in next(csv.reader([first], delimiter=delimiter))]
    if len(header) < 3:
        for other, name in DELIMITERS.items():
            if other != delimiter and other in first:
                raise ActionError(
                    f"Fel avgränsare: rubrikraden delas av {name}, men "
                    f"{DELIMITERS[delimiter]} valdes. Välj {name} och ladda upp igen. "
                    "Inget har importerats.",
                    code="wrong_delimiter",
                    field="delimiter",
                )
        raise ActionError(
            "Rubrikraden har färre än tre kolumner: filen behöver minst person, modul och "
            "datum. Inget har importerats.",
            code="too_few_columns",
            field="file",
        )
    return header


def _guess(header: list[str], names: tuple[str, ...]) -> str:
    lowered = {h.lower(): h for h in header}
    for name in names:
        if name in lowered:
            return lowered[name]
    for name in names:
        for low, original in lowered.items():
            if name in low:
                return original
    return ""


@transaction.atomic
def do_upload(
    actor: User, *, filename: str, raw: bytes, delimiter: str, submission_key: str | None = None
) -> ImportBatch:
    """Keep an uploaded export for mapping and preview; nothing is imported yet."""
    _refuse_manage(actor)
    submissions.claim(submission_key, actor)
    if delimiter not in DELIMITERS:
        raise ActionError("Välj en avgränsare.", code="invalid", field="delimiter")
    text = decode(raw)
    if "\x00" in text:
        raise ActionError(
            "Filen innehåller nolltecken och är ingen textfil (CSV). Inget har importerats.",
            code="wrong_encoding",
            field="file",
        )
    header = _header(text, delimiter)
    guessed = {key: _guess(header, names) for key, names in GUESSES.items()}
    return ImportBatch.objects.create(
        filename=filename[:200], content=text, delimiter=delimiter, uploaded_by=actor, **guessed
    )


def header_of(batch: ImportBatch) -> list[str]:
    return _header(batch.content, batch.delimiter)


@transaction.atomic
def do_map_columns(
    actor: User, batch: ImportBatch, *, person_column: str, module_column: str, date_column: str
) -> ImportBatch:
    """Name the columns holding the person, the module code and the date."""
    _refuse_manage(actor)
    if batch.state != ImportState.PREVIEW:
        raise ActionError("Filen är redan importerad.", code="already_imported")
    header = header_of(batch)
    chosen = {
        "person_column": person_column,
        "module_column": module_column,
        "date_column": date_column,
    }
    for key, column in chosen.items():
        if column not in header:
            raise ActionError(
                f"Välj vilken kolumn som innehåller {LABELS[key].lower()}.",
                code="invalid",
                field=key,
            )
    if len(set(chosen.values())) < 3:
        raise ActionError(
            "Välj tre olika kolumner för person, modul och datum.",
            code="invalid",
            field="date_column",
        )
    for key, column in chosen.items():
        setattr(batch, key, column)
    batch.save(update_fields=list(chosen))
    return batch


@dataclass
class Row:
    line: int
    person: str
    module: str
    date: str
    status: str  # "new", "existing" or "refused"
    message: str = ""
    user: User | None = None
    module_row: Module | None = None
    day: dt.date | None = None


@dataclass
class Preview:
    header: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def new(self) -> list[Row]:
        return [r for r in self.rows if r.status == "new"]

    @property
    def existing(self) -> list[Row]:
        return [r for r in self.rows if r.status == "existing"]

    @property
    def refused(self) -> list[Row]:
        return [r for r in self.rows if r.status == "refused"]


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def preview(batch: ImportBatch, today: dt.date | None = None) -> Preview:
    """What importing `batch` with its mapping would do, row by row (see the module doc)."""
    today = today or timezone.localdate()
    header = header_of(batch)
    columns = [batch.person_column, batch.module_column, batch.date_column]
    if any(c not in header for c in columns):
        raise ActionError(
            "Välj kolumnerna för person, modul och datum.", code="unmapped", field="person_column"
        )
    index = [header.index(c) for c in columns]
    reader = csv.reader(io.StringIO(batch.content), delimiter=batch.delimiter)
    next(reader)
    raw_rows: list[tuple[int, list[str]]] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        raw_rows.append((reader.line_num, cells))
        if len(raw_rows) > MAX_ROWS:
            raise ActionError(
                f"Filen har fler än {MAX_ROWS} rader; dela upp den.", code="too_large", field="file"
            )
    people_keys = {cells[index[0]].strip() for _, cells in raw_rows if len(cells) == len(header)}
    users: dict[str, User] = {}
    for user in User.objects.annotate(low=Lower("username")).filter(
        Q(low__in={k.lower() for k in people_keys}) | Q(hsa_id__in=people_keys - {""}),
        is_active=True,
    ):
        users[user.username.lower()] = user
        if user.hsa_id:
            users[user.hsa_id.lower()] = user
    modules = {m.code.lower(): m for m in Module.objects.select_related("course")}
    result = Preview(header=header)
    seen: dict[tuple[int, int, dt.date], int] = {}
    candidates: list[Row] = []
    for line, cells in raw_rows:
        if len(cells) != len(header):
            result.rows.append(
                Row(
                    line,
                    "",
                    "",
                    "",
                    "refused",
                    f"Rad {line} har {len(cells)} fält men rubrikraden har {len(header)} "
                    "(fel avgränsare eller ett citattecken som saknas?).",
                )
            )
            continue
        person, code, date_text = (cells[i].strip() for i in index)
        row = Row(line, person, code, date_text, "new")
        result.rows.append(row)
        row.user = users.get(person.lower()) if person else None
        row.module_row = modules.get(code.lower()) if code else None
        row.day = _parse_date(date_text)
        if row.user is None:
            row.status, row.message = (
                "refused",
                f"Rad {line}: okänd person ”{person}” – finns inte i Samsyn.",
            )
        elif row.module_row is None:
            row.status, row.message = "refused", f"Rad {line}: okänd modul ”{code}”."
        elif row.day is None:
            row.status, row.message = (
                "refused",
                (f"Rad {line}: datumet ”{date_text}” kan inte läsas (skriv ÅÅÅÅ-MM-DD)."),
            )
        elif row.day > today:
            row.status, row.message = (
                "refused",
                (f"Rad {line}: slutdatumet {row.day:%Y-%m-%d} ligger i framtiden."),
            )
        else:
            key = (row.user.pk, row.module_row.pk, row.day)
            if key in seen:
                row.status, row.message = (
                    "refused",
                    (
                        f"Rad {line}: samma person, modul och datum som rad {seen[key]} "
                        "(dubblettrad)."
                    ),
                )
            else:
                seen[key] = line
                candidates.append(row)
    if candidates:
        existing = set(
            Completion.objects.filter(
                user_id__in={r.user.pk for r in candidates if r.user},
                module_id__in={r.module_row.pk for r in candidates if r.module_row},
            ).values_list("user_id", "module_id", "completed_on")
        )
        for row in candidates:
            assert row.user and row.module_row and row.day
            if (row.user.pk, row.module_row.pk, row.day) in existing:
                row.status, row.message = "existing", "Redan registrerad – hoppas över."
    return result


@transaction.atomic
def do_import(actor: User, batch: ImportBatch, *, submission_key: str | None = None) -> Preview:
    """Write the new rows of `batch` in one transaction; refused rows stay out."""
    _refuse_manage(actor)
    submissions.claim(submission_key, actor)
    today = timezone.localdate()
    result = preview(batch, today)
    now = timezone.now()
    claimed = ImportBatch.objects.filter(pk=batch.pk, state=ImportState.PREVIEW).update(
        state=ImportState.IMPORTED,
        imported_at=now,
        created_count=len(result.new),
        skipped_count=len(result.existing),
        refused_count=len(result.refused),
    )
    if not claimed:
        raise ActionError("Filen är redan importerad. Inget har ändrats.", code="already_imported")
    Completion.objects.bulk_create(
        [
            Completion(
                user=row.user,
                module=row.module_row,
                completed_on=row.day or today,
                source=CompletionSource.IMPORT,
                batch=batch,
                recorded_by=actor,
                recorded_at=now,
            )
            for row in result.new
        ],
        ignore_conflicts=True,
    )
    batch.refresh_from_db()
    return result
