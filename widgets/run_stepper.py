"""RunStepper: step through one run, op by op, forward then backward.

The steps are collected once from ``minigraph.trace.run_steps`` (a generator yielding a ``Step``
after each op), so the order shown is exactly the session's topological execution order.
The drawing highlights the current op (``to_dot(focus=[op])``) over a partial trace: the
ops run so far are drawn normally with their values (and, on a forward op, the gradient of
the loss once the backward pass computed it), the rest greyed out. Every step is drawn at
the same layout (each node keeps its value lines from the first step on, empty until its
value is known; see ``minigraph.viz``), so that the steps differ only in colour.

A step of an op that writes variables (an ``Assign``, an optimizer's fused ``ApplyAdam``...)
also shows its update math (the first lines of the op class's docstring) and every variable
it wrote, slots included, with the value it stored, as the session held it right after
that step.
"""

import html

import ipywidgets as W
import numpy as np

from minigraph import viz
from minigraph.ops.state_ops import Ref, written_variables
from minigraph.ops.training_ops import update_math

from widgets._common import WidgetBase, ensure_session, graph_of, heatmap_png, svg_html
from widgets.i18n import N_, tr
from minigraph.trace import fast_path, run_steps

__all__ = ["RunStepper", "collect_steps", "collect_run", "step_phase", "stepper_dot",
           "describe_step", "matrix_of", "step_inputs"]


# ------------------------------------------------------------------------------------------
# Pure functions
# ------------------------------------------------------------------------------------------

def collect_steps(session, fetches, feed_dict=None):
    """Run ``fetches`` once through ``trace.run_steps``; return (steps, full trace, results)."""
    steps, trace, results, _ = collect_run(session, fetches, feed_dict)
    return steps, trace, results


def collect_run(session, fetches, feed_dict=None):
    """Run ``fetches`` once through ``trace.run_steps``; return (steps, full trace, results,
    writes), ``writes[i]`` listing ``(variable name, stored value)`` for each variable step
    ``i`` wrote (empty for an op that writes none), read from the session right after it."""
    stepped = run_steps(session, fetches, feed_dict, keep_values=True)
    steps, writes = [], []
    for step in stepped:
        steps.append(step)
        writes.append([(var.name, _stored_value(session, var))
                       for var in written_variables(step.op)])
    return steps, stepped.trace, stepped.results, writes


def _stored_value(session, var_op):
    """The array ``session`` holds for the variable ``var_op`` now (None if it has none).
    An update stores a new array and never writes into one, so the array can be kept: it
    stays the value of that step."""
    return session._state.variables.get(var_op)  # the session's store: read, never written


def step_inputs(step):
    """``(tensor, value)`` for each value the step's kernel read: a variable input the op
    writes (its *ref*, e.g. ``w`` of ``Assign(w, value)``) gets no value and is left out."""
    op = step.op
    refs = op.opdef.ref_inputs
    tensors = [t for i, t in enumerate(op.inputs) if i not in refs] if refs else op.inputs
    return list(zip(tensors, step.inputs))


def step_phase(step):
    """``"backward"`` for ops that ``tf.gradients`` added (``op.gradient_of`` set), else
    ``"forward"``."""
    return "backward" if step.op.gradient_of is not None else "forward"


def stepper_dot(graph, fetches, full, index):
    """The DOT of the stepper's drawing at step ``index``: the run trace ``full`` stopped
    after that step (:meth:`minigraph.RunTrace.until`), the step's op highlighted."""
    # no feed_dict here: the trace marks fed placeholders as cut, so they are still drawn
    return viz.to_dot(graph, fetches=fetches, trace=full.until(index),
                      focus=[full.executed[index]], show_values=True, collapse=[])


def _phase_text(phase):
    """The phase ``"forward"`` / ``"backward"`` as the widgets show it (in the current
    language)."""
    return tr("backward") if phase == "backward" else tr("forward")


#: what an untraced run does with an op (:meth:`minigraph.rewrite.Rewrites.role`'s texts),
#: marked for translation (tests/test_widgets_i18n.py checks minigraph still says each)
UNTRACED_ROLES = (
    N_("folded: an untraced run computes it once, when its plan is built"),
    N_("forwarded: an untraced run hands its input on, with no step"),
    N_("an untraced run uses a cheaper kernel with the same result"),
    N_("an untraced run stores its value in the variable without a copy"),
    N_("no step in an untraced run: the variable itself is in place from the start; its read "
       "reads the value"),
    N_("runs as drawn in an untraced run too: in a tf.cond branch or a loop, it may be dead"),
    N_("no step in an untraced run (a constant is in place from the start)"),
    N_("no step in an untraced run (nothing to compute)"),
)


