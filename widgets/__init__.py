"""Live ipywidgets views of minigraph graphs and runs, for the lessons.

Each view is a plain class composing ipywidgets controls in ``.widget`` (a VBox); a bare
expression in a notebook displays it. Its logic lives in pure module functions of
(graph, trace, options) that tests and lessons call directly.

    from widgets import GraphExplorer, RunStepper
    GraphExplorer(feed_dict={x: x_value})            # pick fetches, see what would run
    RunStepper([loss, grad_w], feed_dict={x: x_value})  # step through one run

The views and the checks (``widgets.checks``) speak English, or Korean after
``widgets.i18n.set_language("ko")`` (the first code cell of every lesson in ``lessons/ko/``).

This package uses minigraph; minigraph never imports it.
"""

from widgets.feed_vs_variables import FeedVsVariables, measure_feed_vs_variables
from widgets.gradient_check_view import GradientCheckView, gradient_check
from widgets.graph_explorer import GraphExplorer, planned_trace
from widgets.run_stepper import RunStepper
from widgets.training_dashboard import TrainingDashboard
from widgets.variable_timeline import VariableTimeline

__all__ = ["GraphExplorer", "RunStepper", "TrainingDashboard", "FeedVsVariables",
           "VariableTimeline", "GradientCheckView", "measure_feed_vs_variables",
           "gradient_check", "planned_trace"]
