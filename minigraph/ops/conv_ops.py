"""Convolutions and pooling, as TF1 has them: ``tf.nn.conv2d``, ``max_pool``, ``avg_pool``,
``bias_add``, and the gradient ops TF1 builds for them.

Images are NHWC: ``(batch, height, width, channels)``; filters are ``(height, width,
in_channels, out_channels)``. (``data_format="NCHW"`` is accepted: the kernels transpose.)

How a convolution is computed, without a Python loop over pixels: every window the filter
visits is a view into the (padded) input (:func:`windows`); copying those windows into the
rows of one matrix ("im2col": ``(N*OH*OW, KH*KW*C)``) turns the whole convolution into one
matrix product with the filter reshaped to ``(KH*KW*C, OC)``. Its gradient with respect to
the filter is one matrix product too; with respect to the input, the product gives one
gradient per window element, added back where each came from ("col2im": one vectorized add
per filter position).

Padding follows TF1. ``"VALID"``: no padding, ``OH = ceil((H - KH' + 1) / stride)`` where
``KH' = (KH - 1) * dilation + 1``. ``"SAME"``: ``OH = ceil(H / stride)``, with just enough zero
padding for that, split evenly, and the odd one out at the bottom and right.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from minigraph import dtypes
from minigraph.api import export
from minigraph.errors import UnimplementedError
from minigraph.op_def import OpDef, register, same_dtype
from minigraph.ops._util import make
from minigraph.ops.array_ops import broadcast_to, constant_value_as_shape, reshape, shape_of
from minigraph.ops.constant_op import as_tensor, binary_operands, constant
from minigraph.tensor_shape import TensorShape


# ------------------------------------------------------------------------------ geometry

def _output_size(size, k, stride, dilation, padding):
    """``(output size, padding before, padding after)`` along one spatial axis; ``size`` may
    be None (unknown): then the output size is too."""
    eff = (k - 1) * dilation + 1
    if size is None:
        return None, None, None
    if padding == "VALID":
        out = (size - eff + stride) // stride
        return out, 0, 0
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + eff - size, 0)
    return out, total // 2, total - total // 2


def _check_attrs(what, strides, padding, data_format, ksize=None, dilations=None):
    if padding not in ("SAME", "VALID"):
        raise ValueError("%s: padding must be 'SAME' or 'VALID', got %r" % (what, padding))
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("%s: data_format must be 'NHWC' or 'NCHW', got %r"
                         % (what, data_format))
    for name, v in (("strides", strides), ("ksize", ksize), ("dilations", dilations)):
        if v is not None and (len(v) != 4 or min(v) < 1):
            raise ValueError("%s: %s must be 4 positive numbers, got %s" % (what, name, list(v)))


def _spatial(attr, data_format):
    """The (height, width) entries of a 4-entry attribute in ``data_format``."""
    return (attr[1], attr[2]) if data_format == "NHWC" else (attr[2], attr[3])


def _to_nhwc(shape, data_format):
    """A 4-d static shape as a list in NHWC order."""
    dims = shape.as_list()
    return dims if data_format == "NHWC" else [dims[0], dims[2], dims[3], dims[1]]


def _from_nhwc(dims, data_format):
    return TensorShape(dims if data_format == "NHWC" else [dims[0], dims[3], dims[1], dims[2]])


def _rank4(shape, what):
    if shape.ndims is not None and shape.ndims != 4:
        raise ValueError("%s must be rank 4 (a batch of images), but is rank %d"
                         % (what, shape.ndims))


def _unsupported(attrs, what):
    """Why TF1's CPU kernels refuse these attributes (they stride and dilate over height and
    width only), or None."""
    fmt = attrs["data_format"]
    for name in ("strides", "dilations"):
        v = attrs.get(name)
        if v is not None:
            batch, channel = (v[0], v[3]) if fmt == "NHWC" else (v[0], v[1])
            if batch != 1 or channel != 1:
                return ("Current implementation does not yet support %s in the batch and "
                        "depth dimensions (%s)." % (name, what))
    return None


def windows(x, kh, kw, sh, sw, dh=1, dw=1):
    """A read-only view of the windows a ``(kh, kw)`` filter visits in the NHWC array ``x``
    (already padded), moving ``(sh, sw)`` at a time with dilation ``(dh, dw)``: shape
    ``(N, OH, OW, kh, kw, C)``. Nothing is copied."""
    n, h, w, c = x.shape
    oh = (h - (kh - 1) * dh - 1) // sh + 1
    ow = (w - (kw - 1) * dw - 1) // sw + 1
    s_n, s_h, s_w, s_c = x.strides
    return as_strided(x, (n, oh, ow, kh, kw, c),
                      (s_n, s_h * sh, s_w * sw, s_h * dh, s_w * dw, s_c), writeable=False)


class _Geometry:
    """Everything a kernel needs to know about one convolution or pooling, in NHWC: the
    ``(kh, kw)`` window, strides, dilations, and the padding of an input of spatial size
    ``(h, w)``. ``strides`` and ``dilations`` are the op's 4-entry attributes, in
    ``data_format``."""

    def __init__(self, h, w, kh, kw, strides, padding, data_format, dilations=None):
        self.kh, self.kw = kh, kw
        self.sh, self.sw = _spatial(strides, data_format)
        self.dh, self.dw = _spatial(dilations, data_format) if dilations else (1, 1)
        self.oh, self.pt, self.pb = _output_size(h, kh, self.sh, self.dh, padding)
        self.ow, self.pl, self.pr = _output_size(w, kw, self.sw, self.dw, padding)
        if self.oh < 1 or self.ow < 1:
            raise ValueError("Computed output size would be negative: %d x %d [input %d x %d, "
                             "window %d x %d, strides %d x %d, padding %s]"
                             % (self.oh, self.ow, h, w, kh, kw, self.sh, self.sw, padding))

    def pad(self, x, value=0):
        """``x`` (NHWC) with the padding of this geometry around its spatial axes."""
        if not (self.pt or self.pb or self.pl or self.pr):
            return x
        return np.pad(x, ((0, 0), (self.pt, self.pb), (self.pl, self.pr), (0, 0)),
                      constant_values=value)

    def windows(self, padded):
        return windows(padded, self.kh, self.kw, self.sh, self.sw, self.dh, self.dw)

    def columns(self, x):
        """im2col: every window of NHWC ``x`` as a column, ``(KH*KW*C, N*OH*OW)``, rows in
        the order of a filter reshaped to ``(KH*KW*C, OC)``. Filled one window position at
        a time from a channels-first copy of ``x``, so each copy runs along image rows."""
        n, _, _, c = x.shape
        planes = np.ascontiguousarray(self.pad(x).transpose(3, 0, 1, 2))   # (C, N, Hp, Wp)
        cols = np.empty((self.kh, self.kw, c, n, self.oh, self.ow), x.dtype)
        for i in range(self.kh):
            top = i * self.dh
            for j in range(self.kw):
                left = j * self.dw
                cols[i, j] = planes[:, :, top:top + self.sh * (self.oh - 1) + 1:self.sh,
                                    left:left + self.sw * (self.ow - 1) + 1:self.sw]
        return cols.reshape(self.kh * self.kw * c, n * self.oh * self.ow)

    def add_back(self, part, shape, dtype, channels_first=True):
        """col2im: the NHWC array of ``shape`` where the values window position ``(i, j)``
        saw get back the gradient ``part(i, j)``: one vectorized add per window position.

        ``part`` gives ``(C, N, OH, OW)`` arrays (``channels_first``: the adds then run along
        rows of the image, not along its few channels, 7x faster for RGB input) or
        ``(N, OH, OW, C)`` ones (better with many channels). Where the windows do not
        overlap, each is written once: no zeros to add to."""
        n, h, w, c = shape
        hp, wp = h + self.pt + self.pb, w + self.pl + self.pr
        disjoint = self.sh >= (self.kh - 1) * self.dh + 1 and \
            self.sw >= (self.kw - 1) * self.dw + 1
        fresh = np.empty if disjoint and self._covers(hp, wp) else np.zeros
        out = fresh((c, n, hp, wp) if channels_first else (n, hp, wp, c), dtype)
        for i in range(self.kh):
            top = i * self.dh
            rows = slice(top, top + self.sh * (self.oh - 1) + 1, self.sh)
            for j in range(self.kw):
                left = j * self.dw
                cols = slice(left, left + self.sw * (self.ow - 1) + 1, self.sw)
                where = (slice(None), slice(None), rows, cols) if channels_first \
                    else (slice(None), rows, cols, slice(None))
                if disjoint:
                    out[where] = part(i, j)
                else:
                    out[where] += part(i, j)
        if not channels_first:
            return out[:, self.pt:self.pt + h, self.pl:self.pl + w, :]
        inside = out[:, :, self.pt:self.pt + h, self.pl:self.pl + w]
        return np.ascontiguousarray(inside.transpose(1, 2, 3, 0))

    def _covers(self, hp, wp):
        """True if the windows, side by side, cover the whole padded image (so a disjoint
        add_back writes every element and needs no zeros first)."""
        return self.sh == self.kh and self.sw == self.kw and self.dh == self.dw == 1 and \
            self.oh * self.kh == hp and self.ow * self.kw == wp


def _nhwc(x, data_format):
    return x if data_format == "NHWC" else np.transpose(x, (0, 2, 3, 1))


def _back(x, data_format):
    return x if data_format == "NHWC" else np.ascontiguousarray(np.transpose(x, (0, 3, 1, 2)))


def _sizes(v, data_format):
    """An input-size vector (int32, in ``data_format``) as an NHWC tuple."""
    v = [int(d) for d in v]
    return tuple(v) if data_format == "NHWC" else (v[0], v[2], v[3], v[1])


def _conv_attrs(op):
    return {k: op.attrs[k] for k in ("strides", "padding", "data_format", "dilations")}


class _Windowed(OpDef):
    """Base of the conv and pool ops: as TF1's, a run with strides or dilations across the
    batch or channels fails (``UnimplementedError``); building it does not."""

    @classmethod
    def make_kernel(cls, op, state):
        unsupported = _unsupported(op.attrs, op.type)
        if unsupported is None:
            return super().make_kernel(op, state)

        def fails(*args):
            raise UnimplementedError(op.name, op, "%s\n  [[node %s, created at %s]]"
                                     % (unsupported, op.name, op.site.with_source()))
        return fails


# --------------------------------------------------------------------------- convolution

def _static_out(h, w, kh, kw, attrs, what):
    """The static output ``(OH, OW)`` of a window ``(kh, kw)`` moved over ``(h, w)`` as
    ``attrs`` say (any of them may be None: unknown); TF1's error if one is below 1."""
    fmt = attrs["data_format"]
    out = []
    for size, k, s, d in zip((h, w), (kh, kw), _spatial(attrs["strides"], fmt),
                             _spatial(attrs.get("dilations") or (1, 1, 1, 1), fmt)):
        o = _output_size(size, k, s, d, attrs["padding"])[0] if k is not None else None
        if o is not None and o < 1:
            raise ValueError("Negative dimension size caused by subtracting %d from %d for '%s'"
                             % ((k - 1) * d + 1, size, what))
        out.append(o)
    return out


