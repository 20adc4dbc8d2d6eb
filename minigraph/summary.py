"""``tf.summary``: record values during training and write them for TensorBoard.

Two halves, as in TF1:

* **In the graph**: ``tf.summary.scalar("loss", loss)`` adds a ``ScalarSummary`` node (it
  computes nothing until a fetch reaches it) and puts its output in the ``summaries``
  collection; ``merged = tf.summary.merge_all()`` adds one node that gathers them all.
* **Outside the graph**: ``writer = tf.summary.FileWriter(logdir, sess.graph)`` then, each
  step, ``writer.add_summary(sess.run(merged), step)`` appends an event to a real TensorBoard
  event file (``tensorboard --logdir logdir``). Every value is also kept in
  ``writer.records`` so a notebook can plot it without TensorBoard.

The summary ops need numpy alone; ``FileWriter`` and :func:`read_events` import the
``tensorboard`` package (``pip install minigraph[tensorboard]``) when they are used.
"""

import collections
import os
import re
import time
import warnings

from minigraph import dtypes
from minigraph.graph import Graph, GraphKeys, Operation, get_default_graph
from minigraph.graphdef import as_graph_def
from minigraph.ops._util import graph_of
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.ops.summary_ops import (HistogramSummary, HistogramValue, MergeSummary,
                                       ScalarSummary, SummaryRecord, SummaryValue, _as_record)

__all__ = ["scalar", "histogram", "merge", "merge_all", "FileWriter", "read_events", "Record",
           "SummaryRecord", "SummaryValue", "HistogramValue"]

#: One value written by a FileWriter (or read back by :func:`read_events`): ``kind`` is
#: ``"scalar"`` (``value`` a float) or ``"histogram"`` (``value`` a :class:`HistogramValue`).
Record = collections.namedtuple("Record", "step tag kind value wall_time")

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w.]")


def _clean_tag(name):
    """TF's rule: characters other than letters, digits, ``_-/.`` become ``_``; no leading ``/``."""
    if name is None:
        return None
    return _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")


# ------------------------------------------------------------------------ summary ops

def _summary(opdef, tag_input, name, tensor, collections, family):
    """Build a summary op named and tagged as TF1's ``summary_scope`` does: the tag is the
    op's full name (``"train/loss"``), so two summaries never share a tag. As in TF1 the tag
    is the op's first input, a string Const called ``<name>/<tag_input>``."""
    name, family = _clean_tag(name), _clean_tag(family)
    graph = graph_of(tensor)
    with graph.name_scope(name if family is None else "%s/%s" % (family, name)) as scope:
        tag = scope.rstrip("/") if family is None else "%s/%s" % (family, scope.rstrip("/"))
        tag = constant(tag, dtype=dtypes.string, name=tag_input)
        x = as_tensor(tensor, name="values")
        # a name ending in "/" makes the op take the scope's exact name
        op = graph.create_op(opdef, [tag, x], None, scope)
    y = op.outputs[0]
    graph.add_to_collections(GraphKeys.SUMMARIES if collections is None else collections, y)
    return y


def scalar(name, tensor, collections=None, family=None):
    """``tf.summary.scalar``: a summary of one number, shown as a curve in TensorBoard.

    Args:
      name: the tag (with the current name scope prepended, made unique like an op name).
      tensor: a real-valued scalar tensor (shape ``[]``), e.g. the loss.
      collections: collections to add the output to (default ``[GraphKeys.SUMMARIES]``).
      family: an optional prefix grouping tags into one TensorBoard tab.

    Returns a scalar string tensor; fetching it gives a :class:`SummaryRecord`.
    """
    return _summary(ScalarSummary, "tags", name, tensor, collections, family)


def histogram(name, values, collections=None, family=None):
    """``tf.summary.histogram``: the distribution of ``values`` (any shape), in TF's
    default exponential buckets. NaN or infinity in ``values`` is an InvalidArgumentError
    when the summary runs."""
    return _summary(HistogramSummary, "tag", name, values, collections, family)


