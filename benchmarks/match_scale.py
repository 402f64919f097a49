"""Matching at scale: 25,000 capabilities x 17,149 duties, 384 dimensions.

Times `analysis.matching.top_matches` (top 10 per capability plus every duty at
or above 0.54) on seeded random unit vectors against a bare
`capabilities @ duties.T` of the same shapes (a 1.7 GB float32 result), in the
same run (goal: within 2x of bare), and records peak memory: ru_maxrss of a
process that does only that one computation, and tracemalloc's peak of one more,
traced call (goal: under 1.5 GB). Each measurement runs in a fresh child
process, alternating bare and Foresight, so that one's peak does not hide the
other's. Writes benchmarks/results/match_scale.md.

    .venv/bin/python benchmarks/match_scale.py
"""

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "match_scale.md"
SEED = 20240701
CAPABILITIES, DUTIES, DIMENSIONS = 25_000, 17_149, 384
THRESHOLD, K, BLOCK = 0.54, 10, 2048
REPEATS = 2
GB = 1024**3

sys.path.insert(0, str(ROOT))


def vectors() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    result = []
    for n in (CAPABILITIES, DUTIES):
        rows = rng.standard_normal((n, DIMENSIONS), dtype=np.float32)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        result.append(rows)
    return result[0], result[1]


def max_rss() -> int:
    """Peak resident set of this process, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(kind: str) -> dict:
    from analysis.matching import scores_in_blocks, top_matches

    capabilities, duties = vectors()
    before = max_rss()

    if kind == "traced":
        tracemalloc.start()
        tracemalloc.reset_peak()
    start = time.perf_counter()
    if kind == "bare":
        result = capabilities @ duties.T
        pairs = result.size
    elif kind == "bare_blocks":
        pairs = 0
        for first in range(0, CAPABILITIES, BLOCK):
            pairs += (capabilities[first : first + BLOCK] @ duties.T).size
    elif kind == "blocks":
        pairs = sum(scores.size for _, scores in scores_in_blocks(capabilities, duties))
    else:
        matches = top_matches(
            capabilities, duties, threshold=THRESHOLD, k=K, block=BLOCK
        )
        pairs = sum(len(row) for row in matches)
    seconds = time.perf_counter() - start

    report = {"kind": kind, "seconds": seconds, "pairs": pairs}
    report["rss_inputs"] = before
    report["max_rss"] = max_rss()
    if kind == "traced":
        report["traced_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return report


def measure(kind: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, kind], check=True, capture_output=True, text=True
    )
    report = json.loads(out.stdout)
    print(
        f"  {kind:12} {report['seconds']:7.2f} s   max RSS {report['max_rss'] / GB:.2f} GB",
        flush=True,
    )
    return report


def blas() -> str:
    try:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{config['name']} {config['version']}"
    except (KeyError, TypeError):
        return "unknown"


def main() -> None:
    print(f"{CAPABILITIES:,} x {DUTIES:,} x {DIMENSIONS}, block {BLOCK}", flush=True)
    runs: dict[str, list[dict]] = {
        "bare": [],
        "bare_blocks": [],
        "blocks": [],
        "top": [],
    }
    for _ in range(REPEATS):
        for kind in runs:
            runs[kind].append(measure(kind))
    traced = measure("traced")

    best = {kind: min(r["seconds"] for r in reports) for kind, reports in runs.items()}
    median = {
        kind: statistics.median(r["seconds"] for r in reports)
        for kind, reports in runs.items()
    }
    peak_rss = max(r["max_rss"] for r in runs["top"])
    inputs = runs["top"][0]["rss_inputs"]
    ratio = best["top"] / best["bare"]
    pairs = runs["top"][0]["pairs"]

    lines = [
        "# Matching at scale",
        "",
        f"Run {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__} ({blas()}).",
        "",
        f"{CAPABILITIES:,} capabilities x {DUTIES:,} duties, {DIMENSIONS} dimensions, "
        f"seeded random unit float32 vectors; top {K} plus every duty at or above "
        f"{THRESHOLD}, blocks of {BLOCK} rows. Best (median) of {REPEATS} runs, each in "
        "a fresh process.",
        "",
        "| computation | wall time | vs bare product | peak RSS |",
        "| --- | --- | --- | --- |",
    ]
    names = {
        "bare": "bare `capabilities @ duties.T` (one 1.6 GB result)",
        "bare_blocks": f"bare product in blocks of {BLOCK} rows",
        "blocks": "`scores_in_blocks` (product + clip)",
        "top": "`top_matches`",
    }
    for kind, name in names.items():
        rss = max(r["max_rss"] for r in runs[kind]) / GB
        lines.append(
            f"| {name} | {best[kind]:.2f} s ({median[kind]:.2f} s) "
            f"| {best[kind] / best['bare']:.2f}x | {rss:.2f} GB |"
        )
    lines += [
        "",
        f"- `top_matches` / bare product: **{ratio:.2f}x** (goal: within 2x); "
        f"against the bare product done in the same blocks (no 1.6 GB result to "
        f"fault in) {best['top'] / best['bare_blocks']:.2f}x. {pairs:,} pairs returned "
        f"(random vectors: no score reaches {THRESHOLD}, so {K} a capability).",
        f"- Peak memory of `top_matches`: ru_maxrss **{peak_rss / GB:.2f} GB** for the "
        f"whole process, of which {inputs / GB:.2f} GB before the call (interpreter, "
        f"numpy, the {(CAPABILITIES + DUTIES) * DIMENSIONS * 4 / 1e6:.0f} MB of inputs); "
        f"tracemalloc's peak during one traced call "
        f"**{traced['traced_peak'] / GB:.2f} GB** (goal: under 1.5 GB). "
        "The bare product alone needs 1.6 GB for its result.",
        "",
    ]
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(json.dumps(child(sys.argv[1])))
    else:
        main()
