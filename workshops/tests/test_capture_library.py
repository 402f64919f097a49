"""Searching the library and suggesting functional areas while capturing."""

import pytest

from foresight.models import CapabilityStatement, Function, FunctionalArea, SourceKind
from workshops import capture
from workshops.tests.helpers import capture_url as url


def test_the_library_search_shows_at_most_twenty_statements(
    client, ada, workshop, library, areas
):
    client.force_login(ada)
    CapabilityStatement.objects.bulk_create(
        CapabilityStatement(
            text=f"Inspect batch number {n}.",
            area=areas["quality"],
            source_kind=SourceKind.IFATE_DUTY,
            source_ref=f"ST1 D{n}",
        )
        for n in range(30)
    )
    support = Function.objects.get(name="Support")

    page = client.get(url(workshop), {"q": "inspect"}).content.decode()
    by_function = client.get(
        url(workshop), {"q": "goods", "function": support.pk}
    ).content.decode()

    assert page.count("Use this statement") == 20
    assert "Load and unload goods" not in by_function


def test_htmx_search_gets_only_the_results(client, ada, workshop, library):
    client.force_login(ada)

    response = client.get(
        url(workshop),
        {"q": "stock"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )

    body = response.content.decode().strip()
    assert body.startswith('<div id="results"')
    assert "Track stock levels of consumables." in body
    assert f"statement={library[4].pk}" in body


def test_choosing_a_statement_fills_the_proposal_form(client, ada, workshop, library):
    client.force_login(ada)
    chosen = f"?statement={library[3].pk}"

    page = client.get(url(workshop, chosen)).content.decode()
    fragment = client.get(
        url(workshop, chosen), headers={"HX-Request": "true", "HX-Target": "propose"}
    ).content.decode()

    assert "<html" in page
    assert "<html" not in fragment
    for body in (page, fragment):
        assert f'name="statement" value="{library[3].pk}"' in body
        assert "Adopt it as it is" in body


def test_areas_are_ranked_by_meaning(library, areas):
    def first(text: str) -> FunctionalArea:
        return capture.suggest_areas(text)[0][0]

    assert first("Inspect cell therapy batches for contamination.") == areas["quality"]
    assert first("Keep an inventory of reagents in the store room.") == areas["stores"]
    # An area without library statements is placed by its name and description.
    assert first("Invent new methods for gene editing.") == areas["research"]
    scores = [score for _area, score in capture.suggest_areas("Track stock.")]
    assert scores == sorted(scores, reverse=True)
    assert capture.suggest_areas("   ") == []


def test_the_centroids_are_kept_until_the_library_changes(library, areas):
    ids, first = capture.area_centroids()
    again_ids, again = capture.area_centroids()
    FunctionalArea.objects.create(
        domain=areas["quality"].domain, code="A01.2", name="Calibrate Equipment"
    )
    grown_ids, _grown = capture.area_centroids()

    assert again is first
    assert again_ids == ids == [area.pk for area in areas.values()]
    assert len(grown_ids) == 4
    assert float(first[0] @ first[0]) == pytest.approx(1.0, abs=1e-5)


def test_suggested_areas_as_fragment_and_as_page(client, ada, workshop, library, areas):
    client.force_login(ada)
    text = "Keep an inventory of reagents in the store room."

    fragment = client.get(
        url(workshop, "areas/"), {"text": text}, headers={"HX-Request": "true"}
    ).content.decode()
    page = client.get(url(workshop, "areas/"), {"text": text}).content.decode()

    assert fragment.strip().startswith('<div id="area-field"')
    assert "<html" not in fragment
    assert f'<option value="{areas["stores"].pk}" selected>' in fragment
    assert "<html" in page
    assert text in page
    assert f'<option value="{areas["stores"].pk}" selected>' in page
