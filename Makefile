# datasync-openapi: every task goes through this file. `make help` lists the targets.
# The project installs its own tools: a pinned uv bootstraps .venv from uv.lock, npm installs the
# pinned Redocly CLI from package-lock.json. Nothing needs to be installed by hand beyond python3 and node.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(abspath $(VENV))/bin
# The generator's ruff post-hooks and our scripts must find the pinned tools first.
export PATH := $(BIN):$(PATH)
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
REDOCLY := node_modules/.bin/redocly
# Wheels, pinned and hashed by uv.lock, that the wheel tests install from with no index and no cache (so they
# never depend on what uv's cache happens to hold): what a vendored client needs (the `vendored` group), and
# what the tooling package needs to build (the `tooling-build` group) and to run (this project's dependencies).
WHEELHOUSE := $(TOOLS)/wheelhouse
PYTEST_ARGS ?=

.PHONY: help install chromium generate check-generated check-api lint test test-fast docs conformance mock proxy bench diff dist clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

$(WHEELHOUSE)/.done: pyproject.toml uv.lock | $(UV)
	rm -rf $(WHEELHOUSE)
	$(UV) export --frozen --no-default-groups --group vendored --group tooling-build --extra conformance --no-emit-project \
		--no-emit-local --format requirements-txt --no-header --output-file $(TOOLS)/wheelhouse-requirements.txt --quiet
	$(TOOLS)/bin/python -m pip --isolated download --quiet --disable-pip-version-check --no-deps --require-hashes \
		--only-binary=:all: --dest $(WHEELHOUSE) --requirement $(TOOLS)/wheelhouse-requirements.txt
	@touch $@

