"""The widgets, driven without a browser: set ``.value``, ``.click()`` buttons, and check the
resulting state -- highlight sets, DOT content (nodes and attributes, never SVG bytes),
the stepper's position, the training curves, the measured bytes, and the error box.
"""

import html

import ipywidgets as W
import numpy as np
import pytest

import minigraph as tf
from minigraph import viz
from minigraph.op_def import OpDef

import widgets
from widgets import (FeedVsVariables, GradientCheckView, GraphExplorer, RunStepper,
                     TrainingDashboard, VariableTimeline, measure_feed_vs_variables,
                     planned_trace)
from widgets import _common, gradient_check_view as gc_module, run_stepper as rs_module
from widgets._common import BAD_COLORS, OK_COLORS, node_attrs
from minigraph.trace import fast_path, of as trace_of, run_steps

GREY = viz.GREY_FILL
FOCUS = "#e74c3c"


def small_net(lr_placeholder=False):
    """x (2, 3) -> matmul w (3, 1) -> relu-ish -> mean square; assign update; group."""
    x = tf.placeholder(tf.float32, shape=(2, 3), name="x")
    w = tf.Variable(np.array([[0.1], [0.4], [0.7]], np.float32), name="w")
    h = tf.maximum(tf.matmul(x, w), 0, name="h")
    loss = tf.reduce_mean((h - 1.0) ** 2, name="loss")
    g, = tf.gradients(loss, [w])
    lr = tf.placeholder_with_default(0.1, (), name="lr") if lr_placeholder else 0.1
    assign = w.assign(w - lr * g)
    train = tf.group(assign, name="train")
    feed = {x: np.arange(6.0).reshape(2, 3) / 6}
    return dict(x=x, w=w, h=h, loss=loss, g=g, assign=assign, train=train, feed=feed, lr=lr)


def fill(dot, name):
    return (node_attrs(dot, name) or {}).get("fillcolor")


def line(dot, name):
    return (node_attrs(dot, name) or {}).get("color")


def shows_values(dot):
    """True if some node's label shows a value (the ``= ...`` line a trace's values add;
    tooltips hold "=" too, in the math of each op)."""
    return '">= ' in dot


def is_png(value):
    return bytes(value[:4]) == b"\x89PNG"


def assert_error_shown(view, kind, text=""):
    assert view.last_error is not None, "no error was recorded"
    assert "minigraph-error" in view.error.value
    assert kind in view.error.value
    assert text in view.error.value


# ------------------------------------------------------------------------------------------
# shared bits
# ------------------------------------------------------------------------------------------

def test_every_widget_displays_as_a_bare_expression():
    m = small_net()
    views = [GraphExplorer(feed_dict=m["feed"]), RunStepper(m["loss"], m["feed"]),
             TrainingDashboard(m["loss"], m["train"], m["feed"], steps=2),
             FeedVsVariables(sizes=[(2, 3, 2)], steps=2),
             VariableTimeline([m["w"]], _common.ensure_session(None, m["w"].graph),
                              feed_dict=m["feed"]),
             GradientCheckView(m["loss"], [m["w"]], m["feed"])]
    for v in views:
        assert isinstance(v.widget, W.VBox)
        assert v.error in v.widget.children
        bundle = v._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        assert v.last_error is None, (type(v).__name__, v.error.value)
    assert set(widgets.__all__) >= {"GraphExplorer", "RunStepper", "TrainingDashboard",
                                    "FeedVsVariables", "VariableTimeline", "GradientCheckView"}


def test_svg_helper_embeds_svg_or_falls_back_to_dot_text(monkeypatch):
    dot = 'digraph g { "a" -> "b"; }'
    assert "<svg" in _common.svg_html(dot)
    monkeypatch.setattr(viz.GraphView, "svg", lambda self: None)
    html = _common.svg_html(dot)
    assert "<svg" not in html and "<pre" in html
    assert "Graphviz" in html and "&quot;a&quot; -&gt; &quot;b&quot;" in html


