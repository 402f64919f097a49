"""The cycle document: its marker, version, and which fields of each model it
carries (values.py says how a field's value is written to JSON and read back).

The document holds no database ids. Rows that other rows point at get a local key
("c1", "c2"… for capabilities, in id order); reference data shared by all cycles
is named by its natural key (a functional area's code, a library statement's
source kind and ref, a standard's reference and version, a duty's code within
it); people are named by e-mail. Lists follow the order the rows were created
in, so importing a document and exporting the new cycle gives the same document.

Field lists name plain (non-relation) fields only; relations are written and
read by the section modules (section_*.py), each by its key.

Answers keep their pseudonymous respondent keys as they are: the document never
says who gave which answer.
"""

import json

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


def dumps(document: dict) -> str:
    """The document as text: sorted keys, so one cycle always reads the same."""
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
