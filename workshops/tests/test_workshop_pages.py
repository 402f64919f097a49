"""The workshop list, set-up, panel invitations and rounds, through the pages;
and one whole Delphi run, from creating the workshop to round 2's feedback."""

import pytest
from django.core import mail

from conftest import join, make_user
from foresight.models import Role
from workshops.models import (
    ItemConsensus,
    Panellist,
    Rating,
    Round,
    RoundStatus,
    Workshop,
    WorkshopKind,
)
from workshops.tests.helpers import (
    HTMX,
    add_items,
    items_of,
    on_panel,
    open_round,
    proficiency_workshop,
    url,
)


@pytest.fixture
def workshop(cycle) -> Workshop:
    return proficiency_workshop(cycle)


@pytest.fixture
def facilitator(cycle):
    user = make_user("facilitator")
    join(user, cycle, Role.FACILITATOR)
    return user


def test_a_facilitator_creates_a_workshop(client, cycle, facilitator):
    client.force_login(facilitator)

    response = client.post(
        f"/cycles/{cycle.pk}/workshops/",
        {
            "kind": "proficiency",
            "title": "  Proficiency, July ",
            "starts_at": "2024-07-01T09:00",
            "ends_at": "2024-07-01T12:30",
        },
    )

    workshop = Workshop.objects.get()
    assert response.url == f"/cycles/{cycle.pk}/workshops/{workshop.pk}/"
    assert (workshop.cycle, workshop.kind) == (cycle, "proficiency")
    assert workshop.title == "Proficiency, July"
    assert workshop.ends_at.hour - workshop.starts_at.hour == 3


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, "Give the workshop a title."),
        (
            {"starts_at": "2024-07-02T09:00", "ends_at": "2024-07-01T09:00"},
            "cannot end before it starts",
        ),
        ({"kind": "poll"}, "Select a valid choice"),
    ],
)
def test_bad_workshop_details_are_refused(client, cycle, convener, fields, message):
    client.force_login(convener)
    data = {"kind": "proficiency", "title": "Proficiency"} | fields

    response = client.post(f"/cycles/{cycle.pk}/workshops/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Workshop.objects.exists()


def test_the_list_shows_each_workshop_with_its_current_round(
    client, cycle, convener, workshop
):
    open_round(workshop)
    Workshop.objects.create(cycle=cycle, kind=WorkshopKind.KSB, title="KSB tagging")
    client.force_login(convener)

    page = client.get(f"/cycles/{cycle.pk}/workshops/").content.decode()

    assert "Proficiency workshop" in page
    assert "Round 1: open" in page
    assert "Knowledge, skills and behaviours" in page
    assert "No round yet" in page
    assert "Set up a workshop" in page


def test_panellists_see_only_their_workshops_and_no_set_up_form(
    client, cycle, workshop
):
    (employer,) = on_panel(workshop, "rater")
    Workshop.objects.create(cycle=cycle, kind=WorkshopKind.KSB, title="KSB tagging")
    client.force_login(employer)

    page = client.get(f"/cycles/{cycle.pk}/workshops/").content.decode()

    assert "Proficiency workshop" in page
    assert "KSB tagging" not in page
    assert "Set up a workshop" not in page


def test_the_overview_links_a_panellist_to_the_form_and_a_runner_to_the_console(
    client, convener, workshop
):
    (employer,) = on_panel(workshop, "rater")

    client.force_login(employer)
    page = client.get(url(workshop)).content.decode()
    assert f'href="{url(workshop, "proficiency/")}"' in page
    assert url(workshop, "console/") not in page

    client.force_login(convener)
    page = client.get(url(workshop)).content.decode()
    assert f'href="{url(workshop, "console/")}"' in page
    assert "Rater@example.org" not in page  # the e-mail is lower case
    assert "rater@example.org" in page  # listed on the panel, for its runners


def test_a_capture_workshop_links_its_panellists_to_the_capture_page(client, cycle):
    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.CAPTURE, title="Capture"
    )
    (technologist,) = on_panel(workshop, "techie", role=Role.TECHNOLOGIST)
    client.force_login(technologist)

    page = client.get(url(workshop)).content.decode()

    assert f'href="{url(workshop, "capture/")}"' in page


