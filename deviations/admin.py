from django.contrib import admin

from deviations.models import CandidateDecision, DeviationCategory, DeviationDeadline


@admin.register(DeviationCategory)
class DeviationCategoryAdmin(admin.ModelAdmin):
    list_display = ("label", "key", "valid_from", "valid_to", "order")


@admin.register(DeviationDeadline)
class DeviationDeadlineAdmin(admin.ModelAdmin):
    list_display = ("key", "working_days", "valid_from", "valid_to", "is_proposal")


@admin.register(CandidateDecision)
class CandidateDecisionAdmin(admin.ModelAdmin):
    list_display = ("candidate", "principal", "decision", "decided_at")
    readonly_fields = [f.name for f in CandidateDecision._meta.fields]
