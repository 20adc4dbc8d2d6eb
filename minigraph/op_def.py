"""What every primitive op type provides, and the registry of all of them.

A primitive op is one class with three static methods side by side:

* ``infer(inputs, attrs)``: output ``(TensorShape, DType)`` from the inputs' static
  shapes and dtypes, raising ``ValueError``/``TypeError`` for mismatches already known;
* ``forward(*arrays, **attrs)``: the numpy computation Session.run executes;
* ``gradient(op, grad)``: the vector-Jacobian product, built from **graph ops** so the
  backward pass can be drawn, fetched and differentiated again. It returns one gradient
  per input (``None`` where there is none).

Ops that need the session's state (variables, random generators, feeds) override
``make_kernel(op, state)`` instead of ``forward``.
"""

import functools

from minigraph.tensor_shape import TensorShape

import numpy as np

__all__ = ["OpDef", "REGISTRY", "register", "broadcast_static", "same_dtype", "quiet"]

REGISTRY = {}


def register(cls):
    """Class decorator: record ``cls`` under its ``type`` name."""
    if cls.type in REGISTRY:
        raise ValueError("Op type %r registered twice" % cls.type)
    REGISTRY[cls.type] = cls
    return cls


class OpDef:
    """Base class of primitive op types. Subclasses set ``type`` and the methods below."""

    type = None
    #: False for ops such as ArgMax whose output has no gradient with respect to any input.
    differentiable = True
    #: True for ops whose result depends on more than their inputs (random, variables).
    stateful = False
    #: How this op is drawn; see minigraph.viz ("op", "placeholder", "constant", "variable",
    #: "assign", "noop", "summary", "random").
    kind = "op"
    #: True if ``forward`` may return its first input itself or a view of it (Identity,
    #: Reshape...). The Session then copies such a value before handing it to the user.
    aliases_input = False

    @staticmethod
    def infer(inputs, attrs):
        raise NotImplementedError

    @staticmethod
    def forward(*arrays, **attrs):
        raise NotImplementedError

    gradient = None

    @classmethod
    def make_kernel(cls, op, state):
        """A callable of the input arrays, with the op's attributes bound."""
        if op.attrs:
            return functools.partial(cls.forward, **op.attrs)
        return cls.forward


def broadcast_static(a, b):
    """numpy broadcasting on static shapes, ``None`` meaning unknown."""
    if a.ndims is None or b.ndims is None:
        return TensorShape(None)
    x, y = a.as_list(), b.as_list()
    n = max(len(x), len(y))
    x = [1] * (n - len(x)) + x
    y = [1] * (n - len(y)) + y
    out = []
    for i, (p, q) in enumerate(zip(x, y)):
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
