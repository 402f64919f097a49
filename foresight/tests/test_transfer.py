import copy
import json
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from analysis.models import Match, ReviewDecision, RunFigures
from foresight.models import Cycle, Organisation, Role
from foresight.tests.transfer_cycle import HISTORY, build_cycle
from foresight.transfer import (
    FORMAT,
    TransferError,
    dumps,
    export_cycle,
    import_cycle,
    schema,
)
from profiles.models import Iteration, ProfileChange
from reports.models import Action
from workshops.anonymity import respondent_for
from workshops.models import Proposal, Rating, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(convener) -> Cycle:
    return build_cycle(convener)


@pytest.fixture
def document(rich) -> dict:
    return export_cycle(rich)


def every_count() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        found = set(value)
        for item in value.values():
            found |= keys_in(item)
        return found
    if isinstance(value, list):
        return set().union(*map(keys_in, value)) if value else set()
    return set()


# --- Round trip ----------------------------------------------------------------------


def test_exporting_an_imported_cycle_gives_the_same_document(rich, document):
    imported = import_cycle(json.loads(dumps(document)))

    assert imported.pk != rich.pk
    assert dumps(export_cycle(imported)) == dumps(document)


def test_the_document_carries_every_part_of_the_cycle(document):
    assert document["format"] == FORMAT
    assert document["version"] == 1
    assert len(document["capabilities"]) == 3
    assert [w["kind"] for w in document["workshops"]] == [
        "proficiency",
        "capture",
        "ksb",
    ]
    proficiency = document["workshops"][0]
    assert [len(r["items"]) for r in proficiency["rounds"]] == [6, 1]
    assert sum(len(item["ratings"]) for item in proficiency["rounds"][0]["items"]) == 18
    assert len(document["iterations"]) == 2
    assert len(document["match_runs"][0]["matches"]) == 9
    assert document["current_standards"][0]["standard"] == "ST0123"
    assert [c["action"] for c in document["current_standard_changes"]] == [
        "marked",
        "unmarked",
        "marked",
    ]
    assert document["actions"][0]["profiles"] == ["f3"]


def test_the_document_holds_no_database_ids(document):
    assert not {key for key in keys_in(document) if key == "id" or key.endswith("_id")}
    assert document["iterations"][1]["parameters"]["applied"] == ["x1"]
    assert document["iterations"][0]["parameters"]["workshop"] == "w1"


def test_the_imported_cycle_keeps_answers_people_and_matches(rich, document):
    imported = import_cycle(copy.deepcopy(document))

    assert imported.title == rich.title
    assert imported.stage == rich.stage
    assert imported.recommendations == "Fund a new standard."
    assert imported.convener_organisation == rich.convener_organisation
    assert imported.scale.get(value=3).label == "Leader"
    assert imported.stage_changes.get(to_stage="identify").changed_at == HISTORY
    convener = imported.memberships.get(role=Role.CONVENER)
    assert convener.user == rich.created_by
    assert convener.organisation.name == "Catapult"

    adopted = imported.capabilities.get(ref="17000")
    assert adopted.statement.source_ref == "888"
    assert adopted.area.code == "A07.2"
    assert sorted(adopted.partners.values_list("name", flat=True)) == [
        "Manufacturer",
        "Suppliers",
    ]

    def first_ratings(cycle):
        item = (
            Workshop.objects.get(cycle=cycle, kind="proficiency")
            .rounds.get(number=1)
            .items.order_by("pk")
            .first()
        )
        return list(item.ratings.order_by("pk").values_list("respondent", "value"))

    assert first_ratings(imported) == first_ratings(rich)
    ann = get_user_model().objects.get(email="ann@example.org")
    original = Workshop.objects.get(cycle=rich, kind="proficiency")
    assert Rating.objects.filter(
        item__round__workshop__cycle=imported,
        respondent=respondent_for(original.pk, ann.pk),
    ).exists()

    decision = ReviewDecision.objects.filter(match__run__cycle=imported).first()
    assert decision.reviewer.email == "reviewer@example.org"
    assert decision.match.duty.code == "D2"
    assert decision.match.duty.version.version == "1.1"
    assert decision.match.capability == adopted
    assert Match.objects.filter(run__cycle=imported).count() == 9

    duplicate = Proposal.objects.get(
        workshop__cycle=imported, duplicate_of__isnull=False
    )
    assert duplicate.duplicate_of.promoted_to == adopted
    final = Iteration.objects.get(cycle=imported, is_final=True)
    split = ProfileChange.objects.get(iteration__cycle=imported, kind="split")
    assert split.applied_in == final
    assert final.parameters["applied"] == [split.pk]
    assert split.moved_capabilities.get().text == "Calibrate robots in cell therapy."
    action = Action.objects.get(cycle=imported)
    assert action.profiles.get().iteration == final
    assert action.capabilities.get().text == "Calibrate robots in cell therapy."