def _untraced_text(role):
    """What an untraced run does with an op, in the current language (a text not in
    :data:`UNTRACED_ROLES` is shown as it is)."""
    return tr(role) if role in UNTRACED_ROLES else role


def _describe_array(value):
    if value is None:
        return "None"
    if isinstance(value, Ref):   # a variable itself: the op reads its value when it runs
        return tr("the variable {} itself", value.variable.name)
    arr = np.asarray(value)
    return tr("shape {} {}: {}", tuple(arr.shape), arr.dtype, viz.describe_value(arr))


def describe_step(step, n_steps, fast_path=None, writes=()):
    """A dict describing one step: name, type, phase, site, inputs, output (as text), and,
    given the run's ``trace.fast_path``, what an untraced run does with this op. For an op
    that writes variables, ``math`` is its update rule (the first lines of its class's
    docstring) and ``writes`` the ``(variable name, new value as text)`` it stored, given
    ``writes`` as :func:`collect_run` records them; both are empty for other ops."""
    op = step.op
    site = op.site
    return {
        "untraced": fast_path.role(op) if fast_path is not None else "",
        "index": step.index,
        "label": tr("step {} / {}: {}  {} ({})", step.index + 1, n_steps,
                    _phase_text(step_phase(step)), op.name, op.type),
        "phase": step_phase(step),
        "name": op.name,
        "type": op.type,
        "site": "%s: %s" % (site, site.source_line()) if site is not None else "",
        "gradient_of": op.gradient_of.name if op.gradient_of is not None else None,
        "inputs": [(t.name, _describe_array(v)) for t, v in step_inputs(step)],
        "output": _describe_array(step.output) if op.outputs else tr("(no output)"),
        "seconds": step.seconds,
        "math": update_math(op.opdef) if op.opdef.writes_refs else "",
        "writes": [(name, _describe_array(v)) for name, v in writes],
    }


def matrix_of(step):
    """``(tensor name, 2-D array)`` to show as a heatmap for this step: its output if that
    is a matrix (both sides > 1) once axes of size 1 are dropped (one image of one channel,
    ``(1, H, W, 1)``, is a matrix), else its first such input; ``(None, None)`` if none."""
    op = step.op
    candidates = [(op.outputs[0].name if op.outputs else None, step.output)]
    candidates += [(t.name, v) for t, v in step_inputs(step)]
    for name, v in candidates:
        if v is not None and not isinstance(v, (list, tuple)):
            a = np.squeeze(np.asarray(v))
            if a.ndim == 2 and min(a.shape) > 1 and a.dtype.kind in "biuf":
                return name, a
    return None, None


# ------------------------------------------------------------------------------------------
# The widget
# ------------------------------------------------------------------------------------------

