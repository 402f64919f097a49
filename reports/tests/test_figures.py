"""The figures the findings report states: the plain rules, then the whole
computation on the hand-worked cycle of conftest.py."""

import datetime
import json
from collections import Counter
from types import SimpleNamespace

import pytest

from analysis import fit
from analysis.models import Decision, MatchRun, ReviewDecision, RunStatus
from foresight.models import Stage
from profiles.models import Iteration
from reports import gather
from reports.figures import (
    NOT_PLACED,
    band_counts,
    notable_standards,
    served_counts,
    shift_rows,
    stage_lines,
)
from reports.gather import compute


def standard(reference: str, fit_: float, surplus: float = 0.5) -> fit.StandardFit:
    return fit.StandardFit(reference, fit_, surplus, frozenset(), frozenset())


def assessed(reference: str, *top: fit.StandardFit, band="low", unserved=()):
    return fit.ProfileFit(
        reference, tuple(top), frozenset(unserved), fit.Suitability(band)
    )


# Served ------------------------------------------------------------------------


def test_a_capability_with_any_matched_pair_is_served_once():
    served = served_counts({1, 2, 3, 4}, {(1, 10), (1, 11), (3, 12)})

    assert (served.capabilities, served.served, served.not_served) == (4, 2, 2)
    assert served.not_served_share == 0.5


def test_pairs_of_capabilities_outside_the_cycle_do_not_count():
    served = served_counts({1, 2}, {(1, 10), (99, 10)})

    assert served.served == 1


def test_no_capabilities_means_no_share_rather_than_a_division_error():
    assert served_counts(set(), set()).not_served_share == 0.0


# Bands and notable standards ----------------------------------------------------


def test_band_counts_name_every_band_even_when_empty():
    profiles = [assessed("1", band="some"), assessed("2"), assessed("3")]

    assert band_counts(profiles) == {"high": 0, "some": 1, "low": 2}


def test_notable_standards_are_the_profiles_best_ranked_lowest_fit_first():
    profiles = [
        ("Analyst", assessed("1", standard("ST9", 0.15), standard("ST1", 0.1))),
        ("Engineer", assessed("2", standard("ST2", 0.6), standard("ST9", 0.5))),
        ("Nurse", assessed("3", standard("ST3", 0.4))),
    ]

    found = notable_standards(profiles, {"ST9": "Data analyst"})

    # ST1 is only a second choice, so it is not notable at the default rank.
    assert [s.reference for s in found] == ["ST9", "ST3", "ST2"]
    assert found[0].title == "Data analyst"
    assert (found[0].best_fit, found[0].profile, found[0].profiles) == (
        0.15,
        "Analyst",
        1,
    )


def test_a_notable_standard_reports_the_best_fit_it_reaches_for_any_profile():
    profiles = [
        ("Analyst", assessed("1", standard("ST9", 0.2))),
        ("Clerk", assessed("2", standard("ST9", 0.7))),
    ]

    found = notable_standards(profiles, {})

    assert [(s.best_fit, s.profile, s.profiles) for s in found] == [(0.7, "Clerk", 2)]


def test_notable_within_ten_counts_every_standard_of_the_top_ten():
    profiles = [("Analyst", assessed("1", standard("ST9", 0.3), standard("ST1", 0.1)))]

    found = notable_standards(profiles, {}, within=10, n=1)

    assert [s.reference for s in found] == ["ST1"]


def test_equal_best_fits_are_ordered_by_reference_then_profile_title():
    profiles = [
        ("Zed", assessed("1", standard("ST2", 0.4))),
        ("Amy", assessed("2", standard("ST2", 0.4))),
        ("Bob", assessed("3", standard("ST1", 0.4))),
    ]

    found = notable_standards(profiles, {})

    assert [(s.reference, s.profile) for s in found] == [("ST1", "Bob"), ("ST2", "Amy")]


# Functional shift and stages ---------------------------------------------------


def test_shift_rows_give_counts_and_shares_for_both_states():
    rows = shift_rows(
        ["Design", "Implement"],
        Counter({"Design": 3, "Implement": 1}),
        Counter({"Implement": 4}),
    )

    assert [(r.function, r.future, r.future_share) for r in rows] == [
        ("Design", 3, 0.75),
        ("Implement", 1, 0.25),
    ]
    assert [(r.current, r.current_share) for r in rows] == [(0, 0.0), (4, 1.0)]


def test_shift_rows_without_marked_standards_leave_the_current_state_empty():
    rows = shift_rows(["Design"], Counter({"Design": 2}), None)

    assert (rows[0].current, rows[0].current_share) == (None, None)


def test_an_unclassified_row_appears_only_when_something_is_unclassified():
    plain = shift_rows(["Design"], Counter({"Design": 1}), Counter())
    unplaced = shift_rows(["Design"], Counter({"Design": 1}), Counter({NOT_PLACED: 2}))

    assert [row.function for row in plain] == ["Design"]
    assert [row.function for row in unplaced] == ["Design", NOT_PLACED]
    assert unplaced[1].current_share == 1.0


