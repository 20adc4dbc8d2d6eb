"""The gradient of a ``tf.while_loop``: a second loop, running backwards (TF1's).

``tf.gradients`` reaches a forward loop as one unit (``minigraph.gradients``) once the
gradients of its ``Exit`` outputs are known, and builds, under ``gradients/``:

* a counter inside the forward loop (``gradients/f_count``...) telling how many iterations
  it ran, and a backward loop (frame ``gradients/while/while_context``) running that many
  times (``gradients/b_count``...);
* per loop variable, TF1's chain of gradients of the loop's own ops: ``Exit``'s gradient
  enters the backward loop (``b_exit``), ``Switch``'s is a ``Merge`` (``b_switch``) of it and
  of the gradient the body sends back (through a ``NextIteration``), ``Merge``'s a
  ``Switch`` on the backward predicate: out through an ``Exit`` when the backward loop is
  done (the gradient of the loop variable's initial value), else into the body's gradient;
* the gradients of the body's ops, built by the usual reverse walk inside the backward
  loop. A forward value they read is that of the matching forward iteration: the forward
  loop pushes it on a stack (``StackV2``, ``StackPushV2``: ``.../f_acc``), the backward loop
  pops it (``StackPopV2``), last in first out; an outside value enters the backward loop, a
  constant is copied into it;
* per outside value the body reads (an ``Enter`` with ``is_constant``), an accumulator loop
  variable summing its gradient over the iterations (``.../Enter_grad/b_acc``).

A ``tf.cond`` in the body works as in TF1: its predicate is pushed and popped like any
value; a value of one of its branches is pushed only in the iterations that took the branch
(the push is in the branch, and a ``ControlTrigger``, ``f_sync``, waits for it) and popped
only in theirs (the pop reads the stack through a ``Switch`` on the popped predicate).

A loop inside a ``tf.cond`` branch needs nothing more: when the branch is not taken, the
loop is dead, its counter too, and so the gradient loop and what it gives. A loop inside a
loop has its gradient loop inside the outer one's (``outer_state``): the inner loop's count
in each outer iteration is kept on the outer loop's stack, and a value the inner loop reads
from the outer one is kept per outer iteration the same way; the inner stacks, filled
through all outer iterations in turn, empty in the reverse order.

Not supported: second-order gradients through a loop (``tf.gradients`` raises TypeError, as
TF1 does).
"""

import numpy as np

from minigraph import dtypes
from minigraph.errors import InvalidArgumentError
from minigraph.op_def import OpDef, register
from minigraph.ops._util import make_op
from minigraph.ops.constant_op import constant
from minigraph.ops.control_flow_ops import (CondContext, ControlTrigger, WhileContext,
                                            _enter, _exit, _next_iteration, _switch, merge,
                                            zeros_like_alive)
from minigraph.ops.data_ops import resource
from minigraph.tensor_shape import TensorShape
from minigraph.topo import ops_between

__all__ = ["StackV2", "StackPushV2", "StackPopV2", "GradLoopState", "while_loop_gradient"]


# ------------------------------------------------------------------------------------------
# The stack ops: a forward loop's values, kept for its gradient loop
# ------------------------------------------------------------------------------------------

class _Stack(list):
    """A stack living in one run: what ``StackV2`` gives, pushed and popped by the loops."""

    def __repr__(self):
        return "<stack of %d values>" % len(self)


@register
class StackV2(OpDef):
    """y = a new, empty stack (a handle) for this run."""
    kind = "stack"
    stateful = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return TensorShape([]), resource

    @classmethod
    def make_kernel(cls, op, state):
        return lambda max_size: _Stack()


@register
class StackPushV2(OpDef):
    """Pushes ``elem`` on the stack; y = ``elem``."""
    kind = "stack"
    stateful = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return inputs[1].shape, inputs[1].dtype

    @classmethod
    def make_kernel(cls, op, state):
        def push(handle, elem):
            handle.append(elem)
            return elem
        return push


