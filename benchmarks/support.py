"""What the benchmark scripts share: a throwaway database, peak memory, the
database's name, and serving the app with gunicorn to signed-in clients."""

import os
import resource
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
# Sessions a script makes must verify in the gunicorn it starts: one secret for
# both, set as SECRET_KEY before Django is set up.
SECRET = "benchmark-only-secret-" * 3


def throwaway_database(url: str, name: str) -> tuple[str, Callable[[], None]]:
    """A DATABASE_URL for an empty database `name` on the server `url` names (a
    temporary SQLite file when it is not PostgreSQL), and how to remove it."""
    if not url.startswith(("postgres", "pgsql")):
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)

    import psycopg

    parts = urlsplit(url)._replace(scheme="postgresql")
    server = urlunsplit(parts._replace(path="/postgres"))

    def execute(sql: str) -> None:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(sql)

    execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    execute(f"CREATE DATABASE {name}")
    bench_url = urlunsplit(parts._replace(path=f"/{name}"))
    return bench_url, lambda: execute(f"DROP DATABASE {name} WITH (FORCE)")


def max_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_throwaway_database(name: str, work: Callable[[], str]) -> str:
    """Set Django up on a migrated, empty throwaway database `name` (see
    throwaway_database), run `work` with tasks in-process and the query log
    off, drop the database, and return what `work` returned."""
    url, drop = throwaway_database(os.environ.get("DATABASE_URL", ""), name)
    os.environ["DATABASE_URL"] = url
    # Tasks run in-process, so what they cost is timed too.
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DEBUG", "true")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foresight.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    try:
        call_command("migrate", verbosity=0)
        # The debug cursor would time its own query log too.
        settings.DEBUG = False
        return work()
    finally:
        connections.close_all()
        drop()


def save_section(results: Path, header: str, section: str) -> None:
    """Replace the section of `results` whose heading names the same database
    (the section's first line, `## <database> …`), keeping the others."""
    import re

    name = section.splitlines()[0].split()[1]
    text = results.read_text() if results.exists() else header
    pattern = re.compile(rf"^## {name}\b.*?(?=^## |\Z)", re.S | re.M)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(pattern.sub("", text).rstrip() + "\n\n" + section)


def database_description() -> str:
    """The database Django is set up on, with its version: a results heading."""
    from django.db import connection

    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        return f"PostgreSQL {major}.{minor}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def signed_in_session(user) -> str:
    """The key of a new database session signed in as `user`, for a Cookie
    header (Django must be set up, with SECRET as its SECRET_KEY)."""
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    """gunicorn serving the app on 127.0.0.1:`port` with `workers` sync workers,
    DEBUG off and cookies over plain HTTP, on this process's environment (so the
    same database and secret). It returns at once; the caller waits for it."""
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "foresight.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ
        | {
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            # Nothing here asks for static files; WhiteNoise need not say so.
            "PYTHONWARNINGS": "ignore:No directory at",
        },
    )
