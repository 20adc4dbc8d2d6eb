"""The course edition (issue 16): the lessons' graded exercises, released and graded by nbgrader.

Two parts, each test parametrized over ``lessons/*.ipynb`` (the second also over the translated
lessons, ``lessons/ko/*.ipynb``, released and graded as `make course LANG=ko` does):

- **The graded cells, read from the notebooks** (fast). Every lesson has 2 to 4 exercises (an
  answer cell, nbgrader ``solution``, then its check cells, nbgrader ``grade``, 1 to 3 points
  each, locked; 4 to 8 points a lesson), at least one check with hidden tests, grade ids
  ``NN-<short>-answer``/``-check``/``-given`` unique in the lesson; every name a solution
  assigns and its check reads has a default outside the solution (the answer cell's lines
  before ``### BEGIN SOLUTION``) or in an earlier cell, so a released notebook runs on to the
  check, which fails cleanly; checks call ``widgets.checks``, no bare ``assert``; every lesson has its wrong answer in ``tests/course/wrong/NN.json``; and the
  exercise table of lessons/INSTRUCTORS.md is the notebooks'.
- **nbgrader itself**, on one temporary course for the module, built by
  ``lessons/make_course.py`` as ``make course`` builds ``course/``. The released notebook has
  no solution code and every check cell. Then three submissions of each lesson are graded
  with ``nbgrader autograde`` and read back with ``nbgrader export`` (totals) and nbgrader's
  Gradebook (each check cell): ``instructor`` (the lesson as it is) gets full marks;
  ``released`` (the released notebook untouched) less than half, each failing check raising
  ``CheckFailed`` and no other cell failing; ``wrong`` (the lesson with the wrong answer of
  ``tests/course/wrong/NN.json``) loses exactly the points of the checks that file lists.

Grading runs once, for the lessons the selected tests need (``-k 00_tour`` grades one, in each
language), in two ``nbgrader autograde`` processes per language side by side, each with its own
submitted directory and its own copy of the gradebook (SQLite takes one writer at a time). A
translated lesson's failing checks speak its language ("아직 아닙니다: ..." / "힌트: ...").

A lesson without graded exercises fails here: every lesson has some.
"""

import ast
import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_course", ROOT / "lessons" / "make_course.py")
make_course = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_course)

PATHS = make_course.lesson_paths()
STEMS = [p.stem for p in PATHS]
#: the translations released and graded as well (lessons/<lang>/, built by lessons/translate.py)
TRANSLATED = sorted({p.parent.name for p in (ROOT / "lessons").glob("*/[0-9][0-9]_*.ipynb")})
#: every course's lessons: "00_tour" in English, "ko/00_tour" in Korean
COURSE_LESSONS = STEMS + ["%s/%s" % (lang, stem) for lang in TRANSLATED for stem in STEMS]
#: how a failed check begins and where its hint starts, per language (widgets/locale)
NOT_YET = {"en": ("Not yet: ", "\nHint: "), "ko": ("아직 아닙니다: ", "\n힌트: ")}
WRONG = ROOT / "tests" / "course" / "wrong"
GRADE_ID = re.compile(r"^(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*-(answer|check|given)$")
MARKERS = (make_course.BEGIN_SOLUTION, make_course.END_SOLUTION, "HIDDEN TESTS")
STUDENTS = ("instructor", "released", "wrong")
WORKERS = 2
NBGRADER_TIMEOUT = 1200   # seconds for one autograde process (a few lessons take seconds each)
#: seconds a cell may take here (the slowest takes 2): nbclient, which nbgrader runs notebooks
#: with, now and then misses the reply of a cell that draws into an ipywidgets Output
#: (jupyter/nbclient#312) and waits for the timeout; the cell is then interrupted and the run
#: goes on, 60 s later instead of the course's EXECUTE_TIMEOUT
CELL_TIMEOUT = 60


