"""Cases run under both real TensorFlow 1 graph mode and minigraph, from the same source.

Every ``case_<name>(tf, np)`` builds a graph with ``tf`` -- either ``tensorflow.compat.v1``
(eager execution and v2 behaviour disabled) or ``import minigraph as tf`` -- using only API
that exists in both, and returns a spec dict:

  "fetch":  {name: Tensor}            fetched in one ``sess.run(..., feed_dict)``; for each the
                                      value, its static shape and its static dtype are recorded
  "feed":   {placeholder: ndarray}    the feed_dict of that run (recorded as inputs, by position)
  "inputs": {name: ndarray}           other numpy inputs the graph or ``run`` uses (recorded)
  "info":   {name: str | list}        build-time facts (op types, dtype names, which gradients
                                      are None, exception class names), compared exactly
  "run":    fn(sess, inputs) -> {name: ndarray}   an optional session program (training loops);
                                      ``inputs`` is the "inputs" dict, possibly replaced by the
                                      stored copies

Inputs are drawn from ``np.random.default_rng(k)`` with a fixed ``k`` per case, so they are
reproducible; the reference file stores them anyway and the test feeds the stored copies.

``collect(tf, case_fn, stored=None)`` runs one case in a fresh graph and session and returns a
flat {key: ndarray} dict (keys without the case prefix), the same code for both engines.
"""

import numpy as np

FLOAT_TYPES = ("float16", "float32", "float64")


# ----------------------------------------------------------------------------- helpers

def _f32(a):
    return np.asarray(a, dtype=np.float32)


def _away(rng, shape, lo=0.5, hi=2.0):
    """Floats with |v| in [lo, hi] and random signs (safe for division, log of abs...)."""
    return _f32(rng.uniform(lo, hi, size=shape) * rng.choice([-1.0, 1.0], size=shape))


def _pos(rng, shape, lo=0.5, hi=2.0):
    return _f32(rng.uniform(lo, hi, size=shape))


def _grads(tf, fetch, prefix, y, xs, names, grad_ys=None):
    """Put d(y)/d(xs) into ``fetch``; return the None-pattern of the result (for "info")."""
    gs = tf.gradients(y, xs, grad_ys=grad_ys)
    pattern = []
    for g, n in zip(gs, names):
        pattern.append("None" if g is None else "Tensor")
        if g is not None:
            fetch["%s/d_%s" % (prefix, n)] = g
    return pattern


def _error_name(fn):
    """What ``fn()`` raises: the class name for a ``tf.errors.OpError`` (run-time errors have
    TF names in both engines), else the first built-in exception class it derives from (TF's
    ``OperatorNotAllowedInGraphError`` is a ``TypeError``); "no error" if nothing is raised."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 -- the class is what we record
        mro = type(e).__mro__
        if any(c.__name__ == "OpError" for c in mro):
            return type(e).__name__
        return next(c.__name__ for c in mro if c.__module__ == "builtins")
    return "no error"


# ---------------------------------------------------------------- elementwise binary ops

def case_binary_broadcast(tf, np):
    """Every elementwise binary op, broadcasting (3,1,4) against (5,4), and its gradients."""
    rng = np.random.default_rng(1)
    xv, yv = _away(rng, (3, 1, 4)), _away(rng, (5, 4))
    xpv, ypv = _pos(rng, (3, 1, 4)), _f32(rng.uniform(-2, 2, (5, 4)))
    x = tf.placeholder(tf.float32, shape=(3, 1, 4))
    y = tf.placeholder(tf.float32, shape=(5, 4))
    xp = tf.placeholder(tf.float32, shape=(3, 1, 4))
    yp = tf.placeholder(tf.float32, shape=(5, 4))
    g = _f32(rng.normal(size=(3, 5, 4)))
    fetch, info = {}, {}
    ops = {
        "add": lambda a, b: a + b, "tf_add": tf.add,
        "sub": lambda a, b: a - b, "tf_subtract": tf.subtract,
        "mul": lambda a, b: a * b, "tf_multiply": tf.multiply,
        "div": lambda a, b: a / b, "tf_divide": tf.divide, "tf_truediv": tf.truediv,
        "tf_realdiv": tf.realdiv,
        "maximum": tf.maximum, "minimum": tf.minimum,
        "squared_diff_by_ops": lambda a, b: (a - b) * (a - b),
    }
    for name, fn in ops.items():
        z = fn(x, y)
        fetch[name] = z
        info[name + "/grad_pattern"] = _grads(tf, fetch, name, z, [x, y], ["x", "y"],
                                              grad_ys=tf.constant(g))
    z = xp ** yp  # pow: positive base so that d/dy = z log x is defined
    fetch["pow"] = z
    info["pow/grad_pattern"] = _grads(tf, fetch, "pow", z, [xp, yp], ["x", "y"],
                                      grad_ys=tf.constant(g))
    z = tf.pow(xp, 3.0)
    fetch["pow_scalar"] = z
    _grads(tf, fetch, "pow_scalar", z, [xp], ["x"])
    fetch["floordiv"] = x // y
    fetch["rsub"] = 1.0 - x
    fetch["rdiv"] = 2.0 / x
    fetch["rpow"] = 2.0 ** x
    _grads(tf, fetch, "rpow", fetch["rpow"], [x], ["x"])
    _grads(tf, fetch, "rdiv", fetch["rdiv"], [x], ["x"])
    return {"fetch": fetch, "feed": {x: xv, y: yv, xp: xpv, yp: ypv}, "info": info}


def case_binary_unknown_dims(tf, np):
    """Broadcasting against a placeholder with a None dim: values, gradients, static shapes."""
    rng = np.random.default_rng(2)
    x = tf.placeholder(tf.float32, shape=(None, 3))
    b = tf.placeholder(tf.float32, shape=(3,))
    c = tf.placeholder(tf.float32, shape=(None, 1))
    z = x * b + c
    fetch = {"z": z}
    _grads(tf, fetch, "z", z, [x, b, c], ["x", "b", "c"])
    m = tf.maximum(x, b)
    fetch["max"] = m
    _grads(tf, fetch, "max", m, [x, b], ["x", "b"])
    return {"fetch": fetch, "feed": {x: _away(rng, (4, 3)), b: _away(rng, (3,)),
                                     c: _away(rng, (4, 1))}}


def case_max_min_ties(tf, np):
    """tf.maximum / tf.minimum where the operands tie: who gets the gradient."""
    xv = _f32([[1.0, 2.0, 3.0], [0.0, -1.0, 5.0]])
    yv = _f32([[1.0, 3.0, 2.0], [0.0, -1.0, 4.0]])
    x = tf.placeholder(tf.float32, shape=(2, 3))
    y = tf.placeholder(tf.float32, shape=(2, 3))
    fetch = {}
    for name, z in {"maximum": tf.maximum(x, y), "minimum": tf.minimum(x, y),
                    "maximum_yx": tf.maximum(y, x), "minimum_yx": tf.minimum(y, x),
                    "max0": tf.maximum(x, 0.0), "min0": tf.minimum(x, 0.0),
                    "max0_int": tf.maximum(x, 0),
                    "relu": tf.nn.relu(x)}.items():
        fetch[name] = z
        _grads(tf, fetch, name, z, [x, y], ["x", "y"])
    # the scalar 0 broadcast against x: its gradient is summed over the ties it won
    zero = tf.placeholder(tf.float32, shape=())
    z = tf.maximum(x, zero)
    fetch["max_scalar_ph"] = z
    _grads(tf, fetch, "max_scalar_ph", z, [x, zero], ["x", "zero"])
    return {"fetch": fetch, "feed": {x: xv, y: yv, zero: np.float32(0.0)}}


# ------------------------------------------------------------------------ unary ops

def case_unary(tf, np):
    """Unary math and activations with their gradients (domains kept valid)."""
    rng = np.random.default_rng(3)
    a = tf.placeholder(tf.float32, shape=(4, 5))      # any sign, away from 0
    p = tf.placeholder(tf.float32, shape=(4, 5))      # positive
    g = _f32(rng.normal(size=(4, 5)))
    av, pv = _away(rng, (4, 5), 0.1, 3.0), _pos(rng, (4, 5), 0.1, 3.0)
    fetch = {}
    for name, fn, x in [("neg", tf.negative, a), ("neg_op", lambda t: -t, a),
                        ("abs", tf.abs, a), ("sign", tf.sign, a), ("square", tf.square, a),
                        ("sqrt", tf.sqrt, p), ("exp", tf.exp, a), ("log", tf.log, p),
                        ("reciprocal", tf.reciprocal, a), ("sigmoid", tf.sigmoid, a),
                        ("nn_sigmoid", tf.nn.sigmoid, a), ("tanh", tf.tanh, a),
                        ("nn_tanh", tf.nn.tanh, a), ("relu", tf.nn.relu, a),
                        ("identity", tf.identity, a), ("sq_op", lambda t: t ** 2, a),
                        ("cube_op", lambda t: t ** 3, a),
                        ("half_pow", lambda t: t ** 0.5, p)]:
        z = fn(x)
        fetch[name] = z
        _grads(tf, fetch, name, z, [x], ["x"], grad_ys=tf.constant(g))
    # extreme inputs: exp overflow, sigmoid/tanh saturation
    big = tf.constant(_f32([-100.0, -20.0, -1e-3, 0.0, 1e-3, 20.0, 100.0]))
    fetch["sigmoid_extreme"] = tf.sigmoid(big)
    fetch["tanh_extreme"] = tf.tanh(big)
    fetch["exp_extreme"] = tf.exp(big)
    return {"fetch": fetch, "feed": {a: av, p: pv}}


def case_softplus(tf, np):
    """tf.nn.softplus and tf.math.softplus, their gradient, and inputs where exp overflows."""
    rng = np.random.default_rng(31)
    xv = _f32(rng.uniform(-6.0, 6.0, size=(4, 5)))
    x = tf.placeholder(tf.float32, shape=(4, 5))
    g = _f32(rng.normal(size=(4, 5)))
    fetch = {"nn": tf.nn.softplus(x), "math": tf.math.softplus(x)}
    _grads(tf, fetch, "nn", fetch["nn"], [x], ["x"], grad_ys=tf.constant(g))
    big = tf.constant(_f32([-200.0, -90.0, -30.0, -1e-4, 0.0, 1e-4, 30.0, 90.0, 200.0]))
    fetch["extreme"] = tf.nn.softplus(big)
    fetch["extreme_f64"] = tf.nn.softplus(tf.cast(big, tf.float64))
    return {"fetch": fetch, "feed": {x: xv}}


def case_unary_at_zero(tf, np):
    """Gradients at exactly 0: abs, sign, relu, maximum(x, 0), square, x**2."""
    xv = _f32([-2.0, -0.0, 0.0, 0.5, 3.0])
    x = tf.placeholder(tf.float32, shape=(5,))
    fetch = {}
    for name, z in {"abs": tf.abs(x), "sign": tf.sign(x), "relu": tf.nn.relu(x),
                    "max0": tf.maximum(x, 0.0), "square": tf.square(x), "pow2": x ** 2,
                    "pow3": x ** 3, "clip": tf.clip_by_value(x, 0.0, 0.5)}.items():
        fetch[name] = z
        _grads(tf, fetch, name, z, [x], ["x"])
    return {"fetch": fetch, "feed": {x: xv}}


def case_second_order(tf, np):
    """tf.gradients of a gradient: sigmoid, tanh, a tanh layer, softmax xent, x**3, exp."""
    rng = np.random.default_rng(4)
    x = tf.placeholder(tf.float32, shape=(3, 4))
    w = tf.placeholder(tf.float32, shape=(4, 2))
    xv, wv = _away(rng, (3, 4), 0.1, 2.0), _f32(rng.normal(size=(4, 2)))
    fetch = {}
    for name, f in {"sigmoid": tf.sigmoid, "tanh": tf.tanh, "cube": lambda t: t ** 3,
                    "exp": tf.exp}.items():
        g1 = tf.gradients(f(x), x)[0]
        g2 = tf.gradients(g1, x)[0]
        fetch[name + "/g1"] = g1
        fetch[name + "/g2"] = g2
        # through both inputs of SigmoidGrad / TanhGrad: d/dx of sum(g1 * g1)
        g3 = tf.gradients(tf.reduce_sum(g1 * g1), x)[0]
        fetch[name + "/g_of_g1_squared"] = g3
    h = tf.tanh(tf.matmul(x, w))
    loss = tf.reduce_sum(tf.sigmoid(h) * h)
    gw = tf.gradients(loss, w)[0]
    fetch["layer/gw"] = gw
    hess_vec = tf.gradients(tf.reduce_sum(gw * tf.constant(wv)), [x, w])
    fetch["layer/hvp_x"] = hess_vec[0]
    fetch["layer/hvp_w"] = hess_vec[1]
    labels = tf.constant(_f32(np.eye(4)[[0, 2, 3]]))
    xent = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=x)
    gl = tf.gradients(xent, x)[0]
    fetch["xent/g1"] = gl
    fetch["xent/g2"] = tf.gradients(tf.reduce_sum(gl * gl), x)[0]
    return {"fetch": fetch, "feed": {x: xv, w: wv}}


def case_second_order_relu(tf, np):
    """relu's second derivative: TF's ReluGrad gradient gives zeros for the features input,
    so tf.gradients of relu's gradient is a zeros tensor, not None."""
    x = tf.placeholder(tf.float32, shape=(2, 3))
    g1 = tf.gradients(tf.nn.relu(x), x)[0]
    g2 = tf.gradients(g1, x)[0]
    g3 = tf.gradients(tf.reduce_sum(g1 * g1), x)[0]
    fetch = {"g1": g1}
    info = {"g2_is_none": str(g2 is None), "g3_is_none": str(g3 is None)}
    if g2 is not None:
        fetch["g2"] = g2
    if g3 is not None:
        fetch["g3"] = g3
    return {"fetch": fetch, "feed": {x: _f32([[-1.0, 0.0, 2.0], [3.0, -0.5, 0.25]])},
            "info": info}


