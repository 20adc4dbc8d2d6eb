"""VariableTimeline: variables across successive runs, beside the placeholders fed to them.

Each "Run once" runs the fetches (by default, the variables' update ops), then reads the
chosen variables back from the session: their values change from run to run because they
live in the session. The fed placeholders' values are recorded too, from the run trace,
and after the run the widget asks the session for each placeholder without feeding it,
which fails: nothing of a fed value stays in the session.
"""

import html

import ipywidgets as W
import numpy as np

from minigraph.lint import is_initializer

from widgets._common import WidgetBase, as_op, new_figure, png_of_figure, quiet
from widgets.i18n import tr
from minigraph.trace import traced_run

__all__ = ["VariableTimeline", "summarize", "default_update_fetches", "timeline_png",
           "placeholder_persists"]

SMALL = 3  # arrays of at most this many elements are plotted element by element


def summarize(value):
    """``(kind, numbers)``: ``("value", [elements])`` for small arrays, else ``("norm", [L2])``."""
    a = np.asarray(value, dtype=np.float64)
    if a.size <= SMALL:
        return "value", [float(v) for v in a.ravel()]
    return "norm", [float(np.linalg.norm(a.ravel()))]


def default_update_fetches(variables):
    """The assign ops that write any of ``variables`` (initializers excluded)."""
    var_ops = {as_op(v) for v in variables}
    graph = next(iter(var_ops)).graph
    out = []
    for op in graph.get_operations():
        if op.opdef.writes_refs and op.inputs[0].op in var_ops and not is_initializer(op):
            out.append(op)
    return out


def placeholder_persists(session, placeholder):
    """True if ``session`` can produce ``placeholder``'s value without a feed (it cannot:
    a fed value lives only during the run that fed it). A ``placeholder_with_default``
    gives its default, which is not the fed value either: reported False as well."""
    if as_op(placeholder).type != "Placeholder":
        return False
    try:
        session.run(placeholder)
    except Exception:  # InvalidArgumentError: You must feed a value for placeholder ...
        return False
    return True


def timeline_png(history, names, placeholder_history=None):
    """PNG bytes: one line per variable element or norm; fed placeholders dashed."""
    fig = new_figure(6.0, 3.2)
    ax = fig.add_subplot(1, 1, 1)
    runs = list(range(len(history)))
    for name in names:
        series = [h[name] for h in history]
        if not series:
            continue
        kind = series[0][0]
        for i in range(len(series[0][1])):
            ys = [s[1][i] for s in series]
            label = "%s %s" % (name, ("norm" if kind == "norm" else
                                      "[%d]" % i if len(series[0][1]) > 1 else "value"))
            ax.plot(runs, ys, marker="o", label=label)
    for name, series in (placeholder_history or {}).items():
        if series:
            kind = series[0][0]
            ax.plot(runs[:len(series)], [s[1][0] for s in series], linestyle="--", marker="x",
                    color="#7f8c8d", label="%s (fed) %s" % (name, kind if kind == "norm"
                                                            else "value"))
    ax.set_xlabel("run")
    ax.set_title("variables keep their values between runs; fed values do not", fontsize=9)
    if runs:
        ax.legend(fontsize=7)
    fig.tight_layout()
    return png_of_figure(fig)


