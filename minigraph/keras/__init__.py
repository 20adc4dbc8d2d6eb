"""``tf.keras``: Keras's ``Sequential`` API on minigraph graphs and sessions.

    import minigraph as tf
    model = tf.keras.models.Sequential()
    model.add(tf.keras.layers.Dense(32, activation="relu", input_shape=(10,)))
    model.add(tf.keras.layers.Dense(1))
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=5, batch_size=32)
    viz.draw(model.graph)             # from minigraph import viz: the graph Keras built

Everything here is built from the same pieces as hand-written TF1 code: the layers make
variables and ops (``minigraph.layers``), the optimizers are ``tf.train.Optimizer``
subclasses, and ``fit`` is a loop of ``Session.run`` calls fetching the train op. Read
``models.py`` first; ``backend.py`` says where graphs and sessions live.

Submodules: ``models``, ``layers`` (and ``layers.core``), ``optimizers``, ``losses``,
``metrics``, ``callbacks``, ``activations``, ``initializers``, ``backend``, ``utils``.
"""

from minigraph.keras import (activations, backend, callbacks, initializers, layers, losses,
                             metrics, models, optimizers, utils)
from minigraph.keras.models import Sequential

__all__ = ["activations", "backend", "callbacks", "initializers", "layers", "losses",
           "metrics", "models", "optimizers", "utils", "Sequential"]
