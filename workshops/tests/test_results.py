import threading
import time

import pytest
from django.db import connection, transaction

from conftest import make_user
from foresight.models import Cycle
from workshops import results
from workshops.anonymity import respondent_for
from workshops.models import (
    ItemConsensus,
    Panellist,
    Rating,
    Round,
    RoundItem,
    RoundStatus,
    Workshop,
    WorkshopKind,
)
from workshops.results import RoundError, close_round, open_round, store_round_consensus
from workshops.tasks import compute_round_consensus

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL's row locks; SQLite lets one writer in at a time",
)


@pytest.fixture
def workshop(cycle) -> Workshop:
    """A proficiency workshop over 3 capabilities at 2 role levels."""
    for name, low, high in (("Technicians", 3, 4), ("Scientists", 5, 6)):
        cycle.role_levels.create(
            name=name, min_academic_level=low, max_academic_level=high
        )
    for number in range(3):
        cycle.capabilities.create(text=f"Capability {number}.", origin="adopted")
    return Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Proficiency"
    )


@pytest.fixture
def panel(workshop) -> list[str]:
    """The pseudonyms of the workshop's four employers."""
    respondents = []
    for number in range(4):
        user = make_user(f"panellist{number}")
        Panellist.objects.create(workshop=workshop, user=user, group="employer")
        respondents.append(respondent_for(workshop.pk, user.pk))
    return respondents


def items_of(round: Round) -> list[RoundItem]:
    """The round's items: each capability at each role level, in that order."""
    return list(round.items.order_by("capability_id", "role_level__min_academic_level"))


def rate(item: RoundItem, panel: list[str], values: list[int | None]) -> None:
    """The first len(values) panellists rate the item; None is "can't judge"."""
    Rating.objects.bulk_create(
        Rating(item=item, respondent=respondent, group="employer", value=value)
        for respondent, value in zip(panel, values, strict=False)
    )


def stored(item: RoundItem) -> ItemConsensus:
    return ItemConsensus.objects.get(item=item)


def rated_first_round(workshop: Workshop, panel: list[str]) -> Round:
    """Round 1 with three items rated: two reach consensus, one does not."""
    round = open_round(workshop, carry_unresolved=False)
    agreed, split, close_enough, *_ = items_of(round)
    rate(agreed, panel, [2, 2, 2, None])
    rate(split, panel, [0, 3, 1, 2])
    rate(close_enough, panel, [1, 1, 2])
    return round


def test_stored_consensus_is_the_hand_computed_one(workshop, panel):
    round = rated_first_round(workshop, panel)
    agreed, split, close_enough, unrated, *_ = items_of(round)

    assert store_round_consensus(round) == 6

    row = stored(agreed)
    assert (row.n, row.skipped, row.counts) == (3, 1, [0, 0, 3, 0])
    assert (row.median, row.iqr, row.agreement) == (2.0, 0.0, 1.0)
    assert (row.reached, row.proficiency) == (True, 2)
    # Sorted 0 1 2 3: Q1 = 0.75, Q3 = 2.25; the upper middle rating is 2.
    row = stored(split)
    assert (row.median, row.iqr, row.agreement) == (1.5, 1.5, 0.25)
    assert (row.reached, row.proficiency) == (False, 2)
    # Sorted 1 1 2: Q1 = 1, Q3 = 1.5; agreement 2/3 misses 70 % but the IQR is in.
    row = stored(close_enough)
    assert (row.median, row.iqr, row.agreement) == (1.0, 0.5, pytest.approx(2 / 3))
    assert (row.reached, row.proficiency) == (True, 1)
    row = stored(unrated)
    assert (row.n, row.median, row.reached, row.proficiency) == (0, None, False, None)
    assert (row.changed_share, row.stable) == (None, None)
    round.refresh_from_db()
    assert round.computed_at is not None


def test_the_cycle_sets_the_rule(workshop, panel):
    Cycle.objects.filter(pk=workshop.cycle_id).update(min_panel_size=4)
    round = rated_first_round(workshop, panel)

    store_round_consensus(Round.objects.get(pk=round.pk))

    agreed, *_ = items_of(round)
    assert not stored(agreed).reached


