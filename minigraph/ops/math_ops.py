"""Elementwise math, matmul, casts and comparisons: forward in numpy, gradient in graph ops.

Binary ops broadcast like numpy; their gradients pass through ``sum_to_shape`` so each
gradient has the shape of its own input. Two tensors of different dtypes are an error
(TF never promotes); a Python number or numpy array takes the other operand's dtype.
"""

import numpy as np

from minigraph import dtypes
from minigraph.graph import get_default_graph
from minigraph.op_def import OpDef, register, broadcast_static, quiet, same_dtype
from minigraph.ops._util import as_tensor, binary_operands, graph_of, make, make_binary
from minigraph.ops.array_ops import sum_to_shape, where, zeros_like
from minigraph.tensor_shape import TensorShape

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "realdiv", "floordiv", "pow", "maximum",
    "minimum", "negative", "square", "sqrt", "exp", "log", "abs", "sign", "sigmoid", "tanh",
    "matmul", "add_n", "cast", "clip_by_value", "equal", "not_equal", "less", "less_equal",
    "greater", "greater_equal", "logical_and", "logical_or", "logical_not", "argmax", "argmin",
    "to_float", "reciprocal",
]


class _Binary(OpDef):
    """Base for elementwise binary ops: inputs broadcast, share a dtype."""

    out_dtype = None  # None: same as the inputs; else e.g. dtypes.bool for comparisons

    @classmethod
    def infer(cls, inputs, attrs):
        dtype = same_dtype(inputs)
        return broadcast_static(inputs[0].shape, inputs[1].shape), cls.out_dtype or dtype


class _Unary(OpDef):
    """Base for elementwise unary ops on floats."""

    floats_only = True

    @classmethod
    def infer(cls, inputs, attrs):
        x = inputs[0]
        if cls.floats_only and not x.dtype.is_floating:
            raise TypeError("%s needs a floating point input, got %s" % (cls.type, x.dtype.name))
        return x.shape, x.dtype


def _binary_fn(opdef, default_name):
    def fn(x, y, name=None):
        __tracebackhide__ = True  # a traceback shows the user's line, not ours
        return make_binary(opdef, x, y, None, name or default_name)
    fn.__name__ = default_name.lower()
    fn.__doc__ = "``tf.%s``: %s (broadcasting as numpy)." % (default_name.lower(),
                                                              opdef.__doc__.strip())
    return fn


def _unary_fn(opdef, default_name):
    def fn(x, name=None):
        __tracebackhide__ = True  # a traceback shows the user's line, not ours
        return make(opdef, [as_tensor(x)], None, name or default_name)
    fn.__name__ = default_name.lower()
    fn.__doc__ = "``tf.%s``: %s" % (default_name.lower(), opdef.__doc__.strip())
    return fn


# ------------------------------------------------------------------- arithmetic

@register
class Add(_Binary):
    """z = x + y"""
    type = "Add"

    forward = staticmethod(np.add)

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        return [sum_to_shape(grad, x) if needed[0] else None,
                sum_to_shape(grad, y) if needed[1] else None]


@register
class Sub(_Binary):
    """z = x - y"""
    type = "Sub"

    forward = staticmethod(np.subtract)

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        return [sum_to_shape(grad, x) if needed[0] else None,
                sum_to_shape(negative(grad), y) if needed[1] else None]


@register
class Mul(_Binary):
    """z = x * y"""
    type = "Mul"

    forward = staticmethod(np.multiply)

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        return [sum_to_shape(grad * y, x) if needed[0] else None,
                sum_to_shape(x * grad, y) if needed[1] else None]


@register
class RealDiv(_Binary):
    """z = x / y"""
    type = "RealDiv"

    forward = staticmethod(quiet(np.true_divide))

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        return [sum_to_shape(grad / y, x) if needed[0] else None,
                sum_to_shape(grad * (negative(x) / y / y), y) if needed[1] else None]


@register
class FloorDiv(_Binary):
    """z = floor(x / y)"""
    type = "FloorDiv"
    differentiable = False

    forward = staticmethod(quiet(np.floor_divide))


@quiet
def _square(x, y):
    """``x ** y`` for ``y == 2``: the same bits as ``np.power(x, 2)``."""
    return np.square(x)


