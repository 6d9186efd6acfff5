"""The register's questions: what applies, and the search.

Search: PostgreSQL full-text search with the Swedish configuration over title and summary
(stemmed: "utskrivningen" finds "utskrivning"), plus a plain substring match on the title;
on SQLite a case-insensitive substring match on both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from governance.models import GoverningDocument, in_force_q


def documents_in_force(day: dt.date | None = None) -> QuerySet[GoverningDocument]:
    return GoverningDocument.objects.filter(in_force_q(day or timezone.localdate()))


def for_activity(key: str, day: dt.date | None = None) -> list[GoverningDocument]:
    """The documents in force on `day` (today) that govern the work description's activity."""
    rows = documents_in_force(day).select_related("owner_group", "owner_organisation")
    # JSON list containment differs by database; the register is small, so filter here.
    return [d for d in rows.order_by("title") if key in (d.activity_keys or [])]


def for_activities(keys: Iterable[str], day: dt.date | None = None) -> dict[str, list]:
    """The documents in force on `day` (today) for each of the activities `keys`, in one query
    however many activities there are."""
    found: dict[str, list[GoverningDocument]] = {key: [] for key in keys}
    if not found:
        return found
    rows = documents_in_force(day).select_related("owner_group", "owner_organisation")
    for document in rows.order_by("title", "-valid_from"):
        for key in document.activity_keys or []:
            if key in found:
                found[key].append(document)
    return found


@dataclass
class ActivityDocuments:
    title: str
    anchor: str  # the activity's element id on the page
    documents: list[GoverningDocument]


def for_swimlanes(lanes, day: dt.date | None = None) -> list[ActivityDocuments]:
    """The episode page's activities (`process.worklist.swimlanes`) that governing documents
    in force apply to, with those documents: one query for all the activities shown."""
    items = [item for lane in lanes for item in lane.items]
    documents = for_activities({item.activity.key for item in items}, day)
    return [
        ActivityDocuments(item.activity.title, item.anchor, documents[item.activity.key])
        for item in items
        if documents[item.activity.key]
    ]


def search(query: str, *, include_outdated: bool = False) -> list[GoverningDocument]:
    rows = GoverningDocument.objects.select_related("owner_group", "owner_organisation")
    if not include_outdated:
        rows = rows.filter(in_force_q(timezone.localdate()))
    if query:
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector("title", "summary", config="swedish")
            rows = rows.annotate(search=vector).filter(
                Q(search=SearchQuery(query, config="swedish", search_type="websearch"))
                | Q(title__icontains=query)
            )
        else:
            rows = rows.filter(Q(title__icontains=query) | Q(summary__icontains=query))
    return list(rows.order_by("title", "-valid_from"))