def _conv_infer(x_shape, f_shape, attrs, what):
    """The static output shape of a convolution of ``x_shape`` by ``f_shape``."""
    fmt = attrs["data_format"]
    n, h, w, c = _to_nhwc(x_shape, fmt) if x_shape.ndims is not None else [None] * 4
    kh, kw, ci, co = f_shape.as_list() if f_shape.ndims is not None else [None] * 4
    if c is not None and ci is not None and c != ci:
        raise ValueError("Dimensions must be equal, but are %d and %d (the input's channels and "
                         "the filter's in_channels)" % (c, ci))
    oh, ow = _static_out(h, w, kh, kw, attrs, what)
    return _from_nhwc([n, oh, ow, co], fmt)


def _backprop_infer(sizes, other, dy, other_name):
    """The static shape and dtype of a convolution's gradient: the shape its ``sizes``
    input holds (as far as that is known when the graph is built); ``other`` is the
    convolution's other operand, named ``other_name``."""
    dtype = same_dtype([other, dy], (other_name, "out_backprop"))
    _rank4(other.shape, other_name)
    _rank4(dy.shape, "out_backprop")
    return constant_value_as_shape(sizes).merge_with(TensorShape([None] * 4)), dtype


@register
class Conv2D(_Windowed):
    """y[n, i, j, o] = sum over (di, dj, c) of x[n, i*s + di*d, j*s + dj*d, c] * f[di, dj, c, o]
    (x padded as ``padding`` says): a 2-D convolution (TF's, without flipping the filter)"""

    @staticmethod
    def infer(inputs, attrs):
        x, f = inputs
        dtype = same_dtype(inputs, ("input", "filter"))
        if not dtype.is_floating:
            raise TypeError("Conv2D needs floating point input and filter, got %s" % dtype.name)
        _rank4(x.shape, "input")
        _rank4(f.shape, "filter")
        return _conv_infer(x.shape, f.shape, attrs, "Conv2D"), dtype

    @staticmethod
    def forward(x, f, strides, padding, data_format, dilations):
        x = _nhwc(x, data_format)
        kh, kw, c, oc = f.shape
        if x.shape[3] != c:
            raise ValueError("input depth must be evenly divisible by filter depth: %d vs %d"
                             % (x.shape[3], c))
        g = _Geometry(x.shape[1], x.shape[2], kh, kw, strides, padding, data_format, dilations)
        n = x.shape[0]
        y = np.empty((n, g.oh, g.ow, oc), np.result_type(x, f))
        fk = f.reshape(kh * kw * c, oc).T                   # (OC, KH*KW*C)
        for b in _batches(n, kh * kw * c * g.oh * g.ow * x.itemsize):
            cols = g.columns(x[b])                          # im2col: the one copy
            part = fk @ cols                                # (OC, n*OH*OW): the one matmul
            y[b] = part.reshape(oc, -1, g.oh, g.ow).transpose(1, 2, 3, 0)
        return _back(y, data_format)

    @staticmethod
    def gradient(op, grad, needed):
        x, f = op.inputs
        attrs = _conv_attrs(op)
        return [conv2d_backprop_input(shape_of(x), f, grad, **attrs) if needed[0] else None,
                conv2d_backprop_filter(x, shape_of(f), grad, **attrs) if needed[1] else None]


