"""``tf.data`` in graph mode, as TF1 programs use it: datasets, iterators, ``get_next``.

    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))   # numpy arrays
    dataset = dataset.shuffle(1000, seed=0).batch(32).repeat(2)
    iterator = dataset.make_initializable_iterator()
    x, y = iterator.get_next()            # two tensors: a new batch at every run
    loss = ...(x, y)...
    with tf.Session() as sess:
        sess.run(iterator.initializer)    # start at the beginning (again: start over)
        while True:
            try:
                sess.run(train_op)
            except tf.errors.OutOfRangeError:   # the end of the data: TF1's way to say so
                break

A :class:`Dataset` is a description of a pipeline; building one adds dataset ops
(``TensorSliceDataset``, ``BatchDatasetV2``...) to the graph and computes nothing. An
iterator lives in the *session*, like a variable (:mod:`minigraph.ops.data_ops`):
``iterator.get_next()`` is an ``IteratorGetNext`` op, a stateful source that gives the next
element at each ``Session.run`` that executes it (once per run, however many fetches use
it). Elements may be tuples and dicts of components (``tf.data`` nests them as TF does:
dicts in sorted key order); the static shapes, dtypes and op names are TF1's.

Not as TF1 does: the dataset ops are built for what the program calls (TF1 adds a few
internal ops that minigraph leaves out, e.g. a ``seed2`` subgraph computing ``shuffle``'s
second seed: here it is a constant); a dataset's value in a run is a small Python
object, not a C++ one; a tensor of your graph that a ``map`` function uses is captured by
value when the dataset is computed (by the initializer), a variable included; ``prefetch``
does nothing; ``shuffle`` draws
from numpy's generator, so its order differs from TF's (its semantics do not: the buffer, the
seeds, ``reshuffle_each_iteration``).
"""

import types as _types

from minigraph import dtypes
from minigraph.function import TensorSpec
from minigraph.graph import Graph, Tensor, get_default_graph
from minigraph.ops import data_ops
from minigraph.ops._util import make, make_op
from minigraph.ops.array_ops import constant_value, placeholder
from minigraph.ops.constant_op import constant, convert_to_tensor
from minigraph.ops.random_ops import get_seed
from minigraph.tensor_shape import TensorShape, as_shape
from minigraph.topo import toposort

__all__ = ["Dataset", "Iterator", "get_output_types", "get_output_shapes",
           "get_output_classes", "make_one_shot_iterator", "make_initializable_iterator",
           "AUTOTUNE", "experimental"]

#: ``tf.data.experimental.AUTOTUNE``: let TF pick a buffer size or parallelism (ignored here)
AUTOTUNE = -1
#: ``tf.data.experimental``: only ``AUTOTUNE``
experimental = _types.ModuleType("minigraph.data.experimental",
                                 "tf.data.experimental: only AUTOTUNE.")
experimental.AUTOTUNE = AUTOTUNE

#: what TF1's ``tf.data.Dataset`` and ``tf.data.Iterator`` have that minigraph has not (yet):
#: asking for one says so, naming the TF1 API
_TF1_ONLY = {
    "Dataset": frozenset(
        "as_numpy_iterator bucket_by_sequence_length cache cardinality choose_from_datasets "
        "counter enumerate filter_with_legacy_function fingerprint flat_map from_generator "
        "from_sparse_tensor_slices get_single_element group_by_window ignore_errors "
        "interleave list_files load map_with_legacy_function options padded_batch "
        "ragged_batch random rebatch reduce rejection_resample sample_from_datasets save "
        "scan shard snapshot sparse_batch take_while unbatch unique window "
        "with_options".split()),
    "Iterator": frozenset(["get_next_as_optional"]),
}


def _missing(owner, what, name):
    """The AttributeError for ``name``, missing on ``owner`` (``tf.data.<what>`` or one of
    its instances): it says when TF1 has that name."""
    usual = "%s has no attribute %r" % (owner, name)
    if name.startswith("_") or name not in _TF1_ONLY[what]:
        return AttributeError(usual)
    return AttributeError(
        "%s: TF1's tf.data.%s.%s is not in minigraph (yet). minigraph runs a part of TF1's "
        "API; \"Running TF1 code you found\" in its README lists what is there and what is "
        "not." % (usual, what, name))