def test_explorer_offers_named_fetches_and_feeds():
    m = small_net()
    ge = GraphExplorer(feed_dict=m["feed"])
    names = list(ge.fetch_boxes)
    assert names[0] == "loss"
    assert {"loss", "train", m["assign"].op.name, "w"} <= set(names)
    assert "w/Assign" not in names and "x" not in names          # initializer, placeholder
    assert list(ge.feed_boxes) == ["x"] and ge.feed_boxes["x"].value
    assert [b.description for b in ge.fetch_boxes.values()] == names
    assert ge.scopes.value == ("gradients",)                     # gradients collapsed


def test_explorer_highlight_follows_the_fetches_without_running():
    m = small_net()
    ge = GraphExplorer(feed_dict=m["feed"])
    before = ge.session.run(m["w"])
    assign = m["assign"].op.name
    # loss only: the forward ops run, the update and the gradients are pruned
    assert {"loss", "h", "MatMul", "w"} <= ge.executed
    assert {assign, "train"} <= ge.pruned
    assert not any(n.startswith("gradients") for n in ge.executed)
    assert ge.cut == {"x"}
    assert fill(ge.dot, assign) == GREY and fill(ge.dot, "train") == GREY
    assert fill(ge.dot, "loss") != GREY
    assert fill(ge.dot, "scope:gradients") == GREY               # collapsed, all pruned
    assert node_attrs(ge.dot, "loss")["peripheries"] == "2"      # fetched
    assert "1 update op will not run" in ge.dead_message
    assert "will not run" in ge.lint.value
    # tick the group: the update and the backward graph it needs now run; the gradient
    # for the placeholder x, which TF1 builds too (MatMul, before w's MatMul_1), does not
    ge.fetch_boxes["train"].value = True
    assert {assign, "train", "gradients/MatMul_grad/MatMul_1"} <= ge.executed
    assert "gradients/MatMul_grad/MatMul" in ge.pruned
    assert fill(ge.dot, assign) != GREY and fill(ge.dot, "scope:gradients") != GREY
    assert ge.dead_message == "" and ge.lint.value == ""
    # nothing ran: planning does not touch the session
    np.testing.assert_array_equal(ge.session.run(m["w"]), before)
    # untick the feed: the placeholder itself would have to run, and that needs a feed
    ge.feed_boxes["x"].value = False
    assert "x" in ge.executed and ge.cut == set()
    assert "needs a feed: x" in ge.status.value


def test_planned_trace_matches_what_session_run_executes():
    m = small_net()
    sess = _common.ensure_session(None, m["loss"].graph)
    graph = m["loss"].graph
    for fetches in ([m["loss"]], [m["g"]], [m["loss"], m["train"]], [m["h"]]):
        md = tf.RunMetadata()
        sess.run(fetches, m["feed"], options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                 run_metadata=md)
        planned = planned_trace(graph, fetches, [m["x"]])
        assert planned.executed_names == trace_of(md).executed_names
        assert set(planned.pruned_names) == set(trace_of(md).pruned_names)
        assert {op.name for op in planned.cut} == {op.name for op in trace_of(md).cut}


def test_explorer_direction_scopes_and_values():
    m = small_net()
    ge = GraphExplorer(feed_dict=m["feed"])
    assert node_attrs(ge.dot, "scope:gradients") is not None
    assert node_attrs(ge.dot, "gradients/MatMul_grad/MatMul_1") is None
    ge.scopes.value = ()                                          # expand gradients
    assert node_attrs(ge.dot, "scope:gradients") is None
    assert node_attrs(ge.dot, "gradients/MatMul_grad/MatMul_1") is not None
    ge.direction.value = False                                    # forward only
    assert "gradients/" not in ge.dot and node_attrs(ge.dot, "loss") is not None
    ge.direction.value = True
    assert node_attrs(ge.dot, "gradients/MatMul_grad/MatMul_1") is not None
    ge.scopes.value = ("gradients", "w")
    assert node_attrs(ge.dot, "scope:w") is not None and node_attrs(ge.dot, "w/Assign") is None


