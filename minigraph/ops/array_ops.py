"""Sources and shape-moving ops: placeholders, identity, reshape, concat, gather, where...

Shapes that can change at run time (``tf.shape(x)``, the target of a reshape) are graph
tensors, as in TF; axes and permutations are static attributes. Constants are in
:mod:`minigraph.ops.constant_op`.
"""

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.errors import InvalidArgumentError
from minigraph.graph import Tensor, get_default_graph
from minigraph.op_def import FORWARD, OpDef, broadcast_static, register
from minigraph.ops._util import graph_of, make
from minigraph.ops.constant_op import as_tensor, binary_operands, constant, default_dtype
from minigraph.tensor_shape import TensorShape, as_shape


def constant_value(t):
    """The value of ``t`` if it is known when the graph is built (a Const, or the shape of a
    tensor whose static shape is fully known), else ``None``. Mirrors TF's
    ``tensor_util.constant_value``."""
    op = t.op
    if op.type == "Const":
        return op.attrs["value"]
    if op.type == "Shape" and op.inputs[0].shape.is_fully_defined():
        return np.array(op.inputs[0].shape.as_list(), dtype=np.int32)
    return None


def constant_value_as_shape(t):
    """What is known, when the graph is built, of the shape held by the int vector ``t``:
    its value if constant, ``x``'s static shape if ``t = tf.shape(x)``, else its length.
    Mirrors TF's ``tensor_util.constant_value_as_shape``."""
    value = constant_value(t)
    if value is not None:
        return TensorShape(value.tolist())
    if t.op.type == "Shape":
        return t.op.inputs[0].shape
    n = t.shape[0] if t.shape.ndims == 1 else None
    return TensorShape(None if n is None else [None] * n)


# ------------------------------------------------------------------------------- sources

@register
class Placeholder(OpDef):
    """y = the value fed for it in ``feed_dict``; an error if nothing is fed."""
    kind = "placeholder"

    @staticmethod
    def infer(inputs, attrs):
        return attrs["shape"], attrs["dtype"]

    @classmethod
    def make_kernel(cls, op, state):
        def unfed():
            raise cls.unfed_error(op)
        return unfed

    @staticmethod
    def unfed_error(op):
        """The error of a run that needs ``op`` but feeds no value for it (``Session.run``
        raises it before anything runs, as TF1 does)."""
        shape = op.attrs["shape"]
        return InvalidArgumentError(
            op.name, op,
            "You must feed a value for placeholder tensor '%s' with dtype %s%s\n  [[node %s, "
            "created at %s]]" % (op.name, op.attrs["dtype"].name, "" if shape.ndims is None
                                 else " and shape %s" % shape.bracketed(), op.name,
                                 op.site.with_source()))


@export("placeholder")
def placeholder(dtype, shape=None, name=None):
    """An input to be fed in ``Session.run(..., feed_dict={x: array})`` (``tf.placeholder``).

    ``shape`` may contain ``None`` for dimensions fixed only at run time (e.g. batch size).
    """
    return make(Placeholder, [], {"dtype": dtypes.as_dtype(dtype), "shape": as_shape(shape)},
                name or "Placeholder")


@register
class PlaceholderWithDefault(OpDef):
    """y = the fed value if any, else ``input``."""
    aliases_input = True
    kind = "placeholder"
    foldable = False  # a placeholder: never its default ahead of time, as Grappler

    @staticmethod
    def infer(inputs, attrs):
        shape = attrs["shape"]
        if not inputs[0].shape.is_compatible_with(shape):
            raise ValueError("Default of shape %s is not compatible with shape %s"
                             % (inputs[0].shape, shape))
        return shape, inputs[0].dtype

    @staticmethod
    def forward(x, shape=None):
        return x

    @staticmethod
    def gradient(op, grad, needed):
        return [grad]


@export("placeholder_with_default")
def placeholder_with_default(input, shape, name=None):  # noqa: A002 -- TF's argument name
    """A placeholder that takes ``input``'s value when it is not fed."""
    x = as_tensor(input)
    return make(PlaceholderWithDefault, [x], {"shape": as_shape(shape)},
                name or "PlaceholderWithDefault")


# ------------------------------------------------------------------- pass-through ops

