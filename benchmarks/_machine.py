"""What the benchmarks ran on: CPU, cores, Python, numpy and its BLAS, relevant env vars."""

import contextlib
import io
import os
import platform
import shlex
import subprocess
import sys

import numpy as np

ENV_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
            "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas():
    """BLAS as threadpoolctl sees it if installed, else from ``numpy.show_config()``."""
    try:
        from threadpoolctl import threadpool_info
        libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if libs:
            return "; ".join("%s %s (%s, %s threads)" % (i.get("internal_api"),
                             i.get("version"), i.get("architecture"), i.get("num_threads"))
                             for i in libs)
    except ImportError:
        pass
    try:  # numpy >= 1.25
        deps = np.show_config(mode="dicts").get("Build Dependencies", {})
        b = deps.get("blas", {})
        cfg = b.get("openblas configuration", "")
        return ("%s %s %s" % (b.get("name", "?"), b.get("version", ""),
                              "(%s)" % cfg if cfg else "")).strip()
    except TypeError:  # older numpy: parse the printed config
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            np.show_config()
        names = sorted({ln.split("=", 1)[1].strip() for ln in buf.getvalue().splitlines()
                        if ln.strip().startswith("libraries") and "blas" in ln.lower()})
        return ", ".join(names) or "unknown"


def _git():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repo root
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here,
                             capture_output=True, text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "minigraph"], cwd=here,
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return rev + (" (minigraph/ modified)" if dirty else "") if rev else "n/a"
    except (OSError, subprocess.SubprocessError):
        return "n/a"


def machine_info(argv):
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    try:
        load = "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load = "n/a"
    return {
        "command": " ".join(shlex.quote(a) for a in [os.path.basename(sys.executable)] + argv),
        "cpu": _cpu_model(),
        "cores": "%s logical, %s usable" % (os.cpu_count(), usable),
        "load average": load,
        "python": "%s (%s)" % (platform.python_version(), sys.executable),
        "numpy": np.__version__,
        "blas": _blas(),
        "env": {k: os.environ.get(k, "(unset)") for k in ENV_VARS},
        "minigraph commit": _git(),
    }


def print_machine(info):
    print("machine")
    for key in ("command", "cpu", "cores", "load average", "python", "numpy", "blas",
                "malloc", "minigraph commit"):
        if key in info:
            print("  %-17s %s" % (key + ":", info[key]))
    print("  %-17s %s" % ("env:", "  ".join("%s=%s" % kv for kv in info["env"].items())))
