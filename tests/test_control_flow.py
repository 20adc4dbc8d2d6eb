"""TF1's control flow: tf.cond, tf.case, tf.while_loop (minigraph.ops.control_flow_ops and
minigraph.dataflow).

Both branches of a cond are built; a run executes only the taken one (the other's values are
dead), which the run trace shows; an op made outside the branch functions runs whichever
branch is taken (TF1's trap). Loops run their body once per iteration. Gradients go through
both, checked against central differences here and against TF1's numbers in
tests/tf_reference (cases cond and while_loop); the graphs are TF1's (tests/test_graph_def.py,
programs cond_* case_* while_*).
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors
from minigraph.testing import check_gradients
from minigraph.trace import fast_path, of as trace_of, run_steps

FULL = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def traced(sess, fetches, feed=None):
    md = tf.RunMetadata()
    value = sess.run(fetches, feed, options=FULL, run_metadata=md)
    return value, trace_of(md)


def names(ops):
    return [op.name for op in ops]


# -- tf.cond: only the taken branch runs ---------------------------------------------------

def test_cond_values_with_each_predicate_run_after_run():
    x = tf.placeholder(tf.float32, ())
    p = tf.placeholder(tf.bool, ())
    y = tf.cond(p, lambda: x * 2.0, lambda: x + 1.0)
    assert y.name == "cond/Merge:0" and y.shape == tf.TensorShape([])
    with tf.Session() as sess:
        assert [sess.run(y, {x: 3.0, p: v}) for v in (True, False, True, False)] == \
            [6.0, 4.0, 6.0, 4.0]


def test_a_branch_with_a_failing_op_does_not_run_unless_taken():
    x = tf.placeholder(tf.float32, (2,))
    p = tf.placeholder(tf.bool, ())
    y = tf.cond(p, lambda: tf.check_numerics(x, "bad x") * 1.0, lambda: x * 0.0)
    nan = np.array([np.nan, 1.0], np.float32)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: nan, p: False}), [np.nan, 0.0])
        with pytest.raises(errors.InvalidArgumentError, match="bad x"):
            sess.run(y, {x: nan, p: True})


def test_a_branch_reading_an_uninitialized_variable_does_not_run_unless_taken():
    v = tf.Variable(5.0, name="v")
    p = tf.placeholder(tf.bool, ())
    y = tf.cond(p, lambda: v.read_value() + 1.0, lambda: tf.constant(0.0))
    with tf.Session() as sess:
        assert sess.run(y, {p: False}) == 0.0   # v was never initialized: not read
        with pytest.raises(errors.FailedPreconditionError, match="uninitialized value v"):
            sess.run(y, {p: True})


def test_an_update_inside_a_branch_runs_only_when_its_branch_is_taken():
    v = tf.Variable(1.0, name="v")
    p = tf.placeholder(tf.bool, ())
    r = tf.cond(p, lambda: v.assign(5.0), lambda: v.assign_add(1.0))
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(r, {p: False}) == 2.0 and sess.run(v) == 2.0
        assert sess.run(r, {p: True}) == 5.0 and sess.run(v) == 5.0
        assert sess.run(r, {p: False}) == 6.0 and sess.run(v) == 6.0
        _, trace = traced(sess, r, {p: True})
        assert trace.variables_written == ["v"]
        assert "cond/AssignAdd" in names(trace.dead) and trace.ran("cond/Assign")


def test_the_trap_an_op_made_outside_the_branches_runs_whichever_branch_is_taken():
    """TF1's tf.cond docs: ops created outside true_fn and false_fn run regardless of the
    branch taken at run time. The assign_add made before the cond and read by the true
    branch runs also when the false branch is taken."""
    counter = tf.Variable(0.0, name="counter")
    bump = counter.assign_add(1.0)
    p = tf.placeholder(tf.bool, ())
    r = tf.cond(p, lambda: bump * 10.0, lambda: tf.constant(-1.0))
    with tf.Session() as sess:
        sess.run(counter.initializer)
        assert sess.run(r, {p: False}) == -1.0
        assert sess.run(counter) == 1.0   # it ran though its branch was not taken
        value, trace = traced(sess, r, {p: False})
        assert value == -1.0 and sess.run(counter) == 2.0
        # the trace shows it: the assign executed, the true branch's ops are dead
        assert trace.ran(bump) and trace.variables_written == ["counter"]
        assert trace.branches == {"cond": "false"}
        assert {"cond/switch_t", "cond/mul", "cond/mul/y"} <= set(names(trace.dead))
        assert not set(names(trace.dead)) & set(names(trace.executed))
        # the bump goes into the branch through a Switch, made for the value made outside
        # (a RefSwitch: TF1 holds an assign's result by reference)
        assert r.op.inputs[1].op.inputs[0].op.type == "RefSwitch"


def test_the_right_way_an_update_made_inside_the_branch_function():
    counter = tf.Variable(0.0, name="counter")
    p = tf.placeholder(tf.bool, ())
    r = tf.cond(p, lambda: counter.assign_add(1.0) * 10.0, lambda: tf.constant(-1.0))
    with tf.Session() as sess:
        sess.run(counter.initializer)
        assert sess.run(r, {p: False}) == -1.0 and sess.run(counter) == 0.0
        assert sess.run(r, {p: True}) == 10.0 and sess.run(counter) == 1.0


def test_trace_records_dead_ops_and_the_branch_taken():
    x = tf.placeholder(tf.float32, ())
    p = tf.placeholder(tf.bool, ())
    y = tf.cond(p, lambda: tf.square(x), lambda: tf.exp(x) + 1.0)
    with tf.Session() as sess:
        value, trace = traced(sess, y, {x: 2.0, p: True})
        assert value == 4.0
        assert trace.branches == {"cond": "true"}
        assert set(names(trace.dead)) == {"cond/switch_f", "cond/Exp", "cond/add/y", "cond/add"}
        assert "cond/Square" in names(trace.executed)
        assert not set(trace.dead) & set(trace.pruned)   # dead is not pruned: it was needed
        text = trace.summary()
        assert "tf.cond cond: the true branch ran" in text
        assert "dead" in text and "cond/Exp" in text
        # run_steps (the stepper) yields only the ops that ran
        steps = list(run_steps(sess, y, {x: 2.0, p: False}))
        assert "cond/Exp" in [s.op.name for s in steps]
        assert "cond/Square" not in [s.op.name for s in steps]
        # a Switch's dead output shows as None in a step
        switch = [s for s in steps if s.op.name == "cond/Square/Switch"][0]
        assert switch.output[1] is None and switch.output[0] == 2.0


def test_nested_conds():
    x = tf.placeholder(tf.float32, ())
    p = tf.placeholder(tf.bool, ())
    q = tf.placeholder(tf.bool, ())
    y = tf.cond(p, lambda: tf.cond(q, lambda: x + 1.0, lambda: x + 2.0),
                lambda: tf.cond(q, lambda: x + 3.0, lambda: x + 4.0))
    assert y.op.inputs[0].op.name == "cond/cond_1/Merge"
    with tf.Session() as sess:
        got = {(a, b): sess.run(y, {x: 0.0, p: a, q: b}) for a in (1, 0) for b in (1, 0)}
        assert got == {(1, 1): 1.0, (1, 0): 2.0, (0, 1): 3.0, (0, 0): 4.0}
        _, trace = traced(sess, y, {x: 0.0, p: False, q: True})
        assert trace.branches == {"cond": "false", "cond/cond_1": "true"}
        assert "cond/cond/switch_t" in names(trace.dead)   # the inner cond of the true branch


def test_cond_structures_ops_and_passthrough():
    x = tf.placeholder(tf.float32, (2,))
    p = tf.placeholder(tf.bool, ())
    pair = tf.cond(p, lambda: (x, tf.constant(1.0)), lambda: (x * 2.0, tf.constant(2.0)))
    named = tf.cond(p, lambda: {"a": x}, lambda: {"a": -x})
    single = tf.cond(p, lambda: [x], lambda: [x + 1.0])
    strict = tf.cond(p, lambda: [x], lambda: [x + 1.0], strict=True)
    ops = tf.cond(p, lambda: tf.no_op(), lambda: tf.no_op())
    assert isinstance(pair, tuple) and set(named) == {"a"}
    assert isinstance(single, tf.Tensor) and isinstance(strict, list)
    assert ops.dtype == tf.bool
    with tf.Session() as sess:
        out = sess.run([pair, named, single, ops], {x: [1.0, 2.0], p: False})
        np.testing.assert_array_equal(out[0][0], [2.0, 4.0])
        assert out[0][1] == 2.0
        np.testing.assert_array_equal(out[1]["a"], [-1.0, -2.0])
        np.testing.assert_array_equal(out[2], [2.0, 3.0])
        assert out[3] == False   # noqa: E712 -- the false branch's pivot


def test_merge_shapes_are_what_both_branches_agree_on():
    x = tf.placeholder(tf.float32, (2, 3))
    p = tf.placeholder(tf.bool, ())
    assert tf.cond(p, lambda: x, lambda: x[:1] * 1.0).shape.as_list() == [None, 3]
    assert tf.cond(p, lambda: x, lambda: x[0]).shape.ndims is None


def test_cond_errors_as_tf1_raises_them():
    x = tf.placeholder(tf.float32, (2,))
    p = tf.placeholder(tf.bool, ())
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tf.cond(p, lambda: x, lambda: (x, x))
    with pytest.raises(TypeError, match="sequence type"):
        tf.cond(p, lambda: (x, x), lambda: [x, x])
    with pytest.raises(ValueError, match="must have the same type"):
        tf.cond(p, lambda: x, lambda: tf.cast(x, tf.int32))
    with pytest.raises(ValueError, match="'false_fn' must have a return value"):
        tf.cond(p, lambda: x, lambda: None)
    with pytest.raises(TypeError, match="'pred' must not be a Python bool"):
        tf.cond(True, lambda: x, lambda: x)
    with pytest.raises(TypeError, match="expected type of bool"):
        tf.cond(tf.reduce_sum(x), lambda: x, lambda: x)
    with pytest.raises(ValueError, match="Shape must be rank 0"):
        tf.cond(x > 0, lambda: x, lambda: x)
    with pytest.raises(TypeError, match="'true_fn' must be callable"):
        tf.cond(p, x, lambda: x)
    with pytest.raises(TypeError, match="'false_fn' argument required"):
        tf.cond(p, lambda: x)


def test_a_tensor_inside_a_branch_is_not_fetchable_and_a_dead_value_has_none():
    x = tf.placeholder(tf.float32, ())
    p = tf.placeholder(tf.bool, ())
    inside = []

    def true_fn():
        inside.append(x * 2.0)
        return inside[0]
    y = tf.cond(p, true_fn, lambda: x)
    outside = inside[0] + 1.0   # built outside from a value of the branch
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="cond/mul has been marked as not fetchable"):
            sess.run(inside[0], {x: 1.0, p: True})
        assert sess.run(outside, {x: 1.0, p: True}) == 3.0
        with pytest.raises(errors.InvalidArgumentError, match=r"Retval\[1\] does not have value"):
            sess.run([y, outside], {x: 1.0, p: False})


def test_two_sessions_and_the_plan_cache():
    x = tf.placeholder(tf.float32, ())
    p = tf.placeholder(tf.bool, ())
    v = tf.Variable(0.0)
    y = tf.cond(p, lambda: v.assign_add(x), lambda: v.assign_sub(x))
    a, b = tf.Session(), tf.Session()
    for s in (a, b):
        s.run(v.initializer)
    a.run(y, {x: 2.0, p: True})
    b.run(y, {x: 2.0, p: False})
    a.run(y, {x: 1.0, p: True})
    assert a.run(v) == 3.0 and b.run(v) == -2.0


# -- tf.case -------------------------------------------------------------------------------

def test_case_takes_the_first_true_predicate_else_the_default():
    x = tf.placeholder(tf.float32, ())
    r = tf.case([(x < 0.0, lambda: -x), (x < 1.0, lambda: x * 2.0)], default=lambda: x + 10.0)
    assert r.name == "case/cond/Merge:0"
    with tf.Session() as sess:
        assert [sess.run(r, {x: v}) for v in (-3.0, 0.25, 5.0)] == [3.0, 0.5, 15.0]


def test_case_exclusive_and_without_default_assert_at_run_time():
    x = tf.placeholder(tf.float32, ())
    r = tf.case({x < 0.0: lambda: -x, x > 1.0: lambda: x * 2.0}, exclusive=True)
    s = tf.case([(x < 0.0, lambda: -x), (x < 1.0, lambda: x * 2.0)], default=lambda: x,
                exclusive=True)
    # as in TF1, without a default the last predicate is the default's: exclusive=True
    # checks the others (here, x = -1 takes the first branch without an error)
    t = tf.case([(x < 0.0, lambda: -x), (x < 1.0, lambda: x * 2.0)], exclusive=True)
    with tf.Session() as sess:
        assert sess.run(r, {x: -1.0}) == 1.0 and sess.run(r, {x: 5.0}) == 10.0
        with pytest.raises(errors.InvalidArgumentError, match="None of conditions"):
            sess.run(r, {x: 0.5})
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"exclusive=True: more than 1 conditions \(Less_\d:0, "
                                 r"Less_\d:0\) evaluated as True:\] \[1 1\]"):
            sess.run(s, {x: -1.0})
        assert sess.run(s, {x: 0.5}) == 1.0 and sess.run(t, {x: -1.0}) == 1.0


def test_case_errors():
    x = tf.placeholder(tf.float32, ())
    with pytest.raises(TypeError, match="must be a list, tuple, or dict"):
        tf.case(x < 0.0, default=lambda: x)
    with pytest.raises(TypeError, match="pred must be Tensor of type bool"):
        tf.case([(x, lambda: x)], default=lambda: x)
    with pytest.raises(TypeError, match="must be callable"):
        tf.case([(x < 0.0, x)], default=lambda: x)


def test_assert():
    x = tf.placeholder(tf.int32, ())
    check = tf.Assert(x > 0, ["x must be positive, got", x])
    with tf.Session() as sess:
        sess.run(check, {x: 3})
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"assertion failed: \[x must be positive, got\] \[-2\]"):
            sess.run(check, {x: -2})


# -- tf.while_loop -------------------------------------------------------------------------

def test_while_loop_sums_and_products_against_python():
    n = tf.placeholder(tf.int32, ())
    x = tf.placeholder(tf.float32, ())
    _, total = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + tf.cast(i, tf.float32)),
                             [0, 0.0])
    _, product = tf.while_loop(lambda i, p: i < n, lambda i, p: (i + 1, p * x), [0, 1.0])
    with tf.Session() as sess:
        for nv in (0, 1, 5, 30):
            want = np.float32(1.0)
            for _ in range(nv):
                want = want * np.float32(1.5)
            assert sess.run(total, {n: nv}) == sum(range(nv))
            assert sess.run(product, {n: nv, x: 1.5}) == want


def test_while_loop_iterations_in_the_trace():
    n = tf.placeholder(tf.int32, ())
    r = tf.while_loop(lambda i: i < n, lambda i: i + 1, [0])
    with tf.Session() as sess:
        value, trace = traced(sess, r, {n: 4})
        assert value == 4
        assert trace.iterations == {"while": 4}
        assert names(trace.executed).count("while/add") == 4
        assert names(trace.dead).count("while/add") == 1   # the check that ended the loop
        assert trace.ran("while/Exit")
        assert "tf.while_loop while: 4 iterations" in trace.summary()


def test_maximum_iterations():
    x = tf.placeholder(tf.float32, ())
    r = tf.while_loop(lambda a: a < 100.0, lambda a: a * x, [x], maximum_iterations=5)
    assert r.name == "while/Exit_1:0"
    with tf.Session() as sess:
        assert sess.run(r, {x: 2.0}) == 64.0        # 5 iterations: 2 -> 64
        assert sess.run(r, {x: 11.0}) == 121.0      # the condition stops it first
        assert sess.run(r, {x: 1.5}) == np.float32(1.5) ** 6


def test_nested_loops_and_a_cond_in_a_loop():
    a = tf.placeholder(tf.float32, ())

    def outer(i, s):
        _, s2 = tf.while_loop(lambda j, u: j < i, lambda j, u: (j + 1, u + a), [0, s])
        return i + 1, tf.cond(s2 > 10.0, lambda: s2 - 100.0, lambda: s2)
    _, r = tf.while_loop(lambda i, s: i < 5, outer, [0, 0.0])

    def python(av):
        s = 0.0
        for i in range(5):
            s += i * av
            s = s - 100.0 if s > 10.0 else s
        return s
    with tf.Session() as sess:
        for av in (0.5, 1.0, 2.0):
            np.testing.assert_allclose(sess.run(r, {a: av}), python(av), rtol=1e-6)
        _, trace = traced(sess, r, {a: 2.0})
        assert trace.iterations == {"while": 5, "while/while": 10}
        assert trace.branches["while/cond"] == "false, false, false, true, false"


def test_a_loop_in_a_branch_not_taken_does_not_run():
    x = tf.placeholder(tf.float32, ())
    p = tf.placeholder(tf.bool, ())
    y = tf.cond(p, lambda: tf.while_loop(lambda v: v < 100.0, lambda v: v * 2.0, [x]),
                lambda: x - 1.0)
    with tf.Session() as sess:
        assert sess.run(y, {x: 3.0, p: True}) == 192.0
        value, trace = traced(sess, y, {x: 3.0, p: False})
        assert value == 2.0 and trace.iterations == {}
        assert "cond/while/mul" in names(trace.dead)


def test_shape_invariants_let_a_loop_variable_grow():
    v = tf.placeholder(tf.float32, (1,))
    r = tf.while_loop(lambda t: tf.size(t) < 9, lambda t: tf.concat([t, t * 2.0], 0), [v],
                      shape_invariants=[tf.TensorShape([None])])
    assert r.shape.as_list() == [None]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(r, {v: [1.0]}),
                                      [1, 2, 2, 4, 2, 4, 4, 8, 2, 4, 4, 8, 4, 8, 8, 16])


def test_while_loop_structures():
    x = tf.placeholder(tf.float32, ())
    pair = tf.while_loop(lambda a, b: a < 10.0, lambda a, b: [a * 2.0, (b[0] + 1, b[1])],
                         [x, (tf.constant(0), tf.constant(2.0))])
    same = tf.while_loop(lambda a: a < 10.0, lambda a: a * 2.0, [x], return_same_structure=True)
    assert isinstance(pair, list) and isinstance(pair[1], tuple) and isinstance(same, list)
    with tf.Session() as sess:
        a, (count, b) = sess.run(pair, {x: 1.0})
        assert (a, count, b) == (16.0, 4, 2.0)
        assert sess.run(same, {x: 3.0}) == [12.0]


def test_while_loop_errors_as_tf1_raises_them():
    a = tf.placeholder(tf.float32, ())
    v = tf.placeholder(tf.float32, (1,))
    with pytest.raises(ValueError, match="same nested structure"):
        tf.while_loop(lambda x: x < 1.0, lambda x: (x, x), [a])
    with pytest.raises(ValueError, match="enters the loop with shape"):
        tf.while_loop(lambda t: tf.size(t) < 9, lambda t: tf.concat([t, t], 0), [v])
    with pytest.raises(ValueError, match="shape invariant specified for"):
        tf.while_loop(lambda x: x < 1.0, lambda x: x, [a], shape_invariants=[tf.TensorShape([2])])
    with pytest.raises(ValueError, match="'maximum_iterations' must be a scalar"):
        tf.while_loop(lambda x: x < 1.0, lambda x: x, [a], maximum_iterations=[3])
    with pytest.raises(TypeError, match="expected type of bool"):
        tf.while_loop(lambda x: x, lambda x: x, [a])
    with pytest.raises(ValueError, match="'loop_vars' must be provided"):
        tf.while_loop(lambda x: x < 1.0, lambda x: x, [])
    with pytest.raises(TypeError, match="Python `bool`"):
        tf.while_loop(lambda x: x < 1.0, lambda x: x, a)
    # a body changing a loop variable's dtype fails when the graph runs, as in TF1
    r = tf.while_loop(lambda x: x < 10.0, lambda x: tf.cast(x, tf.int32), [a])
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"Input 1 of node while_\d+/Merge was passed int32"):
            sess.run(r, {a: 1.0})


def test_a_value_inside_a_loop_is_not_fetchable_nor_feedable():
    a = tf.placeholder(tf.float32, ())
    inside = []

    def body(x):
        inside.append(x * 2.0)
        return inside[0]
    r = tf.while_loop(lambda x: x < 10.0, body, [a])
    with tf.Session() as sess:
        assert sess.run(r, {a: 1.0}) == 16.0
        with pytest.raises(ValueError, match="not fetchable"):
            sess.run(inside[0], {a: 1.0})
        with pytest.raises(ValueError, match="Tensor .*while/mul:0.* may not be fed"):
            sess.run(r, {a: 1.0, inside[0]: 3.0})


# -- gradients -----------------------------------------------------------------------------

def test_cond_gradients_against_central_differences():
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float64, (3, 4))
    w = tf.placeholder(tf.float64, (4, 2))
    p = tf.placeholder(tf.bool, ())
    h = tf.matmul(x, w)
    y = tf.cond(p, lambda: tf.tanh(h) * tf.reduce_sum(x), lambda: tf.square(h) + 1.0)
    feed = {x: rng.normal(size=(3, 4)), w: rng.normal(size=(4, 2))}
    for pv in (True, False):
        check_gradients(y, [x, w], {**feed, p: pv})


def test_cond_gradient_of_the_branch_not_taken_is_zero_and_its_ops_are_dead():
    x = tf.placeholder(tf.float32, ())
    y0 = tf.placeholder(tf.float32, ())
    p = tf.placeholder(tf.bool, ())
    y = tf.cond(p, lambda: x * 3.0, lambda: y0 * 5.0)
    dx, dy0 = tf.gradients(y, [x, y0])
    with tf.Session() as sess:
        assert sess.run([dx, dy0], {x: 1.0, y0: 1.0, p: True}) == [3.0, 0.0]
        (gx, gy), trace = traced(sess, [dx, dy0], {x: 1.0, y0: 1.0, p: False})
        assert (gx, gy) == (0.0, 5.0)
        assert "gradients/cond/mul_grad/mul" in names(trace.dead)


def test_training_through_a_cond_like_dropout_at_training_time():
    rng = np.random.RandomState(0)
    x = tf.placeholder(tf.float32, (8, 5))
    y = tf.placeholder(tf.float32, (8, 1))
    training = tf.placeholder(tf.bool, ())
    w = tf.Variable(np.zeros((5, 1), np.float32))
    h = tf.matmul(x, w)
    out = tf.cond(training, lambda: h * 0.5, lambda: h)
    loss = tf.reduce_mean((out - y) ** 2)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    feed = {x: rng.randn(8, 5).astype(np.float32), y: rng.randn(8, 1).astype(np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [sess.run([loss, train], {**feed, training: True})[0] for _ in range(20)]
        assert losses[-1] < losses[0]
        evaluated = sess.run(loss, {**feed, training: False})
        w_value = sess.run(w)
    np.testing.assert_allclose(evaluated, np.mean((feed[x] @ w_value - feed[y]) ** 2),
                               rtol=1e-5)


def test_while_loop_gradients_against_central_differences():
    rng = np.random.default_rng(1)
    xs = tf.placeholder(tf.float64, (4, 2, 3))
    w = tf.placeholder(tf.float64, (3, 3))
    h0 = tf.placeholder(tf.float64, (2, 3))
    _, h = tf.while_loop(lambda t, h: t < 4,
                         lambda t, h: (t + 1, tf.tanh(tf.matmul(h, w) + tf.gather(xs, t))),
                         [tf.constant(0), h0])
    feed = {xs: rng.normal(size=(4, 2, 3)), w: rng.normal(size=(3, 3)) * 0.5,
            h0: rng.normal(size=(2, 3))}
    check_gradients(tf.reduce_sum(h * h), [xs, w, h0], feed)


def test_while_loop_gradient_of_a_power_and_with_zero_iterations():
    a = tf.placeholder(tf.float32, ())
    n = tf.placeholder(tf.int32, ())
    _, p = tf.while_loop(lambda i, p: i < n, lambda i, p: (i + 1, p * a), [0, a])
    da, = tf.gradients(p, a)
    assert da.name == "gradients/AddN:0"   # the initial value's and the accumulated
    with tf.Session() as sess:
        for nv in (0, 1, 3):
            assert sess.run(da, {a: 2.0, n: nv}) == (nv + 1) * 2.0 ** nv
        _, trace = traced(sess, da, {a: 2.0, n: 3})
        assert trace.iterations == {"while": 3, "gradients/while": 3}


def test_while_loop_gradients_two_sessions_and_many_runs():
    a = tf.placeholder(tf.float32, ())
    n = tf.placeholder(tf.int32, ())
    _, p = tf.while_loop(lambda i, p: i < n, lambda i, p: (i + 1, p * a + 1.0), [0, 1.0])
    da, = tf.gradients(p, a)
    with tf.Session() as sess:
        for nv in (4, 2, 4):
            want, av = 0.0, 1.5
            pv = 1.0
            for _ in range(nv):   # d/da of p <- p a + 1
                want, pv = want * av + pv, pv * av + 1.0
            np.testing.assert_allclose(sess.run([p, da], {a: av, n: nv}), [pv, want],
                                       rtol=1e-6)


def test_while_loop_gradients_are_none_where_nothing_flows():
    a = tf.placeholder(tf.float32, ())
    b = tf.placeholder(tf.float32, ())
    r = tf.while_loop(lambda x: x < 10.0, lambda x: x * a, [a])
    assert tf.gradients(r, [b]) == [None]
    r2 = tf.while_loop(lambda x: x < 10.0, lambda x: x * 2.0, [a], back_prop=False)
    assert tf.gradients(r2, [a]) == [None]


def test_second_order_gradients_through_a_loop_are_refused_as_in_tf1():
    a = tf.placeholder(tf.float32, ())
    r = tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * a), [0, a])[1]
    g, = tf.gradients(r, a)
    with pytest.raises(TypeError, match="Second-order gradient for while loops"):
        tf.gradients(g, a)


def test_gradients_through_nested_loops():
    """The inner loop's gradient loop runs inside the outer one's, once per outer
    iteration, each time as many times as the inner loop ran in the matching forward
    iteration (here 3, 2, then 1 times). Values: TF1's (case while_loop has more)."""
    a = tf.placeholder(tf.float64, ())
    w = tf.placeholder(tf.float64, (3,))

    def outer(i, s):
        _, s2 = tf.while_loop(lambda j, u: j < i + 1,
                              lambda j, u: (j + 1, tf.tanh(u) * a + s * 0.5), [0, s])
        return i + 1, s2 * w
    _, r = tf.while_loop(lambda i, s: i < 3, outer, [0, w])
    y = tf.reduce_sum(r * r)
    da, dw = tf.gradients(y, [a, w])
    feed = {a: 0.7, w: np.array([0.3, 0.5, 0.9])}
    with tf.Session() as sess:
        got = sess.run([y, da, dw], feed)
        _, trace = traced(sess, da, feed)
    np.testing.assert_allclose(got[0], 0.7169160212211917, rtol=1e-12)   # TF1's numbers
    np.testing.assert_allclose(got[1], 3.211254105238754, rtol=1e-12)
    np.testing.assert_allclose(got[2], [0.0088037, 0.25155148, 4.01880332], rtol=1e-6)
    assert trace.iterations == {"while": 3, "while/while": 6, "gradients/while": 3,
                                "gradients/while/while": 6}
    check_gradients(y, [a, w], feed)


