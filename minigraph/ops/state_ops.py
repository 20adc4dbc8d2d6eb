"""Variables' ops: the variable itself, reading it, and assignments.

A variable's value lives in the *session*, not in the graph. As in TF1, a variable is a
``VariableV2`` op whose output is the variable itself (TF1's *ref*), not a value: in a run it
is a :class:`Ref`. Ops that update a variable take that ref as an input (``Assign(ref,
value)``: see ``OpDef.ref_inputs``); every other op fed by it gets the variable's current
value, read when that op runs. ``tf.Variable`` reads it once, in the ``Identity`` op
``<name>/read`` that every user of the variable consumes, which is where TF1 reports an
uninitialized variable.

An ``Assign`` runs only when a fetch reaches it, which is exactly why an unfetched update op
never updates anything. A variable's array is never written into: an update stores a new
array, so a value read earlier (in this run, or fetched, or kept by a trace) never changes
under its reader.
"""

import numpy as np

from minigraph import dtypes
from minigraph.errors import FailedPreconditionError
from minigraph.op_def import OpDef, register
from minigraph.tensor_shape import TensorShape

__all__ = ["Ref", "uninitialized_error", "ref_of", "variable_of_read", "written_variables",
           "is_variable_initialized"]


def uninitialized_error(var_op, reader=None):
    """The error of reading ``var_op`` (in op ``reader``) in a session where it has no value
    yet. TF1 names the op that read it: the variable's ``read``."""
    reader = reader if reader is not None else var_op
    return FailedPreconditionError(
        reader.name, reader,
        "Attempting to use uninitialized value %s\n  [[node %s, created at %s]]\n  Run "
        "sess.run(tf.global_variables_initializer()) (or this variable's initializer) first. "
        "If you did: that op initializes only the variables that existed when it was "
        "created, so create it after every variable (also after optimizer.minimize(), "
        "which adds slot variables)."
        % (var_op.name, reader.name, reader.site.with_source()))


def ref_of(v):
    """The variable itself (its ``VariableV2`` output) for a ``tf.Variable``; else ``v``."""
    return v._as_graph_element() if hasattr(v, "_as_graph_element") else v


def variable_of_read(op):
    """The ``VariableV2`` op that ``op`` reads when ``op`` is a variable's read (an
    ``Identity`` whose only input is a variable, like ``w/read``), else None."""
    if op.type == "Identity" and len(op.inputs) == 1 and op.inputs[0].op.type == "VariableV2":
        return op.inputs[0].op
    return None


def written_variables(op):
    """The ``VariableV2`` ops that ``op`` writes when it runs (none for most ops)."""
    if not op.opdef.writes_refs:
        return []
    return [op.inputs[i].op for i in op.opdef.ref_inputs]


class Ref:
    """The value of a ``VariableV2`` op's output in a run: the variable itself, not a value.

    ``value(reader)`` is the variable's current array in this session, or TF1's
    ``FailedPreconditionError`` naming ``reader`` if it was never initialized."""

    __slots__ = ("variable", "_store")

    def __init__(self, variable, store):
        self.variable = variable
        self._store = store

    def value(self, reader=None):
        __tracebackhide__ = True  # the error names the variable; this frame adds nothing
        try:
            return self._store[self.variable]
        except KeyError:
            raise uninitialized_error(self.variable, reader) from None

    @property
    def initialized(self):
        return self.variable in self._store

    def __repr__(self):
        v = self._store.get(self.variable)
        what = "uninitialized" if v is None else "%s %s" % (v.dtype, list(v.shape))
        return "<ref to variable %s: %s>" % (self.variable.name, what)


@register
class VariableV2(OpDef):
    """y = the variable itself (a ref): the ops reading it get its value in this session."""
    kind = "variable"
    stateful = True

    @staticmethod
    def infer(inputs, attrs):
        return attrs["shape"], attrs["dtype"]

    @classmethod
    def make_kernel(cls, op, state):
        ref = Ref(op, state.variables)
        return lambda: ref


