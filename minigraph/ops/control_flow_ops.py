"""Ops that order and steer what runs: ``no_op`` and ``group``, and TF1's dataflow control
flow, ``tf.cond``, ``tf.case`` and ``tf.while_loop``, built as TF1 (v1 control flow) builds
them.

``y = tf.cond(p, true_fn, false_fn)`` calls *both* functions and builds both branches under
``cond/``: ``cond/Switch`` splits ``p`` into the pivots ``cond/switch_t`` and
``cond/switch_f``, ``cond/pred_id`` is ``p`` as the branches see it, every outside value a
branch reads comes in through a ``Switch`` of its own (``cond/mul/Switch``: its output ``:1``
in the true branch, ``:0`` in the false one), a branch's constants wait for its pivot, and
``cond/Merge`` takes whichever branch's result is alive. In a run only the taken branch
executes: the other one's values are *dead* (:mod:`minigraph.dataflow`). An op made outside
the branch functions is not in the branch: if a branch reads it, it runs whichever branch is
taken.

``tf.while_loop(cond, body, loop_vars)`` builds, under ``while/``, per loop variable an
``Enter`` (into the loop's frame), a ``Merge`` (the ``Enter`` first, then ``NextIteration``,
the value of the previous iteration), a ``Switch`` on ``LoopCond`` (the predicate) into the
body (``Identity``) or out (``Exit``); the body's result goes to ``NextIteration``. An outside
value the loop reads enters it through an ``Enter`` with ``is_constant=True``.

The *contexts* (:class:`CondContext`, :class:`WhileContext`, as TF1's) make that happen while
the user's functions build ops: the graph tells the context being built (``Graph.create_op``
calls ``context.add_op``), which rewires the op's outside inputs through a ``Switch`` or an
``Enter``. Their gradients: a ``Merge``'s is a ``Switch`` of the gradient on the same
predicate, a ``Switch``'s a ``Merge`` of its outputs' gradients (each op here, beside its
forward); a while loop's is a loop running backwards (:mod:`minigraph.ops.control_flow_grad`).

Where minigraph departs from TF1's graph: a variable itself (``VariableV2``'s output, a
*ref*) is never switched into a branch or entered into a loop (TF1 uses ``RefSwitch``/
``RefEnter`` for it): an op in a branch or loop that reads only variables waits for the pivot
instead, so it is dead when its branch is. Control inputs from outside a loop stay as they
are (TF1 turns them into ``Identity`` ops inside the loop), and the control dependencies
around a ``tf.while_loop`` call do not reach its ``Enter`` ops. ``tf.case``'s run-time
checks (``exclusive=True``, no ``default``) stack the predicates with minigraph's
``tf.stack`` (``ExpandDims`` and ``ConcatV2``; TF1: ``Pack``).
"""

import collections

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.dataflow import DEAD, NOT_YET
from minigraph.errors import InvalidArgumentError
from minigraph.graph import GraphKeys, Operation, Tensor, get_default_graph
from minigraph.op_def import OpDef, register
from minigraph.ops._util import make_op
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.tensor_shape import TensorShape, as_shape

__all__ = ["NoOp", "no_op", "group", "Switch", "RefSwitch", "Merge", "RefMerge", "Enter",
           "Exit", "NextIteration", "LoopCond", "ControlTrigger", "Assert", "cond", "case",
           "while_loop", "switch", "merge", "with_dependencies", "CondContext",
           "WhileContext", "ControlFlowContext", "Assert_"]


@register
class NoOp(OpDef):
    """Does nothing; useful only for its control inputs ("run all of these")."""
    kind = "noop"
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return []

    @staticmethod
    def forward():
        return None


@export("no_op")
def no_op(name=None):
    """``tf.no_op``: an op that does nothing."""
    return get_default_graph().create_op(NoOp, [], None, name or "NoOp")


@export("group")
def group(*inputs, **kwargs):
    """``tf.group``: one op that, when run, runs all of ``inputs`` (ops or tensors).

    Fetching the group runs every update in it: ``sess.run([loss, tf.group(a1, a2)])``.
    """
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError("Unknown keyword arguments: %s" % ", ".join(kwargs))
    graph = None
    ops = []
    for x in inputs:
        if hasattr(x, "_as_graph_tensor") and not isinstance(x, Operation):
            x = x._as_graph_tensor() if not hasattr(x, "op") else x.op
        op = x if isinstance(x, Operation) else getattr(x, "op", None)
        if not isinstance(op, Operation):
            raise TypeError("tf.group takes ops and tensors, got %r" % (x,))
        graph = graph or op.graph
        if op not in ops:
            ops.append(op)
    graph = graph or get_default_graph()
    with graph.control_dependencies(ops):
        return graph.create_op(NoOp, [], None, name or "group_deps")


# ------------------------------------------------------------------------------------------
# The ops
# ------------------------------------------------------------------------------------------

def _same(x):
    return x


def _check_bool_scalar(t, arg, op_type):
    if t.dtype != dtypes.bool:
        raise TypeError("Input '%s' of '%s' Op has type %s that does not match expected type "
                        "of bool." % (arg, op_type, t.dtype.name))
    if t.shape.ndims not in (None, 0):
        raise ValueError("Shape must be rank 0 but is rank %d" % t.shape.ndims)


@register
class Switch(OpDef):
    """``(output_false, output_true)``: ``data`` on output 1 if ``pred``, else on output 0;
    the other output is dead, and so is everything computed from it."""
    kind = "control_flow"
    foldable = False
    aliases_input = True   # it hands its input on (see plan.alias_roots)

    @staticmethod
    def infer(inputs, attrs):
        data, pred = inputs
        _check_bool_scalar(pred, "pred", "Switch")
        return [(data.shape, data.dtype), (data.shape, data.dtype)]

    @staticmethod
    def forward(data, pred):
        return (DEAD, data) if pred else (data, DEAD)

    @staticmethod
    def gradient(op, grads, needed):
        # An output without a gradient gets zeros that are alive exactly when it is (a
        # ZerosLike of that output): the Merge then takes the gradient of the output alive.
        context = op._control_flow_context
        if isinstance(context, CondContext):   # a tf.cond branch reading an outside value
            grads = [_branch_zeros(op, i, context) if g is None else g
                     for i, g in enumerate(grads)]
            return [merge(grads, name="cond_grad")[0], None]
        grads = [zeros_like_alive(t) if g is None else g for t, g in zip(op.outputs, grads)]
        if isinstance(context, WhileContext):
            raise LookupError("The gradient of a while loop's Switch %s is built with its loop "
                              "(minigraph.ops.control_flow_grad)" % op.name)
        false_grad = switch(grads[0], op.inputs[1])[0]
        true_grad = switch(grads[1], op.inputs[1])[1]
        return [merge([false_grad, true_grad])[0], None]


