# Developer and CI entry points. GNU make 4.3, Debian bookworm.
#
#   make run              embedded mode: SQLite + filesystem broker in var/, web + worker + beat
#   make test             pytest against real PostgreSQL and Redis (START_SERVICES=1 starts them)
#   make lint | format | migrations-check | deploy-check | compose-check
#   make lock             regenerate requirements.lock from pyproject.toml
#   make bench            bench/run.py with BENCH_CASES cases
#
# Nothing here deletes var/: a second `make run` keeps its data.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Steps such as "venv, then compilemessages, then migrate" depend on their order.
.NOTPARALLEL:

PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
BENCH_CASES ?= 100000

# Debian packages. Runtime: WeasyPrint (letters as PDF) needs Pango and HarfBuzz's subsetter;
# fonts for the PDFs; gettext for compilemessages. Tests add Debian's Chromium (Playwright drives
# /usr/bin/chromium) and pdftotext/pdftoppm for checking generated letters.
APT_RUNTIME_PKGS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext
APT_TEST_PKGS := chromium poppler-utils
# More packages to install in the same apt-get run (.ci/run adds docker-compose this way).
EXTRA_APT_PKGS ?=

# sudo only when we are not root and it exists.
SUDO := $(shell if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then echo sudo; fi)

# Compose v1 (Debian's docker-compose) or the v2 plugin, whichever is here.
COMPOSE ?= $(shell if command -v docker-compose >/dev/null 2>&1; then echo docker-compose; \
	elif docker compose version >/dev/null 2>&1; then echo docker compose; \
	else echo docker-compose; fi)

# compilemessages walks every folder under "." for locale/ dirs: keep it out of the venv.
COMPILEMESSAGES_FLAGS := --ignore=$(VENV) --ignore=var --ignore=node_modules --ignore=.git

# $(call apt_ensure,PACKAGES): install those not installed, with one apt-get update.
define apt_ensure
if ! command -v dpkg >/dev/null 2>&1; then \
	echo "No dpkg here: install these packages yourself: $(strip $(1))" >&2; exit 0; \
fi; \
missing=(); \
for p in $(1); do \
	dpkg -s "$$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$$p"); \
