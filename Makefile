# minigraph: `make lab` to open the lessons, `make test` to run everything.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Root installs system packages directly; anyone else goes through sudo.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
# JupyterLab refuses to run as root unless told to.
ALLOW_ROOT := $(shell [ "$$(id -u)" -eq 0 ] && echo --allow-root)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends

.PHONY: venv dot chromium test test-tf lab bench clean lessons course

# --- internal setup targets -------------------------------------------------

# Virtualenv with the package (editable) and all test extras; reinstalls only
# when pyproject.toml changes.
venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	touch $@

# Graphviz `dot` renders graphs; without it the library falls back to DOT text.
dot:
	@if command -v dot >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Graphviz (dot) with apt-get..."; \
		$(SUDO) apt-get update && $(APT_INSTALL) graphviz fonts-liberation2; \
	else \
		echo "NOTE: Graphviz 'dot' not found and apt-get unavailable;" \
		     "install Graphviz yourself for rendered graphs (falling back to DOT text)."; \
	fi

# Chromium for the browser (widget) tests.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium with apt-get..."; \
		$(SUDO) apt-get update && $(APT_INSTALL) chromium; \
	else \
		echo "NOTE: /usr/bin/chromium not found and apt-get unavailable;" \
		     "browser tests need Chromium."; \
	fi

# --- user-facing targets ----------------------------------------------------

# One BLAS thread for the tests: float32 sums then come out the same on every machine
# (the notebooks' stored outputs were computed this way), and a busy 2-core machine is not
# slowed down by threads fighting over cores.
ONE_THREAD := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

# Library tests plus the lesson notebooks under nbval (config in pyproject.toml).
test: venv dot chromium
	$(ONE_THREAD) $(BIN)/python -m pytest

# Each lesson's graduation cell (its TF1 code in one piece) on real TensorFlow 1 against
# minigraph: same printed numbers (rtol 1e-3). Never part of `make test`: it installs TensorFlow
# (some 600 MB) into its own venv, .venv-tf, pinned as tests/tf_reference/generate.py says.
TF_VENV  := .venv-tf
TF_STAMP := $(TF_VENV)/.installed

$(TF_STAMP):
	$(PYTHON) -m venv $(TF_VENV)
	$(TF_VENV)/bin/python -m pip install "tensorflow-cpu==2.21.0" "tf-keras~=2.21.0" numpy
	touch $@

test-tf: venv $(TF_STAMP)
	$(ONE_THREAD) $(BIN)/python tests/tf_reference/run_graduation.py \
		--minigraph-python $(BIN)/python --tf-python $(TF_VENV)/bin/python

# Re-execute every lesson in place, storing outputs as nbval will compare them.
lessons: venv dot
	cd lessons && for nb in [0-9][0-9]_*.ipynb; do \
		$(ONE_THREAD) ../$(BIN)/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 --inplace "$$nb" || exit 1; \
	done

# The course edition: an nbgrader course in course/ (not committed), every lesson released
# without its solutions into course/release/<lesson>/ (lessons/INSTRUCTORS.md says the rest).
course: venv
	$(ONE_THREAD) $(BIN)/python lessons/make_course.py --course course

# JupyterLab on localhost only, with Jupyter's token kept.
lab: venv dot
	$(BIN)/jupyter lab lessons/ --ServerApp.ip=127.0.0.1 $(ALLOW_ROOT)

# PyTorch's CPU build for benchmark 7 (the bench extra), never part of `make test`.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/python -m pip install -e '.[bench]'
	touch $@

bench: venv $(BENCH_STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(TF_VENV) build dist *.egg-info .pytest_cache test-output
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -exec rm -rf {} +
