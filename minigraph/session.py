"""``Session.run``: an interpreter for the graph.

Read it in this order: :meth:`Session.run` finds (or makes, once per fetches-and-feeds
signature) a *plan* (:mod:`minigraph.plan`): the ops the fetches need, each as a step
``outputs = kernel(*inputs)``. :func:`execute` runs the plan: one loop over an *environment*,
a dict from tensor to value that starts with the constants and the fed values, and ends with
the fetched ones. That is all a run is.

An untraced run executes a cheaper plan (:mod:`minigraph.rewrite`: constants folded once, no
step for ``Identity``, cheaper kernels), with the same values bit for bit; a traced run
executes the plan as drawn, recording each step (:mod:`minigraph.trace`). Values never live
on graph nodes: the only state a session keeps between runs is its variables' values, its
random generators, its iterators' positions and its lookup tables (:class:`_State`).
"""

import time

import numpy as np

from minigraph import dataflow, hygiene, lint, rewrite
from minigraph.graph import Operation, Tensor, get_default_graph
from minigraph.plan import compile_plan
from minigraph.run_errors import run_error
from minigraph.trace import RunTrace, Step

__all__ = ["Session", "InteractiveSession", "get_default_session", "session_for", "execute",
           "read", "write", "has_value"]

_default_session_stack = []


def get_default_session():
    """The innermost session entered with ``with sess:`` / ``sess.as_default()``, or None."""
    return _default_session_stack[-1] if _default_session_stack else None


def session_for(session, graph):
    """``session``, else the default session, checked to run ``graph`` (for ``t.eval()``)."""
    session = session or get_default_session()
    if session is None:
        raise ValueError("Cannot evaluate tensor using `eval()`: No default session is "
                         "registered. Use `with sess.as_default():` or pass an explicit "
                         "session to `eval(session=sess)`")
    if session.graph is not graph:
        raise ValueError("Cannot use the given session to evaluate tensor: the tensor's graph "
                         "is different from the session's graph.")
    return session


def has_value(session, var_op):
    """True if the variable ``var_op`` has a value in ``session`` (initialized or loaded)."""
    return var_op in session._state.variables


def _remove_innermost(stack, item):
    """Remove the last occurrence of ``item`` (a ``with`` block may re-enter an outer one)."""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] is item:
            del stack[i]
            return


class _State:
    """What a session keeps between runs: the variables' values, the random generators, the
    iterators' positions and the lookup tables' contents. The kernels of ``VariableV2``, the
    ``Assign`` family, the random ops, the iterator ops (:mod:`minigraph.ops.data_ops`) and
    the table ops (:mod:`minigraph.ops.lookup_ops`) use it."""

    def __init__(self):
        self.variables = {}   # VariableV2 op -> its array
        self.rngs = {}        # random op -> its np.random.Generator
        self.iterators = {}   # iterator op (IteratorV2, OneShotIterator) -> where it is in
        #                       its dataset, set by MakeIterator, advanced by IteratorGetNext
        self.tables = {}      # table op (HashTableV2) -> its dict, filled once by
        #                       LookupTableImportV2 (tf.tables_initializer), read by
        #                       LookupTableFindV2

    def rng(self, op):
        """The generator of random op ``op``: made on first use from the op's seeds."""
        gen = self.rngs.get(op)
        if gen is None:
            seed, seed2 = op.attrs["seed"], op.attrs["seed2"]
            gen = np.random.default_rng(None if seed is None else [seed, seed2])
            self.rngs[op] = gen
        return gen


# ------------------------------------------------------------------------------------------
# The interpreter
# ------------------------------------------------------------------------------------------

