"""``Session.run``: an interpreter for the graph.

A run (1) turns the fetches into a flat list of tensors and ops, (2) finds the ops they
need, walking back through data and control inputs and stopping at fed tensors, (3)
executes exactly those, each once, in topological order, keeping values in a local list of
slots, and (4) hands back the fetched values in the fetches' own structure.

Steps (2) and the setup of (3) form an execution *plan*, cached per (fetches, feeds)
signature, so a training loop pays for them once. Like TF1's graph optimizer, the plan's
*fast path* is rewritten before its first run (:mod:`minigraph.rewrite`: constants folded,
no-op arithmetic dropped, updates written in place) with the same values bit for bit;
a traced run executes every op as drawn. Values never live on graph nodes; the only state
a session keeps between runs is its variables and its random generators.
"""

import time

import numpy as np

from minigraph import errors
from minigraph.graph import Operation, Tensor, get_default_graph
from minigraph.topo import toposort
from minigraph import config as config_lib
from minigraph import hygiene, lint, rewrite
from minigraph.trace import RunTrace, Step

__all__ = ["Session", "InteractiveSession", "get_default_session"]

_default_session_stack = []


def get_default_session():
    """The innermost session entered with ``with sess:`` / ``sess.as_default()``, or None."""
    return _default_session_stack[-1] if _default_session_stack else None


def _remove_innermost(stack, item):
    """Remove the last occurrence of ``item`` (a ``with`` block may re-enter an outer one)."""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] is item:
            del stack[i]
            return


def _session_or_default(session, graph):
    session = session or get_default_session()
    if session is None:
        raise ValueError("Cannot evaluate tensor using `eval()`: No default session is "
                         "registered. Use `with sess.as_default():` or pass an explicit "
                         "session to `eval(session=sess)`")
    if session.graph is not graph:
        raise ValueError("Cannot use the given session to evaluate tensor: the tensor's graph "
                         "is different from the session's graph.")
    return session


def _where(op):
    return "%s, created at %s" % (op.name, op.site.with_source())


class _State:
    """What a session keeps between runs: variable values and random generators."""

    def __init__(self):
        self.variables = {}   # VariableV2 op -> ndarray
        self.rngs = {}        # random op -> np.random.Generator
        # VariableV2 op -> its array, while no one outside the session can hold that array:
        # only then may an update write into it in place (minigraph.rewrite, pass 4)
        self.owned = {}

    def set_value(self, var_op, value, owned=False):
        """Make ``value`` the variable's array. ``owned``: nothing outside the session
        holds it (an array an update just made), so a later update may write into it."""
        self.variables[var_op] = value
        if owned:
            self.owned[var_op] = value
        else:
            self.owned.pop(var_op, None)

    def writable(self, var_op):
        """The variable's array if an update may write into it in place, else None."""
        value = self.owned.get(var_op)
        if value is not None and value is self.variables.get(var_op) \
                and type(value) is np.ndarray:
            return value
        return None

    def expose(self, var_op):
        """Someone outside the session (a run trace) keeps the variable's array now."""
        self.owned.pop(var_op, None)

    def uninitialized(self, var_op):
        return errors.FailedPreconditionError(
            var_op.name, var_op,
            "Attempting to use uninitialized value %s\n  [[node %s]]\n  Run "
            "sess.run(tf.global_variables_initializer()) (or this variable's initializer) first. "
            "If you did: that op initializes only the variables that existed when it was "
            "created, so create it after every variable (also after optimizer.minimize(), "
            "which adds slot variables)."
            % (var_op.name, _where(var_op)))

    def missing_feed(self, op):
        shape = op.attrs["shape"]
        return errors.InvalidArgumentError(
            op.name, op,
            "You must feed a value for placeholder tensor '%s' with dtype %s%s\n  [[node %s]]"
            % (op.name, op.attrs["dtype"].name,
               "" if shape.ndims is None else " and shape %s" % shape.bracketed(), _where(op)))

    def rng(self, op):
        gen = self.rngs.get(op)
        if gen is None:
            seed, seed2 = op.attrs["seed"], op.attrs["seed2"]
            gen = np.random.default_rng(None if seed is None else [seed, seed2])
            self.rngs[op] = gen
        return gen


# ------------------------------------------------------------------------------------------
# Fetch structures: any nest of lists, tuples, namedtuples and dicts of graph elements
# ------------------------------------------------------------------------------------------

def _is_leaf(f):
    return isinstance(f, (Tensor, Operation, str)) or hasattr(f, "_as_graph_tensor")


