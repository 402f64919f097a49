"""The cycle document: its marker, version, which fields of each model it carries,
and how a field's value is written to JSON and read back (and checked).

The document holds no database ids. Rows that other rows point at get a local key
("c1", "c2"… for capabilities, in id order); reference data shared by all cycles
is named by its natural key (a functional area's code, a library statement's
source kind and ref, a standard's reference and version, a duty's code within
it); people are named by e-mail. Lists follow the order the rows were created
in, so importing a document and exporting the new cycle gives the same document.

Field lists name plain (non-relation) fields only; relations are written by
export.py and read by load.py, each by its key.

Answers keep their pseudonymous respondent keys as they are: the document never
says who gave which answer.
"""

import copy
import datetime
import json

from django.core.exceptions import ValidationError
from django.db import models

FORMAT = "foresight-cycle"
VERSION = 1

NOT_INCLUDED = (
    "Not carried: invitations (invite people again), generated report versions "
    "(generate the report again), embeddings, the cycle summary and match runs' "
    "stored figures (recomputed), background jobs."
)

# Local keys: a prefix and a number, for each kind of row that others point at.
KEY_PREFIXES = {
    "partner": "p",
    "role level": "r",
    "capability": "c",
    "workshop": "w",
    "proposal": "q",
    "profile": "f",
    "change": "x",
}
# Iteration.parameters name rows by id (profiles.generation records the workshop
# it read, profiles.refinement the changes it applied or refused); the document
# names them by local key instead. An id of a row outside the cycle becomes null.
PARAMETER_KEYS = {
    "workshop": "workshop",
    "applied": "change",
    "rejected": "change",
    "could_not_apply": "change",
}

CYCLE_FIELDS = [
    "title",
    "is_demo",
    "challenge",
    "challenge_response",
    "working_scenario",
    "sponsor",
    "start_date",
    "end_date",
    "report_date",
    "recommendations",
    "stage",
    "min_panel_size",
    "agreement_threshold",
    "iqr_limit",
    "stability_limit",
    "created_at",
]
PERSON_FIELDS = ["first_name", "last_name"]
SCALE_FIELDS = ["value", "label", "description"]
SOLUTION_FIELDS = ["name", "description", "prioritised"]
PARTNER_FIELDS = ["name", "description"]
ROLE_LEVEL_FIELDS = ["name", "min_academic_level", "max_academic_level"]
STAGE_CHANGE_FIELDS = ["from_stage", "to_stage", "changed_at", "reason"]
MEMBER_FIELDS = ["role", "created_at"]
CAPABILITY_FIELDS = ["text", "origin", "ref", "source"]

WORKSHOP_FIELDS = ["kind", "title", "starts_at", "ends_at", "is_demo", "created_at"]
PANELLIST_FIELDS = ["group", "invited_at", "reminded_at"]
ROUND_FIELDS = ["number", "status", "opened_at", "closed_at", "computed_at"]
CONSENSUS_FIELDS = [
    "n",
    "skipped",
    "counts",
    "median",
    "iqr",
    "agreement",
    "reached",
    "proficiency",
    "changed_share",
    "stable",
]
# Limitation: a respondent key is a keyed hash of the source installation's
# SECRET_KEY, workshop (or iteration) id and user id, so in the new installation it
# no longer matches workshops.anonymity.respondent_for: panellists do not see
# their own earlier answers there, the console counts no progress for them, and
# an answer in a round left open is stored under a new key. Re-keying would need
# the file to say who answered what, which the Delphi method forbids.
RATING_FIELDS = ["respondent", "group", "value", "rationale", "updated_at"]
PROPOSAL_FIELDS = ["respondent", "text", "origin", "duplicate_score", "created_at"]
PROPOSAL_VOTE_FIELDS = ["respondent", "vote", "rationale"]
KSB_TAG_FIELDS = ["kind", "text", "tools", "created_at"]
KSB_CONTRIBUTION_FIELDS = ["respondent", "text"]

ITERATION_FIELDS = ["number", "name", "is_final", "created_at", "parameters"]
PROFILE_FIELDS = ["title", "notes", "title_suggestions"]
ENTRY_FIELDS = ["proficiency", "explanation"]
CHANGE_FIELDS = [
    "kind",
    "proficiency",
    "new_title",
    "rationale",
    "proposed_at",
    "status",
]
CHANGE_VOTE_FIELDS = ["respondent", "accept", "rationale"]

