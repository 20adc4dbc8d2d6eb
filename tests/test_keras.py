"""tf.keras (minigraph.keras): Sequential, layers, optimizers, losses, metrics, callbacks.

Truth is independent of the code under test: numpy forward passes on the weights fetched
from the session, hand-derived gradients and Keras 2.2's update equations written out in
numpy, the closed-form least-squares solution (``np.linalg.lstsq``), TensorBoard's own
event reader, and Keras's documented conventions (names, History keys, the last fraction
as validation data, the order of callback hooks, the summary table).
"""

import re
import warnings

import numpy as np
import pytest

import minigraph as tf
from minigraph import viz
from minigraph.keras import backend as K
from minigraph.keras.callbacks import Callback, EarlyStopping, LambdaCallback, TensorBoard
from minigraph.keras.layers import Activation, Dense, Dropout, Flatten, InputLayer
from minigraph.keras.models import Sequential
from minigraph.keras.optimizers import SGD, Adadelta, Adagrad, Adam, RMSprop
from minigraph.trace import of as trace_of
from minigraph import lint
from minigraph.events import read_events

EPS = 1e-7  # Keras's K.epsilon()


@pytest.fixture(autouse=True)
def fresh_state():
    K.clear_session()
    yield
    K.clear_session()


@pytest.fixture
def rng():
    return np.random.RandomState(0)


def linear_model(units=2, input_dim=3, optimizer=None, loss="mse", metrics=None):
    model = Sequential([Dense(units, input_dim=input_dim)])
    model.compile(optimizer=optimizer or SGD(learning_rate=0.1), loss=loss, metrics=metrics)
    return model


def numpy_mse_grads(x, y, w, b):
    """Loss and gradients of mean over all elements of (x @ w + b - y)^2, by hand."""
    diff = x @ w + b - y                          # (N, U)
    loss = np.mean(diff ** 2)
    grad_pred = 2.0 * diff / diff.size            # d mean(diff^2) / d pred
    return loss, x.T @ grad_pred, grad_pred.sum(axis=0)


# ------------------------------------------------------------------------- the lecture

LECTURE = """\
model = Sequential()
model.add(Dense(input_dim=D, output_dim=H))
model.add(Activation('relu'))
model.add(Dense(input_dim=H, output_dim=D))
optimizer = SGD(lr=1e0)
model.compile(loss='mean_squared_error', optimizer=optimizer)
history = model.fit(x, y, nb_epoch=50, batch_size=N, verbose=0)
"""


def test_lecture_program_runs_with_deprecation_warnings_and_learns():
    from minigraph.keras.layers.core import Activation, Dense  # the lecture's import paths
    from minigraph.keras.models import Sequential
    from minigraph.keras.optimizers import SGD
    N, D, H = 64, 1000, 100
    rng = np.random.RandomState(0)
    tf.set_random_seed(0)
    namespace = dict(Sequential=Sequential, Dense=Dense, Activation=Activation, SGD=SGD,
                     x=rng.randn(N, D), y=rng.randn(N, D), N=N, D=D, H=H)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(compile(LECTURE, "<lecture>", "exec"), namespace)
    messages = [str(w.message) for w in caught if w.category is DeprecationWarning]
    assert sum("`units=`" in m for m in messages) == 2
    assert sum("`learning_rate=`" in m for m in messages) == 1
    assert sum("`epochs=`" in m for m in messages) == 1
    loss = namespace["history"].history["loss"]
    assert len(loss) == 50
    assert loss[-1] < 0.8 * loss[0]                     # it learns
    assert all(b < a for a, b in zip(loss, loss[1:]))   # full batch, small steps: monotone


# ------------------------------------------------------------------- training vs numpy

def test_full_batch_sgd_reaches_the_least_squares_loss(rng):
    n = 200
    x = rng.randn(n, 3)
    y = x @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * rng.randn(n, 1)
    model = linear_model(units=1, optimizer=SGD(learning_rate=0.1))
    model.fit(x, y, batch_size=n, epochs=300, verbose=0)
    a = np.hstack([x, np.ones((n, 1))])
    coef = np.linalg.lstsq(a, y, rcond=None)[0]
    best = np.mean((a @ coef - y) ** 2)
    # The Hessian of the loss is 2 A^T A / n, whose eigenvalues are close to 2 for this
    # standard normal design, so each full-batch step with lr 0.1 shrinks the distance to
    # the optimum by a factor of about 0.8: after 300 steps the optimization error is far
    # below float32 resolution. What remains is float32 rounding in the loss (~1e-6
    # relative), hence rtol 1e-4 on the loss and 1e-3 on the weights.
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=n, verbose=0), best, rtol=1e-4)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(np.concatenate([kernel[:, 0], bias]), coef[:, 0], rtol=1e-3)


