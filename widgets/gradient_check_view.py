"""GradientCheckView: central-difference checks of the backward graph, coloured on the drawing.

Two checks:

* **per x** (end to end): ``minigraph.testing.check_gradients(y, xs, feed_dict)``, i.e.
  ``d sum(y * r) / dx`` from ``tf.gradients`` against central differences, for each x.
* **per op** (local): for each forward op F between the xs and y whose gradient ops exist,
  take the values F's inputs had in a real run of y, rebuild F alone in a scratch graph
  with those values fed to placeholders (float64, so the differences are precise), and
  check F's gradient function there with ``check_gradients``. Only the inputs the backward
  pass differentiates (those depending on some x) are checked. This isolates a wrong
  gradient to the one op type that has it: F and its gradient ops (``gradient_of is F``)
  are coloured green (ok) or red (mismatch or error).

The per-op check exercises the same ``opdef.gradient`` function that built F's gradient
ops in the real graph, at the same input values, with a random upstream gradient.
The user's graph gains the few ops ``check_gradients`` adds for the per-x check (a
constant, a weighted sum and their gradients); the drawing leaves them out.
"""

import html

import ipywidgets as W
import numpy as np

import minigraph as tf
from minigraph import viz
from minigraph.testing import check_gradients
from minigraph.topo import ops_between, toposort

from widgets._common import (BAD_COLORS, OK_COLORS, WidgetBase, as_op, ensure_session, quiet,
                             svg_html, table_html)
from widgets.i18n import tr
from minigraph.trace import traced_run

__all__ = ["GradientCheckView", "gradient_check", "check_op_gradient", "check_colors",
           "gradient_check_dot"]

MAX_ELEMENTS = 4096  # skip per-op checks whose differentiated inputs are bigger than this


# ------------------------------------------------------------------------------------------
# Pure functions
# ------------------------------------------------------------------------------------------

def check_op_gradient(op, input_values, needed, seed=0):
    """Check the gradient function of ``op`` alone, at ``input_values``.

    Builds a scratch Graph holding one copy of ``op`` (same op definition and attributes)
    whose inputs are placeholders fed ``input_values`` (those marked ``needed``, in float64)
    or constants (the others), and runs ``check_gradients`` on its first output.

    Returns:
      ``{"status": "ok" | "mismatch" | "error", "error": max abs difference, "message"}``.
    """
    def build(upcast):
        graph = tf.Graph()
        with graph.as_default():
            inputs, xs, feed = [], [], {}
            for i, (t, v, need) in enumerate(zip(op.inputs, input_values, needed)):
                dtype = tf.float64 if (upcast and t.dtype.is_floating) else t.dtype
                if need:
                    p = tf.placeholder(dtype, shape=np.shape(v), name="input_%d" % i)
                    inputs.append(p)
                    xs.append(p)
                    feed[p] = np.asarray(v, dtype=np.float64 if upcast else None)
                else:
                    inputs.append(tf.constant(np.asarray(v), dtype=dtype, name="const_%d" % i))
            copy = graph.create_op(op.opdef, inputs, dict(op.attrs),
                                   name=op.name.rpartition("/")[2])
        return copy, xs, feed

    try:
        try:
            copy, xs, feed = build(True)
        except (TypeError, ValueError):  # the op insists on its own dtypes
            copy, xs, feed = build(False)
        result = check_gradients(copy.outputs[0], xs, feed, seed=seed, raise_on_failure=False)
    except Exception as e:
        return {"status": "error", "error": float("nan"),
                "message": "%s: %s" % (type(e).__name__, e)}
    err = max(result.errors()) if xs else 0.0
    return {"status": "ok" if result.ok else "mismatch", "error": err,
            "message": result.report()}


def _live_tensors(xs, y):
    between = ops_between(xs, [y])
    return between, set(xs).union(t for op in between for t in op.outputs)


