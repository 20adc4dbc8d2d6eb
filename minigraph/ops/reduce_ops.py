"""Reductions: sum, mean, max, min, prod, all, any over some axes, built as TF1 builds them.

The axes are a tensor, the op's second input, exactly as in TF1::

    tf.reduce_sum(x, axis=1)   # Sum <- [x, Sum/reduction_indices]   (a Const 1, int32)
    tf.reduce_mean(x)          # Mean <- [x, Const]                  (a Const [0 .. rank-1],
                               #                                      made *before* the op)

When ``x``'s rank is not known when the graph is built (or ``x`` is a scalar, by TF1's own
``if x_rank:``), "all axes" is ``range(0, rank(x))``: ``Rank`` (a Const when the rank is
known) feeding a ``Range`` op. The attribute ``keep_dims`` keeps reduced axes as size 1.

Static shape inference reads the axes' value when it is a constant (:func:`constant_value`);
when it is not (a placeholder, a ``Range`` of ``Rank``) the output's shape is unknown, as TF1
infers it, except that a reduction over all axes without ``keep_dims`` is a scalar. The
kernels take the axes as an array; an untraced run's plan has them as constants anyway.
"""

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.op_def import OpDef, register
from minigraph.ops._util import graph_of, is_tensor, make
from minigraph.ops.array_ops import (broadcast_to, check_index_input, constant_value,
                                     expand_dims, rank, reshape, shape_of, size)
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.ops.math_ops import cast, equal, range_
from minigraph.tensor_shape import TensorShape

def _check_indices(t, op_type, arg="reduction_indices"):
    """TF1's checks of an axes input: int32 or int64, a scalar or a vector."""
    check_index_input(t, op_type, arg)
    if t.shape.ndims is not None and t.shape.ndims > 1:
        raise ValueError("Shape must be at most rank 1 but is rank %d for the %s of %s"
                         % (t.shape.ndims, arg, op_type))


def _static_axes(values, ndims):
    """The axes in ``values`` (an int or a vector) as a set of non-negative axes of a tensor
    with ``ndims`` dimensions; TF1 allows negative axes and repeats."""
    axes = set()
    for a in np.ravel(values).tolist():
        if not -ndims <= a < ndims:
            raise ValueError("Invalid reduction dimension %d for input with %d dimensions"
                             % (a, ndims))
        axes.add(a % ndims)
    return axes


def _numpy_axis(reduction_indices, ndim):
    """The ``axis`` numpy wants, at run time: a sorted tuple, or None for every axis (so a
    reduction over all axes is numpy's own, bit for bit)."""
    axes = _static_axes(reduction_indices, ndim)
    if len(axes) == ndim:
        return None
    return tuple(sorted(axes))


class _Reduce(OpDef):
    """Base of the reductions: inputs ``(input, reduction_indices)``, attribute ``keep_dims``.

    A subclass gives ``reduce(x, axis, keep_dims)``, the numpy computation with ``axis`` a
    sorted tuple of axes or None for all of them.
    """

    #: what the input holds: "number" (ints or floats) or "bool" (All, Any)
    input_kind = "number"

    @classmethod
    def infer(cls, inputs, attrs):
        x, axes = inputs
        _check_indices(axes, cls.type)
        if cls.input_kind == "bool" and not x.dtype.is_bool:
            raise TypeError("%s reduces booleans, got %s of dtype %s"
                            % (cls.type, x.name, x.dtype.name))
        if cls.input_kind == "number" and not (x.dtype.is_floating or x.dtype.is_integer):
            raise TypeError("%s reduces numbers, got %s of dtype %s"
                            % (cls.type, x.name, x.dtype.name))
        keep, ndims = attrs["keep_dims"], x.shape.ndims
        value = constant_value(axes)
        if value is None or ndims is None:
            # TF1: the rank is kept when keep_dims, else nothing is known
            return TensorShape([None] * ndims if keep and ndims is not None else None), x.dtype
        reduced = _static_axes(value, ndims)
        dims = x.shape.as_list()
        if keep:
            return TensorShape([1 if i in reduced else d for i, d in enumerate(dims)]), x.dtype
        return TensorShape([d for i, d in enumerate(dims) if i not in reduced]), x.dtype

    @classmethod
    def make_kernel(cls, op, state):
        reduce, keep = cls.reduce, op.attrs["keep_dims"]

        def kernel(x, reduction_indices):
            x = np.asarray(x)
            return reduce(x, _numpy_axis(reduction_indices, x.ndim), keep)
        return kernel


