"""Composite nn functions built from primitives: ``tf.nn.moments``,
``tf.nn.batch_normalization`` and ``tf.nn.dropout`` (TF1's ``nn_impl.py`` and ``nn_ops.py``).

They add no op types of their own, so their gradients come from the primitives they are made
of, and a drawing shows every step (``moments/mean``, ``batchnorm/mul``, ``dropout/Floor``...).
"""

import numbers

from minigraph.api import export
from minigraph.ops._util import graph_of
from minigraph.ops.array_ops import constant_value, shape_of, squeeze, stop_gradient
from minigraph.ops.constant_op import as_tensor
from minigraph.ops.math_ops import cast, floor, rsqrt, squared_difference
from minigraph.ops.random_ops import random_uniform
from minigraph.ops.reduce_ops import reduce_mean


@export("nn.moments")
def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """``tf.nn.moments``: the mean and the (biased, divide-by-N) variance of ``x`` over ``axes``.

    For a batch of features ``x`` of shape ``(N, D)``, ``moments(x, [0])`` gives two tensors of
    shape ``(D,)``: ``mean = sum(x) / N`` and ``variance = sum((x - mean)**2) / N``. With
    ``keep_dims`` the reduced axes stay, with size 1.
    """
    x = as_tensor(x)
    keep = bool(keepdims if keepdims is not None else keep_dims)
    axes = [int(a) for a in ([axes] if isinstance(axes, numbers.Integral) else axes)]
    with x.graph.name_scope(name or "moments"):
        mean = reduce_mean(x, axes, keepdims=True, name="mean")
        # stop_gradient changes nothing: d(variance)/d(mean) = -2 * mean(x - mean) = 0
        variance = reduce_mean(squared_difference(x, stop_gradient(mean)), axes,
                               keepdims=True, name="variance")
        if not keep:
            mean = squeeze(mean, axes)
            variance = squeeze(variance, axes)
    return mean, variance


@export("nn.batch_normalization")
def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``tf.nn.batch_normalization``: ``scale * (x - mean) / sqrt(variance + eps) + offset``.

    ``mean``, ``variance``, ``offset`` and ``scale`` broadcast against ``x`` (for ``(N, D)``
    inputs they have shape ``(D,)``); ``offset`` or ``scale`` may be None. Built as TF1 builds
    it, op for op, so the numbers match: ``inv = rsqrt(variance + eps) * scale`` and
    ``y = x * inv + (offset - mean * inv)``, ``x * inv`` made first.
    """
    x = as_tensor(x)
    with x.graph.name_scope(name or "batchnorm"):
        inv = rsqrt(variance + variance_epsilon)   # 1 / sqrt(var + eps)
        if scale is not None:
            inv = inv * scale
        return x * cast(inv, x.dtype) + cast(offset - mean * inv if offset is not None
                                             else -mean * inv, x.dtype)


@export("nn.dropout")
def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """``tf.nn.dropout``: keep each element with probability ``keep_prob`` (or ``1 - rate``),
    scaled by ``1 / keep_prob``; zero it otherwise.

    TF1's formula: ``x / keep_prob * floor(keep_prob + uniform[0, 1))``: the floor is 1 with
    probability keep_prob and 0 otherwise, so the expected value of each element is unchanged.
    ``keep_prob`` may be a Python number or a scalar tensor (e.g. a placeholder fed 0.5 when
    training and 1.0 when testing). A new mask is drawn on every run.
    """
    if (keep_prob is None) == (rate is None):
        raise ValueError("Specify exactly one of keep_prob and rate, not %s."
                         % ("both" if rate is not None else "neither"))
    if keep_prob is None:
        keep_prob = 1 - rate
    x = as_tensor(x)
    with graph_of(x).name_scope(name or "dropout"):
        if isinstance(keep_prob, numbers.Real) and not 0 < keep_prob <= 1:
            raise ValueError("keep_prob must be a scalar tensor or a float in the range (0, 1],"
                             " got %g" % keep_prob)
        keep_prob = as_tensor(keep_prob, dtype=x.dtype, name="keep_prob") \
            if not hasattr(keep_prob, "_as_graph_tensor") else as_tensor(keep_prob)
        if not keep_prob.shape.is_compatible_with(()):
            raise ValueError("keep_prob must be a scalar, got shape %s" % keep_prob.shape)
        value = constant_value(keep_prob)
        if value is not None and value == 1:
            return x
        noise_shape = shape_of(x) if noise_shape is None else noise_shape
        random_tensor = keep_prob + random_uniform(noise_shape, seed=seed, dtype=x.dtype)
        binary_tensor = floor(random_tensor)  # 0. if [keep_prob, 1.0), 1. if [1.0, 1 + keep_prob)
        ret = x / keep_prob * binary_tensor
        ret.set_shape(x.shape)
    return ret
