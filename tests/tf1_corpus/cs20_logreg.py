"""Stanford CS20, lecture 03: logistic regression on MNIST with tf.data (a reinitializable
iterator shared by the training and the test set).

Source: chiphuyen/stanford-tensorflow-tutorials, examples/03_logreg.py,
  https://github.com/chiphuyen/stanford-tensorflow-tutorials/blob/master/examples/03_logreg.py
License: MIT (Copyright (c) 2017 Chip Huyen). Written anew after it: its TF1 calls, arguments
  and hyperparameters (shuffle(10000), batch 128, Iterator.from_structure with
  make_initializer for both sets, get_variable with random_normal_initializer(0, 0.01) and
  zeros_initializer, Adam 0.01, accuracy as a sum of correct predictions), in its order.
Changes: utils.download_mnist/read_mnist are replaced by synthetic MNIST-shaped arrays
  (1280 train, 500 test, float32 one-hot labels); 2 of the original's 30 epochs; the test
  set is also evaluated once before training (added); the FileWriter writes into a
  temporary directory (removed afterwards); results are returned instead of printed.
Determinism: the weights' random_normal_initializer draw is kept, then replaced after the
  initializer by numpy values (``Variable.load``): the accuracy before training is compared
  exactly. ``shuffle(10000)`` draws its order from TF's random stream (seeded by the graph
  seed): the epoch losses and the final accuracy are STOCHASTIC, bounded by real TF's spread
  over seeds.
"""

import shutil
import tempfile


def make_data(synthetic):
    mnist = synthetic.mnist(seed=14, n_train=1280, n_test=500, one_hot=True)
    return {"train_images": mnist.train.images, "train_labels": mnist.train.labels,
            "test_images": mnist.test.images, "test_labels": mnist.test.labels,
            "weights": synthetic.normal(140, (784, 10), stddev=0.01)}


def run(tf, data):
    learning_rate = 0.01
    batch_size = 128
    n_epochs = 2
    n_test = data["test_images"].shape[0]
    train = (data["train_images"], data["train_labels"])
    test = (data["test_images"], data["test_labels"])
    out = {"epoch_losses": []}

    train_data = tf.data.Dataset.from_tensor_slices(train)
    train_data = train_data.shuffle(10000)  # if you want to shuffle your data
    train_data = train_data.batch(batch_size)

    test_data = tf.data.Dataset.from_tensor_slices(test)
    test_data = test_data.batch(batch_size)

    iterator = tf.data.Iterator.from_structure(train_data.output_types,
                                               train_data.output_shapes)
    img, label = iterator.get_next()

    train_init = iterator.make_initializer(train_data)  # initializer for train_data
    test_init = iterator.make_initializer(test_data)    # initializer for test_data

    w = tf.get_variable(name='weights', shape=(784, 10),
                        initializer=tf.random_normal_initializer(0, 0.01))
    b = tf.get_variable(name='bias', shape=(1, 10), initializer=tf.zeros_initializer())

    logits = tf.matmul(img, w) + b

    entropy = tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=label,
                                                      name='entropy')
    loss = tf.reduce_mean(entropy, name='loss')

    optimizer = tf.train.AdamOptimizer(learning_rate).minimize(loss)

    preds = tf.nn.softmax(logits)
    correct_preds = tf.equal(tf.argmax(preds, 1), tf.argmax(label, 1))
    accuracy = tf.reduce_sum(tf.cast(correct_preds, tf.float32))

    logdir = tempfile.mkdtemp()
    writer = tf.summary.FileWriter(logdir, tf.get_default_graph())

    def test_accuracy(sess):
        sess.run(test_init)
        total_correct_preds = 0
        try:
            while True:
                accuracy_batch = sess.run(accuracy)
                total_correct_preds += accuracy_batch
        except tf.errors.OutOfRangeError:
            pass
        return total_correct_preds / n_test

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w.load(data["weights"], sess)
        out["accuracy_before"] = test_accuracy(sess)

        for i in range(n_epochs):
            sess.run(train_init)
            total_loss = 0
            n_batches = 0
            try:
                while True:
                    _, l = sess.run([optimizer, loss])
                    total_loss += l
                    n_batches += 1
            except tf.errors.OutOfRangeError:
                pass
            out["epoch_losses"].append(total_loss / n_batches)

        out["accuracy"] = test_accuracy(sess)
    writer.close()
    shutil.rmtree(logdir, ignore_errors=True)
    out["get_next_shapes"] = [str(img.shape), str(label.shape)]
    return out


STOCHASTIC = ("epoch_losses", "accuracy")