@register
class Conv2DBackpropInput(_Windowed):
    """dx = the gradient of conv2d(x, f) with respect to x, for x of shape ``input_sizes``
    and the output's gradient ``out_backprop``"""

    @staticmethod
    def infer(inputs, attrs):
        sizes, f, dy = inputs
        return _backprop_infer(sizes, f, dy, "filter")

    @staticmethod
    def forward(sizes, f, dy, strides, padding, data_format, dilations):
        n, h, w, c = _sizes(sizes, data_format)
        dy = _nhwc(dy, data_format)
        kh, kw, _, oc = f.shape
        g = _Geometry(h, w, kh, kw, strides, padding, data_format, dilations)
        _check_out(dy, n, g, oc)
        dx = np.empty((n, h, w, c), np.result_type(f, dy))
        fk = f.reshape(-1, oc)                              # (KH*KW*C, OC)
        for b in _batches(n, kh * kw * c * g.oh * g.ow * dy.itemsize):
            # one matmul: the gradient of every window element, window position first
            cols = (fk @ dy[b].reshape(-1, oc).T).reshape(kh, kw, c, -1, g.oh, g.ow)
            dx[b] = g.add_back(lambda i, j: cols[i, j], (len(cols[0, 0, 0]), h, w, c), dx.dtype)
        return _back(dx, data_format)

    @staticmethod
    def gradient(op, grad, needed):
        sizes, f, dy = op.inputs
        attrs = _conv_attrs(op)
        return [None,
                conv2d_backprop_filter(grad, shape_of(f), dy, **attrs) if needed[1] else None,
                conv2d(grad, f, **attrs) if needed[2] else None]


