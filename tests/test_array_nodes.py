"""Array and nn ops built from TF1's nodes: what those nodes mean.

tests/test_graph_def.py checks names, types and inputs against real TF1's GraphDefs (programs
array_ops, report_uninitialized, losses_*); the op table (tests/test_ops.py) checks values and
gradients. Here: what follows from an axis, a shape or an index being an *input* (a value the
kernel reads when the graph runs, a static shape that is known only when that value is),
errors at build time or at run time as TF1 raises them, t[...] against numpy's indexing, and
the cross-entropies' two outputs.
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors
from minigraph.ops.array_ops import constant_value
from minigraph.testing import check_gradients


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


# ------------------------------------------------------------------ index inputs

def test_python_arguments_become_consts_named_after_the_input_inside_the_ops_scope():
    x = tf.placeholder(tf.float32, (3, 4), name="x")
    cases = [(tf.concat([x, x], 0), "concat/axis"), (tf.gather(x, [1, 0]), "GatherV2/axis"),
             (tf.expand_dims(x, 0), "ExpandDims/dim"), (tf.transpose(x), "transpose/perm"),
             (tf.reshape(x, [-1], name="flat"), "flat/shape"), (tf.tile(x, [2, 1]),
                                                                "Tile/multiples"),
             (tf.slice(x, [1, 0], [1, -1]), "Slice/size")]
    for y, const in cases:
        assert const in [t.op.name for t in y.op.inputs], (y, const)
        assert y.graph.get_operation_by_name(const).type == "Const"
    hot = tf.one_hot([1, 2], 3)
    assert [t.op.name for t in hot.op.inputs] == ["one_hot/indices", "one_hot/depth",
                                                  "one_hot/on_value", "one_hot/off_value"]
    assert tf.squeeze(tf.expand_dims(x, 1), [1]).op.get_attr("squeeze_dims") == (1,)


def test_the_kernels_read_their_index_inputs_when_the_graph_runs():
    x = tf.placeholder(tf.float64, (3, 4))
    k = tf.placeholder(tf.int32, ())
    p = tf.placeholder(tf.int32, (2,))
    s = tf.placeholder(tf.int32, (2,))
    v = np.arange(12.0).reshape(3, 4)
    ys = [tf.concat([x, x], k), tf.gather(x, [0, 2], axis=k), tf.expand_dims(x, k),
          tf.transpose(x, p), tf.reshape(x, s), tf.tile(x, s), tf.one_hot([1, 0], k + 2),
          x[k], x[k:, ::k]]
    got = _run(ys, {x: v, k: 1, p: [1, 0], s: [2, 6]})
    want = [np.concatenate([v, v], 1), v[:, [0, 2]], v[:, None], v.T, v.reshape(2, 6),
            np.tile(v, (2, 6)), np.eye(3)[[1, 0]], v[1], v[1:, ::1]]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_static_shapes_are_known_only_where_the_index_inputs_are():
    x = tf.placeholder(tf.float32, (2, 3))
    k = tf.placeholder(tf.int32, ())
    assert tf.concat([x, x], 1).shape.as_list() == [2, 6]
    assert tf.concat([x, x], k).shape.as_list() == [None, None]      # the rank, as TF1
    assert tf.expand_dims(x, k).shape.ndims is None
    assert tf.gather(x, [0], axis=k).shape.as_list() == [None, None]
    assert tf.transpose(x, tf.placeholder(tf.int32, (2,))).shape.as_list() == [None, None]
    assert tf.tile(x, tf.placeholder(tf.int32, (2,))).shape.as_list() == [None, None]
    assert tf.one_hot([1], k).shape.as_list() == [1, None]
    v = tf.placeholder(tf.float32, (None, 3))
    assert tf.reshape(v, [k, 3]).shape.as_list() == [None, 3]          # a Pack: partly known
    assert tf.reshape(x, [k, 3]).shape.as_list() == [2, 3]     # one unknown: x has 6 elements
    assert x[k].shape.as_list() == [3]
    assert x[:k].shape.as_list() == [None, 3]
    assert tf.placeholder(tf.float32)[1:].shape.ndims is None          # no rank, no shape


def test_shape_arithmetic_of_known_shapes_is_computed_ahead_of_time():
    """As TF1's shape inference: a reshape whose target is computed from known shapes (a
    Slice of a Shape, a Sub of a Rank, a Pack, a ConcatV2) has a known static shape."""
    x = tf.placeholder(tf.float32, (4, 3, 5))
    last = tf.slice(tf.shape(x), [tf.rank(x) - 1], [1])
    target = tf.concat([[-1], last], 0)
    assert constant_value(target).tolist() == [-1, 5]
    assert tf.reshape(x, target).shape.as_list() == [12, 5]
    assert tf.reshape(x, tf.stack([tf.shape(x)[0], -1])).shape.as_list() == [4, 15]
    # never a placeholder's value, nor a variable's
    n = tf.placeholder(tf.int32, ())
    assert constant_value(tf.stack([n, 2])) is None
    assert constant_value(tf.Variable(3) + 1) is None


@pytest.mark.parametrize("build, error, match", [
    (lambda x: tf.concat([x, tf.zeros((3, 4))], 0), ValueError, "Dimension 0 in both shapes"),
    (lambda x: tf.concat([x, x], 2), ValueError, "at least rank 3"),
    (lambda x: tf.concat([x[0, 0], x[0, 0]], 0), ValueError, "Can't concatenate scalars"),
    (lambda x: tf.stack([x, tf.zeros((3, 2))]), ValueError, "Dimension 0 in both shapes"),
    (lambda x: tf.stack([x, x], axis=3), ValueError, "not in range"),
    (lambda x: tf.unstack(tf.placeholder(tf.float32, (None, 2))), ValueError, "Cannot infer"),
    (lambda x: tf.expand_dims(x, 3), ValueError, r"not in the interval \[-3, 2\]"),
    (lambda x: tf.squeeze(x, [0]), ValueError, "Can not squeeze dim"),
    (lambda x: tf.gather(x, tf.zeros((2,))), TypeError, "indices"),
    (lambda x: tf.gather(x, [0], axis=2), ValueError, "at least rank 3"),
    (lambda x: tf.transpose(x, [0, 1, 2]), ValueError, "Dimension must be 2 but is 3"),
    (lambda x: tf.reshape(x, [4, 2]), ValueError, "Cannot reshape a tensor with 6 elements"),
    (lambda x: tf.reshape(x, [-1, 4]), ValueError, "evenly divisible by 4"),
    (lambda x: tf.tile(x, [2]), ValueError, "Shape must be rank 2 but is rank 1"),
    (lambda x: tf.slice(x, [3, 0], [-1, 1]), ValueError, "Negative dimension size"),
    (lambda x: tf.one_hot(tf.zeros((2,)), 3), TypeError, "indices"),
    (lambda x: tf.one_hot([1], 3, on_value=5.0, off_value=0), TypeError, "does not match"),
    (lambda x: x[:, 3], ValueError, "slice index 3 of dimension 1 out of bounds"),
    (lambda x: x[0, 0, 0], ValueError, "Index out of range using input dim 2"),
    (lambda x: x[..., ...], ValueError, "Multiple ellipses"),
    (lambda x: x[::0], ValueError, "must be non-zero"),
    (lambda x: x[1.5], TypeError, "Only integers, slices"),
    (lambda x: x[tf.placeholder(tf.int32, (2,))], TypeError, "Only integers, slices"),
], ids=["concat_dims", "concat_axis", "concat_scalars", "stack_shapes", "stack_axis",
        "unstack_num", "expand_dims", "squeeze", "gather_float", "gather_axis",
        "transpose_len", "reshape", "reshape_-1", "tile", "slice", "one_hot_float",
        "one_hot_dtypes", "index", "too_many", "ellipses", "stride_0", "float_index",
        "vector_index"])
def test_what_tf1_refuses_when_the_graph_is_built(build, error, match):
    x = tf.placeholder(tf.float32, (2, 3))
    with pytest.raises(error, match=match):
        build(x)


@pytest.mark.parametrize("build", [
    lambda x, k, p: tf.concat([x, x], k),            # axis 5
    lambda x, k, p: tf.gather(x, [0], axis=k),
    lambda x, k, p: tf.expand_dims(x, k),
    lambda x, k, p: x[k],                            # index 5 of 2
    lambda x, k, p: tf.transpose(x, p),              # [0, 0]: TF1 builds it, the run fails
    lambda x, k, p: tf.reshape(x, [-1, -1]),
    lambda x, k, p: tf.one_hot([1], 3, axis=2),
    lambda x, k, p: tf.slice(x, [1, 0], [2, 1]),
    lambda x, k, p: tf.unstack(tf.placeholder_with_default(x, (None, 3)), num=3)[0],
    lambda x, k, p: tf.gather(x, [2]),
], ids=["concat", "gather_axis", "expand_dims", "index", "transpose", "reshape", "one_hot",
        "slice", "unstack", "gather_index"])
def test_what_tf1_refuses_only_when_the_graph_runs(build, graph):
    x = tf.constant(np.ones((2, 3)))
    k = tf.placeholder(tf.int32, ())
    p = tf.placeholder(tf.int32, (2,))
    y = build(x, k, p)
    with pytest.raises(errors.InvalidArgumentError):
        _run(y, {k: 5, p: [0, 0]})


# ------------------------------------------------------------------------ t[...]

KEYS = [(1,), (-1,), (slice(1, None),), (slice(None, None, -1),), (slice(-2, None, -2),),
        (slice(None, None, 2), 1), (Ellipsis, 1), (None, 1), (1, None, Ellipsis, None),
        (slice(-10, 10), slice(10, None)), (slice(3, 0, -1), slice(None, 1)),
        (slice(0, 0),), (Ellipsis,), (0, 1, 2), (slice(1, 2), Ellipsis, slice(None, None, -3)),
        (slice(-1, -4, -1), -2, slice(4, 1, -2))]


@pytest.mark.parametrize("key", KEYS, ids=[str(k) for k in KEYS])
@pytest.mark.parametrize("static", [True, False], ids=["static", "unknown_shape"])
def test_indexing_is_numpys_basic_indexing(key, static):
    v = np.arange(60.0).reshape(3, 4, 5)
    x = tf.placeholder(tf.float64, v.shape if static else (None, 4, None))
    y = x[key]
    want = v[key]
    assert y.shape.is_compatible_with(want.shape) and y.shape.ndims == want.ndim
    if static:
        assert y.shape.as_list() == list(want.shape)
    got = _run(y, {x: v})
    np.testing.assert_array_equal(got, want)
    g, = tf.gradients(tf.reduce_sum(y * y), x)
    expected = np.zeros_like(v)
    expected[key] = 2 * want
    np.testing.assert_array_equal(_run(g, {x: v}), expected)


def test_tensor_indices_are_packed_into_the_begin_end_and_strides():
    x = tf.placeholder(tf.float32, (3, 4), name="x")
    i = tf.placeholder(tf.int32, (), name="i")
    y = x[i, 1:]
    begin, end, strides = y.op.inputs[1:]
    assert begin.op.type == end.op.type == "Pack" and strides.op.type == "Const"
    assert [t.op.name for t in end.op.inputs] == ["add", "strided_slice/stack_1/1"]
    assert y.op.get_attr("shrink_axis_mask") == 1 and y.op.get_attr("end_mask") == 2
    j = tf.placeholder(tf.int64, (), name="j")
    z = x[:j]
    assert all(t.dtype == tf.int64 for t in z.op.inputs[1:])    # int32 parts are Cast
    v = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    a, b = _run([y, z], {x: v, i: 2, j: 2})
    np.testing.assert_array_equal(a, v[2, 1:])
    np.testing.assert_array_equal(b, v[:2])


def test_a_list_key_is_a_tuple_and_a_boolean_key_is_a_mask_as_in_tf1():
    v = np.arange(12.0).reshape(3, 4)
    x = tf.constant(v)
    m = tf.constant([True, False, True])
    a, b = _run([x[[1, 2]], x[m]])
    assert a == v[1, 2]
    np.testing.assert_array_equal(b, v[[0, 2]])


# -------------------------------------------------------------- stack, slice, concat

def test_stack_of_python_values_is_a_const_and_python_entries_among_tensors_consts():
    assert tf.stack([1, 2]).op.type == "Const"
    n = tf.placeholder(tf.int32, (), name="n")
    s = tf.stack([n, -1])
    assert s.op.type == "Pack" and [t.op.name for t in s.op.inputs] == ["n", "stack_1/1"]
    assert _run(s, {n: 4}).tolist() == [4, -1]


def test_concat_and_pack_gradients_are_slices_and_unpacks():
    a = tf.placeholder(tf.float64, (2, 3))
    b = tf.placeholder(tf.float64, (2, 1))
    ga, gb = tf.gradients(tf.concat([a, b], 1), [a, b])
    assert ga.op.type == gb.op.type == "Slice"
    assert ga.op.inputs[1].op.type == "ConcatOffset"
    gs = tf.gradients(tf.stack([a, a * 2.0]), a)[0]
    types = {op.type for op in gs.graph.get_operations() if op.name.startswith("gradients")}
    assert "Unpack" in types


def test_unstack_outputs_are_named_by_index():
    parts = tf.unstack(tf.placeholder(tf.float32, (3, 2)), axis=1)
    assert [t.name for t in parts] == ["unstack:0", "unstack:1"]
    assert all(t.shape.as_list() == [3] for t in parts)


# ------------------------------------------------------------------------- where

def test_where_is_tf1s_select_and_where_v2_broadcasts():
    c = tf.placeholder(tf.bool, (3,), name="c")
    x = tf.placeholder(tf.float64, (3, 2), name="x")
    rows = tf.where(c, x, -x)
    assert rows.op.type == "Select" and rows.op.inputs[0] is c     # rows picked as they are
    with pytest.raises(ValueError, match="Shapes must be equal rank, but are 2 and 0"):
        tf.where(tf.ones((3, 2), tf.bool), x, 0.0)                  # TF1 broadcasts nothing
    with pytest.raises(TypeError, match="does not match type int32 of argument 't'"):
        tf.where(c, 0, tf.ones((3,)))                               # t's dtype comes first
    clipped = tf.where_v2(x > 0, x, 0.0)
    assert clipped.op.type == "SelectV2"
    assert [t.op.name for t in clipped.op.inputs][1:] == ["x", "SelectV2/e"]
    v = np.array([[1.0, -2.0], [3.0, 4.0], [-5.0, 6.0]])
    got_rows, got_clipped = _run([rows, clipped], {c: [True, False, True], x: v})
    np.testing.assert_array_equal(got_rows, [v[0], -v[1], v[2]])
    np.testing.assert_array_equal(got_clipped, np.maximum(v, 0))


# ------------------------------------------------------------------- boolean_mask

@pytest.mark.parametrize("shape, mask_shape, axis", [
    ((5,), (5,), None), ((4, 3), (4,), None), ((2, 3, 4), (3, 4), 1), ((2, 3, 4), (3,), 1),
])
def test_boolean_mask_is_numpys(shape, mask_shape, axis):
    rng = np.random.default_rng(0)
    v = rng.uniform(size=shape)
    m = rng.random(mask_shape) < 0.5
    x = tf.placeholder(tf.float64, (None,) + shape[1:])
    y = tf.boolean_mask(x, tf.constant(m), axis=axis)
    a = axis or 0
    want = v[(slice(None),) * a + (m,)]
    np.testing.assert_array_equal(_run(y, {x: v}), want)


def test_report_uninitialized_variables_names_the_uninitialized_ones():
    a = tf.Variable(1.0, name="a")
    tf.Variable(tf.zeros((2,)), name="b")
    report = tf.report_uninitialized_variables()
    assert report.op.type == "GatherV2"
    with tf.Session() as sess:
        assert sess.run(report).tolist() == [b"a", b"b"]
        sess.run(a.initializer)
        assert sess.run(report).tolist() == [b"b"]


# -------------------------------------------------------------- the cross-entropies

def _log_softmax(x, axis=-1):
    x = x - x.max(axis=axis, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


def test_xent_ops_take_logits_first_and_give_the_loss_and_its_gradient():
    logits = tf.placeholder(tf.float64, (4, 3))
    labels = tf.placeholder(tf.float64, (4, 3))
    ids = tf.placeholder(tf.int32, (4,))
    dense = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=logits)
    dense_op = dense.op.inputs[0].op
    assert dense.op.type == "Reshape" and dense_op.type == "SoftmaxCrossEntropyWithLogits"
    assert [t.op.inputs[0] for t in dense_op.inputs] == [logits, labels]   # the Reshapes'
    assert sparse.op.type == "SparseSoftmaxCrossEntropyWithLogits"
    assert list(sparse.op.inputs) == [logits, ids]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3))
    p = rng.uniform(0.1, 1, (4, 3))
    p /= p.sum(axis=1, keepdims=True)
    k = np.array([0, 2, 1, 2], dtype=np.int32)
    loss, backprop, sloss, sbackprop = _run(
        [dense_op.outputs[0], dense_op.outputs[1], sparse, sparse.op.outputs[1]],
        {logits: x, labels: p, ids: k})
    softmax = np.exp(_log_softmax(x))
    np.testing.assert_allclose(loss, -(p * _log_softmax(x)).sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(backprop, softmax - p, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sloss, -_log_softmax(x)[np.arange(4), k], rtol=1e-12)
    np.testing.assert_allclose(sbackprop, softmax - np.eye(3)[k], rtol=1e-12, atol=1e-15)


def test_xent_of_any_rank_and_class_axis_is_flattened_around_the_op():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 4))
    p = rng.uniform(0.1, 1, (2, 3, 4))
    logits = tf.placeholder(tf.float64, (None, 3, 4))
    labels = tf.placeholder(tf.float64, (None, 3, 4))
    last = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    middle = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=1)
    assert last.shape.as_list() == [None, 3] and middle.shape.as_list() == [None, 4]
    got_last, got_middle = _run([last, middle], {logits: x, labels: p})
    np.testing.assert_allclose(got_last, -(p * _log_softmax(x)).sum(-1), rtol=1e-12)
    np.testing.assert_allclose(got_middle, -(p * _log_softmax(x, 1)).sum(1), rtol=1e-12)


def test_v1_xent_stops_the_gradient_into_the_labels_and_v2_does_not():
    logits = tf.placeholder(tf.float64, (2, 3))
    labels = tf.placeholder(tf.float64, (2, 3))
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    assert v1.op.name == "softmax_cross_entropy_with_logits_sg/Reshape_2"
    assert tf.gradients(v1, labels) == [None]
    assert tf.gradients(v2, labels)[0] is not None


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_xent_second_derivatives_match_central_differences(sparse):
    """The gradient uses the op's second output; differentiating it again goes through the
    op's gradient for that output (the softmax's Jacobian; minus one for the labels)."""
    rng = np.random.default_rng(2)
    logits = tf.placeholder(tf.float64, (3, 4))
    x = rng.normal(size=(3, 4))
    feed = {logits: x}
    if sparse:
        labels = tf.constant([1, 0, 3])
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        wrt = [logits]
    else:
        labels = tf.placeholder(tf.float64, (3, 4))
        p = rng.uniform(0.1, 1, (3, 4))
        feed[labels] = p / p.sum(axis=1, keepdims=True)
        loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
        wrt = [logits, labels]
    v = tf.constant(rng.normal(size=(3, 4)))
    weights = tf.constant([1.0, -2.0, 0.5], dtype=tf.float64)
    for g in tf.gradients(tf.reduce_sum(loss * weights), wrt):
        check_gradients(tf.reduce_sum(g * v), wrt, feed)
