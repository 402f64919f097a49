import time

import pytest

from conftest import require_live_worker
from foresight.models import CycleSummary
from foresight.tasks import refresh_cycle_summary


def test_the_summary_counts_what_the_cycle_holds(cycle, employer, reader):
    cycle.partners.create(name="Suppliers")
    cycle.role_levels.create(
        name="Scientists", min_academic_level=5, max_academic_level=6
    )
    cycle.capabilities.create(text="Develop assays.", origin="newly_defined")

    counts = refresh_cycle_summary(cycle.pk)

    stored = CycleSummary.objects.get(cycle=cycle).counts
    assert stored == counts
    assert counts["partners"] == 1
    assert counts["role_levels"] == 1
    assert counts["capabilities_by_origin"] == {
        "adopted": 0,
        "selected": 0,
        "newly_defined": 1,
    }
    assert counts["people"] == 3
    assert counts["members_by_role"] == {"convener": 1, "employer": 1, "reader": 1}


def test_a_missing_cycle_is_skipped(db):
    assert refresh_cycle_summary(987654) is None
    assert not CycleSummary.objects.exists()


def test_recount_runs_in_process_after_commit(
    client, cycle, convener, eager_celery, django_capture_on_commit_callbacks
):
    cycle.partners.create(name="Suppliers")
    client.force_login(convener)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/cycles/{cycle.pk}/summary/", headers={"HX-Request": "true"}
        )

    assert response.status_code == 200
    assert len(callbacks) == 1
    assert CycleSummary.objects.get(cycle=cycle).counts["partners"] == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_recount_runs_through_a_live_worker(client, cycle, convener):
    require_live_worker()
    cycle.partners.create(name="Suppliers")
    cycle.partners.create(name="Integrators")
    client.force_login(convener)

    response = client.post(f"/cycles/{cycle.pk}/summary/")
    assert response.status_code == 302

    deadline = time.monotonic() + 30
    summary = None
    while summary is None and time.monotonic() < deadline:
        summary = CycleSummary.objects.filter(cycle=cycle).first()
        time.sleep(0.2)
    assert summary is not None, "the worker did not store a summary within 30 s"
    assert summary.counts["partners"] == 2
