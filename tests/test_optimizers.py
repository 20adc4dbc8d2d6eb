"""tf.train optimizers: every update against TF1's equations written out in numpy.

Truth is TF1's documented update rules (training_ops.cc / the optimizers' docstrings) run
by hand in numpy on a tiny linear regression, step after step, comparing every variable and
every slot. TF1 turns Python hyperparameters into float32 tensors and casts them to the
variable's dtype, so the numpy reference rounds them through float32 the same way.
"""

import inspect

import numpy as np
import pytest

import minigraph as tf
from minigraph import errors
from minigraph.lint import DeadUpdateWarning
from minigraph.trace import of as trace_of


STEPS = 6
RNG = np.random.default_rng(7)
X = RNG.normal(size=(8, 3))
Y = X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * RNG.normal(size=(8, 1))
W0 = np.array([[0.1], [0.2], [-0.3]])
B0 = np.array([0.05])


def hyper(value, dtype):
    """A Python hyperparameter as TF1 sees it: a float32 tensor cast to the var's dtype."""
    return dtype(np.float32(value))


def np_grads(w, b):
    """d/dw, d/db of mean((X w + b - Y)^2)."""
    x = X.astype(w.dtype)
    y = Y.astype(w.dtype)
    r = x @ w + b - y
    n = w.dtype.type(len(x))
    return [2 * x.T @ r / n, 2 * np.sum(r, axis=0) / n]


# ------------------------------------------------------------- numpy references (TF1)

class RefGD:
    slots = []

    def __init__(self, dtype, lr):
        self.lr = hyper(lr, dtype)

    def init(self, var):
        return {}

    def step(self, var, g, s, t):
        return var - self.lr * g


class RefMomentum:
    slots = ["momentum"]

    def __init__(self, dtype, lr, momentum, use_nesterov=False):
        self.lr, self.mu, self.nesterov = hyper(lr, dtype), hyper(momentum, dtype), use_nesterov

    def init(self, var):
        return {"momentum": np.zeros_like(var)}

    def step(self, var, g, s, t):
        s["momentum"] = s["momentum"] * self.mu + g          # accum = accum * mu + grad
        if self.nesterov:
            return var - (g * self.lr + s["momentum"] * self.mu * self.lr)
        return var - self.lr * s["momentum"]


