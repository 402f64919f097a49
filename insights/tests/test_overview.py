"""The data capture overview: each count against a query written another way,
the function filter, and the proficiency mix against workshops.outcomes."""

import pytest
from django.urls import reverse

from analysis.models import Decision, Match, ReviewDecision
from analysis.tables import organisational_capabilities
from foresight.models import (
    CycleCapability,
    Domain,
    Function,
    FunctionalArea,
    ProficiencyLevel,
    RoleLevel,
    SupplyChainPartner,
)
from insights.overview import build_overview, capability_places
from insights.tests.conftest import HTMX, csv_rows
from profiles.models import Profile
from workshops.models import ItemConsensus, KsbTag
from workshops.outcomes import proficiency_mix


def counts_of(client, cycle, query: str = "") -> dict[str, int]:
    url = reverse("insights_overview", args=[cycle.pk])
    rows = csv_rows(client.get(f"{url}?{query}&table=counts&format=csv"))
    assert rows[0] == ["group", "measure", "count"]
    return {measure: int(count) for _group, measure, count in rows[1:]}


def served_by_hand(run) -> set[int]:
    """Latest decision per pair; rejected pairs never count, accepted ones always."""
    latest = {}
    for decision in ReviewDecision.objects.order_by("decided_at", "id"):
        latest[decision.match_id] = decision.decision
    return {
        match.capability_id
        for match in Match.objects.filter(run=run)
        if latest.get(match.pk) != Decision.REJECT
        and (match.score >= run.threshold or latest.get(match.pk) == Decision.ACCEPT)
    }


def test_every_count_matches_an_independent_query(client, convener, world):
    cycle, run = world.cycle, world.run
    client.force_login(convener)

    counts = counts_of(client, cycle)

    mine = CycleCapability.objects.filter(cycle=cycle)
    served = served_by_hand(run)
    levels = {version.level or version.standard.level for version in run.versions.all()}
    expected = {
        "Functions": len(list(Function.objects.all())),
        "Functional domains": len(list(Domain.objects.all())),
        "Functional areas": len(list(FunctionalArea.objects.all())),
        "Functions with capabilities": Function.objects.filter(
            domains__areas__cycle_capabilities__cycle=cycle
        )
        .distinct()
        .count(),
        "Domains with capabilities": Domain.objects.filter(
            areas__cycle_capabilities__cycle=cycle
        )
        .distinct()
        .count(),
        "Areas with capabilities": FunctionalArea.objects.filter(
            cycle_capabilities__cycle=cycle
        )
        .distinct()
        .count(),
        "Capabilities": len(mine),
        "Adopted": mine.filter(origin="adopted").count(),
        "Selected (edited)": mine.filter(origin="selected").count(),
        "Newly defined": mine.filter(origin="newly_defined").count(),
        "Supply-chain partners": SupplyChainPartner.objects.filter(cycle=cycle).count(),
        "Role levels": RoleLevel.objects.filter(cycle=cycle).count(),
        "Proficiency levels": ProficiencyLevel.objects.filter(cycle=cycle).count(),
        "FOPs (final iteration 2)": Profile.objects.filter(
            iteration__cycle=cycle, iteration__is_final=True
        ).count(),
        "KSBs": KsbTag.objects.filter(cycle=cycle).count(),
        "Knowledge": KsbTag.objects.filter(cycle=cycle, kind="knowledge").count(),
        "Skills": KsbTag.objects.filter(cycle=cycle, kind="skill").count(),
        "Behaviours": KsbTag.objects.filter(cycle=cycle, kind="behaviour").count(),
        "Standards analysed": run.versions.count(),
        "Academic levels": len(levels - {None}),
        "Capabilities served": len(served & {c.pk for c in mine}),
        "Capabilities not served": len({c.pk for c in mine} - served),
    }
    assert counts == expected


def test_the_fixture_exercises_every_count(client, convener, world):
    client.force_login(convener)

    counts = counts_of(client, world.cycle)

    # The known shape of the fixture, so a count that is zero by accident shows.
    assert counts["Functions"] == 5
    assert counts["Functions with capabilities"] == 3
    assert (
        counts["Adopted"],
        counts["Selected (edited)"],
        counts["Newly defined"],
    ) == (
        6,
        3,
        3,
    )
    assert counts["Proficiency levels"] == 4
    assert counts["Academic levels"] == 5
    # Capability 2's only pair above the threshold is rejected; capability 4's
    # pair at 0.30 is accepted.
    assert counts["Capabilities not served"] == 2
    served = {row.ref for row in organisational_capabilities(world.run) if row.served}
    assert "C02" not in served and "C10" not in served and "C04" in served


def test_served_counts_follow_the_organisational_capabilities_table(
    client, convener, world
):
    client.force_login(convener)

    counts = counts_of(client, world.cycle)

    rows = organisational_capabilities(world.run)
    assert counts["Capabilities served"] == sum(row.served for row in rows)


