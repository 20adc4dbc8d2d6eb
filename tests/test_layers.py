"""tf.layers (dense, dropout, flatten, batch_normalization) and tf.nn.moments,
tf.nn.batch_normalization, tf.nn.dropout.

Truth: numpy on the variables' values fetched from the session (dense is x @ kernel + bias,
batch norm is the textbook formula with the biased variance), closed-form recurrences for
the moving averages, TF1's documented naming and collections, and central differences for
gradients (minigraph.testing.check_gradients, float64).
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph.testing import check_gradients


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def op_names():
    return [op.name for op in tf.get_default_graph().get_operations()]


# --------------------------------------------------------------------------------- dense

def test_dense_is_x_times_kernel_plus_bias(rng):
    x = tf.placeholder(tf.float32, (None, 3))
    y = tf.layers.dense(x, 4, bias_initializer=tf.random_normal_initializer(seed=1))
    assert y.shape.as_list() == [None, 4] and y.dtype == tf.float32
    kernel, bias = tf.trainable_variables()
    assert kernel.shape == (3, 4) and bias.shape == (4,)
    x_val = rng.normal(size=(5, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y_val, k, b = sess.run([y, kernel, bias], {x: x_val})
    assert np.any(b != 0) and np.any(k != 0)
    np.testing.assert_allclose(y_val, x_val @ k + b, rtol=1e-5, atol=1e-6)


def test_dense_names_and_collections():
    x = tf.placeholder(tf.float32, (None, 3))
    h = tf.layers.dense(x, 4)
    tf.layers.dense(h, 2)
    names = ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0"]
    assert [v.name for v in tf.trainable_variables()] == names
    assert [v.name for v in tf.global_variables()] == names
    g = tf.get_default_graph()
    assert g.get_tensor_by_name("dense/kernel:0").op.type == "VariableV2"
    assert {"dense/MatMul", "dense/BiasAdd", "dense_1/MatMul", "dense_1/BiasAdd"} <= set(op_names())
    assert h.name == "dense/BiasAdd:0"


def test_dense_kernel_default_is_glorot_uniform():
    x = tf.placeholder(tf.float32, (None, 300))
    tf.layers.dense(x, 500)
    kernel, bias = tf.trainable_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k, b = sess.run([kernel, bias])
    limit = np.sqrt(6.0 / 800)
    assert np.abs(k).max() <= limit + 1e-7 and np.abs(k).max() > 0.99 * limit
    assert np.array_equal(b, np.zeros(500))


def test_dense_activation_and_no_bias(rng):
    x = tf.placeholder(tf.float32, (None, 3))
    y = tf.layers.dense(x, 4, activation=tf.nn.relu, use_bias=False,
                        kernel_initializer=tf.random_normal_initializer(seed=2))
    z = tf.layers.dense(x, 4, activation="tanh")
    assert y.op.type == "Relu" and y.op.name == "dense/Relu"
    assert [v.name for v in tf.trainable_variables()][:1] == ["dense/kernel:0"]
    assert len(tf.trainable_variables()) == 3       # dense/kernel, dense_1/kernel, dense_1/bias
    x_val = rng.normal(size=(6, 3)).astype(np.float32)
    k1, k2, b2 = tf.trainable_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y_val, z_val, k1, k2, b2 = sess.run([y, z, k1, k2, b2], {x: x_val})
    np.testing.assert_allclose(y_val, np.maximum(x_val @ k1, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(z_val, np.tanh(x_val @ k2 + b2), rtol=1e-5, atol=1e-6)
    assert np.any(y_val == 0) and np.any(y_val > 0)


def test_dense_named_layers_need_reuse_to_share():
    x = tf.placeholder(tf.float32, (None, 3))
    a = tf.layers.dense(x, 2, name="fc")
    with pytest.raises(ValueError, match="Variable fc/kernel already exists, disallowed"):
        tf.layers.dense(x, 2, name="fc")
    b = tf.layers.dense(x, 2, name="fc", reuse=True)
    assert [v.name for v in tf.global_variables()] == ["fc/kernel:0", "fc/bias:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a_val, b_val = sess.run([a, b], {x: np.ones((2, 3))})
    np.testing.assert_array_equal(a_val, b_val)
    with tf.variable_scope("", reuse=True):
        with pytest.raises(ValueError, match="Variable other/kernel does not exist"):
            tf.layers.dense(x, 2, name="other")


def test_dense_inside_a_variable_scope_and_auto_reuse():
    x = tf.placeholder(tf.float32, (None, 3))

    def tower(inputs):
        with tf.variable_scope("tower", reuse=tf.AUTO_REUSE):
            return tf.layers.dense(inputs, 2, name="out")
    tower(x)
    tower(x)
    assert [v.name for v in tf.global_variables()] == ["tower/out/kernel:0", "tower/out/bias:0"]


def test_dense_on_rank_3_inputs_multiplies_the_last_axis(rng):
    x = tf.placeholder(tf.float32, (None, 5, 3))
    y = tf.layers.dense(x, 4, bias_initializer=tf.ones_initializer())
    assert y.shape.as_list() == [None, 5, 4]
    x_val = rng.normal(size=(2, 5, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y_val, k = sess.run([y, tf.trainable_variables()[0]], {x: x_val})
    np.testing.assert_allclose(y_val, x_val @ k + 1, rtol=1e-5, atol=1e-6)


def test_dense_needs_a_known_last_dimension():
    with pytest.raises(ValueError, match="last dimension of the inputs to `Dense`"):
        tf.layers.dense(tf.placeholder(tf.float32, (None, None)), 2)


def test_dense_class_called_twice_shares_its_variables():
    layer = tf.layers.Dense(3, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1))
    x1 = tf.placeholder(tf.float32, (None, 2))
    x2 = tf.placeholder(tf.float32, (None, 2))
    y1, y2 = layer(x1), layer.apply(x2)
    assert layer.name == "dense"
    assert [v.name for v in layer.variables] == ["dense/kernel:0", "dense/bias:0"]
    assert layer.trainable_weights == tf.trainable_variables()
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 1
    assert len(layer.losses) == 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run([y1, y2], {x1: np.ones((1, 2)), x2: np.ones((1, 2))})
    np.testing.assert_array_equal(a, b)


def test_gradient_through_dense(rng):
    x = tf.placeholder(tf.float64, (None, 3))
    y = tf.layers.dense(x, 2, activation=tf.nn.tanh)
    kernel = tf.trainable_variables()[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        check_gradients(y, [x, kernel.value()], {x: rng.normal(size=(4, 3)),
                                                 kernel.value(): rng.normal(size=(3, 2))},
                        session=sess)


# ------------------------------------------------------------------------------- flatten

def test_flatten(rng):
    x = tf.placeholder(tf.float32, (None, 2, 3, 4))
    y = tf.layers.flatten(x)
    assert y.shape.as_list() == [None, 24]
    assert y.op.name == "flatten/Reshape"
    x_val = rng.normal(size=(5, 2, 3, 4)).astype(np.float32)
    partly = tf.placeholder(tf.float32, (None, None, 3))
    z = tf.layers.flatten(partly)
    assert z.shape.as_list() == [None, None]
    assert z.op.name.startswith("flatten_1/")
    with tf.Session() as sess:
        y_val, z_val = sess.run([y, z], {x: x_val, partly: np.ones((2, 4, 3))})
    np.testing.assert_array_equal(y_val, x_val.reshape(5, 24))
    assert z_val.shape == (2, 12)


# ------------------------------------------------------------------------------- dropout

def test_dropout_not_training_is_identity(rng):
    x = tf.placeholder(tf.float32, (None, 10))
    y = tf.layers.dropout(x, rate=0.5)                  # training defaults to False
    x_val = rng.normal(size=(3, 10)).astype(np.float32)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: x_val}), x_val)
    assert "RandomUniform" not in {op.type for op in tf.get_default_graph().get_operations()}


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.7])
def test_dropout_training_zeroes_rate_and_scales_survivors(rate):
    x = tf.placeholder(tf.float32, (None, 1000))
    y = tf.layers.dropout(x, rate=rate, training=True, seed=1)
    with tf.Session() as sess:
        first = sess.run(y, {x: np.ones((200, 1000))})
        second = sess.run(y, {x: np.ones((200, 1000))})
    keep = 1 - rate
    dropped = np.mean(first == 0)
    # 200,000 Bernoulli(rate) draws: standard error < 0.0012
    assert abs(dropped - rate) < 0.006, dropped
    np.testing.assert_allclose(first[first != 0], 1 / keep, rtol=1e-6)
    assert not np.array_equal(first, second)            # a new mask every run


def test_dropout_follows_tf1s_floor_formula(rng):
    x = tf.placeholder(tf.float64, (None, 50))
    y = tf.nn.dropout(x, keep_prob=0.3, seed=5)
    (uniform,) = [op.outputs[0] for op in tf.get_default_graph().get_operations()
                  if op.type == "RandomUniform"]
    assert "Floor" in {op.type for op in tf.get_default_graph().get_operations()}
    x_val = rng.normal(size=(40, 50))
    with tf.Session() as sess:
        y_val, u = sess.run([y, uniform], {x: x_val})
    np.testing.assert_allclose(y_val, x_val / 0.3 * np.floor(0.3 + u), rtol=1e-12)


def test_nn_dropout_keep_prob_placeholder_and_arguments():
    x = tf.placeholder(tf.float32, (None, 100))
    keep_prob = tf.placeholder(tf.float32, ())
    y = tf.nn.dropout(x, keep_prob)
    ones = np.ones((10, 100))
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: ones, keep_prob: 1.0}), ones)
        assert np.any(sess.run(y, {x: ones, keep_prob: 0.5}) == 0)
    assert tf.nn.dropout(x, keep_prob=1.0) is x
    assert tf.nn.dropout(x, rate=0.0) is x
    with pytest.raises(ValueError, match="range"):
        tf.nn.dropout(x, keep_prob=1.5)
    with pytest.raises(ValueError):
        tf.nn.dropout(x, keep_prob=0.5, rate=0.5)


def test_dropout_training_tensor_decides_at_run_time():
    x = tf.placeholder(tf.float32, (None, 1000))
    training = tf.placeholder(tf.bool, ())
    y = tf.layers.dropout(x, rate=0.5, training=training)
    ones = np.ones((10, 1000))
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: ones, training: False}), ones)
        on = sess.run(y, {x: ones, training: True})
    assert 0.45 < np.mean(on == 0) < 0.55
    assert set(np.unique(on)) == {0.0, 2.0}


def test_dropout_gradient_is_the_mask_over_keep_prob():
    x = tf.placeholder(tf.float32, (None, 500))
    training = tf.placeholder_with_default(True, ())
    y = tf.layers.dropout(x, rate=0.25, training=training)
    (grad,) = tf.gradients(tf.reduce_sum(y), [x])
    with tf.Session() as sess:
        y_val, g_val = sess.run([y, grad], {x: np.ones((4, 500))})
        g_off = sess.run(grad, {x: np.ones((4, 500)), training: False})
    # with x = 1, y itself is mask / keep_prob: the same run, the same mask
    np.testing.assert_allclose(g_val, y_val, rtol=1e-6)
    assert np.any(g_val == 0)
    np.testing.assert_array_equal(g_off, np.ones((4, 500)))


# ------------------------------------------------------------------------------ moments

def test_moments_against_numpy(rng):
    x_val = rng.normal(size=(6, 4, 3))
    x = tf.constant(x_val)
    mean, var = tf.nn.moments(x, [0, 1])
    mean_k, var_k = tf.nn.moments(x, [0], keep_dims=True)
    assert mean.shape == (3,) and var_k.shape == (1, 4, 3)
    assert mean.op.name.startswith("moments/")
    with tf.Session() as sess:
        m, v, mk, vk = sess.run([mean, var, mean_k, var_k])
    np.testing.assert_allclose(m, x_val.mean(axis=(0, 1)), rtol=1e-12)
    np.testing.assert_allclose(v, x_val.var(axis=(0, 1)), rtol=1e-12)      # biased: / N
    np.testing.assert_allclose(mk, x_val.mean(axis=0, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(vk, x_val.var(axis=0, keepdims=True), rtol=1e-12)


def test_nn_batch_normalization_formula(rng):
    x_val, mean, var = rng.normal(size=(5, 3)), rng.normal(size=3), rng.uniform(0.5, 2, 3)
    offset, scale = rng.normal(size=3), rng.normal(size=3)
    y = tf.nn.batch_normalization(tf.constant(x_val), mean, var, offset, scale, 1e-3)
    y_plain = tf.nn.batch_normalization(tf.constant(x_val), mean, var, None, None, 1e-3)
    with tf.Session() as sess:
        got, plain = sess.run([y, y_plain])
    np.testing.assert_allclose(got, scale * (x_val - mean) / np.sqrt(var + 1e-3) + offset,
                               rtol=1e-10)
    np.testing.assert_allclose(plain, (x_val - mean) / np.sqrt(var + 1e-3), rtol=1e-10)


def test_gradients_through_moments_and_nn_batch_normalization(rng):
    x = tf.placeholder(tf.float64, (None, 3))
    mean, var = tf.nn.moments(x, [0])
    y = tf.nn.batch_normalization(x, mean, var, None, None, 1e-3)
    check_gradients(y, [x], {x: rng.normal(size=(6, 3))})
    check_gradients(var, [x], {x: rng.normal(size=(6, 3))})


# ---------------------------------------------------------------------- batch normalization

def test_batch_norm_variables():
    x = tf.placeholder(tf.float32, (None, 3))
    y = tf.layers.batch_normalization(x, training=True)
    assert y.shape.as_list() == [None, 3]
    names = ["batch_normalization/gamma:0", "batch_normalization/beta:0",
             "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]
    assert [v.name for v in tf.global_variables()] == names
    assert [v.name for v in tf.trainable_variables()] == names[:2]
    tf.layers.batch_normalization(x)
    assert tf.global_variables()[-1].name == "batch_normalization_1/moving_variance:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        gamma, beta, mm, mv = sess.run(tf.global_variables()[:4])
    assert gamma.tolist() == [1, 1, 1] and beta.tolist() == [0, 0, 0]
    assert mm.tolist() == [0, 0, 0] and mv.tolist() == [1, 1, 1]


def test_batch_norm_training_uses_batch_statistics(rng):
    x = tf.placeholder(tf.float32, (None, 4))
    y = tf.layers.batch_normalization(x, training=True)
    x_val = (rng.normal(size=(64, 4)) * [1, 2, 3, 4] + [5, -5, 0, 10]).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y_val = sess.run(y, {x: x_val})
    want = (x_val - x_val.mean(0)) / np.sqrt(x_val.var(0) + 1e-3)   # biased variance
    np.testing.assert_allclose(y_val, want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(y_val.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(y_val.var(0), x_val.var(0) / (x_val.var(0) + 1e-3), rtol=1e-4)


def test_batch_norm_inference_uses_the_moving_statistics(rng):
    x = tf.placeholder(tf.float32, (None, 3))
    y = tf.layers.batch_normalization(x, training=False, epsilon=0.01)
    _, _, moving_mean, moving_var = tf.global_variables()
    x_val = rng.normal(size=(8, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y, {x: x_val}), x_val / np.sqrt(1.01), rtol=1e-6)
        moving_mean.load([1.0, 2.0, 3.0], sess)
        moving_var.load([4.0, 0.25, 1.0], sess)
        got = sess.run(y, {x: x_val})
    want = (x_val - [1, 2, 3]) / np.sqrt(np.array([4.0, 0.25, 1.0]) + 0.01)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []      # no updates at inference


def test_update_ops_hold_the_two_moving_average_assigns():
    x = tf.placeholder(tf.float32, (None, 3))
    tf.layers.batch_normalization(x, training=True)
    _, _, moving_mean, moving_var = tf.global_variables()
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    assert [u.op.type for u in updates] == ["AssignSub", "AssignSub"]
    assert [u.op.inputs[0].op for u in updates] == [moving_mean.op, moving_var.op]
    assert [u.op.name for u in updates] == ["batch_normalization/AssignMovingAvg",
                                            "batch_normalization/AssignMovingAvg_1"]


@pytest.mark.filterwarnings("ignore::UserWarning")   # the dead-update lint, on purpose here
def test_running_only_the_output_does_not_update_the_moving_averages(rng):
    x = tf.placeholder(tf.float32, (None, 3))
    y = tf.layers.batch_normalization(x, training=True)
    _, _, moving_mean, moving_var = tf.global_variables()
    x_val = (rng.normal(size=(16, 3)) + 5).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(y, {x: x_val})
        assert sess.run(moving_mean).tolist() == [0, 0, 0]      # the trap: nothing moved
        assert sess.run(moving_var).tolist() == [1, 1, 1]


def _moving_average_recurrence(batches, momentum):
    mean, var = np.zeros(batches[0].shape[1]), np.ones(batches[0].shape[1])
    for b in batches:
        mean = mean * momentum + b.mean(0) * (1 - momentum)
        var = var * momentum + b.var(0) * (1 - momentum)
    return mean, var


@pytest.mark.parametrize("how", ["fetch", "control_dependencies"])
def test_moving_averages_follow_the_momentum_recurrence(rng, how):
    x = tf.placeholder(tf.float32, (None, 3))
    y = tf.layers.batch_normalization(x, momentum=0.9, training=True)
    _, _, moving_mean, moving_var = tf.global_variables()
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    if how == "fetch":
        step = [y, update_ops]
    else:
        with tf.control_dependencies(update_ops):
            step = tf.identity(y)
    batches = [(rng.normal(size=(20, 3)) * [1, 2, 3] + [1, -1, 4]).astype(np.float32)
               for _ in range(7)]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for b in batches:
            sess.run(step, {x: b})
        got_mean, got_var = sess.run([moving_mean, moving_var])
    want_mean, want_var = _moving_average_recurrence(batches, 0.9)
    np.testing.assert_allclose(got_mean, want_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_var, want_var, rtol=1e-5, atol=1e-6)


def test_batch_norm_training_tensor_decides_at_run_time(rng):
    x = tf.placeholder(tf.float32, (None, 2))
    training = tf.placeholder(tf.bool, ())
    y = tf.layers.batch_normalization(x, training=training)
    _, _, moving_mean, _ = tf.global_variables()
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    x_val = (rng.normal(size=(10, 2)) + 3).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        off, _ = sess.run([y, update_ops], {x: x_val, training: False})
        np.testing.assert_allclose(off, x_val / np.sqrt(1.001), rtol=1e-6)
        assert sess.run(moving_mean).tolist() == [0, 0]           # not training: no move
        on, _ = sess.run([y, update_ops], {x: x_val, training: True})
        np.testing.assert_allclose(on, (x_val - x_val.mean(0)) / np.sqrt(x_val.var(0) + 1e-3),
                                   rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(sess.run(moving_mean), 0.01 * x_val.mean(0), rtol=1e-5)


def test_a_training_placeholder_keeps_the_static_shape_as_tf1s_cond_does(rng):
    """TF1 (recorded): after a 3x3 conv of (?, 28, 28, 1), batch_normalization and dropout
    with training=tf.placeholder(tf.bool) (no shape, as tutorials write it) have the
    shape (?, 26, 26, 32); the statistics chosen at run time keep theirs, (32,)."""
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    training = tf.placeholder(tf.bool)
    h = tf.layers.conv2d(x, 32, 3)
    y = tf.layers.batch_normalization(h, training=training)
    d = tf.layers.dropout(y, rate=0.5, training=training)
    assert h.shape.as_list() == y.shape.as_list() == d.shape.as_list() == [None, 26, 26, 32]
    means = [op.outputs[0] for op in tf.get_default_graph().get_operations()
             if op.type == "Select"][:2]
    assert [m.shape.as_list() for m in means] == [[32], [32]]
    x_val = rng.normal(size=(3, 28, 28, 1)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        h_val, y_off = sess.run([h, y], {x: x_val, training: False})
        y_on = sess.run(y, {x: x_val, training: True})
    assert y_on.shape == y_off.shape == (3, 26, 26, 32)
    np.testing.assert_allclose(y_off, h_val / np.sqrt(1.001), rtol=1e-5, atol=1e-6)
    mean, var = h_val.mean(axis=(0, 1, 2)), h_val.var(axis=(0, 1, 2))
    np.testing.assert_allclose(y_on, (h_val - mean) / np.sqrt(var + 1e-3), rtol=1e-3,
                               atol=1e-4)


def test_batch_norm_on_the_channel_axis_of_nchw(rng):
    x = tf.placeholder(tf.float64, (None, 3, 4, 5))
    y = tf.layers.batch_normalization(x, axis=1, training=True, center=False,
                                      gamma_initializer=tf.constant_initializer([1., 2., 3.]))
    assert [v.name for v in tf.global_variables()] == [
        "batch_normalization/gamma:0", "batch_normalization/moving_mean:0",
        "batch_normalization/moving_variance:0"]
    x_val = rng.normal(size=(2, 3, 4, 5)) * 3 + 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y_val = sess.run(y, {x: x_val})
    m = x_val.mean(axis=(0, 2, 3), keepdims=True)
    v = x_val.var(axis=(0, 2, 3), keepdims=True)
    gamma = np.array([1., 2., 3.]).reshape(1, 3, 1, 1)
    np.testing.assert_allclose(y_val, gamma * (x_val - m) / np.sqrt(v + 1e-3), rtol=1e-10)


@pytest.mark.filterwarnings("ignore::UserWarning")   # gradient checks never run the updates
def test_gradients_through_batch_norm(rng):
    x = tf.placeholder(tf.float64, (None, 3))
    y = tf.layers.batch_normalization(x, training=True)
    gamma, beta, _, _ = tf.global_variables()
    feed = {x: rng.normal(size=(5, 3)) * 2 + 1, gamma.value(): rng.normal(size=3),
            beta.value(): rng.normal(size=3)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        check_gradients(y, [x, gamma.value(), beta.value()], feed, session=sess)
    (g_mm,) = tf.gradients(tf.reduce_sum(y), [tf.global_variables()[2]])
    assert g_mm is None                          # training: the moving mean is not used


def test_batch_norm_class_collects_updates():
    layer = tf.layers.BatchNormalization(momentum=0.5)
    x = tf.placeholder(tf.float32, (None, 2))
    layer(x, training=True)
    layer(x, training=True)                        # the same variables, two more updates
    assert len(layer.variables) == 4 and len(layer.trainable_variables) == 2
    assert len(layer.updates) == 4
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == layer.updates


# ------------------------------------------------------------------- conv2d and pooling

def _conv_numpy(x, k, stride, padding):
    """A convolution by plain loops (NHWC), TF1's padding."""
    n, h, w, c = x.shape
    kh, kw, _, oc = k.shape
    if padding == "same":
        oh, ow = -(-h // stride), -(-w // stride)
        top = max((oh - 1) * stride + kh - h, 0) // 2
        left = max((ow - 1) * stride + kw - w, 0) // 2
    else:
        oh, ow, top, left = (h - kh) // stride + 1, (w - kw) // stride + 1, 0, 0
    y = np.zeros((n, oh, ow, oc))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    r, s = i * stride + a - top, j * stride + b - left
                    if 0 <= r < h and 0 <= s < w:
                        y[:, i, j] += x[:, r, s] @ k[a, b]
    return y


@pytest.mark.parametrize("stride, padding", [(1, "same"), (2, "valid"), (2, "same")])
def test_conv2d_layer_is_the_convolution_plus_bias(rng, stride, padding):
    x = tf.placeholder(tf.float32, (None, 7, 6, 3))
    y = tf.layers.conv2d(x, 4, (3, 2), strides=stride, padding=padding,
                         bias_initializer=tf.random_normal_initializer(seed=1))
    kernel, bias = tf.trainable_variables()
    assert kernel.shape == (3, 2, 3, 4) and bias.shape == (4,)
    x_val = rng.normal(size=(2, 7, 6, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y_val, k, b = sess.run([y, kernel, bias], {x: x_val})
    want = _conv_numpy(x_val.astype(np.float64), k.astype(np.float64), stride, padding) + b
    assert y.shape.as_list() == [None] + list(want.shape[1:])
    np.testing.assert_allclose(y_val, want, rtol=1e-5, atol=1e-5)


def test_conv2d_layer_names_ops_and_default_glorot_uniform_kernel():
    x = tf.placeholder(tf.float32, (None, 28, 28, 1))
    h = tf.layers.conv2d(x, 32, 5, padding="same", activation=tf.nn.relu)
    tf.layers.conv2d(h, 64, 5)
    assert [v.name for v in tf.trainable_variables()] == [
        "conv2d/kernel:0", "conv2d/bias:0", "conv2d_1/kernel:0", "conv2d_1/bias:0"]
    assert {"conv2d/Conv2D", "conv2d/BiasAdd", "conv2d/Relu", "conv2d_1/Conv2D"} <= set(op_names())
    assert h.name == "conv2d/Relu:0" and h.shape.as_list() == [None, 28, 28, 32]
    kernel = tf.trainable_variables()[2]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k = sess.run(kernel)
    # Glorot uniform: limit sqrt(6 / (fan_in + fan_out)), both fans times the 5x5 window
    limit = np.sqrt(6.0 / (5 * 5 * 32 + 5 * 5 * 64))
    assert np.abs(k).max() <= limit and np.abs(k).max() > 0.95 * limit


def test_conv2d_layer_channels_first_and_reuse(rng):
    x = tf.placeholder(tf.float32, (2, 3, 5, 5))
    y = tf.layers.conv2d(x, 2, 3, padding="same", data_format="channels_first", name="c")
    y2 = tf.layers.conv2d(x, 2, 3, padding="same", data_format="channels_first", name="c",
                          reuse=True)
    assert y.shape.as_list() == [2, 2, 5, 5] and len(tf.trainable_variables()) == 2
    x_val = rng.normal(size=(2, 3, 5, 5)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b, k = sess.run([y, y2, tf.trainable_variables()[0]], {x: x_val})
    np.testing.assert_array_equal(a, b)
    nhwc = _conv_numpy(np.transpose(x_val, (0, 2, 3, 1)).astype(np.float64), k, 1, "same")
    np.testing.assert_allclose(a, np.transpose(nhwc, (0, 3, 1, 2)), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="data_format"):
        tf.layers.conv2d(x, 2, 3, data_format="NCHW")


def test_conv2d_layer_needs_known_channels():
    with pytest.raises(ValueError, match="channel dimension"):
        tf.layers.conv2d(tf.placeholder(tf.float32, (None, 4, 4, None)), 2, 3)


@pytest.mark.parametrize("fn, how", [(tf.layers.max_pooling2d, "max"),
                                     (tf.layers.average_pooling2d, "mean")])
def test_pooling_layers(rng, fn, how):
    x = tf.placeholder(tf.float32, (None, 4, 6, 2))
    y = fn(x, 2, 2)
    z = fn(x, (3, 3), (2, 2), padding="same")
    assert y.shape.as_list() == [None, 2, 3, 2] and z.shape.as_list() == [None, 2, 3, 2]
    assert not tf.global_variables()
    x_val = rng.normal(size=(2, 4, 6, 2)).astype(np.float32)
    with tf.Session() as sess:
        y_val, z_val = sess.run([y, z], {x: x_val})
    blocks = x_val.reshape(2, 2, 2, 3, 2, 2).transpose(0, 1, 3, 5, 2, 4).reshape(2, 2, 3, 2, 4)
    np.testing.assert_allclose(y_val, getattr(blocks, how)(axis=-1), rtol=1e-6)
    # SAME, 3x3 windows, stride 2, over 4 rows and 6 columns: one padding row and column,
    # at the bottom and right (TF1 puts the odd one there): windows start at rows 0 and 2 and
    # columns 0, 2, 4; a mean is over the window's elements inside the image
    np.testing.assert_allclose(z_val[:, 0, 0], getattr(x_val[:, 0:3, 0:3], how)(axis=(1, 2)),
                               rtol=1e-6)
    np.testing.assert_allclose(z_val[:, 1, 2], getattr(x_val[:, 2:4, 4:6], how)(axis=(1, 2)),
                               rtol=1e-6)
    assert y.op.name.startswith("max_pooling2d" if how == "max" else "average_pooling2d")


def test_a_small_convnet_learns(rng):
    """conv - relu - pool - dense on a toy task (is the bright square on the left or the
    right?): the loss falls with plain gradient descent."""
    images = rng.normal(0, 0.1, size=(32, 8, 8, 1)).astype(np.float32)
    labels = np.arange(32) % 2
    for i, label in enumerate(labels):
        images[i, 2:5, 1 + 4 * label:4 + 4 * label, 0] += 1.0
    x = tf.placeholder(tf.float32, (None, 8, 8, 1))
    y = tf.placeholder(tf.int32, (None,))
    tf.set_random_seed(0)
    h = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    logits = tf.layers.dense(tf.layers.flatten(h), 2)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [sess.run([loss, train], {x: images, y: labels})[0] for _ in range(40)]
    assert losses[-1] < 0.3 * losses[0], losses