def test_explorer_folds_by_default_and_unfolds_for_the_tensorboard_view():
    m = small_net()
    ge = GraphExplorer(feed_dict=m["feed"])
    assert ge.fold.value and node_attrs(ge.dot, "w/read") is None     # drawn as w
    assert node_attrs(ge.dot, "h/y") is None and "<B>h</B> (y=0)" in ge.dot
    ge.fold.value = False                                         # every node and edge
    assert node_attrs(ge.dot, "w/read") is not None and node_attrs(ge.dot, "h/y#h") is not None
    assert fill(ge.dot, "w/read") != GREY                          # still the loss's run
    assert node_attrs(ge.dot, "scope:gradients") is not None       # your collapse stays
    ge.fold.value = True
    assert node_attrs(ge.dot, "w/read") is None and ge.last_error is None


def test_explorer_run_button_runs_with_a_trace_and_draws_values():
    m = small_net()
    ge = GraphExplorer(feed_dict=m["feed"])
    w0 = ge.session.run(m["w"])
    assert not shows_values(ge.dot)                               # no values before a run
    ge.fetch_boxes["train"].value = True
    ge.run_button.click()
    assert ge.last_error is None, ge.error.value
    assert ge.ran and ge.trace.total_seconds > 0 and ge.trace.bytes_fed == 24
    assert ge.trace.variables_written == ["w"]
    assert not np.array_equal(ge.session.run(m["w"]), w0)        # the update ran
    assert "<b>loss</b>" in ge.output.value
    assert viz.describe_value(ge.results[0]) in ge.output.value
    assert shows_values(ge.dot)                                    # values in the labels
    ge.show_values.value = False
    assert not shows_values(ge.dot) and ge.ran                     # still the run's trace
    ge.fetch_boxes["train"].value = False                          # new selection: planned
    assert not ge.ran and not shows_values(ge.dot)


def test_explorer_errors_in_callbacks_are_shown_in_the_widget():
    m = small_net()
    ge = GraphExplorer()                                           # no feed_dict given
    ge.run_button.click()
    assert_error_shown(ge, "ValueError", "feed_dict has no value")
    ge.feed_boxes["x"].value = False                               # another callback clears
    assert ge.last_error is None and ge.error.value == ""
    for box in ge.fetch_boxes.values():
        box.value = False
    ge.run_button.click()
    assert_error_shown(ge, "ValueError", "Tick at least one fetch")
    ge2 = GraphExplorer(feed_dict=m["feed"])
    ge2.session.close()
    ge2.run_button.click()
    assert_error_shown(ge2, "RuntimeError", "closed Session")


# ------------------------------------------------------------------------------------------
# RunStepper
# ------------------------------------------------------------------------------------------

def test_stepper_steps_are_the_sessions_execution_order_forward_then_backward():
    m = small_net()
    rs = RunStepper([m["loss"], m["g"]], feed_dict=m["feed"])
    assert [s.op.name for s in rs.steps] == rs.trace.executed_names
    phases = [rs_module.step_phase(s) for s in rs.steps]
    assert phases[0] == "forward" and phases[-1] == "backward"
    assert phases == sorted(phases, key=lambda p: p == "backward")  # forward, then backward
    assert all((p == "backward") == (s.op.gradient_of is not None)
               for p, s in zip(phases, rs.steps))
    np.testing.assert_allclose(rs.results[1], rs.session.run(m["g"], m["feed"]))


