"""Drawing graphs: DOT text for the forward and backward graph, and what one run did.

``to_dot`` is pure string building and needs nothing but minigraph. ``draw`` wraps the
DOT text in a :class:`GraphView` that Jupyter displays inline as SVG, rendered by the
``graphviz`` Python package and Graphviz's ``dot`` program; when either is missing, the
view shows the DOT source and one line on how to install Graphviz. It never raises.

What the picture encodes:

* node shape and colour = kind of node (see the legend): placeholder, constant, variable,
  ordinary op, gradient op, assign/update op, group/no-op, summary, random;
* solid edges carry data, dashed edges are control dependencies, red edges go from an
  assign to the variable it writes, dotted edges tie a gradient op to the forward op it
  differentiates;
* name scopes are boxes (clusters); a collapsed scope is one box-shaped node;
* with a run trace: executed ops are drawn normally, pruned ops are greyed out, fed
  tensors' producers are cut off (the feed replaces them), variables read are outlined
  blue and variables written red, fetched nodes get a double border.
"""

import html

import numpy as np

from minigraph.graph import Tensor, get_default_graph
from minigraph.lint import dead_update_message, dead_updates, fetch_ops, fetches_graph
from minigraph.topo import toposort

__all__ = ["to_dot", "draw", "GraphView", "dead_updates", "dead_update_message", "node_kind",
           "KIND_STYLES", "describe_value", "INSTALL_HINT", "GREY_FILL", "GREY_LINE", "GREY_TEXT",
           "FOCUS_COLOR", "PATH_COLOR", "default_collapsed"]

INSTALL_HINT = ("Graphviz's `dot` program was not found, so here is the graph's DOT source. "
                "Install Graphviz to see the picture: `apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS) or `conda install -c conda-forge graphviz "
                "python-graphviz`.")

# kind -> (shape, fill colour, border colour, legend text)
KIND_STYLES = {
    "placeholder": ("invhouse", "#d6eaf8", "#2874a6", "placeholder (fed input)"),
    "constant":    ("box", "#f2f3f4", "#909497", "constant"),
    "variable":    ("cylinder", "#fdebd0", "#ca6f1e", "variable (lives in the session)"),
    "random":      ("box", "#e8daef", "#7d3c98", "random op"),
    "op":          ("box", "#ffffff", "#34495e", "op"),
    "gradient":    ("box", "#fadbd8", "#b03a2e", "gradient op (added by tf.gradients)"),
    "assign":      ("box", "#fcf3cf", "#b7950b", "assign / update op"),
    "noop":        ("diamond", "#eafaf1", "#1e8449", "group / no-op"),
    "summary":     ("note", "#e8f8f5", "#148f77", "summary"),
    "scope":       ("box3d", "#f4f6f7", "#566573", "collapsed name scope"),
}

#: colours of pruned and muted nodes, of the focused node, of a highlighted path
GREY_FILL, GREY_LINE, GREY_TEXT = "#f8f9f9", "#d5d8dc", "#aab7b8"
FOCUS_COLOR, PATH_COLOR = "#e74c3c", "#e67e22"


def node_kind(op):
    """The drawing kind of ``op`` (a key of ``KIND_STYLES``)."""
    if op.gradient_of is not None and op.opdef.kind == "op":
        return "gradient"
    return op.opdef.kind


# ------------------------------------------------------------------------------------------
# Labels
# ------------------------------------------------------------------------------------------

def describe_value(value, max_elements=12):
    """Small arrays in full, larger ones as shape and min/mean/max."""
    if value is None:
        return ""
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        return str(arr.dtype)
    if arr.size <= max_elements:
        with np.printoptions(precision=3, suppress=True, threshold=max_elements):
            return np.array2string(arr, separator=", ").replace("\n", "")
    a = arr.astype(np.float64)
    return "%s min %.3g mean %.3g max %.3g" % (tuple(arr.shape), a.min(), a.mean(), a.max())


