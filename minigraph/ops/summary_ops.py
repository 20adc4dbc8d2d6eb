"""Summary ops: graph nodes that package a value for TensorBoard (``tf.summary.*``).

A summary op is an ordinary node: it runs only when a fetch reaches it (``sess.run(merged)``)
and its output is a string-dtype tensor. TF serializes a ``Summary`` protocol buffer into
that string; minigraph keeps a plain Python :class:`SummaryRecord` instead, so the library
needs numpy alone. ``FileWriter`` (in ``minigraph.summary``) turns records into real protos.
"""

import collections
import sys

import numpy as np

from minigraph import dtypes
from minigraph.op_def import OpDef, register
from minigraph.tensor_shape import TensorShape

__all__ = ["ScalarSummary", "HistogramSummary", "MergeSummary", "SummaryRecord",
           "SummaryValue", "HistogramValue", "histogram_of", "default_bucket_limits"]


# ------------------------------------------------------------------------------- records

#: One histogram, field for field TF's ``HistogramProto``: ``bucket[i]`` counts the values
#: ``v`` with ``bucket_limit[i-1] <= v < bucket_limit[i]``.
HistogramValue = collections.namedtuple(
    "HistogramValue", "min max num sum sum_squares bucket_limit bucket")

#: One tagged value: ``kind`` is ``"scalar"`` (``value`` a float) or ``"histogram"``
#: (``value`` a :class:`HistogramValue`).
SummaryValue = collections.namedtuple("SummaryValue", "tag kind value")


class SummaryRecord:
    """The run-time value of a summary tensor: a tuple of :class:`SummaryValue` in ``values``.

    Deliberately not a sequence, so numpy (and the run trace) see it as one opaque object.
    """

    __slots__ = ("values",)

    def __init__(self, values):
        self.values = tuple(values)

    @property
    def tags(self):
        return [v.tag for v in self.values]

    def __eq__(self, other):
        return isinstance(other, SummaryRecord) and self.values == other.values

    __hash__ = None

    def __repr__(self):
        parts = []
        for v in self.values:
            if v.kind == "scalar":
                parts.append("%s=%g" % (v.tag, v.value))
            else:
                parts.append("%s=<histogram of %d values>" % (v.tag, v.value.num))
        return "<SummaryRecord %s>" % ", ".join(parts)


def _as_record(x):
    """A fetched or fed summary value: a record, or a 0-d object array holding one."""
    if isinstance(x, np.ndarray) and x.dtype == object and x.shape == ():
        x = x.item()
    if not isinstance(x, SummaryRecord):
        raise TypeError("expected the value of a summary op, got %s" % type(x).__name__)
    return x


# ------------------------------------------------------------------------------ histogram

_DEFAULT_LIMITS = []


def default_bucket_limits():
    """TF's default histogram bucket edges: 0, then +-1e-12 * 1.1**k up to 1e20, then +-DBL_MAX.

    Built with the same float arithmetic as TF's C++ (``v *= 1.1``), so the edges match bit
    for bit. About 1,550 edges; computed once.
    """
    if not _DEFAULT_LIMITS:
        pos = []
        v = 1.0e-12
        while v < 1.0e20:
            pos.append(v)
            v *= 1.1
        pos.append(sys.float_info.max)
        neg = [-p for p in reversed(pos)]
        _DEFAULT_LIMITS.append(np.array(neg + [0.0] + pos))
    return _DEFAULT_LIMITS[0]


def histogram_of(values):
    """A :class:`HistogramValue` of ``values`` in TF's default buckets, runs of empty
    buckets collapsed into one, exactly as TF's ``Histogram::EncodeToProto``."""
    x = np.asarray(values, dtype=np.float64).ravel()
    limits = default_bucket_limits()
    # bucket b holds limits[b-1] <= v < limits[b]  (C++ std::upper_bound)
    index = np.minimum(np.searchsorted(limits, x, side="right"), len(limits) - 1)
    counts = np.bincount(index, minlength=len(limits)).astype(np.float64)
    full = counts > 0
    # keep every full bucket, and the last bucket of each run of empty ones
    keep = full | np.append(full[1:], True)
    if x.size:
        lo, hi = float(x.min()), float(x.max())
    else:  # TF's initial values: an empty histogram has min > max
        lo, hi = sys.float_info.max, -sys.float_info.max
    return HistogramValue(min=lo, max=hi, num=float(x.size), sum=float(np.sum(x)),
                          sum_squares=float(np.sum(x * x)),
                          bucket_limit=tuple(limits[keep].tolist()),
                          bucket=tuple(counts[keep].tolist()))


