"""Saving one proficiency rating under 200 concurrent panellists, against gunicorn
and PostgreSQL on 127.0.0.1.

Creates (and afterwards drops) the database `foresight_bench_load` on the server
that DATABASE_URL names, sets up a proficiency workshop with 137 capabilities x 4
role levels and 200 invited employers, starts gunicorn on a loopback port, and
has 200 client threads each save SAVES ratings, pausing THINK seconds between
answers as a reader would (a few saves repeat an item, to check that a repeated
save updates instead of duplicating). Reports latency percentiles,
errors, and whether the stored ratings are exactly the last values sent.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/foresight \\
        DEBUG=true .venv/bin/python benchmarks/rating_load.py
"""

import http.client
import os
import random
import statistics
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from support import SECRET, signed_in_session, start_gunicorn  # noqa: E402

BASE_URL = os.environ.get(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/foresight"
)
BENCH_URL = BASE_URL.rsplit("/", 1)[0] + "/foresight_bench_load"
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DEBUG", "true")
os.environ["LOG_LEVEL"] = "WARNING"
# Sessions made here must verify in gunicorn: one secret for both.
os.environ["SECRET_KEY"] = SECRET
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foresight.settings")

CLIENTS = 200
SAVES = 10
REPEATS = 2  # of each client's saves, this many go to an item it already rated
PORT = 8765
# Seconds a panellist spends reading and choosing between two answers (BENCH_THINK,
# "min,max"). With none, 200 clients firing back to back measure queueing on two
# cores rather than what a panel does; both are recorded in the results.
THINK = tuple(float(x) for x in os.environ.get("BENCH_THINK", "3,8").split(","))
CSRF = "benchmarkcsrftokenbenchmarkcsrft"  # 32 characters, cookie and header alike


def recreate_database() -> None:
    import psycopg

    admin = BASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS foresight_bench_load")
        connection.execute("CREATE DATABASE foresight_bench_load")


def drop_database() -> None:
    import psycopg

    admin = BASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS foresight_bench_load")


def set_up() -> tuple[str, list[tuple[str, list[int], str]]]:
    """The workshop's rate URL and, per client, its session key, item ids and
    respondent pseudonym."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.urls import reverse

    from foresight.models import Cycle, Membership, Role
    from workshops.anonymity import respondent_for
    from workshops.models import Panellist, Workshop, WorkshopKind
    from workshops.results import open_round

    call_command("migrate", verbosity=0)
    cycle = Cycle.objects.create(title="Load benchmark")
    for index in range(4):
        cycle.role_levels.create(
            name=f"Level {index}", min_academic_level=3, max_academic_level=6
        )
    for index in range(137):
        cycle.capabilities.create(text=f"Capability {index}.", origin="adopted")
    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Load"
    )

    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"p{index}@bench.example", email=f"p{index}@bench.example"
        )
        for index in range(CLIENTS)
    )
    Membership.objects.bulk_create(
        Membership(user=user, cycle=cycle, role=Role.EMPLOYER) for user in users
    )
    Panellist.objects.bulk_create(
        Panellist(workshop=workshop, user=user, group=Role.EMPLOYER) for user in users
    )
    round_ = open_round(workshop, carry_unresolved=False)
    item_ids = list(round_.items.values_list("id", flat=True))

    rng = random.Random(7)
    clients = []
    for user in users:
        session = signed_in_session(user)
        items = rng.sample(item_ids, SAVES - REPEATS)
        respondent = respondent_for(workshop.pk, user.pk)
        clients.append((session, items + items[:REPEATS], respondent))
    url = reverse("proficiency_rate", args=[cycle.pk, workshop.pk])
    return url, clients


def run_client(
    url: str, session_key: str, items: list[int], respondent: str, seed: int, out: dict
) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {
        "Cookie": f"sessionid={session_key}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
    }
    for item in items:
        value = rng.randint(0, 3)
        time.sleep(rng.uniform(*THINK))
        body = urlencode({"item": item, f"value-{item}": value})
        start = time.perf_counter()
        try:
            connection.request("POST", url, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:
            ok = False
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        out["latencies"].append(time.perf_counter() - start)
        if ok:
            out["sent"][(respondent, item)] = value
        else:
            out["errors"] += 1


def main() -> None:
    recreate_database()
    try:
        url, clients = set_up()
        server = start_gunicorn(PORT, workers=5)
        time.sleep(4)
        out = {"latencies": [], "sent": {}, "errors": 0}
        threads = [
            threading.Thread(target=run_client, args=(url, key, items, who, index, out))
            for index, (key, items, who) in enumerate(clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        server.terminate()
        server.wait(timeout=10)
        report(out, elapsed)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database()


def report(out: dict, elapsed: float) -> None:
    from workshops.models import Rating

    latencies = sorted(out["latencies"])
    quantiles = statistics.quantiles(latencies, n=100)
    stored = Rating.objects.count()
    expected = len(out["sent"])
    stored_values = {
        (respondent, item): value
        for respondent, item, value in Rating.objects.values_list(
            "respondent", "item_id", "value"
        )
    }
    values = "yes" if stored_values == out["sent"] else "NO"
    lines = [
        f"# Saving a rating under {CLIENTS} concurrent clients ({date.today().isoformat()})",
        "",
        f"gunicorn (5 sync workers) + PostgreSQL on 127.0.0.1, 2 cores; think time "
        f"{THINK[0]}–{THINK[1]} s between a client's saves; "
        f"{len(latencies):,} saves in {elapsed:.1f} s ({len(latencies) / elapsed:.0f}/s)",
        "",
        f"- latency p50 {quantiles[49] * 1000:.0f} ms, p95 {quantiles[94] * 1000:.0f} ms, "
        f"p99 {quantiles[98] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
        "(goal: p95 < 100 ms)",
        f"- errors: {out['errors']}",
        f"- ratings stored {stored:,}, distinct (panellist, item) pairs sent {expected:,}: "
        f"{'no lost or duplicated rating' if stored == expected else 'MISMATCH'}",
        f"- stored values equal the last value sent: {values}",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    with (ROOT / "benchmarks" / "results" / "rating_load.md").open("a") as file:
        file.write(text + "\n")


if __name__ == "__main__":
    main()
