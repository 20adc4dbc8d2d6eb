"""The graph ops of ``tf.data``: datasets, iterators, and ``IteratorGetNext``.

How a TF1 input pipeline runs, and how minigraph runs it:

* A **dataset op** (``TensorSliceDataset``, ``BatchDatasetV2``, ``ShuffleDataset``...) is an
  ordinary graph op whose one output is a *variant*: a description of the pipeline with the
  values of its inputs bound (the arrays to slice, the batch size...). Computing it computes
  no element. Its inputs are graph tensors, so a placeholder in a pipeline is fed when the
  run that computes the dataset runs: the iterator's initializer.
* An **iterator** is a resource that lives in the session, like a variable: ``IteratorV2``
  (or ``OneShotIterator``) outputs a handle to it, and its *position* in its dataset is kept
  in the session (``_State.iterators``), never on the graph. Two sessions iterate
  independently; closing a session forgets its iterators.
* ``MakeIterator`` (``iterator.initializer``) puts the iterator at the start of a dataset
  value; running it again restarts.
* ``IteratorGetNext`` is a **stateful source**: each run that executes it takes the next
  element, once per run however many fetches use it; at the end it raises
  ``tf.errors.OutOfRangeError`` ("End of sequence"), and before any initializer
  ``FailedPreconditionError``, both as TF1 does. The session keeps working: run the
  initializer again and go on.

What differs from TF1, on purpose: TF's dataset values are C++ objects; here a dataset value
is a small Python object (a :class:`DatasetValue`) whose ``elements`` generator yields each
element as a tuple of numpy arrays, one per component. A ``OneShotIterator`` keeps its
dataset's variant tensor as an attribute, as TF keeps a ``dataset_factory`` function, and
computes it once, at the first run that uses the iterator. A map function is traced into a
graph of its own (TF's function library) and run by the session for each element, with
the values of the outer tensors it captured as the dataset op's extra inputs: see
:mod:`minigraph.data`, which builds these ops.
"""

import numpy as np

from minigraph import dtypes
from minigraph.errors import FailedPreconditionError, OutOfRangeError
from minigraph.op_def import OpDef, register
from minigraph.tensor_shape import TensorShape

__all__ = ["variant", "resource", "DatasetValue", "IteratorHandle", "not_initialized_error",
           "TracedFunction"]

#: the dtype of a dataset op's output (TF's ``tf.variant``): a DatasetValue in a run
variant = dtypes.DType("variant", np.object_)
#: the dtype of an iterator op's output (TF's ``tf.resource``): an IteratorHandle in a run
resource = dtypes.DType("resource", np.object_)


# ------------------------------------------------------------------------------------------
# Dataset values: what a dataset op computes
# ------------------------------------------------------------------------------------------

class DatasetValue:
    """The value of a dataset op's output in a run: how to produce the elements, with the
    values of the op's inputs bound. ``elements(ctx)`` is a generator of elements, each a
    tuple of arrays (one per component, in ``nest`` order); ``ctx`` is a dict that belongs to
    one start of one iterator (a shuffle keeps its random generator there)."""

    def elements(self, ctx):
        raise NotImplementedError

    def describe(self):
        """What this stage does, in a few words (for the repr)."""
        name = type(self).__name__.lstrip("_").lower()
        if "count" in self.__dict__:
            return "%s(%d)" % (name, self.count)
        if "sources" in self.__dict__:
            return "%s of %d datasets" % (name, len(self.sources))
        return name

    def __repr__(self):
        stages, value = [], self
        while value is not None:
            stages.append(value.describe())
            value = getattr(value, "source", None)
        return "<dataset value: %s>" % " <- ".join(stages)


def _frozen(a):
    """``a`` as an array nobody will write into: a read-only array (a constant's already
    is), else a read-only copy (a fed array stays the caller's). Elements are read-only
    views of it, so a fetched element is always a copy (``Plan.results``)."""
    a = np.asarray(a)
    if a.flags.writeable:
        a = a.copy()
        a.flags.writeable = False
    return a


