"""``tf.get_variable`` and ``tf.variable_scope``: variables found by name, shared on purpose.

``tf.Variable(...)`` always makes a new variable. ``tf.get_variable(name, shape)`` instead
looks the full name (``"<variable scope>/<name>"``) up in a per-graph store, and the scope's
*reuse* flag decides what happens:

=================  ==========================  =========================================
reuse              the name is new             the name exists
=================  ==========================  =========================================
``None``/False     create it                   ``ValueError: ... already exists, disallowed``
``True``           ``ValueError: ... does      return the existing variable
                   not exist``
``tf.AUTO_REUSE``  create it                   return the existing variable
=================  ==========================  =========================================

Reuse is inherited: inside ``variable_scope(..., reuse=True)`` every sub-scope reuses too.

Variable names depend only on the *variable* scope; op names on the *name* scope. Entering
``variable_scope("layer")`` opens both, but the name scope is made unique (``layer``,
``layer_1``...) while the variable scope is not, which is how a second
``variable_scope("layer", reuse=True)`` puts its ops in ``layer_1/`` and still finds
``layer/w``. With ``default_name`` instead of a name, the variable scope is made unique too
(that is how ``tf.layers.dense`` gets ``dense``, ``dense_1``...).
"""

import enum
import traceback

from minigraph import dtypes
from minigraph.graph import GraphKeys, get_default_graph
from minigraph.initializers import glorot_uniform_initializer, zeros_initializer
from minigraph.tensor_shape import as_shape
from minigraph.variables import Variable

__all__ = ["AUTO_REUSE", "VariableScope", "variable_scope", "get_variable",
           "get_variable_scope", "get_local_variable", "get_variable_store"]


class _ReuseMode(enum.Enum):
    """The third value of ``reuse``, besides True and None."""

    AUTO_REUSE = 1

    def __repr__(self):
        return "tf.AUTO_REUSE"


#: ``reuse=tf.AUTO_REUSE``: get the variable if it exists, create it if not.
AUTO_REUSE = _ReuseMode.AUTO_REUSE


# ------------------------------------------------------------------------------------------
# The per-graph store: variables by full name, the current scope, how often scopes were used
# ------------------------------------------------------------------------------------------

class _Store:
    """What one graph remembers for get_variable and variable_scope (TF1 keeps the same in
    its ``_VariableStore`` and ``_VariableScopeStore``)."""

    def __init__(self):
        self.variables = {}          # full name -> Variable made by get_variable
        self.current_scope = VariableScope(False)
        self.scope_counts = {}       # variable scope name -> times opened (for default_name)

    def open_scope(self, name):
        self.scope_counts[name] = self.scope_counts.get(name, 0) + 1

    def close_subscopes(self, name):
        # sub-scopes of a scope start counting again each time the scope is re-entered
        for key in self.scope_counts:
            if key.startswith(name + "/"):
                self.scope_counts[key] = 0


#: the collection holding a graph's store, TF1's ``variable_scope._VARSTORE_KEY``
VARSTORE_KEY = ("__variable_store",)


def get_variable_store(graph=None):
    """The store of ``graph`` (default: the default graph), made on first use. It is kept in
    a collection of the graph, as TF1 keeps it, so a new graph (``tf.reset_default_graph()``)
    starts empty."""
    graph = graph or get_default_graph()
    ref = graph.get_collection_ref(VARSTORE_KEY)
    if not ref:
        ref.append(_Store())
    return ref[0]


# ------------------------------------------------------------------------------------------
# VariableScope: a name prefix plus defaults for get_variable
# ------------------------------------------------------------------------------------------

class VariableScope:
    """A variable scope (``tf.VariableScope``): what ``with tf.variable_scope(...) as scope``
    gives you.

    Attributes:
      name: the prefix of variables made inside, e.g. ``"model/layer1"`` (``""`` at the root).
      reuse: None/False, True or ``tf.AUTO_REUSE`` (see the module docstring).
      initializer, regularizer, dtype: defaults for ``get_variable`` inside the scope.
      original_name_scope: the name scope opened when the scope was first entered, e.g.
        ``"model/layer1/"``; re-enter it with ``tf.name_scope(scope.original_name_scope)``.
    """

    def __init__(self, reuse, name="", initializer=None, regularizer=None,
                 dtype=dtypes.float32, name_scope=""):
        self.name = name
        self._reuse = reuse
        self.initializer = initializer
        self.regularizer = regularizer
        self.dtype = dtypes.as_dtype(dtype)
        self.original_name_scope = name_scope

    @property
    def reuse(self):
        return self._reuse

    def reuse_variables(self):
        """From now on, get_variable in this scope returns existing variables."""
        self._reuse = True

    def set_initializer(self, initializer):
        self.initializer = initializer

    def set_regularizer(self, regularizer):
        self.regularizer = regularizer

    def get_variable(self, name, shape=None, dtype=None, initializer=None, regularizer=None,
                     trainable=True, collections=None, validate_shape=True, reuse=None,
                     constraint=None):
        """``tf.get_variable`` in this scope (see :func:`get_variable`)."""
        __tracebackhide__ = True
        full_name = self.name + "/" + name if self.name else name
        if reuse is None:
            reuse = self._reuse
        return _get_single_variable(
            full_name, shape, dtype if dtype is not None else self.dtype,
            initializer if initializer is not None else self.initializer,
            regularizer if regularizer is not None else self.regularizer,
            reuse, trainable, collections, validate_shape, constraint)

    def __repr__(self):
        return "<tf.VariableScope %r reuse=%r>" % (self.name, self._reuse)


