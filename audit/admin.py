from django.contrib import admin

from audit.admin_reads import LoggedReadsAdmin
from audit.models import AccessLog, LogRetention


@admin.register(AccessLog)
class AccessLogAdmin(LoggedReadsAdmin):
    """Read-only: the log is append-only. Reading it is a read of whom each row is about."""

    read_action = "admin.accesslog"
    list_display = ["at", "user", "unit", "individual", "action", "granted", "ip"]
    list_filter = ["action", "granted"]
    list_select_related = ["user", "unit", "individual"]
    date_hierarchy = "at"

    def individual_id_of(self, obj):
        return obj.individual_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LogRetention)
class LogRetentionAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "years", "source"]
