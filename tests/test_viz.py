"""DOT drawings: node kinds, clusters, collapsed scopes, run highlighting and the lint.

These tests read the DOT text (structure and attributes); the layout tests at the end render
it with Graphviz (skipped without it) and read the SVG's width and its nodes' positions.
"""

import json
import os
import re
import sys
import warnings

import numpy as np
import pytest

import minigraph as tf
from minigraph import lint, viz
from minigraph.op_def import REGISTRY, OpDef
from minigraph.tensor_shape import TensorShape
from minigraph.trace import RunTrace, of as trace_of, traced_run


def lecture_net(N=4, D=6, H=3):
    x = tf.placeholder(tf.float32, (N, D), name="x")
    y = tf.placeholder(tf.float32, (N, D), name="y")
    w1 = tf.Variable(tf.random_normal((D, H), seed=1), name="w1")
    w2 = tf.Variable(tf.random_normal((H, D), seed=2), name="w2")
    h = tf.maximum(tf.matmul(x, w1), 0, name="h")
    y_pred = tf.matmul(h, w2, name="y_pred")
    loss = tf.reduce_mean(tf.reduce_sum((y_pred - y) ** 2, axis=1), name="loss")
    g1, g2 = tf.gradients(loss, [w1, w2])
    a1 = w1.assign(w1 - 1e-3 * g1)
    a2 = w2.assign(w2 - 1e-3 * g2)
    updates = tf.group(a1, a2, name="updates")
    feed = {x: np.ones((N, D)), y: np.zeros((N, D))}
    return dict(x=x, y=y, w1=w1, w2=w2, loss=loss, g1=g1, updates=updates, a1=a1, a2=a2,
                feed=feed)


def node_attrs(dot, name):
    """The attribute text of node ``name`` in ``dot`` (None if absent)."""
    m = re.search(r'^\s*"%s" \[(.*)\];$' % re.escape(name), dot, re.M)
    return m.group(1) if m else None


def edges(dot):
    return re.findall(r'^\s*"([^"]+)" -> "([^"]+)"(?: \[(.*)\])?;$', dot, re.M)


def test_every_kind_has_its_own_style_and_a_legend_entry():
    m = lecture_net()
    dot = viz.to_dot(collapse=[], fold=False)   # unfolded: the constant h/y is a node
    assert 'shape="invhouse"' in node_attrs(dot, "x")            # placeholder
    assert 'shape="cylinder"' in node_attrs(dot, "w1")           # variable
    assert 'shape="diamond"' in node_attrs(dot, "updates")       # group / no-op
    assert KIND_FILL("assign") in node_attrs(dot, m["a1"].op.name)
    assert KIND_FILL("gradient") in node_attrs(dot, m["g1"].op.name)
    assert KIND_FILL("op") in node_attrs(dot, "h")
    assert KIND_FILL("constant") in node_attrs(dot, "h/y#h")  # one copy per user
    legend = legend_of(dot)               # the drawing's label: under it, not beside it
    for kind in ("placeholder", "variable", "gradient op", "assign / update op", "constant"):
        assert kind in legend


def legend_of(dot):
    """The legend: the graph's label, an HTML table."""
    m = re.search(r"^  graph \[.*label=<(.*)>, labelloc=b", dot, re.M)
    return m.group(1) if m else None


def KIND_FILL(kind):
    return 'fillcolor="%s"' % viz.KIND_STYLES[kind][1]


def test_data_edges_solid_control_edges_dashed_and_writes_edges_red():
    m = lecture_net()
    dot = viz.to_dot(collapse=[])
    es = {(a, b): attrs or "" for a, b, attrs in edges(dot)}
    assert "dashed" not in es[("x", "MatMul")]
    assert 'style="dashed"' in es[(m["a1"].op.name, "updates")]          # control input of group
    # TF1's ref edge, Assign -> w1: to a copy of w1 drawn beside the assign, which is far
    # from w1; its initializer w1/Assign, in w1's box, writes w1 itself
    writes = es[(m["a1"].op.name, "w1#" + m["a1"].op.name)]
    assert "writes" in writes and "#cb4335" in writes and "dir" not in writes
    assert "writes" in es[("w1/Assign", "w1")]
    assert not any(b == "w1" for a, b in es if a == m["a1"].op.name)


def test_forward_only_drawing_leaves_out_every_gradient_op():
    lecture_net()
    dot = viz.to_dot(backward=False, collapse=[])
    assert "gradients/" not in dot
    full = viz.to_dot(backward=True, collapse=[])
    assert '"gradients/MatMul_grad/MatMul_1"' in full      # grad_w1


def test_gradients_no_one_asked_for_are_left_out_unless_unfolded():
    # TF1 builds the gradient for the placeholder x too (MatMul_grad/MatMul, before w1's
    # MatMul_1): nothing needs it, so a folded drawing leaves it out
    lecture_net()
    folded = viz.to_dot(collapse=[])
    assert '"gradients/MatMul_grad/MatMul_1"' in folded
    assert '"gradients/MatMul_grad/MatMul"' not in folded
    assert '"gradients/MatMul_grad/MatMul"' in viz.to_dot(collapse=[], fold=False)


def test_gradient_ops_are_labelled_with_their_forward_op():
    m = lecture_net()
    dot = viz.to_dot(collapse=[])
    assert "grad of y_pred" in node_attrs(dot, "gradients/y_pred_grad/MatMul")
    linked = viz.to_dot(collapse=[], link_gradients=True)
    assert any(b == "y_pred" and "dotted" in (attrs or "")
               for a, b, attrs in edges(linked) if a.startswith("gradients/y_pred_grad/"))
    assert m["g1"].op.gradient_of.name == "MatMul"


def test_name_scopes_are_clusters_and_collapsed_scopes_are_one_node():
    lecture_net()
    dot = viz.to_dot(collapse=[])
    assert re.search(r'subgraph "cluster_\d+_gradients"', dot)
    collapsed = viz.to_dot()  # gradients collapsed by default
    assert '"scope:gradients"' in collapsed
    assert '"gradients/MatMul_grad/MatMul_1"' not in collapsed
    # edges out of the scope are rerouted to its node, once each; into a box of the
    # backward pass, one edge from its loss, the forward values it reads named on hover
    pairs = {(a, b): attrs for a, b, attrs in edges(collapsed)}
    assert ("scope:gradients", "mul") in pairs and "tf.gradients" in pairs[("loss",
                                                                             "scope:gradients")]
    assert [a for a, b in pairs if b == "scope:gradients"] == ["loss"]
    assert "reads 5 values of the forward pass: x, w2, MatMul, h, sub" in \
        node_attrs(collapsed, "scope:gradients")
    assert len(pairs) == len(edges(collapsed))
    expanded = viz.to_dot(expand=["gradients"])
    assert '"scope:gradients"' not in expanded and '"gradients/MatMul_grad/MatMul_1"' in expanded


def test_fetches_restrict_the_drawing_to_what_they_need():
    m = lecture_net()
    dot = viz.to_dot(fetches=[m["loss"]], collapse=[])
    assert '"loss"' in dot and '"w1"' in dot
    assert "gradients" not in dot and '"updates"' not in dot


