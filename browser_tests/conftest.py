"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against
pytest-django's live server, with people signed in by their session cookie.

Locally they skip when Chromium is missing; under CI=true they fail instead, so
a machine without a browser cannot pass the suite by skipping it.
"""

import importlib
import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.test import Client, override_settings

# The insight pages' small but complete cycle (classified capabilities with
# partners and KSBs, a closed proficiency round's consensus, a complete run with
# review decisions, a final iteration of profiles, standards used today).
from insights.tests.conftest import publish, world  # noqa: F401

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# No sandbox: CI runs as root in a container. The rest keeps the browser off the
# network and quiet: it must reach nothing but the live server.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Per action and per expectation: long enough for two shared cores, short enough
# that a page that never answers fails the test quickly.
TIMEOUT_MS = 10_000
# The data migration that makes them, so the tests put back the same rows.
FIVE_FUNCTIONS = importlib.import_module("foresight.migrations.0002_five_functions")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "benchmarks" / "screenshots"


def _unavailable(reason: str) -> None:
    # As conftest.require_live_worker reads it: any value of CI means CI.
    if os.environ.get("CI"):
        pytest.fail(f"Browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for these tests; each test gets fresh contexts."""
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")

    # expect() waits 5 s by default; give it the same time as an action.
    expect.set_options(timeout=TIMEOUT_MS)
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # While it is started, Playwright's sync API keeps an asyncio loop running
        # in this thread, and Django refuses ORM calls from a thread with a running
        # loop. The loop only drives the browser (no Django code runs on it), so
        # allow them, for as long as these tests run and no longer.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started over plain HTTP.

    SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the server thread
    builds its handler; with DEBUG off (as under CI) it is on, and the
    per-test `settings` fixtures come too late to turn it off. So the server
    starts with it off; every other setting is read per request as usual.
    """
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture
def live(transactional_db, live_server, settings) -> str:
    """The live server's URL, with a database the server thread can see.

    transactional_db: the server answers from its own thread (and, on
    PostgreSQL, its own connection), so the test's data must be committed.
    Each such test ends with a flush, which also empties the rows the data
    migration made (the five functions), so they are put back first. (Django's
    serialized rollback cannot do it here: while Playwright runs, this thread
    sees other connection objects than the ones that kept the serialized data,
    since Django keeps them per asyncio context.)

    Static files: pytest-django's live server wraps the app in staticfiles'
    StaticFilesHandler, which serves /static/ from the finders whatever DEBUG
    says, so htmx and Chart.js load without collectstatic (WhiteNoise, which
    reads STATIC_ROOT, finds nothing and lets the request through). The tests
    check that they loaded rather than trust it.
    """
    # Plain HTTP to localhost: cookies marked Secure (the default when DEBUG is
    # off, as under CI) would not be sent back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    FIVE_FUNCTIONS.add_functions(django_apps, None)
    return live_server.url


class Problems(list):
    """What went wrong in the browser: script errors, failed requests, and
    responses of 500 or more, or 400 or more for static files."""

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.append(f"script error: {error}"))
        page.on(
            "requestfailed",
            lambda request: self.append(f"failed: {request.method} {request.url}"),
        )
        page.on("response", self._response)

    def _response(self, response) -> None:
        static = "/static/" in response.url
        if response.status >= 500 or (static and response.status >= 400):
            self.append(f"{response.status}: {response.url}")


@pytest.fixture
def browse(browser, live):
    """browse(user) → a page in a fresh browser context signed in as `user`
    (None: signed out). Every script error or failed request fails the test."""
    contexts, problems = [], Problems()

    def open_as(user=None):
        context = browser.new_context(
            base_url=live,
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
            # Charts draw at once: nothing to wait for between frames.
            reduced_motion="reduce",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        if user is not None:
            context.add_cookies([session_cookie(user, live)])
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield open_as
    for context in contexts:
        context.close()
    if problems:
        # pytest.fail, not assert: an expected failure must not hide these.
        pytest.fail("The browser reported problems:\n" + "\n".join(problems))


def session_cookie(user, url: str) -> dict:
    """A signed-in session made by the test client, faster than the login form."""
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": url}


@pytest.fixture
def published(world, reader):  # noqa: F811 (the fixture imported above)
    """The insights' cycle at Communicate, where its readers see the insights."""
    publish(world.cycle)
    return world