def test_the_function_filter_narrows_the_capability_counts(client, convener, world):
    cycle = world.cycle
    implement = Function.objects.get(name="Implement")
    client.force_login(convener)

    counts = counts_of(client, cycle, f"function={implement.pk}")

    mine = CycleCapability.objects.filter(cycle=cycle, area__domain__function=implement)
    tags = KsbTag.objects.filter(
        cycle=cycle, capabilities__area__domain__function=implement
    ).distinct()
    served = served_by_hand(world.run)
    assert counts["Capabilities"] == mine.count() == 6
    assert counts["Areas with capabilities"] == 2
    assert counts["Functions with capabilities"] == 1
    assert counts["KSBs"] == tags.count()
    assert counts["Skills"] == tags.filter(kind="skill").count()
    assert counts["Capabilities served"] == len(served & {c.pk for c in mine})
    # The whole cycle's counts do not move.
    assert counts["Functional areas"] == 4
    assert counts["Supply-chain partners"] == 3


def test_profiles_count_the_latest_iteration_until_one_is_final(
    client, convener, world
):
    world.final.is_final = False
    world.final.save()
    client.force_login(convener)

    counts = counts_of(client, world.cycle)

    assert counts["FOPs (latest iteration 2, not final)"] == 4


def test_without_a_complete_run_provision_and_service_are_left_out(
    client, convener, world
):
    world.run.status = "running"
    world.run.save()
    client.force_login(convener)

    counts = counts_of(client, world.cycle)
    page = client.get(reverse("insights_overview", args=[world.cycle.pk]))

    assert "Standards analysed" not in counts
    assert "Capabilities served" not in counts
    assert "No complete match run yet" in page.content.decode()


def test_the_mix_takes_the_latest_round_of_the_latest_workshop(world):
    cycle = world.cycle
    result = build_overview(
        cycle, capability_places(cycle), run=world.run, iteration=None
    )

    expected = proficiency_mix(world.workshop)
    for level, row in zip(world.role_levels, result.mix, strict=True):
        assert row.role_level == level.name
        assert row.shares == [
            round(100 * expected[level.pk][value], 1) for value in (1, 2, 3)
        ]
        # Round 2 answered the first six capabilities again.
        latest = ItemConsensus.objects.filter(
            item__role_level=level, item__round__workshop=world.workshop
        ).exclude(item__round__number=1, item__capability__in=world.capabilities[:6])
        above = [c.proficiency for c in latest if c.proficiency]
        assert row.counts == tuple(above.count(value) for value in (1, 2, 3))


def test_the_mix_follows_the_function_filter(world):
    cycle = world.cycle
    design = Function.objects.get(name="Design")
    places = capability_places(cycle)

    result = build_overview(
        cycle, places, run=None, iteration=None, function_id=design.pk
    )

    # Design holds capabilities 0 to 2, three items per role level at most.
    assert all(row.items <= 3 for row in result.mix)
    assert sum(row.items for row in result.mix) == sum(
        1
        for c in world.capabilities[:3]
        for level in world.role_levels
        if _latest_level(world, c, level)
    )


def _latest_level(world, capability, level) -> int:
    number = 2 if capability in world.capabilities[:6] else 1
    return ItemConsensus.objects.get(
        item__round__workshop=world.workshop,
        item__round__number=number,
        item__capability=capability,
        item__role_level=level,
    ).proficiency


def test_the_mix_uses_the_cycles_own_labels(world):
    world.cycle.scale.filter(value=3).update(label="Leader")

    result = build_overview(
        world.cycle, capability_places(world.cycle), run=None, iteration=None
    )

    assert result.labels == ["Awareness", "Practitioner", "Leader"]
    assert [d["label"] for d in result.mix_table().chart["datasets"]][2] == "Leader"


def test_without_consensus_the_page_says_so(client, convener, world):
    ItemConsensus.objects.all().delete()
    client.force_login(convener)

    page = client.get(reverse("insights_overview", args=[world.cycle.pk]))

    assert "No proficiency consensus yet" in page.content.decode()
    assert 'data-chart="stacked"' not in page.content.decode()


def test_htmx_asks_for_the_results_only(client, convener, world):
    client.force_login(convener)
    url = reverse("insights_overview", args=[world.cycle.pk])

    partial = client.get(f"{url}?function=", headers=HTMX)
    whole = client.get(url)

    assert partial.content.decode().lstrip().startswith('<div id="results">')
    assert "<html" not in partial.content.decode()
    assert '<div id="results">' in whole.content.decode()
    assert "<html" in whole.content.decode()


@pytest.mark.parametrize("query", ["function=999", "run=999", "function=x"])
def test_bad_filters_get_a_400(client, convener, world, query):
    client.force_login(convener)
    url = reverse("insights_overview", args=[world.cycle.pk])

    page = client.get(f"{url}?{query}")
    download = client.get(f"{url}?{query}&format=csv")

    assert page.status_code == 400
    assert "Check the filters" in page.content.decode()
    assert download.status_code == 400


def test_an_unknown_table_is_refused(client, convener, world):
    client.force_login(convener)
    url = reverse("insights_overview", args=[world.cycle.pk])

    response = client.get(f"{url}?table=nothing&format=csv")

    assert response.status_code == 400
    assert "nothing" in response.content.decode()


def test_served_capabilities_agree_with_run_pairs(world):
    from analysis.fit_report import run_pairs
    from insights.overview import served_capabilities

    # A later decision replaces an earlier one on the same pair.
    match = world.run.matches.get(decisions__decision="reject")
    ReviewDecision.objects.create(
        match=match, decision=Decision.ACCEPT, reviewer=match.decisions.get().reviewer
    )

    served = served_capabilities(world.run)

    assert served == {capability for capability, _ in run_pairs(world.run)}
    assert world.capabilities[2].pk in served
