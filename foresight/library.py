"""The capability-statement library, filled from the real data sets.

Three sources, each statement keeping its source and source id:
- O*NET task statements, placed in a functional area through their detailed work
  activities (task → DWA → area, by the classification file); a task with no DWA
  is placed by nearest meaning;
- the duties of the current approved IfATE standard versions (already imported
  by `import_ifate`), placed by nearest meaning;
- ESCO skills and competences, placed by nearest meaning.

"Nearest meaning" compares a statement's embedding with each area's centroid: the
normalised mean embedding of the titles of the DWAs in that area.

Every file is read and checked before anything is written; the writes happen in
one transaction, so a bad file leaves the database as it was.
"""

import csv
import io
import sys
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.db import transaction

from foresight import embeddings
from foresight.models import (
    CapabilityStatement,
    FunctionalArea,
    OccupationSource,
    Placement,
    ReferenceOccupation,
    SourceKind,
)

ONET_TASKS = "onet/Task Statements.txt"
ONET_TASK_DWAS = "onet/Tasks to DWAs.txt"
ONET_OCCUPATIONS = "onet/Occupation Data.txt"
ONET_DWAS = "onet/DWA Reference.txt"
ESCO_CLASSIFICATION = "esco/esco_v1.1.1_classification_en_csv.zip"
ESCO_RELATIONS = "esco/esco_v1.1.1_relations_csv.zip"
BATCH = 2000

Progress = Callable[[str], None]


class LibraryImportError(Exception):
    """A data file that cannot be imported; the message is one line."""


@dataclass
class Statement:
    kind: str
    ref: str
    text: str
    area_code: str | None = None
    placement: str = Placement.WORK_ACTIVITY
    score: float | None = None


@dataclass
class Occupation:
    source: str
    code: str
    title: str
    description: str = ""
    statement_refs: list[tuple[str, str]] = field(default_factory=list)


# --- Reading ---------------------------------------------------------------------


def _rows(
    path: Path, columns: list[str], *, tab: bool, stream: io.TextIOBase | None = None
) -> Iterator[tuple[int, dict]]:
    """Rows of a CSV or O*NET tab file as (line number, dict), header checked."""
    if stream is None and not path.exists():
        raise LibraryImportError(f"{path}: file not found.")
    csv.field_size_limit(sys.maxsize)
    handle = stream or path.open(newline="", encoding="utf-8")
    with handle:
        if tab:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        else:
            reader = csv.DictReader(handle)
        missing = [name for name in columns if name not in (reader.fieldnames or [])]
        if missing:
            raise LibraryImportError(
                f"{path}: the header lacks column(s) {', '.join(missing)}."
            )
        yield from enumerate(reader, start=2)


def _required(path: Path, number: int, row: dict, *names: str) -> list[str]:
    values = [(row.get(name) or "").strip() for name in names]
    for name, value in zip(names, values, strict=True):
        if not value:
            raise LibraryImportError(f"{path}: line {number} has no {name}.")
    return values


def read_dwa_titles(data_dir: Path) -> dict[str, str]:
    path = data_dir / ONET_DWAS
    titles = {}
    for number, row in _rows(path, ["DWA ID", "DWA Title"], tab=True):
        dwa, title = _required(path, number, row, "DWA ID", "DWA Title")
        titles[dwa] = title
    return titles


def read_onet(data_dir: Path, dwa_area: dict[str, str]) -> tuple[list, list]:
    """O*NET tasks as statements (placed through their DWAs where they have any),
    and O*NET occupations with their tasks."""
    path = data_dir / ONET_TASK_DWAS
    task_areas: dict[str, Counter] = defaultdict(Counter)
    for number, row in _rows(path, ["Task ID", "DWA ID"], tab=True):
        task, dwa = _required(path, number, row, "Task ID", "DWA ID")
        if dwa in dwa_area:
            task_areas[task][dwa_area[dwa]] += 1

    path = data_dir / ONET_TASKS
    statements, tasks_of = [], defaultdict(list)
    for number, row in _rows(path, ["O*NET-SOC Code", "Task ID", "Task"], tab=True):
        soc, task, text = _required(
            path, number, row, "O*NET-SOC Code", "Task ID", "Task"
        )
        statement = Statement(SourceKind.ONET_TASK, task, text)
        if task_areas.get(task):
            # The area most of the task's DWAs sit in; ties go to the lowest code.
            counts = task_areas[task]
            statement.area_code = min(counts, key=lambda code: (-counts[code], code))
        else:
            statement.placement = Placement.NEAREST_MEANING
        statements.append(statement)
        tasks_of[soc].append((SourceKind.ONET_TASK, task))

    path = data_dir / ONET_OCCUPATIONS
    occupations = []
    for number, row in _rows(
        path, ["O*NET-SOC Code", "Title", "Description"], tab=True
    ):
        soc, title = _required(path, number, row, "O*NET-SOC Code", "Title")
        occupation = Occupation(
            OccupationSource.ONET, soc, title, row["Description"] or ""
        )
        occupation.statement_refs = tasks_of.get(soc, [])
        occupations.append(occupation)
    return statements, occupations


