"""The run trace: one small record of what one ``Session.run`` did.

This module is one of minigraph's own tools, not part of TF1's API (``tf.`` lines are TF1;
``from minigraph import trace`` lines are this course's). Get a trace three ways:

- ``results, tr = trace.traced_run(sess, fetches, feed_dict, keep_values=True)``;
- TF1's own form, ``md = tf.RunMetadata(); sess.run(fetches, options=tf.RunOptions(
  trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)``, then ``trace.of(md)``;
- ``trace.run_steps(sess, fetches, feed_dict)``, an iterator stepping through a run op by op.

``trace.describe_plan(sess, fetches)`` says what an untraced run of the same fetches executes
instead (minigraph's plan rewrites). The drawings, the widgets, the lessons and the
benchmarks all read this one record; nothing else hooks into the session.
"""

from minigraph.lint import fetch_ops
from minigraph.ops.state_ops import written_variables
from minigraph.topo import toposort

__all__ = ["RunOptions", "RunMetadata", "RunTrace", "Step", "format_bytes", "traced_run", "of",
           "run_steps", "describe_plan", "fast_path"]


class RunOptions:
    """Options for one ``Session.run`` (``tf.RunOptions``), with TF1's fields.

    Args:
      trace_level: ``NO_TRACE`` (the default: nothing recorded, nothing slowed) or
        ``FULL_TRACE`` (record the run: :func:`of` gets the trace from the ``RunMetadata``).
      timeout_in_ms, inter_op_thread_pool, output_partition_graphs,
      report_tensor_allocations_upon_oom, debug_options, experimental: TF1's other fields,
        accepted and kept; they change nothing on one CPU thread.
    """

    NO_TRACE = 0
    SOFTWARE_TRACE = 1
    HARDWARE_TRACE = 2
    FULL_TRACE = 3

    def __init__(self, trace_level=NO_TRACE, timeout_in_ms=0, inter_op_thread_pool=0,
                 output_partition_graphs=False, debug_options=None,
                 report_tensor_allocations_upon_oom=False, experimental=None):
        self.trace_level = trace_level
        self.timeout_in_ms = timeout_in_ms
        self.inter_op_thread_pool = inter_op_thread_pool
        self.output_partition_graphs = output_partition_graphs
        self.debug_options = debug_options
        self.report_tensor_allocations_upon_oom = report_tensor_allocations_upon_oom
        self.experimental = experimental
        self._keep_values = False   # set by traced_run / run_steps: not a TF1 field


class RunMetadata:
    """Filled in by ``Session.run`` when tracing (``tf.RunMetadata``); ``trace.of(md)``
    returns minigraph's record of the run (:class:`RunTrace`), which ``step_stats`` also
    holds where TF1 keeps its per-op timings."""

    def __init__(self):
        self._trace = None

    @property
    def step_stats(self):
        return self._trace


def of(run_metadata):
    """The :class:`RunTrace` a traced ``sess.run(..., options=tf.RunOptions(trace_level=
    tf.RunOptions.FULL_TRACE), run_metadata=run_metadata)`` recorded."""
    if not isinstance(run_metadata, RunMetadata):
        raise TypeError("trace.of takes a tf.RunMetadata, got %s" % type(run_metadata).__name__)
    if run_metadata._trace is None:
        raise ValueError("this RunMetadata holds no trace: pass it to sess.run together with "
                         "options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)")
    return run_metadata._trace


def traced_run(sess, fetches, feed_dict=None, keep_values=False):
    """Run ``fetches`` once in ``sess``, as ``sess.run`` would, and record the run:
    returns ``(results, run_trace)``. With ``keep_values``, the trace also keeps every value
    the run computed (``run_trace.values``: tensor name -> value), for drawings with values."""
    __tracebackhide__ = True
    options = RunOptions(trace_level=RunOptions.FULL_TRACE)
    options._keep_values = keep_values
    md = RunMetadata()
    results = sess.run(fetches, feed_dict=feed_dict, options=options, run_metadata=md)
    return results, md._trace


def run_steps(sess, fetches, feed_dict=None, keep_values=True):
    """Run ``fetches`` in ``sess`` as an iterator yielding a :class:`Step` after each op of
    the plan as drawn. When exhausted, ``.results`` holds what ``sess.run`` would have
    returned and ``.trace`` the run trace. This drives the step-through widgets."""
    __tracebackhide__ = True
    return sess._run_steps(fetches, feed_dict, keep_values)


