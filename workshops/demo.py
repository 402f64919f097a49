"""Demonstration workshops for the demonstration cycle, answered by simulated
panellists. Everything is labelled as demonstration data and reproducible from
SEED: the same library gives the same proposals, ratings and KSBs.

- Capture: simulated technologists propose the library statements nearest in
  meaning to the challenge and the prioritised solutions (adopted as they are, or
  selected and edited), plus newly defined ones, so the cycle ends with the
  reference cycle's 137 capabilities: 81 adopted, 33 selected, 23 newly defined.
- Proficiency: two rounds; each item has a "true" level drawn so that the mix per
  role level matches the reference cycle's, and raters scatter around it.
- KSB: educators tag each capability with the knowledge, skills and behaviours
  that the nearest current apprenticeship duty maps to.
"""

import datetime
import random
from collections.abc import Callable

import numpy as np
from django.db import transaction
from django.utils import timezone

from foresight import embeddings
from foresight.models import (
    CapabilityOrigin,
    CapabilityStatement,
    Cycle,
    CycleCapability,
    Membership,
    Role,
)
from workshops.anonymity import respondent_for
from workshops.models import (
    Panellist,
    Proposal,
    ProposalVote,
    Rating,
    Round,
    RoundItem,
    Vote,
    Workshop,
    WorkshopKind,
)

SEED = 20240701
TARGET_CAPABILITIES = {"adopted": 81, "selected": 33, "newly_defined": 23}
# Awareness / Practitioner / Expert shares the reference panel reached (DESIGN.md).
TARGET_MIX = {
    "C&G Scientists": (0.05, 0.65, 0.30),
    "C&G Senior Manager / Manager": (0.02, 0.30, 0.68),
    "C&G Apprentices and Technician": (0.10, 0.29, 0.61),
    "C&G Senior Scientists / Lead": (0.24, 0.54, 0.22),
}
NOT_REQUIRED_SHARE = 0.06
QUERIES = [
    "Robotic platforms automating cell and gene therapy manufacturing",
    "Digital twins of bioprocesses for manufacturing optimisation",
    "Supply chain improvements for advanced therapy medicinal products",
    "Quality control and assurance of cell therapy production batches",
    "Process development, validation and scale-up of biologics manufacturing",
    "Data analysis and process monitoring in pharmaceutical production",
]
SEARCH_TERMS = [
    "cell culture",
    "bioreactor",
    "manufacturing process",
    "quality control",
    "validation",
    "automation",
    "robot",
    "robotic",
    "digital",
    "supply chain",
    "laboratory",
    "aseptic",
    "pharmaceutical",
    "biotechnology",
    "process data",
    "calibrate",
    "regulatory",
    "inventory",
    "production schedule",
    "sterile",
]
NEW_CAPABILITIES = [
    "Programme collaborative robots to handle open cell culture steps aseptically.",
    "Validate automated fill and finish lines for autologous cell therapies.",
    "Build digital twins of bioreactor runs to predict batch outcomes.",
    "Integrate manufacturing execution systems with electronic batch records.",
    "Monitor cold-chain conditions of patient material with connected sensors.",
    "Schedule vein-to-vein logistics for patient-specific therapy batches.",
    "Apply machine learning to in-process data to detect deviations early.",
    "Design closed, automated processing systems for viral vector production.",
    "Qualify robotic platforms against GMP requirements for advanced therapies.",
    "Manage cybersecurity of networked manufacturing and laboratory equipment.",
    "Federate manufacturing data across sites while protecting patient data.",
    "Reduce energy use of clean rooms through data-driven environmental control.",
    "Maintain and troubleshoot automated cell processing equipment.",
    "Simulate supply-chain scenarios to plan capacity for cell therapy demand.",
    "Specify user requirements for automation equipment with suppliers.",
    "Train operators to work alongside automated and robotic systems.",
    "Assure data integrity of automated analytical instruments.",
    "Coordinate technology transfer of automated processes between sites.",
]
KSB_PER_CAPABILITY = 3

Progress = Callable[[str], None]


def _users(cycle: Cycle, role: Role) -> list:
    memberships = Membership.objects.filter(cycle=cycle, role=role).select_related(
        "user"
    )
    return [membership.user for membership in memberships.order_by("user__username")]


# When the reference cycle ran each kind of workshop (July to October 2024).
SCHEDULE = {
    WorkshopKind.CAPTURE: ((2024, 7, 9), (2024, 7, 23)),
    WorkshopKind.PROFICIENCY: ((2024, 8, 13), (2024, 9, 17)),
    WorkshopKind.KSB: ((2024, 10, 1), (2024, 10, 22)),
}


def _workshop(cycle: Cycle, kind: str, title: str, role: Role) -> tuple[Workshop, bool]:
    start, end = (
        datetime.datetime(*day, 10, tzinfo=datetime.UTC) for day in SCHEDULE[kind]
    )
    workshop, created = Workshop.objects.get_or_create(
        cycle=cycle,
        kind=kind,
        is_demo=True,
        defaults={"title": title, "starts_at": start, "ends_at": end},
    )
    if created:
        Panellist.objects.bulk_create(
            Panellist(workshop=workshop, user=user, group=role)
            for user in _users(cycle, role)
        )
    return workshop, created