@register
class Identity(OpDef):
    """y = x."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        return inputs[0].shape, inputs[0].dtype

    @staticmethod
    def forward(x):
        return x

    @staticmethod
    def gradient(op, grad, needed):
        return [grad]

    @classmethod
    def specialize(cls, op, known):
        return FORWARD  # an untraced run hands the input on: no step


@export("identity")
def identity(input, name=None):  # noqa: A002
    """The same value, as a new node (``tf.identity``)."""
    return make(Identity, [as_tensor(input)], None, name or "Identity")


@register
class StopGradient(OpDef):
    """y = x, but tf.gradients treats y as a constant: no gradient flows to x."""
    aliases_input = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return inputs[0].shape, inputs[0].dtype

    @staticmethod
    def forward(x):
        return x

    @classmethod
    def specialize(cls, op, known):
        return FORWARD


@export("stop_gradient")
def stop_gradient(input, name=None):  # noqa: A002
    """``tf.stop_gradient``: the same value, through which ``tf.gradients`` passes none."""
    return make(StopGradient, [as_tensor(input)], None, name or "StopGradient")


@register
class CheckNumerics(OpDef):
    """y = x, but the run fails with InvalidArgumentError if x holds a NaN or an Inf."""
    aliases_input = True
    foldable = False  # it must check at run time, every run

    @staticmethod
    def infer(inputs, attrs):
        if not inputs[0].dtype.is_floating:
            raise TypeError("CheckNumerics needs a floating point tensor, got %s"
                            % inputs[0].dtype.name)
        return inputs[0].shape, inputs[0].dtype

    @staticmethod
    def forward(x, message=""):
        if not np.all(np.isfinite(x)):
            kind = "NaN" if np.any(np.isnan(x)) else "Inf"
            raise FloatingPointError("%s : Tensor had %s values" % (message, kind))
        return x

    @staticmethod
    def gradient(op, grad, needed):
        return [check_numerics(grad, "Not a number (NaN) or infinity (Inf) values detected "
                                     "in gradient. " + op.attrs["message"])]


@export("check_numerics")
def check_numerics(tensor, message, name=None):
    """Pass ``tensor`` through, failing the run if it contains NaN or Inf."""
    return make(CheckNumerics, [as_tensor(tensor)], {"message": message}, name or "CheckNumerics")


# --------------------------------------------------------------------------- shapes

@register
class Shape(OpDef):
    """y = the run-time shape of x, as an int32 vector."""
    differentiable = False
    reads_only_shape = True

    @staticmethod
    def infer(inputs, attrs):
        return TensorShape([inputs[0].shape.ndims]), attrs["out_type"]

    @staticmethod
    def forward(x, out_type):
        return np.array(np.shape(x), dtype=out_type.as_numpy_dtype)


@export("shape")
def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """``tf.shape``: the shape of ``input`` as a tensor. As in TF1, a ``Const`` when the
    static shape is fully known, else a ``Shape`` op that reads it when the graph runs."""
    x, out_type = as_tensor(input), dtypes.as_dtype(out_type)
    if x.shape.is_fully_defined():
        return constant(x.shape.as_list(), dtype=out_type, name=name or "Shape")
    return make(Shape, [x], {"out_type": out_type}, name or "Shape")


def shape_of(x):
    """``x``'s shape as a tensor: a constant when fully known, else a Shape op."""
    if x.shape.is_fully_defined():
        return constant(x.shape.as_list(), dtype=dtypes.int32, name="Shape")
    return shape(x)


@register
class Size(OpDef):
    """y = the number of elements of x."""
    differentiable = False
    reads_only_shape = True

    @staticmethod
    def infer(inputs, attrs):
        return TensorShape([]), attrs["out_type"]

    @staticmethod
    def forward(x, out_type):
        return out_type.as_numpy_dtype(np.size(x))


@export("size")
def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """``tf.size``: the number of elements of ``input`` (a ``Const`` when the static shape
    tells it, as in TF1; else a ``Size`` op, known when the graph runs)."""
    x, out_type = as_tensor(input), dtypes.as_dtype(out_type)
    if x.shape.is_fully_defined():
        return constant(x.shape.num_elements(), dtype=out_type, name=name or "Size")
    return make(Size, [x], {"out_type": out_type}, name or "Size")


@register
class Rank(OpDef):
    """y = the number of dimensions of x."""
    differentiable = False
    reads_only_shape = True

    @staticmethod
    def infer(inputs, attrs):
        return TensorShape([]), dtypes.int32

    @staticmethod
    def forward(x):
        return np.int32(np.ndim(x))


@export("rank")
def rank(input, name=None):  # noqa: A002
    """``tf.rank``: the number of dimensions of ``input`` (a ``Const`` when the static rank is
    known, as in TF1; else a ``Rank`` op, known when the graph runs)."""
    x = as_tensor(input)
    if x.shape.ndims is not None:
        return constant(x.shape.ndims, dtype=dtypes.int32, name=name or "Rank")
    return make(Rank, [x], None, name or "Rank")


def _reshape_static(in_shape, target):
    """Static result of reshaping ``in_shape`` to ``target`` (which may hold one -1)."""
    target = [int(d) for d in target]
    if target.count(-1) > 1:
        raise ValueError("Only one input size may be -1, not both %s" % target)
    n_in = in_shape.num_elements()
    if -1 in target:
        known = int(np.prod([d for d in target if d != -1]))
        if n_in is not None:
            if known == 0 or n_in % known:
                raise ValueError("Cannot reshape a tensor with %d elements to shape %s"
                                 % (n_in, target))
            return TensorShape([n_in // known if d == -1 else d for d in target])
        return TensorShape([None if d == -1 else d for d in target])
    if n_in is not None and n_in != int(np.prod(target)):
        raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements)"
                         % (n_in, target, int(np.prod(target))))
    return TensorShape(target)


