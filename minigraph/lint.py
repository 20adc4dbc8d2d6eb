"""The dead-update lint: update ops that what you run never reaches.

The classic TF1 bug of the lecture: the training loop fetches only ``[loss]``, so
``Session.run`` prunes every ``assign`` and the model never learns. ``dead_updates`` lists
such ops for given fetches; ``Session.run`` uses ``loop_warning`` to warn once when the same
fetches are run again and again without ever reaching an update that exists in the graph.
``orphans`` lists the ops no fetch reaches (a stale copy of a model from a re-run cell).

Like every minigraph tool, this is not TF1's API: ``from minigraph import lint``.
"""

import warnings

from minigraph.graph import GraphKeys, Tensor, get_default_graph
from minigraph.topo import toposort

__all__ = ["dead_updates", "dead_update_message", "update_ops", "DeadUpdateWarning", "fetch_ops",
           "is_initializer", "is_init_group",
           "fetches_graph", "loop_warning", "orphans", "Orphans"]


class DeadUpdateWarning(UserWarning):
    """A training loop that never runs any of the graph's update ops."""


def update_ops(graph):
    """The graph's update ops: every assign except variable initializers, plus
    ``GraphKeys.UPDATE_OPS``."""
    updates = [op for op in graph.get_operations() if op.opdef.writes_refs
               and not is_initializer(op)]
    for u in graph.get_collection(GraphKeys.UPDATE_OPS):
        op = u.op if isinstance(u, Tensor) else u
        if op not in updates:
            updates.append(op)
    return updates


def is_initializer(op):
    """True for the Assign that sets a Variable to its initial value."""
    if op.type != "Assign" or op.inputs[0].op.type != "VariableV2":
        return False
    pyvar = op.inputs[0].op.attrs.get("python_variable")
    return pyvar is not None and pyvar.initializer is op


def is_init_group(op):
    """A ``tf.global_variables_initializer()``-style NoOp: all it runs is initializers."""
    deps = list(op.control_inputs) + [t.op for t in op.inputs]
    return op.type == "NoOp" and bool(deps) and all(
        is_initializer(d) or is_init_group(d) for d in deps)


def fetch_ops(fetches, graph):
    """The ops behind a fetch or a (nested) list of fetches."""
    out = []
    for f in fetches if isinstance(fetches, (list, tuple, set)) else [fetches]:
        if isinstance(f, (list, tuple)):
            out += fetch_ops(f, graph)
            continue
        f = graph.as_graph_element(f)
        out.append(f.op if isinstance(f, Tensor) else f)
    return out


def fetches_graph(fetches):
    """The graph the first graph element among ``fetches`` belongs to."""
    for f in fetches if isinstance(fetches, (list, tuple)) else [fetches]:
        if isinstance(f, (list, tuple)):
            return fetches_graph(f)
        if hasattr(f, "graph"):
            return f.graph
    return get_default_graph()


def dead_updates(fetches, graph=None, feed_dict=None):
    """Update ops in the graph that running ``fetches`` would NOT run.

    If your training loop fetches only ``[loss]``, every ``assign`` (and every op in
    ``GraphKeys.UPDATE_OPS``, e.g. batch norm's moving averages) shows up here.
    """
    graph = graph or fetches_graph(fetches)
    given = {graph.as_graph_element(k) for k in (feed_dict or {})}
    reached = set(toposort(fetch_ops(fetches, graph), given))
    return [op for op in update_ops(graph) if op not in reached]


def dead_update_message(fetches, graph=None, feed_dict=None, dead=None):
    """A readable explanation of :func:`dead_updates`, or ``""`` if there are none."""
    if dead is None:
        dead = dead_updates(fetches, graph, feed_dict)
    if not dead:
        return ""
    names = ", ".join("'%s'" % op.name for op in dead[:8]) + (" ..." if len(dead) > 8 else "")
    return ("%d update op%s will not run: %s. Session.run executes only what the fetches need, "
            "and nothing you fetch depends on %s. Fetch the update too (e.g. "
            "sess.run([loss, updates])) or make it a control dependency of what you fetch."
            % (len(dead), "" if len(dead) == 1 else "s", names,
               "it" if len(dead) == 1 else "them"))


def loop_warning(order, graph, fetch_names):
    """For ``Session.run``: ``(runs_updates, warning)`` for a plan running the ops ``order``.

    ``runs_updates`` tells whether the plan runs any update op (initializers do not count);
    ``warning`` is the text to give if a plan that runs none, while the graph has some, is
    run in a loop, else None.
    """
    updates = update_ops(graph)
    if not updates:
        return False, None
    update_set = set(updates)
    if any(op in update_set for op in order):
        return True, None
    # only updates that share computation with this run count: fetching [loss] while the
    # update needs the loss's gradient is the bug; merely reading a variable is not
    computed = {op for op in order if op.inputs
                and not all(t.op.type == "VariableV2" for t in op.inputs)}  # not a w/read
    dead = [u for u in updates if computed.intersection(toposort([u]))]
    if not dead:
        return False, None
    return False, ("Session.run(%s) has now run several times without running any of the "
                   "graph's %d update ops, so no variable changes: is this a training loop "
                   "that forgot to fetch its update op? %s"
                   % (", ".join(fetch_names), len(dead),
                      dead_update_message(None, graph, dead=dead)))


def warn(message):
    warnings.warn(message, DeadUpdateWarning, stacklevel=3)


# ------------------------------------------------------------------------------------------
# Orphans
# ------------------------------------------------------------------------------------------

class Orphans:
    """Ops none of the fetches reach, grouped by where they were created.

    Attributes:
      ops: the orphaned ops, in creation order.
      groups: ``[(site, [ops])]`` with one entry per creating line.
    """

    def __init__(self, ops):
        self.ops = ops
        groups = {}
        for op in ops:
            groups.setdefault(op.site.key(), (op.site, []))[1].append(op)
        self.groups = list(groups.values())

    def __len__(self):
        return len(self.ops)

    def __iter__(self):
        return iter(self.ops)

    def __repr__(self):
        if not self.ops:
            return "No orphaned ops: every op is reached by the fetches."
        lines = ["%d ops are not reached by the fetches:" % len(self.ops)]
        for site, ops in self.groups:
            names = ", ".join(op.name for op in ops[:6]) + (" ..." if len(ops) > 6 else "")
            lines.append("  %s (%d ops): %s" % (site, len(ops), names))
        return "\n".join(lines)


def orphans(fetches, graph=None, include_initializers=False):
    """The ops of ``graph`` that running ``fetches`` never touches, e.g. the stale copy of a
    model left behind by re-running a cell. Variable initializers (and the ``init`` op) are
    left out unless ``include_initializers``. Draw them greyed out with
    ``minigraph.viz.draw(muted=orphans(...).ops)``."""
    graph = graph or fetches_graph(fetches)
    reached = set(toposort(fetch_ops(fetches, graph)))
    skip = set()
    if not include_initializers:
        for op in graph.get_operations():
            if is_init_group(op) or is_initializer(op):
                # the initializer and its initial value, not the variable it writes
                skip.update(o for o in toposort([op]) if o.type != "VariableV2")
    return Orphans([op for op in graph.get_operations() if op not in reached and op not in skip])
