"""What the benchmark scripts share: a throwaway database and peak memory."""

import resource
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


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
