"""What the browser tests share: proof that the scripts loaded, and moving the
keyboard focus the way a person does, one Tab at a time."""

# Where the focused element lies from the target: 0 on it, -1 before it or
# nowhere (on the page itself: at the start, or after its element was swapped
# out, when Tab goes on from where that element was), 1 after it.
SIDE = """(target) => {
  const element = document.activeElement;
  const wanted = document.querySelector(target);
  if (!element || element === document.body) return -1;
  if (wanted === element || (element.name && element.name === wanted.name)) return 0;
  return wanted.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_PRECEDING
    ? -1 : 1;
}"""


def loaded(page, *names: str) -> None:
    """Fail unless the page's scripts defined these globals (htmx, Chart):
    proof that the static files were served and ran."""
    for name in names:
        kind = page.evaluate(f"typeof window.{name}")
        assert kind != "undefined", f"{name} did not load on {page.url}"


def tab_to(page, target: str, presses: int = 40) -> None:
    """Press Tab (or Shift+Tab, when the focus is past it) until the focus is on
    the element the selector `target` names, or on a radio of its group."""
    for _ in range(presses):
        side = page.evaluate(SIDE, target)
        if side == 0:
            return
        page.keyboard.press("Tab" if side < 0 else "Shift+Tab")
    raise AssertionError(f"{presses} presses of Tab did not reach {target}")