def language_of(lesson):
    """``(lang, stem)`` of a course lesson id: ``"ko/00_tour"`` -> ``("ko", "00_tour")``."""
    lang, _, stem = lesson.rpartition("/")
    return lang or "en", stem


def lesson_path(lesson):
    lang, stem = language_of(lesson)
    return make_course.lessons_dir(lang) / (stem + ".ipynb")


def notebook(lesson):
    return nbformat.read(str(lesson_path(lesson)), as_version=4)


def meta(cell):
    return make_course.grading(cell)


def first_line(cell):
    lines = cell.source.strip().splitlines()
    return repr(lines[0][:70]) if lines else "(empty cell)"


def checks_of(nb):
    return {meta(c)["grade_id"]: c for c in nb.cells if make_course.is_check(c)}


def answers_of(nb):
    return {meta(c)["grade_id"]: c for c in nb.cells if make_course.is_answer(c)}


def wrong_answer(lesson):
    """The lesson's tests/course/wrong/NN.json, read (a failure if it is missing); the same
    for every language of the lesson."""
    stem = language_of(lesson)[1]
    path = WRONG / (stem[:2] + ".json")
    assert path.exists(), ("%s: no %s: write the lesson's deliberately wrong answer there "
                           "(see the file for lesson 00)" % (stem, path.relative_to(ROOT)))
    return json.loads(path.read_text())


def without_hidden_tests(source):
    out, hidden = [], False
    for line in source.splitlines():
        if make_course.BEGIN_HIDDEN in line:
            hidden = True
        elif make_course.END_HIDDEN in line:
            hidden = False
        elif not hidden:
            out.append(line)
    return out


# --- the graded cells, read from the notebooks ------------------------------------------------

@pytest.mark.parametrize("lesson", STEMS)
def test_two_to_four_exercises_of_4_to_8_points(lesson):
    found = make_course.exercises(notebook(lesson))
    assert 2 <= len(found) <= 4, (
        "%s has %d graded exercises, 2 to 4 expected: each an answer cell (nbgrader solution) "
        "and its check cell (nbgrader grade, with points); see ISSUE16_SPEC.md"
        % (lesson, len(found)))
    for ex in found:
        assert ex.answer and ex.checks, "%s: exercise %s has no %s" % (
            lesson, ex.answer or ex.checks, "check cell" if ex.answer else "answer cell before it")
    total = sum(ex.points for ex in found)
    assert 4 <= total <= 8, "%s: its exercises are worth %d points, 4 to 8 expected" % (lesson,
                                                                                           total)


@pytest.mark.parametrize("lesson", STEMS)
def test_a_check_has_hidden_tests(lesson):
    hidden = [gid for gid, c in checks_of(notebook(lesson)).items()
              if make_course.BEGIN_HIDDEN in c.source and make_course.END_HIDDEN in c.source]
    assert hidden, ("%s: no check cell has hidden tests (lines between %r and %r, which the "
                    "released notebook does not show)"
                    % (lesson, make_course.BEGIN_HIDDEN, make_course.END_HIDDEN))


@pytest.mark.parametrize("lesson", STEMS)
def test_grade_ids_and_metadata(lesson):
    nb = notebook(lesson)
    seen = {}
    for index, cell in enumerate(nb.cells):
        m = meta(cell)
        if not m:
            continue
        where = "%s, cell %d %s" % (lesson, index + 1, first_line(cell))
        gid = m.get("grade_id", "")
        match = GRADE_ID.match(gid)
        assert match and match.group(1) == lesson[:2], (
            "%s: grade id %r: write NN-<short>-answer, -check or -given, NN the lesson's "
            "number, <short> lowercase words with dashes" % (where, gid))
        assert gid not in seen, "%s: grade id %r again (cell %d has it)" % (where, gid, seen[gid])
        seen[gid] = index + 1
        assert m.get("schema_version") == 3 and m.get("task") is False, (
            "%s: nbgrader metadata needs schema_version 3 and task false" % where)
        role = match.group(2)
        if role == "answer":
            assert cell.cell_type == "code" and m.get("solution") is True and \
                m.get("grade") is False and m.get("locked") is False, (
                    "%s: an answer cell is code with solution true, grade false, locked false"
                    % where)
        elif role == "check":
            assert cell.cell_type == "code" and m.get("grade") is True and \
                m.get("solution") is False and m.get("locked") is True, (
                    "%s: a check cell is code with grade true, solution false, locked true"
                    % where)
            points = m.get("points")
            assert isinstance(points, int) and 1 <= points <= 3, (
                "%s: a check cell is worth 1 to 3 points, not %r" % (where, points))
        else:
            assert m.get("solution") is False and m.get("grade") is False and \
                m.get("locked") is True, (
                    "%s: a read-only (given) cell has solution and grade false, locked true"
                    % where)


