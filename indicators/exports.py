"""CSV and Excel files of every table, with the definitions and the filters used in the file.

CSV is streamed row by row (StreamingHttpResponse); Excel is written with openpyxl's
write-only workbook, which keeps rows on disk rather than in memory, then sent as a file. CSV
uses semicolons and decimal commas, as Swedish spreadsheet programs expect, with a BOM so
that å, ä and ö survive.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from deviations.statistics import dashboard_row
from indicators.definitions import DEVIATIONS_NOTE, format_value
from indicators.payment import REASONS, iter_lines, payment_month, regions_for
from indicators.periods import MONTH_NAMES, Period
from indicators.report import Report
from indicators.sections import build_sections

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value):
        return value


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | Decimal):
        return f"{value}".replace(".", ",")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def stream_csv(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")

    def generate() -> Iterator[str]:
        yield "\ufeff"
        for row in rows:
            yield writer.writerow([_cell_text(v) for v in row])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _excel_value(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    return value


def send_workbook(sheets: dict[str, Iterable[list]], filename: str) -> FileResponse:
    """Write each sheet's rows (lists; a row starting with a `("bold", text)` is a heading)."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title[:31])
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, tuple) and value and value[0] == "bold":
                    cell = WriteOnlyCell(sheet, value=value[1])
                    cell.font = Font(bold=True)
                    cells.append(cell)
                elif isinstance(value, tuple) and value and value[0] == "format":
                    cell = WriteOnlyCell(sheet, value=_excel_value(value[1]))
                    cell.number_format = value[2]
                    cells.append(cell)
                else:
                    cells.append(_excel_value(value))
            sheet.append(cells)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


# -- the dashboard ------------------------------------------------------------------------------


