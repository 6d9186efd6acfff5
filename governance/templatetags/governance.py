"""`{% documents_for_activity key %}`: the governing documents in force for a work-description
activity, for the process catalogue (a template tag, so process imports nothing of governance)."""

from __future__ import annotations

from django import template

from governance.documents import for_activity

register = template.Library()


@register.inclusion_tag("governance/_activity_documents.html")
def documents_for_activity(key: str) -> dict:
    return {"documents": for_activity(key)}
