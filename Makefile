# skillgap — set-up, demo and tests. `make demo` and `make test` work on a fresh machine.
#
# Installs come from the lock files in requirements/ (exact versions + hashes, resolved by uv from
# pyproject.toml): runtime.lock = what `skillgap` needs to serve and run the batch (numpy-only
# models, no torch); dev.lock = runtime + [train] (torch, sentence-transformers) + [dev] (tests,
# lint, types). torch is never in a lock: the CPU wheel is installed first, pinned, and the locks
# are installed with --no-deps, so no resolver can pull a CUDA build. `make lock` refreshes them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
TORCH  := torch==2.13.0
PIP_VERSION := pip==26.3
# where the CPU torch wheel lies for `make lock` (pip finds it there through its own config)
TORCH_WHEELS ?= /opt/wheels
LOCK_OPTS := --python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes \
             --no-header --annotation-style line --no-emit-package torch

.PHONY: setup install demo test lint lock clean setup-spark

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet $(PIP_VERSION)
	# CPU torch first, pinned; then the locked set, without resolving anything.
	$(PIP) install --quiet $(TORCH)
	$(PIP) install --quiet --require-hashes --no-deps -r requirements/dev.lock
	$(PIP) install --quiet --no-deps -e .
	$(PIP) check
	touch $(STAMP)

# Runtime only (serve, batch, CLI; no training, no tests) into $(VENV): what an operator installs.
install:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet $(PIP_VERSION)
	$(PIP) install --quiet --require-hashes --no-deps -r requirements/runtime.lock
	$(PIP) install --quiet --no-deps .
	$(PIP) check

# The [spark] extra (pyspark 4 + py4j, requirements/spark.lock) on top of `make setup`; needs Java 17
# to run (`skillgap process --engine spark`, the Spark tests). `make test` passes without it.
setup-spark: setup
	$(PIP) install --quiet --require-hashes --no-deps -r requirements/spark.lock
	$(PIP) check

demo: setup
	$(VENV)/bin/skillgap demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest -q

# Re-resolve both locks from pyproject.toml (newest versions its ranges allow); review the diff.
lock: setup
	test -n "$$(ls $(TORCH_WHEELS)/torch-2.13.0+cpu-*.whl 2>/dev/null)" \
	  || { echo "make lock: CPU torch wheel not found in $(TORCH_WHEELS) (set TORCH_WHEELS)"; exit 2; }
	$(VENV)/bin/uv pip compile --quiet pyproject.toml $(LOCK_OPTS) -o requirements/runtime.lock
	$(VENV)/bin/uv pip compile --quiet pyproject.toml --extra train --extra dev $(LOCK_OPTS) \
	  --find-links $(TORCH_WHEELS) --constraint requirements/torch-cpu.txt -o requirements/dev.lock
	! grep -qiE '^(nvidia|triton|cuda)' requirements/dev.lock || { echo "make lock: CUDA packages in dev.lock"; exit 2; }
	# [spark] alone (pyspark, py4j), constrained by dev.lock: never in runtime.lock / dev.lock
	printf 'pyspark>=4.0,<5\npy4j>=0.10.9.7,<0.10.10\n' | $(VENV)/bin/uv pip compile --quiet - $(LOCK_OPTS) \
	  --constraint requirements/dev.lock -o requirements/spark.lock.tmp
	{ echo "# [spark] extra only (pyspark 4 + py4j; Java 17 needed at run time), resolved by \`make lock\` with"; \
	  echo "# the versions of dev.lock as constraints; installed by \`make setup-spark\` (--require-hashes --no-deps)."; \
	  cat requirements/spark.lock.tmp; } > requirements/spark.lock
	rm -f requirements/spark.lock.tmp

clean:
	rm -rf $(VENV) data/*.duckdb