@register
class RefSwitch(Switch):
    """A ``Switch`` of a value TF1 holds by reference (an assign's result)."""


@register
class Merge(OpDef):
    """``(output, value_index)``: the one input that is alive, and which one it is (dead if
    all are). A while loop's Merge takes its ``Enter`` in the first iteration and its
    ``NextIteration`` afterwards."""
    kind = "control_flow"
    foldable = False
    aliases_input = True   # it hands one of its inputs on (see plan.alias_roots)

    @staticmethod
    def infer(inputs, attrs):
        first = inputs[0]
        for t in inputs[1:]:
            if t.dtype != first.dtype:
                raise TypeError("Inputs to Merge must all have the same type, got %s and %s"
                                % (first.dtype.name, t.dtype.name))
        return [(_merged_shape([t.shape for t in inputs]), first.dtype),
                (TensorShape([]), dtypes.int32)]

    @staticmethod
    def forward(*values):
        for i, v in enumerate(values):
            if v is not DEAD:
                return v, np.int32(i)
        return DEAD, DEAD

    @classmethod
    def make_kernel(cls, op, state):
        from minigraph.dataflow import is_loop_merge
        return _loop_merge if is_loop_merge(op) else cls.forward

    @staticmethod
    def gradient(op, grads, needed):
        grad = grads[0]
        context = _output_context(op.inputs[0].op)
        if isinstance(context, CondContext):   # the Merge of a tf.cond
            false_grad, true_grad = _switch(grad, context.pred, name="cond_grad")
            return [false_grad, true_grad]
        if isinstance(context, WhileContext):
            raise LookupError("The gradient of a while loop's Merge %s is built with its loop "
                              "(minigraph.ops.control_flow_grad)" % op.name)
        return [switch(grad, _equal(op.outputs[1], i))[1] for i in range(len(op.inputs))]


def _loop_merge(enter, next_value):
    if next_value is NOT_YET:
        return (enter, np.int32(0)) if enter is not DEAD else (DEAD, DEAD)
    return (next_value, np.int32(1)) if next_value is not DEAD else (DEAD, DEAD)


@register
class RefMerge(Merge):
    """A ``Merge`` of values TF1 holds by reference (assigns' results)."""


def _merged_shape(shapes):
    """TF's Merge shape: the dims all inputs agree on, when they share a rank."""
    ranks = {s.ndims for s in shapes}
    if None in ranks or len(ranks) != 1:
        return TensorShape(None)
    dims = shapes[0].as_list()
    for s in shapes[1:]:
        dims = [a if a == b else None for a, b in zip(dims, s.as_list())]
    return TensorShape(dims)


class _Frame(OpDef):
    """An op passing its input on unchanged, which marks a loop frame's edge."""
    kind = "control_flow"
    foldable = False
    aliases_input = True

    @staticmethod
    def infer(inputs, attrs):
        return inputs[0].shape, inputs[0].dtype

    @staticmethod
    def forward(x, **attrs):
        return x

    @classmethod
    def make_kernel(cls, op, state):
        return _same

    @staticmethod
    def gradient(op, grad, needed):
        raise LookupError("The gradient of %s (%s) is built with its while loop "
                          "(minigraph.ops.control_flow_grad)" % (op.name, op.type))


@register
class Enter(_Frame):
    """y = x, in the frame ``frame_name`` of a while loop: in its first iteration only, or
    in every iteration when ``is_constant`` (an outside value the loop reads)."""


@register
class Exit(_Frame):
    """y = x, out of a while loop's frame: the loop variable's value once the loop is done."""


@register
class NextIteration(_Frame):
    """y = x, the value of a loop variable for the loop's next iteration."""


@register
class LoopCond(_Frame):
    """y = x, a while loop's predicate: its Switch ops send the loop variables into the body
    while it is true, out of the loop through Exit once it is false."""
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        _check_bool_scalar(inputs[0], "input", "LoopCond")
        return inputs[0].shape, inputs[0].dtype


@register
class ControlTrigger(NoOp):
    """Does nothing, and is never dead: it waits for its control inputs, dead or not (a
    while loop's gradient orders the stack pushes made in a cond branch with one)."""


@register
class Assert(OpDef):
    """Fails the run with ``InvalidArgumentError`` when ``condition`` is false, printing
    ``data``; does nothing otherwise."""
    stateful = True
    foldable = False
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        _check_bool_scalar(inputs[0], "condition", "Assert")
        return []

    @classmethod
    def make_kernel(cls, op, state):
        summarize = op.attrs.get("summarize", 3)

        def check(condition, *data):
            if not condition:
                raise InvalidArgumentError(op.name, op, "assertion failed: %s" % " ".join(
                    "[%s]" % _summarized(d, summarize) for d in data))
            return None
        return check


def _summarized(value, n):
    arr = np.asarray(value)
    if arr.dtype.kind in "SUO":
        return " ".join(str(v.decode() if isinstance(v, bytes) else v) for v in arr.ravel())
    values = [str(v) if arr.dtype.kind != "b" else str(int(v)) for v in arr.ravel()[:n]]
    return " ".join(values + (["..."] if arr.size > n else []))


