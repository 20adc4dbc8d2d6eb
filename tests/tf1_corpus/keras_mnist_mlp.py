"""Keras 2 examples: mnist_mlp.py (a 512-512 MLP with dropout, RMSprop), as tf.keras.

Source: keras-team/keras, examples/mnist_mlp.py (Keras 2.x),
  https://github.com/keras-team/keras/blob/2.3.1/examples/mnist_mlp.py
License: MIT (Copyright (c) 2015 - 2019, François Chollet and the Keras contributors).
  Written anew after it: its calls, arguments and hyperparameters (to_categorical, Sequential
  of Dense(512, relu, input_shape=(784,)), Dropout(0.2), Dense(512, relu), Dropout(0.2),
  Dense(10, softmax); summary; compile(categorical_crossentropy, RMSprop(), ['accuracy']);
  fit(batch_size=128, validation_data=...); evaluate), in its order.
Changes: ``import keras`` becomes ``keras = tf.keras`` (the TF1-era spelling students copy);
  mnist.load_data() is replaced by synthetic MNIST-shaped uint8 images and integer labels
  (512 train, 256 test); 2 of the original's 20 epochs; verbose=0 (no progress bars);
  model.summary()'s printout is replaced by count_params(); an evaluate before fit is added.
Determinism: the Dense kernels' glorot-uniform draws are replaced after the model is built by
  numpy values (``set_weights``): the evaluation before training is compared to float32
  rounding. fit applies dropout and shuffles with TF's and numpy's random streams: the
  training history and the final score are STOCHASTIC, bounded by real TF's spread.
"""

import numpy as np


def make_data(synthetic):
    mnist = synthetic.mnist(seed=17, n_train=512, n_test=256, one_hot=False)
    to_uint8 = lambda a: np.round(a * 255).astype(np.uint8).reshape(-1, 28, 28)  # noqa: E731
    return {"x_train": to_uint8(mnist.train.images), "y_train": mnist.train.labels,
            "x_test": to_uint8(mnist.test.images), "y_test": mnist.test.labels,
            "kernels": [synthetic.glorot_uniform(170 + i, s)
                        for i, s in enumerate([(784, 512), (512, 512), (512, 10)])]}


def run(tf, data):
    keras = tf.keras
    Sequential = keras.models.Sequential
    Dense, Dropout = keras.layers.Dense, keras.layers.Dropout
    RMSprop = keras.optimizers.RMSprop

    batch_size = 128
    num_classes = 10
    epochs = 2

    (x_train, y_train), (x_test, y_test) = (data["x_train"], data["y_train"]), \
        (data["x_test"], data["y_test"])

    x_train = x_train.reshape(512, 784)
    x_test = x_test.reshape(256, 784)
    x_train = x_train.astype('float32')
    x_test = x_test.astype('float32')
    x_train /= 255
    x_test /= 255

    # convert class vectors to binary class matrices
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = Sequential()
    model.add(Dense(512, activation='relu', input_shape=(784,)))
    model.add(Dropout(0.2))
    model.add(Dense(512, activation='relu'))
    model.add(Dropout(0.2))
    model.add(Dense(num_classes, activation='softmax'))

    out = {"count_params": model.count_params()}

    model.compile(loss='categorical_crossentropy',
                  optimizer=RMSprop(),
                  metrics=['accuracy'])

    weights = model.get_weights()
    for i, kernel in enumerate(data["kernels"]):
        weights[2 * i] = kernel
    model.set_weights(weights)
    out["score_before"] = model.evaluate(x_test, y_test, verbose=0)

    history = model.fit(x_train, y_train,
                        batch_size=batch_size,
                        epochs=epochs,
                        verbose=0,
                        validation_data=(x_test, y_test))
    out["loss_history"] = history.history["loss"]
    out["val_loss_history"] = history.history["val_loss"]
    score = model.evaluate(x_test, y_test, verbose=0)
    out["score"] = score
    return out


STOCHASTIC = ("loss_history", "val_loss_history", "score")
