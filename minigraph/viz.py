"""Drawing graphs: DOT text for the forward and backward graph, and what one run did.

``to_dot`` is pure string building and needs nothing but minigraph. ``draw`` wraps the
DOT text in a :class:`GraphView` that Jupyter displays inline as SVG, rendered by the
``graphviz`` Python package and Graphviz's ``dot`` program; when either is missing, the
view shows the DOT source and one line on how to install Graphviz. It never raises.

What the picture encodes:

* node shape and colour = kind of node (see the legend, under the drawing): placeholder,
  constant, variable, ordinary op, gradient op, assign/update op, group/no-op, summary,
  random;
* each node shows its name within its box, with as much of its scope as it takes to tell
  it from every other node of the drawing (``w1/Assign``, the initializer, and ``Assign``,
  the update ``w1.assign(...)`` built); a constant shows its value (``0``, ``2``, ``min 0
  mean 5.5 max 11`` for a larger array; ``c = 2`` when you named it ``c``);
* solid edges carry data, dashed edges are control dependencies, red "writes" edges go
  from an assign (or a fused update such as ``ApplyAdam``) to the variable it writes,
  dotted edges tie a gradient op to the forward op it differentiates;
* name scopes are boxes (clusters); a collapsed scope is one box-shaped node; a
  variable's slots (``w/Adam``, ``w/Momentum``) are drawn beside it, in its box, or beside
  the update that writes them (rule 4);
* hovering over an op shows its math: the first paragraph of its op type's docstring;
* with a run trace: executed ops are drawn normally, pruned ops are greyed out, fed
  tensors' producers are cut off (the feed replaces them), variables read are outlined
  blue and variables written red, fetched nodes get a double border;
* with ``show_values`` and a trace that kept values (``trace.traced_run(sess, fetches,
  feed, keep_values=True)``): each node's value (``= 10.504``; an array's min and max, its
  mean on the line below) and, on a node of the forward pass whose gradient the run
  computed (the graph records the gradient ``tf.gradients`` built for each tensor:
  ``graph.output_gradients``), the gradient of the loss with respect to its output
  (``grad ...``): micrograd's data and grad, for arrays.

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

   * it is small: a number, at most 8 of them or an array of one number (``zeros_like``),
     or a short string (a summary's ``tag``);
   * TF named it as an argument of that op, not you: it sits in the op's own name scope
     (``Maximum/y``, ``Sum/reduction_indices``, ``zeros/shape_as_tensor``), a gradient
     function built it beside the op (``gradients/h_grad/zeros_like`` for
     ``gradients/h_grad/Select``), or it was built by the same line of your code as the op
     and is either TF's default ``Const``/``Const_N`` or inside the same top-level name
     scope as the op (``random_normal/stddev`` for ``random_normal/mul``,
     ``Adam/learning_rate`` for ``Adam/update_w/ApplyAdam``, ``mean_squared_error/Cast/x``
     for ``mean_squared_error/Mul``);
   * it is a parameter, not data: an integer (axes, shapes, multiples), the value of a
     ``Fill``, a number in the op's own scope, or a number applied to a tensor that flows
     (the op has an input that is not a constant). ``gradients/grad_ys_0`` (the 1 that
     starts the backward pass) is data;
   * it is not fetched or fed, and some op it feeds is drawn as itself.

   So a constant you made with ``tf.constant(..., name="c")`` on its own line stays a node:
   it is the point. Once a constant is a label it is one on every op it feeds. The label
   calls it by the name TF gave it (``y``; ``axis`` for ``reduction_indices``, ``shape``
   for ``shape_as_tensor``), by its role where TF called it ``Const`` (a reduction's
   ``axis``, the ``value`` of a Fill or an assign, a binary op's ``x`` or ``y``), and by
   its full name where it was borrowed from another op (``gradients/h_grad/GreaterEqual
   (h/y=0)``). A constant of the forward pass drawn as a node is drawn there only: a
   gradient op that uses it shows it in its label that way (``Mul (c=3)``), never a copy
   of it inside the gradient boxes. Arguments go under the op's name when the line would
   get long.
3. **Composite ops are one box, expandable.** TF1 builds some calls from many primitives;
   each such name scope is drawn as one collapsed box (``expand=[scope]`` opens it):

   * a ``tf.losses`` loss: a scope holding ``<scope>/value`` that is in the ``LOSSES``
     collection or sits beside an ``assert_broadcastable`` check (``mean_squared_error``);
   * a random value: the name scope a random op is drawn in, when an op is named like that
     scope (the call's result: ``random_normal`` holding ``random_normal/mul``,
     ``random_normal/RandomStandardNormal``...);
   * a variable's ``Initializer`` scope (``w/Adam/Initializer``, ``dense/kernel/Initializer``);
   * an optimizer's ``update_<var>`` scope holding an op that writes a variable;
   * a batch normalization: a scope holding ``<scope>/batchnorm`` and a ``moving_mean``
     variable (``tf.layers.batch_normalization``, ``bn/``), its four variables inside;

   a box whose inside would be a single node is drawn as that node (a fused
   ``Adam/update_w/ApplyAdam``, ``zeros`` as one ``Fill``). Two composites are never boxes:
   a ``tuple`` scope (``tf.tuple``, the GATE_OP gates ``tf.gradients`` builds for optimizers)
   is drawn as the gradients it gates (its ``control_dependency`` Identities as their
   inputs, its ``group_deps`` NoOp not at all), and ``assert_*`` scopes and
   ``static_scalar_check_success`` NoOps (shape checks TF1 did while building) are hidden.
   A variable that only the ops of one box use (an optimizer's slots and ``beta1_power``
   when the optimizer is collapsed) is inside that box. A collapsed box of the backward
   pass (``gradients/``) takes one edge, from the loss it differentiates (labelled
   ``tf.gradients``): the forward values it reads are named when you hover over it, and
   drawn as edges once it is expanded (one edge from every layer crossed the drawing).
4. **A write is drawn beside its update.** The "writes" edge of an update goes to the
   variable when the update sits in the variable's box (its initializer ``w/Assign``), else
   to a copy of the variable drawn beside the update, red when the run wrote it there (the
   variable itself then shows the read); a variable that nothing but such updates uses (an
   optimizer's slot, the optimizer expanded) is drawn beside its first update. An update
   that writes more than ``MAX_WRITTEN_COPIES`` variables far from it (a collapsed
   optimizer of a bigger model) gets one node beside it that lists them. So no
   "writes" arrow crosses the drawing (unfolded, every write goes to the variable).

Whatever is folded keeps its meaning: a folded op in ``focus`` or on a ``path`` highlights
the node that draws it (a constant's label part turns red), a box is executed when any of
its ops ran, and the label of a constant never greys its op out. Boxes nest: a composite
inside a scope you collapse is part of that box, and ``expand=["GradientDescent"]`` opens
that scope only (its ``update_<var>`` boxes stay closed until expanded too).

``fold=False`` draws the graph as TensorBoard's graph view holds it: every node and every
edge of the GraphDef, every name scope a cluster (none collapsed unless you pass
``collapse``), reads, constants, gates and checks included. (A constant used by several ops
is drawn beside each of them, as TensorBoard does, so that the layout stays quick.)

Layout: one per graph, whatever the run or the highlight
--------------------------------------------------------

Drawings of one graph with different runs or highlights (the bug and its fix, step 3 and
step 4 of the stepper, a focus, muted ops, a path) put every node at the same place, so
that they differ only in colour:

* what a drawing holds (its nodes, their labels' text and boxes, its edges and their
  labels) depends on the graph, the fetches, the feeds and the options, never on what a
  run did or on the marks: ``collapse`` defaults to the gradients and optimizer scopes
  with a trace or without, a fed edge says "fed" whether its op ran yet or not, the focus
  only colours;
* :class:`GraphView` lays out the drawing's skeleton (:func:`layout_skeleton`: what sizes
  and places nodes and edges, without colours, borders, line styles or tooltips) once with
  ``dot``, keeps the layout (per skeleton, so per graph version and view), and draws every
  drawing of that skeleton with ``neato -n2`` at those positions;
* values change the size of labels, so with ``show_values`` every node keeps its value
  line (and its gradient line, where the graph has the gradient) whether the trace has the
  value or not (empty until it does), an array's mean on a line of its own, and every
  value line is laid out as wide as ``VALUE_LINE_WIDTH_TEXT`` (``grad min -0.000 max
  -0.000``), whatever it shows: a node's place does not move when its value appears, and a
  much longer value runs over its box's edge rather than move the others.
"""