def _label(op, show_shapes, values, scope):
    """The node's HTML label; ``scope`` is the box it is drawn in (a tuple of names), and
    the name is shown relative to it: ``Maximum/y`` outside a ``Maximum`` box stays whole."""
    prefix = "/".join(scope) + "/"
    name = op.name[len(prefix):] if scope and op.name.startswith(prefix) else op.name
    if op.name == prefix[:-1]:  # an op named like its own box (random_normal)
        name = op.name.rpartition("/")[2]
    lines = ["<B>%s</B>" % html.escape(name)]
    if op.type not in (name, "VariableV2", "Placeholder") or op.type == "Const" and name != "Const":
        lines.append("<I>%s</I>" % html.escape(op.type))
    if op.gradient_of is not None:
        lines.append("<FONT POINT-SIZE=\"9\">grad of %s</FONT>" % html.escape(op.gradient_of.name))
    if show_shapes and op.outputs:
        t = op.outputs[0]
        lines.append("<FONT POINT-SIZE=\"9\">%s %s</FONT>" % (html.escape(str(t.shape)),
                                                               t.dtype.name))
    if values is not None and op.outputs and op.outputs[0].name in values:
        text = describe_value(values[op.outputs[0].name])
        lines.append("<FONT POINT-SIZE=\"9\" COLOR=\"#1a5276\">= %s</FONT>" % html.escape(text))
    return "<" + "<BR/>".join(lines) + ">"


