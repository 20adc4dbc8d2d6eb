"""lessons/translate.py: translated lessons built from the English ones and a file per lesson.

Small synthetic notebooks in tmp_path; the last test runs over the translation files in the
repository.
"""

import importlib.util
import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

LESSONS = Path(__file__).resolve().parent.parent / "lessons"

_spec = importlib.util.spec_from_file_location("translate", LESSONS / "translate.py")
translate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translate)


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


def _translation(english, texts):
    src = {c.id: c.source for c in english.cells}
    return {"cells": {cid: {"source_sha1": translate.sha1(src[cid]), "text": text}
                      for cid, text in texts.items()},
            "strings": {"check.ok": "정답입니다"}}


def _lesson_dir(tmp_path, english, translation, lang="ko", lesson="99_tiny"):
    nbformat.write(english, str(tmp_path / f"{lesson}.ipynb"))
    translate.write_translation(translate.translation_path(tmp_path, lang, lesson), translation)
    return tmp_path


def test_build_copies_code_cells_and_replaces_markdown(tmp_path):
    english = _english()
    translation = _translation(english, {"md-title": "# 제목\n\n*설명*.", "md-two": "## 2부"})
    root = _lesson_dir(tmp_path, english, translation)

    written = translate.build(root, "ko")
    assert written == [root / "ko" / "99_tiny.ipynb"]
    built = nbformat.read(str(written[0]), as_version=4)

    assert [c.id for c in built.cells] == [c.id for c in english.cells]
    for old, new in zip(english.cells, built.cells):
        if old.cell_type == "code":  # byte-identical: source, outputs, everything
            assert json.dumps(new, sort_keys=True) == json.dumps(old, sort_keys=True)
    assert built.cells[0].source == "# 제목\n\n*설명*."
    assert built.cells[2].source == "## 2부"
    assert built.metadata == english.metadata
    # the bytes on disk keep the Korean as it is (not \u escapes)
    assert "제목" in written[0].read_text(encoding="utf-8")


def test_status_reports_stale_and_missing(tmp_path):
    english = _english()
    translation = _translation(english, {"md-title": "# 제목", "md-two": "## 2부"})
    english.cells[2].source = "## Part two, reworded"                 # translated before
    english.cells.append(new_markdown_cell("## New part", id="md-new"))  # never translated
    root = _lesson_dir(tmp_path, english, translation)
    translate.build(root, "ko")

    report = translate.status(root, "ko")
    assert report == {"99_tiny": {"translated": ["md-title"], "missing": ["md-new"],
                                  "stale": ["md-two"], "built": True}}
    assert not translate.is_clean(report)
    assert translate.main(["--root", str(root), "status", "--lang", "ko"]) == 1
    # a cell not current keeps its English text in the built notebook
    built = nbformat.read(str(root / "ko" / "99_tiny.ipynb"), as_version=4)
    assert [c.source for c in built.cells if c.cell_type == "markdown"] == [
        "# 제목", "## Part two, reworded", "## New part"]


def test_status_is_clean_when_everything_is_current(tmp_path):
    english = _english()
    root = _lesson_dir(tmp_path, english, _translation(english, {"md-title": "# 제목",
                                                                 "md-two": "## 2부"}))
    assert translate.main(["--root", str(root), "status", "--lang", "ko"]) == 1  # not built
    assert translate.main(["--root", str(root), "build", "--lang", "ko"]) == 0
    assert translate.main(["--root", str(root), "status", "--lang", "ko"]) == 0


