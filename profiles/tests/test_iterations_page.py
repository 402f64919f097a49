"""The iterations page: a change taken from proposal to the next iteration
through the pages, marking one iteration final, and generating profiles."""

import pytest

from foresight.models import BackgroundJob
from profiles.models import Iteration, ProfileChange
from profiles.tests.helpers import BEFORE, HTMX, base, labelled, shown
from profiles.views import iterations as iteration_views

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