@register
class Conv2DBackpropFilter(_Windowed):
    """df = the gradient of conv2d(x, f) with respect to f, for f of shape ``filter_sizes``
    and the output's gradient ``out_backprop``"""

    @staticmethod
    def infer(inputs, attrs):
        x, sizes, dy = inputs
        return _backprop_infer(sizes, x, dy, "input")

    @staticmethod
    def forward(x, sizes, dy, strides, padding, data_format, dilations):
        x, dy = _nhwc(x, data_format), _nhwc(dy, data_format)
        kh, kw, c, oc = (int(d) for d in sizes)
        g = _Geometry(x.shape[1], x.shape[2], kh, kw, strides, padding, data_format, dilations)
        _check_out(dy, x.shape[0], g, oc)
        df = np.zeros((kh * kw * c, oc), np.result_type(x, dy))
        for b in _batches(x.shape[0], kh * kw * c * g.oh * g.ow * x.itemsize):
            cols = g.columns(x[b])                          # im2col, as in the forward pass
            df += cols @ dy[b].reshape(-1, oc)
        return df.reshape(kh, kw, c, oc)

    @staticmethod
    def gradient(op, grad, needed):
        x, sizes, dy = op.inputs
        attrs = _conv_attrs(op)
        return [conv2d_backprop_input(shape_of(x), grad, dy, **attrs) if needed[0] else None,
                None,
                conv2d(x, grad, **attrs) if needed[2] else None]