def test_one_sgd_step_of_dense_and_mse_equals_the_numpy_update(rng):
    x, y = rng.randn(6, 3), rng.randn(6, 2)
    w0, b0 = rng.randn(3, 2).astype(np.float32), rng.randn(2).astype(np.float32)
    model = linear_model(optimizer=SGD(learning_rate=0.05))
    model.set_weights([w0, b0])
    history = model.fit(x, y, batch_size=6, epochs=1, shuffle=False, verbose=0)
    loss, grad_w, grad_b = numpy_mse_grads(x, y, w0, b0)
    w1, b1 = model.get_weights()
    np.testing.assert_allclose(history.history["loss"][0], loss, rtol=1e-5)  # before the step
    np.testing.assert_allclose(w1, w0 - 0.05 * grad_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b1, b0 - 0.05 * grad_b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_with_momentum_follows_keras_velocity_equations(rng, nesterov):
    x, y = rng.randn(5, 3), rng.randn(5, 2)
    w, b = rng.randn(3, 2), rng.randn(2)
    model = linear_model(optimizer=SGD(learning_rate=0.1, momentum=0.9, nesterov=nesterov))
    model.set_weights([w, b])
    model.fit(x, y, batch_size=5, epochs=3, shuffle=False, verbose=0)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    for _ in range(3):
        _, gw, gb = numpy_mse_grads(x, y, w, b)
        vw, vb = 0.9 * vw - 0.1 * gw, 0.9 * vb - 0.1 * gb
        if nesterov:
            w, b = w + 0.9 * vw - 0.1 * gw, b + 0.9 * vb - 0.1 * gb
        else:
            w, b = w + vw, b + vb
    new_w, new_b = model.get_weights()
    np.testing.assert_allclose(new_w, w, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(new_b, b, rtol=1e-4, atol=1e-5)


def test_adam_steps_equal_the_numpy_formula(rng):
    x, y = rng.randn(8, 3), rng.randn(8, 2)
    w, b = rng.randn(3, 2), rng.randn(2)
    model = linear_model(optimizer=Adam(learning_rate=0.01))
    model.set_weights([w, b])
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    beta_1, beta_2, lr = 0.9, 0.999, 0.01
    params = [w, b]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in (1, 2):
        _, gw, gb = numpy_mse_grads(x, y, *params)
        lr_t = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        for i, g in enumerate((gw, gb)):
            m[i] = beta_1 * m[i] + (1 - beta_1) * g
            v[i] = beta_2 * v[i] + (1 - beta_2) * g ** 2
            params[i] = params[i] - lr_t * m[i] / (np.sqrt(v[i]) + EPS)
    for got, want in zip(model.get_weights(), params):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert K.get_value(model.optimizer.iterations, model.session) == 2
    assert model.optimizer.epsilon == 1e-7 and model.optimizer.learning_rate == 0.01


@pytest.mark.parametrize("name", ["rmsprop", "adagrad"])
def test_rmsprop_and_adagrad_follow_keras_equations(rng, name):
    x, y = rng.randn(8, 3), rng.randn(8, 2)
    w, b = rng.randn(3, 2), rng.randn(2)
    optimizer = RMSprop(learning_rate=0.01) if name == "rmsprop" else Adagrad(learning_rate=0.1)
    model = linear_model(optimizer=optimizer)
    model.set_weights([w, b])
    model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    params = [w, b]
    acc = [np.zeros_like(p) for p in params]  # Keras: accumulators start at ZERO
    for _ in range(3):
        _, gw, gb = numpy_mse_grads(x, y, *params)
        for i, g in enumerate((gw, gb)):
            if name == "rmsprop":
                acc[i] = 0.9 * acc[i] + 0.1 * g ** 2
                params[i] = params[i] - 0.01 * g / (np.sqrt(acc[i]) + EPS)
            else:
                acc[i] = acc[i] + g ** 2
                params[i] = params[i] - 0.1 * g / (np.sqrt(acc[i]) + EPS)
    for got, want in zip(model.get_weights(), params):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_adadelta_is_tf1s_fused_update_with_tf_keras_defaults(rng):
    """keras.optimizers.Adadelta: TF1's ApplyAdadelta per weight, slots accum_grad and
    accum_var at zero; TF1's tf.keras defaults (learning_rate 0.001, not standalone Keras
    2.2's 1.0), rho 0.95, epsilon K.epsilon()."""
    default = Adadelta()
    assert (default.learning_rate, default.rho, default.epsilon) == (0.001, 0.95, 1e-7)
    assert default.get_config() == {"learning_rate": 0.001, "decay": 0.0, "rho": 0.95,
                                    "epsilon": 1e-7}
    x, y = rng.randn(8, 3), rng.randn(8, 2)
    w, b = rng.randn(3, 2), rng.randn(2)
    model = linear_model(optimizer=Adadelta(learning_rate=1.0, rho=0.9))
    model.set_weights([w, b])
    model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    updates = [op for op in model.graph.get_operations() if op.type == "ApplyAdadelta"]
    assert [op.inputs[0].op.name for op in updates] == ["dense/kernel", "dense/bias"]
    kernel = model.layers[0].kernel
    assert model.optimizer.get_slot_names() == ["accum_grad", "accum_var"]
    assert [t.op for t in updates[0].inputs[1:3]] == [
        model.optimizer.get_slot(kernel, "accum_grad").op,
        model.optimizer.get_slot(kernel, "accum_var").op]
    params = [w, b]
    accum = [np.zeros_like(p) for p in params]
    accum_update = [np.zeros_like(p) for p in params]
    for _ in range(3):
        _, gw, gb = numpy_mse_grads(x, y, *params)
        for i, g in enumerate((gw, gb)):
            accum[i] = 0.9 * accum[i] + 0.1 * g ** 2
            update = np.sqrt(accum_update[i] + EPS) / np.sqrt(accum[i] + EPS) * g
            accum_update[i] = 0.9 * accum_update[i] + 0.1 * update ** 2
            params[i] = params[i] - update
    for got, want in zip(model.get_weights(), params):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    assert K.get_value(model.optimizer.iterations, model.session) == 3


def test_optimizers_by_name_get_keras_defaults():
    expected = {"sgd": (SGD, 0.01), "adam": (Adam, 0.001), "rmsprop": (RMSprop, 0.001),
                "adagrad": (Adagrad, 0.01), "adadelta": (Adadelta, 0.001)}
    for name, (cls, lr) in expected.items():
        model = linear_model(optimizer=name)
        assert type(model.optimizer) is cls and model.optimizer.learning_rate == lr
    with pytest.raises(ValueError, match="optimizer"):
        linear_model(optimizer="nadam-ish")


def test_a_tf_train_optimizer_can_train_a_keras_model(rng):
    x, y = rng.randn(6, 3), rng.randn(6, 2)
    w0, b0 = rng.randn(3, 2), rng.randn(2)
    model = linear_model(optimizer=tf.train.GradientDescentOptimizer(0.05))
    model.set_weights([w0, b0])
    model.fit(x, y, batch_size=6, epochs=1, verbose=0)
    _, gw, gb = numpy_mse_grads(x, y, w0, b0)
    np.testing.assert_allclose(model.get_weights()[0], w0 - 0.05 * gw, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ image data format

def test_image_data_format_is_channels_last_and_decides_the_layers_default():
    """K.image_data_format() is the default data_format of Conv2D, the pooling layers and
    Flatten; with "channels_first" the same weights give the same predictions on the
    transposed images (Flatten moves the channels last before flattening, as Keras does)."""
    from minigraph.keras.layers import Conv2D, MaxPooling2D
    assert K.image_data_format() == "channels_last"
    with pytest.raises(ValueError, match="Unknown `data_format`: NCHW"):
        K.set_image_data_format("NCHW")
    rng = np.random.RandomState(3)
    x = rng.randn(2, 6, 6, 1).astype(np.float32)

    def model(input_shape):
        m = Sequential([Conv2D(2, (3, 3), input_shape=input_shape), MaxPooling2D((2, 2)),
                        Flatten(), Dense(3)])
        m.compile(optimizer="sgd", loss="mse")
        return m

    last = model((6, 6, 1))
    assert [layer.data_format for layer in last.layers[:2]] == ["NHWC", "NHWC"]
    weights = [rng.randn(*w.shape).astype(np.float32) for w in last.get_weights()]
    last.set_weights(weights)
    try:
        K.set_image_data_format("channels_first")
        assert K.image_data_format() == "channels_first"
        first = model((1, 6, 6))
    finally:
        K.set_image_data_format("channels_last")
    assert [layer.data_format for layer in first.layers[:2]] == ["NCHW", "NCHW"]
    assert first.layers[2].data_format == "channels_first"
    assert first.layers[0].output_shape == (None, 2, 4, 4)
    first.set_weights(weights)
    np.testing.assert_allclose(first.predict(x.transpose(0, 3, 1, 2)), last.predict(x),
                               rtol=1e-5, atol=1e-6)
    assert K.image_data_format() == "channels_last"


# -------------------------------------------------------------- evaluate, predict, metrics

def test_evaluate_and_predict_equal_numpy_forward_with_fetched_weights(rng):
    model = Sequential([Dense(5, activation="relu", input_dim=4), Dense(2)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = rng.randn(37, 4), rng.randn(37, 2)   # 37 = 3 batches of 10 and one of 7
    w1, b1, w2, b2 = model.get_weights()
    want = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    np.testing.assert_allclose(model.predict(x, batch_size=10), want, rtol=1e-5, atol=1e-6)
    loss, mae = model.evaluate(x, y, batch_size=10, verbose=0)
    np.testing.assert_allclose(loss, np.mean((want - y) ** 2), rtol=1e-5)
    np.testing.assert_allclose(mae, np.mean(np.abs(want - y)), rtol=1e-5)
    assert model.metrics_names == ["loss", "mae"]
    assert isinstance(model.evaluate(x, y, verbose=0), list)
    model.compile(optimizer="sgd", loss="mse")
    assert type(model.evaluate(x, y, verbose=0)) is np.float32   # no metrics: a scalar


def test_evaluate_and_the_batch_methods_return_float32_scalars_as_tf1s_keras(rng):
    """TF1's Keras returns numpy float32 scalars from evaluate, train_on_batch and
    test_on_batch (fit's History holds Python floats); evaluate sums each batch's mean
    times its size in float32, as TF1's Keras does, and divides by the number of samples."""
    model = linear_model(metrics=["mae"])
    x, y = rng.randn(37, 3).astype(np.float32), rng.randn(37, 2).astype(np.float32)
    w, b = model.get_weights()
    for outs in (model.evaluate(x, y, batch_size=10, verbose=0), model.test_on_batch(x, y),
                 model.train_on_batch(x, y)):
        assert [type(v) for v in outs] == [np.float32, np.float32]
    diff = (x @ w + b - y).astype(np.float32)
    batches = [(0, 10), (10, 20), (20, 30), (30, 37)]
    total = np.float32(0)
    for start, end in batches:
        total = total + np.mean(diff[start:end] ** 2, dtype=np.float32) * np.float32(end - start)
    model.set_weights([w, b])
    loss, _ = model.evaluate(x, y, batch_size=10, verbose=0)
    np.testing.assert_allclose(loss, total / np.float32(37), rtol=1e-6)
    history = model.fit(x, y, batch_size=10, epochs=2, verbose=0, validation_data=(x, y))
    assert all(type(v) is float for key in ("loss", "val_loss", "mae", "val_mae")
               for v in history.history[key])


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("case", ["categorical", "sparse", "binary"])
def test_accuracy_and_crossentropy_match_numpy(rng, case):
    n = 50
    x = rng.randn(n, 4)
    if case == "binary":
        model = Sequential([Dense(1, activation="sigmoid", input_dim=4)])
        loss, labels = "binary_crossentropy", rng.randint(0, 2, size=(n, 1))
        y = labels.astype(np.float32)
    else:
        model = Sequential([Dense(3, activation="softmax", input_dim=4)])
        labels = rng.randint(0, 3, size=n)
        loss = "categorical_crossentropy" if case == "categorical" else \
            "sparse_categorical_crossentropy"
        y = np.eye(3)[labels] if case == "categorical" else labels
    model.compile(optimizer="sgd", loss=loss, metrics=["acc"])
    kernel, bias = model.get_weights()
    z = x @ kernel + bias
    if case == "binary":
        p = np.clip(1 / (1 + np.exp(-z)), EPS, 1 - EPS)
        want_loss = np.mean(-labels * np.log(p) - (1 - labels) * np.log(1 - p))
        want_acc = np.mean((p > 0.5) == labels)
    else:
        p = np.clip(_softmax(z), EPS, 1 - EPS)
        want_loss = np.mean(-np.log(p[np.arange(n), labels]))
        want_acc = np.mean(p.argmax(axis=1) == labels)
    got_loss, got_acc = model.evaluate(x, y, batch_size=16, verbose=0)
    np.testing.assert_allclose(got_loss, want_loss, rtol=1e-5)
    np.testing.assert_allclose(got_acc, want_acc, rtol=1e-6)
    assert model.metrics_names == ["loss", "acc"]


def test_categorical_crossentropy_rejects_integer_targets(rng):
    model = Sequential([Dense(3, activation="softmax", input_dim=4)])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        model.fit(rng.randn(5, 4), rng.randint(0, 3, size=5), verbose=0)


# ------------------------------------------------------------------ History, validation

def test_history_keys_lengths_and_epochs(rng):
    model = Sequential([Dense(3, activation="softmax", input_dim=4)])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    x, y = rng.randn(40, 4), np.eye(3)[rng.randint(0, 3, size=40)]
    history = model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in history.history.values())
    assert history.epoch == [0, 1, 2] and model.history is history
    resumed = model.fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert resumed.epoch == [3, 4] and set(resumed.history) == {"loss", "accuracy"}


def test_validation_split_holds_out_the_last_fraction(rng):
    x, y = rng.randn(20, 3), rng.randn(20, 2)
    frozen = linear_model(optimizer=SGD(learning_rate=0.0))   # lr 0: the weights stay put
    history = frozen.fit(x, y, batch_size=4, epochs=1, validation_split=0.25, verbose=0)
    train_loss = frozen.evaluate(x[:15], y[:15], verbose=0)
    val_loss = frozen.evaluate(x[15:], y[15:], verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], train_loss, rtol=1e-6)
    np.testing.assert_allclose(history.history["val_loss"][0], val_loss, rtol=1e-6)
    assert not np.isclose(val_loss, frozen.evaluate(x[:5], y[:5], verbose=0))

    learning = linear_model(optimizer=SGD(learning_rate=0.1))
    history = learning.fit(x, y, batch_size=4, epochs=3, validation_split=0.25, verbose=0)
    # validation runs after the epoch's last batch: with the weights fit ends with
    np.testing.assert_allclose(history.history["val_loss"][-1],
                               learning.evaluate(x[15:], y[15:], batch_size=4, verbose=0),
                               rtol=1e-6)
    given = learning.fit(x[:15], y[:15], epochs=1, validation_data=(x[15:], y[15:]), verbose=0)
    np.testing.assert_allclose(given.history["val_loss"][0],
                               learning.evaluate(x[15:], y[15:], verbose=0), rtol=1e-6)


# -------------------------------------------------------------------------- callbacks

class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin", None, dict(logs)))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch, dict(logs)))

    def on_batch_begin(self, batch, logs=None):
        self.calls.append(("batch_begin", batch, dict(logs)))

    def on_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch, dict(logs)))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, dict(logs)))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end", None, dict(logs)))


