"""Neural-network ops: relu, softplus, softmax, log-softmax and the cross-entropies."""

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.errors import InvalidArgumentError
from minigraph.graph import name_scope
from minigraph.op_def import OpDef, broadcast_static, quiet, register, same_dtype
from minigraph.ops._util import is_tensor, make, make_op
from minigraph.ops.array_ops import (concat, constant_value, expand_dims, rank, reshape, shape,
                                     slice_, stop_gradient, transpose, where, zeros_like)
from minigraph.ops.constant_op import as_tensor
from minigraph.ops.math_ops import (UnaryOp, add, cast, exp, floormod, less, log1p, range_,
                                    sigmoid, subtract)
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


def _at_least_a_vector(inputs, attrs):
    if inputs[0].shape.ndims == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    return _floats(inputs, attrs)


def _log_softmax(x):
    """log(softmax(x)) over the last axis, shifted by the max so exp cannot overflow."""
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


@register
class Softmax(OpDef):
    """y = exp(x) / sum(exp(x)) over the last axis"""

    infer = staticmethod(_at_least_a_vector)

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

    infer = staticmethod(_at_least_a_vector)

    @staticmethod
    @quiet
    def forward(x):
        return _log_softmax(x)

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        # dx = dy - sum(dy) * softmax(x)
        return [grad - reduce_sum(grad, -1, keepdims=True) * exp(y)]


def _wrap_2d_function(inputs, opdef, dim, name):
    """TF1's ``_wrap_2d_function``: ``opdef`` (Softmax, LogSoftmax) works on the last axis;
    for another axis ``dim`` it is swapped with the last one before (a ``transpose`` by the
    permutation ``[0 .. dim-1, rank-1, dim+1 .. rank-2, dim]``, built from ``range`` and
    ``concat``) and after."""
    inputs = as_tensor(inputs)
    shape = inputs.shape
    if not is_tensor(dim) and (dim == -1 or (shape.ndims is not None
                                              and dim == shape.ndims - 1)):
        return make(opdef, [inputs], None, name or opdef.type)
    if shape.ndims is None:
        raise ValueError("%s over axis %s needs the rank of its input known, got shape %s"
                         % (opdef.type, dim, shape))
    dim_value = dim if not is_tensor(dim) else constant_value(as_tensor(dim))
    if dim_value is not None and not -shape.ndims <= int(dim_value) < shape.ndims:
        raise InvalidArgumentError(None, None, "`dim` must be in the range [%d, %d) where %d is "
                                   "the number of dimensions in the input. Received: dim=%d"
                                   % (-shape.ndims, shape.ndims, shape.ndims, dim_value))
    ndims = rank(inputs)
    if not is_tensor(dim):
        if dim < 0:
            dim = add(dim, ndims, name="add")
    else:
        dim = as_tensor(dim)
        dim = where(less(dim, 0), add(dim, ndims, name="add"), dim)
    input_rank = rank(inputs)
    dim_axis = floormod(dim, shape.ndims, name="mod") if is_tensor(dim) else dim % shape.ndims

    def swap_axis(t, last_index, name=None):
        return transpose(t, concat([range_(dim_axis), [last_index],
                                    range_(dim_axis + 1, last_index), [dim_axis]], 0),
                         name=name)

    outputs = make(opdef, [swap_axis(inputs, subtract(input_rank, 1))], None, opdef.type)
    output = swap_axis(outputs, subtract(input_rank, 1), name=name)
    output.set_shape(shape)
    return output


def _axis(axis, dim):
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    axis = dim if axis is None else axis
    return -1 if axis is None else axis


@export("nn.softmax", "math.softmax")
def softmax(logits, axis=None, name=None, dim=None):
    """``tf.nn.softmax``: ``exp(logits) / sum(exp(logits))`` over ``axis`` (the last by
    default; TF1's old name ``dim``). The ``Softmax`` op works on the last axis: another is
    transposed last and back, as TF1 does."""
    return _wrap_2d_function(logits, Softmax, _axis(axis, dim), name)


