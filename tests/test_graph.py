"""Graph construction semantics: names, scopes, op records, collections, default graphs,
and the rule that building a graph computes nothing.

Truth here is TensorFlow 1's documented behaviour (tf.Graph, tf.name_scope, tf.Tensor).
"""

import inspect
import time
import tracemalloc

import numpy as np
import pytest

import minigraph as tf


def _line():
    """The line number of the caller (so a test can say which line built an op)."""
    return inspect.currentframe().f_back.f_lineno


def _fp(shape=(None, 3), name=None):
    return tf.placeholder(tf.float32, shape, name=name)


# ------------------------------------------------------------------------------ names

def test_operator_plus_is_named_add_as_in_tf1():
    # TF1: Tensor.__add__ builds its op under name_scope "add", so `x + y` is "add:0",
    # and the second one "add_1:0" (tf.add itself defaults to the op type, "Add").
    x, y = _fp(name="x"), _fp(name="y")
    assert (x + y).name == "add:0"
    assert (x + y).name == "add_1:0"
    assert (x * y).name == "mul:0"
    assert (x - y).name == "sub:0"


def test_tf_functions_default_to_the_op_type_name():
    x, y = _fp(name="x"), _fp(name="y")
    assert tf.add(x, y).name == "Add:0"
    assert tf.add(x, y).name == "Add_1:0"
    w = tf.placeholder(tf.float32, (3, 4))
    assert tf.matmul(x, w).name == "MatMul:0"
    assert tf.placeholder(tf.float32).name == "Placeholder_1:0"


def test_explicit_names_are_uniquified():
    x, y = _fp(name="x"), _fp(name="y")
    a = tf.add(x, y, name="add")
    b = tf.add(x, y, name="add")
    c = tf.add(x, y, name="add")
    assert (a.name, b.name, c.name) == ("add:0", "add_1:0", "add_2:0")
    assert a.op.name == "add" and b.op.name == "add_1"
    # an explicit name that collides with a generated one gets its own suffix
    d = tf.add(x, y, name="add_1")
    assert d.name == "add_1_1:0"
    # TF1 compares names case-insensitively when uniquifying
    e = tf.add(x, y, name="ADD")
    assert e.op.name == "ADD_3"


def test_tensor_name_and_index():
    x, y = _fp(name="x"), _fp(name="y")
    t = tf.add(x, y, name="add")
    assert t.name == "add:0"
    assert t.value_index == 0
    assert t.op.outputs[0] is t
    assert x.name == "x:0" and x.op.name == "x"


def test_name_scope_nesting():
    x, y = _fp(name="x"), _fp(name="y")
    with tf.name_scope("a") as scope_a:
        assert scope_a == "a/"
        with tf.name_scope("b") as scope_b:
            assert scope_b == "a/b/"
            assert tf.get_default_graph().get_name_scope() == "a/b"
            t = tf.add(x, y, name="add")
    assert t.name == "a/b/add:0"
    assert t.op.name_scope == "a/b"
    assert tf.get_default_graph().get_name_scope() == ""


def test_name_scope_reentered_with_trailing_slash():
    x, y = _fp(name="x"), _fp(name="y")
    with tf.name_scope("a") as scope:
        t1 = tf.add(x, y, name="add")
    with tf.name_scope(scope):          # "a/": the same scope, not a_1
        t2 = tf.add(x, y, name="add")
    assert t1.name == "a/add:0"
    assert t2.name == "a/add_1:0"
    # re-entering an absolute scope from inside another one
    with tf.name_scope("other"):
        with tf.name_scope("a/"):
            t3 = tf.add(x, y, name="add")
    assert t3.name == "a/add_2:0"


def test_name_scope_reuse_becomes_suffixed():
    x, y = _fp(name="x"), _fp(name="y")
    with tf.name_scope("a"):
        t1 = tf.add(x, y, name="add")
    with tf.name_scope("a") as second:
        t2 = tf.add(x, y, name="add")
    with tf.name_scope("a") as third:
        pass
    assert second == "a_1/" and third == "a_2/"
    assert t1.name == "a/add:0"
    assert t2.name == "a_1/add:0"


def test_name_scope_none_resets_to_root():
    x, y = _fp(name="x"), _fp(name="y")
    with tf.name_scope("outer"):
        with tf.name_scope(None):
            t = tf.add(x, y, name="add")
    assert t.name == "add:0"


# ------------------------------------------------------------------ what an op records

