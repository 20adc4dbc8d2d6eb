"""The programs being timed: the CS231n lecture step (two graph forms and plain numpy) and
the long chains for ``tf.gradients``."""

import numpy as np

import minigraph as tf
from minigraph.trace import of as trace_of

N, D, H = 64, 1000, 100
LR = 1e-5  # as in the lecture

# How the numpy baseline does the ReLU backward (printed with the results).
RELU_BACKWARD = "grad_h[h_pre <= 0] = 0"


def lecture_data(seed=0):
    """Fixed float32 inputs and initial weights (standard normal, as the lecture)."""
    rng = np.random.default_rng(seed)
    f32 = np.float32
    return {"x": rng.standard_normal((N, D)).astype(f32),
            "y": rng.standard_normal((N, D)).astype(f32),
            "w1": rng.standard_normal((D, H)).astype(f32),
            "w2": rng.standard_normal((H, D)).astype(f32)}


# -- the numpy baseline -----------------------------------------------------------------------

def numpy_step(x, y, w1, w2, lr=LR):
    """One training step in plain numpy float32, written the straightforward way; updates
    ``w1`` and ``w2`` in place and returns the loss."""
    h_pre = x.dot(w1)
    h = np.maximum(h_pre, 0)
    y_pred = h.dot(w2)
    diff = y_pred - y
    loss = (diff ** 2).sum(axis=1).mean()

    grad_y_pred = 2.0 * diff / N
    grad_w2 = h.T.dot(grad_y_pred)
    grad_h = grad_y_pred.dot(w2.T)
    grad_h[h_pre <= 0] = 0
    grad_w1 = x.T.dot(grad_h)

    w1 -= lr * grad_w1
    w2 -= lr * grad_w2
    return loss


class NumpyLecture:
    def __init__(self, data):
        self.data = data
        self.reset()

    def reset(self):
        self.w1 = self.data["w1"].copy()
        self.w2 = self.data["w2"].copy()

    def step(self):
        return numpy_step(self.data["x"], self.data["y"], self.w1, self.w2)

    def weights(self):
        return [self.w1, self.w2]


# -- the lecture graph, Variable form ---------------------------------------------------------

def lecture_loss(x, y, w1, w2):
    """The lecture's forward pass and loss, on whatever tensors hold x, y and the weights."""
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    return tf.reduce_mean(tf.reduce_sum((y_pred - y) ** 2, axis=1))


class VariableLecture:
    """Weights are ``tf.Variable``s updated inside the graph by ``tf.group`` of assigns.
    ``config``: the session's ``tf.ConfigProto`` (e.g. to turn the plan rewrites off);
    ``passes``: only these plan rewrites (some of ``minigraph.rewrite.PASSES``)."""

    def __init__(self, data, config=None, passes=None):
        self.graph = tf.Graph()
        with self.graph.as_default():
            x = tf.placeholder(tf.float32, shape=(N, D))
            y = tf.placeholder(tf.float32, shape=(N, D))
            w1 = tf.Variable(data["w1"])
            w2 = tf.Variable(data["w2"])
            loss = lecture_loss(x, y, w1, w2)
            updates = self.build_updates(loss, w1, w2)
            self.init = tf.global_variables_initializer()
        self.w1, self.w2, self.loss, self.updates = w1, w2, loss, updates
        self.sess = tf.Session(graph=self.graph, config=config)
        if passes is not None:
            # minigraph's own knob (TF1 has no switch per pass): read when the plan is made
            self.sess._rewrites = tuple(passes)
        self.fetches = [loss, updates]
        self.feed = {x: data["x"], y: data["y"]}
        self.reset()

    @staticmethod
    def build_updates(loss, w1, w2):
        """The lecture's update: ``tf.gradients``, then a ``tf.group`` of two assigns."""
        grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
        return tf.group(w1.assign(w1 - LR * grad_w1), w2.assign(w2 - LR * grad_w2))

    def reset(self):
        self.sess.run(self.init)

    def step(self):
        return self.sess.run(self.fetches, feed_dict=self.feed)[0]

    def weights(self):
        return self.sess.run([self.w1, self.w2])

    def traced_step(self):
        return _traced(self.sess, self.fetches, self.feed)


class OptimizerLecture(VariableLecture):
    """The Variable form with ``tf.train.GradientDescentOptimizer(lr).minimize(loss)`` as
    the update (lesson 06's way): the same step, built by the optimizer."""

    @staticmethod
    def build_updates(loss, w1, w2):
        return tf.train.GradientDescentOptimizer(LR).minimize(loss)


# -- the lecture graph, feed_dict form --------------------------------------------------------