def test_storing_again_replaces_the_rows(workshop, panel):
    round = rated_first_round(workshop, panel)
    store_round_consensus(round)
    agreed, *_ = items_of(round)
    Rating.objects.filter(item=agreed, value=None).update(value=2)

    store_round_consensus(round)

    assert ItemConsensus.objects.filter(item__round=round).count() == 6
    assert stored(agreed).n == 4


def test_stability_compares_each_panellist_with_round_one(workshop, panel, convener):
    first = rated_first_round(workshop, panel)
    close_round(first.pk, convener)
    second = open_round(workshop, carry_unresolved=False)
    agreed, split, close_enough, unrated, *_ = items_of(second)
    # One of the three who rated it changes; the fourth could not judge before.
    rate(agreed, panel, [3, 2, 2, 2])
    rate(split, panel, [0, 3, 1, 2])
    rate(close_enough, panel, [2, 2, 2])
    rate(unrated, panel, [1, 1, 1])

    store_round_consensus(second)

    assert stored(agreed).changed_share == pytest.approx(1 / 3)
    assert stored(agreed).stable is False
    assert (stored(split).changed_share, stored(split).stable) == (0.0, True)
    assert stored(close_enough).changed_share == pytest.approx(2 / 3)
    assert (stored(unrated).changed_share, stored(unrated).stable) == (None, None)


def test_the_first_round_asks_every_capability_at_every_role_level(workshop):
    round = open_round(workshop, carry_unresolved=False)

    assert (round.number, round.status) == (1, RoundStatus.OPEN)
    assert round.opened_at is not None
    assert round.items.count() == 6
    assert round.items.values("capability", "role_level").distinct().count() == 6


def test_a_first_round_needs_something_to_rate(cycle):
    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Too early"
    )

    with pytest.raises(RoundError, match="no capabilities or role levels"):
        open_round(workshop, carry_unresolved=False)
    assert not workshop.rounds.exists()


def test_other_workshops_get_rounds_without_items(cycle):
    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.CAPTURE, title="Capture"
    )

    round = open_round(workshop, carry_unresolved=True)

    assert round.number == 1
    assert not round.items.exists()


def test_carrying_unresolved_asks_only_items_without_consensus(
    workshop, panel, convener
):
    first = rated_first_round(workshop, panel)
    close_round(first.pk, convener)

    second = open_round(workshop, carry_unresolved=True)

    # The first round's consensus had not been stored yet; opening stored it.
    assert ItemConsensus.objects.filter(item__round=first).count() == 6
    unresolved = first.items.filter(consensus__reached=False)
    assert second.number == 2
    assert set(second.items.values_list("capability", "role_level")) == set(
        unresolved.values_list("capability", "role_level")
    )
    assert second.items.count() == 4


def test_asking_everything_again_carries_every_item(workshop, panel, convener):
    first = rated_first_round(workshop, panel)
    close_round(first.pk, convener)

    second = open_round(workshop, carry_unresolved=False)

    assert second.items.count() == 6


def test_nothing_to_carry_is_refused(workshop, panel, convener):
    round = open_round(workshop, carry_unresolved=False)
    for item in items_of(round):
        rate(item, panel, [3, 3, 3])
    close_round(round.pk, convener)

    with pytest.raises(RoundError, match="Every item reached consensus in round 1"):
        open_round(workshop, carry_unresolved=True)
    assert workshop.rounds.count() == 1


def test_a_second_round_waits_for_the_first_to_close(workshop):
    open_round(workshop, carry_unresolved=False)

    with pytest.raises(RoundError, match="Round 1 is still open"):
        open_round(workshop, carry_unresolved=False)
    assert workshop.rounds.count() == 1


def test_a_round_opened_meanwhile_is_refused_by_the_database(workshop, monkeypatch):
    real_next_pairs = results.next_pairs

    def another_facilitator_opens_one(*args):
        Round.objects.create(workshop=workshop, number=1, status=RoundStatus.OPEN)
        return real_next_pairs(*args)

    monkeypatch.setattr(results, "next_pairs", another_facilitator_opens_one)

    with pytest.raises(RoundError, match="has just been opened"):
        open_round(workshop, carry_unresolved=False)


