"""``tf.function``: trace a Python function into a graph, once per input signature.

TF1 makes you build the graph by hand, then run it in a Session. Eager libraries (numpy,
PyTorch, TF2 by default) compute each line as Python reaches it: easy to write and debug,
but Python sits between every two ops. TF2's ``tf.function`` gets the graph back without
the boilerplate. The first call with a new *input signature* runs your Python function
once with placeholders instead of values. That run is the **trace**: every minigraph op it
reaches is recorded in a fresh Graph, and the Python around the ops (prints, ``if`` and
``for`` on Python values) runs only then. The graph is cached as a :class:`ConcreteFunction`;
later calls with the same signature just feed their arrays to its Session.

    @tf.function
    def f(x, n):
        print("tracing")          # a Python side effect: happens only while tracing
        for _ in range(n):        # n is a Python int: the loop is unrolled into n ops
            x = tf.tanh(x)
        return x

    f(np.ones(3), 2)              # traces (prints), then runs the graph
    f(np.zeros(3), 2)             # same signature: runs the cached graph, prints nothing
    f(np.ones(3), 4)              # a new Python value: a second trace
    f.trace_count                 # 2

A call's signature is the shape and dtype of each numpy array argument plus the value of
every other argument. ``input_signature=[tf.TensorSpec([None, 3])]`` fixes it in advance:
``None`` dims match any size, so one trace serves every batch size.

Differences from TF2: there is no AutoGraph, so ``if``/``while`` on a tensor is an error
(as in TF2 with ``autograph=False``); only the first trace may create tf.Variables (they
live in its session, initialized automatically), and each trace has its own graph, so
nothing from outside the function or from another trace can be captured. Every update op
the trace built runs on every call (TF2's automatic control dependencies), but reads see
the variables as they were when the call started (minigraph's rule for one run).
"""

import functools
import inspect
import os
import traceback

import numpy as np

from minigraph import dtypes
from minigraph.graph import PACKAGE_DIR, Graph, Tensor, get_default_graph, is_graph_element
from minigraph.lint import update_ops
from minigraph.ops.array_ops import placeholder
from minigraph.session import Session
from minigraph.tensor_shape import as_shape

__all__ = ["function", "Function", "ConcreteFunction", "TensorSpec"]


class TensorSpec:
    """The shape and dtype an argument must have (``tf.TensorSpec``); ``None`` dims match
    any size, e.g. ``TensorSpec([None, 3], tf.float32)`` for a batch of 3-vectors."""

    def __init__(self, shape, dtype=dtypes.float32, name=None):
        self.shape = as_shape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.name = name

    def is_compatible_with(self, value):
        """True if an array of ``value``'s shape fits (dtypes are converted, as in a feed)."""
        return self.shape.is_compatible_with(np.shape(value))

    def __eq__(self, other):
        return isinstance(other, TensorSpec) and (self.shape, self.dtype) == (other.shape,
                                                                              other.dtype)

    def __hash__(self):
        return hash((self.shape, self.dtype.name))

    def __repr__(self):
        return "TensorSpec(shape=%s, dtype=tf.%s)" % (self.shape, self.dtype.name)


def _is_input(value):
    """An argument that becomes a placeholder: a numpy array or scalar, or a TensorSpec."""
    return isinstance(value, (np.ndarray, np.generic, TensorSpec))


def _map_leaves(fn, value, name, is_leaf):
    """``value`` with each leaf replaced by ``fn(leaf, path name)``, through lists, tuples and
    dicts (the same order every time, so trace and call see the leaves alike)."""
    if is_leaf(value):
        return fn(value, name)
    if isinstance(value, (list, tuple)):
        items = [_map_leaves(fn, v, "%s_%d" % (name, i), is_leaf) for i, v in enumerate(value)]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    if isinstance(value, dict):
        return {k: _map_leaves(fn, v, "%s_%s" % (name, k), is_leaf) for k, v in value.items()}
    return value


def _leaves(value, is_leaf):
    found = []
    _map_leaves(lambda leaf, _: found.append(leaf), value, "", is_leaf)
    return found


def _signature_key(value):
    """What decides whether a call may reuse a trace: each array's shape and dtype, and the
    value of every other argument (the trace bakes Python values in as constants)."""
    if _is_input(value):
        return _spec_of(value)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__,) + tuple(_signature_key(v) for v in value)
    if isinstance(value, dict):
        return ("dict",) + tuple((k, _signature_key(v)) for k, v in value.items())
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return (type(value).__name__, value)  # the type too: True, 1 and 1.0 are three traces


