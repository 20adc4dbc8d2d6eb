"""GraphExplorer: the graph drawing with controls for fetches, feeds, scopes and values.

Ticking fetches re-draws at once which ops a run *would* execute (normal) and which it
would prune (grey), computed without running anything: the ops the fetches need are
``minigraph.topo.toposort(fetch ops, fed tensors)``, exactly what ``Session.run`` executes.
"Run" then really runs the fetches with a full trace and draws the values.
"""

import html

import ipywidgets as W

import minigraph as tf
from minigraph import viz
from minigraph.graph import GraphKeys, Tensor
from minigraph.lint import is_init_group, is_initializer
from minigraph.trace import format_bytes

from widgets._common import WidgetBase, as_op, as_ops, ensure_session, svg_html
from widgets.i18n import tr
from minigraph.trace import RunTrace, traced_run

__all__ = ["GraphExplorer", "candidate_fetches", "planned_trace", "top_scopes",
           "default_collapsed", "explorer_dot", "feedable_tensors", "fetch_target"]


# ------------------------------------------------------------------------------------------
# Pure functions of the graph
# ------------------------------------------------------------------------------------------

def _consumers(graph):
    used = set()
    for op in graph.get_operations():
        used.update(t.op for t in op.inputs)
        used.update(op.control_inputs)
    return used


def candidate_fetches(graph, limit=16):
    """Ops worth offering as fetches, most interesting first (at most ``limit``).

    Loss-like ops (name contains "loss", or in ``GraphKeys.LOSSES``), then forward ops
    nothing consumes, then update (assign), group and summary ops, then final gradient ops,
    then variables. Initializers, constants and placeholders are left out.
    """
    ops = graph.get_operations()
    used = _consumers(graph)
    losses = {as_op(t) for t in graph.get_collection(GraphKeys.LOSSES)}
    skip_kinds = ("constant", "placeholder")

    def offered(op):
        return (op.opdef.kind not in skip_kinds and not is_initializer(op)
                and not is_init_group(op))

    groups = [
        [op for op in ops if offered(op) and op.gradient_of is None and
         ("loss" in op.name.rpartition("/")[2].lower() or op in losses)],
        [op for op in ops if offered(op) and op not in used and op.gradient_of is None
         and op.opdef.kind in ("op", "random", "iterator")],
        [op for op in ops if offered(op) and op.opdef.kind in ("assign", "noop", "summary")],
        [op for op in ops if offered(op) and op not in used and op.gradient_of is not None],
        [op for op in ops if op.type == "VariableV2"],
    ]
    out = []
    for group in groups:
        for op in group:
            if op not in out:
                out.append(op)
    return out[:limit]


def feedable_tensors(graph, feed_dict=None):
    """The tensors offered as feeds: every placeholder, plus any other key of ``feed_dict``."""
    out = [op.outputs[0] for op in graph.get_operations() if op.opdef.kind == "placeholder"]
    for k in (feed_dict or {}):
        t = graph.as_graph_element(k)
        t = t if isinstance(t, Tensor) else t.outputs[0]
        if t not in out:
            out.append(t)
    return out


def top_scopes(graph):
    """Top-level name scopes of the graph, in order of first use."""
    out = []
    for op in graph.get_operations():
        if "/" in op.name:
            top = op.name.split("/")[0]
            if top not in out:
                out.append(top)
    return out


def default_collapsed(graph):
    """The scopes collapsed at first: those ``minigraph.viz`` collapses by default."""
    return viz.default_collapsed(graph.get_operations())


def fetch_target(op):
    """What to pass to ``Session.run`` for a fetched op: its first output, or the op."""
    return op.outputs[0] if op.outputs else op


def planned_trace(graph, fetches, fed=()):
    """What running ``fetches`` with ``fed`` fed WOULD execute (nothing runs): see
    :meth:`minigraph.RunTrace.planned`."""
    return RunTrace.planned(graph, [fetch_target(as_op(f)) if not isinstance(f, Tensor)
                                       else f for f in fetches], fed)


def missing_feeds(trace):
    """Placeholders a planned run needs but nobody feeds (the run would fail)."""
    return [op for op in trace.executed if op.type == "Placeholder"]


