""""Check yourself" helpers for the lessons' exercises.

Each check inspects the graph or a run trace, not only printed numbers, and either shows a
green line saying what is right or raises :class:`CheckFailed` (an ``AssertionError``, so
nbgrader counts the check cell as failed) whose message says what is wrong and gives a hint,
on two lines::

    CheckFailed: Not yet: these update ops would not run: w1/Assign
    Hint: fetch them (or a group of them) together with the loss

Lessons call them in the check cell after an exercise:

    from widgets.checks import check, update_is_reached
    check(update_is_reached([loss, train_op]), "your fetches run the update")
    check(answer == truth, "the graph has 3 ops", hint="it has 4 ops; count the constant too")
"""

import html

import numpy as np
from IPython.display import HTML, display

from minigraph.graph import GraphKeys, Tensor, get_default_graph
from minigraph.lint import dead_updates, fetches_graph
from minigraph.topo import ops_between, toposort
from minigraph.trace import RunTrace

from widgets._common import as_op

__all__ = ["check", "CheckFailed", "Verdict", "update_is_reached", "has_variables", "ran",
           "pruned", "op_types_between", "gradient_of"]

#: what a failed check says when neither the check nor the lesson gave anything better
DEFAULT_WHAT = "this check does not pass yet"
DEFAULT_HINT = "read the exercise again, change your answer above, run it, then run this check"


class CheckFailed(AssertionError):
    """A check that does not pass: ``what`` is wrong, and a ``hint`` at what to look at.

    Its message is two lines, ``Not yet: <what>`` and ``Hint: <hint>``; neither is ever
    empty."""

    def __init__(self, what=None, hint=None):
        self.what = (str(what).strip() if what is not None else "") or DEFAULT_WHAT
        self.hint = (str(hint).strip() if hint is not None else "") or DEFAULT_HINT
        super().__init__("Not yet: %s\nHint: %s" % (self.what, self.hint))


class Verdict:
    """The outcome of one check: ``ok``, a sentence for the student (what holds, or what is
    wrong) and, for a failure, optionally a ``hint`` at what to look at."""

    def __init__(self, ok, message, hint=None):
        self.ok = bool(ok)
        self.message = message
        self.hint = hint

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return "%s %s" % ("OK:" if self.ok else "Not yet:", self.message)


def check(verdict, success=None, hint=None):
    """Show a green "✓ <success>" if ``verdict`` holds, else raise :class:`CheckFailed`.

    ``verdict`` is a :class:`Verdict` or a plain bool:

    - a Verdict's message says what is wrong; the hint is ``hint``, else the Verdict's own;
    - for a bool, ``hint`` is ``"<what is wrong>; <hint>"``, split at its first ``"; "``
      (without one, it all says what is wrong).

    A generic sentence stands in for whatever is missing, so the message is never empty.
    """
    __tracebackhide__ = True    # IPython and pytest show the failure, not this frame
    if isinstance(verdict, Verdict):
        ok, what, tip = verdict.ok, verdict.message, hint or verdict.hint
    else:
        ok, what, tip = bool(verdict), hint, None
        if hint and "; " in hint:
            what, tip = hint.split("; ", 1)
    if not ok:
        raise CheckFailed(what, tip)
    text = success or (verdict.message if isinstance(verdict, Verdict) else None) or "right"
    display(HTML('<div style="color:#1e8449;font-weight:bold">&#10003; %s</div>'
                 % html.escape(text)))
    return verdict


def update_is_reached(fetches, feed_dict=None):
    """Every update op of the graph (assigns, ``UPDATE_OPS``) runs when ``fetches`` run."""
    dead = dead_updates(fetches, feed_dict=feed_dict)
    if dead:
        return Verdict(False, "these update ops would not run: %s"
                       % ", ".join(op.name for op in dead),
                       hint="fetch them (or a group of them) together with the loss")
    return Verdict(True, "every update op is reached by your fetches")


def has_variables(names, graph=None):
    """The graph's global variables are exactly ``names`` (op names, e.g. ``dense/kernel``)."""
    graph = graph or get_default_graph()
    have = sorted(v.op.name for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES))
    want = sorted(names)
    if have != want:
        return Verdict(False, "the graph's variables are %s, expected %s" % (have, want))
    return Verdict(True, "the graph has exactly the variables %s" % ", ".join(want))


