"""Data types, named as TensorFlow names them (``tf.float32`` ...).

A :class:`DType` is a thin, hashable wrapper around a numpy dtype. minigraph never
promotes types silently: ``float32 + float64`` is an error at construction, exactly as
in TF1, because a graph says precisely what every node holds.
"""

import numpy as np

_py_bool = type(True)  # the builtin, before `bool` below shadows it

__all__ = [
    "DType", "as_dtype",
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool",
    "string", "half", "double",
]


class DType:
    """One element type of a tensor, mirroring ``tf.DType``."""

    __slots__ = ("name", "as_numpy_dtype", "_np")

    def __init__(self, name, np_dtype):
        self.name = name
        self._np = np.dtype(np_dtype)
        self.as_numpy_dtype = self._np.type

    @property
    def is_floating(self):
        return self._np.kind == "f"

    @property
    def is_integer(self):
        return self._np.kind in "iu"

    @property
    def is_bool(self):
        return self._np.kind == "b"

    @property
    def is_numeric(self):
        return self._np.kind in "iuf"

    @property
    def size(self):
        """Bytes per element."""
        return self._np.itemsize

    @property
    def base_dtype(self):
        return self

    @property
    def min(self):
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    def __repr__(self):
        return "tf." + self.name

    def __eq__(self, other):
        if isinstance(other, DType):
            return self.name == other.name
        try:
            return self.name == as_dtype(other).name
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.name)


float16 = half = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = double = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
bool = DType("bool", np.bool_)  # noqa: A001 -- the TF name, used as tf.bool
string = DType("string", np.object_)

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool, string)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"half": float16, "double": float64, "float": float32})
_BY_NP = {d._np: d for d in _ALL}


def as_dtype(value):
    """Convert a ``DType``, a numpy dtype/type, a Python type or a name to a ``DType``.

    ``tf.as_dtype(np.float32) is tf.float32``; ``tf.as_dtype("float64") is tf.float64``.
    """
    if isinstance(value, DType):
        return value
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    if value is float:
        return float32
    if value is int:
        return int32
    if value is _py_bool:
        return bool
    try:
        np_dtype = np.dtype(value)
    except TypeError:
        raise TypeError("Cannot convert %r to a minigraph DType." % (value,)) from None
    if np_dtype.kind in "US":
        return string
    if np_dtype in _BY_NP:
        return _BY_NP[np_dtype]
    raise TypeError("Cannot convert %r to a minigraph DType." % (value,))

