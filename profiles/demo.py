"""Demonstration profiles: the generated prototype, refined by the simulated
employers into the reference cycle's 25 final profiles.

The refinements are recorded as ordinary proposals, voted and applied, so the
demo shows the same trail a real panel leaves: split or merge until each role
level has as many profiles as the reference cycle reported, then rename each to
the reference title that fits it best by meaning.
"""

from collections import defaultdict
from collections.abc import Callable

import numpy as np
from django.db import transaction

from foresight import embeddings
from foresight.models import Cycle, Membership, Role
from profiles.models import ChangeKind, Iteration, Profile

# DESIGN.md, "The demonstration cycle": role level → the final profiles' titles.
FINAL_TITLES = {
    "C&G Scientists": [
        "Quality Control Officer",
        "Mechatronic engineers",
        "Quality Assurance Specialist",
        "Routine inspectors and testers",
        "Chemical engineers",
        "Quality assurance testers",
        "Clinical Engineers",
        "Clinical trials coordinators",
        "Biomedical scientists",
        "Software developers",
        "Automation maintenance technicians",
        "Clinical scientists",
    ],
    "C&G Senior Scientists / Lead": [
        "Compliance and regulatory professionals",
        "Biotechnologists",
        "Research and development chemists",
        "DevOps engineers",
        "Quality Lead",
        "Automation Development Specialist",
    ],
    "C&G Senior Manager / Manager": [
        "Research and development (R&D) design managers",
        "Supply Chain Lead",
    ],
    "C&G Apprentices and Technician": [
        "Data analysts",
        "Quality assurance technicians",
        "Planning, process and production technicians",
        "Stock control clerks and assistants",
        "Mechatronic Technician",
    ],
}
MAX_PASSES = 6

Progress = Callable[[str], None]


def add_demo_profiles(cycle: Cycle, progress: Progress) -> None:
    """Generate and refine, once: skipped when the cycle already has iterations."""
    from profiles.generation import generate_iteration

    if (
        cycle.iterations.exists()
        or not cycle.workshops.filter(kind="proficiency").exists()
    ):
        return
    convener = cycle.memberships.filter(role=Role.CONVENER).first().user
    employers = [
        m.user for m in Membership.objects.filter(cycle=cycle, role=Role.EMPLOYER)
    ]

    progress("Generating the prototype profiles")
    iteration = generate_iteration(cycle, by=convener)
    for _ in range(MAX_PASSES):
        if _counts_match(iteration):
            break
        progress("Refining: splitting and merging profiles")
        iteration = _refine(iteration, convener, employers, _split_or_merge)
    progress("Refining: naming the final profiles")
    iteration = _refine(iteration, convener, employers, _renames)
    _finalise(iteration)


def _by_role_level(iteration: Iteration) -> dict[str, list[Profile]]:
    groups = defaultdict(list)
    profiles = iteration.profiles.select_related("role_level").prefetch_related(
        "entries"
    )
    for profile in profiles.order_by("id"):
        groups[profile.role_level.name].append(profile)
    return groups


def _counts_match(iteration: Iteration) -> bool:
    groups = _by_role_level(iteration)
    return all(
        len(groups.get(name, [])) in (0, len(titles))
        for name, titles in FINAL_TITLES.items()
    )


def _refine(iteration: Iteration, convener, employers: list, plan) -> Iteration:
    from profiles.refinement import apply_accepted, propose, vote

    with transaction.atomic():
        proposer = employers[0] if employers else convener
        for kind, fields in plan(iteration):
            change = propose(iteration, proposer, kind, **fields)
            for employer in employers:
                vote(change, employer, True, "")
        return apply_accepted(iteration, convener)


def _split_or_merge(iteration: Iteration) -> list[tuple[str, dict]]:
    """One pass of changes: split the largest profiles of a role level that has
    too few, merge the smallest pairs of one that has too many."""
    changes = []
    for name, profiles in _by_role_level(iteration).items():
        wanted = len(FINAL_TITLES.get(name, profiles))
        by_size = sorted(profiles, key=lambda p: (-len(p.entries.all()), p.pk))
        if len(profiles) < wanted:
            splittable = [p for p in by_size if len(p.entries.all()) >= 2]
            for profile in splittable[: wanted - len(profiles)]:
                entries = sorted(profile.entries.all(), key=lambda e: e.capability_id)
                moved = [entry.capability for entry in entries[len(entries) // 2 :]]
                changes.append(
                    (
                        ChangeKind.SPLIT,
                        {
                            "profile": profile,
                            "new_title": f"{profile.title} (part 2)",
                            "moved_capabilities": moved,
                            "rationale": "Too broad for one role.",
                        },
                    )
                )
        elif len(profiles) > wanted:
            smallest = list(reversed(by_size))
            pairs = min(len(profiles) - wanted, len(smallest) // 2)
            for index in range(pairs):
                changes.append(
                    (
                        ChangeKind.MERGE,
                        {
                            "profile": smallest[2 * index + 1],
                            "other_profile": smallest[2 * index],
                            "rationale": "One role in practice.",
                        },
                    )
                )
    return changes


def _renames(iteration: Iteration) -> list[tuple[str, dict]]:
    """Give each profile the reference title nearest in meaning to its capabilities
    (greedy, best pair first)."""
    changes = []
    for name, profiles in _by_role_level(iteration).items():
        titles = FINAL_TITLES.get(name, [])
        if not titles or not profiles:
            continue
        centroids = np.stack([_centroid(profile) for profile in profiles])
        scores = embeddings.encode(titles) @ centroids.T
        taken_titles, taken_profiles = set(), set()
        for flat in np.argsort(-scores, axis=None, kind="stable"):
            title_index, profile_index = divmod(int(flat), len(profiles))
            if title_index in taken_titles or profile_index in taken_profiles:
                continue
            taken_titles.add(title_index)
            taken_profiles.add(profile_index)
            changes.append(
                (
                    ChangeKind.RENAME,
                    {
                        "profile": profiles[profile_index],
                        "new_title": titles[title_index],
                        "rationale": "The role employers recognise.",
                    },
                )
            )
    return changes


def _centroid(profile: Profile) -> np.ndarray:
    texts = [
        entry.capability.text for entry in profile.entries.select_related("capability")
    ]
    mean = embeddings.vectors_for(texts).mean(axis=0)
    return mean / (np.linalg.norm(mean) or 1.0)


def _finalise(iteration: Iteration) -> None:
    from profiles.refinement import mark_final

    iteration.name = "Final"
    iteration.save(update_fields=["name"])
    mark_final(iteration)
