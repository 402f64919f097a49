import os
import subprocess
import sys
from pathlib import Path

import pytest

from foresight.env import EnvError, celery_config, database_config, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k7#Qz!r2Lw9@xT4vB8nM1pS6dF3gH0jY5uE-cA_oI+eR*tU&yW",
    "ALLOWED_HOSTS": "foresight.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_booleans_accept_the_usual_words_and_refuse_others():
    assert env_bool("DEBUG", False, {"DEBUG": "Yes"}) is True
    assert env_bool("DEBUG", True, {"DEBUG": "0"}) is False
    assert env_bool("DEBUG", True, {}) is True
    with pytest.raises(EnvError, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", False, {"DEBUG": "maybe"})


def test_integers_are_checked():
    assert env_int("EMAIL_PORT", 25, {"EMAIL_PORT": "587"}) == 587
    with pytest.raises(EnvError, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25, {"EMAIL_PORT": "five"})


def test_no_database_url_means_a_sqlite_file_in_the_project(tmp_path):
    config = database_config(tmp_path, {})
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == tmp_path / "db.sqlite3"


def test_a_postgres_url_is_parsed(tmp_path):
    config = database_config(
        tmp_path, {"DATABASE_URL": "postgres://me@127.0.0.1:5432/fs"}
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("fs", "127.0.0.1", 5432)


@pytest.mark.parametrize(
    "url", ["mysql//oops", "http://x/y", "postgres://host:notaport/db"]
)
def test_malformed_database_urls_are_refused(tmp_path, url):
    with pytest.raises(EnvError, match="DATABASE_URL"):
        database_config(tmp_path, {"DATABASE_URL": url})


def test_celery_is_eager_without_redis_and_uses_redis_when_set():
    assert celery_config({})["CELERY_TASK_ALWAYS_EAGER"] is True
    config = celery_config({"REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert config["CELERY_TASK_ALWAYS_EAGER"] is False
    assert config["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/3"
    with pytest.raises(EnvError, match="REDIS_URL"):
        celery_config({"REDIS_URL": "localhost:6379"})


def test_debug_maybe_stops_start_up_naming_the_variable():
    result = manage("check", DEBUG="maybe")

    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_database_url_stops_start_up_naming_the_variable():
    result = manage("check", DEBUG="true", DATABASE_URL="mysql//oops")

    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    result = manage("check", DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_values_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
