"""TF1's fused update ops (minigraph/ops/training_ops.py).

Each kernel is checked three ways: against its update written out in plain numpy (the
textbook equations, in float64), bit for bit against TF1's own kernels (case
``train_fed_gradients`` of tests/tf_reference/cases.py, recorded by real TensorFlow), and as
an op in a session: what it reads and writes there, what it returns, its errors. The
optimizers that build these ops are tests/test_optimizers.py's.
"""

import importlib.util
import os

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors
from minigraph.lint import update_ops
from minigraph.ops import training_ops as T
from minigraph.ops.state_ops import written_variables
from minigraph.trace import of as trace_of, traced_run

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_reference")
_spec = importlib.util.spec_from_file_location("tf_reference_cases_for_training_ops",
                                               os.path.join(HERE, "cases.py"))
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)

RNG = np.random.default_rng(5)


def _arrays(shape=(3, 4), rng=RNG):
    """A variable, two slots (positive, so square roots are defined) and a gradient."""
    return (rng.normal(size=shape), rng.uniform(0.5, 2.0, size=shape),
            rng.uniform(0.5, 2.0, size=shape), rng.normal(size=shape))


# ------------------------------------------------- the kernels against plain numpy (float64)

def textbook(op, var, s1, s2, s3, grad, nesterov=False):
    """Each update as the papers / TF1's docstrings write it: (new var, new slots...)."""
    lr, mu, b1, b2, eps, rho = 0.05, 0.9, 0.8, 0.95, 1e-3, 0.7
    if op == "ApplyGradientDescent":
        return (var - lr * grad,)
    if op == "ApplyMomentum":
        accum = mu * s1 + grad
        step = lr * grad + lr * mu * accum if nesterov else lr * accum
        return var - step, accum
    if op == "ApplyAdam":
        b1p, b2p = b1 ** 3, b2 ** 3                                 # at step t = 3
        m = b1 * s1 + (1 - b1) * grad
        v = b2 * s2 + (1 - b2) * grad ** 2
        lr_t = lr * np.sqrt(1 - b2p) / (1 - b1p)
        m_used = b1 * m + (1 - b1) * grad if nesterov else m
        return var - lr_t * m_used / (np.sqrt(v) + eps), m, v
    if op == "ApplyAdagrad":
        accum = s1 + grad ** 2
        return var - lr * grad / np.sqrt(accum), accum
    if op == "ApplyAdadelta":
        accum = rho * s1 + (1 - rho) * grad ** 2
        update = np.sqrt(s2 + eps) / np.sqrt(accum + eps) * grad
        return var - lr * update, accum, rho * s2 + (1 - rho) * update ** 2
    if op == "ApplyRMSProp":
        ms = rho * s1 + (1 - rho) * grad ** 2
        mom = mu * s2 + lr * grad / np.sqrt(ms + eps)
        return var - mom, ms, mom
    if op == "ApplyCenteredRMSProp":
        mg = rho * s1 + (1 - rho) * grad          # s1 kept small: ms - mg^2 stays positive
        ms = rho * s2 + (1 - rho) * grad ** 2
        mom = mu * s3 + lr * grad / np.sqrt(ms - mg ** 2 + eps)
        return var - mom, mg, ms, mom
    raise AssertionError(op)


def forward(op, var, s1, s2, s3, grad, nesterov=False):
    """The op's numpy ``forward`` on the same values, hyperparameters in var's dtype."""
    c = lambda x: np.asarray(x, dtype=var.dtype)  # noqa: E731
    lr, mu, b1, b2, eps, rho = c(0.05), c(0.9), c(0.8), c(0.95), c(1e-3), c(0.7)
    if op == "ApplyGradientDescent":
        return T.ApplyGradientDescent.forward(var, lr, grad)
    if op == "ApplyMomentum":
        return T.ApplyMomentum.forward(var, s1, lr, grad, mu, use_nesterov=nesterov)
    if op == "ApplyAdam":
        return T.ApplyAdam.forward(var, s1, s2, c(0.8 ** 3), c(0.95 ** 3), lr, b1, b2, eps,
                                   grad, use_nesterov=nesterov)
    if op == "ApplyAdagrad":
        return T.ApplyAdagrad.forward(var, s1, lr, grad)
    if op == "ApplyAdadelta":
        return T.ApplyAdadelta.forward(var, s1, s2, lr, rho, eps, grad)
    if op == "ApplyRMSProp":
        return T.ApplyRMSProp.forward(var, s1, s2, lr, rho, mu, eps, grad)
    if op == "ApplyCenteredRMSProp":
        return T.ApplyCenteredRMSProp.forward(var, s1, s2, s3, lr, rho, mu, eps, grad)
    raise AssertionError(op)


