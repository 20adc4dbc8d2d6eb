"""One table tests every op: forward against numpy, gradient against central differences.

Each ``Row`` names the op type it tests, builds it from placeholders, and gives an
independent numpy expression for the expected value. The test functions below each check
one aspect over the whole table:

* ``test_forward``: the value matches numpy (float64 and float32), its dtype is the tensor's
  static dtype and its shape is compatible with the static shape;
* ``test_gradient``: ``tf.gradients`` matches central differences (float64), and each
  gradient has the shape of its input;
* ``test_second_order``: the gradient's own gradient matches central differences too
  (gradients are graph ops, so they can be differentiated again);
* ``test_no_gradient``: ``tf.gradients`` is ``None`` through non-differentiable inputs;
* ``test_every_op_has_a_row``: a newly registered op without a row fails the suite;
* ``test_exports_are_in_their_namespaces``, ``test_exports_are_tf1_names``: every function an
  op module exports (``@register("math.softplus")``, ``@export``) is in that namespace of
  ``import minigraph as tf``, and TF1 has that name there too.

Every row also runs with the leading dimension of its placeholders unknown (``None``, the
batch size of TF1 code), which sends static shapes through the dynamic code paths
(``tf.shape`` instead of constants). Rows for gradient ops (ReluGrad, SumToShape...) are
built with ``tf.gradients(..., grad_ys=dy)``, so their gradient check is a second-order check
of the op they differentiate.
"""

import importlib
import json
import os
import pkgutil

import numpy as np
import pytest

import minigraph as tf
from minigraph.api import NAMESPACES, exported
from minigraph.op_def import REGISTRY
from minigraph.ops import math_ops
from minigraph.testing import check_gradients
from minigraph.trace import run_steps


@pytest.fixture(autouse=True)
def graph():
    """Every test builds in its own graph."""
    with tf.Graph().as_default() as g:
        yield g


# ------------------------------------------------------------------------- input specs

FLOAT = "float"  # an input of the row's float dtype (float64 or float32)


class Spec:
    """One input of a row: a placeholder of ``shape`` fed with ``draw(rng, shape)``."""

    def __init__(self, shape, dtype, draw):
        self.shape, self.dtype, self.draw = tuple(shape), dtype, draw

    def dtype_for(self, float_dtype):
        return float_dtype if self.dtype is FLOAT else self.dtype

    def placeholder(self, float_dtype, static):
        shape = list(self.shape)
        if not static and shape:
            shape[0] = None  # a batch size known only at run time
        return tf.placeholder(self.dtype_for(float_dtype), shape)

    def value(self, float_dtype, rng):
        return np.asarray(self.draw(rng, self.shape),
                          dtype=self.dtype_for(float_dtype).as_numpy_dtype)


def floats(*shape, low=-2.0, high=2.0):
    return Spec(shape, FLOAT, lambda rng, s: rng.uniform(low, high, s))


def positive(*shape):
    """Away from 0: for sqrt, log, a base of pow."""
    return floats(*shape, low=0.5, high=2.0)


def nonzero(*shape):
    """0.2 <= |x| < 2: away from the kink of abs, relu, sign and the pole of 1/x."""
    return Spec(shape, FLOAT, lambda rng, s: rng.choice([-1.0, 1.0], s) * rng.uniform(0.2, 2, s))


def whole(*shape):
    """Whole numbers in [-2, 2] as floats, so comparisons meet ties."""
    return Spec(shape, FLOAT, lambda rng, s: rng.integers(-2, 3, s))


def distribution(*shape, axis=-1):
    """Probabilities along ``axis`` (they sum to 1): labels for the softmax cross-entropies."""
    def draw(rng, s):
        p = rng.uniform(0.1, 1.0, s)
        return p / p.sum(axis=axis, keepdims=True)
    return Spec(shape, FLOAT, draw)


def ints(shape, high, dtype=tf.int32):
    return Spec(shape, dtype, lambda rng, s: rng.integers(0, high, s))


def bools(*shape):
    return Spec(shape, tf.bool, lambda rng, s: rng.random(s) < 0.5)


def fixed(value, dtype=FLOAT):
    value = np.asarray(value)
    return Spec(value.shape, dtype, lambda rng, s: value)


# -------------------------------------------------------------------------------- rows

class Row:
    """One line of the table.

    Args:
      id: the pytest id.
      op: the op type under test; the built graph must contain it.
      build: ``build(*placeholders)`` -> the Tensor to check.
      ref: ``ref(*arrays)`` -> the expected value, in numpy (float inputs arrive as float64).
      inputs: one Spec per placeholder.
      differentiable: False for ops with no gradient (ArgMax, comparisons...).
      grad: indices of the inputs checked against central differences (default: every
        float input of a differentiable row).
      none: indices of the inputs whose gradient must be None (default: the inputs that are
        not floats, or every input of a non-differentiable row).
      second_order: False to leave the row out of test_second_order.
    """

    def __init__(self, id, op, build, ref, inputs, differentiable=True, grad=None, none=None,
                 second_order=True):
        self.id, self.op, self.build, self.ref, self.inputs = id, op, build, ref, inputs
        self.second_order = second_order
        is_float = [s.dtype is FLOAT for s in inputs]
        if grad is None:
            grad = [i for i, f in enumerate(is_float) if f and differentiable]
        if none is None:
            none = [i for i, f in enumerate(is_float) if not (f and differentiable)]
        self.grad, self.none = tuple(grad), tuple(none)
        self.has_floats = any(is_float)

    def make(self, float_dtype, static=True):
        """Build the row in the default graph: (output, placeholders, feed_dict)."""
        rng = np.random.default_rng(0)
        xs = [s.placeholder(float_dtype, static) for s in self.inputs]
        feed = {x: s.value(float_dtype, rng) for x, s in zip(xs, self.inputs)}
        return self.build(*xs), xs, feed

    def expected(self, xs, feed):
        return self.ref(*[feed[x].astype(np.float64) if x.dtype.is_floating else feed[x]
                          for x in xs])

    def __repr__(self):
        return self.id


def _shape_id(shape):
    return "x".join(map(str, shape)) or "scalar"


# Shape pairs that broadcast, plus one that does not need to.
BROADCAST = [((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1)), ((), (3,)), ((2, 3), (2, 3))]
UNARY_SHAPES = [(3, 4), ()]


def binary(op, build, ref, x=floats, y=floats, **kwargs):
    return [Row("%s[%s,%s]" % (op, _shape_id(sx), _shape_id(sy)), op, build, ref,
                [x(*sx), y(*sy)], **kwargs)
            for sx, sy in BROADCAST]


def unary(op, build, ref, x=floats, name=None, **kwargs):
    return [Row("%s[%s]" % (name or op, _shape_id(s)), op, build, ref, [x(*s)], **kwargs)
            for s in UNARY_SHAPES]


def _scatter_nd_ref(indices, updates, shape):
    out = np.zeros(shape)
    for row, u in zip(indices, updates):
        out[tuple(row)] += u
    return out


def _sparse_to_dense_ref(indices, shape, values, default):
    out = np.full(shape, default, dtype=np.float64)
    for row, v in zip(indices, values):
        out[tuple(row)] = v
    return out


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _log_softmax(x):
    return x - np.log(np.sum(np.exp(x), axis=-1, keepdims=True))


def _scatter_add(shape, indices, dy, axis):
    """Zeros of ``shape`` with each slice of dy added back at the index it was gathered from."""
    out = np.zeros(shape)
    indices = np.ravel(indices)
    dy = dy.reshape(shape[:axis] + (indices.size,) + shape[axis + 1:])
    before = (slice(None),) * axis
    for k, i in enumerate(indices):
        out[before + (i,)] += dy[before + (k,)]
    return out


def _unshaped(x):
    """``x`` with its static shape forgotten: a placeholder_with_default of unknown shape."""
    return tf.placeholder_with_default(x, shape=None)


def _sum_to_shape_op(grad, z, like):
    """A ``SumToShape`` op reducing ``grad`` (of ``z``'s shape) to ``like``'s shape."""
    from minigraph.ops._util import make
    from minigraph.ops.array_ops import SumToShape
    return make(SumToShape, [grad * tf.ones_like(z), tf.shape(like)], None, "SumToShape")


def _in_top_k(k):
    """Is each row's target among its k highest scores, ties included? (sorting, not
    counting as the op does)"""
    def ref(p, t):
        out = []
        for row, target in zip(p, t):
            ok = 0 <= target < len(row) and bool(np.all(np.isfinite(row))) and k > 0
            out.append(ok and (k >= len(row) or sorted(row, reverse=True)[k - 1] <= row[target]))
        return np.array(out, dtype=bool)
    return ref
def _concat_offsets(y, dy):
    """The outputs of the ConcatOffset op of the gradient of the concat ``y``."""
    tf.gradients(y, y.op.inputs[0], grad_ys=dy)
    op, = [op for op in y.graph.get_operations() if op.type == "ConcatOffset"]
    return op.outputs


def _strided_slice_grad(shape, dy):
    out = np.zeros(shape)
    out[1:, ::2] = dy
    return out


# -- convolution and pooling, as plain loops over output pixels (independent of the im2col
#    kernels they check)

