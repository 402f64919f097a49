import csv
import io

import pytest

from conftest import join, make_user
from foresight.models import CycleCapability, Role
from workshops import ksb
from workshops.anonymity import respondent_for
from workshops.models import (
    KsbContribution,
    KsbTag,
    Panellist,
    Round,
    Workshop,
    WorkshopKind,
)

GMP = "Knowledge of good manufacturing practice regulations."
GMP_AGAIN = "Understanding of the regulations for good manufacturing practice."
ROBOTS = "Able to programme robotic arms."


@pytest.fixture
def workshop(cycle) -> Workshop:
    return Workshop.objects.create(cycle=cycle, kind=WorkshopKind.KSB, title="KSBs")


@pytest.fixture
def open_round(workshop) -> Round:
    return Round.objects.create(workshop=workshop, number=1, status="open")


@pytest.fixture
def capabilities(cycle) -> list[CycleCapability]:
    return CycleCapability.objects.bulk_create(
        CycleCapability(
            cycle=cycle, text=f"Capability number {n}.", origin="adopted", ref=f"C{n}"
        )
        for n in range(1, 17)
    )


def panellist(workshop: Workshop, name: str):
    user = make_user(name)
    join(user, workshop.cycle, Role.EDUCATOR)
    Panellist.objects.create(workshop=workshop, user=user, group="educator")
    return user


@pytest.fixture
def cleo(workshop):
    return panellist(workshop, "cleo")


@pytest.fixture
def dara(workshop):
    return panellist(workshop, "dara")


def url(workshop: Workshop, rest: str = "") -> str:
    return f"/cycles/{workshop.cycle_id}/workshops/{workshop.pk}/ksb/{rest}"


def add(workshop, capability, respondent, kind, text, tools=""):
    return ksb.add_contribution(workshop, capability, respondent, kind, text, tools)


def count(tag: KsbTag, capability: CycleCapability) -> int:
    return KsbContribution.objects.filter(tag=tag, capability=capability).count()


# Merging contributions


def test_contributions_that_mean_the_same_share_a_tag(workshop, capabilities):
    first = add(workshop, capabilities[0], "r1", "knowledge", GMP, "SOPs")
    again = add(workshop, capabilities[0], "r2", "knowledge", GMP_AGAIN, "sops, LIMS")
    other = add(workshop, capabilities[0], "r3", "knowledge", ROBOTS)

    assert again == first
    assert first.text == GMP
    assert count(first, capabilities[0]) == 2
    assert other != first
    assert KsbTag.objects.count() == 2
    first.refresh_from_db()
    assert first.tools == "SOPs, LIMS"


def test_the_same_words_merge_without_regard_to_case_or_spacing(workshop, capabilities):
    first = add(workshop, capabilities[0], "r1", "skill", "Operate  the bioreactor")

    assert add(workshop, capabilities[0], "r2", "skill", "operate the BIOREACTOR") == (
        first
    )


def test_only_the_same_kind_merges(workshop, capabilities):
    knowledge = add(workshop, capabilities[0], "r1", "knowledge", GMP)
    behaviour = add(workshop, capabilities[0], "r2", "behaviour", GMP)

    assert knowledge != behaviour
    assert (knowledge.kind, behaviour.kind) == ("knowledge", "behaviour")


def test_tags_are_kept_per_cycle(workshop, capabilities, other_cycle):
    elsewhere = Workshop.objects.create(cycle=other_cycle, kind="ksb", title="Other")
    theirs = CycleCapability.objects.create(
        cycle=other_cycle, text="Theirs.", origin="adopted"
    )
    foreign = add(elsewhere, theirs, "r1", "knowledge", GMP)

    assert add(workshop, capabilities[0], "r1", "knowledge", GMP) != foreign
    with pytest.raises(ValueError):
        add(workshop, theirs, "r1", "knowledge", GMP)


def test_a_tag_enables_several_capabilities(workshop, capabilities):
    first = add(workshop, capabilities[0], "r1", "knowledge", GMP)
    second = add(workshop, capabilities[1], "r2", "knowledge", GMP_AGAIN)

    assert second == first
    assert set(first.capabilities.all()) == set(capabilities[:2])
    assert count(first, capabilities[0]) == count(first, capabilities[1]) == 1


