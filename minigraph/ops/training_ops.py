"""TF1's fused update ops: one op takes one optimizer step of one variable.

``tf.train.AdamOptimizer().minimize(loss)`` does not build Adam's arithmetic out of ``Mul``
and ``Assign`` ops: for each variable it adds ONE op, ``Adam/update_w/ApplyAdam``, that takes
the variable itself and its slots (``w/Adam``, ``w/Adam_1``) as *ref* inputs (see
``OpDef.ref_inputs``), the hyperparameters and the gradient as values, and when it runs
writes the new ``m``, ``v`` and ``w`` into the session. Its output is the variable's new
value. The math is written at the top of each class below (the stepper and the drawing show
those lines), in the order TF's CPU kernel (``training_ops.cc``) computes it, in the
variable's dtype, so that minigraph's numbers are TF1's: float32 stays float32 throughout.

Like every update, such an op runs only when a fetch reaches it, reads each variable it
writes from the session (an uninitialized one is TF1's ``FailedPreconditionError``) and stores
new arrays, never writing into an array someone may hold. These ops have no gradient.
"""

import functools

import numpy as np

from minigraph.errors import InvalidArgumentError
from minigraph.op_def import OpDef, quiet, register
from minigraph.ops._util import make
from minigraph.ops.state_ops import Ref, ref_of

__all__ = ["apply_gradient_descent", "apply_momentum", "apply_adam", "apply_adagrad",
           "apply_adadelta", "apply_rms_prop", "apply_centered_rms_prop", "update_math"]


def update_math(opdef):
    """The lines of math at the top of an op class's docstring (its first paragraph): what
    the stepper and the drawing show for an update op."""
    doc = (opdef.__doc__ or "").strip()
    return doc.split("\n\n")[0].rstrip() if doc else ""


class _ApplyOp(OpDef):
    """Base of the fused updates: inputs are ``input_names`` in TF1's order, the variables
    first (``ref_inputs``); ``forward`` takes the variables' current arrays followed by the
    other inputs' values and returns the new arrays of the variables, in the same order."""
    kind = "assign"
    stateful = True
    differentiable = False
    writes_refs = True
    #: TF1's names of the inputs, in order
    input_names = ()
    #: the inputs that must be scalars (hyperparameters)
    scalar_inputs = ()

    @classmethod
    def _shaped_inputs(cls):
        """The inputs that must have the variable's shape: its slots and the gradient."""
        return [i for i in range(len(cls.input_names)) if i not in cls.scalar_inputs]

    @classmethod
    def infer(cls, inputs, attrs):
        names = cls.input_names
        if len(inputs) != len(names):
            raise TypeError("%s takes %d inputs (%s), got %d"
                            % (cls.type, len(names), ", ".join(names), len(inputs)))
        var = inputs[0]
        for i in cls.ref_inputs:
            t = inputs[i]
            if t.op.type != "VariableV2":
                raise TypeError("Input '%s' of %s must be a variable (a VariableV2 output), "
                                "got %s from a %s op" % (names[i], cls.type, t.name, t.op.type))
        if not var.dtype.is_floating:
            raise TypeError("%s updates floating point variables; variable '%s' is %s"
                            % (cls.type, var.op.name, var.dtype.name))
        for name, t in zip(names[1:], inputs[1:]):
            if t.dtype != var.dtype:
                raise TypeError("Input '%s' of %s has type %s that does not match type %s of "
                                "argument 'var' (variable '%s')"
                                % (name, cls.type, t.dtype.name, var.dtype.name, var.op.name))
        shape = var.shape
        for i in cls._shaped_inputs()[1:]:
            t = inputs[i]
            if not shape.is_compatible_with(t.shape):
                raise ValueError("%s: '%s' has shape %s but 'var' (variable '%s') has shape %s:"
                                 " they must be equal" % (cls.type, names[i], t.shape.bracketed(),
                                                          var.op.name, shape.bracketed()))
            shape = shape.merge_with(t.shape)
        for i in cls.scalar_inputs:
            t = inputs[i]
            if t.shape.ndims not in (None, 0):
                raise ValueError("%s: '%s' must be a scalar, but has shape %s"
                                 % (cls.type, names[i], t.shape.bracketed()))
        return shape, var.dtype

    @classmethod
    def make_kernel(cls, op, state):
        store = state.variables
        refs = [Ref(op.inputs[i].op, store) for i in cls.ref_inputs]
        # use_locking is TF1's attribute for concurrent runs: minigraph runs one op at a time
        attrs = {k: v for k, v in op.attrs.items() if k != "use_locking"}
        forward = functools.partial(cls.forward, **attrs) if attrs else cls.forward

        def apply(*values):
            __tracebackhide__ = True  # the error names the variable; this frame adds nothing
            arrays = [r.value() for r in refs] + list(values)
            cls._check(op, arrays)
            # new arrays, not in place: values read earlier in this run stay as they were
            new = forward(*arrays)
            for r, value in zip(refs, new):
                store[r.variable] = value
            return new[0]
        return apply

    @classmethod
    def _check(cls, op, arrays):
        """TF1's run-time checks: the slots and the gradient have the variable's shape, the
        hyperparameters are scalars."""
        names = cls.input_names
        var_shape = np.shape(arrays[0])
        for i in cls._shaped_inputs()[1:]:
            if np.shape(arrays[i]) != var_shape:
                raise InvalidArgumentError(
                    op.name, op, "%s %s: var and %s do not have the same shape: %s %s "
                    "(variable %s)" % (cls.type, op.name, names[i], list(var_shape),
                                       list(np.shape(arrays[i])), op.inputs[0].op.name))
        for i in cls.scalar_inputs:
            if np.ndim(arrays[i]) != 0:
                raise InvalidArgumentError(
                    op.name, op, "%s %s: %s is not a scalar: %s"
                    % (cls.type, op.name, names[i], list(np.shape(arrays[i]))))


