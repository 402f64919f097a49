"""Every chart of the insight pages draws what its JSON says, mark for mark, and
the JSON agrees with the database; each page is kept as a screenshot."""

from pathlib import Path

from django.utils.text import slugify
from playwright.sync_api import expect

from browser_tests.conftest import SCREENSHOTS
from browser_tests.helpers import loaded
from foresight.models import CycleCapability, Function
from insights.fit_matrix import fit_points
from profiles.models import ProfileCapability

# What Chart.js holds for a canvas: its labels, and per dataset the data it was
# given and the marks (bars, points, cells) it made of them.
DRAWN = """canvas => ({
  labels: canvas.chart.data.labels || [],
  datasets: canvas.chart.data.datasets.map((set, index) => ({
    label: set.label,
    data: set.data,
    marks: canvas.chart.getDatasetMeta(index).data.length,
  })),
})"""
MAX_SCREENSHOT_BYTES = 1_000_000


def charts_of(page) -> dict[str, dict]:
    """Each chart on the page, once drawn: its id → what it drew, with the JSON
    it was drawn from (fetched again, as the signed-in reader)."""
    canvases = page.locator("canvas[data-chart]")
    found = {}
    for index in range(canvases.count()):
        canvas = canvases.nth(index)
        expect(canvas).to_have_attribute("data-chart-ready", "true")
        source = canvas.get_attribute("data-source")
        response = page.request.get(source)
        assert response.ok, f"{source} answered {response.status}"
        drawn = canvas.evaluate(DRAWN)
        drawn["json"] = response.json()["chart"]
        found[canvas.get_attribute("id")] = drawn
    return found


def assert_drawn_as_sent(chart: dict) -> None:
    sent = chart["json"]
    assert chart["labels"] == sent.get("labels", [])
    assert [s["label"] for s in chart["datasets"]] == [
        s["label"] for s in sent["datasets"]
    ]
    for drawn, given in zip(chart["datasets"], sent["datasets"], strict=True):
        assert drawn["data"] == given["data"]
        assert drawn["marks"] == len(given["data"])


def marks(chart: dict) -> int:
    return sum(dataset["marks"] for dataset in chart["datasets"])


def test_every_chart_draws_one_mark_per_number_of_its_data(browse, published, reader):
    cycle = published.cycle
    page = browse(reader)
    base = f"/cycles/{cycle.pk}"

    page.goto(f"{base}/insights/overview/")
    loaded(page, "htmx", "Chart")
    mix = charts_of(page)["mix-chart"]
    assert_drawn_as_sent(mix)
    levels = sorted(level.name for level in published.role_levels)
    assert sorted(mix["labels"]) == levels
    # A bar per role level in each of Awareness, Practitioner and Expert.
    assert marks(mix) == 3 * len(levels)

    page.goto(f"{base}/insights/supply-chain/")
    partners = charts_of(page)["partner-chart"]
    assert_drawn_as_sent(partners)
    assert partners["labels"] == [partner.name for partner in published.partners]
    links = CycleCapability.partners.through.objects.filter(
        cyclecapability__cycle=cycle
    )
    assert sum(sum(s["data"]) for s in partners["datasets"]) == links.count()

    page.goto(f"{base}/insights/fit-matrix/")
    fit = charts_of(page)["fit-chart"]
    assert_drawn_as_sent(fit)
    points = fit_points(published.run, published.final)
    assert marks(fit) == len(points) > 0
    assert len(fit["datasets"]) == len({point.profile_id for point in points})

    page.goto(f"{base}/insights/shift/")
    shift = charts_of(page)["shift-chart"]
    assert_drawn_as_sent(shift)
    functions = list(Function.objects.order_by("position").values_list("name"))
    # One capability has no functional area: it shows as Not placed.
    assert shift["labels"] == [name for (name,) in functions] + ["Not placed"]
    assert marks(shift) == 2 * len(shift["labels"])

    page.goto(f"{base}/profiles/{published.final.pk}/matrix/")
    heatmap = charts_of(page)["heatmap-chart"]
    assert_drawn_as_sent(heatmap)
    held = ProfileCapability.objects.filter(profile__iteration=published.final)
    assert marks(heatmap) == held.count()
    assert len(heatmap["json"]["xLabels"]) == published.final.profiles.count()


ACTIVE = """canvas => canvas.chart.tooltip.getActiveElements().map(
  (mark) => [mark.datasetIndex, mark.index])"""


def test_the_arrow_keys_step_through_a_charts_marks(browse, published, reader):
    page = browse(reader)
    page.goto(f"/cycles/{published.cycle.pk}/insights/fit-matrix/")
    canvas = page.locator("#fit-chart")
    expect(canvas).to_have_attribute("data-chart-ready", "true")
    total = marks(charts_of(page)["fit-chart"])

    canvas.focus()
    page.keyboard.press("ArrowRight")
    first = canvas.evaluate(ACTIVE)
    page.keyboard.press("ArrowRight")
    second = canvas.evaluate(ACTIVE)
    page.keyboard.press("End")
    last = canvas.evaluate(ACTIVE)
    page.keyboard.press("ArrowRight")
    wrapped = canvas.evaluate(ACTIVE)
    page.keyboard.press("Escape")

    assert first == [[0, 0]]
    assert len(second) == 1 and second != first
    datasets = canvas.evaluate("c => c.chart.data.datasets.map(s => s.data.length)")
    assert last == [[len(datasets) - 1, datasets[-1] - 1]]
    assert sum(datasets) == total
    assert wrapped == first
    assert canvas.evaluate(ACTIVE) == []
    assert canvas.get_attribute("aria-keyshortcuts") == (
        "ArrowLeft ArrowRight Home End Escape"
    )


def test_each_insight_page_is_kept_as_a_screenshot(browse, published, reader):
    page = browse(reader)
    page.goto(f"/cycles/{published.cycle.pk}/insights/")
    links = page.locator("nav.insights a")
    pages = [
        (links.nth(n).inner_text(), links.nth(n).get_attribute("href"))
        for n in range(links.count())
    ]
    # Every page of DESIGN.md's list, and the dashboard, for this complete cycle.
    assert len(pages) == 14
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    for number, (title, url) in enumerate(pages, start=1):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        charts_of(page)
        path = SCREENSHOTS / f"{number:02d}-{slugify(title.replace('–', ' '))}.png"
        page.screenshot(path=path, full_page=True)
        assert Path(path).stat().st_size < MAX_SCREENSHOT_BYTES, path