def test_gradients_through_a_while_loop_inside_a_cond_branch():
    """When the branch is not taken, the loop is dead, and so is its gradient loop: the
    gradient comes from the other branch alone (values checked against TF1 by hand:
    6.792433054729417 and [2.67789849, 2.95505136, 3.49391305] for the loop)."""
    a = tf.placeholder(tf.float64, ())
    w = tf.placeholder(tf.float64, (3,))
    p = tf.placeholder(tf.bool, ())
    y = tf.cond(p, lambda: tf.while_loop(lambda i, x: i < 4,
                                         lambda i, x: (i + 1, tf.tanh(x) * a + w), [0, w])[1],
                lambda: w * a)
    y = tf.reduce_sum(y * y)
    da, dw = tf.gradients(y, [a, w])
    feed = {a: 0.7, w: np.array([0.3, 0.5, 0.9])}
    with tf.Session() as sess:
        got = sess.run([da, dw], {**feed, p: True})
        np.testing.assert_allclose(got[0], 6.792433054729417, rtol=1e-12)
        np.testing.assert_allclose(got[1], [2.67789849, 2.95505136, 3.49391305], rtol=1e-8)
        _, trace = traced(sess, [da, dw], {**feed, p: False})
        assert trace.iterations == {}   # neither loop ran
    for pv in (True, False):
        check_gradients(y, [a, w], {**feed, p: pv})


