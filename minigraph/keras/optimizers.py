"""``tf.keras.optimizers``: SGD, Adam, RMSprop, Adagrad and Adadelta with Keras 2.2's update
equations.

They are ``tf.train.Optimizer`` subclasses (``minigraph/train/optimizer.py``): ``minimize``
builds ``tf.gradients`` and one update per weight out of assign ops, grouped into ONE train
op named after the optimizer (``SGD``, ``Adam``...), which the model fetches every batch.
What is Keras's and not TF1's is the math of each update, written out per class below.
Where the two differ, Keras's is used:

* ``RMSprop`` and ``Adagrad`` start their accumulators at zero and add ``epsilon`` OUTSIDE
  the square root (TF1's ``RMSPropOptimizer`` starts at one, ``AdagradOptimizer`` at 0.1,
  with no epsilon or epsilon inside);
* ``epsilon`` defaults to ``K.epsilon() = 1e-7`` (TF1's Adam: 1e-8);
* ``SGD`` with momentum keeps a velocity ``v = momentum * v - lr * g`` and adds it.

``Adadelta`` is the exception: its math is the same in Keras 2.2 and TF1, and it is built on
TF1's fused ``ApplyAdadelta`` op as tf.keras builds it (``ResourceApplyAdadelta``), with
tf.keras's defaults (see the class).

Every Keras optimizer counts its steps in a non-trainable int64 variable ``iterations``
(``SGD/iterations``), added to after each step; Adam's bias correction and the optional
learning-rate ``decay`` (``lr / (1 + decay * iterations)``) read it. Hyperparameters are
constants in the graph. ``lr=`` is Keras 1's (and 2.2's) spelling of ``learning_rate=``: it
still works, with a DeprecationWarning.
"""

from minigraph import dtypes
from minigraph.graph import get_default_graph
from minigraph.keras import backend
from minigraph.keras.utils import rename_legacy_argument
from minigraph.ops.constant_op import constant
from minigraph.ops.control_flow_ops import group
from minigraph.ops.math_ops import cast, pow, sqrt, square  # noqa: A004
from minigraph.ops.training_ops import apply_adadelta
from minigraph.train import optimizer as _tf_optimizer