@register
class Pow(_Binary):
    """z = x ** y"""
    type = "Pow"

    forward = staticmethod(quiet(np.power))

    @classmethod
    def make_kernel(cls, op, state):
        # x ** 2 (the lecture's `diff ** 2`) and x ** 1 (in its gradient) have exact, much
        # cheaper numpy forms: x * x and a copy of x give the same bits as pow()
        exponent = op.inputs[1]
        if exponent.op.type == "Const" and exponent.shape.ndims == 0:
            value = float(exponent.op.attrs["value"])
            if value == 2.0:
                return _square
            if value == 1.0:
                return lambda x, y: np.array(x)  # a copy: y is a scalar, so same shape
        return cls.forward

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        z = op.outputs[0]
        gx = gy = None
        if needed[0]:  # dz/dx = y * x ** (y - 1)
            gx = sum_to_shape(grad * y * pow(x, y - 1), x)
        if needed[1]:  # dz/dy = z * log(x), taken as 0 where x <= 0
            log_x = where(x > 0, log(x), zeros_like(x))
            gy = sum_to_shape(grad * z * log_x, y)
        return [gx, gy]


@register
class Maximum(_Binary):
    """z = max(x, y); on ties the gradient goes to x"""
    type = "Maximum"

    forward = staticmethod(np.maximum)

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        x_wins = greater_equal(x, y)
        zero = zeros_like(grad)
        return [sum_to_shape(where(x_wins, grad, zero), x) if needed[0] else None,
                sum_to_shape(where(x_wins, zero, grad), y) if needed[1] else None]


@register
class Minimum(_Binary):
    """z = min(x, y); on ties the gradient goes to x"""
    type = "Minimum"

    forward = staticmethod(np.minimum)

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        x_wins = less_equal(x, y)
        zero = zeros_like(grad)
        return [sum_to_shape(where(x_wins, grad, zero), x) if needed[0] else None,
                sum_to_shape(where(x_wins, zero, grad), y) if needed[1] else None]


add = _binary_fn(Add, "Add")
subtract = _binary_fn(Sub, "Sub")
multiply = _binary_fn(Mul, "Mul")
realdiv = _binary_fn(RealDiv, "RealDiv")
floordiv = _binary_fn(FloorDiv, "FloorDiv")
maximum = _binary_fn(Maximum, "Maximum")
minimum = _binary_fn(Minimum, "Minimum")


def pow(x, y, name=None):  # noqa: A001 -- TF's name
    """``tf.pow``: z = x ** y, elementwise."""
    return make_binary(Pow, x, y, None, name or "Pow")


def divide(x, y, name=None):
    """``tf.divide`` / ``x / y``: true division; integers are cast to float first, as TF does
    (int8/int16 to float32, int32/int64 to float64)."""
    with graph_of(x, y).name_scope(name or "truediv") as scope:
        x, y = binary_operands(x, y)
        if x.dtype.is_integer:
            target = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
            x, y = cast(x, target), cast(y, target)
        return make(RealDiv, [x, y], None, scope)


truediv = divide


# ---------------------------------------------------------------------- unary

@register
class Neg(_Unary):
    """y = -x"""
    type = "Neg"
    floats_only = False
    forward = staticmethod(np.negative)

    @staticmethod
    def gradient(op, grad, needed):
        return [negative(grad)]


@register
class Square(_Unary):
    """y = x * x"""
    type = "Square"
    floats_only = False
    forward = staticmethod(np.square)

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        return [grad * (2.0 * x)]


@register
class Sqrt(_Unary):
    """y = sqrt(x)"""
    type = "Sqrt"
    forward = staticmethod(quiet(np.sqrt))

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        return [grad * 0.5 / y]


@register
class Exp(_Unary):
    """y = exp(x)"""
    type = "Exp"
    forward = staticmethod(quiet(np.exp))

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        return [grad * y]


@register
class Log(_Unary):
    """y = log(x), the natural logarithm"""
    type = "Log"
    forward = staticmethod(quiet(np.log))

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        return [grad / x]


@register
class Reciprocal(_Unary):
    """y = 1 / x"""
    type = "Reciprocal"
    forward = staticmethod(quiet(np.reciprocal))

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        return [negative(grad) * y * y]


@register
class Abs(_Unary):
    """y = |x|"""
    type = "Abs"
    floats_only = False
    forward = staticmethod(np.abs)

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        return [grad * sign(x)]


