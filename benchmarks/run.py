#!/usr/bin/env python3
"""minigraph benchmarks: every figure is a ratio against a baseline timed in the same process.

    python3 benchmarks/run.py [--quick] [--json PATH]

Candidates and their baseline run interleaved (A B A B ...); figures are medians over rounds
and ratios are medians of per-round ratios. Nothing here asserts on timings: the "ok" column
only compares a figure with its target. See benchmarks/README.md.
"""

import argparse
import gc
import json
import os
import sys
import time
import tracemalloc
from functools import partial

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the checkout's minigraph, installed or not
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import minigraph as tf  # noqa: E402
from minigraph.rewrite import PASSES  # noqa: E402
from _machine import machine_info, print_machine  # noqa: E402
from _timing import (gc_off, interleaved, median, page_faults_per_call, quartiles,  # noqa: E402
                     steady_malloc)
from _workloads import (RELU_BACKWARD, ConvStep, FeedLecture, NumpyLecture,  # noqa: E402
                        OptimizerLecture, TorchConvStep, VariableLecture, build_chain,
                        build_gradients, conv_data, lecture_data, rewrites_off)
from minigraph.trace import describe_plan

CONFIGS = {
    # rounds: interleaved rounds; batch_s: seconds per timed batch of calls
    "normal": {"rounds": 101, "batch_s": 0.01, "overhead_batch_s": 0.005, "chain_rounds": 5,
               "mem_rounds": 3, "viz_rounds": 5, "conv_rounds": 31, "budget_s": 20},
    "quick": {"rounds": 5, "batch_s": 0.01, "overhead_batch_s": 0.005, "chain_rounds": 1,
              "mem_rounds": 1, "viz_rounds": 1, "conv_rounds": 3, "budget_s": 5},
}
MEM_STEPS = 50
# budget_s: past this many seconds in one benchmark (a busy machine), stop adding rounds


def _iqr(q, rounds=None, cfg=None):
    cut = "" if cfg is None or rounds >= cfg["rounds"] else ", %d rounds (time budget)" % rounds
    return "ratio IQR %.2f-%.2f%s" % (tuple(q) + (cut,))


def row(key, label, unit, value, baseline=None, baseline_label="", ratio=None, target="",
        ok=None, note="", **extra):
    return dict(key=key, label=label, unit=unit, value=value, baseline=baseline,
                baseline_label=baseline_label, ratio=ratio, target=target, ok=ok, note=note,
                **extra)


# -- 1 and 2: the lecture step ----------------------------------------------------------------

#: what each plan rewrite is called in the table (minigraph.rewrite.PASSES)
PASS_LABELS = {"fold": "constant folding", "forward": "forwarding",
               "specialize": "cheaper kernels", "own": "no-copy assigns"}


def _check_agreement(forms, steps=3):
    """The forms compute the same thing: losses and weights after a few steps from the same
    start (a correctness check, not a timing)."""
    losses = {}
    for name, obj in forms.items():
        obj.reset()
        losses[name] = [float(obj.step()) for _ in range(steps)]
    w = {name: [np.asarray(a, np.float64) for a in obj.weights()] for name, obj in forms.items()}
    out = {}
    for name in forms:
        if name == "numpy":
            continue
        dl = max(abs(a - b) / abs(b) for a, b in zip(losses[name], losses["numpy"]))
        dw = max(float(np.max(np.abs(a - b)) / np.max(np.abs(b)))
                 for a, b in zip(w[name], w["numpy"]))
        out[name] = (dl, dw)
    for obj in forms.values():
        obj.reset()
    return out