def test_runners_invite_employers_of_the_cycle_to_the_panel(
    client, convener, workshop, employer
):
    other = make_user("second")
    join(other, workshop.cycle, Role.EMPLOYER)
    client.force_login(convener)

    response = client.post(
        url(workshop, "panellists/"), {"users": [employer.pk, other.pk]}
    )

    assert response.status_code == 302
    panel = workshop.panellists.order_by("user__email")
    assert [(p.user, p.group) for p in panel] == [
        (employer, "employer"),
        (other, "employer"),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "employer@example.org",
        "second@example.org",
    ]


def test_only_members_holding_the_panel_role_can_be_invited(
    client, cycle, convener, workshop, employer, reader, outsider
):
    client.force_login(convener)

    for user in (reader, outsider, convener):
        response = client.post(
            url(workshop, "panellists/"), {"users": [employer.pk, user.pk]}
        )
        assert response.status_code == 400, user
        assert "can be invited to this panel" in response.content.decode()

    assert not Panellist.objects.exists()
    assert not mail.outbox


def test_a_panellist_already_invited_is_not_offered_again(
    client, convener, workshop, employer
):
    Panellist.objects.create(workshop=workshop, user=employer, group="employer")
    client.force_login(convener)

    response = client.post(url(workshop, "panellists/"), {"users": [employer.pk]})

    assert response.status_code == 400
    assert workshop.panellists.count() == 1


def test_opening_and_closing_rounds(client, convener, workshop):
    client.force_login(convener)

    response = client.post(url(workshop, "rounds/open/"))

    assert response.url == url(workshop, "console/")
    round = workshop.rounds.get()
    assert (round.number, round.status, round.items.count()) == (1, "open", 4)

    response = client.post(url(workshop, f"rounds/{round.pk}/close/"))

    assert response.url == url(workshop, "console/")
    round.refresh_from_db()
    assert (round.status, round.closed_by) == (RoundStatus.CLOSED, convener)


def test_opening_a_round_while_one_is_open_shows_the_reason(client, convener, workshop):
    open_round(workshop)
    client.force_login(convener)

    response = client.post(url(workshop, "rounds/open/"))

    assert response.status_code == 400
    assert "Round 1 is still open; close it first." in response.content.decode()
    assert workshop.rounds.count() == 1


def test_a_second_close_gets_the_reason_and_leaves_the_round_as_it_was(
    client, convener, workshop, eager_celery, django_capture_on_commit_callbacks
):
    round = open_round(workshop)
    client.force_login(convener)
    close = url(workshop, f"rounds/{round.pk}/close/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(close)
    round.refresh_from_db()
    closed_at = round.closed_at

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(close)

    assert response.status_code == 409
    assert "Round 1 is already closed." in response.content.decode()
    round.refresh_from_db()
    assert (round.status, round.closed_at) == ("closed", closed_at)


def test_a_round_of_another_workshop_cannot_be_closed_through_this_one(
    client, cycle, convener, workshop
):
    other = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Other"
    )
    round = open_round(other)
    client.force_login(convener)

    response = client.post(url(workshop, f"rounds/{round.pk}/close/"))

    assert response.status_code == 404
    round.refresh_from_db()
    assert round.is_open


def every_url(workshop: Workshop, round: Round) -> list[tuple[str, str]]:
    return [
        ("get", f"/cycles/{workshop.cycle_id}/workshops/"),
        ("post", f"/cycles/{workshop.cycle_id}/workshops/"),
        ("get", url(workshop)),
        ("post", url(workshop, "panellists/")),
        ("post", url(workshop, "rounds/open/")),
        ("post", url(workshop, f"rounds/{round.pk}/close/")),
        ("get", url(workshop, "proficiency/")),
        ("post", url(workshop, "proficiency/")),
        ("post", url(workshop, "proficiency/rate/")),
        ("get", url(workshop, "console/")),
        ("post", url(workshop, "console/remind/")),
    ]


def test_an_outsider_gets_404_on_every_workshop_url(client, outsider, workshop):
    round = open_round(workshop)
    client.force_login(outsider)

    for method, address in every_url(workshop, round):
        response = getattr(client, method)(address, {"title": "x", "kind": "ksb"})
        assert response.status_code == 404, (method, address)


def test_signed_out_visitors_are_sent_to_sign_in(client, workshop):
    round = open_round(workshop)

    for method, address in every_url(workshop, round):
        response = getattr(client, method)(address)
        assert response.status_code == 302, (method, address)
        assert response.url.startswith("/accounts/login/")


