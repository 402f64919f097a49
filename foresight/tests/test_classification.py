"""The capability classification: the shipped file built from O*NET, its import,
and the browser page."""

import csv
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from foresight.classification import dwa_area_codes, load_classification_file
from foresight.models import (
    CapabilityStatement,
    Domain,
    Function,
    FunctionalArea,
    SourceKind,
)

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "foresight" / "data" / "classification.json"
BUILD = REPO / "scripts" / "build_classification.py"

# The demonstration cycle's capabilities sit in these areas: (domain, function).
DEMO_AREAS = {
    "Perform Data Analysis": ("Analyse Data & Information", "Design"),
    "Operate Equipment": ("Operate Equipment & Processes", "Implement"),
    "Manage Quality Control": ("Assure Quality & Compliance", "Support"),
    "Coordinate Compliance Activities": ("Assure Quality & Compliance", "Support"),
    "Research & Develop Technologies": ("Conduct Research", "Design"),
    "Test Equipment & Systems": ("Inspect, Test & Measure", "Implement"),
    "Develop Processes": ("Develop Processes & Policies", "Design"),
}


@pytest.fixture(scope="module")
def shipped() -> dict:
    return load_classification_file(SHIPPED)


def onet_ids(file_name: str, column: str) -> list[str]:
    path = Path(settings.REFERENCE_DATA_DIR) / "onet" / file_name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [row[column] for row in rows]


def import_file(path: Path | None = None) -> str:
    out = StringIO()
    args = [str(path)] if path else []
    call_command("import_classification", *args, stdout=out)
    return out.getvalue()


def table_counts() -> tuple[int, int]:
    return Domain.objects.count(), FunctionalArea.objects.count()


# --- The shipped file ------------------------------------------------------------


def test_the_shipped_file_has_five_functions_38_domains_and_141_areas(shipped):
    assert [f["name"] for f in shipped["functions"]] == [
        "Design",
        "Implement",
        "Logistics",
        "Support",
        "Enterprise",
    ]
    assert 35 <= len(shipped["domains"]) <= 45
    assert 120 <= len(shipped["areas"]) <= 160
    assert len(shipped["domains"]) == 38
    assert len(shipped["areas"]) == 141
    assert shipped["version"] == "1.0"
    assert "CC BY 4.0" in shipped["source"]
    assert "scripts/build_classification.py" in shipped["how_built"]


def test_every_gwa_has_one_function_in_the_header(shipped):
    gwas = {gwa for f in shipped["functions"] for gwa in f["gwas"]}

    assert len(shipped["gwa_functions"]) == 41
    assert gwas == set(shipped["gwa_functions"])
    assert shipped["gwa_functions"]["4.A.3.a.3"] == "Implement"
    assert shipped["gwa_functions"]["4.A.4.c.3"] == "Logistics"


def test_every_onet_iwa_is_in_exactly_one_area(shipped):
    placed = Counter(iwa for area in shipped["areas"] for iwa in area["iwas"])

    assert set(placed) == set(onet_ids("IWA Reference.txt", "IWA ID"))
    assert len(placed) == 332
    assert set(placed.values()) == {1}


def test_every_onet_dwa_is_in_exactly_one_area(shipped):
    placed = Counter(dwa for area in shipped["areas"] for dwa in area["dwas"])

    assert set(placed) == set(onet_ids("DWA Reference.txt", "DWA ID"))
    assert len(placed) == 2087
    assert set(placed.values()) == {1}
    assert dwa_area_codes(shipped)["4.A.1.a.1.I20.D01"] == "A01.1"


def test_an_area_shares_its_iwas_gwa_function_unless_the_mapping_says_why(shipped):
    domain_function = {d["code"]: d["function"] for d in shipped["domains"]}
    reassigned = shipped["reassigned_iwas"]

    for area in shipped["areas"]:
        for iwa in area["iwas"]:
            gwa = iwa.rsplit(".", 1)[0]
            same = shipped["gwa_functions"][gwa] == domain_function[area["domain"]]
            assert same or reassigned[iwa], iwa
    assert len(reassigned) == 35