def merge(inputs, collections=None, name=None):
    """``tf.summary.merge``: one summary tensor holding the values of all ``inputs``."""
    inputs = [as_tensor(t) for t in inputs]
    graph = graph_of(*inputs) if inputs else get_default_graph()
    with graph.name_scope(name or "Merge"):  # TF1: "Merge/MergeSummary", or "<name>/<name>"
        y = graph.create_op(MergeSummary, inputs, None, name or "MergeSummary").outputs[0]
    if collections:
        graph.add_to_collections(collections, y)
    return y


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """``tf.summary.merge_all``: merge every summary in collection ``key`` of the default
    graph (only those whose name matches ``scope``, if given). Returns ``None`` if there
    are none, as TF1 does."""
    summaries = get_default_graph().get_collection(key, scope)
    if not summaries:
        return None
    return merge(summaries, name=name)


# ----------------------------------------------------------------- records <-> protos

def _summary_proto(record):
    """A ``tensorboard`` ``Summary`` proto from a :class:`SummaryRecord`."""
    from tensorboard.compat.proto import summary_pb2  # optional: see the module docstring
    proto = summary_pb2.Summary()
    for v in record.values:
        if v.kind == "scalar":
            proto.value.add(tag=v.tag, simple_value=v.value)
        elif v.kind == "histogram":
            h = v.value
            proto.value.add(tag=v.tag, histo=summary_pb2.HistogramProto(
                min=h.min, max=h.max, num=h.num, sum=h.sum, sum_squares=h.sum_squares,
                bucket_limit=h.bucket_limit, bucket=h.bucket))
        else:
            raise ValueError("unknown summary kind %r for tag %r" % (v.kind, v.tag))
    return proto


def _histogram_value(h):
    """A :class:`HistogramValue` from a ``HistogramProto`` (or anything with its fields)."""
    return HistogramValue(min=h.min, max=h.max, num=h.num, sum=h.sum, sum_squares=h.sum_squares,
                          bucket_limit=tuple(h.bucket_limit), bucket=tuple(h.bucket))


def _values_of_proto(proto):
    """The plain :class:`SummaryValue` list of a ``Summary`` proto (other kinds kept opaque)."""
    out = []
    for v in proto.value:
        field = v.WhichOneof("value")
        if field == "simple_value":
            out.append(SummaryValue(v.tag, "scalar", v.simple_value))
        elif field == "histo":
            out.append(SummaryValue(v.tag, "histogram", _histogram_value(v.histo)))
        else:
            out.append(SummaryValue(v.tag, field, None))
    return out


def _import_tensorboard():
    try:  # the writer imports the protos, so this also checks for protobuf
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError as e:
        raise ImportError(
            "tf.summary.FileWriter writes TensorBoard event files and needs the `tensorboard` "
            "package, which is not installed (%s). Install it with:\n"
            "    pip install minigraph[tensorboard]" % e) from e
    return EventFileWriter


# ---------------------------------------------------------------------------- FileWriter