def test_a_reader_may_list_workshops_but_gets_403_on_the_rest(client, reader, workshop):
    round = open_round(workshop)
    client.force_login(reader)

    for method, address in every_url(workshop, round)[1:]:
        response = getattr(client, method)(address, {"title": "x", "kind": "ksb"})
        assert response.status_code == 403, (method, address)

    assert client.get(every_url(workshop, round)[0][1]).status_code == 200
    assert Workshop.objects.count() == 1
    round.refresh_from_db()
    assert round.is_open


def test_an_employer_on_the_panel_cannot_run_the_workshop(client, workshop):
    round = open_round(workshop)
    (employer,) = on_panel(workshop, "rater")
    client.force_login(employer)

    runner_only = [
        ("post", f"/cycles/{workshop.cycle_id}/workshops/"),
        ("post", url(workshop, "panellists/")),
        ("post", url(workshop, "rounds/open/")),
        ("post", url(workshop, f"rounds/{round.pk}/close/")),
        ("get", url(workshop, "console/")),
        ("post", url(workshop, "console/remind/")),
    ]
    for method, address in runner_only:
        response = getattr(client, method)(address, {"users": [employer.pk]})
        assert response.status_code == 403, (method, address)

    round.refresh_from_db()
    assert round.is_open
    assert not mail.outbox


def test_a_whole_delphi_run_through_the_pages(
    client, cycle, convener, eager_celery, django_capture_on_commit_callbacks
):
    add_items(cycle)
    raters = []
    for name in ("ada", "ben", "cy"):
        raters.append(make_user(name))
        join(raters[-1], cycle, Role.EMPLOYER)

    # The convener sets the workshop up and opens round 1.
    client.force_login(convener)
    client.post(
        f"/cycles/{cycle.pk}/workshops/", {"kind": "proficiency", "title": "Rating"}
    )
    workshop = Workshop.objects.get()
    client.post(url(workshop, "panellists/"), {"users": [u.pk for u in raters]})
    client.post(url(workshop, "rounds/open/"))
    round1 = workshop.rounds.get()
    agreed, split, thin, close = items_of(round1)

    # Ada answers item by item with htmx; Ben and Cy post the whole form.
    answers = {
        agreed: ("2", "2", "2"),
        split: ("0", "3", "3"),
        thin: ("1", "3", "na"),
        close: ("3", "3", "2"),
    }
    notes = {split: ("Not needed at this level yet.", "Operators run it daily.", "")}
    client.force_login(raters[0])
    for item, values in answers.items():
        note = notes.get(item, ("",))[0]
        response = client.post(
            url(workshop, "proficiency/rate/"),
            {
                "item": item.pk,
                f"value-{item.pk}": values[0],
                f"rationale-{item.pk}": note,
            },
            headers=HTMX,
        )
        assert response.status_code == 200
    for index, rater in enumerate(raters[1:], start=1):
        client.force_login(rater)
        form = {"round": round1.pk}
        for item, values in answers.items():
            form[f"value-{item.pk}"] = values[index]
            form[f"rationale-{item.pk}"] = notes.get(item, ("", "", ""))[index]
        assert client.post(url(workshop, "proficiency/"), form).status_code == 302
    assert Rating.objects.filter(item__round=round1).count() == 12

    # Closing computes the consensus once the close is committed.
    client.force_login(convener)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(workshop, f"rounds/{round1.pk}/close/"))
    round1.refresh_from_db()
    assert round1.computed_at is not None
    reached = dict(
        ItemConsensus.objects.filter(item__round=round1).values_list("item", "reached")
    )
    assert reached == {agreed.pk: True, split.pk: False, thin.pk: False, close.pk: True}

    # Round 2 carries only the two items without consensus.
    client.post(url(workshop, "rounds/open/"), {"carry_unresolved": "on"})
    round2 = workshop.rounds.get(number=2)
    carried = set(round2.items.values_list("capability_id", "role_level_id"))
    assert carried == {
        (split.capability_id, split.role_level_id),
        (thin.capability_id, thin.role_level_id),
    }

    # Ada's round 2 page shows what round 1 said about the split item.
    client.force_login(raters[0])
    page = client.get(url(workshop, "proficiency/")).content.decode()
    assert "0 of 2 answered" in page
    assert "median 3 (Expert) · IQR 1.5 · 3 rated" in page
    assert "Not required: 1 (your answer)" in page
    assert "Expert: 2" in page
    assert "Your answer then: Not required" in page
    assert "Not needed at this level yet." in page
    assert "Operators run it daily." in page
    # The thin item: Cy could not judge, so two rated.
    assert "2 rated, 1 could not judge" in page
    assert "ben@example.org" not in page
    assert "cy@example.org" not in page