#: the most memory one im2col buffer may take: a larger batch is done a few images at a time
#: (one matmul each), which keeps the step's memory low and its working set in cache
COLUMN_BYTES = 8 * 2**20


def _batches(n, bytes_per_image):
    """Slices of a batch of ``n`` images whose im2col buffers take at most COLUMN_BYTES."""
    step = max(1, COLUMN_BYTES // max(bytes_per_image, 1))
    return [slice(a, min(a + step, n)) for a in range(0, n, step)]


def _check_out(dy, n, g, oc):
    if dy.shape != (n, g.oh, g.ow, oc):
        raise ValueError("out_backprop has shape %s, but the convolution's output has shape %s"
                         % (list(dy.shape), [n, g.oh, g.ow, oc]))


def _attr4(v, data_format, name):
    """A window attribute as the op stores it, 4 entries in ``data_format``: 4 given are
    kept as they are; an int or a pair is the height and width (``2`` -> ``(1, 2, 2, 1)``
    in NHWC, ``(1, 1, 2, 2)`` in NCHW)."""
    v = [int(d) for d in ([v] if isinstance(v, (int, np.integer)) else v)]
    if len(v) == 4:
        return tuple(v)
    if len(v) not in (1, 2):
        raise ValueError("%s should be of length 1, 2 or 4, got %d" % (name, len(v)))
    h, w = v if len(v) == 2 else v * 2
    return (1, h, w, 1) if data_format == "NHWC" else (1, 1, h, w)


def _padding(padding):
    """``"same"``, ``b"SAME"`` -> ``"SAME"`` (anything else is left for _check_attrs)."""
    if isinstance(padding, bytes):
        padding = padding.decode()
    return padding.upper() if isinstance(padding, str) else padding


def _conv_args(strides, padding, data_format, dilations, what):
    if strides is None or padding is None:
        raise TypeError("%s needs strides and padding" % what)
    fmt = data_format or "NHWC"
    attrs = {"strides": _attr4(strides, fmt, "strides"), "padding": _padding(padding),
             "data_format": fmt, "dilations": _attr4(1 if dilations is None else dilations, fmt,
                                                     "dilations")}
    _check_attrs(what, attrs["strides"], attrs["padding"], fmt, dilations=attrs["dilations"])
    return attrs


@export("nn.conv2d")
def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=(1, 1, 1, 1), name=None, filters=None):
    """``tf.nn.conv2d``: a 2-D convolution of a batch of images ``input`` (NHWC) by
    ``filter`` (height, width, in_channels, out_channels), moving ``strides`` (4 entries, as
    ``[1, 2, 2, 1]``, or an int) with ``padding`` ``"SAME"`` or ``"VALID"``."""
    __tracebackhide__ = True
    f = filters if filter is None else filter
    if f is None:
        raise TypeError("conv2d needs a filter")
    attrs = _conv_args(strides, padding, data_format, dilations, "Conv2D")
    x, f = binary_operands(input, f)
    return make(Conv2D, [x, f], attrs, name or "Conv2D")


def _sizes_tensor(sizes, name):
    if hasattr(sizes, "_as_graph_tensor"):
        return as_tensor(sizes)
    return constant(list(sizes), dtype=dtypes.int32, name=name)


@export("nn.conv2d_backprop_input")
def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None,  # noqa: A002
                          padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
                          dilations=(1, 1, 1, 1), name=None, filters=None):
    """``tf.nn.conv2d_backprop_input``: the gradient of ``conv2d`` with respect to its input
    (of shape ``input_sizes``), given the gradient ``out_backprop`` of its output."""
    __tracebackhide__ = True
    f = as_tensor(filters if filter is None else filter)
    attrs = _conv_args(strides, padding, data_format, dilations, "Conv2DBackpropInput")
    dy = as_tensor(out_backprop, dtype=f.dtype)
    return make(Conv2DBackpropInput, [_sizes_tensor(input_sizes, "input_sizes"), f, dy], attrs,
                name or "Conv2DBackpropInput")


@export("nn.conv2d_backprop_filter")
def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, data_format="NHWC", dilations=(1, 1, 1, 1),
                           name=None):
    """``tf.nn.conv2d_backprop_filter``: the gradient of ``conv2d`` with respect to its
    filter (of shape ``filter_sizes``), given the gradient ``out_backprop`` of its output."""
    __tracebackhide__ = True
    x = as_tensor(input)
    attrs = _conv_args(strides, padding, data_format, dilations, "Conv2DBackpropFilter")
    dy = as_tensor(out_backprop, dtype=x.dtype)
    return make(Conv2DBackpropFilter, [x, _sizes_tensor(filter_sizes, "filter_sizes"), dy],
                attrs, name or "Conv2DBackpropFilter")