@export("nn.log_softmax", "math.log_softmax")
def log_softmax(logits, axis=None, name=None, dim=None):
    """``tf.nn.log_softmax``: ``logits - log(sum(exp(logits)))`` over ``axis`` (the last by
    default), transposed around the ``LogSoftmax`` op for another axis, as TF1 does."""
    return _wrap_2d_function(logits, LogSoftmax, _axis(axis, dim), name)


# ------------------------------------------------------- softmax cross-entropies
#
# TF1's two ops take ``(features, labels)``, the logits first, and have two outputs: the loss
# per example and ``backprop = softmax(features) - labels``, its gradient with respect to the
# logits, computed in the same pass. Their gradient is ``grad_loss * backprop``. The ops want a
# matrix of logits, one row per example: ``tf.nn.softmax_cross_entropy_with_logits`` flattens
# the logits and labels to 2-D around its op and reshapes the loss back, as TF1 does.


def _xent_grad_of_backprop(features, grad_grad):
    """What the gradient of ``backprop`` (output 1) adds for the logits: its Jacobian is the
    softmax's, ``(grad_grad - sum(grad_grad * p)) * p`` with ``p = softmax(features)``."""
    p = make(Softmax, [features], None, "Softmax")
    return (grad_grad - reduce_sum(grad_grad * p, -1, keepdims=True)) * p


def _times_rows(grad_loss, matrix):
    """TF1's ``_BroadcastMul``: each row of ``matrix`` times its example's ``grad_loss``."""
    return expand_dims(grad_loss, -1) * matrix


def _check_2d(t, what, op_type):
    if t.shape.ndims is not None and t.shape.ndims != 2:
        raise ValueError("%s must be 2-D for %s, got shape %s (tf.nn's functions flatten it)"
                         % (what, op_type, t.shape))


@register
class SoftmaxCrossEntropyWithLogits(OpDef):
    """loss = -sum(labels * log_softmax(features)) over each row, and backprop =
    softmax(features) - labels. Inputs (features, labels), both [batch, classes]."""

    @staticmethod
    def infer(inputs, attrs):
        features, labels = inputs
        dtype = same_dtype(inputs, ("features", "labels"))
        if not dtype.is_floating:
            raise TypeError("SoftmaxCrossEntropyWithLogits takes floating point logits, got %s"
                            % dtype.name)
        _check_2d(features, "logits", "SoftmaxCrossEntropyWithLogits")
        _check_2d(labels, "labels", "SoftmaxCrossEntropyWithLogits")
        try:
            s = broadcast_static(features.shape, labels.shape)
        except ValueError:
            raise ValueError("logits and labels must be broadcastable: logits_size=%s "
                             "labels_size=%s" % (features.shape, labels.shape)) from None
        batch = TensorShape(None if s.ndims is None else [s[0]])
        return [(batch, dtype), (s, dtype)]

    @staticmethod
    @quiet
    def forward(features, labels):
        shifted = features - np.max(features, axis=-1, keepdims=True)
        e = np.exp(shifted)
        total = np.sum(e, axis=-1, keepdims=True)
        loss = -np.sum(labels * (shifted - np.log(total)), axis=-1)
        return loss, e / total - labels

    @staticmethod
    def gradient(op, grad, needed):
        grad_loss, grad_grad = grad
        features, labels = op.inputs
        d_features = d_labels = None
        if needed[0]:
            if grad_loss is not None:
                d_features = _times_rows(grad_loss, op.outputs[1])
            if grad_grad is not None:
                extra = _xent_grad_of_backprop(features, grad_grad)
                d_features = extra if d_features is None else d_features + extra
        if needed[1]:
            if grad_loss is not None:
                d_labels = _times_rows(grad_loss, -make(LogSoftmax, [features], None,
                                                        "LogSoftmax"))
            if grad_grad is not None:
                # d backprop / d labels = -1 (TF1 leaves this term out; a second derivative
                # with respect to the labels needs it)
                d_labels = -grad_grad if d_labels is None else d_labels - grad_grad
        return [d_features, d_labels]


