"""Build the course edition of the lessons: an nbgrader course (issue 16).

    python lessons/make_course.py [--course DIR] [LESSON ...]   # `make course`
    python lessons/make_course.py --lang ko [LESSON ...]        # `make course LANG=ko`
    python lessons/make_course.py --exercise-table [--dry-run]  # INSTRUCTORS.md's table
    python lessons/make_course.py --exercise-table --lang ko    # lessons/ko/INSTRUCTORS.md's

The first form writes an nbgrader course at DIR (default ``course/`` at the repository root,
which git ignores):

- ``DIR/nbgrader_config.py``: course id ``minigraph``; answer cells released with the comment
  ``# YOUR CODE HERE`` in place of the solution (not nbgrader's ``raise
  NotImplementedError()``: the default each answer cell assigns before ``### BEGIN SOLUTION``
  stays, so a released notebook run top to bottom reaches every check and each failing check
  says what is wrong); a generous execution timeout; the grading kernels get one BLAS thread
  (the numbers the lessons were written with) and this checkout on ``PYTHONPATH``. Settings of
  your own (the exchange, due dates) go in ``DIR/nbgrader_config_local.py``, loaded last and
  never overwritten;
- ``DIR/source/<lesson>/<lesson>.ipynb``: the instructor's lessons, copied from ``lessons/``
  (``<lesson>`` is the notebook's stem, e.g. ``05_it_does_not_learn``) with the answer
  cells expanded (lessons/ keeps its solutions collapsed);
- ``DIR/release/<lesson>/<lesson>.ipynb``: what students get, written by ``nbgrader
  generate_assignment "[0-9][0-9]_*" --force`` run in DIR (every lesson; solutions and hidden
  tests removed, outputs cleared, check cells locked).

``--lang ko`` releases the Korean lessons (``lessons/ko/``, built by ``lessons/translate.py``)
the same way, into ``course-ko/`` with the course id ``minigraph-ko``: the same code, checks
and points; the markdown, the check messages and hints in Korean.

Rebuilding keeps the gradebook, submissions and grades already in DIR. Name lessons (stems)
to build only those. The released notebooks import ``minigraph`` and ``widgets`` from the
Python environment (``pip install -e .`` installs both, as ``make test``'s setup and
``environment.yml`` do); the build checks that a notebook in DIR/release can import them.

``--exercise-table`` lists every lesson's graded exercises and their points (from the
notebooks' nbgrader metadata) as the markdown table of lessons/INSTRUCTORS.md and writes it
there, between its ``exercise table`` markers; ``--dry-run`` only prints it.
tests/test_course.py checks that the table in INSTRUCTORS.md is this one.
"""

import argparse
import ast
import os
import re
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
INSTRUCTORS = LESSONS / "INSTRUCTORS.md"
COURSE_ID = "minigraph"
#: one BLAS thread, as `make test` and `make lessons` run the lessons
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
LESSON_GLOB = "[0-9][0-9]_*"     # the lessons' stems, as nbgrader globs assignment ids
CODE_STUB = "# YOUR CODE HERE"
TEXT_STUB = "YOUR ANSWER HERE"
EXECUTE_TIMEOUT = 120      # seconds a cell may take when nbgrader grades (the slowest takes 2)

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
TABLE_BEGIN = ("<!-- BEGIN exercise table: written by `python lessons/make_course.py "
               "--exercise-table`, do not edit by hand -->")
TABLE_END = "<!-- END exercise table -->"
TABLE_HEADER = "| lesson | exercise (grade id) | kind | points |\n|---|---|---|---|"

