import datetime
import gzip
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from analysis.ifate import (
    IfateImportError,
    default_export_path,
    import_ifate,
    read_export,
    strip_html,
    version_key,
)
from analysis.models import Duty, Framework, Ksb, Standard, StandardVersion
from analysis.tests.exports import guid, record, write_export


def version(reference: str, number: str) -> StandardVersion:
    return StandardVersion.objects.get(standard__reference=reference, version=number)


def snapshot() -> dict:
    """What a failed import must leave exactly as it was."""
    framework = Framework.objects.get(slug="ifate")
    return {
        "framework": (framework.pk, framework.data_date, framework.imported_at),
        "standards": list(Standard.objects.values_list("id", "reference", "title")),
        "versions": list(
            StandardVersion.objects.values_list("id", "version", "status", "is_current")
        ),
        "duties": list(Duty.objects.values_list("id", "code", "text", "ksb_codes")),
        "ksbs": list(Ksb.objects.values_list("id", "code", "text")),
    }


# Cleaning and ordering ------------------------------------------------------


def test_strip_html_unescapes_strips_tags_and_collapses_whitespace():
    raw = (
        "&lt;p&gt;Tom &amp;amp; Jerry&lt;/p&gt;&lt;ul&gt;&lt;li&gt;it&#39;s&lt;/li&gt;"
    )
    assert strip_html(raw) == "Tom & Jerry it's"
    assert strip_html("<strong>bold</strong>ly\n\n  said&nbsp;so ") == "boldly said so"
    assert strip_html("wounds & bleeding, a < b") == "wounds & bleeding, a < b"


def test_versions_compare_as_numbers():
    assert version_key("1.10") > version_key("1.9")
    assert version_key("2.0") > version_key("1.10")
    ordered = sorted(["1.10", "", "1.9", "V0.0", "0.0", "1.2"], key=version_key)
    assert ordered == ["", "V0.0", "0.0", "1.2", "1.9", "1.10"]


def test_reading_numbers_ksbs_by_position_and_resolves_duty_mappings(tmp_path):
    item = record("ZZ0001", duties=1)
    item["duties"][0]["mappedKnowledge"] = [guid("ZZ0001", "1.0", "k2"), "nowhere"]
    path = write_export(tmp_path / "export.json", [item], gz=False)

    (row,) = read_export(path)

    assert [(k.kind, k.code) for k in row.ksbs] == [
        ("knowledge", "K1"),
        ("knowledge", "K2"),
        ("skill", "S1"),
        ("behaviour", "B1"),
    ]
    assert row.duties[0].code == "D1"
    assert row.duties[0].ksb_codes == ["K2", "?", "S1", "B1"]
    assert row.last_updated == datetime.date(2025, 3, 4)
    assert row.latest_start_date is None


# Importing ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_highest_approved_version_is_current_comparing_numerically(tmp_path):
    path = write_export(
        tmp_path / "export.json.gz",
        [
            record("ZZ0001", "1.9"),
            record("ZZ0001", "1.10"),
            record("ZZ0001", "2.0", status="In development", title="Renamed"),
        ],
    )

    import_ifate(path)

    assert version("ZZ0001", "1.10").is_current
    assert not version("ZZ0001", "1.9").is_current
    assert version("ZZ0001", "2.0").is_latest
    assert not version("ZZ0001", "1.10").is_latest
    # The standard is described by its latest version, approved or not.
    standard = Standard.objects.get(reference="ZZ0001")
    assert (standard.title, standard.status) == ("Renamed", "In development")


@pytest.mark.django_db
def test_a_plain_json_export_imports_like_a_gzipped_one(tmp_path):
    path = write_export(tmp_path / "export.json", [record("ZZ0001")], gz=False)

    counts = import_ifate(path)

    assert counts["standards_created"] == 1
    assert counts["duties_created"] == 2
    assert version("ZZ0001", "1.0").duties.get(code="D2").ksb_codes == [
        "K1",
        "S1",
        "B1",
    ]


@pytest.mark.django_db
def test_re_importing_the_same_file_changes_nothing(tmp_path):
    path = write_export(
        tmp_path / "export.json.gz", [record("ZZ0001"), record("ZZ0002", duties=3)]
    )
    import_ifate(path)
    before = snapshot()

    counts = import_ifate(path)

    after = snapshot()
    assert after["duties"] == before["duties"]
    assert after["ksbs"] == before["ksbs"]
    assert after["versions"] == before["versions"]
    assert after["standards"] == before["standards"]
    assert counts["duties_created"] == counts["duties_deleted"] == 0
    assert counts["duties_updated"] == 5


