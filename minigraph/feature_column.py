"""``tf.feature_column``: how raw features (numbers, words) become one dense input tensor.

A *feature column* describes one feature: ``numeric_column('sales')`` is a number;
``categorical_column_with_vocabulary_list('department', ['sports', 'gardening'])`` a word
from a vocabulary, which ``indicator_column`` turns into a one-hot (multi-hot) vector.
``input_layer(features, columns)`` builds the graph that turns a dict of raw features into
one float32 tensor, one row per example, the columns side by side (sorted by name):

    features = {'sales': [[5], [10]], 'department': ['sports', 'gardening']}
    inputs = tf.feature_column.input_layer(features, [
        tf.feature_column.numeric_column('sales'),
        tf.feature_column.indicator_column(
            tf.feature_column.categorical_column_with_vocabulary_list(
                'department', ['sports', 'gardening']))])
    sess.run(tf.tables_initializer())       # the vocabulary's lookup table lives in the session
    sess.run(inputs)                        # [[1., 0., 5.], [0., 1., 10.]]

The graph is TF1's, node for node in the scopes ``input_layer/<column name>/``: a word
column turns the words into sparse ids (``to_sparse_input``: the non-empty words, their
coordinates and the dense shape), looks them up in a hash table of the vocabulary (see
:mod:`minigraph.ops.lookup_ops`: the table must be initialized, ``tf.tables_initializer()``,
or the run is TF1's FailedPreconditionError "Table not initialized."), makes them dense again
(``SparseToDense``, -1 for a missing word), one-hot, and sums the one-hot rows of each
example; every column is then reshaped to ``(batch, its width)`` and the columns are
concatenated.

What is not in minigraph (yet): ``embedding_column`` (its ``safe_embedding_lookup_sparse``
needs sparse segment ops), bucketized, hashed, crossed and vocabulary-file columns,
``linear_model``, features given as ``SparseTensor`` s, and out-of-vocabulary buckets.
"""

import collections

import numpy as np

from minigraph import dtypes
from minigraph.graph import get_default_graph
from minigraph.ops.array_ops import expand_dims, reshape, shape, stack, where
from minigraph.ops.array_ops import concat as _concat
from minigraph.ops.array_ops import one_hot as _one_hot
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.ops.lookup_ops import index_table_from_tensor
from minigraph.ops.math_ops import cast, not_equal
from minigraph.ops.reduce_ops import reduce_sum
from minigraph.ops.sparse_ops import gather_nd, sparse_to_dense
from minigraph.tensor_shape import TensorShape
from minigraph.variable_scope import variable_scope

__all__ = ["numeric_column", "categorical_column_with_vocabulary_list", "indicator_column",
           "input_layer"]


class _SparseTensor(collections.namedtuple("_SparseTensor", "indices values dense_shape")):
    """TF's ``SparseTensor`` as the columns pass it along: the coordinates (int64 rows) of the
    values present, those values, and the dense shape (int64)."""


# ----------------------------------------------------------------------------- columns

class _FeatureColumn:
    """Base of the columns (TF1's ``_FeatureColumn``)."""

    @property
    def _var_scope_name(self):
        return self.name


class _DenseColumn(_FeatureColumn):
    """A column ``input_layer`` takes: it gives a dense float tensor (TF1's ``_DenseColumn``)."""


class _CategoricalColumn(_FeatureColumn):
    """A column of ids (TF1's ``_CategoricalColumn``): wrap it in ``indicator_column`` to
    give it to ``input_layer``."""

    IdWeightPair = collections.namedtuple("IdWeightPair", ("id_tensor", "weight_tensor"))


class NumericColumn(_DenseColumn, collections.namedtuple(
        "NumericColumn", ("key", "shape", "default_value", "dtype", "normalizer_fn"))):
    """See :func:`numeric_column`."""

    @property
    def name(self):
        return self.key

    @property
    def _variable_shape(self):
        return TensorShape(list(self.shape))

    def _transform_feature(self, inputs):
        input_tensor = inputs.get(self.key)
        if isinstance(input_tensor, _SparseTensor):
            raise ValueError("The corresponding Tensor of numerical column must be a Tensor. "
                             "SparseTensor is not supported. key: {}".format(self.key))
        if self.normalizer_fn is not None:
            input_tensor = self.normalizer_fn(input_tensor)
        return cast(input_tensor, dtypes.float32)

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        return inputs.get(self)


