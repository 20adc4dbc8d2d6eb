"""``tf.Variable``: parameters that stay inside the session between runs.

``w = tf.Variable(tf.random_normal((D, H)), name="w")`` builds what TF1 builds, under the
scope ``w``:

* ``w`` (``VariableV2``): the variable itself, TF1's *ref*; its value lives in each Session
  separately, so it must be initialized in each session before it is read;
* ``w/Assign``: its initializer, ``Assign(w, initial value)`` (``w/initial_value`` is a
  Const when the initial value is a plain number or array);
* ``w/read`` (``Identity``): the variable's value. Using ``w`` as a tensor
  (``tf.matmul(x, w)``, ``w - 1``) uses ``w/read:0``; reading an uninitialized variable
  fails there, as in TF1.

``w.assign(v)`` / ``assign_add`` / ``assign_sub`` build ``Assign(w, v)`` ops that take the
variable itself as their first input. Fetching ``w`` (``sess.run(w)``) fetches the
variable's value (a copy).
"""

import numpy as np

from minigraph import dtypes
from minigraph import session as session_lib
from minigraph.graph import GraphKeys, Tensor, get_default_graph, install_operators
from minigraph.ops.array_ops import boolean_mask, identity, stack
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.ops.control_flow_ops import group, no_op
from minigraph.ops.math_ops import cast, logical_not
from minigraph.ops.state_ops import (Assign, AssignAdd, AssignSub, VariableV2,
                                     is_variable_initialized, variable_of_read)

is_variable_initialized = is_variable_initialized  # tf.is_variable_initialized

__all__ = ["Variable", "global_variables_initializer", "variables_initializer",
           "global_variables", "trainable_variables", "local_variables", "model_variables",
           "assign", "assign_add", "assign_sub", "report_uninitialized_variables",
           "initialize_all_variables", "is_variable_initialized", "variable_of"]


#: tf.Variable arguments of TF1 that change nothing on one CPU device, taken and ignored
_IGNORED_ARGS = {"caching_device", "variable_def", "expected_shape", "import_scope",
                 "use_resource", "synchronization", "aggregation", "shape"}


class Variable:
    """A value that persists across ``Session.run`` calls (``tf.Variable``).

    Args:
      initial_value: a Tensor, numpy array or Python value (or a callable returning one),
        e.g. ``tf.random_normal((D, H))``. Its static shape becomes the variable's shape.
      trainable: if True, also added to ``GraphKeys.TRAINABLE_VARIABLES`` (what optimizers
        update by default).
      name: the op name (default ``"Variable"``, made unique).
      dtype: converts a non-tensor initial value to this dtype.
      constraint: a function ``v -> projected v`` (e.g. ``lambda w: tf.clip_by_value(w, -1,
        1)``) that a ``tf.train`` optimizer applies to the variable's new value right after
        each update, as TF1's do; an ``assign`` of your own is not projected.
      collections: the collections to add it to (default ``[GLOBAL_VARIABLES]``).
      validate_shape: if False, the shape may be unknown and assignments may change it.

    Use it as a tensor (``tf.matmul(x, w)``, ``w - 1``); update it with ``w.assign(...)``.
    """

    def __init__(self, initial_value=None, trainable=True, collections=None, validate_shape=True,
                 name=None, dtype=None, constraint=None, **unused):
        unknown = sorted(set(unused) - _IGNORED_ARGS)
        if unknown:  # a misspelt argument must not pass silently
            raise TypeError("Variable() got unexpected keyword argument(s): %s"
                            % ", ".join(unknown))
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if constraint is not None and not callable(constraint):
            raise ValueError("The `constraint` argument must be a callable.")
        graph = get_default_graph()
        with graph.name_scope(name or "Variable") as scope:
            if callable(initial_value):
                with graph.name_scope("Initializer"):
                    initial_value = initial_value()
            if hasattr(initial_value, "_as_graph_tensor"):
                init = as_tensor(initial_value)
                if dtype is not None and init.dtype != dtypes.as_dtype(dtype):
                    init = cast(init, dtype)
            else:
                init = as_tensor(initial_value, dtype=dtype, name="initial_value")
            shape = init.shape
            if validate_shape and not shape.is_fully_defined():
                raise ValueError("initial_value must have a shape specified: %s (or pass "
                                 "validate_shape=False)" % init)
            self._op = graph.create_op(VariableV2, [], {"shape": shape, "dtype": init.dtype},
                                       scope)
            self._initializer = graph.create_op(
                Assign, [self._op.outputs[0], init], {"validate_shape": validate_shape},
                "Assign")
            # the value every user of the variable reads (TF1's snapshot)
            self._snapshot = identity(self._op.outputs[0], name="read")
        self._initial_value = init
        self._trainable = trainable
        self._constraint = constraint
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections = list(collections) + [GraphKeys.TRAINABLE_VARIABLES]
        graph.add_to_collections(collections, self)
        self._op.attrs["python_variable"] = self

    # -- what it is ------------------------------------------------------------------------
    @property
    def op(self):
        """The ``VariableV2`` operation."""
        return self._op

    @property
    def name(self):
        return self._op.name + ":0"

    @property
    def dtype(self):
        return self._op.outputs[0].dtype

    @property
    def shape(self):
        return self._op.outputs[0].shape

    def get_shape(self):
        return self.shape

    @property
    def graph(self):
        return self._op.graph

    @property
    def trainable(self):
        return self._trainable

    @property
    def constraint(self):
        """The projection a ``tf.train`` optimizer applies after each update, or None."""
        return self._constraint

    @property
    def initializer(self):
        """The op that sets the variable to its initial value."""
        return self._initializer

    @property
    def initial_value(self):
        return self._initial_value

    def _as_graph_tensor(self):
        # a variable used as a tensor is its value: TF1's snapshot, <name>/read:0
        return self._snapshot

    def _as_graph_element(self):
        # what sess.run(w) fetches and tf.gradients differentiates by: the variable itself
        return self._op.outputs[0]

    def value(self):
        """The variable's value as a tensor (``<name>/read:0``)."""
        return self._snapshot

    def read_value(self, name=None):
        """A new ``Identity`` op reading the variable's value."""
        return identity(self._op.outputs[0], name=name or "read")

    def is_initialized(self, name=None):
        """A bool tensor: has this variable a value in the session that runs it?"""
        return is_variable_initialized(self, name=name)

    # -- updates -----------------------------------------------------------------------------
    def assign(self, value, use_locking=False, name=None, read_value=True):
        """An op setting the variable to ``value`` when it runs; returns its output tensor
        (the new value), or the op itself if ``read_value`` is False."""
        return self._update(Assign, value, name or "Assign", read_value)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """An op adding ``delta`` to the variable when it runs."""
        return self._update(AssignAdd, delta, name or "AssignAdd", read_value)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """An op subtracting ``delta`` from the variable when it runs."""
        return self._update(AssignSub, delta, name or "AssignSub", read_value)

    def _update(self, opdef, value, name, read_value):
        graph = self.graph
        if hasattr(value, "_as_graph_tensor"):
            op = graph.create_op(opdef, [self._op.outputs[0], as_tensor(value)], {}, name)
        else:  # as TF1: a plain value becomes the Const <op name>/value, inside the op's scope
            with graph.name_scope(name) as scope:
                value = as_tensor(value, dtype=self.dtype, name="value")
                op = graph.create_op(opdef, [self._op.outputs[0], value], {}, scope)
        return op.outputs[0] if read_value else op

    # -- with a session ------------------------------------------------------------------------
    def eval(self, session=None):
        """The variable's current value in ``session`` (default: the default session)."""
        return self._op.outputs[0].eval(session=session)

    def load(self, value, session=None):
        """Set the value in ``session`` without adding ops (``Variable.load``): as TF1 does,
        by running the initializer with ``value`` fed in place of the initial value."""
        sess = session_lib.session_for(session, self.graph)
        init = self._initializer.inputs[1]
        if self.shape.ndims is not None and not self.shape.is_compatible_with(np.shape(value)):
            raise ValueError("Cannot load a value of shape %s into variable %s of shape %s"
                             % (np.shape(value), self.name, self.shape))
        sess.run(self._initializer, feed_dict={init: value})

    def __repr__(self):
        return "<tf.Variable %r shape=%s dtype=%s_ref>" % (self.name, self.shape, self.dtype.name)

    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other


