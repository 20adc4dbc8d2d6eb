"""Initializers: how a new variable's first value is made (``tf.*_initializer``, TF1's init_ops).

An initializer is a callable object. ``init(shape, dtype=None, partition_info=None)`` does not
return numbers: it *builds graph ops* (a constant, or a seeded random op scaled and shifted)
whose value, when the variable's initializer runs, becomes the variable's first value:

    init = tf.glorot_uniform_initializer(seed=0)
    w = tf.get_variable("w", shape=(784, 100), initializer=init)
    # the graph now holds TF1's w/Initializer/random_uniform/{shape, min, max, RandomUniform,
    # sub, mul} and the sum w/Initializer/random_uniform, run by
    # tf.global_variables_initializer()

The ops are those of ``tf.zeros``, ``tf.constant`` and the random functions of
``random_ops``, node for node what TF1's ``init_ops`` build (``tf.zeros_initializer()`` of
1000 elements or more is a Fill, as ``tf.zeros``).

Random initializers take a ``seed`` and follow TF1's seed rules (see ``random_ops``): with a
graph seed (``tf.set_random_seed``) or an op seed, the same program draws the same numbers.

The variance-scaling family keeps the variance of activations about the same from layer to
layer. For a kernel of shape ``(fan_in, fan_out)`` (or a convolution kernel
``(..., in_depth, out_depth)``, where both fans are multiplied by the receptive field size):

* ``variance_scaling_initializer(scale, mode, distribution)``: variance ``scale / n`` with
  ``n`` = fan_in, fan_out or their average;
* ``glorot_uniform_initializer``: uniform on ``[-limit, limit]``,
  limit = sqrt(6 / (fan_in + fan_out));
* ``glorot_normal_initializer``: truncated normal with stddev
  sqrt(2 / (fan_in + fan_out)) / 0.8796..., the divisor undoing the truncation at 2 stddev.
"""

import math

import numpy as np

from minigraph import dtypes
# module-qualified: this module's own short names (zeros, constant ...) are initializers
from minigraph.ops import array_ops, random_ops
from minigraph.ops.lookup_ops import tables_initializer
from minigraph.tensor_shape import as_shape

__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "TruncatedNormal",
    "RandomUniform", "VarianceScaling", "GlorotUniform", "GlorotNormal",
    # TF1's public names (tf.zeros_initializer ...): each is the class; call it for an initializer
    "zeros_initializer", "ones_initializer", "constant_initializer",
    "random_normal_initializer", "truncated_normal_initializer", "random_uniform_initializer",
    "variance_scaling_initializer", "glorot_uniform_initializer", "glorot_normal_initializer",
    # the short names of the tf.initializers module
    "zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal",
    "variance_scaling", "glorot_uniform", "glorot_normal",
    "compute_fans",
    # tf.initializers.tables_initializer: tf.tables_initializer under its other TF1 name
    "tables_initializer",
]

# scipy.stats.truncnorm.std(a=-2, b=2, loc=0., scale=1.): the stddev of N(0, 1) cut at +-2
TRUNCATED_NORMAL_STDDEV = .87962566103423978


def _float_dtype(dtype):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError("Expected floating point type, got %s." % dtype.name)
    return dtype


def _shape_list(shape):
    return as_shape(shape).as_list()