# --------------------------------------------------------------------------- matmul

def case_matmul(tf, np):
    """matmul with every transpose combination and `@`, and gradients of both inputs."""
    rng = np.random.default_rng(5)
    a = tf.placeholder(tf.float32, shape=(3, 4))
    b = tf.placeholder(tf.float32, shape=(4, 5))
    at = tf.placeholder(tf.float32, shape=(4, 3))
    bt = tf.placeholder(tf.float32, shape=(5, 4))
    av, bv = _f32(rng.normal(size=(3, 4))), _f32(rng.normal(size=(4, 5)))
    g = tf.constant(_f32(rng.normal(size=(3, 5))))
    fetch, info = {}, {}
    combos = {"nn": (a, b, False, False), "tn": (at, b, True, False),
              "nt": (a, bt, False, True), "tt": (at, bt, True, True)}
    for name, (p, q, ta, tb) in combos.items():
        z = tf.matmul(p, q, transpose_a=ta, transpose_b=tb)
        fetch[name] = z
        _grads(tf, fetch, name, z, [p, q], ["a", "b"], grad_ys=g)
    z = a @ b
    fetch["at_op"] = z
    info["at_op_type"] = z.op.type
    _grads(tf, fetch, "at_op", z, [a, b], ["a", "b"], grad_ys=g)
    # a matrix-vector product the TF1 way: (3,4) @ (4,1)
    v = tf.placeholder(tf.float32, shape=(4, 1))
    fetch["matvec"] = tf.matmul(a, v)
    _grads(tf, fetch, "matvec", fetch["matvec"], [a, v], ["a", "v"])
    # unknown batch dimension
    u = tf.placeholder(tf.float32, shape=(None, 4))
    fetch["unknown_batch"] = tf.matmul(u, b)
    _grads(tf, fetch, "unknown_batch", fetch["unknown_batch"], [u, b], ["u", "b"])
    feed = {a: av, b: bv, at: av.T.copy(), bt: bv.T.copy(), v: _f32(rng.normal(size=(4, 1))),
            u: _f32(rng.normal(size=(6, 4)))}
    return {"fetch": fetch, "feed": feed, "info": info}


def case_matmul_big(tf, np):
    """Inner dimension 1000: float32 summation order may differ (looser tolerance)."""
    rng = np.random.default_rng(6)
    a = tf.placeholder(tf.float32, shape=(4, 1000))
    b = tf.placeholder(tf.float32, shape=(1000, 3))
    z = tf.matmul(a, b)
    fetch = {"z": z}
    _grads(tf, fetch, "z", tf.reduce_sum(z * z), [a, b], ["a", "b"])
    return {"fetch": fetch, "feed": {a: _f32(rng.normal(size=(4, 1000))),
                                     b: _f32(rng.normal(size=(1000, 3)))}}


# ----------------------------------------------------------------------- reductions

def case_reductions(tf, np):
    """reduce_sum/mean/max/min over axis None, int, negative, list, with keepdims."""
    rng = np.random.default_rng(7)
    x = tf.placeholder(tf.float32, shape=(3, 4, 5))
    xv = _f32(rng.normal(size=(3, 4, 5)))
    fetch = {}
    fns = {"sum": tf.reduce_sum, "mean": tf.reduce_mean, "max": tf.reduce_max,
           "min": tf.reduce_min}
    axes = {"all": None, "ax0": 0, "ax1": 1, "axm1": -1, "ax02": [0, 2], "ax12": [1, 2],
            "axall_list": [0, 1, 2]}
    for fname, fn in fns.items():
        for aname, axis in axes.items():
            for keep in (False, True):
                name = "%s_%s%s" % (fname, aname, "_keep" if keep else "")
                r = fn(x, axis=axis, keepdims=keep)
                fetch[name] = r
                gy = _f32(rng.normal(size=[d for d in r.shape.as_list()]))
                _grads(tf, fetch, name, r, [x], ["x"], grad_ys=tf.constant(gy))
    # the older spellings
    fetch["sum_reduction_indices"] = tf.reduce_sum(x, reduction_indices=[1])
    fetch["mean_keep_dims"] = tf.reduce_mean(x, 2, keep_dims=True)
    return {"fetch": fetch, "feed": {x: xv}}


def case_reduce_ties(tf, np):
    """reduce_max / reduce_min with ties: TF splits the gradient evenly among the ties."""
    xv = _f32([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [5.0, 1.0, 5.0, -1.0]])
    x = tf.placeholder(tf.float32, shape=(3, 4))
    fetch = {}
    for name, r in {"max_ax1": tf.reduce_max(x, axis=1), "max_ax0": tf.reduce_max(x, axis=0),
                    "max_all": tf.reduce_max(x), "min_ax1": tf.reduce_min(x, axis=1),
                    "min_all": tf.reduce_min(x),
                    "max_ax1_keep": tf.reduce_max(x, axis=1, keepdims=True)}.items():
        fetch[name] = r
        _grads(tf, fetch, name, r, [x], ["x"])
    # argmax/argmin: first index among ties, int64
    fetch["argmax1"] = tf.argmax(x, axis=1)
    fetch["argmin0"] = tf.argmin(x, axis=0)
    return {"fetch": fetch, "feed": {x: xv}}


def case_reduce_large(tf, np):
    """Reductions over 1000 float32 elements: summation order differs (looser tolerance)."""
    rng = np.random.default_rng(8)
    x = tf.placeholder(tf.float32, shape=(4, 1000))
    fetch = {"sum1": tf.reduce_sum(x, axis=1), "mean1": tf.reduce_mean(x, axis=1),
             "sum_all": tf.reduce_sum(x), "mean_all": tf.reduce_mean(x),
             "sum_sq": tf.reduce_sum(x * x, axis=1)}
    _grads(tf, fetch, "mean_all", fetch["mean_all"], [x], ["x"])
    return {"fetch": fetch, "feed": {x: _f32(rng.normal(size=(4, 1000)) + 3.0)}}


def case_reduce_int(tf, np):
    """Integer reductions: dtype kept; the mean of ints is an integer division."""
    x = tf.constant(np.array([[-1, -2, 4], [7, -8, 0], [-3, -3, -2]], dtype=np.int32))
    return {"fetch": {"sum0": tf.reduce_sum(x, axis=0), "mean0": tf.reduce_mean(x, axis=0),
                      "mean1": tf.reduce_mean(x, axis=1), "mean_all": tf.reduce_mean(x),
                      "max1": tf.reduce_max(x, axis=1), "min_all": tf.reduce_min(x)}}


# ------------------------------------------------------------- softmax and cross-entropy