def _spec_of(value):
    """The TensorSpec of an argument: an array's exact shape and dtype."""
    if isinstance(value, TensorSpec):
        return value
    return TensorSpec(np.shape(value), np.asarray(value).dtype)


def _user_line(exc):
    """``file:line: code`` of the innermost frame of ``exc`` outside minigraph."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not f.filename.startswith(PACKAGE_DIR)]
    if not frames:
        return "an unknown line"
    f = frames[-1]
    return "%s:%d: %s" % (os.path.basename(f.filename), f.lineno, (f.line or "").strip())


class ConcreteFunction:
    """One trace of a ``tf.function``: a graph, its placeholders and outputs, and the
    Session that runs it.

    Attributes:
      graph: the Graph the trace built (``minigraph.viz.draw(cf.graph)`` draws it).
      inputs: the placeholders, one per array argument, named after the parameters.
      structured_inputs: the arguments it was traced with, placeholders in place of arrays.
      structured_outputs: what the Python function returned: tensors in its structure.
      outputs: the tensors (and ops) of ``structured_outputs``, flattened.
      variables: the tf.Variables this trace created; their values live in ``session``.
      session: the Session that runs ``graph``, owned by the function.
    """

    def __init__(self, name, graph, inputs, structured_inputs, structured_outputs, bind):
        self.name = name
        self.graph = graph
        self.inputs = inputs
        self.structured_inputs = structured_inputs
        self.structured_outputs = structured_outputs
        self.outputs = _leaves(structured_outputs, is_graph_element)
        self.variables = [op.attrs["python_variable"] for op in graph.get_operations()
                          if op.type == "VariableV2" and "python_variable" in op.attrs]
        self._updates = update_ops(graph)  # assigns the body made run on every call
        self._bind = bind
        self.session = Session(graph=graph)
        if self.variables:
            self.session.run([v.initializer for v in self.variables])

    def __call__(self, *args, **kwargs):
        """Run the graph on these arguments; numpy values in the outputs' structure."""
        return self._run(self._bind(args, kwargs))

    def _run(self, bound):
        arrays = _leaves(list(bound.arguments.values()), _is_input)
        values = self.session.run(self.outputs + self._updates, dict(zip(self.inputs, arrays)))
        flat = iter(values)
        return _map_leaves(lambda t, _: next(flat), self.structured_outputs, "",
                           is_graph_element)

    def __repr__(self):
        args = ", ".join("%s: %s %s" % (k, v.shape, v.dtype.name) if isinstance(v, Tensor)
                         else "%s=%r" % (k, v) for k, v in self.structured_inputs.items())
        return "<ConcreteFunction %s(%s): a graph of %d ops>" % (self.name, args, len(self.graph))