def test_closing_twice_is_refused_and_changes_nothing(workshop, convener):
    round = open_round(workshop, carry_unresolved=False)
    closed = close_round(round.pk, convener)

    with pytest.raises(RoundError, match=r"^Round 1 is already closed\.$"):
        close_round(round.pk, convener)

    round.refresh_from_db()
    assert round.status == RoundStatus.CLOSED
    assert round.closed_at == closed.closed_at
    assert round.closed_by == convener


def test_a_round_not_yet_opened_cannot_be_closed(workshop, convener):
    draft = Round.objects.create(workshop=workshop, number=1)

    with pytest.raises(RoundError, match="has not been opened"):
        close_round(draft.pk, convener)
    draft.refresh_from_db()
    assert draft.status == RoundStatus.DRAFT


def test_closing_computes_the_consensus_after_commit(
    workshop, panel, convener, eager_celery, django_capture_on_commit_callbacks
):
    round = rated_first_round(workshop, panel)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        close_round(round.pk, convener)

    assert len(callbacks) == 1
    assert ItemConsensus.objects.filter(item__round=round).count() == 6
    round.refresh_from_db()
    assert round.computed_at >= round.closed_at


def test_nothing_is_computed_before_the_close_commits(workshop, convener):
    round = open_round(workshop, carry_unresolved=False)

    close_round(round.pk, convener)

    assert not ItemConsensus.objects.exists()


def test_the_task_skips_a_round_that_is_gone(db):
    assert compute_round_consensus(987654) is None


def test_the_task_returns_the_number_of_items(workshop, panel):
    round = rated_first_round(workshop, panel)

    assert compute_round_consensus(round.pk) == 6


def second_round_of(cycle: Cycle, size: int) -> Round:
    """Round 2 of a new workshop over `size` items, both rounds rated by three."""
    level = cycle.role_levels.create(
        name="Scientists", min_academic_level=5, max_academic_level=6
    )
    for number in range(size):
        cycle.capabilities.create(text=f"Capability {number}.", origin="adopted")
    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Proficiency"
    )
    panel = ["first", "second", "third"]
    for number in (1, 2):
        round = Round.objects.create(workshop=workshop, number=number)
        items = RoundItem.objects.bulk_create(
            RoundItem(round=round, capability=capability, role_level=level)
            for capability in cycle.capabilities.all()
        )
        for item in items:
            rate(item, panel, [1, 2, number])
    return Round.objects.get(pk=round.pk)


# Workshop and cycle, the round's items, its ratings, the previous round's,
# then in a transaction: lock, delete, insert, set computed_at (plus savepoints).
STORE_QUERIES = 11


@pytest.mark.parametrize("size", [5, 50])
def test_storing_takes_the_same_queries_for_few_or_many_items(
    cycle, size, django_assert_max_num_queries
):
    round = second_round_of(cycle, size)

    with django_assert_max_num_queries(STORE_QUERIES):
        assert store_round_consensus(round) == size

    # The third panellist's 1 became a 2 on every item: a third changed.
    assert ItemConsensus.objects.filter(item__round=round, stable=False).count() == size


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_facilitator_closing_at_once_is_told_it_is_closed(
    workshop, panel, convener, eager_celery
):
    round = rated_first_round(workshop, panel)
    first_closed = threading.Event()
    outcomes = {}

    def first() -> None:
        try:
            with transaction.atomic():
                close_round(round.pk, convener)
                first_closed.set()
                # Not committed yet while the second facilitator tries.
                time.sleep(0.5)
            outcomes["first"] = "closed"
        finally:
            connection.close()

    def second() -> None:
        first_closed.wait(timeout=10)
        try:
            close_round(round.pk, convener)
            outcomes["second"] = "closed"
        except RoundError as error:
            outcomes["second"] = str(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == {"first": "closed", "second": "Round 1 is already closed."}
    assert ItemConsensus.objects.filter(item__round=round).count() == 6
