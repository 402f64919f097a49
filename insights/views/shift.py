"""The functional shift page, and the convener's marks of the standards used
today that make up its current state."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from foresight.access import convened_cycle_for
from foresight.models import Cycle, Function, Role
from insights import shift
from insights.access import insight_cycle_for
from insights.forms import MarkForm, ShiftFilter, UnmarkForm
from insights.navigation import profile_iteration
from insights.views.common import insight_view, respond

CHANGES_SHOWN = 10


@insight_view
@require_GET
def functional_shift(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = insight_cycle_for(request.user, cycle_id)
    return _page(request, cycle, MarkForm())


@insight_view
@require_POST
def mark_standard(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = convened_cycle_for(request.user, cycle_id)
    unmarking = request.POST.get("action") == "unmark"
    form = (UnmarkForm if unmarking else MarkForm)(request.POST)
    try:
        if form.is_valid() and unmarking:
            shift.unmark(cycle, form.cleaned_data["standard"], request.user)
        elif form.is_valid():
            marked = shift.mark(cycle, form.cleaned_data["reference"], request.user)
    except shift.MarkError as refused:
        form.add_error(None, str(refused))
    if not form.is_valid():
        shown = MarkForm() if unmarking else form
        return _page(request, cycle, shown, error=_message(form), status=400)

    if unmarking:
        messages.success(request, "The standard is no longer marked as used today.")
    else:
        messages.success(request, f"{marked.standard} is marked as used today.")
    return redirect("insights_shift", cycle.pk)


def _page(
    request: HttpRequest, cycle: Cycle, mark_form, error: str = "", status: int = 200
) -> HttpResponse:
    partners = list(cycle.partners.all())
    form = ShiftFilter(request.GET, partners=partners)
    functions = list(Function.objects.order_by("position"))
    current = shift.current_by_function(cycle, form.value("level"))
    future = shift.future_by_function(cycle, form.value("partner"))
    rows = shift.shift_rows(functions, current, future)

    is_convener = Role.CONVENER in cycle.user_roles
    context = {
        "cycle": cycle,
        "profile_iteration": profile_iteration(cycle),
        "rows": rows,
        "marked": list(shift.marked_standards(cycle)),
        "is_convener": is_convener,
        "mark_form": mark_form,
        "mark_error": error,
        "totals": (sum(current.values()), sum(future.values())),
    }
    if is_convener:
        changes = cycle.current_standard_changes.select_related(
            "standard", "changed_by"
        )
        context["changes"] = list(changes[:CHANGES_SHOWN])
    tables = {"shift": shift.shift_table(rows)}
    return respond(
        request, "insights/shift.html", context, tables, form=form, status=status
    )


def _message(form) -> str:
    return " ".join(message for errors in form.errors.values() for message in errors)