class _Slices(DatasetValue):
    def __init__(self, arrays):
        self.arrays = arrays

    def describe(self):
        return "slices of %d rows of %s" % (len(self.arrays[0]), ", ".join(
            "%s%s" % (a.dtype, list(a.shape)) for a in self.arrays))

    def elements(self, ctx):
        arrays = self.arrays
        for i in range(len(arrays[0])):
            yield tuple(a[i] for a in arrays)


class _Tensors(DatasetValue):
    def __init__(self, arrays):
        self.arrays = arrays

    def describe(self):
        return "one element of %s" % ", ".join("%s%s" % (a.dtype, list(a.shape))
                                                for a in self.arrays)

    def elements(self, ctx):
        yield tuple(self.arrays)


class _Range(DatasetValue):
    def __init__(self, start, stop, step, dtype):
        self.range = range(start, stop, step)
        self.dtype = dtype

    def describe(self):
        return "range(%d, %d, %d)" % (self.range.start, self.range.stop, self.range.step)

    def elements(self, ctx):
        dtype = self.dtype
        for v in self.range:
            yield (np.array(v, dtype=dtype),)


class _Batch(DatasetValue):
    def __init__(self, source, size, drop_remainder):
        self.source, self.size, self.drop_remainder = source, size, drop_remainder

    def describe(self):
        return "batches of %d%s" % (self.size, ", drop_remainder" if self.drop_remainder
                                    else "")

    def elements(self, ctx):
        size = self.size
        if type(self.source) is _Slices:   # consecutive rows: a slice of each array
            arrays = self.source.arrays
            n = len(arrays[0])
            stop = n - n % size if self.drop_remainder else n
            for i in range(0, stop, size):
                yield tuple(a[i:i + size] for a in arrays)
            return
        batch = []
        for element in self.source.elements(ctx):
            batch.append(element)
            if len(batch) == size:
                yield _stack(batch)
                batch = []
        if batch and not self.drop_remainder:
            yield _stack(batch)


def _stack(batch):
    """One batch: each component's values stacked along a new first axis."""
    out = []
    for i in range(len(batch[0])):
        parts = [element[i] for element in batch]
        try:
            out.append(np.stack(parts))
        except ValueError:
            shape = np.shape(parts[0])
            bad = next(p for p in parts if np.shape(p) != shape)
            raise ValueError(
                "Cannot add tensor to the batch: number of elements does not match. "
                "Shapes are: [tensor]: [%s], [batch]: [%s] (component %d; batch() needs "
                "elements of one shape)" % (",".join(map(str, np.shape(bad))),
                                             ",".join(map(str, shape)), i)) from None
    return tuple(out)


class _Shuffle(DatasetValue):
    """TF's shuffle buffer: the first ``buffer_size`` elements fill a buffer; each element
    given is drawn uniformly from the buffer, and its place taken by the next input element.
    A buffer at least as large as the dataset gives a uniformly random permutation."""

    def __init__(self, source, buffer_size, seed, seed2, reshuffle):
        self.source, self.buffer_size = source, buffer_size
        self.seed, self.seed2, self.reshuffle = seed, seed2, reshuffle

    def describe(self):
        return "shuffle(buffer %d, seeds %d, %d)" % (self.buffer_size, self.seed, self.seed2)

    def _generator(self, ctx):
        """This epoch's random generator. Seeds (0, 0) mean "unseeded": random seeds are
        drawn once per start of the iterator. ``reshuffle_each_iteration``: one generator
        for every epoch of this start (a new order each epoch); else a new generator from the
        same seeds each epoch (the same order each epoch)."""
        seeds = ctx.get((self, "seeds"))
        if seeds is None:
            seeds = [self.seed, self.seed2]
            if seeds == [0, 0]:
                seeds = [int(s) for s in np.random.SeedSequence().generate_state(2)]
            ctx[self, "seeds"] = seeds
        if not self.reshuffle:
            return np.random.default_rng(seeds)
        rng = ctx.get((self, "rng"))
        if rng is None:
            rng = ctx[self, "rng"] = np.random.default_rng(seeds)
        return rng

    def elements(self, ctx):
        rng = self._generator(ctx)
        source = self.source.elements(ctx)
        buffer = []
        for element in source:
            buffer.append(element)
            if len(buffer) == self.buffer_size:
                break
        uniform, k = (), 0   # uniform draws in [0, 1), made 256 at a time
        while buffer:
            if k == len(uniform):
                uniform, k = rng.random(256).tolist(), 0
            j = int(uniform[k] * len(buffer))   # uniformly one of the buffer's elements
            k += 1
            out = buffer[j]
            replacement = next(source, None)
            if replacement is not None:
                buffer[j] = replacement
            else:
                buffer[j] = buffer[-1]
                buffer.pop()
            yield out


