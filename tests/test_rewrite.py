"""The plan rewrites of untraced runs (minigraph.rewrite) change no value, bit for bit.

Truth is the op-for-op run of the same graph: a session with every rewrite off
(``OptimizerOptions.L0``) and a traced run, which always executes every op as drawn. The
lecture's step is also compared with hand-written numpy. The cases where a rewrite must stay
away (a variable read after its update, a value kept by a trace...) are built on purpose.
"""

import warnings

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors
from minigraph.ops.array_ops import select_zeros
from minigraph.rewrite import PASSES
from minigraph.trace import describe_plan, fast_path, of as trace_of, run_steps, traced_run

FULL = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)


def l0():
    return tf.ConfigProto(graph_options=tf.GraphOptions(
        optimizer_options=tf.OptimizerOptions(opt_level=tf.OptimizerOptions.L0)))


def rewrites_of(sess, fetches, feed_dict=None):
    """What the untraced run of these fetches had rewritten (``trace.fast_path``)."""
    return fast_path(sess, fetches, feed_dict)


def names(ops):
    return [op.name for op in ops]


def run_three_ways(fetches, feed_dict=None, init=None, runs=3, variables=(), passes=None):
    """Run ``fetches`` ``runs`` times in three sessions (untraced with the rewrites on, or
    only ``passes`` of them; every rewrite off; traced); return
    {mode: [outputs of each run] + [final variable values]}."""
    results = {}
    for mode in ("fast", "L0", "traced"):
        sess = tf.Session(config=l0() if mode == "L0" else None)
        if mode == "fast" and passes is not None:
            sess._rewrites = passes   # the knob benchmarks/run.py turns too
        if init is not None:
            sess.run(init)
        outs = []
        for _ in range(runs):
            if mode == "traced":
                outs.append(sess.run(fetches, feed_dict, options=FULL,
                                     run_metadata=tf.RunMetadata()))
            else:
                out = sess.run(fetches, feed_dict)
                outs.append(_copy(out))
                _scribble(out)
        outs.append(sess.run(list(variables)) if variables else [])
        results[mode] = outs
        sess.close()
    return results


def _leaves(x):
    if isinstance(x, (list, tuple)):
        return [y for v in x for y in _leaves(v)]
    return [x]


def _copy(out):
    return [np.array(v) if isinstance(v, np.ndarray) else v for v in _leaves(out)]


def _scribble(out):
    """Overwrite every array a run returned, one at a time, checking that no other returned
    array changes: fetched values share memory with nothing (each other, constants,
    variables, feeds). The next runs then show whether the session's state was touched."""
    arrays = [v for v in _leaves(out) if isinstance(v, np.ndarray) and v.size]
    before = [v.copy() for v in arrays]
    for i, a in enumerate(arrays):
        a[...] = 7 if a.dtype.kind in "iub" else np.nan
        for j, b in enumerate(arrays):
            if j != i:
                assert b.tobytes() == before[j].tobytes(), "two fetched values share memory"
        before[i] = a.copy()


def assert_same_bits(results):
    def leaves(x):
        if isinstance(x, (list, tuple)):
            return [y for v in x for y in leaves(v)]
        return [x]
    fast = leaves(results["fast"])
    for mode in ("L0", "traced"):
        other = leaves(results[mode])
        assert len(fast) == len(other)
        for a, b in zip(fast, other):
            if a is None:
                assert b is None
                continue
            a, b = np.asarray(a), np.asarray(b)
            assert a.dtype == b.dtype and a.shape == b.shape
            # the same bits: NaN == NaN and -0.0 != +0.0 here
            assert a.tobytes() == b.tobytes(), (mode, a, b)


# -- the lecture step ---------------------------------------------------------------------

N, D, H = 8, 12, 5


def lecture_graph():
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    rng = np.random.RandomState(0)
    w1 = tf.Variable(rng.randn(D, H).astype(np.float32))
    w2 = tf.Variable(rng.randn(H, D).astype(np.float32))
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    loss = tf.reduce_mean(tf.reduce_sum((y_pred - y) ** 2, axis=1))
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    lr = 1e-3
    updates = tf.group(w1.assign(w1 - lr * grad_w1), w2.assign(w2 - lr * grad_w2))
    feed = {x: rng.randn(N, D).astype(np.float32), y: rng.randn(N, D).astype(np.float32)}
    return x, y, w1, w2, loss, updates, feed


