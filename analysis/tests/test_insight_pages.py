"""The insight pages of a complete run: values, filters, CSV and access."""

import csv
import io

import pytest

from analysis import runs
from analysis.fit_report import assess_iteration
from analysis.models import Decision, Match, ReviewDecision
from analysis.tables import organisational_capabilities
from analysis.tests.helpers import url
from foresight.models import Cycle

PAGES = ["insight_capabilities", "insight_matched", "insight_fit", "insight_priorities"]


@pytest.fixture
def run(cycle, convener, provision, capabilities):
    run = runs.execute(runs.launch_run(cycle, convener, threshold=0.5))
    run.versions.update(level=4)
    return run


def table(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_capabilities_show_each_score_and_served_flag(client, convener, run):
    client.force_login(convener)

    response = client.get(url("insight_capabilities", run.cycle))

    assert response.status_code == 200
    rows = organisational_capabilities(run)
    assert list(response.context["page"]) == rows
    for row in rows:
        assert f"{row.match_score:.3f}" in response.content.decode()


def test_capabilities_filter_by_served_and_search(client, convener, run):
    client.force_login(convener)
    rows = organisational_capabilities(run)
    served = [row for row in rows if row.served]

    response = client.get(url("insight_capabilities", run.cycle, served="yes"))
    searched = client.get(url("insight_capabilities", run.cycle, q="POETRY"))

    assert list(response.context["page"]) == served
    assert [row.capability for row in searched.context["page"]] == [
        "Write poetry about the sea."
    ]


def test_capabilities_csv_has_the_filtered_rows_and_ref(
    client, convener, run, capabilities
):
    capabilities[0].ref = "CAP-1"
    capabilities[0].save()
    client.force_login(convener)

    response = client.get(
        url("insight_capabilities", run.cycle, served="no", format="csv")
    )

    rows = table(response)
    expected = [row for row in organisational_capabilities(run) if not row.served]
    assert rows[0][0] == "ref"
    assert len(rows) == len(expected) + 1
    assert "attachment" in response["Content-Disposition"]
    everything = table(client.get(url("insight_capabilities", run.cycle, format="csv")))
    assert everything[1][0] == "CAP-1"


def test_htmx_filter_renders_only_the_results(client, convener, run):
    client.force_login(convener)

    for name in PAGES:
        response = client.get(url(name, run.cycle), headers={"HX-Request": "true"})
        page = client.get(url(name, run.cycle))

        assert response.status_code == 200
        assert "<html" not in response.content.decode()
        assert "<html" in page.content.decode()


def test_matched_lists_duties_over_threshold_or_accepted_never_rejected(
    client, convener, run, capabilities
):
    matches = Match.objects.filter(run=run)
    above = [m for m in matches if m.score >= 0.5]
    rejected = above[0]
    ReviewDecision.objects.create(
        match=rejected, decision=Decision.REJECT, reviewer=convener
    )
    low = matches.filter(score__lt=0.5).order_by("score").first()
    ReviewDecision.objects.create(
        match=low, decision=Decision.ACCEPT, reviewer=convener
    )
    client.force_login(convener)

    response = client.get(url("insight_matched", run.cycle))

    shown = {(row.capability, row.duty) for row in response.context["page"]}
    expected = {(m.capability.text, m.duty.text) for m in above[1:]}
    expected.add((low.capability.text, low.duty.text))
    assert shown == expected
    row = response.context["page"][0]
    assert row.standard == "ST1" and row.level == 4

    rows = table(client.get(url("insight_matched", run.cycle, format="csv")))
    assert rows[0][:5] == ["ref", "capability", "standard", "standard_title", "level"]
    assert len(rows) == len(expected) + 1


def test_matched_filters_by_capability_text(client, convener, run):
    client.force_login(convener)

    response = client.get(url("insight_matched", run.cycle, q="nothing like this"))
    csv_rows = table(
        client.get(
            url("insight_matched", run.cycle, q="nothing like this", format="csv")
        )
    )

    assert len(response.context["page"]) == 0
    assert len(csv_rows) == 1


def test_fit_shows_each_profiles_top_standards(client, convener, run, final):
    client.force_login(convener)
    assessed = dict(assess_iteration(run, final))

    response = client.get(url("insight_fit", run.cycle))

    rows = response.context["rows"]
    scientist = [row for row in rows if row.profile == "Scientist"]
    best = assessed["Scientist"].best
    assert scientist[0].standard == best.reference == "ST1"
    assert scientist[0].fit == best.fit and scientist[0].surplus == best.surplus
    assert scientist[0].suitability == assessed["Scientist"].suitability
    manager = [row for row in rows if row.profile == "Manager"]
    assert manager[0].standard == "" and manager[0].suitability == "low"

    filtered = client.get(
        url("insight_fit", run.cycle, suitability="low", format="csv")
    )
    csv_rows = table(filtered)
    assert csv_rows[0] == [
        "profile",
        "suitability",
        "rank",
        "standard",
        "standard_title",
        "fit",
        "surplus",
    ]
    low = [row for row in rows if row.suitability == "low"]
    assert len(csv_rows) == len(low) + 1


def test_priorities_put_the_most_unserved_first(client, convener, run, final):
    client.force_login(convener)
    assessed = dict(assess_iteration(run, final))

    response = client.get(url("insight_priorities", run.cycle))

    rows = response.context["rows"]
    assert [row.profile for row in rows] == ["Manager", "Scientist"]
    assert rows[0].unserved == len(assessed["Manager"].unserved) == 2
    assert rows[1].best_fit == assessed["Scientist"].best_fit
    csv_rows = table(
        client.get(url("insight_priorities", run.cycle, q="sci", format="csv"))
    )
    assert len(csv_rows) == 2 and csv_rows[1][1] == "Scientist"


def test_without_a_final_iteration_fit_pages_say_so(client, convener, run):
    client.force_login(convener)

    for name in ["insight_fit", "insight_priorities"]:
        response = client.get(url(name, run.cycle))

        assert response.status_code == 200
        assert "No final iteration" in response.content.decode()


def test_without_a_complete_run_every_page_says_so(client, convener, cycle):
    client.force_login(convener)

    for name in PAGES:
        response = client.get(url(name, cycle))

        assert response.status_code == 200
        assert "No complete match run yet" in response.content.decode()


def test_another_complete_run_can_be_chosen(client, convener, run, cycle):
    client.force_login(convener)
    later = runs.execute(runs.launch_run(cycle, convener, threshold=0.9))

    default = client.get(url("insight_capabilities", cycle))
    chosen = client.get(url("insight_capabilities", cycle, run=run.pk))
    missing = client.get(url("insight_capabilities", cycle, run=99999))

    assert default.context["run"] == later
    assert chosen.context["run"] == run
    assert missing.status_code == 404


def test_readers_wait_for_communicate(client, reader, run, cycle):
    client.force_login(reader)

    before = [client.get(url(name, cycle)).status_code for name in PAGES]
    Cycle.objects.filter(pk=cycle.pk).update(stage="communicate")
    after = [client.get(url(name, cycle)).status_code for name in PAGES]

    assert before == [403] * 4
    assert after == [200] * 4


def test_reviewers_see_them_at_any_stage_and_other_members_do_not(
    client, reviewer, employer, run, cycle
):
    client.force_login(reviewer)
    assert client.get(url("insight_matched", cycle)).status_code == 200

    client.force_login(employer)
    assert client.get(url("insight_matched", cycle)).status_code == 403


def test_outsiders_get_a_404(client, outsider, run, cycle):
    client.force_login(outsider)

    for name in PAGES:
        assert client.get(url(name, cycle)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_queries_are_bounded(
    client, convener, run, final, django_assert_max_num_queries, name
):
    client.force_login(convener)

    # The first view computes and stores the figures (the run finished before
    # the final iteration existed); later views read them.
    with django_assert_max_num_queries(25):
        client.get(url(name, run.cycle))
    with django_assert_max_num_queries(20):
        client.get(url(name, run.cycle))
    with django_assert_max_num_queries(20):
        client.get(url(name, run.cycle, format="csv"))