def _flatten(fetches, flat):
    """Append the leaves of ``fetches`` to ``flat``; return a function rebuilding the nest."""
    if _is_leaf(fetches):
        i = len(flat)
        flat.append(fetches)
        return lambda values: values[i]
    if fetches is None:
        raise TypeError("Fetch argument None has invalid type <class 'NoneType'>")
    if isinstance(fetches, dict):
        parts = [(k, _flatten(v, flat)) for k, v in fetches.items()]
        kind = type(fetches)
        return lambda values: kind((k, p(values)) for k, p in parts)
    if isinstance(fetches, (list, tuple)):
        parts = [_flatten(v, flat) for v in fetches]
        if isinstance(fetches, tuple) and hasattr(fetches, "_fields"):  # a namedtuple
            kind = type(fetches)
            return lambda values: kind(*[p(values) for p in parts])
        kind = type(fetches)
        return lambda values: kind([p(values) for p in parts])
    raise TypeError("Fetch argument %r has invalid type %s, must be a string or Tensor. (Can "
                    "not convert a %s into a Tensor or Operation.)"
                    % (fetches, type(fetches), type(fetches).__name__))


# ------------------------------------------------------------------------------------------
# The execution plan
# ------------------------------------------------------------------------------------------

class _Plan:
    """Everything about a run that depends only on (fetches, feeds), built once.

    ``all_steps`` is the flat list ``(kernel, input slots, output slot, op)`` of every op
    in order (the traced path); ``template`` is the initial slot list with the constants in
    place. ``fast`` is the rewritten fast path (a :class:`minigraph.rewrite.FastPath`),
    with its own steps, template and fetch slots.
    """

    #: after this many runs of one plan that reaches no update op while the graph has some,
    #: warn once that this looks like a training loop that forgot its update
    LOOP_RUNS = 3

    def __init__(self, session, targets, feed_tensors):
        __tracebackhide__ = True  # IPython and pytest show the user's line, not ours
        state = session._state
        self.targets = targets
        self.feed_tensors = feed_tensors
        given = set(feed_tensors)
        # a fetched tensor that is also fed is simply the fed value: its op need not run
        target_ops = [t if isinstance(t, Operation) else t.op for t in targets
                      if t not in given]
        order = _reads_before_writes(toposort(target_ops, given))
        self.order = order
        everything = toposort(target_ops)  # as if nothing were fed
        self.cut = [op for op in everything if any(t in given for t in op.outputs)]

        reached = set(everything)
        for t in feed_tensors:
            message = hygiene.stale_feed_message(t, reached, session.graph)
            if message:
                raise errors.InvalidArgumentError(t.op.name, t.op, message)
        for op in order:
            if op.type == "Placeholder":
                raise with_path(state.missing_feed(op), targets, order)

        # slots: fed tensors first, then every output of every op in order
        slot = {t: i for i, t in enumerate(feed_tensors)}
        for op in order:
            for t in op.outputs:
                if t not in given:
                    slot[t] = len(slot)
        self.n_slots = len(slot)
        self.slot = slot

        # the traced path: every op as drawn, in order, each value kept in its own slot
        self.template = [None] * self.n_slots
        self.all_steps = []
        for op in order:
            kernel = op.opdef.make_kernel(op, state)
            ins = tuple(slot[t] for t in op.inputs)
            outs = tuple(slot[t] for t in op.outputs if t not in given)
            if len(outs) < len(op.outputs) and len(op.outputs) > 1:
                kernel = _dropping_fed_outputs(kernel, [t not in given for t in op.outputs])
            self.all_steps.append((kernel, ins, outs[0] if len(outs) == 1 else (outs or None),
                                   op))
            if op.type == "Const":
                self.template[outs[0]] = op.attrs["value"]
        self.fetch_slots = [slot[t] if isinstance(t, Tensor) else None for t in targets]
        # the fast path: the same ops after Grappler-style rewrites (minigraph.rewrite)
        self.fast = rewrite.optimize(self.all_steps, self.template, len(feed_tensors),
                                     self.fetch_slots, state, *session._rewrites)
        self.fetch_copy = rewrite.fetch_copies(self.all_steps, self.template,
                                               len(feed_tensors), self.fetch_slots)
        self.feed_specs = [(t, t.dtype.as_numpy_dtype, t.shape) for t in feed_tensors]
        self.runs = 0
        self.has_updates, self.loop_warning = lint.loop_warning(
            order, session.graph, [getattr(t, "name", str(t)) for t in targets])

    # -- running ----------------------------------------------------------------------------
    def feed(self, values, template=None):
        """The slot list of a new run: the template (constants) with the fed values first,
        converted to their placeholders' dtypes and checked against their shapes."""
        __tracebackhide__ = True  # IPython and pytest show the user's line, not ours
        slots = list(self.template if template is None else template)
        for i, ((t, np_dtype, static), value) in enumerate(zip(self.feed_specs, values)):
            slots[i] = _convert_feed(t, np_dtype, static, value)
        return slots

    def execute(self, values):
        """The fast path: run the rewritten steps, nothing recorded; return the fetched
        values in a flat list."""
        __tracebackhide__ = True  # IPython and pytest show the user's line, not ours
        fast = self.fast
        slots = self.feed(values, fast.template)
        step = None
        try:
            for step in fast.steps:
                fn, ins, out, _, frees = step
                n = len(ins)  # most ops take one or two inputs: call them without a list
                if n == 2:
                    value = fn(slots[ins[0]], slots[ins[1]])
                elif n == 1:
                    value = fn(slots[ins[0]])
                elif n == 0:
                    value = fn()
                else:
                    value = fn(*[slots[i] for i in ins])
                if type(out) is int:
                    slots[out] = value
                elif out is not None:
                    for o, v in zip(out, value):
                        slots[o] = v
                for i in frees:  # drop values no later step needs: peak memory stays low
                    slots[i] = None
        except Exception as e:
            if isinstance(e, rewrite.KernelFailure):  # an op absorbed by a fused step failed
                op, args, cause = e.op, e.values, e.__cause__
            else:
                op, args, cause = step[3], [slots[i] for i in step[1]], e
            self._raise(op, cause, args)
        return _fetched(slots, fast.fetch_slots, fast.fetch_copy)

    def execute_steps(self, slots, state):
        """The traced path: every op as drawn, a generator yielding a :class:`Step` after
        each op."""
        for index, (fn, ins, out, op) in enumerate(self.all_steps):
            args = [slots[i] for i in ins]
            kind = op.opdef.kind
            if kind == "variable" or kind == "assign":
                # the trace keeps this variable's array: no later run may update it in place
                state.expose(op if kind == "variable" else op.attrs["variable"])
            start = time.perf_counter()
            try:
                result = fn(*args)
            except Exception as e:
                self._raise(op, e, args)
            seconds = time.perf_counter() - start
            if type(out) is int:
                slots[out] = result
            elif out is not None:
                for o, v in zip(out, result):
                    slots[o] = v
            yield Step(index, op, args, result if op.outputs else None, seconds)

    def _raise(self, op, exc, args):
        """Raise the TF error for ``exc``, raised by ``op``'s kernel on ``args``, with the
        dependency path; the kernel's own exception is its cause, unless it was the TF
        error itself (then there is no cause to show: IPython would print it twice)."""
        __tracebackhide__ = True  # IPython and pytest show the user's line, not ours
        error = with_path(_runtime_error(op, exc, args), self.targets, self.order)
        raise error from (None if error is exc else exc)

    def fetched(self, slots):
        """The fetched values of a traced run, in a flat list."""
        return _fetched(slots, self.fetch_slots, self.fetch_copy)


