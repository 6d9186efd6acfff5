"""Min planering in the admin, read only: the citizens' reads (for the log review beside the
staff access log) and who may see whom, with its history. Every read is logged."""

from django.contrib import admin

from audit.admin_reads import ReadOnlyLoggedReadsAdmin
from portal.models import CitizenRead, Representation, RepresentationEvent


@admin.register(CitizenRead)
class CitizenReadAdmin(ReadOnlyLoggedReadsAdmin):
    read_action = "admin.citizenread"
    list_display = ["at", "reader_name", "individual", "representation", "action", "granted"]
    list_filter = ["granted", "action"]
    date_hierarchy = "at"


class RepresentationEventInline(admin.TabularInline):
    model = RepresentationEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor_name", "actor_user", "actor_unit"]
    readonly_fields = ["at", "kind", "actor_name", "actor_user", "actor_unit"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Representation)
class RepresentationAdmin(ReadOnlyLoggedReadsAdmin):
    read_action = "admin.representation"
    list_display = [
        "individual",
        "representative_name",
        "kind",
        "valid_from",
        "valid_to",
        "revoked_at",
    ]
    list_filter = ["kind"]
    inlines = [RepresentationEventInline]
