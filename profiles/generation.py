"""Generating prototype future occupational profiles (FOPs) from a cycle's
proficiency consensus, deterministically and with a reason for every placement.

For each role level, the capabilities whose consensus proficiency is above Not
required are grouped:

1. by supply-chain partner: a capability with several partners is grouped under
   the one with the lowest id (it is placed once per role level, never twice);
   capabilities with no partner form a group of their own;
2. within a partner group, by meaning: average-linkage agglomerative clustering
   on the distance 1 - cosine of the capabilities' embeddings, less DOMAIN_BONUS
   when two share a functional domain. The tree is cut at CUT_DISTANCE, and any
   cluster larger than `max_size` is split into its two branches until none is;
3. a group smaller than `min_size` is merged whole into the nearest group
   (average distance) that has room, of the same partner if one has, else of
   another partner; when no group has room for it, it takes the capabilities
   nearest to it from the nearest group that can spare them. Sizes therefore
   stay within the bounds whenever `max_size` ≥ 2 * `min_size` - 1, which is
   checked. The one exception: a role level with fewer than `min_size`
   qualifying capabilities in all becomes a single, smaller profile.

Each profile is titled after the reference occupation (O*NET or ESCO) whose
centroid, the unit mean of its linked statements' embeddings, is nearest to the
profile's centroid; the next two are kept as alternatives. Without reference
occupations the title says role level, partner and most common domain.

Ties are broken by ids throughout and similarities are rounded to 6 decimals
before clustering, so the same input gives the same profiles.
"""

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import Max

from foresight import embeddings
from foresight.models import (
    Cycle,
    CycleCapability,
    Embedding,
    ReferenceOccupation,
    RoleLevel,
)
from profiles.clustering import (  # noqa: F401  (part of this module's interface)
    CUT_DISTANCE,
    DOMAIN_BONUS,
    NEIGHBOUR_CHARS,
    TITLE_SUGGESTIONS,
    Capability,
    GenerationError,
    Group,
    Move,
    Occupation,
    _absorb_small,
    _Cluster,
    average_linkage,
    check_bounds,
    cut_tree,
    distance_matrix,
    explain,
    fallback_title,
    group_role_level,
    most_common_domain,
    nearest_neighbours,
    shorten,
    similarity_matrix,
    suggest_titles,
    unit_mean,
)
from profiles.models import Iteration, Profile, ProfileCapability
from workshops.models import Workshop, WorkshopKind
from workshops.outcomes import latest_consensus

logger = logging.getLogger(__name__)

# An occupation needs this many linked statements for a centroid worth comparing.
MIN_OCCUPATION_STATEMENTS = 3
# Occupation centroids are cached in the Embedding store under this model key.
CENTROID_MODEL = f"occupation-centroid:{embeddings.MODEL_KEY}"
METHOD = (
    "Per role level: group by primary partner (lowest id), then average-linkage "
    "clustering on 1 - cosine (less the domain bonus for a shared functional "
    "domain), cut at the cut distance and split above max_size; groups under "
    "min_size merged into the nearest group with room. Titles from the nearest "
    "reference occupation centroid."
)
PROTOTYPE_NAME = "Prototype"

Progress = Callable[[int, int], None]


# --- Reading the cycle ------------------------------------------------------------


@dataclass
class Inputs:
    workshop: Workshop
    role_levels: list[RoleLevel]
    capabilities: dict[int, Capability]
    # role level id → capability id → (proficiency, consensus reached)
    required: dict[int, dict[int, tuple[int, bool]]]
    partner_names: dict[int, str]
    # capability id -> unit embedding, filled in by plan_profiles.
    vectors: dict[int, np.ndarray] = field(default_factory=dict)


def proficiency_workshop(cycle: Cycle) -> Workshop | None:
    """The cycle's latest proficiency workshop."""
    workshops = Workshop.objects.filter(cycle=cycle, kind=WorkshopKind.PROFICIENCY)
    return workshops.order_by("-created_at", "-id").first()


