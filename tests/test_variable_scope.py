"""tf.get_variable and tf.variable_scope: names, TF1's reuse rules and their error messages.

Truth: TF1's documented behaviour (the reuse table, the exact error messages, name scope vs
variable scope) and values computed with numpy.
"""

import re

import numpy as np
import pytest

import minigraph as tf
from minigraph.variables import Variable


def run(*fetches):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(list(fetches))


# -------------------------------------------------------------------------------- naming

def test_get_variable_makes_a_named_variable():
    w = tf.get_variable("w", shape=(2, 3))
    assert isinstance(w, Variable)
    assert w.name == "w:0" and w.op.name == "w" and w.op.type == "VariableV2"
    assert w.shape == (2, 3) and w.dtype == tf.float32
    assert w in tf.global_variables() and w in tf.trainable_variables()
    frozen = tf.get_variable("frozen", shape=(2,), trainable=False)
    assert frozen in tf.global_variables() and frozen not in tf.trainable_variables()


def test_scopes_prefix_the_names():
    with tf.variable_scope("model"):
        assert tf.get_variable_scope().name == "model"
        with tf.variable_scope("layer1"):
            w = tf.get_variable("w", (1,))
            assert tf.get_variable_scope().name == "model/layer1"
    assert tf.get_variable_scope().name == ""
    assert w.name == "model/layer1/w:0"
    assert tf.get_default_graph().get_operation_by_name("model/layer1/w") is w.op


def test_name_scope_does_not_change_variable_names():
    with tf.name_scope("ns"):
        v = tf.get_variable("v", (1,))
        c = tf.constant(1.0, name="c")
    assert v.name == "v:0"
    assert c.name == "ns/c:0"


def test_variable_scope_opens_a_unique_name_scope_for_ops():
    with tf.variable_scope("foo"):
        v1 = tf.get_variable("v", (1,))
        a = tf.identity(v1, name="out")
    with tf.variable_scope("foo", reuse=True):
        v2 = tf.get_variable("v", (1,))
        b = tf.identity(v2, name="out")
    assert v1 is v2
    assert a.name == "foo/out:0"
    assert b.name == "foo_1/out:0"       # the name scope is new; the variable scope is not


def test_default_name_is_made_unique():
    names = []
    for _ in range(3):
        with tf.variable_scope(None, default_name="layer"):
            names.append(tf.get_variable("w", (1,)).op.name)
    assert names == ["layer/w", "layer_1/w", "layer_2/w"]


def test_default_names_restart_inside_a_reentered_scope():
    # this is how a model function called twice, the second time with reuse, shares layers
    def model():
        with tf.variable_scope(None, default_name="dense"):
            return tf.get_variable("kernel", (2, 2))
    with tf.variable_scope("net"):
        first = model()
    with tf.variable_scope("net", reuse=True):
        second = model()
    assert first is second and first.op.name == "net/dense/kernel"


def test_reentering_a_scope_object_is_absolute():
    with tf.variable_scope("a") as a_scope:
        pass
    with tf.variable_scope("b"):
        with tf.variable_scope(a_scope):
            v = tf.get_variable("v", (1,))
            assert tf.get_variable_scope().name == "a"
        assert tf.get_variable_scope().name == "b"
    assert v.op.name == "a/v"
    assert a_scope.original_name_scope == "a/"


def test_variables_ignore_surrounding_control_dependencies():
    c = tf.no_op(name="c")
    with tf.control_dependencies([c]):
        v = tf.get_variable("v", (1,))
    assert v.op.control_inputs == ()
    assert c not in v.initializer.control_inputs


def test_store_is_per_graph():
    tf.get_variable("v", (1,))
    with tf.Graph().as_default():
        v = tf.get_variable("v", (1,))       # no "already exists": another graph
        assert v.name == "v:0"


# ------------------------------------------------------------------------------- reuse

