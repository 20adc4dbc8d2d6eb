"""minigraph runs a corpus of public TF1 tutorial programs and gives real TF1's numbers.

Each program in tests/tf1_corpus/ is written anew after a well-known public TF1 tutorial (its
header names the source, the license and every change) and takes the module as ``tf``.
tests/tf1_corpus/generate.py ran them under real TensorFlow (``tf.compat.v1``, TF 2.21, graph
mode) and stored what they return in tests/tf1_corpus/reference.npz; here the same source runs
with ``import minigraph as tf`` and every value is compared. TensorFlow is not needed here.

A program that cannot run on minigraph yet is a strict xfail naming the TF1 symbol or behaviour
it lacks (BLOCKED below). The test raises ``Blocked`` only when the failure is that one (the
exception's message or the differing keys match the blocker's pattern); any other failure
fails the test, and a blocked program that passes fails it too (strict), so the list stays
true as minigraph grows.
"""

import importlib.util
import os
import re
import warnings

import numpy as np
import pytest

import minigraph as tf

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf1_corpus")
REFERENCE = os.path.join(HERE, "reference.npz")

_spec = importlib.util.spec_from_file_location("tf1_corpus_runner", os.path.join(HERE, "corpus.py"))
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

with np.load(REFERENCE, allow_pickle=False) as _z:
    REF = {k: _z[k] for k in _z.files}

# Every returned float is compared with (rtol, atol) = DEFAULT_TOLERANCE unless the program's
# TOLERANCE names the key (each entry there says why). Both engines do the same float32
# arithmetic; they differ only in summation order (numpy's pairwise sums and OpenBLAS vs
# Eigen's blocked reductions and matmul). A float32 sum of n terms in another order differs by
# up to ~sqrt(n) ulp typically (eps = 1.2e-7): 784-term sums give a few 1e-6 relative, which
# the first training steps carry over unchanged. 1e-5 relative is ~80 ulp. Observed over the
# corpus (TF 2.21 vs minigraph): most values bit-identical, the rest within 2.4e-7 relative
# (2 ulp), except logits that are sums of a few thousand products (6e-6 relative in
# tf_mnist_deep); the absolute 1e-6 covers values near 0 (decoded pixels of ~1e-7).
DEFAULT_TOLERANCE = (1e-5, 1e-6)


class Blocked(Exception):
    """The program fails for the reason its strict xfail names."""


def _report(e):
    return "%s: %s" % (type(e).__name__, e)


# program -> (the exact missing TF1 symbol or behaviour, regex the failure must match). A
# reason names the first blocker; "then" names those found behind it by running the program
# with the first ones stubbed out. The regex accepts the later ones too, so an entry stays an
# xfail until the whole program runs and matches.
BLOCKED = {
}


def _params():
    out = []
    for name in corpus.PROGRAMS:
        marks = []
        if name in BLOCKED:
            marks.append(pytest.mark.xfail(strict=True, raises=Blocked, reason=BLOCKED[name][0]))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


def _reference(name):
    prefix = name + "/"
    return {k[len(prefix):]: v for k, v in REF.items() if k.startswith(prefix)}


def _compare(name, ref, got):
    module = corpus.load(name)
    tolerance = getattr(module, "TOLERANCE", {})
    stochastic = set(getattr(module, "STOCHASTIC", ()))
    problems = []
    expected = {k for k in ref if not k.startswith("spread/")}
    for key in sorted(expected ^ set(got)):
        problems.append("%s: only in %s" % (key, "TF" if key in ref else "minigraph"))
    for key in sorted(expected & set(got)):
        want, have = ref[key], got[key]
        if key.startswith("data_sha256/"):
            if str(want) != str(have):
                problems.append("%s: the regenerated synthetic input differs from the one TF "
                                "ran on (numpy's streams changed? regenerate the reference)"
                                % key)
            continue
        if have.dtype != want.dtype:
            problems.append("%s: dtype: TF %s, minigraph %s" % (key, want.dtype, have.dtype))
            continue
        if have.shape != want.shape:
            problems.append("%s: shape: TF %s, minigraph %s" % (key, want.shape, have.shape))
            continue
        if key in stochastic:
            # Depends on TF's random streams (dropout masks, shuffle orders), which minigraph
            # does not reproduce: bounded by the range of real TF over 6 seeds, widened by that
            # range on each side (a 7th draw falls outside the range of 6 with probability
            # 2/7; a full range further out is far rarer for these smooth averages).
            lo, hi = ref["spread/%s/lo" % key], ref["spread/%s/hi" % key]
            width = hi - lo
            bad = (have < lo - width - 1e-6) | (have > hi + width + 1e-6)
            if np.any(bad):
                i = np.unravel_index(np.argmax(bad), bad.shape) if bad.ndim else ()
                problems.append("%s: outside real TF's spread over seeds: at %s TF in "
                                "[%r, %r], minigraph %r" % (key, i, lo[i], hi[i], have[i]))
            continue
        if want.dtype.kind == "f":
            rtol, atol = tolerance.get(key, DEFAULT_TOLERANCE)
            if not np.allclose(have, want, rtol=rtol, atol=atol, equal_nan=True):
                bad = ~np.isclose(have, want, rtol=rtol, atol=atol, equal_nan=True)
                err = np.abs(have.astype(np.float64) - want.astype(np.float64))
                i = np.unravel_index(np.argmax(np.where(bad, err, -1)), bad.shape) \
                    if bad.ndim else ()
                problems.append("%s: %d/%d values differ (rtol %g, atol %g); worst at %s: "
                                "TF %r, minigraph %r" % (key, bad.sum(), bad.size, rtol, atol,
                                                         i, want[i], have[i]))
        elif not np.array_equal(have, want):
            problems.append("%s: TF %s, minigraph %s" % (key, want.tolist(), have.tolist()))
    return problems


def test_reference_is_current():
    """The reference holds exactly the programs of the corpus (regenerate it if they changed)."""
    assert [str(p) for p in REF["meta/programs"]] == corpus.PROGRAMS


def test_every_blocker_names_a_program():
    assert set(BLOCKED) <= set(corpus.PROGRAMS)


@pytest.fixture
def seeded_graphs(monkeypatch):
    """Every graph the program makes gets a graph-level seed, unless it sets its own: a
    program that draws without a seed (dropout, shuffle) then draws the same numbers at every
    run of this test, one fixed sample that must lie within real TF's spread (the comparison
    of STOCHASTIC values), so the test cannot pass or fail by chance."""
    init = tf.Graph.__init__

    def seeded_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.seed = 20261206

    monkeypatch.setattr(tf.Graph, "__init__", seeded_init)
    tf.get_default_graph().seed = 20261206


@pytest.mark.parametrize("name", _params())
def test_program_matches_tensorflow(name, seeded_graphs):
    blocker = BLOCKED.get(name)
    ref = _reference(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecation and teaching warnings of the programs
            got = corpus.collect(tf, name)
    except Exception as e:  # noqa: BLE001 -- classified below
        if blocker and re.search(blocker[1], _report(e)):
            raise Blocked(_report(e)) from e
        raise
    problems = _compare(name, ref, got)
    if problems and blocker and all(re.search(blocker[1], p) for p in problems):
        raise Blocked("\n".join(problems))
    assert not problems, "minigraph differs from TensorFlow in %s:\n  %s" % (
        name, "\n  ".join(problems))
