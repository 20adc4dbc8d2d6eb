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


def program_adadelta(tf):
    return _optimizer_program(tf, lambda tf: tf.train.AdadeltaOptimizer())


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


# ------------------------------------------------------------------------------- tf.losses
# Every tf.losses function is a composite graph: its elementwise loss, then
# compute_weighted_loss under the loss's scope: assert_broadcastable (a NoOp when the shapes
# settle it statically, which every op after it depends on), the weights' Cast and Mul, the
# Sum, num_present (where(weights == 0, 0, 1) broadcast to the losses and summed), and the
# DivNoNan named "value". One program per loss family, float32 as TF1 code is.

C = 3  # outputs (or classes) per example in the loss programs


def program_losses_regression(tf):
    """mean_squared_error, absolute_difference, huber_loss; a weight per example (broadcast
    by a Mul), a Python weight, and a weight per element (no broadcast needed)."""
    labels = tf.placeholder(tf.float32, shape=(N, C))
    predictions = tf.placeholder(tf.float32, shape=(N, C))
    per_example = tf.placeholder(tf.float32, shape=(N, 1))
    per_element = tf.placeholder(tf.float32, shape=(N, C))
    mse = tf.losses.mean_squared_error(labels, predictions, weights=per_example)
    mad = tf.losses.absolute_difference(labels, predictions, weights=0.5)
    huber = tf.losses.huber_loss(labels, predictions, weights=per_element, delta=0.5)
    return {"mse": mse, "mad": mad, "huber": huber}


def program_losses_unknown_batch(tf):
    """A batch size known only at run time: the losses' shape is a Shape op, num_present
    fills ones of it. And labels given as a numpy array (float64), cast to float32 (Cast/x,
    Cast)."""
    predictions = tf.placeholder(tf.float32, shape=(None, C))
    labels = tf.placeholder(tf.float32, shape=(None, C))
    mse = tf.losses.mean_squared_error(labels, predictions)
    batch = tf.placeholder(tf.float32, shape=(N, C))
    fixed = tf.losses.absolute_difference(np.ones((N, C)), batch, weights=2.0)
    return {"mse": mse, "fixed": fixed}


def program_losses_log_hinge(tf):
    """log_loss of probabilities, hinge_loss of logits (labels in {0, 1})."""
    labels = tf.placeholder(tf.float32, shape=(N, C))
    probabilities = tf.placeholder(tf.float32, shape=(N, C))
    logits = tf.placeholder(tf.float32, shape=(N, C))
    log = tf.losses.log_loss(labels, probabilities)
    hinge = tf.losses.hinge_loss(labels, logits, weights=2.0)
    return {"log": log, "hinge": hinge}


def program_losses_sigmoid_cross_entropy(tf):
    """sigmoid_cross_entropy, plain and with label smoothing (its xentropy is
    tf.nn.sigmoid_cross_entropy_with_logits, itself a composite)."""
    labels = tf.placeholder(tf.float32, shape=(N, C))
    logits = tf.placeholder(tf.float32, shape=(N, C))
    plain = tf.losses.sigmoid_cross_entropy(labels, logits)
    smooth = tf.losses.sigmoid_cross_entropy(labels, logits, label_smoothing=0.1)
    return {"plain": plain, "smooth": smooth}


def program_losses_softmax_cross_entropy(tf):
    """softmax_cross_entropy, plain and with label smoothing (num_classes from the labels'
    shape) and a weight per example."""
    labels = tf.placeholder(tf.float32, shape=(N, C))
    logits = tf.placeholder(tf.float32, shape=(N, C))
    per_example = tf.placeholder(tf.float32, shape=(N,))
    plain = tf.losses.softmax_cross_entropy(labels, logits)
    smooth = tf.losses.softmax_cross_entropy(labels, logits, weights=per_example,
                                             label_smoothing=0.2)
    return {"plain": plain, "smooth": smooth}


def program_losses_sparse(tf):
    """sparse_softmax_cross_entropy: labels [N] as they are; labels and weights [N, 1]
    squeezed to [N]."""
    labels = tf.placeholder(tf.int32, shape=(N,))
    column = tf.placeholder(tf.int64, shape=(N, 1))
    weights = tf.placeholder(tf.float32, shape=(N, 1))
    logits = tf.placeholder(tf.float32, shape=(N, C))
    plain = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    squeezed = tf.losses.sparse_softmax_cross_entropy(column, logits, weights=weights)
    return {"plain": plain, "squeezed": squeezed}