def test_creating_an_existing_variable_is_an_error_pointing_at_the_original():
    with tf.variable_scope("dense"):
        line = _line_of("ORIGINAL")
        tf.get_variable("kernel", (2, 2))  # ORIGINAL
    with pytest.raises(ValueError) as info:
        with tf.variable_scope("dense"):
            tf.get_variable("kernel", (2, 2))
    msg = str(info.value)
    assert msg.startswith(
        "Variable dense/kernel already exists, disallowed. Did you mean to set reuse=True or "
        "reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n")
    assert 'test_variable_scope.py", line %d' % line in msg
    assert 'tf.get_variable("kernel", (2, 2))  # ORIGINAL' in msg


def _line_of(marker):
    """The line number of the next line in this file containing ``marker``."""
    import inspect
    frame = inspect.currentframe().f_back
    lines = open(frame.f_code.co_filename).read().splitlines()
    for i in range(frame.f_lineno, len(lines)):
        if marker in lines[i] and "_line_of" not in lines[i]:
            return i + 1
    raise AssertionError(marker)


def test_reusing_a_missing_variable_is_an_error():
    with tf.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError) as info:
            tf.get_variable("bar", (1,))
    assert str(info.value) == (
        "Variable foo/bar does not exist, or was not created with tf.get_variable(). Did you "
        "mean to set reuse=tf.AUTO_REUSE in VarScope?")


def test_a_plain_tf_variable_is_not_found_by_get_variable():
    tf.Variable(1.0, name="x")
    with tf.variable_scope("", reuse=True):
        with pytest.raises(ValueError, match="does not exist, or was not created with"):
            tf.get_variable("x", ())


def test_reuse_true_returns_the_same_variable():
    with tf.variable_scope("s"):
        v = tf.get_variable("v", (3,))
    with tf.variable_scope("s", reuse=True):
        assert tf.get_variable("v", (3,)) is v
        assert tf.get_variable("v") is v                  # shape may be left out
    assert len(tf.global_variables()) == 1


def test_reuse_variables_method():
    with tf.variable_scope("s") as scope:
        v = tf.get_variable("v", (3,))
        scope.reuse_variables()
        assert tf.get_variable("v", (3,)) is v


def test_auto_reuse_creates_then_reuses():
    def layer():
        with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
            return tf.get_variable("w", (2,))
    assert layer() is layer()
    assert [v.name for v in tf.global_variables()] == ["shared/w:0"]


def test_reuse_is_inherited_and_cannot_be_turned_off_inside():
    with tf.variable_scope("a"):
        with tf.variable_scope("b"):
            v = tf.get_variable("v", (1,))
    with tf.variable_scope("a", reuse=True):
        with tf.variable_scope("b"):
            assert tf.get_variable_scope().reuse is True
            assert tf.get_variable("v", (1,)) is v
        with tf.variable_scope("b", reuse=False):        # False means "inherit" in TF1
            assert tf.get_variable("v", (1,)) is v


def test_sharing_checks_shape_and_dtype():
    with tf.variable_scope("s"):
        tf.get_variable("v", (2,))
    with tf.variable_scope("s", reuse=True):
        with pytest.raises(ValueError, match=re.escape(
                "Trying to share variable s/v, but specified shape (3,) and found shape (2,).")):
            tf.get_variable("v", (3,))
        with pytest.raises(ValueError, match=re.escape(
                "Trying to share variable s/v, but specified dtype float64 and found dtype "
                "float32.")):
            tf.get_variable("v", (2,), dtype=tf.float64)


def test_reuse_without_a_name_and_bad_reuse_values():
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        with tf.variable_scope(None, default_name="x", reuse=True):
            pass
    with pytest.raises(ValueError, match="reuse parameter must be True or False or None"):
        tf.variable_scope("x", reuse="yes")
    with pytest.raises(TypeError, match="default_name is None"):
        tf.variable_scope(None)


# ------------------------------------------------------------------------- initializers