def test_gradients_through_a_cond_inside_a_while_loop():
    """As TF1: the cond's predicate is kept per iteration, a value of a branch only in the
    iterations that took it (its push is in the branch, its pop behind a Switch)."""
    a = tf.placeholder(tf.float64, ())
    w = tf.placeholder(tf.float64, (3,))
    _, r = tf.while_loop(
        lambda i, x: i < 5,
        lambda i, x: (i + 1, tf.cond(tf.reduce_sum(x) > 1.0, lambda: x * a - w,
                                     lambda: tf.tanh(x) + w * a)),
        [0, w])
    y = tf.reduce_sum(r * r)
    with tf.Session() as sess:
        for av, wv in [(0.7, [0.3, 0.5, 0.9]), (1.3, [0.1, -0.2, 0.4]), (0.2, [1, 1, 1])]:
            feed = {a: av, w: np.array(wv, np.float64)}
            check_gradients(y, [a, w], feed)
            _, trace = traced(sess, tf.gradients(y, a)[0], feed)
            assert len(trace.branches["while/cond"].split(", ")) == 5
    pushes = [op for op in tf.get_default_graph().get_operations()
              if op.type == "StackPushV2" and op._control_flow_context is not None
              and op._control_flow_context.__class__.__name__ == "CondContext"]
    assert pushes   # some values are pushed inside a branch


