"""The reviewers' queue of a complete run: order, filters, decisions and access."""

import pytest

from analysis import review
from analysis.models import (
    Duty,
    Framework,
    Match,
    MatchRun,
    ReviewDecision,
    RunStatus,
    Standard,
    StandardVersion,
)
from conftest import join, make_user
from foresight.models import Domain, Function, FunctionalArea, Role

HTMX = {"HTTP_HX_REQUEST": "true"}
# (capability, duty, score, verdict) with the threshold at 0.54.
PAIRS = [
    (0, 0, 0.90, ""),
    (0, 1, 0.55, "match"),
    (1, 2, 0.30, "no_match"),
    (1, 0, 0.50, "partial"),
    (2, 3, 0.60, ""),
]


@pytest.fixture
def areas(db) -> list[FunctionalArea]:
    """An area under each of the first two functions of the classification."""
    made = []
    for n, function in enumerate(Function.objects.order_by("position")[:2]):
        domain = Domain.objects.create(
            function=function, code=f"TD{n}", name=f"Test domain {n}"
        )
        made.append(
            FunctionalArea.objects.create(
                domain=domain, code=f"TA{n}", name=f"Test area {n}"
            )
        )
    return made


@pytest.fixture
def duties(db) -> list[Duty]:
    framework = Framework.objects.create(slug="ifate", name="IfATE")
    made = []
    for reference in ["ST1", "ST2"]:
        standard = Standard.objects.create(
            framework=framework, reference=reference, title=f"Title {reference}"
        )
        version = StandardVersion.objects.create(
            standard=standard, version="1.0", title="T", level=3, is_current=True
        )
        made += [
            Duty.objects.create(version=version, code=f"D{n}", text=f"Duty {n}")
            for n in (1, 2)
        ]
    return made


def make_run(cycle, duties, pairs=PAIRS, **fields) -> MatchRun:
    fields = {"status": RunStatus.COMPLETE, "model": "m", "threshold": 0.54} | fields
    run = MatchRun.objects.create(
        cycle=cycle, framework=duties[0].version.standard.framework, **fields
    )
    run.versions.set({duty.version for duty in duties})
    capabilities = list(cycle.capabilities.order_by("id"))
    Match.objects.bulk_create(
        Match(
            run=run,
            capability=capabilities[capability],
            duty=duties[duty],
            score=score,
            rank=1,
            verdict=verdict,
            verdict_rationale=f"Because {verdict}" if verdict else "",
        )
        for capability, duty, score, verdict in pairs
    )
    return run


@pytest.fixture
def run(cycle, convener, areas, duties) -> MatchRun:
    for n, area in enumerate([areas[0], areas[1], None]):
        cycle.capabilities.create(text=f"Capability {n}", origin="adopted", area=area)
    return make_run(cycle, duties, launched_by=convener)


@pytest.fixture
def reviewer(cycle):
    user = make_user("reviewer")
    join(user, cycle, Role.REVIEWER)
    return user


def scores(matches) -> list[float]:
    return [match.score for match in matches]


def queue_url(run) -> str:
    return f"/cycles/{run.cycle_id}/review/{run.pk}/"


def decide_url(match) -> str:
    return f"{queue_url(match.run)}matches/{match.pk}/"


# The queue


def test_the_queue_puts_the_matches_nearest_the_threshold_first(run):
    matches = review.queue(run)

    assert scores(matches) == [0.55, 0.50, 0.60, 0.30, 0.90]
    assert matches[0].distance == pytest.approx(0.01)


@pytest.mark.parametrize(
    "band, expected",
    [("low", [0.30]), ("near", [0.55, 0.50, 0.60]), ("high", [0.90])],
)
def test_the_queue_filters_by_score_band(run, band, expected):
    assert scores(review.queue(run, band=band)) == expected


def test_the_queue_filters_by_explicit_scores(run):
    assert scores(review.queue(run, min_score=0.5, max_score=0.6)) == [0.55, 0.5, 0.6]