@register
class Sign(_Unary):
    """y = -1, 0 or 1 as x is negative, zero or positive"""
    type = "Sign"
    floats_only = False
    forward = staticmethod(np.sign)

    @staticmethod
    def gradient(op, grad, needed):
        return [zeros_like(grad)]


@register
class Sigmoid(_Unary):
    """y = 1 / (1 + exp(-x))"""
    type = "Sigmoid"

    @staticmethod
    def forward(x):
        # 0.5 * (1 + tanh(x / 2)) is the same function without overflow for large -x
        return (np.tanh(x * x.dtype.type(0.5)) + 1) * x.dtype.type(0.5)

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        return [make(SigmoidGrad, [y, grad], None, "SigmoidGrad")]


@register
class SigmoidGrad(OpDef):
    """z = dy * y * (1 - y), the gradient of y = sigmoid(x)"""
    type = "SigmoidGrad"

    @staticmethod
    def infer(inputs, attrs):
        return inputs[0].shape, same_dtype(inputs, ("y", "dy"))

    @staticmethod
    def forward(y, dy):
        return dy * y * (1 - y)

    @staticmethod
    def gradient(op, grad, needed):
        y, dy = op.inputs
        g_dy = grad * dy
        return [g_dy - 2.0 * g_dy * y, make(SigmoidGrad, [y, grad], None, "SigmoidGrad")]


@register
class Tanh(_Unary):
    """y = tanh(x)"""
    type = "Tanh"
    forward = staticmethod(np.tanh)

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        return [make(TanhGrad, [y, grad], None, "TanhGrad")]


@register
class TanhGrad(OpDef):
    """z = dy * (1 - y * y), the gradient of y = tanh(x)"""
    type = "TanhGrad"

    @staticmethod
    def infer(inputs, attrs):
        return inputs[0].shape, same_dtype(inputs, ("y", "dy"))

    @staticmethod
    def forward(y, dy):
        return dy * (1 - y * y)

    @staticmethod
    def gradient(op, grad, needed):
        y, dy = op.inputs
        return [grad * dy * -2.0 * y, make(TanhGrad, [y, grad], None, "TanhGrad")]


negative = _unary_fn(Neg, "Neg")
square = _unary_fn(Square, "Square")
sqrt = _unary_fn(Sqrt, "Sqrt")
exp = _unary_fn(Exp, "Exp")
log = _unary_fn(Log, "Log")
reciprocal = _unary_fn(Reciprocal, "Reciprocal")
abs = _unary_fn(Abs, "Abs")  # noqa: A001
sign = _unary_fn(Sign, "Sign")
sigmoid = _unary_fn(Sigmoid, "Sigmoid")
tanh = _unary_fn(Tanh, "Tanh")


# --------------------------------------------------------------------- matmul

def _swap(a):
    return np.swapaxes(a, -1, -2)


