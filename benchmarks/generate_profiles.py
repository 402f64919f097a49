"""Generating prototype profiles: the reference cycle's size (137 capabilities x 4
role levels) and a 1,000-capability synthetic cycle, titled against the 4,023
O*NET and ESCO reference occupations.

Works in a throwaway database named by DATABASE_URL's server: for PostgreSQL a
database named foresight_bench_profiles (created, migrated, dropped), otherwise a
temporary SQLite file. Loads the classification, the O*NET tasks and ESCO skills
as library statements and the occupations with their links (as import_library
would, without placing statements by meaning: a statement with no O*NET work
activity gets a functional area drawn from the seed). Capabilities are O*NET
task statements drawn from the seed; the consensus levels are drawn from the
seed too and stored directly (no ratings).

Embedding is timed apart from the algorithm. The capabilities' texts are embedded
with the real model. The ~30,000 statements linked to occupations are given
seeded random unit vectors by default, so the title step's database and numpy
cost is measured but its titles mean nothing; BENCH_REAL_STATEMENTS=1 embeds
them with the model instead (about 2.5 minutes more on two cores).

    DEBUG=true .venv/bin/python benchmarks/generate_profiles.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/foresight \\
        DEBUG=true .venv/bin/python benchmarks/generate_profiles.py
"""

import json
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "generate_profiles.md"
BENCH_DATABASE = "foresight_bench_profiles"
SEED = 20241001
ROLE_LEVELS = ["Apprentices and Technician", "Scientists", "Senior Scientists / Lead"]
ROLE_LEVELS += ["Senior Manager / Manager"]
PARTNERS = [
    "Automation Equipment Suppliers",
    "Automation Technology Integrators/consultants",
    "C&G Manufacturer",
    "Point of care partners",
    "Quality and regulatory",
]
# O*NET occupations near cell and gene therapy manufacturing, for the
# reference-size cycle's capabilities.
NEAR_SOC = {
    "11-3051.01", "11-3071.04", "11-9121.01", "11-9199.01", "13-1041.07",
    "13-1081.02", "15-1252.00", "15-1253.00", "15-2051.00", "17-2031.00",
    "17-2041.00", "17-2112.00", "17-2199.05", "17-3024.00", "17-3026.00",
    "19-1029.02", "19-2031.00", "19-4021.00", "19-4031.00", "19-4099.01",
    "29-2011.00", "43-5061.00", "43-5081.00", "51-9061.00",
}  # fmt: skip
# Not required, Awareness, Practitioner, Expert.
LEVEL_WEIGHTS = (0.06, 0.12, 0.45, 0.37)
REPEATS = 3

sys.path.insert(0, str(ROOT))

from support import (  # noqa: E402
    database_description,
    in_throwaway_database,
    max_rss_mib,
    save_section,
)


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def load_library(rng: random.Random) -> dict:
    """The classification, the O*NET and ESCO statements and occupations; returns
    the O*NET tasks (as library.Statement) for drawing capabilities from."""
    from django.conf import settings
    from django.core.management import call_command

    from foresight.library import read_esco, read_onet
    from foresight.models import CapabilityStatement, FunctionalArea
    from foresight.models import ReferenceOccupation as Occupation

    call_command("import_classification", verbosity=0)
    path = ROOT / "foresight" / "data" / "classification.json"
    areas = json.loads(path.read_text())["areas"]
    dwa_area = {dwa: area["code"] for area in areas for dwa in area["dwas"]}
    data_dir = Path(settings.REFERENCE_DATA_DIR)
    tasks, onet = read_onet(data_dir, dwa_area)
    skills, esco = read_esco(data_dir)

    area_ids = dict(FunctionalArea.objects.values_list("code", "id"))
    codes = sorted(area_ids)
    for statement in tasks + skills:
        statement.area_code = statement.area_code or rng.choice(codes)
    CapabilityStatement.objects.bulk_create(
        (
            CapabilityStatement(
                text=s.text,
                area_id=area_ids[s.area_code],
                source_kind=s.kind,
                source_ref=s.ref,
            )
            for s in tasks + skills
        ),
        batch_size=2000,
    )
    Occupation.objects.bulk_create(
        (Occupation(source=o.source, code=o.code, title=o.title) for o in onet + esco),
        batch_size=2000,
    )
    occupation_ids = {
        (source, code): pk
        for source, code, pk in Occupation.objects.values_list("source", "code", "pk")
    }
    statement_ids = {
        (kind, ref): pk
        for kind, ref, pk in CapabilityStatement.objects.values_list(
            "source_kind", "source_ref", "pk"
        )
    }
    link = Occupation.statements.through
    links = link.objects.bulk_create(
        (
            link(
                referenceoccupation_id=occupation_ids[o.source, o.code],
                capabilitystatement_id=statement_ids[ref],
            )
            for o in onet + esco
            for ref in o.statement_refs
            if ref in statement_ids
        ),
        batch_size=5000,
        ignore_conflicts=True,
    )
    soc_of = {ref: o.code for o in onet for _kind, ref in o.statement_refs}
    return {
        "tasks": tasks,
        "soc_of": soc_of,
        "statements": len(tasks) + len(skills),
        "occupations": len(onet) + len(esco),
        "links": len(links),
    }