import collections
import html
import json
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
           "composite_scopes", "constant_arguments", "op_doc", "MAX_ARGUMENT_SIZE", "BOX_KINDS",
           "constant_text", "gradient_of_output", "layout_skeleton"]

INSTALL_HINT = ("Graphviz's `dot` program was not found, so here is the graph's DOT source. "
                "Install Graphviz to see the picture: `apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS) or `conda install -c conda-forge graphviz "
                "python-graphviz`.")

# kind -> (shape, fill colour, border colour, legend text)
KIND_STYLES = {
    "placeholder": ("invhouse", "#d6eaf8", "#2874a6", "placeholder (fed input)"),
    "constant":    ("box", "#f2f3f4", "#909497", "constant (drawn as its value)"),
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
#: the colours of a label's value line, gradient line and control flow note
VALUE_COLOR, GRADIENT_COLOR, NOTE_COLOR = "#1a5276", "#922b21", "#9a7d0a"
WRITE_COLOR = "#cb4335"

#: the most values a constant may hold and still be drawn as a label (rule 2)
MAX_ARGUMENT_SIZE = 8
#: the longest string constant drawn as a label (a summary's tag)
MAX_ARGUMENT_TEXT = 24
#: the most variables an update writes that are drawn again beside it one by one; more are
#: drawn as one node listing them (rule 4)
MAX_WRITTEN_COPIES = 6


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
#: the kinds of composite scope (rule 3) drawn as boxes
BOX_KINDS = ("loss", "random value", "initializer", "update", "batch norm")


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

    Kinds: ``"loss"``, ``"random value"``, ``"initializer"``, ``"update"``, ``"batch norm"``
    (drawn as a box),
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
        elif getattr(names.get(s + "/moving_mean"), "type", None) == "VariableV2" and \
                (s + "/batchnorm") in inside:
            kinds[s] = "batch norm"
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
    if const.gradient_of is not None and const.gradient_of is consumer.gradient_of and \
            const.name_scope == consumer.name_scope:          # h_grad/zeros_like for Select
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
    if const.name.startswith(consumer.name + "/"):            # TF named it for the op
        return True
    return any(t.op.type != "Const" for j, t in enumerate(consumer.inputs) if j != index)


def _small_value(const):
    """True for a number, at most ``MAX_ARGUMENT_SIZE`` of them or an array of one number
    (``zeros_like``), or a short string."""
    value = np.asarray(const.attrs.get("value"))
    if value.dtype.kind in "SUO":                             # a summary's tag
        return value.size == 1 and len(_as_text(value.item())) <= MAX_ARGUMENT_TEXT
    if value.dtype.kind not in "biuf":
        return False
    return value.size <= MAX_ARGUMENT_SIZE or bool((value == value.flat[0]).all())


def _as_text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


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
            if c not in keep and _small_value(c) and
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
    if arr.dtype.kind in "SUO":
        return ", ".join(repr(_as_text(v)) for v in arr.ravel())
    if arr.dtype.kind == "b":
        return np.array2string(arr, separator=", ")
    fmt = {"all": lambda v: "%g" % v}
    if arr.ndim == 0:
        return "%g" % arr
    return np.array2string(arr, separator=", ", formatter=fmt).replace("\n", "")


def _argument_text(const, consumer, index):
    """``"axis 1"``, ``"y=0"``, ``"shape=[3, 2]"``: a constant argument in its op's label."""
    name = _argument_name(const, consumer, index)
    value = constant_text(const)
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


def constant_text(const):
    """How a constant drawn as a node is labelled: by its value (``0``, ``[1, 2]``,
    ``'loss'``); a larger array by its one value when all are equal (``zeros_like``: ``0``),
    else by min/mean/max (its shape is on the line below)."""
    value = np.asarray(const.attrs.get("value"))
    if value.dtype.kind in "SUO":
        text = _number_text(value) if value.size <= 2 else "%d strings" % value.size
        return text if len(text) <= 2 * MAX_ARGUMENT_TEXT else text[:2 * MAX_ARGUMENT_TEXT] + "..."
    if value.dtype.kind not in "biuf" or value.size == 0:
        return value.dtype.name
    if value.size <= MAX_ARGUMENT_SIZE:
        return _number_text(value)
    flat = value.ravel()
    if (flat == flat[0]).all():
        return _number_text(flat[0])
    a = flat.astype(np.float64)
    return "min %.3g mean %.3g max %.3g" % (a.min(), a.mean(), a.max())


def _named_by_you(const, graph):
    """True for a constant of the forward pass whose name you chose (``c``, ``lr``): not
    TF's default ``Const``, and not inside the name scope of an op (TF1 names an op's
    argument constants inside the op's scope: ``Maximum/y``, ``Cast/x``)."""
    scope, _, last = const.name.rpartition("/")
    if const.gradient_of is not None or _DEFAULT_CONST_NAME.fullmatch(last):
        return False
    if not scope:
        return True
    try:
        graph.get_operation_by_name(scope)
        return False
    except (KeyError, ValueError):
        return True


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
        if fold and boxes:
            self._variables_into_boxes(scene, reads)

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
        self.borrowed = self._borrowed_constants(scene) if fold else {}

        # what each drawn node stands for besides its own op (for run state and marks)
        self.members = {}
        for op in self.alias:
            target = self.node_of(op)
            if target is not None:
                self.members.setdefault(target, []).append(op)

    def _variables_into_boxes(self, scene, reads):
        """A variable that only ops inside one box use (an optimizer's slots and
        ``beta1_power`` when the optimizer is collapsed) is drawn in that box, its read
        too, even when its name puts it in another one (``bn/gamma/Adam``)."""
        used_in = {}
        for op in scene.ops:
            if op in reads:                 # a read stands for its variable: see its users
                continue
            for t in op.inputs:
                v = t.op if t.op.type == "VariableV2" else reads.get(t.op)
                if v is not None:
                    used_in.setdefault(v, set()).add(self.box_of.get(op))
        for v, where in used_in.items():
            if len(where) == 1 and None not in where and v not in scene.fetched:
                box = next(iter(where))
                self.box_of[v] = box
                for r, rv in reads.items():
                    if rv is v:
                        self.box_of[r] = box

    def _borrowed_constants(self, scene):
        """``{gradient op: [(input index, Const op)]}``: the constants of the forward pass,
        drawn there as nodes, that a gradient op drawn as itself shows in its label by
        value instead of an edge, so that the forward constant is drawn once (rule 2). A
        constant only such ops use is a label only."""
        borrowed, other_users = {}, {}
        for op in scene.ops:
            node = self.node_of(op)
            if node is None or op in self.alias:
                continue
            for i, t in enumerate(op.inputs):
                c = t.op
                if c.type != "Const" or c.gradient_of is not None or not self.drawn(c) or \
                        c in scene.fetched:
                    continue
                if op.gradient_of is not None and node == op.name:
                    borrowed.setdefault(op, []).append((i, c))
                else:
                    other_users[c] = True
        for op, uses in borrowed.items():        # used by gradient ops only: labels
            for i, c in uses:
                if c not in other_users:
                    self.arguments.add(c)
        return {op: [(i, c) for i, c in uses if c not in self.arguments]
                for op, uses in borrowed.items()}

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
        """``[(input index, Const op)]``: the constant arguments drawn in ``op``'s label
        (a forward constant a gradient op borrows included)."""
        own = [(i, t.op) for i, t in enumerate(op.inputs) if t.op in self.arguments]
        return own + [use for use in self.borrowed.get(op, ()) if use not in own]


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
        # with show_values, every node keeps a value line (and a gradient line where the
        # graph has its gradient), empty until the trace has the value: see _label
        self.show_values = show_values
        self.values = (trace.values if trace is not None else {}) if show_values else None

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


#: the widest a label's first line gets (points) before its arguments go under the name
_MAX_LINE_WIDTH = 120
#: the longest array drawn in full on a label's value line; longer ones are summarised
_MAX_VALUE_TEXT = 20
#: the text a value line is laid out with, whatever it shows: every drawing of a graph keeps
#: its layout, with values or without, at every step of a run (see "Layout" above)
VALUE_LINE_WIDTH_TEXT = "grad min -0.000 max -0.000"
NOTE_LINE_WIDTH_TEXT = "the true, false branch ran"


def _value_text(value):
    """A value on a label's lines: ``(text, second line)``. A number (``10.5``) or a small
    array in full (``[3., 5.]``), else min and max, then the mean on a second line (the
    shape is on the line above); None for no value."""
    if value is None:
        return None
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        return arr.dtype.name, ""
    if arr.size == 1:
        v = arr.reshape(()).item()
        return ("%.5g" % v if isinstance(v, float) else str(v)), ""
    text = describe_value(arr)
    if arr.size <= 12 and len(text) <= _MAX_VALUE_TEXT:
        return text, ""
    a = arr.astype(np.float64)
    return "min %.3g max %.3g" % (a.min(), a.max()), "mean %.3g" % a.mean()


def gradient_of_output(op, ops=None):
    """The tensor holding the gradient that ``tf.gradients`` built for ``op``'s output (of a
    variable: of its value), among the gradient ops in ``ops`` (default: any), or None.
    With several ``tf.gradients`` calls, the first one's."""
    graph = op.graph
    tensors = list(op.outputs[:1])
    if op.type == "VariableV2":
        tensors += [c.outputs[0] for c in _readers(op)]
    for t in tensors:
        for g in graph.output_gradients.get(t, ()):
            if ops is None or g.op in ops:
                return g
    return None


def _readers(variable):
    """The reads of ``variable`` (``w/read``, ``read_value()``)."""
    return [c for c in variable.graph.get_operations()
            if c.inputs and c.inputs[0].op is variable and variable_of_read(c) is variable]


# Helvetica's advance widths (1/1000 em) for the text of labels, to size the shapes that
# Graphviz would otherwise inflate around them (a placeholder's house)
_WIDTHS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~",
    [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278]
    + [556] * 10 + [278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
                    722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667,
                    944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556,
                    278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278,
                    556, 500, 722, 500, 500, 500, 334, 260, 334, 584]))


