#!/usr/bin/env python3
"""Times statsmodels' ARIMA(2,1,2) fit on the series of ArimaPeersBenchmark, once, by hand (not in CI).

The series is written by the Java side, so both fit the same numbers:

    java -cp profile-benchmarks/target/benchmarks.jar dev.profilekit.benchmarks.ArimaSeries /tmp/arima-series.json
    /usr/bin/python3 profile-benchmarks/statsmodels/arima_timing.py /tmp/arima-series.json [repeats] \
        > profile-benchmarks/statsmodels/results.json

Debian's python3-statsmodels (apt-get install -y python3-statsmodels). The fit is
statsmodels.tsa.arima.model.ARIMA(y, order=(2, 1, 2)).fit() with its defaults: no trend for d = 1 (as ours),
exact Gaussian likelihood by the Kalman filter, maximised by L-BFGS from a Hannan-Rissanen/CSS start -- the same
problem as ProfileKit's Arima.fit. Prints JSON: the best and median wall time of `repeats` fits (model
construction and fit, one thread: BLAS threads are pinned to 1 below), the log-likelihood and the parameters.
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")  # one core, as every JMH contender

import datetime
import json
import platform
import statistics
import sys
import time
import warnings

import numpy as np
import scipy
import statsmodels
from statsmodels.tsa.arima.model import ARIMA


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError):
        return None


def fit(y, order):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; convergence is reported below
        return ARIMA(y, order=order).fit()


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: arima_timing.py <series.json> [repeats]")
    with open(sys.argv[1]) as f:
        data = json.load(f)
    repeats = int(sys.argv[2]) if len(sys.argv) == 3 else 30
    y = np.asarray(data["series"], dtype=float)
    order = tuple(data["order"])
    load1 = load_average()
    result = fit(y, order)  # warm-up: imports, caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fit(y, order)
        times.append((time.perf_counter() - t0) * 1e3)
    out = {
        "date": datetime.date.today().isoformat(),
        "machine": "%s, %d cores" % (cpu_model(), os.cpu_count() or 0),
        "load1_before": load1,
        "python": platform.python_version(),
        "statsmodels": statsmodels.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "call": "ARIMA(y, order=%s).fit()" % (order,),
        "n": int(len(y)),
        "seed": data.get("seed"),
        "order": list(order),
        "repeats": repeats,
        "best_ms": min(times),
        "median_ms": statistics.median(times),
        "loglike": float(result.llf),
        "converged": bool(result.mle_retvals.get("converged", False)),
        "params": dict(zip(result.model.param_names, map(float, result.params))),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
