"""An execution plan: what one ``Session.run`` of some fetches, with some feeds, executes.

A plan is worked out once per (fetches, feeds) signature and cached by the session:

1. **prune**: the ops the fetches need, walking back through data and control inputs and
   stopping at fed tensors (:func:`minigraph.topo.toposort`), with each variable read moved
   ahead of the run's first update of that variable;
2. **compile**: each op becomes a :class:`Step`, ``outputs = kernel(*inputs)``, where inputs
   and outputs are the op's tensors;
3. **free**: each step lists the tensors no later step reads, so their values are dropped
   as soon as they are used up.

The session runs a plan with one loop over an *environment*, a dict from tensor to value
(:func:`minigraph.session.execute`). A plan compiled here runs every op as drawn, each with
its usual kernel; :func:`minigraph.rewrite.optimize` derives the cheaper plan an untraced
run uses from it. A plan with control flow (``tf.cond``, ``tf.while_loop``) is laid out and
run by :mod:`minigraph.dataflow` (dead values, loops): its steps carry a ``flow``, and the
plan a ``flow`` of its loops.
"""

import numpy as np

from minigraph import dataflow, hygiene, lint
from minigraph.errors import InvalidArgumentError
from minigraph.graph import Operation, Tensor
from minigraph.ops.array_ops import Placeholder
from minigraph.ops.state_ops import Ref, written_variables
from minigraph.run_errors import with_path
from minigraph.topo import toposort

__all__ = ["Step", "Plan", "prune", "compile_plan", "convert_feed", "outputs_of",
           "alias_roots", "protected"]


class Step:
    """One kernel call of a plan: ``outputs = kernel(*inputs)``.

    Attributes:
      op: the Operation this step computes.
      kernel: the callable, taking one array per input.
      inputs: the tensors whose values are read, in order.
      outputs: the tensors the result is written to: one for an op with one output (its
        kernel returns the value), one per output for an op with several (the kernel returns
        a tuple; ``None`` marks an output that is fed, whose computed value is dropped), none
        for an op with no outputs or whose one output is fed.
      frees: the tensors whose values no later step reads: dropped after this step.
      reads: True if the kernel reads a variable's value from an input holding the variable
        itself (a ``VariableV2`` output: ``w/read``); such a step is never rewritten.
      flow: ``None``, or, in a plan with control flow, a :class:`minigraph.dataflow.FlowInfo`
        (when the step may be dead, where loops start and end); such a step is never
        rewritten either.
    """

    __slots__ = ("op", "kernel", "inputs", "outputs", "frees", "reads", "flow")

    def __init__(self, op, kernel, inputs, outputs, reads=False, flow=None):
        self.op, self.kernel = op, kernel
        self.inputs, self.outputs = tuple(inputs), tuple(outputs)
        self.frees = ()
        self.reads = reads
        self.flow = flow

    def __repr__(self):
        return "<Step %s: %s(%s)>" % (self.op.name, self.op.type,
                                     ", ".join(t.name for t in self.inputs))