def test_callbacks_are_called_in_order_with_logs(rng):
    x, y = rng.randn(8, 3), rng.randn(8, 2)
    model = linear_model()
    recorder = Recorder()
    history = model.fit(x, y, batch_size=4, epochs=2, validation_split=0.25, verbose=0,
                        callbacks=[recorder])   # 6 training samples: batches of 4 and 2
    assert [(hook, i) for hook, i, _ in recorder.calls] == [
        ("train_begin", None),
        ("epoch_begin", 0), ("batch_begin", 0), ("batch_end", 0), ("batch_begin", 1),
        ("batch_end", 1), ("epoch_end", 0),
        ("epoch_begin", 1), ("batch_begin", 0), ("batch_end", 0), ("batch_begin", 1),
        ("batch_end", 1), ("epoch_end", 1),
        ("train_end", None)]
    batch_logs = [logs for hook, _, logs in recorder.calls if hook == "batch_end"]
    assert [(logs["batch"], logs["size"]) for logs in batch_logs] == [(0, 4), (1, 2)] * 2
    assert all(set(logs) == {"batch", "size", "loss"} for logs in batch_logs)
    epoch_logs = [logs for hook, _, logs in recorder.calls if hook == "epoch_end"]
    # the epoch loss is the batch losses averaged by size: (4 * first + 2 * second) / 6
    first, second = batch_logs[0]["loss"], batch_logs[1]["loss"]
    np.testing.assert_allclose(epoch_logs[0]["loss"], (4 * first + 2 * second) / 6)
    assert [logs["val_loss"] for logs in epoch_logs] == history.history["val_loss"]
    assert recorder.model is model
    assert recorder.params["samples"] == 6 and recorder.params["epochs"] == 2
    assert recorder.params["metrics"] == ["loss", "val_loss"]