def _text_width(text, size, bold=False):
    """The width in points of ``text`` set in Helvetica of ``size`` points."""
    em = sum(_WIDTHS.get(ch, 600) for ch in text) / 1000.0
    return em * size * (1.1 if bold else 1.0)


def _label(op, name, show_shapes, arguments=(), focus=(), value=None, grad=None, note=None,
           name_is_value=False, forward_name=None):
    """The node's HTML label and its size in points (estimated): ``name`` is its title (the
    op's name as drawn, or a constant's value), ``arguments`` the ``(index, Const op)``
    drawn in it by value (``Sum (axis 1)``; those in ``focus`` red). ``value``, ``grad``
    and ``note`` are the texts of its value line (``= 3``), gradient line (``grad 0.5``)
    and control flow note: None for no such line, "" for the line kept empty (the value is
    not known yet), else the text (for values, ``(first line, second line)``: an array's
    mean goes on a second line, kept for every array, so that the layout does not change).
    A gradient op says which op it differentiates by that op's name in the drawing,
    ``forward_name``, if given.
    """
    lines, heights = ["<B>%s</B>" % _escape(name)], [12.0]
    sizes = [_text_width(name, 10, bold=True)]
    if arguments:
        # the arguments follow the name, or go under it when the line would get long
        texts = [_argument_text(c, op, i) for i, c in arguments]
        parts = [('<FONT COLOR="%s">%s</FONT>' % (FOCUS_COLOR, _escape(t)) if c in focus
                  else _escape(t)) for t, (_, c) in zip(texts, arguments)]
        width = _text_width(" (%s)" % ", ".join(texts), 10)
        if sizes[0] + width <= _MAX_LINE_WIDTH:
            lines[0] += " (%s)" % ", ".join(parts)
            sizes[0] += width
        else:
            line, line_width, rows = [], 0.0, []
            for text, part in zip(texts, parts):
                w = _text_width(text + ", ", 10)
                if line and line_width + w > _MAX_LINE_WIDTH:
                    rows.append(line)
                    line, line_width = [], 0.0
                line.append(part)
                line_width += w
            rows.append(line)
            for k, row in enumerate(rows):
                lines.append("%s%s%s" % ("(" if k == 0 else "", ", ".join(row),
                                         ")" if k == len(rows) - 1 else ","))
                heights.append(12.0)
            sizes.append(min(width, _MAX_LINE_WIDTH))
    last = name.rpartition("/")[2]
    if not name_is_value and op.type not in (last, "VariableV2", "Placeholder", "Const"):
        lines.append("<I>%s</I>" % html.escape(op.type))
        sizes.append(_text_width(op.type, 10))
        heights.append(12.0)

    def small(text, colour=None, size=9):
        font = ('<FONT POINT-SIZE="%d" COLOR="%s">' % (size, colour) if colour else
                '<FONT POINT-SIZE="%d">' % size)
        lines.append("%s%s</FONT>" % (font, _escape(text) if text else " "))
        heights.append(size * 1.2)

    if op.gradient_of is not None:
        small("grad of %s" % (forward_name or op.gradient_of.name))
        sizes.append(_text_width(lines[-1], 9))
    if show_shapes and op.outputs:
        t = op.outputs[0]
        small("%s %s" % (t.shape, t.dtype.name))
        sizes.append(_text_width("%s %s" % (t.shape, t.dtype.name), 9))
    one_line = bool(op.outputs) and op.outputs[0].shape.num_elements() == 1
    for text, lead, colour in ((value, "= ", VALUE_COLOR), (grad, "grad ", GRADIENT_COLOR)):
        if text is not None:       # "" or (first line, second line)
            first, second = text or ("", "")
            small(lead + first if first else "", colour, 8)
            if not one_line:       # an array: its mean on a line of its own
                small(second, colour, 8)
            sizes.append(_text_width(VALUE_LINE_WIDTH_TEXT, 8))
    if note is not None:   # what a traced run did at a cond's Merge or a loop's LoopCond
        small(note.split(": ", 1)[-1] if note else "", NOTE_COLOR)
        sizes.append(_text_width(NOTE_LINE_WIDTH_TEXT, 9))
    return "<" + "<BR/>".join(lines) + ">", (max(sizes), sum(heights))