def ran(trace, node):
    """``node`` (op, tensor, Variable) was executed in the run ``trace`` records."""
    op = as_op(node)
    if op in trace.executed:
        return Verdict(True, "'%s' ran" % op.name)
    return Verdict(False, "'%s' did not run in that Session.run: no fetch needed it" % op.name,
                   hint="fetch '%s', or something that depends on it, in that run" % op.name)


def pruned(trace, node):
    """``node`` was pruned (not executed) in the run ``trace`` records."""
    op = as_op(node)
    if op in trace.pruned:
        return Verdict(True, "'%s' was pruned" % op.name)
    return Verdict(False, "'%s' was not pruned: some fetch needs it" % op.name,
                   hint="fetch only what does not depend on '%s'" % op.name)


def op_types_between(fetch, source):
    """The op types on the paths from ``source`` to ``fetch`` (for "which ops did this
    build?" exercises), in topological order."""
    src = source if isinstance(source, Tensor) else as_op(source).outputs[0]
    return [op.type for op in ops_between([src], [fetch if isinstance(fetch, Tensor)
                                                  else as_op(fetch).outputs[0]])]


def gradient_of(grad, forward):
    """Gradient tensor ``grad`` was built by ``tf.gradients`` for the forward op ``forward``
    (or for one of the ops it depends on)."""
    g, f = as_op(grad), as_op(forward)
    if g.gradient_of is None:
        return Verdict(False, "'%s' is not a gradient op: build it with tf.gradients" % g.name)
    upstream = set(toposort([f], control=False))
    if g.gradient_of in upstream:
        return Verdict(True, "'%s' is part of the backward pass of '%s'" % (g.name, f.name))
    return Verdict(False, "'%s' differentiates '%s', which '%s' does not depend on"
                   % (g.name, g.gradient_of.name, f.name))



def wrote(trace, variables):
    """The run ``trace`` records wrote every one of ``variables`` (Variables or op names,
    e.g. ``"w1/Adam"``): their assign ops ran in that ``Session.run``."""
    names = [v if isinstance(v, str) else as_op(v).name for v in variables]
    missing = [n for n in names if n not in trace.variables_written]
    if missing:
        return Verdict(False, "that run did not write %s; it wrote %s"
                       % (", ".join(missing), sorted(set(trace.variables_written)) or "nothing"),
                       hint="fetch the train op and trace that run")
    return Verdict(True, "that run wrote %s" % ", ".join(names))


__all__ += ["wrote"]


def crossed(trace, fed=None, bytes_fed=None, bytes_fetched=None):
    """What crossed the session boundary in the run ``trace`` records: exactly the tensors
    ``fed`` (placeholders, tensors or names) were fed, ``bytes_fed`` bytes went in (after the
    conversion to each placeholder's dtype) and ``bytes_fetched`` came out. Arguments left
    as None are not checked."""
    problems = []
    if fed is not None:
        want = sorted(f if isinstance(f, str) else as_op(f).name for f in fed)
        want = [n.split(":")[0] for n in want]
        have = sorted(t.op.name for t in trace.fed)
        if want != have:
            problems.append("it fed %s, not %s" % (have or "nothing", want or "nothing"))
    if bytes_fed is not None and int(bytes_fed) != trace.bytes_fed:
        problems.append("%d bytes went in, not %d" % (trace.bytes_fed, bytes_fed))
    if bytes_fetched is not None and int(bytes_fetched) != trace.bytes_fetched:
        problems.append("%d bytes came out, not %d" % (trace.bytes_fetched, bytes_fetched))
    if problems:
        return Verdict(False, "that run crossed the boundary differently: %s"
                       % "; ".join(problems))
    return Verdict(True, "that run fed %s: %d bytes in, %d bytes out"
                   % (", ".join(t.op.name for t in trace.fed) or "nothing", trace.bytes_fed,
                      trace.bytes_fetched))


__all__ += ["crossed"]


# ------------------------------------------------------------------------------------------
# Added for lessons 01 and 02: which placeholders a fetch needs; numbers that must agree
# ------------------------------------------------------------------------------------------

__all__ += ["placeholders_needed", "allclose"]