def test_lecture_step_same_bits_with_and_without_rewrites():
    x, y, w1, w2, loss, updates, feed = lecture_graph()
    init = tf.global_variables_initializer()
    results = run_three_ways([loss, updates], feed, init, runs=5, variables=[w1, w2])
    assert_same_bits(results)
    losses = [out[0] for out in results["fast"][:-1]]
    assert losses[-1] < losses[0]  # it learns


def test_lecture_step_matches_hand_written_numpy():
    x, y, w1, w2, loss, updates, feed = lecture_graph()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    xv, yv = feed[x], feed[y]
    a, b = sess.run([w1, w2])
    for _ in range(4):
        h_pre = xv.dot(a)
        h = np.maximum(h_pre, np.float32(0))
        diff = h.dot(b) - yv
        want = np.mean(np.sum(diff ** 2, axis=1))
        g = np.float32(2.0 / N) * diff   # the folded gradient of mean(sum(.)), times 2
        gw2 = h.T.dot(g)
        gh = g.dot(b.T)
        gh = np.where(h_pre >= 0, gh, np.float32(0))
        gw1 = xv.T.dot(gh)
        a = a - np.float32(1e-3) * gw1
        b = b - np.float32(1e-3) * gw2
        got = sess.run([loss, updates], feed)[0]
        np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(sess.run(w1), a, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sess.run(w2), b, rtol=1e-5, atol=1e-6)


def test_lecture_plan_is_rewritten_as_described():
    x, y, w1, w2, loss, updates, feed = lecture_graph()
    sess = tf.Session()
    fast = rewrites_of(sess, [loss, updates], feed)
    folded = names(fast.folded)
    # the backward pass from the seed 1.0 through Mean's and Sum's gradients, and 2 * grad
    assert "gradients/Mean_grad/BroadcastTo" in folded
    assert "gradients/Sum_grad/BroadcastTo" in folded
    assert "gradients/pow_grad/mul" in folded and "gradients/pow_grad/sub" in folded
    # a known shape's zeros are a Const from the start, as TF1's zeros_like builds them
    assert tf.get_default_graph().get_operation_by_name(
        "gradients/Maximum_grad/zeros_like").type == "Const"
    assert names(fast.forwarded) == ["gradients/pow_grad/Pow"]  # diff ** 1
    # diff ** 2 is np.square; the ReLU gradient's where(c, g, 0) masks bits
    assert names(fast.specialized) == ["pow", "gradients/Maximum_grad/Select"]
    # w - lr * grad is stored in the variable without a copy
    assert [op.inputs[1].op.name for op in fast.owning] == ["sub_1", "sub_2"]
    # the variables themselves are in the plan from the start; their reads still run
    assert names(fast.refs) == ["Variable", "Variable_1"]
    executed = set(names(fast.executed))
    assert not executed & set(folded) and "gradients/pow_grad/Pow" not in executed
    assert {"Variable/read", "Variable_1/read"} <= executed
    assert not {"Variable", "Variable_1"} & executed
    assert len(executed) == fast.n_ops - len(folded) - 1 - 2
    text = describe_plan(sess, [loss, updates], feed)
    assert "kernel calls per run" in text and "folded into constants once" in text
    assert "storing their value without a copy: 2" in text


def test_rewrites_off_with_l0_and_folding_off_alone():
    x, y, w1, w2, loss, updates, feed = lecture_graph()
    off = tf.Session(config=l0())
    fast = rewrites_of(off, [loss, updates], feed)
    assert not (fast.folded or fast.forwarded or fast.specialized or fast.owning)
    no_fold = tf.Session(config=tf.ConfigProto(graph_options=tf.GraphOptions(
        optimizer_options=tf.OptimizerOptions(do_constant_folding=False))))
    fast = rewrites_of(no_fold, [loss, updates], feed)
    assert not fast.folded and fast.owning and fast.forwarded == []   # 2 - 1 is not folded
    with pytest.raises(TypeError, match="ConfigProto"):
        tf.Session(config={"graph_options": None})
    with pytest.raises(TypeError, match="unexpected field"):
        tf.ConfigProto(no_such_field=1)
    with pytest.raises(ValueError, match="opt_level"):
        tf.OptimizerOptions(opt_level=7)
    # TF1's usual config fields are accepted
    tf.Session(config=tf.ConfigProto(allow_soft_placement=True, log_device_placement=False,
                                     gpu_options=tf.GPUOptions(allow_growth=True))).close()


