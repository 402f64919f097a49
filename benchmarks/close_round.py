"""Closing a Delphi round at full size: 200 panellists x 137 capabilities x 4 role
levels, 109,600 ratings a round.

Works in a throwaway database named by DATABASE_URL's server: for PostgreSQL a
database named foresight_bench_rounds (created, migrated, dropped), otherwise a
temporary SQLite file. Simulates round 1 reproducibly from a fixed seed, times
`store_round_consensus` on it (goal: under 2 s on 2 cores), then closes round 1,
opens and rates round 2 and times its close, which computes consensus and
stability against round 1 in-process. Reports wall times and peak memory
(ru_maxrss, and tracemalloc's peak for one more, traced computation) into
benchmarks/results/close_round.md, one section per database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/foresight \\
        DEBUG=true .venv/bin/python benchmarks/close_round.py
    DEBUG=true .venv/bin/python benchmarks/close_round.py
"""

import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "close_round.md"
BENCH_DATABASE = "foresight_bench_rounds"
SEED = 20240701
PANELLISTS, CAPABILITIES, ROLE_LEVELS = 200, 137, 4
REPEATS = 3

sys.path.insert(0, str(ROOT))

from support import (  # noqa: E402
    database_description,
    in_throwaway_database,
    max_rss_mib,
    save_section,
)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def build_workshop():
    """A cycle with its role levels and capabilities, and a proficiency workshop
    with its panel; returns the workshop and the panel's pseudonyms."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from foresight.models import Cycle, CycleCapability
    from workshops.anonymity import respondent_for
    from workshops.models import Panellist, Workshop, WorkshopKind

    cycle = Cycle.objects.create(title="Close-round benchmark")
    for number in range(ROLE_LEVELS):
        cycle.role_levels.create(
            name=f"Role level {number}", min_academic_level=3, max_academic_level=6
        )
    CycleCapability.objects.bulk_create(
        CycleCapability(cycle=cycle, text=f"Capability {number}.", origin="adopted")
        for number in range(CAPABILITIES)
    )
    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Proficiency benchmark"
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"panellist{number}", password=make_password(None))
        for number in range(PANELLISTS)
    )
    Panellist.objects.bulk_create(
        Panellist(workshop=workshop, user=user, group="employer") for user in users
    )
    return workshop, [respondent_for(workshop.pk, user.pk) for user in users]


def rate(level: int | None, accuracy: float, rng: random.Random) -> int | None:
    """A simulated panellist's rating of an item whose 'right' level is `level`.

    A contested item (level None) splits the panel into camps at 0 and 3, with
    the rest anywhere, so it never reaches consensus."""
    draw = rng.random()
    if draw < 0.04:
        return None
    if level is None:
        return rng.choice((0, 3)) if draw < 0.04 + accuracy else rng.randrange(4)
    if draw < 0.04 + accuracy:
        return level
    return min(3, max(0, level + rng.choice((-1, 1))))


def rate_round(
    round, panel: list[str], value_for: Callable[[tuple, str], int | None]
) -> float:
    """Every panellist rates every item of the round, `value_for((capability,
    role level), respondent)`; returns the seconds the bulk insert took."""
    from workshops.models import Rating

    items = round.items.values_list("pk", "capability_id", "role_level_id")
    ratings = [
        Rating(
            item_id=item_id,
            respondent=respondent,
            group="employer",
            value=value_for((capability_id, level_id), respondent),
        )
        for item_id, capability_id, level_id in items
        for respondent in panel
    ]
    return timed(lambda: Rating.objects.bulk_create(ratings, batch_size=5000))


def revisions(first, truth: dict, rng: random.Random) -> Callable:
    """Round 2's answers: a panellist rethinks a round-1 rating one time in ten,
    or three times in ten on a contested item."""
    from workshops.models import Rating

    before = {
        (capability_id, level_id, respondent): value
        for capability_id, level_id, respondent, value in Rating.objects.filter(
            item__round=first
        ).values_list(
            "item__capability_id", "item__role_level_id", "respondent", "value"
        )
    }

    def value_for(pair: tuple, respondent: str) -> int | None:
        if rng.random() < (0.3 if truth[pair] is None else 0.1):
            return rate(truth[pair], 0.85, rng)
        return before[(*pair, respondent)]

    return value_for


def traced_store(round) -> float:
    """tracemalloc's peak, in MiB, of one more consensus computation."""
    from workshops.results import store_round_consensus

    tracemalloc.start()
    store_round_consensus(round)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def run() -> dict:
    from workshops.models import ItemConsensus, Rating, Round
    from workshops.results import close_round, open_round, store_round_consensus

    rng = random.Random(SEED)
    workshop, panel = build_workshop()
    first = open_round(workshop, carry_unresolved=False)
    # A fifth of the items are contested, so that consensus and carrying vary.
    truth = {
        pair: rng.choice((0, 1, 1, 2, 2, 2, 3, 3, None, None))
        for pair in first.items.values_list("capability_id", "role_level_id")
    }
    insert_seconds = rate_round(
        first, panel, lambda pair, _: rate(truth[pair], 0.62, rng)
    )
    rss_before = max_rss_mib()

    def fresh(round):
        return Round.objects.select_related("workshop__cycle").get(pk=round.pk)

    stores = [
        timed(lambda: store_round_consensus(fresh(first))) for _ in range(REPEATS)
    ]
    close_first = timed(lambda: close_round(first.pk, None))

    second = open_round(workshop, carry_unresolved=False)
    rate_round(second, panel, revisions(first, truth, rng))
    close_second = timed(lambda: close_round(second.pk, None))
    stored = ItemConsensus.objects.filter(item__round=second)
    unstable = stored.filter(stable=False).count()

    carried = {}
    open_third = timed(
        lambda: carried.update(round=open_round(workshop, carry_unresolved=True))
    )
    return {
        "ratings": Rating.objects.filter(item__round=first).count(),
        "items": first.items.count(),
        "insert": insert_seconds,
        "stores": stores,
        "close_first": close_first,
        "close_second": close_second,
        "reached": [
            ItemConsensus.objects.filter(item__round=round, reached=True).count()
            for round in (first, second)
        ],
        "unstable": unstable,
        "open_third": open_third,
        "carried": carried["round"].items.count(),
        "rss_before": rss_before,
        "rss_after": max_rss_mib(),
        "traced_peak": traced_store(fresh(second)),
    }


