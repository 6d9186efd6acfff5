from django.contrib import admin

from governance.models import GoverningDocument, Group, GroupMember


class MemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "area"]
    list_filter = ["kind"]
    inlines = [MemberInline]


@admin.register(GoverningDocument)
class GoverningDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "version", "valid_from", "valid_to", "replaced_by"]
    list_filter = ["kind"]