class _Repeat(DatasetValue):
    def __init__(self, source, count):
        self.source, self.count = source, count

    def elements(self, ctx):
        epoch = 0
        while self.count < 0 or epoch < self.count:
            empty = True
            for element in self.source.elements(ctx):
                empty = False
                yield element
            if empty:   # repeating an empty dataset forever gives nothing, and ends
                return
            epoch += 1


class _Take(DatasetValue):
    def __init__(self, source, count):
        self.source, self.count = source, count

    def elements(self, ctx):
        if self.count == 0:
            return
        for i, element in enumerate(self.source.elements(ctx)):
            yield element
            if i + 1 == self.count:
                return


class _Skip(DatasetValue):
    def __init__(self, source, count):
        self.source, self.count = source, count

    def elements(self, ctx):
        count = self.count
        for i, element in enumerate(self.source.elements(ctx)):
            if count >= 0 and i >= count:
                yield element


class _Zip(DatasetValue):
    def __init__(self, sources):
        self.sources = sources

    def elements(self, ctx):
        for parts in zip(*[s.elements(ctx) for s in self.sources]):
            yield tuple(a for part in parts for a in part)


class _Concatenate(DatasetValue):
    def __init__(self, first, second):
        self.first, self.second = first, second

    def elements(self, ctx):
        yield from self.first.elements(ctx)
        yield from self.second.elements(ctx)


class _Map(DatasetValue):
    def __init__(self, source, run, captured):
        self.source, self.run, self.captured = source, run, tuple(captured)

    def elements(self, ctx):
        run, captured = self.run, self.captured
        for element in self.source.elements(ctx):
            yield tuple(run(element + captured))


class _Filter(DatasetValue):
    def __init__(self, source, run, captured):
        self.source, self.run, self.captured = source, run, tuple(captured)

    def elements(self, ctx):
        run, captured = self.run, self.captured
        for element in self.source.elements(ctx):
            if bool(run(element + captured)[0]):
                yield element


# ------------------------------------------------------------------------------------------
# Traced functions (map, filter): a graph of their own, run by the session per element
# ------------------------------------------------------------------------------------------

class TracedFunction:
    """A Python function traced once into a graph of its own (TF's function library):
    ``inputs`` are placeholders standing for one element's components, then for the outer
    tensors it captured; ``outputs`` the tensors it returned, flattened. ``runner(state)``
    runs it in a session: the plan is compiled (and rewritten, as an untraced run's) once
    per session."""

    def __init__(self, name, graph, inputs, outputs):
        self.name, self.graph, self.inputs, self.outputs = name, graph, inputs, outputs

    def runner(self, state):
        from minigraph import rewrite  # noqa: PLC0415 -- the session modules import the ops
        from minigraph.plan import compile_plan  # noqa: PLC0415
        from minigraph.session import execute  # noqa: PLC0415
        plan = rewrite.optimize(compile_plan(self.graph, self.outputs, self.inputs, state),
                                state)
        fetches = plan.fetches

        def run(arrays):
            __tracebackhide__ = True
            env = plan.start(arrays)
            for _ in execute(plan, env):
                pass
            return [env[t] for t in fetches]
        return run

    def __repr__(self):
        return "<traced function %s: %d ops>" % (self.name, len(self.graph.get_operations()))