RUN_FIELDS = [
    "engine",
    "model",
    "threshold",
    "use_judge",
    "judge_model",
    "judge_low",
    "judge_high",
    "high_fit",
    "high_surplus",
    "some_fit",
    "data_date",
    "status",
    "stage",
    "batches_total",
    "batches_done",
    "failure",
    "launched_at",
    "started_at",
    "finished_at",
    "progressed_at",
]
MATCH_FIELDS = ["score", "rank", "verdict", "verdict_rationale"]
DECISION_FIELDS = ["decision", "comment", "decided_at"]
THRESHOLD_CHANGE_FIELDS = ["old", "new", "changed_at"]
CURRENT_STANDARD_FIELDS = ["marked_at"]
CURRENT_STANDARD_CHANGE_FIELDS = ["action", "changed_at"]
ACTION_FIELDS = [
    "topic",
    "action",
    "who",
    "due",
    "horizon",
    "expected_result",
    "status",
    "owner",
    "comments",
    "created_at",
    "updated_at",
]

# What the document carries of each model that hangs off a cycle, and what it
# leaves out on purpose (tests check that no model or field is forgotten).
FIELDS = {
    "foresight.Cycle": CYCLE_FIELDS,
    "foresight.ProficiencyLevel": SCALE_FIELDS,
    "foresight.TechnologySolution": SOLUTION_FIELDS,
    "foresight.SupplyChainPartner": PARTNER_FIELDS,
    "foresight.RoleLevel": ROLE_LEVEL_FIELDS,
    "foresight.StageChange": STAGE_CHANGE_FIELDS,
    "foresight.Membership": MEMBER_FIELDS,
    "foresight.CycleCapability": CAPABILITY_FIELDS,
    "workshops.Workshop": WORKSHOP_FIELDS,
    "workshops.Panellist": PANELLIST_FIELDS,
    "workshops.Round": ROUND_FIELDS,
    "workshops.RoundItem": [],
    "workshops.ItemConsensus": CONSENSUS_FIELDS,
    "workshops.Rating": RATING_FIELDS,
    "workshops.Proposal": PROPOSAL_FIELDS,
    "workshops.ProposalVote": PROPOSAL_VOTE_FIELDS,
    "workshops.KsbTag": KSB_TAG_FIELDS,
    "workshops.KsbContribution": KSB_CONTRIBUTION_FIELDS,
    "profiles.Iteration": ITERATION_FIELDS,
    "profiles.Profile": PROFILE_FIELDS,
    "profiles.ProfileCapability": ENTRY_FIELDS,
    "profiles.ProfileChange": CHANGE_FIELDS,
    "profiles.ChangeVote": CHANGE_VOTE_FIELDS,
    "analysis.MatchRun": RUN_FIELDS,
    "analysis.Match": MATCH_FIELDS,
    "analysis.ReviewDecision": DECISION_FIELDS,
    "analysis.ThresholdChange": THRESHOLD_CHANGE_FIELDS,
    "insights.CurrentStandard": CURRENT_STANDARD_FIELDS,
    "insights.CurrentStandardChange": CURRENT_STANDARD_CHANGE_FIELDS,
    "reports.Action": ACTION_FIELDS,
}
LEFT_OUT = {
    "foresight.Invitation",
    "foresight.CycleSummary",
    "reports.Report",
    "analysis.RunFigures",
}
# Plain fields left out: a run's flag that a refresh of its figures is queued
# belongs to this installation's task queue.
LEFT_OUT_FIELDS = {"analysis.MatchRun": ["figures_queued"]}


class TransferError(Exception):
    """A cycle that cannot be exported, or a document that cannot be imported;
    the message is one line."""


def to_json(field: models.Field, value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def values_of(instance: models.Model, names: list[str]) -> dict:
    meta = instance._meta
    return {
        name: to_json(meta.get_field(name), getattr(instance, name)) for name in names
    }


def _type_name(value) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), "a number"
    )


