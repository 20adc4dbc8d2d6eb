"""What an untraced ``Session.run`` really executes: its plan, rewritten once.

Real TensorFlow 1 does not run the graph you drew op for op. Before the first run of a
fetch/feed signature its graph optimizer, Grappler, folds constant subgraphs, drops ops that
do nothing and picks cheaper forms of some ops. minigraph's session does the same, in a small
way, on the *plan* (:mod:`minigraph.plan`): :func:`optimize` turns the plan that runs every
op as drawn into a cheaper one with the same values, bit for bit (``tests/test_rewrite.py``).
The graph and its drawings are not touched, and a traced run (``RunOptions(trace_level=
FULL_TRACE)``, ``minigraph.trace.run_steps``) still runs the plan as drawn, so it shows every
op: that is minigraph's choice, for teaching; TF1 applies Grappler to a traced run too.
``minigraph.trace.describe_plan(sess, fetches)`` tells what was rewritten. Of the rewrites
below, folding and forwarding are what Grappler's constant folding and dependency optimizer
do; the cheaper kernels (the bit-mask select) and the no-copy assign are minigraph's own
kernel choices, not Grappler passes.

One walk over the steps, in execution order, does the first three; the last looks at the
whole plan:

1. **fold**: an op that is not stateful and whose inputs are all known is computed now, once,
   and its value becomes a constant of the plan; so is an op that only looks at its input's
   static shape (``ZerosLike``, ``Shape``: ``reads_only_shape``) when that shape is known.
   In the lecture's backward pass the chain from the gradient's seed ``1.0`` through
   ``Mean``'s and ``Sum``'s gradients to ``2 * grad`` folds: none of it depends on the data.
   An op that fails or warns while being folded stays in the plan, so its error comes at
   run time, as it would without folding; Grappler's 10 MiB limit on a folded value holds.
2. **forward**: an op whose ``specialize`` answers ``FORWARD`` (``Identity``,
   ``StopGradient``, ``x ** 1``) takes no step; later steps read its input instead. A
   variable's ``VariableV2`` op takes none either: what it gives, the variable itself (a
   :class:`~minigraph.ops.state_ops.Ref`), is the same at every run, so the plan starts with
   it; ``w/read`` still reads the variable's value when it runs.
3. **specialize**: an op's ``specialize`` may give a cheaper kernel for the constants it
   sees: ``x ** 2`` is ``np.square``, ``where(c, x, 0)`` masks bits (each op's own class
   says so; see :meth:`minigraph.op_def.OpDef.specialize`).
4. **own**: an op with an ``owning_kernel`` (``Assign``) keeps the array of its value
   without copying it when that array is one this run made, read by no other step, and not
   fetched: ``v.assign(v - lr * g)`` stores ``v - lr * g`` itself in the variable.

A plan with control flow (``tf.cond``, ``tf.while_loop``: :mod:`minigraph.dataflow`) is
rewritten outside its control flow only: a step that may be dead, a control flow op and a
step of a loop keep their kernel and their step (only their inputs follow a forwarded
value), so no rewrite ever skips a dead check or changes a loop.

``tf.ConfigProto`` turns them off: ``OptimizerOptions.L0`` all of them,
``do_constant_folding=False`` the folding (:func:`passes_for`). ``benchmarks/run.py`` times
the lecture's step with each one off in turn, and keeps only passes that pay.
"""

import warnings

import numpy as np

from minigraph.config import ConfigProto, OptimizerOptions
from minigraph.op_def import FORWARD
from minigraph.plan import Plan, Step, alias_roots, protected

__all__ = ["PASSES", "optimize", "passes_for", "Rewrites", "MAX_FOLDED_BYTES"]

#: the rewrites, in the order they apply
PASSES = ("fold", "forward", "specialize", "own")
#: Grappler's default limit on the size of a folded constant (10 MiB)
MAX_FOLDED_BYTES = 10 * 2**20
#: unsigned integer types by item size, to compare values bit for bit
_BITS = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def passes_for(config):
    """The rewrites a session made with ``config`` (a ``tf.ConfigProto`` or None) applies."""
    if config is None:
        return PASSES
    if not isinstance(config, ConfigProto):
        raise TypeError("config must be a tf.ConfigProto, got %s" % type(config).__name__)
    options = config.graph_options.optimizer_options
    if options.opt_level == OptimizerOptions.L0:
        return ()
    return tuple(p for p in PASSES if p != "fold" or options.do_constant_folding)


