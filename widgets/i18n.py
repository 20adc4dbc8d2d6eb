"""The language the widgets and the checks speak: English by default, Korean on request.

A translated lesson (``lessons/ko/``) starts with one cell that sets it::

    from widgets import i18n
    i18n.set_language("ko")

From then on the widgets' labels, the checks' "Not yet / Hint" messages and the lesson's own
success messages and hints come out in that language. Nothing else changes: minigraph's own
errors stay in English, as TensorFlow's do.

Two kinds of text are translated, both from one catalog per language:

- **the library's strings**, written as templates and passed through :func:`tr`::

      tr("these update ops would not run: {}", names)

  ``{}`` marks a part filled in at run time. A translation may reorder the parts with
  ``{0}``, ``{1}``, ... (0 is the English template's first ``{}``). A string written in one
  place and shown in another is marked with :func:`N_` where it is written.

- **a lesson's strings**: the success messages and hints its check cells pass to
  :func:`widgets.checks.check`. The lesson's code is the same in every language, so these
  arrive already formatted ("bytes in: right, 6400"). :func:`translate_text` finds the
  template they were formatted from ("bytes in: right, {}"), by matching the text against the
  catalog's templates, and formats its translation with the same parts. A part that is itself
  one of the lessons' strings (``"changes" if ... else "stays the same"``) is translated too.

The catalog of a language is ``widgets/locale/<lang>.*.json``: ``<lang>.checks.json`` and
``<lang>.widgets.json`` (the library's strings, kept by hand) and ``<lang>.lessons.json`` (the
lessons' strings, which ``python lessons/translate.py build`` gathers from
``lessons/i18n/<lang>/*.json``). Each maps an English template to its translation. Text with no translation is shown in English, never
lost; the tests check that every string has one.

"""

import ast
import json
import re
from pathlib import Path

__all__ = ["set_language", "get_language", "tr", "N_", "translate_text", "fill", "catalog",
           "placeholders_match", "marked_templates", "LANGUAGES"]

LOCALE = Path(__file__).resolve().parent / "locale"

#: the languages a catalog exists for, besides English
LANGUAGES = ("en", "ko")

PLACEHOLDER = re.compile(r"\{(\d*)\}")

_state = {"lang": "en"}
_catalogs = {}      # lang -> ({english template: translation}, the lessons' strings alone)
_matchers = {}      # lang -> [(compiled regex, english template)], most literal text first


def set_language(lang):
    """Make the widgets and checks speak ``lang`` (``"en"`` or ``"ko"``) from now on."""
    lang = (lang or "en").strip().lower().replace("_", "-").split("-")[0]
    if lang not in LANGUAGES:
        raise ValueError("no translation for language %r; the languages are %s"
                         % (lang, ", ".join(LANGUAGES)))
    _state["lang"] = lang
    return lang


def get_language():
    """The language the widgets and checks speak now (``"en"`` unless set)."""
    return _state["lang"]


def catalog_files(lang):
    """The catalog files of ``lang``: ``locale/<lang>.<part>.json``, one per part (``checks``,
    ``widgets``, and the generated ``lessons``)."""
    return sorted(LOCALE.glob("%s.*.json" % lang))


def _load(lang):
    """Read ``lang``'s catalog files once: ``(every string, the lessons' strings)``."""
    if lang not in _catalogs:
        merged, parts = {}, {}
        for path in catalog_files(lang):
            table = {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if v}
            merged.update(table)
            if path.name == "%s.lessons.json" % lang:
                parts = table
        _catalogs[lang] = (merged, parts)
    return _catalogs[lang]


def catalog(lang=None):
    """``{english template: translation}`` for ``lang`` (the current language if None): the
    library's strings and the lessons' strings together. Empty for English."""
    lang = lang or get_language()
    return {} if lang == "en" else _load(lang)[0]


def lesson_parts(lang):
    """The lessons' own strings (``<lang>.lessons.json``): the only ones a part of a formatted
    text is translated by, so that an op named ``inputs`` or ``update`` stays as it is."""
    return {} if lang == "en" else _load(lang)[1]


def reload():
    """Forget the loaded catalogs (after ``translate.py build`` rewrote them)."""
    _catalogs.clear()
    _matchers.clear()


def placeholders_match(english, text):
    """Whether translation ``text`` has the placeholders of template ``english``: as many,
    and either all ``{}`` or all numbered ``{0}`` ... ``{n-1}``, each once. A placeholder too
    many or too few would lose a number the student needs."""
    holes, got = PLACEHOLDER.findall(english), PLACEHOLDER.findall(text)
    if len(got) != len(holes):
        return False
    numbered = [g for g in got if g]
    return not numbered or sorted(map(int, numbered)) == list(range(len(holes)))


def fill(template, parts):
    """``template`` with its ``{}`` / ``{N}`` placeholders replaced by ``parts`` (other braces,
    such as ``{"A", "B"}``, are left alone)."""
    parts = [str(p) for p in parts]
    counter = iter(range(len(parts)))

    def put(match):
        index = int(match.group(1)) if match.group(1) else next(counter, None)
        if index is None or index >= len(parts):
            return match.group(0)
        return parts[index]
    return PLACEHOLDER.sub(put, template)


def marked_templates(path):
    """The templates the module at ``path`` marks for translation, in order: the string
    literal (or module-level string constant) each ``tr(...)`` call starts with, and each
    ``N_("...")``. A ``tr`` of anything else translates a string marked elsewhere. The tests
    hold these against the catalogs."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    constants = {node.targets[0].id: node.value.value for node in tree.body
                 if isinstance(node, ast.Assign) and len(node.targets) == 1
                 and isinstance(node.targets[0], ast.Name)
                 and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args and
                getattr(node.func, "id", None) in ("tr", "N_")):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            text = first.value
        elif isinstance(first, ast.Name) and first.id in constants:
            text = constants[first.id]
        else:
            continue
        if text not in found:
            found.append(text)
    return found


def N_(text):
    """Mark a string for translation where it is written and translate it later, with
    ``tr(text)`` (gettext's ``N_``): the tests find it, as they find ``tr``'s literals."""
    return text


def tr(template, *parts):
    """The library's string ``template`` in the current language, filled with ``parts``."""
    return fill(catalog().get(template, template), parts)


def _pattern(template):
    """A regex matching exactly the texts ``template`` formats to; one group per ``{}``."""
    pieces = PLACEHOLDER.split(template)
    # split gives literal, index, literal, index, ...: literals at even positions
    regex = "".join(re.escape(p) if i % 2 == 0 else "(.*?)" for i, p in enumerate(pieces))
    return re.compile(regex + r"\Z", re.DOTALL)


def _literal_length(template):
    return len(PLACEHOLDER.sub("", template))


def _matcher(lang):
    if lang not in _matchers:
        templates = sorted((t for t in catalog(lang) if PLACEHOLDER.search(t)),
                           key=lambda t: (-_literal_length(t), t))
        _matchers[lang] = [(_pattern(t), t) for t in templates]
    return _matchers[lang]


def translate_text(text, lang=None):
    """Already formatted English ``text`` in ``lang`` (the current language if None): an exact
    catalog entry, else the translation of the template it was formatted from, filled with
    the same parts (each translated too when it is one of the lessons' strings). English,
    unchanged, if nothing matches."""
    lang = lang or get_language()
    if lang == "en" or text is None:
        return text
    table = catalog(lang)
    text = str(text)
    if text in table:
        return table[text]
    parts = lesson_parts(lang)
    for pattern, template in _matcher(lang):
        match = pattern.match(text)
        if match:
            return fill(table[template], [parts.get(part, part) for part in match.groups()])
    return text

