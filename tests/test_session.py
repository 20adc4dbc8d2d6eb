"""Session.run semantics: pruning, feeds, fetch structures, variables per session, copies,
errors, default sessions, the plan cache, and the run trace.

Truth is TF1's documented behaviour and plain numpy.
"""

import collections
import inspect

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors
from minigraph.trace import of as trace_of, run_steps, traced_run


FULL = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)


def _line():
    return inspect.currentframe().f_back.f_lineno


def traced(sess, fetches, feed_dict=None):
    md = tf.RunMetadata()
    out = sess.run(fetches, feed_dict, options=FULL, run_metadata=md)
    assert trace_of(md) is not None
    return out, trace_of(md)


def names(ops):
    return {op.name for op in ops}


# --------------------------------------------------------------------------- pruning

def test_run_executes_only_what_the_fetch_needs():
    x = tf.placeholder(tf.float32, (3,), name="x")
    a = tf.multiply(x, 2.0, name="a")
    b = tf.multiply(x, 3.0, name="b")           # a sibling nobody fetches
    c = tf.add(b, 1.0, name="c")
    v = tf.Variable(tf.zeros((3,)), name="v")
    upd = v.assign_add(x, name="upd")
    with tf.Session() as sess:
        sess.run(v.initializer)
        out, trace = traced(sess, a, {x: [1.0, 2.0, 3.0]})
        np.testing.assert_array_equal(out, np.array([2, 4, 6], np.float32))
        executed = names(trace.executed)
        assert "a" in executed
        assert not executed & {"b", "c", "upd", "v"}
        assert {"b", "c", "upd"} <= names(trace.pruned)
        assert executed.isdisjoint(names(trace.pruned))
        # every op of the graph is executed, pruned or cut, exactly once
        all_ops = tf.get_default_graph().get_operations()
        assert len(trace.executed) + len(trace.pruned) + len(trace.cut) == len(all_ops)
        # the pruned assign did not run
        np.testing.assert_array_equal(sess.run(v), np.zeros(3, np.float32))
        assert trace.variables_written == []


def test_feeding_an_intermediate_cuts_its_producers():
    x = tf.placeholder(tf.float32, (2,), name="x")         # never fed
    nan = tf.constant([np.nan, 1.0], dtype=tf.float32)
    bad = tf.check_numerics(nan, "would fail", name="bad")  # would fail if run
    mid = tf.add(x, bad, name="mid")
    out = tf.multiply(mid, 2.0, name="out")
    with tf.Session() as sess:
        result, trace = traced(sess, out, {mid: [1.0, 2.0]})
        np.testing.assert_array_equal(result, np.array([2.0, 4.0], np.float32))
        executed = names(trace.executed)
        assert "out" in executed
        assert not executed & {"x", "bad", "mid"}
        assert "mid" in names(trace.cut)
        assert trace.fed == [mid]
        # and the fast path agrees
        np.testing.assert_array_equal(sess.run(out, {mid: [1.0, 2.0]}), result)
        np.testing.assert_array_equal(sess.run(out, {"mid:0": [1.0, 2.0]}), result)


def test_each_node_runs_once_in_a_diamond():
    r = tf.random_uniform((5,), name="r")
    s = r + r
    with tf.Session() as sess:
        two_r, one_r = sess.run([s, r])
        np.testing.assert_array_equal(two_r, one_r + one_r)
        (two_r, one_r), trace = traced(sess, [s, r])
        np.testing.assert_array_equal(two_r, one_r + one_r)
        ops = [op.name for op in trace.executed]
        assert len(ops) == len(set(ops))
        assert ops.count("r") == 1 or ops.count("r/RandomUniform") <= 1
        # a deeper diamond: one random op feeding two branches that meet again
        d = tf.exp(r) * tf.sin(r) if hasattr(tf, "sin") else tf.exp(r) * tf.tanh(r)
        both, rv = sess.run([d, r])
        ref = np.exp(rv) * (np.sin(rv) if hasattr(tf, "sin") else np.tanh(rv))
        np.testing.assert_allclose(both, ref, rtol=1e-6)


