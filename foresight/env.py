"""Typed readers for configuration that comes from environment variables.

Each reader fails loudly with an ``EnvError`` naming the variable, so a typo in
a deployment stops start-up instead of running with a surprising default.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


class EnvError(ImproperlyConfigured):
    """A configuration variable is missing or malformed."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    environ = os.environ if environ is None else environ
    value = environ.get(name)
    return None if value is None else value.strip()


def env_str(
    name: str, default: str = "", environ: Mapping[str, str] | None = None
) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(
    name: str, default: bool, environ: Mapping[str, str] | None = None
) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise EnvError(
        f"{name}={value!r} is not a boolean; use one of true/false, 1/0, yes/no."
    )


def env_int(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise EnvError(f"{name}={value!r} is not a whole number.") from None


def env_list(
    name: str, default: list[str], environ: Mapping[str, str] | None = None
) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_config(
    base_dir: Path, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """DATABASE_URL as a Django database dict; a SQLite file when it is absent."""
    url = _raw("DATABASE_URL", environ)
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": base_dir / "db.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE"},
        }

    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in DATABASE_SCHEMES:
        raise EnvError(
            f"DATABASE_URL={url!r} is malformed: expected postgres://USER@HOST:PORT/NAME "
            "or sqlite:///PATH."
        )
    try:
        max_age = env_int("DB_CONN_MAX_AGE", 60, environ)
        config = dj_database_url.parse(
            url, conn_max_age=max_age, conn_health_checks=True
        )
    except ValueError as error:
        raise EnvError(f"DATABASE_URL is malformed: {error}") from None
    if not config.get("NAME"):
        raise EnvError("DATABASE_URL is malformed: it names no database.")
    return config


def celery_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Celery settings: Redis when REDIS_URL is set, otherwise in-process eager tasks."""
    url = _raw("REDIS_URL", environ)
    if not url:
        return {
            "CELERY_TASK_ALWAYS_EAGER": True,
            "CELERY_TASK_EAGER_PROPAGATES": True,
            "CELERY_BROKER_URL": "memory://localhost/",
            "CELERY_RESULT_BACKEND": "cache+memory://",
        }
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise EnvError(
            f"REDIS_URL={url!r} is malformed: expected redis://HOST:PORT/DB."
        )
    return {
        "CELERY_TASK_ALWAYS_EAGER": False,
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
    }
