"""tf.function: tracing a Python function into a graph once per input signature.

Truth: numpy arithmetic for the values, and TF2's documented tracing rules (retrace on a new
shape, dtype or Python value; side effects only while tracing; one trace with an
input_signature; singleton variables created on the first call).
"""

import collections

import numpy as np
import pytest

import minigraph as tf
from minigraph import viz


def op_types(cf):
    return [op.type for op in cf.graph.get_operations()]


# ------------------------------------------------------------------------------ values

def test_results_equal_numpy():
    @tf.function
    def mlp(x, w, b):
        return tf.reduce_mean(tf.nn.relu(tf.matmul(x, w) + b) ** 2, axis=1)

    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=(5,))
    expected = np.mean(np.maximum(x @ w + b, 0) ** 2, axis=1)
    np.testing.assert_allclose(mlp(x, w, b), expected, rtol=1e-12)
    np.testing.assert_allclose(mlp(2 * x, w, b), np.mean(np.maximum(2 * x @ w + b, 0) ** 2, 1))
    assert isinstance(mlp(x, w, b), np.ndarray)


def test_python_values_are_baked_in_and_kwargs_and_defaults_work():
    @tf.function
    def affine(x, scale=2.0, shift=0.0):
        return x * scale + shift

    x = np.arange(3.0)
    np.testing.assert_allclose(affine(x), x * 2)
    np.testing.assert_allclose(affine(x, shift=1.0), x * 2 + 1)
    np.testing.assert_allclose(affine(x, 3.0, shift=1.0), x * 3 + 1)
    cf = affine.get_concrete_function(x, 3.0, shift=1.0)
    assert [p.op.name for p in cf.inputs] == ["x"]      # only the array became a placeholder
    assert "Const" in op_types(cf)                      # the Python values are constants


# ------------------------------------------------------------------------------ tracing

def test_traced_once_per_signature_and_retraced_on_shape_dtype_and_python_value():
    @tf.function
    def f(x, n):
        return x * n

    f(np.ones(3), 2)
    f(np.zeros(3), 2)                   # same shape, dtype and n: the cached graph
    f(np.full(3, 7.0), 2)
    assert f.trace_count == 1
    f(np.ones(4), 2)                    # new shape
    assert f.trace_count == 2
    f(np.ones(4, np.float32), 2)        # new dtype
    assert f.trace_count == 3
    f(np.ones(4, np.float32), 3)        # new Python value
    assert f.trace_count == 4
    f(np.ones(3), 2)                    # every signature seen before: no new trace
    f(np.ones(4, np.float32), 3)
    assert f.trace_count == f.experimental_get_tracing_count() == 4


def test_each_trace_is_a_fresh_graph_and_the_default_graph_is_untouched():
    @tf.function
    def f(x):
        return tf.square(x)

    a = f.get_concrete_function(np.ones(2))
    b = f.get_concrete_function(np.ones(3))
    assert a.graph is not b.graph and a.graph is not tf.get_default_graph()
    assert len(tf.get_default_graph().get_operations()) == 0
    assert op_types(a) == ["Placeholder", "Square"]
    assert a.inputs[0].shape == (2,) and a.inputs[0].dtype == tf.float64
    assert f.get_concrete_function(np.zeros(2)) is a   # cached, no third trace
    assert f.trace_count == 2
    spec = f.get_concrete_function(tf.TensorSpec([None], tf.float32))
    assert spec.inputs[0].shape == (None,) and spec.inputs[0].dtype == tf.float32
    np.testing.assert_allclose(spec(np.arange(5.0)), np.arange(5.0) ** 2)


