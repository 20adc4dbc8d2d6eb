"""``tf.keras.models.Sequential``: a stack of layers, trained with ``compile`` and ``fit``.

The lecture's program (older Keras spellings: Keras 1's, and ``lr`` of Keras 1 and 2.0-2.2; they still work, with DeprecationWarnings)::

    from minigraph.keras.models import Sequential
    from minigraph.keras.layers.core import Dense, Activation
    from minigraph.keras.optimizers import SGD

    model = Sequential()
    model.add(Dense(input_dim=D, output_dim=H))   # knows its input: the graph is built now
    model.add(Activation('relu'))
    model.add(Dense(input_dim=H, output_dim=D))
    optimizer = SGD(lr=1e0)
    model.compile(loss='mean_squared_error', optimizer=optimizer)   # builds the loss
    history = model.fit(x, y, nb_epoch=50, batch_size=N, verbose=0)  # builds the train op

Under the hood it is the TF1 graph you would write by hand, in a graph and session of the
model's own (``model.graph``, ``model.session``):

* ``add`` builds each layer's ops as soon as the input shape is known: a placeholder
  ``dense_input`` (``model.input``), then ``dense/MatMul``, ``dense/BiasAdd``,
  ``activation/Relu``, ... with variables ``dense/kernel:0``, ``dense/bias:0``, ...;
* ``compile`` adds a target placeholder ``dense_1_target``, the loss ``loss`` (the mean
  over the batch of the per-sample loss) and one tensor per metric (``metrics/acc``);
* the first ``fit`` adds the gradients and the optimizer's train op (``SGD``). Each batch
  is then ONE ``session.run([train_op, loss, metrics...], feed_dict)``: the train op is
  fetched, which is what updates the weights;
* ``evaluate`` runs ``[loss, metrics...]`` and ``predict`` runs the output, batch by
  batch, without the train op.

So ``minigraph.viz.draw(model.graph)`` draws the model, and everything that can be done
with a hand-written graph (tracing a run, fetching a gradient) can be done with this one.

Randomness: the model's graph takes the graph-level seed of the default graph when the
model is built (``tf.set_random_seed(0)`` first), which fixes its initial weights and
dropout masks; ``fit``'s shuffling then uses ``np.random.RandomState(seed)``, the model's
own. Without a graph seed, shuffling uses numpy's global generator (``np.random.seed``
fixes the order, but not the initial weights).
"""

import numpy as np

from minigraph import dtypes
from minigraph.graph import Graph, get_default_graph
from minigraph.keras import backend, losses, metrics as metrics_module, optimizers, training
from minigraph.keras.engine import InputLayer, Layer
from minigraph.keras.utils import print_summary, rename_legacy_argument
from minigraph.ops.array_ops import placeholder
from minigraph.ops.control_flow_ops import group
from minigraph.ops.reduce_ops import reduce_mean
from minigraph.session import Session

__all__ = ["Sequential"]