def explorer_dot(graph, trace, backward=True, collapse=(), show_values=False, fold=True):
    """The DOT of the explorer's drawing: the whole graph, highlighted by ``trace``;
    ``fold=False`` draws every node and edge (see :func:`minigraph.viz.to_dot`). With
    ``show_values``, the value lines are there before a run too, empty: running fills them
    in without moving a node."""
    return viz.to_dot(graph, trace=trace, backward=backward, collapse=list(collapse),
                      show_values=show_values, fold=fold)


# ------------------------------------------------------------------------------------------
# The widget
# ------------------------------------------------------------------------------------------

class GraphExplorer(WidgetBase):
    """Explore a graph: pick fetches and feeds and see what a run would execute.

    Args:
      graph: the Graph (default: the default graph).
      feed_dict: values for placeholders, used by "Run" (keys: tensors or names).
      session: the Session "Run" uses (default: a new one with every variable initialized).

    Attributes for tests and lessons: ``fetch_boxes`` / ``feed_boxes`` (name -> Checkbox),
    ``direction`` (ToggleButtons, value True = forward + backward), ``scopes``
    (SelectMultiple of collapsed scopes), ``fold`` (Checkbox: fold reads, constant
    arguments and composite ops; unticked, every node and edge as TensorBoard shows them),
    ``show_values`` (Checkbox), ``run_button``,
    ``trace`` (the trace drawn: planned, or the last run's), ``dot`` (the DOT drawn),
    ``executed`` / ``pruned`` / ``cut`` (sets of op names), ``dead_message``.
    """

    def __init__(self, graph=None, feed_dict=None, session=None, fetches=None):
        """``fetches``: tensors/ops to offer as fetches, ticked at first (besides the
        candidates the explorer finds itself); ``feed_dict``: values for the feeds."""
        super().__init__()
        self.graph = graph if graph is not None else (
            session.graph if session is not None else tf.get_default_graph())
        self.feed_dict = {}
        for k, v in (feed_dict or {}).items():
            t = self.graph.as_graph_element(k)
            self.feed_dict[t if isinstance(t, Tensor) else t.outputs[0]] = v
        self._session = session
        self.trace = None
        self.ran = False
        self.results = None
        self.dot = ""
        self.dead_message = ""

        chosen = as_ops(fetches)
        candidates = chosen + [op for op in candidate_fetches(self.graph) if op not in chosen]
        first = chosen or [op for op in candidates if op.opdef.kind in ("op", "random")][:1]
        self.fetch_boxes = {op.name: W.Checkbox(value=op in first, description=op.name,
                                                indent=False,
                                                layout=W.Layout(width="auto"))
                            for op in candidates}
        self._fetch_ops = {op.name: op for op in candidates}
        feedable = feedable_tensors(self.graph, self.feed_dict)
        self.feed_boxes = {t.op.name: W.Checkbox(
            value=t in self.feed_dict or t.op.type == "Placeholder", description=t.op.name,
            indent=False, layout=W.Layout(width="auto")) for t in feedable}
        self._feed_tensors = {t.op.name: t for t in feedable}
        self.direction = W.ToggleButtons(options=[(tr("forward"), False),
                                                  (tr("forward + backward"), True)], value=True)
        scopes = top_scopes(self.graph)
        self.scopes = W.SelectMultiple(options=scopes, value=tuple(default_collapsed(self.graph)),
                                       description=tr("collapse"),
                                       rows=min(6, max(2, len(scopes))))
        self.fold = W.Checkbox(value=True, description=tr("fold reads, constants, composites"),
                               indent=False)
        self.show_values = W.Checkbox(value=True, description=tr("show values"), indent=False)
        self.run_button = W.Button(description=tr("Run"), button_style="primary", icon="play")
        self.status = W.HTML()
        self.lint = W.HTML()
        self.drawing = W.HTML()
        self.output = W.HTML()

        for box in list(self.fetch_boxes.values()) + list(self.feed_boxes.values()):
            box.observe(self._guarded(self._on_selection), names="value")
        for ctl in (self.direction, self.scopes, self.fold, self.show_values):
            ctl.observe(self._guarded(self._on_view), names="value")
        self.run_button.on_click(self._guarded(self._on_run))

        fetch_col = W.VBox([W.HTML("<b>%s</b>" % tr("fetches"))] + list(self.fetch_boxes.values()))
        feed_col = W.VBox([W.HTML("<b>%s</b>" % tr("feeds"))] + list(self.feed_boxes.values()))
        view_col = W.VBox([self.direction, self.scopes, self.fold,
                           W.HBox([self.show_values, self.run_button])])
        self._finish(W.HBox([fetch_col, feed_col, view_col]), self.status, self.drawing,
                     self.lint, self.output)
        self._guarded(self.redraw)()

    # -- state ------------------------------------------------------------------------------
    @property
    def session(self):
        if self._session is None:
            self._session = ensure_session(None, self.graph)
        return self._session

    @property
    def fetches(self):
        """The fetched ops, in the order offered."""
        return [self._fetch_ops[n] for n, b in self.fetch_boxes.items() if b.value]

    @property
    def fed(self):
        """The tensors ticked as fed."""
        return [self._feed_tensors[n] for n, b in self.feed_boxes.items() if b.value]

    @property
    def executed(self):
        return {op.name for op in self.trace.executed} if self.trace else set()

    @property
    def pruned(self):
        return {op.name for op in self.trace.pruned} if self.trace else set()

    @property
    def cut(self):
        return {op.name for op in self.trace.cut} if self.trace else set()

    # -- callbacks --------------------------------------------------------------------------
    def _on_selection(self, change):
        self.ran = False
        self.redraw()

    def _on_view(self, change):
        self.redraw(keep_trace=True)

    def _on_run(self, button=None):
        self.run()

    # -- logic ------------------------------------------------------------------------------
    def run(self):
        """Run the ticked fetches with the ticked feeds (traced, keeping values); redraw."""
        fetches = self.fetches
        if not fetches:
            raise ValueError(tr("Tick at least one fetch before running."))
        feed = {}
        for t in self.fed:
            if t not in self.feed_dict:
                if t.op.type == "Placeholder":
                    raise ValueError(tr("'{}' is ticked as fed but feed_dict has no value for "
                                        "it; pass feed_dict={{}: ...} to GraphExplorer.",
                                        t.op.name, t.op.name))
                continue  # a placeholder_with_default without a value: use its default
            feed[t] = self.feed_dict[t]
        self.results, self.trace = traced_run(self.session, [fetch_target(op) for op in fetches],
                                              feed, keep_values=True)
        self.ran = True
        self.redraw(keep_trace=True)
        rows = "".join("<tr><td><b>%s</b></td><td><code>%s</code></td></tr>"
                       % (html.escape(op.name), html.escape(viz.describe_value(v)
                                                            if v is not None else "None"))
                       for op, v in zip(fetches, self.results))
        self.output.value = ("<div>%s</div><table>%s</table>"
                             % (tr("ran in {} ms; fed {}, fetched {}",
                                   "%.2f" % (1e3 * self.trace.total_seconds),
                                   format_bytes(self.trace.bytes_fed),
                                   format_bytes(self.trace.bytes_fetched)), rows))
        return self.results

    def redraw(self, keep_trace=False):
        """Recompute the highlight (planned unless a run's trace is kept) and redraw."""
        fetches = self.fetches
        fed = self.fed
        if not (keep_trace and self.ran):
            self.ran = False
            self.output.value = ""
            self.trace = planned_trace(self.graph, fetches, fed)
        trace = self.trace
        self.dot = explorer_dot(self.graph, trace, backward=self.direction.value,
                                collapse=self.scopes.value,
                                show_values=self.show_values.value,
                                fold=self.fold.value)
        self.drawing.value = svg_html(self.dot, "minigraph-explorer")
        missing = missing_feeds(trace) if not self.ran else []
        note = ("<span style='color:#b03a2e'>%s</span>"
                % tr("needs a feed: {}", ", ".join(op.name for op in missing))) if missing else ""
        counts = (len(trace.executed), len(trace.pruned), len(trace.cut))
        if self.ran:
            summary = tr("this run: {} ops executed, {} pruned, {} cut by feeds", *counts)
        else:
            summary = tr("a run would: {} ops execute, {} pruned, {} cut by feeds", *counts)
        self.status.value = "<div>%s %s</div>" % (summary, note)
        self.dead_message = viz.dead_update_message(
            fetches, self.graph, feed_dict=fed) if fetches else ""
        self.lint.value = ("<div style='background:#fcf3cf;border-left:4px solid #b7950b;"
                           "padding:4px 8px'>%s</div>" % html.escape(self.dead_message)
                           if self.dead_message else "")
