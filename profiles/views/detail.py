"""Insight page 5, FOP detail: one profile's capabilities with their KSB tags
(also as CSV); on the latest iteration, employers propose changes to it and
vote on the open ones, seeing counts only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from foresight.models import Role
from insights.navigation import profile_iteration_and_latest
from profiles import refinement
from profiles.forms import ChangeForm, VoteForm
from profiles.models import (
    ChangeKind,
    ChangeVote,
    Iteration,
    Profile,
    ProfileCapability,
    ProfileChange,
)
from profiles.views.access import (
    is_employer,
    is_runner,
    iteration_for,
    sees_every_iteration,
)
from profiles.views.tables import (
    classification,
    classification_key,
    csv_response,
    level_labels,
)
from workshops.models import KsbTag

TEMPLATE = "profiles/fop_detail.html"
CSV_COLUMNS = [
    "capability ref",
    "function",
    "domain",
    "area",
    "capability",
    "proficiency",
    "explanation",
    "KSBs",
]


def _entries(profile: Profile) -> list[ProfileCapability]:
    tags = Prefetch("capability__ksb_tags", queryset=KsbTag.objects.order_by("text"))
    entries = profile.entries.select_related("capability__area__domain__function")
    entries = entries.prefetch_related(tags)
    return sorted(entries, key=lambda entry: classification_key(entry.capability))


def _changes(user, iteration: Iteration, profile: Profile, labels: dict) -> list:
    """The iteration's changes that touch `profile`, with their tallies."""
    changes = ProfileChange.objects.filter(iteration=iteration).filter(
        Q(profile=profile) | Q(other_profile=profile)
    )
    return _decorated(user, iteration, changes, labels)


def _decorated(user, iteration: Iteration, changes, labels: dict) -> list:
    changes = refinement.tallied(changes).select_related(
        "profile", "other_profile", "capability", "proposed_by", "applied_in"
    )
    changes = list(changes.prefetch_related("moved_capabilities").order_by("id"))
    respondent = refinement.respondent_for(iteration.pk, user.pk)
    own = dict(
        ChangeVote.objects.filter(
            change__in=changes, respondent=respondent
        ).values_list("change_id", "accept")
    )
    for change in changes:
        change.outcome = refinement.decide(
            change.votes_accepting, change.votes_n, iteration.cycle
        )
        change.votes_rejecting = change.votes_n - change.votes_accepting
        change.level_label = labels.get(change.proficiency, "")
        change.own_vote = own.get(change.pk)
    return changes


def _history(user, iteration: Iteration, profile: Profile, labels: dict) -> list:
    """The changes applied into this iteration to the profile it derives from."""
    if profile.derived_from_id is None:
        return []
    source = profile.derived_from_id
    changes = ProfileChange.objects.filter(applied_in=iteration).filter(
        Q(profile_id=source) | Q(other_profile_id=source)
    )
    return _decorated(user, iteration, changes, labels)


def _change_forms(
    profile: Profile, entries: list, labels: dict, bound: ChangeForm | None
) -> list[tuple[str, ChangeForm]]:
    """A small form per kind of change, each with the choices it offers."""
    held_ids = [entry.capability_id for entry in entries]
    addable = profile.iteration.cycle.capabilities.exclude(pk__in=held_ids)
    others = profile.iteration.profiles.exclude(pk=profile.pk)
    options = {
        "held": [
            (
                entry.capability_id,
                _short(entry.capability.text, entry.proficiency, labels),
            )
            for entry in entries
        ],
        "addable": [
            (pk, _short(text)) for pk, text in addable.values_list("pk", "text")
        ],
        "others": [
            (other.pk, f"{other.title} · {other.role_level.name}")
            for other in others.select_related("role_level")
        ],
        "levels": list(labels.items()),
    }
    forms = []
    for kind, label in ChangeKind.choices:
        if bound is not None and bound.initial.get("kind") == kind:
            forms.append((label, bound))
        else:
            forms.append((label, ChangeForm(kind=kind, options=options)))
    return forms


def _short(text: str, level: int | None = None, labels: dict | None = None) -> str:
    text = Truncator(text).chars(90)
    return f"{text} ({labels.get(level, level)})" if labels else text


def _context(
    request: HttpRequest,
    iteration: Iteration,
    profile: Profile,
    bound: ChangeForm | None = None,
    **extra,
) -> dict:
    cycle = iteration.cycle
    labels = level_labels(cycle)
    entries = _entries(profile)
    for entry in entries:
        entry.level_label = labels.get(entry.proficiency, str(entry.proficiency))
    navigation_iteration, is_latest = profile_iteration_and_latest(iteration)
    context = {
        "cycle": cycle,
        "iteration": iteration,
        "is_latest": is_latest,
        "profile_iteration": navigation_iteration,
        "profile": profile,
        "entries": entries,
        "columns": CSV_COLUMNS,
        "is_runner": is_runner(cycle),
        "sees_every_iteration": sees_every_iteration(cycle),
        "may_vote": is_employer(cycle) and is_latest,
        "changes": [],
        "history": [],
        "forms": [],
    }
    if sees_every_iteration(cycle):
        context["changes"] = _changes(request.user, iteration, profile, labels)
        context["history"] = _history(request.user, iteration, profile, labels)
    if context["may_vote"]:
        context["forms"] = _change_forms(profile, entries, labels, bound)
    return context | extra