@pytest.mark.parametrize("lesson", STEMS)
def test_checks_use_widgets_checks_not_bare_asserts(lesson):
    for gid, cell in checks_of(notebook(lesson)).items():
        tree = ast.parse(cell.source)
        asserts = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
        assert not asserts, ("%s, %s: a bare assert on line %s: call checks.check(ok, "
                             "\"success\", hint=\"what is wrong; hint\") so the student reads "
                             "what is wrong" % (lesson, gid, asserts))
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and
                 getattr(node.func, "attr", getattr(node.func, "id", None)) == "check"]
        assert calls, "%s, %s: the check cell calls no checks.check(...)" % (lesson, gid)


def answer_names(nb, exercise):
    """(answer cell, the names its solution assigns that its check cells read)."""
    cell = answers_of(nb)[exercise.answer]
    checks = checks_of(nb)
    reads = set().union(*(make_course.read_names(checks[gid].source) for gid in exercise.checks))
    span = make_course.solution_lines(cell.source)
    assigned = make_course.assigned_names(cell.source, span) if span else set()
    return cell, (assigned & reads) - {"_"}


@pytest.mark.parametrize("lesson", STEMS)
def test_answer_cells_assign_a_default_before_the_solution(lesson):
    """The names a solution assigns and its check reads are defined in the released notebook
    too: by the answer cell's own lines outside the solution (``e = None``) or by a cell
    before it. So the released notebook, solutions removed, runs on to each check, which
    fails cleanly instead of with a NameError."""
    nb = notebook(lesson)
    for ex in make_course.exercises(nb):
        if not ex.answer:
            continue
        cell, needed = answer_names(nb, ex)
        before, solution, after = make_course.solution_region(cell.source)
        assert solution is not None, ("%s, %s: the answer cell needs one %r ... %r region"
                                      % (lesson, ex.answer, make_course.BEGIN_SOLUTION,
                                         make_course.END_SOLUTION))
        assert before.lstrip().startswith("#"), (
            "%s, %s: the answer cell's first line is a comment saying the exercise in one line "
            "(# Exercise N (predict): ...)" % (lesson, ex.answer))
        given = set()
        for earlier in nb.cells[:nb.cells.index(cell) + 1]:
            if earlier.cell_type == "code":
                given |= make_course.assigned_names(make_course.released_source(earlier))
        assert needed <= given, (
            "%s, %s: the solution assigns %s, which the check reads and nothing defines once "
            "the solution is removed: give each a neutral default in the lines before %r (e.g. "
            "`predicted = set()`), so the released notebook still runs the check and it fails "
            "cleanly" % (lesson, ex.answer, sorted(needed - given), make_course.BEGIN_SOLUTION))


@pytest.mark.parametrize("lesson", STEMS)
def test_no_graded_cells_after_the_core(lesson):
    nb = notebook(lesson)
    ends = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and
            c.source.lstrip().startswith(("## Going further", "## Graduation"))]
    late = [first_line(c) for c in nb.cells[ends[0]:] if meta(c)] if ends else []
    assert not late, ("%s: graded or read-only cells after the core (Going further and "
                      "Graduation have none): %s" % (lesson, late))


