"""TF1 programs whose *graphs* minigraph must build node for node as TF1 does.

Every ``program_<name>(tf)`` builds a graph with ``tf``, either ``tensorflow.compat.v1`` (eager
execution and v2 behaviour disabled: TF1's reference variables) or ``import minigraph as tf``,
from the same source, and returns a dict ``{label: tensor or op}`` of what a user would fetch
(gradients, train ops), whose *names* are compared too.

``generate.py`` runs each under real TensorFlow and writes ``graphs.json``: per program, every
node of ``graph.as_graph_def()`` (name, op type, inputs with ``^control`` ones, a few attrs)
and the names of the returned tensors. ``tests/test_graph_def.py`` builds the same program
with minigraph and compares. Nothing here runs a session: this is about structure.
"""

import numpy as np

N, D, H = 16, 50, 20


def _lecture_forward(tf, x, y, w1, w2):
    # slide: "Tensorflow: Neural Net" (the lecture's two-layer ReLU net, L2 loss)
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    diff = y_pred - y
    loss = tf.reduce_mean(tf.reduce_sum(diff ** 2, axis=1))
    return loss


def program_lecture_feed_dict(tf):
    """The lecture's first program: weights are placeholders, gradients fetched."""
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.placeholder(tf.float32, shape=(D, H))
    w2 = tf.placeholder(tf.float32, shape=(H, D))
    loss = _lecture_forward(tf, x, y, w1, w2)
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    return {"loss": loss, "grad_w1": grad_w1, "grad_w2": grad_w2}


def program_lecture_variables(tf):
    """Variables initialized by tf.random_normal, assign, tf.group."""
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.Variable(tf.random_normal((D, H)))
    w2 = tf.Variable(tf.random_normal((H, D)))
    loss = _lecture_forward(tf, x, y, w1, w2)
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    learning_rate = 1e-5
    new_w1 = w1.assign(w1 - learning_rate * grad_w1)
    new_w2 = w2.assign(w2 - learning_rate * grad_w2)
    updates = tf.group(new_w1, new_w2)
    init = tf.global_variables_initializer()
    return {"loss": loss, "grad_w1": grad_w1, "grad_w2": grad_w2, "new_w1": new_w1,
            "updates": updates, "init": init}


def _optimizer_program(tf, make_optimizer, global_step=False):
    """The lecture's optimizer slide: tf.losses.mean_squared_error + optimizer.minimize."""
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.Variable(tf.random_normal((D, H)))
    w2 = tf.Variable(tf.random_normal((H, D)))
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    loss = tf.losses.mean_squared_error(y_pred, y)
    optimizer = make_optimizer(tf)
    step = tf.Variable(0, trainable=False, name="global_step") if global_step else None
    grads_and_vars = optimizer.compute_gradients(loss)
    updates = optimizer.apply_gradients(grads_and_vars, global_step=step)
    init = tf.global_variables_initializer()
    out = {"loss": loss, "updates": updates, "init": init}
    for i, (g, _) in enumerate(grads_and_vars):
        out["grad_%d" % i] = g
    return out


def program_gradient_descent(tf):
    return _optimizer_program(tf, lambda tf: tf.train.GradientDescentOptimizer(1e-3))


def program_gradient_descent_minimize(tf):
    """``minimize`` is ``compute_gradients`` + ``apply_gradients``: the same graph."""
    x = tf.placeholder(tf.float32, shape=(N, D))
    w = tf.Variable(tf.zeros((D, 1)), name="w")
    b = tf.Variable(0.0, name="b")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b))
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return {"loss": loss, "train_op": train_op}


def program_momentum(tf):
    return _optimizer_program(tf, lambda tf: tf.train.MomentumOptimizer(1e-3, 0.9))


def program_adam_global_step(tf):
    return _optimizer_program(tf, lambda tf: tf.train.AdamOptimizer(1e-3), global_step=True)


def program_adagrad(tf):
    return _optimizer_program(tf, lambda tf: tf.train.AdagradOptimizer(1e-2))


def program_rmsprop(tf):
    return _optimizer_program(tf, lambda tf: tf.train.RMSPropOptimizer(1e-3))


def program_layers_dense(tf):
    """The lecture's tf.layers slide: dense layers with Xavier initialization."""
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    init = tf.glorot_uniform_initializer()
    h = tf.layers.dense(inputs=x, units=H, activation=tf.nn.relu, kernel_initializer=init)
    y_pred = tf.layers.dense(inputs=h, units=D, kernel_initializer=init)
    loss = tf.losses.mean_squared_error(y_pred, y)
    optimizer = tf.train.GradientDescentOptimizer(1e0)
    updates = optimizer.minimize(loss)
    return {"loss": loss, "updates": updates}


def program_name_scopes(tf):
    """Name scopes, constants and variables of several initial values."""
    x = tf.placeholder(tf.float32, shape=(None, 3), name="x")
    with tf.name_scope("layer1"):
        w = tf.Variable(tf.truncated_normal((3, 4), stddev=0.1), name="weights")
        b = tf.Variable(tf.zeros((4,)), name="biases")
        h = tf.nn.relu(tf.matmul(x, w) + b)
    with tf.name_scope("layer2"):
        v = tf.Variable(tf.random_uniform((4, 2), -1.0, 1.0), name="weights")
        c = tf.Variable(tf.constant(0.1, shape=(2,)), name="biases")
        out = tf.matmul(h, v) + c
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(tf.reduce_sum(tf.square(out), axis=1))
    grads = tf.gradients(loss, [w, b, v, c])
    return {"loss": loss, "grad_w": grads[0], "grad_b": grads[1], "grad_v": grads[2],
            "grad_c": grads[3]}