def load_inputs(cycle: Cycle) -> Inputs:
    workshop = proficiency_workshop(cycle)
    if workshop is None:
        raise GenerationError(f"“{cycle}” has no proficiency workshop yet.")
    role_levels = list(cycle.role_levels.all())
    if not role_levels:
        raise GenerationError(f"“{cycle}” has no role levels.")
    consensus = latest_consensus(workshop)
    if not consensus:
        raise GenerationError(
            f"The proficiency workshop “{workshop}” has no consensus yet."
        )

    required: dict[int, dict[int, tuple[int, bool]]] = defaultdict(dict)
    for (capability_id, role_level_id), item in consensus.items():
        if item.proficiency:
            required[role_level_id][capability_id] = (item.proficiency, item.reached)
    ids = {capability_id for levels in required.values() for capability_id in levels}
    if not ids:
        raise GenerationError(
            f"The consensus of “{workshop}” requires no capability at any role level."
        )

    partners = defaultdict(list)
    links = CycleCapability.partners.through.objects.filter(
        cyclecapability__cycle=cycle
    )
    for capability_id, partner_id in links.values_list(
        "cyclecapability_id", "supplychainpartner_id"
    ):
        partners[capability_id].append(partner_id)
    rows = cycle.capabilities.order_by("pk").values_list(
        "pk", "text", "area__domain__name"
    )
    capabilities = {
        pk: Capability(pk, text, tuple(sorted(partners[pk])), domain or "")
        for pk, text, domain in rows
        if pk in ids
    }
    return Inputs(
        workshop=workshop,
        role_levels=role_levels,
        capabilities=capabilities,
        required=required,
        partner_names=dict(cycle.partners.values_list("pk", "name")),
    )


def _centroid_key(source: str, code: str, text_hashes: list[str]) -> str:
    """The cache key of an occupation's centroid: it changes when any of its
    statements is relinked or reworded."""
    digest = hashlib.sha256(f"{source}\n{code}\n".encode())
    for text_hash in sorted(text_hashes):
        digest.update(text_hash.encode())
    return digest.hexdigest()


def occupation_centroids() -> tuple[list[Occupation], np.ndarray]:
    """Every reference occupation with at least MIN_OCCUPATION_STATEMENTS linked
    statements, and its centroid: the unit mean of those statements' embeddings.

    Centroids are stored in the Embedding store (model CENTROID_MODEL), keyed by
    the occupation and its statements' texts, so only a new or changed occupation
    costs anything on the next run. The first run embeds the linked statements
    that have no stored vector yet (for the O*NET tasks, ~19,000 texts).
    """
    link = ReferenceOccupation.statements.through
    texts_of: dict[int, list[str]] = defaultdict(list)
    for occupation_id, text in link.objects.values_list(
        "referenceoccupation_id", "capabilitystatement__text"
    ).iterator(chunk_size=5000):
        texts_of[occupation_id].append(text)
    eligible = {
        pk: texts
        for pk, texts in texts_of.items()
        if len(texts) >= MIN_OCCUPATION_STATEMENTS
    }
    if not eligible:
        return [], np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)

    rows = ReferenceOccupation.objects.order_by("source", "code").values_list(
        "pk", "source", "code", "title"
    )
    occupations, keys = [], []
    for pk, source, code, title in rows:
        if pk not in eligible:
            continue
        occupations.append(Occupation(title, source, code))
        hashes = [embeddings.text_hash(text) for text in eligible[pk]]
        keys.append((pk, _centroid_key(source, code, hashes)))

    cached = {}
    for start in range(0, len(keys), embeddings.LOOKUP_CHUNK):
        chunk = [key for _pk, key in keys[start : start + embeddings.LOOKUP_CHUNK]]
        cached.update(
            Embedding.objects.filter(
                model=CENTROID_MODEL, text_hash__in=chunk
            ).values_list("text_hash", "vector")
        )

    missing = [(pk, key) for pk, key in keys if key not in cached]
    if missing:
        logger.info("Computing %s reference occupation centroids", len(missing))
        texts = sorted({text for pk, _key in missing for text in eligible[pk]})
        row_of = {text: row for row, text in enumerate(texts)}
        vectors = embeddings.vectors_for(texts)
        fresh = []
        for pk, key in missing:
            linked = [row_of[text] for text in eligible[pk]]
            vector = unit_mean(vectors[linked]).astype(np.float32)
            cached[key] = vector.tobytes()
            fresh.append(
                Embedding(
                    text_hash=key,
                    model=CENTROID_MODEL,
                    dimensions=embeddings.DIMENSIONS,
                    vector=vector.tobytes(),
                )
            )
        Embedding.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)

    matrix = np.stack(
        [np.frombuffer(bytes(cached[key]), dtype=np.float32) for _pk, key in keys]
    )
    return occupations, matrix


# --- Planning and writing ---------------------------------------------------------


@dataclass
class PlannedProfile:
    role_level_id: int
    partner_id: int | None
    title: str
    title_suggestions: list[dict]
    # (capability id, proficiency, explanation), by capability id.
    entries: list[tuple[int, int, str]]