@pytest.mark.parametrize("lesson", STEMS)
def test_wrong_answer_file_names_the_lessons_cells(lesson):
    wrong = wrong_answer(lesson)
    nb = notebook(lesson)
    answers, checks = answers_of(nb), checks_of(nb)
    assert set(wrong) == {"answer", "source", "loses"}, (
        "%s: the wrong answer's keys are answer, source and loses, not %s"
        % (lesson, sorted(wrong)))
    assert wrong["answer"] in answers, ("%s: wrong answer %r is not one of the answer cells %s"
                                        % (lesson, wrong["answer"], sorted(answers)))
    assert wrong["loses"] and set(wrong["loses"]) <= set(checks), (
        "%s: 'loses' %s must name some of the check cells %s" % (lesson, wrong["loses"],
                                                                 sorted(checks)))
    assert wrong["source"].strip() != answers[wrong["answer"]].source.strip()


@pytest.mark.parametrize("lang", ["en"] + TRANSLATED)
def test_the_exercise_table_of_instructors_md_is_the_notebooks(lang):
    guide = make_course.instructors_guide(lang)
    table = make_course.table_in(guide.read_text(encoding="utf-8"))
    assert table is not None, "%s has no exercise table markers" % guide
    assert table == make_course.exercise_table(make_course.lesson_paths(lang=lang)), (
        "the exercise table in %s is not the lessons' own: run `python lessons/make_course.py "
        "--exercise-table --lang %s` to write it" % (guide, lang))


# --- make_course's readers, on small cells ------------------------------------------------------

def _cell(source, **nbgrader):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = dict({"grade": False, "solution": False, "locked": False,
                                      "schema_version": 3, "task": False}, **nbgrader)
    return cell


def test_exercises_pair_answers_with_the_checks_after_them():
    nb = nbformat.v4.new_notebook(cells=[
        _cell("# Exercise 1 (predict): which ops run?\nx = set()", solution=True,
              grade_id="99-a-answer"),
        _cell("check(x)", grade=True, locked=True, points=2, grade_id="99-a-check"),
        _cell("check(y)", grade=True, locked=True, points=1, grade_id="99-a2-check"),
        nbformat.v4.new_markdown_cell("prose"),
        _cell("# Exercise 2: build e | f.\ne = None", solution=True, grade_id="99-b-answer"),
        _cell("check(e)", grade=True, locked=True, points=3, grade_id="99-b-check"),
    ])
    found = make_course.exercises(nb)
    assert [(e.answer, e.checks, e.kind, e.points) for e in found] == [
        ("99-a-answer", ["99-a-check", "99-a2-check"], "predict", 3),
        ("99-b-answer", ["99-b-check"], "code", 3)]
    assert found[1].text == "build e | f."


def test_exercise_rows_say_each_exercise_and_the_total(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        _cell("# Exercise 1 (predict): a | b?\nx = 1", solution=True, grade_id="99-a-answer"),
        _cell("check(x)", grade=True, locked=True, points=2, grade_id="99-a-check")])
    path = tmp_path / "99_tiny.ipynb"
    nbformat.write(nb, str(path))
    assert make_course.exercise_rows(path) == [
        "| 99_tiny | a \\| b? (`99-a-answer`, `99-a-check`) | predict | 2 |",
        "| 99_tiny | **total: 1 exercise** | | **2** |"]
    nbformat.write(nbformat.v4.new_notebook(), str(path))
    assert make_course.exercise_rows(path) == ["| 99_tiny | (no graded exercises yet) | | 0 |"]