def test_the_demo_areas_sit_under_sensible_domains_and_functions(shipped):
    domains = {d["code"]: d for d in shipped["domains"]}
    found = {}
    for area in shipped["areas"]:
        domain = domains[area["domain"]]
        found[area["name"]] = (domain["name"], domain["function"])

    for name, placement in DEMO_AREAS.items():
        assert found[name] == placement


def test_names_are_unique_across_domains_and_areas(shipped):
    names = [d["name"] for d in shipped["domains"]] + [
        a["name"] for a in shipped["areas"]
    ]

    assert len(names) == len(set(names)) == 38 + 141


# --- The build script ------------------------------------------------------------


def run_build(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        str(BUILD),
        "--data-dir",
        str(settings.REFERENCE_DATA_DIR),
    ]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_the_build_script_reproduces_the_shipped_file_byte_for_byte(tmp_path):
    out = tmp_path / "classification.json"

    result = run_build(tmp_path, "--out", str(out))

    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == SHIPPED.read_bytes()


def drop_first_row(rows: list[list[str]]) -> None:
    del rows[1]


def repeat_first_row(rows: list[list[str]]) -> None:
    rows.append(rows[1])


def name_an_area_like_a_domain(rows: list[list[str]]) -> None:
    rows[1][2] = "Conduct Research"


@pytest.mark.parametrize(
    "spoil, message",
    [
        (drop_first_row, "1 IWAs are unmapped: ['4.A.1.a.1.I20']"),
        (repeat_first_row, "IWA 4.A.1.a.1.I20 is mapped twice"),
        (
            name_an_area_like_a_domain,
            "'Conduct Research' is used by both D01 and A01.1",
        ),
    ],
)
def test_the_build_script_refuses_a_broken_mapping(tmp_path, spoil, message):
    mapping_dir = tmp_path / "mapping"
    shutil.copytree(REPO / "foresight" / "data", mapping_dir)
    mapping = mapping_dir / "classification_mapping.csv"
    with mapping.open(newline="") as handle:
        rows = list(csv.reader(handle))
    spoil(rows)
    with mapping.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)

    result = run_build(
        tmp_path, "--mapping-dir", str(mapping_dir), "--out", str(tmp_path / "out.json")
    )

    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "out.json").exists()


# --- Import ----------------------------------------------------------------------


def test_import_creates_the_classification_and_a_second_run_changes_nothing(db):
    first = import_file()

    assert "5 functions, 38 domains, 141 areas; 179 created, 5 updated." in first
    assert table_counts() == (38, 141)
    area = FunctionalArea.objects.get(name="Perform Data Analysis")
    assert area.code == "A03.1"
    assert area.domain.code == "D03"
    assert area.domain.function.name == "Design"
    assert Function.objects.get(name="Support").description.startswith("Assure quality")

    second = import_file()

    assert "0 created, 0 updated." in second
    assert table_counts() == (38, 141)


def test_import_updates_changed_rows_and_leaves_rows_not_in_the_file(db):
    import_file()
    FunctionalArea.objects.filter(code="A03.1").update(name="Crunch Numbers")
    stray = Domain.objects.create(
        code="D99", name="Stray Domain", function=Function.objects.get(name="Design")
    )

    output = import_file()

    assert "0 created, 1 updated." in output
    assert "1 domains or areas in the database are not in the file" in output
    assert FunctionalArea.objects.get(code="A03.1").name == "Perform Data Analysis"
    assert Domain.objects.filter(pk=stray.pk).exists()


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def missing_file(tmp_path: Path, data: dict) -> Path:
    return tmp_path / "nowhere.json"