def test_stepper_buttons_move_the_highlighted_node():
    m = small_net()
    rs = RunStepper([m["loss"], m["g"]], feed_dict=m["feed"])
    n = len(rs.steps)
    names = [s.op.name for s in rs.steps]
    assert names[:3] == ["w", "w/read", "MatMul"]      # the variable, its read, its user
    assert rs.index == 0 and "step 1 / %d" % n in rs.label.value
    assert line(rs.dot, "w") == FOCUS
    rs.next_button.click()            # w/read: the variable's read is drawn as the variable
    assert rs.index == 1 and "step 2 / %d" % n in rs.label.value
    assert line(rs.dot, "w") == FOCUS and node_attrs(rs.dot, "w/read") is None
    rs.next_button.click()
    assert line(rs.dot, "MatMul") == FOCUS and line(rs.dot, "w") != FOCUS
    # ops not run yet are grey; the one just run is not
    later = names[-1]
    assert fill(rs.dot, later) == GREY and fill(rs.dot, "MatMul") != GREY
    rs.prev_button.click()
    rs.prev_button.click()
    assert rs.index == 0 and line(rs.dot, "w") == FOCUS
    rs.prev_button.click()                                         # clamped at the start
    assert rs.index == 0
    rs.slider.value = n - 1
    assert line(rs.dot, later) == FOCUS and "backward" in rs.label.value
    assert fill(rs.dot, "w") != GREY
    rs.next_button.click()                                         # clamped at the end
    assert rs.index == n - 1
    rs.reset_button.click()
    assert rs.index == 0 and "forward" in rs.label.value
    i = names.index("h/y")     # Play drives the slider: h/y, the 0 drawn red in h's label
    rs.play.value = i
    assert rs.index == i and line(rs.dot, "h") == FOCUS
    assert '<FONT COLOR="%s">y=0</FONT>' % FOCUS in rs.dot
    assert rs.last_error is None


def test_stepper_describes_the_op_and_shows_matrices_as_heatmaps():
    m = small_net()
    rs = RunStepper([m["loss"], m["g"]], feed_dict=m["feed"])
    i = [s.op.name for s in rs.steps].index("MatMul")
    rs.slider.value = i
    assert "MatMul" in rs.details.value and "x:0" in rs.details.value
    assert "shape (2, 3) float32" in rs.details.value             # the fed input
    assert "test_widgets.py" in rs.details.value                   # where it was created
    assert rs.heatmap.layout.display != "none" and is_png(rs.heatmap.value)
    j = [s.op.name for s in rs.steps].index("loss")
    rs.slider.value = j
    assert rs.heatmap.layout.display == "none"                     # a scalar and a (2, 1)
    # values so far are drawn; the fed placeholder is drawn as cut by its feed
    assert shows_values(rs.dot)
    assert "fed" in node_attrs(rs.dot, "x")["tooltip"]


def test_stepper_shows_one_image_of_one_channel_as_a_heatmap():
    image = tf.placeholder(tf.float32, (1, 5, 4, 1), name="image")
    conv = tf.nn.conv2d(image, tf.ones([3, 3, 1, 1]), 1, "SAME", name="conv")
    step = next(s for s in run_steps(tf.Session(), conv, {image: np.ones((1, 5, 4, 1))})
                if s.op.name == "conv")
    name, matrix = rs_module.matrix_of(step)
    assert name == "conv:0" and matrix.shape == (5, 4)
    assert matrix[0, 0] == 4.0 and matrix[2, 1] == 9.0   # a corner sees 4 pixels, inside 9


def test_stepper_says_what_an_untraced_run_does_with_each_op():
    x = tf.placeholder(tf.float32, (2, 3), name="x")
    w = tf.Variable(np.ones((3, 2), np.float32), name="w")
    loss = tf.reduce_mean(tf.reduce_sum(tf.matmul(x, w) ** 2, axis=1), name="loss")
    g, = tf.gradients(loss, w)
    update = w.assign(w - 0.1 * g, name="update")
    sess = tf.Session()
    sess.run(w.initializer)
    rs = RunStepper([loss, update], feed_dict={x: np.ones((2, 3))}, session=sess)
    fast = fast_path(sess, [loss, update], {x: np.ones((2, 3))})
    assert rs.fast_path is fast
    names = [s.op.name for s in rs.steps]
    cases = {"gradients/loss_grad/BroadcastTo": "folded",   # data-independent: folded once
             "gradients/pow_grad/Pow": "forwarded",         # (x @ w) ** 1
             "update": "without a copy",                     # keeps w - 0.1 * g
             "pow": "cheaper kernel",                        # (x @ w) ** 2 is np.square
             "MatMul": None}                                 # runs as drawn: nothing said
    for name, text in cases.items():
        rs.slider.value = names.index(name)
        if text is None:
            assert "untraced run" not in rs.details.value
        else:
            assert text in rs.details.value, (name, rs.details.value)