class _Missing(type):
    """The metaclass of Dataset and Iterator: ``tf.data.Dataset.from_generator`` (a TF1 name
    minigraph lacks) says so."""

    def __getattr__(cls, name):
        raise _missing("type object %r" % cls.__name__, cls.__name__, name)


# ------------------------------------------------------------------------------------------
# Nests: an element is a tuple / dict (sorted keys, as TF) of components
# ------------------------------------------------------------------------------------------

def _is_nest(x):
    return isinstance(x, (tuple, dict))


def _flatten(x):
    """The leaves of ``x`` in TF's order: tuples in order, dicts by sorted key."""
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in _flatten(x[k])]
    if isinstance(x, tuple):
        return [leaf for v in x for leaf in _flatten(v)]
    return [x]


def _pack(structure, flat):
    """``flat`` (leaves) in the shape of ``structure``."""
    leaves = iter(flat)

    def build(s):
        if isinstance(s, dict):
            built = {k: build(s[k]) for k in sorted(s)}
            return type(s)((k, built[k]) for k in s)
        if isinstance(s, tuple):
            parts = [build(v) for v in s]
            return type(s)(*parts) if hasattr(s, "_fields") else tuple(parts)
        return next(leaves)
    return build(structure)


def _map(fn, structure):
    return _pack(structure, [fn(leaf) for leaf in _flatten(structure)])


def _same_structure(a, b):
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b) and \
            all(_same_structure(a[k], b[k]) for k in a)
    if isinstance(a, tuple) or isinstance(b, tuple):
        return isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and \
            all(_same_structure(x, y) for x, y in zip(a, b))
    return True


def _describe(structure, leaf):
    """TF1's way to print a nest: ``((2,), ())``, ``{a: (2,), b: ()}``."""
    if isinstance(structure, dict):
        return "{%s}" % ", ".join("%s: %s" % (k, _describe(structure[k], leaf))
                                  for k in sorted(structure))
    if isinstance(structure, tuple):
        parts = [_describe(v, leaf) for v in structure]
        return "(%s,)" % parts[0] if len(parts) == 1 else "(%s)" % ", ".join(parts)
    return leaf(structure)


# ------------------------------------------------------------------------------------------
# Dataset
# ------------------------------------------------------------------------------------------

class _Elements:
    """What a ``Dataset`` and an ``Iterator`` say of their elements, from ``self._spec`` (a
    nest of ``tf.TensorSpec``)."""

    @property
    def output_types(self):
        """The dtypes of an element's components, in its structure."""
        return _map(lambda s: s.dtype, self._spec)

    @property
    def output_shapes(self):
        """The static shapes of an element's components, in its structure."""
        return _map(lambda s: s.shape, self._spec)

    @property
    def output_classes(self):
        return _map(lambda s: Tensor, self._spec)

    @property
    def element_spec(self):
        """An element as a nest of ``tf.TensorSpec``."""
        return self._spec


