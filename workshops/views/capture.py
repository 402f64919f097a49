"""Capability-capture workshop pages.

Technologists on the panel search the library and propose statements (adopted,
selected and edited, or newly defined), then vote on every proposal while a round
is open. Runners (conveners and facilitators) review the support, merge near
duplicates and promote proposals to cycle capabilities.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from foresight.models import (
    CapabilityOrigin,
    CapabilityStatement,
    Cycle,
    Function,
    FunctionalArea,
)
from workshops import capture as domain
from workshops.access import panellist_for, run_workshop_for
from workshops.anonymity import respondent_for
from workshops.models import (
    Panellist,
    Proposal,
    ProposalVote,
    Round,
    RoundStatus,
    Vote,
    Workshop,
    WorkshopKind,
)

TEMPLATE = "workshops/capture.html"
REVIEW_TEMPLATE = "workshops/capture_review.html"
SEARCH_RESULTS = 20
NO_OPEN_ROUND = (
    "No round of this workshop is open, so nothing was saved. Proposals and votes "
    "are accepted while the facilitator has a round open."
)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the library", max_length=200, required=False)
    function = forms.ModelChoiceField(Function.objects.all(), required=False)


class ProposalForm(forms.Form):
    statement = forms.ModelChoiceField(
        CapabilityStatement.objects.select_related("area"),
        required=False,
        widget=forms.HiddenInput,
    )
    origin = forms.ChoiceField(choices=CapabilityOrigin.choices)
    text = forms.CharField(max_length=1000, required=False, widget=forms.Textarea)
    area = forms.ModelChoiceField(FunctionalArea.objects.all(), required=False)
    partners = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one supply-chain partner."},
    )

    def __init__(self, cycle: Cycle, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = cycle.partners.all()

    def clean(self) -> dict:
        data = super().clean()
        statement, text = data.get("statement"), " ".join(data.get("text", "").split())
        if data.get("origin") == CapabilityOrigin.NEWLY_DEFINED:
            data["statement"] = None
            if not text:
                self.add_error("text", "Write the capability statement.")
            if not data.get("area"):
                self.add_error("area", "Choose the statement's functional area.")
        elif statement is None:
            self.add_error(None, "Choose a library statement, or define a new one.")
        else:
            # Wording left as it is in the library is an adoption, whatever was ticked.
            unchanged = text in ("", statement.text)
            if data.get("origin") == CapabilityOrigin.ADOPTED or unchanged:
                data["origin"], text = CapabilityOrigin.ADOPTED, statement.text
            data["area"] = statement.area
        data["text"] = text
        return data


class VoteForm(forms.Form):
    vote = forms.ChoiceField(choices=Vote.choices)
    rationale = forms.CharField(max_length=2000, required=False)


def _capture_panellist(
    request: HttpRequest, cycle_id: int, workshop_id: int
) -> Panellist:
    panellist = panellist_for(request.user, cycle_id, workshop_id)
    if panellist.workshop.kind != WorkshopKind.CAPTURE:
        raise Http404
    panellist.respondent = respondent_for(workshop_id, request.user.pk)
    return panellist


def _open_round(workshop: Workshop) -> Round | None:
    return workshop.rounds.filter(status=RoundStatus.OPEN).first()


def _round_context(workshop: Workshop, respondent: str) -> dict:
    rounds = list(workshop.rounds.all())
    closed = [r for r in rounds if r.status == RoundStatus.CLOSED]
    return {
        "workshop": workshop,
        "cycle": workshop.cycle,
        "respondent": respondent,
        "round": next((r for r in rounds if r.is_open), None),
        "previous_round": closed[-1] if closed else None,
        "vote_choices": Vote.choices,
    }


def _proposals(proposals, context: dict) -> list[Proposal]:
    """The proposals with the support of the last closed round counted, and the
    respondent's vote in the open round as `my_vote`."""
    proposals = domain.with_support(proposals, context["previous_round"])
    proposals = list(proposals.select_related("area").prefetch_related("partners"))
    mine = {}
    if context["round"]:
        votes = ProposalVote.objects.filter(
            round=context["round"], respondent=context["respondent"]
        )
        mine = {vote.proposal_id: vote for vote in votes}
    for proposal in proposals:
        proposal.my_vote = mine.get(proposal.pk)
    return proposals


def _search(request: HttpRequest) -> tuple[SearchForm, list | None]:
    form = SearchForm(request.GET)
    if not form.is_valid() or not any(form.cleaned_data.values()):
        return form, None
    statements = CapabilityStatement.objects.select_related("area").order_by("id")
    if form.cleaned_data["function"]:
        function = form.cleaned_data["function"]
        statements = statements.filter(area__domain__function=function)
    return form, list(statements.search(form.cleaned_data["q"])[:SEARCH_RESULTS])