def case_conv2d(tf, np):
    """tf.nn.conv2d over SAME/VALID, strides 1 and 2, even and odd kernels, dilation, and
    NCHW, with the gradients of input and filter; static shapes with an unknown batch."""
    rng = np.random.default_rng(41)
    fetch, feed, types = {}, {}, []
    configs = [("same_s1_3x3", (2, 5, 5, 3), (3, 3, 3, 4), [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
               ("valid_s2_2x3", (2, 6, 7, 2), (2, 3, 2, 3), [1, 2, 2, 1], "VALID", [1, 1, 1, 1]),
               ("same_s2_2x2", (1, 5, 5, 2), (2, 2, 2, 2), [1, 2, 2, 1], "SAME", [1, 1, 1, 1]),
               ("same_s2_odd", (1, 7, 6, 1), (3, 3, 1, 2), [1, 2, 2, 1], "SAME", [1, 1, 1, 1]),
               ("valid_dil2", (1, 7, 7, 2), (3, 2, 2, 2), [1, 1, 1, 1], "VALID", [1, 2, 2, 1]),
               ("same_dil2", (1, 6, 5, 1), (2, 3, 1, 2), [1, 1, 1, 1], "SAME", [1, 2, 2, 1])]
    for name, xs, fs, strides, padding, dilations in configs:
        x = tf.placeholder(tf.float32, shape=(None,) + xs[1:])
        f = tf.placeholder(tf.float32, shape=fs)
        y = tf.nn.conv2d(x, f, strides, padding, dilations=dilations)
        feed[x], feed[f] = _f32(rng.normal(size=xs)), _f32(rng.normal(size=fs))
        fetch[name] = y
        g = tf.placeholder(tf.float32, shape=y.shape)
        yv_shape = tuple([xs[0]] + y.shape.as_list()[1:])
        feed[g] = _f32(rng.normal(size=yv_shape))
        _grads(tf, fetch, name, y, [x, f], ["x", "f"], grad_ys=g)
        types.append(y.op.type)
    xn = tf.placeholder(tf.float32, shape=(2, 3, 5, 4))
    fn = tf.placeholder(tf.float32, shape=(3, 3, 3, 2))
    feed[xn], feed[fn] = _f32(rng.normal(size=(2, 3, 5, 4))), _f32(rng.normal(size=(3, 3, 3, 2)))
    fetch["nchw"] = tf.nn.conv2d(xn, fn, [1, 1, 2, 2], "SAME", data_format="NCHW")
    _grads(tf, fetch, "nchw", fetch["nchw"], [xn, fn], ["x", "f"])
    first = fetch["same_s1_3x3"].op
    gx, gf = tf.gradients(tf.reduce_sum(first.outputs[0]), list(first.inputs))
    types += [gx.op.type, gf.op.type]
    return {"fetch": fetch, "feed": feed, "info": {"op_types": types}}


def case_pooling(tf, np):
    """tf.nn.max_pool and avg_pool over SAME/VALID, 2x2 and 3x3 windows, strides 1 and 2,
    their gradients (ties: whole numbers, so windows share their maximum), NCHW, and the
    second-order gradient of max_pool."""
    rng = np.random.default_rng(43)
    fetch, feed = {}, {}
    x = tf.placeholder(tf.float32, shape=(None, 5, 6, 2))
    xv = _f32(rng.integers(-2, 3, size=(2, 5, 6, 2)))   # ties on purpose
    feed[x] = xv
    for name, k, s, p in [("2x2_s2_valid", 2, 2, "VALID"), ("3x3_s2_same", 3, 2, "SAME"),
                          ("3x3_s1_same", 3, 1, "SAME"), ("2x2_s1_valid", 2, 1, "VALID"),
                          ("3x2_s2x1_same", [1, 3, 2, 1], [1, 2, 1, 1], "SAME")]:
        ks = k if isinstance(k, list) else [1, k, k, 1]
        ss = s if isinstance(s, list) else [1, s, s, 1]
        for kind, fn in (("max", tf.nn.max_pool), ("avg", tf.nn.avg_pool)):
            y = fn(x, ks, ss, p)
            key = "%s_%s" % (kind, name)
            fetch[key] = y
            g = tf.placeholder(tf.float32, shape=y.shape)
            feed[g] = _f32(rng.normal(size=(2,) + tuple(y.shape.as_list()[1:])))
            _grads(tf, fetch, key, y, [x], ["x"], grad_ys=g)
    xn = tf.placeholder(tf.float32, shape=(2, 3, 5, 4))
    feed[xn] = _f32(rng.normal(size=(2, 3, 5, 4)))
    fetch["max_nchw"] = tf.nn.max_pool(xn, [1, 1, 2, 2], [1, 1, 2, 2], "SAME", data_format="NCHW")
    fetch["avg_nchw"] = tf.nn.avg_pool(xn, [1, 1, 3, 3], [1, 1, 2, 2], "SAME", data_format="NCHW")
    _grads(tf, fetch, "max_nchw", fetch["max_nchw"], [xn], ["x"])
    _grads(tf, fetch, "avg_nchw", fetch["avg_nchw"], [xn], ["x"])
    # second order: the gradient of max_pool's gradient, with respect to the incoming gradient
    dy = tf.placeholder(tf.float32, shape=(2, 3, 3, 2))
    feed[dy] = _f32(rng.normal(size=(2, 3, 3, 2)))
    first = tf.gradients(tf.nn.max_pool(x, 2, 2, "SAME"), x, grad_ys=dy)[0]
    fetch["max_grad"] = first
    ddx = tf.constant(_f32(rng.normal(size=(2, 5, 6, 2))))
    fetch["max_grad_grad"] = tf.gradients(first, dy, grad_ys=ddx)[0]
    return {"fetch": fetch, "feed": feed,
            "info": {"grad_op": first.op.type,
                     "grad_grad_op": fetch["max_grad_grad"].op.type}}


def case_bias_add(tf, np):
    """tf.nn.bias_add (NHWC, 2-d, NCHW) and its gradients."""
    rng = np.random.default_rng(47)
    x = tf.placeholder(tf.float32, shape=(None, 3, 4, 5))
    b = tf.placeholder(tf.float32, shape=(5,))
    x2 = tf.placeholder(tf.float32, shape=(3, 4))
    b2 = tf.placeholder(tf.float32, shape=(4,))
    xn = tf.placeholder(tf.float32, shape=(2, 3, 4, 5))
    bn = tf.placeholder(tf.float32, shape=(3,))
    feed = {x: _f32(rng.normal(size=(2, 3, 4, 5))), b: _f32(rng.normal(size=5)),
            x2: _f32(rng.normal(size=(3, 4))), b2: _f32(rng.normal(size=4)),
            xn: _f32(rng.normal(size=(2, 3, 4, 5))), bn: _f32(rng.normal(size=3))}
    fetch = {"nhwc": tf.nn.bias_add(x, b), "2d": tf.nn.bias_add(x2, b2),
             "nchw": tf.nn.bias_add(xn, bn, data_format="NCHW")}
    g = tf.constant(_f32(rng.normal(size=(2, 3, 4, 5))))
    _grads(tf, fetch, "nhwc", fetch["nhwc"], [x, b], ["x", "b"], grad_ys=g)
    _grads(tf, fetch, "2d", fetch["2d"], [x2, b2], ["x", "b"])
    _grads(tf, fetch, "nchw", fetch["nchw"], [xn, bn], ["x", "b"], grad_ys=g)
    return {"fetch": fetch, "feed": feed, "info": {"op": fetch["nhwc"].op.type}}


def case_layers_conv(tf, np):
    """tf.layers.conv2d, max_pooling2d, average_pooling2d, flatten and dense: variable
    names and shapes, output op types, names and static shapes, values (kernels given as
    constant initializers), and the gradients of the variables."""
    rng = np.random.default_rng(53)
    xv = _f32(rng.normal(size=(2, 9, 8, 2)))
    x = tf.placeholder(tf.float32, shape=(None, 9, 8, 2))
    k1 = _f32(rng.normal(size=(3, 3, 2, 4)) * 0.3)
    k2 = _f32(rng.normal(size=(2, 2, 4, 3)) * 0.3)
    h1 = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu,
                          kernel_initializer=tf.constant_initializer(k1),
                          bias_initializer=tf.constant_initializer(0.1))
    p1 = tf.layers.max_pooling2d(h1, 2, 2)
    h2 = tf.layers.conv2d(p1, 3, 2, strides=(1, 2), kernel_initializer=tf.constant_initializer(k2))
    p2 = tf.layers.average_pooling2d(h2, 2, 1, padding="same")
    flat = tf.layers.flatten(p2)
    w = _f32(rng.normal(size=(int(flat.shape[1]), 5)) * 0.3)
    out = tf.layers.dense(flat, 5, kernel_initializer=tf.constant_initializer(w))
    loss = tf.reduce_sum(out * out)
    variables = tf.global_variables()
    grads = tf.gradients(loss, variables)
    outputs = {"h1": h1, "p1": p1, "h2": h2, "p2": p2, "flat": flat, "out": out}

    def run(sess, inputs):
        sess.run(tf.global_variables_initializer())
        names = list(outputs) + ["d_" + v.op.name.replace("/", "_") for v in variables]
        values = sess.run(list(outputs.values()) + grads, {x: inputs["x"]})
        return dict(zip(names, values))
    tensors = list(outputs.values())
    return {"inputs": {"x": xv}, "run": run,
            "info": {"variables": [v.op.name for v in variables],
                     "variable_shapes": [_shape_str(v) for v in variables],
                     "op_types": [t.op.type for t in tensors],
                     "op_names": [t.op.name for t in tensors],
                     "static_shapes": [_shape_str(t) for t in tensors]}}


def case_constraints(tf, np):
    """Variable constraints: tf.get_variable(constraint=), tf.layers.dense and conv2d's
    kernel_constraint / bias_constraint. A tf.train optimizer projects each variable with
    its constraint right after updating it (ops in the variable's update scope); a plain
    assign does not."""
    rng = np.random.default_rng(61)
    xv = _f32(rng.normal(size=(3, 4, 4, 2)))
    x = tf.placeholder(tf.float32, shape=(None, 4, 4, 2))
    k = _f32(rng.normal(size=(2, 2, 2, 3)))
    h = tf.layers.conv2d(x, 3, 2, kernel_initializer=tf.constant_initializer(k),
                         kernel_constraint=lambda w: tf.clip_by_value(w, -0.5, 0.5),
                         bias_constraint=lambda b: tf.maximum(b, 0.0))
    flat = tf.layers.flatten(h)
    w = _f32(rng.normal(size=(int(flat.shape[1]), 2)))
    out = tf.layers.dense(flat, 2, kernel_initializer=tf.constant_initializer(w),
                          kernel_constraint=lambda v: v / tf.maximum(
                              tf.sqrt(tf.reduce_sum(v * v)), 1.0))
    s = tf.get_variable("s", initializer=_f32(rng.normal(size=(2,))),
                        constraint=lambda v: tf.clip_by_value(v, 0.0, 1.0))
    loss = tf.reduce_sum((out * s - 1.0) ** 2)
    variables = tf.global_variables()
    train = []
    ops = _new_ops(tf, lambda: train.append(
        tf.train.GradientDescentOptimizer(0.05).minimize(loss)))
    raw = s.assign(s * 10.0)  # an assign of one's own: no constraint
    # the projections: an Assign in each constrained variable's update scope
    projections = sorted("%s <- %s (%s)" % (op.name, op.inputs[-1].op.name, op.inputs[-1].op.type)
                         for op in ops if op.type == "Assign")

    def run(sess, inputs):
        sess.run(tf.global_variables_initializer())
        losses = [sess.run([loss, train[0]], {x: inputs["x"]})[0] for _ in range(4)]
        got = {"losses": np.array(losses)}
        got.update(("after_" + v.op.name.replace("/", "_"), sess.run(v)) for v in variables)
        got["assigned"] = sess.run(raw)
        return got
    return {"inputs": {"x": xv}, "run": run,
            "info": {"variables": [v.op.name for v in variables],
                     "has_constraint": [str(v.constraint is not None) for v in variables],
                     "projections": projections}}


def case_softmax(tf, np):
    rng = np.random.default_rng(9)
    x = tf.placeholder(tf.float32, shape=(4, 6))
    x3 = tf.placeholder(tf.float32, shape=(2, 3, 5))
    xv, x3v = _f32(rng.normal(size=(4, 6)) * 3), _f32(rng.normal(size=(2, 3, 5)) * 3)
    fetch = {}
    for name, z, inp in [("softmax", tf.nn.softmax(x), x), ("log_softmax", tf.nn.log_softmax(x), x),
                         ("softmax3", tf.nn.softmax(x3), x3),
                         ("log_softmax3", tf.nn.log_softmax(x3), x3)]:
        fetch[name] = z
        gy = _f32(rng.normal(size=z.shape.as_list()))
        _grads(tf, fetch, name, z, [inp], ["x"], grad_ys=tf.constant(gy))
    # large logits: must not overflow
    big = tf.constant(_f32([[1000.0, 0.0, -1000.0], [50.0, 50.0, 50.0]]))
    fetch["softmax_big"] = tf.nn.softmax(big)
    fetch["log_softmax_big"] = tf.nn.log_softmax(big)
    return {"fetch": fetch, "feed": {x: xv, x3: x3v}}


def case_softmax_xent(tf, np):
    """softmax_cross_entropy_with_logits (v1: no gradient into labels) vs _v2 (gradient)."""
    rng = np.random.default_rng(10)
    logits = tf.placeholder(tf.float32, shape=(5, 4))
    labels = tf.placeholder(tf.float32, shape=(5, 4))
    lv = _f32(rng.normal(size=(5, 4)) * 2)
    raw = rng.uniform(0.1, 1.0, size=(5, 4))
    yv = _f32(raw / raw.sum(axis=1, keepdims=True))
    gy = tf.constant(_f32(rng.normal(size=(5,))))
    fetch, info = {}, {}
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    fetch["v1"], fetch["v2"] = v1, v2
    info["v1/grad_pattern"] = _grads(tf, fetch, "v1", v1, [logits, labels],
                                     ["logits", "labels"], grad_ys=gy)
    info["v2/grad_pattern"] = _grads(tf, fetch, "v2", v2, [logits, labels],
                                     ["logits", "labels"], grad_ys=gy)
    # the usual scalar loss
    loss = tf.reduce_mean(v2)
    fetch["mean_loss"] = loss
    _grads(tf, fetch, "mean_loss", loss, [logits], ["logits"])
    # one-hot labels from a constant
    hard = tf.one_hot(tf.constant(np.array([0, 3, 1, 1, 2], dtype=np.int32)), 4)
    fetch["hard"] = tf.nn.softmax_cross_entropy_with_logits_v2(labels=hard, logits=logits)
    return {"fetch": fetch, "feed": {logits: lv, labels: yv}, "info": info}


def case_sparse_xent(tf, np):
    rng = np.random.default_rng(11)
    logits = tf.placeholder(tf.float32, shape=(6, 5))
    l32 = tf.placeholder(tf.int32, shape=(6,))
    l64 = tf.placeholder(tf.int64, shape=(6,))
    lv = _f32(rng.normal(size=(6, 5)) * 2)
    yv = rng.integers(0, 5, size=6)
    fetch, info = {}, {}
    for name, lab in (("int32", l32), ("int64", l64)):
        z = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=logits)
        fetch[name] = z
        info[name + "/grad_pattern"] = _grads(tf, fetch, name, z, [logits], ["logits"],
                                              grad_ys=tf.constant(_f32(rng.normal(size=6))))
    loss = tf.reduce_mean(fetch["int32"])
    fetch["mean_loss"] = loss
    _grads(tf, fetch, "mean_loss", loss, [logits], ["logits"])
    # unknown batch size
    u = tf.placeholder(tf.float32, shape=(None, 5))
    ul = tf.placeholder(tf.int32, shape=(None,))
    fetch["unknown_batch"] = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ul, logits=u)
    _grads(tf, fetch, "unknown_batch", fetch["unknown_batch"], [u], ["logits"])
    feed = {logits: lv, l32: yv.astype(np.int32), l64: yv.astype(np.int64), u: lv[:4].copy(),
            ul: yv[:4].astype(np.int32)}
    return {"fetch": fetch, "feed": feed, "info": info}


# ----------------------------------------------------------------- shape-moving ops