$(REDOCLY): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Headless Chromium renders the conformance HTML report in a test (Debian's package; root installs it).
CHROMIUM := $(shell command -v chromium 2>/dev/null)
chromium:
ifeq ($(CHROMIUM),)
	@echo "installing Debian's chromium (the HTML report test renders in it)"
	apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
endif

install: $(VENV)/.synced $(WHEELHOUSE)/.done $(REDOCLY) chromium ## create .venv (uv.lock), node_modules (package-lock.json), .tools/wheelhouse; chromium

generate: $(VENV)/.synced ## regenerate generated/ from openapi/ with the pinned generator and ruff
	$(BIN)/python clients/generate.py

check-generated: $(VENV)/.synced ## regenerate into a temp dir and compare with generated/ byte for byte
	$(BIN)/pytest -q tests/generated -k regenerate

check-api: $(VENV)/.synced ## which version bump generated/ needs against each package's release (griffe)
	$(BIN)/python clients/api_check.py

lint: install ## ruff, mypy --strict (hand-written and generated code), spec validator, Redocly
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd generated/datasync-grades && $(BIN)/mypy --strict datasync_grades
	cd generated/datasync-interop && $(BIN)/mypy --strict datasync_interop
	$(BIN)/openapi-spec-validator openapi/grades.yaml openapi/interop.yaml
	$(REDOCLY) lint --format=stylish 2>&1 | grep -v '^ *[║╔╚]' || { echo "redocly lint failed"; exit 1; }

test: lint ## everything CI runs: lint, then every pytest tier under tests/
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.synced $(REDOCLY) ## the inner loop: every tier without the tests marked slow, in 3 processes (no lint)
	$(BIN)/pytest -m "not slow" -n 3 $(PYTEST_ARGS)

docs: $(VENV)/.synced $(REDOCLY) ## build the docs site and both specs' API reference into site/ (offline, --strict)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# make conformance                      both APIs against the embedded mock (started on a free port)
# make conformance API=grades BASE_URL=https://host/v2/grades TOKEN=...        read-only unless WRITES=1
#   or CLIENT_ID=... CLIENT_SECRET=... TOKEN_URL=...; BASIC=key:secret for GET /tenants
#   RATE=5 (requests/s, default 5 for BASE_URL) MAX_TIME=s FAIL_ON=classes|all SEED= PHASES= MAX_EXAMPLES=
#   MAX_RESPONSE_SIZE=16MiB REQUEST_TIMEOUT=s (a deadline for each whole exchange)
#   BASELINE=conformance-baseline.json [UPDATE_BASELINE=1] ALLOW_NOT_EXERCISED=1 REPORTS=reports
#   INCLUDE=listExchanges,getExchange (only these operationIds) SHARD=1/3 (a stable third of the operations)
#   EXCLUDE_CHECKS=ignored_auth (schemathesis checks not to run)
#   PROFILE=tenant (a [profiles.tenant] of datasync.toml or [tool.datasync]; CONFIG=file.toml for another file)
# Exit status of the suite: 0 conforms, 1 findings (new, of a failing class) or operations not exercised, 2 could
# not run, 130 / 143 stopped by SIGINT / SIGTERM (reports written, marked incomplete). The last line says which
# ("conformance: exit 1 (findings)"); make itself exits 2 whenever a recipe fails, so CI that needs 1 vs 2 calls
# .venv/bin/datasync conformance directly.
API ?=
BASE_URL ?=
MAX_EXAMPLES ?=
truthy = $(filter 1 yes true,$(1))
conformance: $(VENV)/.synced ## fuzz a server against the specs (default: the embedded mock); reports in reports/
	@status=0; DATASYNC_TOKEN="$${TOKEN:-}" DATASYNC_CLIENT_ID="$${CLIENT_ID:-}" DATASYNC_CLIENT_SECRET="$${CLIENT_SECRET:-}" \
	DATASYNC_TOKEN_URL="$${TOKEN_URL:-}" DATASYNC_BASIC="$${BASIC:-}" \
	$(BIN)/datasync conformance $(if $(API),--api $(API)) $(if $(BASE_URL),--base-url $(BASE_URL)) \
		$(if $(call truthy,$(WRITES)),--writes) $(if $(MAX_EXAMPLES),--max-examples $(MAX_EXAMPLES)) \
		$(if $(RATE),--rate=$(RATE)) $(if $(MAX_TIME),--max-time $(MAX_TIME)) $(if $(FAIL_ON),--fail-on $(FAIL_ON)) \
		$(if $(MAX_RESPONSE_SIZE),--max-response-size $(MAX_RESPONSE_SIZE)) \
		$(if $(REQUEST_TIMEOUT),--request-timeout $(REQUEST_TIMEOUT)) \
		$(if $(SEED),--seed $(SEED)) $(if $(PHASES),--phases $(PHASES)) $(if $(BASELINE),--baseline $(BASELINE)) \
		$(if $(call truthy,$(UPDATE_BASELINE)),--update-baseline) \
		$(if $(call truthy,$(ALLOW_NOT_EXERCISED)),--allow-not-exercised) $(if $(REPORTS),--reports $(REPORTS)) \
		$(if $(INCLUDE),--include $(INCLUDE)) $(if $(SHARD),--shard $(SHARD)) $(if $(EXCLUDE_CHECKS),--exclude-checks $(EXCLUDE_CHECKS)) \
		$(if $(CONFIG),--config $(CONFIG)) $(if $(PROFILE),--profile $(PROFILE)) || status=$$?; \
	case $$status in 0) why=conforms;; 1) why="findings or operations not exercised";; 2) why="could not run";; 130) why=interrupted;; 143) why=terminated;; *) why="?";; esac; \
	echo "conformance: exit $$status ($$why)"; exit $$status

# make mock: Ctrl-C stops it, exit status 0 (no make "Error 130"); 2 when it cannot start (port, STATE=, SEED_FROM=)
PORT ?= 8000
STATE ?=
SEED_FROM ?=
WORKERS ?=
mock: $(VENV)/.synced ## run the mock on localhost:8000 (PORT=, STATE=file.sqlite keeps data, SEED_FROM=traffic.har, WORKERS=N)
	$(BIN)/datasync mock --port $(PORT) $(if $(STATE),--state $(STATE)) $(if $(SEED_FROM),--seed-from $(SEED_FROM)) \
		$(if $(WORKERS),--workers $(WORKERS))