def program_losses_reductions(tf):
    """compute_weighted_loss with each Reduction, tensor weights (one per example, broadcast)
    and a Python weight of 0 (num_present counts nothing); get_total_loss adds them up."""
    losses = tf.placeholder(tf.float32, shape=(N, C))
    weights = tf.placeholder(tf.float32, shape=(N, 1))
    R = tf.losses.Reduction
    out = {}
    out["none"] = tf.losses.compute_weighted_loss(losses, weights, reduction=R.NONE,
                                                  loss_collection=None)  # not a scalar
    for key in (R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE, R.SUM_BY_NONZERO_WEIGHTS):
        out[key] = tf.losses.compute_weighted_loss(losses, weights, reduction=key)
    out["zero"] = tf.losses.compute_weighted_loss(losses, 0.0)
    out["scoped"] = tf.losses.compute_weighted_loss(losses, scope="mine",
                                                    reduction=R.SUM_OVER_BATCH_SIZE)
    out["total"] = tf.losses.get_total_loss()
    return out


# --------------------------------------------------------------------------------------------
# Reductions, fills, random ops, initializers and summaries, node for node (branch
# ops-structure): the axes of a reduction as its second input, tf.zeros as a Const or a Fill,
# random_normal as its little subgraph, summaries with their tag Consts.

def program_reductions(tf):
    """Every reduction with its axes as an input: Const axes, all axes of a known rank, of an
    unknown rank (Rank + Range) and of a scalar, a tensor axis; ArgMax/ArgMin; tf.range."""
    x = tf.placeholder(tf.float32, shape=(N, D), name="x")
    u = tf.placeholder(tf.float32, name="u")
    s = tf.placeholder(tf.float32, shape=(), name="s")
    b = tf.placeholder(tf.bool, shape=(N, D), name="b")
    axis = tf.placeholder(tf.int32, shape=(), name="axis")
    out = {
        "sum_all": tf.reduce_sum(x), "mean_1": tf.reduce_mean(x, axis=1),
        "max_list_keep": tf.reduce_max(x, axis=[0, 1], keepdims=True),
        "min_negative": tf.reduce_min(x, -1),
        "prod_old_names": tf.reduce_prod(x, reduction_indices=[1], keep_dims=True),
        "all": tf.reduce_all(b), "any_0": tf.reduce_any(b, 0),
        "sum_unknown_rank": tf.reduce_sum(u), "mean_scalar": tf.reduce_mean(s),
        "sum_axis_tensor": tf.reduce_sum(x, axis=axis), "named": tf.reduce_mean(x, name="avg"),
        "sum_list_input": tf.reduce_sum([1.0, 2.0]),
        "argmax": tf.argmax(x), "argmin_1": tf.argmin(x, 1, output_type=tf.int32),
        "argmax_dimension": tf.argmax(x, dimension=1), "argmax_tensor": tf.argmax(x, axis),
        "range": tf.range(5), "range_start_limit_delta": tf.range(1, 5, 2),
        "range_cast": tf.range(0, 1.5),
    }
    with tf.name_scope("loss"):
        out["scoped"] = tf.reduce_mean(tf.reduce_sum(tf.square(x), axis=1))
    return out


def program_fills(tf):
    """tf.zeros/ones (a Const below 1000 elements, else a Fill), tf.fill, zeros_like and
    ones_like of known and unknown shapes and other dtypes, tf.constant with a shape."""
    x = tf.placeholder(tf.float32, shape=(N, D), name="x")
    v = tf.placeholder(tf.float32, shape=(None, D), name="v")
    big = tf.placeholder(tf.float32, shape=(2000, 3), name="big")
    n = tf.placeholder(tf.int32, shape=(2,), name="n")
    c = tf.placeholder(tf.float32, shape=(), name="c")
    return {
        "zeros_999": tf.zeros((999,)), "zeros_1000": tf.zeros((1000,)),
        "zeros_int": tf.zeros((1000, 100), dtype=tf.int32),
        "ones_named": tf.ones((2, 3), name="foo"),
        "ones_big_named": tf.ones((100, 100), name="bar"),
        "zeros_scalar": tf.zeros([]), "ones_bool": tf.ones((2,), dtype=tf.bool),
        "zeros_string": tf.zeros((2, 3), dtype=tf.string), "zeros_shape_tensor": tf.zeros(n),
        "fill": tf.fill([2, 3], 5.0), "fill_shape_tensor": tf.fill(n, 1),
        "fill_value_tensor": tf.fill((2, 3), c, name="f"),
        "zeros_like": tf.zeros_like(x), "ones_like": tf.ones_like(x),
        "zeros_like_unknown": tf.zeros_like(v), "ones_like_unknown": tf.ones_like(v),
        "zeros_like_int": tf.zeros_like(x, dtype=tf.int32),
        "zeros_like_unknown_int": tf.zeros_like(v, dtype=tf.int32),
        "ones_like_unknown_int": tf.ones_like(v, dtype=tf.int32),
        "zeros_like_big": tf.zeros_like(big), "ones_like_big": tf.ones_like(big),
        "zeros_like_list": tf.zeros_like([1.0, 2.0]),
        "ones_like_array": tf.ones_like(np.ones((2, 2))),
        "constant_shape": tf.constant(0.1, shape=(2,)),
        "constant_reshaped": tf.constant([1, 2, 3, 4], shape=(2, 2)),
    }


