from django.contrib import admin

from individuals.models import Individual, Relative


class RelativeInline(admin.TabularInline):
    model = Relative
    extra = 0


@admin.register(Individual)
class IndividualAdmin(admin.ModelAdmin):
    # Administrators maintain identities (e.g. protected identity); reads here are not patient
    # work and the list shows no more than name and number.
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
