"""TensorFlow-Examples: a multilayer perceptron (two linear hidden layers of 256) on MNIST.

Source: aymericdamien/TensorFlow-Examples, examples/3_NeuralNetworks/multilayer_perceptron.py,
  https://github.com/aymericdamien/TensorFlow-Examples/blob/master/examples/3_NeuralNetworks/
  multilayer_perceptron.py
License: MIT (Copyright (c) 2015 Aymeric Damien). Written anew after it: its TF1 calls,
  arguments and hyperparameters (random_normal weights and biases, Adam 0.001, batch 100),
  in its order.
Changes: synthetic MNIST-shaped data (500 train, 300 test); 1 of the original's 15 epochs;
  the costs of the first 5 batches, the epoch's average cost and the accuracy are returned.
Determinism: the six ``tf.random_normal`` draws are kept, then replaced after the initializer
  by numpy standard-normal values (``Variable.load``).
"""


def make_data(synthetic):
    shapes = {"h1": [784, 256], "h2": [256, 256], "out": [256, 10],
              "b1": [256], "b2": [256], "b_out": [10]}
    out = {"mnist": synthetic.mnist(seed=7, n_train=500, n_test=300, one_hot=True)}
    for i, (k, shape) in enumerate(shapes.items()):
        out[k] = synthetic.normal(70 + i, shape)
    return out


def run(tf, data):
    mnist = data["mnist"]
    learning_rate = 0.001
    training_epochs = 1
    batch_size = 100

    n_hidden_1 = 256  # 1st layer number of neurons
    n_hidden_2 = 256  # 2nd layer number of neurons
    n_input = 784     # MNIST data input (img shape: 28*28)
    n_classes = 10    # MNIST total classes (0-9 digits)

    X = tf.placeholder("float", [None, n_input])
    Y = tf.placeholder("float", [None, n_classes])

    weights = {
        'h1': tf.Variable(tf.random_normal([n_input, n_hidden_1])),
        'h2': tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2])),
        'out': tf.Variable(tf.random_normal([n_hidden_2, n_classes]))
    }
    biases = {
        'b1': tf.Variable(tf.random_normal([n_hidden_1])),
        'b2': tf.Variable(tf.random_normal([n_hidden_2])),
        'out': tf.Variable(tf.random_normal([n_classes]))
    }

    def multilayer_perceptron(x):
        # Hidden fully connected layer with 256 neurons
        layer_1 = tf.add(tf.matmul(x, weights['h1']), biases['b1'])
        # Hidden fully connected layer with 256 neurons
        layer_2 = tf.add(tf.matmul(layer_1, weights['h2']), biases['b2'])
        # Output fully connected layer with a neuron for each class
        out_layer = tf.matmul(layer_2, weights['out']) + biases['out']
        return out_layer

    logits = multilayer_perceptron(X)

    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
        logits=logits, labels=Y))
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
    train_op = optimizer.minimize(loss_op)
    init = tf.global_variables_initializer()

    out = {}
    with tf.Session() as sess:
        sess.run(init)
        for key, var in list(weights.items()) + [("b1", biases["b1"]), ("b2", biases["b2"]),
                                                 ("b_out", biases["out"])]:
            var.load(data[key], sess)
        costs = []
        for epoch in range(training_epochs):
            avg_cost = 0.
            total_batch = int(mnist.train.num_examples / batch_size)
            for i in range(total_batch):
                batch_x, batch_y = mnist.train.next_batch(batch_size)
                _, c = sess.run([train_op, loss_op], feed_dict={X: batch_x, Y: batch_y})
                costs.append(c)
                avg_cost += c / total_batch
        out["costs"] = costs
        out["avg_cost"] = avg_cost

        pred = tf.nn.softmax(logits)  # Apply softmax to logits
        correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(Y, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
        out["accuracy"] = accuracy.eval({X: mnist.test.images, Y: mnist.test.labels})
    return out