def _flatten_outer_dims(logits):
    """TF1's ``_flatten_outer_dims``: ``reshape(logits, concat([[-1], last dim], 0))``, the
    last dimension a ``Slice`` of the shape at ``rank - 1``; the static shape set when the
    outer dimensions are known."""
    r = rank(logits)
    last_dim_size = slice_(shape(logits), [subtract(r, 1)], [1])
    output = reshape(logits, concat([[-1], last_dim_size], 0))
    s = logits.shape
    if s.ndims is not None and None not in s.as_list()[:-1]:
        output.set_shape([int(np.prod(s.as_list()[:-1])), s[-1]])
    return output


@export("nn.softmax_cross_entropy_with_logits_v2")
def softmax_cross_entropy_with_logits_v2(labels, logits, axis=None, name=None, dim=None):
    """``tf.nn.softmax_cross_entropy_with_logits_v2``: per-example cross-entropy between the
    distributions ``labels`` and ``softmax(logits)`` over ``axis`` (the last by default);
    gradients flow into both.

    Built as TF1 builds it, in the scope ``softmax_cross_entropy_with_logits``: the class
    axis moved last (a ``transpose``) if it is not, logits and labels flattened to matrices
    (``Reshape``, ``Reshape_1``), the ``SoftmaxCrossEntropyWithLogits`` op named after the
    scope, and its loss reshaped to the logits' shape without that axis (``Reshape_2``)."""
    axis = _axis(axis, dim)
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be provided for "
                         "softmax_cross_entropy_with_logits_v2")
    with name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        logits = as_tensor(logits, name="logits")
        labels = cast(as_tensor(labels, name="labels"), logits.dtype)
        input_rank = rank(logits)
        static = logits.shape
        if axis != -1:
            def move_to_end(t):
                return transpose(t, concat([range_(axis), range_(axis + 1, input_rank),
                                            [axis]], 0))
            logits, labels = move_to_end(logits), move_to_end(labels)
        input_shape = shape(logits)
        flat_logits = _flatten_outer_dims(logits)
        flat_labels = _flatten_outer_dims(labels)
        cost = make_op(SoftmaxCrossEntropyWithLogits, [flat_logits, flat_labels], None,
                       scope).outputs[0]
        cost = reshape(cost, slice_(input_shape, [0], [subtract(input_rank, 1)]))
        if static.ndims is not None:
            dims = static.as_list()
            del dims[axis]
            cost.set_shape(dims)
        return cost


@export("nn.softmax_cross_entropy_with_logits")
def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1, name=None,
                                      axis=None):
    """``tf.nn.softmax_cross_entropy_with_logits`` (TF1): ``_v2`` with the labels wrapped in
    ``stop_gradient`` (``softmax_cross_entropy_with_logits_sg/labels_stop_gradient``), so no
    gradient flows into them; the rest is built in that same scope."""
    if _sentinel is not None:
        raise ValueError("Only call softmax_cross_entropy_with_logits with named arguments "
                         "(labels=..., logits=...)")
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be provided for "
                         "softmax_cross_entropy_with_logits")
    with name_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as scope:
        labels = stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits,
                                                axis=dim if axis is None else axis, name=scope)


@register
class SparseSoftmaxCrossEntropyWithLogits(OpDef):
    """loss = -log_softmax(features)[label] for each row, and backprop = softmax(features)
    - one_hot(labels). Inputs (features [batch, classes], labels [batch], integers)."""

    @staticmethod
    def infer(inputs, attrs):
        features, labels = inputs
        if not features.dtype.is_floating:
            raise TypeError("logits must be floating point, got %s" % features.dtype.name)
        if labels.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError("Value passed to parameter 'labels' has DataType %s not in list of "
                            "allowed values: int32, int64" % labels.dtype.name)
        _check_2d(features, "logits", "SparseSoftmaxCrossEntropyWithLogits")
        if labels.shape.ndims not in (None, 1):
            raise ValueError("labels must be 1-D, but got shape %s" % labels.shape)
        f = features.shape if features.shape.ndims is not None else TensorShape([None, None])
        batch = TensorShape([f[0]])
        if not batch.is_compatible_with(labels.shape if labels.shape.ndims else [None]):
            raise ValueError("logits and labels must have the same first dimension, got logits "
                             "shape %s and labels shape %s" % (features.shape, labels.shape))
        batch = batch.merge_with(labels.shape) if labels.shape.ndims else batch
        return [(batch, features.dtype), (TensorShape([batch[0], f[1]]), features.dtype)]

    @staticmethod
    @quiet
    def forward(features, labels):
        n_classes = features.shape[-1]
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            bad = labels[(labels < 0) | (labels >= n_classes)].ravel()[0]
            raise IndexError("Received a label value of %d which is outside the valid range "
                             "of [0, %d)." % (bad, n_classes))
        shifted = features - np.max(features, axis=-1, keepdims=True)
        e = np.exp(shifted)
        total = np.sum(e, axis=-1, keepdims=True)
        rows = np.arange(len(labels))
        loss = np.log(total[:, 0]) - shifted[rows, labels]
        backprop = e / total
        backprop[rows, labels] -= 1
        return loss, backprop

    @staticmethod
    def gradient(op, grad, needed):
        grad_loss, grad_grad = grad
        features = op.inputs[0]
        d_features = None
        if grad_loss is not None:
            d_features = _times_rows(grad_loss, op.outputs[1])
        if grad_grad is not None:
            extra = _xent_grad_of_backprop(features, grad_grad)
            d_features = extra if d_features is None else d_features + extra
        return [d_features, None]