@register
class IsVariableInitialized(OpDef):
    """y = True if the variable (a ref input) has a value in this session."""
    ref_inputs = (0,)
    stateful = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return TensorShape([]), dtypes.bool

    @classmethod
    def make_kernel(cls, op, state):
        var, store = op.inputs[0].op, state.variables
        return lambda: np.array(var in store)


def is_variable_initialized(variable, name=None):
    """``tf.is_variable_initialized(v)``: a bool tensor, True once ``v`` has a value."""
    from minigraph.ops._util import make  # noqa: PLC0415 -- _util imports graph, a cycle
    ref = ref_of(variable)
    return make(IsVariableInitialized, [ref], {}, name or "IsVariableInitialized")


def _check_value(var, value):
    shape = var.outputs[0].shape
    if shape.is_fully_defined() and np.shape(value) != tuple(shape.as_list()):
        raise ValueError("Assign requires shapes of both tensors to match. lhs shape= %s rhs "
                         "shape= %s" % (shape.bracketed(), list(np.shape(value))))


class _AssignBase(OpDef):
    """Inputs ``(ref, value)``: the variable (a ref input) and the value to store."""
    kind = "assign"
    stateful = True
    differentiable = False
    ref_inputs = (0,)
    writes_refs = True

    @staticmethod
    def infer(inputs, attrs):
        var, value = inputs
        if var.op.type != "VariableV2":
            raise TypeError("Input 'ref' of an assign must be a variable (a VariableV2 "
                            "output), got %s from a %s op" % (var.name, var.op.type))
        if value.dtype != var.dtype:
            raise TypeError("Input 'value' has type %s that does not match type %s of variable "
                            "'%s'" % (value.dtype.name, var.dtype.name, var.op.name))
        if attrs.get("validate_shape", True) and not var.shape.is_compatible_with(value.shape):
            raise ValueError("Shapes must be equal rank / compatible, but are %s and %s"
                             % (var.shape, value.shape))
        return var.shape if attrs.get("validate_shape", True) else value.shape, var.dtype


@register
class Assign(_AssignBase):
    """var <- value; y = the new value."""

    @classmethod
    def make_kernel(cls, op, state):
        return cls._kernel(op, state, owns_value=False)

    @classmethod
    def owning_kernel(cls, op, state):
        # the plan proved no one else can see the value's array: keep it, no copy
        return cls._kernel(op, state, owns_value=True)

    @staticmethod
    def _kernel(op, state, owns_value):
        var = op.inputs[0].op
        validate = op.attrs.get("validate_shape", True)
        dtype = var.outputs[0].dtype.as_numpy_dtype
        store = state.variables

        def assign(value):
            if validate:
                _check_value(var, value)
            # a copy of the value, so the variable shares no memory with anything else
            new = value if owns_value and type(value) is np.ndarray \
                else np.array(value, dtype=dtype)
            store[var] = new
            return new
        return assign


@register
class AssignAdd(_AssignBase):
    """var <- var + value; y = the new value."""

    @classmethod
    def make_kernel(cls, op, state):
        return _update_kernel(op, state, np.add)


@register
class AssignSub(_AssignBase):
    """var <- var - value; y = the new value."""

    @classmethod
    def make_kernel(cls, op, state):
        return _update_kernel(op, state, np.subtract)


def _update_kernel(op, state, ufunc):
    store = state.variables
    var = op.inputs[0].op
    ref = Ref(var, store)

    def update(value):
        __tracebackhide__ = True  # the error names the variable; this frame adds nothing
        old = ref.value()
        # a new array, not in place: values read earlier in this run stay as they were
        new = ufunc(old, value).astype(old.dtype, copy=False)
        if new.shape != old.shape:
            raise ValueError("Update of shape %s does not fit variable of shape %s"
                             % (list(np.shape(value)), list(old.shape)))
        store[var] = new
        return new
    return update
