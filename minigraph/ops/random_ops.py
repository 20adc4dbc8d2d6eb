"""Random tensors, seeded the TF1 way, built from the nodes TF1 builds.

``tf.random_normal((3, 4), mean, stddev)`` is not one op but TF1's little subgraph, in the
scope ``random_normal``: the Consts ``shape`` (int32), ``mean`` and ``stddev``, the op
``RandomStandardNormal`` drawing N(0, 1), ``mul`` (times stddev) and the sum called
``random_normal`` itself. ``truncated_normal`` is the same around ``TruncatedNormal``;
``random_uniform`` is ``RandomUniform * (max - min) + min`` (``sub``, ``mul``, the sum), or
the bare ``RandomUniform`` for the default bounds 0 and 1. The arithmetic happens in the
sample's dtype, as in TF1.

Seeds (``tf.set_random_seed`` for the graph, ``seed=`` for one op) follow TF1's rules:
with a graph seed and no op seed, the op seed is taken from the op's position in the graph,
so the same program gives the same numbers every time it is run. Each random op draws new
numbers on every run; a new Session starts its sequence over.
"""

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.graph import get_default_graph
from minigraph.op_def import OpDef, register
from minigraph.ops._util import is_tensor, make
from minigraph.ops.array_ops import constant_value_as_shape
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.ops.math_ops import add, multiply
from minigraph.tensor_shape import TensorShape

DEFAULT_GRAPH_SEED = 87654321


@export("set_random_seed")
def set_random_seed(seed):
    """``tf.set_random_seed``: the graph-level seed for random ops created after this call."""
    get_default_graph().seed = None if seed is None else int(seed)


def get_seed(op_seed):
    """The (graph seed, op seed) pair for a new random op, by TF1's rules."""
    graph = get_default_graph()
    if graph.seed is not None:
        return graph.seed, (graph.version if op_seed is None else int(op_seed))
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, int(op_seed)
    return None, None


class _Random(OpDef):
    kind = "random"
    stateful = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return constant_value_as_shape(inputs[0]), attrs["dtype"]

    @classmethod
    def make_kernel(cls, op, state):
        draw = cls.draw
        attrs = op.attrs
        np_dtype = attrs["dtype"].as_numpy_dtype

        def kernel(shape):
            return draw(state.rng(op), tuple(int(d) for d in shape), attrs).astype(np_dtype,
                                                                                    copy=False)
        return kernel


@register
class RandomStandardNormal(_Random):
    """y ~ N(0, 1), elementwise."""

    @staticmethod
    def draw(rng, shape, attrs):
        return rng.standard_normal(shape)


@register
class TruncatedNormal(_Random):
    """y ~ N(0, 1) restricted to [-2, 2] (values further out are drawn again)."""

    @staticmethod
    def draw(rng, shape, attrs):
        out = rng.standard_normal(shape)
        bad = np.abs(out) > 2
        while bad.any():
            out[bad] = rng.standard_normal(int(bad.sum()))
            bad = np.abs(out) > 2
        return out


@register
class RandomUniform(_Random):
    """y ~ U[0, 1), elementwise."""

    @staticmethod
    def draw(rng, shape, attrs):
        return rng.random(shape)


@register
class RandomUniformInt(OpDef):
    """y ~ uniform integers in [minval, maxval): inputs ``(shape, minval, maxval)``."""
    kind = "random"
    stateful = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        shape, minval, maxval = inputs
        if minval.dtype != maxval.dtype or not minval.dtype.is_integer:
            raise TypeError("RandomUniformInt needs minval and maxval of one integer dtype, got "
                            "%s and %s" % (minval.dtype.name, maxval.dtype.name))
        for t, what in ((minval, "minval"), (maxval, "maxval")):
            if t.shape.ndims not in (None, 0):
                raise ValueError("RandomUniformInt's %s must be a scalar, got shape %s"
                                 % (what, t.shape.bracketed()))
        return constant_value_as_shape(shape), minval.dtype

    @classmethod
    def make_kernel(cls, op, state):
        np_dtype = op.outputs[0].dtype.as_numpy_dtype

        def kernel(shape, minval, maxval):
            if not minval < maxval:
                raise ValueError("Need minval < maxval: %s >= %s" % (minval, maxval))
            return state.rng(op).integers(int(minval), int(maxval),
                                          size=tuple(int(d) for d in shape)).astype(np_dtype)
        return kernel