def _one(x):
    """1 in the dtype of ``x`` (so ``1 - rho`` stays float32 for float32 inputs)."""
    return np.ones((), dtype=np.asarray(x).dtype)


# ------------------------------------------------------------------------- the rules

@register
class ApplyGradientDescent(_ApplyOp):
    """var <- var - alpha * delta

    Plain gradient descent (``tf.train.GradientDescentOptimizer``): ``alpha`` is the
    learning rate, ``delta`` the gradient. Inputs ``(var, alpha, delta)``; output: the new
    value of ``var``.
    """
    input_names = ("var", "alpha", "delta")
    ref_inputs = (0,)
    scalar_inputs = (1,)

    @staticmethod
    def forward(var, alpha, delta):
        return (var - delta * alpha,)


@register
class ApplyMomentum(_ApplyOp):
    """accum <- accum * momentum + grad
    var   <- var - lr * accum                                  (use_nesterov=False)
    var   <- var - (grad * lr + accum * momentum * lr)         (use_nesterov=True)

    Momentum (``tf.train.MomentumOptimizer``): ``accum``, the slot ``<var>/Momentum``, sums
    the raw gradients, decayed by ``momentum``; the learning rate scales it when the
    variable moves. Inputs ``(var, accum, lr, grad, momentum)``; output: the new ``var``.
    """
    input_names = ("var", "accum", "lr", "grad", "momentum")
    ref_inputs = (0, 1)
    scalar_inputs = (2, 4)

    @staticmethod
    def forward(var, accum, lr, grad, momentum, use_nesterov=False):
        accum = accum * momentum + grad
        if use_nesterov:
            var = var - (grad * lr + accum * momentum * lr)
        else:
            var = var - accum * lr
        return var, accum


@register
class ApplyAdam(_ApplyOp):
    """lr_t <- lr * sqrt(1 - beta2_power) / (1 - beta1_power)
    m    <- m + (grad - m) * (1 - beta1)
    v    <- v + (grad * grad - v) * (1 - beta2)
    var  <- var - m * lr_t / (sqrt(v) + epsilon)

    Adam (``tf.train.AdamOptimizer``): ``m`` and ``v`` (slots ``<var>/Adam`` and
    ``<var>/Adam_1``) are running means of the gradient and of its square;
    ``beta1_power = beta1^t`` and ``beta2_power = beta2^t`` correct their bias toward 0 at
    step t. ``m + (grad - m) * (1 - beta1)`` is ``beta1 * m + (1 - beta1) * grad`` as TF's
    kernel computes it. With ``use_nesterov``:
    ``var <- var - (grad * (1 - beta1) + beta1 * m) * lr_t / (sqrt(v) + epsilon)``.
    Inputs ``(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad)``;
    output: the new ``var``.
    """
    input_names = ("var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1", "beta2",
                   "epsilon", "grad")
    ref_inputs = (0, 1, 2)
    scalar_inputs = (3, 4, 5, 6, 7, 8)

    @staticmethod
    @quiet
    def forward(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
                use_nesterov=False):
        one = _one(var)
        lr_t = lr * np.sqrt(one - beta2_power) / (one - beta1_power)   # one scalar
        m = m + (grad - m) * (one - beta1)
        v = v + (grad * grad - v) * (one - beta2)
        if use_nesterov:
            step = ((grad * (one - beta1) + beta1 * m) * lr_t) / (np.sqrt(v) + epsilon)
        else:
            step = (m * lr_t) / (np.sqrt(v) + epsilon)
        return var - step, m, v