def test_control_dependencies_force_a_run():
    v = tf.Variable(0.0, name="counter")
    inc = v.assign_add(1.0, name="inc")
    c = tf.constant(7.0, name="c")
    with tf.control_dependencies([inc]):
        out = tf.identity(c, name="out")
    plain = tf.identity(c, name="plain")
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(out) == 7.0
        assert sess.run(v) == 1.0
        _, trace = traced(sess, out)
        assert "inc" in names(trace.executed)
        executed = [op.name for op in trace.executed]
        assert executed.index("inc") < executed.index("out")
        assert sess.run(v) == 2.0
        sess.run(plain)
        assert sess.run(v) == 2.0          # no control dependency: inc pruned
        sess.run(tf.group(inc))
        assert sess.run(v) == 3.0


# ------------------------------------------------------------------ fetch structures

def test_fetch_structures_keep_their_shape():
    x = tf.placeholder(tf.float32, (2,), name="x")
    a = tf.add(x, 1.0, name="add")
    b = tf.multiply(x, 2.0, name="mul")
    op = tf.no_op()
    feed = {x: [1.0, 2.0]}
    A, B = np.array([2.0, 3.0], np.float32), np.array([2.0, 4.0], np.float32)
    Pair = collections.namedtuple("Pair", "first second")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(a, feed), A)
        assert sess.run(op, feed) is None
        np.testing.assert_array_equal(sess.run("add:0", feed), A)
        assert sess.run(a.op, feed) is None
        assert sess.run("add", feed) is None       # an op name fetches the op
        out = sess.run([a, b], feed)
        assert isinstance(out, list) and len(out) == 2
        np.testing.assert_array_equal(out[1], B)
        out = sess.run((a, b), feed)
        assert isinstance(out, tuple) and len(out) == 2
        out = sess.run({"a": a, "b": b}, feed)
        assert isinstance(out, dict) and set(out) == {"a", "b"}
        np.testing.assert_array_equal(out["b"], B)
        out = sess.run(Pair(a, b), feed)
        assert isinstance(out, Pair)
        np.testing.assert_array_equal(out.first, A)
        np.testing.assert_array_equal(out.second, B)
        out = sess.run({"x": [a, (b, op)], "p": Pair(first=a, second={"k": "mul:0"})}, feed)
        np.testing.assert_array_equal(out["x"][0], A)
        assert isinstance(out["x"][1], tuple)
        np.testing.assert_array_equal(out["x"][1][0], B)
        assert out["x"][1][1] is None
        assert isinstance(out["p"], Pair)
        np.testing.assert_array_equal(out["p"].second["k"], B)
        out = sess.run([], feed)
        assert out == []
        # the same tensor twice: the same value twice
        a1, a2 = sess.run([a, a], feed)
        np.testing.assert_array_equal(a1, A)
        np.testing.assert_array_equal(a2, A)


def test_fetch_errors():
    a = tf.constant(1.0)
    with tf.Session() as sess:
        with pytest.raises(TypeError):
            sess.run(None)
        with pytest.raises(TypeError):
            sess.run([a, 3])
        with pytest.raises((KeyError, ValueError)):
            sess.run("nope:0")


def test_fetch_from_another_graph_raises_value_error():
    with tf.Graph().as_default():
        other = tf.constant(1.0)
    tf.constant(2.0)
    with tf.Session() as sess:
        with pytest.raises(ValueError):
            sess.run(other)


# ----------------------------------------------------------------------------- feeds

def test_feed_keys_as_tensors_or_names():
    x = tf.placeholder(tf.float32, (2,), name="x")
    y = x * 2.0
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1, 2]}), [2.0, 4.0])
        np.testing.assert_array_equal(sess.run(y, {"x:0": [1, 2]}), [2.0, 4.0])
        with pytest.raises(TypeError):
            sess.run(y, {"x": [1, 2]})     # an op name is not a feed key (TF1: TypeError)
        with pytest.raises(TypeError):
            sess.run(y, {"nope:0": [1, 2]})


