"""Keras 2 examples: mnist_cnn.py (two convolutions, max pooling, dropout, Adadelta), as
tf.keras.

Source: keras-team/keras, examples/mnist_cnn.py (Keras 2.x),
  https://github.com/keras-team/keras/blob/2.3.1/examples/mnist_cnn.py
License: MIT (Copyright (c) 2015 - 2019, François Chollet and the Keras contributors).
  Written anew after it: its calls, arguments and hyperparameters (image_data_format check,
  Conv2D(32, (3, 3), relu, input_shape), Conv2D(64, (3, 3), relu), MaxPooling2D((2, 2)),
  Dropout(0.25), Flatten, Dense(128, relu), Dropout(0.5), Dense(10, softmax);
  compile(keras.losses.categorical_crossentropy, keras.optimizers.Adadelta(), ['accuracy']);
  fit(batch_size=128, validation_data=...); evaluate), in its order.
Changes: ``import keras`` becomes ``keras = tf.keras``; mnist.load_data() is replaced by
  synthetic MNIST-shaped uint8 images and integer labels (256 train, 128 test); 1 of the
  original's 12 epochs; verbose=0; an evaluate before fit is added.
Determinism: the kernels' glorot-uniform draws are replaced after the model is built by numpy
  values (``set_weights``): the evaluation before training is compared to float32 rounding;
  the fitted history and score (dropout, shuffling) are STOCHASTIC, bounded by real TF's
  spread.
"""

import numpy as np


def make_data(synthetic):
    mnist = synthetic.mnist(seed=18, n_train=256, n_test=128, one_hot=False)
    to_uint8 = lambda a: np.round(a * 255).astype(np.uint8).reshape(-1, 28, 28)  # noqa: E731
    return {"x_train": to_uint8(mnist.train.images), "y_train": mnist.train.labels,
            "x_test": to_uint8(mnist.test.images), "y_test": mnist.test.labels,
            "kernels": [synthetic.glorot_uniform(180 + i, s) for i, s in
                        enumerate([(3, 3, 1, 32), (3, 3, 32, 64), (9216, 128), (128, 10)])]}


def run(tf, data):
    keras = tf.keras
    Sequential = keras.models.Sequential
    Dense, Dropout, Flatten = keras.layers.Dense, keras.layers.Dropout, keras.layers.Flatten
    Conv2D, MaxPooling2D = keras.layers.Conv2D, keras.layers.MaxPooling2D
    K = keras.backend

    batch_size = 128
    num_classes = 10
    epochs = 1

    # input image dimensions
    img_rows, img_cols = 28, 28

    (x_train, y_train), (x_test, y_test) = (data["x_train"], data["y_train"]), \
        (data["x_test"], data["y_test"])

    if K.image_data_format() == 'channels_first':
        x_train = x_train.reshape(x_train.shape[0], 1, img_rows, img_cols)
        x_test = x_test.reshape(x_test.shape[0], 1, img_rows, img_cols)
        input_shape = (1, img_rows, img_cols)
    else:
        x_train = x_train.reshape(x_train.shape[0], img_rows, img_cols, 1)
        x_test = x_test.reshape(x_test.shape[0], img_rows, img_cols, 1)
        input_shape = (img_rows, img_cols, 1)

    x_train = x_train.astype('float32')
    x_test = x_test.astype('float32')
    x_train /= 255
    x_test /= 255

    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = Sequential()
    model.add(Conv2D(32, kernel_size=(3, 3),
                     activation='relu',
                     input_shape=input_shape))
    model.add(Conv2D(64, (3, 3), activation='relu'))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Flatten())
    model.add(Dense(128, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(num_classes, activation='softmax'))

    model.compile(loss=keras.losses.categorical_crossentropy,
                  optimizer=keras.optimizers.Adadelta(),
                  metrics=['accuracy'])

    weights = model.get_weights()
    for i, kernel in enumerate(data["kernels"]):
        weights[2 * i] = kernel
    model.set_weights(weights)
    out = {"score_before": model.evaluate(x_test, y_test, verbose=0)}

    history = model.fit(x_train, y_train,
                        batch_size=batch_size,
                        epochs=epochs,
                        verbose=0,
                        validation_data=(x_test, y_test))
    out["loss_history"] = history.history["loss"]
    out["score"] = model.evaluate(x_test, y_test, verbose=0)
    return out


STOCHASTIC = ("loss_history", "score")
