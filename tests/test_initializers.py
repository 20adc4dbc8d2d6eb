"""Initializers: each builds graph ops whose values have the closed-form distribution.

Truth: the formulas of TF1's init_ops and contrib.layers (limits, standard deviations, fans)
computed here by hand, and sample statistics of large draws (240,000 values, so a 1%
tolerance on a standard deviation is several standard errors wide and a wrong fan or a
missing sqrt is far outside it). Seeded determinism is checked across fresh graphs.
"""

import math

import numpy as np
import pytest

import minigraph as tf
from minigraph.initializers import compute_fans

TRUNC = 0.87962566103423978   # stddev of N(0, 1) truncated to [-2, 2]
SHAPE = (400, 600)           # fan_in 400, fan_out 600, 240,000 samples


def draw(init, shape=SHAPE, dtype=None):
    """Build init(shape) in the default graph and run it once."""
    t = init(shape) if dtype is None else init(shape, dtype=dtype)
    assert isinstance(t, tf.Tensor)
    with tf.Session() as sess:
        return sess.run(t)


def assert_mean_std(x, mean, std, rel=0.01):
    n = x.size
    assert abs(x.mean() - mean) < 5 * std / math.sqrt(n) + 1e-7, (x.mean(), mean)
    assert x.std() == pytest.approx(std, rel=rel), (x.std(), std)


# ------------------------------------------------------------------ constant initializers

def test_zeros_ones_constant():
    assert np.array_equal(draw(tf.zeros_initializer(), (2, 3)), np.zeros((2, 3), np.float32))
    assert np.array_equal(draw(tf.ones_initializer(), (4,)), np.ones(4, np.float32))
    got = draw(tf.constant_initializer(2.5), (2, 2))
    assert got.dtype == np.float32 and np.array_equal(got, np.full((2, 2), 2.5))
    value = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(draw(tf.constant_initializer(value), (2, 3)), value)
    # same number of elements: reshaped, as tf.constant(value, shape=...) does
    assert np.array_equal(draw(tf.constant_initializer([1, 2, 3, 4]), (2, 2)), [[1, 2], [3, 4]])


def test_constant_array_must_match_shape():
    with pytest.raises(ValueError, match="6 elements"):
        tf.constant_initializer(np.arange(6.0))((2, 2))


def test_dtype_argument_of_call_wins():
    assert draw(tf.zeros_initializer(), (2,), tf.int32).dtype == np.int32
    assert draw(tf.ones_initializer(dtype=tf.float64), (2,)).dtype == np.float64
    assert draw(tf.glorot_uniform_initializer(), (3, 3), tf.float64).dtype == np.float64
    assert draw(tf.random_normal_initializer(), (3,), tf.float64).dtype == np.float64


def test_initializer_builds_graph_ops_and_computes_nothing():
    init = tf.glorot_uniform_initializer(seed=1)
    before = len(tf.get_default_graph().get_operations())
    t = init((3, 4))
    types = [op.type for op in tf.get_default_graph().get_operations()[before:]]
    assert "RandomUniform" in types
    assert t.shape == (3, 4) and t.dtype == tf.float32


# -------------------------------------------------------------------- random initializers

def test_random_normal_initializer_statistics():
    x = draw(tf.random_normal_initializer(mean=2.0, stddev=3.0, seed=1))
    assert x.shape == SHAPE and x.dtype == np.float32
    assert_mean_std(x, 2.0, 3.0)
    assert np.abs(x - 2).max() > 4 * 3.0   # untruncated: 4-sigma values occur in 240k draws


def test_truncated_normal_initializer_statistics():
    x = draw(tf.truncated_normal_initializer(mean=1.0, stddev=2.0, seed=2))
    assert np.all(np.abs(x - 1.0) <= 2 * 2.0)
    assert np.abs(x - 1.0).max() > 0.99 * 4.0
    assert_mean_std(x, 1.0, 2.0 * TRUNC)


