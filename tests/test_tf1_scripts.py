"""The small pieces TF1 scripts from the web call: tf.device, string constants as bytes, the
softmax cross-entropy of integer labels, tf.arg_max, the tf.to_* casts (their values against
real TF are in tests/tf_reference/cases.py, case tf1_script_ops; here the graph they build)."""

import numpy as np
import pytest

import minigraph as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


# ----------------------------------------------------------------------------- tf.device

@pytest.mark.parametrize("spec, recorded", [
    ("/cpu:0", "/device:CPU:0"), ("/gpu:0", "/device:GPU:0"), ("/device:GPU:1", "/device:GPU:1"),
    ("cpu:0", "/device:CPU:0"), ("/CPU:0", "/device:CPU:0"), ("GPU:0", "/device:GPU:0"),
    ("/device:gpu:0", "/device:GPU:0"), ("/gpu:*", "/device:GPU:*"), ("", ""),
    ("/job:worker/task:1", "/job:worker/task:1"),
    ("/job:ps/replica:0/task:0/device:CPU:0", "/job:ps/replica:0/task:0/device:CPU:0"),
])
def test_device_is_recorded_as_tf1_spells_it(spec, recorded):
    with tf.device(spec):
        c = tf.constant(1.0)
    assert c.op.device == recorded and c.device == recorded
    assert tf.constant(2.0).op.device == ""


def test_nested_devices_merge_and_none_clears():
    with tf.device("/job:worker"):
        with tf.device("/gpu:0"):
            assert tf.constant(1.0).op.device == "/job:worker/device:GPU:0"
            with tf.device("/cpu:0"):
                assert tf.constant(1.0).op.device == "/job:worker/device:CPU:0"
            with tf.device(None):
                assert tf.constant(1.0).op.device == ""
            with tf.device(""):
                assert tf.constant(1.0).op.device == "/job:worker/device:GPU:0"


def test_a_device_function_decides_per_op():
    with tf.device(lambda op: "/cpu:0" if op.type == "Const" else "/gpu:0"):
        c = tf.constant(1.0)
        d = c + c
    assert (c.op.device, d.op.device) == ("/cpu:0", "/gpu:0")


@pytest.mark.parametrize("spec, message", [
    ("bogus", "Unknown attribute 'bogus' is encountered while parsing the device spec: "
              "'bogus'."),
    ("/cpu:x", "invalid literal for int() with base 10: 'x'"),
])
def test_a_bad_device_name_is_a_value_error(spec, message):
    with pytest.raises(ValueError) as info:
        with tf.device(spec):
            pass
    assert str(info.value) == message


def test_device_changes_nothing_else(graph):
    with tf.device("/gpu:0"):
        v = tf.Variable(2.0, name="v")
        x = tf.placeholder(tf.float32, name="x")
        y = x * v
        g, = tf.gradients(y, x)
    assert {op.device for op in graph.get_operations()} == {"/device:GPU:0"}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run([y, g], {x: 3.0}) == [6.0, 2.0]
    assert tf.gradients(y, x)[0].op.device == ""   # gradients built outside the block


# ------------------------------------------------------------------------------- strings

def test_string_constants_fetch_as_bytes():
    with tf.Session() as sess:
        assert sess.run(tf.constant("hello")) == b"hello"
        assert isinstance(sess.run(tf.constant("hello")), bytes)
        got = sess.run(tf.constant([["a", "bc"], [b"d", "é"]]))
    assert got.dtype == object and got.tolist() == [[b"a", b"bc"], [b"d", "é".encode()]]


def test_a_string_constant_of_numbers_is_a_type_error():
    with pytest.raises(TypeError, match="Expected string, got 5 of type 'int'"):
        tf.constant(5, dtype=tf.string)


# ------------------------------------------------------------- what the functions build

