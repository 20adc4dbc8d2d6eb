"""The small pieces TF1 scripts from the web call: tf.device."""

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