def test_importing_twice_makes_two_cycles(document):
    first, second = import_cycle(document), import_cycle(document)

    assert first.pk != second.pk
    assert Cycle.objects.filter(title="Robotics in cell therapy").count() == 3
    assert Organisation.objects.filter(name="Catapult").count() == 1


def test_people_unknown_here_get_inactive_accounts_without_a_password(document):
    document["people"].append(
        {"email": "New@Elsewhere.org", "first_name": "New", "last_name": "Person"}
    )
    document["members"].append(
        {
            "email": "new@elsewhere.org",
            "role": "reader",
            "organisation": "Elsewhere Ltd",
            "created_at": HISTORY.isoformat(),
        }
    )
    users = get_user_model().objects.count()

    imported = import_cycle(document)

    assert get_user_model().objects.count() == users + 1
    newcomer = imported.memberships.get(role="reader", user__email="new@elsewhere.org")
    assert not newcomer.user.is_active
    assert not newcomer.user.has_usable_password()
    assert newcomer.user.first_name == "New"
    assert newcomer.organisation.name == "Elsewhere Ltd"


def test_invitations_report_versions_and_run_figures_are_left_out(rich, document):
    imported = import_cycle(document)

    assert rich.invitations.exists() and rich.reports.exists()
    assert RunFigures.objects.filter(run__cycle=rich).exists()
    assert not imported.invitations.exists()
    assert not imported.reports.exists()
    assert not RunFigures.objects.filter(run__cycle=imported).exists()
    assert not imported.match_runs.get().figures_queued
    assert "invitations" in document["not_included"]
    assert "report versions" in document["not_included"]


def test_export_and_import_take_a_fixed_number_of_queries(
    rich, document, django_assert_max_num_queries
):
    with django_assert_max_num_queries(50):
        export_cycle(rich)
    with django_assert_max_num_queries(90):
        import_cycle(document)


# --- Refusals ----------------------------------------------------------------------


def _rating(document) -> dict:
    return document["workshops"][0]["rounds"][0]["items"][0]["ratings"][0]


def _item(document) -> dict:
    return document["workshops"][0]["rounds"][0]["items"][0]


