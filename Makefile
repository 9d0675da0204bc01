# Peiyu: `make run` to start the demo, `make test` to test. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= full

.PHONY: run serve install test test-sqlite test-postgres check lint messages bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Peiyu needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

run: $(STAMP)
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py demo
	$(PY) manage.py schedule_tasks
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Peiyu is serving on http://$(HOST):$(PORT)/ with a task worker; Ctrl-C stops both."
	@$(PY) manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile - --log-level warning

test: $(STAMP)
	$(VENV)/bin/pytest -q

# The whole suite on PostgreSQL: set TEST_POSTGRES_URL, e.g. postgres://postgres@127.0.0.1:5432/peiyu
test-postgres: $(STAMP)
	DATABASE_URL=$(TEST_POSTGRES_URL) $(VENV)/bin/pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

check: lint
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	@# With TEST_POSTGRES_URL the PostgreSQL run goes alongside the SQLite one (a core each);
	@# its output follows once both are done.
	@if [ -n "$(TEST_POSTGRES_URL)" ]; then \
	  log=$$(mktemp); \
	  (DATABASE_URL=$(TEST_POSTGRES_URL) $(VENV)/bin/pytest -q > $$log 2>&1; echo $$? > $$log.rc) & pg=$$!; \
	  echo "== the suite on SQLite (PostgreSQL alongside)"; $(VENV)/bin/pytest -q; sqlite=$$?; \
	  wait $$pg; echo "== the suite on PostgreSQL"; cat $$log; postgres=$$(cat $$log.rc); rm -f $$log $$log.rc; \
	  test $$sqlite -eq 0 && test $$postgres -eq 0; \
	else $(VENV)/bin/pytest -q && echo "TEST_POSTGRES_URL is not set: PostgreSQL run skipped"; fi

# Compile the translations after editing locale/*/LC_MESSAGES/django.po (needs GNU gettext).
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'static/vendor/*'
	$(PY) manage.py compilemessages -l zh_Hans --ignore '.venv/*'

bench: $(STAMP)
	$(PY) -m bench --scale $(SCALE)

clean:
	rm -rf $(VENV) var/static
