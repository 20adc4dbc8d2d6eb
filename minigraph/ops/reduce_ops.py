"""Reductions: sum, mean, max, min over some axes (``keepdims`` as in TF1)."""

import numpy as np

from minigraph.api import export
from minigraph.op_def import OpDef, register
from minigraph.ops._util import make
from minigraph.ops.array_ops import broadcast_to, expand_dims, reshape, shape_of, size
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.ops.math_ops import cast, equal
from minigraph.tensor_shape import TensorShape


def _norm_axes(axis, ndims):
    """``axis`` (None, int or list) as a sorted tuple of non-negative axes, or None (all)."""
    if axis is None:
        return None
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    out = set()
    for a in axes:
        a = int(a)
        if ndims is not None:
            if not -ndims <= a < ndims:
                raise ValueError("Invalid reduction dimension %d for input with %d dimensions"
                                 % (a, ndims))
            a %= ndims
        elif a < 0:
            raise ValueError("A negative reduction axis needs an input of known rank")
        out.add(a)
    return tuple(sorted(out))


class _Reduce(OpDef):
    """Base of the reductions: attrs ``axis`` (tuple or None for all) and ``keepdims``."""

    @staticmethod
    def infer(inputs, attrs):
        x = inputs[0]
        axes, keep = attrs["axis"], attrs["keepdims"]
        if x.shape.ndims is None:
            return TensorShape(None), x.dtype
        dims = x.shape.as_list()
        reduced = range(len(dims)) if axes is None else axes
        if keep:
            return TensorShape([1 if i in reduced else d for i, d in enumerate(dims)]), x.dtype
        return TensorShape([d for i, d in enumerate(dims) if i not in reduced]), x.dtype


def _keep_dims(grad, op):
    """Reshape the gradient of a reduction to the input's rank, 1 on the reduced axes."""
    x = op.inputs[0]
    axes, keep = op.attrs["axis"], op.attrs["keepdims"]
    if keep:
        return grad
    ndims = x.shape.ndims
    if ndims is None and axes is None:
        return grad  # a scalar: it broadcasts to x whatever x's rank
    if ndims is None:
        raise ValueError("The gradient of %s needs its input's rank to be known" % op.name)
    reduced = range(ndims) if axes is None else axes
    if grad.shape.is_fully_defined():
        dims = [1 if i in reduced else d for i, d in enumerate(x.shape.as_list())]
        if None not in dims:
            return reshape(grad, dims)
    for a in sorted(reduced):
        grad = expand_dims(grad, a)
    return grad


def _count(op):
    """How many input elements went into each output element, as a tensor of x's dtype."""
    x, y = op.inputs[0], op.outputs[0]
    nx, ny = x.shape.num_elements(), y.shape.num_elements()
    if nx is not None and ny is not None:
        return constant(nx // max(ny, 1), dtype=x.dtype, name="count")
    return cast(size(x), x.dtype) / cast(size(y), x.dtype)


@register
class Sum(_Reduce):
    """y = sum of x over ``axis``"""

    @staticmethod
    def forward(x, axis, keepdims):
        x = np.asarray(x)
        return np.add.reduce(x, axis=axis, keepdims=keepdims, dtype=x.dtype)  # = np.sum

    @staticmethod
    def gradient(op, grad, needed):
        # every input element contributed once: copy the gradient back over the reduced axes
        return [broadcast_to(_keep_dims(grad, op), shape_of(op.inputs[0]))]


@register
class Mean(_Reduce):
    """y = mean of x over ``axis`` (integer division for integer x, as TF)"""

    @staticmethod
    def forward(x, axis, keepdims):
        x = np.asarray(x)
        if x.dtype.kind in "iu":
            total = np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
            n = x.size // max(total.size, 1)
            # C's integer division, as TF: truncated toward zero (numpy's // floors)
            return (np.sign(total) * (np.abs(total) // n)).astype(x.dtype)
        if x.size == 0:
            return np.mean(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
        # what np.mean computes (sum, then divide by the count), without its overhead
        total = np.add.reduce(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
        return total / (x.size // max(total.size, 1))

    @staticmethod
    def gradient(op, grad, needed):
        return [broadcast_to(_keep_dims(grad, op) / _count(op), shape_of(op.inputs[0]))]


class _Extreme(_Reduce):
    @staticmethod
    def gradient(op, grad, needed):
        # the gradient goes to the elements equal to the extreme, split evenly among ties
        x = op.inputs[0]
        y = _keep_dims(op.outputs[0], op)
        hit = cast(equal(x, y), x.dtype)
        ties = reduce_sum(hit, op.attrs["axis"], keepdims=True)
        return [_keep_dims(grad, op) * hit / ties]


@register
class Max(_Extreme):
    """y = max of x over ``axis``"""

    @staticmethod
    def forward(x, axis, keepdims):
        return np.max(x, axis=axis, keepdims=keepdims)


@register
class Min(_Extreme):
    """y = min of x over ``axis``"""

    @staticmethod
    def forward(x, axis, keepdims):
        return np.min(x, axis=axis, keepdims=keepdims)


def _reducer(opdef, default_name, what):
    def fn(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
           keep_dims=None):
        x = as_tensor(input_tensor)
        if axis is None:
            axis = reduction_indices
        keep = bool(keepdims if keepdims is not None else keep_dims)
        attrs = {"axis": _norm_axes(axis, x.shape.ndims), "keepdims": keep}
        return make(opdef, [x], attrs, name or default_name)
    fn.__name__ = "reduce_" + default_name.lower()
    fn.__doc__ = ("``tf.reduce_%s``: the %s of the elements over ``axis`` (an int, a list, or "
                  "None for all), keeping reduced axes as size 1 if ``keepdims``."
                  % (default_name.lower(), what))
    return export(fn.__name__, "math." + fn.__name__)(fn)


reduce_sum = _reducer(Sum, "Sum", "sum")
reduce_mean = _reducer(Mean, "Mean", "mean")
reduce_max = _reducer(Max, "Max", "maximum")
reduce_min = _reducer(Min, "Min", "minimum")