def test_float64_feed_comes_back_float32():
    x = tf.placeholder(tf.float32, (2, 2), name="x")
    y = tf.identity(x)
    value = np.array([[1.0, 2.0], [3.0, 4.0]])          # float64
    with tf.Session() as sess:
        out = sess.run(y, {x: value})
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out, value.astype(np.float32))
        out = sess.run(y * 2.0, {x: value})
        assert out.dtype == np.float32
        i = tf.placeholder(tf.int32, (2,))
        assert sess.run(i + 1, {i: [1.0, 2.0]}).dtype == np.int32


def test_fetching_a_fed_placeholder_returns_the_fed_value():
    x = tf.placeholder(tf.float32, (2,), name="x")
    value = np.array([1.0, 2.0], np.float32)
    with tf.Session() as sess:
        out = sess.run(x, {x: value})
        np.testing.assert_array_equal(out, value)
        out[0] = 100.0                       # a copy: the user's feed array is untouched
        assert value[0] == 1.0


def test_fetching_a_fed_intermediate_returns_the_fed_value():
    # TF1: a fed tensor's value IS the fed value, also when it is fetched itself; its
    # producer (here needing the unfed placeholder x) does not run.
    x = tf.placeholder(tf.float32, (2,), name="x")
    a = tf.add(x, 1.0, name="a")
    b = tf.multiply(a, 2.0, name="b")
    with tf.Session() as sess:
        av, bv = sess.run([a, b], {a: [5.0, 6.0]})
        np.testing.assert_array_equal(av, [5.0, 6.0])
        np.testing.assert_array_equal(bv, [10.0, 12.0])


def test_feeding_a_variable_overrides_it_for_that_run_only():
    v = tf.Variable([1.0, 2.0], name="v")
    doubled = v * 2.0
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(doubled, {v: [5.0, 6.0]}), [10.0, 12.0])
        np.testing.assert_array_equal(sess.run(v, {v: [5.0, 6.0]}), [5.0, 6.0])
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])   # the stored value is intact

def test_wrong_shape_feed_names_placeholder_shapes_and_line():
    line = _line() + 1
    x = tf.placeholder(tf.float32, (None, 3), name="inputs")
    y = x + 1.0
    with tf.Session() as sess:
        with pytest.raises(ValueError) as info:
            sess.run(y, {x: np.zeros((2, 4))})
    msg = str(info.value)
    assert "inputs" in msg
    assert "(2, 4)" in msg
    assert "(?, 3)" in msg
    assert "test_session.py:%d" % line in msg


def test_wrong_rank_feed_raises_value_error():
    x = tf.placeholder(tf.float32, (3,), name="x")
    with tf.Session() as sess:
        with pytest.raises(ValueError):
            sess.run(x * 1.0, {x: np.zeros((1, 3))})
        with pytest.raises(ValueError):
            sess.run(x * 1.0, {x: 1.0})


def test_missing_feed_is_invalid_argument():
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    y = x * 2.0
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError) as info:
            sess.run(y)
        assert str(info.value).startswith("You must feed a value for placeholder tensor 'x'")
        assert info.value.op is x.op
        # traced path too
        with pytest.raises(errors.InvalidArgumentError):
            sess.run(y, options=FULL, run_metadata=tf.RunMetadata())


def test_feeding_a_tensor_is_a_type_error():
    x = tf.placeholder(tf.float32, (2,), name="x")
    c = tf.constant([1.0, 2.0])
    with tf.Session() as sess:
        with pytest.raises(TypeError):
            sess.run(x * 2.0, {x: c})


# ------------------------------------------------------------------------- variables

def test_two_sessions_hold_separate_variable_values():
    v = tf.Variable([1.0, 2.0], name="v")
    s1, s2 = tf.Session(), tf.Session()
    try:
        s1.run(tf.global_variables_initializer())
        s2.run(v.initializer)
        s1.run(v.assign([10.0, 20.0]))
        np.testing.assert_array_equal(s1.run(v), [10.0, 20.0])
        np.testing.assert_array_equal(s2.run(v), [1.0, 2.0])
        s2.run(v.assign_add([1.0, 1.0]))
        np.testing.assert_array_equal(s1.run(v), [10.0, 20.0])
        np.testing.assert_array_equal(s2.run(v), [2.0, 3.0])
    finally:
        s1.close()
        s2.close()