@export("Assert")
def Assert_(condition, data, summarize=None, name=None):  # noqa: N802 -- TF1's name
    """``tf.Assert``: an op failing the run when ``condition`` is false (as TF1 in graph mode:
    data that is not all strings and int32 is guarded by a ``tf.cond``, ``AssertGuard``)."""
    graph = get_default_graph()
    with graph.name_scope(name or "Assert") as scope:
        xs = [as_tensor(d) for d in data]
        condition = as_tensor(condition)
        attrs = {"summarize": 3 if summarize is None else int(summarize)}
        if all(x.dtype in (dtypes.string, dtypes.int32) for x in xs):
            return make_op(Assert, [condition] + xs, attrs, scope)

        def true_assert():   # TF1 converts the data again, inside the branch
            with graph.name_scope("Assert") as op_scope:
                inputs = [as_tensor(d, name="data_%d" % i) for i, d in enumerate(data)]
                return make_op(Assert, [condition] + inputs, attrs, op_scope)

        guarded = cond(condition, no_op, true_assert, name="AssertGuard")
        return guarded.op


def _branch_zeros(op, index, context):
    """The gradient of a cond Switch's output ``index``, which got none: zeros alive when
    that output is. Inside a while loop's gradient loop (TF1's ``ZerosLike``) they are made
    there, of the Switch input's shape, and switched on the predicate as it was in the
    matching forward iteration."""
    grad_context = op.graph._get_control_flow_context()
    loop = grad_context.get_while_context() if grad_context is not None else None
    if loop is None or loop.grad_state is None:
        return zeros_like_alive(op.outputs[index])
    out = op.outputs[index]
    if out.shape.is_fully_defined():
        zeros = constant(np.zeros(out.shape.as_list(), out.dtype.as_numpy_dtype))
    else:
        zeros = zeros_like_alive(op.inputs[0])
    return _switch(zeros, context.pred)[index]


def zeros_like_alive(t):
    """Zeros of ``t``'s shape and dtype that are alive exactly when ``t`` is (a ``ZerosLike``
    op reading it: never a constant, which would be alive always)."""
    from minigraph.ops.array_ops import zeros_like
    return zeros_like(t, optimize=False)


def _equal(x, i):
    from minigraph.ops.math_ops import equal
    return equal(x, i)


# ------------------------------------------------------------------------------------------
# Building the ops
# ------------------------------------------------------------------------------------------

def _is_variable(t):
    """A variable itself (``VariableV2``'s output): minigraph never switches or enters it."""
    return t.op.type == "VariableV2"


def _is_ref(t):
    """A value TF1 holds by reference (a ``*_ref`` dtype): a variable, an assign's result."""
    return t.op.type in ("VariableV2", "RefSwitch", "RefMerge", "RefEnter") or \
        t.op.opdef.writes_refs


def _switch(data, pred, name="Switch"):
    """TF1's ``_SwitchRefOrTensor``: ``(output_false, output_true)``."""
    data = as_tensor(data)
    opdef = RefSwitch if _is_ref(data) else Switch
    return make_op(opdef, [data, pred], None, name).outputs


def switch(data, pred, dtype=None, name=None):
    """TF1's ``switch``: ``(output_false, output_true)``, ``data`` on the output ``pred``
    chooses, the other one dead."""
    data = as_tensor(data, dtype=dtype)
    pred = as_tensor(pred)
    opdef = RefSwitch if _is_ref(data) else Switch
    return make_op(opdef, [data, pred], None, name or "Switch").outputs


def merge(inputs, name=None):
    """TF1's ``merge``: ``(output, value_index)`` of the one input alive."""
    inputs = [as_tensor(t) for t in inputs]
    opdef = RefMerge if all(_is_ref(t) for t in inputs) else Merge
    return make_op(opdef, inputs, {"N": len(inputs)}, name or "Merge").outputs


def _enter(data, frame_name, is_constant=False, parallel_iterations=10, use_input_shape=True,
           name=None):
    data = as_tensor(data)
    attrs = {"frame_name": frame_name, "is_constant": bool(is_constant),
             "parallel_iterations": int(parallel_iterations)}
    out = make_op(Enter, [data], attrs, name or "Enter").outputs[0]
    if not use_input_shape:
        out._shape = TensorShape(None)
    return out


def _exit(data, name=None):
    return make_op(Exit, [as_tensor(data)], None, name or "Exit").outputs[0]


def _next_iteration(data, name=None):
    return make_op(NextIteration, [as_tensor(data)], None, name or "NextIteration").outputs[0]


def _loop_cond(pred, name=None):
    return make_op(LoopCond, [as_tensor(pred)], None, name or "LoopCond").outputs[0]


def _identity(x, name=None):
    from minigraph.ops.array_ops import identity
    return identity(x, name=name)


def with_dependencies(dependencies, output_tensor, name=None):
    """TF1's ``with_dependencies``: ``output_tensor`` through an ``Identity`` (called
    ``control_dependency``) that waits for ``dependencies``."""
    graph = output_tensor.graph
    with graph.name_scope(name or "control_dependency") as scope:
        with graph.control_dependencies(dependencies):
            return _identity(output_tensor, name=scope)


# ------------------------------------------------------------------------------------------
# Contexts: what happens to an op built inside a branch or a loop body (TF1's AddOp)
# ------------------------------------------------------------------------------------------

def _in_context(op, context):
    """True if ``op`` was built inside ``context`` (or a context nested in it)."""
    c = op._control_flow_context
    while c is not context:
        if c is None:
            return False
        c = c.outer_context
    return True


def _output_context(op):
    """The context ``op``'s outputs live in (an Exit's is outside its loop)."""
    context = op._control_flow_context
    if context is not None and op.type in ("Exit", "RefExit"):
        context = context.outer_context
    return context


def _while_context_of(op):
    context = _output_context(op)
    return context.get_while_context() if context is not None else None


def _is_loop_constant_enter(op):
    return op.type in ("Enter", "RefEnter") and op.attrs.get("is_constant", False)


