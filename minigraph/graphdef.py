"""A minigraph Graph as a TensorFlow ``GraphDef`` protocol buffer, for TensorBoard's Graphs tab.

One ``NodeDef`` per op: ``name`` is the op's full name (TensorBoard folds name scopes into
groups by the ``/`` in names), ``op`` its type, ``input`` its data inputs as ``"name"``
(output 0) or ``"name:i"``, then its control inputs as ``"^name"``. Attributes: ``dtype``
(or ``T``, the dtype of the first output), ``shape``, small constants' ``value``,
``_output_shapes``, and the op's simple attributes (bools, numbers, strings, int lists).

The protos come from the ``tensorboard`` package, imported when the function is called.
"""

import numpy as np

from minigraph.graph import Operation, get_default_graph
from minigraph.dtypes import DType
from minigraph.tensor_shape import TensorShape

__all__ = ["as_graph_def", "node_inputs"]

_DT_NAMES = {"float16": "DT_HALF", "float32": "DT_FLOAT", "float64": "DT_DOUBLE",
             "int8": "DT_INT8", "int16": "DT_INT16", "int32": "DT_INT32", "int64": "DT_INT64",
             "uint8": "DT_UINT8", "bool": "DT_BOOL", "string": "DT_STRING"}

#: A constant's value is stored in the GraphDef only up to this size (TensorBoard itself
#: hides attributes larger than 1 KiB).
MAX_CONST_BYTES = 1024


def _tensor_name(t):
    return t.op.name if t.value_index == 0 else "%s:%d" % (t.op.name, t.value_index)


def node_inputs(op):
    """The ``NodeDef.input`` list of ``op``: data inputs, then ``^``control inputs."""
    names = [_tensor_name(t) for t in op.inputs]
    return names + ["^" + c.name for c in op.control_inputs]


def _dtype_enum(dtype, types_pb2):
    return types_pb2.DataType.Value(_DT_NAMES[dtype.name])


def _shape_proto(shape, tensor_shape_pb2):
    proto = tensor_shape_pb2.TensorShapeProto()
    if shape.ndims is None:
        proto.unknown_rank = True
    else:
        for d in shape.as_list():
            proto.dim.add(size=-1 if d is None else d)
    return proto


def _tensor_proto(arr, dtype, pb):
    proto = pb.tensor_pb2.TensorProto(dtype=_dtype_enum(dtype, pb.types_pb2),
                                      tensor_shape=_shape_proto(TensorShape(arr.shape),
                                                                pb.tensor_shape_pb2))
    if dtype.name == "string":
        proto.string_val.extend(s if isinstance(s, bytes) else str(s).encode("utf-8")
                                for s in arr.ravel())
    else:
        proto.tensor_content = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")) \
            .tobytes()
    return proto


def _attr_value(value, pb):
    """An ``AttrValue`` for a simple Python/minigraph value, or None if there is no easy one."""
    attr_value_pb2 = pb.attr_value_pb2
    if isinstance(value, (bool, np.bool_)):
        return attr_value_pb2.AttrValue(b=bool(value))
    if isinstance(value, (int, np.integer)):
        return attr_value_pb2.AttrValue(i=int(value))
    if isinstance(value, (float, np.floating)):
        return attr_value_pb2.AttrValue(f=float(value))
    if isinstance(value, str):
        return attr_value_pb2.AttrValue(s=value.encode("utf-8"))
    if isinstance(value, DType):
        return attr_value_pb2.AttrValue(type=_dtype_enum(value, pb.types_pb2))
    if isinstance(value, TensorShape):
        return attr_value_pb2.AttrValue(shape=_shape_proto(value, pb.tensor_shape_pb2))
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        return attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(
            i=[int(v) for v in value]))
    return None


class _Protos:
    """The proto modules, imported once per call."""

    def __init__(self):
        # the tensorboard extra is optional: only writing a GraphDef needs its protos
        from tensorboard.compat.proto import (attr_value_pb2, graph_pb2, tensor_pb2,
                                              tensor_shape_pb2, types_pb2)
        self.attr_value_pb2 = attr_value_pb2
        self.graph_pb2 = graph_pb2
        self.tensor_pb2 = tensor_pb2
        self.tensor_shape_pb2 = tensor_shape_pb2
        self.types_pb2 = types_pb2


def _fill_node(node, op, pb, add_shapes):
    """Fill the ``NodeDef`` ``node`` from ``op``."""
    node.name = op.name
    node.op = op.type
    node.input.extend(node_inputs(op))
    attr = node.attr
    for key, value in op.attrs.items():
        if key == "value" and op.type == "Const":
            arr = np.asarray(value)
            if arr.nbytes <= MAX_CONST_BYTES:
                attr["value"].CopyFrom(pb.attr_value_pb2.AttrValue(
                    tensor=_tensor_proto(arr, op.outputs[0].dtype, pb)))
            continue
        if isinstance(value, Operation):  # e.g. an assign's variable: already an input
            continue
        converted = _attr_value(value, pb)
        if converted is not None:
            attr[key].CopyFrom(converted)
    if "dtype" not in attr and op.outputs:
        attr["T"].CopyFrom(pb.attr_value_pb2.AttrValue(
            type=_dtype_enum(op.outputs[0].dtype, pb.types_pb2)))
    if add_shapes and op.outputs:
        shapes = [_shape_proto(t.shape, pb.tensor_shape_pb2) for t in op.outputs]
        attr["_output_shapes"].CopyFrom(pb.attr_value_pb2.AttrValue(
            list=pb.attr_value_pb2.AttrValue.ListValue(shape=shapes)))


def as_graph_def(graph=None, add_shapes=True):
    """``graph.as_graph_def()``: the ``GraphDef`` proto of ``graph`` (default: the default
    graph), one ``NodeDef`` per op in creation order. ``add_shapes`` adds each node's
    static output shapes as ``_output_shapes`` (TensorBoard labels edges with them)."""
    graph = graph if graph is not None else get_default_graph()
    pb = _Protos()
    graph_def = pb.graph_pb2.GraphDef()
    for op in graph.get_operations():
        _fill_node(graph_def.node.add(), op, pb, add_shapes)
    return graph_def
