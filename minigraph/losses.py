"""``tf.losses``: the standard losses, each built from primitive ops and reduced to a scalar.

Every loss here has the same two halves, as in TF1:

1. an elementwise loss, e.g. ``SquaredDifference(predictions, labels)`` for
   ``mean_squared_error``;
2. ``compute_weighted_loss``: multiply by ``weights`` (a scalar, or a tensor that
   broadcasts to the losses: 0 drops an element) and reduce. The default reduction,
   ``Reduction.SUM_BY_NONZERO_WEIGHTS``, is ``sum(weights * losses)`` divided by the
   number of NON-ZERO weights (0 if all weights are 0), computed in the graph. With the
   default ``weights=1.0`` that is the plain mean: ``tf.losses.mean_squared_error(y, p)``
   equals ``tf.reduce_mean((y - p) ** 2)``.

The graph is TF1's, node for node (``tests/test_graph_def.py``, programs ``losses_*``).
``tf.losses.mean_squared_error(labels, predictions)`` builds, in the scope
``mean_squared_error/``::

    SquaredDifference            (predictions - labels)^2, the elementwise losses
    assert_broadcastable/...     the weights' and losses' shape and rank; when they settle
      static_scalar_check_success  the check as the graph is built, a NoOp named so (or
                                   static_dims_check_success, for tensor weights), which
                                   every op below runs after
    Cast/x, Mul                  weights (as float32) * losses
    Const, Sum                   the sum of the weighted losses
    num_present/...              how many weights are not 0: where(weights == 0, 0, 1)
      Equal, zeros_like,           (Select), times ones_like(losses) to broadcast it to
      ones_like, Select,           the losses' shape (broadcast_weights, after a check of
      broadcast_weights, Sum       its own), summed
    Rank, range, Sum_1           reduce_sum of the (scalar) sum, as TF1's _safe_mean does
    value                        DivNoNan(Sum_1, num_present): 0, not NaN, if every weight
                                 is 0

``Reduction.MEAN`` divides by ``sum(ones_like(losses) * weights)`` instead,
``SUM_OVER_BATCH_SIZE`` by ``num_elements`` (the size of the losses); ``SUM`` stops at
``Sum``; ``NONE`` at ``Mul``.

The result is added to the ``GraphKeys.LOSSES`` collection; ``get_total_loss()`` sums that
collection and the regularization losses.

Two differences from TF1, both on purpose:

* TF1 casts these losses to float32 whatever the input dtype. minigraph keeps float64
  inputs in float64 (so that losses can be gradient-checked in float64): a float64 tensor
  among the inputs makes the loss float64, without TF1's ``Cast`` ops to float32 and back.
  For float32 inputs, which is what TF1 code uses, graph and numbers are TF1's.
* Where the static shapes do not settle whether tensor weights broadcast to the losses
  (weights of shape ``[None, 1]``, say), TF1 builds a run-time check (``tf.cond`` and
  ``Assert``: ``is_valid_shape``, ``AssertGuard``) that minigraph, which has no
  ``tf.cond``, leaves out: the ``Mul`` of weights and losses then broadcasts as numpy
  does. Likewise labels or weights of unknown rank are not squeezed at run time by
  ``sparse_softmax_cross_entropy``.
"""

from minigraph import dtypes
from minigraph.graph import (GraphKeys, add_to_collection, control_dependencies,
                             get_collection, name_scope)
from minigraph.ops.array_ops import (ones_like, rank, shape, size, squeeze, stop_gradient,
                                     where, zeros_like)
