"""The benchmark script runs and its correctness figures hold (no timing is asserted).

``benchmarks/run.py --quick`` is run as a user would run it; the test reads its JSON: every
figure is there, the byte counts equal what the shapes say, and the graph forms of the
lecture step agree with the numpy baseline.
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N, D, H = 64, 1000, 100  # benchmarks/_workloads.py
F32 = 4


def test_quick_benchmark_runs_and_its_checks_hold(tmp_path):
    out = tmp_path / "bench.json"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "run.py"),
                           "--quick", "--json", str(out)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    rows = {r["key"]: r for r in report["results"]}
    without = {"lecture_without_" + p for p in ("fold", "forward", "specialize", "own")}
    # the conv benchmark needs PyTorch (the bench extra, which `make test` does not install)
    with_torch = rows["conv_step"]["value"] is not None
    assert set(rows) == {"lecture_variable", "lecture_variable_l0", "lecture_optimizer",
                         "lecture_feed",
                         "bytes_per_step", "run_overhead", "gradients_1000",
                         "gradients_10000", "peak_memory", "viz_render", "conv_step"} | without \
        | ({"conv_peak_memory"} if with_torch else set())
    if with_torch:   # the same step as PyTorch's, to float32 rounding
        assert rows["conv_step"]["max_rel_diff"] < 1e-4 and rows["conv_step"]["ratio"] > 0
    else:
        assert "PyTorch is not installed" in rows["conv_step"]["note"]
    for key in {"lecture_variable", "lecture_variable_l0", "lecture_optimizer", "lecture_feed",
                "run_overhead"} | without:
        assert rows[key]["value"] > 0 and rows[key]["ratio"] > 0
    for key in without:  # each rewrite left out, timed against the step with all of them
        assert rows[key]["vs_all_rewrites"] > 0
    # bytes per step, from the shapes: the batch in, and the loss out (Variable form); plus
    # both weights in (as float32, after conversion) and both gradients out (feed_dict form)
    batch, weights, loss = 2 * N * D * F32, 2 * D * H * F32, F32
    assert rows["bytes_per_step"]["bytes_fed_fetched"] == {
        "feed_dict": [batch + weights, loss + weights], "variable": [batch, loss]}
    # the four graph forms compute the numpy step's losses and weights (to float32's
    # rounding: the same BLAS calls, but e.g. the ReLU mask at exactly 0 may differ)
    check = rows["lecture_variable"]["check_max_rel_diff"]
    for form in ("variable", "l0", "sgd", "feed", "no_fold", "no_forward", "no_specialize",
                 "no_own"):
        assert max(check[form]) < 1e-5, (form, check[form])
    # as in TF1, every floating input of an op on the path gets its gradient built: per
    # tanh(y) * c, the TanhGrad and the Mul for y, and for the shared scalar c (never run)
    # Mul_1, Sum with its reduction_indices Const, Reshape with its shape Const
    assert rows["gradients_10000"]["note"].startswith("10002 fwd ops, +35001 grad ops")
    assert "page faults per step" in " ".join(report["notes"])
    assert "malloc" in report["machine"]
