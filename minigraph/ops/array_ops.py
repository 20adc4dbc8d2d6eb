"""Sources and shape-moving ops: placeholders, identity, reshape, concat, stack, gather,
slicing, where...

As in TF1, what says *where* or *how much* is an op's input, not an attribute: the axis of a
concat (``concat/axis``), the target of a reshape (``Reshape/shape``), the permutation of a
transpose (``transpose/perm``), the begin, end and strides of ``t[1:, ::2]``
(``strided_slice/stack``, ``stack_1``, ``stack_2``). A Python value given there becomes a
``Const`` inside the op's name scope, named after the input; a list holding tensors becomes
their ``Pack`` (TF's autopacking); a tensor is used as it is, so the value may be known only
when the graph runs. The kernels read those inputs. Static shape inference reads their values
when they are known as the graph is built (:func:`constant_value`) and is unknown where TF1's
is. Where TF1 has an attribute, so does minigraph: a squeeze's ``squeeze_dims``, a stack's
``axis``, a strided slice's masks. Constants are in :mod:`minigraph.ops.constant_op`.
"""

import numbers

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.errors import InvalidArgumentError
from minigraph.graph import Tensor, get_default_graph
from minigraph.op_def import FORWARD, OpDef, broadcast_static, register
from minigraph.ops._util import graph_of, is_tensor, make, make_op
from minigraph.ops.constant_op import as_tensor, constant, default_dtype
from minigraph.tensor_shape import TensorShape, as_shape

#: the most elements :func:`constant_value` computes ahead of time (TF1's shape inference
#: evaluates small constant subgraphs in the same way, and only small ones)
_MAX_FOLDED_ELEMENTS = 1024

#: the dtypes of an index input (axis, shape, permutation, begin...)
_INDEX_DTYPES = (dtypes.int32, dtypes.int64)


def constant_value(t):
    """The value of ``t`` if it is known when the graph is built, else ``None``.

    Known are: a Const; the shape, size or rank of a tensor whose static shape tells it; and
    a small integer tensor computed from known values only (``Pack``, ``ConcatV2``, ``Slice``,
    ``Sub``, ``StridedSlice``... of shapes and constants), which TF1's shape inference
    evaluates too (``EvaluateConstantTensor``): that is how ``tf.reshape(x, tf.concat([[-1],
    tf.shape(x)[-1:]], 0))`` knows its static shape. Never a placeholder, a variable or a
    random number."""
    op = t.op
    if op.type == "Const":
        return op.attrs["value"]
    if op.type in ("Shape", "Size", "Rank"):
        s = op.inputs[0].shape
        if op.type == "Rank":
            return None if s.ndims is None else np.int32(s.ndims)
        if not s.is_fully_defined():
            return None
        out_type = op.attrs["out_type"].as_numpy_dtype
        return np.array(s.as_list() if op.type == "Shape" else s.num_elements(), dtype=out_type)
    opdef = op.opdef
    if (not t.dtype.is_integer or not op.inputs or opdef.stateful or not opdef.foldable
            or opdef.kind != "op" or opdef.ref_inputs):
        return None
    n = t.shape.num_elements()
    if n is None or n > _MAX_FOLDED_ELEMENTS:
        return None
    values = []
    for x in op.inputs:
        v = constant_value(x)
        if v is None:
            return None
        values.append(v)
    try:
        out = opdef.make_kernel(op, None)(*values)
    except (ValueError, IndexError, TypeError, ArithmeticError):
        return None   # the run will fail, and say why; nothing is known ahead of time
    return np.asarray(out[t.value_index] if len(op.outputs) > 1 else out)


def _shape_from_value(value):
    """A shape held in an int vector, as TF1 reads one: -1 is an unknown dimension."""
    value = np.asarray(value)
    if value.ndim == 0:
        if int(value) == -1:
            return TensorShape(None)
        raise ValueError("Input tensor must be rank 1, or if its rank 0 it must have value -1 "
                         "(got %d)" % int(value))
    dims = [int(d) for d in value.ravel()]
    for d in dims:
        if d < -1:
            raise ValueError("Invalid value in tensor used for shape: %d" % d)
    return TensorShape([None if d == -1 else d for d in dims])


def constant_value_as_shape(t):
    """What is known, when the graph is built, of the shape held by the int vector ``t``
    (TF1's ``ConstantPartialShape``): its value if known (-1 for an unknown dimension),
    ``x``'s static shape if ``t = tf.shape(x)``, the known entries of a ``Pack`` of scalars,
    of a ``ConcatV2`` of such vectors or of a slice of ``tf.shape(x)``, else its length."""
    value = constant_value(t)
    if value is not None:
        return _shape_from_value(value)
    op = t.op
    if op.type == "Shape":
        return op.inputs[0].shape
    if op.type == "Cast":
        return constant_value_as_shape(op.inputs[0])
    if op.type == "Pack" and all(x.shape.ndims == 0 for x in op.inputs):
        dims = []
        for x in op.inputs:
            v = constant_value(x)
            dims.append(None if v is None else _shape_from_value(np.reshape(v, [1]))[0])
        return TensorShape(dims)
    if op.type == "ConcatV2":
        out = TensorShape([])
        for x in op.inputs[:-1]:
            part = constant_value_as_shape(x)
            if part.ndims is None:
                out = None
                break
            out = out.concatenate(part)
        if out is not None:
            return out
    if op.type == "StridedSlice" and t.shape.ndims == 1:
        inner = constant_value_as_shape(op.inputs[0])
        spec = [constant_value(x) for x in op.inputs[1:]]
        attrs = op.attrs
        if (inner.ndims is not None and all(v is not None and np.size(v) == 1 for v in spec)
                and not (attrs["ellipsis_mask"] or attrs["new_axis_mask"]
                         or attrs["shrink_axis_mask"])):
            begin, end, stride = (int(np.ravel(v)[0]) for v in spec)
            key = slice(None if attrs["begin_mask"] & 1 else begin,
                        None if attrs["end_mask"] & 1 else end, stride)
            return TensorShape(inner.as_list()[key])
    n = t.shape[0] if t.shape.ndims == 1 else None
    return TensorShape(None if n is None else [None] * n)


# ------------------------------------------------------- converting an op's inputs

def _holds_tensor(values):
    """True if the (nested) list ``values`` holds a tensor somewhere."""
    return any(is_tensor(v) or (isinstance(v, (list, tuple)) and _holds_tensor(v))
               for v in values)


def _first_dtype(values):
    """The dtype of the first tensor in the (nested) list ``values``, or None."""
    for v in values:
        if is_tensor(v):
            return v._as_graph_tensor().dtype
        if isinstance(v, (list, tuple)):
            d = _first_dtype(v)
            if d is not None:
                return d
    return None


def _first_graph(values):
    for v in values:
        if is_tensor(v):
            return v._as_graph_tensor().graph
        if isinstance(v, (list, tuple)):
            g = _first_graph(v)
            if g is not None:
                return g
    return None


def autopack(values, name, dtype=None):
    """A (nested) list holding tensors as one tensor, TF's *autopacking*: a ``Pack`` called
    ``name`` whose Python entries become Consts named by their index inside it
    (``[n, -1]`` with ``n`` a tensor is ``Pack(n, <name>/1)``). Every entry takes the dtype
    of the first tensor (or ``dtype``)."""
    dtype = dtype or _first_dtype(values)
    with (_first_graph(values) or get_default_graph()).name_scope(name) as scope:
        elems = []
        for i, v in enumerate(values):
            if is_tensor(v):
                t = v._as_graph_tensor()
                if t.dtype != dtype:
                    raise TypeError("Cannot convert a list containing a tensor of dtype %s to "
                                    "%s (Tensor is: %r)" % (t.dtype.name, dtype.name, t))
                elems.append(t)
            elif isinstance(v, (list, tuple)) and _holds_tensor(v):
                elems.append(autopack(v, str(i), dtype))
            else:
                elems.append(v)
        elems = [e if isinstance(e, Tensor) else constant(e, dtype=dtype, name=str(i))
                 for i, e in enumerate(elems)]
        return make(Pack, elems, {"axis": 0, "N": len(elems)}, scope)


def op_input(value, name, dtype=None):
    """One input of an op being built, converted as TF1's op builder converts it, inside
    the op's name scope: a tensor (or Variable) as it is; a list holding tensors their
    ``Pack`` called ``name``; any other Python or numpy value a ``Const`` called ``name``
    (of ``dtype`` if given, which a numpy integer array keeps its own)."""
    if is_tensor(value):
        return value._as_graph_tensor()
    if isinstance(value, (list, tuple)) and _holds_tensor(value):
        return autopack(value, name, dtype)
    if dtype is not None and isinstance(value, (np.ndarray, np.generic)) \
            and value.dtype.kind in "iu" and dtype.is_integer:
        dtype = None
    return constant(value, dtype=dtype, name=name)


