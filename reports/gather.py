"""Reading from the database the values the findings report's rules work on
(figures.py), and putting the whole report's figures together (compute)."""

from collections import Counter, defaultdict

from django.db.models import Count, Q

from analysis import fit
from analysis.fit_report import assess_iteration, run_pairs
from analysis.insight_rows import standard_titles
from analysis.models import Duty, MatchRun, RunStatus
from analysis.tables import latest_decision_by_match
from foresight.models import CapabilityOrigin, Cycle, Function, Role
from insights.models import CurrentStandard
from insights.shift import current_by_function, future_by_function
from profiles.generation import proficiency_workshop
from profiles.models import Iteration
from reports.figures import (
    NOT_PLACED,
    PRIORITY_ROWS,
    Figures,
    MixRow,
    RunFacts,
    WorkshopLine,
    band_counts,
    by_name,
    notable_standards,
    profile_lines,
    served_counts,
    shift_rows,
    stage_lines,
)
from workshops.models import KsbTag, RoundStatus, Workshop
from workshops.outcomes import MIX_LEVELS, proficiency_mix

PANELS = (Role.TECHNOLOGIST, Role.EMPLOYER, Role.EDUCATOR, Role.REVIEWER)


def latest_complete_run(cycle: Cycle) -> MatchRun | None:
    """The run the report reads: the cycle's latest complete one."""
    runs = MatchRun.objects.filter(cycle=cycle, status=RunStatus.COMPLETE)
    return runs.order_by("-finished_at", "-id").first()


def report_iteration(cycle: Cycle) -> Iteration | None:
    """The final iteration, or the latest while none is marked final."""
    iterations = Iteration.objects.filter(cycle=cycle)
    return iterations.filter(is_final=True).first() or iterations.last()


def function_names() -> dict[int, str]:
    """The functions' names by id, in their order."""
    return dict(Function.objects.order_by("position").values_list("pk", "name"))


def future_functions(cycle: Cycle, names: dict[int, str]) -> Counter:
    """Capabilities per function (NOT_PLACED for those without an area)."""
    return by_name(future_by_function(cycle), names)


def current_functions(
    cycle: Cycle, names: dict[int, str]
) -> tuple[Counter | None, list[str], int]:
    """Duties of the standards marked as used today, per function
    (insights.shift.current_by_function: each duty sits in the functional area
    its library statement was placed in by meaning).

    Returns (counts, the standards' references, duties with no placed
    statement); counts is None when the cycle marks no standard.
    """
    marked = CurrentStandard.objects.filter(cycle=cycle)
    references = list(marked.values_list("standard__reference", flat=True))
    if not references:
        return None, [], 0
    counts = by_name(current_by_function(cycle), names)
    return counts, references, counts[NOT_PLACED]


