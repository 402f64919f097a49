"""The document's workshops (panellists, rounds with their items, consensus and
ratings, proposals with their votes) and its KSB tags."""

from foresight.models import Cycle
from foresight.transfer import schema
from foresight.transfer.naming import People, grouped, linked, statement_name
from foresight.transfer.reader import Reader, numbered
from foresight.transfer.values import Record, values_of
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

# The rows the section creates, parents before children: write.py saves them
# in this order.
MODELS = [
    Workshop,
    Panellist,
    Round,
    RoundItem,
    ItemConsensus,
    Rating,
    Proposal,
    ProposalVote,
    KsbTag,
    KsbContribution,
]

# --- Export ---------------------------------------------------------------------


def export(cycle: Cycle, people: People, keys: dict) -> dict:
    return {
        "workshops": _workshops(cycle, people, keys),
        "ksb_tags": _ksb_tags(cycle, keys),
    }


def _workshops(cycle: Cycle, people: People, keys: dict) -> list[dict]:
    panellists = Panellist.objects.filter(workshop__cycle=cycle).select_related("user")
    panellists = grouped(
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


def _rounds(cycle: Cycle, people: People, keys: dict) -> dict[int, list]:
    items = _items(cycle, keys)
    rounds = Round.objects.filter(workshop__cycle=cycle).select_related("closed_by")
    return grouped(
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


def _items(cycle: Cycle, keys: dict) -> dict[int, list]:
    consensus = {
        row.item_id: values_of(row, schema.CONSENSUS_FIELDS)
        for row in ItemConsensus.objects.filter(item__round__workshop__cycle=cycle)
    }
    ratings = grouped(
        (rating.item_id, values_of(rating, schema.RATING_FIELDS))
        for rating in Rating.objects.filter(
            item__round__workshop__cycle=cycle
        ).order_by("pk")
    )
    return grouped(
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


def _proposals(cycle: Cycle, keys: dict) -> dict[int, list]:
    proposal_keys = keys["proposal"]
    partners = linked(
        Proposal.partners.through,
        "proposal",
        "supplychainpartner",
        list(proposal_keys),
        keys["partner"],
    )
    votes = ProposalVote.objects.filter(proposal__workshop__cycle=cycle)
    votes = grouped(
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
    return grouped(
        (
            proposal.workshop_id,
            {
                "key": proposal_keys[proposal.pk],
                **values_of(proposal, schema.PROPOSAL_FIELDS),
                "statement": statement_name(proposal.statement),
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
    capabilities = linked(
        KsbTag.capabilities.through,
        "ksbtag",
        "cyclecapability",
        [tag.pk for tag in tags],
        keys["capability"],
    )
    contributions = grouped(
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


# --- Import ---------------------------------------------------------------------


def read(reader: Reader, root: Record) -> None:
    for workshop in root.records("workshops"):
        _read_workshop(reader, workshop)
    for tag in root.records("ksb_tags"):
        _read_ksb_tag(reader, tag)


def _read_workshop(reader: Reader, record: Record) -> None:
    workshop = reader.add(Workshop, record, schema.WORKSHOP_FIELDS, cycle=reader.cycle)
    reader.define("workshop", record, workshop)
    for panellist in record.records("panellists"):
        row = reader.add(
            Panellist, panellist, schema.PANELLIST_FIELDS, workshop=workshop
        )
        reader.user(row, "user_id", panellist, "email", null=False)

    rounds = {}
    for round_record in record.records("rounds"):
        round_ = reader.add(Round, round_record, schema.ROUND_FIELDS, workshop=workshop)
        reader.user(round_, "closed_by_id", round_record, "closed_by")
        rounds[round_.number] = round_
        for item_record in round_record.records("items"):
            _read_item(reader, round_, item_record)

    for proposal_record in record.records("proposals"):
        _read_proposal(reader, workshop, proposal_record, rounds)


def _read_item(reader: Reader, round_: Round, record: Record) -> None:
    item = RoundItem(
        round=round_,
        capability=reader.ref(record, "capability", "capability"),
        role_level=reader.ref(record, "role_level", "role level"),
    )
    reader.rows[RoundItem].append(item)
    consensus = record.record("consensus")
    if consensus:
        reader.add(ItemConsensus, consensus, schema.CONSENSUS_FIELDS, item=item)
    for rating in record.records("ratings"):
        reader.add(Rating, rating, schema.RATING_FIELDS, item=item)


def _read_proposal(
    reader: Reader, workshop: Workshop, record: Record, rounds: dict
) -> None:
    proposal = reader.add(Proposal, record, schema.PROPOSAL_FIELDS, workshop=workshop)
    reader.define("proposal", record, proposal)
    reader.library(proposal, record)
    reader.link(proposal, "partners", record, "partner")
    reader.ref_later(proposal, record, "duplicate_of", "proposal")
    proposal.promoted_to = reader.ref(record, "promoted_to", "capability", null=True)
    for vote in record.records("votes"):
        reader.add(
            ProposalVote,
            vote,
            schema.PROPOSAL_VOTE_FIELDS,
            round=numbered(vote, "round", rounds, "round"),
            proposal=proposal,
        )


def _read_ksb_tag(reader: Reader, record: Record) -> None:
    tag = reader.add(KsbTag, record, schema.KSB_TAG_FIELDS, cycle=reader.cycle)
    reader.link(tag, "capabilities", record, "capability")
    for contribution in record.records("contributions"):
        reader.add(
            KsbContribution,
            contribution,
            schema.KSB_CONTRIBUTION_FIELDS,
            tag=tag,
            workshop=reader.ref(contribution, "workshop", "workshop"),
            capability=reader.ref(contribution, "capability", "capability"),
        )
