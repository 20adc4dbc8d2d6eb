"""``tf.layers``: Dense, Conv2D, MaxPooling2D, AveragePooling2D, Dropout, Flatten and
BatchNormalization, as functions and as classes.

A layer is a few variables plus the ops that use them, built in a variable scope of its own:

    h = tf.layers.dense(x, 100, activation=tf.nn.relu)   # variables dense/kernel, dense/bias
    y = tf.layers.dense(h, 10)                            # dense_1/kernel, dense_1/bias

Without ``name``, each call is a new layer with a unique name (``dense``, ``dense_1``...).
With ``name="fc"`` the variables are ``fc/kernel``, ``fc/bias``; building ``"fc"`` again
raises unless ``reuse=True`` (then the same variables are used: weight sharing).

Batch normalization keeps moving averages of the batch mean and variance in two
non-trainable variables. The ops that update them are *not* on the path to the output: they
are put in the ``tf.GraphKeys.UPDATE_OPS`` collection and run only when fetched, usually by
making the train op depend on them:

    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = optimizer.minimize(loss)

Forget that and the moving averages never move, so the model works in training
(``training=True`` uses the batch statistics) and fails at test time (``training=False``
uses the moving ones).
"""

import re

import numpy as np

from minigraph import dtypes
from minigraph.graph import GraphKeys, get_default_graph
from minigraph.initializers import ones_initializer, zeros_initializer
from minigraph.ops import conv_ops, math_ops, nn_ops
from minigraph.ops.array_ops import (concat, constant_value, identity, reshape, shape, stack,
                                     where)
from minigraph.ops.constant_op import as_tensor, constant
from minigraph.ops.nn_impl import batch_normalization as _batch_normalization
from minigraph.ops.nn_impl import dropout as _dropout
from minigraph.ops.nn_impl import moments
from minigraph.variable_scope import get_variable, variable_scope

__all__ = ["Layer", "Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D", "Dropout", "Flatten",
           "BatchNormalization", "dense", "conv2d", "max_pooling2d", "average_pooling2d",
           "dropout", "flatten", "batch_normalization"]


def _snake_case(name):
    """A layer's default name, as TF1 and Keras make it from the class name:
    ``BatchNormalization`` -> ``batch_normalization``, ``Conv2D`` -> ``conv2d``,
    ``MaxPooling2D`` -> ``max_pooling2d``."""
    words = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()


def _static_bool(training):
    """``training`` as a Python bool if it is known when the graph is built (a bool or a
    constant), else None: then the choice is made at run time, with ``tf.where``."""
    if isinstance(training, (bool, np.bool_, int)):
        return bool(training)
    value = constant_value(as_tensor(training))
    return None if value is None else bool(value)


def _run_time_choice(training, if_true, if_false):
    """``if_true`` if the bool tensor ``training`` is true when the graph runs, else
    ``if_false`` (two tensors of one shape), picked by ``tf.where``.

    TF1 builds a ``tf.cond`` here (``smart_cond``), whose output has the static shape its two
    branches share: ``(?, 26, 26, 32)`` after a conv layer. ``tf.where``'s condition is a
    bool placeholder, often of unknown shape, which alone would leave the output's shape
    unknown; the shape both branches share is set on it, as TF1's cond gives it.
    """
    out = where(as_tensor(training), if_true, if_false)
    a, b = if_true.shape, if_false.shape
    if a.ndims is not None and a.ndims == b.ndims:
        out.set_shape([p if p == q else None for p, q in zip(a.as_list(), b.as_list())])
    return out


_ACTIVATIONS = {"relu": nn_ops.relu, "sigmoid": math_ops.sigmoid, "tanh": math_ops.tanh,
                "softmax": nn_ops.softmax, "linear": None}


def _activation(fn):
    """An activation given as a function, None, or a name (``"relu"``)."""
    if isinstance(fn, str):
        if fn not in _ACTIVATIONS:
            raise ValueError("Unknown activation function: %s" % fn)
        return _ACTIVATIONS[fn]
    return fn