@register
class Reshape(OpDef):
    """y = x with the elements laid out in ``shape`` (one entry may be -1)."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        x, target = inputs
        value = constant_value(target)
        if value is not None:
            return _reshape_static(x.shape, value), x.dtype
        return constant_value_as_shape(target), x.dtype

    @staticmethod
    def forward(x, target):
        return np.reshape(x, target)

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        return [reshape(grad, shape_of(x)), None]


@export("reshape")
def reshape(tensor, shape, name=None):  # noqa: A002
    """``tf.reshape``: same elements, new shape; ``-1`` means "whatever is left"."""
    x = as_tensor(tensor)
    target = shape if isinstance(shape, Tensor) else constant(shape, dtype=dtypes.int32,
                                                              name="Reshape/shape")
    return make(Reshape, [x, target], None, name or "Reshape")


@register
class Transpose(OpDef):
    """y = x with its axes permuted by ``perm`` (reversed if None)."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        s = inputs[0].shape
        perm = attrs["perm"]
        if s.ndims is None:
            return TensorShape(None), inputs[0].dtype
        if perm is None:
            return TensorShape(list(reversed(s.as_list()))), inputs[0].dtype
        if sorted(perm) != list(range(s.ndims)):
            raise ValueError("perm %s is not a permutation of the %d axes" % (list(perm), s.ndims))
        return TensorShape([s[i] for i in perm]), inputs[0].dtype

    @staticmethod
    def forward(x, perm):
        return np.transpose(x, perm)

    @staticmethod
    def gradient(op, grad, needed):
        perm = op.attrs["perm"]
        inverse = None if perm is None else tuple(int(i) for i in np.argsort(perm))
        return [transpose(grad, inverse)]


@export("transpose")
def transpose(a, perm=None, name="transpose"):
    """``tf.transpose``: permute the axes (reverse them when ``perm`` is None)."""
    perm = None if perm is None else tuple(int(p) for p in perm)
    return make(Transpose, [as_tensor(a)], {"perm": perm}, name)


def _norm_axis(axis, ndims, what="axis"):
    if ndims is None:
        if axis < 0:
            raise ValueError("A negative %s needs a known rank" % what)
        return axis
    if not -ndims <= axis < ndims:
        raise ValueError("%s %d is out of range for a tensor of rank %d" % (what, axis, ndims))
    return axis % ndims


@register
class ConcatV2(OpDef):
    """y = the inputs joined along ``axis``."""

    @staticmethod
    def infer(inputs, attrs):
        dtype = inputs[0].dtype
        for t in inputs[1:]:
            if t.dtype != dtype:
                raise TypeError("ConcatV2 inputs must share a dtype: %s vs %s"
                                % (dtype.name, t.dtype.name))
        ranks = {t.shape.ndims for t in inputs if t.shape.ndims is not None}
        if not ranks:
            return TensorShape(None), dtype
        if len(ranks) > 1:
            raise ValueError("Shape must be rank %d but is rank %d" % tuple(sorted(ranks))[:2])
        (n,) = ranks
        axis = _norm_axis(attrs["axis"], n)
        out = [None] * n
        total = 0
        for t in inputs:
            if t.shape.ndims is None:
                total = None
                continue
            for i, d in enumerate(t.shape):
                if i == axis:
                    total = None if (total is None or d is None) else total + d
                elif d is not None:
                    if out[i] is not None and out[i] != d:
                        raise ValueError("Dimension %d in both shapes must be equal, but are "
                                         "%d and %d" % (i, out[i], d))
                    out[i] = d
        out[axis] = total
        return TensorShape(out), dtype

    @staticmethod
    def forward(*values, axis):
        return np.concatenate(values, axis=axis)

    @staticmethod
    def gradient(op, grad, needed):
        shapes = [shape_of(x) for x in op.inputs]
        return [make(ConcatSlice, [grad] + shapes, {"axis": op.attrs["axis"], "index": i},
                     "Slice") if needed[i] else None
                for i in range(len(op.inputs))]


@register
class ConcatSlice(OpDef):
    """y = the piece of ``grad`` that came from concat input ``index`` (shapes follow)."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        grad, shapes = inputs[0], inputs[1:]
        return constant_value_as_shape(shapes[attrs["index"]]), grad.dtype

    @staticmethod
    def forward(grad, *shapes, axis, index):
        axis = axis % grad.ndim
        start = int(sum(s[axis] for s in shapes[:index]))
        sl = [slice(None)] * grad.ndim
        sl[axis] = slice(start, start + int(shapes[index][axis]))
        return grad[tuple(sl)]

    @staticmethod
    def gradient(op, grad, needed):
        # The inverse of slicing: put grad back among zeros the size of the other pieces.
        shapes = op.inputs[1:]
        pieces = [grad if i == op.attrs["index"] else fill(s, np.zeros((), grad.dtype.as_numpy_dtype))
                  for i, s in enumerate(shapes)]
        return [concat(pieces, op.attrs["axis"])] + [None] * len(shapes)


@export("concat")
def concat(values, axis, name="concat"):
    """``tf.concat``: join tensors along ``axis``."""
    values = [as_tensor(v) for v in values]
    if len(values) == 1:
        return identity(values[0], name=name)
    return make(ConcatV2, values, {"axis": int(axis)}, name)


@export("stack")
def stack(values, axis=0, name="stack"):
    """``tf.stack``: join tensors along a new axis (built from expand_dims and concat)."""
    values = [as_tensor(v) for v in values]
    with get_default_graph().name_scope(name):
        return concat([expand_dims(v, axis) for v in values], axis)


@register
class ExpandDims(OpDef):
    """y = x with a new axis of size 1 inserted at ``axis``."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        s = inputs[0].shape
        if s.ndims is None:
            return TensorShape(None), inputs[0].dtype
        axis = _norm_axis(attrs["axis"], s.ndims + 1)
        dims = s.as_list()
        return TensorShape(dims[:axis] + [1] + dims[axis:]), inputs[0].dtype

    @staticmethod
    def forward(x, axis):
        return np.expand_dims(x, axis)

    @staticmethod
    def gradient(op, grad, needed):
        return [reshape(grad, shape_of(op.inputs[0]))]


