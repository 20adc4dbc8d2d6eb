"""What every primitive op type provides, and the registry of all of them.

An op type is one class, a subclass of :class:`OpDef`, registered with ``@register``. Its
type name is the class name (``class Softplus`` is the op type ``Softplus``) unless the class
sets ``type`` itself. ``@register("math.softplus", "nn.softplus")`` also exports the function
that builds the op under those names (see :mod:`minigraph.api`); elementwise ops get that
function from their base class, others write it by hand and decorate it with ``@export``.

What a class defines, side by side:

* ``infer(inputs, attrs)``: the outputs' static ``(TensorShape, DType)``, raising
  ``ValueError``/``TypeError`` for a mismatch already known when the graph is built;
* ``forward(*arrays, **attrs)``: the numpy computation ``Session.run`` executes;
* ``gradient(op, grad, needed)``: the vector-Jacobian product, see :meth:`OpDef.gradient`;
* optionally ``make_kernel(op, state)``, for ops that need the session (variables, random
  generators), and ``specialize(op, known)`` / ``owning_kernel(op, state)``, cheaper kernels
  an untraced run may use (see :mod:`minigraph.rewrite`).
"""

import functools

import numpy as np

from minigraph.api import export
from minigraph.tensor_shape import TensorShape

__all__ = ["OpDef", "REGISTRY", "register", "FORWARD", "broadcast_static", "same_dtype",
           "quiet"]

#: op type name -> its OpDef class
REGISTRY = {}


class _Forward:
    def __repr__(self):
        return "FORWARD"


#: what ``specialize`` returns for "my output is my first input itself"
FORWARD = _Forward()


def register(*exports):
    """Class decorator recording an op type under its ``type`` name.

    ``@register`` alone registers the op. ``@register("add", "math.add")`` also exports the
    function that builds it (made by the class's base: ``cls.make_function(name)``) as
    ``tf.add`` and ``tf.math.add``.
    """
    if len(exports) == 1 and isinstance(exports[0], type):  # bare @register
        return _register(exports[0], ())
    return lambda cls: _register(cls, exports)


def _register(cls, exports):
    if cls.type in REGISTRY:
        raise ValueError("Op type %r registered twice" % cls.type)
    REGISTRY[cls.type] = cls
    if exports:
        cls.function = export(*exports)(cls.make_function(exports[0]))
    return cls


class OpDef:
    """Base class of primitive op types: every attribute below has the default shown."""

    #: the op type (``op.type``); the class name unless the class sets it
    type = None
    #: False for ops such as ArgMax whose output has no gradient with respect to any input
    differentiable = True
    #: True for ops whose result depends on more than their inputs (random, variables)
    stateful = False
    #: False for ops an untraced run must never compute ahead of time, even from constants
    #: (a summary, a check that must fail at run time)
    foldable = True
    #: True for ops whose value follows from the static shape and dtype of their input alone
    #: (``Shape``, ``ZerosLike``): computed ahead of time when that shape is fully known
    reads_only_shape = False
    #: how this op is drawn; see minigraph.viz ("op", "placeholder", "constant", "variable",
    #: "assign", "noop", "summary", "random")
    kind = "op"
    #: True if ``forward`` may return its first input itself or a view of it (Identity,
    #: Reshape...): the session then never hands that value out without a copy
    aliases_input = False
    #: the indices of the inputs that take a variable itself (TF1's ``ref`` inputs: the
    #: ``VariableV2`` op's output), not its value: ``Assign(ref, value)``. The session
    #: passes no value for them; the kernel, made knowing the variable, reads or writes the
    #: session's copy. Every other input fed by a variable gets its current value.
    ref_inputs = ()
    #: True if the op writes the variables of its ``ref_inputs`` (``Assign``, ``ApplyAdam``)
    writes_refs = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "type" not in cls.__dict__:
            cls.type = cls.__name__

    @staticmethod
    def infer(inputs, attrs):
        """``(TensorShape, DType)`` of the output (a list of pairs for several outputs)."""
        raise NotImplementedError

    @staticmethod
    def forward(*arrays, **attrs):
        """The op's value, computed with numpy from its input arrays and attributes."""
        raise NotImplementedError

    #: ``gradient(op, grad, needed)``, a static method: the gradients of the inputs of
    #: ``op`` (an Operation of this type), given ``grad``, the gradient of its output (a list
    #: with one entry per output, ``None`` where there is none, for multi-output ops).
    #: Returns one gradient per input, built from **graph ops** so the backward pass can be
    #: drawn, fetched and differentiated again; ``None`` for an input that gets none.
    #: ``needed[i]`` is False when input ``i`` needs no gradient (a constant, a label): skip
    #: building it. ``None`` (the default) means "no gradient defined": ``tf.gradients``
    #: then raises, unless the op is not ``differentiable``.
    gradient = None

    @classmethod
    def make_kernel(cls, op, state):
        """The callable ``Session.run`` calls with the input arrays: ``forward`` with the
        op's attributes bound. Ops that need the session's ``state`` override this."""
        if op.attrs:
            return functools.partial(cls.forward, **op.attrs)
        return cls.forward

    @classmethod
    def specialize(cls, op, known):
        """A cheaper way to compute ``op`` in an untraced run, given ``known``: one entry per
        input, its value if it is a constant when the plan is built, else ``None``.

        Returns ``None`` (use the usual kernel), ``FORWARD`` (the output is the first input
        itself: no step at all) or a kernel taking the same inputs. Whatever it returns must
        give the usual kernel's result bit for bit (``tests/test_rewrite.py`` checks)."""
        return None

    #: ``owning_kernel(op, state)``, a class method: a kernel that may keep its first input's
    #: array as its own, used by an untraced run when no one else can see that array
    #: (``Assign`` stores it in the variable without a copy). ``None``: the op has none.
    owning_kernel = None

    #: the public function building this op, when ``@register("name")`` made it
    function = None

    @classmethod
    def make_function(cls, name):
        """The public function ``tf.<name>`` building this op (for ``@register("name")``):
        made by bases such as the elementwise ones; other ops write theirs and ``@export``."""
        raise TypeError("%s has no generated function: write one and decorate it with "
                        "@export(%r)" % (cls.__name__, name))


def broadcast_static(a, b):
    """numpy broadcasting on static shapes, ``None`` meaning unknown."""
    if a.ndims is None or b.ndims is None:
        return TensorShape(None)
    x, y = a.as_list(), b.as_list()
    n = max(len(x), len(y))
    x = [1] * (n - len(x)) + x
    y = [1] * (n - len(y)) + y
    out = []
    for p, q in zip(x, y):
        if p == 1:
            out.append(q)
        elif q == 1:
            out.append(p)
        elif p is None:
            out.append(q)
        elif q is None or p == q:
            out.append(p)
        else:
            raise ValueError("Dimensions must be equal, but are %d and %d" % (p, q))
    return TensorShape(out)


def same_dtype(inputs, names=("x", "y")):
    """All inputs must share one dtype (TF never promotes); return it."""
    first = inputs[0].dtype
    for name, t in zip(names[1:], inputs[1:]):
        if t.dtype != first:
            raise TypeError("Input '%s' has type %s that does not match type %s of argument '%s'"
                            % (name, t.dtype.name, first.name, names[0]))
    return first


def quiet(fn):
    """``fn`` with numpy's floating point warnings off: like TF, log(0) is -inf and 0/0 is
    NaN without a word (``tf.check_numerics`` is how a graph asks to be told). Only ops
    that can produce inf/NaN pay for this."""
    @functools.wraps(fn)
    def quiet_fn(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)
    return quiet_fn
