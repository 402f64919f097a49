"""The proficiency form: answers saved one by one with htmx or all at once,
refused when they do not fit the open round, and round 2's feedback."""

import threading
import time
from html import unescape

import pytest
from django.db import connection, transaction
from django.utils import timezone

from conftest import join, make_user
from foresight.models import Cycle, Role
from workshops.anonymity import respondent_for
from workshops.models import Panellist, Rating, Round, RoundStatus, Workshop
from workshops.results import close_round, open_round, store_round_consensus
from workshops.tests.helpers import (
    HTMX,
    items_of,
    on_panel,
    proficiency_workshop,
    url,
)


@pytest.fixture
def workshop(cycle) -> Workshop:
    return proficiency_workshop(cycle)


@pytest.fixture
def rater(client, workshop):
    """An employer on the panel, signed in."""
    (user,) = on_panel(workshop, "rater")
    client.force_login(user)
    return user


@pytest.fixture
def round(workshop) -> Round:
    return open_round(workshop, carry_unresolved=False)


def rate(client, item, value, rationale="", htmx=True, workshop=None):
    data = {"item": item.pk, f"value-{item.pk}": value}
    data[f"rationale-{item.pk}"] = rationale
    headers = HTMX if htmx else {}
    workshop = workshop or item.round.workshop
    return client.post(url(workshop, "proficiency/rate/"), data, headers=headers)


def readable(response) -> str:
    """The page as a person reads it: entities such as &#x27; decoded."""
    return unescape(response.content.decode())


def mine(workshop, user):
    return Rating.objects.filter(respondent=respondent_for(workshop.pk, user.pk))


def test_the_form_lists_every_capability_at_every_role_level(
    client, workshop, rater, round
):
    page = readable(client.get(url(workshop, "proficiency/")))

    for item in items_of(round):
        assert f'id="item-{item.pk}"' in page
    assert page.count("<legend>Level group 0</legend>") == 2
    assert page.count("Operate platform 1.") == 1
    for label in ("Not required", "Awareness", "Practitioner", "Expert", "Can't judge"):
        assert page.count(f"> {label}</label>") == 4, label
    assert "0 of 4 answered" in page


