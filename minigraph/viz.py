"""Drawing graphs: DOT text for the forward and backward graph, and what one run did.

``to_dot`` is pure string building and needs nothing but minigraph. ``draw`` wraps the
DOT text in a :class:`GraphView` that Jupyter displays inline as SVG, rendered by the
``graphviz`` Python package and Graphviz's ``dot`` program; when either is missing, the
view shows the DOT source and one line on how to install Graphviz. It never raises.

What the picture encodes:

* node shape and colour = kind of node (see the legend): placeholder, constant, variable,
  ordinary op, gradient op, assign/update op, group/no-op, summary, random;
* solid edges carry data, dashed edges are control dependencies, red edges go from an
  assign (or a fused update such as ``ApplyAdam``) to the variable it writes, dotted edges
  tie a gradient op to the forward op it differentiates;
* name scopes are boxes (clusters); a collapsed scope is one box-shaped node; a
  variable's slots (``w/Adam``, ``w/Momentum``) are drawn beside it, in its box;
* hovering over an op shows its math: the first paragraph of its op type's docstring;
* with a run trace: executed ops are drawn normally, pruned ops are greyed out, fed
  tensors' producers are cut off (the feed replaces them), variables read are outlined
  blue and variables written red, fetched nodes get a double border.

Folding: the graph is TF1's, the drawing leaves out what a student does not need
-------------------------------------------------------------------------------

``import minigraph as tf`` builds the graph TF1 builds, node for node. By default
(``fold=True``) a drawing folds TF1's bookkeeping away by rules on the graph (op types, the
ref structure, name scopes), never by drawing a different graph:

1. **A variable stands for its read.** An ``Identity`` whose only input is a ``VariableV2``
   (``w/read``, what every user of ``w`` reads) is not a node: its edges come out of the
   variable's cylinder, and the cylinder counts as executed when the read executed.
2. **Constant arguments are labels.** A ``Const`` is drawn inside the label of the op it
   feeds, by value (``Sum (axis 1)``, ``Maximum (y=0)``, ``pow (y=2)``,
   ``RandomStandardNormal (shape=[3, 2])``), when all of these hold:

   * it is small: a number or at most 8 of them;
   * TF named it as an argument of that op, not you: it sits in the op's own name scope
     (``Maximum/y``, ``Sum/reduction_indices``, ``zeros/shape_as_tensor``), or it was built
     by the same line of your code as the op and is either TF's default ``Const``/``Const_N``
     or inside the same top-level name scope as the op (``random_normal/stddev`` for
     ``random_normal/mul``, ``Adam/learning_rate`` for ``Adam/update_w/ApplyAdam``,
     ``mean_squared_error/Cast/x`` for ``mean_squared_error/Mul``);
   * it is a parameter, not data: an integer (axes, shapes, multiples), the value of a
     ``Fill``, or a number applied to a tensor that flows (the op has an input that is not
     a constant). ``gradients/grad_ys_0`` (the 1 that starts the backward pass) is data;
   * it is not fetched or fed, and some op it feeds is drawn as itself.

   So a constant you made with ``tf.constant(..., name="c")`` on its own line stays a node:
   it is the point. Once a constant is a label it is one on every op it feeds. The label
   calls it by the name TF gave it (``y``; ``axis`` for ``reduction_indices``, ``shape``
   for ``shape_as_tensor``), by its role where TF called it ``Const`` (a reduction's
   ``axis``, the ``value`` of a Fill or an assign, a binary op's ``x`` or ``y``), and by
   its full name where it was borrowed from another op (``gradients/h_grad/GreaterEqual
   (h/y=0)``).
3. **Composite ops are one box, expandable.** TF1 builds some calls from many primitives;
   each such name scope is drawn as one collapsed box (``expand=[scope]`` opens it):

   * a ``tf.losses`` loss: a scope holding ``<scope>/value`` that is in the ``LOSSES``
     collection or sits beside an ``assert_broadcastable`` check (``mean_squared_error``);
   * a random value: the name scope a random op is drawn in, when an op is named like that
     scope (the call's result: ``random_normal`` holding ``random_normal/mul``,
     ``random_normal/RandomStandardNormal``...);
   * a variable's ``Initializer`` scope (``w/Adam/Initializer``, ``dense/kernel/Initializer``);
   * an optimizer's ``update_<var>`` scope holding an op that writes a variable;

   a box whose inside would be a single node is drawn as that node (a fused
   ``Adam/update_w/ApplyAdam``, ``zeros`` as one ``Fill``). Two composites are never boxes:
   a ``tuple`` scope (``tf.tuple``, the GATE_OP gates ``tf.gradients`` builds for optimizers)
   is drawn as the gradients it gates (its ``control_dependency`` Identities as their
   inputs, its ``group_deps`` NoOp not at all), and ``assert_*`` scopes and
   ``static_scalar_check_success`` NoOps (shape checks TF1 did while building) are hidden.

Whatever is folded keeps its meaning: a folded op in ``focus`` or on a ``path`` highlights
the node that draws it (a constant's label part turns red), a box is executed when any of
its ops ran, and the label of a constant never greys its op out. Boxes nest: a composite
inside a scope you collapse is part of that box, and ``expand=["GradientDescent"]`` opens
that scope only (its ``update_<var>`` boxes stay closed until expanded too).

``fold=False`` draws the graph as TensorBoard's graph view holds it: every node and every
edge of the GraphDef, every name scope a cluster (none collapsed unless you pass
``collapse``), reads, constants, gates and checks included. (A constant used by several ops
is drawn beside each of them, as TensorBoard does, so that the layout stays quick.)
"""