def case_shape_ops(tf, np):
    """reshape/transpose/concat/expand_dims/squeeze/tile/stack and their gradients."""
    rng = np.random.default_rng(12)
    x = tf.placeholder(tf.float32, shape=(2, 3, 4))
    y = tf.placeholder(tf.float32, shape=(2, 5, 4))
    s = tf.placeholder(tf.float32, shape=(1, 3, 1, 2))
    xv, yv = _f32(rng.normal(size=(2, 3, 4))), _f32(rng.normal(size=(2, 5, 4)))
    sv = _f32(rng.normal(size=(1, 3, 1, 2)))
    fetch = {}
    cases = {
        "reshape": (tf.reshape(x, [6, 4]), [x]),
        "reshape_m1": (tf.reshape(x, [-1, 2]), [x]),
        "reshape_flat": (tf.reshape(x, [-1]), [x]),
        "transpose": (tf.transpose(x), [x]),
        "transpose_perm": (tf.transpose(x, [1, 0, 2]), [x]),
        "transpose_perm2": (tf.transpose(x, perm=[2, 0, 1]), [x]),
        "concat1": (tf.concat([x, y], 1), [x, y]),
        "concat_m2": (tf.concat([x, y, x], axis=-2), [x, y]),
        "expand0": (tf.expand_dims(x, 0), [x]),
        "expand_m1": (tf.expand_dims(x, -1), [x]),
        "expand2": (tf.expand_dims(x, axis=2), [x]),
        "squeeze": (tf.squeeze(s), [s]),
        "squeeze_ax": (tf.squeeze(s, [0]), [s]),
        "squeeze_ax2": (tf.squeeze(s, axis=[0, 2]), [s]),
        "tile": (tf.tile(x, [2, 1, 3]), [x]),
        "stack0": (tf.stack([x, x * 2.0]), [x]),
        "stack2": (tf.stack([x, x], axis=2), [x]),
        "slice": (x[1, :, 1:3], [x]),
        "slice_newaxis": (x[:, None, -1], [x]),
        "add_n": (tf.add_n([x, x, x * 3.0]), [x]),
        "stop_gradient": (x * tf.stop_gradient(x), [x]),
    }
    for name, (z, xs) in cases.items():
        fetch[name] = z
        gy = tf.constant(_f32(rng.normal(size=z.shape.as_list())))
        _grads(tf, fetch, name, z, xs, ["x%d" % i for i in range(len(xs))], grad_ys=gy)
    fetch["shape"] = tf.shape(x)
    fetch["size"] = tf.size(x)
    fetch["rank"] = tf.rank(x)
    return {"fetch": fetch, "feed": {x: xv, y: yv, s: sv}}


def case_gather_one_hot(tf, np):
    """gather (axis 0 and 1, repeated indices), one_hot (dtypes, on/off values)."""
    rng = np.random.default_rng(13)
    p = tf.placeholder(tf.float32, shape=(5, 3))
    pv = _f32(rng.normal(size=(5, 3)))
    idx = tf.constant(np.array([4, 0, 4, 2], dtype=np.int32))
    fetch, info = {}, {}
    g0 = tf.gather(p, idx)
    fetch["gather0"] = g0
    gy = tf.constant(_f32(rng.normal(size=(4, 3))))
    # tf.gather's gradient is an IndexedSlices in TF: convert_to_tensor densifies it
    fetch["gather0/d_p"] = tf.convert_to_tensor(tf.gradients(g0, p, grad_ys=gy)[0])
    g1 = tf.gather(p, tf.constant(np.array([[2, 2], [0, 1]], dtype=np.int64)), axis=1)
    fetch["gather1"] = g1
    fetch["gather1/d_p"] = tf.convert_to_tensor(tf.gradients(g1, p)[0])
    fetch["gather_list"] = tf.gather(p, [1, 1, 3])
    labels = tf.constant(np.array([0, 2, 1, 3], dtype=np.int32))
    fetch["one_hot"] = tf.one_hot(labels, 4)
    fetch["one_hot_int64_idx"] = tf.one_hot(tf.constant(np.array([3, 0], dtype=np.int64)), 5)
    fetch["one_hot_f64"] = tf.one_hot(labels, 4, dtype=tf.float64)
    fetch["one_hot_onoff"] = tf.one_hot(labels, 4, on_value=0.9, off_value=0.05)
    fetch["one_hot_onoff_int"] = tf.one_hot(labels, 4, on_value=5, off_value=-1)
    fetch["one_hot_out_of_range"] = tf.one_hot(tf.constant(np.array([-1, 4, 1], np.int32)), 4)
    fetch["one_hot_axis0"] = tf.one_hot(labels, 4, axis=0)
    fetch["one_hot_2d"] = tf.one_hot(tf.constant(np.array([[0, 1], [2, 0]], np.int32)), 3)
    info["one_hot_dtypes"] = [fetch[k].dtype.name for k in sorted(fetch) if "one_hot" in k]
    return {"fetch": fetch, "feed": {p: pv}, "info": info}


def case_where_clip_cast(tf, np):
    """where (select and coordinates), clip_by_value (ties at the bounds), cast."""
    rng = np.random.default_rng(14)
    x = tf.placeholder(tf.float32, shape=(3, 4))
    y = tf.placeholder(tf.float32, shape=(3, 4))
    xv = _f32([[-1.0, 0.0, 0.5, 1.0], [2.0, -0.5, 1.0, 0.0], [-2.5, 2.7, -2.7, 0.49]])
    yv = _f32(rng.normal(size=(3, 4)))
    fetch = {}
    sel = tf.where(x > y, x, y)
    fetch["select"] = sel
    _grads(tf, fetch, "select", sel, [x, y], ["x", "y"],
           grad_ys=tf.constant(_f32(rng.normal(size=(3, 4)))))
    fetch["where_coords"] = tf.where(x > 0.0)
    clip = tf.clip_by_value(x, -0.5, 1.0)   # x holds -0.5 and 1.0 exactly: ties at the bounds
    fetch["clip"] = clip
    _grads(tf, fetch, "clip", clip, [x], ["x"])
    clip_t = tf.clip_by_value(x, tf.constant(0.0), tf.constant(0.5))
    fetch["clip_tensor_bounds"] = clip_t
    _grads(tf, fetch, "clip_tensor_bounds", clip_t, [x], ["x"])
    fetch["cast_int32"] = tf.cast(x, tf.int32)          # truncation toward zero
    fetch["cast_int64"] = tf.cast(x * 10.0, tf.int64)
    fetch["cast_bool"] = tf.cast(x, tf.bool)
    fetch["cast_f64"] = tf.cast(x, tf.float64)
    fetch["cast_back"] = tf.cast(tf.cast(x, tf.int32), tf.float32)
    fetch["to_float"] = tf.to_float(tf.cast(x, tf.int32))
    fetch["bool_to_float"] = tf.cast(x > 0.0, tf.float32)
    c64 = tf.cast(x, tf.float64) * tf.constant(np.full((3, 4), 1.5))
    fetch["cast_f64_mul"] = c64
    _grads(tf, fetch, "cast_f64_mul", c64, [x], ["x"])
    fetch["cast_f16"] = tf.cast(x, tf.float16)
    fetch["compare_eq"] = tf.equal(x, 0.0)
    fetch["compare_ne"] = tf.not_equal(x, y)
    fetch["compare_lt"] = x < y
    fetch["compare_le"] = tf.less_equal(x, 1.0)
    fetch["compare_ge"] = x >= y
    fetch["logical"] = tf.logical_or(tf.logical_and(x > 0.0, y > 0.0), tf.logical_not(x < y))
    return {"fetch": fetch, "feed": {x: xv, y: yv}}


def case_where_rank1_condition(tf, np):
    """TF1 tf.where (Select) with a rank-1 condition picks whole rows of x / y."""
    x = tf.constant(_f32(np.arange(12).reshape(3, 4)))
    y = tf.constant(_f32(-np.arange(12).reshape(3, 4)))
    c = tf.constant(np.array([True, False, True]))
    return {"fetch": {"rows": tf.where(c, x, y)}}


# -------------------------------------------------------------------- dtype inference

def case_integer_division(tf, np):
    """/ on integers is true division (int32 -> float64); // floors; dtypes of each."""
    a = tf.constant(np.array([7, -7, 6, -1, 0], dtype=np.int32))
    b = tf.constant(np.array([2, 2, -4, 3, 5], dtype=np.int32))
    a64 = tf.cast(a, tf.int64)
    b64 = tf.cast(b, tf.int64)
    a16 = tf.cast(a, tf.int16)
    b16 = tf.cast(b, tf.int16)
    f = tf.constant(_f32([7.5, -7.5, 6.0, -1.0, 0.0]))
    fetch = {"div32": a / b, "truediv32": tf.truediv(a, b), "divide32": tf.divide(a, b),
             "floordiv32": a // b, "tf_floordiv32": tf.floordiv(a, b),
             "div64": a64 / b64, "floordiv64": a64 // b64,
             "div16": a16 / b16, "floordiv16": a16 // b16,
             "int_by_py_int": a / 2, "int_floordiv_py_int": a // 2,
             "py_int_by_int": 7 / b,
             "const_div": tf.constant(3) / tf.constant(2),
             "float_floordiv": f // 2.0, "float_div": f / 2.0,
             "int_mul": a * 3, "int_add": a + 1, "int_sub": 1 - a, "int_neg": -a,
             "int_abs": tf.abs(a), "int_square": tf.square(a), "int_pow": a ** 2,
             "int_max": tf.maximum(a, b), "int_sign": tf.sign(a)}
    info = {"dtypes": ["%s=%s" % (k, fetch[k].dtype.name) for k in sorted(fetch)]}
    return {"fetch": fetch, "info": info}


def case_scalar_dtype_inference(tf, np):
    """A Python number takes the tensor's dtype (x * 2 stays float32); constants default."""
    x = tf.placeholder(tf.float32, shape=(3,))
    d = tf.placeholder(tf.float64, shape=(3,))
    i = tf.placeholder(tf.int32, shape=(3,))
    i64 = tf.placeholder(tf.int64, shape=(3,))
    fetch = {"x_times_2": x * 2, "two_times_x": 2 * x, "x_plus_eps": x + 1e-5,
             "x_plus_int": x + 1, "one_minus_x": 1 - x, "x_div_2": x / 2, "two_div_x": 2 / x,
             "x_pow_2": x ** 2, "x_pow_half": tf.abs(x) ** 0.5, "two_pow_x": 2 ** x,
             "x_times_np_f32": x * np.float32(3.0),
             "x_times_np_arr_f32": x * _f32([1.0, 2.0, 3.0]),
             "d_times_2": d * 2, "d_plus_eps": d + 1e-5, "d_times_list": d * [1.0, 2.0, 3.0],
             "i_times_2": i * 2, "i_plus_1": i + 1, "i64_times_2": i64 * 2,
             "i_times_list": i * [1, 2, 3],
             "const_int": tf.constant(1), "const_float": tf.constant(1.0),
             "const_list_int": tf.constant([1, 2]), "const_list_mixed": tf.constant([1, 2.5]),
             "const_np_f64": tf.constant(np.array([1.0, 2.0])),
             "const_np_i64": tf.constant(np.array([1, 2])),
             "const_np_scalar_f64": tf.constant(np.float64(0.5)),
             "const_dtype": tf.constant(3, dtype=tf.float32),
             "const_shape": tf.constant(2.0, shape=(2, 3)),
             "zeros": tf.zeros((2, 3)), "ones_int": tf.ones((2,), dtype=tf.int32),
             "zeros_like_i": tf.zeros_like(i), "ones_like_x": tf.ones_like(x),
             "fill": tf.fill([2, 2], 7), "fill_f": tf.fill([2], 0.5),
             "sqrt_x": tf.sqrt(tf.abs(x) + 1e-5),
             "add_n_mixed": tf.add_n([x, x * 2])}
    v = tf.Variable(np.array([1.0, 2.0, 3.0]))
    vi = tf.Variable(3)
    vf = tf.Variable(2.5)
    info = {"dtypes": ["%s=%s" % (k, fetch[k].dtype.name) for k in sorted(fetch)],
            "variable_base_dtypes": [v.dtype.base_dtype.name, vi.dtype.base_dtype.name,
                                     vf.dtype.base_dtype.name],
            "variable_value_dtypes": [tf.identity(v).dtype.name, (v * 2).dtype.name,
                                      (vi + 1).dtype.name]}
    feed = {x: _f32([0.5, -1.0, 2.0]), d: np.array([0.5, -1.0, 2.0]),
            i: np.array([1, -2, 3], dtype=np.int32), i64: np.array([1, -2, 3], dtype=np.int64)}

    def run(sess, inputs):
        sess.run(tf.global_variables_initializer())
        return {"v": sess.run(v), "vi": sess.run(vi), "vf": sess.run(vf), "v_times_2": sess.run(v * 2)}
    return {"fetch": fetch, "feed": feed, "info": info, "run": run}