def invalid_json(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "invalid.json"
    path.write_text("{'version': 1.0,}", encoding="utf-8")
    return path


def truncated_file(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "truncated.json"
    path.write_bytes(SHIPPED.read_bytes()[:5000])
    return path


def record_without_code(tmp_path: Path, data: dict) -> Path:
    del data["areas"][3]["code"]
    return write_json(tmp_path / "no_code.json", data)


def area_with_unknown_domain(tmp_path: Path, data: dict) -> Path:
    data["areas"][0]["domain"] = "D77"
    return write_json(tmp_path / "unknown_domain.json", data)


def file_without_areas(tmp_path: Path, data: dict) -> Path:
    del data["areas"]
    return write_json(tmp_path / "no_areas.json", data)


@pytest.mark.parametrize(
    "make_file, problem",
    [
        (missing_file, "no such file"),
        (invalid_json, "not valid JSON (Expecting property name"),
        (truncated_file, "not valid JSON"),
        (record_without_code, "areas[3] has no code"),
        (area_with_unknown_domain, "area 'A01.1' names unknown domain 'D77'"),
        (file_without_areas, "missing key 'areas'"),
    ],
)
def test_a_bad_file_is_refused_in_one_line_and_nothing_changes(
    db, tmp_path, make_file, problem
):
    import_file()
    before = table_counts()
    path = make_file(tmp_path, json.loads(SHIPPED.read_text(encoding="utf-8")))

    with pytest.raises(CommandError) as refused:
        import_file(path)

    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert problem in message
    assert table_counts() == before


def test_a_failure_midway_rolls_the_whole_import_back(db, tmp_path):
    import_file()
    design = Function.objects.get(name="Design")
    domain = Domain.objects.create(code="D99", name="Stray Domain", function=design)
    FunctionalArea.objects.create(code="X1", name="Stray Area", domain=domain)
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data["areas"][0]["description"] = "Changed first, then rolled back."
    # The last area takes a name that a row outside the file already holds.
    data["areas"][-1]["name"] = "Stray Area"
    path = write_json(tmp_path / "collides.json", data)

    with pytest.raises(CommandError) as refused:
        import_file(path)

    assert "\n" not in str(refused.value)
    assert "the database refused it" in str(refused.value)
    first = FunctionalArea.objects.get(code=data["areas"][0]["code"])
    assert first.description.startswith("O*NET work activities:")
    assert table_counts() == (39, 142)


# --- The browser page ------------------------------------------------------------


@pytest.fixture
def imported(db) -> None:
    import_file()


def test_a_reader_sees_functions_domains_areas_and_their_counts(
    client, reader, imported, django_assert_max_num_queries
):
    area = FunctionalArea.objects.get(name="Perform Data Analysis")
    for ref in ("t1", "t2"):
        CapabilityStatement.objects.create(
            text="Analyse data.",
            area=area,
            source_kind=SourceKind.WORKSHOP,
            source_ref=ref,
        )
    client.force_login(reader)

    with django_assert_max_num_queries(8):
        response = client.get("/reference/classification/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "5 functions, 38 domains, 141 areas." in page
    assert re.search(r'Design</a>\s*<span class="meta">\(7 domains, 28 areas\)', page)
    assert "Analyse Data &amp; Information" in page
    assert "(D03, 5 areas)" in page
    assert re.search(r"Perform Data Analysis</th>\s*<td>A03.1</td>\s*<td>2</td>", page)
    assert re.search(r"Operate Equipment</th>\s*<td>A12.1</td>\s*<td>0</td>", page)


def test_the_function_filter_shows_one_function(client, reader, imported):
    support = Function.objects.get(name="Support")
    client.force_login(reader)

    page = client.get(
        f"/reference/classification/?function={support.pk}"
    ).content.decode()

    assert '<h2 id="function-' in page
    assert page.count("<h2 ") == 1
    assert "Manage Quality Control" in page
    assert "Perform Data Analysis" not in page


def test_an_unknown_function_is_not_found(client, reader, imported):
    client.force_login(reader)

    assert client.get("/reference/classification/?function=999").status_code == 404


def test_before_any_import_the_page_says_how_to_load_it(client, reader):
    client.force_login(reader)

    page = client.get("/reference/classification/").content.decode()

    assert "python manage.py import_classification" in page
    assert "<table" not in page


def test_an_employer_only_member_is_forbidden(client, employer, imported):
    client.force_login(employer)

    assert client.get("/reference/classification/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, imported):
    response = client.get("/reference/classification/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/reference/classification/")
