"""The match-run pages: list, launch, progress, cancel, calibration and access."""

import pytest

from analysis import runs
from analysis.models import Match, MatchRun, ReviewDecision, RunStatus

HTMX = {"HTTP_HX_REQUEST": "true"}
POLL = 'hx-trigger="every 2s"'


@pytest.fixture
def queued(cycle, convener, provision, capabilities) -> MatchRun:
    return runs.launch_run(cycle, convener)


@pytest.fixture
def complete(queued) -> MatchRun:
    return runs.execute(queued)


def list_url(cycle) -> str:
    return f"/cycles/{cycle.pk}/runs/"


def run_url(run: MatchRun) -> str:
    return f"/cycles/{run.cycle_id}/runs/{run.pk}/"


def test_a_launched_run_completes_and_shows_its_counts(
    client,
    convener,
    cycle,
    provision,
    capabilities,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    client.force_login(convener)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cycles/{cycle.pk}/runs/launch/", {"threshold": "0.5"})

    run = MatchRun.objects.get(cycle=cycle)
    assert response.status_code == 302
    assert response["Location"] == run_url(run)
    assert run.status == RunStatus.COMPLETE
    assert run.threshold == 0.5
    counts = runs.summary(run)
    page = client.get(run_url(run)).content.decode()
    assert f"{counts['served']} of 3 capabilities served" in page
    assert f"{counts['not_served']} not served" in page
    assert f"/cycles/{cycle.pk}/review/{run.pk}/" in page
    listing = client.get(list_url(cycle)).content.decode()
    assert f"<td>{counts['served']}</td>" in listing


@pytest.mark.parametrize("value", ["1.5", "-0.1", "high", ""])
def test_a_bad_threshold_is_refused_and_nothing_is_stored(
    client, convener, cycle, provision, capabilities, value
):
    client.force_login(convener)

    response = client.post(f"/cycles/{cycle.pk}/runs/launch/", {"threshold": value})

    assert response.status_code == 400
    assert "a number from 0 to 1" in response.content.decode()
    assert not MatchRun.objects.exists()


def test_a_run_that_cannot_start_is_refused_with_its_reason(
    client, convener, cycle, provision
):
    client.force_login(convener)

    response = client.post(f"/cycles/{cycle.pk}/runs/launch/", {"threshold": "0.5"})

    assert response.status_code == 400
    assert "no capabilities to match" in response.content.decode()
    assert not MatchRun.objects.exists()


def test_the_judge_checkbox_shows_only_when_a_judge_is_configured(
    client, convener, cycle, settings
):
    client.force_login(convener)
    settings.OPENAI_BASE_URL = settings.OPENAI_MODEL = ""
    assert 'name="use_judge"' not in client.get(list_url(cycle)).content.decode()

    settings.OPENAI_BASE_URL, settings.OPENAI_MODEL = "http://judge", "judge-model"
    assert 'name="use_judge"' in client.get(list_url(cycle)).content.decode()


def test_progress_is_a_fragment_for_htmx_and_a_page_otherwise(client, convener, queued):
    client.force_login(convener)

    fragment = client.get(run_url(queued), **HTMX).content.decode()
    page = client.get(run_url(queued)).content.decode()

    assert fragment.lstrip().startswith('<section id="progress"')
    assert "<html" not in fragment
    assert "<html" in page
    assert 'id="progress"' in page
    assert "<progress" in fragment


def test_a_run_under_way_polls_and_a_complete_one_does_not(client, convener, queued):
    client.force_login(convener)
    runs.start(queued)
    assert POLL in client.get(run_url(queued), **HTMX).content.decode()

    runs.execute(queued)  # start is a no-op on a running run; batches then finish
    queued.refresh_from_db()
    assert queued.status == RunStatus.COMPLETE
    assert POLL not in client.get(run_url(queued), **HTMX).content.decode()
    assert POLL not in client.get(run_url(queued)).content.decode()


def test_a_failed_run_shows_its_reason(client, convener, queued):
    client.force_login(convener)
    runs.start(queued)
    runs.fail(queued, "Batch 1: RuntimeError: out of memory")

    page = client.get(run_url(queued)).content.decode()

    assert "Failed" in page
    assert "Batch 1: RuntimeError: out of memory" in page
    assert POLL not in page


def test_a_convener_cancels_a_queued_run(client, convener, queued):
    client.force_login(convener)

    response = client.post(f"{run_url(queued)}cancel/")

    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.status == RunStatus.CANCELLED


def test_a_complete_run_cannot_be_cancelled(client, convener, complete):
    client.force_login(convener)

    response = client.post(f"{run_url(complete)}cancel/")

    assert response.status_code == 400
    assert "only a queued or running run can be cancelled" in (
        response.content.decode()
    )
    complete.refresh_from_db()
    assert complete.status == RunStatus.COMPLETE


def test_cancel_rejects_get(client, convener, queued):
    client.force_login(convener)

    assert client.get(f"{run_url(queued)}cancel/").status_code == 405


def decide(match: Match, user, *decisions: str) -> None:
    for decision in decisions:
        ReviewDecision.objects.create(match=match, decision=decision, reviewer=user)


def test_the_threshold_is_optimised_from_the_latest_decisions(
    client, convener, complete
):
    client.force_login(convener)
    matches = list(Match.objects.filter(run=complete).order_by("-score"))
    top, second, third, bottom = matches[0], matches[1], matches[2], matches[-1]
    decide(top, convener, "accept")
    decide(second, convener, "reject", "accept")  # the latest decision counts
    decide(third, convener, "accept", "reject")
    decide(bottom, convener, "partial")  # neither accept nor reject: ignored

    page = client.get(run_url(complete)).content.decode()

    # Both accepted pairs are the two highest: the best threshold is the second.
    assert f"<strong>{second.score:.3f}</strong>" in page
    assert "precision 1.00, recall 1.00" in page
    assert "from 3 labels" in page
    assert "<caption>Precision and recall at each threshold</caption>" in page
    assert f"<td>{third.score:.3f}</td><td>0.67</td><td>1.00</td>" in page


def test_without_an_accepted_pair_there_is_no_threshold_yet(client, convener, complete):
    client.force_login(convener)
    decide(Match.objects.filter(run=complete).first(), convener, "reject")

    page = client.get(run_url(complete)).content.decode()

    assert "Not enough review decisions yet" in page


def test_a_reviewer_sees_runs_but_may_not_launch_or_cancel(client, reviewer, queued):
    client.force_login(reviewer)
    cycle = queued.cycle

    listing = client.get(list_url(cycle))
    assert listing.status_code == 200
    assert "run_launch" not in listing.content.decode()
    assert f"/cycles/{cycle.pk}/runs/launch/" not in listing.content.decode()
    detail = client.get(run_url(queued))
    assert detail.status_code == 200
    assert "Cancel this run" not in detail.content.decode()

    launch = client.post(f"/cycles/{cycle.pk}/runs/launch/", {"threshold": "0.5"})
    assert launch.status_code == 403
    assert client.post(f"{run_url(queued)}cancel/").status_code == 403
    assert MatchRun.objects.count() == 1
    queued.refresh_from_db()
    assert queued.status == RunStatus.QUEUED


def test_a_convener_sees_the_launch_form_and_the_cancel_button(
    client, convener, queued
):
    client.force_login(convener)

    listing = client.get(list_url(queued.cycle)).content.decode()
    detail = client.get(run_url(queued)).content.decode()

    assert f"/cycles/{queued.cycle_id}/runs/launch/" in listing
    assert 'value="0.54"' in listing
    assert "Cancel this run" in detail


@pytest.mark.parametrize(
    ("user", "status"), [("employer", 403), ("reader", 403), ("outsider", 404)]
)
def test_other_members_get_403_and_outsiders_404(client, request, queued, user, status):
    client.force_login(request.getfixturevalue(user))
    cycle = queued.cycle

    assert client.get(list_url(cycle)).status_code == status
    assert client.get(run_url(queued)).status_code == status
    launch = client.post(f"/cycles/{cycle.pk}/runs/launch/", {"threshold": "0.5"})
    assert launch.status_code == status
    assert client.post(f"{run_url(queued)}cancel/").status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, queued):
    response = client.get(list_url(queued.cycle))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_run_of_another_cycle_is_not_found(client, outsider, other_cycle, queued):
    client.force_login(outsider)

    assert client.get(f"/cycles/{other_cycle.pk}/runs/{queued.pk}/").status_code == 404


def test_the_list_costs_a_bounded_number_of_queries(
    client, convener, complete, django_assert_max_num_queries
):
    client.force_login(convener)
    cycle = complete.cycle
    for _ in range(4):
        runs.execute(runs.launch_run(cycle, convener))

    # Session, user, cycle, roles, count and page; then two per complete run
    # (runs.summary), and the page never shows more than ten.
    with django_assert_max_num_queries(6 + 2 * 5):
        response = client.get(list_url(cycle))

    assert response.status_code == 200
    assert response.content.decode().count("Run ") >= 5


def test_the_list_pages_ten_runs_at_a_time(client, convener, queued):
    client.force_login(convener)
    for _ in range(11):
        runs.launch_run(queued.cycle, convener)

    first = client.get(list_url(queued.cycle)).content.decode()
    second = client.get(f"{list_url(queued.cycle)}?page=2").content.decode()

    assert first.count("<td><a href") == 10
    assert second.count("<td><a href") == 2
    assert "Older →" in first
