"""Writing a cycle as a document (see schema.py for its rules), one section
module at a time.

One query per kind of row (related rows joined in), grouped in Python, so the
demonstration cycle exports in about a second.
"""

from foresight.models import Cycle
from foresight.transfer import schema
from foresight.transfer.naming import People, local_keys
from foresight.transfer.sections import SECTIONS
from profiles.models import Profile, ProfileChange
from workshops.models import Proposal


def export_cycle(cycle: Cycle) -> dict:
    """The whole cycle as a JSON-ready dict, free of database ids."""
    cycle = Cycle.objects.select_related("convener_organisation", "created_by").get(
        pk=cycle.pk
    )
    people = People()
    keys = _keys(cycle)
    document = {
        "format": schema.FORMAT,
        "version": schema.VERSION,
        "not_included": schema.NOT_INCLUDED,
    }
    for section in SECTIONS:
        document.update(section.export(cycle, people, keys))
    document["people"] = people.listed()
    return document


def _keys(cycle: Cycle) -> dict[str, dict[int, str]]:
    """The local key of each row that others point at, by kind and id."""
    owned = {
        "partner": cycle.partners,
        "role level": cycle.role_levels,
        "capability": cycle.capabilities,
        "workshop": cycle.workshops,
        "proposal": Proposal.objects.filter(workshop__cycle=cycle),
        "profile": Profile.objects.filter(iteration__cycle=cycle),
        "change": ProfileChange.objects.filter(iteration__cycle=cycle),
    }
    return {
        kind: local_keys(schema.KEY_PREFIXES[kind], rows)
        for kind, rows in owned.items()
    }
