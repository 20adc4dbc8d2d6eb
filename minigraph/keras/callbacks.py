"""``tf.keras.callbacks``: code that ``fit`` calls at fixed points of training.

``fit`` calls, in this order (Keras 2.2's training loop)::

    on_train_begin(logs)
    for each epoch:   on_epoch_begin(epoch, logs)
        for each batch:   on_batch_begin(batch, logs)   # logs: {"batch": i, "size": n}
                          ... one session.run([train_op, loss, metrics...]) ...
                          on_batch_end(batch, logs)     # + "loss" and metrics of the batch
        (validation, after the last batch)
                      on_epoch_end(epoch, logs)     # "loss", metrics: epoch averages;
                                                    # "val_loss", "val_<metric>"
    on_train_end(logs)

The callbacks run in the order ``BaseLogger`` (turns the batch values into epoch averages),
``ProgbarLogger`` (prints, if ``verbose``), your callbacks, ``History`` (records the epoch
logs: ``model.fit`` returns it). A callback can stop training by setting
``self.model.stop_training = True`` (``EarlyStopping`` does).
"""

import os
import warnings

import numpy as np

from minigraph import summary
from minigraph.keras.utils import Progbar
from minigraph.summary import SummaryRecord, SummaryValue

__all__ = ["Callback", "CallbackList", "BaseLogger", "ProgbarLogger", "History",
           "EarlyStopping", "LambdaCallback", "TensorBoard"]


class Callback:
    """Base class (``keras.callbacks.Callback``): override the hooks you need.

    Attributes set by ``fit``: ``model`` (the model being trained) and ``params`` (a dict:
    ``batch_size``, ``epochs``, ``samples``, ``verbose``, ``do_validation``, ``metrics``:
    the names that appear in the epoch logs).
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass


class CallbackList:
    """Calls each hook on a list of callbacks, in order (``keras.callbacks.CallbackList``)."""

    def __init__(self, callbacks=None):
        self.callbacks = list(callbacks or [])

    def append(self, callback):
        self.callbacks.append(callback)

    def set_params(self, params):
        for c in self.callbacks:
            c.set_params(params)

    def set_model(self, model):
        for c in self.callbacks:
            c.set_model(model)

    def _call(self, hook, *args):
        for c in self.callbacks:
            getattr(c, hook)(*args)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs if logs is not None else {})

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs if logs is not None else {})

    def on_batch_begin(self, batch, logs=None):
        self._call("on_batch_begin", batch, logs if logs is not None else {})

    def on_batch_end(self, batch, logs=None):
        self._call("on_batch_end", batch, logs if logs is not None else {})

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs if logs is not None else {})

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs if logs is not None else {})


class BaseLogger(Callback):
    """Averages the batch values of the loss and the metrics over the epoch, weighted by
    batch size, and puts the averages in the epoch logs (always first in ``fit``)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        size = logs.get("size", 0)
        self.seen += size
        for k, v in logs.items():
            if k not in ("batch", "size"):
                self.totals[k] = self.totals.get(k, 0.0) + v * size

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for k in self.params.get("metrics", ()):
            if k in self.totals:
                logs[k] = self.totals[k] / self.seen   # val_* come from evaluate instead


class ProgbarLogger(Callback):
    """Prints ``Epoch 1/5`` and a progress bar per epoch (verbose=1) or one line per epoch
    (verbose=2), through :class:`~minigraph.keras.utils.Progbar`."""

    def on_train_begin(self, logs=None):
        self.verbose = self.params.get("verbose", 1)
        self.epochs = self.params.get("epochs")

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            print("Epoch %d/%d" % (epoch + 1, self.epochs))
        self.target = self.params.get("samples")
        self.progbar = Progbar(self.target, verbose=self.verbose)
        self.seen = 0

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        self.seen += logs.get("size", 0)
        values = [(k, logs[k]) for k in self.params.get("metrics", ()) if k in logs]
        if self.verbose and self.seen < self.target:
            self.progbar.update(self.seen, values)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        names = [k for k in self.params.get("metrics", ()) if k in logs]
        # the epoch's own values (averages, val_*) are shown as they are
        self.progbar.stateful_metrics.update(names)
        if self.verbose:
            self.progbar.update(self.seen, [(k, logs[k]) for k in names])