def program_random(tf):
    """random_normal, truncated_normal and random_uniform (each way TF1 builds it) with a graph
    seed, op seeds, shape tensors and tensor arguments."""
    tf.set_random_seed(7)
    n = tf.placeholder(tf.int32, shape=(2,), name="n")
    m = tf.placeholder(tf.float64, shape=(), name="m")
    return {
        "normal": tf.random_normal((2, 3)),
        "normal_named": tf.random_normal((2, 3), mean=1.0, stddev=2.0, seed=3, name="rn"),
        "truncated": tf.truncated_normal((2, 3), stddev=0.1),
        "uniform_default": tf.random_uniform((2, 3)),
        "uniform": tf.random_uniform((2, 3), -1, 1, seed=5),
        "uniform_0_5": tf.random_uniform((2,), 0, 5),
        "uniform_float_bounds": tf.random_uniform((2,), 0.0, 1.0),
        "uniform_maxval": tf.random_uniform((2,), maxval=3.0),
        "uniform_int": tf.random_uniform((2, 3), 0, 10, dtype=tf.int32),
        "normal_shape_tensor": tf.random_normal(n),
        "normal_mean_tensor": tf.random_normal((2, 3), dtype=tf.float64, mean=m),
        "normal_scalar": tf.random_normal([]),
    }


def _initializers(tf):
    return [("zeros", tf.zeros_initializer()), ("ones", tf.ones_initializer()),
            ("constant", tf.constant_initializer(0.5)),
            ("random_normal", tf.random_normal_initializer()),
            ("truncated_normal", tf.truncated_normal_initializer(stddev=0.1)),
            ("random_uniform", tf.random_uniform_initializer()),
            ("random_uniform_bounds", tf.random_uniform_initializer(-1, 1)),
            ("glorot_uniform", tf.glorot_uniform_initializer()),
            ("glorot_normal", tf.glorot_normal_initializer()),
            ("variance_scaling", tf.variance_scaling_initializer()),
            ("untruncated_normal",
             tf.variance_scaling_initializer(distribution="untruncated_normal")),
            ("uniform", tf.variance_scaling_initializer(distribution="uniform")),
            ("keras_he_normal", tf.keras.initializers.he_normal()),
            ("keras_random_uniform", tf.keras.initializers.RandomUniform()),
            ("keras_truncated_normal", tf.keras.initializers.TruncatedNormal())]


def program_initializers(tf):
    """Each initializer called on a shape: the ops TF1's init_ops build (a big zeros a Fill)."""
    out = {}
    for label, init in _initializers(tf):
        with tf.name_scope(label):
            out[label] = init((3, 4))
    out["zeros_big"] = tf.zeros_initializer()((40, 40))
    out["constant_big"] = tf.constant_initializer(2.0)((40, 40))
    return out


def program_initializers_get_variable(tf):
    """The same initializers through tf.get_variable: their ops under <name>/Initializer/."""
    out = {}
    for label, init in _initializers(tf):
        out[label] = tf.get_variable(label, (3, 4), initializer=init).initial_value
    out["default"] = tf.get_variable("default", (3, 4)).initial_value
    return out


def program_summary_names(tf):
    """Summary names and tags: unique names, name scopes, family, cleaned tags, merge names."""
    x = tf.placeholder(tf.float32, shape=(), name="x")
    w = tf.placeholder(tf.float32, shape=(3, 4), name="w")
    a = tf.summary.scalar("loss", x)
    b = tf.summary.scalar("loss", x)
    with tf.name_scope("train"):
        c = tf.summary.scalar("loss", x)
    d = tf.summary.scalar("acc", x, family="metrics")
    e = tf.summary.histogram("w", w)
    f = tf.summary.scalar("bad name!", x)
    g = tf.summary.scalar("two", 2.0)
    merged = tf.summary.merge_all()
    mine = tf.summary.merge([a, b], name="mine")
    one = tf.summary.merge([a])
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "merged": merged,
            "mine": mine, "one": one}


