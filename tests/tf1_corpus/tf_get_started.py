"""TensorFlow 1.x "Getting Started With TensorFlow": the Core tutorial.

Source: TensorFlow documentation, tensorflow/tensorflow, tensorflow/docs_src/get_started/
  get_started.md (TF 1.0-1.3), https://github.com/tensorflow/tensorflow/blob/r1.2/tensorflow/
  docs_src/get_started/get_started.md (section "TensorFlow Core tutorial" and "tf.train API").
License: code samples Apache License 2.0; page text CC BY 3.0. Written anew after the
  tutorial's listings: its TF1 calls, arguments and hyperparameters, in its order.
Changes:
- the listings' ``print`` calls become returned values; the TensorBoard screenshot step is left
  out (it writes nothing);
- the tf.estimator / tf.contrib.learn sections are left out (not TF1 core graph API);
- the training loop runs the tutorial's 1000 steps (it is four scalars); the loss is also
  recorded after steps 1, 2, 3.
Determinism: every value is given (Variables start from the tutorial's constants); nothing
  depends on a random stream.
"""


def make_data(synthetic):
    # the tutorial's own four training points (not downloaded)
    return {}


def run(tf, data):
    out = {}
    node1 = tf.constant(3.0, dtype=tf.float32)
    node2 = tf.constant(4.0)  # also tf.float32 implicitly
    sess = tf.Session()
    out["node1_node2"] = sess.run([node1, node2])

    node3 = tf.add(node1, node2)
    out["node3"] = sess.run(node3)

    a = tf.placeholder(tf.float32)
    b = tf.placeholder(tf.float32)
    adder_node = a + b  # + provides a shortcut for tf.add(a, b)
    out["adder_scalar"] = sess.run(adder_node, {a: 3, b: 4.5})
    out["adder_vector"] = sess.run(adder_node, {a: [1, 3], b: [2, 4]})
    add_and_triple = adder_node * 3.
    out["add_and_triple"] = sess.run(add_and_triple, {a: 3, b: 4.5})

    W = tf.Variable([.3], dtype=tf.float32)
    b = tf.Variable([-.3], dtype=tf.float32)
    x = tf.placeholder(tf.float32)
    linear_model = W * x + b
    init = tf.global_variables_initializer()
    sess.run(init)
    out["linear_model"] = sess.run(linear_model, {x: [1, 2, 3, 4]})

    y = tf.placeholder(tf.float32)
    squared_deltas = tf.square(linear_model - y)
    loss = tf.reduce_sum(squared_deltas)
    out["loss_initial"] = sess.run(loss, {x: [1, 2, 3, 4], y: [0, -1, -2, -3]})

    fixW = tf.assign(W, [-1.])
    fixb = tf.assign(b, [1.])
    sess.run([fixW, fixb])
    out["loss_fixed"] = sess.run(loss, {x: [1, 2, 3, 4], y: [0, -1, -2, -3]})

    optimizer = tf.train.GradientDescentOptimizer(0.01)
    train = optimizer.minimize(loss)
    sess.run(init)  # reset values to incorrect defaults.
    x_train = [1, 2, 3, 4]
    y_train = [0, -1, -2, -3]
    losses = []
    for i in range(1000):
        sess.run(train, {x: x_train, y: y_train})
        if i < 3:
            losses.append(sess.run(loss, {x: x_train, y: y_train}))
    out["losses_first_steps"] = losses
    curr_W, curr_b, curr_loss = sess.run([W, b, loss], {x: x_train, y: y_train})
    out["final_W"], out["final_b"], out["final_loss"] = curr_W, curr_b, curr_loss
    sess.close()
    return out