@register
class StackPopV2(OpDef):
    """y = the value on top of the stack, taken off it."""
    kind = "stack"
    stateful = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return TensorShape(None), attrs["elem_type"]

    @classmethod
    def make_kernel(cls, op, state):
        def pop(handle):
            if not handle:
                raise InvalidArgumentError(op.name, op, "Calling Pop() when the stack is "
                                           "empty. [[node %s]]" % op.name)
            return handle.pop()
        return pop


# ------------------------------------------------------------------------------------------
# The state of one loop's gradient
# ------------------------------------------------------------------------------------------

def _loop_constant_enter(t):
    """The ``Enter`` (``is_constant``) ``t`` is, through Identity and Switch ops, or None."""
    op = t.op
    while op.type in ("Switch", "RefSwitch", "Identity"):
        op = op.inputs[0].op
    if op.type in ("Enter", "RefEnter") and op.attrs.get("is_constant"):
        return op
    return None


class GradLoopState:
    """What the gradient of one forward loop needs (TF1's): the forward loop's counter, the
    backward loop (``grad_context``), the forward values already brought into it, and, for
    a loop inside another, the outer loop's state (``outer_state``)."""

    def __init__(self, forward_context, outer_state=None):
        self.forward_context = forward_context
        self.outer_state = outer_state
        self.history_map = {}
        self._forward_sync = None
        count, self.forward_index = forward_context.add_forward_loop_counter()
        if outer_state is not None:   # the inner loop's count, one per outer iteration
            count = outer_state.get_real_value(count)
        self.grad_context = WhileContext(
            parallel_iterations=forward_context.parallel_iterations,
            back_prop=forward_context.back_prop, swap_memory=forward_context.swap_memory,
            name=forward_context.name, grad_state=self, graph=forward_context.graph)
        self.grad_context.add_backprop_loop_counter(count)

    def get_real_value(self, value):
        """The value the backward loop uses for the forward loop's tensor ``value``: an
        outside value (a loop invariant) enters it, a constant is copied into it, any other
        value is kept per iteration on a stack (by the loop it is computed in: this one, or
        for a loop invariant of this one, an outer loop)."""
        real = self.history_map.get(value)
        if real is None:
            graph = value.graph
            cur_value, cur_state, history = value, self, None
            while True:
                enter = _loop_constant_enter(cur_value)
                if enter is not None:   # a loop invariant: look at what enters the loop
                    cur_value, cur_state = enter.inputs[0], cur_state.outer_state
                    if cur_state is None:   # from outside every loop: enter it
                        real = self.grad_context.add_value(cur_value)
                        break
                elif cur_value.op.type == "Const":   # a constant: a copy in the backward loop
                    real = constant(cur_value.op.attrs["value"], dtype=cur_value.dtype)
                    break
                else:   # its history: pushed in each forward iteration, popped backwards
                    self.grad_context.exit()
                    try:
                        history = cur_state._add_forward_accumulator(cur_value)
                    finally:
                        self.grad_context.enter()
                    break
            if real is None:
                real = cur_state._add_backprop_accumulated_value(history, cur_value, graph)
                if cur_state is not self:   # popped in an outer gradient loop: enter it
                    real = self.grad_context.add_value(real)
            self.history_map[value] = real
        return real

    @property
    def forward_sync(self):
        """A ControlTrigger in the forward loop, before its counter's NextIteration: the
        pushes made in a cond branch (dead when it is not taken) wait on it."""
        if self._forward_sync is None:
            graph = self.forward_context.graph
            with graph.control_dependencies(None):
                self._forward_sync = make_op(ControlTrigger, [], None, "f_sync")
            self._forward_sync._control_flow_context = self.forward_context
            self.forward_index.op._add_control_input(self._forward_sync)
        return self._forward_sync

    def _cond_context_of(self, value):
        """The innermost cond branch ``value`` is in, inside the forward loop, or None (a
        value of a loop nested in it is pushed by that loop's own state)."""
        context = value.op._control_flow_context
        if value.op.type in ("Exit", "RefExit"):
            context = context.outer_context
        innermost = context if isinstance(context, CondContext) else None
        while isinstance(context, CondContext):
            context = context.outer_context
        if context is not self.forward_context:
            raise NotImplementedError(
                "tf.gradients through a tf.while_loop inside another tf.while_loop is not "
                "supported by minigraph (%s, made at %s)"
                % (value.name, value.op.site.with_source()))
        return innermost

    def _add_forward_accumulator(self, value):
        """Push ``value`` on a new stack in each forward iteration it is alive in."""
        graph = value.graph
        cond_context = self._cond_context_of(value)
        with graph.control_dependencies(None):
            max_size = constant(-1, dtype=dtypes.int32)
            acc = make_op(StackV2, [max_size], {"elem_type": value.dtype, "stack_name": ""},
                          "f_acc").outputs[0]
        enter_acc = self.forward_context.add_value(acc)
        where = cond_context if cond_context is not None else self.forward_context
        with graph.control_dependencies(None):
            where.enter()
            try:
                push = make_op(StackPushV2, [enter_acc, value], {"swap_memory": False},
                               "StackPushV2")
            finally:
                where.exit()
        if cond_context is None:   # ordered before the counter's next value
            self.forward_index.op._add_control_input(push)
        else:   # dead when its branch is not taken: waited for by a ControlTrigger
            self.forward_sync._add_control_input(push)
        return acc

    def _add_backprop_accumulated_value(self, history, value, graph):
        """Pop ``value``'s history in each backward iteration (for a value in a cond branch,
        only in those whose forward iteration took that branch)."""
        cond_context = self._cond_context_of(value)
        with graph.control_dependencies(None):
            self.grad_context.enter()
            try:
                if cond_context is not None:
                    pred = self.get_real_value(cond_context.pred)
                    history = _switch(history, pred)[cond_context.branch]
                pop = make_op(StackPopV2, [history], {"elem_type": value.dtype},
                              "StackPopV2").outputs[0]
            finally:
                self.grad_context.exit()
        pop._shape = value.shape
        return pop