class RefAdam:
    slots = ["m", "v"]

    def __init__(self, dtype, lr=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.dtype = dtype
        self.lr, self.b1, self.b2 = hyper(lr, dtype), hyper(beta1, dtype), hyper(beta2, dtype)
        self.eps = hyper(epsilon, dtype)
        # beta1_power / beta2_power are float32 variables in TF1, multiplied in float32
        self.b1_f32, self.b2_f32 = np.float32(beta1), np.float32(beta2)
        self.powers = [np.float32(beta1), np.float32(beta2)]

    def init(self, var):
        return {"m": np.zeros_like(var), "v": np.zeros_like(var)}

    def step(self, var, g, s, t):
        b1p, b2p = (self.dtype(p) for p in self.powers)
        lr_t = self.lr * np.sqrt(1 - b2p) / (1 - b1p)
        s["m"] = self.b1 * s["m"] + (1 - self.b1) * g
        s["v"] = self.b2 * s["v"] + (1 - self.b2) * g * g
        return var - lr_t * s["m"] / (np.sqrt(s["v"]) + self.eps)

    def end_step(self):
        self.powers = [np.float32(self.powers[0] * self.b1_f32),
                       np.float32(self.powers[1] * self.b2_f32)]


class RefRMSProp:
    def __init__(self, dtype, lr, decay=0.9, momentum=0.0, epsilon=1e-10, centered=False):
        self.lr, self.rho = hyper(lr, dtype), hyper(decay, dtype)
        self.mu, self.eps = hyper(momentum, dtype), hyper(epsilon, dtype)
        self.centered = centered
        self.slots = ["rms", "momentum"] + (["mg"] if centered else [])

    def init(self, var):
        s = {"rms": np.ones_like(var), "momentum": np.zeros_like(var)}   # ms starts at ONES
        if self.centered:
            s["mg"] = np.zeros_like(var)
        return s

    def step(self, var, g, s, t):
        s["rms"] = self.rho * s["rms"] + (1 - self.rho) * g * g
        denom = s["rms"] + self.eps                                         # eps inside sqrt
        if self.centered:
            s["mg"] = self.rho * s["mg"] + (1 - self.rho) * g
            denom = s["rms"] - s["mg"] * s["mg"] + self.eps
        s["momentum"] = self.mu * s["momentum"] + self.lr * g / np.sqrt(denom)
        return var - s["momentum"]


class RefAdagrad:
    slots = ["accumulator"]

    def __init__(self, dtype, lr, initial_accumulator_value=0.1):
        self.lr = hyper(lr, dtype)
        # the slot is built by constant_initializer(value, dtype): no float32 rounding
        self.init_value = dtype(initial_accumulator_value)

    def init(self, var):
        return {"accumulator": np.full_like(var, self.init_value)}

    def step(self, var, g, s, t):
        s["accumulator"] = s["accumulator"] + g * g
        return var - self.lr * g / np.sqrt(s["accumulator"])


class RefAdadelta:
    slots = ["accum", "accum_update"]

    def __init__(self, dtype, lr=0.001, rho=0.95, epsilon=1e-8):
        self.lr, self.rho, self.eps = hyper(lr, dtype), hyper(rho, dtype), hyper(epsilon, dtype)

    def init(self, var):
        return {"accum": np.zeros_like(var), "accum_update": np.zeros_like(var)}

    def step(self, var, g, s, t):
        s["accum"] = self.rho * s["accum"] + (1 - self.rho) * g * g
        update = np.sqrt(s["accum_update"] + self.eps) / np.sqrt(s["accum"] + self.eps) * g
        s["accum_update"] = self.rho * s["accum_update"] + (1 - self.rho) * update * update
        return var - self.lr * update


CASES = {
    "gd": (lambda: tf.train.GradientDescentOptimizer(0.1),
           lambda dt: RefGD(dt, 0.1)),
    "momentum": (lambda: tf.train.MomentumOptimizer(0.05, 0.9),
                 lambda dt: RefMomentum(dt, 0.05, 0.9)),
    "nesterov": (lambda: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
                 lambda dt: RefMomentum(dt, 0.05, 0.9, use_nesterov=True)),
    "adam": (lambda: tf.train.AdamOptimizer(0.1),
             lambda dt: RefAdam(dt, 0.1)),
    "adam_defaults": (lambda: tf.train.AdamOptimizer(),
                      lambda dt: RefAdam(dt)),
    "adam_tuned": (lambda: tf.train.AdamOptimizer(0.05, beta1=0.8, beta2=0.99, epsilon=1e-3),
                   lambda dt: RefAdam(dt, 0.05, 0.8, 0.99, 1e-3)),
    "rmsprop": (lambda: tf.train.RMSPropOptimizer(0.01),
                lambda dt: RefRMSProp(dt, 0.01)),
    "rmsprop_momentum": (lambda: tf.train.RMSPropOptimizer(0.01, decay=0.8, momentum=0.5,
                                                           epsilon=1e-6),
                         lambda dt: RefRMSProp(dt, 0.01, 0.8, 0.5, 1e-6)),
    "rmsprop_centered": (lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.3, centered=True),
                         lambda dt: RefRMSProp(dt, 0.01, momentum=0.3, centered=True)),
    "adagrad": (lambda: tf.train.AdagradOptimizer(0.3),
                lambda dt: RefAdagrad(dt, 0.3)),
    "adagrad_init": (lambda: tf.train.AdagradOptimizer(0.3, initial_accumulator_value=0.5),
                     lambda dt: RefAdagrad(dt, 0.3, 0.5)),
    "adadelta": (lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-4),
                 lambda dt: RefAdadelta(dt, 1.0, 0.9, 1e-4)),
    "adadelta_defaults": (lambda: tf.train.AdadeltaOptimizer(),
                          lambda dt: RefAdadelta(dt)),
}

TOL = {np.float64: dict(rtol=1e-12, atol=1e-14), np.float32: dict(rtol=2e-5, atol=1e-6)}


