"""``tf.keras.losses``: loss functions ``loss(y_true, y_pred)`` with Keras 2.2's formulas.

Note the argument order, targets first: ``mean_squared_error(y_true, y_pred)`` (TF1's
``tf.losses`` take ``labels, predictions``). Each function returns ONE loss PER SAMPLE,
shape ``(batch,)``: the mean over the last axis. The model then takes the mean over the
batch (Keras's reduction), so ``model.compile(loss="mse")`` trains on
``mean over samples of mean over outputs of (y_pred - y_true)^2``, the mean of all the
squared errors.

The cross-entropies take PROBABILITIES (the output of a softmax or sigmoid layer), not
logits, and clip them to ``[eps, 1 - eps]`` with ``eps = 1e-7`` (``K.epsilon()``) before
the log, as Keras 2.2 does; where the clip is active the gradient is zero.
"""

from minigraph import dtypes
from minigraph.keras import backend
from minigraph.ops.array_ops import reshape
from minigraph.ops.math_ops import (abs, cast, clip_by_value, log, maximum, square,  # noqa: A004
                                    subtract)
from minigraph.ops.nn_ops import (relu, sigmoid_cross_entropy_with_logits,
                                  sparse_softmax_cross_entropy_with_logits)
from minigraph.ops.reduce_ops import reduce_mean, reduce_sum

__all__ = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "hinge", "squared_hinge",
           "categorical_crossentropy", "sparse_categorical_crossentropy",
           "binary_crossentropy", "mse", "mae", "mape", "msle", "get"]


def _as_output_dtype(y_true, y_pred):
    return y_true if y_true.dtype == y_pred.dtype else cast(y_true, y_pred.dtype)


def mean_squared_error(y_true, y_pred):
    """``mean((y_pred - y_true)^2, axis=-1)``."""
    return reduce_mean(square(subtract(y_pred, _as_output_dtype(y_true, y_pred))), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """``mean(|y_pred - y_true|, axis=-1)``."""
    return reduce_mean(abs(subtract(y_pred, _as_output_dtype(y_true, y_pred))), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(|y_true - y_pred| / max(|y_true|, eps), axis=-1)``."""
    y_true = _as_output_dtype(y_true, y_pred)
    diff = abs(subtract(y_true, y_pred)) / maximum(abs(y_true), backend.epsilon())
    return 100.0 * reduce_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))^2, axis=-1)``."""
    y_true = _as_output_dtype(y_true, y_pred)
    first = log(maximum(y_pred, backend.epsilon()) + 1.0)
    second = log(maximum(y_true, backend.epsilon()) + 1.0)
    return reduce_mean(square(first - second), axis=-1)


def hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``, targets in {-1, +1}."""
    y_true = _as_output_dtype(y_true, y_pred)
    return reduce_mean(relu(1.0 - y_true * y_pred), axis=-1)


def squared_hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0)^2, axis=-1)``, targets in {-1, +1}."""
    y_true = _as_output_dtype(y_true, y_pred)
    return reduce_mean(square(relu(1.0 - y_true * y_pred)), axis=-1)


def _clipped(p):
    eps = backend.epsilon()
    return clip_by_value(p, eps, 1.0 - eps)


def categorical_crossentropy(y_true, y_pred):
    """``-sum(y_true * log(p), axis=-1)`` with ``p`` = ``y_pred`` renormalized to sum to 1
    over the last axis, then clipped. Targets are one-hot (or any distribution)."""
    y_true = _as_output_dtype(y_true, y_pred)
    p = y_pred / reduce_sum(y_pred, axis=-1, keepdims=True)
    return -reduce_sum(y_true * log(_clipped(p)), axis=-1)


def sparse_categorical_crossentropy(y_true, y_pred):
    """``-log(p[label])`` for integer class labels ``y_true`` of shape ``(batch,)`` or
    ``(batch, 1)``; computed as Keras 2.2 does, by feeding ``log(clip(y_pred))`` as logits
    to ``tf.nn.sparse_softmax_cross_entropy_with_logits`` (the softmax of log-probabilities
    gives the probabilities back)."""
    labels = cast(reshape(y_true, [-1]), dtypes.int64)
    logits = log(_clipped(y_pred))
    return sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)


def binary_crossentropy(y_true, y_pred):
    """``mean(-y_true * log(p) - (1 - y_true) * log(1 - p), axis=-1)`` with ``p`` the
    clipped ``y_pred``; computed as Keras 2.2 does, by turning ``p`` back into logits
    ``log(p / (1 - p))`` for ``tf.nn.sigmoid_cross_entropy_with_logits``."""
    y_true = _as_output_dtype(y_true, y_pred)
    p = _clipped(y_pred)
    logits = log(p / (1.0 - p))
    return reduce_mean(sigmoid_cross_entropy_with_logits(labels=y_true, logits=logits), axis=-1)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error

_BY_NAME = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, hinge, squared_hinge, categorical_crossentropy,
    sparse_categorical_crossentropy, binary_crossentropy)}
_BY_NAME.update(mse=mse, mae=mae, mape=mape, msle=msle)


def get(identifier):
    """``keras.losses.get``: a loss function from its name (``"mse"``,
    ``"mean_squared_error"``, ``"categorical_crossentropy"``...) or a callable
    ``(y_true, y_pred) -> tensor``."""
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError("Unknown loss function: %r (known: %s)"
                             % (identifier, ", ".join(sorted(_BY_NAME))))
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret loss function identifier: %r" % (identifier,))