def _context(request: HttpRequest, panellist: Panellist, **extra) -> dict:
    workshop = panellist.workshop
    context = _round_context(workshop, panellist.respondent)
    search_form, results = _search(request)
    query = urlencode(
        [(key, request.GET[key]) for key in ("q", "function") if request.GET.get(key)]
    )
    context.update(
        search_form=search_form,
        results=results,
        query=query,
        areas=FunctionalArea.objects.only("id", "name"),
        proposals=_proposals(workshop.proposals.all(), context),
    )
    if "form" not in extra:
        extra["form"] = ProposalForm(
            workshop.cycle, initial={"origin": "newly_defined"}
        )
    context.update(extra)
    return context


def _chosen_statement(request: HttpRequest) -> CapabilityStatement | None:
    pk = request.GET.get("statement", "")
    if not pk.isdigit():
        return None
    return CapabilityStatement.objects.select_related("area").filter(pk=pk).first()


@login_required
@require_GET
def capture(request: HttpRequest, cycle_id: int, workshop_id: int) -> HttpResponse:
    panellist = _capture_panellist(request, cycle_id, workshop_id)
    cycle = panellist.workshop.cycle
    statement = _chosen_statement(request)
    initial = {"origin": CapabilityOrigin.NEWLY_DEFINED}
    if statement:
        initial = {"statement": statement, "origin": "adopted", "text": statement.text}
    form = ProposalForm(cycle, initial=initial)

    context = _context(request, panellist, form=form, statement=statement)
    template = TEMPLATE
    if request.htmx and request.htmx.target in ("results", "propose"):
        template = f"{TEMPLATE}#{request.htmx.target}"
    return render(request, template, context)


@login_required
@require_GET
def capture_suggest_areas(
    request: HttpRequest, cycle_id: int, workshop_id: int
) -> HttpResponse:
    panellist = _capture_panellist(request, cycle_id, workshop_id)
    text = request.GET.get("text", "")[:1000]
    suggestions = domain.suggest_areas(text)
    initial = {
        "origin": CapabilityOrigin.NEWLY_DEFINED,
        "text": text,
        "partners": request.GET.getlist("partners"),
        "area": suggestions[0][0].pk if suggestions else None,
    }
    form = ProposalForm(panellist.workshop.cycle, initial=initial)
    context = _context(
        request, panellist, form=form, suggestions=suggestions, suggested=True
    )
    template = f"{TEMPLATE}#area" if request.htmx else TEMPLATE
    return render(request, template, context)


@login_required
@require_POST
def capture_propose(
    request: HttpRequest, cycle_id: int, workshop_id: int
) -> HttpResponse:
    panellist = _capture_panellist(request, cycle_id, workshop_id)
    workshop = panellist.workshop
    form = ProposalForm(workshop.cycle, request.POST)
    if _open_round(workshop) is None:
        form.add_error(None, NO_OPEN_ROUND)
    if not form.is_valid():
        statement = form.cleaned_data.get("statement")
        context = _context(request, panellist, form=form, statement=statement)
        template = f"{TEMPLATE}#propose" if request.htmx else TEMPLATE
        return render(request, template, context, status=400)

    domain.propose(workshop, panellist.respondent, **form.cleaned_data)
    if request.htmx:
        blank = ProposalForm(workshop.cycle, initial={"origin": "newly_defined"})
        context = _context(request, panellist, form=blank, saved=True, oob=True)
        return render(request, f"{TEMPLATE}#propose", context)
    messages.success(request, "Your proposal was saved.")
    return redirect(reverse("capture", args=[cycle_id, workshop_id]) + "#proposals")


@login_required
@require_POST
def capture_vote(
    request: HttpRequest, cycle_id: int, workshop_id: int, proposal_id: int
) -> HttpResponse:
    panellist = _capture_panellist(request, cycle_id, workshop_id)
    workshop = panellist.workshop
    proposal = get_object_or_404(workshop.proposals, pk=proposal_id)
    form = VoteForm(request.POST)
    voting_round = _open_round(workshop)
    if voting_round is None:
        error = NO_OPEN_ROUND
    elif not form.is_valid():
        error = "Choose include, exclude or unsure."
    else:
        error = None
        domain.cast_vote(
            voting_round, proposal, panellist.respondent, **form.cleaned_data
        )

    status = 400 if error else 200
    if request.htmx:
        context = _round_context(workshop, panellist.respondent)
        [context["proposal"]] = _proposals(
            workshop.proposals.filter(pk=proposal.pk), context
        )
        context["vote_error"] = error
        return render(request, f"{TEMPLATE}#proposal", context, status=status)
    if error:
        return render(
            request, TEMPLATE, _context(request, panellist, error=error), status=400
        )
    messages.success(request, "Your vote was saved.")
    url = reverse("capture", args=[cycle_id, workshop_id])
    return redirect(f"{url}#proposal-{proposal.pk}")