# -- rewrites and the benchmark's plan -----------------------------------------------------

def test_a_plan_with_a_cond_is_rewritten_outside_its_control_flow_only():
    x = tf.placeholder(tf.float32, (3,))
    p = tf.placeholder(tf.bool, ())
    k = tf.constant([1.0, 2.0, 3.0]) * 2.0   # foldable, outside
    y = tf.cond(p, lambda: tf.identity(x) * k + tf.constant(1.0) * 2.0, lambda: x ** 1)
    z = tf.identity(y) ** 2
    with tf.Session() as sess:
        fast = fast_path(sess, z, {x: [1, 2, 3], p: True})
        assert "mul" in names(fast.folded)
        # nothing inside the branches is folded, forwarded or specialized
        inside = [op for op in fast.folded + fast.forwarded + fast.specialized
                  if op._control_flow_context is not None]
        assert inside == []
        assert "pow" in names(fast.specialized)   # outside, after the Merge
        for pv in (True, False):
            want = sess.run(z, {x: [1, 2, 3], p: pv}, options=FULL,
                            run_metadata=tf.RunMetadata())
            np.testing.assert_array_equal(sess.run(z, {x: [1, 2, 3], p: pv}), want)


def test_a_plan_without_control_flow_has_no_flow():
    x = tf.placeholder(tf.float32, ())
    y = x * 2.0
    with tf.Session() as sess:
        sess.run(y, {x: 1.0})
        (entry,) = sess._plans.values()
        assert entry.fast.flow is None and entry.drawn.flow is None
        assert all(step.flow is None for step in entry.fast.steps)