def test_random_uniform_initializer_statistics():
    x = draw(tf.random_uniform_initializer(minval=-3.0, maxval=5.0, seed=3))
    assert x.min() >= -3.0 and x.max() < 5.0
    assert x.min() < -2.99 and x.max() > 4.99
    assert_mean_std(x, 1.0, 8.0 / math.sqrt(12))
    y = draw(tf.random_uniform_initializer(seed=3))      # default [0, 1)
    assert 0 <= y.min() and y.max() < 1


def test_random_initializers_need_float_dtype():
    with pytest.raises(ValueError, match="floating point"):
        tf.random_normal_initializer(dtype=tf.int32)
    with pytest.raises(ValueError, match="floating point"):
        tf.truncated_normal_initializer(dtype=tf.int32)


# --------------------------------------------------------------------- variance scaling

def test_glorot_uniform_limit_and_variance():
    fan_in, fan_out = SHAPE
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    x = draw(tf.glorot_uniform_initializer(seed=4))
    assert np.abs(x).max() <= limit + 1e-7
    assert np.abs(x).max() > 0.999 * limit
    assert_mean_std(x, 0.0, limit / math.sqrt(3))


def test_glorot_normal_is_truncated_with_corrected_stddev():
    fan_in, fan_out = SHAPE
    stddev = math.sqrt(2.0 / (fan_in + fan_out)) / TRUNC     # TF1's parameter
    x = draw(tf.glorot_normal_initializer(seed=5))
    assert np.abs(x).max() <= 2 * stddev + 1e-7
    # after truncation the spread is what Glorot asks for: variance 2 / (fan_in + fan_out)
    assert_mean_std(x, 0.0, math.sqrt(2.0 / (fan_in + fan_out)))


@pytest.mark.parametrize("mode, n", [("fan_in", 400), ("fan_out", 600), ("fan_avg", 500)])
@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_variance_scaling_uniform(mode, n, scale):
    x = draw(tf.variance_scaling_initializer(scale, mode, "uniform", seed=6))
    limit = math.sqrt(3.0 * scale / n)
    assert np.abs(x).max() <= limit + 1e-7 and np.abs(x).max() > 0.999 * limit
    assert_mean_std(x, 0.0, math.sqrt(scale / n))


@pytest.mark.parametrize("mode, n", [("fan_in", 400), ("fan_out", 600), ("fan_avg", 500)])
def test_variance_scaling_truncated_normal(mode, n):
    x = draw(tf.variance_scaling_initializer(2.0, mode, "truncated_normal", seed=7))
    assert np.abs(x).max() <= 2 * math.sqrt(2.0 / n) / TRUNC + 1e-7
    assert_mean_std(x, 0.0, math.sqrt(2.0 / n))
    # "normal" is TF1's old name for the same thing
    tf.reset_default_graph()
    y = draw(tf.variance_scaling_initializer(2.0, mode, "normal", seed=7))
    assert np.array_equal(x, y)


def test_variance_scaling_untruncated_normal():
    x = draw(tf.variance_scaling_initializer(2.0, "fan_in", "untruncated_normal", seed=8))
    assert_mean_std(x, 0.0, math.sqrt(2.0 / 400))
    assert np.abs(x).max() > 4 * math.sqrt(2.0 / 400)   # not truncated


def test_variance_scaling_default_is_fan_in_truncated_normal():
    x = draw(tf.variance_scaling_initializer(seed=9))
    assert np.abs(x).max() <= 2 * math.sqrt(1.0 / 400) / TRUNC + 1e-7
    assert_mean_std(x, 0.0, math.sqrt(1.0 / 400))


@pytest.mark.parametrize("shape, fans", [
    ((), (1, 1)), ((7,), (7, 7)), ((3, 5), (3, 5)),
    ((3, 3, 16, 32), (3 * 3 * 16, 3 * 3 * 32)), ((2, 3, 4, 5, 6), (2 * 3 * 4 * 5, 2 * 3 * 4 * 6)),
])
def test_compute_fans(shape, fans):
    assert compute_fans(shape) == fans