def from_json(field: models.Field, value, path: str):
    """`value` read back into `field`'s Python type, checked against the field's
    type, length, choices and validators; TransferError naming `path` if not."""
    if value is None:
        if field.null:
            return None
        raise TransferError(f"{path}: must not be null.")

    kind = field.get_internal_type()
    if kind in ("CharField", "TextField", "SlugField", "EmailField"):
        value = _checked_text(field, value, path)
    elif kind == "BooleanField":
        if not isinstance(value, bool):
            raise TransferError(
                f"{path}: expected true or false, not {_type_name(value)}."
            )
    elif kind.endswith("IntegerField"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TransferError(
                f"{path}: expected a whole number, not {_type_name(value)}."
            )
        if kind.startswith("Positive") and value < 0:
            raise TransferError(f"{path}: must not be negative.")
    elif kind == "FloatField":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TransferError(f"{path}: expected a number, not {_type_name(value)}.")
        value = float(value)
    elif kind in ("DateField", "DateTimeField"):
        value = _checked_moment(kind, value, path)
    elif kind == "JSONField":
        expected = type(field.default()) if callable(field.default) else object
        if not isinstance(value, expected):
            raise TransferError(f"{path}: expected {_type_name(expected())}.")
        # A copy: the import fills ids into it, and the caller keeps its document.
        value = copy.deepcopy(value)

    try:
        field.run_validators(value)
    except ValidationError as error:
        raise TransferError(f"{path}: {' '.join(error.messages)}") from None
    return value


def _checked_text(field: models.Field, value, path: str) -> str:
    if not isinstance(value, str):
        raise TransferError(f"{path}: expected a string, not {_type_name(value)}.")
    if not value and not field.blank:
        raise TransferError(f"{path}: must not be empty.")
    if field.max_length and len(value) > field.max_length:
        raise TransferError(f"{path}: longer than {field.max_length} characters.")
    if field.choices and value and value not in {key for key, _ in field.flatchoices}:
        raise TransferError(f"{path}: {value!r} is not one of the allowed values.")
    return value


def _checked_moment(kind: str, value, path: str):
    if not isinstance(value, str):
        raise TransferError(
            f"{path}: expected an ISO 8601 date, not {_type_name(value)}."
        )
    try:
        if kind == "DateField":
            return datetime.date.fromisoformat(value)
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise TransferError(f"{path}: {value!r} is not an ISO 8601 date.") from None
    if moment.tzinfo is None:
        raise TransferError(f"{path}: {value!r} has no time zone.")
    return moment


class Record:
    """One JSON object of the document, read with checks: every method raises
    TransferError naming the path of the offending value."""

    def __init__(self, data, path: str):
        if not isinstance(data, dict):
            raise TransferError(f"{path}: expected an object, not {_type_name(data)}.")
        self.data, self.path = data, path

    def raw(self, key: str):
        if key not in self.data:
            raise TransferError(f"{self.path}: the key {key!r} is missing.")
        return self.data[key]

    def records(self, key: str) -> list["Record"]:
        return [
            Record(item, f"{self.path}.{key}[{index}]")
            for index, item in enumerate(self._list(key))
        ]

    def record(self, key: str) -> "Record | None":
        value = self.raw(key)
        return None if value is None else Record(value, f"{self.path}.{key}")

    def text(self, key: str, *, null: bool = False) -> str | None:
        value = self.raw(key)
        if value is None and null:
            return None
        if not isinstance(value, str) or not value:
            raise TransferError(f"{self.path}.{key}: expected a non-empty string.")
        return value

    def texts(self, key: str) -> list[str]:
        values = self._list(key)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise TransferError(f"{self.path}.{key}[{index}]: expected a string.")
        return values

    def fields(self, model: type[models.Model], names: list[str]) -> dict:
        """The named plain fields of `model`, checked and converted."""
        meta = model._meta
        return {
            name: from_json(meta.get_field(name), self.raw(name), f"{self.path}.{name}")
            for name in names
        }

    def _list(self, key: str) -> list:
        value = self.raw(key)
        if not isinstance(value, list):
            raise TransferError(
                f"{self.path}.{key}: expected a list, not {_type_name(value)}."
            )
        return value


def dumps(document: dict) -> str:
    """The document as text: sorted keys, so one cycle always reads the same."""
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
