"""The graph: operations, the tensors they produce, and the scopes they are built in.

Building a graph computes nothing. ``h = tf.matmul(x, w)`` adds one :class:`Operation` of
type ``MatMul`` to the default :class:`Graph` and returns its output :class:`Tensor`, a
symbolic handle with a dtype and a (possibly partial) static shape. Values exist only
inside a ``Session.run``; no value is ever stored on a node.

Every operation remembers where the user created it (file and line, skipping frames inside
minigraph), so errors and drawings can point at the user's own code.
"""

import contextlib
import linecache
import os
import re
import sys
import threading

from minigraph import device_spec

__all__ = [
    "Graph", "Operation", "Tensor", "Site", "GraphKeys", "PACKAGE_DIR",
    "get_default_graph", "reset_default_graph", "name_scope", "control_dependencies", "device",
    "get_collection", "get_collection_ref", "add_to_collection", "add_to_collections",
    "is_graph_element", "install_operators", "on_new_graph",
]

#: minigraph's own directory: frames in files under it are not "where the user made an op"
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class GraphKeys:
    """Standard collection names (``tf.GraphKeys``)."""

    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    MODEL_VARIABLES = "model_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    UPDATE_OPS = "update_ops"
    TABLE_INITIALIZERS = "table_initializer"
    SUMMARIES = "summaries"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    GLOBAL_STEP = "global_step"
    TRAIN_OP = "train_op"
    INIT_OP = "init_op"
    COND_CONTEXT = "cond_context"     # the branches of each top-level tf.cond
    WHILE_CONTEXT = "while_context"   # each top-level tf.while_loop


# ----------------------------------------------------------------------------------------
# Where did the user create this op?
# ----------------------------------------------------------------------------------------

class Site:
    """A place in user code: file, line, function and the source line itself."""

    __slots__ = ("filename", "lineno", "function", "code")

    def __init__(self, filename, lineno, function, code=None):
        self.filename = filename
        self.lineno = lineno
        self.function = function
        self.code = code

    @property
    def short_filename(self):
        """The file name without directories (a notebook cell shows as e.g. ``3412.py``)."""
        return os.path.basename(self.filename)

    def source_line(self):
        """The stripped source text of the line, if it can be found."""
        if self.code is None:
            self.code = linecache.getline(self.filename, self.lineno).strip()
        return self.code

    def __str__(self):
        return "%s:%d" % (self.short_filename, self.lineno)

    def with_source(self):
        """``file:line: source text`` (just ``file:line`` when the source is unknown)."""
        code = self.source_line()
        return "%s: %s" % (self, code) if code else str(self)

    def __repr__(self):
        return "Site(%r, %d, %r)" % (self.filename, self.lineno, self.function)

    def key(self):
        return (self.filename, self.lineno)


