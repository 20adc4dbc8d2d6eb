"""The lessons' "check yourself" helpers must pass right answers and fail wrong ones."""

import pytest

import minigraph as tf
from widgets import checks


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()


def model():
    x = tf.placeholder(tf.float32, (2, 3), name="x")
    w = tf.Variable(tf.ones((3, 1)), name="w")
    loss = tf.reduce_sum(tf.matmul(x, w), name="loss")
    (g,) = tf.gradients(loss, [w])
    update = w.assign_sub(0.1 * g)
    return x, w, loss, g, update


def test_update_is_reached():
    x, w, loss, g, update = model()
    assert not checks.update_is_reached([loss])
    assert checks.update_is_reached([loss, update])
    with pytest.raises(AssertionError, match="would not run"):
        checks.check(checks.update_is_reached([loss]))
    assert checks.check(checks.update_is_reached([loss, update]))


def test_has_variables():
    model()
    assert checks.has_variables(["w"])
    assert not checks.has_variables(["w", "b"])


def test_ran_and_pruned_read_a_trace():
    x, w, loss, g, update = model()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    md = tf.RunMetadata()
    sess.run(loss, {x: [[1, 2, 3], [4, 5, 6]]}, run_metadata=md,
             options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE))
    assert checks.ran(md.trace, loss) and not checks.ran(md.trace, update)
    assert checks.pruned(md.trace, update) and not checks.pruned(md.trace, loss)


def test_gradient_of_and_op_types_between():
    x, w, loss, g, update = model()
    assert checks.gradient_of(g, loss)
    assert not checks.gradient_of(loss, loss)
    assert checks.op_types_between(loss, x) == ["MatMul", "Sum"]