@export("expand_dims")
def expand_dims(input, axis, name=None):  # noqa: A002
    return make(ExpandDims, [as_tensor(input)], {"axis": int(axis)}, name or "ExpandDims")


@register
class Squeeze(OpDef):
    """y = x without its size-1 axes (only those in ``axis`` if given)."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        s = inputs[0].shape
        axis = attrs["axis"]
        if s.ndims is None:
            return TensorShape(None), inputs[0].dtype
        dims = s.as_list()
        if axis is None:
            if None in dims:
                # which axes have size 1 is known only at run time; TF also gives no shape
                return TensorShape(None), inputs[0].dtype
            return TensorShape([d for d in dims if d != 1]), inputs[0].dtype
        axes = {_norm_axis(a, s.ndims) for a in axis}
        for a in axes:
            if dims[a] not in (1, None):
                raise ValueError("Can not squeeze dim[%d], expected a dimension of 1, got %d"
                                 % (a, dims[a]))
        return TensorShape([d for i, d in enumerate(dims) if i not in axes]), inputs[0].dtype

    @staticmethod
    def forward(x, axis):
        return np.squeeze(x, axis)

    @staticmethod
    def gradient(op, grad, needed):
        return [reshape(grad, shape_of(op.inputs[0]))]


@export("squeeze")
def squeeze(input, axis=None, name=None):  # noqa: A002
    if isinstance(axis, int):
        axis = [axis]
    axis = None if axis is None or len(axis) == 0 else tuple(int(a) for a in axis)
    return make(Squeeze, [as_tensor(input)], {"axis": axis}, name or "Squeeze")


@register
class Tile(OpDef):
    """y = x repeated ``multiples[i]`` times along each axis i."""

    @staticmethod
    def infer(inputs, attrs):
        x, multiples = inputs
        m = constant_value(multiples)
        if x.shape.ndims is None:
            return TensorShape(None), x.dtype
        if m is None:
            return TensorShape([None] * x.shape.ndims), x.dtype
        if len(m) != x.shape.ndims:
            raise ValueError("Expected multiples to have %d entries, got %d"
                             % (x.shape.ndims, len(m)))
        return TensorShape([None if d is None else d * int(k) for d, k in zip(x.shape, m)]), x.dtype

    @staticmethod
    def forward(x, multiples):
        return np.tile(x, multiples)

    @staticmethod
    def gradient(op, grad, needed):
        return [make(TileGrad, [grad, op.inputs[1]], None, "TileGrad"), None]


@register
class TileGrad(OpDef):
    """y = the sum of the ``multiples`` tiles of grad (the gradient of Tile)."""

    @staticmethod
    def infer(inputs, attrs):
        g, multiples = inputs
        m = constant_value(multiples)
        if g.shape.ndims is None or m is None:
            return TensorShape(None if g.shape.ndims is None else [None] * g.shape.ndims), g.dtype
        return TensorShape([None if d is None else d // int(k) for d, k in zip(g.shape, m)]), \
            g.dtype

    @staticmethod
    def forward(grad, multiples):
        split = []
        for d, k in zip(grad.shape, multiples):
            split += [int(k), d // int(k)]
        return grad.reshape(split).sum(axis=tuple(range(0, len(split), 2)))

    @staticmethod
    def gradient(op, grad, needed):
        return [tile(grad, op.inputs[1]), None]


@export("tile")
def tile(input, multiples, name=None):  # noqa: A002
    """``tf.tile``: repeat ``input`` ``multiples[i]`` times along axis i."""
    m = multiples if isinstance(multiples, Tensor) else constant(multiples, dtype=dtypes.int32,
                                                                 name="multiples")
    return make(Tile, [as_tensor(input), m], None, name or "Tile")


@register
class GatherV2(OpDef):
    """y = params[..., indices, ...] along ``axis`` (rows, by default)."""

    @staticmethod
    def infer(inputs, attrs):
        params, indices = inputs
        if not indices.dtype.is_integer:
            raise TypeError("indices must be int32 or int64, got %s" % indices.dtype.name)
        p, i = params.shape, indices.shape
        if p.ndims is None or i.ndims is None:
            return TensorShape(None), params.dtype
        axis = _norm_axis(attrs["axis"], p.ndims)
        d = p.as_list()
        return TensorShape(d[:axis] + i.as_list() + d[axis + 1:]), params.dtype

    @staticmethod
    def forward(params, indices, axis):
        n = params.shape[axis]
        # TF (on the CPU) rejects negative indices too: no numpy-style wrap-around
        if indices.size and (indices.min() < 0 or indices.max() >= n):
            bad = indices[(indices < 0) | (indices >= n)].ravel()[0]
            raise IndexError("indices = %d is not in [0, %d)" % (bad, n))
        return np.take(params, indices, axis=axis)

    @staticmethod
    def gradient(op, grad, needed):
        params, indices = op.inputs
        return [make(GatherGrad, [grad, indices, shape_of(params)], {"axis": op.attrs["axis"]},
                     "GatherGrad"), None]


@register
class GatherGrad(OpDef):
    """y = zeros of ``params`` shape with each gathered slice of grad added back."""

    @staticmethod
    def infer(inputs, attrs):
        grad, _, params_shape = inputs
        return constant_value_as_shape(params_shape), grad.dtype

    @staticmethod
    def forward(grad, indices, params_shape, axis):
        out = np.zeros(tuple(params_shape), dtype=grad.dtype)
        axis = axis % out.ndim
        moved = np.moveaxis(out, axis, 0)  # a view: adding into it fills out
        g = np.moveaxis(grad.reshape(out.shape[:axis] + (indices.size,) + out.shape[axis + 1:]),
                        axis, 0)
        np.add.at(moved, indices.ravel(), g)
        return out

    @staticmethod
    def gradient(op, grad, needed):
        return [gather(grad, op.inputs[1], axis=op.attrs["axis"]), None, None]


@export("gather")
def gather(params, indices, axis=0, name=None):
    """``tf.gather``: pick slices of ``params`` by integer ``indices`` along ``axis``."""
    p = as_tensor(params)
    i = as_tensor(indices) if isinstance(indices, Tensor) else constant(indices, name="indices")
    return make(GatherV2, [p, i], {"axis": int(axis)}, name or "GatherV2")


@register
class OneHot(OpDef):
    """y[..., j] = on_value if indices[...] == j else off_value (j < depth)."""
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        s = inputs[0].shape
        if not inputs[0].dtype.is_integer:
            raise TypeError("one_hot indices must be integers, got %s" % inputs[0].dtype.name)
        if s.ndims is None:
            return TensorShape(None), attrs["dtype"]
        dims = s.as_list()
        axis = attrs["axis"]
        axis = len(dims) if axis == -1 else axis
        return TensorShape(dims[:axis] + [attrs["depth"]] + dims[axis:]), attrs["dtype"]

    @staticmethod
    def forward(indices, depth, on_value, off_value, axis, dtype):
        hot = np.asarray(indices)[..., None] == np.arange(depth)
        out = np.where(hot, on_value, off_value).astype(dtype.as_numpy_dtype)
        return out if axis == -1 else np.moveaxis(out, -1, axis)


@export("one_hot")
def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """``tf.one_hot``: integer labels to one-hot vectors of length ``depth``: float32, or the
    type of ``on_value``/``off_value`` when given (``on_value=5`` gives int32), as TF."""
    if dtype is None:
        given = on_value if on_value is not None else off_value
        dtype = default_dtype(given) if given is not None else dtypes.float32
    dtype = dtypes.as_dtype(dtype)
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    i = as_tensor(indices) if isinstance(indices, Tensor) else constant(indices, name="indices")
    return make(OneHot, [i], {"depth": int(depth), "on_value": on, "off_value": off,
                              "axis": -1 if axis is None else int(axis), "dtype": dtype},
                name or "one_hot")


@register
class Fill(OpDef):
    """y = an array of shape ``dims`` filled with the scalar ``value``."""

    @staticmethod
    def infer(inputs, attrs):
        dims, value = inputs
        return constant_value_as_shape(dims), value.dtype

    @staticmethod
    def forward(dims, value):
        return np.full(tuple(dims), value, dtype=np.asarray(value).dtype)

    @staticmethod
    def gradient(op, grad, needed):
        # fill broadcasts a scalar: its adjoint sums the gradient back to the scalar
        return [None, sum_to_shape(grad, op.inputs[1])]


@export("fill")
def fill(dims, value, name=None):
    """``tf.fill``: a tensor of shape ``dims`` whose every element is ``value``. As in TF1,
    Python values become the constants ``Fill/dims`` (int32) and ``Fill/value``."""
    with graph_of(dims, value).name_scope(name or "Fill") as scope:
        d = as_tensor(dims) if _is_tensor(dims) else constant(dims, dtype=dtypes.int32,
                                                              name="dims")
        return make(Fill, [d, as_tensor(value, name="value")], None, scope)


def _is_tensor(value):
    """A Tensor or a Variable (anything TF1 would not convert to a new constant)."""
    return hasattr(value, "_as_graph_tensor")


#: TF1 makes ``tf.zeros``/``tf.ones`` of fewer elements a Const, larger ones a Fill, so a
#: serialized graph never holds a big array of zeros
_MAX_CONST_ELEMENTS = 1000


def _filled(shape, dtype, value, name):
    """``tf.zeros``/``tf.ones`` as TF1 builds them, in the scope ``name``: a Const called
    ``name`` when the shape is known and has fewer than 1000 elements, else
    ``Fill(<name>/shape_as_tensor, <name>/Const)`` called ``name`` (the shape tensor itself
    when ``shape`` is a tensor)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype.is_bool:
        value = bool(value)
    elif dtype == dtypes.string:
        value = ""
    with graph_of(shape).name_scope(name) as scope:
        if _is_tensor(shape):
            shape = as_tensor(shape)
        else:
            dims = as_shape(shape).as_list()
            if int(np.prod(dims)) < _MAX_CONST_ELEMENTS:
                return constant(value, dtype=dtype, shape=dims, name=scope)
            shape = constant(dims, dtype=dtypes.int32, name="shape_as_tensor")
        return make(Fill, [shape, constant(value, dtype=dtype)], None, scope)


