"""The action tracker: list with filters (page, fragment, CSV), the form's
rules, and who may see or change actions."""

import csv
import datetime
import io

import pytest

from conftest import join, make_user
from foresight.models import Role, Stage
from profiles.models import Iteration, Profile
from reports import demo
from reports.actions import COLUMNS
from reports.models import Action, ActionStatus, Horizon

HTMX = {"HX-Request": "true"}


def url(cycle, rest: str = "") -> str:
    return f"/cycles/{cycle.pk}/report/actions/{rest}"


def table(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def publish(cycle, convener) -> None:
    for stage in (Stage.IDENTIFY, Stage.PREPARE, Stage.CARRY_OUT, Stage.COMMUNICATE):
        cycle.change_stage(stage, convener)


def valid(**changes) -> dict:
    data = {
        "topic": "Data skills",
        "action": "Revise the data analyst standard.",
        "who": "Trailblazer group",
        "due": "",
        "horizon": "short",
        "status": "proposed",
    }
    return data | changes


@pytest.fixture
def actions(cycle) -> list[Action]:
    rows = [
        (
            "Data skills",
            "Revise the data analyst standard.",
            "",
            "agreed",
            "2025-09-30",
        ),
        ("Automation", "Pilot a robotics module.", "short", "in_progress", None),
        ("Quality", "Map regulatory capabilities.", "medium", "proposed", None),
        ("Upskilling", "Short courses on data.", "medium", "done", None),
    ]
    return [
        Action.objects.create(
            cycle=cycle,
            topic=topic,
            action=text,
            horizon=horizon,
            status=status,
            due=due,
        )
        for topic, text, horizon, status, due in rows
    ]


# The list -----------------------------------------------------------------------


def test_the_list_shows_every_action_of_the_cycle(
    client, convener, actions, other_cycle
):
    Action.objects.create(cycle=other_cycle, topic="Elsewhere", action="Not ours.")
    client.force_login(convener)

    response = client.get(url(actions[0].cycle))

    page = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["actions"]) == sorted(actions, key=lambda a: a.topic)
    assert "Elsewhere" not in page
    assert "2025-09-30" in page and "Short term" in page


def test_filters_by_status_horizon_and_words(client, convener, actions):
    client.force_login(convener)
    cycle = actions[0].cycle

    def topics(**query) -> list[str]:
        response = client.get(url(cycle), query)
        return [action.topic for action in response.context["actions"]]

    assert topics(status="proposed") == ["Quality"]
    assert topics(horizon="medium") == ["Quality", "Upskilling"]
    assert topics(horizon="dated") == ["Data skills"]
    assert topics(q="DATA") == ["Data skills", "Upskilling"]
    assert topics(q="data", status="done") == ["Upskilling"]
    assert topics(status="nonsense") == sorted(a.topic for a in actions)


def test_the_htmx_filter_renders_only_the_results(client, convener, actions):
    client.force_login(convener)

    response = client.get(url(actions[0].cycle), {"status": "done"}, headers=HTMX)

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "Upskilling" in body and "Quality" not in body
    assert "<html" not in body


def test_the_csv_has_the_filtered_rows_and_documented_columns(
    client, convener, actions, findings
):
    linked = actions[2]
    linked.profiles.add(findings.profiles["Manager"])
    linked.capabilities.add(findings.capabilities[2], findings.capabilities[3])
    client.force_login(convener)

    response = client.get(url(linked.cycle), {"horizon": "medium", "format": "csv"})

    rows = table(response)
    assert rows[0] == COLUMNS
    assert [row[1] for row in rows[1:]] == ["Quality", "Upskilling"]
    quality = dict(zip(COLUMNS, rows[1], strict=True))
    assert (quality["horizon"], quality["due"], quality["status"]) == (
        "medium",
        "",
        "proposed",
    )
    assert quality["profiles"] == "Manager"
    assert quality["capabilities"] == "C2; C3"
    assert "attachment" in response["Content-Disposition"]
    page = client.get(url(linked.cycle)).content.decode()
    for column in COLUMNS:
        assert f"<dt>{column}</dt>" in page


def test_the_list_is_bounded_in_queries(
    client, convener, actions, findings, django_assert_max_num_queries
):
    for action in actions:
        action.profiles.add(*findings.profiles.values())
        action.capabilities.add(*findings.capabilities)
    client.force_login(convener)

    with django_assert_max_num_queries(10):
        response = client.get(url(findings.cycle))

    assert response.content.decode().count("Manager") >= len(actions)


# The form -----------------------------------------------------------------------


def test_a_convener_creates_an_action_with_links(client, convener, findings):
    client.force_login(convener)
    scientist = findings.profiles["Scientist"]

    response = client.post(
        url(findings.cycle, "new/"),
        valid(profiles=[scientist.pk], capabilities=[findings.capabilities[0].pk]),
    )

    assert response.status_code == 302
    assert response["Location"] == url(findings.cycle)
    action = Action.objects.get(cycle=findings.cycle)
    assert (action.topic, action.horizon, action.due) == ("Data skills", "short", None)
    assert list(action.profiles.all()) == [scientist]
    assert list(action.capabilities.all()) == [findings.capabilities[0]]


