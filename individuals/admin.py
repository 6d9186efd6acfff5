from django.contrib import admin

from audit.admin_reads import LoggedReadsAdmin
from individuals.models import Individual, Relative


class RelativeInline(admin.TabularInline):
    model = Relative
    extra = 0


@admin.register(Individual)
class IndividualAdmin(LoggedReadsAdmin):
    # Administrators maintain identities (e.g. protected identity). The list and the edit page
    # show who the person is, and the edit page address, phone and relatives: every read is
    # logged, a search by identity number too.
    read_action = "admin.individual"
    list_display = [
        "family_name",
        "given_name",
        "identifier",
        "identifier_kind",
        "municipality",
        "protected_identity",
    ]
    list_filter = ["identifier_kind", "protected_identity", "municipality"]
    search_fields = ["identifier", "family_name"]
    inlines = [RelativeInline]
