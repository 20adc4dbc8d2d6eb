"""``tf.keras.backend`` (``K``): the few backend functions that tie Keras to graphs and sessions.

Keras code never calls ``Session.run`` itself: every model runs its graph through a
:class:`Function`, which is one ``session.run(fetches, feed_dict)`` per call, exactly like
``K.function`` in Keras-on-TF1. So everything a model does goes through the ordinary
session (and its run trace), and the model's graph can be drawn with ``minigraph.viz``.

Where the graphs and sessions live (a minigraph choice, documented here):

* each ``Sequential`` model builds its own ``tf.Graph`` and ``tf.Session`` when it is built
  (``model.graph``, ``model.session``). The new graph takes the graph-level seed of the
  default graph at that moment, so ``tf.set_random_seed(0)`` before building a model makes
  its initial weights, its dropout masks and its shuffling reproducible;
* :func:`get_session` returns the session of the most recently built model (or, inside
  ``with model.graph.as_default():``, that model's session), like ``K.get_session()``;
* :func:`clear_session` forgets them all and resets the default graph: models built after
  it start from nothing (``tf.keras.backend.clear_session``).

Variables are initialized lazily, as ``K.get_session()`` does it in Keras-on-TF1: before a
Function runs, the initializers of the graph's not-yet-initialized variables are run.
"""

import weakref

import numpy as np

from minigraph.graph import GraphKeys, Operation, get_default_graph, reset_default_graph
from minigraph.ops.array_ops import placeholder, placeholder_with_default
from minigraph.session import Session, has_value
from minigraph.variables import variables_initializer

__all__ = ["learning_phase", "get_session", "set_session", "clear_session", "function",
           "Function", "get_value", "set_value", "batch_get_value", "batch_set_value",
           "epsilon", "floatx", "image_data_format", "set_image_data_format", "int_shape",
           "count_params"]

_EPSILON = 1e-7
_FLOATX = "float32"
_IMAGE_DATA_FORMAT = ["channels_last"]

_sessions = {}          # graph -> the Keras session that runs it (models built since clear)
_current = [None]       # the session get_session() returns outside every model graph
_assigners = weakref.WeakKeyDictionary()  # Variable -> (placeholder, assign op) of set_value
_learning_phases = {}   # graph -> its learning-phase placeholder


def epsilon():
    """``K.epsilon()``: the fuzz factor of the losses and optimizers, 1e-7."""
    return _EPSILON


def floatx():
    """``K.floatx()``: the dtype of inputs, weights and outputs, ``"float32"``."""
    return _FLOATX


def image_data_format():
    """``K.image_data_format()``: where image tensors keep their channels, the default of the
    convolution, pooling and ``Flatten`` layers' ``data_format``: ``"channels_last"``
    (``(batch, height, width, channels)``, TF's NHWC) unless :func:`set_image_data_format`
    changed it."""
    return _IMAGE_DATA_FORMAT[0]


def set_image_data_format(data_format):
    """``K.set_image_data_format``: ``"channels_last"`` or ``"channels_first"`` (``(batch,
    channels, height, width)``) for the layers made from now on; anything else is a
    ValueError, as in TF1."""
    accepted = ("channels_last", "channels_first")
    if data_format not in accepted:
        raise ValueError("Unknown `data_format`: %s. Expected one of %s"
                         % (data_format, set(accepted)))
    _IMAGE_DATA_FORMAT[0] = str(data_format)


def int_shape(x):
    """``K.int_shape``: the static shape of a tensor or variable as a tuple (None for an
    unknown dimension)."""
    return tuple(x.shape.as_list())


def count_params(x):
    """``K.count_params``: the number of scalars in a variable."""
    return int(np.prod(int_shape(x)))


# ------------------------------------------------------------------------- learning phase

def learning_phase():
    """``K.learning_phase()``: a scalar bool placeholder that says "training" to the layers
    that behave differently then (``Dropout``). It defaults to False, so predicting and
    evaluating need not feed it; ``fit`` feeds True. One per graph, named
    ``keras_learning_phase``."""
    graph = get_default_graph()
    phase = _learning_phases.get(graph)
    if phase is None:
        with graph.name_scope(None), graph.control_dependencies(None):
            phase = placeholder_with_default(False, shape=(), name="keras_learning_phase")
        _learning_phases[graph] = phase
    return phase


# ------------------------------------------------------------------------------ sessions

def _register_session(graph, session):
    """A model built its graph: remember its session (the one get_session() now returns)."""
    _sessions[graph] = session
    _current[0] = session


def _session_for(graph):
    session = _sessions.get(graph)
    if session is None:
        session = Session(graph=graph)
        _sessions[graph] = session
    return session