def _review_workshop(request: HttpRequest, cycle_id: int, workshop_id: int) -> Workshop:
    workshop = run_workshop_for(request.user, cycle_id, workshop_id)
    if workshop.kind != WorkshopKind.CAPTURE:
        raise Http404
    return workshop


@login_required
@require_GET
def capture_review(
    request: HttpRequest, cycle_id: int, workshop_id: int
) -> HttpResponse:
    workshop = _review_workshop(request, cycle_id, workshop_id)
    rounds = list(workshop.rounds.all())
    chosen = request.GET.get("round")
    if chosen:
        shown = next((r for r in rounds if str(r.number) == chosen), None)
        if shown is None:
            raise Http404("No such round.")
    else:
        shown = next((r for r in rounds if r.is_open), rounds[-1] if rounds else None)

    proposals = domain.with_support(workshop.proposals.all(), shown)
    proposals = list(
        proposals.select_related("area", "duplicate_of").prefetch_related("partners")
    )
    rationales = {}
    if shown:
        votes = ProposalVote.objects.filter(round=shown).exclude(rationale="")
        for vote in votes.order_by("pk"):
            rationales.setdefault(vote.proposal_id, []).append(vote)
    for proposal in proposals:
        proposal.rationales = rationales.get(proposal.pk, [])

    context = {
        "workshop": workshop,
        "cycle": workshop.cycle,
        "rounds": rounds,
        "shown": shown,
        "proposals": proposals,
        "flagged": [p for p in proposals if p.duplicate_of_id],
        "threshold": domain.DUPLICATE_THRESHOLD,
    }
    return render(request, REVIEW_TEMPLATE, context)


def _back_to_review(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    url = reverse("capture_review", args=[workshop.cycle_id, workshop.pk])
    number = request.POST.get("round", "")
    return redirect(f"{url}?round={number}" if number.isdigit() else url)


@login_required
@require_POST
def capture_promote(
    request: HttpRequest, cycle_id: int, workshop_id: int
) -> HttpResponse:
    workshop = _review_workshop(request, cycle_id, workshop_id)
    picked = request.POST.getlist("proposal")
    if not all(pk.isdigit() for pk in picked):
        return HttpResponse("Proposals are given by their numbers.", status=400)
    if not picked:
        messages.error(request, "Tick the proposals to promote.")
        return _back_to_review(request, workshop)
    ids = {int(pk) for pk in picked}
    if workshop.proposals.filter(pk__in=ids).count() != len(ids):
        raise Http404("A proposal is not one of this workshop's.")

    created = domain.promote(workshop, ids)
    skipped = len(ids) - len(created)
    note = f" {skipped} had been promoted already." if skipped else ""
    messages.success(
        request, f"{len(created)} proposal{'s'[: len(created) != 1]} promoted.{note}"
    )
    return _back_to_review(request, workshop)


@login_required
@require_POST
def capture_merge(
    request: HttpRequest, cycle_id: int, workshop_id: int, proposal_id: int
) -> HttpResponse:
    workshop = _review_workshop(request, cycle_id, workshop_id)
    duplicate = get_object_or_404(
        workshop.proposals.select_related("duplicate_of"),
        pk=proposal_id,
        duplicate_of__isnull=False,
    )
    try:
        original = domain.merge(duplicate)
    except domain.CaptureError as error:
        return HttpResponse(str(error), status=400)
    messages.success(request, f"Merged into “{original.text[:80]}”.")
    return _back_to_review(request, workshop)


@login_required
@require_POST
def capture_unflag(
    request: HttpRequest, cycle_id: int, workshop_id: int, proposal_id: int
) -> HttpResponse:
    workshop = _review_workshop(request, cycle_id, workshop_id)
    proposal = get_object_or_404(workshop.proposals, pk=proposal_id)
    Proposal.objects.filter(pk=proposal.pk).update(
        duplicate_of=None, duplicate_score=None
    )
    messages.success(request, "Kept as a separate proposal.")
    return _back_to_review(request, workshop)


PROPOSAL = "<int:workshop_id>/capture/proposals/<int:proposal_id>"
urls = [
    path("<int:workshop_id>/capture/", capture, name="capture"),
    path(
        "<int:workshop_id>/capture/areas/",
        capture_suggest_areas,
        name="capture_suggest_areas",
    ),
    path("<int:workshop_id>/capture/propose/", capture_propose, name="capture_propose"),
    path(f"{PROPOSAL}/vote/", capture_vote, name="capture_vote"),
    path("<int:workshop_id>/capture/review/", capture_review, name="capture_review"),
    path(
        "<int:workshop_id>/capture/review/promote/",
        capture_promote,
        name="capture_promote",
    ),
    path(f"{PROPOSAL}/merge/", capture_merge, name="capture_merge"),
    path(f"{PROPOSAL}/unflag/", capture_unflag, name="capture_unflag"),
]
