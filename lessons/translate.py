"""Build translated lessons from the English notebooks and a translation file per lesson.

The English notebook stays the one source of truth for code: a translated notebook is never
edited by hand. ``build`` writes ``lessons/<lang>/<lesson>.ipynb``: the English notebook with
each markdown cell's source replaced by its translation (joined on the cell id), every code
cell unchanged, and one cell after the title that sets the language of the widgets and checks
(``from widgets import i18n; i18n.set_language("ko")``).

Translation file: ``lessons/i18n/<lang>/<lesson>.json``, for ``lessons/<lesson>.ipynb``::

    {
      "cells": {
        "<cell id>": {
          "source_sha1": "<sha1 of the English markdown source this text translates>",
          "text": "<translated markdown>"
        }
      },
      "strings": {"<English template>": "<its translation>"}
    }

``strings`` are what the lesson's check cells show the student: the success messages and
hints passed to ``check(verdict, success, hint=...)``, found in the code with ``ast``
(:func:`check_strings`), each hint split at its first ``"; "`` as ``check`` splits it, ``{}``
for what only run time knows (``"bytes in: right, %d" % n`` is ``"bytes in: right, {}"``). A
translation may reorder the parts with ``{0}``, ``{1}``, ... ``build`` gathers every lesson's
strings into ``widgets/locale/<lang>.lessons.json``, which ``widgets.i18n`` reads at run time.

A cell entry is **current** when its ``source_sha1`` is the sha1 (UTF-8) of the English cell's
source now and it is not flagged. It is **stale** when the English text changed since it was
translated (sha1 differs), or it is flagged with its old text kept; **missing** when the cell has
no entry or an empty ``text``. A string is missing when its translation is empty, unused when
the lesson no longer shows it, bad when its placeholders are not the English ones.

``stub`` writes entries that need work in this form::

    "<cell id>": {
      "source_sha1": "<sha1 of the English source now>",
      "text": "<the old translation, or \"\" for a new cell>",
      "needs_work": true,
      "english": "<the English source now, to translate from>"
    }

and ``"<new English template>": ""`` under ``strings``. To finish one: edit ``text`` and delete
``needs_work`` and ``english``, or fill the string in. Current entries are kept as they are;
entries for cells and strings no longer in the English notebook are dropped. So after a lesson
changes, one command::

    python lessons/translate.py stub --lang ko 01_define_and_run

marks exactly what to (re)translate, and ``build`` then ``status`` finish the job.

``build`` uses the English source for a cell whose translation is not current, so a built
notebook is always complete; ``status`` is what fails (exit 1) until everything is current. It
compares a built notebook with what ``build`` writes outputs aside: the translated notebooks
are executed in their language (``make lessons``), their outputs kept by later builds where the
code is the same, and nbval checks them.

The guides ``lessons/README.md`` and ``INSTRUCTORS.md`` are translated by hand into
``lessons/<lang>/``; the first line of each names the git blob of the English it translates
(``doc-header``), so ``status`` knows when it is stale and ``doc-diff`` shows what changed.

Commands (from the repository root)::

    python lessons/translate.py build  --lang ko            # lessons/ko/<lesson>.ipynb
    python lessons/translate.py status --lang ko            # exit 1 if missing/stale/outdated
    python lessons/translate.py stub   --lang ko <lesson>   # write/update the JSON
    python lessons/translate.py doc-diff --lang ko README.md # the English guide's changes
    python lessons/translate.py doc-header README.md        # a translated guide's first line

Standard library, nbformat and ``widgets/i18n.py`` (and IPython, when a cell holds a magic).
"""

import argparse
import ast
import copy
import hashlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import nbformat

LESSONS = Path(__file__).resolve().parent
LOCALE = LESSONS.parent / "widgets" / "locale"

# widgets/i18n.py alone (standard library only), not the widgets package with its views
_spec = importlib.util.spec_from_file_location("_minigraph_i18n",
                                               LESSONS.parent / "widgets" / "i18n.py")
i18n = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n)


# --- the pieces, on notebook objects and dicts ---------------------------------------------

