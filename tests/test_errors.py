"""tf.errors: TF's names and codes, OpError's attributes, and no bare Python exception
(KeyError, IndexError, RecursionError...) escaping from inside a run."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors
from minigraph.trace import run_steps


# TensorFlow's canonical error codes (tensorflow/core/protobuf/error_codes.proto)
TF_CODES = {
    "CancelledError": 1, "UnknownError": 2, "InvalidArgumentError": 3,
    "DeadlineExceededError": 4, "NotFoundError": 5, "AlreadyExistsError": 6,
    "PermissionDeniedError": 7, "ResourceExhaustedError": 8, "FailedPreconditionError": 9,
    "AbortedError": 10, "OutOfRangeError": 11, "UnimplementedError": 12, "InternalError": 13,
    "UnavailableError": 14, "DataLossError": 15,
}


@pytest.mark.parametrize("name,code", sorted(TF_CODES.items()))
def test_error_classes_have_tf_names_and_codes(name, code):
    cls = getattr(errors, name)
    assert issubclass(cls, errors.OpError)
    assert issubclass(cls, Exception)
    assert cls.error_code == code
    assert getattr(tf.errors, name) is cls


def test_op_error_attributes():
    c = tf.constant(1.0, name="c")
    e = errors.InvalidArgumentError("c", c.op, "bad things")
    assert e.op is c.op
    assert e.node_def == "c"
    assert e.message == "bad things"
    assert str(e) == "bad things"
    assert e.error_code == 3
    with pytest.raises(errors.OpError):
        raise e


def test_runtime_error_carries_the_op():
    x = tf.placeholder(tf.float32, (None,), name="x")
    y = tf.placeholder(tf.float32, (None,), name="y")
    s = tf.add(x, y, name="sum")
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError) as info:
            sess.run(s, {x: np.ones(2), y: np.ones(3)})
    assert info.value.op is s.op
    assert "sum" in info.value.message
    assert info.value.error_code == 3


def test_gather_out_of_range_is_invalid_argument():
    params = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    idx = tf.placeholder(tf.int32, (None,), name="idx")
    g = tf.gather(params, idx, name="pick")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(g, {idx: [2, 0]}), [[5.0, 6.0], [1.0, 2.0]])
        with pytest.raises(errors.InvalidArgumentError) as info:
            sess.run(g, {idx: [0, 7]})
        msg = str(info.value)
        assert "pick" in msg
        assert "7" in msg and "[0, 3)" in msg
        assert not isinstance(info.value, (IndexError, KeyError))
        # the session is still usable
        np.testing.assert_array_equal(sess.run(g, {idx: [1]}), [[3.0, 4.0]])


def test_gather_negative_index_is_invalid_argument():
    # TF1 rejects negative indices on CPU ("indices[0] = -1 is not in [0, 3)")
    params = tf.constant([1.0, 2.0, 3.0])
    idx = tf.placeholder(tf.int32, (None,))
    g = tf.gather(params, idx)
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError):
            sess.run(g, {idx: [-1]})


def test_sparse_xent_label_out_of_range_names_the_range():
    logits = tf.placeholder(tf.float32, (None, 4), name="logits")
    labels = tf.placeholder(tf.int32, (None,), name="labels")
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    lv = np.array([[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0]], np.float32)
    with tf.Session() as sess:
        got = sess.run(xent, {logits: lv, labels: [3, 0]})
        # -log softmax(logits)[label]
        ref = -(lv - np.log(np.exp(lv).sum(axis=1, keepdims=True)))[[0, 1], [3, 0]]
        np.testing.assert_allclose(got, ref, rtol=1e-6)
        with pytest.raises(errors.InvalidArgumentError) as info:
            sess.run(xent, {logits: lv, labels: [4, 0]})
        msg = str(info.value)
        assert "4" in msg and "[0, 4)" in msg
        with pytest.raises(errors.InvalidArgumentError):
            sess.run(xent, {logits: lv, labels: [-1, 0]})


def test_check_numerics_nan_is_invalid_argument_with_message():
    x = tf.placeholder(tf.float32, (None,), name="x")
    checked = tf.check_numerics(tf.log(x), "log of a non-positive number")
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(checked, {x: [1.0, np.e]}), [0.0, 1.0], rtol=1e-6)
        with pytest.raises(errors.InvalidArgumentError) as info:
            sess.run(checked, {x: [-1.0, 1.0]})
        assert "log of a non-positive number" in str(info.value)
        assert "NaN" in str(info.value)
        with pytest.raises(errors.InvalidArgumentError) as info:
            sess.run(checked, {x: [0.0]})         # log(0) = -inf
        assert "Inf" in str(info.value)
        # traced path too
        with pytest.raises(errors.InvalidArgumentError):
            sess.run(checked, {x: [-1.0]},
                     options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                     run_metadata=tf.RunMetadata())


def test_nan_without_check_numerics_propagates_silently():
    x = tf.placeholder(tf.float32, (None,), name="x")
    y = tf.log(x)
    with tf.Session() as sess:
        out = sess.run(y, {x: [-1.0, 0.0]})
    assert np.isnan(out[0]) and np.isneginf(out[1])


def test_run_steps_errors_are_op_errors_too():
    idx = tf.placeholder(tf.int32, (None,))
    g = tf.gather(tf.constant([1.0, 2.0]), idx)
    with tf.Session() as sess:
        run = run_steps(sess, g, {idx: [5]})
        with pytest.raises(errors.InvalidArgumentError):
            for _ in run:
                pass


def test_deep_graph_errors_are_not_recursion_errors():
    # a long chain with a failure at the bottom: the error, and its message, must be built
    # without recursion
    idx = tf.placeholder(tf.int32, (None,))
    y = tf.gather(tf.constant([1.0, 2.0]), idx)
    for _ in range(5000):
        y = y + 1.0
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError):
            sess.run(y, {idx: [9]})
        assert sess.run(y, {idx: [1]})[0] == 5002.0


def test_bad_names_in_fetches_and_feeds_are_not_bare_index_errors():
    tf.constant(1.0, name="c")
    with tf.Session() as sess:
        for bad in ("c:5", "c:x", "missing:0"):
            with pytest.raises((KeyError, ValueError, TypeError)) as info:
                sess.run(bad)
            assert not isinstance(info.value, IndexError)


def test_reshape_runtime_mismatch_is_invalid_argument():
    x = tf.placeholder(tf.float32, (None,), name="x")
    r = tf.reshape(x, (2, 3))
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError) as info:
            sess.run(r, {x: np.ones(5)})
    assert info.value.op is r.op


def _shown_chain(exc):
    """The exceptions Python's traceback would print before ``exc``."""
    chain, seen = [], {id(exc)}
    while True:
        nxt = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        if nxt is None or id(nxt) in seen:
            return chain
        chain.append(nxt)
        seen.add(id(nxt))
        exc = nxt