def gradient_check(y, xs, feed_dict, session=None, seed=0, local=True):
    """Run the per-x and per-op checks (see the module docstring).

    Args:
      y: the tensor differentiated; xs: tensors or Variables; feed_dict: values for the
        placeholders y needs (xs that are Variables and not in it are fed their current
        value in ``session``).
      session: the Session (default: a new one with every variable initialized).
      local: also run the per-op checks.

    Returns:
      ``{"per_x": [{"name", "ok", "error"}], "per_op": {op name: {"status", "error",
      "message", "type", "grad_ops": [names]}}, "ok": bool}``.
    """
    y = tf.convert_to_tensor(y)
    graph = y.graph
    xs = [graph.as_graph_element(x) for x in (xs if isinstance(xs, (list, tuple)) else [xs])]
    sess = ensure_session(session, graph)
    feed = {graph.as_graph_element(k): v for k, v in (feed_dict or {}).items()}
    for x in xs:
        if x not in feed:
            feed[x] = sess.run(x, feed_dict)

    # gradient ops by forward op, among the ops that exist now
    grad_ops = {}
    for op in graph.get_operations():
        if op.gradient_of is not None:
            grad_ops.setdefault(op.gradient_of, []).append(op.name)

    per_op = {}
    if local:
        values = traced_run(sess, y, feed_dict, keep_values=True)[1].values
        between, live = _live_tensors(xs, y)
        for op in between:
            needed = [t in live and t.dtype.is_floating for t in op.inputs]
            if op.opdef.kind != "op" or not any(needed) or not op.opdef.differentiable \
                    or op not in grad_ops:
                continue
            ins = [values.get(t.name) for t in op.inputs]
            entry = {"type": op.type, "grad_ops": grad_ops.get(op, [])}
            size = sum(np.size(v) for v, n in zip(ins, needed) if n)
            if any(v is None for v in ins):
                entry.update(status="skipped", error=float("nan"),
                             message="an input's value was not computed in the run")
            elif size > MAX_ELEMENTS:
                entry.update(status="skipped", error=float("nan"),
                             message="%d input elements: too many to difference" % size)
            else:
                entry.update(check_op_gradient(op, ins, needed, seed=seed))
            per_op[op.name] = entry

    with quiet():  # check_gradients runs y many times: not a training loop
        check = check_gradients(y, xs, feed, session=sess, seed=seed, raise_on_failure=False)
    per_x = []
    for name, s, n in zip(check.names, check.symbolic, check.numeric):
        per_x.append({"name": name, "ok": bool(np.allclose(s, n, rtol=check.rtol,
                                                              atol=check.atol)),
                      "error": float(np.max(np.abs(s - n))) if s.size else 0.0})
    ok = all(x["ok"] for x in per_x) and all(e["status"] in ("ok", "skipped")
                                             for e in per_op.values())
    return {"per_x": per_x, "per_op": per_op, "ok": ok, "report": check.report()}


def check_colors(result, graph):
    """Node id -> DOT attributes: forward op and its gradient ops filled green/red per the
    per-op check; the xs' nodes outlined green/red per the per-x check."""
    styles = {}
    for name, entry in result["per_op"].items():
        if entry["status"] not in ("ok", "mismatch", "error"):
            continue
        fill, line = OK_COLORS if entry["status"] == "ok" else BAD_COLORS
        for node in [name] + list(entry["grad_ops"]):
            styles[node] = {"fillcolor": fill, "color": line, "penwidth": "2"}
    for x in result["per_x"]:
        op_name = graph.as_graph_element(x["name"]).op.name
        line = OK_COLORS[1] if x["ok"] else BAD_COLORS[1]
        style = dict(styles.get(op_name, {}))
        style.update(color=line, penwidth="4")
        styles[op_name] = style
    return styles


def drawn_ops(y, ops):
    """The fetches to draw: the sinks of the forward graph of ``y`` plus the gradient ops
    among ``ops`` (the ops that existed before the check added its own)."""
    ops = list(ops)
    forward = set(toposort([as_op(y)]))
    grads = [op for op in ops if op.gradient_of in forward]
    shown = toposort([as_op(y)] + grads)
    used = set()
    for op in shown:
        used.update(t.op for t in op.inputs)
        used.update(op.control_inputs)
    return [op for op in shown if op not in used]