def _zip_member(path: Path, member: str) -> io.TextIOBase:
    if not path.exists():
        raise LibraryImportError(f"{path}: file not found.")
    try:
        archive = zipfile.ZipFile(path)
        return io.TextIOWrapper(archive.open(member), encoding="utf-8", newline="")
    except KeyError:
        raise LibraryImportError(f"{path}: the archive has no {member}.") from None
    except zipfile.BadZipFile as error:
        raise LibraryImportError(
            f"{path}: not a readable zip archive ({error})."
        ) from None


def read_esco(data_dir: Path) -> tuple[list, list]:
    """ESCO skills/competences as statements, and occupations with essential skills."""
    path = data_dir / ESCO_CLASSIFICATION
    where = path / "skills_en.csv"
    statements = []
    columns = ["conceptUri", "skillType", "preferredLabel"]
    stream = _zip_member(path, "skills_en.csv")
    for number, row in _rows(where, columns, tab=False, stream=stream):
        if row["skillType"] != "skill/competence":
            continue
        uri, label = _required(where, number, row, "conceptUri", "preferredLabel")
        text = label[0].upper() + label[1:]
        statements.append(
            Statement(SourceKind.ESCO_SKILL, uri, text, None, Placement.NEAREST_MEANING)
        )
    known = {statement.ref for statement in statements}

    relations = data_dir / ESCO_RELATIONS
    where = relations / "occupationSkillRelations.csv"
    essential = defaultdict(list)
    stream = _zip_member(relations, "occupationSkillRelations.csv")
    columns = ["occupationUri", "relationType", "skillUri"]
    for number, row in _rows(where, columns, tab=False, stream=stream):
        occupation, skill = _required(where, number, row, "occupationUri", "skillUri")
        if row["relationType"] == "essential" and skill in known:
            essential[occupation].append((SourceKind.ESCO_SKILL, skill))

    where = path / "occupations_en.csv"
    occupations = []
    stream = _zip_member(path, "occupations_en.csv")
    columns = ["conceptUri", "preferredLabel", "description"]
    for number, row in _rows(where, columns, tab=False, stream=stream):
        uri, title = _required(where, number, row, "conceptUri", "preferredLabel")
        occupation = Occupation(
            OccupationSource.ESCO, uri, title, row["description"] or ""
        )
        occupation.statement_refs = essential.get(uri, [])
        occupations.append(occupation)
    return statements, occupations


def current_duties() -> list[Statement]:
    """The duties of each standard's current approved version (see import_ifate)."""
    from analysis.models import Duty

    duties = Duty.objects.filter(version__is_current=True).values_list(
        "version__standard__reference", "version__version", "code", "text"
    )
    return [
        Statement(
            SourceKind.IFATE_DUTY,
            f"{reference} v{version} {code}",
            text,
            None,
            Placement.NEAREST_MEANING,
        )
        for reference, version, code, text in duties.order_by("id")
    ]


# --- Placing by meaning ----------------------------------------------------------


def area_centroids(
    area_dwas: dict[str, list[str]], dwa_titles: dict[str, str]
) -> tuple[list[str], np.ndarray]:
    """Each area's centroid: the unit mean of its DWA titles' embeddings."""
    titled = {
        code: [dwa_titles[dwa] for dwa in dwas if dwa in dwa_titles]
        for code, dwas in area_dwas.items()
    }
    codes = sorted(code for code, titles in titled.items() if titles)
    titles = sorted({title for code in codes for title in titled[code]})
    index = {title: row for row, title in enumerate(titles)}
    vectors = embeddings.vectors_for(titles)

    centroids = np.zeros((len(codes), embeddings.DIMENSIONS), dtype=np.float32)
    for row, code in enumerate(codes):
        rows = [index[title] for title in titled[code]]
        mean = vectors[rows].mean(axis=0)
        centroids[row] = mean / (np.linalg.norm(mean) or 1.0)
    return codes, centroids