@register
class ApplyAdagrad(_ApplyOp):
    """accum <- accum + grad * grad
    var   <- var - grad * lr / sqrt(accum)

    Adagrad (``tf.train.AdagradOptimizer``): ``accum``, the slot ``<var>/Adagrad``, adds up
    the squared gradients, so each coordinate's step shrinks as it accumulates gradient.
    With ``update_slots=False`` accum is left as it is. Inputs ``(var, accum, lr, grad)``;
    output: the new ``var``. (TF's CPU kernel multiplies by ``rsqrt(accum)``, which Eigen
    approximates on whole SIMD packets: its results may differ from these by an ulp.)
    """
    input_names = ("var", "accum", "lr", "grad")
    ref_inputs = (0, 1)
    scalar_inputs = (2,)

    @staticmethod
    @quiet
    def forward(var, accum, lr, grad, update_slots=True):
        if update_slots:
            accum = accum + grad * grad
        return var - grad * lr * (_one(var) / np.sqrt(accum)), accum


@register
class ApplyAdadelta(_ApplyOp):
    """accum        <- accum * rho + grad * grad * (1 - rho)
    update       <- sqrt(accum_update + epsilon) / sqrt(accum + epsilon) * grad
    accum_update <- accum_update * rho + update * update * (1 - rho)
    var          <- var - update * lr

    Adadelta (``tf.train.AdadeltaOptimizer``; Zeiler, 2012): ``accum`` (slot ``<var>/Adadelta``)
    is the running mean of the squared gradient, ``accum_update`` (slot ``<var>/Adadelta_1``)
    that of the squared steps; their ratio gives each coordinate a step size in the units of
    the variable. Both start at zeros. Inputs ``(var, accum, accum_update, lr, rho, epsilon,
    grad)``; output: the new ``var``. (TF's CPU kernel multiplies by ``rsqrt(accum +
    epsilon)``, which Eigen approximates on whole SIMD packets: its results may differ from
    these by an ulp.)
    """
    input_names = ("var", "accum", "accum_update", "lr", "rho", "epsilon", "grad")
    ref_inputs = (0, 1, 2)
    scalar_inputs = (3, 4, 5)

    @staticmethod
    @quiet
    def forward(var, accum, accum_update, lr, rho, epsilon, grad):
        one = _one(var)
        accum = accum * rho + (grad * grad) * (one - rho)
        update = np.sqrt(accum_update + epsilon) * (one / np.sqrt(accum + epsilon)) * grad
        var = var - update * lr
        accum_update = accum_update * rho + (update * update) * (one - rho)
        return var, accum, accum_update


@register
class ApplyRMSProp(_ApplyOp):
    """ms  <- ms + (grad * grad - ms) * (1 - rho)
    mom <- mom * momentum + grad * lr / sqrt(ms + epsilon)
    var <- var - mom

    RMSProp (``tf.train.RMSPropOptimizer``): ``ms`` (slot ``<var>/RMSProp``, starting at
    ones) is the running mean of the squared gradient, ``rho`` its decay;
    ``ms + (grad * grad - ms) * (1 - rho)`` is ``rho * ms + (1 - rho) * grad^2``. The step,
    divided by the root mean square, goes through a momentum ``mom`` (slot
    ``<var>/RMSProp_1``). Inputs ``(var, ms, mom, lr, rho, momentum, epsilon, grad)``;
    output: the new ``var``.
    """
    input_names = ("var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad")
    ref_inputs = (0, 1, 2)
    scalar_inputs = (3, 4, 5, 6)

    @staticmethod
    @quiet
    def forward(var, ms, mom, lr, rho, momentum, epsilon, grad):
        ms = ms + (grad * grad - ms) * (_one(var) - rho)
        mom = mom * momentum + (grad * lr) / np.sqrt(ms + epsilon)
        return var - mom, ms, mom