import html
import re

import numpy as np

from minigraph.graph import GraphKeys, Tensor, get_default_graph
from minigraph.lint import dead_update_message, dead_updates, fetch_ops, fetches_graph
from minigraph.op_def import OpDef
from minigraph.ops.math_ops import BinaryOp
from minigraph.ops.state_ops import variable_of_read
from minigraph.topo import toposort
from minigraph.trace import RunMetadata, of as trace_of

__all__ = ["to_dot", "draw", "GraphView", "dead_updates", "dead_update_message", "node_kind",
           "KIND_STYLES", "describe_value", "INSTALL_HINT", "GREY_FILL", "GREY_LINE", "GREY_TEXT",
           "FOCUS_COLOR", "PATH_COLOR", "default_collapsed", "variable_of_read",
           "composite_scopes", "constant_arguments", "op_doc", "MAX_ARGUMENT_SIZE", "BOX_KINDS"]

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
    "iterator":    ("box", "#d1f2eb", "#117a65",
                    "iterator (its position lives in the session; get_next: a new element "
                    "each run)"),
    "op":          ("box", "#ffffff", "#34495e", "op"),
    "gradient":    ("box", "#fadbd8", "#b03a2e", "gradient op (added by tf.gradients)"),
    "assign":      ("box", "#fcf3cf", "#b7950b", "assign / update op"),
    "control_flow": ("invtrapezium", "#fef5e7", "#9a7d0a",
                     "control flow (a tf.cond's Switch/Merge, a tf.while_loop's "
                     "Enter/Exit/NextIteration/LoopCond)"),
    "stack":       ("box", "#f5eef8", "#6c3483", "stack (a while loop's gradient keeps values "
                    "on it)"),
    "noop":        ("diamond", "#eafaf1", "#1e8449", "group / no-op"),
    "summary":     ("note", "#e8f8f5", "#148f77", "summary"),
    "scope":       ("box3d", "#f4f6f7", "#566573", "collapsed name scope"),
}

#: colours of pruned and muted nodes, of the focused node, of a highlighted path
GREY_FILL, GREY_LINE, GREY_TEXT = "#f8f9f9", "#d5d8dc", "#aab7b8"
#: the border of a dead op (in the tf.cond branch a run did not take)
DEAD_LINE = "#7f8c8d"
FOCUS_COLOR, PATH_COLOR = "#e74c3c", "#e67e22"

#: the most values a constant may hold and still be drawn as a label (rule 2)
MAX_ARGUMENT_SIZE = 8


def node_kind(op):
    """The drawing kind of ``op`` (a key of ``KIND_STYLES``)."""
    if op.gradient_of is not None and op.opdef.kind == "op":
        return "gradient"
    return op.opdef.kind


def op_doc(op):
    """What ``op`` computes: the first paragraph of its op type's docstring, on one line
    (``"z = max(x, y); on ties the gradient goes to x"`` for a ``Maximum``), or ``""``."""
    for cls in op.opdef.__mro__:
        if cls is OpDef or cls is object:
            break
        doc = cls.__dict__.get("__doc__")
        if doc and doc.strip():
            return " ".join(doc.strip().split("\n\n")[0].split())
    return ""


# ------------------------------------------------------------------------------------------
# Folding rules: pure functions of the graph (see the module docstring)
# ------------------------------------------------------------------------------------------

_DEFAULT_CONST_NAME = re.compile(r"Const(_\d+)?")
_REDUCTIONS = {"Sum", "Mean", "Max", "Min", "Prod", "All", "Any", "ArgMax", "ArgMin",
               "EuclideanNorm"}
#: the kinds of composite scope (rule 3); the first four are drawn as boxes
BOX_KINDS = ("loss", "random value", "initializer", "update")


def _enclosing(name):
    """The name scopes around an op named ``name``, outermost first: ``a``, ``a/b`` for
    ``a/b/c``."""
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _scope_members(ops):
    """``{scope: [ops a box of it holds]}`` for every name scope of ``ops`` (the ops under
    it, and the op named like it), in one pass over the ops."""
    inside = {}
    for op in ops:
        for s in _enclosing(op.name):
            inside.setdefault(s, []).append(op)
    for op in ops:
        if op.name in inside:
            inside[op.name].append(op)
    return inside