def test_loss_only_run_greys_out_the_assigns_and_marks_feeds():
    m = lecture_net()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    md = tf.RunMetadata()
    sess.run([m["loss"]], m["feed"], options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
             run_metadata=md)
    dot = viz.to_dot(trace=trace_of(md))
    for assign in (m["a1"].op.name, m["a2"].op.name, "updates"):
        assert viz.GREY_FILL in node_attrs(dot, assign), assign
    assert viz.GREY_FILL not in node_attrs(dot, "loss")
    assert "peripheries" in node_attrs(dot, "loss")                # fetched
    assert "fed" in node_attrs(dot, "x") and viz.GREY_FILL not in node_attrs(dot, "x")
    assert "#2e86c1" in node_attrs(dot, "w1")                       # read: blue outline
    # and when the update is fetched, the assigns are executed and w1 is written (red)
    sess.run([m["loss"], m["updates"]], m["feed"],
             options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
    dot = viz.to_dot(trace=trace_of(md))
    assert viz.GREY_FILL not in node_attrs(dot, m["a1"].op.name)
    assert 'color="#cb4335"' in node_attrs(dot, "w1#" + m["a1"].op.name)   # written there
    assert "#2e86c1" in node_attrs(dot, "w1")                               # read here


def test_values_appear_in_labels_small_in_full_large_summarised():
    x = tf.placeholder(tf.float32, (2,), name="x")
    big = tf.tile(tf.reshape(x, (2, 1)), (1, 5), name="big")       # (2, 5): 10 values
    s = tf.add(x * 2.0, 1.0, name="s")
    t = tf.reduce_sum(big, name="t")
    _, run = traced_run(tf.Session(), [s, t], {x: [1.0, 2.0]}, keep_values=True)
    dot = viz.to_dot(trace=run, show_values=True)
    assert "= [3., 5.]" in node_attrs(dot, "s")
    assert "= min 1 max 2</FONT><BR/><FONT POINT-SIZE=\"8\" COLOR=\"%s\">mean 1.5" % (
        viz.VALUE_COLOR) in node_attrs(dot, "big")                  # its shape: above
    assert "(2, 5) float32" in node_attrs(dot, "big")
    assert viz.describe_value(np.arange(4)) == "[0, 1, 2, 3]"


def test_focus_muted_and_path_styles():
    m = lecture_net()
    dot = viz.to_dot(fetches=[m["loss"]], focus=[m["loss"]], muted=[m["x"].op],
                     path=[m["loss"].op, m["y"].op])
    assert 'penwidth="4"' in node_attrs(dot, "loss")
    assert viz.GREY_TEXT in node_attrs(dot, "x")
    assert "#e67e22" in node_attrs(dot, "y")


def test_dead_update_lint_lists_unreached_updates_and_update_ops_collection():
    m = lecture_net()
    assert [op.name for op in lint.dead_updates([m["loss"]])] == [m["a1"].op.name,
                                                                   m["a2"].op.name]
    assert lint.dead_updates([m["loss"], m["updates"]]) == []
    msg = lint.dead_update_message([m["loss"]])
    assert "2 update ops will not run" in msg and m["a1"].op.name in msg
    extra = m["w1"].assign_add(tf.zeros((6, 3)))
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, extra)
    dead = lint.dead_updates([m["loss"], m["updates"]])
    assert [op.name for op in dead] == [extra.op.name]
    # initializers are not updates
    assert all(op is not m["w1"].initializer for op in lint.update_ops(tf.get_default_graph()))


def test_loop_that_never_reaches_an_update_warns_once():
    m = lecture_net()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(10):
            sess.run([m["loss"]], m["feed"])
    dead = [w for w in caught if issubclass(w.category, lint.DeadUpdateWarning)]
    assert len(dead) == 1
    assert "forgot to fetch its update op" in str(dead[0].message)
    assert dead[0].filename == __file__
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(10):
            sess.run([m["loss"], m["updates"]], m["feed"])
    assert not [w for w in caught if issubclass(w.category, lint.DeadUpdateWarning)]


def test_no_lint_warning_for_a_graph_without_updates():
    x = tf.placeholder(tf.float32, (2,))
    y = x * 2.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sess = tf.Session()
        for _ in range(10):
            sess.run(y, {x: [1, 2]})
    assert not caught


def test_view_renders_svg_with_dot_and_falls_back_to_text_without_it(monkeypatch):
    lecture_net()
    view = viz.draw()
    bundle = view._repr_mimebundle_()
    if view.available:
        assert bundle["image/svg+xml"].lstrip().startswith(("<?xml", "<svg"))
    # without the graphviz package: the DOT text and the install hint, no exception
    monkeypatch.setitem(sys.modules, "graphviz", None)
    bare = viz.draw()
    bundle = bare._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    assert bundle["text/plain"].startswith(viz.INSTALL_HINT)
    assert "digraph minigraph" in bundle["text/plain"]


def test_view_falls_back_when_the_dot_binary_is_missing(monkeypatch):
    pytest.importorskip("graphviz")
    lecture_net()
    monkeypatch.setenv("PATH", "/nonexistent")
    bundle = viz.draw()._repr_mimebundle_()
    assert "image/svg+xml" not in bundle and "apt-get install graphviz" in bundle["text/plain"]


def test_graph_displays_itself_inline():
    lecture_net()
    bundle = tf.get_default_graph()._repr_mimebundle_()
    assert "image/svg+xml" in bundle or "digraph" in bundle["text/plain"]


def test_draw_accepts_fetches_as_first_argument():
    m = lecture_net()
    assert "gradients" not in viz.draw(m["loss"], collapse=[]).dot


def test_reading_variables_in_a_loop_is_not_a_forgotten_update():
    m = lecture_net()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(10):
            sess.run([m["w1"], m["w2"]])
    assert not [w for w in caught if issubclass(w.category, lint.DeadUpdateWarning)]


def test_fetches_with_feeds_keep_the_fed_placeholders_drawn_as_fed():
    m = lecture_net()
    dot = viz.to_dot(fetches=[m["loss"]], feed_dict=m["feed"], collapse=[])
    assert "fed" in node_attrs(dot, "x") and "dashed" in node_attrs(dot, "x")
    assert any(b == "MatMul" and "fed" in (attrs or "") for a, b, attrs in edges(dot) if a == "x")


def test_node_styles_are_applied_last():
    m = lecture_net()
    dot = viz.to_dot(collapse=[], node_styles={m["loss"]: {"fillcolor": "#abebc6"},
                                               "h": {"color": "#1e8449"}})
    assert 'fillcolor="#abebc6"' in node_attrs(dot, "loss")
    assert 'color="#1e8449"' in node_attrs(dot, "h")


def test_planned_trace_matches_what_a_run_executes_and_until_cuts_it():
    m = lecture_net()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    planned = RunTrace.planned(tf.get_default_graph(), [m["loss"], m["updates"]],
                                  fed=[m["x"], m["y"]])
    _, run = traced_run(sess, [m["loss"], m["updates"]], m["feed"], keep_values=True)
    assert set(planned.executed) == set(run.executed)
    assert set(planned.pruned) == set(run.pruned)
    part = run.until(2)
    assert part.executed == run.executed[:3]
    assert set(part.values) <= {t.name for op in part.executed for t in op.outputs} | {
        "x:0", "y:0"}


def test_shared_constants_are_drawn_beside_each_user_and_backward_edges_climb():
    m = lecture_net()
    dot = viz.to_dot(collapse=[], fold=False)   # unfolded: h/y is a node, not a label
    # h/y feeds the forward Maximum and its gradient's GreaterEqual: one copy for each
    assert node_attrs(dot, "h/y") is None
    assert node_attrs(dot, "h/y#h") and node_attrs(dot, "h/y#gradients/h_grad/GreaterEqual")
    assert ("h/y#h", "h") in [(a, b) for a, b, _ in edges(dot)]
    # an edge between two gradient ops is written reversed with dir=back (laid out upwards)
    back = [(a, b) for a, b, attrs in edges(dot) if 'dir="back"' in (attrs or "")]
    assert ("gradients/MatMul_grad/MatMul", "gradients/h_grad/Select") in back
    assert m["loss"] is not None


def test_a_deep_backward_graph_stays_quick_to_lay_out():
    """A 300-op backward graph: its DOT must not make dot's layout quadratic (a shared
    constant wired to 150 users used to take dot minutes). Timing lives in the benchmark;
    here the structure that keeps it fast is checked."""
    x = tf.placeholder(tf.float32, (4,))
    c = tf.constant(1.0)
    y = x
    for _ in range(150):
        y = tf.tanh(y) * c
    tf.gradients(y, [x])
    dot = viz.to_dot(expand=["gradients"])
    targets = [b for a, b, _ in edges(dot) if a.startswith("Const")]
    assert len(targets) == len(set(targets)) and not any(a == "Const" for a, _, _ in edges(dot))


# ------------------------------------------------------------------------------------------
# Folding: the graph is TF1's, the drawing leaves out what a student does not need
# ------------------------------------------------------------------------------------------

def node_names(dot):
    """The op names drawn as nodes (a constant's copies beside its users count once)."""
    ids = re.findall(r'^\s*"([^"]+)" \[', dot, re.M)
    return {i.split("#")[0] for i in ids if i != "legend"}


def label_of(dot, name):
    """The HTML label of node ``name``."""
    m = re.search(r'^\s*"%s" \[.*label=<(.*)>\];$' % re.escape(name), dot, re.M)
    return m.group(1) if m else None


def drawn_id(dot, name):
    """The node drawing op ``name``: its own, or its scope's box (``scope:name``)."""
    return name if node_attrs(dot, name) is not None else "scope:" + name


