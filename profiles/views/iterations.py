"""The cycle's iterations of profiles, and what runners do with them: generate
the prototype, apply the accepted changes into the next iteration, mark one
final."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from foresight.access import cycle_for
from foresight.models import BackgroundJob, Cycle
from profiles import refinement
from profiles.models import ChangeStatus
from profiles.tasks import generate_profiles
from profiles.views.access import (
    RUNNERS,
    is_published,
    is_runner,
    run_iteration_for,
    sees_every_iteration,
    visible_iterations,
)

TEMPLATE = "profiles/iterations.html"
GENERATE_JOB = "generate_profiles"


def _job_key(cycle: Cycle) -> str:
    # Limitation: a BackgroundJob names no cycle, so the job a runner started is
    # remembered in their session; a cycle field on the job would show it to all.
    return f"profiles-generation-{cycle.pk}"


def _context(request: HttpRequest, cycle: Cycle, **extra) -> dict:
    iterations = visible_iterations(cycle).select_related("created_by")
    iterations = list(
        iterations.annotate(
            profile_count=Count("profiles", distinct=True),
            open_count=Count(
                "changes", filter=Q(changes__status=ChangeStatus.OPEN), distinct=True
            ),
        )
    )
    context = {
        "cycle": cycle,
        "iterations": iterations,
        "latest": iterations[-1] if iterations else None,
        "is_runner": is_runner(cycle),
        "sees_every_iteration": sees_every_iteration(cycle),
        "published": is_published(cycle),
        "job": None,
        "accepted_count": 0,
    }
    if context["is_runner"]:
        job_id = request.session.get(_job_key(cycle))
        context["job"] = BackgroundJob.objects.filter(
            pk=job_id, kind=GENERATE_JOB
        ).first()
    if context["is_runner"] and context["latest"]:
        open_changes = refinement.tallied(
            context["latest"].changes.filter(status=ChangeStatus.OPEN)
        )
        context["accepted_count"] = sum(
            refinement.decide(change.votes_accepting, change.votes_n, cycle).accepted
            for change in open_changes
        )
    return context | extra


@login_required
def iterations(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_for(request.user, cycle_id)
    context = _context(request, cycle)
    template = f"{TEMPLATE}#listing" if request.htmx else TEMPLATE
    return render(request, template, context)


@login_required
@require_POST
def generate(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_for(request.user, cycle_id, *RUNNERS)
    job = BackgroundJob.objects.create(kind=GENERATE_JOB)
    request.session[_job_key(cycle)] = job.pk
    user_id = request.user.pk
    transaction.on_commit(lambda: generate_profiles.delay(job.pk, cycle.pk, user_id))

    messages.info(request, "Generating profiles; progress shows below.")
    return redirect("iterations", cycle.pk)


@login_required
@require_POST
def apply_changes(
    request: HttpRequest, cycle_id: int, iteration_id: int
) -> HttpResponse:
    iteration = run_iteration_for(request.user, cycle_id, iteration_id)
    try:
        new = refinement.apply_accepted(iteration, request.user)
    except refinement.RefinementError as error:
        context = _context(request, iteration.cycle, error=str(error))
        return render(request, TEMPLATE, context, status=400)

    applied = len(new.parameters["applied"])
    messages.success(
        request,
        f"Iteration {new.number} “{new.name}” created with {applied} "
        f"change{'s' if applied != 1 else ''} applied.",
    )
    return redirect("iterations", iteration.cycle.pk)


@login_required
@require_POST
def mark_final(request: HttpRequest, cycle_id: int, iteration_id: int) -> HttpResponse:
    iteration = run_iteration_for(request.user, cycle_id, iteration_id)
    refinement.mark_final(iteration)
    messages.success(request, f"Iteration {iteration.number} is now the final one.")
    return redirect("iterations", iteration.cycle.pk)


urls = [
    path("", iterations, name="iterations"),
    path("generate/", generate, name="fop_generate"),
    path("<int:iteration_id>/apply/", apply_changes, name="fop_apply"),
    path("<int:iteration_id>/final/", mark_final, name="fop_final"),
]
