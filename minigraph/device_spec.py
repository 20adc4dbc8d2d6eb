"""Device names, for ``with tf.device("/gpu:0"):``, which minigraph records and ignores.

minigraph runs every op with numpy on the CPU. TF1 code still says where ops should run, so
``tf.device`` is accepted: each op made inside gets the device in ``op.device``, written the
way TF1 writes it (``"/gpu:0"`` becomes ``"/device:GPU:0"``; nested blocks merge, the inner
one winning field by field: ``/job:worker`` around ``/gpu:0`` is
``/job:worker/device:GPU:0``), and nothing else changes.
"""

__all__ = ["canonical", "merge", "resolve"]

_DEVICE_TYPES = ("CPU", "GPU", "TPU")
_FIELDS = ("job", "replica", "task", "device_type", "device_index")


def parse(spec):
    """``"/job:worker/gpu:0"`` -> ``{"job": "worker", "device_type": "GPU", ...}`` (TF's
    ``DeviceSpec.from_string``); a bad part is ``ValueError``."""
    if hasattr(spec, "to_string"):
        spec = spec.to_string()
    parts = dict.fromkeys(_FIELDS)
    for piece in (spec or "").split("/"):
        y = piece.split(":")
        if len(y) == 2 and y[0] in ("job", "replica", "task"):
            parts[y[0]] = y[1] if y[0] == "job" else int(y[1])
        elif len(y) in (1, 2) and y[0].upper() in _DEVICE_TYPES or \
                (len(y) == 3 and y[0] == "device"):
            if parts["device_type"] is not None:
                raise ValueError("Multiple device types are not allowed while parsing the "
                                 "device spec: %s." % spec)
            kind, index = (y[1], y[2]) if len(y) == 3 else (y[0], y[1] if len(y) == 2 else "*")
            parts["device_type"] = kind.upper()
            parts["device_index"] = None if index == "*" else int(index)
        elif y[0]:
            raise ValueError("Unknown attribute '%s' is encountered while parsing the device "
                             "spec: '%s'." % (y[0], spec))
    return parts


def _to_string(parts):
    out = ""
    for field in ("job", "replica", "task"):
        if parts[field] is not None:
            out += "/%s:%s" % (field, parts[field])
    if parts["device_type"] is not None:
        index = parts["device_index"]
        out += "/device:%s:%s" % (parts["device_type"], "*" if index is None else index)
    return out


def canonical(spec):
    """TF's spelling of a device name: ``canonical("/gpu:0") == "/device:GPU:0"``."""
    return _to_string(parse(spec))


def merge(outer, inner):
    """The device of an op inside ``with tf.device(inner)`` inside ``outer``."""
    parts = parse(outer)
    for field, value in parse(inner).items():   # each field on its own, as TF merges
        if value is not None:
            parts[field] = value
    return _to_string(parts)


def resolve(stack, op):
    """The device of ``op`` under the ``with tf.device(...)`` blocks in ``stack``
    (outermost first): a name merges, ``None`` clears, a function of the op decides."""
    device = ""
    for entry in stack:
        if entry is None:
            device = ""
        elif callable(entry) and not hasattr(entry, "to_string"):
            device = entry(op) or ""
            device = device.to_string() if hasattr(device, "to_string") else str(device)
        else:
            device = merge(device, entry)
    return device