# -------------------------------------------------------------------- gradient helpers

def _known_axes(op):
    """The axes ``op`` reduces as a sorted tuple, if known when the graph is built, else None."""
    value, ndims = constant_value(op.inputs[1]), op.inputs[0].shape.ndims
    if value is None or ndims is None:
        return None
    return tuple(sorted(_static_axes(value, ndims)))


def _keep_dims(grad, op):
    """Reshape the gradient (or output) of a reduction to the input's rank, with size 1 on
    the reduced axes, so that it broadcasts against the input."""
    if op.attrs["keep_dims"]:
        return grad
    x = op.inputs[0]
    axes = _known_axes(op)
    if axes is None:  # axes known only at run time: their shape is computed then too
        return reshape(grad, make(ReducedShape, [shape_of(x), op.inputs[1]], None,
                                  "ReducedShape"))
    dims = [1 if i in axes else d for i, d in enumerate(x.shape.as_list())]
    if None not in dims:
        return reshape(grad, dims)
    for a in axes:
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
class ReducedShape(OpDef):
    """y = ``shape`` with 1 on the ``axes``: the shape a reduction's gradient takes before
    it is broadcast back over its input. Only a gradient whose axes are not known when the
    graph is built needs it (TF1 builds the same from ``Range`` and ``DynamicStitch``)."""
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        shape, axes = inputs
        _check_indices(axes, "ReducedShape", "axes")
        return shape.shape, shape.dtype

    @staticmethod
    def forward(shape, axes):
        out = np.array(shape, copy=True)
        for a in _static_axes(axes, out.size):
            out[a] = 1
        return out


# ------------------------------------------------------------------------- the reductions

@register
class Sum(_Reduce):
    """y = sum of x over the axes"""

    @staticmethod
    def reduce(x, axis, keep_dims):
        return np.add.reduce(x, axis=axis, keepdims=keep_dims, dtype=x.dtype)  # = np.sum

    @staticmethod
    def gradient(op, grad, needed):
        # every input element contributed once: copy the gradient back over the reduced axes
        return [broadcast_to(_keep_dims(grad, op), shape_of(op.inputs[0])), None]