class Function:
    """A Python function that runs as a graph (what ``@tf.function`` returns).

    Calling it finds the :class:`ConcreteFunction` for the call's signature, tracing the
    Python function into a new one the first time, and runs it. ``trace_count`` counts the
    traces (each one runs your Python code once).
    """

    def __init__(self, python_function, input_signature=None):
        functools.update_wrapper(self, python_function)
        self.python_function = python_function
        self.input_signature = None if input_signature is None else list(input_signature)
        self.trace_count = 0
        self._signature = inspect.signature(python_function)
        self._concrete = {}  # signature key -> ConcreteFunction

    def __call__(self, *args, **kwargs):
        __tracebackhide__ = True
        if _leaves([args, kwargs], is_graph_element):  # called while tracing another one
            return self.python_function(*args, **kwargs)
        bound = self._bind(args, kwargs)
        return self._concrete_for(bound)._run(bound)

    def __get__(self, instance, owner):
        """Used as a method, bind ``self`` like a plain function (one trace per instance)."""
        return self if instance is None else functools.partial(self, instance)

    def get_concrete_function(self, *args, **kwargs):
        """The ConcreteFunction for these arguments (arrays or TensorSpecs), tracing it if
        needed; with an ``input_signature``, no arguments are needed."""
        if self.input_signature is not None:
            return self._concrete_for(None)
        return self._concrete_for(self._bind(args, kwargs))

    def experimental_get_tracing_count(self):
        """TF2's name for :attr:`trace_count`."""
        return self.trace_count

    @property
    def variables(self):
        """The tf.Variables the first trace created."""
        first = next(iter(self._concrete.values()), None)
        return first.variables if first is not None else []

    def _bind(self, args, kwargs):
        """The call's arguments by parameter name; with an ``input_signature`` each array
        is converted to its spec's dtype and checked against its shape."""
        if self.input_signature is not None:
            if kwargs or len(args) != len(self.input_signature):
                raise TypeError("%s() has an input_signature: pass exactly one positional "
                                "argument per TensorSpec (%d)"
                                % (self.__name__, len(self.input_signature)))
            args = [np.asarray(a, spec.dtype.as_numpy_dtype)
                    for a, spec in zip(args, self.input_signature)]
            for i, (a, spec) in enumerate(zip(args, self.input_signature)):
                if not spec.is_compatible_with(a):
                    raise ValueError("Python inputs incompatible with input_signature: argument "
                                     "%d of %s has shape %s, the signature says %s"
                                     % (i, self.__name__, a.shape, spec))
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return bound

    def _concrete_for(self, bound):
        __tracebackhide__ = True
        if self.input_signature is not None:
            key, bound = "input_signature", self._signature.bind(*self.input_signature)
        else:
            key = _signature_key(list(bound.arguments.items()))
            bound = self._signature.bind(*bound.args, **bound.kwargs)  # a copy to trace with
        bound.apply_defaults()
        if key not in self._concrete:
            self._concrete[key] = self._trace(bound)
        return self._concrete[key]

    def _trace(self, bound):
        """Run the Python function once on placeholders, recording its ops in a new Graph."""
        __tracebackhide__ = True
        self.trace_count += 1
        graph = Graph()
        graph.seed = get_default_graph().seed  # tf.set_random_seed reaches random ops inside
        inputs = []

        def as_placeholder(value, name):
            spec = _spec_of(value)
            inputs.append(placeholder(spec.dtype, spec.shape, name=spec.name or name))
            return inputs[-1]

        with graph.as_default():
            for name, value in bound.arguments.items():
                bound.arguments[name] = _map_leaves(as_placeholder, value, name, _is_input)
            try:
                outputs = self.python_function(*bound.args, **bound.kwargs)
            except TypeError as e:
                if "as a Python `bool`" not in str(e):
                    raise
                raise TypeError(
                    "Using a `tf.Tensor` as a Python `bool` is not allowed in tf.function. "
                    "While tracing %s(), this line used a tensor as a bool:\n    %s\n"
                    "Tracing runs your Python code once on placeholders that hold no values, "
                    "so Python cannot pick a branch: only conditions on Python values are "
                    "decided (and loops unrolled) at trace time. Compute both branches and "
                    "choose with tf.where(cond, a, b), or pass the condition in as a Python "
                    "value." % (self.__name__, _user_line(e))).with_traceback(e.__traceback__) \
                    from None
            except ValueError as e:
                if "must be from the same graph" not in str(e):
                    raise
                raise ValueError(
                    "%s\n  Inside tf.function, %s() used a tensor or variable from another graph. "
                    "Each trace builds a fresh graph and cannot capture tensors from outside it "
                    "or from an earlier trace: pass numpy values in as arguments, or create "
                    "tf.Variables in the body on the first call (and give the function an "
                    "input_signature so it is not traced again)." % (e, self.__name__)) from None
        new_variables = [op for op in graph.get_operations() if op.type == "VariableV2"]
        if new_variables and self._concrete:
            raise ValueError(
                "tf.function only supports singleton tf.Variables created on the first call: "
                "retracing %s() created a new variable, %s (at %s). Make sure the tf.Variable is only "
                "created once (e.g. give the function an input_signature so it traces once), "
                "or keep the state outside and pass it in." % (
                    self.__name__, new_variables[0].name, new_variables[0].site.with_source()))
        return ConcreteFunction(self.__name__, graph, inputs, dict(bound.arguments), outputs,
                                self._bind)


def function(func=None, input_signature=None):
    """``tf.function``: make ``func`` run as a graph, traced once per input signature.

    Use as ``@tf.function`` or ``@tf.function(input_signature=[tf.TensorSpec([None, 3])])``.
    Returns a :class:`Function`; call it with numpy arrays and Python values, get numpy back.
    """
    if func is None:
        return functools.partial(function, input_signature=input_signature)
    return Function(func, input_signature)
