"""Elementwise math, matmul, casts and comparisons: forward in numpy, gradient in graph ops.

Binary ops broadcast like numpy; their gradients pass through ``sum_to_shape`` so each
gradient has the shape of its own input. Two tensors of different dtypes are an error
(TF never promotes); a Python number or numpy array takes the other operand's dtype.

The elementwise ops derive from :class:`UnaryOp` and :class:`BinaryOp`, which also make their
public functions: ``@register("exp", "math.exp")`` on ``class Exp(UnaryOp)`` is ``tf.exp``
and ``tf.math.exp``. (``exp = Exp.function`` binds it here too, for the gradients below.)
"""

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.graph import get_default_graph
from minigraph.op_def import FORWARD, OpDef, broadcast_static, quiet, register, same_dtype
from minigraph.ops._util import graph_of, is_tensor, make
from minigraph.ops.array_ops import (check_index_input, constant_value, identity, sum_to_shape,
                                     where, zeros_like)
from minigraph.ops.constant_op import as_tensor, binary_operands, make_binary
from minigraph.tensor_shape import TensorShape


class BinaryOp(OpDef):
    """Base of the elementwise binary ops: the inputs broadcast and share a dtype; the
    function is ``tf.<name>(x, y, name=None)``."""

    out_dtype = None  # None: same as the inputs; else e.g. dtypes.bool for comparisons

    @classmethod
    def infer(cls, inputs, attrs):
        dtype = same_dtype(inputs)
        return broadcast_static(inputs[0].shape, inputs[1].shape), cls.out_dtype or dtype

    @classmethod
    def make_function(cls, name):
        def fn(x, y, name=None):
            __tracebackhide__ = True
            return make_binary(cls, x, y, None, name or cls.type)
        return _named(fn, name, "%s (broadcasting as numpy)." % cls.__doc__.strip())


class UnaryOp(OpDef):
    """Base of the elementwise unary ops (on floats, unless ``floats_only`` is False); the
    function is ``tf.<name>(x, name=None)``, or ``(features, name=None)`` for ``tf.nn``'s
    activations (``arg = "features"``)."""

    floats_only = True
    arg = "x"

    @classmethod
    def infer(cls, inputs, attrs):
        x = inputs[0]
        if cls.floats_only and not x.dtype.is_floating:
            raise TypeError("%s needs a floating point input, got %s" % (cls.type, x.dtype.name))
        return x.shape, x.dtype

    @classmethod
    def make_function(cls, name):
        def build(x, name):
            __tracebackhide__ = True
            return make(cls, [as_tensor(x)], None, name or cls.type)
        # TF1's own argument names, so that keyword calls (``features=h``) work too
        if cls.arg == "features":
            def fn(features, name=None):
                __tracebackhide__ = True
                return build(features, name)
        else:
            def fn(x, name=None):
                __tracebackhide__ = True
                return build(x, name)
        return _named(fn, name, cls.__doc__.strip())


def _named(fn, public, doc):
    fn.__name__ = fn.__qualname__ = public.rpartition(".")[2]
    fn.__doc__ = "``tf.%s``: %s" % (public, doc)
    return fn


# ------------------------------------------------------------------- arithmetic

@register("add", "math.add")
class Add(BinaryOp):
    """z = x + y"""

    forward = staticmethod(np.add)

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        return [sum_to_shape(grad, x) if needed[0] else None,
                sum_to_shape(grad, y) if needed[1] else None]


@register("subtract", "math.subtract")
class Sub(BinaryOp):
    """z = x - y"""

    forward = staticmethod(np.subtract)

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        return [sum_to_shape(grad, x) if needed[0] else None,
                sum_to_shape(negative(grad), y) if needed[1] else None]


@register("multiply", "math.multiply")
class Mul(BinaryOp):
    """z = x * y"""

    forward = staticmethod(np.multiply)

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        return [sum_to_shape(grad * y, x) if needed[0] else None,
                sum_to_shape(x * grad, y) if needed[1] else None]


@register("realdiv")
class RealDiv(BinaryOp):
    """z = x / y"""

    forward = staticmethod(quiet(np.true_divide))

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        return [sum_to_shape(grad / y, x) if needed[0] else None,
                sum_to_shape(grad * (negative(x) / y / y), y) if needed[1] else None]