def regression(dtype, w_constraint=None):
    x = tf.placeholder(tf.as_dtype(dtype), shape=(None, 3), name="x")
    y = tf.placeholder(tf.as_dtype(dtype), shape=(None, 1), name="y")
    w = tf.Variable(W0.astype(dtype), name="w", constraint=w_constraint)
    b = tf.Variable(B0.astype(dtype), name="b")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    feed = {x: X.astype(dtype), y: Y.astype(dtype)}
    return w, b, loss, feed


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_updates_follow_tf1_equations_step_by_step(case, dtype):
    make_opt, make_ref = CASES[case]
    w, b, loss, feed = regression(dtype)
    opt = make_opt()
    train_op = opt.minimize(loss)
    ref = make_ref(dtype)
    params = [W0.astype(dtype), B0.astype(dtype)]
    slots = [ref.init(p) for p in params]
    assert sorted(opt.get_slot_names()) == sorted(ref.slots)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(1, STEPS + 1):
            loss_before, _ = sess.run([loss, train_op], feed)
            grads = np_grads(*params)
            # the loss fetched with the train op is the loss BEFORE the step
            r = X.astype(dtype) @ params[0] + params[1] - Y.astype(dtype)
            np.testing.assert_allclose(loss_before, np.mean(r * r), **TOL[dtype])
            params = [ref.step(p, g, s, t) for p, g, s in zip(params, grads, slots)]
            if hasattr(ref, "end_step"):
                ref.end_step()
            for var, p, s in zip([w, b], params, slots):
                np.testing.assert_allclose(sess.run(var), p, **TOL[dtype],
                                           err_msg="%s after step %d" % (var.name, t))
                assert sess.run(var).dtype == dtype
                for name, value in s.items():
                    np.testing.assert_allclose(sess.run(opt.get_slot(var, name)), value,
                                               **TOL[dtype],
                                               err_msg="slot %s of %s after step %d"
                                               % (name, var.name, t))
            if isinstance(ref, RefAdam):
                b1p, b2p = opt._get_beta_accumulators()
                assert sess.run(b1p) == ref.powers[0] and sess.run(b2p) == ref.powers[1]
        # and it learned something
        assert sess.run(loss, feed) < np.mean((X @ W0 + B0 - Y) ** 2)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_constraint_projects_the_variable_right_after_each_update(case):
    """TF1's optimizers assign ``var.constraint(var)`` after the update (the updated value,
    not the value the step started from); the slots follow the unprojected rule."""
    make_opt, make_ref = CASES[case]
    dtype = np.float64
    limit = 0.15                              # W0 = (0.1, 0.2, -0.3): binds from step 1 on
    w, b, loss, feed = regression(dtype, lambda v: tf.clip_by_value(v, -limit, limit))
    train_op = make_opt().minimize(loss)
    ref = make_ref(dtype)
    params = [W0.astype(dtype), B0.astype(dtype)]
    slots = [ref.init(p) for p in params]
    clipped = 0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(1, STEPS + 1):
            sess.run(train_op, feed)
            grads = np_grads(*params)
            params = [ref.step(p, g, s, t) for p, g, s in zip(params, grads, slots)]
            clipped += int((np.abs(params[0]) > limit).sum())
            params[0] = np.clip(params[0], -limit, limit)
            if hasattr(ref, "end_step"):
                ref.end_step()
            np.testing.assert_allclose(sess.run(w), params[0], **TOL[dtype],
                                       err_msg="w after step %d" % t)
            np.testing.assert_allclose(sess.run(b), params[1], **TOL[dtype],
                                       err_msg="b after step %d" % t)
        assert clipped > 0                              # the constraint did bind
        # an assign of one's own is not projected
        w_now = sess.run(w)
        assert np.abs(w_now * 10.0).max() > limit
        np.testing.assert_array_equal(sess.run(w.assign(w * 10.0)), w_now * 10.0)


