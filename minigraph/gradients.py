"""``tf.gradients``: reverse-mode differentiation that *adds ops to the graph*.

Nothing is computed here. For the ops on a path from ``xs`` to ``ys``, visited in reverse
topological order, each op's ``gradient`` function builds the ops that turn the gradient
of its outputs into gradients of its inputs: of *every* floating point input, as TF1 does,
also of inputs no x depends on (a placeholder, a constant); those ops are built but never
run, since no fetch needs them, and building them gives the gradient ops TF1's names
(``matmul(x, w1)``'s gradient for ``w1`` is ``gradients/MatMul_grad/MatMul_1``, built after
the one for ``x``). Gradients that reach a tensor along several paths (fan-out) are summed
with an ``AddN`` op. Every op built is placed under the ``gradients`` name scope and tagged
with the forward op it differentiates (``op.gradient_of``), so the backward graph can be
drawn beside the forward one, run, and differentiated again.

A ``tf.cond`` needs nothing special here (the gradients of its ``Switch`` and ``Merge`` ops
are theirs, beside their forward), a ``tf.while_loop`` is differentiated as one unit, by a
loop running backwards (:mod:`minigraph.ops.control_flow_grad`).

With ``gate_gradients=True`` (what ``Optimizer.compute_gradients`` asks for by default,
TF1's ``GATE_OP``) the gradients of an op's inputs, when there are several, pass through
``<op>_grad/tuple/control_dependency`` Identities that wait for all of them
(``tf.tuple``), as in TF1.
"""

from minigraph.dataflow import unit_order
from minigraph.ops import control_flow_grad
from minigraph.ops.array_ops import fill, identity, shape
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.ops.control_flow_ops import group
from minigraph.ops.math_ops import add_n
from minigraph.topo import ops_between

__all__ = ["gradients"]


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None, **unused):
    """Symbolic derivatives of ``sum(ys)`` with respect to each of ``xs`` (``tf.gradients``).

    Args:
      ys: a tensor or list of tensors to differentiate.
      xs: a tensor, Variable or list of them.
      grad_ys: optional initial gradients, one per y (default: ones of y's shape).
      name: the name scope of the ops added ("gradients", "gradients_1", ...).
      gate_gradients: if True, each op's input gradients (when there are several) wait for
        each other: TF1's ``tuple/control_dependency`` Identities (``GATE_OP``).
      stop_gradients: tensors to treat as constants (no gradient flows through them).
      colocate_gradients_with_ops, aggregation_method: TF1's device and summation options;
        one CPU and ``AddN`` here, so they change nothing.

    Returns:
      A list with one tensor per x, of x's shape, or ``None`` where x does not affect ys.
    """
    ys = [as_tensor(y) for y in _as_list(ys)]
    # a Variable is differentiated by as itself (w:0), as TF1 does: its gradient flows
    # back through every op that read it
    xs = [x._as_graph_element() if hasattr(x, "_as_graph_element") else as_tensor(x)
          for x in _as_list(xs)]
    grad_ys = [None] * len(ys) if grad_ys is None else _as_list(grad_ys)
    if len(grad_ys) != len(ys):
        raise ValueError("Passed %d grad_ys for %d ys" % (len(grad_ys), len(ys)))
    stops = {as_tensor(s) for s in _as_list(stop_gradients)} if stop_gradients else set()
    graph = ys[0].graph

    with graph.name_scope(name):
        # grads[t]: the list of gradient contributions reaching tensor t so far
        grads = {}
        for i, (y, gy) in enumerate(zip(ys, grad_ys)):
            with graph.gradient_scope(y.op):
                if gy is None:
                    if not y.dtype.is_floating:
                        raise TypeError("tf.gradients of %r: ys must be floating point, got %s"
                                        % (y.name, y.dtype.name))
                    gy = _ones_like(y)
                else:
                    gy = _grad_y(gy, y, i)
            grads.setdefault(y, []).append(gy)

        between = ops_between(xs, ys)
        _backprop(between, grads, stops, gate_gradients, graph)
        results = [_summed(grads, x, x.op) for x in xs]
        graph.gradient_results.update(g for g in results if g is not None)
        for x, g in zip(xs, results):
            _note_gradient(graph, x, g)
        return results