@register
class ApplyCenteredRMSProp(_ApplyOp):
    """ms  <- ms + (grad * grad - ms) * (1 - rho)
    mg  <- mg + (grad - mg) * (1 - rho)
    mom <- mom * momentum + grad * lr / sqrt(ms - mg * mg + epsilon)
    var <- var - mom

    Centered RMSProp (``tf.train.RMSPropOptimizer(centered=True)``): as ``ApplyRMSProp``,
    but ``mg`` (slot ``<var>/RMSProp_1``), the running mean of the gradient, is also kept,
    and the step is divided by an estimate of the gradient's standard deviation,
    ``ms - mg^2``, instead of its root mean square. Inputs
    ``(var, mg, ms, mom, lr, rho, momentum, epsilon, grad)``; output: the new ``var``.
    """
    input_names = ("var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad")
    ref_inputs = (0, 1, 2, 3)
    scalar_inputs = (4, 5, 6, 7)

    @staticmethod
    @quiet
    def forward(var, mg, ms, mom, lr, rho, momentum, epsilon, grad):
        one = _one(var)
        ms = ms + (grad * grad - ms) * (one - rho)
        mg = mg + (grad - mg) * (one - rho)
        denom = (ms - mg * mg) + epsilon
        mom = mom * momentum + (grad * lr) / np.sqrt(denom)
        return var - mom, mg, ms, mom


# ------------------------------------------------------- building them (TF1's gen_training_ops)

def _build(opdef, refs, values, attrs, name):
    __tracebackhide__ = True
    return make(opdef, [ref_of(r) for r in refs] + list(values), attrs, name or opdef.type)


# Each builder records TF1's attributes: use_locking (kept for the GraphDef, ignored when
# running) and the op's own switches (use_nesterov, update_slots).

def apply_gradient_descent(var, alpha, delta, use_locking=False, name=None):
    """``ApplyGradientDescent(var, alpha, delta)``: the op; returns its output, the new var."""
    return _build(ApplyGradientDescent, [var], [alpha, delta], {"use_locking": use_locking},
                  name)


def apply_momentum(var, accum, lr, grad, momentum, use_locking=False, use_nesterov=False,
                   name=None):
    """``ApplyMomentum(var, accum, lr, grad, momentum)``; returns the new var."""
    return _build(ApplyMomentum, [var, accum], [lr, grad, momentum],
                  {"use_locking": use_locking, "use_nesterov": use_nesterov}, name)


def apply_adam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
               use_locking=False, use_nesterov=False, name=None):
    """``ApplyAdam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad)``;
    returns the new var."""
    return _build(ApplyAdam, [var, m, v],
                  [beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad],
                  {"use_locking": use_locking, "use_nesterov": use_nesterov}, name)


def apply_adagrad(var, accum, lr, grad, use_locking=False, update_slots=True, name=None):
    """``ApplyAdagrad(var, accum, lr, grad)``; returns the new var."""
    return _build(ApplyAdagrad, [var, accum], [lr, grad],
                  {"use_locking": use_locking, "update_slots": update_slots}, name)


def apply_adadelta(var, accum, accum_update, lr, rho, epsilon, grad, use_locking=False,
                   name=None):
    """``ApplyAdadelta(var, accum, accum_update, lr, rho, epsilon, grad)``; returns the new
    var."""
    return _build(ApplyAdadelta, [var, accum, accum_update], [lr, rho, epsilon, grad],
                  {"use_locking": use_locking}, name)


def apply_rms_prop(var, ms, mom, lr, rho, momentum, epsilon, grad, use_locking=False,
                   name=None):
    """``ApplyRMSProp(var, ms, mom, lr, rho, momentum, epsilon, grad)``; returns the new
    var."""
    return _build(ApplyRMSProp, [var, ms, mom], [lr, rho, momentum, epsilon, grad],
                  {"use_locking": use_locking}, name)


def apply_centered_rms_prop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad,
                            use_locking=False, name=None):
    """``ApplyCenteredRMSProp(var, mg, ms, mom, lr, rho, momentum, epsilon, grad)``; returns
    the new var."""
    return _build(ApplyCenteredRMSProp, [var, mg, ms, mom], [lr, rho, momentum, epsilon, grad],
                  {"use_locking": use_locking}, name)