def composite_scopes(ops, graph=None):
    """``{scope: kind}`` for the name scopes among ``ops`` that TF1 builds for one call.

    Kinds: ``"loss"``, ``"random value"``, ``"initializer"``, ``"update"`` (drawn as a box),
    ``"gate"`` (a ``tuple`` scope: drawn as what it passes on) and ``"check"`` (an
    ``assert_*`` scope: hidden). See rule 3 of the module docstring."""
    ops = list(ops)
    names = {op.name: op for op in ops}
    losses = set()
    if graph is not None:
        for t in graph.get_collection(GraphKeys.LOSSES):
            losses.add(t.op if isinstance(t, Tensor) else t)
    inside = _scope_members(ops)
    kinds = {}
    for s in sorted(inside):
        last = s.rpartition("/")[2]
        value = names.get(s + "/value")
        if last.startswith("assert_"):
            kinds[s] = "check"
        elif re.fullmatch(r"tuple(_\d+)?", last) and (s + "/group_deps") in names:
            kinds[s] = "gate"
        elif last == "Initializer":
            kinds[s] = "initializer"
        elif last.startswith("update_") and any(op.opdef.writes_refs for op in inside[s]):
            kinds[s] = "update"
        elif value is not None and (value in losses or (s + "/assert_broadcastable") in inside):
            kinds[s] = "loss"
        elif s in names and any(op.opdef.kind == "random" and
                                (op.name == s or op.name_scope == s) for op in inside[s]):
            kinds[s] = "random value"
    return kinds


def _named_for(const, consumer):
    """True when TF, not the student, named ``const`` as an argument of ``consumer``."""
    if const.name.startswith(consumer.name + "/"):            # Maximum/y for Maximum
        return True
    if const.site is None or consumer.site is None or \
            const.site.key() != consumer.site.key():
        return False                                          # built by another line
    if _DEFAULT_CONST_NAME.fullmatch(const.name.rpartition("/")[2]):   # Const: Mean's axes
        return True
    # random_normal/stddev for random_normal/mul, Adam/learning_rate for Adam/update_w/...
    return const.name.split("/")[0] == consumer.name.split("/")[0] and "/" in const.name


def _is_parameter(const, consumer, index):
    """True when ``const`` is a parameter of ``consumer`` (its input ``index``), not data."""
    if const.outputs[0].dtype.is_integer:                    # axes, shapes, multiples
        return True
    if consumer.type == "Fill" and index == 1:                # the value of a Fill
        return True
    return any(t.op.type != "Const" for j, t in enumerate(consumer.inputs) if j != index)


def _small_number(const):
    value = np.asarray(const.attrs.get("value"))
    return value.dtype.kind in "biuf" and value.size <= MAX_ARGUMENT_SIZE


def constant_arguments(ops, keep=()):
    """The ``Const`` ops among ``ops`` drawn as labels on the ops they feed (rule 2 of the
    module docstring, but for the last condition, which depends on what is drawn); the ops
    in ``keep`` (fetched, fed) stay nodes."""
    consumers = {}
    for op in ops:
        for i, t in enumerate(op.inputs):
            if t.op.type == "Const":
                consumers.setdefault(t.op, []).append((op, i))
    return [c for c, uses in consumers.items()
            if c not in keep and _small_number(c) and
            any(_named_for(c, x) and _is_parameter(c, x, i) for x, i in uses)]


def _argument_name(const, consumer, index):
    """The name a constant argument gets in its op's label: ``axis``, ``shape``, ``y``...,
    or its full name where it is borrowed from another op (``pow/y`` in a gradient)."""
    if not _named_for(const, consumer):
        return const.name
    last = const.name.rpartition("/")[2]
    if _DEFAULT_CONST_NAME.fullmatch(last):
        if consumer.type in _REDUCTIONS and index == 1:
            return "axis"
        if consumer.type == "Fill" and index == 1 or consumer.opdef.writes_refs:
            return "value"
        if issubclass(consumer.opdef, BinaryOp):             # TF names them x and y
            return "xy"[index]
        return "input %d" % index
    if last in ("reduction_indices", "axis", "dimension"):
        return "axis"
    if last == "shape_as_tensor" or re.fullmatch(r"[Ss]hape(_\d+)?", last):
        return "shape"
    return last


def _number_text(value):
    arr = np.asarray(value)
    if arr.dtype.kind == "b":
        return np.array2string(arr, separator=", ")
    fmt = {"all": lambda v: "%g" % v}
    if arr.ndim == 0:
        return "%g" % arr
    return np.array2string(arr, separator=", ", formatter=fmt).replace("\n", "")


def _argument_text(const, consumer, index):
    """``"axis 1"``, ``"y=0"``, ``"shape=[3, 2]"``: a constant argument in its op's label."""
    name = _argument_name(const, consumer, index)
    value = _number_text(const.attrs["value"])
    return "axis %s" % value if name == "axis" else "%s=%s" % (name, value)