def test_uninitialized_variable_is_failed_precondition():
    v = tf.Variable([1.0, 2.0], name="weights")
    y = v * 2.0
    with tf.Session() as sess:
        with pytest.raises(errors.FailedPreconditionError) as info:
            sess.run(y)
        assert "weights" in str(info.value)
        assert info.value.op is v.value().op   # TF1 names the op that read it: weights/read
        # initializing in another session does not help this one
        with tf.Session() as other:
            other.run(v.initializer)
        with pytest.raises(errors.FailedPreconditionError):
            sess.run(v)
        with pytest.raises(errors.FailedPreconditionError):
            sess.run(v.assign_add([1.0, 1.0]))


def test_fetched_values_are_copies():
    v = tf.Variable([1.0, 2.0], name="v")
    c = tf.constant([5.0, 6.0], name="c")
    ident = tf.identity(v)
    resh = tf.reshape(v, (2, 1))
    trans = tf.transpose(tf.reshape(v, (1, 2)))
    sl = v[0:1]
    new = v.assign([3.0, 4.0])
    x = tf.placeholder(tf.float32, (2,), name="x")
    x_ident = tf.identity(x)
    x_resh = tf.reshape(x, (2, 1))
    with tf.Session() as sess:
        sess.run(v.initializer)
        for t in (v, ident, resh, trans, sl):
            got = sess.run(t)
            got[...] = -1.0
            np.testing.assert_array_equal(sess.run(v), [1.0, 2.0], err_msg=str(t))
        got = sess.run(c)
        got[...] = -1.0
        np.testing.assert_array_equal(sess.run(c), [5.0, 6.0])
        got = sess.run(new)
        got[...] = -1.0
        np.testing.assert_array_equal(sess.run(v), [3.0, 4.0])
        got = sess.run(v.assign_add([1.0, 1.0]))
        got[...] = -1.0
        np.testing.assert_array_equal(sess.run(v), [4.0, 5.0])
        fed = np.array([7.0, 8.0], np.float32)
        for t in (x_ident, x_resh):
            got = sess.run(t, {x: fed})
            got[...] = -1.0
            np.testing.assert_array_equal(fed, [7.0, 8.0])


def test_assign_from_a_fed_array_does_not_alias_it():
    x = tf.placeholder(tf.float32, (2,), name="x")
    v = tf.Variable([0.0, 0.0])
    store = v.assign(x)
    store_sliced = v.assign(tf.reshape(x[0:2], (2,)))
    with tf.Session() as sess:
        for op in (store, store_sliced):
            fed = np.array([1.0, 2.0], np.float32)
            sess.run(op.op, {x: fed})
            fed[...] = 50.0                     # the user reuses their array
            np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])


def test_reads_within_one_run_see_the_value_before_a_later_update():
    v = tf.Variable([1.0], name="v")
    before = tf.identity(v)
    with tf.control_dependencies([before]):
        upd = v.assign_add([1.0])
    with tf.Session() as sess:
        sess.run(v.initializer)
        b, u = sess.run([before, upd])
        assert b[0] == 1.0 and u[0] == 2.0


# -------------------------------------------------------------------- runtime errors

def test_runtime_shape_error_names_op_shapes_and_line_and_session_survives():
    a = tf.placeholder(tf.float32, (None, None), name="a")
    b = tf.placeholder(tf.float32, (None, None), name="b")
    v = tf.Variable([1.0, 2.0], name="v")
    line = _line() + 1
    m = tf.matmul(a, b, name="product")
    upd = v.assign_add(tf.reshape(tf.reduce_sum(m), (1,)) * tf.ones((2,)))
    with tf.Session() as sess:
        sess.run(v.initializer)
        for opts in (None, FULL):
            with pytest.raises(errors.InvalidArgumentError) as info:
                sess.run([upd, m], {a: np.ones((2, 3)), b: np.ones((4, 5))},
                         options=opts, run_metadata=tf.RunMetadata())
            msg = str(info.value)
            assert "product" in msg
            assert "(2, 3)" in msg and "(4, 5)" in msg
            assert "test_session.py:%d" % line in msg
            assert info.value.op is m.op
            assert isinstance(info.value, errors.OpError)
            np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])   # update did not run
        out, new_v = sess.run([m, upd], {a: np.ones((2, 3)), b: np.ones((3, 5))})
        np.testing.assert_array_equal(out, np.full((2, 5), 3.0, np.float32))
        np.testing.assert_array_equal(new_v, [31.0, 32.0])


