"""Reading a cycle document (see schema.py) into a new cycle.

Three steps, the last in one transaction:
1. read: check every value and local key and build the rows unsaved, so a
   malformed document is refused before anything is written;
2. resolve: find the reference data it names (areas, library statements,
   standards, duties) with one query per kind, refusing if any is missing;
3. write: people and organisations (matched by e-mail and name, created when
   missing), then every kind of row with bulk_create, then the timestamps that
   the models stamp themselves (auto_now), self-references and links.
"""

import json
from collections import defaultdict
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import DatabaseError, models, transaction
from django.db.models.functions import Lower

from analysis.models import (
    Duty,
    Framework,
    Match,
    MatchRun,
    ReviewDecision,
    Standard,
    StandardVersion,
    ThresholdChange,
)
from foresight.models import (
    CapabilityStatement,
    Cycle,
    CycleCapability,
    FunctionalArea,
    Membership,
    Organisation,
    ProficiencyLevel,
    RoleLevel,
    StageChange,
    SupplyChainPartner,
    TechnologySolution,
)
from foresight.tasks import refresh_cycle_summary
from foresight.transfer import schema
from foresight.transfer.schema import Record, TransferError
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

# Parents before children, so every row's foreign keys are saved before it.
WRITE_ORDER = [
    ProficiencyLevel,
    TechnologySolution,
    SupplyChainPartner,
    RoleLevel,
    StageChange,
    Membership,
    CycleCapability,
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
    Iteration,
    Profile,
    ProfileCapability,
    ProfileChange,
    ChangeVote,
    MatchRun,
    Match,
    ReviewDecision,
    ThresholdChange,
    CurrentStandard,
    CurrentStandardChange,
    Action,
]
BATCH = 1000


def read_document(path: Path | str) -> dict:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TransferError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise TransferError(f"{path}: cannot be read ({error}).") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise TransferError(f"{path}: not valid JSON ({error}).") from None


def import_cycle(document) -> Cycle:
    """A new cycle made from `document`; TransferError (one line) and nothing
    written when the document is malformed or names missing reference data."""
    reader = _Reader()
    try:
        with transaction.atomic():
            reader.read(document)
            reader.resolve()
            return reader.write()
    except DatabaseError as error:
        # A rule only the database checks (a unique pair, a range across two
        # fields); the atomic block has already undone everything.
        detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise TransferError(
            f"The document breaks a rule of the database: {detail}."
        ) from None


def _numbered(record: Record, field: str, rows: dict, noun: str):
    """The row (a round, an iteration) that `record[field]` names by number."""
    number = record.raw(field)
    if type(number) is not int or number not in rows:
        raise TransferError(f"{record.path}.{field}: there is no {noun} {number!r}.")
    return rows[number]


def _version_name(natural: tuple) -> str:
    return f"{natural[1]} v{natural[2]}"


def _missing(what, remedy: str) -> TransferError:
    what = sorted(what)
    more = f" (and {len(what) - 1} more)" if len(what) > 1 else ""
    return TransferError(f"{what[0]} is not in this installation{more}: {remedy}.")