def store_random_vectors(texts: list[str], rng) -> int:
    """Seeded random unit vectors for texts not stored yet; returns how many."""
    import numpy as np

    from foresight import embeddings
    from foresight.models import Embedding

    by_hash = {embeddings.text_hash(text): text for text in texts if text.strip()}
    have = set(
        Embedding.objects.filter(model=embeddings.MODEL_KEY).values_list(
            "text_hash", flat=True
        )
    )
    missing = sorted(set(by_hash) - have)
    vectors = rng.normal(size=(len(missing), embeddings.DIMENSIONS))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(
        np.float32
    )
    Embedding.objects.bulk_create(
        (
            Embedding(
                text_hash=key,
                model=embeddings.MODEL_KEY,
                dimensions=embeddings.DIMENSIONS,
                vector=vector.tobytes(),
            )
            for key, vector in zip(missing, vectors, strict=True)
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(missing)


def build_cycle(name: str, tasks: list, rng: random.Random):
    """A cycle with the reference partners and role levels, a capability per
    task, and a proficiency workshop whose consensus is drawn from the seed."""
    from foresight.models import Cycle, CycleCapability, FunctionalArea
    from workshops.models import ItemConsensus, Round, RoundItem, Workshop

    cycle = Cycle.objects.create(title=name)
    partners = [cycle.partners.create(name=partner) for partner in PARTNERS]
    levels = [
        cycle.role_levels.create(
            name=level, min_academic_level=3 + n, max_academic_level=4 + n
        )
        for n, level in enumerate(ROLE_LEVELS)
    ]
    area_ids = dict(FunctionalArea.objects.values_list("code", "id"))
    capabilities = CycleCapability.objects.bulk_create(
        CycleCapability(
            cycle=cycle,
            text=task.text,
            origin="adopted",
            area_id=area_ids[task.area_code],
            source=f"O*NET task {task.ref}",
        )
        for task in tasks
    )
    link = CycleCapability.partners.through
    link.objects.bulk_create(
        link(cyclecapability_id=capability.pk, supplychainpartner_id=partner.pk)
        for capability in capabilities
        for partner in rng.sample(partners, rng.choice((1, 1, 1, 2)))
    )
    workshop = Workshop.objects.create(
        cycle=cycle, kind="proficiency", title="Proficiency benchmark"
    )
    round = Round.objects.create(workshop=workshop, number=1, status="closed")
    items = RoundItem.objects.bulk_create(
        RoundItem(round=round, capability=capability, role_level=level)
        for capability in capabilities
        for level in levels
    )
    ItemConsensus.objects.bulk_create(
        (
            ItemConsensus(
                item=item,
                n=12,
                reached=rng.random() < 0.8,
                proficiency=rng.choices(range(4), LEVEL_WEIGHTS)[0],
            )
            for item in items
        ),
        batch_size=2000,
    )
    return cycle


def traced(action: Callable[[], object]) -> float:
    """tracemalloc's peak, in MiB, of one call."""
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def embed_capabilities(cycle) -> float:
    """Seconds to embed (and store) the texts of the cycle's capabilities."""
    from foresight import embeddings

    texts = list(cycle.capabilities.values_list("text", flat=True))
    return timed(lambda: embeddings.vectors_for(texts))[0]


def measure(cycle, occupations) -> dict:
    """The algorithm alone, planning, and the whole generation of one cycle, with
    every embedding stored."""
    import numpy as np

    from foresight import embeddings
    from profiles.generation import (
        generate_iteration,
        group_role_level,
        load_inputs,
        plan_profiles,
    )
    from profiles.models import ProfileCapability

    inputs = load_inputs(cycle)
    texts = [inputs.capabilities[pk].text for pk in sorted(inputs.capabilities)]
    embed_warm, vectors = timed(lambda: embeddings.vectors_for(texts))
    vector_of = dict(zip(sorted(inputs.capabilities), vectors, strict=True))

    def algorithm() -> None:
        for level in inputs.role_levels:
            ids = sorted(inputs.required.get(level.pk, {}))
            group_role_level(
                [inputs.capabilities[pk] for pk in ids],
                np.array([vector_of[pk] for pk in ids]),
            )

    algorithm_runs = [timed(algorithm)[0] for _ in range(REPEATS)]
    plan_runs = [
        timed(lambda: plan_profiles(load_inputs(cycle), occupations=occupations))[0]
        for _ in range(REPEATS)
    ]
    whole_runs, iterations = [], []
    for _ in range(REPEATS):
        seconds, iteration = timed(lambda: generate_iteration(cycle))
        whole_runs.append(seconds)
        iterations.append(iteration)
    peak = traced(lambda: generate_iteration(cycle))

    iteration = iterations[-1]
    sizes = [profile.entries.count() for profile in iteration.profiles.all()]
    explanations = ProfileCapability.objects.filter(profile__iteration=iteration)
    moved = Counter(
        "merged" if " merged in" in text else "topped up"
        for text in explanations.values_list("explanation", flat=True)
        if " merged in" in text or " moved in" in text
    )
    return {
        "capabilities": len(texts),
        "placements": sum(sizes),
        "profiles": len(sizes),
        "sizes": (min(sizes), statistics.median(sizes), max(sizes)),
        "moved": moved,
        "embed_warm": embed_warm,
        "algorithm": algorithm_runs,
        "plan": plan_runs,
        "whole": whole_runs,
        "traced_peak": peak,
        "titles": list(
            iteration.profiles.filter(role_level__name="Scientists").values_list(
                "title", flat=True
            )
        ),
    }


def run() -> dict:
    import numpy as np
    import torch

    from foresight import embeddings
    from foresight.models import CapabilityStatement
    from profiles.generation import occupation_centroids

    rng = random.Random(SEED)
    setup_seconds, library = timed(lambda: load_library(rng))
    tasks = library["tasks"]
    near = [task for task in tasks if library["soc_of"].get(task.ref) in NEAR_SOC]
    reference = build_cycle("Reference size", rng.sample(near, 137), rng)
    large = build_cycle("1,000 capabilities", rng.sample(tasks, 1000), rng)

    embeddings.get_model()
    # Capabilities first, so that their texts get real vectors.
    embed_cold = [embed_capabilities(cycle) for cycle in (reference, large)]
    statement_texts = list(
        CapabilityStatement.objects.filter(occupations__isnull=False)
        .distinct()
        .values_list("text", flat=True)
    )
    real = os.environ.get("BENCH_REAL_STATEMENTS") == "1"
    if real:
        statements_seconds, stored = timed(
            lambda: embeddings.embed_missing(statement_texts)
        )
    else:
        statements_seconds, stored = timed(
            lambda: store_random_vectors(statement_texts, np.random.default_rng(SEED))
        )
    centroids_cold, occupations = timed(occupation_centroids)
    centroids_warm, _ = timed(occupation_centroids)
    centroids_peak = traced(occupation_centroids)
    rss_setup = max_rss_mib()

    return {
        "library": library,
        "setup": setup_seconds,
        "real_statements": real,
        "statement_texts": len(statement_texts),
        "statements_stored": stored,
        "statements_seconds": statements_seconds,
        "compared": len(occupations[0]),
        "centroids_cold": centroids_cold,
        "centroids_warm": centroids_warm,
        "centroids_peak": centroids_peak,
        "reference": measure(reference, occupations) | {"embed_cold": embed_cold[0]},
        "large": measure(large, occupations) | {"embed_cold": embed_cold[1]},
        "rss_setup": rss_setup,
        "rss_end": max_rss_mib(),
        "torch_threads": torch.get_num_threads(),
    }


def spread(values: list[float]) -> str:
    return (
        f"{statistics.median(values):.2f} s (min {min(values):.2f}, "
        f"max {max(values):.2f})"
    )


def cycle_rows(name: str, numbers: dict, titles: bool) -> list[str]:
    low, median, high = numbers["sizes"]
    moved = numbers["moved"]
    rows = [
        f"### {name}: {numbers['capabilities']:,} capabilities x 4 role levels",
        "",
        f"{numbers['placements']:,} placements in {numbers['profiles']} profiles "
        f"(sizes {low}–{median:g}–{high}, min–median–max); "
        f"{moved['merged']} placements merged in from small groups, "
        f"{moved['topped up']} moved to top one up.",
        "",
        "| step | wall time |",
        "| --- | --- |",
        f"| embedding the capabilities' texts, cold (model) | "
        f"{numbers['embed_cold']:.2f} s |",
        f"| embedding the capabilities' texts, warm (stored) | "
        f"{numbers['embed_warm']:.2f} s |",
        f"| the algorithm alone: `group_role_level` x 4, in memory "
        f"(median of {REPEATS}) | {spread(numbers['algorithm'])} |",
        f"| `plan_profiles`: load, group, neighbours, explanations, titles "
        f"(median of {REPEATS}) | {spread(numbers['plan'])} |",
        f"| `generate_iteration`, warm, written in one transaction "
        f"(median of {REPEATS}) | {spread(numbers['whole'])} |",
        "",
        f"tracemalloc peak of one `generate_iteration`: "
        f"{numbers['traced_peak']:,.1f} MiB.",
        "",
    ]
    if titles:
        listed = "; ".join(sorted(numbers["titles"]))
        rows += [f"Titles of the profiles at Scientists: {listed}.", ""]
    return rows


def report(numbers: dict) -> str:
    import django

    library = numbers["library"]
    how = (
        "embedded with the model"
        if numbers["real_statements"]
        else "given seeded random unit vectors (BENCH_REAL_STATEMENTS unset)"
    )
    lines = [
        f"## {database_description()}",
        "",
        f"Measured {date.today():%Y-%m-%d} on {os.cpu_count()} cores "
        f"(torch threads {numbers['torch_threads']}), Python "
        f"{platform.python_version()}, Django {django.get_version()}, seed {SEED}.",
        f"Library: {library['statements']:,} statements, "
        f"{library['occupations']:,} occupations, {library['links']:,} links "
        f"(setup {numbers['setup']:.0f} s). {numbers['compared']:,} occupations "
        f"have 3 or more statements and are compared.",
        "",
        "| occupation centroids | wall time |",
        "| --- | --- |",
        f"| {numbers['statements_stored']:,} of {numbers['statement_texts']:,} "
        f"linked statements {how} | {numbers['statements_seconds']:.1f} s |",
        f"| `occupation_centroids`, cold (computed and cached) | "
        f"{numbers['centroids_cold']:.2f} s |",
        f"| `occupation_centroids`, warm (cached) | "
        f"{numbers['centroids_warm']:.2f} s |",
        "",
        f"tracemalloc peak of one warm `occupation_centroids`: "
        f"{numbers['centroids_peak']:,.1f} MiB.",
        "",
    ]
    # Titles mean something only with real statement vectors; the synthetic
    # cycle's are too many to list.
    real = numbers["real_statements"]
    lines += cycle_rows("Reference size", numbers["reference"], real)
    lines += cycle_rows("Synthetic", numbers["large"], False)
    lines += [
        f"Peak RSS (ru_maxrss, the embedding model loaded): "
        f"{numbers['rss_setup']:,.0f} MiB after setup, "
        f"{numbers['rss_end']:,.0f} MiB at the end.",
        "",
    ]
    return "\n".join(lines)


RESULTS_HEADER = """# Generating prototype profiles

`benchmarks/generate_profiles.py`: `profiles.generation.generate_iteration` on a
cycle of the reference cycle's size (137 capabilities x 4 role levels) and on a
1,000-capability synthetic cycle, each with 5 partners and seeded consensus
levels, titled against every O*NET and ESCO reference occupation, in a freshly
migrated throwaway database. Capabilities are O*NET task statements, embedded with
the real model; embedding is timed apart from the algorithm. Default bounds
(5 to 40 capabilities a profile). The Django debug query log is off for the runs.
"""


def main() -> None:
    section = in_throwaway_database(BENCH_DATABASE, lambda: report(run()))
    print(section)
    save_section(RESULTS, RESULTS_HEADER, section)


if __name__ == "__main__":
    main()