def test_stepper_shows_what_a_fused_update_wrote_and_its_math():
    x = tf.placeholder(tf.float32, (2, 3), name="x")
    w = tf.Variable(np.array([[0.1, 0.2], [0.4, -0.3], [0.7, 0.5]], np.float32), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0), name="loss")
    opt = tf.train.AdamOptimizer(0.1)
    train = opt.minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    feed = {x: np.arange(6.0).reshape(2, 3) / 6}
    rs = RunStepper([loss, train], feed_dict=feed, session=sess)
    names = [s.op.name for s in rs.steps]
    rs.slider.value = names.index("Adam/update_w/ApplyAdam")
    details = rs.details.value
    # the update math, from the op's docstring
    assert "lr_t &lt;- lr * sqrt(1 - beta2_power) / (1 - beta1_power)" in details
    assert "var  &lt;- var - m * lr_t / (sqrt(v) + epsilon)" in details
    # every variable it wrote, with the value stored (the session's, after this one run)
    wrote = details[details.index("<b>wrote</b>"):]
    for variable in (w, opt.get_slot(w, "m"), opt.get_slot(w, "v")):
        value = sess.run(variable)
        assert "<code>%s</code> &larr; shape (3, 2) float32: %s" % (
            variable.op.name, html.escape(viz.describe_value(value))) in wrote
    assert rs.writes[names.index("Adam/update_w/ApplyAdam")][0][0] == "w"
    # the inputs listed are the values the kernel read, each beside its own tensor
    inputs = details[details.index("<b>inputs</b>"):details.index("<b>output</b>")]
    assert "<code>w:0</code>" not in inputs                    # the variable itself: written
    assert "<code>Adam/learning_rate:0</code>: shape () float32: 0.1" in inputs
    assert "<code>beta1_power/read:0</code>: shape () float32: 0.9" in inputs
    # the beta power's Assign: its own math, and the new beta1^t
    rs.slider.value = names.index("Adam/Assign")
    assert "var &lt;- value" in rs.details.value
    assert "<code>beta1_power</code> &larr; shape () float32: 0.81" in rs.details.value
    # an op that writes nothing shows neither
    rs.slider.value = names.index("loss")
    assert "<b>update</b>" not in rs.details.value and "<b>wrote</b>" not in rs.details.value
    assert rs_module.describe_step(rs.steps[names.index("loss")], len(names))["writes"] == []


def test_stepper_shows_each_write_as_it_was_right_after_its_step():
    v = tf.Variable(0.0, name="v")
    first = v.assign_add(1.0, name="first")
    with tf.control_dependencies([first]):
        second = v.assign_add(10.0, name="second")
    sess = tf.Session()
    sess.run(v.initializer)
    rs = RunStepper(second, session=sess)
    names = [s.op.name for s in rs.steps]
    assert rs.writes[names.index("first")] == [("v", 1.0)]
    assert rs.writes[names.index("second")] == [("v", 11.0)]
    rs.slider.value = names.index("first")
    assert "<code>v</code> &larr; shape () float32: 1.<" in rs.details.value
    assert "var &lt;- var + value" in rs.details.value