def bench_lecture(cfg):
    data = lecture_data()
    forms = {"numpy": NumpyLecture(data), "variable": VariableLecture(data),
             "feed": FeedLecture(data), "l0": VariableLecture(data, rewrites_off()),
             "sgd": OptimizerLecture(data)}
    for p in PASSES:   # the Variable form with one plan rewrite left out
        forms["no_" + p] = VariableLecture(data, passes=[q for q in PASSES if q != p])
    check = _check_agreement(forms)

    faults = {name: page_faults_per_call(obj.step) for name, obj in forms.items()}
    bytes_var = forms["variable"].traced_step()
    bytes_feed = forms["feed"].traced_step()

    res = interleaved([(name, obj.step) for name, obj in forms.items()], cfg["rounds"],
                      cfg["batch_s"], setup=lambda name: forms[name].reset(),
                      budget_s=cfg["budget_s"])
    base_ms = res["numpy"]["per_call_s"] * 1e3
    var, feed, l0, sgd = res["variable"], res["feed"], res["l0"], res["sgd"]
    extra = {"check_max_rel_diff": check,
             "calls_per_batch": {k: v["calls"] for k, v in res.items()},
             "samples_s": {k: v["samples_s"] for k, v in res.items()}}
    rows = [
        row("lecture_variable", "1 lecture step, Variable form", "ms/step",
            var["per_call_s"] * 1e3, base_ms, "numpy f32", var["ratio"],
            "<= 1.05", var["ratio"] <= 1.05,
            note=_iqr(var["ratio_iqr"], var["rounds"], cfg), ratio_iqr=var["ratio_iqr"], **extra),
        *[_without_row(res, p, "abcd"[i], base_ms, cfg) for i, p in enumerate(PASSES)],
        row("lecture_variable_l0", "1e same, plan rewrites off (L0)", "ms/step",
            l0["per_call_s"] * 1e3, base_ms, "numpy f32", l0["ratio"],
            note=_iqr(l0["ratio_iqr"], l0["rounds"], cfg), ratio_iqr=l0["ratio_iqr"]),
        row("lecture_optimizer", "1f same, GradientDescentOptimizer", "ms/step",
            sgd["per_call_s"] * 1e3, base_ms, "numpy f32", sgd["ratio"],
            note=_iqr(sgd["ratio_iqr"], sgd["rounds"], cfg), ratio_iqr=sgd["ratio_iqr"]),
        row("lecture_feed", "2 lecture step, feed_dict form", "ms/step",
            feed["per_call_s"] * 1e3, base_ms, "numpy f32", feed["ratio"],
            note=_iqr(feed["ratio_iqr"], feed["rounds"], cfg), ratio_iqr=feed["ratio_iqr"]),
        row("bytes_per_step", "  bytes fed+fetched/step, feed_dict", "bytes",
            sum(bytes_feed), sum(bytes_var), "Variable form", sum(bytes_feed) / sum(bytes_var),
            note="fed+fetched {:,}+{:,} vs {:,}+{:,}".format(*(bytes_feed + bytes_var)),
            bytes_fed_fetched={"feed_dict": bytes_feed, "variable": bytes_var}),
    ]
    notes = ["numpy baseline ReLU backward: %s" % RELU_BACKWARD,
             "feed_dict form: x, y fed as float32, w1, w2 as float64 (converted by the "
             "session); the trace counts fed bytes after conversion",
             "check, 3 steps from the same weights, max rel. diff vs numpy (loss, weights): "
             + "; ".join("%s %.1e %.1e" % ((name,) + check[name]) for name in check),
             "page faults per step: " + ", ".join("%s %.0f" % kv for kv in faults.items()),
             "plan rewrites (Variable form): "
             + describe_plan(forms["variable"].sess, forms["variable"].fetches,
                             forms["variable"].feed)
             .replace("\n", "; ")]
    if max(max(v) for v in check.values()) > 1e-3:
        notes.append("WARNING: the graph forms do not agree with the numpy baseline")
    return rows, notes


def _without_row(res, p, letter, base_ms, cfg):
    """The lecture step with rewrite ``p`` left out: its ratio to numpy, and what ``p`` buys:
    the median over rounds of (step without p) / (step with every rewrite), paired per
    round as the numpy ratios are."""
    without, full = res["no_" + p], res["variable"]
    paired = [a / b for a, b in zip(without["samples_s"], full["samples_s"])]
    buys = median(paired)
    q1, q3 = quartiles(paired)
    return row("lecture_without_" + p, "  1%s same, without %s" % (letter, PASS_LABELS[p]),
               "ms/step", without["per_call_s"] * 1e3, base_ms, "numpy f32", without["ratio"],
               note="%.3fx step 1 (IQR %.3f-%.3f): %s buys %+.1f%%"
               % (buys, q1, q3, PASS_LABELS[p], 100 * (buys - 1)),
               ratio_iqr=without["ratio_iqr"], vs_all_rewrites=buys,
               vs_all_rewrites_iqr=(q1, q3))


# -- 3: Session.run overhead ------------------------------------------------------------------