def _list_input(values, name):
    """A list input (``values`` of a concat or a stack), converted as TF1 converts one: the
    Python entries take the dtype of the first tensor and are named ``<name>_<i>``."""
    dtype = _first_dtype(values)
    return [op_input(v, "%s_%d" % (name, i), dtype) for i, v in enumerate(values)]


def check_index_input(t, op_type, arg):
    """TF1's type check of an index input: int32 or int64."""
    if t.dtype not in _INDEX_DTYPES:
        raise TypeError("Value passed to parameter '%s' of %s has DataType %s not in list of "
                        "allowed values: int32, int64" % (arg, op_type, t.dtype.name))


def _check_rank(t, rank, what):
    if t.shape.ndims is not None and t.shape.ndims != rank:
        raise ValueError("Shape must be rank %d but is rank %d for %s"
                         % (rank, t.shape.ndims, what))


def _scalar_value(t):
    """The int value of a scalar (or one-element) index tensor, if known now."""
    v = constant_value(t)
    return None if v is None or np.size(v) != 1 else int(np.ravel(v)[0])


def _dtype_list(tensors):
    return "[%s]" % ", ".join(t.dtype.name for t in tensors)


def _same_dtypes(tensors, op_type, arg="values"):
    """The one dtype of a list input; TF1 raises a TypeError naming them all otherwise."""
    if len({t.dtype for t in tensors}) > 1:
        raise TypeError("Tensors in list passed to '%s' of '%s' Op have types %s that don't all "
                        "match." % (arg, op_type, _dtype_list(tensors)))
    return tensors[0].dtype


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




# -------------------------------------------------------------------- reshape, transpose

def _shape_str(dims):
    return "[%s]" % ",".join("?" if d is None else str(d) for d in dims)


def _reshape_static(in_shape, target):
    """Static result of reshaping ``in_shape`` to the known ``target`` (which may hold -1),
    as TF1's shape inference: the -1 is worked out when the element count is known; two of
    them say nothing (the run fails)."""
    target = [int(d) for d in np.ravel(target)]
    for d in target:
        if d < -1:
            raise ValueError("Size %d must be non-negative, not %d" % (target.index(d), d))
    if target.count(-1) > 1:
        return TensorShape([None if d == -1 else d for d in target])
    n_in = in_shape.num_elements()
    if -1 in target:
        known = int(np.prod([d for d in target if d != -1]))
        if n_in is None or known == 0:
            return TensorShape([None if d == -1 else d for d in target])
        if n_in % known:
            raise ValueError("Dimension size must be evenly divisible by %d but is %d"
                             % (known, n_in))
        return TensorShape([n_in // known if d == -1 else d for d in target])
    if n_in is not None and n_in != int(np.prod(target)):
        raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements)"
                         % (n_in, _shape_str(target), int(np.prod(target))))
    return TensorShape(target)


def _reshape_partial(in_shape, out):
    """What TF1's shape inference makes of a reshape to the partly known shape ``out``: one
    unknown dimension is worked out when x's element count is known."""
    if out.ndims is None or in_shape.ndims is None:
        return out
    dims = out.as_list()
    unknown = [i for i, d in enumerate(dims) if d is None]
    n_in = in_shape.num_elements()
    known_out = int(np.prod([d for d in dims if d is not None]))
    if len(unknown) == 1 and n_in is not None and known_out > 0:
        if n_in % known_out:
            raise ValueError("Dimension size must be evenly divisible by %d but is %d"
                             % (known_out, n_in))
        dims[unknown[0]] = n_in // known_out
    elif not unknown and n_in is not None and n_in != known_out:
        raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements)"
                         % (n_in, _shape_str(dims), known_out))
    return TensorShape(dims)


@register
class Reshape(OpDef):
    """y = x's elements laid out in the shape ``shape`` (an input; one entry may be -1)."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        x, target = inputs
        check_index_input(target, "Reshape", "Tshape")
        _check_rank(target, 1, "the shape of Reshape")
        value = constant_value(target)
        if value is not None:
            return _reshape_static(x.shape, value), x.dtype
        return _reshape_partial(x.shape, constant_value_as_shape(target)), x.dtype

    @staticmethod
    def forward(x, shape):
        return np.reshape(x, [int(d) for d in shape])

    @staticmethod
    def gradient(op, grad, needed):
        return [reshape(grad, shape_of(op.inputs[0])), None]


@export("reshape")
def reshape(tensor, shape, name=None):  # noqa: A002
    """``tf.reshape``: same elements, new shape; ``-1`` means "whatever is left". A Python
    shape becomes the Const ``Reshape/shape`` (a list holding tensors, their Pack)."""
    with graph_of(tensor, shape).name_scope(name or "Reshape") as scope:
        x = as_tensor(tensor, name="tensor")
        return make(Reshape, [x, op_input(shape, "shape", dtypes.int32)], None, scope)


@register
class Transpose(OpDef):
    """y = x with its axes permuted: y's axis i is x's axis ``perm[i]`` (an input)."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        x, perm = inputs
        check_index_input(perm, "Transpose", "Tperm")
        _check_rank(perm, 1, "the perm of Transpose")
        s, p = x.shape, constant_value(perm)
        n = perm.shape[0] if perm.shape.ndims == 1 else None
        if s.ndims is not None and n is not None and n != s.ndims:
            raise ValueError("Dimension must be %d but is %d" % (s.ndims, n))
        if p is None or s.ndims is None:
            rank = s.ndims if s.ndims is not None else n
            return TensorShape(None if rank is None else [None] * rank), x.dtype
        dims = []
        for i in p.tolist():
            if not -s.ndims <= i < s.ndims:
                raise ValueError("perm dim %d is out of range of input rank %d" % (i, s.ndims))
            dims.append(s[i])   # TF1 checks no repeats here: the run fails on them
        return TensorShape(dims), x.dtype

    @staticmethod
    def forward(x, perm):
        n = np.ndim(x)
        return np.transpose(x, _permutation([i + n if -n <= i < 0 else i
                                             for i in np.ravel(perm).tolist()], n))

    @staticmethod
    def gradient(op, grad, needed):
        return [transpose(grad, invert_permutation(op.inputs[1])), None]


def _permutation(perm, n):
    """``perm`` as a tuple, checked to be a permutation of range(n), as TF1's kernels do (a
    transpose also takes axes counted from the end, -1 for the last)."""
    perm = [int(i) for i in np.ravel(perm)]
    if len(perm) != n:
        raise ValueError("transpose expects a vector of size %d. But input(1) is a vector of "
                         "size %d" % (n, len(perm)))
    for i in range(n):
        if perm.count(i) != 1:
            raise ValueError("%d is %s in perm %s" % (i, "missing" if i not in perm
                                                      else "duplicated", perm))
    return tuple(perm)


@export("transpose")
def transpose(a, perm=None, name="transpose", conjugate=False):
    """``tf.transpose``: permute the axes (reverse them when ``perm`` is None). The
    permutation is an input: the Const ``transpose/perm``, or, for a tensor whose rank is not
    known when the graph is built, ``Range(Rank(a) - 1, -1, -1)``."""
    with graph_of(a, perm).name_scope(name or "transpose") as scope:
        a = as_tensor(a, name="a")
        if perm is None:
            rank = a.shape.ndims
            if rank is None:
                from minigraph.ops.math_ops import range_, subtract  # noqa: PLC0415 -- math_ops imports this module
                perm = range_(subtract(make(Rank, [a], None, "Rank"), 1, name="sub"), -1, -1,
                              name="Range")
            else:
                perm = np.arange(rank - 1, -1, -1, dtype=np.int32)
        return make(Transpose, [a, op_input(perm, "perm", dtypes.int32)], None, scope)


@register
class InvertPermutation(OpDef):
    """y[x[i]] = i: the inverse of the permutation x (how a transpose is undone)."""
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        x, = inputs
        check_index_input(x, "InvertPermutation", "x")
        _check_rank(x, 1, "the input of InvertPermutation")
        return x.shape, x.dtype

    @staticmethod
    def forward(x):
        perm = _permutation(x, np.size(x))
        return np.argsort(perm).astype(x.dtype)


@export("invert_permutation", "math.invert_permutation")
def invert_permutation(x, name=None):
    """``tf.invert_permutation``: ``y[x[i]] = i`` for a permutation ``x`` of 0..n-1."""
    with graph_of(x).name_scope(name or "InvertPermutation") as scope:
        return make(InvertPermutation, [op_input(x, "x", dtypes.int32)], None, scope)


# ------------------------------------------------------------------------- concat