class FeedLecture:
    """Weights are placeholders, fed each step as float64 arrays and updated in numpy."""

    def __init__(self, data):
        self.data = data
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.x = tf.placeholder(tf.float32, shape=(N, D))
            self.y = tf.placeholder(tf.float32, shape=(N, D))
            self.w1 = tf.placeholder(tf.float32, shape=(D, H))
            self.w2 = tf.placeholder(tf.float32, shape=(H, D))
            loss = lecture_loss(self.x, self.y, self.w1, self.w2)
            grad_w1, grad_w2 = tf.gradients(loss, [self.w1, self.w2])
        self.fetches = [loss, grad_w1, grad_w2]
        self.sess = tf.Session(graph=self.graph)
        self.reset()

    def reset(self):
        self.values = {self.x: self.data["x"], self.y: self.data["y"],
                       self.w1: self.data["w1"].astype(np.float64),
                       self.w2: self.data["w2"].astype(np.float64)}

    def step(self):
        values = self.values
        loss_val, grad_w1_val, grad_w2_val = self.sess.run(self.fetches, feed_dict=values)
        values[self.w1] -= LR * grad_w1_val
        values[self.w2] -= LR * grad_w2_val
        return loss_val

    def weights(self):
        return [self.values[self.w1], self.values[self.w2]]

    def traced_step(self):
        return _traced(self.sess, self.fetches, self.values)


def rewrites_off():
    """A ``tf.ConfigProto`` with every plan rewrite off (TF1's ``OptimizerOptions.L0``)."""
    return tf.ConfigProto(graph_options=tf.GraphOptions(
        optimizer_options=tf.OptimizerOptions(opt_level=tf.OptimizerOptions.L0)))


def _traced(sess, fetches, feed):
    """One traced run: (bytes fed, bytes fetched) from the run trace."""
    md = tf.RunMetadata()
    sess.run(fetches, feed_dict=feed,
             options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
    return trace_of(md).bytes_fed, trace_of(md).bytes_fetched


# -- chains for tf.gradients ------------------------------------------------------------------

def build_chain(n_ops):
    """A forward chain of ``n_ops`` ops (alternating tanh and multiply by a shared constant)
    in a new graph; returns (graph, x, y)."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, shape=(4,))
        c = tf.constant(np.float32(1.0))
        y = x
        for _ in range(n_ops // 2):
            y = tf.tanh(y) * c
    return graph, x, y


def build_gradients(graph, x, y):
    with graph.as_default():
        return tf.gradients(y, [x])


# -- a CS231n-sized convolution layer -------------------------------------------------------

#: input (N, H, W, C), filters (KH, KW, C, F): the CS231n assignment's first conv layer
CONV_N, CONV_H, CONV_W, CONV_C, CONV_K, CONV_F = 64, 32, 32, 3, 7, 32


def conv_data(seed=0):
    rng = np.random.default_rng(seed)
    return {"x": rng.standard_normal((CONV_N, CONV_H, CONV_W, CONV_C)).astype(np.float32),
            "w": (rng.standard_normal((CONV_K, CONV_K, CONV_C, CONV_F)) * 0.1)
            .astype(np.float32)}


class ConvStep:
    """One training step's computation of a conv layer: a 7x7 stride-1 SAME convolution,
    then 2x2 max pooling with stride 2, the sum as the loss, and the gradients of both the
    input and the filter (a Variable)."""

    def __init__(self, data):
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.x = tf.placeholder(tf.float32, (CONV_N, CONV_H, CONV_W, CONV_C))
            self.w = tf.Variable(data["w"])
            conv = tf.nn.conv2d(self.x, self.w, [1, 1, 1, 1], "SAME")
            pooled = tf.nn.max_pool(conv, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
            self.loss = tf.reduce_sum(pooled)
            self.grads = tf.gradients(self.loss, [self.x, self.w])
            init = tf.global_variables_initializer()
        self.sess = tf.Session(graph=self.graph)
        self.sess.run(init)
        self.feed = {self.x: data["x"]}
        self.fetches = [self.loss] + self.grads

    def step(self):
        return self.sess.run(self.fetches, feed_dict=self.feed)

    def traced_seconds(self):
        """Seconds per op type of one traced run."""
        md = tf.RunMetadata()
        self.sess.run(self.fetches, feed_dict=self.feed,
                      options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                      run_metadata=md)
        out = {}
        for op in trace_of(md).executed:
            out[op.type] = out.get(op.type, 0.0) + trace_of(md).seconds[op.name]
        return out


class TorchConvStep:
    """The same step in PyTorch (CPU, NCHW), ``None`` if PyTorch is not installed (the
    optional ``bench`` extra: ``make bench`` installs it)."""

    def __init__(self, data):
        import torch   # optional: only this benchmark uses it
        self.torch = torch
        self.x = torch.tensor(np.ascontiguousarray(data["x"].transpose(0, 3, 1, 2)),
                              requires_grad=True)
        self.w = torch.tensor(np.ascontiguousarray(data["w"].transpose(3, 2, 0, 1)),
                              requires_grad=True)

    def step(self):
        F = self.torch.nn.functional
        self.x.grad = self.w.grad = None
        loss = F.max_pool2d(F.conv2d(self.x, self.w, padding=CONV_K // 2), 2, 2).sum()
        loss.backward()
        return loss.item(), self.x.grad, self.w.grad
