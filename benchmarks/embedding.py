"""Embedding throughput: Foresight's embedding path against bare sentence-transformers.

Embeds the duty statements of the 7,572 current approved IfATE standard versions
(from the shared data's duties.csv.gz) twice each way, alternating, in one process,
and reports sentences per second and the ratio (goal: Foresight >= 80 % of bare).
Foresight's path includes hashing and storing the vectors in a fresh SQLite
database; bare is `SentenceTransformer.encode` with its defaults.

    DEBUG=true .venv/bin/python benchmarks/embedding.py
"""

import csv
import gzip
import os
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

import torch  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from foresight import embeddings  # noqa: E402
from foresight.models import Embedding  # noqa: E402


def current_duties() -> list[str]:
    path = Path(settings.REFERENCE_DATA_DIR) / "ifate" / "duties.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as file:
        return [
            row["dutyDetail"]
            for row in csv.DictReader(file)
            if row["is_current_approved"] == "1"
        ]


def bare(texts: list[str]) -> float:
    model = embeddings.get_model()
    start = time.perf_counter()
    model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    return time.perf_counter() - start


def foresight(texts: list[str]) -> float:
    Embedding.objects.all().delete()
    start = time.perf_counter()
    embeddings.embed_missing(texts)
    return time.perf_counter() - start


def main() -> None:
    call_command("migrate", verbosity=0)
    texts = current_duties()
    embeddings.get_model()
    bare(texts[:256])  # warm up

    timings = {"bare": [], "foresight": []}
    for _ in range(2):
        timings["bare"].append(bare(texts))
        timings["foresight"].append(foresight(texts))

    best = {name: min(values) for name, values in timings.items()}
    rate = {name: len(texts) / seconds for name, seconds in best.items()}
    ratio = rate["foresight"] / rate["bare"]
    lines = [
        f"# Embedding throughput ({date.today().isoformat()})",
        "",
        f"- texts: {len(texts):,} duty statements of current approved standards",
        f"- model: {embeddings.MODEL_KEY}, CPU, torch threads {torch.get_num_threads()}, "
        f"{os.cpu_count()} cores",
        f"- bare sentence-transformers encode: best {best['bare']:.1f} s, "
        f"{rate['bare']:.0f} sentences/s (runs: {', '.join(f'{t:.1f}' for t in timings['bare'])})",
        f"- Foresight embed_missing (batch {embeddings.BATCH_SIZE}, hash + store in SQLite): "
        f"best {best['foresight']:.1f} s, {rate['foresight']:.0f} sentences/s "
        f"(runs: {', '.join(f'{t:.1f}' for t in timings['foresight'])})",
        f"- ratio Foresight / bare: {ratio:.2f} (goal >= 0.80)",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    (ROOT / "benchmarks" / "results" / "embedding.md").write_text(report)


if __name__ == "__main__":
    main()