def program_summary_image(tf):
    """tf.summary.image as mnist_with_summaries builds it (a reshape in a name scope), with
    max_outputs, a family and a uint8 batch."""
    x = tf.placeholder(tf.float32, shape=(None, 784), name="x-input")
    with tf.name_scope("input_reshape"):
        image_shaped_input = tf.reshape(x, [-1, 28, 28, 1])
        a = tf.summary.image("input", image_shaped_input, 10)
    u = tf.placeholder(tf.uint8, shape=(None, 4, 4, 3), name="u")
    b = tf.summary.image("rgb", u, max_outputs=1, family="colour")
    merged = tf.summary.merge_all()
    return {"a": a, "b": b, "merged": merged}


def program_feature_columns(tf):
    """The low-level guide's feature columns: a numeric column and an indicator of a
    vocabulary list through input_layer (to_sparse_input, the vocabulary's hash table and
    its initializer, SparseToDense, one_hot, the per-column Reshape, the concat), and
    tf.tables_initializer()."""
    features = {"sales": [[5], [10], [8], [9]],
                "department": ["sports", "sports", "gardening", "gardening"]}
    department = tf.feature_column.indicator_column(
        tf.feature_column.categorical_column_with_vocabulary_list(
            "department", ["sports", "gardening"]))
    inputs = tf.feature_column.input_layer(
        features, [tf.feature_column.numeric_column("sales"), department])
    init = tf.tables_initializer()
    return {"inputs": inputs, "init": init}


# ------------------------------------------------- optimizers: options that change the graph

def program_optimizer_options(tf):
    """One set of gradients (GATE_GRAPH: a single tf.tuple over all of them) applied by
    three optimizers: float64 variables (each update Casts the float32 hyperparameters),
    Nesterov momentum with a global step, centered RMSProp on one variable (three slots),
    Adagrad (its slot initialized by a constant)."""
    x = tf.placeholder(tf.float64, shape=(N, D))
    w = tf.Variable(tf.zeros((D, H), dtype=tf.float64), name="w")
    v = tf.Variable(tf.ones((H,), dtype=tf.float64), name="v")
    loss = tf.reduce_sum(tf.matmul(x, w) * v)
    step = tf.train.get_or_create_global_step()
    momentum = tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True)
    grads_and_vars = momentum.compute_gradients(loss,
                                                gate_gradients=tf.train.Optimizer.GATE_GRAPH)
    train_momentum = momentum.apply_gradients(grads_and_vars, global_step=step)
    rms = tf.train.RMSPropOptimizer(0.01, momentum=0.5, centered=True)
    train_rms = rms.apply_gradients(grads_and_vars[:1])
    train_adagrad = tf.train.AdagradOptimizer(0.1).apply_gradients(grads_and_vars)
    return {"loss": loss, "grad_w": grads_and_vars[0][0], "grad_v": grads_and_vars[1][0],
            "momentum": train_momentum, "rms": train_rms, "adagrad": train_adagrad}


# --------------------------------------------------------------------------------------------
# Array ops with TF1's index inputs (branch array-nn-structure): the axis of a concat, a gather
# or an expand_dims, a transpose's perm, a reshape's shape, a tile's multiples, one_hot's depth
# and values are inputs, Consts inside the op's scope; tf.stack is a Pack (Python entries among
# tensors become Consts inside it); t[...] is a StridedSlice fed by strided_slice/stack, stack_1
# and stack_2 (Packs when an index is a tensor); squeeze keeps its squeeze_dims attribute.

