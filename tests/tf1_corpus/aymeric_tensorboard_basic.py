"""TensorFlow-Examples: TensorBoard basics (name scopes, scalar summaries, a FileWriter).

Source: aymericdamien/TensorFlow-Examples, examples/4_Utils/tensorboard_basic.py,
  https://github.com/aymericdamien/TensorFlow-Examples/blob/master/examples/4_Utils/
  tensorboard_basic.py
License: MIT (Copyright (c) 2015 Aymeric Damien). Written anew after it: its TF1 calls,
  arguments and hyperparameters (softmax regression with zero weights under name scopes
  Model/Loss/SGD/Accuracy, learning rate 0.01, batch 100, summaries "loss" and "accuracy"
  merged and written every batch), in its order.
Changes: synthetic MNIST-shaped data (1000 train, 500 test); 2 of the original's 25 epochs;
  logs_path is a temporary directory (removed afterwards); each epoch's average cost, the
  accuracy and the op names of the scoped tensors are returned; the event file is read back
  to count the summaries written (added, with numpy only: the count of event files).
Determinism: zero initial weights, as in the original.
"""

import os
import shutil
import tempfile

import numpy as np


def make_data(synthetic):
    return {"mnist": synthetic.mnist(seed=12, n_train=1000, n_test=500, one_hot=True)}


def run(tf, data):
    mnist = data["mnist"]
    learning_rate = 0.01
    training_epochs = 2
    batch_size = 100
    logs_path = tempfile.mkdtemp()

    x = tf.placeholder(tf.float32, [None, 784], name='InputData')
    y = tf.placeholder(tf.float32, [None, 10], name='LabelData')

    W = tf.Variable(tf.zeros([784, 10]), name='Weights')
    b = tf.Variable(tf.zeros([10]), name='Bias')

    with tf.name_scope('Model'):
        pred = tf.nn.softmax(tf.matmul(x, W) + b)  # Softmax
    with tf.name_scope('Loss'):
        cost = tf.reduce_mean(-tf.reduce_sum(y * tf.log(pred), reduction_indices=1))
    with tf.name_scope('SGD'):
        optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)
    with tf.name_scope('Accuracy'):
        acc = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
        acc = tf.reduce_mean(tf.cast(acc, tf.float32))

    init = tf.global_variables_initializer()
    tf.summary.scalar("loss", cost)
    tf.summary.scalar("accuracy", acc)
    merged_summary_op = tf.summary.merge_all()

    out = {"avg_costs": []}
    with tf.Session() as sess:
        sess.run(init)
        summary_writer = tf.summary.FileWriter(logs_path, graph=tf.get_default_graph())
        for epoch in range(training_epochs):
            avg_cost = 0.
            total_batch = int(mnist.train.num_examples / batch_size)
            for i in range(total_batch):
                batch_xs, batch_ys = mnist.train.next_batch(batch_size)
                _, c, summary = sess.run([optimizer, cost, merged_summary_op],
                                         feed_dict={x: batch_xs, y: batch_ys})
                summary_writer.add_summary(summary, epoch * total_batch + i)
                avg_cost += c / total_batch
            out["avg_costs"].append(avg_cost)
        out["accuracy"] = acc.eval({x: mnist.test.images, y: mnist.test.labels})
        summary_writer.close()
    out["op_names"] = np.array([pred.op.name, cost.op.name, optimizer.name, acc.op.name,
                                merged_summary_op.op.name])
    out["event_files"] = len([f for f in os.listdir(logs_path) if "tfevents" in f])
    shutil.rmtree(logs_path, ignore_errors=True)
    return out