def execute(plan, env):
    """Run ``plan`` over ``env``, the environment (tensor -> value): the interpreter's loop.

    For each step: read its inputs, call its kernel, write what it returns to its outputs,
    then forget the values no later step reads. A generator: it yields each step once it has
    run, with its inputs and outputs still in ``env``, so that a traced run can record it and
    the stepper can pause there; an untraced run just drains it.
    """
    __tracebackhide__ = True
    if plan.flow is not None:   # tf.cond / tf.while_loop: dead values and loops
        yield from dataflow.execute(plan, env)
        return
    for step in plan.steps:
        inputs = read(env, step.inputs)
        try:
            output = step.kernel(*inputs)
        except Exception as e:
            error = run_error(e, step.op, inputs, plan.targets, plan.ops)
            # the kernel's exception is the error's cause, unless it was the TF error itself
            # (an uninitialized variable): IPython would show that one twice
            raise error from (None if error is e else e)
        write(env, step.outputs, output)
        del inputs, output   # keep no array alive past its last use: memory is reused hot
        yield step
        for t in step.frees:
            del env[t]


def read(env, tensors):
    """The values of ``tensors`` in the environment."""
    return [env[t] for t in tensors]


def write(env, outputs, value):
    """Store a kernel's result: the value of its one output, or one value per output."""
    if len(outputs) == 1:
        env[outputs[0]] = value
    elif outputs:
        for t, v in zip(outputs, value):
            if t is not None:  # a fed output: the fed value stays
                env[t] = v


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