def sha1(text):
    """The sha1 hex digest of a cell source, as UTF-8."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def entry_state(cell, entry):
    """``"current"``, ``"stale"`` or ``"missing"`` for one English markdown cell and its entry."""
    if not entry or not entry.get("text"):
        return "missing"
    if entry.get("needs_work") or entry.get("source_sha1") != sha1(_source(cell)):
        return "stale"
    return "current"


def markdown_states(english, translation):
    """``{cell id: state}`` for every markdown cell of the English notebook, in order."""
    cells = translation.get("cells", {})
    return {c["id"]: entry_state(c, cells.get(c["id"]))
            for c in english.cells if c.cell_type == "markdown"}


#: the cell a translated notebook gets after its title: the widgets and checks speak its
#: language (``widgets.i18n``); its comment, in that language, says so
LANGUAGE_CELL_COMMENT = {
    "ko": "이 노트북의 위젯과 검사 메시지, 힌트를 한국어로 보여 줍니다",
}


def language_cell(lang, lesson_number):
    """The read-only code cell that sets the notebook's language, id ``set-language``."""
    comment = LANGUAGE_CELL_COMMENT.get(lang, "widgets and checks in this notebook's language")
    cell = nbformat.v4.new_code_cell(
        "# %s\nfrom widgets import i18n\n_ = i18n.set_language(%r)" % (comment, lang))
    cell["id"] = "set-language"
    cell.metadata.update({
        "editable": False, "deletable": False,
        "nbgrader": {"grade": False, "grade_id": "%s-set-language" % lesson_number,
                     "locked": True, "schema_version": 3, "solution": False, "task": False}})
    return cell


def build_notebook(english, translation, lang="ko", lesson_number="00", previous=None):
    """The translated notebook: the English one with each markdown cell's source replaced by
    its current translation (English if none), and :func:`language_cell` after the title.

    Code cells are the English ones, source and metadata. Their stored outputs are the
    English ones, except where ``previous`` (the translated notebook as it was) holds the same
    code: there its outputs (and when they ran), which ran in the translation's language, are
    kept, and so is the widgets' saved state (``metadata.widgets``)."""
    nb = copy.deepcopy(english)
    cells = translation.get("cells", {})
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        entry = cells.get(cell["id"])
        if entry_state(cell, entry) == "current":
            cell.source = entry["text"]
    nb.cells.insert(1, language_cell(lang, lesson_number))
    if previous is not None:    # the widgets' saved state goes with the outputs that show them
        nb.metadata.pop("widgets", None)
        if "widgets" in previous.metadata:
            nb.metadata["widgets"] = copy.deepcopy(previous.metadata["widgets"])
    before = {c.get("id"): c for c in previous.cells} if previous is not None else {}
    for cell in nb.cells:
        old = before.get(cell.get("id"))
        if (cell.cell_type == "code" and old is not None and old.cell_type == "code" and
                _source(old) == _source(cell)):
            cell.outputs = copy.deepcopy(old.get("outputs", []))
            cell.execution_count = old.get("execution_count")
            _set_execution(cell, old.metadata.get("execution"))
    return nb


def dumps(nb):
    """The bytes ``build`` writes for a notebook (nbformat's layout, one trailing newline)."""
    return nbformat.writes(nb).rstrip("\n") + "\n"


def _set_execution(cell, timing):
    """A code cell's ``metadata.execution`` (when it last ran): ``timing``, or none."""
    cell.metadata.pop("execution", None)
    if timing is not None:
        cell.metadata["execution"] = copy.deepcopy(timing)


def _without_outputs(nb):
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            _set_execution(cell, None)
    return dumps(nb)


def is_current(english, translation, built, lang="ko", lesson_number="00"):
    """Whether ``built`` (a notebook, or its text) is what ``build`` writes now, outputs
    aside: the outputs are what nbval checks, by running it."""
    if isinstance(built, str):
        built = nbformat.reads(built, as_version=4)
    return _without_outputs(built) == _without_outputs(
        build_notebook(english, translation, lang, lesson_number))


def stub_translation(english, translation):
    """The translation updated for the English notebook now (see the module docstring)."""
    old = translation.get("cells", {})
    cells = {}
    for cell in english.cells:
        if cell.cell_type != "markdown":
            continue
        cid, src = cell["id"], _source(cell)
        entry = old.get(cid)
        if entry_state(cell, entry) == "current":
            cells[cid] = entry
        else:
            cells[cid] = {"source_sha1": sha1(src),
                          "text": (entry or {}).get("text", ""),
                          "needs_work": True,
                          "english": src}
    old_strings = translation.get("strings", {})
    strings = {t: old_strings.get(t, "") for t in lesson_strings(english)}
    out = {"cells": cells, "strings": strings}
    for key, value in translation.items():  # anything else the file carries
        out.setdefault(key, value)
    return out


def string_states(wanted, translation):
    """``(missing, unused)``: of the lesson's check strings ``wanted``, those with no
    translation, and the translated strings the lesson no longer shows."""
    have = translation.get("strings", {})
    return ([t for t in wanted if not have.get(t)], [t for t in have if t not in wanted])