def test_variance_scaling_on_a_conv_kernel_uses_the_receptive_field():
    shape = (5, 5, 32, 64)
    fan_in = 5 * 5 * 32
    x = draw(tf.variance_scaling_initializer(2.0, "fan_in", "uniform", seed=10), shape)
    limit = math.sqrt(3.0 * 2.0 / fan_in)
    assert np.abs(x).max() <= limit + 1e-7 and np.abs(x).max() > 0.999 * limit


def test_variance_scaling_rejects_bad_arguments():
    with pytest.raises(ValueError, match="scale"):
        tf.variance_scaling_initializer(scale=0.0)
    with pytest.raises(ValueError, match="mode"):
        tf.variance_scaling_initializer(mode="fan_sum")
    with pytest.raises(ValueError, match="distribution"):
        tf.variance_scaling_initializer(distribution="cauchy")


# ----------------------------------------------------------------------- contrib: xavier

def test_xavier_uniform_is_glorot_uniform():
    fan_in, fan_out = SHAPE
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    x = draw(tf.contrib.layers.xavier_initializer(seed=11))
    assert np.abs(x).max() <= limit + 1e-7 and np.abs(x).max() > 0.999 * limit
    assert_mean_std(x, 0.0, limit / math.sqrt(3))


def test_xavier_normal_uses_contribs_1_3_factor():
    n = (SHAPE[0] + SHAPE[1]) / 2.0
    stddev = math.sqrt(1.3 / n)                 # the truncated normal's parameter
    x = draw(tf.contrib.layers.xavier_initializer(uniform=False, seed=12))
    assert np.abs(x).max() <= 2 * stddev + 1e-7
    assert_mean_std(x, 0.0, stddev * TRUNC)


def test_contrib_variance_scaling_default_is_he_normal_on_conv_kernels():
    shape = (3, 3, 64, 128)
    fan_in = 3 * 3 * 64
    x = draw(tf.contrib.layers.variance_scaling_initializer(seed=13), shape)
    stddev = math.sqrt(1.3 * 2.0 / fan_in)
    assert np.abs(x).max() <= 2 * stddev + 1e-7
    assert_mean_std(x, 0.0, stddev * TRUNC)
    with pytest.raises(TypeError):
        tf.contrib.layers.xavier_initializer(dtype=tf.int32)


# -------------------------------------------------------------------------------- seeds

INITS = [
    lambda seed: tf.random_normal_initializer(seed=seed),
    lambda seed: tf.truncated_normal_initializer(seed=seed),
    lambda seed: tf.random_uniform_initializer(seed=seed),
    lambda seed: tf.glorot_uniform_initializer(seed=seed),
    lambda seed: tf.glorot_normal_initializer(seed=seed),
    lambda seed: tf.variance_scaling_initializer(seed=seed),
    lambda seed: tf.contrib.layers.xavier_initializer(seed=seed),
]


def _program(make_init, graph_seed, op_seed):
    """A fresh graph with two variables from the initializer; their first values."""
    with tf.Graph().as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        a = tf.get_variable("a", (20, 30), initializer=make_init(op_seed))
        b = tf.get_variable("b", (20, 30), initializer=make_init(op_seed))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run([a, b])


@pytest.mark.parametrize("make_init", INITS)
def test_seeded_initializers_are_deterministic_across_graphs(make_init):
    a1, b1 = _program(make_init, 42, None)       # graph seed only
    a2, b2 = _program(make_init, 42, None)
    assert np.array_equal(a1, a2) and np.array_equal(b1, b2)
    assert not np.array_equal(a1, b1)            # two ops, two streams
    c1, _ = _program(make_init, None, 7)         # op seed only
    c2, _ = _program(make_init, None, 7)
    assert np.array_equal(c1, c2)
    d1, _ = _program(make_init, 43, None)
    assert not np.array_equal(a1, d1)
    e1, _ = _program(make_init, None, 8)
    assert not np.array_equal(c1, e1)


def test_unseeded_initializers_differ_between_programs():
    a1, _ = _program(INITS[3], None, None)
    a2, _ = _program(INITS[3], None, None)
    assert not np.array_equal(a1, a2)
