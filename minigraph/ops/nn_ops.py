"""Neural-network ops: relu, softplus, softmax, log-softmax and the cross-entropies."""

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.graph import name_scope
from minigraph.op_def import OpDef, quiet, register, same_dtype
from minigraph.ops._util import make
from minigraph.ops.array_ops import expand_dims, one_hot, stop_gradient, where, zeros_like
from minigraph.ops.constant_op import as_tensor
from minigraph.ops.math_ops import UnaryOp, add, cast, exp, log1p, sigmoid
from minigraph.ops.reduce_ops import reduce_sum
from minigraph.tensor_shape import TensorShape


def _floats(inputs, attrs):
    x = inputs[0]
    if not x.dtype.is_floating:
        raise TypeError("expected a floating point input, got %s" % x.dtype.name)
    return x.shape, x.dtype


@register("nn.relu")
class Relu(UnaryOp):
    """y = max(x, 0)"""
    arg = "features"

    @staticmethod
    def forward(x):
        return np.maximum(x, 0)

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        return [make(ReluGrad, [grad, y], None, "ReluGrad")]


@register
class ReluGrad(OpDef):
    """z = dy where y > 0, else 0: the gradient of y = relu(x)"""

    @staticmethod
    def infer(inputs, attrs):
        return inputs[0].shape, same_dtype(inputs, ("gradients", "features"))

    @staticmethod
    def forward(dy, y):
        return dy * (y > 0)  # multiplying by the mask is cheaper than dy[y <= 0] = 0

    @staticmethod
    def gradient(op, grad, needed):
        y = op.inputs[1]
        # as TF: the gradient with respect to the features is zero (not None)
        return [make(ReluGrad, [grad, y], None, "ReluGrad"), zeros_like(y)]


relu = Relu.function


@register("nn.softplus", "math.softplus")
class Softplus(UnaryOp):
    """y = log(1 + exp(x)), a smooth relu"""
    arg = "features"

    @staticmethod
    @quiet
    def forward(x):
        return np.logaddexp(x.dtype.type(0), x)  # log(exp(0) + exp(x)), without overflow

    @staticmethod
    def gradient(op, grad, needed):
        x, = op.inputs
        return [grad * sigmoid(x)]  # d/dx log(1 + exp(x)) = exp(x) / (1 + exp(x))


def _axis_is_last(inputs, attrs):
    s = inputs[0].shape
    axis = attrs.get("axis", -1)
    if s.ndims is not None and axis not in (-1, s.ndims - 1):
        raise ValueError("only the last axis is supported, got axis=%d" % axis)


def _log_softmax(x):
    """log(softmax(x)) over the last axis, shifted by the max so exp cannot overflow."""
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


@register
class Softmax(OpDef):
    """y = exp(x) / sum(exp(x)) over the last axis"""

    @staticmethod
    def infer(inputs, attrs):
        _axis_is_last(inputs, attrs)
        return _floats(inputs, attrs)

    @staticmethod
    @quiet
    def forward(x):
        e = np.exp(x - np.max(x, axis=-1, keepdims=True))
        return e / np.sum(e, axis=-1, keepdims=True)

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        # dx = (dy - sum(dy * y)) * y
        return [(grad - reduce_sum(grad * y, -1, keepdims=True)) * y]


@register
class LogSoftmax(OpDef):
    """y = x - log(sum(exp(x))) over the last axis"""

    @staticmethod
    def infer(inputs, attrs):
        _axis_is_last(inputs, attrs)
        return _floats(inputs, attrs)

    @staticmethod
    @quiet
    def forward(x):
        return _log_softmax(x)

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        # dx = dy - sum(dy) * softmax(x)
        return [grad - reduce_sum(grad, -1, keepdims=True) * exp(y)]


@export("nn.softmax", "math.softmax")
def softmax(logits, axis=None, name=None, dim=None):
    """``tf.nn.softmax`` over the last axis."""
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)
    return make(Softmax, [as_tensor(logits)], {"axis": axis} if axis != -1 else None,
                name or "Softmax")


@export("nn.log_softmax", "math.log_softmax")
def log_softmax(logits, axis=None, name=None, dim=None):
    """``tf.nn.log_softmax`` over the last axis."""
    axis = -1 if axis is None and dim is None else (axis if axis is not None else dim)
    return make(LogSoftmax, [as_tensor(logits)], {"axis": axis} if axis != -1 else None,
                name or "LogSoftmax")


@register
class SoftmaxCrossEntropyWithLogits(OpDef):
    """loss = -sum(labels * log_softmax(logits)) over the last axis"""

    @staticmethod
    def infer(inputs, attrs):
        labels, logits = inputs
        dtype = same_dtype(inputs, ("labels", "logits"))
        if not labels.shape.is_compatible_with(logits.shape):
            raise ValueError("logits and labels must have the same shape, got %s and %s"
                             % (logits.shape, labels.shape))
        s = logits.shape.merge_with(labels.shape)
        return (s[:-1] if s.ndims is not None else s), dtype

    @staticmethod
    @quiet
    def forward(labels, logits):
        log_p = _log_softmax(logits)
        return -np.sum(labels * log_p, axis=-1)

    @staticmethod
    def gradient(op, grad, needed):
        labels, logits = op.inputs
        g = expand_dims(grad, -1)
        return [g * -log_softmax(logits) if needed[0] else None,       # d/dlabels
                g * (softmax(logits) - labels) if needed[1] else None]  # d/dlogits