def _first(values):
    return values[0]


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
        self.config = config
        self._rewrites = rewrite.passes_for(config)  # which plan rewrites untraced runs use
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
            ``RunMetadata`` to record the run: ``trace.of(run_metadata)`` is then its
            :class:`~minigraph.trace.RunTrace`.
        """
        __tracebackhide__ = True
        entry, rebuild, feed_values = self._prepare(fetches, feed_dict)
        if options is not None and options.trace_level:
            stepped = _SteppedRun(self, entry.drawn, rebuild, feed_values,
                                  getattr(options, "_keep_values", False))
            for _ in stepped:
                pass
            if run_metadata is not None:
                run_metadata._trace = stepped.trace
            return stepped.results
        plan = entry.fast
        env = plan.start(feed_values)
        for _ in execute(plan, env):
            pass
        warning = entry.count_run(self)
        if warning is not None:
            lint.warn(warning)
        return rebuild(plan.results(env))

    def _run_steps(self, fetches, feed_dict, keep_values):
        """See :func:`minigraph.trace.run_steps` (minigraph's own, not a TF1 method)."""
        __tracebackhide__ = True
        entry, rebuild, feed_values = self._prepare(fetches, feed_dict)
        return _SteppedRun(self, entry.drawn, rebuild, feed_values, keep_values)

    def _fast_path(self, fetches, feed_dict):
        """See :func:`minigraph.trace.fast_path` (minigraph's own, not a TF1 method)."""
        entry, _, _ = self._prepare(fetches, feed_dict)
        return entry.fast.rewrites

    def _prepare(self, fetches, feed_dict):
        """The cached plans of this signature, the function rebuilding the fetches' nest,
        and the fed values in the plans' order."""
        __tracebackhide__ = True
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
        entry = self._plans.get((key, feed_keys))
        if entry is None:  # not inside an `except KeyError`: errors here must read cleanly
            entry = self._plans[key, feed_keys] = self._compile(fetches, feed_keys)
        feed_values = [feed_dict[k] for k in feed_keys] if feed_keys else ()
        return entry, rebuild, feed_values

    def _compile(self, fetches, feed_keys):
        __tracebackhide__ = True
        flat = []
        _flatten(fetches, flat)
        targets = []
        for f in flat:
            try:
                targets.append(self.graph.as_graph_element(f))
            except (KeyError, ValueError) as e:
                raise type(e)("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                              % (f, e.args[0] if e.args else e)) from None
        feeds = []
        for k in feed_keys:
            try:
                t = self.graph.as_graph_element(k, allow_operation=False)
            except (KeyError, ValueError, TypeError) as e:
                raise TypeError("Cannot interpret feed_dict key %r as a Tensor: %s"
                                % (k, e.args[0] if e.args else e)) from None
            if not isinstance(t, Tensor):
                raise TypeError("Cannot interpret feed_dict key %r as a Tensor" % (k,))
            if t in feeds:
                raise ValueError("%s is fed twice in feed_dict" % t.name)
            if not self.graph.is_feedable(t):   # inside a while loop (TF1's message)
                raise ValueError("Tensor %s may not be fed." % t)
            feeds.append(t)
        drawn = compile_plan(self.graph, targets, feeds, self._state)
        return _Entry(self, drawn)

    def __repr__(self):
        return "<tf.Session%s on %r>" % (" (closed)" if self._closed else "", self.graph)


class _Entry:
    """One cached signature: the plan as drawn, the rewritten plan (made at its first use)
    and the dead-update lint's count of untraced runs."""

    #: after this many runs of one plan that reaches no update op while the graph has some,
    #: warn once that this looks like a training loop that forgot its update
    LOOP_RUNS = 3

    def __init__(self, session, drawn):
        self.drawn = drawn
        self._fast = None
        self._session = session
        self.runs = 0
        self.has_updates, self.loop_warning = lint.loop_warning(
            drawn.ops, session.graph, [getattr(t, "name", str(t)) for t in drawn.targets])

    @property
    def fast(self):
        """The plan an untraced run executes (:func:`minigraph.rewrite.optimize`)."""
        if self._fast is None:
            session = self._session
            self._fast = rewrite.optimize(self.drawn, session._state, session._rewrites)
        return self._fast

    def count_run(self, session):
        """Count an untraced run for the dead-update lint (a training loop fetching only its
        loss): the warning to give, once, when it looks like one, else None."""
        if self.loop_warning is not None and not session._ran_updates:
            self.runs += 1
            if self.runs == self.LOOP_RUNS:
                return self.loop_warning
        elif self.has_updates:
            session._ran_updates = True
        return None


class _SteppedRun:
    """A traced run of ``plan`` (as drawn), as an iterator over its steps: it yields a
    :class:`~minigraph.trace.Step` after each op; ``results`` and ``trace`` are set at the
    end."""

    def __init__(self, session, plan, rebuild, feed_values, keep_values):
        self.results = None
        self.done = False
        self._rebuild = rebuild
        self._plan = plan
        self._keep = keep_values
        self._start = time.perf_counter()
        self._env = plan.start(feed_values)
        fetch_names = [getattr(t, "name", str(t)) for t in plan.targets]
        self.trace = RunTrace(session.graph, fetch_names, plan.feeds, plan.cut)
        self.trace.bytes_fed = sum(int(np.asarray(self._env[t]).nbytes) for t in plan.feeds)
        if keep_values:
            for t in plan.feeds:
                self.trace.values[t.name] = self._env[t]
        self._steps = execute(plan, self._env)
        self._index = 0

    def __iter__(self):
        return self

    def __next__(self):
        start = time.perf_counter()
        try:
            step = next(self._steps)
            while type(step) is dataflow.Dead:   # it did not run: a branch not taken
                self.trace.note_dead(step.op)
                start = time.perf_counter()
                step = next(self._steps)
        except StopIteration:
            self._finish()
            raise
        seconds = time.perf_counter() - start
        op, env = step.op, self._env
        inputs = [env[t] for t in step.inputs]
        outputs = [env.get(t) for t in op.outputs]  # a fed output: the fed value
        trace = self.trace
        trace.executed.append(op)
        trace.seconds[op.name] = trace.seconds.get(op.name, 0.0) + seconds  # loops: summed
        if self._keep:
            for t in step.outputs:
                if t is not None and type(t) is Tensor and env[t] is not dataflow.DEAD:
                    trace.values[t.name] = env[t]
        if step.flow is not None:   # a Switch's dead output shows as None
            outputs = [None if v is dataflow.DEAD else v for v in outputs]
            inputs = [None if v is dataflow.NOT_YET else v for v in inputs]
            trace.note_control_flow(op, outputs)   # which branch, one more iteration
        output = outputs[0] if len(outputs) == 1 else (tuple(outputs) if outputs else None)
        record = Step(self._index, op, inputs, output, seconds)
        self._index += 1
        return record

    def _finish(self):
        if self.done:
            return
        self.done = True
        values = self._plan.results(self._env)
        trace = self.trace
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