class FileWriter:
    """``tf.summary.FileWriter``: write summaries and the graph to an event file in ``logdir``.

    Args:
      logdir: the directory (created if needed). Point ``tensorboard --logdir`` at it.
      graph: if given, written at once (same as ``add_graph(graph)``).
      max_queue, flush_secs: events are queued and written by a background thread at least
        every ``flush_secs`` seconds; ``flush()`` or ``close()`` writes them now.
      filename_suffix: appended to the event file's name.

    ``records`` is the in-memory list of every :class:`Record` written, in order. Use it as
    a context manager (``with tf.summary.FileWriter(d) as w:``) to close it at the end.
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, filename_suffix=None):
        self._file_writer_class = _import_tensorboard()
        self._logdir = os.fspath(logdir)
        self._max_queue = max_queue
        self._flush_secs = flush_secs
        self._suffix = filename_suffix or ""
        self.records = []
        self._closed = True
        self.reopen()
        if graph is not None:
            self.add_graph(graph)

    def get_logdir(self):
        return self._logdir

    def reopen(self):
        """Start a new event file after ``close()`` (a no-op while open)."""
        if self._closed:
            self._writer = self._file_writer_class(self._logdir, self._max_queue,
                                                   self._flush_secs, self._suffix)
            self._closed = False

    def _closed_noop(self):
        if self._closed:  # TF1 warns and drops the event
            warnings.warn("Attempting to use a closed FileWriter. The operation will be a noop "
                          "unless the FileWriter is explicitly reopened.", stacklevel=3)
        return self._closed

    def add_event(self, event):
        """Append a raw ``tensorboard`` ``Event`` proto."""
        if not self._closed_noop():
            self._writer.add_event(event)

    def add_summary(self, summary, global_step=None):
        """Write the value of a summary op, e.g. ``writer.add_summary(sess.run(merged), step)``.

        ``summary`` is a fetched :class:`SummaryRecord` (or a ``Summary`` proto, or its
        serialized bytes). ``global_step`` is the x-axis in TensorBoard (default 0).
        """
        if self._closed_noop():
            return
        from tensorboard.compat.proto import event_pb2, summary_pb2  # optional extra
        if hasattr(summary, "_as_graph_tensor") or isinstance(summary, Operation):
            raise TypeError("add_summary takes the *value* of a summary, not the tensor %s: "
                            "run it first, e.g. writer.add_summary(sess.run(merged), step)"
                            % getattr(summary, "name", summary))
        if isinstance(summary, (bytes, bytearray)):
            summary = summary_pb2.Summary.FromString(bytes(summary))
        if isinstance(summary, summary_pb2.Summary):
            proto, values = summary, _values_of_proto(summary)
        else:
            try:
                record = _as_record(summary)
            except TypeError:
                raise TypeError("add_summary expects the fetched value of a summary op, got %r"
                                % (summary,)) from None
            proto, values = _summary_proto(record), record.values
        step = 0 if global_step is None else int(global_step)
        wall_time = time.time()
        self._writer.add_event(event_pb2.Event(wall_time=wall_time, step=step, summary=proto))
        self.records.extend(Record(step, v.tag, v.kind, v.value, wall_time) for v in values)

    def add_graph(self, graph, global_step=None):
        """Write ``graph`` (a minigraph Graph, or a ``GraphDef`` proto) for TensorBoard's
        Graphs tab; name scopes become collapsible groups there."""
        if self._closed_noop():
            return
        from tensorboard.compat.proto import event_pb2  # optional extra
        if isinstance(graph, Graph):
            graph = as_graph_def(graph)
        event = event_pb2.Event(wall_time=time.time(), graph_def=graph.SerializeToString())
        if global_step is not None:
            event.step = int(global_step)
        self._writer.add_event(event)

    def flush(self):
        """Write every queued event to disk now."""
        if not self._closed:
            self._writer.flush()

    def close(self):
        """Flush and close the event file. Further writes are ignored with a warning."""
        if not self._closed:
            self._writer.close()
            self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        return "<tf.summary.FileWriter %r%s, %d records>" % (
            self._logdir, " (closed)" if self._closed else "", len(self.records))


# --------------------------------------------------------------------------- reading back

def read_events(logdir):
    """Every scalar and histogram in the event files of ``logdir``, as :class:`Record` s
    sorted by (wall_time, step, tag). Reads through TensorBoard's own ``EventAccumulator``,
    keeping every event (no sampling, no purging of out-of-order steps)."""
    try:
        from tensorboard.backend.event_processing import event_accumulator
    except ImportError as e:
        raise ImportError("read_events needs the `tensorboard` package (%s): "
                          "pip install minigraph[tensorboard]" % e) from e
    keep_all = {kind: 0 for kind in event_accumulator.DEFAULT_SIZE_GUIDANCE}
    acc = event_accumulator.EventAccumulator(os.fspath(logdir), size_guidance=keep_all,
                                             purge_orphaned_data=False)
    acc.Reload()
    tags = acc.Tags()
    out = []
    for tag in tags.get(event_accumulator.SCALARS, ()):
        out.extend(Record(e.step, tag, "scalar", e.value, e.wall_time) for e in acc.Scalars(tag))
    for tag in tags.get(event_accumulator.HISTOGRAMS, ()):
        out.extend(Record(e.step, tag, "histogram", _histogram_value(e.histogram_value),
                          e.wall_time) for e in acc.Histograms(tag))
    out.sort(key=lambda r: (r.wall_time, r.step, r.tag))
    return out