def test_op_records_type_inputs_shape_dtype_scope():
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    w = tf.placeholder(tf.float32, (3, 5), name="w")
    c = tf.constant(1.0, name="c")
    with tf.name_scope("layer"):
        with tf.control_dependencies([c]):
            h = tf.matmul(x, w)
    op = h.op
    assert op.type == "MatMul"
    assert op.inputs == (x, w) or list(op.inputs) == [x, w]
    assert list(op.control_inputs) == [c.op]
    assert op.name == "layer/MatMul"
    assert op.name_scope == "layer"
    assert h.shape.as_list() == [None, 5]
    assert h.dtype == tf.float32
    assert op.outputs == (h,) or list(op.outputs) == [h]
    assert op.graph is tf.get_default_graph()
    assert x.op.type == "Placeholder" and list(x.op.inputs) == []
    assert x.shape.as_list() == [None, 3]


def test_op_records_user_file_and_line():
    x = _fp()
    t = tf.matmul(x, tf.placeholder(tf.float32, (3, 2))); line = _line()  # noqa: E702
    assert t.op.site.filename == __file__
    assert t.op.site.lineno == line
    assert t.op.site.function == "test_op_records_user_file_and_line"
    s = x * 2.0; line2 = _line()  # noqa: E702
    assert s.op.site.filename == __file__ and s.op.site.lineno == line2
    # the constant that `* 2.0` created is attributed to the same user line
    const = [i for i in s.op.inputs if i.op.type == "Const"][0]
    assert const.op.site.lineno == line2


def test_site_skips_every_frame_inside_minigraph():
    # composites (random_normal = shape const + RandomStandardNormal, a Variable = VariableV2 +
    # Assign...) build their ops deep inside minigraph; every op points at the user's line.
    before = len(tf.get_default_graph().get_operations())
    v = tf.Variable(tf.random_normal((3, 2), mean=1.0, stddev=2.0)); line = _line()  # noqa: E702
    new = tf.get_default_graph().get_operations()[before:]
    assert len(new) >= 4
    for op in new:
        assert op.site.filename == __file__, op
        assert op.site.lineno == line, op
    assert v.op.site.lineno == line


def test_site_of_op_built_in_a_user_helper_is_the_helper_line():
    def helper(a):
        return a * 3.0  # the line recorded

    x = _fp()
    t = helper(x)
    helper_line = inspect.getsourcelines(helper)[1] + 1
    assert t.op.site.filename == __file__
    assert t.op.site.lineno == helper_line


# ----------------------------------------------------------------- lookups by name

def test_get_tensor_and_operation_by_name():
    g = tf.get_default_graph()
    x = _fp(name="x")
    with tf.name_scope("s"):
        t = tf.add(x, x, name="add")
    assert g.get_tensor_by_name("x:0") is x
    assert g.get_tensor_by_name("s/add:0") is t
    assert g.get_operation_by_name("s/add") is t.op
    assert g.get_operation_by_name("x") is x.op


def test_get_tensor_by_name_errors():
    g = tf.get_default_graph()
    _fp(name="x")
    with pytest.raises(KeyError, match="does not exist"):
        g.get_tensor_by_name("nope:0")
    with pytest.raises(KeyError, match="only has 1 outputs"):
        g.get_tensor_by_name("x:1")
    with pytest.raises(ValueError):     # an op name where a tensor name is needed
        g.get_tensor_by_name("x")


def test_get_operation_by_name_errors():
    g = tf.get_default_graph()
    _fp(name="x")
    with pytest.raises(KeyError, match="nope"):
        g.get_operation_by_name("nope")
    # TF1: "Name 'x:0' appears to refer to a Tensor, not a Operation." (ValueError)
    with pytest.raises(ValueError):
        g.get_operation_by_name("x:0")


# ---------------------------------------------------------------------- collections

def test_variable_collections():
    v1 = tf.Variable(tf.zeros((2,)), name="v1")
    v2 = tf.Variable(tf.zeros((2,)), name="v2", trainable=False)
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [v1, v2]
    assert tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) == [v1]
    assert tf.global_variables() == [v1, v2]
    assert tf.trainable_variables() == [v1]
    assert v2.trainable is False and v1.trainable is True


def test_add_to_collection_update_ops_and_scope_filter():
    with tf.name_scope("bn"):
        v = tf.Variable(tf.zeros((2,)), name="moving_mean")
        upd = v.assign_add(tf.ones((2,)))
    other = tf.Variable(tf.zeros((2,)), name="other")
    up2 = other.assign(tf.ones((2,)))
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, upd.op)
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, up2.op)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == [upd.op, up2.op]
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS, scope="bn") == [upd.op]
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope="bn") == [v]
    assert tf.get_collection("no_such_collection") == []
    # get_collection returns a copy; get_collection_ref the live list
    tf.get_collection(tf.GraphKeys.UPDATE_OPS).append("junk")
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2
    tf.get_collection_ref("mine").append(1)
    assert tf.get_collection("mine") == [1]