done; \
if (( $${#missing[@]} )); then \
	if [ "$$(id -u)" != 0 ] && [ -z "$(SUDO)" ]; then \
		echo "Missing system packages: $${missing[*]}; run as root or install sudo." >&2; exit 1; \
	fi; \
	echo "Installing system packages: $${missing[*]}"; \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=300 "$${missing[@]}"; \
fi
endef

.PHONY: help run system-deps test-deps compose-deps venv compilemessages migrate seed-demo \
	test lint format migrations-check deploy-check compose-check lock bench clean-venv

help:
	@echo "make run               install what is missing, migrate, seed demo data, start web+worker+beat"
	@echo "make test              pytest (PYTEST_ARGS='...'; START_SERVICES=1 starts PostgreSQL/Redis)"
	@echo "make lint | format     ruff"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make deploy-check      manage.py check --deploy on production settings (throwaway secrets)"
	@echo "make compose-check     docker-compose config -q (.env, or .env.example when .env is missing)"
	@echo "make lock              regenerate requirements.lock from pyproject.toml in a clean venv"
	@echo "make bench             bench/run.py (BENCH_CASES=$(BENCH_CASES))"
	@echo "make system-deps | test-deps | venv | clean-venv"

# ---------------------------------------------------------------- machine and environment

system-deps:
	@$(call apt_ensure,$(APT_RUNTIME_PKGS) $(EXTRA_APT_PKGS))

# A superset of system-deps, so `make test` runs apt-get update at most once.
test-deps:
	@$(call apt_ensure,$(APT_RUNTIME_PKGS) $(APT_TEST_PKGS) $(EXTRA_APT_PKGS))

compose-deps:
	@if ! $(COMPOSE) version >/dev/null 2>&1; then $(call apt_ensure,docker-compose); fi

venv: $(VENV)/.installed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when requirements.lock is newer than the stamp.
$(VENV)/.installed: requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.lock
	@touch $@

requirements.lock:
	@echo "requirements.lock is missing: run 'make lock' to generate it." >&2; exit 1

clean-venv:
	rm -rf -- "$(VENV)"

# ---------------------------------------------------------------- embedded run

compilemessages: venv
	@if [ -n "$$(find . -path ./$(VENV) -prune -o -path ./var -prune -o -path ./.git -prune \
		-o -type d -name locale -print -quit)" ]; then \
		echo "$(MANAGE) compilemessages"; $(MANAGE) compilemessages $(COMPILEMESSAGES_FLAGS); \
	else echo "No locale/ directory yet: nothing to compile."; fi

# After migrating, files stored before encryption at rest are sealed (nothing to do after the
# first time: the command skips sealed files).
migrate: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) seal_stored_files

seed-demo: venv
	$(MANAGE) seed_demo

# The demo users log in with the codes the login page lists, which it does only with
# DEMO_MODE on: `make run` (and the seeding it runs) turns it on explicitly; nothing else does.
run seed-demo: export DEMO_MODE = true
run: system-deps venv compilemessages migrate seed-demo
	exec env VENV=$(VENV) bash scripts/run-embedded.sh

# ---------------------------------------------------------------- checks

# DATABASE_URL / REDIS_URL from the environment win over the test settings' defaults.
test: test-deps venv
	@if [ "$${START_SERVICES:-0}" = 1 ]; then bash scripts/ensure-services.sh; fi
	@$(MAKE) --no-print-directory compilemessages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: venv
	$(MANAGE) makemigrations --check --dry-run

# Throwaway values: production settings refuse to load without them. Nothing is connected to.
deploy-check: venv
	DJANGO_SETTINGS_MODULE=protection.settings.production \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(48))')" \
	DJANGO_ALLOWED_HOSTS=example.org \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/protection \
	REDIS_URL=redis://127.0.0.1:6379/0 \
	EMAIL_HOST=localhost \
	PUBLIC_BASE_URL=https://example.org \
	LETTER_SIGNATORY_NAME="Nombre de prueba" \
	FIELD_ENCRYPTION_KEYS="ci:$$($(PY) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
	FIELD_HASH_KEY="$$($(PY) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
	$(MANAGE) check --deploy --fail-level WARNING

# docker-compose.yml takes the app's env_file from PROTECTION_ENV_FILE (default .env) and
# POSTGRES_PASSWORD from the --env-file; without a .env, check against .env.example.
compose-check: compose-deps
	@envfile=.env; [ -f "$$envfile" ] || envfile=.env.example; \
	echo "$(COMPOSE) --env-file $$envfile config -q"; \
	PROTECTION_ENV_FILE="$$envfile" $(COMPOSE) --env-file "$$envfile" config -q

# ---------------------------------------------------------------- dependencies and benchmarks

# requirements.lock = the direct dependencies of pyproject.toml ([project].dependencies plus the
# "dev" extra) and everything they pull in, installed into a throwaway venv and frozen. The list
# is read from pyproject.toml rather than installing ".[dev]", so the project itself needs no
# build configuration. Run after changing a pin in pyproject.toml; commit both files.
lock:
	@tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	echo "Creating a clean venv in $$tmp"; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p.get("optional-dependencies", {}).get("dev", [])))' > "$$tmp/direct.txt"; \
	"$$tmp/venv/bin/python" -m pip install --disable-pip-version-check -q -r "$$tmp/direct.txt"; \
	{ echo "# Generated by 'make lock' from pyproject.toml (runtime + dev). Do not edit by hand."; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable; } > requirements.lock.tmp; \
	mv requirements.lock.tmp requirements.lock; \
	echo "Wrote requirements.lock ($$(grep -vc '^#' requirements.lock) packages)."

# The benchmark needs the runtime packages (letters are rendered) and wrk, the load generator.
APT_BENCH_PKGS := wrk
BENCH_ARGS ?=
.PHONY: bench-deps

bench-deps:
	@$(call apt_ensure,$(APT_RUNTIME_PKGS) $(APT_BENCH_PKGS) $(EXTRA_APT_PKGS))

# Prepares its own databases (protection_bench_<N> and protection_bench_1000) on the PostgreSQL of
# DATABASE_URL (default: the local one), and uses Redis db 10 of REDIS_URL's server for Celery.
bench: bench-deps venv
	BENCH_CASES=$(BENCH_CASES) $(PY) bench/run.py $(BENCH_ARGS)