# ------------------------------------------------------------------------------------------
# The backward loop
# ------------------------------------------------------------------------------------------

def while_loop_gradient(unit, grads, stops, summed, backprop):
    """Build the gradient of the forward loop ``unit`` (``(context, enters, body, exits)``,
    as :func:`minigraph.dataflow.unit_order` gives it) from ``grads`` (``{tensor:
    [contributions]}``, holding its Exits' gradients), adding the gradients of the values
    that enter it. ``summed(grads, t, op)`` sums a tensor's contributions; ``backprop(ops,
    grads)`` builds the gradients of ``ops`` (the body's)."""
    context = unit[0]
    graph = context.graph
    if context.grad_state is not None:   # a gradient loop: TF1 refuses too
        raise TypeError("Second-order gradient for while loops not supported.")
    structure = context.structure
    exit_grads = [summed(grads, v.exit, v.exit.op) for v in structure]
    if all(g is None for g in exit_grads) or not context.back_prop:
        return
    outer_state = None
    outer_loop = context.outer_context.get_while_context() \
        if context.outer_context is not None else None
    if outer_loop is not None:   # a loop in a loop: built in the outer loop's gradient loop
        current = graph._get_control_flow_context()
        current = current.get_while_context() if current is not None else None
        outer_state = current.grad_state if current is not None else None
        if outer_state is None or outer_state.forward_context is not outer_loop:
            raise NotImplementedError(
                "tf.gradients from inside a tf.while_loop to a loop nested in it is not "
                "supported by minigraph (loop %s)" % context.name)

    state = GradLoopState(context, outer_state)
    backward = state.grad_context
    floating = [v for v in structure if v.exit.dtype.is_floating]
    switch_grads, body_grads = {}, {}
    for var, g in zip(structure, exit_grads):
        if var not in floating:
            continue
        if g is None:
            g = zeros_like_alive(var.exit)
        with graph.name_scope(var.exit.op.name + "_grad"), graph.gradient_scope(var.exit.op):
            backward._values.add(g)
            backward.enter()
            try:
                b_exit = _enter(g, backward.name, is_constant=False,
                                parallel_iterations=backward.parallel_iterations,
                                name="b_exit")
            finally:
                backward.exit()
            backward.loop_enters.append(b_exit)
        backward.enter()
        try:
            with graph.name_scope(var.switch.op.name + "_grad"), \
                    graph.gradient_scope(var.switch.op):
                b_switch = merge([b_exit, b_exit], name="b_switch")[0]
            with graph.name_scope(var.merge.op.name + "_grad"), \
                    graph.gradient_scope(var.merge.op):
                to_enter, to_body = _switch(b_switch, backward.pivot)
            with graph.name_scope(var.enter.op.name + "_grad"), \
                    graph.gradient_scope(var.enter.op):
                initial_grad = _exit(to_enter)
        finally:
            backward.exit()
        backward.loop_exits.append(initial_grad)
        backward.exit_result([initial_grad])
        grads.setdefault(var.enter.op.inputs[0], []).append(initial_grad)
        switch_grads[var] = (b_switch, to_body)
        body_grads.setdefault(var.next.op.inputs[0], []).append(to_body)

    # the body's gradient, one backward iteration per forward one
    constants = [e for e in context.constant_enters if e.dtype.is_floating]
    sources = [v.identity for v in floating] + constants
    source_set = set(sources)
    targets = [v.next.op.inputs[0] for v in floating
               if v.next.op.inputs[0] not in source_set]
    body = ops_between(sources, targets, given=source_set) if targets else []
    for op in body:   # the body's ops: in this loop, maybe in a cond or a loop inside it
        inner = op._control_flow_context
        while inner is not None and inner is not context:
            inner = inner.outer_context
        assert inner is context, (op.name, context.name)
    backward.enter()
    try:
        backprop(body, body_grads)
        for var in floating:
            b_switch, to_body = switch_grads[var]
            g = summed(body_grads, var.identity, var.identity.op)
            if g is None:
                g = zeros_like_alive(to_body)
            with graph.name_scope(var.switch.op.name + "_grad"), \
                    graph.gradient_scope(var.switch.op):
                b_switch.op._update_input(1, _next_iteration(g))
        accumulated = []
        for enter in constants:
            g = summed(body_grads, enter, enter.op)
            if g is not None:
                with graph.name_scope(enter.op.name + "_grad"), \
                        graph.gradient_scope(enter.op):
                    accumulated.append((enter, _accumulate(backward, enter, g)))
    finally:
        backward.exit()
    for enter, total in accumulated:
        grads.setdefault(enter.op.inputs[0], []).append(total)


