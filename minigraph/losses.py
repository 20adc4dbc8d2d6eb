"""``tf.losses``: the standard losses, each built from primitive ops and reduced to a scalar.

Every loss here has the same two halves, as in TF1:

1. an elementwise loss, e.g. ``(predictions - labels)^2`` for ``mean_squared_error``;
2. ``compute_weighted_loss``: multiply by ``weights`` (a scalar, or a tensor that
   broadcasts to the losses: 0 drops an element) and reduce. The default reduction,
   ``Reduction.SUM_BY_NONZERO_WEIGHTS``, is ``sum(weights * losses)`` divided by the
   number of NON-ZERO weights (0 if all weights are 0), computed in the graph. With the
   default ``weights=1.0`` that is the plain mean: ``tf.losses.mean_squared_error(y, p)``
   equals ``tf.reduce_mean((y - p) ** 2)``.

The result is added to the ``GraphKeys.LOSSES`` collection; ``get_total_loss()`` sums that
collection and the regularization losses.

One difference from TF1, on purpose: TF1 casts these losses to float32 whatever the input
dtype. minigraph keeps float64 inputs in float64 (so that losses can be gradient-checked
in float64); for float32 inputs, which is what TF1 code uses, the numbers are the same.
"""

from minigraph import dtypes
from minigraph.graph import GraphKeys, add_to_collection, get_collection, name_scope
from minigraph.ops.array_ops import (ones_like, shape, size, squeeze, stop_gradient, where,
                                     zeros_like)
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.ops.math_ops import (abs, add_n, cast, divide, equal, greater, log, minimum,  # noqa: A004
                                    multiply, square, subtract)
from minigraph.ops.nn_ops import (relu, sigmoid_cross_entropy_with_logits,
                                  softmax_cross_entropy_with_logits_v2,
                                  sparse_softmax_cross_entropy_with_logits)
from minigraph.ops.reduce_ops import reduce_sum

__all__ = ["Reduction", "compute_weighted_loss", "add_loss", "get_losses",
           "get_regularization_loss", "get_regularization_losses", "get_total_loss",
           "mean_squared_error", "absolute_difference", "huber_loss", "log_loss", "hinge_loss",
           "sigmoid_cross_entropy", "softmax_cross_entropy", "sparse_softmax_cross_entropy"]


class Reduction:
    """How ``compute_weighted_loss`` reduces the weighted losses (``tf.losses.Reduction``).

    - ``NONE``: no reduction; the weighted losses, of the losses' shape.
    - ``SUM``: the sum of the weighted losses.
    - ``MEAN``: SUM divided by the sum of the weights.
    - ``SUM_OVER_BATCH_SIZE``: SUM divided by the number of elements of the losses.
    - ``SUM_BY_NONZERO_WEIGHTS`` (the default; alias ``SUM_OVER_NONZERO_WEIGHTS``): SUM
      divided by the number of non-zero weights (after broadcasting to the losses).
    """

    NONE = "none"
    SUM = "weighted_sum"
    MEAN = "weighted_mean"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError("Invalid Reduction Key %s." % key)


# ------------------------------------------------------------------- the reduction

