"""The findings report as a document: one self-contained HTML page (inline CSS,
charts as inline SVG, no script) and a PDF printed from it by WeasyPrint."""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from reports import svg
from reports.figures import NOTABLE_MEANS, Figures
from reports.models import Report

logger = logging.getLogger(__name__)

TEMPLATE = "reports/findings.html"


def charts(figures: Figures) -> dict[str, str]:
    """The report's charts, each an <svg> element (empty when it has no data)."""
    drawn = {}
    if figures.bands:
        drawn["bands"] = svg.hbar_chart(
            [(band.title(), count) for band, count in figures.bands.items()],
            title="Profiles by suitability band",
            value_format=lambda value: f"{value:.0f}",
            label_width=80,
            width=420,
        )
    if figures.profiles and figures.run:
        drawn["best_fit"] = svg.hbar_chart(
            [(line.title, line.best_fit) for line in figures.profiles],
            title="Best fit of current provision per profile",
            maximum=1.0,
        )
    rows = [("Future: capabilities", [r.future for r in figures.shift])]
    if figures.current_standards:
        rows.append(("Current: duties", [r.current or 0 for r in figures.shift]))
    if figures.capabilities:
        drawn["shift"] = svg.stacked_bars(
            rows,
            [row.function for row in figures.shift],
            title="Share of each function, future against current",
        )
    if any(sum(counts) for _name, counts in figures.partners):
        drawn["partners"] = svg.stacked_bars(
            figures.partners,
            figures.partner_columns,
            title="Capabilities per supply-chain partner, by function",
            shares=False,
            label_width=220,
        )
    if figures.mix:
        drawn["mix"] = svg.stacked_bars(
            [(row.role_level, row.shares) for row in figures.mix],
            figures.mix_levels,
            title="Proficiency mix per role level",
            label_width=220,
        )
    if figures.priorities:
        drawn["priorities"] = svg.hbar_chart(
            [(line.title, line.unserved) for line in figures.priorities],
            title="Capabilities no eligible standard serves, per priority profile",
            value_format=lambda value: f"{value:.0f}",
        )
    return drawn


def render_html(report: Report, figures: Figures) -> str:
    cycle = report.cycle
    context = {
        "cycle": cycle,
        "report": report,
        "figures": figures,
        "charts": charts(figures),
        "solutions": list(cycle.solutions.all()),
        "generated_at": timezone.localtime(),
        "notable_means": NOTABLE_MEANS,
    }
    return render_to_string(TEMPLATE, context)


def render_pdf(html: str) -> bytes:
    # Imported here: loading WeasyPrint (Pango, fonts) takes a second that
    # only the process generating a report should pay.
    import weasyprint

    # The document is self-contained: nothing is fetched, least of all over the
    # network or from the disk (WeasyPrint logs a refused resource and goes on).
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    document = weasyprint.HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher
    )
    return document.write_pdf()
