"""Errors with TensorFlow's names and meanings.

Every error raised while running a graph is an :class:`OpError` subclass that knows the
operation it came from (``err.op``) so the message can name the node and the line of user
code that created it.
"""

__all__ = [
    "OpError", "CancelledError", "UnknownError", "InvalidArgumentError", "DeadlineExceededError",
    "NotFoundError", "AlreadyExistsError", "PermissionDeniedError", "ResourceExhaustedError",
    "FailedPreconditionError", "AbortedError", "OutOfRangeError", "UnimplementedError",
    "InternalError", "UnavailableError", "DataLossError",
]


class OpError(Exception):
    """A failure while running an operation (``tf.errors.OpError``).

    Attributes:
      op: the :class:`~minigraph.graph.Operation` that failed, or ``None``.
      node_def: the op's name (TF keeps a NodeDef here).
      message: the human-readable message.
      path: for errors raised by ``Session.run``, the chain of ops from a fetch to the one
        that failed (``[fetch_op, ..., failing_op]``), also spelled out in the message.
    """

    error_code = 2

    def __init__(self, node_def, op, message):
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message
        self.path = None

    def __str__(self):
        return self.message

    def __reduce__(self):  # keep exceptions copyable/pickle-free-friendly for IPython
        return (type(self), (self.node_def, self.op, self.message))


class CancelledError(OpError):
    error_code = 1


class UnknownError(OpError):
    error_code = 2


class InvalidArgumentError(OpError):
    """An argument was bad: a wrong shape or dtype fed, a missing feed, a bad value."""
    error_code = 3


class DeadlineExceededError(OpError):
    error_code = 4


class NotFoundError(OpError):
    """Something named (a tensor, a file, a checkpoint entry) does not exist."""
    error_code = 5


class AlreadyExistsError(OpError):
    error_code = 6


class PermissionDeniedError(OpError):
    error_code = 7


class ResourceExhaustedError(OpError):
    """Out of memory, or an array too large to allocate."""
    error_code = 8


class FailedPreconditionError(OpError):
    """The system is not in a state to run the op, e.g. an uninitialized variable was read."""
    error_code = 9


class AbortedError(OpError):
    error_code = 10


class OutOfRangeError(OpError):
    error_code = 11


class UnimplementedError(OpError):
    error_code = 12


class InternalError(OpError):
    error_code = 13


class UnavailableError(OpError):
    error_code = 14


class DataLossError(OpError):
    """A file was truncated or corrupt."""
    error_code = 15