def test_write_exercise_table_replaces_only_the_table(tmp_path):
    doc = tmp_path / "INSTRUCTORS.md"
    doc.write_text("before\n%s\nold | table\n%s\nafter\n"
                   % (make_course.TABLE_BEGIN, make_course.TABLE_END))
    make_course.write_exercise_table(doc, "| new |")
    assert doc.read_text() == "before\n%s\n| new |\n%s\nafter\n" % (make_course.TABLE_BEGIN,
                                                                   make_course.TABLE_END)
    assert make_course.table_in(doc.read_text()) == "| new |"


def test_assigned_names_released_source_and_statement_lines():
    source = ("# Exercise\nx, y = None, None\n### BEGIN SOLUTION\nx = 1\nwith f() as s:\n"
              "    y = s.run()\nfor i in range(2):\n    z += i\n@deco\ndef g():\n    w = 2\n"
              "### END SOLUTION\nprint(x)")
    span = make_course.solution_lines(source)
    assert span == (4, 11)
    assert make_course.assigned_names(source, span) == {"x", "y", "z", "g"}
    assert make_course.assigned_names(source) == {"x", "y", "z", "g"}
    assert make_course.answer_statements(source, {"y", "g"}, span) == [
        "y = s.run()", "@deco\ndef g():\n    w = 2"]
    assert make_course.all_statements("with f() as s:\n    y = s.run( )  # the run") == {
        "with f() as s:\n    y = s.run()", "y = s.run()"}
    answer = _cell(source, solution=True, grade_id="99-a-answer")
    released_text = make_course.released_source(answer)
    assert released_text == "# Exercise\nx, y = None, None\n# YOUR CODE HERE\nprint(x)"
    assert make_course.assigned_names(released_text) == {"x", "y"}
    indented = _cell("def f(n):\n    k = 0\n    ### BEGIN SOLUTION\n    k = n\n"
                     "    ### END SOLUTION\n    return k", solution=True, grade_id="99-f-answer")
    assert make_course.released_source(indented) == \
        "def f(n):\n    k = 0\n    # YOUR CODE HERE\n    return k"
    check = _cell("check(x)\n### BEGIN HIDDEN TESTS\ncheck(y)\n### END HIDDEN TESTS",
                  grade=True, locked=True, points=1, grade_id="99-a-check")
    assert make_course.released_source(check) == "check(x)"
    assert make_course.read_names(check.source) == {"check", "x", "y"}
    assert make_course.solution_lines("x = 1\n### BEGIN SOLUTION\nx = 2") is None


# --- nbgrader: one course per language for the module ---------------------------------------

@pytest.fixture(scope="module")
def course(tmp_path_factory, request):
    """``{lang: course directory}``, each built as `make course` (LANG=...) builds it, with the
    lessons the selected tests need (every lesson of every language in a full run)."""
    wanted = _lessons_wanted(request, ("course", "grades"))
    courses = {}
    for lang in ["en"] + TRANSLATED:
        stems = [language_of(l)[1] for l in wanted if language_of(l)[0] == lang]
        if not stems:
            continue
        root = tmp_path_factory.mktemp("course-" + lang) / "course"
        make_course.build_course(root, None if stems == STEMS else stems, quiet=True, lang=lang)
        courses[lang] = root
    return courses


def released(course, lesson):
    lang, stem = language_of(lesson)
    return nbformat.read(str(course[lang] / "release" / stem / (stem + ".ipynb")), as_version=4)


@pytest.mark.parametrize("lesson", COURSE_LESSONS)
def test_released_notebook_has_no_solution_code(course, lesson):
    nb = notebook(lesson)
    text = "\n".join(c.source for c in released(course, lesson).cells)
    for marker in MARKERS:
        assert marker not in text, "%s: the released notebook shows %r" % (lesson, marker)
    shown = set().union(*(make_course.all_statements(c.source)
                          for c in released(course, lesson).cells if c.cell_type == "code"))
    assert answers_of(nb), "%s has no answer cells" % lesson
    for ex in make_course.exercises(nb):
        if not ex.answer:
            continue
        gid = ex.answer
        cell, names = answer_names(nb, ex)
        at = nb.cells.index(cell)
        # the statements of the solution that make the answer (that assign the names its
        # check reads: `e = (a - b) ** 2`, not `with tf.Session() as sess:`) must not show
        # anywhere in the release, unless the student saw them before the exercise
        seen = set().union(*(make_course.all_statements(c.source)
                             for c in nb.cells[:at] if c.cell_type == "code"))
        span = make_course.solution_lines(cell.source)
        secret = set(make_course.answer_statements(cell.source, names, span)) - seen
        leaked = sorted(secret & shown)
        assert not leaked, ("%s: the released notebook shows statements of %s's solution: %s "
                            "(a later cell, e.g. the graduation cell, repeats them?)"
                            % (lesson, gid, leaked))