@register
class MatMul(OpDef):
    """C = op(A) @ op(B), op transposing the last two axes when asked"""
    type = "MatMul"

    @staticmethod
    def infer(inputs, attrs):
        a, b = inputs
        dtype = same_dtype(inputs, ("a", "b"))
        sa, sb = a.shape, b.shape
        if sa.ndims is None or sb.ndims is None:
            return TensorShape(None), dtype
        if sa.ndims < 2 or sb.ndims < 2:
            raise ValueError("Shape must be rank 2 but is rank %d" % min(sa.ndims, sb.ndims))
        m, k1 = (sa[-1], sa[-2]) if attrs["transpose_a"] else (sa[-2], sa[-1])
        k2, n = (sb[-1], sb[-2]) if attrs["transpose_b"] else (sb[-2], sb[-1])
        if k1 is not None and k2 is not None and k1 != k2:
            raise ValueError("Dimensions must be equal, but are %d and %d" % (k1, k2))
        batch = broadcast_static(TensorShape(sa.as_list()[:-2]), TensorShape(sb.as_list()[:-2]))
        return TensorShape(batch.as_list() + [m, n]), dtype

    @classmethod
    def make_kernel(cls, op, state):
        ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
        if not ta and not tb:
            return np.matmul
        if ta and tb:
            return lambda a, b: np.matmul(_swap(a), _swap(b))
        if ta:
            return lambda a, b: np.matmul(_swap(a), b)
        return lambda a, b: np.matmul(a, _swap(b))

    @staticmethod
    def forward(a, b, transpose_a=False, transpose_b=False):
        return np.matmul(_swap(a) if transpose_a else a, _swap(b) if transpose_b else b)

    @staticmethod
    def gradient(op, grad, needed):
        a, b = op.inputs
        ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
        if not ta and not tb:    # C = A B:     dA = G B^T,   dB = A^T G
            ga = matmul(grad, b, transpose_b=True) if needed[0] else None
            gb = matmul(a, grad, transpose_a=True) if needed[1] else None
        elif not ta and tb:      # C = A B^T:   dA = G B,     dB = G^T A
            ga = matmul(grad, b) if needed[0] else None
            gb = matmul(grad, a, transpose_a=True) if needed[1] else None
        elif ta and not tb:      # C = A^T B:   dA = B G^T,   dB = A G
            ga = matmul(b, grad, transpose_b=True) if needed[0] else None
            gb = matmul(a, grad) if needed[1] else None
        else:                    # C = A^T B^T: dA = B^T G^T, dB = G^T A^T
            ga = matmul(b, grad, transpose_a=True, transpose_b=True) if needed[0] else None
            gb = matmul(grad, a, transpose_a=True, transpose_b=True) if needed[1] else None
        if a.shape.ndims == 2 and b.shape.ndims == 2:
            return [ga, gb]
        # batch axes broadcast as in numpy: sum each gradient back to its input's shape
        return [None if ga is None else sum_to_shape(ga, a),
                None if gb is None else sum_to_shape(gb, b)]


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    """``tf.matmul`` / ``a @ b``: matrix product (batched over leading axes)."""
    __tracebackhide__ = True  # a traceback shows the user's line, not ours
    return make_binary(MatMul, a, b, {"transpose_a": bool(transpose_a),
                                      "transpose_b": bool(transpose_b)}, name or "MatMul")


# ---------------------------------------------------------------------- add_n

@register
class AddN(OpDef):
    """y = x_1 + x_2 + ... + x_n (same shapes)"""
    type = "AddN"

    @staticmethod
    def infer(inputs, attrs):
        dtype = same_dtype(inputs, ["inputs[%d]" % i for i in range(len(inputs))])
        shape = inputs[0].shape
        for t in inputs[1:]:
            if not shape.is_compatible_with(t.shape):
                raise ValueError("AddN inputs must have the same shape, got %s and %s"
                                 % (shape, t.shape))
            shape = shape.merge_with(t.shape)
        return shape, dtype

    @staticmethod
    def forward(*xs):
        total = xs[0] + xs[1]
        for x in xs[2:]:
            total += x  # total is a fresh array: adding in place is safe
        return total

    @staticmethod
    def gradient(op, grad, needed):
        return [grad] * len(op.inputs)


def add_n(inputs, name=None):
    """``tf.add_n``: the sum of a list of same-shaped tensors."""
    inputs = [as_tensor(t) for t in inputs]
    if not inputs:
        raise ValueError("inputs must be a non-empty list")
    if len(inputs) == 1:
        from minigraph.ops.array_ops import identity
        return identity(inputs[0], name=name)
    return make(AddN, inputs, None, name or "AddN")


# ------------------------------------------------------------------------ cast

@register
class Cast(OpDef):
    """y = x converted to ``DstT``"""
    type = "Cast"

    @staticmethod
    def infer(inputs, attrs):
        return inputs[0].shape, attrs["DstT"]

    @staticmethod
    def forward(x, DstT):  # noqa: N803 -- TF's attribute name
        return np.asarray(x).astype(DstT.as_numpy_dtype)

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        if x.dtype.is_floating and grad.dtype.is_floating:
            return [cast(grad, x.dtype)]
        return [None]


def cast(x, dtype, name=None):
    """``tf.cast``: convert to ``dtype`` (floats to ints truncate toward zero)."""
    x = as_tensor(x)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype == dtype:
        return x
    return make(Cast, [x], {"DstT": dtype}, name or "Cast")


def to_float(x, name="ToFloat"):
    return cast(x, dtypes.float32, name=name)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """``tf.clip_by_value``: min(max(t, lo), hi), built as TF1 builds it from two ops."""
    t = as_tensor(t)
    with get_default_graph().name_scope(name or "clip_by_value"):
        t_min = minimum(t, clip_value_max)
        return maximum(t_min, clip_value_min)


# ------------------------------------------------------------- comparisons