def describe_plan(sess, fetches, feed_dict=None):
    """What an untraced ``sess.run(fetches, feed_dict)`` executes, as a few lines: the ops
    folded into constants once, forwarded, given cheaper kernels, storing their values
    without a copy (see :mod:`minigraph.rewrite`). Nothing runs; only the keys of
    ``feed_dict`` matter."""
    return fast_path(sess, fetches, feed_dict).summary()


def fast_path(sess, fetches, feed_dict=None):
    """The :class:`~minigraph.rewrite.Rewrites` of an untraced ``sess.run(fetches,
    feed_dict)``: its lists of rewritten ops, and ``.role(op)``, what the run does with an
    op. Nothing runs; only the keys of ``feed_dict`` matter."""
    return sess._fast_path(fetches, feed_dict)


class Step:
    """One executed op in a stepped run: the op, its input values and its output value."""

    __slots__ = ("index", "op", "inputs", "output", "seconds")

    def __init__(self, index, op, inputs, output, seconds):
        self.index = index
        self.op = op
        self.inputs = inputs
        self.output = output
        self.seconds = seconds

    @property
    def is_gradient(self):
        """True for ops that ``tf.gradients`` added (the backward pass)."""
        return self.op.gradient_of is not None

    def __repr__(self):
        return "<Step %d: %s (%s)>" % (self.index, self.op.name, self.op.type)


