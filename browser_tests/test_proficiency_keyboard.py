"""A panellist answers a proficiency round with the keyboard alone: Tab to an
item, arrows or Space to choose, typing a reason, Enter on the button."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import loaded, tab_to
from workshops.anonymity import respondent_for
from workshops.forms import CANT_JUDGE
from workshops.models import Rating
from workshops.tests.helpers import (
    items_of,
    on_panel,
    open_round,
    proficiency_workshop,
    url,
)

# The radios' values in order: Not required, Awareness, Practitioner, Expert,
# and Can't judge, which is stored as no value.
SCALE = ["0", "1", "2", "3", CANT_JUDGE]


@pytest.fixture
def sheet(cycle):
    workshop = proficiency_workshop(cycle, capabilities=2, levels=2)
    (ada,) = on_panel(workshop, "ada")
    round = open_round(workshop)
    return workshop, ada, items_of(round)


def swapped(page, item, press: str) -> None:
    """Press a key and wait until the saved item has replaced the one on the
    page (each change saves at once)."""
    fieldset = f"#item-{item.pk}"
    page.eval_on_selector(fieldset, "element => element.dataset.before = 'yes'")
    page.keyboard.press(press)
    expect(page.locator(f"{fieldset}:not([data-before]) .saved")).to_be_visible()


def choose(page, item, value: str) -> None:
    """Choose the radio of `value` as a keyboard user does: Tab to the item's
    radios, then ArrowRight until it is chosen (Space when the focus already
    is on it, unchosen). Every change is saved at once and the saved item
    replaces the one on the page, so the focus is found again after each."""
    radios = f'input[name="value-{item.pk}"]'
    wanted = page.locator(f"{radios}[value='{value}']")
    for _ in range(len(SCALE)):
        tab_to(page, radios)
        if wanted.is_checked():
            return
        on_it = wanted.evaluate("radio => radio === document.activeElement")
        swapped(page, item, "Space" if on_it else "ArrowRight")
    raise AssertionError(f"{value} was never chosen for item {item.pk}")


def test_a_panellist_answers_every_item_with_the_keyboard_alone(browse, sheet):
    workshop, ada, items = sheet
    page = browse(ada)
    page.goto(url(workshop, "proficiency/"))
    loaded(page, "htmx")

    choose(page, items[0], "3")  # Expert
    choose(page, items[1], "0")  # Not required
    choose(page, items[2], CANT_JUDGE)
    choose(page, items[3], "2")  # Practitioner
    tab_to(page, f"#rationale-{items[3].pk}")
    page.keyboard.type("Runs the platform day to day.")
    # Leaving the box saves the reason.
    swapped(page, items[3], "Tab")
    expect(page.locator("#progress")).to_contain_text("4 of 4 answered")

    mine = Rating.objects.filter(respondent=respondent_for(workshop.pk, ada.pk))
    stored = {r.item_id: (r.value, r.rationale) for r in mine}
    assert stored == {
        items[0].pk: (3, ""),
        items[1].pk: (0, ""),
        items[2].pk: (None, ""),
        items[3].pk: (2, "Runs the platform day to day."),
    }

    # The button posts the whole form too, as it does without JavaScript.
    tab_to(page, "form[action$='/proficiency/'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Saved 4 answers.")
    assert mine.count() == 4


def test_the_focus_stays_on_the_answer_while_arrows_move_through_the_scale(
    browse, sheet
):
    workshop, ada, items = sheet
    page = browse(ada)
    page.goto(url(workshop, "proficiency/"))
    radios = f'input[name="value-{items[0].pk}"]'
    tab_to(page, radios)

    swapped(page, items[0], "ArrowRight")
    page.keyboard.press("ArrowRight")

    # The arrow acts at once or not at all: no need to wait the full timeout.
    expect(page.locator(f"{radios}[value='2']")).to_be_checked(timeout=2_000)
    expect(page.locator(f"{radios}[value='2']")).to_be_focused()
