"""tf.losses and tf.nn.sigmoid_cross_entropy_with_logits against numpy.

Truth is each loss's formula written out in numpy (TF1's definitions), the reductions as TF1
documents them (the default divides by the number of NON-ZERO weights), and central
differences for the gradients (minigraph.testing.check_gradients, float64). The nodes the
losses build themselves are checked against TF1's composite (the whole graph is compared
with real TF1's in tests/test_graph_def.py), and so are the ops they are built from that
need more than the table of tests/test_ops.py: DivNoNan where the denominator is 0, Range.
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph.ops import math_ops
from minigraph.testing import check_gradients


RNG = np.random.default_rng(3)
N, C = 5, 4


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _log_softmax(x):
    m = x.max(axis=-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


# Each loss: (call(labels, preds, **kw), numpy elementwise loss, labels, predictions)
# Predictions stay away from kinks (|p - y| != 0, hinge margin != 1) so that central
# differences are valid.
LABELS_01 = RNG.integers(0, 2, size=(N, C)).astype(np.float64)
PROBS = RNG.uniform(0.1, 0.9, size=(N, C))
REAL_Y = RNG.normal(size=(N, C))
REAL_P = REAL_Y + RNG.choice([-1, 1], size=(N, C)) * RNG.uniform(0.2, 2.0, size=(N, C))
LOGITS = RNG.normal(size=(N, C)) * 2
ONEHOT = np.eye(C)[RNG.integers(0, C, size=N)]
SPARSE = np.argmax(ONEHOT, axis=1).astype(np.int32)
SOFT_LABELS = RNG.uniform(0, 1, size=(N, C))

HINGE_LOGITS = np.where(RNG.uniform(size=(N, C)) < 0.5, -1, 1) * RNG.uniform(0.2, 0.8, (N, C))

ELEMENTWISE = {
    "mean_squared_error": (
        lambda y, p, **kw: tf.losses.mean_squared_error(y, p, **kw),
        lambda y, p: (p - y) ** 2, REAL_Y, REAL_P),
    "absolute_difference": (
        lambda y, p, **kw: tf.losses.absolute_difference(y, p, **kw),
        lambda y, p: np.abs(p - y), REAL_Y, REAL_P),
    "huber_loss": (
        lambda y, p, **kw: tf.losses.huber_loss(y, p, delta=1.0, **kw),
        lambda y, p: np.where(np.abs(p - y) <= 1.0, 0.5 * (p - y) ** 2,
                              0.5 + 1.0 * (np.abs(p - y) - 1.0)), REAL_Y, REAL_P),
    "log_loss": (
        lambda y, p, **kw: tf.losses.log_loss(y, p, **kw),
        lambda y, p: -y * np.log(p + 1e-7) - (1 - y) * np.log(1 - p + 1e-7), LABELS_01, PROBS),
    "hinge_loss": (
        lambda y, p, **kw: tf.losses.hinge_loss(y, p, **kw),
        lambda y, p: np.maximum(0, 1 - (2 * y - 1) * p), LABELS_01, HINGE_LOGITS),
    "sigmoid_cross_entropy": (
        lambda y, p, **kw: tf.losses.sigmoid_cross_entropy(y, p, **kw),
        lambda z, x: -z * np.log(_sigmoid(x)) - (1 - z) * np.log(1 - _sigmoid(x)),
        SOFT_LABELS, LOGITS),
}

# Per-row losses: (call, numpy per-row loss, labels, logits)
PER_ROW = {
    "softmax_cross_entropy": (
        lambda y, x, **kw: tf.losses.softmax_cross_entropy(y, x, **kw),
        lambda y, x: -np.sum(y * _log_softmax(x), axis=1), ONEHOT, LOGITS),
    "sparse_softmax_cross_entropy": (
        lambda y, x, **kw: tf.losses.sparse_softmax_cross_entropy(y, x, **kw),
        lambda y, x: -_log_softmax(x)[np.arange(len(y)), y], SPARSE, LOGITS),
}

ALL = {**ELEMENTWISE, **PER_ROW}


def weights_for(name, kind):
    """Weights of each kind, shaped for the loss (elementwise: (N, C); per row: (N,))."""
    per_row = name in PER_ROW
    if kind == "scalar":
        return 2.5
    if kind == "zeros_in_full":    # some weights exactly 0: those elements do not count
        w = RNG.uniform(0.5, 2.0, size=(N,) if per_row else (N, C))
        w[1] = 0.0
        if not per_row:
            w[3, 2] = 0.0
        return w
    if kind == "per_row":          # (N, 1) broadcast along the classes, one row zeroed
        if per_row:
            return np.array([1.0, 0.0, 2.0, 0.5, 1.5])
        return np.array([[1.0], [0.0], [2.0], [0.5], [1.5]])
    if kind == "all_zero":
        return np.zeros((N,) if per_row else (N, C))
    raise ValueError(kind)


def numpy_weighted(losses, w, reduction="weighted_sum_by_nonzero_weights"):
    w_full = np.broadcast_to(np.asarray(w, dtype=np.float64), losses.shape)
    weighted = losses * w_full
    total = weighted.sum()
    if reduction == "none":
        return weighted
    if reduction == "weighted_sum":
        return total
    if reduction == "weighted_mean":
        den = w_full.sum()
    elif reduction == "weighted_sum_over_batch_size":
        den = losses.size
    else:
        den = np.count_nonzero(w_full)
    return total / den if den > 0 else 0.0


def _tensors(labels, preds, dtype=tf.float64):
    y = tf.placeholder(tf.int32 if labels.dtype.kind == "i" else dtype, labels.shape)
    p = tf.placeholder(dtype, preds.shape)
    return y, p, {y: labels, p: preds}


# ------------------------------------------------------------- values against numpy

@pytest.mark.parametrize("name", sorted(ALL))
def test_loss_with_default_weights_is_the_plain_mean(name):
    call, ref, labels, preds = ALL[name]
    y, p, feed = _tensors(labels, preds)
    loss = call(y, p)
    assert loss.shape == () and loss.dtype == tf.float64
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(loss, feed), np.mean(ref(labels, preds)),
                                   rtol=1e-12)


@pytest.mark.parametrize("kind", ["scalar", "zeros_in_full", "per_row", "all_zero"])
@pytest.mark.parametrize("name", sorted(ALL))
def test_loss_with_weights_divides_by_the_nonzero_weights(name, kind):
    call, ref, labels, preds = ALL[name]
    y, p, feed = _tensors(labels, preds)
    w = weights_for(name, kind)
    as_placeholder = not isinstance(w, float)
    if as_placeholder:
        w_t = tf.placeholder(tf.float64, np.shape(w))
        feed[w_t] = w
    loss = call(y, p, weights=w_t if as_placeholder else w)
    expected = numpy_weighted(ref(labels, preds), w)
    with tf.Session() as sess:
        value = sess.run(loss, feed)
    assert np.isfinite(value)
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-15)
    if kind == "all_zero":
        assert value == 0.0


@pytest.mark.parametrize("reduction", ["none", "weighted_sum", "weighted_mean",
                                       "weighted_sum_over_batch_size",
                                       "weighted_sum_by_nonzero_weights"])
def test_every_reduction(reduction):
    assert reduction in tf.losses.Reduction.all()
    w = weights_for("mean_squared_error", "zeros_in_full")
    loss = tf.losses.mean_squared_error(REAL_Y, tf.constant(REAL_P), weights=w,
                                        reduction=reduction)
    expected = numpy_weighted((REAL_P - REAL_Y) ** 2, w, reduction)
    with tf.Session() as sess:
        value = sess.run(loss)
    assert np.shape(value) == np.shape(expected)
    np.testing.assert_allclose(value, expected, rtol=1e-12)


def test_reduction_names_and_default_match_tf1():
    R = tf.losses.Reduction
    assert (R.NONE, R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE, R.SUM_BY_NONZERO_WEIGHTS) == (
        "none", "weighted_sum", "weighted_mean", "weighted_sum_over_batch_size",
        "weighted_sum_by_nonzero_weights")
    assert R.SUM_OVER_NONZERO_WEIGHTS == R.SUM_BY_NONZERO_WEIGHTS
    import inspect
    for fn in (tf.losses.mean_squared_error, tf.losses.softmax_cross_entropy,
               tf.losses.sparse_softmax_cross_entropy, tf.losses.sigmoid_cross_entropy,
               tf.losses.hinge_loss, tf.losses.log_loss, tf.losses.absolute_difference,
               tf.losses.compute_weighted_loss):
        params = inspect.signature(fn).parameters
        assert params["weights"].default == 1.0
        assert params["reduction"].default == R.SUM_BY_NONZERO_WEIGHTS
        assert params["loss_collection"].default == tf.GraphKeys.LOSSES
    assert inspect.signature(tf.losses.log_loss).parameters["epsilon"].default == 1e-7
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        tf.losses.mean_squared_error(REAL_Y, REAL_P, reduction="average")


def test_mse_by_hand_equals_tf_losses_exactly():
    y = tf.placeholder(tf.float32, (None, C))
    p = tf.placeholder(tf.float32, (None, C))
    by_hand = tf.reduce_mean((y - p) ** 2)
    mse = tf.losses.mean_squared_error(y, p)
    assert mse.dtype == tf.float32
    with tf.Session() as sess:
        for seed in range(5):
            rng = np.random.default_rng(seed)
            feed = {y: rng.normal(size=(17, C)), p: rng.normal(size=(17, C)) * 3}
            a, b = sess.run([by_hand, mse], feed)
            assert a == b


def test_label_smoothing():
    s = 0.2
    y = ONEHOT
    loss = tf.losses.softmax_cross_entropy(y, tf.constant(LOGITS), label_smoothing=s)
    smooth = y * (1 - s) + s / C
    expected = np.mean(-np.sum(smooth * _log_softmax(LOGITS), axis=1))
    z = SOFT_LABELS
    sig = tf.losses.sigmoid_cross_entropy(z, tf.constant(LOGITS), label_smoothing=s)
    zs = z * (1 - s) + 0.5 * s
    sig_expected = np.mean(-zs * np.log(_sigmoid(LOGITS)) - (1 - zs) * np.log(1 - _sigmoid(LOGITS)))
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(loss), expected, rtol=1e-12)
        np.testing.assert_allclose(sess.run(sig), sig_expected, rtol=1e-12)


def test_softmax_cross_entropy_sends_no_gradient_into_the_labels():
    labels = tf.placeholder(tf.float64, (N, C))
    logits = tf.placeholder(tf.float64, (N, C))
    loss = tf.losses.softmax_cross_entropy(labels, logits)
    g_labels, g_logits = tf.gradients(loss, [labels, logits])
    assert g_labels is None and g_logits is not None


def test_sparse_labels_with_a_trailing_axis_of_one_are_squeezed():
    labels = SPARSE.reshape(N, 1)
    loss = tf.losses.sparse_softmax_cross_entropy(tf.constant(labels), tf.constant(LOGITS))
    expected = np.mean(-_log_softmax(LOGITS)[np.arange(N), SPARSE])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(loss), expected, rtol=1e-12)


def test_hinge_loss_takes_labels_in_0_1():
    # label 0 means -1: logit -3 is right with margin, +0.5 is wrong
    loss = tf.losses.hinge_loss(tf.constant([[0.0, 0.0, 1.0, 1.0]]),
                                tf.constant([[-3.0, 0.5, 2.0, 0.25]]),
                                reduction=tf.losses.Reduction.NONE)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(loss), [[0.0, 1.5, 0.0, 0.75]])


def test_float32_inputs_give_float32_losses_and_python_labels_are_converted():
    logits = tf.placeholder(tf.float32, (N, C))
    for name, (call, ref, labels, preds) in sorted(ALL.items()):
        loss = call(labels, logits)         # labels as numpy arrays
        assert loss.dtype == tf.float32, name
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(loss, {logits: preds}),
                                       np.mean(ref(labels, preds)), rtol=2e-6, err_msg=name)


# --------------------------------------------------------------- collections

def test_each_loss_is_added_to_the_losses_collection():
    made = []
    for name, (call, ref, labels, preds) in sorted(ALL.items()):
        made.append(call(labels, tf.constant(preds)))
    assert tf.get_collection(tf.GraphKeys.LOSSES) == made
    assert tf.losses.get_losses() == made
    not_collected = tf.losses.mean_squared_error(REAL_Y, tf.constant(REAL_P),
                                                 loss_collection=None)
    assert not_collected not in tf.losses.get_losses()


def test_total_loss_and_regularization_loss():
    assert tf.losses.get_regularization_loss().dtype == tf.float32
    w = tf.Variable(np.array([1.0, -2.0]))
    reg = 0.1 * tf.reduce_sum(w * w)
    tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, reg)
    data = tf.losses.mean_squared_error(REAL_Y, tf.constant(REAL_P))
    extra = tf.constant(0.25, dtype=tf.float64)
    tf.losses.add_loss(extra)
    total_reg = tf.losses.get_regularization_loss()
    assert total_reg.op.name == "total_regularization_loss"
    total = tf.losses.get_total_loss()
    assert total.op.name == "total_loss"
    without_reg = tf.losses.get_total_loss(add_regularization_losses=False)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        mse = np.mean((REAL_P - REAL_Y) ** 2)
        np.testing.assert_allclose(sess.run(total_reg), 0.5)
        np.testing.assert_allclose(sess.run(total), mse + 0.25 + 0.5)
        np.testing.assert_allclose(sess.run(without_reg), mse + 0.25)
        assert sess.run(tf.losses.get_losses()[0]) == sess.run(data)


def test_loss_ops_are_named_like_tf():
    loss = tf.losses.mean_squared_error(REAL_Y, tf.constant(REAL_P))
    assert loss.op.name == "mean_squared_error/value"
    xent = tf.losses.softmax_cross_entropy(ONEHOT, tf.constant(LOGITS))
    assert xent.op.name == "softmax_cross_entropy_loss/value"
    names = {op.name for op in tf.get_default_graph().get_operations()}
    assert "softmax_cross_entropy_loss/xentropy" in names


# ------------------------------------------------------------- TF1's graph, in part
# tests/test_graph_def.py compares whole graphs with TF1's (programs losses_*); these check
# the nodes losses.py builds itself: the elementwise op, the broadcast check every later op
# runs after, num_present, and the DivNoNan named "value".

def _ops(scope):
    return {op.name: op for op in tf.get_default_graph().get_operations()
            if op.name.startswith(scope + "/")}


def _ancestors(op):
    """Every op ``op`` runs after: through its data and its control inputs."""
    seen, todo = set(), [op]
    while todo:
        o = todo.pop()
        for parent in [t.op for t in o.inputs] + list(o.control_inputs):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_mean_squared_error_builds_tf1s_composite():
    labels = tf.placeholder(tf.float32, (N, C))
    predictions = tf.placeholder(tf.float32, (N, C))
    weights = tf.placeholder(tf.float32, (N, 1))       # one per example: broadcast
    loss = tf.losses.mean_squared_error(labels, predictions, weights=weights)
    ops = _ops("mean_squared_error")
    sq = ops["mean_squared_error/SquaredDifference"]
    assert sq.type == "SquaredDifference" and list(sq.inputs) == [predictions, labels]
    check = ops["mean_squared_error/assert_broadcastable/static_dims_check_success"]
    assert check.type == "NoOp"
    present = ops["mean_squared_error/num_present"]
    assert present.type == "Sum"
    assert ops["mean_squared_error/num_present/broadcast_weights"].type == "Mul"
    assert loss.op.name == "mean_squared_error/value" and loss.op.type == "DivNoNan"
    assert loss.op.inputs[1] is present.outputs[0]
    # every op made after the check runs after it
    made = list(ops.values())
    after = made[made.index(check) + 1:]
    assert after and all(check in _ancestors(op) for op in after), \
        [op.name for op in after if check not in _ancestors(op)]


def test_a_scalar_weight_is_checked_statically():
    loss = tf.losses.absolute_difference(REAL_Y, tf.constant(REAL_P), weights=2.0)
    ops = _ops("absolute_difference")
    assert ops["absolute_difference/assert_broadcastable/weights"].type == "Const"
    check = ops["absolute_difference/assert_broadcastable/static_scalar_check_success"]
    assert check.type == "NoOp" and check in _ancestors(loss.op)
    # num_present broadcasts the scalar weight's 0/1 to the losses' shape
    assert ops["absolute_difference/num_present/broadcast_weights"].type == "Mul"
    assert "absolute_difference/num_present/broadcast_weights/assert_broadcastable/" \
           "static_scalar_check_success" in ops


def test_weights_of_the_losses_shape_need_no_broadcast():
    w = tf.placeholder(tf.float64, (N, C))
    tf.losses.huber_loss(REAL_Y, tf.constant(REAL_P), weights=w)
    ops = _ops("huber_loss")
    assert "huber_loss/assert_broadcastable/static_dims_check_success" in ops
    assert "huber_loss/num_present/broadcast_weights" not in ops
    assert ops["huber_loss/num_present"].inputs[0].op.name == "huber_loss/num_present/Select"


@pytest.mark.parametrize("reduction, last", [("none", "Mul"), ("weighted_sum", "Sum"),
                                             ("weighted_mean", "DivNoNan"),
                                             ("weighted_sum_over_batch_size", "DivNoNan"),
                                             ("weighted_sum_by_nonzero_weights", "DivNoNan")])
def test_each_reduction_ends_where_tf1s_does(reduction, last):
    losses = tf.placeholder(tf.float32, (N, C))
    loss = tf.losses.compute_weighted_loss(losses, reduction=reduction)
    assert loss.op.type == last
    assert loss.op.name == {"Mul": "weighted_loss/Mul", "Sum": "weighted_loss/Sum",
                            "DivNoNan": "weighted_loss/value"}[last]
    names = set(_ops("weighted_loss"))
    assert ("weighted_loss/num_elements" in names) == (reduction == "weighted_sum_over_batch_size")
    assert ("weighted_loss/num_present" in names) == (
        reduction == "weighted_sum_by_nonzero_weights")


def test_zero_weights_give_zero_and_a_zero_gradient_not_nan():
    p = tf.placeholder(tf.float64, (N, C))
    w = tf.placeholder(tf.float64, (N, 1))
    feed = {p: REAL_P, w: np.zeros((N, 1))}
    for reduction in ("weighted_mean", "weighted_sum_by_nonzero_weights"):
        loss = tf.losses.mean_squared_error(REAL_Y, p, weights=w, reduction=reduction)
        g_p, g_w = tf.gradients(loss, [p, w])
        with tf.Session() as sess:
            value, gp, gw = sess.run([loss, g_p, g_w], feed)
        assert value == 0.0
        np.testing.assert_array_equal(gp, np.zeros((N, C)))
        assert np.all(np.isfinite(gw)), gw


def test_weights_whose_shape_is_known_only_at_run_time():
    """TF1 checks them at run time with tf.cond, which minigraph does not build (see the
    losses module docstring): no check op, the same value."""
    y = tf.placeholder(tf.float64, (None, C))
    p = tf.placeholder(tf.float64, (None, C))
    w = tf.placeholder(tf.float64, (None, 1))
    loss = tf.losses.mean_squared_error(y, p, weights=w)
    names = set(_ops("mean_squared_error"))
    assert not [n for n in names if n.endswith("_check_success")]
    weights = np.array([[1.0], [0.0], [2.0], [0.5], [1.5]])
    with tf.Session() as sess:
        value = sess.run(loss, {y: REAL_Y, p: REAL_P, w: weights})
    np.testing.assert_allclose(value, numpy_weighted((REAL_P - REAL_Y) ** 2, weights),
                               rtol=1e-12)


def test_sparse_weights_with_a_trailing_axis_of_one_are_squeezed():
    labels = tf.constant(SPARSE.reshape(N, 1))
    w = np.array([[1.0], [0.0], [2.0], [0.5], [1.5]])
    loss = tf.losses.sparse_softmax_cross_entropy(labels, tf.constant(LOGITS),
                                                  weights=tf.constant(w))
    ops = _ops("sparse_softmax_cross_entropy_loss")
    assert "sparse_softmax_cross_entropy_loss/remove_squeezable_dimensions/Squeeze" in ops
    assert ops["sparse_softmax_cross_entropy_loss/Squeeze"].outputs[0].shape == (N,)
    expected = numpy_weighted(-_log_softmax(LOGITS)[np.arange(N), SPARSE], w[:, 0])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(loss), expected, rtol=1e-12)


def test_label_smoothing_counts_the_classes_from_the_labels_shape():
    # (labels as a tensor: numpy labels would first become a Const `Cast/x`, as in TF1, and
    # the smoothing's Cast would be `Cast_1`)
    tf.losses.softmax_cross_entropy(tf.constant(ONEHOT), tf.constant(LOGITS),
                                    label_smoothing=0.2)
    ops = _ops("softmax_cross_entropy_loss")
    cast = ops["softmax_cross_entropy_loss/Cast"]
    assert cast.type == "Cast" and cast.inputs[0].op.type == "StridedSlice"
    assert ops["softmax_cross_entropy_loss/truediv"].inputs[1].op is cast
    assert ops["softmax_cross_entropy_loss/labels_stop_gradient"].type == "StopGradient"


# --------------------------------------------------- the ops the losses are built from

def test_div_no_nan_is_zero_where_the_denominator_is_zero_and_so_is_its_gradient():
    x = tf.placeholder(tf.float64, (5,))
    y = tf.placeholder(tf.float64, (5,))
    z = tf.div_no_nan(x, y)
    assert z.op.type == "DivNoNan" and z.op.name == "div_no_nan"
    assert tf.math.divide_no_nan is tf.div_no_nan
    xv = np.array([3.0, np.nan, np.inf, -2.0, 0.0])
    yv = np.array([0.0, 0.0, 0.0, 4.0, -0.0])
    gx, gy = tf.gradients(tf.reduce_sum(z), [x, y])
    with tf.Session() as sess:
        value, gxv, gyv = sess.run([z, gx, gy], {x: xv, y: yv})
    np.testing.assert_array_equal(value, [0.0, 0.0, 0.0, -0.5, 0.0])
    # d/dx = 1 / y and d/dy = -x / y^2 where y != 0; 0 (TF1's) where y == 0
    np.testing.assert_array_equal(gxv, [0.0, 0.0, 0.0, 0.25, 0.0])
    np.testing.assert_array_equal(gyv, [0.0, 0.0, 0.0, 2.0 / 16.0, 0.0])


def test_div_no_nan_of_integers_divides_as_floats():
    z = tf.div_no_nan(tf.constant([7, 3], dtype=tf.int32), tf.constant([2, 0], dtype=tf.int32))
    assert z.dtype == tf.float64     # as tf.divide: int32 -> float64
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(z), [3.5, 0.0])


def test_squared_difference_is_one_op():
    z = tf.squared_difference(tf.constant([1.0, -2.0]), 3.0)
    assert z.op.type == "SquaredDifference" and tf.math.squared_difference is tf.squared_difference
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(z), [4.0, 25.0])


def test_range_as_tf1():
    r = tf.range(5)
    assert r.op.type == "Range" and r.dtype == tf.int32 and r.shape == (5,)
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert names == ["range/start", "range/limit", "range/delta", "range"]
    f = tf.range(1, 2.5, 0.5)                # the widest argument's dtype
    assert f.dtype == tf.float32 and f.shape == (3,)
    assert [t.op.name for t in f.op.inputs] == ["range_1/Cast", "range_1/limit", "range_1/delta"]
    n = tf.placeholder(tf.int64, ())
    d = tf.range(0, n, 2, name="evens")      # start and delta take the limit's int64
    assert d.dtype == tf.int64 and d.shape.as_list() == [None] and d.op.name == "evens"
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(r), np.arange(5))
        np.testing.assert_array_equal(sess.run(f), [1.0, 1.5, 2.0])
        np.testing.assert_array_equal(sess.run(d, {n: 7}), [0, 2, 4, 6])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Requires delta != 0"):
            sess.run(tf.range(0, n, 0), {n: 3})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Requires start <= limit when delta > 0: 0/-3"):
            sess.run(d, {n: -3})
    with pytest.raises(ValueError, match="Range's limit must be a scalar"):
        tf.range(tf.constant([1, 2]))


def test_range_values_are_tf_kernels():
    """TF's Range computes start + i * delta in the dtype (checked against TF 2.21), which
    differs from np.arange in the last bit of some elements."""
    g = tf.range(-3.7, 9.1, 0.013)
    assert g.shape == (985,)                # ceil((9.1 + 3.7) / 0.013), in float32
    start, delta = np.float32(-3.7), np.float32(0.013)
    want = start + np.arange(985, dtype=np.float32) * delta
    assert not np.array_equal(want, np.arange(start, np.float32(9.1), delta, dtype=np.float32))
    with tf.Session() as sess:
        got = sess.run(g)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, want)


# --------------------------------------------------------------------- errors

def test_errors():
    # TF1's messages
    with pytest.raises(ValueError, match="^Argument `labels` must not be None.$"):
        tf.losses.mean_squared_error(None, tf.constant(REAL_P))
    with pytest.raises(ValueError, match="^Argument `predictions` must not be None.$"):
        tf.losses.mean_squared_error(REAL_Y, None)
    with pytest.raises(ValueError, match="incompatible"):
        tf.losses.mean_squared_error(np.zeros((N, 3)), tf.constant(REAL_P))
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        tf.losses.mean_squared_error(REAL_Y, tf.constant(REAL_P), weights=np.ones((N, 3)))
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        tf.losses.mean_squared_error(REAL_Y, tf.constant(REAL_P), weights=np.ones(C))
    with pytest.raises(ValueError):
        tf.losses.get_total_loss()     # no losses at all: add_n of nothing


# ------------------------------------------------------------------ gradients

@pytest.mark.parametrize("name", sorted(ALL))
def test_gradients_of_each_loss_match_central_differences(name):
    call, ref, labels, preds = ALL[name]
    y, p, feed = _tensors(labels, preds)
    w = weights_for(name, "zeros_in_full")
    w_t = tf.placeholder(tf.float64, np.shape(w))
    feed[w_t] = w
    check_gradients(call(y, p), [p], feed)                          # default weights
    check_gradients(call(y, p, weights=w_t), [p], feed)             # with zero weights
    check_gradients(call(y, p, weights=w_t, reduction=tf.losses.Reduction.MEAN), [p, w_t],
                    feed)
    # d/dlabels and d/dweights, with weights away from 0: at a zero weight the count of
    # non-zero weights jumps, so the loss has no derivative there
    w_pos = tf.placeholder(tf.float64, np.shape(w))
    feed[w_pos] = np.abs(w) + 0.5
    # (softmax_cross_entropy stops the gradient into its labels, as TF1 does)
    xs = [w_pos] + ([y] if name in ELEMENTWISE else [])
    check_gradients(call(y, p, weights=w_pos), xs, feed)


@pytest.mark.parametrize("name", sorted(ALL))
def test_a_loss_minimized_by_gradient_descent_decreases(name):
    call, ref, labels, preds = ALL[name]
    v = tf.Variable(preds)
    loss = call(labels, v)
    train_op = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss)
        for _ in range(10):
            sess.run(train_op)
        assert sess.run(loss) < first


# ------------------------------------------------- tf.nn.sigmoid_cross_entropy_with_logits

def test_sigmoid_cross_entropy_with_logits_is_stable_for_large_logits():
    x = np.array([-1000.0, -30.0, -2.0, 0.0, 1e-9, 3.0, 40.0, 1000.0])
    z = np.array([0.0, 1.0, 0.3, 0.5, 1.0, 0.0, 1.0, 0.2])
    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=tf.constant(x))
    assert loss.op.name == "logistic_loss" and loss.shape == (8,)
    # log(1 + e^x) - x z, with log(1 + e^x) = logaddexp(0, x) evaluated stably by numpy
    expected = np.logaddexp(0.0, x) - x * z
    with tf.Session() as sess:
        value = sess.run(loss)
        assert np.all(np.isfinite(value))
        np.testing.assert_allclose(value, expected, rtol=1e-14, atol=1e-15)
        # for x = 40, z = 1 the loss is log(1 + e^-40) ~ e^-40 = 4.2e-18; log1p keeps it,
        # where log(1 + e^-40) would round to log(1) = 0
        np.testing.assert_allclose(value[6], np.exp(-40.0), rtol=1e-15)


def test_sigmoid_cross_entropy_with_logits_gradient():
    x = tf.placeholder(tf.float64, (N, C))
    z = tf.placeholder(tf.float64, (N, C))
    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)
    feed = {x: LOGITS, z: SOFT_LABELS}
    check_gradients(loss, [x, z], feed)
    gx, = tf.gradients(tf.reduce_sum(loss), [x])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(gx, feed), _sigmoid(LOGITS) - SOFT_LABELS,
                                   rtol=1e-12)


def test_sigmoid_cross_entropy_with_logits_needs_named_matching_arguments():
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.sigmoid_cross_entropy_with_logits(1, labels=[1.0], logits=[1.0])
    with pytest.raises(ValueError, match="same shape"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=np.zeros(3), logits=tf.zeros((4,)))


def test_log1p_is_accurate_for_tiny_x():
    x = np.array([1e-20, 1e-10, -0.5, 3.0])
    y = math_ops.log1p(tf.constant(x))
    assert y.op.type == "Log1p"
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), np.log1p(x))
    xs = tf.placeholder(tf.float64, (4,))
    check_gradients(math_ops.log1p(xs), [xs], {xs: np.array([0.1, 1e-3, -0.5, 3.0])})