def case_variable_dtype(tf, np):
    """A TF1 (reference) Variable's dtype is the _ref type: float32_ref."""
    v = tf.Variable(_f32([1.0, 2.0]))
    return {"info": {"variable_dtype": v.dtype.name}}


def case_feed_conversion(tf, np):
    """Feeds are converted to the placeholder's dtype: float64 and lists into float32."""
    x = tf.placeholder(tf.float32, shape=(2, 3))
    i = tf.placeholder(tf.int32, shape=(None,))
    b = tf.placeholder(tf.bool, shape=(2,))
    d = tf.placeholder(tf.float64, shape=())
    rng = np.random.default_rng(15)
    xv = rng.normal(size=(2, 3))   # float64 into a float32 placeholder
    return {"fetch": {"x": x * 1.0, "x_identity": tf.identity(x), "i": i + 0,
                      "b": tf.logical_not(b), "d": d * 2.0},
            "feed": {x: xv, i: np.array([1, 2, 3], dtype=np.int64),
                     b: np.array([True, False]), d: np.float64(0.25)}}


def case_errors(tf, np):
    """Which exception class TF1 raises for common mistakes (build time and run time)."""
    x = tf.placeholder(tf.float32, shape=(None, 3))
    d = tf.placeholder(tf.float64, shape=(None, 3))
    i = tf.placeholder(tf.int32, shape=(3,))
    a = tf.placeholder(tf.float32, shape=(3, 4))
    b = tf.placeholder(tf.float32, shape=(5, 6))
    info = {
        "float32_plus_float64": _error_name(lambda: x + d),
        "matmul_mismatch": _error_name(lambda: tf.matmul(a, b)),
        "int_times_float_scalar": _error_name(lambda: i * 1.5),
        "int_plus_float_tensor": _error_name(lambda: tf.add(i, tf.constant(1.0))),
        "reshape_bad_count": _error_name(lambda: tf.reshape(a, [5, 3])),
        "concat_rank_mismatch": _error_name(lambda: tf.concat([a, tf.constant(1.0)], 0)),
        "reduce_bad_axis": _error_name(lambda: tf.reduce_sum(a, axis=2)),
        "sigmoid_of_int": _error_name(lambda: tf.sigmoid(i)),
        "tensor_in_if": _error_name(lambda: bool(x)),
    }
    v = tf.Variable(_f32([1.0, 2.0]))
    y = x * 2.0

    def run(sess, inputs):
        out = {
            "feed_bad_shape": _error_name(lambda: sess.run(y, {x: np.zeros((2, 4))})),
            "missing_feed": _error_name(lambda: sess.run(y)),
            "uninitialized_variable": _error_name(lambda: sess.run(v)),
            "feed_tensor_value": _error_name(lambda: sess.run(y, {x: tf.zeros((1, 3))})),
        }
        return {k: np.array(val) for k, val in out.items()}
    return {"info": info, "run": run}


# ---------------------------------------------------------------------- static shapes

def case_static_shapes(tf, np):
    """Static shapes with a None batch dimension; every fetch's shape is compared."""
    rng = np.random.default_rng(16)
    x = tf.placeholder(tf.float32, shape=(None, 3))
    w = tf.placeholder(tf.float32, shape=(3, 4))
    lab = tf.placeholder(tf.int32, shape=(None,))
    h = tf.matmul(x, w)
    fetch = {
        "matmul": h, "relu": tf.nn.relu(h), "max0": tf.maximum(h, 0),
        "sum0": tf.reduce_sum(x, axis=0), "sum1": tf.reduce_sum(x, axis=1),
        "sum1_keep": tf.reduce_sum(x, axis=1, keepdims=True), "sum_all": tf.reduce_sum(x),
        "mean_all": tf.reduce_mean(x), "max1": tf.reduce_max(x, 1),
        "reshape_flat": tf.reshape(x, [-1]), "reshape_m1_3": tf.reshape(x, [-1, 3, 1]),
        "transpose": tf.transpose(x), "concat0": tf.concat([x, x], 0),
        "concat1": tf.concat([x, x], 1), "expand": tf.expand_dims(x, 1),
        "squeeze": tf.squeeze(tf.expand_dims(x, 1), [1]), "shape": tf.shape(x),
        "index0": x[0], "col1": x[:, 1], "tile": tf.tile(x, [2, 2]),
        "gather": tf.gather(x, tf.constant(np.array([0, 0], np.int32))),
        "gather_ax1": tf.gather(x, tf.constant(np.array([2, 0, 1, 1], np.int32)), axis=1),
        "one_hot": tf.one_hot(lab, 4), "softmax": tf.nn.softmax(h),
        "sparse_xent": tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=h),
        "xent_v2": tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.one_hot(lab, 4),
                                                              logits=h),
        "argmax": tf.argmax(h, 1), "where_sel": tf.where(x > 0.0, x, -x),
        "x_plus_row": x + tf.constant(_f32([1.0, 2.0, 3.0])),
        "cast": tf.cast(x, tf.int32), "stack": tf.stack([x, x], 1),
        "zeros_like": tf.zeros_like(x), "ones_like": tf.ones_like(x),
        "clip": tf.clip_by_value(x, -1.0, 1.0), "square": x ** 2,
    }
    loss = tf.reduce_mean(tf.reduce_sum((h - 1.0) ** 2, axis=1))
    fetch["loss"] = loss
    gx, gw = tf.gradients(loss, [x, w])
    fetch["loss/d_x"] = gx
    fetch["loss/d_w"] = gw
    gx2 = tf.gradients(tf.reduce_sum(fetch["sparse_xent"]), x)[0]
    fetch["sparse_xent/d_x"] = gx2
    gb = tf.gradients(tf.reduce_sum(fetch["x_plus_row"] * fetch["x_plus_row"]), x)[0]
    fetch["x_plus_row/d_x"] = gb
    fetch["tile/d_x"] = tf.gradients(fetch["tile"], x)[0]
    fetch["concat0/d_x"] = tf.gradients(fetch["concat0"], x)[0]
    fetch["reshape_flat/d_x"] = tf.gradients(fetch["reshape_flat"], x)[0]
    fetch["max1/d_x"] = tf.gradients(fetch["max1"], x)[0]
    feed = {x: _f32(rng.normal(size=(5, 3))), w: _f32(rng.normal(size=(3, 4))),
            lab: np.array([0, 3, 1, 2, 2], dtype=np.int32)}
    info = {"placeholder": str(x.shape.as_list()), "w_ndims": str(w.shape.ndims),
            "unknown_rank": str(tf.placeholder(tf.float32).shape.ndims)}
    return {"fetch": fetch, "feed": feed, "info": info}


# ------------------------------------------------------------------------- op types

def case_op_types(tf, np):
    """The .op.type of the ops that simple expressions create."""
    x = tf.placeholder(tf.float32, shape=(2, 3))
    y = tf.placeholder(tf.float32, shape=(2, 3))
    u = tf.placeholder(tf.float32, shape=(None, 3))
    w = tf.Variable(_f32(np.ones((3, 4))))
    exprs = {
        "x+y": x + y, "tf.add": tf.add(x, y), "x-y": x - y, "x*y": x * y, "x/y": x / y,
        "x//y": x // y, "-x": -x, "x**2": x ** 2, "tf.pow": tf.pow(x, y),
        "tf.square": tf.square(x), "tf.maximum(x,0)": tf.maximum(x, 0),
        "tf.minimum": tf.minimum(x, y), "tf.reduce_mean": tf.reduce_mean(x),
        "tf.reduce_sum": tf.reduce_sum(x, axis=1), "tf.reduce_max": tf.reduce_max(x),
        "tf.matmul": tf.matmul(x, w), "x@w": x @ w, "tf.nn.relu": tf.nn.relu(x),
        "tf.sigmoid": tf.sigmoid(x), "tf.tanh": tf.tanh(x), "tf.exp": tf.exp(x),
        "tf.log": tf.log(x), "tf.sqrt": tf.sqrt(x), "tf.abs": tf.abs(x),
        "tf.nn.softmax": tf.nn.softmax(x), "tf.reshape": tf.reshape(x, [3, 2]),
        "tf.transpose": tf.transpose(x), "tf.concat": tf.concat([x, y], 0),
        "tf.expand_dims": tf.expand_dims(x, 0), "tf.cast": tf.cast(x, tf.int32),
        "tf.gather": tf.gather(x, [0]), "tf.one_hot": tf.one_hot([0, 1], 2),
        "tf.where3": tf.where(x > y, x, y), "x>y": x > y, "tf.equal": tf.equal(x, y),
        "x[0]": x[0], "tf.identity": tf.identity(x), "tf.constant": tf.constant(1.0),
        "tf.placeholder": x, "tf.shape(unknown dim)": tf.shape(u), "tf.argmax": tf.argmax(x, 1),
        "tf.zeros": tf.zeros((2, 2)), "tf.stop_gradient": tf.stop_gradient(x),
        "w.assign": w.assign(w * 2.0), "w.assign_add": w.assign_add(w),
        "tf.Variable": w,
    }
    names = list(exprs)
    info = {"names": names, "types": [exprs[k].op.type for k in names],
            "group": tf.group(x + y, x * y).type,
            "global_variables_initializer": tf.global_variables_initializer().type,
            "clip_by_value": [op.type for op in _new_ops(tf, lambda: tf.clip_by_value(x, 0.0, 1.0))],
            "sparse_xent": tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=tf.constant([0, 1]), logits=x).op.type}
    return {"info": info}


def _new_ops(tf, fn):
    """The ops ``fn`` adds to the default graph, in creation order."""
    g = tf.get_default_graph()
    before = {op.name for op in g.get_operations()}
    fn()
    return [op for op in g.get_operations() if op.name not in before]


# --------------------------------------------------------- the lecture's whole program

# Smaller than the lecture's N, D, H = 64, 1000, 100 to keep the reference file small.
N, D, H = 16, 50, 20
LEARNING_RATE = 1e-5
STEPS = 50


def _lecture_data(np):
    rng = np.random.default_rng(20)
    # float64 arrays, as np.random.randn gives; scaled so that lr 1e-5 moves the loss
    return {"x": rng.normal(size=(N, D)) * 2.0, "y": rng.normal(size=(N, D)),
            "w1": rng.normal(size=(D, H)), "w2": rng.normal(size=(H, D))}


def _two_layer(tf, x, y, w1, w2):
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    diff = y_pred - y
    loss = tf.reduce_mean(tf.reduce_sum(diff ** 2, axis=1))
    return loss


def case_lecture_feed_dict(tf, np):
    """The lecture's first program: weights as placeholders, updated in numpy outside the
    graph; float64 numpy arrays fed into float32 placeholders."""
    data = _lecture_data(np)
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.placeholder(tf.float32, shape=(D, H))
    w2 = tf.placeholder(tf.float32, shape=(H, D))
    loss = _two_layer(tf, x, y, w1, w2)
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])

    def run(sess, inputs):
        values = {x: inputs["x"], y: inputs["y"], w1: inputs["w1"].copy(),
                  w2: inputs["w2"].copy()}
        losses, g1_first, g2_first = [], None, None
        for t in range(STEPS):
            loss_val, grad_w1_val, grad_w2_val = sess.run([loss, grad_w1, grad_w2],
                                                          feed_dict=values)
            if t == 0:
                g1_first, g2_first = grad_w1_val, grad_w2_val
            losses.append(loss_val)
            values[w1] -= LEARNING_RATE * grad_w1_val
            values[w2] -= LEARNING_RATE * grad_w2_val
        return {"losses": np.array(losses), "grad_w1_step0": g1_first,
                "grad_w2_step0": g2_first, "w2_final": values[w2]}
    return {"inputs": data, "run": run,
            "info": {"loss_dtype": loss.dtype.name, "grad_dtypes": [grad_w1.dtype.name,
                                                                   grad_w2.dtype.name]}}


def _lecture_variables(tf, np):
    data = _lecture_data(np)
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.Variable(data["w1"].astype(np.float32))
    w2 = tf.Variable(data["w2"].astype(np.float32))
    loss = _two_layer(tf, x, y, w1, w2)
    grad_w1, grad_w2 = tf.gradients(loss, [w1, w2])
    new_w1 = w1.assign(w1 - LEARNING_RATE * grad_w1)
    new_w2 = w2.assign(w2 - LEARNING_RATE * grad_w2)
    updates = tf.group(new_w1, new_w2)
    return data, x, y, w1, w2, loss, updates