def _out_and_pad(size, k, stride, dilation, padding):
    """TF1's output size and padding before, along one axis."""
    eff = (k - 1) * dilation + 1
    if padding == "VALID":
        return (size - eff) // stride + 1, 0
    out = -(-size // stride)
    return out, max((out - 1) * stride + eff - size, 0) // 2


def _conv_ref(x, f, stride, padding, dilation=(1, 1)):
    n, h, w, c = x.shape
    kh, kw, _, oc = f.shape
    oh, top = _out_and_pad(h, kh, stride[0], dilation[0], padding)
    ow, left = _out_and_pad(w, kw, stride[1], dilation[1], padding)
    y = np.zeros((n, oh, ow, oc))
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for a in range(kh):
                    for d in range(kw):
                        r = i * stride[0] + a * dilation[0] - top
                        s = j * stride[1] + d * dilation[1] - left
                        if 0 <= r < h and 0 <= s < w:
                            y[b, i, j] += x[b, r, s] @ f[a, d]
    return y


def _pool_ref(x, k, stride, padding, how):
    """``how`` is "max" or "avg": over the window's elements inside the image."""
    n, h, w, c = x.shape
    oh, top = _out_and_pad(h, k[0], stride[0], 1, padding)
    ow, left = _out_and_pad(w, k[1], stride[1], 1, padding)
    y = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, s0 = i * stride[0] - top, j * stride[1] - left
            win = x[:, max(r0, 0):r0 + k[0], max(s0, 0):s0 + k[1]]
            y[:, i, j] = win.max(axis=(1, 2)) if how == "max" else win.mean(axis=(1, 2))
    return y


def _max_pool_grad_ref(x, dy, k, stride, padding, gather=False):
    """Each window's gradient to its first largest element (row-major), as TF1; with
    ``gather``, the gradient of that: pick ``dy`` (of x's shape) at those elements."""
    n, h, w, c = x.shape
    oh, top = _out_and_pad(h, k[0], stride[0], 1, padding)
    ow, left = _out_and_pad(w, k[1], stride[1], 1, padding)
    out = np.zeros((n, oh, ow, c)) if gather else np.zeros(x.shape)
    for b in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    cells = [(r, s) for r in range(i * stride[0] - top, i * stride[0] - top + k[0])
                             for s in range(j * stride[1] - left, j * stride[1] - left + k[1])
                             if 0 <= r < h and 0 <= s < w]
                    r, s = max(cells, key=lambda rs: (x[b, rs[0], rs[1], ch],
                                                      -cells.index(rs)))
                    if gather:
                        out[b, i, j, ch] = dy[b, r, s, ch]
                    else:
                        out[b, r, s, ch] += dy[b, i, j, ch]
    return out


def _avg_pool_grad_ref(x, dy, k, stride, padding):
    n, h, w, c = x.shape
    oh, top = _out_and_pad(h, k[0], stride[0], 1, padding)
    ow, left = _out_and_pad(w, k[1], stride[1], 1, padding)
    out = np.zeros(x.shape)
    for i in range(oh):
        for j in range(ow):
            r0, s0 = i * stride[0] - top, j * stride[1] - left
            rows = range(max(r0, 0), min(r0 + k[0], h))
            cols = range(max(s0, 0), min(s0 + k[1], w))
            for r in rows:
                for s in cols:
                    out[:, r, s] += dy[:, i, j] / (len(rows) * len(cols))
    return out


def _nchw(fn):
    """A reference on NHWC arrays, applied to NCHW ones."""
    def on_nchw(x, *args):
        y = fn(np.transpose(x, (0, 2, 3, 1)), *args)
        return np.transpose(y, (0, 3, 1, 2))
    return on_nchw


def _conv_rows():
    rows = []
    for label, xs, fs, stride, padding, dilation in [
            ("SAME,s1,3x3", (2, 5, 5, 3), (3, 3, 3, 4), 1, "SAME", 1),
            ("VALID,s2,2x3", (2, 6, 7, 2), (2, 3, 2, 3), 2, "VALID", 1),
            # total padding 1: TF1 puts the odd row and column at the bottom and right
            ("SAME,s2,2x2", (1, 5, 5, 2), (2, 2, 2, 2), 2, "SAME", 1),
            ("SAME,s2,3x3,odd_size", (1, 7, 6, 1), (3, 3, 1, 2), 2, "SAME", 1),
            ("VALID,dilation2", (1, 7, 7, 2), (3, 2, 2, 2), 1, "VALID", 2),
            ("SAME,dilation2", (1, 6, 5, 1), (2, 3, 1, 2), 1, "SAME", 2)]:
        rows.append(Row(
            "Conv2D[%s]" % label, "Conv2D",
            lambda x, f, s=stride, p=padding, d=dilation: tf.nn.conv2d(
                x, f, [1, s, s, 1], p, dilations=[1, d, d, 1]),
            lambda x, f, s=stride, p=padding, d=dilation: _conv_ref(x, f, (s, s), p, (d, d)),
            [floats(*xs), floats(*fs)]))
    rows.append(Row(
        "Conv2D[NCHW,SAME,s2]", "Conv2D",
        lambda x, f: tf.nn.conv2d(x, f, [1, 1, 2, 2], "SAME", data_format="NCHW"),
        lambda x, f: _nchw(_conv_ref)(x, f, (2, 2), "SAME"), [floats(2, 3, 5, 4), floats(3, 3, 3, 2)]))
    rows.append(Row(
        "Conv2DBackpropInput", "Conv2DBackpropInput",
        lambda x, f, dy: tf.gradients(tf.nn.conv2d(x, f, [1, 2, 2, 1], "SAME"), x, grad_ys=dy)[0],
        lambda x, f, dy: _conv_input_grad_ref(x, f, dy, (2, 2), "SAME"),
        [floats(2, 5, 4, 2), floats(3, 2, 2, 3), floats(2, 3, 2, 3)], grad=[1, 2]))
    rows.append(Row(
        "Conv2DBackpropFilter", "Conv2DBackpropFilter",
        lambda x, f, dy: tf.gradients(tf.nn.conv2d(x, f, [1, 1, 2, 1], "VALID"), f,
                                      grad_ys=dy)[0],
        lambda x, f, dy: _conv_filter_grad_ref(x, f, dy, (1, 2), "VALID"),
        [floats(2, 5, 6, 2), floats(2, 3, 2, 3), floats(2, 4, 2, 3)], grad=[0, 2]))
    for label, xs, k, stride, padding in [("2x2,s2,VALID", (2, 4, 6, 3), 2, 2, "VALID"),
                                          ("3x3,s2,SAME", (2, 5, 4, 2), 3, 2, "SAME"),
                                          ("3x3,s1,SAME", (1, 4, 4, 2), 3, 1, "SAME"),
                                          ("2x3,s1x2,VALID", (1, 5, 7, 1), (2, 3), (1, 2), "VALID")]:
        kk = k if isinstance(k, tuple) else (k, k)
        ss = stride if isinstance(stride, tuple) else (stride, stride)
        for op, fn, how in (("MaxPool", tf.nn.max_pool, "max"), ("AvgPool", tf.nn.avg_pool, "avg")):
            rows.append(Row(
                "%s[%s]" % (op, label), op,
                lambda x, fn=fn, kk=kk, ss=ss, p=padding: fn(x, [1, *kk, 1], [1, *ss, 1], p),
                lambda x, how=how, kk=kk, ss=ss, p=padding: _pool_ref(x, kk, ss, p, how),
                [floats(*xs)]))
    rows += [
        Row("MaxPool[NCHW]", "MaxPool",
            lambda x: tf.nn.max_pool(x, [1, 1, 2, 2], [1, 1, 2, 2], "SAME", data_format="NCHW"),
            lambda x: _nchw(_pool_ref)(x, (2, 2), (2, 2), "SAME", "max"), [floats(2, 3, 5, 4)]),
        Row("MaxPoolGrad", "MaxPoolGrad",
            lambda x, dy: tf.gradients(tf.nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"), x,
                                       grad_ys=dy)[0],
            lambda x, dy: _max_pool_grad_ref(x, dy, (3, 3), (2, 2), "SAME"),
            [floats(2, 5, 4, 2), floats(2, 3, 2, 2)], grad=[1]),
        # windows side by side that leave the last row and column out (their gradient is 0),
        # and windows with gaps between them (stride 3 > window 2)
        Row("MaxPoolGrad[2x2,s2,VALID,odd_size]", "MaxPoolGrad",
            lambda x, dy: tf.gradients(tf.nn.max_pool(x, 2, 2, "VALID"), x, grad_ys=dy)[0],
            lambda x, dy: _max_pool_grad_ref(x, dy, (2, 2), (2, 2), "VALID"),
            [floats(2, 5, 5, 3), floats(2, 2, 2, 3)], grad=[1]),
        Row("AvgPoolGrad[2x2,s3,VALID]", "AvgPoolGrad",
            lambda x, dy: tf.gradients(tf.nn.avg_pool(x, 2, 3, "VALID"), x, grad_ys=dy)[0],
            lambda x, dy: _avg_pool_grad_ref(x, dy, (2, 2), (3, 3), "VALID"),
            [floats(2, 7, 8, 2), floats(2, 2, 3, 2)], grad=[1]),
        Row("MaxPoolGrad[ties]", "MaxPoolGrad",
            lambda x, dy: tf.gradients(tf.nn.max_pool(x, 3, 1, "SAME"), x, grad_ys=dy)[0],
            lambda x, dy: _max_pool_grad_ref(x, dy, (3, 3), (1, 1), "SAME"),
            [whole(1, 4, 4, 2), floats(1, 4, 4, 2)], grad=[1]),
        Row("MaxPoolGradGrad", "MaxPoolGradGrad",
            lambda x, dy, ddx: tf.gradients(
                tf.gradients(tf.nn.max_pool(x, 2, 2, "VALID"), x, grad_ys=dy)[0], dy,
                grad_ys=ddx)[0],
            lambda x, dy, ddx: _max_pool_grad_ref(x, ddx, (2, 2), (2, 2), "VALID", gather=True),
            [floats(2, 4, 6, 2), floats(2, 2, 3, 2), floats(2, 4, 6, 2)], grad=[2]),
        Row("AvgPoolGrad", "AvgPoolGrad",
            lambda x, dy: tf.gradients(tf.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"), x,
                                       grad_ys=dy)[0],
            lambda x, dy: _avg_pool_grad_ref(x, dy, (3, 3), (2, 2), "SAME"),
            [floats(2, 5, 4, 2), floats(2, 3, 2, 2)], grad=[1]),
        Row("BiasAdd", "BiasAdd", tf.nn.bias_add, lambda x, b: x + b,
            [floats(2, 3, 4, 5), floats(5)]),
        Row("BiasAdd[2d]", "BiasAdd", tf.nn.bias_add, lambda x, b: x + b,
            [floats(3, 4), floats(4)]),
        Row("BiasAdd[NCHW]", "BiasAdd", lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"),
            lambda x, b: x + b[:, None, None], [floats(2, 3, 4, 5), floats(3)]),
        Row("BiasAddGrad", "BiasAddGrad",
            lambda x, b, dy: tf.gradients(tf.nn.bias_add(x, b), b, grad_ys=dy)[0],
            lambda x, b, dy: dy.sum(axis=(0, 1, 2)), [floats(2, 3, 4, 5), floats(5),
                                                     floats(2, 3, 4, 5)], grad=[2]),
    ]
    return rows


def _conv_input_grad_ref(x, f, dy, stride, padding):
    """d(sum(conv(x, f) * dy))/dx, one input element at a time (the convolution is linear)."""
    out = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        e = np.zeros(x.shape)
        e[index] = 1.0
        out[index] = (_conv_ref(e, f, stride, padding) * dy).sum()
    return out


def _conv_filter_grad_ref(x, f, dy, stride, padding):
    out = np.zeros(f.shape)
    for index in np.ndindex(f.shape):
        e = np.zeros(f.shape)
        e[index] = 1.0
        out[index] = (_conv_ref(x, e, stride, padding) * dy).sum()
    return out


def _reduce_rows():
    rows = []
    reductions = [("Sum", tf.reduce_sum, np.sum), ("Mean", tf.reduce_mean, np.mean),
                  ("Max", tf.reduce_max, np.max), ("Min", tf.reduce_min, np.min)]
    variants = [{}, {"axis": 1}, {"axis": [0, 2]}, {"axis": -1, "keepdims": True},
                {"axis": [-1, 0], "keepdims": True}]
    for op, tf_fn, np_fn in reductions:
        for kw in variants:
            np_kw = dict(kw)
            if isinstance(kw.get("axis"), list):
                np_kw["axis"] = tuple(kw["axis"])
            rows.append(Row("%s[%s]" % (op, ",".join("%s=%s" % kv for kv in kw.items()) or "all"),
                            op, lambda x, f=tf_fn, kw=kw: f(x, **kw),
                            lambda x, f=np_fn, kw=np_kw: f(x, **kw), [floats(2, 3, 4)]))
    # the axes as the op's second input when they are not constants: a placeholder, or
    # range(0, rank(x)) for an input of unknown rank (a placeholder_with_default of shape None)
    unknown = lambda x: tf.placeholder_with_default(x, None)  # noqa: E731
    for op, tf_fn, np_fn in reductions + [("Prod", tf.reduce_prod, np.prod)]:
        # (its gradient: test_reduce_over_all_axes_of_unknown_rank_has_a_gradient, as
        # placeholder_with_default hands on a gradient of unknown rank)
        rows.append(Row("%s[unknown_rank]" % op, op, lambda x, f=tf_fn: f(unknown(x)),
                        lambda x, f=np_fn: f(x), [floats(2, 3, 4)], grad=[], none=[]))
        rows.append(Row("%s[axis_tensor]" % op, op,
                        lambda x, f=tf_fn: f(x, tf.placeholder_with_default([2, -3], [2])),
                        lambda x, f=np_fn: f(x, axis=(0, 2)), [floats(2, 3, 4)]))
        rows.append(Row("%s[axis_tensor,keep_dims]" % op, op,
                        lambda x, f=tf_fn: f(x, tf.placeholder_with_default(1, []),
                                             keepdims=True),
                        lambda x, f=np_fn: f(x, axis=1, keepdims=True), [floats(2, 3, 4)]))
        rows.append(Row("%s[scalar]" % op, op, tf_fn, np_fn, [floats()]))
    for kw in variants:
        np_kw = dict(kw)
        if isinstance(kw.get("axis"), list):
            np_kw["axis"] = tuple(kw["axis"])
        rows.append(Row("Prod[%s]" % (",".join("%s=%s" % kv for kv in kw.items()) or "all"),
                        "Prod", lambda x, kw=kw: tf.reduce_prod(x, **kw),
                        lambda x, kw=np_kw: np.prod(x, **kw), [nonzero(2, 3, 4)]))
        for op, tf_fn, np_fn in (("All", tf.reduce_all, np.all), ("Any", tf.reduce_any, np.any)):
            rows.append(Row("%s[%s]" % (op, ",".join("%s=%s" % kv for kv in kw.items()) or "all"),
                            op, lambda x, f=tf_fn, kw=kw: f(x, **kw),
                            lambda x, f=np_fn, kw=np_kw: f(x, **kw), [bools(2, 3, 4)]))
    # a product's gradient where an element is 0: the product of the others, not y / x
    rows.append(Row("Prod[with_zeros]", "Prod", lambda x: tf.reduce_prod(x, axis=1),
                    lambda x: np.prod(x, axis=1),
                    [fixed([[0.5, 0.0, 2.0], [0.0, 0.0, 1.5], [1.0, -2.0, 0.75]])],
                    second_order=False))  # the second derivative divides by x
    rows.append(Row("Sum[reduction_indices,keep_dims]", "Sum",
                    lambda x: tf.reduce_sum(x, reduction_indices=[1], keep_dims=True),
                    lambda x: x.sum(axis=1, keepdims=True), [floats(2, 3, 4)]))
    # TF divides integers as C does: the mean of [-1, -2, 4] is 1 // 3 = 0 and the
    # mean of [3, -4, -4] is -5 / 3 -> -1 (truncated toward zero, not floored)
    rows.append(Row("Mean[int32]", "Mean", lambda x: tf.reduce_mean(x, axis=1),
                    lambda x: np.trunc(x.sum(axis=1) / x.shape[1]).astype(np.int32),
                    [fixed([[-1, -2, 4], [3, -4, -4]], tf.int32)]))
    return rows


def _matmul_rows():
    rows = []
    for ta in (False, True):
        for tb in (False, True):
            rows.append(Row(
                "MatMul[transpose_a=%s,transpose_b=%s]" % (ta, tb), "MatMul",
                lambda a, b, ta=ta, tb=tb: tf.matmul(a, b, transpose_a=ta, transpose_b=tb),
                lambda a, b, ta=ta, tb=tb: (a.T if ta else a) @ (b.T if tb else b),
                [floats(*((4, 3) if ta else (3, 4))), floats(*((5, 4) if tb else (4, 5)))]))
    rows += [
        Row("MatMul[batch]", "MatMul", tf.matmul,
            lambda a, b: np.einsum("bij,bjk->bik", a, b), [floats(2, 3, 4), floats(2, 4, 5)]),
        Row("MatMul[batch,broadcast]", "MatMul", tf.matmul,
            lambda a, b: np.einsum("bij,jk->bik", a, b), [floats(2, 3, 4), floats(4, 5)]),
    ]
    return rows


ROWS = [
    # ------------------------------------------------------------------ binary, broadcasting
    *binary("Add", tf.add, lambda x, y: x + y),
    *binary("Sub", tf.subtract, lambda x, y: x - y),
    *binary("Mul", tf.multiply, lambda x, y: x * y),
    *binary("RealDiv", tf.divide, lambda x, y: x / y, y=nonzero),
    *binary("FloorDiv", tf.floordiv, lambda x, y: np.floor(x / y), y=nonzero,
            differentiable=False),
    *binary("Pow", tf.pow, lambda x, y: np.exp(y * np.log(x)), x=positive),
    *binary("Maximum", tf.maximum, lambda x, y: np.where(x > y, x, y)),
    *binary("Minimum", tf.minimum, lambda x, y: np.where(x < y, x, y)),
    *binary("Equal", tf.equal, lambda x, y: x == y, x=whole, y=whole, differentiable=False),
    *binary("NotEqual", tf.not_equal, lambda x, y: x != y, x=whole, y=whole,
            differentiable=False),
    *binary("Less", tf.less, lambda x, y: x < y, x=whole, y=whole, differentiable=False),
    *binary("LessEqual", tf.less_equal, lambda x, y: x <= y, x=whole, y=whole,
            differentiable=False),
    *binary("Greater", tf.greater, lambda x, y: x > y, x=whole, y=whole, differentiable=False),
    *binary("GreaterEqual", tf.greater_equal, lambda x, y: x >= y, x=whole, y=whole,
            differentiable=False),
    *binary("LogicalAnd", tf.logical_and, lambda x, y: x & y, x=bools, y=bools),
    *binary("LogicalOr", tf.logical_or, lambda x, y: x | y, x=bools, y=bools),
    *binary("SquaredDifference", tf.squared_difference, lambda x, y: (y - x) ** 2),
    *binary("DivNoNan", tf.div_no_nan, lambda x, y: x / y, y=nonzero),
    # where y is 0 the value is 0 whatever x is, and so is d/dx (d/dy has a jump there)
    Row("DivNoNan[zero_denominators]", "DivNoNan", tf.math.divide_no_nan,
        lambda x, y: np.array([x[i] / y[i] if y[i] else 0.0 for i in range(4)]),
        [floats(4), fixed([0.0, 1.5, 0.0, -0.5])], grad=[0]),
    Row("Range[limit]", "Range", tf.range, lambda n: np.array([0, 1, 2, 3, 4]),
        [fixed(5, tf.int32)], differentiable=False),
    Row("Range[start,limit,delta]", "Range", tf.range, lambda a, b, d: np.array([-7, -3, 1, 5]),
        [fixed(-7, tf.int64), fixed(8, tf.int64), fixed(4, tf.int64)], differentiable=False),
    Row("Range[downwards]", "Range", tf.range, lambda a, b, d: np.array([10, 7, 4, 1]),
        [fixed(10, tf.int32), fixed(0, tf.int32), fixed(-3, tf.int32)], differentiable=False),
    # TF1's Range has no gradient, even for float arguments
    Row("Range[float]", "Range", tf.range, lambda a, b, d: np.array([0.5, 1.25, 2.0, 2.75]),
        [fixed(0.5), fixed(3.0), fixed(0.75)], differentiable=False),
    Row("FloorDiv[int32]", "FloorDiv", tf.floordiv, lambda x, y: np.floor(x / y).astype(np.int32),
        [fixed([7, -7, 7, -7], tf.int32), fixed([2, 2, -2, -2], tf.int32)]),
    Row("FloorMod[int32]", "FloorMod", tf.floormod,
        lambda x, y: np.array([1, 2, -2, -1]),
        [fixed([7, -7, 7, -7], tf.int32), fixed([3, 3, -3, -3], tf.int32)]),
    # (x / y stays within (k, k + 1) for a small step: the floor does not move)
    Row("FloorMod[broadcast]", "FloorMod", tf.math.mod,
        lambda x, y: x - np.floor(x / y) * y,
        [fixed([[0.3, 2.6, -0.7], [1.2, -2.2, 3.1]]), fixed([1.7, -0.9, 2.0])]),
    Row("Pow[x**2,negative x]", "Pow", lambda x: x ** 2, lambda x: x * x, [nonzero(3, 4)]),
    Row("Maximum[clip_by_value]", "Maximum", lambda x: tf.clip_by_value(x, -1.0, 1.0),
        lambda x: np.minimum(np.maximum(x, -1), 1), [floats(3, 4)]),
    # ---------------------------------------------------------------------------- operators
    Row("x+y", "Add", lambda x, y: x + y, lambda x, y: x + y, [floats(3, 4), floats(4)]),
    Row("x-y", "Sub", lambda x, y: x - y, lambda x, y: x - y, [floats(3, 4), floats(4)]),
    Row("x*y", "Mul", lambda x, y: x * y, lambda x, y: x * y, [floats(3, 4), floats(4)]),
    Row("x/y", "RealDiv", lambda x, y: x / y, lambda x, y: x / y, [floats(3, 4), nonzero(4)]),
    Row("x**y", "Pow", lambda x, y: x ** y, lambda x, y: np.exp(y * np.log(x)),
        [positive(3, 4), floats(4)]),
    Row("a@b", "MatMul", lambda a, b: a @ b, lambda a, b: np.einsum("ij,jk->ik", a, b),
        [floats(3, 4), floats(4, 2)]),
    Row("-x", "Neg", lambda x: -x, lambda x: 0 - x, [floats(3, 4)]),
    Row("2-x", "Sub", lambda x: 2 - x, lambda x: 2 - x, [floats(3, 4)]),
    Row("3*x", "Mul", lambda x: 3 * x, lambda x: x + x + x, [floats(3, 4)]),
    Row("1/x", "RealDiv", lambda x: 1 / x, lambda x: 1 / x, [nonzero(3, 4)]),
    Row("x<y", "Less", lambda x, y: x < y, lambda x, y: x < y, [whole(3, 4), whole(4)],
        differentiable=False),
    Row("x<=y", "LessEqual", lambda x, y: x <= y, lambda x, y: x <= y, [whole(3, 4), whole(4)],
        differentiable=False),
    Row("x>y", "Greater", lambda x, y: x > y, lambda x, y: x > y, [whole(3, 4), whole(4)],
        differentiable=False),
    Row("x>=y", "GreaterEqual", lambda x, y: x >= y, lambda x, y: x >= y,
        [whole(3, 4), whole(4)], differentiable=False),
    Row("x[1:,::2]", "StridedSlice", lambda x: x[1:, ::2], lambda x: x[1:][:, [0, 2]],
        [floats(3, 4)]),
    Row("x[...,1]", "StridedSlice", lambda x: x[..., 1], lambda x: x[:, :, 1], [floats(2, 3, 4)]),
    Row("x[:,None,0]", "StridedSlice", lambda x: x[:, None, 0], lambda x: x[:, 0].reshape(3, 1),
        [floats(3, 4)]),
    Row("x[-1]", "StridedSlice", lambda x: x[-1], lambda x: x[2], [floats(3, 4)]),
    Row("x[::-1,-2::-2]", "StridedSlice", lambda x: x[::-1, -2::-2],
        lambda x: x[[2, 1, 0]][:, [2, 0]], [floats(3, 4)]),
    Row("x[i,1:]", "StridedSlice", lambda x, i: x[i, 1:], lambda x, i: x[i][1:],
        [floats(3, 4), fixed(1, tf.int32)]),
    Row("x[:,i:j,int64]", "StridedSlice", lambda x, i, j: x[:, i:j], lambda x, i, j: x[:, 1:3],
        [floats(3, 4), fixed(1, tf.int64), fixed(3, tf.int64)]),
    Row("x[1:2,...,None]", "StridedSlice", lambda x: x[1:2, ..., None],
        lambda x: x[1:2].reshape(1, 3, 4, 1), [floats(2, 3, 4)]),
    Row("strided_slice[masks]", "StridedSlice",
        lambda x: tf.strided_slice(x, [0, 1], [0, 3], [1, 1], begin_mask=1, end_mask=1),
        lambda x: x[:, 1:3], [floats(3, 4)]),
    # ------------------------------------------------------------------------------- unary
    *unary("Neg", tf.negative, lambda x: -x),
    *unary("Square", tf.square, lambda x: x * x),
    *unary("Sqrt", tf.sqrt, lambda x: x ** 0.5, x=positive),
    *unary("Rsqrt", tf.rsqrt, lambda x: x ** -0.5, x=positive),
    *unary("Exp", tf.exp, lambda x: np.e ** x),
    *unary("Log", tf.log, np.log, x=positive),
    *unary("Log1p", lambda x: math_ops.log1p(x), lambda x: np.log(1 + x),
           x=lambda *s: floats(*s, low=-0.5, high=2.0)),
    # a step function: TF1 gives it no gradient (None), not zeros
    *unary("Floor", lambda x: math_ops.floor(x), lambda x: x - np.mod(x, 1.0),
           x=lambda *s: floats(*s, low=-3.0, high=3.0), differentiable=False),
    *unary("Reciprocal", tf.reciprocal, lambda x: 1 / x, x=nonzero),
    *unary("Abs", tf.abs, lambda x: np.where(x < 0, -x, x), x=nonzero),
    *unary("Sign", tf.sign, lambda x: (x > 0) * 1.0 - (x < 0) * 1.0, x=nonzero),
    *unary("Sigmoid", tf.sigmoid, _sigmoid, x=lambda *s: floats(*s, low=-4, high=4)),
    *unary("Tanh", tf.tanh, lambda x: (np.exp(2 * x) - 1) / (np.exp(2 * x) + 1)),
    *unary("Relu", tf.nn.relu, lambda x: x * (x > 0), x=nonzero),
    *unary("Softplus", tf.math.softplus, lambda x: np.log(1 + np.exp(x)),
           x=lambda *s: floats(*s, low=-4, high=4)),
    *unary("LogicalNot", tf.logical_not, lambda x: ~x, x=bools),
    *unary("Identity", tf.identity, lambda x: x),
    *unary("StopGradient", tf.stop_gradient, lambda x: x, differentiable=False),
    *unary("CheckNumerics", lambda x: tf.check_numerics(x, "x is finite"), lambda x: x),
    # tf.zeros_like builds a ZerosLike op only for a shape not fully known (else tf.zeros);
    # tf.ones_like is always Fill(shape, 1) in TF1, checked with the Fill rows below
    *unary("ZerosLike", lambda x: tf.zeros_like(tf.placeholder_with_default(x, None)),
           lambda x: 0 * x, differentiable=False),
    Row("Cast[to_other_float]", "Cast",
        lambda x: tf.cast(x, tf.float32 if x.dtype == tf.float64 else tf.float64),
        lambda x: x, [floats(3, 4)],
        second_order=False),  # a float32 gradient cannot be checked with float64 steps
    Row("Cast[float_to_int32]", "Cast", lambda x: tf.cast(x, tf.int32),
        lambda x: np.trunc(x).astype(np.int32), [floats(3, 4, low=-3, high=3)],
        differentiable=False),
    Row("Cast[bool_to_float]", "Cast", lambda c: tf.cast(c, tf.float64),
        lambda c: np.where(c, 1.0, 0.0), [bools(3, 4)]),
    Row("Cast[to_float]", "Cast", tf.to_float, lambda x: x.astype(np.float32),
        [ints((3, 4), 5)]),
    Row("PlaceholderWithDefault", "PlaceholderWithDefault",
        lambda x: tf.placeholder_with_default(x, x.shape), lambda x: x, [floats(3, 4)]),
    # ----------------------------------------------------------------------------- matmul
    *_matmul_rows(),
    Row("AddN", "AddN", lambda x, y, z: tf.add_n([x, y, z]), lambda x, y, z: x + y + z,
        [floats(3, 4), floats(3, 4), floats(3, 4)]),
    # ------------------------------------------------------------------------- reductions
    *_reduce_rows(),
    # ------------------------------------------------------------ convolution and pooling
    *_conv_rows(),
    Row("ArgMax[axis=1]", "ArgMax", lambda x: tf.argmax(x, axis=1),
        lambda x: np.array([list(r).index(max(r)) for r in x]), [floats(3, 4)],
        differentiable=False),
    Row("ArgMax[axis=0,int32]", "ArgMax", lambda x: tf.argmax(x, 0, output_type=tf.int32),
        lambda x: np.array([list(c).index(max(c)) for c in x.T]), [floats(3, 4)],
        differentiable=False),
    Row("ArgMin[axis=-1]", "ArgMin", lambda x: tf.argmin(x, axis=-1),
        lambda x: np.array([list(r).index(min(r)) for r in x]), [floats(3, 4)],
        differentiable=False),
    Row("ArgMax[default_axis_0]", "ArgMax", tf.argmax,
        lambda x: np.array([list(c).index(max(c)) for c in x.T]), [floats(3, 4)],
        differentiable=False),
    Row("ArgMin[dimension_tensor]", "ArgMin",
        lambda x: tf.argmin(x, dimension=tf.placeholder_with_default(1, [])),
        lambda x: np.array([list(r).index(min(r)) for r in x]), [floats(3, 4)],
        differentiable=False),
    # --------------------------------------------------------------------------- range
    Row("Range[tensor_bounds]", "Range", lambda a, b: tf.range(a, b, 3),
        lambda a, b: np.arange(a, b, 3, dtype=np.int32), [fixed(-2, tf.int32),
                                                          fixed(9, tf.int32)]),
    Row("Range[negative_delta,float]", "Range", lambda a: tf.range(a, -1.0, -0.5),
        lambda a: np.arange(a, -1.0, -0.5), [fixed(1.0)], differentiable=False),
    Row("Range[int_start,float_limit]", "Range", lambda b: tf.range(0, b),
        lambda b: np.arange(0, b), [fixed(2.5)], differentiable=False),
    # --------------------------------------------------------------------------------- nn
    Row("Softmax", "Softmax", tf.nn.softmax,
        lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True), [floats(3, 4)]),
    Row("Softmax[3d]", "Softmax", tf.nn.softmax,
        lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True), [floats(2, 3, 4)]),
    Row("LogSoftmax", "LogSoftmax", tf.nn.log_softmax, _log_softmax, [floats(3, 4)]),
    # another axis than the last: transposed last around the op and back, as TF1 does
    Row("Softmax[axis=0]", "Softmax", lambda x: tf.nn.softmax(x, axis=0),
        lambda x: np.exp(x) / np.exp(x).sum(axis=0, keepdims=True), [floats(3, 4)]),
    Row("LogSoftmax[axis=-2,3d]", "LogSoftmax", lambda x: tf.nn.log_softmax(x, axis=-2),
        lambda x: x - np.log(np.exp(x).sum(axis=1, keepdims=True)), [floats(2, 3, 4)]),
    Row("SoftmaxCrossEntropyWithLogits[v2]", "SoftmaxCrossEntropyWithLogits",
        lambda p, x: tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, logits=x),
        lambda p, x: -(p * _log_softmax(x)).sum(axis=-1), [distribution(3, 4), floats(3, 4)]),
    # TF1's version wraps the labels in stop_gradient: no gradient flows into them
    Row("SoftmaxCrossEntropyWithLogits[v1]", "SoftmaxCrossEntropyWithLogits",
        lambda p, x: tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=x),
        lambda p, x: -(p * _log_softmax(x)).sum(axis=-1), [distribution(3, 4), floats(3, 4)],
        grad=[1], none=[0]),
    Row("SparseSoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits",
        lambda i, x: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=i, logits=x),
        lambda i, x: -_log_softmax(x)[np.arange(3), i], [ints((3,), 4), floats(3, 4)]),
    Row("SparseSoftmaxCrossEntropyWithLogits[int64]", "SparseSoftmaxCrossEntropyWithLogits",
        lambda i, x: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=i, logits=x),
        lambda i, x: -_log_softmax(x)[np.arange(3), i], [ints((3,), 4, tf.int64), floats(3, 4)]),
    # TF1's InTopKV2 takes float32 predictions only; a score tied with the k-th is in the
    # top k, and a row with a NaN (or an out-of-range target) is False
    Row("InTopKV2[k=1,ties]", "InTopKV2", lambda p, t: tf.nn.in_top_k(p, t, 1),
        _in_top_k(1), [Spec((6, 4), tf.float32, lambda rng, s: rng.integers(-1, 2, s)),
                       ints((6,), 4)], differentiable=False),
    Row("InTopKV2[k=2,nan,out_of_range,int64]", "InTopKV2",
        lambda p, t: tf.math.in_top_k(p, t, 2), _in_top_k(2),
        [fixed([[1, 2, 2], [3, 3, 3], [1, np.nan, 0], [5, 4, 4], [1, 2, 3]], tf.float32),
         fixed([1, 2, 0, 2, 3], tf.int64)], differentiable=False),
    # logits of rank 3: flattened to a matrix around the op, the loss reshaped back
    Row("SparseSoftmaxCrossEntropyWithLogits[3d]", "SparseSoftmaxCrossEntropyWithLogits",
        lambda i, x: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=i, logits=x),
        lambda i, x: -np.take_along_axis(_log_softmax(x), i[..., None], -1)[..., 0],
        [ints((2, 3), 4), floats(2, 3, 4)]),
    Row("SoftmaxCrossEntropyWithLogits[3d,axis=1]", "SoftmaxCrossEntropyWithLogits",
        lambda p, x: tf.nn.softmax_cross_entropy_with_logits_v2(labels=p, logits=x, axis=1),
        lambda p, x: -(p * (x - np.log(np.sum(np.exp(x), axis=1, keepdims=True)))).sum(axis=1),
        [distribution(2, 3, 4, axis=1), floats(2, 3, 4)]),
    # ------------------------------------------------------------------- shapes and arrays
    # (of a tensor whose static shape is unknown: a known one makes a Const, as in TF1,
    # test_shape_size_rank_of_a_known_shape_are_consts)
    Row("Shape", "Shape", lambda x: tf.shape(_unshaped(x)), lambda x: np.array([2, 3, 4]),
        [floats(2, 3, 4)], differentiable=False),
    Row("Size", "Size", lambda x: tf.size(_unshaped(x)), lambda x: 24, [floats(2, 3, 4)],
        differentiable=False),
    Row("Rank", "Rank", lambda x: tf.rank(_unshaped(x)), lambda x: 3, [floats(2, 3, 4)],
        differentiable=False),
    Row("Reshape[-1]", "Reshape", lambda x: tf.reshape(x, [-1]), lambda x: x.ravel(),
        [floats(2, 3, 4)]),
    Row("Reshape[4,-1]", "Reshape", lambda x: tf.reshape(x, [4, -1]),
        lambda x: x.ravel().reshape(4, 6), [floats(2, 3, 4)]),
    Row("Reshape[shape_tensor]", "Reshape", lambda x, y: tf.reshape(x, tf.shape(y)),
        lambda x, y: x.reshape(y.shape), [floats(2, 6), floats(3, 4)], grad=[0]),
    Row("Transpose", "Transpose", tf.transpose, lambda x: np.einsum("ijk->kji", x),
        [floats(2, 3, 4)]),
    Row("Transpose[perm=1,0,2]", "Transpose", lambda x: tf.transpose(x, [1, 0, 2]),
        lambda x: np.einsum("ijk->jik", x), [floats(2, 3, 4)]),
    # a permutation known only at run time: the gradient inverts it with InvertPermutation
    Row("Transpose[perm_tensor]", "Transpose", lambda x, p: tf.transpose(x, p),
        lambda x, p: np.einsum("ijk->kij", x), [floats(2, 3, 4), fixed([2, 0, 1], tf.int32)]),
    # (the permutation is Range(Rank(x) - 1, -1, -1); the gradient has no known rank, which
    # test_gradient asks for: forward only)
    Row("Transpose[unknown_rank]", "Transpose", lambda x: tf.transpose(_unshaped(x)),
        lambda x: np.einsum("ijk->kji", x), [floats(2, 3, 4)], grad=[]),
    Row("Reshape[packed_shape]", "Reshape", lambda x: tf.reshape(x, [tf.shape(x)[0], -1]),
        lambda x: x.reshape(2, 12), [floats(2, 3, 4)]),
    Row("ConcatV2[axis=0]", "ConcatV2", lambda a, b: tf.concat([a, b], 0),
        lambda a, b: np.vstack([a, b]), [floats(2, 3), floats(1, 3)]),
    Row("ConcatV2[axis=-1,3_inputs]", "ConcatV2", lambda a, b, c: tf.concat([a, b, c], -1),
        lambda a, b, c: np.hstack([a, b, c]), [floats(2, 1), floats(2, 3), floats(2, 2)]),
    Row("ConcatV2[axis_tensor]", "ConcatV2",
        lambda a, b, k: tf.concat([a, b], k), lambda a, b, k: np.hstack([a, b]),
        [floats(2, 1), floats(2, 3), fixed(1, tf.int32)]),
    Row("Pack[axis=0]", "Pack", lambda a, b: tf.stack([a, b]),
        lambda a, b: np.array([a, b]), [floats(3, 4), floats(3, 4)]),
    Row("Pack[axis=1]", "Pack", lambda a, b: tf.stack([a, b], axis=1),
        lambda a, b: np.array([[ra, rb] for ra, rb in zip(a, b)]), [floats(3, 4), floats(3, 4)]),
    Row("Pack[axis=-1,python_entry]", "Pack", lambda a: tf.stack([a, 2 * a, a], axis=-1),
        lambda a: np.array([[ra, 2 * ra, ra] for ra in a]), [floats(3)]),
    Row("Unpack[axis=0]", "Unpack", lambda x: tf.unstack(x, num=3)[1], lambda x: x[1],
        [floats(3, 4)]),
    Row("Unpack[axis=1]", "Unpack", lambda x: tf.unstack(x, axis=1)[2] * 2,
        lambda x: x[:, 2] * 2, [floats(3, 4)]),
    Row("Slice", "Slice", lambda x: tf.slice(x, [1, 0], [2, 3]), lambda x: x[1:3, 0:3],
        [floats(3, 4)]),
    Row("Slice[size=-1,tensor_begin]", "Slice", lambda x, b: tf.slice(x, [b, 1], [-1, -1]),
        lambda x, b: x[1:, 1:], [floats(3, 4), fixed(1, tf.int32)]),
    Row("ExpandDims[0]", "ExpandDims", lambda x: tf.expand_dims(x, 0), lambda x: x[None],
        [floats(3, 4)]),
    Row("ExpandDims[-1]", "ExpandDims", lambda x: tf.expand_dims(x, -1), lambda x: x[..., None],
        [floats(3, 4)]),
    Row("ExpandDims[dim_tensor]", "ExpandDims", lambda x, d: tf.expand_dims(x, d),
        lambda x, d: x[:, None], [floats(3, 4), fixed(1, tf.int32)]),
    Row("Squeeze", "Squeeze", tf.squeeze, lambda x: x.reshape(3, 4), [floats(3, 1, 4)]),
    Row("Squeeze[axis=1]", "Squeeze", lambda x: tf.squeeze(x, axis=[1]),
        lambda x: x[:, 0, :, :], [floats(3, 1, 1, 4)]),
    Row("Tile", "Tile", lambda x: tf.tile(x, [2, 3]), lambda x: np.block([[x] * 3] * 2),
        [floats(2, 3)]),
    Row("Tile[multiples_tensor]", "Tile", lambda x, m: tf.tile(x, m),
        lambda x, m: np.block([[x] * 3] * 2), [floats(2, 3), fixed([2, 3], tf.int32)]),
    Row("GatherV2[axis=0]", "GatherV2", lambda x, i: tf.gather(x, i),
        lambda x, i: np.array([x[k] for k in i]), [floats(4, 3), fixed([2, 0, 2], tf.int32)]),
    Row("GatherV2[axis=1,2d_indices]", "GatherV2", lambda x, i: tf.gather(x, i, axis=1),
        lambda x, i: x[:, i], [floats(3, 4), fixed([[1, 1], [3, 0]], tf.int64)]),
    Row("GatherV2[axis_tensor]", "GatherV2", lambda x, i, a: tf.gather(x, i, axis=a),
        lambda x, i, a: x[:, i], [floats(3, 4), fixed([3, 0, 3], tf.int32),
                                  fixed(-1, tf.int32)]),
    Row("OneHot", "OneHot", lambda i: tf.one_hot(i, 4), lambda i: np.eye(4)[i],
        [ints((3,), 4)]),
    Row("OneHot[on,off,axis=0,float64]", "OneHot",
        lambda i: tf.one_hot(i, 4, on_value=5.0, off_value=-1.0, axis=0, dtype=tf.float64),
        lambda i: (np.eye(4)[i] * 6 - 1).T, [ints((3,), 4)]),
    Row("OneHot[depth_tensor,int32]", "OneHot", lambda i, d: tf.one_hot(i, d, on_value=7),
        lambda i, d: np.eye(5, dtype=np.int32)[i] * 7, [ints((3,), 5), fixed(5, tf.int32)]),
    Row("InvertPermutation", "InvertPermutation", tf.invert_permutation,
        lambda p: np.array([1, 2, 0]), [fixed([2, 0, 1], tf.int32)]),
    Row("Fill", "Fill", lambda v: tf.fill([2, 3], v), lambda v: v + np.zeros((2, 3)),
        [floats()]),
    Row("Fill[ones_like]", "Fill", tf.ones_like, lambda x: 0 * x + 1, [floats(3, 4)],
        differentiable=False),
    Row("Fill[ones_like,int32]", "Fill", lambda x: tf.ones_like(x, dtype=tf.int32),
        lambda x: np.ones(x.shape, np.int32), [floats(3, 4)], differentiable=False),
    Row("Fill[zeros_like,int32,unknown_shape]", "Fill",
        lambda x: tf.zeros_like(tf.placeholder_with_default(x, None), dtype=tf.int32),
        lambda x: np.zeros(x.shape, np.int32), [floats(3, 4)], differentiable=False),
    Row("Fill[zeros,1000_elements]", "Fill", lambda x: x + tf.zeros((10, 100), x.dtype),
        lambda x: x + np.zeros((10, 100)), [floats(100)]),
    Row("Fill[ones,from_shape]", "Fill", lambda x: x * tf.ones(tf.shape(x), x.dtype),
        lambda x: x * 1.0, [floats(3, 4)]),
    Row("BroadcastTo", "BroadcastTo", lambda x: tf.broadcast_to(x, [2, 3, 4]),
        lambda x: x + np.zeros((2, 3, 4)), [floats(3, 1)]),
    Row("Select", "Select", tf.where, lambda c, x, y: np.choose(c.astype(int), [y, x]),
        [bools(3, 4), floats(3, 4), floats(3, 4)]),
    # TF1's Select picks whole rows with a vector condition, x or y with a scalar one; it
    # broadcasts nothing else: tf.where_v2's SelectV2 does
    Row("Select[vector_condition]", "Select", tf.where,
        lambda c, x, y: np.array([a if k else b for k, a, b in zip(c, x, y)]),
        [bools(3), floats(3, 4), floats(3, 4)]),
    Row("Select[scalar_condition]", "Select", lambda x, y: tf.where(tf.constant(False), x, y),
        lambda x, y: y, [floats(3, 4), floats(3, 4)]),
    Row("SelectV2[broadcast]", "SelectV2", tf.where_v2,
        lambda c, x, y: np.choose(c.astype(int), [y + 0 * x, x + 0 * y]),
        [bools(3, 1), floats(3, 4), floats(4)]),
    Row("Where", "Where", tf.where,
        lambda c: np.array([(i, j) for i in range(3) for j in range(4) if c[i, j]]),
        [bools(3, 4)]),
    Row("GatherNd", "GatherNd", tf.gather_nd, lambda x, i: x[tuple(np.transpose(i))],
        [floats(3, 4), fixed([[2, 1], [0, 3], [2, 1]], tf.int32)]),
    Row("GatherNd[slices,int64]", "GatherNd", tf.gather_nd, lambda x, i: x[i[:, 0]],
        [floats(3, 2, 2), fixed([[1], [0], [1]], tf.int64)]),
    Row("ScatterNd", "ScatterNd", lambda u: tf.scatter_nd([[0, 1], [2, 0], [0, 1]], u, [3, 4]),
        lambda u: _scatter_nd_ref([[0, 1], [2, 0], [0, 1]], u, (3, 4)), [floats(3)]),
    Row("ScatterNd[slices]", "ScatterNd",
        lambda u: tf.scatter_nd([[2], [0]], u, [3, 4]),
        lambda u: _scatter_nd_ref([[2], [0]], u, (3, 4)), [floats(2, 4)]),
    Row("SparseToDense", "SparseToDense",
        lambda v, d: tf.sparse_to_dense([[0, 1], [1, 3], [2, 0]], [3, 4], v, d),
        lambda v, d: _sparse_to_dense_ref([[0, 1], [1, 3], [2, 0]], (3, 4), v, d),
        [floats(3), floats()]),
    Row("SparseToDense[vector,int64]", "SparseToDense",
        lambda v: tf.sparse_to_dense(tf.constant([0, 2], tf.int64), [4], v, -1),
        lambda v: np.array([v[0], -1, v[1], -1]), [ints((2,), 9, tf.int64)]),
    # ---------------------------------- gradient ops: the rows are second-order checks
    Row("ReluGrad", "ReluGrad", lambda x, dy: tf.gradients(tf.nn.relu(x), x, grad_ys=dy)[0],
        lambda x, dy: np.where(x > 0, dy, 0), [nonzero(3, 4), floats(3, 4)]),
    Row("SigmoidGrad", "SigmoidGrad",
        lambda x, dy: tf.gradients(tf.sigmoid(x), x, grad_ys=dy)[0],
        lambda x, dy: dy * _sigmoid(x) * _sigmoid(-x), [floats(3, 4), floats(3, 4)]),
    Row("TanhGrad", "TanhGrad", lambda x, dy: tf.gradients(tf.tanh(x), x, grad_ys=dy)[0],
        lambda x, dy: dy / np.cosh(x) ** 2, [floats(3, 4), floats(3, 4)]),
    # (built directly: a broadcasting op's gradient uses it only where the static shapes
    # do not tell the axes to sum; otherwise it is TF1's Reshape(Sum(...)), which the Add
    # and Mul rows test)
    Row("SumToShape[3x1]", "SumToShape",
        lambda x, y, dz: _sum_to_shape_op(dz, x + y, y),
        lambda x, y, dz: dz @ np.ones((4, 1)), [floats(3, 4), floats(3, 1), floats(3, 4)],
        grad=[2]),
    Row("SumToShape[4]", "SumToShape",
        lambda x, y, dz: _sum_to_shape_op(dz, x * y, y),
        lambda x, y, dz: dz.sum(axis=(0, 1)), [floats(2, 3, 4), floats(4),
                                                          floats(2, 3, 4)]),
    Row("ReducedShape[grad_of_Sum,axis_tensor]", "ReducedShape",
        lambda x, dy: tf.gradients(tf.reduce_sum(x, tf.placeholder_with_default(1, [])), x,
                                   grad_ys=dy)[0],
        lambda x, dy: dy[:, None] * np.ones((3, 4)), [floats(3, 4), floats(3)], grad=[1]),
    Row("ProdOfOthers[grad_of_Prod]", "ProdOfOthers",
        lambda x, dy: tf.gradients(tf.reduce_prod(x, [0, 2]), x, grad_ys=dy)[0],
        lambda x, dy: dy[None, :, None] * np.prod(x, axis=(0, 2), keepdims=True) / x,
        [nonzero(2, 3, 4), floats(3)]),
    Row("BroadcastTo[grad_of_Sum]", "BroadcastTo",
        lambda x, dy: tf.gradients(tf.reduce_sum(x, 1), x, grad_ys=dy)[0],
        lambda x, dy: dy[:, None] * np.ones((3, 4)), [floats(3, 4), floats(3)], grad=[1]),
    Row("BroadcastTo[grad_of_Mean]", "BroadcastTo",
        lambda x, dy: tf.gradients(tf.reduce_mean(x, [0, 2]), x, grad_ys=dy)[0],
        lambda x, dy: dy[None, :, None] * np.ones((2, 3, 4)) / 8,
        [floats(2, 3, 4), floats(3)], grad=[1]),
    Row("TileGrad", "TileGrad", lambda x, dy: tf.gradients(tf.tile(x, [2, 3]), x, grad_ys=dy)[0],
        lambda x, dy: sum(dy[2 * i:2 * i + 2, 3 * j:3 * j + 3] for i in range(2) for j in range(3)),
        [floats(2, 3), floats(4, 9)], grad=[1]),
    Row("GatherGrad[axis=0]", "GatherGrad",
        lambda x, dy: tf.gradients(tf.gather(x, [2, 0, 2]), x, grad_ys=dy)[0],
        lambda x, dy: _scatter_add(x.shape, [2, 0, 2], dy, 0), [floats(4, 3), floats(3, 3)],
        grad=[1]),
    Row("GatherGrad[axis=1,2d_indices]", "GatherGrad",
        lambda x, dy: tf.gradients(tf.gather(x, [[1, 1], [3, 0]], axis=1), x, grad_ys=dy)[0],
        lambda x, dy: _scatter_add(x.shape, [[1, 1], [3, 0]], dy, 1),
        [floats(3, 4), floats(3, 2, 2)], grad=[1]),
    # a concat's gradient: Slices of dy at the offsets ConcatOffset computes
    Row("Slice[grad_of_concat,axis=0,first]", "Slice",
        lambda a, b, dy: tf.gradients(tf.concat([a, b], 0), a, grad_ys=dy)[0],
        lambda a, b, dy: dy[:2], [floats(2, 3), floats(1, 3), floats(3, 3)], grad=[2]),
    Row("Slice[grad_of_concat,axis=-1,middle]", "Slice",
        lambda a, b, c, dy: tf.gradients(tf.concat([a, b, c], -1), b, grad_ys=dy)[0],
        lambda a, b, c, dy: dy[:, 1:4], [floats(2, 1), floats(2, 3), floats(2, 2), floats(2, 6)],
        grad=[3]),
    Row("ConcatOffset", "ConcatOffset",
        lambda a, b, c, dy: _concat_offsets(tf.concat([a, b, c], -1), dy)[2],
        lambda a, b, c, dy: np.array([0, 4]), [floats(2, 1), floats(2, 3), floats(2, 2),
                                               floats(2, 6)], differentiable=False),
    # a slice's gradient pads dy with zeros; a pad's, in turn, slices
    Row("Pad[grad_of_slice]", "Pad",
        lambda x, dy: tf.gradients(tf.slice(x, [1, 0], [2, 3]), x, grad_ys=dy)[0],
        lambda x, dy: np.pad(dy, [(1, 0), (0, 1)]), [floats(3, 4), floats(2, 3)], grad=[1]),
    # an unstack's gradient stacks, filling in zeros for the slices not used
    Row("Pack[grad_of_unstack]", "Pack",
        lambda x, dy: tf.gradients(tf.unstack(x, axis=1)[1], x, grad_ys=dy)[0],
        lambda x, dy: np.pad(dy[:, None], [(0, 0), (1, 2)]), [floats(3, 4), floats(3)],
        grad=[1]),
    Row("StridedSliceGrad", "StridedSliceGrad",
        lambda x, dy: tf.gradients(x[1:, ::2], x, grad_ys=dy)[0],
        lambda x, dy: _strided_slice_grad(x.shape, dy), [floats(3, 4), floats(2, 2)], grad=[1]),
]