class VocabularyListCategoricalColumn(_CategoricalColumn, collections.namedtuple(
        "VocabularyListCategoricalColumn",
        ("key", "vocabulary_list", "dtype", "default_value", "num_oov_buckets"))):
    """See :func:`categorical_column_with_vocabulary_list`."""

    @property
    def name(self):
        return self.key

    @property
    def _num_buckets(self):
        return len(self.vocabulary_list) + self.num_oov_buckets

    def _transform_feature(self, inputs):
        input_tensor = _to_sparse_input_and_drop_ignore_values(inputs.get(self.key))
        if self.dtype.is_integer != input_tensor.values.dtype.is_integer:
            raise ValueError("Column dtype and SparseTensors dtype must be compatible. "
                             "key: {}, column dtype: {}, tensor dtype: {}".format(
                                 self.key, self.dtype, input_tensor.values.dtype))
        _assert_string_or_int(input_tensor.values.dtype,
                              "column_name: {} input_tensor".format(self.key))
        key_dtype = self.dtype
        values = input_tensor.values
        if values.dtype.is_integer:
            key_dtype = dtypes.int64
            values = cast(values, dtypes.int64)
        graph = get_default_graph()
        with graph.control_dependencies(None):      # TF1's init_scope
            table = index_table_from_tensor(
                vocabulary_list=tuple(self.vocabulary_list), default_value=self.default_value,
                num_oov_buckets=self.num_oov_buckets, dtype=key_dtype,
                name="{}_lookup".format(self.key))
        return _SparseTensor(input_tensor.indices, table.lookup(values),
                             input_tensor.dense_shape)

    def _get_sparse_tensors(self, inputs, weight_collections=None, trainable=None):
        return _CategoricalColumn.IdWeightPair(inputs.get(self), None)


class IndicatorColumn(_DenseColumn, collections.namedtuple("IndicatorColumn",
                                                           ("categorical_column",))):
    """See :func:`indicator_column`."""

    @property
    def name(self):
        return "{}_indicator".format(self.categorical_column.name)

    @property
    def _variable_shape(self):
        return TensorShape([1, self.categorical_column._num_buckets])

    def _transform_feature(self, inputs):
        id_tensor = self.categorical_column._get_sparse_tensors(inputs).id_tensor
        # TF1's sparse_tensor_to_dense: -1 where an example has no id
        dense_id_tensor = sparse_to_dense(id_tensor.indices, id_tensor.dense_shape,
                                          id_tensor.values, default_value=-1)
        one_hot_id_tensor = _one_hot(dense_id_tensor, depth=self._variable_shape[-1],
                                     on_value=1.0, off_value=0.0)
        return reduce_sum(one_hot_id_tensor, axis=[-2])

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        return inputs.get(self)


# ------------------------------------------------------------------- making the columns

def _check_shape(shape, key):
    if not isinstance(shape, (list, tuple)):
        shape = [shape]
    shape = tuple(shape)
    for dimension in shape:
        if not isinstance(dimension, (int, np.integer)) or isinstance(dimension, bool):
            raise TypeError("shape dimensions must be integer. shape: {}, key: {}".format(
                shape, key))
        if dimension < 1:
            raise ValueError("shape dimensions must be greater than 0. shape: {}, key: {}"
                             .format(shape, key))
    return shape


