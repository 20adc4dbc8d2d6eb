"""The lecture's two-layer network, exactly as the lecture writes it, checked step by step
against a hand-written numpy float32 implementation of the same step (independent truth).

Part 1 feeds the weights from numpy every step (the feed_dict version); part 2 keeps them
in Variables and updates them with assign (and shows that forgetting to fetch the updates
leaves the loss exactly constant).
"""

import warnings

import numpy as np
import pytest

import minigraph as tf
from minigraph.lint import DeadUpdateWarning
from minigraph.trace import of as trace_of

N, D, H = 64, 1000, 100
STEPS = 50
LEARNING_RATE = 1e-5


def numpy_step(x, y, w1, w2):
    """Loss and gradients of the lecture's net, by hand, in float32 (like the graph)."""
    x, y, w1, w2 = (np.asarray(a, np.float32) for a in (x, y, w1, w2))
    h_pre = x @ w1                                  # (N, H)
    h = np.maximum(h_pre, np.float32(0))
    y_pred = h @ w2                                 # (N, D)
    diff = y_pred - y
    loss = np.mean(np.sum(diff ** 2, axis=1))
    grad_y_pred = np.float32(2.0 / N) * diff        # d mean_n sum_d diff^2 / d y_pred
    grad_w2 = h.T @ grad_y_pred                     # (H, D)
    grad_h = grad_y_pred @ w2.T                     # (N, H)
    # d maximum(a, 0)/da: TF1's Maximum gradient sends the gradient to the first argument
    # where a >= 0 (ties included). Ties do happen: a float32 dot product of ~1000 terms can
    # round to exactly 0.0 (it does, at step 44 of the feed_dict run below).
    grad_h = grad_h * (h_pre >= 0)
    grad_w1 = x.T @ grad_h                          # (D, H)
    return loss, grad_w1, grad_w2


# Tolerances. Every quantity is a float32 sum of O(1e3..6e4) products; float32 has
# eps = 6e-8, and blocked BLAS vs numpy's pairwise sums may round differently, so the
# relative error of a sum is up to ~sqrt(n) * eps ~ 1e-5 of the magnitude of its terms.
# An entry of a gradient can be small through cancellation, so the error is judged against
# the array's largest entry (atol) and not only the entry itself.
LOSS_RTOL = 1e-5


def assert_close_grad(got, want, what):
    assert got.dtype == np.float32, what
    assert got.shape == want.shape, what
    scale = np.max(np.abs(want))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5 * scale, err_msg=what)


def lecture_data(seed=0):
    rng = np.random.RandomState(seed)
    return (rng.randn(N, D), rng.randn(N, D), rng.randn(D, H), rng.randn(H, D))  # float64


def test_lecture_feed_dict_version():
    # ---- the lecture's code, verbatim in structure ----
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.placeholder(tf.float32, shape=(D, H))
    w2 = tf.placeholder(tf.float32, shape=(H, D))

    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    diff = y_pred - y
    loss = tf.reduce_mean(tf.reduce_sum(diff ** 2, axis=1))

    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])

    xv, yv, w1v, w2v = lecture_data()
    with tf.Session() as sess:
        values = {x: xv, w1: w1v, w2: w2v, y: yv}
        losses = []
        for t in range(STEPS):
            out = sess.run([loss, grad_w1, grad_w2], feed_dict=values)
            loss_val, grad_w1_val, grad_w2_val = out
            # ---- independent truth for this very step ----
            ref_loss, ref_g1, ref_g2 = numpy_step(xv, yv, values[w1], values[w2])
            assert np.asarray(loss_val).dtype == np.float32
            np.testing.assert_allclose(loss_val, ref_loss, rtol=LOSS_RTOL,
                                       err_msg="loss at step %d" % t)
            assert_close_grad(grad_w1_val, ref_g1, "grad_w1 at step %d" % t)
            assert_close_grad(grad_w2_val, ref_g2, "grad_w2 at step %d" % t)
            losses.append(float(loss_val))
            values[w1] = values[w1] - LEARNING_RATE * grad_w1_val
            values[w2] = values[w2] - LEARNING_RATE * grad_w2_val
    assert losses[-1] < 0.1 * losses[0]
    assert all(b < a for a, b in zip(losses, losses[1:])), losses