def _labels_like(labels, logits):
    """TF1 casts the labels to the logits' dtype, so integer one-hot labels (an int32
    placeholder, ``[[0, 1, 0]]``) work: the ``Cast`` is made in the loss's name scope."""
    if not hasattr(labels, "_as_graph_tensor"):
        return as_tensor(labels, dtype=logits.dtype, name="labels")
    labels = as_tensor(labels)
    return cast(labels, logits.dtype) if labels.dtype != logits.dtype else labels


@export("nn.softmax_cross_entropy_with_logits_v2")
def softmax_cross_entropy_with_logits_v2(_sentinel=None, labels=None, logits=None, dim=-1,
                                         name=None, axis=None):
    """``tf.nn.softmax_cross_entropy_with_logits_v2``: per-example cross-entropy between
    the distribution ``labels`` and ``softmax(logits)``; gradients flow into both.

    ``labels`` of another dtype than ``logits`` (integer one-hot rows) are cast to it, as
    TF1 does."""
    if _sentinel is not None:
        raise ValueError("Only call softmax_cross_entropy_with_logits with named arguments "
                         "(labels=..., logits=...)")
    logits = as_tensor(logits)
    with name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        labels = _labels_like(labels, logits)
        return make(SoftmaxCrossEntropyWithLogits, [labels, logits], None, scope)


@export("nn.softmax_cross_entropy_with_logits")
def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1, name=None,
                                      axis=None):
    """``tf.nn.softmax_cross_entropy_with_logits`` (TF1): like ``_v2`` but no gradient flows
    into ``labels``: TF1 wraps them in ``stop_gradient``, named as TF1 names it
    (``softmax_cross_entropy_with_logits_sg/labels_stop_gradient``), then casts them to the
    logits' dtype if they differ."""
    if _sentinel is not None:
        raise ValueError("Only call softmax_cross_entropy_with_logits with named arguments "
                         "(labels=..., logits=...)")
    logits = as_tensor(logits)
    with name_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as scope:
        if not hasattr(labels, "_as_graph_tensor"):
            labels = as_tensor(labels, dtype=logits.dtype, name="labels")
        labels = _labels_like(stop_gradient(labels, name="labels_stop_gradient"), logits)
        return make(SoftmaxCrossEntropyWithLogits, [labels, logits], None, scope)


@register
class SparseSoftmaxCrossEntropyWithLogits(OpDef):
    """loss = -log_softmax(logits)[label] for each row"""

    @staticmethod
    def infer(inputs, attrs):
        labels, logits = inputs
        if not labels.dtype.is_integer:
            raise TypeError("labels must be int32 or int64, got %s" % labels.dtype.name)
        if not logits.dtype.is_floating:
            raise TypeError("logits must be floating point, got %s" % logits.dtype.name)
        if logits.shape.ndims is not None and labels.shape.ndims is not None:
            if labels.shape.ndims != logits.shape.ndims - 1 or \
                    not labels.shape.is_compatible_with(logits.shape[:-1]):
                raise ValueError("Shape mismatch: labels of shape %s for logits of shape %s; "
                                 "labels must have logits' shape without the last axis"
                                 % (labels.shape, logits.shape))
            return logits.shape[:-1].merge_with(labels.shape), logits.dtype
        return labels.shape, logits.dtype

    @staticmethod
    @quiet
    def forward(labels, logits):
        n_classes = logits.shape[-1]
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            bad = labels[(labels < 0) | (labels >= n_classes)].ravel()[0]
            raise IndexError("Received a label value of %d which is outside the valid range "
                             "of [0, %d)." % (bad, n_classes))
        log_p = _log_softmax(logits)
        return -np.take_along_axis(log_p, labels[..., None].astype(np.intp), axis=-1)[..., 0]

    @staticmethod
    def gradient(op, grad, needed):
        labels, logits = op.inputs
        depth = logits.shape[-1] if logits.shape.ndims else None
        if depth is None:
            raise ValueError("The gradient of %s needs the number of classes (the last "
                             "dimension of logits) to be known" % op.name)
        target = one_hot(labels, depth, dtype=logits.dtype)
        return [None, expand_dims(grad, -1) * (softmax(logits) - target)]


@export("nn.sparse_softmax_cross_entropy_with_logits")
def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """``tf.nn.sparse_softmax_cross_entropy_with_logits``: per-example cross-entropy with
    integer class ``labels`` (shape ``logits.shape[:-1]``)."""
    if _sentinel is not None:
        raise ValueError("Only call sparse_softmax_cross_entropy_with_logits with named "
                         "arguments (labels=..., logits=...)")
    logits = as_tensor(logits)
    labels = as_tensor(labels) if hasattr(labels, "_as_graph_tensor") else \
        as_tensor(np.asarray(labels), dtype=dtypes.int32 if np.asarray(labels).dtype.kind != "i"
                  else None)
    return make(SparseSoftmaxCrossEntropyWithLogits, [labels, logits], None,
                name or "SparseSoftmaxCrossEntropyWithLogits")



