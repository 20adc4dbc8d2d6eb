"""Building an op: the two calls every op function ends with.

A note on ``__tracebackhide__ = True``, set in these and other functions of minigraph that
users call: IPython and pytest leave such frames out of a traceback, so an error raised while
building or running a graph ends at the user's own line, not deep inside minigraph.
"""

from minigraph.graph import get_default_graph

__all__ = ["make", "make_op", "graph_of", "is_tensor"]


def is_tensor(value):
    """A Tensor or a Variable: anything TF1 would not convert to a new constant."""
    return hasattr(value, "_as_graph_tensor")


def graph_of(*values):
    """The graph of the first graph element among ``values``, else the default graph."""
    for v in values:
        if hasattr(v, "_as_graph_tensor"):
            return v._as_graph_tensor().graph
    return get_default_graph()


def make_op(opdef, inputs, attrs=None, name=None):
    """Create an op of type ``opdef`` in the inputs' graph and return the Operation."""
    __tracebackhide__ = True
    graph = inputs[0].graph if inputs else get_default_graph()
    return graph.create_op(opdef, inputs, attrs, name)


def make(opdef, inputs, attrs=None, name=None):
    """Create an op and return its (first) output Tensor."""
    __tracebackhide__ = True
    return make_op(opdef, inputs, attrs, name).outputs[0]