def case_lecture_variables(tf, np):
    """The lecture's second program: tf.Variable weights, assign, tf.group, 50 steps of
    sess.run([loss, updates])."""
    data, x, y, w1, w2, loss, updates = _lecture_variables(tf, np)

    def run(sess, inputs):
        sess.run(tf.global_variables_initializer())
        values = {x: inputs["x"], y: inputs["y"]}
        losses = []
        for t in range(STEPS):
            loss_val, _ = sess.run([loss, updates], feed_dict=values)
            losses.append(loss_val)
        return {"losses": np.array(losses), "w2_final": sess.run(w2)}
    return {"inputs": data, "run": run}


def case_lecture_forgot_updates(tf, np):
    """The lecture's bug: fetching only [loss], the assigns never run, the loss is constant."""
    data, x, y, w1, w2, loss, updates = _lecture_variables(tf, np)

    def run(sess, inputs):
        sess.run(tf.global_variables_initializer())
        values = {x: inputs["x"], y: inputs["y"]}
        losses = [sess.run([loss], feed_dict=values)[0] for _ in range(STEPS)]
        w1_unchanged = np.array_equal(sess.run(w1), inputs["w1"].astype(np.float32))
        return {"losses": np.array(losses), "w1_unchanged": np.array(w1_unchanged)}
    return {"inputs": data, "run": run}


def case_lecture_optimizer(tf, np):
    """The lecture's next slides: tf.train.GradientDescentOptimizer and tf.losses."""
    data = _lecture_data(np)
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    w1 = tf.Variable(data["w1"].astype(np.float32))
    w2 = tf.Variable(data["w2"].astype(np.float32))
    h = tf.maximum(tf.matmul(x, w1), 0)
    y_pred = tf.matmul(h, w2)
    loss = tf.losses.mean_squared_error(y_pred, y)
    optimizer = tf.train.GradientDescentOptimizer(1e-3)
    updates = optimizer.minimize(loss)

    def run(sess, inputs):
        sess.run(tf.global_variables_initializer())
        values = {x: inputs["x"], y: inputs["y"]}
        losses = [sess.run([loss, updates], feed_dict=values)[0] for _ in range(STEPS)]
        return {"losses": np.array(losses)}
    return {"inputs": data, "run": run}


# ---------------------------------------------- tf.train optimizers: their fused updates

TRAIN_STEPS = 5


def _train_trajectory(tf, np, make_optimizer, slot_names, dtype="float32", seed=71):
    """A small linear regression trained with ``make_optimizer(tf).minimize(loss)``: before
    each step its loss, after each step every variable and every slot (and Adam's
    beta1_power / beta2_power), as arrays with one row per step. Each run fetches the train
    op alone, so no TF1 reference variable is read while an update writes it. "info"
    records the ops (name and type) the optimizer built in each variable's update scope
    (TF1: one fused Apply op, after the Casts of its float32 hyperparameters for a float64
    variable)."""
    rng = np.random.default_rng(seed)
    xv = rng.normal(size=(8, 3)).astype(dtype)
    true_w = np.array([[1.5, -1.0], [-2.0, 0.5], [0.5, 2.0]])
    yv = (xv @ true_w + 0.3 + 0.1 * rng.normal(size=(8, 2))).astype(dtype)
    w0 = (0.3 * rng.normal(size=(3, 2))).astype(dtype)
    x = tf.placeholder(dtype, shape=(None, 3))
    y = tf.placeholder(dtype, shape=(None, 2))
    w = tf.Variable(w0, name="w")
    b = tf.Variable(np.zeros(2, dtype=dtype), name="b")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    optimizer = make_optimizer(tf)
    train = optimizer.minimize(loss)
    tracked = [(v.op.name, v) for v in (w, b)]
    tracked += [("%s/%s" % (v.op.name, name), optimizer.get_slot(v, name))
                for v in (w, b) for name in slot_names]
    powers = [v for v in optimizer.variables() if v.op.name in ("beta1_power", "beta2_power")]
    tracked += [(v.op.name, v) for v in powers]
    scope = optimizer.get_name() + "/update_"
    update_types = sorted("%s (%s)" % (op.name, op.type)
                          for op in tf.get_default_graph().get_operations()
                          if op.name.startswith(scope))

    def run(sess, inputs):
        sess.run(tf.global_variables_initializer())
        feed = {x: inputs["x"], y: inputs["y"]}
        out = {name: [] for name, _ in tracked}
        out["loss"] = []
        for _ in range(TRAIN_STEPS):
            out["loss"].append(sess.run(loss, feed))
            sess.run(train, feed)
            for name, v in tracked:
                out[name].append(sess.run(v))
        return {name: np.array(values) for name, values in out.items()}
    return {"inputs": {"x": xv, "y": yv, "w0": w0}, "run": run,
            "info": {"slots": [t.op.name for _, t in tracked[2:]],
                     "update_types": update_types,
                     "train_op": [train.name, train.type]}}


def case_train_gradient_descent_float64(tf, np):
    """ApplyGradientDescent on float64 variables: the float32 learning rate is cast."""
    return _train_trajectory(tf, np, lambda tf: tf.train.GradientDescentOptimizer(0.1), [],
                             dtype="float64")


def case_train_momentum(tf, np):
    """ApplyMomentum: accum = accum * momentum + grad; var -= lr * accum."""
    return _train_trajectory(tf, np, lambda tf: tf.train.MomentumOptimizer(0.05, 0.9),
                             ["momentum"])


def case_train_nesterov(tf, np):
    """ApplyMomentum with use_nesterov."""
    return _train_trajectory(
        tf, np, lambda tf: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
        ["momentum"])


def case_train_adam(tf, np):
    """ApplyAdam, and beta1_power / beta2_power advanced by Adam/Assign, Adam/Assign_1."""
    return _train_trajectory(tf, np, lambda tf: tf.train.AdamOptimizer(0.1), ["m", "v"])


def case_train_adam_float64(tf, np):
    """ApplyAdam on float64 variables, tuned hyperparameters (the powers stay float32)."""
    return _train_trajectory(
        tf, np, lambda tf: tf.train.AdamOptimizer(0.05, beta1=0.8, beta2=0.99, epsilon=1e-3),
        ["m", "v"], dtype="float64")


def case_train_adagrad(tf, np):
    """ApplyAdagrad: accum += grad^2; var -= lr * grad / sqrt(accum)."""
    return _train_trajectory(tf, np, lambda tf: tf.train.AdagradOptimizer(0.3),
                             ["accumulator"])


def case_train_adadelta(tf, np):
    """ApplyAdadelta: steps sized by sqrt(accum_update + eps) / sqrt(accum + eps), at a
    learning rate that moves the variables visibly."""
    return _train_trajectory(tf, np, lambda tf: tf.train.AdadeltaOptimizer(1.0, rho=0.9),
                             ["accum", "accum_update"])


def case_train_rmsprop(tf, np):
    """ApplyRMSProp with a momentum."""
    return _train_trajectory(
        tf, np, lambda tf: tf.train.RMSPropOptimizer(0.01, decay=0.8, momentum=0.5,
                                                     epsilon=1e-6), ["rms", "momentum"])


def case_train_rmsprop_centered(tf, np):
    """ApplyCenteredRMSProp: the mean gradient mg is subtracted out."""
    return _train_trajectory(
        tf, np, lambda tf: tf.train.RMSPropOptimizer(0.01, momentum=0.3, centered=True),
        ["rms", "mg", "momentum"])


def case_train_fed_gradients(tf, np):
    """Each optimizer's fused update alone: ``apply_gradients`` of a fed gradient to a small
    float32 variable, three steps. Only elementwise float32 arithmetic is involved (no
    matmul), so minigraph must give TF1's kernels' numbers bit for bit (fewer than 8
    elements: TF's Adagrad multiplies by Eigen's rsqrt, approximated on whole SIMD packets)."""
    rng = np.random.default_rng(72)
    optimizers = {
        "gd": lambda: tf.train.GradientDescentOptimizer(0.1),
        "momentum": lambda: tf.train.MomentumOptimizer(0.05, 0.9),
        "nesterov": lambda: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
        "adam": lambda: tf.train.AdamOptimizer(0.1),
        "adagrad": lambda: tf.train.AdagradOptimizer(0.3),
        "rmsprop": lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5, epsilon=1e-6),
        "centered": lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.3, centered=True),
        "adadelta": lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-4),
    }
    inputs, tracked, trains, feeds = {}, [], [], []
    for name, make in optimizers.items():
        inputs[name + "_init"] = _away(rng, (2, 3))
        inputs[name + "_grads"] = _f32(rng.normal(size=(3, 2, 3)))
        v = tf.Variable(inputs[name + "_init"], name=name)
        g = tf.placeholder(tf.float32, shape=(2, 3))
        optimizer = make()
        trains.append(optimizer.apply_gradients([(g, v)]))
        feeds.append((g, name + "_grads"))
        tracked.append((name, v))
        tracked += [("%s/%s" % (name, slot), optimizer.get_slot(v, slot))
                    for slot in optimizer.get_slot_names()]

    def run(sess, inputs):
        sess.run(tf.global_variables_initializer())
        out = {key: [] for key, _ in tracked}
        for t in range(3):
            sess.run(trains, {g: inputs[key][t] for g, key in feeds})
            for key, v in tracked:
                out[key].append(sess.run(v))
        return {key: np.array(values) for key, values in out.items()}
    return {"inputs": inputs, "run": run,
            "info": {"update_ops": [op.name for op in tf.get_default_graph().get_operations()
                                    if "/update_" in op.name]}}


# ------------------------------------------------------------------------------ tf.data

def case_data_linear_regression(tf, np):
    """tf.data feeding a linear model, as TF1 tutorials write it: from_tensor_slices of two
    placeholders fed at the initializer, batch(4) (10 examples: batches of 4, 4, 2), an
    initializable iterator run once per epoch until OutOfRangeError, for 2 epochs of SGD.
    Plus a one-shot pipeline (map, repeat, batch with drop_remainder, take, skip, zip) whose
    elements are recorded, and the static shapes and dtypes of get_next."""
    rng = np.random.default_rng(41)
    xv = _f32(rng.normal(size=(10, 3)))
    yv = _f32(xv @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * rng.normal(size=(10, 1)))
    x_in = tf.placeholder(tf.float32, shape=(None, 3))
    y_in = tf.placeholder(tf.float32, shape=(None, 1))
    dataset = tf.data.Dataset.from_tensor_slices((x_in, y_in)).batch(4)
    iterator = dataset.make_initializable_iterator()
    xb, yb = iterator.get_next()
    w = tf.Variable(tf.zeros((3, 1)))
    b = tf.Variable(tf.zeros((1,)))
    loss = tf.reduce_mean(tf.square(tf.matmul(xb, w) + b - yb))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

    values = tf.data.Dataset.from_tensor_slices(np.arange(12, dtype=np.float32).reshape(6, 2))
    other = tf.data.Dataset.range(100, 200)
    pipeline = tf.data.Dataset.zip((values.map(lambda v: v * 2.0 + 1.0), other)) \
        .skip(1).repeat(2).take(9).batch(2, drop_remainder=True)
    one_shot = pipeline.make_one_shot_iterator()
    pv, pi = one_shot.get_next()
    fetch = {}

    def run(sess, inputs):
        sess.run(tf.global_variables_initializer())
        losses, epoch_ends = [], []
        for _ in range(2):
            sess.run(iterator.initializer, feed_dict={x_in: inputs["x"], y_in: inputs["y"]})
            while True:
                try:
                    losses.append(sess.run([loss, train])[0])
                except tf.errors.OutOfRangeError:
                    break
            epoch_ends.append(len(losses))
        batches_v, batches_i = [], []
        while True:
            try:
                v, i = sess.run([pv, pi])
            except tf.errors.OutOfRangeError:
                break
            batches_v.append(v)
            batches_i.append(i)
        return {"losses": np.array(losses), "epoch_ends": np.array(epoch_ends),
                "w": sess.run(w), "b": sess.run(b), "pipeline_values": np.array(batches_v),
                "pipeline_indices": np.array(batches_i)}
    info = {"get_next_shapes": [_shape_str(t) for t in (xb, yb, pv, pi)],
            "get_next_dtypes": [t.dtype.name for t in (xb, yb, pv, pi)],
            "get_next_ops": [t.op.type for t in (xb, pv)],
            "iterator_ops": [iterator.initializer.type, xb.op.inputs[0].op.type,
                             pv.op.inputs[0].op.type]}
    return {"inputs": {"x": xv, "y": yv}, "fetch": fetch, "info": info, "run": run}