@register("floordiv", "math.floordiv")
class FloorDiv(BinaryOp):
    """z = floor(x / y)"""
    differentiable = False

    forward = staticmethod(quiet(np.floor_divide))


@register("floormod", "mod", "math.floormod", "math.mod")
class FloorMod(BinaryOp):
    """z = x - floor(x / y) * y, the remainder with the sign of y (Python's ``%``)"""
    forward = staticmethod(quiet(np.mod))

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        # z = x - floor(x / y) * y: dz/dx = 1, dz/dy = -floor(x / y) (TF1's _FloorModGrad)
        return [sum_to_shape(grad, x) if needed[0] else None,
                sum_to_shape(grad * negative(floordiv(x, y)), y) if needed[1] else None]


@quiet
def _square(x, y):
    """``x ** y`` for ``y == 2``: the same bits as ``np.power(x, 2)``."""
    return np.square(x)


@register("pow", "math.pow")
class Pow(BinaryOp):
    """z = x ** y"""

    forward = staticmethod(quiet(np.power))

    @classmethod
    def specialize(cls, op, known):
        # x ** 2 (the lecture's `diff ** 2`) is x * x, five times faster than pow(); x ** 1
        # (in its gradient, once `2 - 1` is folded) is x itself: both the same bits as pow()
        y = known[1]
        if y is None or np.ndim(y) != 0:
            return None
        if y == 2:
            return _square
        if y == 1:
            return FORWARD
        return None

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


@register("maximum", "math.maximum")
class Maximum(BinaryOp):
    """z = max(x, y); on ties the gradient goes to x"""

    forward = staticmethod(np.maximum)

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        x_wins = greater_equal(x, y)
        zero = zeros_like(grad)
        return [sum_to_shape(where(x_wins, grad, zero), x) if needed[0] else None,
                sum_to_shape(where(x_wins, zero, grad), y) if needed[1] else None]


@register("minimum", "math.minimum")
class Minimum(BinaryOp):
    """z = min(x, y); on ties the gradient goes to x"""

    forward = staticmethod(np.minimum)

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        x_wins = less_equal(x, y)
        zero = zeros_like(grad)
        return [sum_to_shape(where(x_wins, grad, zero), x) if needed[0] else None,
                sum_to_shape(where(x_wins, zero, grad), y) if needed[1] else None]


add = Add.function
subtract = Sub.function
multiply = Mul.function
floordiv = FloorDiv.function
floormod = FloorMod.function
pow = Pow.function  # noqa: A001 -- TF's name
maximum = Maximum.function
minimum = Minimum.function


@export("divide", "math.divide")
def divide(x, y, name=None):
    """``tf.divide`` / ``x / y``: true division; integers are cast to float first, as TF does
    (int8/int16 to float32, int32/int64 to float64). A plain ``x`` takes ``y``'s dtype:
    TF1's ``divide`` is the operator ``x / y``."""
    return _true_divide(x, y, name, promote=True)


@export("truediv", "math.truediv")
def truediv(x, y, name=None):
    """``tf.truediv``: ``tf.divide``, but a plain ``x`` is converted on its own, as TF1's op
    functions do (``tf.truediv(1, p)`` with a float ``p`` is a TypeError)."""
    return _true_divide(x, y, name, promote=False)


def _true_divide(x, y, name, promote):
    __tracebackhide__ = True
    with graph_of(x, y).name_scope(name or "truediv") as scope:
        x, y = binary_operands(x, y, promote=promote)
        if x.dtype != y.dtype:
            raise TypeError("`x` and `y` must have the same dtype, got %r != %r."
                            % (x.dtype, y.dtype))
        if x.dtype.is_integer:
            target = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
            x, y = cast(x, target), cast(y, target)
        return make(RealDiv, [x, y], None, scope)
realdiv = RealDiv.function


# ---------------------------------------------------------------------- unary

@register("negative", "math.negative")
class Neg(UnaryOp):
    """y = -x"""
    floats_only = False
    forward = staticmethod(np.negative)

    @staticmethod
    def gradient(op, grad, needed):
        return [negative(grad)]


@register("square", "math.square")
class Square(UnaryOp):
    """y = x * x"""
    floats_only = False
    forward = staticmethod(np.square)

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        return [grad * (2.0 * x)]


@register("sqrt", "math.sqrt")
class Sqrt(UnaryOp):
    """y = sqrt(x)"""
    forward = staticmethod(quiet(np.sqrt))

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        return [grad * 0.5 / y]


