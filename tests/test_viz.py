"""DOT drawings: node kinds, clusters, collapsed scopes, run highlighting and the lint.

These tests read the DOT text (structure and attributes), never SVG bytes.
"""

import re
import sys
import warnings

import numpy as np
import pytest

import minigraph as tf
from minigraph import lint, viz


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
    dot = viz.to_dot(collapse=[])
    assert 'shape="invhouse"' in node_attrs(dot, "x")            # placeholder
    assert 'shape="cylinder"' in node_attrs(dot, "w1")           # variable
    assert 'shape="diamond"' in node_attrs(dot, "updates")       # group / no-op
    assert KIND_FILL("assign") in node_attrs(dot, m["a1"].op.name)
    assert KIND_FILL("gradient") in node_attrs(dot, m["g1"].op.name)
    assert KIND_FILL("op") in node_attrs(dot, "h")
    assert KIND_FILL("constant") in node_attrs(dot, "h/y#h")  # one copy per user
    legend = node_attrs(dot, "legend")
    for kind in ("placeholder", "variable", "gradient op", "assign / update op", "constant"):
        assert kind in legend


def KIND_FILL(kind):
    return 'fillcolor="%s"' % viz.KIND_STYLES[kind][1]


def test_data_edges_solid_control_edges_dashed_and_writes_edges_red():
    m = lecture_net()
    dot = viz.to_dot(collapse=[])
    es = {(a, b): attrs or "" for a, b, attrs in edges(dot)}
    assert "dashed" not in es[("x", "MatMul")]
    assert 'style="dashed"' in es[(m["a1"].op.name, "updates")]          # control input of group
    # TF1's ref edge, variable -> Assign, drawn pointing back: the assign writes w1
    writes = es[("w1", m["a1"].op.name)]
    assert "writes" in writes and "#cb4335" in writes and "dir=\"back\"" in writes


def test_forward_only_drawing_leaves_out_every_gradient_op():
    lecture_net()
    dot = viz.to_dot(backward=False, collapse=[])
    assert "gradients/" not in dot
    full = viz.to_dot(backward=True, collapse=[])
    assert '"gradients/MatMul_grad/MatMul"' in full


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
    assert '"gradients/MatMul_grad/MatMul"' not in collapsed
    # edges into and out of the scope are rerouted to its node, once each
    pairs = [(a, b) for a, b, _ in edges(collapsed)]
    assert ("scope:gradients", "mul") in pairs and ("w2/read", "scope:gradients") in pairs
    assert len(pairs) == len(set(pairs))
    expanded = viz.to_dot(expand=["gradients"])
    assert '"scope:gradients"' not in expanded and '"gradients/MatMul_grad/MatMul"' in expanded


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
    dot = viz.to_dot(trace=md.trace)
    for assign in (m["a1"].op.name, m["a2"].op.name, "updates"):
        assert viz.GREY_FILL in node_attrs(dot, assign), assign
    assert viz.GREY_FILL not in node_attrs(dot, "loss")
    assert "peripheries" in node_attrs(dot, "loss")                # fetched
    assert "fed" in node_attrs(dot, "x") and viz.GREY_FILL not in node_attrs(dot, "x")
    assert "#2e86c1" in node_attrs(dot, "w1")                       # read: blue outline
    # and when the update is fetched, the assigns are executed and w1 is written (red)
    sess.run([m["loss"], m["updates"]], m["feed"],
             options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
    dot = viz.to_dot(trace=md.trace)
    assert viz.GREY_FILL not in node_attrs(dot, m["a1"].op.name)
    assert 'color="#cb4335"' in node_attrs(dot, "w1")


def test_values_appear_in_labels_small_in_full_large_summarised():
    x = tf.placeholder(tf.float32, (2,), name="x")
    big = tf.ones((10, 10), name="big")
    s = tf.add(x * 2.0, 1.0, name="s")
    t = tf.reduce_sum(big, name="t")
    md = tf.RunMetadata()
    tf.Session().run([s, t], {x: [1.0, 2.0]}, run_metadata=md,
                     options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE,
                                           keep_values=True))
    dot = viz.to_dot(trace=md.trace, show_values=True)
    assert "= [3., 5.]" in node_attrs(dot, "s")
    assert "(10, 10) min 1 mean 1 max 1" in node_attrs(dot, "big")
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
    planned = tf.RunTrace.planned(tf.get_default_graph(), [m["loss"], m["updates"]],
                                  fed=[m["x"], m["y"]])
    md = tf.RunMetadata()
    sess.run([m["loss"], m["updates"]], m["feed"], run_metadata=md,
             options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE, keep_values=True))
    assert set(planned.executed) == set(md.trace.executed)
    assert set(planned.pruned) == set(md.trace.pruned)
    part = md.trace.until(2)
    assert part.executed == md.trace.executed[:3]
    assert set(part.values) <= {t.name for op in part.executed for t in op.outputs} | {
        "x:0", "y:0"}


def test_shared_constants_are_drawn_beside_each_user_and_backward_edges_climb():
    m = lecture_net()
    dot = viz.to_dot(collapse=[])
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
