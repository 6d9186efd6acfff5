"""The statistics and the quarterly learning summary for the group meeting: an Excel workbook
(openpyxl) and a PDF (WeasyPrint with Debian's fonts, tagged PDF/UA as the SIP plan is)."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from core.pdf import render_pdf
from deviations.statistics import Figures, Report


def _share(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


FIGURE_HEADERS = [
    "Antal",
    "Besvarade",
    "Dagar till svar (medel)",
    "Dagar till svar (median)",
    "Andel besvarade i tid",
    "Andel kvitterade i tid",
    "Andel brist i systemet",
]


def _figures(f: Figures) -> list:
    return [
        f.count,
        f.answered,
        round(f.mean_days_to_answer, 1) if f.mean_days_to_answer is not None else None,
        f.median_days_to_answer,
        _share(f.on_time_share),
        _share(f.acknowledged_on_time_share),
        _share(f.systemic_share),
    ]


def _bold(sheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def workbook(report: Report) -> bytes:
    """Sheets: the summary and each grouping, the trend per month, and the learning summary."""
    book = Workbook()
    summary = book.active
    summary.title = "Sammanfattning"
    summary.append(["Urval", *FIGURE_HEADERS, "Utkast skickade", "Utkast avfärdade"])
    _bold(summary)
    filters = report.filters
    summary.append(
        [
            f"{report.scope.label}, {filters.start:%Y-%m}–{filters.end:%Y-%m}",
            *_figures(report.total),
            report.candidates_sent,
            report.candidates_dismissed,
        ]
    )
    for title, groups in report.groupings:
        sheet = book.create_sheet(title[:31])
        sheet.append([title, *FIGURE_HEADERS])
        _bold(sheet)
        for group in groups:
            sheet.append([group.label, *_figures(group.figures)])
    trend = book.create_sheet("Trend per månad")
    trend.append(["Månad", *FIGURE_HEADERS])
    _bold(trend)
    for month, figures in report.trend:
        trend.append([month, *_figures(figures)])
    learning = book.create_sheet("Lärande " + filters.quarter_label)
    learning.append(["Kategori", "Mottagande huvudman", "Orsak", "Åtgärder", "Brist i systemet"])
    _bold(learning)
    for category in report.learning:
        for item in category.items:
            learning.append(
                [
                    category.category,
                    item.receiving,
                    item.cause,
                    item.measures,
                    "" if item.systemic is None else ("Ja" if item.systemic else "Nej"),
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def learning_pdf(report: Report) -> bytes:
    """The summary figures, the groupings and the quarter's learning summary as a PDF."""
    return render_pdf(
        "deviations/learning_pdf.html", {"report": report, "printed": timezone.localdate()}
    )
