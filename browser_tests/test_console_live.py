"""The facilitator's console follows the panel by itself: an answer given in
another browser shows on the console without reloading it."""

from playwright.sync_api import expect

from browser_tests.helpers import loaded
from workshops.tests.helpers import (
    items_of,
    on_panel,
    open_round,
    proficiency_workshop,
    url,
)


def test_the_console_shows_a_new_answer_without_being_reloaded(browse, cycle, convener):
    workshop = proficiency_workshop(cycle, capabilities=2, levels=2)
    _ada, ben = on_panel(workshop, "ada", "ben")
    first = items_of(open_round(workshop))[0]

    console = browse(convener)
    console.goto(url(workshop, "console/"))
    loaded(console, "htmx")
    row = console.locator("#live tbody tr", has_text="Ben")
    expect(row.locator("td").nth(1)).to_have_text("0")
    # A full reload would forget this.
    console.evaluate("window.stillTheSamePage = true")

    panellist = browse(ben)
    panellist.goto(url(workshop, "proficiency/"))
    panellist.locator(f"#item-{first.pk}").get_by_label("Expert").check()
    expect(panellist.locator("#progress")).to_contain_text("1 of 4 answered")

    # The console asks for its live part every 5 seconds.
    expect(row.locator("td").nth(1)).to_have_text("1")
    expect(row.locator("td").nth(2)).to_have_text("3")
    expect(console.locator("#live")).to_contain_text("Not finished: Ada, Ben.")
    assert console.evaluate("window.stillTheSamePage") is True
