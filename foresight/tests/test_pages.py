"""Page rendering: fragments for htmx, whole pages otherwise, bounded queries."""

import pytest
from django.core.management import call_command

from foresight.models import Cycle
from foresight.tasks import refresh_cycle_summary


@pytest.fixture
def demo(db) -> Cycle:
    call_command("load_demo", without_library=True)
    return Cycle.objects.get(is_demo=True)


@pytest.fixture
def demo_convener(demo):
    return demo.memberships.get(role="convener").user


def test_cycle_home_shows_the_set_up_with_bounded_queries(
    client, demo, demo_convener, django_assert_max_num_queries
):
    client.force_login(demo_convener)

    with django_assert_max_num_queries(12):
        page = client.get(f"/cycles/{demo.pk}/").content.decode()

    assert "Stage: Communicate" in page
    assert "C&amp;G Senior Manager / Manager" in page
    assert "Move on to Cause action" in page
    assert f"/cycles/{demo.pk}/insights/" in page
    assert f"/cycles/{demo.pk}/report/" in page
    assert "Practitioner" in page


def test_a_panellist_sees_no_stage_buttons(client, demo):
    client.force_login(demo.memberships.filter(role="employer").first().user)

    page = client.get(f"/cycles/{demo.pk}/").content.decode()

    assert "Move on to" not in page
    assert "Set up the cycle" not in page


def test_setup_and_members_pages_have_bounded_queries(
    client, demo, demo_convener, django_assert_max_num_queries
):
    client.force_login(demo_convener)

    with django_assert_max_num_queries(12):
        assert client.get(f"/cycles/{demo.pk}/setup/").status_code == 200
    with django_assert_max_num_queries(10):
        page = client.get(f"/cycles/{demo.pk}/members/").content.decode()
    assert "employer4@demo.foresight.example" in page


def test_my_cycles_has_bounded_queries(
    client, demo, demo_convener, django_assert_max_num_queries
):
    client.force_login(demo_convener)

    with django_assert_max_num_queries(5):
        page = client.get("/").content.decode()

    assert "Demonstration data" in page


def test_the_summary_card_is_a_fragment_for_htmx(client, demo, demo_convener):
    refresh_cycle_summary(demo.pk)
    client.force_login(demo_convener)

    fragment = client.get(f"/cycles/{demo.pk}/", headers={"HX-Request": "true"})

    body = fragment.content.decode().strip()
    assert body.startswith('<section id="summary"')
    assert "<html" not in body
    assert "16" in body


def test_pages_use_htmx_from_static_files(client, demo, demo_convener):
    client.force_login(demo_convener)

    page = client.get(f"/cycles/{demo.pk}/").content.decode()

    assert "/static/vendor/htmx/htmx-2.0.11.min.js" in page
    assert "https://" not in page.split("<body")[0]


def test_about_page_credits_the_data_sets(client, db):
    page = client.get("/about/").content.decode()

    assert "Open Government Licence v3.0" in page
    assert "O*NET 29.3 Database" in page
    assert "ESCO classification, v1.1.1, European Commission" in page


def test_the_five_functions_ship_with_the_schema(db):
    from foresight.models import Function

    names = list(Function.objects.values_list("name", flat=True))
    assert names == ["Design", "Implement", "Logistics", "Support", "Enterprise"]