def test_input_signature_with_none_dims_traces_once_for_every_batch_size():
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def row_sums(x):
        return tf.reduce_sum(x, axis=1)

    for batch in (1, 8, 16):
        x = np.ones((batch, 3))
        out = row_sums(x)
        np.testing.assert_allclose(out, np.full(batch, 3.0))
        assert out.dtype == np.float32                  # converted to the spec's dtype
    assert row_sums.trace_count == 1
    cf = row_sums.get_concrete_function()
    assert cf.inputs[0].shape == (None, 3) and row_sums.trace_count == 1
    with pytest.raises(ValueError, match="incompatible with input_signature"):
        row_sums(np.ones((2, 4)))
    with pytest.raises(TypeError, match="input_signature"):
        row_sums(np.ones((2, 3)), np.ones((2, 3)))
    assert tf.TensorSpec([None, 3]) == tf.TensorSpec((None, 3), tf.float32)


def test_python_side_effects_happen_only_while_tracing():
    log = []

    @tf.function
    def f(x):
        log.append("traced with %s" % x.shape)   # x is a symbolic placeholder here
        return x + 1

    for _ in range(3):
        f(np.ones(2))
    assert log == ["traced with (2,)"]
    f(np.ones(5))
    assert log == ["traced with (2,)", "traced with (5,)"]


def test_print_inside_shows_the_symbolic_tensor_once(capsys):
    @tf.function
    def f(x):
        print("x is", x)
        return x * 2

    f(np.ones(3))
    f(np.ones(3))
    assert capsys.readouterr().out == 'x is Tensor("x:0", shape=(3,), dtype=float64)\n'


def test_python_loops_are_unrolled_into_the_graph():
    @tf.function
    def repeat_tanh(x, n):
        for _ in range(n):
            x = tf.tanh(x)
        return x

    x = np.linspace(-1, 1, 5)
    sizes = {}
    for n in (1, 2, 4):
        np.testing.assert_allclose(repeat_tanh(x, n), _repeat(np.tanh, x, n))
        cf = repeat_tanh.get_concrete_function(x, n)
        sizes[n] = len(cf.graph.get_operations())
        assert op_types(cf).count("Tanh") == n
    assert sizes[1] < sizes[2] < sizes[4]
    assert sizes[4] - sizes[2] == 2 * (sizes[2] - sizes[1])


def _repeat(fn, x, n):
    for _ in range(n):
        x = fn(x)
    return x


def test_python_if_on_a_python_value_keeps_one_branch():
    @tf.function
    def act(x, kind):
        if kind == "relu":
            return tf.nn.relu(x)
        return tf.sigmoid(x)

    assert "Relu" in op_types(act.get_concrete_function(np.ones(2), "relu"))
    assert "Sigmoid" not in op_types(act.get_concrete_function(np.ones(2), "relu"))
    assert "Sigmoid" in op_types(act.get_concrete_function(np.ones(2), "sigmoid"))


def test_tensor_dependent_if_raises_a_clear_error():
    @tf.function
    def f(x):
        if tf.reduce_sum(x) > 0:   # the line the message must name
            return x
        return -x

    with pytest.raises(TypeError) as info:
        f(np.ones(3))
    msg = str(info.value)
    assert "as a Python `bool`" in msg and "tf.function" in msg and "f()" in msg
    assert "test_function.py" in msg and "if tf.reduce_sum(x) > 0" in msg
    assert "tf.where" in msg
    # the same error outside tf.function keeps its own message
    with pytest.raises(TypeError) as outside:
        bool(tf.constant(1.0) > 0)
    assert "tf.function" not in str(outside.value)


def test_tf_where_is_the_graph_way_to_branch_on_values():
    @tf.function
    def f(x):
        return tf.where(x > 0, x, -x)

    np.testing.assert_allclose(f(np.array([-2.0, 3.0])), [2.0, 3.0])


def test_other_errors_inside_the_body_are_not_rewritten():
    @tf.function
    def f(x):
        return tf.matmul(x, x)

    with pytest.raises(ValueError, match="MatMul"):
        f(np.ones((2, 3)))


# ------------------------------------------------------------------------------ variables