install_operators(Variable)


def variable_of(ref):
    """The ``tf.Variable`` behind ``ref``: a Variable, its ``VariableV2`` output or op, or its
    ``read`` tensor; None if ``ref`` is none of these."""
    if isinstance(ref, Variable):
        return ref
    op = ref.op if isinstance(ref, Tensor) else ref
    if getattr(op, "type", None) == "Identity":
        op = variable_of_read(op) or op
    if getattr(op, "type", None) == "VariableV2":
        return op.attrs.get("python_variable")
    return None


def _target(ref):
    # as TF1: the variable or its ref, not a value read from it (w/read:0 is not a ref)
    var = variable_of(ref) if not (isinstance(ref, Tensor) and ref.op.type == "Identity") \
        else None
    if var is None:
        raise TypeError("%r is not a Variable: only variables can be assigned to" % (ref,))
    return var


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """``tf.assign(ref, value)``: the op ``ref.assign(value)``."""
    return _target(ref).assign(value, name=name)


def assign_add(ref, value, use_locking=None, name=None):
    return _target(ref).assign_add(value, name=name)


def assign_sub(ref, value, use_locking=None, name=None):
    return _target(ref).assign_sub(value, name=name)


def global_variables(scope=None):
    """All variables created in the default graph (``GraphKeys.GLOBAL_VARIABLES``)."""
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None):
    """Variables made with ``trainable=True``: what optimizers update by default."""
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """One op that runs the initializers of ``var_list``."""
    if not var_list:
        return no_op(name=name)
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer():
    """``tf.global_variables_initializer``: one op (named ``init``) that initializes every
    global variable. Run it once per session, before anything reads a variable."""
    return variables_initializer(global_variables())


initialize_all_variables = global_variables_initializer


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """``tf.report_uninitialized_variables``: a 1-D string tensor (an op to ``sess.run``)
    holding the names of the variables in ``var_list`` (default: all global and local
    variables) that have no value yet in the session that runs it, as bytes, as in TF1."""
    if var_list is None:
        var_list = global_variables() + local_variables()
    graph = get_default_graph()
    with graph.name_scope(name):
        if not var_list:
            return constant(np.array([], dtype=object), dtype=dtypes.string)
        initialized = stack([is_variable_initialized(v) for v in var_list])
        uninitialized = logical_not(initialized)
        names = constant(np.array([v.op.name.encode() for v in var_list], dtype=object))
        return boolean_mask(names, uninitialized)
