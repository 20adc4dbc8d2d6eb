"""widgets.i18n: the language the widgets and the checks speak.

The catalogs (widgets/locale/<lang>.*.json) are checked against the code that uses them: every
string ``widgets/checks.py`` and the views mark for translation (``tr`` / ``N_``) has a Korean
translation with its placeholders, and every entry is used; every lesson string in the generated catalog comes back, formatted, as its own
translation (no other template shadows it). The checks then fail and pass in Korean.
"""

import json
from pathlib import Path

import pytest

from widgets import checks, i18n

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


#: each hand-kept catalog and the modules whose marked strings (``tr`` / ``N_``) it translates
LIBRARY_CATALOGS = {
    "ko.checks.json": ["checks.py"],
    "ko.widgets.json": ["feed_vs_variables.py", "gradient_check_view.py", "graph_explorer.py",
                        "run_stepper.py", "training_dashboard.py", "variable_timeline.py",
                        "_common.py"],
}


@pytest.mark.parametrize("name", sorted(LIBRARY_CATALOGS))
def test_every_marked_string_has_its_translation_and_no_entry_is_unused(name):
    used = {t for module in LIBRARY_CATALOGS[name]
            for t in i18n.marked_templates(ROOT / "widgets" / module)}
    assert used, "no string marked for translation in %s" % LIBRARY_CATALOGS[name]
    catalog = json.loads((ROOT / "widgets" / "locale" / name).read_text("utf-8"))
    assert sorted(used - set(catalog)) == [], "no translation in %s for these" % name
    assert sorted(set(catalog) - used) == [], "%s holds strings nobody marks" % name
    bad = [english for english, text in catalog.items()
           if not i18n.placeholders_match(english, text)]
    assert bad == [], "%s: translations with other placeholders than the English" % name


def test_every_widgets_module_is_read_for_strings():
    modules = {p.name for p in (ROOT / "widgets").glob("*.py")} - {"__init__.py", "i18n.py"}
    assert modules == {m for ms in LIBRARY_CATALOGS.values() for m in ms}


def test_placeholders_match():
    assert i18n.placeholders_match("{} of {}", "{}개 중 {}")
    assert i18n.placeholders_match("{} of {}", "{1}개 중 {0}")
    assert not i18n.placeholders_match("{} of {}", "{}개")            # a number lost
    assert not i18n.placeholders_match("{} of {}", "{0}개 중 {0}")     # one part twice
    assert not i18n.placeholders_match("{} of {}", "{1}개 중 {}")      # numbered and not


@pytest.mark.parametrize("path", sorted((ROOT / "widgets" / "locale").glob("*.json")),
                         ids=lambda p: p.name)
