"""`{% documents_for_activity key %}`: the governing documents in force for a work-description
activity, for the process catalogue; `{% activity_documents governing_documents anchor %}`: those
of one activity on the episode page, from what the page read for all its activities in one query
(`governance.documents.for_swimlanes`). Template tags, so process imports nothing of governance."""

from __future__ import annotations

from django import template

from governance.documents import for_activity

register = template.Library()


@register.inclusion_tag("governance/_activity_documents.html")
def documents_for_activity(key: str) -> dict:
    return {"documents": for_activity(key)}


@register.inclusion_tag("governance/_swimlane_documents.html")
def activity_documents(governing_documents, anchor: str) -> dict:
    for activity in governing_documents or ():
        if activity.anchor == anchor:
            return {"documents": activity.documents}
    return {"documents": []}