def get_variable_scope():
    """``tf.get_variable_scope()``: the current :class:`VariableScope` of the default graph."""
    return get_variable_store().current_scope


# ------------------------------------------------------------------------------------------
# get_variable
# ------------------------------------------------------------------------------------------

def _origin(variable):
    """Where the user created ``variable``, in the format of a Python traceback."""
    site = variable.op.site
    return "".join(traceback.format_list([(site.filename, site.lineno, site.function,
                                           site.source_line())]))


def _default_initializer(name, dtype):
    """TF1's choice: Glorot uniform for floats, zeros for integers and bools."""
    if dtype.is_floating:
        return glorot_uniform_initializer()
    if dtype.is_integer or dtype.is_bool or dtype == dtypes.string:
        return zeros_initializer()
    raise ValueError("An initializer for variable %s of %s is required" % (name, dtype.name))


def _get_single_variable(name, shape, dtype, initializer, regularizer, reuse, trainable,
                         collections, validate_shape, constraint=None):
    """Return the variable called ``name`` or create it, by the reuse rules."""
    graph = get_default_graph()
    store = get_variable_store(graph)
    from_value = initializer is not None and not callable(initializer)
    if shape is not None and from_value:
        raise ValueError("If initializer is a constant, do not specify shape.")
    dtype = dtypes.as_dtype(dtype)
    shape = as_shape(shape)

    if name in store.variables:
        found = store.variables[name]
        if not reuse:
            raise ValueError("Variable %s already exists, disallowed. Did you mean to set "
                             "reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally "
                             "defined at:\n\n%s" % (name, _origin(found)))
        if not shape.is_compatible_with(found.shape):
            raise ValueError("Trying to share variable %s, but specified shape %s and found "
                             "shape %s." % (name, shape, found.shape))
        if dtype != found.dtype:
            raise ValueError("Trying to share variable %s, but specified dtype %s and found "
                             "dtype %s." % (name, dtype.name, found.dtype.name))
        return found

    if reuse is True:
        raise ValueError("Variable %s does not exist, or was not created with "
                         "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                         "VarScope?" % name)

    if initializer is None:
        initializer = _default_initializer(name, dtype)
    if from_value:
        initial_value, variable_dtype = initializer, None      # shape and dtype of the value
    else:
        if isinstance(initializer, type):                      # tf.zeros_initializer, no ()
            initializer = initializer()
        if not shape.is_fully_defined():
            raise ValueError("Shape of a new variable (%s) must be fully defined, but instead "
                             "was %s." % (name, shape))

        def initial_value():
            return initializer(shape.as_list(), dtype=dtype)
        variable_dtype = dtype

    # A variable's name depends only on the variable scope, and its initializer must not
    # wait for whatever control dependencies surround the call: build it from the root.
    with graph.name_scope(None), graph.control_dependencies(None):
        v = Variable(initial_value, trainable=trainable, collections=collections,
                     validate_shape=validate_shape, name=name, dtype=variable_dtype,
                     constraint=constraint)
        store.variables[name] = v
        if regularizer:
            with graph.name_scope(name + "/Regularizer/"):
                loss = regularizer(v)
            if loss is not None:
                graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    return v


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=True, collections=None, validate_shape=True, constraint=None):
    """Get an existing variable or create a new one (``tf.get_variable``).

    Args:
      name: the name inside the current variable scope; the variable's op is called
        ``"<scope>/<name>"`` and its tensor ``"<scope>/<name>:0"``.
      shape: the shape of a new variable (must be fully known); checked against an existing
        one. Leave it out when ``initializer`` is a value.
      dtype: default float32 (or the scope's dtype).
      initializer: an initializer (``tf.zeros_initializer()``...; default: the scope's, else
        ``tf.glorot_uniform_initializer()`` for floats and zeros for integers), or a Tensor or
        array whose value and shape the variable takes.
      regularizer: a function of the new variable returning a scalar loss (e.g.
        ``tf.contrib.layers.l2_regularizer(0.01)``), added to
        ``GraphKeys.REGULARIZATION_LOSSES``; only when the variable is created.
      trainable: also add it to ``GraphKeys.TRAINABLE_VARIABLES``.
      collections: the collections to add it to (default ``[GLOBAL_VARIABLES]``).
      constraint: a projection ``tf.train`` optimizers apply after each update of a new
        variable (see :class:`minigraph.Variable`); ignored when an existing one is reused.

    Returns:
      A :class:`minigraph.Variable`.

    Raises:
      ValueError: creating a name that exists without reuse, or reusing a name that does not
        exist, or sharing with a different shape or dtype.
    """
    __tracebackhide__ = True
    return get_variable_scope().get_variable(
        name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
        trainable=trainable, collections=collections, validate_shape=validate_shape,
        constraint=constraint)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, validate_shape=True):
    """``tf.get_local_variable``: get_variable into ``GraphKeys.LOCAL_VARIABLES`` (not saved,
    not trained)."""
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, trainable, collections,
                        validate_shape)


