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

# The lessons' language: `make lab LANG=ko` and `make course LANG=ko` take the Korean lessons
# (lessons/ko/). Only a LANG given on make's command line counts: the shell's own LANG (say
# en_US.UTF-8) is the terminal's locale, not a lesson language. The commands then run with
# LANG=C.UTF-8, since "ko" alone is no locale.
ifeq ($(origin LANG),command line)
LESSON_LANG := $(firstword $(subst _, ,$(subst ., ,$(LANG))))
LOCALE_ENV  := LANG=C.UTF-8
else
LESSON_LANG := en
LOCALE_ENV  :=
endif
# the translations there are (lessons/i18n/<lang>/), each built into lessons/<lang>/
TRANSLATIONS := $(notdir $(wildcard lessons/i18n/*))

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

# Re-execute every lesson in place, storing outputs as nbval will compare them; then build
# each translation from the English lessons (lessons/translate.py) and execute it the same way.
EXECUTE := $(ONE_THREAD) $(abspath $(BIN))/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 --inplace

lessons: venv dot
	cd lessons && for nb in [0-9][0-9]_*.ipynb; do $(EXECUTE) "$$nb" || exit 1; done
	for lang in $(TRANSLATIONS); do \
		$(BIN)/python lessons/translate.py build --lang $$lang || exit 1; \
		(cd lessons/$$lang && for nb in [0-9][0-9]_*.ipynb; do $(EXECUTE) "$$nb" || exit 1; done) || exit 1; \
	done

# The course edition: an nbgrader course in course/ (not committed), every lesson released
# without its solutions into course/release/<lesson>/ (lessons/INSTRUCTORS.md says the rest).
# `make course LANG=ko`: the Korean lessons, into course-ko/ (course id minigraph-ko).
COURSE_DIR := $(if $(filter en,$(LESSON_LANG)),course,course-$(LESSON_LANG))

course: venv
	@test "$(LESSON_LANG)" = en || test -d lessons/$(LESSON_LANG) || { \
		echo "no lessons/$(LESSON_LANG)/: the lesson languages are en $(TRANSLATIONS)"; exit 1; }
	$(LOCALE_ENV) $(ONE_THREAD) $(BIN)/python lessons/make_course.py --lang $(LESSON_LANG) --course $(COURSE_DIR)

# JupyterLab on localhost only, with Jupyter's token kept. `make lab LANG=ko` opens the Korean
# lessons with JupyterLab's Korean interface as the default (a settings override inside this
# project's .venv only; Settings > Language still switches); `make lab` puts English back.
LAB_OVERRIDE := $(VENV)/share/jupyter/lab/settings/overrides.d/minigraph-language.json
LAB_LOCALE   := $(if $(filter ko,$(LESSON_LANG)),ko_KR,en)
LAB_START    := $(if $(filter en,$(LESSON_LANG)),,--LabApp.default_url=/lab/tree/$(LESSON_LANG)/00_tour.ipynb)

lab: venv dot
	@test "$(LESSON_LANG)" = en || test -d lessons/$(LESSON_LANG) || { \
		echo "no lessons/$(LESSON_LANG)/: the lesson languages are en $(TRANSLATIONS)"; exit 1; }
	@mkdir -p $(dir $(LAB_OVERRIDE))
	@echo '{"@jupyterlab/translation-extension:plugin": {"locale": "$(LAB_LOCALE)"}}' > $(LAB_OVERRIDE)
	$(LOCALE_ENV) $(BIN)/jupyter lab --ServerApp.root_dir=lessons --ServerApp.ip=127.0.0.1 $(LAB_START) $(ALLOW_ROOT)

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