def test_an_unknown_band_is_refused(run):
    with pytest.raises(review.ReviewError):
        review.queue(run, band="middling")


def test_the_queue_filters_by_function(run, areas):
    function = areas[1].domain.function_id

    assert scores(review.queue(run, function_id=function)) == [0.50, 0.30]


def test_the_queue_filters_by_standard(run):
    assert scores(review.queue(run, standard="ST2")) == [0.60, 0.30]


def test_the_queue_filters_by_verdict(run):
    assert scores(review.queue(run, verdict="partial")) == [0.50]
    assert scores(review.queue(run, verdict="")) == [0.60, 0.90]


@pytest.mark.parametrize("status", [RunStatus.RUNNING, RunStatus.FAILED])
def test_only_a_complete_run_has_a_queue(run, status):
    run.status = status

    with pytest.raises(review.ReviewError):
        review.queue(run)


# Decisions


def test_a_decision_records_its_reviewer_and_time(run, reviewer):
    match = review.queue(run)[0]

    decision = review.decide(match, reviewer, "accept", "  Clearly the same.  ")

    assert decision.reviewer == reviewer
    assert decision.decided_at is not None
    assert decision.comment == "Clearly the same."


def test_a_later_decision_keeps_the_earlier_one(run, reviewer, convener):
    match = review.queue(run)[0]
    review.decide(match, reviewer, "accept")

    later = review.decide(match, convener, "reject", "Too broad.")

    assert ReviewDecision.objects.filter(match=match).count() == 2
    assert review.latest_decisions(run) == {match.pk: later}


def test_latest_decisions_takes_one_query(run, reviewer, django_assert_num_queries):
    for match in Match.objects.filter(run=run):
        review.decide(match, reviewer, "partial")

    with django_assert_num_queries(1):
        assert len(review.latest_decisions(run)) == len(PAIRS)


def test_a_decision_must_be_one_of_the_three(run, reviewer):
    with pytest.raises(review.ReviewError):
        review.decide(review.queue(run)[0], reviewer, "maybe")


def test_a_match_of_an_incomplete_run_cannot_be_decided(run, reviewer):
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.CANCELLED)
    match = Match.objects.select_related("run").filter(run=run).first()

    with pytest.raises(review.ReviewError):
        review.decide(match, reviewer, "accept")


def test_decide_many_decides_every_match_given(run, reviewer):
    count = review.decide_many(review.queue(run, band="near"), reviewer, "accept")

    assert count == 3
    decided = ReviewDecision.objects.values_list("match__score", flat=True)
    assert sorted(decided) == [0.50, 0.55, 0.60]


# The pages


def test_a_reviewer_sees_the_queue_with_rows_in_order(client, run, reviewer):
    client.force_login(reviewer)

    response = client.get(queue_url(run))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert 'tabindex="0"' in page
    assert "Because partial" in page
    assert [match.score for match in response.context["page"]][:2] == [0.55, 0.50]


def test_the_queue_answers_htmx_with_its_fragment(client, run, reviewer):
    client.force_login(reviewer)

    response = client.get(queue_url(run), {"band": "high"}, **HTMX)

    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="queue">')
    assert "1 match." in page


def test_the_queue_filters_from_its_form(client, run, reviewer):
    client.force_login(reviewer)

    response = client.get(queue_url(run), {"standard": "ST1", "verdict": "unjudged"})

    assert scores(response.context["page"]) == [0.90]


def test_the_convener_may_review(client, run, convener):
    client.force_login(convener)

    assert client.get(queue_url(run)).status_code == 200


def test_a_panellist_may_not_see_the_queue(client, run, employer):
    client.force_login(employer)

    assert client.get(queue_url(run)).status_code == 403


def test_an_outsider_is_told_nothing(client, run, outsider):
    client.force_login(outsider)

    assert client.get(queue_url(run)).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, run):
    response = client.get(queue_url(run))

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_an_incomplete_run_is_refused(client, run, reviewer):
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    client.force_login(reviewer)

    response = client.get(queue_url(run))

    assert response.status_code == 400
    assert "only a complete run" in response.content.decode()