# ------------------------------------------------- sigmoid cross-entropy (a composite)

@export("nn.sigmoid_cross_entropy_with_logits")
def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """``tf.nn.sigmoid_cross_entropy_with_logits``: the elementwise logistic loss between
    targets ``labels`` (z, in [0, 1]) and ``logits`` (x), of their common shape:
    ``-z * log(sigmoid(x)) - (1 - z) * log(1 - sigmoid(x))``.

    Not a primitive: built from primitives as TF1 builds it, under a ``logistic_loss`` scope.
    """
    if _sentinel is not None:
        raise ValueError("Only call sigmoid_cross_entropy_with_logits with named arguments "
                         "(labels=..., logits=...)")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    with name_scope(name, "logistic_loss", [logits, labels]) as scope:
        x = as_tensor(logits, name="logits")
        z = as_tensor(labels) if hasattr(labels, "_as_graph_tensor") else \
            as_tensor(labels, dtype=x.dtype, name="labels")
        if not z.shape.is_compatible_with(x.shape):
            raise ValueError("logits and labels must have the same shape (%s vs %s)"
                             % (x.shape, z.shape))
        # x - x*z + log(1 + exp(-x)) overflows for x << 0; for x < 0 the same value is
        # -x*z + log(1 + exp(x)). Both at once, stable for every x:
        #   loss = max(x, 0) - x*z + log(1 + exp(-|x|))
        # with max and |.| written as where(x >= 0, ...) so the gradient at 0 is defined.
        zeros = zeros_like(x)
        cond = x >= zeros
        relu_logits = where(cond, x, zeros)       # max(x, 0)
        neg_abs_logits = where(cond, -x, x)       # -|x|
        return add(relu_logits - x * z, log1p(exp(neg_abs_logits)), name=scope)



# ------------------------------------------------------------------------- in_top_k

@register
class InTopKV2(OpDef):
    """out[i] = is class targets[i] among the k highest of predictions[i]?"""
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        predictions, targets, k = inputs
        if predictions.dtype != dtypes.float32:
            raise TypeError("Input 'predictions' of 'InTopKV2' Op has type %s that does not "
                            "match expected type of float32." % predictions.dtype.name)
        if targets.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError("Value passed to parameter 'targets' has DataType %s not in list "
                            "of allowed values: int32, int64" % targets.dtype.name)
        same_dtype([targets, k], ("targets", "k"))
        for t, rank in ((predictions, 2), (targets, 1), (k, 0)):
            if t.shape.ndims is not None and t.shape.ndims != rank:
                raise ValueError("Shape must be rank %d but is rank %d"
                                 % (rank, t.shape.ndims))
        batch = predictions.shape[:1] if predictions.shape.ndims else TensorShape([None])
        if not batch.is_compatible_with(targets.shape):
            raise ValueError("Dimensions must be equal, but are %s and %s"
                             % (batch[0], targets.shape[0]))
        return batch.merge_with(targets.shape if targets.shape.ndims else [None]), dtypes.bool

    @staticmethod
    def forward(predictions, targets, k):
        # TF's kernel: count the classes scoring strictly more than the target's class, so a
        # tie with the k-th score is in the top k. A row holding a NaN or an infinity, or a
        # target outside [0, classes), is False.
        n, classes = predictions.shape
        valid = (targets >= 0) & (targets < classes)
        target_score = predictions[np.arange(n), np.where(valid, targets, 0)]
        finite = np.all(np.isfinite(predictions), axis=1)
        higher = np.sum(predictions > target_score[:, None], axis=1)
        return valid & finite & (higher < k)


@export("nn.in_top_k", "math.in_top_k")
def in_top_k(predictions, targets, k, name=None):
    """``tf.nn.in_top_k``: for each row ``i``, is class ``targets[i]`` among the ``k``
    highest ``predictions[i]``? A bool vector; the accuracy of TF1's
    ``fully_connected_feed.py`` is ``tf.reduce_sum(tf.cast(in_top_k(logits, labels, 1),
    tf.int32))``.

    As TF1's ``InTopKV2``: ``predictions`` is float32 of shape ``[batch, classes]``,
    ``targets`` int32 or int64 of shape ``[batch]``; a class tied with the k-th highest score
    counts as in the top k (so with ``k=1`` every class tied for first is); a row with a
    NaN or an infinity, a target out of range, or ``k <= 0`` gives False. No gradient.
    """
    with name_scope(name, "in_top_k", [predictions, targets]):
        predictions, targets = as_tensor(predictions), as_tensor(targets)
        with name_scope("InTopKV2", values=[predictions]) as scope:   # in_top_k/InTopKV2
            k = as_tensor(k) if hasattr(k, "_as_graph_tensor") else \
                as_tensor(k, dtype=targets.dtype, name="k")
            return make(InTopKV2, [predictions, targets, k], None, scope)
