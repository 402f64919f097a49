"""The demonstration cycle's match run: 137 capabilities against the 7,572
duties of the current approved standards, with every embedding stored.

Imports the classification and the IfATE export into a throwaway database,
creates the demonstration cycle's capabilities, embeds everything once (cold,
reported but not the point), loads the model, and then times what a match run
costs once that is done (goal: under 2 s of work): `runs.execute` of a fresh
run, launch to complete, in-process, several times. Beside it, in the same
process, the bare numpy work on the same vectors (`capabilities @ duties.T`
and a top-10 per row) as the floor. Writes benchmarks/results/demo_run.md, one
section per database.

    DEBUG=true .venv/bin/python benchmarks/demo_run.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/foresight \\
        DEBUG=true .venv/bin/python benchmarks/demo_run.py
"""

import csv
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "demo_run.md"
BENCH_DATABASE = "foresight_bench_demo_run"
REPEATS = 5

sys.path.insert(0, str(ROOT))

from support import in_throwaway_database, max_rss_mib, save_section  # noqa: E402

HEADER = """# Demonstration match run

137 capabilities of the demonstration cycle against the 7,572 duties of the
current approved IfATE standards, every embedding stored and the model loaded
(`benchmarks/demo_run.py`). Goal: under 2 s of work for a whole run.
"""


def prepare():
    """Reference data, the demonstration capabilities and every embedding."""
    from analysis.ifate import default_export_path, import_ifate
    from analysis.models import Duty
    from analysis.runs import default_versions
    from foresight import demo, embeddings
    from foresight.classification import import_classification, load_classification_file
    from foresight.management.commands.import_library import (
        default_classification_path,
    )

    import_classification(load_classification_file(default_classification_path()))
    import_ifate(default_export_path())
    cycle, _ = demo._load_cycle(
        demo.read_demo_capabilities(demo.demo_capabilities_path())
    )
    cycle.capabilities.bulk_create(
        cycle.capabilities.model(cycle=cycle, text=text, origin="adopted")
        for text in library_tasks(137 - cycle.capabilities.count())
    )

    started = time.perf_counter()
    duties = Duty.objects.filter(version__in=default_versions())
    embeddings.vectors_for(list(duties.values_list("text", flat=True)))
    embeddings.vectors_for(list(cycle.capabilities.values_list("text", flat=True)))
    return cycle, time.perf_counter() - started


def library_tasks(count: int) -> list[str]:
    """O*NET task statements on the cycle's themes, in task-id order.

    The demonstration workshops pick the rest of the cycle's 137 capabilities
    from the library, which needs the library import (minutes of embedding);
    the run's cost depends on the shapes and the kind of text, so statements of
    the same library, on the same themes, stand in for them here.
    """
    from django.conf import settings

    themes = ("cell", "laborator", "quality", "automat", "manufactur", "data")
    path = Path(settings.REFERENCE_DATA_DIR) / "onet" / "Task Statements.txt"
    with path.open(encoding="utf-8") as file:
        rows = sorted(
            csv.DictReader(file, delimiter="\t"), key=lambda r: int(r["Task ID"])
        )
    texts = dict.fromkeys(
        row["Task"]
        for row in rows
        if any(theme in row["Task"].lower() for theme in themes)
    )
    return list(texts)[:count]


def bare(cycle) -> float:
    """The floor: the same product and top 10 per row on vectors already in memory."""
    import numpy as np

    from analysis import runs
    from foresight import embeddings

    run = runs.launch_run(cycle, None)
    duties = runs.provision_of(run).vectors
    capabilities = embeddings.vectors_for(
        list(cycle.capabilities.order_by("id").values_list("text", flat=True))
    )
    run.delete()
    started = time.perf_counter()
    scores = np.clip(capabilities @ duties.T, 0, 1)
    top = np.argpartition(-scores, 10, axis=1)[:, :10]
    np.take_along_axis(scores, top, axis=1)
    return time.perf_counter() - started


def one_run(cycle) -> tuple[float, float, int]:
    """(whole run, reading the provision's vectors, matches stored)."""
    from analysis import runs
    from analysis.models import RunStatus

    started = time.perf_counter()
    run = runs.launch_run(cycle, None)
    read = time.perf_counter()
    runs.provision_of(run)
    read = time.perf_counter() - read
    run = runs.execute(run)
    whole = time.perf_counter() - started
    assert run.status == RunStatus.COMPLETE, run.failure
    return whole, read, run.matches.count()


def measure() -> dict:
    from analysis.models import Duty
    from analysis.runs import default_versions

    cycle, cold = prepare()
    one_run(cycle)  # warm: the model is loaded and the code paths are hot
    wholes, reads, floors, stored = [], [], [], 0
    for _ in range(REPEATS):
        whole, read, stored = one_run(cycle)
        wholes.append(whole)
        reads.append(read)
        floors.append(bare(cycle))
    return {
        "capabilities": cycle.capabilities.count(),
        "duties": Duty.objects.filter(version__in=default_versions()).count(),
        "cold": cold,
        "wholes": wholes,
        "reads": reads,
        "floors": floors,
        "stored": stored,
    }


def report(numbers: dict) -> str:
    from django.db import connection

    whole = statistics.median(numbers["wholes"])
    read = statistics.median(numbers["reads"])
    floor = statistics.median(numbers["floors"])
    database = connection.vendor
    return "\n".join(
        [
            f"## {database} ({date.today().isoformat()})",
            "",
            f"{numbers['capabilities']} capabilities (the demonstration cycle's 16 "
            "and O*NET tasks on its themes) × "
            f"{numbers['duties']:,} duties; "
            f"{numbers['stored']:,} matches stored a run; median of {REPEATS} runs; "
            f"{platform.python_version()}, {os.cpu_count()} CPUs.",
            "",
            "| step | seconds |",
            "| --- | --- |",
            f"| embedding everything once (cold, before timing) | {numbers['cold']:.1f} |",
            f"| **whole run**, launch to complete (goal < 2 s) | **{whole:.2f}** |",
            f"| of which reading the 7,572 stored duty vectors | {read:.2f} |",
            f"| bare numpy product + top 10 on vectors in memory | {floor:.3f} |",
            "",
            f"Whole runs: {', '.join(f'{value:.2f}' for value in numbers['wholes'])} s. "
            f"Peak RSS {max_rss_mib():.0f} MiB (the model and torch included).",
            "",
        ]
    )


def main() -> None:
    section = in_throwaway_database(BENCH_DATABASE, lambda: report(measure()))
    print(section)
    save_section(RESULTS, HEADER, section)


if __name__ == "__main__":
    main()