def tooltip_of(dot, name):
    """The tooltip of node ``name`` (of its first copy, for a constant drawn beside each
    of its users as ``name#user``)."""
    attrs = node_attrs(dot, name)
    if attrs is None:
        copy = next(n for n in re.findall(r'^\s*"([^"]+)" \[', dot, re.M)
                    if n.startswith(name + "#"))
        attrs = node_attrs(dot, copy)
    m = re.search(r'tooltip="((?:[^"\\]|\\.)*)"', attrs)
    return m.group(1)


def test_a_variable_is_drawn_as_its_read():
    m = lecture_net()
    dot = viz.to_dot(collapse=[])
    pairs = [(a, b) for a, b, _ in edges(dot)]
    assert node_attrs(dot, "w1/read") is None and node_attrs(dot, "w1") is not None
    assert ("w1", "MatMul") in pairs and ("w1", "sub_1") in pairs
    assert not any("w1/read" in (a, b) for a, b in pairs)
    assert "also w1/read (Identity)" in tooltip_of(dot, "w1")
    # unfolded, the read is a node of its own between the variable and its users
    raw = viz.to_dot(collapse=[], fold=False)
    raw_pairs = [(a, b) for a, b, _ in edges(raw)]
    assert ("w1", "w1/read") in raw_pairs and ("w1/read", "MatMul") in raw_pairs
    # any Identity whose only input is a variable is a read: w.read_value() too
    again = m["w1"].read_value()
    assert viz.variable_of_read(again.op) is m["w1"].op
    assert node_attrs(viz.to_dot(fetches=[again]), again.op.name) is None


def test_constant_arguments_are_drawn_in_their_ops_label_by_value():
    m = lecture_net()
    dot = viz.to_dot(expand=["gradients"])
    for const in ("h/y", "pow/y", "mul/x", "mul_1/x", "random_normal/shape"):
        assert const not in node_names(dot), const
        assert not any(const in (a.split("#")[0], b) for a, b, _ in edges(dot)), const
    assert "<B>h</B> (y=0)" in label_of(dot, "h")
    assert "<B>pow</B> (y=2)" in label_of(dot, "pow")
    assert "<B>mul</B> (x=0.001)" in label_of(dot, "mul")
    # the initial value: today one RandomStandardNormal op (its shape in its label); once
    # tf.random_normal is TF1's six ops, one "random value" box (TF1's graph is tested below)
    random = drawn_id(dot, "random_normal")
    assert random == "scope:random_normal" or "(shape=[6, 3])" in label_of(dot, random)
    # borrowed by a gradient op: named in full there
    assert "(h/y=0)" in label_of(dot, "gradients/h_grad/GreaterEqual")
    # the 1 that starts the backward pass is data, not a parameter: it stays a node
    assert "gradients/grad_ys_0" in node_names(dot)
    assert m["loss"] is not None


def test_tf1s_reduction_axes_fill_values_and_learning_rates_are_labels():
    graph, returned = tf1_graph("lecture_variables")
    dot = viz.to_dot(graph)
    assert "<B>Sum</B> (axis 1)" in label_of(dot, "Sum")
    assert "<B>Mean</B> (axis [0])" in label_of(dot, "Mean")
    assert "<B>Maximum</B> (y=0)" in label_of(dot, "Maximum")
    assert {"Sum/reduction_indices", "Const", "Maximum/y", "pow/y"}.isdisjoint(node_names(dot))
    scopes, _ = tf1_graph("name_scopes")    # tf.Variable(tf.constant(0.1, shape=(2,)))
    # (and named with its scope: layer1/biases/Assign is drawn too)
    label = label_of(viz.to_dot(scopes), "layer2/biases/Assign")
    assert label.startswith("<B>layer2/biases/Assign</B><BR/>(value=[0.1, 0.1])")  # a long line
    adam, _ = tf1_graph("adam_global_step")
    dot = viz.to_dot(adam, expand=["Adam"])
    apply_adam = label_of(dot, "Adam/update_Variable/ApplyAdam")
    # (on lines under its name: the line would be long)
    assert "(learning_rate=0.001,<BR/>beta1=0.9, beta2=0.999,<BR/>epsilon=1e-08)" in apply_adam
    zeros = label_of(dot, "Variable/Adam/Initializer/zeros")   # zeros: a Fill of two Consts
    assert "(shape=[50, 20], value=0)" in zeros and "<I>Fill</I>" in zeros
    assert not any("shape_as_tensor" in n or n.endswith("zeros/Const") for n in node_names(dot))


def test_constants_you_made_stay_nodes():
    x = tf.placeholder(tf.float32, (2,), name="x")
    c = tf.constant(2.0, name="c")                 # named, on its own line: the point
    d = tf.constant(3.0)                           # TF's default name, but your own line
    shape = tf.constant([2], name="shape")         # an integer you named
    y = tf.reshape(x * c + d, shape, name="y")
    z = tf.multiply(y, tf.constant(4.0), name="z")     # made for z on z's line: a label
    big = tf.add(z, tf.constant(np.arange(9, dtype=np.float32).reshape(9, 1)), name="big")
    dot = viz.to_dot()
    assert {"c", "Const", "shape", "Const_2"} <= node_names(dot)
    assert "Const_1" not in node_names(dot) and "<B>z</B> (y=4)" in label_of(dot, "z")
    # a fetched constant is drawn, whatever the rules say
    assert "Const_1" in node_names(viz.to_dot(fetches=[z, z.op.inputs[1]]))
    assert big is not None


def test_composite_ops_are_collapsed_boxes_that_expand():
    graph, returned = tf1_graph("adam_global_step")
    dot = viz.to_dot(graph)
    names = node_names(dot)
    for box in ("random_normal", "random_normal_1", "mean_squared_error", "gradients", "Adam"):
        assert "scope:" + box in names, box
    assert "random value: 6 ops" in label_of(dot, "scope:random_normal")
    assert not any(n.startswith(("mean_squared_error/", "random_normal/")) for n in names)
    pairs = {(a, b) for a, b, _ in edges(dot)}
    assert ("scope:random_normal", "Variable/Assign") in pairs
    assert ("MatMul_1", "scope:mean_squared_error") in pairs
    # expanded, the loss shows its arithmetic, never its shape checks
    opened = node_names(viz.to_dot(graph, expand=["mean_squared_error"]))
    assert "scope:mean_squared_error" not in opened
    assert {"mean_squared_error/SquaredDifference", "mean_squared_error/value"} <= opened
    assert not any("assert_broadcastable" in n or "static_scalar_check" in n for n in opened)
    # boxes nest: an Initializer holding a random value is one box until expanded
    dense, _ = tf1_graph("layers_dense")
    dot = viz.to_dot(dense)
    assert "initial value" in label_of(dot, "scope:dense/kernel/Initializer")
    inner = viz.to_dot(dense, expand=["dense/kernel/Initializer"])
    assert "scope:dense/kernel/Initializer/random_uniform" in node_names(inner)
    assert "scope:dense/kernel/Initializer" not in node_names(inner)


def test_gradient_gates_are_drawn_as_the_gradients_they_pass_on():
    graph, _ = tf1_graph("gradient_descent")
    dot = viz.to_dot(graph, expand=["gradients", "GradientDescent"])
    assert not any("/tuple/" in n for n in node_names(dot))
    pairs = {(a, b) for a, b, _ in edges(dot)}
    assert ("gradients/MatMul_grad/MatMul_1",
            "GradientDescent/update_Variable/ApplyGradientDescent") in pairs
    gate = viz.to_dot(graph, expand=["gradients", "GradientDescent",
                                     "gradients/MatMul_grad/tuple"])
    assert {"gradients/MatMul_grad/tuple/group_deps",
            "gradients/MatMul_grad/tuple/control_dependency_1"} <= node_names(gate)
    assert viz.composite_scopes(graph.get_operations())["gradients/MatMul_grad/tuple"] == "gate"


def test_a_fused_update_shows_its_math_and_the_variables_it_writes():
    graph, _ = tf1_graph("adam_global_step")
    dot = viz.to_dot(graph, expand=["Adam"])
    update = "Adam/update_Variable/ApplyAdam"            # its update_ scope: one op, no box
    assert "scope:Adam/update_Variable" not in node_names(dot)
    assert tooltip_of(dot, update).startswith("%s (ApplyAdam): %s" % (update, FUSED_MATH))
    writes = {b for a, b, attrs in edges(dot) if a == update and "writes" in (attrs or "")}
    assert writes == {v + "#" + update for v in ("Variable", "Variable/Adam", "Variable/Adam_1")}
    # the slots sit in their variable's box
    start = re.search(r'^  subgraph "cluster_\d+_Variable" \{$', dot, re.M).start()
    block = dot[start:dot.index("\n  }", start)]
    assert '"Variable/Adam" [' in block and '"Variable/Adam_1" [' in block
    assert '{ rank=same; "Variable"; "Variable/Adam"; "Variable/Adam_1"; }' in dot