def _respondents(workshop: Workshop) -> list[str]:
    users = workshop.panellists.order_by("user__username").values_list(
        "user_id", flat=True
    )
    return [respondent_for(workshop.pk, user_id) for user_id in users]


def _closed_round(workshop: Workshop, number: int) -> Round:
    now = timezone.now()
    return Round.objects.create(
        workshop=workshop, number=number, status="closed", opened_at=now, closed_at=now
    )


# --- Capture ------------------------------------------------------------------------


def candidate_statements(exclude: set[str]) -> list[CapabilityStatement]:
    """Library statements nearest in meaning to the challenge and the prioritised
    solutions: a keyword pre-selection, then ranked by best cosine to the queries."""
    pool: dict[int, CapabilityStatement] = {}
    for term in SEARCH_TERMS:
        for statement in CapabilityStatement.objects.search(term).order_by("id")[:150]:
            pool.setdefault(statement.pk, statement)
    candidates = [
        s for s in sorted(pool.values(), key=lambda s: s.pk) if s.text not in exclude
    ]
    if not candidates:
        return []
    vectors = embeddings.vectors_for([statement.text for statement in candidates])
    scores = (vectors @ embeddings.encode(QUERIES).T).max(axis=1)
    order = np.argsort(-scores, kind="stable")
    return [candidates[index] for index in order]


def edited(text: str) -> str:
    """A simulated panellist's edit: the statement narrowed to the cycle's context."""
    return f"{text.rstrip('.')} in cell and gene therapy manufacturing."


def add_capture_workshop(cycle: Cycle, progress: Progress) -> None:
    workshop, created = _workshop(
        cycle,
        WorkshopKind.CAPTURE,
        "Capability capture (demonstration)",
        Role.TECHNOLOGIST,
    )
    if not created or not CapabilityStatement.objects.exists():
        return
    progress("Simulating the capture workshop")
    have = {
        origin: cycle.capabilities.filter(origin=origin).count()
        for origin in TARGET_CAPABILITIES
    }
    wanted = {origin: TARGET_CAPABILITIES[origin] - have[origin] for origin in have}
    known = set(cycle.capabilities.values_list("text", flat=True))
    ranked = candidate_statements(known)
    adopted = ranked[: wanted["adopted"]]
    selected = ranked[wanted["adopted"] : wanted["adopted"] + wanted["selected"]]

    drafts = [(s.text, CapabilityOrigin.ADOPTED, s) for s in adopted]
    drafts += [(edited(s.text), CapabilityOrigin.SELECTED, s) for s in selected]
    drafts += [
        (text, CapabilityOrigin.NEWLY_DEFINED, None)
        for text in NEW_CAPABILITIES[: wanted["newly_defined"]]
    ]
    _propose_vote_and_promote(cycle, workshop, drafts)


def _propose_vote_and_promote(cycle: Cycle, workshop: Workshop, drafts: list) -> None:
    rng = random.Random(SEED)
    respondents = _respondents(workshop) or ["demo"]
    partners = list(cycle.partners.all())
    areas = _areas_for_new(drafts)
    voting = _closed_round(workshop, 1)
    for index, (text, origin, statement) in enumerate(drafts):
        area_id = statement.area_id if statement else areas[index]
        proposal = Proposal.objects.create(
            workshop=workshop,
            respondent=respondents[index % len(respondents)],
            text=text,
            origin=origin,
            statement=statement,
            area_id=area_id,
        )
        chosen = rng.sample(partners, k=rng.randint(1, min(3, len(partners))))
        proposal.partners.set(chosen)
        ProposalVote.objects.bulk_create(
            ProposalVote(
                round=voting,
                proposal=proposal,
                respondent=respondent,
                vote=Vote.INCLUDE if rng.random() < 0.85 else Vote.UNSURE,
            )
            for respondent in respondents
        )
        capability = CycleCapability.objects.create(
            cycle=cycle,
            text=text,
            origin=origin,
            statement=statement,
            area_id=area_id,
            source="workshop" if statement is None else _source(statement),
        )
        capability.partners.set(chosen)
        proposal.promoted_to = capability
        proposal.save(update_fields=["promoted_to"])


def _source(statement: CapabilityStatement) -> str:
    return f"{statement.get_source_kind_display()} {statement.source_ref}"


def _areas_for_new(drafts: list) -> dict[int, int]:
    """Newly defined statements go to the area of their nearest library statement."""
    new = [
        (index, text)
        for index, (text, _origin, statement) in enumerate(drafts)
        if not statement
    ]
    if not new:
        return {}
    placed = [
        (text, statement.area_id) for text, _origin, statement in drafts if statement
    ]
    reference = embeddings.vectors_for([text for text, _area in placed])
    vectors = embeddings.vectors_for([text for _index, text in new])
    best = (vectors @ reference.T).argmax(axis=1)
    return {
        index: placed[column][1]
        for (index, _text), column in zip(new, best, strict=True)
    }


