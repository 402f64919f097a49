import pytest

from analysis.ifate import import_ifate
from analysis.tests.exports import record, write_export

LIST_URL = "/reference/provision/"
LEVELS = (3, 4, 6)
ROUTES = ("Digital", "Health and science")


@pytest.fixture
def provision(db, tmp_path) -> None:
    """60 standards over three levels and two routes. ZZ0002 has two versions;
    ZZ0003 is on the old template; ZZ0004 has never been approved."""
    records = [
        record(
            f"ZZ{number:04}",
            duties=number % 5 + 1,
            level=LEVELS[number % 3],
            route=ROUTES[number % 2],
            title=f"Standard number {number}",
        )
        for number in range(1, 61)
    ]
    records[2] = record("ZZ0003", duties=0, title="Old template standard")
    records[3] = record("ZZ0004", status="In development", title="Draft standard")
    records.append(
        record("ZZ0002", "1.1", duties=4, level=4, title="Standard number 2, revised")
    )
    import_ifate(write_export(tmp_path / "export.json.gz", records))


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def listed(response) -> list[str]:
    return [standard.reference for standard in response.context["page"].object_list]


def test_a_reader_sees_the_standards_table(reader_client, provision):
    response = reader_client.get(LIST_URL)

    assert response.status_code == 200
    assert listed(response)[:3] == ["ZZ0001", "ZZ0002", "ZZ0003"]
    row = response.context["page"].object_list[1]
    assert (row.current_version, row.current_duties) == ("1.1", 4)
    assert row.title == "Standard number 2, revised"
    assert b'href="/reference/provision/ZZ0002/"' in response.content
    assert b"no duty statements" in response.content
    assert b"none approved" in response.content


def test_fifty_standards_to_a_page(reader_client, provision):
    first = reader_client.get(LIST_URL)
    second = reader_client.get(LIST_URL, {"page": 2})

    assert len(listed(first)) == 50
    assert listed(second) == [f"ZZ{number:04}" for number in range(51, 61)]
    assert b"Page 2 of 2" in second.content
    assert b'href="?page=2"' in first.content


def test_filters_by_level_and_route(reader_client, provision):
    response = reader_client.get(LIST_URL, {"level": "6", "route": "Digital"})

    # Level 6 and Digital: numbers 2, 8, 14…; ZZ0002's revision moved it to level 4.
    assert listed(response) == [f"ZZ{n:04}" for n in range(8, 61, 6)]
    assert b'<option value="6" selected>' in response.content


def test_searches_titles_and_references(reader_client, provision):
    assert listed(reader_client.get(LIST_URL, {"q": "old template"})) == ["ZZ0003"]
    assert listed(reader_client.get(LIST_URL, {"q": "zz0059"})) == ["ZZ0059"]


def test_pagination_links_keep_the_filters(reader_client, provision):
    first = reader_client.get(LIST_URL, {"q": "number"})
    second = reader_client.get(LIST_URL, {"q": "number", "page": "2"})

    assert first.context["page"].paginator.count == 58
    assert b'href="?q=number&amp;page=2"' in first.content
    assert len(listed(second)) == 8
    assert b'href="?q=number&amp;page=1"' in second.content


@pytest.mark.parametrize(
    "query", [{"level": "9"}, {"level": "four"}, {"route": "Nowhere"}]
)
def test_an_unknown_filter_value_is_a_bad_request(reader_client, provision, query):
    response = reader_client.get(LIST_URL, query)

    assert response.status_code == 400
    assert b"is not one of the available choices" in response.content
    assert "page" not in response.context


def test_the_detail_page_shows_the_current_version_duties_and_ksbs(
    reader_client, provision
):
    response = reader_client.get("/reference/provision/ZZ0002/")

    assert response.status_code == 200
    assert response.context["shown"].version == "1.1"
    assert [v.version for v in response.context["versions"]] == ["1.1", "1.0"]
    duties = response.context["duties"]
    assert [duty.code for duty in duties] == ["D1", "D2", "D3", "D4"]
    assert duties[0].ksb_codes == ["K1", "S1", "B1"]
    assert b"Duty 4 of ZZ0002 v1.1" in response.content
    assert b'<a href="#ksb-K1">K1</a>' in response.content
    assert b"Second knowledge" in response.content


def test_the_detail_page_falls_back_to_the_latest_version(reader_client, provision):
    response = reader_client.get("/reference/provision/ZZ0004/")

    assert response.context["shown"].version == "1.0"
    assert b"latest (not approved for delivery)" in response.content


def test_the_detail_page_says_when_there_are_no_duties(reader_client, provision):
    response = reader_client.get("/reference/provision/ZZ0003/")

    assert response.context["duties"] == []
    assert b"No duty statements" in response.content


def test_an_unknown_standard_is_not_found(reader_client, provision):
    assert reader_client.get("/reference/provision/ST9999/").status_code == 404


@pytest.mark.parametrize("url", [LIST_URL, "/reference/provision/ZZ0001/"])
def test_an_employer_only_member_is_refused(client, employer, provision, url):
    client.force_login(employer)

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [LIST_URL, "/reference/provision/ZZ0001/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, provision, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


def test_the_list_page_runs_a_bounded_number_of_queries(
    reader_client, provision, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = reader_client.get(LIST_URL, {"level": "4", "q": "standard"})
    assert len(listed(response)) == 20


def test_the_detail_page_runs_a_bounded_number_of_queries(
    reader_client, provision, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        response = reader_client.get("/reference/provision/ZZ0002/")
    assert len(response.context["duties"]) == 4