def bench_overhead(cfg):
    """One Add of two Variables (of two constants, the plan would fold the Add away)."""
    a_np, b_np = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    graph = tf.Graph()
    with graph.as_default():
        c = tf.Variable(a_np) + tf.Variable(b_np)
        init = tf.global_variables_initializer()
    sess = tf.Session(graph=graph)
    sess.run(init)
    res = interleaved([("np.add", partial(np.add, a_np, b_np)),
                       ("sess.run", partial(sess.run, c))],
                      cfg["rounds"], cfg["overhead_batch_s"], budget_s=cfg["budget_s"] / 2)
    sess.close()
    run, add = res["sess.run"], res["np.add"]
    # the overhead: median over rounds of the per-round difference
    diff = median([a - b for a, b in zip(run["samples_s"], add["samples_s"])]) * 1e6
    return [row("run_overhead", "3 Session.run(a + b), 2 Variables (2,)", "us/call",
                run["per_call_s"] * 1e6, add["per_call_s"] * 1e6, "np.add", run["ratio"],
                "<= 10 us over", diff <= 10,
                note="+%.1f us/call, %s" % (diff, _iqr(run["ratio_iqr"], run["rounds"], cfg)),
                overhead_us=diff, ratio_iqr=run["ratio_iqr"])], []


# -- 4: tf.gradients build time ---------------------------------------------------------------

def bench_gradients(cfg):
    rows = []
    for n, target in ((1000, ""), (10000, "< 1 s")):
        fwd, grad, added = [], [], 0
        t_start = time.perf_counter()
        for _ in range(cfg["chain_rounds"]):
            if fwd and time.perf_counter() - t_start > cfg["budget_s"] / 2:
                break
            with gc_off():
                t0 = time.perf_counter()
                graph, x, y = build_chain(n)
                t1 = time.perf_counter()
                n_fwd = len(graph.get_operations())
                build_gradients(graph, x, y)
                t2 = time.perf_counter()
            added = len(graph.get_operations()) - n_fwd
            fwd.append(t1 - t0)
            grad.append(t2 - t1)
            del graph, x, y
        ratios = [g / f for g, f in zip(grad, fwd)]
        ratio = median(ratios)
        rows.append(row("gradients_%d" % n, "4 tf.gradients build, %d-op chain" % n, "s",
                        median(grad), median(fwd), "forward build", ratio, target,
                        median(grad) < 1.0 if target else None,
                        note="%d fwd ops, +%d grad ops, %s" % (n_fwd, added,
                                                                _iqr(quartiles(ratios)))))
    return rows, []


# -- 5: peak memory ---------------------------------------------------------------------------

def _peak_bytes(obj, steps=MEM_STEPS):
    """Peak traced bytes above the starting level during ``steps`` steps, after warm-up."""
    tracemalloc.start()
    try:
        obj.reset()
        for _ in range(3):
            obj.step()
        gc.collect()
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        with gc_off():
            for _ in range(steps):
                obj.step()
            peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - start


def bench_memory(cfg):
    data = lecture_data()
    base, var = NumpyLecture(data), VariableLecture(data)
    pb, pv = [], []
    t_start = time.perf_counter()
    for _ in range(cfg["mem_rounds"]):
        if pb and time.perf_counter() - t_start > cfg["budget_s"]:
            break
        pb.append(_peak_bytes(base))
        pv.append(_peak_bytes(var))
    ratio = median([v / b for v, b in zip(pv, pb)])
    return [row("peak_memory", "5 peak memory, %d steps, Variable" % MEM_STEPS, "MiB",
                median(pv) / 2**20, median(pb) / 2**20, "numpy f32", ratio, "<= 1.5",
                ratio <= 1.5, note="tracemalloc, above start")], []


# -- 6: rendering a ~300-op backward graph to SVG -----------------------------------------

