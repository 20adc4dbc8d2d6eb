"""``tf.train.Optimizer``: the base class of every optimizer, and what ``minimize`` builds.

``train_op = optimizer.minimize(loss)`` only *builds* ops, in two steps:

1. ``compute_gradients(loss)`` calls ``tf.gradients(loss, var_list)`` and pairs each
   gradient with its variable: ``[(grad, var), ...]``.
2. ``apply_gradients(grads_and_vars)`` turns the hyperparameters into constants
   (``Adam/learning_rate``, ``Adam/beta1``...), adds for each variable ONE fused update op
   under the name scope ``<Optimizer>/update_<var>/`` (``GradientDescent/update_w/
   ApplyGradientDescent``, ``Adam/update_w/ApplyAdam``: see :mod:`minigraph.ops.training_ops`)
   and groups them into ONE op named after the optimizer (``GradientDescent``, ``Adam``...),
   returned as ``train_op``. This is the graph TF1 builds, node for node.

Nothing changes until a ``Session.run`` reaches ``train_op``: ``sess.run(loss)`` computes
the loss and leaves every variable as it was (the "model that never learns" bug);
``sess.run([loss, train_op])`` takes one step. A run reads every variable before it updates
any (see :mod:`minigraph.plan`), so that loss is the loss before the step and every gradient
is taken at the old values, whatever the order of the fetches.

Optimizers with state (Momentum's velocity, Adam's moments) keep it in *slot* variables,
one per trained variable, named as TF names them (``Variable/Adam``, ``Variable/Adam_1``),
created non-trainable in ``GLOBAL_VARIABLES``. So ``tf.global_variables_initializer()``
must be called AFTER ``minimize``, or the slots are left out of it, exactly as in TF1.

Hyperparameters follow TF1 too: a Python ``learning_rate=0.1`` becomes a float32 constant,
cast to each variable's dtype, so a float64 variable moves by ``float32(0.1) * grad``.

A subclass implements the TF1 hooks: ``_create_slots(var_list)``, ``_prepare()`` (turn
hyperparameters into tensors), ``_apply_dense(grad, var)`` (one variable's update op) and,
if it has more to do after all updates, ``_finish(update_ops, name_scope)``.
"""

from minigraph import dtypes
from minigraph.gradients import gradients
from minigraph.graph import GraphKeys, Operation, Tensor, get_default_graph, name_scope
from minigraph.ops.array_ops import identity, zeros, zeros_like
from minigraph.ops.constant_op import as_tensor
from minigraph.ops.control_flow_ops import group
from minigraph.variables import Variable

__all__ = ["Optimizer"]

_VALID_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64)