def _profile(iteration: Iteration, profile_id: int) -> Profile:
    profiles = iteration.profiles.select_related(
        "role_level", "partner", "derived_from"
    )
    profile = get_object_or_404(profiles, pk=profile_id)
    profile.iteration = iteration
    return profile


@login_required
@require_GET
def fop_detail(
    request: HttpRequest, cycle_id: int, iteration_id: int, profile_id: int
) -> HttpResponse:
    iteration = iteration_for(request.user, cycle_id, iteration_id)
    profile = _profile(iteration, profile_id)
    if request.GET.get("format") == "csv":
        return _detail_csv(iteration, profile)
    return render(request, TEMPLATE, _context(request, iteration, profile))


def _detail_csv(iteration: Iteration, profile: Profile) -> HttpResponse:
    labels = level_labels(iteration.cycle)
    rows = (
        [
            entry.capability.ref or str(entry.capability_id),
            *classification(entry.capability),
            entry.capability.text,
            labels.get(entry.proficiency, str(entry.proficiency)),
            entry.explanation,
            "; ".join(
                f"{tag.get_kind_display()}: {tag.text}"
                for tag in entry.capability.ksb_tags.all()
            ),
        ]
        for entry in _entries(profile)
    )
    filename = f"fop-{iteration.cycle_id}-{iteration.number}-{profile.pk}.csv"
    return csv_response(filename, CSV_COLUMNS, rows)


@login_required
@require_POST
def fop_propose(
    request: HttpRequest, cycle_id: int, iteration_id: int, profile_id: int
) -> HttpResponse:
    iteration = iteration_for(request.user, cycle_id, iteration_id, Role.EMPLOYER)
    profile = _profile(iteration, profile_id)
    form = ChangeForm(request.POST, kind=request.POST.get("kind", ""))
    if form.is_valid():
        try:
            change = refinement.propose(
                iteration,
                request.user,
                form.cleaned_data["kind"],
                profile=profile,
                **form.change_fields(),
            )
        except refinement.RefinementError as error:
            form.add_error(None, str(error))
    if not form.is_valid():
        error = " ".join(
            message for errors in form.errors.values() for message in errors
        )
        context = _context(request, iteration, profile, bound=form, propose_error=error)
        return render(request, TEMPLATE, context, status=400)

    messages.success(request, "Your proposal is open for the panel's votes.")
    url = reverse("fop_detail", args=[cycle_id, iteration.pk, profile.pk])
    return redirect(f"{url}#change-{change.pk}")


@login_required
@require_POST
def fop_vote(
    request: HttpRequest, cycle_id: int, iteration_id: int, change_id: int
) -> HttpResponse:
    iteration = iteration_for(request.user, cycle_id, iteration_id, Role.EMPLOYER)
    change = get_object_or_404(
        iteration.changes.select_related("iteration"), pk=change_id
    )
    form = VoteForm(request.POST)
    error = " ".join(form.errors.get("accept", []))
    if form.is_valid():
        try:
            refinement.vote(change, request.user, **form.cleaned_data)
        except refinement.RefinementError as refused:
            error = str(refused)

    status = 400 if error else 200
    if request.htmx:
        context = _vote_context(
            request, iteration, change, vote_error=error, vote_change=change.pk
        )
        return render(request, f"{TEMPLATE}#change", context, status=status)
    if error:
        profile = _profile(iteration, change.profile_id)
        context = _context(
            request, iteration, profile, vote_error=error, vote_change=change.pk
        )
        return render(request, TEMPLATE, context, status=status)
    messages.success(request, "Your vote is recorded.")
    url = reverse("fop_detail", args=[cycle_id, iteration.pk, change.profile_id])
    return redirect(f"{url}#change-{change.pk}")


def _vote_context(request: HttpRequest, iteration: Iteration, change, **extra) -> dict:
    labels = level_labels(iteration.cycle)
    shown = ProfileChange.objects.filter(pk=change.pk)
    return {
        "cycle": iteration.cycle,
        "iteration": iteration,
        "change": _decorated(request.user, iteration, shown, labels)[0],
        "may_vote": iteration.is_latest,
        "is_runner": is_runner(iteration.cycle),
        **extra,
    }


urls = [
    path("<int:iteration_id>/<int:profile_id>/", fop_detail, name="fop_detail"),
    path(
        "<int:iteration_id>/<int:profile_id>/propose/",
        fop_propose,
        name="fop_propose",
    ),
    path(
        "<int:iteration_id>/changes/<int:change_id>/vote/",
        fop_vote,
        name="fop_vote",
    ),
]