class ControlFlowContext:
    """A block being built: a ``tf.cond`` branch or a ``tf.while_loop``. It knows the values
    inside it and how outside values get in (``add_value``)."""

    is_while = False

    def __init__(self, graph=None):
        self.graph = graph if graph is not None else get_default_graph()
        self.outer_context = self.graph._get_control_flow_context()
        self._values = set()            # tensors that are inside (or brought in)
        self._external_values = {}      # an outside tensor -> its value inside
        self._saved = []

    def enter(self):
        self._saved.append(self.graph._get_control_flow_context())
        self.graph._set_control_flow_context(self)

    def exit(self):
        self.graph._set_control_flow_context(self._saved.pop())

    def add_inner_op(self, op):
        if self.outer_context is not None:
            self.outer_context.add_inner_op(op)

    def get_while_context(self):
        if self.outer_context is not None:
            return self.outer_context.get_while_context()
        return None

    def get_control_pivot(self):
        return None

    def _mark(self, tensors):
        """Make ``tensors`` known to this context and every context around it."""
        context = self
        while context is not None:
            context._values.update(tensors)
            context = context.outer_context

    def _inputs_in(self, op):
        """Bring each outside data input of ``op`` in through ``add_value``, in the name
        scope of the op (``cond/mul/Switch``); a variable itself stays as it is. Returns
        True if some input is (now) a value inside this context."""
        inside = False
        with self.graph.name_scope(op.name + "/"):
            for i, x in enumerate(op.inputs):
                if _is_variable(x):
                    continue
                real = self.add_value(x)
                inside = True
                if real is not x:
                    op._update_input(i, real)
        return inside


class CondContext(ControlFlowContext):
    """One branch of a ``tf.cond``: ``pred`` (``cond/pred_id``), its ``pivot``
    (``cond/switch_t`` or ``switch_f``) and ``branch`` (1 for true, 0 for false)."""

    def __init__(self, pred, pivot, branch):
        super().__init__(pred.graph)
        self.pred, self.pivot, self.branch = pred, pivot, branch
        self.name = pivot.op.name.rpartition("/")[0]   # the cond's scope, e.g. "cond"
        self._values.add(pred)
        self._external_values[pred] = pred
        self._values.add(pivot)
        pivot.op._control_flow_context = self

    def get_control_pivot(self):
        return self.pivot

    def add_value(self, val):
        """``val``'s value in this branch: itself if it is inside, else (made once) its
        ``Switch``'s output for this branch."""
        if val in self._values:
            result = self._external_values.get(val)
            return val if result is None else result
        result = val
        self._values.add(val)
        if self.outer_context is not None:
            result = self.outer_context.add_value(val)
            self._values.add(result)
            self._external_values[result] = result
        with self.graph.control_dependencies(None):   # which also leaves every context
            result = _switch(result, self.pred)[self.branch]
            if self.outer_context is not None:
                self.outer_context.add_inner_op(result.op)
        self.graph.prevent_fetching(result.op)
        result.op._control_flow_context = self
        self._mark([result])
        self._external_values[val] = result
        return result

    def add_op(self, op):
        """``op`` was just built in this branch: TF1's ``_AddOpInternal``."""
        if not op.inputs:
            if not any(_in_context(c, self) for c in op.control_inputs):
                op._add_control_input(self.pivot.op)
        else:
            inside = self._inputs_in(op)
            if not inside and not any(_in_context(c, self) for c in op.control_inputs):
                op._add_control_input(self.pivot.op)   # reads variables only: see the top
        self._mark(op.outputs)
        self.graph.prevent_fetching(op)
        if self.outer_context is not None:
            self.outer_context.add_inner_op(op)

    def build_branch(self, fn):
        """Call ``fn`` in this branch; return its result and the tensors to merge."""
        original = fn()
        if original is None:
            return None, None
        original = _map(_as_value, original)
        result = _map(self._build_tensor, original)
        flat = _flatten(result)
        return original, flat

    def _build_tensor(self, v):
        if isinstance(v, Operation):   # a branch returning an op: the pivot, after it
            return with_dependencies([v], self.pivot)
        return self._process_output(as_tensor(v))

    def _process_output(self, val):
        """A branch's result: an outside value (``lambda: x``) is switched in here."""
        real = val
        if val not in self._values:
            self._values.add(val)
            if self.outer_context is not None:
                real = self.outer_context.add_value(val)
                self._values.add(real)
                self._external_values[real] = real
            real = _switch(real, self.pred)[self.branch]
            self._external_values[val] = real
        else:
            external = self._external_values.get(val)
            if external is not None:
                real = external
        return real

    def exit_result(self, result):
        if self.outer_context is not None:
            self.outer_context._values.update(result)


def _as_value(v):
    """A branch's or loop's result: a Variable is its value; a Tensor or op stays."""
    if isinstance(v, (Tensor, Operation)) or v is None:
        return v
    if hasattr(v, "_as_graph_tensor"):
        return v._as_graph_tensor()
    return v


# ------------------------------------------------------------------------------------------
# A minimal ``nest``: TF's structures of results (lists, tuples, namedtuples, dicts)
# ------------------------------------------------------------------------------------------

def _is_nested(x):
    return isinstance(x, (list, tuple, dict))


def _flatten(x):
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in _flatten(x[k])]
    if isinstance(x, (list, tuple)):
        return [leaf for v in x for leaf in _flatten(v)]
    return [x]


def _map(fn, x):
    if isinstance(x, dict):
        return type(x)((k, _map(fn, x[k])) for k in sorted(x))
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*[_map(fn, v) for v in x])
    if isinstance(x, (list, tuple)):
        return type(x)(_map(fn, v) for v in x)
    return fn(x)


def _pack(structure, flat):
    it = iter(flat)
    return _map(lambda _: next(it), structure)


def _structure_str(x):
    return "type=%s str=%s" % (type(x).__name__ if not isinstance(x, Tensor)
                               else "SymbolicTensor", x)


