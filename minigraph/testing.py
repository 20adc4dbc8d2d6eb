"""``check_gradients``: compare the graph's gradients with central differences.

Used by minigraph's own tests and by the lessons. The idea is the one every autodiff
library tests itself with: for a scalar ``L = sum(y * r)`` with a fixed random ``r``,
``dL/dx[i]`` from ``tf.gradients`` must match ``(L(x + h e_i) - L(x - h e_i)) / 2h``.
Any tensor can be fed, so ``xs`` may be placeholders or intermediate tensors.
"""

import warnings
import weakref

import numpy as np

from minigraph.gradients import gradients
from minigraph.lint import DeadUpdateWarning
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.ops.reduce_ops import reduce_sum
from minigraph.session import Session

__all__ = ["check_gradients", "GradientCheck", "numeric_gradient"]


class GradientCheck:
    """The result of :func:`check_gradients`, one entry per x."""

    def __init__(self, names, symbolic, numeric, rtol, atol):
        self.names = names
        self.symbolic = symbolic
        self.numeric = numeric
        self.rtol = rtol
        self.atol = atol

    def errors(self):
        """Max absolute difference per x."""
        return [float(np.max(np.abs(s - n))) if s.size else 0.0
                for s, n in zip(self.symbolic, self.numeric)]

    @property
    def ok(self):
        return all(np.allclose(s, n, rtol=self.rtol, atol=self.atol)
                   for s, n in zip(self.symbolic, self.numeric))

    def report(self):
        lines = []
        for name, s, n, err in zip(self.names, self.symbolic, self.numeric, self.errors()):
            good = np.allclose(s, n, rtol=self.rtol, atol=self.atol)
            lines.append("%s d/d%s: max |symbolic - numeric| = %.3g%s"
                         % ("ok  " if good else "FAIL", name, err,
                            "" if good else "\n      symbolic: %s\n      numeric:  %s"
                            % (np.array2string(s.ravel()[:6], precision=5),
                               np.array2string(n.ravel()[:6], precision=5))))
        return "\n".join(lines)

    def __repr__(self):
        return self.report()


def numeric_gradient(f, x, delta):
    """Central differences of the scalar function ``f`` at array ``x`` (float64)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + delta
        up = f(x)
        flat[i] = old - delta
        down = f(x)
        flat[i] = old
        gflat[i] = (up - down) / (2 * delta)
    return grad


def check_gradients(y, xs, feed_dict, **options):
    """Check ``tf.gradients(y, xs)`` against central differences.

    Args:
      y: the tensor to differentiate (any shape; it is weighted by a fixed random ``r``).
      xs: tensors to differentiate with respect to; each must have a value in ``feed_dict``.
      feed_dict: values for ``xs`` and for any other placeholder ``y`` needs.
      session: the Session to run in (default: a new one on ``y``'s graph).
      delta, rtol, atol: step and tolerances; defaults suit float64 (1e-6, 1e-5, 1e-6)
        and are looser for float32 (1e-2, 1e-2, 1e-2).
      raise_on_failure: raise ``AssertionError`` with a readable report on a mismatch.

    Returns:
      A :class:`GradientCheck` (``.ok``, ``.report()``).
    """
    with warnings.catch_warnings():
        # the numeric loop runs y many times on purpose: not a forgotten update
        warnings.simplefilter("ignore", DeadUpdateWarning)
        return _check_gradients(y, xs, feed_dict, **options)


_CHECKS = weakref.WeakKeyDictionary()  # graph -> {(y, xs, shape, seed): (total, gradients)}


def _check_graph(y, xs, shape, seed):
    """The ops of a check: ``total = sum(y * r)`` and its gradients. Built once per
    (y, xs, shape, seed) and kept on the graph, so checking again (re-running a notebook
    cell) adds no ops."""
    cache = _CHECKS.setdefault(y.graph, {})
    key = (y, tuple(xs), tuple(shape), seed)
    if key not in cache:
        weights = np.random.default_rng(seed).uniform(0.5, 1.5, size=shape)
        with y.graph.as_default():
            r = constant(weights, dtype=y.dtype)
            total = reduce_sum(y * r)
            cache[key] = total, gradients(total, xs)
    return cache[key]


def _check_gradients(y, xs, feed_dict, session=None, delta=None, rtol=None, atol=None, seed=0,
                    raise_on_failure=True):
    """See :func:`check_gradients`."""
    y = as_tensor(y)
    xs = [as_tensor(x) for x in (xs if isinstance(xs, (list, tuple)) else [xs])]
    is64 = y.dtype.name == "float64"
    delta = delta if delta is not None else (1e-6 if is64 else 1e-2)
    rtol = rtol if rtol is not None else (1e-5 if is64 else 1e-2)
    atol = atol if atol is not None else (1e-6 if is64 else 1e-2)
    own = session is None
    sess = Session(graph=y.graph) if own else session
    try:
        y_val = sess.run(y, feed_dict)
        total, grads = _check_graph(y, xs, np.shape(y_val), seed)
        feed = dict(feed_dict)
        symbolic, numeric = [], []
        for x, g in zip(xs, grads):
            x_val = np.asarray(feed[x], dtype=np.float64)
            if g is None:
                symbolic.append(np.zeros_like(x_val))
            else:
                symbolic.append(np.asarray(sess.run(g, feed), dtype=np.float64))

            def f(value, x=x):
                feed[x] = value
                return float(sess.run(total, feed))
            numeric.append(numeric_gradient(f, x_val, delta))
            feed[x] = feed_dict[x]
    finally:
        if own:
            sess.close()
    result = GradientCheck([x.name for x in xs], symbolic, numeric, rtol, atol)
    if raise_on_failure and not result.ok:
        raise AssertionError("gradient check failed for %s:\n%s" % (y.name, result.report()))
    return result