def test_a_built_notebook_behind_the_english_one_is_stale(tmp_path):
    english = _english()
    translation = _translation(english, {"md-title": "# 제목", "md-two": "## 2부"})
    root = _lesson_dir(tmp_path, english, translation)
    out = translate.build(root, "ko")[0]
    assert translate.is_current(english, translation, out.read_text(encoding="utf-8"))
    assert translate.is_current(english, translation, nbformat.read(str(out), as_version=4))

    changed = _english()
    changed.cells[1].outputs[0].text = "one\n"   # the English lesson re-executed
    assert not translate.is_current(changed, translation, out.read_text(encoding="utf-8"))
    changed = _english()
    changed.cells[3].source = "x + 2"            # its code edited
    assert not translate.is_current(changed, translation, out.read_text(encoding="utf-8"))
    newer = _translation(english, {"md-title": "# 새 제목", "md-two": "## 2부"})
    assert not translate.is_current(english, newer, out.read_text(encoding="utf-8"))
    hand_edited = nbformat.read(str(out), as_version=4)
    hand_edited.cells[0].source += " (edited)"
    assert not translate.is_current(english, translation, hand_edited)

    nbformat.write(changed, str(root / "99_tiny.ipynb"))
    assert translate.status(root, "ko")["99_tiny"]["built"] is False


def test_stub_keeps_current_translations_and_flags_the_rest(tmp_path):
    english = _english()
    translation = _translation(english, {"md-title": "# 제목", "md-two": "## 2부"})
    english.cells[2].source = "## Part two, reworded"
    english.cells.append(new_markdown_cell("## New part", id="md-new"))
    translation["cells"]["gone"] = {"source_sha1": "0" * 40, "text": "삭제된 셀"}
    root = _lesson_dir(tmp_path, english, translation)

    assert translate.main(["--root", str(root), "stub", "--lang", "ko", "99_tiny"]) == 0
    stubbed = translate.read_translation(translate.translation_path(root, "ko", "99_tiny"))
    assert stubbed["strings"] == {"check.ok": "정답입니다"}
    assert list(stubbed["cells"]) == ["md-title", "md-two", "md-new"]
    assert stubbed["cells"]["md-title"] == translation["cells"]["md-title"]
    assert stubbed["cells"]["md-two"] == {
        "source_sha1": translate.sha1("## Part two, reworded"), "text": "## 2부",
        "needs_work": True, "english": "## Part two, reworded"}
    assert stubbed["cells"]["md-new"] == {
        "source_sha1": translate.sha1("## New part"), "text": "",
        "needs_work": True, "english": "## New part"}

    report = translate.status(root, "ko")["99_tiny"]
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
    translate.build(root, "ko")
    assert translate.is_clean(translate.status(root, "ko"))


def test_stub_without_a_file_starts_one(tmp_path):
    english = _english()
    nbformat.write(english, str(tmp_path / "99_tiny.ipynb"))
    path = translate.stub(tmp_path, "ko", "99_tiny")
    stubbed = translate.read_translation(path)
    assert stubbed["strings"] == {}
    assert all(e["needs_work"] and e["text"] == "" for e in stubbed["cells"].values())
    assert list(stubbed["cells"]) == ["md-title", "md-two"]


def test_every_lesson_cell_has_a_unique_id():
    """Cell ids are the join key between a lesson and its translation."""
    for path in sorted(LESSONS.glob("[0-9]*.ipynb")):
        ids = [c.get("id") for c in nbformat.read(str(path), as_version=4).cells]
        assert all(ids) and len(set(ids)) == len(ids), path.name


def test_translations_in_the_repository_are_current():
    """Every ``lessons/i18n/<lang>/*.json``: each markdown cell translated and current, and
    ``lessons/<lang>/<lesson>.ipynb`` exactly what ``build`` writes now."""
    # Issue 17 adds the files (lessons/i18n/ko/); until then this loop has nothing to check.
    for lang_dir in sorted(p for p in (LESSONS / "i18n").glob("*") if p.is_dir()):
        for path in sorted(lang_dir.glob("*.json")):
            assert (LESSONS / f"{path.stem}.ipynb").exists(), f"{path}: no such lesson"
        report = translate.status(LESSONS, lang_dir.name)
        for lesson, r in report.items():
            assert not r["missing"] and not r["stale"], (
                f"{lang_dir.name}/{lesson}: missing {r['missing']}, stale {r['stale']}: run "
                f"python lessons/translate.py stub --lang {lang_dir.name} {lesson}")
            assert r["built"], (f"lessons/{lang_dir.name}/{lesson}.ipynb is not current: run "
                                f"python lessons/translate.py build --lang {lang_dir.name}")