# ------------------------------------------------------------------------------------ ops

def _check_real(t, what):
    if not (t.dtype.is_floating or t.dtype.is_integer):
        raise TypeError("%s takes a real number tensor, got %s of dtype %s"
                        % (what, t.name, t.dtype.name))


def _check_tag(t, what):
    if t.dtype != dtypes.string or t.shape.ndims not in (None, 0):
        raise TypeError("%s takes its tag as a scalar string tensor, got %s of dtype %s and "
                        "shape %s" % (what, t.name, t.dtype.name, t.shape.bracketed()))


def _tag_of(tag):
    """The Python string in a fetched tag tensor (a 0-d object array of str or bytes)."""
    tag = np.asarray(tag).item() if isinstance(tag, np.ndarray) else tag
    return tag.decode("utf-8") if isinstance(tag, bytes) else str(tag)


@register
class ScalarSummary(OpDef):
    """y = a record {tag: float(x)} for a scalar x: inputs ``(tags, values)``, as TF1's (the
    tag is a string Const, ``<name>/tags``)."""
    kind = "summary"
    differentiable = False
    foldable = False  # a summary records what a run saw: computed at run time, every run

    @staticmethod
    def infer(inputs, attrs):
        tags, x = inputs
        _check_tag(tags, "tf.summary.scalar")
        _check_real(x, "tf.summary.scalar")
        if x.shape.ndims not in (None, 0):
            raise ValueError("tf.summary.scalar needs a scalar (shape []), got shape %s; "
                             "reduce it first (tf.reduce_mean) or use tf.summary.histogram"
                             % x.shape.bracketed())
        return TensorShape([]), dtypes.string

    @staticmethod
    def forward(tags, x):
        tag = _tag_of(tags)
        if np.ndim(x) != 0:
            raise ValueError("tags and values not the same shape: [] != %s (tag '%s')"
                             % (list(np.shape(x)), tag))
        # the event file stores a float32, so the record holds exactly what it will read back
        return SummaryRecord([SummaryValue(tag, "scalar", float(np.float32(x)))])


@register
class HistogramSummary(OpDef):
    """y = a record {tag: histogram of the values of x}: inputs ``(tag, values)``, as TF1's
    (the tag is a string Const, ``<name>/tag``)."""
    kind = "summary"
    differentiable = False
    foldable = False  # a summary records what a run saw: computed at run time, every run

    @staticmethod
    def infer(inputs, attrs):
        tag, x = inputs
        _check_tag(tag, "tf.summary.histogram")
        _check_real(x, "tf.summary.histogram")
        return TensorShape([]), dtypes.string

    @staticmethod
    def forward(tag, x):
        tag = _tag_of(tag)
        x = np.asarray(x, dtype=np.float64)
        if np.isnan(x).any():
            raise ValueError("Nan in summary histogram for: %s" % tag)
        if np.isinf(x).any():
            raise ValueError("Infinity in summary histogram for: %s" % tag)
        return SummaryRecord([SummaryValue(tag, "histogram", histogram_of(x))])


@register
class MergeSummary(OpDef):
    """y = the values of all input records, in order; a tag may appear only once."""
    kind = "summary"
    differentiable = False
    foldable = False  # a summary records what a run saw: computed at run time, every run

    @staticmethod
    def infer(inputs, attrs):
        if not inputs:
            raise ValueError("tf.summary.merge needs at least one summary tensor")
        for t in inputs:
            if t.dtype != dtypes.string:
                raise TypeError("tf.summary.merge takes summary tensors (dtype string), got %s "
                                "of dtype %s" % (t.name, t.dtype.name))
        return TensorShape([]), dtypes.string

    @staticmethod
    def forward(*records):
        values, seen = [], set()
        for record in records:
            for v in _as_record(record).values:
                if v.tag in seen:
                    raise ValueError("Duplicate tag %s found in summary inputs" % v.tag)
                seen.add(v.tag)
                values.append(v)
        return SummaryRecord(values)
