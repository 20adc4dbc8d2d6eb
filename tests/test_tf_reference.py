"""minigraph against numbers recorded from real TensorFlow 1 graph mode.

Each case in tests/tf_reference/cases.py is plain TF1 code; it was run under
``tensorflow.compat.v1`` (TF 2.21, eager and v2 behaviour disabled) by
tests/tf_reference/generate.py, which stored its fetched values, static shapes and dtypes, the
build-time facts it records (op types, dtype names, which gradients are None, exception
classes) and its inputs in tests/tf_reference/reference.npz. Here the same source runs with
``import minigraph as tf`` on the stored inputs and everything is compared. TensorFlow is not
needed to run this test.
"""

import importlib.util
import os

import numpy as np
import pytest

import minigraph as tf

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_reference")
REFERENCE = os.path.join(HERE, "reference.npz")

_spec = importlib.util.spec_from_file_location("tf_reference_cases",
                                               os.path.join(HERE, "cases.py"))
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)

with np.load(REFERENCE, allow_pickle=False) as _z:
    REF = {k: _z[k] for k in _z.files}

# (rtol, atol) by float dtype: single float32 ops are within a few ulp of TF's Eigen kernels.
DEFAULT_TOL = {"float16": (1e-3, 1e-4), "float32": (1e-5, 1e-6), "float64": (1e-12, 1e-14)}

# Looser only where float32 summation order legitimately differs (numpy's pairwise sums and
# BLAS vs Eigen's blocked reductions and matmul):
TOL = {
    # inner dimension 1000: the products z agree to ~1e-6 relative, but the gradients
    # (2 z) b^T and a^T (2 z) have entries up to ~550 that cancel down to ~1: observed
    # absolute error 2.3e-4 on such an entry of d_b (4e-7 of the largest entry)
    "matmul_big": (1e-5, 1e-3),
    # (reduce_large, sums of 1000 float32 values: observed rel. error 1e-7, default is enough)
    # the lecture programs: 50 steps of float32 training, loss ~1e4-1e5: 1e-4 relative per
    # step. Their step-0 gradients (entries up to ~2800) are sums over N=16 examples that can
    # cancel: observed absolute error up to 4.9e-4 (2e-7 of the largest entry; 6e-5 on an
    # entry of 0.025). Observed on the losses themselves: 2e-7 relative.
    "lecture_feed_dict": (1e-4, 1e-6),
    "lecture_feed_dict/grad_w1_step0": (1e-4, 1e-3),
    "lecture_feed_dict/grad_w2_step0": (1e-4, 1e-3),
    "lecture_variables": (1e-4, 1e-6),
    "lecture_forgot_updates": (1e-4, 1e-6),
    "lecture_optimizer": (1e-4, 1e-6),
    # the true branch's tanh saturates in one row (|tanh| = 0.99998): d_x there is a sum of
    # two products of 1 - tanh^2 (~4e-5, where one ulp of tanh is 1.6% of it) that cancels
    # to ~0.01: observed absolute error 1.7e-6 (5e-7 of the largest entry, 3.6)
    "cond/p1_q1/d_x": (1e-5, 1e-5),
    "cond/p1_q0/d_x": (1e-5, 1e-5),
}

CASES = [str(c) for c in REF["meta/cases"]]

# the "forgot to fetch the updates" case makes minigraph warn about it, by design
pytestmark = pytest.mark.filterwarnings("ignore:Session.run.*without running any of the")


# Where minigraph follows the 2017 lecture's TF1 on purpose rather than the TF 2.21
# compat.v1 that generated the reference, the reference's spelling is mapped to minigraph's.
# Each entry is a choice, not a tolerance: every other value must match as stored.
DELIBERATE = {
    # `x + y` and tf.add built "Add" in TF 1.0-1.13 (the lecture's era); "AddV2" came later.
    "op_types": {"AddV2": "Add"},
    # minigraph's variables read a snapshot per run, like TF's resource variables, and report
    # the value dtype; TF1's reference variables report "float32_ref".
    "variable_dtype": {"float32_ref": "float32"},
}


def _reference(name):
    prefix = name + "/"
    ref = {k[len(prefix):]: v for k, v in REF.items() if k.startswith(prefix)}
    for old, new in DELIBERATE.get(name, {}).items():
        for k, v in ref.items():
            if k.startswith("info/") and v.dtype.kind == "U":
                ref[k] = np.where(v == old, new, v).astype(v.dtype if len(new) <= v.itemsize // 4
                                                           else "<U%d" % len(new))
    return ref


def _tolerance(case, key, dtype):
    for k in ("%s/%s" % (case, key), case):
        if k in TOL:
            return TOL[k]
    return DEFAULT_TOL[dtype.name]


