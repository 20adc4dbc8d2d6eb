"""Build translated lessons from the English notebooks and a translation file per lesson.

The English notebook stays the one source of truth for code: a translated notebook is never
edited by hand. ``build`` copies every code cell unchanged, source and stored outputs, and
replaces each markdown cell's source with its translation, joined on the cell id.

Translation file: ``lessons/i18n/<lang>/<lesson>.json``, for ``lessons/<lesson>.ipynb``::

    {
      "cells": {
        "<cell id>": {
          "source_sha1": "<sha1 of the English markdown source this text translates>",
          "text": "<translated markdown>"
        }
      },
      "strings": {"<key>": "<translated user-facing string>"}
    }

``strings`` (widget labels, check messages, hints) is carried along untouched: the widgets'
language setting reads it; ``build`` does not.

An entry is **current** when its ``source_sha1`` is the sha1 (UTF-8) of the English cell's
source now and it is not flagged. It is **stale** when the English text changed since it was
translated (sha1 differs), or it is flagged with its old text kept; **missing** when the cell has
no entry or an empty ``text``.

``stub`` writes entries that need work in this form::

    "<cell id>": {
      "source_sha1": "<sha1 of the English source now>",
      "text": "<the old translation, or \"\" for a new cell>",
      "needs_work": true,
      "english": "<the English source now, to translate from>"
    }

To finish one: edit ``text`` and delete ``needs_work`` and ``english`` (``english`` is ignored
once ``needs_work`` is gone, but is noise). Current entries are kept as they are; entries for
cells no longer in the English notebook are dropped. So after a lesson changes, one command::

    python lessons/translate.py stub --lang ko 01_define_and_run

marks exactly the cells to (re)translate, and ``build`` then ``status`` finish the job.

``build`` uses the English source for a cell whose translation is not current, so a built
notebook is always complete; ``status`` is what fails (exit 1) until every cell is current.

Commands (from the repository root)::

    python lessons/translate.py build  --lang ko            # lessons/ko/<lesson>.ipynb
    python lessons/translate.py status --lang ko            # exit 1 if missing/stale/outdated
    python lessons/translate.py stub   --lang ko <lesson>   # write/update the JSON

Standard library and nbformat only.
"""

import argparse
import copy
import hashlib
import json
import sys
from pathlib import Path

import nbformat

LESSONS = Path(__file__).resolve().parent


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


def build_notebook(english, translation):
    """The translated notebook: code (and raw) cells copied as they are, outputs included;
    each markdown cell's source replaced by its current translation (English if none)."""
    nb = copy.deepcopy(english)
    cells = translation.get("cells", {})
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        entry = cells.get(cell["id"])
        if entry_state(cell, entry) == "current":
            cell.source = entry["text"]
    return nb


def dumps(nb):
    """The bytes ``build`` writes for a notebook (nbformat's layout, one trailing newline)."""
    return nbformat.writes(nb).rstrip("\n") + "\n"


def is_current(english, translation, built):
    """Whether ``built`` (a notebook, or its text) is exactly what ``build`` would write now."""
    text = built if isinstance(built, str) else dumps(built)
    return text == dumps(build_notebook(english, translation))


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
    out = {"cells": cells, "strings": translation.get("strings", {})}
    for key, value in translation.items():  # anything else the file carries
        out.setdefault(key, value)
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


def build(root, lang):
    """Write ``<root>/<lang>/<lesson>.ipynb`` for every lesson with a translation; the paths."""
    written = []
    for lesson in lessons_with_translation(root, lang):
        nb = build_notebook(_english(root, lesson),
                            read_translation(translation_path(root, lang, lesson)))
        out = built_path(root, lang, lesson)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dumps(nb), encoding="utf-8")
        written.append(out)
    return written


def status(root, lang):
    """``{lesson: {"translated": [ids], "missing": [ids], "stale": [ids], "built": bool}}``;
    ``built`` is whether ``<root>/<lang>/<lesson>.ipynb`` is what ``build`` would write now."""
    report = {}
    for lesson in lessons_with_translation(root, lang):
        english = _english(root, lesson)
        translation = read_translation(translation_path(root, lang, lesson))
        states = markdown_states(english, translation)
        out = built_path(root, lang, lesson)
        report[lesson] = {
            state: [cid for cid, s in states.items() if s == state_of]
            for state, state_of in (("translated", "current"), ("missing", "missing"),
                                    ("stale", "stale"))}
        report[lesson]["built"] = out.exists() and is_current(
            english, translation, out.read_text(encoding="utf-8"))
    return report


def is_clean(report):
    return all(not r["missing"] and not r["stale"] and r["built"] for r in report.values())


def stub(root, lang, lesson):
    """Write or update ``<root>/i18n/<lang>/<lesson>.json``; its path."""
    path = translation_path(root, lang, lesson)
    write_translation(path, stub_translation(_english(root, lesson), read_translation(path)))
    return path


# --- command line --------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(LESSONS), help="the lessons directory")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("build", "status", "stub"):
        p = sub.add_parser(name)
        p.add_argument("--lang", required=True)
        if name == "stub":
            p.add_argument("lesson", help="e.g. 01_define_and_run (a .ipynb suffix is dropped)")
    args = parser.parse_args(argv)

    if args.command == "build":
        for path in build(args.root, args.lang):
            print(f"wrote {path}")
        return 0
    if args.command == "stub":
        lesson = args.lesson[:-len(".ipynb")] if args.lesson.endswith(".ipynb") else args.lesson
        lesson = Path(lesson).name
        if not (Path(args.root) / f"{lesson}.ipynb").exists():
            parser.error(f"no lesson {lesson}.ipynb in {args.root}")
        path = stub(args.root, args.lang, lesson)
        todo = sum(1 for e in read_translation(path)["cells"].values() if e.get("needs_work"))
        print(f"wrote {path}: {todo} cell(s) need work")
        return 0
    report = status(args.root, args.lang)
    if not report:
        print(f"no translation files in {Path(args.root) / 'i18n' / args.lang}")
    for lesson, r in report.items():
        print(f"{lesson}: {len(r['translated'])} translated, {len(r['missing'])} missing, "
              f"{len(r['stale'])} stale" + ("" if r["built"] else f", {args.lang}/{lesson}.ipynb "
                                            "not current (run build)"))
        for state in ("missing", "stale"):
            if r[state]:
                print(f"  {state}: {', '.join(r[state])}")
    return 0 if is_clean(report) else 1


if __name__ == "__main__":
    sys.exit(main())
