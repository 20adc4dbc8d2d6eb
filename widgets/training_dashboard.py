"""TrainingDashboard: a training loop in chunks, with a live loss curve.

Each chunk runs its first step with a full run trace (to read the bytes that crossed the
session boundary) and the rest on the fast path (timed with ``perf_counter``). Turning off
"fetch the update op" makes the loop fetch only ``[loss]``: nothing is updated, the curve
stays flat, and the dead-update lint explains why.
"""

import html
import time

import ipywidgets as W

import minigraph as tf
from minigraph import viz
from minigraph.trace import format_bytes

from widgets._common import (WidgetBase, ensure_session, graph_of, new_figure, png_of_figure,
                             quiet)
from widgets.i18n import tr
from minigraph.trace import of as trace_of

__all__ = ["TrainingDashboard", "train_chunk", "loss_curve_png"]


# ------------------------------------------------------------------------------------------
# Pure functions
# ------------------------------------------------------------------------------------------

def train_chunk(session, loss, update, feed_dict, n_steps, fetch_update=True,
                learning_rate=None, lr_value=None):
    """Run ``n_steps`` training steps; return a dict of plain numbers.

    Args:
      session, loss, update: the Session, the loss tensor, the update op (or list of ops).
      feed_dict: the feeds of every step.
      fetch_update: fetch ``[loss, update]`` (True) or only ``[loss]`` (False: nothing learns).
      learning_rate, lr_value: a placeholder (or ``placeholder_with_default``) and the value to
        feed it; ignored when ``learning_rate`` is None.

    Returns:
      ``{"losses": [...], "seconds_per_step": s, "bytes_fed": b, "bytes_fetched": b,
      "traced_seconds": s}``; bytes are per step, from the traced first step.
    """
    feed = dict(feed_dict or {})
    if learning_rate is not None and lr_value is not None:
        feed[learning_rate] = lr_value
    fetches = [loss, update] if fetch_update else [loss]
    md = tf.RunMetadata()
    out = session.run(fetches, feed, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                      run_metadata=md)
    losses = [float(out[0])]
    start = time.perf_counter()
    with quiet():  # fetch_update=False is that bug on purpose; the dashboard shows the lint
        for _ in range(n_steps - 1):
            losses.append(float(session.run(fetches, feed)[0]))
    fast = n_steps - 1
    seconds = ((time.perf_counter() - start) / fast) if fast else trace_of(md).total_seconds
    return {"losses": losses, "seconds_per_step": seconds, "bytes_fed": trace_of(md).bytes_fed,
            "bytes_fetched": trace_of(md).bytes_fetched, "traced_seconds": trace_of(md).total_seconds}


def loss_curve_png(losses, chunk_starts=(), title="loss"):
    """PNG bytes of the loss curve; dotted vertical lines where chunks started."""
    fig = new_figure(5.5, 3.0)
    ax = fig.add_subplot(1, 1, 1)
    if losses:
        ax.plot(range(len(losses)), losses, color="#2874a6", marker="." if len(losses) < 60
                else None)
        for start in chunk_starts:
            ax.axvline(start, color="#aab7b8", linestyle=":", linewidth=0.8)
        if min(losses) > 0 and max(losses) / min(losses) > 50:
            ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return png_of_figure(fig)


# ------------------------------------------------------------------------------------------
# The widget
# ------------------------------------------------------------------------------------------

