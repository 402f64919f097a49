"""Shared set-up for the workshop page tests."""

from conftest import join, make_user
from foresight.models import Cycle, Role
from workshops.anonymity import respondent_for
from workshops.models import (
    Panellist,
    Proposal,
    ProposalVote,
    Round,
    RoundItem,
    Workshop,
    WorkshopKind,
)


def add_items(cycle: Cycle, capabilities: int = 2, levels: int = 2) -> None:
    """Capabilities and role levels, so a first round asks their every pair."""
    for number in range(levels):
        cycle.role_levels.create(
            name=f"Level group {number}",
            min_academic_level=2 + number,
            max_academic_level=2 + number,
        )
    for number in range(capabilities):
        cycle.capabilities.create(text=f"Operate platform {number}.", origin="adopted")


def proficiency_workshop(cycle: Cycle, **sizes) -> Workshop:
    add_items(cycle, **sizes)
    return Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Proficiency workshop"
    )


def on_panel(workshop: Workshop, *names: str, role: Role = Role.EMPLOYER) -> list:
    """New members of the workshop's cycle, each invited to its panel."""
    users = []
    for name in names:
        user = make_user(name)
        join(user, workshop.cycle, role)
        Panellist.objects.create(workshop=workshop, user=user, group=role)
        users.append(user)
    return users


def open_round(workshop: Workshop) -> Round:
    from workshops.results import open_round

    return open_round(workshop, carry_unresolved=False)


def items_of(round: Round) -> list[RoundItem]:
    return list(round.items.order_by("capability_id", "role_level__min_academic_level"))


def url(workshop: Workshop, rest: str = "") -> str:
    return f"/cycles/{workshop.cycle_id}/workshops/{workshop.pk}/{rest}"


HTMX = {"HX-Request": "true"}


# Capture workshops

PARAPHRASES = (
    "Monitor bioreactor performance using digital twins.",
    "Use digital twins to monitor how bioreactors perform.",
)


def capture_url(workshop: Workshop, rest: str = "") -> str:
    return url(workshop, f"capture/{rest}")


def make_proposal(workshop, user, text, partners=(), **fields) -> Proposal:
    proposal = Proposal.objects.create(
        workshop=workshop,
        respondent=respondent_for(workshop.pk, user.pk),
        text=text,
        origin=fields.pop("origin", "newly_defined"),
        **fields,
    )
    proposal.partners.set(partners)
    return proposal


def vote(round_: Round, proposal: Proposal, respondent: str, value: str) -> None:
    ProposalVote.objects.create(
        round=round_, proposal=proposal, respondent=respondent, vote=value
    )