# ------------------------------------------------------------------------------- pooling

def _pool_infer(shape, dtype, attrs, what):
    """The static output shape of a pooling of an input of ``shape`` and ``dtype``."""
    if not dtype.is_floating:
        raise TypeError("%s needs a floating point input, got %s" % (what, dtype.name))
    _rank4(shape, "input")
    if shape.ndims is None:
        return TensorShape([None] * 4)
    fmt = attrs["data_format"]
    n, h, w, c = _to_nhwc(shape, fmt)
    kn, kh, kw, kc = _to_nhwc(TensorShape(list(attrs["ksize"])), fmt)
    if kn != 1 or kc != 1:
        raise ValueError("%s: pooling is not yet supported across the batch or depth "
                         "dimensions (ksize %s)" % (what, list(attrs["ksize"])))
    oh, ow = _static_out(h, w, kh, kw, attrs, what)
    return _from_nhwc([n, oh, ow, c], fmt)


def _pool_geometry(shape, ksize, strides, padding, data_format):
    """The _Geometry of a pooling of an NHWC input of ``shape``."""
    kh, kw = _spatial(ksize, data_format)
    return _Geometry(shape[1], shape[2], kh, kw, strides, padding, data_format)


def _lowest(dtype):
    return -np.inf if np.dtype(dtype).kind == "f" else np.iinfo(dtype).min


def _positions(g):
    """The window positions ``(k, i, j)``, ``k = i * KW + j``: row-major, as TF1 scans."""
    return [(i * g.kw + j, i, j) for i in range(g.kh) for j in range(g.kw)]


def _pool_max(x, g):
    """The maximum of each window of NHWC ``x``: one ``np.maximum`` per window position
    (a reduction over the small window axes of a strided view is several times slower)."""
    vals = g.windows(g.pad(x, _lowest(x.dtype)))
    out = vals[:, :, :, 0, 0].copy()
    for k, i, j in _positions(g)[1:]:
        np.maximum(out, vals[:, :, :, i, j], out=out)
    return out


def _argmax(x, g):
    """For each window of NHWC ``x``: the position ``k = i * KW + j`` of its largest
    element, the first in row-major order among ties, as TF1's CPU kernel picks it (a
    padding element never wins); shape ``(N, OH, OW, C)``. Arithmetic on whole arrays, one
    window position at a time (masked assignments are ten times slower)."""
    vals = g.windows(g.pad(x, _lowest(x.dtype)))
    best = _pool_max(x, g)
    padded = g.pt or g.pb or g.pl or g.pr
    inside = g.windows(g.pad(np.ones((1,) + x.shape[1:3] + (1,), bool), False)) if padded \
        else None
    where = np.zeros(best.shape, np.int16)
    found = np.zeros(best.shape, bool)
    for k, i, j in _positions(g):
        hit = vals[:, :, :, i, j] == best
        if padded:
            hit &= inside[:, :, :, i, j]
        hit &= ~found
        found |= hit
        where += hit * np.int16(k)
    return where


@register
class MaxPool(_Windowed):
    """y = the largest element of each ``ksize`` window of x, moving ``strides``"""

    @staticmethod
    def infer(inputs, attrs):
        x = inputs[0]
        return _pool_infer(x.shape, x.dtype, attrs, "MaxPool"), x.dtype

    @staticmethod
    def forward(x, ksize, strides, padding, data_format):
        x = _nhwc(x, data_format)
        g = _pool_geometry(x.shape, ksize, strides, padding, data_format)
        return _back(_pool_max(x, g), data_format)

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        return [make(MaxPoolGrad, [x, op.outputs[0], grad], dict(op.attrs), "MaxPoolGrad")]


@register
class MaxPoolGrad(_Windowed):
    """dx = the gradient of max_pool(x): each window's gradient goes to the element that was
    its maximum (the first one, among ties)"""

    @staticmethod
    def infer(inputs, attrs):
        x, y, dy = inputs
        return x.shape, same_dtype(inputs, ("orig_input", "orig_output", "grad"))

    @staticmethod
    def forward(x, y, dy, ksize, strides, padding, data_format):
        x, dy = _nhwc(x, data_format), _nhwc(dy, data_format)
        g = _pool_geometry(x.shape, ksize, strides, padding, data_format)
        best = _argmax(x, g)                                # (N, OH, OW, C)
        return _back(g.add_back(lambda i, j: dy * (best == i * g.kw + j), x.shape, dy.dtype,
                                channels_first=False), data_format)

    @staticmethod
    def gradient(op, grad, needed):
        x, y, dy = op.inputs
        # linear in dy: its gradient picks, per window, the gradient at that window's maximum
        return [None, None, make(MaxPoolGradGrad, [x, y, grad], dict(op.attrs),
                                 "MaxPoolGradGrad")]


