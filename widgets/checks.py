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
from widgets.i18n import tr, translate_text

__all__ = ["check", "CheckFailed", "Verdict", "update_is_reached", "has_variables", "ran",
           "pruned", "op_types_between", "gradient_of"]

#: what a failed check says when neither the check nor the lesson gave anything better
DEFAULT_WHAT = "this check does not pass yet"
DEFAULT_HINT = "read the exercise again, change your answer above, run it, then run this check"


def _in_language(hint):
    """A lesson's hint in the language set (:mod:`widgets.i18n`): each side of its first
    ``"; "`` (what is wrong; the hint) on its own, as ``lessons/translate.py`` gathers them."""
    if hint is None or "; " not in hint:
        return translate_text(hint)
    what, tip = hint.split("; ", 1)
    return "%s; %s" % (translate_text(what), translate_text(tip))


class CheckFailed(AssertionError):
    """A check that does not pass: ``what`` is wrong, and a ``hint`` at what to look at.

    Its message is two lines, ``Not yet: <what>`` and ``Hint: <hint>``; neither is ever
    empty. In Korean (:func:`widgets.i18n.set_language`) they read ``아직 아닙니다: <what>``
    and ``힌트: <hint>``."""

    def __init__(self, what=None, hint=None):
        self.what = (str(what).strip() if what is not None else "") or tr(DEFAULT_WHAT)
        self.hint = (str(hint).strip() if hint is not None else "") or tr(DEFAULT_HINT)
        super().__init__(tr("Not yet: {}", self.what) + "\n" + tr("Hint: {}", self.hint))


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
        return tr("OK: {}", self.message) if self.ok else tr("Not yet: {}", self.message)


def check(verdict, success=None, hint=None):
    """Show a green "✓ <success>" if ``verdict`` holds, else raise :class:`CheckFailed`.

    ``verdict`` is a :class:`Verdict` or a plain bool:

    - a Verdict's message says what is wrong; the hint is ``hint``, else the Verdict's own;
    - for a bool, ``hint`` is ``"<what is wrong>; <hint>"``, split at its first ``"; "``
      (without one, it all says what is wrong).

    A generic sentence stands in for whatever is missing, so the message is never empty.
    ``success`` and ``hint`` are shown in the language set (:mod:`widgets.i18n`).
    """
    __tracebackhide__ = True    # IPython and pytest show the failure, not this frame
    success, hint = translate_text(success), _in_language(hint)
    if isinstance(verdict, Verdict):
        ok, what, tip = verdict.ok, verdict.message, hint or verdict.hint
    else:
        ok, what, tip = bool(verdict), hint, None
        if hint and "; " in hint:
            what, tip = hint.split("; ", 1)
    if not ok:
        raise CheckFailed(what, tip)
    text = success or (verdict.message if isinstance(verdict, Verdict) else None) or tr("right")
    display(HTML('<div style="color:#1e8449;font-weight:bold">&#10003; %s</div>'
                 % html.escape(text)))
    return verdict


def update_is_reached(fetches, feed_dict=None):
    """Every update op of the graph (assigns, ``UPDATE_OPS``) runs when ``fetches`` run."""
    dead = dead_updates(fetches, feed_dict=feed_dict)
    if dead:
        return Verdict(False, tr("these update ops would not run: {}",
                                  ", ".join(op.name for op in dead)),
                       hint=tr("fetch them (or a group of them) together with the loss"))
    return Verdict(True, tr("every update op is reached by your fetches"))


def has_variables(names, graph=None):
    """The graph's global variables are exactly ``names`` (op names, e.g. ``dense/kernel``)."""
    graph = graph or get_default_graph()
    have = sorted(v.op.name for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES))
    want = sorted(names)
    if have != want:
        return Verdict(False, tr("the graph's variables are {}, expected {}", have, want))
    return Verdict(True, tr("the graph has exactly the variables {}", ", ".join(want)))


def ran(trace, node):
    """``node`` (op, tensor, Variable) was executed in the run ``trace`` records."""
    op = as_op(node)
    if op in trace.executed:
        return Verdict(True, tr("'{}' ran", op.name))
    return Verdict(False, tr("'{}' did not run in that Session.run: no fetch needed it", op.name),
                   hint=tr("fetch '{}', or something that depends on it, in that run", op.name))


def pruned(trace, node):
    """``node`` was pruned (not executed) in the run ``trace`` records."""
    op = as_op(node)
    if op in trace.pruned:
        return Verdict(True, tr("'{}' was pruned", op.name))
    return Verdict(False, tr("'{}' was not pruned: some fetch needs it", op.name),
                   hint=tr("fetch only what does not depend on '{}'", op.name))


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
        return Verdict(False, tr("'{}' is not a gradient op: build it with tf.gradients", g.name))
    upstream = set(toposort([f], control=False))
    if g.gradient_of in upstream:
        return Verdict(True, tr("'{}' is part of the backward pass of '{}'", g.name, f.name))
    return Verdict(False, tr("'{}' differentiates '{}', which '{}' does not depend on",
                             g.name, g.gradient_of.name, f.name))



