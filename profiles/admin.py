"""Profiles in the admin. Votes on changes are left out on purpose, as workshop
answers are: only their counts show, never a respondent."""

from django.contrib import admin
from django.db.models import Count, Q

from profiles.models import Iteration, Profile, ProfileCapability, ProfileChange


class ProfileInline(admin.TabularInline):
    model = Profile
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["title", "role_level", "partner", "derived_from"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        # Profiles come from generation and refinement, never typed in here.
        return False


@admin.register(Iteration)
class IterationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cycle", "is_final", "created_by", "created_at"]
    list_filter = ["is_final", "cycle"]
    list_select_related = ["cycle", "created_by"]
    readonly_fields = ["cycle", "number", "is_final", "created_by", "parameters"]
    inlines = [ProfileInline]

    def has_add_permission(self, request) -> bool:
        return False


class ProfileCapabilityInline(admin.TabularInline):
    model = ProfileCapability
    extra = 0
    raw_id_fields = ["capability"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["title", "role_level", "partner", "iteration"]
    list_filter = ["iteration__cycle"]
    list_select_related = ["role_level", "partner", "iteration"]
    search_fields = ["title"]
    raw_id_fields = ["iteration", "role_level", "partner", "derived_from"]
    inlines = [ProfileCapabilityInline]


@admin.register(ProfileChange)
class ProfileChangeAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "profile",
        "iteration",
        "proposed_by",
        "proposed_at",
        "vote_counts",
        "applied_in",
    ]
    list_filter = ["kind", "status", "iteration__cycle"]
    list_select_related = ["profile", "iteration", "proposed_by", "applied_in"]
    raw_id_fields = [
        "iteration",
        "profile",
        "other_profile",
        "capability",
        "moved_capabilities",
    ]
    readonly_fields = ["proposed_by", "proposed_at", "applied_in", "vote_counts"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                accepting=Count("votes", filter=Q(votes__accept=True)),
                rejecting=Count("votes", filter=Q(votes__accept=False)),
            )
        )

    @admin.display(description="Votes")
    def vote_counts(self, change: ProfileChange) -> str:
        return f"{change.accepting} accept, {change.rejecting} reject"
