"""Constants, and turning Python and numpy values into tensors.

Every op function takes tensors, Variables, numpy arrays and Python numbers alike: the values
that are not tensors become ``Const`` ops (:func:`convert_to_tensor`). A binary op converts a
Python number to the other operand's dtype (``x * 2`` with ``x`` float32 multiplies by a
float32 2), as TF1 does; two tensors of different dtypes are an error (TF never promotes).
"""

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.graph import Operation
from minigraph.op_def import OpDef, register
from minigraph.ops._util import graph_of, make
from minigraph.tensor_shape import TensorShape, as_shape

__all__ = ["Const", "constant", "convert_to_tensor", "as_tensor", "binary_operands",
           "make_binary", "default_dtype"]


@register
class Const(OpDef):
    """y = value, fixed when the graph is built."""
    kind = "constant"

    @staticmethod
    def infer(inputs, attrs):
        v = attrs["value"]
        return TensorShape(v.shape), dtypes.as_dtype(v.dtype)

    @staticmethod
    def forward(*, value):
        return value


def default_dtype(value):
    """TF's choice for Python values: float -> float32, int -> int32; numpy keeps its own."""
    if isinstance(value, (np.ndarray, np.generic)):
        return dtypes.as_dtype(value.dtype)
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        return dtypes.float32
    if arr.dtype.kind in "iu":
        return dtypes.int32
    return dtypes.as_dtype(arr.dtype)


def _as_bytes(arr):
    """A TF string is bytes: ``tf.constant("hi")`` holds (and fetches as) ``b"hi"``, text
    encoded as UTF-8, as in TF1. Anything but str or bytes is a TypeError, as there."""
    out = np.empty(arr.shape, dtype=object)
    for index, item in np.ndenumerate(arr):
        if isinstance(item, str):
            item = item.encode("utf-8")
        elif not isinstance(item, bytes):
            raise TypeError("Expected string, got %r of type '%s' instead."
                            % (item, type(item).__name__))
        out[index] = item
    return out


@export("constant")
def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A constant tensor (``tf.constant``). Python floats become float32, ints int32.

    With ``shape``, a scalar ``value`` is broadcast to it; otherwise the element count must
    match and the value is reshaped.
    """
    dtype = dtypes.as_dtype(dtype) if dtype is not None else default_dtype(value)
    if (dtype.is_integer or dtype.is_bool) and not isinstance(value, (np.ndarray, np.generic)) \
            and np.asarray(value).dtype.kind in "fc" and np.size(value):
        # TF refuses to turn a Python float into an integer tensor (x_int * 1.5 is an error)
        raise TypeError("Expected %s, got %r of type '%s' instead."
                        % (dtype.name, value, type(value).__name__))
    try:
        arr = np.array(value, dtype=dtype.as_numpy_dtype)
        if dtype == dtypes.string:
            arr = _as_bytes(arr)
    except (TypeError, ValueError) as e:
        raise TypeError("Cannot convert %r to a constant of dtype %s: %s"
                        % (value, dtype.name, e)) from None
    if shape is not None:
        shape = tuple(as_shape(shape).as_list())
        if arr.shape != shape:
            if verify_shape:
                raise TypeError("Expected Tensor's shape: %s, got %s." % (shape, arr.shape))
            if arr.size == 1:
                arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
            elif arr.size == int(np.prod(shape)):
                arr = arr.reshape(shape)
            else:
                raise ValueError("Too many elements provided. Needed at most %d, but received %d"
                                 % (int(np.prod(shape)), arr.size))
    arr.flags.writeable = False  # a constant is a constant: fetched copies are writable
    return make(Const, [], {"value": arr}, name)


@export("convert_to_tensor")
def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None):
    """``tf.convert_to_tensor``: a Tensor, Variable, numpy array or Python number as a graph
    Tensor.

    Non-tensors become a ``Const`` op. ``dtype`` must match a Tensor's dtype (no silent
    casts); for Python numbers and numpy arrays it is the dtype the constant is built with.
    """
    if hasattr(value, "_as_graph_tensor"):
        t = value._as_graph_tensor()
        if dtype is not None and t.dtype != dtypes.as_dtype(dtype):
            raise TypeError("Tensor conversion requested dtype %s for Tensor %r with dtype %s"
                            % (dtypes.as_dtype(dtype).name, t.name, t.dtype.name))
        return t
    if isinstance(value, Operation):
        raise TypeError("Can't convert Operation %r to Tensor (an op has no value; fetch or use "
                        "one of its outputs instead)." % value.name)
    return constant(value, dtype=dtype if dtype is not None else preferred_dtype,
                    name=name or "Const")


def as_tensor(value, dtype=None, name=None):
    """:func:`convert_to_tensor`, for the op functions."""
    return convert_to_tensor(value, dtype=dtype, name=name)


def binary_operands(x, y, promote=False):
    """Convert the operands of a binary op as TF1's op functions do: in order, each
    non-tensor taking the dtype of a tensor *before* it.

    ``tf.multiply(x, 2)`` with ``x`` float32 builds a float32 constant 2; but
    ``tf.subtract(-2, x)`` converts the ``-2`` on its own, to int32, and the op's ``infer``
    then raises TF1's TypeError (int32 against float32). With ``promote`` (the reflected
    operators, ``-2 - x``, and ``tf.divide``), a non-tensor ``x`` takes ``y``'s dtype, as
    TF1's ``__rsub__`` does. Two tensors of different dtypes are an error raised by the
    op's own ``infer``.
    """
    x_is = hasattr(x, "_as_graph_tensor")
    y_is = hasattr(y, "_as_graph_tensor")
    if x_is:
        x = x._as_graph_tensor()
        y = y._as_graph_tensor() if y_is else convert_to_tensor(y, dtype=x.dtype, name="y")
    elif y_is:
        y = y._as_graph_tensor()
        x = convert_to_tensor(x, dtype=y.dtype if promote else None, name="x")
    else:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
    return x, y


def make_binary(opdef, x, y, attrs=None, name=None):
    """Build the binary op ``opdef`` on ``x`` and ``y``, returning its output.

    As in TF, a Python or numpy operand becomes a constant inside the op's own name scope,
    so ``tf.maximum(h, 0)`` draws as ``Maximum`` fed by ``Maximum/y``.
    """
    __tracebackhide__ = True
    name = name or opdef.type
    if hasattr(x, "_as_graph_tensor") and hasattr(y, "_as_graph_tensor"):
        return make(opdef, [x._as_graph_tensor(), y._as_graph_tensor()], attrs, name)
    with graph_of(x, y).name_scope(name) as scope:
        x, y = binary_operands(x, y)
        return make(opdef, [x, y], attrs, scope)
