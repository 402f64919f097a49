"""The fit-of-provision pages: matches per profile and the provision matrix."""

import csv
import io

import pytest

from analysis import runs
from analysis.fit_report import assess_iteration, run_pairs
from analysis.models import Decision, Match, ReviewDecision
from analysis.tests.helpers import url
from conftest import join, make_user
from foresight.models import Role

PAGES = ["insight_fop_matches", "insight_fop_provision"]


@pytest.fixture
def run(cycle, convener, provision, capabilities):
    run = runs.execute(runs.launch_run(cycle, convener, threshold=0.5))
    run.versions.update(level=4)
    return run


def table(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def profile_of(final, title):
    return final.profiles.get(title=title)


def test_matches_list_each_capabilitys_counted_pairs(
    client, convener, run, final, capabilities
):
    capabilities[1].ref = "CAP-2"
    capabilities[1].save()
    client.force_login(convener)
    pairs = run_pairs(run)
    ids = {capability.pk for capability in capabilities[1:]}
    expected = {
        (m.capability.text, m.duty.code, m.score)
        for m in Match.objects.filter(run=run)
        if (m.capability_id, m.duty_id) in pairs and m.capability_id in ids
    }

    response = client.get(url("insight_fop_matches", run.cycle))

    rows = response.context["page"].object_list
    scientist = [row for row in rows if row.profile == "Scientist"]
    assert expected and {(r.capability, r.duty_code, r.score) for r in scientist} == (
        expected
    )
    assert all(row.standard == "ST1" for row in scientist)
    # The managers' level admits no standard of the run.
    assert [row for row in rows if row.profile == "Manager"] == []
    assert any(row.ref == "CAP-2" for row in scientist) == any(
        row.capability == capabilities[1].text for row in scientist
    )

    csv_rows = table(client.get(url("insight_fop_matches", run.cycle, format="csv")))
    assert csv_rows[0] == [
        "profile",
        "ref",
        "capability",
        "standard",
        "duty_code",
        "duty",
        "score",
    ]
    assert len(csv_rows) == len(rows) + 1
    assert csv_rows[1][0] == "Scientist"
    assert float(csv_rows[1][6]) == pytest.approx(scientist[0].score, abs=1e-4)


def test_matches_drop_rejected_pairs(client, convener, run, final):
    above = Match.objects.filter(run=run, score__gte=0.5).order_by("-score").first()
    ReviewDecision.objects.create(
        match=above, decision=Decision.REJECT, reviewer=convener
    )
    client.force_login(convener)

    response = client.get(url("insight_fop_matches", run.cycle))

    shown = {(row.capability, row.duty) for row in response.context["page"].object_list}
    assert (above.capability.text, above.duty.text) not in shown


def test_matches_filter_by_profile(client, convener, run, final):
    client.force_login(convener)
    manager = profile_of(final, "Manager")
    scientist = profile_of(final, "Scientist")

    managers = client.get(url("insight_fop_matches", run.cycle, profile=manager.pk))
    scientists = table(
        client.get(
            url("insight_fop_matches", run.cycle, profile=scientist.pk, format="csv")
        )
    )

    assert list(managers.context["page"]) == []
    assert len(scientists) > 1
    assert {row[0] for row in scientists[1:]} == {"Scientist"}


def test_provision_matrix_of_the_first_profile_by_default(
    client, convener, run, final, capabilities
):
    capabilities[1].ref = "CAP-2"
    capabilities[1].save()
    client.force_login(convener)
    assessed = dict(assess_iteration(run, final))
    top = assessed["Scientist"].top

    response = client.get(url("insight_fop_provision", run.cycle))

    assert response.context["profile"].title == "Scientist"
    assert response.context["standards"] == [s.reference for s in top] == ["ST1"]
    rows = response.context["rows"]
    assert [row.capability for row in rows] == [c.text for c in capabilities[1:]]
    for row, capability in zip(rows, capabilities[1:], strict=True):
        assert row.cells == [capability.pk in s.matched_capabilities for s in top]
    body = response.content.decode()
    assert ("matched" in body) == any(any(row.cells) for row in rows)

    csv_rows = table(client.get(url("insight_fop_provision", run.cycle, format="csv")))
    assert csv_rows[0] == ["ref", "capability", "ST1"]
    assert csv_rows[1][0] == "CAP-2"
    assert [row[2] for row in csv_rows[1:]] == [
        "yes" if row.cells[0] else "no" for row in rows
    ]


def test_provision_for_a_chosen_profile_without_eligible_standards(
    client, convener, run, final
):
    client.force_login(convener)
    manager = profile_of(final, "Manager")

    response = client.get(url("insight_fop_provision", run.cycle, profile=manager.pk))
    csv_rows = table(
        client.get(
            url("insight_fop_provision", run.cycle, profile=manager.pk, format="csv")
        )
    )

    assert response.context["profile"] == manager
    assert response.context["standards"] == []
    assert "No eligible standard" in response.content.decode()
    assert csv_rows[0] == ["ref", "capability"]
    assert all(len(row) == 2 for row in csv_rows)


def test_without_a_final_iteration_pages_say_so(client, convener, run):
    client.force_login(convener)

    for name in PAGES:
        response = client.get(url(name, run.cycle))

        assert response.status_code == 200
        assert "No final iteration" in response.content.decode()


def test_without_a_complete_run_pages_say_so(client, convener, cycle):
    client.force_login(convener)

    for name in PAGES:
        response = client.get(url(name, cycle))

        assert response.status_code == 200
        assert "No complete match run yet" in response.content.decode()


def test_htmx_filter_renders_only_the_results(client, convener, run, final):
    client.force_login(convener)

    for name in PAGES:
        fragment = client.get(url(name, run.cycle), headers={"HX-Request": "true"})
        page = client.get(url(name, run.cycle))

        assert fragment.status_code == 200
        assert "<html" not in fragment.content.decode()
        assert 'id="results"' in fragment.content.decode()
        assert "<html" in page.content.decode()


def test_access(client, employer, outsider, run, final, cycle):
    reviewer = make_user("reviewer")
    join(reviewer, cycle, Role.REVIEWER)

    for name in PAGES:
        client.force_login(reviewer)
        assert client.get(url(name, cycle)).status_code == 200
        client.force_login(employer)
        assert client.get(url(name, cycle)).status_code == 403
        client.force_login(outsider)
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


def test_a_long_list_of_matches_is_paged_but_its_csv_is_whole(
    client, convener, run, final, monkeypatch
):
    from analysis import views_insights

    monkeypatch.setattr(views_insights, "PER_PAGE", 2)
    ReviewDecision.objects.bulk_create(
        ReviewDecision(match=match, decision=Decision.ACCEPT, reviewer=convener)
        for match in Match.objects.filter(run=run)
    )
    client.force_login(convener)

    first = client.get(url("insight_fop_matches", run.cycle))
    whole = table(client.get(url("insight_fop_matches", run.cycle, format="csv")))

    page = first.context["page"]
    assert page.paginator.count == len(whole) - 1 > 2
    assert len(page.object_list) == 2
    assert "page=2" in first.content.decode()
