"""The convener's forms: good input is saved, bad input is shown and nothing saved."""

from foresight.models import Cycle, Membership, ProficiencyLevel, Role, RoleLevel


def test_a_convener_creates_a_cycle_and_becomes_its_convener(client, convener):
    client.force_login(convener)

    response = client.post("/cycles/new/", {**cycle_fields(), "title": "Digital twins"})

    cycle = Cycle.objects.get(title="Digital twins")
    assert response.url == f"/cycles/{cycle.pk}/setup/"
    assert Membership.objects.filter(
        user=convener, cycle=cycle, role=Role.CONVENER
    ).exists()
    labels = list(cycle.scale.values_list("label", flat=True))
    assert labels == ["Not required", "Awareness", "Practitioner", "Expert"]


def cycle_fields(**overrides) -> dict:
    fields = {
        "title": "A cycle",
        "min_panel_size": 3,
        "agreement_threshold": 0.7,
        "iqr_limit": 1,
        "stability_limit": 0.15,
    }
    return fields | overrides


def test_an_empty_or_overlong_title_is_refused(client, convener):
    client.force_login(convener)

    for title in ["", "   ", "x" * 201]:
        response = client.post("/cycles/new/", cycle_fields(title=title))
        assert response.status_code == 400, title
        assert "errorlist" in response.content.decode()

    assert not Cycle.objects.exists()


def test_editing_with_a_bad_title_keeps_the_stored_one(client, cycle, convener):
    client.force_login(convener)

    response = client.post(f"/cycles/{cycle.pk}/setup/details/", cycle_fields(title=""))

    assert response.status_code == 400
    cycle.refresh_from_db()
    assert cycle.title == "Robotics in cell therapy"


def test_dates_out_of_order_are_refused(client, cycle, convener):
    client.force_login(convener)
    fields = cycle_fields(title="Dated", start_date="2024-10-01", end_date="2024-07-01")

    response = client.post(f"/cycles/{cycle.pk}/setup/details/", fields)

    assert response.status_code == 400
    assert "cannot end before" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.title == "Robotics in cell therapy"


def test_editing_details_saves_them(client, cycle, convener):
    client.force_login(convener)
    fields = cycle_fields(title="Renamed", convener_organisation_name="CGT Catapult")

    response = client.post(f"/cycles/{cycle.pk}/setup/details/", fields)

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.title == "Renamed"
    assert cycle.convener_organisation.name == "CGT Catapult"


def test_an_academic_level_outside_2_to_7_is_refused(client, cycle, convener):
    client.force_login(convener)

    for low, high in [(1, 4), (5, 8), (6, 4)]:
        response = client.post(
            f"/cycles/{cycle.pk}/setup/role_levels/",
            {
                "name": f"Level {low}-{high}",
                "min_academic_level": low,
                "max_academic_level": high,
            },
        )
        assert response.status_code == 400, (low, high)

    assert not RoleLevel.objects.exists()


def test_a_role_level_is_added(client, cycle, convener):
    client.force_login(convener)

    client.post(
        f"/cycles/{cycle.pk}/setup/role_levels/",
        {"name": "Scientists", "min_academic_level": 5, "max_academic_level": 6},
    )

    level = cycle.role_levels.get()
    assert (level.name, level.academic_range) == ("Scientists", "Levels 5–6")


def test_a_duplicated_partner_name_is_refused(client, cycle, convener, other_cycle):
    client.force_login(convener)
    url = f"/cycles/{cycle.pk}/setup/partners/"
    client.post(url, {"name": "C&G Manufacturer"})

    response = client.post(url, {"name": "  c&g manufacturer "})

    assert response.status_code == 400
    assert "already has one named" in response.content.decode()
    assert list(cycle.partners.values_list("name", flat=True)) == ["C&G Manufacturer"]
    # Another cycle may use the same name.
    other_cycle.partners.create(name="C&G Manufacturer")


def test_htmx_gets_the_section_fragment_and_a_form_post_the_whole_page(
    client, cycle, convener
):
    client.force_login(convener)
    url = f"/cycles/{cycle.pk}/setup/partners/"

    fragment = client.post(url, {"name": "Integrators"}, headers={"HX-Request": "true"})
    page = client.post(url, {"name": ""}, follow=False)

    body = fragment.content.decode()
    assert fragment.status_code == 200
    assert body.lstrip().startswith('<section id="partners"')
    assert "Integrators" in body and "<html" not in body
    assert page.status_code == 400
    assert "<html" in page.content.decode()


def test_a_partner_is_removed(client, cycle, convener):
    partner = cycle.partners.create(name="Point of care partners")
    client.force_login(convener)

    response = client.post(f"/cycles/{cycle.pk}/setup/partners/{partner.pk}/delete/")

    assert response.status_code == 302
    assert not cycle.partners.exists()


def test_the_scale_labels_are_edited_and_must_stay_distinct(client, cycle, convener):
    client.force_login(convener)
    levels = list(cycle.scale.all())

    def scale_post(labels: list[str]) -> dict:
        data = {"scale-TOTAL_FORMS": 4, "scale-INITIAL_FORMS": 4}
        for index, (level, label) in enumerate(zip(levels, labels, strict=True)):
            data |= {f"scale-{index}-id": level.pk, f"scale-{index}-label": label}
        return data

    response = client.post(
        f"/cycles/{cycle.pk}/setup/scale/",
        scale_post(["None", "Aware", "Aware", "Lead"]),
    )
    assert response.status_code == 400
    assert cycle.scale.get(value=1).label == "Awareness"

    response = client.post(
        f"/cycles/{cycle.pk}/setup/scale/",
        scale_post(["None", "Aware", "Doer", "Lead"]),
    )
    assert response.status_code == 302
    assert list(cycle.scale.values_list("label", flat=True)) == [
        "None",
        "Aware",
        "Doer",
        "Lead",
    ]


def test_the_scale_form_cannot_add_levels_or_edit_another_cycles(
    client, cycle, convener, other_cycle
):
    client.force_login(convener)
    theirs = other_cycle.scale.get(value=1)
    data = {
        "scale-TOTAL_FORMS": 1,
        "scale-INITIAL_FORMS": 1,
        "scale-0-id": theirs.pk,
        "scale-0-label": "Pwned",
    }

    response = client.post(f"/cycles/{cycle.pk}/setup/scale/", data)

    assert response.status_code == 400
    assert ProficiencyLevel.objects.get(pk=theirs.pk).label == "Awareness"
    assert ProficiencyLevel.objects.count() == 8
