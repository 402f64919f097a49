"""The organisational capabilities table and its CSV export."""

import csv

import pytest
from django.core.management import CommandError, call_command

from analysis import runs
from analysis.models import Decision, Match, ReviewDecision
from analysis.tables import organisational_capabilities


@pytest.fixture
def run(cycle, convener, provision, capabilities):
    return runs.execute(runs.launch_run(cycle, convener, threshold=0.5))


def test_each_capability_has_its_best_score_and_served_flag(run, capabilities):
    rows = organisational_capabilities(run)

    assert [row.capability for row in rows] == [c.text for c in capabilities]
    best = Match.objects.get(run=run, capability=capabilities[1], rank=1)
    assert rows[1].match_score == best.score
    assert rows[1].served == (best.score >= 0.5)
    assert rows[1].best_duty == best.duty.text


def test_a_rejected_pair_counts_nowhere_and_an_accepted_one_serves(
    run,
    capabilities,
    convener,
):
    top = Match.objects.get(run=run, capability=capabilities[1], rank=1)
    second = Match.objects.get(run=run, capability=capabilities[1], rank=2)
    ReviewDecision.objects.create(
        match=top, decision=Decision.REJECT, reviewer=convener
    )
    low = (
        Match.objects.filter(run=run, capability=capabilities[2])
        .order_by("rank")
        .last()
    )
    ReviewDecision.objects.create(
        match=low, decision=Decision.ACCEPT, reviewer=convener
    )

    rows = organisational_capabilities(run)

    assert rows[1].match_score == second.score
    assert rows[2].served is True


def test_the_command_writes_the_table(run, tmp_path):
    path = tmp_path / "capabilities.csv"

    call_command("export_matches", run.pk, str(path))

    with path.open(newline="") as file:
        table = list(csv.reader(file))
    assert table[0][:5] == [
        "ref",
        "function",
        "functional_area",
        "capability",
        "match_score",
    ]
    assert len(table) == 4


def test_the_command_refuses_unknown_runs_and_missing_folders(run, tmp_path):
    with pytest.raises(CommandError, match="No match run with id 999"):
        call_command("export_matches", 999, str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="the folder does not exist"):
        call_command("export_matches", run.pk, str(tmp_path / "nowhere" / "x.csv"))


def test_the_demo_run_is_added_once_with_review_decisions(
    cycle, provision, capabilities
):
    from analysis.demo import add_demo_match_run
    from conftest import join, make_user
    from foresight.models import Role

    join(make_user("reviewer"), cycle, Role.REVIEWER)

    add_demo_match_run(cycle, progress=lambda _: None)
    add_demo_match_run(cycle, progress=lambda _: None)

    run = cycle.match_runs.get()
    assert run.status == "complete"
    assert ReviewDecision.objects.filter(match__run=run).count() == 6


def test_profiles_are_assessed_against_their_level_eligible_standards(
    run, cycle, capabilities
):
    from analysis.fit_report import assess_iteration
    from profiles.models import Iteration, Profile, ProfileCapability

    run.versions.update(level=4)
    scientists = cycle.role_levels.create(
        name="Scientists", min_academic_level=5, max_academic_level=6
    )
    managers = cycle.role_levels.create(
        name="Managers", min_academic_level=7, max_academic_level=7
    )
    iteration = Iteration.objects.create(
        cycle=cycle, number=1, name="Final", is_final=True
    )
    for role_level, title in [(scientists, "Scientist"), (managers, "Manager")]:
        profile = Profile.objects.create(
            iteration=iteration, title=title, role_level=role_level
        )
        ProfileCapability.objects.create(
            profile=profile, capability=capabilities[1], proficiency=2
        )

    results = dict(assess_iteration(run, iteration))

    # Level 4 is within one of 5-6, not of 7.
    assert results["Scientist"].best is not None
    assert results["Manager"].best is None
    assert results["Manager"].unserved == frozenset({capabilities[1].pk})


def test_the_cycle_home_links_reviewers_to_a_complete_runs_queue(
    client, run, cycle, convener
):
    client.force_login(convener)

    page = client.get(f"/cycles/{cycle.pk}/").content.decode()

    assert f'href="/cycles/{cycle.pk}/review/{run.pk}/"' in page
