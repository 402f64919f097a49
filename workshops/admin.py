"""Workshops in the admin. Answers (ratings, proposal votes, KSB contributions)
are left out on purpose: no admin list may show who gave which answer, and the
pseudonymous respondent column would invite guessing."""

from django.contrib import admin

from workshops.models import Panellist, Round, Workshop


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "status",
        "opened_at",
        "closed_at",
        "closed_by",
        "computed_at",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        # Rounds open and close through workshops.results, which creates their items.
        return False


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "cycle", "starts_at", "ends_at", "is_demo"]
    list_filter = ["kind", "is_demo", "cycle"]
    list_select_related = ["cycle"]
    search_fields = ["title"]
    inlines = [RoundInline]


@admin.register(Panellist)
class PanellistAdmin(admin.ModelAdmin):
    list_display = ["user", "workshop", "group", "invited_at", "reminded_at"]
    list_filter = ["group", "workshop__cycle"]
    list_select_related = ["user", "workshop"]
    search_fields = ["user__email", "workshop__title"]
    raw_id_fields = ["user", "workshop"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "opened_at", "closed_at", "computed_at"]
    list_filter = ["status", "workshop__cycle"]
    list_select_related = ["workshop"]
    readonly_fields = [
        "workshop",
        "number",
        "status",
        "opened_at",
        "closed_at",
        "closed_by",
        "computed_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