# ------------------------------------------------------------------------------------------
# variable_scope
# ------------------------------------------------------------------------------------------

def _unique_scope_name(store, prefix):
    """``prefix``, or ``prefix_1``, ``prefix_2``... if that variable scope was used already
    (inside the current scope)."""
    current = store.current_scope.name
    full = current + "/" + prefix if current else prefix
    if store.scope_counts.get(full, 0) == 0:
        return prefix
    i = 1
    while store.scope_counts.get("%s_%d" % (full, i), 0) > 0:
        i += 1
    return "%s_%d" % (prefix, i)


class variable_scope:  # noqa: N801 -- TF's name; it is used like a function
    """``with tf.variable_scope(name_or_scope, ...) as scope:``: a variable scope, and (unless
    ``auxiliary_name_scope=False``) a name scope for the ops built inside.

    Args:
      name_or_scope: a string (a scope inside the current one), a :class:`VariableScope`
        (re-enter exactly that scope, whatever the current one is), or None with
        ``default_name``.
      default_name: used when ``name_or_scope`` is None, made unique (``dense``, ``dense_1``).
      values: tensors passed to the scope; only their graph is used.
      initializer, regularizer, dtype: defaults for get_variable inside (inherited by
        sub-scopes).
      reuse: True or ``tf.AUTO_REUSE`` to reuse variables; None (or False) inherits the
        enclosing scope's reuse. Reuse cannot be switched off inside a reusing scope.
      auxiliary_name_scope: False to leave the name scope alone.

    ``__enter__`` returns the :class:`VariableScope`.
    """

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, reuse=None, dtype=None, auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if reuse is False:  # TF1: False means "inherit", the same as None
            reuse = None
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if name_or_scope is not None and not isinstance(name_or_scope, (str, VariableScope)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._initializer = initializer
        self._regularizer = regularizer
        self._reuse = reuse
        self._dtype = dtype
        self._aux = auxiliary_name_scope
        self._graph = None
        for v in values or ():
            if hasattr(v, "graph"):
                self._graph = v.graph
                break
        self._exits = []

    def __enter__(self):
        graph = self._graph or get_default_graph()
        store = get_variable_store(graph)
        old = store.current_scope
        given = self._name_or_scope

        if given is None and self._reuse:
            raise ValueError("reuse=True cannot be used without a name_or_scope")
        # the name scope: opened (and made unique) first, as TF1 does
        name_scope = None
        if self._aux:
            if given is None:
                short = self._default_name
            elif isinstance(given, str):
                short = given
            else:
                short = given.name.split("/")[-1]
            if short:
                cm = graph.name_scope(short)
                name_scope = cm.__enter__()
                self._exits.append(cm)

        if isinstance(given, VariableScope):
            scope = VariableScope(self._reuse or given.reuse, given.name, given.initializer,
                                  given.regularizer, given.dtype, given.original_name_scope)
            saved_counts = dict(store.scope_counts)
        else:
            short = given if given is not None else _unique_scope_name(store, self._default_name)
            new_name = old.name + "/" + short if old.name else short
            scope = VariableScope(self._reuse or old.reuse, new_name, old.initializer,
                                  old.regularizer, old.dtype,
                                  name_scope if name_scope is not None else short + "/")
            saved_counts = None
        if self._initializer is not None:
            scope.initializer = self._initializer
        if self._regularizer is not None:
            scope.regularizer = self._regularizer
        if self._dtype is not None:
            scope.dtype = dtypes.as_dtype(self._dtype)

        store.open_scope(scope.name)
        store.current_scope = scope
        self._state = (store, old, scope.name, saved_counts)
        return scope

    def __exit__(self, exc_type, exc, tb):
        store, old, name, saved_counts = self._state
        if saved_counts is not None:
            store.scope_counts = saved_counts
        else:
            store.close_subscopes(name)
        store.current_scope = old
        while self._exits:
            self._exits.pop().__exit__(exc_type, exc, tb)
        return False