CONFIG = '''\
# nbgrader's configuration for the minigraph course, written by lessons/make_course.py
# (`make course`), which rewrites it: put settings of your own (the exchange, due dates, ...)
# in nbgrader_config_local.py next to this file, which this file loads last.
import os

c = get_config()  # noqa: F821 (nbgrader's config loader provides it)

c.CourseDirectory.course_id = {course_id!r}

# A released answer cell keeps the default it assigns before `### BEGIN SOLUTION` and gets
# this comment in place of the solution, not nbgrader's `raise NotImplementedError()`: run top
# to bottom, a released notebook reaches every check, and each failing check says what is
# wrong.
c.ClearSolutions.code_stub = {{"python": {code_stub!r}}}
c.ClearSolutions.text_stub = {text_stub!r}

# A lesson runs in seconds (its slowest cell in 2); the limit is for a student's endless loop,
# and for nbclient, which now and then misses the reply of a cell that draws into an
# ipywidgets Output and waits for this long (jupyter/nbclient#312) before going on.
c.Execute.timeout = {timeout}

# The kernels nbgrader starts to grade inherit this environment: one BLAS thread (the numbers
# the lessons were written with) and this checkout's minigraph and widgets first on the path.
os.environ.update({one_thread!r})
os.environ["PYTHONPATH"] = os.pathsep.join(
    [{root!r}] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])

_local = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nbgrader_config_local.py")
if os.path.exists(_local):
    load_subconfig(_local)  # noqa: F821
'''


# --- the lessons' graded cells ---------------------------------------------------------------

def lessons_dir(lang="en"):
    """Where the lessons of ``lang`` are: ``lessons/`` for English, ``lessons/<lang>/`` for a
    translation (``lessons/translate.py`` builds them)."""
    return LESSONS if lang == "en" else LESSONS / lang


def instructors_guide(lang="en"):
    """The instructor guide of ``lang``: lessons/INSTRUCTORS.md, lessons/<lang>/INSTRUCTORS.md."""
    return lessons_dir(lang) / "INSTRUCTORS.md"


def course_id(lang="en"):
    """The nbgrader course id: ``minigraph``, or ``minigraph-<lang>`` for a translation (so
    both courses can share one JupyterHub exchange)."""
    return COURSE_ID if lang == "en" else "%s-%s" % (COURSE_ID, lang)


def lesson_paths(names=None, lang="en"):
    """The lesson notebooks of ``lang`` (``lessons/NN_*.ipynb``, ``lessons/ko/NN_*.ipynb``),
    or those whose stems are ``names``."""
    folder = lessons_dir(lang)
    paths = sorted(p for p in folder.glob(LESSON_GLOB + ".ipynb")
                   if not p.name.endswith(".nbconvert.ipynb"))
    if not paths:
        raise SystemExit("no lessons in %s%s" % (folder, "" if lang == "en" else
                         ": build them with python lessons/translate.py build --lang " + lang))
    if names:
        by_stem = {p.stem: p for p in paths}
        unknown = [n for n in names if n not in by_stem]
        if unknown:
            raise SystemExit("no lesson %s in %s (there are: %s)"
                             % (", ".join(unknown), folder, ", ".join(by_stem)))
        paths = [by_stem[n] for n in names]
    return paths


def grading(cell):
    """A cell's ``nbgrader`` metadata ({} for a cell nbgrader does not know)."""
    return cell.metadata.get("nbgrader", {})


def is_answer(cell):
    meta = grading(cell)
    return cell.cell_type == "code" and bool(meta.get("solution")) and not meta.get("grade")


