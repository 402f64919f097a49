"""Writing a cycle as a document (see schema.py for its rules).

One query per kind of row (related rows joined in), grouped in Python, so the
demonstration cycle exports in about a second.
"""

from collections import defaultdict

from django.db.models import F

from analysis.models import Duty, Match, MatchRun, ReviewDecision, ThresholdChange
from foresight.models import (
    Cycle,
    CycleCapability,
    Membership,
    StageChange,
)
from foresight.transfer import schema
from foresight.transfer.schema import TransferError, values_of
from insights.models import CurrentStandard, CurrentStandardChange
from profiles.models import (
    ChangeVote,
    Iteration,
    Profile,
    ProfileCapability,
    ProfileChange,
)
from reports.models import Action
from workshops.models import (
    ItemConsensus,
    KsbContribution,
    KsbTag,
    Panellist,
    Proposal,
    ProposalVote,
    Rating,
    Round,
    RoundItem,
    Workshop,
)


class _People:
    """The people a document names, by lower-case e-mail."""

    def __init__(self):
        self.found: dict[str, object] = {}

    def email(self, user) -> str | None:
        if user is None:
            return None
        email = user.email.strip().lower()
        if not email:
            raise TransferError(
                f"User {user.get_username()!r} has no e-mail address, so the cycle "
                "cannot name them: give them one and export again."
            )
        other = self.found.setdefault(email, user)
        if other.pk != user.pk:
            raise TransferError(
                f"Users {other.get_username()!r} and {user.get_username()!r} share "
                f"the e-mail address {email}, so the cycle cannot tell them apart."
            )
        return email

    def listed(self) -> list[dict]:
        return [
            {"email": email, **values_of(user, schema.PERSON_FIELDS)}
            for email, user in sorted(self.found.items())
        ]


def _keys(prefix: str, rows) -> dict[int, str]:
    """Local keys for `rows` (a queryset), numbered in id order."""
    ids = rows.order_by("pk").values_list("pk", flat=True)
    return {pk: f"{prefix}{number}" for number, pk in enumerate(ids, start=1)}


def _grouped(pairs) -> dict[int, list]:
    groups = defaultdict(list)
    for parent, child in pairs:
        groups[parent].append(child)
    return groups


def _linked(through, owner: str, other: str, owners: list, keys: dict[int, str]):
    """Many-to-many links of `owners` (ids or rows) as {owner id: [the other side's
    local keys, in key order]}."""
    rows = through.objects.filter(**{f"{owner}__in": owners}).values_list(
        f"{owner}_id", f"{other}_id"
    )
    groups = _grouped(rows.order_by(f"{owner}_id", f"{other}_id"))
    return {pk: [keys[other_id] for other_id in ids] for pk, ids in groups.items()}


def export_cycle(cycle: Cycle) -> dict:
    """The whole cycle as a JSON-ready dict, free of database ids."""
    cycle = Cycle.objects.select_related("convener_organisation", "created_by").get(
        pk=cycle.pk
    )
    people = _People()
    owned = {
        "partner": cycle.partners,
        "role level": cycle.role_levels,
        "capability": cycle.capabilities,
        "workshop": cycle.workshops,
        "proposal": Proposal.objects.filter(workshop__cycle=cycle),
        "profile": Profile.objects.filter(iteration__cycle=cycle),
        "change": ProfileChange.objects.filter(iteration__cycle=cycle),
    }
    keys = {
        kind: _keys(schema.KEY_PREFIXES[kind], rows) for kind, rows in owned.items()
    }

    document = {
        "format": schema.FORMAT,
        "version": schema.VERSION,
        "not_included": schema.NOT_INCLUDED,
        **_set_up(cycle, people, keys),
        "workshops": _workshops(cycle, people, keys),
        "ksb_tags": _ksb_tags(cycle, keys),
        "iterations": _iterations(cycle, people, keys),
        "match_runs": _match_runs(cycle, people, keys),
        "current_standards": _current_standards(cycle, people),
        "current_standard_changes": _current_standard_changes(cycle, people),
        "actions": _actions(cycle, keys),
    }
    document["people"] = people.listed()
    return document


