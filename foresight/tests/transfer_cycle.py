"""A compact cycle that touches every model a cycle document carries, for the
transfer tests: set-up, members, three workshops with rounds and answers,
profiles refined once, a reviewed match run, a current standard and an action."""

import datetime

from analysis.models import (
    Duty,
    Framework,
    Match,
    MatchRun,
    ReviewDecision,
    RunFigures,
    Standard,
    StandardVersion,
    ThresholdChange,
)
from conftest import join, make_user
from foresight.models import (
    CapabilityStatement,
    Cycle,
    Domain,
    Function,
    FunctionalArea,
    Invitation,
    Membership,
    Organisation,
    Role,
    Stage,
)
from insights.models import CurrentStandard, CurrentStandardChange
from profiles import refinement
from profiles.models import Iteration, Profile, ProfileCapability
from reports.models import Action, Report
from workshops.anonymity import respondent_for
from workshops.models import (
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
from workshops.results import store_round_consensus

HISTORY = datetime.datetime(2024, 7, 1, 9, 30, tzinfo=datetime.UTC)


def add_reference_data() -> None:
    """A sliver of the classification, library and IfATE provision."""
    function = Function.objects.order_by("position").first()
    domain = Domain.objects.create(function=function, code="D07", name="Produce")
    area = FunctionalArea.objects.create(domain=domain, code="A07.2", name="Operate")
    CapabilityStatement.objects.create(
        text="Calibrate testing instruments.",
        area=area,
        source_kind="onet_task",
        source_ref="888",
    )
    framework = Framework.objects.create(slug="ifate", name="IfATE")
    standard = Standard.objects.create(
        framework=framework, reference="ST0123", title="Bioscience technician", level=3
    )
    old = StandardVersion.objects.create(standard=standard, version="1.0", title="T")
    current = StandardVersion.objects.create(
        standard=standard, version="1.1", title="T", is_current=True, has_duties=True
    )
    Duty.objects.create(version=old, code="D1", text="Clean the lab.")
    for number, text in enumerate(
        ["Operate bioreactors.", "Calibrate instruments.", "Keep records."], start=1
    ):
        Duty.objects.create(version=current, code=f"D{number}", text=text)


def build_cycle(convener) -> Cycle:
    add_reference_data()
    catapult = Organisation.objects.create(name="Catapult")
    cycle = Cycle.objects.create(
        title="Robotics in cell therapy",
        challenge="Make more doses.",
        recommendations="Fund a new standard.",
        convener_organisation=catapult,
        sponsor="BIA",
        start_date=datetime.date(2024, 7, 1),
        end_date=datetime.date(2024, 10, 31),
        agreement_threshold=0.6,
        created_by=convener,
    )
    Membership.objects.create(
        user=convener, cycle=cycle, role=Role.CONVENER, organisation=catapult
    )
    for stage in (Stage.IDENTIFY, Stage.PREPARE, Stage.CARRY_OUT):
        cycle.change_stage(stage, convener)
    cycle.stage_changes.filter(to_stage=Stage.IDENTIFY).update(changed_at=HISTORY)
    cycle.scale.filter(value=3).update(label="Leader")

    cycle.solutions.create(name="Robotic platforms", prioritised=True)
    cycle.solutions.create(name="Digital twins")
    makers = cycle.partners.create(name="Manufacturer")
    suppliers = cycle.partners.create(name="Suppliers", description="Equipment.")
    technicians = cycle.role_levels.create(
        name="Technicians", min_academic_level=2, max_academic_level=4
    )
    scientists = cycle.role_levels.create(
        name="Scientists", min_academic_level=5, max_academic_level=6
    )
    statement = CapabilityStatement.objects.get()
    capabilities = [
        cycle.capabilities.create(
            text="Calibrate testing instruments.",
            origin="adopted",
            statement=statement,
            area=statement.area,
            ref="17000",
            source="O*NET task 888",
        ),
        cycle.capabilities.create(
            text="Calibrate robots in cell therapy.", origin="selected"
        ),
        cycle.capabilities.create(text="Run digital twins.", origin="newly_defined"),
    ]
    capabilities[0].partners.set([makers, suppliers])
    capabilities[2].partners.set([suppliers])

    people = {
        name: make_user(name)
        for name in ("ann", "bob", "cat", "tech", "teacher", "reviewer")
    }
    for name in ("ann", "bob", "cat"):
        join(people[name], cycle, Role.EMPLOYER)
    join(people["tech"], cycle, Role.TECHNOLOGIST)
    join(people["teacher"], cycle, Role.EDUCATOR)
    join(people["reviewer"], cycle, Role.REVIEWER)
    join(people["ann"], cycle, Role.READER)
    Invitation.objects.create(
        cycle=cycle, email="x@example.org", role="reader", invited_by=convener
    )

    _proficiency(cycle, convener, capabilities, [technicians, scientists], people)
    _capture(cycle, capabilities, makers, people["tech"])
    workshop = Workshop.objects.create(cycle=cycle, kind="ksb", title="KSBs")
    tag = KsbTag.objects.create(
        cycle=cycle, kind="skill", text="Use a pipette", tools="Pipette"
    )
    tag.capabilities.set([capabilities[0], capabilities[2]])
    KsbContribution.objects.create(
        tag=tag,
        workshop=workshop,
        capability=capabilities[2],
        respondent=respondent_for(workshop.pk, people["teacher"].pk),
        text="Use a pipette",
    )

    final = _profiles(cycle, convener, capabilities, technicians, makers, people)
    _match_run(cycle, convener, capabilities, people["reviewer"], final)
    standard = Standard.objects.get()
    CurrentStandard.objects.create(cycle=cycle, standard=standard, marked_by=convener)
    for action in ("marked", "unmarked", "marked"):
        CurrentStandardChange.objects.create(
            cycle=cycle, standard=standard, action=action, changed_by=convener
        )
    action = Action.objects.create(
        cycle=cycle,
        topic="Provision",
        action="Write a robotics standard.",
        who="Employers",
        horizon="short",
        status="agreed",
    )
    action.profiles.set([final.profiles.first()])
    action.capabilities.set([capabilities[1]])
    Report.objects.create(cycle=cycle, version=1, status="complete", html="<p>Old</p>")
    return cycle


def _proficiency(cycle, convener, capabilities, levels, people) -> None:
    workshop = Workshop.objects.create(
        cycle=cycle, kind="proficiency", title="Proficiency", starts_at=HISTORY
    )
    employers = [people[name] for name in ("ann", "bob", "cat")]
    for user in employers:
        Panellist.objects.create(workshop=workshop, user=user, group="employer")
    first = Round.objects.create(
        workshop=workshop,
        number=1,
        status="closed",
        opened_at=HISTORY,
        closed_at=HISTORY,
        closed_by=convener,
    )
    values = [2, 2, 3, None, 1, 2]
    for index, (capability, level) in enumerate(
        (c, lvl) for c in capabilities for lvl in levels
    ):
        item = RoundItem.objects.create(
            round=first, capability=capability, role_level=level
        )
        for number, user in enumerate(employers):
            value = values[(index + number) % len(values)]
            Rating.objects.create(
                item=item,
                respondent=respondent_for(workshop.pk, user.pk),
                group="employer",
                value=value,
                rationale="" if value is not None else "Not my field.",
            )
    store_round_consensus(first)
    second = Round.objects.create(workshop=workshop, number=2, status="open")
    RoundItem.objects.create(
        round=second, capability=capabilities[0], role_level=levels[0]
    )


def _capture(cycle, capabilities, partner, technologist) -> None:
    workshop = Workshop.objects.create(cycle=cycle, kind="capture", title="Capture")
    Panellist.objects.create(workshop=workshop, user=technologist, group="technologist")
    voting = Round.objects.create(workshop=workshop, number=1, status="closed")
    respondent = respondent_for(workshop.pk, technologist.pk)
    first = Proposal.objects.create(
        workshop=workshop,
        respondent=respondent,
        text=capabilities[0].text,
        origin="adopted",
        statement=capabilities[0].statement,
        area=capabilities[0].area,
        promoted_to=capabilities[0],
    )
    first.partners.set([partner])
    again = Proposal.objects.create(
        workshop=workshop,
        respondent=respondent,
        text="Calibrate test instruments.",
        origin="newly_defined",
        duplicate_of=first,
        duplicate_score=0.91,
    )
    for proposal, vote in ((first, "include"), (again, "exclude")):
        ProposalVote.objects.create(
            round=voting, proposal=proposal, respondent=respondent, vote=vote
        )


def _profiles(cycle, convener, capabilities, level, partner, people) -> Iteration:
    prototype = Iteration.objects.create(
        cycle=cycle,
        number=1,
        name="Prototype",
        created_by=convener,
        parameters={
            "method": "test",
            "workshop": cycle.workshops.get(kind="proficiency").pk,
        },
    )
    profile = Profile.objects.create(
        iteration=prototype,
        title="Technician",
        role_level=level,
        partner=partner,
        title_suggestions=[{"title": "Lab technician", "source": "onet", "code": "1"}],
    )
    for capability in capabilities:
        ProfileCapability.objects.create(
            profile=profile, capability=capability, proficiency=2, explanation="Near."
        )
    split = refinement.propose(
        prototype,
        people["ann"],
        "split",
        profile=profile,
        new_title="Robot technician",
        moved_capabilities=[capabilities[1]],
        rationale="Too broad.",
    )
    refinement.propose(
        prototype, people["bob"], "rename", profile=profile, new_title="X"
    )
    for name in ("ann", "bob", "cat"):
        refinement.vote(split, people[name], True, "Agreed." if name == "ann" else "")
    refined = refinement.apply_accepted(prototype, convener)
    refined.name = "Final"
    refined.save(update_fields=["name"])
    return refinement.mark_final(refined)


def _match_run(cycle, convener, capabilities, reviewer, final) -> None:
    run = MatchRun.objects.create(
        cycle=cycle,
        framework=Framework.objects.get(),
        model="test-model",
        threshold=0.5,
        judge_low=0.4,
        some_fit=0.45,
        figures_queued=True,
        status="complete",
        data_date=datetime.date(2024, 6, 1),
        launched_by=convener,
        batches_total=1,
        batches_done=1,
        finished_at=HISTORY,
    )
    run.versions.set(StandardVersion.objects.filter(is_current=True))
    duties = list(Duty.objects.filter(version__is_current=True).order_by("code"))
    for capability in capabilities:
        for rank, duty in enumerate(duties, start=1):
            Match.objects.create(
                run=run,
                capability=capability,
                duty=duty,
                score=round(0.95 - 0.1 * rank, 2),
                rank=rank,
            )
    reviewed = Match.objects.get(run=run, capability=capabilities[0], duty__code="D2")
    ReviewDecision.objects.create(
        match=reviewed, decision="reject", comment="Not the same.", reviewer=reviewer
    )
    ReviewDecision.objects.create(match=reviewed, decision="accept", reviewer=reviewer)
    ThresholdChange.objects.create(run=run, old=0.5, new=0.55, changed_by=convener)
    RunFigures.objects.create(
        run=run, iteration=final, stamp="0.55:2", profiles=[], computed_at=HISTORY
    )
