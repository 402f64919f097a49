"""Stored fit and surplus figures: refreshed once per burst of review
decisions, never shown when a decision or the threshold has moved on."""

import pytest

from analysis import fit, fit_report, review, runs
from analysis.models import Decision, Match, MatchRun, RunFigures
from analysis.tasks import refresh_run_figures


@pytest.fixture
def run(cycle, convener, provision, capabilities, final):
    run = runs.execute(runs.launch_run(cycle, convener, threshold=0.5))
    run.versions.update(level=4)
    return run


def stored(run) -> RunFigures:
    return RunFigures.objects.get(run=run)


def scientist(results) -> fit.ProfileFit:
    return dict(results)["Scientist"]


def test_a_completed_run_stores_its_figures(
    run, final, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        runs.finish(run)  # already complete: nothing happens
        fit_report.schedule_refresh(run.pk)

    figures = stored(run)
    assert figures.iteration == final
    assert figures.stamp == "threshold=0.5;decision=0"
    assert [row["title"] for row in figures.profiles] == ["Scientist", "Manager"]


def test_stored_figures_equal_computed_ones(run, final):
    fit_report.refresh_figures(run)

    read = fit_report.assess_iteration(run, final)

    assert read == fit_report.compute_iteration(run, final, run.bands)


def test_current_stored_figures_are_what_pages_read(run, final):
    fit_report.refresh_figures(run)
    figures = stored(run)
    figures.profiles[0]["suitability"] = "high"
    figures.save()

    assert scientist(fit_report.assess_iteration(run, final)).suitability == "high"


def test_a_decision_makes_stored_figures_stale(run, final, convener, capabilities):
    fit_report.refresh_figures(run)
    before = scientist(fit_report.assess_iteration(run, final))
    matched = set().union(*(s.matched_capabilities for s in before.top))
    assert capabilities[1].pk in matched
    # No refresh has run yet (on_commit callbacks are not run in this test).
    for match in Match.objects.filter(run=run, capability=capabilities[1]):
        review.decide(match, convener, Decision.REJECT)

    after = scientist(fit_report.assess_iteration(run, final))

    assert capabilities[1].pk in after.unserved
    assert stored(run).stamp == fit_report.figures_stamp(run)


def test_a_new_threshold_makes_stored_figures_stale(run, final, convener):
    fit_report.refresh_figures(run)
    old = stored(run).stamp

    run = runs.apply_threshold(run, 0.99, convener)
    fit_report.assess_iteration(run, final)

    assert stored(run).stamp != old
    assert stored(run).stamp.startswith("threshold=0.99;")
    scientist_row = stored(run).profiles[0]
    assert scientist_row["title"] == "Scientist"
    assert scientist_row["top"][0]["fit"] == 0


def test_a_burst_of_decisions_queues_one_refresh(
    run, convener, capabilities, eager_celery, django_capture_on_commit_callbacks
):
    fit_report.refresh_figures(run)
    matches = list(Match.objects.filter(run=run, capability=capabilities[1]))
    # A refresh is already waiting for its countdown.
    MatchRun.objects.filter(pk=run.pk).update(figures_queued=True)

    with django_capture_on_commit_callbacks(execute=True):
        review.decide(matches[0], convener, Decision.REJECT)
        review.decide_many(matches[1:], convener, Decision.REJECT)

    # Nothing ran: the decisions wait for the refresh already queued.
    assert stored(run).stamp == "threshold=0.5;decision=0"
    assert MatchRun.objects.get(pk=run.pk).figures_queued

    refresh_run_figures(run.pk)

    assert stored(run).stamp == fit_report.figures_stamp(run)
    assert not MatchRun.objects.get(pk=run.pk).figures_queued


def test_a_decision_queues_a_refresh_when_none_is_waiting(
    run, convener, capabilities, eager_celery, django_capture_on_commit_callbacks
):
    fit_report.refresh_figures(run)
    match = Match.objects.filter(run=run, capability=capabilities[1]).first()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review.decide(match, convener, Decision.ACCEPT)

    assert len(callbacks) == 1
    assert (
        stored(run).stamp == fit_report.figures_stamp(run) != "threshold=0.5;decision=0"
    )
    assert not MatchRun.objects.get(pk=run.pk).figures_queued


def test_other_cut_offs_are_computed_not_read(run, final):
    fit_report.refresh_figures(run)
    generous = fit.Bands(high_fit=0.0, high_surplus=1.0, some_fit=0.0)

    results = fit_report.assess_iteration(run, final, generous)

    # The manager has no level-eligible standard: low, whatever the cut-offs.
    assert scientist(results).suitability == fit.Suitability.HIGH
    assert dict(results)["Manager"].suitability == fit.Suitability.LOW
    assert all(row["suitability"] != "high" for row in stored(run).profiles)


def test_the_run_cut_offs_decide_the_band(
    cycle, convener, provision, capabilities, final
):
    generous = fit.Bands(high_fit=0.0, high_surplus=1.0, some_fit=0.0)
    run = runs.execute(runs.launch_run(cycle, convener, threshold=0.5, bands=generous))
    run.versions.update(level=4)

    results = fit_report.assess_iteration(run, final)

    assert scientist(results).suitability == fit.Suitability.HIGH


def test_a_refresh_of_a_run_not_complete_stores_nothing(
    cycle, convener, provision, capabilities, final
):
    run = runs.launch_run(cycle, convener)

    assert refresh_run_figures(run.pk) == 0
    assert not RunFigures.objects.exists()


def test_a_refresh_of_a_deleted_run_does_nothing(db):
    assert refresh_run_figures(12345) == 0
