"""The admin screens that show patient data log their reads, like every other screen.

`LoggedReadsAdmin` is the ModelAdmin of a model whose rows name or describe an individual:
a list page writes one access-log row per individual shown, in one statement (its search
included), and every opened row (change, delete, history page) writes one for its
individual. The admin is a screen above every app, so the apps' `admin.py` modules may use
it (pyproject's layers contract ignores `*.admin -> audit.admin_reads`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.log import log_individuals_many


class LoggedReadsAdmin(admin.ModelAdmin):
    # The access-log action's stem, e.g. "admin.individual": ".list" and ".view" are added.
    read_action = "admin.read"

    def individual_id_of(self, obj: Any) -> int | None:
        """The individual a row is about (the row itself for an Individual)."""
        return obj.pk

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            log_individuals_many(
                request.user,
                f"{self.read_action}.list",
                [self.individual_id_of(obj) for obj in changelist.result_list],
                request=request,
                detail="sökning" if request.GET.get("q") else "",
            )
        return response

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            log_individuals_many(
                request.user,
                f"{self.read_action}.view",
                [self.individual_id_of(obj)],
                request=request,
            )
        return obj


class ReadOnlyLoggedReadsAdmin(LoggedReadsAdmin):
    """A log or a history: read, never added to, changed or deleted through the admin."""

    def individual_id_of(self, obj: Any) -> int | None:
        return obj.individual_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