KERNELS = [("ApplyGradientDescent", False), ("ApplyMomentum", False), ("ApplyMomentum", True),
           ("ApplyAdam", False), ("ApplyAdam", True), ("ApplyAdagrad", False),
           ("ApplyAdadelta", False), ("ApplyRMSProp", False), ("ApplyCenteredRMSProp", False)]


@pytest.mark.parametrize("op, nesterov", KERNELS,
                         ids=["%s%s" % (o, "-nesterov" if n else "") for o, n in KERNELS])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_each_kernel_is_its_textbook_update(op, nesterov, dtype):
    var, s1, s2, grad = _arrays()
    s3 = RNG.normal(size=var.shape)
    if op == "ApplyCenteredRMSProp":
        s1 = 0.1 * RNG.normal(size=var.shape)
    want = textbook(op, var, s1, s2, s3, grad, nesterov)
    got = forward(op, *(a.astype(dtype) for a in (var, s1, s2, s3, grad)), nesterov=nesterov)
    assert len(got) == len(want) == len(getattr(T, op).ref_inputs)
    tol = dict(rtol=1e-12, atol=1e-14) if dtype == np.float64 else dict(rtol=2e-5, atol=1e-6)
    for name, g, w in zip(getattr(T, op).input_names, got, want):
        assert g.dtype == dtype, (name, g.dtype)                 # float32 stays float32
        np.testing.assert_allclose(g, w, **tol, err_msg="%s of %s" % (name, op))


def test_adagrad_without_update_slots_leaves_the_accumulator():
    var, accum, _, grad = _arrays()
    new_var, new_accum = T.ApplyAdagrad.forward(var, accum, np.float64(0.1), grad,
                                                update_slots=False)
    assert new_accum is accum
    np.testing.assert_allclose(new_var, var - 0.1 * grad / np.sqrt(accum), rtol=1e-14)
    w = tf.Variable(var, name="w")
    acc = tf.Variable(accum, name="acc")
    op = T.apply_adagrad(w, acc, tf.constant(0.1, tf.float64), tf.constant(grad),
                         update_slots=False).op
    assert op.attrs == {"use_locking": False, "update_slots": False}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(op)
        np.testing.assert_array_equal(sess.run(acc), accum)
        np.testing.assert_allclose(sess.run(w), new_var, rtol=1e-14)


def test_the_ops_carry_tf1s_attributes():
    """use_locking (TF1's, for concurrent runs: recorded, never used here), use_nesterov."""
    w = tf.Variable([1.0, 2.0], name="w")
    opt = tf.train.MomentumOptimizer(0.1, 0.9, use_locking=True, use_nesterov=True)
    opt.minimize(tf.reduce_sum(w * w))
    op = tf.get_default_graph().get_operation_by_name("Momentum/update_w/ApplyMomentum")
    assert op.attrs == {"use_locking": True, "use_nesterov": True}
    adam = tf.train.AdamOptimizer().minimize(tf.reduce_sum(w * w))
    assert adam.control_inputs[0].attrs == {"use_locking": False, "use_nesterov": False}


# -------------------------------------------------------------- bit for bit TF1's kernels

def test_every_update_is_tf1s_kernel_bit_for_bit():
    """Recorded from TF1: each optimizer's update of a float32 variable from fed gradients,
    three steps, variable and slots after each. Elementwise float32 math only, computed in
    TF's order: minigraph must give the same bits, not merely close numbers."""
    with np.load(os.path.join(HERE, "reference.npz"), allow_pickle=False) as z:
        ref = {k[len("train_fed_gradients/"):]: z[k] for k in z.files
               if k.startswith("train_fed_gradients/")}
    assert ref, "case train_fed_gradients missing from reference.npz"
    got = cases.collect(tf, cases.get_case("train_fed_gradients"), stored=ref)
    values = [k for k in ref if not k.startswith(("input/", "info/"))]
    assert len(values) == 20                 # 8 variables and their 12 slots
    for key in values:
        assert got[key].dtype == np.float32, key
        np.testing.assert_array_equal(got[key], ref[key], err_msg=key)