class TrainingDashboard(WidgetBase):
    """Train in chunks and watch the loss.

    Args:
      loss: the scalar loss tensor.
      update: the update op (e.g. ``tf.group(w1.assign(...), w2.assign(...))``), or a list.
      feed_dict: the feeds of every step (the training batch).
      session: the Session (default: a new one with every variable initialized).
      steps: the initial number of steps per "Train" click.
      learning_rate: for the learning-rate slider, the graph must read its learning rate
        from a ``tf.placeholder_with_default(1e-3, ())`` (or a ``tf.placeholder``), passed
        here; the slider's value is fed to it at every step. Without it the slider is
        disabled (a Python float baked into the graph cannot be changed from outside).
      lr: the slider's initial value (default: 1e-3, or the default of the placeholder).
      chunk: steps per chunk; the curve is redrawn after each chunk, and the first step of
        each chunk is traced (bytes fed/fetched), the others run on the fast path (timing).

    Attributes: ``train_button``, ``step_button``, ``reset_button``, ``n_steps`` (IntText),
    ``lr_slider`` (FloatLogSlider), ``fetch_update`` (Checkbox), ``losses`` (list),
    ``stats`` (dict of the last chunk), ``dead_message``, ``curve`` (Image).
    """

    def __init__(self, loss, update, feed_dict, session=None, steps=50, learning_rate=None,
                 lr=None, chunk=25):
        super().__init__()
        self.chunk = max(1, int(chunk))
        self.loss = loss
        self.update = update
        self.feed_dict = dict(feed_dict or {})
        self.learning_rate = learning_rate
        self.graph = session.graph if session is not None else graph_of(loss)
        self._own_session = session is None
        self.session = ensure_session(session, self.graph)
        self.losses = []
        self.chunk_starts = []
        self.stats = {}
        self.dead_message = ""

        if lr is None:
            lr = 1e-3
            if learning_rate is not None and learning_rate.op.type == "PlaceholderWithDefault":
                lr = float(self.session.run(learning_rate)) or lr
        self.train_button = W.Button(description=tr("Train"), button_style="primary",
                                     icon="play")
        self.step_button = W.Button(description=tr("Step"), icon="step-forward")
        self.reset_button = W.Button(description=tr("Reset"), icon="undo",
                                     tooltip=tr("re-initialize the variables, clear the curve"))
        self.n_steps = W.BoundedIntText(value=steps, min=1, max=100000, description=tr("steps"),
                                        layout=W.Layout(width="160px"))
        self.lr_slider = W.FloatLogSlider(value=lr, base=10, min=-7, max=0, step=0.1,
                                          description=tr("learning rate"), readout_format=".1e",
                                          disabled=learning_rate is None,
                                          style={"description_width": "initial"})
        self.fetch_update = W.Checkbox(value=True, description=tr("fetch the update op"),
                                       indent=False)
        self.curve = W.Image(format="png")
        self.info = W.HTML()
        self.lint = W.HTML()

        self.train_button.on_click(self._guarded(lambda b: self.train(self.n_steps.value)))
        self.step_button.on_click(self._guarded(lambda b: self.train(1)))
        self.reset_button.on_click(self._guarded(lambda b: self.reset()))
        self.fetch_update.observe(self._guarded(lambda c: self._update_lint()), names="value")

        note = "" if learning_rate is not None else (
            "<i style='font-size:90%%'>%s</i>"
            % tr("learning-rate slider off: pass {} to control it",
                 html.escape("learning_rate=<a tf.placeholder_with_default>")))
        self._finish(W.HBox([self.train_button, self.step_button, self.n_steps,
                             self.reset_button]),
                     W.HBox([self.lr_slider, self.fetch_update]), W.HTML(note),
                     self.curve, self.info, self.lint)
        self._guarded(self._refresh)()

    def train(self, n):
        """Run ``n`` steps in chunks of ``self.chunk``, redrawing the curve after each chunk
        (the browser sees it grow); returns the last chunk's stats dict."""
        lr_value = self.lr_slider.value if self.learning_rate is not None else None
        done = 0
        while done < n:
            size = min(self.chunk, n - done)
            self.chunk_starts.append(len(self.losses))
            stats = train_chunk(self.session, self.loss, self.update, self.feed_dict, size,
                                fetch_update=self.fetch_update.value,
                                learning_rate=self.learning_rate, lr_value=lr_value)
            self.losses += stats["losses"]
            self.stats = stats
            done += size
            self._refresh()
        return self.stats

    def reset(self):
        """Re-initialize the variables (own session, or every variable) and clear the curve."""
        inits = [op.attrs["python_variable"].initializer for op in self.graph.get_operations()
                 if op.type == "VariableV2" and op.attrs.get("python_variable") is not None]
        if inits:
            self.session.run(inits)
        self.losses = []
        self.chunk_starts = []
        self.stats = {}
        self._refresh()

    def _update_lint(self):
        fetches = [self.loss, self.update] if self.fetch_update.value else [self.loss]
        self.dead_message = viz.dead_update_message(fetches, self.graph,
                                                    feed_dict=list(self.feed_dict))
        self.lint.value = ("<div style='background:#fcf3cf;border-left:4px solid #b7950b;"
                           "padding:4px 8px'>%s</div>" % html.escape(self.dead_message)
                           if self.dead_message else "")

    def _refresh(self):
        self.curve.value = loss_curve_png(self.losses, self.chunk_starts[1:])
        s = self.stats
        if s:
            self.info.value = "<div>%s</div>" % tr(
                "{} steps so far; loss {} &rarr; {}. Per step: {} ms (fast path), fed {}, "
                "fetched {} (traced step: {} ms)",
                len(self.losses), "%.6g" % self.losses[0], "%.6g" % self.losses[-1],
                "%.3f" % (1e3 * s["seconds_per_step"]), format_bytes(s["bytes_fed"]),
                format_bytes(s["bytes_fetched"]), "%.3f" % (1e3 * s["traced_seconds"]))
        else:
            self.info.value = "<div>%s</div>" % tr("no steps yet: press Train or Step")
        self._update_lint()
