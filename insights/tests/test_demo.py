"""The demonstration cycle's standards used today."""

from analysis.models import Framework, Standard, StandardVersion
from insights import demo
from insights.models import CurrentStandard, CurrentStandardChange


def _standard(framework, reference: str, current: bool = True) -> Standard:
    standard = Standard.objects.create(
        framework=framework, reference=reference, title=reference
    )
    StandardVersion.objects.create(
        standard=standard, version="1.0", title=reference, is_current=current
    )
    return standard


def test_loading_marks_the_loaded_standards_once(cycle, convener):
    framework = Framework.objects.create(slug="ifate", name="IfATE")
    _standard(framework, "ST0248")
    _standard(framework, "ST0626")
    _standard(framework, "ST0853", current=False)
    _standard(framework, "ST0001")

    demo.load(cycle, convener)
    demo.load(cycle, convener)

    marked = CurrentStandard.objects.filter(cycle=cycle)
    assert sorted(marked.values_list("standard__reference", flat=True)) == [
        "ST0248",
        "ST0626",
    ]
    assert {mark.marked_by for mark in marked} == {convener}
    assert CurrentStandardChange.objects.filter(cycle=cycle).count() == 2


def test_loading_leaves_an_existing_mark_as_it_is(cycle, convener):
    framework = Framework.objects.create(slug="ifate", name="IfATE")
    standard = _standard(framework, "ST0248")
    CurrentStandard.objects.create(cycle=cycle, standard=standard, marked_by=None)

    demo.load(cycle, convener)

    assert CurrentStandard.objects.get(cycle=cycle).marked_by is None
    assert not CurrentStandardChange.objects.exists()


def test_without_standards_loading_does_nothing(cycle, convener):
    demo.load(cycle, convener)

    assert not CurrentStandard.objects.exists()
