import pytest

from analysis.models import Duty, Framework, Standard, StandardVersion
from foresight import embeddings
from foresight.models import (
    BackgroundJob,
    CapabilityStatement,
    Domain,
    Embedding,
    Function,
    FunctionalArea,
    JobStatus,
    SourceKind,
)


@pytest.fixture
def library(db) -> list[CapabilityStatement]:
    design = Domain.objects.create(
        function=Function.objects.get(name="Design"), code="D01", name="Create Things"
    )
    support = Domain.objects.create(
        function=Function.objects.get(name="Support"), code="D02", name="Check Things"
    )
    research = FunctionalArea.objects.create(
        domain=design, code="A01.1", name="Research & Develop Technologies"
    )
    quality = FunctionalArea.objects.create(
        domain=support, code="A02.1", name="Manage Quality Control"
    )
    rows = [
        ("Develop new assays for cell therapies.", research, SourceKind.ONET_TASK, "1"),
        ("Design bioreactor control software.", research, SourceKind.ESCO_SKILL, "u:2"),
        ("Inspect finished products for defects.", quality, SourceKind.ONET_TASK, "3"),
    ]
    rows += [
        (
            f"Audit batch record number {n}.",
            quality,
            SourceKind.IFATE_DUTY,
            f"ST1 v1 D{n}",
        )
        for n in range(1, 61)
    ]
    return CapabilityStatement.objects.bulk_create(
        CapabilityStatement(text=text, area=area, source_kind=kind, source_ref=ref)
        for text, area, kind, ref in rows
    )


def test_a_reader_searches_the_library(client, reader, library):
    client.force_login(reader)

    page = client.get("/reference/library/", {"q": "assays"}).content.decode()

    assert "Develop new assays for cell therapies." in page
    assert "Inspect finished products" not in page
    assert "1 statement." in page


def test_filters_by_function_and_source(client, reader, library):
    client.force_login(reader)
    design = Function.objects.get(name="Design")

    by_function = client.get(
        "/reference/library/", {"function": design.pk}
    ).content.decode()
    by_source = client.get(
        "/reference/library/", {"source": "esco_skill"}
    ).content.decode()

    assert "2 statements." in by_function
    assert "Audit batch record" not in by_function
    assert "1 statement." in by_source
    assert "Design bioreactor control software." in by_source


def test_results_are_paginated(client, reader, library):
    client.force_login(reader)

    first = client.get("/reference/library/").content.decode()
    second = client.get("/reference/library/", {"page": 2}).content.decode()

    assert "63 statements." in first
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second
    assert second.count("<tr>") == 1 + 13


def test_a_bad_filter_is_a_400_with_a_message(client, reader, library):
    client.force_login(reader)

    response = client.get("/reference/library/", {"source": "rumour"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_htmx_gets_only_the_results(client, reader, library):
    client.force_login(reader)

    response = client.get(
        "/reference/library/", {"q": "inspect"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode().strip()
    assert body.startswith('<section id="results"')
    assert "Inspect finished products for defects." in body


def test_the_library_page_has_bounded_queries(
    client, reader, library, django_assert_max_num_queries
):
    client.force_login(reader)

    with django_assert_max_num_queries(8):
        client.get("/reference/library/")


def test_who_may_browse_the_library(client, employer, convener, library):
    assert client.get("/reference/library/").status_code == 302

    client.force_login(employer)
    assert client.get("/reference/library/").status_code == 403

    client.force_login(convener)
    assert client.get("/reference/library/").status_code == 200


def test_staff_start_an_embedding_job_that_stores_every_missing_text(
    client, convener, library, django_capture_on_commit_callbacks, eager_celery
):
    framework = Framework.objects.create(slug="ifate", name="IfATE")
    standard = Standard.objects.create(framework=framework, reference="ST1", title="T")
    version = StandardVersion.objects.create(
        standard=standard, version="1.0", title="T", is_current=True
    )
    Duty.objects.create(version=version, code="D1", text="Maintain clean rooms.")
    client.force_login(convener)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reference/library/embed/")

    assert response.status_code == 302
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.DONE
    assert (job.done, job.total) == (64, 64)
    assert Embedding.objects.filter(model=embeddings.MODEL_KEY).count() == 64
    progress = client.get(f"/reference/jobs/{job.pk}/").content.decode()
    assert "64 of 64 (100 %)" in progress


def test_readers_cannot_start_jobs(client, reader, library):
    client.force_login(reader)

    assert client.post("/reference/library/embed/").status_code == 403
    assert not BackgroundJob.objects.exists()


def test_the_navigation_links_reference_data_only_for_those_who_may_browse(
    client, reader, employer
):
    client.force_login(reader)
    assert 'href="/reference/library/"' in client.get("/").content.decode()

    client.force_login(employer)
    assert 'href="/reference/library/"' not in client.get("/").content.decode()