def _lazy_runner(fn, state):
    """``fn.runner(state)``, compiled at its first call."""
    compiled = []

    def run(arrays):
        __tracebackhide__ = True
        if not compiled:
            compiled.append(fn.runner(state))
        return compiled[0](arrays)
    return run


# ------------------------------------------------------------------------------------------
# Dataset ops
# ------------------------------------------------------------------------------------------

class _DatasetOp(OpDef):
    """A dataset op: its output is a variant (a :class:`DatasetValue` in a run). Never
    computed ahead of time (its value is not an array), no gradient."""
    differentiable = False
    foldable = False

    @staticmethod
    def infer(inputs, attrs):
        return TensorShape([]), variant


def _scalar(x, what):
    x = np.asarray(x)
    if x.ndim != 0:
        raise ValueError("%s must be a scalar, got shape %s" % (what, list(x.shape)))
    return int(x)


@register
class TensorSliceDataset(_DatasetOp):
    """y = the dataset of the slices of its inputs along their first dimension: element i
    is ``(x0[i], x1[i], ...)`` (``Dataset.from_tensor_slices``)."""

    @staticmethod
    def forward(*components, **attrs):
        n = {np.shape(c)[0] for c in components}
        if len(n) > 1:
            raise ValueError("All components must have the same size in the 0th dimension")
        return _Slices([_frozen(c) for c in components])


@register
class TensorDataset(_DatasetOp):
    """y = the dataset of one element, its inputs (``Dataset.from_tensors``)."""

    @staticmethod
    def forward(*components, **attrs):
        return _Tensors([_frozen(c) for c in components])


@register
class RangeDataset(_DatasetOp):
    """y = the dataset start, start + step, ... up to stop (excluded), int64 scalars
    (``Dataset.range``)."""

    @staticmethod
    def forward(start, stop, step, **attrs):
        step = _scalar(step, "step")
        if step == 0:
            raise ValueError("step must be a non-zero integer.")
        return _Range(_scalar(start, "start"), _scalar(stop, "stop"), step,
                      attrs["output_types"][0].as_numpy_dtype)


@register
class BatchDatasetV2(_DatasetOp):
    """y = the dataset of batches of ``batch_size`` consecutive elements, each component
    stacked on a new first axis; the last batch is smaller unless ``drop_remainder``."""

    @staticmethod
    def forward(source, batch_size, drop_remainder, **attrs):
        batch_size = _scalar(batch_size, "batch_size")
        if batch_size <= 0:
            raise ValueError("Batch size must be greater than zero.")
        return _Batch(source, batch_size, bool(drop_remainder))


@register
class ShuffleDataset(_DatasetOp):
    """y = the elements of x in random order, through a buffer of ``buffer_size``: each
    element given is drawn uniformly from the buffer (see ``Dataset.shuffle``)."""

    @staticmethod
    def forward(source, buffer_size, seed, seed2, **attrs):
        buffer_size = _scalar(buffer_size, "buffer_size")
        if buffer_size <= 0:
            raise ValueError("buffer_size must be greater than zero.")
        return _Shuffle(source, buffer_size, _scalar(seed, "seed"), _scalar(seed2, "seed2"),
                        attrs["reshuffle_each_iteration"])


@register
class RepeatDataset(_DatasetOp):
    """y = the elements of x, ``count`` times over (forever for -1)."""

    @staticmethod
    def forward(source, count, **attrs):
        return _Repeat(source, _scalar(count, "count"))