class Optimizer:
    """The base class of the optimizers (``tf.train.Optimizer``). Do not use it directly:
    use a subclass such as ``GradientDescentOptimizer`` or ``AdamOptimizer``.

    Args:
      use_locking: accepted for TF1 compatibility; minigraph runs one op at a time, so
        there is nothing to lock.
      name: the name scope of the ops ``apply_gradients`` builds, and of the op it returns.
    """

    # gate_gradients values of compute_gradients / minimize, as in TF1
    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}        # slot name -> {var op: slot Variable}
        self._non_slots = {}    # (name, graph) -> Variable, e.g. Adam's beta1_power

    def get_name(self):
        return self._name

    # -- the public API -------------------------------------------------------------------
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """Build the op that takes one step down the gradient of ``loss``.

        Args:
          loss: a scalar floating point tensor to minimize.
          global_step: optional integer Variable, incremented by one each time the returned
            op runs (after all the variable updates).
          var_list: the variables to update (default: ``tf.trainable_variables()``).
          name: the name of the returned op (default: the optimizer's name).

        Returns:
          ONE Operation; run it (``sess.run(train_op)``) to update the variables.
        """
        grads_and_vars = self.compute_gradients(loss, var_list=var_list,
                                                gate_gradients=gate_gradients,
                                                grad_loss=grad_loss)
        vars_with_grad = [v for g, v in grads_and_vars if g is not None]
        if not vars_with_grad:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                "support gradients, between variables %s and loss %s."
                % ([str(v) for _, v in grads_and_vars], loss))
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """The gradients of ``loss`` with respect to each variable of ``var_list``.

        Returns:
          A list of ``(gradient, variable)`` pairs. The gradient is ``None`` for a variable
          that ``loss`` does not depend on (``apply_gradients`` skips those).
        """
        if gate_gradients not in (Optimizer.GATE_NONE, Optimizer.GATE_OP,
                                  Optimizer.GATE_GRAPH):
            raise ValueError("gate_gradients must be one of: Optimizer.GATE_NONE, "
                             "Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not %s"
                             % gate_gradients)
        if callable(loss):
            loss = loss()
        loss = as_tensor(loss)
        _assert_valid_dtypes([loss], "loss")
        if var_list is None:
            var_list = loss.graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
        else:
            var_list = [_as_variable(v) for v in _flatten(var_list)]
        if not var_list:
            raise ValueError("No variables to optimize.")
        # GATE_OP: each gradient op's outputs leave through tf.tuple's Identities
        # (gradients/MatMul_grad/tuple/control_dependency_1), as in TF1
        grads = gradients(loss, var_list, grad_ys=grad_loss,
                          gate_gradients=(gate_gradients == Optimizer.GATE_OP))
        if gate_gradients == Optimizer.GATE_GRAPH:
            grads = _gate_together(grads)
        grads_and_vars = list(zip(grads, var_list))
        _assert_valid_dtypes([v for g, v in grads_and_vars if g is not None], "variable")
        return grads_and_vars

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Build the updates of the rule for the given ``(gradient, variable)`` pairs.

        Returns ONE op grouping every update (and, if ``global_step`` is given, adding one
        to it once they are done). Pairs whose gradient is ``None`` are skipped.
        """
        return self._apply(grads_and_vars, global_step, name)

    def get_slot(self, var, name):
        """The slot variable ``name`` (e.g. ``"m"`` for Adam) kept for ``var``, or None."""
        named = self._slots.get(name)
        if not named:
            return None
        return named.get(_var_key(var))

    def get_slot_names(self):
        """The names of the slots this optimizer keeps per variable, sorted."""
        return sorted(self._slots)

    def variables(self):
        """Every variable the optimizer created in the default graph (slots and the like),
        sorted by name."""
        graph = get_default_graph()
        found = [v for (_, g), v in self._non_slots.items() if g is graph]
        for named in self._slots.values():
            found += [v for v in named.values() if v.graph is graph]
        return sorted(found, key=lambda v: v.name)

    # -- building the train op --------------------------------------------------------------
    def _apply(self, grads_and_vars, global_step, name):
        pairs = tuple(grads_and_vars)
        if not pairs:
            raise ValueError("No variables provided.")
        pairs = [(None if g is None else as_tensor(g), _as_variable(v)) for g, v in pairs]
        var_list = [v for g, v in pairs if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: %s."
                             % ([str(v) for _, v in pairs],))
        graph = var_list[0].graph
        with graph.as_default():
            # slots are initialized by the initializer, never by the train op: no control
            # dependencies of the caller's `with tf.control_dependencies(...)` block
            with graph.control_dependencies(None):
                self._create_slots(var_list)
            with name_scope(name, self._name) as scope:
                self._prepare()
                update_ops = []
                for grad, var in pairs:
                    if grad is None:
                        continue
                    with graph.name_scope("update_" + var.op.name):
                        update = self._apply_dense(grad, var)
                        if var.constraint is not None:
                            update = _project(self, var, update, graph)
                        update_ops.append(_as_op(update))
                if global_step is None:
                    train_op = self._finish(update_ops, scope)
                else:
                    # TF1's AssignAdd named after the optimizer (Adam), adding the Const
                    # Adam/value, which waits for Adam/update (the group of every update)
                    with graph.control_dependencies([self._finish(update_ops, "update")]):
                        train_op = _as_variable(global_step).assign_add(
                            1, name=scope, read_value=False)
            train_ops = graph.get_collection_ref(GraphKeys.TRAIN_OP)
            if train_op not in train_ops:
                train_ops.append(train_op)
        return train_op

    # -- the hooks a subclass implements --------------------------------------------------------
    def _create_slots(self, var_list):
        """Create the slot variables every update needs (none for plain gradient descent)."""

    def _prepare(self):
        """Turn the hyperparameters into tensors, once per ``apply_gradients``."""

    def _apply_dense(self, grad, var):
        """The op (or assign's output) that updates ``var`` given its gradient ``grad``."""
        raise NotImplementedError()

    def _finish(self, update_ops, name_scope):
        """The op that runs every update op; named ``name_scope`` (``"Adam/"`` -> ``Adam``)."""
        return group(*update_ops, name=name_scope)

    # -- helpers for subclasses ---------------------------------------------------------------
    @staticmethod
    def _call_if_callable(param):
        """TF1 accepts hyperparameters as callables returning the value."""
        return param() if callable(param) else param

    def _zeros_slot(self, var, slot_name, op_name):
        """The slot ``slot_name`` of ``var``, created as zeros of var's shape if new."""
        if var.shape.is_fully_defined():
            return self._get_or_make_slot(var, lambda: zeros(var.shape, dtype=var.dtype),
                                          slot_name, op_name)
        return self._get_or_make_slot(var, lambda: zeros_like(var.initial_value),
                                      slot_name, op_name)

    def _get_or_make_slot(self, var, initial_value, slot_name, op_name):
        """The slot ``slot_name`` of ``var``; if new, a variable named ``<var>/<op_name>``
        (made unique: ``Variable/Adam``, ``Variable/Adam_1``) starting at ``initial_value``
        (a value, or a callable building the initial tensor)."""
        named = self._slots.setdefault(slot_name, {})
        key = _var_key(var)
        if key not in named:
            named[key] = _create_slot(var, initial_value, op_name)
        return named[key]

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """A variable of the optimizer itself, not of one variable (Adam's
        ``beta1_power``), created once per graph in the current name scope."""
        graph = colocate_with.graph
        key = (name, graph)
        v = self._non_slots.get(key)
        if v is None:
            with graph.as_default(), graph.control_dependencies(None):
                v = Variable(initial_value, name=name, trainable=False)
            self._non_slots[key] = v
        return v

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slots.get((name, graph or get_default_graph()))


def _create_slot(primary, initial_value, op_name):
    """A slot variable for ``primary``, as TF's slot_creator makes it: non-trainable, in
    GLOBAL_VARIABLES, named under the primary's own name, with no control dependencies."""
    graph = primary.graph
    shape_known = primary.shape.is_fully_defined()
    with graph.as_default(), graph.control_dependencies(None), \
            graph.name_scope(primary.op.name + "/"):
        return Variable(initial_value, trainable=False, name=op_name,
                        validate_shape=shape_known)


def _var_key(var):
    """Slots are looked up by the variable's op (a Variable or its tensor both work)."""
    return var.op


def _as_variable(v):
    """``v`` itself if a Variable; the Variable behind a variable's tensor; else an error."""
    if isinstance(v, Variable):
        return v
    if isinstance(v, Tensor) and v.op.type == "VariableV2" and "python_variable" in v.op.attrs:
        return v.op.attrs["python_variable"]
    raise TypeError("Trying to optimize unsupported type %r: optimizers update "
                    "tf.Variable objects only." % (v,))


def _project(optimizer, var, update, graph):
    """``var = var.constraint(var)`` right after ``update``, as TF1's optimizers do: the
    ``Assign`` named ``<Optimizer>/update_<var>/Assign``.

    TF1 reads the variable again after the update; in minigraph a run reads each variable
    once, before any update (see :mod:`minigraph.plan`), so the constraint is given the
    update's output instead: the new value, which is what TF1's read sees."""
    op = _as_op(update)
    if not op.opdef.writes_refs or op.inputs[0].op is not var.op:
        raise NotImplementedError(
            "%s._apply_dense returned %s, not an update of %s: the variable's constraint needs "
            "the updated value (return the update op, e.g. ApplyGradientDescent or "
            "var.assign...)" % (type(optimizer).__name__, op.name, var.op.name))
    # TF1's projection waits for the update (the Assign gets no control input of its own
    # when its input was made inside the block: graph.control_dependencies' rule)
    with graph.control_dependencies([op]):
        return var.assign(as_tensor(var.constraint(op.outputs[0])))


def _as_op(x):
    return x if isinstance(x, Operation) else x.op


def _flatten(xs):
    if isinstance(xs, (list, tuple)):
        return [y for x in xs for y in _flatten(x)]
    return [xs]


def _assert_valid_dtypes(tensors, what):
    for t in tensors:
        if t.dtype not in _VALID_DTYPES:
            raise ValueError("Invalid type %r for %s %s, expected: %s. An optimizer needs a "
                             "floating point %s; cast it with tf.cast(x, tf.float32)."
                             % (t.dtype, what, t.name, list(_VALID_DTYPES), what))


def _gate_together(grads):
    """TF1's GATE_GRAPH (``tf.tuple``): each gradient passes through an Identity that runs
    only once every gradient has been computed."""
    present = [g for g in grads if g is not None]
    if not present:
        return grads
    graph = present[0].graph
    with graph.name_scope("tuple"):
        gate = group(*present)
        with graph.control_dependencies([gate]):
            return [None if g is None else identity(g, name="control_dependency")
                    for g in grads]