def test_every_op_node_tells_its_math_on_hover():
    lecture_net()
    dot = viz.to_dot(collapse=[])
    assert tooltip_of(dot, "h") == "h (Maximum): z = max(x, y); on ties the gradient goes to x"
    assert tooltip_of(dot, "w1/Assign").startswith("w1/Assign (Assign): var <- value")
    for name in node_names(dot):
        if not name.startswith("scope:"):
            op = tf.get_default_graph().get_operation_by_name(name)
            assert tooltip_of(dot, name).startswith("%s (%s): " % (name, op.type)), name
    assert viz.op_doc(tf.get_default_graph().get_operation_by_name("loss")).startswith(
        "y = mean of x over the axes")


class ApplyTwice(OpDef):
    """var <- var - 2 * lr * grad; slot <- grad (a fused update, as TF1's ApplyAdam)."""
    kind = "assign"
    ref_inputs = (0, 1)
    writes_refs = True

    @staticmethod
    def infer(inputs, attrs):
        return inputs[0].shape, inputs[0].dtype


def test_composite_rules_hold_on_a_graph_built_with_minigraphs_own_ops():
    """What the other ops will build (a tf.losses scope with its checks, a fused update in
    its update_<var> scope, gates) made by hand: the rules go by structure, not by name."""
    graph = tf.get_default_graph()
    x = tf.placeholder(tf.float32, (3,), name="x")
    w = tf.Variable(np.ones(3, np.float32), name="w")
    slot = tf.Variable(np.zeros(3, np.float32), name="w/Slot")
    with tf.name_scope("my_loss"):
        with tf.name_scope("assert_broadcastable"):
            check = tf.no_op(name="static_scalar_check_success")
        with tf.control_dependencies([check]):
            diff = tf.subtract(x, w, name="diff")
        loss = tf.reduce_sum(diff * diff, name="value")
    with tf.name_scope("gradients"):
        g = tf.identity(diff, name="g")
        with tf.name_scope("tuple"):
            gate = tf.no_op(name="group_deps")
            with tf.control_dependencies([gate]):
                gated = tf.identity(g, name="control_dependency")
    refs, op, const = [w.op.outputs[0], slot.op.outputs[0]], graph.create_op, tf.constant
    name = "update_w/ApplyTwice"
    with tf.name_scope("Opt"):     # on one line, as optimizer.minimize(loss) builds both
        fused = op(ApplyTwice, refs + [const(0.1, name="learning_rate"), gated], name=name)
        with tf.name_scope("update_slot"):
            two = tf.multiply(gated, 2.0)
            step = slot.assign_sub(two)
        train = tf.group(fused, step, name="train")
    kinds = viz.composite_scopes(graph.get_operations(), graph)
    assert kinds == {"my_loss": "loss", "my_loss/assert_broadcastable": "check",
                     "gradients/tuple": "gate", "Opt/update_w": "update",
                     "Opt/update_slot": "update"}
    dot = viz.to_dot(collapse=[])
    names = node_names(dot)
    assert "scope:my_loss" in names and "scope:Opt/update_slot" in names    # several ops
    assert "Opt/update_w/ApplyTwice" in names                               # one op: itself
    assert label_of(dot, "Opt/update_w/ApplyTwice").startswith(
        "<B>ApplyTwice</B><BR/>(learning_rate=0.1)")
    assert tooltip_of(dot, "Opt/update_w/ApplyTwice").endswith(
        "var <- var - 2 * lr * grad; slot <- grad (a fused update, as TF1's ApplyAdam).")
    pairs = {(a, b): attrs or "" for a, b, attrs in edges(dot)}
    # w and w/Slot, written by updates far from their boxes, are drawn again beside them
    assert "writes" in pairs[("Opt/update_w/ApplyTwice", "w#Opt/update_w/ApplyTwice")]
    assert "writes" in pairs[("Opt/update_w/ApplyTwice", "w/Slot#Opt/update_w/ApplyTwice")]
    assert "writes" in pairs[("scope:Opt/update_slot", "w/Slot#scope:Opt/update_slot")]
    assert "writes" in pairs[("w/Slot/Assign", "w/Slot")]          # its initializer
    assert ("gradients/g", "Opt/update_w/ApplyTwice") in pairs               # through the gate
    assert not {"gradients/tuple/group_deps", "gradients/tuple/control_dependency"} & names
    opened = viz.to_dot(collapse=[], expand=["my_loss"])
    assert "my_loss/diff" in node_names(opened)
    assert not any("static_scalar_check" in n for n in node_names(opened))
    assert not any("static_scalar_check" in a for a, b, _ in edges(opened))
    assert check.name in node_names(viz.to_dot(fetches=[check]))   # what you fetch is drawn
    assert train is not None and loss is not None


def test_fold_false_draws_every_node_and_edge_as_tensorboard_does():
    graph, _ = tf1_graph("adam_global_step")
    ops = graph.get_operations()
    dot = viz.to_dot(graph, fold=False)
    assert node_names(dot) == {op.name for op in ops}
    drawn = {(a.split("#")[0], b) for a, b, _ in edges(dot)}
    drawn |= {(b.split("#")[0], a) for a, b, attrs in edges(dot) if 'dir="back"' in (attrs or "")
              or "writes" in (attrs or "")}        # an update -> the variable it writes
    wanted = {(t.op.name, op.name) for op in ops for t in op.inputs}
    wanted |= {(c.name, op.name) for op in ops for c in op.control_inputs}
    assert wanted <= drawn
    # every write goes to the variable itself (no copy beside the update: that is folding)
    writes = [b for a, b, attrs in edges(dot) if "writes" in (attrs or "")]
    assert writes and not any("#" in b for b in writes)
    # every scope is a cluster (but those holding only a constant drawn beside each user)
    clusters = set(re.findall(r'subgraph "cluster_\d+_([^"]+)"', dot))
    in_place = {op for op in ops if node_attrs(dot, op.name) is not None}
    scopes = {op.name.rsplit("/", 1)[0] for op in in_place if "/" in op.name}
    assert scopes <= clusters and len(in_place) > 0.9 * len(ops)


def test_run_highlights_see_through_the_folding():
    m = lecture_net()
    graph = tf.get_default_graph()
    planned = RunTrace.planned(graph, [m["loss"]], [m["x"], m["y"]])
    # a folded read counts as executed when the read executed
    planned.executed = [op for op in planned.executed if op.name != "w1"]
    dot = viz.to_dot(trace=planned)
    assert viz.GREY_FILL not in node_attrs(dot, "w1")
    # a constant drawn as a label never greys its op out
    planned.executed = [op for op in planned.executed if op.name != "h/y"]
    assert viz.GREY_FILL not in node_attrs(viz.to_dot(trace=planned), "h")
    # focus and path: on the node that draws the folded op; a label's part turns red
    read = graph.get_operation_by_name("w1/read")
    dot = viz.to_dot(fetches=[m["loss"]], focus=[read], path=[graph.get_operation_by_name("h/y")])
    assert 'color="%s"' % viz.FOCUS_COLOR in node_attrs(dot, "w1")
    assert viz.PATH_COLOR in node_attrs(dot, "h")
    dot = viz.to_dot(fetches=[m["loss"]], focus=[graph.get_operation_by_name("h/y")])
    assert 'color="%s"' % viz.FOCUS_COLOR in node_attrs(dot, "h")
    assert '<FONT COLOR="%s">y=0</FONT>' % viz.FOCUS_COLOR in label_of(dot, "h")
    # a fetched read: the variable is double-bordered; a fed read is cut, so drawn itself
    dot = viz.to_dot(fetches=[read.outputs[0]])
    assert "peripheries" in node_attrs(dot, "w1") and "w1/read" not in node_names(dot)
    dot = viz.to_dot(fetches=[m["loss"]], feed_dict=[read.outputs[0]])
    assert "fed" in node_attrs(dot, "w1/read")