def build_feed_dict_lecture():
    """The lecture's first version: every input, weights included, a placeholder."""
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.placeholder(tf.float32, shape=(D, H))
    w2 = tf.placeholder(tf.float32, shape=(H, D))
    h = tf.maximum(tf.matmul(x, w1), 0)
    loss = tf.reduce_mean(tf.reduce_sum((tf.matmul(h, w2) - y) ** 2, axis=1))
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    return x, y, w1, w2, loss, grad_w1, grad_w2


def test_lecture_feed_dict_version_matches_a_pure_numpy_run():
    # The whole 50-step trajectory against numpy alone (no minigraph values in the loop).
    x, y, w1, w2, loss, grad_w1, grad_w2 = build_feed_dict_lecture()
    xv, yv, w1v, w2v = lecture_data(1)
    values = {x: xv, w1: w1v, w2: w2v, y: yv}
    n1, n2 = w1v.copy(), w2v.copy()
    with tf.Session() as sess:
        for t in range(STEPS):
            loss_val, g1, g2 = sess.run([loss, grad_w1, grad_w2], feed_dict=values)
            ref_loss, r1, r2 = numpy_step(xv, yv, n1, n2)
            # gradient descent here is stable, so tiny per-step differences stay tiny;
            # 1e-3 allows 50 steps of float32 rounding drift
            np.testing.assert_allclose(loss_val, ref_loss, rtol=1e-3, err_msg="step %d" % t)
            values[w1] = values[w1] - LEARNING_RATE * g1
            values[w2] = values[w2] - LEARNING_RATE * g2
            n1 = n1 - LEARNING_RATE * r1
            n2 = n2 - LEARNING_RATE * r2


def build_variable_lecture():
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.Variable(tf.random_normal((D, H)))
    w2 = tf.Variable(tf.random_normal((H, D)))

    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    diff = y_pred - y
    loss = tf.reduce_mean(tf.reduce_sum(diff ** 2, axis=1))

    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])

    learning_rate = 1e-5
    new_w1 = w1.assign(w1 - learning_rate * grad_w1)
    new_w2 = w2.assign(w2 - learning_rate * grad_w2)
    updates = tf.group(new_w1, new_w2)
    return x, y, w1, w2, loss, new_w1, new_w2, updates


