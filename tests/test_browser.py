"""The widgets in a real JupyterLab, in headless Chromium driven by Playwright.

A token-less JupyterLab (bound to 127.0.0.1, for this test only) serves a temporary
directory holding a notebook that builds a small graph and displays a GraphExplorer and a
RunStepper. The test runs all cells through the Run menu, checks that both widgets render
an SVG and that no "Error displaying widget" appears, clicks the stepper's Next button and
checks that the highlighted node in the SVG moves to the next op. Then every lesson of
``lessons/`` (a copy, in the same server) is run as a student runs it, with Run All: every
cell runs (past the cells that fail on purpose, tagged ``raises-exception``), errors appear
only in those cells, and every widget renders. Screenshots go to ``test-output/``.

This test fails (it does not skip) when Chromium, Playwright or JupyterLab cannot run:
Debian's ``/usr/bin/chromium`` is used; ``playwright install`` is never needed.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test-output"
CHROMIUM = "/usr/bin/chromium"
JUPYTER = Path(sys.executable).parent / "jupyter"
FOCUS = "#e74c3c"          # minigraph.viz's colour for the focused (current) node
T = 60_000                 # ms: generous, the machine may have 2 busy cores

NOTEBOOK_CELLS = [
    "import numpy as np\n"
    "import minigraph as tf\n"
    "from widgets import GraphExplorer, RunStepper",
    "graph = tf.Graph()\n"
    "with graph.as_default():\n"
    "    x = tf.placeholder(tf.float32, shape=(2, 3), name='x')\n"
    "    w = tf.Variable(np.array([[0.1], [0.4], [0.7]], np.float32), name='w')\n"
    "    loss = tf.reduce_mean(tf.matmul(x, w) ** 2, name='loss')\n"
    "    g, = tf.gradients(loss, [w])\n"
    "feed = {x: np.arange(6.0).reshape(2, 3)}",
    "GraphExplorer(graph, feed_dict=feed)",
    "stepper = RunStepper([loss, g], feed_dict=feed)\nstepper",
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_notebook(path):
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src) for src in NOTEBOOK_CELLS]
    nbformat.write(nb, str(path))


def _quiet_lab_settings(settings_dir):
    """No "Jupyter news?" toast and no update check in the test's JupyterLab; no windowing."""
    target = settings_dir / "@jupyterlab" / "apputils-extension"
    target.mkdir(parents=True, exist_ok=True)
    (target / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')
    # every cell stays in the page (no windowing), so the test sees every prompt and output
    tracker = settings_dir / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True, exist_ok=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')


#: the file `make lab` writes into JupyterLab's app settings: the interface language
LANGUAGE_OVERRIDE = "overrides.d/minigraph-language.json"


def _write_language_override(app_settings, locale):
    """What `make lab` (LANG=ko) writes: JupyterLab's default interface language."""
    path = app_settings / LANGUAGE_OVERRIDE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"@jupyterlab/translation-extension:plugin": {"locale": "%s"}}' % locale)


def _require_tools():
    """Fail (never skip) with a clear message when the browser test cannot run."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail("Chromium not found at %s: the browser test needs Debian's chromium "
                    "(`make chromium` or `apt-get install chromium`)." % CHROMIUM)
    if not JUPYTER.exists():
        pytest.fail("JupyterLab not found at %s: install the test extras (`make venv`)."
                    % JUPYTER)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as e:
        pytest.fail("The playwright Python package is missing (%s): install the test extras."
                    % e)


def _lab_server(base, locale):
    """A JupyterLab server on a free 127.0.0.1 port serving a copy of the lessons, with
    ``locale`` as its interface language; killed at the end (a generator: one yield)."""
    _require_tools()
    root = base / "root"
    root.mkdir()
    _write_notebook(root / "widgets.ipynb")
    shutil.copytree(ROOT / "lessons", root / "lessons",
                    ignore=shutil.ignore_patterns("logs", "runs", "checkpoints", ".ipynb_*"))
    settings = base / "settings"
    _quiet_lab_settings(settings)
    # JupyterLab's defaults for this server, where `make lab` keeps them in .venv: the
    # interface language (`make lab` writes en there, `make lab LANG=ko` ko_KR; JupyterLab
    # reads it when it starts)
    app_settings = base / "app-settings"
    _write_language_override(app_settings, locale)
    port = _free_port()
    env = dict(os.environ,
               PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in os.environ.get(
                   "PYTHONPATH", "").split(os.pathsep) if p]),
               JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"))
    log = open(base / "server.log", "w")
    # token-less, ONLY here: bound to 127.0.0.1, serving a temporary directory
    proc = subprocess.Popen(
        [str(JUPYTER), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         "--ServerApp.port=%d" % port, "--ServerApp.port_retries=0",
         "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root",
         "--ServerApp.root_dir=%s" % root, "--LabApp.app_settings_dir=%s" % app_settings],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = "http://127.0.0.1:%d" % port

    def stop():
        # shut kernels down through the API, then the server; kill only what we started
        try:
            req = urllib.request.Request(url + "/api/shutdown", method="POST")
            urllib.request.urlopen(req, timeout=5)
            proc.wait(timeout=20)
        except Exception:
            pass
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        log.close()

    deadline = time.time() + 60
    while True:
        if proc.poll() is not None:
            stop()
            pytest.fail("JupyterLab exited with code %s:\n%s"
                        % (proc.returncode, (base / "server.log").read_text()[-3000:]))
        try:
            urllib.request.urlopen(url + "/api/status", timeout=2)
            break
        except Exception:
            if time.time() > deadline:
                stop()
                pytest.fail("JupyterLab did not answer on %s within 60 s:\n%s"
                            % (url, (base / "server.log").read_text()[-3000:]))
            time.sleep(0.5)
    yield {"url": url, "log": base / "server.log", "root": root}
    stop()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab in English, as `make lab` opens it."""
    yield from _lab_server(tmp_path_factory.mktemp("lab"), "en")


