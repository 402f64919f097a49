"""The stored shape of match runs: what the database itself refuses."""

import pytest
from django.db import IntegrityError, transaction

from analysis.models import Duty, Framework, Match, MatchRun, Standard, StandardVersion
from foresight.models import CycleCapability


@pytest.fixture
def run(cycle, convener) -> MatchRun:
    framework = Framework.objects.create(slug="ifate", name="IfATE")
    return MatchRun.objects.create(
        cycle=cycle, framework=framework, model="all-MiniLM-L6-v2", launched_by=convener
    )


@pytest.fixture
def pair(run) -> tuple[CycleCapability, Duty]:
    standard = Standard.objects.create(
        framework=run.framework, reference="ST9", title="T"
    )
    version = StandardVersion.objects.create(
        standard=standard, version="1.0", title="T"
    )
    duty = Duty.objects.create(version=version, code="D1", text="Run assays.")
    capability = run.cycle.capabilities.create(text="Develop assays.", origin="adopted")
    return capability, duty


def test_a_threshold_outside_0_to_1_is_refused(run):
    run.threshold = 1.2

    with pytest.raises(IntegrityError), transaction.atomic():
        run.save()


def test_a_pair_is_stored_once_per_run(run, pair):
    capability, duty = pair
    Match.objects.create(run=run, capability=capability, duty=duty, score=0.6, rank=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(
            run=run, capability=capability, duty=duty, score=0.7, rank=2
        )
    assert Match.objects.get().score == 0.6


def test_progress_is_a_percentage_of_batches(run):
    assert run.percent == 0
    run.batches_total, run.batches_done = 8, 3

    assert run.percent == 38
