"""Reading the insight dashboard: every insight page of a cycle shaped like the
demonstration one, with its CSV and JSON, asked for by a signed-in reader a few
requests at a time, against gunicorn (2 workers, as on 2 cores).

In a throwaway database (`foresight_bench_dashboard` on the PostgreSQL server
DATABASE_URL names, by default the local one; a temporary SQLite file for a
SQLite URL) it imports the classification and the IfATE standards, then builds
in seconds a published cycle of the demonstration's shape (`manage.py
load_demo` takes about 14 minutes): 137 capabilities (16 of the reference
cycle's, the rest O*NET task statements placed in their functional areas
through their work activities), 5 partners, 4 role levels, a closed
proficiency round with the reference mix, 1,500 KSBs (IfATE KSB texts), the 25
final profiles, and a complete run of about 1,400 matches against the real
duties of current provision (each capability's ten duties sharing most of its
words, scored from a fixed seed), with six review decisions and the figures
stored as a completed run stores them. After one warm-up request per URL, each
URL is asked for ROUNDS times by 2 client threads, then by 4
(BENCH_CONCURRENCY); the latencies per URL replace this database's section of
benchmarks/results/dashboard_load.md (goal: p95 < 200 ms).

    .venv/bin/python benchmarks/dashboard_load.py
    BENCH_ROUNDS=50 BENCH_CONCURRENCY=1,2 .venv/bin/python benchmarks/dashboard_load.py

The cycle is built in dashboard_cycle.py and the timed client is load_client.py;
this script asks for the pages and writes the report.
"""

import os
import re
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from dashboard_cycle import build_cycle, describe  # noqa: E402
from load_client import free_port, load, percentile, serve, warm_up  # noqa: E402
from support import (  # noqa: E402
    SECRET,
    database_description,
    in_throwaway_database,
    save_section,
)

SERVER = "postgres://postgres@127.0.0.1:5432/foresight"
DATABASE = "foresight_bench_dashboard"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
# Client threads: as many as the workers, then twice as many (requests queue).
CONCURRENCY = [int(n) for n in os.environ.get("BENCH_CONCURRENCY", "2,4").split(",")]
WORKERS = 2
GOAL_MS = 200
SEED = 20250228
RESULTS = ROOT / "benchmarks" / "results" / "dashboard_load.md"


def urls_of(built: dict) -> list[tuple[str, str]]:
    """(name, path) of every insight page, and of each of its downloads."""
    cycle, final = built["cycle"], built["final"]
    insights = f"/cycles/{cycle.pk}/insights"
    matrix = f"/cycles/{cycle.pk}/profiles/{final.pk}/matrix/"
    profile = final.profiles.order_by("id").first()
    detail = f"/cycles/{cycle.pk}/profiles/{final.pk}/{profile.pk}/"
    pages = [
        ("dashboard", f"{insights}/", []),
        (
            "overview",
            f"{insights}/overview/",
            [
                "table=counts&format=csv",
                "table=mix&format=csv",
                "table=mix&format=json",
            ],
        ),
        ("capabilities", f"{insights}/capabilities/", ["format=csv"]),
        (
            "supply chain",
            f"{insights}/supply-chain/",
            [
                "table=capabilities&format=csv",
                "table=summary&format=csv",
                "table=summary&format=json",
            ],
        ),
        ("FOP matrix", matrix, ["format=csv"]),
        ("FOP heat map", f"{insights}/fop-heatmap/{final.pk}/", None),
        ("FOP detail", detail, ["format=csv"]),
        ("future KSBs", f"{insights}/future-ksbs/", ["format=csv", "format=json"]),
        ("matched", f"{insights}/matched/", ["format=csv"]),
        ("fit", f"{insights}/fit/", ["format=csv"]),
        ("fit matrix", f"{insights}/fit-matrix/", ["format=csv", "format=json"]),
        ("FOP matches", f"{insights}/fop-matches/", ["format=csv"]),
        ("FOP provision", f"{insights}/fop-provision/", ["format=csv"]),
        ("priorities", f"{insights}/priorities/", ["format=csv"]),
        ("shift", f"{insights}/shift/", ["format=csv", "format=json"]),
    ]
    urls = []
    for name, path, downloads in pages:
        if downloads is None:  # JSON only
            urls.append((f"{name} JSON", path))
            continue
        urls.append((name, path))
        for query in downloads:
            kind = "CSV" if "csv" in query else "JSON"
            table = re.search(r"table=(\w+)", query)
            label = f"{name} {table.group(1)} {kind}" if table else f"{name} {kind}"
            urls.append((label, f"{path}?{query}"))
    return urls


