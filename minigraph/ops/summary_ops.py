"""Summary ops: graph nodes that package a value for TensorBoard (``tf.summary.*``).

A summary op is an ordinary node: it runs only when a fetch reaches it (``sess.run(merged)``)
and its output is a string-dtype tensor. TF serializes a ``Summary`` protocol buffer into
that string; minigraph keeps a plain Python :class:`SummaryRecord` instead, so the library
needs numpy alone. ``FileWriter`` (in ``minigraph.summary``) turns records into real protos.
"""

import collections
import struct
import sys
import zlib

import numpy as np

from minigraph import dtypes
from minigraph.op_def import OpDef, register
from minigraph.tensor_shape import TensorShape

__all__ = ["ScalarSummary", "HistogramSummary", "ImageSummary", "MergeSummary",
           "SummaryRecord", "SummaryValue", "HistogramValue", "ImageValue", "histogram_of",
           "default_bucket_limits", "image_pixels", "encode_png"]


# ------------------------------------------------------------------------------- records

#: One histogram, field for field TF's ``HistogramProto``: ``bucket[i]`` counts the values
#: ``v`` with ``bucket_limit[i-1] <= v < bucket_limit[i]``.
HistogramValue = collections.namedtuple(
    "HistogramValue", "min max num sum sum_squares bucket_limit bucket")

#: One image, field for field TF's ``Summary.Image``: ``colorspace`` is the number of
#: channels (1 grey, 3 RGB, 4 RGBA), ``encoded_image_string`` the image as PNG bytes.
ImageValue = collections.namedtuple("ImageValue",
                                    "height width colorspace encoded_image_string")

#: One tagged value: ``kind`` is ``"scalar"`` (``value`` a float), ``"histogram"``
#: (``value`` a :class:`HistogramValue`) or ``"image"`` (``value`` an :class:`ImageValue`).
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
            elif v.kind == "image":
                parts.append("%s=<%dx%dx%d image>" % (v.tag, v.value.height, v.value.width,
                                                      v.value.colorspace))
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


class SummaryOp(OpDef):
    """What every summary op is: a record of what a run saw, not differentiable, never
    folded into a constant (computed at run time, every run)."""
    kind = "summary"
    differentiable = False
    foldable = False


@register
class ScalarSummary(SummaryOp):
    """y = a record {tag: float(x)} for a scalar x: inputs ``(tags, values)``, as TF1's (the
    tag is a string Const, ``<name>/tags``)."""

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
class HistogramSummary(SummaryOp):
    """y = a record {tag: histogram of the values of x}: inputs ``(tag, values)``, as TF1's
    (the tag is a string Const, ``<name>/tag``)."""

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


# ---------------------------------------------------------------------------------- images

#: the image dtypes TF1's ImageSummary takes
_IMAGE_DTYPES = ("uint8", "float32", "float16", "float64")


def image_pixels(image, bad_color=(255, 0, 0, 255)):
    """One ``(height, width, channels)`` image as the uint8 pixels TF1's ImageSummary
    writes (TF's ``NormalizeFloatImage``): uint8 images as they are; float images scaled
    per image, by ``255 / max`` if no value is negative (0 stays black), else by
    ``127 / max(|min|, |max|)`` around 128 (0 is mid-grey), then truncated toward zero. A
    pixel with a NaN or an infinity in any channel is ``bad_color`` (red) and is left out
    of the min and max. A maximum below 1e-6 scales everything to 0."""
    image = np.asarray(image)
    if image.dtype == np.uint8:
        return image
    h, w, depth = image.shape
    dtype = image.dtype.type
    values = image.reshape(h * w, depth)
    finite = np.all(np.isfinite(values), axis=1)
    if not finite.any():        # TF: min = +inf, max = -inf: scale 0, offset 0
        lo = hi = np.float32(0)
    else:                       # min and max as float32, as TF's kernel keeps them
        good = values[finite].astype(np.float32)
        lo, hi = good.min(), good.max()
    if lo < 0:
        max_val = max(abs(lo), abs(hi))
        scale = np.float32(0) if max_val < 1e-6 else np.float32(127) / max_val
        offset = np.float32(128)
    else:
        scale = np.float32(0) if hi < 1e-6 else np.float32(255) / hi
        offset = np.float32(0)
    with np.errstate(invalid="ignore"):
        scaled = values * dtype(scale) + dtype(offset)     # in the image's dtype, as TF
        out = np.where(finite[:, None], scaled, 0).astype(np.uint8)   # cast truncates
    out[~finite] = np.asarray(bad_color, dtype=np.uint8)[:depth]
    return out.reshape(h, w, depth)


def encode_png(pixels):
    """``(height, width, channels)`` uint8 pixels as PNG bytes (8 bits per channel; grey,
    grey and alpha, RGB or RGBA by the number of channels), compressed by zlib at its
    default level, as TF's PNG writer does; each row unfiltered. Needs no image library."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    h, w, depth = pixels.shape
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[depth]
    rows = np.zeros((h, 1 + w * depth), dtype=np.uint8)   # filter byte 0 ("None") per row
    rows[:, 1:] = pixels.reshape(h, w * depth)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows.tobytes()))
            + chunk(b"IEND", b""))


@register
class ImageSummary(SummaryOp):
    """y = a record of up to ``max_images`` images of the batch x, each as PNG: inputs
    ``(tag, tensor)``, ``tensor`` of shape ``(batch, height, width, channels)`` with 1, 3 or
    4 channels, uint8 or float (scaled to 0..255 per image: :func:`image_pixels`). Tags are
    ``<tag>/image/0``, ``<tag>/image/1``... (``<tag>/image`` when ``max_images`` is 1), as
    TF1's. As in TF1 the shape is checked when the op runs."""

    @staticmethod
    def infer(inputs, attrs):
        tag, x = inputs
        _check_tag(tag, "tf.summary.image")
        if x.dtype.name not in _IMAGE_DTYPES:
            raise TypeError("Value passed to parameter 'tensor' has DataType %s not in list "
                            "of allowed values: uint8, float32, float16, float64"
                            % x.dtype.name)
        if attrs["max_images"] < 1:
            raise ValueError("Attr 'max_images' of 'ImageSummary' Op passed %d less than "
                             "minimum 1." % attrs["max_images"])
        return TensorShape([]), dtypes.string

    @staticmethod
    def forward(tag, x, max_images, bad_color):
        base = _tag_of(tag)
        x = np.asarray(x)
        if x.ndim != 4 or x.shape[3] not in (1, 3, 4):
            raise ValueError("Tensor must be 4-D with last dim 1, 3, or 4, not [%s]"
                             % ",".join(str(d) for d in x.shape))
        batch, h, w, depth = x.shape
        values = []
        for i in range(min(max_images, batch)):
            # the tag depends on how many images were asked for, not on how many there are
            name = "%s/image/%d" % (base, i) if max_images > 1 else "%s/image" % base
            png = encode_png(image_pixels(x[i], bad_color))
            values.append(SummaryValue(name, "image", ImageValue(h, w, depth, png)))
        return SummaryRecord(values)


@register
class MergeSummary(SummaryOp):
    """y = the values of all input records, in order; a tag may appear only once."""

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
