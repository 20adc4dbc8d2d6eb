"""Notebook hygiene: re-run cells, orphans, stale feeds, growing graphs, error paths.

A notebook cell is simulated by compiling code with a fake ipykernel cell file name and
executing it, once or twice, in one namespace, as IPython does.
"""

import warnings

import numpy as np
import pytest

import minigraph as tf
from minigraph.hygiene import GraphGrowthWarning, RerunWarning
from minigraph import lint, testing

CELL_FILE = "/tmp/ipykernel_4242/3141592.py"

MODEL_CELL = """\
x = tf.placeholder(tf.float32, (None, 3), name="x")
w = tf.Variable(tf.ones((3, 2)), name="w")
h = tf.nn.relu(tf.matmul(x, w))
loss = tf.reduce_mean(h, name="loss")
"""


def run_cell(source, ns, filename=CELL_FILE):
    exec(compile(source, filename, "exec"), ns)


def rerun_warnings(log):
    return [w for w in log if issubclass(w.category, RerunWarning)]


def test_rerunning_a_cell_warns_once_with_the_count_and_the_fixes():
    ns = {"tf": tf}
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        run_cell(MODEL_CELL, ns)
        assert not rerun_warnings(log)
        n_first = len(tf.get_default_graph().get_operations())
        run_cell(MODEL_CELL, ns)
    found = rerun_warnings(log)
    assert len(found) == 1
    msg = str(found[0].message)
    assert "already holds %d ops" % n_first in msg
    assert "tf.reset_default_graph()" in msg and "tf.Graph().as_default()" in msg
    assert found[0].filename == CELL_FILE and found[0].lineno == 1


def test_no_warning_for_a_single_run_loops_helpers_or_a_fresh_graph_per_run():
    ns = {"tf": tf}
    loop_cell = """\
def layer(h, n):
    w = tf.Variable(tf.ones((int(h.shape[1]), n)))
    return tf.nn.relu(tf.matmul(h, w))
h = tf.placeholder(tf.float32, (None, 4))
for i in range(3):
    h = layer(h, 4)
"""
    fresh_cell = """\
with tf.Graph().as_default():
    a = tf.constant(1.0) + 2.0
"""
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        run_cell(loop_cell, ns)
        run_cell(fresh_cell, ns, "/tmp/ipykernel_4242/2718.py")
        run_cell(fresh_cell, ns, "/tmp/ipykernel_4242/2718.py")
    assert not rerun_warnings(log)


def test_code_in_a_py_file_run_once_and_loops_calling_run_do_not_warn():
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        x = tf.placeholder(tf.float32, (2,))
        y = x * 2.0
        sess = tf.Session()
        for _ in range(10):
            sess.run(y, {x: [1.0, 2.0]})
    assert not [w for w in log if issubclass(w.category, (RerunWarning, GraphGrowthWarning))]


def test_orphans_group_the_stale_copy_by_line():
    ns = {"tf": tf}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_cell(MODEL_CELL, ns)
        run_cell(MODEL_CELL, ns)
    stale = lint.orphans([ns["loss"]])
    # the variable is w and its w/read; reduce_mean's axes are a Const made on the same line,
    # as in TF1
    assert [op.name for op in stale] == ["x", "w", "w/read", "MatMul", "Relu", "Const", "loss"]
    assert [(site.lineno, [op.name for op in ops]) for site, ops in stale.groups] == [
        (1, ["x"]), (2, ["w", "w/read"]), (3, ["MatMul", "Relu"]), (4, ["Const", "loss"])]
    assert "3141592.py:3 (2 ops): MatMul, Relu" in repr(stale)
    old_loss = tf.get_default_graph().get_operation_by_name("loss")
    assert len(lint.orphans([ns["loss"], old_loss])) == 0  # fetching both copies reaches all
    # and the views can grey them out
    from minigraph import viz
    dot = viz.to_dot(muted=stale.ops, collapse=[])
    assert viz.GREY_TEXT in dot.split('"MatMul" [')[1].split("];")[0]


def test_feeding_the_stale_placeholder_says_what_happened():
    ns = {"tf": tf}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_cell(MODEL_CELL, ns)
        old_x = ns["x"]
        run_cell(MODEL_CELL, ns)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(ns["loss"], {old_x: np.ones((2, 3))})
    msg = str(info.value)
    assert "feeds placeholder 'x'" in msg and "'x_1'" in msg and "same line" in msg
    assert "3141592.py:1" in msg
    # the session still works with the right feed
    assert sess.run(ns["loss"], {ns["x"]: np.ones((2, 3))}) == pytest.approx(3.0)


def test_unused_feeds_without_a_newer_copy_are_allowed_as_in_tf():
    x = tf.placeholder(tf.float32, (2,))
    other = tf.placeholder(tf.float32, (2,))
    y = x * 2.0
    out = tf.Session().run(y, {x: [1.0, 2.0], other: [0.0, 0.0]})
    assert out.tolist() == [2.0, 4.0]


