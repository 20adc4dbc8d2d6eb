"""``tf.summary``: record values during training and write them for TensorBoard.

Two halves, as in TF1:

* **In the graph**: ``tf.summary.scalar("loss", loss)`` adds a ``ScalarSummary`` node (it
  computes nothing until a fetch reaches it) and puts its output in the ``summaries``
  collection; ``merged = tf.summary.merge_all()`` adds one node that gathers them all.
* **Outside the graph**: ``writer = tf.summary.FileWriter(logdir, sess.graph)`` then, each
  step, ``writer.add_summary(sess.run(merged), step)`` appends an event to a real TensorBoard
  event file (``tensorboard --logdir logdir``). Every value is also kept in
  ``writer.records`` so a notebook can plot it without TensorBoard.
  ``writer.add_run_metadata(run_metadata, "step99")`` writes what a traced run did (each
  op's time), which TensorBoard's Graphs tab shows for that "session run".

The summary ops need numpy alone; ``FileWriter`` (and ``minigraph.events.read_events``, which
reads the files back) import the ``tensorboard`` package (``pip install minigraph[tensorboard]``) when they are used.
"""

import collections
import os
import re
import time
import warnings

from minigraph import dtypes
from minigraph.graph import Graph, GraphKeys, Operation, get_default_graph
from minigraph.graphdef import _DT_NAMES, _dtype_enum, _shape_proto, as_graph_def
from minigraph.ops._util import graph_of
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.tensor_shape import TensorShape
from minigraph.ops.summary_ops import (HistogramSummary, HistogramValue, ImageSummary,
                                       ImageValue, MergeSummary, ScalarSummary, SummaryRecord,
                                       SummaryValue, _as_record)

__all__ = ["scalar", "histogram", "image", "merge", "merge_all", "FileWriter",
           "Record", "SummaryRecord", "SummaryValue", "HistogramValue", "ImageValue"]

#: One value written by a FileWriter (or read back by ``minigraph.events.read_events``): ``kind`` is
#: ``"scalar"`` (``value`` a float), ``"histogram"`` (``value`` a :class:`HistogramValue`)
#: or ``"image"`` (``value`` an :class:`ImageValue`).
Record = collections.namedtuple("Record", "step tag kind value wall_time")

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w.]")


def _clean_tag(name):
    """TF's rule: characters other than letters, digits, ``_-/.`` become ``_``; no leading ``/``."""
    if name is None:
        return None
    return _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")


# ------------------------------------------------------------------------ summary ops

def _summary(opdef, tag_input, name, tensor, collections, family, attrs=None):
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
        op = graph.create_op(opdef, [tag, x], attrs, scope)
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


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """``tf.summary.image``: up to ``max_outputs`` images of a batch, shown in TensorBoard's
    Images tab.

    Args:
      name: the tag's base (the current name scope prepended, made unique like an op name);
        the images are tagged ``<tag>/image/0``, ``<tag>/image/1``... (``<tag>/image`` if
        ``max_outputs`` is 1), as TF1 tags them.
      tensor: ``(batch, height, width, channels)``, 1 (grey), 3 (RGB) or 4 (RGBA)
        channels, uint8 or float (float images are scaled to 0..255, each on its own:
        ``minigraph.ops.summary_ops.image_pixels`` says how).
      max_outputs: how many images of the batch, at most (the first ones).
      collections, family: as for :func:`scalar`.

    Returns a scalar string tensor; fetching it gives a :class:`SummaryRecord` holding PNG
    images. A wrong shape is an InvalidArgumentError when the summary runs, as in TF1.
    """
    return _summary(ImageSummary, "tag", name, tensor, collections, family,
                    {"max_images": int(max_outputs), "bad_color": (255, 0, 0, 255)})


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
        elif v.kind == "image":
            proto.value.add(tag=v.tag, image=summary_pb2.Summary.Image(**v.value._asdict()))
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
        elif field == "image":
            i = v.image
            out.append(SummaryValue(v.tag, "image", ImageValue(
                i.height, i.width, i.colorspace, i.encoded_image_string)))
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
        self._session_run_tags = set()
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

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        """Write what one traced run did (TF1's tagged run metadata), for TensorBoard's
        Graphs tab, where it is the "session run" ``tag``: each executed op's time.

        ``run_metadata`` is the ``tf.RunMetadata()`` a run filled in with
        ``options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)`` (or a ``RunMetadata``
        proto, or the run trace ``minigraph.trace.traced_run`` returns); see :func:`run_metadata_proto` for what is written. ``global_step`` is the
        event's step (default 0). A tag already written by this writer is a ValueError, as
        in TF1.
        """
        if tag in self._session_run_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._session_run_tags.add(tag)
        if self._closed_noop():
            return
        from tensorboard.compat.proto import event_pb2  # optional extra
        proto = run_metadata if hasattr(run_metadata, "SerializeToString") \
            else run_metadata_proto(run_metadata)
        event = event_pb2.Event(wall_time=time.time(), tagged_run_metadata=event_pb2.
                                TaggedRunMetadata(tag=tag,
                                                  run_metadata=proto.SerializeToString()))
        if global_step is not None:
            event.step = int(global_step)
        self._writer.add_event(event)

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


