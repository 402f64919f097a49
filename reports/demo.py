"""The demonstration cycle's recommendations and a handful of actions.

Idempotent: recommendations are written only while the cycle has none (a
convener's own text is kept), and each action is found again by its topic.
No report is generated here; the demonstration loader decides that.
"""

import datetime

from django.db import transaction

from foresight.models import Cycle
from reports.actions import linkable_profiles
from reports.models import Action, ActionStatus, Horizon

RECOMMENDATIONS = """\
Demonstration text, written for the simulated cycle.

1. Revise the apprenticeship standards nearest to the priority profiles, starting \
with data analysis for automated manufacturing: current provision fits these \
future roles least.

2. Add automation, robotics and digital-twin content to the technician and \
scientist standards, so that apprentices learn to run and maintain automated \
cell and gene therapy platforms, not only manual processes.

3. Build a short-course route for the existing workforce (upskilling in \
data-driven process control and quality by design) alongside the apprenticeships.

4. Repeat the foresighting cycle in two years against the revised standards, \
to measure how far the gap has closed."""

# (topic, action, who, due or horizon, status, owner, profile titles, capability refs)
ACTIONS = [
    (
        "Data skills",
        "Propose a revision of the Data Analyst standard covering process data "
        "from automated manufacturing lines.",
        "Trailblazer group with Skills England",
        datetime.date(2025, 9, 30),
        ActionStatus.AGREED,
        "Cell and Gene Therapy Catapult",
        ["Data analysts"],
        ["5260"],
    ),
    (
        "Automation maintenance",
        "Pilot an automation module in the Mechatronics Maintenance Technician "
        "apprenticeship with two manufacturing centres.",
        "Training providers and two manufacturing centres",
        Horizon.SHORT,
        ActionStatus.IN_PROGRESS,
        "Industry skills lead",
        ["Mechatronic Technician", "Automation maintenance technicians"],
        ["17000", "47920"],
    ),
    (
        "Quality and compliance",
        "Map the quality and regulatory capabilities not served today to the "
        "knowledge and skills of the Regulatory Affairs Specialist standard.",
        "Quality and regulatory partners",
        Horizon.MEDIUM,
        ActionStatus.PROPOSED,
        "",
        ["Quality Lead"],
        ["22270", "36040"],
    ),
    (
        "Workforce upskilling",
        "Design short courses on digital twins and data-driven process control "
        "for the existing workforce.",
        "BioIndustry Association with training providers",
        Horizon.MEDIUM,
        ActionStatus.PROPOSED,
        "BioIndustry Association",
        [],
        ["44020", "150230"],
    ),
    (
        "Supply chain",
        "Share the supply-chain lead profile with employers and collect job "
        "descriptions that match it.",
        "Employers on the panel",
        Horizon.ONGOING,
        ActionStatus.AGREED,
        "Cell and Gene Therapy Catapult",
        ["Supply Chain Lead"],
        [],
    ),
]


@transaction.atomic
def load(cycle: Cycle, convener) -> None:
    if not cycle.recommendations:
        cycle.recommendations = RECOMMENDATIONS
        cycle.save(update_fields=["recommendations"])

    profiles = {profile.title: profile for profile in linkable_profiles(cycle)}
    capabilities = {
        capability.ref: capability for capability in cycle.capabilities.exclude(ref="")
    }
    for topic, text, who, when, status, owner, titles, refs in ACTIONS:
        dated = isinstance(when, datetime.date)
        action, created = Action.objects.get_or_create(
            cycle=cycle,
            topic=topic,
            defaults={
                "action": text,
                "who": who,
                "due": when if dated else None,
                "horizon": "" if dated else when,
                "status": status,
                "owner": owner,
                "comments": "Demonstration action.",
            },
        )
        if created:
            action.profiles.set(profiles[t] for t in titles if t in profiles)
            action.capabilities.set(capabilities[r] for r in refs if r in capabilities)