def _check_default_value(shape, default_value, dtype, key):
    """TF1's check: one number for every element, or nested lists of the column's shape;
    returned as (nested) tuples."""
    if default_value is None:
        return None
    if isinstance(default_value, int) or (isinstance(default_value, float)
                                          and dtype.is_floating):
        return _as_tuple(np.full(shape, default_value).tolist())
    value = default_value.tolist() if hasattr(default_value, "tolist") else default_value
    if isinstance(value, (list, tuple)):
        arr = np.asarray(value)
        if arr.shape != tuple(shape):
            raise ValueError("The shape of default_value must be equal to given shape. "
                             "default_value: {}, shape: {}, key: {}".format(
                                 default_value, shape, key))
        flat = arr.ravel().tolist()
        if all(isinstance(v, int) for v in flat) or (
                any(isinstance(v, float) for v in flat) and dtype.is_floating):
            return _as_tuple(value)
    raise TypeError("default_value must be compatible with dtype. default_value: {}, "
                    "dtype: {}, key: {}".format(default_value, dtype, key))


def _as_tuple(value):
    return tuple(_as_tuple(v) for v in value) if isinstance(value, (list, tuple)) else value


def _assert_key_is_string(key):
    if not isinstance(key, str):
        raise ValueError("key must be a string. Got: type {}. Given key: {}.".format(
            type(key), key))


def _assert_string_or_int(dtype, prefix):
    if dtype != dtypes.string and not dtype.is_integer:
        raise ValueError("{} dtype must be string or integer. dtype: {}.".format(prefix, dtype))


def numeric_column(key, shape=(1,), default_value=None, dtype=dtypes.float32,
                   normalizer_fn=None):
    """``tf.feature_column.numeric_column``: the feature ``key`` is a number (or a fixed
    ``shape`` of numbers) per example, given to the model as float32.

    Args:
      key: the feature's name in the features dict.
      shape: the numbers of one example (``(1,)``: one number).
      default_value: for parsing examples with the feature missing (not used by
        ``input_layer``).
      dtype: the feature's type, integer or float; the column's output is float32.
      normalizer_fn: a function of the feature's tensor applied first (e.g. scaling).
    """
    shape = _check_shape(shape, key)
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_integer or dtype.is_floating):
        raise ValueError("dtype must be convertible to float. dtype: {}, key: {}".format(
            dtype, key))
    default_value = _check_default_value(shape, default_value, dtype, key)
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError("normalizer_fn must be a callable. Given: {}".format(normalizer_fn))
    _assert_key_is_string(key)
    return NumericColumn(key, shape=shape, default_value=default_value, dtype=dtype,
                         normalizer_fn=normalizer_fn)


def categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None,
                                            default_value=-1, num_oov_buckets=0):
    """``tf.feature_column.categorical_column_with_vocabulary_list``: the feature ``key`` is a
    word (or an integer) from ``vocabulary_list``; its id is its index there, and a word not
    in it gets ``default_value`` (-1: no id at all). Wrap it in :func:`indicator_column` to
    give it to ``input_layer``. The lookup is a hash table: run
    ``tf.tables_initializer()`` in the session first.

    Args:
      key: the feature's name in the features dict.
      vocabulary_list: the words, in the order of their ids (distinct, not empty).
      dtype: string or an integer type (by default the vocabulary's).
      default_value: the id of a word not in the vocabulary.
      num_oov_buckets: more ids for words not in the vocabulary (hashed): not in
        minigraph, must be 0.
    """
    if vocabulary_list is None or len(vocabulary_list) < 1:
        raise ValueError("vocabulary_list {} must be non-empty, column_name: {}".format(
            vocabulary_list, key))
    if len(set(vocabulary_list)) != len(vocabulary_list):
        raise ValueError("Duplicate keys in vocabulary_list {}, column_name: {}".format(
            vocabulary_list, key))
    vocabulary_dtype = dtypes.string if np.array(vocabulary_list).dtype.kind in "USO" \
        else dtypes.as_dtype(np.array(vocabulary_list).dtype)
    if num_oov_buckets:
        if default_value != -1:
            raise ValueError("Can't specify both num_oov_buckets and default_value in {}."
                             .format(key))
        if num_oov_buckets < 0:
            raise ValueError("Invalid num_oov_buckets {} in {}.".format(num_oov_buckets, key))
        raise NotImplementedError("num_oov_buckets is not in minigraph: words not in the "
                                  "vocabulary all get default_value")
    _assert_string_or_int(vocabulary_dtype, "column_name: {} vocabulary".format(key))
    if dtype is None:
        dtype = vocabulary_dtype
    else:
        dtype = dtypes.as_dtype(dtype)
        if dtype.is_integer != vocabulary_dtype.is_integer:
            raise ValueError("dtype {} and vocabulary dtype {} do not match, column_name: {}"
                             .format(dtype, vocabulary_dtype, key))
    _assert_string_or_int(dtype, "column_name: {}".format(key))
    _assert_key_is_string(key)
    return VocabularyListCategoricalColumn(key=key, vocabulary_list=tuple(vocabulary_list),
                                           dtype=dtype, default_value=default_value,
                                           num_oov_buckets=num_oov_buckets)


