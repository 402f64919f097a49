"""Applying a (higher, optimised) threshold to a complete run."""

import pytest

from analysis import runs
from analysis.models import ThresholdChange
from analysis.tables import organisational_capabilities


@pytest.fixture
def run(cycle, convener, provision, capabilities):
    return runs.execute(runs.launch_run(cycle, convener, threshold=0.3))


def test_raising_the_threshold_is_recorded_and_changes_the_figures(
    client, run, convener
):
    served_before = sum(row.served for row in organisational_capabilities(run))
    client.force_login(convener)

    response = client.post(
        f"/cycles/{run.cycle_id}/runs/{run.pk}/threshold/", {"threshold": "0.9"}
    )

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.threshold == 0.9
    change = ThresholdChange.objects.get(run=run)
    assert (change.old, change.new, change.changed_by) == (0.3, 0.9, convener)
    served_after = sum(row.served for row in organisational_capabilities(run))
    assert served_after < served_before
    page = client.get(f"/cycles/{run.cycle_id}/runs/{run.pk}/").content.decode()
    assert "0.3 → 0.900" in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0.1", "launch a new run at 0.1"),
        ("2", "between 0 and 1"),
        ("high", "as a number"),
    ],
)
def test_lowering_or_bad_values_are_refused_and_nothing_changes(
    client, run, convener, value, message
):
    client.force_login(convener)

    response = client.post(
        f"/cycles/{run.cycle_id}/runs/{run.pk}/threshold/", {"threshold": value}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    run.refresh_from_db()
    assert run.threshold == 0.3
    assert not ThresholdChange.objects.exists()


def test_only_conveners_change_the_threshold(client, run, employer):
    client.force_login(employer)

    response = client.post(
        f"/cycles/{run.cycle_id}/runs/{run.pk}/threshold/", {"threshold": "0.9"}
    )

    assert response.status_code == 403
    run.refresh_from_db()
    assert run.threshold == 0.3
