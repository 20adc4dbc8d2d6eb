"""The lessons' "check yourself" helpers must pass right answers and fail wrong ones."""

import pytest

import minigraph as tf
from widgets import checks
from minigraph.trace import of as trace_of


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
    assert checks.ran(trace_of(md), loss) and not checks.ran(trace_of(md), update)
    assert checks.pruned(trace_of(md), update) and not checks.pruned(trace_of(md), loss)


def test_gradient_of_and_op_types_between():
    x, w, loss, g, update = model()
    assert checks.gradient_of(g, loss)
    assert not checks.gradient_of(loss, loss)
    assert checks.op_types_between(loss, x) == ["MatMul", "Sum"]


def test_wrote_reads_the_variables_a_run_wrote():
    x, w, loss, g, update = model()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    feed = {x: [[1, 2, 3], [4, 5, 6]]}
    full = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    md = tf.RunMetadata()
    sess.run([loss, update], feed, options=full, run_metadata=md)
    assert checks.wrote(trace_of(md), ["w"]) and checks.wrote(trace_of(md), [w])
    md = tf.RunMetadata()
    sess.run(loss, feed, options=full, run_metadata=md)
    verdict = checks.wrote(trace_of(md), [w])
    assert not verdict and "did not write w" in verdict.message


def test_crossed_reads_the_bytes_and_feeds_of_a_run():
    x, w, loss, g, update = model()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    md = tf.RunMetadata()
    feed = {x: [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]}  # float64 in, converted to float32
    # fetch the assign as an op: its output tensor would bring the new w back out
    sess.run([loss, update.op], feed,
             options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
    assert checks.crossed(trace_of(md), fed=[x], bytes_fed=2 * 3 * 4, bytes_fetched=4)
    assert checks.crossed(trace_of(md), fed=["x"])
    verdict = checks.crossed(trace_of(md), fed=[x, w], bytes_fetched=8)
    assert not verdict and "not ['w', 'x']" in verdict.message and "4 bytes came out" in \
        verdict.message


def test_placeholders_needed_plans_without_running():
    x, w, loss, g, update = model()
    y = tf.placeholder(tf.float32, (2, 1), name="y")
    err = tf.reduce_sum((tf.matmul(x, w) - y) ** 2, name="err")
    assert checks.placeholders_needed(loss, [x])
    assert checks.placeholders_needed([err], ["x", "y:0"])
    verdict = checks.placeholders_needed(err, [x])
    assert not verdict and "also needs y" in verdict.message
    verdict = checks.placeholders_needed(loss, [x, y])
    assert not verdict and "does not need y" in verdict.message
    with pytest.raises(AssertionError, match="also needs y"):
        checks.check(checks.placeholders_needed(err, [x]))


def test_allclose_checks_shape_and_values():
    verdict = checks.allclose([1.0, 2.0], [1.0, 2.0 + 1e-9], name="grad_h")
    assert verdict and verdict.message == "grad_h matches the expected values"
    assert not checks.allclose([1.0, 2.0], [1.0, 2.1])
    verdict = checks.allclose([[1.0, 2.0]], [1.0, 2.0], name="grad_h")
    assert not verdict and "shape (1, 2)" in verdict.message
    assert not checks.allclose(None, [1.0])


def test_summary_steps_counts_the_steps_of_one_tag():
    from minigraph.summary import Record
    records = [Record(s, "loss", "scalar", 1.0, 0.0) for s in range(3)]
    assert checks.summary_steps(records, "loss", range(3))
    assert not checks.summary_steps(records, "loss", range(4))
    twice = checks.summary_steps(records + records, "loss", range(3))
    assert not twice and "more than once" in twice.message
    missing = checks.summary_steps(records, "accuracy", range(3))
    assert not missing and "['loss']" in missing.message