class Initializer:
    """Base class (``tf.keras.initializers.Initializer``): subclasses build the ops in
    ``__call__(shape, dtype=None, partition_info=None)``; ``dtype`` defaults to the one given
    to the constructor."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self):
        """The constructor arguments, as a dict (``Initializer.get_config``)."""
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join("%s=%r" % kv for kv in self.get_config().items())
        return "%s(%s)" % (type(self).__name__, args)


class Zeros(Initializer):
    """``tf.zeros_initializer``: all zeros (a ``Const`` op)."""

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.zeros(_shape_list(shape), dtype or self.dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """``tf.ones_initializer``: all ones (a ``Const`` op)."""

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.ones(_shape_list(shape), dtype or self.dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """``tf.constant_initializer(value)``: a fixed value (a ``Const`` op).

    ``value`` is a scalar (every element gets it) or an array with as many elements as the
    variable (reshaped to its shape, as ``tf.constant(value, shape=...)`` does).
    """

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self.verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None):
        shape = _shape_list(shape)
        size = np.size(self.value)
        needed = int(np.prod(shape))
        if size != 1 and size != needed:
            raise ValueError("constant_initializer: the value has %d elements (shape %s), but "
                             "a variable of shape %s needs %d (or a single scalar)"
                             % (size, list(np.shape(self.value)), shape, needed))
        return array_ops.constant(self.value, dtype=dtype or self.dtype, shape=shape,
                                  verify_shape=self.verify_shape)

    def get_config(self):
        return {"value": self.value, "dtype": self.dtype.name, "verify_shape": self.verify_shape}


class RandomNormal(Initializer):
    """``tf.random_normal_initializer``: samples of N(mean, stddev**2)."""

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_normal(_shape_list(shape), self.mean, self.stddev,
                                        dtype or self.dtype, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class TruncatedNormal(Initializer):
    """``tf.truncated_normal_initializer``: N(mean, stddev**2), values beyond two stddevs
    drawn again (so the result's own stddev is about 0.88 * stddev)."""

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.truncated_normal(_shape_list(shape), self.mean, self.stddev,
                                           dtype or self.dtype, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """``tf.random_uniform_initializer``: uniform samples in [minval, maxval) (maxval
    defaults to 1 for floats). TF1's default ``minval`` is the float 0.0, so even the default
    bounds build ``min``, ``max``, ``sub``, ``mul`` and the sum, unlike
    ``tf.random_uniform(shape)``."""

    def __init__(self, minval=.0, maxval=None, seed=None, dtype=dtypes.float32):
        self.minval, self.maxval, self.seed = minval, maxval, seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_uniform(_shape_list(shape), self.minval, self.maxval,
                                         dtype or self.dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


def compute_fans(shape):
    """(fan_in, fan_out) of a weight shape, as TF1's ``init_ops._compute_fans`` computes them.

    ``()`` -> (1, 1); ``(n,)`` -> (n, n); ``(fan_in, fan_out)`` as is; a convolution kernel
    ``(h, w, in_depth, out_depth)`` -> (h*w*in_depth, h*w*out_depth).
    """
    shape = list(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field_size = 1
    for dim in shape[:-2]:
        receptive_field_size *= dim
    return shape[-2] * receptive_field_size, shape[-1] * receptive_field_size


class VarianceScaling(Initializer):
    """``tf.variance_scaling_initializer``: samples whose variance is ``scale / n``.

    Args:
      scale: positive float.
      mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``: what ``n`` is (see ``compute_fans``).
      distribution: ``"truncated_normal"`` (or its old name ``"normal"``): truncated normal
        with stddev sqrt(scale / n) / 0.8796..., so that after truncation the variance is
        scale / n; ``"untruncated_normal"``: normal with stddev sqrt(scale / n);
        ``"uniform"``: uniform on [-limit, limit], limit = sqrt(3 * scale / n).
      seed: op seed of the random op.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        if scale <= 0.:
            raise ValueError("`scale` must be positive float.")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError("Invalid `mode` argument: %s" % mode)
        distribution = distribution.lower()
        if distribution not in {"normal", "uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError("Invalid `distribution` argument: %s" % distribution)
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        shape = _shape_list(shape)
        dtype = _float_dtype(dtype or self.dtype)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.}[self.mode]
        scale = self.scale / max(1., n)
        if self.distribution in ("normal", "truncated_normal"):
            stddev = math.sqrt(scale) / TRUNCATED_NORMAL_STDDEV
            return random_ops.truncated_normal(shape, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(shape, 0.0, math.sqrt(scale), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_ops.random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """``tf.glorot_uniform_initializer`` (Xavier uniform; the default of ``tf.get_variable``):
    uniform on [-limit, limit], limit = sqrt(6 / (fan_in + fan_out))."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """``tf.glorot_normal_initializer`` (Xavier normal): truncated normal with stddev
    sqrt(2 / (fan_in + fan_out)) / 0.8796..."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


zeros_initializer = zeros = Zeros
ones_initializer = ones = Ones
constant_initializer = constant = Constant
random_normal_initializer = random_normal = RandomNormal
truncated_normal_initializer = truncated_normal = TruncatedNormal
random_uniform_initializer = random_uniform = RandomUniform
variance_scaling_initializer = variance_scaling = VarianceScaling
glorot_uniform_initializer = glorot_uniform = GlorotUniform
glorot_normal_initializer = glorot_normal = GlorotNormal