__all__ = ["Optimizer", "SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "get"]


def _learning_rate(kwargs, learning_rate, where, default):
    """The learning rate given as ``learning_rate`` or (Keras 1 and 2.0-2.2) ``lr``, else the
    optimizer's default."""
    kwargs["learning_rate"] = learning_rate
    rename_legacy_argument(kwargs, "lr", "learning_rate", where, stacklevel=4)
    learning_rate = kwargs.pop("learning_rate")
    return default if learning_rate is None else learning_rate


def _epsilon(epsilon):
    """The fuzz factor: Keras's global ``backend.epsilon()`` unless one is given."""
    return backend.epsilon() if epsilon is None else float(epsilon)


class Optimizer(_tf_optimizer.Optimizer):
    """Base class of the Keras optimizers (``keras.optimizers.Optimizer``).

    A subclass gives its defaults, names its hyperparameters in ``_config`` (what
    ``get_config`` reports besides the learning rate and decay), and writes
    ``_apply_dense(grad, var)`` with ``self._lr_t(dtype)`` (the learning rate after decay)
    and ``self._iterations``.
    """

    _config = ()

    def __init__(self, name, learning_rate, decay=0.0, kwargs=None):
        kwargs = dict(kwargs or {})
        kwargs.pop("name", None)
        if kwargs:
            raise TypeError("Unexpected keyword argument(s) passed to optimizer %s: %s"
                            % (name, ", ".join(sorted(kwargs))))
        super().__init__(False, name)
        self.learning_rate = float(learning_rate)
        self.decay = float(decay)
        self._last_iterations = None

    @property
    def lr(self):
        """Keras 2.2's name of ``learning_rate``."""
        return self.learning_rate

    # -- Keras's entry point ------------------------------------------------------------------
    def get_updates(self, loss, params):
        """``optimizer.get_updates(loss, params)``: the list of update ops for one step of
        ``params`` down the gradient of ``loss`` (here: one grouped train op)."""
        return [self.minimize(loss, var_list=params)]

    def get_config(self):
        config = {"learning_rate": self.learning_rate, "decay": self.decay}
        config.update((name, getattr(self, name)) for name in self._config)
        return config

    # -- the hooks of tf.train.Optimizer ----------------------------------------------------
    def _create_slots(self, var_list):
        # the step counter, one per graph, created once as <Name>/iterations
        graph = var_list[0].graph
        with graph.name_scope(self._name + "/"):
            self._last_iterations = self._create_non_slot_variable(
                lambda: constant(0, dtype=dtypes.int64), "iterations", var_list[0])

    @property
    def _iterations(self):
        return self._get_non_slot_variable("iterations", get_default_graph())

    @property
    def iterations(self):
        """The ``iterations`` variable (steps taken) in the default graph, else in the
        graph this optimizer was last used in (None before the first ``fit``)."""
        return self._iterations or self._last_iterations

    def _lr_t(self, dtype):
        lr = constant(self.learning_rate, dtype=dtype, name="lr")
        if self.decay > 0:
            # lr / (1 + decay * iterations), iterations counting the steps already taken
            lr = lr / (1.0 + self.decay * cast(self._iterations, dtype))
        return lr

    def _finish(self, update_ops, name_scope):
        # after every weight's update: iterations += 1
        graph = update_ops[0].graph
        with graph.control_dependencies(update_ops):
            step = self._iterations.assign_add(1, read_value=False)
        return group(*(list(update_ops) + [step]), name=name_scope)

    def __repr__(self):
        args = ", ".join("%s=%g" % kv for kv in self.get_config().items()
                         if isinstance(kv[1], float))
        return "<keras.optimizers.%s %s>" % (type(self).__name__, args)


class SGD(Optimizer):
    """``keras.optimizers.SGD``: stochastic gradient descent, with optional momentum::

        v <- momentum * v - lr * g                  (v starts at 0; no v if momentum is 0)
        w <- w + v                                  (nesterov=False)
        w <- w + momentum * v - lr * g              (nesterov=True)

    With ``momentum=0`` this is ``w <- w - lr * g``, the lecture's update.

    Args:
      learning_rate: the step size (default 0.01; Keras 1 and 2.0-2.2 spelling: ``lr``).
      momentum: 0 for plain SGD, e.g. 0.9 for heavy-ball momentum.
      decay: learning-rate decay per step (see the module docstring).
      nesterov: use Nesterov momentum.
    """

    _config = ("momentum", "nesterov")

    def __init__(self, learning_rate=None, momentum=0.0, decay=0.0, nesterov=False, **kwargs):
        learning_rate = _learning_rate(kwargs, learning_rate, "SGD", 0.01)
        super().__init__("SGD", learning_rate, decay, kwargs)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def _create_slots(self, var_list):
        super()._create_slots(var_list)
        if self.momentum:
            for v in var_list:
                self._zeros_slot(v, "momentum", self._name)

    def _apply_dense(self, grad, var):
        lr = self._lr_t(var.dtype)
        if not self.momentum:
            return var.assign_sub(lr * grad, read_value=False)            # w -= lr * g
        velocity = self.get_slot(var, "momentum")
        mu = constant(self.momentum, dtype=var.dtype, name="momentum")
        v_t = velocity.assign(mu * velocity - lr * grad)                 # the NEW velocity
        step = mu * v_t - lr * grad if self.nesterov else v_t
        return var.assign_add(step, read_value=False)


class Adam(Optimizer):
    """``keras.optimizers.Adam`` (Kingma and Ba, 2015), Keras 2.2's equations. At step
    ``t = iterations + 1``::

        lr_t <- lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
        m    <- beta_1 * m + (1 - beta_1) * g
        v    <- beta_2 * v + (1 - beta_2) * g^2
        w    <- w - lr_t * m / (sqrt(v) + epsilon)

    (``m``, ``v`` on the last line are the new values; both start at 0.) The same numbers as
    ``tf.train.AdamOptimizer``, which keeps ``beta^t`` in variables instead of computing
    ``pow``. Defaults: ``learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7``
    (Keras 2.2's ``epsilon=None`` means ``K.epsilon()``, 1e-7).
    """

    _config = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=None, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0,
                 **kwargs):
        learning_rate = _learning_rate(kwargs, learning_rate, "Adam", 0.001)
        super().__init__("Adam", learning_rate, decay, kwargs)
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = _epsilon(epsilon)

    def _create_slots(self, var_list):
        super()._create_slots(var_list)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _apply_dense(self, grad, var):
        dtype = var.dtype
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        beta_1 = constant(self.beta_1, dtype=dtype, name="beta_1")
        beta_2 = constant(self.beta_2, dtype=dtype, name="beta_2")
        t = cast(self._iterations, dtype) + 1.0
        lr_t = self._lr_t(dtype) * sqrt(1.0 - pow(beta_2, t)) / (1.0 - pow(beta_1, t))
        m_t = m.assign(beta_1 * m + (1.0 - beta_1) * grad)                 # the NEW m
        v_t = v.assign(beta_2 * v + (1.0 - beta_2) * square(grad))         # the NEW v
        return var.assign_sub(lr_t * m_t / (sqrt(v_t) + self.epsilon), read_value=False)


