from django.contrib import admin

from analysis.models import (
    Duty,
    Framework,
    Ksb,
    Match,
    MatchRun,
    ReviewDecision,
    Standard,
    StandardVersion,
)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "data_date", "imported_at"]


class StandardVersionInline(admin.TabularInline):
    model = StandardVersion
    extra = 0
    fields = ["version", "status", "is_current", "is_latest", "has_duties"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "level", "route", "status", "framework"]
    list_filter = ["framework", "level", "status", "route"]
    list_select_related = ["framework"]
    search_fields = ["reference", "title", "occupation_code"]
    inlines = [StandardVersionInline]


@admin.register(StandardVersion)
class StandardVersionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "title",
        "level",
        "status",
        "is_current",
        "is_latest",
        "has_duties",
        "last_updated",
    ]
    list_filter = ["is_current", "is_latest", "has_duties", "status", "level"]
    list_select_related = ["standard"]
    search_fields = ["standard__reference", "title"]
    raw_id_fields = ["standard"]


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["version", "code", "is_core", "text", "ksb_codes"]
    list_filter = ["version__is_current", "is_core", "version__level"]
    list_select_related = ["version__standard"]
    search_fields = ["text", "version__standard__reference", "duty_id"]
    raw_id_fields = ["version"]


@admin.register(Ksb)
class KsbAdmin(admin.ModelAdmin):
    list_display = ["version", "code", "kind", "text"]
    list_filter = ["kind", "version__is_current", "version__level"]
    list_select_related = ["version__standard"]
    search_fields = ["text", "version__standard__reference", "ksb_id"]
    raw_id_fields = ["version"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "cycle",
        "status",
        "engine",
        "model",
        "threshold",
        "launched_at",
    ]
    list_filter = ["status", "engine"]
    list_select_related = ["cycle"]
    readonly_fields = ["batches_total", "batches_done", "started_at", "finished_at"]
    raw_id_fields = ["versions"]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["run", "capability", "duty", "score", "verdict"]
    list_filter = ["verdict"]
    list_select_related = ["run", "capability", "duty"]
    raw_id_fields = ["run", "capability", "duty"]


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(admin.ModelAdmin):
    list_display = ["match", "decision", "reviewer", "decided_at"]
    list_filter = ["decision"]
    list_select_related = ["match", "reviewer"]
    raw_id_fields = ["match"]
