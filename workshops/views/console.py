"""The facilitator's live console: round controls, who has answered how much, and
the consensus so far. It shows how far each panellist has got, never their answers.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mass_mail
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from workshops.access import run_workshop_for
from workshops.anonymity import respondent_for
from workshops.consensus import ItemStats, Rule, summarise
from workshops.forms import RoundOpenForm
from workshops.models import (
    Panellist,
    Rating,
    Round,
    RoundItem,
    RoundStatus,
    Workshop,
    WorkshopKind,
)
from workshops.views.proficiency import round_items
from workshops.views.workshops import ANSWER_PAGE, refused


@dataclass
class Progress:
    panellist: Panellist
    answered: int
    left: int


@dataclass
class Tally:
    item: RoundItem
    stats: ItemStats
    # (label, count, width in % of the bar) per scale level.
    bars: list[tuple[str, int, float]]


def progress(workshop: Workshop, round: Round, total: int) -> list[Progress]:
    """Answers given per invited panellist, from one aggregate query over their
    recomputed pseudonyms."""
    panellists = workshop.panellists.select_related("user").order_by(
        "user__first_name", "user__email"
    )
    pseudonyms = {p.pk: respondent_for(workshop.pk, p.user_id) for p in panellists}
    counts = dict(
        Rating.objects.filter(item__round=round, respondent__in=pseudonyms.values())
        .values("respondent")
        .annotate(n=Count("id"))
        .values_list("respondent", "n")
    )
    done = {pk: counts.get(pseudonym, 0) for pk, pseudonym in pseudonyms.items()}
    return [Progress(p, done[p.pk], total - done[p.pk]) for p in panellists]


def tallies(workshop: Workshop, round: Round, items: list) -> list[Tally]:
    """Each item's consensus over the ratings given so far, read in one query."""
    values = defaultdict(list)
    for item_id, value in Rating.objects.filter(item__round=round).values_list(
        "item_id", "value"
    ):
        values[item_id].append(value)
    rule = Rule.for_cycle(workshop.cycle)
    labels = list(workshop.cycle.scale.values_list("label", flat=True))
    result = []
    for item in items:
        stats = summarise(values[item.pk], rule)
        bars = [
            (label, count, 100 * count / stats.n if stats.n else 0)
            for label, count in zip(labels, stats.counts, strict=False)
        ]
        result.append(Tally(item, stats, bars))
    return result


def _live(workshop: Workshop) -> dict:
    round = workshop.rounds.order_by("-number").first()
    context = {"cycle": workshop.cycle, "workshop": workshop, "round": round}
    context |= {"open_form": RoundOpenForm(), "tallies": [], "polling": False}
    if workshop.kind != WorkshopKind.PROFICIENCY:
        # Limitation: progress is counted for proficiency ratings only; the other
        # kinds follow their answers on their own pages.
        return context | {"progress": None}
    if round is None:
        return context | {"progress": []}

    items = round_items(round)
    people = progress(workshop, round, len(items))
    counted = tallies(workshop, round, items)
    return context | {
        "progress": people,
        "late": [entry for entry in people if entry.left > 0],
        "tallies": counted,
        "reached": sum(tally.stats.reached for tally in counted),
        # Watch while answers can arrive and until the closed round is computed.
        "polling": round.is_open or round.computed_at is None,
    }


@login_required
def console(request: HttpRequest, cycle_id: int, workshop_id: int) -> HttpResponse:
    workshop = run_workshop_for(request.user, cycle_id, workshop_id)
    if request.htmx:
        return render(request, "workshops/console.html#live", _live(workshop))
    return render(request, "workshops/console.html", _live(workshop))


@login_required
@require_POST
def console_remind(
    request: HttpRequest, cycle_id: int, workshop_id: int
) -> HttpResponse:
    workshop = run_workshop_for(request.user, cycle_id, workshop_id)
    round = workshop.rounds.filter(status=RoundStatus.OPEN).first()
    if round is None or workshop.kind != WorkshopKind.PROFICIENCY:
        return refused(request, workshop, "No round is open to remind anyone of.", 409)

    late = [
        entry.panellist
        for entry in progress(workshop, round, round.items.count())
        if entry.left > 0
    ]
    link = request.build_absolute_uri(
        reverse(ANSWER_PAGE[workshop.kind], args=[workshop.cycle.pk, workshop.pk])
    )
    send_mass_mail(
        [
            (
                f"Reminder: round {round.number} of “{workshop}” is open",
                f"Round {round.number} of the workshop “{workshop}” is waiting for "
                f"your answers.\n\nAnswer here: {link}\n",
                None,
                [panellist.user.email],
            )
            for panellist in late
        ]
    )
    Panellist.objects.filter(pk__in=[p.pk for p in late]).update(
        reminded_at=timezone.now()
    )
    messages.success(request, f"Sent a reminder to {len(late)} panellists.")
    return redirect("console", workshop.cycle.pk, workshop.pk)


urls = [
    path("<int:workshop_id>/console/", console, name="console"),
    path("<int:workshop_id>/console/remind/", console_remind, name="console_remind"),
]