# -- optimizers ---------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: tf.train.GradientDescentOptimizer(0.1),
    lambda: tf.train.MomentumOptimizer(0.1, 0.9),
    lambda: tf.train.AdamOptimizer(0.05),
    lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5),
    lambda: tf.train.AdagradOptimizer(0.1),
], ids=["sgd", "momentum", "adam", "rmsprop", "adagrad"])
def test_optimizer_steps_same_bits(make):
    rng = np.random.RandomState(3)
    x = tf.placeholder(tf.float32, (6, 4))
    w = tf.Variable(rng.randn(4, 3).astype(np.float32))
    b = tf.Variable(np.zeros(3, np.float32))
    loss = tf.reduce_mean(tf.square(tf.nn.relu(tf.matmul(x, w) + b) - 1.0))
    gs = tf.train.get_or_create_global_step()
    train = make().minimize(loss, global_step=gs)
    init = tf.global_variables_initializer()
    feed = {x: rng.randn(6, 4).astype(np.float32)}
    assert_same_bits(run_three_ways([loss, train], feed, init, runs=4,
                                    variables=tf.global_variables()))


# -- a variable keeps an array only when nothing else can see it ----------------------------

def test_variable_fetched_with_its_update_is_the_old_value():
    w = tf.Variable(np.arange(4, dtype=np.float32))
    up = w.assign(w - 1.0)
    sess = tf.Session()
    sess.run(w.initializer)
    for k in range(3):
        old, new = sess.run([w, up])
        np.testing.assert_array_equal(old, np.arange(4) - k)
        np.testing.assert_array_equal(new, np.arange(4) - k - 1)


def test_a_view_of_the_variable_used_after_its_update_keeps_the_old_value():
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    up = w.assign(w * 2.0)
    with tf.control_dependencies([up]):
        after = tf.reshape(w, [6]) + 0.0   # reads the run's value of w, after the update
    init = w.initializer
    results = run_three_ways([after, up], init=init, runs=3, variables=[w])
    assert_same_bits(results)


def test_two_updates_of_one_variable_in_one_run_same_bits():
    w = tf.Variable(np.ones(3, np.float32))
    a = w.assign_add(np.ones(3, np.float32))
    b = w.assign(w * 3.0)
    init = w.initializer
    assert_same_bits(run_three_ways([a, b], init=init, runs=3, variables=[w]))


def test_assign_of_a_value_read_elsewhere_copies_it():
    w = tf.Variable(np.ones(3, np.float32))
    new = w + 1.0
    up = w.assign(new)
    other = new * 10.0
    init = w.initializer
    assert_same_bits(run_three_ways([up, other], init=init, runs=3, variables=[w]))
    sess = tf.Session()
    assert not rewrites_of(sess, [up, other]).owning


def test_assign_of_a_fetched_value_copies_it():
    w = tf.Variable(np.ones(3, np.float32))
    new = w + 1.0
    up = w.assign(new)
    init = w.initializer
    assert_same_bits(run_three_ways([new, up], init=init, runs=3, variables=[w]))
    sess = tf.Session()
    assert not rewrites_of(sess, [new, up]).owning


def test_fetched_values_are_not_changed_by_later_updates():
    x, y, w1, w2, loss, updates, feed = lecture_graph()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    sess.run([loss, updates], feed)
    sess.run([loss, updates], feed)
    kept = sess.run(w1)
    copy = kept.copy()
    for _ in range(3):
        sess.run([loss, updates], feed)
    np.testing.assert_array_equal(kept, copy)
    assert not np.array_equal(sess.run(w1), copy)


def test_a_traced_run_keeps_its_values_when_later_runs_update():
    x, y, w1, w2, loss, updates, feed = lecture_graph()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for _ in range(2):
        sess.run([loss, updates], feed)
    _, run_all = traced_run(sess, [loss, updates], feed, keep_values=True)
    kept = {k: np.array(v) for k, v in run_all.values.items()}
    for _ in range(2):
        sess.run([loss, updates], feed)
    # a traced run that only reads the weights
    _, run_read = traced_run(sess, loss, feed, keep_values=True)
    kept_read = {k: np.array(v) for k, v in run_read.values.items()}
    for _ in range(2):
        sess.run([loss, updates], feed)
    stepped = run_steps(sess, [loss, updates], feed)
    steps = list(stepped)
    step_inputs = [[np.array(a) for a in s.inputs] for s in steps]
    for _ in range(3):
        sess.run([loss, updates], feed)
    for trace, before in ((run_all, kept), (run_read, kept_read)):
        for k, v in trace.values.items():
            np.testing.assert_array_equal(np.asarray(v), before[k], err_msg=k)
    for s, before in zip(steps, step_inputs):
        for a, b in zip(s.inputs, before):
            np.testing.assert_array_equal(np.asarray(a), b)