@register
class ConcatV2(OpDef):
    """y = the inputs ``values`` joined along ``axis`` (the last input, a scalar)."""

    @staticmethod
    def infer(inputs, attrs):
        values, axis = inputs[:-1], inputs[-1]
        dtype = _same_dtypes(values, "ConcatV2")
        check_index_input(axis, "ConcatV2", "Tidx")
        _check_rank(axis, 0, "the axis of ConcatV2")
        ranks = {t.shape.ndims for t in values if t.shape.ndims is not None}
        if 0 in ranks:
            raise ValueError("Can't concatenate scalars (use tf.stack instead)")
        if len(ranks) > 1:
            first = next(t.shape.ndims for t in values if t.shape.ndims is not None)
            other = next(r for r in ranks if r != first)
            raise ValueError("Shape must be rank %d but is rank %d" % (first, other))
        a = _scalar_value(axis)
        if not ranks:
            return TensorShape(None), dtype
        (n,) = ranks
        if a is None:   # TF1 knows the rank, not which axis grows
            return TensorShape([None] * n), dtype
        if not -n <= a < n:
            raise ValueError("Shape must be at least rank %d but is rank %d"
                             % (a + 1 if a >= 0 else -a, n))
        a %= n
        total, first = 0, None
        for t in values:
            if t.shape.ndims is None:
                total = None
                continue
            dims = t.shape.as_list()
            total = None if total is None or dims[a] is None else total + dims[a]
            rest = dims[:a] + dims[a + 1:]
            if first is None:
                first = rest
            for i, (p, q) in enumerate(zip(first, rest)):
                if p is not None and q is not None and p != q:
                    raise ValueError("Dimension %d in both shapes must be equal, but are %d and "
                                     "%d. Shapes are %s and %s."
                                     % (i, p, q, _shape_str(first), _shape_str(rest)))
                if first[i] is None:
                    first[i] = q
        return TensorShape(first[:a] + [total] + first[a:]), dtype

    @staticmethod
    def forward(*values_and_axis):
        values, axis = values_and_axis[:-1], int(values_and_axis[-1])
        n = np.ndim(values[0])
        if not -n <= axis < n:
            raise ValueError("ConcatOp : Expected concatenating dimensions in the range [%d, %d),"
                             " but got %d" % (-n, n, axis))
        return np.concatenate(values, axis=axis)

    @staticmethod
    def gradient(op, grad, needed):
        # TF1's: each input's gradient is the Slice of grad where that input went, from the
        # offsets ConcatOffset computes out of the inputs' shapes
        values, axis = op.inputs[:-1], op.inputs[-1]
        if len(values) == 1:
            return [grad, None]
        shapes = [shape_of(x) for x in values]
        offsets = make_op(ConcatOffset, [axis] + shapes, None, "ConcatOffset").outputs
        return [slice_(grad, begin, size) if needed[i] else None
                for i, (begin, size) in enumerate(zip(offsets, shapes))] + [None]


@register
class ConcatOffset(OpDef):
    """y_i = where input i of a concat starts in its output: zeros, but along
    ``concat_dim`` the summed sizes of the inputs before it (the begin of input i's ``Slice``
    in the concat's gradient)."""
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        concat_dim, shapes = inputs[0], inputs[1:]
        _check_rank(concat_dim, 0, "the concat_dim of ConcatOffset")
        return [(s.shape, s.dtype) for s in shapes]

    @staticmethod
    def forward(concat_dim, *shapes):
        n = np.size(shapes[0])
        axis = int(concat_dim)
        if not -n <= axis < n:
            raise ValueError("Concat dim is out of range: %d vs. %d" % (axis, n))
        axis %= n
        out, start = [], 0
        for s in shapes:
            offset = np.zeros_like(s)
            offset[axis] = start
            start += s[axis]
            out.append(offset)
        return tuple(out) if len(out) > 1 else out[0]


