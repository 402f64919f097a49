"""Building, in seconds, a published cycle of the demonstration's shape for
dashboard_load.py (`manage.py load_demo` takes about 14 minutes).

From the classification and the IfATE standards: 137 capabilities (16 of the
reference cycle's, the rest O*NET task statements placed in their functional
areas through their work activities), 5 partners, 4 role levels, a closed
proficiency round with the reference mix, 1,500 KSBs (IfATE KSB texts), the 25
final profiles, and a complete run of about 1,400 matches against the real
duties of current provision (each capability's ten duties sharing most of its
words, scored from a fixed seed), with six review decisions and the figures
stored as a completed run stores them. Everything runs inside a Django set up
on a throwaway database (support.in_throwaway_database).
"""

import csv
import json
import random
import re
import time
from pathlib import Path

from support import signed_in_session

CAPABILITIES = 137
ORIGIN_TOTALS = {"adopted": 81, "selected": 33, "newly_defined": 23}
KSB_TAGS = 1_500
# O*NET tasks worth a cell and gene therapy manufacturing panel's attention.
TOPICS = re.compile(
    r"laborator|quality|automat|robot|calibrat|validat|manufactur|biolog|cell|"
    r"regulat|supply|inventor|data|sterile|process control|specimen|assay",
    re.IGNORECASE,
)
# Words too common in duties to say two statements are alike.
STOPWORDS = {
    "with",
    "that",
    "such",
    "from",
    "into",
    "other",
    "their",
    "using",
    "ensure",
    "including",
    "related",
    "appropriate",
}


def words(text: str) -> frozenset[str]:
    return frozenset(
        word
        for word in re.findall(r"[a-z]+", text.lower())
        if len(word) > 3 and word not in STOPWORDS
    )


def import_reference_data() -> None:
    from analysis.ifate import default_export_path, import_ifate
    from foresight.classification import import_classification, load_classification_file
    from foresight.management.commands.import_library import (
        default_classification_path,
    )

    import_classification(load_classification_file(default_classification_path()))
    import_ifate(default_export_path())