def _fetched(slots, fetch_slots, fetch_copy):
    out = []
    for s, copy in zip(fetch_slots, fetch_copy):
        if s is None:
            out.append(None)
            continue
        v = slots[s]
        if type(v) is np.ndarray:
            if v.ndim == 0:
                v = v[()]  # scalars come back as numpy scalars (np.float32), as in TF
            elif copy or not v.flags.writeable:
                v = np.array(v)  # the user gets their own array, never the session's
        out.append(v)
    return out


def _reads_before_writes(order):
    """Move each variable read ahead of the run's first update of that variable.

    So a run sees every variable as it was when the run started: in
    ``sess.run([updates, loss])`` the loss is computed from the old weights whatever the
    fetch order. (A read has no inputs, so moving it earlier keeps the order valid.)
    Initializers do not count as updates: a variable initialized in this run is read after.
    """
    first_update = {}
    for index, op in enumerate(order):
        if op.opdef.kind == "assign" and not lint.is_initializer(op):
            first_update.setdefault(op.attrs["variable"], index)
    move = {op: first_update[op] for index, op in enumerate(order)
            if op.type == "VariableV2" and not op.control_inputs
            and first_update.get(op, index) < index}
    if not move:
        return order
    before = {}
    for op, index in move.items():
        before.setdefault(index, []).append(op)
    out = []
    for index, op in enumerate(order):
        out.extend(before.get(index, ()))
        if op not in move:
            out.append(op)
    return out