def test_stage_lines_are_chronological_and_mark_going_back():
    day = datetime.datetime(2024, 7, 1, tzinfo=datetime.UTC)
    changes = [
        SimpleNamespace(
            pk=2, changed_at=day, from_stage="prepare", to_stage="identify", reason="R"
        ),
        SimpleNamespace(
            pk=1, changed_at=day, from_stage="identify", to_stage="prepare", reason=""
        ),
    ]

    lines = stage_lines(changes)

    assert [(line.to_stage, line.forward) for line in lines] == [
        ("Prepare", True),
        ("Identify", False),
    ]
    assert lines[1].reason == "R"


# The whole computation on the worked cycle --------------------------------------


@pytest.fixture
def computed(findings):
    return compute(findings.cycle)


def test_compute_counts_served_after_review(computed, findings):
    assert computed.capabilities == 4
    assert (computed.served.served, computed.served.not_served) == (2, 2)
    assert computed.run.pk == findings.run.pk
    assert (computed.run.accepted, computed.run.rejected) == (1, 1)


def test_compute_reads_the_run_parameters(computed):
    run = computed.run
    assert (run.model, run.threshold, run.standards, run.duties) == (
        "test-model",
        0.5,
        3,
        6,
    )
    assert run.academic_levels == (4, 5, 7)
    assert run.data_date == datetime.date(2024, 6, 30)


def test_compute_assesses_the_final_iteration(computed):
    assert computed.iteration == "2, “Refined”"
    assert computed.iteration_is_final
    assert computed.bands == {"high": 0, "some": 1, "low": 1}
    lines = {line.title: line for line in computed.profiles}
    assert lines["Scientist"].best_standard == "ST1"
    assert lines["Scientist"].best_fit == pytest.approx(2 / 3)
    assert lines["Scientist"].best_surplus == pytest.approx(1 / 3)
    assert (lines["Scientist"].unserved, lines["Manager"].unserved) == (1, 2)
    assert lines["Scientist"].partner == "Suppliers"
    assert lines["Scientist"].capabilities == 3


def test_compute_lists_notable_standards_and_priorities(computed):
    assert [(s.reference, s.best_fit) for s in computed.notable] == [
        ("ST3", 0.0),
        ("ST1", pytest.approx(2 / 3)),
    ]
    assert computed.notable[0].title == "Data analyst"
    assert [line.title for line in computed.priorities] == ["Manager", "Scientist"]


def test_compute_groups_profiles_by_role_level_in_academic_order(computed):
    assert [name for name, _ in computed.profiles_by_level] == [
        "Scientists",
        "Managers",
    ]


def test_compute_uses_the_latest_iteration_until_one_is_final(findings):
    findings.iteration.is_final = False
    findings.iteration.save()

    computed = compute(findings.cycle)

    assert computed.iteration == "2, “Refined”"
    assert not computed.iteration_is_final


def test_compute_spreads_future_and_current_over_the_functions(computed):
    rows = {row.function: row for row in computed.shift}
    assert (rows["Design"].future, rows["Implement"].future) == (1, 2)
    assert rows[NOT_PLACED].future == 1
    # ST1's D1 and D2 are placed; D3 has no library statement.
    assert (rows["Design"].current, rows["Implement"].current) == (1, 1)
    assert rows[NOT_PLACED].current == 1
    assert computed.current_standards == ["ST1"]
    assert computed.unplaced_duties == 1


def test_compute_counts_partner_capabilities_per_function(computed):
    design, implement = (
        computed.partner_columns.index("Design"),
        computed.partner_columns.index("Implement"),
    )
    partners = dict(computed.partners)
    assert (partners["Suppliers"][design], partners["Suppliers"][implement]) == (1, 1)
    assert sum(partners["Makers"]) == 1
    assert NOT_PLACED not in computed.partner_columns


def test_compute_takes_the_proficiency_mix_from_the_consensus(computed):
    mix = {row.role_level: row.shares for row in computed.mix}
    assert mix["Scientists"] == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert mix["Managers"] == (0.0, 0.0, 1.0)
    assert computed.mix_levels == ["Awareness", "Practitioner", "Expert"]


def test_compute_records_the_method(computed):
    assert [line.to_stage for line in computed.stages] == [
        Stage.IDENTIFY.label,
        Stage.PREPARE.label,
        Stage.CARRY_OUT.label,
    ]
    assert computed.workshops[0].rounds_closed == 1
    assert computed.panels["Reviewer"] == 1


def test_the_latest_complete_run_is_read_and_others_ignored(findings, convener):
    MatchRun.objects.create(
        cycle=findings.cycle,
        framework=findings.run.framework,
        model="newer-but-failed",
        status=RunStatus.FAILED,
    )

    assert gather.latest_complete_run(findings.cycle) == findings.run


def test_a_later_decision_changes_the_served_figure(findings):
    rejected = ReviewDecision.objects.get(decision=Decision.REJECT).match
    ReviewDecision.objects.create(
        match=rejected, decision=Decision.ACCEPT, reviewer=findings.reviewer
    )

    assert compute(findings.cycle).served.served == 3


def test_a_cycle_without_run_or_profiles_still_computes(cycle):
    computed = compute(cycle)

    assert computed.served is None and computed.run is None
    assert computed.profiles == [] and computed.priorities == []
    assert computed.headline()["not_served"] is None
    assert not Iteration.objects.filter(cycle=cycle).exists()


def test_headline_is_plain_json(computed):
    headline = computed.headline()

    assert json.loads(json.dumps(headline)) == headline
    assert headline["not_served"] == 2
    assert headline["bands"] == {"high": 0, "some": 1, "low": 1}