def _q(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


# ------------------------------------------------------------------------------------------
# DOT
# ------------------------------------------------------------------------------------------

def to_dot(graph=None, fetches=None, feed_dict=None, trace=None, backward=True,
           collapse=None, expand=(), show_shapes=True, show_values=False, focus=(),
           muted=(), path=(), node_styles=None, legend=True, link_gradients=False, rankdir="TB",
           title=None, max_nodes=2000):
    """The DOT source of a drawing of ``graph``.

    Args:
      graph: the Graph (default: the graph of ``fetches``, else the default graph).
      fetches: draw only what these tensors/ops need (stopping at ``feed_dict`` keys);
        default: the whole graph.
      feed_dict: fed tensors (or a list of them): drawn as cut where they are fed.
      trace: a ``RunTrace`` of one run: executed ops normal, pruned ops grey, fetched
        double-bordered, variables read (blue) and written (red).
      backward: include the ops ``tf.gradients`` added (False: the forward graph alone).
      collapse: name scopes drawn as one box; default ``["gradients", <optimizer scopes>]``
        when there is no trace, and none otherwise. ``expand`` removes scopes from it.
      show_shapes, show_values: label lines; values come from ``trace.values``.
      focus: ops or tensors to highlight strongly (e.g. the stepper's current op).
      muted: ops to grey out (e.g. stale copies from a re-run cell).
      path: ops forming a dependency path to highlight in orange (e.g. ``error.path``).
      node_styles: ``{op or op name: {dot attribute: value}}`` applied last, e.g. to colour
        a gradient check's verdict per op.
      legend: add a legend of node kinds.
      link_gradients: also draw a dotted edge from each gradient op to its forward op (every
        gradient op is labelled "grad of <op>" and sits in the "<op>_grad" scope anyway).
      max_nodes: beyond this many ops, collapse every top-level scope (readability).
    """
    scene = _Scene(graph, fetches, feed_dict, trace, backward, collapse, expand, max_nodes,
                   show_values)
    marks = _Marks(focus, muted, path, node_styles)
    lines = ["digraph minigraph {",
             '  graph [rankdir=%s, fontname="Helvetica", fontsize=11, nodesep=0.25, '
             'ranksep=0.35, newrank=true%s];' % (rankdir, (", label=%s, labelloc=t" % _q(title))
                                                  if title else ""),
             '  node [fontname="Helvetica", fontsize=10, style="filled,rounded", height=0.3];',
             '  edge [fontname="Helvetica", fontsize=8, arrowsize=0.6];']
    tree, shared, collapsed = _nodes(scene, marks, show_shapes)
    lines += _clusters(_flatten_small(tree))
    lines += _edges(scene, marks, shared, show_shapes, link_gradients)
    if legend:
        lines += _legend({node_kind(op) for op in scene.ops} | ({"scope"} if collapsed else set()))
    lines.append("}")
    return "\n".join(lines)


class _Scene:
    """What a drawing shows: which ops, which of them are collapsed into scope boxes, what
    is fed and fetched, and what one run did with each op (from its trace)."""

    def __init__(self, graph, fetches, feed_dict, trace, backward, collapse, expand,
                 max_nodes, show_values):
        graph = graph or (fetches_graph(fetches) if fetches is not None
                          else get_default_graph())
        given = set()
        for k in (feed_dict or ()):
            given.add(graph.as_graph_element(k))
        if fetches is not None:
            targets = fetch_ops(fetches, graph)
            needed = set(toposort(targets, given))
            # what the fetches need, plus the producers of fed tensors, drawn as cut
            ops = [op for op in toposort(targets)
                   if op in needed or any(t in given for t in op.outputs)]
            fetched = set(targets)
        else:
            ops = graph.get_operations()
            fetched = set()
        if trace is not None:
            fetched |= {graph.as_graph_element(n.split(":")[0] if ":" not in n else n)
                        for n in trace.fetches if n}
            fetched = {f.op if isinstance(f, Tensor) else f for f in fetched}
            given |= set(trace.fed)
        if not backward:
            ops = [op for op in ops if op.gradient_of is None]
        self.graph, self.ops, self.op_set = graph, ops, set(ops)
        self.given, self.fetched = given, fetched

        if collapse is None:
            collapse = [] if trace is not None else default_collapsed(ops)
        collapse = [c.rstrip("/") for c in collapse if c.rstrip("/") not in
                    {e.rstrip("/") for e in expand}]
        if len(ops) > max_nodes:
            collapse = sorted({op.name.split("/")[0] for op in ops if "/" in op.name})
        self.collapse = collapse

        self.executed = set(trace.executed) if trace is not None else None
        self.cut = set(trace.cut) if trace is not None else {t.op for t in given}
        self.read = set(trace.variables_read) if trace is not None else set()
        self.written = set(trace.variables_written) if trace is not None else set()
        self.values = trace.values if (trace is not None and show_values) else None

    def owner(self, op):
        """The collapsed scope ``op`` is drawn as, or None."""
        for c in self.collapse:
            if op.name == c or op.name.startswith(c + "/"):
                return c
        return None

    def ran(self, op):
        """False for an op a traced run did not execute (True without a trace)."""
        return self.executed is None or op in self.executed


class _Marks:
    """What the caller asked to highlight: the focus, muted ops, a path, per-op styles."""

    def __init__(self, focus, muted, path, node_styles):
        self.focus = {f.op if isinstance(f, Tensor) else f for f in focus}
        self.muted = set(muted)
        self.path = set(path)
        self.styles = {(k.op.name if isinstance(k, Tensor) else getattr(k, "name", k)): v
                       for k, v in (node_styles or {}).items()}


# -- nodes ------------------------------------------------------------------------------------

def _nodes(scene, marks, show_shapes):
    """The node statements, grouped by scope box: ``(tree, shared, collapsed)``, where
    ``tree`` maps a scope (tuple of names) to ``[(node id, attrs)]``, ``shared`` lists the
    constants drawn once beside each of their users, ``collapsed`` the ops per collapsed
    scope."""
    tree = {}
    scope_names = {op.name.rpartition("/")[0] for op in scene.ops if "/" in op.name}
    users = {}
    for op in scene.ops:
        if scene.owner(op) is None:
            for t in op.inputs:
                if t.op.type == "Const" and op not in users.setdefault(t.op, []):
                    users[t.op].append(op)
    shared = {c: u for c, u in users.items()
              if len(u) > 1 and scene.owner(c) is None and c not in scene.fetched | marks.focus}
    collapsed = {}
    for op in scene.ops:
        c = scene.owner(op)
        if c is not None:
            collapsed.setdefault(c, []).append(op)
            continue
        attrs = _node_style(scene, marks, op)
        # the label is made once the node's box is known: it shows the name within the box
        attrs["label"] = lambda scope, op=op: _label(op, show_shapes, scene.values, scope)
        if op in shared:
            # a constant used in many places is drawn once beside each user: one node
            # wired to every use would stretch the layout (and dot's time) quadratically
            for user in shared[op]:
                copy = dict(attrs, label=lambda scope, op=op: _label(op, show_shapes,
                                                                      scene.values, ()))
                tree.setdefault(_cluster_of(user, scope_names), []).append(
                    (op.name + "#" + user.name, copy))
            continue
        tree.setdefault(_cluster_of(op, scope_names), []).append((op.name, attrs))
    for c, members in collapsed.items():
        scope = tuple(c.split("/")[:-1])
        tree.setdefault(scope, []).append(("scope:" + c, _scope_style(scene, marks, c,
                                                                      members)))
    return tree, shared, collapsed


def _node_style(scene, marks, op):
    """The DOT attributes of ``op``'s node (its label aside): shape and colours by kind,
    then what the run did with it, then the caller's marks."""
    kind = node_kind(op)
    shape, fill, line, _ = KIND_STYLES.get(kind, KIND_STYLES["op"])
    attrs = {"shape": shape, "fillcolor": fill, "color": line, "penwidth": "1.2"}
    if shape in ("cylinder", "invhouse", "diamond", "note", "box3d"):
        attrs["style"] = "filled"
    if op in scene.cut:
        # its value came from feed_dict: the op itself did not run
        attrs.update(style=attrs.get("style", "filled,rounded") + ",dashed",
                     color="#2874a6", penwidth="2", tooltip="fed: its value came from "
                     "feed_dict, so the op itself did not run")
    elif not scene.ran(op):
        attrs.update(fillcolor=GREY_FILL, color=GREY_LINE, fontcolor=GREY_TEXT,
                     style=attrs.get("style", "filled,rounded") + ",dashed",
                     tooltip="pruned: no fetch needs it")
    if op in marks.muted:
        attrs.update(fillcolor=GREY_FILL, color=GREY_LINE, fontcolor=GREY_TEXT)
    if op.name in scene.read:
        attrs.update(color="#2e86c1", penwidth="2.5")
    if op.type == "VariableV2" and op.name in scene.written:
        attrs.update(color="#cb4335", penwidth="3")
    if op in scene.fetched:
        attrs["peripheries"] = "2"
    if op in marks.path:
        attrs.update(color=PATH_COLOR, penwidth="3")
    if op in marks.focus:
        attrs.update(color=FOCUS_COLOR, penwidth="4", fillcolor="#fdedec")
    attrs.update(marks.styles.get(op.name, ()))
    return attrs


def _scope_style(scene, marks, scope, members):
    """The DOT attributes of a collapsed scope's box."""
    shape, fill, line, _ = KIND_STYLES["scope"]
    grads = sum(1 for m in members if m.gradient_of is not None)
    label = "<<B>%s/</B><BR/><FONT POINT-SIZE=\"9\">%d ops%s (collapsed)</FONT>>" % (
        html.escape(scope), len(members), ", backward" if grads == len(members) else "")
    attrs = {"shape": shape, "style": "filled", "fillcolor": fill, "color": line,
             "label": label, "tooltip": "name scope %s: %d ops" % (scope, len(members))}
    if grads == len(members):
        attrs["fillcolor"] = KIND_STYLES["gradient"][1]
        attrs["color"] = KIND_STYLES["gradient"][2]
    if scene.executed is not None and not any(m in scene.executed for m in members):
        attrs.update(fillcolor=GREY_FILL, color=GREY_LINE, fontcolor=GREY_TEXT)
    if any(m in marks.focus for m in members):
        attrs.update(color=FOCUS_COLOR, penwidth="4")
    return attrs


# -- edges ------------------------------------------------------------------------------------

def _edges(scene, marks, shared, show_shapes, link_gradients):
    """The edge statements: data (solid), control (dashed), "writes" (red, from an assign
    to its variable) and, with ``link_gradients``, gradient-to-forward (dotted)."""
    lines, seen = [], set()

    def node_id(op):
        c = scene.owner(op)
        return _q("scope:" + c) if c is not None else _q(op.name)

    def edge(a, b, attrs, backward=False):
        if a == b:
            return
        key = (a, b, attrs.get("style", ""), attrs.get("color", ""))
        if key in seen:
            return
        seen.add(key)
        if backward:
            # laid out upwards, drawn pointing the right way: the backward pass climbs back
            # up beside the forward pass, so each gradient op sits next to its forward op
            a, b = b, a
            attrs = dict(attrs, dir="back")
        lines.append("  %s -> %s%s;" % (a, b, (" [%s]" % _attrs(attrs)) if attrs else ""))

    def is_grad(op):
        return op.gradient_of is not None and scene.owner(op) is None

    # link only one gradient op per forward op, the last one built, to keep edges few
    head = {}
    for op in scene.graph.get_operations():
        if op.gradient_of is not None:
            head[op.gradient_of] = op

    for op in scene.ops:
        dst = node_id(op)
        refs = op.opdef.ref_inputs if op.opdef.writes_refs else ()
        for i, t in enumerate(op.inputs):
            if t.op not in scene.op_set:
                continue
            if i in refs:   # TF1's ref edge: the update writes this variable
                attrs = {"color": "#cb4335", "style": "bold", "arrowhead": "normal",
                         "label": "writes", "fontcolor": "#cb4335", "dir": "back"}
                if not scene.ran(op):
                    attrs.update(color=GREY_LINE, fontcolor=GREY_TEXT, style="dashed")
                edge(node_id(t.op), dst, attrs)
                continue
            src = _q(t.op.name + "#" + op.name) if t.op in shared else node_id(t.op)
            attrs = {}
            if not scene.ran(op):
                attrs.update(color=GREY_LINE)
            elif t in scene.given:
                attrs.update(style="dashed", color="#2874a6", label="fed", fontcolor="#2874a6",
                             arrowhead="tee")
            elif not scene.ran(t.op):
                attrs.update(color=GREY_LINE)
            if op in marks.path and t.op in marks.path:
                attrs.update(color=PATH_COLOR, penwidth="2.5")
            if show_shapes and scene.owner(op) is None and scene.owner(t.op) is None and \
                    t.value_index > 0:
                attrs["label"] = ":%d" % t.value_index
            edge(src, dst, attrs, backward=is_grad(op) and is_grad(t.op))
        for c in op.control_inputs:
            if c in scene.op_set:
                attrs = {"style": "dashed", "arrowhead": "odot"}
                if not scene.ran(op):
                    attrs["color"] = GREY_LINE
                edge(node_id(c), dst, attrs)
        if link_gradients and op.gradient_of in scene.op_set and \
                scene.owner(op) is None and head.get(op.gradient_of) is op:
            edge(dst, node_id(op.gradient_of),
                 {"style": "dotted", "color": "#b03a2e", "constraint": "false",
                  "arrowhead": "none"})
    return lines


def _cluster_of(op, scope_names):
    """The scope box an op is drawn in: its name scope, or the scope named like the op
    itself (``random_normal`` sits with ``random_normal/shape``, as TensorBoard shows it)."""
    if op.name in scope_names:
        return tuple(op.name.split("/"))
    return tuple(op.name.split("/")[:-1])


def default_collapsed(ops):
    """The top-level scopes drawn collapsed by default: ``gradients*`` and optimizers'."""
    tops = []
    for op in ops:
        top = op.name.split("/")[0]
        if "/" not in op.name or top in tops:
            continue
        if top.startswith("gradients") or _is_optimizer_scope(top):
            tops.append(top)
    return tops


def _is_optimizer_scope(name):
    base = name.rstrip("_0123456789")
    return base in ("GradientDescent", "Momentum", "Adam", "RMSProp", "Adagrad", "SGD", "RMSprop",
                    "train")


def _attrs(d):
    parts = []
    for k, v in d.items():
        v = str(v)
        parts.append("%s=%s" % (k, v if v.startswith("<") and v.endswith(">") else _q(v)))
    return ", ".join(parts)


def _clusters(tree):
    """Nest the nodes of each scope into ``subgraph cluster_...`` blocks; ``tree`` maps a scope
    (tuple) to ``[(node id, attrs)]``."""
    out = []
    children = {}
    for scope in tree:
        for i in range(len(scope)):
            children.setdefault(scope[:i], set()).add(scope[:i + 1])
    counter = [0]

    def emit(scope, depth):
        pad = "  " * depth
        if scope:
            counter[0] += 1
            out.append('%ssubgraph %s {' % (pad, _q("cluster_%d_%s" % (counter[0],
                                                                        "/".join(scope)))))
            out.append('%s  label=%s; style="rounded,dashed"; color="#aab7b8"; '
                       'fontcolor="#566573";' % (pad, _q(scope[-1])))
        for node_id, attrs in tree.get(scope, ()):
            if callable(attrs.get("label")):
                attrs = dict(attrs, label=attrs["label"](scope))
            out.append('%s  %s [%s];' % (pad, _q(node_id), _attrs(attrs)))
        for child in sorted(children.get(scope, ())):
            emit(child, depth + 1)
        if scope:
            out.append(pad + "}")
    emit((), 0)
    return out


def _flatten_small(tree):
    """Fold scopes that would box a single node into their parent scope."""
    changed = True
    while changed:
        changed = False
        counts = {}
        for scope, items in tree.items():
            for i in range(len(scope) + 1):
                counts[scope[:i]] = counts.get(scope[:i], 0) + len(items)
        for scope in sorted(tree, key=len, reverse=True):
            if scope and counts[scope] < 2:
                tree.setdefault(scope[:-1], []).extend(tree.pop(scope))
                changed = True
                break
    return tree


def _legend(kinds):
    """One small table node listing the kinds of node in this drawing."""
    rows = []
    for kind, (shape, fill, line, text) in KIND_STYLES.items():
        if kind in kinds:
            rows.append('<TR><TD BGCOLOR="%s" COLOR="%s" WIDTH="18"></TD><TD ALIGN="LEFT">%s'
                        '</TD></TR>' % (fill, line, html.escape(text)))
    rows.append('<TR><TD COLSPAN="2" ALIGN="LEFT">- - -&gt; control dependency</TD></TR>')
    table = ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="2">'
             '<TR><TD COLSPAN="2"><B>legend</B></TD></TR>%s</TABLE>>' % "".join(rows))
    return ['  "legend" [shape=plaintext, style="", fontsize=8, label=%s];' % table]