class Plan:
    """The steps one run executes, and what the environment holds before and after.

    Attributes:
      steps: the :class:`Step` list, in execution order.
      constants: ``{tensor: value}`` the environment starts with (values known before the
        run: constants, in a rewritten plan).
      feeds: the fed tensors, in the order of ``feed_dict``'s keys.
      fetches: one entry per fetch: the tensor holding its value, or ``None`` for an op.
      copies: per fetch, True if its value must be copied before it is handed out (it may
        share memory with a constant, a variable, a fed array or another fetch).
      ops: the pruned ops, in order (the ops the run needs, as drawn).
      targets: the fetches as given, resolved to tensors and ops.
      cut: the ops a fetch needs that do not run because their outputs are fed.
      rewrites: for a rewritten plan, what :mod:`minigraph.rewrite` did (else ``None``).
      flow: for a plan with control flow, its loops (a :class:`minigraph.dataflow.Flow`),
        else ``None``.
    """

    def __init__(self, steps, constants, feeds, fetches, ops, targets, cut, rewrites=None,
                 control_flow=False):
        self.steps = steps
        self.constants = constants
        self.feeds = feeds
        self.fetches = fetches
        self.ops = ops
        self.targets = targets
        self.cut = cut
        self.rewrites = rewrites
        keep = {t for t in fetches if t is not None}
        if control_flow:   # loops: values read across iterations live longer
            self.flow = dataflow.Flow(steps, keep)
        else:
            self.flow = None
            _set_frees(steps, keep)
        self.copies = _fetch_copies(steps, constants, feeds, fetches)

    def start(self, feed_values):
        """The environment of a new run: the constants, then the fed values, converted to
        their tensors' dtypes and checked against their static shapes."""
        __tracebackhide__ = True
        env = dict(self.constants)
        for t, value in zip(self.feeds, feed_values):
            env[t] = convert_feed(t, value)
        return env

    def results(self, env):
        """The fetched values, in a flat list: the session's arrays are never handed out
        (a copy where one could be shared), and scalars come as numpy scalars, as in TF."""
        out = []
        for t, copy in zip(self.fetches, self.copies):
            if t is None:
                out.append(None)
                continue
            v = env[t]
            if type(v) is Ref:  # a fetched variable: its value, never the session's array
                v = np.array(v.value())
            if type(v) is np.ndarray:
                if v.ndim == 0:
                    v = v[()]
                elif copy or not v.flags.writeable:
                    v = np.array(v)
            elif v is dataflow.DEAD:
                raise _dead_fetch(len(out), t)
            out.append(v)
        return out


# -- 1. prune ---------------------------------------------------------------------------------

def prune(targets, feeds):
    """The ops a run of ``targets`` (tensors and ops) with ``feeds`` fed needs, in execution
    order: each once, after its inputs, and each variable read before the run's updates."""
    fed = set(feeds)
    # a fetched tensor that is also fed is simply the fed value: its op need not run
    target_ops = [t if isinstance(t, Operation) else t.op for t in targets if t not in fed]
    return _reads_before_writes(toposort(target_ops, fed))


def _reads_before_writes(order):
    """Move each read of a variable ahead of the run's first update of that variable.

    So a run sees every variable as it was when the run started: in
    ``sess.run([updates, loss])`` the loss is computed from the old weights whatever the
    fetch order. (Real TF1 runs independent ops in no fixed order, so there a read may see
    the update: a race minigraph does not reproduce.) A read is an op whose only inputs are
    variables (``w/read``); it moves with its ``VariableV2`` ops, which have no inputs, so the
    order stays valid. Initializers do not count as updates: ``sess.run([w.initializer,
    w])`` initializes, then reads.
    """
    first_update = {}
    for index, op in enumerate(order):
        if op.opdef.writes_refs and not lint.is_initializer(op):
            for var in written_variables(op):
                first_update.setdefault(var, index)
    if not first_update:
        return order

    def target(op, index):
        """Where ``op`` must move to (an index before which it goes), or None."""
        if op.control_inputs:
            return None
        if op.type == "VariableV2":
            sources = [op]
        elif op.inputs and not op.opdef.writes_refs and all(
                t.op.type == "VariableV2" for t in op.inputs):
            sources = [t.op for t in op.inputs]
        else:
            return None
        first = min(first_update.get(v, index) for v in sources)
        return first if first < index else None

    move = {}
    for index, op in enumerate(order):
        to = target(op, index)
        if to is not None:
            move[op] = to
    if not move:
        return order
    before = {}
    for op in order:  # in the original order: a variable before its read
        if op in move:
            before.setdefault(move[op], []).append(op)
    out = []
    for index, op in enumerate(order):
        out.extend(before.get(index, ()))
        if op not in move:
            out.append(op)
    return out


# -- 2. compile -------------------------------------------------------------------------------

