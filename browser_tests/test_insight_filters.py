"""A reader opens the published insights, narrows a page with its filters (the
results swap in place and the address follows) and downloads what is left."""

import csv
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from browser_tests.helpers import loaded
from foresight.models import CycleCapability


def test_a_reader_filters_supply_chain_capabilities_and_downloads_them(
    browse, published, reader
):
    manufacturer, quality = published.partners[1:]
    page = browse(reader)
    page.goto(f"/cycles/{published.cycle.pk}/insights/")
    loaded(page, "htmx")

    page.get_by_role("link", name="Supply-chain capabilities").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Supply-chain capabilities"
    )
    loaded(page, "htmx", "Chart")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label(manufacturer.name).check()
    page.get_by_label(quality.name).check()

    chosen = [manufacturer.pk, quality.pk]
    expected = CycleCapability.objects.filter(
        cycle=published.cycle, partners__in=chosen
    ).distinct()
    heading = f"Capabilities ({expected.count()})"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    asked = parse_qs(urlsplit(page.url).query)
    assert sorted(asked["partner"]) == sorted(str(pk) for pk in chosen)
    # Swapped in place: the page itself was never reloaded.
    assert page.evaluate("window.stillTheSamePage") is True

    section = page.locator("section", has=page.locator("#list-heading"))
    with page.expect_download() as download:
        section.get_by_role("link", name="Download CSV").click()
    name = download.value.suggested_filename
    assert name == f"supply-chain-cycle-{published.cycle.pk}.csv"
    with open(download.value.path(), newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))

    assert rows[0] == ["ref", "function", "functional_area", "capability", "partners"]
    assert sorted(row[0] for row in rows[1:]) == sorted(c.ref for c in expected)
    assert all(
        manufacturer.name in row[4] or quality.name in row[4] for row in rows[1:]
    )