# -------------------------------------------------------------- default graph stack

def test_as_default_nesting_and_restore():
    outer = tf.get_default_graph()
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default() as entered:
        assert entered is g1
        a = tf.constant(1.0)
        with g2.as_default():
            b = tf.constant(2.0)
            assert tf.get_default_graph() is g2
        assert tf.get_default_graph() is g1
        c = tf.constant(3.0)
    assert tf.get_default_graph() is outer
    assert a.graph is g1 and c.graph is g1 and b.graph is g2
    assert len(g1.get_operations()) == 2 and len(g2.get_operations()) == 1
    assert outer.get_operations() == []


def test_as_default_reentering_the_same_graph_restores_the_right_one():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        with g2.as_default():
            with g1.as_default():
                assert tf.get_default_graph() is g1
            assert tf.get_default_graph() is g2      # back to the enclosing block's graph
            assert tf.constant(1.0).graph is g2
        assert tf.get_default_graph() is g1

def test_reset_default_graph():
    g = tf.get_default_graph()
    tf.constant(1.0)
    tf.reset_default_graph()
    g2 = tf.get_default_graph()
    assert g2 is not g
    assert g2.get_operations() == []
    assert tf.constant(1.0).name == "Const:0"


def test_reset_default_graph_inside_nested_graph_raises():
    with tf.Graph().as_default():
        with pytest.raises(AssertionError):
            tf.reset_default_graph()


def test_ops_from_two_graphs_cannot_mix():
    with tf.Graph().as_default():
        a = tf.constant(1.0)
    b = tf.constant(2.0)
    with pytest.raises(ValueError):
        tf.add(a, b)


def test_finalize_forbids_new_ops():
    g = tf.get_default_graph()
    x = _fp()
    g.finalize()
    assert g.finalized
    n = len(g.get_operations())
    with pytest.raises(RuntimeError):
        tf.add(x, x)
    with pytest.raises(RuntimeError):
        tf.constant(1.0)
    assert len(g.get_operations()) == n


# ---------------------------------------------------------- nothing computes at build

def test_construction_allocates_nothing_for_huge_shapes():
    # (None, 1e6) @ (1e6, 1e6) would be 4 TB in float32: it must only add a node.
    tracemalloc.start()
    try:
        start = time.perf_counter()
        x = tf.placeholder(tf.float32, (None, 10 ** 6))
        w = tf.placeholder(tf.float32, (10 ** 6, 10 ** 6))
        h = tf.matmul(x, w)
        for _ in range(100):
            h = tf.maximum(h * 2.0 + 1.0, 0.0)
        loss = tf.reduce_sum(h)
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert h.shape.as_list() == [None, 10 ** 6]
    assert loss.shape.as_list() == []
    assert peak < 4 * 2 ** 20, "building the graph allocated %d bytes" % peak
    assert seconds < 5.0


def test_construction_never_runs_a_kernel(monkeypatch):
    # Every op's numpy code is reached through make_kernel/forward; make them explode.
    from minigraph.op_def import REGISTRY

    def boom(*args, **kwargs):
        raise AssertionError("a kernel ran at graph construction")

    for cls in REGISTRY.values():
        monkeypatch.setattr(cls, "make_kernel", classmethod(boom))
        monkeypatch.setattr(cls, "forward", staticmethod(boom))
    x = tf.placeholder(tf.float32, (None, 4))
    w = tf.Variable(tf.random_normal((4, 3)))
    y = tf.nn.relu(tf.matmul(x, w)) - tf.reduce_mean(x, axis=1, keepdims=True)[:, :1]
    loss = tf.reduce_mean(tf.square(y))
    tf.gradients(loss, [w, x])
    w.assign_sub(0.1 * w)
    tf.global_variables_initializer()