# -- control flow: tf.cond (Switch, Merge) and tf.while_loop (Enter, Merge, Switch, LoopCond,
#    NextIteration, Exit), run with each predicate; the gradients go through the same ops
#    (a while loop's through a loop running backwards: no second order, as in TF1)

def _cond(x, y, p):
    return tf.cond(p, lambda: x * y + tf.tanh(x), lambda: tf.square(x) - y)


def _cond_ref(x, y, p):
    return x * y + np.tanh(x) if p else np.square(x) - y


def _loop(x, w):
    return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.tanh(a) * w + x),
                         [tf.constant(0), x])[1]


def _loop_ref(x, w):
    a = x
    for _ in range(3):
        a = np.tanh(a) * w + x
    return a


def _loop_max(x):
    return tf.while_loop(lambda a: tf.reduce_sum(a) < 100.0, lambda a: a * 1.5 + x, [x],
                         maximum_iterations=4)


def _loop_max_ref(x):
    a, n = x, 0
    while np.sum(a) < 100.0 and n < 4:
        a, n = a * 1.5 + x, n + 1
    return a


ROWS += [
    Row("cond[true]", "Switch", _cond, _cond_ref,
        [floats(3, 4), floats(4), fixed(True, tf.bool)]),
    Row("cond[false]", "Merge", _cond, _cond_ref,
        [floats(3, 4), floats(4), fixed(False, tf.bool)]),
    Row("while_loop[tanh]", "Enter", _loop, _loop_ref, [floats(3, 4), floats(4)],
        second_order=False),
    Row("while_loop[maximum_iterations]", "LoopCond", _loop_max, _loop_max_ref,
        [positive(2, 3)], second_order=False),
    Row("while_loop[two_vars]", "NextIteration",
        lambda x, y: tf.add_n(tf.while_loop(lambda a, b: tf.reduce_sum(b) < 50.0,
                                            lambda a, b: (a * b, b + 1.0), [x, y])),
        lambda x, y: _two_vars_ref(x, y), [floats(2, 2), positive(2, 2)], second_order=False),
    Row("while_loop[zero_iterations]", "Exit",
        lambda x: tf.while_loop(lambda a: tf.reduce_sum(a) > 1e9, lambda a: tf.exp(a), [x]),
        lambda x: x, [floats(3)], second_order=False),
]


