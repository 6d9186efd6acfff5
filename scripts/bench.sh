#!/usr/bin/env bash
# Samsyn's benchmarks (issue 5): generate a deterministic history of Göteborgsområdet, then run
# the suite (pages, API, sweeper, statistics, admissions) and a bounded load run against gunicorn.
#
#   make bench                                  # PostgreSQL 1 and 10 years, SQLite 1 year
#   BENCH_SIZES="1" BENCH_BACKENDS="sqlite" make bench
#   BENCH_REGENERATE=1 make bench               # build the histories again
#   BENCH_QUICK=1 make bench                    # developers: PostgreSQL 1 year, short runs
#
# PostgreSQL: databases samsyn_bench_<N>y on BENCH_POSTGRES_URL (default the local server);
# SQLite: var/bench/<N>y/samsyn.sqlite3. A history is generated once and reused while its
# database exists (the benchmarks add a few hundred admissions to it each run).
# Results: bench/results/<backend>-<N>y.json and load-<backend>-<N>y.json; the tables are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=samsyn.settings
# gunicorn refuses the public development key with DEBUG off (issue 9): one key for the run,
# shared by this process (which makes the load run's sessions) and the server.
export SECRET_KEY=${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}

QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
  BACKENDS=${BENCH_BACKENDS:-"postgresql"}
  SIZES=${BENCH_SIZES:-"1"}
  LOAD_SECONDS=${BENCH_LOAD_SECONDS:-20}
  QUICK_FLAG=--quick
else
  BACKENDS=${BENCH_BACKENDS:-"postgresql sqlite"}
  SIZES=${BENCH_SIZES:-"1 10"}
  LOAD_SECONDS=${BENCH_LOAD_SECONDS:-60}
  QUICK_FLAG=
fi
SQLITE_SIZES=${BENCH_SQLITE_SIZES:-"1"}  # 10 years on SQLite: set BENCH_SQLITE_SIZES="1 10"
SEED=${BENCH_SEED:-1}
PG_URL=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
RUNS=${BENCH_RUNS:-30}
# Ended stays whose process activities the generator replays (days before the end; "all").
PROCESS_DAYS=${BENCH_PROCESS_DAYS:-90}

prepare_postgres() {  # $1 database name; prints "fresh" when it was (re)created
  $PY - "$PG_URL" "$1" "${BENCH_REGENERATE:-0}" <<'PYEOF'
import sys, psycopg
url, name, regenerate = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
    exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists and regenerate:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        exists = None
    if not exists:
        conn.execute(f'CREATE DATABASE "{name}"')
        print("fresh")
PYEOF
}

has_history() {
  $PY manage.py shell -c "from episodes.models import Episode; print('yes' if Episode.objects.exists() else 'no')" 2>/dev/null | tail -1
}

run_one() {  # $1 backend, $2 years
  local backend=$1 years=$2 label="$1-$2y"
  echo "== $label"
  if [ "$backend" = postgresql ]; then
    prepare_postgres "samsyn_bench_${years}y" >/dev/null
    export DATABASE_URL="${PG_URL%/*}/samsyn_bench_${years}y"
    unset SAMSYN_VAR_DIR
  else
    unset DATABASE_URL
    export SAMSYN_VAR_DIR="$PWD/var/bench/${years}y"
    [ "${BENCH_REGENERATE:-0}" = 1 ] && rm -rf "$SAMSYN_VAR_DIR"
    mkdir -p "$SAMSYN_VAR_DIR"
  fi
  $PY manage.py migrate -v0
  if [ "$(has_history)" != yes ]; then
    time $PY manage.py generate_history --years "$years" --seed "$SEED" --process-days "$PROCESS_DAYS"
  fi
  $PY manage.py run_benchmarks --label "$label" --runs "$RUNS" $QUICK_FLAG
  # Capacity (every user calls again at once), then at people's pace (a pause of ~2 s).
  $PY manage.py run_load --label "$label" --seconds "$LOAD_SECONDS" || load_failed=1
  $PY manage.py run_load --label "$label-paced" --seconds "$LOAD_SECONDS" --think 2 || load_failed=1
}
load_failed=0

for backend in $BACKENDS; do
  sizes=$SIZES
  [ "$backend" = sqlite ] && sizes=$SQLITE_SIZES
  for years in $sizes; do
    run_one "$backend" "$years"
  done
done
# Every table with each goal's verdict (✔ met, ✘ missed), and the same tables into
# docs/performance.md with the machine's load average.
$PY manage.py bench_report --print
if [ "$load_failed" = 1 ]; then
  echo "A load run lost or corrupted a confirmed write (see above)." >&2
  exit 1
fi