class Dataset(_Elements, metaclass=_Missing):
    """A pipeline of elements (``tf.data.Dataset``, TF1's ``DatasetV1``).

    Make one with :meth:`from_tensor_slices`, :meth:`from_tensors` or :meth:`range`; each
    transformation (``batch``, ``shuffle``, ``map``...) returns a new dataset and adds one
    dataset op to the graph. Nothing is computed until an iterator's ``get_next`` runs.
    """

    def __init__(self, variant, spec):
        self._variant_tensor = variant   # the dataset op's output: a DatasetValue in a run
        self._spec = spec                # the element: a nest of TensorSpec

    # -- sources ----------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """The dataset of the slices of ``tensors`` along their first dimension.

        ``tensors`` is a tensor, a numpy array or Python list, or a tuple/dict of them
        (every component with the same first dimension): ``from_tensor_slices((x, y))``
        gives the elements ``(x[i], y[i])``. Placeholders are fed when the iterator's
        initializer runs."""
        components, structure = _components(tensors)
        first = TensorShape(None)
        for c in components:
            if c.shape.ndims == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
            if c.shape.ndims is not None:
                try:
                    first = first.merge_with(c.shape[:1])
                except ValueError:
                    raise ValueError("Dimensions %s and %s are not compatible"
                                     % (first[0], c.shape[0])) from None
        specs = [TensorSpec(c.shape[1:], c.dtype) for c in components]
        return _make(data_ops.TensorSliceDataset, components, structure, specs,
                     {"is_files": False}, types_attr="Toutput_types")

    @staticmethod
    def from_tensors(tensors, name=None):
        """The dataset of one element: ``tensors`` (a tensor, array, or tuple/dict)."""
        components, structure = _components(tensors)
        specs = [TensorSpec(c.shape, c.dtype) for c in components]
        return _make(data_ops.TensorDataset, components, structure, specs, {},
                     types_attr="Toutput_types")

    @staticmethod
    def range(*args, output_type=dtypes.int64, name=None):
        """The dataset ``start, start + step, ...`` up to ``stop`` (excluded), as Python's
        ``range(stop)``, ``range(start, stop)``, ``range(start, stop, step)``; int64
        scalars."""
        if not 1 <= len(args) <= 3:
            raise ValueError("Invalid `args`. The length of `args` should be between 1 and 3 "
                             "but was %d." % len(args))
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (
            (args[0], args[1], 1) if len(args) == 2 else args)
        inputs = [convert_to_tensor(v, dtypes.int64, name=n)
                  for v, n in ((start, "start"), (stop, "stop"), (step, "step"))]
        spec = TensorSpec([], dtypes.as_dtype(output_type))
        return _make(data_ops.RangeDataset, inputs, spec, [spec], {})

    @staticmethod
    def zip(datasets, name=None):
        """The dataset of the elements of ``datasets`` (a tuple or dict of datasets) side
        by side, as long as the shortest."""
        flat = _flatten(datasets)
        if not all(isinstance(d, Dataset) for d in flat):
            raise TypeError("Dataset.zip expects a tuple or dict of datasets, got %r"
                            % (datasets,))
        spec = _map(lambda d: d._spec, datasets)
        return _make(data_ops.ZipDataset, [d._variant_tensor for d in flat], spec,
                     _flatten(spec), {"N": len(flat)})

    # -- transformations ---------------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        """Batches of ``batch_size`` consecutive elements, each component stacked on a new
        first axis. The last batch is smaller, unless ``drop_remainder``: so the static
        batch dimension is ``None`` (``?``), or ``batch_size`` with ``drop_remainder=True``."""
        size = convert_to_tensor(batch_size, dtypes.int64, name="batch_size")
        drop = convert_to_tensor(drop_remainder, dtypes.bool, name="drop_remainder")
        known_size, known_drop = constant_value(size), constant_value(drop)
        dim = int(known_size) if known_drop is not None and bool(known_drop) and \
            known_size is not None else None
        spec = _map(lambda s: TensorSpec(TensorShape([dim]).concatenate(s.shape), s.dtype),
                    self._spec)
        return self._then(data_ops.BatchDatasetV2, [size, drop], spec,
                          {"parallel_copy": False})

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        """The elements in random order, through a buffer of ``buffer_size`` elements: the
        buffer starts with the first ``buffer_size``; each element given is drawn uniformly
        from it and replaced by the next one. A buffer as large as the dataset gives a
        uniformly random permutation; a small one only mixes neighbours.

        ``seed`` (with ``tf.set_random_seed``'s graph seed, by TF1's rules) fixes the order:
        each start of an iterator gives the same sequence. ``reshuffle_each_iteration``
        (default True): a new order for every epoch of a ``repeat`` after it; False: every
        epoch in the same order."""
        buffer = convert_to_tensor(buffer_size, dtypes.int64, name="buffer_size")
        seed1, seed2 = get_seed(seed)
        if seed1 is None:       # no seed at all: TF1's (0, 0), "pick random seeds"
            seed1, seed2 = 0, 0
        elif seed1 == 0 and seed2 == 0:  # TF1 keeps a real (0, 0) apart from "unseeded"
            seed2 = 2**31 - 1
        seeds = [constant(seed1, dtypes.int64, name="seed"),
                 constant(seed2, dtypes.int64, name="seed2")]
        reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        return self._then(data_ops.ShuffleDataset, [buffer] + seeds, self._spec,
                          {"reshuffle_each_iteration": reshuffle})

    def repeat(self, count=None, name=None):
        """The elements ``count`` times over; forever with ``count=None`` (or -1)."""
        count = convert_to_tensor(-1 if count is None else count, dtypes.int64, name="count")
        return self._then(data_ops.RepeatDataset, [count], self._spec, {})

    def take(self, count, name=None):
        """The first ``count`` elements (all of them for -1)."""
        count = convert_to_tensor(count, dtypes.int64, name="count")
        return self._then(data_ops.TakeDataset, [count], self._spec, {})

    def skip(self, count, name=None):
        """The elements after the first ``count`` (none for -1)."""
        count = convert_to_tensor(count, dtypes.int64, name="count")
        return self._then(data_ops.SkipDataset, [count], self._spec, {})

    def prefetch(self, buffer_size, name=None):
        """The same elements. TF prepares ``buffer_size`` of them ahead on another thread;
        minigraph runs in one thread, so this changes nothing (it is accepted, as TF1 code
        writes it)."""
        buffer = convert_to_tensor(buffer_size, dtypes.int64, name="buffer_size")
        return self._then(data_ops.PrefetchDataset, [buffer], self._spec,
                          {"legacy_autotune": True, "slack_period": 0})

    def concatenate(self, dataset, name=None):
        """The elements of this dataset, then those of ``dataset`` (same structure and
        dtypes)."""
        if not _same_structure(self._spec, dataset._spec):
            raise TypeError("Incompatible dataset elements:\n%s vs. %s"
                            % (_describe(self._spec, repr), _describe(dataset._spec, repr)))
        mine, theirs = _flatten(self._spec), _flatten(dataset._spec)
        if [s.dtype for s in mine] != [s.dtype for s in theirs]:
            raise TypeError("Incompatible dataset elements:\n%s vs. %s"
                            % (_describe(self._spec, repr), _describe(dataset._spec, repr)))
        specs = [TensorSpec(_most_specific_compatible(a.shape, b.shape), a.dtype)
                 for a, b in zip(mine, theirs)]
        return _make(data_ops.ConcatenateDataset,
                     [self._variant_tensor, dataset._variant_tensor],
                     _pack(self._spec, specs), specs, {})

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """``map_func`` applied to each element. It is called once, now, on placeholder-like
        tensors standing for one element's components (a tuple element is passed as
        separate arguments, a dict as one), and what it builds is traced into a graph of its
        own; the session runs that graph for each element. After ``batch``, it sees whole
        batches. ``num_parallel_calls`` is accepted and ignored (one thread)."""
        fn, spec, captured = _trace(map_func, self._spec,
                                    "Dataset_map_" + _func_name(map_func))
        return self._then(data_ops.MapDataset, captured, spec, {
            "f": fn, "Targuments": [t.dtype for t in captured],
            "use_inter_op_parallelism": True, "preserve_cardinality": False})

    def filter(self, predicate, name=None):
        """The elements for which ``predicate`` (traced as ``map``'s function) gives a
        scalar ``tf.bool`` True."""
        fn, spec, captured = _trace(predicate, self._spec,
                                    "Dataset_filter_" + _func_name(predicate))
        flat = _flatten(spec)
        if len(flat) != 1 or flat[0].dtype != dtypes.bool or \
                not flat[0].shape.is_compatible_with([]):
            raise ValueError("Invalid `predicate`. `predicate` must return a `tf.bool` scalar "
                             "tensor, but its return type is %s." % _describe(spec, repr))
        return self._then(data_ops.FilterDataset, captured, self._spec,
                          {"predicate": fn, "Targuments": [t.dtype for t in captured]})

    def apply(self, transformation_func):
        """``transformation_func(self)``, which must return a dataset."""
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError("`transformation_func` must return a Dataset.")
        return out

    # -- iterators ----------------------------------------------------------------------------
    def make_one_shot_iterator(self):
        """An iterator that starts itself on this dataset at its first use in a session and
        cannot be restarted (no ``initializer``). The dataset may not depend on a
        placeholder: nothing could feed it."""
        for op in toposort([self._variant_tensor.op]):
            if op.type == "Placeholder":
                raise ValueError("Cannot capture a placeholder (name:%s, type:Placeholder) "
                                 "by value." % op.name)
        flat = _flatten(self._spec)
        resource = make(data_ops.OneShotIterator, [], {
            "dataset_factory": self._variant_tensor, "container": "", "shared_name": "",
            "output_types": [s.dtype for s in flat], "output_shapes": [s.shape for s in flat]})
        return Iterator(resource, None, self._spec)

    def make_initializable_iterator(self, shared_name=None):
        """An iterator and its ``initializer``, the op that (re)starts it at the beginning
        of this dataset: run it before the first ``get_next``, and again to start over.
        Placeholders of the pipeline are fed in the run of the initializer."""
        resource = _iterator_resource(self._spec, shared_name)
        initializer = make_op(data_ops.MakeIterator, [self._variant_tensor, resource], {},
                              "MakeIterator")
        return Iterator(resource, initializer, self._spec)

    def __getattr__(self, name):
        raise _missing("'Dataset' object", "Dataset", name)

    def __iter__(self):
        raise RuntimeError("`tf.data.Dataset` only supports Python-style iteration in eager "
                           "mode or within tf.function. In a TF1 graph, take elements with "
                           "an iterator: `next_element = dataset.make_one_shot_iterator()"
                           ".get_next()`, then `sess.run(next_element)`.")

    def __repr__(self):
        return "<%s shapes: %s, types: %s>" % (
            self._variant_tensor.op.type, _describe(self._spec, lambda s: str(s.shape)),
            _describe(self._spec, lambda s: repr(s.dtype)))

    # -- building ---------------------------------------------------------------------------------
    def _then(self, opdef, inputs, spec, attrs, specs=None):
        """The dataset made by ``opdef`` from this one and ``inputs``."""
        return _make(opdef, [self._variant_tensor] + list(inputs), spec,
                     _flatten(spec) if specs is None else specs, attrs)


def _make(opdef, inputs, spec, flat_specs, attrs, types_attr="output_types"):
    """A new dataset: an op of type ``opdef`` whose elements are ``spec``."""
    attrs = dict(attrs)
    attrs[types_attr] = [s.dtype for s in flat_specs]
    attrs["output_shapes"] = [s.shape for s in flat_specs]
    return Dataset(make(opdef, inputs, attrs), _pack(spec, flat_specs))


def _components(tensors):
    """The component tensors of ``tensors`` (a tuple/dict nest), in TF's order, and the nest
    of specs. Values that are not tensors become constants ``normalize_element/
    component_<i>``, as in TF1."""
    flat = _flatten(tensors)
    if not flat:
        raise ValueError("A dataset needs at least one component, got %r" % (tensors,))
    with get_default_graph().name_scope("normalize_element"):
        components = [convert_to_tensor(v, name="component_%d" % i)
                      for i, v in enumerate(flat)]
    return components, _pack(tensors, [TensorSpec(c.shape, c.dtype) for c in components])


def _most_specific_compatible(a, b):
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


def _func_name(fn):
    return getattr(fn, "__name__", type(fn).__name__)


class _FunctionGraph(Graph):
    """The graph a dataset function is traced into (TF's ``FuncGraph``). A tensor of the
    outer graph that the function uses is *captured*: replaced inside by a placeholder,
    and given to the dataset op as an input, so its value is computed when the dataset is
    (by the iterator's initializer) and fed to each call."""

    def __init__(self, outer):
        super().__init__()
        self.seed = outer.seed
        self.captures = {}   # outer tensor -> the placeholder standing for it inside

    def capture(self, t):
        inner = self.captures.get(t)
        if inner is None:
            with self.name_scope(None):
                inner = placeholder(t.dtype, t.shape, name=t.op.name.replace("/", "_"))
            self.captures[t] = inner
        return inner

    def create_op(self, opdef, inputs, attrs=None, name=None, site=None):
        __tracebackhide__ = True
        inputs = [t if t.op.graph is self else self.capture(t) for t in inputs]
        return super().create_op(opdef, inputs, attrs, name, site)


def _trace(func, spec, name):
    """Trace ``func`` on placeholders standing for one element of ``spec``: the
    :class:`~minigraph.ops.data_ops.TracedFunction`, the nest of specs it returns, and the
    outer tensors it captured (the dataset op's extra inputs)."""
    graph = _FunctionGraph(get_default_graph())
    with graph.as_default():
        flat = _flatten(spec)
        args = [placeholder(s.dtype, s.shape, name="args_%d" % i) for i, s in enumerate(flat)]
        element = _pack(spec, args)
        ret = func(*element) if type(element) is tuple else func(element)
        if isinstance(ret, list):   # TF1 reads a returned list as a tuple
            ret = tuple(ret)
        if ret is None:
            raise ValueError("%s returned None: a dataset function must return the new "
                             "element (a tensor, or a tuple/dict of them)." % name)
        outputs = []
        for v in _flatten(ret):
            t = v._as_graph_tensor() if hasattr(v, "_as_graph_tensor") else \
                convert_to_tensor(v)
            outputs.append(t if t.graph is graph else graph.capture(t))
    captured = list(graph.captures)
    fn = data_ops.TracedFunction(name, graph, args + [graph.captures[t] for t in captured],
                                 outputs)
    return fn, _pack(ret, [TensorSpec(t.shape, t.dtype) for t in outputs]), captured


# ------------------------------------------------------------------------------------------
# Iterator
# ------------------------------------------------------------------------------------------

class Iterator(_Elements, metaclass=_Missing):
    """An iterator over a dataset (``tf.data.Iterator``): its position lives in the session.

    Made by ``dataset.make_one_shot_iterator()``, ``dataset.make_initializable_iterator()``,
    or :meth:`from_structure` (one iterator, several datasets of the same structure, e.g.
    training and validation: ``make_initializer(dataset)`` for each).
    """

    def __init__(self, resource, initializer, spec):
        self._resource = resource        # the iterator op's output: a handle in a run
        self._initializer = initializer
        self._spec = spec
        # as TF1: every iterator has its string handle op, and is in the "iterators" collection
        self._string_handle = make(data_ops.IteratorToStringHandle, [resource], {},
                                   "IteratorToStringHandle")
        resource.graph.add_to_collection("iterators", resource)

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None,
                       output_classes=None):
        """An iterator for elements of these dtypes (and static shapes: unknown if not
        given), not yet bound to a dataset: ``make_initializer(dataset)`` makes the op that
        starts it on ``dataset``. Run one initializer, then another, to switch datasets."""
        spec = _spec_of(output_types, output_shapes)
        return Iterator(_iterator_resource(spec, shared_name), None, spec)

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None,
                           output_classes=None):
        """A "feedable" iterator: ``get_next`` reads whichever iterator the string fed to
        ``string_handle`` (a ``tf.string`` placeholder) names; get those strings with
        ``sess.run(other_iterator.string_handle())``."""
        spec = _spec_of(output_types, output_shapes)
        flat = _flatten(spec)
        handle = convert_to_tensor(string_handle, dtypes.string)
        resource = make(data_ops.IteratorFromStringHandleV2, [handle], {
            "output_types": [s.dtype for s in flat], "output_shapes": [s.shape for s in flat]})
        return Iterator(resource, None, spec)

    @property
    def initializer(self):
        """The op that starts this iterator on its dataset (``make_initializable_iterator``)."""
        if self._initializer is None:
            raise ValueError("The iterator does not have an initializer. This means it was "
                             "likely created using `tf.data.Dataset.make_one_shot_iterator()`. "
                             "For an initializable iterator, use "
                             "`tf.data.Dataset.make_initializable_iterator()` instead.")
        return self._initializer

    def make_initializer(self, dataset, name=None):
        """The op that starts this iterator at the beginning of ``dataset``, whose elements
        must have this iterator's structure and dtypes (and compatible shapes)."""
        if not _same_structure(self._spec, dataset._spec):
            raise ValueError("The two structures don't have the same nested structure.\n\n"
                             "First structure: %s\n\nSecond structure: %s"
                             % (_describe(self.output_types, repr),
                                _describe(dataset.output_types, repr)))
        mine, theirs = _flatten(self._spec), _flatten(dataset._spec)
        if [s.dtype for s in mine] != [s.dtype for s in theirs]:
            raise TypeError("Expected output types %s but got dataset with output types %s."
                            % (_describe(self.output_types, repr),
                               _describe(dataset.output_types, repr)))
        if not all(a.shape.is_compatible_with(b.shape) for a, b in zip(mine, theirs)):
            raise TypeError("Expected output shapes compatible with %s but got dataset with "
                            "output shapes %s."
                            % (_describe(self.output_shapes, repr),
                               _describe(dataset.output_shapes, repr)))
        return make_op(data_ops.MakeIterator, [dataset._variant_tensor, self._resource], {},
                       name or "make_initializer")

    def get_next(self, name=None):
        """The next element, as tensors in the element's structure: one ``IteratorGetNext``
        op, a stateful source. Each run that executes it takes a new element, once per run
        however many fetches use it; at the end of the data the run raises
        ``tf.errors.OutOfRangeError``. Call it once and reuse its tensors: each call makes
        another op that takes elements of its own."""
        flat = _flatten(self._spec)
        op = make_op(data_ops.IteratorGetNext, [self._resource], {
            "output_types": [s.dtype for s in flat], "output_shapes": [s.shape for s in flat]},
            name or "IteratorGetNext")
        return _pack(self._spec, list(op.outputs))

    def string_handle(self, name=None):
        """A string tensor naming this iterator, to feed to ``from_string_handle``'s
        placeholder."""
        if name is None:
            return self._string_handle
        return make(data_ops.IteratorToStringHandle, [self._resource], {}, name)

    def __getattr__(self, name):
        raise _missing("'Iterator' object", "Iterator", name)

    def __repr__(self):
        return "<tf.data.Iterator %s shapes: %s, types: %s>" % (
            self._resource.op.name, _describe(self._spec, lambda s: str(s.shape)),
            _describe(self._spec, lambda s: repr(s.dtype)))


def _iterator_resource(spec, shared_name=None):
    """A new ``IteratorV2`` op for elements of ``spec``: its output is the iterator."""
    flat = _flatten(spec)
    return make(data_ops.IteratorV2, [], {
        "container": "", "shared_name": shared_name or "",
        "output_types": [s.dtype for s in flat], "output_shapes": [s.shape for s in flat]},
        "IteratorV2")


def _spec_of(output_types, output_shapes):
    """The nest of TensorSpec of ``output_types`` and ``output_shapes`` (unknown shapes if
    None): ``output_types`` gives the structure; a shape may be a tuple itself."""
    types = _map(dtypes.as_dtype, output_types)
    flat_types = _flatten(types)
    if output_shapes is None:
        flat_shapes = [TensorShape(None)] * len(flat_types)
    else:
        try:
            flat_shapes = [as_shape(s) for s in _flatten_up_to(types, output_shapes)]
        except (KeyError, IndexError, TypeError, ValueError):
            raise ValueError("`output_shapes` %r does not have the structure of "
                             "`output_types` %r" % (output_shapes, output_types)) from None
    return _pack(types, [TensorSpec(s, t) for t, s in zip(flat_types, flat_shapes)])


def _flatten_up_to(structure, value):
    """The parts of ``value`` at the leaves of ``structure`` (a shape at a leaf may be a
    tuple itself)."""
    if isinstance(structure, dict):
        if sorted(value) != sorted(structure):
            raise KeyError(sorted(value))
        return [leaf for k in sorted(structure) for leaf in _flatten_up_to(structure[k],
                                                                           value[k])]
    if isinstance(structure, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(structure):
            raise ValueError(value)
        return [leaf for s, v in zip(structure, value) for leaf in _flatten_up_to(s, v)]
    return [value]


# ------------------------------------------------------------------------------------------
# tf.compat.v1.data functions
# ------------------------------------------------------------------------------------------

def get_output_types(dataset_or_iterator):
    """``dataset_or_iterator.output_types``."""
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    """``dataset_or_iterator.output_shapes``."""
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    """``dataset_or_iterator.output_classes``."""
    return dataset_or_iterator.output_classes


def make_one_shot_iterator(dataset):
    """``dataset.make_one_shot_iterator()``."""
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset, shared_name=None):
    """``dataset.make_initializable_iterator()``."""
    return dataset.make_initializable_iterator(shared_name)