def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.compute_weighted_loss``: ``weights * losses``, reduced by ``reduction``.

    Args:
      losses: a tensor of elementwise losses, shape ``[batch_size, d1, ... dN]``.
      weights: a scalar, or a tensor of the same rank as ``losses`` whose every dimension
        is 1 or that of ``losses``.
      scope: the name scope of the ops (default ``weighted_loss``).
      loss_collection: the collection the result is added to (None: none).
      reduction: a :class:`Reduction` key.

    Returns:
      A scalar tensor (of ``losses``' shape for ``Reduction.NONE``).
    """
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", [losses, weights]):
        losses = as_tensor(losses)
        if not losses.dtype.is_floating:
            losses = cast(losses, dtypes.float32)
        w = _to_dtype(weights, losses.dtype, "weights")
        _assert_broadcastable(w, losses)
        weighted_losses = multiply(losses, w)
        if reduction == Reduction.NONE:
            loss = weighted_losses
        else:
            loss = reduce_sum(weighted_losses)
            if reduction == Reduction.MEAN:
                # sum(w * l) / sum(w), w broadcast to the losses' shape
                loss = _safe_div(loss, reduce_sum(ones_like(losses) * w))
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = _safe_div(loss, _num_present(losses, weights, w))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = _safe_div(loss, _num_elements(losses))
        add_loss(loss, loss_collection)
        return loss


def _safe_div(numerator, denominator, name="value"):
    """numerator / denominator, or 0 where denominator is 0 (never NaN, nor a NaN
    gradient: the division itself never sees a zero)."""
    # where(den > 0, num / (den if den != 0 else 1), 0)
    safe_den = where(equal(denominator, 0), ones_like(denominator), denominator)
    return where(greater(denominator, 0), divide(numerator, safe_den),
                 zeros_like(numerator), name=name)


def _num_present(losses, weights, w):
    """How many elements of ``losses`` have a non-zero weight (weights broadcast to it)."""
    if isinstance(weights, float) and weights != 0.0:
        return _num_elements(losses)   # a non-zero Python float: every element counts
    with name_scope(None, "num_present", [losses, w]) as scope:
        # present = 1 where w != 0, else 0; broadcast to the losses' shape and counted
        present = where(equal(w, 0.0), zeros_like(w), ones_like(w))
        if not (present.shape.is_fully_defined() and present.shape == losses.shape):
            present = multiply(present, ones_like(losses))
        return reduce_sum(present, name=scope)


def _num_elements(losses):
    """The number of elements of ``losses``, as a tensor of its dtype."""
    with name_scope(None, "num_elements", [losses]) as scope:
        return cast(size(losses, name=scope), losses.dtype)


def _assert_broadcastable(weights, values):
    """TF1's rule, checked on the static shapes: weights are a scalar, or have the rank of
    the values with every dimension either 1 or equal to theirs."""
    ws, vs = weights.shape, values.shape
    if ws.ndims is None or vs.ndims is None or ws.ndims == 0:
        return
    bad = ws.ndims != vs.ndims or any(
        w is not None and v is not None and w not in (1, v)
        for w, v in zip(ws.as_list(), vs.as_list()))
    if bad:
        raise ValueError("weights can not be broadcast to values. values.rank=%d. "
                         "weights.rank=%d. values.shape=%s. weights.shape=%s."
                         % (vs.ndims, ws.ndims, vs, ws))


# ------------------------------------------------------------------- conversions

def _to_dtype(x, dtype, name):
    """``x`` as a tensor of ``dtype``: a constant for Python/numpy values, else a cast."""
    if hasattr(x, "_as_graph_tensor"):
        return cast(x, dtype)
    return constant(x, dtype=dtype, name=name)


def _float_dtype(*values):
    """TF1 computes these losses in float32; a float64 tensor among ``values`` keeps
    float64 (see the module docstring)."""
    for v in values:
        if hasattr(v, "_as_graph_tensor") and v.dtype == dtypes.float64:
            return dtypes.float64
    return dtypes.float32


def _not_none(**values):
    for name, v in values.items():
        if v is None:
            raise ValueError("%s must not be None." % name)


def _compatible(a, b):
    """Same shapes (None matching anything), else ValueError naming both."""
    a.shape.assert_is_compatible_with(b.shape)


# ------------------------------------------------------------------- regression losses

def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.mean_squared_error``: the weighted mean of ``(predictions - labels)^2``.

    ``labels`` and ``predictions`` have the same shape; ``weights`` as in
    :func:`compute_weighted_loss`. Returns a scalar (by default).
    """
    _not_none(labels=labels, predictions=predictions)
    with name_scope(scope, "mean_squared_error", [predictions, labels, weights]) as scope:
        dtype = _float_dtype(predictions, labels)
        predictions = _to_dtype(predictions, dtype, "predictions")
        labels = _to_dtype(labels, dtype, "labels")
        _compatible(predictions, labels)
        losses = square(subtract(predictions, labels))  # TF1's squared_difference
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.absolute_difference``: the weighted mean of ``|predictions - labels|``."""
    _not_none(labels=labels, predictions=predictions)
    with name_scope(scope, "absolute_difference", [predictions, labels, weights]) as scope:
        dtype = _float_dtype(predictions, labels)
        predictions = _to_dtype(predictions, dtype, "predictions")
        labels = _to_dtype(labels, dtype, "labels")
        _compatible(predictions, labels)
        losses = abs(subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.huber_loss``: for each error ``x = predictions - labels``,
    ``0.5 * x^2`` if ``|x| <= delta``, else ``0.5 * delta^2 + delta * (|x| - delta)``."""
    _not_none(labels=labels, predictions=predictions)
    with name_scope(scope, "huber_loss", [predictions, labels, weights]) as scope:
        dtype = _float_dtype(predictions, labels)
        predictions = _to_dtype(predictions, dtype, "predictions")
        labels = _to_dtype(labels, dtype, "labels")
        _compatible(predictions, labels)
        abs_error = abs(subtract(predictions, labels))
        quadratic = minimum(abs_error, delta)
        # |x| - min(|x|, delta) = max(|x| - delta, 0), but with gradient 0 (not 1) at
        # |x| = delta, where the quadratic part already carries the gradient
        linear = subtract(abs_error, quadratic)
        losses = 0.5 * square(quadratic) + delta * linear
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


# ------------------------------------------------------------ classification losses

def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.log_loss``: binary cross-entropy of probabilities ``predictions`` in
    [0, 1] against ``labels`` in {0, 1}:
    ``-labels * log(p + epsilon) - (1 - labels) * log(1 - p + epsilon)``."""
    _not_none(labels=labels, predictions=predictions)
    with name_scope(scope, "log_loss", [predictions, labels, weights]) as scope:
        dtype = _float_dtype(predictions, labels)
        predictions = _to_dtype(predictions, dtype, "predictions")
        labels = _to_dtype(labels, dtype, "labels")
        _compatible(predictions, labels)
        losses = (-multiply(labels, log(predictions + epsilon))
                  - multiply(1 - labels, log(1 - predictions + epsilon)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.hinge_loss``: ``max(0, 1 - y * logits)`` with ``y = 2 * labels - 1``,
    so ``labels`` are given in {0, 1} and used as {-1, +1}."""
    _not_none(labels=labels, logits=logits)
    with name_scope(scope, "hinge_loss", [logits, labels, weights]) as scope:
        dtype = _float_dtype(logits, labels)
        logits = _to_dtype(logits, dtype, "logits")
        labels = _to_dtype(labels, dtype, "labels")
        _compatible(logits, labels)
        all_ones = ones_like(labels)
        signs = subtract(2 * labels, all_ones)                    # {0, 1} -> {-1, +1}
        losses = relu(subtract(all_ones, multiply(signs, logits)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0,
                          scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.sigmoid_cross_entropy``: ``tf.nn.sigmoid_cross_entropy_with_logits``
    (independent yes/no labels in [0, 1], one per logit), weighted and reduced.

    With ``label_smoothing`` s > 0 the labels move towards 1/2:
    ``labels * (1 - s) + 0.5 * s``.
    """
    _not_none(multi_class_labels=multi_class_labels, logits=logits)
    with name_scope(scope, "sigmoid_cross_entropy_loss",
                    [logits, multi_class_labels, weights]) as scope:
        logits = as_tensor(logits)
        labels = _to_dtype(multi_class_labels, logits.dtype, "multi_class_labels")
        _compatible(logits, labels)
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                   name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.softmax_cross_entropy``: per row, ``-sum(onehot_labels *
    log_softmax(logits))``, weighted (``weights``: scalar or ``[batch_size]``) and reduced.

    With ``label_smoothing`` s > 0 the labels move towards uniform:
    ``onehot_labels * (1 - s) + s / num_classes``. No gradient flows into the labels.
    """
    _not_none(onehot_labels=onehot_labels, logits=logits)
    with name_scope(scope, "softmax_cross_entropy_loss",
                    [logits, onehot_labels, weights]) as scope:
        logits = as_tensor(logits)
        labels = _to_dtype(onehot_labels, logits.dtype, "onehot_labels")
        _compatible(logits, labels)
        if label_smoothing > 0:
            n = labels.shape[-1] if labels.shape.ndims else None
            num_classes = (constant(n, dtype=logits.dtype, name="num_classes") if n is not None
                           else cast(shape(labels)[-1], logits.dtype))
            labels = labels * (1.0 - label_smoothing) + label_smoothing / num_classes
        labels = stop_gradient(labels, name="labels_stop_gradient")
        losses = softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits,
                                                      name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.sparse_softmax_cross_entropy``: ``softmax_cross_entropy`` with integer
    class ``labels`` (shape ``[batch_size]``, or ``[batch_size, 1]``, squeezed) instead of
    one-hot rows."""
    _not_none(labels=labels, logits=logits)
    with name_scope(scope, "sparse_softmax_cross_entropy_loss",
                    [logits, labels, weights]) as scope:
        logits = as_tensor(logits)
        labels = as_tensor(labels) if hasattr(labels, "_as_graph_tensor") else \
            constant(labels, dtype=dtypes.int32, name="labels")
        # labels of logits' rank (a trailing axis of 1) are squeezed, as are such weights
        if labels.shape.ndims is not None and labels.shape.ndims == logits.shape.ndims:
            labels = squeeze(labels, [-1])
        if hasattr(weights, "_as_graph_tensor") and labels.shape.ndims is not None and \
                weights.shape.ndims == labels.shape.ndims + 1:
            weights = squeeze(weights, [-1])
        losses = sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                          name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


# ------------------------------------------------------------------- collections

def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """``tf.losses.add_loss``: add ``loss`` to ``loss_collection`` (if not None)."""
    if loss_collection:
        add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    """``tf.losses.get_losses``: the losses in ``loss_collection`` (names matching
    ``scope``, if given)."""
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """``tf.losses.get_regularization_losses``: the ``REGULARIZATION_LOSSES`` collection."""
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """``tf.losses.get_regularization_loss``: the sum of the regularization losses (a
    constant 0.0 if there are none)."""
    losses = get_regularization_losses(scope)
    if losses:
        return add_n(losses, name=name)
    return constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """``tf.losses.get_total_loss``: the sum of ``get_losses()`` and (by default) the
    regularization losses. Raises ``ValueError`` if there is no loss at all."""
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    return add_n(losses, name=name)