@pytest.mark.parametrize("lesson", COURSE_LESSONS)
def test_released_notebook_keeps_every_check_and_the_answer_defaults(course, lesson):
    nb, out = notebook(lesson), released(course, lesson)
    assert checks_of(nb), "%s has no check cells" % lesson
    out_checks, out_answers = checks_of(out), answers_of(out)
    for gid, cell in checks_of(nb).items():
        assert gid in out_checks, "%s: the released notebook lost check %s" % (lesson, gid)
        got = out_checks[gid]
        assert meta(got)["points"] == meta(cell)["points"] and meta(got)["locked"]
        assert [l for l in got.source.splitlines() if l.strip()] == \
            [l for l in without_hidden_tests(cell.source) if l.strip()], (
                "%s: check %s is released changed beyond its hidden tests" % (lesson, gid))
    for gid, cell in answers_of(nb).items():
        got = out_answers[gid]
        assert got.source == make_course.released_source(cell), (lesson, gid, got.source)
        try:
            compile(make_course.python_of(got.source), gid, "exec")
        except SyntaxError as e:
            pytest.fail("%s: answer cell %s is released as invalid Python (%s): keep a statement "
                        "outside the solution in every block it empties" % (lesson, gid, e))
        assert not got.metadata.get("jupyter", {}).get("source_hidden"), (
            "%s: answer cell %s is released collapsed" % (lesson, gid))


def _estimated_seconds(path):
    """A lesson's run time as stored by its last execution (cell timestamps), plus a kernel."""
    from datetime import datetime
    stamps = [c.metadata.get("execution", {}) for c in
              nbformat.read(str(path), as_version=4).cells if c.cell_type == "code"]
    stamps = [s for s in stamps if "iopub.execute_input" in s and "shell.execute_reply" in s]
    if not stamps:
        return 10.0

    def t(s):
        return datetime.fromisoformat(s.rstrip("Z"))
    return 3.0 + (t(stamps[-1]["shell.execute_reply"]) -
                  t(stamps[0]["iopub.execute_input"])).total_seconds()


def _submit(course, worker, student, stem, nb):
    folder = course / ("submitted-%d" % worker) / student / stem
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / (stem + ".ipynb")))


def _wrong_notebook(lesson):
    """The instructor's notebook with tests/course/wrong/NN.json's answer, or None."""
    path = WRONG / (language_of(lesson)[1][:2] + ".json")
    if not path.exists():
        return None
    wrong = json.loads(path.read_text())
    nb = notebook(lesson)
    cell = answers_of(nb).get(wrong.get("answer"))
    if cell is None:
        return None
    cell.source = wrong["source"]
    return nb


def _lessons_wanted(request, fixtures=("grades",)):
    """The course lessons of the selected tests that use ``fixtures`` (all if none do)."""
    wanted = {item.callspec.params["lesson"] for item in request.session.items
              if set(fixtures) & set(getattr(item, "fixturenames", ()))
              and hasattr(item, "callspec") and "lesson" in item.callspec.params}
    return [s for s in COURSE_LESSONS if s in wanted] or COURSE_LESSONS