def _two_vars_ref(x, y):
    a, b = x, y
    while np.sum(b) < 50.0:
        a, b = a * b, b + 1.0
    return a + b


# Registered ops that need no row here, each with the reason.
COVERED_ELSEWHERE = {
    # Sources: every row is built from Placeholders (and constants), so both run in every
    # forward test; the dtype rules of constants have test_constant_dtypes below. Feeding
    # and its errors belong to the session tests.
    "Placeholder", "Const",
    # Variables live in the session: the variable tests cover reading and assigning.
    "VariableV2", "Assign", "AssignAdd", "AssignSub", "IsVariableInitialized",
    # TF1's fused optimizer updates write variables: tests/test_training_ops.py checks each
    # against numpy and TF1's recorded kernels, tests/test_optimizers.py the optimizers.
    "ApplyGradientDescent", "ApplyMomentum", "ApplyAdam", "ApplyAdagrad", "ApplyRMSProp",
    "ApplyCenteredRMSProp", "ApplyAdadelta",
    # Does nothing; tf.group / control dependencies are session tests.
    "NoOp",
    # Random numbers have no numpy reference value to compare with; seeding is tested with
    # the session.
    "RandomStandardNormal", "TruncatedNormal", "RandomUniform", "RandomUniformInt",
    # Summaries compute a record for TensorBoard, not an array: the summary tests cover them.
    "ScalarSummary", "HistogramSummary", "ImageSummary", "MergeSummary",
    # tf.data: a dataset op computes a pipeline, not an array, and the iterator ops keep
    # their position in the session; tests/test_data.py checks their elements against numpy.
    "TensorSliceDataset", "TensorDataset", "RangeDataset", "BatchDatasetV2", "ShuffleDataset",
    "RepeatDataset", "TakeDataset", "SkipDataset", "ZipDataset", "ConcatenateDataset",
    "PrefetchDataset", "MapDataset", "FilterDataset", "IteratorV2", "OneShotIterator",
    "MakeIterator", "IteratorGetNext", "IteratorToStringHandle", "IteratorFromStringHandleV2",
    # Lookup tables live in the session (a dict, not an array), like the iterators:
    # tests/test_feature_column.py checks filling, looking up and their errors against TF1's.
    "HashTableV2", "LookupTableImportV2", "LookupTableFindV2",
    # Control flow ops of values TF1 holds by reference (an assign's result in a branch), a
    # run-time check, and the stacks a while loop's gradient keeps its forward values on (and
    # the ControlTrigger ordering the pushes made in a cond branch):
    # tests/test_control_flow.py runs each (branches with assigns, tf.case's and tf.Assert's
    # failures, gradients through loops against central differences and TF1).
    "RefSwitch", "RefMerge", "Assert", "StackV2", "StackPushV2", "StackPopV2", "ControlTrigger",
}