def _set_up(cycle: Cycle, people: _People, keys: dict) -> dict:
    organisation = cycle.convener_organisation
    stage_changes = StageChange.objects.filter(cycle=cycle).select_related("changed_by")
    members = Membership.objects.filter(cycle=cycle).select_related(
        "user", "organisation"
    )
    capabilities = CycleCapability.objects.filter(cycle=cycle).select_related(
        "statement", "area"
    )
    capability_partners = _linked(
        CycleCapability.partners.through,
        "cyclecapability",
        "supplychainpartner",
        list(keys["capability"]),
        keys["partner"],
    )
    return {
        "cycle": {
            **values_of(cycle, schema.CYCLE_FIELDS),
            "convener_organisation": organisation.name if organisation else None,
            "created_by": people.email(cycle.created_by),
        },
        "scale": [
            values_of(level, schema.SCALE_FIELDS)
            for level in cycle.scale.order_by("value")
        ],
        "solutions": [
            values_of(solution, schema.SOLUTION_FIELDS)
            for solution in cycle.solutions.order_by("pk")
        ],
        "partners": [
            {"key": keys["partner"][p.pk], **values_of(p, schema.PARTNER_FIELDS)}
            for p in cycle.partners.order_by("pk")
        ],
        "role_levels": [
            {"key": keys["role level"][r.pk], **values_of(r, schema.ROLE_LEVEL_FIELDS)}
            for r in cycle.role_levels.order_by("pk")
        ],
        "stage_changes": [
            {
                **values_of(change, schema.STAGE_CHANGE_FIELDS),
                "changed_by": people.email(change.changed_by),
            }
            for change in stage_changes.order_by("pk")
        ],
        "members": [
            {
                **values_of(member, schema.MEMBER_FIELDS),
                "email": people.email(member.user),
                "organisation": member.organisation.name
                if member.organisation
                else None,
            }
            for member in members.order_by("pk")
        ],
        "capabilities": [
            {
                "key": keys["capability"][capability.pk],
                **values_of(capability, schema.CAPABILITY_FIELDS),
                "statement": _statement(capability.statement),
                "area": capability.area.code if capability.area else None,
                "partners": capability_partners.get(capability.pk, []),
            }
            for capability in capabilities.order_by("pk")
        ],
    }


def _statement(statement) -> dict | None:
    if statement is None:
        return None
    return {"source_kind": statement.source_kind, "source_ref": statement.source_ref}


def _workshops(cycle: Cycle, people: _People, keys: dict) -> list[dict]:
    panellists = Panellist.objects.filter(workshop__cycle=cycle).select_related("user")
    panellists = _grouped(
        (
            panellist.workshop_id,
            {
                **values_of(panellist, schema.PANELLIST_FIELDS),
                "email": people.email(panellist.user),
            },
        )
        for panellist in panellists.order_by("pk")
    )
    rounds = _rounds(cycle, people, keys)
    proposals = _proposals(cycle, keys)
    return [
        {
            "key": keys["workshop"][workshop.pk],
            **values_of(workshop, schema.WORKSHOP_FIELDS),
            "panellists": panellists.get(workshop.pk, []),
            "rounds": rounds.get(workshop.pk, []),
            "proposals": proposals.get(workshop.pk, []),
        }
        for workshop in Workshop.objects.filter(cycle=cycle).order_by("pk")
    ]


def _rounds(cycle: Cycle, people: _People, keys: dict) -> dict[int, list]:
    consensus = {
        row.item_id: values_of(row, schema.CONSENSUS_FIELDS)
        for row in ItemConsensus.objects.filter(item__round__workshop__cycle=cycle)
    }
    ratings = _grouped(
        (rating.item_id, values_of(rating, schema.RATING_FIELDS))
        for rating in Rating.objects.filter(
            item__round__workshop__cycle=cycle
        ).order_by("pk")
    )
    items = _grouped(
        (
            item.round_id,
            {
                "capability": keys["capability"][item.capability_id],
                "role_level": keys["role level"][item.role_level_id],
                "consensus": consensus.get(item.pk),
                "ratings": ratings.get(item.pk, []),
            },
        )
        for item in RoundItem.objects.filter(round__workshop__cycle=cycle).order_by(
            "pk"
        )
    )
    rounds = Round.objects.filter(workshop__cycle=cycle).select_related("closed_by")
    return _grouped(
        (
            round_.workshop_id,
            {
                **values_of(round_, schema.ROUND_FIELDS),
                "closed_by": people.email(round_.closed_by),
                "items": items.get(round_.pk, []),
            },
        )
        for round_ in rounds.order_by("pk")
    )