def test_load_then_update():
    w = tf.Variable(np.zeros(2, np.float32))
    up = w.assign_add(np.ones(2, np.float32))
    sess = tf.Session()
    sess.run(w.initializer)
    value = np.array([5.0, 6.0], np.float32)
    w.load(value, sess)
    for _ in range(3):
        sess.run(up)
    np.testing.assert_array_equal(value, [5.0, 6.0])   # the loaded array is not written into
    np.testing.assert_array_equal(sess.run(w), [8.0, 9.0])


# -- constant folding ---------------------------------------------------------------------

def test_random_ops_are_never_folded():
    r = tf.random_normal((3,), seed=1) * 2.0
    sess = tf.Session()
    plan = rewrites_of(sess, r)
    assert not plan.folded
    a, b = sess.run(r), sess.run(r)
    assert not np.array_equal(a, b)
    other = tf.Session(config=l0())
    np.testing.assert_array_equal(other.run(r), a)   # same seed, same sequence


def test_a_folded_value_fetched_is_a_copy():
    c = tf.constant([1.0, 2.0]) * 3.0
    sess = tf.Session()
    assert names(rewrites_of(sess, c).folded) == [c.op.name]
    v = sess.run(c)
    v[0] = 100.0
    np.testing.assert_array_equal(sess.run(c), [3.0, 6.0])


def test_an_op_that_fails_is_not_folded_and_fails_at_run_time():
    c = tf.gather(tf.constant([1.0, 2.0]), tf.constant(5), name="bad_gather")
    ok = tf.constant(1.0) + 1.0
    sess = tf.Session()
    assert "bad_gather" not in names(rewrites_of(sess, c).folded)
    with pytest.raises(errors.InvalidArgumentError, match="bad_gather"):
        sess.run(c)
    assert sess.run(ok) == 2.0   # the session keeps working


def test_an_op_that_warns_is_not_folded_so_every_run_warns_as_without_folding():
    c = tf.cast(tf.constant([np.nan, 1.0]), tf.int32, name="nan_to_int")
    counts = {}
    for mode, config in (("fast", None), ("L0", l0())):
        sess = tf.Session(config=config)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):
                sess.run(c)
        counts[mode] = len([w for w in caught if issubclass(w.category, RuntimeWarning)])
        if mode == "fast":
            assert "nan_to_int" not in names(rewrites_of(sess, c).folded)
    assert counts["fast"] == counts["L0"] == 3


def test_big_constants_are_not_folded_and_folded_chains_keep_only_their_end():
    huge = tf.ones([1500, 1000], tf.float64)          # 11.4 MiB: over Grappler's 10 MiB
    big = tf.zeros([1100, 1000], tf.float64) + 1.0    # 8.4 MiB each step
    sess = tf.Session()
    assert names(rewrites_of(sess, huge).folded) == []
    assert sess.run(huge).sum() == 1.5e6
    fast = rewrites_of(sess, big)
    assert names(fast.folded) == [big.op.inputs[0].op.name, big.op.name]
    kept = list(fast.kept.values())
    assert len(kept) == 1 and kept[0].shape == (1100, 1000) and kept[0][0, 0] == 1.0
    assert sess.run(big).sum() == 1.1e6


def test_known_shapes_fold_unknown_do_not():
    known = tf.placeholder(tf.float32, (2, 3))
    unknown = tf.placeholder(tf.float32, (None, 3))
    # (optimize=False: TF1's zeros_like makes a known shape's zeros a Const straight away)
    zk, zu = tf.zeros_like(known, optimize=False), tf.zeros_like(unknown)
    sk, su = tf.shape(known), tf.shape(unknown)
    sess = tf.Session()
    feed = {known: np.ones((2, 3)), unknown: np.ones((4, 3))}
    folded = names(rewrites_of(sess, [zk, zu, sk, su], feed).folded)
    assert zk.op.name in folded and zu.op.name not in folded
    results = run_three_ways([zk, zu, sk, su], feed)
    assert_same_bits(results)
    np.testing.assert_array_equal(results["fast"][0][3], [4, 3])