# ------------------------------------------------- what TF1 scripts from the web call

def case_tf1_script_ops(tf, np):
    """The deprecated casts (tf.to_float...), tf.arg_max/arg_min, tf.nn.in_top_k (ties, NaN,
    a target out of range, k from 0 to 4), softmax cross-entropy with integer one-hot labels
    (cast to the logits' dtype) and a string constant fetched as bytes."""
    rng = np.random.default_rng(31)
    xi = tf.placeholder(tf.int32, shape=(None, 3))
    xf = tf.placeholder(tf.float32, shape=(None, 3))
    xiv = rng.integers(-5, 5, size=(4, 3)).astype(np.int32)
    xfv = _f32(rng.normal(size=(4, 3)) * 3)
    fetch, info = {}, {}
    for fn in (tf.to_float, tf.to_double, tf.to_int32, tf.to_int64):
        for src, x in (("int", xi), ("float", xf)):
            y = fn(x)
            fetch["%s/%s" % (fn.__name__, src)] = y
            info["%s/%s/op" % (fn.__name__, src)] = [y.op.name, y.op.type]
    fetch["arg_max"] = tf.arg_max(xf, 1)
    fetch["arg_min"] = tf.arg_min(xf, dimension=0)
    fetch["arg_max_int32"] = tf.arg_max(xf, 1, output_type=tf.int32)
    scores = tf.placeholder(tf.float32, shape=(None, 4))
    targets = tf.placeholder(tf.int32, shape=(None,))
    scores_v = _f32([[1, 2, 2, 0], [3, 3, 3, 3], [1, np.nan, 0, 0], [5, 4, 4, 1],
                     [1, 2, 3, 4], [0, 1, 2, 3], [0, 0, 0, 0], [2, -np.inf, 1, 0]])
    targets_v = np.array([1, 2, 0, 2, 4, -1, 3, 0], dtype=np.int32)
    for k in range(5):
        z = tf.nn.in_top_k(scores, targets, k)
        fetch["in_top_k/k%d" % k] = z
    info["in_top_k/names"] = [z.op.name, z.op.type, z.op.inputs[2].op.name]
    t64 = tf.placeholder(tf.int64, shape=(None,))
    fetch["in_top_k/int64"] = tf.math.in_top_k(scores, t64, 2)
    logits = tf.placeholder(tf.float32, shape=(None, 3))
    onehot = tf.placeholder(tf.int32, shape=(None, 3))
    logits_v = _f32(rng.normal(size=(5, 3)) * 2)
    onehot_v = np.eye(3, dtype=np.int32)[rng.integers(0, 3, size=5)]
    for name, fn in (("v1", tf.nn.softmax_cross_entropy_with_logits),
                     ("v2", tf.nn.softmax_cross_entropy_with_logits_v2)):
        z = fn(labels=onehot, logits=logits)
        fetch["xent_int_labels/" + name] = z
        info["xent_int_labels/%s/grad_pattern" % name] = _grads(
            tf, fetch, "xent_int_labels/" + name, z, [logits], ["logits"])
    fetch["xent_list_labels"] = tf.nn.softmax_cross_entropy_with_logits_v2(
        labels=[[0, 1, 0]] * 5, logits=logits)
    fetch["string"] = tf.constant("héllo")
    fetch["string_bytes"] = tf.constant(b"raw")
    feed = {xi: xiv, xf: xfv, scores: scores_v, targets: targets_v,
            t64: targets_v.astype(np.int64), logits: logits_v, onehot: onehot_v}

    def run(sess, inputs):   # keras.utils.to_categorical is numpy, no graph
        to_categorical = tf.keras.utils.to_categorical
        return {"to_categorical": to_categorical([0, 2, 1]),
                "to_categorical/classes": to_categorical([0, 2, 1], num_classes=4),
                "to_categorical/column": to_categorical(np.array([[0], [2]])),
                "to_categorical/2d": to_categorical(np.array([[0, 1], [2, 0]])),
                "to_categorical/floats_negative": to_categorical([0.5, 1.7, -1]),
                "to_categorical/int32": to_categorical([0, 1], dtype="int32"),
                "to_categorical/empty": to_categorical([], num_classes=3)}
    return {"fetch": fetch, "feed": feed, "info": info, "run": run}


# ---------------------------------------------------------------------- tf.summary.image

def _decode_png(png):
    """The pixels of an 8-bit PNG (grey, grey+alpha, RGB, RGBA; any row filter) as a uint8
    array (height, width, channels): a decoder of its own, so that both engines' images are
    read the same way (their encoders differ; their pixels must not)."""
    import struct
    import zlib
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    w, h, bits, color_type, _, _, interlace = header
    assert bits == 8 and interlace == 0
    c = {0: 1, 4: 2, 2: 3, 6: 4}[color_type]
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, 1 + w * c)
    out = np.zeros((h, w * c), dtype=np.int64)
    for y in range(h):
        f, row = raw[y, 0], raw[y, 1:].astype(np.int64)
        up = out[y - 1] if y else np.zeros(w * c, dtype=np.int64)
        line = np.zeros(w * c, dtype=np.int64)
        for x in range(w * c):
            a = line[x - c] if x >= c else 0
            b = up[x]
            d = up[x - c] if x >= c else 0
            if f == 0:
                pred = 0
            elif f == 1:
                pred = a
            elif f == 2:
                pred = b
            elif f == 3:
                pred = (a + b) // 2
            else:
                p_ = a + b - d
                pa, pb, pc = abs(p_ - a), abs(p_ - b), abs(p_ - d)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else d)
            line[x] = (row[x] + pred) % 256
        out[y] = line
    return out.astype(np.uint8).reshape(h, w, c)


def _read_events(logdir):
    """The Event protos of the one event file in ``logdir`` (TFRecord framing: length, its
    CRC, the record, its CRC), parsed with whichever copy of TF's protos is installed."""
    import glob
    import struct
    try:
        from tensorboard.compat.proto import event_pb2
    except ImportError:
        from tensorflow.core.util import event_pb2
    (path,) = glob.glob(logdir + "/events.out.tfevents.*")
    with open(path, "rb") as f:
        data = f.read()
    events, pos = [], 0
    while pos < len(data):
        (n,) = struct.unpack("<Q", data[pos:pos + 8])
        events.append(event_pb2.Event.FromString(data[pos + 12:pos + 12 + n]))
        pos += 16 + n
    return events


def _run_metadata(serialized):
    try:
        from tensorboard.compat.proto import config_pb2
    except ImportError:
        from tensorflow.core.protobuf import config_pb2
    return config_pb2.RunMetadata.FromString(serialized)


def case_summary_image(tf, np):
    """tf.summary.image: TF1's tags (<tag>/image/<i>, <tag>/image when max_outputs is 1,
    name scopes, family), how many images of a batch are kept, and their pixels, written by
    a FileWriter and read back by TensorBoard's EventAccumulator: float images scaled per
    image (all >= 0: by 255 / max; with negatives: 127 / max|v| around 128), NaN and
    infinity as red, uint8 as they are, float64, RGB and RGBA. And add_run_metadata: the
    tag TensorBoard reads back, with the traced ops' names."""
    rng = np.random.default_rng(91)
    nan = _f32(rng.uniform(0, 1, size=(1, 3, 4, 3)))
    nan[0, 0, 1, 2], nan[0, 2, 3, 0] = np.nan, np.inf
    inputs = {
        "grey": _f32(rng.uniform(0, 1, size=(5, 4, 3, 1))),
        "signed": _f32(rng.normal(size=(2, 3, 3, 1))),
        "rgb": _f32(rng.uniform(0, 3, size=(2, 2, 5, 3))),
        "rgba": _f32(rng.uniform(-1, 1, size=(1, 3, 2, 4))),
        "nan": nan,
        "f64": rng.normal(size=(1, 2, 3, 3)),
        "u8": rng.integers(0, 256, size=(3, 4, 4, 1)).astype(np.uint8),
        "zeros": np.zeros((1, 2, 2, 1), dtype=np.float32),
    }
    x = tf.placeholder(tf.float32, shape=(None, 12), name="x")
    with tf.name_scope("input_reshape"):
        tf.summary.image("input", tf.reshape(x, [-1, 4, 3, 1]), 10)
    tf.summary.image("signed", tf.constant(inputs["signed"]))
    tf.summary.image("rgb", tf.constant(inputs["rgb"]), max_outputs=1, family="colour")
    tf.summary.image("rgba", tf.constant(inputs["rgba"]))
    tf.summary.image("nan", tf.constant(inputs["nan"]))
    tf.summary.image("f64", tf.constant(inputs["f64"]))
    tf.summary.image("u8", tf.constant(inputs["u8"]), max_outputs=2)
    tf.summary.image("zeros", tf.constant(inputs["zeros"]))
    merged = tf.summary.merge_all()
    w = tf.Variable(tf.ones((12, 2)), name="w")
    y = tf.matmul(x, w, name="y")

    def run(sess, inputs):
        import shutil
        import tempfile
        logdir = tempfile.mkdtemp()
        try:
            writer = tf.summary.FileWriter(logdir)
            sess.run(tf.global_variables_initializer())
            feed = {x: inputs["grey"].reshape(-1, 12)}
            writer.add_summary(sess.run(merged, feed), 3)
            md = tf.RunMetadata()
            sess.run(y, feed, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                     run_metadata=md)
            writer.add_run_metadata(md, "step007", 7)
            writer.close()
            events = _read_events(logdir)
        finally:
            shutil.rmtree(logdir, ignore_errors=True)
        out, tags = {}, []
        for event in events:
            for v in event.summary.value:
                if v.WhichOneof("value") == "image":
                    tags.append(v.tag)
                    pixels = _decode_png(v.image.encoded_image_string)
                    assert pixels.shape == (v.image.height, v.image.width, v.image.colorspace)
                    out["pixels/" + v.tag] = pixels
                    out["step/" + v.tag] = np.array(event.step)
            if event.HasField("tagged_run_metadata"):
                meta = event.tagged_run_metadata
                out["run_metadata/tag_and_step"] = np.array([meta.tag, str(event.step)])
                names = [n.node_name for d in _run_metadata(meta.run_metadata).step_stats
                         .dev_stats for n in d.node_stats]
                out["run_metadata/has"] = np.array(["y" in names, "w/read" in names])
        out["tags"] = np.array(tags)
        return out
    return {"inputs": inputs, "run": run}


# ----------------------------------------------------------------------- tf.feature_column

def case_feature_columns(tf, np):
    """tf.feature_column.input_layer of numeric and indicator columns: the low-level guide's
    program, then words missing from the vocabulary (no id: a row of zeros), empty strings
    (dropped), several words per example (multi-hot counts), an integer vocabulary with a
    default id, a numeric column of shape (2,) with a normalizer, features fed through
    placeholders (batch size unknown), the static shapes, and the lookup before and after
    tf.tables_initializer() (TF1: FailedPreconditionError "Table not initialized.", then
    the values; a second initializer run changes nothing)."""
    fc = tf.feature_column
    department = fc.categorical_column_with_vocabulary_list(
        "department", ["sports", "gardening"])
    guide = fc.input_layer(
        {"sales": [[5], [10], [8], [9]],
         "department": ["sports", "sports", "gardening", "gardening"]},
        [fc.numeric_column("sales"), fc.indicator_column(department)])
    words = tf.placeholder(tf.string, shape=(None, 3), name="words")
    ids = tf.placeholder(tf.int64, shape=(None,), name="ids")
    pairs = tf.placeholder(tf.float32, shape=(None, 2), name="pairs")
    mixed = fc.input_layer(
        {"tags": words, "code": ids, "pair": pairs},
        [fc.indicator_column(fc.categorical_column_with_vocabulary_list(
            "tags", ["red", "green", "blue", "red-ish"])),
         fc.indicator_column(fc.categorical_column_with_vocabulary_list(
             "code", [30, 10, 20], default_value=1)),
         fc.numeric_column("pair", shape=(2,), normalizer_fn=lambda x: x * 0.5 - 1.0)])
    inputs = {"words": np.array([["red", "red", ""], ["green", "black", "blue"],
                                 ["", "", ""], ["red-ish", "blue", "red"]]),
              "ids": np.array([10, 20, 99, 30], dtype=np.int64),
              "pairs": np.array([[1, 2], [3, 4], [5, 6], [7, 8]], dtype=np.float32)}

    def run(sess, inputs):
        out = {}
        try:
            sess.run(guide)
            out["before_init"] = np.array("ran")
        except tf.errors.FailedPreconditionError as e:
            out["before_init"] = np.array([type(e).__name__,
                                           "Table not initialized." in e.message])
        sess.run(tf.tables_initializer())
        out["guide"] = sess.run(guide)
        out["mixed"] = sess.run(mixed, {words: inputs["words"], ids: inputs["ids"],
                                        pairs: inputs["pairs"]})
        sess.run(tf.tables_initializer())
        out["guide_again"] = sess.run(guide)
        return out
    return {"run": run, "inputs": inputs,
            "info": {"shapes": [str(guide.shape), str(mixed.shape)],
                     "names": [guide.name, mixed.name],
                     "initializer": tf.tables_initializer().type}}


