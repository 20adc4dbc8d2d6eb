"""``tf.contrib.layers``: the Xavier initializers and the l1/l2 weight regularizers.

    w = tf.get_variable("w", (784, 100),
                        initializer=tf.contrib.layers.xavier_initializer(),
                        regularizer=tf.contrib.layers.l2_regularizer(1e-4))
    reg_loss = tf.add_n(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
"""

import math
import numbers

from minigraph import dtypes
from minigraph.graph import get_default_graph
from minigraph.ops.constant_op import as_tensor
from minigraph.ops.math_ops import abs as abs_
from minigraph.ops.math_ops import multiply, square
from minigraph.ops.random_ops import random_uniform, truncated_normal
from minigraph.ops.reduce_ops import reduce_sum

__all__ = ["xavier_initializer", "xavier_initializer_conv2d", "variance_scaling_initializer",
           "l1_regularizer", "l2_regularizer"]


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=dtypes.float32):
    """``tf.contrib.layers.variance_scaling_initializer``: variance ``factor / n``.

    ``n`` is fan_in, fan_out or their average (``mode`` "FAN_IN", "FAN_OUT", "FAN_AVG"),
    computed as contrib computes it: for a shape ``(..., fan_in, fan_out)`` both fans are
    multiplied by the leading dimensions. ``uniform``: uniform on [-sqrt(3 factor / n),
    +sqrt(3 factor / n)]; else truncated normal with stddev sqrt(1.3 factor / n) (1.3 roughly
    undoes the truncation). The default (factor 2, FAN_IN, normal) is He initialization.

    Returns a function ``init(shape, dtype=dtype, partition_info=None)`` that builds the ops.
    """
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ["FAN_IN", "FAN_OUT", "FAN_AVG"]:
        raise TypeError("Unknown mode %s [FAN_IN, FAN_OUT, FAN_AVG]" % mode)

    def _initializer(shape, dtype=dtype, partition_info=None):
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        shape = list(shape)
        if shape:
            fan_in = float(shape[-2]) if len(shape) > 1 else float(shape[-1])
            fan_out = float(shape[-1])
        else:
            fan_in = fan_out = 1.0
        for dim in shape[:-2]:
            fan_in *= float(dim)
            fan_out *= float(dim)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return random_uniform(shape, -limit, limit, dtype, seed=seed)
        trunc_stddev = math.sqrt(1.3 * factor / n)
        return truncated_normal(shape, 0.0, trunc_stddev, dtype, seed=seed)
    return _initializer


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """``tf.contrib.layers.xavier_initializer``: Glorot & Bengio's initialization.

    ``variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform)``: uniform on
    [-limit, limit] with limit = sqrt(6 / (fan_in + fan_out)) (the same numbers' distribution
    as ``tf.glorot_uniform_initializer``), or with ``uniform=False`` a truncated normal with
    stddev sqrt(2.6 / (fan_in + fan_out)).
    """
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed,
                                        dtype=dtype)


xavier_initializer_conv2d = xavier_initializer


def _check_scale(scale):
    """TF1's checks; returns False when the regularizer is switched off (scale 0)."""
    if isinstance(scale, numbers.Integral):
        raise ValueError("scale cannot be an integer: %s" % (scale,))
    if isinstance(scale, numbers.Real):
        if scale < 0.:
            raise ValueError("Setting a scale less than 0 on a regularizer: %g." % scale)
        if scale == 0.:
            return False
    return True


def l2_regularizer(scale, scope=None):
    """``tf.contrib.layers.l2_regularizer``: a function ``w -> scale * sum(w ** 2) / 2``
    (``scale * tf.nn.l2_loss(w)``), or ``None`` when ``scale`` is 0."""
    if not _check_scale(scale):
        return lambda _: None

    def l2(weights):
        with get_default_graph().name_scope(scope or "l2_regularizer") as name:
            weights = as_tensor(weights)
            my_scale = as_tensor(scale, dtype=weights.dtype, name="scale")
            l2_loss = reduce_sum(square(weights)) / 2  # tf.nn.l2_loss: sum(w ** 2) / 2
            return multiply(my_scale, l2_loss, name=name)
    return l2


def l1_regularizer(scale, scope=None):
    """``tf.contrib.layers.l1_regularizer``: a function ``w -> scale * sum(|w|)``, or
    ``None`` when ``scale`` is 0."""
    if not _check_scale(scale):
        return lambda _: None

    def l1(weights):
        with get_default_graph().name_scope(scope or "l1_regularizer") as name:
            weights = as_tensor(weights)
            my_scale = as_tensor(scale, dtype=weights.dtype, name="scale")
            return multiply(my_scale, reduce_sum(abs_(weights)), name=name)
    return l1
