#!/usr/bin/env bash
# Runs the whole test suite. Extra arguments go to pytest.
# With DATABASE_URL and REDIS_URL unset it runs on SQLite with in-process tasks;
# .ci/run points both at the real services and starts a Celery worker.
set -euo pipefail
cd "$(dirname "$0")/.."
# Chromium for the browser tests, Pango for the PDF report.
bash scripts/system-packages.sh --browser
source scripts/bootstrap.sh

export SECRET_KEY="${SECRET_KEY:-test-only-secret-key-not-for-any-real-deployment}"
# pytest exits 5 when it collected no test; that is a failure here too.
exec .venv/bin/pytest "$@"