def plan_profiles(
    inputs: Inputs,
    *,
    min_size: int = 5,
    max_size: int = 40,
    progress: Progress | None = None,
    occupations: tuple[list[Occupation], np.ndarray] | None = None,
) -> list[PlannedProfile]:
    """The profiles of every role level, ready to be written. `occupations` are
    the reference occupations with their centroids (occupation_centroids())."""
    check_bounds(min_size, max_size)
    ids = sorted(inputs.capabilities)
    vectors = embeddings.vectors_for([inputs.capabilities[pk].text for pk in ids])
    inputs.vectors = dict(zip(ids, vectors, strict=True))
    if occupations is None:
        occupations = occupation_centroids()

    planned = []
    total = len(inputs.role_levels)
    for done, role_level in enumerate(inputs.role_levels, start=1):
        required = inputs.required.get(role_level.pk, {})
        members = [inputs.capabilities[pk] for pk in sorted(required)]
        groups = group_role_level(
            members,
            np.array([inputs.vectors[pk] for pk in sorted(required)]),
            min_size=min_size,
            max_size=max_size,
        )
        planned += [
            _plan_profile(group, role_level, inputs, occupations, min_size)
            for group in groups
        ]
        if progress:
            progress(done, total)
    return planned


def _plan_profile(
    group: Group,
    role_level: RoleLevel,
    inputs: Inputs,
    occupations: tuple[list[Occupation], np.ndarray],
    min_size: int,
) -> PlannedProfile:
    ids = group.capability_ids
    members = [inputs.capabilities[pk] for pk in ids]
    vectors = np.array([inputs.vectors[pk] for pk in ids])
    neighbours = nearest_neighbours(ids, vectors)

    suggestions = suggest_titles(unit_mean(vectors), *occupations)
    if suggestions:
        title = suggestions[0]["title"]
    else:
        title = fallback_title(
            role_level.name,
            inputs.partner_names.get(group.partner_id, ""),
            most_common_domain(members),
        )

    texts = {capability.id: capability.text for capability in members}
    required = inputs.required[role_level.pk]
    entries = []
    for capability in members:
        proficiency, reached = required[capability.id]
        explanation = explain(
            capability,
            neighbours[capability.id],
            texts=texts,
            partner_names=inputs.partner_names,
            profile_partner_id=group.partner_id,
            move=group.moves.get(capability.id),
            reached=reached,
            min_size=min_size,
        )
        entries.append((capability.id, proficiency, explanation))
    return PlannedProfile(
        role_level.pk, group.partner_id, title[:200], suggestions, entries
    )


def generate_iteration(
    cycle: Cycle,
    *,
    by=None,
    min_size: int = 5,
    max_size: int = 40,
    progress: Progress | None = None,
) -> Iteration:
    """Generate a new iteration of prototype profiles for the cycle from its
    proficiency consensus; `progress(done, total)` is called per role level."""
    check_bounds(min_size, max_size)
    inputs = load_inputs(cycle)
    planned = plan_profiles(
        inputs, min_size=min_size, max_size=max_size, progress=progress
    )
    parameters = {
        "method": METHOD,
        "min_size": min_size,
        "max_size": max_size,
        "cut_distance": CUT_DISTANCE,
        "domain_bonus": DOMAIN_BONUS,
        "embedding_model": embeddings.MODEL_KEY,
        "workshop": inputs.workshop.pk,
    }

    with transaction.atomic():
        # Lock the cycle so that two generations cannot take the same number.
        Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk").get()
        last = Iteration.objects.filter(cycle=cycle).aggregate(last=Max("number"))
        number = (last["last"] or 0) + 1
        iteration = Iteration.objects.create(
            cycle=cycle,
            number=number,
            name=PROTOTYPE_NAME if number == 1 else f"Generated {number}",
            created_by=by,
            parameters=parameters,
        )
        profiles = Profile.objects.bulk_create(
            Profile(
                iteration=iteration,
                title=plan.title,
                role_level_id=plan.role_level_id,
                partner_id=plan.partner_id,
                title_suggestions=plan.title_suggestions,
            )
            for plan in planned
        )
        ProfileCapability.objects.bulk_create(
            (
                ProfileCapability(
                    profile=profile,
                    capability_id=capability_id,
                    proficiency=proficiency,
                    explanation=explanation,
                )
                for profile, plan in zip(profiles, planned, strict=True)
                for capability_id, proficiency, explanation in plan.entries
            ),
            batch_size=1000,
        )
    logger.info(
        "Generated iteration %s of cycle %s: %s profiles",
        number,
        cycle.pk,
        len(planned),
    )
    return iteration