def program_array_ops(tf):
    """concat, gather, expand_dims, transpose, reshape, tile, one_hot, stack, unstack, slicing
    and squeeze, with Python and tensor arguments on a batch known only at run time, and the
    gradients through all of them."""
    x = tf.placeholder(tf.float32, shape=(None, D), name="x")
    labels = tf.placeholder(tf.int32, shape=(None,), name="labels")
    i = tf.placeholder(tf.int32, shape=(), name="i")
    w = tf.Variable(tf.ones((D, C)), name="w")
    h = tf.matmul(x, w)
    both = tf.concat([h, 2.0 * h], axis=1)
    picked = tf.gather(both, [0, 2, 1], axis=1)
    first = tf.expand_dims(picked[:, 0], -1)
    tiled = tf.tile(first, [1, C])
    onehot = tf.one_hot(labels, C)
    stacked = tf.stack([picked, tiled * onehot])
    sliced = stacked[1:, ::2]
    side = tf.stack([picked, tiled], axis=2)
    flat = tf.reshape(tf.transpose(picked), [-1])
    rows = tf.reshape(side, tf.stack([tf.shape(side)[0], -1]))
    row = tf.squeeze(tf.expand_dims(h[i], 0), [0])
    first_col, _, last_col = tf.unstack(h, axis=1)
    loss = (tf.reduce_sum(sliced) + tf.reduce_sum(flat) + tf.reduce_sum(rows)
            + tf.reduce_sum(row) + tf.reduce_sum(first_col * last_col))
    grad_x, grad_w = tf.gradients(loss, [x, w])
    return {"loss": loss, "grad_x": grad_x, "grad_w": grad_w, "sliced": sliced, "rows": rows,
            "row": row, "onehot": onehot, "flat": flat}


def program_nn_functions(tf):
    """tf.nn's composites as TF1 builds them: moments (SquaredDifference), batch_normalization
    (Rsqrt), softmax and log_softmax over another axis than the last (transposed around the
    op), both softmax cross-entropies on a batch known only at run time and on rank-3 logits,
    and the gradients through them."""
    x = tf.placeholder(tf.float32, shape=(None, C), name="x")
    seq = tf.placeholder(tf.float32, shape=(N, 5, C), name="seq")
    onehot = tf.placeholder(tf.float32, shape=(None, C), name="onehot")
    ids = tf.placeholder(tf.int64, shape=(N, 5), name="ids")
    mean, variance = tf.nn.moments(x, [0])
    normed = tf.nn.batch_normalization(x, mean, variance, tf.zeros((C,)), tf.ones((C,)), 1e-3)
    over_batch = tf.nn.softmax(normed, axis=0)
    log_p = tf.nn.log_softmax(seq, axis=1)
    dense = tf.nn.softmax_cross_entropy_with_logits(labels=onehot, logits=normed)
    dense_v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=over_batch, logits=x)
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=log_p)
    loss = tf.reduce_mean(dense) + tf.reduce_mean(dense_v2) + tf.reduce_mean(sparse)
    grad_x, grad_seq = tf.gradients(loss, [x, seq])
    return {"loss": loss, "grad_x": grad_x, "grad_seq": grad_seq, "mean": mean,
            "variance": variance, "normed": normed, "over_batch": over_batch, "dense": dense,
            "sparse": sparse}


# ------------------------------------------------------------------ control flow (TF1's v1)
# tf.cond builds both branches under cond/ (Switch, switch_t, switch_f, pred_id, a Switch per
# outside value a branch reads, constants waiting for the branch's pivot, Merge); tf.case is
# nested conds; tf.while_loop builds Enter/Merge/LoopCond/Switch/Identity/NextIteration/Exit
# under while/, and its gradient a loop running backwards (only the returned names are
# compared inside gradients/).

def program_cond_basic(tf):
    """The cond of TF1's docs, and its gradient (summed over the two Switch ops of x)."""
    x = tf.placeholder(tf.float32, shape=(), name="x")
    p = tf.placeholder(tf.bool, shape=(), name="p")
    y = tf.cond(p, lambda: x * 2.0, lambda: x + 1.0)
    dx, = tf.gradients(y, x)
    return {"y": y, "dx": dx}


def program_cond_structures(tf):
    """Nested conds, a tuple result, an outside value passed through, a constant, ops as
    results, a variable read in a branch, a named cond, and the trap: an assign made outside
    the branch functions, read by a branch (its Switch makes it run either way)."""
    x = tf.placeholder(tf.float32, shape=(2,), name="x")
    p = tf.placeholder(tf.bool, shape=(), name="p")
    q = tf.placeholder(tf.bool, shape=(), name="q")
    v = tf.Variable(1.0, name="v")
    inc = v.assign_add(1.0)

    def true_fn():
        return tf.cond(q, lambda: x * 3.0, lambda: tf.identity(x)), tf.constant(1.0)
    nested, second = tf.cond(p, true_fn, lambda: (x, inc))
    mine = tf.cond(p, lambda: tf.constant([5.0, 6.0]), lambda: x, name="mycond")
    ops = tf.cond(p, lambda: tf.no_op(), lambda: tf.no_op())
    read = tf.cond(tf.reduce_sum(x) > 0, lambda: tf.square(x) + v, lambda: -x)
    single = tf.cond(p, lambda: [x], lambda: [x * 2.0])
    return {"nested": nested, "second": second, "mine": mine, "ops": ops, "read": read,
            "single": single}


