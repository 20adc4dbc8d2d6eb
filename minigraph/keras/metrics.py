"""``tf.keras.metrics``: numbers reported during training, ``metric(y_true, y_pred)``.

Like a loss, a metric returns one value per sample; the model reports its mean over the
batch, and ``fit``/``evaluate`` average the batches (weighted by their size). A metric is
only measured, never minimized: no gradient goes through it.

``metrics=["accuracy"]`` (or ``"acc"``) picks one of three accuracies from the model, as
Keras does (:func:`accuracy_for`):

* ``binary_accuracy`` if the output has one unit or the loss is ``binary_crossentropy``:
  the prediction is 1 where ``y_pred > 0.5``;
* ``sparse_categorical_accuracy`` if the loss is ``sparse_categorical_crossentropy``:
  the target is a class index;
* ``categorical_accuracy`` otherwise: the target is one-hot, compare the argmaxes.
"""

from minigraph.keras import losses
from minigraph.ops.array_ops import reshape
from minigraph.ops.math_ops import argmax, cast, equal, greater
from minigraph.ops.reduce_ops import reduce_mean

__all__ = ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "mean_squared_error", "mean_absolute_error", "mse", "mae", "accuracy_for", "get"]


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """``mean(y_true == (y_pred > threshold), axis=-1)``: 0/1 targets."""
    predicted = cast(greater(y_pred, threshold), y_pred.dtype)
    return reduce_mean(cast(equal(cast(y_true, y_pred.dtype), predicted), y_pred.dtype), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """``argmax(y_true) == argmax(y_pred)`` per sample: one-hot targets."""
    return cast(equal(argmax(y_true, axis=-1), argmax(y_pred, axis=-1)), y_pred.dtype)


def sparse_categorical_accuracy(y_true, y_pred):
    """``y_true == argmax(y_pred)`` per sample: class-index targets, ``(batch,)`` or
    ``(batch, 1)``."""
    labels = cast(reshape(y_true, [-1]), y_pred.dtype)
    predicted = cast(argmax(y_pred, axis=-1), y_pred.dtype)
    return cast(equal(labels, predicted), y_pred.dtype)


mean_squared_error = mse = losses.mean_squared_error
mean_absolute_error = mae = losses.mean_absolute_error

_BY_NAME = {"binary_accuracy": binary_accuracy, "categorical_accuracy": categorical_accuracy,
            "sparse_categorical_accuracy": sparse_categorical_accuracy}


def accuracy_for(loss_fn, output_shape):
    """The accuracy Keras uses for ``metrics=["accuracy"]``, given the model's loss
    function and output shape (see the module docstring)."""
    if output_shape[-1] == 1 or loss_fn is losses.binary_crossentropy:
        return binary_accuracy
    if loss_fn is losses.sparse_categorical_crossentropy:
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(identifier):
    """``keras.metrics.get``: a metric function from its name (``"categorical_accuracy"``,
    ``"mse"``, ``"mae"``, or any loss name) or a callable. ``"accuracy"`` depends on the
    model: see :func:`accuracy_for`."""
    if isinstance(identifier, str):
        if identifier in _BY_NAME:
            return _BY_NAME[identifier]
        if identifier in ("accuracy", "acc"):
            raise ValueError("'accuracy' depends on the model's loss and output: use "
                             "accuracy_for(loss_fn, output_shape)")
        return losses.get(identifier)
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret metric function identifier: %r" % (identifier,))