@export("zeros")
def zeros(shape, dtype=dtypes.float32, name=None):
    """``tf.zeros``: zeros of ``shape`` (float32 by default): a Const, or a Fill for 1000
    elements and more."""
    return _filled(shape, dtype, 0, name or "zeros")


@export("ones")
def ones(shape, dtype=dtypes.float32, name=None):
    """``tf.ones``: ones of ``shape`` (float32 by default): a Const, or a Fill for 1000
    elements and more."""
    return _filled(shape, dtype, 1, name or "ones")


@register
class ZerosLike(OpDef):
    """y = zeros of x's shape and dtype (what ``tf.zeros_like`` builds when x's shape is not
    fully known when the graph is built)."""
    differentiable = False
    reads_only_shape = True

    @staticmethod
    def infer(inputs, attrs):
        return inputs[0].shape, inputs[0].dtype

    @staticmethod
    def forward(x):
        return np.zeros_like(x)


def _shape_internal(t, optimize=True):
    """TF1's ``shape_internal``, in a scope ``Shape``: a Const ``Shape/shape_as_tensor`` when
    the shape is fully known (and ``optimize``), else a ``Shape`` op called ``Shape``."""
    with t.graph.name_scope("Shape") as scope:
        if optimize and t.shape.is_fully_defined():
            return constant(t.shape.as_list(), dtype=dtypes.int32, name="shape_as_tensor")
        return make(Shape, [t], {"out_type": dtypes.int32}, scope)