def _cases(dtypes_and_shapes, rows):
    return [pytest.param(row, dtype, static,
                         id="%s-%s-%s" % (row.id, dtype.name, "static" if static else "batch=None"))
            for row in rows for dtype, static in dtypes_and_shapes
            if row.has_floats or dtype == tf.float64]


# ------------------------------------------------------------------------------- tests

@pytest.mark.parametrize("row, dtype, static", _cases(
    [(tf.float64, True), (tf.float32, True), (tf.float64, False)], ROWS))
def test_forward(row, dtype, static):
    y, xs, feed = row.make(dtype, static)
    assert row.op in {op.type for op in y.graph.get_operations()}, \
        "row %s does not build a %s op" % (row.id, row.op)
    with tf.Session() as sess:
        got = sess.run(y, feed)
    want = np.asarray(row.expected(xs, feed))

    assert isinstance(got, (np.ndarray, np.generic)), type(got)
    assert got.dtype == y.dtype.as_numpy_dtype, (got.dtype, y.dtype)
    assert y.shape.is_compatible_with(got.shape), (y.shape, got.shape)
    assert got.shape == want.shape, (got.shape, want.shape)
    if y.dtype.is_floating:
        tol = dict(rtol=1e-10, atol=1e-12) if y.dtype == tf.float64 else dict(rtol=1e-5,
                                                                              atol=1e-6)
        np.testing.assert_allclose(got, want, **tol)
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("row, dtype, static", _cases(
    [(tf.float64, True), (tf.float64, False)], [r for r in ROWS if r.grad]))