def indicator_column(categorical_column):
    """``tf.feature_column.indicator_column``: a categorical column as a multi-hot vector:
    for each example, 1.0 at each of its ids (counted, if an id comes twice), 0.0 elsewhere;
    its width is the number of ids (the vocabulary's size)."""
    if not isinstance(categorical_column, _CategoricalColumn):
        raise ValueError("Unsupported input type. Input must be a CategoricalColumn. "
                         "Given: {}".format(categorical_column))
    return IndicatorColumn(categorical_column)


# ------------------------------------------------------------------------- input_layer

class _LazyBuilder:
    """TF1's ``_LazyBuilder``: each raw feature is converted, and each column transformed,
    once, when a column first asks for it (so in that column's name scope), then cached."""

    def __init__(self, features):
        self._features = dict(features)
        self._feature_tensors = {}

    def get(self, key):
        if key in self._feature_tensors:
            return self._feature_tensors[key]
        if isinstance(key, str):
            if key not in self._features:
                raise ValueError("Feature {} is not in features dictionary.".format(key))
            tensor = self._get_raw_feature_as_tensor(key)
        elif isinstance(key, _FeatureColumn):
            tensor = key._transform_feature(self)
        else:
            raise TypeError('"key" must be either a "str" or "_FeatureColumn". Provided: {}'
                            .format(key))
        self._feature_tensors[key] = tensor
        return tensor

    def _get_raw_feature_as_tensor(self, key):
        raw = self._features[key]
        if type(raw).__name__ in ("SparseTensor", "SparseTensorValue"):
            raise NotImplementedError("feature %r is a SparseTensor: minigraph's feature "
                                      "columns take dense features only" % key)
        tensor = as_tensor(raw)
        rank = tensor.shape.ndims
        if rank is None:
            raise NotImplementedError("feature %r has an unknown rank: minigraph's feature "
                                      "columns need it known when the graph is built (give "
                                      "the placeholder a shape)" % key)
        if rank == 0:
            raise ValueError("Feature (key: {}) cannot have rank 0. Given: {}".format(
                key, tensor))
        return expand_dims(tensor, -1) if rank == 1 else tensor


def _to_sparse_input_and_drop_ignore_values(input_tensor):
    """TF1's helper: a dense string (or integer) feature as a sparse tensor of its
    non-empty cells (an empty string, or -1, means "no value")."""
    if isinstance(input_tensor, _SparseTensor):
        return input_tensor
    with get_default_graph().name_scope("to_sparse_input"):
        if input_tensor.dtype == dtypes.string:
            ignore_value = ""
        elif input_tensor.dtype.is_integer:
            ignore_value = -1        # -1 has the special meaning of a missing feature
        else:
            ignore_value = input_tensor.dtype.as_numpy_dtype()
        ignore_value = cast(ignore_value, input_tensor.dtype, name="ignore_value")
        indices = where(not_equal(input_tensor, ignore_value), name="indices")
        return _SparseTensor(indices=indices,
                             values=gather_nd(input_tensor, indices, name="values"),
                             dense_shape=shape(input_tensor, out_type=dtypes.int64,
                                               name="dense_shape"))


