"""Reductions, fills and random ops built from TF1's nodes: what those nodes mean.

tests/test_graph_def.py checks the names, types and inputs against real TF1's GraphDefs; the
op table (tests/test_ops.py) checks values and gradients. Here: what follows from the axes
being an *input* (static shapes that are unknown when the axes are, errors for a bad axis at
build or at run time), and that the random subgraphs compute ``RandomStandardNormal * stddev
+ mean`` in the sample's dtype, exactly (the truth: the primitive's own value, fetched in the
same run, combined with numpy in float32).
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors


# -------------------------------------------------------------------------- reductions

def test_static_shape_follows_constant_axes_and_is_unknown_otherwise():
    x = tf.placeholder(tf.float32, (2, 3, 4))
    axis = tf.placeholder(tf.int32, ())
    assert tf.reduce_sum(x, axis=[0, -1]).shape.as_list() == [3]
    assert tf.reduce_sum(x, axis=[1, 1]).shape.as_list() == [2, 4]   # a repeat: TF1 allows it
    assert tf.reduce_max(x, 1, keepdims=True).shape.as_list() == [2, 1, 4]
    assert tf.reduce_sum(x, axis=axis).shape.ndims is None           # TF1 infers nothing
    assert tf.reduce_sum(x, axis=axis, keepdims=True).shape.as_list() == [None] * 3
    assert tf.argmax(x, axis).shape.as_list() == [None, None]         # the rank is known
    assert tf.argmax(x, 2).shape.as_list() == [2, 3]
    u = tf.placeholder(tf.float32)                                    # rank unknown
    assert tf.reduce_mean(u).shape.as_list() == []       # every axis, no keep_dims: a scalar
    assert tf.reduce_mean(u, axis=1).shape.ndims is None
    assert tf.reduce_mean(u, keepdims=True).shape.ndims is None


def test_all_axes_of_an_unknown_rank_is_a_range_of_the_rank():
    u = tf.placeholder(tf.float32)
    y = tf.reduce_sum(u)
    axes = y.op.inputs[1]
    assert axes.op.type == "Range"
    assert [t.op.type for t in axes.op.inputs] == ["Const", "Rank", "Const"]
    with tf.Session() as sess:
        assert sess.run(axes, {u: np.ones((2, 3, 4))}).tolist() == [0, 1, 2]
        assert sess.run(y, {u: np.ones((2, 3, 4))}) == 24.0


def test_a_bad_axis_is_an_error_when_built_or_when_run():
    x = tf.placeholder(tf.float32, (2, 3))
    with pytest.raises(ValueError, match="Invalid reduction dimension 2 for input with 2"):
        tf.reduce_sum(x, axis=2)
    with pytest.raises(TypeError, match="reduction_indices.*float32"):
        tf.reduce_sum(x, axis=1.0)
    with pytest.raises(ValueError, match=r"Expected dimension in the range \[-2, 2\)"):
        tf.argmax(x, 2)
    axis = tf.placeholder(tf.int32, ())
    y = tf.reduce_sum(x, axis=axis)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: np.ones((2, 3)), axis: -1}), [3.0, 3.0])
        with pytest.raises(errors.InvalidArgumentError, match="Invalid reduction dimension 5"):
            sess.run(y, {x: np.ones((2, 3)), axis: 5})


def test_axis_and_reduction_indices_are_one_argument():
    x = tf.placeholder(tf.float32, (2, 3))
    with pytest.raises(ValueError, match="both 'axis' and 'reduction_indices'"):
        tf.reduce_sum(x, axis=1, reduction_indices=1)
    with pytest.raises(ValueError, match="both 'axis' and 'dimension'"):
        tf.argmax(x, axis=1, dimension=1)


def test_reductions_of_an_empty_axis_list_change_nothing():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    y = tf.reduce_sum(x, axis=[])
    assert y.op.inputs[1].dtype == tf.int32 and y.shape.as_list() == [2, 2]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y), [[1.0, 2.0], [3.0, 4.0]])


def test_reduce_all_any_take_booleans():
    b = tf.constant([[True, False], [True, True]])
    with tf.Session() as sess:
        assert sess.run(tf.reduce_all(b)) == np.False_
        np.testing.assert_array_equal(sess.run(tf.reduce_all(b, 1)), [False, True])
        np.testing.assert_array_equal(sess.run(tf.reduce_any(b, 0)), [True, True])
    with pytest.raises(TypeError, match="All reduces booleans"):
        tf.reduce_all(tf.constant([1.0]))


def test_range_follows_python():
    cases = [(5,), (1, 5, 2), (5, 1, -2), (0, 0), (-3, 4, 3)]
    ranges = [tf.range(*args) for args in cases]
    assert [r.shape.as_list() for r in ranges] == [[len(range(*a))] for a in cases]
    r = tf.range(0, 1.0, 0.25)     # an int start, cast to the float limit's dtype
    assert r.dtype == tf.float32 and r.shape.as_list() == [4]
    n = tf.placeholder(tf.int32, ())
    rn = tf.range(n)
    assert rn.shape.as_list() == [None]
    with tf.Session() as sess:
        got, r_val, rn_val = sess.run([ranges, r, rn], {n: 3})
    for args, value in zip(cases, got):
        assert value.dtype == np.int32 and value.tolist() == list(range(*args))
    np.testing.assert_array_equal(r_val, [0.0, 0.25, 0.5, 0.75])
    assert rn_val.tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="Requires start <= limit"):
        tf.range(3, 1)
    with pytest.raises(ValueError, match="delta != 0"):
        tf.range(0, 3, 0)


# ------------------------------------------------------------------------------- fills

def test_zeros_is_a_const_below_1000_elements_and_a_fill_from_1000():
    assert tf.zeros((999,)).op.type == "Const"
    big = tf.zeros((10, 100), tf.int32)
    assert big.op.type == "Fill" and big.shape.as_list() == [10, 100]
    assert [t.op.name for t in big.op.inputs] == ["zeros_1/shape_as_tensor", "zeros_1/Const"]
    with tf.Session() as sess:
        got = sess.run(big)
    assert got.dtype == np.int32 and not got.any() and got.shape == (10, 100)


def test_zeros_like_and_ones_like_of_known_and_unknown_shapes():
    v = tf.placeholder(tf.float32, (None, 3))
    z, o = tf.zeros_like(v), tf.ones_like(v)
    zi, oi = tf.zeros_like(v, dtype=tf.int32), tf.ones_like(v, dtype=tf.int32)
    assert (z.op.type, o.op.type, zi.op.type, oi.op.type) == ("ZerosLike", "Fill", "Fill", "Fill")
    assert all(t.shape.as_list() == [None, 3] for t in (z, o, zi, oi))
    assert tf.zeros_like(tf.placeholder(tf.float32, (2, 3))).op.type == "Const"
    with tf.Session() as sess:
        got = sess.run([z, o, zi, oi], {v: np.full((2, 3), 7.0)})
    for value, fill, dtype in zip(got, [0, 1, 0, 1], [np.float32, np.float32, np.int32,
                                                       np.int32]):
        assert value.dtype == dtype and value.shape == (2, 3) and (value == fill).all()


# --------------------------------------------------------------------------------- random

def _primitive(t, type_):
    """The random op inside the subgraph of ``t``, found by walking its inputs."""
    seen, todo = set(), [t.op]
    while todo:
        op = todo.pop()
        if op.type == type_:
            return op.outputs[0]
        seen.add(op)
        todo.extend(i.op for i in op.inputs if i.op not in seen)
    raise AssertionError("no %s op under %s" % (type_, t.name))


@pytest.mark.parametrize("make, primitive", [
    (lambda: tf.random_normal((50, 40), mean=1.5, stddev=0.3, seed=1), "RandomStandardNormal"),
    (lambda: tf.truncated_normal((50, 40), mean=-2.0, stddev=3.0, seed=2), "TruncatedNormal"),
], ids=["random_normal", "truncated_normal"])
def test_normal_is_the_primitive_times_stddev_plus_mean_in_float32(make, primitive):
    y = make()
    raw = _primitive(y, primitive)
    mul, mean = y.op.inputs                     # y = mul + mean, mul = raw * stddev
    mean, stddev = mean.op.attrs["value"], mul.op.inputs[1].op.attrs["value"]
    assert mean.dtype == stddev.dtype == np.float32
    with tf.Session() as sess:
        y_val, raw_val = sess.run([y, raw])
    assert y_val.dtype == np.float32
    np.testing.assert_array_equal(y_val, raw_val * stddev + mean)


def test_uniform_is_the_primitive_times_max_minus_min_plus_min_in_float32():
    y = tf.random_uniform((50, 40), -0.7, 2.5, seed=3)
    raw = _primitive(y, "RandomUniform")
    lo, hi = np.float32(-0.7), np.float32(2.5)
    with tf.Session() as sess:
        y_val, raw_val = sess.run([y, raw])
    np.testing.assert_array_equal(y_val, raw_val * (hi - lo) + lo)
    assert lo <= y_val.min() and y_val.max() < hi
    # the default bounds: the primitive alone; a minval of 0: one Mul by max
    assert tf.random_uniform((2,)).op.type == "RandomUniform"
    assert tf.random_uniform((2,), 0, 5).op.type == "Mul"


def test_uniform_integers_need_minval_below_maxval_when_run():
    n = tf.placeholder(tf.int32, ())
    y = tf.random_uniform((1000,), n, 5, dtype=tf.int32, seed=4)
    assert y.op.type == "RandomUniformInt" and y.dtype == tf.int32
    with tf.Session() as sess:
        got = sess.run(y, {n: 2})
        assert got.dtype == np.int32 and set(got.tolist()) == {2, 3, 4}
        with pytest.raises(errors.InvalidArgumentError, match="Need minval < maxval"):
            sess.run(y, {n: 5})


def test_a_graph_seed_still_makes_a_program_repeat_itself():
    def program():
        with tf.Graph().as_default():
            tf.set_random_seed(11)
            a = tf.random_normal((3,))
            b = tf.random_uniform((3,), -1.0, 1.0)
            with tf.Session() as sess:
                return sess.run([a, b])
    first, second = program(), program()
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(first[0], first[1])