def _dropping_fed_outputs(kernel, keep):
    """A multi-output kernel that returns only the outputs that are not fed."""
    def kept(*args):
        return tuple(v for v, k in zip(kernel(*args), keep) if k)
    return kept


def _convert_feed(t, np_dtype, static, value):
    if isinstance(value, (Tensor, Operation)) or hasattr(value, "_as_graph_tensor"):
        raise TypeError("The value of a feed cannot be a tf.Tensor object (%s was fed with %s). "
                        "Acceptable feed values include Python scalars, strings, lists and "
                        "numpy ndarrays." % (t.name, value))
    try:
        arr = np.asarray(value, dtype=np_dtype)
    except (TypeError, ValueError) as e:
        raise ValueError("Cannot feed a value of type %s for Tensor %r of dtype %s: %s\n  The "
                         "placeholder was created at %s"
                         % (type(value).__name__, t.name, t.dtype.name, e,
                            t.op.site.with_source())) from None
    if static.ndims is not None and not static.is_compatible_with(arr.shape):
        raise ValueError("Cannot feed value of shape %s for Tensor %r, which has shape %r\n  "
                         "The placeholder was created at %s"
                         % (arr.shape, t.name, str(static), t.op.site.with_source()))
    return arr


def dependency_path(targets, failing, order):
    """The shortest chain fetch <- ... <- ``failing`` through the ops of one run."""
    allowed = set(order)
    parent = {}
    queue = []
    for t in targets:
        op = t.op if isinstance(t, Tensor) else t
        if op not in parent:
            parent[op] = None
            queue.append(op)
    for op in queue:  # breadth first: the queue grows while we walk it
        if op is failing:
            path = []
            while op is not None:
                path.append(op)
                op = parent[op]
            return path[::-1]
        for dep in [t.op for t in op.inputs] + list(op.control_inputs):
            if dep in allowed and dep not in parent:
                parent[dep] = op
                queue.append(dep)
    return [failing]


def format_path(path, max_groups=8):
    """``loss <- Mean <- Sum <- x (placeholder)`` plus one line per creating line of code."""
    def short(op):
        kind = op.opdef.kind
        return op.name + (" (%s)" % kind if kind in ("placeholder", "variable") else "")
    chain = " <- ".join(short(op) for op in path)
    groups = []  # consecutive ops made by the same line are one group
    for op in path:
        if groups and groups[-1][0].key() == op.site.key():
            groups[-1][1].append(op.name)
        else:
            groups.append((op.site, [op.name]))
    if len(groups) > max_groups:
        k = max_groups // 2
        hidden = sum(len(names) for _, names in groups[k:-k])
        groups = groups[:k] + [(None, ["... %d more ops" % hidden])] + groups[-k:]
    lines = ["  dependency path (fetch <- ... <- failing op): " + chain]
    for site, names in groups:
        if site is None:
            lines.append("      " + names[0])
        else:
            lines.append("      %-28s made at %s" % (" <- ".join(names), site.with_source()))
    return "\n".join(lines)


def with_path(error, targets, order):
    """Add to an OpError the path from a fetch to the op that failed (``error.path``)."""
    if error.op is None or getattr(error, "path", None):
        return error
    error.path = dependency_path(targets, error.op, order)
    if len(error.path) > 1:
        error.message = error.message + "\n" + format_path(error.path)
        error.args = (error.message,)
    return error


def _runtime_error(op, exc, args):
    """Turn an exception from inside a kernel into a TF error naming the op and its inputs."""
    if isinstance(exc, errors.OpError):
        return exc
    cls = errors.InvalidArgumentError
    if isinstance(exc, MemoryError):
        cls = errors.ResourceExhaustedError
    elif not isinstance(exc, (ValueError, IndexError, TypeError, KeyError, FloatingPointError,
                              ArithmeticError)):
        cls = errors.InternalError
    inputs = ", ".join("%s %s %s" % (t.name, t.dtype.name, tuple(np.shape(a)))
                       for t, a in zip(op.inputs, args)) or "none"
    msg = ("Op '%s' (%s) failed: %s\n  inputs: %s\n  [[node %s]]"
           % (op.name, op.type, exc, inputs, _where(op)))
    return cls(op.name, op, msg)


# ------------------------------------------------------------------------------------------
# Session
# ------------------------------------------------------------------------------------------

