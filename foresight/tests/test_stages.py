import pytest

from foresight.models import Stage, StageChange, StageError


def test_each_forward_step_is_allowed_in_order(cycle, convener):
    for stage in list(Stage)[1:]:
        change = cycle.change_stage(stage, convener)
        assert change.to_stage == stage

    cycle.refresh_from_db()
    assert cycle.stage == Stage.CAUSE_ACTION
    assert cycle.stage_changes.count() == 5


def test_skipping_a_stage_is_refused(cycle, convener):
    with pytest.raises(StageError, match="one at a time"):
        cycle.change_stage(Stage.PREPARE, convener)

    cycle.refresh_from_db()
    assert cycle.stage == Stage.CONSIDER
    assert not StageChange.objects.exists()


def test_going_back_without_a_reason_is_refused(cycle, convener):
    cycle.change_stage(Stage.IDENTIFY, convener)

    with pytest.raises(StageError, match="needs a reason"):
        cycle.change_stage(Stage.CONSIDER, convener, reason="   ")

    cycle.refresh_from_db()
    assert cycle.stage == Stage.IDENTIFY


def test_going_back_with_a_reason_is_recorded(cycle, convener):
    cycle.change_stage(Stage.IDENTIFY, convener)
    cycle.change_stage(Stage.PREPARE, convener)

    change = cycle.change_stage(Stage.CONSIDER, convener, reason="Challenge restated")

    cycle.refresh_from_db()
    assert cycle.stage == Stage.CONSIDER
    assert (change.from_stage, change.to_stage) == (Stage.PREPARE, Stage.CONSIDER)
    assert change.reason == "Challenge restated"


def test_the_log_holds_who_and_when(cycle, convener):
    change = cycle.change_stage(Stage.IDENTIFY, convener)

    stored = StageChange.objects.get(pk=change.pk)
    assert stored.changed_by == convener
    assert stored.changed_at is not None
    assert stored.from_stage == Stage.CONSIDER


def test_staying_put_and_unknown_stages_are_refused(cycle, convener):
    with pytest.raises(StageError, match="already in Consider"):
        cycle.change_stage(Stage.CONSIDER, convener)
    with pytest.raises(StageError, match="not a stage"):
        cycle.change_stage("celebrate", convener)


def test_a_stale_copy_cannot_skip_past_the_stored_stage(cycle, convener):
    stale = type(cycle).objects.get(pk=cycle.pk)
    cycle.change_stage(Stage.IDENTIFY, convener)

    # The stale copy still thinks it is in Consider; the rule reads the locked row.
    stale.change_stage(Stage.PREPARE, convener)
    with pytest.raises(StageError, match="one at a time"):
        stale.change_stage(Stage.CAUSE_ACTION, convener)
    assert cycle.stage_changes.count() == 2


def test_the_view_moves_forward_and_turns_refusals_into_400(client, cycle, convener):
    client.force_login(convener)

    response = client.post(f"/cycles/{cycle.pk}/stage/", {"to": "identify"})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.stage == Stage.IDENTIFY

    response = client.post(f"/cycles/{cycle.pk}/stage/", {"to": "communicate"})
    assert response.status_code == 400
    assert "one at a time" in response.content.decode()

    response = client.post(f"/cycles/{cycle.pk}/stage/", {"to": "consider"})
    assert response.status_code == 400
    assert "needs a reason" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.stage == Stage.IDENTIFY