@register
class Mean(_Reduce):
    """y = mean of x over the axes (integer division for integer x, as TF)"""

    @staticmethod
    def reduce(x, axis, keep_dims):
        if x.dtype.kind in "iu":
            total = np.sum(x, axis=axis, keepdims=keep_dims, dtype=x.dtype)
            n = x.size // max(total.size, 1)
            # C's integer division, as TF: truncated toward zero (numpy's // floors)
            return (np.sign(total) * (np.abs(total) // n)).astype(x.dtype)
        if x.size == 0:
            return np.mean(x, axis=axis, keepdims=keep_dims, dtype=x.dtype)
        # what np.mean computes (sum, then divide by the count), without its overhead
        total = np.add.reduce(x, axis=axis, keepdims=keep_dims, dtype=x.dtype)
        return total / (x.size // max(total.size, 1))

    @staticmethod
    def gradient(op, grad, needed):
        return [broadcast_to(_keep_dims(grad, op) / _count(op), shape_of(op.inputs[0])), None]


class _Extreme(_Reduce):
    @staticmethod
    def gradient(op, grad, needed):
        # the gradient goes to the elements equal to the extreme, split evenly among ties
        x = op.inputs[0]
        y = _keep_dims(op.outputs[0], op)
        hit = cast(equal(x, y), x.dtype)
        ties = reduce_sum(hit, op.inputs[1], keepdims=True)
        return [_keep_dims(grad, op) * hit / ties, None]


@register
class Max(_Extreme):
    """y = max of x over the axes"""

    @staticmethod
    def reduce(x, axis, keep_dims):
        return np.max(x, axis=axis, keepdims=keep_dims)


@register
class Min(_Extreme):
    """y = min of x over the axes"""

    @staticmethod
    def reduce(x, axis, keep_dims):
        return np.min(x, axis=axis, keepdims=keep_dims)


@register
class Prod(_Reduce):
    """y = product of x over the axes"""

    @staticmethod
    def reduce(x, axis, keep_dims):
        return np.multiply.reduce(x, axis=axis, keepdims=keep_dims, dtype=x.dtype)  # = np.prod

    @staticmethod
    def gradient(op, grad, needed):
        # d y / d x_i is the product of the *other* elements of its group: y / x_i only
        # where x_i != 0, so ProdOfOthers multiplies them out instead (as TF1's _ProdGrad
        # does with exclusive cumulative products)
        x = op.inputs[0]
        spread = broadcast_to(_keep_dims(grad, op), shape_of(x))
        return [spread * make(ProdOfOthers, [x, op.inputs[1]], None, "ProdOfOthers"), None]


@register
class ProdOfOthers(OpDef):
    """y[i] = the product of the elements of x in i's reduction group other than x[i]: the
    derivative of ``Prod`` (exact where x has zeros, where y / x is not)."""

    @staticmethod
    def infer(inputs, attrs):
        x, axes = inputs
        _check_indices(axes, "ProdOfOthers", "axes")
        return x.shape, x.dtype

    @staticmethod
    def forward(x, axes):
        x = np.asarray(x)
        axis = _numpy_axis(axes, x.ndim)
        axis = tuple(range(x.ndim)) if axis is None else axis
        # move the reduced axes last and flatten them: one row per reduction group
        rest = [i for i in range(x.ndim) if i not in axis]
        moved = np.transpose(x, rest + list(axis))
        rows = moved.reshape(-1, int(np.prod([x.shape[i] for i in axis], dtype=np.int64)))
        ones = np.ones((rows.shape[0], 1), dtype=x.dtype)
        # exclusive products from the left and from the right: their product leaves one out
        left = np.cumprod(np.concatenate([ones, rows[:, :-1]], axis=1), axis=1, dtype=x.dtype)
        right = np.cumprod(np.concatenate([ones, rows[:, :0:-1]], axis=1), axis=1,
                           dtype=x.dtype)[:, ::-1]
        others = (left * right).reshape(moved.shape)
        return np.transpose(others, np.argsort(rest + list(axis)))

    @staticmethod
    def gradient(op, grad, needed):
        # for j != i in one group, d others[i] / d x[j] = others[i] / x[j], so
        #   d x[j] = (sum over the group of grad * others - grad[j] * others[j]) / x[j]
        # (a second derivative, exact where x has no zeros, like TF1's through Cumprod)
        x, axes = op.inputs
        weighted = grad * op.outputs[0]
        group = reduce_sum(weighted, axes, keepdims=True)
        return [(group - weighted) / x, None]


@register
class All(_Reduce):
    """y = logical and of x over the axes"""
    input_kind = "bool"
    differentiable = False

    @staticmethod
    def reduce(x, axis, keep_dims):
        return np.logical_and.reduce(x, axis=axis, keepdims=keep_dims)


@register
class Any(_Reduce):
    """y = logical or of x over the axes"""
    input_kind = "bool"
    differentiable = False

    @staticmethod
    def reduce(x, axis, keep_dims):
        return np.logical_or.reduce(x, axis=axis, keepdims=keep_dims)




# ----------------------------------------------------------------------- the functions

def _rank(x):
    """TF1's ``array_ops.rank``: a Const named ``Rank`` when the rank is known (a Python
    or numpy value is converted in that scope first, as TF1 does), else a ``Rank`` op."""
    if not is_tensor(x):
        with graph_of(x).name_scope("Rank") as scope:
            t = as_tensor(x)
            return constant(t.shape.ndims, dtype=dtypes.int32, name=scope)
    ndims = x.shape.ndims
    if ndims is not None:
        return constant(ndims, dtype=dtypes.int32, name="Rank")
    return rank(x)


def _reduction_dims(x, axis):
    """The axes input of a reduction of ``x`` (TF1's ``_ReductionDims``): ``axis`` itself
    if given (converted later, inside the op's scope); else every axis, as a Const
    ``[0 .. rank-1]`` in the current scope, or, for an unknown rank or a scalar (TF1 tests
    ``if x_rank:``), ``range(0, rank(x))``."""
    if axis is not None:
        return axis
    ndims = x.shape.ndims if is_tensor(x) else None   # (a numpy array's is not TF's)
    if ndims:
        return constant(np.arange(ndims, dtype=np.int32))
    return range_(0, _rank(x))


def _index_tensor(value, name):
    """An axes argument as a tensor: a Python int or list becomes an int32 Const called
    ``name`` (an empty list too), a numpy integer keeps its dtype."""
    if is_tensor(value):
        return value._as_graph_tensor()
    if np.size(value) == 0:
        return constant(value, dtype=dtypes.int32, name=name)
    return constant(value, name=name)


def _axis_argument(axis, reduction_indices, what="reduction_indices"):
    """TF1's ``deprecated_argument_lookup``: the new name or the old one, not both."""
    if axis is not None and reduction_indices is not None:
        raise ValueError("Cannot specify both 'axis' and '%s'" % what)
    return reduction_indices if axis is None else axis


def reduction(opdef, input_tensor, axis, keepdims, name):
    """Build the reduction ``opdef`` of ``input_tensor`` over ``axis`` as TF1 does: the axes
    (:func:`_reduction_dims`) are made first; then, in the op's own name scope, a Python
    input becomes ``<Op>/input`` and a Python axis ``<Op>/reduction_indices``."""
    __tracebackhide__ = True
    keep = bool(keepdims)
    dims = _reduction_dims(input_tensor, axis)
    with graph_of(input_tensor, dims).name_scope(name) as scope:
        x = as_tensor(input_tensor, name="input")
        dims = _index_tensor(dims, "reduction_indices")
        y = make(opdef, [x, dims], {"keep_dims": keep}, scope)
    if axis is None and not keep and not y.shape.is_fully_defined():
        y.set_shape(TensorShape([]))  # TF1's _may_reduce_to_scalar: certainly a scalar
    return y


def _reducer(opdef, short, what):
    def fn(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
           keep_dims=None):
        __tracebackhide__ = True
        axis = _axis_argument(axis, reduction_indices)
        keep = _axis_argument(keepdims, keep_dims, "keep_dims")
        return reduction(opdef, input_tensor, axis, keep, name or opdef.type)
    fn.__name__ = "reduce_" + short
    fn.__doc__ = ("``tf.reduce_%s``: the %s of the elements over ``axis`` (an int, a list, a "
                  "tensor, or None for all), keeping reduced axes as size 1 if ``keepdims``. "
                  "Builds a ``%s`` op whose second input holds the axes."
                  % (short, what, opdef.type))
    return export(fn.__name__, "math." + fn.__name__)(fn)


reduce_sum = _reducer(Sum, "sum", "sum")
reduce_mean = _reducer(Mean, "mean", "mean")
reduce_max = _reducer(Max, "max", "maximum")
reduce_min = _reducer(Min, "min", "minimum")
reduce_prod = _reducer(Prod, "prod", "product")
reduce_all = _reducer(All, "all", "logical and")
reduce_any = _reducer(Any, "any", "logical or")
