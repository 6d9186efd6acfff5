from django.contrib import admin

from competence.models import Completion, Course, ImportBatch, Module, Requirement, Session


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_active")
    inlines = [ModuleInline, SessionInline]


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 0


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "course", "part", "lane")
    list_filter = ("course", "lane")
    inlines = [RequirementInline]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ("module", "lane", "role")
    list_filter = ("lane", "role")


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ("user", "module", "completed_on", "source")
    list_filter = ("module__course", "source")
    raw_id_fields = ("user", "session", "batch", "recorded_by")
    search_fields = ("user__username", "user__last_name", "module__code")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("filename", "state", "uploaded_by", "uploaded_at", "created_count")
    exclude = ("content",)
    readonly_fields = ("filename", "state", "uploaded_by", "uploaded_at", "imported_at")