@export("zeros_like")
def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """``tf.zeros_like``: zeros of ``tensor``'s shape (and dtype, unless ``dtype`` is given).

    As TF1: when the shape is fully known, ``tf.zeros`` of it (a Const, or a Fill for 1000
    elements and more); else a ``ZerosLike`` op, or, for another dtype, a Fill of the run-time
    ``Shape``. A Python value is first the constant ``zeros_like/tensor``."""
    with graph_of(tensor).name_scope(name or "zeros_like") as scope:
        t = as_tensor(tensor, name="tensor")
        dtype = dtypes.as_dtype(dtype) if dtype is not None else None
        if optimize and t.shape.is_fully_defined():
            return zeros(t.shape.as_list(), dtype or t.dtype, name=scope)
        if dtype is not None and dtype != t.dtype:
            return zeros(_shape_internal(t, optimize), dtype, name=scope)
        return make(ZerosLike, [t], None, scope)


@export("ones_like")
def ones_like(tensor, dtype=None, name=None, optimize=True):
    """``tf.ones_like``: ones of ``tensor``'s shape (and dtype, unless ``dtype`` is given).

    As TF1, always a Fill: ``Fill(ones_like/Shape/shape_as_tensor, ones_like/Const)`` when the
    shape is fully known, ``Fill(ones_like/Shape, ones_like/Const)`` with a run-time ``Shape``
    op otherwise. A Python value is first the constant ``ones_like/tensor``."""
    with graph_of(tensor).name_scope(name or "ones_like") as scope:
        t = as_tensor(tensor, name="tensor")
        y = ones(_shape_internal(t, optimize), dtype or t.dtype, name=scope)
        y.set_shape(t.shape)
        return y


# ------------------------------------------------------- broadcasting and its gradient

@register
class BroadcastTo(OpDef):
    """y = x broadcast (numpy rules) to ``shape``."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        x, target = inputs
        out = constant_value_as_shape(target)
        broadcast_static(x.shape, out)  # raises if incompatible
        return out, x.dtype

    @staticmethod
    def forward(x, target):
        # a read-only view; Session copies it if it is fetched
        return np.broadcast_to(x, tuple(target))

    @staticmethod
    def gradient(op, grad, needed):
        return [sum_to_shape(grad, op.inputs[0]), None]


@register
class SumToShape(OpDef):
    """y = grad summed over the axes that broadcasting added or stretched, to ``shape``.

    The adjoint of broadcasting: every binary op's gradient passes through it so that a
    gradient always has the shape of the input it belongs to.
    """
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        grad, target = inputs
        return constant_value_as_shape(target), grad.dtype

    @staticmethod
    def forward(grad, target):
        target = tuple(int(d) for d in target)
        if np.shape(grad) == target:
            return grad
        lead = np.ndim(grad) - len(target)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, d in enumerate(target) if d == 1 and grad.shape[lead + i] != 1)
        return np.sum(grad, axis=axes, keepdims=True).reshape(target)

    @staticmethod
    def gradient(op, grad, needed):
        return [broadcast_to(grad, shape_of(op.inputs[0])), None]


@export("broadcast_to")
def broadcast_to(input, shape, name=None):  # noqa: A002
    """``tf.broadcast_to``: stretch ``input`` to ``shape`` by numpy's broadcasting rules."""
    s = shape if isinstance(shape, Tensor) else constant(shape, dtype=dtypes.int32, name="shape")
    return make(BroadcastTo, [as_tensor(input), s], None, name or "BroadcastTo")


