"""The profile pages: iterations, the FOP matrix and FOP detail (insight pages 4
and 5), proposing and voting on changes, applying them, marking one final, and
who may do and see what."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.db.models import Count

from conftest import join, make_user
from foresight.models import (
    BackgroundJob,
    Cycle,
    CycleCapability,
    Domain,
    Function,
    FunctionalArea,
    Role,
    Stage,
)
from profiles.models import (
    ChangeVote,
    Iteration,
    Profile,
    ProfileCapability,
    ProfileChange,
)
from profiles.refinement import mark_final, propose, vote
from profiles.tests.test_refinement import BEFORE, build_world
from profiles.views import iterations as iteration_views
from workshops.models import KsbTag

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(cycle) -> SimpleNamespace:
    return build_world(cycle)


@pytest.fixture
def panel(cycle, employer) -> list:
    others = [make_user(name) for name in ("ebony", "felix")]
    for user in others:
        join(user, cycle, Role.EMPLOYER)
    return [employer, *others]


@pytest.fixture
def facilitator(cycle):
    user = make_user("facilitator")
    join(user, cycle, Role.FACILITATOR)
    return user


@pytest.fixture
def technologist(cycle):
    user = make_user("technologist")
    join(user, cycle, Role.TECHNOLOGIST)
    return user


def base(world, iteration: Iteration | None = None) -> str:
    iteration = iteration or world.iteration
    return f"/cycles/{world.cycle.pk}/profiles/{iteration.pk}"


def matrix_csv(client, world, iteration: Iteration, query: str = "") -> list[list]:
    response = client.get(f"{base(world, iteration)}/matrix/?{query}&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


LABELS = {1: "Awareness", 2: "Practitioner", 3: "Expert", 0: "Not required"}


def shown(client, world, iteration: Iteration) -> dict[str, dict[str, str]]:
    """Profile title → {capability ref: proficiency label}, read from the CSV."""
    header, *rows = matrix_csv(client, world, iteration)
    found = {title: {} for title in header[5:]}
    for row in rows:
        for title, label in zip(header[5:], row[5:], strict=True):
            if label:
                found[title][row[0]] = label
    return found


def labelled(snapshot: dict) -> dict:
    return {
        title: {ref: LABELS[level] for ref, level in levels.items()}
        for title, levels in snapshot.items()
    }


# One refinement pass through the pages, for each kind of change


def kind_cases(world) -> dict:
    """kind → (what is posted about the process engineer, the next iteration)."""
    caps = world.caps
    return {
        "rename": (
            {"new_title": "Automation engineer"},
            {
                "Automation engineer": BEFORE["Process engineer"],
                "Quality lead": BEFORE["Quality lead"],
                "Data steward": BEFORE["Data steward"],
            },
        ),
        "add": (
            {"capability": caps[5].pk, "proficiency": "2"},
            BEFORE | {"Process engineer": {"C1": 1, "C2": 2, "C3": 3, "C6": 2}},
        ),
        "remove": (
            {"capability": caps[0].pk},
            BEFORE | {"Process engineer": {"C2": 2, "C3": 3}},
        ),
        "uprate": (
            {"capability": caps[0].pk, "proficiency": ""},
            BEFORE | {"Process engineer": {"C1": 2, "C2": 2, "C3": 3}},
        ),
        "downrate": (
            {"capability": caps[2].pk, "proficiency": "1"},
            BEFORE | {"Process engineer": {"C1": 1, "C2": 2, "C3": 1}},
        ),
        "merge": (
            {"other_profile": world.lead.pk},
            {
                "Process engineer": {"C1": 1, "C2": 2, "C3": 3, "C4": 2},
                "Data steward": BEFORE["Data steward"],
            },
        ),
        "split": (
            {"moved_capabilities": [caps[1].pk, caps[2].pk], "new_title": "Operator"},
            BEFORE | {"Process engineer": {"C1": 1}, "Operator": {"C2": 2, "C3": 3}},
        ),
    }


@pytest.mark.parametrize(
    "kind", ["rename", "add", "remove", "uprate", "downrate", "merge", "split"]
)
def test_a_change_proposed_voted_and_applied_through_the_pages(
    client, world, panel, facilitator, kind
):
    posted, expected = kind_cases(world)[kind]
    client.force_login(panel[0])

    response = client.post(
        f"{base(world)}/{world.engineer.pk}/propose/",
        {"kind": kind, "rationale": "Closer to the real role.", **posted},
    )

    change = ProfileChange.objects.get()
    assert response.status_code == 302
    assert response.url == f"{base(world)}/{world.engineer.pk}/#change-{change.pk}"
    assert (change.kind, change.status, change.proposed_by) == (kind, "open", panel[0])
    for user in panel:
        client.force_login(user)
        voted = client.post(
            f"{base(world)}/changes/{change.pk}/vote/", {"accept": "yes"}
        )
        assert voted.status_code == 302

    client.force_login(facilitator)
    applied = client.post(f"{base(world)}/apply/")

    assert applied.status_code == 302
    new = Iteration.objects.get(cycle=world.cycle, number=2)
    change.refresh_from_db()
    assert (change.status, change.applied_in) == ("applied", new)
    assert shown(client, world, new) == labelled(expected)
    assert shown(client, world, world.iteration) == labelled(BEFORE)


def test_a_rejected_proposal_changes_nothing_in_the_next_iteration(
    client, world, panel, facilitator
):
    client.force_login(panel[0])
    client.post(
        f"{base(world)}/{world.lead.pk}/propose/",
        {"kind": "remove", "capability": world.caps[2].pk},
    )
    change = ProfileChange.objects.get()
    for user in panel:
        client.force_login(user)
        client.post(f"{base(world)}/changes/{change.pk}/vote/", {"accept": "no"})

    client.force_login(facilitator)
    client.post(f"{base(world)}/apply/")

    new = Iteration.objects.get(cycle=world.cycle, number=2)
    change.refresh_from_db()
    assert (change.status, change.applied_in) == ("rejected", None)
    assert shown(client, world, new) == labelled(BEFORE)


def test_the_detail_page_shows_counts_and_the_proposer_only_to_runners(
    client, world, panel, convener
):
    change = propose(
        world.iteration, panel[1], "rename", profile=world.lead, new_title="QA lead"
    )
    vote(change, panel[0], True)
    vote(change, panel[2], False)
    url = f"{base(world)}/{world.lead.pk}/"

    client.force_login(panel[0])
    page = client.get(url).content.decode()
    assert "2 votes: 1 accept, 1 reject" in page
    assert "Your vote: accept" in page
    assert "Ebony" not in page and "ebony@example.org" not in page

    client.force_login(convener)
    page = client.get(url).content.decode()
    assert "2 votes: 1 accept, 1 reject" in page
    assert "by Ebony" in page


def test_a_vote_with_htmx_returns_the_change_alone(client, world, panel):
    change = propose(
        world.iteration, panel[1], "rename", profile=world.lead, new_title="QA lead"
    )
    client.force_login(panel[0])
    url = f"{base(world)}/changes/{change.pk}/vote/"

    fragment = client.post(url, {"accept": "yes", "rationale": "Clearer."}, **HTMX)

    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert html.lstrip().startswith(f'<li id="change-{change.pk}"')
    assert "<html" not in html
    assert "1 vote: 1 accept, 0 reject" in html
    assert "Your vote: accept" in html

    again = client.post(url, {"accept": "no"})
    assert again.status_code == 302
    assert again.url == f"{base(world)}/{world.lead.pk}/#change-{change.pk}"
    ballot = ChangeVote.objects.get()
    assert (ballot.accept, ballot.rationale) == (False, "")


def test_a_vote_without_a_choice_is_refused(client, world, panel):
    change = propose(
        world.iteration, panel[1], "rename", profile=world.lead, new_title="QA lead"
    )
    client.force_login(panel[0])
    url = f"{base(world)}/changes/{change.pk}/vote/"

    fragment = client.post(url, {"accept": "maybe"}, **HTMX)
    page = client.post(url, {})

    assert fragment.status_code == 400
    assert "Select a valid choice" in fragment.content.decode()
    assert page.status_code == 400
    assert "Choose accept or reject." in page.content.decode()
    assert not ChangeVote.objects.exists()


# Refusals


def test_an_older_iteration_cannot_be_edited(client, world, panel, facilitator):
    client.force_login(facilitator)
    client.post(f"{base(world)}/apply/")
    client.force_login(panel[0])

    response = client.post(
        f"{base(world)}/{world.lead.pk}/propose/",
        {"kind": "rename", "new_title": "QA lead"},
    )

    assert response.status_code == 400
    assert "Iteration 1 is no longer the latest" in response.content.decode()
    assert not ProfileChange.objects.exists()


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        (
            {"kind": "uprate", "capability": "C1", "proficiency": "7"},
            "A proficiency is a level of the scale, 0 to 3; 7 is not.",
        ),
        (
            {"kind": "add", "capability": "foreign", "proficiency": "2"},
            "That capability is not one of this cycle",
        ),
        ({"kind": "merge", "other_profile": "self"}, "cannot be merged with itself"),
        (
            {
                "kind": "split",
                "moved_capabilities": ["C1", "C2", "C3"],
                "new_title": "X",
            },
            "Leave at least one capability in the profile",
        ),
        (
            {"kind": "split", "new_title": "X"},
            "Choose the capabilities that move to the new profile.",
        ),
        ({"kind": "uprate", "capability": "C1", "proficiency": "x"}, "whole number"),
        ({"kind": "poll"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    client, world, employer, other_cycle, posted, message
):
    foreign = CycleCapability.objects.create(
        cycle=other_cycle, text="Fly drones.", origin="adopted"
    )
    ids = {f"C{n}": str(cap.pk) for n, cap in enumerate(world.caps, start=1)}
    ids |= {"foreign": str(foreign.pk), "self": str(world.engineer.pk)}
    data = {
        name: [ids.get(v, v) for v in value]
        if isinstance(value, list)
        else ids.get(value, value)
        for name, value in posted.items()
    }
    client.force_login(employer)

    response = client.post(f"{base(world)}/{world.engineer.pk}/propose/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProfileChange.objects.exists()


# Who may do what


def test_only_employers_propose_and_vote(
    client, world, panel, reader, technologist, facilitator, outsider
):
    change = propose(
        world.iteration, panel[0], "rename", profile=world.lead, new_title="QA lead"
    )
    propose_url = f"{base(world)}/{world.lead.pk}/propose/"
    vote_url = f"{base(world)}/changes/{change.pk}/vote/"
    proposal = {"kind": "rename", "new_title": "Intruder"}

    for user, status in [
        (reader, 403),
        (technologist, 403),
        (facilitator, 403),
        (outsider, 404),
    ]:
        client.force_login(user)
        assert client.post(propose_url, proposal).status_code == status, user
        assert client.post(vote_url, {"accept": "yes"}).status_code == status, user
    assert ProfileChange.objects.count() == 1
    assert not ChangeVote.objects.exists()


@pytest.mark.parametrize("action", ["apply/", "final/"])
def test_only_conveners_and_facilitators_apply_and_mark_final(
    client, world, employer, reader, outsider, facilitator, convener, action
):
    url = f"{base(world)}/{action}"
    for user, status in [(employer, 403), (reader, 403), (outsider, 404)]:
        client.force_login(user)
        assert client.post(url).status_code == status, user
    assert Iteration.objects.filter(cycle=world.cycle).count() == 1
    assert not Iteration.objects.filter(is_final=True).exists()

    for user in (facilitator, convener):
        client.force_login(user)
        latest = Iteration.objects.filter(cycle=world.cycle).last()
        assert client.post(f"{base(world, latest)}/{action}").status_code == 302


def test_marking_another_iteration_final_clears_the_first(client, world, facilitator):
    client.force_login(facilitator)
    client.post(f"{base(world)}/apply/")
    second = Iteration.objects.get(cycle=world.cycle, number=2)

    client.post(f"{base(world)}/final/")
    first_final = set(Iteration.objects.filter(is_final=True))
    client.post(f"{base(world, second)}/final/")

    assert first_final == {world.iteration}
    assert list(Iteration.objects.filter(is_final=True)) == [second]
    page = client.get(f"/cycles/{world.cycle.pk}/profiles/").content.decode()
    assert page.count('class="badge final"') == 1


def test_readers_see_the_final_iteration_only_from_communicate_on(
    client, world, reader, technologist, outsider, convener
):
    second = Iteration.objects.create(cycle=world.cycle, number=2, name="Refinement 1")
    final = Profile.objects.create(
        iteration=second, title="Final engineer", role_level=world.level_a
    )
    mark_final(second)
    pages = {
        "final matrix": f"{base(world, second)}/matrix/",
        "final detail": f"{base(world, second)}/{final.pk}/",
        "draft matrix": f"{base(world)}/matrix/",
        "draft detail": f"{base(world)}/{world.engineer.pk}/",
    }
    listing = f"/cycles/{world.cycle.pk}/profiles/"

    for user in (reader, technologist):
        client.force_login(user)
        for name, url in pages.items():
            assert client.get(url).status_code == 403, name
        assert "published when the cycle reaches Communicate" in (
            client.get(listing).content.decode()
        )

    Cycle.objects.filter(pk=world.cycle.pk).update(stage=Stage.COMMUNICATE)
    for user in (reader, technologist):
        client.force_login(user)
        assert client.get(pages["final matrix"]).status_code == 200
        assert client.get(pages["final detail"]).status_code == 200
        assert client.get(pages["draft matrix"]).status_code == 403
        assert client.get(pages["draft detail"]).status_code == 403
        page = client.get(listing).content.decode()
        assert "2. Refinement 1" in page and "1. Prototype" not in page

    client.force_login(outsider)
    for url in pages.values():
        assert client.get(url).status_code == 404
    Cycle.objects.filter(pk=world.cycle.pk).update(stage=Stage.CONSIDER)
    client.force_login(convener)
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name


def test_employers_see_every_iteration_before_communicate(client, world, employer):
    client.force_login(employer)

    assert client.get(f"{base(world)}/matrix/").status_code == 200
    page = client.get(f"/cycles/{world.cycle.pk}/profiles/").content.decode()
    assert "1. Prototype" in page
    assert "Mark final" not in page and "Generate profiles" not in page


# The matrix


def test_the_matrix_csv_has_the_documented_columns_and_a_row_per_capability(
    client, world, reader
):
    mark_final(world.iteration)
    Cycle.objects.filter(pk=world.cycle.pk).update(stage=Stage.COMMUNICATE)
    client.force_login(reader)

    header, *rows = matrix_csv(client, world, world.iteration)

    assert header == [
        "capability ref",
        "function",
        "domain",
        "area",
        "capability",
        "Data steward",
        "Process engineer",
        "Quality lead",
    ]
    by_ref = {row[0]: row for row in rows}
    assert sorted(by_ref) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert by_ref["C3"] == [
        "C3",
        "Implement",
        "Operations",
        "Area 1",
        "Operate robotic platform 3.",
        "",
        "Expert",
        "Awareness",
    ]
    assert by_ref["C6"][5:] == ["", "", ""]
    page = client.get(f"{base(world)}/matrix/").content.decode()
    assert "<q>capability ref</q>, <q>function</q>, <q>domain</q>" in page


def test_the_matrix_filters_by_role_level_and_hides_empty_capabilities(
    client, world, employer
):
    client.force_login(employer)
    level = f"role_level={world.level_a.pk}"

    header, *rows = matrix_csv(client, world, world.iteration, level)
    assert header[5:] == ["Process engineer", "Quality lead"]
    assert len(rows) == 6

    header, *rows = matrix_csv(client, world, world.iteration, f"{level}&hide_empty=on")
    assert [row[0] for row in rows] == ["C1", "C2", "C3", "C4"]

    header, *rows = matrix_csv(
        client, world, world.iteration, f"profile={world.steward.pk}&hide_empty=on"
    )
    assert header[5:] == ["Data steward"]
    assert rows == [
        ["C5", "Implement", "Operations", "Area 2", rows[0][4], "Practitioner"]
    ]


def test_the_matrix_can_hide_the_domain_and_area_columns(client, world, employer):
    client.force_login(employer)

    header, *rows = matrix_csv(client, world, world.iteration, "hide_areas=on")
    page = client.get(f"{base(world)}/matrix/?hide_areas=on").content.decode()

    assert header[:3] == ["capability ref", "function", "capability"]
    assert len(rows[0]) == 3 + 3
    assert "Operations" not in page.split('id="matrix"')[1]


def test_the_matrix_filter_with_htmx_returns_the_table_alone(client, world, employer):
    client.force_login(employer)
    url = f"{base(world)}/matrix/?role_level={world.level_b.pk}&hide_empty=on"

    fragment = client.get(url, **HTMX).content.decode()
    page = client.get(url).content.decode()

    assert fragment.lstrip().startswith('<section id="matrix"')
    assert "<html" not in fragment and "<form" not in fragment
    assert "Data steward" in fragment and "Process engineer" not in fragment
    assert "1 profile × 1 capability" in fragment
    assert "<html" in page and 'class="filters"' in page
    assert "1 profile × 1 capability" in page


def test_a_bad_matrix_filter_is_refused(client, world, employer):
    client.force_login(employer)

    response = client.get(f"{base(world)}/matrix/?role_level=999999")

    assert response.status_code == 400
    assert "Check the filters above." in response.content.decode()


# The detail page


def test_the_detail_page_lists_capabilities_with_ksbs_and_title_suggestions(
    client, world, employer
):
    Profile.objects.filter(pk=world.engineer.pk).update(
        title_suggestions=[
            {
                "title": "Process engineer",
                "source": "onet",
                "code": "17-2",
                "score": 0.81,
            }
        ]
    )
    tag = KsbTag.objects.create(
        cycle=world.cycle, kind="skill", text="Programme robot arms", tools="ROS"
    )
    tag.capabilities.add(world.caps[0], world.caps[4])
    client.force_login(employer)
    url = f"{base(world)}/{world.engineer.pk}/"

    page = client.get(url).content.decode()
    header, *rows = list(
        csv.reader(io.StringIO(client.get(f"{url}?format=csv").content.decode()))
    )

    assert "Process engineer" in page and "0.81" in page
    assert "Programme robot arms" in page and "Generated for C1." in page
    assert header == [
        "capability ref",
        "function",
        "domain",
        "area",
        "capability",
        "proficiency",
        "explanation",
        "KSBs",
    ]
    assert [row[0] for row in rows] == ["C1", "C2", "C3"]
    assert rows[0][5:] == [
        "Awareness",
        "Generated for C1.",
        "Skill: Programme robot arms",
    ]
    assert rows[1][7] == ""


def test_the_detail_page_offers_proposals_only_on_the_latest_iteration(
    client, world, employer, facilitator
):
    client.force_login(employer)
    url = f"{base(world)}/{world.engineer.pk}/"
    assert "Propose a change" in client.get(url).content.decode()

    client.force_login(facilitator)
    client.post(f"{base(world)}/apply/")
    client.force_login(employer)

    assert "Propose a change" not in client.get(url).content.decode()


# Generating


def test_generating_enqueues_the_task_and_the_page_polls_its_progress(
    client, world, facilitator, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        iteration_views.generate_profiles, "delay", lambda *args: calls.append(args)
    )
    client.force_login(facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cycles/{world.cycle.pk}/profiles/generate/")

    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert job.kind == "generate_profiles"
    assert calls == [(job.pk, world.cycle.pk, facilitator.pk)]
    listing = f"/cycles/{world.cycle.pk}/profiles/"
    assert 'hx-trigger="every 2s"' in client.get(listing).content.decode()
    fragment = client.get(listing, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section id="listing"')
    assert "Latest generation: Queued" in fragment


def test_a_generation_that_fails_shows_why(
    client, cycle, convener, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(convener)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/cycles/{cycle.pk}/profiles/generate/")

    job = BackgroundJob.objects.get()
    assert job.status == "failed"
    page = client.get(f"/cycles/{cycle.pk}/profiles/").content.decode()
    assert "no proficiency workshop yet" in page
    assert 'hx-trigger="every 2s"' not in page


def test_only_runners_generate(client, cycle, employer, reader, outsider):
    for user, status in [(employer, 403), (reader, 403), (outsider, 404)]:
        client.force_login(user)
        assert (
            client.post(f"/cycles/{cycle.pk}/profiles/generate/").status_code == status
        )
    assert not BackgroundJob.objects.exists()


# Bounded queries


@pytest.fixture
def large(cycle, panel) -> SimpleNamespace:
    """25 profiles by 137 capabilities, each profile holding 40 of them, and 60 KSBs
    on three capabilities each, built in bulk."""
    function = Function.objects.get(name="Design")
    domains = Domain.objects.bulk_create(
        Domain(function=function, code=f"DL{n}", name=f"Domain {n}") for n in range(4)
    )
    areas = FunctionalArea.objects.bulk_create(
        FunctionalArea(domain=domains[n % 4], code=f"AL{n}", name=f"Large area {n}")
        for n in range(12)
    )
    capabilities = CycleCapability.objects.bulk_create(
        CycleCapability(
            cycle=cycle,
            text=f"Large capability {n}.",
            origin="adopted",
            ref=f"L{n:03}",
            area=areas[n % 12],
        )
        for n in range(137)
    )
    levels = [
        cycle.role_levels.create(
            name=f"Level {n}", min_academic_level=n + 2, max_academic_level=n + 2
        )
        for n in range(4)
    ]
    iteration = Iteration.objects.create(cycle=cycle, number=1, name="Prototype")
    profiles = Profile.objects.bulk_create(
        Profile(iteration=iteration, title=f"Profile {n}", role_level=levels[n % 4])
        for n in range(25)
    )
    ProfileCapability.objects.bulk_create(
        ProfileCapability(
            profile=profile,
            capability=capabilities[(3 * p + c) % 137],
            proficiency=c % 4,
            explanation="Generated.",
        )
        for p, profile in enumerate(profiles)
        for c in range(40)
    )
    tags = KsbTag.objects.bulk_create(
        KsbTag(cycle=cycle, kind="knowledge", text=f"KSB {n}") for n in range(60)
    )
    KsbTag.capabilities.through.objects.bulk_create(
        KsbTag.capabilities.through(
            ksbtag=tag, cyclecapability=capabilities[(n * 7 + k) % 137]
        )
        for n, tag in enumerate(tags)
        for k in range(3)
    )
    for n in range(5):
        change = propose(
            iteration, panel[0], "rename", profile=profiles[0], new_title=f"Name {n}"
        )
        vote(change, panel[1], True)
    return SimpleNamespace(cycle=cycle, iteration=iteration, profiles=profiles)


def test_the_matrix_and_detail_pages_take_a_bounded_number_of_queries(
    client, large, employer, django_assert_max_num_queries
):
    client.force_login(employer)
    prefix = f"/cycles/{large.cycle.pk}/profiles/{large.iteration.pk}"
    profile = large.profiles[0]

    with django_assert_max_num_queries(14):
        page = client.get(f"{prefix}/matrix/")
    with django_assert_max_num_queries(10):
        download = client.get(f"{prefix}/matrix/?hide_empty=on&format=csv")
    with django_assert_max_num_queries(18):
        detail = client.get(f"{prefix}/{profile.pk}/")
    with django_assert_max_num_queries(10):
        detail_csv = client.get(f"{prefix}/{profile.pk}/?format=csv")

    assert page.content.decode().count('class="level level-') == 25 * 40
    # Profile n holds capabilities 3n to 3n + 39: 112 of the 137 are in one.
    assert len(download.content.decode().splitlines()) == 1 + 112
    html = detail.content.decode()
    assert html.count('id="change-') == 5
    assert len(detail_csv.content.decode().splitlines()) == 1 + 40
    counted = ProfileCapability.objects.filter(profile=profile).aggregate(n=Count("id"))
    assert counted["n"] == 40


# The admin


def test_the_admin_shows_changes_with_vote_counts_and_no_respondent(
    client, world, panel, convener
):
    convener.is_superuser = True
    convener.save()
    change = propose(
        world.iteration, panel[0], "rename", profile=world.lead, new_title="QA lead"
    )
    vote(change, panel[1], True)
    vote(change, panel[2], False)
    client.force_login(convener)

    listing = client.get("/admin/profiles/profilechange/").content.decode()
    form = client.get(f"/admin/profiles/profilechange/{change.pk}/change/")
    iteration = client.get(f"/admin/profiles/iteration/{world.iteration.pk}/change/")

    assert "1 accept, 1 reject" in listing
    respondent = ChangeVote.objects.first().respondent
    assert respondent not in listing and respondent not in form.content.decode()
    assert iteration.status_code == 200
    assert "Process engineer" in iteration.content.decode()
    assert client.get("/admin/profiles/changevote/").status_code == 404