MALFORMED = {
    "wrong format": (
        lambda d: d.update(format="spreadsheet"),
        "Not a Foresight cycle document",
    ),
    "version 99": (lambda d: d.update(version=99), "version 99 of the cycle format"),
    "missing key": (lambda d: d.pop("workshops"), "'workshops' is missing"),
    "missing nested key": (
        lambda d: _rating(d).pop("value"),
        "document.workshops[0].rounds[0].items[0].ratings[0]: the key 'value'",
    ),
    "wrong type": (
        lambda d: d["match_runs"][0].update(threshold="high"),
        "document.match_runs[0].threshold: expected a number",
    ),
    "value off the scale": (
        lambda d: _rating(d).update(value=7),
        "ratings[0].value:",
    ),
    "not a date": (
        lambda d: d["cycle"].update(start_date="July"),
        "'July' is not an ISO 8601 date",
    ),
    "dangling capability key": (
        lambda d: _item(d).update(capability="c99"),
        "items[0].capability: no capability 'c99' in this document",
    ),
    "dangling change key": (
        lambda d: d["iterations"][1]["parameters"].update(applied=["x9"]),
        "parameters.applied: no change 'x9'",
    ),
    "vote in a missing round": (
        lambda d: d["workshops"][1]["proposals"][0]["votes"][0].update(round=[9]),
        "votes[0].round: there is no round [9].",
    ),
    "key used twice": (
        lambda d: d["capabilities"][1].update(key="c1"),
        "'c1' is used twice",
    ),
    "unknown person": (
        lambda d: d["members"][0].update(email="ghost@example.org"),
        "'ghost@example.org' is not among the document's people",
    ),
    "missing standard version": (
        lambda d: d["match_runs"][0]["versions"][0].update(standard="ST9999"),
        "Standard ST9999 v1.1 is not in this installation: run import_ifate first.",
    ),
    "missing duty": (
        lambda d: d["match_runs"][0]["matches"][0]["duty"].update(code="D9"),
        "Duty D9 of ST0123 v1.1 is not in this installation",
    ),
    "missing current standard": (
        lambda d: d["current_standards"][0].update(standard="ST0999"),
        "Standard ST0999 is not in this installation: run import_ifate first.",
    ),
    "missing area": (
        lambda d: d["capabilities"][0].update(area="A99.9"),
        "Functional area A99.9 is not in this installation",
    ),
    "missing library statement": (
        lambda d: d["capabilities"][0]["statement"].update(source_ref="999"),
        "Library statement onet_task 999 is not in this installation",
    ),
    "a rule only the database checks": (
        lambda d: d["role_levels"][0].update(min_academic_level=6),
        "breaks a rule of the database",
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_document_is_refused_in_one_line_and_nothing_is_written(
    document, tmp_path, case
):
    spoil, expected = MALFORMED[case]
    spoil(document)
    path = tmp_path / "cycle.json"
    path.write_text(dumps(document), encoding="utf-8")
    before = every_count()

    with pytest.raises(CommandError) as refused:
        call_command("import_cycle", str(path))

    assert expected in str(refused.value)
    assert "\n" not in str(refused.value)
    assert every_count() == before


def test_a_file_that_is_not_json_is_refused_in_one_line(rich, tmp_path):
    path = tmp_path / "cycle.json"
    path.write_text('{"format": "foresight-cycle",', encoding="utf-8")
    before = every_count()

    with pytest.raises(
        CommandError, match=re.escape("cycle.json: not valid JSON")
    ) as refused:
        call_command("import_cycle", str(path))

    assert "\n" not in str(refused.value)
    assert every_count() == before


def test_a_document_that_is_not_an_object_is_refused():
    with pytest.raises(TransferError, match="not a JSON object"):
        import_cycle(["foresight-cycle"])


def test_a_user_without_an_email_cannot_be_exported(rich):
    get_user_model().objects.filter(username="reviewer@example.org").update(email="")

    with pytest.raises(
        TransferError, match=re.escape("'reviewer@example.org' has no e-mail")
    ):
        export_cycle(rich)


def test_two_users_sharing_an_email_cannot_be_exported(rich):
    get_user_model().objects.filter(username="bob@example.org").update(
        email="ANN@example.org"
    )

    with pytest.raises(
        TransferError, match=re.escape("share the e-mail address ann@example.org")
    ):
        export_cycle(rich)


# --- Commands ----------------------------------------------------------------------


def test_the_commands_move_a_cycle_through_a_file(rich, tmp_path, capsys):
    path = tmp_path / "cycle.json"

    call_command("export_cycle", str(rich.pk), str(path))
    call_command("import_cycle", str(path))

    output = capsys.readouterr().out
    imported = Cycle.objects.exclude(pk=rich.pk).get(title=rich.title)
    assert f"Imported cycle #{imported.pk}: Robotics in cell therapy" in output
    assert path.read_text(encoding="utf-8") == dumps(export_cycle(imported))


def test_importing_a_missing_file_is_refused_in_one_line(tmp_path):
    with pytest.raises(
        CommandError, match=re.escape("nowhere.json: no such file.")
    ) as refused:
        call_command("import_cycle", str(tmp_path / "nowhere.json"))

    assert "\n" not in str(refused.value)


def test_exporting_an_unknown_cycle_or_into_a_missing_folder_is_refused(rich, tmp_path):
    with pytest.raises(CommandError, match=re.escape("No cycle with id 999999.")):
        call_command("export_cycle", "999999", str(tmp_path / "cycle.json"))
    with pytest.raises(CommandError, match="the folder does not exist"):
        call_command("export_cycle", str(rich.pk), str(tmp_path / "no" / "cycle.json"))


# --- The format keeps up with the models ------------------------------------------


def test_every_model_hanging_off_a_cycle_is_carried_or_left_out_on_purpose():
    known = set(schema.FIELDS) | schema.LEFT_OUT
    for model in apps.get_models():
        parents = {
            field.related_model._meta.label
            for field in model._meta.get_fields()
            if field.many_to_one or field.one_to_one
            if field.concrete and field.related_model
        }
        if parents & set(schema.FIELDS) and model._meta.label not in known:
            pytest.fail(
                f"{model._meta.label} hangs off a cycle but transfer ignores it"
            )


@pytest.mark.parametrize("label", schema.FIELDS)
def test_every_plain_field_of_a_carried_model_is_in_the_document(label):
    model = apps.get_model(label)
    plain = {
        field.name
        for field in model._meta.concrete_fields
        if not field.is_relation and not field.primary_key
    }

    left_out = set(schema.LEFT_OUT_FIELDS.get(label, []))
    assert plain == set(schema.FIELDS[label]) | left_out