def unrequested_gradients(ops, graph, fetched=()):
    """The gradient ops among ``ops`` that lead to no gradient anyone asked for.

    TF1's ``tf.gradients`` builds the gradient of every floating input of every op on the
    way (of the placeholder ``x`` in ``matmul(x, w1)``, of the constant in ``maximum(h,
    0)``); no run ever needs those, and a folded drawing leaves them out. Kept: what leads
    to a tensor ``tf.gradients`` returned, to a fetch, or to an op outside the backward pass
    (an update that uses a gradient)."""
    grads = [op for op in ops if op.gradient_of is not None]
    if not grads:
        return set()
    roots = {t.op for t in graph.gradient_results} | {f for f in fetched if hasattr(f, "inputs")}
    for op in ops:
        if op.gradient_of is None:
            roots.update(t.op for t in op.inputs if t.op.gradient_of is not None)
            roots.update(c for c in op.control_inputs if c.gradient_of is not None)
    needed = set(toposort(list(roots)))
    return {op for op in grads if op not in needed}


class _Folding:
    """How each op of a drawing is drawn: as its own node, inside a box (a collapsed or
    composite scope), as another op's node (a read as its variable, a gate as what it
    passes on), as a label on the ops it feeds (a constant argument) or not at all (a
    shape check). With ``fold=False`` only the scopes in ``collapse`` are boxes."""

    def __init__(self, scene, collapse, expand, fold):
        ops = scene.ops
        expanded = {e.rstrip("/") for e in expand}
        kinds = composite_scopes(ops, scene.graph) if fold else {}
        self.kinds = {s: k for s, k in kinds.items() if s not in expanded}
        keep = scene.fetched | scene.cut
        arguments = set(constant_arguments(ops, keep)) if fold else set()
        reads = {op: variable_of_read(op) for op in ops if fold and op not in scene.cut}
        reads = {r: v for r, v in reads.items() if v is not None and v in scene.op_set}

        # boxes: the scopes you collapse, and every composite whose inside is several nodes
        boxes = set(c.rstrip("/") for c in collapse) - expanded
        inside = _scope_members(ops) if self.kinds else {}
        for s, kind in self.kinds.items():
            if kind in BOX_KINDS and self._nodes_inside(inside[s], arguments, reads) > 1:
                boxes.add(s)
        self.boxes = boxes
        self.box_of = {op: b for op in ops for b in [self._box(op)] if b is not None}

        # ops outside boxes: hidden (checks, gates' NoOps), drawn as another op, or labels
        self.hidden, self.alias = set(), {}
        for op in ops:
            if op in self.box_of:
                continue
            kind = self._composite(op)
            check = kind == "check" or (fold and op.type == "NoOp" and
                                        op.name.rpartition("/")[2] == "static_scalar_check_success")
            if op in scene.fetched and (check or kind == "gate"):
                continue                                   # what you fetch is drawn
            if check:
                self.hidden.add(op)
            elif kind == "gate" and op.type == "NoOp":
                self.hidden.add(op)
            elif kind == "gate" and op.type == "Identity" and op.inputs and \
                    op.inputs[0].op in scene.op_set:
                self.alias[op] = op.inputs[0].op
            elif op in reads:
                self.alias[op] = reads[op]
        self.arguments = {c for c in arguments if c not in self.box_of and c not in self.hidden}
        # a constant none of whose users is drawn as itself stays a node (rule 2, last)
        users = {}
        for op in ops:
            for t in op.inputs:
                if t.op in self.arguments and self.node_of(op) == op.name:
                    users.setdefault(t.op, []).append(op)
        self.arguments = {c for c in self.arguments if c in users}

        # what each drawn node stands for besides its own op (for run state and marks)
        self.members = {}
        for op in self.alias:
            target = self.node_of(op)
            if target is not None:
                self.members.setdefault(target, []).append(op)

    def _composite(self, op):
        """The kind of the innermost composite scope holding ``op`` (None if none)."""
        scope = op.name
        while "/" in scope:
            scope = scope.rpartition("/")[0]
            if scope in self.kinds:
                return self.kinds[scope]
        return None

    def _nodes_inside(self, members, arguments, reads):
        """How many nodes ``members`` (a scope's ops) would be, folded but not boxed."""
        n = 0
        for op in members:
            if op in arguments or op in reads:
                continue
            if self._composite(op) in ("check", "gate") or \
                    op.name.endswith("static_scalar_check_success"):
                continue
            n += 1
        return n

    def _box(self, op):
        """The outermost box holding ``op``, or None."""
        for s in _enclosing(op.name) + [op.name]:
            if s in self.boxes:
                return s
        return None

    def node_of(self, op):
        """The id of the DOT node that draws ``op``, or None (a label, hidden)."""
        box = self.box_of.get(op)
        if box is not None:
            return "scope:" + box
        if op in self.hidden or op in self.arguments:
            return None
        if op in self.alias:
            return self.node_of(self.alias[op])
        return op.name

    def drawn(self, op):
        """True for an op drawn as a node of its own."""
        return self.node_of(op) == op.name

    def arguments_of(self, op):
        """``[(input index, Const op)]``: the constant arguments drawn in ``op``'s label."""
        return [(i, t.op) for i, t in enumerate(op.inputs) if t.op in self.arguments]