def wrote(trace, variables):
    """The run ``trace`` records wrote every one of ``variables`` (Variables or op names,
    e.g. ``"w1/Adam"``): their assign ops ran in that ``Session.run``."""
    names = [v if isinstance(v, str) else as_op(v).name for v in variables]
    missing = [n for n in names if n not in trace.variables_written]
    if missing:
        return Verdict(False, tr("that run did not write {}; it wrote {}", ", ".join(missing),
                                  sorted(set(trace.variables_written)) or tr("nothing")),
                       hint=tr("fetch the train op and trace that run"))
    return Verdict(True, tr("that run wrote {}", ", ".join(names)))


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
            problems.append(tr("it fed {}, not {}", have or tr("nothing"), want or tr("nothing")))
    if bytes_fed is not None and int(bytes_fed) != trace.bytes_fed:
        problems.append(tr("{} bytes went in, not {}", trace.bytes_fed, bytes_fed))
    if bytes_fetched is not None and int(bytes_fetched) != trace.bytes_fetched:
        problems.append(tr("{} bytes came out, not {}", trace.bytes_fetched, bytes_fetched))
    if problems:
        return Verdict(False, tr("that run crossed the boundary differently: {}",
                                  "; ".join(problems)))
    return Verdict(True, tr("that run fed {}: {} bytes in, {} bytes out",
                             ", ".join(t.op.name for t in trace.fed) or tr("nothing"),
                             trace.bytes_fed, trace.bytes_fetched))


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
        parts = ([tr("it does not need {}", ", ".join(missing))] if missing else []) + \
                ([tr("it also needs {}", ", ".join(extra))] if extra else [])
        return Verdict(False, tr("running {} needs the placeholders {}: {}",
                                 ", ".join(plan.fetches), have, "; ".join(parts)))
    return Verdict(True, tr("running {} needs exactly the placeholders {}",
                            ", ".join(plan.fetches), ", ".join(want)))


def allclose(actual, expected, name=None, rtol=1e-5, atol=1e-6):
    """``actual`` (called ``name`` in the messages) has ``expected``'s shape and agrees with
    it elementwise within ``atol + rtol * |expected|`` (``numpy.allclose``)."""
    name = name or tr("the value")
    if actual is None:
        return Verdict(False, tr("{} is None", name), hint=tr("fetch it with sess.run first"))
    a, b = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if a.shape != b.shape:
        return Verdict(False, tr("{} has shape {}, expected {}", name, a.shape, b.shape))
    err = float(np.max(np.abs(a - b))) if a.size else 0.0
    if not np.allclose(a, b, rtol=rtol, atol=atol):
        return Verdict(False, tr("{} differs from the expected values (max |difference| = {})",
                                  name, "%.3g" % err))
    # no digits of the difference here: they are rounding noise, and lesson outputs must repeat
    return Verdict(True, tr("{} matches the expected values", name))


def summary_steps(records, tag, steps):
    """The summary records (``minigraph.events.read_events(logdir)`` or ``writer.records``) hold
    ``tag`` at exactly the global steps ``steps``, each once."""
    steps = sorted(steps)
    have = sorted(r.step for r in records if r.tag == tag)
    if not have:
        tags = sorted({r.tag for r in records})
        return Verdict(False, tr("no summary tagged '{}' was written; the tags found are {}. Did "
                                 "you fetch the summary op and call writer.add_summary?",
                                 tag, tags))
    if have != steps:
        extra = len(have) - len(set(have))
        return Verdict(False, tr("'{}' was written at {} steps ({}), expected {} steps ({})",
                                 tag, len(have), _step_span(have), len(steps),
                                 _step_span(steps)) +
                       (tr("; {} steps more than once: clear the log directory before writing",
                           extra) if extra else ""))
    return Verdict(True, tr("'{}' was written once at each of the {} steps {}",
                            tag, len(steps), _step_span(steps)))


def _step_span(steps):
    return tr("none") if not steps else "%d..%d" % (steps[0], steps[-1])


__all__ += ["summary_steps"]


# ------------------------------------------------------------------------------------------
# Prediction exercises: "which ops will this run execute?" answered with a set
# ------------------------------------------------------------------------------------------

__all__ += ["set_matches"]


def set_matches(answer, truth, name=None):
    """``answer`` (a set; a list or tuple is taken as one) holds exactly the items of
    ``truth``, e.g. the op types a traced run executed. A failure says how many items are
    wrong and how many are missing, not which. ``name`` is what the messages call it."""
    name = name or tr("your answer")
    truth = set(truth)
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (set, frozenset, list, tuple)):
        return Verdict(False, tr("{} is {}, not a set", name, repr(answer)),
                       hint=tr('write a set of names, such as {"A", "B"}'))
    answer = set(answer)
    wrong, missing = answer - truth, truth - answer
    if wrong or missing:
        parts = ([tr("{} of its {} items should not be there", len(wrong), len(answer))]
                 if wrong else []) + ([tr("{} missing", len(missing))] if missing else [])
        return Verdict(False, tr("{} is not right yet: {}", name, tr(", and ").join(parts)))
    return Verdict(True, tr("{} is right: {}", name, ", ".join(sorted(map(str, truth)))))