# -- forwarding and fetch copies ----------------------------------------------------------

def test_identity_of_a_fetched_value_is_a_separate_array():
    x = tf.placeholder(tf.float32, (2,))
    a = x * 2.0
    b = tf.identity(a)
    c = tf.reshape(a, [2])
    sess = tf.Session()
    assert names(rewrites_of(sess, [a, b, c], {x: [1, 2]}).forwarded) == [b.op.name]
    av, bv, cv = sess.run([a, b, c], {x: [1, 2]})
    av[0] = 50.0
    np.testing.assert_array_equal(bv, [2.0, 4.0])
    np.testing.assert_array_equal(cv, [2.0, 4.0])


def test_fetched_views_of_variables_constants_and_feeds_are_copies():
    x = tf.placeholder(tf.float32, (2, 3))
    w = tf.Variable(np.ones((2, 3), np.float32))
    c = tf.constant(np.full((2, 3), 5.0, np.float32))
    views = [tf.reshape(t, [6]) for t in (x, w, c)] + [tf.transpose(w), tf.identity(c)]
    fed = np.zeros((2, 3), np.float32)
    sess = tf.Session()
    sess.run(w.initializer)
    for out in sess.run(views, {x: fed}):
        out[...] = np.nan
    np.testing.assert_array_equal(fed, 0.0)
    np.testing.assert_array_equal(sess.run(w), 1.0)
    np.testing.assert_array_equal(sess.run(c), 5.0)
    np.testing.assert_array_equal(sess.run(views[2], {x: fed}), 5.0)


def test_identity_of_a_fed_array_is_not_the_users_array():
    x = tf.placeholder(tf.float32, (2,))
    fed = np.array([1.0, 2.0], np.float32)
    out = tf.Session().run(tf.identity(x), {x: fed})
    out[0] = 9.0
    np.testing.assert_array_equal(fed, [1.0, 2.0])


def test_pow_by_one_and_two_same_bits():
    x = tf.placeholder(tf.float32, (4,))
    one = tf.constant(3.0) - 2.0      # folded to 1.0
    two = tf.constant(1.0) + 1.0      # folded to 2.0
    fetches = [x ** one, x ** two, tf.pow(x, 1.0), tf.pow(x, 2.0)]
    feed = {x: np.array([-1.5, 0.0, np.nan, 3e20], np.float32)}
    assert_same_bits(run_three_ways(fetches, feed))


# -- select with zeros --------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int32, np.int64,
                                   np.uint8, np.bool_])
@pytest.mark.parametrize("keep", [True, False])
def test_select_zeros_matches_np_where_bit_for_bit(dtype, keep):
    rng = np.random.RandomState(0)
    c = rng.rand(7, 5) > 0.5
    if np.dtype(dtype).kind == "f":
        x = rng.randn(7, 5).astype(dtype)
        x.flat[:6] = [np.nan, -np.nan, np.inf, -np.inf, -0.0, 0.0]
    else:
        x = (rng.rand(7, 5) * 100).astype(dtype)
    kernel = select_zeros(keep)
    for xs in (x, x.T.copy().T, x[:, ::-1]):   # contiguous and strided
        zeros = np.zeros_like(xs)
        args = (c, xs, zeros) if keep else (c, zeros, xs)
        got = kernel(*args)
        want = np.where(*args)
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    # shapes that differ (broadcasting) take np.where itself
    zeros = np.zeros_like(x)
    args = (c[:1], x, zeros) if keep else (c[:1], zeros, x)
    np.testing.assert_array_equal(kernel(*args), np.where(*args))


def test_relu_and_maximum_gradients_same_bits_with_nan_and_negative_zero():
    x = tf.placeholder(tf.float32, (2, 3))
    up = tf.placeholder(tf.float32, (2, 3))
    g1, = tf.gradients(tf.maximum(x, 0.0) * up, x)
    g2, = tf.gradients(tf.nn.relu(x) * up, x)
    g3, = tf.gradients(tf.minimum(x, 0.0) * up, x)
    feed = {x: np.array([[1, -1, 0], [2, -0.0, 3]], np.float32),
            up: np.array([[np.nan, np.nan, -0.0], [-0.0, 1, np.inf]], np.float32)}
    sess = tf.Session()
    assert rewrites_of(sess, [g1, g3], feed).specialized
    assert_same_bits(run_three_ways([g1, g2, g3], feed))


# -- random programs ----------------------------------------------------------------------