@register
class TakeDataset(_DatasetOp):
    """y = the first ``count`` elements of x (all of them for -1)."""

    @staticmethod
    def forward(source, count, **attrs):
        return _Take(source, _scalar(count, "count"))


@register
class SkipDataset(_DatasetOp):
    """y = the elements of x after the first ``count`` (none for -1)."""

    @staticmethod
    def forward(source, count, **attrs):
        return _Skip(source, _scalar(count, "count"))


@register
class ZipDataset(_DatasetOp):
    """y = the elements of its inputs side by side, until the shortest ends."""

    @staticmethod
    def forward(*sources, **attrs):
        return _Zip(sources)


@register
class ConcatenateDataset(_DatasetOp):
    """y = the elements of x, then those of the second input."""

    @staticmethod
    def forward(first, second, **attrs):
        return _Concatenate(first, second)


@register
class PrefetchDataset(_DatasetOp):
    """y = x. (TF prepares ``buffer_size`` elements ahead on another thread; minigraph runs
    in one thread, so prefetching changes nothing.)"""

    @staticmethod
    def forward(source, buffer_size, **attrs):
        return source


@register
class MapDataset(_DatasetOp):
    """y = ``f`` applied to each element of x; ``f`` is a function traced into a graph of
    its own (attribute ``f``, a :class:`TracedFunction`), run by the session per element.
    Inputs after x: the values of the tensors ``f`` captured from the graph."""

    @classmethod
    def make_kernel(cls, op, state):
        run = _lazy_runner(op.attrs["f"], state)
        return lambda source, *captured: _Map(source, run, captured)


@register
class FilterDataset(_DatasetOp):
    """y = the elements of x for which ``predicate`` (a traced function returning a bool
    scalar) is True. Inputs after x: the values of the tensors it captured."""

    @classmethod
    def make_kernel(cls, op, state):
        run = _lazy_runner(op.attrs["predicate"], state)
        return lambda source, *captured: _Filter(source, run, captured)


# ------------------------------------------------------------------------------------------
# Iterators
# ------------------------------------------------------------------------------------------

class IteratorHandle:
    """The value of an iterator op's output in a run (TF's resource handle): it names the
    iterator (``op``); its position lives in the session, in ``_State.iterators[op]``."""

    __slots__ = ("op",)

    def __init__(self, op):
        self.op = op

    def __repr__(self):
        return "<iterator handle %s>" % self.op.name


class _Position:
    """Where an iterator is in its dataset: one start of it (made by ``MakeIterator``)."""

    __slots__ = ("elements", "dataset")

    def __init__(self, dataset):
        self.dataset = dataset
        self.elements = dataset.elements({})


def not_initialized_error(reader):
    """TF1's error for ``get_next`` (the op ``reader``) on an iterator never initialized in
    this session."""
    return FailedPreconditionError(
        reader.name, reader,
        "GetNext() failed because the iterator has not been initialized. Ensure that you have "
        "run the initializer operation for this iterator before getting the next element.\n"
        "  [[node %s, created at %s]]\n  Run sess.run(iterator.initializer) first, in this "
        "session: each session has its own iterators, as it has its own variables."
        % (reader.name, reader.site.with_source()))


def _end_of_sequence(reader, iterator):
    hint = ("a one-shot iterator cannot start over: use make_initializable_iterator() and "
            "run its initializer again" if iterator.type == "OneShotIterator" else
            "run the iterator's initializer to start again (e.g. once per epoch), or "
            "use dataset.repeat()")
    return OutOfRangeError(
        reader.name, reader,
        "End of sequence\n  [[node %s, created at %s]]\n  Every element of the dataset has "
        "been taken: catch tf.errors.OutOfRangeError to end the epoch; %s."
        % (reader.name, reader.site.with_source(), hint))


class _IteratorOp(OpDef):
    kind = "iterator"
    stateful = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return TensorShape([]), resource