def bench_viz(cfg):
    """Time drawing a graph whose backward part has ~300 ops, gradients scope expanded:
    ``viz.to_dot`` (DOT text) plus Graphviz laying it out (``dot``) and drawing it at those
    positions (``neato -n2``), a first drawing (no layout cached), against building that
    graph (forward + ``tf.gradients``). Target: under a second."""
    from minigraph import viz
    label = "6 render ~300-op backward graph"
    build, draw = [], []
    t_start = time.perf_counter()
    for _ in range(cfg["viz_rounds"]):
        if build and time.perf_counter() - t_start > cfg["budget_s"] / 2:
            break
        with gc_off():
            t0 = time.perf_counter()
            graph, x, y = build_chain(300)
            n_fwd = len(graph.get_operations())
            build_gradients(graph, x, y)
            t1 = time.perf_counter()
            viz._LAYOUTS.clear()    # a first drawing: laid out, then drawn (not cached)
            svg = viz.GraphView(viz.to_dot(graph, expand=["gradients"])).svg()
            t2 = time.perf_counter()
        if svg is None:
            return [row("viz_render", label, "s", None,
                        note="n/a (Graphviz's dot is not installed)")], []
        build.append(t1 - t0)
        draw.append(t2 - t1)
    n_grad = len(graph.get_operations()) - n_fwd
    value = median(draw)
    return [row("viz_render", label, "s", value, median(build), "graph build",
                median([d / b for d, b in zip(draw, build)]), target="< 1 s",
                ok=value < 1.0,
                note="to_dot + dot layout + neato -n2 -Tsvg, %d fwd + %d grad ops"
                % (n_fwd, n_grad))], []


# -- 7: a CS231n-sized conv layer against PyTorch -------------------------------------------

def _torch_threads():
    """PyTorch at the BLAS thread count numpy has (OPENBLAS_NUM_THREADS), as fair as can be."""
    import torch
    n = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    if n:
        torch.set_num_threads(int(n))
    return torch.get_num_threads(), torch.__version__


def _rss_field(name):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
    raise OSError(name)


def conv_peak(kind, steps=3):
    """Run in a process of its own (``run.py --conv-peak KIND``): the resident memory one
    conv step needs above the process's steady state, in bytes: the peak (VmHWM, reset
    through /proc/self/clear_refs) during ``steps`` steps minus the resident size before.
    Unlike tracemalloc this sees PyTorch's allocations too."""
    data = conv_data()
    step = (ConvStep(data) if kind == "minigraph" else TorchConvStep(data)).step
    step()   # one-time allocations (plans, workspaces) happen here
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")   # reset the peak resident size to the current one
    start = _rss_field("VmRSS")
    for _ in range(steps):
        step()
    return _rss_field("VmHWM") - start


def _peak_in_subprocess(kind):
    import subprocess
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--conv-peak", kind],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        return None
    return int(out.stdout.split()[-1])


def bench_conv(cfg):
    """One step (forward, input and filter gradients) of a (64, 32, 32, 3) batch through a
    7x7x3x32 SAME convolution and 2x2 max pooling, against the same step in PyTorch."""
    data = conv_data()
    ours = ConvStep(data)
    label = "7 conv 7x7x3x32 + pool, fwd+bwd"
    try:
        threads, version = _torch_threads()
        theirs = TorchConvStep(data)
    except ImportError:
        return [row("conv_step", label, "ms/step", None,
                    note="n/a: PyTorch is not installed (make bench installs it)")], []
    loss, gx, gw = ours.step()
    t_loss, t_gx, t_gw = theirs.step()
    agree = max(abs(float(loss) - t_loss) / abs(t_loss),
                float(np.max(np.abs(gw - t_gw.numpy().transpose(2, 3, 1, 0))) / np.max(np.abs(gw))),
                float(np.max(np.abs(gx - t_gx.numpy().transpose(0, 2, 3, 1))) / np.max(np.abs(gx))))
    res = interleaved([("torch", theirs.step), ("minigraph", ours.step)], cfg["conv_rounds"],
                      cfg["batch_s"], budget_s=cfg["budget_s"])
    mine, base = res["minigraph"], res["torch"]
    per_type = {}
    for _ in range(3):
        for k, v in ours.traced_seconds().items():
            per_type.setdefault(k, []).append(v)
    where = sorted(((median(v), k) for k, v in per_type.items()), reverse=True)
    ours_peak, torch_peak = _peak_in_subprocess("minigraph"), _peak_in_subprocess("torch")
    rows = [row("conv_step", label, "ms/step", mine["per_call_s"] * 1e3,
                base["per_call_s"] * 1e3, "PyTorch %s" % version, mine["ratio"], "<= 1.5",
                mine["ratio"] <= 1.5,
                note="%d thread(s); %s" % (threads, _iqr(mine["ratio_iqr"], mine["rounds"],
                                                          dict(cfg, rounds=cfg["conv_rounds"]))),
                ratio_iqr=mine["ratio_iqr"], max_rel_diff=agree),
            row("conv_peak_memory", "  peak memory of one step", "MiB",
                None if ours_peak is None else ours_peak / 2**20,
                None if torch_peak is None else torch_peak / 2**20, "PyTorch",
                None if not (ours_peak and torch_peak) else ours_peak / torch_peak,
                note="resident memory above the steady state, each in a fresh process")]
    notes = ["conv step, where the time goes (one traced run, per op type): "
             + ", ".join("%s %.1f ms" % (k, s * 1e3) for s, k in where if s > 2e-4),
             "conv step agrees with PyTorch to a max relative difference of %.1e" % agree]
    return rows, notes