class _Compare(_Binary):
    out_dtype = dtypes.bool
    differentiable = False


def _compare(np_fn, type_name, doc):
    cls = type(type_name, (_Compare,), {"type": type_name, "__doc__": doc,
                                        "forward": staticmethod(np_fn)})
    register(cls)
    return cls


Equal = _compare(np.equal, "Equal", "z = (x == y)")
NotEqual = _compare(np.not_equal, "NotEqual", "z = (x != y)")
Less = _compare(np.less, "Less", "z = (x < y)")
LessEqual = _compare(np.less_equal, "LessEqual", "z = (x <= y)")
Greater = _compare(np.greater, "Greater", "z = (x > y)")
GreaterEqual = _compare(np.greater_equal, "GreaterEqual", "z = (x >= y)")
LogicalAnd = _compare(np.logical_and, "LogicalAnd", "z = x and y")
LogicalOr = _compare(np.logical_or, "LogicalOr", "z = x or y")

equal = _binary_fn(Equal, "Equal")
not_equal = _binary_fn(NotEqual, "NotEqual")
less = _binary_fn(Less, "Less")
less_equal = _binary_fn(LessEqual, "LessEqual")
greater = _binary_fn(Greater, "Greater")
greater_equal = _binary_fn(GreaterEqual, "GreaterEqual")
logical_and = _binary_fn(LogicalAnd, "LogicalAnd")
logical_or = _binary_fn(LogicalOr, "LogicalOr")


@register
class LogicalNot(_Unary):
    """y = not x"""
    type = "LogicalNot"
    floats_only = False
    differentiable = False
    forward = staticmethod(np.logical_not)


logical_not = _unary_fn(LogicalNot, "LogicalNot")


class _ArgReduce(OpDef):
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        s = inputs[0].shape
        if s.ndims is None:
            return TensorShape(None), attrs["output_type"]
        axis = attrs["axis"]
        if not -s.ndims <= axis < s.ndims:
            raise ValueError("Expected dimension in the range [%d, %d), but got %d"
                             % (-s.ndims, s.ndims, axis))
        dims = s.as_list()
        del dims[axis]
        return TensorShape(dims), attrs["output_type"]


@register
class ArgMax(_ArgReduce):
    """y = the index of the largest value along ``axis``"""
    type = "ArgMax"

    @staticmethod
    def forward(x, axis, output_type):
        return np.argmax(x, axis=axis).astype(output_type.as_numpy_dtype)


@register
class ArgMin(_ArgReduce):
    """y = the index of the smallest value along ``axis``"""
    type = "ArgMin"

    @staticmethod
    def forward(x, axis, output_type):
        return np.argmin(x, axis=axis).astype(output_type.as_numpy_dtype)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """``tf.argmax``: index of the largest entry along ``axis`` (default 0), as int64."""
    axis = dimension if axis is None else axis
    return make(ArgMax, [as_tensor(input)], {"axis": 0 if axis is None else int(axis),
                                             "output_type": dtypes.as_dtype(output_type)},
                name or "ArgMax")


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """``tf.argmin``: index of the smallest entry along ``axis`` (default 0), as int64."""
    axis = dimension if axis is None else axis
    return make(ArgMin, [as_tensor(input)], {"axis": 0 if axis is None else int(axis),
                                             "output_type": dtypes.as_dtype(output_type)},
                name or "ArgMin")



# ------------------------------------------------------------------------ floor

@register
class Floor(_Unary):
    """y = the largest whole number <= x (the 0-or-1 mask of TF1's dropout)"""
    type = "Floor"
    forward = staticmethod(np.floor)

    @staticmethod
    def gradient(op, grad, needed):
        # a step function: its derivative is 0 almost everywhere, and TF1's _FloorGrad
        # returns None, so no gradient flows back through floor.
        return [None]


floor = _unary_fn(Floor, "Floor")
__all__ += ["floor"]


# ------------------------------------------------------------------------ log1p

@register
class Log1p(_Unary):
    """y = log(1 + x), accurate even when x is tiny (where 1 + x would round to 1)"""
    type = "Log1p"
    forward = staticmethod(quiet(np.log1p))

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        return [grad / (1 + x)]  # d/dx log(1 + x) = 1 / (1 + x)


log1p = _unary_fn(Log1p, "Log1p")
__all__ += ["log1p"]
