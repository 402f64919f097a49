"""The usual cast, set up once per test: a convener with a cycle, panellists of
that cycle, and an outsider who convenes another cycle."""

import os
import time

import pytest
from django.contrib.auth import get_user_model

from foresight.models import Cycle, Membership, Role


def make_user(name: str, *, staff: bool = False):
    return get_user_model().objects.create_user(
        username=f"{name}@example.org",
        email=f"{name}@example.org",
        password="correct horse battery",
        first_name=name.title(),
        is_staff=staff,
    )


def join(user, cycle: Cycle, role: Role) -> Membership:
    return Membership.objects.create(user=user, cycle=cycle, role=role)


@pytest.fixture
def convener(db):
    return make_user("convener", staff=True)


@pytest.fixture
def cycle(convener) -> Cycle:
    cycle = Cycle.objects.create(title="Robotics in cell therapy", created_by=convener)
    join(convener, cycle, Role.CONVENER)
    return cycle


@pytest.fixture
def employer(cycle):
    user = make_user("employer")
    join(user, cycle, Role.EMPLOYER)
    return user


@pytest.fixture
def reader(cycle):
    user = make_user("reader")
    join(user, cycle, Role.READER)
    return user


@pytest.fixture
def outsider(db):
    """A convener too, but of another cycle."""
    user = make_user("outsider", staff=True)
    other = Cycle.objects.create(title="Another cycle", created_by=user)
    join(user, other, Role.CONVENER)
    return user


@pytest.fixture
def other_cycle(outsider) -> Cycle:
    return Cycle.objects.get(title="Another cycle")


@pytest.fixture(autouse=True)
def plain_http(settings):
    # Tests speak plain HTTP to the test client; production redirects to HTTPS.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The real hasher is slow on purpose; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_stay_in_their_test(request):
    """Only tests marked celery_worker send tasks to the live worker; the others
    run them in-process. A task a test queues must not run later, in the live
    worker, against the next test's data (or while it is being flushed). A
    worker test waits, when it ends, until the worker has nothing left to do."""
    from foresight.celery import app

    if not request.node.get_closest_marker("celery_worker"):
        before = app.conf.task_always_eager
        app.conf.task_always_eager = True
        yield
        app.conf.task_always_eager = before
        return
    yield
    if not app.conf.task_always_eager:
        _wait_until_the_worker_is_idle(app)


def _wait_until_the_worker_is_idle(app, seconds: float = 60) -> None:
    # Tasks queued with a countdown wait in the worker as "scheduled".
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        inspect = app.control.inspect(timeout=1)
        busy = [inspect.active(), inspect.scheduled(), inspect.reserved()]
        if not any(tasks for answer in busy for tasks in (answer or {}).values()):
            return
        time.sleep(0.5)
    pytest.fail(f"The Celery worker was still busy {seconds:.0f} s after the test.")


@pytest.fixture
def eager_celery():
    """Run tasks in-process, as the zero-setup default does without REDIS_URL."""
    from foresight.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def require_live_worker() -> None:
    """Skip (fail under CI) unless a Celery worker answers on REDIS_URL."""
    from django.conf import settings

    from foresight.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("REDIS_URL is not set: no worker to talk to")
    if not app.control.ping(timeout=3):
        message = "no Celery worker answered on REDIS_URL"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