def test_closed_session_raises_runtime_error():
    c = tf.constant(1.0)
    sess = tf.Session()
    assert sess.run(c) == 1.0
    sess.close()
    with pytest.raises(RuntimeError):
        sess.run(c)
    with tf.Session() as sess2:
        pass
    with pytest.raises(RuntimeError):
        sess2.run(c)


# ------------------------------------------------------------------- default session

def test_with_session_makes_it_default():
    x = tf.placeholder(tf.float32, (), name="x")
    v = tf.Variable(3.0)
    y = v * x
    assert tf.get_default_session() is None
    with tf.Session() as sess:
        assert tf.get_default_session() is sess
        tf.global_variables_initializer().run()
        assert y.eval({x: 2.0}) == 6.0
        assert v.eval() == 3.0
        v.assign(5.0).op.run()
        assert sess.run(v) == 5.0
    assert tf.get_default_session() is None
    with pytest.raises(ValueError):
        y.eval({x: 2.0})


def test_as_default_and_explicit_session_argument():
    c = tf.constant(4.0)
    sess = tf.Session()
    with sess.as_default():
        assert c.eval() == 4.0
    assert c.eval(session=sess) == 4.0
    assert not sess.closed        # as_default does not close
    sess.close()


def test_nested_as_default_reentering_a_session_restores_the_right_one():
    tf.constant(1.0)
    s1, s2 = tf.Session(), tf.Session()
    with s1.as_default():
        with s2.as_default():
            with s1.as_default():
                assert tf.get_default_session() is s1
            assert tf.get_default_session() is s2
        assert tf.get_default_session() is s1
    assert tf.get_default_session() is None
    s1.close()
    s2.close()

def test_interactive_session():
    v = tf.Variable(2.0)
    sess = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is sess
        v.initializer.run()
        assert (v * 3.0).eval() == 6.0
    finally:
        sess.close()
    assert tf.get_default_session() is None


def test_session_on_explicit_graph():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(2.0)
    with tf.Session(graph=g) as sess:
        assert sess.graph is g
        assert sess.run(c) == 2.0
        assert c.eval() == 2.0


# --------------------------------------------------------------------- plan cache

def test_plan_cache_reused_and_same_numbers_as_fresh_session():
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2))
    loss = tf.reduce_sum(tf.matmul(x, w) ** 2)
    g, = tf.gradients(loss, w)
    step = w.assign_sub(0.01 * g)
    data = np.random.RandomState(0).randn(4, 3)
    with tf.Session() as sess:
        sess.run(w.initializer)
        n0 = len(sess._plans)
        first = sess.run([loss, g], {x: data})
        n1 = len(sess._plans)
        second = sess.run([loss, g], {x: data})
        assert len(sess._plans) == n1 == n0 + 1
        for p, q in zip(first, second):
            np.testing.assert_array_equal(p, q)
        for _ in range(3):
            sess.run([loss, step], {x: data})
        assert len(sess._plans) == n1 + 1
        cached = sess.run([loss, g], {x: data})
        wv = sess.run(w)
    with tf.Session() as fresh:
        fresh.run(w.initializer)
        w.load(wv, fresh)
        new = fresh.run([loss, g], {x: data})
    for p, q in zip(cached, new):
        np.testing.assert_array_equal(p, q)


def test_plan_cache_does_not_leak_feed_values_between_runs():
    x = tf.placeholder(tf.float32, (2,), name="x")
    y = x * 2.0
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1, 2]}), [2, 4])
        np.testing.assert_array_equal(sess.run(y, {x: [3, 4]}), [6, 8])
        with pytest.raises(errors.InvalidArgumentError):
            sess.run(y)                   # a different feed signature: still must be fed