class RunStepper(WidgetBase):
    """Step through one ``Session.run`` of ``fetches``.

    Args:
      fetches: what to run (a tensor, op, or list of them).
      feed_dict: values for placeholders.
      session: the Session (default: a new one with every variable initialized). Note that
        the run really happens once, when the widget is built: assigns in it do run.

    Attributes: ``steps`` (the Steps), ``slider`` (IntSlider, the current index), ``play``,
    ``prev_button`` / ``next_button`` / ``reset_button``, ``current`` (the current Step),
    ``dot`` (the DOT drawn), ``label`` (HTML with the step label), ``heatmap`` (Image),
    ``details`` (HTML about the current op, including what an untraced run does with it,
    and for an update its math and the variables it wrote), ``writes`` (per step, the
    ``(variable name, value)`` it stored), ``fast_path`` (the session's
    :class:`~minigraph.rewrite.Rewrites` for these fetches).
    """

    def __init__(self, fetches, feed_dict=None, session=None):
        super().__init__()
        self.fetches = fetches
        self.feed_dict = dict(feed_dict or {})
        self.graph = session.graph if session is not None else graph_of(fetches)
        self.session = ensure_session(session, self.graph)
        self.steps, self.trace, self.results, self.writes = collect_run(
            self.session, fetches, self.feed_dict)
        # what an untraced run of the same fetches does with each op (minigraph.rewrite)
        self.fast_path = fast_path(self.session, fetches, self.feed_dict)
        n = len(self.steps)
        if n == 0:
            raise ValueError(tr("The run of {} executed no ops (everything fed?)",
                                repr(fetches)))
        self.dot = ""

        self.prev_button = W.Button(description=tr("Prev"), icon="step-backward")
        self.next_button = W.Button(description=tr("Next"), icon="step-forward")
        self.reset_button = W.Button(description=tr("Reset"), icon="undo")
        self.slider = W.IntSlider(value=0, min=0, max=n - 1, description=tr("step"),
                                  continuous_update=False)
        self.play = W.Play(value=0, min=0, max=n - 1, interval=700, description=tr("Play"))
        # a kernel-side link, so Play also drives the stepper when no browser is attached
        self._link = W.link((self.play, "value"), (self.slider, "value"))
        self.label = W.HTML()
        self.drawing = W.HTML(layout=W.Layout(width="62%"))
        self.details = W.HTML()
        self.heatmap = W.Image(format="png", layout=W.Layout(display="none", max_width="300px"))

        self.prev_button.on_click(self._guarded(lambda b: self.go(self.index - 1)))
        self.next_button.on_click(self._guarded(lambda b: self.go(self.index + 1)))
        self.reset_button.on_click(self._guarded(lambda b: self.go(0)))
        self.slider.observe(self._guarded(self._on_index), names="value")

        controls = W.HBox([self.prev_button, self.next_button, self.play, self.slider,
                           self.reset_button])
        side = W.VBox([self.details, self.heatmap], layout=W.Layout(width="38%",
                                                                    min_width="280px"))
        self._finish(controls, self.label, W.HBox([self.drawing, side]))
        self._guarded(self.show)(0)

    @property
    def index(self):
        return self.slider.value

    @property
    def current(self):
        return self.steps[self.index]

    def go(self, index):
        """Move to step ``index`` (clamped to the run)."""
        self.slider.value = max(0, min(len(self.steps) - 1, index))

    def _on_index(self, change):
        self.show(change["new"])

    def show(self, index):
        """Draw step ``index`` and describe it."""
        step = self.steps[index]
        info = describe_step(step, len(self.steps), self.fast_path, self.writes[index])
        self.dot = stepper_dot(self.graph, self.fetches, self.trace, index)
        self.drawing.value = svg_html(self.dot, "minigraph-stepper")
        colour = "#b03a2e" if info["phase"] == "backward" else "#1a5276"
        self.label.value = ('<div class="minigraph-step-label" style="font-weight:bold;'
                            'color:%s">%s</div>' % (colour, html.escape(info["label"])))
        rows = ["<div><b>%s</b> <i>%s</i> (%s)</div>" % (html.escape(info["name"]),
                                                         html.escape(info["type"]),
                                                         _phase_text(info["phase"]))]
        if info["gradient_of"]:
            rows.append("<div>%s</div>" % tr("gradient of {}", "<b>%s</b>"
                                             % html.escape(info["gradient_of"])))
        rows.append("<div style='font-size:90%%'>%s</div>"
                    % tr("created at {}", "<code>%s</code>" % html.escape(info["site"])))
        rows.append("<div><b>%s</b></div>" % tr("inputs"))
        rows += ["<div><code>%s</code>: %s</div>" % (html.escape(n), html.escape(d))
                 for n, d in info["inputs"]] or ["<div>%s</div>" % tr("(none)")]
        rows.append("<div><b>%s</b>: %s</div>" % (tr("output"), html.escape(info["output"])))
        if info["math"]:
            rows.append("<div><b>%s</b></div><pre class='minigraph-update-math' "
                        "style='margin:2px 0;font-size:90%%'>%s</pre>"
                        % (tr("update"), html.escape(info["math"])))
        if info["writes"]:
            rows.append("<div><b>%s</b></div>" % tr("wrote"))
            rows += ["<div><code>%s</code> &larr; %s</div>" % (html.escape(n), html.escape(d))
                     for n, d in info["writes"]]
        rows.append("<div style='font-size:90%%'>%.1f &micro;s</div>" % (1e6 * info["seconds"]))
        if info["untraced"] != "runs as drawn":
            rows.append("<div style='font-size:90%%;color:#555'><i>%s</i></div>"
                        % html.escape(_untraced_text(info["untraced"])))
        self.details.value = "".join(rows)
        name, matrix = matrix_of(step)
        if matrix is not None:
            self.heatmap.value = heatmap_png(matrix, name)
            self.heatmap.layout.display = None
        else:
            self.heatmap.layout.display = "none"
