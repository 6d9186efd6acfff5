from django.contrib import admin

from audit.admin_reads import ReadOnlyLoggedReadsAdmin
from audit.models import AccessLog, LogRetention


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyLoggedReadsAdmin):
    """Read-only: the log is append-only. Reading it is a read of whom each row is about."""

    read_action = "admin.accesslog"
    list_display = ["at", "user", "unit", "individual", "action", "granted", "ip"]
    list_filter = ["action", "granted"]
    list_select_related = ["user", "unit", "individual"]
    date_hierarchy = "at"


@admin.register(LogRetention)
class LogRetentionAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "years", "source"]