@export("concat")
def concat(values, axis, name="concat"):
    """``tf.concat``: join tensors along ``axis``: ``ConcatV2(values..., concat/axis)``. One
    tensor alone is ``concat/concat``, its Identity (after checking the axis, the Const
    ``concat/concat_dim``), as TF1 builds it."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    graph = _first_graph(list(values) + [axis]) or get_default_graph()
    if len(values) == 1:
        with graph.name_scope(name):
            a = op_input(axis, "concat_dim", dtypes.int32)
            if a.shape.ndims not in (None, 0):
                raise ValueError("Shape %s must have rank 0" % a.shape)
            return identity(values[0], name=name)
    with graph.name_scope(name) as scope:
        tensors = _list_input(values, "values")
        return make(ConcatV2, tensors + [op_input(axis, "axis", dtypes.int32)], None, scope)


# -------------------------------------------------------------------- stack, unstack

def _merged_shape(tensors):
    """The one static shape of a list input whose tensors must share it (Pack's)."""
    out = TensorShape(None)
    for i, t in enumerate(tensors):
        s = t.shape
        if out.ndims is not None and s.ndims is not None:
            if out.ndims != s.ndims:
                raise ValueError("Shapes must be equal rank, but are %d and %d\n\tFrom merging "
                                 "shape %d with other shapes." % (out.ndims, s.ndims, i))
            for d, (p, q) in enumerate(zip(out.as_list(), s.as_list())):
                if p is not None and q is not None and p != q:
                    raise ValueError("Dimension %d in both shapes must be equal, but are %d and "
                                     "%d. Shapes are %s and %s.\n\tFrom merging shape %d with "
                                     "other shapes." % (d, p, q, out.bracketed(), s.bracketed(),
                                                        i))
        out = s if out.ndims is None else (out if s.ndims is None else out.merge_with(s))
    return out


@register
class Pack(OpDef):
    """y = the N inputs, all of one shape, stacked along a new axis ``axis`` (``tf.stack``)."""

    @staticmethod
    def infer(inputs, attrs):
        dtype = _same_dtypes(inputs, "Pack")
        s, axis = _merged_shape(inputs), attrs["axis"]
        if s.ndims is None:
            return TensorShape(None), dtype
        r = s.ndims + 1
        if not -r <= axis < r:
            raise ValueError("Invalid axis: %d; must be in [%d,%d)" % (axis, -r, r))
        dims = s.as_list()
        axis %= r
        return TensorShape(dims[:axis] + [len(inputs)] + dims[axis:]), dtype

    @staticmethod
    def forward(*values, axis, N):  # noqa: N803 -- TF's attribute name
        first = np.shape(values[0])
        for i, v in enumerate(values[1:], 1):
            if np.shape(v) != first:
                raise ValueError("Shapes of all inputs must match: values[0].shape = %s != "
                                 "values[%d].shape = %s" % (_shape_str(first), i,
                                                            _shape_str(np.shape(v))))
        return np.stack(values, axis=axis)

    @staticmethod
    def gradient(op, grad, needed):
        return unstack(grad, num=op.attrs["N"], axis=op.attrs["axis"])


@register
class Unpack(OpDef):
    """y_0 .. y_{num-1} = the slices of x along ``axis``, that axis removed (``tf.unstack``)."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        x, = inputs
        num, axis = attrs["num"], attrs["axis"]
        s = x.shape
        if s.ndims is None:
            return [(TensorShape(None), x.dtype)] * num
        if not -s.ndims <= axis < s.ndims:
            raise ValueError("axis = %d not in [%d, %d)" % (axis, -s.ndims, s.ndims))
        dims = s.as_list()
        axis %= s.ndims
        if dims[axis] is not None and dims[axis] != num:
            raise ValueError("Dimension must be %d but is %d" % (num, dims[axis]))
        return [(TensorShape(dims[:axis] + dims[axis + 1:]), x.dtype)] * num

    @staticmethod
    def forward(x, num, axis):
        axis %= np.ndim(x)
        if x.shape[axis] != num:
            raise ValueError("Input shape axis %d must equal %d, got shape %s"
                             % (axis, num, _shape_str(x.shape)))
        lead = (slice(None),) * axis
        out = tuple(x[lead + (i,)] for i in range(num))
        return out[0] if num == 1 else out

    @staticmethod
    def gradient(op, grad, needed):
        grads = grad if isinstance(grad, list) else [grad]
        grads = [zeros_like(y) if g is None else g for g, y in zip(grads, op.outputs)]
        return [stack(grads, axis=op.attrs["axis"])]


@export("stack")
def stack(values, axis=0, name="stack"):
    """``tf.stack``: join tensors of one shape along a new axis ``axis``: a ``Pack``. As in
    TF1, a stack of Python values along axis 0 is a Const called ``stack``, and Python entries
    among tensors become Consts inside the Pack's scope (``stack/1``)."""
    if axis == 0 and is_tensor(values):
        return values._as_graph_tensor()   # (TF1 converts the values to one tensor: itself)
    values = list(values)
    if axis == 0:
        if _holds_tensor(values):
            return autopack(values, name)
        try:
            return constant(values, name=name)
        except (TypeError, ValueError):
            pass   # ragged: TF1 goes on to build a Pack, which says what is wrong
    first = as_tensor(values[0], name=name).shape   # (TF1 converts it here: a Const `stack`)
    if first.ndims is not None:
        r = first.ndims + 1
        if not -r <= axis < r:
            raise ValueError("Argument `axis` = %d not in range [%d, %d)" % (axis, -r, r))
    with (_first_graph(values) or get_default_graph()).name_scope(name) as scope:
        tensors = _list_input(values, "values")
        return make(Pack, tensors, {"axis": int(axis), "N": len(tensors)}, scope)


@export("unstack")
def unstack(value, num=None, axis=0, name="unstack"):
    """``tf.unstack``: the ``num`` slices of ``value`` along ``axis``, each without that axis:
    the outputs of one ``Unpack`` op (``unstack:0``, ``unstack:1``...). ``num`` defaults to
    the static size of that axis."""
    if num is None:
        value = as_tensor(value)
        s = value.shape
        if s.ndims is not None:
            if not -s.ndims <= axis < s.ndims:
                raise ValueError("Argument `axis` = %d not in range [%d, %d)"
                                 % (axis, -s.ndims, s.ndims))
            num = s[axis]
        if num is None:
            raise ValueError("Cannot infer argument `num` from shape %s" % s)
    with graph_of(value).name_scope(name) as scope:
        x = as_tensor(value, name="value")
        return list(make_op(Unpack, [x], {"num": int(num), "axis": int(axis)}, scope).outputs)


# ----------------------------------------------------------------- expand_dims, squeeze

@register
class ExpandDims(OpDef):
    """y = x with a new axis of size 1 inserted at ``dim`` (an input)."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        x, dim = inputs
        check_index_input(dim, "ExpandDims", "Tdim")
        if dim.shape.num_elements() not in (None, 1):
            raise ValueError("'dim' input must be a tensor with a single value")
        d, s = _scalar_value(dim), x.shape
        if d is None or s.ndims is None:
            return TensorShape(None), x.dtype
        r = s.ndims
        if not -r - 1 <= d <= r:
            raise ValueError("dim %d not in the interval [%d, %d]." % (d, -r - 1, r))
        d %= r + 1
        dims = s.as_list()
        return TensorShape(dims[:d] + [1] + dims[d:]), x.dtype

    @staticmethod
    def forward(x, dim):
        r, d = np.ndim(x), int(np.ravel(dim)[0])
        if not -r - 1 <= d <= r:
            raise ValueError("Tried to expand dim index %d for tensor with %d dimensions."
                             % (d, r))
        return np.expand_dims(x, d)

    @staticmethod
    def gradient(op, grad, needed):
        return [reshape(grad, shape_of(op.inputs[0])), None]


@export("expand_dims")
def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """``tf.expand_dims``: a new axis of size 1 at ``axis`` (TF1's old name: ``dim``), an
    input of the op: the Const ``ExpandDims/dim``."""
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    with graph_of(input, axis).name_scope(name or "ExpandDims") as scope:
        x = as_tensor(input, name="input")
        return make(ExpandDims, [x, op_input(axis, "dim", dtypes.int32)], None, scope)


@register
class Squeeze(OpDef):
    """y = x without its size-1 axes (only those in ``squeeze_dims``, if any are given)."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        x, = inputs
        s, axes = x.shape, attrs["squeeze_dims"]
        if s.ndims is None:
            return TensorShape(None), x.dtype
        dims = s.as_list()
        if not axes:
            if None in dims:
                # which axes have size 1 is known only at run time; TF also gives no shape
                return TensorShape(None), x.dtype
            return TensorShape([d for d in dims if d != 1]), x.dtype
        for i, a in enumerate(axes):
            if not -s.ndims <= a < s.ndims:
                raise ValueError("squeeze_dims[%d] not in [%d,%d)." % (i, -s.ndims, s.ndims))
        axes = {a % s.ndims for a in axes}
        for a in sorted(axes):
            if dims[a] not in (1, None):
                raise ValueError("Can not squeeze dim[%d], expected a dimension of 1, got %d"
                                 % (a, dims[a]))
        return TensorShape([d for i, d in enumerate(dims) if i not in axes]), x.dtype

    @staticmethod
    def forward(x, squeeze_dims):
        if not squeeze_dims:
            return np.squeeze(x)
        axes = tuple(sorted({a % np.ndim(x) for a in squeeze_dims}))
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError("Can not squeeze dim[%d], expected a dimension of 1, got %d"
                                 % (a, x.shape[a]))
        return np.squeeze(x, axes)

    @staticmethod
    def gradient(op, grad, needed):
        return [reshape(grad, shape_of(op.inputs[0]))]


@export("squeeze")
def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """``tf.squeeze``: drop axes of size 1 (only ``axis``, TF1's ``squeeze_dims``, if
    given). The axes stay an attribute, ``squeeze_dims``, as in TF1."""
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'axis' and 'squeeze_dims'")
    axis = squeeze_dims if axis is None else axis
    if axis is None:
        axis = []
    elif np.isscalar(axis):
        axis = [axis]
    with graph_of(input).name_scope(name or "Squeeze") as scope:
        x = as_tensor(input, name="input")
        return make(Squeeze, [x], {"squeeze_dims": tuple(int(a) for a in axis)}, scope)


# ---------------------------------------------------------------------------- tile

@register
class Tile(OpDef):
    """y = x repeated ``multiples[i]`` times along each axis i (``multiples``, an input)."""

    @staticmethod
    def infer(inputs, attrs):
        x, multiples = inputs
        check_index_input(multiples, "Tile", "Tmultiples")
        _check_rank(multiples, 1, "the multiples of Tile")
        n = multiples.shape[0] if multiples.shape.ndims == 1 else None
        if x.shape.ndims is not None and n is not None and n != x.shape.ndims:
            raise ValueError("Shape must be rank %d but is rank %d" % (x.shape.ndims, n))
        rank = x.shape.ndims if x.shape.ndims is not None else n
        m = constant_value(multiples)
        if rank is None:
            return TensorShape(None), x.dtype
        if m is None:
            return TensorShape([None] * rank), x.dtype
        dims = x.shape.as_list() if x.shape.ndims is not None else [None] * rank
        return TensorShape([None if d is None else d * int(k) for d, k in zip(dims, m)]), x.dtype

    @staticmethod
    def forward(x, multiples):
        if np.size(multiples) != np.ndim(x):
            raise ValueError("Expected multiples argument to be a vector of length %d but got "
                             "length %d" % (np.ndim(x), np.size(multiples)))
        if np.any(np.asarray(multiples) < 0):
            raise ValueError("Expected multiples to be non-negative, got %s"
                             % np.asarray(multiples).tolist())
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
    """``tf.tile``: repeat ``input`` ``multiples[i]`` times along axis i (the Const
    ``Tile/multiples`` for a Python list)."""
    with graph_of(input, multiples).name_scope(name or "Tile") as scope:
        x = as_tensor(input, name="input")
        return make(Tile, [x, op_input(multiples, "multiples", dtypes.int32)], None, scope)


# -------------------------------------------------------------------------- gather

_GATHER_INDEX_DTYPES = (dtypes.int16, dtypes.int32, dtypes.int64)


@register
class GatherV2(OpDef):
    """y = params[..., indices, ...]: the slices of ``params`` at ``indices`` along ``axis``
    (the third input; rows by default)."""

    @staticmethod
    def infer(inputs, attrs):
        params, indices, axis = inputs
        if indices.dtype not in _GATHER_INDEX_DTYPES:
            raise TypeError("Value passed to parameter 'indices' has DataType %s not in list of "
                            "allowed values: int16, int32, int64" % indices.dtype.name)
        check_index_input(axis, "GatherV2", "Taxis")
        _check_rank(axis, 0, "the axis of GatherV2")
        p, i, a = params.shape, indices.shape, _scalar_value(axis)
        if p.ndims is None or i.ndims is None:
            return TensorShape(None), params.dtype
        if a is None:
            return TensorShape([None] * (p.ndims + i.ndims - 1)), params.dtype
        if not -p.ndims <= a < p.ndims:
            raise ValueError("Shape must be at least rank %d but is rank %d"
                             % (a + 1 if a >= 0 else -a, p.ndims))
        a %= p.ndims
        d = p.as_list()
        return TensorShape(d[:a] + i.as_list() + d[a + 1:]), params.dtype

    @staticmethod
    def forward(params, indices, axis):
        axis = int(axis)
        if not -params.ndim <= axis < params.ndim:
            raise ValueError("Expected axis in the range [%d, %d), but got %d"
                             % (-params.ndim, params.ndim, axis))
        axis %= params.ndim
        n = params.shape[axis]
        # TF (on the CPU) rejects negative indices too: no numpy-style wrap-around
        if indices.size and (indices.min() < 0 or indices.max() >= n):
            bad = indices[(indices < 0) | (indices >= n)].ravel()[0]
            raise IndexError("indices = %d is not in [0, %d)" % (bad, n))
        return np.take(params, indices, axis=axis)

    @staticmethod
    def gradient(op, grad, needed):
        params, indices, axis = op.inputs
        return [make(GatherGrad, [grad, indices, shape_of(params), axis], None, "GatherGrad"),
                None, None]


@register
class GatherGrad(OpDef):
    """y = zeros of the shape ``params_shape`` with each gathered slice of grad added back
    where it came from (the gradient of GatherV2: TF1 builds it as IndexedSlices)."""

    @staticmethod
    def infer(inputs, attrs):
        grad, _, params_shape, _ = inputs
        return constant_value_as_shape(params_shape), grad.dtype

    @staticmethod
    def forward(grad, indices, params_shape, axis):
        out = np.zeros(tuple(params_shape), dtype=grad.dtype)
        axis = int(axis) % out.ndim
        moved = np.moveaxis(out, axis, 0)  # a view: adding into it fills out
        g = np.moveaxis(grad.reshape(out.shape[:axis] + (indices.size,) + out.shape[axis + 1:]),
                        axis, 0)
        np.add.at(moved, indices.ravel(), g)
        return out

    @staticmethod
    def gradient(op, grad, needed):
        return [gather(grad, op.inputs[1], axis=op.inputs[3]), None, None, None]


@export("gather")
def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """``tf.gather``: the slices of ``params`` at the integer ``indices`` along ``axis`` (0
    by default): ``GatherV2(params, indices, GatherV2/axis)``. (``validate_indices`` is TF1's
    ignored argument; indices are always checked.)"""
    if batch_dims != 0:
        raise NotImplementedError("tf.gather's batch_dims is not supported by minigraph "
                                  "(got %r)" % (batch_dims,))
    axis = 0 if axis is None else axis
    with graph_of(params, indices, axis).name_scope(name or "GatherV2") as scope:
        p = as_tensor(params, name="params")
        i = op_input(indices, "indices")
        return make(GatherV2, [p, i, op_input(axis, "axis", dtypes.int32)], None, scope)


# ------------------------------------------------------------------------- one_hot

_ONE_HOT_INDEX_DTYPES = (dtypes.uint8, dtypes.int8, dtypes.int32, dtypes.int64)


@register
class OneHot(OpDef):
    """y[..., j] = on_value if indices[...] == j else off_value, for j < depth; the new axis
    of length ``depth`` at ``axis`` (-1: last). ``depth``, ``on_value`` and ``off_value`` are
    inputs."""
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        indices, depth, on, off = inputs
        if indices.dtype not in _ONE_HOT_INDEX_DTYPES:
            raise TypeError("Value passed to parameter 'indices' has DataType %s not in list of "
                            "allowed values: uint8, int8, int32, int64" % indices.dtype.name)
        if depth.dtype != dtypes.int32:
            raise TypeError("Input 'depth' of 'OneHot' Op has type %s that does not match "
                            "expected type of int32." % depth.dtype.name)
        if on.dtype != off.dtype:
            raise TypeError("Input 'off_value' of 'OneHot' Op has type %s that does not match "
                            "type %s of argument 'on_value'." % (off.dtype.name, on.dtype.name))
        for t, what in ((depth, "depth"), (on, "on_value"), (off, "off_value")):
            _check_rank(t, 0, "the %s of OneHot" % what)
        axis = attrs["axis"]
        if axis < -1:
            raise ValueError("axis must be >= -1")
        s = indices.shape
        if s.ndims is None:
            return TensorShape(None), on.dtype
        r = s.ndims + 1
        at = (axis + r) % r   # (TF1's shape inference; the run checks axis <= rank)
        dims = s.as_list()
        return TensorShape(dims[:at] + [_scalar_value(depth)] + dims[at:]), on.dtype

    @staticmethod
    def forward(indices, depth, on_value, off_value, axis):
        r = np.ndim(indices) + 1
        if not -1 <= axis < r:
            raise ValueError("Expected axis to be -1 or between [0, %d).  But received: %d"
                             % (r, axis))
        depth = int(depth)
        if depth < 0:
            raise ValueError("depth must be non-negative, got: %d" % depth)
        hot = np.asarray(indices)[..., None] == np.arange(depth)
        out = np.where(hot, on_value, off_value).astype(np.asarray(on_value).dtype)
        return out if axis == -1 else np.moveaxis(out, -1, axis)


@export("one_hot")
def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """``tf.one_hot``: integer labels to one-hot vectors of length ``depth``, as TF1 builds
    them: in the scope ``one_hot``, ``on_value`` and ``off_value`` (Consts ``on_value`` and
    ``off_value``, 1 and 0, unless given), then ``OneHot(indices, depth, on, off)``. The
    dtype is ``dtype``, else that of ``on_value``/``off_value`` (``on_value=5`` gives int32),
    else float32."""
    with graph_of(indices, depth, on_value, off_value).name_scope(name or "one_hot") as scope:
        dtype = dtypes.as_dtype(dtype) if dtype is not None else None
        given = {}
        for key, value in (("on_value", on_value), ("off_value", off_value)):
            if value is not None:   # TF1: converted with dtype only a hint, named "Const"
                if is_tensor(value):
                    given[key] = value._as_graph_tensor()
                else:
                    hint = dtype if dtype is not None and _fits(value, dtype) else None
                    given[key] = constant(value, dtype=hint)
        if given:
            if dtype is not None:
                for key, t in given.items():
                    if t.dtype != dtype:
                        raise TypeError("dtype %s of %s does not match dtype parameter %s"
                                        % (t.dtype.name, key, dtype.name))
            else:
                dtype = given["on_value" if "on_value" in given else "off_value"].dtype
        elif dtype is None:
            dtype = dtypes.float32
        on = given.get("on_value")
        if on is None:
            on = constant(1, dtype=dtype, name="on_value")
        off = given.get("off_value")
        if off is None:
            off = constant(0, dtype=dtype, name="off_value")
        if on.dtype != off.dtype:
            raise TypeError("dtype %s of on_value does not match dtype %s of off_value"
                            % (on.dtype.name, off.dtype.name))
        i = op_input(indices, "indices")
        d = op_input(depth, "depth", dtypes.int32)
        return make(OneHot, [i, d, on, off], {"axis": -1 if axis is None else int(axis)},
                    scope)


def _fits(value, dtype):
    """True if the Python value converts to ``dtype`` (TF1's ``dtype_hint``: a hint only)."""
    try:
        constant_dtype = default_dtype(value)
    except (TypeError, ValueError):
        return False
    return not (dtype.is_integer and constant_dtype.is_floating)


# --------------------------------------------------------------------- slice, pad

@register
class Slice(OpDef):
    """y = the block of x that starts at ``begin`` and has ``size`` elements along each
    axis (-1: all that is left), both inputs."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        x, begin, size = inputs
        check_index_input(begin, "Slice", "Index")
        if begin.dtype != size.dtype:
            raise TypeError("Input 'size' of 'Slice' Op has type %s that does not match type %s "
                            "of argument 'begin'." % (size.dtype.name, begin.dtype.name))
        _check_rank(begin, 1, "the begin of Slice")
        _check_rank(size, 1, "the size of Slice")
        n = next((t.shape[0] for t in (begin, size)
                  if t.shape.ndims == 1 and t.shape[0] is not None), None)
        if n is not None and x.shape.ndims is not None and n != x.shape.ndims:
            raise ValueError("Shape must be rank %d but is rank %d" % (x.shape.ndims, n))
        rank = x.shape.ndims if x.shape.ndims is not None else n
        b, s = constant_value(begin), constant_value(size)
        if rank is None:
            return TensorShape(None), x.dtype
        if s is None:   # what is known of the sizes (-1: unknown, as TF1 reads them)
            partial = constant_value_as_shape(size)
            return (partial if partial.ndims == rank else TensorShape([None] * rank)), x.dtype
        dims = x.shape.as_list() if x.shape.ndims is not None else [None] * rank
        out = []
        for i, (d, k) in enumerate(zip(dims, s.tolist())):
            if k < -1:
                raise ValueError("Invalid value in tensor used for shape: %d" % k)
            if k != -1:
                out.append(k)
            elif b is None or d is None:
                out.append(None)
            else:
                if d - int(b[i]) < 0:
                    raise ValueError("Negative dimension size caused by subtracting %d from %d"
                                     % (int(b[i]), d))
                out.append(d - int(b[i]))
        return TensorShape(out), x.dtype

    @staticmethod
    def forward(x, begin, size):
        if not np.size(begin) == np.size(size) == np.ndim(x):
            raise ValueError("Expected begin and size arguments to be 1-D tensors of size %d, "
                             "but got shapes [%d] and [%d] instead."
                             % (np.ndim(x), np.size(begin), np.size(size)))
        key = []
        for i, (d, b, k) in enumerate(zip(np.shape(x), np.ravel(begin), np.ravel(size))):
            b, k = int(b), int(k)
            if k == -1:
                k = d - b
            if not 0 <= b <= d:
                raise ValueError("Expected begin[%d] in [0, %d], but got %d" % (i, d, b))
            if not 0 <= k <= d - b:
                raise ValueError("Expected size[%d] in [0, %d], but got %d" % (i, d - b, k))
            key.append(slice(b, b + k))
        return x[tuple(key)]

    @staticmethod
    def gradient(op, grad, needed):
        # TF1's: pad grad with zeros, begin before and (shape - size - begin) after each axis
        from minigraph.ops.math_ops import subtract  # noqa: PLC0415 -- math_ops imports this module
        x, begin = op.inputs[0], op.inputs[1]
        input_rank = rank(x)
        slice_size = shape(op.outputs[0], out_type=begin.dtype)
        pair = stack([input_rank, 1])
        before = reshape(begin, pair)
        after = reshape(subtract(subtract(shape(x, out_type=begin.dtype), slice_size), begin),
                        pair)
        return [make(Pad, [grad, concat([before, after], 1)], None, "Pad"), None, None]


@export("slice")
def slice_(input_, begin, size, name=None):
    """``tf.slice``: the block of ``input_`` starting at ``begin`` with ``size`` elements per
    axis (-1: to the end). ``begin`` and ``size`` are inputs (``Slice/begin``,
    ``Slice/size``); a list holding tensors becomes their Pack."""
    with graph_of(input_, begin, size).name_scope(name or "Slice") as scope:
        x = as_tensor(input_, name="input")
        b = op_input(begin, "begin", dtypes.int32)
        s = op_input(size, "size", b.dtype)
        return make(Slice, [x, b, s], None, scope)


slice_.__name__ = slice_.__qualname__ = "slice"   # (slice_ here: Python's own slice stays)


@register
class Pad(OpDef):
    """y = x with ``paddings[i][0]`` zeros before and ``paddings[i][1]`` after it along each
    axis i (``paddings``, an input of shape [rank, 2]): the gradient of Slice."""

    @staticmethod
    def infer(inputs, attrs):
        x, paddings = inputs
        check_index_input(paddings, "Pad", "Tpaddings")
        _check_rank(paddings, 2, "the paddings of Pad")
        p = constant_value(paddings)
        rank = x.shape.ndims
        if rank is None and paddings.shape.ndims == 2:
            rank = paddings.shape[0]
        if rank is None:
            return TensorShape(None), x.dtype
        if p is None or x.shape.ndims is None:
            return TensorShape([None] * rank), x.dtype
        if p.shape != (rank, 2):
            raise ValueError("The first dimension of paddings must be the rank of inputs %d, "
                             "got paddings of shape %s" % (rank, _shape_str(p.shape)))
        return TensorShape([None if d is None else d + int(a) + int(b)
                            for d, (a, b) in zip(x.shape.as_list(), p.tolist())]), x.dtype

    @staticmethod
    def forward(x, paddings):
        paddings = np.asarray(paddings)
        if paddings.shape != (np.ndim(x), 2) or np.any(paddings < 0):
            raise ValueError("paddings must be a non-negative matrix of shape [%d, 2], got %s"
                             % (np.ndim(x), paddings.tolist()))
        return np.pad(x, paddings.astype(np.intp))

    @staticmethod
    def gradient(op, grad, needed):
        # TF1's: the slice of grad that starts at the first column of paddings
        x, paddings = op.inputs
        before = slice_(paddings, [0, 0], stack([rank(x), 1]))
        begin = reshape(before, [-1])
        return [slice_(grad, begin, shape(x, out_type=begin.dtype)), None]



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
        d = as_tensor(dims) if is_tensor(dims) else constant(dims, dtype=dtypes.int32,
                                                              name="dims")
        return make(Fill, [d, as_tensor(value, name="value")], None, scope)


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
        if is_tensor(shape):
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

def _merge_equal(a, b):
    """Shapes ``a`` and ``b`` merged, TF1's ``Merge``: equal ranks, equal known dims."""
    if a.ndims is None or b.ndims is None:
        return a if b.ndims is None else b
    if a.ndims != b.ndims:
        raise ValueError("Shapes must be equal rank, but are %d and %d" % (a.ndims, b.ndims))
    for i, (p, q) in enumerate(zip(a.as_list(), b.as_list())):
        if p is not None and q is not None and p != q:
            raise ValueError("Dimension %d in both shapes must be equal, but are %d and %d. "
                             "Shapes are %s and %s." % (i, p, q, a.bracketed(), b.bracketed()))
    return a.merge_with(b)


def _check_select_dtypes(c, x, y, op_type):
    if not c.dtype.is_bool:
        raise TypeError("Input 'condition' of '%s' Op has type %s that does not match expected "
                        "type of bool." % (op_type, c.dtype.name))
    if x.dtype != y.dtype:
        raise TypeError("Input 'e' of '%s' Op has type %s that does not match type %s of "
                        "argument 't'." % (op_type, y.dtype.name, x.dtype.name))


@register
class Select(OpDef):
    """y = x where condition else y (``tf.where``). As TF1's: x and y of one shape, the
    condition a scalar (picks x or y whole), of that shape (elementwise), or a vector along
    the first axis (picks rows). No other broadcasting: that is ``SelectV2``'s."""

    @staticmethod
    def infer(inputs, attrs):
        c, x, y = inputs
        _check_select_dtypes(c, x, y, "Select")
        s = _merge_equal(x.shape, y.shape)
        if c.shape.ndims is None or c.shape.ndims == 0 or s.ndims is None:
            return s, x.dtype
        if c.shape.ndims == 1 and s.ndims > 1:   # rows
            first = _merge_equal(c.shape, TensorShape(s.as_list()[:1]))
            return TensorShape(first.as_list() + s.as_list()[1:]), x.dtype
        return _merge_equal(s, c.shape), x.dtype

    @staticmethod
    def forward(c, x, y):
        if np.shape(x) != np.shape(y):
            raise ValueError("'then' and 'else' must have the same size.  but received: %s vs. %s"
                             % (_shape_str(np.shape(x)), _shape_str(np.shape(y))))
        if np.ndim(c) == 1 and np.ndim(x) > 1:
            if len(c) != len(x):
                raise ValueError("Number of batches of 'then' must match size of 'cond', but "
                                 "saw: %d vs. %d" % (len(x), len(c)))
            c = np.reshape(c, (-1,) + (1,) * (np.ndim(x) - 1))
        elif np.ndim(c) != 0 and np.shape(c) != np.shape(x):
            raise ValueError("'cond' and 'then' must have the same shape, or 'cond' be a vector "
                             "or a scalar: %s vs. %s" % (_shape_str(np.shape(c)),
                                                          _shape_str(np.shape(x))))
        return np.where(c, x, y)

    @staticmethod
    def gradient(op, grad, needed):
        c, x, _ = op.inputs
        zeros = zeros_like(x)
        return [None, where(c, grad, zeros) if needed[1] else None,
                where(c, zeros, grad) if needed[2] else None]

    @classmethod
    def specialize(cls, op, known):
        return _specialize_select(op, known)


@register
class SelectV2(OpDef):
    """y = x where condition else y, the three broadcast together by numpy's rules
    (``tf.where_v2``)."""

    @staticmethod
    def infer(inputs, attrs):
        c, x, y = inputs
        _check_select_dtypes(c, x, y, "SelectV2")
        return broadcast_static(broadcast_static(c.shape, x.shape), y.shape), x.dtype

    @staticmethod
    def forward(c, x, y):
        return np.where(c, x, y)

    @staticmethod
    def gradient(op, grad, needed):
        # TF1's: grad where the condition picked each input, summed back to its shape
        c, x, y = op.inputs
        zero = zeros([], dtype=grad.dtype)
        return [None,
                sum_to_shape(where_v2(c, grad, zero), x) if needed[1] else None,
                sum_to_shape(where_v2(c, zero, grad), y) if needed[2] else None]

    @classmethod
    def specialize(cls, op, known):
        return _specialize_select(op, known)


def _specialize_select(op, known):
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


def _coordinates(condition, name):
    """``Where``: the coordinates of the true (nonzero) elements of ``condition``."""
    with graph_of(condition).name_scope(name or "Where") as scope:
        return make(Where, [as_tensor(condition, name="condition")], None, scope)


def _select(opdef, condition, x, y, name):
    """``opdef(condition, t, e)`` as TF1's op builder makes it: Python values become Consts
    ``<Op>/condition``, ``<Op>/t`` and ``<Op>/e``; a Python ``e`` takes ``t``'s dtype."""
    with graph_of(condition, x, y).name_scope(name or opdef.type) as scope:
        c = op_input(condition, "condition", dtypes.bool)
        t = op_input(x, "t")   # (its own dtype: TF1 does not look ahead to e's)
        e = op_input(y, "e", t.dtype)
        return make(opdef, [c, t, e], None, scope)


@export("where")
def where(condition, x=None, y=None, name=None):
    """``tf.where`` (TF1's): with ``x`` and ``y``, a ``Select``: ``x`` where ``condition``
    is true, else ``y``; x and y of one shape, the condition of that shape, a scalar, or a
    vector picking rows (no other broadcasting: that is ``tf.where_v2``). With only a
    condition, ``Where``: the coordinates of its true elements."""
    if x is None and y is None:
        return _coordinates(condition, name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return _select(Select, condition, x, y, name)


@export("where_v2")
def where_v2(condition, x=None, y=None, name=None):
    """``tf.where_v2`` (TF2's ``tf.where``): a ``SelectV2``, condition, x and y broadcast
    together by numpy's rules; with only a condition, ``Where``."""
    if x is None and y is None:
        return _coordinates(condition, name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return _select(SelectV2, condition, x, y, name)


# ---------------------------------------------------------------- strided slices: t[...]
#
# ``x[1:, ::2]`` is TF1's ``StridedSlice(x, begin, end, strides)``: one entry of the three
# int vectors per item of the key (``strided_slice/stack``, ``stack_1``, ``stack_2``) and five
# bit masks saying which items are special: bit i of ``begin_mask`` (``end_mask``) set means
# "item i has no start (stop): from the beginning (to the end)"; ``ellipsis_mask`` marks the
# ``...``, ``new_axis_mask`` a ``tf.newaxis``, ``shrink_axis_mask`` a plain index (that axis
# disappears). So ``x[1:, ::2]`` is begin [1, 0], end [0, 0], strides [1, 2], begin_mask 0b10,
# end_mask 0b11. The functions below turn that *sparse* spec into one slice per axis of x as
# TF1's ``ValidateStridedSliceOp`` does, for shape inference (values possibly unknown) and
# for the kernels alike.

_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
_NEW_AXIS = -1   # in the final shape: a new axis of size 1 (a shrunk axis is left out)


def _dense_spec(ndims, begin, end, strides, masks):
    """The sparse spec as one entry per axis of x, ``[begin, end, stride, begin_masked,
    end_masked, shrink]`` (begin/end None when not known), and where each axis of the result
    comes from (an axis of x, or ``_NEW_AXIS``). TF1's ``BuildDenseSpec``."""
    begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_mask = (masks[k] for k in _MASKS)
    n = len(strides)
    if ellipsis_mask & (ellipsis_mask - 1):
        raise ValueError("Multiple ellipses in slice spec not allowed")
    if not ellipsis_mask:          # x[3] is x[3, ...]: an ellipsis after the last item
        ellipsis_mask, n = 1 << n, n + 1
    new_after_ellipsis, seen = 0, False
    for i in range(n):
        if seen and new_axis_mask >> i & 1:
            new_after_ellipsis += 1
        if ellipsis_mask >> i & 1:
            seen = True
    dense, gather_from, full = [], [], 0
    for i in range(n):
        bit = 1 << i
        if ellipsis_mask & bit:    # every axis the items after it leave over
            stop = min(ndims - (n - i) + 1 + new_after_ellipsis, ndims)
            while full < stop:
                dense.append([0, 0, 1, True, True, False])
                gather_from.append(full)
                full += 1
        elif new_axis_mask & bit:
            gather_from.append(_NEW_AXIS)
        else:
            if full == ndims:
                raise ValueError("Index out of range using input dim %d; input has only %d dims"
                                 % (full, ndims))
            shrink = bool(shrink_mask & bit)
            dense.append([None if begin is None else int(begin[i]),
                          None if end is None else int(end[i]), int(strides[i]),
                          bool(begin_mask & bit), bool(end_mask & bit), shrink])
            if not shrink:
                gather_from.append(full)
            full += 1
    return dense, gather_from


def _slice_plan(dims, begin, end, strides, masks):
    """``(processing shape, final shape, dense spec)`` of a strided slice of a tensor of
    static shape ``dims`` (None where unknown), ``begin``/``end`` None when not known.
    The processing shape has one entry per axis of x (1 for a shrunk axis); the final
    shape drops the shrunk axes and adds the new ones. The dense spec's begin and end are
    made canonical (in range, masks applied) where known: TF1's ``ValidateStridedSliceOp``."""
    if begin is not None and end is not None and not len(begin) == len(end) == len(strides):
        raise ValueError("Expected begin, end, and strides to be 1D equal size tensors, but got "
                         "shapes [%d], [%d], and [%d] instead."
                         % (len(begin), len(end), len(strides)))
    dense, gather_from = _dense_spec(len(dims), begin, end, strides, masks)
    valid = begin is not None and end is not None
    processing = []
    for i, spec in enumerate(dense):
        b, e, s, begin_masked, end_masked, shrink = spec
        d = dims[i]
        if s == 0:
            raise ValueError("strides[%d] must be non-zero" % i)
        if d is None:
            processing.append(1 if shrink else None)
            continue
        if shrink and s <= 0:
            raise ValueError("only stride 1 allowed on non-range indexing.")
        lo, hi = (0, d) if s > 0 else (-1, d - 1)

        def canonical(x, masked, first, lo=lo, hi=hi, d=d, s=s):
            if masked:   # the whole axis, in the stride's direction
                return (lo if first else hi) if s > 0 else (hi if first else lo)
            x = x + d if x < 0 else x
            return min(max(x, lo), hi)

        if valid:
            if shrink:
                at = b + d if b < 0 else b
                if not 0 <= at < d:
                    raise ValueError("slice index %d of dimension %d out of bounds." % (at, i))
                b, e = at, at + 1
            else:
                b, e = canonical(b, begin_masked, True), canonical(e, end_masked, False)
            spec[0], spec[1] = b, e
            length = e - b
        elif shrink:
            length = 1
        elif begin_masked and end_masked:
            length = d if s > 0 else -d
        else:
            processing.append(None)
            continue
        if length == 0 or (length < 0) != (s < 0):
            processing.append(0)
        else:
            processing.append(length // s + (1 if length % s else 0))
    final = [1 if g == _NEW_AXIS else processing[g] for g in gather_from]
    return processing, final, dense


def _numpy_key(dense):
    """The numpy slices of a canonical dense spec (a shrunk axis keeps its size 1 here)."""
    key = []
    for b, e, s, _, _, shrink in dense:
        if shrink:
            key.append(slice(b, b + 1))
        elif s < 0 and b < 0:           # starts before the first element, going down
            key.append(slice(0, 0))
        else:                           # e == -1 going down: down to and with element 0
            key.append(slice(b, None if s < 0 and e < 0 else e, s))
    return tuple(key)


def _strided_plan(shape, begin, end, strides, masks):
    _, final, dense = _slice_plan(list(shape), np.ravel(begin), np.ravel(end),
                                  np.ravel(strides), masks)
    return _numpy_key(dense), final


def _check_slice_inputs(inputs, op_type):
    dtype = inputs[0].dtype
    for t, arg in zip(inputs, ("begin", "end", "strides")):
        if t.dtype not in (dtypes.int32, dtypes.int64) or t.dtype != dtype:
            raise TypeError("Input '%s' of '%s' Op has type %s that does not match type %s of "
                            "argument 'begin' (int32 or int64)." % (arg, op_type, t.dtype.name,
                                                                   dtype.name))
        _check_rank(t, 1, "the %s of %s" % (arg, op_type))


def _static_slice_shape(dims_shape, begin, end, strides, attrs):
    """The static shape of a strided slice of a tensor of static shape ``dims_shape``:
    unknown unless its rank and the strides are known (TF1's)."""
    sv = constant_value(strides)
    if dims_shape.ndims is None or sv is None:
        return TensorShape(None)
    bv, ev = constant_value(begin), constant_value(end)
    _, final, _ = _slice_plan(dims_shape.as_list(), None if bv is None else np.ravel(bv),
                              None if ev is None else np.ravel(ev), np.ravel(sv), attrs)
    return TensorShape(final)


@register
class StridedSlice(OpDef):
    """y = x[begin:end:strides], one entry per item of the key, with TF1's five masks (see
    above): ``x[1:, ::2]``, ``x[..., 1]``, ``x[:, tf.newaxis]``, ``x[-1]``."""
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        x, begin, end, strides = inputs
        _check_slice_inputs(inputs[1:], "StridedSlice")
        return _static_slice_shape(x.shape, begin, end, strides, attrs), x.dtype

    @staticmethod
    def forward(x, begin, end, strides, **masks):
        key, final = _strided_plan(np.shape(x), begin, end, strides, masks)
        return np.reshape(x[key], final)

    @staticmethod
    def gradient(op, grad, needed):
        # TF1's: StridedSliceGrad(shape of x, begin, end, strides, grad), each of the first
        # four a new Const in its scope when its value is known now
        x, begin, end, strides = op.inputs
        values = [shape(x, out_type=begin.dtype), begin, end, strides]
        values = [v if constant_value(v) is None else constant_value(v) for v in values]
        with grad.graph.name_scope("StridedSliceGrad") as scope:
            args = [op_input(v, name, begin.dtype) for v, name in
                    zip(values, ("shape", "begin", "end", "strides"))]
            return [make(StridedSliceGrad, args + [grad], _masks_of(op), scope),
                    None, None, None]


def _masks_of(op):
    return {k: op.attrs[k] for k in _MASKS}


@register
class StridedSliceGrad(OpDef):
    """y = zeros of the sliced tensor's ``shape``, with dy written where the slice was
    taken (the gradient of StridedSlice; same begin, end, strides and masks)."""

    @staticmethod
    def infer(inputs, attrs):
        _check_slice_inputs(inputs[1:4], "StridedSliceGrad")
        return constant_value_as_shape(inputs[0]), inputs[4].dtype

    @staticmethod
    def forward(shape, begin, end, strides, dy, **masks):
        out = np.zeros(tuple(int(d) for d in shape), dtype=dy.dtype)
        key, _ = _strided_plan(out.shape, begin, end, strides, masks)
        out[key] = np.reshape(dy, out[key].shape)
        return out

    @staticmethod
    def gradient(op, grad, needed):
        _, begin, end, strides, _ = op.inputs
        return [None, None, None, None,
                make(StridedSlice, [grad, begin, end, strides], _masks_of(op), "StridedSlice")]


@export("strided_slice")
def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """``tf.strided_slice``: the StridedSlice op itself, with ``begin``, ``end`` and
    ``strides`` (ones when None) one entry per item of the slice and the five masks (the
    bits described above); ``x[...]`` builds it for you."""
    if strides is None:
        strides = ones_like(begin)
    masks = dict(zip(_MASKS, (int(m) for m in (begin_mask, end_mask, ellipsis_mask,
                                               new_axis_mask, shrink_axis_mask))))
    with graph_of(input_, begin, end, strides).name_scope(name or "StridedSlice") as scope:
        x = as_tensor(input_, name="input")
        b = op_input(begin, "begin", dtypes.int32)
        e = op_input(end, "end", b.dtype)
        s = op_input(strides, "strides", b.dtype)
        return make(StridedSlice, [x, b, e, s], masks, scope)


_SLICE_TYPE_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                     "scalar tf.int32/tf.int64 tensors are valid indices")


def _check_index(idx):
    """TF1's check of one index of ``t[...]``: an int, or a scalar int tensor."""
    if isinstance(idx, numbers.Integral):
        return
    dtype = getattr(idx, "dtype", None)
    if isinstance(idx, np.ndarray) and idx.ndim == 0 and idx.dtype.kind in "iu":
        return
    if not is_tensor(idx) or dtype not in (dtypes.int16, dtypes.int32, dtypes.int64) \
            or idx.shape.ndims == 1:
        raise TypeError(_SLICE_TYPE_ERROR + ", got %r" % (idx,))


def strided_slice_from_key(tensor, slice_spec):
    """``tensor[slice_spec]`` as TF1 builds it (its ``_slice_helper``): in the scope
    ``strided_slice``, the begin, end and strides of the items stacked into ``stack``,
    ``stack_1`` and ``stack_2`` (Consts, or Packs when an item is a tensor), then the
    StridedSlice op, named ``strided_slice``, with the masks. A list is read as a tuple
    (``x[[1, 2]]`` is ``x[1, 2]``, as in TF1); a boolean mask is ``tf.boolean_mask``."""
    if (isinstance(slice_spec, bool) or (is_tensor(slice_spec) and slice_spec.dtype.is_bool)
            or (isinstance(slice_spec, np.ndarray) and slice_spec.dtype == np.bool_)):
        return boolean_mask(tensor, slice_spec)
    if not isinstance(slice_spec, (list, tuple)):
        slice_spec = [slice_spec]
    begin, end, strides = [], [], []
    masks = dict.fromkeys(_MASKS, 0)
    for index, s in enumerate(slice_spec):
        bit = 1 << index
        if isinstance(s, slice):
            dtype = None     # of the Consts an unspecified part takes, if a part is a tensor
            for part in (s.start, s.stop, s.step):
                if is_tensor(part):
                    t = part._as_graph_tensor().dtype
                    if t == dtypes.int64:
                        dtype = dtypes.int64
                    elif t == dtypes.int32 and dtype != dtypes.int64:
                        dtype = dtypes.int32
                    elif t == dtypes.int16 and dtype is None:
                        dtype = dtypes.int16
            for part, out, mask in ((s.start, begin, "begin_mask"), (s.stop, end, "end_mask")):
                if part is not None:
                    _check_index(part)
                    out.append(part)
                else:
                    out.append(0 if dtype is None else constant(0, dtype=dtype))
                    masks[mask] |= bit
            if s.step is not None:
                _check_index(s.step)
                strides.append(s.step)
            else:
                strides.append(1 if dtype is None else constant(1, dtype=dtype))
        elif s is Ellipsis or s is None:
            begin.append(0)
            end.append(0)
            strides.append(1)
            masks["ellipsis_mask" if s is Ellipsis else "new_axis_mask"] |= bit
        else:
            _check_index(s)
            begin.append(s)
            end.append(s + 1)        # (for a tensor, an `add` op, made here as in TF1)
            wide = is_tensor(s) and s.dtype in (dtypes.int16, dtypes.int64)
            strides.append(constant(1, dtype=s.dtype) if wide else 1)
            masks["shrink_axis_mask"] |= bit
    tensor = as_tensor(tensor)
    with tensor.graph.name_scope("strided_slice") as scope:
        if begin:
            packed = [stack(begin), stack(end), stack(strides)]
            if any(p.dtype == dtypes.int64 for p in packed):
                from minigraph.ops.math_ops import cast  # noqa: PLC0415 -- math_ops imports this module
                packed = [p if p.dtype == dtypes.int64 else cast(p, dtypes.int64)
                          for p in packed]
        else:
            packed = [constant([], dtype=dtypes.int32)] * 3
        return make(StridedSlice, [tensor] + packed, masks, scope)


# ------------------------------------------------------------------- boolean_mask

@export("boolean_mask")
def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """``tf.boolean_mask``: the elements (rows, for a 1-D mask of a matrix) of ``tensor``
    where ``mask`` is true, as TF1 builds it: ``tensor`` reshaped so that the mask's axes
    are one (their sizes' ``Prod``, stitched into its shape by a ``concat``), the mask
    flattened, the true positions' indices (``Where``, ``Squeeze``) gathered along ``axis``."""
    from minigraph.ops.reduce_ops import reduce_prod  # noqa: PLC0415 -- reduce_ops imports this module
    with graph_of(tensor, mask).name_scope(name):
        tensor = as_tensor(tensor, name="tensor")
        mask = as_tensor(mask, name="mask")
        shape_mask, shape_tensor = mask.shape, tensor.shape
        ndims_mask = shape_mask.ndims
        if ndims_mask == 0:
            raise ValueError("mask cannot be scalar.")
        if ndims_mask is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None "
                             "is not.")
        axis = 0 if axis is None else axis
        axis_value = axis if not is_tensor(axis) else constant_value(axis._as_graph_tensor())
        if axis_value is not None:
            axis = int(axis_value)
            if shape_tensor.ndims is not None:
                leading = TensorShape(shape_tensor.as_list()[axis:axis + ndims_mask])
                leading.assert_is_compatible_with(shape_mask)
        leading_size = reduce_prod(shape(tensor)[axis:axis + ndims_mask], [0])
        flat = reshape(tensor, concat([shape(tensor)[:axis], [leading_size],
                                       shape(tensor)[axis + ndims_mask:]], 0))
        if axis_value is not None and shape_tensor.ndims is not None:
            dims = shape_tensor.as_list()
            first = TensorShape(dims[axis:axis + ndims_mask]).num_elements()
            flat.set_shape(TensorShape(dims[:axis] + [first] + dims[axis + ndims_mask:]))
        indices = squeeze(where(reshape(mask, [-1])), axis=[1])
        return gather(flat, indices, axis=axis)
