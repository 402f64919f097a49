from django.contrib import admin

from reports.models import Action, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["cycle", "version", "status", "requested_at", "finished_at"]
    list_filter = ["status"]
    # The document is stored as generated; the admin shows, never edits, it.
    exclude = ["html", "pdf"]
    readonly_fields = [
        "cycle",
        "version",
        "status",
        "stage",
        "percent",
        "failure",
        "recommendations",
        "figures",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
    ]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["topic", "cycle", "status", "when", "owner", "updated_at"]
    list_filter = ["status", "horizon"]
    search_fields = ["topic", "action"]
    raw_id_fields = ["cycle", "profiles", "capabilities"]