@pytest.fixture(scope="module")
def lab_ko(tmp_path_factory):
    """JupyterLab in Korean, as `make lab LANG=ko` opens it."""
    yield from _lab_server(tmp_path_factory.mktemp("lab-ko"), "ko_KR")


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the tests of this module (a fresh page for each test)."""
    _require_tools()
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
    try:
        p = sync_playwright().start()
    except PlaywrightError as e:
        pytest.fail("Playwright could not start: %s" % e)
    try:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
    except PlaywrightError as e:
        p.stop()
        pytest.fail("Chromium (%s) could not be launched by Playwright: %s" % (CHROMIUM, e))
    yield browser
    browser.close()
    p.stop()


LESSONS = sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
#: the translated lessons (lessons/<lang>/), run the same way
LESSONS += sorted("%s/%s" % (p.parent.name, p.name)
                  for p in (ROOT / "lessons").glob("*/[0-9][0-9]_*.ipynb"))
#: the widgets' button labels in English: none may show in a translated lesson
ENGLISH_BUTTONS = {"Run", "Next", "Prev", "Reset", "Train", "Step", "Check", "Run once", "Run N"}
RUN_ALL_TIMEOUT = 600_000   # ms for one lesson's Run All (lesson 08 trains a ConvNet)


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_all_in_jupyterlab(lesson, request, chromium):
    """A student opens the lesson and chooses Run > Run All Cells: every cell runs, the
    deliberate errors stay in their tagged cells, and every widget displays."""
    lab = request.getfixturevalue("lab")
    page = chromium.new_page(viewport={"width": 1500, "height": 1100})
    page.set_default_timeout(T)
    request.addfinalizer(lambda: _close_notebook(page))
    path = lab["root"] / "lessons" / lesson
    import nbformat
    stored = nbformat.read(str(path), as_version=4)
    n_code = sum(c.cell_type == "code" for c in stored.cells)
    try:
        # ?reset: a fresh workspace, only this lesson open
        _open_with_idle_kernel(page, lab["url"] + "/lab/tree/lessons/" + lesson + "?reset")
        # clear the stored outputs first, so that every prompt shown after Run All is new
        _menu(page, "Edit", "Clear Outputs of All Cells")
        page.wait_for_function(
            """() => !Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
                       .some(p => /\\[\\d+\\]/.test(p.textContent))""", timeout=T)
        _menu(page, "Run", "Run All Cells")
        _wait_run_all_done(page, n_code)
        _wait_idle(page)
        # widgets render (no "Error displaying widget"); then save, and read what ran
        body = page.locator("body").inner_text()
        assert "Error displaying widget" not in body, "%s: a widget failed to display" % lesson
        _menu(page, "File", "Save Notebook")
        page.wait_for_function(
            """() => !document.querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty')""",
            timeout=T)
    except Exception:
        _shot(page, "lesson-" + lesson.split(".")[0].replace("/", "-"))
        raise
    ran = json.loads(path.read_text())
    cells = [c for c in ran["cells"] if c["cell_type"] == "code"]
    assert len(cells) == n_code
    for c in cells:
        errors = [o for o in c.get("outputs", []) if o["output_type"] == "error"]
        tagged = "raises-exception" in c.get("metadata", {}).get("tags", [])
        first = "".join(c["source"]).strip().splitlines()[:1]
        assert tagged or not errors, "%s: cell %s failed in JupyterLab: %s: %s" % (
            lesson, first, errors[0]["ename"], errors[0]["evalue"][:300])
        assert errors or not tagged, (
            "%s: cell %s is tagged raises-exception but did not fail" % (lesson, first))
    not_run = ["".join(c["source"]).strip().splitlines()[:1] for c in cells
               if c.get("execution_count") is None]
    assert not not_run, "%s: Run All stopped before these cells: %s" % (lesson, not_run)
    widgets = sum("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                  for c in cells for o in c.get("outputs", []))
    assert widgets >= 1, "%s: no widget displayed" % lesson
    rendered = page.locator(".jp-OutputArea-output .lm-Widget.jupyter-widgets").count()
    assert rendered >= 1, "%s: no widget view in the page" % lesson
    if "/" in lesson:       # a translated lesson: its widgets speak its language
        buttons = {t.strip() for t in
                   page.locator(".jp-OutputArea-output .jupyter-widgets button").all_inner_texts()}
        assert not buttons & ENGLISH_BUTTONS, (
            "%s: widget buttons in English: %s" % (lesson, sorted(buttons & ENGLISH_BUTTONS)))


def _open_with_idle_kernel(page, url):
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_function(
        """() => { const d = document.querySelector('.jp-Dialog button.jp-mod-accept');
                   if (d) d.click();
                   return Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
                     .some(e => /\\|\\s*Idle/.test(e.textContent)); }""", timeout=90_000)


_RUN_STATE = """() => {
    const ps = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'));
    return {n: ps.length,
            last: ps.length > 0 && /\\[\\d+\\]/.test(ps[ps.length - 1].textContent),
            waiting: ps.some(p => /\\[\\*\\]/.test(p.textContent)),
            idle: Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
                    .some(e => /\\|\\s*Idle/.test(e.textContent))}; }"""


def _wait_run_all_done(page, n_code, quiet_seconds=5.0):
    """Until Run All is over: the last cell has its number and no cell waits ([*]), or no
    cell waits and the kernel has been idle for ``quiet_seconds`` (an error stopped Run All;
    what did not run is reported from the saved notebook)."""
    deadline = time.time() + RUN_ALL_TIMEOUT / 1000
    idle_since = None
    while time.time() < deadline:
        state = page.evaluate(_RUN_STATE)
        if state["n"] >= n_code and state["last"] and not state["waiting"]:
            return
        if state["idle"] and not state["waiting"]:
            idle_since = idle_since or time.time()
            if time.time() - idle_since > quiet_seconds:
                return
        else:
            idle_since = None
        time.sleep(0.5)
    pytest.fail("Run All did not finish within %d s" % (RUN_ALL_TIMEOUT / 1000))


def _close_notebook(page):
    """Shut the notebook's kernel down (the server's API, called from the page so that it
    carries JupyterLab's XSRF token) and close its page."""
    try:
        page.evaluate("""async () => {
            const m = document.cookie.match(/_xsrf=([^;]+)/);
            const h = m ? {'X-XSRFToken': decodeURIComponent(m[1])} : {};
            const r = await fetch('/api/sessions', {headers: h});
            for (const s of await r.json())
                await fetch('/api/sessions/' + s.id, {method: 'DELETE', headers: h});
        }""")
    finally:
        page.close()


def _menu(page, menu, item):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^%s$" % menu)).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^%s$" % item)).click()