class Layer:
    """Base class of the layers (``tf.layers.Layer``).

    A subclass creates its variables in ``build(input_shape)`` (with ``add_weight``) and its
    ops in ``call(inputs, ...)``. Calling the layer builds it once, inside its variable scope,
    then calls it; calling it again builds new ops that use the same variables.

    Attributes:
      name: the layer's (unique) name, e.g. ``"dense_1"``.
      variables, trainable_variables, non_trainable_variables: the variables it made.
      updates: ops the layer wants run during training (also in ``GraphKeys.UPDATE_OPS``).
      losses: regularization losses (also in ``GraphKeys.REGULARIZATION_LOSSES``).
    """

    def __init__(self, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 _scope=None, _reuse=None):
        self.trainable = trainable
        self.name = name or _snake_case(type(self).__name__)
        self._base_name = self.name
        self.dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self.activity_regularizer = activity_regularizer
        self._scope_name = _scope      # the function forms pass name here: not made unique
        self._reuse = _reuse
        self._scope = None
        self.built = False
        self._variables = []
        self.updates = []
        self.losses = []

    # -- the variables -------------------------------------------------------------------
    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None):
        """``tf.get_variable(name, ...)`` in the layer's scope; remembered by the layer."""
        __tracebackhide__ = True
        losses = get_default_graph().get_collection_ref(GraphKeys.REGULARIZATION_LOSSES)
        before = len(losses)
        v = get_variable(name, shape, dtype or self.dtype, initializer=initializer,
                         regularizer=regularizer, trainable=trainable and self.trainable,
                         constraint=constraint)
        self.losses += losses[before:]  # the regularizer's loss, if v was created just now
        self._variables.append(v)
        return v

    @property
    def variables(self):
        return list(self._variables)

    weights = variables

    @property
    def trainable_variables(self):
        return [v for v in self._variables if v.trainable]

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self):
        return [v for v in self._variables if not v.trainable]

    non_trainable_weights = non_trainable_variables

    # -- what subclasses provide --------------------------------------------------------
    def build(self, input_shape):
        """Create the variables, knowing the input's static shape."""

    def call(self, inputs, **kwargs):
        raise NotImplementedError

    # -- calling -----------------------------------------------------------------------
    def _set_scope(self):
        """Choose the layer's variable scope on first call (TF1's ``Layer._set_scope``)."""
        if self._scope is not None:
            return
        if self._reuse:
            with variable_scope(self._scope_name or self._base_name) as scope:
                self._scope = scope
        else:
            with variable_scope(self._scope_name, default_name=self._base_name) as scope:
                self._scope = scope
        self.name = self._scope.name.split("/")[-1]

    def __call__(self, inputs, *args, **kwargs):
        """Build the layer (first call only) and apply it to ``inputs``."""
        __tracebackhide__ = True
        graph = get_default_graph()
        self._set_scope()
        reuse = True if self.built else self._reuse
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False):
            with graph.name_scope(self._scope.original_name_scope):
                inputs = as_tensor(inputs)
                if not self.built:
                    if self.dtype is None:
                        self.dtype = inputs.dtype
                    self.build(inputs.shape)
                    self.built = True
                n_updates = len(self.updates)
                outputs = self.call(inputs, *args, **kwargs)
                if self.activity_regularizer is not None:
                    with graph.name_scope("ActivityRegularizer"):
                        loss = self.activity_regularizer(outputs)
                    self.losses.append(loss)
                    graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        for update in self.updates[n_updates:]:
            graph.add_to_collection(GraphKeys.UPDATE_OPS, update)
        return outputs

    apply = __call__

    def __repr__(self):
        return "<tf.layers.%s %r>" % (type(self).__name__, self.name)


# ------------------------------------------------------------------------------- Dense