@register
class IteratorV2(_IteratorOp):
    """y = a handle to an iterator living in the session; ``MakeIterator`` starts it on a
    dataset and ``IteratorGetNext`` takes its elements."""

    @classmethod
    def make_kernel(cls, op, state):
        handle = IteratorHandle(op)
        return lambda: handle


@register
class OneShotIterator(_IteratorOp):
    """y = a handle to an iterator that starts itself on its dataset at its first use in a
    session, and cannot be restarted. Attribute ``dataset_factory`` is the dataset's variant
    tensor, computed then (it may not depend on a placeholder)."""

    @classmethod
    def make_kernel(cls, op, state):
        handle = IteratorHandle(op)
        iterators = state.iterators

        def kernel():
            __tracebackhide__ = True
            if op not in iterators:
                iterators[op] = _Position(_compute(op.attrs["dataset_factory"], state))
            return handle
        return kernel


def _compute(tensor, state):
    """The value of ``tensor`` in a run of its own in the session of ``state``."""
    from minigraph.plan import compile_plan  # noqa: PLC0415 -- the plan imports the ops
    from minigraph.session import execute  # noqa: PLC0415
    plan = compile_plan(tensor.graph, [tensor], [], state)
    env = plan.start([])
    for _ in execute(plan, env):
        pass
    return env[tensor]


@register
class MakeIterator(OpDef):
    """Starts the iterator (input 1) at the beginning of the dataset (input 0): the
    ``initializer`` of an iterator. Running it again starts over."""
    kind = "assign"
    stateful = True
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return []

    @classmethod
    def make_kernel(cls, op, state):
        iterators = state.iterators

        def kernel(dataset, handle):
            iterators[handle.op] = _Position(dataset)
        return kernel


@register
class IteratorGetNext(_IteratorOp):
    """y = the next element of the iterator, one output per component: a stateful source,
    a new element at each run that executes it (once per run, however many fetches use it).
    ``OutOfRangeError`` at the end, ``FailedPreconditionError`` before an initializer ran."""

    @staticmethod
    def infer(inputs, attrs):
        return list(zip(attrs["output_shapes"], attrs["output_types"]))

    @classmethod
    def make_kernel(cls, op, state):
        iterators = state.iterators
        single = len(op.outputs) == 1

        def kernel(handle):
            __tracebackhide__ = True
            position = iterators.get(handle.op)
            if position is None:
                raise not_initialized_error(op)
            element = next(position.elements, None)
            if element is None:
                raise _end_of_sequence(op, handle.op)
            return element[0] if single else element
        return kernel


@register
class IteratorToStringHandle(OpDef):
    """y = the iterator's name as a string scalar, to feed to an iterator made by
    ``Iterator.from_string_handle`` (a "feedable" iterator)."""
    differentiable = False

    @staticmethod
    def infer(inputs, attrs):
        return TensorShape([]), dtypes.string

    @staticmethod
    def forward(handle):
        return np.array(handle.op.name.encode("utf-8"), dtype=object)


@register
class IteratorFromStringHandleV2(_IteratorOp):
    """y = a handle to the iterator named by the string fed (``string_handle()``'s value):
    one ``get_next`` reading whichever iterator the feed names."""

    @classmethod
    def make_kernel(cls, op, state):
        graph = op.graph

        def kernel(name):
            name = name.item() if isinstance(name, np.ndarray) else name
            name = name.decode("utf-8") if isinstance(name, bytes) else str(name)
            try:
                target = graph.get_operation_by_name(name)
            except (KeyError, ValueError):
                target = None
            if target is None or target.type not in ("IteratorV2", "OneShotIterator"):
                raise ValueError("%r is not the string handle of an iterator of this graph"
                                 % name)
            want, have = list(op.attrs["output_types"]), list(target.attrs["output_types"])
            if want != have:
                raise TypeError("Expected output types %s but the iterator %s gives %s."
                                % (want, name, have))
            return IteratorHandle(target)
        return kernel