@register("rsqrt", "math.rsqrt")
class Rsqrt(UnaryOp):
    """y = 1 / sqrt(x), one op (``tf.nn.batch_normalization``'s scale)"""

    @staticmethod
    @quiet
    def forward(x):
        return 1 / np.sqrt(x)

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        return [grad * (-0.5 * y) * (y * y)]  # d/dx x^(-1/2) = -x^(-3/2) / 2 (TF1: RsqrtGrad)


@register("exp", "math.exp")
class Exp(UnaryOp):
    """y = exp(x)"""
    forward = staticmethod(quiet(np.exp))

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        return [grad * y]


@register("log", "math.log")
class Log(UnaryOp):
    """y = log(x), the natural logarithm"""
    forward = staticmethod(quiet(np.log))

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        return [grad / x]


@register("reciprocal", "math.reciprocal")
class Reciprocal(UnaryOp):
    """y = 1 / x"""
    forward = staticmethod(quiet(np.reciprocal))

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        return [negative(grad) * y * y]


@register("abs", "math.abs")
class Abs(UnaryOp):
    """y = |x|"""
    floats_only = False
    forward = staticmethod(np.abs)

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        return [grad * sign(x)]


@register("sign", "math.sign")
class Sign(UnaryOp):
    """y = -1, 0 or 1 as x is negative, zero or positive"""
    floats_only = False
    forward = staticmethod(np.sign)

    @staticmethod
    def gradient(op, grad, needed):
        return [zeros_like(grad)]


@register("sigmoid", "math.sigmoid", "nn.sigmoid")
class Sigmoid(UnaryOp):
    """y = 1 / (1 + exp(-x))"""

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


@register("tanh", "math.tanh", "nn.tanh")
class Tanh(UnaryOp):
    """y = tanh(x)"""
    forward = staticmethod(np.tanh)

    @staticmethod
    def gradient(op, grad, needed):
        y = op.outputs[0]
        return [make(TanhGrad, [y, grad], None, "TanhGrad")]


@register
class TanhGrad(OpDef):
    """z = dy * (1 - y * y), the gradient of y = tanh(x)"""

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


negative = Neg.function
sqrt = Sqrt.function
rsqrt = Rsqrt.function
exp = Exp.function
log = Log.function
abs = Abs.function  # noqa: A001 -- TF's name
sign = Sign.function
sigmoid = Sigmoid.function
tanh = Tanh.function
square = Square.function
reciprocal = Reciprocal.function


# --------------------------------------------------------------------- matmul

def _swap(a):
    return np.swapaxes(a, -1, -2)


@register
class MatMul(OpDef):
    """C = op(A) @ op(B), op transposing the last two axes when asked"""

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


@export("matmul", "linalg.matmul")
def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    """``tf.matmul`` / ``a @ b``: matrix product (batched over leading axes)."""
    __tracebackhide__ = True
    return make_binary(MatMul, a, b, {"transpose_a": bool(transpose_a),
                                      "transpose_b": bool(transpose_b)}, name or "MatMul")


# ---------------------------------------------------------------------- add_n

@register
class AddN(OpDef):
    """y = x_1 + x_2 + ... + x_n (same shapes)"""

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


@export("add_n", "math.add_n")
def add_n(inputs, name=None):
    """``tf.add_n``: the sum of a list of same-shaped tensors."""
    inputs = [as_tensor(t) for t in inputs]
    if not inputs:
        raise ValueError("inputs must be a non-empty list")
    if len(inputs) == 1:
        return identity(inputs[0], name=name)
    return make(AddN, inputs, None, name or "AddN")


# ------------------------------------------------------------------------ cast

@register
class Cast(OpDef):
    """y = x converted to ``DstT``"""

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


@export("cast")
def cast(x, dtype, name=None):
    """``tf.cast``: convert to ``dtype`` (floats to ints truncate toward zero).

    As in TF1: a tensor already of ``dtype`` is returned as it is; a Python or numpy value
    first becomes a Const named ``Cast/x`` (of its own dtype), and a ``Cast`` op named
    ``Cast`` follows only if that dtype differs."""
    __tracebackhide__ = True
    dtype = dtypes.as_dtype(dtype)
    if is_tensor(x) and as_tensor(x).dtype == dtype:
        return as_tensor(x)
    with get_default_graph().name_scope(name or "Cast") as scope:
        x = as_tensor(x, name="x")   # a plain value becomes the Const Cast/x
        if x.dtype == dtype:
            return x
        return make(Cast, [x], {"DstT": dtype}, scope)


