"""Shared bits of the widgets: the base class, the error box, SVG and PNG display helpers,
DOT recolouring, and small helpers on graphs and sessions.

Every widget here is a plain class holding an ``ipywidgets.VBox`` in ``.widget``; a bare
expression in a notebook displays it through ``_repr_mimebundle_``. Callbacks are wrapped
by :meth:`WidgetBase._guarded`, so an exception raised inside one is shown in the widget's
error box (an HTML with the error type and message) instead of vanishing into the log.
"""

import contextlib
import functools
import html
import io
import re
import traceback
import warnings

import ipywidgets as W
import numpy as np
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import minigraph as tf
from minigraph import viz
from minigraph.graph import Operation, Tensor
from minigraph.lint import DeadUpdateWarning

__all__ = ["WidgetBase", "svg_html", "error_html", "png_of_figure", "heatmap_png",
           "node_attrs", "as_op", "as_ops", "ensure_session", "quiet", "table_html",
           "new_figure", "OK_COLORS", "BAD_COLORS"]

# (fill, border) for the gradient check view
OK_COLORS = ("#abebc6", "#1e8449")
BAD_COLORS = ("#f1948a", "#c0392b")


# ------------------------------------------------------------------------------------------
# Pure helpers
# ------------------------------------------------------------------------------------------

def svg_html(dot, css_class=""):
    """HTML showing the drawing of ``dot``: its SVG, or the DOT text and how to get Graphviz.

    The drawing sits in a ``<div class="minigraph-drawing {css_class}">`` (browser tests find
    a given widget's drawing by that class)."""
    cls = ("minigraph-drawing " + css_class).strip()
    svg = viz.GraphView(dot).svg()
    if svg is not None:
        # drop the XML prolog and DOCTYPE: the SVG is embedded in an HTML widget
        # and let it shrink to the widget's width (Graphviz sizes it in points)
        start = svg.find("<svg")
        svg = '<svg style="max-width:100%;height:auto"' + svg[start + 4:]
        return '<div class="%s" style="overflow:auto">%s</div>' % (cls, svg)
    return ('<div class="%s"><p>%s</p><pre style="font-size:10px">%s</pre></div>'
            % (cls, html.escape(viz.INSTALL_HINT), html.escape(dot)))


def error_html(exc):
    """An HTML error box naming the exception's type and message."""
    text = str(exc) or repr(exc)
    return ('<div class="minigraph-error" style="border:2px solid #c0392b;background:#fdedec;'
            'padding:6px;margin:4px 0;font-family:monospace;white-space:pre-wrap">'
            '<b>%s</b>: %s</div>' % (html.escape(type(exc).__name__), html.escape(text)))


def png_of_figure(fig):
    """PNG bytes of a matplotlib ``Figure`` (rendered with Agg, no pyplot state)."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    return buf.getvalue()


def new_figure(width=5.0, height=3.0):
    """A matplotlib Figure that is not registered with pyplot (so nothing auto-displays)."""
    return Figure(figsize=(width, height))


def heatmap_png(matrix, title=""):
    """PNG bytes of a heatmap of a 2-D array."""
    a = np.asarray(matrix, dtype=np.float64)
    fig = new_figure(3.2, 2.6)
    ax = fig.add_subplot(1, 1, 1)
    im = ax.imshow(a, cmap="RdBu_r", aspect="auto", interpolation="nearest")
    fig.colorbar(im, ax=ax)
    ax.set_title("%s %s" % (title, tuple(a.shape)), fontsize=9)
    return png_of_figure(fig)


def _node_id(line):
    """The unquoted id of a DOT node statement line ``"name" [...]``, else None."""
    if not line.startswith('"'):
        return None
    m = re.match(r'"((?:[^"\\]|\\.)*)" \[', line)
    if m is None or "->" in line[:m.end() + 2]:
        return None
    return m.group(1).replace('\\"', '"').replace("\\\\", "\\")


def node_attrs(dot, name):
    """The attributes of node ``name`` in ``dot`` as a dict (labels excluded); for tests."""
    for line in dot.split("\n"):
        if _node_id(line.lstrip()) == name:
            head = line.split("label=")[0]
            return {k: v.strip('"') for k, v in
                    re.findall(r'([A-Za-z_]+)=("(?:[^"\\]|\\.)*"|[^,\]\s]+)', head)}
    return None


def as_op(x):
    """The Operation of a tensor, Variable (its ``VariableV2`` op) or op."""
    if hasattr(x, "_as_graph_element"):
        x = x._as_graph_element()
    elif hasattr(x, "_as_graph_tensor") and not isinstance(x, Tensor):
        x = x._as_graph_tensor()
    return x.op if isinstance(x, Tensor) else x


def as_ops(xs):
    if xs is None:
        return []
    if not isinstance(xs, (list, tuple, set)):
        xs = [xs]
    return [as_op(x) for x in xs]


def graph_of(*items, default=None):
    for x in items:
        for y in (x if isinstance(x, (list, tuple, set)) else [x]):
            if isinstance(y, (Tensor, Operation)) or hasattr(y, "_as_graph_tensor"):
                return as_op(y).graph
    return default if default is not None else tf.get_default_graph()


def ensure_session(session, graph):
    """``session`` as given, or a new Session on ``graph`` with every variable initialized
    (by running each variable's own initializer: no op is added to the graph)."""
    if session is not None:
        return session
    sess = tf.Session(graph=graph)
    init = [op for op in graph.get_operations()
            if op.type == "VariableV2" and op.attrs.get("python_variable") is not None]
    inits = [op.attrs["python_variable"].initializer for op in init]
    if inits:
        sess.run(inits)
    return sess


@contextlib.contextmanager
def quiet():
    """Silence the session's DeadUpdateWarning: the widgets show the lint themselves (and
    their repeated reads of variables are not training loops)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeadUpdateWarning)
        yield


def table_html(header, rows):
    """A small HTML table."""
    head = "".join("<th style='padding:2px 8px'>%s</th>" % html.escape(str(h)) for h in header)
    body = "".join("<tr>%s</tr>" % "".join("<td style='padding:2px 8px'>%s</td>"
                                             % html.escape(str(c)) for c in row)
                   for row in rows)
    return "<table class='minigraph-table'><tr>%s</tr>%s</table>" % (head, body)


# ------------------------------------------------------------------------------------------
# The base class
# ------------------------------------------------------------------------------------------

class WidgetBase:
    """A view made of ipywidgets controls, held in ``self.widget`` (a VBox).

    Subclasses build their controls, call :meth:`_finish` with the rows to show, and wrap
    every callback with :meth:`_guarded`.
    """

    def __init__(self):
        self.error = W.HTML(value="", layout=W.Layout(width="100%"))
        self.last_error = None
        self.widget = W.VBox()

    def _finish(self, *rows):
        self.widget.children = tuple(rows) + (self.error,)

    def _guarded(self, fn):
        """Wrap a callback: clear the error box, and show any exception raised in it."""
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            self.clear_error()
            try:
                with quiet():
                    result = fn(*args, **kwargs)
            except Exception as e:  # shown in the widget, never lost in the log
                self.show_error(e)
                return None
            return result
        return wrapper

    def show_error(self, exc):
        self.last_error = exc
        self.last_traceback = traceback.format_exc()
        self.error.value = error_html(exc)

    def clear_error(self):
        self.last_error = None
        self.error.value = ""

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):
        display(self.widget)
