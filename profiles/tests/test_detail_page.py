"""The FOP detail page (insight page 5): its capabilities and CSV, the changes
proposed on it and the votes cast there, and the proposals it refuses."""

import csv
import io

import pytest

from foresight.models import CycleCapability
from profiles.models import ChangeVote, Profile, ProfileChange
from profiles.refinement import propose, vote
from profiles.tests.helpers import HTMX, base
from workshops.models import KsbTag


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
