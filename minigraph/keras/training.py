"""The loops behind ``fit``, ``evaluate`` and ``predict`` (Keras 2.2's ``training_arrays``).

Each loop cuts the numpy arrays into batches and calls a
:class:`~minigraph.keras.backend.Function` once per batch, which is one ``Session.run``.
Per-batch results are averaged over the epoch weighted by batch size, so the epoch loss is
the mean loss per sample even when the last batch is smaller.
"""

import numpy as np

from minigraph.keras.callbacks import BaseLogger, CallbackList, History, ProgbarLogger
from minigraph.keras.utils import Progbar

__all__ = ["standardize", "make_batches", "fit_loop", "test_loop", "predict_loop"]


def standardize(data, what):
    """``data`` as a numpy array with at least 2 axes: a vector ``(N,)`` becomes ``(N, 1)``,
    as Keras does for inputs and targets."""
    if data is None:
        raise ValueError("%s is None: pass a numpy array" % what)
    array = np.asarray(data)
    if array.ndim == 0:
        raise ValueError("%s must have a batch axis, got a scalar" % what)
    if array.ndim == 1:
        array = array[:, None]
    return array


def make_batches(size, batch_size):
    """``[(start, end), ...]`` cutting ``range(size)`` into batches of ``batch_size`` (the
    last one may be smaller)."""
    n = int(np.ceil(size / float(batch_size)))
    return [(i * batch_size, min(size, (i + 1) * batch_size)) for i in range(n)]


def fit_loop(model, f, ins, extra, out_labels, batch_size, epochs, verbose, callbacks,
             val_f, val_ins, shuffle, initial_epoch, rng):
    """Train ``model`` with the train function ``f`` on the arrays ``ins`` (inputs and
    targets; ``extra`` values, e.g. the learning phase True, are fed to every batch).

    ``val_f``/``val_ins``: the test function and validation arrays, or None.
    ``rng``: what shuffles the sample order each epoch (``rng.shuffle``).
    Returns the model's new :class:`History`.
    """
    num_samples = len(ins[0])
    do_validation = val_f is not None
    callback_metrics = list(out_labels)
    if do_validation:
        callback_metrics += ["val_" + n for n in out_labels]
    model.history = History()
    callbacks = [BaseLogger()] + list(callbacks or []) + [model.history]
    if verbose:
        callbacks.insert(1, ProgbarLogger())
    callbacks = CallbackList(callbacks)
    callbacks.set_model(model)
    callbacks.set_params({"batch_size": batch_size, "epochs": epochs, "steps": None,
                          "samples": num_samples, "verbose": verbose,
                          "do_validation": do_validation, "metrics": callback_metrics})
    model.stop_training = False
    callbacks.on_train_begin()
    for epoch in range(initial_epoch, epochs):
        callbacks.on_epoch_begin(epoch)
        epoch_logs = {}
        index_array = np.arange(num_samples)
        if shuffle:
            rng.shuffle(index_array)
        batches = make_batches(num_samples, batch_size)
        for batch_index, (start, end) in enumerate(batches):
            batch_ids = index_array[start:end]
            batch_logs = {"batch": batch_index, "size": len(batch_ids)}
            callbacks.on_batch_begin(batch_index, batch_logs)
            outs = f([a[batch_ids] for a in ins] + list(extra))
            for label, value in zip(out_labels, outs):
                batch_logs[label] = float(value)
            callbacks.on_batch_end(batch_index, batch_logs)
            if model.stop_training:
                break
            if batch_index == len(batches) - 1 and do_validation:
                # after the last batch: the validation data with this epoch's final weights
                val_outs = test_loop(val_f, val_ins, batch_size, verbose=0)
                for label, value in zip(out_labels, val_outs):
                    epoch_logs["val_" + label] = float(value)   # logs hold Python floats
        callbacks.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    callbacks.on_train_end()
    return model.history


def test_loop(f, ins, batch_size, verbose=0):
    """The outputs of ``f`` (loss and metrics) over ``ins``, averaged over the samples: a
    list of numpy scalars of the outputs' dtype (float32), as TF1's Keras returns them. Like
    TF1's Keras, the sum of each batch's mean times its size is kept in that dtype, then
    divided by the number of samples."""
    num_samples = len(ins[0])
    progbar = Progbar(num_samples) if verbose == 1 else None
    totals = None
    for start, end in make_batches(num_samples, batch_size):
        outs = f([a[start:end] for a in ins])
        outs = [scalar(v) for v in outs]
        if totals is None:
            totals = [v.dtype.type(0) for v in outs]
        for i, value in enumerate(outs):
            totals[i] = totals[i] + value * value.dtype.type(end - start)
        if progbar is not None:
            progbar.update(end)
    return [t / t.dtype.type(num_samples) for t in totals]


def scalar(value):
    """A fetched loss or metric (a 0-d array) as a numpy scalar of its dtype (float32)."""
    return np.asarray(value)[()]


def predict_loop(f, ins, batch_size, verbose=0):
    """The model's outputs for the arrays ``ins``, batch by batch, concatenated."""
    num_samples = len(ins[0])
    progbar = Progbar(num_samples) if verbose == 1 else None
    pieces = []
    for start, end in make_batches(num_samples, batch_size):
        pieces.append(f([a[start:end] for a in ins])[0])
        if progbar is not None:
            progbar.update(end)
    return np.concatenate(pieces, axis=0)
