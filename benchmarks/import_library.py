"""Library import: wall time and peak memory, cold (nothing embedded yet) and warm
(a re-import, every embedding already stored).

Runs against a fresh SQLite file: migrate, import the classification and the IfATE
export, then time `import_library` twice on the shared data.

    DEBUG=true .venv/bin/python benchmarks/import_library.py
"""

import io
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
database = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{database}"
os.environ.setdefault("DEBUG", "true")
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foresight.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from foresight import embeddings  # noqa: E402
from foresight.library import import_library  # noqa: E402
from foresight.models import CapabilityStatement, Embedding  # noqa: E402


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_import(area_dwas: dict) -> tuple[float, dict]:
    start = time.perf_counter()
    counts = import_library(Path(settings.REFERENCE_DATA_DIR), area_dwas)
    return time.perf_counter() - start, counts


def main() -> None:
    from foresight.classification import load_classification_file
    from foresight.management.commands.import_library import default_classification_path

    call_command("migrate", verbosity=0)
    call_command("import_classification", verbosity=0, stdout=io.StringIO())
    call_command("import_ifate", verbosity=0, stdout=io.StringIO())
    data = load_classification_file(default_classification_path())
    area_dwas = {area["code"]: area["dwas"] for area in data["areas"]}
    embeddings.get_model()
    before = peak_rss_mib()

    cold, counts = timed_import(area_dwas)
    embedded = Embedding.objects.count()
    warm, _ = timed_import(area_dwas)

    lines = [
        f"# Library import ({date.today().isoformat()}, SQLite, 2 cores)",
        "",
        f"- statements: {CapabilityStatement.objects.count():,} "
        f"({counts['onet_tasks']:,} O*NET tasks, {counts['ifate_duties']:,} IfATE duties, "
        f"{counts['esco_skills']:,} ESCO skills); occupations {counts['occupations']:,}, "
        f"links {counts['occupation_links']:,}",
        f"- placed by work activity {counts['placed_by_work_activity']:,}, "
        f"by nearest meaning {counts['placed_by_meaning']:,} ({embedded:,} texts embedded)",
        f"- cold import (embeds what placement needs): {cold:.1f} s",
        f"- warm re-import (embeddings stored; nothing changes): {warm:.1f} s",
        f"- peak RSS: {peak_rss_mib():.0f} MiB (model loaded: {before:.0f} MiB)",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    (ROOT / "benchmarks" / "results" / "import_library.md").write_text(report)


if __name__ == "__main__":
    main()