def test_a_constraint_must_be_callable_and_is_kept_by_get_variable_and_layers():
    with pytest.raises(ValueError, match="The `constraint` argument must be a callable"):
        tf.Variable([1.0], constraint=0.5)
    with pytest.raises(TypeError, match="unexpected keyword argument.*: constraints"):
        tf.Variable([1.0], constraints=abs)        # misspelt: not silently dropped
    tf.Variable([1.0], caching_device="/cpu:0", use_resource=False)   # TF1's, no effect here
    project = lambda v: tf.maximum(v, 0.0)  # noqa: E731
    v = tf.get_variable("v", [2], constraint=project)
    assert v.constraint is project and tf.Variable([1.0]).constraint is None
    with tf.variable_scope("", reuse=True):
        assert tf.get_variable("v", [2], constraint=None).constraint is project
    x = tf.placeholder(tf.float32, (None, 4, 4, 1))
    conv = tf.layers.Conv2D(2, 3, kernel_constraint=project, bias_constraint=project)
    dense = tf.layers.Dense(3, kernel_constraint=project)
    dense(tf.layers.flatten(conv(x)))
    assert conv.kernel.constraint is conv.bias.constraint is dense.kernel.constraint is project
    assert dense.bias.constraint is None


def test_a_constraint_with_an_update_that_is_not_the_variables_assign_is_refused():
    class Grouped(tf.train.GradientDescentOptimizer):
        def _apply_dense(self, grad, var):
            return tf.group(super()._apply_dense(grad, var), name="grouped")
    w = tf.Variable([1.0, 2.0], name="w", constraint=lambda v: tf.clip_by_value(v, 0.0, 1.0))
    with pytest.raises(NotImplementedError,
                       match=r"Grouped._apply_dense returned .*grouped, not an update of w"):
        Grouped(0.1).minimize(tf.reduce_sum(w * w))


# ------------------------------------------------------------------- TF1's API

def _params(cls):
    return [(p.name, p.default) for p in inspect.signature(cls).parameters.values()]


E = inspect.Parameter.empty


def test_constructor_signatures_and_defaults_match_tf1():
    assert _params(tf.train.GradientDescentOptimizer) == [
        ("learning_rate", E), ("use_locking", False), ("name", "GradientDescent")]
    assert _params(tf.train.MomentumOptimizer) == [
        ("learning_rate", E), ("momentum", E), ("use_locking", False), ("name", "Momentum"),
        ("use_nesterov", False)]
    assert _params(tf.train.AdamOptimizer) == [
        ("learning_rate", 0.001), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-08),
        ("use_locking", False), ("name", "Adam")]
    assert _params(tf.train.RMSPropOptimizer) == [
        ("learning_rate", E), ("decay", 0.9), ("momentum", 0.0), ("epsilon", 1e-10),
        ("use_locking", False), ("centered", False), ("name", "RMSProp")]
    assert _params(tf.train.AdagradOptimizer) == [
        ("learning_rate", E), ("initial_accumulator_value", 0.1), ("use_locking", False),
        ("name", "Adagrad")]
    assert _params(tf.train.AdadeltaOptimizer) == [
        ("learning_rate", 0.001), ("rho", 0.95), ("epsilon", 1e-08), ("use_locking", False),
        ("name", "Adadelta")]
    opt = tf.train.GradientDescentOptimizer(0.1)
    minimize = [p.name for p in inspect.signature(opt.minimize).parameters.values()]
    assert minimize[:3] == ["loss", "global_step", "var_list"] and "name" in minimize
    assert [p.name for p in inspect.signature(opt.apply_gradients).parameters.values()] == \
        ["grads_and_vars", "global_step", "name"]
    assert [p.name for p in inspect.signature(opt.compute_gradients).parameters.values()][:2] \
        == ["loss", "var_list"]


SLOT_NAMES = [
    (lambda: tf.train.AdamOptimizer(), {"m": "Variable/Adam", "v": "Variable/Adam_1"}),
    (lambda: tf.train.MomentumOptimizer(0.1, 0.9), {"momentum": "Variable/Momentum"}),
    (lambda: tf.train.RMSPropOptimizer(0.1),
     {"rms": "Variable/RMSProp", "momentum": "Variable/RMSProp_1"}),
    (lambda: tf.train.RMSPropOptimizer(0.1, centered=True),
     {"rms": "Variable/RMSProp", "mg": "Variable/RMSProp_1", "momentum": "Variable/RMSProp_2"}),
    (lambda: tf.train.AdagradOptimizer(0.1), {"accumulator": "Variable/Adagrad"}),
    (lambda: tf.train.AdadeltaOptimizer(),
     {"accum": "Variable/Adadelta", "accum_update": "Variable/Adadelta_1"}),
    (lambda: tf.train.GradientDescentOptimizer(0.1), {}),
]


