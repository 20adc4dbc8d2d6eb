"""TensorFlow-Examples: a convolutional network written with raw tf.nn ops.

Source: aymericdamien/TensorFlow-Examples, examples/3_NeuralNetworks/
  convolutional_network_raw.py, https://github.com/aymericdamien/TensorFlow-Examples/blob/
  master/examples/3_NeuralNetworks/convolutional_network_raw.py
License: MIT (Copyright (c) 2015 Aymeric Damien). Written anew after it: its TF1 calls,
  arguments and hyperparameters (conv2d + bias_add + relu wrappers, 2x2 max pools, 5x5x32
  and 5x5x64 kernels, 1024 dense units, random_normal weights and biases, dropout keep 0.75,
  Adam 0.001, batch 128), in its order.
Changes: synthetic MNIST-shaped data (256 train, 256 test, the original's test slice size);
  2 training steps (the original: while step * batch_size < 200000); the minibatch loss and
  accuracy with keep_prob 1.0 are also fetched before the first step (added); results are
  returned instead of printed.
Determinism: the eight ``tf.random_normal`` draws are kept, then replaced after the
  initializer by numpy standard-normal values (``Variable.load``): the pre-training loss,
  accuracy and logits are compared to float32 rounding. Training applies dropout (keep 0.75)
  with masks from TF's random stream: the values after it are STOCHASTIC, bounded by real
  TF's spread over seeds.
"""


def make_data(synthetic):
    shapes = {"wc1": [5, 5, 1, 32], "wc2": [5, 5, 32, 64], "wd1": [7 * 7 * 64, 1024],
              "out": [1024, 10], "bc1": [32], "bc2": [64], "bd1": [1024], "b_out": [10]}
    out = {"mnist": synthetic.mnist(seed=8, n_train=256, n_test=256, one_hot=True)}
    for i, (k, shape) in enumerate(shapes.items()):
        out[k] = synthetic.normal(80 + i, shape)
    return out


def run(tf, data):
    mnist = data["mnist"]
    learning_rate = 0.001
    num_steps = 2
    batch_size = 128

    num_input = 784
    num_classes = 10
    dropout = 0.75  # Dropout, probability to keep units

    X = tf.placeholder(tf.float32, [None, num_input])
    Y = tf.placeholder(tf.float32, [None, num_classes])
    keep_prob = tf.placeholder(tf.float32)  # dropout (keep probability)

    def conv2d(x, W, b, strides=1):
        x = tf.nn.conv2d(x, W, strides=[1, strides, strides, 1], padding='SAME')
        x = tf.nn.bias_add(x, b)
        return tf.nn.relu(x)

    def maxpool2d(x, k=2):
        return tf.nn.max_pool(x, ksize=[1, k, k, 1], strides=[1, k, k, 1], padding='SAME')

    def conv_net(x, weights, biases, dropout):
        x = tf.reshape(x, shape=[-1, 28, 28, 1])
        conv1 = conv2d(x, weights['wc1'], biases['bc1'])
        conv1 = maxpool2d(conv1, k=2)
        conv2 = conv2d(conv1, weights['wc2'], biases['bc2'])
        conv2 = maxpool2d(conv2, k=2)
        fc1 = tf.reshape(conv2, [-1, weights['wd1'].get_shape().as_list()[0]])
        fc1 = tf.add(tf.matmul(fc1, weights['wd1']), biases['bd1'])
        fc1 = tf.nn.relu(fc1)
        fc1 = tf.nn.dropout(fc1, dropout)
        out = tf.add(tf.matmul(fc1, weights['out']), biases['out'])
        return out

    weights = {
        'wc1': tf.Variable(tf.random_normal([5, 5, 1, 32])),
        'wc2': tf.Variable(tf.random_normal([5, 5, 32, 64])),
        'wd1': tf.Variable(tf.random_normal([7 * 7 * 64, 1024])),
        'out': tf.Variable(tf.random_normal([1024, num_classes]))
    }
    biases = {
        'bc1': tf.Variable(tf.random_normal([32])),
        'bc2': tf.Variable(tf.random_normal([64])),
        'bd1': tf.Variable(tf.random_normal([1024])),
        'out': tf.Variable(tf.random_normal([num_classes]))
    }

    logits = conv_net(X, weights, biases, keep_prob)
    prediction = tf.nn.softmax(logits)

    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
        logits=logits, labels=Y))
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
    train_op = optimizer.minimize(loss_op)

    correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

    init = tf.global_variables_initializer()

    out = {"losses": []}
    with tf.Session() as sess:
        sess.run(init)
        for key, var in list(weights.items()) + [("bc1", biases["bc1"]),
                                                 ("bc2", biases["bc2"]),
                                                 ("bd1", biases["bd1"]),
                                                 ("b_out", biases["out"])]:
            var.load(data[key], sess)
        for step in range(1, num_steps + 1):
            batch_x, batch_y = mnist.train.next_batch(batch_size)
            if step == 1:
                out["loss_step0"], out["acc_step0"], out["logits_step0"] = sess.run(
                    [loss_op, accuracy, logits],
                    feed_dict={X: batch_x, Y: batch_y, keep_prob: 1.0})
                out["logits_step0"] = out["logits_step0"][:4]
            sess.run(train_op, feed_dict={X: batch_x, Y: batch_y, keep_prob: dropout})
            loss, acc = sess.run([loss_op, accuracy], feed_dict={X: batch_x,
                                                                 Y: batch_y,
                                                                 keep_prob: 1.0})
            out["losses"].append(loss)
        out["test_accuracy"] = sess.run(accuracy, feed_dict={X: mnist.test.images[:256],
                                                             Y: mnist.test.labels[:256],
                                                             keep_prob: 1.0})
    return out


STOCHASTIC = ("losses", "test_accuracy")
TOLERANCE = {
    # random_normal(stddev 1) weights make logits of size ~1e4-1e5, each a sum of 1024
    # products of terms up to ~1e5 (fc1) built from sums of 800 (conv2) products: float32
    # sums in another order differ by a few ulp of the largest term, so an entry that
    # cancels to ~1e3 keeps the absolute error of its terms. Observed: 0.078 absolute on
    # logits up to 8e4 (1.8e-5 relative on that entry). One ulp of 8e4 is 0.0078; a sum of
    # 1024 such terms in another order typically differs by ~sqrt(1024) = 32 ulp, 0.25;
    # 0.5 allows twice that.
    "logits_step0": (1e-5, 0.5),
}