class Sequential:
    """``keras.models.Sequential``: layers applied one after the other.

    Args:
      layers: optional list of layers to ``add``.
      name: the model's name (default ``"sequential"``).

    Attributes (once built): ``graph``, ``session`` (None before), ``inputs``/``input``
    (the input placeholder), ``outputs``/``output``, ``layers``, ``weights``; once
    compiled: ``optimizer``, ``loss``, ``targets``, ``total_loss``, ``metrics_names``;
    after the first ``fit``: ``train_op``, ``train_function``; after ``fit``: ``history``.
    """

    def __init__(self, layers=None, name=None):
        self.name = name or "sequential"
        self._layers = []
        self.graph = self.session = None
        self.inputs, self.outputs = [], []
        self.built = False
        self.optimizer = self.loss = self.loss_function = None
        self.metrics = []
        self.metrics_names = ["loss"]
        self.targets, self.total_loss, self.metrics_tensors = [], None, []
        self.train_op = None
        self.train_function = self.test_function = self.predict_function = None
        self.history = None
        self.stop_training = False
        self._shuffle_rng = None
        for layer in layers or ():
            self.add(layer)

    # ------------------------------------------------------------------------ the layers
    @property
    def layers(self):
        """The layers added, in order (an ``InputLayer`` is left out, as in Keras)."""
        if self._layers and isinstance(self._layers[0], InputLayer):
            return self._layers[1:]
        return list(self._layers)

    def add(self, layer):
        """Append ``layer``. If the model knows its input shape (from the first layer's
        ``input_shape``/``input_dim``), the layer's ops and weights are built right away."""
        if not isinstance(layer, Layer):
            raise TypeError("The added layer must be an instance of class Layer "
                            "(minigraph.keras.layers). Found: %r" % (layer,))
        if layer._model is not None:
            raise ValueError("Layer %r is already in a model; make a new layer instead."
                             % layer.name)
        if isinstance(layer, InputLayer) and self._layers:
            raise ValueError("An InputLayer can only be the first layer of a Sequential model")
        taken = {existing.name for existing in self._layers}
        name = layer.name if layer._name_given else _unique(layer.name, taken)
        if name in taken:
            raise ValueError("All layers added to a Sequential model should have unique names. "
                             "Name %r is already the name of a layer in this model. Update the "
                             "`name` argument to pass a unique name." % name)
        layer._set_name(name)
        layer._model = self
        self._layers.append(layer)
        if self.built:
            with self.graph.as_default():
                self.outputs = [layer(self.outputs[0])]
            self._forget_compiled_graph()
        elif len(self._layers) == 1 and layer.batch_input_shape is not None:
            self._build(layer.batch_input_shape, layer.dtype)

    def build(self, input_shape=None):
        """Build the graph for inputs of ``input_shape`` (with the batch axis, e.g.
        ``(None, 784)``); ``fit``/``predict`` do this from the data if needed."""
        if not self.built:
            if input_shape is None:
                raise ValueError("You must provide an `input_shape` argument.")
            self._build(tuple(input_shape), None)

    def _build(self, batch_input_shape, dtype):
        if not self._layers:
            raise TypeError("The model has no layers: add some with model.add(...)")
        dtype = dtypes.as_dtype(dtype or backend.floatx())
        self.graph = Graph()
        self.graph.seed = get_default_graph().seed   # tf.set_random_seed applies to models
        first = self._layers[0]
        with self.graph.as_default():
            if isinstance(first, InputLayer):
                x = placeholder(dtype, batch_input_shape, name=first.name)
                first.input = first.output = x
                first.built = True
                rest = self._layers[1:]
            else:
                x = placeholder(dtype, batch_input_shape, name=first.name + "_input")
                rest = self._layers
            h = x
            for layer in rest:
                h = layer(h)
        self.inputs, self.outputs = [x], [h]
        self.session = Session(graph=self.graph)
        backend._register_session(self.graph, self.session)
        self.built = True
        if self.optimizer is not None:
            self._compile_graph()

    def _build_from_data(self, x):
        if not self.built:
            self._build((None,) + tuple(x.shape[1:]), None)

    @property
    def input(self):
        self._check_built("input")
        return self.inputs[0]

    @property
    def output(self):
        self._check_built("output")
        return self.outputs[0]

    @property
    def uses_learning_phase(self):
        """True if some layer (Dropout) behaves differently when training."""
        return any(layer.uses_learning_phase for layer in self._layers)

    # ----------------------------------------------------------------------- the weights
    @property
    def weights(self):
        """All the layers' variables, layer by layer (``[kernel, bias, kernel, bias]``)."""
        return [w for layer in self._layers for w in layer.weights]

    @property
    def trainable_weights(self):
        return [w for layer in self._layers if layer.trainable
                for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        trainable = set(self.trainable_weights)
        return [w for w in self.weights if w not in trainable]

    def count_params(self):
        return int(sum(backend.count_params(w) for w in self.weights))

    def get_weights(self):
        """The weights' values as numpy arrays, in the order of ``model.weights``."""
        self._check_built("weights")
        return backend.batch_get_value(self.weights, self.session)

    def set_weights(self, weights):
        """Set every weight from numpy arrays, in the order of ``get_weights()``."""
        self._check_built("weights")
        if len(weights) != len(self.weights):
            raise ValueError("You called `set_weights(weights)` on model %r with a weight list "
                             "of length %d, but the model was expecting %d weights."
                             % (self.name, len(weights), len(self.weights)))
        for w, value in zip(self.weights, weights):
            if tuple(np.shape(value)) != backend.int_shape(w):
                raise ValueError("Weight %s has shape %s, the value given has shape %s"
                                 % (w.name, backend.int_shape(w), np.shape(value)))
        backend.batch_set_value(list(zip(self.weights, weights)), self.session)

    # ------------------------------------------------------------------------- compile
    def compile(self, optimizer, loss=None, metrics=None, **kwargs):
        """Choose the optimizer, the loss and the metrics (``model.compile``).

        Args:
          optimizer: an optimizer (``SGD(learning_rate=0.1)``, or a ``tf.train``
            optimizer) or a name: ``"sgd"``, ``"adam"``, ``"rmsprop"``, ``"adagrad"``,
            ``"adadelta"``.
          loss: a name (``"mse"``/``"mean_squared_error"``, ``"mae"``,
            ``"categorical_crossentropy"``, ``"sparse_categorical_crossentropy"``,
            ``"binary_crossentropy"``, ``"hinge"``...) or a function
            ``loss(y_true, y_pred)`` returning a tensor (one value per sample, or a
            scalar). The model minimizes its mean over the batch.
          metrics: names or functions, e.g. ``["accuracy"]`` (which accuracy: see
            ``minigraph.keras.metrics``), ``["mae"]``. A metric's name in the logs is the
            string given (``"acc"`` or ``"accuracy"``), or the function's ``__name__``.

        If the model is built, the target placeholder, the loss and the metrics are added
        to its graph now; the train op is added by the first ``fit``.
        """
        if kwargs:
            raise TypeError("compile got unsupported arguments: %s" % ", ".join(sorted(kwargs)))
        if loss is None:
            raise ValueError("compile needs a `loss`, e.g. loss='mean_squared_error'")
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self.loss_function = losses.get(loss)
        self.metrics = list(metrics or [])
        self._forget_compiled_graph()
        if self.built:
            self._compile_graph()

    def _forget_compiled_graph(self):
        self.targets, self.total_loss, self.metrics_tensors = [], None, []
        self.train_op = self.train_function = self.test_function = None

    def _metric_functions(self):
        found = []
        for m in self.metrics:
            if m in ("accuracy", "acc"):
                fn = metrics_module.accuracy_for(self.loss_function,
                                                 backend.int_shape(self.outputs[0]))
            else:
                fn = metrics_module.get(m)
            found.append((m if isinstance(m, str) else fn.__name__, fn))
        return found

    def _compile_graph(self):
        """Add the target placeholder, the loss and the metric tensors to the graph."""
        output = self.outputs[0]
        last = self._layers[-1]
        ndims = output.shape.ndims
        if self.loss_function is losses.sparse_categorical_crossentropy:
            target_shape = [None] * (ndims - 1) + [1]        # class indices, one per sample
        elif isinstance(self.loss, str):
            target_shape = output.shape                      # same shape as the output
        else:
            target_shape = [None] * ndims                    # a custom loss: anything goes
        graph = self.graph
        with graph.as_default():
            y_true = placeholder(output.dtype, target_shape, name=last.name + "_target")
            with graph.name_scope("loss") as scope:
                per_sample = self.loss_function(y_true, output)      # (N,)
                total_loss = reduce_mean(per_sample, name=scope)     # named "loss"
            metric_tensors = []
            named = self._metric_functions()
            if named:
                with graph.name_scope("metrics"):
                    for name, fn in named:
                        with graph.name_scope(name) as scope:
                            metric_tensors.append(reduce_mean(fn(y_true, output), name=scope))
        self.targets, self.total_loss, self.metrics_tensors = [y_true], total_loss, metric_tensors
        self.metrics_names = ["loss"] + [name for name, _ in named]

    def _check_compiled(self):
        if self.optimizer is None:
            raise RuntimeError("You must compile your model before training/testing. "
                               "Use `model.compile(optimizer, loss)`.")
        if self.total_loss is None:
            self._compile_graph()

    # ---------------------------------------------------------------------- functions
    def _make_train_function(self):
        """Add the gradients and the train op to the graph (once) and wrap
        ``[train_op, loss, metrics...]`` in a backend Function."""
        self._check_compiled()
        if self.train_function is not None:
            return
        with self.graph.as_default():
            params = self.trainable_weights
            if hasattr(self.optimizer, "get_updates"):
                updates = list(self.optimizer.get_updates(self.total_loss, params))
            else:   # a tf.train optimizer
                updates = [self.optimizer.minimize(self.total_loss, var_list=params)]
            updates += [u for layer in self._layers for u in layer.updates]
            self.train_op = updates[0] if len(updates) == 1 else group(*updates,
                                                                       name="train_op")
        inputs = self.inputs + self.targets
        if self.uses_learning_phase:
            with self.graph.as_default():
                inputs = inputs + [backend.learning_phase()]
        self.train_function = backend.Function(inputs, [self.total_loss] + self.metrics_tensors,
                                               updates=[self.train_op], session=self.session,
                                               name="train_function")

    def _make_test_function(self):
        self._check_compiled()
        if self.test_function is None:
            self.test_function = backend.Function(
                self.inputs + self.targets, [self.total_loss] + self.metrics_tensors,
                session=self.session, name="test_function")

    def _make_predict_function(self):
        if self.predict_function is None or self.predict_function.outputs != self.outputs:
            self.predict_function = backend.Function(self.inputs, self.outputs,
                                                     session=self.session,
                                                     name="predict_function")

    # ------------------------------------------------------------------------- the data
    def _standardize(self, x, y=None):
        x = training.standardize(x, "x")
        self._build_from_data(x)
        if y is None:
            return x, None
        y = training.standardize(y, "y")
        if len(x) != len(y):
            raise ValueError("Input arrays should have the same number of samples as target "
                             "arrays. Found %d input samples and %d target samples."
                             % (len(x), len(y)))
        units = self.outputs[0].shape[-1]
        if (self.loss_function is losses.categorical_crossentropy and y.shape[-1] == 1
                and units not in (None, 1)):
            raise ValueError("You are passing a target array of shape %s while using as loss "
                             "`categorical_crossentropy`, which expects targets to be one-hot "
                             "rows of shape (samples, %d). If your targets are integer classes, "
                             "use loss='sparse_categorical_crossentropy' instead."
                             % (y.shape, units))
        return x, y

    def _shuffler(self):
        """What shuffles the samples: the model's RandomState seeded with the graph seed,
        else numpy's global generator."""
        if self.graph.seed is None:
            return np.random
        if self._shuffle_rng is None:
            self._shuffle_rng = np.random.RandomState(self.graph.seed)
        return self._shuffle_rng

    # ---------------------------------------------------------------- fit / evaluate / predict
    def fit(self, x=None, y=None, batch_size=32, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0,
            **kwargs):
        """Train for ``epochs`` passes over ``(x, y)``, in batches (``model.fit``).

        Args:
          x, y: numpy arrays of inputs and targets, one row per sample.
          batch_size: samples per gradient step (default 32).
          epochs: the epoch to stop at (Keras 1: ``nb_epoch``, with a DeprecationWarning).
          verbose: 0 silent, 1 a progress bar per epoch, 2 one line per epoch.
          callbacks: a list of ``keras.callbacks.Callback``.
          validation_split: the fraction of the data held out for validation: the LAST
            samples, taken before shuffling (as Keras does).
          validation_data: ``(x_val, y_val)``; overrides ``validation_split``.
          shuffle: reshuffle the training samples at every epoch.
          initial_epoch: the epoch to start from (to resume training).

        Returns:
          A :class:`~minigraph.keras.callbacks.History`: ``history.history["loss"]`` holds
          the mean training loss of each epoch (each batch's loss is computed before that
          batch's update), ``"val_loss"`` the validation loss after the epoch.
        """
        rename_legacy_argument(kwargs, "nb_epoch", "epochs", "fit")
        epochs = kwargs.pop("epochs", epochs)
        if kwargs:
            raise TypeError("Unrecognized keyword arguments: %s" % ", ".join(sorted(kwargs)))
        batch_size = 32 if batch_size is None else int(batch_size)  # None: Keras's 32
        x, y = self._standardize(x, y)
        self._check_compiled()
        val_ins = None
        if validation_data is not None:
            if len(validation_data) != 2:
                raise ValueError("validation_data should be a tuple (x_val, y_val)")
            val_ins = list(self._standardize(*validation_data))
        elif validation_split and 0.0 < validation_split < 1.0:
            split_at = int(len(x) * (1.0 - validation_split))
            x, val_x = x[:split_at], x[split_at:]
            y, val_y = y[:split_at], y[split_at:]
            val_ins = [val_x, val_y]
        self._make_train_function()
        val_f = None
        if val_ins is not None:
            self._make_test_function()
            val_f = self.test_function
        extra = [True] if self.uses_learning_phase else []
        return training.fit_loop(self, self.train_function, [x, y], extra, self.metrics_names,
                                 batch_size, epochs, verbose, callbacks, val_f, val_ins,
                                 shuffle, initial_epoch, self._shuffler())

    def evaluate(self, x=None, y=None, batch_size=32, verbose=1):
        """The loss (and metrics) on ``(x, y)``, averaged over the samples, in batches and
        without training (``model.evaluate``).

        Returns the loss as a numpy float32 scalar if there are no metrics, else
        ``[loss, metric, ...]`` in the order of ``model.metrics_names`` (as TF1's Keras).
        """
        batch_size = 32 if batch_size is None else int(batch_size)  # None: Keras's 32
        x, y = self._standardize(x, y)
        self._make_test_function()
        outs = training.test_loop(self.test_function, [x, y], batch_size, verbose)
        return outs[0] if len(outs) == 1 else outs

    def predict(self, x, batch_size=32, verbose=0):
        """The model's output for ``x`` (a numpy array), computed in batches
        (``model.predict``). Dropout is off (the learning phase keeps its default)."""
        batch_size = 32 if batch_size is None else int(batch_size)  # None: Keras's 32
        x, _ = self._standardize(x)
        self._make_predict_function()
        return training.predict_loop(self.predict_function, [x], batch_size, verbose)

    def train_on_batch(self, x, y):
        """ONE gradient step on ``(x, y)``; returns the loss (and metrics) before it, as
        numpy float32 scalars."""
        x, y = self._standardize(x, y)
        self._make_train_function()
        extra = [True] if self.uses_learning_phase else []
        outs = [training.scalar(v) for v in self.train_function([x, y] + extra)]
        return outs[0] if len(outs) == 1 else outs

    def test_on_batch(self, x, y):
        """The loss (and metrics) on one batch, without training, as numpy float32
        scalars."""
        x, y = self._standardize(x, y)
        self._make_test_function()
        outs = [training.scalar(v) for v in self.test_function([x, y])]
        return outs[0] if len(outs) == 1 else outs

    def predict_on_batch(self, x):
        """The output for one batch."""
        x, _ = self._standardize(x)
        self._make_predict_function()
        return self.predict_function([x])[0]

    # -------------------------------------------------------------------------- summary
    def summary(self, line_length=None, positions=None, print_fn=None):
        """Print a table of the layers, their output shapes and parameter counts, then the
        totals (``model.summary()``, Keras's format; see ``keras.utils.print_summary``)."""
        if not self.built:
            raise ValueError("This model has not yet been built. Build the model first by "
                             "calling `build()` or calling `fit()` with some data, or specify "
                             "an `input_shape` argument in the first layer for automatic "
                             "build.")
        print_summary(self, line_length, positions, print_fn)

    def _check_built(self, what):
        if not self.built:
            raise ValueError("The model %r has no %s yet: it is built when its input shape is "
                             "known (input_shape= on the first layer, or the first fit/predict)."
                             % (self.name, what))

    def __repr__(self):
        return "<tf.keras.models.Sequential %r: %d layers%s>" % (
            self.name, len(self.layers), "" if self.built else " (not built)")


def _unique(base, taken):
    """``base``, else ``base_1``, ``base_2``...: the first name not in ``taken``."""
    name, i = base, 0
    while name in taken:
        i += 1
        name = "%s_%d" % (base, i)
    return name