def test_a_traced_update_run_still_shows_reads_writes_and_prunes_through_the_folding():
    m = lecture_net()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    md = tf.RunMetadata()
    sess.run([m["loss"], m["updates"]], m["feed"], run_metadata=md,
             options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE))
    dot = viz.to_dot(trace=trace_of(md), collapse=["gradients"])
    a1 = m["a1"].op.name
    assert 'color="#cb4335"' in node_attrs(dot, "w1#" + a1)        # written beside Assign
    assert "#2e86c1" in node_attrs(dot, "w1")                       # read
    assert viz.GREY_FILL in node_attrs(dot, "w1/Assign")            # the initializer: pruned
    assert viz.GREY_FILL in node_attrs(dot, drawn_id(dot, "random_normal"))
    assert viz.GREY_FILL not in node_attrs(dot, "h")
    writes = [attrs for a, b, attrs in edges(dot) if (a, b) == (a1, "w1#" + a1)]
    assert writes and "writes" in writes[0] and "dashed" not in writes[0]
    pruned = [attrs for a, b, attrs in edges(dot) if (a, b) == ("w1/Assign", "w1")]
    assert pruned and "writes" in pruned[0] and "dashed" in pruned[0]


def test_the_dot_is_deterministic():
    def build():
        graph = tf.Graph()
        with graph.as_default():
            lecture_net()
        return graph
    for options in ({}, {"fold": False}, {"expand": ["gradients"], "link_gradients": True}):
        assert viz.to_dot(build(), **options) == viz.to_dot(build(), **options)
    g1, g2 = tf1_graph("adam_global_step")[0], tf1_graph("adam_global_step")[0]
    assert viz.to_dot(g1, expand=["Adam"]) == viz.to_dot(g2, expand=["Adam"])


# ------------------------------------------------------------------------------------------
# The lessons' drawings must not grow
# ------------------------------------------------------------------------------------------

#: (nodes, edges) of the lecture drawings on main before folding (commit 4a5428c), the
#: legend aside; a constant drawn beside each of its users counts once per copy
MAIN_SIZES = {
    "forward": (30, 32), "backward": (31, 41), "backward expanded": (55, 70),
    "loss and updates": (25, 35), "loss": (15, 14), "traced update run": (32, 43),
    "stepper": (39, 42), "explorer": (32, 43),
    # the programs of tests/tf_reference/graph_programs.py, as minigraph built them
    "lecture_variables/all": (32, 43), "lecture_variables/forward": (31, 34),
    "lecture_variables/loss+updates": (25, 35),
    "adam_global_step/all": (63, 94), "adam_global_step/forward": (62, 81),
    "adam_global_step/loss+updates": (41, 62),
    "gradient_descent/all": (35, 53), "gradient_descent/forward": (34, 40),
    "gradient_descent/loss+updates": (28, 43),
    "momentum/all": (43, 65), "momentum/forward": (42, 52), "momentum/loss+updates": (32, 49),
    "layers_dense/all": (51, 69), "layers_dense/forward": (50, 58),
    "layers_dense/loss+updates": (33, 49),
}


def size(dot):
    nodes = [n for n in re.findall(r'^\s*"([^"]+)" \[', dot, re.M) if n != "legend"]
    return len(nodes), len(edges(dot))


def lecture_drawings():
    """The drawings of the lecture net the lessons make: ``{name: DOT}``."""
    from widgets import graph_explorer, run_stepper
    graph = tf.Graph()
    with graph.as_default():
        m = lecture_net()
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        md = tf.RunMetadata()
        sess.run([m["loss"], m["updates"]], m["feed"], run_metadata=md,
                 options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE))
        steps, full, _ = run_stepper.collect_steps(sess, [m["loss"], m["g1"]], m["feed"])
        planned = graph_explorer.planned_trace(graph, [m["loss"]], [m["x"], m["y"]])
    return {
        "forward": viz.to_dot(graph, backward=False),
        "backward": viz.to_dot(graph),
        "backward expanded": viz.to_dot(graph, expand=["gradients"], link_gradients=True),
        "loss and updates": viz.to_dot(fetches=[m["loss"], m["updates"]]),
        "loss": viz.to_dot(fetches=[m["loss"]]),
        "traced update run": viz.to_dot(graph, trace=trace_of(md), collapse=["gradients"]),
        "stepper": run_stepper.stepper_dot(graph, [m["loss"], m["g1"]], full, 0),
        "explorer": graph_explorer.explorer_dot(graph, planned, collapse=["gradients"]),
    }


@pytest.mark.parametrize("name", ["forward", "backward", "backward expanded",
                                  "loss and updates", "loss", "traced update run", "stepper",
                                  "explorer"])
def test_the_lecture_drawings_are_no_bigger_than_before_folding(name):
    nodes, n_edges = size(lecture_drawings()[name])
    main_nodes, main_edges = MAIN_SIZES[name]
    assert nodes <= main_nodes and n_edges <= main_edges, (name, nodes, n_edges)


@pytest.mark.parametrize("program", ["lecture_variables", "adam_global_step",
                                     "gradient_descent", "momentum", "layers_dense"])
def test_tf1s_own_graphs_draw_no_bigger_than_minigraphs_did(program):
    """Once minigraph builds TF1's graph node for node (``graphs.json``: 2 to 3 times the
    ops), its drawings must still be no bigger than main's drawings of the simpler graph."""
    graph, returned = tf1_graph(program)
    fetches = [graph.as_graph_element(returned["loss"]),
               graph.as_graph_element(returned["updates"])]
    for kind, options in (("all", {}), ("forward", {"backward": False}),
                          ("loss+updates", {"fetches": fetches})):
        nodes, n_edges = size(viz.to_dot(graph, **options))
        main_nodes, main_edges = MAIN_SIZES[program + "/" + kind]
        assert nodes <= main_nodes and n_edges <= main_edges, (kind, nodes, n_edges)
        # and TF1's graph unfolded is much bigger: the folding does the work
        assert size(viz.to_dot(graph, fold=False, **options))[0] > main_nodes


# ------------------------------------------------------------------------------------------
# TF1's graphs (tests/tf_reference/graphs.json) as minigraph graphs of stand-in ops
# ------------------------------------------------------------------------------------------

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_reference",
                       "graphs.json")) as _f:
    TF1_GRAPHS = json.load(_f)

_DTYPES = {"type:1": np.float32, "type:2": np.float64, "type:3": np.int32,
           "type:9": np.int64, "type:10": np.bool_}
FUSED_MATH = "var <- var - lr * update(grad, slots)"
#: TF1's fused updates (coming to minigraph): the inputs they write
_FUSED_REFS = {"ApplyGradientDescent": (0,), "ApplyMomentum": (0, 1), "ApplyAdam": (0, 1, 2),
               "ApplyAdagrad": (0, 1), "ApplyRMSProp": (0, 1, 2)}


def _const_value(attrs):
    v, dtype = attrs.get("value"), _DTYPES.get(attrs.get("dtype"), np.float32)
    if isinstance(v, dict):
        return np.array(v["values"], dtype).reshape(v["shape"])
    if isinstance(v, str) and v.startswith("big:"):
        return np.zeros([int(d) for d in v[4:].split(",")], dtype)
    return np.array(v)


def _stand_in(op_type, n_outputs):
    """An op type named as TF1's: minigraph's own class where there is one (its kind, ref
    inputs and docstring), with a shape-agnostic ``infer``; a fused update writes its refs."""
    base = REGISTRY.get(op_type, OpDef)
    ns = {"type": op_type}
    if op_type == "Const":
        ns["infer"] = staticmethod(lambda inputs, attrs: (
            TensorShape(attrs["value"].shape), tf.as_dtype(attrs["value"].dtype)))
    else:
        ns["infer"] = staticmethod(lambda inputs, attrs: [(TensorShape(None), tf.float32)]
                                   * n_outputs)
    if op_type in _FUSED_REFS:
        ns.update(kind="assign", writes_refs=True, ref_inputs=_FUSED_REFS[op_type],
                  __doc__=FUSED_MATH + "\n\nWrites its ref inputs.")
    return type(op_type, (base,), ns)


def _forward_op(graph, name):
    """The forward op a node under ``gradients/`` differentiates (None outside)."""
    if not name.startswith("gradients/"):
        return None
    parts = name.split("/")[1:]
    for i, p in enumerate(parts):
        if p.endswith("_grad"):
            try:
                return graph.get_operation_by_name("/".join(parts[:i] + [p[:-5]]))
            except (KeyError, ValueError):
                break
    return graph.get_operations()[0]


