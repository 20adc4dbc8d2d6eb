"""Ops that compute nothing but order things: ``no_op`` and ``group``."""

from minigraph.api import export
from minigraph.graph import Operation, get_default_graph
from minigraph.op_def import OpDef, register


@register
class NoOp(OpDef):
    """Does nothing; useful only for its control inputs ("run all of these")."""
    kind = "noop"
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return []

    @staticmethod
    def forward():
        return None


@export("no_op")
def no_op(name=None):
    """``tf.no_op``: an op that does nothing."""
    return get_default_graph().create_op(NoOp, [], None, name or "NoOp")


@export("group")
def group(*inputs, **kwargs):
    """``tf.group``: one op that, when run, runs all of ``inputs`` (ops or tensors).

    Fetching the group runs every update in it: ``sess.run([loss, tf.group(a1, a2)])``.
    """
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError("Unknown keyword arguments: %s" % ", ".join(kwargs))
    graph = None
    ops = []
    for x in inputs:
        if hasattr(x, "_as_graph_tensor") and not isinstance(x, Operation):
            x = x._as_graph_tensor() if not hasattr(x, "op") else x.op
        op = x if isinstance(x, Operation) else getattr(x, "op", None)
        if not isinstance(op, Operation):
            raise TypeError("tf.group takes ops and tensors, got %r" % (x,))
        graph = graph or op.graph
        if op not in ops:
            ops.append(op)
    graph = graph or get_default_graph()
    with graph.control_dependencies(ops):
        return graph.create_op(NoOp, [], None, name or "group_deps")
