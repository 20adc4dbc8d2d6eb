"""lessons/translate.py: translated lessons built from the English ones and a file per lesson.

Small synthetic notebooks in tmp_path; the last test runs over the translation files in the
repository.
"""

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

LESSONS = Path(__file__).resolve().parent.parent / "lessons"

_spec = importlib.util.spec_from_file_location("translate", LESSONS / "translate.py")
translate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translate)


CHECK = ('n = 6400\n'
         'check(n > 0, "bytes in: right, %d" % n,\n'
         '      hint="wrong count; count again" if n else "empty")')


def _english():
    nb = new_notebook(cells=[
        new_markdown_cell("# Title\n\nSome *prose*.", id="md-title"),
        new_code_cell("x = 1\nprint(x)", id="code-1", execution_count=1, outputs=[
            new_output("stream", name="stdout", text="1\n")]),
        new_markdown_cell("## Part two", id="md-two"),
        new_code_cell("x + 1", id="code-2", execution_count=2, outputs=[
            new_output("execute_result", data={"text/plain": "2"}, execution_count=2)]),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def _translation(english, texts, strings=None):
    src = {c.id: c.source for c in english.cells}
    return {"cells": {cid: {"source_sha1": translate.sha1(src[cid]), "text": text}
                      for cid, text in texts.items()},
            "strings": dict(strings or {})}


def _lesson_dir(tmp_path, english, translation, lang="ko", lesson="99_tiny"):
    nbformat.write(english, str(tmp_path / f"{lesson}.ipynb"))
    translate.write_translation(translate.translation_path(tmp_path, lang, lesson), translation)
    return tmp_path


def _build(root, lang="ko"):
    return translate.build(root, lang, locale=root / "locale")


def _status(root, lang="ko"):
    return translate.status(root, lang, locale=root / "locale")


def _main(root, *args):
    return translate.main(["--root", str(root), "--locale", str(root / "locale"), *args])


def test_build_copies_code_cells_and_replaces_markdown(tmp_path):
    english = _english()
    translation = _translation(english, {"md-title": "# 제목\n\n*설명*.", "md-two": "## 2부"})
    root = _lesson_dir(tmp_path, english, translation)

    written = _build(root)
    assert written == [root / "ko" / "99_tiny.ipynb", root / "locale" / "ko.lessons.json"]
    built = nbformat.read(str(written[0]), as_version=4)

    # the English cells, and after the title the cell that sets the language
    assert [c.id for c in built.cells] == ["md-title", "set-language", "code-1", "md-two",
                                           "code-2"]
    language = built.cells[1]
    assert language.source.endswith('from widgets import i18n\n_ = i18n.set_language(\'ko\')')
    assert language.metadata["nbgrader"]["locked"] and not language.metadata["editable"]
    assert language.metadata["nbgrader"]["grade_id"] == "99-set-language"
    english_code = [c for c in english.cells if c.cell_type == "code"]
    built_code = [c for c in built.cells if c.cell_type == "code" and c.id != "set-language"]
    for old, new in zip(english_code, built_code):  # byte-identical: source, outputs, all
        assert json.dumps(new, sort_keys=True) == json.dumps(old, sort_keys=True)
    assert built.cells[0].source == "# 제목\n\n*설명*."
    assert built.cells[3].source == "## 2부"
    assert built.metadata == english.metadata
    # the bytes on disk keep the Korean as it is (not \\u escapes)
    assert "제목" in written[0].read_text(encoding="utf-8")


def test_build_keeps_the_outputs_the_translated_notebook_ran_to(tmp_path):
    """Outputs in the translation's language survive a rebuild where the code is the same;
    where the English code changed, the English outputs come in (until it is re-run)."""
    english = _english()
    translation = _translation(english, {"md-title": "# 제목", "md-two": "## 2부"})
    root = _lesson_dir(tmp_path, english, translation)
    out = _build(root)[0]
    ran = nbformat.read(str(out), as_version=4)
    ran.cells[2].outputs[0].text = "일\n"            # as if the Korean notebook ran
    ran.cells[2].metadata["execution"] = {"iopub.execute_input": "2026-12-06T00:00:00Z"}
    ran.cells[4].outputs[0].data["text/plain"] = "이"
    ran.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nbformat.write(ran, str(out))

    english.cells[3].source = "x + 2"               # the English code changed here only
    english.cells[3].outputs[0].data["text/plain"] = "3"
    nbformat.write(english, str(root / "99_tiny.ipynb"))
    rebuilt = nbformat.read(str(_build(root)[0]), as_version=4)
    assert rebuilt.cells[2].outputs[0].text == "일\n"
    assert rebuilt.cells[2].metadata["execution"] == ran.cells[2].metadata["execution"]
    assert rebuilt.metadata["widgets"] == ran.metadata["widgets"]   # the saved widget state
    assert rebuilt.cells[4].source == "x + 2"
    assert rebuilt.cells[4].outputs[0].data["text/plain"] == "3"


def test_status_reports_stale_and_missing(tmp_path):
    english = _english()
    translation = _translation(english, {"md-title": "# 제목", "md-two": "## 2부"})
    english.cells[2].source = "## Part two, reworded"                 # translated before
    english.cells.append(new_markdown_cell("## New part", id="md-new"))  # never translated
    root = _lesson_dir(tmp_path, english, translation)
    _build(root)

    report = _status(root)
    assert report == {"99_tiny": {"translated": ["md-title"], "missing": ["md-new"],
                                  "stale": ["md-two"], "strings_missing": [],
                                  "strings_unused": [], "strings_bad": [], "built": True},
                      None: {"conflicts": [], "catalog_current": True, "docs": {}}}
    assert not translate.is_clean(report)
    assert _main(root, "status", "--lang", "ko") == 1
    # a cell not current keeps its English text in the built notebook
    built = nbformat.read(str(root / "ko" / "99_tiny.ipynb"), as_version=4)
    assert [c.source for c in built.cells if c.cell_type == "markdown"] == [
        "# 제목", "## Part two, reworded", "## New part"]


def test_status_is_clean_when_everything_is_current(tmp_path):
    english = _english()
    root = _lesson_dir(tmp_path, english, _translation(english, {"md-title": "# 제목",
                                                                 "md-two": "## 2부"}))
    assert _main(root, "status", "--lang", "ko") == 1  # not built
    assert _main(root, "build", "--lang", "ko") == 0
    assert _main(root, "status", "--lang", "ko") == 0


def test_a_built_notebook_behind_the_english_one_is_stale(tmp_path):
    english = _english()
    translation = _translation(english, {"md-title": "# 제목", "md-two": "## 2부"})
    root = _lesson_dir(tmp_path, english, translation)
    out = _build(root)[0]
    assert translate.is_current(english, translation, out.read_text(encoding="utf-8"), "ko",
                                "99")
    assert translate.is_current(english, translation, nbformat.read(str(out), as_version=4),
                                "ko", "99")

    changed = _english()
    changed.cells[1].outputs[0].text = "one\n"   # outputs are nbval's to check, not status's
    assert translate.is_current(changed, translation, out.read_text(encoding="utf-8"), "ko",
                                "99")
    changed = _english()
    changed.cells[3].source = "x + 2"            # its code edited
    assert not translate.is_current(changed, translation, out.read_text(encoding="utf-8"),
                                    "ko", "99")
    newer = _translation(english, {"md-title": "# 새 제목", "md-two": "## 2부"})
    assert not translate.is_current(english, newer, out.read_text(encoding="utf-8"), "ko", "99")
    hand_edited = nbformat.read(str(out), as_version=4)
    hand_edited.cells[0].source += " (edited)"
    assert not translate.is_current(english, translation, hand_edited, "ko", "99")
    no_language = nbformat.read(str(out), as_version=4)
    del no_language.cells[1]
    assert not translate.is_current(english, translation, no_language, "ko", "99")

    nbformat.write(changed, str(root / "99_tiny.ipynb"))
    assert _status(root)["99_tiny"]["built"] is False


def test_stub_keeps_current_translations_and_flags_the_rest(tmp_path):
    english = _english()
    translation = _translation(english, {"md-title": "# 제목", "md-two": "## 2부"})
    english.cells[2].source = "## Part two, reworded"
    english.cells.append(new_markdown_cell("## New part", id="md-new"))
    translation["cells"]["gone"] = {"source_sha1": "0" * 40, "text": "삭제된 셀"}
    root = _lesson_dir(tmp_path, english, translation)

    assert _main(root, "stub", "--lang", "ko", "99_tiny") == 0
    stubbed = translate.read_translation(translate.translation_path(root, "ko", "99_tiny"))
    assert stubbed["strings"] == {}
    assert list(stubbed["cells"]) == ["md-title", "md-two", "md-new"]
    assert stubbed["cells"]["md-title"] == translation["cells"]["md-title"]
    assert stubbed["cells"]["md-two"] == {
        "source_sha1": translate.sha1("## Part two, reworded"), "text": "## 2부",
        "needs_work": True, "english": "## Part two, reworded"}
    assert stubbed["cells"]["md-new"] == {
        "source_sha1": translate.sha1("## New part"), "text": "",
        "needs_work": True, "english": "## New part"}

    report = _status(root)["99_tiny"]
    assert (report["translated"], report["stale"], report["missing"]) == (
        ["md-title"], ["md-two"], ["md-new"])

    # the translator fills the text in and drops the flag: current, and stub leaves it so
    for cid, text in (("md-two", "## 2부, 고쳐 씀"), ("md-new", "## 새 부분")):
        entry = stubbed["cells"][cid]
        entry["text"] = text
        del entry["needs_work"], entry["english"]
    translate.write_translation(translate.translation_path(root, "ko", "99_tiny"), stubbed)
    translate.stub(root, "ko", "99_tiny")
    assert translate.read_translation(
        translate.translation_path(root, "ko", "99_tiny")) == stubbed
    _build(root)
    assert translate.is_clean(_status(root))


def test_stub_without_a_file_starts_one(tmp_path):
    english = _english()
    nbformat.write(english, str(tmp_path / "99_tiny.ipynb"))
    path = translate.stub(tmp_path, "ko", "99_tiny")
    stubbed = translate.read_translation(path)
    assert stubbed["strings"] == {}
    assert all(e["needs_work"] and e["text"] == "" for e in stubbed["cells"].values())
    assert list(stubbed["cells"]) == ["md-title", "md-two"]


def test_check_strings_are_the_templates_a_check_cell_shows():
    source = (
        'from widgets import checks\n'
        '%matplotlib inline\n'
        'checks.check(ok, "bytes in: right, %d" % n,\n'
        '             hint="count %s again; 4 bytes each" % name)\n'
        'check(v, f"{n} steps ran", hint="x is " + repr(x) + "; fetch it")\n'
        'check(ok, "wrote %s, so it %s" % (names or "no variable",\n'
        '                                   "changes" if c else "stays"))\n'
        'check(ok, success="%.4g -> %.4g" % (a, b))\n'         # nothing but numbers
        'print("not a check")\n'
        'checks.check(ok, "bytes in: right, %d" % n)\n')        # said once
    assert translate.check_strings(source) == [
        "bytes in: right, {}", "count {} again", "4 bytes each", "{} steps ran", "x is {}",
        "fetch it", "wrote {}, so it {}", "no variable", "changes", "stays"]
    assert translate.check_strings("check(") == []           # a cell that does not parse


def _with_check(english):
    english.cells.insert(3, new_code_cell(CHECK, id="code-check"))
    return english


def test_stub_and_status_follow_the_strings_of_the_check_cells(tmp_path):
    english = _with_check(_english())
    translation = _translation(english, {"md-title": "# 제목", "md-two": "## 2부"},
                               {"a string no cell shows": "쓰이지 않는 문자열"})
    root = _lesson_dir(tmp_path, english, translation)
    translate.stub(root, "ko", "99_tiny")
    stubbed = translate.read_translation(translate.translation_path(root, "ko", "99_tiny"))
    assert stubbed["strings"] == {"bytes in: right, {}": "", "wrong count": "",
                                  "count again": "", "empty": ""}
    _build(root)
    report = _status(root)
    assert report["99_tiny"]["strings_missing"] == list(stubbed["strings"])
    assert not translate.is_clean(report)

    stubbed["strings"] = {"bytes in: right, {}": "들어간 바이트: 정답, {}",
                          "wrong count": "틀린 개수", "count again": "다시 세어 보세요",
                          "empty": "비어 있음", "a string no cell shows": "쓰이지 않음"}
    translate.write_translation(translate.translation_path(root, "ko", "99_tiny"), stubbed)
    _build(root)
    report = _status(root)
    assert report["99_tiny"]["strings_unused"] == ["a string no cell shows"]
    assert not translate.is_clean(report)
    del stubbed["strings"]["a string no cell shows"]
    stubbed["strings"]["bytes in: right, {}"] = "들어간 바이트: 정답"     # lost the number
    translate.write_translation(translate.translation_path(root, "ko", "99_tiny"), stubbed)
    _build(root)
    assert _status(root)["99_tiny"]["strings_bad"] == ["bytes in: right, {}"]
    stubbed["strings"]["bytes in: right, {}"] = "정답, 들어간 바이트 {0}"
    translate.write_translation(translate.translation_path(root, "ko", "99_tiny"), stubbed)
    assert not translate.is_clean(_status(root))       # the catalog is behind the files
    _build(root)
    assert translate.is_clean(_status(root))
    catalog = json.loads((root / "locale" / "ko.lessons.json").read_text(encoding="utf-8"))
    assert catalog == stubbed["strings"]


def test_two_lessons_that_translate_a_string_differently_conflict(tmp_path):
    english = _with_check(_english())
    strings = {"bytes in: right, {}": "들어간 바이트: 정답, {}", "wrong count": "틀린 개수",
               "count again": "다시 세어 보세요", "empty": "비어 있음"}
    texts = {"md-title": "# 제목", "md-two": "## 2부"}
    root = _lesson_dir(tmp_path, english, _translation(english, texts, strings))
    other = dict(strings, empty="빈 값")
    _lesson_dir(tmp_path, english, _translation(english, texts, other), lesson="98_other")
    _build(root)
    report = _status(root)
    assert report[None]["conflicts"] == ["empty"] and not translate.is_clean(report)


def test_every_lesson_cell_has_a_unique_id():
    """Cell ids are the join key between a lesson and its translation."""
    for path in sorted(LESSONS.glob("[0-9]*.ipynb")):
        ids = [c.get("id") for c in nbformat.read(str(path), as_version=4).cells]
        assert all(ids) and len(set(ids)) == len(ids), path.name


TRANSLATED = sorted(p.name for p in (LESSONS / "i18n").glob("*") if p.is_dir())


def test_every_lesson_is_translated():
    english = sorted(p.stem for p in LESSONS.glob("[0-9][0-9]_*.ipynb"))
    assert TRANSLATED == ["ko"]
    for lang in TRANSLATED:
        assert translate.lessons_with_translation(LESSONS, lang) == english, lang
        for path in sorted((LESSONS / "i18n" / lang).glob("*.json")):
            assert (LESSONS / f"{path.stem}.ipynb").exists(), f"{path}: no such lesson"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_in_the_repository_are_current(lang):
    """Every ``lessons/i18n/<lang>/*.json``: each markdown cell and check string translated
    and current; ``lessons/<lang>/<lesson>.ipynb`` what ``build`` writes now (outputs aside:
    nbval runs them); ``widgets/locale/<lang>.lessons.json`` too."""
    report = translate.status(LESSONS, lang)
    fix = (f"run python lessons/translate.py stub --lang {lang} <lesson>, translate what it "
           f"flags, then python lessons/translate.py build --lang {lang}")
    for lesson, r in report.items():
        if lesson is None:
            continue
        for problem in translate.PROBLEMS:
            assert not r[problem], f"{lang}/{lesson}: {problem} {r[problem]}: {fix}"
        assert r["built"], (f"lessons/{lang}/{lesson}.ipynb is not current: run "
                            f"python lessons/translate.py build --lang {lang}")
    assert not report[None]["conflicts"], (
        f"lessons translate these strings differently: {report[None]['conflicts']}")
    for name, state in report[None]["docs"].items():
        assert state == "current", (
            f"lessons/{lang}/{name} is {state}: translate lessons/{name} (`python "
            f"lessons/translate.py doc-diff --lang {lang} {name}` shows what changed), and make "
            f"its first line `python lessons/translate.py doc-header {name}`")
    assert report[None]["catalog_current"], (
        f"widgets/locale/{lang}.lessons.json is not current: run "
        f"python lessons/translate.py build --lang {lang}")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translated_lessons_run_the_english_code(lang):
    """One source of truth for code: a translated lesson's code cells are the English ones,
    in the same order, plus the one cell that sets the language."""
    for english_path in sorted(LESSONS.glob("[0-9][0-9]_*.ipynb")):
        english = nbformat.read(str(english_path), as_version=4)
        built = nbformat.read(str(LESSONS / lang / english_path.name), as_version=4)
        assert [c.id for c in built.cells] == (
            [english.cells[0].id, "set-language"] + [c.id for c in english.cells[1:]])
        for old, new in zip(english.cells, [c for c in built.cells if c.id != "set-language"]):
            assert old.cell_type == new.cell_type
            if old.cell_type == "code":   # the same code; it ran at its own time
                timeless = [{k: v for k, v in c.metadata.items() if k != "execution"}
                            for c in (old, new)]
                assert (new.source, timeless[1]) == (old.source, timeless[0]), old.id
            else:
                assert new.source != old.source or not old.source.strip(), (
                    f"{lang}/{english_path.name} cell {old.id}: still the English text")


def test_readme_points_korean_readers_at_files_that_exist():
    readme = (LESSONS.parent / "README.md").read_text(encoding="utf-8")
    top = readme.split("\n## ", 1)[0]          # the short Korean section comes first
    assert "make lab LANG=ko" in top and "한국어" in top
    links = re.findall(r"\]\(([^)]+)\)", top)
    assert links and all((LESSONS.parent / link).exists() for link in links), links
    assert (LESSONS / "ko" / "GLOSSARY.md").read_text(encoding="utf-8").startswith("# 용어집")


def test_doc_states_and_diff(tmp_path):
    import subprocess
    (tmp_path / "README.md").write_text("# Lessons\n\nOld text.\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "README.md"], cwd=tmp_path, check=True)
    (tmp_path / "ko").mkdir()
    assert translate.doc_states(tmp_path, "ko")["README.md"] == "missing"
    header = translate.doc_header(tmp_path, "README.md")
    (tmp_path / "ko" / "README.md").write_text(header + "\n# 레슨\n", encoding="utf-8")
    assert translate.doc_states(tmp_path, "ko")["README.md"] == "current"
    (tmp_path / "README.md").write_text("# Lessons\n\nNew text.\n", encoding="utf-8")
    assert translate.doc_states(tmp_path, "ko")["README.md"] == "stale"
    diff = translate.doc_diff(tmp_path, "ko", "README.md")
    assert "-Old text." in diff and "+New text." in diff