@export("to_float")
def to_float(x, name="ToFloat"):
    """``tf.to_float``: ``tf.cast(x, tf.float32)``, its op named ``ToFloat`` (TF1 deprecated
    the ``to_*`` casts for ``tf.cast``). ``x`` itself when it is float32 already."""
    return cast(x, dtypes.float32, name=name)


@export("to_double")
def to_double(x, name="ToDouble"):
    """``tf.to_double``: ``tf.cast(x, tf.float64)``, named ``ToDouble`` (deprecated)."""
    return cast(x, dtypes.float64, name=name)


@export("to_int32")
def to_int32(x, name="ToInt32"):
    """``tf.to_int32``: ``tf.cast(x, tf.int32)``, named ``ToInt32`` (deprecated); floats are
    truncated toward zero."""
    return cast(x, dtypes.int32, name=name)


@export("to_int64")
def to_int64(x, name="ToInt64"):
    """``tf.to_int64``: ``tf.cast(x, tf.int64)``, named ``ToInt64`` (deprecated); floats are
    truncated toward zero."""
    return cast(x, dtypes.int64, name=name)


@export("clip_by_value")
def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """``tf.clip_by_value``: min(max(t, lo), hi), built as TF1 builds it from two ops: the
    ``Maximum`` is named ``clip_by_value``, its ``Minimum`` ``clip_by_value/Minimum``."""
    t = as_tensor(t)
    with get_default_graph().name_scope(name or "clip_by_value") as scope:
        t_min = minimum(t, clip_value_max)
        return maximum(t_min, clip_value_min, name=scope)


# ------------------------------------------------------------- comparisons

class _Compare(BinaryOp):
    """Base of the comparisons and logical ops: a bool result, no gradient."""
    out_dtype = dtypes.bool
    differentiable = False


@register("equal", "math.equal")
class Equal(_Compare):
    """z = (x == y)"""
    forward = staticmethod(np.equal)


@register("not_equal", "math.not_equal")
class NotEqual(_Compare):
    """z = (x != y)"""
    forward = staticmethod(np.not_equal)


@register("less", "math.less")
class Less(_Compare):
    """z = (x < y)"""
    forward = staticmethod(np.less)


@register("less_equal", "math.less_equal")
class LessEqual(_Compare):
    """z = (x <= y)"""
    forward = staticmethod(np.less_equal)


@register("greater", "math.greater")
class Greater(_Compare):
    """z = (x > y)"""
    forward = staticmethod(np.greater)


@register("greater_equal", "math.greater_equal")
class GreaterEqual(_Compare):
    """z = (x >= y)"""
    forward = staticmethod(np.greater_equal)


@register("logical_and", "math.logical_and")
class LogicalAnd(_Compare):
    """z = x and y"""
    forward = staticmethod(np.logical_and)


@register("logical_or", "math.logical_or")
class LogicalOr(_Compare):
    """z = x or y"""
    forward = staticmethod(np.logical_or)


equal = Equal.function
not_equal = NotEqual.function
less = Less.function
less_equal = LessEqual.function
greater = Greater.function
greater_equal = GreaterEqual.function
logical_and = LogicalAnd.function
logical_or = LogicalOr.function


@register("logical_not", "math.logical_not")
class LogicalNot(UnaryOp):
    """y = not x"""
    floats_only = False
    differentiable = False
    forward = staticmethod(np.logical_not)


logical_not = LogicalNot.function


class _ArgReduce(OpDef):
    """Base of ArgMax and ArgMin: inputs ``(input, dimension)``, the axis a tensor as in TF1
    (``ArgMax/dimension``, a Const, for a Python axis); attribute ``output_type``."""
    differentiable = False

    @classmethod
    def infer(cls, inputs, attrs):
        x, dimension = inputs
        check_index_input(dimension, cls.type, "dimension")
        s = x.shape
        if s.ndims is None:
            return TensorShape(None), attrs["output_type"]
        axis = constant_value(dimension)
        if axis is None:  # the rank is known: one less, every dimension unknown
            return TensorShape([None] * max(s.ndims - 1, 0)), attrs["output_type"]
        axis = int(axis)
        if not -s.ndims <= axis < s.ndims:
            raise ValueError("Expected dimension in the range [%d, %d), but got %d"
                             % (-s.ndims, s.ndims, axis))
        dims = s.as_list()
        del dims[axis]
        return TensorShape(dims), attrs["output_type"]


