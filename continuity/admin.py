from django.contrib import admin

from continuity.models import UnitContact


@admin.register(UnitContact)
class UnitContactAdmin(admin.ModelAdmin):
    list_display = ("unit", "phone", "email", "hours")
    search_fields = ("unit__name", "phone", "email")
    autocomplete_fields = ("unit",)
