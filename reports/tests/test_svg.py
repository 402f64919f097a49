"""The report's server-drawn charts: well-formed SVG, bars to scale, text escaped."""

import xml.etree.ElementTree as ET

import pytest

from reports.svg import hbar_chart, stacked_bars

NS = {"svg": "http://www.w3.org/2000/svg"}


def parsed(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def bar_widths(root: ET.Element) -> list[float]:
    return [float(rect.get("width")) for rect in root.iterfind(".//svg:g/svg:rect", NS)]


def test_hbar_chart_draws_bars_in_proportion_to_the_largest_value():
    root = parsed(hbar_chart([("A", 2), ("B", 1), ("C", 0)], title="Counts"))

    widths = bar_widths(root)
    assert widths[0] == pytest.approx(2 * widths[1])
    assert widths[2] == 0
    assert root.find("svg:title", NS).text == "Counts"
    assert root.get("role") == "img"


def test_hbar_chart_against_a_fixed_maximum_caps_longer_bars():
    root = parsed(
        hbar_chart([("Half", 0.5), ("Over", 2.0)], title="Fit", maximum=1.0, width=320)
    )

    half, over = bar_widths(root)
    assert over == pytest.approx(2 * half)
    assert over <= 320


def test_hbar_chart_writes_each_value_in_the_given_format():
    root = parsed(hbar_chart([("A", 0.154)], title="Fit"))

    texts = [text.text for text in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "15%" in texts


def test_an_empty_chart_is_still_valid_svg():
    root = parsed(hbar_chart([], title="Nothing"))

    assert float(root.get("height")) > 0
    assert bar_widths(root) == []


def test_text_is_escaped_and_long_labels_are_shortened():
    label = "<script>alert(1)</script> & a label far too long to fit in its column"
    markup = hbar_chart([(label, 1)], title="A & B", label_width=120)

    root = parsed(markup)
    assert "<script>" not in markup
    shown = root.find(".//svg:g/svg:text", NS).text
    assert shown.endswith("…") and len(shown) < len(label)
    # The full label stays readable in the bar's tooltip.
    assert root.find(".//svg:g/svg:title", NS).text.startswith(label)


def test_stacked_shares_fill_the_width_in_proportion():
    root = parsed(
        stacked_bars(
            [("Future", [1, 3]), ("Current", [2, 2])],
            ["Design", "Implement"],
            title="Shift",
            width=580,
            label_width=180,
        )
    )

    widths = bar_widths(root)
    assert widths[:2] == pytest.approx([100, 300])
    assert widths[2:] == pytest.approx([200, 200])


def test_stacked_counts_are_drawn_against_the_largest_total():
    root = parsed(
        stacked_bars(
            [("P1", [2, 2]), ("P2", [1, 0])],
            ["Design", "Implement"],
            title="Partners",
            shares=False,
            width=580,
            label_width=180,
        )
    )

    assert bar_widths(root) == pytest.approx([200, 200, 100])


def test_stacked_bars_label_segments_and_name_every_series_in_the_legend():
    markup = stacked_bars([("Row", [1, 1])], ["Awareness", "Expert"], title="Mix")

    assert "50%" in markup
    assert "Awareness" in markup and "Expert" in markup


def test_stacked_bars_refuse_values_that_do_not_match_the_series():
    with pytest.raises(ValueError, match="2 values for 3"):
        stacked_bars([("Row", [1, 1])], ["A", "B", "C"], title="Mix")