# ------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------

class GraphView:
    """A drawing that Jupyter shows inline: SVG if Graphviz is installed, else DOT text."""

    def __init__(self, dot):
        self.dot = dot
        self._svg = None
        self._error = None

    def svg(self):
        """The SVG text, or ``None`` if Graphviz (package or ``dot`` binary) is missing."""
        if self._svg is None and self._error is None:
            try:
                import graphviz  # optional: without it (or `dot`) the view shows DOT text
                self._svg = graphviz.Source(self.dot).pipe(format="svg", encoding="utf-8")
            except Exception as e:  # ImportError, ExecutableNotFound, CalledProcessError
                self._error = e
        return self._svg

    @property
    def available(self):
        return self.svg() is not None

    def _repr_mimebundle_(self, include=None, exclude=None):
        svg = self.svg()
        if svg is not None:
            # a fixed text: stored notebook outputs must not change with every layout tweak
            return {"image/svg+xml": svg, "text/plain": "<minigraph drawing>"}
        return {"text/plain": INSTALL_HINT + "\n\n" + self.dot}

    def _repr_svg_(self):
        return self.svg()

    def save(self, path):
        """Write ``.svg`` (needs Graphviz) or ``.dot`` by the path's suffix."""
        if str(path).endswith(".dot"):
            text = self.dot
        else:
            text = self.svg()
            if text is None:
                raise RuntimeError(INSTALL_HINT)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def __str__(self):
        return self.dot


def draw(graph=None, **options):
    """A :class:`GraphView` of ``graph`` (see :func:`to_dot` for the options).

    In a notebook, ``tf.get_default_graph()`` alone draws the whole graph; ``draw(fetches=
    [loss], trace=md.trace)`` draws what one run executed, with pruned ops greyed out.
    """
    if graph is not None and not hasattr(graph, "get_operations"):
        options.setdefault("fetches", graph)
        graph = None
    return GraphView(to_dot(graph, **options))
