"""Generating the findings report for a cycle of the reference cycle's size.

Builds, in a throwaway database, a cycle with 137 capabilities, 5 partners,
4 role levels, 25 final profiles, 714 current standards with 7,140 duties and a
complete match run (reports/tests/test_reference_sized.py), then times the
report task (figures, HTML, charts, PDF through WeasyPrint) three times, in
process. Goal: under 30 s. Writes benchmarks/results/report_generation.md.

    DEBUG=true .venv/bin/python benchmarks/report_generation.py
"""

import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "report_generation.md"
REPEATS = 3

sys.path.insert(0, str(ROOT))

from support import in_throwaway_database, max_rss_mib  # noqa: E402


def measure() -> list[tuple[float, int, int]]:
    from django.contrib.auth import get_user_model

    from foresight.models import Cycle
    from reports.generation import request_report
    from reports.models import Report, ReportStatus
    from reports.tasks import generate_report
    from reports.tests.test_reference_sized import reference_sized

    convener = get_user_model().objects.create_user("convener", "c@example.org")
    cycle = Cycle.objects.create(title="Reference-sized cycle", created_by=convener)
    reference_sized(cycle)

    timings = []
    for _ in range(REPEATS):
        report = request_report(cycle, convener)
        started = time.perf_counter()
        generate_report(report.pk)
        elapsed = time.perf_counter() - started
        report = Report.objects.get(pk=report.pk)
        assert report.status == ReportStatus.COMPLETE, report.failure
        timings.append((elapsed, len(report.pdf), len(report.html)))
    return timings


def report(timings: list[tuple[float, int, int]]) -> str:
    seconds = [elapsed for elapsed, _, _ in timings]
    _, pdf, html = timings[-1]
    return "\n".join(
        [
            "# Findings report generation",
            "",
            f"## sqlite ({date.today().isoformat()})",
            "",
            "Reference-sized cycle (137 capabilities, 25 profiles, 714 standards, "
            "7,140 duties, 1,644 matches); the report task in process.",
            "",
            f"- median of {REPEATS}: **{statistics.median(seconds):.1f} s** "
            f"(goal < 30 s); each: {', '.join(f'{s:.1f}' for s in seconds)} s",
            f"- PDF {pdf / 1024:.0f} KiB, HTML {html / 1024:.0f} KiB; "
            f"peak RSS {max_rss_mib():.0f} MiB",
            "",
        ]
    )


def main() -> None:
    section = in_throwaway_database("unused", lambda: report(measure()))
    print(section)
    RESULTS.write_text(section)


if __name__ == "__main__":
    main()