def _backprop(ops, grads, stops, gate_gradients, graph, depth=0):
    """Build the gradient ops of ``ops`` (in topological order), last op first, from the
    gradients in ``grads`` (``{tensor: [contributions]}``), adding to it the gradients of
    their inputs. A ``tf.while_loop`` among them is one unit, differentiated by a loop
    running backwards (:mod:`minigraph.ops.control_flow_grad`), whose body's gradient is
    built by this function again."""
    items = ops
    if any(op._control_flow_context is not None for op in ops):   # maybe a while loop
        items = unit_order(ops, depth)
    for op in reversed(items):
        if type(op) is tuple:   # a while loop (its context, Enters, body, Exits)
            control_flow_grad.while_loop_gradient(
                op, grads, stops, _summed,
                lambda body, body_grads: _backprop(body, body_grads, stops, gate_gradients,
                                                   graph, depth + 1))
            continue
        out_grads = [_summed(grads, t, op) for t in op.outputs]
        if all(g is None for g in out_grads):
            continue
        for t, g in zip(op.outputs, out_grads):
            _note_gradient(graph, t, g)
        # every floating point input gets its gradient built, as in TF1 (the ones no x
        # depends on never run); integer inputs (indices, shapes, labels) get none
        needed = [t.dtype.is_floating and t not in stops for t in op.inputs]
        if not any(needed):
            continue
        if not op.opdef.differentiable:
            continue
        if op.opdef.gradient is None:
            raise LookupError("No gradient defined for operation '%s' (op type: %s), created "
                              "at %s" % (op.name, op.type, op.site))
        with graph.name_scope(op.name + "_grad"), graph.gradient_scope(op):
            grad_arg = out_grads[0] if len(op.outputs) == 1 else out_grads
            in_grads = op.opdef.gradient(op, grad_arg, needed)
            if gate_gradients and sum(g is not None for g in in_grads) > 1:
                in_grads = _gated(in_grads, graph)
        if len(in_grads) != len(op.inputs):
            raise ValueError("The gradient of %s returned %d gradients for %d inputs"
                             % (op.type, len(in_grads), len(op.inputs)))
        for t, g, want in zip(op.inputs, in_grads, needed):
            if g is not None and want:
                grads.setdefault(t, []).append(g)


def _grad_y(gy, y, i):
    """``grad_ys[i]`` as a tensor of ``y``'s dtype: a Python number or array is converted
    to it; a tensor must have it already (TF1 raises a TypeError too)."""
    __tracebackhide__ = True
    if not hasattr(gy, "_as_graph_tensor"):
        return as_tensor(gy, dtype=y.dtype)
    gy = as_tensor(gy)
    if gy.dtype != y.dtype:
        raise TypeError("tf.gradients: grad_ys[%d] (%s) has dtype %s, but ys[%d] (%s) has dtype "
                        "%s: pass grad_ys of the same dtype as ys (e.g. tf.constant(0.7, "
                        "dtype=tf.%s), or a plain number, which takes ys' dtype)"
                        % (i, gy.name, gy.dtype.name, i, y.name, y.dtype.name, y.dtype.name))
    return gy


def _gated(grads, graph):
    """``tf.tuple(grads)``: each gradient through an Identity that waits for all of them."""
    with graph.name_scope("tuple"):
        gate = group(*[g.op for g in grads if g is not None])
        with graph.control_dependencies([gate]):
            return [None if g is None else identity(g, name="control_dependency")
                    for g in grads]


def _note_gradient(graph, t, g):
    """Record ``g`` as the total gradient of tensor ``t`` (``graph.output_gradients``)."""
    if g is not None and g not in graph.output_gradients.setdefault(t, []):
        graph.output_gradients[t].append(g)


def _summed(grads, t, op):
    """The total gradient of tensor ``t``: its contributions summed once, with ``AddN``."""
    parts = grads.get(t)
    if not parts:
        return None
    if len(parts) > 1:
        with op.graph.gradient_scope(t.op):
            parts[:] = [add_n(parts)]
    return parts[0]


def _ones_like(y):
    """d y / d y = 1 with y's shape: a small constant (a scalar loss), else fill(shape(y), 1),
    which allocates nothing until it runs."""
    n = y.shape.num_elements()
    if n is not None and n <= 1000:
        return constant(1, dtype=y.dtype, shape=y.shape.as_list(), name="grad_ys_0")
    return fill(shape(y), constant(1, dtype=y.dtype), name="grad_ys_0")

