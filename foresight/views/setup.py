"""The convener's set-up page: cycle details, solutions, partners, role levels, scale.

Each section posts to its own view. Without JavaScript a valid post redirects back
to the page; with htmx the view answers with that section's partial.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from foresight.access import convened_cycle_for, cycle_child_for
from foresight.forms import (
    CycleForm,
    PartnerForm,
    RoleLevelForm,
    ScaleFormSet,
    SolutionForm,
)
from foresight.models import (
    Cycle,
    Role,
    RoleLevel,
    SupplyChainPartner,
    TechnologySolution,
)

SECTIONS = {
    "solutions": (TechnologySolution, SolutionForm, "solution_form"),
    "partners": (SupplyChainPartner, PartnerForm, "partner_form"),
    "role_levels": (RoleLevel, RoleLevelForm, "role_level_form"),
}


def _section(name: str) -> tuple:
    if name not in SECTIONS:
        raise Http404
    return SECTIONS[name]


def _setup_context(cycle: Cycle, **bound) -> dict:
    context = {
        "cycle": cycle,
        "cycle_form": CycleForm(instance=cycle),
        "scale_formset": ScaleFormSet(queryset=cycle.scale.all(), prefix="scale"),
        "solutions": cycle.solutions.all(),
        "partners": cycle.partners.all(),
        "role_levels": cycle.role_levels.all(),
    }
    for _model, form_class, name in SECTIONS.values():
        context[name] = form_class(cycle=cycle)
    context.update(bound)
    return context


@login_required
def cycle_setup(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = convened_cycle_for(request.user, cycle_id)
    return render(request, "foresight/cycle_setup.html", _setup_context(cycle))


@login_required
@require_POST
def cycle_edit(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = convened_cycle_for(request.user, cycle_id)
    form = CycleForm(request.POST, instance=cycle)
    if not form.is_valid():
        # The form's instance already carries the rejected values: show a fresh copy.
        cycle.refresh_from_db()
        context = _setup_context(cycle, cycle_form=form)
        return render(request, "foresight/cycle_setup.html", context, status=400)

    form.save()
    messages.success(request, "Cycle details saved.")
    return redirect("cycle_setup", cycle.pk)


@login_required
@require_POST
def section_add(request: HttpRequest, cycle_id: int, section: str) -> HttpResponse:
    cycle = convened_cycle_for(request.user, cycle_id)
    _model, form_class, form_name = _section(section)
    form = form_class(request.POST, cycle=cycle)
    if form.is_valid():
        form.save()
        form = form_class(cycle=cycle)
        status = 200
    else:
        status = 400

    if request.htmx:
        context = _setup_context(cycle, **{form_name: form})
        return render(
            request, f"foresight/cycle_setup.html#{section}", context, status=status
        )
    if status == 400:
        context = _setup_context(cycle, **{form_name: form})
        return render(request, "foresight/cycle_setup.html", context, status=400)
    return redirect("cycle_setup", cycle.pk)


@login_required
@require_POST
def section_delete(
    request: HttpRequest, cycle_id: int, section: str, pk: int
) -> HttpResponse:
    model, _form_class, _form_name = _section(section)
    obj = cycle_child_for(request.user, model, cycle_id, pk, Role.CONVENER)
    obj.delete()
    if request.htmx:
        return render(
            request, f"foresight/cycle_setup.html#{section}", _setup_context(obj.cycle)
        )
    messages.success(request, f"Removed “{obj}”.")
    return redirect("cycle_setup", obj.cycle.pk)


@login_required
@require_POST
def scale_edit(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = convened_cycle_for(request.user, cycle_id)
    formset = ScaleFormSet(request.POST, queryset=cycle.scale.all(), prefix="scale")
    if not formset.is_valid():
        context = _setup_context(cycle, scale_formset=formset)
        return render(request, "foresight/cycle_setup.html", context, status=400)

    with transaction.atomic():
        formset.save()
    messages.success(request, "Proficiency scale saved.")
    return redirect("cycle_setup", cycle.pk)