@export("nn.sparse_softmax_cross_entropy_with_logits")
def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """``tf.nn.sparse_softmax_cross_entropy_with_logits``: per-example cross-entropy with
    integer class ``labels`` (shape ``logits.shape[:-1]``).

    Built as TF1 builds it, in the scope ``name`` (``SparseSoftmaxCrossEntropyWithLogits`` by
    default): the labels' ``Shape``, then the op, itself called ``name`` inside that scope
    (``xentropy/xentropy``), on ``(logits, labels)``. Logits of another rank than 2 are
    reshaped to a matrix around it and the loss back to the labels' shape."""
    if _sentinel is not None:
        raise ValueError("Only call sparse_softmax_cross_entropy_with_logits with named "
                         "arguments (labels=..., logits=...)")
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be provided for "
                         "sparse_softmax_cross_entropy_with_logits")
    op_name = name or "SparseSoftmaxCrossEntropyWithLogits"
    with name_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]):
        labels = as_tensor(labels)
        logits = as_tensor(logits)
        labels_static = labels.shape
        labels_shape = shape(labels)
        f = logits.shape
        if f.ndims == 0:
            raise ValueError("`logits` cannot be a scalar. Received logits=%s" % logits)
        if f.ndims is not None and labels_static.ndims is not None \
                and labels_static.ndims != f.ndims - 1:
            raise ValueError("`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: "
                             "labels.shape=%s of rank %d and logits.shape=%s of rank %d"
                             % (labels_static, labels_static.ndims, f, f.ndims))
        if labels_static.is_fully_defined() and f.ndims is not None \
                and f[:-1].is_fully_defined() and labels_static != f[:-1]:
            raise ValueError("`labels.shape` must equal `logits.shape` except for the last "
                             "dimension. Received: labels.shape=%s and logits.shape=%s"
                             % (labels_static, f))
        if f.ndims == 2:
            return make_op(SparseSoftmaxCrossEntropyWithLogits, [logits, labels], None,
                           op_name).outputs[0]
        # (TF1 first asserts, at run time, that the shapes agree when the static shapes do
        # not say so; minigraph has no Assert op: the op's own check fails the run instead)
        num_classes = shape(logits)[subtract(rank(logits), 1, name="sub")]
        flat_logits = reshape(logits, [-1, num_classes])
        flat_labels = reshape(labels, [-1])
        cost = make_op(SparseSoftmaxCrossEntropyWithLogits, [flat_logits, flat_labels], None,
                       op_name).outputs[0]
        cost = reshape(cost, labels_shape)
        cost.set_shape(labels_static)
        return cost


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
        z = as_tensor(labels) if is_tensor(labels) else \
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
        for t, want in ((predictions, 2), (targets, 1), (k, 0)):
            if t.shape.ndims is not None and t.shape.ndims != want:
                raise ValueError("Shape must be rank %d but is rank %d"
                                 % (want, t.shape.ndims))
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
            k = as_tensor(k) if is_tensor(k) else \
                as_tensor(k, dtype=targets.dtype, name="k")
            return make(InTopKV2, [predictions, targets, k], None, scope)