def placeholder_problems(translation):
    """The strings whose translation has other placeholders than the English
    (``widgets.i18n.placeholders_match``)."""
    return [english for english, text in translation.get("strings", {}).items()
            if text and not i18n.placeholders_match(english, text)]


# --- the strings a lesson's check cells show ----------------------------------------------

#: a %-format conversion (``%s``, ``%d``, ``%r``, ``%.4g`` ...); ``%%`` is a literal percent
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
_HOLE = "{}"


def _from_percent(text):
    return _PERCENT.sub(lambda m: "%" if m.group(0) == "%%" else _HOLE, text)


def _template(node, parts):
    """The template ``node`` (an expression) formats to, ``{}`` for what only run time knows;
    string constants it picks between (``"a" if c else "b"``) are added to ``parts``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else _HOLE for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        left = _template(node.left, parts)
        for sub in ast.walk(node.right):
            _choices(sub, parts)
        return _from_percent(left) if left is not None else _HOLE
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left, parts), _template(node.right, parts)
        return (left if left is not None else _HOLE) + (right if right is not None else _HOLE)
    if isinstance(node, ast.IfExp):
        for branch in (node.body, node.orelse):
            t = _template(branch, parts)
            if t is not None:
                parts.append(t)
        return _HOLE
    for sub in ast.walk(node):
        _choices(sub, parts)
    return _HOLE


def _choices(node, parts):
    if isinstance(node, ast.IfExp):
        branches = (node.body, node.orelse)
    elif isinstance(node, ast.BoolOp):           # names or "no variable"
        branches = node.values
    else:
        return
    for branch in branches:
        if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
            parts.append(branch.value)


def _worth_translating(template):
    return any(ch.isalpha() for ch in template.replace(_HOLE, ""))


def check_strings(source):
    """The English templates a code cell shows the student through ``check(verdict, success,
    hint)`` calls: each success message, each hint split at its first ``"; "`` (what is wrong;
    the hint), and the strings they pick between. ``{}`` marks a run-time part. In order of
    appearance, without repeats; ``[]`` for a cell that does not parse or calls no check."""
    try:
        tree = ast.parse(strip_magics(source))
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and (
                getattr(node.func, "id", None) == "check" or
                getattr(node.func, "attr", None) == "check")):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        args = list(node.args[1:3]) + [None] * 2
        success, hint = keywords.get("success", args[0]), keywords.get("hint", args[1])
        for expr, is_hint in ((success, False), (hint, True)):
            if expr is None:
                continue
            parts = []
            template = _template(expr, parts)
            for text in [template] + parts:
                found.extend(text.split("; ", 1) if is_hint else [text])
    seen = []
    for template in found:
        if _worth_translating(template) and template not in seen:
            seen.append(template)
    return seen


def strip_magics(source):
    """The cell source as Python: IPython's ``%magic`` and ``!shell`` lines turned into calls,
    the way IPython runs them (unchanged when IPython is not installed)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


def lesson_strings(english):
    """Every template the lesson's code cells show through checks, in cell order."""
    out = []
    for cell in english.cells:
        if cell.cell_type == "code":
            out.extend(t for t in check_strings(_source(cell)) if t not in out)
    return out


# --- files ---------------------------------------------------------------------------------

def translation_path(root, lang, lesson):
    return Path(root) / "i18n" / lang / f"{lesson}.json"


def built_path(root, lang, lesson):
    return Path(root) / lang / f"{lesson}.ipynb"