def tf1_graph(program):
    """The graph TF1 built for ``program`` (node names, types, inputs, constants' values)
    as a minigraph Graph of stand-in ops, and the names of what the program returns."""
    nodes = TF1_GRAPHS[program]["nodes"]
    outputs = {}
    for n in nodes:
        for i in n["inputs"]:
            if not i.startswith("^"):
                name, _, k = i.partition(":")
                outputs[name] = max(outputs.get(name, 1), int(k or 0) + 1)
    graph = tf.Graph()
    with graph.as_default():
        for n in nodes:
            data = [graph.get_tensor_by_name(i if ":" in i else i + ":0")
                    for i in n["inputs"] if not i.startswith("^")]
            control = [graph.get_operation_by_name(i[1:]) for i in n["inputs"]
                       if i.startswith("^")]
            n_out = 0 if n["op"] == "NoOp" and n["name"] not in outputs else \
                outputs.get(n["name"], 1)
            attrs = {"value": _const_value(n["attrs"])} if n["op"] == "Const" else {}
            with graph.control_dependencies(control), \
                    graph.gradient_scope(_forward_op(graph, n["name"])):
                graph.create_op(_stand_in(n["op"], n_out), data, attrs, name=n["name"] + "/")
    return graph, TF1_GRAPHS[program]["returned"]


def test_a_traced_cond_draws_its_dead_branch_apart_and_says_which_branch_ran():
    x = tf.placeholder(tf.float32, (), name="x")
    p = tf.placeholder(tf.bool, (), name="p")
    r = tf.cond(p, lambda: x * 2.0, lambda: x - 1.0)
    sess = tf.Session()
    md = tf.RunMetadata()
    assert sess.run(r, {x: 3.0, p: False}, run_metadata=md,
                    options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)) == 2.0
    dot = viz.to_dot(trace=trace_of(md), collapse=[])
    dead = node_attrs(dot, "cond/mul")                 # the true branch: dead, dotted
    assert "dotted" in dead and 'tooltip="dead:' in dead
    assert "dotted" not in node_attrs(dot, "cond/sub")              # the branch that ran
    assert "false branch ran" in dot and 'shape="invtrapezium"' in dot   # at cond/Merge


# ------------------------------------------------------------------------------------------
# Drawings a student can compare (issue 15): constants by value, one name per node, forward
# constants in the forward pass, 1,200 px wide, one layout per graph, values with gradients
# ------------------------------------------------------------------------------------------

def _two_layer(variables=True, N=64, D=1000, H=100):
    """The lecture's net as the lessons build it (their sizes, so their labels' widths)."""
    x = tf.placeholder(tf.float32, (N, D), name="x")
    y = tf.placeholder(tf.float32, (N, D), name="y")
    if variables:
        w1 = tf.Variable(tf.random_normal((D, H)), name="w1")
        w2 = tf.Variable(tf.random_normal((H, D)), name="w2")
    else:
        w1 = tf.placeholder(tf.float32, (D, H), name="w1")
        w2 = tf.placeholder(tf.float32, (H, D), name="w2")
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    loss = tf.reduce_mean(tf.reduce_sum((y_pred - y) ** 2, axis=1))
    return x, y, w1, w2, y_pred, loss


def convnet():
    """Lesson 08's model: conv - batch norm - relu - pool - dense, trained with tf.layers
    and AdamOptimizer (its drawing of ``[loss, train_op]`` was 2,916 px wide)."""
    x = tf.placeholder(tf.float32, (None, 8, 8, 1), name="x")
    training = tf.placeholder_with_default(False, (), name="training")
    h = tf.layers.conv2d(x, 16, 3, padding="same", name="conv")
    h = tf.layers.batch_normalization(h, training=training, name="bn")
    h = tf.nn.relu(h, name="relu")
    h = tf.layers.max_pooling2d(h, 2, 2, name="pool")
    scores = tf.layers.dense(tf.layers.flatten(h), 10, name="scores")
    y = tf.placeholder(tf.int32, (None,), name="y")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                          logits=scores))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.AdamOptimizer(1e-2).minimize(loss)
    return scores, loss, train_op


def lesson_drawings():
    """The drawings the lessons make, on graphs built as they build them: ``{name: DOT}``."""
    out = {}
    rng = np.random.RandomState(0)
    N, D, H = 64, 1000, 100
    with tf.Graph().as_default():                      # 01: the values of one run
        x, y, w1, w2, _, loss = _two_layer(variables=False)
        feed = {x: rng.randn(N, D), y: rng.randn(N, D), w1: rng.randn(D, H),
                w2: rng.randn(H, D)}
        _, run = traced_run(tf.Session(), loss, feed, keep_values=True)
        out["01 loss with values"] = viz.to_dot(fetches=loss, trace=run, show_values=True)
    with tf.Graph().as_default() as graph:             # 02: the backward pass
        x, y, w1, w2, _, loss = _two_layer(False, 8, 10, 5)
        g1, g2 = tf.gradients(loss, [w1, w2])
        out["02 backward expanded"] = viz.to_dot(graph, expand=["gradients"],
                                                 link_gradients=True)
        feed = {x: rng.randn(8, 10), y: rng.randn(8, 10), w1: rng.randn(10, 5),
                w2: rng.randn(5, 10)}
        _, run = traced_run(tf.Session(), [loss, g1, g2], feed, keep_values=True)
        out["02 values and gradients"] = viz.to_dot(fetches=[loss, g1, g2], trace=run,
                                                    show_values=True)
    with tf.Graph().as_default():                      # 05: the bug and its fix
        x, y, w1, w2, _, loss = _two_layer()
        g1, g2 = tf.gradients(loss, [w1, w2])
        updates = tf.group(w1.assign(w1 - 1e-5 * g1), w2.assign(w2 - 1e-5 * g2))
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        feed = {x: rng.randn(N, D), y: rng.randn(N, D)}
        out["05 bug"] = viz.to_dot(trace=traced_run(sess, [loss], feed)[1],
                                   collapse=["gradients"])
        out["05 fix"] = viz.to_dot(trace=traced_run(sess, [loss, updates], feed)[1],
                                   collapse=["gradients"])
    for name, optimizer, options in (                   # 06: optimizers, losses
            ("06 minimize", tf.train.GradientDescentOptimizer, {}),
            ("06 minimize expanded", tf.train.GradientDescentOptimizer,
             {"expand": ["GradientDescent"]}),
            ("06 momentum", lambda: tf.train.MomentumOptimizer(1e-6, momentum=0.9),
             {"collapse": ["gradients", "Momentum/update_w2"]}),
            ("06 adam", tf.train.AdamOptimizer, {})):
        with tf.Graph().as_default():
            *_, loss = _two_layer()
            opt = optimizer() if name == "06 momentum" else optimizer(1e-3)
            updates = opt.minimize(loss)
            fetches = [updates] if name == "06 momentum" else [loss, updates]
            out[name] = viz.to_dot(fetches=fetches, **options)
    with tf.Graph().as_default():
        x, y, _, _, y_pred, _ = _two_layer()
        mse = tf.losses.mean_squared_error(y_pred, y)
        out["06 mse expanded"] = viz.to_dot(fetches=mse, feed_dict=[x, y],
                                            expand=["mean_squared_error"])
    with tf.Graph().as_default():                      # 07: layers
        x = tf.placeholder(tf.float32, (N, D), name="x")
        y = tf.placeholder(tf.float32, (N, D), name="y")
        init = tf.contrib.layers.xavier_initializer()
        h = tf.layers.dense(inputs=x, units=H, activation=tf.nn.relu, kernel_initializer=init)
        y_pred = tf.layers.dense(inputs=h, units=D, kernel_initializer=init)
        loss = tf.losses.mean_squared_error(y_pred, y)
        updates = tf.train.GradientDescentOptimizer(1e0).minimize(loss)
        out["07 dense"] = viz.to_dot(fetches=[y_pred])
        out["07 dense trained"] = viz.to_dot(fetches=[loss, updates])
    with tf.Graph().as_default():                      # 08: the convnet
        scores, loss, train_op = convnet()
        out["08 convnet"] = viz.to_dot(fetches=[scores], backward=False, collapse=["bn"])
        out["08 convnet trained"] = viz.to_dot(fetches=[loss, train_op])
    with tf.Graph().as_default() as graph:             # 09: summaries
        x = tf.placeholder(tf.float32, shape=(N, D), name="x")
        y = tf.placeholder(tf.float32, shape=(N, D), name="y")
        xavier = tf.contrib.layers.xavier_initializer()
        with tf.name_scope("layer1"):
            w1 = tf.Variable(xavier((D, H)), name="w1")
            h = tf.nn.relu(tf.matmul(x, w1))
        with tf.name_scope("layer2"):
            w2 = tf.Variable(xavier((H, D)), name="w2")
            y_pred = tf.matmul(h, w2)
        loss = tf.losses.mean_squared_error(y_pred, y)
        learning_rate = tf.placeholder_with_default(1e-3, shape=(), name="learning_rate")
        train_op = tf.train.AdamOptimizer(learning_rate).minimize(loss)
        tf.global_variables_initializer()
        tf.summary.scalar("loss", loss)
        tf.summary.scalar("lr", learning_rate)
        tf.summary.histogram("w1", w1)
        tf.summary.histogram("w2", w2)
        merged = tf.summary.merge_all()
        out["09 summaries"] = viz.to_dot(fetches=[merged])
        out["09 summaries and training"] = viz.to_dot(fetches=[merged, train_op])
        scopes = sorted({op.name.split("/")[0] for op in graph.get_operations()
                         if "/" in op.name})
        out["09 every scope collapsed"] = viz.to_dot(collapse=scopes)
    return out