def test_gradient(row, dtype, static):
    y, xs, feed = row.make(dtype, static)
    wrt = [xs[i] for i in row.grad]
    grads = tf.gradients(y, wrt)
    with tf.Session() as sess:
        for x, g in zip(wrt, grads):
            if g is not None:  # None: y does not depend on x (checked as 0 below)
                assert g.dtype == x.dtype
                assert g.shape.is_compatible_with(x.shape), (g.shape, x.shape)
                assert g.shape.ndims == x.shape.ndims, (g.shape, x.shape)  # rank is known
                assert np.shape(sess.run(g, feed)) == feed[x].shape
    check_gradients(y, wrt, feed)


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id)
                                 for r in ROWS if r.grad and r.second_order])
def test_second_order(row):
    y, xs, feed = row.make(tf.float64)
    wrt = [xs[i] for i in row.grad]
    with tf.Session() as sess:
        y_value = sess.run(y, feed)
    dy = tf.placeholder(y.dtype, y.shape)
    feed[dy] = np.random.default_rng(1).uniform(-1.0, 1.0, np.shape(y_value))
    for g in tf.gradients(y, wrt, grad_ys=dy):
        # g is dy itself for Identity, Add...: no op of this row is left to differentiate
        if g is not None and g is not dy:
            check_gradients(g, wrt + [dy], feed)


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS if r.none])
def test_no_gradient(row):
    y, xs, feed = row.make(tf.float64)
    if not y.dtype.is_floating:
        y = tf.cast(y, tf.float64)
    grads = tf.gradients(y, [xs[i] for i in row.none])
    assert all(g is None for g in grads), grads


