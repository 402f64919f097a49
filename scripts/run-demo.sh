#!/usr/bin/env bash
# Installs what is needed, loads the demonstration cycle and serves the app on
# http://127.0.0.1:8000 with the zero-setup defaults (SQLite, in-process tasks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
source scripts/bootstrap.sh

export DEBUG="${DEBUG:-true}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
echo
echo "Foresight is starting on http://127.0.0.1:8000/ (Ctrl-C stops it)."
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