def _proposals(cycle: Cycle, keys: dict) -> dict[int, list]:
    proposal_keys = keys["proposal"]
    partners = _linked(
        Proposal.partners.through,
        "proposal",
        "supplychainpartner",
        list(proposal_keys),
        keys["partner"],
    )
    votes = ProposalVote.objects.filter(proposal__workshop__cycle=cycle)
    votes = _grouped(
        (
            vote.proposal_id,
            {
                **values_of(vote, schema.PROPOSAL_VOTE_FIELDS),
                "round": vote.round.number,
            },
        )
        for vote in votes.select_related("round").order_by("pk")
    )
    proposals = Proposal.objects.filter(workshop__cycle=cycle).select_related(
        "statement", "area"
    )
    return _grouped(
        (
            proposal.workshop_id,
            {
                "key": proposal_keys[proposal.pk],
                **values_of(proposal, schema.PROPOSAL_FIELDS),
                "statement": _statement(proposal.statement),
                "area": proposal.area.code if proposal.area else None,
                "partners": partners.get(proposal.pk, []),
                "duplicate_of": proposal_keys.get(proposal.duplicate_of_id),
                "promoted_to": keys["capability"].get(proposal.promoted_to_id),
                "votes": votes.get(proposal.pk, []),
            },
        )
        for proposal in proposals.order_by("pk")
    )


def _ksb_tags(cycle: Cycle, keys: dict) -> list[dict]:
    tags = list(KsbTag.objects.filter(cycle=cycle).order_by("pk"))
    capabilities = _linked(
        KsbTag.capabilities.through,
        "ksbtag",
        "cyclecapability",
        [tag.pk for tag in tags],
        keys["capability"],
    )
    contributions = _grouped(
        (
            contribution.tag_id,
            {
                **values_of(contribution, schema.KSB_CONTRIBUTION_FIELDS),
                "workshop": keys["workshop"][contribution.workshop_id],
                "capability": keys["capability"][contribution.capability_id],
            },
        )
        for contribution in KsbContribution.objects.filter(tag__cycle=cycle).order_by(
            "pk"
        )
    )
    return [
        {
            **values_of(tag, schema.KSB_TAG_FIELDS),
            "capabilities": capabilities.get(tag.pk, []),
            "contributions": contributions.get(tag.pk, []),
        }
        for tag in tags
    ]


def _iterations(cycle: Cycle, people: _People, keys: dict) -> list[dict]:
    capability_keys, profile_keys = keys["capability"], keys["profile"]
    entries = _grouped(
        (
            entry.profile_id,
            {
                **values_of(entry, schema.ENTRY_FIELDS),
                "capability": capability_keys[entry.capability_id],
            },
        )
        for entry in ProfileCapability.objects.filter(
            profile__iteration__cycle=cycle
        ).order_by("pk")
    )
    profiles = _grouped(
        (
            profile.iteration_id,
            {
                "key": profile_keys[profile.pk],
                **values_of(profile, schema.PROFILE_FIELDS),
                "role_level": keys["role level"][profile.role_level_id],
                "partner": keys["partner"].get(profile.partner_id),
                "derived_from": profile_keys.get(profile.derived_from_id),
                "entries": entries.get(profile.pk, []),
            },
        )
        for profile in Profile.objects.filter(iteration__cycle=cycle).order_by("pk")
    )
    changes = _changes(cycle, people, keys)
    iterations = Iteration.objects.filter(cycle=cycle).select_related("created_by")
    return [
        {
            **values_of(iteration, schema.ITERATION_FIELDS),
            "parameters": _parameters(iteration.parameters, keys),
            "created_by": people.email(iteration.created_by),
            "profiles": profiles.get(iteration.pk, []),
            "changes": changes.get(iteration.pk, []),
        }
        for iteration in iterations.order_by("pk")
    ]