def test_every_op_has_a_row():
    for module in pkgutil.iter_modules(tf.ops.__path__):  # register every op module's ops
        importlib.import_module("minigraph.ops." + module.name)
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), "duplicate row ids"
    tested = {row.op for row in ROWS}
    assert not tested - set(REGISTRY), "rows for unregistered ops"
    assert COVERED_ELSEWHERE <= set(REGISTRY), "stale entries in COVERED_ELSEWHERE"
    assert not tested & COVERED_ELSEWHERE, "ops both in the table and in COVERED_ELSEWHERE"
    missing = set(REGISTRY) - tested - COVERED_ELSEWHERE
    assert not missing, "registered ops without a row in tests/test_ops.py: %s" % sorted(missing)


def _namespace(space):
    """The module ``tf.<space>`` ("" is ``tf`` itself)."""
    module = tf
    for part in filter(None, space.split(".")):
        module = getattr(module, part)
    return module


def _public(space, name):
    return "tf." + ".".join(filter(None, (space, name)))


EXPORTS = [pytest.param(space, name, id=_public(space, name))
           for space in NAMESPACES for name in sorted(exported(space))]


@pytest.mark.parametrize("space, name", EXPORTS)
def test_exports_are_in_their_namespaces(space, name):
    module = _namespace(space)
    assert getattr(module, name, None) is exported(space)[name], \
        "%s is exported but missing from %s" % (_public(space, name), module.__name__)
    assert name in module.__all__


with open(os.path.join(os.path.dirname(__file__), "tf_reference", "api_names.json")) as _f:
    TF1_NAMES = json.load(_f)  # written by tests/tf_reference/generate.py from real TF


@pytest.mark.parametrize("space, name", EXPORTS)
def test_exports_are_tf1_names(space, name):
    """The ``tf.`` namespaces hold only TF1's names (tf.compat.v1 of TF 2.21)."""
    assert name in TF1_NAMES[space], "%s is not a TF1 name" % _public(space, name)


PUBLIC = {
    tf: ["add", "add_n", "subtract", "multiply", "divide", "negative", "matmul", "maximum",
         "minimum", "pow", "square", "sqrt", "exp", "log", "abs", "sigmoid", "tanh",
         "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reshape", "transpose",
         "concat", "expand_dims", "squeeze", "tile", "gather", "one_hot", "where", "identity",
         "stop_gradient", "cast", "clip_by_value", "argmax", "argmin", "equal", "not_equal",
         "less", "greater", "shape", "size", "check_numerics"],
    tf.nn: ["relu", "sigmoid", "softmax", "log_softmax", "softmax_cross_entropy_with_logits",
            "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits",
            "softplus"],
    tf.math: ["softplus", "log1p", "exp", "reduce_sum", "argmax", "softmax", "floor"],
    tf.linalg: ["matmul"],
}


@pytest.mark.parametrize("module, name", [pytest.param(m, n, id="%s.%s" % (m.__name__, n))
                                          for m, names in PUBLIC.items() for n in names])
def test_public_function_is_exposed(module, name):
    assert callable(getattr(module, name, None))
    assert name in module.__all__


@pytest.mark.parametrize("method", ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__",
                                    "__rmul__", "__truediv__", "__rtruediv__", "__pow__",
                                    "__matmul__", "__neg__", "__lt__", "__le__", "__gt__",
                                    "__ge__", "__getitem__"])
def test_tensor_operator_is_defined(method):
    assert callable(getattr(tf.Tensor, method, None))


# ---------------------------------------------------------------- semantics, one by one

@pytest.mark.parametrize("static", [True, False], ids=["static", "batch=None"])
def test_broadcast_gradient_has_the_input_shape(static):
    x = tf.placeholder(tf.float64, [3, 4] if static else [None, 4])
    y = tf.placeholder(tf.float64, [3, 1] if static else [None, 1])
    gx, gy = tf.gradients(x + y, [x, y])
    assert gy.shape.is_compatible_with([3, 1]) and gx.shape.is_compatible_with([3, 4])
    if static:
        assert gy.shape == [3, 1]
    with tf.Session() as sess:
        gx_val, gy_val = sess.run([gx, gy], {x: np.ones((3, 4)), y: np.ones((3, 1))})
    np.testing.assert_array_equal(gy_val, np.full((3, 1), 4.0))
    np.testing.assert_array_equal(gx_val, np.ones((3, 4)))


@pytest.mark.parametrize("reduce, x, want", [
    (tf.reduce_max, [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]]),
    (tf.reduce_min, [[1.0, 3.0, 1.0], [5.0, 4.0, 6.0]], [[0.5, 0, 0.5], [0, 1, 0]]),
], ids=["Max", "Min"])
def test_reduce_max_min_ties_split_the_gradient_evenly(reduce, x, want):
    t = tf.constant(x, dtype=tf.float64)
    g, = tf.gradients(reduce(t, axis=1), t)
    g_all, = tf.gradients(reduce(t), t)  # over all elements: ties across rows too
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g), want, rtol=1e-12)
        x = np.array(x)
        hit = (x == (x.max() if reduce is tf.reduce_max else x.min())).astype(float)
        np.testing.assert_allclose(sess.run(g_all), hit / hit.sum(), rtol=1e-12)


