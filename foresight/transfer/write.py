"""Saving what a Reader built, inside the caller's transaction: people and
organisations (matched by e-mail and name, created when missing), then every
kind of row with bulk_create, then the timestamps that the models stamp
themselves (auto_now), self-references, parameters and links."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models.functions import Lower

from foresight.models import Cycle, Organisation
from foresight.tasks import refresh_cycle_summary
from foresight.transfer.reader import Reader
from foresight.transfer.sections import SECTIONS
from profiles.models import Iteration

# Parents before children, so every row's foreign keys are saved before it.
WRITE_ORDER = [model for section in SECTIONS for model in section.MODELS]
BATCH = 1000


def write(reader: Reader) -> Cycle:
    """The new cycle, saved with every row `reader` built."""
    for refs, found in (
        (reader.user_refs, _users(reader.people)),
        (reader.organisation_refs, _organisations(reader.organisation_refs)),
    ):
        for row, attname, key in refs:
            setattr(row, attname, found[key])

    cycle = reader.cycle
    cycle.save()
    # save() gives a new cycle the default scale; the document has its own.
    cycle.scale.all().delete()
    Cycle.objects.filter(pk=cycle.pk).update(created_at=reader.created_at)
    cycle.created_at = reader.created_at

    for model in WRITE_ORDER:
        _create(model, reader.rows[model])
    _point_back(reader.after_save)
    _fill_parameters(reader.parameter_rows)
    _link(reader.links)

    transaction.on_commit(lambda: refresh_cycle_summary.delay(cycle.pk))
    return cycle


def _users(people: dict[str, dict]) -> dict[str, int]:
    """People by e-mail: existing accounts (matched by e-mail, then by user
    name), else new inactive ones that cannot sign in until given a password."""
    User = get_user_model()  # noqa: N806
    emails = set(people)
    found = {}
    # The e-mail match is read last so that it wins; among equals, the oldest.
    for field in (User.USERNAME_FIELD, "email"):
        users = User.objects.annotate(key=Lower(field)).filter(key__in=emails)
        found.update(users.order_by("-pk").values_list("key", "pk"))

    new = []
    for email in sorted(emails - set(found)):
        user = User(email=email, is_active=False, **people[email])
        setattr(user, User.USERNAME_FIELD, email)
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new)
    found.update({user.email: user.pk for user in new})
    return found


def _organisations(refs: list[tuple]) -> dict[str, int]:
    names = {name for _row, _attname, name in refs}
    existing = Organisation.objects.annotate(key=Lower("name")).filter(
        key__in={name.lower() for name in names}
    )
    by_key = dict(existing.values_list("key", "id"))
    new = {
        name.lower(): Organisation(name=name)
        for name in sorted(names)
        if name.lower() not in by_key
    }
    Organisation.objects.bulk_create(new.values())
    by_key.update({key: organisation.pk for key, organisation in new.items()})
    return {name: by_key[name.lower()] for name in names}


def _create(model: type[models.Model], rows: list) -> None:
    """bulk_create, then put back the timestamps the model stamps itself
    (auto_now_add and auto_now), since they are part of the cycle's history."""
    if not rows:
        return
    stamped = [
        field
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    kept = [[getattr(row, field.attname) for field in stamped] for row in rows]
    model.objects.bulk_create(rows, batch_size=BATCH)
    if not stamped:
        return
    for row, values in zip(rows, kept, strict=True):
        for field, value in zip(stamped, values, strict=True):
            setattr(row, field.attname, value)
    model.objects.bulk_update(rows, [field.name for field in stamped], batch_size=BATCH)


def _point_back(after_save: list[tuple]) -> None:
    """Self-references (a duplicate proposal, a derived profile), now that the
    rows they name have ids."""
    by_model = defaultdict(set)
    for row, field, target in after_save:
        setattr(row, field, target)
        by_model[type(row), field].add(row)
    for (model, field), rows in by_model.items():
        model.objects.bulk_update(rows, [field], batch_size=BATCH)


def _fill_parameters(parameter_rows: list[tuple]) -> None:
    for iteration, name, rows in parameter_rows:
        if isinstance(rows, list):
            iteration.parameters[name] = [row and row.pk for row in rows]
        else:
            iteration.parameters[name] = rows.pk
    Iteration.objects.bulk_update(
        {iteration for iteration, _name, _rows in parameter_rows}, ["parameters"]
    )


def _link(links: list[tuple]) -> None:
    by_through = defaultdict(list)
    for through, ends in links:
        by_through[through].append(through(**ends))
    for through, rows in by_through.items():
        through.objects.bulk_create(rows, batch_size=BATCH)