def test_default_initializer_is_glorot_uniform_for_floats_and_zeros_for_ints():
    w = tf.get_variable("w", (300, 500))
    n = tf.get_variable("n", (4,), dtype=tf.int32)
    w_val, n_val = run(w, n)
    limit = np.sqrt(6.0 / (300 + 500))
    assert np.abs(w_val).max() <= limit + 1e-7 and np.abs(w_val).max() > 0.99 * limit
    assert w_val.std() == pytest.approx(limit / np.sqrt(3), rel=0.02)
    assert n_val.dtype == np.int32 and np.array_equal(n_val, np.zeros(4))
    assert "w/Initializer/random_uniform/RandomUniform" in [
        op.name for op in tf.get_default_graph().get_operations()]


def test_explicit_and_scope_initializers():
    with tf.variable_scope("s", initializer=tf.constant_initializer(3.0)):
        a = tf.get_variable("a", (2,))
        with tf.variable_scope("inner"):
            b = tf.get_variable("b", (2,))                             # inherited
        c = tf.get_variable("c", (2,), initializer=tf.ones_initializer())  # explicit wins
    d = tf.get_variable("d", (2,), initializer=tf.zeros_initializer)   # a class: instantiated
    assert [v.tolist() for v in run(a, b, c, d)] == [[3, 3], [3, 3], [1, 1], [0, 0]]


def test_initializer_given_as_a_value():
    v = tf.get_variable("v", initializer=tf.constant([[1.0, 2.0]]))
    u = tf.get_variable("u", initializer=np.arange(3, dtype=np.float64))
    assert v.shape == (1, 2) and u.shape == (3,) and u.dtype == tf.float64
    v_val, u_val = run(v, u)
    assert v_val.tolist() == [[1.0, 2.0]] and u_val.tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match="If initializer is a constant, do not specify shape."):
        tf.get_variable("x", (2,), initializer=tf.constant([1.0, 2.0]))


def test_new_variable_needs_a_full_shape():
    with pytest.raises(ValueError, match="must be fully defined"):
        tf.get_variable("v")
    with pytest.raises(ValueError, match="must be fully defined"):
        tf.get_variable("v", (None, 3))


# ------------------------------------------------------------------------ regularization

def test_regularizer_loss_goes_to_the_collection_once():
    w = tf.get_variable("w", (2, 3), initializer=tf.constant_initializer(np.arange(6.0)),
                        regularizer=lambda t: tf.reduce_sum(t * t))
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 1
    assert losses[0].op.name.startswith("w/Regularizer/")
    (value,) = run(losses[0])
    assert value == pytest.approx(np.sum(np.arange(6.0) ** 2))
    with tf.variable_scope("", reuse=True):
        tf.get_variable("w", (2, 3), regularizer=lambda t: tf.reduce_sum(t * t))
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 1  # not re-added
    assert w is tf.trainable_variables()[0]


def test_scope_regularizer_and_contrib_regularizers():
    values = np.array([[1.0, -2.0], [3.0, -4.0]])
    with tf.variable_scope("s", regularizer=tf.contrib.layers.l2_regularizer(0.1)):
        tf.get_variable("a", initializer=tf.constant(values, dtype=tf.float32))
        tf.get_variable("b", (2, 2), initializer=tf.constant_initializer(values),
                        regularizer=tf.contrib.layers.l1_regularizer(0.5))
    tf.get_variable("c", (2,), regularizer=tf.contrib.layers.l2_regularizer(0.0))  # disabled
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert [loss.op.name for loss in losses] == ["s/a/Regularizer/l2_regularizer",
                                                 "s/b/Regularizer/l1_regularizer"]
    l2, l1 = run(*losses)
    assert l2 == pytest.approx(0.1 * np.sum(values ** 2) / 2)
    assert l1 == pytest.approx(0.5 * np.sum(np.abs(values)))
    with pytest.raises(ValueError, match="integer"):
        tf.contrib.layers.l2_regularizer(1)
    with pytest.raises(ValueError, match="less than 0"):
        tf.contrib.layers.l1_regularizer(-0.1)


def test_get_local_variable():
    v = tf.get_local_variable("counter", (), dtype=tf.int32)
    assert v in tf.local_variables()
    assert v not in tf.trainable_variables()
