"""The report page: versions and progress, generating, recommendations, the
stored web page and PDF, and who may see or do what."""

import pytest

from conftest import join, make_user
from foresight.models import Role, Stage
from reports.models import Report, ReportStatus

HTMX = {"HX-Request": "true"}
POLL = 'hx-trigger="every 2s"'


def url(cycle, rest: str = "") -> str:
    return f"/cycles/{cycle.pk}/report/{rest}"


def publish(cycle, convener) -> None:
    for stage in Stage.values[Stage.position(cycle.stage) + 1 :]:
        cycle.change_stage(stage, convener)
        if stage == Stage.COMMUNICATE:
            return


def complete(cycle, version: int = 1, **fields) -> Report:
    values = {"html": "<!doctype html><p>Stored report</p>", "pdf": b"%PDF-1.7 x"}
    return Report.objects.create(
        cycle=cycle, version=version, status=ReportStatus.COMPLETE, **values | fields
    )


@pytest.fixture
def employer_member(cycle):
    user = make_user("member")
    join(user, cycle, Role.EMPLOYER)
    return user


# Generating --------------------------------------------------------------------


def test_a_convener_generates_a_version_and_sees_it_complete(
    client,
    convener,
    findings,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    client.force_login(convener)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(findings.cycle, "generate/"))

    report = Report.objects.get(cycle=findings.cycle)
    assert response.status_code == 302
    assert response["Location"] == url(findings.cycle)
    assert (report.version, report.status) == (1, ReportStatus.COMPLETE)
    page = client.get(url(findings.cycle)).content.decode()
    assert f'href="{url(findings.cycle, "1/")}"' in page
    assert f'href="{url(findings.cycle, "1.pdf")}"' in page
    assert POLL not in page


def test_a_second_request_while_one_is_queued_is_refused(client, convener, cycle):
    client.force_login(convener)
    Report.objects.create(cycle=cycle, version=1)

    response = client.post(url(cycle, "generate/"))

    assert response.status_code == 409
    assert "Version 1 is still being generated" in response.content.decode()
    assert Report.objects.filter(cycle=cycle).count() == 1


def test_a_version_under_way_is_polled_and_has_a_refresh_link(client, convener, cycle):
    Report.objects.create(
        cycle=cycle,
        version=1,
        status=ReportStatus.RUNNING,
        stage="Printing the PDF",
        percent=60,
    )
    client.force_login(convener)

    full = client.get(url(cycle))
    fragment = client.get(url(cycle), headers=HTMX)

    page = full.content.decode()
    assert POLL in page and "Printing the PDF" in page
    assert f'<a href="{url(cycle)}">Refresh</a>' in page
    assert fragment.content.decode().lstrip().startswith('<section id="versions"')
    assert "Generate report" not in fragment.content.decode()


def test_a_failed_version_shows_its_reason_and_no_links(client, convener, cycle):
    Report.objects.create(
        cycle=cycle, version=1, status=ReportStatus.FAILED, failure="OSError: fonts"
    )
    client.force_login(convener)

    page = client.get(url(cycle)).content.decode()

    assert "Failed: OSError: fonts" in page
    assert url(cycle, "1/") not in page
    assert client.get(url(cycle, "1/")).status_code == 404
    assert client.get(url(cycle, "1.pdf")).status_code == 404


def test_the_report_page_is_bounded_in_queries(
    client, convener, cycle, django_assert_max_num_queries
):
    for version in range(1, 13):
        complete(cycle, version, requested_by=convener)
    client.force_login(convener)

    with django_assert_max_num_queries(10):
        response = client.get(url(cycle))

    assert response.content.decode().count("Web page") == 12


# The stored document ------------------------------------------------------------


def test_a_version_is_shown_as_stored(client, convener, cycle):
    complete(cycle, html="<!doctype html><p>Version one as it was</p>")
    client.force_login(convener)

    response = client.get(url(cycle, "1/"))

    assert response.status_code == 200
    assert response.content == b"<!doctype html><p>Version one as it was</p>"
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_the_pdf_downloads_with_the_cycle_and_version_in_its_name(
    client, convener, cycle
):
    complete(cycle, version=3, pdf=b"%PDF-1.7 stored")
    client.force_login(convener)

    response = client.get(url(cycle, "3.pdf"))

    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7 stored"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="findings-report-cycle-{cycle.pk}-v3.pdf"'
    )


def test_a_version_of_another_cycle_is_not_found(client, convener, cycle, other_cycle):
    complete(other_cycle)
    client.force_login(convener)

    assert client.get(url(cycle, "1/")).status_code == 404


# Recommendations ----------------------------------------------------------------


def test_a_convener_saves_recommendations(client, convener, cycle):
    client.force_login(convener)

    response = client.post(
        url(cycle, "recommendations/"), {"recommendations": "Fund more training."}
    )

    cycle.refresh_from_db()
    assert response.status_code == 302
    assert cycle.recommendations == "Fund more training."
    page = client.get(url(cycle)).content.decode()
    assert '<label for="id_recommendations">' in page
    assert "Fund more training." in page


# Access -------------------------------------------------------------------------


def test_readers_see_nothing_before_communicate(client, reader, cycle):
    client.force_login(reader)
    complete(cycle)

    assert client.get(url(cycle)).status_code == 403
    assert client.get(url(cycle, "1/")).status_code == 403
    assert client.get(url(cycle, "1.pdf")).status_code == 403


def test_readers_see_complete_versions_from_communicate(
    client, reader, convener, cycle
):
    publish(cycle, convener)
    complete(cycle)
    Report.objects.create(cycle=cycle, version=2, status=ReportStatus.FAILED)
    client.force_login(reader)

    response = client.get(url(cycle))

    page = response.content.decode()
    assert response.status_code == 200
    assert url(cycle, "1/") in page
    assert "Failed" not in page
    assert "Generate report" not in page and "id_recommendations" not in page
    assert client.get(url(cycle, "1/")).status_code == 200
    assert client.get(url(cycle, "1.pdf")).status_code == 200


def test_other_members_are_refused_even_after_communicate(
    client, employer_member, convener, cycle
):
    publish(cycle, convener)
    client.force_login(employer_member)

    assert client.get(url(cycle)).status_code == 403


def test_outsiders_do_not_learn_the_report_exists(client, outsider, cycle):
    complete(cycle)
    client.force_login(outsider)

    for rest in ["", "1/", "1.pdf", "actions/"]:
        assert client.get(url(cycle, rest)).status_code == 404
    assert client.post(url(cycle, "generate/")).status_code == 404


def test_readers_cannot_generate_or_edit_recommendations(
    client, reader, convener, cycle
):
    publish(cycle, convener)
    client.force_login(reader)

    generate = client.post(url(cycle, "generate/"))
    recommend = client.post(url(cycle, "recommendations/"), {"recommendations": "x"})

    assert (generate.status_code, recommend.status_code) == (403, 403)
    assert not Report.objects.filter(cycle=cycle).exists()
    cycle.refresh_from_db()
    assert cycle.recommendations == ""


def test_generating_needs_a_post(client, convener, cycle):
    client.force_login(convener)

    assert client.get(url(cycle, "generate/")).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client, cycle):
    response = client.get(url(cycle))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