def compile_plan(graph, targets, feeds, state):
    """The plan running ``targets`` (tensors and ops of ``graph``) with the tensors ``feeds``
    fed, every op as drawn, each with its usual kernel (``op.opdef.make_kernel(op, state)``).

    Raises before anything runs if a placeholder the run needs is not fed, or if a feed
    feeds a stale copy of the model (a cell run twice: :mod:`minigraph.hygiene`)."""
    __tracebackhide__ = True
    fed = set(feeds)
    given = targets
    for t in targets:
        if not graph.is_fetchable(t):   # inside a tf.cond branch or a loop body
            raise _not_fetchable(t)
    targets = [_fetched(t) for t in targets]
    everything = toposort([t if isinstance(t, Operation) else t.op for t in targets])
    reached = set(everything)  # what the run would need if nothing were fed
    for t in feeds:
        message = hygiene.stale_feed_message(t, reached, graph)
        if message:
            raise InvalidArgumentError(t.op.name, t.op, message)
    ops = prune(targets, feeds)
    for op in ops:
        if op.type == "Placeholder":  # nothing fed it: fail before anything runs, as TF1
            raise with_path(Placeholder.unfed_error(op), targets, ops)
    control_flow = dataflow.has_control_flow(ops)
    if control_flow:   # tf.cond / tf.while_loop: laid out with dead values and loops
        steps = dataflow.compile_steps(
            ops, lambda op, outputs: _step(op, state, outputs, fed), fed)
    else:
        steps = [_step(op, state, dataflow.outputs_written(op, fed), fed) for op in ops]
    fetches = [t if isinstance(t, Tensor) else None for t in targets]
    cut = [op for op in everything if any(t in fed for t in op.outputs)]
    return Plan(steps, {}, list(feeds), fetches, ops, given, cut, control_flow=control_flow)


def _not_fetchable(t):
    op = t.op if isinstance(t, Tensor) else t
    return ValueError(
        "Operation %s has been marked as not fetchable. Typically this happens when it is "
        "defined in another function or code block. Use return values, explicit Python locals "
        "or TensorFlow collections to access it.\n  (It is inside a tf.cond branch or a "
        "tf.while_loop body, made at %s: fetch what the cond or loop returns.)"
        % (op.name, op.site.with_source()))


def _dead_fetch(index, t):
    return InvalidArgumentError(
        t.op.name, t.op,
        "Retval[%d] does not have value\n  %s is dead in this run: it depends on a tf.cond "
        "branch that was not taken (or a loop body after its last iteration), so it has no "
        "value. Fetch the cond's result instead (made at %s)."
        % (index, t.name, t.op.site.with_source()))


def _fetched(t):
    """What a fetch of ``t`` reads: a fetched variable (``sess.run(w)``, the ref ``w:0``) is
    read through its ``w/read``, so it is read like every other use of it: before the run's
    updates, after an initializer in the same run."""
    if isinstance(t, Tensor) and t.op.type == "VariableV2":
        var = t.op.attrs.get("python_variable")
        if var is not None:
            return var.value()
    return t


def _step(op, state, outputs, fed):
    """The step computing ``op``: its kernel takes no value for a ref input (the kernel knows
    its variable), and gets the variable's current value for any other input that holds a
    variable itself (``w/read``'s), read when the step runs."""
    kernel = op.opdef.make_kernel(op, state)
    refs = op.opdef.ref_inputs
    inputs = [t for i, t in enumerate(op.inputs) if i not in refs] if refs else op.inputs
    derefs = tuple(j for j, t in enumerate(inputs)
                   if t.op.type == "VariableV2" and t not in fed)
    if derefs:
        kernel = _reading(kernel, derefs, op)
    return Step(op, kernel, inputs, outputs, reads=bool(derefs))


