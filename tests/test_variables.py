"""tf.Variable and random ops: the API, initializers, assignment, TF1 seeding rules.

Truth: TF1's documented behaviour and numpy arithmetic.
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors


# ------------------------------------------------------------------------------ API

def test_variable_names_shape_dtype():
    v = tf.Variable(tf.zeros((2, 3)))
    w = tf.Variable(tf.zeros((4,)))
    named = tf.Variable(1.0, name="bias")
    assert v.name == "Variable:0"
    assert w.name == "Variable_1:0"
    assert named.name == "bias:0"
    assert v.op.name == "Variable" and v.op.type == "VariableV2"
    assert v.shape.as_list() == [2, 3]
    assert v.get_shape().as_list() == [2, 3]
    assert v.dtype == tf.float32
    assert named.shape.as_list() == []
    assert tf.Variable(np.zeros(3, np.float64)).dtype == tf.float64
    assert tf.Variable(3).dtype == tf.int32
    assert tf.Variable([1, 2], dtype=tf.float32).dtype == tf.float32
    with pytest.raises(ValueError):
        tf.Variable(None)


def test_variable_used_as_a_tensor():
    v = tf.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    x = tf.constant(np.array([[1.0, 1.0]], np.float32))
    mm = tf.matmul(x, v)
    arith = v * 2.0 + 1.0
    neg = -v
    sq = v ** 2
    sl = v[1]
    radd = 10.0 - v
    with tf.Session() as sess:
        sess.run(v.initializer)
        vv = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
        np.testing.assert_array_equal(sess.run(mm), [[4.0, 6.0]])
        np.testing.assert_array_equal(sess.run(arith), vv * 2 + 1)
        np.testing.assert_array_equal(sess.run(neg), -vv)
        np.testing.assert_array_equal(sess.run(sq), vv ** 2)
        np.testing.assert_array_equal(sess.run(sl), vv[1])
        np.testing.assert_array_equal(sess.run(radd), 10.0 - vv)
        np.testing.assert_array_equal(sess.run(tf.convert_to_tensor(v)), vv)


def test_assign_family():
    v = tf.Variable([1.0, 2.0], name="v")
    a = v.assign([5.0, 6.0])
    add = v.assign_add([1.0, 1.0])
    sub = v.assign_sub([0.5, 0.5])
    fa = tf.assign(v, [0.0, 0.0])
    fadd = tf.assign_add(v, [3.0, 3.0])
    fsub = tf.assign_sub(v, [1.0, 2.0])
    assert isinstance(a, tf.Tensor) and a.shape.as_list() == [2]
    op_only = v.assign([9.0, 9.0], read_value=False)
    assert isinstance(op_only, tf.Operation)
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(a), [5.0, 6.0])
        np.testing.assert_array_equal(sess.run(v), [5.0, 6.0])
        np.testing.assert_array_equal(sess.run(add), [6.0, 7.0])
        np.testing.assert_array_equal(sess.run(sub), [5.5, 6.5])
        np.testing.assert_array_equal(sess.run(v), [5.5, 6.5])
        np.testing.assert_array_equal(sess.run(fa), [0.0, 0.0])
        np.testing.assert_array_equal(sess.run(fadd), [3.0, 3.0])
        np.testing.assert_array_equal(sess.run(fsub), [2.0, 1.0])
        assert sess.run(op_only) is None
        np.testing.assert_array_equal(sess.run(v), [9.0, 9.0])
        # an assign of an expression of the variable itself
        double = v.assign(v * 2.0)
        np.testing.assert_array_equal(sess.run(double), [18.0, 18.0])
        np.testing.assert_array_equal(sess.run(double), [36.0, 36.0])


def test_assign_checks_at_construction():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(TypeError):
        v.assign(tf.constant([1, 2]))          # int32 into float32
    with pytest.raises(TypeError):
        tf.assign(tf.constant([1.0, 2.0]), [0.0, 0.0])   # not a variable


def test_initializer_initial_value_read_value():
    init = tf.constant([1.0, 2.0, 3.0])
    v = tf.Variable(init)
    assert v.initial_value is init
    assert isinstance(v.initializer, tf.Operation)
    r = v.read_value()
    assert isinstance(r, tf.Tensor) and r.shape.as_list() == [3]
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(r), [1.0, 2.0, 3.0])
        sess.run(v.assign([7.0, 8.0, 9.0]))
        np.testing.assert_array_equal(sess.run(r), [7.0, 8.0, 9.0])
        np.testing.assert_array_equal(sess.run(v.initial_value), [1.0, 2.0, 3.0])
        sess.run(v.initializer)                  # re-initializing resets it
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0, 3.0])


def test_callable_initial_value():
    v = tf.Variable(lambda: tf.ones((2,)))
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(v), [1.0, 1.0])


def test_initializer_from_another_variable():
    a = tf.Variable([1.0, 2.0])
    b = tf.Variable(a.initial_value * 2.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(b), [2.0, 4.0])


def test_global_variables_initializer_runs_all():
    vs = [tf.Variable(float(i)) for i in range(5)]
    hidden = tf.Variable(9.0, trainable=False)
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        assert sess.run(init) is None
        assert sess.run(vs) == [0.0, 1.0, 2.0, 3.0, 4.0]
        assert sess.run(hidden) == 9.0
        # TF1: a string tensor of the uninitialized variables' names (bytes), run like any op
        assert sess.run(tf.report_uninitialized_variables()).tolist() == []


def test_variables_initializer_subset():
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    with tf.Session() as sess:
        sess.run(tf.variables_initializer([a]))
        assert sess.run(a) == 1.0
        with pytest.raises(errors.FailedPreconditionError) as info:
            sess.run(b)
        assert "b" in str(info.value)
        report = tf.report_uninitialized_variables()
        assert report.dtype == tf.string and report.shape.as_list() == [None]
        assert sess.run(report).tolist() == [b"b"]
        sess.run(tf.variables_initializer([]))     # an empty list is a no-op
        sess.run(tf.variables_initializer([b]))
        assert sess.run(b) == 2.0


def test_variable_load():
    v = tf.Variable(np.zeros((2, 2), np.float32))
    with tf.Session() as sess:
        sess.run(v.initializer)
        v.load(np.array([[1.0, 2.0], [3.0, 4.0]]), sess)      # float64 in
        got = sess.run(v)
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, [[1.0, 2.0], [3.0, 4.0]])
        v.load([[5.0, 6.0], [7.0, 8.0]])                        # default session
        np.testing.assert_array_equal(sess.run(v), [[5.0, 6.0], [7.0, 8.0]])
        with pytest.raises(ValueError):
            v.load(np.zeros((3,)), sess)
        # load takes a copy of the caller's array
        src = np.ones((2, 2), np.float32)
        v.load(src, sess)
        src[...] = 42.0
        np.testing.assert_array_equal(sess.run(v), np.ones((2, 2)))
    # load adds no ops
    n = len(tf.get_default_graph().get_operations())
    with tf.Session() as sess:
        v.load(np.ones((2, 2)), sess)
        np.testing.assert_array_equal(sess.run(v), np.ones((2, 2)))
    assert len(tf.get_default_graph().get_operations()) == n


# --------------------------------------------------------------------------- seeds

def _build_seeded(graph_seed=42):
    g = tf.Graph()
    with g.as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        r = tf.random_normal((4,))
        s = tf.random_uniform((4,), seed=7)
        w = tf.Variable(tf.random_normal((3, 2)))
        t = tf.truncated_normal((5,))
    return g, r, s, w, t


def _values(build):
    g, r, s, w, t = build
    with tf.Session(graph=g) as sess:
        sess.run(w.initializer)
        return sess.run([r, s, w, t])


def test_seeded_program_gives_same_numbers_every_time():
    first = _values(_build_seeded())
    second = _values(_build_seeded())
    for p, q in zip(first, second):
        np.testing.assert_array_equal(p, q)


def test_op_seed_alone_is_deterministic():
    def build():
        g = tf.Graph()
        with g.as_default():
            r = tf.random_normal((4,), seed=3)
        with tf.Session(graph=g) as sess:
            return sess.run(r)
    np.testing.assert_array_equal(build(), build())


def test_unseeded_programs_differ():
    a, b = _values(_build_seeded(None)), _values(_build_seeded(None))
    assert not np.array_equal(a[0], b[0])


def test_different_graph_seeds_differ():
    a, b = _values(_build_seeded(1)), _values(_build_seeded(2))
    assert not np.array_equal(a[0], b[0])
    assert not np.array_equal(a[2], b[2])


def test_random_op_draws_new_numbers_each_run_and_restarts_per_session():
    tf.set_random_seed(5)
    r = tf.random_normal((6,))
    with tf.Session() as sess:
        first = sess.run(r)
        second = sess.run(r)
        third = sess.run(r)
    assert not np.array_equal(first, second)
    assert not np.array_equal(second, third)
    with tf.Session() as sess:
        again = [sess.run(r), sess.run(r), sess.run(r)]
    np.testing.assert_array_equal(again[0], first)
    np.testing.assert_array_equal(again[1], second)
    np.testing.assert_array_equal(again[2], third)


def test_different_op_seeds_differ():
    tf.set_random_seed(5)
    a = tf.random_normal((6,), seed=1)
    b = tf.random_normal((6,), seed=2)
    c = tf.random_normal((6,), seed=1)
    with tf.Session() as sess:
        va, vb, vc = sess.run([a, b, c])
    assert not np.array_equal(va, vb)
    np.testing.assert_array_equal(va, vc)      # same (graph seed, op seed): same stream
    # two unseeded ops in a seeded graph get different op seeds
    with tf.Graph().as_default():
        tf.set_random_seed(5)
        p, q = tf.random_normal((6,)), tf.random_normal((6,))
        with tf.Session() as sess:
            vp, vq = sess.run([p, q])
    assert not np.array_equal(vp, vq)


def test_variable_initializer_reruns_draw_new_numbers_but_sessions_restart():
    tf.set_random_seed(0)
    w = tf.Variable(tf.random_normal((3,)))
    with tf.Session() as sess:
        sess.run(w.initializer)
        first = sess.run(w)
        sess.run(w.initializer)
        second = sess.run(w)
    assert not np.array_equal(first, second)
    with tf.Session() as sess:
        sess.run(w.initializer)
        np.testing.assert_array_equal(sess.run(w), first)


# ------------------------------------------------------------------- distributions

def test_random_uniform_range_and_dtype():
    tf.set_random_seed(1)
    u = tf.random_uniform((20000,), minval=-3.0, maxval=5.0)
    d = tf.random_uniform((2, 3))
    i = tf.random_uniform((20000,), minval=2, maxval=6, dtype=tf.int32)
    with tf.Session() as sess:
        uv, dv, iv = sess.run([u, d, i])
    assert uv.dtype == np.float32 and dv.dtype == np.float32 and iv.dtype == np.int32
    assert uv.min() >= -3.0 and uv.max() < 5.0
    assert dv.shape == (2, 3) and dv.min() >= 0.0 and dv.max() < 1.0
    # uniform on [-3, 5): mean 1, sd 8/sqrt(12); 20000 samples -> sd of mean ~0.016
    assert abs(uv.mean() - 1.0) < 0.1
    assert abs(uv.std() - 8 / np.sqrt(12)) < 0.1
    assert set(np.unique(iv)) == {2, 3, 4, 5}
    with pytest.raises(ValueError):
        tf.random_uniform((2,), dtype=tf.int32)   # integer without maxval


def test_random_normal_moments():
    tf.set_random_seed(2)
    r = tf.random_normal((50000,), mean=3.0, stddev=2.0)
    with tf.Session() as sess:
        rv = sess.run(r)
    assert rv.dtype == np.float32 and rv.shape == (50000,)
    # sd of the sample mean = 2/sqrt(50000) ~ 0.009; 0.05 is > 5 sd
    assert abs(rv.mean() - 3.0) < 0.05
    assert abs(rv.std() - 2.0) < 0.05


def test_truncated_normal_within_two_stddev():
    tf.set_random_seed(3)
    t = tf.truncated_normal((50000,), mean=1.0, stddev=0.5)
    with tf.Session() as sess:
        tv = sess.run(t)
    assert tv.dtype == np.float32
    assert tv.min() >= 1.0 - 2 * 0.5 and tv.max() <= 1.0 + 2 * 0.5
    # the standard normal truncated to [-2, 2] has sd ~0.8796
    assert abs(tv.std() - 0.5 * 0.8796) < 0.02
    assert abs(tv.mean() - 1.0) < 0.02


def test_a_variable_is_tf1s_three_ops_and_is_read_through_its_read():
    w = tf.Variable(tf.zeros((2, 3)), name="w")
    graph = tf.get_default_graph()
    assert w.op.type == "VariableV2" and w.initializer.name == "w/Assign"
    assert [t.op.name for t in w.initializer.inputs] == ["w", "zeros"]   # Assign(ref, value)
    assert w.value().name == "w/read:0" and w.value().op.type == "Identity"
    assert graph.get_tensor_by_name("w/read:0") is w.value()
    h = tf.matmul(tf.ones((1, 2)), w)
    assert h.op.inputs[1] is w.value()                  # users read w/read:0, as in TF1
    update = w.assign(w + 1.0)
    assert update.op.inputs[0] is w.op.outputs[0]        # the assign takes the variable itself
    assert update.op.inputs[1].op.inputs[0] is w.value()


def test_is_variable_initialized_is_an_op_a_session_answers():
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    checks = [tf.is_variable_initialized(a), b.is_initialized()]
    assert [c.op.type for c in checks] == ["IsVariableInitialized"] * 2
    with tf.Session() as sess, tf.Session() as other:
        assert sess.run(checks) == [False, False]
        sess.run(a.initializer)
        assert sess.run(checks) == [True, False]
        assert other.run(checks) == [False, False]        # each session has its own values
        assert sess.run(tf.report_uninitialized_variables([a, b])).tolist() == [b"b"]
        sess.run(b.initializer)
        assert sess.run(tf.report_uninitialized_variables()).tolist() == []


def test_a_fetched_variable_is_read_before_the_runs_updates():
    v = tf.Variable([1.0, 2.0], name="v")
    bump = v.assign_add([10.0, 10.0])
    with tf.Session() as sess:
        _, before = sess.run([v.initializer, v])           # initialized in this run, then read
        assert before.tolist() == [1.0, 2.0]
        old, new = sess.run([v, bump])                      # read before the update
        assert old.tolist() == [1.0, 2.0] and new.tolist() == [11.0, 12.0]
        assert sess.run(v).tolist() == [11.0, 12.0]