def _normalize_feature_columns(feature_columns):
    if isinstance(feature_columns, _FeatureColumn):
        feature_columns = [feature_columns]
    if isinstance(feature_columns, dict):
        raise ValueError("Expected feature_columns to be iterable, found dict.")
    feature_columns = list(feature_columns)
    for column in feature_columns:
        if not isinstance(column, _FeatureColumn):
            raise ValueError("Items of feature_columns must be a _FeatureColumn. Given (type "
                             "{}): {}.".format(type(column), column))
    if not feature_columns:
        raise ValueError("feature_columns must not be empty.")
    names = {}
    for column in feature_columns:
        if column.name in names:
            raise ValueError("Duplicate feature column name found for columns: {} and {}. This "
                             "usually means that these columns refer to same base feature. "
                             "Either one must be discarded or a duplicated but renamed item "
                             "must be inserted in features dict.".format(
                                 column, names[column.name]))
        names[column.name] = column
    return feature_columns


def _reshape_to_batch(tensor, num_elements):
    """``reshape(tensor, (batch_size, num_elements))`` as TF1 writes it, ``batch_size`` being
    ``shape(tensor)[0]``: the shape is packed in the Reshape's scope (``Reshape/shape``, with
    the Const ``Reshape/shape/1``). The static shape is TF1's: the batch size where known."""
    graph = get_default_graph()
    batch_size = shape(tensor)[0]
    with graph.name_scope("Reshape") as scope:
        target = stack([batch_size, constant(num_elements, name="shape/1")], name="shape")
        out = reshape(tensor, target, name=scope)
    out.set_shape([tensor.shape[0] if tensor.shape.ndims else None, num_elements])
    return out


def input_layer(features, feature_columns, weight_collections=None, trainable=True,
                cols_to_vars=None, cols_to_output_tensors=None):
    """``tf.feature_column.input_layer``: the dense input tensor of ``features`` described
    by ``feature_columns``: ``(batch, total width)``, float32, the columns side by side in
    the order of their names.

    Args:
      features: a dict from a feature's name to its values (a list, a numpy array or a
        tensor; one row per example, a vector meaning one value per example).
      feature_columns: dense columns (:func:`numeric_column`, :func:`indicator_column`).
      cols_to_vars, cols_to_output_tensors: dicts to fill with each column's variables
        (none here) and output tensor.

    Builds everything in the variable scope ``input_layer``, one scope per column.
    """
    feature_columns = _normalize_feature_columns(feature_columns)
    for column in feature_columns:
        if not isinstance(column, _DenseColumn):
            raise ValueError("Items of feature_columns must be a _DenseColumn. You can wrap "
                             "a categorical column with an embedding_column or "
                             "indicator_column. Given: {}".format(column))
    with variable_scope(None, default_name="input_layer", values=list(features.values())):
        builder = _LazyBuilder(features)
        output_tensors, ordered_columns = [], []
        for column in sorted(feature_columns, key=lambda c: c.name):
            ordered_columns.append(column)
            with variable_scope(None, default_name=column._var_scope_name):
                tensor = column._get_dense_tensor(builder, weight_collections=weight_collections,
                                                  trainable=trainable)
                num_elements = column._variable_shape.num_elements()
                output_tensor = _reshape_to_batch(tensor, num_elements)
                output_tensors.append(output_tensor)
                if cols_to_vars is not None:
                    cols_to_vars[column] = []          # these columns create no variables
                if cols_to_output_tensors is not None:
                    cols_to_output_tensors[column] = output_tensor
        _verify_static_batch_size_equality(output_tensors, ordered_columns)
        return _concat(output_tensors, 1)


def _verify_static_batch_size_equality(tensors, columns):
    expected, first = None, None
    for i, t in enumerate(tensors):
        size = t.shape[0] if t.shape.ndims else None
        if size is None:
            continue
        if expected is None:
            expected, first = size, i
        elif size != expected:
            raise ValueError("Batch size (first dimension) of each feature must be same. Batch "
                             "size of columns ({}, {}): ({}, {})".format(
                                 columns[first].name, columns[i].name, expected, size))