class _Scene:
    """What a drawing shows: which ops, what is fed and fetched, and what one run did with
    each op (from its trace)."""

    def __init__(self, graph, fetches, feed_dict, trace, backward, show_values):
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
        self.executed = set(trace.executed) if trace is not None else None
        # control flow: the ops of a branch not taken (dead), and what each cond/loop did
        self.dead = set(getattr(trace, "dead", ())) if trace is not None else set()
        self.branches = dict(getattr(trace, "branches", {})) if trace is not None else {}
        self.iterations = dict(getattr(trace, "iterations", {})) if trace is not None else {}
        self.cut = set(trace.cut) if trace is not None else {t.op for t in given}
        self.read = set(trace.variables_read) if trace is not None else set()
        self.written = set(trace.variables_written) if trace is not None else set()
        self.values = trace.values if (trace is not None and show_values) else None

    def drop(self, ops):
        """Leave ``ops`` out of the drawing."""
        if ops:
            self.ops = [op for op in self.ops if op not in ops]
            self.op_set = set(self.ops)

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


def _label(op, show_shapes, values, scope, arguments=(), focus=(), note=""):
    """The node's HTML label; ``scope`` is the box it is drawn in (a tuple of names), and
    the name is shown relative to it: ``Maximum/y`` outside a ``Maximum`` box stays whole.
    ``arguments`` are the ``(index, Const op)`` drawn in it, by value: ``Sum (axis 1)``;
    those in ``focus`` are drawn red."""
    prefix = "/".join(scope) + "/"
    name = op.name[len(prefix):] if scope and op.name.startswith(prefix) else op.name
    if op.name == prefix[:-1]:  # an op named like its own box (random_normal)
        name = op.name.rpartition("/")[2]
    title = "<B>%s</B>" % html.escape(name)
    if arguments:
        parts = []
        for i, c in arguments:
            text = html.escape(_argument_text(c, op, i))
            parts.append('<FONT COLOR="%s"><B>%s</B></FONT>' % (FOCUS_COLOR, text)
                         if c in focus else text)
        title += " (%s)" % ", ".join(parts)
    lines = [title]
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
    if note:   # what a traced run did at a cond's Merge or a loop's LoopCond
        lines.append("<FONT POINT-SIZE=\"9\" COLOR=\"#9a7d0a\">%s</FONT>"
                     % html.escape(note.split(": ", 1)[-1]))
    return "<" + "<BR/>".join(lines) + ">"


def _tooltip(op, members):
    """What hovering over ``op``'s node says: its name, type and math, and the ops folded
    into it (a variable's read)."""
    lines = ["%s (%s): %s" % (op.name, op.type, op_doc(op))]
    for m in members:
        lines.append("also %s (%s): %s" % (m.name, m.type, op_doc(m)))
    # a widget reads the attributes before the label: keep "label=" out of the tooltip
    return "\n".join(lines).replace("label=", "label =")