def _shape_tensor(shape):
    """TF1's ``shape_tensor``: a tensor as it is, else an int32 Const called ``shape``."""
    if is_tensor(shape):
        return shape._as_graph_tensor()
    return constant(list(TensorShape(shape).as_list()), dtype=dtypes.int32, name="shape")


def _normal(primitive, shape, mean, stddev, dtype, seed, name):
    """``primitive(shape) * stddev + mean`` named as TF1 names it, in the scope ``name``:
    ``<name>/shape``, ``<name>/mean``, ``<name>/stddev`` (Consts for Python values),
    ``<name>/<primitive>``, ``<name>/mul``, and the sum, called ``name`` itself."""
    dtype = dtypes.as_dtype(dtype)
    with get_default_graph().name_scope(name) as scope:
        # the op seed comes first: with a graph seed it is the op's position in the graph
        seed1, seed2 = get_seed(seed)
        shape = _shape_tensor(shape)
        mean = as_tensor(mean, dtype=dtype, name="mean")
        stddev = as_tensor(stddev, dtype=dtype, name="stddev")
        rnd = make(primitive, [shape], {"dtype": dtype, "seed": seed1, "seed2": seed2},
                   primitive.type)
        return add(multiply(rnd, stddev, name="mul"), mean, name=scope)


@export("random_normal")
def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """``tf.random_normal``: samples of N(mean, stddev**2) with the given shape (float32):
    ``RandomStandardNormal`` times ``stddev`` plus ``mean``, in the scope ``random_normal``."""
    return _normal(RandomStandardNormal, shape, mean, stddev, dtype, seed,
                   name or "random_normal")


@export("truncated_normal")
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """``tf.truncated_normal``: like random_normal, but values more than two standard
    deviations from the mean are drawn again (``TruncatedNormal``)."""
    return _normal(TruncatedNormal, shape, mean, stddev, dtype, seed, name or "truncated_normal")


def _is_python_int(value, number):
    """TF1's test for the default bounds: a Python int (not a float, not numpy) equal to
    ``number``."""
    return isinstance(value, int) and not isinstance(value, bool) and value == number


@export("random_uniform")
def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """``tf.random_uniform``: uniform samples in [minval, maxval) (maxval defaults to 1 for
    floats and is required for integers).

    Built as TF1 builds it, in the scope ``random_uniform``: with the default bounds (the
    Python ints 0 and 1) the ``RandomUniform`` op alone; with ``minval`` 0 a ``Mul`` by
    ``max``; otherwise ``RandomUniform * (max - min) + min`` (``sub``, ``mul``, and the sum
    called ``random_uniform``). Integers are one ``RandomUniformInt`` op."""
    dtype = dtypes.as_dtype(dtype)
    if maxval is None:
        if dtype.is_integer:
            raise ValueError("Must specify maxval for integer dtype %s" % dtype.name)
        maxval = 1
    with get_default_graph().name_scope(name or "random_uniform") as scope:
        seed1, seed2 = get_seed(seed)
        shape = _shape_tensor(shape)
        minval_is_zero, maxval_is_one = _is_python_int(minval, 0), _is_python_int(maxval, 1)
        if not minval_is_zero or not maxval_is_one or dtype.is_integer:
            minval = as_tensor(minval, dtype=dtype, name="min")
            maxval = as_tensor(maxval, dtype=dtype, name="max")
        attrs = {"seed": seed1, "seed2": seed2}
        if dtype.is_integer:
            return make(RandomUniformInt, [shape, minval, maxval], attrs, scope)
        rnd = make(RandomUniform, [shape], dict(attrs, dtype=dtype), "RandomUniform")
        if minval_is_zero:
            return rnd if maxval_is_one else multiply(rnd, maxval)
        return add(rnd * (maxval - minval), minval, name=scope)