def test_stepper_errors_in_callbacks_are_shown(monkeypatch):
    m = small_net()
    rs = RunStepper(m["loss"], feed_dict=m["feed"])

    def broken(*args, **kwargs):
        raise KeyError("no such node")
    monkeypatch.setattr(rs_module, "stepper_dot", broken)
    rs.next_button.click()
    assert_error_shown(rs, "KeyError", "no such node")


# ------------------------------------------------------------------------------------------
# TrainingDashboard
# ------------------------------------------------------------------------------------------

def test_dashboard_trains_with_the_update_and_stays_flat_without_it():
    m = small_net(lr_placeholder=True)
    td = TrainingDashboard(m["loss"], m["train"], m["feed"], steps=8, learning_rate=m["lr"])
    assert td.lr_slider.value == pytest.approx(0.1) and not td.lr_slider.disabled
    td.train_button.click()
    assert td.last_error is None, td.error.value
    assert len(td.losses) == 8
    assert all(b < a for a, b in zip(td.losses, td.losses[1:])), td.losses
    assert td.dead_message == ""
    assert td.stats["bytes_fed"] == 24 + 4                         # x float32 + lr float32
    assert td.stats["bytes_fetched"] == 4                          # the loss (the group: None)
    assert td.stats["seconds_per_step"] > 0
    assert is_png(td.curve.value) and "Per step" in td.info.value
    td.fetch_update.value = False
    assert "will not run" in td.dead_message and "will not run" in td.lint.value
    td.n_steps.value = 6
    td.train_button.click()
    flat = td.losses[8:]
    assert len(flat) == 6 and all(v == flat[0] for v in flat), flat
    td.step_button.click()
    assert len(td.losses) == 15 and td.losses[-1] == flat[0]
    td.fetch_update.value = True
    td.step_button.click()                      # fetches the loss before its own update
    td.step_button.click()
    assert td.losses[-2] == flat[0] and td.losses[-1] < flat[0]


def test_dashboard_learning_rate_slider_is_fed_to_the_placeholder():
    m = small_net(lr_placeholder=True)
    td = TrainingDashboard(m["loss"], m["train"], m["feed"], steps=5, learning_rate=m["lr"])
    td.lr_slider.value = 1e-7
    td.train_button.click()
    slow = td.losses[0] - td.losses[-1]
    td.reset_button.click()
    assert td.losses == []
    td.lr_slider.value = 0.1
    td.train_button.click()
    fast = td.losses[0] - td.losses[-1]
    assert 0 <= slow < 1e-4 < fast


def test_dashboard_trains_in_chunks_each_with_one_traced_step():
    m = small_net()
    td = TrainingDashboard(m["loss"], m["train"], m["feed"], steps=7, chunk=3)
    td.train_button.click()
    assert len(td.losses) == 7 and td.chunk_starts == [0, 3, 6]
    assert td.stats["bytes_fed"] == 24 and len(td.stats["losses"]) == 1


def test_dashboard_without_learning_rate_placeholder_disables_the_slider():
    m = small_net()
    td = TrainingDashboard(m["loss"], m["train"], m["feed"], steps=3)
    assert td.lr_slider.disabled
    td.step_button.click()
    assert len(td.losses) == 1


def test_dashboard_errors_in_callbacks_are_shown():
    m = small_net()
    td = TrainingDashboard(m["loss"], m["train"], {}, steps=3)     # x never fed
    td.train_button.click()
    assert_error_shown(td, "InvalidArgumentError", "You must feed a value for placeholder")


