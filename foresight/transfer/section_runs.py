"""The document's match runs (their standards, matches with reviewers' decisions,
threshold changes), the standards marked as used today, and the actions."""

from django.db.models import F

from analysis.models import Duty, Match, MatchRun, ReviewDecision, ThresholdChange
from foresight.models import Cycle
from foresight.transfer import schema
from foresight.transfer.naming import People, grouped, linked
from foresight.transfer.reader import Reader
from foresight.transfer.schema import TransferError
from foresight.transfer.values import Record, values_of
from insights.models import CurrentStandard, CurrentStandardChange
from reports.models import Action

# The rows the section creates, parents before children: write.py saves them
# in this order.
MODELS = [
    MatchRun,
    Match,
    ReviewDecision,
    ThresholdChange,
    CurrentStandard,
    CurrentStandardChange,
    Action,
]

# --- Export ---------------------------------------------------------------------


def export(cycle: Cycle, people: People, keys: dict) -> dict:
    return {
        "match_runs": _match_runs(cycle, people, keys),
        "current_standards": _marks(CurrentStandard, "marked_by", cycle, people),
        "current_standard_changes": _marks(
            CurrentStandardChange, "changed_by", cycle, people
        ),
        "actions": _actions(cycle, keys),
    }


def _match_runs(cycle: Cycle, people: People, keys: dict) -> list[dict]:
    runs = list(
        MatchRun.objects.filter(cycle=cycle)
        .select_related("framework", "launched_by")
        .order_by("pk")
    )
    versions = MatchRun.versions.through.objects.filter(matchrun__in=runs)
    versions = grouped(
        (row["matchrun_id"], {"standard": row["reference"], "version": row["version"]})
        for row in versions.order_by("pk").values(
            "matchrun_id",
            reference=F("standardversion__standard__reference"),
            version=F("standardversion__version"),
        )
    )
    matches = _matches(runs, people, keys)
    changes = ThresholdChange.objects.filter(run__in=runs).select_related("changed_by")
    changes = grouped(
        (
            change.run_id,
            {
                **values_of(change, schema.THRESHOLD_CHANGE_FIELDS),
                "changed_by": people.email(change.changed_by),
            },
        )
        for change in changes.order_by("pk")
    )
    return [
        {
            **values_of(run, schema.RUN_FIELDS),
            "framework": run.framework.slug,
            "versions": versions.get(run.pk, []),
            "launched_by": people.email(run.launched_by),
            "matches": matches.get(run.pk, []),
            "threshold_changes": changes.get(run.pk, []),
        }
        for run in runs
    ]


def _matches(runs: list[MatchRun], people: People, keys: dict) -> dict[int, list]:
    matches = list(Match.objects.filter(run__in=runs).order_by("pk"))
    duties = Duty.objects.filter(pk__in={match.duty_id for match in matches})
    duties = {
        row["pk"]: {
            "standard": row["version__standard__reference"],
            "version": row["version__version"],
            "code": row["code"],
        }
        for row in duties.values(
            "pk", "code", "version__version", "version__standard__reference"
        )
    }
    decisions = ReviewDecision.objects.filter(match__run__in=runs).select_related(
        "reviewer"
    )
    decisions = grouped(
        (
            decision.match_id,
            {
                **values_of(decision, schema.DECISION_FIELDS),
                "reviewer": people.email(decision.reviewer),
            },
        )
        for decision in decisions.order_by("pk")
    )
    return grouped(
        (
            match.run_id,
            {
                **values_of(match, schema.MATCH_FIELDS),
                "capability": keys["capability"][match.capability_id],
                "duty": duties[match.duty_id],
                "decisions": decisions.get(match.pk, []),
            },
        )
        for match in matches
    )


def _marks(model, person: str, cycle: Cycle, people: People) -> list[dict]:
    """The standards marked as used today (CurrentStandard) or the log of marks
    (CurrentStandardChange), each with the person who made it."""
    rows = model.objects.filter(cycle=cycle).select_related(
        "standard__framework", person
    )
    return [
        {
            **values_of(row, schema.FIELDS[model._meta.label]),
            "framework": row.standard.framework.slug,
            "standard": row.standard.reference,
            person: people.email(getattr(row, person)),
        }
        for row in rows.order_by("pk")
    ]


def _actions(cycle: Cycle, keys: dict) -> list[dict]:
    actions = list(Action.objects.filter(cycle=cycle).order_by("pk"))
    profiles = linked(
        Action.profiles.through, "action", "profile", actions, keys["profile"]
    )
    capabilities = linked(
        Action.capabilities.through,
        "action",
        "cyclecapability",
        actions,
        keys["capability"],
    )
    return [
        {
            **values_of(action, schema.ACTION_FIELDS),
            "profiles": profiles.get(action.pk, []),
            "capabilities": capabilities.get(action.pk, []),
        }
        for action in actions
    ]


# --- Import ---------------------------------------------------------------------


def read(reader: Reader, root: Record) -> None:
    for run in root.records("match_runs"):
        _read_run(reader, run)
    _read_current_standards(reader, root)
    for record in root.records("actions"):
        action = reader.add(Action, record, schema.ACTION_FIELDS, cycle=reader.cycle)
        reader.link(action, "profiles", record, "profile")
        reader.link(action, "capabilities", record, "capability")


def _read_run(reader: Reader, record: Record) -> None:
    run = reader.add(MatchRun, record, schema.RUN_FIELDS, cycle=reader.cycle)
    framework = record.text("framework")
    reader.framework_refs.append((run, "framework_id", framework))
    reader.user(run, "launched_by_id", record, "launched_by")
    for version in record.records("versions"):
        natural = (framework, version.text("standard"), version.text("version"))
        reader.version_refs.append((run, "versions", natural))

    for match_record in record.records("matches"):
        _read_match(reader, run, framework, match_record)

    for change in record.records("threshold_changes"):
        row = reader.add(
            ThresholdChange, change, schema.THRESHOLD_CHANGE_FIELDS, run=run
        )
        reader.user(row, "changed_by_id", change, "changed_by", null=False)


def _read_match(reader: Reader, run: MatchRun, framework: str, record: Record):
    match = reader.add(
        Match,
        record,
        schema.MATCH_FIELDS,
        run=run,
        capability=reader.ref(record, "capability", "capability"),
    )
    duty = record.record("duty")
    if duty is None:
        raise TransferError(f"{record.path}.duty: must not be null.")
    natural = (
        framework,
        duty.text("standard"),
        duty.text("version"),
        duty.text("code"),
    )
    reader.duty_refs.append((match, "duty_id", natural))
    for decision in record.records("decisions"):
        row = reader.add(ReviewDecision, decision, schema.DECISION_FIELDS, match=match)
        reader.user(row, "reviewer_id", decision, "reviewer", null=False)


def _read_current_standards(reader: Reader, root: Record) -> None:
    for marked in root.records("current_standards"):
        row = reader.add(
            CurrentStandard,
            marked,
            schema.CURRENT_STANDARD_FIELDS,
            cycle=reader.cycle,
        )
        _standard(reader, row, marked)
        reader.user(row, "marked_by_id", marked, "marked_by")
    for change in root.records("current_standard_changes"):
        row = reader.add(
            CurrentStandardChange,
            change,
            schema.CURRENT_STANDARD_CHANGE_FIELDS,
            cycle=reader.cycle,
        )
        _standard(reader, row, change)
        reader.user(row, "changed_by_id", change, "changed_by", null=False)


def _standard(reader: Reader, row, record: Record) -> None:
    natural = (record.text("framework"), record.text("standard"))
    reader.standard_refs.append((row, "standard_id", natural))
