from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from foresight.access import convened_cycle_for, cycle_for
from foresight.forms import CycleForm, StageForm
from foresight.models import CycleSummary, Membership, Role, StageError
from foresight.tasks import refresh_cycle_summary
from insights.access import may_see_insights


@login_required
def my_cycles(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("cycle")
        .order_by("-cycle__created_at", "cycle_id", "role")
    )
    cycles: dict[int, dict] = {}
    for membership in memberships:
        entry = cycles.setdefault(
            membership.cycle_id, {"cycle": membership.cycle, "roles": []}
        )
        entry["roles"].append(membership.get_role_display())
    return render(
        request, "foresight/my_cycles.html", {"entries": list(cycles.values())}
    )


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    # Conveners are staff: only they start new cycles.
    if not request.user.is_staff:
        raise PermissionDenied("Only conveners can create cycles.")

    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.created_by = request.user
            cycle = form.save()
            Membership.objects.create(
                user=request.user, cycle=cycle, role=Role.CONVENER
            )
        messages.success(
            request, "Cycle created. Next, set up its partners and role levels."
        )
        return redirect("cycle_setup", cycle.pk)

    status = 400 if form.is_bound else 200
    return render(request, "foresight/cycle_form.html", {"form": form}, status=status)


@login_required
def cycle_home(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_for(request.user, cycle_id)
    summary = CycleSummary.objects.filter(cycle=cycle).first()
    if request.htmx:
        # The summary card polls this page while a recount runs.
        context = {"cycle": cycle, "summary": summary}
        return render(request, "foresight/cycle_home.html#summary", context)

    context = {
        "cycle": cycle,
        "is_convener": Role.CONVENER in cycle.user_roles,
        "roles": sorted(Role(role).label for role in cycle.user_roles),
        "partners": cycle.partners.all(),
        "role_levels": cycle.role_levels.all(),
        "scale": cycle.scale.all(),
        "solutions": cycle.solutions.all(),
        "summary": summary,
        "stage_changes": cycle.stage_changes.select_related("changed_by")[:10],
        "can_review": bool(cycle.user_roles & {Role.CONVENER, Role.REVIEWER}),
        "can_see_insights": may_see_insights(cycle),
        "match_runs": cycle.match_runs.all()[:5],
        "stage_form": StageForm(),
    }
    return render(request, "foresight/cycle_home.html", context)


@login_required
@require_POST
def change_stage(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = convened_cycle_for(request.user, cycle_id)
    form = StageForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose a stage to move to.", status=400)

    try:
        change = cycle.change_stage(
            form.cleaned_data["to"], request.user, form.cleaned_data["reason"]
        )
    except StageError as error:
        return render(
            request,
            "foresight/stage_refused.html",
            {"cycle": cycle, "error": error},
            status=400,
        )
    messages.success(request, f"The cycle moved to {change.get_to_stage_display()}.")
    return redirect(cycle)


@login_required
@require_POST
def refresh_summary(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_for(request.user, cycle_id, Role.CONVENER, Role.FACILITATOR)
    transaction.on_commit(lambda: refresh_cycle_summary.delay(cycle.pk))
    if request.htmx:
        summary = CycleSummary.objects.filter(cycle=cycle).first()
        return render(
            request,
            "foresight/cycle_home.html#summary",
            {"cycle": cycle, "summary": summary, "refreshing": True},
        )
    messages.info(request, "The summary is being recomputed.")
    return redirect(cycle)


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "foresight/about.html")