def random_program(seed):
    """A random graph on shape (2, 3) float32 values: constants (some all zeros or ones),
    fed placeholders, variables, elementwise ops, views, folds, selects against zeros,
    reductions, tf.cond and tf.while_loop, gradients, and updates of the variables (assign
    of an expression of the variable, assign_add, assign_sub); returns (fetches, feed, init,
    variables)."""
    rng = np.random.RandomState(seed)
    shape = (2, 3)
    x = tf.placeholder(tf.float32, shape)
    feed = {x: rng.randn(*shape).astype(np.float32)}
    variables = [tf.Variable(rng.randn(*shape).astype(np.float32)) for _ in range(2)]
    pool = [x] + variables + [tf.constant(rng.randn(*shape).astype(np.float32)),
                              tf.zeros(shape), tf.ones(shape) * 2.0]

    def pick():
        return pool[rng.randint(len(pool))]

    makers = [
        lambda: pick() + pick(), lambda: pick() - pick(), lambda: pick() * pick(),
        lambda: tf.maximum(pick(), 0.0), lambda: tf.minimum(pick(), pick()),
        lambda: pick() ** 2, lambda: pick() ** (tf.constant(3.0) - 2.0),
        lambda: tf.identity(pick()), lambda: tf.stop_gradient(pick()),
        lambda: tf.reshape(tf.transpose(pick()), shape),
        lambda: tf.reshape(tf.reshape(pick(), [6]), shape),  # views of the same memory
        lambda: tf.zeros_like(pick()) + pick(), lambda: tf.ones_like(pick()) * pick(),
        lambda: tf.where(pick() > 0.0, pick(), tf.zeros(shape)),
        lambda: tf.where(pick() > 0.0, tf.zeros_like(pick()), pick()),
        lambda: tf.tanh(pick()),
        lambda: tf.reduce_sum(pick(), axis=1, keepdims=True) + pick(),
        lambda: tf.reduce_mean(pick()) * pick(),
        # control flow: the rewrites stay out of branches and loops, and go on after them
        lambda: tf.cond(tf.reduce_sum(pick()) > 0.0, lambda: pick() * 2.0 + tf.ones(shape),
                        lambda: tf.identity(pick()) ** 2),
        lambda: tf.cond(tf.reduce_mean(pick()) < 0.5, lambda: tf.zeros(shape) + pick(),
                        lambda: tf.where(pick() > 0.0, pick(), tf.zeros(shape))),
        lambda: tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * 0.5 + pick()),
                              [0, pick()])[1],
    ]
    for _ in range(rng.randint(4, 12)):
        pool.append(makers[rng.randint(len(makers))]())
    loss = tf.reduce_sum(tf.square(pool[-1])) + tf.reduce_sum(pool[-2])
    grads = [g for g in tf.gradients(loss, variables) if g is not None]
    pool += grads
    fetches = [loss] + [pick() for _ in range(rng.randint(0, 3))]
    for v in variables:
        kind = rng.randint(4)
        if kind == 0:
            up = v.assign(v - 0.1 * pick())
        elif kind == 1:
            up = v.assign_add(pick() * 0.5)
        elif kind == 2:
            up = v.assign_sub(pick())
        else:
            continue
        fetches.append(up if rng.rand() < 0.5 else up.op)
    if rng.rand() < 0.5:
        fetches.append(variables[rng.randint(2)])
    rng.shuffle(fetches)
    return fetches, feed, tf.global_variables_initializer(), variables


@pytest.mark.parametrize("seed", range(60))
def test_random_programs_same_bits_with_and_without_rewrites(seed):
    fetches, feed, init, variables = random_program(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow in a long product chain
        results = run_three_ways(fetches, feed, init, runs=3, variables=variables)
    assert_same_bits(results)


SUBSETS = [(p,) for p in PASSES] + [tuple(q for q in PASSES if q != p) for p in PASSES]


@pytest.mark.parametrize("passes", SUBSETS, ids=["+".join(s) for s in SUBSETS])
@pytest.mark.parametrize("seed", range(0, 60, 5))
def test_random_programs_same_bits_with_each_rewrite_alone_or_left_out(seed, passes):
    """Each rewrite keeps the values on its own, and without any one of the others (the
    benchmark times the lecture's step in each of these sessions)."""
    fetches, feed, init, variables = random_program(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        results = run_three_ways(fetches, feed, init, runs=2, variables=variables,
                                 passes=passes)
    assert_same_bits(results)
