"""The library importer on a small, hand-made copy of the data sets' formats."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from analysis.models import Duty, Framework, Standard, StandardVersion
from foresight.library import LibraryImportError, import_library
from foresight.models import (
    CapabilityStatement,
    Domain,
    Function,
    FunctionalArea,
    Placement,
    ReferenceOccupation,
)

DWAS = [
    ("4.A.2.a.4.I01.D01", "Analyze data to identify trends or relationships."),
    ("4.A.2.a.4.I01.D02", "Compile statistical data for reports."),
    ("4.A.3.a.3.I01.D01", "Operate industrial production equipment."),
    ("4.A.3.a.3.I01.D02", "Calibrate scientific or technical instruments."),
]
AREA_DWAS = {
    "A01.1": ["4.A.2.a.4.I01.D01", "4.A.2.a.4.I01.D02"],
    "A01.2": ["4.A.3.a.3.I01.D01", "4.A.3.a.3.I01.D02"],
}
TASKS = [
    ("19-1042.00", "101", "Analyse trial results to find trends in patient outcomes."),
    ("19-1042.00", "102", "Operate bioreactors to grow cell cultures."),
    ("51-9011.00", "103", "Set up and run filling machines."),
    (
        "51-9011.00",
        "104",
        "Adjust and calibrate laboratory instruments to specification.",
    ),
]
TASK_DWAS = [
    ("101", "4.A.2.a.4.I01.D01"),
    ("101", "4.A.2.a.4.I01.D02"),
    ("102", "4.A.3.a.3.I01.D01"),
    ("103", "4.A.2.a.4.I01.D01"),
    ("103", "4.A.3.a.3.I01.D01"),
    ("103", "4.A.3.a.3.I01.D02"),
]
SKILLS = [
    ("http://esco/skill/1", "skill/competence", "analyse statistical data"),
    ("http://esco/skill/2", "skill/competence", "calibrate laboratory equipment"),
    ("http://esco/skill/3", "knowledge", "statistics"),
]


def write_tab(path: Path, header: list[str], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(header)] + ["\t".join(map(str, row)) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_zip(path: Path, members: dict[str, tuple[list[str], list[tuple]]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, (header, rows) in members.items():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(header)
            writer.writerows(rows)
            archive.writestr(name, buffer.getvalue())


@pytest.fixture
def data_dir(tmp_path) -> Path:
    onet = tmp_path / "onet"
    write_tab(onet / "DWA Reference.txt", ["DWA ID", "DWA Title"], DWAS)
    write_tab(
        onet / "Task Statements.txt", ["O*NET-SOC Code", "Task ID", "Task"], TASKS
    )
    write_tab(onet / "Tasks to DWAs.txt", ["Task ID", "DWA ID"], TASK_DWAS)
    write_tab(
        onet / "Occupation Data.txt",
        ["O*NET-SOC Code", "Title", "Description"],
        [
            ("19-1042.00", "Medical Scientists", "Conduct research."),
            ("51-9011.00", "Chemical Equipment Operators", ""),
        ],
    )
    write_zip(
        tmp_path / "esco/esco_v1.1.1_classification_en_csv.zip",
        {
            "skills_en.csv": (["conceptUri", "skillType", "preferredLabel"], SKILLS),
            "occupations_en.csv": (
                ["conceptUri", "preferredLabel", "description"],
                [("http://esco/occupation/1", "laboratory technician", "Runs tests.")],
            ),
        },
    )
    write_zip(
        tmp_path / "esco/esco_v1.1.1_relations_csv.zip",
        {
            "occupationSkillRelations.csv": (
                ["occupationUri", "relationType", "skillType", "skillUri"],
                [
                    (
                        "http://esco/occupation/1",
                        "essential",
                        "skill/competence",
                        "http://esco/skill/2",
                    ),
                    (
                        "http://esco/occupation/1",
                        "optional",
                        "skill/competence",
                        "http://esco/skill/1",
                    ),
                    (
                        "http://esco/occupation/1",
                        "essential",
                        "knowledge",
                        "http://esco/skill/3",
                    ),
                ],
            )
        },
    )
    return tmp_path


@pytest.fixture
def areas(db) -> None:
    domain = Domain.objects.create(
        function=Function.objects.get(name="Support"), code="D01", name="Handle Data"
    )
    FunctionalArea.objects.create(
        domain=domain, code="A01.1", name="Perform Data Analysis"
    )
    FunctionalArea.objects.create(domain=domain, code="A01.2", name="Operate Equipment")


@pytest.fixture
def duties(db) -> None:
    framework = Framework.objects.create(slug="ifate", name="IfATE")
    standard = Standard.objects.create(
        framework=framework, reference="ST0999", title="Lab scientist"
    )
    current = StandardVersion.objects.create(
        standard=standard, version="1.1", title="Lab scientist", is_current=True
    )
    old = StandardVersion.objects.create(
        standard=standard, version="1.0", title="Lab scientist"
    )
    Duty.objects.create(
        version=current,
        code="D1",
        text="Interpret process monitoring data to find trends.",
    )
    Duty.objects.create(
        version=old, code="D1", text="An old duty that is not current provision."
    )


def areas_by_ref() -> dict[str, str]:
    return dict(CapabilityStatement.objects.values_list("source_ref", "area__name"))


def test_the_library_places_every_statement_and_keeps_its_source(
    data_dir, areas, duties
):
    counts = import_library(data_dir, AREA_DWAS)

    assert counts == {
        "onet_tasks": 4,
        "ifate_duties": 1,
        "esco_skills": 2,
        "placed_by_work_activity": 3,
        "placed_by_meaning": 4,
        "occupations": 3,
        "occupation_links": 5,
    }
    placed = areas_by_ref()
    assert placed["101"] == "Perform Data Analysis"
    assert placed["102"] == "Operate Equipment"
    # Two of task 103's three DWAs sit in Operate Equipment.
    assert placed["103"] == "Operate Equipment"
    assert placed["104"] == "Operate Equipment"
    assert placed["ST0999 v1.1 D1"] == "Perform Data Analysis"
    assert placed["http://esco/skill/1"] == "Perform Data Analysis"
    assert placed["http://esco/skill/2"] == "Operate Equipment"
    assert not CapabilityStatement.objects.filter(
        source_ref="http://esco/skill/3"
    ).exists()


def test_statements_placed_by_meaning_are_marked_with_their_score(
    data_dir, areas, duties
):
    import_library(data_dir, AREA_DWAS)

    by_dwa = CapabilityStatement.objects.get(source_ref="101")
    by_meaning = CapabilityStatement.objects.get(source_ref="104")
    assert (by_dwa.placement, by_dwa.placement_score) == (Placement.WORK_ACTIVITY, None)
    assert by_meaning.placement == Placement.NEAREST_MEANING
    assert 0.3 < by_meaning.placement_score <= 1
    esco = CapabilityStatement.objects.get(source_ref="http://esco/skill/2")
    assert esco.text == "Calibrate laboratory equipment"


def test_occupations_are_linked_to_their_tasks_and_essential_skills(
    data_dir, areas, duties
):
    import_library(data_dir, AREA_DWAS)

    scientists = ReferenceOccupation.objects.get(code="19-1042.00")
    technician = ReferenceOccupation.objects.get(code="http://esco/occupation/1")
    assert sorted(scientists.statements.values_list("source_ref", flat=True)) == [
        "101",
        "102",
    ]
    assert list(technician.statements.values_list("source_ref", flat=True)) == [
        "http://esco/skill/2"
    ]


def test_a_second_import_changes_nothing(data_dir, areas, duties):
    import_library(data_dir, AREA_DWAS)
    before = list(
        CapabilityStatement.objects.order_by("id").values_list(
            "id", "source_ref", "area_id"
        )
    )
    links = ReferenceOccupation.statements.through.objects.count()

    import_library(data_dir, AREA_DWAS)

    after = list(
        CapabilityStatement.objects.order_by("id").values_list(
            "id", "source_ref", "area_id"
        )
    )
    assert after == before
    assert ReferenceOccupation.statements.through.objects.count() == links


def test_it_refuses_to_run_before_the_classification_is_loaded(data_dir, db):
    with pytest.raises(
        LibraryImportError, match=r"run manage\.py import_classification"
    ):
        import_library(data_dir, AREA_DWAS)


def break_file(data_dir: Path, case: str) -> str:
    """Damage one file; return what the error line must name."""
    tasks = data_dir / "onet/Task Statements.txt"
    if case == "missing file":
        tasks.unlink()
        return "Task Statements.txt: file not found"
    if case == "wrong header":
        write_tab(tasks, ["O*NET-SOC Code", "Task Number", "Task"], TASKS)
        return "Task Statements.txt: the header lacks column(s) Task ID"
    if case == "record without id":
        write_tab(
            tasks,
            ["O*NET-SOC Code", "Task ID", "Task"],
            [*TASKS, ("51-9011.00", "", "Stray.")],
        )
        return "Task Statements.txt: line 6 has no Task ID"
    (data_dir / "esco/esco_v1.1.1_relations_csv.zip").write_bytes(
        b"PK\x03\x04 truncated"
    )
    return "esco_v1.1.1_relations_csv.zip: not a readable zip archive"


@pytest.mark.parametrize(
    "case", ["missing file", "wrong header", "record without id", "bad zip"]
)
def test_bad_files_stop_the_import_and_leave_the_library_as_it_was(
    data_dir, areas, duties, case
):
    import_library(data_dir, AREA_DWAS)
    before = sorted(
        CapabilityStatement.objects.values_list("source_ref", "text", "area_id")
    )
    expected = break_file(data_dir, case)

    with pytest.raises(LibraryImportError) as raised:
        import_library(data_dir, AREA_DWAS)

    message = str(raised.value)
    assert expected in message
    assert "\n" not in message
    assert (
        sorted(CapabilityStatement.objects.values_list("source_ref", "text", "area_id"))
        == before
    )


def test_the_command_reports_a_bad_file_in_one_line(data_dir, db):
    call_command("import_classification")
    (data_dir / "onet/DWA Reference.txt").unlink()

    with pytest.raises(CommandError, match=r"DWA Reference\.txt: file not found"):
        call_command("import_library", data_dir=data_dir)
    assert not CapabilityStatement.objects.exists()