def _compare_value(case, key, want, got, problems):
    if got.dtype != want.dtype:
        problems.append("%s: dtype: TF %s, minigraph %s" % (key, want.dtype, got.dtype))
        return
    if got.shape != want.shape:
        problems.append("%s: shape: TF %s, minigraph %s" % (key, want.shape, got.shape))
        return
    if want.dtype.kind == "f":
        rtol, atol = _tolerance(case, key, want.dtype)
        if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
            bad = ~np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
            err = np.abs(got.astype(np.float64) - want.astype(np.float64))
            idx = np.unravel_index(np.argmax(np.where(bad, err, -1)), bad.shape) if bad.ndim \
                else ()
            problems.append("%s: %d/%d values differ (rtol %g, atol %g); worst at %s: TF %r, "
                            "minigraph %r" % (key, bad.sum(), bad.size, rtol, atol, idx,
                                              want[idx], got[idx]))
    elif not np.array_equal(got, want):
        problems.append("%s: TF %s, minigraph %s" % (key, want.tolist(), got.tolist()))


def _compare_static(ref, got, problems):
    names = list(ref.get("static/names", []))
    if not names:
        return
    got_static = {n: (d, s) for n, d, s in zip(got.get("static/names", []),
                                                 got.get("static/dtypes", []),
                                                 got.get("static/shapes", []))}
    for n, d, s in zip(names, ref["static/dtypes"], ref["static/shapes"]):
        if n not in got_static:
            continue  # reported as "only in TF"
        gd, gs = got_static[n]
        if gd != d:
            problems.append("%s: static dtype: TF %s, minigraph %s" % (n, d, gd))
        if gs != s:
            problems.append("%s: static shape: TF [%s], minigraph [%s]   (-1 = None)"
                            % (n, s, gs))


def test_reference_is_current():
    """The reference holds exactly the cases of cases.py (regenerate it if they changed)."""
    assert CASES == cases.all_cases()


@pytest.mark.parametrize("name", CASES)
def test_matches_tensorflow(name):
    ref = _reference(name)
    try:
        got = cases.collect(tf, cases.get_case(name), stored=ref)
    except Exception as e:  # report as a failure naming the case, not an error
        pytest.fail("case %s does not run under minigraph: %s: %s"
                    % (name, type(e).__name__, e))
    problems = []
    # the case regenerates its inputs: they must be the stored ones (the stored ones are fed)
    for key in sorted(k for k in ref if k.startswith(("feed/", "input/"))):
        if key not in got or got[key].dtype != ref[key].dtype or \
                not np.array_equal(got[key], ref[key], equal_nan=ref[key].dtype.kind == "f"):
            problems.append("%s: regenerated input differs from the stored one" % key)
    for key in sorted(set(ref) ^ set(got)):
        problems.append("%s: only in %s" % (key, "TF" if key in ref else "minigraph"))
    for key in sorted(k for k in ref if k.startswith("info/") and k in got):
        if not np.array_equal(got[key], ref[key]) or got[key].shape != ref[key].shape:
            want, have = ref[key].tolist(), got[key].tolist()
            if isinstance(want, list) and isinstance(have, list) and len(want) == len(have):
                # name the differing entries only
                labels = ref.get("info/names", None)
                diffs = ["%s: TF %s, minigraph %s"
                         % (labels[i] if labels is not None and len(labels) == len(want)
                            else i, w, h)
                         for i, (w, h) in enumerate(zip(want, have)) if w != h]
                problems.append("%s: %s" % (key, "; ".join(diffs)))
            else:
                problems.append("%s: TF %s, minigraph %s" % (key, want, have))
    _compare_static(ref, got, problems)
    for key in ref:
        if key.startswith(("feed/", "input/", "info/", "static/")) or key not in got:
            continue
        _compare_value(name, key, ref[key], got[key], problems)
    assert not problems, "minigraph differs from TensorFlow in case %s:\n  %s" % (
        name, "\n  ".join(problems))


def test_lecture_unfetched_updates_leave_the_loss_constant():
    """sess.run([loss]) alone never runs the assigns: minigraph's loss is exactly constant."""
    ref = _reference("lecture_forgot_updates")
    got = cases.collect(tf, cases.get_case("lecture_forgot_updates"), stored=ref)
    losses = got["losses"]
    assert losses.shape == (cases.STEPS,)
    assert np.all(losses == losses[0]), losses
    assert bool(got["w1_unchanged"])
    # and learning does happen when the updates are fetched
    got = cases.collect(tf, cases.get_case("lecture_variables"),
                        stored=_reference("lecture_variables"))
    assert got["losses"][-1] < 0.5 * got["losses"][0]
