from django.http import HttpRequest

from indicators.access import may_view_statistics


def statistics_menu(request: HttpRequest) -> dict:
    """Whether the menu offers the statistics (only to those who may see them)."""
    user = getattr(request, "user", None)
    return {"may_view_statistics": bool(user and may_view_statistics(user))}