@pytest.mark.parametrize("reduce", [tf.reduce_sum, tf.reduce_mean, tf.reduce_max,
                                    tf.reduce_min, tf.reduce_prod])
def test_reduce_over_all_axes_of_unknown_rank_has_a_gradient(reduce):
    x = tf.placeholder(tf.float64)  # nothing known of its shape, not even the rank
    check_gradients(reduce(x), [x], {x: np.random.default_rng(0).uniform(-1, 1, (2, 3))})


@pytest.mark.parametrize("fn", [tf.maximum, tf.minimum], ids=["maximum", "minimum"])
def test_maximum_minimum_ties_send_the_gradient_to_x(fn):
    x = tf.constant([1.0, 2.0, 3.0], dtype=tf.float64)
    y = tf.constant([1.0, 2.0, 3.0], dtype=tf.float64)
    gx, gy = tf.gradients(fn(x, y), [x, y])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(gx), [1.0, 1.0, 1.0])
        np.testing.assert_array_equal(sess.run(gy), [0.0, 0.0, 0.0])


def test_integer_truediv_casts_to_float64():
    a = tf.constant([1, 2, -3])
    b = tf.constant([2, 4, 2])
    for q in (a / b, tf.divide(a, b), tf.truediv(a, b), a / 2):
        assert q.dtype == tf.float64
        with tf.Session() as sess:
            got = sess.run(q)
        assert got.dtype == np.float64
    np.testing.assert_array_equal(got, [0.5, 1.0, -1.5])
    # small integers go to float32, as in TF
    assert (tf.constant([1, 2], dtype=tf.int16) / 2).dtype == tf.float32


def test_constant_dtypes():
    assert tf.constant(1.5).dtype == tf.float32
    assert tf.constant([1.0, 2.0]).dtype == tf.float32
    assert tf.constant(1).dtype == tf.int32
    assert tf.constant([[1, 2]]).dtype == tf.int32
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant(np.zeros(2)).dtype == tf.float64  # numpy arrays keep their dtype
    x64 = tf.placeholder(tf.float64, [2])
    x32 = tf.placeholder(tf.float32, [2])
    for y in (x64 * 2, 2 * x64, x64 + 1.5, x64 - 1, 1 / x64, x64 ** 2):
        assert y.dtype == tf.float64
    for y in (x32 * 2, 2 * x32, x32 + np.float64(1.5), tf.maximum(x32, 0)):
        assert y.dtype == tf.float32
    with tf.Session() as sess:
        got = sess.run(x32 * 2, {x32: [1.0, 2.0]})
    assert got.dtype == np.float32


@pytest.mark.parametrize("fn", [tf.add, tf.subtract, tf.multiply, tf.divide, tf.maximum,
                                tf.matmul, tf.equal, tf.less])
def test_float32_with_float64_raises_type_error(fn):
    a = tf.placeholder(tf.float32, [2, 2])
    b = tf.placeholder(tf.float64, [2, 2])
    with pytest.raises(TypeError):
        fn(a, b)
    with pytest.raises(TypeError):
        fn(b, a)


@pytest.mark.parametrize("build, op_type, shapes", [
    (lambda: tf.matmul(tf.zeros([3, 4]), tf.zeros([5, 6])), "MatMul", ["[3,4]", "[5,6]"]),
    (lambda: tf.zeros([3, 4]) @ tf.zeros([5, 6]), "MatMul", ["[3,4]", "[5,6]"]),
    (lambda: tf.add(tf.zeros([2, 3]), tf.zeros([4])), "Add", ["[2,3]", "[4]"]),
    (lambda: tf.zeros([2, 3]) * tf.zeros([2, 4]), "Mul", ["[2,3]", "[2,4]"]),
    (lambda: tf.concat([tf.zeros([2, 3]), tf.zeros([2, 4])], 0), "ConcatV2", ["[2,3]", "[2,4]"]),
    (lambda: tf.reshape(tf.zeros([2, 3]), [4, 2]), "Reshape", ["[2,3]"]),
    (lambda: tf.add_n([tf.zeros([2, 3]), tf.zeros([3, 2])]), "AddN", ["[2,3]", "[3,2]"]),
    (lambda: tf.nn.conv2d(tf.zeros([1, 5, 5, 3]), tf.zeros([3, 3, 2, 4]), 1, "SAME"), "Conv2D",
     ["[1,5,5,3]", "[3,3,2,4]"]),
    (lambda: tf.nn.conv2d(tf.zeros([1, 2, 5, 3]), tf.zeros([3, 3, 3, 4]), 1, "VALID"), "Conv2D",
     ["[1,2,5,3]", "[3,3,3,4]"]),
    (lambda: tf.nn.max_pool(tf.zeros([1, 2, 2, 1]), 3, 1, "VALID"), "MaxPool", ["[1,2,2,1]"]),
    (lambda: tf.nn.bias_add(tf.zeros([2, 3]), tf.zeros([4])), "BiasAdd", ["[2,3]", "[4]"]),
], ids=["matmul", "@", "add", "*", "concat", "reshape", "add_n", "conv2d_channels",
        "conv2d_too_small", "max_pool_too_small", "bias_add"])
def test_known_shape_mismatch_raises_value_error(build, op_type, shapes):
    with pytest.raises(ValueError) as info:
        build()
    message = str(info.value)
    assert op_type in message
    for s in shapes:
        assert s in message


def test_conv_and_pool_across_batch_or_channels_fail_the_run_as_in_tf1():
    """TF1 builds these, and its CPU kernels refuse to run them (UnimplementedError)."""
    x = tf.placeholder(tf.float32, (2, 4, 4, 3))
    conv = tf.nn.conv2d(x, tf.zeros([2, 2, 3, 1]), [2, 1, 1, 1], "SAME")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.UnimplementedError, match="strides in the batch"):
            sess.run(conv, {x: np.zeros((2, 4, 4, 3))})
    with pytest.raises(ValueError, match="padding"):
        tf.nn.conv2d(x, tf.zeros([2, 2, 3, 1]), 1, "FULL")


@pytest.mark.parametrize("fmt, given, stored", [
    ("NHWC", 2, (1, 2, 2, 1)), ("NHWC", [2], (1, 2, 2, 1)), ("NHWC", (2, 3), (1, 2, 3, 1)),
    ("NHWC", [1, 2, 3, 1], (1, 2, 3, 1)), ("NCHW", 2, (1, 1, 2, 2)),
    ("NCHW", (2, 3), (1, 1, 2, 3)), ("NCHW", np.array([1, 1, 2, 3]), (1, 1, 2, 3)),
])
def test_window_attributes_are_stored_as_four_entries_in_the_data_format(fmt, given, stored):
    """As TF1's nn_ops: an int or a pair is the height and width; 4 entries are kept as given
    (an array of 4 too: it is already in ``data_format``)."""
    x = tf.placeholder(tf.float32, (1, 3, 8, 8) if fmt == "NCHW" else (1, 8, 8, 3))
    conv = tf.nn.conv2d(x, tf.zeros([2, 2, 3, 1]), given, "SAME", data_format=fmt)
    pool = tf.nn.max_pool(x, given, given, "VALID", data_format=fmt)
    assert conv.op.get_attr("strides") == stored
    assert pool.op.get_attr("ksize") == pool.op.get_attr("strides") == stored
    with pytest.raises(ValueError, match="strides should be of length 1, 2 or 4, got 3"):
        tf.nn.conv2d(x, tf.zeros([2, 2, 3, 1]), [1, 2, 2], "SAME", data_format=fmt)


def test_check_numerics_fails_the_run_on_nan():
    x = tf.placeholder(tf.float64, [3])
    y = tf.check_numerics(x, "x went bad")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0, 3.0]}), [1.0, 2.0, 3.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="x went bad"):
            sess.run(y, {x: [1.0, np.nan, 3.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="x went bad"):
            sess.run(y, {x: [1.0, np.inf, 3.0]})


def test_fetching_a_fed_placeholder_returns_the_fed_value():
    # TF1 returns a fed tensor's value when it is fetched, placeholders included; check_gradients
    # relies on it when a gradient is grad_ys itself (the gradient of Identity, Add...)
    x = tf.placeholder(tf.float64, [3])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(x, {x: [1.0, 2.0, 3.0]}), [1.0, 2.0, 3.0])
    dy = tf.placeholder(tf.float64, [3])
    g, = tf.gradients(tf.identity(x), x, grad_ys=dy)
    check_gradients(g, [dy], {x: np.ones(3), dy: np.ones(3)})


@pytest.mark.parametrize("exponent", [2.0, 1.0, 3.0, 0.5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pow_with_a_constant_exponent_gives_the_bits_of_np_power(exponent, dtype):
    """The interpreter uses x * x for x ** 2 and a copy for x ** 1: same bits as np.power."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.as_dtype(dtype), (3, 5))
        value = np.random.default_rng(3).normal(size=(3, 5)).astype(dtype) * 7
        got = tf.Session().run(x ** exponent, {x: value})
        with np.errstate(invalid="ignore"):  # negative ** 0.5 is NaN in both
            want = np.power(value, dtype(exponent))
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
        assert got is not value


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS])
def test_outputs_share_memory_with_inputs_only_where_the_op_says_so(row):
    """The session copies, or never writes into, a value that may be a view of another
    (``OpDef.aliases_input``); an op that returns a view without saying so would let an
    in-place update or a fetched array reach memory it must not."""
    y, xs, feed = row.make(tf.float64, True)
    with tf.Session() as sess:
        for step in run_steps(sess, y, feed):
            op = step.op
            if op.opdef.aliases_input or not op.outputs:
                continue
            outs = step.output if len(op.outputs) > 1 else [step.output]
            for out in outs:
                for value in step.inputs:
                    if isinstance(out, np.ndarray) and isinstance(value, np.ndarray):
                        assert not np.shares_memory(out, value), (op.name, op.type)


def test_shape_size_rank_of_a_known_shape_are_consts():
    # TF1 (tf.compat.v1): tf.shape/size/rank of a fully known static shape are Consts
    x = tf.placeholder(tf.float32, (2, 3))
    u = tf.placeholder(tf.float32, (None, 3))
    s, n, r = tf.shape(x), tf.size(x), tf.rank(u)
    assert [t.op.type for t in (s, n, r)] == ["Const"] * 3
    assert [t.op.name for t in (s, n, r)] == ["Shape", "Size", "Rank"]
    assert tf.shape(u).op.type == "Shape" and tf.size(u).op.type == "Size"
    with tf.Session() as sess:
        sv, nv, rv = sess.run([s, n, r])
        assert sv.tolist() == [2, 3] and nv == 6 and rv == 2
