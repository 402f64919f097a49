"""The demonstration cycle: the 2024 Cell and Gene Therapy reference cycle.

Everything here is labelled as demonstration data (Cycle.is_demo) and is created
with get-or-create steps, so loading twice changes nothing.
"""

import csv
import datetime
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from foresight.models import (
    CapabilityOrigin,
    CapabilityStatement,
    Cycle,
    CycleCapability,
    FunctionalArea,
    Membership,
    Organisation,
    Role,
    RoleLevel,
    SourceKind,
    Stage,
    SupplyChainPartner,
    TechnologySolution,
)
from foresight.tasks import refresh_cycle_summary

DEMO_PASSWORD = "foresight-demo"
DEMO_DOMAIN = "demo.foresight.example"
TITLE = (
    "Digitalisation & Automation for Cell and Gene Therapy at established "
    "manufacturing centres to increase production capacity for known health demands"
)
CHALLENGE = (
    "In 2021 about 4,000 CAR-T doses were manufactured for over 500,000 eligible "
    "patients, a number expected to reach two million by 2029. The UK cell and gene "
    "therapy workforce was 6,232 in 2023 and is expected to reach 10,161 by 2028. "
    "Established manufacturing centres must increase production capacity to meet "
    "these known health demands."
)
CHALLENGE_RESPONSE = (
    "Digitalisation and automation of cell and gene therapy manufacturing at "
    "established centres."
)
SOLUTIONS = [
    ("Robotic platforms", True),
    ("Digital twins", True),
    ("Federated database system", False),
    ("Supply-chain improvements", True),
    ("Reduced energy use", False),
]
PARTNERS = [
    "Automation Equipment Suppliers",
    "Automation Technology Integrators/consultants",
    "C&G Manufacturer",
    "Point of care partners",
    "Quality and regulatory",
]
# Limitation: the reference cycle does not publish the academic range of each role
# level; these ranges are our reading of the role names.
ROLE_LEVELS = [
    ("C&G Apprentices and Technician", 2, 4),
    ("C&G Scientists", 5, 6),
    ("C&G Senior Scientists / Lead", 6, 7),
    ("C&G Senior Manager / Manager", 6, 7),
]
PANELLISTS = [
    ("facilitator", Role.FACILITATOR, 1),
    ("technologist", Role.TECHNOLOGIST, 3),
    ("employer", Role.EMPLOYER, 8),
    ("educator", Role.EDUCATOR, 3),
    ("reviewer", Role.REVIEWER, 1),
    ("reader", Role.READER, 1),
]
ORIGINS = {
    "adopted": CapabilityOrigin.ADOPTED,
    "selected": CapabilityOrigin.SELECTED,
    "newly defined": CapabilityOrigin.NEWLY_DEFINED,
}


class DemoDataError(Exception):
    pass


Progress = Callable[[str], None]


def ensure_reference_data(progress: Progress, *, with_library: bool = True) -> None:
    """Import the classification, and (unless told not to) the IfATE standards and the
    library, each only when it is missing. The library import embeds about 20,000
    texts: minutes on two cores, once."""
    from analysis.ifate import default_export_path, import_ifate
    from analysis.models import StandardVersion
    from foresight.classification import import_classification, load_classification_file
    from foresight.library import import_library
    from foresight.management.commands.import_library import default_classification_path

    classification = load_classification_file(default_classification_path())
    if not FunctionalArea.objects.exists():
        progress("Importing the capability classification")
        import_classification(classification)
    if not with_library:
        return
    if not StandardVersion.objects.exists():
        progress("Importing the IfATE apprenticeship standards (about a minute)")
        import_ifate(default_export_path())
    if not CapabilityStatement.objects.exists():
        progress(
            "Importing the capability library (a few minutes: it embeds ~20,000 texts)"
        )
        area_dwas = {area["code"]: area["dwas"] for area in classification["areas"]}
        import_library(Path(settings.REFERENCE_DATA_DIR), area_dwas, progress=progress)


def library_statement(source: str) -> CapabilityStatement | None:
    """The library statement a demo capability's source names, when it is loaded:
    "O*NET task 888" or "IfATE ST0759 duty D10"."""
    words = source.split()
    if source.startswith("O*NET task ") and len(words) == 3:
        found = CapabilityStatement.objects.filter(
            source_kind=SourceKind.ONET_TASK, source_ref=words[2]
        )
        return found.first()
    if source.startswith("IfATE ") and len(words) == 4:
        found = CapabilityStatement.objects.filter(
            source_kind=SourceKind.IFATE_DUTY,
            source_ref__startswith=f"{words[1]} v",
            source_ref__endswith=f" {words[3]}",
        )
        return found.first()
    return None


def demo_capabilities_path() -> Path:
    return Path(settings.REFERENCE_DATA_DIR) / "demo" / "capabilities.csv"


def read_demo_capabilities(path: Path) -> list[dict]:
    if not path.exists():
        raise DemoDataError(
            f"{path}: file not found (set REFERENCE_DATA_DIR to the shared data folder)."
        )
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    for number, row in enumerate(rows, start=2):
        if row.get("origin") not in ORIGINS or not row.get("statement"):
            raise DemoDataError(
                f"{path}: line {number} has no statement or a bad origin."
            )
    return rows