def read_translation(path):
    path = Path(path)
    if not path.exists():
        return {"cells": {}, "strings": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def write_translation(path, translation):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(translation, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def lessons_with_translation(root, lang):
    """The lessons (``NN_name``) that have a translation file for ``lang``."""
    return sorted(p.stem for p in (Path(root) / "i18n" / lang).glob("*.json")
                  if (Path(root) / f"{p.stem}.ipynb").exists())


def _english(root, lesson):
    return nbformat.read(str(Path(root) / f"{lesson}.ipynb"), as_version=4)


def locale_path(locale, lang):
    """The generated catalog of the lessons' strings: ``widgets/locale/<lang>.lessons.json``."""
    return Path(locale) / f"{lang}.lessons.json"


def lesson_catalog(root, lang, wanted):
    """``({english template: translation}, conflicts)``: every lesson's translated strings in
    one catalog, for ``widgets.i18n``; ``conflicts`` lists the templates two lessons translate
    differently (the first lesson's translation is kept). ``wanted`` is ``{lesson: the
    strings it shows}`` (:func:`lesson_strings`)."""
    merged, conflicts = {}, []
    for lesson in lessons_with_translation(root, lang):
        translation = read_translation(translation_path(root, lang, lesson))
        strings = wanted[lesson]
        for english, text in translation.get("strings", {}).items():
            if not text or english not in strings:
                continue
            if english in merged and merged[english] != text:
                conflicts.append(english)
            merged.setdefault(english, text)
    return dict(sorted(merged.items())), conflicts


def _catalog_text(catalog):
    return json.dumps(catalog, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _number(lesson):
    return lesson.split("_", 1)[0]


def build(root, lang, locale=None):
    """Write ``<root>/<lang>/<lesson>.ipynb`` for every lesson with a translation, and the
    lessons' strings to ``<locale>/<lang>.lessons.json``; the paths written."""
    written, wanted = [], {}
    for lesson in lessons_with_translation(root, lang):
        out = built_path(root, lang, lesson)
        previous = nbformat.read(str(out), as_version=4) if out.exists() else None
        english = _english(root, lesson)
        wanted[lesson] = lesson_strings(english)
        nb = build_notebook(english, read_translation(translation_path(root, lang, lesson)),
                            lang, _number(lesson), previous)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dumps(nb), encoding="utf-8")
        written.append(out)
    if written:
        path = locale_path(locale or LOCALE, lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_catalog_text(lesson_catalog(root, lang, wanted)[0]),
                        encoding="utf-8")
        written.append(path)
    return written


def status(root, lang, locale=None):
    """What is left to do, per lesson: ``{lesson: {"translated", "missing", "stale" (cell
    ids), "strings_missing", "strings_unused", "strings_bad" (templates), "built" (bool)}}``,
    and under the key ``None``: ``{"conflicts": [...], "catalog_current": bool}``.

    ``built`` is whether ``<root>/<lang>/<lesson>.ipynb`` is what ``build`` writes now
    (outputs aside); ``catalog_current`` whether ``<locale>/<lang>.lessons.json`` is."""
    report, wanted = {}, {}
    for lesson in lessons_with_translation(root, lang):
        english = _english(root, lesson)
        wanted[lesson] = lesson_strings(english)
        translation = read_translation(translation_path(root, lang, lesson))
        states = markdown_states(english, translation)
        out = built_path(root, lang, lesson)
        r = report[lesson] = {
            state: [cid for cid, s in states.items() if s == state_of]
            for state, state_of in (("translated", "current"), ("missing", "missing"),
                                    ("stale", "stale"))}
        r["strings_missing"], r["strings_unused"] = string_states(wanted[lesson], translation)
        r["strings_bad"] = placeholder_problems(translation)
        r["built"] = out.exists() and is_current(
            english, translation, out.read_text(encoding="utf-8"), lang, _number(lesson))
    if report:
        catalog, conflicts = lesson_catalog(root, lang, wanted)
        path = locale_path(locale or LOCALE, lang)
        report[None] = {"conflicts": conflicts, "catalog_current": path.exists() and
                        path.read_text(encoding="utf-8") == _catalog_text(catalog),
                        "docs": doc_states(root, lang)}
    return report


# --- the guides: lessons/README.md and INSTRUCTORS.md, translated by hand ---------------------

#: the English guides a translation carries, as ``lessons/<lang>/<name>``
DOCS = ("README.md", "INSTRUCTORS.md")
_DOC_HEADER = re.compile(r"<!-- translated from lessons/(?P<name>[\w.]+) at git blob "
                         r"(?P<blob>[0-9a-f]{40})")


def git_blob(data):
    """Git's object id of a file's bytes (``git hash-object``), so that ``git diff`` can show
    what changed in the English since a translation was made."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def doc_header(root, name):
    """The first line of a translated guide: which English version it translates."""
    blob = git_blob((Path(root) / name).read_bytes())
    return (f"<!-- translated from lessons/{name} at git blob {blob}; after the English "
            f"changes: python lessons/translate.py doc-diff --lang <lang> {name} -->")


def doc_states(root, lang):
    """``{name: "current" | "stale" | "missing"}`` for each guide of :data:`DOCS` in ``root``."""
    states = {}
    for name in (n for n in DOCS if (Path(root) / n).exists()):
        path = Path(root) / lang / name
        if not path.exists():
            states[name] = "missing"
            continue
        match = _DOC_HEADER.match(path.read_text(encoding="utf-8"))
        current = git_blob((Path(root) / name).read_bytes())
        states[name] = ("current" if match and match["name"] == name and
                        match["blob"] == current else "stale")
    return states


def doc_diff(root, lang, name):
    """What changed in the English guide since the version the translation names (a unified
    diff; the old version is read from git's objects)."""
    import difflib
    import subprocess
    match = _DOC_HEADER.match((Path(root) / lang / name).read_text(encoding="utf-8"))
    if not match:
        return "lessons/%s/%s names no English version in its first line" % (lang, name)
    done = subprocess.run(["git", "cat-file", "blob", match["blob"]], cwd=str(Path(root)),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if done.returncode:
        return "git has no blob %s (the English the translation names was never committed)" \
            % match["blob"]
    old = done.stdout.decode("utf-8").splitlines(keepends=True)
    new = (Path(root) / name).read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, "lessons/%s (translated)" % name,
                                        "lessons/%s (now)" % name)) or "(no change)"


PROBLEMS = ("missing", "stale", "strings_missing", "strings_unused", "strings_bad")


def is_clean(report):
    lessons_ok = all(not any(r[k] for k in PROBLEMS) and r["built"]
                     for lesson, r in report.items() if lesson is not None)
    whole = report.get(None, {"conflicts": [], "catalog_current": True, "docs": {}})
    return (lessons_ok and not whole["conflicts"] and whole["catalog_current"] and
            all(state == "current" for state in whole["docs"].values()))


def stub(root, lang, lesson):
    """Write or update ``<root>/i18n/<lang>/<lesson>.json``; its path."""
    path = translation_path(root, lang, lesson)
    write_translation(path, stub_translation(_english(root, lesson), read_translation(path)))
    return path


# --- command line --------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(LESSONS), help="the lessons directory")
    parser.add_argument("--locale", default=str(LOCALE),
                        help="where the lessons' strings catalog goes (widgets/locale)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("build", "status", "stub", "doc-diff", "doc-header"):
        p = sub.add_parser(name)
        p.add_argument("--lang", required=name != "doc-header")
        if name == "stub":
            p.add_argument("lesson", help="e.g. 01_define_and_run (a .ipynb suffix is dropped)")
        if name in ("doc-diff", "doc-header"):
            p.add_argument("doc", choices=DOCS)
    args = parser.parse_args(argv)

    if args.command == "doc-header":
        print(doc_header(args.root, args.doc))
        return 0
    if args.command == "doc-diff":
        print(doc_diff(args.root, args.lang, args.doc))
        return 0

    if args.command == "build":
        for path in build(args.root, args.lang, args.locale):
            print(f"wrote {path}")
        return 0
    if args.command == "stub":
        lesson = args.lesson[:-len(".ipynb")] if args.lesson.endswith(".ipynb") else args.lesson
        lesson = Path(lesson).name
        if not (Path(args.root) / f"{lesson}.ipynb").exists():
            parser.error(f"no lesson {lesson}.ipynb in {args.root}")
        path = stub(args.root, args.lang, lesson)
        translation = read_translation(path)
        todo = sum(1 for e in translation["cells"].values() if e.get("needs_work"))
        strings = sum(1 for text in translation["strings"].values() if not text)
        print(f"wrote {path}: {todo} cell(s) and {strings} string(s) need work")
        return 0
    report = status(args.root, args.lang, args.locale)
    if not report:
        print(f"no translation files in {Path(args.root) / 'i18n' / args.lang}")
    for lesson, r in report.items():
        if lesson is None:
            continue
        print(f"{lesson}: {len(r['translated'])} translated, {len(r['missing'])} missing, "
              f"{len(r['stale'])} stale, {len(r['strings_missing'])} string(s) missing"
              + ("" if r["built"] else f", {args.lang}/{lesson}.ipynb not current (run build)"))
        for state in ("missing", "stale"):
            if r[state]:
                print(f"  {state}: {', '.join(r[state])}")
        for state, says in (("strings_missing", "string with no translation"),
                            ("strings_unused", "string the lesson no longer shows (run stub)"),
                            ("strings_bad", "translation with other placeholders than the "
                                            "English")):
            for template in r[state]:
                print(f"  {says}: {template!r}")
    whole = report.get(None)
    if whole:
        for template in whole["conflicts"]:
            print(f"two lessons translate {template!r} differently")
        if not whole["catalog_current"]:
            print(f"{locale_path(args.locale, args.lang)} not current (run build)")
        for name, state in whole["docs"].items():
            if state != "current":
                print(f"{args.lang}/{name}: {state} (translate lessons/{name}; its first line "
                      f"is `python lessons/translate.py doc-header {name}`)")
    return 0 if is_clean(report) else 1


if __name__ == "__main__":
    sys.exit(main())