def _accumulate(backward, enter, grad):
    """The sum over the backward iterations of ``grad``, the gradient of the loop constant
    ``enter`` in one iteration: an accumulator loop variable (TF1's ``b_acc``)."""
    backward.exit()
    try:
        shape = grad.shape
        if shape.is_fully_defined():
            acc = constant(np.zeros(shape.as_list(), grad.dtype.as_numpy_dtype), name="b_acc")
        else:
            from minigraph.ops.array_ops import _shape_internal, zeros
            acc = zeros(_shape_internal(enter.op.inputs[0], optimize=False), grad.dtype,
                        name="b_acc")
    finally:
        backward.enter()
    backward._values.add(acc)
    enter_acc = _enter(acc, backward.name, is_constant=False,
                       parallel_iterations=backward.parallel_iterations, name="b_acc")
    backward.loop_enters.append(enter_acc)
    merge_acc = merge([enter_acc, enter_acc], name="b_acc")[0]
    switch_false, switch_true = _switch(merge_acc, backward.pivot)
    from minigraph.ops.math_ops import add
    add_acc = add(switch_true, grad)
    merge_acc.op._update_input(1, _next_iteration(add_acc))
    result = _exit(switch_false, name="b_acc")
    backward.loop_exits.append(result)
    backward.exit_result([result])
    return result

