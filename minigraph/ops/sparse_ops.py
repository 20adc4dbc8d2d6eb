"""Indexing by coordinates: ``tf.gather_nd``, ``tf.scatter_nd`` and ``tf.sparse_to_dense``.

A row of an ``indices`` tensor is the coordinates of one element (or of one slice) of another
tensor: ``[[0, 1], [2, 0]]`` names ``x[0, 1]`` and ``x[2, 0]``. TF1 keeps sparse data this
way (a ``SparseTensor`` is indices, values and a dense shape), and ``tf.feature_column``
builds these three ops to go from a dense feature to its sparse ids and back:

* ``GatherNd(params, indices)``: the elements (or slices) of ``params`` at the rows of
  ``indices``; its gradient puts the incoming gradient back at those coordinates
  (``ScatterNd``);
* ``ScatterNd(indices, updates, shape)``: zeros of ``shape`` with each update added at its
  coordinates (repeated coordinates add up); its gradient gathers (``GatherNd``);
* ``SparseToDense(sparse_indices, output_shape, sparse_values, default_value)``: a dense
  tensor holding ``default_value`` everywhere but at the coordinates given.

Coordinates out of range are TF1's ``InvalidArgumentError`` when the op runs.
"""

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.op_def import OpDef, register
from minigraph.ops._util import graph_of, make
from minigraph.ops.array_ops import constant_value, shape
from minigraph.ops.constant_op import as_tensor
from minigraph.ops.reduce_ops import reduce_sum
from minigraph.tensor_shape import TensorShape

__all__ = ["GatherNd", "ScatterNd", "SparseToDense", "gather_nd", "scatter_nd",
           "sparse_to_dense"]


def _check_index_dtype(t, what):
    if t.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError("Value passed to parameter '%s' has DataType %s not in list of allowed "
                        "values: int32, int64" % (what, t.dtype.name))


def _coordinates(indices, shape, what="indices"):
    """The rows of ``indices`` (last axis: coordinates into ``shape``) as a tuple of index
    arrays for numpy, after TF's bounds check."""
    indices = np.asarray(indices)
    depth = indices.shape[-1]
    flat = indices.reshape(-1, depth)
    bound = np.asarray(shape[:depth])
    bad = np.any((flat < 0) | (flat >= bound), axis=1)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError("%s[%d] = [%s] does not index into param shape [%s]"
                         % (what, i, ", ".join(str(int(v)) for v in flat[i]),
                            ", ".join(str(int(d)) for d in shape)))
    return tuple(np.moveaxis(indices, -1, 0))


def _nd_output_shape(indices, params_shape):
    """indices.shape[:-1] + params_shape[indices.shape[-1]:], as far as it is known."""
    if indices.ndims is None or indices[-1] is None or params_shape.ndims is None:
        return TensorShape(None)
    depth = indices[-1]
    if depth > params_shape.ndims:
        raise ValueError("indices.shape[-1] must be <= params.rank, but saw indices shape: %s "
                         "and params shape: %s" % (indices.bracketed(),
                                                   params_shape.bracketed()))
    return TensorShape(indices.as_list()[:-1] + params_shape.as_list()[depth:])


@register
class GatherNd(OpDef):
    """y[i, ...] = params[indices[i, 0], ..., indices[i, k-1], ...] (k = indices.shape[-1]):
    the elements, or slices, of params at the coordinates in the rows of indices."""

    @staticmethod
    def infer(inputs, attrs):
        params, indices = inputs
        _check_index_dtype(indices, "indices")
        return _nd_output_shape(indices.shape, params.shape), params.dtype

    @staticmethod
    def forward(params, indices):
        params = np.asarray(params)
        return params[_coordinates(indices, params.shape)]

    @staticmethod
    def gradient(op, grad, needed):
        params, indices = op.inputs
        if not needed[0]:
            return [None, None]
        # TF1's _GatherNdGrad: params' shape in the indices' dtype
        return [scatter_nd(indices, grad, shape(params, out_type=indices.dtype)), None]


@export("gather_nd")
def gather_nd(params, indices, name=None, batch_dims=0):
    """``tf.gather_nd``: the elements (or slices) of ``params`` at the coordinates given by
    the rows of ``indices`` (its last axis). ``batch_dims`` other than 0 is not in
    minigraph."""
    if batch_dims != 0:
        raise NotImplementedError("tf.gather_nd with batch_dims=%r is not in minigraph"
                                  % (batch_dims,))
    with graph_of(params, indices).name_scope(name or "GatherNd") as scope:
        p = as_tensor(params, name="params")
        i = as_tensor(indices, name="indices")
        return make(GatherNd, [p, i], None, scope)


