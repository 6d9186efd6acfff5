"""The start page's note of the modules the user's lane requires: `{% competence_note %}`."""

from __future__ import annotations

from django import template

from competence.coverage import status_for

register = template.Library()


@register.inclusion_tag("competence/_note.html", takes_context=True)
def competence_note(context) -> dict:
    user = context.get("user")
    rows = status_for(user) if user is not None and user.is_authenticated else []
    return {"rows": rows, "done": sum(1 for r in rows if r.completed_on)}