@pytest.fixture(scope="module")
def grades(course, request):
    """Each wanted lesson's three submissions autograded by nbgrader: per lesson, per student,
    the export's (score, max_score), the Gradebook's {grade_id: (score, max_score)} and the
    autograded notebook; and nbgrader's output, for failures. Each language's course is
    graded by its own processes, all side by side."""
    from nbgrader.api import Gradebook

    wanted = _lessons_wanted(request)
    cpus = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1)
    running, shares = [], {}
    for lang, root in course.items():
        lessons = [l for l in wanted if language_of(l)[0] == lang]
        workers = max(1, min(WORKERS, len(lessons), cpus))
        load = [0.0] * workers
        share = shares[lang] = {}
        for lesson in sorted(lessons, key=lambda l: -_estimated_seconds(lesson_path(l))):
            worker = load.index(min(load))  # the longest lessons first, each to the least busy
            load[worker] += 3 * _estimated_seconds(lesson_path(lesson))
            share[lesson] = worker
        for lesson, worker in share.items():
            stem = language_of(lesson)[1]
            _submit(root, worker, "instructor", stem, notebook(lesson))
            _submit(root, worker, "released", stem, released(course, lesson))
            wrong = _wrong_notebook(lesson)
            if wrong is not None:
                _submit(root, worker, "wrong", stem, wrong)

        env = make_course.course_env()
        for worker in range(workers):
            shutil.copyfile(root / "gradebook.db", root / ("gradebook-%d.db" % worker))
            db = "--CourseDirectory.db_url=sqlite:///%s" % (root / ("gradebook-%d.db" % worker))
            script = [
                [sys.executable, "-m", "nbgrader", "autograde", make_course.LESSON_GLOB, db,
                 "--CourseDirectory.submitted_directory=submitted-%d" % worker,
                 "--Execute.timeout=%d" % CELL_TIMEOUT, "--log-level=WARN"],
                [sys.executable, "-m", "nbgrader", "export", db, "--to=grades-%d.csv" % worker,
                 "--log-level=WARN"]]
            log = open(root / ("nbgrader-%d.log" % worker), "w")
            command = " && ".join(subprocess.list2cmdline(c) for c in script)
            running.append((subprocess.Popen(command, shell=True, cwd=str(root), env=env,
                                             stdout=log, stderr=subprocess.STDOUT), log))
    for process, log in running:
        try:
            process.wait(timeout=NBGRADER_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()

    result = {}
    for lang, root in course.items():
        for worker in sorted(set(shares[lang].values())):
            output = (root / ("nbgrader-%d.log" % worker)).read_text()
            totals = {}
            exported = root / ("grades-%d.csv" % worker)
            if exported.exists():
                with open(exported, newline="") as f:
                    for row in csv.DictReader(f):
                        totals[row["assignment"], row["student_id"]] = (
                            float(row["score"]), float(row["max_score"]))
            with Gradebook("sqlite:///%s" % (root / ("gradebook-%d.db" % worker)),
                           make_course.course_id(lang)) as gb:
                for lesson in (l for l, w in shares[lang].items() if w == worker):
                    stem = language_of(lesson)[1]
                    got = result[lesson] = {"log": output[-6000:], "students": {}}
                    for student in STUDENTS:
                        try:
                            sub = gb.find_submission_notebook(stem, stem, student)
                        except Exception:     # not submitted, or autograde failed before it
                            continue
                        cells = {g.name: (float(g.score or 0), float(g.max_score))
                                 for g in sub.grades}
                        got["students"][student] = {
                            "total": totals.get((stem, student)),
                            "cells": cells,
                            "notebook": root / "autograded" / student / stem / (stem + ".ipynb"),
                        }
    return result


def graded(grades, lesson, student):
    """One submission's grades; a failure, with nbgrader's output, if there are none."""
    lesson_grades = grades[lesson]
    got = lesson_grades["students"].get(student)
    assert got is not None and got["total"] is not None, (
        "%s: nbgrader graded no %r submission; its output ends:\n%s"
        % (lesson, student, lesson_grades["log"]))
    return got


def cell_errors(path):
    """{cell index: (grade_id or None, the cell's tags, [(ename, evalue)])} of the cells that
    failed in an autograded notebook."""
    nb = nbformat.read(str(path), as_version=4)
    found = {}
    for index, cell in enumerate(nb.cells):
        errors = [(o.ename, o.evalue) for o in cell.get("outputs", [])
                  if o.output_type == "error"]
        if errors:
            found[index] = (meta(cell).get("grade_id"), cell.metadata.get("tags", []), errors)
    return found


@pytest.mark.parametrize("lesson", COURSE_LESSONS)
def test_instructor_notebook_gets_full_marks(grades, lesson):
    got = graded(grades, lesson, "instructor")
    score, max_score = got["total"]
    points = sum(meta(c)["points"] for c in checks_of(notebook(lesson)).values())
    assert max_score == points > 0, ("%s: nbgrader counts %s points, the check cells %s"
                                     % (lesson, max_score, points))
    lost = {gid: s for gid, s in got["cells"].items() if s[0] < s[1]}
    assert score == max_score and not lost, (
        "%s: the instructor's notebook gets %s of %s; checks that lost points: %s; errors: %s"
        % (lesson, score, max_score, lost, cell_errors(got["notebook"])))


@pytest.mark.parametrize("lesson", COURSE_LESSONS)
def test_untouched_release_gets_less_than_half_and_fails_cleanly(grades, lesson):
    got = graded(grades, lesson, "released")
    score, max_score = got["total"]
    assert max_score > 0, "%s: nbgrader finds no points to grade" % lesson
    assert score < max_score / 2, (
        "%s: the released notebook, untouched, gets %s of %s points: its checks pass without "
        "an answer" % (lesson, score, max_score))
    errors = cell_errors(got["notebook"])
    for index, (gid, tags, errs) in errors.items():
        if gid in got["cells"]:
            assert [e[0] for e in errs] == ["CheckFailed"], (
                "%s: check %s fails with %s, not CheckFailed: with the stub answer a check "
                "must fail cleanly, saying what is wrong" % (lesson, gid, errs))
            not_yet, hint = NOT_YET[language_of(lesson)[0]]    # in the lesson's language
            assert errs[0][1].startswith(not_yet) and hint in errs[0][1], (lesson, gid, errs)
        else:
            assert "raises-exception" in tags, (
                "%s: cell %d (%s) fails in the released notebook run without answers: %s; "
                "code after an exercise must not depend on the answer"
                % (lesson, index + 1, gid or "not graded", errs))
    failed = {gid for gid, s in got["cells"].items() if s[0] < s[1]}
    reported = {gid for gid, _, _ in errors.values()}
    assert failed <= reported, ("%s: checks %s lost points without an error: did the "
                                "notebook stop before them?" % (lesson, sorted(failed - reported)))


@pytest.mark.parametrize("lesson", COURSE_LESSONS)
def test_wrong_answer_loses_exactly_its_points(grades, lesson):
    wrong = wrong_answer(lesson)
    got = graded(grades, lesson, "wrong")
    score, max_score = got["total"]
    checks = checks_of(notebook(lesson))
    lost = {gid for gid, (s, m) in got["cells"].items() if s < m}
    assert lost == set(wrong["loses"]), (
        "%s: with the wrong answer to %s, the checks that lose points are %s, not %s; "
        "errors: %s" % (lesson, wrong["answer"], sorted(lost), sorted(wrong["loses"]),
                        cell_errors(got["notebook"])))
    assert all(got["cells"][gid][0] == 0 for gid in lost)
    assert score == max_score - sum(meta(checks[gid])["points"] for gid in wrong["loses"])
    for gid, tags, errs in cell_errors(got["notebook"]).values():
        if gid in lost:
            assert errs[0][0] == "CheckFailed", (lesson, gid, errs)