def program_cond_gradients_of_variables(tf):
    """A model whose forward pass branches (dropout-like scaling when training), trained by
    GradientDescentOptimizer: gradients of the variables through both branches."""
    x = tf.placeholder(tf.float32, shape=(N, D), name="x")
    training = tf.placeholder(tf.bool, shape=(), name="training")
    w = tf.Variable(tf.zeros((D, H)), name="w")
    h = tf.matmul(x, w)
    h = tf.cond(training, lambda: tf.nn.relu(h) * 0.5, lambda: h)
    loss = tf.reduce_mean(h ** 2)
    optimizer = tf.train.GradientDescentOptimizer(0.1)
    grads_and_vars = optimizer.compute_gradients(loss)
    train = optimizer.apply_gradients(grads_and_vars)
    return {"loss": loss, "train": train, "grad_w": grads_and_vars[0][0]}


def program_case_default(tf):
    """tf.case with a default: nested conds, the first predicate outermost."""
    x = tf.placeholder(tf.float32, shape=(), name="x")
    r = tf.case([(x < 0.0, lambda: -x), (x < 1.0, lambda: x * 2.0)], default=lambda: x + 10.0)
    return {"r": r}


def program_while_basic(tf):
    """x ** 3 by a loop, its gradient for x (an accumulator loop variable, b_acc) and for
    the loop variable's initial value (the backward loop's Exit)."""
    x = tf.placeholder(tf.float32, shape=(), name="x")
    a0 = tf.placeholder(tf.float32, shape=(), name="a0")
    i, a = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x), [tf.constant(0), a0])
    dx, da0 = tf.gradients(a, [x, a0])
    return {"i": i, "a": a, "dx": dx, "da0": da0}


def program_while_maximum_iterations(tf):
    """maximum_iterations adds the counter loop variable while/iteration_counter."""
    x = tf.placeholder(tf.float32, shape=(), name="x")
    r = tf.while_loop(lambda a: a < 100.0, lambda a: a * x, [x], maximum_iterations=5)
    return {"r": r}


def program_while_nested_and_cond(tf):
    """A loop in a loop, a cond in a loop body, shape invariants, a nested structure."""
    x = tf.placeholder(tf.float32, shape=(), name="x")
    v = tf.placeholder(tf.float32, shape=(1,), name="v")

    def body(i, a):
        _, a2 = tf.while_loop(lambda j, b: j < 2, lambda j, b: (j + 1, b + a),
                              [tf.constant(0), a])
        return i + 1, tf.cond(a2 > 10.0, lambda: a2 - x, lambda: a2 * x)
    i, a = tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), x])
    grown = tf.while_loop(lambda t: tf.reduce_sum(t) < 10.0, lambda t: t * 2.0,
                          [v], shape_invariants=[tf.TensorShape([None])])
    pair = tf.while_loop(lambda a, b: a < 10.0, lambda a, b: [a * 2.0, (b[0] + 1, b[1])],
                         [x, (tf.constant(0), tf.constant(2.0))])
    return {"i": i, "a": a, "grown": grown, "pair_a": pair[0], "pair_b0": pair[1][0]}


def program_cond_assign_in_branch(tf):
    """Assigns made inside the branches (only the taken one runs). Not TF1's graph yet: TF1
    switches the variable itself into each branch (RefSwitch), minigraph never switches a
    variable; its Assign waits for the branch through its value."""
    p = tf.placeholder(tf.bool, shape=(), name="p")
    v = tf.Variable(1.0, name="v")
    r = tf.cond(p, lambda: v.assign(5.0), lambda: v.assign_add(1.0))
    return {"r": r}


def program_case_exclusive(tf):
    """tf.case with exclusive=True and no default: run-time Asserts (AssertGuard conds). Not
    TF1's graph yet: TF1 stacks the predicates with a Pack op, minigraph's tf.stack is
    ExpandDims and ConcatV2."""
    x = tf.placeholder(tf.float32, shape=(), name="x")
    r = tf.case({x < 0.0: lambda: -x, x > 1.0: lambda: x * 2.0}, exclusive=True)
    return {"r": r}
