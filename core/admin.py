from django.contrib import admin

from core.models import RegionalCount


@admin.register(RegionalCount)
class RegionalCountAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "valid_from", "valid_to", "source"]
    list_filter = ["key"]
    ordering = ["key", "valid_from"]