def get_session():
    """``K.get_session()``: the session Keras runs in.

    Inside ``with model.graph.as_default():`` that model's session; otherwise the session of
    the most recently built model; with no model at all, a session on the default graph.
    Uninitialized variables of its graph are initialized first, as in Keras.
    """
    graph = get_default_graph()
    session = _sessions.get(graph) or _current[0] or _session_for(graph)
    _initialize_variables(session)
    return session


def set_session(session):
    """``K.set_session``: make ``session`` the one ``get_session()`` returns for its graph."""
    _register_session(session.graph, session)


def clear_session():
    """``K.clear_session()``: forget every Keras session and learning phase and reset the
    default graph (``tf.reset_default_graph()``). Models built afterwards start afresh;
    models built before keep their own graph and session and still work."""
    _sessions.clear()
    _learning_phases.clear()
    _current[0] = None
    reset_default_graph()


def _initialize_variables(session):
    """Run the initializers of the session's graph's variables not yet initialized (a plain
    ``session.run`` of ``tf.variables_initializer``, as Keras-on-TF1's get_session does)."""
    variables = session.graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
    if not variables:
        return
    # (Keras runs tf.is_variable_initialized ops here; asking the session adds no ops)
    todo = [v for v in variables if not has_value(session, v.op)]
    if todo:
        with session.graph.as_default():
            init = variables_initializer(todo)
        session.run(init)


# ------------------------------------------------------------------------- reading/writing

def batch_get_value(variables, session=None):
    """``K.batch_get_value``: the values of several variables (or tensors), one run."""
    if not variables:
        return []
    session = session or _session_for(variables[0].graph)
    _initialize_variables(session)
    return session.run(list(variables))


def get_value(x, session=None):
    """``K.get_value``: the value of one variable, as a numpy array."""
    return batch_get_value([x], session)[0]


def batch_set_value(pairs, session=None):
    """``K.batch_set_value``: set variables to numpy values, in one run.

    As in Keras-on-TF1, each variable gets a placeholder and an ``Assign`` from it, built
    once and kept on the variable (``_assign_placeholder``, ``_assign_op``); setting a value
    feeds the placeholder and runs the assign.
    """
    pairs = list(pairs)
    if not pairs:
        return
    session = session or _session_for(pairs[0][0].graph)
    feed, ops = {}, []
    for var, value in pairs:
        value = np.asarray(value, dtype=var.dtype.as_numpy_dtype)
        if not var.shape.is_compatible_with(value.shape):
            raise ValueError("Cannot set %s (shape %s) to a value of shape %s"
                             % (var.name, var.shape, value.shape))
        if var not in _assigners:  # built once per variable, as Keras does
            graph = var.graph
            with graph.as_default(), graph.control_dependencies(None), \
                    graph.name_scope(var.op.name + "/"):
                fed = placeholder(var.dtype, var.shape, name="assign_placeholder")
                _assigners[var] = (fed, var.assign(fed, name="assign", read_value=False))
        fed, assign = _assigners[var]
        feed[fed] = value
        ops.append(assign)
    session.run(ops, feed_dict=feed)


def set_value(x, value, session=None):
    """``K.set_value``: set one variable to a numpy value."""
    batch_set_value([(x, value)], session)


# ------------------------------------------------------------------------------ function

class Function:
    """``K.function(inputs, outputs, updates)``: a callable running part of a graph.

    ``f([x_value, y_value])`` is ONE ``session.run(updates + outputs, feed_dict)`` feeding
    each value to the matching input placeholder, and returns the outputs' values. The
    update ops (a model's train op) come first in the fetches: fetching them is what makes
    the variables change, since ``Session.run`` runs only what the fetches need.
    """

    def __init__(self, inputs, outputs, updates=None, session=None, name=None):
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.updates = [u if isinstance(u, Operation) else u.op for u in updates or ()]
        self.session = session
        self.name = name

    @property
    def fetches(self):
        """What one call fetches: ``updates + outputs``."""
        return self.updates + self.outputs

    def __call__(self, values):
        if len(values) != len(self.inputs):
            raise ValueError("%s expects %d input values (%s), got %d"
                             % (self.name or "Function", len(self.inputs),
                                ", ".join(t.name for t in self.inputs), len(values)))
        session = self.session or get_session()
        _initialize_variables(session)
        feed = dict(zip(self.inputs, values))
        results = session.run(self.fetches, feed_dict=feed)
        return results[len(self.updates):]

    def __repr__(self):
        return "<keras Function %s: %d inputs -> %d outputs, %d updates>" % (
            self.name or "", len(self.inputs), len(self.outputs), len(self.updates))


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """``K.function``: a :class:`Function` running ``outputs`` (and ``updates``) from
    ``inputs``, in the session of the inputs' graph (``kwargs`` may give ``session=``)."""
    return Function(inputs, outputs, updates=updates, session=kwargs.get("session"), name=name)