# ---------------------------------------------------------------- control flow (TF1's v1)

def case_cond(tf, np):
    """tf.cond: values and gradients (of the inputs and of a variable) with each predicate,
    nested conds and tf.case, run after run with different predicates; the outside-op trap
    (an assign_add made before the cond, read by one branch, runs whichever branch is
    taken); the errors TF1 raises while building (structures, dtypes, a Python bool)."""
    rng = np.random.default_rng(81)
    xv = _away(rng, (3, 4))
    w0 = _away(rng, (4, 2))
    x = tf.placeholder(tf.float32, shape=(3, 4))
    p = tf.placeholder(tf.bool, shape=())
    q = tf.placeholder(tf.bool, shape=())
    w = tf.Variable(w0, name="w")
    counter = tf.Variable(0.0, name="counter")
    bump = counter.assign_add(1.0)   # made outside the branches: the trap
    h = tf.matmul(x, w)
    y = tf.cond(p, lambda: tf.tanh(h) * 2.0, lambda: tf.square(h) - x[:, :2])
    loss = tf.reduce_sum(y * y)
    d_x, d_w = tf.gradients(loss, [x, w])
    nested = tf.cond(p, lambda: tf.cond(q, lambda: h + 1.0, lambda: h * h),
                     lambda: tf.exp(h * 0.1))
    d_nested, = tf.gradients(tf.reduce_sum(nested), [w])
    picked = tf.case([(tf.reduce_sum(x) < 0.0, lambda: -h), (q, lambda: h * 3.0)],
                     default=lambda: h + 10.0)
    trapped = tf.cond(p, lambda: bump * 10.0, lambda: tf.constant(-1.0))

    def run(sess, inputs):
        sess.run(tf.global_variables_initializer())
        out = {}
        for pv in (True, False):
            for qv in (True, False):
                feed = {x: inputs["x"], p: pv, q: qv}
                key = "p%d_q%d" % (pv, qv)
                values = sess.run([y, loss, d_x, d_w, nested, d_nested, picked, trapped],
                                  feed)
                for name, v in zip(["y", "loss", "d_x", "d_w", "nested", "d_nested",
                                    "picked", "trapped"], values):
                    out["%s/%s" % (key, name)] = v
                out[key + "/counter"] = sess.run(counter)
        out["picked_negative"] = sess.run(picked, {x: -np.abs(inputs["x"]), q: True})
        return out

    errors = {
        "structure": lambda: tf.cond(p, lambda: x, lambda: (x, x)),
        "tuple_vs_list": lambda: tf.cond(p, lambda: (x, x), lambda: [x, x]),
        "dtype": lambda: tf.cond(p, lambda: x, lambda: tf.cast(x, tf.int32)),
        "no_value": lambda: tf.cond(p, lambda: x, lambda: None),
        "python_bool": lambda: tf.cond(True, lambda: x, lambda: x),
        "float_pred": lambda: tf.cond(tf.reduce_sum(x), lambda: x, lambda: x),
        "vector_pred": lambda: tf.cond(x[0] > 0, lambda: x, lambda: x),
        "not_callable": lambda: tf.cond(p, x, lambda: x),
    }
    info = {"errors/" + k: _error_name(fn) for k, fn in errors.items()}
    info["shapes"] = [_shape_str(t) for t in (
        tf.cond(p, lambda: x, lambda: x[:, :2] * 1.0),
        tf.cond(p, lambda: x, lambda: x[1:] * 1.0),
        tf.cond(p, lambda: x[0], lambda: x))]
    info["op_types"] = [y.op.type, y.op.inputs[0].op.type, y.op.inputs[1].op.type]
    return {"inputs": {"x": xv}, "run": run, "info": info}


def case_while_loop(tf, np):
    """tf.while_loop: a recurrence h <- tanh(h W + x_t) over 5 steps with its gradients for
    W, the inputs and the initial state; a product loop; maximum_iterations; a loop that
    runs no iteration; nested loops, and their gradients; a loop variable whose shape grows
    (shape_invariants); a recurrence whose step is a tf.cond, and its gradients; and the
    errors TF1 raises (body structure, shapes, maximum_iterations)."""
    rng = np.random.default_rng(82)
    T, B, H = 5, 2, 3
    xs_v = _f32(rng.normal(size=(T, B, H)))
    w_v = _f32(rng.normal(size=(H, H)) * 0.5)
    h0_v = _f32(rng.normal(size=(B, H)))
    xs = tf.placeholder(tf.float32, shape=(T, B, H))
    w = tf.placeholder(tf.float32, shape=(H, H))
    h0 = tf.placeholder(tf.float32, shape=(B, H))
    a = tf.placeholder(tf.float32, shape=())

    def step(t, h):
        return t + 1, tf.tanh(tf.matmul(h, w) + tf.gather(xs, t))
    _, h = tf.while_loop(lambda t, h: t < T, step, [tf.constant(0), h0])
    loss = tf.reduce_sum(h * h)
    d_w, d_xs, d_h0 = tf.gradients(loss, [w, xs, h0])
    power = tf.while_loop(lambda i, p: i < 4, lambda i, p: (i + 1, p * a), [0, tf.ones(())])[1]
    d_a, = tf.gradients(power, a)
    capped = tf.while_loop(lambda v: v < 1000.0, lambda v: v * a + 1.0, [a],
                           maximum_iterations=3)
    d_capped, = tf.gradients(capped, a)
    none = tf.while_loop(lambda v: v > 1e9, lambda v: v * a, [a])
    d_none, = tf.gradients(none, a)

    def outer(i, s):
        _, s2 = tf.while_loop(lambda j, u: j < i, lambda j, u: (j + 1, u + a), [0, s])
        return i + 1, s2
    nested = tf.while_loop(lambda i, s: i < 4, outer, [0, tf.zeros(())])[1]

    def outer_tanh(i, s):   # a loop in a loop, reading the outer loop's values: gradients
        _, s2 = tf.while_loop(lambda j, u: j < i + 1,
                              lambda j, u: (j + 1, tf.tanh(u) * a + s * 0.5), [0, s])
        return i + 1, s2 * h0[0]
    nested_tanh = tf.while_loop(lambda i, s: i < 3, outer_tanh, [0, h0[1]])[1]
    d_nested_a, d_nested_h0 = tf.gradients(tf.reduce_sum(nested_tanh * nested_tanh), [a, h0])
    grown = tf.while_loop(lambda v: tf.size(v) < 9, lambda v: tf.concat([v, v * 2.0], 0),
                          [tf.reshape(a, [1])], shape_invariants=[tf.TensorShape([None])])
    _, branchy = tf.while_loop(
        lambda t, v: t < T,
        lambda t, v: (t + 1, tf.cond(tf.reduce_sum(v) > 0.0,
                                     lambda: tf.tanh(tf.matmul(v, w)) - tf.gather(xs, t),
                                     lambda: v * a + tf.gather(xs, t))),
        [tf.constant(0), h0])
    d_branchy_w, d_branchy_a, d_branchy_xs = tf.gradients(tf.reduce_sum(branchy * branchy),
                                                          [w, a, xs])
    # TF1's gradients of the gathers are IndexedSlices: dense here, of a known static shape
    d_xs = tf.reshape(tf.convert_to_tensor(d_xs), [T, B, H])
    d_branchy_xs = tf.reshape(tf.convert_to_tensor(d_branchy_xs), [T, B, H])
    fetch = {"h": h, "loss": loss, "d_w": d_w, "d_xs": d_xs, "d_h0": d_h0, "power": power,
             "d_a": d_a, "capped": capped, "d_capped": d_capped, "none": none,
             "d_none": d_none, "nested": nested, "grown": grown, "branchy": branchy,
             "d_branchy_w": d_branchy_w, "d_branchy_a": d_branchy_a,
             "d_branchy_xs": d_branchy_xs, "nested_tanh": nested_tanh,
             "d_nested_a": d_nested_a, "d_nested_h0": d_nested_h0}
    errors = {
        "count": lambda: tf.while_loop(lambda v: v < 1.0, lambda v: (v, v), [a]),
        "shape": lambda: tf.while_loop(lambda v: tf.size(v) < 9,
                                       lambda v: tf.concat([v, v], 0), [tf.reshape(a, [1])]),
        "invariant": lambda: tf.while_loop(lambda v: v < 1.0, lambda v: v, [a],
                                           shape_invariants=[tf.TensorShape([2])]),
        "max_iterations_not_scalar": lambda: tf.while_loop(lambda v: v < 1.0, lambda v: v,
                                                           [a], maximum_iterations=[3]),
        "float_cond": lambda: tf.while_loop(lambda v: v, lambda v: v, [a]),
        "empty": lambda: tf.while_loop(lambda v: v < 1.0, lambda v: v, []),
    }
    info = {"errors/" + k: _error_name(fn) for k, fn in errors.items()}
    info["shapes"] = [_shape_str(t) for t in (h, power, capped, nested, grown)]
    return {"fetch": fetch, "feed": {xs: xs_v, w: w_v, h0: h0_v, a: np.float32(1.5)},
            "info": info}


# ------------------------------------------------------------------------ the runner

def all_cases():
    return [k[len("case_"):] for k in globals() if k.startswith("case_")
            and callable(globals()[k])]


def get_case(name):
    return globals()["case_" + name]


def _shape_str(t):
    """A static shape as text: "-1,3" (None dims as -1), "" for a scalar, "unknown" rank."""
    s = t.shape
    if s.ndims is None:
        return "unknown"
    return ",".join("-1" if d is None else str(int(d)) for d in s.as_list())


def _str_array(v):
    if isinstance(v, (list, tuple)):
        return np.array([str(e) for e in v])
    return np.array(str(v))


def collect(tf, case_fn, stored=None):
    """Run ``case_fn`` under ``tf`` in a fresh graph; return {key: ndarray}.

    Keys (the reference file prefixes them with "<case>/"):
      <name>             the fetched value of fetch <name>, or a value returned by "run"
      static/names, static/dtypes, static/shapes   per fetch, its static dtype and shape
      feed/<i>           the i-th feed_dict value;   input/<name>   the "inputs" arrays
      info/<name>        the "info" facts, as strings
    With ``stored`` (a {key: ndarray} in this format), the feeds and inputs are replaced by the
    stored ones (the caller checks that the regenerated ones, also returned, equal them).
    """
    out = {}
    graph = tf.Graph()
    with graph.as_default():
        spec = case_fn(tf, np)
        feed = dict(spec.get("feed", {}))
        inputs = dict(spec.get("inputs", {}))
        for i, (ph, val) in enumerate(list(feed.items())):
            key = "feed/%d" % i
            out[key] = np.asarray(val)
            if stored is not None:
                feed[ph] = stored[key]
        for name, val in list(inputs.items()):
            key = "input/%s" % name
            out[key] = np.asarray(val)
            if stored is not None:
                inputs[name] = stored[key]
        for name, val in spec.get("info", {}).items():
            out["info/%s" % name] = _str_array(val)
        fetch = spec.get("fetch", {})
        names = list(fetch)
        if names:
            out["static/names"] = np.array(names)
            out["static/dtypes"] = np.array([fetch[n].dtype.name for n in names])
            out["static/shapes"] = np.array([_shape_str(fetch[n]) for n in names])
        results = {}
        with tf.Session(graph=graph) as sess:
            if names:
                values = sess.run([fetch[n] for n in names], feed_dict=feed or None)
                results.update(zip(names, values))
            if "run" in spec:
                for name, v in spec["run"](sess, inputs).items():
                    assert name not in results, name
                    results[name] = v
        for name, v in results.items():
            out[name] = np.asarray(v)
    return out