def _assert_same_structure(a, b):
    """TF's ``nest.assert_same_structure``: ValueError for a different nesting or length,
    TypeError for a different kind of sequence."""
    def fail(cls, more):
        raise cls("The two structures don't have the same nested structure.\n\nFirst "
                  "structure: %s\n\nSecond structure: %s\n\nMore specifically: %s"
                  % (_structure_str(a), _structure_str(b), more))

    def walk(x, y):
        if _is_nested(x) != _is_nested(y):
            fail(ValueError, "Substructure \"%s\" is a sequence, while substructure \"%s\" is "
                             "not" % ((_structure_str(x), _structure_str(y)) if _is_nested(x)
                                      else (_structure_str(y), _structure_str(x))))
        if not _is_nested(x):
            return
        if type(x) is not type(y) and not (isinstance(x, dict) and isinstance(y, dict)):
            fail(TypeError, "The two namedtuples don't have the same sequence type. First "
                            "structure type=%s str=%s has type %s, while second structure "
                            "type=%s str=%s has type %s"
                 % (type(x).__name__, x, type(x).__name__, type(y).__name__, y,
                    type(y).__name__))
        if isinstance(x, dict):
            if sorted(x) != sorted(y):
                fail(ValueError, "The two dictionaries don't have the same set of keys.")
            for k in sorted(x):
                walk(x[k], y[k])
            return
        if len(x) != len(y):
            fail(ValueError, "The two structures don't have the same number of elements. "
                             "First structure: %s. Second structure: %s."
                 % (_structure_str(x), _structure_str(y)))
        for u, v in zip(x, y):
            walk(u, v)
    walk(a, b)


def _unpack_if_singleton(res):
    if isinstance(res, (list, tuple)) and len(res) == 1:
        return res[0]
    return res


# ------------------------------------------------------------------------------------------
# tf.cond
# ------------------------------------------------------------------------------------------

@export("cond")
def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """``tf.cond`` (TF1): ``true_fn()`` if ``pred`` else ``false_fn()``, decided when the
    graph runs.

    Both functions are called now, and both branches are built under the scope ``cond``; in
    a run only the branch ``pred`` selects executes (the other's values are dead). Ops made
    *outside* the two functions are not part of a branch: one that a branch reads runs
    whichever branch is taken.

    Args:
      pred: a scalar bool tensor (not a Python bool).
      true_fn, false_fn: functions of no arguments returning the same structure of tensors
        (or ops) with the same dtypes. ``fn1``/``fn2`` are TF1's old names for them.
      strict: if False (the default), a one-element list or tuple result is unpacked.

    Returns:
      The structure both functions return, each tensor a ``cond/Merge`` of the two.
    """
    if fn1 is not None:
        if true_fn is not None:
            raise TypeError("cond(): 'true_fn' and 'fn1' may not be set simultaneously.")
        true_fn = fn1
    if fn2 is not None:
        if false_fn is not None:
            raise TypeError("cond(): 'false_fn' and 'fn2' may not be set simultaneously.")
        false_fn = fn2
    if true_fn is None:
        raise TypeError("cond(): 'true_fn' argument required")
    if false_fn is None:
        raise TypeError("cond(): 'false_fn' argument required")
    if not callable(true_fn):
        raise TypeError("'true_fn' must be callable.")
    if not callable(false_fn):
        raise TypeError("'false_fn' must be callable.")
    graph = pred.graph if isinstance(pred, Tensor) else get_default_graph()
    with graph.name_scope(name or "cond"):
        if isinstance(pred, bool):
            raise TypeError("'pred' must not be a Python bool.")
        pred = as_tensor(pred)
        p_2, p_1 = switch(pred, pred)
        pivot_1 = _identity(p_1, name="switch_t")
        pivot_2 = _identity(p_2, name="switch_f")
        pred = _identity(pred, name="pred_id")
        for t in (p_1, pivot_1, pivot_2, pred):
            graph.prevent_fetching(t.op)

        context_t = CondContext(pred, pivot_1, branch=1)
        try:
            context_t.enter()
            orig_res_t, res_t = context_t.build_branch(true_fn)
            if orig_res_t is None:
                raise ValueError("'true_fn' must have a return value.")
            context_t.exit_result(res_t)
        finally:
            context_t.exit()
        context_f = CondContext(pred, pivot_2, branch=0)
        try:
            context_f.enter()
            orig_res_f, res_f = context_f.build_branch(false_fn)
            if orig_res_f is None:
                raise ValueError("'false_fn' must have a return value.")
            context_f.exit_result(res_f)
        finally:
            context_f.exit()

        if not strict:
            orig_res_t = _unpack_if_singleton(orig_res_t)
            orig_res_f = _unpack_if_singleton(orig_res_f)
        try:
            _assert_same_structure(orig_res_t, orig_res_f)
        except TypeError as e:
            raise TypeError("Incompatible return types of `true_fn` and `false_fn`: %s" % e) \
                from None
        except ValueError as e:
            raise ValueError("Incompatible return values of `true_fn` and `false_fn`: %s" % e) \
                from None
        if not res_t:
            raise ValueError("`true_fn` and `false_fn` must return at least one result.")
        for x, y in zip(res_t, res_f):
            if x.dtype != y.dtype:
                raise ValueError("Outputs of `true_fn` and `false_fn` must have the same "
                                 "type(s). Received %s from `true_fn` and %s from `false_fn`."
                                 % (x.dtype.name, y.dtype.name))
        merges = [merge([f, t])[0] for f, t in zip(res_f, res_t)]
        if context_t.outer_context is None:
            graph.add_to_collection(GraphKeys.COND_CONTEXT, context_t)
            graph.add_to_collection(GraphKeys.COND_CONTEXT, context_f)
        context_t.merges = context_f.merges = merges
        merges = _pack(orig_res_t, merges)
        if not strict:
            merges = _unpack_if_singleton(merges)
        return merges


# ------------------------------------------------------------------------------------------
# tf.case
# ------------------------------------------------------------------------------------------

