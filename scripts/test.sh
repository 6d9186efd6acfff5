#!/usr/bin/env bash
# All of Samsyn's checks: lint, migrations, then the whole suite on SQLite and on PostgreSQL.
# PostgreSQL is taken from TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/samsyn).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --browser || exit 1
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=samsyn.settings
export SAMSYN_VAR_DIR=${SAMSYN_VAR_DIR:-$(mktemp -d)}

echo "== ruff"
$PY -m ruff format --check . && $PY -m ruff check . || exit 1
echo "== the layers hold (import-linter)"
.venv/bin/lint-imports --no-cache || exit 1
echo "== types (mypy with django-stubs)"
$PY -m mypy || exit 1
echo "== migrations are up to date"
$PY manage.py makemigrations --check --dry-run >/dev/null || { echo "Missing migrations"; exit 1; }

status=0
echo "== tests on SQLite"
env -u DATABASE_URL $PY -m pytest -q "$@" || status=1

PG_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/samsyn}
if $PY - "$PG_URL" <<'PYEOF'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("/samsyn", "/postgres"), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}")
    sys.exit(1)
PYEOF
then
  echo "== tests on PostgreSQL ($PG_URL)"
  DATABASE_URL=$PG_URL $PY -m pytest -q "$@" || status=1
else
  echo "!! PostgreSQL is NOT reachable at $PG_URL: the suite ran on SQLite only."
  [ "${CI:-}" = "true" ] && status=1
fi
exit $status
