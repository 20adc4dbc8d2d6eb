"""Stanford CS20 (TensorFlow for Deep Learning Research), lecture 03: linear regression fed by
tf.data.

Source: chiphuyen/stanford-tensorflow-tutorials, examples/03_linreg_dataset.py,
  https://github.com/chiphuyen/stanford-tensorflow-tutorials/blob/master/examples/
  03_linreg_dataset.py
License: MIT (Copyright (c) 2017 Chip Huyen). Written anew after it: its TF1 calls,
  arguments and hyperparameters (from_tensor_slices of the two columns, an initializable
  iterator re-initialized every epoch until OutOfRangeError, get_variable with constant 0.0
  initializers, squared error, gradient descent 0.001), in its order.
Changes: the birth-rate/life-expectancy file is replaced by synthetic.birth_life (190 rows,
  the file's count); 3 of the original's 100 epochs; the FileWriter writes into a temporary
  directory (removed afterwards); each epoch's average loss and the final w, b are returned
  instead of printed and plotted.
Determinism: w and b start at 0.0, as in the original.
"""

import shutil
import tempfile


def make_data(synthetic):
    return {"data": synthetic.birth_life(seed=13)}


def run(tf, data_in):
    data = data_in["data"]
    n_samples = data.shape[0]
    out = {"epoch_losses": []}

    dataset = tf.data.Dataset.from_tensor_slices((data[:, 0], data[:, 1]))

    iterator = dataset.make_initializable_iterator()
    X, Y = iterator.get_next()

    w = tf.get_variable('weights', initializer=tf.constant(0.0))
    b = tf.get_variable('bias', initializer=tf.constant(0.0))

    Y_predicted = X * w + b

    loss = tf.square(Y - Y_predicted, name='loss')

    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.001).minimize(loss)

    logdir = tempfile.mkdtemp()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        writer = tf.summary.FileWriter(logdir, sess.graph)

        for i in range(3):
            sess.run(iterator.initializer)
            total_loss = 0
            try:
                while True:
                    _, l = sess.run([optimizer, loss])
                    total_loss += l
            except tf.errors.OutOfRangeError:
                pass
            out["epoch_losses"].append(total_loss / n_samples)

        writer.close()
        w_out, b_out = sess.run([w, b])
    shutil.rmtree(logdir, ignore_errors=True)
    out["w"], out["b"] = w_out, b_out
    out["get_next_shapes"] = [str(X.shape), str(Y.shape)]
    return out