def test_an_htmx_answer_is_saved_and_answered_with_its_fragment(
    client, workshop, rater, round
):
    item = items_of(round)[0]

    response = rate(client, item, "2", "Robots need skilled operators.")

    page = readable(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert f'id="item-{item.pk}"' in page
    assert 'value="2" checked' in page
    assert "Robots need skilled operators." in page
    assert 'id="progress"' in page and 'hx-swap-oob="true"' in page
    assert "1 of 4 answered" in page
    rating = mine(workshop, rater).get()
    assert (rating.item, rating.value, rating.group) == (item, 2, "employer")
    assert rating.rationale == "Robots need skilled operators."


def test_without_htmx_an_answer_redirects_back_to_the_page_which_shows_it(
    client, workshop, rater, round
):
    item = items_of(round)[1]

    response = rate(client, item, "3", htmx=False)

    assert response.url == url(workshop, f"proficiency/#item-{item.pk}")
    page = readable(client.get(url(workshop, "proficiency/")))
    assert "<html" in page
    assert f'name="value-{item.pk}" value="3" checked' in page
    assert "1 of 4 answered" in page


def test_the_whole_form_saves_every_answer_given(client, workshop, rater, round):
    first, second, third, _fourth = items_of(round)
    form = {
        "round": round.pk,
        f"value-{first.pk}": "0",
        f"value-{second.pk}": "na",
        f"rationale-{second.pk}": "Outside my experience.",
        f"value-{third.pk}": "3",
    }

    response = client.post(url(workshop, "proficiency/"), form)

    assert response.url == url(workshop, "proficiency/")
    saved = dict(mine(workshop, rater).values_list("item", "value"))
    # "Can't judge" is stored as no value, apart from 0, "Not required".
    assert saved == {first.pk: 0, second.pk: None, third.pk: 3}
    page = readable(client.get(url(workshop, "proficiency/")))
    assert "3 of 4 answered" in page
    assert "Saved 3 answers." in page
    assert f'name="value-{second.pk}" value="na" checked' in page
    assert "Outside my experience." in page


def test_answering_again_updates_the_one_rating(client, workshop, rater, round):
    item = items_of(round)[0]

    rate(client, item, "1", "First thought.")
    rate(client, item, "3", "Second thought.")
    client.post(
        url(workshop, "proficiency/"), {"round": round.pk, f"value-{item.pk}": "2"}
    )

    rating = Rating.objects.get()
    assert (rating.item, rating.value, rating.rationale) == (item, 2, "")


@pytest.mark.parametrize("value", ["7", "4", "-1", "two", "2.5"])
def test_a_value_outside_the_scale_is_refused(client, workshop, rater, round, value):
    item = items_of(round)[0]

    response = rate(client, item, value)

    assert response.status_code == 400
    assert "is not a level of this cycle's scale" in readable(response)
    assert "<html" not in readable(response)
    full = client.post(
        url(workshop, "proficiency/"), {"round": round.pk, f"value-{item.pk}": value}
    )
    assert full.status_code == 400
    assert "is not a level of this cycle's scale" in readable(full)
    assert not Rating.objects.exists()


def test_one_bad_answer_in_the_whole_form_saves_none_and_keeps_the_others(
    client, workshop, rater, round
):
    first, second, *_ = items_of(round)
    form = {"round": round.pk, f"value-{first.pk}": "2", f"value-{second.pk}": "7"}

    response = client.post(url(workshop, "proficiency/"), form)

    page = readable(response)
    assert response.status_code == 400
    assert f'name="value-{first.pk}" value="2" checked' in page
    assert not Rating.objects.exists()


def test_a_note_without_a_level_is_refused(client, workshop, rater, round):
    item = items_of(round)[0]

    response = rate(client, item, "", "I think so.")

    assert response.status_code == 400
    page = readable(response)
    assert "Choose a level, or “Can't judge”, to go with the note." in page
    assert "I think so." in page
    assert not Rating.objects.exists()


def test_an_item_of_another_cycle_is_refused(
    client, workshop, rater, round, other_cycle
):
    elsewhere = proficiency_workshop(other_cycle)
    foreign = items_of(open_round(elsewhere, carry_unresolved=False))[0]

    response = rate(client, foreign, "2", workshop=workshop)

    assert response.status_code == 400
    assert "That item is not part of this workshop." in readable(response)
    assert response.headers["HX-Retarget"] == "#notice"
    full = client.post(
        url(workshop, "proficiency/"), {"round": round.pk, f"value-{foreign.pk}": "2"}
    )
    assert full.status_code == 400
    assert "not in the open round" in readable(full)
    assert not Rating.objects.exists()


def test_an_item_of_an_earlier_round_is_refused(client, workshop, rater, round):
    old = items_of(round)[0]
    close_round(round.pk, None)
    current = open_round(workshop, carry_unresolved=False)

    response = rate(client, old, "2")

    assert response.status_code == 409
    assert "Round 1 is closed" in readable(response)
    full = client.post(
        url(workshop, "proficiency/"), {"round": current.pk, f"value-{old.pk}": "2"}
    )
    assert full.status_code == 400
    assert "not in the open round (round 2)" in readable(full)
    assert not Rating.objects.exists()


def test_an_answer_after_the_close_changes_nothing(client, workshop, rater, round):
    item = items_of(round)[0]
    rate(client, item, "1", "Before the close.")
    close_round(round.pk, None)

    late = rate(client, item, "3", "After the close.")
    late_page = client.post(
        url(workshop, "proficiency/"), {"round": round.pk, f"value-{item.pk}": "3"}
    )

    assert late.status_code == 409
    # htmx reloads the page, which shows the message.
    assert late.headers["HX-Refresh"] == "true"
    assert "Round 1 is closed: answers are no longer accepted." in readable(late)
    assert late_page.status_code == 409
    assert "Round 1 is closed" in readable(late_page)
    rating = Rating.objects.get()
    assert (rating.value, rating.rationale) == (1, "Before the close.")
    page = readable(client.get(url(workshop, "proficiency/")))
    assert "No round is open now." in page


def test_a_close_between_the_check_and_the_save_refuses_the_answers(
    client, workshop, rater, round, monkeypatch
):
    # The form locks the round and checks it again just before writing.
    from workshops import forms

    item = items_of(round)[0]
    real = forms.item_of

    def closing_meanwhile(*args):
        found = real(*args)
        Round.objects.filter(pk=round.pk).update(status=RoundStatus.CLOSED)
        return found

    monkeypatch.setattr("workshops.views.proficiency.item_of", closing_meanwhile)

    response = rate(client, item, "2")

    assert response.status_code == 409
    assert not Rating.objects.exists()


def test_members_not_on_the_panel_get_403(client, cycle, workshop, round):
    technologist = make_user("techie")
    join(technologist, cycle, Role.TECHNOLOGIST)
    employer = make_user("uninvited")
    join(employer, cycle, Role.EMPLOYER)
    item = items_of(round)[0]

    for user in (technologist, employer):
        client.force_login(user)
        assert client.get(url(workshop, "proficiency/")).status_code == 403
        assert rate(client, item, "2").status_code == 403
        full = client.post(
            url(workshop, "proficiency/"), {"round": round.pk, f"value-{item.pk}": "2"}
        )
        assert full.status_code == 403

    assert not Rating.objects.exists()


def test_a_workshop_of_another_kind_has_no_proficiency_form(client, cycle):
    workshop = Workshop.objects.create(cycle=cycle, kind="ksb", title="KSB")
    (educator,) = on_panel(workshop, "teacher", role=Role.EDUCATOR)
    client.force_login(educator)

    assert client.get(url(workshop, "proficiency/")).status_code == 404


def test_with_no_round_open_the_page_says_so(client, workshop, rater):
    page = readable(client.get(url(workshop, "proficiency/")))

    assert "No round is open now." in page
    assert "Save all answers" not in page


def rated_round(workshop: Workshop, cycle: Cycle, raters: list, values: dict) -> Round:
    """Round 1 answered directly: values maps an item index to one value per rater,
    each with a note naming its value; then closed with its consensus stored."""
    round = open_round(workshop, carry_unresolved=False)
    items = items_of(round)
    Rating.objects.bulk_create(
        Rating(
            item=items[index],
            respondent=respondent_for(workshop.pk, user.pk),
            group=Panellist.objects.get(workshop=workshop, user=user).group,
            value=value,
            rationale=f"Reason {value} of {user.first_name}",
        )
        for index, row in values.items()
        for user, value in zip(raters, row, strict=True)
    )
    close_round(round.pk, None)
    store_round_consensus(round)
    return round


def test_round_two_shows_round_one_without_names(client, cycle, workshop, rater):
    others = on_panel(workshop, "second", "third")
    rated_round(workshop, cycle, [rater, *others], {0: (0, 3, 3), 1: (2, 2, 2)})
    open_round(workshop, carry_unresolved=True)

    page = readable(client.get(url(workshop, "proficiency/")))

    assert "Round 2." in page
    assert "median 3 (Expert) · IQR 1.5 · 3 rated" in page
    assert "Not required: 1 (your answer)" in page
    assert "Expert: 2" in page
    assert "Your answer then: Not required" in page
    for text in ("Reason 0 of Rater", "Reason 3 of Second", "Reason 3 of Third"):
        assert text in page
    # Only the unresolved items were carried: the second item is not asked again.
    assert "Reason 2 of" not in page
    assert "second@example.org" not in page
    assert "third@example.org" not in page
    assert "By panel group" not in page


def test_reasons_come_in_an_order_that_does_not_follow_who_answered_first(
    client, cycle, workshop, rater
):
    others = on_panel(workshop, *[f"rater{n}" for n in range(6)])
    raters = [rater, *others]
    round = open_round(workshop, carry_unresolved=False)
    item = items_of(round)[0]
    for position, user in enumerate(raters):
        Rating.objects.create(
            item=item,
            respondent=respondent_for(workshop.pk, user.pk),
            group="employer",
            value=1,
            rationale=f"Note number {position}",
        )
    close_round(round.pk, None)
    store_round_consensus(round)
    open_round(workshop, carry_unresolved=False)

    first = readable(client.get(url(workshop, "proficiency/")))
    again = readable(client.get(url(workshop, "proficiency/")))

    order = [first.index(f"Note number {n}") for n in range(len(raters))]
    assert sorted(order) != order
    assert [again.index(f"Note number {n}") for n in range(len(raters))] == order


def test_the_split_by_panel_group_shows_when_two_groups_rated(
    client, cycle, workshop, rater
):
    (educator,) = on_panel(workshop, "teacher", role=Role.EDUCATOR)
    (second,) = on_panel(workshop, "second")
    rated_round(workshop, cycle, [rater, second, educator], {0: (0, 0, 3)})
    open_round(workshop, carry_unresolved=True)

    page = readable(client.get(url(workshop, "proficiency/")))

    assert "By panel group" in page
    assert (
        '<th scope="row">Employer</th><td>2</td><td>0</td><td>0</td><td>0</td>' in page
    )
    assert (
        '<th scope="row">Educator</th><td>0</td><td>0</td><td>0</td><td>1</td>' in page
    )


@pytest.fixture
def large_round_two(client, cycle):
    """16 capabilities by 4 role levels by 5 panellists, round 1 rated and closed,
    round 2 open with every item, half of it answered by the signed-in rater."""
    workshop = proficiency_workshop(cycle, capabilities=16, levels=4)
    raters = on_panel(workshop, "rater", "p1", "p2", "p3", "p4")
    rater = raters[0]
    client.force_login(rater)
    first = open_round(workshop, carry_unresolved=False)
    Rating.objects.bulk_create(
        Rating(
            item=item,
            respondent=respondent_for(workshop.pk, user.pk),
            group="employer",
            value=(item.pk + user.pk) % 4,
            rationale=f"Because {item.pk}",
        )
        for item in items_of(first)
        for user in raters
    )
    close_round(first.pk, None)
    store_round_consensus(first)
    second = open_round(workshop, carry_unresolved=False)
    Rating.objects.bulk_create(
        Rating(
            item=item,
            respondent=respondent_for(workshop.pk, rater.pk),
            group="employer",
            value=1,
        )
        for item in items_of(second)[:32]
    )
    return workshop


def test_the_form_needs_a_fixed_number_of_queries(
    client, large_round_two, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = client.get(url(large_round_two, "proficiency/"))

    page = readable(response)
    assert page.count('class="item') == 64
    assert "32 of 64 answered" in page
    assert page.count("(your answer)") == 64


def test_saving_the_whole_form_needs_a_fixed_number_of_queries(
    client, large_round_two, django_assert_max_num_queries
):
    round = large_round_two.rounds.get(number=2)
    form = {"round": round.pk}
    for item in items_of(round):
        form[f"value-{item.pk}"] = "2"

    with django_assert_max_num_queries(13):
        response = client.post(url(large_round_two, "proficiency/"), form)

    assert response.status_code == 302
    assert Rating.objects.filter(item__round=round, value=2).count() == 64


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL's row locks; SQLite lets one writer in at a time",
)
@pytest.mark.django_db(transaction=True)
def test_an_answer_racing_a_close_waits_for_it_and_is_refused(
    client, workshop, rater, round, monkeypatch
):
    from workshops import forms

    item = items_of(round)[0]
    locked, checked = threading.Event(), threading.Event()

    def checked_open(*args):
        found = forms.item_of(*args)
        checked.set()
        return found

    def close_once_checked():
        with transaction.atomic():
            Round.objects.select_for_update().get(pk=round.pk)
            locked.set()
            checked.wait(timeout=5)
            # Let the answer reach the round's lock and wait there.
            time.sleep(0.3)
            Round.objects.filter(pk=round.pk).update(
                status=RoundStatus.CLOSED, closed_at=timezone.now()
            )
        connection.close()

    monkeypatch.setattr("workshops.views.proficiency.item_of", checked_open)
    closer = threading.Thread(target=close_once_checked)
    closer.start()
    locked.wait(timeout=5)
    response = rate(client, item, "2")
    closer.join()

    assert response.status_code == 409
    assert "Round 1 has closed" in readable(response)
    assert not Rating.objects.exists()