def program_summaries(tf):
    """Summaries of a loss and a weight matrix, merged."""
    x = tf.placeholder(tf.float32, shape=(N, D))
    w = tf.Variable(tf.random_normal((D, H), stddev=0.01), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("w", w)
    merged = tf.summary.merge_all()
    return {"merged": merged}


def program_fill_and_reduce(tf):
    """tf.zeros / tf.ones small (a Const) and large (Fill), reductions with and without axis."""
    a = tf.zeros((2, 2))
    b = tf.zeros((1000, 100))
    c = tf.ones((3, 4))
    d = tf.ones((100, 100))
    m = tf.reduce_mean(b)
    s = tf.reduce_sum(b, axis=1)
    k = tf.reduce_max(c, axis=-1, keepdims=True)
    return {"a": a, "b": b, "c": c, "d": d, "m": m, "s": s, "k": k}


def program_report_uninitialized(tf):
    """tf.report_uninitialized_variables is a graph op (a string tensor) you sess.run."""
    tf.Variable(1.0, name="a")
    tf.Variable(tf.zeros((2,)), name="b")
    report = tf.report_uninitialized_variables()
    return {"report": report}


def program_data_pipeline(tf):
    """tf.data as TF1 tutorials write it: from_tensor_slices of a placeholder and a numpy
    array, map, batch, repeat, prefetch, an initializable iterator feeding a model; a
    one-shot zip/range/skip/take pipeline; one iterator from_structure for two datasets."""
    x_in = tf.placeholder(tf.float32, shape=(None, 3), name="x_in")
    labels = np.arange(8, dtype=np.int64)
    dataset = tf.data.Dataset.from_tensor_slices((x_in, labels))
    dataset = dataset.map(lambda x, y: (x * 2.0, y)).batch(4).repeat(2).prefetch(1)
    iterator = dataset.make_initializable_iterator()
    xb, yb = iterator.get_next()
    scaled = tf.matmul(xb, tf.ones((3, 1))) + 1.0   # a model reads the batch
    pairs = tf.data.Dataset.zip((tf.data.Dataset.range(5), tf.data.Dataset.range(10, 15)))
    first, second = pairs.skip(1).take(3).make_one_shot_iterator().get_next()
    train = tf.data.Dataset.from_tensors(np.zeros((2, 3), np.float32))
    valid = tf.data.Dataset.from_tensors(np.ones((2, 3), np.float32))
    switch = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    element = switch.get_next(name="element")
    return {"x": xb, "y": yb, "scaled": scaled, "init": iterator.initializer, "first": first,
            "second": second, "train_init": switch.make_initializer(train),
            "valid_init": switch.make_initializer(valid), "element": element}


def all_programs():
    return [k[len("program_"):] for k in globals()
            if k.startswith("program_") and callable(globals()[k])]


def get_program(name):
    return globals()["program_" + name]


#: attributes recorded from TF1's NodeDefs (where structure or numbers depend on them)
ATTRS = ("dtype", "T", "shape", "transpose_a", "transpose_b", "keep_dims", "value",
         "use_locking", "validate_shape", "N", "Tidx", "data_format", "use_nesterov")


def _attr(v):
    """A NodeDef attr as plain JSON (None if it is not one of the simple kinds)."""
    kind = v.WhichOneof("value")
    if kind == "type":
        return "type:%d" % v.type
    if kind in ("b", "i", "f"):
        return getattr(v, kind)
    if kind == "s":
        return v.s.decode("utf-8", "replace")
    if kind == "shape":
        if v.shape.unknown_rank:
            return "shape:?"
        return "shape:" + ",".join(str(d.size) for d in v.shape.dim)
    if kind == "tensor":
        return _tensor_value(v.tensor)
    return None


def _tensor_value(t):
    """A small TensorProto's value, flattened, as a list (or "big")."""
    from tensorflow.python.framework import tensor_util  # only at generation time
    arr = np.asarray(tensor_util.MakeNdarray(t))
    if arr.size > 16:
        return "big:%s" % ",".join(str(d) for d in arr.shape)
    if arr.dtype.kind in "SUO":
        return [s.decode() if isinstance(s, bytes) else str(s) for s in arr.ravel()]
    return {"shape": list(arr.shape), "values": [float(v) for v in arr.ravel()]}


def describe_tf_graph(graph_def, returned):
    """The JSON record of one program built by real TF."""
    nodes = []
    for node in graph_def.node:
        attrs = {}
        for key in ATTRS:
            if key in node.attr:
                value = _attr(node.attr[key])
                if value is not None:
                    attrs[key] = value
        nodes.append({"name": node.name, "op": node.op, "inputs": list(node.input),
                      "attrs": attrs})
    names = {label: t.name for label, t in returned.items()}
    return {"nodes": nodes, "returned": names}