def sum_to_shape(grad, like):
    """Reduce ``grad`` to the shape of tensor ``like`` (identity when shapes already match).

    When the axes to sum are known from the static shapes, this is what TF1 builds,
    ``Reshape(Sum(grad, axes), shape)`` (so a bias's gradient is ``.../add_grad/Reshape``);
    otherwise one ``SumToShape`` op, which finds the axes at run time (TF1 computes them
    with ``BroadcastGradientArgs``)."""
    if like.shape.is_fully_defined() and grad.shape == like.shape:
        return grad
    axes = _summed_axes(grad.shape, like.shape)
    if axes is not None:
        from minigraph.ops.reduce_ops import reduce_sum  # noqa: PLC0415 -- reduce_ops imports this module
        return reshape(reduce_sum(grad, axes), like.shape.as_list())
    return make(SumToShape, [grad, shape_of(like)], None, "SumToShape")


def _summed_axes(have, target):
    """The axes of a gradient of static shape ``have`` that broadcasting to ``target`` added
    or stretched, if the static shapes tell (``target`` known, ``have``'s rank known and its
    dimension known wherever ``target`` has a 1); else None."""
    if not target.is_fully_defined() or have.ndims is None or have.ndims < target.ndims:
        return None
    have, target = have.as_list(), target.as_list()
    lead = len(have) - len(target)
    axes = list(range(lead))
    for i, d in enumerate(target):
        if d == 1:
            if have[lead + i] is None:
                return None
            if have[lead + i] != 1:
                axes.append(lead + i)
    return axes


# -------------------------------------------------------------------------- select

@register
class Select(OpDef):
    """y = x where condition else y (all three broadcast together)."""

    @staticmethod
    def infer(inputs, attrs):
        c, x, y = inputs
        if not c.dtype.is_bool:
            raise TypeError("where's condition must be bool, got %s" % c.dtype.name)
        if x.dtype != y.dtype:
            raise TypeError("where's x and y must share a dtype: %s vs %s"
                            % (x.dtype.name, y.dtype.name))
        return broadcast_static(broadcast_static(c.shape, x.shape), y.shape), x.dtype

    @staticmethod
    def forward(c, x, y):
        return np.where(c, x, y)

    @staticmethod
    def gradient(op, grad, needed):
        c, x, y = op.inputs
        zero = zeros_like(grad)
        return [None,
                sum_to_shape(where(c, grad, zero), x) if needed[1] else None,
                sum_to_shape(where(c, zero, grad), y) if needed[2] else None]

    @classmethod
    def specialize(cls, op, known):
        # where(c, x, 0), as in Maximum's and Relu's gradients: mask x's bits instead of
        # branching per element (np.where on a random mask mispredicts about every other one)
        c, x, y = op.inputs
        for keep, zero, kept in ((True, known[2], x), (False, known[1], y)):
            if _all_zeros(zero) and _same_static_shape(c, kept, op.outputs[0]):
                return select_zeros(keep)
        return None


#: unsigned integer types by item size, to select by masking bits
_BITS = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def _all_zeros(v):
    """True for a constant array of +0 only (-0.0 would differ in its sign bit)."""
    if v is None:
        return False
    v = np.asarray(v)
    return v.dtype.kind in "biuf" and not np.any(v) and not np.any(np.signbit(v))


def _same_static_shape(*tensors):
    shapes = [t.shape for t in tensors]
    return all(s.is_fully_defined() for s in shapes) and len({tuple(s.as_list())
                                                              for s in shapes}) == 1


def select_zeros(keep_where):
    """A kernel for ``where(c, x, 0)`` (``keep_where=True``) or ``where(c, 0, x)``: ``x``'s
    bits ANDed with a mask of all ones where ``x`` is kept, zeros elsewhere. Bit for bit
    ``np.where``'s answer (NaN and -0.0 included), without its per-element branch."""
    def kernel(c, x, y):
        other = x if keep_where else y
        bits = _BITS.get(other.dtype.itemsize) if type(other) is np.ndarray else None
        if bits is None or type(c) is not np.ndarray or c.shape != other.shape \
                or other.dtype.kind not in "biuf":
            return np.where(c, x, y)
        mask = c.astype(bits)                  # 1 where c, 0 elsewhere
        if keep_where:
            np.negative(mask, out=mask)        # 1 -> all ones, 0 -> 0
        else:
            np.subtract(mask, 1, out=mask)     # 1 -> 0, 0 -> all ones (unsigned wrap-around)
        return np.bitwise_and(other.view(bits), mask, out=mask).view(other.dtype)
    kernel.__name__ = "select_zeros"
    return kernel


@register
class Where(OpDef):
    """y = the coordinates (int64 rows) of the true elements of condition."""
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        n = inputs[0].shape.ndims
        return TensorShape([None, n]), dtypes.int64

    @staticmethod
    def forward(c):
        return np.argwhere(c).astype(np.int64)


