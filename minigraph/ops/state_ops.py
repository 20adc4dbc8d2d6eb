"""Variables' ops: the variable itself (its value, read from the session) and assignments.

A variable's value lives in the *session*, not in the graph: the ``VariableV2`` op reads the
session's copy, and the ``Assign`` family writes it. An ``Assign`` runs only when a fetch
reaches it, which is exactly why an unfetched update op never updates anything.
"""

import numpy as np

from minigraph.op_def import OpDef, register


@register
class VariableV2(OpDef):
    """y = the variable's current value in this session (an error if not initialized)."""
    type = "VariableV2"
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
                raise state.uninitialized(op) from None
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
    type = "Assign"

    @classmethod
    def make_kernel(cls, op, state, owns_value=False):
        var = op.attrs["variable"]
        validate = op.attrs.get("validate_shape", True)
        dtype = var.outputs[0].dtype.as_numpy_dtype

        def assign(value):
            if validate:
                _check_value(var, value)
            # a copy, unless the plan proved nothing else can see this array
            new = value if owns_value else np.array(value, dtype=dtype)
            state.set_value(var, new)
            return new
        return assign


@register
class AssignAdd(_AssignBase):
    """var <- var + value; y = the new value."""
    type = "AssignAdd"

    @classmethod
    def make_kernel(cls, op, state):
        return _update_kernel(op, state, np.add)


@register
class AssignSub(_AssignBase):
    """var <- var - value; y = the new value."""
    type = "AssignSub"

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
            raise state.uninitialized(var) from None
        # a new array, not in place: values read earlier in this run stay as they were
        new = ufunc(old, value).astype(old.dtype, copy=False)
        if new.shape != old.shape:
            raise ValueError("Update of shape %s does not fit variable of shape %s"
                             % (list(np.shape(value)), list(old.shape)))
        state.set_value(var, new)
        return new
    return update