@pytest.mark.django_db
def test_a_newer_export_updates_in_place_and_moves_the_current_flag(tmp_path):
    first = [
        record("ZZ0001", "1.0", duties=3),
        record("ZZ0001", "1.1", status="In development", duties=2),
    ]
    import_ifate(write_export(tmp_path / "first.json.gz", first))
    old_current = version("ZZ0001", "1.0")
    new_version = version("ZZ0001", "1.1")
    kept_duty = new_version.duties.get(code="D1")
    assert old_current.is_current

    # The new current version comes first, so its flag is set before the old
    # one's is cleared unless the import clears flags beforehand.
    newer = [
        record("ZZ0001", "1.1", duties=3, title="Renamed standard"),
        record("ZZ0001", "1.0", status="Retired", duties=1),
    ]
    newer[0]["duties"][0]["dutyDetail"] = "Reworded duty"
    counts = import_ifate(write_export(tmp_path / "newer.json.gz", newer))

    old_current.refresh_from_db()
    new_version.refresh_from_db()
    kept_duty.refresh_from_db()
    assert not old_current.is_current
    assert new_version.is_current
    assert new_version.title == "Renamed standard"
    assert kept_duty.text == "Reworded duty"
    assert list(old_current.duties.values_list("code", flat=True)) == ["D1"]
    assert sorted(new_version.duties.values_list("code", flat=True)) == [
        "D1",
        "D2",
        "D3",
    ]
    assert (counts["duties_created"], counts["duties_deleted"]) == (1, 2)
    assert counts["versions_created"] == 0


@pytest.mark.django_db
def test_standards_without_duties_are_kept_and_flagged(tmp_path):
    path = write_export(
        tmp_path / "export.json.gz",
        [record("ZZ0001", duties=0, templateType="Apprenticeship Standard")],
    )

    import_ifate(path)

    current = version("ZZ0001", "1.0")
    assert current.is_current
    assert not current.has_duties
    assert current.ksbs.count() == 4


@pytest.mark.django_db
def test_the_framework_is_dated_by_its_newest_update(tmp_path):
    path = write_export(
        tmp_path / "export.json.gz",
        [
            record("ZZ0001", lastUpdated="2026-08-21T00:00:00 +00:00"),
            record("ZZ0002", lastUpdated=""),
        ],
    )

    import_ifate(path)

    framework = Framework.objects.get(slug="ifate")
    assert framework.name == "IfATE apprenticeship standards"
    assert framework.data_date == datetime.date(2026, 8, 21)
    assert framework.imported_at is not None


@pytest.mark.django_db
def test_the_command_prints_a_summary(tmp_path):
    path = write_export(
        tmp_path / "export.json.gz",
        [record("ZZ0001", duties=3), record("ZZ0002", status="Retired")],
    )
    output = io.StringIO()

    call_command("import_ifate", path, stdout=output)

    lines = output.getvalue().splitlines()
    assert lines[0] == f"Imported {path}"
    assert "duties: 5 (5 created, 0 updated, 0 deleted)" in lines
    assert lines[-1] == (
        "current provision: 1 versions approved for delivery, with 3 duties"
    )


# Refusing bad input ---------------------------------------------------------


