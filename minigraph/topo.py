"""The one topological sort, shared by Session.run, tf.gradients and the drawings.

Iterative (a chain of 10,000 ops is fine; Python's recursion limit is never involved) and
pruned: it visits only what the targets need, and does not look behind tensors that are
given (fed values, in a Session).
"""

__all__ = ["toposort", "ops_between"]


def toposort(targets, given=frozenset(), control=True):
    """The ops needed to compute ``targets`` (ops), each after all its inputs.

    Args:
      targets: Operations to compute.
      given: Tensors whose values are supplied (fed): the walk stops there.
      control: also follow control inputs (``False`` for data dependencies only).

    Returns:
      A list of Operations in an order that can be executed, each once. Among ready ops
      the order follows the order of inputs, so it is the same on every call.
    """
    order = []
    done = set()
    on_path = set()
    for target in targets:
        if target in done:
            continue
        stack = [(target, _deps(target, given, control))]
        on_path.add(target)
        while stack:
            op, deps = stack[-1]
            for dep in deps:
                if dep not in done:
                    if dep in on_path:
                        raise ValueError("The graph has a cycle through %r" % dep.name)
                    on_path.add(dep)
                    stack.append((dep, _deps(dep, given, control)))
                    break
            else:
                stack.pop()
                on_path.discard(op)
                done.add(op)
                order.append(op)
    return order


def _deps(op, given, control):
    """An iterator over the ops ``op`` waits for."""
    for t in op.inputs:
        if t not in given:
            yield t.op
    if control:
        yield from op.control_inputs


def ops_between(sources, targets):
    """The ops on some data path from tensors ``sources`` to tensors ``targets``, in
    topological order: what ``tf.gradients`` must differentiate."""
    order = toposort([t.op for t in targets], control=False)
    live = set(sources)
    between = []
    for op in order:
        if any(t in live for t in op.inputs):
            between.append(op)
            live.update(op.outputs)
    return between
