"""The one topological sort, shared by Session.run, tf.gradients and the drawings.

Iterative (a chain of 10,000 ops is fine; Python's recursion limit is never involved) and
pruned: it visits only what the targets need, and does not look behind tensors that are
given (fed values, in a Session).

A ``tf.while_loop`` is the one cycle a graph may have: its ``Merge`` reads the loop
variable's next value from a ``NextIteration`` op that is computed from the ``Merge`` itself.
That input (the loop's *back edge*) is needed but not waited for: the ``NextIteration`` op
and what it needs are visited after the targets, so a loop's body comes after its ``Merge``.
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
    targets = list(targets)   # grows by the NextIteration ops of loops' back edges
    for target in targets:
        if target in done:
            continue
        stack = [(target, _deps(target, given, control, targets))]
        on_path.add(target)
        while stack:
            op, deps = stack[-1]
            for dep in deps:
                if dep not in done:
                    if dep in on_path:
                        raise ValueError("The graph has a cycle through %r" % dep.name)
                    on_path.add(dep)
                    stack.append((dep, _deps(dep, given, control, targets)))
                    break
            else:
                stack.pop()
                on_path.discard(op)
                done.add(op)
                order.append(op)
    return order


#: the op types whose NextIteration input is a while loop's back edge
_MERGES = ("Merge", "RefMerge")


def _deps(op, given, control, later):
    """An iterator over the ops ``op`` waits for; a loop's back edge goes to ``later``."""
    if op.type in _MERGES:
        for t in op.inputs:
            if t not in given:
                if t.op.type == "NextIteration":
                    later.append(t.op)
                else:
                    yield t.op
    else:
        for t in op.inputs:
            if t not in given:
                yield t.op
    if control:
        yield from op.control_inputs


def ops_between(sources, targets, given=frozenset()):
    """The ops on some data path from tensors ``sources`` to tensors ``targets``, in
    topological order: what ``tf.gradients`` must differentiate (not looking behind the
    tensors ``given``: a while loop's body stops at its loop variables)."""
    order = toposort([t.op for t in targets], given, control=False)
    live = set(sources)
    between = set()
    grew = True
    while grew:   # once, unless a while loop's back edge carries a source into its Merge
        grew = False
        for op in order:
            if op not in between and any(t in live for t in op.inputs):
                between.add(op)
                live.update(op.outputs)
                grew = grew or op.type == "NextIteration"
    return [op for op in order if op in between]