@register
class ScatterNd(OpDef):
    """y = zeros(shape), then y[indices[i]] += updates[i] for each row i of indices
    (repeated coordinates add up)."""

    @staticmethod
    def infer(inputs, attrs):
        indices, updates, shape = inputs
        _check_index_dtype(indices, "indices")
        if shape.dtype != indices.dtype:
            raise TypeError("Input 'shape' of 'ScatterNd' Op has type %s that does not match "
                            "type %s of argument 'indices'."
                            % (shape.dtype.name, indices.dtype.name))
        value = constant_value(shape)
        if value is not None:
            return TensorShape([int(d) for d in np.ravel(value)]), updates.dtype
        n = shape.shape[0] if shape.shape.ndims == 1 else None
        return TensorShape(None if n is None else [None] * n), updates.dtype

    @staticmethod
    def forward(indices, updates, shape):
        shape = tuple(int(d) for d in np.ravel(shape))
        updates = np.asarray(updates)
        out = np.zeros(shape, dtype=updates.dtype)
        np.add.at(out, _coordinates(indices, shape), updates)
        return out

    @staticmethod
    def gradient(op, grad, needed):
        indices = op.inputs[0]
        return [None, gather_nd(grad, indices) if needed[1] else None, None]


@export("scatter_nd")
def scatter_nd(indices, updates, shape, name=None):
    """``tf.scatter_nd``: a tensor of ``shape``, zeros but for ``updates[i]`` added at the
    coordinates ``indices[i]``."""
    with graph_of(indices, updates, shape).name_scope(name or "ScatterNd") as scope:
        i = as_tensor(indices, name="indices")
        u = as_tensor(updates, name="updates")
        s = as_tensor(shape, dtype=i.dtype, name="shape")
        return make(ScatterNd, [i, u, s], None, scope)


def _sparse_rows(indices):
    """``sparse_indices`` as a matrix of coordinate rows (a scalar or a vector of scalars
    names elements of a vector)."""
    indices = np.asarray(indices)
    return indices.reshape(-1, 1) if indices.ndim < 2 else indices


@register
class SparseToDense(OpDef):
    """y = default_value everywhere, but y[sparse_indices[i]] = sparse_values[i] (or the one
    scalar sparse_value): a sparse tensor made dense. With ``validate_indices`` the rows
    must be in order and distinct, as TF1 checks."""

    @staticmethod
    def infer(inputs, attrs):
        indices, output_shape, values, default = inputs
        _check_index_dtype(indices, "sparse_indices")
        if output_shape.dtype != indices.dtype:
            raise TypeError("Input 'output_shape' of 'SparseToDense' Op has type %s that does "
                            "not match type %s of argument 'sparse_indices'."
                            % (output_shape.dtype.name, indices.dtype.name))
        if default.dtype != values.dtype:
            raise TypeError("Input 'default_value' of 'SparseToDense' Op has type %s that does "
                            "not match type %s of argument 'sparse_values'."
                            % (default.dtype.name, values.dtype.name))
        value = constant_value(output_shape)
        if value is not None:
            return TensorShape([int(d) for d in np.ravel(value)]), values.dtype
        n = output_shape.shape[0] if output_shape.shape.ndims == 1 else None
        return TensorShape(None if n is None else [None] * n), values.dtype

    @staticmethod
    def forward(sparse_indices, output_shape, sparse_values, default_value,
                validate_indices=True):
        shape = tuple(int(d) for d in np.ravel(output_shape))
        rows = _sparse_rows(sparse_indices)
        values = np.asarray(sparse_values)
        if values.ndim == 1 and len(values) != len(rows):
            raise ValueError("sparse_values has incorrect shape [%d], should be [] or [%d]"
                             % (len(values), len(rows)))
        if validate_indices:
            for i in range(len(rows)):
                row = ",".join(str(int(v)) for v in rows[i])
                if np.any(rows[i] < 0) or np.any(rows[i] >= np.asarray(shape[:rows.shape[1]])):
                    raise ValueError("indices[%d] = [%s] is out of bounds: need 0 <= index < "
                                     "[%s]" % (i, row, ",".join(map(str, shape))))
                if i and tuple(rows[i]) <= tuple(rows[i - 1]):
                    what = "repeated" if tuple(rows[i]) == tuple(rows[i - 1]) else "out of order"
                    raise ValueError("indices[%d] = [%s] is %s. Many sparse ops require "
                                     "sorted indices.\n    Use `tf.sparse.reorder` to create "
                                     "a correctly ordered copy." % (i, row, what))
        out = np.full(shape, default_value, dtype=values.dtype)
        out[_coordinates(rows, shape, "sparse_indices")] = values
        return out

    @staticmethod
    def gradient(op, grad, needed):
        indices, _, values, _ = op.inputs
        values_grad = gather_nd(grad, indices)
        default_grad = reduce_sum(grad) - reduce_sum(values_grad) if needed[3] else None
        return [None, None, values_grad if needed[2] else None, default_grad]


@export("sparse_to_dense")
def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    """``tf.sparse_to_dense``: a dense tensor of ``output_shape`` holding ``sparse_values``
    at the coordinates ``sparse_indices`` (rows; a vector for a 1-D output) and
    ``default_value`` elsewhere."""
    with graph_of(sparse_indices, output_shape, sparse_values).name_scope(
            name or "SparseToDense") as scope:
        i = as_tensor(sparse_indices, name="sparse_indices")
        s = as_tensor(output_shape, dtype=i.dtype, name="output_shape")
        v = as_tensor(sparse_values, name="sparse_values")
        d = as_tensor(default_value, dtype=v.dtype, name="default_value")
        return make(SparseToDense, [i, s, v, d], {"validate_indices": bool(validate_indices)},
                    scope)