@export("case")
def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """``tf.case``: the function of the first pair whose predicate is true, else ``default``,
    as TF1 builds it: nested ``tf.cond`` under ``case/`` (``case/cond/cond/...``), the first
    predicate outermost.

    Args:
      pred_fn_pairs: a list of ``(bool tensor, function)`` pairs (a dict is ordered by the
        predicates' names, as TF1 does).
      default: the function when no predicate is true; if None, the last pair's function,
        with a run-time ``Assert`` that one of the predicates is true.
      exclusive: if True, a run-time ``Assert`` that at most one predicate is true.
    """
    if not isinstance(pred_fn_pairs, (list, tuple, dict)):
        raise TypeError("'pred_fn_pairs' must be a list, tuple, or dict. Received: %s"
                        % type(pred_fn_pairs))
    if isinstance(pred_fn_pairs, dict):
        pred_fn_pairs = sorted(pred_fn_pairs.items(), key=lambda item: item[0].name)
    for pair in pred_fn_pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError("Each entry in 'pred_fn_pairs' must be a 2-tuple. Received %s."
                            % (pair,))
        pred, fn = pair
        if isinstance(pred, Tensor):
            if pred.dtype != dtypes.bool:
                raise TypeError("pred must be Tensor of type bool: %s" % pred.name)
        else:
            raise TypeError("pred must be a Tensor, got: %s" % (pred,))
        if not callable(fn):
            raise TypeError("fn for pred %s must be callable." % pred.name)
    predicates = [p for p, _ in pred_fn_pairs]
    actions = [f for _, f in pred_fn_pairs]
    graph = predicates[0].graph if predicates else get_default_graph()
    with graph.name_scope(name or "case"):
        if default is None:
            default, predicates, actions = _default_action(predicates, actions)
        fn = default
        for predicate, action in reversed(list(zip(predicates, actions))):
            fn = _cond_fn(predicate, action, fn, strict)
        if exclusive:
            with graph.control_dependencies([_assert_at_most_n_true(
                    predicates, 1, "Input error: exclusive=True")]):
                return fn()
        return fn()


def _cond_fn(predicate, true_fn, false_fn, strict):
    return lambda: cond(predicate, true_fn=true_fn, false_fn=false_fn, strict=strict)


def _default_action(predicates, actions):
    """TF1's default when ``default`` is None: the last action, asserting that its predicate
    is true and no other is."""
    k = len(predicates) - 1
    predicate, action = predicates[k], actions[k]
    others, other_actions = predicates[:k], actions[:k]

    def default_action():
        from minigraph.ops.array_ops import stack
        others_msg = ("Implementation error: selected default action #%d was called, but "
                      "some of other predicates are True: " % k)
        default_msg = ["Input error: None of conditions evaluated as True:",
                       stack(predicates, name="preds_c")]
        with get_default_graph().control_dependencies([
                _assert_at_most_n_true(others, 0, others_msg),
                Assert_(predicate, default_msg)]):
            return action()
    return default_action, others, other_actions


def _assert_at_most_n_true(predicates, n, msg):
    from minigraph.ops.array_ops import stack
    from minigraph.ops.math_ops import cast, less_equal
    from minigraph.ops.reduce_ops import reduce_sum
    preds_c = stack(predicates, name="preds_c")
    num_true = reduce_sum(cast(preds_c, dtypes.int32), name="num_true_conds")
    condition = less_equal(num_true, constant(n, name="n_true_conds"))
    names = ", ".join(getattr(p, "name", "?") for p in predicates)
    return Assert_(condition, ["%s: more than %d conditions (%s) evaluated as True:"
                               % (msg, n, names), preds_c], summarize=len(predicates))


# ------------------------------------------------------------------------------------------
# tf.while_loop
# ------------------------------------------------------------------------------------------