def _user(local_part: str, name: str, *, staff: bool = False):
    email = f"{local_part}@{DEMO_DOMAIN}"
    user, created = get_user_model().objects.get_or_create(
        username=email,
        defaults={
            "email": email,
            "first_name": name,
            "is_staff": staff,
            "is_superuser": staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def load_demo(
    progress: Progress = lambda _: None, *, with_library: bool = True
) -> tuple[Cycle, bool]:
    """Create the demonstration cycle if it is missing, after the reference data it
    stands on. Returns (cycle, created)."""
    rows = read_demo_capabilities(demo_capabilities_path())
    from analysis.demo import add_demo_match_run
    from insights.demo import load as mark_demo_current_standards
    from profiles.demo import add_demo_profiles
    from reports.demo import load as add_demo_actions
    from workshops.demo import add_demo_workshops

    ensure_reference_data(progress, with_library=with_library)
    cycle, created = _load_cycle(rows)
    add_demo_workshops(cycle, progress)
    add_demo_profiles(cycle, progress)
    add_demo_match_run(cycle, progress)
    convener = cycle.memberships.filter(role=Role.CONVENER).first().user
    mark_demo_current_standards(cycle, convener)
    add_demo_actions(cycle, convener)
    add_demo_report(cycle, convener, progress)
    if cycle.stage == Stage.CARRY_OUT:
        # Its findings are published: readers see the insights and the report.
        cycle.change_stage(Stage.COMMUNICATE, convener)
    return cycle, created


def add_demo_report(cycle: Cycle, convener, progress: Progress) -> None:
    """The first version of the findings report, once, in this process."""
    from reports.generation import request_report
    from reports.tasks import generate_report

    if cycle.reports.exists():
        return
    progress("Generating the findings report (a few seconds)")
    generate_report(request_report(cycle, convener).pk)


@transaction.atomic
def _load_cycle(rows: list[dict]) -> tuple[Cycle, bool]:
    catapult, _ = Organisation.objects.get_or_create(
        name="Cell and Gene Therapy Catapult"
    )
    convener = _user("convener", "Demo Convener", staff=True)

    # The first demonstration cycle is the one loaded here; a copy brought in
    # by import_cycle keeps the title and the label, and is left alone.
    cycle = Cycle.objects.filter(title=TITLE, is_demo=True).order_by("pk").first()
    created = cycle is None
    if created:
        cycle = Cycle.objects.create(
            title=TITLE,
            is_demo=True,
            challenge=CHALLENGE,
            challenge_response=CHALLENGE_RESPONSE,
            working_scenario=(
                "By 2029 established UK centres run automated, digitally monitored "
                "cell and gene therapy production lines at several times today's capacity."
            ),
            sponsor="BioIndustry Association",
            convener_organisation=catapult,
            start_date=datetime.date(2024, 7, 1),
            end_date=datetime.date(2024, 10, 31),
            report_date=datetime.date(2025, 2, 28),
            created_by=convener,
        )

    Membership.objects.get_or_create(
        user=convener,
        cycle=cycle,
        role=Role.CONVENER,
        defaults={"organisation": catapult},
    )
    for prefix, role, count in PANELLISTS:
        for number in range(1, count + 1):
            user = _user(f"{prefix}{number}", f"Demo {role.label} {number}")
            Membership.objects.get_or_create(user=user, cycle=cycle, role=role)

    for name, prioritised in SOLUTIONS:
        TechnologySolution.objects.get_or_create(
            cycle=cycle, name=name, defaults={"prioritised": prioritised}
        )
    for name in PARTNERS:
        SupplyChainPartner.objects.get_or_create(cycle=cycle, name=name)
    for name, low, high in ROLE_LEVELS:
        RoleLevel.objects.get_or_create(
            cycle=cycle,
            name=name,
            defaults={"min_academic_level": low, "max_academic_level": high},
        )
    areas = dict(FunctionalArea.objects.values_list("name", "id"))
    for row in rows:
        capability, _ = CycleCapability.objects.get_or_create(
            cycle=cycle,
            text=row["statement"].strip(),
            defaults={
                "origin": ORIGINS[row["origin"]],
                "ref": row["ref"].strip(),
                "source": row["source"].strip(),
            },
        )
        # Place it (and link its library statement) once the reference data is in.
        area_id = areas.get(row["functional_area"].strip())
        statement = library_statement(capability.source)
        if area_id and not capability.area_id:
            capability.area_id = area_id
            capability.save(update_fields=["area"])
        if statement and not capability.statement_id:
            capability.statement = statement
            capability.save(update_fields=["statement"])

    if created:
        # The reference cycle ran its workshops: walk the stages as its convener did.
        for stage in (Stage.IDENTIFY, Stage.PREPARE, Stage.CARRY_OUT):
            cycle.change_stage(stage, convener)
        transaction.on_commit(lambda: refresh_cycle_summary.delay(cycle.pk))
    return cycle, created