@export("where")
def where(condition, x=None, y=None, name=None):
    """``tf.where``: pick from ``x`` where ``condition`` is true, else from ``y``; with only a
    condition, the coordinates of its true elements."""
    c = as_tensor(condition)
    if x is None and y is None:
        return make(Where, [c], None, name or "Where")
    if x is None or y is None:
        raise ValueError("x and y must both be given, or neither")
    x, y = binary_operands(x, y)
    if c.shape.ndims == 1 and x.shape.ndims is not None and x.shape.ndims > 1:
        # TF1: a vector condition picks whole rows (slices along the first axis)
        c = reshape(c, [-1] + [1] * (x.shape.ndims - 1))
    return make(Select, [c, x, y], None, name or "Select")


# ------------------------------------------------------------------- indexing t[...]

@register
class StridedSlice(OpDef):
    """y = x[key] for a static key of ints, slices, None (new axis) and Ellipsis."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        s = inputs[0].shape
        key = attrs["key"]
        if s.ndims is None or not s.is_fully_defined():
            probe = None
        else:
            probe = np.empty(s.as_list(), dtype=np.bool_)
        if probe is not None:
            try:
                return TensorShape(probe[key].shape), inputs[0].dtype
            except IndexError as e:
                raise ValueError("slice %s out of range: %s" % (_key_str(key), e)) from None
        if s.ndims is None:
            return TensorShape(None), inputs[0].dtype
        dims = list(s)
        out, i = [], 0
        explicit = sum(1 for k in key if k is not None and k is not Ellipsis)
        for k in key:
            if k is None:
                out.append(1)
            elif k is Ellipsis:
                n = len(dims) - explicit
                out += dims[i:i + n]
                i += n
            elif isinstance(k, slice):
                d = dims[i]
                out.append(None if d is None else len(range(*k.indices(d))))
                i += 1
            else:
                i += 1
        out += dims[i:]
        return TensorShape(out), inputs[0].dtype

    @staticmethod
    def forward(x, key):
        return x[key]

    @staticmethod
    def gradient(op, grad, needed):
        return [make(StridedSliceGrad, [grad, shape_of(op.inputs[0])], {"key": op.attrs["key"]},
                     "StridedSliceGrad")]


@register
class StridedSliceGrad(OpDef):
    """y = zeros of the sliced tensor's shape, with grad written where the slice was taken."""

    @staticmethod
    def infer(inputs, attrs):
        return constant_value_as_shape(inputs[1]), inputs[0].dtype

    @staticmethod
    def forward(grad, x_shape, key):
        out = np.zeros(tuple(x_shape), dtype=grad.dtype)
        out[key] = grad
        return out

    @staticmethod
    def gradient(op, grad, needed):
        return [make(StridedSlice, [grad], {"key": op.attrs["key"]}, "strided_slice"), None]


def _key_str(key):
    def one(k):
        if k is None:
            return "tf.newaxis"
        if k is Ellipsis:
            return "..."
        if isinstance(k, slice):
            return ":".join("" if v is None else str(v) for v in (k.start, k.stop, k.step)
                            ).rstrip(":") or ":"
        return str(k)
    return "[%s]" % ", ".join(one(k) for k in key)


def strided_slice_from_key(x, key):
    """``x[key]`` for a Tensor: ints, slices, ``None``/``tf.newaxis`` and ``...``."""
    if not isinstance(key, tuple):
        key = (key,)
    norm = []
    for k in key:
        if isinstance(k, slice):
            parts = [None if v is None else int(v) for v in (k.start, k.stop, k.step)]
            norm.append(slice(*parts))
        elif k is None or k is Ellipsis:
            norm.append(k)
        elif isinstance(k, (int, np.integer)):
            norm.append(int(k))
        else:
            raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) "
                            "are valid indices for a minigraph Tensor, got %r; use tf.gather "
                            "for indexing by a tensor." % (k,))
    return make(StridedSlice, [x], {"key": tuple(norm)}, "strided_slice")



# ------------------------------------------------------------------- boolean_mask

@export("boolean_mask")
def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """``tf.boolean_mask``: the elements (rows, for a 1-D mask of a matrix) of ``tensor``
    where ``mask`` is true, as TF1 builds it: the mask's true positions (``Where``) gather
    from ``tensor`` flattened over the mask's dimensions."""
    with get_default_graph().name_scope(name):
        tensor = as_tensor(tensor)
        mask = as_tensor(mask)
        if mask.dtype != dtypes.bool:
            raise TypeError("boolean_mask: mask must be bool, got %s" % mask.dtype.name)
        m = mask.shape.ndims
        if m is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None "
                             "is not.")
        if m == 0:
            raise ValueError("mask cannot be scalar.")
        axis = 0 if axis is None else int(axis)
        leading = tensor.shape.as_list()[axis:axis + m] if tensor.shape.ndims else None
        if leading is not None and not TensorShape(leading).is_compatible_with(mask.shape):
            raise ValueError("Shapes %s and %s are incompatible" % (TensorShape(leading),
                                                                   mask.shape))
        if m > 1 or axis:
            rest = tensor.shape.as_list()[axis + m:] if tensor.shape.ndims else None
            if rest is None or None in rest or None in tensor.shape.as_list()[:axis]:
                raise ValueError("boolean_mask of a mask with several dimensions needs the "
                                 "tensor's other dimensions known")
            tensor = reshape(tensor, tensor.shape.as_list()[:axis] + [-1] + rest)
        flat = reshape(mask, [-1])
        indices = squeeze(where(flat), axis=[1])
        return gather(tensor, indices, axis=axis)
