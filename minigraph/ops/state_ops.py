"""Variables' ops: the variable itself (its value, read from the session) and assignments.

A variable's value lives in the *session*, not in the graph: the ``VariableV2`` op reads the
session's copy (``state.variables``), and the ``Assign`` family writes it. An ``Assign`` runs
only when a fetch reaches it, which is exactly why an unfetched update op never updates
anything. A variable's array is never written into: an update stores a new array, so a value
read earlier (in this run, or fetched, or kept by a trace) never changes under its reader.
"""

import numpy as np

from minigraph.errors import FailedPreconditionError
from minigraph.op_def import OpDef, register


def uninitialized_error(var_op):
    """The error of reading ``var_op`` in a session where it has no value yet."""
    return FailedPreconditionError(
        var_op.name, var_op,
        "Attempting to use uninitialized value %s\n  [[node %s, created at %s]]\n  Run "
        "sess.run(tf.global_variables_initializer()) (or this variable's initializer) first. "
        "If you did: that op initializes only the variables that existed when it was "
        "created, so create it after every variable (also after optimizer.minimize(), "
        "which adds slot variables)."
        % (var_op.name, var_op.name, var_op.site.with_source()))


@register
class VariableV2(OpDef):
    """y = the variable's current value in this session (an error if not initialized)."""
    kind = "variable"
    stateful = True

    @staticmethod
    def infer(inputs, attrs):
        return attrs["shape"], attrs["dtype"]

    @classmethod
    def make_kernel(cls, op, state):
        store = state.variables

        def read():
            __tracebackhide__ = True  # the error names the variable; this frame adds nothing
            try:
                return store[op]
            except KeyError:
                raise uninitialized_error(op) from None
        return read


def _check_value(var, value):
    shape = var.outputs[0].shape
    if shape.is_fully_defined() and np.shape(value) != tuple(shape.as_list()):
        raise ValueError("Assign requires shapes of both tensors to match. lhs shape= %s rhs "
                         "shape= %s" % (shape.bracketed(), list(np.shape(value))))


class _AssignBase(OpDef):
    kind = "assign"
    stateful = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        var = attrs["variable"].outputs[0]
        value = inputs[0]
        if value.dtype != var.dtype:
            raise TypeError("Input 'value' has type %s that does not match type %s of variable "
                            "'%s'" % (value.dtype.name, var.dtype.name, attrs["variable"].name))
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
        var = op.attrs["variable"]
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
    var = op.attrs["variable"]

    def update(value):
        __tracebackhide__ = True  # the error names the variable; this frame adds nothing
        try:
            old = store[var]
        except KeyError:
            raise uninitialized_error(var) from None
        # a new array, not in place: values read earlier in this run stay as they were
        new = ufunc(old, value).astype(old.dtype, copy=False)
        if new.shape != old.shape:
            raise ValueError("Update of shape %s does not fit variable of shape %s"
                             % (list(np.shape(value)), list(old.shape)))
        store[var] = new
        return new
    return update