@register
class MaxPoolGradGrad(_Windowed):
    """z[window] = g at the position of the window's maximum in x: the gradient of
    MaxPoolGrad with respect to its ``grad`` input"""

    @staticmethod
    def infer(inputs, attrs):
        x, y, g = inputs
        dtype = same_dtype(inputs, ("orig_input", "orig_output", "grad"))
        # as TF1: x and g have one shape, and the output is pooled from it (and is y's)
        pooled = _pool_infer(x.shape.merge_with(g.shape), dtype, attrs, "MaxPoolGradGrad")
        return pooled.merge_with(y.shape), dtype

    @staticmethod
    def forward(x, y, grad, ksize, strides, padding, data_format):
        x, grad = _nhwc(x, data_format), _nhwc(grad, data_format)
        g = _pool_geometry(x.shape, ksize, strides, padding, data_format)
        best = _argmax(x, g)
        cols = g.windows(g.pad(grad))
        out = np.zeros(best.shape, grad.dtype)
        for k, i, j in _positions(g):   # each window's gradient at its maximum
            np.copyto(out, cols[:, :, :, i, j], where=best == k)
        return _back(out, data_format)

    @staticmethod
    def gradient(op, grad, needed):
        x, y, g = op.inputs
        return [None, None, make(MaxPoolGrad, [x, y, grad], dict(op.attrs), "MaxPoolGrad")]


def _counts(g, shape):
    """How many elements of the image (not of the padding) each window covers:
    ``(1, OH, OW, 1)``."""
    inside = g.windows(g.pad(np.ones((1,) + shape[1:3] + (1,), np.int64)))
    return inside.sum(axis=(3, 4))


@register
class AvgPool(_Windowed):
    """y = the mean of each ``ksize`` window of x, moving ``strides`` (with SAME padding, the
    mean of the window's elements inside the image)"""

    @staticmethod
    def infer(inputs, attrs):
        x = inputs[0]
        return _pool_infer(x.shape, x.dtype, attrs, "AvgPool"), x.dtype

    @staticmethod
    def forward(x, ksize, strides, padding, data_format):
        x = _nhwc(x, data_format)
        g = _pool_geometry(x.shape, ksize, strides, padding, data_format)
        vals = g.windows(g.pad(x))
        total = vals[:, :, :, 0, 0].copy()
        for k, i, j in _positions(g)[1:]:  # one add per window position, as for the maximum
            total += vals[:, :, :, i, j]
        return _back((total / _counts(g, x.shape)).astype(x.dtype, copy=False), data_format)

    @staticmethod
    def gradient(op, grad, needed):
        x = op.inputs[0]
        return [make(AvgPoolGrad, [shape_of(x), grad], dict(op.attrs), "AvgPoolGrad")]


@register
class AvgPoolGrad(_Windowed):
    """dx = the gradient of avg_pool(x), for x of shape ``orig_input_shape``: each window's
    gradient shared evenly among the image elements it covers"""

    @staticmethod
    def infer(inputs, attrs):
        sizes, dy = inputs
        return constant_value_as_shape(sizes).merge_with(TensorShape([None] * 4)), dy.dtype

    @staticmethod
    def forward(sizes, dy, ksize, strides, padding, data_format):
        shape = _sizes(sizes, data_format)
        dy = _nhwc(dy, data_format)
        g = _pool_geometry(shape, ksize, strides, padding, data_format)
        share = (dy / _counts(g, shape)).astype(dy.dtype, copy=False)
        return _back(g.add_back(lambda i, j: share, shape, dy.dtype, channels_first=False),
                     data_format)

    @staticmethod
    def gradient(op, grad, needed):
        return [None, make(AvgPool, [grad], dict(op.attrs), "AvgPool")]


