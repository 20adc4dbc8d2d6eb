"""``tf.keras.utils``: ``to_categorical`` (class indices to one-hot rows), the text progress
bar of ``fit``, the table of ``model.summary()``, and the Keras-1 argument renames.

The progress bar (``keras.utils.Progbar``) rewrites one line with a carriage return, as
Keras does in a terminal and in Jupyter::

    32/100 [=========>....................] - loss: 0.1234 - acc: 0.5000

It is deterministic on purpose, so stored notebook outputs can be compared: it redraws when
the bar itself grows (at most ``width + 1`` times), never on a timer, and it shows no
timing unless ``show_time=True`` (or ``Progbar.show_time = True`` for every bar), which adds
Keras's ``ETA: 3s`` while running and ``2s 15ms/step`` at the end.
"""

import sys
import time
import warnings

import numpy as np

__all__ = ["Progbar", "print_summary", "rename_legacy_argument", "to_categorical"]


def _format_value(v):
    """Keras's format: 4 decimals, or scientific notation for tiny values."""
    return " - %s: " % v[0] + ("%.4f" % v[1] if abs(v[1]) > 1e-3 else "%.4e" % v[1])


class Progbar:
    """``keras.utils.Progbar``: a progress bar for ``target`` steps (samples in ``fit``).

    Args:
      target: the total number of steps.
      width: the width of the bar in characters.
      verbose: 1 redraws one line as it goes; 2 prints one line when ``target`` is reached.
      stateful_metrics: names whose value is shown as given rather than averaged.
      show_time: add the ETA and the time taken (off by default: notebook outputs stay
        comparable).

    ``update(current, values)`` moves the bar to ``current``; ``values`` is a list of
    ``(name, value)`` for the steps since the last update. Each shown value is the average
    over all steps so far, weighted by the number of steps (samples) each one covered.
    """

    show_time = False

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None,
                 show_time=None, file=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval  # accepted for Keras compatibility; redraws are not timed
        self.stateful_metrics = set(stateful_metrics or ())
        if show_time is not None:
            self.show_time = show_time
        self._file = file
        self._sums = {}      # name -> [weighted sum, weight]
        self._names = []
        self._seen = 0
        self._start = time.time()
        self._drawn_width = -1
        self._line_length = 0

    @property
    def file(self):
        return self._file or sys.stdout   # looked up late: notebooks and capsys swap stdout

    def update(self, current, values=None):
        """Move to step ``current``, folding in ``values`` (a list of ``(name, value)``)."""
        for name, value in values or ():
            if name not in self._sums:
                self._names.append(name)
            if name in self.stateful_metrics:
                self._sums[name] = [value, 1]
            else:
                step = current - self._seen   # the samples this value covers
                total = self._sums.setdefault(name, [0.0, 0])
                total[0] += value * step
                total[1] += step
        self._seen = current
        done = self.target is not None and current >= self.target
        if self.verbose == 1:
            width = self._bar_width(current)
            if width != self._drawn_width or done:
                self._draw(current, done)
                self._drawn_width = width
        elif self.verbose == 2 and done:
            self.file.write(self._timing(current, done) + self._values_text() + "\n")
            self.file.flush()

    def add(self, n, values=None):
        self.update(self._seen + n, values)

    def _bar_width(self, current):
        if not self.target:
            return 0
        return int(self.width * min(current, self.target) / self.target)

    def _draw(self, current, done):
        if self.target:
            digits = int(np.floor(np.log10(self.target))) + 1
            bar = "%*d/%d [" % (digits, current, self.target)
            filled = self._bar_width(current)
            if filled > 0:
                bar += "=" * (filled - 1) + ("=" if done else ">")
            bar += "." * (self.width - filled) + "]"
        else:
            bar = "%7d/Unknown" % current
        line = bar + self._timing(current, done) + self._values_text()
        padding = " " * max(self._line_length - len(line), 0)  # erase a longer old line
        self._line_length = len(line)
        self.file.write("\r" + line + padding + ("\n" if done else ""))
        self.file.flush()

    def _values_text(self):
        text = ""
        for name in self._names:
            total, weight = self._sums[name]
            text += _format_value((name, total / max(weight, 1)))
        return text

    def _timing(self, current, done):
        if not self.show_time:
            return ""
        elapsed = time.time() - self._start
        if done:
            per_step = elapsed / max(current, 1)
            return " - %.0fs %.0fms/step" % (elapsed, per_step * 1e3)
        eta = elapsed / max(current, 1) * (self.target - current) if self.target else 0
        return " - ETA: %.0fs" % eta