# ------------------------------------------------------------------------------------------
# FeedVsVariables
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("N,D,H", [(3, 5, 2), (4, 7, 3)])
def test_measure_feed_vs_variables_bytes_match_the_closed_form(N, D, H):
    rows = measure_feed_vs_variables([(N, D, H)], steps=3, seed=0)
    feed, var = rows
    assert (feed["form"], var["form"]) == ("feed", "variables")
    f32 = 4
    # feed form: x, y, w1, w2 in (float64 numpy converted to float32); loss, dw1, dw2 out
    assert feed["bytes_fed_per_step"] == f32 * (N * D + N * D + D * H + H * D)
    assert feed["bytes_fetched_per_step"] == f32 * (1 + D * H + H * D)
    # Variable form: x, y in; the loss out (the group op fetches None)
    assert var["bytes_fed_per_step"] == f32 * (N * D + N * D)
    assert var["bytes_fetched_per_step"] == f32
    for r in rows:
        assert r["bytes_per_step"] == r["bytes_fed_per_step"] + r["bytes_fetched_per_step"]
        assert r["seconds_per_step"] > 0 and len(r["losses"]) == 3
        assert (r["N"], r["D"], r["H"]) == (N, D, H)
    # same data and initial weights: the two forms compute the same losses
    np.testing.assert_allclose(feed["losses"], var["losses"], rtol=1e-5)
    assert feed["losses"][-1] < feed["losses"][0]


def test_feed_vs_variables_widget_runs_and_tabulates():
    fv = FeedVsVariables(sizes=[(2, 3, 2), (3, 4, 2)], steps=2)
    assert fv.size_select.value == ((2, 3, 2), (3, 4, 2))
    fv.size_select.value = ((3, 4, 2),)
    fv.steps.value = 3
    fv.run_button.click()
    assert fv.last_error is None, fv.error.value
    assert [(r["N"], r["form"]) for r in fv.rows] == [(3, "feed"), (3, "variables")]
    assert all(len(r["losses"]) == 3 for r in fv.rows)
    assert is_png(fv.chart.value)
    assert "<table" in fv.table.value and "variables" in fv.table.value
    assert "%d B" % (4 * 2 * 3 * 4) in fv.table.value              # Variable form: x, y in
    fv.size_select.value = ()
    fv.run_button.click()
    assert_error_shown(fv, "ValueError", "Select at least one size")


# ------------------------------------------------------------------------------------------
# VariableTimeline
# ------------------------------------------------------------------------------------------

def test_timeline_variables_persist_and_change_while_placeholders_are_fed_each_run():
    m = small_net()
    sess = _common.ensure_session(None, m["w"].graph)
    batches = [np.full((2, 3), v) for v in (0.1, 0.2, 0.3, 0.4, 0.5)]
    vt = VariableTimeline([m["w"]], sess, feed_dict=lambda i: {m["x"]: batches[i]})
    assert vt.fetches == [m["assign"].op]                          # default: its assign
    vt.run_button.click()
    vt.run_button.click()
    assert vt.last_error is None, vt.error.value
    assert len(vt.history) == 2
    kinds = [h["w"][0] for h in vt.history]
    assert kinds == ["value", "value"]                             # 3 elements: values
    assert vt.history[0]["w"][1] != vt.history[1]["w"][1]          # it moved and stayed
    np.testing.assert_allclose(vt.history[1]["w"][1], sess.run(m["w"]).ravel(), rtol=1e-6)
    x_series = vt.fed_history["x"]                                 # 6 elements: norms
    assert [k for k, _ in x_series] == ["norm", "norm"]
    np.testing.assert_allclose([v[0] for _, v in x_series],
                               [np.linalg.norm(b) for b in batches[:2]], rtol=1e-6)
    assert vt.persists["x"] is False
    assert "fetching it without a feed fails" in vt.notes.value
    vt.auto_runs.value = 3
    vt.auto_button.click()
    assert len(vt.history) == 5 and is_png(vt.chart.value)
    vt.clear_button.click()
    assert vt.history == [] and vt.fed_history == {}


def test_timeline_errors_in_callbacks_are_shown():
    m = small_net()
    sess = _common.ensure_session(None, m["w"].graph)
    vt = VariableTimeline([m["w"]], sess, feed_dict={})              # x never fed
    vt.run_button.click()
    assert_error_shown(vt, "InvalidArgumentError", "x")
    assert vt.history == []


