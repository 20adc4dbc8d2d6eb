"""The Keras ``Layer`` base class and ``InputLayer`` (``keras.engine`` in Keras 2).

A Keras layer is a ``tf.layers.Layer`` (minigraph's, see ``minigraph/layers.py``) with
Keras's conveniences on top:

* it may know the shape of its input before it is used (``input_shape=(784,)``,
  ``input_dim=784`` or ``batch_input_shape=(None, 784)``): then a ``Sequential`` model can
  build its graph as soon as the layer is added;
* it gets its name from the model it is added to: ``dense``, ``dense_1``... unique within
  the model, and that name is its variable scope, so its weights are ``dense/kernel:0``
  and ``dense/bias:0``, as in Keras-on-TF1;
* after it is built it remembers its ``input`` and ``output`` tensors and their shapes,
  counts its parameters (``count_params()``) and reads or writes its weights as numpy
  arrays in its model's session (``get_weights()``, ``set_weights()``).
"""

import numpy as np

from minigraph import layers as _tf_layers
from minigraph.keras import backend
from minigraph.ops.constant_op import as_tensor

__all__ = ["Layer", "InputLayer"]


class Layer(_tf_layers.Layer):
    """Base class of the Keras layers (``tf.keras.layers.Layer``).

    Args:
      trainable: whether ``fit`` updates the layer's weights.
      name: the layer's name (default: its class in snake case, made unique by the model).
      dtype: the dtype of its weights (default: its input's, float32).
      input_shape: the shape of ONE input sample, e.g. ``(784,)``, for the first layer of a
        model (the batch dimension is added: ``(None, 784)``).
      input_dim: the same for a flat input: ``input_dim=784`` means ``input_shape=(784,)``.
      batch_input_shape: the full input shape with its batch dimension, e.g. ``(32, 784)``.
      batch_size: the batch dimension to use with ``input_shape`` (default None: any).

    A subclass creates its variables in ``build(input_shape)`` with ``add_weight`` and its
    ops in ``call(inputs)``, as for ``tf.layers``.
    """

    uses_learning_phase = False

    def __init__(self, trainable=True, name=None, dtype=None, input_shape=None,
                 input_dim=None, batch_input_shape=None, batch_size=None):
        super().__init__(trainable=trainable, name=name, dtype=dtype)
        self._name_given = name is not None
        if batch_input_shape is None:
            if input_shape is None and input_dim is not None:
                input_shape = (input_dim,)
            if input_shape is not None:
                batch_input_shape = (batch_size,) + tuple(input_shape)
        self.batch_input_shape = None if batch_input_shape is None else tuple(batch_input_shape)
        self.input = self.output = None
        self._model = None

    def _set_name(self, name):
        """Called by the model when the layer is added: the name is the variable scope."""
        self.name = self._base_name = self._scope_name = name

    def __call__(self, inputs, *args, **kwargs):
        """Build the layer in the current graph (first call) and apply it to ``inputs``."""
        inputs = as_tensor(inputs)
        outputs = super().__call__(inputs, *args, **kwargs)
        self.input, self.output = inputs, outputs
        return outputs

    # -- shapes and weights -----------------------------------------------------------------
    @property
    def input_shape(self):
        """The static shape of the input, e.g. ``(None, 784)`` (after the layer is built)."""
        self._check_built("input_shape")
        return backend.int_shape(self.input)

    @property
    def output_shape(self):
        """The static shape of the output, e.g. ``(None, 10)`` (after the layer is built)."""
        self._check_built("output_shape")
        return backend.int_shape(self.output)

    def count_params(self):
        """The number of scalars in the layer's weights."""
        self._check_built("count_params")
        return int(sum(backend.count_params(w) for w in self.weights))

    def get_weights(self):
        """The weights' current values, as numpy arrays (e.g. ``[kernel, bias]``)."""
        if not self.weights:
            return []
        return backend.batch_get_value(self.weights, self._session())

    def set_weights(self, weights):
        """Set the weights from numpy arrays, in the order of ``get_weights()``."""
        if len(weights) != len(self.weights):
            raise ValueError("You called `set_weights(weights)` on layer %r with a weight list "
                             "of length %d, but the layer was expecting %d weights."
                             % (self.name, len(weights), len(self.weights)))
        for w, value in zip(self.weights, weights):
            if tuple(np.shape(value)) != backend.int_shape(w):
                raise ValueError("Layer weight shape %s not compatible with provided weight "
                                 "shape %s (%s)" % (backend.int_shape(w), np.shape(value), w.name))
        if self.weights:
            backend.batch_set_value(list(zip(self.weights, weights)), self._session())

    def get_config(self):
        """The constructor arguments (``layer.get_config()``)."""
        config = {"name": self.name, "trainable": self.trainable}
        if self.batch_input_shape is not None:
            config["batch_input_shape"] = self.batch_input_shape
        return config

    def _session(self):
        if self._model is None or self._model.session is None:
            raise ValueError("Layer %r has no session yet: add it to a model and build the "
                             "model first." % self.name)
        return self._model.session

    def _check_built(self, what):
        if self.output is None:
            raise AttributeError("The layer %r has not been built yet, so it has no %s: add it "
                                 "to a model whose input shape is known." % (self.name, what))

    def __repr__(self):
        return "<tf.keras.layers.%s %r>" % (type(self).__name__, self.name)


class InputLayer(Layer):
    """``tf.keras.layers.InputLayer``: the model's input placeholder, as a layer.

    ``Sequential([InputLayer(input_shape=(784,)), Dense(10)])`` is the same model as
    ``Sequential([Dense(10, input_shape=(784,))])``; the placeholder is named after the
    layer (``input_1``) instead of ``dense_input``. It has no weights and, as in Keras, it
    is not listed in ``model.layers``.
    """

    def __init__(self, input_shape=None, batch_size=None, dtype=None, name=None,
                 batch_input_shape=None):
        super().__init__(name=name or "input_1", dtype=dtype, input_shape=input_shape,
                         batch_input_shape=batch_input_shape, batch_size=batch_size)
        self._name_given = name is not None
        if self.batch_input_shape is None:
            raise ValueError("InputLayer needs `input_shape` or `batch_input_shape`")

    def call(self, inputs):
        return inputs