def partner_rows(
    cycle: Cycle, functions: list[str]
) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """The columns (the functions, and NOT_PLACED when some capability has no
    area) and, per partner, its capabilities in each column."""
    links = cycle.capabilities.model.partners.through.objects.filter(
        cyclecapability__cycle=cycle
    ).values_list(
        "supplychainpartner_id", "cyclecapability__area__domain__function__name"
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    for partner, function in links:
        counts[partner][function or NOT_PLACED] += 1
    columns = list(functions)
    if any(tally[NOT_PLACED] for tally in counts.values()):
        columns.append(NOT_PLACED)
    rows = [
        (partner.name, [counts[partner.pk][name] for name in columns])
        for partner in cycle.partners.order_by("id")
    ]
    return columns, rows


def mix_rows(cycle: Cycle) -> list[MixRow]:
    """The proficiency mix per role level from the latest proficiency
    workshop's consensus (workshops.outcomes.proficiency_mix)."""
    workshop = proficiency_workshop(cycle)
    mix = proficiency_mix(workshop) if workshop else {}
    return [
        MixRow(
            role_level=level.name,
            academic_range=level.academic_range,
            shares=tuple(mix[level.pk][value] for value in MIX_LEVELS),
        )
        for level in cycle.role_levels.all()
        if level.pk in mix
    ]


def workshop_lines(cycle: Cycle) -> list[WorkshopLine]:
    workshops = Workshop.objects.filter(cycle=cycle).annotate(
        panel=Count("panellists", distinct=True),
        closed=Count(
            "rounds", filter=Q(rounds__status=RoundStatus.CLOSED), distinct=True
        ),
    )
    return [
        WorkshopLine(
            kind=workshop.get_kind_display(),
            title=workshop.title,
            starts_at=workshop.starts_at,
            ends_at=workshop.ends_at,
            panellists=workshop.panel,
            rounds_closed=workshop.closed,
        )
        for workshop in workshops.order_by("starts_at", "id")
    ]


def run_facts(run: MatchRun) -> RunFacts:
    versions = run.versions.all()
    levels = versions.exclude(level=None).values_list("level", flat=True).distinct()
    decisions = Counter(latest_decision_by_match(run).values())
    return RunFacts(
        pk=run.pk,
        engine=run.engine,
        model=run.model,
        threshold=run.threshold,
        data_date=run.data_date,
        finished_at=run.finished_at,
        judge_model=run.judge_model if run.use_judge else "",
        standards=versions.count(),
        duties=Duty.objects.filter(version__in=versions).count(),
        academic_levels=tuple(sorted(set(levels))),
        accepted=decisions["accept"],
        rejected=decisions["reject"],
    )


def compute(cycle: Cycle) -> Figures:
    """Every figure of the report, from the cycle's latest complete run and its
    final (else latest) iteration; sections without data stay empty."""
    names = function_names()
    functions = list(names.values())
    by_origin = Counter(cycle.capabilities.values_list("origin", flat=True))
    current, current_standards, unplaced = current_functions(cycle, names)
    members = Counter(cycle.memberships.values_list("role", flat=True))
    scale = dict(cycle.scale.values_list("value", "label"))
    partner_columns, partners = partner_rows(cycle, functions)
    figures = Figures(
        capabilities=sum(by_origin.values()),
        by_origin={
            origin.label: by_origin[origin.value] for origin in CapabilityOrigin
        },
        partner_columns=partner_columns,
        partners=partners,
        role_levels=[
            (level.name, level.academic_range) for level in cycle.role_levels.all()
        ],
        ksb_tags=KsbTag.objects.filter(cycle=cycle).count(),
        functions=functions,
        shift=shift_rows(functions, future_functions(cycle, names), current),
        current_standards=current_standards,
        unplaced_duties=unplaced,
        mix_levels=[scale.get(value, str(value)) for value in MIX_LEVELS],
        mix=mix_rows(cycle),
        stages=stage_lines(cycle.stage_changes.all()),
        workshops=workshop_lines(cycle),
        panels={Role(role).label: members[role] for role in PANELS},
    )

    iteration = report_iteration(cycle)
    run = latest_complete_run(cycle)
    if run is not None:
        figures.run = run_facts(run)
        capability_ids = set(cycle.capabilities.values_list("pk", flat=True))
        figures.served = served_counts(capability_ids, run_pairs(run))
    if iteration is not None:
        figures.iteration = f"{iteration.number}, “{iteration.name}”"
        figures.iteration_is_final = iteration.is_final
        _add_profiles(figures, iteration, run)
    return figures


def _add_profiles(figures: Figures, iteration: Iteration, run: MatchRun | None) -> None:
    profiles = (
        iteration.profiles.select_related("role_level", "partner")
        .annotate(entry_count=Count("entries"))
        .order_by("role_level__min_academic_level", "role_level__id", "title", "id")
    )
    assessed = assess_iteration(run, iteration) if run else []
    by_profile = {profile_fit.reference: profile_fit for _, profile_fit in assessed}
    titles = standard_titles(run) if run else {}
    profiles = list(profiles)
    figures.profiles = profile_lines(profiles, by_profile, titles)
    if not assessed:
        return

    figures.bands = band_counts(by_profile.values())
    figures.band_cuts = run.bands
    figures.notable = notable_standards(assessed, titles)
    ranked = fit.priorities(by_profile.values())[:PRIORITY_ROWS]
    by_pk = {str(profile.pk): profile for profile in profiles}
    figures.priorities = profile_lines(
        [by_pk[profile_fit.reference] for profile_fit in ranked], by_profile, titles
    )