def optimize(plan, state, passes=PASSES):
    """The cheaper plan an untraced run of ``plan`` (as compiled, every op as drawn) uses,
    applying ``passes`` (some of :data:`PASSES`). Its ``rewrites`` says what changed."""
    done = Rewrites(plan)
    known = {}   # tensor -> its value, known now: constants and folded values
    same = {}    # tensor -> the tensor it is forwarded to (no step computes it)
    steps = []
    for step in plan.steps:
        op = step.op
        inputs = [same.get(t, t) for t in step.inputs]
        if step.flow is not None:   # control flow (minigraph.dataflow): kept as it is
            steps.append(Step(op, step.kernel, inputs, step.outputs, step.reads, step.flow))
            done.flow.append(op)
            continue
        if op.opdef.kind == "constant":   # in the environment from the start: no step
            known[op.outputs[0]] = op.attrs["value"]
            continue
        if not step.outputs and not op.opdef.stateful:   # a NoOp: nothing to compute
            continue
        if op.type == "VariableV2" and "forward" in passes and step.outputs:
            # the variable itself (a Ref) is the same object at every run of this session:
            # resolved once; its readers (w/read) still read its value when they run
            known[step.outputs[0]] = step.kernel()
            done.refs.append(op)
            continue
        if step.reads:   # reads a variable's value when it runs (w/read): keep it so
            steps.append(Step(op, step.kernel, inputs, step.outputs, reads=True))
            continue
        if "fold" in passes:
            value = _fold(step, inputs, known)
            if value is not None:
                for t, v in zip(step.outputs, value if len(step.outputs) > 1 else (value,)):
                    known[t] = _compact(v)
                done.folded.append(op)
                continue
        kernel = step.kernel
        cheaper = op.opdef.specialize(op, [known.get(t) for t in inputs]) \
            if "forward" in passes or "specialize" in passes else None
        if cheaper is FORWARD:
            if "forward" in passes and len(step.outputs) == 1:
                same[step.outputs[0]] = inputs[0]
                done.forwarded.append(op)
                continue
        elif cheaper is not None and "specialize" in passes:
            kernel = cheaper
            done.specialized.append(op)
        steps.append(Step(op, kernel, inputs, step.outputs))

    fetches = [None if t is None else same.get(t, t) for t in plan.fetches]
    if "own" in passes:
        _give_ownership(steps, known, plan.feeds, fetches, state, done)
    # the plan keeps only the values a step or a fetch still reads (not, say, the
    # intermediate values of a folded chain)
    needed = {t for s in steps for t in s.inputs} | set(fetches)
    constants = {t: v for t, v in known.items() if t in needed}
    folded = {t for op in done.folded for t in op.outputs}
    done.kept = {t: v for t, v in constants.items() if t in folded}
    done.executed = [s.op for s in steps]
    return Plan(steps, constants, plan.feeds, fetches, plan.ops, plan.targets, plan.cut,
                rewrites=done, control_flow=plan.flow is not None)


# -- 1. fold ----------------------------------------------------------------------------------

def _fold(step, inputs, known):
    """The step's value, computed now, or None if it cannot or must not be."""
    op = step.op
    opdef = op.opdef
    if not opdef.foldable or opdef.stateful or not step.outputs or None in step.outputs:
        return None
    if all(t in known for t in inputs):
        args = [known[t] for t in inputs]
    elif opdef.reads_only_shape and op.inputs[0].shape.is_fully_defined():
        x = op.inputs[0]
        args = [np.zeros(x.shape.as_list(), x.dtype.as_numpy_dtype)]
    else:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # an op that warns must warn at every run
            value = step.kernel(*args)
    except Exception:
        return None   # it fails at run time, with the error a run gives
    values = value if len(step.outputs) > 1 else (value,)
    if sum(np.asarray(v).nbytes for v in values) > MAX_FOLDED_BYTES:
        return None
    return value


def _compact(v):
    """A folded array whose elements all have the same bits (a broadcast gradient, say) is
    kept as that one element broadcast to the shape (a read-only view): same values,
    bytes instead of kilobytes."""
    if type(v) is not np.ndarray or v.nbytes < 1024 or v.dtype.itemsize not in _BITS \
            or v.dtype.kind not in "biufc" or not any(v.strides):
        return v
    bits = np.ascontiguousarray(v).reshape(-1).view(_BITS[v.dtype.itemsize])
    if not np.all(bits == bits[0]):
        return v
    return np.broadcast_to(v.reshape(-1)[0], v.shape)