class RMSprop(Optimizer):
    """``keras.optimizers.RMSprop`` (Hinton's lecture 6e), Keras 2.2's equations::

        a <- rho * a + (1 - rho) * g^2          (a starts at 0)
        w <- w - lr * g / (sqrt(a) + epsilon)

    Defaults: ``learning_rate=0.001, rho=0.9, epsilon=1e-7``.
    """

    _config = ("rho", "epsilon")

    def __init__(self, learning_rate=None, rho=0.9, epsilon=None, decay=0.0, **kwargs):
        learning_rate = _learning_rate(kwargs, learning_rate, "RMSprop", 0.001)
        super().__init__("RMSprop", learning_rate, decay, kwargs)
        self.rho = float(rho)
        self.epsilon = _epsilon(epsilon)

    def _create_slots(self, var_list):
        super()._create_slots(var_list)
        for v in var_list:
            self._zeros_slot(v, "accumulator", self._name)

    def _apply_dense(self, grad, var):
        a = self.get_slot(var, "accumulator")
        rho = constant(self.rho, dtype=var.dtype, name="rho")
        a_t = a.assign(rho * a + (1.0 - rho) * square(grad))             # the NEW a
        step = self._lr_t(var.dtype) * grad / (sqrt(a_t) + self.epsilon)
        return var.assign_sub(step, read_value=False)


class Adagrad(Optimizer):
    """``keras.optimizers.Adagrad``, Keras 2.2's equations::

        a <- a + g^2                            (a starts at 0)
        w <- w - lr * g / (sqrt(a) + epsilon)

    Defaults: ``learning_rate=0.01, epsilon=1e-7``.
    """

    _config = ("epsilon",)

    def __init__(self, learning_rate=None, epsilon=None, decay=0.0, **kwargs):
        learning_rate = _learning_rate(kwargs, learning_rate, "Adagrad", 0.01)
        super().__init__("Adagrad", learning_rate, decay, kwargs)
        self.epsilon = _epsilon(epsilon)

    def _create_slots(self, var_list):
        super()._create_slots(var_list)
        for v in var_list:
            self._zeros_slot(v, "accumulator", self._name)

    def _apply_dense(self, grad, var):
        a = self.get_slot(var, "accumulator")
        a_t = a.assign_add(square(grad))                                  # the NEW a
        step = self._lr_t(var.dtype) * grad / (sqrt(a_t) + self.epsilon)
        return var.assign_sub(step, read_value=False)


class Adadelta(Optimizer):
    """``keras.optimizers.Adadelta`` (Zeiler, 2012)::

        a <- rho * a + (1 - rho) * g^2                           (a, d start at 0)
        u <- sqrt(d + epsilon) / sqrt(a + epsilon) * g
        d <- rho * d + (1 - rho) * u^2
        w <- w - lr * u

    one fused ``ApplyAdadelta`` op per weight (TF1's kernel; slots ``accum_grad`` for ``a``
    and ``accum_var`` for ``d``, as tf.keras names them, in the variables
    ``<weight>/Adadelta`` and ``<weight>/Adadelta_1``). Defaults: those of TF1's
    ``tf.keras.optimizers.Adadelta`` (TF 1.13 to 2.x): ``learning_rate=0.001, rho=0.95,
    epsilon=1e-7``. Standalone Keras 2.2 had ``lr=1.0`` (the paper's Adadelta has no
    learning rate): pass ``learning_rate=1.0`` for that.
    """

    _config = ("rho", "epsilon")

    def __init__(self, learning_rate=None, rho=0.95, epsilon=None, decay=0.0, **kwargs):
        learning_rate = _learning_rate(kwargs, learning_rate, "Adadelta", 0.001)
        super().__init__("Adadelta", learning_rate, decay, kwargs)
        self.rho = float(rho)
        self.epsilon = _epsilon(epsilon)

    def _create_slots(self, var_list):
        super()._create_slots(var_list)
        for v in var_list:
            self._zeros_slot(v, "accum_grad", self._name)
            self._zeros_slot(v, "accum_var", self._name)

    def _apply_dense(self, grad, var):
        dtype = var.dtype
        return apply_adadelta(var, self.get_slot(var, "accum_grad"),
                              self.get_slot(var, "accum_var"), self._lr_t(dtype),
                              constant(self.rho, dtype=dtype, name="rho"),
                              constant(self.epsilon, dtype=dtype, name="epsilon"), grad).op


_BY_NAME = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad,
            "adadelta": Adadelta}


def get(identifier):
    """``keras.optimizers.get``: an optimizer from a name (``"sgd"``, ``"adam"``,
    ``"rmsprop"``, ``"adagrad"``, ``"adadelta"``: Keras's defaults) or an optimizer object (a Keras one, or
    any ``tf.train.Optimizer``, e.g. ``tf.train.GradientDescentOptimizer(0.1)``)."""
    if isinstance(identifier, _tf_optimizer.Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ValueError("Could not interpret optimizer identifier: %r (known names: %s)"
                     % (identifier, ", ".join(sorted(_BY_NAME))))