def report(built: dict, urls: list, warm: dict, results: dict[int, dict]) -> str:
    shape = ", ".join(f"{n:,} {what}" for what, n in describe(built).items())
    times = "; ".join(f"{what} {s:.1f} s" for what, s in built["times"].items())
    lines = [
        f"## {database_description()}",
        "",
        f"Measured {date.today():%Y-%m-%d}: gunicorn ({WORKERS} sync workers, "
        "DEBUG off) and the client threads on the same 2 cores, shared with other "
        f"work; each URL {ROUNDS} times in a shuffled order after one warm-up "
        f"request each. The cycle: {shape}. Built in: {times}.",
    ]
    for clients, result in results.items():
        lines += ["", *_section(urls, warm, clients, result)]
    lines += ["", '"first" is the warm-up request, made alone before the timed ones.']
    return "\n".join(lines) + "\n"


def _section(urls: list, warm: dict, clients: int, result: dict) -> list[str]:
    pages, elapsed = result["pages"], result["elapsed"]
    requests = sum(len(entry["seconds"]) for entry in pages.values())
    errors = sum(entry["errors"] for entry in pages.values())
    every = [s for entry in pages.values() for s in entry["seconds"]]
    rows, over = [], []
    for name, path in urls:
        entry = pages[name]
        p95 = percentile(entry["seconds"], 0.95)
        if p95 >= GOAL_MS:
            over.append(name)
        rows.append(
            f"| {name} | `{path.split('/', 3)[3]}` | "
            f"{percentile(entry['seconds'], 0.5):.0f} | {p95:.0f} | "
            f"{1000 * max(entry['seconds']):.0f} | {warm[name]:.0f} | "
            f"{entry['bytes'] / 1024:.0f} | {entry['errors']} |"
        )
    verdict = (
        f"met by {len(urls) - len(over)} of {len(urls)} URLs; over it: "
        + ", ".join(over)
        if over
        else f"met by all {len(urls)} URLs"
    )
    return [
        f"### {clients} client threads",
        "",
        f"{requests:,} requests in {elapsed:.1f} s ({requests / elapsed:.0f}/s), "
        f"{errors} errors; all together p50 {percentile(every, 0.5):.0f} ms, "
        f"p95 {percentile(every, 0.95):.0f} ms. Goal {verdict}.",
        "",
        "| URL | path (under /cycles/ID/) | p50 ms | p95 ms | max ms | first ms "
        "| KiB | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
    ]


RESULTS_HEADER = f"""# Insight dashboard under load

`benchmarks/dashboard_load.py`: every insight page, CSV and JSON of a published
cycle, asked for by a signed-in reader against gunicorn. Goal: p95 < {GOAL_MS} ms
for every URL.

The cycle is not `load_demo`'s (about 14 minutes to build) but one of the same
shape that the script builds in seconds in a throwaway database, from the real
classification, IfATE standards and KSBs and O*NET tasks, with seeded choices:
the reference cycle's 16 known capabilities and 121 O*NET task statements
placed in their functional areas through their work activities, 5 partners, 4
role levels, a closed proficiency round with the reference mix per role level,
1,500 KSBs, the 25 final profiles, and a complete run over current provision
whose ten matches per capability are the duties sharing most of its words (with
the duties at or above the threshold beyond them), six review decisions and
the stored figures. The library's O*NET and ESCO statements are not loaded: no
insight page reads them (the functional shift reads the current duties'
statements, which are, through their unique source index).

With 2 client threads each worker has one request at a time; with 4 a request
waits on average for one other, so those times are about doubled by queueing
alone.
"""


def measure() -> str:
    """Build the cycle, serve it, load it; the results' section."""
    server = None
    try:
        print("Building the cycle…", flush=True)
        built = build_cycle(SEED)
        print(built["times"], flush=True)
        urls = urls_of(built)
        port = free_port()
        server = serve(port, WORKERS)
        warm = warm_up(port, urls, built["session"])
        results = {}
        for clients in CONCURRENCY:
            print(f"{len(urls)} URLs × {ROUNDS}, {clients} clients…", flush=True)
            results[clients] = load(port, urls, built["session"], clients, ROUNDS, SEED)
        return report(built, urls, warm, results)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


def main() -> None:
    os.environ.setdefault("DATABASE_URL", SERVER)
    # Sessions made here must verify in gunicorn: one secret for both.
    os.environ["SECRET_KEY"] = SECRET
    section = in_throwaway_database(DATABASE, measure)
    print(section)
    save_section(RESULTS, RESULTS_HEADER, section)


if __name__ == "__main__":
    main()
