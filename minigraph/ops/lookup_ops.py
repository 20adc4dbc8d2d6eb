"""TF1's lookup tables: a dict that lives in the session, like a variable.

``tf.feature_column.categorical_column_with_vocabulary_list('department', ['sports',
'gardening'])`` turns each word into its index in the vocabulary with a hash table, built of
three ops, as TF1 builds them:

* ``HashTableV2`` (``.../hash_table/hash_table``) outputs a *handle* to the table. The
  table's contents live in the session (``_State.tables``), never on the graph: two sessions
  hold two tables, and closing a session forgets its tables.
* ``LookupTableImportV2`` (``.../hash_table/table_init/LookupTableImportV2``) fills the table
  with its keys and values: the table's initializer. Every initializer is in the collection
  :data:`TABLE_INITIALIZERS`, which ``tf.tables_initializer()`` groups into one op, as
  ``tf.global_variables_initializer()`` does for variables. As in TF1, a table is filled
  once: running its initializer again leaves it as it is.
* ``LookupTableFindV2`` (``hash_table_Lookup/LookupTableFindV2``) looks keys up: each key's
  value, or the default value (-1: "not in the vocabulary") for a key the table lacks.
  Before the table's initializer ran in this session it is TF1's
  ``FailedPreconditionError`` "Table not initialized.", the trap of forgetting
  ``sess.run(tf.tables_initializer())``.

Keys are strings (``bytes``, as minigraph's string tensors hold them) or int64; values int64.
"""

import uuid

import numpy as np

from minigraph import dtypes
from minigraph.api import export
from minigraph.errors import FailedPreconditionError
from minigraph.graph import GraphKeys, get_default_graph
from minigraph.op_def import OpDef, register
from minigraph.ops._util import make, make_op
from minigraph.ops.array_ops import size
from minigraph.ops.constant_op import as_tensor
from minigraph.ops.control_flow_ops import group, no_op
from minigraph.ops.data_ops import resource
from minigraph.ops.math_ops import cast, range_
from minigraph.tensor_shape import TensorShape

__all__ = ["HashTableV2", "LookupTableImportV2", "LookupTableFindV2", "TableHandle",
           "HashTable", "index_table_from_tensor", "tables_initializer",
           "initialize_all_tables", "TABLE_INITIALIZERS"]

#: the collection of the tables' initializers (TF1's ``tf.GraphKeys.TABLE_INITIALIZERS``)
TABLE_INITIALIZERS = GraphKeys.TABLE_INITIALIZERS


class TableHandle:
    """The value of a table op's output in a run (TF's resource handle): it names the table
    (``op``); the table's contents live in the session, in ``_State.tables[op]``."""

    __slots__ = ("op",)

    def __init__(self, op):
        self.op = op

    def __repr__(self):
        return "<table handle %s>" % self.op.name


def _key(k):
    """A key as the table holds it: a string as bytes, a number as a Python int."""
    if isinstance(k, str):
        return k.encode("utf-8")
    return k if isinstance(k, bytes) else int(k)


def not_initialized_error(reader):
    """TF1's error for a lookup (the op ``reader``) in a table never initialized in this
    session."""
    return FailedPreconditionError(
        reader.name, reader,
        "Table not initialized.\n  [[node %s, created at %s]]\n  Run "
        "sess.run(tf.tables_initializer()) first, in this session: each session has its own "
        "tables, as it has its own variables." % (reader.name, reader.site.with_source()))


@register
class HashTableV2(OpDef):
    """y = a handle to a hash table living in the session (empty until its initializer, a
    ``LookupTableImportV2``, runs). Attributes ``key_dtype``, ``value_dtype``, and TF1's
    ``shared_name``, ``container``, ``use_node_name_sharing`` (recorded; every table here is
    its session's own)."""
    kind = "variable"   # drawn as what lives in the session
    stateful = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return TensorShape([]), resource

    @classmethod
    def make_kernel(cls, op, state):
        handle = TableHandle(op)
        return lambda: handle


def _check_table_dtypes(table, keys, values):
    """TF1's check_table_dtypes: keys and values (or a lookup's default) of the table's
    dtypes."""
    attrs = table.op.attrs if table.op.type == "HashTableV2" else None
    if attrs is None:
        return
    for name, t, want in (("key", keys, attrs["key_dtype"]), ("value", values,
                                                                attrs["value_dtype"])):
        if t.dtype != want:
            raise TypeError("Invalid %s dtype for table, expected %r but got %r."
                            % (name, want, t.dtype))


@register
class LookupTableImportV2(OpDef):
    """Fills the table (input 0) with ``keys[i] -> values[i]``: the table's initializer. A
    table already filled in this session is left as it is (TF1's static tables are filled
    once); a key given twice with two values is TF1's FailedPreconditionError."""
    kind = "assign"
    stateful = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        table, keys, values = inputs
        _check_table_dtypes(table, keys, values)
        if not keys.shape.is_compatible_with(values.shape):
            raise ValueError("Shapes must be equal rank, but are %s and %s: the keys and the "
                             "values of a table" % (keys.shape.bracketed(),
                                                    values.shape.bracketed()))
        return []

    @classmethod
    def make_kernel(cls, op, state):
        tables = state.tables

        def kernel(handle, keys, values):
            __tracebackhide__ = True
            if handle.op in tables:
                return
            keys, values = np.asarray(keys), np.asarray(values)
            if keys.shape != values.shape:
                raise ValueError("Expected shape %s for value, got %s"
                                 % (list(keys.shape), list(values.shape)))
            table = {}
            for k, v in zip(keys.ravel(), values.ravel()):
                k = _key(k)
                if k in table and table[k] != v:
                    raise FailedPreconditionError(
                        op.name, op, "HashTable has different value for same key. Key %s has "
                        "%s and trying to add value %s"
                        % (k.decode("utf-8", "replace") if isinstance(k, bytes) else k,
                           table[k], v))
                table[k] = v
            tables[handle.op] = table
        return kernel