def test_a_date_and_a_horizon_together_get_a_clear_message(client, convener, cycle):
    client.force_login(convener)

    response = client.post(url(cycle, "new/"), valid(due="2025-06-30", horizon="short"))

    page = response.content.decode()
    assert response.status_code == 400
    assert "Give either a due date or a horizon, not both." in page
    assert "is violated" not in page
    assert not Action.objects.exists()


def test_a_profile_of_another_cycle_is_refused(client, convener, findings, other_cycle):
    level = other_cycle.role_levels.create(
        name="Elsewhere", min_academic_level=3, max_academic_level=3
    )
    iteration = Iteration.objects.create(
        cycle=other_cycle, number=1, name="Theirs", is_final=True
    )
    foreign = Profile.objects.create(iteration=iteration, title="Spy", role_level=level)
    client.force_login(convener)

    response = client.post(url(findings.cycle, "new/"), valid(profiles=[foreign.pk]))

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Action.objects.exists()


def test_a_capability_of_another_cycle_is_refused(client, convener, cycle, other_cycle):
    foreign = other_cycle.capabilities.create(text="Not ours.", origin="adopted")
    client.force_login(convener)

    response = client.post(url(cycle, "new/"), valid(capabilities=[foreign.pk]))

    assert response.status_code == 400
    assert not Action.objects.exists()


def test_only_profiles_of_the_final_iteration_are_offered(client, convener, findings):
    prototype = Iteration.objects.get(cycle=findings.cycle, number=1)
    old = Profile.objects.create(
        iteration=prototype,
        title="Old draft",
        role_level=findings.profiles["Manager"].role_level,
    )
    client.force_login(convener)

    form = client.get(url(findings.cycle, "new/")).context["form"]
    response = client.post(url(findings.cycle, "new/"), valid(profiles=[old.pk]))

    offered = set(form.fields["profiles"].queryset)
    assert offered == set(findings.profiles.values())
    assert response.status_code == 400


def test_editing_keeps_a_profile_linked_before_a_newer_iteration(
    client, convener, findings
):
    prototype = Iteration.objects.get(cycle=findings.cycle, number=1)
    old = Profile.objects.create(
        iteration=prototype,
        title="Old draft",
        role_level=findings.profiles["Manager"].role_level,
    )
    action = Action.objects.create(cycle=findings.cycle, topic="T", action="A")
    action.profiles.add(old)
    client.force_login(convener)

    response = client.post(
        url(findings.cycle, f"{action.pk}/"),
        valid(topic="Renamed", profiles=[old.pk], status="done"),
    )

    action.refresh_from_db()
    assert response.status_code == 302
    assert (action.topic, action.status) == ("Renamed", ActionStatus.DONE)
    assert list(action.profiles.all()) == [old]


def test_the_form_labels_every_field(client, convener, cycle):
    client.force_login(convener)

    page = client.get(url(cycle, "new/")).content.decode()

    for name in ["topic", "action", "who", "due", "horizon", "status", "owner"]:
        assert f'<label for="id_{name}">' in page
    assert 'type="date"' in page


def test_an_action_of_another_cycle_cannot_be_edited_here(
    client, convener, cycle, other_cycle
):
    theirs = Action.objects.create(cycle=other_cycle, topic="T", action="A")
    client.force_login(convener)

    assert client.get(url(cycle, f"{theirs.pk}/")).status_code == 404


# Access -------------------------------------------------------------------------


def test_readers_see_actions_only_from_communicate(client, reader, convener, actions):
    cycle = actions[0].cycle
    client.force_login(reader)
    before = client.get(url(cycle))

    publish(cycle, convener)
    after = client.get(url(cycle))

    assert before.status_code == 403
    assert after.status_code == 200
    assert "New action" not in after.content.decode()
    assert "Edit" not in after.content.decode()


def test_non_conveners_cannot_create_or_edit_actions(client, reader, convener, actions):
    cycle = actions[0].cycle
    publish(cycle, convener)
    client.force_login(reader)

    create = client.post(url(cycle, "new/"), valid())
    edit = client.post(url(cycle, f"{actions[0].pk}/"), valid(topic="Hijacked"))

    assert (create.status_code, edit.status_code) == (403, 403)
    assert client.get(url(cycle, "new/")).status_code == 403
    assert not Action.objects.filter(topic="Hijacked").exists()


def test_other_members_are_refused(client, cycle):
    member = make_user("facilitator")
    join(member, cycle, Role.FACILITATOR)
    client.force_login(member)

    assert client.get(url(cycle)).status_code == 403


# Demonstration data --------------------------------------------------------------


def test_the_demo_loader_is_idempotent_and_keeps_a_conveners_text(findings, convener):
    cycle = findings.cycle
    cycle.recommendations = ""
    cycle.save()

    demo.load(cycle, convener)
    demo.load(cycle, convener)

    assert Action.objects.filter(cycle=cycle).count() == len(demo.ACTIONS)
    assert cycle.recommendations == demo.RECOMMENDATIONS
    cycle.recommendations = "The convener's own."
    cycle.save()
    demo.load(cycle, convener)
    cycle.refresh_from_db()
    assert cycle.recommendations == "The convener's own."
    dated = Action.objects.get(cycle=cycle, topic="Data skills")
    assert dated.due == datetime.date(2025, 9, 30) and dated.horizon == ""
    assert (
        Action.objects.get(cycle=cycle, topic="Supply chain").horizon == Horizon.ONGOING
    )