def _name(x):
    """The op name of a tensor, op, Variable or name (``"x:0"`` -> ``"x"``)."""
    if isinstance(x, str):
        return x.split(":")[0]
    return as_op(x).name


def placeholders_needed(fetches, expected, graph=None):
    """Running ``fetches`` needs exactly the placeholders ``expected`` (tensors, ops or names),
    as :meth:`minigraph.RunTrace.planned` works it out: the ops ``Session.run`` would execute,
    with nothing fed and nothing run."""
    graph = graph or fetches_graph(fetches)
    plan = RunTrace.planned(graph, fetches)
    have = sorted(op.name for op in plan.executed if op.opdef.kind == "placeholder")
    want = sorted(_name(p) for p in expected)
    if have != want:
        missing = [n for n in want if n not in have]
        extra = [n for n in have if n not in want]
        parts = (["it does not need %s" % ", ".join(missing)] if missing else []) + \
                (["it also needs %s" % ", ".join(extra)] if extra else [])
        return Verdict(False, "running %s needs the placeholders %s: %s"
                       % (", ".join(plan.fetches), have, "; ".join(parts)))
    return Verdict(True, "running %s needs exactly the placeholders %s"
                   % (", ".join(plan.fetches), ", ".join(want)))


def allclose(actual, expected, name="the value", rtol=1e-5, atol=1e-6):
    """``actual`` has ``expected``'s shape and agrees with it elementwise within
    ``atol + rtol * |expected|`` (``numpy.allclose``)."""
    if actual is None:
        return Verdict(False, "%s is None" % name, hint="fetch it with sess.run first")
    a, b = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if a.shape != b.shape:
        return Verdict(False, "%s has shape %s, expected %s" % (name, a.shape, b.shape))
    err = float(np.max(np.abs(a - b))) if a.size else 0.0
    if not np.allclose(a, b, rtol=rtol, atol=atol):
        return Verdict(False, "%s differs from the expected values (max |difference| = %.3g)"
                       % (name, err))
    # no digits of the difference here: they are rounding noise, and lesson outputs must repeat
    return Verdict(True, "%s matches the expected values" % name)


def summary_steps(records, tag, steps):
    """The summary records (``minigraph.events.read_events(logdir)`` or ``writer.records``) hold
    ``tag`` at exactly the global steps ``steps``, each once."""
    steps = sorted(steps)
    have = sorted(r.step for r in records if r.tag == tag)
    if not have:
        tags = sorted({r.tag for r in records})
        return Verdict(False, "no summary tagged '%s' was written; the tags found are %s. Did "
                              "you fetch the summary op and call writer.add_summary?" % (tag, tags))
    if have != steps:
        extra = len(have) - len(set(have))
        return Verdict(False, "'%s' was written at %d steps (%s), expected %d steps (%s)%s"
                       % (tag, len(have), _step_span(have), len(steps), _step_span(steps),
                          "; %d steps more than once: clear the log directory before writing"
                          % extra if extra else ""))
    return Verdict(True, "'%s' was written once at each of the %d steps %s"
                   % (tag, len(steps), _step_span(steps)))


def _step_span(steps):
    return "none" if not steps else "%d..%d" % (steps[0], steps[-1])


__all__ += ["summary_steps"]


# ------------------------------------------------------------------------------------------
# Prediction exercises: "which ops will this run execute?" answered with a set
# ------------------------------------------------------------------------------------------

__all__ += ["set_matches"]


def set_matches(answer, truth, name="your answer"):
    """``answer`` (a set; a list or tuple is taken as one) holds exactly the items of
    ``truth``, e.g. the op types a traced run executed. A failure says how many items are
    wrong and how many are missing, not which."""
    truth = set(truth)
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (set, frozenset, list, tuple)):
        return Verdict(False, "%s is %r, not a set" % (name, answer),
                       hint='write a set of names, such as {"A", "B"}')
    answer = set(answer)
    wrong, missing = answer - truth, truth - answer
    if wrong or missing:
        parts = (["%d of its %d items should not be there" % (len(wrong), len(answer))]
                 if wrong else []) + (["%d missing" % len(missing)] if missing else [])
        return Verdict(False, "%s is not right yet: %s" % (name, ", and ".join(parts)))
    return Verdict(True, "%s is right: %s" % (name, ", ".join(sorted(map(str, truth)))))