@register
class LookupTableFindV2(OpDef):
    """y[...] = table[keys[...]], or default_value for a key the table lacks: inputs
    ``(table, keys, default_value)``; y has the keys' shape and the values' dtype. Before the
    table's initializer ran in this session: FailedPreconditionError "Table not
    initialized."."""
    stateful = True        # its value depends on the session's table, not on its inputs alone
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        table, keys, default = inputs
        _check_table_dtypes(table, keys, default)
        if default.shape.ndims not in (None, 0):
            raise ValueError("Shape must be rank 0 but is rank %d: the default value of a "
                             "lookup" % default.shape.ndims)
        return keys.shape, default.dtype

    @classmethod
    def make_kernel(cls, op, state):
        tables = state.tables
        dtype = op.outputs[0].dtype.as_numpy_dtype

        def kernel(handle, keys, default):
            __tracebackhide__ = True
            table = tables.get(handle.op)
            if table is None:
                raise not_initialized_error(op)
            keys = np.asarray(keys)
            found = [table.get(_key(k), default) for k in keys.ravel()]
            return np.array(found, dtype=dtype).reshape(keys.shape)
        return kernel


# ------------------------------------------------------------------ tables, as TF1 builds them

class HashTable:
    """A static hash table (TF1's ``tf.contrib.lookup.HashTable``, ``StaticHashTableV1``),
    built in the current name scope as TF1 builds it: the default value ``Const``, the table
    ``hash_table`` (``HashTableV2``) and its initializer ``table_init/LookupTableImportV2``,
    added to :data:`TABLE_INITIALIZERS`.

    Args:
      keys, values: tensors of the same shape, the table's contents.
      default_value: what :meth:`lookup` gives for a key the table lacks.
    """

    def __init__(self, keys, values, default_value, name="hash_table"):
        graph = get_default_graph()
        self.default_value = as_tensor(default_value, dtype=values.dtype)
        self.resource_handle = make(HashTableV2, [], {
            "container": "", "shared_name": "hash_table_%s" % uuid.uuid4(),
            "use_node_name_sharing": False, "key_dtype": keys.dtype,
            "value_dtype": values.dtype}, name)
        self.name = self.resource_handle.op.name.split("/")[-1]
        with graph.name_scope("table_init"):
            self.initializer = make_op(LookupTableImportV2, [self.resource_handle, keys, values],
                                       None, "LookupTableImportV2")
        graph.add_to_collection(TABLE_INITIALIZERS, self.initializer)

    @property
    def key_dtype(self):
        return self.resource_handle.op.attrs["key_dtype"]

    @property
    def value_dtype(self):
        return self.resource_handle.op.attrs["value_dtype"]

    def lookup(self, keys, name=None):
        """The values of ``keys`` (a tensor of the table's key dtype): a
        ``<table>_Lookup/LookupTableFindV2`` op."""
        keys = as_tensor(keys)
        if keys.dtype != self.key_dtype:
            raise TypeError("Dtype of argument `keys` must be %r, received: %r"
                            % (self.key_dtype, keys.dtype))
        with get_default_graph().name_scope(name or "%s_Lookup" % self.name):
            return make(LookupTableFindV2, [self.resource_handle, keys, self.default_value],
                        None, "LookupTableFindV2")

    def __repr__(self):
        return "<HashTable %s: %s -> %s>" % (self.resource_handle.op.name, self.key_dtype.name,
                                             self.value_dtype.name)


def index_table_from_tensor(vocabulary_list, num_oov_buckets=0, default_value=-1,
                            dtype=dtypes.string, name=None):
    """A table from each word of ``vocabulary_list`` to its index (int64), ``default_value``
    for any other word, built as TF1's ``index_table_from_tensor``: in the scope ``name``
    (default ``string_to_index``), the vocabulary ``Const``, its ``Size``, the indices
    ``Cast(range(Size))``, and a :class:`HashTable` in the scope ``hash_table``. Out of
    vocabulary buckets (``num_oov_buckets``) are not in minigraph."""
    if num_oov_buckets:
        raise NotImplementedError("num_oov_buckets is not in minigraph: out-of-vocabulary "
                                  "words all get default_value")
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_integer and dtype != dtypes.string:
        raise TypeError("`dtype` must either be integer or string.")
    graph = get_default_graph()
    with graph.name_scope(name or "string_to_index"):
        keys = as_tensor(vocabulary_list)
        if keys.dtype.is_integer != dtype.is_integer:
            raise ValueError("Invalid `dtype`: Expected %s, got %s."
                             % ("integer" if dtype.is_integer else "non-integer",
                                keys.dtype.name))
        values = cast(range_(size(keys)), dtypes.int64)
        with graph.name_scope("hash_table"):
            table_keys = cast(keys, dtypes.int64) if keys.dtype.is_integer else keys
            return HashTable(table_keys, values, default_value)


@export("tables_initializer")
def tables_initializer(name="init_all_tables"):
    """``tf.tables_initializer()``: one op that initializes every table of the default graph
    (a ``NoOp`` after their initializers, named ``init_all_tables``; a plain ``NoOp`` if
    there are none). Run it once per session, like ``tf.global_variables_initializer()``."""
    initializers = get_default_graph().get_collection(TABLE_INITIALIZERS)
    if initializers:
        return group(*initializers, name=name)
    return no_op(name=name)


@export("initialize_all_tables")
def initialize_all_tables(name="init_all_tables"):
    """``tf.initialize_all_tables()``: the old name of :func:`tables_initializer`."""
    return tables_initializer(name)