def report(numbers: dict) -> str:
    import django

    stores = numbers["stores"]
    reached_first, reached_second = numbers["reached"]
    rows = [
        ("bulk insert of round 1's ratings (setup)", numbers["insert"]),
        (
            f"`store_round_consensus`, round 1 (median of {len(stores)}; "
            f"min {min(stores):.2f} s, max {max(stores):.2f} s)",
            statistics.median(stores),
        ),
        (
            "`close_round`, round 1 (lock, close, task on commit)",
            numbers["close_first"],
        ),
        (
            "`close_round`, round 2 (with stability against round 1)",
            numbers["close_second"],
        ),
        (
            f"`open_round` carrying unresolved items ({numbers['carried']} carried)",
            numbers["open_third"],
        ),
    ]
    lines = [
        f"## {database_description()}",
        "",
        f"Measured {date.today():%Y-%m-%d} on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Django {django.get_version()}.",
        f"{PANELLISTS} panellists x {CAPABILITIES} capabilities x {ROLE_LEVELS} role "
        f"levels: {numbers['items']} items, {numbers['ratings']:,} ratings a round "
        f"(seed {SEED}). Consensus reached on {reached_first} items in round 1 and "
        f"{reached_second} in round 2; {numbers['unstable']} items of round 2 "
        "changed by more than the 15 % stability limit.",
        "",
        "| step | wall time |",
        "| --- | --- |",
    ]
    lines += [f"| {step} | {seconds:.2f} s |" for step, seconds in rows]
    lines += [
        "",
        f"Peak RSS (ru_maxrss): {numbers['rss_before']:,.0f} MiB after setup, "
        f"{numbers['rss_after']:,.0f} MiB at the end. tracemalloc peak of one "
        f"`store_round_consensus` with stability: {numbers['traced_peak']:,.1f} MiB.",
        "",
    ]
    return "\n".join(lines)


RESULTS_HEADER = """# Closing a Delphi round

`benchmarks/close_round.py`: a proficiency workshop of the reference cycle's size
with a large panel (200 simulated employers, 137 capabilities, 4 role levels,
548 items, 109,600 ratings a round), in a freshly migrated throwaway database.
`store_round_consensus` reads a round's ratings in one query, summarises each
item in Python and replaces the round's ItemConsensus rows in one transaction.
`close_round` locks and closes the round and, once committed, runs the consensus
task (in-process here); round 2's also reads round 1's ratings for stability.
The goal is `store_round_consensus` under 2 s on 2 cores. The Django debug query
log is switched off for the runs, as it is in production.
"""


def main() -> None:
    section = in_throwaway_database(BENCH_DATABASE, lambda: report(run()))
    print(section)
    save_section(RESULTS, RESULTS_HEADER, section)


if __name__ == "__main__":
    main()