def _pool_args(ksize, strides, padding, data_format, what):
    fmt = data_format or "NHWC"
    if fmt not in ("NHWC", "NCHW"):
        raise ValueError("%s: data_format must be 'NHWC' or 'NCHW', got %r" % (what, fmt))
    attrs = {"ksize": _attr4(ksize, fmt, "ksize"), "strides": _attr4(strides, fmt, "strides"),
             "padding": _padding(padding), "data_format": fmt}
    _check_attrs(what, attrs["strides"], attrs["padding"], fmt, ksize=attrs["ksize"])
    return attrs


@export("nn.max_pool")
def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """``tf.nn.max_pool``: the largest element of each ``ksize`` window (4 entries, as
    ``[1, 2, 2, 1]``, or an int) of the images ``value`` (NHWC), moving ``strides``."""
    __tracebackhide__ = True
    x = as_tensor(input if value is None else value)
    return make(MaxPool, [x], _pool_args(ksize, strides, padding, data_format, "MaxPool"),
                name or "MaxPool")


@export("nn.avg_pool")
def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """``tf.nn.avg_pool``: the mean of each ``ksize`` window of the images ``value`` (NHWC),
    moving ``strides``; with ``"SAME"`` padding, the mean over the window's elements that
    are inside the image."""
    __tracebackhide__ = True
    x = as_tensor(input if value is None else value)
    return make(AvgPool, [x], _pool_args(ksize, strides, padding, data_format, "AvgPool"),
                name or "AvgPool")


# ------------------------------------------------------------------------------ bias_add

def _channel_axis(ndims, data_format):
    return 1 if data_format == "NCHW" else ndims - 1


@register
class BiasAdd(OpDef):
    """y = value + bias, the bias (one per channel) added along the channel axis (the last,
    or the second with data_format NCHW)"""

    @staticmethod
    def infer(inputs, attrs):
        x, b = inputs
        dtype = same_dtype(inputs, ("value", "bias"))
        if b.shape.ndims is not None and b.shape.ndims != 1:
            raise ValueError("Shape must be rank 1 but is rank %d (the bias)" % b.shape.ndims)
        if x.shape.ndims is not None:
            if x.shape.ndims < 2:
                raise ValueError("Shape must be at least rank 2 but is rank %d" % x.shape.ndims)
            axis = _channel_axis(x.shape.ndims, attrs["data_format"])
            c, bc = x.shape[axis], b.shape[0] if b.shape.ndims else None
            if c is not None and bc is not None and c != bc:
                raise ValueError("Dimensions must be equal, but are %d and %d" % (c, bc))
        return x.shape, dtype

    @staticmethod
    def forward(x, b, data_format):
        if data_format == "NCHW":
            b = b.reshape((-1,) + (1,) * (x.ndim - 2))
        return x + b

    @staticmethod
    def gradient(op, grad, needed):
        return [grad if needed[0] else None,
                make(BiasAddGrad, [grad], dict(op.attrs), "BiasAddGrad") if needed[1] else None]


@register
class BiasAddGrad(OpDef):
    """db = the sum of the gradient over every axis but the channel axis"""

    @staticmethod
    def infer(inputs, attrs):
        g = inputs[0]
        if g.shape.ndims is None:
            return TensorShape([None]), g.dtype
        return TensorShape([g.shape[_channel_axis(g.shape.ndims, attrs["data_format"])]]), \
            g.dtype

    @staticmethod
    def forward(grad, data_format):
        axis = _channel_axis(grad.ndim, data_format)
        return np.add.reduce(grad, axis=tuple(a for a in range(grad.ndim) if a != axis),
                             dtype=grad.dtype)

    @staticmethod
    def gradient(op, grad, needed):
        # db is linear in the gradient g: its gradient copies each channel's value back
        g = op.inputs[0]
        ndims = g.shape.ndims
        axis = _channel_axis(ndims, op.attrs["data_format"])
        shape = [1] * ndims
        shape[axis] = -1
        return [broadcast_to(reshape(grad, shape), shape_of(g))]


@export("nn.bias_add")
def bias_add(value, bias, data_format=None, name=None):
    """``tf.nn.bias_add``: ``value + bias`` with a 1-D ``bias``, one per channel (the last
    axis; the second with ``data_format="NCHW"``)."""
    __tracebackhide__ = True
    fmt = data_format or "NHWC"
    if fmt not in ("NHWC", "NCHW"):
        raise ValueError("data_format must be 'NHWC' or 'NCHW', got %r" % (data_format,))
    x, b = binary_operands(value, bias)
    return make(BiasAdd, [x, b], {"data_format": fmt}, name or "BiasAdd")