def gradient_check_dot(y, result, fetches):
    """The DOT of the drawing, coloured by the check ``result``."""
    graph = as_op(y).graph
    return viz.to_dot(graph, fetches=fetches, collapse=[], backward=True,
                      node_styles=check_colors(result, graph))


# ------------------------------------------------------------------------------------------
# The widget
# ------------------------------------------------------------------------------------------

class GradientCheckView(WidgetBase):
    """Check ``tf.gradients(y, xs)`` by central differences and colour the graph.

    Args:
      y: the tensor to differentiate; xs: tensors or Variables; feed_dict: feeds for y.
      session: the Session (default: a new one with every variable initialized).
      check: run the check at once (else press "Check").

    If the graph has no gradient ops of y yet, ``tf.gradients(y, xs)`` is called once so
    there is a backward graph to draw.

    Attributes: ``check_button``, ``result`` (see :func:`gradient_check`), ``dot``,
    ``table`` (HTML), ``drawing`` (HTML).
    """

    def __init__(self, y, xs, feed_dict, session=None, check=True):
        super().__init__()
        self.y = tf.convert_to_tensor(y)
        self.graph = self.y.graph
        self.xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
        self.feed_dict = dict(feed_dict or {})
        self.session = ensure_session(session, self.graph)
        forward = set(toposort([self.y.op]))
        if not any(op.gradient_of in forward for op in self.graph.get_operations()):
            with self.graph.as_default():
                tf.gradients(self.y, self.xs)
        self._ops = list(self.graph.get_operations())  # before the check adds its own
        self.fetches = drawn_ops(self.y, self._ops)
        self.result = None
        self.dot = ""
        self.check_button = W.Button(description=tr("Check"), button_style="primary",
                                     icon="check")
        self.summary = W.HTML()
        self.drawing = W.HTML()
        self.table = W.HTML()
        self.check_button.on_click(self._guarded(lambda b: self.check()))
        self._finish(W.HBox([self.check_button, self.summary]), self.drawing, self.table)
        if check:
            self._guarded(self.check)()
        else:
            self.dot = viz.to_dot(self.graph, fetches=self.fetches, collapse=[])
            self.drawing.value = svg_html(self.dot, "minigraph-gradient-check")

    def check(self):
        """Run both checks, colour the drawing, fill the table."""
        self.result = gradient_check(self.y, self.xs, self.feed_dict, session=self.session)
        r = self.result
        self.dot = gradient_check_dot(self.y, r, self.fetches)
        self.drawing.value = svg_html(self.dot, "minigraph-gradient-check")
        bad = [n for n, e in r["per_op"].items() if e["status"] in ("mismatch", "error")]
        bad_x = [x["name"] for x in r["per_x"] if not x["ok"]]
        self.summary.value = (
            "<b style='color:%s'>%s</b>" % (OK_COLORS[1] if r["ok"] else BAD_COLORS[1],
                                            tr("all gradients match central differences")
                                            if r["ok"] else tr("mismatch: {}", html.escape(
                                                ", ".join(bad + bad_x)))))
        # the table shows a status as "ok" or in capitals ("MISMATCH")
        status = {"ok": tr("ok"), "mismatch": tr("MISMATCH"), "error": tr("ERROR"),
                  "skipped": tr("SKIPPED")}
        rows = [[x["name"], "d/d" + x["name"], status["ok"] if x["ok"] else status["mismatch"],
                 "%.3g" % x["error"]] for x in r["per_x"]]
        rows += [[name, e["type"], status.get(e["status"], e["status"].upper()),
                  "%.3g" % e["error"]] for name, e in r["per_op"].items()]
        self.table.value = table_html([tr("node"), tr("check"), tr("result"),
                                       tr("max |sym - num|")], rows)
        return r