#: the old spellings that Keras 2 kept for a while: ``lr`` was Keras 2.0-2.2's spelling too
_KERAS_2_TOO = {"lr": "the spelling of Keras 1 and Keras 2.0-2.2"}


def rename_legacy_argument(kwargs, old, new, where, stacklevel=3):
    """Keras 1 spelled some arguments differently (``output_dim`` for ``units``, ``nb_epoch``
    for ``epochs``, ``lr`` for ``learning_rate``, which Keras 2.0-2.2 kept). Move
    ``kwargs[old]`` to ``kwargs[new]`` with a ``DeprecationWarning`` pointing at the caller's
    line; ``stacklevel`` 3 is the caller of the function that calls this helper."""
    if old not in kwargs:
        return kwargs
    what = _KERAS_2_TOO.get(old, "the Keras 1 spelling")
    if kwargs.get(new) is not None:
        raise TypeError("%s got both `%s` and %s `%s`" % (where, new, what, old))
    warnings.warn("%s: `%s` is %s; use `%s=` instead (tf.keras)."
                  % (where, old, what, new), DeprecationWarning, stacklevel=stacklevel)
    kwargs[new] = kwargs.pop(old)
    return kwargs


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """``keras.utils.print_summary``: the table ``model.summary()`` prints, in Keras's
    layout (columns ending at 45%, 85% and 100% of ``line_length``, 65 by default)::

        dense (Dense)                (None, 100)               100100

    A Dense layer's parameters are ``inputs * units`` (kernel) ``+ units`` (bias).
    """
    print_fn = print_fn or print
    line_length = line_length or 65
    positions = positions or [.45, .85, 1.]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def print_row(fields):
        line = ""
        for field, end in zip(fields, positions):
            if line:
                line = line[:-1] + " "
            line = (line + str(field))[:end]
            line += " " * (end - len(line))
        print_fn(line)

    layers = model.layers
    print_fn('Model: "%s"' % model.name)
    print_fn("_" * line_length)
    print_row(["Layer (type)", "Output Shape", "Param #"])
    print_fn("=" * line_length)
    for i, layer in enumerate(layers):
        print_row(["%s (%s)" % (layer.name, type(layer).__name__), layer.output_shape,
                   layer.count_params()])
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)
    trainable = sum(int(np.prod(w.shape.as_list())) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape.as_list())) for w in model.non_trainable_weights)
    print_fn("Total params: {:,}".format(trainable + frozen))
    print_fn("Trainable params: {:,}".format(trainable))
    print_fn("Non-trainable params: {:,}".format(frozen))
    print_fn("_" * line_length)


def to_categorical(y, num_classes=None, dtype="float32"):
    """``keras.utils.to_categorical``: class indices to one-hot rows, in numpy (no graph).

        to_categorical([0, 2, 1])     # [[1, 0, 0], [0, 0, 1], [0, 1, 0]], float32

    Args:
      y: class indices (any shape; floats are truncated to ints, as Keras does).
      num_classes: the number of classes; ``max(y) + 1`` by default.
      dtype: of the result.

    Returns ``y``'s shape plus a last axis of ``num_classes`` (a trailing axis of size 1,
    as in labels of shape ``(n, 1)``, is replaced rather than kept). As in Keras, an index
    ``>= num_classes`` is an IndexError and a negative one counts from the end.
    """
    y = np.array(y, dtype="int")
    shape = y.shape[:-1] if y.ndim > 1 and y.shape[-1] == 1 else y.shape
    flat = y.ravel()
    if not num_classes:
        num_classes = int(np.max(flat)) + 1   # ValueError for an empty y, as in Keras
    onehot = np.zeros((flat.size, num_classes), dtype=dtype)
    onehot[np.arange(flat.size), flat] = 1
    return onehot.reshape(shape + (num_classes,))