class VariableTimeline(WidgetBase):
    """Watch variables change across runs of ``fetches`` in ``session``.

    Args:
      variables: the tf.Variables offered (all chosen at first).
      session: the Session holding their values (already initialized).
      fetches: what each run fetches (default: every assign op writing these variables).
      feed_dict: the feeds of each run, or a callable ``run_index -> feed_dict`` (e.g. a
        new random batch per run, to see a placeholder take a new value every run).

    Attributes: ``choose`` (SelectMultiple of variable names), ``run_button``,
    ``auto_runs`` (IntText), ``auto_button``, ``history`` (list of {name: (kind, numbers)}
    per run), ``fed_history`` (placeholder name -> list), ``notes`` (HTML).
    """

    def __init__(self, variables, session, fetches=None, feed_dict=None):
        super().__init__()
        self.variables = list(variables)
        if not self.variables:
            raise ValueError(tr("VariableTimeline needs at least one variable"))
        self.session = session
        self.fetches = fetches if fetches is not None else default_update_fetches(self.variables)
        if not self.fetches:
            raise ValueError(tr("No assign op writes these variables: pass fetches="))
        self.feed_dict = feed_dict
        self.history = []
        self.fed_history = {}
        self.persists = {}
        names = [as_op(v).name for v in self.variables]
        self.choose = W.SelectMultiple(options=names, value=tuple(names),
                                       description=tr("show"), rows=min(5, len(names)))
        self.run_button = W.Button(description=tr("Run once"), button_style="primary",
                                   icon="play")
        self.auto_runs = W.BoundedIntText(value=10, min=1, max=10000, description=tr("runs"),
                                          layout=W.Layout(width="150px"))
        self.auto_button = W.Button(description=tr("Run N"), icon="forward")
        self.clear_button = W.Button(description=tr("Clear"), icon="trash")
        self.chart = W.Image(format="png")
        self.notes = W.HTML()
        self.run_button.on_click(self._guarded(lambda b: self.run(1)))
        self.auto_button.on_click(self._guarded(lambda b: self.run(self.auto_runs.value)))
        self.clear_button.on_click(self._guarded(lambda b: self.clear()))
        self.choose.observe(self._guarded(lambda c: self._refresh()), names="value")
        self._finish(W.HBox([self.choose, W.VBox([W.HBox([self.run_button, self.clear_button]),
                                                  W.HBox([self.auto_runs, self.auto_button])])]),
                     self.chart, self.notes)
        self._guarded(self._refresh)()

    def _feeds(self, index):
        fd = self.feed_dict(index) if callable(self.feed_dict) else self.feed_dict
        return dict(fd or {})

    def run(self, n=1):
        """Run the fetches ``n`` times, recording the variables and fed values after each."""
        for _ in range(n):
            feed = self._feeds(len(self.history))
            _, run = traced_run(self.session, self.fetches, feed, keep_values=True)
            with quiet():  # reading the variables back is not a training loop
                values = self.session.run(self.variables)
            self.history.append({as_op(v).name: summarize(val)
                                 for v, val in zip(self.variables, values)})
            for t in run.fed:
                self.fed_history.setdefault(t.op.name, []).append(
                    summarize(run.values[t.name]))
                self.persists[t.op.name] = placeholder_persists(self.session, t)
        self._refresh()
        return self.history

    def clear(self):
        self.history = []
        self.fed_history = {}
        self._refresh()

    def _refresh(self):
        names = list(self.choose.value)
        self.chart.value = timeline_png(self.history, names, self.fed_history)
        kinds = {"value": tr("value"), "norm": tr("norm")}   # what summarize() recorded
        lines = ["<div>%s</div>" % tr("{} runs recorded", len(self.history))]
        for name in names:
            if self.history:
                kind, nums = self.history[-1][name]
                lines.append("<div>%s</div>" % tr(
                    "{} (variable) {} now: {} &mdash; kept in the session between runs",
                    "<b>%s</b>" % html.escape(name), kinds.get(kind, kind),
                    ", ".join("%.5g" % v for v in nums)))
        for name, series in self.fed_history.items():
            kind, nums = series[-1]
            lines.append("<div>%s</div>" % tr(
                "{} (placeholder) fed {}: {} &mdash; after the run the session {}",
                "<b>%s</b>" % html.escape(name), kinds.get(kind, kind),
                ", ".join("%.5g" % v for v in nums), self._after_note(name)))
        self.notes.value = "".join(lines)

    def _after_note(self, name):
        if self.persists.get(name):
            return tr("still returned a value for it without a feed")
        if self.session.graph.get_operation_by_name(name).type == "PlaceholderWithDefault":
            return tr("keeps nothing of it: unfed, it gives its default again")
        return tr("keeps nothing of it: fetching it without a feed fails")
