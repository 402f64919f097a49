"""A run that asks the LLM judge: which pairs it asks about, and what is stored."""

import pytest

from analysis import runs
from analysis.models import Match, MatchRun, RunStatus
from analysis.tests.chat_server import (  # noqa: F401 (chat_server is a fixture)
    RATE_LIMIT,
    chat_server,
)


@pytest.fixture
def judge(chat_server, settings):  # noqa: F811
    settings.OPENAI_BASE_URL = chat_server.base_url
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_MODEL = "test-model"
    return chat_server


def judged_pairs(server) -> int:
    return sum(len(server.pairs(request)) for request in server.requests)


def test_the_judge_is_asked_about_every_pair_in_the_run_band(
    judge, cycle, provision, capabilities
):
    run = runs.launch_run(cycle, None, use_judge=True, judge_band=(0.0, 1.0))

    run = runs.execute(run)

    stored = Match.objects.filter(run=run)
    assert run.status == RunStatus.COMPLETE
    assert judged_pairs(judge) == stored.count() == 12
    assert set(stored.values_list("verdict", flat=True)) == {"match"}
    assert all(m.verdict_rationale.startswith("The duty covers") for m in stored)


def test_pairs_outside_the_band_are_not_sent(judge, cycle, provision, capabilities):
    run = runs.launch_run(cycle, None, use_judge=True, judge_band=(0.999, 1.0))

    run = runs.execute(run)

    assert run.status == RunStatus.COMPLETE
    assert judge.requests == []
    assert set(Match.objects.filter(run=run).values_list("verdict", flat=True)) == {""}


def test_the_band_only_narrows_what_is_asked_never_the_scores(
    judge, cycle, provision, capabilities
):
    bare = runs.execute(runs.launch_run(cycle, None))
    judged = runs.execute(
        runs.launch_run(cycle, None, use_judge=True, judge_band=(0.0, 1.0))
    )

    def scores(run):
        return list(Match.objects.filter(run=run).values_list("score", flat=True))

    assert scores(bare) == scores(judged)


def test_a_judge_that_keeps_refusing_still_lets_the_run_complete(
    judge, cycle, provision, capabilities
):
    judge.script(*[RATE_LIMIT] * 20)
    run = runs.launch_run(cycle, None, use_judge=True, judge_band=(0.0, 1.0))

    run = runs.execute(run)

    assert run.status == RunStatus.COMPLETE
    assert Match.objects.filter(run=run).count() == 12


@pytest.mark.parametrize("band", [(0.7, 0.6), (-0.1, 0.5), (0.5, 1.2)])
def test_a_band_out_of_order_or_range_is_refused(
    judge, cycle, provision, capabilities, band
):
    with pytest.raises(runs.RunError, match=r"score band must lie within 0\.\.1"):
        runs.launch_run(cycle, None, use_judge=True, judge_band=band)
    assert not MatchRun.objects.exists()


def test_the_launch_form_records_the_band_and_cut_offs(
    judge, client, convener, cycle, provision, capabilities
):
    client.force_login(convener)
    form = {
        "threshold": "0.5",
        "use_judge": "on",
        "judge_low": "0.4",
        "judge_high": "0.7",
        "high_fit": "0.8",
        "high_surplus": "0.4",
        "some_fit": "0.3",
    }

    response = client.post(f"/cycles/{cycle.pk}/runs/launch/", form)

    assert response.status_code == 302
    run = MatchRun.objects.get()
    assert (run.judge_low, run.judge_high) == (0.4, 0.7)
    assert (run.high_fit, run.high_surplus, run.some_fit) == (0.8, 0.4, 0.3)
    page = client.get(response["Location"]).content.decode()
    assert "asked about scores 0.4–0.7" in page
    assert "high: best fit ≥ 0.8 with surplus ≤ 0.4; some: best fit ≥ 0.3" in page


def test_empty_cut_offs_take_their_defaults(
    client, convener, cycle, provision, capabilities
):
    client.force_login(convener)

    client.post(
        f"/cycles/{cycle.pk}/runs/launch/", {"threshold": "0.5", "some_fit": ""}
    )

    run = MatchRun.objects.get()
    assert (run.high_fit, run.high_surplus, run.some_fit) == (0.75, 0.5, 0.5)
    assert (run.judge_low, run.judge_high) == (0.45, 0.65)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"judge_low": "0.7", "judge_high": "0.6"}, "upper end is below its lower end"),
        ({"some_fit": "0.9", "high_fit": "0.8"}, "cannot need a higher fit"),
        ({"high_surplus": "2"}, "less than or equal to 1"),
    ],
)
def test_inconsistent_cut_offs_are_refused(
    judge, client, convener, cycle, provision, capabilities, fields, message
):
    client.force_login(convener)

    response = client.post(
        f"/cycles/{cycle.pk}/runs/launch/", {"threshold": "0.5", **fields}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MatchRun.objects.exists()