# -------------------------------------------------------------------------- as graph ops

def _adam_graph(shape=(2, 3)):
    var, m, v, grad = (a.astype(np.float32) for a in _arrays(shape, np.random.default_rng(6)))
    w = tf.Variable(var, name="w")
    m_slot = tf.Variable(m, name="w/m")
    v_slot = tf.Variable(v, name="w/v")
    g = tf.placeholder(tf.float32, shape=shape, name="g")
    f = lambda x: tf.constant(x, dtype=tf.float32)  # noqa: E731
    out = T.apply_adam(w, m_slot, v_slot, f(0.9), f(0.99), f(0.1), f(0.9), f(0.99), f(1e-8), g)
    return (w, m_slot, v_slot, g, out), (var, m, v, grad)


def test_an_update_writes_its_variable_and_slots_and_returns_the_new_value():
    (w, m, v, g, out), (var0, m0, v0, grad) = _adam_graph()
    op = out.op
    assert op.type == "ApplyAdam" and op.name == "ApplyAdam"
    assert [t.op.name for t in op.inputs[:3]] == ["w", "w/m", "w/v"]   # the variables
    assert written_variables(op) == [w.op, m.op, v.op]
    assert op in update_ops(tf.get_default_graph())
    assert out.shape == w.shape and out.dtype == tf.float32
    want = T.ApplyAdam.forward(var0, m0, v0, *[np.float32(x) for x in
                                                (0.9, 0.99, 0.1, 0.9, 0.99, 1e-8)], grad)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(w)
        md = tf.RunMetadata()
        new = sess.run(out, {g: grad}, options=tf.RunOptions(
            trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
        assert trace_of(md).variables_written == ["w", "w/m", "w/v"]
        np.testing.assert_array_equal(new, want[0])
        for variable, value in zip((w, m, v), want):
            np.testing.assert_array_equal(sess.run(variable), value)
        np.testing.assert_array_equal(before, var0)        # a value fetched earlier: kept
        new[...] = 0.0                                     # the fetched output is a copy
        np.testing.assert_array_equal(sess.run(w), want[0])
        # a second run starts from the new values
        again = sess.run(out, {g: grad})
        np.testing.assert_array_equal(
            again, T.ApplyAdam.forward(*want, *[np.float32(x) for x in
                                                (0.9, 0.99, 0.1, 0.9, 0.99, 1e-8)], grad)[0])


def test_a_read_in_the_same_run_sees_the_value_before_the_update():
    (w, m, v, g, out), (var0, _, _, grad) = _adam_graph()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for fetches in ([out, w.value()], [w.value(), out]):
            values = sess.run(fetches, {g: grad})
            read = values[1] if fetches[0] is out else values[0]
            new = values[0] if fetches[0] is out else values[1]
            assert not np.array_equal(read, new)
            sess.run(w.initializer)
        _, run = traced_run(sess, [out, w.value()], {g: grad}, keep_values=True)
        # the update stored a new array: the value the read took is still the old one
        np.testing.assert_array_equal(run.values["w/read:0"], var0)


def test_an_uninitialized_variable_or_slot_is_tf1s_failed_precondition():
    (w, m, v, g, out), (_, _, _, grad) = _adam_graph()
    with tf.Session() as sess:
        sess.run([w.initializer, m.initializer])
        with pytest.raises(errors.FailedPreconditionError,
                           match="Attempting to use uninitialized value w/v") as info:
            sess.run(out, {g: grad})
        assert info.value.op is v.op                         # the same error as AssignAdd's
        with pytest.raises(errors.FailedPreconditionError) as assign_add:
            sess.run(v.assign_add(np.ones((2, 3), np.float32)))
        assert str(assign_add.value).splitlines()[0] == str(info.value).splitlines()[0]
        # nothing was written: w and m are as initialized
        sess.run(v.initializer)
        sess.run(out, {g: grad})


def test_construction_errors_name_the_op_the_input_and_the_shapes():
    w = tf.Variable(np.zeros((2, 3), np.float32), name="w")
    acc = tf.Variable(np.ones((2, 3), np.float32), name="acc")
    lr = tf.constant(0.1)
    with pytest.raises(TypeError, match="Input 'var' of ApplyGradientDescent must be a "
                                        "variable.*w/read:0 from a Identity op"):
        T.apply_gradient_descent(w.value(), lr, tf.zeros((2, 3)))
    with pytest.raises(TypeError, match="Input 'lr' of ApplyAdagrad has type float64 that "
                                        "does not match type float32 .*variable 'w'"):
        T.apply_adagrad(w, acc, tf.constant(0.1, tf.float64), tf.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"ApplyAdagrad: 'grad' has shape \[3,2\] but 'var' "
                                         r"\(variable 'w'\) has shape \[2,3\]"):
        T.apply_adagrad(w, acc, lr, tf.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"(?s)ApplyMomentum: 'momentum' must be a scalar, "
                                         r"but has shape \[2\].*created at test_training_ops"):
        T.apply_momentum(w, acc, lr, tf.zeros((2, 3)), tf.constant([0.9, 0.9]))
    with pytest.raises(TypeError, match="ApplyGradientDescent updates floating point "
                                        "variables; variable 'n' is int32"):
        n = tf.Variable([1, 2], name="n")
        T.apply_gradient_descent(n, tf.constant(1), tf.constant([1, 1]))


def test_a_gradient_of_the_wrong_shape_at_run_time_is_an_invalid_argument():
    w = tf.Variable(np.zeros((2, 3), np.float32), name="w")
    acc = tf.Variable(np.ones((2, 3), np.float32), name="acc")
    g = tf.placeholder(tf.float32, shape=None, name="g")
    update = T.apply_adagrad(w, acc, tf.constant(0.1), g)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"ApplyAdagrad: var and grad do not have the same shape: "
                                 r"\[2, 3\] \[3\] \(variable w\)"):
            sess.run(update, {g: np.ones(3)})
        np.testing.assert_array_equal(sess.run(acc), np.ones((2, 3)))   # nothing written
        sess.run(update, {g: np.ones((2, 3))})
        np.testing.assert_array_equal(sess.run(acc), np.full((2, 3), 2.0))


@pytest.mark.parametrize("cls", [T.ApplyGradientDescent, T.ApplyMomentum, T.ApplyAdam,
                                 T.ApplyAdagrad, T.ApplyAdadelta, T.ApplyRMSProp,
                                 T.ApplyCenteredRMSProp])
def test_each_op_is_declared_an_update_of_its_variables(cls):
    assert cls.kind == "assign" and cls.writes_refs and cls.stateful
    assert not cls.differentiable and cls.gradient is None
    n_vars = {"ApplyGradientDescent": 1, "ApplyCenteredRMSProp": 4, "ApplyAdam": 3,
              "ApplyRMSProp": 3, "ApplyAdadelta": 3}.get(cls.type, 2)
    assert cls.ref_inputs == tuple(range(n_vars))              # the variable, then its slots
    assert cls.input_names[0] == "var"
    assert cls.input_names[-1] in ("grad", "delta") or cls.type == "ApplyMomentum"
    # what the stepper and the drawing show: the math at the top of the docstring
    math = T.update_math(cls)
    assert math and all("<-" in line for line in math.splitlines())
    assert math.splitlines()[-1].lstrip().startswith("var")


def test_no_gradient_flows_through_an_update():
    w = tf.Variable([1.0, 2.0])
    g = tf.placeholder(tf.float32, (2,))
    out = T.apply_gradient_descent(w, tf.constant(0.5), g)
    assert tf.gradients(tf.reduce_sum(out), [g]) == [None]


def test_a_traced_and_an_untraced_run_store_the_same_bits():
    results = []
    for trace in (False, True):
        with tf.Graph().as_default():
            (w, m, v, g, out), (_, _, _, grad) = _adam_graph()
            options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE) if trace else None
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(3):
                    sess.run(out.op, {g: grad}, options=options, run_metadata=tf.RunMetadata())
                results.append(sess.run([w, m, v]))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
