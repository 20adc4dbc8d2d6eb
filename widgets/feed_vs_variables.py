"""FeedVsVariables: the lecture's two-layer net with weights fed every step vs kept in
Variables, measured: time per step and bytes crossing the session boundary per step.

The feed_dict form feeds x, y, w1 and w2 each step (float64 numpy arrays, converted to the
placeholders' float32 on the way in) and fetches the loss and both gradients (float32) back
out, updating the weights in numpy. The Variable form feeds only x and y, fetches only the
loss, and updates the weights inside the session with ``assign`` + ``group``.
"""

import time

import ipywidgets as W
import numpy as np

import minigraph as tf
from minigraph.trace import format_bytes

from widgets._common import WidgetBase, new_figure, png_of_figure, table_html
from widgets.i18n import tr
from minigraph.trace import of as trace_of

__all__ = ["FeedVsVariables", "measure_feed_vs_variables", "build_feed_form",
           "build_variable_form", "feed_vs_variables_png"]

LEARNING_RATE = 1e-5


def _two_layer_loss(x, y, w1, w2):
    h = tf.maximum(tf.matmul(x, w1), 0)                              # (N, H)
    y_pred = tf.matmul(h, w2)                                        # (N, D)
    diff = y_pred - y
    return tf.reduce_mean(tf.reduce_sum(diff ** 2, axis=1))


def build_feed_form(N, D, H):
    """The feed_dict form in a new Graph: returns (graph, x, y, w1, w2, loss, grad_w1, grad_w2)."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, shape=(N, D), name="x")
        y = tf.placeholder(tf.float32, shape=(N, D), name="y")
        w1 = tf.placeholder(tf.float32, shape=(D, H), name="w1")
        w2 = tf.placeholder(tf.float32, shape=(H, D), name="w2")
        loss = _two_layer_loss(x, y, w1, w2)
        grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    return graph, x, y, w1, w2, loss, grad_w1, grad_w2


def build_variable_form(N, D, H, w1_init, w2_init, learning_rate=LEARNING_RATE):
    """The Variable form in a new Graph: returns (graph, x, y, w1, w2, loss, updates)."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, shape=(N, D), name="x")
        y = tf.placeholder(tf.float32, shape=(N, D), name="y")
        w1 = tf.Variable(np.asarray(w1_init, np.float32), name="w1")
        w2 = tf.Variable(np.asarray(w2_init, np.float32), name="w2")
        loss = _two_layer_loss(x, y, w1, w2)
        grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
        new_w1 = w1.assign(w1 - learning_rate * grad_w1)
        new_w2 = w2.assign(w2 - learning_rate * grad_w2)
        updates = tf.group(new_w1, new_w2, name="updates")
    return graph, x, y, w1, w2, loss, updates


def _timed_steps(step, steps):
    """Run ``step(traced)`` ``steps`` times: the first traced (for bytes), the rest timed."""
    trace = step(True)
    start = time.perf_counter()
    for _ in range(steps - 1):
        step(False)
    seconds = (time.perf_counter() - start) / (steps - 1) if steps > 1 else trace.total_seconds
    return trace, seconds


def measure_feed_vs_variables(sizes=((64, 1000, 100),), steps=10, seed=0):
    """Build, run and measure both forms for each ``(N, D, H)`` in ``sizes``.

    Each form runs ``steps`` training steps from the same data and initial weights (numpy
    ``RandomState(seed)``). Step 1 is run with a full trace, which gives the bytes fed and
    fetched per step (every step moves the same bytes); the other steps run on the fast path
    and give the time per step.

    Returns:
      A list of plain dicts, one per (size, form): ``{"N", "D", "H", "form": "feed" or
      "variables", "seconds_per_step", "bytes_fed_per_step", "bytes_fetched_per_step",
      "bytes_per_step", "losses"}``.
    """
    rows = []
    for N, D, H in sizes:
        rng = np.random.RandomState(seed)
        xv, yv = rng.randn(N, D), rng.randn(N, D)            # float64, as numpy makes them
        w1v, w2v = rng.randn(D, H), rng.randn(H, D)

        # -- feed_dict form: everything crosses the boundary, both ways, every step
        graph, x, y, w1, w2, loss, grad_w1, grad_w2 = build_feed_form(N, D, H)
        weights = {w1: w1v.copy(), w2: w2v.copy()}
        losses = []
        with tf.Session(graph=graph) as sess:
            def feed_step(traced):
                md = tf.RunMetadata()
                options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE) if traced else None
                loss_v, g1, g2 = sess.run([loss, grad_w1, grad_w2],
                                          {x: xv, y: yv, w1: weights[w1], w2: weights[w2]},
                                          options=options, run_metadata=md)
                losses.append(float(loss_v))
                weights[w1] = weights[w1] - LEARNING_RATE * g1
                weights[w2] = weights[w2] - LEARNING_RATE * g2
                return trace_of(md) if traced else None
            trace, seconds = _timed_steps(feed_step, steps)
        rows.append(_row(N, D, H, "feed", seconds, trace, losses))

        # -- Variable form: only x and y go in, only the loss comes out
        graph, x, y, w1, w2, loss, updates = build_variable_form(N, D, H, w1v, w2v)
        losses = []
        with tf.Session(graph=graph) as sess:
            sess.run([w1.initializer, w2.initializer])

            def variable_step(traced):
                md = tf.RunMetadata()
                options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE) if traced else None
                loss_v, _ = sess.run([loss, updates], {x: xv, y: yv}, options=options,
                                     run_metadata=md)
                losses.append(float(loss_v))
                return trace_of(md) if traced else None
            trace, seconds = _timed_steps(variable_step, steps)
        rows.append(_row(N, D, H, "variables", seconds, trace, losses))
    return rows