def test_variables_made_on_the_first_trace_are_created_once_and_persist():
    @tf.function
    def count(x):
        total = tf.Variable(0.0, name="total")
        return total.assign_add(tf.reduce_sum(x))

    assert count(np.ones(2, np.float32)) == 2.0         # initialized automatically
    assert count(np.ones(2, np.float32)) == 4.0
    assert count(np.ones(2, np.float32)) == 6.0
    assert count.trace_count == 1
    assert [v.op.name for v in count.variables] == ["total"]
    cf = count.get_concrete_function(np.ones(2, np.float32))
    assert cf.session.run(cf.variables[0]) == 6.0       # the value lives in its session


def test_retracing_must_not_create_new_variables():
    @tf.function
    def count(x):
        total = tf.Variable(0.0)
        return total.assign_add(tf.reduce_sum(x))

    count(np.ones(2, np.float32))
    with pytest.raises(ValueError, match="singleton tf.Variables created on the first call"):
        count(np.ones(3, np.float32))
    assert count(np.ones(2, np.float32)) == 4.0         # the first trace still works


def test_variables_with_an_input_signature_serve_every_batch_size():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def count(x):
        total = tf.Variable(0.0)
        return total.assign_add(tf.reduce_sum(x))

    assert count(np.ones(2)) == 2.0
    assert count(np.ones(5)) == 7.0
    assert count.trace_count == 1


def test_updates_run_without_being_returned_and_reads_see_the_call_start():
    @tf.function
    def step(x):
        v = tf.Variable(10.0)
        v.assign_add(x)          # not returned: runs anyway, as in TF2
        return v * 1.0           # reads see v as it was when the call started

    assert step(np.float32(1)) == 10.0
    assert step(np.float32(1)) == 11.0


def test_tensors_from_outside_the_function_give_a_clear_error():
    w = tf.constant([1.0, 2.0])   # in the default graph, not the trace's graph

    @tf.function
    def f(x):
        return x * w

    with pytest.raises(ValueError, match="cannot capture tensors from outside"):
        f(np.ones(2, np.float32))


def test_random_ops_inside_follow_the_graph_seed():
    def make():
        tf.set_random_seed(3)
        return tf.function(lambda x: x + tf.random_normal((2,), dtype=tf.float64))

    first, second = make()(np.zeros(2)), make()(np.zeros(2))
    np.testing.assert_array_equal(first, second)


# ------------------------------------------------------------------------------ gradients

def test_gradients_inside_the_function():
    @tf.function
    def loss_and_grad(x, w):
        loss = tf.reduce_sum(tf.matmul(x, w) ** 2)
        grad_w, = tf.gradients(loss, [w])
        return loss, grad_w

    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    loss, grad_w = loss_and_grad(x, w)
    np.testing.assert_allclose(loss, np.sum((x @ w) ** 2))
    np.testing.assert_allclose(grad_w, 2 * x.T @ (x @ w))
    cf = loss_and_grad.get_concrete_function(x, w)
    assert any(op.gradient_of is not None for op in cf.graph.get_operations())


def test_a_training_step_as_a_tf_function():
    @tf.function(input_signature=[tf.TensorSpec([None, 1], tf.float32),
                                  tf.TensorSpec([None, 1], tf.float32)])
    def train_step(x, y):
        w = tf.Variable(tf.zeros((1, 1)), name="w")
        loss = tf.reduce_mean((tf.matmul(x, w) - y) ** 2)
        grad_w, = tf.gradients(loss, [w])
        w.assign_sub(0.1 * grad_w)
        return loss

    x = np.linspace(-1, 1, 16).reshape(-1, 1)
    losses = [float(train_step(x, 3 * x)) for _ in range(100)]
    assert losses[-1] < 1e-3 * losses[0]
    np.testing.assert_allclose(train_step.variables[0].eval(
        session=train_step.get_concrete_function().session), [[3.0]], atol=1e-2)


# ------------------------------------------------------------------------------ structure