def _escape(text):
    """Text for an HTML label (quotes need no escaping there: ``(tag='loss')``)."""
    return html.escape(text, quote=False)


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
        when ``fold`` is on (with a trace or without: the layout does not depend on it),
        none otherwise.
      expand: scopes to open: removed from ``collapse`` and from the composite boxes.
      fold: fold reads, constant arguments, composite ops, gates and checks by the rules of
        the module docstring (the default); ``False`` draws every node and edge, every scope
        a cluster, as TensorBoard's graph view does.
      show_shapes: a line with each node's shape and dtype.
      show_values: a line with each node's value (``= 3``, ``= min .. mean .. max ..``) and,
        where the graph has the gradient ``tf.gradients`` built for the node's output, a
        line with that gradient (``grad ...``), both from ``trace.values`` (a trace made with
        ``keep_values=True``); the lines are kept, empty, where the trace has no value.
      focus: ops or tensors to highlight strongly (e.g. the stepper's current op); a folded
        op highlights the node that draws it.
      muted: ops to grey out (e.g. stale copies from a re-run cell).
      path: ops forming a dependency path to highlight in orange (e.g. ``error.path``).
      node_styles: ``{op or op name: {dot attribute: value}}`` applied last, e.g. to colour
        a gradient check's verdict per op.
      legend: add a legend of node kinds and of what is folded (the drawing's label, under it).
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
        collapse = default_collapsed(scene.ops) if fold else []
    if len(scene.ops) > max_nodes:   # every top-level scope, expanded or not
        collapse = sorted({op.name.split("/")[0] for op in scene.ops if "/" in op.name})
        expand = ()
    folding = _Folding(scene, collapse, expand, fold)
    plan = _Plan(scene, folding, fold, link_gradients)
    # the legend is the drawing's label, under it (with a title, above it, under the title)
    label = ""
    if legend or title:
        label = ", label=%s, labelloc=%s, labeljust=l" % (
            _legend(plan, title, legend), "t" if title else "b")
    lines = ["digraph minigraph {",
             '  graph [rankdir=%s, fontname="Helvetica", fontsize=11, nodesep=0.15, '
             'ranksep=0.35, newrank=true%s];' % (rankdir, label),
             '  node [fontname="Helvetica", fontsize=10, style="filled,rounded", height=0.3];',
             '  edge [fontname="Helvetica", fontsize=8, arrowsize=0.6];']
    tree = plan.tree()
    names = plan.names(tree)
    lines += _clusters(tree, lambda node_id, scope: plan.node_attrs(
        node_id, scope, names, marks, show_shapes), merge_chains=fold)
    lines += plan.edge_lines(marks, show_shapes)
    lines += plan.rank_lines()
    lines.append("}")
    return "\n".join(lines)


class _Plan:
    """The structure of a drawing, which no run and no highlight changes: its nodes (an
    op's, a box's, the copies of a constant beside each user and of a variable beside each
    update that writes it), the scope box each sits in, and its edges. A trace and the
    marks only colour it (``node_attrs``, ``edge_lines``), so that drawings of one graph
    with different runs keep one layout."""

    def __init__(self, scene, folding, fold, link_gradients):
        self.scene, self.folding, self.fold = scene, folding, fold
        scope_names = {op.name.rpartition("/")[0] for op in scene.ops if "/" in op.name}
        self.op_of, self.cluster, self.kind = {}, {}, {}
        self.boxed = {}
        for op in scene.ops:
            box = folding.box_of.get(op)
            if box is not None:
                self.boxed.setdefault(box, []).append(op)
            elif folding.drawn(op):
                self._add(op.name, op, _cluster_of(op, scope_names), "op")
        for box in self.boxed:
            self._add("scope:" + box, None, tuple(box.split("/")[:-1]), "box")
        self.edges = self._collect_edges(link_gradients)
        self.copy_of = {}      # copy node id -> the node it copies
        self.writer_of = {}    # a written copy's id -> its writer's node id
        self._copy_constants()
        self._place_writes()
        self.copied = set(self.copy_of.values())

    def _add(self, node_id, op, cluster, kind):
        self.op_of[node_id] = op
        self.cluster[node_id] = cluster
        self.kind[node_id] = kind

    def _collect_edges(self, link_gradients):
        """``{(src, dst, kind): [(op, tensor or None, producer op)]}`` in drawing order:
        kinds "data", "control", "link" (gradient op to forward op) and "backward" (from
        the loss to a collapsed backward box); an edge within one node is left out, and so
        is one from a constant drawn as a label or to or from a hidden op. The writes (TF1's
        ref edges) go to ``self.writes`` as ``(variable op, update's node, use)``."""
        scene, folding = self.scene, self.folding
        edges, self.writes, self.box_reads = {}, [], {}
        backward = self._backward_boxes()

        def add(src, dst, kind, use):
            if src is not None and dst is not None and src != dst:
                edges.setdefault((src, dst, kind), []).append(use)

        # link only one gradient op per forward op, the last one built, to keep edges few
        head = {}
        if link_gradients:
            for op in scene.graph.get_operations():
                if op.gradient_of is not None:
                    head[op.gradient_of] = op
        for op in scene.ops:
            dst = folding.node_of(op)
            if dst is None:
                continue
            lent = {i for i, _ in folding.borrowed.get(op, ())}
            refs = op.opdef.ref_inputs if op.opdef.writes_refs else ()
            for i, t in enumerate(op.inputs):
                if t.op not in scene.op_set or i in lent:
                    continue
                src = folding.node_of(t.op)
                if i in refs:                                  # TF1's ref edge: a write
                    if src is not None and src != dst:
                        self.writes.append((t.op, dst, (op, t, t.op)))
                elif dst in backward and t.op.gradient_of is None and src is not None:
                    # a forward value the backward pass reads: listed on the box
                    self.box_reads.setdefault(dst, set()).add(src)
                else:
                    add(src, dst, "data", (op, t, t.op))
            for c in op.control_inputs:
                if c in scene.op_set:
                    add(folding.node_of(c), dst, "control", (op, None, c))
            if head.get(op.gradient_of) is op and op.gradient_of in scene.op_set and \
                    op not in folding.box_of:
                add(dst, folding.node_of(op.gradient_of), "link", (op, None, op.gradient_of))
        for box, ys in backward.items():
            for y in ys:
                first = self.boxed[box[len("scope:"):]][0]
                add(folding.node_of(y), box, "backward", (first, None, y))
        return edges

    def _backward_boxes(self):
        """``{box node id: [the ys it differentiates]}`` for the collapsed boxes of the
        backward pass when folding: each is drawn with one edge, from its loss (the y of
        ``tf.gradients``), the forward values it reads being listed on it, not drawn as
        edges from every layer (they come back when the box is expanded)."""
        out = {}
        if not self.fold:
            return out
        for box, members in self.boxed.items():
            if not all(m.gradient_of is not None for m in members):
                continue
            ys = [m.gradient_of for m in members
                  if re.fullmatch(r"grad_ys_\d+(_\d+)?", m.name.rpartition("/")[2]) and
                  m.gradient_of in self.scene.op_set]
            if ys:
                out["scope:" + box] = list(dict.fromkeys(ys))
        return out

    def _is_backward(self, node_id):
        """True for a node of the backward pass: a gradient op, or a box of them."""
        op = self.op_of.get(node_id)
        if op is not None:
            return op.gradient_of is not None
        members = self.boxed.get(node_id[len("scope:"):], ())
        return bool(members) and all(m.gradient_of is not None for m in members)

    def _copy_constants(self):
        """A constant drawn as a node that feeds several nodes is drawn once beside each of
        them (one node wired to every use would stretch the layout, and dot's time,
        quadratically); folded, never beside a node of the backward pass, which takes its
        edge from the first copy (a forward constant is drawn in the forward pass)."""
        users = {}
        for (src, dst, kind) in self.edges:
            op = self.op_of.get(src)
            if kind == "data" and op is not None and op.type == "Const" and \
                    self.kind[src] == "op" and op not in self.scene.fetched:
                if dst not in users.setdefault(src, []):
                    users[src].append(dst)
        for src, dsts in users.items():
            beside = [d for d in dsts if not (self.fold and self._is_backward(d))]
            if len(dsts) < 2 or len(beside) < 2:
                continue
            for dst in beside:
                copy = "%s#%s" % (src, dst)
                self._add(copy, self.op_of[src], self.cluster[dst], "constant copy")
                self.copy_of[copy] = src
            self._rename(src, lambda key: "%s#%s" % (src, key[1] if key[1] in beside
                                                     else beside[0]))
            self._drop(src)

    def _rename(self, node_id, new_src):
        """Give the edges out of ``node_id`` the source ``new_src(key)``, in place."""
        edges = {}
        for key, uses in self.edges.items():
            if key[0] == node_id:
                key = (new_src(key), key[1], key[2])
            edges.setdefault(key, []).extend(uses)
        self.edges = edges

    def _drop(self, node_id):
        for d in (self.op_of, self.cluster, self.kind):
            d.pop(node_id, None)

    def _place_writes(self):
        """Where each write goes: to the variable when its update is drawn inside the
        variable's box (its initializer, ``w/Assign``), else to a copy of the variable drawn
        beside the update, so that no "writes" arrow crosses the drawing; a variable that
        nothing but such updates uses (an optimizer's slot) is drawn beside its first
        update instead. Each is an edge update -> variable, as the data goes."""
        writes = {}
        for var, writer, use in self.writes:
            writes.setdefault((var, writer), []).append(use)
        outside = {}
        for var, writer in (writes if self.fold else ()):   # unfolded: to the variable
            home = self.cluster.get(var.name)
            if home is None:                  # in a box: its copy beside the update
                outside.setdefault(var, []).append(writer)
            elif not (home and self.cluster[writer][:len(home)] == home):
                outside.setdefault(var, []).append(writer)
        moved = {}
        for var, writers in outside.items():
            if var.name in self.cluster and \
                    not any(var.name in key[:2] for key in self.edges) and \
                    not any(v is var and w not in writers for v, w in writes):
                self.cluster[var.name] = self.cluster[writers[0]]
                moved[var] = writers[0]
        copied = {}
        for var, writer in writes:
            if writer in outside.get(var, ()) and moved.get(var) != writer:
                copied.setdefault(writer, []).append(var)
        self.groups = {}       # a group's id -> the variables it draws
        for (var, writer), uses in writes.items():
            target = var.name if var.name in self.cluster else self.folding.node_of(var)
            if var in copied.get(writer, ()) and len(copied[writer]) > MAX_WRITTEN_COPIES:
                # one node for them all, the names listed
                target = "%s#writes" % writer
                if target not in self.groups:
                    self._add(target, var, self.cluster[writer], "written group")
                    self.groups[target] = copied[writer]
                    self.writer_of[target] = writer
                self.copy_of["%s#%s" % (var.name, writer)] = var.name
            elif var in copied.get(writer, ()):
                target = "%s#%s" % (var.name, writer)
                self._add(target, var, self.cluster[writer], "written copy")
                self.copy_of[target] = var.name
                self.writer_of[target] = writer
            self.edges.setdefault((writer, target, "writes"), []).extend(uses)

    # -- nodes ------------------------------------------------------------------------------

    def tree(self):
        """``{scope: [node ids]}``: the scope box each node is drawn in (a box of one node
        folded into its parent when folding)."""
        tree = {}
        for node_id in self.op_of:
            tree.setdefault(self.cluster[node_id], []).append(node_id)
        return _flatten_small(tree) if self.fold else tree

    def _titled_by_value(self, op):
        return op is not None and op.type == "Const"

    def names(self, tree):
        """``{op: the name its node shows}``: its name within its scope box, with as much
        of its scope as needed to tell it from every other node's (``w1/Assign`` and
        ``Assign``); a constant shows its value instead."""
        scope_of = {node_id: scope for scope, ids in tree.items() for node_id in ids}
        parts, k = {}, {}
        for node_id, op in self.op_of.items():
            if op is None or op in parts or self._titled_by_value(op):
                continue
            scope = scope_of[node_id]
            prefix = "/".join(scope) + "/"
            parts[op] = op.name.split("/")
            if op.name == prefix[:-1] or not (scope and op.name.startswith(prefix)):
                k[op] = 1 if op.name == prefix[:-1] else len(parts[op])
            else:
                k[op] = len(parts[op]) - len(scope)
            if k[op] > 1 and parts[op][-1] == parts[op][-2]:
                k[op] = 1       # TF1's X/X (an op named like its scope): X, if that is enough
        while True:
            groups = {}
            for op in parts:
                groups.setdefault("/".join(parts[op][-k[op]:]), []).append(op)
            longer = False
            for group in groups.values():
                if len(group) > 1:
                    for op in group:
                        if k[op] < len(parts[op]):
                            k[op] += 1
                            longer = True
            if not longer:
                return {op: "/".join(parts[op][-k[op]:]) for op in parts}

    def node_attrs(self, node_id, scope, names, marks, show_shapes):
        """The DOT attributes of node ``node_id`` drawn in the scope box ``scope``."""
        scene, folding = self.scene, self.folding
        kind, op = self.kind[node_id], self.op_of[node_id]
        if kind == "box":
            box = node_id[len("scope:"):]
            reads = self.box_reads.get(node_id, ())
            return _scope_style(scene, marks, box, folding.kinds.get(box), self.boxed[box],
                                [n for n in self.op_of if n in reads])
        source = self.copy_of.get(node_id, node_id)
        members = folding.members.get(source, []) if kind != "constant copy" else []
        arguments = folding.arguments_of(op) if kind == "op" else []
        # a variable with a written copy shows the write there, not here
        attrs = _node_style(scene, marks, op, members, arguments,
                            shows_write=kind == "op" and node_id not in self.copied)
        if kind == "written group":
            return self._group_attrs(node_id, marks)
        if kind == "written copy":
            writer = self.writer_of[node_id]
            if self.kind[writer] == "box":
                box = writer[len("scope:"):]
                _written_style(scene, attrs, op, box, self.boxed[box])
            else:
                _written_style(scene, attrs, op, writer, [self.op_of[writer]])
        if self._titled_by_value(op):
            name = constant_text(op)
            if _named_by_you(op, op.graph):
                name = "%s = %s" % (op.name.rpartition("/")[2], name)
        else:
            name = names[op]
        value = grad = note = None
        if scene.show_values and not self._titled_by_value(op) and op.outputs:
            value = _value_text(_value_of(scene.values, op, members)) or ""
            if op.gradient_of is None:
                g = gradient_of_output(op, scene.op_set)
                if g is not None:
                    grad = _value_text(scene.values.get(g.name)) or ""
        if op.type in ("Merge", "LoopCond"):
            note = _control_flow_note(scene, op)
        label, (width, height) = _label(op, name, show_shapes, arguments, marks.focus, value,
                                        grad, note, name_is_value=self._titled_by_value(op),
                                        forward_name=names.get(op.gradient_of))
        if attrs["shape"] == "invhouse":
            # a house just wide enough for its label (Graphviz would widen it a lot more)
            attrs.update(fixedsize="shape", width="%.2f" % ((width + 20) / 72.0),
                         height="%.2f" % ((height + 18) / 72.0))
        attrs["label"] = label
        return attrs

    def _group_attrs(self, node_id, marks):
        """The node drawing the variables an update writes, when there are many of them
        (a collapsed optimizer's), in one cylinder that lists their names."""
        scene, variables = self.scene, self.groups[node_id]
        writer = self.writer_of[node_id]
        box = writer[len("scope:"):] if self.kind[writer] == "box" else None
        writer_ops = self.boxed[box] if box is not None else [self.op_of[writer]]
        shape, fill, line, _ = KIND_STYLES["variable"]
        tooltip = "\n".join("%s (%s): %s" % (v.name, v.type, op_doc(v)) for v in variables)
        attrs = {"shape": shape, "style": "filled", "fillcolor": fill, "color": line,
                 "penwidth": "1.2", "tooltip": ""}
        names = [v.name for v in variables]
        _written_style(scene, attrs, variables[0], box or writer, writer_ops)
        attrs["tooltip"] = ("the %d variables %s writes, drawn once beside it (the same "
                            "variables)\n%s" % (len(variables), box or writer, tooltip))
        if scene.executed is not None and any(scene.ran(op) for op in writer_ops) and \
                any(n in scene.written for n in names):
            attrs.update(color=WRITE_COLOR, penwidth="3")
        if any(v in marks.focus for v in variables):
            attrs.update(color=FOCUS_COLOR, penwidth="4")
        rows = ['<FONT POINT-SIZE="9">%s</FONT>' % _escape(n) for n in names]
        attrs["label"] = "<<B>%s</B><BR/>%s>" % (
            _escape("%d variables %s writes" % (len(names), (box + "/") if box else writer)),
            "<BR/>".join(rows))
        return attrs

    # -- edges ------------------------------------------------------------------------------

    def edge_lines(self, marks, show_shapes):
        """The edge statements, styled by the run and the marks: data (solid; dashed blue
        "fed" from a fed tensor), control (dashed), "writes" (red, from an update to the
        variable it writes) and gradient-to-forward links (dotted)."""
        scene, lines = self.scene, []
        for (src, dst, kind), uses in self.edges.items():
            ran = [u for u in uses if scene.ran(u[0])]
            op, t, producer = (ran or uses)[0]
            attrs = {}
            if kind == "writes":
                attrs = {"color": WRITE_COLOR, "style": "bold", "label": "writes",
                         "fontcolor": WRITE_COLOR}
                if not ran:
                    attrs.update(color=GREY_LINE, fontcolor=GREY_TEXT, style="dashed")
            elif kind == "control":
                attrs = {"style": "dashed", "arrowhead": "odot"}
                if not ran:
                    attrs["color"] = GREY_LINE
            elif kind == "link":
                attrs = {"style": "dotted", "color": "#b03a2e", "constraint": "false",
                         "arrowhead": "none"}
            elif kind == "backward":
                attrs = {"color": "#b03a2e", "label": "tf.gradients", "fontcolor": "#b03a2e"}
                if not any(scene.ran(m) for m in self.boxed[dst[len("scope:"):]]):
                    attrs.update(color=GREY_LINE, fontcolor=GREY_TEXT)
            else:
                fed = any(u[1] in scene.given for u in uses)
                if fed:     # the label stays whatever the run did: the layout keeps it
                    attrs.update(style="dashed", color="#2874a6", label="fed",
                                 fontcolor="#2874a6", arrowhead="tee")
                if not ran or not (fed or any(scene.ran(u[2]) for u in ran)):
                    attrs.update(color=GREY_LINE, fontcolor=GREY_TEXT)
                if any(u[0] in marks.path and u[2] in marks.path for u in uses):
                    attrs.update(color=PATH_COLOR, penwidth="2.5")
                if show_shapes and t.value_index > 0 and self.folding.drawn(op) and \
                        self.folding.drawn(producer):
                    attrs["label"] = ":%d" % t.value_index
            a, b = src, dst
            if kind == "data" and self._climbs(src, dst):
                # laid out upwards, drawn pointing the right way: the backward pass climbs
                # back up beside the forward pass, so each gradient op sits by its forward op
                a, b = dst, src
                attrs["dir"] = "back"
            lines.append("  %s -> %s%s;" % (_q(a), _q(b),
                                            (" [%s]" % _attrs(attrs)) if attrs else ""))
        return lines

    def _climbs(self, src, dst):
        """True for an edge between two gradient ops drawn as themselves (not boxed)."""
        a, b = self.op_of.get(src), self.op_of.get(dst)
        return a is not None and b is not None and self.kind[src] == "op" and \
            self.kind[dst] == "op" and a.gradient_of is not None and b.gradient_of is not None

    def rank_lines(self):
        """Rank constraints that draw each variable's slots (``w/Adam``, ``w/Momentum``: the
        variables an optimizer keeps per weight, named under it) on the variable's row, when
        they are drawn in its box."""
        variables = [n for n, op in self.op_of.items() if self.kind[n] == "op" and
                     op is not None and op.type == "VariableV2"]
        lines = []
        for v in variables:
            home = self.cluster[v]             # its box, before small boxes are folded
            slots = [s for s in variables if s.startswith(v + "/") and home and
                     self.cluster[s][:len(home)] == home]
            if slots:
                lines.append("  { rank=same; %s; }" % "; ".join(_q(x) for x in [v] + slots))
        return lines


def _value_of(values, op, members):
    """The value a traced run kept for ``op``'s node: its output's, or, for a variable, its
    read's (the variable's own output is the variable itself, not an array)."""
    for o in [op] + list(members):
        if o.outputs and o.outputs[0].name in values:
            v = values[o.outputs[0].name]
            if isinstance(v, (np.ndarray, np.generic, int, float, bool)):
                return v
    return None


def _written_style(scene, attrs, variable, writer, writer_ops):
    """A variable drawn again beside ``writer`` (an update, or a box of them), which writes
    it: red when the run wrote it there, grey when the update did not run."""
    attrs["tooltip"] = ("%s again, beside %s, which writes it (the same variable, drawn "
                        "here so that no arrow crosses the drawing)\n%s"
                        % (variable.name, writer, attrs["tooltip"]))
    ran = any(scene.ran(op) for op in writer_ops)
    if ran and scene.executed is not None and variable.name in scene.written:
        attrs.update(color=WRITE_COLOR, penwidth="3")
    elif not ran:
        attrs.update(fillcolor=GREY_FILL, color=GREY_LINE, fontcolor=GREY_TEXT,
                     style="filled,dashed", penwidth="1.2")
    elif variable.name in scene.read:       # the read is drawn on the variable itself
        attrs.update(color=KIND_STYLES["variable"][2], penwidth="1.2")


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


def _node_style(scene, marks, op, members, arguments, shows_write=True):
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
    if op.type == "VariableV2" and op.name in scene.written and shows_write:
        attrs.update(color=WRITE_COLOR, penwidth="3")
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
             "initializer": "initial value", "update": "optimizer update",
             "batch norm": "batch normalization"}


def _scope_style(scene, marks, scope, kind, members, reads=()):
    """The DOT attributes of a collapsed scope's box (``kind``: its composite kind, or None
    for a scope collapsed by name); the variables inside it (an optimizer's slots) are
    counted apart from its ops; ``reads``: the nodes whose values a backward box reads
    (their edges are not drawn)."""
    shape, fill, line, _ = KIND_STYLES["scope"]
    grads = sum(1 for m in members if m.gradient_of is not None)
    n_vars = sum(1 for m in members if m.type == "VariableV2")
    n_ops = len(members) - n_vars
    what = _BOX_TEXT.get(kind, "")
    held = (", %d variable%s" % (n_vars, "" if n_vars == 1 else "s")) if n_vars else ""
    label = "<<B>%s/</B><BR/><FONT POINT-SIZE=\"9\">%s%d ops%s%s</FONT>>" % (
        html.escape(scope), (what + ": ") if what else "", n_ops, held,
        ", backward" if grads == len(members) else "")
    attrs = {"shape": shape, "style": "filled", "fillcolor": fill, "color": line,
             "tooltip": "name scope %s: %d ops%s%s; expand=[%r] opens it"
             % (scope, n_ops, held, (", a " + what) if what else "", scope),
             "label": label}
    if reads:
        attrs["tooltip"] += ("\nreads %d values of the forward pass: %s"
                             % (len(reads), ", ".join(reads)))
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


def _clusters(tree, attrs_of, merge_chains=False):
    """Nest the nodes of each scope into ``subgraph cluster_...`` blocks; ``tree`` maps a scope
    (tuple) to its node ids, ``attrs_of(node id, scope)`` gives a node's attributes. With
    ``merge_chains``, a box holding nothing but one box is drawn as one box labelled by
    both (``gradients_1/gradients/pow_grad``), not as boxes nested in boxes."""
    out = []
    children = {}
    for scope in tree:
        for i in range(len(scope)):
            children.setdefault(scope[:i], set()).add(scope[:i + 1])
    counter = [0]

    def emit(scope, depth):
        pad = "  " * depth
        if scope:
            first = len(scope) - 1
            while merge_chains and not tree.get(scope) and len(children.get(scope, ())) == 1:
                scope = next(iter(children[scope]))
            counter[0] += 1
            out.append('%ssubgraph %s {' % (pad, _q("cluster_%d_%s" % (counter[0],
                                                                        "/".join(scope)))))
            out.append('%s  label=%s; labelloc=t; labeljust=c; style="rounded,dashed"; '
                       'color="#aab7b8"; fontcolor="#566573";'
                       % (pad, _q("/".join(scope[first:]))))
        for node_id in tree.get(scope, ()):
            out.append('%s  %s [%s];' % (pad, _q(node_id), _attrs(attrs_of(node_id, scope))))
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


def _legend(plan, title=None, legend=True):
    """The drawing's label: its title, and a small table of the kinds of node in it and of
    what is folded (under the drawing, where it widens it least)."""
    scene, folding = plan.scene, plan.folding
    rows = []
    if title:
        rows.append('<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="11">%s</FONT></TD></TR>'
                    % html.escape(title))
    if legend:
        kinds = {node_kind(op) for op in plan.op_of.values() if op is not None}
        if plan.boxed:
            kinds.add("scope")
        rows.append('<TR><TD COLSPAN="2"><B>legend</B></TD></TR>')
        for kind, (shape, fill, line, text) in KIND_STYLES.items():
            if kind in kinds:
                rows.append('<TR><TD BGCOLOR="%s" COLOR="%s" WIDTH="18"></TD><TD ALIGN="LEFT">'
                            '%s</TD></TR>' % (fill, line, html.escape(text)))
        notes = ["- - -&gt; control dependency"]
        if any(variable_of_read(op) is not None for op in folding.alias):
            notes.append("a variable stands for its read (w/read)")
        if any(k in ("written copy", "written group") for k in plan.kind.values()):
            notes.append("a variable an update writes is drawn again beside it")
        if folding.arguments or folding.borrowed:
            notes.append("op (y=2): a constant argument, drawn in the label")
        if scene.show_values:
            notes.append("lines = and grad: its value and the loss's gradient in the run")
        rows += ['<TR><TD COLSPAN="2" ALIGN="LEFT">%s</TD></TR>' % n for n in notes]
    border = ' CELLBORDER="1"' if legend else ' CELLBORDER="0"'
    return ('<<FONT POINT-SIZE="8"><TABLE BORDER="0"%s CELLSPACING="2" CELLPADDING="2">%s'
            '</TABLE></FONT>>' % (border, "".join(rows)))


# ------------------------------------------------------------------------------------------
# Layout: one per graph, whatever the run or the highlight
# ------------------------------------------------------------------------------------------

_NODE_LINE = re.compile(r'^(\s*)("(?:[^"\\]|\\.)*") \[(.*)\];$')
_EDGE_LINE = re.compile(r'^(\s*)("(?:[^"\\]|\\.)*") -> ("(?:[^"\\]|\\.)*")(?: \[(.*)\])?;$')
_CLUSTER_LINE = re.compile(r'^(\s*)subgraph ("cluster(?:[^"\\]|\\.)*") \{$')
#: the attributes that size or place a node or an edge: all a layout is computed from
_NODE_GEOMETRY = ("shape", "label", "fontsize", "width", "height", "fixedsize", "margin")
_EDGE_GEOMETRY = ("label", "fontsize", "dir", "arrowhead", "arrowtail", "arrowsize",
                  "constraint", "minlen", "weight", "headport", "tailport")


def _split_attrs(text):
    """``[(key, raw value)]`` of a DOT attribute list as :func:`_attrs` writes it (values
    quoted, or HTML in balanced ``<...>``)."""
    out, i, n = [], 0, len(text)
    while i < n:
        m = re.compile(r"\s*([A-Za-z_]+)=").match(text, i)
        if m is None:
            raise ValueError("not an attribute list: %r" % text[i:i + 40])
        key, i = m.group(1), m.end()
        start = i
        if text[i] == '"':
            i += 1
            while text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
        elif text[i] == "<":
            depth = 0
            while True:
                depth += {"<": 1, ">": -1}.get(text[i], 0)
                i += 1
                if depth == 0:
                    break
        else:
            while i < n and text[i] != ",":
                i += 1
        out.append((key, text[start:i]))
        while i < n and text[i] in ", ":
            i += 1
    return out


def _unquote(s):
    return s[1:-1].replace('\\"', '"').replace("\\\\", "\\") if s.startswith('"') else s


def _neutral_label(raw):
    """A label as the layout sees it: colours dropped, the value, gradient and note lines
    set to fixed texts (what they show changes with the run, their room does not)."""
    raw = re.sub(r'<FONT COLOR="[^"]*">(.*?)</FONT>', r"\1", raw)
    raw = re.sub(r'<FONT POINT-SIZE="8" COLOR="(?:%s|%s)">.*?</FONT>'
                 % (VALUE_COLOR, GRADIENT_COLOR),
                 '<FONT POINT-SIZE="8">%s</FONT>' % VALUE_LINE_WIDTH_TEXT, raw)
    return re.sub(r'<FONT POINT-SIZE="9" COLOR="%s">.*?</FONT>' % NOTE_COLOR,
                  '<FONT POINT-SIZE="9">%s</FONT>' % NOTE_LINE_WIDTH_TEXT, raw)


def layout_skeleton(dot):
    """The part of a drawing's DOT its layout depends on: the nodes, boxes and edges with
    what sizes them (shapes, labels with their value lines set to a fixed text), without
    colours, line styles, tooltips or borders. Two drawings of one graph with different
    runs or highlights have the same skeleton, so :class:`GraphView` lays them out once
    and draws both with the same positions."""
    out = []
    for line in dot.split("\n"):
        m = _EDGE_LINE.match(line)
        if m:
            attrs = [(k, v) for k, v in _split_attrs(m.group(4) or "") if k in _EDGE_GEOMETRY]
            out.append("%s%s -> %s%s;" % (m.group(1), m.group(2), m.group(3),
                                          " [%s]" % ", ".join("%s=%s" % kv for kv in attrs)
                                          if attrs else ""))
            continue
        m = _NODE_LINE.match(line)
        if m and not line.lstrip().startswith(("graph ", "node ", "edge ")):
            attrs = [(k, _neutral_label(v) if k == "label" else v)
                     for k, v in _split_attrs(m.group(3)) if k in _NODE_GEOMETRY]
            out.append("%s%s [%s];" % (m.group(1), m.group(2),
                                       ", ".join("%s=%s" % kv for kv in attrs)))
            continue
        out.append(line)
    return "\n".join(out)


#: laid out skeletons (most recent last): ``{skeleton: layout}``
_LAYOUTS = collections.OrderedDict()
_LAYOUTS_KEPT = 64


def _layout(skeleton, graphviz):
    """The positions ``dot`` gives the skeleton's nodes, edges and boxes (cached)."""
    if skeleton in _LAYOUTS:
        _LAYOUTS.move_to_end(skeleton)
        return _LAYOUTS[skeleton]
    data = json.loads(graphviz.Source(skeleton).pipe(format="json0", encoding="utf-8"))
    objects = data.get("objects", [])
    n_boxes = data.get("_subgraph_cnt", 0)
    layout = {"graph": {k: data[k] for k in ("bb", "lp") if k in data},
              "boxes": {}, "nodes": {}, "edges": []}
    for o in objects[:n_boxes]:
        layout["boxes"][o["name"]] = {k: o[k] for k in ("bb", "lp", "lwidth", "lheight")
                                      if k in o}
    for o in objects[n_boxes:]:
        layout["nodes"][o["name"]] = {k: o[k] for k in ("pos", "width", "height") if k in o}
    names = {o["_gvid"]: o["name"] for o in objects}
    for e in sorted(data.get("edges", []), key=lambda e: e["_gvid"]):
        layout["edges"].append((names[e["tail"]], names[e["head"]],
                                {k: e[k] for k in ("pos", "lp") if k in e}))
    _LAYOUTS[skeleton] = layout
    while len(_LAYOUTS) > _LAYOUTS_KEPT:
        _LAYOUTS.popitem(last=False)
    return layout


def _pinned(dot, layout):
    """``dot`` with every node, edge and box at the place ``layout`` gives it (for ``neato
    -n2``, which draws without moving anything), or None if they do not match."""
    out, edges = [], {}
    for tail, head, at in layout["edges"]:   # by ends: json lists edges grouped by node
        edges.setdefault((tail, head), []).append(at)

    def put(attrs):
        return ", ".join("%s=%s" % (k, _q(str(v))) for k, v in attrs.items())

    for line in dot.split("\n"):
        if line.startswith("  graph [") and line.endswith("];"):
            line = "  graph [%s, %s];" % (put(layout["graph"]), line[len("  graph ["):-2])
        elif _CLUSTER_LINE.match(line):
            box = layout["boxes"].get(_unquote(_CLUSTER_LINE.match(line).group(2)))
            if box is None:
                return None
            out.append(line)
            line = "%s  %s;" % (_CLUSTER_LINE.match(line).group(1), put(box).replace(", ", "; "))
        elif _EDGE_LINE.match(line):
            m = _EDGE_LINE.match(line)
            laid = edges.get((_unquote(m.group(2)), _unquote(m.group(3))))
            if not laid:
                return None
            at = laid.pop(0)
            line = "%s%s -> %s [%s%s];" % (m.group(1), m.group(2), m.group(3), put(at),
                                          (", " + m.group(4)) if m.group(4) else "")
        elif _NODE_LINE.match(line) and not line.lstrip().startswith(("node ", "edge ")):
            m = _NODE_LINE.match(line)
            node = layout["nodes"].get(_unquote(m.group(2)))
            if node is None:
                return None
            if "fixedsize=" in m.group(3):       # its shape's size is set: keep it
                node = {"pos": node["pos"]}
            line = "%s%s [%s, %s];" % (m.group(1), m.group(2), put(node), m.group(3))
        out.append(line)
    if any(edges.values()):
        return None
    return "\n".join(out)


def _render_svg(dot, graphviz):
    """The SVG of ``dot``: laid out from its skeleton (once per skeleton), then drawn with
    every position pinned, so that drawings of one graph differ only in colour."""
    try:
        pinned = _pinned(dot, _layout(layout_skeleton(dot), graphviz))
    except (ValueError, KeyError, IndexError, StopIteration):
        pinned = None                       # not a drawing of to_dot's: lay it out as is
    if pinned is not None:
        try:
            svg = graphviz.Source(pinned, engine="neato").pipe(format="svg", encoding="utf-8",
                                                                neato_no_op=2)
            return _framed(svg, _pinned_bb(pinned))
        except graphviz.CalledProcessError:   # a Graphviz whose neato draws it otherwise
            pass
    return graphviz.Source(dot).pipe(format="svg", encoding="utf-8")


def _pinned_bb(pinned):
    """The bounding box ``(width, height)`` in points the layout gave a pinned drawing."""
    m = re.search(r'^  graph \[bb="0,0,([\d.]+),([\d.]+)"', pinned, re.M)
    return float(m.group(1)), float(m.group(2))


def _framed(svg, bb):
    """``svg`` framed as ``dot`` frames the layout: ``neato -n2`` makes room for the control
    points of curved edges too, which the curves themselves never reach."""
    w, h = bb
    svg = re.sub(r'<svg width="[\d.]+pt" height="[\d.]+pt"\s+viewBox="[^"]*"',
                 '<svg width="%dpt" height="%dpt"\n viewBox="0.00 0.00 %.2f %.2f"'
                 % (round(w + 8), round(h + 8), w + 8, h + 8), svg, count=1)
    svg = re.sub(r'(<g id="graph0" class="graph" transform="scale\(1 1\) rotate\(0\) )'
                 r'translate\([^)]*\)', r"\g<1>translate(4 %.2f)" % (h + 4), svg, count=1)
    return re.sub(r'(<title>minigraph</title>\n<polygon fill="white" stroke="transparent" '
                  r'points=")[^"]*"', r'\g<1>-4,4 -4,%.2f %.2f,%.2f %.2f,4 -4,4"'
                  % (-(h + 4), w + 4, -(h + 4), w + 4), svg, count=1)


# ------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------

class GraphView:
    """A drawing that Jupyter shows inline: SVG if Graphviz is installed, else DOT text.

    The layout comes from :func:`layout_skeleton`: drawings of the same graph with other
    runs, values or highlights put every node at the same place."""

    def __init__(self, dot):
        self.dot = dot
        self._svg = None
        self._error = None

    def svg(self):
        """The SVG text, or ``None`` if Graphviz (package or ``dot`` binary) is missing."""
        if self._svg is None and self._error is None:
            try:
                import graphviz  # optional: without it (or `dot`) the view shows DOT text
                self._svg = _render_svg(self.dot, graphviz)
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
    The same graph drawn with another trace or highlight keeps its layout.
    """
    if graph is not None and not hasattr(graph, "get_operations"):
        options.setdefault("fetches", graph)
        graph = None
    return GraphView(to_dot(graph, **options))
