"""Run each lesson's graduation cell on minigraph and on real TensorFlow 1; compare the output.

``make test-tf`` runs this (never ``make test``: it needs TensorFlow, in its own venv
``.venv-tf``). For every lesson, the one code cell tagged ``graduation`` (tests/test_lessons.py
checks there is exactly one, the last code cell) runs twice, each in a fresh subprocess and
a fresh temporary directory:

- (a) with minigraph, as written (``import minigraph as tf``), by ``--minigraph-python``
  with this repository first on ``PYTHONPATH``;
- (b) on real TensorFlow, by ``--tf-python``, with the line ``import minigraph as tf``
  replaced by ``import tensorflow.compat.v1 as tf`` and ``tf.disable_v2_behavior()``, and
  ``TF_USE_LEGACY_KERAS=1`` (``tf.keras`` is the legacy Keras TF1 programs use),
  ``TF_CPP_MIN_LOG_LEVEL=3``, ``CUDA_VISIBLE_DEVICES=""``.

Their stdouts must match line by line: the text between numbers exactly (whitespace aside:
numpy pads the numbers of an array to one width), every number within ``RTOL`` relative
(``ATOL`` absolute) of the other. TensorFlow's log noise is filtered from stderr only (shown
when a run fails), never from stdout. A lesson without a graduation cell fails. Prints a
table (lesson, result, seconds on each engine) and the first differing line of each
difference; exits 1 on any failure.

    python tests/tf_reference/run_graduation.py [--minigraph-python PY] [--tf-python PY]
                                                [lessons/NN_x.ipynb ...]
"""

import argparse
import glob
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))

RTOL = 1e-3
ATOL = 1e-6
TIMEOUT = 300            # seconds a graduation run may take (they should take under 5)
TAG = "graduation"
TF_IMPORT = "import minigraph as tf"
TF_REAL = "import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()"
TF_ENV = {"TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}

#: a number as Python and numpy print them: 3, -0.25, 1.5e-05, 2., .5, nan, inf
NUMBER = re.compile(r"([-+]?(?:(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf))")
#: stderr lines that are TensorFlow's logging, not the program's
TF_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|[IWEF]\d{4} [\d:.]+ +\d+ \S+:\d+\]"                    # absl/C++ log lines
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] "          # older C++ log lines
    r"|WARNING:tensorflow:|WARNING:absl:|Instructions for updating:"
    r"|To enable the following instructions|rebuild TensorFlow with)")


# --- comparing outputs ------------------------------------------------------------------

def split_numbers(line):
    """A line as (the text between its numbers, its numbers)."""
    parts = NUMBER.split(line)
    return parts[0::2], [float(n) for n in parts[1::2]]


def _text(parts):
    # whitespace does not count: numpy pads an array's numbers to one width, so
    # "[ 0.5 -0.25]" and "[0.5 -0.25]" are the same array printed
    return ["".join(part.split()) for part in parts]


def _close(a, b, rtol, atol):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def first_difference(expected, actual, rtol=RTOL, atol=ATOL):
    """None if two outputs agree; else (line number, expected line, actual line, why)."""
    lines_e, lines_a = expected.splitlines(), actual.splitlines()
    for number in range(max(len(lines_e), len(lines_a))):
        if number >= len(lines_e) or number >= len(lines_a):
            line_e = lines_e[number] if number < len(lines_e) else None
            line_a = lines_a[number] if number < len(lines_a) else None
            return (number + 1, line_e, line_a, "%d lines against %d"
                    % (len(lines_e), len(lines_a)))
        text_e, numbers_e = split_numbers(lines_e[number])
        text_a, numbers_a = split_numbers(lines_a[number])
        if _text(text_e) != _text(text_a) or len(numbers_e) != len(numbers_a):
            return number + 1, lines_e[number], lines_a[number], "the text differs"
        for e, a in zip(numbers_e, numbers_a):
            if not _close(e, a, rtol, atol):
                return (number + 1, lines_e[number], lines_a[number],
                        "%r and %r differ by more than rtol %g" % (e, a, rtol))
    return None


# --- running the cells --------------------------------------------------------------------

def graduation_cells(path):
    """The sources of the code cells tagged ``graduation`` in a notebook."""
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb.get("cells", [])
            if c.get("cell_type") == "code" and TAG in c.get("metadata", {}).get("tags", [])]


def for_tensorflow(source):
    """The cell with ``import minigraph as tf`` swapped for real TF1 (same indentation)."""
    lines, swapped = [], 0
    for line in source.splitlines():
        if line.strip() == TF_IMPORT:
            line = line[:len(line) - len(line.lstrip())] + TF_REAL
            swapped += 1
        lines.append(line)
    if swapped != 1:
        raise ValueError("the graduation cell must hold the line %r exactly once (found %d)"
                         % (TF_IMPORT, swapped))
    return "\n".join(lines) + "\n"