from minigraph.ops.constant_op import constant, convert_to_tensor
from minigraph.ops.control_flow_ops import no_op
from minigraph.ops.math_ops import (abs, add, add_n, cast, div_no_nan, equal, log,  # noqa: A004
                                    minimum, multiply, squared_difference, subtract)
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
            raise ValueError("Invalid Reduction Key %s. Key should be one of %s."
                             % (key, cls.all()))


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
      A scalar tensor (of ``losses``' shape for ``Reduction.NONE``), of ``losses``' dtype.
    """
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", [losses, weights]):
        # every op below runs after the check that the weights broadcast to the losses
        with control_dependencies(_checks(_assert_broadcastable(weights, losses))):
            losses = convert_to_tensor(losses)
            input_dtype = losses.dtype
            losses = cast(losses, _compute_dtype(input_dtype))
            weights = cast(weights, losses.dtype)
            weighted_losses = multiply(losses, weights)
            if reduction == Reduction.NONE:
                loss = weighted_losses
            else:
                loss = reduce_sum(weighted_losses)
                if reduction == Reduction.MEAN:
                    # sum(w * l) / sum(w), w broadcast to the losses' shape
                    loss = _safe_mean(loss, reduce_sum(ones_like(losses) * weights))
                elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                    loss = _safe_mean(loss, _num_present(losses, weights))
                elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                    loss = _safe_mean(loss, _num_elements(losses))
            loss = cast(loss, input_dtype)
            add_loss(loss, loss_collection)
            return loss


def _compute_dtype(dtype):
    """TF1 computes the weighted loss in float32; minigraph keeps float64 in float64 (see
    the module docstring)."""
    return dtypes.float64 if dtype == dtypes.float64 else dtypes.float32


def _safe_mean(losses, num_present):
    """sum(losses) / num_present, or 0 if num_present is 0 (a DivNoNan named ``value``: never
    NaN, nor a NaN gradient)."""
    total_loss = reduce_sum(losses)
    return div_no_nan(total_loss, num_present, name="value")


def _num_present(losses, weights):
    """How many elements of ``losses`` have a non-zero weight (weights broadcast to it)."""
    if isinstance(weights, float) and weights != 0.0:
        # a non-zero Python float: every element counts. (TF1's shortcut; but
        # compute_weighted_loss hands over its weights as a tensor, so its graph counts.)
        return _num_elements(losses)
    with name_scope(None, "num_present", [losses, weights]) as scope:
        weights = cast(weights, losses.dtype)
        # present = 1 where the weight is not 0, else 0; broadcast to the losses and counted
        present = where(equal(weights, 0.0), zeros_like(weights), ones_like(weights))
        present = _broadcast_weights(present, losses)
        return reduce_sum(present, name=scope)


def _num_elements(losses):
    """The number of elements of ``losses``, as a tensor of its dtype."""
    with name_scope(None, "num_elements", [losses]) as scope:
        return cast(size(losses, name=scope), losses.dtype)


# ---------------------------------------------------- weights against the losses' shape
# TF1's weights_broadcast_ops: the check that weights broadcast to the values, and the
# broadcast itself.

def _assert_broadcastable(weights, values):
    """The op that checks that ``weights`` broadcast to ``values``: a scalar, or the same
    rank with every dimension either 1 or that of ``values``.

    When the static shapes settle it, the check happens now (a ``ValueError`` here) and the
    op is a NoOp named for it: ``static_scalar_check_success`` or
    ``static_dims_check_success``. Otherwise TF1 checks at run time, with ``tf.cond``, which
    minigraph does not have: then there is no op (None).
    """
    with name_scope(None, "assert_broadcastable", [weights, values]):
        with name_scope(None, "weights", [weights]) as weights_scope:
            weights = convert_to_tensor(weights, name=weights_scope)
            shape(weights, name="shape")
            rank(weights, name="rank")
        with name_scope(None, "values", [values]) as values_scope:
            values = convert_to_tensor(values, name=values_scope)
            shape(values, name="shape")
            rank(values, name="rank")
        ws, vs = weights.shape, values.shape
        if ws.ndims is None or vs.ndims is None:
            return None
        if ws.ndims == 0:
            return no_op(name="static_scalar_check_success")
        if ws.ndims != vs.ndims:
            raise ValueError("weights can not be broadcast to values. values.rank=%d. "
                             "weights.rank=%d. values.shape=%s. weights.shape=%s."
                             % (vs.ndims, ws.ndims, vs, ws))
        if not (ws.is_fully_defined() and vs.is_fully_defined()):
            return None
        for i, (w, v) in enumerate(zip(ws.as_list(), vs.as_list())):
            if w not in (1, v):
                raise ValueError("weights can not be broadcast to values. Mismatch at dim %d. "
                                 "values.shape=%s, weights.shape=%s." % (i, vs, ws))
        return no_op(name="static_dims_check_success")


def _checks(check):
    """The control inputs for ``check`` (none if there is no check op)."""
    return [] if check is None else [check]


def _broadcast_weights(weights, values):
    """``weights`` broadcast to the shape of ``values``: as they are if their static shapes
    already match, else ``weights * ones_like(values)`` (after the broadcast check)."""
    with name_scope(None, "broadcast_weights", [weights, values]) as scope:
        values = convert_to_tensor(values, name="values")
        weights = convert_to_tensor(weights, dtype=values.dtype, name="weights")
        ws, vs = weights.shape, values.shape
        if ws.is_fully_defined() and vs.is_fully_defined() and ws.is_compatible_with(vs):
            return weights
        with control_dependencies(_checks(_assert_broadcastable(weights, values))):
            return multiply(weights, ones_like(values), name=scope)


# ------------------------------------------------------------------- conversions

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
            raise ValueError("Argument `%s` must not be None." % name)


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
        predictions = cast(predictions, dtype)
        labels = cast(labels, dtype)
        predictions.shape.assert_is_compatible_with(labels.shape)
        losses = squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.absolute_difference``: the weighted mean of ``|predictions - labels|``."""
    _not_none(labels=labels, predictions=predictions)
    with name_scope(scope, "absolute_difference", [predictions, labels, weights]) as scope:
        dtype = _float_dtype(predictions, labels)
        predictions = cast(predictions, dtype)
        labels = cast(labels, dtype)
        predictions.shape.assert_is_compatible_with(labels.shape)
        losses = abs(subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.huber_loss``: for each error ``x = predictions - labels``,
    ``0.5 * x^2`` if ``|x| <= delta``, else ``0.5 * delta^2 + delta * (|x| - delta)``."""
    _not_none(labels=labels, predictions=predictions)
    with name_scope(scope, "huber_loss", [predictions, labels, weights]) as scope:
        dtype = _float_dtype(predictions, labels)
        predictions = cast(predictions, dtype)
        labels = cast(labels, dtype)
        predictions.shape.assert_is_compatible_with(labels.shape)
        abs_error = abs(subtract(predictions, labels))
        quadratic = minimum(abs_error, delta)
        # |x| - min(|x|, delta) = max(|x| - delta, 0), but with gradient 0 (not 1) at
        # |x| = delta, where the quadratic part already carries the gradient
        linear = subtract(abs_error, quadratic)
        half = convert_to_tensor(0.5, dtype=quadratic.dtype)
        if dtype != dtypes.float32 and not hasattr(delta, "_as_graph_tensor"):
            # TF1 computes in float32, where multiply(delta, linear) converts delta to
            # float32 on its own; minigraph's float64 losses need it in float64
            delta = convert_to_tensor(delta, dtype=dtype, name="delta")
        losses = add(multiply(half, multiply(quadratic, quadratic)), multiply(delta, linear))
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
        predictions = cast(predictions, dtype)
        labels = cast(labels, dtype)
        predictions.shape.assert_is_compatible_with(labels.shape)
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
        logits = cast(logits, dtype)
        labels = cast(labels, dtype)
        logits.shape.assert_is_compatible_with(labels.shape)
        all_ones = ones_like(labels)
        labels = subtract(2 * labels, all_ones)                   # {0, 1} -> {-1, +1}
        losses = relu(subtract(all_ones, multiply(labels, logits)))
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
        logits = convert_to_tensor(logits)
        multi_class_labels = cast(multi_class_labels, logits.dtype)
        logits.shape.assert_is_compatible_with(multi_class_labels.shape)
        if label_smoothing > 0:
            multi_class_labels = (multi_class_labels * (1 - label_smoothing)
                                  + 0.5 * label_smoothing)
        losses = sigmoid_cross_entropy_with_logits(labels=multi_class_labels, logits=logits,
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
        logits = convert_to_tensor(logits)
        onehot_labels = cast(onehot_labels, logits.dtype)
        logits.shape.assert_is_compatible_with(onehot_labels.shape)
        if label_smoothing > 0:
            num_classes = cast(shape(onehot_labels)[-1], logits.dtype)
            smooth_positives = 1.0 - label_smoothing
            smooth_negatives = label_smoothing / num_classes
            onehot_labels = onehot_labels * smooth_positives + smooth_negatives
        onehot_labels = stop_gradient(onehot_labels, name="labels_stop_gradient")
        losses = softmax_cross_entropy_with_logits_v2(labels=onehot_labels, logits=logits,
                                                      name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.losses.sparse_softmax_cross_entropy``: ``softmax_cross_entropy`` with integer
    class ``labels`` (shape ``[batch_size]``, or ``[batch_size, 1]``, squeezed, as are
    weights of shape ``[batch_size, 1]``) instead of one-hot rows."""
    _not_none(labels=labels, logits=logits)
    with name_scope(scope, "sparse_softmax_cross_entropy_loss",
                    [logits, labels, weights]) as scope:
        labels, logits, weights = _remove_squeezable_dimensions(labels, logits, weights,
                                                                expected_rank_diff=1)
        losses = sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                          name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def _remove_squeezable_dimensions(labels, predictions, weights, expected_rank_diff):
    """Labels (and weights) with a trailing axis of 1 more than expected, squeezed: TF1's
    rule for integer labels of shape ``[batch, 1]`` against logits ``[batch, classes]``.
    Decided on the static ranks (TF1 decides at run time, with ``tf.cond``, when a rank is
    unknown; minigraph then leaves the tensor as it is)."""
    with name_scope(None, "remove_squeezable_dimensions", [labels, predictions]):
        predictions = convert_to_tensor(predictions)
        labels = convert_to_tensor(labels)
        p_rank, l_rank = predictions.shape.ndims, labels.shape.ndims
        if p_rank is not None and l_rank is not None:
            rank_diff = p_rank - l_rank
            if rank_diff == expected_rank_diff + 1 and \
                    predictions.shape[-1] in (None, 1):
                predictions = squeeze(predictions, [-1])
            elif rank_diff == expected_rank_diff - 1 and labels.shape[-1] in (None, 1):
                labels = squeeze(labels, [-1])
    weights = convert_to_tensor(weights)
    if labels.shape.ndims is not None and weights.shape.ndims is not None and \
            weights.shape.ndims - labels.shape.ndims == 1:
        weights = squeeze(weights, [-1])
    return labels, predictions, weights


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