def is_check(cell):
    meta = grading(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_graded(cell):
    """An answer or check cell (nbgrader ``solution`` or ``grade`` true)."""
    meta = grading(cell)
    return bool(meta.get("solution") or meta.get("grade"))


Exercise = namedtuple("Exercise", "answer checks kind text points")
Exercise.__doc__ = """One graded exercise: the answer cell's grade id (None for checks no
answer cell precedes), its check cells' grade ids, the kind ("predict", ... from the answer
cell's first line ``# Exercise N (kind): text``), that line's text, the checks' points."""

FIRST_LINE = re.compile(r"^#\s*(?:Exercise\b[^(:]*)?(?:\((?P<kind>[^)]*)\))?\s*:?\s*(?P<text>.*)$")


def describe(cell):
    """(kind, text) from an answer cell's first line, e.g. ``# Exercise 2 (predict): which
    ops will run?`` -> ("predict", "which ops will run?")."""
    line = next((l.strip() for l in cell.source.splitlines() if l.strip()), "")
    match = FIRST_LINE.match(line)
    if not match:
        return "code", line
    kind = (match.group("kind") or "").strip().lower()
    text = match.group("text").strip()
    if not kind:
        kind = "predict" if re.search(r"\bpredict", line, re.IGNORECASE) else "code"
    return kind, text


def exercises(nb):
    """The notebook's graded exercises, in order: each answer cell with the check cells that
    follow it (up to the next answer cell)."""
    found = []
    for cell in nb.cells:
        meta = grading(cell)
        if is_answer(cell):
            kind, text = describe(cell)
            found.append(Exercise(meta.get("grade_id"), [], kind, text, 0))
        elif is_check(cell):
            if not found:
                found.append(Exercise(None, [], "check", "(a check with no answer cell)", 0))
            last = found[-1]
            found[-1] = last._replace(checks=last.checks + [meta.get("grade_id")],
                                      points=last.points + (meta.get("points") or 0))
    return found


def solution_region(source):
    """(before, solution, after): an answer cell's lines outside and inside the solution
    markers (None, None, None if it has no complete region)."""
    lines = source.splitlines()
    begins = [i for i, l in enumerate(lines) if l.strip() == BEGIN_SOLUTION]
    ends = [i for i, l in enumerate(lines) if l.strip() == END_SOLUTION]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        return None, None, None
    b, e = begins[0], ends[0]
    return ("\n".join(lines[:b]), "\n".join(lines[b + 1:e]), "\n".join(lines[e + 1:]))


def solution_lines(source):
    """The 1-based line numbers (first, last) of the solution inside the markers, or None."""
    lines = source.splitlines()
    begins = [i for i, l in enumerate(lines) if l.strip() == BEGIN_SOLUTION]
    ends = [i for i, l in enumerate(lines) if l.strip() == END_SOLUTION]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        return None
    return begins[0] + 2, ends[0]


def released_source(cell):
    """A cell's source as nbgrader releases it: an answer cell's solution replaced by the stub
    (indented like the marker), a check cell's hidden tests left out."""
    lines = cell.source.splitlines()
    if is_answer(cell):
        out, inside = [], False
        for line in lines:
            if line.strip() == BEGIN_SOLUTION:
                inside = True
                out.append(line[:len(line) - len(line.lstrip())] + CODE_STUB)
            elif line.strip() == END_SOLUTION:
                inside = False
            elif not inside:
                out.append(line)
        return "\n".join(out)
    if is_check(cell):
        out, hidden = [], False
        for line in lines:
            if BEGIN_HIDDEN in line:
                hidden = True
            elif END_HIDDEN in line:
                hidden = False
            elif not hidden:
                out.append(line)
        return "\n".join(out)
    return cell.source


def python_of(source):
    """A cell's source as plain Python (IPython's magics and ``!`` lines made calls)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:          # pragma: no cover - IPython comes with Jupyter
        return source
    return TransformerManager().transform_cell(source)


def _statements(tree):
    """The statements of a module that run at its top level: inside ``with``, ``if``,
    ``for``, ``while`` and ``try`` bodies too, not inside functions or classes."""
    for node in tree.body if isinstance(tree, ast.Module) else tree:
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for part in ("body", "orelse", "finalbody"):
                yield from _statements(getattr(node, part, []))
            for handler in getattr(node, "handlers", []):
                yield from _statements(handler.body)


def _bound(node):
    """The names one statement assigns (not ``with ... as``/``for`` targets) or defines."""
    names = set()

    def targets(target):
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                targets(element)
        elif isinstance(target, ast.Starred):
            targets(target.value)

    if isinstance(node, ast.Assign):
        for target in node.targets:
            targets(target)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets(node.target)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names.add(node.name)
    return names


def _first_line(node):
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators])


def assigned_names(source, lines=None):
    """The names a cell's code assigns at its top level (``x = ...``, ``x += ...``, ``a, b =
    ...``, also inside ``with``/``if``/``for``/``try`` bodies, not the ``with ... as``/``for``
    targets) and the functions and classes it defines; with ``lines=(first, last)``, only
    the statements that start on those lines (1-based)."""
    names = set()
    for node in _statements(ast.parse(python_of(source))):
        if lines is None or lines[0] <= _first_line(node) <= lines[1]:
            names |= _bound(node)
    return names


def answer_statements(source, names, lines):
    """The top-level statements starting on ``lines=(first, last)`` that assign or define
    one of ``names`` (a def with its decorators), each as ``ast.unparse`` writes it: the same
    code however it is laid out or commented."""
    return [ast.unparse(node) for node in _statements(ast.parse(python_of(source)))
            if lines[0] <= _first_line(node) <= lines[1] and _bound(node) & set(names)]


def all_statements(source):
    """Every statement of a cell, nested ones too, as ``ast.unparse`` writes it."""
    return {ast.unparse(node) for node in ast.walk(ast.parse(python_of(source)))
            if isinstance(node, ast.stmt)}


def read_names(source):
    """The names a piece of code reads (``ast.Name`` loads)."""
    return {node.id for node in ast.walk(ast.parse(python_of(source)))
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


# --- the exercise table of INSTRUCTORS.md ----------------------------------------------------

def _cell_text(text):
    return text.replace("|", "\\|").strip()


def exercise_rows(path):
    """The table rows of one lesson: one per exercise, then its total."""
    nb = nbformat.read(str(path), as_version=4)
    found = exercises(nb)
    if not found:
        return ["| %s | (no graded exercises yet) | | 0 |" % path.stem]
    rows = []
    for ex in found:
        ids = ", ".join("`%s`" % i for i in ([ex.answer] if ex.answer else []) + ex.checks)
        rows.append("| %s | %s (%s) | %s | %d |"
                    % (path.stem, _cell_text(ex.text), ids, _cell_text(ex.kind), ex.points))
    rows.append("| %s | **total: %d exercise%s** | | **%d** |"
                % (path.stem, len(found), "" if len(found) == 1 else "s",
                   sum(ex.points for ex in found)))
    return rows


def exercise_table(paths=None):
    """The markdown table of every lesson's exercises, grade ids, kinds and points."""
    rows = [row for path in (paths or lesson_paths()) for row in exercise_rows(path)]
    return "\n".join([TABLE_HEADER] + rows)


