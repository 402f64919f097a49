from django.contrib import admin

from foresight.models import (
    BackgroundJob,
    CapabilityStatement,
    Cycle,
    CycleCapability,
    CycleSummary,
    Domain,
    Function,
    FunctionalArea,
    Invitation,
    Membership,
    Organisation,
    ProficiencyLevel,
    ReferenceOccupation,
    RoleLevel,
    StageChange,
    SupplyChainPartner,
    TechnologySolution,
)


@admin.register(Function)
class FunctionAdmin(admin.ModelAdmin):
    list_display = ["position", "name"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "function"]
    list_filter = ["function"]
    list_select_related = ["function"]
    search_fields = ["name"]


@admin.register(FunctionalArea)
class FunctionalAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "domain"]
    list_filter = ["domain__function"]
    list_select_related = ["domain"]
    search_fields = ["name"]


@admin.register(CapabilityStatement)
class CapabilityStatementAdmin(admin.ModelAdmin):
    list_display = ["text", "area", "source_kind", "source_ref"]
    list_filter = ["source_kind", "area__domain__function"]
    list_select_related = ["area"]
    search_fields = ["text", "source_ref"]
    raw_id_fields = ["area"]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_stage", "to_stage", "changed_by", "changed_at", "reason"]

    def has_add_permission(self, request, obj=None) -> bool:
        # Stage changes go through Cycle.change_stage, which enforces the rules.
        return False


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["title", "stage", "is_demo", "sponsor", "created_at"]
    list_filter = ["stage", "is_demo"]
    search_fields = ["title"]
    readonly_fields = ["stage", "created_at", "created_by"]
    inlines = [StageChangeInline]


class CycleChildAdmin(admin.ModelAdmin):
    list_filter = ["cycle"]
    list_select_related = ["cycle"]


@admin.register(SupplyChainPartner, TechnologySolution)
class NamedChildAdmin(CycleChildAdmin):
    list_display = ["name", "cycle"]
    search_fields = ["name"]


@admin.register(RoleLevel)
class RoleLevelAdmin(CycleChildAdmin):
    list_display = ["name", "min_academic_level", "max_academic_level", "cycle"]


@admin.register(ProficiencyLevel)
class ProficiencyLevelAdmin(CycleChildAdmin):
    list_display = ["value", "label", "cycle"]


@admin.register(CycleCapability)
class CycleCapabilityAdmin(CycleChildAdmin):
    list_display = ["text", "origin", "ref", "area", "cycle"]
    list_filter = ["cycle", "origin"]
    list_select_related = ["cycle", "area"]
    search_fields = ["text", "ref"]
    raw_id_fields = ["statement", "area"]
    filter_horizontal = ["partners"]


@admin.register(CycleSummary)
class CycleSummaryAdmin(CycleChildAdmin):
    list_display = ["cycle", "computed_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(CycleChildAdmin):
    list_display = ["user", "role", "cycle", "organisation"]
    list_filter = ["cycle", "role"]
    list_select_related = ["user", "cycle", "organisation"]
    search_fields = ["user__email"]


@admin.register(Invitation)
class InvitationAdmin(CycleChildAdmin):
    list_display = ["email", "role", "cycle", "created_at", "accepted_at"]
    list_filter = ["cycle", "role"]
    readonly_fields = ["accepted_at", "accepted_by"]


@admin.register(ReferenceOccupation)
class ReferenceOccupationAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "code"]
    list_filter = ["source"]
    search_fields = ["title", "code"]
    raw_id_fields = ["statements"]


@admin.register(BackgroundJob)
class BackgroundJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["done", "total", "started_at", "finished_at"]