def test_lecture_variable_version_learns():
    tf.set_random_seed(0)
    x, y, w1, w2, loss, new_w1, new_w2, updates = build_variable_lecture()
    xv, yv, _, _ = lecture_data(2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = {x: xv, y: yv}
        w1v, w2v = sess.run([w1, w2])                     # the initial weights
        assert w1v.shape == (D, H) and w2v.shape == (H, D)
        losses = []
        for t in range(STEPS):
            loss_val, _ = sess.run([loss, updates], feed_dict=values)
            # numpy: this step's loss from the weights before it, then the update
            ref_loss, g1, g2 = numpy_step(xv, yv, w1v, w2v)
            np.testing.assert_allclose(loss_val, ref_loss, rtol=LOSS_RTOL,
                                       err_msg="loss at step %d" % t)
            want1 = w1v - np.float32(LEARNING_RATE) * g1
            want2 = w2v - np.float32(LEARNING_RATE) * g2
            w1v, w2v = sess.run([w1, w2])
            # the update is lr * grad, ~1e-5 of the gradient: compare the weights tightly
            # in absolute terms (float32 weights of magnitude ~4 round at ~5e-7)
            np.testing.assert_allclose(w1v, want1, rtol=0, atol=1e-5, err_msg="w1 %d" % t)
            np.testing.assert_allclose(w2v, want2, rtol=0, atol=1e-5, err_msg="w2 %d" % t)
            losses.append(float(loss_val))
    assert losses[-1] < 0.5 * losses[0]
    assert all(b < a for a, b in zip(losses, losses[1:])), losses


def test_lecture_variable_version_weights_actually_move():
    tf.set_random_seed(0)
    x, y, w1, w2, loss, new_w1, new_w2, updates = build_variable_lecture()
    xv, yv, _, _ = lecture_data(2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(w1)
        sess.run([loss, updates], feed_dict={x: xv, y: yv})
        after = sess.run(w1)
    assert not np.array_equal(before, after)


def test_lecture_missing_update_fetch_keeps_loss_exactly_constant():
    tf.set_random_seed(0)
    x, y, w1, w2, loss, new_w1, new_w2, updates = build_variable_lecture()
    xv, yv, _, _ = lecture_data(3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = {x: xv, y: yv}
        w1_before, w2_before = sess.run([w1, w2])
        losses = []
        with pytest.warns(DeadUpdateWarning):     # the session points out the bug
            for t in range(STEPS):
                loss_val, = sess.run([loss], feed_dict=values)
                losses.append(loss_val)
        assert all(l == losses[0] for l in losses), "the loss changed without an update"
        w1_after, w2_after = sess.run([w1, w2])
        np.testing.assert_array_equal(w1_after, w1_before)
        np.testing.assert_array_equal(w2_after, w2_before)
        # the run trace makes the bug visible: the assigns were pruned
        md = tf.RunMetadata()
        sess.run([loss], feed_dict=values,
                 options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
        pruned = set(trace_of(md).pruned)
        assert new_w1.op in pruned and new_w2.op in pruned and updates in pruned
        assert trace_of(md).variables_written == []
        assert not trace_of(md).ran(new_w1) and not trace_of(md).ran(updates)
        # and with the update fetched they run
        md = tf.RunMetadata()
        sess.run([loss, updates], feed_dict=values,
                 options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
        assert trace_of(md).ran(new_w1) and trace_of(md).ran(new_w2)
        assert sorted(trace_of(md).variables_written) == sorted([w1.op.name, w2.op.name])
        # the loss value is exactly what numpy says for the untouched initial weights
        ref_loss, _, _ = numpy_step(xv, yv, w1_before, w2_before)
        np.testing.assert_allclose(losses[0], ref_loss, rtol=LOSS_RTOL)


def test_lecture_feed_bytes_show_the_cost_of_feeding_weights():
    # feed_dict version: x, y, w1, w2 cross the boundary every step, as float32
    x, y, w1, w2, loss, grad_w1, grad_w2 = build_feed_dict_lecture()
    xv, yv, w1v, w2v = lecture_data()
    md = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run([loss, grad_w1, grad_w2], feed_dict={x: xv, y: yv, w1: w1v, w2: w2v},
                 options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
    assert trace_of(md).bytes_fed == 4 * (2 * N * D + 2 * D * H)
    assert trace_of(md).bytes_fetched == 4 * (1 + 2 * D * H)


def test_correct_training_loop_that_also_monitors_gives_no_dead_update_warning():
    # A loop that runs the updates every step and ALSO evaluates the loss (or reads the
    # weights) in a separate run, e.g. for a validation curve, does learn: warning that
    # "no variable changes" there would be false.
    tf.set_random_seed(0)
    x, y, w1, w2, loss, new_w1, new_w2, updates = build_variable_lecture()
    xv, yv, _, _ = lecture_data(4)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = {x: xv, y: yv}
        monitored = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for t in range(10):
                sess.run([loss, updates], feed_dict=values)
                monitored.append(sess.run(loss, feed_dict=values))   # monitoring only
        assert monitored[-1] < monitored[0]                          # it does learn
        dead = [w for w in caught if issubclass(w.category, DeadUpdateWarning)]
        assert dead == [], str(dead[0].message) if dead else ""
