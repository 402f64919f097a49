"""IfATE import: the full export into an empty schema, then again on top of itself.

Works against whatever DATABASE_URL names, in a throwaway database: a temporary
SQLite file, or for PostgreSQL a database named foresight_bench on the same
server (created, migrated, dropped). Reports wall time, rows per second and
peak memory (ru_maxrss for the process; tracemalloc's peak for one more
re-import run under tracing, since tracing slows the run it measures), and
writes them into benchmarks/results/import_ifate.md, one section per database.

    DEBUG=true .venv/bin/python benchmarks/import_ifate.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/foresight \\
        DEBUG=true .venv/bin/python benchmarks/import_ifate.py
"""

import os
import platform
import re
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "import_ifate.md"
BENCH_DATABASE = "foresight_bench"
TABLES = ("standards", "versions", "duties", "ksbs")

sys.path.insert(0, str(ROOT))

from support import database_description, max_rss_mib, throwaway_database  # noqa: E402


def timed_import(label: str) -> dict:
    from analysis.ifate import default_export_path, import_ifate

    start = time.perf_counter()
    counts = import_ifate(default_export_path())
    seconds = time.perf_counter() - start
    rows = sum(counts[name] for name in TABLES)
    return {
        "label": label,
        "seconds": seconds,
        "rows": rows,
        "rows_per_second": rows / seconds,
        "max_rss_mib": max_rss_mib(),
        "counts": counts,
    }


def traced_import() -> tuple[float, float]:
    """(tracemalloc peak in MiB, wall seconds under tracing) of one re-import."""
    from analysis.ifate import default_export_path, import_ifate

    tracemalloc.start()
    start = time.perf_counter()
    import_ifate(default_export_path())
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, seconds


def report(runs: list[dict], peak_mib: float, traced_seconds: float) -> str:
    import django

    counts = runs[0]["counts"]
    lines = [
        f"## {database_description()}",
        "",
        f"Measured {date.today():%Y-%m-%d} on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Django {django.get_version()}.",
        f"Rows written per run: {runs[0]['rows']:,} ({counts['standards']:,} standards, "
        f"{counts['versions']:,} versions, {counts['duties']:,} duties, "
        f"{counts['ksbs']:,} KSBs).",
        "",
        "| run | wall time | rows per second | peak RSS after (ru_maxrss) |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {run['label']} | {run['seconds']:.1f} s | {run['rows_per_second']:,.0f} "
        f"| {run['max_rss_mib']:,.0f} MiB |"
        for run in runs
    ]
    lines += [
        "",
        f"tracemalloc peak of one import call (a third run, re-import, traced): "
        f"{peak_mib:,.0f} MiB; that run took {traced_seconds:.1f} s under tracing.",
        "",
    ]
    return "\n".join(lines)


def save(section: str) -> None:
    """Replace this database's section of the results file, keeping the others."""
    heading = section.splitlines()[0]
    name = heading.split()[1]
    text = RESULTS.read_text() if RESULTS.exists() else RESULTS_HEADER
    pattern = re.compile(rf"^## {name}\b.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub("", text).rstrip() + "\n\n" + section
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)


RESULTS_HEADER = """# IfATE import benchmark

`benchmarks/import_ifate.py`: the full raw export
(`ifate/apprenticeship_standards_all_versions.json.gz`, 2,170 standard versions)
imported by `analysis.ifate.import_ifate` into a freshly migrated, empty
throwaway database, then re-imported on top of itself (the re-import rewrites
every row in place and keeps every id). Wall time includes reading, checking
and cleaning the file (about 2 s of each run) as well as the writes. The Django
debug query log is switched off for the runs, as it is in production.
"""


def main() -> None:
    url, drop = throwaway_database(os.environ.get("DATABASE_URL", ""), BENCH_DATABASE)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "true")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foresight.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    try:
        call_command("migrate", verbosity=0)
        # The debug cursor would time its own query log too.
        settings.DEBUG = False
        runs = [timed_import("import into empty schema"), timed_import("re-import")]
        peak_mib, traced_seconds = traced_import()
        section = report(runs, peak_mib, traced_seconds)
    finally:
        connections.close_all()
        drop()
    print(section)
    save(section)


if __name__ == "__main__":
    main()