@register
class ArgMax(_ArgReduce):
    """y = the index of the largest value along ``dimension``"""

    @staticmethod
    def forward(x, dimension, output_type):
        return np.argmax(x, axis=int(dimension)).astype(output_type.as_numpy_dtype)


@register
class ArgMin(_ArgReduce):
    """y = the index of the smallest value along ``dimension``"""

    @staticmethod
    def forward(x, dimension, output_type):
        return np.argmin(x, axis=int(dimension)).astype(output_type.as_numpy_dtype)


def _arg_reduce(opdef, input, axis, dimension, output_type, name):  # noqa: A002
    """Build ArgMax/ArgMin as TF1 does: in the op's scope, a Python input becomes
    ``<Op>/input`` and a Python axis (default 0) ``<Op>/dimension``."""
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    axis = dimension if axis is None else axis
    axis = 0 if axis is None else axis
    with graph_of(input, axis).name_scope(name or opdef.type) as scope:
        x = as_tensor(input, name="input")
        d = as_tensor(axis, name="dimension")
        return make(opdef, [x, d], {"output_type": dtypes.as_dtype(output_type)}, scope)


@export("argmax", "math.argmax")
def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """``tf.argmax``: index of the largest entry along ``axis`` (default 0), as int64."""
    return _arg_reduce(ArgMax, input, axis, dimension, output_type, name)


@export("argmin", "math.argmin")
def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """``tf.argmin``: index of the smallest entry along ``axis`` (default 0), as int64."""
    return _arg_reduce(ArgMin, input, axis, dimension, output_type, name)