def onet_capabilities(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(ref, statement, area code) for `count` O*NET tasks on the cycle's
    topics, each placed in the area of its first work activity that has one."""
    from django.conf import settings

    from foresight.management.commands.import_library import (
        default_classification_path,
    )

    classification = json.loads(default_classification_path().read_text())
    area_of = {dwa: a["code"] for a in classification["areas"] for dwa in a["dwas"]}
    onet = Path(settings.REFERENCE_DATA_DIR) / "onet" / "Tasks to DWAs.txt"
    placed: dict[str, tuple[str, str]] = {}
    with onet.open(encoding="utf-8") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            task, area = row["Task ID"], area_of.get(row["DWA ID"])
            if area and task not in placed and TOPICS.search(row["Task"]):
                placed[task] = (row["Task"], area)
    chosen = rng.sample(sorted(placed), count)
    return [(task, *placed[task]) for task in chosen]


def add_capabilities(cycle, rng: random.Random) -> list:
    from foresight.demo import demo_capabilities_path, read_demo_capabilities
    from foresight.models import CycleCapability, FunctionalArea

    areas = {area.code: area for area in FunctionalArea.objects.all()}
    by_name = {area.name: area for area in areas.values()}
    known = read_demo_capabilities(demo_capabilities_path())
    rows = [
        (row["ref"], row["statement"], by_name.get(row["functional_area"]))
        for row in known
    ]
    for ref, text, code in onet_capabilities(CAPABILITIES - len(rows), rng):
        rows.append((ref, text, areas[code]))
    # The reference cycle's origins: the known rows keep theirs, the rest fill up.
    left = dict(ORIGIN_TOTALS)
    origins = [row["origin"].replace(" ", "_") for row in known]
    for origin in origins:
        left[origin] -= 1
    origins += [origin for origin, n in left.items() for _ in range(n)]
    return CycleCapability.objects.bulk_create(
        CycleCapability(cycle=cycle, ref=ref, text=text, area=area, origin=origins[n])
        for n, (ref, text, area) in enumerate(rows)
    )


def add_consensus(cycle, capabilities, role_levels, rng: random.Random) -> dict:
    """A closed, computed round: the reference cycle's mix per role level.
    Returns (capability id, role level id) → consensus proficiency."""
    from django.utils import timezone

    from workshops.demo import TARGET_MIX, quota_levels
    from workshops.models import (
        ItemConsensus,
        Round,
        RoundItem,
        RoundStatus,
        Workshop,
        WorkshopKind,
    )

    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Proficiency"
    )
    now = timezone.now()
    round = Round.objects.create(
        workshop=workshop,
        number=1,
        status=RoundStatus.CLOSED,
        opened_at=now,
        closed_at=now,
        computed_at=now,
    )
    levels = {}
    for role_level in role_levels:
        quota = quota_levels(len(capabilities), TARGET_MIX[role_level.name])
        rng.shuffle(quota)
        for capability, level in zip(capabilities, quota, strict=True):
            levels[capability.pk, role_level.pk] = level
    items = RoundItem.objects.bulk_create(
        RoundItem(round=round, capability_id=c, role_level_id=r) for c, r in levels
    )
    ItemConsensus.objects.bulk_create(
        ItemConsensus(
            item=item,
            n=8,
            counts=[0, 0, 0, 0],
            median=levels[item.capability_id, item.role_level_id],
            proficiency=levels[item.capability_id, item.role_level_id],
            reached=rng.random() < 0.8,
        )
        for item in items
    )
    return levels


def add_ksbs(cycle, capabilities, rng: random.Random) -> None:
    """KSB tags with real IfATE KSB texts, each enabling one or two capabilities,
    contributed by one to three educators."""
    from analysis.models import Ksb
    from workshops.models import KsbContribution, KsbTag, Workshop, WorkshopKind

    workshop = Workshop.objects.create(cycle=cycle, kind=WorkshopKind.KSB, title="KSB")
    texts = list(
        Ksb.objects.filter(version__is_current=True)
        .order_by("id")
        .values_list("kind", "text")
        .distinct()[: KSB_TAGS * 4]
    )
    short = dict.fromkeys((kind, text) for kind, text in texts if len(text) <= 300)
    picked = rng.sample(list(short), KSB_TAGS)
    tags = KsbTag.objects.bulk_create(
        KsbTag(cycle=cycle, kind=kind, text=text) for kind, text in picked
    )
    links, contributions = [], []
    for tag in tags:
        for capability in rng.sample(capabilities, rng.choice([1, 1, 2])):
            links.append(
                KsbTag.capabilities.through(
                    ksbtag_id=tag.pk, cyclecapability_id=capability.pk
                )
            )
            contributions += [
                KsbContribution(
                    tag=tag,
                    workshop=workshop,
                    capability=capability,
                    respondent=f"educator{person}",
                    text=tag.text,
                )
                for person in range(rng.randint(1, 3))
            ]
    KsbTag.capabilities.through.objects.bulk_create(links)
    KsbContribution.objects.bulk_create(contributions)


def add_profiles(cycle, capabilities, role_levels, partners, levels, rng):
    """The 25 final profiles of DESIGN.md, each holding 12 to 36 capabilities
    at the proficiency the panel agreed for its role level (a prototype
    iteration before them)."""
    from profiles.demo import FINAL_TITLES
    from profiles.models import Iteration, Profile, ProfileCapability

    Iteration.objects.create(cycle=cycle, number=1, name="Prototype")
    final = Iteration.objects.create(cycle=cycle, number=2, name="Final", is_final=True)
    by_name = {role_level.name: role_level for role_level in role_levels}
    entries = []
    for name, titles in FINAL_TITLES.items():
        role_level = by_name[name]
        needed = [c for c in capabilities if levels[c.pk, role_level.pk] > 0]
        for title in titles:
            profile = Profile.objects.create(
                iteration=final,
                title=title,
                role_level=role_level,
                partner=rng.choice(partners),
            )
            entries += [
                ProfileCapability(
                    profile=profile,
                    capability=capability,
                    proficiency=levels[capability.pk, role_level.pk],
                    explanation="Grouped by meaning and functional domain.",
                )
                for capability in rng.sample(needed, rng.randint(12, 36))
            ]
    ProfileCapability.objects.bulk_create(entries)
    return final


def add_run(cycle, convener, reviewer, capabilities, rng: random.Random):
    """A complete run over current provision: per capability, the ten duties
    sharing most of its words, scored in descending order from a best score
    drawn so that about a third fall short of the threshold, plus the duties at
    or above the threshold beyond the ten; six review decisions near it."""
    from django.db.models import F
    from django.db.models.functions import Abs
    from django.utils import timezone

    from analysis import fit_report, runs
    from analysis.models import Decision, Duty, Match, ReviewDecision, RunStatus

    run = runs.launch_run(cycle, convener)
    duties = list(
        Duty.objects.filter(version__in=run.versions.all()).values_list("id", "text")
    )
    duty_words = [(pk, words(text)) for pk, text in duties]
    matches = []
    for capability in capabilities:
        mine = words(capability.text)
        ranked = sorted(duty_words, key=lambda pair: -len(mine & pair[1]))
        score = rng.uniform(0.40, 0.80)
        for rank, (duty_id, _) in enumerate(ranked[:14], start=1):
            if rank > runs.TOP_K and score < run.threshold:
                break
            matches.append(
                Match(
                    run=run,
                    capability=capability,
                    duty_id=duty_id,
                    score=round(score, 4),
                    rank=rank,
                )
            )
            score -= rng.uniform(0.004, 0.03)
    Match.objects.bulk_create(matches)
    run.status = RunStatus.COMPLETE
    run.batches_done = run.batches_total
    run.started_at = run.finished_at = timezone.now()
    run.save()

    nearest = Match.objects.filter(run=run).order_by(
        Abs(F("score") - run.threshold), "id"
    )[:6]
    ReviewDecision.objects.bulk_create(
        ReviewDecision(
            match=match,
            decision=Decision.ACCEPT if index % 2 == 0 else Decision.REJECT,
            reviewer=reviewer,
        )
        for index, match in enumerate(nearest)
    )
    # As a completed run does (its debounced refresh), so pages read them.
    fit_report.refresh_figures(run)
    return run


def place_current_duties(rng: random.Random) -> None:
    """What import_library does for the current duties (each kept as a library
    statement in its nearest functional area), with seeded areas instead of the
    embeddings: the functional shift's current state reads them."""
    from analysis.models import Duty
    from foresight.models import (
        CapabilityStatement,
        FunctionalArea,
        Placement,
        SourceKind,
    )

    areas = list(FunctionalArea.objects.all())
    duties = Duty.objects.filter(version__is_current=True).values_list(
        "version__standard__reference", "version__version", "code", "text"
    )
    CapabilityStatement.objects.bulk_create(
        CapabilityStatement(
            text=text,
            area=rng.choice(areas),
            source_kind=SourceKind.IFATE_DUTY,
            source_ref=f"{reference} v{version} {code}",
            placement=Placement.NEAREST_MEANING,
        )
        for reference, version, code, text in duties
    )


def build_cycle(seed: int) -> dict:
    """The published cycle, its choices drawn from `seed`: the cycle, its final
    iteration and run, a signed-in reader's session key, and the build's times."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from foresight.demo import PARTNERS, ROLE_LEVELS, TITLE
    from foresight.models import Cycle, Membership, Role, Stage
    from insights.demo import load as mark_current_standards

    rng = random.Random(seed)
    times = {}
    started = time.perf_counter()
    import_reference_data()
    place_current_duties(rng)
    times["reference data (classification, IfATE, duty placement)"] = (
        time.perf_counter() - started
    )

    started = time.perf_counter()
    users = get_user_model().objects
    convener = users.create_user("convener@bench.example", is_staff=True)
    reviewer = users.create_user("reviewer@bench.example")
    reader = users.create_user("reader@bench.example")
    with transaction.atomic():
        cycle = Cycle.objects.create(title=f"{TITLE} (benchmark)", created_by=convener)
        for user, role in [
            (convener, Role.CONVENER),
            (reviewer, Role.REVIEWER),
            (reader, Role.READER),
        ]:
            Membership.objects.create(user=user, cycle=cycle, role=role)
        partners = [cycle.partners.create(name=name) for name in PARTNERS]
        role_levels = [
            cycle.role_levels.create(
                name=name, min_academic_level=low, max_academic_level=high
            )
            for name, low, high in ROLE_LEVELS
        ]
        capabilities = add_capabilities(cycle, rng)
        for capability in capabilities:
            capability.partners.set(rng.sample(partners, rng.choice([1, 1, 2, 3])))
        levels = add_consensus(cycle, capabilities, role_levels, rng)
        add_ksbs(cycle, capabilities, rng)
        final = add_profiles(cycle, capabilities, role_levels, partners, levels, rng)
        mark_current_standards(cycle, convener)
        Cycle.objects.filter(pk=cycle.pk).update(stage=Stage.COMMUNICATE)
    run = add_run(cycle, convener, reviewer, capabilities, rng)
    times["the cycle (capabilities to stored figures)"] = time.perf_counter() - started
    return {
        "cycle": cycle,
        "final": final,
        "run": run,
        "session": signed_in_session(reader),
        "times": times,
    }


def describe(built: dict) -> dict[str, int]:
    """How much of each thing the built cycle holds, for the report."""
    from analysis.models import Match, StandardVersion
    from profiles.models import ProfileCapability
    from workshops.models import ItemConsensus, KsbTag

    cycle, run = built["cycle"], built["run"]
    return {
        "capabilities": cycle.capabilities.count(),
        "partners": cycle.partners.count(),
        "role levels": cycle.role_levels.count(),
        "consensus items": ItemConsensus.objects.filter(
            item__round__workshop__cycle=cycle
        ).count(),
        "KSB tags": KsbTag.objects.filter(cycle=cycle).count(),
        "final profiles": built["final"].profiles.count(),
        "profile capabilities": ProfileCapability.objects.filter(
            profile__iteration=built["final"]
        ).count(),
        "standards in the run": run.versions.count(),
        "matches": Match.objects.filter(run=run).count(),
        "current standard versions": StandardVersion.objects.filter(
            is_current=True
        ).count(),
    }
