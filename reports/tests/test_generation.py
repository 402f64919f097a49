"""Generating report versions: numbering, the stored document, failures."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from analysis.models import Decision, Match, ReviewDecision
from reports import document, generation
from reports.generation import ReportError, request_report
from reports.models import Report, ReportStatus
from reports.tasks import generate_report


def generated(cycle, convener) -> Report:
    report = request_report(cycle, convener)
    generate_report(report.pk)
    report.refresh_from_db()
    return report


def figure(html: str, name: str) -> str:
    found = re.search(rf'id="fig-{name}"[^>]*>([^<]*)<', html)
    assert found, f"no figure {name} in the document"
    return found.group(1).strip()


def served_by_hand(run) -> set[int]:
    """Served capabilities straight from the stored rows: a match counts when
    its latest decision is an acceptance, or when it has no rejection as its
    latest decision and scores at or above the threshold."""
    latest = {}
    for decision in ReviewDecision.objects.filter(match__run=run).order_by(
        "decided_at", "id"
    ):
        latest[decision.match_id] = decision.decision
    served = set()
    for match in Match.objects.filter(run=run):
        decision = latest.get(match.pk)
        if decision == Decision.ACCEPT or (
            decision != Decision.REJECT and match.score >= run.threshold
        ):
            served.add(match.capability_id)
    return served


@pytest.fixture
def report(findings, convener) -> Report:
    return generated(findings.cycle, convener)


def test_a_generated_version_is_complete_with_html_pdf_and_figures(report):
    assert report.status == ReportStatus.COMPLETE
    assert report.percent == 100
    assert report.html.startswith("<!doctype html>")
    assert bytes(report.pdf).startswith(b"%PDF")
    assert report.figures["not_served"] == 2
    assert report.started_at <= report.finished_at


def test_headline_figures_in_the_document_equal_the_stored_matches(report, findings):
    served = served_by_hand(findings.run)
    total = findings.cycle.capabilities.count()

    html = report.html
    assert figure(html, "capabilities") == str(total)
    assert figure(html, "served") == str(len(served))
    assert figure(html, "not-served") == str(total - len(served))
    assert figure(html, "not-served-share") == f"{(total - len(served)) / total:.0%}"
    assert figure(html, "threshold") == str(findings.run.threshold)
    assert figure(html, "standards") == str(findings.run.versions.count())
    assert figure(html, "profiles") == str(findings.iteration.profiles.count())
    assert figure(html, "band-some").startswith("1 ")
    assert report.figures["served"] == len(served)


def test_the_document_states_each_section(report):
    html = report.html
    for heading in [
        "Executive summary",
        "The challenge and the solutions",
        "Functional shift",
        "Partners and role levels",
        "Future occupational profiles",
        "Priority profiles",
        "Recommendations",
        "Method",
    ]:
        assert heading in html
    assert "<strong>Robotic platforms</strong> (prioritised)" in html
    assert "<p>Fund a data apprenticeship.</p>" in html
    assert 'ST3</td><td>Data analyst</td><td class="n">0%' in html
    assert "test-model" in html


def test_the_document_is_self_contained(report):
    html = report.html
    assert "<script" not in html
    assert "<link" not in html
    assert "<svg" in html and "@page" in html
    assert not re.search(r'(src|href)="https?:', html)


def test_the_pdf_renders_with_the_cycle_title(report, findings):
    pdf = PdfReader(io.BytesIO(bytes(report.pdf)))

    assert len(pdf.pages) > 0
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert findings.cycle.title in text
    assert "Executive summary" in text


def test_the_pdf_printer_fetches_nothing(caplog):
    html = (
        '<p>Text</p><img src="http://192.0.2.1/chart.png"><img src="file:///etc/hosts">'
    )

    pdf = document.render_pdf(html)

    assert pdf.startswith(b"%PDF")
    refused = [r for r in caplog.records if "disallowed protocol" in r.getMessage()]
    assert len(refused) == 2


def test_versions_increment_and_each_keeps_its_own_recommendations(
    report, findings, convener
):
    findings.cycle.recommendations = "A different plan."
    findings.cycle.save()

    second = generated(findings.cycle, convener)

    first = Report.objects.get(pk=report.pk)
    assert (first.version, second.version) == (1, 2)
    assert first.status == second.status == ReportStatus.COMPLETE
    assert "Fund a data apprenticeship." in first.html
    assert "A different plan." in second.html
    assert second.recommendations == "A different plan."


def test_versions_are_numbered_per_cycle(findings, convener, other_cycle, outsider):
    request_report(findings.cycle, convener)

    other = request_report(other_cycle, outsider)

    assert other.version == 1


def test_a_new_version_waits_for_the_one_under_way(findings, convener):
    queued = request_report(findings.cycle, convener)

    with pytest.raises(ReportError, match="Version 1 is still being generated"):
        request_report(findings.cycle, convener)
    assert Report.objects.get(pk=queued.pk).status == ReportStatus.QUEUED


def test_a_stale_version_is_failed_so_a_new_one_can_start(findings, convener):
    lost = request_report(findings.cycle, convener)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Report.objects.filter(pk=lost.pk).update(requested_at=long_ago)

    new = request_report(findings.cycle, convener)

    lost.refresh_from_db()
    assert new.version == 2
    assert lost.status == ReportStatus.FAILED
    assert "worker was lost" in lost.failure


def test_a_failure_is_recorded_with_its_reason_and_no_document(
    findings, convener, monkeypatch
):
    def broken_printer(html: str) -> bytes:
        raise OSError("no fonts available")

    monkeypatch.setattr(generation.document, "render_pdf", broken_printer)

    report = generated(findings.cycle, convener)

    assert report.status == ReportStatus.FAILED
    assert report.failure == "OSError: no fonts available"
    assert report.html == "" and bytes(report.pdf) == b""
    assert report.finished_at is not None


def test_a_version_is_generated_once_even_if_the_task_is_delivered_twice(
    report, findings
):
    finished = report.finished_at

    assert generate_report(report.pk) is None

    report.refresh_from_db()
    assert report.finished_at == finished


def test_the_task_ignores_a_version_that_is_gone(db):
    assert generate_report(987654) is None


def test_a_failed_version_is_never_turned_complete_by_a_late_worker(findings, convener):
    report = request_report(findings.cycle, convener)
    generation.start(report)
    generation.fail(report, "Cancelled by hand.")

    with pytest.raises(ReportError, match="stopped running"):
        generation.generate(report)

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.html == ""
