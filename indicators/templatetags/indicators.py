from django import template

from indicators.definitions import format_value

register = template.Library()


@register.filter
def indicator_value(value, measure: str) -> str:
    """A figure formatted for Swedish readers ("–" when there is nothing to count)."""
    return format_value(measure, value)
