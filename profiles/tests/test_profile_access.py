"""Who may propose, vote, apply, mark final and generate, and who sees which
iteration before and after the cycle reaches Communicate."""

import pytest

from foresight.models import BackgroundJob, Cycle, Stage
from profiles.models import ChangeVote, Iteration, Profile, ProfileChange
from profiles.refinement import mark_final, propose
from profiles.tests.helpers import base


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


def test_only_runners_generate(client, cycle, employer, reader, outsider):
    for user, status in [(employer, 403), (reader, 403), (outsider, 404)]:
        client.force_login(user)
        assert (
            client.post(f"/cycles/{cycle.pk}/profiles/generate/").status_code == status
        )
    assert not BackgroundJob.objects.exists()
