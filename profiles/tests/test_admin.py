"""The profiles admin: changes with their vote counts, never a respondent."""

from profiles.models import ChangeVote
from profiles.refinement import propose, vote


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
