from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from organisations.models import ApiToken, Area, Membership, Principal, Unit, User


@admin.register(Principal)
class PrincipalAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "hsa_id"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "principal", "lane", "kind", "area", "hsa_id", "is_active"]
    list_filter = ["lane", "kind", "principal", "area", "is_active"]
    search_fields = ["name", "hsa_id"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(User)
class SamsynUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    fieldsets = UserAdmin.fieldsets + (("Samsyn", {"fields": ("title", "hsa_id")}),)
    list_display = ["username", "first_name", "last_name", "title", "is_active"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "valid_from", "valid_to"]
    list_filter = ["role", "unit__lane"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