def _q(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


# ------------------------------------------------------------------------------------------
# DOT
# ------------------------------------------------------------------------------------------

def to_dot(graph=None, fetches=None, feed_dict=None, trace=None, backward=True,
           collapse=None, expand=(), fold=True, show_shapes=True, show_values=False, focus=(),
           muted=(), path=(), node_styles=None, legend=True, link_gradients=False, rankdir="TB",
           title=None, max_nodes=2000):
    """The DOT source of a drawing of ``graph``.

    Args:
      graph: the Graph (default: the graph of ``fetches``, else the default graph).
      fetches: draw only what these tensors/ops need (stopping at ``feed_dict`` keys);
        default: the whole graph.
      feed_dict: fed tensors (or a list of them): drawn as cut where they are fed.
      trace: a ``RunTrace`` of one run (or the ``tf.RunMetadata`` a traced run filled in):
        executed ops normal, pruned ops grey, fetched
        double-bordered, variables read (blue) and written (red).
      backward: include the ops ``tf.gradients`` added (False: the forward graph alone).
      collapse: name scopes drawn as one box; default ``["gradients", <optimizer scopes>]``
        when there is no trace and ``fold`` is on, and none otherwise.
      expand: scopes to open: removed from ``collapse`` and from the composite boxes.
      fold: fold reads, constant arguments, composite ops, gates and checks by the rules of
        the module docstring (the default); ``False`` draws every node and edge, every scope
        a cluster, as TensorBoard's graph view does.
      show_shapes, show_values: label lines; values come from ``trace.values``.
      focus: ops or tensors to highlight strongly (e.g. the stepper's current op); a folded
        op highlights the node that draws it.
      muted: ops to grey out (e.g. stale copies from a re-run cell).
      path: ops forming a dependency path to highlight in orange (e.g. ``error.path``).
      node_styles: ``{op or op name: {dot attribute: value}}`` applied last, e.g. to colour
        a gradient check's verdict per op.
      legend: add a legend of node kinds.
      link_gradients: also draw a dotted edge from each gradient op to its forward op (every
        gradient op is labelled "grad of <op>" and sits in the "<op>_grad" scope anyway).
      max_nodes: beyond this many ops, collapse every top-level scope (readability).
    """
    if isinstance(trace, RunMetadata):
        trace = trace_of(trace)
    scene = _Scene(graph, fetches, feed_dict, trace, backward, show_values)
    if fold:
        scene.drop(unrequested_gradients(scene.ops, scene.graph, scene.fetched))
    marks = _Marks(focus, muted, path, node_styles)
    if collapse is None:
        collapse = default_collapsed(scene.ops) if (trace is None and fold) else []
    if len(scene.ops) > max_nodes:   # every top-level scope, expanded or not
        collapse = sorted({op.name.split("/")[0] for op in scene.ops if "/" in op.name})
        expand = ()
    folding = _Folding(scene, collapse, expand, fold)
    lines = ["digraph minigraph {",
             '  graph [rankdir=%s, fontname="Helvetica", fontsize=11, nodesep=0.25, '
             'ranksep=0.35, newrank=true%s];' % (rankdir, (", label=%s, labelloc=t" % _q(title))
                                                  if title else ""),
             '  node [fontname="Helvetica", fontsize=10, style="filled,rounded", height=0.3];',
             '  edge [fontname="Helvetica", fontsize=8, arrowsize=0.6];']
    tree, copies = _nodes(scene, marks, folding, show_shapes)
    lines += _clusters(_flatten_small(tree) if fold else tree)
    lines += _edges(scene, marks, folding, copies, show_shapes, link_gradients)
    lines += _slots_beside_variables(scene, folding)
    if legend:
        lines += _legend(scene, folding)
    lines.append("}")
    return "\n".join(lines)


# -- nodes ------------------------------------------------------------------------------------

def _shared_constants(scene, marks, folding):
    """``{Const op: [node ids of its users]}`` for the constants drawn as nodes that feed
    several nodes: each is drawn once beside each user, since one node wired to every use
    would stretch the layout (and dot's time) quadratically."""
    users = {}
    for op in scene.ops:
        dst = folding.node_of(op)
        if dst is None or op in folding.alias:
            continue
        for t in op.inputs:
            c = t.op
            if c.type == "Const" and folding.drawn(c) and c not in scene.fetched | marks.focus:
                if dst != c.name and dst not in users.setdefault(c, []):
                    users[c].append(dst)
    return {c: u for c, u in users.items() if len(u) > 1}


def _nodes(scene, marks, folding, show_shapes):
    """The node statements, grouped by scope box: ``(tree, copies)``, where ``tree`` maps a
    scope (tuple of names) to ``[(node id, attrs)]`` and ``copies`` maps each constant drawn
    beside each of its users to those users' node ids."""
    tree = {}
    scope_names = {op.name.rpartition("/")[0] for op in scene.ops if "/" in op.name}
    copies = _shared_constants(scene, marks, folding)
    cluster = {}
    boxed = {}
    for op in scene.ops:
        box = folding.box_of.get(op)
        if box is not None:
            boxed.setdefault(box, []).append(op)
            continue
        if not folding.drawn(op):
            continue
        cluster[op.name] = _cluster_of(op, scope_names)
        members = folding.members.get(op.name, [])
        attrs = _node_style(scene, marks, op, members, folding.arguments_of(op))
        args = folding.arguments_of(op)
        # the label is made once the node's box is known: it shows the name within the box
        note = _control_flow_note(scene, op)
        attrs["label"] = lambda scope, op=op, args=args, note=note: _label(
            op, show_shapes, scene.values, scope, args, marks.focus, note)
        if op in copies:
            continue
        tree.setdefault(cluster[op.name], []).append((op.name, attrs))
    for box, members in boxed.items():
        scope = tuple(box.split("/")[:-1])
        cluster["scope:" + box] = scope
        tree.setdefault(scope, []).append(
            ("scope:" + box, _scope_style(scene, marks, box, folding.kinds.get(box), members)))
    for c, users in copies.items():
        attrs = _node_style(scene, marks, c, [], [])
        for user in users:
            copy = dict(attrs, label=lambda scope, c=c: _label(c, show_shapes, scene.values, ()))
            tree.setdefault(cluster.get(user, ()), []).append((c.name + "#" + user, copy))
    return tree, copies


def _control_flow_note(scene, op):
    """What a traced run did at a cond's ``Merge`` or a loop's ``LoopCond``, or ''."""
    context = getattr(op, "_control_flow_context", None)
    if op.type == "Merge" and scene.branches:
        name = op.name.rsplit("/", 1)[0]
        if name in scene.branches:
            return "tf.cond %s: the %s branch ran" % (name, scene.branches[name])
    if op.type == "LoopCond" and context is not None and scene.iterations:
        for name, n in scene.iterations.items():
            if op.name.startswith(name.split("/")[0] + "/"):
                return "tf.while_loop %s: %d iteration%s" % (name, n, "" if n == 1 else "s")
    return ""


def _node_style(scene, marks, op, members, arguments):
    """The DOT attributes of ``op``'s node (its label aside): shape and colours by kind,
    then what the run did with it, then the caller's marks. ``members`` are the ops folded
    into it (a variable's read): the node ran if any of them ran, and shows their marks;
    ``arguments`` its constant arguments (their marks too, never their run state)."""
    kind = node_kind(op)
    shape, fill, line, _ = KIND_STYLES.get(kind, KIND_STYLES["op"])
    attrs = {"shape": shape, "fillcolor": fill, "color": line, "penwidth": "1.2",
             "tooltip": _tooltip(op, members)}
    if shape in ("cylinder", "invhouse", "diamond", "note", "box3d"):
        attrs["style"] = "filled"
    folded = [op] + list(members)
    marked = folded + [c for _, c in arguments]
    if op in scene.cut:
        # its value came from feed_dict: the op itself did not run
        attrs.update(style=attrs.get("style", "filled,rounded") + ",dashed",
                     color="#2874a6", penwidth="2", tooltip="fed: its value came from "
                     "feed_dict, so the op itself did not run\n" + attrs["tooltip"])
    elif any(m in scene.dead for m in folded):
        # in the branch of a tf.cond that was not taken (or after it): dead, not pruned
        attrs.update(fillcolor=GREY_FILL, color=DEAD_LINE, fontcolor=GREY_TEXT,
                     style=attrs.get("style", "filled,rounded") + ",dotted", penwidth="2",
                     tooltip="dead: in the branch this run did not take, so it did not run\n"
                     + attrs["tooltip"])
    elif not any(scene.ran(m) for m in folded):
        attrs.update(fillcolor=GREY_FILL, color=GREY_LINE, fontcolor=GREY_TEXT,
                     style=attrs.get("style", "filled,rounded") + ",dashed",
                     tooltip="pruned: no fetch needs it\n" + attrs["tooltip"])
    taken = _control_flow_note(scene, op)
    if taken:
        attrs["tooltip"] = taken + "\n" + attrs["tooltip"]
    if op in marks.muted:
        attrs.update(fillcolor=GREY_FILL, color=GREY_LINE, fontcolor=GREY_TEXT)
    if op.name in scene.read:
        attrs.update(color="#2e86c1", penwidth="2.5")
    if op.type == "VariableV2" and op.name in scene.written:
        attrs.update(color="#cb4335", penwidth="3")
    if any(m in scene.fetched for m in folded):
        attrs["peripheries"] = "2"
    if any(m in marks.path for m in marked):
        attrs.update(color=PATH_COLOR, penwidth="3")
    if any(m in marks.focus for m in marked):
        attrs.update(color=FOCUS_COLOR, penwidth="4", fillcolor="#fdedec")
    for m in reversed(folded):    # the op's own style wins over its read's
        attrs.update(marks.styles.get(m.name, ()))
    return attrs


_BOX_TEXT = {"loss": "tf.losses loss", "random value": "random value",
             "initializer": "initial value", "update": "optimizer update"}


def _scope_style(scene, marks, scope, kind, members):
    """The DOT attributes of a collapsed scope's box (``kind``: its composite kind, or None
    for a scope collapsed by name)."""
    shape, fill, line, _ = KIND_STYLES["scope"]
    grads = sum(1 for m in members if m.gradient_of is not None)
    what = _BOX_TEXT.get(kind, "")
    label = "<<B>%s/</B><BR/><FONT POINT-SIZE=\"9\">%s%d ops%s (collapsed)</FONT>>" % (
        html.escape(scope), (what + ": ") if what else "", len(members),
        ", backward" if grads == len(members) else "")
    attrs = {"shape": shape, "style": "filled", "fillcolor": fill, "color": line,
             "tooltip": "name scope %s: %d ops%s; expand=[%r] opens it"
             % (scope, len(members), (", a " + what) if what else "", scope),
             "label": label}
    if grads == len(members):
        attrs["fillcolor"] = KIND_STYLES["gradient"][1]
        attrs["color"] = KIND_STYLES["gradient"][2]
    if scene.executed is not None and not any(m in scene.executed for m in members):
        attrs.update(fillcolor=GREY_FILL, color=GREY_LINE, fontcolor=GREY_TEXT)
    if any(m in scene.fetched for m in members):
        attrs["peripheries"] = "2"
    if any(m in marks.focus for m in members):
        attrs.update(color=FOCUS_COLOR, penwidth="4")
    return attrs


# -- edges ------------------------------------------------------------------------------------

def _edges(scene, marks, folding, copies, show_shapes, link_gradients):
    """The edge statements: data (solid), control (dashed), "writes" (red, from an update
    to the variable it writes) and, with ``link_gradients``, gradient-to-forward (dotted).
    Each edge joins the nodes that draw its ends; an edge within one node is not drawn, nor
    one from a constant drawn as a label or to or from a hidden op."""
    lines, seen = [], set()

    def edge(a, b, attrs, backward=False):
        if a is None or b is None or a == b:
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
        lines.append("  %s -> %s%s;" % (_q(a), _q(b), (" [%s]" % _attrs(attrs)) if attrs else ""))

    def is_grad(op):
        return op.gradient_of is not None and op not in folding.box_of

    # link only one gradient op per forward op, the last one built, to keep edges few
    head = {}
    for op in scene.graph.get_operations():
        if op.gradient_of is not None:
            head[op.gradient_of] = op

    for op in scene.ops:
        dst = folding.node_of(op)
        if dst is None:
            continue
        refs = op.opdef.ref_inputs if op.opdef.writes_refs else ()
        for i, t in enumerate(op.inputs):
            if t.op not in scene.op_set:
                continue
            src = folding.node_of(t.op)
            if i in refs:   # TF1's ref edge: the update writes this variable
                attrs = {"color": "#cb4335", "style": "bold", "arrowhead": "normal",
                         "label": "writes", "fontcolor": "#cb4335", "dir": "back"}
                if not scene.ran(op):
                    attrs.update(color=GREY_LINE, fontcolor=GREY_TEXT, style="dashed")
                edge(src, dst, attrs)
                continue
            if t.op in copies and dst in copies[t.op]:
                src = t.op.name + "#" + dst
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
            if show_shapes and folding.drawn(op) and folding.drawn(t.op) and t.value_index > 0:
                attrs["label"] = ":%d" % t.value_index
            edge(src, dst, attrs, backward=is_grad(op) and is_grad(t.op))
        for c in op.control_inputs:
            if c in scene.op_set:
                attrs = {"style": "dashed", "arrowhead": "odot"}
                if not scene.ran(op):
                    attrs["color"] = GREY_LINE
                edge(folding.node_of(c), dst, attrs)
        if link_gradients and op.gradient_of in scene.op_set and \
                op not in folding.box_of and head.get(op.gradient_of) is op:
            edge(dst, folding.node_of(op.gradient_of),
                 {"style": "dotted", "color": "#b03a2e", "constraint": "false",
                  "arrowhead": "none"})
    return lines


def _slots_beside_variables(scene, folding):
    """Rank constraints that draw each variable's slots (``w/Adam``, ``w/Momentum``: the
    variables an optimizer keeps per weight, named under it) on the variable's row."""
    variables = [op for op in scene.ops if op.type == "VariableV2" and folding.drawn(op)]
    lines = []
    for v in variables:
        slots = [s for s in variables if s.name.startswith(v.name + "/")]
        if slots:
            lines.append("  { rank=same; %s; }" % "; ".join(_q(x.name) for x in [v] + slots))
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
    return base in ("GradientDescent", "Momentum", "Adam", "RMSProp", "Adagrad", "Adadelta",
                    "SGD", "RMSprop", "train")


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
    """Fold scopes that would box a single node into their parent scope.

    A scope's node count (its own and its sub-scopes') does not change when a sub-scope is
    folded into it, so one pass from the deepest scope up folds every small one."""
    counts = {}
    for scope, items in tree.items():
        for i in range(len(scope) + 1):
            counts[scope[:i]] = counts.get(scope[:i], 0) + len(items)
    for scope in sorted(counts, key=lambda s: (-len(s), s)):
        if scope and counts[scope] < 2 and scope in tree:
            tree.setdefault(scope[:-1], []).extend(tree.pop(scope))
    return tree


def _legend(scene, folding):
    """One small table node listing the kinds of node in this drawing, and what is folded."""
    kinds = {node_kind(op) for op in scene.ops if folding.drawn(op)}
    if folding.box_of:
        kinds.add("scope")
    rows = []
    for kind, (shape, fill, line, text) in KIND_STYLES.items():
        if kind in kinds:
            rows.append('<TR><TD BGCOLOR="%s" COLOR="%s" WIDTH="18"></TD><TD ALIGN="LEFT">%s'
                        '</TD></TR>' % (fill, line, html.escape(text)))
    rows.append('<TR><TD COLSPAN="2" ALIGN="LEFT">- - -&gt; control dependency</TD></TR>')
    if any(variable_of_read(op) is not None for op in folding.alias):
        rows.append('<TR><TD COLSPAN="2" ALIGN="LEFT">a variable stands for its read '
                    '(w/read)</TD></TR>')
    if folding.arguments:
        rows.append('<TR><TD COLSPAN="2" ALIGN="LEFT">op (y=2): a constant argument, '
                    'drawn in the label</TD></TR>')
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
    [loss], trace=md)`` draws what one run executed, with pruned ops greyed out;
    ``draw(fold=False)`` draws every node and edge TF1 built, as TensorBoard shows them.
    """
    if graph is not None and not hasattr(graph, "get_operations"):
        options.setdefault("fetches", graph)
        graph = None
    return GraphView(to_dot(graph, **options))