def test_gradients_through_loops_and_conds_nested_every_way():
    """A cond in a loop in a loop, and a loop in a cond in a loop: minigraph gives TF1's
    numbers (recorded from TF 2.21's tf.compat.v1 for the first feed) and central
    differences agree for each feed."""
    a = tf.placeholder(tf.float64, ())
    w = tf.placeholder(tf.float64, (3,))

    def outer(i, s):
        def inner_body(j, u):
            return j + 1, tf.cond(tf.reduce_sum(u) > 0.5, lambda: tf.tanh(u) * a,
                                  lambda: u + s * a)
        _, s2 = tf.while_loop(lambda j, u: j < 2, inner_body, [0, s])
        s3 = tf.cond(i > 0, lambda: tf.while_loop(lambda k, v: k < 2,
                                                  lambda k, v: (k + 1, v * w - a), [0, s2])[1],
                     lambda: s2 * 2.0)
        return i + 1, s3
    _, r = tf.while_loop(lambda i, s: i < 3, outer, [0, w])
    y = tf.reduce_sum(r * r)
    da, dw = tf.gradients(y, [a, w])
    feeds = [{a: 0.7, w: np.array([0.3, 0.5, 0.9])}, {a: -0.4, w: np.array([0.1, -0.6, 0.2])},
             {a: 1.1, w: np.array([-1.0, 0.0, 0.4])}]
    with tf.Session() as sess:
        got = sess.run([y, da, dw], feeds[0])
    np.testing.assert_allclose(got[0], 16.173649661506275, rtol=1e-12)
    np.testing.assert_allclose(got[1], 51.367156563413744, rtol=1e-12)
    np.testing.assert_allclose(got[2], [4.68057237, 11.109096, 40.43061383], rtol=1e-8)
    for feed in feeds:
        check_gradients(y, [a, w], feed)
