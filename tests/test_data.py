"""tf.data in graph mode: datasets, iterators living in the session, ``get_next``.

Truth is numpy (element values and order), TF1's documented behaviour, and what real TF1
(``tf.compat.v1`` of TF 2.21) was seen to do: its op types and names, static shapes,
error classes and messages (quoted below). The reference case ``data_linear_regression``
in tests/tf_reference/cases.py compares a training loop with TF's recorded losses.
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph import graphdef, viz
from minigraph.trace import fast_path, of as trace_of, run_steps

FULL = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)

X = np.arange(10, dtype=np.float32).reshape(5, 2)
Y = np.arange(5, dtype=np.int64)


def drain(sess, fetch, feed_dict=None, limit=10000):
    """Every element until OutOfRangeError."""
    out = []
    for _ in range(limit):
        try:
            out.append(sess.run(fetch, feed_dict))
        except tf.errors.OutOfRangeError:
            return out
    raise AssertionError("no OutOfRangeError after %d elements" % limit)


def elements(dataset):
    """The elements of ``dataset``, through a one-shot iterator in a new session."""
    nxt = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        return drain(sess, nxt)


def values(dataset):
    return [int(v) for v in elements(dataset)]


# ------------------------------------------------------------------------------- sources

def test_from_tensor_slices_gives_rows_in_order():
    ds = tf.data.Dataset.from_tensor_slices((X, Y))
    assert ds.output_types == (tf.float32, tf.int64)
    assert ds.output_shapes == (tf.TensorShape([2]), tf.TensorShape([]))
    got = elements(ds)
    assert len(got) == 5
    for i, (x, y) in enumerate(got):
        np.testing.assert_array_equal(x, X[i])
        assert x.dtype == np.float32 and y == Y[i] and y.dtype == np.int64


def test_from_tensor_slices_dict_and_python_lists():
    ds = tf.data.Dataset.from_tensor_slices({"b": Y, "a": X})
    assert ds.output_types == {"a": tf.float32, "b": tf.int64}
    assert ds.output_shapes["a"] == (2,)
    got = elements(ds)
    assert [int(e["b"]) for e in got] == list(range(5))
    np.testing.assert_array_equal(np.stack([e["a"] for e in got]), X)
    # a list is one tensor, not a tuple (TF1: int32, float32 as Python numbers convert)
    assert tf.data.Dataset.from_tensor_slices([1, 2, 3]).output_types == tf.int32
    assert tf.data.Dataset.from_tensor_slices([[1.0, 2.0], [3.0, 4.0]]).output_shapes == (2,)
    assert values(tf.data.Dataset.from_tensor_slices([4, 5, 6])) == [4, 5, 6]


def test_from_tensors_is_one_element():
    ds = tf.data.Dataset.from_tensors((X, 3.0))
    assert ds.output_shapes == (tf.TensorShape([5, 2]), tf.TensorShape([]))
    assert ds.output_types == (tf.float32, tf.float32)
    (got,) = elements(ds)
    np.testing.assert_array_equal(got[0], X)
    assert got[1] == np.float32(3.0)


@pytest.mark.parametrize("args", [(5,), (2, 7), (10, 2, -3), (0,), (1, 10, 4)])
def test_range_is_pythons(args):
    ds = tf.data.Dataset.range(*args)
    assert ds.output_types == tf.int64 and ds.output_shapes == ()
    assert values(ds) == list(range(*args))


def test_construction_errors_are_tf1s():
    with pytest.raises(ValueError, match="Dimensions 3 and 4 are not compatible"):
        tf.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))
    with pytest.raises(ValueError, match="only supported for rank >= 1"):
        tf.data.Dataset.from_tensor_slices(np.float32(3))
    with pytest.raises(ValueError, match="The length of `args` should be between 1 and 3"):
        tf.data.Dataset.range()
    with pytest.raises(RuntimeError, match="only supports Python-style iteration in eager"):
        iter(tf.data.Dataset.range(3))


# ------------------------------------------------------------------------ transformations

def test_batch_shapes_and_remainder():
    ds = tf.data.Dataset.from_tensor_slices((X, Y))
    batched = ds.batch(2)
    assert batched.output_shapes == (tf.TensorShape([None, 2]), tf.TensorShape([None]))
    got = elements(batched)
    assert [b[0].shape for b in got] == [(2, 2), (2, 2), (1, 2)]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in got]), X)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in got]), Y)

    dropped = ds.batch(2, drop_remainder=True)
    assert dropped.output_shapes == (tf.TensorShape([2, 2]), tf.TensorShape([2]))
    assert [b[1].tolist() for b in elements(dropped)] == [[0, 1], [2, 3]]
    # a batch size known only at run time: the static dimension stays unknown
    size = tf.placeholder(tf.int64, [])
    assert ds.batch(size, drop_remainder=True).output_shapes[1] == tf.TensorShape([None])


def test_batch_size_fed_at_the_initializer():
    size = tf.placeholder(tf.int64, [])
    it = tf.data.Dataset.range(7).batch(size).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer, {size: 3})
        assert [b.tolist() for b in drain(sess, nxt)] == [[0, 1, 2], [3, 4, 5], [6]]
        sess.run(it.initializer, {size: 4})
        assert [b.tolist() for b in drain(sess, nxt)] == [[0, 1, 2, 3], [4, 5, 6]]
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Batch size must be greater than zero"):
            sess.run(it.initializer, {size: 0})


def test_batching_elements_of_different_shapes_fails_at_get_next():
    ds = tf.data.Dataset.range(1, 4).map(lambda n: tf.zeros(tf.reshape(n, [1]))).batch(3)
    assert ds.output_shapes == tf.TensorShape([None, None])
    nxt = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Cannot add tensor to the batch: number of elements does not "
                                 r"match. Shapes are: \[tensor\]: \[2\], \[batch\]: \[1\]"):
            sess.run(nxt)


def test_repeat_take_skip():
    assert values(tf.data.Dataset.range(3).repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert values(tf.data.Dataset.range(3).repeat(0)) == []
    assert values(tf.data.Dataset.range(3).repeat().take(7)) == [0, 1, 2, 0, 1, 2, 0]
    assert values(tf.data.Dataset.range(3).repeat(-1).take(4)) == [0, 1, 2, 0]
    assert values(tf.data.Dataset.range(6).take(2)) == [0, 1]
    assert values(tf.data.Dataset.range(6).take(-1)) == list(range(6))
    assert values(tf.data.Dataset.range(6).take(0)) == []
    assert values(tf.data.Dataset.range(6).skip(4)) == [4, 5]
    assert values(tf.data.Dataset.range(6).skip(-1)) == []
    assert values(tf.data.Dataset.range(6).skip(1).take(3).repeat(2)) == [1, 2, 3] * 2
    # repeating nothing forever is nothing (and ends)
    assert values(tf.data.Dataset.range(0).repeat()) == []
    # prefetch is accepted and changes nothing
    assert values(tf.data.Dataset.range(4).prefetch(2)) == [0, 1, 2, 3]
    assert values(tf.data.Dataset.range(4).prefetch(tf.data.experimental.AUTOTUNE)) == \
        [0, 1, 2, 3]


def test_zip_and_concatenate():
    z = tf.data.Dataset.zip((tf.data.Dataset.range(3), tf.data.Dataset.range(10, 20)))
    assert z.output_types == (tf.int64, tf.int64)
    assert [tuple(map(int, e)) for e in elements(z)] == [(0, 10), (1, 11), (2, 12)]
    d = tf.data.Dataset.zip({"x": tf.data.Dataset.from_tensor_slices(X),
                             "y": tf.data.Dataset.range(5)})
    assert d.output_shapes == {"x": tf.TensorShape([2]), "y": tf.TensorShape([])}
    got = elements(d.batch(5))
    np.testing.assert_array_equal(got[0]["x"], X)
    c = tf.data.Dataset.range(2).concatenate(tf.data.Dataset.range(7, 9))
    assert values(c) == [0, 1, 7, 8]
    with pytest.raises(TypeError, match="Incompatible dataset elements"):
        tf.data.Dataset.range(3).concatenate(tf.data.Dataset.from_tensors(1.0))


def test_map_per_element_and_per_batch():
    ds = tf.data.Dataset.from_tensor_slices((X, Y))
    mapped = ds.map(lambda x, y: (x * 2.0, tf.cast(y, tf.float32) + 0.5))  # a tuple: 2 args
    assert mapped.output_types == (tf.float32, tf.float32)
    assert mapped.output_shapes == (tf.TensorShape([2]), tf.TensorShape([]))
    got = elements(mapped)
    np.testing.assert_array_equal(np.stack([g[0] for g in got]), X * 2)
    np.testing.assert_array_equal([g[1] for g in got], Y + 0.5)
    # after batch the function sees whole batches
    calls = []

    def per_batch(x, y):
        calls.append(x.shape)
        return tf.reduce_sum(x, axis=1), y

    got = elements(ds.batch(2).map(per_batch))
    assert calls == [tf.TensorShape([None, 2])]   # traced once, on the batch's static shape
    np.testing.assert_array_equal(np.concatenate([g[0] for g in got]), X.sum(axis=1))


def test_map_dicts_lists_and_numpy_results():
    ds = tf.data.Dataset.from_tensor_slices({"a": X, "b": Y})
    out = ds.map(lambda e: {"s": tf.reduce_sum(e["a"]), "b": e["b"]})   # a dict: one arg
    assert out.output_types == {"s": tf.float32, "b": tf.int64}
    assert [float(e["s"]) for e in elements(out)] == X.sum(axis=1).tolist()
    listed = tf.data.Dataset.range(3).map(lambda v: [v, v + 1])    # a list reads as a tuple
    assert listed.output_types == (tf.int64, tf.int64)
    assert [tuple(map(int, e)) for e in elements(listed)] == [(0, 1), (1, 2), (2, 3)]
    consts = tf.data.Dataset.range(2).map(lambda v: (v, np.float32(1.5)))
    assert consts.output_types == (tf.int64, tf.float32)
    with pytest.raises(ValueError, match="returned None"):
        tf.data.Dataset.range(2).map(lambda v: None)


def test_map_captures_outer_tensors_at_the_initializer():
    offset = tf.placeholder(tf.int64, [])
    scale = tf.constant(10, tf.int64)
    ds = tf.data.Dataset.range(3).map(lambda v: v * scale + offset)
    op = ds._variant_tensor.op
    assert op.type == "MapDataset" and [t.op.type for t in op.inputs[1:]] == ["Const",
                                                                               "Placeholder"]
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer, {offset: 1})
        assert [int(v) for v in drain(sess, nxt)] == [1, 11, 21]
        sess.run(it.initializer, {offset: 5})
        assert int(sess.run(nxt)) == 5          # get_next needs no feed: captured by value
    with pytest.raises(ValueError, match=r"Cannot capture a placeholder \(name:Placeholder, "
                                         r"type:Placeholder\) by value"):
        ds.make_one_shot_iterator()


def test_filter():
    ds = tf.data.Dataset.range(10).filter(lambda v: tf.greater(v, 6))
    assert values(ds) == [7, 8, 9]
    with pytest.raises(ValueError, match="must return a `tf.bool` scalar tensor"):
        tf.data.Dataset.range(10).filter(lambda v: v * 3)


# -------------------------------------------------------------------------------- shuffle

def shuffled_epochs(dataset_fn, epochs=2, starts=2, sessions=1, seed_graph=None):
    """The element lists of ``epochs`` epochs, per initializer run, per session."""
    graph = tf.Graph()
    with graph.as_default():
        if seed_graph is not None:
            tf.set_random_seed(seed_graph)
        it = dataset_fn().make_initializable_iterator()
        nxt = it.get_next()
    out = []
    for _ in range(sessions):
        with tf.Session(graph=graph) as sess:
            for _ in range(starts):
                sess.run(it.initializer)
                out.append([int(v) for v in drain(sess, nxt)])
    return out


def test_shuffle_is_a_permutation_of_each_epoch():
    (got,) = shuffled_epochs(lambda: tf.data.Dataset.range(20).shuffle(20).repeat(3), starts=1)
    assert len(got) == 60
    for k in range(3):
        assert sorted(got[20 * k:20 * k + 20]) == list(range(20))
    assert got[:20] != list(range(20))
    ds = tf.data.Dataset.range(5).shuffle(3)
    assert ds.output_types == tf.int64 and ds.output_shapes == ()


def test_shuffle_buffer_semantics():
    # a buffer of 1 changes nothing; with a buffer of B, the k-th element given is one of the
    # first k + B elements (TF's buffer: filled with the first B, refilled as it gives)
    assert shuffled_epochs(lambda: tf.data.Dataset.range(10).shuffle(1), starts=1) == \
        [list(range(10))]
    for order in shuffled_epochs(lambda: tf.data.Dataset.range(30).shuffle(4), starts=20):
        assert sorted(order) == list(range(30))
        assert all(v < k + 4 for k, v in enumerate(order)), order


def test_shuffle_draws_uniformly_from_the_buffer():
    graph = tf.Graph()
    with graph.as_default():
        it = tf.data.Dataset.range(4).shuffle(4).make_initializable_iterator()
        nxt = it.get_next()
    counts = np.zeros(4)
    with tf.Session(graph=graph) as sess:
        for _ in range(800):
            sess.run(it.initializer)
            counts[sess.run(nxt)] += 1
    # each of 4 values first with probability 1/4: 200 +- 3 standard deviations (12.2)
    assert np.all(np.abs(counts - 200) < 45), counts


def test_seeded_shuffle_repeats_its_order():
    def pipeline(reshuffle):
        return lambda: tf.data.Dataset.range(12).shuffle(
            12, seed=7, reshuffle_each_iteration=reshuffle).repeat(2)

    # reshuffle_each_iteration=True (the default): a new order each epoch, the same
    # sequence of orders at every start, in every session
    runs = shuffled_epochs(pipeline(True), starts=2, sessions=2)
    assert all(r == runs[0] for r in runs)
    assert runs[0][:12] != runs[0][12:]
    assert sorted(runs[0][:12]) == sorted(runs[0][12:]) == list(range(12))
    # reshuffle off: every epoch in the same order
    runs = shuffled_epochs(pipeline(False), starts=2, sessions=2)
    assert all(r == runs[0] for r in runs)
    assert runs[0][:12] == runs[0][12:] != list(range(12))
    # the same graph seed and op seed give the same order in another graph
    again = shuffled_epochs(pipeline(True), starts=1)
    assert again[0] == shuffled_epochs(pipeline(True), starts=1)[0]


def test_graph_seed_alone_fixes_the_order_and_no_seed_does_not():
    def pipeline():
        return tf.data.Dataset.range(20).shuffle(20).repeat(2)

    a = shuffled_epochs(pipeline, starts=2, seed_graph=3)
    b = shuffled_epochs(pipeline, starts=2, seed_graph=3)
    assert a == b and a[0] == a[1] and a[0][:20] != a[0][20:]
    c = shuffled_epochs(pipeline, starts=3)   # unseeded: new random seeds at every start
    assert c[0] != c[1] != c[2]
    # unseeded without reshuffling: the epochs of one start share one order
    d = shuffled_epochs(lambda: tf.data.Dataset.range(20).shuffle(
        20, reshuffle_each_iteration=False).repeat(2), starts=2)
    assert all(r[:20] == r[20:] for r in d) and d[0] != d[1]


def test_shuffle_seed_ops_are_tf1s():
    tf.set_random_seed(5)
    tf.data.Dataset.range(3).shuffle(3)
    ops = {op.name: op for op in tf.get_default_graph().get_operations()}
    shuffle = ops["ShuffleDataset"]
    assert [t.op.name for t in shuffle.inputs] == ["RangeDataset", "buffer_size", "seed",
                                                  "seed2"]
    assert int(ops["seed"].attrs["value"]) == 5
    assert shuffle.attrs["reshuffle_each_iteration"] is True


# ------------------------------------------------------------------------------- iterators

def test_end_of_epoch_is_out_of_range_then_reinitialize():
    ds = tf.data.Dataset.from_tensor_slices((X, Y))
    it = ds.make_initializable_iterator()
    x, y = it.get_next()
    double = x * 2.0
    with tf.Session() as sess:
        sess.run(it.initializer)
        for i in range(5):
            np.testing.assert_array_equal(sess.run(double), X[i] * 2)
        with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence") as info:
            sess.run(double)
        assert info.value.op.type == "IteratorGetNext"
        assert "created at test_data.py" in str(info.value)
        with pytest.raises(tf.errors.OutOfRangeError):   # and again, until re-initialized
            sess.run(y)
        assert sess.run(tf.constant(1.0) + 1.0) == 2.0   # the session keeps working
        sess.run(it.initializer)
        assert sess.run(y) == 0


def test_get_next_before_the_initializer_is_failed_precondition():
    it = tf.data.Dataset.range(3).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError,
                           match=r"GetNext\(\) failed because the iterator has not been "
                                 r"initialized. Ensure that you have run the initializer "
                                 r"operation for this iterator before getting the next "
                                 r"element.") as info:
            sess.run(nxt)
        assert info.value.op is nxt.op
        sess.run(it.initializer)
        assert sess.run(nxt) == 0
    with tf.Session() as sess:   # a new session: its iterator was never initialized
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(nxt)


def test_one_element_per_run_however_many_fetches():
    it = tf.data.Dataset.range(10).make_initializable_iterator()
    a = it.get_next()
    b = it.get_next()                       # another op: it takes elements of its own
    with tf.Session() as sess:
        sess.run(it.initializer)
        assert [int(v) for v in sess.run([a, a, a + 0, a * 1])] == [0, 0, 0, 0]
        assert int(sess.run(a)) == 1
        got = sess.run({"a": a, "b": b})
        assert sorted([int(got["a"]), int(got["b"])]) == [2, 3]


def test_two_sessions_iterate_independently():
    it = tf.data.Dataset.range(5).make_initializable_iterator()
    nxt = it.get_next()
    s1, s2 = tf.Session(), tf.Session()
    try:
        s1.run(it.initializer)
        s2.run(it.initializer)
        assert [int(s1.run(nxt)) for _ in range(3)] == [0, 1, 2]
        assert int(s2.run(nxt)) == 0
        assert int(s1.run(nxt)) == 3
        s2.run(it.initializer)                 # restarting one does not touch the other
        assert int(s1.run(nxt)) == 4
        assert int(s2.run(nxt)) == 0
    finally:
        s1.close()
        s2.close()


def test_placeholders_are_fed_at_the_initializer():
    x_in = tf.placeholder(tf.float32, [None, 2])
    y_in = tf.placeholder(tf.int64, [None])
    it = tf.data.Dataset.from_tensor_slices((x_in, y_in)).batch(2).make_initializable_iterator()
    x, y = it.get_next()
    assert x.shape.as_list() == [None, 2]
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="You must feed a value for placeholder tensor 'Placeholder'"):
            sess.run(it.initializer)
        fed = X.copy()
        sess.run(it.initializer, {x_in: fed, y_in: Y})
        fed[:] = -1                              # the iterator keeps its own copy
        first = sess.run(x)                      # no feed needed now
        np.testing.assert_array_equal(first, X[:2])
        first[:] = 99                            # a fetched element is a copy
        sess.run(it.initializer, {x_in: X, y_in: Y})
        np.testing.assert_array_equal(sess.run(x), X[:2])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="All components must have the same size in the 0th "
                                 "dimension"):
            sess.run(it.initializer, {x_in: X, y_in: Y[:3]})


def test_fetched_elements_of_constants_are_copies():
    nxt = tf.data.Dataset.from_tensor_slices(X).make_one_shot_iterator().get_next()
    whole = tf.data.Dataset.from_tensors(X).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        row = sess.run(nxt)
        row[:] = 99
        np.testing.assert_array_equal(sess.run(nxt), X[1])
        w = sess.run(whole)
        w[:] = 99
    np.testing.assert_array_equal(elements(tf.data.Dataset.from_tensor_slices(X))[0], X[0])


def test_one_shot_iterator():
    it = tf.data.Dataset.range(3).make_one_shot_iterator()
    nxt = it.get_next()
    with pytest.raises(ValueError, match="The iterator does not have an initializer"):
        it.initializer
    with tf.Session() as sess:
        assert [int(v) for v in drain(sess, nxt)] == [0, 1, 2]
        with pytest.raises(tf.errors.OutOfRangeError, match="one-shot iterator cannot"):
            sess.run(nxt)
    with tf.Session() as sess:                 # each session starts it anew
        assert int(sess.run(nxt)) == 0


def test_from_structure_switches_between_datasets():
    train = tf.data.Dataset.from_tensor_slices((X, Y)).batch(2)
    valid = tf.data.Dataset.from_tensor_slices((X[:3] + 100, Y[:3])).batch(3)
    it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    x, y = it.get_next()
    assert x.shape.as_list() == [None, 2] and y.dtype == tf.int64
    train_init = it.make_initializer(train)
    valid_init = it.make_initializer(valid)
    assert train_init.type == valid_init.type == "MakeIterator"
    assert (train_init.name, valid_init.name) == ("make_initializer", "make_initializer_1")
    with pytest.raises(ValueError, match="The iterator does not have an initializer"):
        it.initializer
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(x)
        sess.run(train_init)
        assert sess.run(y).tolist() == [0, 1]
        sess.run(valid_init)
        np.testing.assert_array_equal(sess.run(x), X[:3] + 100)
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(x)
        sess.run(train_init)
        assert [b.tolist() for b in drain(sess, y)] == [[0, 1], [2, 3], [4]]
    # without shapes, get_next's are unknown
    loose = tf.data.Iterator.from_structure((tf.float32, tf.int64))
    assert loose.output_shapes == (tf.TensorShape(None), tf.TensorShape(None))
    assert loose.get_next()[0].shape.ndims is None
    loose.make_initializer(train)


def test_make_initializer_checks_the_structure():
    it = tf.data.Iterator.from_structure((tf.float32, tf.int64),
                                         (tf.TensorShape([2]), tf.TensorShape([])))
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        it.make_initializer(tf.data.Dataset.range(3))
    with pytest.raises(TypeError, match=r"Expected output types \(tf.float32, tf.int64\) but "
                                        r"got dataset with output types \(tf.float64, "
                                        r"tf.int64\)"):
        it.make_initializer(tf.data.Dataset.from_tensor_slices((X.astype(np.float64), Y)))
    with pytest.raises(TypeError, match="Expected output shapes compatible with"):
        it.make_initializer(tf.data.Dataset.from_tensor_slices((X, Y)).batch(2))


def test_feedable_iterator_from_string_handle():
    train = tf.data.Dataset.range(3).make_one_shot_iterator()
    valid = tf.data.Dataset.range(100, 103).make_initializable_iterator()
    handle = tf.placeholder(tf.string, [])
    it = tf.data.Iterator.from_string_handle(handle, train.output_types, train.output_shapes)
    nxt = it.get_next()
    with tf.Session() as sess:
        h_train, h_valid = sess.run([train.string_handle(), valid.string_handle()])
        assert isinstance(h_train, bytes)
        sess.run(valid.initializer)
        got = [int(sess.run(nxt, {handle: h})) for h in (h_train, h_valid, h_train)]
        assert got == [0, 100, 1]
        with pytest.raises(tf.errors.InvalidArgumentError, match="not the string handle"):
            sess.run(nxt, {handle: b"nonsense"})


def test_output_types_functions_and_repr():
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(2)
    it = ds.make_initializable_iterator()
    assert tf.data.get_output_types(ds) == tf.compat.v1.data.get_output_types(it) == \
        (tf.float32, tf.int64)
    assert tf.data.get_output_shapes(it) == ds.output_shapes
    assert tf.data.get_output_classes(ds) == (tf.Tensor, tf.Tensor)
    assert ds.element_spec[0] == tf.TensorSpec([None, 2], tf.float32)
    assert repr(ds) == "<BatchDatasetV2 shapes: ((?, 2), (?,)), types: (tf.float32, tf.int64)>"
    assert tf.data.make_one_shot_iterator(ds).output_types == ds.output_types
    assert tf.data.make_initializable_iterator(ds).initializer.type == "MakeIterator"


# --------------------------------------------------------------- the graph, traces, drawings

def test_graph_ops_are_tf1s():
    """Op names, types and inputs as real TF1 (tf.compat.v1 of TF 2.21) builds them."""
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(2)
    it = ds.make_initializable_iterator()
    it.get_next()
    one = tf.data.Dataset.range(3).repeat().make_one_shot_iterator()
    one.get_next()
    got = [(op.name, op.type, [t.op.name for t in op.inputs])
           for op in tf.get_default_graph().get_operations()]
    assert got == [
        ("normalize_element/component_0", "Const", []),
        ("normalize_element/component_1", "Const", []),
        ("TensorSliceDataset", "TensorSliceDataset", ["normalize_element/component_0",
                                                      "normalize_element/component_1"]),
        ("batch_size", "Const", []),
        ("drop_remainder", "Const", []),
        ("BatchDatasetV2", "BatchDatasetV2", ["TensorSliceDataset", "batch_size",
                                              "drop_remainder"]),
        ("IteratorV2", "IteratorV2", []),
        ("MakeIterator", "MakeIterator", ["BatchDatasetV2", "IteratorV2"]),
        ("IteratorToStringHandle", "IteratorToStringHandle", ["IteratorV2"]),
        ("IteratorGetNext", "IteratorGetNext", ["IteratorV2"]),
        ("start", "Const", []), ("stop", "Const", []), ("step", "Const", []),
        ("RangeDataset", "RangeDataset", ["start", "stop", "step"]),
        ("count", "Const", []),
        ("RepeatDataset", "RepeatDataset", ["RangeDataset", "count"]),
        ("OneShotIterator", "OneShotIterator", []),   # TF: its dataset is a function attr
        ("IteratorToStringHandle_1", "IteratorToStringHandle", ["OneShotIterator"]),
        ("IteratorGetNext_1", "IteratorGetNext", ["OneShotIterator"]),
    ]
    assert tf.get_collection("iterators") == [it._resource, one._resource]
    named = it.get_next(name="next_batch")
    assert named[0].name == "next_batch:0" and named[1].name == "next_batch:1"


def test_get_next_is_a_stateful_source_in_traces_and_plans():
    it = tf.data.Dataset.range(5).make_initializable_iterator()
    nxt = it.get_next()
    y = tf.cast(nxt, tf.float32) * 2.0
    op = nxt.op
    assert op.opdef.stateful and op.opdef.kind == "iterator" and not op.opdef.differentiable
    with tf.Session() as sess:
        md = tf.RunMetadata()
        sess.run(it.initializer, options=FULL, run_metadata=md)
        assert "MakeIterator" in {o.name for o in trace_of(md).executed}
        assert sess.run(y) == 0.0 and sess.run(y) == 2.0   # untraced runs: never folded
        md = tf.RunMetadata()
        assert sess.run(y, options=FULL, run_metadata=md) == 4.0
        assert [o.type for o in trace_of(md).executed][:2] == ["IteratorV2", "IteratorGetNext"]
        stepped = run_steps(sess, y)
        assert [s.op.type for s in stepped][:2] == ["IteratorV2", "IteratorGetNext"]
        assert stepped.results == 6.0
        assert op in fast_path(sess, y).executed
        assert sess.run(y) == 8.0
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(y)


def test_gradients_do_not_flow_into_the_iterator():
    it = tf.data.Dataset.from_tensor_slices(X).batch(5).make_one_shot_iterator()
    x = it.get_next()
    w = tf.Variable(tf.ones((2, 1)))
    loss = tf.reduce_sum(tf.matmul(x, w))
    gx, gw = tf.gradients(loss, [x, w])
    assert gx is not None and gw is not None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(gw), X.sum(axis=0, keepdims=True).T)


def test_drawing_and_graph_def():
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(5, seed=1).map(
        lambda x, y: (x + 1.0, y)).batch(2)
    it = ds.make_initializable_iterator()
    x, _ = it.get_next()
    loss = tf.reduce_sum(x)
    dot = viz.to_dot(tf.get_default_graph())
    assert "IteratorGetNext" in dot and "MapDataset" in dot
    with tf.Session() as sess:
        md = tf.RunMetadata()
        sess.run(it.initializer)
        sess.run(loss, options=FULL, run_metadata=md)
        assert "IteratorGetNext" in viz.to_dot(tf.get_default_graph(), trace=trace_of(md),
                                               show_values=True)
    pytest.importorskip("tensorboard")
    nodes = {n.name: n for n in graphdef.as_graph_def().node}
    assert nodes["IteratorGetNext"].op == "IteratorGetNext"
    assert list(nodes["MakeIterator"].input) == ["BatchDatasetV2", "IteratorV2"]


def test_training_over_epochs_matches_numpy():
    """An unshuffled pipeline, 3 epochs of SGD on a linear model: the same steps as numpy."""
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(12, 3)).astype(np.float32)
    ys = (xs @ np.array([[1.0], [-1.0], [2.0]], np.float32)).astype(np.float32)
    it = tf.data.Dataset.from_tensor_slices((xs, ys)).batch(5).make_initializable_iterator()
    xb, yb = it.get_next()
    w = tf.Variable(tf.zeros((3, 1)))
    loss = tf.reduce_mean(tf.square(tf.matmul(xb, w) - yb))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(it.initializer)
            while True:
                try:
                    losses.append(sess.run([loss, train])[0])
                except tf.errors.OutOfRangeError:
                    break
    want, wv = [], np.zeros((3, 1), np.float64)
    for _ in range(3):
        for start in range(0, 12, 5):
            xb_, yb_ = xs[start:start + 5].astype(np.float64), ys[start:start + 5]
            err = xb_ @ wv - yb_
            want.append(np.mean(err ** 2))
            wv = wv - 0.1 * 2 * xb_.T @ err / len(xb_)
    assert len(losses) == 9
    np.testing.assert_allclose(losses, want, rtol=1e-5)


def test_tf1_names_minigraph_lacks_say_so():
    ds = tf.data.Dataset.range(3)
    with pytest.raises(AttributeError, match=r"TF1's tf.data.Dataset.padded_batch is not in "
                                             r"minigraph \(yet\)"):
        ds.padded_batch(2, [None])
    with pytest.raises(AttributeError, match="TF1's tf.data.Dataset.from_generator"):
        tf.data.Dataset.from_generator
    with pytest.raises(AttributeError, match="TF1's tf.data.Iterator.get_next_as_optional"):
        ds.make_one_shot_iterator().get_next_as_optional()
    with pytest.raises(AttributeError) as info:
        ds.not_a_tf_name
    assert "TF1" not in str(info.value)
    assert not hasattr(ds, "cache") and hasattr(ds, "map")
