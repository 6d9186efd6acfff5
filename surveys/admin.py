"""The survey's register in the admin, to look at only: questionnaires change through
`surveys.actions` (a change with answers is a new version) on the setup pages, and
invitations and answers are not shown here at all (they are anonymous)."""

from django.contrib import admin

from surveys.models import MeasurementPlan, Question, Questionnaire, QuestionnaireVersion


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "key", "text", "kind", "scale_min", "scale_max", "required"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnly):
    list_display = ["name", "key", "created_at"]


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(ReadOnly):
    list_display = ["questionnaire", "number", "title", "easy_read", "created_at"]
    inlines = [QuestionInline]


@admin.register(MeasurementPlan)
class MeasurementPlanAdmin(ReadOnly):
    list_display = ["name", "questionnaire", "baseline_start", "baseline_end"]