# ------------------------------------------------------------------------ run metadata

#: the device every op runs on, as TF1 names the CPU of a local session
CPU = "/job:localhost/replica:0/task:0/device:CPU:0"


def run_metadata_proto(run_metadata, end_time=None):
    """TF's ``RunMetadata`` proto (``tensorboard``'s copy) of a minigraph ``tf.RunMetadata``:
    its ``step_stats`` hold one device, the CPU (:data:`CPU`), and one ``NodeExecStats`` per
    op the run executed, in order: the op's name, its time (``op_end_rel_micros``,
    ``all_end_rel_micros``; also in nanoseconds) and TF's ``timeline_label``
    (``"MatMul = MatMul(x, w/read)"``); for a run that kept its values
    (``trace.traced_run(..., keep_values=True)``), the dtype, shape and bytes of each output too.

    The trace records how long each op took, not when it started: the ops are laid end to
    end (they run one after another), the first starting ``total_seconds`` before
    ``end_time`` (default: now). A run without a trace gives an empty proto, as TF1's
    ``RunMetadata`` of an untraced run is."""
    from tensorboard.compat.proto import (config_pb2, tensor_shape_pb2,  # optional extra
                                          types_pb2)
    proto = config_pb2.RunMetadata()
    trace = run_metadata if hasattr(run_metadata, "executed") else \
        getattr(run_metadata, "_trace", None)   # a RunTrace, or a tf.RunMetadata
    if trace is None:
        return proto
    device = proto.step_stats.dev_stats.add(device=CPU)
    end_time = time.time() if end_time is None else end_time
    start_ns = int(round((end_time - trace.total_seconds) * 1e9))
    for op in trace.executed:
        ns = int(round(trace.seconds.get(op.name, 0.0) * 1e9))
        inputs = [t.op.name if t.value_index == 0 else "%s:%d" % (t.op.name, t.value_index)
                  for t in op.inputs]
        stats = device.node_stats.add(
            node_name=op.name, all_start_micros=start_ns // 1000, op_end_rel_micros=ns // 1000,
            all_end_rel_micros=ns // 1000, all_start_nanos=start_ns, op_end_rel_nanos=ns,
            all_end_rel_nanos=ns, timeline_label="%s = %s(%s)" % (op.name, op.type,
                                                                  ", ".join(inputs)))
        for i, t in enumerate(op.outputs):
            arr = trace.values.get(t.name)
            if not hasattr(arr, "nbytes") or t.dtype.name not in _DT_NAMES \
                    or arr.dtype == object:     # strings, summaries, datasets: no size
                continue
            desc = stats.output.add(slot=i).tensor_description
            desc.dtype = _dtype_enum(t.dtype, types_pb2)
            desc.shape.CopyFrom(_shape_proto(TensorShape(arr.shape), tensor_shape_pb2))
            desc.allocation_description.requested_bytes = int(arr.nbytes)
            desc.allocation_description.allocator_name = "cpu"
        start_ns += ns
    return proto