def test_catalog_files_are_json_objects_of_strings(path):
    catalog = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(catalog, dict) and catalog
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in catalog.items())
    assert path.name.split(".")[0] in i18n.LANGUAGES
    # written sorted, in UTF-8 (as translate.py writes the generated one): reviewable diffs
    assert path.read_text(encoding="utf-8") == json.dumps(
        catalog, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def test_fill_replaces_only_placeholders():
    assert i18n.fill("{} of {}", [3, 4]) == "3 of 4"
    assert i18n.fill("{1}개 중 {0}개", [3, 4]) == "4개 중 3개"
    assert i18n.fill('such as {"A", "B"}: {}', ["x"]) == 'such as {"A", "B"}: x'
    assert i18n.fill("{} and {}", ["only one"]) == "only one and {}"


def test_english_is_the_default_and_passes_text_through():
    assert i18n.get_language() == "en"
    assert i18n.tr("that run wrote {}", "w1") == "that run wrote w1"
    assert i18n.translate_text("bytes in: right, 6400") == "bytes in: right, 6400"


def test_set_language_accepts_locale_spellings_and_refuses_unknown_ones():
    assert i18n.set_language("ko_KR") == "ko" and i18n.get_language() == "ko"
    assert i18n.set_language("ko-KR.UTF-8".split(".")[0]) == "ko"
    with pytest.raises(ValueError, match="no translation for language 'fr'"):
        i18n.set_language("fr")
    assert i18n.get_language() == "ko"           # a refused language changes nothing


def test_tr_and_translate_text_in_korean():
    i18n.set_language("ko")
    assert i18n.tr("that run wrote {}", "w1, w2") == "그 실행은 w1, w2에 썼습니다"
    # formatted English text comes back through the template it was formatted from
    assert i18n.translate_text("that run wrote w1, w2") == "그 실행은 w1, w2에 썼습니다"
    # a reordered translation takes the parts by number
    assert i18n.tr("{} of its {} items should not be there", 1, 3) == \
        "3개 항목 중 1개는 없어야 합니다"
    # a part that is itself one of the lessons' strings is translated as well ...
    said = i18n.translate_text("right: sess.run([loss]) writes no variable, so the loss "
                               "stays the same")
    assert "no variable" not in said and "stays the same" not in said and "[loss]" in said
    # ... but not by the library's words: an op may be called `inputs` or `update`
    assert i18n.translate_text("that run wrote nothing") == "그 실행은 nothing에 썼습니다"
    # text the catalog does not know stays as it is
    assert i18n.translate_text("something no lesson says") == "something no lesson says"


def test_every_lesson_string_comes_back_as_its_own_translation():
    """Format each lesson template with distinct parts: translate_text must find that
    template (not a shorter one that also matches) and fill its translation."""
    path = ROOT / "widgets" / "locale" / "ko.lessons.json"
    catalog = json.loads(path.read_text(encoding="utf-8"))
    assert len(catalog) > 100
    i18n.set_language("ko")
    for english, korean in catalog.items():
        parts = ["<%d>" % i for i in range(len(i18n.PLACEHOLDER.findall(english)))]
        assert i18n.translate_text(i18n.fill(english, parts)) == i18n.fill(korean, parts), \
            english


def test_a_failed_check_speaks_korean():
    i18n.set_language("ko")
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check(checks.set_matches({"a", "x"}, {"a", "b"}, "h_feeds"),
                     hint="walk back from h along the arrows of the drawing")
    what, hint = str(failed.value).split("\n")
    assert what == ("아직 아닙니다: h_feeds이(가) 아직 맞지 않습니다: 2개 항목 중 1개는 없어야 "
                    "합니다, 그리고 1개가 빠졌습니다")
    assert hint.startswith("힌트: ") and "walk back" not in hint
    # a bool verdict: the lesson's hint, split at "; ", each side in Korean
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check(False, hint="pred, loss or pred_trace is still None; build them in the "
                                 "cell above and run it")
    what, hint = str(failed.value).split("\n")
    assert what.startswith("아직 아닙니다: ") and "still None" not in what
    assert hint.startswith("힌트: ") and "build them" not in hint
    # nothing given: the generic sentences, in Korean too
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check(False)
    assert str(failed.value) == ("아직 아닙니다: 이 검사는 아직 통과하지 않습니다\n힌트: 연습 문제를 "
                                 "다시 읽고, 위의 답을 고쳐 실행한 다음, 이 확인 셀을 다시 실행하세요")


def test_a_passed_check_shows_its_success_in_korean(capsys):
    from unittest import mock
    i18n.set_language("ko")
    with mock.patch.object(checks, "display") as shown:
        checks.check(True, "bytes in: right, 6400")
    html = shown.call_args[0][0].data
    assert "6400" in html and "bytes in" not in html


def test_english_messages_are_unchanged():
    with pytest.raises(checks.CheckFailed) as failed:
        checks.check(checks.set_matches({"a", "x"}, {"a", "b"}, "h_feeds"), hint="look")
    assert str(failed.value) == ("Not yet: h_feeds is not right yet: 1 of its 2 items should "
                                 "not be there, and 1 missing\nHint: look")
