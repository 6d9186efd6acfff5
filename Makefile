# Samsyn: `make run` starts it on SQLite with demo data; `make test` runs every check.
.PHONY: run test setup demo bench lint format messages

run: setup
	.venv/bin/python manage.py migrate -v0
	.venv/bin/python manage.py seed_demo
	.venv/bin/python manage.py schedule_jobs
	.venv/bin/python manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	DEBUG=1 SAMSYN_DEMO_CITIZEN_LOGIN=1 .venv/bin/python manage.py runserver 127.0.0.1:8000

setup:
	bash scripts/bootstrap.sh

test:
	bash scripts/test.sh

bench: setup
	bash scripts/bench.sh

lint:
	.venv/bin/python -m ruff format --check . && .venv/bin/python -m ruff check .

format:
	.venv/bin/python -m ruff format . && .venv/bin/python -m ruff check --fix .

messages:
	.venv/bin/python manage.py makemessages -l en --ignore=.venv --no-obsolete
	.venv/bin/python manage.py compilemessages --ignore=.venv
