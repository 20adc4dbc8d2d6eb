"""tf.feature_column and the lookup tables it builds (minigraph/feature_column.py,
minigraph/ops/lookup_ops.py).

TF1's numbers and errors for input_layer are case ``feature_columns`` of
tests/tf_reference/cases.py (recorded by real TensorFlow) and its graph is graph program
``feature_columns``; here: the tables as session state (initialized once per session, two
sessions apart, TF1's errors), and the columns' checks, against TF1's messages and numpy.
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors
from minigraph.ops import lookup_ops
from minigraph.trace import of as trace_of

fc = tf.feature_column


def _table(vocabulary=("sports", "gardening"), name="department_lookup"):
    return lookup_ops.index_table_from_tensor(list(vocabulary), name=name)


# ------------------------------------------------------------------------------ tables

def test_a_table_is_three_ops_named_as_tf1_names_them():
    table = _table()
    found = table.lookup(tf.constant(["gardening", "golf"]))
    ops = {op.name: op.type for op in tf.get_default_graph().get_operations()}
    assert ops["department_lookup/hash_table/hash_table"] == "HashTableV2"
    assert ops["department_lookup/hash_table/table_init/LookupTableImportV2"] == \
        "LookupTableImportV2"
    assert found.op.name == "hash_table_Lookup/LookupTableFindV2"
    assert found.op.type == "LookupTableFindV2" and found.dtype == tf.int64
    assert found.shape.as_list() == [2]
    assert [t.op.name for t in found.op.inputs] == [
        "department_lookup/hash_table/hash_table", "Const",
        "department_lookup/hash_table/Const"]
    assert tf.get_collection(lookup_ops.TABLE_INITIALIZERS) == [table.initializer]
    init = tf.tables_initializer()
    assert init.type == "NoOp" and init.name == "init_all_tables"
    assert list(init.control_inputs) == [table.initializer]
    assert tf.initializers.tables_initializer is tf.tables_initializer
    assert tf.initialize_all_tables().name == "init_all_tables_1"
    assert table.resource_handle.op.attrs["shared_name"].startswith("hash_table_")


def test_tables_initializer_of_a_graph_without_tables_is_a_noop():
    init = tf.tables_initializer()
    assert init.type == "NoOp" and not init.control_inputs
    with tf.Session() as sess:
        assert sess.run(init) is None


def test_a_table_lives_in_the_session_like_a_variable():
    found = _table().lookup(tf.constant([["sports", "golf"], ["gardening", "sports"]]))
    init = tf.tables_initializer()
    with tf.Session() as a, tf.Session() as b:
        with pytest.raises(errors.FailedPreconditionError, match=r"^Table not initialized\.") \
                as info:
            a.run(found)
        assert info.value.op is found.op
        assert "tf.tables_initializer()" in str(info.value)
        a.run(init)
        np.testing.assert_array_equal(a.run(found), [[0, -1], [1, 0]])
        with pytest.raises(errors.FailedPreconditionError, match="Table not initialized"):
            b.run(found)                           # another session: its own table
        b.run(init)
        assert b.run(found).dtype == np.int64


def test_a_table_is_filled_once_as_in_tf1():
    keys = tf.placeholder(tf.string, [None])
    table = lookup_ops.HashTable(keys, tf.constant([0, 1, 2], tf.int64), -1)
    found = table.lookup(tf.constant(["a", "z", "c"]))
    with tf.Session() as sess:
        sess.run(table.initializer, {keys: ["a", "b", "c"]})
        np.testing.assert_array_equal(sess.run(found), [0, -1, 2])
        sess.run(table.initializer, {keys: ["z", "y", "x"]})     # TF1: no effect
        np.testing.assert_array_equal(sess.run(found), [0, -1, 2])
    with tf.Session() as sess:
        with pytest.raises(errors.FailedPreconditionError,
                           match="HashTable has different value for same key. Key a has 0 "
                                 "and trying to add value 1"):
            sess.run(table.initializer, {keys: ["a", "a", "c"]})
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"Expected shape \[2\] for value, got \[3\]"):
            sess.run(table.initializer, {keys: ["a", "b"]})
        with pytest.raises(errors.FailedPreconditionError, match="Table not initialized"):
            sess.run(found)                        # a failed initializer filled nothing


def test_a_table_checks_its_dtypes_when_built():
    table = _table()
    with pytest.raises(TypeError, match="Dtype of argument `keys` must be tf.string, "
                                        "received: tf.int32"):
        table.lookup(tf.constant([1, 2]))
    with pytest.raises(TypeError, match=r"Invalid value dtype for table, expected "
                                        r"tf.int64 but got tf.float32"):
        tf.get_default_graph().create_op(
            lookup_ops.LookupTableImportV2,
            [table.resource_handle, tf.constant(["a"]), tf.constant([1.0])], None, "bad")


def test_integer_keys_and_the_run_trace():
    table = lookup_ops.index_table_from_tensor([30, 10, 20], default_value=7, dtype=tf.int64)
    found = table.lookup(tf.constant([10, 99, 30], tf.int64))
    with tf.Session() as sess:
        md = tf.RunMetadata()
        sess.run(tf.tables_initializer(),
                 options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
        assert "string_to_index/hash_table/table_init/LookupTableImportV2" in \
            trace_of(md).executed_names
        np.testing.assert_array_equal(sess.run(found), [1, 7, 0])


# ------------------------------------------------------------------------------ columns

def test_columns_are_tf1s_named_tuples():
    numeric = fc.numeric_column("sales")
    assert repr(numeric) == ("NumericColumn(key='sales', shape=(1,), default_value=None, "
                             "dtype=tf.float32, normalizer_fn=None)")
    words = fc.categorical_column_with_vocabulary_list("department", ["sports", "gardening"])
    assert repr(words) == ("VocabularyListCategoricalColumn(key='department', "
                           "vocabulary_list=('sports', 'gardening'), dtype=tf.string, "
                           "default_value=-1, num_oov_buckets=0)")
    indicator = fc.indicator_column(words)
    assert indicator.name == "department_indicator" and indicator.categorical_column is words
    assert fc.numeric_column("p", shape=2, default_value=1.5).default_value == (1.5, 1.5)
    assert fc.numeric_column("q", shape=(2, 1), default_value=[[1], [2]]).default_value == \
        ((1,), (2,))
    ints = fc.categorical_column_with_vocabulary_list("code", [3, 1])
    assert ints.dtype == tf.int64


@pytest.mark.parametrize("make, error, message", [
    (lambda: fc.numeric_column("x", shape=(0,)), ValueError,
     "shape dimensions must be greater than 0"),
    (lambda: fc.numeric_column("x", shape=(1.5,)), TypeError, "shape dimensions must be integer"),
    (lambda: fc.numeric_column("x", dtype=tf.string), ValueError,
     "dtype must be convertible to float"),
    (lambda: fc.numeric_column("x", shape=(2,), default_value=[1, 2, 3]), ValueError,
     "The shape of default_value must be equal to given shape"),
    (lambda: fc.numeric_column("x", normalizer_fn=3), TypeError, "normalizer_fn must be a callable"),
    (lambda: fc.numeric_column(3), ValueError, "key must be a string"),
    (lambda: fc.categorical_column_with_vocabulary_list("x", []), ValueError,
     "must be non-empty"),
    (lambda: fc.categorical_column_with_vocabulary_list("x", ["a", "a"]), ValueError,
     "Duplicate keys in vocabulary_list"),
    (lambda: fc.categorical_column_with_vocabulary_list("x", ["a"], dtype=tf.int64),
     ValueError, "do not match"),
    (lambda: fc.categorical_column_with_vocabulary_list("x", [1.5, 2.5]), ValueError,
     "dtype must be string or integer"),
    (lambda: fc.indicator_column(fc.numeric_column("x")), ValueError,
     "Input must be a CategoricalColumn"),
])
def test_columns_check_their_arguments_as_tf1(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_input_layer_sorts_columns_by_name_and_counts_repeated_words():
    words = fc.categorical_column_with_vocabulary_list("b_words", ["x", "y", "z"])
    features = {"b_words": [["x", "x"], ["z", ""], ["", ""]], "a_num": [1.0, 2.0, 3.0]}
    cols = {}
    inputs = fc.input_layer(features, [fc.indicator_column(words), fc.numeric_column("a_num")],
                            cols_to_output_tensors=cols)
    assert inputs.shape.as_list() == [3, 4] and inputs.dtype == tf.float32
    assert inputs.name == "input_layer/concat:0"
    assert sorted(t.op.name for t in cols.values()) == ["input_layer/a_num/Reshape",
                                                        "input_layer/b_words_indicator/Reshape"]
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        np.testing.assert_array_equal(sess.run(inputs), [[1, 2, 0, 0], [2, 0, 0, 1],
                                                         [3, 0, 0, 0]])


def test_input_layer_with_fed_features_keeps_the_batch_unknown():
    x = tf.placeholder(tf.float32, [None, 3])
    inputs = fc.input_layer({"x": x}, fc.numeric_column("x", shape=(3,)))  # one column
    assert inputs.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        value = np.arange(6, dtype=np.float32).reshape(2, 3)
        np.testing.assert_array_equal(sess.run(inputs, {x: value}), value)


@pytest.mark.parametrize("features, columns, error, message", [
    ({"x": [1.0]}, lambda: [fc.categorical_column_with_vocabulary_list("x", ["a"])],
     ValueError, "Items of feature_columns must be a _DenseColumn"),
    ({"x": [1.0]}, lambda: [fc.numeric_column("x"), fc.numeric_column("x")], ValueError,
     "Duplicate feature column name found"),
    ({"x": [1.0]}, lambda: [], ValueError, "feature_columns must not be empty"),
    ({"x": [1.0]}, lambda: {"x": fc.numeric_column("x")}, ValueError,
     "Expected feature_columns to be iterable, found dict"),
    ({"x": [1.0]}, lambda: [fc.numeric_column("y")], ValueError,
     "Feature y is not in features dictionary"),
    ({"x": 1.0}, lambda: [fc.numeric_column("x")], ValueError,
     r"Feature \(key: x\) cannot have rank 0"),
    ({"x": [1.0, 2.0], "y": [1.0, 2.0, 3.0]},
     lambda: [fc.numeric_column("x"), fc.numeric_column("y")], ValueError,
     r"Batch size \(first dimension\) of each feature must be same. Batch size of columns "
     r"\(x, y\): \(2, 3\)"),
    ({"x": [1, 2]}, lambda: [fc.indicator_column(
        fc.categorical_column_with_vocabulary_list("x", ["a"]))], ValueError,
     "Column dtype and SparseTensors dtype must be compatible"),
])
def test_input_layer_checks_as_tf1(features, columns, error, message):
    with pytest.raises(error, match=message):
        fc.input_layer(features, columns())


def test_a_name_feature_column_lacks_says_so():
    with pytest.raises(AttributeError, match=r"TF1's tf.feature_column.embedding_column is not "
                                             r"in minigraph \(yet\)"):
        fc.embedding_column
