""""Check yourself" helpers for the lessons' exercises.

Each check inspects the graph or a run trace, not only printed numbers, and either shows a
green line saying what is right or raises ``AssertionError`` with a hint saying what to look
at. Lessons call them in the cell after an exercise:

    from widgets.checks import check, update_is_reached
    check(update_is_reached([loss, train_op]), "your fetches run the update")
"""

import html

from minigraph.graph import Tensor
from minigraph.lint import dead_updates
from minigraph.topo import toposort

__all__ = ["check", "Verdict", "update_is_reached", "has_variables", "ran", "pruned",
           "op_types_between", "gradient_of"]


class Verdict:
    """The outcome of one check: ``ok`` plus a sentence for the student."""

    def __init__(self, ok, message):
        self.ok = bool(ok)
        self.message = message

    def __bool__(self):
        return self.ok


def check(verdict, success=None, hint=None):
    """Show a green "✓ <success>" if ``verdict`` holds, else raise ``AssertionError``.

    ``verdict`` is a :class:`Verdict` (its message is the hint) or a plain bool.
    """
    if not isinstance(verdict, Verdict):
        verdict = Verdict(verdict, hint or "not yet: read the step above again")
    if not verdict.ok:
        raise AssertionError("Not yet: " + (hint or verdict.message))
    text = success or verdict.message
    try:
        from IPython.display import HTML, display
        display(HTML('<div style="color:#1e8449;font-weight:bold">&#10003; %s</div>'
                     % html.escape(text)))
    except ImportError:  # pragma: no cover - outside IPython
        print("OK: " + text)
    return verdict


def update_is_reached(fetches, feed_dict=None):
    """Every update op of the graph (assigns, ``UPDATE_OPS``) runs when ``fetches`` run."""
    dead = dead_updates(fetches, feed_dict=feed_dict)
    if dead:
        return Verdict(False, "these update ops would not run: %s. Fetch them (or a group of "
                              "them) together with the loss." % ", ".join(op.name for op in dead))
    return Verdict(True, "every update op is reached by your fetches")


def has_variables(names, graph=None):
    """The graph's global variables are exactly ``names`` (op names, e.g. ``dense/kernel``)."""
    from minigraph.graph import GraphKeys, get_default_graph
    graph = graph or get_default_graph()
    have = sorted(v.op.name for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES))
    want = sorted(names)
    if have != want:
        return Verdict(False, "the graph's variables are %s, expected %s" % (have, want))
    return Verdict(True, "the graph has exactly the variables %s" % ", ".join(want))


def _op(x):
    if isinstance(x, Tensor):
        return x.op
    if hasattr(x, "_as_graph_tensor"):
        return x._as_graph_tensor().op
    return x


def ran(trace, node):
    """``node`` (op, tensor, Variable) was executed in the run ``trace`` records."""
    op = _op(node)
    if op in trace.executed:
        return Verdict(True, "'%s' ran" % op.name)
    return Verdict(False, "'%s' did not run in that Session.run: no fetch needed it" % op.name)


def pruned(trace, node):
    """``node`` was pruned (not executed) in the run ``trace`` records."""
    op = _op(node)
    if op in trace.pruned:
        return Verdict(True, "'%s' was pruned" % op.name)
    return Verdict(False, "'%s' was not pruned: some fetch needs it" % op.name)


def op_types_between(fetch, source):
    """The op types on the paths from ``source`` to ``fetch`` (for "which ops did this
    build?" exercises), in topological order."""
    from minigraph.topo import ops_between
    src = source if isinstance(source, Tensor) else _op(source).outputs[0]
    return [op.type for op in ops_between([src], [fetch if isinstance(fetch, Tensor)
                                                  else _op(fetch).outputs[0]])]


def gradient_of(grad, forward):
    """Gradient tensor ``grad`` was built by ``tf.gradients`` for the forward op ``forward``
    (or for one of the ops it depends on)."""
    g, f = _op(grad), _op(forward)
    if g.gradient_of is None:
        return Verdict(False, "'%s' is not a gradient op: build it with tf.gradients" % g.name)
    upstream = set(toposort([f], control=False))
    if g.gradient_of in upstream:
        return Verdict(True, "'%s' is part of the backward pass of '%s'" % (g.name, f.name))
    return Verdict(False, "'%s' differentiates '%s', which '%s' does not depend on"
                   % (g.name, g.gradient_of.name, f.name))