@export("arg_max")
def arg_max(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    """``tf.arg_max``: TF1's older spelling of ``tf.argmax(input, axis=dimension)``."""
    return argmax(input, axis=dimension, output_type=output_type, name=name)


@export("arg_min")
def arg_min(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    """``tf.arg_min``: TF1's older spelling of ``tf.argmin(input, axis=dimension)``."""
    return argmin(input, axis=dimension, output_type=output_type, name=name)


# ------------------------------------------------------------------------ floor

@register("floor", "math.floor")
class Floor(UnaryOp):
    """y = the largest whole number <= x (the 0-or-1 mask of TF1's dropout)"""
    forward = staticmethod(np.floor)

    @staticmethod
    def gradient(op, grad, needed):
        # a step function: its derivative is 0 almost everywhere, and TF1's _FloorGrad
        # returns None, so no gradient flows back through floor.
        return [None]


floor = Floor.function


# ------------------------------------------------------------------------ log1p

@register("log1p", "math.log1p")
class Log1p(UnaryOp):
    """y = log(1 + x), accurate even when x is tiny (where 1 + x would round to 1)"""
    forward = staticmethod(quiet(np.log1p))

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        return [grad / (1 + x)]  # d/dx log(1 + x) = 1 / (1 + x)


log1p = Log1p.function


# ----------------------------------------------- the ops tf.losses is built from

@register("squared_difference", "math.squared_difference")
class SquaredDifference(BinaryOp):
    """z = (x - y)^2, one op (``tf.losses.mean_squared_error``'s elementwise loss)"""

    @staticmethod
    def forward(x, y):
        d = np.subtract(x, y)
        return d * d

    @staticmethod
    def gradient(op, grad, needed):
        x, y = op.inputs
        x_grad = (2.0 * grad) * subtract(x, y)  # dz/dx = 2 (x - y) = -dz/dy
        return [sum_to_shape(x_grad, x) if needed[0] else None,
                sum_to_shape(negative(x_grad), y) if needed[1] else None]


squared_difference = SquaredDifference.function


@register
class DivNoNan(BinaryOp):
    """z = x / y, but 0 where y == 0 (whatever x is)"""

    @staticmethod
    @quiet
    def forward(x, y):
        z = np.true_divide(x, y)
        return np.where(np.equal(y, 0), np.zeros((), z.dtype), z)

    @staticmethod
    def gradient(op, grad, needed):
        # TF1's _DivNoNanGrad: the quotient rule with each division a div_no_nan, so that
        # where y == 0 both gradients are 0 (as the value is), never inf or NaN
        x, y = op.inputs
        return [sum_to_shape(div_no_nan(grad, y), x) if needed[0] else None,      # grad / y
                sum_to_shape(grad * div_no_nan(div_no_nan(negative(x), y), y), y)  # -x / y^2
                if needed[1] else None]


@export("div_no_nan", "math.divide_no_nan")
def div_no_nan(x, y, name=None):
    """``tf.div_no_nan`` / ``tf.math.divide_no_nan``: ``x / y``, but 0 where ``y`` is 0 (the
    safe mean of ``tf.losses``: a sum over zero weights is 0, not NaN). Integers are cast to
    float first, as ``tf.divide`` does."""
    with graph_of(x, y).name_scope(name or "div_no_nan") as scope:
        x, y = binary_operands(x, y)
        if x.dtype.is_integer:
            target = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
            x, y = cast(x, target), cast(y, target)
        return make(DivNoNan, [x, y], None, scope)


#: the dtypes tf.range infers from its arguments, lowest first
_RANGE_DTYPES = (dtypes.int32, dtypes.int64, dtypes.float16, dtypes.float32, dtypes.float64)


@register
class Range(OpDef):
    """y = [start, start + delta, start + 2 delta, ...], up to but not including limit"""
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        start, limit, delta = inputs
        dtype = same_dtype(inputs, ("start", "limit", "delta"))
        for arg, t in zip(("start", "limit", "delta"), inputs):
            if t.shape.ndims not in (None, 0):
                raise ValueError("Range's %s must be a scalar, not of shape %s"
                                 % (arg, t.shape.bracketed()))
        known = [_constant_scalar(t) for t in inputs]
        if any(v is None for v in known):
            return TensorShape([None]), dtype
        return TensorShape([len(Range.forward(*known))]), dtype

    @staticmethod
    def forward(start, limit, delta):
        # TF's kernel refuses what np.arange would quietly make empty
        if delta == 0:
            raise ValueError("Requires delta != 0: %s" % delta)
        if (delta > 0 and start > limit) or (delta < 0 and start < limit):
            raise ValueError("Requires start %s limit when delta %s 0: %s/%s"
                             % ("<=" if delta > 0 else ">=", ">" if delta > 0 else "<",
                                start, limit))
        # TF's own count and values: start + i * delta, computed in the dtype (np.arange
        # would count in float64 and may differ from TF in the last bit)
        dtype = np.asarray(start).dtype
        if dtype.kind in "iu":
            n = (np.abs(limit - start) + np.abs(delta) - 1) // np.abs(delta)
        else:
            n = np.ceil(np.abs((limit - start) / delta))
        return (start + np.arange(int(n), dtype=dtype) * delta).astype(dtype)


def _constant_scalar(t):
    """The value of ``t`` if it is known when the graph is built: a Const, or the Cast of
    one (``tf.range(1, 2.5)`` casts its int 1 to float32), else None."""
    op = t.op
    if op.type == "Cast":
        v = _constant_scalar(op.inputs[0])
        return None if v is None else np.asarray(v).astype(op.attrs["DstT"].as_numpy_dtype)
    return op.attrs["value"] if op.type == "Const" else None


@export("range")
def range_(start, limit=None, delta=1, dtype=None, name="range"):
    """``tf.range`` (``range_`` in this module, which keeps Python's own ``range``): the
    numbers from ``start`` (default 0) up to but not including ``limit``, ``delta`` apart.
    ``tf.range(5)`` is ``[0, 1, 2, 3, 4]``. The dtype is ``dtype``, else the widest of the
    arguments' (int32 for Python ints, float32 for Python floats)."""
    if limit is None:
        start, limit = 0, start
    with get_default_graph().name_scope(name or "Range") as scope:
        args = []
        for arg, value in (("start", start), ("limit", limit), ("delta", delta)):
            args.append(value._as_graph_tensor() if is_tensor(value)
                        else as_tensor(value, dtype=dtype, name=arg))
        if dtype is None:
            for t in args:
                if t.dtype not in _RANGE_DTYPES:
                    raise TypeError("tf.range takes %s, not %s"
                                    % (", ".join(d.name for d in _RANGE_DTYPES), t.dtype.name))
            dtype = max((t.dtype for t in args), key=_RANGE_DTYPES.index)
        args = [cast(t, dtype) for t in args]
        return make(Range, args, None, scope)


range_.__name__ = range_.__qualname__ = "range"