def _shot(page, name):
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / ("browser-%s.png" % name)), full_page=True)


# the stroke colour of the SVG node (Graphviz: <g class="node"><title>op</title>...)
_NODE_STROKE = """(name) => {
  for (const g of document.querySelectorAll('.minigraph-stepper svg g.node')) {
    const t = g.querySelector('title');
    if (t && t.textContent === name) {
      const shape = g.querySelector('path[stroke], polygon[stroke], ellipse[stroke]');
      return shape ? shape.getAttribute('stroke') : '';
    }
  }
  return null;
}"""


def test_widgets_render_and_respond_in_jupyterlab(request):
    _require_tools()                     # a missing tool FAILS this test (not an error/skip)
    lab = request.getfixturevalue("lab")
    browser = request.getfixturevalue("chromium")
    started = time.time()
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.set_default_timeout(T)
    request.addfinalizer(lambda: _close_notebook(page))
    try:
        _run_the_notebook_and_step(page, lab)
    except Exception:
        _shot(page, "failure")
        raise
    assert time.time() - started < 150, "the browser test took %.0f s" % (time.time() - started)


def _run_the_notebook_and_step(page, lab):
    page.goto(lab["url"] + "/lab/tree/widgets.ipynb?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    # the kernel is up when the status bar says "... | Idle" (a kernel picker would only
    # appear if the kernelspec were unknown: then accept the default)
    page.wait_for_function(
        """() => { const d = document.querySelector('.jp-Dialog button.jp-mod-accept');
                   if (d) d.click();
                   return Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
                     .some(e => /\\|\\s*Idle/.test(e.textContent)); }""", timeout=90_000)

    # Run > Run All Cells
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    n = len(NOTEBOOK_CELLS)
    page.wait_for_function(
        """(n) => {
             const ps = Array.from(document.querySelectorAll('.jp-Cell .jp-InputPrompt'));
             return ps.length >= n &&
                    ps.slice(0, n).every(p => /\\[\\d+\\]/.test(p.textContent)); }""",
        arg=n, timeout=90_000)
    # both widgets render their drawing as an SVG inside the widget's output
    page.wait_for_function(
        "() => document.querySelector('.jp-OutputArea-output .minigraph-explorer svg') &&"
        "      document.querySelector('.jp-OutputArea-output .minigraph-stepper svg')", timeout=T)
    page.wait_for_selector(".minigraph-step-label")
    _shot(page, "rendered")
    body = page.locator("body").inner_text()
    assert "Error displaying widget" not in body
    assert "Traceback" not in body
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert stderr.count() == 0, stderr.all_inner_texts()
    assert page.locator(".minigraph-error").count() == 0
    # the explorer: fetch checkboxes and the Run button are there
    assert page.locator(".widget-checkbox", has_text="loss").count() >= 1
    assert page.locator("button", has_text=re.compile(r"^\s*Run\s*$")).count() >= 1

    # the stepper: step 1 (the variable w) is highlighted; Next moves through w's read (drawn
    # as w: the highlight stays) to the MatMul, and the highlight moves there
    label = page.locator(".minigraph-step-label")
    first = _step_op(label.inner_text())
    assert label.inner_text().startswith("step 1 /") and first == "w"
    assert page.evaluate(_NODE_STROKE, first) == FOCUS
    for step in (2, 3):
        page.locator("button", has_text="Next").click()
        page.wait_for_function(
            "(n) => new RegExp('^step ' + n + ' /').test("
            "document.querySelector('.minigraph-step-label').textContent)", arg=step,
            timeout=T)
        if step == 2:
            assert _step_op(label.inner_text()) == "w/read"
            assert page.evaluate(_NODE_STROKE, first) == FOCUS   # the read is drawn as w
    second = _step_op(label.inner_text())
    page.wait_for_function("([name, c]) => (%s)(name) === c" % _NODE_STROKE,
                           arg=[second, FOCUS], timeout=T)
    assert page.evaluate(_NODE_STROKE, first) != FOCUS
    # step 3 is the MatMul of x (2, 3): its input matrix is shown as a heatmap image
    assert second == "MatMul"
    heatmap = page.locator(".jp-OutputArea-output:has(.minigraph-stepper) img")
    heatmap.first.wait_for(state="visible", timeout=T)
    _wait_idle(page)
    page.locator(".minigraph-step-label").scroll_into_view_if_needed()
    _shot(page, "after-next")


def _wait_idle(page):
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
                 .some(e => /\\|\\s*Idle/.test(e.textContent))""", timeout=T)


def _step_op(text):
    """The op name in a step label 'step 2 / 23: forward  MatMul (MatMul)'."""
    m = re.match(r"step \d+ / \d+: \w+\s+(\S+) \(", text.strip())
    assert m, text
    return m.group(1)


def test_make_lab_lang_ko_gives_the_korean_interface(request):
    """`make lab LANG=ko` writes JupyterLab's default interface language into its app
    settings: with that file the menus are Korean (the language pack is installed), and the
    Korean lesson opens with its Korean text and the cell that sets the widgets' language."""
    makefile = (ROOT / "Makefile").read_text()
    assert ('{"@jupyterlab/translation-extension:plugin": {"locale": "$(LAB_LOCALE)"}}'
            in makefile), "the Makefile no longer writes the language override this test uses"
    lab = request.getfixturevalue("lab_ko")
    browser = request.getfixturevalue("chromium")
    with urllib.request.urlopen(lab["url"] + "/lab/api/translations/", timeout=10) as r:
        packs = json.load(r)["data"]
    assert "ko_KR" in packs, "JupyterLab has no Korean language pack: %s" % sorted(packs)
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.set_default_timeout(T)
    request.addfinalizer(lambda: _close_notebook(page))
    try:
        # (not _open_with_idle_kernel: the status bar says "Idle" in Korean here)
        page.goto(lab["url"] + "/lab/tree/lessons/ko/00_tour.ipynb?reset")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert "파일" in menus and "편집" in menus and "File" not in menus, menus
        body = page.locator(".jp-Notebook").inner_text()
        assert "i18n.set_language('ko')" in body and "이 레슨에서는" in body
    except Exception:
        _shot(page, "korean-interface")
        raise