# --- Proficiency -------------------------------------------------------------------


def quota_levels(count: int, shares: tuple[float, float, float]) -> list[int]:
    """`count` levels (0 to 3) whose mix over levels 1 to 3 matches `shares` as closely as whole
    numbers allow (largest remainder), with NOT_REQUIRED_SHARE of them at 0."""
    not_required = round(count * NOT_REQUIRED_SHARE)
    rest = count - not_required
    exact = [share * rest for share in shares]
    whole = [int(value) for value in exact]
    by_remainder = sorted(range(3), key=lambda i: exact[i] - whole[i], reverse=True)
    for index in by_remainder[: rest - sum(whole)]:
        whole[index] += 1
    return [0] * not_required + [
        level for level, n in zip((1, 2, 3), whole, strict=True) for _ in range(n)
    ]


def _rate(true_level: int, accuracy: float, rng: random.Random) -> int | None:
    draw = rng.random()
    if draw < 0.04:
        return None  # can't judge
    if draw < 0.04 + accuracy:
        return true_level
    step = rng.choice((-1, 1))
    return min(3, max(0, true_level + step))


def add_proficiency_workshop(cycle: Cycle, progress: Progress) -> None:
    from workshops.results import store_round_consensus

    workshop, created = _workshop(
        cycle, WorkshopKind.PROFICIENCY, "Proficiency (demonstration)", Role.EMPLOYER
    )
    if not created:
        return
    progress("Simulating two proficiency rounds")
    rng = random.Random(SEED)
    truth = {}
    capabilities = list(cycle.capabilities.order_by("id").values_list("id", flat=True))
    for role_level in cycle.role_levels.all():
        shares = TARGET_MIX.get(role_level.name, (0.2, 0.5, 0.3))
        levels = quota_levels(len(capabilities), shares)
        rng.shuffle(levels)
        truth.update(
            {
                (capability, role_level.pk): level
                for capability, level in zip(capabilities, levels, strict=True)
            }
        )

    respondents = _respondents(workshop)
    first = _rated_round(workshop, 1, list(truth), truth, respondents, 0.62, rng)
    store_round_consensus(first)
    unresolved = [
        (item.capability_id, item.role_level_id)
        for item in first.items.select_related("consensus")
        if not item.consensus.reached
    ]
    second = _rated_round(workshop, 2, unresolved, truth, respondents, 0.85, rng)
    store_round_consensus(second)


def _rated_round(workshop, number, pairs, truth, respondents, accuracy, rng) -> Round:
    with transaction.atomic():
        round_ = _closed_round(workshop, number)
        items = RoundItem.objects.bulk_create(
            RoundItem(round=round_, capability_id=capability, role_level_id=role_level)
            for capability, role_level in pairs
        )
        Rating.objects.bulk_create(
            (
                Rating(
                    item=item,
                    respondent=respondent,
                    group=Role.EMPLOYER,
                    value=_rate(
                        truth[(item.capability_id, item.role_level_id)], accuracy, rng
                    ),
                )
                for item in items
                for respondent in respondents
            ),
            batch_size=2000,
        )
    return round_


# --- KSB -----------------------------------------------------------------------------


def add_ksb_workshop(cycle: Cycle, progress: Progress) -> None:
    from analysis.models import Duty, Ksb
    from workshops.ksb import add_contribution

    workshop, created = _workshop(
        cycle,
        WorkshopKind.KSB,
        "Knowledge, skills and behaviours (demonstration)",
        Role.EDUCATOR,
    )
    duties = list(Duty.objects.filter(version__is_current=True).order_by("id"))
    if not created or not duties:
        return
    progress("Simulating the KSB workshop")
    capabilities = list(cycle.capabilities.order_by("id"))
    nearest = (
        embeddings.vectors_for([c.text for c in capabilities])
        @ embeddings.vectors_for([d.text for d in duties]).T
    ).argmax(axis=1)
    respondents = _respondents(workshop) or ["demo"]
    for index, (capability, column) in enumerate(
        zip(capabilities, nearest, strict=True)
    ):
        duty = duties[column]
        ksbs = Ksb.objects.filter(version_id=duty.version_id, code__in=duty.ksb_codes)
        for ksb in list(ksbs.order_by("kind", "id"))[:KSB_PER_CAPABILITY]:
            add_contribution(
                workshop,
                capability,
                respondents[index % len(respondents)],
                ksb.kind,
                ksb.text[:500],
                "",
            )


def add_demo_workshops(cycle: Cycle, progress: Progress) -> None:
    """Capture first (it completes the capability list), then proficiency and KSB;
    each in its own transaction, and each skipped when it already exists."""
    for add in (add_capture_workshop, add_proficiency_workshop, add_ksb_workshop):
        with transaction.atomic():
            add(cycle, progress)