class History(Callback):
    """Records the epoch logs (``keras.callbacks.History``); ``model.fit`` returns it.

    Attributes:
      history: ``{"loss": [per epoch...], "acc": [...], "val_loss": [...], ...}``.
      epoch: the epoch indices, ``[0, 1, ...]`` (from ``initial_epoch``).
    """

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has stopped improving (``keras.callbacks.EarlyStopping``).

    Args:
      monitor: the epoch log to watch, e.g. ``"val_loss"`` (the default) or ``"loss"``.
      min_delta: a change smaller than this is no improvement.
      patience: how many epochs without improvement to accept before stopping.
      mode: ``"min"``, ``"max"``, or ``"auto"`` (max for names containing "acc").
      restore_best_weights: at the stop, set the weights back to those of the best epoch.

    ``stopped_epoch`` is the epoch after which training stopped (0 if it did not).
    """

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, verbose=0, mode="auto",
                 restore_best_weights=False):
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.restore_best_weights = restore_best_weights
        if mode not in ("auto", "min", "max"):
            raise ValueError("EarlyStopping mode %r is unknown: use 'auto', 'min' or 'max'"
                             % mode)
        if mode == "max" or (mode == "auto" and "acc" in monitor):
            self.monitor_op = np.greater
            self.min_delta = abs(min_delta)
        else:
            self.monitor_op = np.less
            self.min_delta = -abs(min_delta)

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = -np.inf if self.monitor_op is np.greater else np.inf
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:  # Keras warns and carries on
            warnings.warn("Early stopping conditioned on metric `%s` which is not available. "
                          "Available metrics are: %s" % (self.monitor, ",".join(logs or {})),
                          RuntimeWarning, stacklevel=2)
            return
        if self.monitor_op(current - self.min_delta, self.best):
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print("Epoch %05d: early stopping" % (self.stopped_epoch + 1))


class LambdaCallback(Callback):
    """A callback from plain functions (``keras.callbacks.LambdaCallback``), e.g.
    ``LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))``.

    ``on_epoch_begin``/``on_epoch_end`` take ``(epoch, logs)``, ``on_batch_begin``/
    ``on_batch_end`` take ``(batch, logs)``, ``on_train_begin``/``on_train_end`` take
    ``(logs)``.
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None):
        super().__init__()
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_batch_begin=on_batch_begin, on_batch_end=on_batch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end)
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)


class TensorBoard(Callback):
    """Write the model's graph and the epoch logs for TensorBoard
    (``keras.callbacks.TensorBoard``), through ``tf.summary.FileWriter``.

    Args:
      log_dir: the directory of the event files (``tensorboard --logdir log_dir``).
      histogram_freq: every this many epochs, also write a histogram of each weight
        (tagged ``dense/kernel_0``; 0: never). The histograms are ``tf.summary.histogram``
        ops in the model's graph, run by the model's session.
      write_graph: write the model's graph (Graphs tab).

    At the end of each epoch every value of the epoch logs (``loss``, the metrics,
    ``val_*``) becomes a scalar at step ``epoch``, written as Keras 2.2 writes them: straight
    from the logs into a ``Summary`` record (no graph op computes them). ``writer`` is the
    FileWriter; ``writer.records`` keeps every value written, in memory.
    """

    def __init__(self, log_dir="./logs", histogram_freq=0, write_graph=True, **unused):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.writer = None
        self._histograms = None

    def set_model(self, model):
        self.model = model
        self.writer = summary.FileWriter(self.log_dir, model.graph if self.write_graph else None)
        if self.histogram_freq and model.weights:
            with model.graph.as_default():
                # tagged as Keras 2.2 tags them: "dense/kernel:0" -> "dense/kernel_0"
                tags = [summary.histogram(w.name.replace(":", "_"), w, collections=[])
                        for w in model.weights]
                self._histograms = summary.merge(tags)

    def on_epoch_end(self, epoch, logs=None):
        values = [SummaryValue(name, "scalar", float(value))
                  for name, value in (logs or {}).items() if name not in ("batch", "size")]
        if values:
            self.writer.add_summary(SummaryRecord(values), epoch)
        if self._histograms is not None and epoch % self.histogram_freq == 0:
            self.writer.add_summary(self.model.session.run(self._histograms), epoch)
        self.writer.flush()

    def on_train_end(self, logs=None):
        self.writer.close()