class Dense(Layer):
    """``tf.layers.Dense``: ``outputs = activation(inputs @ kernel + bias)``.

    ``kernel`` has shape ``(in_features, units)`` (default initializer: Glorot uniform, as
    ``tf.get_variable``'s), ``bias`` ``(units,)`` (default zeros). Inputs of rank > 2 are
    multiplied along their last axis.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.kernel = self.bias = None

    def build(self, input_shape):
        __tracebackhide__ = True
        if input_shape.ndims is None or input_shape[-1] is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        self.kernel = self.add_weight("kernel", [input_shape[-1], self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.units], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def call(self, inputs):
        if inputs.shape.ndims > 2:
            # (..., in) -> (N, in) @ (in, units) -> (..., units)
            flat = reshape(inputs, [-1, self.kernel.shape[0]])
            out = math_ops.matmul(flat, self.kernel)
            if inputs.shape.is_fully_defined():
                target = inputs.shape.as_list()[:-1] + [self.units]
            else:
                target = concat([shape(inputs)[:-1], constant([self.units])], 0)
            outputs = reshape(out, target)
            outputs.set_shape(inputs.shape[:-1].concatenate([self.units]))
        else:
            outputs = math_ops.matmul(inputs, self.kernel)
        if self.use_bias:
            outputs = conv_ops.bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          trainable=True, name=None, reuse=None):
    """``tf.layers.dense``: a fully connected layer, ``activation(inputs @ kernel + bias)``.

    Args:
      inputs: a tensor ``(N, in_features)`` (or more axes; the last one is multiplied).
      units: the number of output features.
      activation: e.g. ``tf.nn.relu``; None for a linear layer.
      use_bias: add the ``bias`` variable.
      kernel_initializer: default None, which means ``tf.get_variable``'s default: Glorot
        uniform.
      bias_initializer: default ``tf.zeros_initializer()``.
      kernel_regularizer, bias_regularizer, activity_regularizer: functions returning a scalar
        loss, put in ``GraphKeys.REGULARIZATION_LOSSES``.
      kernel_constraint, bias_constraint: projections a ``tf.train`` optimizer applies to the
        variable after each update (see ``tf.Variable``'s ``constraint``).
      trainable: put the variables in ``GraphKeys.TRAINABLE_VARIABLES``.
      name: the variable scope; default ``dense``, made unique (``dense_1``...).
      reuse: reuse the variables of an earlier layer of the same ``name``.

    Returns:
      The output tensor ``(N, units)``.
    """
    __tracebackhide__ = True
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer,
                  kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                  trainable=trainable, name=name, _scope=name, _reuse=reuse)
    return layer.apply(inputs)


# ------------------------------------------------------------------ Conv2D and pooling

def normalize_pair(value, name):
    """An int or a pair of ints as a pair: ``3`` -> ``(3, 3)`` (kernel sizes, strides)."""
    if isinstance(value, (int, np.integer)):
        return (int(value), int(value))
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise ValueError("The `%s` argument must be a tuple of 2 integers. Received: %s"
                         % (name, value))
    return value


def normalize_padding(padding):
    """``"valid"``/``"same"`` (any case) as TF's ``"VALID"``/``"SAME"``."""
    p = str(padding).upper()
    if p not in ("VALID", "SAME"):
        raise ValueError("The `padding` argument must be one of \"valid\", \"same\". "
                         "Received: %s" % (padding,))
    return p


def normalize_data_format(data_format):
    """``"channels_last"`` (NHWC) or ``"channels_first"`` (NCHW) as TF's op attribute."""
    formats = {"channels_last": "NHWC", "channels_first": "NCHW"}
    if data_format not in formats:
        raise ValueError("The `data_format` argument must be one of \"channels_first\", "
                         "\"channels_last\". Received: %s" % (data_format,))
    return formats[data_format]


class Conv2D(Layer):
    """``tf.layers.Conv2D``: ``outputs = activation(conv2d(inputs, kernel) + bias)``.

    ``kernel`` has shape ``(kernel height, kernel width, input channels, filters)`` (default
    initializer: Glorot uniform, as ``tf.get_variable``'s), ``bias`` ``(filters,)`` (zeros).
    Inputs are ``(N, H, W, C)`` (``data_format="channels_last"``) or ``(N, C, H, W)``.
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.filters = int(filters)
        self.kernel_size = normalize_pair(kernel_size, "kernel_size")
        self.strides = normalize_pair(strides, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)
        self.dilation_rate = normalize_pair(dilation_rate, "dilation_rate")
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.kernel = self.bias = None

    def build(self, input_shape):
        __tracebackhide__ = True
        channel_axis = -1 if self.data_format == "NHWC" else 1
        if input_shape.ndims != 4 or input_shape[channel_axis] is None:
            raise ValueError("The channel dimension of the inputs should be defined, and the "
                             "inputs 4-dimensional (a batch of images). Found %s."
                             % input_shape)
        shape = list(self.kernel_size) + [input_shape[channel_axis], self.filters]
        self.kernel = self.add_weight("kernel", shape, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.filters],
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def call(self, inputs):
        # (height, width) pairs: conv2d makes them its 4-entry attributes in data_format
        outputs = conv_ops.conv2d(inputs, self.kernel, self.strides, self.padding,
                                  data_format=self.data_format, dilations=self.dilation_rate)
        if self.use_bias:
            outputs = conv_ops.bias_add(outputs, self.bias, data_format=self.data_format)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=zeros_initializer(),
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """``tf.layers.conv2d``: a 2-D convolution layer, ``activation(conv2d(inputs, kernel) +
    bias)``.

    Args:
      inputs: a batch of images, ``(N, H, W, C)``.
      filters: the number of output channels.
      kernel_size: the window, an int or ``(height, width)``.
      strides: an int or ``(height, width)`` (default 1).
      padding: ``"valid"`` (the default: the output shrinks) or ``"same"``.
      data_format: ``"channels_last"`` (NHWC) or ``"channels_first"`` (NCHW).
      dilation_rate: an int or ``(height, width)``: the filter's taps that far apart.
      activation: e.g. ``tf.nn.relu``; None for none.
      kernel_initializer: default None: ``tf.get_variable``'s default, Glorot uniform.
      kernel_constraint, bias_constraint: projections applied after each optimizer update.
      name: the variable scope; default ``conv2d``, made unique. reuse: share the variables
        of an earlier layer of the same name.

    Returns:
      The output images; variables ``conv2d/kernel`` ``(kh, kw, C, filters)`` and
      ``conv2d/bias`` ``(filters,)``.
    """
    __tracebackhide__ = True
    layer = Conv2D(filters, kernel_size, strides=strides, padding=padding,
                   data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                   use_bias=use_bias, kernel_initializer=kernel_initializer,
                   bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                   bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                   kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                   trainable=trainable, name=name, _scope=name, _reuse=reuse)
    return layer.apply(inputs)


class _Pooling2D(Layer):
    """Base of the pooling layers: ``pool_size`` and ``strides`` are ints or pairs."""

    pool = None  # the conv_ops function

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = normalize_pair(pool_size, "pool_size")
        self.strides = normalize_pair(strides, "strides")
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)

    def call(self, inputs):
        pool = type(self).pool
        return pool(inputs, self.pool_size, self.strides, self.padding,
                    data_format=self.data_format)


class MaxPooling2D(_Pooling2D):
    """``tf.layers.MaxPooling2D``: the largest value of each ``pool_size`` window."""
    pool = staticmethod(conv_ops.max_pool)


class AveragePooling2D(_Pooling2D):
    """``tf.layers.AveragePooling2D``: the mean of each ``pool_size`` window (with
    ``"same"`` padding, of the window's values inside the image)."""
    pool = staticmethod(conv_ops.avg_pool)


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """``tf.layers.max_pooling2d``: the largest value of each ``pool_size`` window (an int or
    ``(height, width)``), moving ``strides``; no variables."""
    __tracebackhide__ = True
    return MaxPooling2D(pool_size, strides, padding=padding, data_format=data_format,
                        name=name).apply(inputs)


def average_pooling2d(inputs, pool_size, strides, padding="valid",
                      data_format="channels_last", name=None):
    """``tf.layers.average_pooling2d``: the mean of each ``pool_size`` window, moving
    ``strides``; no variables."""
    __tracebackhide__ = True
    return AveragePooling2D(pool_size, strides, padding=padding, data_format=data_format,
                            name=name).apply(inputs)


# ----------------------------------------------------------------------------- Dropout

class Dropout(Layer):
    """``tf.layers.Dropout``: when training, zero each input with probability ``rate`` and
    scale the rest by ``1 / (1 - rate)``; otherwise pass the input through.

    ``training`` is a Python bool, or a bool tensor (e.g. a placeholder) deciding at run
    time; then both results are built and ``tf.where`` picks one (TF1 uses ``tf.cond``,
    which would run only one of them: the numbers are the same).
    """

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs, training=False):
        known = _static_bool(training)
        if known is False:
            return identity(inputs)
        dropped = _dropout(inputs, 1 - self.rate, noise_shape=self.noise_shape, seed=self.seed)
        if known is True:
            return dropped
        return _run_time_choice(training, dropped, identity(inputs))


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """``tf.layers.dropout``: dropout applied only when ``training`` is true.

    Args:
      inputs: a float tensor.
      rate: the fraction of inputs zeroed (note: TF1's ``tf.nn.dropout`` takes ``keep_prob``
        instead, which is ``1 - rate``).
      noise_shape: the shape of the random keep/drop mask (default: the input's).
      seed: op seed of the random mask.
      training: a Python bool, or a bool tensor decided at run time. The default is False:
        a forgotten ``training=True`` silently turns dropout off.

    Returns:
      ``inputs / keep_prob * floor(keep_prob + uniform)`` when training, else ``inputs``.
    """
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer.apply(inputs, training=training)


# ----------------------------------------------------------------------------- Flatten

class Flatten(Layer):
    """``tf.layers.Flatten``: ``(N, d1, d2, ...)`` -> ``(N, d1 * d2 * ...)``."""

    def call(self, inputs):
        dims = inputs.shape
        rest = dims[1:]
        if dims.ndims is not None and rest.is_fully_defined():
            n = int(np.prod(rest.as_list()))
            return reshape(inputs, [-1 if dims[0] is None else dims[0], n])
        batch = dims[0] if dims[0] is not None else shape(inputs)[0]
        outputs = reshape(inputs, stack([batch, -1]))
        outputs.set_shape([dims[0], None])
        return outputs


def flatten(inputs, name=None):
    """``tf.layers.flatten``: keep the first (batch) axis, merge all the others."""
    return Flatten(name=name).apply(inputs)


# -------------------------------------------------------------------- BatchNormalization

class BatchNormalization(Layer):
    """``tf.layers.BatchNormalization``: normalize each feature, then scale and shift it.

    ``outputs = gamma * (inputs - mean) / sqrt(variance + epsilon) + beta``, where (mean,
    variance) are those of the batch (biased variance, over every axis but ``axis``) when
    ``training`` is true, and the moving averages ``moving_mean``, ``moving_variance`` when
    it is false. Each training call also builds two update ops,

        moving_mean     <- moving_mean     - (moving_mean     - batch_mean)     * (1 - momentum)
        moving_variance <- moving_variance - (moving_variance - batch_variance) * (1 - momentum)

    (that is ``moving * momentum + batch * (1 - momentum)``) as ``AssignSub`` ops, added to
    ``layer.updates`` and ``GraphKeys.UPDATE_OPS`` but **not** run by fetching the output.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=zeros_initializer(), gamma_initializer=ones_initializer(),
                 moving_mean_initializer=zeros_initializer(),
                 moving_variance_initializer=ones_initializer(), beta_regularizer=None,
                 gamma_regularizer=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        self.momentum = momentum
        self.epsilon = epsilon
        self.center, self.scale = center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape):
        ndims = input_shape.ndims
        if ndims is None:
            raise ValueError("Input has undefined rank: %s" % input_shape)
        self.axis = sorted({a % ndims for a in self.axis})
        for a in self.axis:
            if input_shape[a] is None:
                raise ValueError("Input has undefined `axis` dimension. Input shape: %s"
                                 % input_shape)
        if len(self.axis) == 1:
            param_shape = [input_shape[self.axis[0]]]
        else:  # several axes: parameters keep the input's rank, 1 on the reduced axes
            param_shape = [input_shape[i] if i in self.axis else 1 for i in range(ndims)]
        if self.dtype == dtypes.float16:
            self.dtype = dtypes.float32
        if self.scale:
            self.gamma = self.add_weight("gamma", param_shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer)
        if self.center:
            self.beta = self.add_weight("beta", param_shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer)
        self.moving_mean = self.add_weight("moving_mean", param_shape,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", param_shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)

    def _assign_moving_average(self, variable, value):
        """variable <- variable - (variable - value) * (1 - momentum), as TF1 writes it."""
        with get_default_graph().name_scope("AssignMovingAvg") as scope:
            decay = constant(1.0 - self.momentum, dtype=variable.dtype, name="decay")
            update_delta = (variable - value) * decay
            return variable.assign_sub(update_delta, name=scope)

    def call(self, inputs, training=False):
        ndims = inputs.shape.ndims
        reduction_axes = [i for i in range(ndims) if i not in self.axis]
        broadcast_shape = [1] * ndims
        broadcast_shape[self.axis[0]] = inputs.shape[self.axis[0]]

        def _broadcast(v):
            # a (C,) vector for a feature axis that is not the last: reshape to (1, C, 1, 1)
            if v is not None and v.shape.ndims != ndims and \
                    reduction_axes != list(range(ndims - 1)):
                return reshape(v, broadcast_shape)
            return v

        known = _static_bool(training)
        moving_mean, moving_variance = self.moving_mean.value(), self.moving_variance.value()
        if known is False:
            mean, variance = moving_mean, moving_variance
        else:
            mean, variance = moments(math_ops.cast(inputs, self.dtype), reduction_axes,
                                     keep_dims=len(self.axis) > 1)
            if known is None:   # decided at run time
                mean = _run_time_choice(training, mean, moving_mean)
                variance = _run_time_choice(training, variance, moving_variance)
            # when training is false at run time, mean is the moving mean: the update adds 0
            self.updates.append(self._assign_moving_average(self.moving_mean, mean))
            self.updates.append(self._assign_moving_average(self.moving_variance, variance))
        return _batch_normalization(inputs, _broadcast(mean), _broadcast(variance),
                                    _broadcast(None if self.beta is None else self.beta.value()),
                                    _broadcast(None if self.gamma is None else self.gamma.value()),
                                    self.epsilon)


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=zeros_initializer(), gamma_initializer=ones_initializer(),
                        moving_mean_initializer=zeros_initializer(),
                        moving_variance_initializer=ones_initializer(), beta_regularizer=None,
                        gamma_regularizer=None, training=False, trainable=True, name=None,
                        reuse=None):
    """``tf.layers.batch_normalization``: see :class:`BatchNormalization`.

    Creates ``batch_normalization/gamma`` (scale, ones), ``beta`` (offset, zeros) and the
    non-trainable ``moving_mean`` (zeros) and ``moving_variance`` (ones).

    Args:
      inputs: a float tensor, e.g. ``(N, D)``.
      axis: the feature axis (or axes) that keeps its own statistics; -1 for ``(N, D)``.
      momentum: how slowly the moving averages move (0.99: an average over ~100 batches).
      epsilon: added to the variance before the square root.
      center, scale: create and use ``beta``, ``gamma``.
      training: a Python bool or a bool tensor: batch statistics (and build the moving-
        average updates) if true, moving averages if false. The default, False, is a trap
        when training.

    Returns:
      The normalized tensor, of the input's shape. Remember to run
      ``tf.get_collection(tf.GraphKeys.UPDATE_OPS)`` with the train op.
    """
    layer = BatchNormalization(axis=axis, momentum=momentum, epsilon=epsilon, center=center,
                               scale=scale, beta_initializer=beta_initializer,
                               gamma_initializer=gamma_initializer,
                               moving_mean_initializer=moving_mean_initializer,
                               moving_variance_initializer=moving_variance_initializer,
                               beta_regularizer=beta_regularizer,
                               gamma_regularizer=gamma_regularizer, trainable=trainable,
                               name=name, _scope=name, _reuse=reuse)
    return layer.apply(inputs, training=training)