def _parameters(parameters: dict, keys: dict) -> dict:
    """An iteration's parameters with the row ids they record as local keys."""
    parameters = dict(parameters)
    for name, kind in schema.PARAMETER_KEYS.items():
        value = parameters.get(name)
        if isinstance(value, list):
            parameters[name] = [keys[kind].get(pk) for pk in value]
        elif value is not None:
            parameters[name] = keys[kind].get(value)
    return parameters


def _changes(cycle: Cycle, people: _People, keys: dict) -> dict[int, list]:
    capability_keys, profile_keys = keys["capability"], keys["profile"]
    changes = list(
        ProfileChange.objects.filter(iteration__cycle=cycle)
        .select_related("proposed_by", "applied_in")
        .order_by("pk")
    )
    moved = _linked(
        ProfileChange.moved_capabilities.through,
        "profilechange",
        "cyclecapability",
        [change.pk for change in changes],
        capability_keys,
    )
    votes = _grouped(
        (vote.change_id, values_of(vote, schema.CHANGE_VOTE_FIELDS))
        for vote in ChangeVote.objects.filter(change__iteration__cycle=cycle).order_by(
            "pk"
        )
    )
    return _grouped(
        (
            change.iteration_id,
            {
                "key": keys["change"][change.pk],
                **values_of(change, schema.CHANGE_FIELDS),
                "profile": profile_keys[change.profile_id],
                "other_profile": profile_keys.get(change.other_profile_id),
                "capability": capability_keys.get(change.capability_id),
                "moved_capabilities": moved.get(change.pk, []),
                "proposed_by": people.email(change.proposed_by),
                "applied_in": change.applied_in.number if change.applied_in else None,
                "votes": votes.get(change.pk, []),
            },
        )
        for change in changes
    )


def _match_runs(cycle: Cycle, people: _People, keys: dict) -> list[dict]:
    runs = list(
        MatchRun.objects.filter(cycle=cycle)
        .select_related("framework", "launched_by")
        .order_by("pk")
    )
    versions = MatchRun.versions.through.objects.filter(matchrun__in=runs)
    versions = _grouped(
        (row["matchrun_id"], {"standard": row["reference"], "version": row["version"]})
        for row in versions.order_by("pk").values(
            "matchrun_id",
            reference=F("standardversion__standard__reference"),
            version=F("standardversion__version"),
        )
    )
    matches = _matches(runs, people, keys)
    changes = ThresholdChange.objects.filter(run__in=runs).select_related("changed_by")
    changes = _grouped(
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


def _matches(runs: list[MatchRun], people: _People, keys: dict) -> dict[int, list]:
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
    decisions = _grouped(
        (
            decision.match_id,
            {
                **values_of(decision, schema.DECISION_FIELDS),
                "reviewer": people.email(decision.reviewer),
            },
        )
        for decision in decisions.order_by("pk")
    )
    return _grouped(
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


def _current_standards(cycle: Cycle, people: _People) -> list[dict]:
    marked = CurrentStandard.objects.filter(cycle=cycle).select_related(
        "standard__framework", "marked_by"
    )
    return [
        {
            **values_of(row, schema.CURRENT_STANDARD_FIELDS),
            "framework": row.standard.framework.slug,
            "standard": row.standard.reference,
            "marked_by": people.email(row.marked_by),
        }
        for row in marked.order_by("pk")
    ]


def _current_standard_changes(cycle: Cycle, people: _People) -> list[dict]:
    changes = CurrentStandardChange.objects.filter(cycle=cycle).select_related(
        "standard__framework", "changed_by"
    )
    return [
        {
            **values_of(change, schema.CURRENT_STANDARD_CHANGE_FIELDS),
            "framework": change.standard.framework.slug,
            "standard": change.standard.reference,
            "changed_by": people.email(change.changed_by),
        }
        for change in changes.order_by("pk")
    ]


def _actions(cycle: Cycle, keys: dict) -> list[dict]:
    actions = list(Action.objects.filter(cycle=cycle).order_by("pk"))
    profiles = _linked(
        Action.profiles.through, "action", "profile", actions, keys["profile"]
    )
    capabilities = _linked(
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