def _reading(kernel, positions, op):
    """``kernel`` taking, at ``positions``, a variable's :class:`Ref` in place of its value."""
    if positions == (0,) and len(op.inputs) == 1:   # w/read: the usual case
        def read(ref):
            __tracebackhide__ = True
            return kernel(ref.value(op))
        return read

    def read_several(*args):
        __tracebackhide__ = True
        args = list(args)
        for j in positions:
            args[j] = args[j].value(op)
        return kernel(*args)
    return read_several


def outputs_of(step):
    """The tensors a step writes (its ``outputs``, fed ones left out)."""
    return tuple(t for t in step.outputs if t is not None)


# -- 3. free ----------------------------------------------------------------------------------

def _set_frees(steps, keep):
    """Give each step the tensors whose last reader it is (never those in ``keep``), so a
    value is dropped as soon as no later step needs it; a value nothing reads is dropped
    by the step that made it."""
    last = {}
    for index, step in enumerate(steps):
        for t in step.inputs:
            last[t] = index
        for t in outputs_of(step):
            last.setdefault(t, index)
    frees = [[] for _ in steps]
    for t, index in last.items():
        if t not in keep:
            frees[index].append(t)
    for step, f in zip(steps, frees):
        step.frees = tuple(f)


# -- who may share memory with whom -----------------------------------------------------------

def alias_roots(steps):
    """``{tensor: the tensor whose array it may share}`` for the outputs of ops that may
    return a view of their first input (``aliases_input``: Identity, Reshape...)."""
    root = {}
    for step in steps:
        # a control flow op hands on one of its inputs (which one, only the run knows): its
        # outputs are their own roots, protected (below)
        if step.op.opdef.aliases_input and step.inputs and step.op.opdef.kind != "control_flow":
            source = step.inputs[0]
            for t in outputs_of(step):
                root[t] = root.get(source, source)
    return root


def protected(steps, constants, feeds):
    """Tensors whose arrays are someone else's: fed arrays, constants, variables' values
    and what assigns stored (a view of one has it as its root: check roots), and what a
    control flow op hands on (a Switch's or Merge's input, whichever it is)."""
    owned_elsewhere = set(feeds) | set(constants)
    for step in steps:
        if step.op.opdef.kind in ("variable", "assign", "constant", "control_flow"):
            owned_elsewhere.update(outputs_of(step))
    return owned_elsewhere


def _fetch_copies(steps, constants, feeds, fetches):
    """Copy a fetched value if it is protected or shares an array with an earlier fetch."""
    root = alias_roots(steps)
    keep_out = protected(steps, constants, feeds)
    seen, out = set(), []
    for t in fetches:
        r = root.get(t, t)
        out.append(t is not None and (r in keep_out or r in seen))
        seen.add(r)
    return out


# -- feeds ------------------------------------------------------------------------------------

def convert_feed(t, value):
    """``value`` as fed for tensor ``t``: converted to its dtype, checked against its static
    shape (a ``ValueError`` or ``TypeError`` naming the placeholder and its line if not)."""
    __tracebackhide__ = True
    if isinstance(value, (Tensor, Operation)) or hasattr(value, "_as_graph_tensor"):
        raise TypeError("The value of a feed cannot be a tf.Tensor object (%s was fed with %s). "
                        "Acceptable feed values include Python scalars, strings, lists and "
                        "numpy ndarrays." % (t.name, value))
    try:
        arr = np.asarray(value, dtype=t.dtype.as_numpy_dtype)
    except (TypeError, ValueError) as e:
        raise ValueError("Cannot feed a value of type %s for Tensor %r of dtype %s: %s\n  The "
                         "placeholder was created at %s"
                         % (type(value).__name__, t.name, t.dtype.name, e,
                            t.op.site.with_source())) from None
    static = t.shape
    if static.ndims is not None and not static.is_compatible_with(arr.shape):
        raise ValueError("Cannot feed value of shape %s for Tensor %r, which has shape %r\n  "
                         "The placeholder was created at %s"
                         % (arr.shape, t.name, str(static), t.op.site.with_source()))
    return arr