def table_in(text):
    """The table between the markers of INSTRUCTORS.md's text (None without the markers)."""
    match = re.search(re.escape(TABLE_BEGIN) + r"\n(.*?)\n?" + re.escape(TABLE_END), text,
                      re.DOTALL)
    return match.group(1).strip() if match else None


def write_exercise_table(path=INSTRUCTORS, table=None):
    """Put ``table`` (the lessons' own by default) between the markers of ``path``."""
    table = table if table is not None else exercise_table()
    text = path.read_text(encoding="utf-8")
    if table_in(text) is None:
        raise SystemExit("%s has no exercise table markers: put these two lines where the "
                         "table goes:\n%s\n%s" % (path, TABLE_BEGIN, TABLE_END))
    start = text.index(TABLE_BEGIN) + len(TABLE_BEGIN)
    end = text.index(TABLE_END)
    path.write_text(text[:start] + "\n" + table + "\n" + text[end:], encoding="utf-8")


# --- building the course ----------------------------------------------------------------------

def course_env():
    """The environment nbgrader runs in: this one, one BLAS thread, this checkout first on
    the path (nbgrader_config.py sets the same for the kernels it starts), and this Python's
    scripts first on PATH (nbgrader runs `alembic` from there to set up its gradebook)."""
    env = dict(os.environ, **ONE_THREAD)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent)] +
                                  [p for p in env.get("PATH", "").split(os.pathsep) if p])
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


