"""Launching a run with its choices: the LLM judge's band, the suitability
cut-offs and a chosen subset of standards."""

import io

import pytest
from django.core.management import CommandError, call_command

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


@pytest.fixture
def second_standard(provision):
    version = provision[0].version
    other = type(version.standard).objects.create(
        framework=version.standard.framework, reference="ST2", title="Other"
    )
    other_version = type(version).objects.create(
        standard=other, version="1.0", title="Other", is_current=True, has_duties=True
    )
    other_version.duties.create(code="D1", text="Audit clean-room records.")
    return other_version


def test_a_run_can_compare_a_chosen_subset_of_standards(
    client, convener, cycle, capabilities, second_standard
):
    client.force_login(convener)

    response = client.post(
        f"/cycles/{cycle.pk}/runs/launch/", {"threshold": "0.5", "standards": "st2"}
    )

    assert response.status_code == 302
    run = MatchRun.objects.get()
    assert list(run.versions.all()) == [second_standard]
    run = runs.execute(run)
    duties = set(Match.objects.filter(run=run).values_list("duty__version", flat=True))
    assert duties == {second_standard.pk}


def test_an_unknown_standard_in_the_subset_is_refused(
    client, convener, cycle, capabilities, second_standard
):
    client.force_login(convener)

    response = client.post(
        f"/cycles/{cycle.pk}/runs/launch/",
        {"threshold": "0.5", "standards": "ST2, ST9999 ST8888"},
    )

    assert response.status_code == 400
    assert (
        "No current approved standard with duties for ST8888, ST9999."
        in response.content.decode()
    )
    assert not MatchRun.objects.exists()


def test_the_command_takes_a_subset_of_standards(cycle, capabilities, second_standard):
    out = io.StringIO()

    call_command("run_match", cycle.pk, "--sync", "--standards", "ST1,ST2", stdout=out)

    run = MatchRun.objects.get()
    assert {v.standard.reference for v in run.versions.all()} == {"ST1", "ST2"}
    assert "complete" in out.getvalue()


def test_the_command_refuses_an_unknown_standard(cycle, capabilities, provision):
    with pytest.raises(CommandError, match="No current approved standard"):
        call_command("run_match", cycle.pk, "--standards", "ST404")
    assert not MatchRun.objects.exists()