class RunTrace:
    """What one run executed, pruned, fed and fetched.

    Attributes:
      fetches: names of what was fetched.
      executed: Operations in the order they ran (each once, or once per iteration of a
        ``tf.while_loop`` body).
      dead: Operations a fetch needed that did not run because a value they need is dead:
        the ops of a ``tf.cond`` branch not taken, a loop body once its loop is done
        (:mod:`minigraph.dataflow`); in the order the run skipped them.
      branches: ``{cond name: "true" or "false"}``, the branch each ``tf.cond`` the run
        reached took (``"true, false"``... in order if a loop ran it several times).
      iterations: ``{while loop name: iterations}`` for each ``tf.while_loop`` the run ran.
      pruned: Operations of the graph that did not run, because no fetch needed them.
      cut: Operations that a fetch needed but that did not run because their outputs were fed.
      fed: the Tensors whose values came from ``feed_dict``.
      variables_read / variables_written: names of the variables read and assigned.
      bytes_fed / bytes_fetched: bytes that crossed the session boundary, in and out.
      seconds: op name -> seconds spent in that op.
      values: tensor name -> value, when run with ``keep_values``.
      total_seconds: wall time of the whole run.
    """

    def __init__(self, graph, fetches, fed, cut):
        self.graph = graph
        self.fetches = fetches
        self.fed = list(fed)
        self.executed = []
        self.dead = []
        self.branches = {}
        self.iterations = {}
        self._flow_events = []   # (index in executed, "cond" or "loop", name, value)
        self._dead_at = []       # per dead op: how many ops had executed before it
        self.cut = list(cut)
        self.pruned = []
        self.variables_read = []
        self.variables_written = []
        self.bytes_fed = 0
        self.bytes_fetched = 0
        self.seconds = {}
        self.values = {}
        self.total_seconds = 0.0

    def finish(self):
        """Derive the pruned ops and the variables touched, once ``executed`` is complete."""
        ran = set(self.executed)
        self.cut = [op for op in self.cut if op not in ran]
        skip = ran.union(self.cut, self.dead)
        self.pruned = [op for op in self.graph.get_operations() if op not in skip]
        self.branches, self.iterations = _control_flow_of(self._flow_events)
        # a variable is read by the ops that take its value (w/read), written by updates
        self.variables_read = list(dict.fromkeys(
            t.op.name for op in self.executed for i, t in enumerate(op.inputs)
            if t.op.type == "VariableV2" and i not in op.opdef.ref_inputs))
        self.variables_written = [v.name for op in self.executed
                                  for v in written_variables(op)]

    @classmethod
    def planned(cls, graph, fetches, fed=()):
        """The trace of a run that has not happened: what ``Session.run(fetches)`` with the
        tensors ``fed`` fed WOULD execute (the same rule Session.run follows), and what it
        would prune. Nothing runs, so there are no values, timings or bytes."""
        targets = fetch_ops(fetches, graph)
        given = set(fed)
        trace = cls(graph, [getattr(f, "name", str(f)) for f in _flat(fetches)], list(fed),
                    [op for op in toposort(targets) if any(t in given for t in op.outputs)])
        trace.executed = toposort(targets, given)
        trace.finish()
        return trace

    def until(self, index):
        """This trace cut after its ``index``-th executed op (a run stopped there): the
        executed ops so far and, if values were kept, only their values and the feeds'."""
        part = RunTrace(self.graph, self.fetches, self.fed, self.cut)
        part.executed = self.executed[:index + 1]
        part.dead = [op for op, at in zip(self.dead, self._dead_at) if at <= index + 1]
        part._dead_at = [at for at in self._dead_at if at <= index + 1]
        part._flow_events = [e for e in self._flow_events if e[0] <= index]
        known = {t.name for t in self.fed} | {t.name for op in part.executed for t in op.outputs}
        part.values = {k: v for k, v in self.values.items() if k in known}
        part.seconds = {op.name: self.seconds[op.name] for op in part.executed
                        if op.name in self.seconds}
        part.bytes_fed = self.bytes_fed
        part.finish()
        return part

    def note_dead(self, op):
        """Record that ``op`` did not run: a value it needs is dead."""
        self.dead.append(op)
        self._dead_at.append(len(self.executed))

    def note_control_flow(self, op, outputs):
        """Record what the control flow op ``op``, which just ran (the last of ``executed``),
        decided: a tf.cond's first Merge which branch was taken (``value_index``), a loop's
        LoopCond whether the loop runs once more."""
        index = len(self.executed) - 1
        if op.type == "LoopCond":
            name = op._control_flow_context.name.rpartition("/")[0]
            self._flow_events.append((index, "loop", name, bool(outputs[0])))
        elif op.type in ("Merge", "RefMerge") and outputs[1] is not None:
            context = op.inputs[0].op._control_flow_context
            merges = getattr(context, "merges", None)
            if merges and merges[0] is op.outputs[0]:
                self._flow_events.append((index, "cond", context.name,
                                          "true" if int(outputs[1]) == 1 else "false"))

    @property
    def executed_names(self):
        return [op.name for op in self.executed]

    @property
    def pruned_names(self):
        return [op.name for op in self.pruned]

    def ran(self, node):
        """True if ``node`` (an op, tensor, Variable or name) was executed in this run."""
        name = node if isinstance(node, str) else getattr(node, "name", None)
        op = getattr(node, "op", node)
        if not isinstance(node, str) and hasattr(op, "type"):
            name = op.name
        name = name.split(":")[0]
        return any(o.name == name for o in self.executed)

    def summary(self):
        """A few lines a student can read."""
        lines = ["fetched: %s" % ", ".join(self.fetches),
                 "fed: %s (%s)" % (", ".join(t.name for t in self.fed) or "nothing",
                                   format_bytes(self.bytes_fed)),
                 "executed %d ops, pruned %d, cut by feeds %d"
                 % (len(self.executed), len(self.pruned), len(self.cut))
                 + (", dead %d" % len(self.dead) if self.dead else ""),
                 "variables read: %s" % (", ".join(self.variables_read) or "none"),
                 "variables written: %s" % (", ".join(self.variables_written) or "none"),
                 "fetched out: %s" % format_bytes(self.bytes_fetched)]
        for name, taken in self.branches.items():
            lines.append("tf.cond %s: the %s branch ran" % (name, taken))
        for name, n in self.iterations.items():
            lines.append("tf.while_loop %s: %d iteration%s" % (name, n, "" if n == 1 else "s"))
        if self.dead:
            names = list(dict.fromkeys(op.name for op in self.dead))
            lines.append("dead (did not run: on a branch not taken, or a loop body after its "
                         "last iteration): %s" % (", ".join(names[:8])
                                                  + (", ..." if len(names) > 8 else "")))
        return "\n".join(lines)

    def __repr__(self):
        return "<RunTrace: %d executed, %d pruned, %s in, %s out>" % (
            len(self.executed), len(self.pruned), format_bytes(self.bytes_fed),
            format_bytes(self.bytes_fetched))


def _control_flow_of(events):
    """``branches`` and ``iterations`` from the run's control flow events: which way each
    cond's Merge went, and each loop's predicate at every check."""
    branches, iterations = {}, {}
    for _, kind, name, value in events:
        if kind == "cond":
            old = branches.get(name)
            branches[name] = value if old is None else old + ", " + value
        elif value:
            iterations[name] = iterations.get(name, 0) + 1
        else:
            iterations.setdefault(name, 0)
    return branches, iterations


def _flat(fetches):
    if isinstance(fetches, (list, tuple)):
        return [x for f in fetches for x in _flat(f)]
    return [fetches]


def format_bytes(n):
    """``n`` bytes as ``512 B``, ``500.0 KiB``, ``1.2 MiB``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1024.0
