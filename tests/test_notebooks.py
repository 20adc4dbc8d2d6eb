"""Every lesson notebook follows the conventions the lessons share.

nbval (``make test``) re-runs each notebook and compares its outputs; these tests check what
nbval cannot: that the stored notebook was executed top to bottom, shows a drawing and a
widget, ends with a "Check yourself" exercise whose solution is collapsed, and marks the
cells nbval must treat specially. Tests are parametrized over ``lessons/*.ipynb`` and the
translated lessons, ``lessons/<lang>/*.ipynb``, executed in their own language (the goal and
"Check yourself" are looked for in the lesson's language); an empty ``lessons/`` fails
``test_there_are_lessons`` instead of passing vacuously.
"""

import re
from pathlib import Path

import nbformat
import pytest

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
NOTEBOOKS = sorted(p for p in LESSONS.glob("*.ipynb") if not p.name.endswith(".nbconvert.ipynb"))
TRANSLATED = sorted(p for p in LESSONS.glob("*/[0-9][0-9]_*.ipynb")
                    if not p.name.endswith(".nbconvert.ipynb"))

SVG = "image/svg+xml"
WIDGET = "application/vnd.jupyter.widget-view+json"
IGNORE_MARKER = "NBVAL_IGNORE_OUTPUT"
# "# NBVAL_RAISES_EXCEPTION", optionally followed by ": <why it fails>"
RAISES_MARKER = re.compile(r"^\s*#\s*NBVAL_RAISES_EXCEPTION\b")
RAISES_TAG = "raises-exception"
# "# NBVAL_IGNORE_OUTPUT: <reason>": a reason of at least a few characters after the colon
IGNORE_WITH_REASON = re.compile(r"^\s*#\s*NBVAL_IGNORE_OUTPUT:\s*\S.{3,}$")
#: per language (a translated lesson's folder name): how the title states the goal, and the
#: heading of the closing exercise
GOAL = {"en": re.compile(r"\byou will\b|\bgoal\b", re.IGNORECASE),
        "ko": re.compile(r"이 레슨에서는")}
CHECK_YOURSELF = {"en": "Check yourself", "ko": "스스로 확인하기"}


def test_there_are_lessons():
    assert NOTEBOOKS, "no notebooks found in %s" % LESSONS


def _language(path):
    return "en" if path.parent == LESSONS else path.parent.name


@pytest.fixture(params=NOTEBOOKS + TRANSLATED,
                ids=[str(p.relative_to(LESSONS)) for p in NOTEBOOKS + TRANSLATED])
def nb(request):
    nb = nbformat.read(str(request.param), as_version=4)
    nb.metadata["_language"] = _language(request.param)   # for the tests below, never saved
    return nb


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def tags(cell):
    return cell.metadata.get("tags", [])


def outputs(nb):
    return [o for c in code_cells(nb) for o in c.get("outputs", [])]


def where(cell):
    """The cell's first line, to say which cell a failure is about."""
    lines = cell.source.strip().splitlines()
    return repr(lines[0][:70]) if lines else "(empty cell)"


def test_kernelspec_is_python3(nb):
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


def test_stored_executed_in_order(nb):
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts, "the notebook has no code cells"
    missing = [where(c) for c in code_cells(nb) if c.execution_count is None]
    assert not missing, "cells never executed (run the notebook and store the outputs): %s" % missing
    assert counts == list(range(1, len(counts) + 1)), (
        "execution counts %s are not 1, 2, 3, ...: restart the kernel and run all cells "
        "once, top to bottom, before saving" % counts)


def test_errors_only_where_tagged(nb):
    for cell in code_cells(nb):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if errors:
            assert RAISES_TAG in tags(cell), (
                "cell %s shows %s but is not tagged %r"
                % (where(cell), errors[0].get("ename"), RAISES_TAG))


def test_raises_exception_has_tag_and_comment(nb):
    for cell in code_cells(nb):
        tagged = RAISES_TAG in tags(cell)
        commented = any(RAISES_MARKER.match(line) for line in cell.source.splitlines())
        assert tagged == commented, (
            "cell %s: a cell that fails on purpose needs both the %r tag (JupyterLab's Run All "
            "goes on past it) and a '# NBVAL_RAISES_EXCEPTION' line (readers see it)"
            % (where(cell), RAISES_TAG))


def test_has_a_drawing(nb):
    def drawing(o):
        data = o.get("data", {})
        if SVG in data:
            return True
        text = data.get("text/plain", "") if "data" in o else o.get("text", "")
        return "digraph" in "".join(text)  # the DOT text shown when Graphviz is missing
    assert any(drawing(o) for o in outputs(nb)), "no graph drawing (SVG or DOT text) in the outputs"


def test_has_a_widget(nb):
    assert any(WIDGET in o.get("data", {}) for o in outputs(nb)), "no live widget in the outputs"


def test_first_markdown_states_the_goal(nb):
    first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    assert first is not None, "no markdown cell"
    assert GOAL[nb.metadata["_language"]].search(first.source), (
        "the first markdown cell should state the lesson's goal "
        "(\"In this lesson you will ...\"): %r" % first.source[:200])


def test_ends_with_check_yourself(nb):
    heading = CHECK_YOURSELF[nb.metadata["_language"]]
    assert any(c.cell_type == "markdown" and heading in c.source for c in nb.cells), \
        "no markdown cell with a %r exercise" % heading
    hidden = [c for c in nb.cells if c.metadata.get("jupyter", {}).get("source_hidden")]
    assert hidden, "no cell with metadata jupyter.source_hidden (the collapsed solution)"


def _is_bare_ignore(line):
    return line.strip().lstrip("#").strip() == IGNORE_MARKER


def test_ignored_outputs_give_a_reason(nb):
    """``# NBVAL_IGNORE_OUTPUT: <reason>``, or a bare ``# NBVAL_IGNORE_OUTPUT`` line followed by
    a comment line giving the reason."""
    for cell in code_cells(nb):
        lines = cell.source.splitlines()
        for i, line in enumerate(lines):
            if IGNORE_MARKER not in line or not line.lstrip().startswith("#"):
                continue
            if IGNORE_WITH_REASON.match(line):
                continue
            after = lines[i + 1].strip() if i + 1 < len(lines) else ""
            reason = after.lstrip("#").strip()
            assert _is_bare_ignore(line) and after.startswith("#") and len(reason) >= 4 \
                and IGNORE_MARKER not in reason, (
                    "cell %s: write '# NBVAL_IGNORE_OUTPUT: <reason>', saying why the output "
                    "cannot repeat, not %r" % (where(cell), line.strip()))


def test_ignored_outputs_are_ignored_by_nbval(nb):
    """nbval only recognises a bare ``# NBVAL_IGNORE_OUTPUT`` line (or the cell tag
    ``nbval-ignore-output``): ``# NBVAL_IGNORE_OUTPUT: <reason>`` alone is read by people, not
    by nbval, which would still compare the output."""
    for cell in code_cells(nb):
        lines = cell.source.splitlines()
        if any(IGNORE_WITH_REASON.match(line) for line in lines) and \
                not any(_is_bare_ignore(line) for line in lines):
            assert "nbval-ignore-output" in tags(cell), (
                "cell %s says its output cannot repeat, but nbval will still compare it: nbval "
                "does not parse '# NBVAL_IGNORE_OUTPUT: <reason>'; add the cell tag "
                "'nbval-ignore-output'" % where(cell))
