"""tests/tf_reference/run_graduation.py (``make test-tf``) without TensorFlow: how it compares
two outputs, swaps the import, finds the graduation cell and filters TF's log noise; and one
whole run where a stand-in ``tensorflow.compat.v1`` (minigraph itself) plays real TF."""

import os
import stat
import sys

import nbformat
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "tf_reference"))
import run_graduation as rg  # noqa: E402


@pytest.mark.parametrize("expected, actual", [
    ("step 0 loss 1.2345\n", "step 0 loss 1.2345\n"),
    ("loss 1000.0\n", "loss 1000.9\n"),                         # within rtol 1e-3
    ("loss 0.0000\n", "loss -0.0000\n"),
    ("loss 1e-9\n", "loss 5e-7\n"),                             # within atol 1e-6
    ("[ 0.1234 -0.5  ]\n", "[0.1234 -0.5]\n"),                  # numpy's padding
    ("w1 2.5e+03 nan\n", "w1 2500.0 nan\n"),
    ("a\nb", "a\nb\n"),
])
def test_outputs_that_agree(expected, actual):
    assert rg.first_difference(expected, actual) is None


@pytest.mark.parametrize("expected, actual, line, why", [
    ("loss 1.000\n", "loss 1.002\n", 1, "differ by more than rtol 0.001"),
    ("a 1\nloss 49826948.0\n", "a 1\nloss 51872460.0\n", 2, "differ by more than rtol"),
    ("loss 1.0\n", "cost 1.0\n", 1, "the text differs"),
    ("1 2\n", "12\n", 1, "the text differs"),
    ("loss 1.0 2.0\n", "loss 1.0\n", 1, "the text differs"),
    ("1\n2\n", "1\n", 2, "2 lines against 1"),
    ("nan\n", "1.0\n", 1, "differ by more than"),
    ("inf\n", "-inf\n", 1, "differ by more than"),
    ("float32\n", "float64\n", 1, "differ by more than"),
])
def test_outputs_that_differ(expected, actual, line, why):
    diff = rg.first_difference(expected, actual)
    assert diff is not None and diff[0] == line and why in diff[3], diff


def test_numbers_are_split_from_the_text():
    assert rg.split_numbers("step 3: loss=-1.5e-03,  w [0.25 .5]") == (
        ["step ", ": loss=", ",  w [", " ", "]"], [3.0, -1.5e-3, 0.25, 0.5])


def test_the_import_is_swapped_for_real_tf1_keeping_the_line_numbers():
    source = "import numpy as np\nimport minigraph as tf\nif True:\n    import minigraph as tf\n"
    with pytest.raises(ValueError, match="exactly once"):
        rg.for_tensorflow(source)
    swapped = rg.for_tensorflow("import numpy as np\n  import minigraph as tf  \nx = 1")
    assert swapped == ("import numpy as np\n  import tensorflow.compat.v1 as tf; "
                       "tf.disable_v2_behavior()\nx = 1\n")
    with pytest.raises(ValueError):
        rg.for_tensorflow("import minigraph as tf_\n")


def test_tf_log_noise_is_filtered_from_stderr():
    stderr = "\n".join([
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
        "I0000 00:00:1796589345.309920   19865 cudart_stub.cc:31] Could not find cuda drivers",
        "2024-01-02 03:04:05.678901: I tensorflow/core/util/port.cc:113] oneDNN custom ops",
        "WARNING:tensorflow:From v2_compat.py:98: disable_resource_variables is deprecated",
        "Instructions for updating:",
        "non-resource variables are not supported in the long term",
        "Traceback (most recent call last):",
        "NameError: name 'x' is not defined",
    ])
    assert rg.without_noise(stderr) == \
        "Traceback (most recent call last):\nNameError: name 'x' is not defined"


def _notebook(path, *cells):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 99 · x")])
    for source, tags in cells:
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": tags}))
    nbformat.write(nb, str(path))
    return str(path)


def test_the_graduation_cell_is_found_by_its_tag(tmp_path):
    path = _notebook(tmp_path / "a.ipynb", ("print(1)", []), ("print(2)", ["graduation"]))
    assert rg.graduation_cells(path) == ["print(2)"]


GOOD = """\
import numpy as np
import minigraph as tf

rng = np.random.RandomState(0)
w = tf.Variable(rng.randn(3, 1).astype(np.float32))
x = tf.placeholder(tf.float32, shape=(None, 3))
loss = tf.reduce_sum(tf.matmul(x, w) ** 2)
step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for t in range(3):
        print("step %d loss %.4f" % (t, sess.run([loss, step], {x: rng.randn(4, 3)})[0]))
"""


@pytest.fixture
def stand_in_tf(tmp_path):
    """An interpreter whose ``tensorflow.compat.v1`` is minigraph: the whole run, no TF."""
    package = tmp_path / "stub" / "tensorflow"
    (package / "compat").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "compat" / "__init__.py").write_text(
        "import sys\nimport minigraph\n"
        "minigraph.disable_v2_behavior = lambda: None\n"
        "sys.modules['tensorflow.compat.v1'] = v1 = minigraph\n")
    python = tmp_path / "python"
    python.write_text("#!/bin/sh\nPYTHONPATH=%s:%s exec %s \"$@\"\n"
                      % (package.parent, rg.ROOT, sys.executable))
    python.chmod(python.stat().st_mode | stat.S_IEXEC)
    return str(python)


def test_a_whole_run(tmp_path, stand_in_tf, capsys):
    good = _notebook(tmp_path / "01_good.ipynb", (GOOD, ["graduation"]))
    # numbers that are not the same on two engines: unseeded draws
    bad = _notebook(tmp_path / "02_bad.ipynb",
                    (GOOD.replace("RandomState(0)", "RandomState()"), ["graduation"]))
    none = _notebook(tmp_path / "03_none.ipynb", ("print(1)", []))
    broken = _notebook(tmp_path / "04_broken.ipynb",
                       ("import minigraph as tf\nprint(1)\nprint(undefined)", ["graduation"]))
    code = rg.main(["--minigraph-python", sys.executable,
                    "--tf-python", os.path.relpath(stand_in_tf),   # as the Makefile passes it
                    good, bad, none, broken])
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split() == ["lesson", "result", "minigraph", "tensorflow"]
    assert lines[1].split()[:2] == ["01_good.ipynb", "ok"]
    assert lines[2].split()[:2] == ["02_bad.ipynb", "DIFF"]
    assert "line 1: " in lines[3] and "differ by more than rtol 0.001" in lines[3]
    assert lines[4].strip().startswith("tensorflow: step 0 loss ")
    assert lines[5].strip().startswith("minigraph:  step 0 loss ")
    assert lines[6].split()[:2] == ["03_none.ipynb", "FAIL"]
    assert "no code cell tagged 'graduation'" in lines[7]
    assert lines[8].split()[:2] == ["04_broken.ipynb", "FAIL"]
    assert "on minigraph it exits with 1" in out and "NameError: name 'undefined'" in out
    assert lines[-1] == "1 of 4 graduation cells agree with TensorFlow 1; 3 do not"
    assert rg.main(["--minigraph-python", sys.executable, "--tf-python", stand_in_tf,
                    good]) == 0