def test_deprecated_casts_are_cast_ops_named_as_tf1():
    x = tf.placeholder(tf.int32)
    for fn, name, dtype in [(tf.to_float, "ToFloat", tf.float32),
                            (tf.to_double, "ToDouble", tf.float64),
                            (tf.to_int64, "ToInt64", tf.int64)]:
        y = fn(x)
        assert (y.op.type, y.op.name, y.dtype) == ("Cast", name, dtype)
    assert tf.to_int32(x) is x          # already int32: no op, as tf.cast


def test_arg_max_takes_dimension():
    x = tf.constant([[1.0, 5.0, 2.0], [7.0, 0.0, 1.0]])
    with tf.Session() as sess:
        assert sess.run(tf.arg_max(x, 1)).tolist() == [1, 0]
        assert sess.run(tf.arg_min(x, dimension=0)).tolist() == [0, 1, 1]
    assert tf.arg_max(x, 1).dtype == tf.int64
    assert tf.arg_max(x, 1, output_type=tf.int32).dtype == tf.int32


@pytest.mark.parametrize("fn, scope", [
    (tf.nn.softmax_cross_entropy_with_logits, "softmax_cross_entropy_with_logits_sg"),
    (tf.nn.softmax_cross_entropy_with_logits_v2, "softmax_cross_entropy_with_logits"),
])
def test_integer_labels_are_cast_to_the_logits_dtype(fn, scope):
    logits = tf.placeholder(tf.float64, (None, 3))
    labels = tf.placeholder(tf.int32, (None, 3))
    loss = fn(labels=labels, logits=logits)
    # as TF1: the loss is the xent op's first output reshaped back (<scope>/Reshape_2); the
    # labels are cast in the scope, then flattened
    assert loss.dtype == tf.float64 and loss.op.name == scope + "/Reshape_2"
    graph = tf.get_default_graph()
    assert graph.get_operation_by_name(scope).type == "SoftmaxCrossEntropyWithLogits"
    cast = graph.get_operation_by_name(scope + "/Cast")
    assert cast.type == "Cast" and cast.inputs[0].op.type in ("Placeholder", "StopGradient")
    lv = np.array([[0.5, 1.0, -1.0], [2.0, 0.0, 0.0]])
    yv = np.array([[0, 1, 0], [1, 0, 0]])
    want = -np.sum(yv * (lv - np.log(np.exp(lv).sum(axis=1, keepdims=True))), axis=1)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(loss, {logits: lv, labels: yv}), want, rtol=1e-12)


def test_v1_stops_the_labels_gradient_as_tf1_names_it():
    logits = tf.placeholder(tf.float32, (None, 3))
    labels = tf.placeholder(tf.float32, (None, 3))
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    stop = tf.get_default_graph().get_operation_by_name(
        "softmax_cross_entropy_with_logits_sg/labels_stop_gradient")
    assert stop.type == "StopGradient" and stop.inputs[0] is labels
    assert tf.gradients(loss, labels) == [None]


def test_op_functions_convert_a_leading_plain_value_on_its_own_as_tf1():
    # TF1 (tf.compat.v1 of TF 2.21): tf.subtract(-2, p) converts -2 to int32 first and
    # refuses the float32 p; the operator -2 - p converts -2 to p's dtype; tf.divide is the
    # operator x / y
    p = tf.placeholder(tf.float32)
    r = -2 - p
    assert r.dtype == tf.float32 and r.op.name == "sub" and r.op.inputs[0].op.name == "sub/x"
    for fn in (tf.subtract, tf.add, tf.multiply, tf.maximum, tf.pow):
        with pytest.raises(TypeError, match="float32 that does not match type int32"):
            fn(-2, p)
    with pytest.raises(TypeError, match="must have the same dtype"):
        tf.truediv(1, p)
    assert tf.subtract(p, -2).dtype == tf.float32          # a trailing value takes p's dtype
    assert tf.multiply(2.0, p).dtype == tf.float32         # 2.0 is float32 on its own
    assert tf.divide(1, p).dtype == tf.float32
    with tf.Session() as sess:
        assert sess.run(r, {p: 3.0}) == -5.0
