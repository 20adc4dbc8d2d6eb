"""What a failed ``Session.run`` tells you: the TF error, the op, its inputs, and the way
from a fetch to it.

A kernel's exception becomes the TF error TF1 would raise (``InvalidArgumentError`` for a
bad value or shape, ``ResourceExhaustedError`` for memory, ``InternalError`` otherwise), whose
message names the op, its type, the dtypes and shapes of its inputs and the line that made
it, followed by the dependency path: ``loss <- Mean <- Sum <- x (placeholder)``, one line of
user code per group of ops. The session keeps working afterwards: a run changes nothing
outside its own environment until its ops do.
"""

import numpy as np

from minigraph import errors
from minigraph.graph import Tensor

__all__ = ["run_error", "with_path", "dependency_path", "format_path"]


def run_error(exc, op, inputs, targets, ops):
    """The TF error for ``exc``, raised by ``op``'s kernel on the arrays ``inputs`` in a run
    of ``targets`` executing ``ops``; with the dependency path."""
    return with_path(_as_op_error(exc, op, inputs), targets, ops)


def _as_op_error(exc, op, inputs):
    """Turn an exception from inside a kernel into a TF error naming the op and its inputs."""
    if isinstance(exc, errors.OpError):
        return exc
    cls = errors.InvalidArgumentError
    if isinstance(exc, MemoryError):
        cls = errors.ResourceExhaustedError
    elif not isinstance(exc, (ValueError, IndexError, TypeError, KeyError, FloatingPointError,
                              ArithmeticError)):
        cls = errors.InternalError
    # the kernel got no value for a ref input (the variable an update writes): name it alone
    refs = op.opdef.ref_inputs
    values = iter(inputs)
    described = ", ".join(
        ("%s (the variable)" % t.name) if i in refs
        else "%s %s %s" % (t.name, t.dtype.name, tuple(np.shape(next(values, None))))
        for i, t in enumerate(op.inputs)) or "none"
    msg = ("Op '%s' (%s) failed: %s\n  inputs: %s\n  [[node %s, created at %s]]"
           % (op.name, op.type, exc, described, op.name, op.site.with_source()))
    return cls(op.name, op, msg)


def with_path(error, targets, ops):
    """Add to an OpError the path from a fetch to the op that failed (``error.path``)."""
    if error.op is None or getattr(error, "path", None):
        return error
    error.path = dependency_path(targets, error.op, ops)
    if len(error.path) > 1:
        error.message = error.message + "\n" + format_path(error.path)
        error.args = (error.message,)
    return error


def dependency_path(targets, failing, ops):
    """The shortest chain fetch <- ... <- ``failing`` through ``ops`` (those of one run)."""
    allowed = set(ops)
    parent = {}
    queue = []
    for t in targets:
        op = t.op if isinstance(t, Tensor) else t
        if op not in parent:
            parent[op] = None
            queue.append(op)
    for op in queue:  # breadth first: the queue grows while we walk it
        if op is failing:
            path = []
            while op is not None:
                path.append(op)
                op = parent[op]
            return path[::-1]
        for dep in [t.op for t in op.inputs] + list(op.control_inputs):
            if dep in allowed and dep not in parent:
                parent[dep] = op
                queue.append(dep)
    return [failing]


def format_path(path, max_groups=8):
    """``loss <- Mean <- Sum <- x (placeholder)`` plus one line per creating line of code."""
    def short(op):
        kind = op.opdef.kind
        return op.name + (" (%s)" % kind if kind in ("placeholder", "variable") else "")
    chain = " <- ".join(short(op) for op in path)
    groups = []  # consecutive ops made by the same line are one group
    for op in path:
        if groups and groups[-1][0].key() == op.site.key():
            groups[-1][1].append(op.name)
        else:
            groups.append((op.site, [op.name]))
    if len(groups) > max_groups:
        k = max_groups // 2
        hidden = sum(len(names) for _, names in groups[k:-k])
        groups = groups[:k] + [(None, ["... %d more ops" % hidden])] + groups[-k:]
    lines = ["  dependency path (fetch <- ... <- failing op): " + chain]
    for site, names in groups:
        if site is None:
            lines.append("      " + names[0])
        else:
            lines.append("      %-28s made at %s" % (" <- ".join(names), site.with_source()))
    return "\n".join(lines)