def place_by_meaning(
    statements: list[Statement], codes: list[str], centroids: np.ndarray
) -> None:
    """Give each unplaced statement the area whose centroid is nearest."""
    pending = [statement for statement in statements if statement.area_code is None]
    if not pending:
        return
    vectors = embeddings.vectors_for([statement.text for statement in pending])
    scores = vectors @ centroids.T
    best = scores.argmax(axis=1)
    for statement, column, row in zip(pending, best, scores, strict=True):
        statement.area_code = codes[column]
        statement.score = round(float(row[column]), 4)


# --- Writing ----------------------------------------------------------------------


def _write_statements(statements: list[Statement], area_ids: dict[str, int]) -> None:
    objects = [
        CapabilityStatement(
            text=statement.text,
            area_id=area_ids[statement.area_code],
            source_kind=statement.kind,
            source_ref=statement.ref,
            placement=statement.placement,
            placement_score=statement.score,
        )
        for statement in statements
    ]
    CapabilityStatement.objects.bulk_create(
        objects,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["source_kind", "source_ref"],
        update_fields=["text", "area", "placement", "placement_score"],
    )


def _write_occupations(occupations: list[Occupation]) -> int:
    ReferenceOccupation.objects.bulk_create(
        [
            ReferenceOccupation(
                source=occupation.source,
                code=occupation.code,
                title=occupation.title,
                description=occupation.description,
            )
            for occupation in occupations
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["source", "code"],
        update_fields=["title", "description"],
    )
    occupation_ids = dict(
        ((source, code), pk)
        for source, code, pk in ReferenceOccupation.objects.values_list(
            "source", "code", "id"
        )
    )
    statement_ids = dict(
        ((kind, ref), pk)
        for kind, ref, pk in CapabilityStatement.objects.values_list(
            "source_kind", "source_ref", "id"
        )
    )
    link = ReferenceOccupation.statements.through
    links = [
        link(
            referenceoccupation_id=occupation_ids[(occupation.source, occupation.code)],
            capabilitystatement_id=statement_ids[ref],
        )
        for occupation in occupations
        for ref in occupation.statement_refs
        if ref in statement_ids
    ]
    link.objects.bulk_create(links, batch_size=BATCH * 5, ignore_conflicts=True)
    return len(links)


def import_library(
    data_dir: Path, area_dwas: dict[str, list[str]], progress: Progress = lambda _: None
) -> dict[str, int]:
    """Read, place and store the library; returns counts by source.

    `area_dwas` maps each functional-area code to its DWA ids (the classification
    file). The areas must already be in the database.
    """
    area_ids = dict(FunctionalArea.objects.values_list("code", "id"))
    unknown = sorted(set(area_dwas) - set(area_ids))
    if not area_ids or unknown:
        raise LibraryImportError(
            "The classification is not loaded (or is older than its file): "
            "run manage.py import_classification first."
        )
    dwa_area = {dwa: code for code, dwas in area_dwas.items() for dwa in dwas}

    progress("Reading O*NET, ESCO and the current IfATE duties")
    dwa_titles = read_dwa_titles(data_dir)
    onet_statements, onet_occupations = read_onet(data_dir, dwa_area)
    esco_statements, esco_occupations = read_esco(data_dir)
    duty_statements = current_duties()
    statements = onet_statements + duty_statements + esco_statements

    unplaced = [
        statement.text for statement in statements if statement.area_code is None
    ]
    progress(f"Placing {len(unplaced):,} statements by nearest meaning")
    embeddings.embed_missing(
        [*dwa_titles.values(), *unplaced],
        progress=lambda done, total: progress(
            f"  embedded {done:,} of {total:,} texts"
        ),
    )
    codes, centroids = area_centroids(area_dwas, dwa_titles)
    place_by_meaning(statements, codes, centroids)

    progress(f"Writing {len(statements):,} statements and their occupations")
    with transaction.atomic():
        _write_statements(statements, area_ids)
        links = _write_occupations(onet_occupations + esco_occupations)

    placed = Counter(statement.placement for statement in statements)
    return {
        "onet_tasks": len(onet_statements),
        "ifate_duties": len(duty_statements),
        "esco_skills": len(esco_statements),
        "placed_by_work_activity": placed[Placement.WORK_ACTIVITY],
        "placed_by_meaning": placed[Placement.NEAREST_MEANING],
        "occupations": len(onet_occupations) + len(esco_occupations),
        "occupation_links": links,
    }
