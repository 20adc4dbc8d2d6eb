"""tf.gradients semantics: gradients are graph nodes, fan-out sums, unconnected inputs give
None, stop_gradient, integer paths, higher order, uneven diamonds, very long chains,
grad_ys and Variables. Truth: closed-form derivatives evaluated in numpy.
"""

import numpy as np
import pytest

import minigraph as tf
from minigraph import testing


X = np.array([-1.5, 0.5, 2.0], np.float32)


def run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def test_gradients_are_graph_nodes_under_the_gradients_scope():
    x = tf.placeholder(tf.float32, (3,), name="x")
    y = x * x + x
    g = tf.get_default_graph()
    forward = set(g.get_operations())
    grad, = tf.gradients(y, x)
    added = [op for op in g.get_operations() if op not in forward]
    assert added, "tf.gradients added no ops"
    for op in added:
        assert op.name.startswith("gradients/"), op.name
        assert op.gradient_of is not None, op.name
        assert op.gradient_of in forward, (op.name, op.gradient_of)
    assert grad.op in added
    for op in forward:
        assert op.gradient_of is None
    # the ops that differentiate the Mul say so
    mul = [op for op in forward if op.type == "Mul"][0]
    assert any(op.gradient_of is mul for op in added)
    # a second call opens gradients_1
    before = set(g.get_operations())
    grad2, = tf.gradients(y, x)
    added2 = [op for op in g.get_operations() if op not in before]
    assert added2 and all(op.name.startswith("gradients_1/") for op in added2)
    # the gradient is fetchable like any tensor
    np.testing.assert_allclose(run(grad2, {x: X}), 2 * X + 1, rtol=1e-6)


def test_fan_out_sums():
    x = tf.placeholder(tf.float32, (3,), name="x")
    y = x * x + x                                  # dy/dx = 2x + 1
    grad, = tf.gradients(y, x)
    assert grad.shape.as_list() == [3]
    np.testing.assert_allclose(run(grad, {x: X}), 2 * X + 1, rtol=1e-6)
    z = x + x + x + x                              # four uses of x
    gz, = tf.gradients(z, x)
    np.testing.assert_array_equal(run(gz, {x: X}), np.full(3, 4.0, np.float32))


def test_several_ys_are_summed():
    x = tf.placeholder(tf.float32, (3,), name="x")
    g, = tf.gradients([x * 2.0, x * x], x)         # d(2x + x^2)/dx = 2 + 2x
    np.testing.assert_allclose(run(g, {x: X}), 2 + 2 * X, rtol=1e-6)


def test_unconnected_x_gives_none():
    x = tf.placeholder(tf.float32, (3,), name="x")
    z = tf.placeholder(tf.float32, (3,), name="z")
    y = tf.reduce_sum(x * 3.0)
    gx, gz = tf.gradients(y, [x, z])
    assert gz is None
    np.testing.assert_array_equal(run(gx, {x: X}), np.full(3, 3.0, np.float32))
    # a y that does not depend on x at all
    assert tf.gradients(tf.reduce_sum(z), x) == [None]


def test_stop_gradient_blocks():
    x = tf.placeholder(tf.float32, (3,), name="x")
    y = tf.stop_gradient(x * x) + x * 5.0          # d/dx = 5
    g, = tf.gradients(y, x)
    np.testing.assert_array_equal(run(g, {x: X}), np.full(3, 5.0, np.float32))
    only_stopped = tf.stop_gradient(x) * 2.0
    assert tf.gradients(only_stopped, x) == [None]
    # stop_gradients= argument of tf.gradients
    a = x * x
    b = a * 3.0
    g2, = tf.gradients(b, x, stop_gradients=[a])
    assert g2 is None


def test_integer_paths_give_none():
    i = tf.placeholder(tf.int32, (3,), name="i")
    x = tf.placeholder(tf.float32, (3,), name="x")
    y = tf.cast(i, tf.float32) * x
    gi, gx = tf.gradients(y, [i, x])
    assert gi is None
    np.testing.assert_array_equal(run(gx, {i: [1, 2, 3], x: X}), [1.0, 2.0, 3.0])
    # argmax is not differentiable: a path through it carries no gradient
    am = tf.cast(tf.argmax(x, axis=0), tf.float32)
    assert tf.gradients(am, x) == [None]


def test_second_order():
    x = tf.placeholder(tf.float32, (3,), name="x")
    y = x ** 3
    d1, = tf.gradients(y, x)
    d2, = tf.gradients(d1, x)
    assert d2 is not None
    v1, v2 = run([d1, d2], {x: X})
    np.testing.assert_allclose(v1, 3 * X ** 2, rtol=1e-5)
    np.testing.assert_allclose(v2, 6 * X, rtol=1e-5)
    d3, = tf.gradients(d2, x)
    np.testing.assert_allclose(run(d3, {x: X}), np.full(3, 6.0), rtol=1e-5)
    # the second-order ops are gradients of gradient ops
    assert d2.op.gradient_of is not None