# ------------------------------------------------- traced path and run_steps agree

def _build_net():
    x = tf.placeholder(tf.float32, (None, 4), name="x")
    w = tf.Variable(np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3), name="w")
    h = tf.nn.relu(tf.matmul(x, w))
    loss = tf.reduce_mean(tf.square(h - 0.5))
    g, = tf.gradients(loss, w)
    step = w.assign_sub(0.1 * g)
    return x, w, loss, g, step


def test_traced_path_and_run_steps_match_fast_path():
    x, w, loss, g, step = _build_net()
    data = np.random.RandomState(1).randn(5, 4)
    results = {}
    for mode in ("fast", "traced", "steps"):
        with tf.Session() as sess:
            sess.run(w.initializer)
            outs = []
            for _ in range(3):
                fetches = [loss, g, step]
                if mode == "fast":
                    out = sess.run(fetches, {x: data})
                elif mode == "traced":
                    out, _ = traced(sess, fetches, {x: data})
                else:
                    run = run_steps(sess, fetches, {x: data})
                    for _ in run:
                        pass
                    out = run.results
                outs.append(out)
            results[mode] = outs
    for mode in ("traced", "steps"):
        for a, b in zip(results["fast"], results[mode]):
            for p, q in zip(a, b):
                np.testing.assert_array_equal(p, q)
                assert np.asarray(p).dtype == np.asarray(q).dtype


def test_run_steps_yields_one_step_per_executed_op():
    x = tf.placeholder(tf.float32, (2,), name="x")
    a = tf.multiply(x, 3.0, name="a")
    b = tf.add(a, 1.0, name="b")
    run = run_steps(tf.Session(), b, {x: [1.0, 2.0]})
    steps = list(run)
    assert [s.op.name for s in steps] == [op.name for op in run.trace.executed]
    by = {s.op.name: s for s in steps}
    np.testing.assert_array_equal(by["a"].inputs[0], [1.0, 2.0])
    np.testing.assert_array_equal(by["a"].output, [3.0, 6.0])
    np.testing.assert_array_equal(by["b"].inputs[0], [3.0, 6.0])
    np.testing.assert_array_equal(by["b"].output, [4.0, 7.0])
    assert [s.index for s in steps] == list(range(len(steps)))
    np.testing.assert_array_equal(run.results, [4.0, 7.0])
    assert not any(s.is_gradient for s in steps)


# ------------------------------------------------------------------------ the trace

def test_trace_fields():
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    unused = tf.placeholder(tf.float32, (3,), name="unused")
    w = tf.Variable(np.ones((3, 2), np.float32), name="w")
    u = tf.Variable(np.zeros((2,), np.float32), name="u")
    h = tf.matmul(x, w, name="h")
    out = tf.reduce_sum(h, axis=0, name="out")
    upd = u.assign(out, name="upd")
    other = tf.multiply(unused, 2.0, name="other")
    feed_value = np.arange(12, dtype=np.float64).reshape(4, 3)   # float64 in
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        (o, n), trace = traced(sess, [out, upd], {x: feed_value})
    expected = (feed_value.astype(np.float32) @ np.ones((3, 2), np.float32)).sum(axis=0)
    np.testing.assert_array_equal(o, expected)
    np.testing.assert_array_equal(n, expected)
    executed = trace.executed
    # topological: every input and control input of an executed op ran (or was fed) before it
    position = {op: i for i, op in enumerate(executed)}
    fed_ops = {t.op for t in trace.fed}
    for op in executed:
        for t in op.inputs:
            assert t.op in fed_ops or position[t.op] < position[op]
        for c in op.control_inputs:
            assert position[c] < position[op]
    assert {"h", "out", "upd", "w"} <= names(executed)
    assert {"other", "unused"} <= names(trace.pruned)
    assert "x" not in names(executed) and "x" not in names(trace.pruned)
    assert names(trace.cut) == {"x"}
    assert trace.fed == [x]
    assert trace.variables_read == ["w"]
    assert trace.variables_written == ["u"]
    assert trace.bytes_fed == feed_value.astype(np.float32).nbytes == 48
    assert trace.bytes_fetched == o.nbytes + n.nbytes == 16
    assert trace.ran(h) and trace.ran("out") and not trace.ran(other)
    assert set(trace.seconds) >= {"h", "out", "upd"}
    assert "h" in trace.executed_names and "other" in trace.pruned_names
    assert isinstance(trace.summary(), str)