def _row(N, D, H, form, seconds, trace, losses):
    return {"N": N, "D": D, "H": H, "form": form, "seconds_per_step": seconds,
            "bytes_fed_per_step": int(trace.bytes_fed),
            "bytes_fetched_per_step": int(trace.bytes_fetched),
            "bytes_per_step": int(trace.bytes_fed + trace.bytes_fetched), "losses": losses}


def feed_vs_variables_png(rows):
    """PNG bytes of two bar charts: ms per step and bytes per step, per size and form."""
    sizes = []
    for r in rows:
        if (r["N"], r["D"], r["H"]) not in sizes:
            sizes.append((r["N"], r["D"], r["H"]))
    fig = new_figure(8.0, 3.0)
    forms = [("feed", "#2874a6"), ("variables", "#ca6f1e")]
    for k, (key, ylabel, scale) in enumerate([("seconds_per_step", "ms per step", 1e3),
                                              ("bytes_per_step", "bytes per step", 1.0)]):
        ax = fig.add_subplot(1, 2, k + 1)
        for j, (form, colour) in enumerate(forms):
            vals = [next((r[key] * scale for r in rows if r["form"] == form and
                          (r["N"], r["D"], r["H"]) == s), 0.0) for s in sizes]
            ax.bar(np.arange(len(sizes)) + (j - 0.5) * 0.38, vals, width=0.38, color=colour,
                   label=form)
        ax.set_xticks(np.arange(len(sizes)))
        ax.set_xticklabels(["%dx%dx%d" % s for s in sizes], fontsize=8)
        ax.set_ylabel(ylabel)
        if key == "bytes_per_step":
            ax.set_yscale("log")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return png_of_figure(fig)


class FeedVsVariables(WidgetBase):
    """Compare the feed_dict and Variable forms of the lecture's net; "Run" measures.

    Args:
      sizes: the (N, D, H) sizes offered (all selected at first).
      steps: training steps per measurement.
      seed: the numpy seed of the data and initial weights.

    Attributes: ``size_select`` (SelectMultiple), ``steps`` (IntSlider), ``run_button``,
    ``rows`` (the last measurement), ``table`` (HTML), ``chart`` (Image).
    """

    def __init__(self, sizes=((64, 1000, 100), (64, 100, 10)), steps=10, seed=0):
        super().__init__()
        self.seed = seed
        self.rows = []
        sizes = [tuple(s) for s in sizes]
        self.size_select = W.SelectMultiple(
            options=[("N=%d D=%d H=%d" % s, s) for s in sizes], value=tuple(sizes),
            description=tr("sizes"), rows=min(5, len(sizes)))
        self.steps = W.IntSlider(value=steps, min=1, max=200, description=tr("steps"))
        self.run_button = W.Button(description=tr("Run"), button_style="primary", icon="play")
        self.chart = W.Image(format="png")
        self.table = W.HTML("<i>%s</i>" % tr("press Run to measure"))
        self.run_button.on_click(self._guarded(lambda b: self.run()))
        self._finish(W.HBox([self.size_select, W.VBox([self.steps, self.run_button])]),
                     self.chart, self.table)

    def run(self):
        """Measure the selected sizes and show the chart and the table."""
        sizes = list(self.size_select.value)
        if not sizes:
            raise ValueError(tr("Select at least one size."))
        self.rows = measure_feed_vs_variables(sizes, self.steps.value, self.seed)
        self.chart.value = feed_vs_variables_png(self.rows)
        forms = {"feed": tr("feed"), "variables": tr("variables")}
        self.table.value = table_html(
            ["N", "D", "H", tr("form"), tr("ms / step"), tr("fed / step"), tr("fetched / step"),
             tr("final loss")],
            [[r["N"], r["D"], r["H"], forms.get(r["form"], r["form"]),
              "%.3f" % (1e3 * r["seconds_per_step"]),
              format_bytes(r["bytes_fed_per_step"]), format_bytes(r["bytes_fetched_per_step"]),
              "%.4g" % r["losses"][-1]] for r in self.rows])
        return self.rows