class _Reader:
    def __init__(self):
        self.people: dict[str, dict] = {}
        self.rows: dict[type[models.Model], list] = defaultdict(list)
        self.keys: dict[str, dict[str, models.Model]] = defaultdict(dict)
        # (row, attname, natural key): foreign keys set once the people,
        # organisations and reference data they name are found.
        self.user_refs: list[tuple] = []
        self.organisation_refs: list[tuple] = []
        self.framework_refs: list[tuple] = []
        self.area_refs: list[tuple] = []
        self.statement_refs: list[tuple] = []
        self.version_refs: list[tuple] = []
        self.duty_refs: list[tuple] = []
        self.standard_refs: list[tuple] = []
        # Local keys read before their rows exist (row, field, kind, key, path),
        # and then self-references to set once every row is saved.
        self.forward: list[tuple] = []
        self.after_save: list[tuple] = []
        self.parameter_rows: list[tuple] = []
        # Many-to-many links: (through model, {field: row, field: row}).
        self.links: list[tuple] = []

    # --- Reading ---------------------------------------------------------------

    def read(self, document) -> None:
        if not isinstance(document, dict):
            raise TransferError("The document is not a JSON object.")
        if document.get("format") != schema.FORMAT:
            raise TransferError(
                f"Not a Foresight cycle document: its format is "
                f"{document.get('format')!r}, not {schema.FORMAT!r}."
            )
        version = document.get("version")
        if version != schema.VERSION or isinstance(version, bool):
            raise TransferError(
                f"The document is version {version!r} of the cycle format; this "
                f"installation reads version {schema.VERSION}."
            )
        root = Record(document, "document")

        self._people(root)
        self._set_up(root)
        self._capabilities(root)
        for workshop in root.records("workshops"):
            self._workshop(workshop)
        for tag in root.records("ksb_tags"):
            self._ksb_tag(tag)
        self._iterations(root.records("iterations"))
        for run in root.records("match_runs"):
            self._match_run(run)
        self._current_standards(root)
        for action in root.records("actions"):
            self._action(action)

        for row, field, kind, key, path in self.forward:
            self.after_save.append((row, field, self._local(kind, key, path)))

    def _add(self, model: type[models.Model], record: Record, names: list[str], **more):
        row = model(**record.fields(model, names), **more)
        self.rows[model].append(row)
        return row

    def _define(self, kind: str, record: Record, row: models.Model) -> None:
        key = record.text("key")
        if key in self.keys[kind]:
            raise TransferError(f"{record.path}.key: {key!r} is used twice.")
        self.keys[kind][key] = row

    def _local(self, kind: str, key, path: str) -> models.Model:
        if not isinstance(key, str) or key not in self.keys[kind]:
            raise TransferError(f"{path}: no {kind} {key!r} in this document.")
        return self.keys[kind][key]

    def _ref(self, record: Record, field: str, kind: str, *, null: bool = False):
        key = record.raw(field)
        if key is None and null:
            return None
        return self._local(kind, key, f"{record.path}.{field}")

    def _link(self, row, name: str, record: Record, kind: str):
        """Link `row` through its many-to-many field `name` to the rows that
        `record[name]` lists by local key."""
        field = row._meta.get_field(name)
        owner, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        for index, key in enumerate(record.texts(name)):
            target = self._local(kind, key, f"{record.path}.{name}[{index}]")
            self.links.append((field.remote_field.through, {owner: row, other: target}))

    def _user(self, row, attname: str, record: Record, field: str, *, null=True):
        email = record.raw(field)
        if email is None and null:
            return
        if not isinstance(email, str) or email.lower() not in self.people:
            raise TransferError(
                f"{record.path}.{field}: {email!r} is not among the document's people."
            )
        self.user_refs.append((row, attname, email.lower()))

    def _people(self, root: Record) -> None:
        User = get_user_model()  # noqa: N806
        for person in root.records("people"):
            email = person.text("email").strip().lower()
            if "@" not in email:
                raise TransferError(f"{person.path}.email: {email!r} is not an e-mail.")
            if email in self.people:
                raise TransferError(f"{person.path}.email: {email!r} is listed twice.")
            self.people[email] = person.fields(User, schema.PERSON_FIELDS)

    def _set_up(self, root: Record) -> None:
        record = root.record("cycle")
        if record is None:
            raise TransferError("document.cycle: must not be null.")
        fields = record.fields(Cycle, schema.CYCLE_FIELDS)
        self.created_at = fields.pop("created_at")
        self.cycle = cycle = Cycle(**fields)
        self._user(cycle, "created_by_id", record, "created_by")
        name = record.text("convener_organisation", null=True)
        if name:
            self.organisation_refs.append((cycle, "convener_organisation_id", name))

        for level in root.records("scale"):
            self._add(ProficiencyLevel, level, schema.SCALE_FIELDS, cycle=cycle)
        for solution in root.records("solutions"):
            self._add(TechnologySolution, solution, schema.SOLUTION_FIELDS, cycle=cycle)
        for partner in root.records("partners"):
            row = self._add(
                SupplyChainPartner, partner, schema.PARTNER_FIELDS, cycle=cycle
            )
            self._define("partner", partner, row)
        for level in root.records("role_levels"):
            row = self._add(RoleLevel, level, schema.ROLE_LEVEL_FIELDS, cycle=cycle)
            self._define("role level", level, row)
        for change in root.records("stage_changes"):
            row = self._add(
                StageChange, change, schema.STAGE_CHANGE_FIELDS, cycle=cycle
            )
            self._user(row, "changed_by_id", change, "changed_by", null=False)
        for member in root.records("members"):
            row = self._add(Membership, member, schema.MEMBER_FIELDS, cycle=cycle)
            self._user(row, "user_id", member, "email", null=False)
            name = member.text("organisation", null=True)
            if name:
                self.organisation_refs.append((row, "organisation_id", name))

    def _capabilities(self, root: Record) -> None:
        for record in root.records("capabilities"):
            row = self._add(
                CycleCapability, record, schema.CAPABILITY_FIELDS, cycle=self.cycle
            )
            self._define("capability", record, row)
            self._library(row, record)
            self._link(row, "partners", record, "partner")

    def _library(self, row, record: Record) -> None:
        """The functional area and library statement a row names, if any."""
        area = record.text("area", null=True)
        if area:
            self.area_refs.append((row, "area_id", area))
        statement = record.record("statement")
        if statement:
            natural = (statement.text("source_kind"), statement.text("source_ref"))
            self.statement_refs.append((row, "statement_id", natural))

    def _workshop(self, record: Record) -> None:
        workshop = self._add(Workshop, record, schema.WORKSHOP_FIELDS, cycle=self.cycle)
        self._define("workshop", record, workshop)
        for panellist in record.records("panellists"):
            row = self._add(
                Panellist, panellist, schema.PANELLIST_FIELDS, workshop=workshop
            )
            self._user(row, "user_id", panellist, "email", null=False)

        rounds = {}
        for round_record in record.records("rounds"):
            round_ = self._add(
                Round, round_record, schema.ROUND_FIELDS, workshop=workshop
            )
            self._user(round_, "closed_by_id", round_record, "closed_by")
            rounds[round_.number] = round_
            for item_record in round_record.records("items"):
                self._item(round_, item_record)

        for proposal_record in record.records("proposals"):
            proposal = self._add(
                Proposal, proposal_record, schema.PROPOSAL_FIELDS, workshop=workshop
            )
            self._define("proposal", proposal_record, proposal)
            self._library(proposal, proposal_record)
            self._link(proposal, "partners", proposal_record, "partner")
            key = proposal_record.raw("duplicate_of")
            if key is not None:
                path = f"{proposal_record.path}.duplicate_of"
                self.forward.append((proposal, "duplicate_of", "proposal", key, path))
            proposal.promoted_to = self._ref(
                proposal_record, "promoted_to", "capability", null=True
            )
            for vote in proposal_record.records("votes"):
                self._add(
                    ProposalVote,
                    vote,
                    schema.PROPOSAL_VOTE_FIELDS,
                    round=_numbered(vote, "round", rounds, "round"),
                    proposal=proposal,
                )

    def _item(self, round_: Round, record: Record) -> None:
        item = RoundItem(
            round=round_,
            capability=self._ref(record, "capability", "capability"),
            role_level=self._ref(record, "role_level", "role level"),
        )
        self.rows[RoundItem].append(item)
        consensus = record.record("consensus")
        if consensus:
            self._add(ItemConsensus, consensus, schema.CONSENSUS_FIELDS, item=item)
        for rating in record.records("ratings"):
            self._add(Rating, rating, schema.RATING_FIELDS, item=item)

    def _ksb_tag(self, record: Record) -> None:
        tag = self._add(KsbTag, record, schema.KSB_TAG_FIELDS, cycle=self.cycle)
        self._link(tag, "capabilities", record, "capability")
        for contribution in record.records("contributions"):
            self._add(
                KsbContribution,
                contribution,
                schema.KSB_CONTRIBUTION_FIELDS,
                tag=tag,
                workshop=self._ref(contribution, "workshop", "workshop"),
                capability=self._ref(contribution, "capability", "capability"),
            )

    def _iterations(self, records: list[Record]) -> None:
        # Profiles first: a change may name a profile of any iteration.
        iterations = []
        for record in records:
            iteration = self._add(
                Iteration, record, schema.ITERATION_FIELDS, cycle=self.cycle
            )
            self._user(iteration, "created_by_id", record, "created_by")
            iterations.append(iteration)
            for profile_record in record.records("profiles"):
                self._profile(iteration, profile_record)

        numbered = {iteration.number: iteration for iteration in iterations}
        for record, iteration in zip(records, iterations, strict=True):
            for change in record.records("changes"):
                self._change(iteration, change, numbered)
        # Parameters name changes of any iteration, so they come last.
        for record, iteration in zip(records, iterations, strict=True):
            self._parameters(iteration, f"{record.path}.parameters")

    def _change(self, iteration: Iteration, record: Record, numbered: dict) -> None:
        change = self._add(
            ProfileChange,
            record,
            schema.CHANGE_FIELDS,
            iteration=iteration,
            profile=self._ref(record, "profile", "profile"),
            other_profile=self._ref(record, "other_profile", "profile", null=True),
            capability=self._ref(record, "capability", "capability", null=True),
        )
        self._define("change", record, change)
        self._link(change, "moved_capabilities", record, "capability")
        self._user(change, "proposed_by_id", record, "proposed_by")
        if record.raw("applied_in") is not None:
            change.applied_in = _numbered(record, "applied_in", numbered, "iteration")
        for vote in record.records("votes"):
            self._add(ChangeVote, vote, schema.CHANGE_VOTE_FIELDS, change=change)

    def _parameters(self, iteration: Iteration, path: str) -> None:
        """The local keys in an iteration's parameters, as rows whose ids are
        written in once they are saved."""
        for name, kind in schema.PARAMETER_KEYS.items():
            value = iteration.parameters.get(name)
            if isinstance(value, list):
                rows = [
                    None if key is None else self._local(kind, key, f"{path}.{name}")
                    for key in value
                ]
            elif value is not None:
                rows = self._local(kind, value, f"{path}.{name}")
            else:
                continue
            self.parameter_rows.append((iteration, name, rows))

    def _profile(self, iteration: Iteration, record: Record) -> None:
        profile = self._add(
            Profile,
            record,
            schema.PROFILE_FIELDS,
            iteration=iteration,
            role_level=self._ref(record, "role_level", "role level"),
            partner=self._ref(record, "partner", "partner", null=True),
        )
        self._define("profile", record, profile)
        key = record.raw("derived_from")
        if key is not None:
            path = f"{record.path}.derived_from"
            self.forward.append((profile, "derived_from", "profile", key, path))
        for entry in record.records("entries"):
            self._add(
                ProfileCapability,
                entry,
                schema.ENTRY_FIELDS,
                profile=profile,
                capability=self._ref(entry, "capability", "capability"),
            )

    def _match_run(self, record: Record) -> None:
        run = self._add(MatchRun, record, schema.RUN_FIELDS, cycle=self.cycle)
        framework = record.text("framework")
        self.framework_refs.append((run, "framework_id", framework))
        self._user(run, "launched_by_id", record, "launched_by")
        for version in record.records("versions"):
            natural = (framework, version.text("standard"), version.text("version"))
            self.version_refs.append((run, "versions", natural))

        for match_record in record.records("matches"):
            match = self._add(
                Match,
                match_record,
                schema.MATCH_FIELDS,
                run=run,
                capability=self._ref(match_record, "capability", "capability"),
            )
            duty = match_record.record("duty")
            if duty is None:
                raise TransferError(f"{match_record.path}.duty: must not be null.")
            natural = (
                framework,
                duty.text("standard"),
                duty.text("version"),
                duty.text("code"),
            )
            self.duty_refs.append((match, "duty_id", natural))
            for decision in match_record.records("decisions"):
                row = self._add(
                    ReviewDecision, decision, schema.DECISION_FIELDS, match=match
                )
                self._user(row, "reviewer_id", decision, "reviewer", null=False)

        for change in record.records("threshold_changes"):
            row = self._add(
                ThresholdChange, change, schema.THRESHOLD_CHANGE_FIELDS, run=run
            )
            self._user(row, "changed_by_id", change, "changed_by", null=False)

    def _current_standards(self, root: Record) -> None:
        for marked in root.records("current_standards"):
            row = self._add(
                CurrentStandard,
                marked,
                schema.CURRENT_STANDARD_FIELDS,
                cycle=self.cycle,
            )
            self._standard(row, marked)
            self._user(row, "marked_by_id", marked, "marked_by")
        for change in root.records("current_standard_changes"):
            row = self._add(
                CurrentStandardChange,
                change,
                schema.CURRENT_STANDARD_CHANGE_FIELDS,
                cycle=self.cycle,
            )
            self._standard(row, change)
            self._user(row, "changed_by_id", change, "changed_by", null=False)

    def _standard(self, row, record: Record) -> None:
        natural = (record.text("framework"), record.text("standard"))
        self.standard_refs.append((row, "standard_id", natural))

    def _action(self, record: Record) -> None:
        action = self._add(Action, record, schema.ACTION_FIELDS, cycle=self.cycle)
        self._link(action, "profiles", record, "profile")
        self._link(action, "capabilities", record, "capability")

    # --- Resolving reference data ---------------------------------------------

    def resolve(self) -> None:
        codes = {code for _row, _attname, code in self.area_refs}
        areas = dict(
            FunctionalArea.objects.filter(code__in=codes).values_list("code", "id")
        )
        self._fill(
            self.area_refs,
            areas,
            lambda code: f"Functional area {code}",
            "run import_classification first",
        )

        refs = {ref for _row, _attname, (_kind, ref) in self.statement_refs}
        statements = CapabilityStatement.objects.filter(source_ref__in=refs)
        statements = {
            (kind, ref): pk
            for kind, ref, pk in statements.values_list(
                "source_kind", "source_ref", "id"
            )
        }
        self._fill(
            self.statement_refs,
            statements,
            lambda natural: f"Library statement {natural[0]} {natural[1]}",
            "run import_library first",
        )

        self._resolve_provision()

    def _resolve_provision(self) -> None:
        slugs = {slug for _row, _attname, slug in self.framework_refs}
        slugs |= {natural[0] for _row, _attname, natural in self.standard_refs}
        frameworks = dict(
            Framework.objects.filter(slug__in=slugs).values_list("slug", "id")
        )
        self._fill(
            self.framework_refs,
            frameworks,
            lambda slug: f"Framework {slug!r}",
            "run import_ifate first",
        )

        references = {natural[1] for _row, _attname, natural in self.standard_refs}
        standards = Standard.objects.filter(reference__in=references)
        standards = {
            (slug, reference): pk
            for slug, reference, pk in standards.values_list(
                "framework__slug", "reference", "id"
            )
        }
        self._fill(
            self.standard_refs,
            standards,
            lambda natural: f"Standard {natural[1]}",
            "run import_ifate first",
        )

        # A duty is named by its standard version and its code (D1…Dn).
        wanted = {natural for _row, _attname, natural in self.version_refs}
        wanted |= {natural[:3] for _row, _attname, natural in self.duty_refs}
        versions = StandardVersion.objects.filter(
            standard__reference__in={natural[1] for natural in wanted}
        )
        versions = {
            (slug, reference, version): pk
            for slug, reference, version, pk in versions.values_list(
                "standard__framework__slug", "standard__reference", "version", "id"
            )
        }
        missing = wanted - set(versions)
        if missing:
            raise _missing(
                [f"Standard {_version_name(natural)}" for natural in missing],
                "run import_ifate first",
            )
        field = MatchRun._meta.get_field("versions")
        owner, other = field.m2m_field_name(), f"{field.m2m_reverse_field_name()}_id"
        for run, _field, natural in self.version_refs:
            self.links.append(
                (field.remote_field.through, {owner: run, other: versions[natural]})
            )

        with_duties = {
            versions[natural[:3]] for _row, _attname, natural in self.duty_refs
        }
        by_version = {pk: natural for natural, pk in versions.items()}
        duties = Duty.objects.filter(version_id__in=with_duties).values_list(
            "version_id", "code", "id"
        )
        self._fill(
            self.duty_refs,
            {(*by_version[version], code): pk for version, code, pk in duties},
            lambda natural: f"Duty {natural[3]} of {_version_name(natural)}",
            "run import_ifate first",
        )

    def _fill(self, refs: list[tuple], found: dict, name, remedy: str) -> None:
        """Set each (row, attname, natural key) to the id `found` gives the key,
        or refuse, naming what is missing."""
        missing = {natural for _row, _attname, natural in refs if natural not in found}
        if missing:
            raise _missing([name(natural) for natural in missing], remedy)
        for row, attname, natural in refs:
            setattr(row, attname, found[natural])

    # --- Writing --------------------------------------------------------------

    def write(self) -> Cycle:
        for refs, found in (
            (self.user_refs, self._users()),
            (self.organisation_refs, self._organisations()),
        ):
            for row, attname, key in refs:
                setattr(row, attname, found[key])

        cycle = self.cycle
        cycle.save()
        # save() gives a new cycle the default scale; the document has its own.
        cycle.scale.all().delete()
        Cycle.objects.filter(pk=cycle.pk).update(created_at=self.created_at)
        cycle.created_at = self.created_at

        for model in WRITE_ORDER:
            _create(model, self.rows[model])

        by_model = defaultdict(set)
        for row, field, target in self.after_save:
            setattr(row, field, target)
            by_model[type(row), field].add(row)
        for (model, field), rows in by_model.items():
            model.objects.bulk_update(rows, [field], batch_size=BATCH)

        for iteration, name, rows in self.parameter_rows:
            if isinstance(rows, list):
                iteration.parameters[name] = [row and row.pk for row in rows]
            else:
                iteration.parameters[name] = rows.pk
        Iteration.objects.bulk_update(
            {iteration for iteration, _name, _rows in self.parameter_rows},
            ["parameters"],
        )

        by_through = defaultdict(list)
        for through, ends in self.links:
            by_through[through].append(through(**ends))
        for through, rows in by_through.items():
            through.objects.bulk_create(rows, batch_size=BATCH)

        transaction.on_commit(lambda: refresh_cycle_summary.delay(cycle.pk))
        return cycle

    def _users(self) -> dict[str, int]:
        """People by e-mail: existing accounts (matched by e-mail, then by user
        name), else new inactive ones that cannot sign in until given a password."""
        User = get_user_model()  # noqa: N806
        emails = set(self.people)
        found = {}
        # The e-mail match is read last so that it wins; among equals, the oldest.
        for field in (User.USERNAME_FIELD, "email"):
            users = User.objects.annotate(key=Lower(field)).filter(key__in=emails)
            found.update(users.order_by("-pk").values_list("key", "pk"))

        new = []
        for email in sorted(emails - set(found)):
            user = User(email=email, is_active=False, **self.people[email])
            setattr(user, User.USERNAME_FIELD, email)
            user.set_unusable_password()
            new.append(user)
        User.objects.bulk_create(new)
        found.update({user.email: user.pk for user in new})
        return found

    def _organisations(self) -> dict[str, int]:
        names = {name for _row, _attname, name in self.organisation_refs}
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