@pytest.mark.parametrize("make_opt, expected", SLOT_NAMES)
def test_slot_variables_are_named_as_tf_names_them(make_opt, expected):
    w = tf.Variable([1.0, -2.0])
    opt = make_opt()
    opt.minimize(tf.reduce_sum(w * w))
    assert opt.get_slot_names() == sorted(expected)
    for slot_name, op_name in expected.items():
        slot = opt.get_slot(w, slot_name)
        assert slot.op.name == op_name
        assert opt.get_slot(w.op.outputs[0], slot_name) is slot  # by the variable itself too
        assert not slot.trainable
        assert slot in tf.global_variables() and slot not in tf.trainable_variables()
        assert slot.shape == w.shape and slot.dtype == w.dtype
    assert opt.get_slot(w, "no such slot") is None
    assert tf.trainable_variables() == [w]


def test_slot_initial_values():
    w = tf.Variable(np.zeros((2, 3)))
    rms, ada, mom = (tf.train.RMSPropOptimizer(0.1), tf.train.AdagradOptimizer(0.1, 0.25),
                     tf.train.MomentumOptimizer(0.1, 0.9))
    for opt in (rms, ada, mom):
        opt.minimize(tf.reduce_sum(w * w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(rms.get_slot(w, "rms")), np.ones((2, 3)))
        np.testing.assert_array_equal(sess.run(rms.get_slot(w, "momentum")), np.zeros((2, 3)))
        np.testing.assert_array_equal(sess.run(ada.get_slot(w, "accumulator")),
                                      np.full((2, 3), 0.25))
        np.testing.assert_array_equal(sess.run(mom.get_slot(w, "momentum")), np.zeros((2, 3)))


def test_adam_keeps_beta_powers_as_non_slot_float32_variables():
    w = tf.Variable(np.array([1.0, 2.0]))          # float64: the powers stay float32
    opt = tf.train.AdamOptimizer(0.1, beta1=0.8, beta2=0.95)
    train_op = opt.minimize(tf.reduce_sum(w * w))
    b1p, b2p = opt._get_beta_accumulators()
    assert (b1p.op.name, b2p.op.name) == ("beta1_power", "beta2_power")
    assert b1p.dtype == tf.float32 and not b1p.trainable and b1p in tf.global_variables()
    assert [v.op.name for v in opt.variables()] == [
        "Variable/Adam", "Variable/Adam_1", "beta1_power", "beta2_power"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        p1, p2 = np.float32(0.8), np.float32(0.95)
        for _ in range(4):
            assert sess.run([b1p, b2p]) == [p1, p2]
            sess.run(train_op)
            p1, p2 = np.float32(p1 * np.float32(0.8)), np.float32(p2 * np.float32(0.95))
    # a second minimize reuses the slots and the powers: no new variables
    n = len(tf.global_variables())
    opt.minimize(tf.reduce_sum(w * w))
    assert len(tf.global_variables()) == n


def test_minimize_returns_one_op_named_after_the_optimizer():
    w = tf.Variable([1.0, 2.0])
    b = tf.Variable(0.5)
    loss = tf.reduce_sum(w * w) + b * b
    for opt, name in [(tf.train.GradientDescentOptimizer(0.1), "GradientDescent"),
                      (tf.train.MomentumOptimizer(0.1, 0.9), "Momentum"),
                      (tf.train.AdamOptimizer(), "Adam"),
                      (tf.train.RMSPropOptimizer(0.1), "RMSProp"),
                      (tf.train.AdagradOptimizer(0.1), "Adagrad"),
                      (tf.train.AdadeltaOptimizer(), "Adadelta")]:
        train_op = opt.minimize(loss)
        assert isinstance(train_op, tf.Operation)
        assert train_op.name == name
        assert train_op in tf.get_collection(tf.GraphKeys.TRAIN_OP)
    named = tf.train.GradientDescentOptimizer(0.1).minimize(loss, name="train")
    assert named.name == "train"
    again = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    assert again.name == "GradientDescent_1"
    # the updates live under the optimizer's scope, one sub-scope per variable: ONE fused
    # op per variable, as TF1 builds them
    ops = {op.name: op.type for op in tf.get_default_graph().get_operations()}
    assert ops["GradientDescent/update_Variable/ApplyGradientDescent"] == "ApplyGradientDescent"
    assert ops["GradientDescent/update_Variable_1/ApplyGradientDescent"] == \
        "ApplyGradientDescent"
    for opt, fused in [("Momentum", "ApplyMomentum"), ("Adam", "ApplyAdam"),
                       ("RMSProp", "ApplyRMSProp"), ("Adagrad", "ApplyAdagrad"),
                       ("Adadelta", "ApplyAdadelta")]:
        assert [n for n in ops if n.startswith(opt + "/update_Variable/")] == \
            ["%s/update_Variable/%s" % (opt, fused)]


def test_the_train_op_is_made_of_graph_ops_that_a_run_executes():
    w = tf.Variable([1.0, 2.0], name="w")
    loss = tf.reduce_sum(w * w)
    train_op = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        md = tf.RunMetadata()
        sess.run(train_op, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                 run_metadata=md)
        executed = [op.name for op in trace_of(md).executed]
        assert "GradientDescent/update_w/ApplyGradientDescent" in executed
        assert executed[-1] == "GradientDescent"
        assert any(op.gradient_of is not None for op in trace_of(md).executed)
        np.testing.assert_allclose(sess.run(w), [0.5, 1.0])   # w - 0.25 * 2w


# ------------------------------------------------------------------- global step

def test_global_step_is_an_int64_variable_in_its_collections():
    assert tf.train.get_global_step() is None
    step = tf.train.get_or_create_global_step()
    assert step.op.name == "global_step" and step.dtype == tf.int64 and step.shape == ()
    assert not step.trainable
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP) == [step]
    assert step in tf.global_variables() and step not in tf.trainable_variables()
    assert tf.train.get_global_step() is step
    assert tf.train.get_or_create_global_step() is step
    with pytest.raises(ValueError, match="global_step.* already exists"):
        tf.train.create_global_step()


def test_global_step_is_created_at_the_root_of_the_names():
    with tf.name_scope("model"):
        step = tf.train.create_global_step()
    assert step.op.name == "global_step"


def test_global_step_increments_by_one_per_run_after_the_updates():
    w = tf.Variable([3.0])
    step = tf.train.get_or_create_global_step()
    train_op = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(w * w), global_step=step)
    assert train_op.name == "Adam" and train_op.type == "AssignAdd"
    # TF1: the increment adds the constant Adam/value, which waits, by a control dependency,
    # for the grouped updates
    one = train_op.inputs[1].op
    assert one.name == "Adam/value" and one.type == "Const"
    assert [op.name for op in one.control_inputs] == ["Adam/update"]
    assert list(train_op.control_inputs) == []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(step) == 0
        for i in range(1, 6):
            sess.run(train_op)
            assert sess.run(step) == i
            assert tf.train.global_step(sess, step) == i
        sess.run(w)                                  # reading anything else: no increment
        assert sess.run(step) == 5