def _user_site():
    """The innermost stack frame that is not minigraph's own code."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return Site("<unknown>", 0, "<unknown>")
    code = frame.f_code
    return Site(code.co_filename, frame.f_lineno, code.co_name)


# ----------------------------------------------------------------------------------------
# Tensor
# ----------------------------------------------------------------------------------------

class Tensor:
    """A symbolic handle to one output of an :class:`Operation` (``tf.Tensor``).

    It holds no value. ``name`` is ``"<op name>:<output index>"``, e.g. ``"add:0"``.
    Arithmetic operators build new ops: ``a + b`` is ``tf.add(a, b)``.
    """

    __slots__ = ("op", "value_index", "dtype", "_shape", "__weakref__")

    # numpy must defer to our reflected operators: np_array + tensor -> Tensor.__radd__
    __array_priority__ = 100

    def __init__(self, op, value_index, dtype, shape):
        self.op = op
        self.value_index = value_index
        self.dtype = dtype
        self._shape = shape

    @property
    def name(self):
        return "%s:%d" % (self.op.name, self.value_index)

    @property
    def graph(self):
        return self.op.graph

    @property
    def device(self):
        """The device of the op making it (``with tf.device(...)``; recorded, ignored)."""
        return self.op.device

    @property
    def shape(self):
        """The static shape (a :class:`TensorShape`, ``None`` where unknown)."""
        return self._shape

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        """Refine the static shape; it must be compatible with what is already known."""
        self._shape = self._shape.merge_with(shape)

    def consumers(self):
        """The operations that take this tensor as a data input."""
        return [op for op in self.op.graph.get_operations() if self in op.inputs]

    def eval(self, feed_dict=None, session=None):
        """Run the graph up to this tensor in ``session`` (default: the default session)."""
        from minigraph import session as session_lib  # a cycle: the session runs graphs
        return session_lib.session_for(session, self.graph).run(self, feed_dict)

    def _as_graph_tensor(self):
        return self

    def __repr__(self):
        return '<tf.Tensor %r shape=%s dtype=%s>' % (self.name, self._shape, self.dtype.name)

    def __str__(self):
        return 'Tensor("%s", shape=%s, dtype=%s)' % (self.name, self._shape, self.dtype.name)

    def __bool__(self):
        raise TypeError(
            "Using a `tf.Tensor` as a Python `bool` is not allowed: the graph holds no value "
            "yet. Use `if t is not None:` to test for existence, or run it in a Session.")

    def __iter__(self):
        n = self._shape[0] if self._shape.ndims else None
        if n is None:
            raise TypeError("Tensor objects are only iterable when the first dimension of "
                            "their static shape is known; %s has shape %s." % (self.name, self._shape))
        return (self[i] for i in range(n))

    def __len__(self):
        raise TypeError("len is not well defined for symbolic Tensors (%s). Use tf.shape(x) "
                        "or x.shape." % self.name)

    # A Tensor is hashable by identity, as in TF1, so == is identity, not elementwise.
    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other


def _operator(method, reflected=False, name=None):
    """Make a Tensor operator that calls ``minigraph.ops.math_ops.<method>``.

    ``name`` is the op name TF1 gives the operator form: ``a + b`` is named ``add`` while
    ``tf.add(a, b)`` is named ``Add``.
    """
    def op(self, other):
        from minigraph.ops import math_ops  # a cycle: ops are built on Tensor
        fn = getattr(math_ops, method)
        if not reflected:
            return fn(self, other, name=name)
        if hasattr(other, "_as_graph_tensor"):
            return fn(other, self, name=name)
        # TF1's r-operators convert the plain value to the tensor's dtype first (-2 - x with
        # x float32 is float32), as the Const <op>/x inside the op's scope
        from minigraph.ops.constant_op import convert_to_tensor  # the same cycle
        with self.graph.name_scope(name or fn.__name__) as scope:
            x = convert_to_tensor(other, dtype=self.dtype, name="x")
            return fn(x, self, name=scope)
    op.__name__ = method
    return op


def _unary(method):
    def op(self):
        from minigraph.ops import math_ops  # a cycle: ops are built on Tensor
        return getattr(math_ops, method)(self)
    op.__name__ = method
    return op


def _getitem(self, key):
    from minigraph.ops import array_ops  # a cycle: ops are built on Tensor
    return array_ops.strided_slice_from_key(self, key)


_OVERLOADS = {
    "__add__": _operator("add", name="add"), "__radd__": _operator("add", True, "add"),
    "__sub__": _operator("subtract", name="sub"), "__rsub__": _operator("subtract", True, "sub"),
    "__mul__": _operator("multiply", name="mul"), "__rmul__": _operator("multiply", True, "mul"),
    "__truediv__": _operator("divide", name="truediv"),
    "__rtruediv__": _operator("divide", True, "truediv"),
    "__floordiv__": _operator("floordiv", name="floordiv"),
    "__rfloordiv__": _operator("floordiv", True, "floordiv"),
    "__pow__": _operator("pow", name="pow"), "__rpow__": _operator("pow", True, "pow"),
    "__matmul__": _operator("matmul"), "__rmatmul__": _operator("matmul", True),
    "__lt__": _operator("less"), "__le__": _operator("less_equal"),
    "__gt__": _operator("greater"), "__ge__": _operator("greater_equal"),
    "__and__": _operator("logical_and"), "__or__": _operator("logical_or"),
    "__neg__": _unary("negative"), "__abs__": _unary("abs"), "__invert__": _unary("logical_not"),
    "__getitem__": _getitem,
}


def install_operators(cls):
    """Give ``cls`` (Tensor, Variable) the arithmetic operators of TF1 tensors."""
    for name, fn in _OVERLOADS.items():
        def method(self, *args, _fn=fn):
            return _fn(self._as_graph_tensor(), *args)
        method.__name__ = name
        setattr(cls, name, method)
    return cls


install_operators(Tensor)


# ----------------------------------------------------------------------------------------
# Operation
# ----------------------------------------------------------------------------------------

class Operation:
    """A node of the graph (``tf.Operation``).

    Attributes:
      name: unique within the graph, with its name scope, e.g. ``"layer1/MatMul"``.
      type: the op type, e.g. ``"MatMul"``.
      inputs: the data inputs (Tensors), in order.
      control_inputs: ops that must run before this one, though no data flows.
      outputs: the Tensors this op produces.
      attrs: static attributes (``transpose_a``, ``axis``...).
      site: where the user created it (:class:`Site`).
      gradient_of: for ops added by ``tf.gradients``, the forward op they differentiate.
      device: where ``with tf.device(...)`` asked it to run (``"/device:GPU:0"``), ``""``
        outside any; recorded as TF1 does, and ignored: everything runs on the CPU.

    An op built inside a ``tf.cond`` branch or a ``tf.while_loop`` also knows that block
    (``_control_flow_context``, as in TF1; see :mod:`minigraph.ops.control_flow_ops`).
    """

    __slots__ = ("graph", "name", "type", "opdef", "inputs", "control_inputs", "outputs",
                 "attrs", "site", "gradient_of", "device", "_id", "_control_flow_context",
                 "__weakref__")

    def __init__(self, graph, name, opdef, inputs, control_inputs, attrs, site, gradient_of):
        self.graph = graph
        self.name = name
        self.opdef = opdef
        self.type = opdef.type
        self.inputs = tuple(inputs)
        self.control_inputs = tuple(control_inputs)
        self.attrs = attrs
        self.site = site
        self.gradient_of = gradient_of
        self.device = ""
        self.outputs = ()
        self._id = len(graph._ops)
        self._control_flow_context = None

    # -- what a control flow block does to an op built inside it (TF1's op methods) --------
    def _update_input(self, index, tensor):
        """Make ``tensor`` the op's data input ``index`` (a ``tf.cond`` branch reads an outside
        value through a ``Switch``: see ``CondContext.add_op``)."""
        inputs = list(self.inputs)
        inputs[index] = tensor
        self.inputs = tuple(inputs)

    def _add_control_input(self, op):
        if op not in self.control_inputs:
            self.control_inputs = self.control_inputs + (op,)

    @property
    def name_scope(self):
        """The scope part of the name: ``"layer1"`` for ``"layer1/MatMul"``."""
        return self.name.rpartition("/")[0]

    def get_attr(self, name):
        return self.attrs[name]

    def values(self):
        return self.outputs

    def run(self, feed_dict=None, session=None):
        """Run this op in ``session`` (default: the default session)."""
        from minigraph import session as session_lib  # a cycle: the session runs graphs
        session_lib.session_for(session, self.graph).run(self, feed_dict)

    def __repr__(self):
        return "<tf.Operation %r type=%s>" % (self.name, self.type)

    def describe(self):
        """One line for error messages: name, type and where the user created it."""
        return "'%s' (op: %s, defined at %s)" % (self.name, self.type, self.site)


# ----------------------------------------------------------------------------------------
# Graph
# ----------------------------------------------------------------------------------------

#: callables(graph) run for every new Graph: see on_new_graph
_new_graph_hooks = []


def on_new_graph(hook):
    """Call ``hook(graph)`` for every Graph made from now on (``minigraph/__init__.py`` wires
    the notebook hygiene checks in this way)."""
    _new_graph_hooks.append(hook)


class Graph:
    """A dataflow graph (``tf.Graph``): ops in creation order, plus scopes and collections."""

    def __init__(self):
        self._ops = []
        self._by_name = {}
        self._names_in_use = {}
        self._name_stack = ""
        self._control_stack = []
        self._device_stack = []   # the `with tf.device(...)` blocks, outermost first
        self._gradient_of = None
        #: the tensors ``tf.gradients`` returned (the drawings keep the gradient ops that
        #: lead to them; TF1 also builds gradients nobody asked for, e.g. of a placeholder)
        self.gradient_results = set()
        #: ``{tensor: [its gradient, one per tf.gradients call that reached it]}``: the total
        #: gradient of the ys of the call with respect to each tensor on the way (a drawing
        #: shows it beside the tensor's value)
        self.output_gradients = {}
        self._control_flow_context = None   # the tf.cond branch / while_loop being built
        self._unfetchable = set()           # ops inside such blocks (prevent_fetching)
        self._unfeedable = set()            # tensors inside a while loop (prevent_feeding)
        self._collections = {}
        self._finalized = False
        self.seed = None
        self._lock = threading.RLock()
        self._listeners = []   # callables(op) told of each new op (re-run hygiene, linting)
        for hook in _new_graph_hooks:
            hook(self)

    # -- reading --------------------------------------------------------------------------
    def get_operations(self):
        """All operations, in the order they were created."""
        return list(self._ops)

    def operations_since(self, version):
        """The operations created after the graph had ``version`` ops (see ``version``)."""
        return self._ops[version:]

    def add_listener(self, listener):
        """Call ``listener(op)`` for every op added from now on (re-run checks, linting)."""
        self._listeners.append(listener)

    def get_operation_by_name(self, name):
        if ":" in name:
            raise ValueError("Name %r appears to refer to a Tensor, not an Operation." % name)
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError("The name %r refers to an Operation not in the graph." % name) from None

    def get_tensor_by_name(self, name):
        """The tensor called ``"<op>:<index>"``, e.g. ``"add:0"``."""
        op_name, sep, index = name.rpartition(":")
        if not sep or not index.isdigit():
            raise ValueError("The name %r looks like an (invalid) Operation name, not a Tensor. "
                             "Tensor names must be of the form \"<op_name>:<output_index>\"." % name)
        op = self._by_name.get(op_name)
        if op is None:
            raise KeyError("The name %r refers to a Tensor which does not exist. The operation, "
                           "%r, does not exist in the graph." % (name, op_name))
        i = int(index)
        if i >= len(op.outputs):
            raise KeyError("The name %r refers to a Tensor which does not exist. The operation, "
                           "%r, exists but only has %d outputs." % (name, op_name, len(op.outputs)))
        return op.outputs[i]

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Resolve a Tensor, Operation, Variable or name to an element of this graph."""
        if isinstance(obj, str):
            if ":" in obj and allow_tensor:
                return self.get_tensor_by_name(obj)
            if allow_operation:
                return self.get_operation_by_name(obj)
        if hasattr(obj, "_as_graph_element"):   # a Variable: the variable itself (w:0)
            obj = obj._as_graph_element()
        elif hasattr(obj, "_as_graph_tensor") and not isinstance(obj, Tensor):
            obj = obj._as_graph_tensor()
        if isinstance(obj, (Tensor, Operation)):
            if obj.graph is not self:
                raise ValueError("%s is not an element of this graph." % (obj,))
            return obj
        raise TypeError("Can not convert a %s into a Tensor or Operation." % type(obj).__name__)

    def __len__(self):
        return len(self._ops)

    @property
    def version(self):
        """Grows by one with every op added."""
        return len(self._ops)

    @property
    def finalized(self):
        return self._finalized

    def finalize(self):
        """Make the graph read-only: adding an op afterwards raises ``RuntimeError``."""
        self._finalized = True

    # -- default graph --------------------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self):
        """Make this the default graph inside the ``with`` block."""
        _default_stack.append(self)
        try:
            yield self
        finally:
            for i in range(len(_default_stack) - 1, -1, -1):  # the innermost entry
                if _default_stack[i] is self:
                    del _default_stack[i]
                    break

    # -- names ----------------------------------------------------------------------------
    def unique_name(self, name, mark_as_used=True):
        """Prefix ``name`` with the current scope and make it unique: add, add_1, add_2..."""
        if self._name_stack:
            name = self._name_stack + "/" + name
        key = name.lower()
        count = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = count + 1
        if count > 0:
            base = key
            while key in self._names_in_use:
                key = "%s_%d" % (base, count)
                count += 1
            if mark_as_used:
                self._names_in_use[key] = 1
            name = "%s_%d" % (name, count - 1)
        return name

    def get_name_scope(self):
        return self._name_stack

    @contextlib.contextmanager
    def name_scope(self, name):
        """Open a name scope: ops inside are named ``"<scope>/<op>"``.

        A name that ends in ``/`` re-enters that exact scope; ``None`` or ``""`` resets to the
        root. Otherwise the scope is made unique (``layer``, ``layer_1`` ...).
        """
        old = self._name_stack
        if not name:
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            new = self.unique_name(name)
        self._name_stack = new
        try:
            yield (new + "/") if new else ""
        finally:
            self._name_stack = old

    # -- control dependencies ---------------------------------------------------------------
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops created inside run only after every op in ``control_inputs`` has run.

        ``None`` clears the dependencies of enclosing blocks. As in TF1, an op gets no control
        input that is already one of its data inputs, and none from a block when one of its
        data inputs was itself created inside that block (it already waits, through it).
        """
        if control_inputs is None:
            # as in TF1, this also leaves any tf.cond branch / while_loop being built
            saved, self._control_stack = self._control_stack, []
            context, self._control_flow_context = self._control_flow_context, None
            try:
                yield
            finally:
                self._control_stack = saved
                self._control_flow_context = context
            return
        ops = []
        for c in control_inputs:
            c = self.as_graph_element(c)
            ops.append(c.op if isinstance(c, Tensor) else c)
        self._control_stack.append(_ControlBlock(ops))
        try:
            yield
        finally:
            self._control_stack.pop()

    @contextlib.contextmanager
    def device(self, device_name_or_function):
        """Ops created inside get this device in ``op.device`` (``tf.device``): recorded as
        TF1 records it, and ignored (see :mod:`minigraph.device_spec`)."""
        if isinstance(device_name_or_function, str) or \
                hasattr(device_name_or_function, "to_string"):
            device_spec.parse(device_name_or_function)   # a bad name fails here, as in TF1
        self._device_stack.append(device_name_or_function)
        try:
            yield
        finally:
            self._device_stack.pop()

    @contextlib.contextmanager
    def gradient_scope(self, forward_op):
        """Ops created inside are tagged as part of the gradient of ``forward_op``
        (``op.gradient_of``): how ``tf.gradients`` marks the backward pass."""
        saved, self._gradient_of = self._gradient_of, forward_op
        try:
            yield
        finally:
            self._gradient_of = saved

    # -- control flow blocks (tf.cond, tf.while_loop) ----------------------------------------
    def _get_control_flow_context(self):
        return self._control_flow_context

    def _set_control_flow_context(self, context):
        self._control_flow_context = context

    def prevent_fetching(self, op):
        """Mark ``op`` as not fetchable: an op inside a ``tf.cond`` branch or a loop body has
        no value outside it (TF1's ``InaccessibleTensorError`` when fetched)."""
        self._unfetchable.add(op)

    def is_fetchable(self, tensor_or_op):
        op = tensor_or_op.op if isinstance(tensor_or_op, Tensor) else tensor_or_op
        return op not in self._unfetchable

    def prevent_feeding(self, tensor):
        """Mark ``tensor`` as not feedable: a value inside a while loop changes with each
        iteration (TF1: "Tensor ... may not be fed")."""
        self._unfeedable.add(tensor)

    def is_feedable(self, tensor):
        return tensor not in self._unfeedable

    # -- collections -------------------------------------------------------------------------
    def add_to_collection(self, name, value):
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        for name in ([names] if isinstance(names, str) else names):
            self.add_to_collection(name, value)

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def get_collection(self, name, scope=None):
        """A copy of the collection, optionally only items whose name starts with ``scope``."""
        items = list(self._collections.get(name, ()))
        if scope is None:
            return items
        pattern = re.compile(scope)
        return [v for v in items if pattern.match(getattr(v, "name", "") or "")]

    def get_all_collection_keys(self):
        return list(self._collections)

    def clear_collection(self, name):
        self._collections.pop(name, None)

    # -- building ------------------------------------------------------------------------------
    def create_op(self, opdef, inputs, attrs=None, name=None, site=None):
        """Add one op to the graph and return it. Used by every op-building function.

        Infers output shapes and dtypes through ``opdef.infer``; a mismatch that is already
        known raises ``ValueError`` here, naming the op, its input shapes and the user's line.
        """
        __tracebackhide__ = True
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified (tried to add a %s op "
                               "at %s)." % (opdef.type, site or _user_site()))
        attrs = attrs or {}
        for t in inputs:
            if t.op.graph is not self:
                raise ValueError("Tensor %s must be from the same graph as the op being built "
                                 "(%s). Did you call tf.reset_default_graph() after creating it?"
                                 % (t, opdef.type))
        site = site or _user_site()
        with self._lock:
            if name and name.endswith("/"):
                # a scope name used as an op name, exactly: random_normal/ -> "random_normal"
                full_name = name[:-1]
                if full_name in self._by_name:
                    raise ValueError("Duplicate node name in graph: %r" % full_name)
            else:
                full_name = self.unique_name(name or opdef.type)
            try:
                specs = opdef.infer(inputs, attrs)
            except (ValueError, TypeError) as e:
                self._release_name(full_name)  # a failed op leaves no trace in the names
                raise type(e)(_construction_message(str(e), full_name, opdef.type, inputs, site)) \
                    from None
            control = []
            input_ops = {t.op for t in inputs}
            for block in self._control_stack:
                if block.created.isdisjoint(input_ops):   # else dominated by that input
                    for c in block.inputs:
                        if c not in input_ops and c not in control:
                            control.append(c)
            op = Operation(self, full_name, opdef, inputs, control, attrs, site, self._gradient_of)
            if self._device_stack:
                op.device = device_spec.resolve(self._device_stack, op)
            if isinstance(specs, tuple):
                specs = [specs]
            op.outputs = tuple(Tensor(op, i, dtype, shape) for i, (shape, dtype) in enumerate(specs))
            self._ops.append(op)
            self._by_name[full_name] = op
            for block in self._control_stack:
                block.created.add(op)
            context = self._control_flow_context
            if context is not None:   # built in a tf.cond branch or a while_loop body:
                op._control_flow_context = context   # it may read outside values through
                context.add_op(op)                   # a Switch (Enter): TF1's AddOp
        for listener in self._listeners:
            listener(op)
        return op

    def _release_name(self, full_name):
        key = full_name.lower()
        if self._names_in_use.get(key, 0) <= 1:
            self._names_in_use.pop(key, None)
        else:
            self._names_in_use[key] -= 1

    def __repr__(self):
        return "<tf.Graph with %d ops>" % len(self._ops)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Draw the graph inline in Jupyter (through minigraph.viz)."""
        from minigraph import viz  # a cycle: viz draws graphs
        return viz.draw(self)._repr_mimebundle_(include, exclude)


class _ControlBlock:
    """One ``control_dependencies`` block: its control inputs and the ops made inside it."""

    __slots__ = ("inputs", "created")

    def __init__(self, inputs):
        self.inputs = inputs
        self.created = set()


def _construction_message(msg, name, type_, inputs, site):
    shapes = ", ".join(t.shape.bracketed() for t in inputs)
    return ("%s for '%s' (op: '%s') with input shapes: %s.\n  The op was created at %s"
            % (msg.rstrip("."), name, type_, shapes, site.with_source()))


# ----------------------------------------------------------------------------------------
# The default graph
# ----------------------------------------------------------------------------------------

_default_stack = []
_global_default = [None]


def get_default_graph():
    """The graph new ops go into: the innermost ``as_default()``, else the global one."""
    if _default_stack:
        return _default_stack[-1]
    if _global_default[0] is None:
        _global_default[0] = Graph()
    return _global_default[0]


def reset_default_graph():
    """Replace the global default graph with a new, empty one (``tf.reset_default_graph``)."""
    if _default_stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. "
                             "It is only allowed outside every `with graph.as_default():` block.")
    _global_default[0] = Graph()


def name_scope(name, default_name=None, values=None):
    """``tf.name_scope``: a name scope in the default graph (or the graph of ``values``)."""
    graph = get_default_graph()
    if values:
        for v in values:
            if isinstance(v, (Tensor, Operation)):
                graph = v.graph
                break
    return graph.name_scope(name if name is not None else default_name)


def control_dependencies(control_inputs):
    """``tf.control_dependencies``: ops built inside run after ``control_inputs``."""
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name_or_function):
    """``tf.device``: ops built inside record this device (``op.device``); nothing else
    changes, since minigraph runs everything with numpy on the CPU."""
    return get_default_graph().device(device_name_or_function)


def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    get_default_graph().add_to_collections(names, value)


def is_graph_element(value):
    return isinstance(value, (Tensor, Operation)) or hasattr(value, "_as_graph_tensor")