def test_a_repeat_by_the_same_person_counts_once(workshop, capabilities):
    first = add(workshop, capabilities[0], "r1", "knowledge", GMP)
    add(workshop, capabilities[0], "r1", "knowledge", GMP_AGAIN)

    assert count(first, capabilities[0]) == 1
    ksbs = ksb.capability_ksbs(capabilities[:1])[capabilities[0].pk]
    assert [(k.tag, k.contributions) for k in ksbs] == [(first, 1)]


def test_tool_lists_are_merged_once_each():
    assert ksb.merge_tools("SOPs, LIMS", "lims,  Python ") == "SOPs, LIMS, Python"
    assert ksb.merge_tools("", "") == ""


# The KSB page


def test_an_educator_adds_a_ksb_to_a_capability(
    client, cleo, workshop, open_round, capabilities
):
    client.force_login(cleo)
    capability = capabilities[3]

    response = client.post(
        url(workshop, f"capabilities/{capability.pk}/add/"),
        {"kind": "skill", "text": ROBOTS, "tools": "ROS", "page": "1"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"?page=1#capability-{capability.pk}")
    tag = KsbTag.objects.get()
    assert (tag.kind, tag.text, tag.tools) == ("skill", ROBOTS, "ROS")
    assert list(tag.capabilities.all()) == [capability]
    contribution = KsbContribution.objects.get()
    assert contribution.respondent == respondent_for(workshop.pk, cleo.pk)
    assert contribution.workshop == workshop


def test_adding_by_htmx_answers_with_the_capability(
    client, cleo, workshop, open_round, capabilities
):
    client.force_login(cleo)
    capability = capabilities[0]

    response = client.post(
        url(workshop, f"capabilities/{capability.pk}/add/"),
        {"kind": "knowledge", "text": GMP},
        headers={"HX-Request": "true"},
    )
    refused = client.post(
        url(workshop, f"capabilities/{capability.pk}/add/"),
        {"kind": "knowledge", "text": ""},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode().strip()
    assert body.startswith(f'<section id="capability-{capability.pk}"')
    assert "<html" not in body
    assert f"<td>{GMP}</td><td></td><td>1</td>" in body
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()


def test_without_an_open_round_nothing_is_stored(client, cleo, workshop, capabilities):
    client.force_login(cleo)

    response = client.post(
        url(workshop, f"capabilities/{capabilities[0].pk}/add/"),
        {"kind": "knowledge", "text": GMP, "page": "1"},
    )

    assert response.status_code == 400
    assert "No round of this workshop is open" in response.content.decode()
    assert "<html" in response.content.decode()
    assert not KsbTag.objects.exists()
    assert not KsbContribution.objects.exists()


def test_the_page_lists_capabilities_with_their_merged_ksbs(
    client, cleo, dara, workshop, capabilities
):
    add(workshop, capabilities[0], "r1", "knowledge", GMP, "SOPs")
    add(workshop, capabilities[0], "r2", "knowledge", GMP_AGAIN)
    client.force_login(cleo)

    first = client.get(url(workshop)).content.decode()
    second = client.get(url(workshop), {"page": 2}).content.decode()
    found = client.get(
        url(workshop), {"q": "number 12"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert first.count('class="capability"') == 10
    assert f"<td>{GMP}</td><td>SOPs</td><td>2</td>" in first
    assert GMP_AGAIN not in first
    assert "Page 1 of 2" in first
    assert second.count('class="capability"') == 6
    assert found.strip().startswith('<div id="capabilities"')
    assert found.count('class="capability"') == 1


# The summary


def test_the_summary_lists_every_capability_with_its_ksbs(
    client, reader, workshop, capabilities
):
    add(workshop, capabilities[0], "r1", "knowledge", GMP, "SOPs")
    add(workshop, capabilities[0], "r2", "knowledge", GMP_AGAIN)
    add(workshop, capabilities[0], "r1", "behaviour", "Raise concerns early.")
    add(workshop, capabilities[1], "r1", "skill", ROBOTS, "ROS")
    client.force_login(reader)

    body = client.get(url(workshop, "summary/")).content.decode()

    assert body.count('class="capability"') == 16
    assert "16 capabilities, 3 unique KSBs." in body
    assert f"<td>Knowledge</td><td>{GMP}</td><td>SOPs</td><td>2</td>" in body
    assert "<q>capability ref</q>, <q>capability</q>, <q>kind</q>" in body


def test_the_summary_downloads_as_csv(client, reader, workshop, capabilities):
    capabilities[2].ref = ""
    capabilities[2].text = "=HYPERLINK()"
    capabilities[2].save()
    add(workshop, capabilities[0], "r1", "knowledge", GMP, "SOPs")
    add(workshop, capabilities[0], "r2", "knowledge", GMP_AGAIN)
    add(workshop, capabilities[0], "r1", "behaviour", "Raise concerns early.")
    add(workshop, capabilities[1], "r1", "knowledge", GMP)
    client.force_login(reader)

    response = client.get(url(workshop, "summary/"), {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "capability ref",
        "capability",
        "kind",
        "KSB",
        "tools",
        "contributions",
    ]
    assert rows[1:4] == [
        ["C1", "Capability number 1.", "knowledge", GMP, "SOPs", "2"],
        ["C1", "Capability number 1.", "behaviour", "Raise concerns early.", "", "1"],
        ["C2", "Capability number 2.", "knowledge", GMP, "SOPs", "1"],
    ]
    assert rows[4] == [str(capabilities[2].pk), "'=HYPERLINK()", "", "", "", "0"]
    assert len(rows) == 1 + 3 + 14


# Access and anonymity


def test_who_may_open_the_ksb_pages(
    client, cleo, convener, employer, reader, outsider, workshop, capabilities
):
    add_url = url(workshop, f"capabilities/{capabilities[0].pk}/add/")

    client.force_login(outsider)
    assert client.get(url(workshop)).status_code == 404
    assert client.get(url(workshop, "summary/")).status_code == 404
    assert client.post(add_url, {"kind": "skill", "text": "x"}).status_code == 404

    for member in (reader, employer, convener):
        client.force_login(member)
        assert client.get(url(workshop)).status_code == 403
        assert client.post(add_url, {"kind": "skill", "text": "x"}).status_code == 403
        assert client.get(url(workshop, "summary/")).status_code == 200

    client.force_login(cleo)
    assert client.get(url(workshop)).status_code == 200
    assert not KsbTag.objects.exists()


def test_a_capability_of_another_cycle_is_not_found(
    client, cleo, workshop, open_round, other_cycle
):
    theirs = CycleCapability.objects.create(
        cycle=other_cycle, text="Theirs.", origin="adopted"
    )
    client.force_login(cleo)

    response = client.post(
        url(workshop, f"capabilities/{theirs.pk}/add/"), {"kind": "skill", "text": "x"}
    )

    assert response.status_code == 404
    assert not KsbTag.objects.exists()


def test_no_page_names_a_contributor(
    client, cleo, dara, convener, workshop, open_round, capabilities
):
    client.force_login(dara)
    client.post(
        url(workshop, f"capabilities/{capabilities[0].pk}/add/"),
        {"kind": "knowledge", "text": GMP},
    )

    client.force_login(cleo)
    pages = [client.get(url(workshop)), client.get(url(workshop, "summary/"))]
    client.force_login(convener)
    pages.append(client.get(url(workshop, "summary/"), {"format": "csv"}))

    for response in pages:
        body = response.content.decode()
        assert GMP in body
        assert "Dara" not in body
        assert "dara@example.org" not in body


def test_the_summary_has_bounded_queries(
    client, reader, workshop, capabilities, django_assert_max_num_queries
):
    for n, capability in enumerate(capabilities):
        add(workshop, capability, "r1", "knowledge", f"Knowledge of topic {n}.")
        add(workshop, capability, "r2", "knowledge", GMP)
    client.force_login(reader)

    with django_assert_max_num_queries(9):
        response = client.get(url(workshop, "summary/"))
    with django_assert_max_num_queries(8):
        client.get(url(workshop, "summary/"), {"format": "csv"})

    assert response.content.decode().count("<td>Knowledge</td>") == 32


def test_the_ksb_page_has_bounded_queries(
    client, cleo, workshop, capabilities, django_assert_max_num_queries
):
    for capability in capabilities:
        add(workshop, capability, "r1", "knowledge", GMP)
    client.force_login(cleo)

    with django_assert_max_num_queries(12):
        client.get(url(workshop))