def test_lambda_callback_and_early_stopping(rng):
    x, y = rng.randn(8, 3), rng.randn(8, 2)
    model = linear_model(optimizer=SGD(learning_rate=0.0))   # the loss never improves
    seen = []
    stop = EarlyStopping(monitor="loss", patience=1)
    # no shuffling: reordering the rows changes float rounding of the mean, and a loss lower
    # by one ulp counts as an improvement (min_delta=0), as in Keras
    history = model.fit(x, y, epochs=10, verbose=0, shuffle=False, callbacks=[
        LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append((epoch, logs["loss"]))),
        stop])
    assert len({loss for _, loss in seen}) == 1  # the premise: exactly the same loss
    assert [e for e, _ in seen] == [0, 1] and len(history.history["loss"]) == 2
    assert stop.stopped_epoch == 1 and model.stop_training


def test_tensorboard_event_files_hold_the_history(rng, tmp_path):
    pytest.importorskip("tensorboard")
    x, y = rng.randn(20, 3), rng.randn(20, 2)
    model = linear_model(metrics=["mae"])
    board = TensorBoard(log_dir=str(tmp_path), histogram_freq=1)
    history = model.fit(x, y, epochs=3, batch_size=5, validation_split=0.2, verbose=0,
                        callbacks=[board])
    records = read_events(tmp_path)
    for name in ("loss", "mae", "val_loss", "val_mae"):
        scalars = sorted((r.step, r.value) for r in records if r.tag == name)
        assert [step for step, _ in scalars] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in scalars], history.history[name], rtol=1e-6)
    histograms = {r.tag for r in records if r.kind == "histogram"}
    assert {"dense/kernel_0", "dense/bias_0"} <= histograms
    assert [r.value for r in board.writer.records if r.tag == "loss"] == history.history["loss"]
    from tensorboard.backend.event_processing import event_accumulator
    acc = event_accumulator.EventAccumulator(str(tmp_path))
    acc.Reload()
    graph_def = acc.Graph()
    assert "dense/kernel" in {node.name for node in graph_def.node}


