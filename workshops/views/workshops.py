"""The cycle's workshops: the list, set-up, panel invitations and round controls.

Rounds are opened and closed through workshops.results, which owns the rules
(one open round at a time, which items a new round carries, the consensus
computed when a round closes); a refusal is shown with its message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from foresight.access import cycle_for
from workshops import results
from workshops.access import RUNNERS, run_workshop_for, workshop_for
from workshops.forms import PanellistForm, RoundOpenForm, WorkshopForm
from workshops.models import Round, Workshop, WorkshopKind

# The page where a panellist answers, by kind of workshop.
ANSWER_PAGE = {
    WorkshopKind.PROFICIENCY: "proficiency",
    WorkshopKind.CAPTURE: "capture",
    WorkshopKind.KSB: "ksb",
}


def is_runner(cycle) -> bool:
    return bool(cycle.user_roles.intersection(RUNNERS))


def _list_context(request: HttpRequest, cycle, form: WorkshopForm) -> dict:
    workshops = cycle.workshops.prefetch_related(
        Prefetch("rounds", queryset=Round.objects.order_by("-number"))
    )
    if not is_runner(cycle):
        # Panellists see only the workshops they were invited to.
        workshops = workshops.filter(panellists__user=request.user)
    return {
        "cycle": cycle,
        "workshops": workshops,
        "form": form if is_runner(cycle) else None,
    }


@login_required
def workshops(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_for(request.user, cycle_id)
    form = WorkshopForm(request.POST or None, cycle=cycle)
    if request.method != "POST":
        context = _list_context(request, cycle, form)
        return render(request, "workshops/workshops.html", context)
    if not is_runner(cycle):
        raise PermissionDenied("Only conveners and facilitators set up workshops.")
    if not form.is_valid():
        context = _list_context(request, cycle, form)
        return render(request, "workshops/workshops.html", context, status=400)

    workshop = form.save()
    messages.success(request, f"Workshop “{workshop}” created. Next, invite its panel.")
    return redirect(workshop)


def _overview_context(request: HttpRequest, workshop: Workshop, **bound) -> dict:
    runner = is_runner(workshop.cycle)
    context = {
        "cycle": workshop.cycle,
        "workshop": workshop,
        "rounds": workshop.rounds.all(),
        "is_runner": runner,
        "answer_page": ANSWER_PAGE.get(workshop.kind),
        "is_panellist": workshop.panellists.filter(user=request.user).exists(),
        "panellists": None,
        "panellist_form": None,
    }
    if runner:
        context["panellists"] = workshop.panellists.select_related("user").order_by(
            "user__first_name", "user__email"
        )
        context["panellist_form"] = PanellistForm(workshop=workshop)
    return context | bound


@login_required
def workshop(request: HttpRequest, cycle_id: int, workshop_id: int) -> HttpResponse:
    workshop = workshop_for(request.user, cycle_id, workshop_id)
    context = _overview_context(request, workshop)
    if not (context["is_runner"] or context["is_panellist"]):
        raise PermissionDenied("You are not on this workshop's panel.")
    return render(request, "workshops/workshop.html", context)


@login_required
@require_POST
def workshop_panellists(
    request: HttpRequest, cycle_id: int, workshop_id: int
) -> HttpResponse:
    workshop = run_workshop_for(request.user, cycle_id, workshop_id)
    form = PanellistForm(request.POST, workshop=workshop)
    if not form.is_valid():
        context = _overview_context(request, workshop, panellist_form=form)
        return render(request, "workshops/workshop.html", context, status=400)

    invited = form.save()
    link = request.build_absolute_uri(workshop.get_absolute_url())
    send_mass_mail(
        [
            (
                f"You are on the panel of “{workshop}”",
                f"You are invited to answer the workshop “{workshop}” of "
                f"“{workshop.cycle}”.\n\nIts page: {link}\n",
                None,
                [user.email],
            )
            for user in invited
        ]
    )
    messages.success(request, f"Invited {len(invited)} to the panel.")
    return redirect(workshop)


def refused(request: HttpRequest, workshop: Workshop, error, status: int):
    context = {"workshop": workshop, "cycle": workshop.cycle, "error": error}
    return render(request, "workshops/refused.html", context, status=status)


@login_required
@require_POST
def round_open(request: HttpRequest, cycle_id: int, workshop_id: int) -> HttpResponse:
    workshop = run_workshop_for(request.user, cycle_id, workshop_id)
    form = RoundOpenForm(request.POST)
    carry = form.is_valid() and form.cleaned_data["carry_unresolved"]
    try:
        opened = results.open_round(workshop, carry_unresolved=carry)
    except results.RoundError as error:
        return refused(request, workshop, error, status=400)

    messages.success(request, f"Round {opened.number} is open.")
    return redirect("console", workshop.cycle.pk, workshop.pk)


@login_required
@require_POST
def round_close(
    request: HttpRequest, cycle_id: int, workshop_id: int, round_id: int
) -> HttpResponse:
    workshop = run_workshop_for(request.user, cycle_id, workshop_id)
    round = get_object_or_404(Round, pk=round_id, workshop=workshop)
    try:
        closed = results.close_round(round.pk, request.user)
    except results.RoundError as error:
        # Most often someone else closed it first: a conflict with the round's state.
        return refused(request, workshop, error, status=409)

    messages.success(
        request, f"Round {closed.number} is closed; its consensus is being computed."
    )
    return redirect("console", workshop.cycle.pk, workshop.pk)


urls = [
    path("", workshops, name="workshops"),
    path("<int:workshop_id>/", workshop, name="workshop"),
    path(
        "<int:workshop_id>/panellists/",
        workshop_panellists,
        name="workshop_panellists",
    ),
    path("<int:workshop_id>/rounds/open/", round_open, name="round_open"),
    path(
        "<int:workshop_id>/rounds/<int:round_id>/close/",
        round_close,
        name="round_close",
    ),
]