# make proxy UPSTREAM=https://api.us2.kimonocloud.com        a validating proxy on localhost:8080 (PORT= to change)
#   STRICT=1 (contract-breaking answers become 502) BASELINE=file.json [UPDATE_BASELINE=1] RECORD=traffic.har
#   [OVERWRITE_RECORD=1 | APPEND_RECORD=1] (an existing RECORD= file is refused without one of them)
#   REPORTS=reports (written when it stops) TIMEOUT=30 FAIL_ON=classes|all
#   exit status once stopped (Ctrl-C, SIGTERM): 0 no finding that fails the run, 1 such findings, 2 could not run
UPSTREAM ?=
proxy: $(VENV)/.synced ## a validating proxy in front of UPSTREAM= on localhost:8080 (PORT=); reports in reports/ when it stops
	@test -n "$(UPSTREAM)" || { echo "make proxy needs UPSTREAM=https://host (the server to forward to)" >&2; exit 2; }
	$(BIN)/datasync proxy --upstream $(UPSTREAM) --port $(if $(filter file,$(origin PORT)),8080,$(PORT)) \
		$(if $(call truthy,$(STRICT)),--strict) $(if $(BASELINE),--baseline $(BASELINE)) \
		$(if $(call truthy,$(UPDATE_BASELINE)),--update-baseline) $(if $(RECORD),--record $(RECORD)) \
		$(if $(call truthy,$(OVERWRITE_RECORD)),--overwrite-record) $(if $(call truthy,$(APPEND_RECORD)),--append-record) \
		$(if $(REPORTS),--reports $(REPORTS)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(FAIL_ON),--fail-on $(FAIL_ON))

# make bench ONLY="client mock"   only these sections: client (the client's user path beside the json module:
#   benches/test_client.py, pytest-benchmark; printed first), then the HTTP load test's mock, proxy, conformance
#   (benches/http_load.py), scale (benches/mock_scale.py: two workers over 1 000 and 100 000 exchanges).
#   BENCH_ARGS= go to pytest (--benchmark-cprofile=tottime: where the time goes).
ONLY ?=
BENCH_ARGS ?=
bench_sections = $(or $(ONLY),client mock proxy conformance scale)
bench_http = $(filter mock proxy conformance,$(bench_sections))
bench_client = $(BIN)/pytest benches -q --benchmark-disable-gc --benchmark-columns=min,median,max,rounds \
	--benchmark-sort=name $(BENCH_ARGS)
bench: $(VENV)/.synced ## the client's user-path ratios first, then the mock (requests/s, latency), proxy overhead, conformance, scale
	$(if $(filter client,$(bench_sections)),$(bench_client))
	$(if $(bench_http),$(BIN)/python benches/http_load.py $(foreach section,$(bench_http),--only $(section)))
	$(if $(filter scale,$(bench_sections)),$(BIN)/python benches/mock_scale.py)

# make diff OLD=v1.2 [NEW=main] [API=grades|interop]     the specs' changes between two git refs (NEW: default the
#   working tree), each breaking or not for a client (src/datasync_openapi/specdiff.py, over `redocly diff`).
#   Exit status of the command: 0 no breaking change, 1 breaking changes, 2 could not run; the last line says
#   which (make itself exits 2 whenever a recipe fails).
OLD ?=
NEW ?=
diff: $(VENV)/.synced $(REDOCLY) ## what changed in the specs since OLD=<git ref> (NEW=<ref>, API=), breaking or not
	@test -n "$(OLD)" || { echo "make diff needs OLD=<git ref> (the old version of the specs)" >&2; exit 2; }
	@status=0; $(BIN)/python -m datasync_openapi.specdiff --old '$(OLD)' $(if $(NEW),--new '$(NEW)') \
		$(if $(API),--api $(API)) || status=$$?; \
	case $$status in 0) why="no breaking change";; 1) why="breaking changes";; *) why="could not run";; esac; \
	echo "diff: exit $$status ($$why)"; exit $$status

dist: $(VENV)/.synced ## build wheels and sdists of the tooling package and both generated packages into dist/
	rm -rf dist
	$(BIN)/uv build --quiet --out-dir dist .
	for pkg in generated/*/; do $(BIN)/uv build --quiet --out-dir dist "$$pkg"; done
	@ls -1 dist

clean: ## remove environments, caches and build output
	rm -rf $(VENV) $(TOOLS) node_modules dist site .pytest_cache .mypy_cache .ruff_cache
