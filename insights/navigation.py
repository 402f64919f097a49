"""The insight pages of DESIGN.md in one navigation: the dashboard lists them
with a line each, and every insight page shows the same links."""

from dataclasses import dataclass

from django.db.models import Count, Min, QuerySet
from django.urls import reverse

from foresight.models import Cycle
from profiles.models import Iteration
from profiles.views.access import sees_every_iteration

# What a page needs before it shows anything.
RUN = "a complete match run"
FINAL = "a final iteration of profiles"
PROFILES = "an iteration of profiles"


@dataclass(frozen=True)
class Page:
    url_name: str
    title: str
    summary: str
    needs: tuple[str, ...] = ()


PAGES = [
    Page(
        "insights_overview",
        "Data capture overview",
        "Every count: the classification, capabilities by origin, partners, role "
        "levels, proficiency levels, profiles, KSBs, standards analysed and "
        "capabilities served; with the proficiency mix per role level.",
    ),
    Page(
        "insight_capabilities",
        "Organisational capabilities",
        "Each capability by function, with its best match score and whether "
        "current provision serves it.",
        (RUN,),
    ),
    Page(
        "insights_supply_chain",
        "Supply-chain capabilities",
        "The capabilities of one or several supply-chain partners, by function.",
    ),
    Page(
        "fop_matrix",
        "FOP matrix",
        "Profiles against capabilities with the proficiency each needs, also as a "
        "heat map.",
        (PROFILES,),
    ),
    Page(
        "fop_detail",
        "FOP detail",
        "One profile's capabilities with their KSBs (open others from the matrix).",
        (PROFILES,),
    ),
    Page(
        "insights_future_ksbs",
        "Future KSBs",
        "Every capability with all the knowledge, skills and behaviours that "
        "enable it.",
    ),
    Page(
        "insight_matched",
        "Matched to provision",
        "Per capability, its matched duties with their standard, level and score.",
        (RUN,),
    ),
    Page(
        "insight_fit",
        "Fit and surplus",
        "Per profile, its top eligible standards with both factors.",
        (RUN, FINAL),
    ),
    Page(
        "insights_fit_matrix",
        "Fit–surplus matrix",
        "The same standards as a scatter chart of fit against surplus.",
        (RUN, FINAL),
    ),
    Page(
        "insight_fop_matches",
        "FOP capability matches",
        "Per profile, each capability with the duties that match it.",
        (RUN, FINAL),
    ),
    Page(
        "insight_fop_provision",
        "FOP versus provision",
        "One profile against its top ten standards, matched or not.",
        (RUN, FINAL),
    ),
    Page(
        "insight_priorities",
        "FOP priorities",
        "Profiles ranked by the capabilities no eligible standard serves.",
        (RUN, FINAL),
    ),
    Page(
        "insights_shift",
        "Functional shift",
        "Capabilities per function in the future state against the duties of the "
        "standards used today.",
    ),
]
# Pages that read a match run keep the chosen one when you move between them.
TAKES_RUN = {page.url_name for page in PAGES if RUN in page.needs} | {
    "insights_overview"
}


@dataclass(frozen=True)
class Link:
    page: Page
    url: str
    current: bool


def _in_navigation_order(cycle: Cycle) -> QuerySet:
    iterations = cycle.iterations.annotate(
        profile_count=Count("profiles"), first_profile=Min("profiles__id")
    )
    return iterations.order_by("-is_final", "-number")


def profile_iteration(cycle: Cycle) -> Iteration | None:
    """The final iteration, else the latest, with `profile_count` and
    `first_profile` (the lowest profile id) annotated: one query."""
    return _in_navigation_order(cycle).first()


def profile_iteration_and_latest(iteration: Iteration) -> tuple[Iteration, bool]:
    """For a page of one iteration: the navigation's iteration (as
    `profile_iteration` gives it) and whether `iteration` is the cycle's latest,
    from one query of the cycle's iterations (a cycle has a handful)."""
    iterations = list(_in_navigation_order(iteration.cycle))
    latest = max(other.number for other in iterations)
    return iterations[0], iteration.number == latest


def links(
    cycle: Cycle, iteration: Iteration | None, current: str, run_id: int | None
) -> list[Link]:
    """A link per page this member can open now; the profile pages only for an
    iteration they may see (readers see the final one only)."""
    shown = iteration if iteration and iteration.is_final else None
    if iteration and sees_every_iteration(cycle):
        shown = iteration
    found = [
        Link(
            Page("insights_dashboard", "All insights", ""),
            reverse("insights_dashboard", args=[cycle.pk]),
            current == "insights_dashboard",
        )
    ]
    for page in PAGES:
        url = _url(page.url_name, cycle, shown)
        if url is None:
            continue
        if run_id and page.url_name in TAKES_RUN:
            url = f"{url}?run={run_id}"
        found.append(Link(page, url, current == page.url_name))
    return found


def _url(name: str, cycle: Cycle, iteration: Iteration | None) -> str | None:
    if name == "fop_matrix":
        return reverse(name, args=[cycle.pk, iteration.pk]) if iteration else None
    if name == "fop_detail":
        # Limitation: the link opens the iteration's first profile; the others
        # are a click away in the matrix.
        first = iteration.first_profile if iteration else None
        return reverse(name, args=[cycle.pk, iteration.pk, first]) if first else None
    return reverse(name, args=[cycle.pk])


@dataclass(frozen=True)
class Entry:
    page: Page
    url: str | None
    # What the page still waits for, in words.
    missing: tuple[str, ...]


def dashboard_entries(
    cycle: Cycle, iteration: Iteration | None, has_run: bool
) -> list[Entry]:
    """Every page with its link, or with what it waits for when it has none."""
    urls = {link.page.url_name: link.url for link in links(cycle, iteration, "", None)}
    have = {RUN} if has_run else set()
    if iteration is not None and iteration.is_final:
        have.add(FINAL)
    if "fop_matrix" in urls:
        have.add(PROFILES)
    entries = []
    for page in PAGES:
        url = urls.get(page.url_name)
        missing = tuple(need for need in page.needs if need not in have)
        if url is None and not missing:
            missing = ("a profile",)
        entries.append(Entry(page, url, missing))
    return entries