# -- output -----------------------------------------------------------------------------------

def _fmt(value, unit):
    if value is None:
        return "-"
    if unit == "bytes":
        return "{:,}".format(int(value))
    if unit == "s":
        return "%.3f" % value
    return "%.3g" % value if value < 100 else "%.0f" % value


def print_table(rows):
    header = ("benchmark", "unit", "minigraph", "baseline", "ratio", "target", "ok", "note")
    lines = []
    for r in rows:
        if r["value"] is None:
            lines.append((r["label"], r["unit"], "-", "-", "-", r["target"], "-", r["note"]))
            continue
        base = "-" if r["baseline"] is None else "%s %s" % (_fmt(r["baseline"], r["unit"]),
                                                             "(%s)" % r["baseline_label"])
        lines.append((r["label"], r["unit"], _fmt(r["value"], r["unit"]), base,
                      "-" if r["ratio"] is None else "%.2fx" % r["ratio"], r["target"] or "-",
                      {True: "yes", False: "NO", None: "-"}[r["ok"]], r["note"]))
    widths = [max(len(str(x[i])) for x in [header] + lines) for i in range(len(header))]
    right = {2, 3, 4}
    for i, line in enumerate([header] + lines):
        cells = [str(c).rjust(w) if j in right else str(c).ljust(w)
                 for j, (c, w) in enumerate(zip(line, widths))]
        print("  ".join(cells).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="few repeats: a smoke test")
    p.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    p.add_argument("--system-malloc", action="store_true",
                   help="leave glibc's malloc thresholds alone (see _timing.steady_malloc)")
    p.add_argument("--conv-peak", choices=("minigraph", "torch"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.conv_peak:  # the memory figure of benchmark 7, measured in a process of its own
        print(conv_peak(args.conv_peak))
        return
    cfg = CONFIGS["quick" if args.quick else "normal"]

    info = machine_info([os.path.relpath(os.path.abspath(__file__))] + argv)
    info["malloc"] = "system default" if args.system_malloc else steady_malloc()
    start = time.perf_counter()
    rows, notes, seconds = [], [], {}
    for bench in (bench_lecture, bench_overhead, bench_gradients, bench_memory, bench_viz,
                  bench_conv):
        t0 = time.perf_counter()
        r, n = bench(cfg)
        seconds[bench.__name__] = time.perf_counter() - t0
        rows += r
        notes += n
    elapsed = time.perf_counter() - start
    noisy = [r["label"].strip() for r in rows if r.get("ratio_iqr")
             and (r["ratio_iqr"][1] - r["ratio_iqr"][0]) > 0.3 * r["ratio"]]
    if noisy:
        notes.append("WARNING: noisy timings (ratio IQR wider than 30%% of the ratio) in: %s; "
                     "is the machine busy? (load average %s)" % ("; ".join(noisy),
                                                                  info["load average"]))

    print("minigraph benchmarks (%s): %d interleaved rounds; figures are medians, ratios are "
          "medians of per-round ratios vs the baseline" % ("quick" if args.quick else "normal",
                                                           cfg["rounds"]))
    print()
    print_table(rows)
    print()
    for n in notes:
        print("note: " + n)
    print()
    print_machine(info)
    print("  %-17s %.1f s" % ("wall time:", elapsed))

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"mode": "quick" if args.quick else "normal", "config": cfg,
                       "machine": info, "wall_seconds": elapsed, "bench_seconds": seconds,
                       "notes": notes, "results": rows}, f, indent=2, default=float)
        print("  %-17s %s" % ("json:", args.json))


if __name__ == "__main__":
    main()