class WhileContext(ControlFlowContext):
    """A ``tf.while_loop`` being built (TF1's): its frame ``name``
    (``while/while_context``), its ``Enter`` and ``Exit`` tensors, the predicate
    (``pivot``, ``LoopCond``'s output) and the pivots that a constant built in the
    condition (``pivot_for_pred``, the first ``Merge``) or in the body (``pivot_for_body``,
    the first ``Identity``) waits for. ``grad_state`` is set on the loop that computes a
    forward loop's gradient (:mod:`minigraph.ops.control_flow_grad`)."""

    is_while = True

    def __init__(self, maximum_iterations=None, parallel_iterations=10, back_prop=True,
                 swap_memory=False, name="while_context", grad_state=None, graph=None):
        super().__init__(graph)
        self.name = self.graph.unique_name(name)
        self.maximum_iterations = maximum_iterations
        self.parallel_iterations = parallel_iterations
        self.back_prop = back_prop
        self.swap_memory = swap_memory
        self.pivot_for_pred = None
        self.pivot_for_body = None
        self.pivot = None
        self.loop_enters = []
        self.loop_exits = []
        self.grad_state = grad_state
        self.structure = []          # a LoopVar per loop variable
        self.constant_enters = []    # the Enter of each outside value the loop reads

    def get_while_context(self):
        return self

    def get_control_pivot(self):
        return self.pivot_for_body if self.pivot_for_body is not None else self.pivot_for_pred

    def add_value(self, val):
        """``val``'s value inside the loop: itself if it is inside, else (made once) an
        ``Enter`` with ``is_constant``; in a gradient loop, a value of the forward loop is
        read from the stack the forward loop filled."""
        result = val
        if val not in self._values and val.op._control_flow_context is not self:
            self._values.add(val)
            grad_context = self.graph._get_control_flow_context()
            if grad_context is not None:
                grad_context = grad_context.get_while_context()
                if grad_context is not None and grad_context.grad_state is not None:
                    forward = _while_context_of(val.op)
                    if forward is grad_context.grad_state.forward_context:
                        real = grad_context.grad_state.get_real_value(val)
                        self._external_values[val] = real
                        return real
            if self.outer_context is not None:
                result = self.outer_context.add_value(val)
            with self.graph.control_dependencies(None):
                enter = _enter(result, self.name, is_constant=True,
                               parallel_iterations=self.parallel_iterations)
                if self.outer_context is not None:
                    self.outer_context.add_inner_op(enter.op)
            self._fix_control_inputs_and_context([enter])
            self.graph.prevent_feeding(enter)
            self._values.add(enter)
            self._external_values[val] = enter
            self.constant_enters.append(enter)
            result = enter
        else:
            actual = self._external_values.get(val)
            if actual is not None:
                result = actual
        return result

    def add_op(self, op):
        """``op`` was just built in this loop: TF1's ``_AddOpInternal``."""
        if not op.inputs:
            if not any(_in_context(c, self) for c in op.control_inputs):
                op._add_control_input(self.get_control_pivot().op)
        else:
            self._inputs_in(op)
            self._maybe_add_control_dependency(op)
        self._values.update(op.outputs)
        if self.outer_context is not None or op.type not in ("Exit", "RefExit"):
            self.graph.prevent_fetching(op)
            for t in op.outputs:
                self.graph.prevent_feeding(t)
        if self.outer_context is not None:
            self.outer_context.add_inner_op(op)

    def _maybe_add_control_dependency(self, op):
        """An op reading only loop constants (and variables) waits for the pivot, so it is
        dead when the body is."""
        if op.control_inputs:
            return
        if all(_is_loop_constant_enter(x.op) or _is_variable(x) for x in op.inputs):
            op._add_control_input(self.get_control_pivot().op)

    def _fix_control_inputs_and_context(self, enters):
        for e in enters:
            e.op._control_flow_context = self

    def exit_result(self, tensors):
        """``tensors`` (Exits of this loop) are values of the context around it."""
        if self.outer_context is not None:
            self.outer_context._values.update(tensors)

    def add_forward_loop_counter(self):
        """Count this loop's iterations in the loop itself (for its gradient): returns the
        count's ``Exit`` and the ``NextIteration`` that the stack pushes are ordered before."""
        outer = self.outer_context
        with self.graph.control_dependencies(None):   # made in the loop around, if any
            if outer is not None:
                outer.enter()
            try:
                n = constant(0, name="f_count")
            finally:
                if outer is not None:
                    outer.exit()
        self.enter()
        try:
            self._values.add(n)
            enter_n = _enter(n, self.name, is_constant=False,
                             parallel_iterations=self.parallel_iterations, name="f_count")
            enter_n.op._control_flow_context = self
            self.loop_enters.append(enter_n)
            merge_n = merge([enter_n, enter_n])[0]
            switch_n = _switch(merge_n, self.pivot)
            from minigraph.ops.math_ops import add
            index = add(switch_n[1], 1)
            next_n = _next_iteration(index)
            merge_n.op._update_input(1, next_n)
            total = _exit(switch_n[0], name="f_count")
            self.loop_exits.append(total)
            self.exit_result([total])
        finally:
            self.exit()
        return total, next_n

    def add_backprop_loop_counter(self, count):
        """This loop (a gradient loop) runs ``count`` times: its predicate and pivots."""
        one = constant(1, name="b_count")
        self.enter()
        try:
            self._values.add(count)
            enter_count = _enter(count, self.name, is_constant=False,
                                 parallel_iterations=self.parallel_iterations, name="b_count")
            enter_count.op._control_flow_context = self
            self.loop_enters.append(enter_count)
            merge_count = merge([enter_count, enter_count])[0]
            self.pivot_for_pred = merge_count
            from minigraph.ops.math_ops import greater_equal, subtract
            pred = greater_equal(merge_count, one)
            self.pivot = _loop_cond(pred, name="b_count")
            switch_count = _switch(merge_count, self.pivot)
            index = subtract(switch_count[1], one)
            self.pivot_for_body = index
            next_count = _next_iteration(index)
            merge_count.op._update_input(1, next_count)
            final_zero = _exit(switch_count[0], name="b_count")
            self.loop_exits.append(final_zero)
            self.exit_result([final_zero])
        finally:
            self.exit()
        return next_count

    def build_loop(self, pred, body, loop_vars, shape_invariants, return_same_structure):
        """Build the loop (TF1's ``BuildLoop``): returns the Exit tensors, packed as the
        body's result."""
        flat_vars = [as_tensor(_as_value(v)) for v in _flatten(loop_vars)]
        flat_shapes = _flatten(shape_invariants) if shape_invariants is not None \
            else [None] * len(flat_vars)
        self.enter()
        try:
            original_body_result, exit_vars = self._build_loop(pred, body, loop_vars,
                                                               flat_vars, flat_shapes)
        finally:
            self.exit()
        packed = _pack(original_body_result, exit_vars)
        if return_same_structure:
            return packed
        return packed[0] if len(exit_vars) == 1 else packed

    def _build_loop(self, pred, body, loop_vars, flat_vars, flat_shapes):
        self._values = set(flat_vars)
        if self.outer_context is not None:
            real_vars = [self.outer_context.add_value(x) for x in flat_vars]
        else:
            real_vars = flat_vars
        graph = self.graph
        with graph.control_dependencies(None):
            enter_vars = [_enter(x, self.name, is_constant=False,
                                 parallel_iterations=self.parallel_iterations,
                                 use_input_shape=(shape is None))
                          for x, shape in zip(real_vars, flat_shapes)]
            for x in enter_vars:
                graph.prevent_feeding(x)
                if self.outer_context is not None:
                    self.outer_context.add_inner_op(x.op)
        outer, pivot = self.outer_context, None
        while outer is not None and pivot is None:
            pivot = outer.get_control_pivot()
            outer = outer.outer_context
        if pivot is not None:
            for var in enter_vars:
                if _is_loop_constant_enter(var.op.inputs[0].op):
                    var.op._add_control_input(pivot.op)
        self._fix_control_inputs_and_context(enter_vars)
        for inp, var, shape in zip(flat_vars, enter_vars, flat_shapes):
            if shape is not None:
                if not _shape_less_than_or_equal(inp.shape, shape):
                    raise ValueError(
                        "The shape invariant specified for %s is not compatible with the "
                        "initial shape of the loop variable. It enters the loop with shape "
                        "%s, but the specified shape invariant is %s."
                        % (inp.name, inp.shape, shape))
                var._shape = shape
        self._values = set(enter_vars)
        self.loop_enters = list(enter_vars)

        merge_vars = [merge([x, x])[0] for x in enter_vars]
        self.pivot_for_pred = merge_vars[0]
        packed_vars = _pack(loop_vars, merge_vars)
        c = pred(*packed_vars)
        if c is None:
            raise ValueError("None values not supported.")
        self.pivot = _loop_cond(as_tensor(c), name="LoopCond")
        switch_vars = [_switch(x, self.pivot) for x in merge_vars]

        vars_for_body = [_identity(x[1]) for x in switch_vars]
        self.pivot_for_body = vars_for_body[0]
        packed_for_body = _pack(loop_vars, vars_for_body)
        body_result = body(*packed_for_body)
        if not _is_nested(body_result):
            body_result = [body_result]
        _assert_same_structure(list(packed_for_body), list(body_result))
        original_body_result = body_result
        result = []
        for v in _flatten(body_result):
            v = _as_value(v)
            if v is None:
                raise ValueError("None values not supported.")
            result.append(as_tensor(v))
        if len(merge_vars) != len(result):
            raise ValueError("Number of inputs and outputs of 'body' must match "
                             "'loop_vars'. Got %d for the number of inputs/outputs, and %d "
                             "for 'loop_vars'." % (len(merge_vars), len(result)))
        for m, v in zip(merge_vars, result):
            _add_next_and_back_edge(m, v)
        exit_vars = [_exit(x[0]) for x in switch_vars]
        self.loop_exits = exit_vars
        self.structure = [LoopVar(e, m, s[0], i, m.op.inputs[1], x) for e, m, s, i, x in
                          zip(enter_vars, merge_vars, switch_vars, vars_for_body, exit_vars)]
        self.exit_result(exit_vars)
        return original_body_result, exit_vars