def truncated_gzip(path: Path) -> Path:
    data = gzip.compress(b'[{"referenceNumber": "ZZ0009", "version": "1.0"}]' * 50)
    path.write_bytes(data[: len(data) // 2])
    return path


def invalid_json(path: Path) -> Path:
    path.write_text('[{"referenceNumber": ')
    return path


def not_a_list(path: Path) -> Path:
    return write_export(path, {"referenceNumber": "ZZ0001"})


def not_an_object(path: Path) -> Path:
    return write_export(path, [record("ZZ0001"), "ZZ0002"])


def without_reference(path: Path) -> Path:
    broken = record("ZZ0002")
    del broken["referenceNumber"]
    return write_export(path, [record("ZZ0001"), broken])


def without_version(path: Path) -> Path:
    return write_export(path, [record("ZZ0001"), record("ZZ0002") | {"version": None}])


def duties_not_a_list(path: Path) -> Path:
    return write_export(path, [record("ZZ0001") | {"duties": "none"}])


def title_too_long(path: Path) -> Path:
    return write_export(path, [record("ZZ0001", title="x" * 301)])


def date_not_a_date(path: Path) -> Path:
    return write_export(path, [record("ZZ0001", lastUpdated="yesterday")])


BAD_FILES = {
    "missing file": (lambda path: path, "cannot read the file"),
    "truncated gzip": (truncated_gzip, "the gzip data is truncated or corrupt"),
    "invalid JSON": (invalid_json, "invalid JSON"),
    "top level not a list": (not_a_list, "the top level is a dict, not a list"),
    "record not an object": (not_an_object, "record 1: a str, not a JSON object"),
    "no referenceNumber": (without_reference, "record 1: missing referenceNumber"),
    "no version": (without_version, "record 1 (ZZ0002): missing version"),
    "title too long": (title_too_long, "title is longer than 300 characters"),
    "not a date": (
        date_not_a_date,
        "(ZZ0001 v1.0): lastUpdated 'yesterday' is not a date",
    ),
    "duties not a list": (
        duties_not_a_list,
        "record 0 (ZZ0001 v1.0): duties is not a list",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_input_is_refused_in_one_line_and_changes_nothing(tmp_path, case):
    good = write_export(
        tmp_path / "good.json.gz", [record("ZZ0001"), record("ZZ0001", "1.1")]
    )
    call_command("import_ifate", good, stdout=io.StringIO())
    before = snapshot()
    make, problem = BAD_FILES[case]
    bad = make(tmp_path / "bad.json.gz")

    with pytest.raises(CommandError) as refused:
        call_command("import_ifate", bad)

    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{bad}: ")
    assert problem in message
    assert snapshot() == before


def test_a_duplicate_record_is_refused(tmp_path):
    path = write_export(tmp_path / "export.json.gz", [record("ZZ0001")] * 2)

    with pytest.raises(IfateImportError, match=r"record 1 \(ZZ0001 v1.0\): duplicate"):
        read_export(path)


# The real export (imported once for the tests below) -------------------------


@pytest.fixture(scope="module")
def real_provision(django_db_setup, django_db_blocker):
    """The full export, committed once for this module and removed after it."""
    with django_db_blocker.unblock():
        counts = import_ifate(default_export_path())
    yield counts
    with django_db_blocker.unblock():
        Framework.objects.filter(slug="ifate").delete()


@pytest.mark.django_db
def test_the_real_export_gives_the_documented_counts(real_provision):
    counts = real_provision

    assert counts["standards"] == 929
    assert counts["versions"] == 2170
    assert counts["current_versions"] == 714
    assert counts["current_duties"] == 7572
    assert counts["duties"] == 17149
    assert counts["ksbs"] == 105890
    assert StandardVersion.objects.filter(is_current=True).count() == 714
    assert Duty.objects.filter(version__is_current=True).count() == 7572
    framework = Framework.objects.get(slug="ifate")
    assert framework.data_date == datetime.date(2026, 8, 21)


@pytest.mark.django_db
def test_software_developer_is_current_at_version_1_2(real_provision):
    standard = Standard.objects.get(reference="ST0116")
    current = standard.versions.get(is_current=True)
    first_duty = current.duties.get(code="D1")

    assert (standard.title, standard.level, standard.route) == (
        "Software developer",
        4,
        "Digital",
    )
    assert (current.version, current.is_latest, current.has_duties) == (
        "1.2",
        True,
        True,
    )
    assert current.duties.count() == 21
    assert first_duty.text.startswith("Take and interpret given software development")
    assert first_duty.ksb_codes == [
        *("K1", "K2", "K3", "K6", "K7"),
        *("S7", "S11", "S17"),
        *("B1", "B2", "B8"),
    ]
    assert current.ksbs.get(code="K1").text.startswith("all stages of the software")


@pytest.mark.django_db
def test_old_template_standards_are_current_without_duties(real_provision):
    current = StandardVersion.objects.filter(is_current=True)

    assert current.filter(has_duties=True).count() == 533
    assert current.filter(has_duties=False).count() == 181
    assert not Duty.objects.filter(version__has_duties=False).exists()


@pytest.mark.django_db
def test_an_unresolvable_ksb_guid_becomes_a_question_mark(real_provision):
    duty = version("ST0414", "1.8").duties.get(code="D19")

    assert "?" in duty.ksb_codes
    # JSON containment has no SQLite lookup; the six are few enough to count here.
    all_codes = Duty.objects.values_list("ksb_codes", flat=True)
    assert sum("?" in codes for codes in all_codes) == 6


@pytest.mark.django_db
def test_re_importing_the_real_export_keeps_every_row(real_provision):
    before = snapshot()

    counts = import_ifate(default_export_path())

    assert snapshot() | {"framework": None} == before | {"framework": None}
    assert counts["duties_created"] == counts["ksbs_created"] == 0
    assert counts["duties_deleted"] == counts["ksbs_deleted"] == 0
    assert counts["current_duties"] == 7572