class Session:
    """A place to run a graph (``tf.Session``); it holds the values of the variables.

    Use it as a context manager: ``with tf.Session() as sess: sess.run(loss, feed_dict)``.
    Two sessions on one graph hold separate variable values.

    Args:
      target: TF1's execution engine address; minigraph runs in this process and ignores it.
      graph: the graph to run (default: the default graph).
      config: a ``tf.ConfigProto``; its ``graph_options.optimizer_options`` decide the plan
        rewrites (``opt_level=OptimizerOptions.L0``: none, every op runs as drawn). See
        :mod:`minigraph.config` and :mod:`minigraph.rewrite`.
    """

    def __init__(self, target="", graph=None, config=None):
        self.graph = graph if graph is not None else get_default_graph()
        self._rewrites = config_lib.rewrites(config)  # (fold constants, other rewrites)
        self.config = config
        self._state = _State()
        self._plans = {}
        self._closed = False
        self._context = []
        self._growth = hygiene.GrowthTracker(self.graph)
        self._ran_updates = False  # has any run of this session executed an update op?

    # -- lifecycle ----------------------------------------------------------------------------
    def close(self):
        """Free the session's variables. Running a closed session is an error."""
        self._closed = True
        self._state = _State()
        self._plans.clear()

    @property
    def closed(self):
        return self._closed

    def as_default(self):
        """A context manager making this the session ``Tensor.eval()`` uses."""
        return _DefaultSession(self)

    def __enter__(self):
        graph_ctx = self.graph.as_default()
        graph_ctx.__enter__()
        self._context.append(graph_ctx)
        _default_session_stack.append(self)
        return self

    def __exit__(self, exc_type, exc, tb):
        _remove_innermost(_default_session_stack, self)
        self._context.pop().__exit__(exc_type, exc, tb)
        self.close()
        return False

    # -- run ------------------------------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Compute ``fetches`` (a tensor, op, name, or a nest of lists/tuples/dicts of them).

        Only the ops the fetches need are executed, each once; fed tensors are not computed.
        Returns numpy values in the structure of ``fetches`` (``None`` for ops).

        Args:
          fetches: what to compute.
          feed_dict: ``{placeholder or tensor name: value}``; values are converted to the
            tensor's dtype and checked against its static shape.
          options, run_metadata: pass ``RunOptions(trace_level=RunOptions.FULL_TRACE)`` and a
            ``RunMetadata`` to get a :class:`~minigraph.trace.RunTrace` in
            ``run_metadata.trace``.
        """
        __tracebackhide__ = True  # IPython and pytest show the user's line, not ours
        plan, rebuild, feed_values = self._prepare(fetches, feed_dict)
        if options is not None and options.trace_level:
            stepped = _SteppedRun(self, plan, rebuild, feed_values, options.keep_values)
            for _ in stepped:
                pass
            if run_metadata is not None:
                run_metadata.trace = stepped.trace
            return stepped.results
        values = plan.execute(feed_values)
        if plan.loop_warning is not None and not self._ran_updates:
            plan.runs += 1
            if plan.runs == plan.LOOP_RUNS:
                lint.warn(plan.loop_warning)
        elif plan.has_updates:
            self._ran_updates = True
        return rebuild(values)

    def run_steps(self, fetches, feed_dict=None, keep_values=True):
        """Run like ``run``, but as an iterator yielding a :class:`~minigraph.trace.Step`
        after each op. When exhausted, ``.results`` holds what ``run`` would have returned and
        ``.trace`` the run trace. This drives the step-through widgets."""
        plan, rebuild, feed_values = self._prepare(fetches, feed_dict)
        return _SteppedRun(self, plan, rebuild, feed_values, keep_values)

    def describe_plan(self, fetches, feed_dict=None):
        """What ``run(fetches, feed_dict)`` executes on its fast path, as a few lines: the
        ops folded into constants once, forwarded, given cheaper kernels, fused and updating
        in place (see :mod:`minigraph.rewrite`). Nothing runs; the plan is built and cached
        as ``run`` would. The values of ``feed_dict`` are not looked at, only its keys."""
        return self.fast_path(fetches, feed_dict).summary()

    def fast_path(self, fetches, feed_dict=None):
        """The :class:`~minigraph.rewrite.FastPath` of ``run(fetches, feed_dict)``: its
        lists of rewritten ops, and ``.role(op)``, what an untraced run does with an op.
        Nothing runs; only the keys of ``feed_dict`` matter."""
        plan, _, _ = self._prepare(fetches, feed_dict)
        return plan.fast

    def _prepare(self, fetches, feed_dict):
        __tracebackhide__ = True  # IPython and pytest show the user's line, not ours
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        self._growth.check()
        feed_keys = tuple(feed_dict) if feed_dict else ()
        if _is_leaf(fetches):
            key = fetches
            rebuild = _first
        elif type(fetches) in (list, tuple) and all(_is_leaf(f) for f in fetches):
            key = (type(fetches), tuple(fetches))
            rebuild = list if type(fetches) is list else tuple
        else:
            flat = []
            rebuild = _flatten(fetches, flat)
            key = ("nest", tuple(flat))
        plan = self._plans.get((key, feed_keys))
        if plan is None:  # not inside an `except KeyError`: errors here must read cleanly
            plan = self._build_plan(fetches, feed_keys)
            self._plans[key, feed_keys] = plan
        feed_values = [feed_dict[k] for k in feed_keys] if feed_keys else ()
        return plan, rebuild, feed_values

    def _build_plan(self, fetches, feed_keys):
        __tracebackhide__ = True  # IPython and pytest show the user's line, not ours
        flat = []
        _flatten(fetches, flat)
        targets = []
        for f in flat:
            try:
                targets.append(self.graph.as_graph_element(f))
            except (KeyError, ValueError) as e:
                raise type(e)("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                              % (f, e.args[0] if e.args else e)) from None
        feed_tensors = []
        for k in feed_keys:
            try:
                t = self.graph.as_graph_element(k, allow_operation=False)
            except (KeyError, ValueError, TypeError) as e:
                raise TypeError("Cannot interpret feed_dict key %r as a Tensor: %s"
                                % (k, e.args[0] if e.args else e)) from None
            if not isinstance(t, Tensor):
                raise TypeError("Cannot interpret feed_dict key %r as a Tensor" % (k,))
            if t in feed_tensors:
                raise ValueError("%s is fed twice in feed_dict" % t.name)
            feed_tensors.append(t)
        return _Plan(self, targets, feed_tensors)

    def __repr__(self):
        return "<tf.Session%s on %r>" % (" (closed)" if self._closed else "", self.graph)


def _first(values):
    return values[0]


class _SteppedRun:
    """An iterator over the steps of one run; ``results`` and ``trace`` are set at the end."""

    def __init__(self, session, plan, rebuild, feed_values, keep_values):
        self.results = None
        self.done = False
        self._rebuild = rebuild
        self._plan = plan
        self._start = time.perf_counter()
        slots = plan.feed(feed_values)
        fetch_names = [getattr(t, "name", str(t)) for t in plan.targets]
        self.trace = RunTrace(session.graph, fetch_names, plan.feed_tensors, plan.cut)
        self.trace.bytes_fed = sum(int(np.asarray(slots[i]).nbytes)
                                   for i in range(len(plan.feed_tensors)))
        if keep_values:
            for t, i in zip(plan.feed_tensors, range(len(plan.feed_tensors))):
                self.trace.values[t.name] = slots[i]
        self._keep = keep_values
        self._slots = slots
        self._steps = plan.execute_steps(slots, session._state)

    def __iter__(self):
        return self

    def __next__(self):
        try:
            step = next(self._steps)
        except StopIteration:
            self._finish()
            raise
        trace = self.trace
        trace.executed.append(step.op)
        trace.seconds[step.op.name] = step.seconds
        if self._keep:
            for t in step.op.outputs:
                if t in self._plan.slot:
                    trace.values[t.name] = self._slots[self._plan.slot[t]]
        return step

    def _finish(self):
        if self.done:
            return
        self.done = True
        plan, trace = self._plan, self.trace
        values = plan.fetched(self._slots)
        trace.bytes_fetched = sum(int(np.asarray(v).nbytes) for v in values if v is not None)
        trace.total_seconds = time.perf_counter() - self._start
        trace.finish()
        self.results = self._rebuild(values)


class _DefaultSession:
    def __init__(self, session):
        self.session = session

    def __enter__(self):
        _default_session_stack.append(self.session)
        return self.session

    def __exit__(self, *exc):
        _remove_innermost(_default_session_stack, self.session)
        return False


class InteractiveSession(Session):
    """A Session that makes itself the default on creation, for notebooks and shells
    (``tf.InteractiveSession``): ``t.eval()`` works without a ``with`` block."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        _default_session_stack.append(self)

    def close(self):
        _remove_innermost(_default_session_stack, self)
        super().close()