# ------------------------------------------------------------------------- verbose output

def _fit_output(capsys, verbose, seed=0):
    K.clear_session()
    tf.set_random_seed(seed)
    rng = np.random.RandomState(seed)
    model = linear_model()
    model.fit(rng.randn(100, 3), rng.randn(100, 2), epochs=2, batch_size=32, verbose=verbose,
              validation_split=0.2)
    return capsys.readouterr().out


def test_verbose_1_prints_epochs_and_a_deterministic_bar(capsys):
    out = _fit_output(capsys, 1)
    assert out.startswith("Epoch 1/2\n") and "\nEpoch 2/2\n" in out
    assert "\r" in out
    lines = [part for part in re.split(r"[\r\n]", out) if part.strip()]
    assert re.fullmatch(r"32/80 \[=+>\.+\] - loss: \d+\.\d{4}\s*", lines[1])
    assert re.fullmatch(r"64/80 \[=+>\.+\] - loss: \d+\.\d{4}\s*", lines[2])
    assert re.fullmatch(r"80/80 \[={30}\] - loss: \d+\.\d{4} - val_loss: \d+\.\d{4}", lines[3])
    assert lines[4] == "Epoch 2/2"
    assert "ETA" not in out and "step" not in out   # no timing: outputs can be compared
    assert _fit_output(capsys, 1) == out            # same seed, same text