def without_noise(stderr):
    """stderr without TensorFlow's log lines (a deprecation warning's "Instructions for
    updating:" line and the instruction after it too)."""
    kept, skip_next = [], False
    for line in stderr.splitlines():
        if skip_next:
            skip_next = False
        elif TF_NOISE.match(line):
            skip_next = line.startswith("Instructions for updating:")
        else:
            kept.append(line)
    return "\n".join(kept)


def run(python, source, env):
    """(returncode, stdout, stderr, seconds) of ``source`` run by ``python`` in a new
    temporary directory."""
    with tempfile.TemporaryDirectory(prefix="graduation-") as tmp:
        script = os.path.join(tmp, "graduation.py")
        with open(script, "w", encoding="utf-8") as f:
            f.write(source)
        start = time.perf_counter()
        try:
            done = subprocess.run([python, script], cwd=tmp, env=env, capture_output=True,
                                  text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired as e:
            return ("timeout", e.stdout or "", "no output in %d s" % TIMEOUT,
                    time.perf_counter() - start)
        return done.returncode, done.stdout, done.stderr, time.perf_counter() - start


def environments():
    base = dict(os.environ)
    base.pop("PYTHONPATH", None)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        base.setdefault(name, "1")
    minigraph = dict(base, PYTHONPATH=ROOT)
    tensorflow = dict(base, **TF_ENV)
    return minigraph, tensorflow


def check_lesson(path, minigraph_python, tf_python):
    """(result, seconds on minigraph, seconds on TF, details): result "ok", "DIFF" or
    "FAIL"."""
    cells = graduation_cells(path)
    if len(cells) != 1:
        return "FAIL", None, None, ("no code cell tagged %r" % TAG if not cells else
                                    "%d code cells tagged %r, not one" % (len(cells), TAG))
    try:
        real = for_tensorflow(cells[0])
    except ValueError as e:
        return "FAIL", None, None, str(e)
    env_mg, env_tf = environments()
    code_mg, out_mg, err_mg, s_mg = run(minigraph_python, cells[0], env_mg)
    code_tf, out_tf, err_tf, s_tf = run(tf_python, real, env_tf)
    failed = []
    for engine, code, err in (("minigraph", code_mg, err_mg), ("tensorflow", code_tf, err_tf)):
        if code != 0:
            tail = "\n".join(without_noise(err).strip().splitlines()[-12:])
            failed.append("on %s it exits with %s:\n%s" % (engine, code, indent(tail)))
    if failed:
        return "FAIL", s_mg, s_tf, "\n".join(failed)
    if not out_mg.strip():
        return "FAIL", s_mg, s_tf, "it prints nothing: print the numbers to compare"
    diff = first_difference(out_tf, out_mg)
    if diff is None:
        return "ok", s_mg, s_tf, ""
    number, line_tf, line_mg, why = diff
    return "DIFF", s_mg, s_tf, ("line %d: %s\n  tensorflow: %s\n  minigraph:  %s"
                                % (number, why, line_tf, line_mg))


def indent(text, by="    "):
    return "\n".join(by + line for line in text.splitlines())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*",
                        help="notebooks (default: lessons/[0-9][0-9]_*.ipynb)")
    parser.add_argument("--minigraph-python", default=os.path.join(ROOT, ".venv", "bin",
                                                                   "python"))
    parser.add_argument("--tf-python", default=os.path.join(ROOT, ".venv-tf", "bin", "python"))
    args = parser.parse_args(argv)
    lessons = args.lessons or sorted(glob.glob(os.path.join(ROOT, "lessons",
                                                            "[0-9][0-9]_*.ipynb")))
    if not lessons:
        print("no lessons found")
        return 1
    for python in (args.minigraph_python, args.tf_python):
        if not os.path.exists(python):
            print("no interpreter %s (make test-tf creates .venv-tf)" % python)
            return 1
    # the cells run in temporary directories; a venv's python is called by its own path (a
    # symlink: resolving it would leave the venv)
    minigraph_python, tf_python = map(os.path.abspath, (args.minigraph_python, args.tf_python))

    width = max(len(os.path.basename(p)) for p in lessons)
    print("%-*s  %-6s %10s %10s" % (width, "lesson", "result", "minigraph", "tensorflow"))
    results = []
    for path in lessons:
        result, s_mg, s_tf, details = check_lesson(path, minigraph_python, tf_python)
        seconds = ["%9.1fs" % s if s is not None else "%10s" % "-" for s in (s_mg, s_tf)]
        print("%-*s  %-6s %s %s" % (width, os.path.basename(path), result, *seconds),
              flush=True)
        if details:
            print(indent(details))
        results.append(result)
    bad = sum(r != "ok" for r in results)
    print("%d of %d graduation cells agree with TensorFlow 1%s"
          % (len(results) - bad, len(results), "" if not bad else "; %d do not" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