def test_summarize_small_values_and_large_norms():
    from widgets.variable_timeline import summarize
    assert summarize(np.array([1.0, 2.0])) == ("value", [1.0, 2.0])
    kind, (norm,) = summarize(np.ones((4, 4)))
    assert kind == "norm" and norm == pytest.approx(4.0)


# ------------------------------------------------------------------------------------------
# GradientCheckView
# ------------------------------------------------------------------------------------------

class BadSquare(OpDef):
    """y = x * x, with a wrong gradient (3x instead of 2x): for the checker to catch."""
    type = "BadSquare"

    @staticmethod
    def infer(inputs, attrs):
        return inputs[0].shape, inputs[0].dtype

    @staticmethod
    def forward(x):
        return x * x

    @staticmethod
    def gradient(op, grad, needed):
        x, = op.inputs
        return [grad * x * 3.0]


def test_gradient_check_colours_every_checked_op_green_when_all_is_right():
    m = small_net()
    view = GradientCheckView(m["loss"], [m["w"]], m["feed"])
    r = view.result
    assert view.last_error is None, view.error.value
    assert r["ok"] and [x["name"] for x in r["per_x"]] == ["w:0"]
    assert {"MatMul", "h", "pow", "loss"} <= set(r["per_op"])
    assert all(e["status"] == "ok" for e in r["per_op"].values())
    for name in ("MatMul", "h", "loss", "gradients/MatMul_grad/MatMul"):
        assert fill(view.dot, name) == OK_COLORS[0], name
    assert line(view.dot, "w") == OK_COLORS[1]                     # the x, outlined
    assert node_attrs(view.dot, "x") is not None                   # placeholders drawn
    # the ops check_gradients added to the graph are not drawn
    assert not any(op.name in view.dot for op in m["w"].graph.get_operations()
                   if op.name.startswith("gradients_1/"))
    assert "all gradients match" in view.summary.value


def test_gradient_check_finds_the_op_with_the_wrong_gradient():
    x = tf.placeholder(tf.float64, shape=(3,), name="x")
    a = tf.sin(x) if hasattr(tf, "sin") else tf.tanh(x)
    sq = tf.get_default_graph().create_op(BadSquare, [a], name="bad_square").outputs[0]
    y = tf.reduce_sum(sq * 2.0, name="y")
    feed = {x: np.array([0.3, -0.5, 0.9])}
    view = GradientCheckView(y, [x], feed)
    r = view.result
    assert not r["ok"]
    assert r["per_op"]["bad_square"]["status"] == "mismatch"
    others = {n: e["status"] for n, e in r["per_op"].items() if n != "bad_square"}
    assert others and all(s == "ok" for s in others.values()), others
    assert r["per_x"][0]["ok"] is False                             # end to end: wrong too
    assert fill(view.dot, "bad_square") == BAD_COLORS[0]
    bad_grads = r["per_op"]["bad_square"]["grad_ops"]
    drawn = [g for g in bad_grads if node_attrs(view.dot, g) is not None]
    assert drawn and all(fill(view.dot, g) == BAD_COLORS[0] for g in drawn)
    # the others are constant arguments, drawn in the label of a (red) op: mul_1 (y=3)
    graph = x.graph
    assert all(graph.get_operation_by_name(g).type == "Const" for g in bad_grads
               if g not in drawn)
    assert fill(view.dot, "y") == OK_COLORS[0]
    assert line(view.dot, "x") == BAD_COLORS[1]
    assert "bad_square" in view.summary.value and "MISMATCH" in view.table.value


def test_gradient_check_errors_are_shown(monkeypatch):
    m = small_net()
    view = GradientCheckView(m["loss"], [m["w"]], m["feed"], check=False)
    assert view.result is None and node_attrs(view.dot, "loss") is not None

    def broken(*args, **kwargs):
        raise FloatingPointError("overflow in the check")
    monkeypatch.setattr(gc_module, "gradient_check", broken)
    view.check_button.click()
    assert_error_shown(view, "FloatingPointError", "overflow in the check")