def test_trace_keep_values():
    x = tf.placeholder(tf.float32, (2,), name="x")
    y = tf.multiply(x, 2.0, name="doubled")
    with tf.Session() as sess:
        out, run = traced_run(sess, y, {x: [1.0, 2.0]}, keep_values=True)
    np.testing.assert_array_equal(out, [2.0, 4.0])
    np.testing.assert_array_equal(run.values[y.name], [2.0, 4.0])
    np.testing.assert_array_equal(run.values["x:0"], [1.0, 2.0])


def test_no_trace_without_options():
    c = tf.constant(1.0)
    md = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run(c, run_metadata=md)
    assert md.step_stats is None
    with pytest.raises(ValueError, match="holds no trace: pass it to sess.run together with "
                                         r"options=tf.RunOptions\(trace_level="):
        trace_of(md)
    with pytest.raises(TypeError, match="trace.of takes a tf.RunMetadata, got Session"):
        trace_of(sess)


def test_a_run_reads_variables_as_they_were_when_it_started():
    # the gradient of sum(w) does not need w, so nothing orders the read before the update:
    # the loss must still be computed from the weights at the start of the run
    w = tf.Variable([1.0, 2.0])
    loss = tf.reduce_sum(w)
    (g,) = tf.gradients(loss, [w])
    update = w.assign(w - 0.5 * g)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for fetches in ([update, loss], [loss, update]):
        before = sess.run(w)
        out = sess.run(fetches)
        loss_val = out[1] if fetches[0] is update else out[0]
        assert loss_val == pytest.approx(before.sum())
        np.testing.assert_allclose(sess.run(w), before - 0.5)


def test_a_variable_initialized_from_another_in_the_same_run():
    a = tf.Variable([1.0, 2.0])
    b = tf.Variable(a * 3.0)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    np.testing.assert_allclose(sess.run(b), [3.0, 6.0])


def test_minigraphs_own_tools_are_not_in_the_tf_namespace():
    """Every `tf.` line a student writes is TF1: minigraph's tools are imported apart
    (`from minigraph import trace, lint, testing`), so TF1's classes take TF1's arguments."""
    with pytest.raises(TypeError, match="keep_values"):
        tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE, keep_values=True)
    assert not hasattr(tf.RunMetadata(), "trace")
    assert not hasattr(tf.Session, "run_steps") and not hasattr(tf.Session, "describe_plan")
    assert not hasattr(tf.Session, "fast_path")
    assert not hasattr(tf, "orphans") and not hasattr(tf.summary, "read_events")
    for name in ("orphans", "lint", "testing", "viz", "trace", "hygiene", "RunTrace"):
        assert name not in tf.__all__


def test_trace_module_runs_as_session_run_does():
    from minigraph import trace
    x = tf.placeholder(tf.float32, (2,), name="x")
    y = tf.multiply(x, 3.0, name="y")
    z = tf.negative(x, name="unfetched")
    with tf.Session() as sess:
        out, run = trace.traced_run(sess, [y], {x: [1.0, 2.0]})
        assert out[0].tolist() == [3.0, 6.0] and run.values == {}
        assert run.ran(y) and not run.ran(z)
        md = tf.RunMetadata()
        sess.run(y, {x: [1.0, 2.0]}, run_metadata=md,
                 options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE))
        assert trace.of(md).executed_names == run.executed_names
        stepped = trace.run_steps(sess, y, {x: [1.0, 2.0]})
        assert [s.op.name for s in stepped] == run.executed_names
        assert stepped.results.tolist() == [3.0, 6.0]
        assert isinstance(trace.describe_plan(sess, y, {x: None}), str)
