"""The demonstration workshops: simulated panels, reproducible, near the reference."""

import pytest
from django.core.management import call_command

from conftest import join, make_user
from foresight.models import Cycle, Role
from workshops.demo import TARGET_MIX, add_proficiency_workshop, quota_levels
from workshops.models import Rating, Workshop, WorkshopKind
from workshops.outcomes import proficiency_mix


@pytest.fixture
def reference_sized_cycle(cycle) -> Cycle:
    """The demo's role levels and 137 capabilities, with eight employers."""
    for name in TARGET_MIX:
        cycle.role_levels.create(name=name, min_academic_level=3, max_academic_level=6)
    for number in range(137):
        cycle.capabilities.create(text=f"Capability {number}.", origin="adopted")
    for number in range(8):
        join(make_user(f"employer{number}"), cycle, Role.EMPLOYER)
    return cycle


def test_quotas_follow_the_shares_with_a_few_not_required():
    levels = quota_levels(137, (0.05, 0.65, 0.30))

    assert len(levels) == 137
    assert levels.count(0) == 8
    assert [levels.count(level) for level in (1, 2, 3)] == [6, 84, 39]


def test_the_demo_proficiency_mix_is_within_five_points_of_the_reference(
    reference_sized_cycle,
):
    add_proficiency_workshop(reference_sized_cycle, progress=lambda _: None)

    workshop = Workshop.objects.get(kind=WorkshopKind.PROFICIENCY)
    assert workshop.rounds.count() == 2
    mix = proficiency_mix(workshop)
    names = dict(reference_sized_cycle.role_levels.values_list("id", "name"))
    for role_level, shares in mix.items():
        target = TARGET_MIX[names[role_level]]
        for level, expected in zip((1, 2, 3), target, strict=True):
            assert abs(shares[level] - expected) <= 0.05, (names[role_level], level)


def ratings() -> list[tuple]:
    rows = Rating.objects.values_list(
        "item__round__number", "item__capability__text", "value"
    )
    # "Can't judge" is stored as NULL; -1 lets it sort among the levels.
    return sorted(
        (number, text, -1 if value is None else value) for number, text, value in rows
    )


def test_the_simulation_is_reproducible(reference_sized_cycle):
    add_proficiency_workshop(reference_sized_cycle, progress=lambda _: None)
    first = ratings()
    Workshop.objects.all().delete()

    add_proficiency_workshop(reference_sized_cycle, progress=lambda _: None)

    assert ratings() == first
    assert len(first) > 137 * 4 * 8


def test_load_demo_adds_the_workshops_once(db):
    call_command("load_demo", without_library=True)
    call_command("load_demo", without_library=True)

    cycle = Cycle.objects.get(is_demo=True)
    kinds = sorted(cycle.workshops.values_list("kind", flat=True))
    assert kinds == ["capture", "ksb", "proficiency"]
    assert all(cycle.workshops.values_list("is_demo", flat=True))
    proficiency = cycle.workshops.get(kind="proficiency")
    assert proficiency.panellists.count() == 8
    assert Rating.objects.filter(item__round__workshop=proficiency).count() > 16 * 4 * 7


def test_load_demo_refines_the_prototype_into_a_final_iteration(db):
    from profiles.demo import FINAL_TITLES
    from profiles.models import ChangeStatus, ProfileChange

    call_command("load_demo", without_library=True)
    call_command("load_demo", without_library=True)

    cycle = Cycle.objects.get(is_demo=True)
    iterations = list(cycle.iterations.order_by("number"))
    assert iterations[0].name == "Prototype"
    final = cycle.iterations.get(is_final=True)
    assert final == iterations[-1] and final.name == "Final"
    wanted = {title for titles in FINAL_TITLES.values() for title in titles}
    titles = set(final.profiles.values_list("title", flat=True))
    # With the 16 known capabilities alone some role levels are too small to
    # reach every reference profile; each profile that is named has a reference title.
    assert titles <= wanted
    assert len(titles) >= 10
    applied = ProfileChange.objects.filter(
        iteration__cycle=cycle, status=ChangeStatus.APPLIED
    )
    assert applied.filter(kind="rename").exists()
    assert all(change.applied_in_id for change in applied)


def test_a_reference_sized_demo_ends_with_the_25_reference_profiles(
    reference_sized_cycle,
):
    from profiles.demo import FINAL_TITLES, add_demo_profiles

    add_proficiency_workshop(reference_sized_cycle, progress=lambda _: None)
    add_demo_profiles(reference_sized_cycle, progress=lambda _: None)

    final = reference_sized_cycle.iterations.get(is_final=True)
    shown = sorted(final.profiles.values_list("role_level__name", "title"))
    wanted = sorted(
        (level, title) for level, titles in FINAL_TITLES.items() for title in titles
    )
    assert shown == wanted
    assert len(shown) == 25


def test_the_form_and_console_stay_bounded_at_the_reference_size(
    client, reference_sized_cycle, convener, django_assert_max_num_queries
):
    from workshops.results import open_round
    from workshops.tests.helpers import url

    workshop = Workshop.objects.create(
        cycle=reference_sized_cycle, kind=WorkshopKind.PROFICIENCY, title="Full size"
    )
    employers = reference_sized_cycle.memberships.filter(role=Role.EMPLOYER)
    for membership in employers:
        workshop.panellists.create(user=membership.user, group=Role.EMPLOYER)
    first = open_round(workshop, carry_unresolved=False)
    assert first.items.count() == 137 * 4
    employer = employers.first().user

    client.force_login(employer)
    with django_assert_max_num_queries(14):
        form = client.get(url(workshop, "proficiency/"))
    client.force_login(convener)
    with django_assert_max_num_queries(11):
        console = client.get(url(workshop, "console/"))

    assert form.status_code == console.status_code == 200
    assert "0 of 548" in form.content.decode()
