"""Notebook hygiene: re-run cells, stale copies of a model, graphs that grow in a loop.

In a notebook, re-running the cell that builds a model adds a *second* copy of it to the
default graph: the old ops are still there, placeholders get new names (``x_1``), and
feeding the old ``x`` no longer feeds the model you fetch. minigraph notices and says so:

* ``RerunWarning``, once per re-run cell: the same cell created ops again in the same graph;
* ``lint.orphans`` (:func:`minigraph.lint.orphans`): the ops none of your fetches reach,
  grouped by the line that made them;
* ``GraphGrowthWarning``: ``Session.run`` is called in a loop and the graph grows between
  every two runs (ops created inside the training loop);
* feeding a stale placeholder (one the fetches do not use, while a newer one made by the same
  line exists) is an error that says so (raised by ``Session.run``).

A cell is one execution of one piece of top-level code: minigraph recognizes a re-run by
the same file creating ops from a new top-level frame. Code in a ``.py`` file run once,
loops, and helper functions called many times within one cell never trigger the warning.
"""

import sys
import warnings
import weakref

from minigraph.lint import Orphans, orphans  # noqa: F401  (the hygiene tools, in one place)

__all__ = ["RerunWarning", "GraphGrowthWarning", "orphans", "Orphans", "stale_feed_message",
           "watch", "GrowthTracker"]


class RerunWarning(UserWarning):
    """A cell was run again and created a second copy of its ops in the same graph."""


class GraphGrowthWarning(UserWarning):
    """The graph grows between every two Session.run calls: ops are built in the loop."""


_ADVICE = ("The old ops are still in the graph: feeding or fetching the old tensors no longer "
           "reaches the new ones. Fix: call tf.reset_default_graph() at the top of the cell, or "
           "build the model inside `with tf.Graph().as_default():` (with Keras, build a new "
           "model, or call tf.keras.backend.clear_session() first).")


class _RerunTracker:
    """Per graph: which execution (top-level frame) of each file created ops."""

    def __init__(self, graph):
        self.graph = graph
        self.frames = {}      # filename -> the token of its latest execution (see below)
        self.runs = {}        # filename -> number of executions seen creating ops
        self.counts = {}      # (filename, execution number) -> ops created
        self.execution = {}   # op -> execution number of its file when it was created

    def __call__(self, op):
        filename = op.site.filename
        if filename.startswith("<") and filename != "<stdin>":
            return  # compiled strings (exec/eval) carry no stable location
        top = _top_frame(filename)
        if top is None:
            return
        token = _execution_token(top)
        if self.frames.get(filename, _NEVER) != token:
            first = filename not in self.frames
            self.frames[filename] = token
            self.runs[filename] = self.runs.get(filename, 0) + 1
            if not first:
                self._warn(op, filename)
        key = (filename, self.runs[filename])
        self.counts[key] = self.counts.get(key, 0) + 1
        self.execution[op] = self.runs[filename]

    def _warn(self, op, filename):
        old = sum(n for (f, _), n in self.counts.items() if f == filename)
        if not old:
            return
        examples = [o.name for o in self.graph.get_operations()
                    if o.site.filename == filename][:3]
        message = ("This cell (%s) was run again and is adding its ops to the same graph a "
                   "second time: the graph already holds %d ops from earlier runs of it (e.g. "
                   "%s). %s" % (op.site.short_filename, old,
                                ", ".join("'%s'" % n for n in examples), _ADVICE))
        warnings.warn_explicit(message, RerunWarning, op.site.filename, op.site.lineno)


_NEVER = object()


def _execution_token(top_frame):
    """What identifies one execution of a cell: in a notebook, the kernel's request (IPython
    runs each top-level statement of a cell in its own frame, so frames do not tell), else
    the identity of the top-level frame (plain ``exec``, as the tests simulate cells)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        # in a kernel, each execute request has its own message id (the execution count
        # does not advance for requests that do not store history, as nbval sends)
        parent = shell.get_parent() if hasattr(shell, "get_parent") else None
        msg_id = (parent or {}).get("header", {}).get("msg_id")
        return ("ipython", msg_id or shell.execution_count)
    return ("frame", id(top_frame), top_frame)


def _top_frame(filename):
    """The outermost frame running top-level (module) code of ``filename``, or None."""
    frame = sys._getframe(3)
    top = None
    while frame is not None:
        code = frame.f_code
        if code.co_filename == filename and code.co_name == "<module>":
            top = frame
        frame = frame.f_back
    return top


_trackers = weakref.WeakKeyDictionary()   # graph -> its _RerunTracker


def watch(graph):
    """Watch ``graph`` for cells that are run again (``minigraph/__init__.py`` has every new
    graph watched: ``graph.on_new_graph(hygiene.watch)``)."""
    tracker = _trackers[graph] = _RerunTracker(graph)
    graph.add_listener(tracker)


# ------------------------------------------------------------------------------------------
# Feeding a stale copy
# ------------------------------------------------------------------------------------------

def stale_feed_message(fed, needed_ops, graph):
    """If placeholder ``fed`` is not needed by the run but a newer placeholder made by the
    same line in a later run of its cell is, explain it (for ``Session.run``); else None."""
    op = fed.op
    if op in needed_ops or op.type not in ("Placeholder", "PlaceholderWithDefault"):
        return None
    tracker = _trackers.get(graph)
    run = tracker.execution.get(op) if tracker is not None else None
    if run is None:
        return None
    # only a copy made by a *later execution* of the same line is "newer": placeholders made
    # by one line in a loop or a helper function within one run are all legitimate
    newer = [o for o in graph.get_operations()
             if o.type == op.type and o.site.key() == op.site.key() and o in needed_ops
             and tracker.execution.get(o, run) > run]
    if not newer:
        return None
    return ("feed_dict feeds placeholder '%s', but the fetches do not use it: they use '%s', a "
            "newer placeholder created by the same line (%s). The cell that built the model "
            "was probably run again, and '%s' belongs to the old copy. %s"
            % (op.name, newer[-1].name, op.site.with_source(), op.name, _ADVICE))


class GrowthTracker:
    """For one Session: warn once when the graph grows between every two runs."""

    #: consecutive runs each preceded by new ops before the warning
    RUNS = 3

    def __init__(self, graph):
        self.graph = graph
        self.version = graph.version
        self.streak = 0
        self.site = None
        self.warned = False

    def check(self):
        version = self.graph.version
        if version == self.version:
            self.streak = 0
            return
        first_new = self.graph.operations_since(self.version)[0]
        self.version = version
        # a loop builds at the same line every time; a notebook builds at new lines
        key = first_new.site.key()
        self.streak = self.streak + 1 if key == self.site else 1
        self.site = key
        if self.streak == self.RUNS and not self.warned:
            self.warned = True
            site = first_new.site
            warnings.warn_explicit(
                "The graph has grown before each of the last %d Session.run calls (it now has "
                "%d ops): ops are being created inside the loop, e.g. '%s' (%s) at %s. Each "
                "iteration adds new nodes, so memory grows and nothing is reused. Build the "
                "graph once before the loop; call graph.finalize() before the loop to make any "
                "new op an error that points at the line." % (
                    self.RUNS, version, first_new.name, first_new.type, site.with_source()),
                GraphGrowthWarning, site.filename, site.lineno)