#: one loop variable of a while loop: its Enter, Merge, Switch (output 0), Identity (the
#: body's input), NextIteration and Exit tensors
LoopVar = collections.namedtuple("LoopVar", "enter merge switch identity next exit")


def _add_next_and_back_edge(m, v, enforce_shape_invariant=True):
    v = _next_iteration(v)
    if enforce_shape_invariant and not _shape_less_than_or_equal(v.shape, m.shape):
        enter = m.op.inputs[0].op
        input_t = enter.inputs[0]
        raise ValueError(
            "Input tensor '%s' enters the loop with shape %s, but has shape %s after one "
            "iteration. To allow the shape to vary across iterations, use the "
            "`shape_invariants` argument of tf.while_loop to specify a less-specific shape."
            % (input_t.name, input_t.shape, v.shape))
    m.op._update_input(1, v)
    return v


def _shape_less_than_or_equal(s1, s2):
    """True if ``s1`` is at least as specific as ``s2`` (TF's ``_ShapeLessThanOrEqual``)."""
    if s2.ndims is None:
        return True
    if s1.ndims != s2.ndims:
        return False
    return all(b is None or a == b for a, b in zip(s1.as_list(), s2.as_list()))


@export("while_loop")
def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """``tf.while_loop`` (TF1): ``while cond(*loop_vars): loop_vars = body(*loop_vars)``,
    run when the graph runs.

    Both functions are called once, now, to build the loop under the scope ``while``; a run
    executes the body's ops once per iteration.

    Args:
      cond: a function of the loop variables returning a scalar bool tensor.
      body: a function of the loop variables returning new values of the same structure,
        dtypes and (unless ``shape_invariants`` says otherwise) shapes.
      loop_vars: a list (or tuple, or nest) of tensors.
      shape_invariants: the shapes the loop variables keep across iterations (``None``
        dimensions where they may change), e.g. ``[tf.TensorShape([None])]``.
      maximum_iterations: stop after this many iterations at most (a counter loop variable,
        ``while/iteration_counter``, is added, as in TF1).
      parallel_iterations, swap_memory: TF1's scheduling options; iterations run one after
        the other here. back_prop: False makes ``tf.gradients`` stop at the loop.

    Returns:
      The loop variables after the last iteration (``while/Exit`` tensors), in the body's
      structure (one tensor alone if there is one loop variable).
    """
    graph = get_default_graph()
    for v in _flatten(loop_vars):
        if hasattr(v, "_as_graph_tensor"):
            graph = v._as_graph_tensor().graph
            break
    with graph.name_scope(name or "while"):
        if not loop_vars:
            raise ValueError("'loop_vars' must be provided.")
        if not callable(cond):
            raise TypeError("'cond' must be callable.")
        if not callable(body):
            raise TypeError("'body' must be callable.")
        if parallel_iterations < 1:
            raise TypeError("'parallel_iterations' must be a positive integer.")
        loop_vars = _map(_as_value, loop_vars)
        try_to_pack = len(loop_vars) == 1 and not return_same_structure \
            if isinstance(loop_vars, (list, tuple)) else False
        if not isinstance(loop_vars, (list, tuple)):
            raise TypeError("Using a `tf.Tensor` as a Python `bool` is not allowed: "
                            "'loop_vars' must be a list or tuple of tensors, got %r"
                            % (loop_vars,))
        if maximum_iterations is not None:
            maximum_iterations = as_tensor(maximum_iterations, name="maximum_iterations")
            if maximum_iterations.shape.ndims != 0:
                raise ValueError("'maximum_iterations' must be a scalar. Received shape: %s"
                                 % (maximum_iterations.shape,))
            counter = constant(0, dtype=maximum_iterations.dtype, name="iteration_counter")
            orig_cond, orig_body = cond, body
            from minigraph.ops.math_ops import logical_and
            if try_to_pack:
                loop_vars = (counter, loop_vars[0])
                cond = lambda i, lv: logical_and(i < maximum_iterations,  # noqa: E731
                                                 orig_cond(lv))
                body = lambda i, lv: (i + 1, orig_body(lv))  # noqa: E731
            else:
                loop_vars = (counter, loop_vars)
                cond = lambda i, lv: logical_and(i < maximum_iterations,  # noqa: E731
                                                 orig_cond(*lv))
                body = lambda i, lv: (i + 1, orig_body(*lv))  # noqa: E731
        if shape_invariants is not None:
            if maximum_iterations is not None:
                shape_invariants = (TensorShape([]), shape_invariants)
            _assert_same_structure(loop_vars, shape_invariants)
            shape_invariants = _map(lambda s: as_shape(s), shape_invariants) \
                if _is_nested(shape_invariants) else as_shape(shape_invariants)
        context = WhileContext(maximum_iterations=maximum_iterations,
                               parallel_iterations=parallel_iterations,
                               back_prop=back_prop, swap_memory=swap_memory, graph=graph)
        if context.outer_context is None:
            graph.add_to_collection(GraphKeys.WHILE_CONTEXT, context)
        result = context.build_loop(cond, body, loop_vars, shape_invariants,
                                    return_same_structure)
        if maximum_iterations is not None:
            return result[1]
        return result