def test_uneven_diamond():
    # x -> a -> b -> c, and a also feeds c directly: a's gradient must be complete (both
    # paths summed) before it flows to x. A breadth-first walk gets this wrong.
    x = tf.placeholder(tf.float32, (3,), name="x")
    a = x * 2.0
    b = a * 3.0
    c = b * a + a                                  # = 12x^2 + 2x -> dc/dx = 24x + 2
    g, = tf.gradients(c, x)
    np.testing.assert_allclose(run(g, {x: X}), 24 * X + 2, rtol=1e-6)


def test_uneven_diamond_with_long_and_short_branch():
    x = tf.placeholder(tf.float32, (3,), name="x")
    a = x * 1.5
    long = a
    for _ in range(5):
        long = long * 2.0                          # 32 a
    y = long * a + a * a                           # 33 a^2 = 33 * 2.25 x^2
    g, = tf.gradients(y, x)
    np.testing.assert_allclose(run(g, {x: X}), 2 * 33 * 2.25 * X, rtol=1e-5)
    ga, = tf.gradients(y, a)                       # gradient wrt an intermediate
    np.testing.assert_allclose(run(ga, {x: X}), 66 * 1.5 * X, rtol=1e-5)


def test_chain_of_ten_thousand_ops():
    x = tf.placeholder(tf.float32, (), name="x")
    r = 1.0001
    y = x
    n = 10000
    for _ in range(n):
        y = y * r + x                              # y_k = r y_{k-1} + x
    g, = tf.gradients(y, x)
    yv, gv = run([y, g], {x: 1.0})
    # y_n = x (r^n + sum_{k<n} r^k), so dy/dx is the same coefficient
    coef = r ** n + sum(r ** k for k in range(n))
    # 10,000 float32 multiply-adds: rounding grows ~ n * 2^-24 relative -> 1e-3 is generous
    np.testing.assert_allclose(yv, coef, rtol=1e-3)
    np.testing.assert_allclose(gv, coef, rtol=1e-3)


def test_grad_ys():
    x = tf.placeholder(tf.float32, (3,), name="x")
    y = x * x
    w = np.array([1.0, -2.0, 0.5], np.float32)
    g, = tf.gradients(y, x, grad_ys=tf.constant(w))
    np.testing.assert_allclose(run(g, {x: X}), w * 2 * X, rtol=1e-6)
    g2, = tf.gradients(y, x, grad_ys=w)            # numpy grad_ys
    np.testing.assert_allclose(run(g2, {x: X}), w * 2 * X, rtol=1e-6)
    with pytest.raises(ValueError):
        tf.gradients([y, y], x, grad_ys=[w])


def test_gradients_wrt_variable():
    w = tf.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32), name="w")
    x = tf.constant(np.array([[1.0, -1.0]], np.float32))
    loss = tf.reduce_sum(tf.matmul(x, w) ** 2)
    gw, = tf.gradients(loss, w)
    assert gw.shape.as_list() == [2, 2]
    # loss = sum((x w)^2) -> dL/dw = x^T (2 x w)
    xv = np.array([[1.0, -1.0]], np.float32)
    wv = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    np.testing.assert_allclose(run(gw), xv.T @ (2 * xv @ wv), rtol=1e-6)
    # and wrt the variable's value tensor: the same thing
    gv, = tf.gradients(loss, w.value())
    np.testing.assert_allclose(run(gv), xv.T @ (2 * xv @ wv), rtol=1e-6)


def test_gradient_of_unknown_shape_y():
    x = tf.placeholder(tf.float32, (None,), name="x")
    y = x * x
    g, = tf.gradients(y, x)
    np.testing.assert_allclose(run(g, {x: X}), 2 * X, rtol=1e-6)


def test_check_gradients_twice_adds_no_ops():
    x = tf.placeholder(tf.float64, (3,))
    y = tf.tanh(x)
    feed = {x: np.array([0.1, 0.2, 0.3])}
    testing.check_gradients(y, [x], feed)
    n = len(tf.get_default_graph().get_operations())
    testing.check_gradients(y, [x], feed)
    assert len(tf.get_default_graph().get_operations()) == n


def test_grad_ys_of_another_dtype_is_a_type_error_naming_grad_ys():
    # TF1 (tf.compat.v1 of TF 2.21) raises TypeError too, from the Mul gradient
    x = tf.placeholder(tf.float64, (3,))
    y = x * x
    with pytest.raises(TypeError, match=r"grad_ys\[0\] \(Const:0\) has dtype float32, but "
                                        r"ys\[0\] \(mul:0\) has dtype float64"):
        tf.gradients(y, x, grad_ys=tf.constant(0.7))
    g, = tf.gradients(y, x, grad_ys=0.5)        # a plain number takes y's dtype
    assert g.dtype == tf.float64
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {x: [1.0, 2.0, 3.0]}), [1.0, 2.0, 3.0])