def test_graph_growing_inside_a_run_loop_warns_once_naming_the_line():
    x = tf.placeholder(tf.float32, (2,))
    sess = tf.Session()
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        for _ in range(8):
            y = tf.reduce_sum(x * 3.0)  # built inside the loop: the bug
            sess.run(y, {x: [1.0, 2.0]})
    found = [w for w in log if issubclass(w.category, GraphGrowthWarning)]
    assert len(found) == 1
    assert found[0].filename == __file__
    assert "y = tf.reduce_sum(x * 3.0)" in str(found[0].message)
    assert "finalize()" in str(found[0].message)


def test_finalize_makes_building_in_the_loop_an_error_at_that_line():
    x = tf.placeholder(tf.float32, (2,))
    tf.get_default_graph().finalize()
    with pytest.raises(RuntimeError, match="finalized") as info:
        x * 3.0
    assert "test_hygiene.py" in str(info.value)


def test_missing_feed_error_shows_the_path_from_the_fetch():
    ns = {"tf": tf}
    run_cell(MODEL_CELL, ns)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(ns["loss"])
    err = info.value
    assert "You must feed a value for placeholder tensor 'x'" in str(err)
    assert "loss <- Relu <- MatMul <- x (placeholder)" in str(err)
    assert [op.name for op in err.path] == ["loss", "Relu", "MatMul", "x"]
    assert "Relu <- MatMul" in str(err) and "3141592.py:3" in str(err)


def test_uninitialized_variable_and_runtime_errors_show_the_path():
    x = tf.placeholder(tf.float32, (None, None), name="x")
    w = tf.Variable(tf.ones((3, 2)), name="w")
    h = tf.matmul(x, w)
    loss = tf.reduce_sum(h, name="loss")
    sess = tf.Session()
    with pytest.raises(tf.errors.FailedPreconditionError) as info:
        sess.run(loss, {x: np.ones((2, 3))})
    # as in TF1, the error is raised where the variable is read: its w/read
    assert [op.name for op in info.value.path] == ["loss", "MatMul", "w/read"]
    assert "loss <- MatMul <- w/read" in str(info.value)
    sess.run(tf.global_variables_initializer())
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(loss, {x: np.ones((2, 5))})
    assert [op.name for op in info.value.path] == ["loss", "MatMul"]
    assert "x:0 float32 (2, 5), w/read:0 float32 (3, 2)" in str(info.value)


def test_check_numerics_error_shows_the_path():
    x = tf.placeholder(tf.float32, (2,), name="x")
    y = tf.check_numerics(tf.log(x), "log of x")
    z = tf.reduce_sum(y * 2.0, name="z")
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.Session().run(z, {x: [1.0, -1.0]})
    assert "log of x" in str(info.value) and "NaN" in str(info.value)
    assert [op.name for op in info.value.path] == ["z", "mul", "CheckNumerics"]


def test_long_paths_are_shortened():
    x = tf.placeholder(tf.float32, (2,), name="x")
    y = x
    for i in range(40):
        y = tf.identity(y, name="step%d" % i)  # one line, but many names
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.Session().run(y)
    assert len(info.value.path) == 41
    text = str(info.value).split("dependency path")[1]
    assert text.count("\n") <= 12


def test_placeholders_made_by_one_line_in_a_loop_can_be_fed_unused():
    ns = {"tf": tf}
    run_cell("xs = [tf.placeholder(tf.float64, (3,)) for _ in range(2)]\n"
             "y = xs[0] * 2.0\n", ns)
    out = tf.Session().run(ns["y"], {ns["xs"][0]: np.ones(3), ns["xs"][1]: np.ones(3)})
    assert out.tolist() == [2.0, 2.0, 2.0]
    x, w = tf.placeholder(tf.float64, [3]), tf.placeholder(tf.float64, [3])
    testing.check_gradients(x * w, [x, w], {x: np.ones(3), w: np.ones(3)})


def test_in_ipython_the_execution_count_tells_cell_runs_apart(monkeypatch):
    """IPython runs each top-level statement of a cell in its own frame: statements of one
    execution must not look like a re-run, a second execution must."""
    import sys
    import types

    shell = types.SimpleNamespace(execution_count=7)
    fake = types.SimpleNamespace(get_ipython=lambda: shell)
    monkeypatch.setitem(sys.modules, "IPython", fake)
    ns = {"tf": tf}
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        for line in MODEL_CELL.splitlines(keepends=True):  # one frame per statement
            run_cell(line, ns)
        assert not rerun_warnings(log)
        shell.execution_count = 8
        for line in MODEL_CELL.splitlines(keepends=True):
            run_cell(line, ns)
    assert len(rerun_warnings(log)) == 1


def test_in_a_kernel_each_execute_request_is_a_cell_run(monkeypatch):
    """nbval executes cells without storing history, so the execution count stays put: the
    kernel's message id is what tells two runs of a cell apart."""
    import sys
    import types

    shell = types.SimpleNamespace(execution_count=1, parent={"header": {"msg_id": "a"}})
    shell.get_parent = lambda: shell.parent
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    ns = {"tf": tf}
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        run_cell(MODEL_CELL, ns)
        shell.parent = {"header": {"msg_id": "b"}}
        run_cell(MODEL_CELL, ns)
    assert len(rerun_warnings(log)) == 1
