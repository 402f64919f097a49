"""KSB workshop pages: educators on the panel add the knowledge, skills and
behaviours that enable each capability; every member of the cycle can read the
summary, also as CSV."""

import csv
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from foresight.models import CycleCapability
from workshops import ksb as domain
from workshops.access import panellist_for, workshop_for
from workshops.anonymity import respondent_for
from workshops.models import KsbKind, Panellist, RoundStatus, WorkshopKind

TEMPLATE = "workshops/ksb.html"
PER_PAGE = 10
CSV_COLUMNS = ["capability ref", "capability", "kind", "KSB", "tools", "contributions"]
NO_OPEN_ROUND = (
    "No round of this workshop is open, so nothing was saved. Contributions are "
    "accepted while the facilitator has a round open."
)


class KsbForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=KsbKind.choices)
    text = forms.CharField(label="Statement", max_length=500)
    tools = forms.CharField(
        label="Key tools (comma-separated)", max_length=300, required=False
    )


def _ksb_panellist(request: HttpRequest, cycle_id: int, workshop_id: int) -> Panellist:
    panellist = panellist_for(request.user, cycle_id, workshop_id)
    if panellist.workshop.kind != WorkshopKind.KSB:
        raise Http404
    return panellist


def _blank_form(capability: CycleCapability) -> KsbForm:
    return KsbForm(auto_id=f"ksb{capability.pk}_%s")


def _round_is_open(workshop) -> bool:
    return workshop.rounds.filter(status=RoundStatus.OPEN).exists()


def _page(request: HttpRequest, panellist: Panellist, number: str | None) -> Page:
    """A page of the cycle's capabilities, each with its `ksbs` and a blank `form`."""
    capabilities = panellist.workshop.cycle.capabilities.select_related("area")
    if query := request.GET.get("q", "").strip():
        capabilities = capabilities.filter(text__icontains=query)
    page = Paginator(capabilities, PER_PAGE).get_page(number)
    ksbs = domain.capability_ksbs(page.object_list)
    for capability in page.object_list:
        capability.ksbs = ksbs[capability.pk]
        capability.form = _blank_form(capability)
    return page


def _context(panellist: Panellist, page: Page | None, **extra) -> dict:
    workshop = panellist.workshop
    return {
        "workshop": workshop,
        "cycle": workshop.cycle,
        "round_open": _round_is_open(workshop),
        "page": page,
        **extra,
    }


@login_required
@require_GET
def ksb(request: HttpRequest, cycle_id: int, workshop_id: int) -> HttpResponse:
    panellist = _ksb_panellist(request, cycle_id, workshop_id)
    page = _page(request, panellist, request.GET.get("page"))
    q = request.GET.get("q", "").strip()
    context = _context(panellist, page, q=q, query=urlencode({"q": q}) if q else "")
    template = f"{TEMPLATE}#capabilities" if request.htmx else TEMPLATE
    return render(request, template, context)


@login_required
@require_POST
def ksb_add(
    request: HttpRequest, cycle_id: int, workshop_id: int, capability_id: int
) -> HttpResponse:
    panellist = _ksb_panellist(request, cycle_id, workshop_id)
    workshop = panellist.workshop
    capability = get_object_or_404(
        workshop.cycle.capabilities.select_related("area"), pk=capability_id
    )
    form = KsbForm(request.POST, auto_id=f"ksb{capability.pk}_%s")
    if not _round_is_open(workshop):
        form.add_error(None, NO_OPEN_ROUND)
    tag = None
    if form.is_valid():
        respondent = respondent_for(workshop.pk, request.user.pk)
        tag = domain.add_contribution(
            workshop, capability, respondent, **form.cleaned_data
        )
        form = _blank_form(capability)

    if request.htmx:
        capability.ksbs = domain.capability_ksbs([capability])[capability.pk]
        capability.form = form
        context = _context(panellist, None, capability=capability, added=tag)
        status = 200 if tag else 400
        return render(request, f"{TEMPLATE}#capability", context, status=status)
    if tag is None:
        return _refused(request, panellist, capability, form)
    messages.success(request, f"Recorded under “{tag.text}”.")
    return redirect(_ksb_url(workshop, request.POST.get("page", ""), capability))


def _refused(
    request: HttpRequest,
    panellist: Panellist,
    capability: CycleCapability,
    form: KsbForm,
) -> HttpResponse:
    """The page the form came from, the form with its errors in place: 400."""
    page = _page(request, panellist, request.POST.get("page"))
    for shown in page.object_list:
        if shown.pk == capability.pk:
            shown.form = form
    error = " ".join(message for errors in form.errors.values() for message in errors)
    context = _context(panellist, page, error=error)
    return render(request, TEMPLATE, context, status=400)


def _ksb_url(workshop, page: str, capability: CycleCapability) -> str:
    url = reverse("ksb", args=[workshop.cycle_id, workshop.pk])
    if page.isdigit():
        url = f"{url}?page={page}"
    return f"{url}#capability-{capability.pk}"


@login_required
@require_GET
def ksb_summary(request: HttpRequest, cycle_id: int, workshop_id: int) -> HttpResponse:
    workshop = workshop_for(request.user, cycle_id, workshop_id)
    if workshop.kind != WorkshopKind.KSB:
        raise Http404
    capabilities = list(workshop.cycle.capabilities.select_related("area"))
    ksbs = domain.capability_ksbs(capabilities)
    for capability in capabilities:
        capability.ksbs = ksbs[capability.pk]

    if request.GET.get("format") == "csv":
        return _summary_csv(workshop.cycle_id, capabilities)
    context = {
        "workshop": workshop,
        "cycle": workshop.cycle,
        "capabilities": capabilities,
        "columns": CSV_COLUMNS,
        "tag_count": len({k.tag.pk for c in capabilities for k in c.ksbs}),
    }
    return render(request, "workshops/ksb_summary.html", context)


def _summary_csv(cycle_id: int, capabilities: list[CycleCapability]) -> HttpResponse:
    """One row per capability and KSB; a capability with no KSB has one row with the
    KSB columns empty."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"ksb-summary-cycle-{cycle_id}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for capability in capabilities:
        ref = capability.ref or str(capability.pk)
        if not capability.ksbs:
            writer.writerow([_cell(ref), _cell(capability.text), "", "", "", 0])
        for ksb in capability.ksbs:
            tag = ksb.tag
            writer.writerow(
                [
                    _cell(ref),
                    _cell(capability.text),
                    tag.kind,
                    _cell(tag.text),
                    _cell(tag.tools),
                    ksb.contributions,
                ]
            )
    return response


def _cell(text: str) -> str:
    # Panellists write these texts: keep spreadsheets from reading one as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


urls = [
    path("<int:workshop_id>/ksb/", ksb, name="ksb"),
    path(
        "<int:workshop_id>/ksb/capabilities/<int:capability_id>/add/",
        ksb_add,
        name="ksb_add",
    ),
    path("<int:workshop_id>/ksb/summary/", ksb_summary, name="ksb_summary"),
]