def test_errors_do_not_show_an_internal_key_error_in_the_traceback():
    # A student's traceback should show the TF error, not "KeyError: (<tf.Tensor ...>, ())
    # During handling of the above exception, another exception occurred".
    x = tf.placeholder(tf.float32, (2,), name="x")
    v = tf.Variable([1.0, 2.0], name="v")
    with tf.Session() as sess:
        for fetch, exc in ((x * 2.0, errors.InvalidArgumentError),      # missing feed
                           (v * 2.0, errors.FailedPreconditionError)):  # uninitialized
            with pytest.raises(exc) as info:
                sess.run(fetch)
            shown = _shown_chain(info.value)
            assert not any(isinstance(e, (KeyError, IndexError)) for e in shown), shown


def test_an_error_raised_by_a_kernel_is_not_shown_as_its_own_cause():
    # IPython prints each link of the cause chain: a self-cause printed the error three times
    w = tf.Variable(1.0, name="w_unset")
    y = w * 2.0
    sess = tf.Session()
    for options in (None, tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)):
        with pytest.raises(errors.FailedPreconditionError, match="w_unset") as info:
            sess.run(y, options=options, run_metadata=tf.RunMetadata())
        assert info.value.__cause__ is None and info.value.__suppress_context__
    # an error from numpy inside a kernel keeps numpy's error as its cause
    x = tf.placeholder(tf.float32, (None, 3))
    bad = tf.reshape(x, [2, 2])
    with pytest.raises(errors.InvalidArgumentError) as info:
        sess.run(bad, {x: np.ones((1, 3))})
    assert isinstance(info.value.__cause__, ValueError)


def test_a_failed_update_names_its_variable_and_the_value_it_got():
    w = tf.Variable(np.zeros(3, np.float32), name="w")
    p = tf.placeholder(tf.float32, None)
    bump = w.assign_add(p)
    with tf.Session() as sess:
        sess.run(w.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(bump, {p: np.ones(4)})
    # the variable is a ref input: no value of its own is listed, the fed value is
    assert "inputs: w:0 (the variable), Placeholder:0 float32 (4,)" in str(info.value)