def test_zeros_of_a_large_shape_allocates_nothing_at_construction():
    # TF1 builds tf.zeros/tf.ones of more than 1000 elements as a Fill op, not a constant.
    tracemalloc.start()
    try:
        tf.zeros((3000, 3000))       # 36 MB if materialized
        tf.ones((3000, 3000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2 ** 20, "tf.zeros/tf.ones allocated %d bytes at construction" % peak


def test_gradients_of_a_large_tensor_allocate_nothing_at_construction():
    # the initial gradient dy/dy = ones(y.shape) must be built as a graph op, not an array
    w = tf.placeholder(tf.float32, (3000, 3000))
    y = w * 2.0
    tracemalloc.start()
    try:
        tf.gradients(y, w)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2 ** 20, "tf.gradients allocated %d bytes at construction" % peak


def test_failing_values_are_not_noticed_at_construction():
    # errors that depend on values only happen at run time
    bad = tf.check_numerics(tf.constant(np.nan, dtype=tf.float32), "boom")
    g = tf.gather(tf.constant([1.0, 2.0]), tf.constant(5))
    assert bad.op.type == "CheckNumerics" and g.op.type == "GatherV2"


# --------------------------------------------------------- construction-time errors

def test_matmul_shape_mismatch_raises_at_construction():
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    w = tf.placeholder(tf.float32, (4, 5), name="w")
    n = len(tf.get_default_graph().get_operations())
    line = _line() + 2
    with pytest.raises(ValueError) as info:
        tf.matmul(x, w)
    msg = str(info.value)
    assert "MatMul" in msg
    assert "[?,3]" in msg and "[4,5]" in msg
    assert "test_graph.py:%d" % line in msg
    assert "tf.matmul(x, w)" in msg            # the user's source line
    assert len(tf.get_default_graph().get_operations()) == n   # no half-built op left


def test_broadcast_shape_mismatch_raises_at_construction():
    a = tf.placeholder(tf.float32, (2, 3), name="a")
    b = tf.placeholder(tf.float32, (4,), name="b")
    line = _line() + 2
    with pytest.raises(ValueError) as info:
        tf.add(a, b)
    msg = str(info.value)
    assert "Add" in msg and "[2,3]" in msg and "[4]" in msg
    assert "test_graph.py:%d" % line in msg


def test_unknown_dims_defer_the_check():
    a = tf.placeholder(tf.float32, (None, None))
    b = tf.placeholder(tf.float32, (4, 5))
    assert tf.matmul(a, b).shape.as_list() == [None, 5]
    c = tf.placeholder(tf.float32)    # unknown rank
    assert tf.matmul(c, b).shape.ndims in (None, 2)


def test_dtype_mismatch_raises_type_error():
    x = tf.placeholder(tf.float32, (2,), name="x")
    i = tf.placeholder(tf.int32, (2,), name="i")
    line = _line() + 2
    with pytest.raises(TypeError) as info:
        tf.add(x, i)
    msg = str(info.value)
    assert "int32" in msg and "float32" in msg
    assert "test_graph.py:%d" % line in msg
    with pytest.raises(TypeError):
        x * i
    # a Python number takes the tensor's dtype: no error, and no promotion
    assert (i * 2).dtype == tf.int32
    assert (x * 2).dtype == tf.float32


# --------------------------------------------------------------- Tensor as a Python value

def test_tensor_equality_is_identity():
    x = _fp(name="x")
    y = tf.identity(x)
    assert (x == x) is True
    assert (x == y) is False
    assert (x != y) is True
    assert (x != x) is False
    d = {x: 1, y: 2}                   # hashable by identity: usable as feed_dict keys
    assert d[x] == 1 and d[y] == 2
    assert x in [x] and y not in [x]


def test_tensor_bool_raises():
    x = _fp()
    with pytest.raises(TypeError):
        bool(x)
    with pytest.raises(TypeError):
        if x:
            pass
    with pytest.raises(TypeError):
        x and True


def test_variable_equality_is_identity_too():
    v = tf.Variable(tf.zeros((2,)))
    w = tf.Variable(tf.zeros((2,)))
    assert (v == v) is True and (v == w) is False
    assert {v: 1}[v] == 1


def test_constants_made_by_operators_do_not_take_user_names():
    # TF1 converts `x * 2.0`'s 2.0 inside the op's own name scope ("mul/y"), so it never
    # takes a top-level name the user may want next, such as "y".
    x = tf.placeholder(tf.float32, (2,), name="x")
    h = x * 2.0
    y = tf.placeholder(tf.float32, (2,), name="y")
    assert y.name == "y:0"
    assert tf.get_default_graph().get_tensor_by_name("y:0") is y
    out = tf.multiply(h, 3.0, name="out")
    assert out.name == "out:0"
    named_y = tf.multiply(h, 3.0, name="z")
    w = tf.add(named_y, 1.0, name="w")
    assert named_y.name == "z:0" and w.name == "w:0"


def test_a_failed_op_does_not_use_up_its_name():
    a = tf.placeholder(tf.float32, (3, 4))
    for _ in range(2):
        with pytest.raises(ValueError):
            tf.matmul(a, np.ones((5, 6), np.float32))  # operand converted in the op's scope
    ok = tf.matmul(a, np.ones((4, 2), np.float32))
    assert ok.op.name == "MatMul"