def nbgrader(course, *args, check=True, quiet=False):
    """Run ``nbgrader <args>`` in the course directory (this Python's nbgrader)."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=str(course),
                          env=course_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if not quiet or done.returncode:
        sys.stdout.write(done.stdout)
    if check and done.returncode:
        raise RuntimeError("nbgrader %s failed (exit %d) in %s:\n%s"
                           % (" ".join(args), done.returncode, course, done.stdout[-3000:]))
    return done


def write_config(course, lang="en"):
    config = CONFIG.format(course_id=course_id(lang), code_stub=CODE_STUB, text_stub=TEXT_STUB,
                           timeout=EXECUTE_TIMEOUT, one_thread=ONE_THREAD, root=str(ROOT))
    (course / "nbgrader_config.py").write_text(config, encoding="utf-8")


def check_imports(course, stem):
    """A notebook in ``course/release/<stem>/`` can import minigraph and widgets as a student's
    kernel does: from the installed package, with no help from PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", "import minigraph, widgets, widgets.checks; "
                               "print(widgets.__file__)"],
        cwd=str(course / "release" / stem), env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    if done.returncode:
        raise RuntimeError(
            "a released notebook cannot import minigraph and widgets with %s:\n%s\nInstall "
            "this repository into that environment first: `make venv` (or `pip install -e "
            ".`)." % (sys.executable, done.stdout[-2000:]))
    found = Path(done.stdout.strip().splitlines()[-1]).resolve()
    if ROOT not in found.parents:
        print("NOTE: this Python imports widgets from %s, not from this checkout (%s); "
              "nbgrader's own kernels use this checkout (nbgrader_config.py), a student's "
              "Jupyter the installed one." % (found.parent, ROOT))


def for_students(nb):
    """The lesson as the course's source: answer cells shown, not collapsed (in lessons/ they
    are collapsed so that a reader does not see the solution at once; released, they hold
    the student's own code)."""
    for cell in nb.cells:
        if is_answer(cell):
            cell.metadata.get("jupyter", {}).pop("source_hidden", None)
            if cell.metadata.get("jupyter") == {}:
                del cell.metadata["jupyter"]
    return nb


def build_course(course, names=None, quiet=False, lang="en"):
    """Write the nbgrader course at ``course`` and release the lessons of ``lang`` (stems
    ``names``, or all); return the stems released."""
    course = Path(course).resolve()
    course.mkdir(parents=True, exist_ok=True)
    write_config(course, lang)
    paths = lesson_paths(names, lang)
    for path in paths:
        source = course / "source" / path.stem
        source.mkdir(parents=True, exist_ok=True)
        nbformat.write(for_students(nbformat.read(str(path), as_version=4)),
                       str(source / path.name))
    # one nbgrader for all the lessons (it takes seconds to start): the glob matches the
    # lessons' stems, not other assignments an instructor keeps in source/
    for pattern in ([LESSON_GLOB] if not names else [p.stem for p in paths]):
        nbgrader(course, "generate_assignment", pattern, "--force", "--log-level=WARN",
                 quiet=quiet)
    stems = []
    for path in paths:
        released = course / "release" / path.stem / path.name
        if not released.exists():
            raise RuntimeError("nbgrader wrote no %s" % released)
        stems.append(path.stem)
        if not quiet:
            print("released %s" % released)
    if stems:
        check_imports(course, stems[0])
    return stems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lessons", nargs="*", help="lesson stems (default: every lesson)")
    parser.add_argument("--course", default=None,
                        help="the course directory (default: course/ at the repository root, "
                             "course-<lang>/ for a translation)")
    parser.add_argument("--lang", default="en",
                        help="the lessons' language: en (lessons/), or ko (lessons/ko/, course "
                             "id minigraph-ko)")
    parser.add_argument("--exercise-table", action="store_true",
                        help="write the exercise table of lessons/INSTRUCTORS.md (and print it)")
    parser.add_argument("--dry-run", action="store_true",
                        help="with --exercise-table: print the table only")
    args = parser.parse_args(argv)
    if args.exercise_table:
        table = exercise_table(lesson_paths(args.lessons or None, args.lang))
        print(table)
        if not args.dry_run:
            if args.lessons:
                raise SystemExit("the table in INSTRUCTORS.md lists every lesson: "
                                 "name no lessons, or add --dry-run")
            guide = instructors_guide(args.lang)
            write_exercise_table(guide, table)
            print("written to %s" % guide)
        return
    course = Path(args.course or ROOT / ("course" if args.lang == "en" else
                                         "course-" + args.lang)).resolve()
    stems = build_course(course, args.lessons or None, lang=args.lang)
    print("\nThe course is at %s: %d lessons released into %s. Next: %s."
          % (course, len(stems), course / "release",
             instructors_guide(args.lang).relative_to(ROOT)))


if __name__ == "__main__":
    main()
