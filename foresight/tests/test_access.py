"""Who may see and change what: outsiders get 404, members without the role 403."""

import pytest

from foresight.models import Stage, SupplyChainPartner


def cycle_pages(cycle) -> list[str]:
    return [
        f"/cycles/{cycle.pk}/",
        f"/cycles/{cycle.pk}/setup/",
        f"/cycles/{cycle.pk}/members/",
    ]


def convener_posts(cycle) -> dict[str, dict]:
    return {
        f"/cycles/{cycle.pk}/stage/": {"to": "identify"},
        f"/cycles/{cycle.pk}/setup/details/": {"title": "Hijacked"},
        f"/cycles/{cycle.pk}/setup/partners/": {"name": "Intruders Ltd"},
        f"/cycles/{cycle.pk}/members/": {"email": "x@example.org", "role": "convener"},
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, cycle):
    for url in ["/", *cycle_pages(cycle)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/")


def test_an_outsider_gets_404_on_every_page_and_post(client, cycle, outsider):
    client.force_login(outsider)

    for url in cycle_pages(cycle):
        assert client.get(url).status_code == 404, url
    for url, data in convener_posts(cycle).items():
        assert client.post(url, data).status_code == 404, url

    cycle.refresh_from_db()
    assert cycle.title == "Robotics in cell therapy"
    assert cycle.stage == Stage.CONSIDER
    assert not cycle.partners.exists()


def test_a_reader_sees_the_cycle_but_cannot_post(client, cycle, reader):
    client.force_login(reader)
    assert client.get(f"/cycles/{cycle.pk}/").status_code == 200

    for url, data in convener_posts(cycle).items():
        assert client.post(url, data).status_code == 403, url
    assert client.post(f"/cycles/{cycle.pk}/summary/").status_code == 403

    cycle.refresh_from_db()
    assert cycle.stage == Stage.CONSIDER
    assert not cycle.invitations.exists()


def test_a_panellist_cannot_reach_convener_forms(client, cycle, employer):
    client.force_login(employer)

    assert client.get(f"/cycles/{cycle.pk}/setup/").status_code == 403
    assert client.get(f"/cycles/{cycle.pk}/members/").status_code == 403
    assert client.get("/cycles/new/").status_code == 403


def test_a_convener_of_one_cycle_cannot_touch_another(
    client, cycle, other_cycle, convener
):
    partner = SupplyChainPartner.objects.create(cycle=other_cycle, name="Theirs")
    client.force_login(convener)

    for url in cycle_pages(other_cycle):
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/cycles/{other_cycle.pk}/setup/partners/{partner.pk}/delete/"
    )
    assert response.status_code == 404
    # The partner's id with the convener's own cycle in the path is not found either.
    response = client.post(f"/cycles/{cycle.pk}/setup/partners/{partner.pk}/delete/")
    assert response.status_code == 404
    assert SupplyChainPartner.objects.filter(pk=partner.pk).exists()


def test_my_cycles_lists_only_the_users_cycles(client, cycle, other_cycle, employer):
    client.force_login(employer)

    page = client.get("/").content.decode()

    assert "Robotics in cell therapy" in page
    assert "Another cycle" not in page


@pytest.mark.parametrize("url", ["/cycles/{pk}/stage/", "/cycles/{pk}/summary/"])
def test_post_only_endpoints_reject_get(client, cycle, convener, url):
    client.force_login(convener)
    assert client.get(url.format(pk=cycle.pk)).status_code == 405