def test_the_queue_of_a_run_of_another_cycle_is_not_found(
    client, run, reviewer, other_cycle, duties
):
    other_cycle.capabilities.create(text="Elsewhere", origin="adopted")
    other = make_run(other_cycle, duties, pairs=[(0, 0, 0.5, "")])
    client.force_login(reviewer)

    response = client.get(f"/cycles/{run.cycle_id}/review/{other.pk}/")

    assert response.status_code == 404


def test_the_queue_runs_a_bounded_number_of_queries(
    client, cycle, reviewer, areas, duties, django_assert_max_num_queries
):
    area = areas[0]
    for n in range(10):
        cycle.capabilities.create(text=f"Capability {n}", origin="adopted", area=area)
    pairs = [(n // 4, n % 4, n / 40, "match") for n in range(40)]
    run = make_run(cycle, duties, pairs=pairs)
    for match in Match.objects.filter(run=run)[:20]:
        review.decide(match, reviewer, "accept")
    client.force_login(reviewer)

    with django_assert_max_num_queries(12):
        response = client.get(queue_url(run))

    assert response.context["page"].paginator.count == 40


def test_a_decision_from_a_plain_form_returns_to_the_filtered_queue(
    client, run, reviewer
):
    match = review.queue(run)[0]
    client.force_login(reviewer)

    response = client.post(
        decide_url(match),
        {"decision": "accept", "comment": "Yes", "query": "band=near"},
    )

    assert response.status_code == 302
    assert response.url == f"{queue_url(run)}?band=near#match-{match.pk}"
    decision = ReviewDecision.objects.get(match=match)
    assert (decision.decision, decision.reviewer, decision.comment) == (
        "accept",
        reviewer,
        "Yes",
    )


def test_a_decision_through_htmx_returns_its_row(client, run, reviewer):
    match = review.queue(run)[0]
    client.force_login(reviewer)

    response = client.post(decide_url(match), {"decision": "partial"}, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<tr id="match-{match.pk}"')
    assert "Partial" in page


def test_a_bad_decision_is_refused_and_nothing_is_stored(client, run, reviewer):
    match = review.queue(run)[0]
    client.force_login(reviewer)

    response = client.post(decide_url(match), {"decision": "maybe"})

    assert response.status_code == 400
    assert not ReviewDecision.objects.exists()


def test_a_match_of_another_run_is_not_found(client, run, reviewer, duties, cycle):
    other = make_run(cycle, duties, pairs=[(0, 0, 0.5, "")])
    match = Match.objects.get(run=other)
    client.force_login(reviewer)

    response = client.post(
        f"{queue_url(run)}matches/{match.pk}/", {"decision": "accept"}
    )

    assert response.status_code == 404
    assert not ReviewDecision.objects.exists()


def test_a_panellist_may_not_decide(client, run, employer):
    client.force_login(employer)

    response = client.post(decide_url(review.queue(run)[0]), {"decision": "accept"})

    assert response.status_code == 403


def test_a_bulk_decision_covers_only_the_filtered_matches(client, run, reviewer):
    client.force_login(reviewer)

    response = client.post(
        f"{queue_url(run)}bulk/",
        {"band": "near", "verdict": "match", "decision": "reject", "query": "x=1"},
    )

    assert response.status_code == 302
    decided = ReviewDecision.objects.get()
    assert (decided.match.score, decided.decision) == (0.55, "reject")


def test_the_history_lists_every_decision_latest_first(client, run, reviewer, convener):
    match = review.queue(run)[0]
    review.decide(match, reviewer, "accept", "First look")
    review.decide(match, convener, "reject", "Second look")
    client.force_login(reviewer)
    url = f"{decide_url(match)}history/"

    page = client.get(url).content.decode()
    fragment = client.get(url, **HTMX).content.decode()

    assert "<html" in page
    assert "<html" not in fragment
    assert fragment.index("Second look") < fragment.index("First look")
