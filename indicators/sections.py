"""Sections that apps above `indicators` add to the statistics dashboard and its exports.

The layers let `sip` (and any app above) read `indicators`, never the other way round. So an
app registers a `Section` once (in its `AppConfig.ready`), and the dashboard, the CSV and the
Excel file show every registered section for the period and filters chosen, each computed by
the app's own statistics function: the figures have one definition, in that app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from indicators.definitions import format_value
from indicators.filters import Filters
from indicators.periods import Period


@dataclass(frozen=True)
class Table:
    """One table of a section. `measures` names each column's kind, as the indicators' own
    (`text`, `count`, `share`, `mean_days`), so pages and files format it alike."""

    title: str
    header: list[str]
    measures: list[str]
    rows: list[list] = field(default_factory=list)

    def formatted_rows(self) -> list[list[str]]:
        return [
            [
                (v if v is not None else "") if m == "text" else format_value(m, v)
                for v, m in zip(row, self.measures, strict=True)
            ]
            for row in self.rows
        ]


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise  # a lazy translation: rendered in the language of the request
    note: str | Promise  # the definitions, shown beside the tables and written in the files
    build: Callable[[Period, Filters], list[Table]]
    link: str = ""  # a URL name for the section's own page, if any
    sheet: str = ""  # the Excel sheet's name (at most 31 characters); the title if empty


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    """Add (or replace, by key) a section of the dashboard."""
    _SECTIONS[section.key] = section


def build_sections(period: Period, filters: Filters) -> list[tuple[Section, list[Table]]]:
    """Every registered section's tables for the period and filters, in registration order."""
    return [(section, section.build(period, filters)) for section in _SECTIONS.values()]