def test_outputs_keep_their_structure():
    Pair = collections.namedtuple("Pair", "low high")

    @tf.function
    def stats(x):
        return {"sum": tf.reduce_sum(x), "minmax": Pair(tf.reduce_min(x), tf.reduce_max(x)),
                "list": [x * 2, None, 3]}

    x = np.array([3.0, -1.0, 2.0])
    out = stats(x)
    assert list(out) == ["sum", "minmax", "list"]
    assert out["sum"] == 4.0
    assert isinstance(out["minmax"], Pair) and out["minmax"] == (-1.0, 3.0)
    np.testing.assert_allclose(out["list"][0], 2 * x)
    assert out["list"][1:] == [None, 3]

    @tf.function
    def two(x):
        return x + 1, x - 1

    plus, minus = two(x)
    assert isinstance(two(x), tuple)
    np.testing.assert_allclose(plus, x + 1)
    np.testing.assert_allclose(minus, x - 1)
    cf = two.get_concrete_function(x)
    assert len(cf.outputs) == 2 and isinstance(cf.structured_outputs, tuple)
    assert all(isinstance(t, tf.Tensor) for t in cf.outputs)


def test_nested_arguments_become_placeholders():
    @tf.function
    def total(parts, weights):
        return tf.add_n([p * w for p, w in zip(parts, weights)])

    parts = [np.ones(2), np.full(2, 2.0)]
    np.testing.assert_allclose(total(parts, [1.0, 3.0]), [7.0, 7.0])
    cf = total.get_concrete_function(parts, [1.0, 3.0])
    assert [p.op.name for p in cf.inputs] == ["parts_0", "parts_1"]
    total(parts, [1.0, 4.0])                  # a new Python value in the list: a retrace
    assert total.trace_count == 2

    @tf.function
    def weighted(xs):
        return xs["a"] * 2 + xs["b"]

    np.testing.assert_allclose(weighted({"a": np.ones(2), "b": np.ones(2)}), [3.0, 3.0])
    assert [p.op.name for p in weighted.get_concrete_function(
        {"a": np.ones(2), "b": np.ones(2)}).inputs] == ["xs_a", "xs_b"]


def test_concrete_function_called_directly_and_its_repr():
    @tf.function
    def f(x, n=2):
        return x ** n

    cf = f.get_concrete_function(np.ones(3))
    np.testing.assert_allclose(cf(np.arange(3.0)), np.arange(3.0) ** 2)
    assert repr(cf).startswith("<ConcreteFunction f(x: (3,) float64, n=2): a graph of ")


def test_nested_tf_functions_are_inlined_into_the_outer_trace():
    @tf.function
    def inner(x):
        return tf.square(x)

    @tf.function
    def outer(x):
        return inner(x) + 1

    np.testing.assert_allclose(outer(np.arange(3.0)), np.arange(3.0) ** 2 + 1)
    assert "Square" in op_types(outer.get_concrete_function(np.arange(3.0)))
    assert inner.trace_count == 0


def test_as_a_method():
    class Scaler:
        def __init__(self, k):
            self.k = k

        @tf.function
        def __call__(self, x):
            return x * self.k

    np.testing.assert_allclose(Scaler(3.0)(np.ones(2)), [3.0, 3.0])
    np.testing.assert_allclose(Scaler(5.0)(np.ones(2)), [5.0, 5.0])


# ------------------------------------------------------------------------------ drawing

def test_the_concrete_functions_graph_draws():
    @tf.function
    def f(x, n):
        for _ in range(n):
            x = tf.tanh(x)
        return x

    cf = f.get_concrete_function(np.ones(3), 2)
    dot = viz.to_dot(cf.graph)
    assert '"x" [' in dot and 'shape="invhouse"' in dot    # the argument, as a placeholder
    assert dot.count("Tanh") >= 2
    view = viz.draw(cf.graph)
    assert isinstance(view, viz.GraphView)
    bundle = view._repr_mimebundle_()
    assert "image/svg+xml" in bundle or "text/plain" in bundle