def all_drawings():
    drawings = dict(lecture_drawings())
    drawings.update(lesson_drawings())
    return drawings


_NODE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)" \[(.*)\];$', re.M)


def titles(dot):
    """``{node id: the name its label shows}`` (the bold first words), boxes and the legend
    aside."""
    out = {}
    for node_id, attrs in _NODE.findall(dot):
        m = re.search(r"label=<<B>(.*?)</B>", attrs)
        if m and not node_id.startswith("scope:"):
            out[node_id] = m.group(1)
    return out


def drawn_op(dot, node_id):
    """``(name, type)`` of the op a node draws, from its tooltip's line ``name (Type): ...``
    (after what the run did with it, or that it is a copy)."""
    tooltip = re.search(r'tooltip="((?:[^"\\]|\\.)*)"', node_attrs(dot, node_id)).group(1)
    for line in tooltip.split("\\n"):
        m = re.match(r"(\S+) \((\w+)\): ", line)
        if m:
            return m.group(1), m.group(2)
    raise AssertionError("no op in the tooltip of %s: %s" % (node_id, tooltip))


def test_a_constant_drawn_as_a_node_shows_its_value_not_the_slot_it_feeds():
    m = lecture_net()
    x = tf.placeholder(tf.float32, (3,), name="x3")
    c = tf.constant(2.0, name="c")                         # yours: its name too
    big = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4))
    ones = tf.constant(np.ones((3, 4), np.float32))        # one number: that number
    z = tf.add(tf.matmul(tf.reshape(x * c, (1, 3)), big), tf.reduce_sum(ones), name="z")
    dot = viz.to_dot(expand=["gradients"])
    shown = titles(dot)
    assert shown["c"] == "c = 2" and shown[big.op.name] == "min 0 mean 5.5 max 11"
    assert shown[ones.op.name] == "1"
    assert shown["gradients/grad_ys_0"] == "1"             # the 1 that starts the backward pass
    unfolded = viz.to_dot(fold=False, collapse=[])         # every constant is a node
    assert titles(unfolded)["h/y#h"] == "0" and titles(unfolded)["pow/y#pow"] == "2"
    assert titles(unfolded)["gradients/pow_grad/sub/y"] == "1"
    # no constant anywhere is labelled by the slot it feeds (x and y: the placeholders' names)
    for name, drawing in all_drawings().items():
        for node_id, title in titles(drawing).items():
            op_name, op_type = drawn_op(drawing, node_id)
            if op_type == "Const":
                assert title not in ("x", "y") and re.match(r"[\w ]+ = |[-\d\[(']|min |True|False",
                                                            title), (name, node_id, title)
    assert z is not None and m is not None


def test_summaries_show_their_tag_in_their_label():
    w = tf.Variable(np.ones(3, np.float32), name="w")
    tf.summary.histogram("weights", w)
    dot = viz.to_dot()
    assert "<B>weights</B> (tag='weights')" in label_of(dot, "weights")
    assert "weights/tag" not in node_names(dot)


@pytest.mark.parametrize("name", sorted(all_drawings()))
def test_no_two_nodes_of_a_drawing_show_the_same_name(name):
    """Two different ops never show the same name: the op the user's ``w1.assign`` made
    (``Assign``) and ``w1``'s initializer (``w1/Assign``, in w1's box) show their scope.
    A constant shows its value (two zeros are both ``0``); a copy of a node (a constant
    beside each user, a variable beside each update) shows its name again."""
    drawing = all_drawings()[name]
    by_title = {}
    for node_id, title in titles(drawing).items():
        op_name, op_type = drawn_op(drawing, node_id)
        if op_type != "Const":
            by_title.setdefault(title, set()).add(op_name)
    clashes = {t: ops for t, ops in by_title.items() if len(ops) > 1}
    assert not clashes, clashes


def test_the_users_assign_and_the_initializer_are_told_apart():
    m = lecture_net()
    shown = titles(viz.to_dot(collapse=["gradients"]))
    assert shown["w1/Assign"] == "w1/Assign" and shown[m["a1"].op.name] == "Assign"


def _clusters_of(dot):
    """``{node id: [names of the boxes around it, outermost first]}``."""
    out, stack = {}, []
    for line in dot.split("\n"):
        m = re.match(r'\s*subgraph "cluster_\d+_([^"]*)" \{$', line)
        if m:
            stack.append(m.group(1))
        elif line.strip() == "}" and stack:
            stack.pop()
        else:
            n = _NODE.match(line)
            if n and not line.lstrip().startswith(("graph ", "node ", "edge ")):
                out[n.group(1)] = list(stack)
    return out


def test_a_forward_constant_is_drawn_once_in_the_forward_pass():
    x = tf.placeholder(tf.float32, (3,), name="x")
    c = tf.constant(3.0, name="c")
    loss = tf.reduce_sum(tf.exp(x * c), name="loss")          # d/dx: exp(x c) c
    grad, = tf.gradients(loss, x)
    dot = viz.to_dot(expand=["gradients"])
    boxes = _clusters_of(dot)
    assert [n for n in boxes if n.split("#")[0] == "c"] == ["c"]   # one node, not a copy
    assert not any(b.startswith("gradients") for b in boxes["c"])
    users = [b for a, b, _ in edges(dot) if a == "c"]
    assert users and not any(u.startswith("gradients/") for u in users)
    # the gradient op that multiplies by c says so in its label, by value
    assert any("(c=3)" in (label_of(dot, n) or "") for n in boxes if n.startswith("gradients/"))
    # and in every lesson drawing, the boxes of the backward pass hold backward ops only
    graph = tf.get_default_graph()
    assert grad is not None and graph is not None
    for name, drawing in all_drawings().items():
        for node_id, around in _clusters_of(drawing).items():
            if any(b.split("/")[0].startswith("gradients") for b in around) and \
                    node_id != "legend":
                op_name, op_type = drawn_op(drawing, node_id)
                assert op_type != "Const" or "grad of" in label_of(drawing, node_id), \
                    (name, node_id)


def test_the_lesson_drawings_are_as_small_as_before():
    """Writes drawn beside their updates add a node each; constants and composites folded
    take more away: every lesson drawing is smaller than main's before folding."""
    for name, dot in lecture_drawings().items():
        nodes, n_edges = size(dot)
        assert nodes <= MAIN_SIZES[name][0] and n_edges <= MAIN_SIZES[name][1], name


