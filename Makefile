# Two commands: `make run` (demo on SQLite at http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install messages lint bench load faults cluster-check check-deploy audit

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m ruff check .
	$(PY) -m scripts.import_graph
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest $(PYTEST_ARGS)

messages:
	for app in stations projects workforce assessments; do \
	  (cd $$app && ../$(PY) ../manage.py makemessages -l en --ignore=migrations -v0); done
	$(PY) manage.py makemessages -l en -i stations -i projects -i workforce -i assessments -i .venv -i tests -i var -v0

lint:
	$(PY) -m ruff check .
	$(PY) -m scripts.import_graph

bench: install
	$(PY) scripts/bench.py

faults: install
	$(PY) -m scripts.faults

# Many users at once: the month-end mix against gunicorn on 127.0.0.1 (see scripts/load).
load: install
	$(PY) -m scripts.load

# Two application servers, a worker, PostgreSQL, Redis and SeaweedFS on 127.0.0.1 (see scripts/cluster_check).
cluster-check: install
	$(PY) -m scripts.cluster_check $(CLUSTER_CHECK_ARGS)

# The installed, pinned dependencies against the known-vulnerabilities database (pip-audit in a
# scratch environment of its own, so it is not one of the product's dependencies).
AUDIT_VENV := /tmp/shegongzhan-audit
audit: install
	test -x $(AUDIT_VENV)/bin/pip-audit || ($(PYTHON) -m venv $(AUDIT_VENV) && $(AUDIT_VENV)/bin/pip install -q pip-audit)
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > $(AUDIT_VENV)/requirements.txt
	$(AUDIT_VENV)/bin/pip-audit --no-deps --disable-pip --strict -r $(AUDIT_VENV)/requirements.txt