def _preamble(title: str, period: Period, filters_rows: list[tuple[str, str]]) -> list[list]:
    rows = [
        [title],
        ["Period", f"{period.label} ({period.start.isoformat()}–{period.end.isoformat()})"],
    ]
    rows += [[label, value] for label, value in filters_rows] or [
        ["Filter", "Inga (hela Göteborgsområdet)"]
    ]
    rows.append(["Utdrag gjort", timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    rows.append(["Dagar räknas som kalenderdagar i Europe/Stockholm."])
    return rows


INDICATOR_HEADER = [
    "Indikator",
    "Värde",
    "Täljare",
    "Nämnare",
    "Föregående period",
    "Samma period föregående år",
    "Anmärkning",
    "Definition",
]


def _number_format(measure: str) -> str:
    return {"share": "0%", "count": "0", "mean_days": "0.0", "mean_hours": "0.0"}.get(
        measure, "0.00"
    )


def _indicator_rows(report: Report, *, excel: bool) -> Iterator[list]:
    for row in report.rows:
        measure = row.indicator.measure
        figures = [row.current.value, row.previous.value, row.last_year.value]
        if excel:
            figures = [
                ("format", v, _number_format(measure)) if v is not None else None for v in figures
            ]
        else:
            figures = [format_value(measure, v) if v is not None else "" for v in figures]
        yield [
            row.indicator.name,
            figures[0],
            row.current.numerator,
            row.current.denominator,
            figures[1],
            figures[2],
            row.current.note,
            row.indicator.definition,
        ]
    deviations = dashboard_row(report.period, report.filters)
    yield [
        "Avvikelser",
        deviations.current.count,
        None,
        None,
        deviations.previous.count,
        deviations.last_year.count,
        deviations.note,
        DEVIATIONS_NOTE,
    ]


def _trend_rows(report: Report, *, excel: bool) -> Iterator[list]:
    indicators = [row.indicator for row in report.rows]
    yield (
        ["Månad"] + [i.name for i in indicators] + ["Utskrivningsklara dagar (VGR), rullande 3 mån"]
    )
    for point in report.trend:
        values = [point.figures[i.key].value for i in indicators] + [point.vgr_rolling_3]
        measures = [i.measure for i in indicators] + ["mean_days"]
        if excel:
            cells = [
                ("format", v, _number_format(m)) if v is not None else None
                for v, m in zip(values, measures, strict=True)
            ]
        else:
            cells = [
                format_value(m, v) if v is not None else ""
                for v, m in zip(values, measures, strict=True)
            ]
        yield [f"{MONTH_NAMES[point.month.month - 1]} {point.month.year}"] + cells


def _section_table_rows(section, tables, *, excel: bool) -> Iterator[list]:
    """A registered section (`indicators.sections`): its title, definitions and tables."""
    title, note = str(section.title), str(section.note)  # lazy translations
    yield [("bold", title) if excel else title]
    yield [note]
    for table in tables:
        yield []
        yield [("bold", table.title) if excel else table.title]
        yield [("bold", h) for h in table.header] if excel else table.header
        if excel:
            for row in table.rows:
                yield [
                    v if m == "text" or v is None else ("format", v, _number_format(m))
                    for v, m in zip(row, table.measures, strict=True)
                ]
        else:
            yield from table.formatted_rows()


def _section_rows(report: Report, *, excel: bool) -> Iterator[list]:
    for section, tables in build_sections(report.period, report.filters):
        yield []
        yield from _section_table_rows(section, tables, excel=excel)


def report_csv(report: Report) -> StreamingHttpResponse:
    def rows():
        yield from _preamble("Samsyn – processtatistik", report.period, report.filters.describe())
        yield []
        yield INDICATOR_HEADER
        yield from _indicator_rows(report, excel=False)
        yield []
        yield ["Trend per månad"]
        yield from _trend_rows(report, excel=False)
        yield from _section_rows(report, excel=False)

    return stream_csv(rows(), f"samsyn-statistik-{report.period.start:%Y-%m-%d}.csv")


def report_xlsx(report: Report) -> FileResponse:
    preamble = _preamble("Samsyn – processtatistik", report.period, report.filters.describe())
    indicators = [[("bold", h) for h in INDICATOR_HEADER], *_indicator_rows(report, excel=True)]
    trend = list(_trend_rows(report, excel=True))
    trend[0] = [("bold", h) for h in trend[0]]
    definitions = [[("bold", "Indikator"), ("bold", "Definition")]] + [
        [row.indicator.name, row.indicator.definition] for row in report.rows
    ]
    sheets = {"Indikatorer": indicators, "Trend": trend}
    for section, tables in build_sections(report.period, report.filters):
        sheets[section.sheet or str(section.title)] = list(
            _section_table_rows(section, tables, excel=True)
        )
        definitions.append([str(section.title), str(section.note)])
    return send_workbook(
        {
            **sheets,
            "Definitioner": definitions,
            "Filter": preamble,
        },
        f"samsyn-statistik-{report.period.start:%Y-%m-%d}.xlsx",
    )


# -- payment responsibility ----------------------------------------------------------------------

PAYMENT_HEADER = [
    "Månad",
    "Region",
    "Vårdtillfälle",
    "Avdelning",
    "Inskriven",
    "Utskrivningsklar",
    "Utskriven",
    "Utskrivningsklara dagar",
    "Räknas",
    "Status",
    "Skäl",
    "Debiterbara dagar",
    "Belopp (kr)",
]


def _payment_line_rows(municipality, period: Period) -> Iterator[list]:
    for month, region, line in iter_lines(municipality, period):
        yield [
            f"{month:%Y-%m}",
            region.name if region else "",
            line.episode_id,
            line.ward,
            line.admitted_at,
            line.ready_at,
            line.discharged_at,
            line.ready_days,
            "ja" if line.counts else "nej",
            line.status,
            line.reason,
            line.billable_days,
            line.amount,
        ]


def _payment_summary_rows(municipality, period: Period) -> Iterator[list]:
    yield [
        "Månad",
        "Region",
        "Modell",
        "Episoder i genomsnittet",
        "Dagar i genomsnittet",
        "Månadsmedel",
        "Kvartalsmedel",
        "Överskjutande dagar (kvartal)",
        "Individuellt debiterade dagar",
        "Belopp (kr)",
        "Dygnskostnad saknas för",
    ]
    for month in period.months():
        month_period = Period.month(month.year, month.month)
        for region in regions_for(municipality, month_period):
            # The totals only: the lines follow, streamed (`_payment_line_rows`).
            result = payment_month(municipality, month, region, lines=slice(0, 0))
            quarter = result.quarter
            yield [
                f"{month:%Y-%m}",
                region.name if region else "",
                result.agreement.get_model_display() if result.agreement else "Ingen modell gäller",
                result.pool_episodes,
                result.pool_days,
                result.monthly_mean,
                quarter.mean if quarter else None,
                quarter.excess_days if quarter else None,
                result.individual_days,
                result.total_amount,
                ", ".join(d.isoformat() for d in result.missing_rate_days),
            ]


def _payment_definitions() -> list[list]:
    return (
        [["Status", "Skäl"]]
        + [[code, text] for code, text in REASONS.items()]
        + [
            [],
            [
                "Modellerna",
                "law_default: från tre kalenderdagar efter meddelande om utskrivningsklar; "
                "dagarna 0–2 är fria, varje följande natt debiteras med dygnskostnaden för "
                "sitt datum.",
            ],
            [
                "",
                "vgr_average: per folkbokföringskommun och utskrivningsmånad; medel av "
                "utskrivningsklara dagar (samma dag = 0); varje kvartal prövas det sammanlagda "
                "tremånadersmedlet mot 3,0; "
                "överskjutande dagar = dagar − 3,0 × antal; den som väntat mer än 7 dagar "
                "debiteras individuellt.",
            ],
        ]
    )


def payment_csv(municipality, period: Period) -> StreamingHttpResponse:
    def rows():
        yield from _preamble(
            "Samsyn – kommunalt betalningsansvar",
            period,
            [("Folkbokföringskommun", municipality.name)],
        )
        yield []
        yield from _payment_summary_rows(municipality, period)
        yield []
        yield PAYMENT_HEADER
        yield from _payment_line_rows(municipality, period)
        yield []
        yield from _payment_definitions()

    return stream_csv(
        rows(), f"samsyn-betalningsansvar-{municipality.code or 'kommun'}-{period.start:%Y-%m}.csv"
    )


def payment_xlsx(municipality, period: Period) -> FileResponse:
    summary = _payment_summary_rows(municipality, period)
    lines = itertools.chain(
        [[("bold", h) for h in PAYMENT_HEADER]], _payment_line_rows(municipality, period)
    )
    return send_workbook(
        {
            "Sammanställning": summary,
            "Vårdtillfällen": lines,
            "Definitioner": _payment_definitions(),
            "Filter": _preamble(
                "Samsyn – kommunalt betalningsansvar",
                period,
                [("Folkbokföringskommun", municipality.name)],
            ),
        },
        f"samsyn-betalningsansvar-{municipality.code or 'kommun'}-{period.start:%Y-%m}.xlsx",
    )
