"""The proficiency form: employers rate each (capability, role level) item of the
open round, one answer at a time with htmx or all at once without it. From round 2
on each item shows what the previous round said, with no names attached.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from workshops.access import panellist_for
from workshops.anonymity import respondent_for
from workshops.forms import CANT_JUDGE, AnswerError, AnswersForm, item_of
from workshops.models import (
    ItemConsensus,
    Panellist,
    Rating,
    Round,
    RoundItem,
    RoundStatus,
    WorkshopKind,
)

CANT_JUDGE_LABEL = "Can't judge"


@dataclass
class Feedback:
    """What the previous round said about an item: counts, never names."""

    consensus: ItemConsensus | None = None
    median: str = "–"
    iqr: str = "–"
    # (label, count, whether it was the panellist's own answer) per scale level.
    levels: list[tuple[str, int, bool]] = field(default_factory=list)
    own: str = ""
    rationales: list[str] = field(default_factory=list)
    # Per panel group, its counts per level; only when more than one group rated.
    groups: list[tuple[str, list[int]]] = field(default_factory=list)


@dataclass
class Row:
    item: RoundItem
    chosen: str = ""
    rationale: str = ""
    error: str = ""
    saved: bool = False
    before: Feedback | None = None


def _panellist(user, cycle_id: int, workshop_id: int) -> Panellist:
    panellist = panellist_for(user, cycle_id, workshop_id)
    if panellist.workshop.kind != WorkshopKind.PROFICIENCY:
        raise Http404
    return panellist


def _respondent(panellist: Panellist) -> str:
    return respondent_for(panellist.workshop_id, panellist.user_id)


def _choices(panellist: Panellist) -> list[tuple[str, str]]:
    scale = panellist.workshop.cycle.scale.all()
    return [(str(level.value), level.label) for level in scale] + [
        (CANT_JUDGE, CANT_JUDGE_LABEL)
    ]


def _chosen(value: int | None) -> str:
    return CANT_JUDGE if value is None else str(value)


def round_items(round: Round) -> list[RoundItem]:
    return list(
        round.items.select_related("capability", "role_level").order_by(
            "capability_id",
            "role_level__min_academic_level",
            "role_level__max_academic_level",
            "role_level_id",
        )
    )


def _rationale_order(item_id: int, text: str) -> str:
    # Ordered by content, not by row: the order says nothing about who wrote first.
    return hashlib.sha256(f"{item_id}:{text}".encode()).hexdigest()


def _median_text(median: float | None, labels: list[str]) -> str:
    if median is None:
        return "–"
    low = int(median)
    if median == low:
        return f"{low} ({labels[low]})"
    return f"{median:g} (between {labels[low]} and {labels[low + 1]})"


def _feedback(previous: Round, labels: dict[str, str], own: dict) -> dict:
    """(capability id, role level id) → Feedback from the previous round: one query
    for its stored consensus, one for its ratings (no respondent column)."""
    stored = ItemConsensus.objects.filter(item__round=previous).select_related("item")
    consensus = {(c.item.capability_id, c.item.role_level_id): c for c in stored}
    ratings = Rating.objects.filter(item__round=previous).values_list(
        "item_id",
        "item__capability_id",
        "item__role_level_id",
        "group",
        "value",
        "rationale",
    )
    by_group: dict = defaultdict(lambda: defaultdict(lambda: [0] * len(labels)))
    texts: dict = defaultdict(list)
    for item_id, capability_id, level_id, group, value, rationale in ratings:
        key = (capability_id, level_id)
        if value is not None and value < len(labels):
            by_group[key][group][value] += 1
        if rationale:
            texts[key].append((_rationale_order(item_id, rationale), rationale))

    feedback = {}
    for key in consensus.keys() | by_group.keys() | texts.keys():
        mine = own.get(key)
        found = consensus.get(key)
        counts = found.counts if found else []
        feedback[key] = Feedback(
            consensus=found,
            median=_median_text(found.median if found else None, list(labels.values())),
            iqr=f"{found.iqr:g}" if found and found.iqr is not None else "–",
            levels=[
                (
                    label,
                    counts[int(value)] if int(value) < len(counts) else 0,
                    mine == value,
                )
                for value, label in labels.items()
            ],
            own=labels.get(mine, CANT_JUDGE_LABEL) if key in own else "",
            rationales=[text for _order, text in sorted(texts[key])],
            groups=sorted(by_group[key].items()) if len(by_group[key]) > 1 else [],
        )
    return feedback


def _sheet(panellist: Panellist, round: Round | None, form=None) -> dict:
    """The page: the open round's items grouped by capability, the panellist's
    answers (or the posted ones, when a post is refused), progress and feedback."""
    workshop = panellist.workshop
    choices = _choices(panellist)
    context = {"cycle": workshop.cycle, "workshop": workshop, "round": round}
    context |= {"choices": choices, "groups": [], "answered": 0, "total": 0}
    if round is None:
        return context

    items = round_items(round)
    previous = workshop.rounds.filter(number=round.number - 1).first()
    rounds = [round] + ([previous] if previous else [])
    own_now, own_before = {}, {}
    answers = Rating.objects.filter(
        respondent=_respondent(panellist), item__round__in=rounds
    ).values_list(
        "item_id",
        "item__round_id",
        "item__capability_id",
        "item__role_level_id",
        "value",
        "rationale",
    )
    for item_id, round_id, capability_id, level_id, value, rationale in answers:
        if round_id == round.pk:
            own_now[item_id] = (_chosen(value), rationale)
        else:
            own_before[(capability_id, level_id)] = _chosen(value)
    labels = dict(choices[:-1])
    context["labels"] = list(labels.values())
    feedback = _feedback(previous, labels, own_before) if previous else {}

    rows = []
    for item in items:
        chosen, rationale = own_now.get(item.pk, ("", ""))
        if form is not None:
            chosen = form.data.get(f"value-{item.pk}", "")
            rationale = form.data.get(f"rationale-{item.pk}", "")
        key = (item.capability_id, item.role_level_id)
        error = form.errors.get(item.pk, "") if form is not None else ""
        rows.append(Row(item, chosen, rationale, error, before=feedback.get(key)))
    context["groups"] = [
        (capability, list(group))
        for capability, group in groupby(rows, key=lambda row: row.item.capability)
    ]
    context |= {"answered": len(own_now), "total": len(items), "previous": previous}
    return context


def _refused(
    request: HttpRequest, panellist: Panellist, refusal: AnswerError
) -> HttpResponse:
    context = {"workshop": panellist.workshop, "cycle": panellist.workshop.cycle}
    context["error"] = refusal
    if not request.htmx:
        return render(request, "workshops/refused.html", context, status=refusal.status)
    if refusal.status == 409:
        # The round closed under the page: reload it, with the message on top.
        messages.error(request, str(refusal))
        response = render(
            request, "workshops/refused.html#message", context, status=409
        )
        response["HX-Refresh"] = "true"
        return response
    response = render(request, "workshops/refused.html#message", context, status=400)
    return reswap(retarget(response, "#notice"), "innerHTML")


@login_required
def proficiency(request: HttpRequest, cycle_id: int, workshop_id: int) -> HttpResponse:
    panellist = _panellist(request.user, cycle_id, workshop_id)
    if request.method == "POST":
        return _save_all(request, panellist)

    round = panellist.workshop.rounds.filter(status=RoundStatus.OPEN).first()
    return render(request, "workshops/proficiency.html", _sheet(panellist, round))


def _save_all(request: HttpRequest, panellist: Panellist) -> HttpResponse:
    raw = request.POST.get("round", "")
    round = panellist.workshop.rounds.filter(pk=raw).first() if raw.isdigit() else None
    try:
        if round is None:
            raise AnswerError("These answers are for no round of this workshop.")
        if not round.is_open:
            raise AnswerError(
                f"Round {round.number} is closed: answers are no longer accepted. "
                "Nothing was saved.",
                status=409,
            )
        form = AnswersForm(
            request.POST,
            round=round,
            items=round_items(round),
            choices=_choices(panellist),
        )
        if not form.is_valid():
            context = _sheet(panellist, round, form=form)
            return render(request, "workshops/proficiency.html", context, status=400)
        saved = form.save(_respondent(panellist), panellist.group)
    except AnswerError as refusal:
        return _refused(request, panellist, refusal)

    messages.success(request, f"Saved {saved} answers.")
    return redirect("proficiency", panellist.workshop.cycle.pk, panellist.workshop_id)


@login_required
@require_POST
def proficiency_rate(
    request: HttpRequest, cycle_id: int, workshop_id: int
) -> HttpResponse:
    panellist = _panellist(request.user, cycle_id, workshop_id)
    choices = _choices(panellist)
    try:
        item = item_of(panellist.workshop, request.POST.get("item", ""))
        # Only this item's fields count, whatever else the form carried along.
        keys = [f"value-{item.pk}", f"rationale-{item.pk}"]
        data = {key: request.POST[key] for key in keys if key in request.POST}
        form = AnswersForm(data, round=item.round, items=[item], choices=choices)
        if form.is_valid():
            form.save(_respondent(panellist), panellist.group)
    except AnswerError as refusal:
        return _refused(request, panellist, refusal)

    if request.htmx:
        return _rated(request, panellist, item, form, choices)
    if form.errors:
        context = _sheet(panellist, item.round, form=form)
        return render(request, "workshops/proficiency.html", context, status=400)
    url = reverse("proficiency", args=[cycle_id, workshop_id])
    return redirect(f"{url}#item-{item.pk}")


def _rated(
    request: HttpRequest, panellist: Panellist, item: RoundItem, form, choices: list
) -> HttpResponse:
    """The item's fragment as answered, and the progress counter out of band."""
    row = Row(
        item,
        chosen=form.data.get(f"value-{item.pk}", ""),
        rationale=form.data.get(f"rationale-{item.pk}", ""),
        error=form.errors.get(item.pk, ""),
        saved=bool(form.answers) and not form.errors,
    )
    answered = Rating.objects.filter(
        item__round=item.round, respondent=_respondent(panellist)
    ).count()
    context = {"workshop": panellist.workshop, "cycle": panellist.workshop.cycle}
    context |= {"row": row, "choices": choices, "oob": True}
    context |= {"answered": answered, "total": item.round.items.count()}
    status = 400 if form.errors else 200
    return render(request, "workshops/proficiency.html#rated", context, status=status)


urls = [
    path("<int:workshop_id>/proficiency/", proficiency, name="proficiency"),
    path(
        "<int:workshop_id>/proficiency/rate/",
        proficiency_rate,
        name="proficiency_rate",
    ),
]
