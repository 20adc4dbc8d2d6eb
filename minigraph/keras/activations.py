"""``tf.keras.activations``: the activation functions a layer can name (``activation="relu"``).

Each takes a tensor and returns a tensor of the same shape, built from graph ops.
"""

from minigraph.ops import math_ops, nn_ops

__all__ = ["relu", "sigmoid", "tanh", "softmax", "linear", "get"]


def relu(x):
    """``max(x, 0)``, elementwise (op ``Relu``)."""
    return nn_ops.relu(x)


def sigmoid(x):
    """``1 / (1 + exp(-x))``, elementwise (op ``Sigmoid``)."""
    return math_ops.sigmoid(x)


def tanh(x):
    """``tanh(x)``, elementwise (op ``Tanh``)."""
    return math_ops.tanh(x)


def softmax(x):
    """``exp(x) / sum(exp(x))`` over the last axis: each row becomes probabilities."""
    return nn_ops.softmax(x)


def linear(x):
    """The identity: ``x`` itself, no op (``activation=None`` means this)."""
    return x


_BY_NAME = {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "softmax": softmax,
            "linear": linear}


def get(identifier):
    """``keras.activations.get``: a function from a name (``"relu"``), a function, or None
    (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError("Unknown activation function: %r (known: %s)"
                             % (identifier, ", ".join(sorted(_BY_NAME))))
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret activation function identifier: %r" % (identifier,))
