"""Random tensors, seeded the TF1 way.

Seeds (``tf.set_random_seed`` for the graph, ``seed=`` for one op) follow TF1's rules:
with a graph seed and no op seed, the op seed is taken from the op's position in the
graph, so the same program gives the same numbers every time it is run. Each random op
draws new numbers on every run; a new Session starts its sequence over.
"""

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.graph import Tensor, get_default_graph
from minigraph.op_def import OpDef, register
from minigraph.ops._util import make
from minigraph.ops.array_ops import constant_value_as_shape
from minigraph.ops.constant_op import constant
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
class RandomUniformInt(_Random):
    """y ~ uniform integers in [minval, maxval)."""

    @staticmethod
    def draw(rng, shape, attrs):
        return rng.integers(attrs["minval"], attrs["maxval"], size=shape)


def _shape_tensor(shape):
    if isinstance(shape, Tensor):
        return shape
    return constant(list(TensorShape(shape).as_list()), dtype=dtypes.int32, name="shape")


def _is_python(value, number):
    return not isinstance(value, Tensor) and bool(np.all(np.asarray(value) == number))


def _scaled(primitive, shape, scale, shift, dtype, seed, name):
    """scale * primitive(shape) + shift, named as TF1 names it (the last op gets ``name``);
    a multiplication by 1 or an addition of 0 is left out."""
    dtype = dtypes.as_dtype(dtype)
    need_mul, need_add = not _is_python(scale, 1), not _is_python(shift, 0)
    with get_default_graph().name_scope(name) as scope:
        seed1, seed2 = get_seed(seed)
        out = make(primitive, [_shape_tensor(shape)], {"dtype": dtype, "seed": seed1,
                                                       "seed2": seed2},
                   primitive.type if (need_mul or need_add) else scope)
        if need_mul:
            out = multiply(out, scale, name="mul" if need_add else scope)
        if need_add:
            out = add(out, shift, name=scope)
    return out


@export("random_normal")
def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """``tf.random_normal``: samples of N(mean, stddev**2) with the given shape (float32)."""
    return _scaled(RandomStandardNormal, shape, stddev, mean, dtype, seed, name or "random_normal")


@export("truncated_normal")
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """``tf.truncated_normal``: like random_normal, but values more than two standard
    deviations from the mean are drawn again."""
    return _scaled(TruncatedNormal, shape, stddev, mean, dtype, seed, name or "truncated_normal")


@export("random_uniform")
def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """``tf.random_uniform``: uniform samples in [minval, maxval) (maxval defaults to 1 for
    floats and is required for integers)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError("Must specify maxval for integer dtype %s" % dtype.name)
        graph = get_default_graph()
        with graph.name_scope(name or "random_uniform"):
            seed1, seed2 = get_seed(seed)
            return make(RandomUniformInt, [_shape_tensor(shape)],
                        {"dtype": dtype, "seed": seed1, "seed2": seed2, "minval": int(minval),
                         "maxval": int(maxval)}, "RandomUniformInt")
    maxval = 1 if maxval is None else maxval
    return _scaled(RandomUniform, shape, maxval - minval, minval, dtype, seed,
                   name or "random_uniform")
