"""Small helpers shared by the op modules: building an op, converting operands."""

from minigraph.graph import convert_to_tensor, get_default_graph

__all__ = ["make", "make_op", "make_binary", "as_tensor", "binary_operands", "graph_of"]


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


def as_tensor(value, dtype=None, name=None):
    return convert_to_tensor(value, dtype=dtype, name=name)


def binary_operands(x, y):
    """Convert the operands of a binary op: a non-tensor takes the tensor's dtype.

    ``x * 2`` with ``x`` float32 builds a float32 constant 2, as TF1 does; two tensors of
    different dtypes are an error raised by the op's own ``infer``.
    """
    x_is = hasattr(x, "_as_graph_tensor")
    y_is = hasattr(y, "_as_graph_tensor")
    if x_is:
        x = x._as_graph_tensor()
        y = y._as_graph_tensor() if y_is else convert_to_tensor(y, dtype=x.dtype, name="y")
    elif y_is:
        y = y._as_graph_tensor()
        x = convert_to_tensor(x, dtype=y.dtype, name="x")
    else:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
    return x, y


def make_binary(opdef, x, y, attrs=None, name=None):
    """Build the binary op ``opdef`` on ``x`` and ``y``, returning its output.

    As in TF, a Python or numpy operand becomes a constant inside the op's own name scope,
    so ``tf.maximum(h, 0)`` draws as ``Maximum`` fed by ``Maximum/y``.
    """
    __tracebackhide__ = True
    name = name or opdef.type
    if hasattr(x, "_as_graph_tensor") and hasattr(y, "_as_graph_tensor"):
        return make(opdef, [x._as_graph_tensor(), y._as_graph_tensor()], attrs, name)
    with graph_of(x, y).name_scope(name) as scope:
        x, y = binary_operands(x, y)
        return make(opdef, [x, y], attrs, scope)