def test_verbose_2_prints_one_line_per_epoch_and_0_nothing(capsys):
    out = _fit_output(capsys, 2)
    assert re.fullmatch(r"(Epoch \d/2\n - loss: \d+\.\d{4} - val_loss: \d+\.\d{4}\n){2}", out)
    assert _fit_output(capsys, 0) == ""


# ------------------------------------------------------------------- the graph underneath

def test_fit_fetches_the_train_op_every_batch(rng, monkeypatch):
    x, y = rng.randn(12, 3), rng.randn(12, 2)
    model = linear_model()
    before = model.get_weights()
    fetched = []
    real_run = model.session.run

    def spy(fetches, feed_dict=None, **kwargs):
        fetched.append(fetches)
        return real_run(fetches, feed_dict, **kwargs)

    monkeypatch.setattr(model.session, "run", spy)
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    steps = [f for f in fetched if isinstance(f, list) and model.train_op in f]
    assert len(steps) == 6                                 # 3 batches x 2 epochs
    assert all(f == [model.train_op, model.total_loss] for f in steps)
    assert model.train_op.name == "SGD" and model.train_op.type == "NoOp"
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    # the run trace of one step shows the weights being written
    meta = tf.RunMetadata()
    real_run(model.train_function.fetches, {model.input: x, model.targets[0]: y},
             options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=meta)
    assert {"dense/kernel", "dense/bias"} <= set(trace_of(meta).variables_written)
    assert lint.dead_updates(model.train_function.fetches) == []