def _held_bytes(v):
    """Memory an array value really takes (a broadcast one element takes one element)."""
    v = np.asarray(v)
    return v.itemsize if v.ndim and not any(v.strides) else v.nbytes


# -- 4. own -----------------------------------------------------------------------------------

def _give_ownership(steps, known, feeds, fetches, state, done):
    """Use an op's ``owning_kernel`` where its first input is an array this run made (not a
    view, not a constant, fed array or variable's value), read by no other step and not
    fetched (nor any view of it): no one else can ever see that array."""
    root = alias_roots(steps)
    not_ours = protected(steps, known, feeds)
    readers = {}   # array (root tensor) -> the number of steps reading it or a view of it
    for step in steps:
        for r in {root.get(t, t) for t in step.inputs}:
            readers[r] = readers.get(r, 0) + 1
    fetched = {root.get(t, t) for t in fetches if t is not None}
    for step in steps:
        owning = step.op.opdef.owning_kernel
        if owning is None or not step.inputs or step.flow is not None:
            continue
        t = step.inputs[0]
        if t in root or t in not_ours or t in fetched or readers.get(t) != 1:
            continue
        step.kernel = owning(step.op, state)
        done.owning.append(step.op)


# -- what was done ----------------------------------------------------------------------------

class Rewrites:
    """What :func:`optimize` did to one plan.

    Attributes:
      n_ops: the plan's ops that compute something (constants and no-ops aside).
      executed: the ops that still take a step, in order.
      folded, forwarded, specialized, owning: the ops each pass changed.
      refs: the ``VariableV2`` ops whose variable the plan holds from the start (no step).
      flow: the ops kept as drawn because of control flow: in a ``tf.cond`` branch or a
        loop, or a control flow op (:mod:`minigraph.dataflow`).
      kept: ``{tensor: value}`` of the folded values the plan keeps (a step reads them).
    """

    def __init__(self, plan):
        self.n_ops = sum(1 for s in plan.steps
                         if s.op.opdef.kind not in ("constant", "noop") or s.flow is not None)
        self.executed = []
        self.folded = []
        self.forwarded = []
        self.specialized = []
        self.owning = []
        self.refs = []
        self.flow = []
        self.kept = {}

    @property
    def kept_bytes(self):
        """The memory the folded values the plan keeps take up."""
        return sum(_held_bytes(v) for v in self.kept.values())

    def summary(self):
        """A few lines: how many ops the plan has and what became of them."""
        lines = ["%d ops in the plan, %d kernel calls per run" % (self.n_ops, len(self.executed))]
        for label, ops in (("folded into constants once", self.folded),
                           ("forwarded (no step)", self.forwarded),
                           ("given a cheaper kernel", self.specialized),
                           ("storing their value without a copy", self.owning),
                           ("variables resolved once (no step; w/read reads them)", self.refs),
                           ("kept as drawn (control flow: a branch, a loop)", self.flow)):
            if ops:
                lines.append("%s: %d  (%s)" % (label, len(ops), _names(ops)))
        if self.folded:
            lines.append("folded values kept by the plan: %s" % _size(self.kept_bytes))
        return "\n".join(lines)

    def role(self, op):
        """What an untraced run does with ``op``, in a few words (the run stepper shows it
        beside each step of a traced run, which always runs every op as drawn)."""
        if op in self.folded:
            return "folded: an untraced run computes it once, when its plan is built"
        if op in self.forwarded:
            return "forwarded: an untraced run hands its input on, with no step"
        if op in self.specialized:
            return "an untraced run uses a cheaper kernel with the same result"
        if op in self.owning:
            return "an untraced run stores its value in the variable without a copy"
        if op in self.refs:
            return ("no step in an untraced run: the variable itself is in place from the "
                    "start; its read reads the value")
        if op in self.flow:
            return ("runs as drawn in an untraced run too: in a tf.cond branch or a loop, it "
                    "may be dead")
        if op.opdef.kind == "constant":
            return "no step in an untraced run (a constant is in place from the start)"
        if op.opdef.kind == "noop":
            return "no step in an untraced run (nothing to compute)"
        return "runs as drawn"

    def __repr__(self):
        return self.summary()


def _names(ops, limit=6):
    names = [op.name for op in ops]
    return ", ".join(names[:limit]) + (", ..." if len(names) > limit else "")


def _size(n):
    return "%d bytes" % n if n < 1024 else "%.1f KiB" % (n / 1024) if n < 2**20 \
        else "%.1f MiB" % (n / 2**20)