# ------------------------------------------------------------- what gets updated

def test_var_list_restricts_the_update():
    w = tf.Variable([1.0, 2.0])
    b = tf.Variable(3.0)
    loss = tf.reduce_sum(w * w) + b * b
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    train_op = opt.minimize(loss, var_list=[w])
    assert opt.get_slot(b, "momentum") is None and opt.get_slot(w, "momentum") is not None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train_op)
        assert sess.run(b) == 3.0
        assert np.all(np.abs(sess.run(w)) < [1.0, 2.0])


def test_variables_without_a_gradient_are_skipped():
    w = tf.Variable([1.0, 2.0])
    unused = tf.Variable(7.0)
    opt = tf.train.AdamOptimizer(0.1)
    grads_and_vars = opt.compute_gradients(tf.reduce_sum(w * w))
    assert [v for _, v in grads_and_vars] == [w, unused]
    assert grads_and_vars[1][0] is None and grads_and_vars[0][0] is not None
    train_op = opt.apply_gradients(grads_and_vars)
    assert opt.get_slot(unused, "m") is None
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert not any("update_Variable_1" in n for n in names)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op)
        assert sess.run(unused) == 7.0


def test_apply_gradients_takes_gradients_the_user_changed():
    w = tf.Variable([1.0, -4.0])
    opt = tf.train.GradientDescentOptimizer(1.0)
    (g, v), = opt.compute_gradients(tf.reduce_sum(w * w))
    train_op = opt.apply_gradients([(tf.clip_by_value(g, -1.0, 1.0), v)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op)
        np.testing.assert_allclose(sess.run(w), [0.0, -3.0])


def test_fed_gradients_can_be_applied():
    w = tf.Variable([1.0, 2.0])
    g = tf.placeholder(tf.float32, (2,))
    train_op = tf.train.GradientDescentOptimizer(0.5).apply_gradients([(g, w)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op, {g: [2.0, -2.0]})
        np.testing.assert_allclose(sess.run(w), [0.0, 3.0])


def test_learning_rate_can_be_a_placeholder():
    w = tf.Variable([1.0])
    lr = tf.placeholder(tf.float32, ())
    train_op = tf.train.GradientDescentOptimizer(lr).minimize(tf.reduce_sum(w * w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op, {lr: 0.25})                     # w -= 0.25 * 2w
        np.testing.assert_allclose(sess.run(w), [0.5])
        sess.run(train_op, {lr: 0.0})
        np.testing.assert_allclose(sess.run(w), [0.5])


def test_every_gradient_is_computed_before_any_variable_moves():
    # loss = sum(w1 * w2): d/dw1 = w2, d/dw2 = w1, both at the OLD values
    w1 = tf.Variable([1.0, 2.0])
    w2 = tf.Variable([3.0, -1.0])
    loss = tf.reduce_sum(w1 * w2)
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op)
        np.testing.assert_allclose(sess.run(w1), [1.0 - 0.1 * 3.0, 2.0 + 0.1])
        np.testing.assert_allclose(sess.run(w2), [3.0 - 0.1 * 1.0, -1.0 - 0.1 * 2.0])


@pytest.mark.parametrize("order", ["train_first", "loss_first"])
def test_loss_fetched_with_the_train_op_is_the_loss_before_the_step(order):
    w = tf.Variable([1.0, 2.0])
    loss = tf.reduce_sum(w)          # its gradient (ones) does not need w's value
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for expected in [3.0, 2.0, 1.0]:
            if order == "train_first":
                _, value = sess.run([train_op, loss])
            else:
                value, _ = sess.run([loss, train_op])
            assert value == expected


def test_slots_do_not_inherit_the_callers_control_dependencies():
    # the batch-norm pattern: with control_dependencies(UPDATE_OPS): minimize(...)
    w = tf.Variable([1.0, 2.0])
    counter = tf.Variable(0.0, trainable=False)
    bump = counter.assign_add(1.0)
    with tf.control_dependencies([bump]):
        train_op = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(w * w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(counter) == 0.0                  # initializing ran no update
        sess.run(train_op)
        assert sess.run(counter) == 1.0                  # training ran it


def test_an_initializer_built_before_minimize_misses_the_slots():
    w = tf.Variable([1.0, 2.0])
    init_too_early = tf.global_variables_initializer()
    train_op = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(w * w))
    with tf.Session() as sess:
        sess.run(init_too_early)
        with pytest.raises(errors.FailedPreconditionError, match="Variable/Adam|beta"):
            sess.run(train_op)
        sess.run(tf.global_variables_initializer())       # built after minimize: complete
        sess.run(train_op)


# --------------------------------------------------------------------- errors

def test_no_variables_to_optimize():
    x = tf.placeholder(tf.float32, (3,))
    with pytest.raises(ValueError, match=r"^No variables to optimize\.$"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(x * x))


def test_a_loss_that_is_not_floating_point_is_refused():
    w = tf.Variable([1.0, 2.0])
    int_loss = tf.reduce_sum(tf.cast(w, tf.int32), name="int_loss")
    with pytest.raises(ValueError, match=r"int32.*int_loss:0|int_loss:0.*int32"):
        tf.train.AdamOptimizer().minimize(int_loss)


def test_no_gradient_path_to_any_variable():
    tf.Variable([1.0, 2.0], name="w")             # a variable the loss does not use
    x = tf.placeholder(tf.float32, (2,))
    loss = tf.reduce_sum(x * x, name="data_only")
    with pytest.raises(ValueError) as info:
        tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    msg = str(info.value)
    assert msg.startswith("No gradients provided for any variable, check your graph for ops "
                          "that do not support gradients, between variables [")
    assert "'w:0'" in msg and 'loss Tensor("data_only:0"' in msg


def test_apply_gradients_with_only_none_gradients():
    w = tf.Variable([1.0])
    opt = tf.train.GradientDescentOptimizer(0.1)
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply_gradients([(None, w)])
    with pytest.raises(ValueError, match="No variables provided"):
        opt.apply_gradients([])


def test_only_variables_can_be_optimized():
    w = tf.Variable([1.0])
    t = w * 2.0
    with pytest.raises(TypeError, match="optimize"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(t), var_list=[t])


# ----------------------------------------------- the lecture: "doesn't learn", then learns

N, D, H = 64, 1000, 100


def _two_layer_net(data, use_optimizer, mse=False):
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.Variable(data["w1"])
    w2 = tf.Variable(data["w2"])
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    if mse:
        loss = tf.losses.mean_squared_error(y_pred, y)
    else:
        diff = y_pred - y
        loss = tf.reduce_mean(tf.reduce_sum(diff ** 2, axis=1))
    if use_optimizer:
        optimizer = tf.train.GradientDescentOptimizer(1e-5)
        updates = optimizer.minimize(loss)
    else:
        grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
        new_w1 = w1.assign(w1 - 1e-5 * grad_w1)
        new_w2 = w2.assign(w2 - 1e-5 * grad_w2)
        updates = tf.group(new_w1, new_w2)
    return x, y, w1, w2, loss, updates


def _lecture_data():
    rng = np.random.default_rng(0)
    return {"x": rng.normal(size=(N, D)), "y": rng.normal(size=(N, D)),
            "w1": rng.normal(size=(D, H)).astype(np.float32),
            "w2": rng.normal(size=(H, D)).astype(np.float32)}


def _losses(data, use_optimizer, steps=50, mse=False):
    with tf.Graph().as_default():
        x, y, w1, w2, loss, updates = _two_layer_net(data, use_optimizer, mse)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = {x: data["x"], y: data["y"]}
            out = []
            for _ in range(steps):
                loss_val, _ = sess.run([loss, updates], feed_dict=values)
                out.append(loss_val)
            return np.array(out)


def test_fetching_only_the_loss_does_not_learn():
    data = _lecture_data()
    x, y, w1, w2, loss, updates = _two_layer_net(data, use_optimizer=True)
    values = {x: data["x"], y: data["y"]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.warns(DeadUpdateWarning):
            losses = [sess.run(loss, feed_dict=values) for _ in range(5)]
        assert len(set(losses)) == 1
        np.testing.assert_array_equal(sess.run(w1), data["w1"])
        np.testing.assert_array_equal(sess.run(w2), data["w2"])
        sess.run(updates, feed_dict=values)                     # fetch the train op: it moves
        assert not np.array_equal(sess.run(w1), data["w1"])
        assert sess.run(loss, feed_dict=values) < losses[0]


def test_the_lecture_switch_to_minimize_learns_exactly_like_the_assigns():
    data = _lecture_data()
    by_hand = _losses(data, use_optimizer=False)
    with_optimizer = _losses(data, use_optimizer=True)
    assert with_optimizer[-1] < 0.5 * with_optimizer[0]
    assert np.all(np.diff(with_optimizer) < 0)
    # w.assign(w - lr * g) and the optimizer's w.assign_sub(lr * g) are the same float32 math
    np.testing.assert_array_equal(with_optimizer, by_hand)


def test_the_lecture_with_tf_losses_learns():
    losses = _losses(_lecture_data(), use_optimizer=True, steps=20, mse=True)
    assert losses.dtype == np.float32
    assert np.all(np.diff(losses) < 0)
