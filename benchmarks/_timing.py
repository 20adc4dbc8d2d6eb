"""Interleaved timing: every figure is measured against a baseline in the same process.

``interleaved`` runs the candidates round-robin (A B A B ...), one batch of calls each per
round, with the garbage collector off while a batch runs. Each candidate's figure is the
median over rounds of its per-call time; a ratio is the median over rounds of the per-round
ratio (candidate / baseline), so slow drift of the machine cancels out.
"""

import ctypes
import ctypes.util
import gc
import resource
import statistics
import time

__all__ = ["gc_off", "calibrate", "interleaved", "median", "quartiles", "steady_malloc",
           "page_faults_per_call"]

median = statistics.median


def quartiles(xs):
    """(first, third) quartile of ``xs``; both equal the value when there is only one."""
    if len(xs) < 2:
        return xs[0], xs[0]
    q = statistics.quantiles(xs, n=4)
    return q[0], q[2]


class gc_off:
    """``with gc_off():`` collect once, then keep the collector off; restore it after."""

    def __enter__(self):
        gc.collect()
        self._was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self._was:
            gc.enable()
        return False


# glibc's mallopt parameters
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def steady_malloc():
    """Stop glibc's malloc from handing freed memory back to the OS between calls.

    By default glibc maps big blocks (and trims the top of its heap) on demand, so a loop
    that frees its few 100 KB temporaries at the end of each step can page-fault them all
    back in at the next one: ~450 page faults per lecture step here, which made the
    hand-written numpy step take 2-3 ms instead of 1.2 ms, depending on what else lived
    in the process. With a 32 MiB mmap threshold and a 256 MiB trim threshold (as
    ``MALLOC_MMAP_THRESHOLD_``/``MALLOC_TRIM_THRESHOLD_`` would set) every candidate reuses
    its memory and the timings compare computation. Returns a line for the report."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        ok = libc.mallopt(_M_MMAP_THRESHOLD, 32 * 2**20) and \
            libc.mallopt(_M_TRIM_THRESHOLD, 256 * 2**20)
    except (OSError, AttributeError, TypeError):
        return "system default (mallopt not available)"
    if not ok:
        return "system default (mallopt refused)"
    return "glibc mallopt: mmap threshold 32 MiB, trim threshold 256 MiB (set by the script)"


def page_faults_per_call(fn, n=20):
    """Minor page faults per call of ``fn`` (after one warm-up call)."""
    fn()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(n):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / n


def _batch(fn, n):
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return time.perf_counter() - t0


def calibrate(fn, target_s, cap=1_000_000):
    """Calls of ``fn`` that take about ``target_s`` seconds (at least 1); also a warm-up."""
    n = 1
    with gc_off():
        while True:
            t = _batch(fn, n)
            if t >= target_s / 4 or n >= cap:
                return max(1, min(cap, int(round(n * target_s / max(t, 1e-9)))))
            n *= 4


def interleaved(candidates, rounds, target_s, warmup=3, setup=None, budget_s=None,
                min_rounds=5):
    """Time ``candidates`` (a list of ``(name, fn)``; the first is the baseline) round-robin.

    Each round runs, for each candidate in order, ``setup(name)`` (untimed) and then one
    batch of calls to ``fn`` sized to take about ``target_s``. Past ``budget_s`` seconds
    (a busy machine), it stops after the current round, once ``min_rounds`` are done.

    Returns ``{name: {"per_call_s": median, "samples_s": [...], "calls": n,
    "ratio": median of per-round ratios against the baseline, "ratio_iqr": its quartiles}}``.
    """
    for _, fn in candidates:
        for _ in range(warmup):
            fn()
    calls = {name: calibrate(fn, target_s) for name, fn in candidates}
    samples = {name: [] for name, _ in candidates}
    t_start = time.perf_counter()
    for r in range(rounds):
        if budget_s is not None and r >= min_rounds and time.perf_counter() - t_start > budget_s:
            break
        for name, fn in candidates:
            if setup is not None:
                setup(name)
            with gc_off():
                t = _batch(fn, calls[name])
            samples[name].append(t / calls[name])
    base = candidates[0][0]
    out = {}
    for name, _ in candidates:
        ratios = [a / b for a, b in zip(samples[name], samples[base])]
        out[name] = {"per_call_s": median(samples[name]), "samples_s": samples[name],
                     "calls": calls[name], "ratio": median(ratios),
                     "ratio_iqr": quartiles(ratios), "rounds": len(ratios)}
    return out
