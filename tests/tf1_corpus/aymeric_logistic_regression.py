"""TensorFlow-Examples: logistic (softmax) regression on MNIST.

Source: aymericdamien/TensorFlow-Examples, examples/2_BasicModels/logistic_regression.py,
  https://github.com/aymericdamien/TensorFlow-Examples/blob/master/examples/2_BasicModels/
  logistic_regression.py
License: MIT (Copyright (c) 2015 Aymeric Damien). Written anew after it: its TF1 calls,
  arguments and hyperparameters (learning rate 0.01, batch 100, the raw
  -reduce_sum(y * log(softmax)) cost), in its order.
Changes: synthetic MNIST-shaped data (1000 train, 500 test) instead of the download; 3 of
  the original's 25 epochs; the average cost of each epoch and the accuracy are returned.
Determinism: W and b start at zeros, as in the original.
"""


def make_data(synthetic):
    return {"mnist": synthetic.mnist(seed=5, n_train=1000, n_test=500, one_hot=True)}


def run(tf, data):
    mnist = data["mnist"]
    learning_rate = 0.01
    training_epochs = 3
    batch_size = 100

    x = tf.placeholder(tf.float32, [None, 784])  # mnist data image of shape 28*28=784
    y = tf.placeholder(tf.float32, [None, 10])   # 0-9 digits recognition => 10 classes

    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))

    pred = tf.nn.softmax(tf.matmul(x, W) + b)  # Softmax

    cost = tf.reduce_mean(-tf.reduce_sum(y * tf.log(pred), reduction_indices=1))
    optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)

    init = tf.global_variables_initializer()

    out = {"avg_costs": []}
    with tf.Session() as sess:
        sess.run(init)
        for epoch in range(training_epochs):
            avg_cost = 0.
            total_batch = int(mnist.train.num_examples / batch_size)
            for i in range(total_batch):
                batch_xs, batch_ys = mnist.train.next_batch(batch_size)
                _, c = sess.run([optimizer, cost], feed_dict={x: batch_xs, y: batch_ys})
                avg_cost += c / total_batch
            out["avg_costs"].append(avg_cost)

        correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        out["accuracy"] = accuracy.eval({x: mnist.test.images, y: mnist.test.labels})
    return out