def test_the_value_and_the_gradient_of_each_node_are_drawn_together():
    """``show_values`` with a trace that kept values: each forward node shows its value and,
    where the run computed it, the gradient of the fetched loss with respect to its output,
    as numbers for a scalar, min/max and mean for an array (checked against numpy)."""
    x = tf.placeholder(tf.float32, (2, 3), name="x")
    w0 = np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.5]], np.float32)
    w = tf.Variable(w0, name="w")
    h = tf.maximum(tf.matmul(x, w), 0, name="h")
    loss = tf.reduce_mean(h ** 2, name="loss")
    g_w, = tf.gradients(loss, [w])
    sess = tf.Session()
    sess.run(w.initializer)
    x0 = np.array([[1, 2, 3], [-1, 0.5, 2]], np.float32)
    _, run = traced_run(sess, [loss, g_w], {x: x0}, keep_values=True)
    dot = viz.to_dot(fetches=[loss, g_w], trace=run, show_values=True)
    # numpy, by hand
    a = x0 @ w0                                     # MatMul
    h0 = np.maximum(a, 0)
    d_pow = np.full_like(h0, 1 / h0.size)           # d mean / d pow
    d_h = d_pow * 2 * h0
    d_a = d_h * (a >= 0)                            # Maximum: the gradient goes to a where a >= 0
    want = {"MatMul": (a, d_a), "h": (h0, d_h), "pow": (h0 ** 2, d_pow), "w": (w0, x0.T @ d_a),
            "loss": (np.mean(h0 ** 2), 1.0), "x": (x0, None)}
    for name, (value, grad) in want.items():
        label = label_of(dot, name)
        assert close(shown_value(label, viz.VALUE_COLOR), value), (name, label)
        if grad is None:                            # nobody asked for the gradient of x
            assert viz.GRADIENT_COLOR not in label
        else:
            assert close(shown_value(label, viz.GRADIENT_COLOR), grad), (name, label)
    # a gradient op shows its own value only
    opened = viz.to_dot(fetches=[loss, g_w], trace=run, show_values=True, expand=["gradients"])
    select = label_of(opened, "gradients/h_grad/Select")
    assert close(shown_value(select, viz.VALUE_COLOR), d_a)
    assert viz.GRADIENT_COLOR not in select
    # without values the lines are not there; in a run that did not compute a gradient, the
    # gradient line is there, empty (the layout is the run's with gradients)
    assert viz.VALUE_COLOR not in viz.to_dot(fetches=[loss, g_w], trace=run)
    _, forward = traced_run(sess, [loss, g_w], {x: x0})
    empty = label_of(viz.to_dot(fetches=[loss, g_w], trace=forward, show_values=True), "h")
    assert '<FONT POINT-SIZE="8" COLOR="%s"> </FONT>' % viz.GRADIENT_COLOR in empty


def shown_value(label, colour):
    """The numbers a label's value (or gradient) lines show: a number, an array in full, or
    ``{"min":, "max":, "mean":}``."""
    text = " ".join(re.findall(r'<FONT POINT-SIZE="8" COLOR="%s">(.*?)</FONT>' % colour, label))
    text = text.replace("= ", "").replace("grad ", "").strip()
    if text.startswith("min"):
        return {k: float(v) for k, v in re.findall(r"(min|max|mean) (\S+)", text)}
    if text.startswith("["):
        return np.array(json.loads(text.replace(".,", ",").replace(".]", "]")))
    return float(text)


def close(shown, want):
    want = np.asarray(want, np.float64)
    if isinstance(shown, dict):
        shown, want = [shown["min"], shown["mean"], shown["max"]], \
            [want.min(), want.mean(), want.max()]
    return np.allclose(shown, want, rtol=5e-3, atol=1e-6)


def _bug_and_fix_runs():
    """Lesson 05's two runs of the lecture net: fetching only the loss, then the loss and the
    updates; returns the net, its graph, the session and the two traces."""
    m = lecture_net()
    graph = tf.get_default_graph()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    _, bug = traced_run(sess, [m["loss"]], m["feed"])
    _, fix = traced_run(sess, [m["loss"], m["updates"]], m["feed"])
    return m, graph, sess, bug, fix


def test_the_structure_of_a_drawing_does_not_depend_on_the_run_or_the_highlight():
    """What sizes and places the nodes (their set, labels, boxes, edges) is the same for the
    bug run and the fix run of lesson 05, for every step of the stepper, and with or
    without a focus, muted ops or a path; only colours differ."""
    from widgets import run_stepper
    m, graph, sess, bug, fix = _bug_and_fix_runs()
    skeleton = viz.layout_skeleton
    assert skeleton(viz.to_dot(trace=bug, collapse=["gradients"])) == \
        skeleton(viz.to_dot(trace=fix, collapse=["gradients"])) == \
        skeleton(viz.to_dot(collapse=["gradients"], feed_dict=m["feed"])) == \
        skeleton(viz.to_dot(collapse=["gradients"], feed_dict=m["feed"], focus=[m["x"]],
                            muted=[m["a1"].op],
                            path=[m["loss"].op, graph.get_operation_by_name("h/y")]))
    steps, full, _ = run_stepper.collect_steps(sess, [m["loss"], m["g1"]], m["feed"])
    dots = [run_stepper.stepper_dot(graph, [m["loss"], m["g1"]], full, i)
            for i in range(len(steps))]
    assert len({skeleton(d) for d in dots}) == 1 and len(set(dots)) == len(dots)


def svg_of(dot):
    svg = viz.GraphView(dot).svg()
    if svg is None:
        pytest.skip("Graphviz is not installed")
    return svg


def svg_width_px(svg):
    """The SVG's width in CSS pixels: Graphviz writes points (1 pt = 4/3 px)."""
    m = re.search(r'<svg width="([\d.]+)pt"', svg)
    return float(m.group(1)) * 4 / 3


def node_centers(svg):
    """``{node title: (x, y)}``: the centre of each node's shape in the SVG (a double
    border is drawn around the same centre)."""
    out = {}
    for m in re.finditer(r'<g id="node\d+" class="node">\s*<title>(.*?)</title>(.*?)</g>',
                         svg, re.S):
        body = re.sub(r"<text.*?</text>", "", m.group(2), flags=re.S)
        nums = []
        for points in re.findall(r'\s(?:points|d)="([^"]*)"', body):
            nums += [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", points)]
        for cx, cy in re.findall(r'cx="([-\d.]+)" cy="([-\d.]+)"', body):
            nums += [float(cx), float(cy)]
        xs, ys = nums[0::2], nums[1::2]
        out[m.group(1)] = (round((min(xs) + max(xs)) / 2, 1), round((min(ys) + max(ys)) / 2, 1))
    return out


@pytest.mark.parametrize("name", sorted(all_drawings()))
def test_the_lesson_drawings_fit_1200_px(name):
    assert svg_width_px(svg_of(all_drawings()[name])) <= 1200


def test_the_convnet_trained_with_adam_fits_without_writes_across_it():
    with tf.Graph().as_default():
        scores, loss, train_op = convnet()
        dot = viz.to_dot(fetches=[loss, train_op])
    assert svg_width_px(svg_of(dot)) <= 1200
    boxes = _clusters_of(dot)
    # the optimizer, collapsed, holds its slots; its writes go to copies drawn beside it
    assert "scope:Adam" in boxes and not any("/Adam" in n for n in boxes)
    writes = [(a, b) for a, b, attrs in edges(dot) if "writes" in (attrs or "")]
    assert {b for a, b in writes if a == "scope:Adam"} == {
        v + "#scope:Adam" for v in ("conv/kernel", "conv/bias", "bn/gamma", "bn/beta",
                                    "scores/kernel", "scores/bias")}
    assert all(boxes[b] == boxes[a] for a, b in writes)      # beside it: in the same box
    assert "scope:bn" in boxes and "batch normalization" in node_attrs(dot, "scope:bn")


def test_the_same_graph_drawn_twice_keeps_its_layout():
    """Lesson 05's bug and fix, the stepper's steps, a focus, muted ops and a path, values
    shown or not yet known: the nodes sit at the same places, only colours change."""
    from widgets import graph_explorer, run_stepper
    m, graph, sess, bug, fix = _bug_and_fix_runs()
    bug_svg = svg_of(viz.to_dot(trace=bug, collapse=["gradients"]))
    fix_svg = svg_of(viz.to_dot(trace=fix, collapse=["gradients"]))
    centers = node_centers(bug_svg)
    assert len(centers) > 20 and node_centers(fix_svg) == centers
    assert svg_width_px(bug_svg) == svg_width_px(fix_svg)
    marked = svg_of(viz.to_dot(trace=fix, collapse=["gradients"], focus=[m["loss"]],
                               muted=[m["a2"].op], path=[m["a1"].op, m["loss"].op]))
    assert node_centers(marked) == centers
    # the stepper: step 3 and step 4, and the last, with their values
    steps, full, _ = run_stepper.collect_steps(sess, [m["loss"], m["g1"]], m["feed"])
    at = [node_centers(svg_of(run_stepper.stepper_dot(graph, [m["loss"], m["g1"]], full, i)))
          for i in (3, 4, len(steps) - 1)]
    assert at[0] == at[1] == at[2]
    # the explorer: planned, then run with values
    planned = graph_explorer.planned_trace(graph, [m["loss"]], [m["x"], m["y"]])
    _, ran = traced_run(sess, [m["loss"]], m["feed"], keep_values=True)
    before = graph_explorer.explorer_dot(graph, planned, show_values=True)
    after = graph_explorer.explorer_dot(graph, ran, show_values=True)
    assert before != after and node_centers(svg_of(before)) == node_centers(svg_of(after))