def test_the_model_graph_can_be_drawn(rng):
    model = Sequential([Dense(4, activation="relu", input_dim=3), Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(rng.randn(8, 3), rng.randn(8, 2), verbose=0)
    dot = viz.to_dot(model.graph)
    for name in ("dense/kernel", "dense/bias", "dense_1/kernel", "dense/MatMul", "dense/Relu",
                 "dense_input", "dense_1_target", "loss"):
        assert name in dot
    forward = viz.to_dot(fetches=model.outputs)
    assert "dense_1/BiasAdd" in forward and "gradients" not in forward


def test_variable_and_op_names_follow_keras_on_tf1():
    model = Sequential()
    model.add(Dense(4, input_shape=(3,)))
    model.add(Activation("tanh"))
    model.add(Dense(2, activation="softmax", name="probs"))
    model.add(Dense(2))
    assert [w.name for w in model.weights] == [
        "dense/kernel:0", "dense/bias:0", "probs/kernel:0", "probs/bias:0",
        "dense_1/kernel:0", "dense_1/bias:0"]
    assert [layer.name for layer in model.layers] == ["dense", "activation", "probs", "dense_1"]
    assert model.input.name == "dense_input:0" and model.input.shape.as_list() == [None, 3]
    assert model.layers[1].output.name == "activation/Tanh:0"
    other = Sequential([Dense(1, input_dim=2)])   # a model of its own: names start over
    assert [w.name for w in other.weights] == ["dense/kernel:0", "dense/bias:0"]
    with pytest.raises(ValueError, match="unique names"):
        model.add(Dense(3, name="probs"))


SUMMARY = """\
Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #   
=================================================================
dense (Dense)                (None, 100)               100100    
_________________________________________________________________
activation (Activation)      (None, 100)               0         
_________________________________________________________________
dense_1 (Dense)              (None, 1000)              101000    
=================================================================
Total params: 201,100
Trainable params: 201,100
Non-trainable params: 0
_________________________________________________________________
"""


def test_summary_prints_the_keras_table(capsys):
    model = Sequential([Dense(100, input_dim=1000), Activation("relu"), Dense(1000)])
    model.summary()
    assert capsys.readouterr().out == SUMMARY   # 1000*100 + 100 and 100*1000 + 1000
    assert model.count_params() == 201100


def test_a_model_without_input_shape_is_built_by_fit(rng):
    model = Sequential([Dense(4, activation="relu"), Dense(1)])
    assert not model.built and model.graph is None
    with pytest.raises(ValueError, match="not yet been built"):
        model.summary()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(rng.randn(10, 3), rng.randn(10), verbose=0)   # y of shape (N,) -> (N, 1)
    assert model.built and model.input.shape.as_list() == [None, 3]
    assert model.predict(rng.randn(2, 3)).shape == (2, 1)


def test_input_layer_and_flatten(rng):
    model = Sequential([InputLayer(input_shape=(2, 3)), Flatten(), Dense(2)])
    assert model.input.name == "input_1:0" and [l.name for l in model.layers] == ["flatten",
                                                                                 "dense"]
    x = rng.randn(4, 2, 3)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(model.predict(x), x.reshape(4, 6) @ kernel + bias, rtol=1e-5,
                               atol=1e-6)


def test_dropout_is_active_only_when_the_learning_phase_is_true(rng):
    tf.set_random_seed(1)
    model = Sequential([Dense(50, activation="relu", input_dim=5), Dropout(0.5)])
    model.compile(optimizer="sgd", loss="mse")
    x = rng.randn(20, 5)
    kernel, bias = model.get_weights()
    clean = np.maximum(x @ kernel + bias, 0)
    np.testing.assert_allclose(model.predict(x), clean, rtol=1e-5, atol=1e-6)  # default False
    with model.graph.as_default():
        phase = K.learning_phase()
    training = K.function([model.input, phase], [model.output], session=model.session)
    out = training([x, True])[0]
    dropped = (out == 0) & (clean > 0)
    assert 0.3 < dropped.sum() / (clean > 0).sum() < 0.7
    kept = out != 0
    # scaled by 1/(1-rate): against the model's own float32 output (clean, in float64, is
    # 1e-5 away from it where x @ kernel + bias nearly cancels)
    np.testing.assert_allclose(out[kept], 2 * model.predict(x)[kept], rtol=1e-6)
    model.fit(x, clean, verbose=0)
    assert model.train_function.inputs[-1] is phase   # fit feeds True


def test_set_random_seed_makes_fit_deterministic(rng):
    x, y = rng.randn(30, 3), rng.randn(30, 2)

    def run():
        K.clear_session()
        tf.set_random_seed(0)
        model = Sequential([Dense(4, activation="relu", input_dim=3), Dense(2)])
        model.compile(optimizer="sgd", loss="mse")
        initial = model.get_weights()
        history = model.fit(x, y, batch_size=7, epochs=3, verbose=0)   # shuffled
        return initial, history.history["loss"]

    (w_a, loss_a), (w_b, loss_b) = run(), run()
    assert all(np.array_equal(a, b) for a, b in zip(w_a, w_b)) and loss_a == loss_b


def test_backend_sessions_values_and_clear_session():
    model = linear_model()
    assert K.get_session() is model.session
    kernel = model.weights[0]
    K.set_value(kernel, np.ones((3, 2)))
    np.testing.assert_array_equal(K.get_value(kernel), np.ones((3, 2)))
    tf.constant(1.0)                       # something in the default graph
    K.clear_session()
    assert len(tf.get_default_graph().get_operations()) == 0
    assert K.get_session() is not model.session
    np.testing.assert_array_equal(model.get_weights()[0], np.ones((3, 2)))  # still usable


def test_custom_loss_function_and_train_on_batch(rng):
    def mean_fourth_power(y_true, y_pred):
        return tf.reduce_mean((y_pred - y_true) ** 4, axis=-1)

    x, y = rng.randn(6, 3), rng.randn(6, 2)
    model = linear_model(loss=mean_fourth_power, optimizer=SGD(learning_rate=0.001))
    kernel, bias = model.get_weights()
    before = model.train_on_batch(x, y)
    np.testing.assert_allclose(before, np.mean((x @ kernel + bias - y) ** 4), rtol=1e-5)
    assert model.test_on_batch(x, y) < before


# --------------------------------------------------------------------- Keras 1 and paths

def test_keras1_spellings_warn_and_name_the_modern_argument(rng):
    with pytest.warns(DeprecationWarning, match="units") as record:
        layer = Dense(input_dim=3, output_dim=2)
    assert layer.units == 2 and record[0].filename == __file__
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        optimizer = SGD(lr=0.5)
    assert optimizer.learning_rate == 0.5 and optimizer.lr == 0.5
    model = Sequential([layer])
    model.compile(optimizer=optimizer, loss="mse")
    with pytest.warns(DeprecationWarning, match="epochs") as record:
        history = model.fit(rng.randn(4, 3), rng.randn(4, 2), nb_epoch=3, verbose=0)
    assert len(history.history["loss"]) == 3 and record[0].filename == __file__
    with pytest.raises(TypeError, match="both"):
        Dense(2, output_dim=3)
    with pytest.raises(TypeError, match="both"):
        Adam(0.1, lr=0.2)
    with pytest.warns(DeprecationWarning, match="learning_rate") as record:
        Adam(lr=0.2)
    assert record[0].filename == __file__


def test_module_paths_import():
    import minigraph.keras
    from minigraph.keras.layers.core import Activation as CoreActivation, Dense as CoreDense
    from minigraph.keras.models import Sequential as ModelsSequential
    from minigraph.keras.optimizers import SGD as OptimizersSGD
    assert tf.keras is minigraph.keras and "keras" in tf.__all__
    assert tf.keras.models.Sequential is ModelsSequential is tf.keras.Sequential
    assert tf.keras.layers.Dense is CoreDense and tf.keras.layers.Activation is CoreActivation
    assert tf.keras.optimizers.SGD is OptimizersSGD
    for module in (tf.keras.callbacks, tf.keras.losses, tf.keras.metrics, tf.keras.backend):
        assert all(hasattr(module, name) for name in module.__all__)


# ------------------------------------------------------------------------------ ConvNets

CONV_SUMMARY = """\
Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #   
=================================================================
conv2d (Conv2D)              (None, 26, 26, 32)        320       
_________________________________________________________________
max_pooling2d (MaxPooling2D) (None, 13, 13, 32)        0         
_________________________________________________________________
conv2d_1 (Conv2D)            (None, 13, 13, 16)        4624      
_________________________________________________________________
average_pooling2d (AveragePo (None, 6, 6, 16)          0         
_________________________________________________________________
flatten (Flatten)            (None, 576)               0         
_________________________________________________________________
dense (Dense)                (None, 10)                5770      
=================================================================
Total params: 10,714
Trainable params: 10,714
Non-trainable params: 0
_________________________________________________________________
"""


def test_a_convnet_summary_counts_keras_parameters(capsys):
    from minigraph.keras.layers import AveragePooling2D, Conv2D, MaxPooling2D
    model = Sequential([Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
                        MaxPooling2D(), Conv2D(16, 3, padding="same"),
                        AveragePooling2D(pool_size=2), Flatten(), Dense(10)])
    model.summary()
    # 3*3*1*32 + 32, then 3*3*32*16 + 16, then 6*6*16*10 + 10
    assert capsys.readouterr().out == CONV_SUMMARY
    assert [w.name for w in model.weights] == ["conv2d/kernel:0", "conv2d/bias:0",
                                               "conv2d_1/kernel:0", "conv2d_1/bias:0",
                                               "dense/kernel:0", "dense/bias:0"]
    names = {op.name for op in model.graph.get_operations()}
    assert {"conv2d/Conv2D", "conv2d/BiasAdd", "conv2d/Relu", "max_pooling2d/MaxPool",
            "average_pooling2d/AvgPool"} <= names


def test_a_keras_convnet_predicts_its_numpy_forward_and_learns(rng):
    from minigraph.keras.layers import Conv2D, MaxPooling2D
    images = (rng.randn(32, 8, 8, 1) * 0.1).astype(np.float32)
    labels = np.arange(32) % 2
    for i, label in enumerate(labels):
        images[i, 2:5, 1 + 4 * label:4 + 4 * label, 0] += 1.0
    tf.set_random_seed(0)
    model = Sequential([Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)),
                        MaxPooling2D(pool_size=(2, 2)), Flatten(), Dense(2, activation="softmax")])
    model.compile(optimizer=SGD(learning_rate=0.5), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    kernel, bias, w, b = model.get_weights()
    # numpy forward: VALID 3x3 conv by loops, relu, 2x2 max pool, dense, softmax
    conv = np.zeros((32, 6, 6, 4))
    for i in range(6):
        for j in range(6):
            conv[:, i, j] = np.einsum("nabc,abco->no", images[:, i:i + 3, j:j + 3], kernel)
    pooled = np.maximum(conv + bias, 0).reshape(32, 3, 2, 3, 2, 4).max(axis=(2, 4))
    logits = pooled.reshape(32, -1) @ w + b
    want = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(images), want, rtol=1e-4, atol=1e-5)
    history = model.fit(images, np.eye(2)[labels], epochs=30, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    assert history.history["accuracy"][-1] == 1.0


def test_conv_and_pooling_keras1_spellings_and_defaults():
    from minigraph.keras.layers import Conv2D, Convolution2D, MaxPooling2D
    with pytest.warns(DeprecationWarning) as record:
        layer = Convolution2D(nb_filter=8, kernel_size=3, border_mode="same", subsample=(2, 2))
    said = " ".join(str(w.message) for w in record)
    assert all("use `%s=`" % new in said for new in ("filters", "strides", "padding"))
    assert {w.filename for w in record} == {__file__}
    assert (layer.filters, layer.padding, layer.strides) == (8, "SAME", (2, 2))
    assert MaxPooling2D().strides == (2, 2) and MaxPooling2D(3).strides == (3, 3)
    assert MaxPooling2D(3, strides=1).strides == (1, 1)
    with pytest.raises(TypeError, match="both"):
        Conv2D(8, 3, nb_filter=4)
    with pytest.raises(ValueError, match="padding"):
        Conv2D(8, 3, padding="full")
